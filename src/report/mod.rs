//! Reports: sorted findings rendered in one of the formats of SPEC §6, written to any
//! `Write`. Renderers never reword a message or a fix instruction.
//!
//! Layer `report`: imports `check` (rule metadata), `graph`, `input` and `core`.

pub mod agent;
mod github;
pub mod graph;
mod human;

pub use human::{Clipped, graphical_handler};
pub mod json;
mod sarif;
pub mod statistics;

use std::io::{self, Write};
use std::ops::Range;

use serde::Serialize;

use crate::config::Config;
use crate::diagnostic::{Diagnostic, FileWarning};
use crate::source::{LineIndex, Region};

/// Report formats of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Excerpts with the import underlined and the fix instruction (miette).
    Human,
    /// One line per finding, with the fix instruction: for coding agents and logs.
    Agent,
    /// One JSON object with a stable schema (see the README).
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and editors.
    Sarif,
    /// GitHub Actions workflow commands: annotations on the pull request.
    Github,
}

/// The counts every format ends with.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct Summary {
    /// Source files parsed.
    pub files: usize,
    /// Import sites found.
    pub imports: usize,
    /// Rule findings reported (errors and warnings).
    pub violations: usize,
    /// Of those, the findings of error severity: the summary line's "errors" (its
    /// "warnings" are `violations - errors`, its "warnings about files" are `warnings`).
    pub errors: usize,
    /// Files that could not be fully checked.
    pub warnings: usize,
    /// Import sites whose module could not be found (`unresolved:` in `archgate graph`).
    pub unresolved: usize,
    /// Findings the baseline absorbed.
    pub baselined: usize,
    /// Findings inline `archgate: allow(…)` comments absorbed.
    pub suppressed: usize,
}

/// Everything a renderer needs. `diagnostics` are sorted.
pub struct Report<'a> {
    pub diagnostics: &'a [Diagnostic],
    pub warnings: &'a [FileWarning],
    pub summary: Summary,
    pub config: &'a Config,
}

pub fn write(
    format: Format,
    report: &Report<'_>,
    out: &mut dyn Write,
    color: bool,
) -> io::Result<()> {
    write_with_summary(format, report, out, color, true)
}

/// [`write()`] for `check --quiet`: the text formats leave out their summary line; the
/// machine formats, whose counts are data, are the same.
pub fn write_quiet(
    format: Format,
    report: &Report<'_>,
    out: &mut dyn Write,
    color: bool,
) -> io::Result<()> {
    write_with_summary(format, report, out, color, false)
}

fn write_with_summary(
    format: Format,
    report: &Report<'_>,
    out: &mut dyn Write,
    color: bool,
    summary: bool,
) -> io::Result<()> {
    match format {
        Format::Human => human::write(report, out, color, summary),
        Format::Agent => agent::write(report, out, summary),
        Format::Json => json::write(report, out),
        Format::Sarif => sarif::write(report, out),
        Format::Github => github::write(report, out),
    }
}

/// Renders configuration errors (which end the run with exit code 2) in the formats that CI
/// reads: a SARIF log with `executionSuccessful: false`, or error annotations. The other
/// formats write nothing: the errors are printed on stderr for people.
pub fn write_config_errors(
    format: Format,
    errors: &[&dyn miette::Diagnostic],
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Sarif => sarif::write_config_errors(&ToolProblem::all(errors), out),
        Format::Github => github::write_config_errors(&ToolProblem::all(errors), out),
        Format::Human | Format::Agent | Format::Json => Ok(()),
    }
}

/// Where a configuration error points: its file's name and the bytes of its label.
type Place = (Option<String>, Range<usize>);

/// A configuration error, read generically from its `miette::Diagnostic` impl.
pub struct ToolProblem {
    /// The diagnostic code, such as `config::invalid`.
    pub code: String,
    pub message: String,
    pub help: Option<String>,
    /// Where it points, relative to the root (the config file), if it points anywhere.
    pub path: Option<String>,
    pub region: Option<Region>,
}

impl ToolProblem {
    /// Every error, placed. Each file's text is read and indexed once for all the errors in
    /// it: 10,000 errors in one `layers.toml` cost its length once, not 10,000 times.
    pub fn all(errors: &[&dyn miette::Diagnostic]) -> Vec<Self> {
        // (error, its source's name, the primary label's bytes)
        let placed: Vec<(&dyn miette::Diagnostic, Option<Place>)> =
            errors.iter().map(|e| (*e, Self::label(*e))).collect();
        // The text of each source up to its furthest label, read from one of its errors.
        let mut texts: Vec<(Option<String>, Vec<u8>)> = Vec::new();
        let mut ends: Vec<(Option<String>, usize, &dyn miette::Diagnostic)> = Vec::new();
        for (error, place) in &placed {
            let Some((name, bytes)) = place else { continue };
            match ends.iter_mut().find(|(n, _, _)| n == name) {
                Some(entry) => entry.1 = entry.1.max(bytes.end),
                None => ends.push((name.clone(), bytes.end, *error)),
            }
        }
        for (name, end, error) in ends {
            let data = error
                .source_code()
                .and_then(|s| s.read_span(&miette::SourceSpan::from(0..end), 0, 0).ok())
                .map(|c| c.data().to_vec())
                .unwrap_or_default();
            texts.push((name, data));
        }
        let indexes: Vec<(&Option<String>, LineIndex<'_>)> = texts
            .iter()
            .map(|(name, data)| (name, LineIndex::new(data)))
            .collect();
        placed
            .into_iter()
            .map(|(error, place)| {
                let (path, region) = place.map_or((None, None), |(name, bytes)| {
                    let region = indexes
                        .iter()
                        .find(|(n, _)| **n == name)
                        .map(|(_, index)| index.region(bytes));
                    (name, region)
                });
                Self {
                    code: error
                        .code()
                        .map_or_else(|| "config".to_owned(), |c| c.to_string()),
                    message: error.to_string(),
                    help: error.help().map(|h| h.to_string()),
                    path,
                    region,
                }
            })
            .collect()
    }

    /// The source name and bytes of the primary label (or the first one). Positions are
    /// computed from them rather than taken from miette, whose columns count bytes.
    fn label(error: &dyn miette::Diagnostic) -> Option<Place> {
        let source = error.source_code()?;
        let mut labels: Vec<miette::LabeledSpan> = error.labels()?.collect();
        let index = labels.iter().position(miette::LabeledSpan::primary);
        let label = labels.swap_remove(index.unwrap_or(0).min(labels.len().checked_sub(1)?));
        let start = label.offset();
        // An empty span at the start reads nothing but the name.
        let name = source
            .read_span(&miette::SourceSpan::from(0..0), 0, 0)
            .ok()?
            .name()
            .map(str::to_owned);
        Some((name, start..start + label.len()))
    }
}

/// The closing line of the text formats.
fn summary_line(report: &Report<'_>) -> String {
    let s = report.summary;
    let errors = s.errors;
    let warnings = s.violations.saturating_sub(errors);
    // What the counts leave out, each with where to look.
    let extras = [
        (s.warnings, "warning", "about files (on standard error)"),
        (s.unresolved, "import", "not found (see `archgate graph`)"),
        (s.baselined, "finding", "in the baseline"),
        (s.suppressed, "finding", "suppressed inline"),
    ];
    let mut skipped = String::new();
    for (n, word, what) in extras.iter().filter(|(n, _, _)| *n > 0) {
        skipped.push_str(&format!("; {} {what}", plural(*n, word)));
    }
    if s.violations == 0 {
        format!(
            "archgate: no violations in {} ({}){skipped}",
            plural(s.files, "file"),
            plural(s.imports, "import")
        )
    } else {
        format!(
            "archgate: {} and {} in {} ({}){skipped}",
            plural(errors, "error"),
            plural(warnings, "warning"),
            plural(s.files, "file"),
            plural(s.imports, "import")
        )
    }
}

/// `1 file`, `2 files`: a count with its noun, as the summary line and the layer pictures
/// print it.
fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}
