//! What archgate finds: rule violations (`Diagnostic`) and per-file trouble (`FileWarning`),
//! in a shape every report format can render without knowing which rule produced it.
//!
//! Layer `core`: imports only `source`. `RuleId` lives here so that `core` never needs `check`.

use std::fmt;

use miette::{LabeledSpan, NamedSource, SourceSpan};
use serde::{Deserialize, Serialize};

use crate::source::Region;

/// A rule's stable identity: the code (`AG001`) never changes meaning; the name is kebab-case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RuleId {
    pub code: &'static str,
    pub name: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A place in another file than the finding's own: the imported module, the `layers.toml`
/// line that declares the rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub path: String,
    pub region: Option<Region>,
    pub message: String,
}

/// The import a finding is about, for the structured formats (JSON, SARIF).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ImportFacts {
    /// The specifier as written (`shop.api.routes`, `..models.User`, `@app/db`).
    pub specifier: String,
    pub type_only: bool,
    /// The imported file, or `None` for an external module.
    pub target: Option<String>,
    pub from_layer: Option<String>,
    pub to_layer: Option<String>,
    /// The groups the broken contract is about (SPEC §6): for `upward-import` the layers; for
    /// other rules the file's module when it has one, else its layer.
    pub from_group: Option<String>,
    pub to_group: Option<String>,
    /// The package name of an external target.
    pub external: Option<String>,
}

/// One link of a chain of imports (an indirect finding's, or a cycle's): the import site and
/// the file it imports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainLink {
    pub path: String,
    pub line: u32,
    pub column: u32,
    pub target: String,
}

/// One finding of one rule, with everything a report needs. Build it with [`Diagnostic::new`]
/// and the chained setters; rules do that in one builder function each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub rule: RuleId,
    pub severity: Severity,
    /// What is wrong, one line, naming both ends and their layers.
    pub message: String,
    /// The file the finding is in, relative to the root.
    pub path: String,
    pub region: Region,
    /// The text under the primary label.
    pub label: String,
    /// The fix instruction (SPEC §5). Never empty for a rule finding.
    pub help: String,
    /// Facts, such as the configured `reason`, word for word.
    pub note: Option<String>,
    pub related: Vec<Location>,
    pub import: Option<ImportFacts>,
    /// The line in `layers.toml` of the contract that was broken (0 for none): findings at
    /// one site sort by it.
    pub contract_line: u32,
    /// Whether the finding is about a chain of imports rather than one import.
    pub indirect: bool,
    /// The chain, in order: for a cycle, the shortest cycle through the finding's import.
    pub chain: Vec<ChainLink>,
}

impl Diagnostic {
    pub fn new(rule: RuleId, severity: Severity, path: impl Into<String>, region: Region) -> Self {
        Self {
            rule,
            severity,
            message: String::new(),
            path: path.into(),
            region,
            label: String::new(),
            help: String::new(),
            note: None,
            related: Vec::new(),
            import: None,
            contract_line: 0,
            indirect: false,
            chain: Vec::new(),
        }
    }

    #[must_use]
    pub fn message(mut self, message: impl Into<String>) -> Self {
        self.message = message.into();
        self
    }

    #[must_use]
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = label.into();
        self
    }

    #[must_use]
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = help.into();
        self
    }

    #[must_use]
    pub fn note(mut self, note: Option<String>) -> Self {
        self.note = note;
        self
    }

    #[must_use]
    pub fn related(mut self, location: Location) -> Self {
        self.related.push(location);
        self
    }

    /// The chain of imports the finding is about.
    #[must_use]
    pub fn chain(mut self, chain: Vec<ChainLink>) -> Self {
        self.chain = chain;
        self
    }

    /// The message, the help, the chain and the note, one per line: the text of formats that
    /// carry a finding as one string (SARIF `message.text`, GitHub annotations).
    pub fn full_text(&self) -> String {
        let mut text = format!("{}\nhelp: {}", self.message, self.help);
        if let Some(chain) = self.chain_text() {
            text.push_str("\nchain: ");
            text.push_str(&chain);
        }
        if let Some(note) = &self.note {
            text.push_str("\nnote: ");
            text.push_str(note);
        }
        text
    }

    /// The chain as text: `a.py:3 → b.py:5 → a.py`.
    pub fn chain_text(&self) -> Option<String> {
        let first = self.chain.first()?;
        let mut text = format!("{}:{}", first.path, first.line);
        for (i, link) in self.chain.iter().enumerate() {
            match self.chain.get(i + 1) {
                Some(next) if next.path == link.target => {
                    text.push_str(&format!(" → {}:{}", next.path, next.line));
                }
                _ => text.push_str(&format!(" → {}", link.target)),
            }
        }
        Some(text)
    }

    /// The `layers.toml` entry of the broken contract, as a related location.
    #[must_use]
    pub fn contract(mut self, location: Location) -> Self {
        self.contract_line = location.region.as_ref().map_or(0, |r| r.start.line);
        self.related.push(location);
        self
    }

    #[must_use]
    pub fn import(mut self, facts: ImportFacts) -> Self {
        self.import = Some(facts);
        self
    }

    /// The order every report uses (SPEC §1): path, line, column, rule code, the line of the
    /// broken contract in `layers.toml`, then the message.
    pub fn sort_key(&self) -> (&str, u32, u32, &str, u32, &str) {
        (
            &self.path,
            self.region.start.line,
            self.region.start.column,
            self.rule.code,
            self.contract_line,
            &self.message,
        )
    }
}

/// Why one source file could not be fully checked. Never fatal: the run goes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WarningKind {
    /// Could not be read (permissions, vanished during the run).
    UnreadableFile,
    /// Not a regular file: FIFO, socket, device, symlink (never followed).
    NotARegularFile,
    /// Holds NUL bytes: not source code.
    BinaryFile,
    /// Larger than the size limit.
    TooLarge,
    /// Holds bytes that are not UTF-8, or its name does; imports are still extracted.
    NotUtf8,
    /// The parser found syntax errors; imports are still extracted from the rest.
    SyntaxError,
    /// Two files would be the same module; the second one is ignored for resolution.
    AmbiguousModule,
    /// A source file that no entry point reaches (a Rust `.rs` file that no `mod` declares
    /// from a crate root): its imports are read, but paths relative to its module cannot be.
    OrphanFile,
    /// A `tsconfig.json` or `package.json` the resolver could not use as written (invalid
    /// JSON, an `extends` that names nothing, a cycle): the imports it would map may be
    /// unresolved.
    BrokenConfig,
    /// A folder that could not be listed: its files are not checked.
    UnreadableFolder,
    /// Imports name a folder of the repository that is not on the import path (a Python
    /// namespace package or `src/` folder with no `[python] roots` entry): they are
    /// unresolved, so no rule sees them.
    OffImportPath,
}

impl WarningKind {
    pub fn as_str(self) -> &'static str {
        match self {
            WarningKind::UnreadableFile => "unreadable-file",
            WarningKind::NotARegularFile => "not-a-regular-file",
            WarningKind::BinaryFile => "binary-file",
            WarningKind::TooLarge => "too-large",
            WarningKind::NotUtf8 => "not-utf8",
            WarningKind::SyntaxError => "syntax-error",
            WarningKind::AmbiguousModule => "ambiguous-module",
            WarningKind::OrphanFile => "orphan-file",
            WarningKind::BrokenConfig => "broken-config",
            WarningKind::UnreadableFolder => "unreadable-folder",
            WarningKind::OffImportPath => "off-import-path",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct FileWarning {
    pub path: String,
    pub kind: WarningKind,
    pub message: String,
}

impl fmt::Display for FileWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// A diagnostic paired with its file's text, which is what miette needs to draw the excerpt.
pub struct WithSource<'a> {
    pub diagnostic: &'a Diagnostic,
    pub source: NamedSource<String>,
}

impl fmt::Debug for WithSource<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.diagnostic, f)
    }
}

impl fmt::Display for WithSource<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::source::printable(&self.diagnostic.message))
    }
}

impl std::error::Error for WithSource<'_> {}

impl miette::Diagnostic for WithSource<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        let rule = self.diagnostic.rule;
        Some(Box::new(format!("{} {}", rule.code, rule.name)))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        let d = self.diagnostic;
        let mut help = d.help.clone();
        if !d.chain.is_empty() {
            help.push_str("\nchain:");
            for link in &d.chain {
                help.push_str(&format!(
                    "\n  {}:{}:{} → {}",
                    link.path, link.line, link.column, link.target
                ));
            }
        }
        if let Some(note) = &d.note {
            help.push_str("\nnote: ");
            help.push_str(note);
        }
        for related in &d.related {
            help.push_str("\nsee: ");
            help.push_str(&related.path);
            if let Some(region) = &related.region {
                help.push_str(&format!(":{}:{}", region.start.line, region.start.column));
            }
            help.push_str(": ");
            help.push_str(&related.message);
        }
        Some(Box::new(crate::source::printable(&help).into_owned()))
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let bytes = &self.diagnostic.region.bytes;
        let span = SourceSpan::from(bytes.start..bytes.end);
        Some(Box::new(std::iter::once(clip_label(
            &LabeledSpan::new_primary_with_span(
                Some(crate::source::printable(&self.diagnostic.label).into_owned()),
                span,
            ),
        ))))
    }
}

/// The longest label underlined: miette's time to draw a line grows faster than its length,
/// so a 400 KB glob or a 1 MB dotted name is underlined over its first 200 bytes.
const MAX_LABEL: usize = 200;

/// `label` underlining at most its first 200 bytes.
/// Its text abbreviated as by [`abbreviate_words`].
pub fn clip_label(label: &LabeledSpan) -> LabeledSpan {
    let span = SourceSpan::from((label.offset(), label.len().min(MAX_LABEL)));
    let text = label.label().map(|t| abbreviate_words(t).into_owned());
    if label.primary() {
        LabeledSpan::new_primary_with_span(text, span)
    } else {
        LabeledSpan::new_with_span(text, span)
    }
}

/// The longest word a drawn message keeps whole.
const MAX_WORD: usize = 200;

/// `text` with every word (a run without whitespace) longer than 200 bytes cut to its first
/// 100 bytes and a note of its length, for miette: its text wrapping takes time that grows
/// faster than a word's length, and a 400 KB glob quoted in a message is unreadable anyway.
/// The structured formats carry the text whole.
pub fn abbreviate_words(text: &str) -> std::borrow::Cow<'_, str> {
    if text.split_whitespace().all(|w| w.len() <= MAX_WORD) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len().min(4096));
    let mut rest = text;
    while !rest.is_empty() {
        let space = rest
            .find(|c: char| !c.is_whitespace())
            .unwrap_or(rest.len());
        out.push_str(rest.get(..space).unwrap_or_default());
        rest = rest.get(space..).unwrap_or_default();
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let word = rest.get(..end).unwrap_or_default();
        if word.len() > MAX_WORD {
            let mut cut = MAX_WORD / 2;
            while !word.is_char_boundary(cut) {
                cut -= 1;
            }
            out.push_str(word.get(..cut).unwrap_or_default());
            out.push_str(&format!("…[{} bytes]", word.len()));
        } else {
            out.push_str(word);
        }
        rest = rest.get(end..).unwrap_or_default();
    }
    std::borrow::Cow::Owned(out)
}

/// The longest excerpt drawn as miette reads it (context lines included).
const MAX_EXCERPT: usize = 1024;
/// Bytes of the label's line kept on each side of the label in a cut excerpt.
const EXCERPT_MARGIN: usize = 80;

/// An excerpt that never holds more than a window of a long line. miette draws the whole line
/// of a label and pads its underline with a formatting width, which panics past column
/// 65,535 (a finding on a minified line) and prints megabytes for a 3 MB line next to the
/// finding: `contents`, read for `span`, longer than 1 KiB is cut to the label's own line, and
/// that line to 80 bytes on each side of the label. Shorter excerpts are returned unchanged.
pub fn clip_excerpt<'a>(
    contents: Box<dyn miette::SpanContents<'a> + 'a>,
    span: &SourceSpan,
    context_lines_before: usize,
) -> Box<dyn miette::SpanContents<'a> + 'a> {
    let data = contents.data();
    if data.len() <= MAX_EXCERPT {
        return contents;
    }
    let base = contents.span().offset();
    let start = span.offset().saturating_sub(base).min(data.len());
    let end = (start + span.len()).min(data.len());
    let is_break = |b: &u8| matches!(b, b'\n' | b'\r');
    let line_start = data
        .get(..start)
        .and_then(|d| d.iter().rposition(is_break))
        .map_or(0, |i| i + 1);
    let line_end = data
        .get(end..)
        .and_then(|d| d.iter().position(is_break))
        .map_or(data.len(), |i| end + i);
    // Cut on character boundaries: a UTF-8 continuation byte never starts or ends the window.
    let is_continuation = |i: usize| data.get(i).is_some_and(|&b| b & 0xC0 == 0x80);
    let mut from = start.saturating_sub(EXCERPT_MARGIN).max(line_start);
    while from > line_start && is_continuation(from) {
        from -= 1;
    }
    let mut to = (end + EXCERPT_MARGIN).min(line_end).max(end);
    while to < line_end && is_continuation(to) {
        to += 1;
    }
    let line = contents.line() + line_breaks(data.get(..line_start).unwrap_or_default());
    // With no context before it, the column is the span's own (the caller's count).
    let column = if context_lines_before == 0 {
        contents.column()
    } else {
        crate::source::count_chars(data.get(line_start..from).unwrap_or_default())
    };
    let window = data.get(from..to).unwrap_or_default();
    let window_span = SourceSpan::from((base + from, window.len()));
    let line_count = line_breaks(window) + 1;
    match contents.name() {
        Some(name) => Box::new(miette::MietteSpanContents::new_named(
            name.to_owned(),
            window,
            window_span,
            line,
            column,
            line_count,
        )),
        None => Box::new(miette::MietteSpanContents::new(
            window,
            window_span,
            line,
            column,
            line_count,
        )),
    }
}

/// Line breaks as miette counts them: `\n`, `\r` and `\r\n` are one each.
fn line_breaks(bytes: &[u8]) -> usize {
    let mut count = 0;
    let mut previous = 0u8;
    for &b in bytes {
        if b == b'\r' || (b == b'\n' && previous != b'\r') {
            count += 1;
        }
        previous = b;
    }
    count
}
