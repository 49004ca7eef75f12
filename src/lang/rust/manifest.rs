//! `Cargo.toml` as a source of import sites: a package's dependency on another crate is an
//! import of that crate's library, written at the dependency's key (SPEC §3, kind
//! `manifest`). This holds the layer rules at crate level even where code hides its uses
//! behind macros.
//!
//! Also the shared reading of manifest tables (`resolve::cargo` builds the workspace model
//! on it), so that both agree on what a dependency is. Parsed with `toml`'s spanned document
//! model; cargo never runs.

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::lang::{Extracted, ImportKind, RawImport, SiteContext};

/// The manifest's file name, claimed by the Rust front-end.
pub(crate) const FILE_NAME: &str = "Cargo.toml";

/// The tables that declare dependencies, at the top level or under `[target.'cfg(…)']`.
/// Dev and build dependencies count: tests and build scripts are code of the package too.
const DEPENDENCY_TABLES: &[&str] = &[
    "dependencies",
    "dev-dependencies",
    "dev_dependencies",
    "build-dependencies",
    "build_dependencies",
];

/// One dependency entry as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Dependency {
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

/// The import sites of a manifest: one per dependency, at its key.
pub(crate) fn extract(src: &[u8]) -> Extracted {
    let text = match std::str::from_utf8(src) {
        Ok(t) => t,
        Err(e) => {
            return Extracted {
                imports: Vec::new(),
                first_error: Some(e.valid_up_to()),
            };
        }
    };
    let (document, errors) = DeTable::parse_recoverable(text);
    let first_error = errors
        .iter()
        .filter_map(toml::de::Error::span)
        .map(|s| s.start)
        .min();
    let imports = dependencies(document.get_ref())
        .into_iter()
        .map(|d| RawImport {
            specifier: d.key,
            kind: ImportKind::Manifest,
            span: d.span,
            context: SiteContext::default(),
        })
        .collect();
    Extracted {
        imports,
        first_error,
    }
}

/// Every dependency of a manifest, in every dependency table, in file order.
pub(crate) fn dependencies(document: &DeTable<'_>) -> Vec<Dependency> {
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
pub(crate) fn dependency_table(deps: &DeTable<'_>) -> Vec<Dependency> {
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
pub(crate) fn get<'a, 'i>(table: &'a DeTable<'i>, key: &str) -> Option<&'a DeValue<'i>> {
    table
        .iter()
        .find(|(k, _)| k.get_ref().as_ref() == key)
        .map(|(_, v)| v.get_ref())
}

/// The table under `key`.
pub(crate) fn table<'a, 'i>(table: &'a DeTable<'i>, key: &str) -> Option<&'a DeTable<'i>> {
    match get(table, key) {
        Some(DeValue::Table(t)) => Some(t),
        _ => None,
    }
}

/// The string under `key`.
pub(crate) fn string(table: &DeTable<'_>, key: &str) -> Option<String> {
    match get(table, key) {
        Some(DeValue::String(s)) => Some(s.to_string()),
        _ => None,
    }
}

/// The array of tables under `key` (`[[bin]]`).
pub(crate) fn tables<'a, 'i>(table: &'a DeTable<'i>, key: &str) -> Vec<&'a DeTable<'i>> {
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

/// Parses a manifest, keeping what can be read of a broken one.
pub(crate) fn parse(text: &str) -> Spanned<DeTable<'_>> {
    DeTable::parse_recoverable(text).0
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
        let document = parse(text);
        let deps = dependencies(document.get_ref());
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
}
