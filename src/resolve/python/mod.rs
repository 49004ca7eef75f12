//! Python module resolution, as the import system finds modules on `sys.path`
//! (<https://docs.python.org/3/reference/import.html>):
//!
//! - Roots are the parent of every top-level package (the highest folder of an `__init__.py`
//!   chain), after the `[python] roots` of the config, which also serve namespace packages
//!   and `src/` layouts. A file outside any package also searches its own folder, as Python
//!   does for the script it runs.
//! - `a.b.c` is the deepest of `a.b.c`, `a.b`, `a` that exists; a module is `x/__init__.py`,
//!   `x/__init__.pyi`, `x.py` or `x.pyi`, in that order, so a package shadows a same-named
//!   `x.py` exactly as in Python (fixture `python/init-shadows-module`).
//! - Relative imports climb from the file's package, one folder per dot after the first.
//! - Anything else is external, named by its first segment, unless that segment is a folder
//!   of Python files at the root or at a search root: a namespace package or a `src/` folder
//!   that is not on the import path is unresolved (with the `[python] roots` to write), not a
//!   package.

use std::collections::{BTreeMap, HashSet};
use std::sync::{Mutex, PoisonError};

use super::{FileId, FileTable, Resolution, ResolveContext, Resolver};
use crate::diagnostic::{FileWarning, WarningKind};
use crate::lang::{Lang, RawImport};
use crate::source::RelPath;

pub(crate) struct PyResolver<'a> {
    files: &'a FileTable,
    /// Search roots, repo-relative without trailing `/` (`""` is the root itself).
    roots: Vec<String>,
    /// Folders that hold an `__init__.py` or `__init__.pyi`.
    packages: HashSet<String>,
    /// Every folder that holds a Python file, at any depth (`""` is the root).
    dirs: HashSet<String>,
    /// The repository folders off the import path that imports named, with what the warning
    /// says about them: the first importing file by path, and how many imports.
    off_path: Mutex<BTreeMap<OffPath, (FileId, usize)>>,
}

/// A folder of the repository that imports name but the import path does not hold.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct OffPath {
    /// The folder, relative to the root (`acme`, `src`).
    folder: String,
    /// The root its parent would be (`.` for the repository root).
    parent: String,
    /// Whether the folder is a root itself: its modules are imported without its name.
    is_root: bool,
}

impl<'a> PyResolver<'a> {
    pub(crate) fn new(cx: &ResolveContext<'a>) -> Self {
        let files = cx.files;
        let mut packages = HashSet::new();
        let mut dirs = HashSet::from([String::new()]);
        for (path, lang) in files.paths.iter().zip(&files.langs) {
            if *lang != Lang::Python {
                continue;
            }
            let (dir, name) = RelPath::new(path).split();
            let mut folder = dir;
            while !folder.as_str().is_empty() && dirs.insert(folder.as_str().to_owned()) {
                folder = folder.parent();
            }
            if name == "__init__.py" || name == "__init__.pyi" {
                packages.insert(dir.as_str().to_owned());
            }
        }
        let mut roots: Vec<String> = cx
            .config
            .python
            .roots
            .iter()
            .map(|r| crate::source::display_path(r))
            .map(|r| if r == "." { String::new() } else { r })
            .collect();
        let mut auto: Vec<String> = packages
            .iter()
            .filter(|dir| !dir.is_empty())
            .map(|dir| RelPath::new(dir).parent().as_str())
            .filter(|parent| !packages.contains(*parent))
            .map(str::to_owned)
            .collect();
        auto.sort();
        auto.dedup();
        for root in auto {
            if !roots.contains(&root) {
                roots.push(root);
            }
        }
        Self {
            files,
            roots,
            packages,
            dirs,
            off_path: Mutex::new(BTreeMap::new()),
        }
    }

    /// Notes that `from` imports a module of `off`.
    fn note_off_path(&self, from: FileId, off: OffPath) {
        let mut seen = self.off_path.lock().unwrap_or_else(PoisonError::into_inner);
        let entry = seen.entry(off).or_insert((from, 0));
        // Threads meet the sites in any order: the warning names the first file by path.
        if self.files.path(from) < self.files.path(entry.0) {
            entry.0 = from;
        }
        entry.1 += 1;
    }

    /// The module at `stem` (`a/b`: `a/b/__init__.py`, …, `a/b.pyi`), if it exists.
    fn module(&self, stem: &str) -> Option<FileId> {
        ["/__init__.py", "/__init__.pyi", ".py", ".pyi"]
            .iter()
            .find_map(|suffix| {
                let path = if stem.is_empty() {
                    suffix.trim_start_matches('/').to_owned()
                } else {
                    format!("{stem}{suffix}")
                };
                self.files.id(&path)
            })
    }

    /// The deepest existing module among the prefixes of `parts` under folder `base` (at
    /// least `min` long). The prefixes are tried from the shortest and the search stops at the
    /// first that is not a folder, so a dotted name of 500,000 segments costs the depth of
    /// the tree, not the square of its length.
    fn deepest(&self, base: &str, parts: &[&str], min: usize) -> Option<FileId> {
        let mut best = if min == 0 { self.module(base) } else { None };
        let mut stem = String::from(base);
        for (k, part) in parts.iter().enumerate() {
            // A module of `parts[..=k]` lies in the folder `stem` names.
            if !self.dirs.contains(&stem) {
                break;
            }
            if !stem.is_empty() {
                stem.push('/');
            }
            stem.push_str(part);
            if k + 1 >= min
                && let Some(id) = self.module(&stem)
            {
                best = Some(id);
            }
        }
        best
    }
}

impl Resolver for PyResolver<'_> {
    fn resolve(&self, from: FileId, import: &RawImport) -> Resolution {
        let spec = import.specifier.as_str();
        let dir = RelPath::new(self.files.path(from)).parent().as_str();
        let dots = spec.len() - spec.trim_start_matches('.').len();
        let rest = &spec[dots..];
        let parts: Vec<&str> = rest.split('.').filter(|p| !p.is_empty()).collect();
        if dots > 0 {
            // `.` is the file's own package, each further dot one folder up.
            let mut base = dir;
            for _ in 1..dots {
                if base.is_empty() {
                    return Resolution::Unresolved(format!(
                        "`{spec}` climbs above the repository root"
                    ));
                }
                base = RelPath::new(base).parent().as_str();
            }
            return match self.deepest(base, &parts, 0) {
                Some(id) => Resolution::Internal(id),
                None => Resolution::Unresolved(format!("no module `{spec}` relative to `{dir}/`")),
            };
        }
        let Some(first) = parts.first() else {
            return Resolution::Unresolved("empty module name".to_owned());
        };
        for root in &self.roots {
            if let Some(id) = self.deepest(root, &parts, 1) {
                return Resolution::Internal(id);
            }
        }
        // A script outside any package finds its neighbours (sys.path[0] is its folder).
        if !self.packages.contains(dir)
            && let Some(id) = self.deepest(dir, &parts, 1)
        {
            return Resolution::Internal(id);
        }
        // A folder of Python files at the root or at a search root is not a package.
        let join = |root: &str| {
            if root.is_empty() {
                (*first).to_owned()
            } else {
                format!("{root}/{first}")
            }
        };
        if let Some(under) = std::iter::once("")
            .chain(self.roots.iter().map(String::as_str))
            .find(|root| self.dirs.contains(&join(root)))
        {
            let folder = join(under);
            let parent = if under.is_empty() { "." } else { under };
            let off = OffPath {
                is_root: self.roots.contains(&folder),
                folder,
                parent: parent.to_owned(),
            };
            let reason = off.help();
            self.note_off_path(from, off);
            return Resolution::Unresolved(reason);
        }
        Resolution::External((*first).to_owned())
    }

    /// One warning per folder off the import path, on the first file that imports from it:
    /// its imports are unresolved, which no rule checks, so the run must say why.
    fn warnings(&self) -> Vec<FileWarning> {
        let seen = self.off_path.lock().unwrap_or_else(PoisonError::into_inner);
        seen.iter()
            .map(|(off, &(first, count))| {
                let imports = if count == 1 {
                    "1 import, in this file".to_owned()
                } else {
                    format!("{count} imports, the first in this file")
                };
                FileWarning {
                    path: self.files.path(first).to_owned(),
                    kind: WarningKind::OffImportPath,
                    message: format!(
                        "imports from `{}/` are unresolved ({imports}), so no rule checks them: \
                         {}",
                        off.folder,
                        off.help()
                    ),
                }
            })
            .collect()
    }
}

impl OffPath {
    /// Why an import of the folder is unresolved, and what to write instead.
    fn help(&self) -> String {
        let OffPath {
            folder,
            parent,
            is_root,
        } = self;
        if *is_root {
            format!(
                "`{folder}/` is itself a root of the import path (`[python] roots`): import its \
                 modules without the `{folder}.` prefix"
            )
        } else {
            format!(
                "`{folder}/` is not on the import path. If it is a source root, add \
                 `\"{folder}\"` to `[python] roots` in layers.toml and import what is inside it; \
                 if it is a namespace package, add `\"{parent}\"`"
            )
        }
    }
}
