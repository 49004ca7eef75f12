//! Selectors: the one way `layers.toml` names code (SPEC §8 "Selectors"). A group's `paths`,
//! `may_import`, `imported_by` and `public`, a rule's `from`, `to` and `groups` are each a
//! selector: a list of entries, each a group name, an `external:NAME` pattern or a path glob,
//! where a `!` entry excludes what the entries before it matched.
//!
//! Validation turns what is written into [`SelectorSpec`]s (names resolved, globs checked).
//! Templates make this two-step: `{slice}` in a module's keys stands for each instance's own
//! value, and instances are known only once the files are. So [`crate::config::Model`] compiles
//! the specs when the files of the run are assigned: every glob of every selector goes into one
//! `GlobSet`, run once per file, and each file gets the sorted list of selectors it belongs
//! to. Checking an import is then a few lookups: its cost grows with the entries that match it,
//! not with the number of entries in `layers.toml`.

use std::ops::Range;

use globset::{Glob, GlobBuilder};

/// What a selector entry names, as validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AtomSpec {
    /// A layer, by rank.
    Layer(usize),
    /// A module by index in [`crate::config::Config::modules`]; for a template, all its
    /// instances.
    Module(usize),
    /// One instance of a template (`feature/billing`); `value` may be a placeholder
    /// (`api/{slice}`) that each instance replaces with its own value.
    Instance { module: usize, value: String },
    /// A path glob as written (without `!`), possibly with a placeholder.
    Glob(String),
    /// External packages.
    External(ExternalPattern),
}

/// An external package name, or with `prefix` every name that starts with it (`PyQt*`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExternalPattern {
    pub name: String,
    pub prefix: bool,
}

impl ExternalPattern {
    /// `requests`, `pydantic*`, `@angular/*`.
    pub fn parse(text: &str) -> Self {
        match text.strip_suffix('*') {
            Some(rest) => Self {
                name: rest.to_owned(),
                prefix: true,
            },
            None => Self {
                name: text.to_owned(),
                prefix: false,
            },
        }
    }

    /// Whether `package` is this name, or starts with it for a prefix pattern.
    pub fn matches(&self, package: &str) -> bool {
        if self.prefix {
            package.starts_with(self.name.as_str())
        } else {
            package == self.name
        }
    }
}

/// The pattern as written in `layers.toml`: `requests`, `pydantic*`.
impl std::fmt::Display for ExternalPattern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name)?;
        if self.prefix {
            f.write_str("*")?;
        }
        Ok(())
    }
}

/// One entry of a selector as written.
#[derive(Debug, Clone)]
pub struct EntrySpec {
    pub negated: bool,
    pub atom: AtomSpec,
    /// The entry as written, `!` included.
    pub text: String,
    /// Where it is written in `layers.toml`.
    pub span: Range<usize>,
}

/// A selector as validated: its entries and its text as written (for messages).
#[derive(Debug, Clone, Default)]
pub struct SelectorSpec {
    pub entries: Vec<EntrySpec>,
    pub text: String,
}

impl SelectorSpec {
    /// Whether the selector is exactly one layer.
    pub fn as_layer(&self) -> Option<usize> {
        match self.entries.as_slice() {
            [
                EntrySpec {
                    negated: false,
                    atom: AtomSpec::Layer(rank),
                    ..
                },
            ] => Some(*rank),
            _ => None,
        }
    }

    /// Whether the selector is exactly one module (or template, or instance).
    pub fn as_group(&self) -> Option<&AtomSpec> {
        match self.entries.as_slice() {
            [
                EntrySpec {
                    negated: false,
                    atom: atom @ (AtomSpec::Module(_) | AtomSpec::Instance { .. }),
                    ..
                },
            ] => Some(atom),
            _ => None,
        }
    }

    /// Whether an entry names the layer of `rank` (so that a fix does not suggest it).
    pub fn names_layer(&self, rank: usize) -> bool {
        self.entries
            .iter()
            .any(|e| !e.negated && e.atom == AtomSpec::Layer(rank))
    }

    /// Whether every entry names external packages.
    pub fn is_external_only(&self) -> bool {
        self.entries
            .iter()
            .all(|e| matches!(e.atom, AtomSpec::External(_)))
    }

    /// Whether the selector matches the external package `name`: the last entry that names
    /// it decides.
    pub fn matches_external(&self, name: &str) -> bool {
        self.entries
            .iter()
            .rev()
            .find(|e| matches!(&e.atom, AtomSpec::External(p) if p.matches(name)))
            .is_some_and(|e| !e.negated)
    }
}

/// Compiles one glob the way every pattern in `layers.toml` is read: `*` stays within one
/// path segment, `**` crosses them.
pub(crate) fn compile_glob(pattern: &str) -> Result<Glob, globset::Error> {
    GlobBuilder::new(pattern).literal_separator(true).build()
}

/// The globs of one pattern (without its `!`): the pattern itself and, when its last segment
/// has no `*` or `?`, everything inside the folders it names (`src/ui`, `src/{ui,web}`), while
/// `src/x/*` matches only the files directly in `src/x`.
pub fn compile_pattern(pattern: &str) -> Result<Vec<Glob>, globset::Error> {
    let pattern = pattern.trim_start_matches("./").trim_end_matches('/');
    let mut globs = vec![compile_glob(pattern)?];
    if names_folders(pattern) {
        globs.push(compile_glob(&format!("{pattern}/**"))?);
    }
    Ok(globs)
}

/// Whether a pattern's last segment has no `*` or `?`, so that it names folders (or files).
pub(crate) fn names_folders(pattern: &str) -> bool {
    let last = pattern.rsplit('/').next().unwrap_or(pattern);
    !last.contains(['*', '?'])
}

/// A template placeholder (`{slice}`) found in a pattern: its name and the byte range of the
/// braces. `{a,b}` (with a comma) is glob alternation, not a placeholder.
pub(crate) fn placeholder(pattern: &str) -> Option<(&str, Range<usize>)> {
    let mut from = 0;
    while let Some(open) = pattern.get(from..)?.find('{') {
        let open = from + open;
        let close = open + pattern.get(open..)?.find('}')?;
        let name = pattern.get(open + 1..close)?;
        if !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            return Some((name, open..close + 1));
        }
        from = close + 1;
    }
    None
}

/// `pattern` with every `{name}` replaced by `value`.
pub(crate) fn substitute(pattern: &str, name: &str, value: &str) -> String {
    pattern.replace(&format!("{{{name}}}"), value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_identifiers_in_braces_and_alternation_is_not_one() {
        assert_eq!(
            placeholder("src/features/{slice}/**").map(|(n, _)| n),
            Some("slice")
        );
        assert_eq!(placeholder("src/{a,b}/**"), None);
        assert_eq!(
            placeholder("src/{a,b}/{name}.ts").map(|(n, _)| n),
            Some("name")
        );
        assert_eq!(
            substitute("src/{slice}/index.ts", "slice", "cart"),
            "src/cart/index.ts"
        );
    }

    #[test]
    fn externals_match_by_name_or_prefix_and_the_last_entry_decides() {
        let entry = |text: &str| EntrySpec {
            negated: text.starts_with('!'),
            atom: AtomSpec::External(ExternalPattern::parse(
                text.trim_start_matches('!').trim_start_matches("external:"),
            )),
            text: text.to_owned(),
            span: 0..0,
        };
        let sel = SelectorSpec {
            entries: vec![entry("external:PyQt*"), entry("!external:PyQt5")],
            text: String::new(),
        };
        assert!(sel.matches_external("PyQt6"));
        assert!(!sel.matches_external("PyQt5"));
        assert!(!sel.matches_external("requests"));
    }

    #[test]
    fn a_last_segment_without_wildcards_names_folders() {
        assert!(names_folders("pkg/{a,c}"));
        assert!(names_folders("src/ui"));
        assert!(!names_folders("src/x/*"));
        assert_eq!(compile_pattern("pkg/{a,c}").unwrap().len(), 2);
    }
}
