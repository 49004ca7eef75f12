//! Reports: sorted findings rendered in one of the formats of SPEC §6, written to any
//! `Write`. Renderers never reword a message or a fix instruction.
//!
//! Layer `report`: imports `check` (rule metadata), `graph`, `input` and `core`.

mod agent;
pub mod graph;
mod human;
mod json;

use std::io::{self, Write};

use serde::Serialize;

use crate::config::Config;
use crate::diagnostic::{Diagnostic, FileWarning};

/// Report formats of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Excerpts with the import underlined and the fix instruction (miette).
    Human,
    /// One line per finding, with the fix instruction: for coding agents and logs.
    Agent,
    /// One JSON object with a stable schema (see the README).
    Json,
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
    /// Files that could not be fully checked.
    pub warnings: usize,
    /// Import sites whose module could not be found (`unresolved:` in `archgate graph`).
    pub unresolved: usize,
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
    match format {
        Format::Human => human::write(report, out, color),
        Format::Agent => agent::write(report, out),
        Format::Json => json::write(report, out),
    }
}

/// The closing line of the text formats.
fn summary_line(report: &Report<'_>) -> String {
    let s = report.summary;
    let errors = report
        .diagnostics
        .iter()
        .filter(|d| d.severity == crate::diagnostic::Severity::Error)
        .count();
    let warnings = s.violations - errors;
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let skipped = if s.warnings > 0 {
        format!(
            "; {} could not be fully read (see warnings)",
            plural(s.warnings, "file")
        )
    } else {
        String::new()
    };
    let skipped = if s.unresolved > 0 {
        format!(
            "{skipped}; {} not found (see `archgate graph`)",
            plural(s.unresolved, "import")
        )
    } else {
        skipped
    };
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
