//! `Cargo.toml`, read once for two purposes. Its dependencies are import sites: a package's
//! dependency on another crate is an import of that crate's library, written at the
//! dependency's key (SPEC §3, kind `manifest`), which holds the layer rules at crate level
//! even where code hides its uses behind macros. And its tables are the facts
//! `resolve::rust::cargo` builds the package model from ([`CargoManifest`]), which extraction
//! returns and the cache keeps with the sites, so no manifest of the run is read twice.
//!
//! Every reading of manifest tables is here, so that the sites and the model agree on what
//! a dependency is. Parsed with `toml`'s spanned document model, keeping what can be read of
//! a broken file; cargo never runs, and nothing here touches the filesystem.
//!
//! Layer `lang`.

use std::ops::Range;

use serde::{Deserialize, Serialize};
use toml::de::{DeTable, DeValue};

use crate::lang::{Extracted, ImportKind, Manifest, RawImport, SiteContext};

/// The manifest's file name, claimed for the Rust front-end by its row in the registry.
pub const FILE_NAME: &str = "Cargo.toml";

/// The tables that declare dependencies, at the top level or under `[target.'cfg(…)']`.
/// Dev and build dependencies count: tests and build scripts are code of the package too.
const DEPENDENCY_TABLES: &[&str] = &[
    "dependencies",
    "dev-dependencies",
    "dev_dependencies",
    "build-dependencies",
    "build_dependencies",
];

/// What the Cargo model needs from one manifest, as written (paths are not joined or
/// normalized, editions not parsed: that is the model's reading, in `resolve::rust::cargo`).
/// A key whose value has another type than cargo expects counts as absent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CargoManifest {
    /// `[package]`, when the manifest is a package's (not only a workspace root).
    pub package: Option<PackageTable>,
    /// `[lib]` (`name` and `path`); both `None` when the table is absent.
    pub lib: TargetTable,
    /// The `[[bin]]`, `[[test]]`, `[[example]]` and `[[bench]]` entries, in file order.
    pub bins: Vec<TargetTable>,
    pub tests: Vec<TargetTable>,
    pub examples: Vec<TargetTable>,
    pub benches: Vec<TargetTable>,
    /// Every dependency, in every dependency table, in file order: the import sites.
    pub dependencies: Vec<Dependency>,
    /// `[workspace]`, when the manifest is a workspace root.
    pub workspace: Option<WorkspaceTable>,
}

/// The keys of `[package]` the model reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "cargo's four `auto*` keys are independent switches"
)]
pub struct PackageTable {
    pub name: Option<String>,
    pub edition: Option<EditionField>,
    pub build: Build,
    /// `autobins`, `autotests`, `autoexamples`, `autobenches`: `false` only when written so.
    pub autobins: bool,
    pub autotests: bool,
    pub autoexamples: bool,
    pub autobenches: bool,
}

/// `edition = "2021"`, or `edition.workspace = true` (inherited from `[workspace.package]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum EditionField {
    Written(String),
    Workspace,
}

/// `package.build`: the build script.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Build {
    /// Not written, or any value but a path or `false`: `build.rs` if it exists.
    Default,
    /// `build = "path"`, relative to the manifest's folder.
    Path(String),
    /// `build = false`.
    Off,
}

/// A target table: `[lib]`, `[[bin]]`, … (the keys the model reads).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetTable {
    pub name: Option<String>,
    /// Relative to the manifest's folder.
    pub path: Option<String>,
}

/// The keys of `[workspace]` the model reads.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceTable {
    /// `exclude`, its strings as written.
    pub exclude: Vec<String>,
    /// `[workspace.package] edition`.
    pub edition: Option<String>,
    /// `[workspace.dependencies]`, what `dep = { workspace = true }` inherits.
    pub dependencies: Vec<Dependency>,
}

/// One dependency entry as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dependency {
    /// The key: the crate's name in the dependent's code, before `-` → `_`.
    pub key: String,
    /// The byte span of the key.
    pub span: Range<usize>,
    /// `package = "…"` when the key renames the dependency.
    pub package: Option<String>,
    /// `path = "…"`, relative to the manifest's folder.
    pub path: Option<String>,
    /// `workspace = true`: the details are in the workspace's `[workspace.dependencies]`.
    pub workspace: bool,
}

/// The import sites of a manifest (one per dependency, at its key) and its facts. A file
/// that is not UTF-8 has neither (cargo would refuse it); a broken one keeps what can be read.
pub(crate) fn extract(src: &[u8]) -> Extracted {
    let text = match std::str::from_utf8(src) {
        Ok(t) => t,
        Err(e) => {
            return Extracted {
                first_error: Some(e.valid_up_to()),
                ..Extracted::default()
            };
        }
    };
    let (document, errors) = DeTable::parse_recoverable(text);
    let first_error = errors
        .iter()
        .filter_map(toml::de::Error::span)
        .map(|s| s.start)
        .min();
    let manifest = read(document.get_ref());
    let imports = manifest
        .dependencies
        .iter()
        .map(|d| RawImport {
            specifier: d.key.clone(),
            kind: ImportKind::Manifest,
            span: d.span.clone(),
            context: SiteContext::default(),
        })
        .collect();
    Extracted {
        imports,
        first_error,
        manifest: Some(Manifest::Cargo(manifest)),
    }
}

/// The facts of a manifest's text, keeping what can be read of a broken one. For manifests
/// that are not files of the run (a workspace root above the root), which the model reads
/// from disk itself.
pub fn parse(text: &str) -> CargoManifest {
    read(DeTable::parse_recoverable(text).0.get_ref())
}

/// The facts of a parsed manifest.
fn read(document: &DeTable<'_>) -> CargoManifest {
    let targets = |key| tables(document, key).into_iter().map(target).collect();
    CargoManifest {
        package: table(document, "package").map(package),
        lib: table(document, "lib").map(target).unwrap_or_default(),
        bins: targets("bin"),
        tests: targets("test"),
        examples: targets("example"),
        benches: targets("bench"),
        dependencies: dependencies(document),
        workspace: table(document, "workspace").map(workspace),
    }
}

fn package(package: &DeTable<'_>) -> PackageTable {
    let edition = match get(package, "edition") {
        Some(DeValue::String(s)) => Some(EditionField::Written(s.to_string())),
        Some(DeValue::Table(t)) if matches!(get(t, "workspace"), Some(DeValue::Boolean(true))) => {
            Some(EditionField::Workspace)
        }
        _ => None,
    };
    let build = match get(package, "build") {
        Some(DeValue::String(path)) => Build::Path(path.to_string()),
        Some(DeValue::Boolean(false)) => Build::Off,
        _ => Build::Default,
    };
    let auto = |key| !matches!(get(package, key), Some(DeValue::Boolean(false)));
    PackageTable {
        name: string(package, "name"),
        edition,
        build,
        autobins: auto("autobins"),
        autotests: auto("autotests"),
        autoexamples: auto("autoexamples"),
        autobenches: auto("autobenches"),
    }
}

fn target(target: &DeTable<'_>) -> TargetTable {
    TargetTable {
        name: string(target, "name"),
        path: string(target, "path"),
    }
}

fn workspace(workspace: &DeTable<'_>) -> WorkspaceTable {
    let exclude = match get(workspace, "exclude") {
        Some(DeValue::Array(items)) => items
            .iter()
            .filter_map(|i| match i.get_ref() {
                DeValue::String(s) => Some(s.to_string()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    WorkspaceTable {
        exclude,
        edition: table(workspace, "package").and_then(|p| string(p, "edition")),
        dependencies: table(workspace, "dependencies")
            .map(dependency_table)
            .unwrap_or_default(),
    }
}

/// Every dependency of a manifest, in every dependency table, in file order.
fn dependencies(document: &DeTable<'_>) -> Vec<Dependency> {
    let mut tables: Vec<&DeTable<'_>> = DEPENDENCY_TABLES
        .iter()
        .filter_map(|name| table(document, name))
        .collect();
    if let Some(targets) = table(document, "target") {
        for (_, platform) in targets {
            if let DeValue::Table(platform) = platform.get_ref() {
                tables.extend(DEPENDENCY_TABLES.iter().filter_map(|n| table(platform, n)));
            }
        }
    }
    let mut out: Vec<Dependency> = tables.into_iter().flat_map(dependency_table).collect();
    out.sort_by_key(|d| d.span.start);
    out
}

/// The entries of one `[dependencies]`-like table (also `[workspace.dependencies]`).
fn dependency_table(deps: &DeTable<'_>) -> Vec<Dependency> {
    deps.iter()
        .map(|(key, value)| {
            let (package, path, workspace) = match value.get_ref() {
                DeValue::Table(details) => (
                    string(details, "package"),
                    string(details, "path"),
                    matches!(get(details, "workspace"), Some(DeValue::Boolean(true))),
                ),
                _ => (None, None, false),
            };
            Dependency {
                key: key.get_ref().to_string(),
                span: key.span(),
                package,
                path,
                workspace,
            }
        })
        .collect()
}

/// The value under `key`.
fn get<'a, 'i>(table: &'a DeTable<'i>, key: &str) -> Option<&'a DeValue<'i>> {
    table
        .iter()
        .find(|(k, _)| k.get_ref().as_ref() == key)
        .map(|(_, v)| v.get_ref())
}

/// The table under `key`.
fn table<'a, 'i>(table: &'a DeTable<'i>, key: &str) -> Option<&'a DeTable<'i>> {
    match get(table, key) {
        Some(DeValue::Table(t)) => Some(t),
        _ => None,
    }
}

/// The string under `key`.
fn string(table: &DeTable<'_>, key: &str) -> Option<String> {
    match get(table, key) {
        Some(DeValue::String(s)) => Some(s.to_string()),
        _ => None,
    }
}

/// The array of tables under `key` (`[[bin]]`).
fn tables<'a, 'i>(table: &'a DeTable<'i>, key: &str) -> Vec<&'a DeTable<'i>> {
    match get(table, key) {
        Some(DeValue::Array(items)) => items
            .iter()
            .filter_map(|i| match i.get_ref() {
                DeValue::Table(t) => Some(t),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sites(text: &str) -> Vec<(String, String)> {
        extract(text.as_bytes())
            .imports
            .into_iter()
            .map(|i| (i.specifier, text[i.span].to_owned()))
            .collect()
    }

    #[test]
    fn every_dependency_table_is_a_site_at_its_key() {
        let text = "[package]\nname = \"a\"\n\n[dependencies]\nb = { path = \"../b\" }\n\
                    serde = \"1\"\n\n[dev-dependencies]\nc = { workspace = true }\n\n\
                    [build-dependencies.d]\npath = \"../d\"\n\n\
                    [target.'cfg(unix)'.dependencies]\ne = \"1\"\n";
        let found = sites(text);
        let keys: Vec<&str> = found.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["b", "serde", "c", "d", "e"]);
        for (key, written) in &found {
            assert_eq!(key, written);
        }
    }

    #[test]
    fn renames_paths_and_workspace_inheritance_are_read() {
        let text = "[dependencies]\nfoo = { package = \"bar-baz\", path = \"../bar\" }\n\
                    q = { workspace = true }\n";
        let deps = parse(text).dependencies;
        assert_eq!(deps[0].key, "foo");
        assert_eq!(deps[0].package.as_deref(), Some("bar-baz"));
        assert_eq!(deps[0].path.as_deref(), Some("../bar"));
        assert!(!deps[0].workspace);
        assert!(deps[1].workspace);
    }

    #[test]
    fn quoted_keys_span_their_quotes_and_broken_files_report_the_error() {
        let found = sites("[dependencies]\n\"x-y\" = \"1\"\n");
        assert_eq!(found, [("x-y".to_owned(), "\"x-y\"".to_owned())]);
        let broken = extract(b"[dependencies]\na = \"1\"\nb = \n");
        assert!(broken.first_error.is_some());
    }

    #[test]
    fn files_without_dependencies_have_no_sites() {
        assert!(
            sites("[workspace]\nmembers = [\"a\"]\n[workspace.dependencies]\na = \"1\"\n")
                .is_empty()
        );
        assert!(sites("").is_empty());
    }

    #[test]
    fn the_facts_of_the_cargo_model_come_with_the_sites() {
        let text = "[package]\nname = \"my-pkg\"\nedition.workspace = true\nbuild = false\n\
                    autotests = false\n\n[lib]\nname = \"mine\"\npath = \"lib.rs\"\n\n\
                    [[bin]]\nname = \"tool\"\n\n[[bench]]\npath = \"b/x.rs\"\n\n\
                    [dependencies]\nq = { workspace = true }\n\n\
                    [workspace]\nexclude = [\"old/\", 3]\n\n[workspace.package]\n\
                    edition = \"2021\"\n\n[workspace.dependencies]\nq = { path = \"q\" }\n";
        let extracted = extract(text.as_bytes());
        let Some(Manifest::Cargo(found)) = extracted.manifest else {
            panic!("no facts");
        };
        let package = found.package.unwrap();
        assert_eq!(package.name.as_deref(), Some("my-pkg"));
        assert_eq!(package.edition, Some(EditionField::Workspace));
        assert_eq!(package.build, Build::Off);
        assert!(package.autobins && !package.autotests);
        assert_eq!(found.lib.name.as_deref(), Some("mine"));
        assert_eq!(found.lib.path.as_deref(), Some("lib.rs"));
        assert_eq!(found.bins[0].name.as_deref(), Some("tool"));
        assert_eq!(found.benches[0].path.as_deref(), Some("b/x.rs"));
        assert!(found.tests.is_empty() && found.examples.is_empty());
        assert_eq!(found.dependencies.len(), extracted.imports.len());
        let workspace = found.workspace.unwrap();
        assert_eq!(workspace.exclude, ["old/"]);
        assert_eq!(workspace.edition.as_deref(), Some("2021"));
        assert_eq!(workspace.dependencies[0].path.as_deref(), Some("q"));
        assert_eq!(parse(text), {
            let Some(Manifest::Cargo(again)) = extract(text.as_bytes()).manifest else {
                panic!("no facts");
            };
            again
        });
    }

    #[test]
    fn a_manifest_that_is_not_utf8_has_no_facts() {
        let found = extract(b"[package]\nname = \"\xff\"\n");
        assert!(found.manifest.is_none());
        assert!(found.imports.is_empty());
        assert!(found.first_error.is_some());
    }
}
