//! The `tsconfig.json` and `package.json` files `oxc_resolver` reads, as archgate lets it read
//! them. oxc fails every import of a folder whose tsconfig it cannot load (an `extends` of a
//! package that is not installed, invalid JSON, an `extends` cycle, a missing `references`
//! file) and recurses once per `extends` link and once per path segment, so a hostile
//! configuration would make every TypeScript import unresolved without a word, or overflow
//! the stack. [`GuardedFs`] is the file system oxc sees:
//!
//! - Configuration above the root is never read: a `package.json` or `*.json` file outside
//!   the root does not exist for oxc (the repository is checked as it is, whatever folder it
//!   was cloned into).
//! - Each tsconfig is served repaired, with a warning naming the file and the cause: invalid
//!   JSON is served as `{}`; each `extends` entry is resolved here (relative paths, packages
//!   of the repository by their `package.json` name — a turborepo `@repo/typescript-config`
//!   before `npm install` — and installed packages), and one that names nothing, outside the
//!   root, closes a cycle or starts a chain deeper than [`MAX_EXTENDS_DEPTH`] files is left
//!   out; a `references` entry to a missing file is left out; a `paths` target or `baseUrl`
//!   longer than any real path is left out.
//! - A `package.json` that is not valid JSON is served as `{}`, with a warning.
//!
//! TypeScript itself stops at such a configuration; archgate keeps what it can, so that the
//! imports the rest of the configuration resolves are still checked, and says what it left
//! out. Warnings are kept once per file and cause.

use std::collections::{BTreeSet, HashMap};
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use oxc_resolver::{FileMetadata, FileSystem, FileSystemOs, ResolveError};
use serde_json::Value;

use crate::diagnostic::{FileWarning, WarningKind};

/// The longest `extends` chain followed; TypeScript sets no limit, real chains hold a few
/// files, and oxc recurses once per link.
pub(super) const MAX_EXTENDS_DEPTH: usize = 32;

/// The longest path (bytes) and the most path segments a `paths` target, a `baseUrl` or a
/// specifier may have: beyond Linux's `PATH_MAX` no file exists, and oxc recurses once per
/// segment of every path it looks at.
pub(super) const MAX_PATH_BYTES: usize = 4096;

/// The most targets of one `paths` pattern tried: an import the pattern matches is looked up
/// at each target in turn (every extension and index file), and oxc keeps every path it
/// looked at, so 1,000 targets and 1,000 imports took 100 s and 3 GB. Real patterns name one
/// to three.
pub(super) const MAX_PATHS_TARGETS: usize = 32;
pub(super) const MAX_PATH_SEGMENTS: usize = 256;

/// Whether a path written in a configuration or an import is too long to name any file.
pub(super) fn is_overlong(path: &str) -> bool {
    path.len() > MAX_PATH_BYTES || path.split(['/', '\\']).count() > MAX_PATH_SEGMENTS
}

/// The file system oxc reads through (see the module doc). Cheap to clone: clones share the
/// [`Guard`].
pub(super) struct GuardedFs {
    inner: FileSystemOs,
    guard: Arc<Guard>,
}

impl GuardedFs {
    pub(super) fn new(guard: Arc<Guard>) -> Self {
        Self {
            inner: FileSystemOs::new(),
            guard,
        }
    }
}

/// What the guard knows: the root, the repository's packages, the tsconfigs read so far and
/// the warnings. Shared by every resolver thread.
pub(super) struct Guard {
    /// The root as configured and as the filesystem names it.
    roots: Vec<PathBuf>,
    /// Packages of the repository: `package.json` name → absolute folder.
    packages: HashMap<String, PathBuf>,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// Each tsconfig read, parsed (`None`: not readable or not JSON).
    parsed: HashMap<PathBuf, Option<Arc<Value>>>,
    /// The resolved `extends` targets of each tsconfig.
    links: HashMap<PathBuf, Vec<PathBuf>>,
    warnings: BTreeSet<FileWarning>,
}

impl Guard {
    /// `root` and its canonical form; `packages`: the repository's packages by name, with
    /// their folders relative to the root.
    pub(super) fn new(root: &Path, real_root: &Path, packages: &[(String, String)]) -> Self {
        let packages = packages
            .iter()
            .map(|(name, dir)| (name.clone(), normalize(&root.join(dir))))
            .collect();
        Self {
            roots: vec![real_root.to_path_buf(), root.to_path_buf()],
            packages,
            state: Mutex::new(State::default()),
        }
    }

    /// The warnings so far, sorted.
    pub(super) fn warnings(&self) -> Vec<FileWarning> {
        self.lock().warnings.iter().cloned().collect()
    }

    /// Records a warning about a configuration that oxc still could not load.
    pub(super) fn warn_unloadable(&self, error: &ResolveError) {
        let (path, cause) = match error {
            ResolveError::TsconfigNotFound(path) => (path.clone(), "is not found".to_owned()),
            ResolveError::TsconfigCircularExtend(chain) => (
                chain.paths().first().cloned().unwrap_or_default(),
                "has circular `extends`".to_owned(),
            ),
            ResolveError::TsconfigSelfReference(path) => {
                (path.clone(), "references itself".to_owned())
            }
            ResolveError::TsconfigLoadFailed { path, source } => (
                path.clone(),
                format!("cannot be loaded: {}", self.scrub(&source.to_string())),
            ),
            ResolveError::Json(json) => (
                json.path.clone(),
                format!("is invalid: {}", self.scrub(&json.message)),
            ),
            _ => return,
        };
        let rel = self.relative(&path);
        self.warn(
            &rel,
            format!(
                "`{rel}` {cause}: the TypeScript imports of the folders it configures are \
                 unresolved"
            ),
        );
    }

    /// `text` (an error message of oxc's) with the root's absolute path taken out: archgate
    /// prints no absolute path.
    pub(super) fn scrub(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for root in &self.roots {
            let root = root.to_string_lossy();
            if root.len() > 1 {
                out = out.replace(&format!("{root}/"), "").replace(&*root, ".");
            }
        }
        out
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn warn(&self, rel: &str, message: String) {
        self.lock().warnings.insert(FileWarning {
            path: rel.to_owned(),
            kind: WarningKind::BrokenConfig,
            message,
        });
    }

    fn is_inside(&self, path: &Path) -> bool {
        self.roots.iter().any(|root| path.starts_with(root))
    }

    /// `path` relative to the root with `/` separators; a path outside it by its file name
    /// only (no absolute path is ever printed).
    fn relative(&self, path: &Path) -> String {
        self.roots
            .iter()
            .find_map(|root| path.strip_prefix(root).ok())
            .map_or_else(
                || {
                    path.file_name()
                        .map(|n| format!("(outside the root)/{}", n.to_string_lossy()))
                        .unwrap_or_default()
                },
                crate::source::display_path,
            )
    }

    /// A configuration file above the root, which oxc must not see.
    fn is_hidden(&self, path: &Path) -> bool {
        path.extension().is_some_and(|e| e == "json") && !self.is_inside(path)
    }

    /// The tsconfig at `path` (already read as `text`) as oxc may see it.
    fn serve_tsconfig(&self, path: &Path, text: &str) -> String {
        let rel = self.relative(path);
        let Some(mut value) = self.parse(path, Some(text)) else {
            self.warn(
                &rel,
                format!(
                    "`{rel}` is not valid JSON ({}): its settings are ignored, so imports it \
                     would map (`paths`, `baseUrl`) are unresolved",
                    json_error(text, true)
                ),
            );
            return "{}".to_owned();
        };
        let value_mut = Arc::make_mut(&mut value);
        self.repair_extends(path, &rel, value_mut);
        self.repair_references(path, &rel, value_mut);
        self.repair_paths(&rel, value_mut);
        serde_json::to_string(value_mut).unwrap_or_else(|_| "{}".to_owned())
    }

    /// Parses the tsconfig at `path` (from `text`, or read from disk), memoised.
    fn parse(&self, path: &Path, text: Option<&str>) -> Option<Arc<Value>> {
        if let Some(parsed) = self.lock().parsed.get(path) {
            return parsed.clone();
        }
        let text = match text {
            Some(t) => Some(t.to_owned()),
            None if self.is_inside(path) => std::fs::read_to_string(path).ok(),
            None => None,
        };
        let parsed = text.and_then(|t| parse_jsonc(&t)).map(Arc::new);
        self.lock()
            .parsed
            .insert(path.to_path_buf(), parsed.clone());
        parsed
    }

    /// Resolves each `extends` entry to an absolute path, leaving out (with a warning) those
    /// that name nothing, lie outside the root, close a cycle or start too deep a chain.
    fn repair_extends(&self, path: &Path, rel: &str, value: &mut Value) {
        let Some(extends) = value.get("extends") else {
            return;
        };
        let specs: Vec<String> = match extends {
            Value::String(s) => vec![s.clone()],
            Value::Array(items) => items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect(),
            _ => Vec::new(),
        };
        let dir = path.parent().unwrap_or(path);
        let mut kept = Vec::new();
        for spec in specs {
            let target = match self.resolve_extends(dir, &spec) {
                Extends::File(target) => target,
                // oxc resolves these itself (a subpath import, an installed package whose
                // config archgate does not find); a failure is then warned about as oxc's.
                Extends::Oxc => {
                    kept.push(Value::String(spec));
                    continue;
                }
                Extends::Missing => {
                    self.warn(rel, self.missing_extends(rel, dir, &spec));
                    continue;
                }
            };
            if !self.is_inside(&target) {
                self.warn(
                    rel,
                    format!(
                        "`{rel}` extends `{spec}`, which is outside the root: configuration \
                         above the root is never read, so its settings are left out"
                    ),
                );
                continue;
            }
            match self.chain_from(&target, path) {
                Chain::Fine => kept.push(Value::String(target.to_string_lossy().into_owned())),
                Chain::Cycle => self.warn(
                    rel,
                    format!(
                        "`{rel}` extends `{spec}`, which extends `{rel}` again (a cycle): that \
                         `extends` is left out"
                    ),
                ),
                Chain::TooDeep => self.warn(
                    rel,
                    format!(
                        "`{rel}` extends `{spec}`, which starts a chain of more than \
                         {MAX_EXTENDS_DEPTH} files: that `extends` is left out"
                    ),
                ),
            }
        }
        if let Some(map) = value.as_object_mut() {
            if kept.is_empty() {
                map.remove("extends");
            } else {
                map.insert("extends".to_owned(), Value::Array(kept));
            }
        }
    }

    /// The warning for an `extends` entry that names no file.
    fn missing_extends(&self, rel: &str, dir: &Path, spec: &str) -> String {
        if is_path_like(spec) {
            let target = self.relative(&normalize(&dir.join(spec)));
            return format!(
                "`{rel}` extends `{spec}`, but `{target}` does not exist: its settings are left \
                 out, so imports they would map are unresolved"
            );
        }
        let package = super::package_name(spec);
        format!(
            "`{rel}` extends `{spec}`, but package `{package}` is neither installed (no \
             `node_modules/{package}`: run `npm ci` or your package manager's install before \
             archgate) nor a package of this repository: its settings are left out, so imports \
             they would map are unresolved"
        )
    }

    /// The file an `extends` entry of a tsconfig in `dir` names, as TypeScript finds it.
    fn resolve_extends(&self, dir: &Path, spec: &str) -> Extends {
        if is_overlong(spec) || spec.is_empty() {
            return Extends::Missing;
        }
        if spec.starts_with('#') {
            return Extends::Oxc;
        }
        if is_path_like(spec) {
            return config_file(&normalize(&dir.join(spec)), false)
                .map_or(Extends::Missing, Extends::File);
        }
        let package = super::package_name(spec);
        let subpath = spec.get(package.len()..).unwrap_or_default();
        // A package of the repository first (a workspace links it into node_modules, so this
        // is the same file), then one installed in a node_modules folder under the root.
        if let Some(folder) = self.packages.get(package) {
            return package_config(folder, subpath).map_or(Extends::Missing, Extends::File);
        }
        let installed = dir
            .ancestors()
            .take_while(|d| self.is_inside(d))
            .map(|d| d.join("node_modules").join(package))
            .find(|d| d.is_dir());
        match installed {
            Some(folder) => package_config(&folder, subpath).map_or(Extends::Oxc, Extends::File),
            None => Extends::Missing,
        }
    }

    /// Whether the `extends` chain from `start` stays within [`MAX_EXTENDS_DEPTH`] files and
    /// never comes back to `from`. Explicit stack, every file visited once.
    fn chain_from(&self, start: &Path, from: &Path) -> Chain {
        let mut depth: HashMap<PathBuf, usize> = HashMap::new();
        let mut stack = vec![(start.to_path_buf(), 1usize)];
        while let Some((file, level)) = stack.pop() {
            if file == from {
                return Chain::Cycle;
            }
            if level > MAX_EXTENDS_DEPTH {
                return Chain::TooDeep;
            }
            if depth.get(&file).is_some_and(|&d| d >= level) {
                continue;
            }
            depth.insert(file.clone(), level);
            for next in self.links_of(&file) {
                stack.push((next, level + 1));
            }
        }
        Chain::Fine
    }

    /// The resolved `extends` targets of the tsconfig at `file`, memoised.
    fn links_of(&self, file: &Path) -> Vec<PathBuf> {
        if let Some(links) = self.lock().links.get(file) {
            return links.clone();
        }
        let dir = file.parent().unwrap_or(file);
        let links: Vec<PathBuf> = match self.parse(file, None).as_deref() {
            Some(value) => match value.get("extends") {
                Some(Value::String(s)) => vec![s.as_str()],
                Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
                _ => Vec::new(),
            }
            .into_iter()
            .filter_map(|spec| match self.resolve_extends(dir, spec) {
                Extends::File(target) => Some(target),
                Extends::Oxc | Extends::Missing => None,
            })
            .filter(|target| self.is_inside(target))
            .collect(),
            None => Vec::new(),
        };
        self.lock().links.insert(file.to_path_buf(), links.clone());
        links
    }

    /// Leaves out `references` entries whose file does not exist.
    fn repair_references(&self, path: &Path, rel: &str, value: &mut Value) {
        let dir = path.parent().unwrap_or(path);
        let Some(Value::Array(references)) = value.get_mut("references") else {
            return;
        };
        references.retain(|reference| {
            let Some(target) = reference.get("path").and_then(Value::as_str) else {
                return true;
            };
            let exists = !is_overlong(target)
                && config_file(&normalize(&dir.join(target)), true)
                    .is_some_and(|file| self.is_inside(&file));
            if !exists {
                self.warn(
                    rel,
                    format!(
                        "`{rel}` references `{target}`, which names no tsconfig file under the \
                         root: that reference is left out"
                    ),
                );
            }
            exists
        });
    }

    /// Leaves out `paths` targets, `baseUrl` and `rootDirs` entries too long to name a file,
    /// and the targets of a pattern beyond [`MAX_PATHS_TARGETS`].
    fn repair_paths(&self, rel: &str, value: &mut Value) {
        let Some(options) = value
            .get_mut("compilerOptions")
            .and_then(Value::as_object_mut)
        else {
            return;
        };
        let mut dropped = false;
        if options
            .get("baseUrl")
            .and_then(Value::as_str)
            .is_some_and(is_overlong)
        {
            options.remove("baseUrl");
            dropped = true;
        }
        if let Some(Value::Object(paths)) = options.get_mut("paths") {
            let before = paths.len();
            paths.retain(|key, _| !is_overlong(key));
            dropped |= paths.len() != before;
            let mut crowded: Option<(String, usize)> = None;
            for (key, targets) in paths.iter_mut() {
                if let Value::Array(targets) = targets {
                    let before = targets.len();
                    targets.retain(|t| !t.as_str().is_some_and(is_overlong));
                    dropped |= targets.len() != before;
                    if targets.len() > MAX_PATHS_TARGETS {
                        crowded.get_or_insert_with(|| (key.clone(), targets.len()));
                        targets.truncate(MAX_PATHS_TARGETS);
                    }
                }
            }
            if let Some((key, count)) = crowded {
                self.warn(
                    rel,
                    format!(
                        "`{rel}` maps the `paths` pattern `{key}` to {count} targets: only the \
                         first {MAX_PATHS_TARGETS} of each pattern are tried"
                    ),
                );
            }
        }
        if let Some(Value::Array(dirs)) = options.get_mut("rootDirs") {
            let before = dirs.len();
            dirs.retain(|t| !t.as_str().is_some_and(is_overlong));
            dropped |= dirs.len() != before;
        }
        if dropped {
            self.warn(
                rel,
                format!(
                    "`{rel}` has a `paths` entry, `baseUrl` or `rootDirs` longer than any path \
                     ({MAX_PATH_BYTES} bytes or {MAX_PATH_SEGMENTS} segments): it is left out"
                ),
            );
        }
    }

    /// The `package.json` at `path` (read as `bytes`) as oxc may see it.
    fn serve_package_json(&self, path: &Path, bytes: Vec<u8>) -> Vec<u8> {
        let body = bytes.strip_prefix(crate::source::BOM).unwrap_or(&bytes);
        if serde_json::from_slice::<serde::de::IgnoredAny>(body).is_ok() {
            return bytes;
        }
        let rel = self.relative(path);
        let cause = if body.iter().all(u8::is_ascii_whitespace) {
            "is empty".to_owned()
        } else {
            format!(
                "is not valid JSON ({})",
                json_error(&String::from_utf8_lossy(body), false)
            )
        };
        self.warn(
            &rel,
            format!(
                "`{rel}` {cause}: it is read as `{{}}`, so its package name, `exports` and \
                 `main` are unknown"
            ),
        );
        b"{}".to_vec()
    }
}

/// What an `extends` entry names.
enum Extends {
    File(PathBuf),
    /// Left for oxc to resolve.
    Oxc,
    Missing,
}

enum Chain {
    Fine,
    Cycle,
    TooDeep,
}

impl FileSystem for GuardedFs {
    fn new() -> Self {
        Self::new(Arc::new(Guard::new(Path::new("/"), Path::new("/"), &[])))
    }

    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        if self.guard.is_hidden(path) {
            return Err(io::ErrorKind::NotFound.into());
        }
        let bytes = self.inner.read(path)?;
        // oxc reads only `package.json` files as bytes.
        if path.file_name().is_some_and(|n| n == "package.json") {
            return Ok(self.guard.serve_package_json(path, bytes));
        }
        Ok(bytes)
    }

    fn read_to_string(&self, path: &Path) -> io::Result<String> {
        if self.guard.is_hidden(path) {
            return Err(io::ErrorKind::NotFound.into());
        }
        // oxc reads only tsconfig files as text.
        let text = self.inner.read_to_string(path)?;
        Ok(self.guard.serve_tsconfig(path, &text))
    }

    fn metadata(&self, path: &Path) -> io::Result<FileMetadata> {
        if self.guard.is_hidden(path) {
            return Err(io::ErrorKind::NotFound.into());
        }
        self.inner.metadata(path)
    }

    fn symlink_metadata(&self, path: &Path) -> io::Result<FileMetadata> {
        if self.guard.is_hidden(path) {
            return Err(io::ErrorKind::NotFound.into());
        }
        self.inner.symlink_metadata(path)
    }

    fn read_link(&self, path: &Path) -> Result<PathBuf, ResolveError> {
        self.inner.read_link(path)
    }

    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf> {
        self.inner.canonicalize(path)
    }
}

/// JSON with comments and trailing commas (tsconfig's dialect), BOM allowed; `None` when it
/// is not JSON. An empty file is `{}`, as TypeScript reads it.
fn parse_jsonc(text: &str) -> Option<Value> {
    let mut bytes = text
        .strip_prefix('\u{FEFF}')
        .unwrap_or(text)
        .as_bytes()
        .to_vec();
    json_strip_comments::strip_slice(&mut bytes).ok()?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Some(Value::Object(serde_json::Map::new()));
    }
    serde_json::from_slice(&bytes).ok()
}

/// Where `text` stops being JSON (with comments and trailing commas when `jsonc`), as
/// `line L, column C: what`.
fn json_error(text: &str, jsonc: bool) -> String {
    let mut bytes = text.as_bytes().to_vec();
    // Stripping keeps every byte's position, so the line and column are the file's own.
    if jsonc {
        let _ = json_strip_comments::strip_slice(&mut bytes);
    }
    match serde_json::from_slice::<serde::de::IgnoredAny>(&bytes) {
        Ok(_) => "unreadable".to_owned(),
        Err(e) => {
            let what = e.to_string();
            let what = what.split(" at line ").next().unwrap_or(&what).to_owned();
            format!("line {}, column {}: {what}", e.line(), e.column())
        }
    }
}

/// Whether an `extends` or `references` value is a path rather than a package name.
fn is_path_like(spec: &str) -> bool {
    spec.starts_with("./")
        || spec.starts_with("../")
        || spec == "."
        || spec == ".."
        || Path::new(spec).is_absolute()
}

/// The config file `path` names: the file itself, else with `.json` appended; a folder's
/// `tsconfig.json` when `folders` (as `references` and package subpaths allow).
fn config_file(path: &Path, folders: bool) -> Option<PathBuf> {
    if path.is_file() {
        return Some(path.to_path_buf());
    }
    if folders && path.is_dir() {
        let file = path.join("tsconfig.json");
        return file.is_file().then_some(file);
    }
    if path.extension().is_none_or(|e| e != "json") {
        let mut with_json = path.as_os_str().to_owned();
        with_json.push(".json");
        let file = PathBuf::from(with_json);
        return file.is_file().then_some(file);
    }
    None
}

/// The tsconfig a package folder offers for `subpath` (`""` or `/tsconfig.base.json`): the
/// subpath's file, its `exports` entry, the `tsconfig` field, else `tsconfig.json`.
fn package_config(package: &Path, subpath: &str) -> Option<PathBuf> {
    let manifest: Option<Value> = std::fs::read(package.join("package.json"))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok());
    let key = format!(".{subpath}");
    if let Some(exports) = manifest.as_ref().and_then(|m| m.get("exports")) {
        let found = super::export_targets(exports, &key)
            .iter()
            .map(|t| normalize(&package.join(t)))
            .find(|p| p.starts_with(package) && p.is_file());
        if found.is_some() {
            return found;
        }
    }
    if let Some(rest) = subpath.strip_prefix('/') {
        return config_file(&normalize(&package.join(rest)), true);
    }
    manifest
        .as_ref()
        .and_then(|m| m.get("tsconfig"))
        .and_then(Value::as_str)
        .map(|t| normalize(&package.join(t)))
        .filter(|p| p.starts_with(package) && p.is_file())
        .or_else(|| config_file(&package.join("tsconfig.json"), false))
}

/// Removes `.` and `..` components without touching the filesystem.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tsconfig_dialect_parses_and_errors_say_where() {
        assert!(parse_jsonc("// c\n{ \"a\": [1, 2,], /* x */ }").is_some());
        assert!(parse_jsonc("\u{FEFF}  ").is_some());
        assert!(parse_jsonc("{ \"a\": ").is_none());
        assert_eq!(
            json_error("{\n  \"a\": }", true),
            "line 2, column 8: expected value"
        );
    }

    #[test]
    fn overlong_paths_are_bounded_by_bytes_and_segments() {
        assert!(!is_overlong("./src/*"));
        assert!(is_overlong(&"d/".repeat(300)));
        assert!(is_overlong(&"x".repeat(5000)));
    }

    #[test]
    fn paths_normalize_without_the_filesystem() {
        assert_eq!(normalize(Path::new("/a/b/../c/./d")), Path::new("/a/c/d"));
    }
}
