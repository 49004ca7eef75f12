//! TypeScript and JavaScript module resolution, as the TypeScript compiler resolves modules,
//! with `oxc_resolver` configured to behave like it (so configured, it returned the same file
//! as `ts.resolveModuleName` for all 10,552 import specifiers of rxjs, effect 3, effect 4 and
//! @trpc/server; `bench/ts-fidelity.sh` repeats the comparison on archgate's edges):
//!
//! - Each file's nearest `tsconfig.json` that owns it (`extends`, `baseUrl`, `paths`,
//!   `references`), found by `resolve_file`. Discovery happens once per folder: every file of
//!   a folder resolves through the same representative file, whose tsconfig oxc memoises.
//! - TypeScript's extension table: `./a.js` finds `a.ts`, `a.tsx`, `a.d.ts`, then `a.js`;
//!   `.jsx`→`.tsx`, `.mjs`→`.mts`, `.cjs`→`.cts`; extensionless specifiers and folder `index`
//!   files; `package.json` `exports` with the conditions `types, import, require, node,
//!   default`, and the main fields `types, module, main`.
//! - Packages of the repository (every `package.json` with a `name` above a source file:
//!   npm, yarn and pnpm workspaces alike) resolve to their source files, never to their build
//!   output: a target under `dist/`, `lib/`, `build/`, … maps back to the source file it was
//!   built from, and when the build output does not exist (a fresh checkout) the package's
//!   `exports`/`main` are read here and mapped the same way. A package importing its own
//!   name does the same.
//! - `node_modules` is never walked: a target inside it, or outside the root, is external,
//!   named by its package (`@scope/name` whole). A bare specifier nothing resolves is
//!   external too (SPEC §3), unless a tsconfig `paths` alias claims it.
//! - A target that is not source code (`.css`, `.json`, images) is [`Resolution::Ignored`].

mod config;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use oxc_resolver::{ResolveError, ResolveOptions, TsconfigDiscovery};

use super::{FileId, FileTable, Resolution, ResolveContext, Resolver};
use crate::diagnostic::FileWarning;
use crate::lang::{Lang, RawImport};
use crate::source::RelPath;

/// Extensions of source files archgate reads, in the order TypeScript tries them when a
/// build output is mapped back to its source.
const SOURCE_EXTENSIONS: &[&str] = &["ts", "tsx", "mts", "cts", "js", "jsx", "mjs", "cjs"];

/// Extensions of build outputs and declaration files, stripped to find the source.
const OUTPUT_EXTENSIONS: &[&str] = &[
    ".d.ts", ".d.mts", ".d.cts", ".js", ".mjs", ".cjs", ".jsx", ".ts", ".tsx", ".mts", ".cts",
];

/// Folder names build tools write to. A package target under one of them (nested up to two
/// deep: `dist/esm/`, `build/dts/`) is build output.
const OUTPUT_DIRS: &[&str] = &[
    "dist",
    "build",
    "lib",
    "out",
    "esm",
    "cjs",
    "mjs",
    "types",
    "dts",
    "_esm",
    "_cjs",
    "_types",
    "declarations",
];

/// Conditions of `package.json` `exports`, as TypeScript matches them for a type checker.
const CONDITIONS: &[&str] = &["types", "import", "require", "node", "default"];

/// A package of the repository.
struct Package {
    /// Folder of its `package.json`, repo-relative (`""` for the root).
    dir: String,
    name: String,
    manifest: serde_json::Value,
}

pub(crate) struct TsResolver<'a> {
    files: &'a FileTable,
    /// The root as configured, and as the filesystem names it (oxc returns real paths).
    root: PathBuf,
    real_root: PathBuf,
    oxc: oxc_resolver::ResolverGeneric<config::GuardedFs>,
    /// What oxc may read, and what was wrong with it.
    guard: Arc<config::Guard>,
    /// For each file, the file whose tsconfig its folder uses (see the module doc).
    representative: Vec<FileId>,
    /// Packages of the repository, deepest folder first.
    packages: Vec<Package>,
}

impl<'a> TsResolver<'a> {
    pub(crate) fn new(cx: &ResolveContext<'a>) -> Self {
        let files = cx.files;
        let root = cx.config.root.clone();
        let real_root = std::fs::canonicalize(&root).unwrap_or_else(|_| root.clone());
        let ext = |e: &[&str]| e.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let options = ResolveOptions {
            tsconfig: Some(TsconfigDiscovery::Auto),
            extensions: ext(&[
                ".ts", ".tsx", ".d.ts", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs",
            ]),
            extension_alias: vec![
                (".js".into(), ext(&[".ts", ".tsx", ".d.ts", ".js"])),
                (".jsx".into(), ext(&[".tsx", ".d.ts", ".jsx"])),
                (".mjs".into(), ext(&[".mts", ".d.mts", ".mjs"])),
                (".cjs".into(), ext(&[".cts", ".d.cts", ".cjs"])),
            ],
            condition_names: ext(CONDITIONS),
            main_fields: ext(&["types", "module", "main"]),
            builtin_modules: true,
            ..ResolveOptions::default()
        };

        // One representative file per folder: the first TypeScript-family file in path order
        // (a `.js` file is not owned by a tsconfig without `allowJs`), else the first file.
        let mut by_dir: HashMap<&str, FileId> = HashMap::new();
        for (id, (path, lang)) in files.paths.iter().zip(&files.langs).enumerate() {
            if *lang != Lang::TypeScript {
                continue;
            }
            let dir = RelPath::new(path).parent().as_str();
            let is_ts = |p: &str| {
                let e = RelPath::new(p).extension();
                matches!(e, "ts" | "tsx" | "mts" | "cts")
            };
            by_dir
                .entry(dir)
                .and_modify(|rep| {
                    if !is_ts(files.path(*rep)) && is_ts(path) {
                        *rep = id;
                    }
                })
                .or_insert(id);
        }
        let representative = files
            .paths
            .iter()
            .enumerate()
            .map(|(id, path)| {
                let dir = RelPath::new(path).parent().as_str();
                by_dir.get(dir).copied().unwrap_or(id)
            })
            .collect();

        let packages = find_packages(&root, by_dir.keys().copied());
        let mut named: Vec<(String, String)> = workspace_packages(&root);
        named.extend(packages.iter().map(|p| (p.name.clone(), p.dir.clone())));
        let guard = Arc::new(config::Guard::new(&root, &real_root, &named));
        let fs = config::GuardedFs::new(Arc::clone(&guard));
        Self {
            files,
            root,
            real_root,
            oxc: oxc_resolver::ResolverGeneric::new_with_file_system(fs, options),
            guard,
            representative,
            packages,
        }
    }

    /// `path` relative to the root with `/` separators, if it is under the root.
    fn relative(&self, path: &Path) -> Option<String> {
        let rel = path
            .strip_prefix(&self.real_root)
            .or_else(|_| path.strip_prefix(&self.root))
            .ok()?;
        Some(crate::source::display_path(rel))
    }

    /// What an absolute target path oxc found means. `package` is set when the specifier
    /// named a package (bare): then build output maps back to its source.
    fn classify(&self, path: &Path, spec: &str, package: bool) -> Resolution {
        let Some(rel) = self.relative(path) else {
            // A package installed above the root (a monorepo's hoisted node_modules) is
            // external; a relative or absolute path out of the root names no file of the run.
            if package {
                return Resolution::External(package_name(spec).to_owned());
            }
            return Resolution::Unresolved(format!(
                "`{spec}` leads out of the folder of layers.toml, to a file archgate does not \
                 check"
            ));
        };
        if let Some(name) = node_modules_package(&rel) {
            return Resolution::External(name);
        }
        if package && is_output_file(&rel) {
            if let Some(id) = self.source_of_output(&rel) {
                return Resolution::Internal(id);
            }
            // A declaration whose name is not its source's (`types/pkg.d.mts` for
            // `src/index.mjs`): the package's own `exports` name the source under another
            // condition.
            if is_declaration(&rel)
                && let Some(id) = self.resolve_in_package(spec)
                && !is_declaration(self.files.path(id))
            {
                return Resolution::Internal(id);
            }
        }
        if let Some(id) = self.files.id(&rel) {
            return Resolution::Internal(id);
        }
        if !SOURCE_EXTENSIONS.contains(&RelPath::new(&rel).extension()) {
            return Resolution::Ignored;
        }
        if let Some(id) = self.source_of_output(&rel) {
            return Resolution::Internal(id);
        }
        Resolution::Unresolved(format!(
            "`{spec}` resolves to `{rel}`, which is excluded from the run"
        ))
    }

    /// The source file a build output `rel` (`pkg/dist/esm/a.js`, `pkg/dist/a.d.ts`) was
    /// built from (`pkg/src/a.ts`, `pkg/a.ts`), if it exists.
    fn source_of_output(&self, rel: &str) -> Option<FileId> {
        let package = self.package_of(rel);
        let dir = package.map_or("", |p| p.dir.as_str());
        let inner = RelPath::new(rel).strip_dir(dir)?;
        let mut rest = inner;
        let mut stripped = 0;
        while stripped < 2 {
            let Some((first, tail)) = rest.split_once('/') else {
                break;
            };
            if !OUTPUT_DIRS.contains(&first) {
                break;
            }
            rest = tail;
            stripped += 1;
        }
        if stripped == 0 {
            return None;
        }
        let stem = strip_output_extension(rest);
        ["src/", ""]
            .iter()
            .find_map(|src| self.source_file(&RelPath::new(dir).join(&format!("{src}{stem}"))?))
    }

    /// The source file `stem` names: `stem.ts`, …, or `stem/index.ts`, ….
    fn source_file(&self, stem: &str) -> Option<FileId> {
        SOURCE_EXTENSIONS
            .iter()
            .find_map(|e| self.files.id(&format!("{stem}.{e}")))
            .or_else(|| {
                SOURCE_EXTENSIONS.iter().find_map(|e| {
                    self.files
                        .id(&RelPath::new(stem).join(&format!("index.{e}"))?)
                })
            })
    }

    /// The package whose folder holds `rel`.
    fn package_of(&self, rel: &str) -> Option<&Package> {
        self.packages
            .iter()
            .find(|p| RelPath::new(rel).strip_dir(&p.dir).is_some())
    }

    /// A repository package's own `exports`/`main`, read here when oxc found nothing (its
    /// build output is absent) or found a copy in `node_modules`.
    fn resolve_in_package(&self, spec: &str) -> Option<FileId> {
        let name = package_name(spec);
        let package = self.packages.iter().find(|p| p.name == name)?;
        let subpath = spec.get(name.len()..).unwrap_or_default();
        let key = format!(".{subpath}");
        let targets: Vec<String> = match package.manifest.get("exports") {
            Some(exports) => export_targets(exports, &key),
            None if subpath.is_empty() => ["types", "module", "main"]
                .iter()
                .filter_map(|f| package.manifest.get(*f)?.as_str().map(str::to_owned))
                .chain(["./index".to_owned(), "./src/index".to_owned()])
                .collect(),
            None => vec![key],
        };
        // Sources before declarations: `types` names what the compiler reads, `import` or
        // `default` what runs.
        let mut targets = targets;
        targets.sort_by_key(|t| is_declaration(t));
        targets.iter().find_map(|target| {
            let rel = RelPath::new(&package.dir).join(target.trim_start_matches("./"))?;
            let rel = rel.as_str();
            self.source_of_output(rel)
                .or_else(|| self.files.id(rel))
                .or_else(|| self.source_file(strip_output_extension(rel)))
                .or_else(|| self.source_file(rel))
        })
    }

    /// Whether the tsconfig of `from`'s folder has a `paths` alias (other than a bare `*`)
    /// that matches `spec`: then a failure is unresolved, not external.
    fn has_paths_alias(&self, from: &Path, spec: &str) -> bool {
        let Ok(Some(tsconfig)) = self.oxc.find_tsconfig(from) else {
            return false;
        };
        let Some(paths) = &tsconfig.compiler_options.paths else {
            return false;
        };
        paths.keys().any(|key| match key.split_once('*') {
            Some(("", "")) => false,
            Some((prefix, suffix)) => {
                spec.len() >= prefix.len() + suffix.len()
                    && spec.starts_with(prefix)
                    && spec.ends_with(suffix)
            }
            None => key == spec,
        })
    }
}

impl Resolver for TsResolver<'_> {
    fn resolve(&self, from: FileId, import: &RawImport) -> Resolution {
        let spec = import.specifier.as_str();
        let rep = self.representative.get(from).copied().unwrap_or(from);
        let file = self.root.join(self.files.path(rep));
        let bare = is_bare(spec);
        if spec.contains("://") {
            return Resolution::External(spec.to_owned());
        }
        // oxc recurses once per path segment: a specifier that can name no file is not
        // handed to it.
        if config::is_overlong(spec) {
            return Resolution::Unresolved(format!(
                "the specifier is longer than any path ({} bytes or {} segments at most)",
                config::MAX_PATH_BYTES,
                config::MAX_PATH_SEGMENTS
            ));
        }
        match self.oxc.resolve_file(&file, spec) {
            Ok(found) => {
                let resolution = self.classify(found.path(), spec, bare);
                if bare
                    && matches!(resolution, Resolution::External(_))
                    && let Some(id) = self.resolve_in_package(spec)
                {
                    // A copy of a repository package in node_modules: use its source.
                    return Resolution::Internal(id);
                }
                resolution
            }
            Err(ResolveError::Builtin { .. }) => {
                Resolution::External(package_name(spec).to_owned())
            }
            Err(ResolveError::Ignored(_)) => Resolution::Ignored,
            Err(error) => {
                self.guard.warn_unloadable(&error);
                if is_asset(spec) {
                    return Resolution::Ignored;
                }
                if bare {
                    if let Some(id) = self.resolve_in_package(spec) {
                        return Resolution::Internal(id);
                    }
                    // A package of the repository is not external even when the subpath
                    // names nothing it exports (`@trpc/server/vendor/x` inside @trpc/server).
                    let is_ours = self.packages.iter().any(|p| p.name == package_name(spec));
                    if !is_ours && !self.has_paths_alias(&file, spec) && !is_alias(spec) {
                        return Resolution::External(package_name(spec).to_owned());
                    }
                    if is_alias(spec) && !self.has_paths_alias(&file, spec) {
                        return Resolution::Unresolved(format!(
                            "`{spec}` is a path alias that no `paths` entry of the file's \
                             tsconfig.json maps (no package can be named `{}`)",
                            package_name(spec)
                        ));
                    }
                }
                Resolution::Unresolved(self.guard.scrub(&error.to_string()))
            }
        }
    }

    fn warnings(&self) -> Vec<FileWarning> {
        self.guard.warnings()
    }
}

/// The packages a workspace declares (`workspaces` in the root `package.json`, or
/// `packages` in `pnpm-workspace.yaml`), as (name, folder relative to the root): a package
/// without source files (a shared `@repo/typescript-config`) is one too. Globs are expanded
/// one segment at a time over folders, skipping `node_modules` and hidden folders, at most
/// [`MAX_WORKSPACE_FOLDERS`] folders.
fn workspace_packages(root: &Path) -> Vec<(String, String)> {
    let mut patterns: Vec<String> = Vec::new();
    let manifest: Option<serde_json::Value> = std::fs::read(root.join("package.json"))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok());
    if let Some(workspaces) = manifest.as_ref().and_then(|m| m.get("workspaces")) {
        let list = workspaces.get("packages").unwrap_or(workspaces);
        if let Some(items) = list.as_array() {
            patterns.extend(items.iter().filter_map(|v| v.as_str().map(str::to_owned)));
        }
    }
    if let Ok(yaml) = std::fs::read_to_string(root.join("pnpm-workspace.yaml")) {
        patterns.extend(pnpm_packages(&yaml));
    }
    let mut folders: Vec<String> = Vec::new();
    for pattern in patterns.iter().filter(|p| !p.starts_with('!')) {
        expand_folders(root, pattern, &mut folders);
    }
    folders.sort();
    folders.dedup();
    folders
        .into_iter()
        .filter_map(|dir| {
            let bytes = std::fs::read(root.join(&dir).join("package.json")).ok()?;
            let manifest: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
            Some((manifest.get("name")?.as_str()?.to_owned(), dir))
        })
        .collect()
}

/// The most folders a workspace's globs expand to.
const MAX_WORKSPACE_FOLDERS: usize = 10_000;

/// The `packages:` list of a `pnpm-workspace.yaml` (the only key archgate needs; no YAML
/// parser for one list of strings).
fn pnpm_packages(yaml: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut inside = false;
    for line in yaml.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if !line.starts_with([' ', '\t', '-']) {
            inside = trimmed == "packages:";
            continue;
        }
        if inside && let Some(item) = trimmed.strip_prefix('-') {
            let item = item.split(" #").next().unwrap_or(item).trim();
            out.push(item.trim_matches(['"', '\'']).to_owned());
        }
    }
    out
}

/// Adds the folders (relative to `root`) a workspace glob matches to `out`.
fn expand_folders(root: &Path, pattern: &str, out: &mut Vec<String>) {
    let mut current: Vec<String> = vec![String::new()];
    for segment in pattern.trim_start_matches("./").split('/') {
        if segment.is_empty() || segment == "." {
            continue;
        }
        let mut next: Vec<String> = Vec::new();
        if segment == "**" {
            // Every folder below, breadth first, bounded.
            let mut queue = current.clone();
            while let Some(dir) = queue.pop() {
                if next.len() >= MAX_WORKSPACE_FOLDERS {
                    break;
                }
                next.push(dir.clone());
                queue.extend(child_folders(root, &dir, |_| true));
            }
        } else if segment.contains(['*', '?', '[', '{']) {
            let Ok(glob) = globset::Glob::new(segment) else {
                return;
            };
            let matcher = glob.compile_matcher();
            for dir in &current {
                next.extend(child_folders(root, dir, |name| matcher.is_match(name)));
            }
        } else {
            next = current
                .iter()
                .filter_map(|dir| RelPath::new(dir).join(segment))
                .filter(|dir| root.join(dir).is_dir())
                .collect();
        }
        next.truncate(MAX_WORKSPACE_FOLDERS);
        current = next;
    }
    out.extend(current.into_iter().filter(|d| !d.is_empty()));
}

/// The folders directly in `dir` whose names pass `keep`, without `node_modules` and hidden
/// folders, never through a symlink.
fn child_folders(root: &Path, dir: &str, keep: impl Fn(&str) -> bool) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|name| name != "node_modules" && !name.starts_with('.') && keep(name))
        .filter_map(|name| RelPath::new(dir).join(&name))
        .collect()
}

/// Every `package.json` with a `name` in `dirs` or their ancestors under `root`, deepest first.
fn find_packages<'d>(root: &Path, dirs: impl Iterator<Item = &'d str>) -> Vec<Package> {
    let mut seen: HashSet<String> = HashSet::new();
    let mut packages = Vec::new();
    let mut dirs: Vec<&str> = dirs.collect();
    dirs.sort_unstable();
    for dir in dirs {
        let mut current = Some(dir);
        while let Some(d) = current {
            if !seen.insert(d.to_owned()) {
                break;
            }
            let manifest = std::fs::read(root.join(d).join("package.json"))
                .ok()
                .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok());
            if let Some(manifest) = manifest
                && let Some(name) = manifest.get("name").and_then(|n| n.as_str())
            {
                packages.push(Package {
                    dir: d.to_owned(),
                    name: name.to_owned(),
                    manifest,
                });
            }
            current = (!d.is_empty()).then(|| RelPath::new(d).parent().as_str());
        }
    }
    // Deepest first, so that `package_of` finds the nearest; then by folder, deterministic.
    packages.sort_by(|a, b| {
        let depth = |p: &Package| p.dir.matches('/').count() + usize::from(!p.dir.is_empty());
        depth(b).cmp(&depth(a)).then_with(|| a.dir.cmp(&b.dir))
    });
    packages
}

/// The targets `exports` gives for subpath `key` (`.`, `./sub`), every condition TypeScript
/// may pick, in the manifest's order; `*` patterns substituted.
fn export_targets(exports: &serde_json::Value, key: &str) -> Vec<String> {
    let mut out = Vec::new();
    let is_subpath_map = exports
        .as_object()
        .is_some_and(|map| map.keys().any(|k| k.starts_with('.')));
    if !is_subpath_map {
        if key == "." {
            leaves(exports, None, &mut out);
        }
        return out;
    }
    let Some(map) = exports.as_object() else {
        return out;
    };
    if let Some(value) = map.get(key) {
        leaves(value, None, &mut out);
        return out;
    }
    // The pattern with the longest prefix wins (Node's PATTERN_KEY_COMPARE).
    let mut best: Option<(&str, &str, &serde_json::Value)> = None;
    for (pattern, value) in map {
        let Some((prefix, suffix)) = pattern.split_once('*') else {
            continue;
        };
        if key.len() >= prefix.len() + suffix.len()
            && key.starts_with(prefix)
            && key.ends_with(suffix)
            && best.is_none_or(|(p, _, _)| prefix.len() > p.len())
        {
            best = Some((prefix, suffix, value));
        }
    }
    if let Some((prefix, suffix, value)) = best {
        let star = key
            .get(prefix.len()..key.len() - suffix.len())
            .unwrap_or_default();
        leaves(value, Some(star), &mut out);
    }
    out
}

/// The string targets under an `exports` value, through arrays and known conditions.
fn leaves(value: &serde_json::Value, star: Option<&str>, out: &mut Vec<String>) {
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        match v {
            serde_json::Value::String(s) => out.push(match star {
                Some(star) => s.replace('*', star),
                None => s.clone(),
            }),
            serde_json::Value::Array(items) => stack.extend(items.iter().rev()),
            serde_json::Value::Object(map) => stack.extend(
                map.iter()
                    .filter(|(k, _)| CONDITIONS.contains(&k.as_str()))
                    .map(|(_, v)| v)
                    .rev(),
            ),
            _ => {}
        }
    }
}

/// A specifier that names a package rather than a path (`react`, `@scope/pkg/sub`,
/// `node:fs`), or a tsconfig `paths`/`baseUrl` name.
fn is_bare(spec: &str) -> bool {
    !(spec.starts_with('.') || spec.starts_with('/') || spec.starts_with('#'))
}

/// Whether a bare specifier is a bundler's path alias rather than a package: `@/ui/x` (a
/// scope needs a name), `~/x` or `~x` (npm names cannot start with `~`).
fn is_alias(spec: &str) -> bool {
    spec.starts_with("@/") || spec.starts_with('~')
}

/// The package a bare specifier names: `@scope/name` whole, else the first segment.
fn package_name(spec: &str) -> &str {
    let end = if spec.starts_with('@') {
        spec.match_indices('/')
            .nth(1)
            .map_or(spec.len(), |(i, _)| i)
    } else {
        spec.find('/').unwrap_or(spec.len())
    };
    spec.get(..end).unwrap_or(spec)
}

/// The package of a path inside `node_modules` (after the last `node_modules/`).
fn node_modules_package(rel: &str) -> Option<String> {
    let at = rel.rfind("node_modules/")?;
    if at != 0 && rel.get(at - 1..at) != Some("/") {
        return None;
    }
    let rest = rel.get(at + "node_modules/".len()..)?;
    Some(package_name(rest).to_owned())
}

/// Whether `spec` names a non-source file by its extension (`./a.css`, `./logo.svg?url`).
fn is_asset(spec: &str) -> bool {
    let path = spec.split(['?', '#']).next().unwrap_or(spec);
    let name = path.rsplit('/').next().unwrap_or(path);
    match name.rsplit_once('.') {
        Some((_, ext)) => matches!(
            ext.to_ascii_lowercase().as_str(),
            "css"
                | "scss"
                | "sass"
                | "less"
                | "styl"
                | "pcss"
                | "json"
                | "json5"
                | "svg"
                | "png"
                | "jpg"
                | "jpeg"
                | "gif"
                | "webp"
                | "avif"
                | "ico"
                | "bmp"
                | "woff"
                | "woff2"
                | "ttf"
                | "otf"
                | "eot"
                | "mp3"
                | "mp4"
                | "webm"
                | "wav"
                | "ogg"
                | "html"
                | "md"
                | "mdx"
                | "txt"
                | "yaml"
                | "yml"
                | "toml"
                | "wasm"
                | "graphql"
                | "gql"
                | "vue"
                | "svelte"
                | "astro"
        ),
        None => false,
    }
}

/// Whether `path` is a declaration file (`.d.ts`, `.d.mts`, `.d.cts`).
fn is_declaration(path: &str) -> bool {
    [".d.ts", ".d.mts", ".d.cts"]
        .iter()
        .any(|e| path.ends_with(e))
}

/// Whether `rel` looks like build output: a declaration file or JavaScript.
fn is_output_file(rel: &str) -> bool {
    [".d.ts", ".d.mts", ".d.cts", ".js", ".mjs", ".cjs", ".jsx"]
        .iter()
        .any(|e| rel.ends_with(e))
}

/// `a.d.ts`, `a.js`, `a.ts` → `a`; anything else unchanged.
fn strip_output_extension(path: &str) -> &str {
    OUTPUT_EXTENSIONS
        .iter()
        .find_map(|e| path.strip_suffix(e))
        .unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_names_keep_scopes_whole() {
        assert_eq!(package_name("react"), "react");
        assert_eq!(package_name("react-dom/client"), "react-dom");
        assert_eq!(package_name("@scope/pkg"), "@scope/pkg");
        assert_eq!(package_name("@scope/pkg/sub/path"), "@scope/pkg");
        assert_eq!(package_name("node:fs/promises"), "node:fs");
        assert_eq!(
            node_modules_package("node_modules/@a/b/dist/x.js").as_deref(),
            Some("@a/b")
        );
        assert_eq!(
            node_modules_package("pkgs/x/node_modules/lodash/fp.js").as_deref(),
            Some("lodash")
        );
        assert_eq!(node_modules_package("src/my_node_modules/x.ts"), None);
    }

    #[test]
    fn exports_targets_follow_subpaths_patterns_and_conditions() {
        let exports: serde_json::Value = serde_json::from_str(
            r#"{ ".": { "types": "./dist/index.d.ts", "import": "./dist/index.js" },
                 "./utils": "./dist/utils.js",
                 "./*": { "default": "./dist/*.js" },
                 "./internal/*": null }"#,
        )
        .unwrap();
        assert_eq!(
            export_targets(&exports, "."),
            ["./dist/index.d.ts", "./dist/index.js"]
        );
        assert_eq!(export_targets(&exports, "./utils"), ["./dist/utils.js"]);
        assert_eq!(export_targets(&exports, "./a/b"), ["./dist/a/b.js"]);
        assert!(export_targets(&exports, "./internal/x").is_empty());
        let sugar: serde_json::Value = serde_json::from_str(r#""./src/index.ts""#).unwrap();
        assert_eq!(export_targets(&sugar, "."), ["./src/index.ts"]);
    }

    #[test]
    fn assets_by_extension() {
        assert!(is_asset("./a.css"));
        assert!(is_asset("./logo.SVG?url"));
        assert!(is_asset("../data.json"));
        assert!(!is_asset("./a"));
        assert!(!is_asset("./a.service"));
        assert!(!is_asset("./a.js"));
    }

    #[test]
    fn output_extensions_are_stripped() {
        assert_eq!(strip_output_extension("a/b.d.ts"), "a/b");
        assert_eq!(strip_output_extension("a/b.mjs"), "a/b");
    }
}
