//! The `agent` format: one line per finding, no excerpt, the fix instruction on the same line.
//! `path:line:col: error[AG001 upward-import] message — help: …`

use std::io::{self, Write};

use super::{Report, summary_line};
use crate::diagnostic::Diagnostic;
use crate::source::printable;

/// The findings, then the summary line unless `summary` is false (`--quiet`).
pub(super) fn write(report: &Report<'_>, out: &mut dyn Write, summary: bool) -> io::Result<()> {
    for d in report.diagnostics {
        writeln!(out, "{}", line(d))?;
    }
    if summary {
        writeln!(out, "{}", summary_line(report))?;
    }
    Ok(())
}

/// One finding as one printable line.
pub fn line(d: &Diagnostic) -> String {
    let mut line = format!(
        "{}:{}:{}: {}[{} {}] {} — help: {}",
        d.path,
        d.region.start.line,
        d.region.start.column,
        d.severity.as_str(),
        d.rule.code,
        d.rule.name,
        d.message,
        d.help,
    );
    if let Some(chain) = d.chain_text() {
        line.push_str(" — chain: ");
        line.push_str(&chain);
    }
    if let Some(note) = &d.note {
        line.push_str(" — note: ");
        line.push_str(note);
    }
    // One finding, one line, whatever the configured texts hold.
    printable(&line.replace(['\r', '\n'], " ")).into_owned()
}
