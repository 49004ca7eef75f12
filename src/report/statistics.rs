//! `check --statistics`: the number of findings of each rule, most frequent first (ruff's
//! `--statistics`). Text: one line per rule, `count  code  name  severity`, aligned, then the
//! summary line; JSON: an array of `{"code", "name", "severity", "count"}` objects.

use std::io::{self, Write};

use serde::Serialize;

use super::{Format, Report, summary_line};
use crate::diagnostic::Diagnostic;

/// One rule's count. A rule's findings share one severity in a run, but the severity is part
/// of the key so that a mixed run could not merge two kinds of finding into one line.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub(super) struct RuleCount {
    code: &'static str,
    name: &'static str,
    severity: &'static str,
    count: usize,
}

/// The counts, most frequent first, then by code.
fn count(diagnostics: &[Diagnostic]) -> Vec<RuleCount> {
    let mut counts: Vec<RuleCount> = Vec::new();
    for d in diagnostics {
        let (code, severity) = (d.rule.code, d.severity.as_str());
        match counts
            .iter_mut()
            .find(|c| c.code == code && c.severity == severity)
        {
            Some(c) => c.count += 1,
            None => counts.push(RuleCount {
                code,
                name: d.rule.name,
                severity,
                count: 1,
            }),
        }
    }
    counts.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then(a.code.cmp(b.code))
            .then(a.severity.cmp(b.severity))
    });
    counts
}

/// The text table, then (unless `summary` is false) the summary line.
fn write_text(report: &Report<'_>, out: &mut dyn Write, summary: bool) -> io::Result<()> {
    let counts = count(report.diagnostics);
    let width = counts
        .iter()
        .map(|c| c.count.to_string().len())
        .max()
        .unwrap_or(1);
    let name_width = counts.iter().map(|c| c.name.len()).max().unwrap_or(0);
    for c in &counts {
        writeln!(
            out,
            "{:>width$}  {}  {:<name_width$}  {}",
            c.count, c.code, c.name, c.severity
        )?;
    }
    if summary {
        writeln!(out, "{}", summary_line(report))?;
    }
    Ok(())
}

/// The JSON array.
fn write_json(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &count(report.diagnostics))?;
    writeln!(out)
}

/// Whether `--statistics` can stand in for a report of this format on standard output:
/// SARIF and annotations have no statistics form.
pub fn has_form(format: Format) -> bool {
    matches!(format, Format::Human | Format::Agent | Format::Json)
}

/// The statistics in the form of `format`: JSON for `json`, else the text table (with the
/// summary line unless `summary` is false).
pub fn write(
    format: Format,
    report: &Report<'_>,
    out: &mut dyn Write,
    summary: bool,
) -> io::Result<()> {
    match format {
        Format::Json => write_json(report, out),
        _ => write_text(report, out, summary),
    }
}
