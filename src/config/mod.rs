//! `layers.toml`: discovery, parsing with spans, validation, and the compiled matchers the
//! rest of the pipeline asks "which layer is this file in?".
//!
//! Layer `input`: imports only `core` (`source`, `diagnostic`).

mod assign;
mod error;
mod load;
mod schema;
mod validate;

use std::path::{Path, PathBuf};

use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};

pub use assign::assign_layers;
pub use error::ConfigError;
pub use load::{discover, load};

use crate::source::Region;

/// The validated configuration. Paths in it are relative to `root`.
#[derive(Debug)]
pub struct Config {
    /// The directory holding `layers.toml`: every path is relative to it.
    pub root: PathBuf,
    /// The config file's path relative to `root` (usually `layers.toml`).
    pub path: String,
    /// The config file's text, for excerpts and spans.
    pub text: String,
    /// `exclude`: files matched here are not checked (`!` globs take files back).
    pub exclude: PathMatcher,
    /// Folders whose whole content `exclude` matches (`P/**`, or a pattern without wildcards),
    /// so the walk can skip them without listing them.
    pub exclude_dirs: GlobSet,
    pub layers: Vec<Layer>,
    pub forbid: Vec<EdgeRule>,
    pub allow: Vec<EdgeRule>,
    pub python: PythonConfig,
}

/// One `[[layers]]` entry. `rank` 0 is the top layer, which may import every other.
#[derive(Debug)]
pub struct Layer {
    pub name: String,
    pub rank: usize,
    pub paths: PathMatcher,
    pub description: Option<String>,
    /// Where `name = "…"` is written.
    pub decl: Region,
}

/// A list of globs where `!glob` excludes. A glob without wildcards also matches everything
/// below it, so `src/ui` means the folder as users expect.
#[derive(Debug, Clone)]
pub struct PathMatcher {
    include: GlobSet,
    exclude: GlobSet,
    /// The patterns as written, for messages.
    pub patterns: Vec<String>,
}

impl PathMatcher {
    /// A matcher that matches nothing.
    pub fn empty() -> Self {
        Self {
            include: GlobSet::empty(),
            exclude: GlobSet::empty(),
            patterns: Vec::new(),
        }
    }

    pub fn is_match(&self, path: &str) -> bool {
        self.include.is_match(path) && !self.exclude.is_match(path)
    }

    /// The folder a file should be moved to in order to join this matcher: the literal prefix
    /// of the first including pattern (`src/shop/api/**` → `src/shop/api/`).
    pub fn folder(&self) -> Option<String> {
        let first = self.patterns.iter().find(|p| !p.starts_with('!'))?;
        let literal: Vec<&str> = first
            .split('/')
            .take_while(|seg| !seg.contains(['*', '?', '[', '{']))
            .collect();
        // A pattern without wildcards that names a file (`src/back.rs`): a layer of single
        // files has no folder to move code into.
        if literal.len() == first.split('/').count()
            && literal.last().is_some_and(|seg| seg.contains('.'))
        {
            return None;
        }
        if literal.is_empty() {
            return None;
        }
        let joined = literal.join("/");
        // `src/ui` (no wildcard) is a folder; `src/ui/**` has the literal part `src/ui`.
        Some(format!("{joined}/"))
    }
}

/// One end of a `[[forbid]]` or `[[allow]]` entry.
#[derive(Debug, Clone)]
pub enum Endpoint {
    /// A layer, by index into [`Config::layers`].
    Layer(usize),
    /// A path glob, matched against repo-relative file paths.
    Glob(PathMatcher),
}

#[derive(Debug)]
pub struct EdgeRule {
    pub from: Endpoint,
    pub to: Endpoint,
    /// `from` and `to` as written, for messages.
    pub from_text: String,
    pub to_text: String,
    pub reason: String,
    pub fix: Option<String>,
    /// The span of the whole entry in `layers.toml`.
    pub decl: Region,
}

#[derive(Debug, Default)]
pub struct PythonConfig {
    /// Extra import roots, relative to the root (namespace packages, `src/` layouts).
    pub roots: Vec<PathBuf>,
}

impl Config {
    /// The configuration of a folder without a `layers.toml`, for `graph` (SPEC §1): rooted
    /// at the absolute folder `root`, excluding nothing, with no layers or rules, so that every
    /// file is unlayered. `path` and `text` are empty: there is no file.
    pub fn unlayered(root: PathBuf) -> Self {
        Self {
            root,
            path: String::new(),
            text: String::new(),
            exclude: PathMatcher::empty(),
            exclude_dirs: GlobSet::empty(),
            layers: Vec::new(),
            forbid: Vec::new(),
            allow: Vec::new(),
            python: PythonConfig::default(),
        }
    }

    /// The layer of a repo-relative path, or the two layers that both claim it.
    pub fn layer_of(&self, path: &str) -> Result<Option<usize>, (usize, usize)> {
        let mut found = None;
        for layer in &self.layers {
            if layer.paths.is_match(path) {
                if let Some(first) = found {
                    return Err((first, layer.rank));
                }
                found = Some(layer.rank);
            }
        }
        Ok(found)
    }

    pub fn is_excluded(&self, path: &str) -> bool {
        self.exclude.is_match(path)
    }

    /// Whether a file in layer `layer` at `path` matches an endpoint.
    pub fn endpoint_matches(&self, endpoint: &Endpoint, path: &str, layer: Option<usize>) -> bool {
        match endpoint {
            Endpoint::Layer(l) => layer == Some(*l),
            Endpoint::Glob(m) => m.is_match(path),
        }
    }

    pub fn absolute(&self, rel: &Path) -> PathBuf {
        self.root.join(rel)
    }
}

/// Compiles one glob the way every pattern in `layers.toml` is read: `*` stays within one
/// path segment, `**` crosses them.
fn compile_glob(pattern: &str) -> Result<Glob, globset::Error> {
    GlobBuilder::new(pattern).literal_separator(true).build()
}

/// The folders whose whole content one of `patterns` matches: `P/**` gives `P`, and a
/// pattern without wildcards gives itself.
fn folder_globs(patterns: &[String]) -> GlobSet {
    // A `!` glob may take back any file below an excluded folder: then no folder is skipped.
    if patterns.iter().any(|p| p.starts_with('!')) {
        return GlobSet::empty();
    }
    let mut set = GlobSetBuilder::new();
    for pattern in patterns {
        let pattern = pattern.trim_start_matches("./").trim_end_matches('/');
        let folder = match pattern.strip_suffix("/**") {
            Some(prefix) => prefix,
            None if !pattern.contains(['*', '?', '[', '{']) => pattern,
            None => continue,
        };
        if let Ok(glob) = compile_glob(folder) {
            set.add(glob);
        }
    }
    set.build().unwrap_or_else(|_| GlobSet::empty())
}

/// Builds a matcher from patterns; the error carries the index of the bad pattern.
fn path_matcher(patterns: &[String]) -> Result<PathMatcher, (usize, globset::Error)> {
    let mut include = GlobSetBuilder::new();
    let mut exclude = GlobSetBuilder::new();
    for (i, pattern) in patterns.iter().enumerate() {
        let (set, pattern) = match pattern.strip_prefix('!') {
            Some(rest) => (&mut exclude, rest),
            None => (&mut include, pattern.as_str()),
        };
        let pattern = pattern.trim_start_matches("./").trim_end_matches('/');
        set.add(compile_glob(pattern).map_err(|e| (i, e))?);
        if !pattern.contains(['*', '?', '[', '{']) {
            set.add(compile_glob(&format!("{pattern}/**")).map_err(|e| (i, e))?);
        }
    }
    let include = include.build().map_err(|e| (0, e))?;
    let exclude = exclude.build().map_err(|e| (0, e))?;
    Ok(PathMatcher {
        include,
        exclude,
        patterns: patterns.to_vec(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matcher(patterns: &[&str]) -> PathMatcher {
        let owned: Vec<String> = patterns.iter().map(|s| (*s).to_owned()).collect();
        path_matcher(&owned).unwrap()
    }

    #[test]
    fn exclusions_and_bare_folders() {
        let m = matcher(&["src/ui/**", "!src/ui/legacy/**"]);
        assert!(m.is_match("src/ui/page.py"));
        assert!(m.is_match("src/ui/a/b/page.py"));
        assert!(!m.is_match("src/ui/legacy/old.py"));
        assert!(!m.is_match("src/uix/page.py"));
        let m = matcher(&["src/ui"]);
        assert!(m.is_match("src/ui/page.py"));
        assert!(!m.is_match("src/uix/page.py"));
    }

    #[test]
    fn single_star_stays_in_one_segment() {
        let m = matcher(&["src/*.py"]);
        assert!(m.is_match("src/a.py"));
        assert!(!m.is_match("src/a/b.py"));
    }

    #[test]
    fn excluded_folders_are_only_those_wholly_excluded() {
        let owned: Vec<String> = ["tests/**", "build", "**/generated/**", "docs/*.py"]
            .map(String::from)
            .to_vec();
        let dirs = folder_globs(&owned);
        assert!(dirs.is_match("tests"));
        assert!(dirs.is_match("build"));
        assert!(dirs.is_match("a/b/generated"));
        assert!(!dirs.is_match("docs"));
        assert!(!dirs.is_match("src"));
        let owned: Vec<String> = ["tests/**", "!tests/keep/**"].map(String::from).to_vec();
        assert!(
            folder_globs(&owned).is_empty(),
            "a `!` glob can take files back"
        );
    }

    #[test]
    fn folder_is_the_literal_prefix() {
        assert_eq!(
            matcher(&["src/shop/api/**"]).folder().as_deref(),
            Some("src/shop/api/")
        );
        assert_eq!(matcher(&["src/ui"]).folder().as_deref(), Some("src/ui/"));
        assert_eq!(matcher(&["**/api/**"]).folder(), None);
        assert_eq!(matcher(&["src/back.rs"]).folder(), None);
        assert_eq!(matcher(&["main.py"]).folder(), None);
    }
}
