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
    // The file of the findings being drawn: they come sorted by path, so each file is read
    // once.
    let mut file: Option<(&str, Text)> = None;
    // The line of the last finding drawn and how many were drawn on it.
    let mut on_line = (0, 0);
    for d in report.diagnostics {
        // The excerpt is read again here, for the few files with findings, rather than kept
        // in memory for every file of the run.
        if file.as_ref().is_none_or(|(path, _)| *path != d.path) {
            let text = if d.path == report.config.path {
                report.config.text.clone()
            } else {
                std::fs::read(report.config.root.join(&d.path))
                    .map(|b| display_text(&b))
                    .unwrap_or_default()
            };
            file = Some((d.path.as_str(), Text::new(text)));
            on_line = (0, 0);
        }
        let Some((_, text)) = &file else {
            continue;
        };
        let line = d.region.start.line as usize;
        on_line = if on_line.0 == line {
            (line, on_line.1 + 1)
        } else {
            (line, 1)
        };
        let long = text
            .start_of(line)
            .saturating_sub(text.start_of(line.saturating_sub(1)))
            > LONG_LINE;
        if long && on_line.1 > DRAWN_PER_LONG_LINE {
            let start = &d.region.start;
            let text = format!(
                "{}:{}:{}: {}[{} {}] {}\n  help: {}\n",
                d.path,
                start.line,
                start.column,
                d.severity.as_str(),
                d.rule.code,
                d.rule.name,
                d.message,
                d.help
            );
            writeln!(out, "{}", printable(&text))?;
            continue;
        }
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

/// Lines longer than this (minified code) draw at most [`DRAWN_PER_LONG_LINE`] findings with
/// an excerpt: each drawing reads the whole line, so 20,000 findings on one 600 KB line took
/// minutes. The others are one line each, as configuration errors past the first 50.
const LONG_LINE: usize = 4096;
const DRAWN_PER_LONG_LINE: usize = 20;

/// A finding drawn with its file's text, where the `path:line:column` miette prints above the
/// excerpt counts characters, as every other format does. miette's own sources count the
/// column in bytes, which is wrong after any non-ASCII character on the line.
struct CharColumns<'a> {
    inner: WithSource<'a>,
    name: String,
    text: &'a Text,
}

/// A file's text for excerpts, with where each of its lines starts, so that an excerpt is cut
/// from the lines around its span: miette's own `str` source counts the lines from the start
/// of the file for each excerpt, which made 25,000 findings in one file take minutes.
struct Text {
    text: String,
    /// The byte offset of each line's start; `\n`, `\r` and `\r\n` end a line, as for miette.
    starts: Vec<usize>,
}

impl Text {
    fn new(text: String) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        let mut i = 0;
        while let Some(&b) = bytes.get(i) {
            i += 1;
            if b == b'\r' && bytes.get(i) == Some(&b'\n') {
                i += 1;
            }
            if b == b'\r' || b == b'\n' {
                starts.push(i);
            }
        }
        Self { text, starts }
    }

    /// The line (0-based) that holds byte `offset`.
    fn line_of(&self, offset: usize) -> usize {
        self.starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1)
    }

    /// The byte offset where line `line` starts, or the end of the text past the last line.
    fn start_of(&self, line: usize) -> usize {
        self.starts.get(line).copied().unwrap_or(self.text.len())
    }
}

impl SourceCode for CharColumns<'_> {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        // miette reads the span's lines from a window of whole lines around them (one more
        // on each side than it asks for), and its answer is moved back to the file's offsets.
        let line = self.text.line_of(span.offset());
        let from = self
            .text
            .start_of(line.saturating_sub(context_lines_before + 1));
        let to = self
            .text
            .start_of(self.text.line_of(span.offset() + span.len()) + context_lines_after + 2);
        let window = self.text.text.get(from..to).unwrap_or_default();
        let inside = SourceSpan::from((span.offset().saturating_sub(from), span.len()));
        let contents = window.read_span(&inside, context_lines_before, context_lines_after)?;
        // With no context lines before it, the contents start at the span and their column
        // is the span's own: count the characters from the start of its line.
        let column = if context_lines_before == 0 {
            let line_start = self.text.start_of(line);
            let before = self
                .text
                .text
                .as_bytes()
                .get(line_start..span.offset())
                .unwrap_or_default();
            let before = before.strip_prefix(crate::source::BOM).unwrap_or(before);
            count_chars(before)
        } else {
            contents.column()
        };
        let contents = Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            contents.data(),
            SourceSpan::from((contents.span().offset() + from, contents.span().len())),
            contents.line() + self.text.line_of(from),
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
