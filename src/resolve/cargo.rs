//! The Cargo model the Rust resolver needs, read from the manifests alone (cargo never runs):
//! every package under the root with its name in code, edition, dependencies (as its code
//! names them) and targets, each target being a crate root.
//!
//! - A package is every `Cargo.toml` with `[package]` among the files of the run.
//! - Its workspace is the nearest manifest with `[workspace]` at or above it, searched up
//!   to the filesystem root (a `layers.toml` may sit below the workspace root), unless the
//!   workspace's `exclude` lists it. Cargo refuses a package below a workspace root that is
//!   neither a member nor excluded, so `members` globs need no separate check.
//! - `edition.workspace = true` and `dep = { workspace = true }` inherit from
//!   `[workspace.package]` and `[workspace.dependencies]`.
//! - Targets (<https://doc.rust-lang.org/cargo/reference/cargo-targets.html>): `[lib] path`
//!   or `src/lib.rs`; `src/main.rs`, `src/bin/*.rs`, `src/bin/*/main.rs`; `tests/`,
//!   `examples/`, `benches/` (`*.rs`, `*/main.rs`); `[[bin]]`, `[[test]]`, `[[example]]`,
//!   `[[bench]]` paths; `build.rs` or `package.build`. `auto*` = false turns discovery off.
//!
//! Layer `resolve`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use toml::de::{DeTable, DeValue};

use super::{FileId, FileTable};
use crate::lang::rust::manifest::{self, Dependency};

/// A Rust edition; 2015 when the manifest names none.
pub(crate) type Edition = u16;

/// One package of the repository.
#[derive(Debug)]
pub(crate) struct Package {
    /// Its `Cargo.toml`.
    pub manifest: FileId,
    /// Its folder, repo-relative (`""` at the root).
    pub dir: String,
    /// The name its library has in code: `[lib] name`, else the package name with `-` → `_`.
    pub lib_name: String,
    pub edition: Edition,
    /// The crate roots, library first: repo-relative paths of files of the run.
    pub roots: Vec<Root>,
    /// Dependencies by the name code uses (`-` → `_`, after renames).
    pub deps: HashMap<String, Dep>,
    /// The name of the package (`[package] name`), as other manifests depend on it.
    pub name: String,
}

/// A crate root of a package.
#[derive(Debug, Clone)]
pub(crate) struct Root {
    pub file: FileId,
    pub is_lib: bool,
}

/// A dependency as its dependent sees it.
#[derive(Debug, Clone)]
pub(crate) struct Dep {
    /// The folder of a path dependency, repo-relative and normalized; `None` for a registry
    /// or git dependency, which is external even when a same-named package is vendored here.
    pub dir: Option<String>,
}

/// A manifest with `[workspace]`.
struct Workspace {
    /// Absolute folder.
    dir: PathBuf,
    exclude: Vec<String>,
    edition: Option<Edition>,
    deps: Vec<Dependency>,
}

/// Reads every package among `files`. `root` is the absolute folder of the run.
pub(crate) fn packages(root: &Path, files: &FileTable) -> Vec<Package> {
    let mut workspaces: HashMap<PathBuf, Option<Workspace>> = HashMap::new();
    let mut out = Vec::new();
    for (id, path) in files.paths.iter().enumerate() {
        let (dir, name) = split(path);
        if name != manifest::FILE_NAME {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(root.join(path)) else {
            continue;
        };
        let document = manifest::parse(&text);
        let document = document.get_ref();
        let Some(package) = manifest::table(document, "package") else {
            continue;
        };
        let abs_dir = root.join(dir);
        let workspace = find_workspace(&abs_dir, &mut workspaces);
        out.push(read_package(
            id, dir, document, package, workspace, root, files,
        ));
    }
    out
}

fn read_package(
    manifest: FileId,
    dir: &str,
    document: &DeTable<'_>,
    package: &DeTable<'_>,
    workspace: Option<&Workspace>,
    root: &Path,
    files: &FileTable,
) -> Package {
    let name = manifest::string(package, "name").unwrap_or_default();
    let lib = manifest::table(document, "lib");
    let lib_name = lib
        .and_then(|l| manifest::string(l, "name"))
        .unwrap_or_else(|| name.replace('-', "_"));
    let edition = match manifest::get(package, "edition") {
        Some(DeValue::String(s)) => s.parse().unwrap_or(2015),
        Some(DeValue::Table(t)) if is_true(manifest::get(t, "workspace")) => {
            workspace.and_then(|w| w.edition).unwrap_or(2015)
        }
        _ => 2015,
    };
    let mut deps = HashMap::new();
    for dep in manifest::dependencies(document) {
        let resolved = if dep.workspace {
            workspace.and_then(|w| {
                let inherited = w.deps.iter().find(|d| d.key == dep.key)?;
                let dir = inherited
                    .path
                    .as_deref()
                    .and_then(|p| relative_to_root(root, &w.dir.join(p)));
                Some(Dep { dir })
            })
        } else {
            let dir = dep
                .path
                .as_deref()
                .map(|p| join(dir, p))
                .and_then(|p| normalize(&p));
            Some(Dep { dir })
        };
        let code_name = dep.key.replace('-', "_");
        deps.entry(code_name)
            .or_insert(resolved.unwrap_or(Dep { dir: None }));
    }
    let roots = targets(dir, document, package, lib, files);
    Package {
        manifest,
        dir: dir.to_owned(),
        lib_name,
        edition,
        roots,
        deps,
        name,
    }
}

/// The crate roots of a package that exist among `files`, library first.
fn targets(
    dir: &str,
    document: &DeTable<'_>,
    package: &DeTable<'_>,
    lib: Option<&DeTable<'_>>,
    files: &FileTable,
) -> Vec<Root> {
    let at = |rel: &str| normalize(&join(dir, rel)).and_then(|p| files.id(&p));
    let mut roots: Vec<Root> = Vec::new();
    let mut add = |file: Option<FileId>, is_lib: bool| {
        if let Some(file) = file
            && !roots.iter().any(|r| r.file == file)
        {
            roots.push(Root { file, is_lib });
        }
    };
    let lib_path = lib.and_then(|l| manifest::string(l, "path"));
    add(at(lib_path.as_deref().unwrap_or("src/lib.rs")), true);
    // Explicit targets, then discovered ones.
    for (key, folder) in [
        ("bin", "src/bin"),
        ("test", "tests"),
        ("example", "examples"),
        ("bench", "benches"),
    ] {
        for target in manifest::tables(document, key) {
            let path = manifest::string(target, "path").or_else(|| {
                let name = manifest::string(target, "name")?;
                let single = format!("{folder}/{name}.rs");
                if at(&single).is_some() {
                    Some(single)
                } else {
                    Some(format!("{folder}/{name}/main.rs"))
                }
            });
            if let Some(path) = path {
                add(at(&path), false);
            }
        }
    }
    let auto = |key: &str| !matches!(manifest::get(package, key), Some(DeValue::Boolean(false)));
    if auto("autobins") {
        add(at("src/main.rs"), false);
    }
    for (key, folder) in [
        ("autobins", "src/bin"),
        ("autotests", "tests"),
        ("autoexamples", "examples"),
        ("autobenches", "benches"),
    ] {
        if !auto(key) {
            continue;
        }
        let prefix = join(dir, folder);
        for file in discovered(&prefix, files) {
            add(Some(file), false);
        }
    }
    match manifest::get(package, "build") {
        Some(DeValue::String(path)) => add(at(path), false),
        Some(DeValue::Boolean(false)) => {}
        _ => add(at("build.rs"), false),
    }
    roots
}

/// `prefix/*.rs` and `prefix/*/main.rs` among `files`.
fn discovered(prefix: &str, files: &FileTable) -> Vec<FileId> {
    let start = format!("{prefix}/");
    let first = files.paths.partition_point(|p| p.as_str() < start.as_str());
    let mut out = Vec::new();
    for (offset, path) in files.paths.iter().skip(first).enumerate() {
        let Some(rest) = path.strip_prefix(&start) else {
            break;
        };
        let is_root = match rest.split_once('/') {
            None => has_rs_extension(rest),
            Some((_, file)) => file == "main.rs",
        };
        if is_root {
            out.push(first + offset);
        }
    }
    out
}

/// The workspace of a package in `dir`: the nearest `[workspace]` manifest at or above it.
fn find_workspace<'w>(
    dir: &Path,
    cache: &'w mut HashMap<PathBuf, Option<Workspace>>,
) -> Option<&'w Workspace> {
    let mut found = None;
    for ancestor in dir.ancestors() {
        if !cache.contains_key(ancestor) {
            let workspace = read_workspace(ancestor);
            cache.insert(ancestor.to_path_buf(), workspace);
        }
        if cache.get(ancestor).is_some_and(Option::is_some) {
            found = Some(ancestor.to_path_buf());
            break;
        }
    }
    let workspace = cache.get(&found?)?.as_ref()?;
    let member = dir.strip_prefix(&workspace.dir).ok()?;
    let member = crate::source::display_path(member);
    let excluded = workspace
        .exclude
        .iter()
        .any(|e| member == *e || member.starts_with(&format!("{e}/")));
    (!excluded).then_some(workspace)
}

fn read_workspace(dir: &Path) -> Option<Workspace> {
    let text = std::fs::read_to_string(dir.join(manifest::FILE_NAME)).ok()?;
    let document = manifest::parse(&text);
    let workspace = manifest::table(document.get_ref(), "workspace")?;
    let exclude = match manifest::get(workspace, "exclude") {
        Some(DeValue::Array(items)) => items
            .iter()
            .filter_map(|i| match i.get_ref() {
                DeValue::String(s) => normalize(s.trim_end_matches('/')),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    let edition = manifest::table(workspace, "package")
        .and_then(|p| manifest::string(p, "edition"))
        .and_then(|e| e.parse().ok());
    let deps = manifest::table(workspace, "dependencies")
        .map(manifest::dependency_table)
        .unwrap_or_default();
    Some(Workspace {
        dir: dir.to_path_buf(),
        exclude,
        edition,
        deps,
    })
}

/// Whether `path` names a `.rs` file (any case, as rustc accepts on case-insensitive disks).
pub(crate) fn has_rs_extension(path: &str) -> bool {
    Path::new(path)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("rs"))
}

fn is_true(value: Option<&DeValue<'_>>) -> bool {
    matches!(value, Some(DeValue::Boolean(true)))
}

/// An absolute path as a repo-relative one, if it is under `root`.
fn relative_to_root(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    normalize(&crate::source::display_path(rel))
}

/// `a/b/c.rs` → (`a/b`, `c.rs`); `c.rs` → (`""`, `c.rs`).
pub(crate) fn split(path: &str) -> (&str, &str) {
    path.rsplit_once('/').unwrap_or(("", path))
}

/// `dir/rel` with `/` separators; `rel` as is when `dir` is the root.
pub(crate) fn join(dir: &str, rel: &str) -> String {
    if dir.is_empty() {
        rel.to_owned()
    } else {
        format!("{dir}/{rel}")
    }
}

/// Removes `.` and `..` segments and empty ones; `None` when the path climbs above the root.
/// Backslashes (a Windows `#[path]`) count as separators.
pub(crate) fn normalize(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_removes_dots_and_refuses_to_climb_out() {
        assert_eq!(normalize("a/./b/../c.rs").as_deref(), Some("a/c.rs"));
        assert_eq!(normalize("a\\b.rs").as_deref(), Some("a/b.rs"));
        assert_eq!(normalize("../x.rs"), None);
    }

    #[test]
    fn discovery_finds_single_files_and_main_rs_folders_only() {
        let files = FileTable::new(
            [
                "p/src/bin/a.rs",
                "p/src/bin/b/main.rs",
                "p/src/bin/b/util.rs",
                "p/src/bin2.rs",
                "p/tests/it.rs",
            ]
            .iter()
            .map(|p| ((*p).to_owned(), crate::lang::Lang::Rust))
            .collect(),
        );
        let found: Vec<&str> = discovered("p/src/bin", &files)
            .into_iter()
            .map(|id| files.path(id))
            .collect();
        assert_eq!(found, ["p/src/bin/a.rs", "p/src/bin/b/main.rs"]);
    }
}
