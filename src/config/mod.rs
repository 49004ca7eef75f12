//! `layers.toml`: discovery, parsing with spans, validation, the compiled selectors, and the
//! assignment of every file to its layer and selectors ([`Config::assign`]), which the rest
//! of the pipeline asks "which layer is this file in, which rules name it?".
//!
//! Layer `input`: imports only `core` (`source`, `diagnostic`).

mod assign;
mod error;
#[cfg(test)]
mod json_schema;
mod load;
mod model;
mod schema;
mod selector;
mod validate;

use std::path::{Path, PathBuf};

use globset::{GlobSet, GlobSetBuilder};

pub use error::{ConfigError, ConfigSource, Problem};
pub use load::closest;
pub use load::{FILE_NAME, discover, load};
pub use model::{Decl, Group, GroupId, GroupKind, Key, Model, SelectorId, SpecKey, Unmatched};
pub use schema::JSON_SCHEMA;
pub use selector::{AtomSpec, EntrySpec, ExternalPattern, SelectorSpec, compile_pattern};

use crate::diagnostic::Severity;
use crate::source::Region;
use selector::{compile_glob, names_folders};

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
    /// `languages`: the front-ends that run, as written (`None`: all). The names are checked
    /// against the language registry by the caller, which knows it.
    pub languages: Option<Vec<(String, std::ops::Range<usize>)>>,
    /// `[check]`: the settings of every rule.
    pub check: CheckSettings,
    /// `[[layers]]`, top first (index = rank).
    pub layers: Vec<GroupDecl>,
    /// `[[modules]]`, in order.
    pub modules: Vec<GroupDecl>,
    pub independent: Vec<IndependentRule>,
    pub forbid: Vec<EdgeRule>,
    pub allow: Vec<EdgeRule>,
    pub cycles: Vec<CyclesRule>,
    /// `[[risk]]`, highest tier first.
    pub risk: Vec<RiskTier>,
    pub python: PythonConfig,
}

/// `[check]`, with every default filled in. Each field is the setting of one rule (or of
/// every rule), read in that rule's file.
#[derive(Debug, Clone)]
pub struct CheckSettings {
    /// Whether type-only imports break rules, unless a group or rule says otherwise.
    pub type_only: TypeOnly,
    /// Whether the layer order, `[[forbid]]` and independence contracts also hold through
    /// chains of imports, unless the rule says otherwise.
    pub indirect: bool,
    /// The severity of `unused-allow` (AG003).
    pub unused_allow: Severity,
    /// The severity of `unmatched-selector` (AG010).
    pub unmatched: Severity,
    /// Whether a source file in no layer and no module is `unlayered-file` (AG009).
    pub unlayered: bool,
    /// The packages a file may import when neither its module nor its layer lists them.
    pub externals: Option<Vec<ExternalPattern>>,
    /// Where `externals` is written.
    pub externals_span: Option<Region>,
    /// Whether `archgate: allow(RULE) REASON` comments waive findings (`unused-suppression`
    /// reports those that waive nothing).
    pub inline_allow: bool,
    /// The baseline file, relative to the root.
    pub baseline: String,
}

impl Default for CheckSettings {
    fn default() -> Self {
        Self {
            type_only: TypeOnly::Check,
            indirect: false,
            unused_allow: Severity::Warning,
            unmatched: Severity::Warning,
            unlayered: false,
            externals: None,
            externals_span: None,
            inline_allow: false,
            baseline: DEFAULT_BASELINE.to_owned(),
        }
    }
}

/// The baseline file when `[check] baseline` names none (SPEC §9).
pub const DEFAULT_BASELINE: &str = "archgate-baseline.json";

/// `type_only = "check" | "ignore"`: whether type-only imports (`TYPE_CHECKING`, `.pyi`,
/// `import type`, `.d.ts`) break a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeOnly {
    Check,
    Ignore,
}

/// A `[[layers]]` or `[[modules]]` entry.
#[derive(Debug)]
pub struct GroupDecl {
    pub name: String,
    /// For a layer, its rank (0 is the top, which may import every other); for a module, its
    /// index among the modules.
    pub rank: usize,
    pub paths: SelectorSpec,
    /// The `paths` patterns as written, for messages.
    pub patterns: Vec<String>,
    /// A template's placeholder name (`slice` for `src/features/{slice}/**`).
    pub placeholder: Option<String>,
    pub description: Option<String>,
    /// Where `name = "…"` is written.
    pub decl: Region,
    pub may_import: Option<SelectorSpec>,
    pub imported_by: Option<SelectorSpec>,
    pub public: Option<SelectorSpec>,
    pub externals: Option<Vec<ExternalPattern>>,
    pub type_only: Option<TypeOnly>,
    /// A template's instances never import each other.
    pub independent: bool,
    /// With `independent`: not through other files either (`None`: `[check] indirect`).
    pub indirect: Option<bool>,
    /// Where each of its keys is written, for fix instructions that point at them.
    pub spans: GroupSpans,
}

/// Where the keys of a group are written in `layers.toml`.
#[derive(Debug, Clone, Default)]
pub struct GroupSpans {
    pub may_import: Option<Region>,
    pub imported_by: Option<Region>,
    pub public: Option<Region>,
    pub externals: Option<Region>,
    pub independent: Option<Region>,
}

/// A layer under its older name.
pub type Layer = GroupDecl;

/// `[[cycles]]`: import cycles reported inside a scope (AG008).
#[derive(Debug)]
pub struct CyclesRule {
    /// The files in scope (`None`: every source file).
    pub paths: Option<SelectorSpec>,
    /// Whether the cycles are among files or among groups.
    pub between: Between,
    /// For cycles the default is `Ignore`: type-only imports close no cycle.
    pub type_only: TypeOnly,
    pub reason: Option<String>,
    /// The span of the whole entry.
    pub decl: Region,
}

/// `between = "files" | "groups"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Between {
    Files,
    /// Each file stands for its module, else its layer; files in no group are left out, and
    /// cycles among the files of one group do not count.
    Groups,
}

/// The tier of every file no `[[risk]]` entry names.
pub const LOW_TIER: &str = "low";

/// A `[[risk]]` entry: a review tier (SPEC §10).
#[derive(Debug)]
pub struct RiskTier {
    pub name: String,
    /// The files of the tier: any file of the repository, not only source.
    pub paths: SelectorSpec,
    /// Whether the tier's files lend it to the files they import, directly or not.
    pub blast_radius: bool,
    pub description: Option<String>,
    /// The span of the whole entry.
    pub decl: Region,
}

/// `[[independent]]`: groups that never import each other.
#[derive(Debug)]
pub struct IndependentRule {
    pub groups: SelectorSpec,
    pub reason: Option<String>,
    pub type_only: Option<TypeOnly>,
    /// Also through other files (`None`: `[check] indirect`).
    pub indirect: Option<bool>,
    /// The span of the whole entry.
    pub decl: Region,
}

impl GroupDecl {
    /// The folder a file should be moved to in order to join this layer: the literal prefix
    /// of the first including pattern (`src/shop/api/**` → `src/shop/api/`).
    pub fn folder(&self) -> Option<String> {
        folder_of(&self.patterns)
    }
}

/// The folder a group's code lives in, for fix instructions ("move it into `src/ui/`"): the
/// literal folder that the most including patterns of `patterns` name (on a tie, one that a
/// glob names rather than only single files, then the first). A glob names its literal prefix (`src/flask/json/**` → `src/flask/json/`), a
/// pattern naming one file its folder, so a layer of `["src/flask/json/**",
/// "src/flask/config.py", "src/flask/ctx.py"]` lives in `src/flask/`, not in `json/`. `None`
/// when that folder is the root, or when every pattern names a single file (a layer of files
/// has no folder to move code into).
pub fn folder_of(patterns: &[String]) -> Option<String> {
    // (folder, how many patterns name it, whether a glob does), in the order first named.
    let mut folders: Vec<(String, usize, bool)> = Vec::new();
    let mut all_files = true;
    for pattern in patterns.iter().filter(|p| !p.starts_with('!')) {
        let segments: Vec<&str> = pattern.split('/').filter(|s| !s.is_empty()).collect();
        let mut literal: Vec<&str> = segments
            .iter()
            .copied()
            .take_while(|seg| !seg.contains(['*', '?', '[', '{']))
            .collect();
        // A pattern without wildcards that names a file (`src/back.rs`) is in its folder.
        let is_file =
            literal.len() == segments.len() && literal.last().is_some_and(|seg| seg.contains('.'));
        if is_file {
            literal.pop();
        } else {
            all_files = false;
        }
        let folder = literal.join("/");
        match folders.iter_mut().find(|(f, _, _)| *f == folder) {
            Some(entry) => {
                entry.1 += 1;
                entry.2 |= !is_file;
            }
            None => folders.push((folder, 1, !is_file)),
        }
    }
    let best = folders.iter().map(|(_, n, glob)| (*n, *glob)).max()?;
    let (folder, _, _) = folders
        .into_iter()
        .find(|(_, n, glob)| (*n, *glob) == best)?;
    if all_files || folder.is_empty() {
        return None;
    }
    // `src/ui` (no wildcard) is a folder; `src/ui/**` has the literal part `src/ui`.
    Some(format!("{folder}/"))
}

/// The `exclude` list: globs where `!glob` takes files back. A pattern whose last segment has
/// no wildcard also matches everything below it, so `build` means the folder.
#[derive(Debug, Clone)]
pub struct PathMatcher {
    include: GlobSet,
    exclude: GlobSet,
}

impl PathMatcher {
    /// A matcher that matches nothing.
    pub fn empty() -> Self {
        Self {
            include: GlobSet::empty(),
            exclude: GlobSet::empty(),
        }
    }

    /// Compiles `patterns`; the error carries the index of the bad pattern.
    fn new(patterns: &[String]) -> Result<Self, (usize, globset::Error)> {
        let mut include = GlobSetBuilder::new();
        let mut exclude = GlobSetBuilder::new();
        for (i, pattern) in patterns.iter().enumerate() {
            let (set, pattern) = match pattern.strip_prefix('!') {
                Some(rest) => (&mut exclude, rest),
                None => (&mut include, pattern.as_str()),
            };
            for glob in compile_pattern(pattern).map_err(|e| (i, e))? {
                set.add(glob);
            }
        }
        Ok(Self {
            include: include.build().map_err(|e| (0, e))?,
            exclude: exclude.build().map_err(|e| (0, e))?,
        })
    }

    pub fn is_match(&self, path: &str) -> bool {
        self.include.is_match(path) && !self.exclude.is_match(path)
    }
}

/// A `[[forbid]]` or `[[allow]]` entry.
#[derive(Debug)]
pub struct EdgeRule {
    /// The importing files.
    pub from: SelectorSpec,
    /// The imported files or packages.
    pub to: SelectorSpec,
    /// `from` and `to` as written, for messages.
    pub from_text: String,
    pub to_text: String,
    pub reason: String,
    pub fix: Option<String>,
    /// `[[forbid]]`: whether type-only imports break it (`None`: the importing group's or
    /// `[check]`'s setting).
    pub type_only: Option<TypeOnly>,
    /// `[[forbid]]`: also through other files (`None`: `[check] indirect`).
    pub indirect: Option<bool>,
    /// `[[allow]]`: the names (or codes) of the rules it waives, with where each is written
    /// (`None`: all).
    pub rules: Option<Vec<(String, std::ops::Range<usize>)>>,
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
            languages: None,
            check: CheckSettings::default(),
            layers: Vec::new(),
            modules: Vec::new(),
            independent: Vec::new(),
            forbid: Vec::new(),
            allow: Vec::new(),
            cycles: Vec::new(),
            risk: Vec::new(),
            python: PythonConfig::default(),
        }
    }

    /// Whether the front-end named `name` runs (`languages`, SPEC §8; all of them by default).
    pub fn runs_language(&self, name: &str) -> bool {
        self.languages
            .as_ref()
            .is_none_or(|list| list.iter().any(|(l, _)| l == name))
    }

    pub fn is_excluded(&self, path: &str) -> bool {
        self.exclude.is_match(path)
    }

    pub fn absolute(&self, rel: &Path) -> PathBuf {
        self.root.join(rel)
    }
}

/// The folders whose whole content one of `patterns` matches: `P/**` gives `P`, and a
/// pattern whose last segment has no wildcard gives itself.
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
            None if names_folders(pattern) => pattern,
            None => continue,
        };
        if let Ok(glob) = compile_glob(folder) {
            set.add(glob);
        }
    }
    set.build().unwrap_or_else(|_| GlobSet::empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matcher(patterns: &[&str]) -> PathMatcher {
        let owned: Vec<String> = patterns.iter().map(|s| (*s).to_owned()).collect();
        PathMatcher::new(&owned).unwrap()
    }

    fn folder(patterns: &[&str]) -> Option<String> {
        let owned: Vec<String> = patterns.iter().map(|s| (*s).to_owned()).collect();
        folder_of(&owned)
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
            folder(&["src/shop/api/**"]).as_deref(),
            Some("src/shop/api/")
        );
        assert_eq!(folder(&["src/ui"]).as_deref(), Some("src/ui/"));
        assert_eq!(folder(&["**/api/**"]), None);
        assert_eq!(folder(&["src/back.rs"]), None);
        assert_eq!(folder(&["main.py"]), None);
        // Every including pattern counts, files by their folder (issue 16 item 13).
        let flask = [
            "src/flask/json/**",
            "src/flask/config.py",
            "src/flask/ctx.py",
            "!src/flask/json/x/**",
        ];
        assert_eq!(folder(&flask).as_deref(), Some("src/flask/"));
        // A tie goes to a folder a glob names, then to the first.
        assert_eq!(
            folder(&["pkg/flat/bottom.py", "pkg/lib/**"]).as_deref(),
            Some("pkg/lib/")
        );
        assert_eq!(folder(&["src/a/**", "src/b/**"]).as_deref(), Some("src/a/"));
        assert_eq!(folder(&["src/a.rs", "src/b.rs"]), None);
    }
}
