//! The `github` format: GitHub Actions workflow commands, which the runner turns into
//! annotations on the pull request's diff:
//!
//! `::error file=src/a.py,line=3,endLine=3,col=6,endColumn=21,title=archgate AG001 (upward-import)::<message>%0Ahelp: <help>`
//!
//! Escaping follows `@actions/core` (`toolkit/packages/core/src/command.ts`): in the message
//! `%`, CR and LF; in property values also `:` and `,`. GitHub uses columns only when the
//! annotation starts and ends on one line, so `col` and `endColumn` are sent only then.
//! Paths are relative to the folder of `layers.toml`, which is the checkout's root when
//! `layers.toml` sits at the top of the repository.

use std::io::{self, Write};

use super::{Report, ToolProblem, summary_line};
use crate::diagnostic::Severity;
use crate::source::{Region, printable};

pub(super) fn write(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    for d in report.diagnostics {
        let text = d.full_text();
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let title = format!("archgate {} ({})", d.rule.code, d.rule.name);
        let line = annotation(command, &d.path, Some(&d.region), &title, &text);
        writeln!(out, "{}", printable(&line))?;
    }
    for w in report.warnings {
        let title = format!("archgate {}", w.kind.as_str());
        let line = annotation("warning", &w.path, None, &title, &w.message);
        writeln!(out, "{}", printable(&line))?;
    }
    // A plain line: the runner prints it in the log as it is.
    writeln!(out, "{}", summary_line(report))
}

/// One error annotation per configuration error.
pub(super) fn write_config_errors(errors: &[ToolProblem], out: &mut dyn Write) -> io::Result<()> {
    for e in errors {
        let mut text = e.message.clone();
        if let Some(help) = &e.help {
            text.push_str("\nhelp: ");
            text.push_str(help);
        }
        let title = format!("archgate {}", e.code);
        let line = match &e.path {
            Some(path) => annotation("error", path, e.region.as_ref(), &title, &text),
            None => format!("::error title={}::{}", property(&title), data(&text)),
        };
        writeln!(out, "{}", printable(&line))?;
    }
    Ok(())
}

/// `::command file=…,line=…,…,title=…::message`, every part escaped.
fn annotation(
    command: &str,
    path: &str,
    region: Option<&Region>,
    title: &str,
    message: &str,
) -> String {
    let mut properties = format!("file={}", property(path));
    if let Some(r) = region {
        properties.push_str(&format!(",line={},endLine={}", r.start.line, r.end.line));
        if r.start.line == r.end.line {
            properties.push_str(&format!(
                ",col={},endColumn={}",
                r.start.column, r.end.column
            ));
        }
    }
    properties.push_str(&format!(",title={}", property(title)));
    format!("::{command} {properties}::{}", data(message))
}

/// Escapes a command's message (`escapeData` in `@actions/core`).
fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value (`escapeProperty` in `@actions/core`).
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Position;

    #[test]
    fn data_escapes_percent_first_then_line_breaks() {
        assert_eq!(data("100%\r\nok: a, b"), "100%25%0D%0Aok: a, b");
        // An already escaped-looking sequence must survive the round trip.
        assert_eq!(data("%0A"), "%250A");
    }

    #[test]
    fn properties_also_escape_colon_and_comma() {
        assert_eq!(property("src/a:b,c%d\ne.py"), "src/a%3Ab%2Cc%25d%0Ae.py");
    }

    #[test]
    fn columns_only_on_a_single_line() {
        let one = Region {
            start: Position { line: 3, column: 6 },
            end: Position {
                line: 3,
                column: 21,
            },
            bytes: 0..0,
        };
        assert_eq!(
            annotation(
                "error",
                "src/a b.py",
                Some(&one),
                "archgate AG001 (x)",
                "m\nhelp: h"
            ),
            "::error file=src/a b.py,line=3,endLine=3,col=6,endColumn=21,\
             title=archgate AG001 (x)::m%0Ahelp: h"
        );
        let two = Region {
            end: Position { line: 5, column: 2 },
            ..one
        };
        assert_eq!(
            annotation("warning", "layers.toml", Some(&two), "t", "m"),
            "::warning file=layers.toml,line=3,endLine=5,title=t::m"
        );
    }
}
