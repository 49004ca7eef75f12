//! The Cargo model the Rust resolver needs, read from the manifests alone (cargo never runs):
//! every package under the root with its name in code, edition, dependencies (as its code
//! names them) and targets, each target being a crate root. It is built from the facts the
//! front-end extracted from each manifest of the run (`lang::rust::manifest`), so no file of
//! the run is read again; only manifests that are not files of the run (a workspace root
//! above the root, or one the run excludes) are read from disk, through the same reader.
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

use crate::lang::Manifest;
use crate::lang::rust::manifest::{
    self, Build, CargoManifest, Dependency, EditionField, PackageTable, TargetTable,
};
use crate::resolve::{FileId, FileTable};
use crate::source::RelPath;

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

/// What the model consults: the files of the run and their manifests' facts, by [`FileId`].
struct Run<'a> {
    /// The absolute folder of the run.
    root: &'a Path,
    files: &'a FileTable,
    manifests: &'a [Option<Manifest>],
}

/// Reads every package among `files` from its facts in `manifests`. `root` is the absolute
/// folder of the run.
pub(crate) fn packages(
    root: &Path,
    files: &FileTable,
    manifests: &[Option<Manifest>],
) -> Vec<Package> {
    let run = Run {
        root,
        files,
        manifests,
    };
    let mut workspaces: HashMap<PathBuf, Option<Workspace>> = HashMap::new();
    let mut out = Vec::new();
    for (id, path) in files.paths.iter().enumerate() {
        let (dir, name) = RelPath::new(path).split();
        let dir = dir.as_str();
        if name != manifest::FILE_NAME {
            continue;
        }
        let Some(Some(Manifest::Cargo(cargo))) = manifests.get(id) else {
            continue;
        };
        let Some(package) = &cargo.package else {
            continue;
        };
        let abs_dir = root.join(dir);
        let workspace = find_workspace(&abs_dir, &run, &mut workspaces);
        out.push(read_package(id, dir, cargo, package, workspace, &run));
    }
    out
}

fn read_package(
    manifest: FileId,
    dir: &str,
    cargo: &CargoManifest,
    package: &PackageTable,
    workspace: Option<&Workspace>,
    run: &Run<'_>,
) -> Package {
    let name = package.name.clone().unwrap_or_default();
    let lib_name = cargo
        .lib
        .name
        .clone()
        .unwrap_or_else(|| name.replace('-', "_"));
    let edition = match &package.edition {
        Some(EditionField::Written(s)) => s.parse().unwrap_or(2015),
        Some(EditionField::Workspace) => workspace.and_then(|w| w.edition).unwrap_or(2015),
        None => 2015,
    };
    let mut deps = HashMap::new();
    for dep in &cargo.dependencies {
        let resolved = if dep.workspace {
            workspace.and_then(|w| {
                let inherited = w.deps.iter().find(|d| d.key == dep.key)?;
                let dir = inherited
                    .path
                    .as_deref()
                    .and_then(|p| relative_to_root(run.root, &w.dir.join(p)));
                Some(Dep { dir })
            })
        } else {
            let dir = dep.path.as_deref().and_then(|p| RelPath::new(dir).join(p));
            Some(Dep { dir })
        };
        let code_name = dep.key.replace('-', "_");
        deps.entry(code_name)
            .or_insert(resolved.unwrap_or(Dep { dir: None }));
    }
    let roots = targets(dir, cargo, package, run.files);
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
    cargo: &CargoManifest,
    package: &PackageTable,
    files: &FileTable,
) -> Vec<Root> {
    let at = |rel: &str| RelPath::new(dir).join(rel).and_then(|p| files.id(&p));
    let mut roots: Vec<Root> = Vec::new();
    let mut add = |file: Option<FileId>, is_lib: bool| {
        if let Some(file) = file
            && !roots.iter().any(|r| r.file == file)
        {
            roots.push(Root { file, is_lib });
        }
    };
    add(at(cargo.lib.path.as_deref().unwrap_or("src/lib.rs")), true);
    // Explicit targets, then discovered ones.
    let explicit: [(&[TargetTable], &str); 4] = [
        (&cargo.bins, "src/bin"),
        (&cargo.tests, "tests"),
        (&cargo.examples, "examples"),
        (&cargo.benches, "benches"),
    ];
    for (tables, folder) in explicit {
        for target in tables {
            let path = target.path.clone().or_else(|| {
                let name = target.name.as_deref()?;
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
    if package.autobins {
        add(at("src/main.rs"), false);
    }
    for (auto, folder) in [
        (package.autobins, "src/bin"),
        (package.autotests, "tests"),
        (package.autoexamples, "examples"),
        (package.autobenches, "benches"),
    ] {
        if !auto {
            continue;
        }
        let Some(prefix) = RelPath::new(dir).join(folder) else {
            continue;
        };
        for file in discovered(&prefix, files) {
            add(Some(file), false);
        }
    }
    match &package.build {
        Build::Path(path) => add(at(path), false),
        Build::Off => {}
        Build::Default => add(at("build.rs"), false),
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
    run: &Run<'_>,
    cache: &'w mut HashMap<PathBuf, Option<Workspace>>,
) -> Option<&'w Workspace> {
    let mut found = None;
    for ancestor in dir.ancestors() {
        if !cache.contains_key(ancestor) {
            let workspace = read_workspace(ancestor, run);
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

/// The `[workspace]` of the manifest in the absolute folder `dir`, if it has one: from its
/// facts when the manifest is a file of the run, else read from disk.
fn read_workspace(dir: &Path, run: &Run<'_>) -> Option<Workspace> {
    let of_run = dir.strip_prefix(run.root).ok().and_then(|rel| {
        let rel = crate::source::display_path(rel);
        run.files.id(&RelPath::new(&rel).join(manifest::FILE_NAME)?)
    });
    let from_disk;
    let cargo = if let Some(id) = of_run {
        // A manifest of the run without facts (not UTF-8) has no workspace either.
        let Some(Manifest::Cargo(cargo)) = run.manifests.get(id)? else {
            return None;
        };
        cargo
    } else {
        let text = std::fs::read_to_string(dir.join(manifest::FILE_NAME)).ok()?;
        from_disk = manifest::parse(&text);
        &from_disk
    };
    let workspace = cargo.workspace.as_ref()?;
    Some(Workspace {
        dir: dir.to_path_buf(),
        exclude: workspace
            .exclude
            .iter()
            .filter_map(|e| RelPath::normalize(e.trim_end_matches('/')))
            .collect(),
        edition: workspace.edition.as_deref().and_then(|e| e.parse().ok()),
        deps: workspace.dependencies.clone(),
    })
}

/// Whether `path` names a `.rs` file (any case, as rustc accepts on case-insensitive disks).
pub(crate) fn has_rs_extension(path: &str) -> bool {
    RelPath::new(path).extension().eq_ignore_ascii_case("rs")
}

/// An absolute path as a repo-relative one, if it is under `root`.
fn relative_to_root(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    RelPath::normalize(&crate::source::display_path(rel))
}

#[cfg(test)]
mod tests {
    use super::*;

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
