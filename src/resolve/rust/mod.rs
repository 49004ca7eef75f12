//! Rust resolution from syntax alone: the module tree of every crate root, built from the
//! `mod` declarations of all files, then each path walked through it.
//!
//! Module tree (the Reference, "Modules" and "The `path` attribute"):
//! - the roots are the targets of every package (`cargo.rs`), libraries first, so that a
//!   file reached from both `lib.rs` and `main.rs` is placed in the library;
//! - `mod x;` in a mod-rs file (a crate root, a `mod.rs`, or a file reached through
//!   `#[path]`) in folder `D` is `D/x.rs` or `D/x/mod.rs`; in another file `D/a.rs` it is
//!   `D/a/x.rs` or `D/a/x/mod.rs`. Both present is rustc's E0761: a warning, `x.rs` used;
//! - inline `mod m { … }` adds the folder `m` (or its own `#[path]`) for the `mod x;` inside;
//!   `#[path = "p"]` is relative to the file's folder outside inline modules and to that
//!   inline folder inside them (fixture `rust/path-attribute`);
//! - a `.rs` file no root reaches is an orphan: a warning, never attributed to a crate.
//!
//! Paths: `crate::`/`$crate::` start at the crate root, `self::` at the site's module (the
//! innermost inline module around it), each `super::` one module up. A bare first segment
//! is, in order, a child module, a name a `use` of the same module binds, a child of a module
//! glob-imported there, then the extern prelude (the package's dependencies as its code
//! names them, its own library for other targets, `extern crate` aliases, the sysroot).
//! In 2015-edition crates `use` paths and `::a` start at the crate root instead. Segments are
//! walked while they name modules (a child module, one that a module-level `use` of the
//! module binds by name: `pub use self::imp::sync;`, fixture `rust/use-bound-modules`, or one
//! that a module-level glob brings in: `pub(crate) use self::std::*;`, fixture
//! `rust/glob-reexports`; both resolved once, one level); the edge goes to the file of the
//! deepest module reached,
//! the rest being items (a `pub use` re-export is followed no further: the edge goes to the
//! module written). The last segment of a path in code is always an item, so it is not walked:
//! `crate::io::util::read_to_end(…)` calls the function `util` re-exports, even though `util`
//! has a child module `read_to_end` (fixture `rust/value-paths`). The last segment of a `use`
//! that names a module `x` whose parent holds `mod x; pub use x::x;` is the function, since
//! that idiom keeps the module private: `use tokio::time::timeout;` imports from `time`.
//!
//! The rules modelled, in the Reference: [module source filenames][files] and [the `path`
//! attribute][path] for the tree; [`include!`][include], whose file (relative to the
//! including file's folder) adds items to the including module; [path
//! qualifiers][qualifiers] and [`use` paths][use-paths] for where a path starts; the [extern
//! prelude][prelude]; the 2015 edition's crate-relative `use` paths and `::` ([`use`
//! paths][use-paths], [the edition guide][edition]).
//!
//! Fixtures under `fixtures/rust/`: `mod-tree` (mod-rs and non-mod-rs files, E0761, an
//! orphan), `path-attribute`, `use-trees`, `reexports` (the edge goes to the module written),
//! `paths-in-code`, `edition-2015`, `cfg-test-module` (`super::` in an inline module),
//! `targets` (a package's targets name its library), `workspace` (path dependencies and
//! `manifest` sites), `glob-reexports`, `value-paths`.
//!
//! Everything that needs the whole repository (packages, trees, every `mod x;`) is done once,
//! in [`RustResolver::new`]; after it the resolver only reads, as [`Resolver`] is shared by
//! the worker threads.
//!
//! [files]: https://doc.rust-lang.org/reference/items/modules.html#module-source-filenames
//! [path]: https://doc.rust-lang.org/reference/items/modules.html#the-path-attribute
//! [include]: https://doc.rust-lang.org/std/macro.include.html
//! [qualifiers]: https://doc.rust-lang.org/reference/paths.html#path-qualifiers
//! [use-paths]: https://doc.rust-lang.org/reference/items/use-declarations.html#use-paths
//! [prelude]: https://doc.rust-lang.org/reference/names/preludes.html#extern-prelude
//! [edition]: https://doc.rust-lang.org/edition-guide/rust-2018/path-changes.html
//!
//! Layer `resolve`.

mod cargo;

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::path::PathBuf;

use super::{FileId, FileTable, Resolution, ResolveContext, Resolver};
use crate::diagnostic::{FileWarning, WarningKind};
use crate::lang::rust::SYSROOT;
use crate::lang::{ImportKind, InlineModule, Lang, RawImport};
use crate::source::RelPath;
use cargo::{Package, has_rs_extension};

/// A module of some crate's tree: an index into [`RustResolver::modules`].
type NodeId = usize;

/// A `mod` site: its file, byte offset and `#[path]` (one site per `cfg_attr` alternative).
type ModKey = (FileId, usize, Option<String>);

/// How many `use` bindings a path may go through (`use a::b; use b::c; …`) before it is
/// taken for a cycle. rustc rejects a cycle of `use` redirections; real chains are a few
/// links long, so the bound only stops hostile or broken code from recursing without end.
const MAX_BINDING_DEPTH: usize = 8;

/// One module of a crate's tree.
#[derive(Debug)]
struct Module {
    /// Its name in its parent: `crate` for a crate root; a file module's name drops `r#`
    /// (`mod r#type;` is `type`), as lookups by [`RustResolver::child`] do.
    name: String,
    /// `None` only for a crate root.
    parent: Option<NodeId>,
    /// The file that holds it (its own file, or the file an inline module is written in).
    file: FileId,
    /// The index of its crate root in `RustResolver::crates`.
    krate: usize,
    /// Declared inline (`mod m { … }`) rather than in a file of its own.
    inline: bool,
    /// File and inline children in declaration order: a name lookup takes the first.
    children: Vec<NodeId>,
}

/// One crate: a target of a package.
#[derive(Debug)]
struct Crate {
    /// Index into `RustResolver::packages`.
    package: usize,
    root: NodeId,
    /// The `[lib]` target, which the package's other targets name by its `lib_name`.
    is_lib: bool,
}

/// Where a path leads before it becomes a [`Resolution`].
enum Target {
    /// A module of a tree: the edge goes to its file.
    Module(NodeId),
    /// A crate outside the repository (a registry or git dependency, the sysroot), by the
    /// name code uses.
    External(String),
    /// A path that must name a module of the repository but names none: why.
    Unresolved(String),
    /// Not a module at all: a path in code whose first segment is a local item or a crate
    /// the repository does not have (`io::Error` after `use std::io;`).
    Ignored,
}

pub(crate) struct RustResolver<'a> {
    files: &'a FileTable,
    /// Every file's sites, by file, as the front-ends wrote them.
    imports: &'a [Vec<RawImport>],
    packages: Vec<Package>,
    /// Each package by its folder (repo-relative, `""` at the root).
    package_by_dir: HashMap<String, usize>,
    /// Each package by its `Cargo.toml`, for `manifest` sites.
    package_by_manifest: HashMap<FileId, usize>,
    /// The library crate of each package, by package index.
    libs: Vec<Option<usize>>,
    /// Every target of every package, libraries first (the order of `build_trees`).
    crates: Vec<Crate>,
    /// The modules of every crate. A file reached twice (`#[path]` to one file from two
    /// modules, or from two crates) is two modules with the same `file`.
    modules: Vec<Module>,
    /// The first module each file holds (crate roots and libraries first), by file.
    placement: Vec<Option<NodeId>>,
    /// Whether `mod x;` in each file looks beside it (mod-rs rules), as first placed.
    file_mod_rs: Vec<Option<bool>>,
    /// The file each `mod x;` names, by (declaring file, byte offset of the site, `#[path]`).
    mods: HashMap<ModKey, Resolution>,
    /// By file: the `use`/`extern crate` sites binding each name (indices into its imports),
    /// so that finding a binding does not scan a file of 50,000 sites once per site.
    bindings: Vec<HashMap<String, Vec<usize>>>,
    /// By file: its glob `use` sites (indices into its imports).
    globs: Vec<Vec<usize>>,
    /// For each file's module (by file), the modules its module-level globs name
    /// (`pub(crate) use self::std::*;`), resolved once without following other globs.
    glob_modules: Vec<Vec<NodeId>>,
    /// For each file's module (by file), the modules its module-level `use` and `pub use`
    /// sites bind by name (`pub use self::imp::sync;` binds `sync`), resolved once without
    /// following other such bindings.
    use_modules: Vec<HashMap<String, NodeId>>,
    warnings: Vec<FileWarning>,
}

impl<'a> RustResolver<'a> {
    /// Reads the packages, builds every crate's module tree and resolves every `mod x;`.
    pub(crate) fn new(cx: &ResolveContext<'a>) -> Self {
        let files = cx.files;
        let packages = cargo::packages(&cx.config.root, files, cx.manifests);
        let package_by_dir = packages
            .iter()
            .enumerate()
            .map(|(i, p)| (p.dir.clone(), i))
            .collect();
        let package_by_manifest = packages
            .iter()
            .enumerate()
            .map(|(i, p)| (p.manifest, i))
            .collect();
        let mut resolver = Self {
            files,
            imports: cx.imports,
            libs: vec![None; packages.len()],
            packages,
            package_by_dir,
            package_by_manifest,
            crates: Vec::new(),
            modules: Vec::new(),
            placement: vec![None; files.len()],
            file_mod_rs: vec![None; files.len()],
            mods: HashMap::new(),
            bindings: Vec::new(),
            globs: Vec::new(),
            glob_modules: Vec::new(),
            use_modules: Vec::new(),
            warnings: Vec::new(),
        };
        resolver.index_bindings();
        resolver.build_trees();
        // After the trees: whether a file is placed decides its mod-rs rules and orphanhood.
        resolver.resolve_mods(&cx.config.root);
        resolver.glob_modules = resolver.resolve_globs();
        resolver.use_modules = resolver.resolve_use_modules();
        resolver
    }

    /// The modules each file's module-level `use` sites bind by name (see
    /// [`Self::bound_module`]). While this runs `use_modules` is empty, so these paths go
    /// through no other binding of the kind: one level, resolved once.
    fn resolve_use_modules(&self) -> Vec<HashMap<String, NodeId>> {
        (0..self.files.len())
            .map(|file| {
                let (Some(bindings), Some(node)) = (
                    self.bindings.get(file),
                    self.placement.get(file).copied().flatten(),
                ) else {
                    return HashMap::new();
                };
                bindings
                    .iter()
                    .filter_map(|(name, sites)| {
                        let m = self.bound_module(file, sites)?;
                        (m != node).then(|| (name.clone(), m))
                    })
                    .collect()
            })
            .collect()
    }

    /// The module that the module-level `use` sites `sites` of `file` (all binding one
    /// name) bind: each walks to a module of the name it ends with (`use self::imp::sync;`
    /// when `imp` has a child `sync`), not to an item of a module (`use self::imp::Sync;`),
    /// and all name the same one (tokio binds `os` to `doc::os` under `docsrs` and to
    /// `std::os` otherwise: no module).
    fn bound_module(&self, file: FileId, sites: &[usize]) -> Option<NodeId> {
        let imports = self.imports.get(file)?;
        let mut bound = None;
        for site in sites.iter().filter_map(|&i| imports.get(i)) {
            if site.kind == ImportKind::ExternCrate || !site.context.scope.is_empty() {
                continue;
            }
            let Target::Module(m) = self.target(file, site, 0) else {
                return None;
            };
            // (`target` leaves a `mod x; pub use x::x;` module for its parent.)
            if !self.last_walked_into(file, site, m, 0) || bound.is_some_and(|b| b != m) {
                return None;
            }
            bound = Some(m);
        }
        bound
    }

    /// The modules each file's module-level globs name. While this runs `glob_modules` is
    /// empty, so these paths follow no glob themselves: one level, resolved once, never a
    /// search at resolution time.
    fn resolve_globs(&self) -> Vec<Vec<NodeId>> {
        (0..self.files.len())
            .map(|file| {
                let (Some(imports), Some(node)) = (
                    self.imports.get(file),
                    self.placement.get(file).copied().flatten(),
                ) else {
                    return Vec::new();
                };
                self.globs
                    .get(file)
                    .into_iter()
                    .flatten()
                    .filter_map(|&i| imports.get(i))
                    .filter(|glob| glob.context.scope.is_empty())
                    .filter_map(|glob| match self.target(file, glob, 0) {
                        Target::Module(m) if m != node => Some(m),
                        _ => None,
                    })
                    .collect()
            })
            .collect()
    }

    /// Indexes the names each file's `use` and `extern crate` sites bind, and its globs.
    fn index_bindings(&mut self) {
        for imports in self.imports {
            let mut names: HashMap<String, Vec<usize>> = HashMap::new();
            let mut globs = Vec::new();
            for (i, site) in imports.iter().enumerate() {
                if !matches!(
                    site.kind,
                    ImportKind::Use | ImportKind::Reexport | ImportKind::ExternCrate
                ) {
                    continue;
                }
                // A glob binds every public name of its target, which syntax cannot list:
                // globs are searched only when no binding matches (`bare_use`).
                if site.kind != ImportKind::ExternCrate && site.specifier.ends_with("::*") {
                    globs.push(i);
                } else if let Some(name) = bound_name(site) {
                    names.entry(name.to_owned()).or_default().push(i);
                }
            }
            self.bindings.push(names);
            self.globs.push(globs);
        }
    }

    /// Places every file reachable from a crate root, one breadth-first walk per crate.
    fn build_trees(&mut self) {
        // A file may sit at several places (`#[path]` to one file from two modules), but a
        // hostile repository must not make the tree explode.
        let limit = self.files.len() * 4 + 10_000;
        let mut roots = Vec::new();
        for (package, p) in self.packages.iter().enumerate() {
            for root in &p.roots {
                roots.push((package, root.file, root.is_lib));
            }
        }
        // Libraries of every package first.
        roots.sort_by_key(|&(_, _, is_lib)| !is_lib);
        for (package, file, is_lib) in roots {
            let krate = self.crates.len();
            let root = self.add_module("crate".to_owned(), None, file, krate, false);
            self.crates.push(Crate {
                package,
                root,
                is_lib,
            });
            if is_lib && let Some(slot) = self.libs.get_mut(package) {
                slot.get_or_insert(krate);
            }
            // (module, file holding its items, whether that file is mod-rs). Breadth-first:
            // a file reached from two modules of one crate is placed at the shallower one.
            // A crate root is a mod-rs file whatever its name (`src/bin/tool.rs`).
            let mut queue = VecDeque::from([(root, file, true)]);
            while let Some((node, file, mod_rs)) = queue.pop_front() {
                if let Some(slot) = self.file_mod_rs.get_mut(file) {
                    slot.get_or_insert(mod_rs);
                }
                let fallback = self.root_path(node);
                let imports = self.imports.get(file).map_or(&[][..], Vec::as_slice);
                for import in imports {
                    // Every site, not only `mod x;`, creates the inline modules around it:
                    // `super::` inside `mod tests { … }` climbs from `tests` to the file's
                    // module (fixture `rust/cfg-test-module`).
                    let scope = self.inline_module(node, &import.context.scope);
                    if import.kind != ImportKind::Mod || self.modules.len() >= limit {
                        continue;
                    }
                    let path = self.files.path(file);
                    let (child, child_mod_rs) = match declared_file(
                        self.files,
                        path,
                        mod_rs,
                        import,
                        fallback.as_deref(),
                    ) {
                        Declared::Found { file, mod_rs } => (file, mod_rs),
                        // E0761: `x.rs` is used, a non-mod-rs file.
                        Declared::Ambiguous { file, .. } => (file, false),
                        // `resolve_mods` reports it, with every other `mod x;`.
                        Declared::Missing(_) => continue,
                    };
                    // A file that declares itself or an ancestor would never end. The module
                    // is still added, so that paths into it resolve; its file is not walked
                    // again.
                    let is_cycle = child == file
                        || self
                            .ancestors(scope)
                            .any(|a| self.file_of(a) == Some(child));
                    if is_include(import) {
                        // The included file's items are this module's: no module of its own,
                        // and its `mod x;` look beside it, as for a `#[path]` file.
                        if let Some(slot) = self.placement.get_mut(child) {
                            slot.get_or_insert(scope);
                        }
                        if !is_cycle {
                            queue.push_back((scope, child, true));
                        }
                        continue;
                    }
                    // `r#try` and `try` are one name (the Reference, "Raw identifiers").
                    let name = import.specifier.trim_start_matches("r#").to_owned();
                    let id = self.add_module(name, Some(scope), child, krate, false);
                    if !is_cycle {
                        queue.push_back((id, child, child_mod_rs));
                    }
                }
            }
        }
    }

    /// The path of the crate root of `node`'s crate, where a `mod x;` written in a macro
    /// body expands when the macro is called from the root (serde's `crate_root!`).
    fn root_path(&self, node: NodeId) -> Option<String> {
        let root = self.file_of(self.crate_root(node))?;
        Some(self.files.path(root).to_owned())
    }

    /// Adds a module under `parent`. The first file module added for a file is where the
    /// file is placed: crate roots come first, libraries before other targets, so a file
    /// both a library and a binary declare belongs to the library.
    fn add_module(
        &mut self,
        name: String,
        parent: Option<NodeId>,
        file: FileId,
        krate: usize,
        inline: bool,
    ) -> NodeId {
        let id = self.modules.len();
        self.modules.push(Module {
            name,
            parent,
            file,
            krate,
            inline,
            children: Vec::new(),
        });
        if let Some(p) = parent.and_then(|p| self.modules.get_mut(p)) {
            p.children.push(id);
        }
        if !inline && let Some(slot) = self.placement.get_mut(file) {
            slot.get_or_insert(id);
        }
        id
    }

    /// The inline module `scope` inside the file module `node`, created on first sight.
    /// Inline modules are keyed by name within their file: two `mod imp { … }` blocks behind
    /// different `cfg`s are one module here, as syntax cannot pick a configuration.
    fn inline_module(&mut self, node: NodeId, scope: &[InlineModule]) -> NodeId {
        let mut current = node;
        for inline in scope {
            let Some(module) = self.modules.get(current) else {
                return current;
            };
            let (file, krate) = (module.file, module.krate);
            current = match self.inline_child(current, &inline.name) {
                Some(child) => child,
                None => self.add_module(inline.name.clone(), Some(current), file, krate, true),
            };
        }
        current
    }

    /// The inline module `name` declared directly in `node`'s file.
    fn inline_child(&self, node: NodeId, name: &str) -> Option<NodeId> {
        let module = self.modules.get(node)?;
        module.children.iter().copied().find(|&c| {
            self.modules
                .get(c)
                .is_some_and(|m| m.inline && m.name == name && m.file == module.file)
        })
    }

    /// The child module `name` of `node` (file or inline), the first declared (a `mod x;`
    /// written once per `cfg` alternative is several children of one name).
    fn child(&self, node: NodeId, name: &str) -> Option<NodeId> {
        let name = name.trim_start_matches("r#");
        let module = self.modules.get(node)?;
        module
            .children
            .iter()
            .copied()
            .find(|&c| self.modules.get(c).is_some_and(|m| m.name == name))
    }

    /// `node`, its parent, and so on up to its crate root.
    fn ancestors(&self, node: NodeId) -> impl Iterator<Item = NodeId> + '_ {
        std::iter::successors(Some(node), |&n| self.modules.get(n)?.parent)
    }

    /// The file that holds `node`; for an inline module, the file it is written in.
    fn file_of(&self, node: NodeId) -> Option<FileId> {
        self.modules.get(node).map(|m| m.file)
    }

    /// Resolves every `mod x;` of every file (orphans too, by their file name) and warns
    /// about orphans and E0761 conflicts.
    fn resolve_mods(&mut self, root: &std::path::Path) {
        // Sorted and deduplicated: warnings come out in one order on every run, and a
        // problem met through several sites warns once.
        let mut warnings = BTreeSet::new();
        for (file, imports) in self.imports.iter().enumerate() {
            let path = self.files.path(file);
            // `Cargo.toml` is a Rust file too, with no `mod` and no place in a tree.
            if self.files.langs.get(file) != Some(&Lang::Rust) || !has_rs_extension(path) {
                continue;
            }
            let placed = self.placement.get(file).copied().flatten();
            let fallback = placed.and_then(|node| self.root_path(node));
            let mod_rs = if placed.is_some() {
                self.file_mod_rs
                    .get(file)
                    .copied()
                    .flatten()
                    .unwrap_or(true)
            } else {
                // No declaration says what an orphan is: its `mod x;` still resolve (for
                // `archgate graph`), by the file name's usual mod-rs-ness.
                warnings.insert(self.orphan_warning(file));
                matches!(
                    RelPath::new(path).file_name(),
                    "mod.rs" | "lib.rs" | "main.rs"
                )
            };
            for import in imports.iter().filter(|i| i.kind == ImportKind::Mod) {
                let declared = declared_file(self.files, path, mod_rs, import, fallback.as_deref());
                let resolution = match declared {
                    Declared::Found { file: child, .. } => Resolution::Internal(child),
                    Declared::Ambiguous {
                        file: child,
                        first,
                        second,
                    } => {
                        warnings.insert(FileWarning {
                            path: path.to_owned(),
                            kind: WarningKind::AmbiguousModule,
                            message: format!(
                                "`mod {};` names both `{first}` and `{second}` (rustc error \
                                 E0761); archgate uses `{first}`: delete or rename one of them",
                                import.specifier
                            ),
                        });
                        Resolution::Internal(child)
                    }
                    Declared::Missing(candidates) => {
                        // A file left out of the run (`exclude`, `.gitignore`, a size limit)
                        // is not the same fix as a missing one: say which.
                        let on_disk = candidates
                            .iter()
                            .find(|c| root.join(PathBuf::from(c.as_str())).is_file());
                        Resolution::Unresolved(match on_disk {
                            Some(c) => format!("`{c}` exists but is excluded from the run"),
                            None => format!("no file `{}`", candidates.join("` or `")),
                        })
                    }
                };
                // The `#[path]` is part of the key: `cfg_attr` alternatives share a span.
                let key = (file, import.span.start, import.context.path.clone());
                self.mods.insert(key, resolution);
            }
        }
        // `mod x;` with `cfg_attr` paths is one site per alternative: those that name no file
        // are configurations this package does not ship, when another one names a file
        // (fixture `rust/path-attribute`: `mod alt;` has no `src/alt.rs`, only its paths).
        let resolved: std::collections::HashSet<(FileId, usize)> = self
            .mods
            .iter()
            .filter(|(_, r)| matches!(r, Resolution::Internal(_)))
            .map(|((file, start, _), _)| (*file, *start))
            .collect();
        // Order does not matter: each entry changes on its own.
        self.mods
            .iter_mut()
            .filter(|((file, start, _), r)| {
                matches!(r, Resolution::Unresolved(_)) && resolved.contains(&(*file, *start))
            })
            .for_each(|(_, r)| *r = Resolution::Ignored);
        self.warnings = warnings.into_iter().collect();
    }

    /// The `orphan-file` warning for `file`, naming the roots that do not reach it.
    fn orphan_warning(&self, file: FileId) -> FileWarning {
        let message = match self.package_of(file) {
            Some(p) => {
                let package = self.packages.get(p);
                let roots: Vec<&str> = package
                    .map(|p| p.roots.iter().map(|r| self.files.path(r.file)).collect())
                    .unwrap_or_default();
                format!(
                    "orphan: no crate root of package `{}` ({}) reaches this file through \
                     `mod` declarations, so it is not part of any crate; its `crate::`, \
                     `self::` and `super::` paths stay unresolved",
                    package.map_or("", |p| p.name.as_str()),
                    if roots.is_empty() {
                        "it has no target".to_owned()
                    } else {
                        format!("`{}`", roots.join("`, `"))
                    }
                )
            }
            None => "orphan: no `Cargo.toml` with `[package]` above this file, so it is not \
                     part of any crate; its `crate::`, `self::` and `super::` paths stay \
                     unresolved"
                .to_owned(),
        };
        FileWarning {
            path: self.files.path(file).to_owned(),
            kind: WarningKind::OrphanFile,
            message,
        }
    }

    /// The package a file belongs to: its crate's, else the nearest package folder above it.
    fn package_of(&self, file: FileId) -> Option<usize> {
        if let Some(node) = self.placement.get(file).copied().flatten() {
            return self.crate_of(node).map(|c| c.package);
        }
        let mut dir = RelPath::new(self.files.path(file)).parent().as_str();
        loop {
            if let Some(&p) = self.package_by_dir.get(dir) {
                return Some(p);
            }
            if dir.is_empty() {
                return None;
            }
            dir = RelPath::new(dir).parent().as_str();
        }
    }

    /// The crate whose tree holds `node`.
    fn crate_of(&self, node: NodeId) -> Option<&Crate> {
        self.crates.get(self.modules.get(node)?.krate)
    }

    /// What a `use`, path or `extern crate` site names. `depth` counts the `use` bindings
    /// followed to get here (0 for the site itself).
    fn target(&self, from: FileId, import: &RawImport, depth: usize) -> Target {
        match self.path_target(from, import, depth) {
            Target::Module(m) if self.names_reexported_namesake(from, import, m, depth) => {
                Target::Module(self.modules.get(m).and_then(|x| x.parent).unwrap_or(m))
            }
            other => other,
        }
    }

    /// Whether `use` site `import`, which walked into module `m`, names the item that
    /// `m`'s parent re-exports from it under the module's own name instead: `mod x; pub use
    /// x::x;` (petgraph's `algo::dijkstra`, tokio's `time::timeout`) keeps the module private
    /// and shows the function, so `use tokio::time::timeout;` imports the function of the
    /// module written. Not for a site in the parent's own file (its own `pub use x::x;`,
    /// syn's inline `mod gen` then `pub use crate::gen::fold;`), nor for a `{self}` leaf.
    /// Fixture `rust/use-bound-modules`. (Below the parent the private module is visible
    /// too, but rustc's own resolution, `bench/rustc-oracle.sh`, takes the function there as
    /// well: rayon-core's `use crate::join;`.)
    fn names_reexported_namesake(
        &self,
        from: FileId,
        import: &RawImport,
        m: NodeId,
        depth: usize,
    ) -> bool {
        // `use a::x::{self};` names the module.
        if !matches!(import.kind, ImportKind::Use | ImportKind::Reexport) || import.context.module {
            return false;
        }
        let (Some(module), Some(last)) =
            (self.modules.get(m), import.specifier.rsplit("::").next())
        else {
            return false;
        };
        // Most `use` sites end at an item of the module reached: no module of that name.
        if module.name != last {
            return false;
        }
        let Some(parent) = module.parent.and_then(|p| self.modules.get(p)) else {
            return false;
        };
        // A module-level `use …x::x;` in the parent's file (not `use crate::x;` in its tests).
        let namesake = format!("{last}::{last}");
        let reexports = |sites: &Vec<usize>| {
            sites
                .iter()
                .filter_map(|&i| self.imports.get(parent.file)?.get(i))
                .any(|s| s.context.scope.is_empty() && s.specifier.ends_with(&namesake))
        };
        parent.file != from
            && self
                .bindings
                .get(parent.file)
                .and_then(|names| names.get(last))
                .is_some_and(reexports)
            && self.last_walked_into(from, import, m, depth)
    }

    /// Whether the last segment of `import`'s path is what walked into module `m`: the
    /// module bears its name and the rest of the path leads to its parent
    /// (`algo::bridges::bridges` reaches the module `bridges` one segment early).
    fn last_walked_into(&self, from: FileId, import: &RawImport, m: NodeId, depth: usize) -> bool {
        let Some((prefix, last)) = import.specifier.rsplit_once("::") else {
            return false;
        };
        let Some(module) = self.modules.get(m) else {
            return false;
        };
        module.name == last && {
            let prefix = RawImport {
                specifier: prefix.to_owned(),
                ..import.clone()
            };
            matches!(
                self.path_target(from, &prefix, depth),
                Target::Module(p) if Some(p) == module.parent
            )
        }
    }

    /// Where `import`'s path leads, before [`Self::target`] looks at its last segment.
    fn path_target(&self, from: FileId, import: &RawImport, depth: usize) -> Target {
        if depth > MAX_BINDING_DEPTH {
            return Target::Unresolved("`use` bindings go round in a cycle".to_owned());
        }
        let mut segments: Vec<&str> = import.specifier.split("::").collect();
        // `use a::*` depends on the module `a`; a path in code that ends at an item names
        // the module before it, even one with a child module of the item's name
        // (`crate::io::util::read_to_end(…)` calls the function `util` re-exports).
        // The head that stays: `::a` is two segments, `crate`, `super` or `a` one.
        let head = if segments.first() == Some(&"") { 2 } else { 1 };
        let ends_at_item = import.context.item
            && segments.len() > head
            && segments
                .last()
                .is_some_and(|last| !matches!(*last, "self" | "super" | "crate"));
        if segments.last() == Some(&"*") || ends_at_item {
            segments.pop();
        }
        let Some((&first, rest)) = segments.split_first() else {
            return Target::Unresolved("empty path".to_owned());
        };
        // The module the site is written in: `None` in an orphan.
        let module = self
            .placement
            .get(from)
            .copied()
            .flatten()
            .map(|node| self.scope_module(node, &import.context.scope));
        let package = self.package_of(from);
        // Only 2015 versus later changes what a path means. A file in no package has no
        // manifest to say 2015, so it reads as 2018+ code.
        let edition = package
            .and_then(|p| self.packages.get(p))
            .map_or(2021, |p| p.edition);
        let orphan = || {
            Target::Unresolved(format!(
                "`{}` is in no crate's module tree",
                self.files.path(from)
            ))
        };
        if import.kind == ImportKind::ExternCrate {
            return self.extern_crate_site(module, package, first);
        }
        match first {
            // `$crate` is the crate the macro is defined in. The site is in the macro's
            // definition, so that is the crate of the site's own file.
            "crate" | "$crate" => match module {
                Some(m) => self.walk(self.crate_root(m), rest),
                None => orphan(),
            },
            "self" => match module {
                Some(m) => self.walk(m, rest),
                None => orphan(),
            },
            // Each `super` is one module up, inline modules included (`super` in
            // `mod tests { … }` is the file's module). `self::super::…`, which the Reference
            // allows, is rare and not modelled: it stops at `self`.
            "super" => {
                let Some(mut m) = module else {
                    return orphan();
                };
                let mut rest = segments.as_slice();
                while let Some((&"super", tail)) = rest.split_first() {
                    match self.modules.get(m).and_then(|x| x.parent) {
                        Some(parent) => m = parent,
                        None => {
                            return Target::Unresolved(
                                "`super` climbs above the crate root".to_owned(),
                            );
                        }
                    }
                    rest = tail;
                }
                self.walk(m, rest)
            }
            // `::a`: the crate root in 2015; from 2018 on only a crate of the extern prelude,
            // never a local module (the Reference, "Paths", `::`).
            "" => {
                let Some((&name, rest)) = rest.split_first() else {
                    return Target::Unresolved("empty path".to_owned());
                };
                if edition == 2015 {
                    return self.crate_relative(module, package, name, rest);
                }
                match self.extern_prelude(module, package, name) {
                    Some(Target::Module(m)) => self.walk(m, rest),
                    Some(other) => other,
                    None => Target::External(name.to_owned()),
                }
            }
            name if import.kind == ImportKind::Path => {
                self.code_path(module, package, name, rest, from, import)
            }
            name if edition == 2015 => self.crate_relative(module, package, name, rest),
            name => self.bare_use(module, package, name, rest, from, import, depth),
        }
    }

    /// `extern crate name;`: `self`, or a crate of the extern prelude (the Reference,
    /// [Extern crate declarations][extern]; `extern crate self as legacy;` in fixture
    /// `rust/edition-2015`).
    ///
    /// [extern]: https://doc.rust-lang.org/reference/items/extern-crates.html
    fn extern_crate_site(
        &self,
        module: Option<NodeId>,
        package: Option<usize>,
        name: &str,
    ) -> Target {
        if name == "self" {
            return match module {
                Some(m) => Target::Module(self.crate_root(m)),
                None => Target::Unresolved("`extern crate self` in no crate".to_owned()),
            };
        }
        self.extern_prelude(module, package, name)
            .unwrap_or_else(|| Target::External(name.to_owned()))
    }

    /// A path in code starting with a bare name: a site only when the name is a crate of the
    /// repository that no local module or `use` shadows. Anything else is `Ignored`, not
    /// unresolved: the front-end keeps every lowercase first segment (`io::Error`,
    /// `mem::take`), and most are local names that no layer rule is about (fixture
    /// `rust/paths-in-code`).
    fn code_path(
        &self,
        module: Option<NodeId>,
        package: Option<usize>,
        name: &str,
        rest: &[&str],
        from: FileId,
        import: &RawImport,
    ) -> Target {
        // Names in scope come before the extern prelude, which is searched last.
        let shadowed = module.is_some_and(|m| self.child(m, name).is_some())
            || self.binding(from, import, name).is_some();
        if shadowed {
            return Target::Ignored;
        }
        match self.extern_prelude(module, package, name) {
            Some(Target::Module(m)) => self.walk(m, rest),
            _ => Target::Ignored,
        }
    }

    /// A 2018+ `use` path starting with a bare name, tried as a name of the site's module
    /// first and as a crate last. rustc rejects a `use` whose first segment is both a local
    /// name and a crate, so this order cannot mislead on code that compiles.
    #[expect(
        clippy::too_many_arguments,
        reason = "one resolution step needs all of its context"
    )]
    fn bare_use(
        &self,
        module: Option<NodeId>,
        package: Option<usize>,
        name: &str,
        rest: &[&str],
        from: FileId,
        import: &RawImport,
        depth: usize,
    ) -> Target {
        if let Some(m) = module
            && let Some(child) = self.child(m, name)
        {
            return self.walk(child, rest);
        }
        // `use a::b; use b::c;`: `b` is whatever the first `use` names.
        if let Some(bound) = self.binding(from, import, name) {
            return match self.target(from, bound, depth + 1) {
                Target::Module(m) => self.walk(m, rest),
                other => other,
            };
        }
        // Globs are followed from the site itself only: a glob's own path never goes through
        // other globs, which keeps a module of many globs from exploding.
        if module.is_some() && depth == 0 {
            for glob in self.globs(from, import) {
                if let Target::Module(g) = self.target(from, glob, depth + 1)
                    && let Some(child) = self.child(g, name)
                {
                    return self.walk(child, rest);
                }
            }
        }
        match (self.extern_prelude(module, package, name), module) {
            (Some(Target::Module(root)), _) => self.walk(root, rest),
            (Some(other), _) => other,
            // Not a crate the manifest names: an item of this module (an enum, a module
            // declared inline or by a macro).
            (None, Some(m)) if package.is_some() => Target::Module(m),
            (None, _) => Target::External(name.to_owned()),
        }
    }

    /// A 2015-edition `use` path or `::a` path: relative to the crate root, where
    /// `extern crate` puts the crates. A 2015 `use` of a dependency needs `extern crate`;
    /// the extern prelude is still tried, as a manifest entry names the same crate.
    fn crate_relative(
        &self,
        module: Option<NodeId>,
        package: Option<usize>,
        name: &str,
        rest: &[&str],
    ) -> Target {
        let Some(m) = module else {
            return Target::Unresolved("no crate root".to_owned());
        };
        let root = self.crate_root(m);
        if let Some(child) = self.child(root, name) {
            return self.walk(child, rest);
        }
        match self.extern_prelude(Some(root), package, name) {
            Some(Target::Module(r)) => self.walk(r, rest),
            Some(other) => other,
            // An item of the crate root.
            None => Target::Module(root),
        }
    }

    /// The crate a name of the extern prelude stands for: `extern crate` aliases at the
    /// crate root, the sysroot, the package's dependencies, its own library. `None` when the
    /// name is none of these.
    fn extern_prelude(
        &self,
        module: Option<NodeId>,
        package: Option<usize>,
        name: &str,
    ) -> Option<Target> {
        // Only an `extern crate` at the crate root's top level adds to the extern prelude.
        if let Some(root) = module.map(|m| self.crate_root(m))
            && let Some(root_file) = self.file_of(root)
        {
            let imports = self.imports.get(root_file).map_or(&[][..], Vec::as_slice);
            for site in imports {
                if site.kind != ImportKind::ExternCrate || !site.context.scope.is_empty() {
                    continue;
                }
                let bound = site.context.alias.as_deref().unwrap_or(&site.specifier);
                if bound != name {
                    continue;
                }
                if site.specifier == "self" {
                    return Some(Target::Module(root));
                }
                // `extern crate a as b;`: `b` is the crate `a`. `extern crate a;` binds the
                // name it already has: the dependencies below decide.
                if site.specifier != name {
                    return self.extern_prelude(None, package, &site.specifier);
                }
            }
        }
        if SYSROOT.contains(&name) {
            return Some(Target::External(name.to_owned()));
        }
        let package = self.packages.get(package?)?;
        if let Some(dep) = package.deps.get(name) {
            // A registry or git dependency is external even when a package of that name is
            // vendored in the repository; a path dependency outside the run is too.
            let Some(dir) = &dep.dir else {
                return Some(Target::External(name.to_owned()));
            };
            return Some(match self.package_by_dir.get(dir) {
                Some(&p) => self.library(p, name),
                None => Target::External(name.to_owned()),
            });
        }
        // The package's binaries, tests, examples and benches name its library with no
        // manifest entry (fixture `rust/targets`); the library itself writes `crate::`.
        if package.lib_name == name {
            let krate = module.and_then(|m| self.crate_of(m));
            if krate.is_none_or(|c| !c.is_lib) {
                let p = self.package_by_dir.get(&package.dir).copied()?;
                return Some(self.library(p, name));
            }
        }
        None
    }

    /// The root module of package `p`'s library.
    fn library(&self, p: usize, name: &str) -> Target {
        match self
            .libs
            .get(p)
            .copied()
            .flatten()
            .and_then(|c| self.crates.get(c))
        {
            Some(krate) => Target::Module(krate.root),
            None => Target::Unresolved(format!("package of `{name}` has no library target")),
        }
    }

    /// The `use` or `extern crate` in the same module as `site` that binds `name`. The same
    /// inline scope is the same module; a site never binds itself (`use foo;` resolving
    /// `foo` through itself would go round until `MAX_BINDING_DEPTH`).
    fn binding<'i>(&'i self, from: FileId, site: &RawImport, name: &str) -> Option<&'i RawImport> {
        let imports = self.imports.get(from)?;
        self.bindings
            .get(from)?
            .get(name)?
            .iter()
            .filter_map(|&i| imports.get(i))
            .find(|other| other.span != site.span && other.context.scope == site.context.scope)
    }

    /// The glob imports (`use a::*`) in the same module as `site`.
    fn globs<'i>(
        &'i self,
        from: FileId,
        site: &'i RawImport,
    ) -> impl Iterator<Item = &'i RawImport> + 'i {
        let imports = self.imports.get(from).map_or(&[][..], Vec::as_slice);
        self.globs
            .get(from)
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .filter_map(|&i| imports.get(i))
            .filter(move |other| {
                other.span != site.span && other.context.scope == site.context.scope
            })
    }

    /// The inline module a site sits in, inside its file's module. Resolution only reads,
    /// so this looks up what `build_trees` created; where that is less (a file placed but
    /// not walked, as in a `mod` cycle), it stops at the deepest module found.
    fn scope_module(&self, node: NodeId, scope: &[InlineModule]) -> NodeId {
        let mut current = node;
        for inline in scope {
            match self.inline_child(current, &inline.name) {
                Some(child) => current = child,
                None => break,
            }
        }
        current
    }

    /// The root of `node`'s crate (the node without a parent).
    fn crate_root(&self, node: NodeId) -> NodeId {
        self.ancestors(node).last().unwrap_or(node)
    }

    /// Follows `segments` from `node` while they name modules; the first segment that does
    /// not is an item (function, type, variant, re-exported name) of the module reached.
    /// An `extern crate` item is a module too: `crate::alloc::vec` after
    /// `extern crate alloc;` at the root names the crate `alloc`, not the root file.
    fn walk(&self, node: NodeId, segments: &[&str]) -> Target {
        let mut current = node;
        for (i, segment) in segments.iter().enumerate() {
            if let Some(child) = self
                .child(current, segment)
                .or_else(|| self.bound_child(current, segment))
            {
                current = child;
                continue;
            }
            if let Some(krate) = self.extern_crate_item(current, segment) {
                let rest = segments.get(i + 1..).unwrap_or_default();
                let package = self.crate_of(current).map(|c| c.package);
                return match self.extern_crate_site(Some(current), package, &krate) {
                    Target::Module(root) if root != current => self.walk(root, rest),
                    other => other,
                };
            }
            break;
        }
        Target::Module(current)
    }

    /// The module `segment` that a module-level `use` of file module `node` binds
    /// (`pub use self::imp::sync;`), or else one that a module-level glob brings into it:
    /// tokio's `loom/mod.rs` holds `pub(crate) use self::std::*;`, so `crate::loom::sync` is
    /// `loom/std/sync.rs`. A name written in a `use` shadows a glob's, as in rustc.
    fn bound_child(&self, node: NodeId, segment: &str) -> Option<NodeId> {
        let module = self.modules.get(node)?;
        if module.inline || self.placement.get(module.file).copied().flatten() != Some(node) {
            return None;
        }
        if let Some(&bound) = self
            .use_modules
            .get(module.file)
            .and_then(|names| names.get(segment))
        {
            return Some(bound);
        }
        self.glob_modules
            .get(module.file)?
            .iter()
            .find_map(|&m| self.child(m, segment))
    }

    /// The crate an `extern crate` written in file module `node` binds to `name`. One
    /// inside an inline module is not looked for (rare, and it binds only there).
    fn extern_crate_item(&self, node: NodeId, name: &str) -> Option<String> {
        let module = self.modules.get(node)?;
        if module.inline {
            return None;
        }
        let imports = self.imports.get(module.file)?;
        self.bindings
            .get(module.file)?
            .get(name)?
            .iter()
            .filter_map(|&i| imports.get(i))
            .find(|s| s.kind == ImportKind::ExternCrate && s.context.scope.is_empty())
            .map(|s| s.specifier.clone())
    }

    /// A dependency in a manifest: the library of a package of the repository, else an
    /// external crate by the name code uses: the key with `-` → `_` (a `package = "…"`
    /// rename keeps the key as the code's name). Such an edge holds layer rules at crate
    /// level even where macros hide every path (fixture `rust/workspace`).
    fn manifest_dependency(&self, from: FileId, key: &str) -> Resolution {
        let name = key.replace('-', "_");
        let dep = self
            .package_by_manifest
            .get(&from)
            .and_then(|&p| self.packages.get(p))
            .and_then(|p| p.deps.get(&name));
        let Some(dir) = dep.and_then(|d| d.dir.as_ref()) else {
            return Resolution::External(name);
        };
        match self.package_by_dir.get(dir) {
            Some(&p) => self.resolution(self.library(p, &name)),
            None => Resolution::External(name),
        }
    }

    /// The [`Resolution`] of a target: a module becomes the file that holds it.
    fn resolution(&self, target: Target) -> Resolution {
        match target {
            Target::Module(m) => match self.file_of(m) {
                Some(file) => Resolution::Internal(file),
                None => Resolution::Unresolved("no such module".to_owned()),
            },
            Target::External(name) => Resolution::External(name),
            Target::Unresolved(reason) => Resolution::Unresolved(reason),
            Target::Ignored => Resolution::Ignored,
        }
    }
}

impl Resolver for RustResolver<'_> {
    fn resolve(&self, from: FileId, import: &RawImport) -> Resolution {
        match import.kind {
            // Every `mod x;` was resolved while building the trees it shapes.
            ImportKind::Mod => self
                .mods
                .get(&(from, import.span.start, import.context.path.clone()))
                .cloned()
                .unwrap_or_else(|| Resolution::Unresolved("not a Rust source file".to_owned())),
            ImportKind::Manifest => self.manifest_dependency(from, &import.specifier),
            _ => self.resolution(self.target(from, import, 0)),
        }
    }

    fn warnings(&self) -> Vec<FileWarning> {
        self.warnings.clone()
    }
}

/// The name a `use` or `extern crate` binds: its alias, else its last segment. `as _`
/// binds no name (the Reference, [Underscore Imports][underscore]), nor does a glob.
///
/// [underscore]: https://doc.rust-lang.org/reference/items/use-declarations.html#underscore-imports
fn bound_name(site: &RawImport) -> Option<&str> {
    match site.context.alias.as_deref() {
        Some("_") => None,
        Some(alias) => Some(alias),
        None => site
            .specifier
            .rsplit("::")
            .next()
            .filter(|last| !last.is_empty() && *last != "*"),
    }
}

/// The file a `mod x;` declaration names.
enum Declared {
    Found {
        file: FileId,
        /// Whether its own `mod x;` look beside it: `x/mod.rs`, a `#[path]` target and an
        /// `include!`d file do; `x.rs` looks in `x/`.
        mod_rs: bool,
    },
    /// rustc's E0761: both `first` (`x.rs`, which is `file`) and `second` (`x/mod.rs`).
    Ambiguous {
        file: FileId,
        first: String,
        second: String,
    },
    /// The paths tried, for the unresolved import's reason.
    Missing(Vec<String>),
}

/// Whether a `mod` site is an `include!("…")` (its specifier is its path).
fn is_include(import: &RawImport) -> bool {
    import.context.path.as_deref() == Some(import.specifier.as_str())
}

/// Where `mod x;` (site `import`) in the file at `path` puts module `x`; `mod_rs` says
/// whether that file looks for children beside itself. When no file is found, the
/// declaration is tried from `fallback` (the crate root): a `mod x;` written in a macro
/// body is declared where the macro is called, usually the crate root.
fn declared_file(
    files: &FileTable,
    path: &str,
    mod_rs: bool,
    import: &RawImport,
    fallback: Option<&str>,
) -> Declared {
    let declared = declared_here(files, path, mod_rs, import);
    // The fallback is a guess, so it is tried only where the file's own rules find nothing,
    // never for inline scopes or `include!`, and not from the root itself (the same folder).
    if let (Declared::Missing(_), Some(root)) = (&declared, fallback)
        && import.context.scope.is_empty()
        && !is_include(import)
        && path != root
        && let found @ (Declared::Found { .. } | Declared::Ambiguous { .. }) =
            declared_here(files, root, true, import)
    {
        return found;
    }
    declared
}

/// Where `mod x;` in the file at `path` puts `x` by the Reference's rules alone.
fn declared_here(files: &FileTable, path: &str, mod_rs: bool, import: &RawImport) -> Declared {
    let (dir, file_name) = RelPath::new(path).split();
    if is_include(import) {
        // `include!` paths are relative to the including file's folder.
        let target = dir.join(&import.specifier);
        return match target.as_deref().and_then(|t| files.id(t)) {
            Some(file) => Declared::Found { file, mod_rs: true },
            None => Declared::Missing(target.into_iter().collect()),
        };
    }
    let scope = &import.context.scope;
    let name = import.specifier.trim_start_matches("r#");
    // The folder of the children: the file's own, or the one named after a non-mod-rs file,
    // then one level per inline module. `None`: an inline `#[path]` climbs out of the
    // repository.
    let mut folder = if mod_rs {
        Some(dir.as_str().to_owned())
    } else {
        dir.join(file_name.trim_end_matches(".rs"))
    };
    for inline in scope {
        folder = folder
            .and_then(|f| RelPath::new(&f).join(inline.path.as_deref().unwrap_or(&inline.name)));
    }
    // `#[path]` outside inline modules is relative to the file's folder, even in a
    // non-mod-rs file (`#[path = "foo.rs"] mod c;` in `src/a/b.rs` is `src/a/foo.rs`);
    // inside them, to the folder they add.
    if let Some(written) = &import.context.path {
        let base = if scope.is_empty() {
            Some(dir.as_str())
        } else {
            folder.as_deref()
        };
        // `None`: the path climbs out of the repository.
        let Some(target) = base.and_then(|b| RelPath::new(b).join(written)) else {
            return Declared::Missing(vec![written.clone()]);
        };
        return match files.id(&target) {
            // A file reached through `#[path]` is a mod-rs file whatever its name.
            Some(file) => Declared::Found { file, mod_rs: true },
            None => Declared::Missing(vec![target]),
        };
    }
    let in_folder = |rel: String| folder.as_deref().and_then(|f| RelPath::new(f).join(&rel));
    let (Some(single), Some(nested)) = (
        in_folder(format!("{name}.rs")),
        in_folder(format!("{name}/mod.rs")),
    ) else {
        return Declared::Missing(vec![format!("{name}.rs")]);
    };
    // `x.rs` is a non-mod-rs file (its children go in `x/`); `x/mod.rs` is mod-rs.
    match (files.id(&single), files.id(&nested)) {
        (Some(file), None) => Declared::Found {
            file,
            mod_rs: false,
        },
        (None, Some(file)) => Declared::Found { file, mod_rs: true },
        (Some(file), Some(_)) => Declared::Ambiguous {
            file,
            first: single,
            second: nested,
        },
        (None, None) => Declared::Missing(vec![single, nested]),
    }
}
