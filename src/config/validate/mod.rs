//! Validation of the raw `layers.toml`: every check that serde cannot do, one file per table,
//! each failure a typed [`ConfigError`] with the text to write instead. All problems are
//! collected, not just the first, so that one edit fixes them all.
//!
//! A new table is one struct in `schema.rs` and one file here that turns it into its part of
//! [`Config`]; the selectors it names go through `selectors.rs`, so they get the same names,
//! the same errors and `unmatched-selector` for free.

mod check;
mod cycles;
mod groups;
mod independent;
mod python;
mod risk;
mod rules;
mod selectors;

use std::ops::Range;
use std::path::PathBuf;

use toml::Spanned;

use super::error::{ConfigError, ConfigSource, Problem};
use super::schema::RawConfig;
use super::selector::{ExternalPattern, compile_pattern};
use super::{Config, PathMatcher, TypeOnly, folder_globs};
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

    let exclude_patterns: Vec<String> = raw.exclude.iter().map(|p| p.get_ref().clone()).collect();
    let overlong = raw
        .exclude
        .iter()
        .filter(|p| !is_short_enough(p.get_ref(), p.span(), "`exclude`", &mut errors))
        .count();
    let compiled = if overlong > 0 {
        Ok(PathMatcher::empty())
    } else {
        PathMatcher::new(&exclude_patterns)
    };
    let exclude = match compiled {
        Ok(m) => m,
        Err((i, e)) => {
            let span = raw.exclude.get(i).map_or(0..0, Spanned::span);
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
    let languages = raw.languages.as_ref().map(|list| {
        list.get_ref()
            .iter()
            .map(|l| (l.get_ref().clone(), l.span()))
            .collect()
    });
    let check = check::validate(raw.check.as_ref(), &index, &mut errors);
    let names = groups::names(&raw.layers, &raw.modules, &mut errors);
    let layers = groups::validate(
        &raw.layers,
        groups::Table::Layers,
        &names,
        &index,
        &mut errors,
    );
    let modules = groups::validate(
        &raw.modules,
        groups::Table::Modules,
        &names,
        &index,
        &mut errors,
    );
    let independent = independent::validate(&raw.independent, &names, &index, &mut errors);
    let forbid = rules::validate(
        &raw.forbid,
        rules::Table::Forbid,
        &names,
        &index,
        &mut errors,
    );
    let allow = rules::validate(&raw.allow, rules::Table::Allow, &names, &index, &mut errors);
    let cycles = cycles::validate(&raw.cycles, &names, &index, &mut errors);
    let risk = risk::validate(&raw.risk, &names, &index, &mut errors);
    let python = python::validate(raw.python.as_ref(), &root, &mut errors);

    if !errors.list.is_empty() {
        return Err(errors.list);
    }
    let exclude_dirs = folder_globs(&exclude_patterns);
    Ok(Config {
        root,
        path: name,
        text,
        exclude,
        exclude_dirs,
        languages,
        check,
        layers,
        modules,
        independent,
        forbid,
        allow,
        cycles,
        risk,
        python,
    })
}

/// Checks that a glob compiles, or records why it does not.
pub(super) fn compile_check(
    pattern: &str,
    span: Range<usize>,
    place: &str,
    errors: &mut Errors,
) -> Option<()> {
    if !is_short_enough(pattern, span.clone(), place, errors) {
        return None;
    }
    match compile_pattern(pattern) {
        Ok(_) => Some(()),
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

/// The longest glob accepted, in bytes: Linux's `PATH_MAX`. A longer pattern names no path
/// anyone can create, and compiling and matching one costs time in its length for every file.
const MAX_GLOB_BYTES: usize = 4096;

/// Whether `pattern` is at most [`MAX_GLOB_BYTES`] long, or records that it is not.
fn is_short_enough(pattern: &str, span: Range<usize>, place: &str, errors: &mut Errors) -> bool {
    if pattern.len() <= MAX_GLOB_BYTES {
        return true;
    }
    errors.push(
        Problem::InvalidGlob,
        span,
        "glob too long",
        format!(
            "a glob in {place} is {} bytes long, more than the {MAX_GLOB_BYTES} any path can have",
            pattern.len()
        ),
        "Write the folders it means as several shorter entries of the list (e.g. \
         `[\"src/a/**\", \"src/b/**\"]`), each a glob relative to layers.toml."
            .to_owned(),
    );
    false
}

/// `type_only = "check" | "ignore"`.
pub(super) fn type_only(
    value: &Spanned<String>,
    place: &str,
    errors: &mut Errors,
) -> Option<TypeOnly> {
    match value.get_ref().as_str() {
        "check" => Some(TypeOnly::Check),
        "ignore" => Some(TypeOnly::Ignore),
        other => {
            errors.push(
                Problem::InvalidValue,
                value.span(),
                "not a choice",
                format!("{place} must be \"check\" or \"ignore\", not `{other}`"),
                "Write `type_only = \"ignore\"` (type-only imports break no rule) or \
                 `type_only = \"check\"` (the default)."
                    .to_owned(),
            );
            None
        }
    }
}

/// An `externals` list: package names, each optionally `external:`-prefixed, a trailing `*`
/// matching any rest.
pub(super) fn external_list(
    list: &Spanned<Vec<Spanned<String>>>,
    place: &str,
    errors: &mut Errors,
) -> Vec<ExternalPattern> {
    let mut out = Vec::new();
    for item in list.get_ref() {
        let text = item.get_ref();
        let name = text.strip_prefix("external:").unwrap_or(text);
        if name.is_empty() || name.starts_with('!') {
            errors.push(
                Problem::InvalidSelector,
                item.span(),
                "not a package name",
                format!("{place} has `{text}`, which names no package"),
                "List package names as `archgate graph` prints them after `external:`, e.g. \
                 `externals = [\"requests\", \"pydantic*\"]`."
                    .to_owned(),
            );
            continue;
        }
        out.push(ExternalPattern::parse(name));
    }
    out
}

pub(super) fn glob_help() -> String {
    "Write a glob relative to layers.toml: `*` matches within one folder, `**` across folders, \
     `!` in front excludes (e.g. `\"src/ui/**\"`, `\"!src/ui/legacy/**\"`)."
        .to_owned()
}
