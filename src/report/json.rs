//! The `json` format: one object with the stable schema of SPEC §6, documented in the README.
//! Fields are only ever added; renaming or dropping one bumps `version`.

use std::io::{self, Write};

use serde::Serialize;

use super::{Report, Summary};
use crate::diagnostic::Diagnostic;

#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    summary: Summary,
    violations: Vec<JsonViolation<'a>>,
    warnings: Vec<JsonWarning<'a>>,
}

#[derive(Serialize)]
struct JsonViolation<'a> {
    code: &'a str,
    rule: &'a str,
    severity: &'a str,
    path: &'a str,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    import: Option<&'a str>,
    type_only: bool,
    target: Option<&'a str>,
    from_layer: Option<&'a str>,
    to_layer: Option<&'a str>,
    /// v2 (same `version`): the groups of the broken contract, and an external target's
    /// package name.
    from_group: Option<&'a str>,
    to_group: Option<&'a str>,
    external: Option<&'a str>,
    indirect: bool,
    chain: Vec<JsonLink<'a>>,
    message: &'a str,
    help: &'a str,
    note: Option<&'a str>,
}

/// One link of a chain: the import site and the file it imports.
#[derive(Serialize)]
struct JsonLink<'a> {
    path: &'a str,
    line: u32,
    column: u32,
    target: &'a str,
}

#[derive(Serialize)]
struct JsonWarning<'a> {
    kind: &'a str,
    path: &'a str,
    message: &'a str,
}

pub(super) fn write(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    let violations = report.diagnostics.iter().map(violation).collect();
    let warnings = report
        .warnings
        .iter()
        .map(|w| JsonWarning {
            kind: w.kind.as_str(),
            path: &w.path,
            message: &w.message,
        })
        .collect();
    let json = JsonReport {
        version: 1,
        summary: report.summary,
        violations,
        warnings,
    };
    serde_json::to_writer_pretty(&mut *out, &json).map_err(io::Error::other)?;
    writeln!(out)
}

/// Findings as the `violations` array of the report, for other commands' JSON (`where`).
pub fn violations(diagnostics: &[Diagnostic]) -> serde_json::Value {
    let list: Vec<JsonViolation<'_>> = diagnostics.iter().map(violation).collect();
    serde_json::to_value(list).unwrap_or_default()
}

fn violation(d: &Diagnostic) -> JsonViolation<'_> {
    let import = d.import.as_ref();
    JsonViolation {
        code: d.rule.code,
        rule: d.rule.name,
        severity: d.severity.as_str(),
        path: &d.path,
        line: d.region.start.line,
        column: d.region.start.column,
        end_line: d.region.end.line,
        end_column: d.region.end.column,
        import: import.map(|i| i.specifier.as_str()),
        type_only: import.is_some_and(|i| i.type_only),
        target: import.and_then(|i| i.target.as_deref()),
        from_layer: import.and_then(|i| i.from_layer.as_deref()),
        to_layer: import.and_then(|i| i.to_layer.as_deref()),
        from_group: import.and_then(|i| i.from_group.as_deref()),
        to_group: import.and_then(|i| i.to_group.as_deref()),
        external: import.and_then(|i| i.external.as_deref()),
        indirect: d.indirect,
        chain: d
            .chain
            .iter()
            .map(|l| JsonLink {
                path: &l.path,
                line: l.line,
                column: l.column,
                target: &l.target,
            })
            .collect(),
        message: &d.message,
        help: &d.help,
        note: d.note.as_deref(),
    }
}
