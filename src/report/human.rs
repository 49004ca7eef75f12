//! The `human` format: miette's graphical reports, with the import underlined and the fix
//! instruction as help, then a summary line.

use std::io::{self, Write};

use std::fmt;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    NamedSource, SourceCode, SourceSpan, SpanContents,
};

use super::{Report, summary_line};
use crate::diagnostic::{WithSource, abbreviate_words, clip_excerpt, clip_label};
use crate::source::{count_chars, display_text, printable};

/// miette's renderer as archgate uses it everywhere: a fixed width, so that the text is the
/// same in every terminal, and colour only when asked.
pub fn graphical_handler(color: bool) -> GraphicalReportHandler {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_links(false)
}

/// The findings, then the summary line unless `summary` is false (`--quiet`).
pub(super) fn write(
    report: &Report<'_>,
    out: &mut dyn Write,
    color: bool,
    summary: bool,
) -> io::Result<()> {
    let handler = graphical_handler(color);
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
        let rendered = CharColumns {
            inner: WithSource {
                diagnostic: d,
                source: NamedSource::new(printable(&d.path), String::new()),
            },
            name: printable(&d.path).into_owned(),
            text,
        };
        let mut buf = String::new();
        if handler.render_report(&mut buf, &rendered).is_err() {
            buf = format!("{}: {}\n  help: {}\n", d.path, d.message, d.help);
        }
        writeln!(out, "{buf}")?;
    }
    if summary {
        writeln!(out, "{}", summary_line(report))?;
    }
    Ok(())
}

/// A finding drawn with its file's text, where the `path:line:column` miette prints above the
/// excerpt counts characters, as every other format does. miette's own sources count the
/// column in bytes, which is wrong after any non-ASCII character on the line.
struct CharColumns<'a> {
    inner: WithSource<'a>,
    name: String,
    text: String,
}

impl SourceCode for CharColumns<'_> {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let contents = self
            .text
            .read_span(span, context_lines_before, context_lines_after)?;
        // With no context lines before it, the contents start at the span and their column
        // is the span's own: count the characters from the start of its line.
        let column = if context_lines_before == 0 {
            let before = self
                .text
                .as_bytes()
                .get(..span.offset())
                .unwrap_or_default();
            let line_start = before
                .iter()
                .rposition(|&b| b == b'\n' || b == b'\r')
                .map_or(0, |i| i + 1);
            let line = before.get(line_start..).unwrap_or_default();
            let line = line.strip_prefix(crate::source::BOM).unwrap_or(line);
            count_chars(line)
        } else {
            contents.column()
        };
        let contents = Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            contents.data(),
            *contents.span(),
            contents.line(),
            column,
            contents.line_count(),
        ));
        Ok(clip_excerpt(contents, span, context_lines_before))
    }
}

impl fmt::Debug for CharColumns<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.inner, f)
    }
}

impl fmt::Display for CharColumns<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&abbreviate_words(&self.inner.to_string()))
    }
}

impl std::error::Error for CharColumns<'_> {}

impl miette::Diagnostic for CharColumns<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.inner.code()
    }

    fn severity(&self) -> Option<miette::Severity> {
        self.inner.severity()
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        let help = self.inner.help()?.to_string();
        Some(Box::new(abbreviate_words(&help).into_owned()))
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(self)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.inner.labels()
    }
}

/// Any diagnostic (a configuration error) drawn with its excerpts clipped around the label, as
/// findings are: a 400 KB glob on one line of `layers.toml` must not panic miette.
pub struct Clipped<'a>(pub &'a (dyn miette::Diagnostic + Send + Sync));

impl SourceCode for Clipped<'_> {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let source = self.0.source_code().ok_or(MietteError::OutOfBounds)?;
        let contents = source.read_span(span, context_lines_before, context_lines_after)?;
        Ok(clip_excerpt(contents, span, context_lines_before))
    }
}

impl fmt::Debug for Clipped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.0, f)
    }
}

impl fmt::Display for Clipped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&abbreviate_words(&self.0.to_string()))
    }
}

impl std::error::Error for Clipped<'_> {}

impl miette::Diagnostic for Clipped<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.0.code()
    }

    fn severity(&self) -> Option<miette::Severity> {
        self.0.severity()
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        let help = self.0.help()?.to_string();
        Some(Box::new(abbreviate_words(&help).into_owned()))
    }

    fn url<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.0.url()
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.0.source_code().map(|_| self as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.0.labels()?.map(|l| clip_label(&l))))
    }

    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn miette::Diagnostic> + 'b>> {
        self.0.related()
    }
}
