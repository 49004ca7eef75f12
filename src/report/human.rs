//! The `human` format: miette's graphical reports, with the import underlined and the fix
//! instruction as help, then a summary line.

use std::io::{self, Write};

use miette::{GraphicalReportHandler, GraphicalTheme, NamedSource};

use super::{Report, summary_line};
use crate::diagnostic::WithSource;
use crate::source::display_text;

pub(super) fn write(report: &Report<'_>, out: &mut dyn Write, color: bool) -> io::Result<()> {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_links(false);
    for d in report.diagnostics {
        // The excerpt is read again here, for the few files with findings, rather than kept
        // in memory for every file of the run.
        let text = if d.path == report.config.path {
            report.config.text.clone()
        } else {
            std::fs::read(report.config.root.join(&d.path))
                .map(|b| display_text(&b))
                .unwrap_or_default()
        };
        let rendered = WithSource {
            diagnostic: d,
            source: NamedSource::new(&d.path, text).with_language(""),
        };
        let mut buf = String::new();
        if handler.render_report(&mut buf, &rendered).is_err() {
            buf = format!("{}: {}\n  help: {}\n", d.path, d.message, d.help);
        }
        writeln!(out, "{buf}")?;
    }
    writeln!(out, "{}", summary_line(report))
}
