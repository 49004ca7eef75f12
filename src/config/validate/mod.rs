//! Validation of the raw `layers.toml`: every check that serde cannot do, one file per table,
//! each failure a typed [`ConfigError`] with the text to write instead. All problems are
//! collected, not just the first, so that one edit fixes them all.
//!
//! A new table is one struct in `schema.rs` and one file here that turns it into its part of
//! [`Config`]; selectors it names go through [`SelectorBuilder`], so they get the same
//! matching, the same errors and `unmatched-selector` for free.

mod check;
mod layers;
mod python;
mod rules;

use std::ops::Range;
use std::path::PathBuf;

use globset::Glob;

use super::error::{ConfigError, ConfigSource, Problem};
use super::schema::RawConfig;
use super::selector::{Atom, Entry, Owner, Selector, SelectorId, Selectors, compile_pattern};
use super::{Config, PathMatcher, folder_globs};
use crate::source::LineIndex;

/// The problems found so far, all pointing into one `layers.toml`.
pub(super) struct Errors {
    pub source: ConfigSource,
    pub list: Vec<ConfigError>,
}

impl Errors {
    pub fn push(
        &mut self,
        problem: Problem,
        span: Range<usize>,
        label: &str,
        message: String,
        help: String,
    ) {
        self.list.push(ConfigError::at(
            problem,
            &self.source,
            span,
            label,
            message,
            help,
        ));
    }
}

/// Selectors in the order they are declared, layers' `paths` first (a layer's selector id is
/// its rank), with the globs of each entry.
pub(super) struct SelectorBuilder {
    list: Vec<Selector>,
    globs: Vec<(SelectorId, usize, Vec<Glob>)>,
}

impl SelectorBuilder {
    /// Adds a selector made of `entries` (already checked) and their globs; returns its id.
    pub fn add(&mut self, owner: Owner, entries: Vec<(Entry, Vec<Glob>)>) -> SelectorId {
        let id = SelectorId::try_from(self.list.len()).unwrap_or(SelectorId::MAX);
        let mut kept = Vec::with_capacity(entries.len());
        for (i, (entry, globs)) in entries.into_iter().enumerate() {
            if entry.atom == Atom::Glob {
                self.globs.push((id, i, globs));
            }
            kept.push(entry);
        }
        self.list.push(Selector {
            owner,
            entries: kept,
        });
        id
    }
}

pub(super) fn validate(
    raw: &RawConfig,
    root: PathBuf,
    name: String,
    text: String,
) -> Result<Config, Vec<ConfigError>> {
    let index = LineIndex::new(text.as_bytes());
    let mut errors = Errors {
        source: ConfigSource::new(&name, &text),
        list: Vec::new(),
    };
    let mut selectors = SelectorBuilder {
        list: Vec::new(),
        globs: Vec::new(),
    };

    let exclude_patterns: Vec<String> = raw.exclude.iter().map(|p| p.get_ref().clone()).collect();
    let exclude = match PathMatcher::new(&exclude_patterns) {
        Ok(m) => m,
        Err((i, e)) => {
            let span = raw.exclude.get(i).map_or(0..0, toml::Spanned::span);
            errors.push(
                Problem::InvalidGlob,
                span,
                "invalid glob",
                format!("invalid glob in `exclude`: {}", e.kind()),
                glob_help(),
            );
            PathMatcher::empty()
        }
    };
    let check = check::validate(raw.check.as_ref(), &mut errors);
    let layers = layers::validate(&raw.layers, &index, &mut selectors, &mut errors);
    let forbid = rules::validate(
        &raw.forbid,
        rules::Table::Forbid,
        &layers,
        &index,
        &mut selectors,
        &mut errors,
    );
    let allow = rules::validate(
        &raw.allow,
        rules::Table::Allow,
        &layers,
        &index,
        &mut selectors,
        &mut errors,
    );
    let python = python::validate(raw.python.as_ref(), &root, &mut errors);

    if !errors.list.is_empty() {
        return Err(errors.list);
    }
    let selectors = Selectors::new(selectors.list, &selectors.globs, layers.len());
    let exclude_dirs = folder_globs(&exclude_patterns);
    Ok(Config {
        root,
        path: name,
        text,
        exclude,
        exclude_dirs,
        check,
        layers,
        forbid,
        allow,
        python,
        selectors,
    })
}

/// Compiles one glob entry of a selector or `paths` list, or records why it cannot be.
pub(super) fn glob_entry(
    text: &str,
    span: Range<usize>,
    place: &str,
    errors: &mut Errors,
) -> Option<(Entry, Vec<Glob>)> {
    let negated = text.starts_with('!');
    let pattern = text.strip_prefix('!').unwrap_or(text);
    match compile_pattern(pattern) {
        Ok(globs) => Some((
            Entry {
                negated,
                atom: Atom::Glob,
                text: text.to_owned(),
                span,
            },
            globs,
        )),
        Err(e) => {
            errors.push(
                Problem::InvalidGlob,
                span,
                "invalid glob",
                format!("invalid glob in {place}: {}", e.kind()),
                glob_help(),
            );
            None
        }
    }
}

pub(super) fn glob_help() -> String {
    "Write a glob relative to layers.toml: `*` matches within one folder, `**` across folders, \
     `!` in front excludes (e.g. `\"src/ui/**\"`, `\"!src/ui/legacy/**\"`)."
        .to_owned()
}
