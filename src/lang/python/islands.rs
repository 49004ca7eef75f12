//! The import islands of a Python file: the logical lines that can hold an import site, found
//! by one pass over the bytes that knows strings (prefixes, triple quotes, escapes, f-string
//! replacement fields with their nested strings and format specs), comments, brackets, `\`
//! continuations and indentation, the way Python's tokenizer does. tree-sitter then parses
//! only those lines (see `lang::extract`).
//!
//! An island is the rest of a logical line from the first statement that starts with the
//! `import` or `from` keyword (at the start of the line, after `;`, or after the `:` of a
//! one-line compound statement), or the whole logical line when it names `import_module` or
//! `__import__` in code. Whether its imports are type-only comes from the blocks around it:
//! the scan keeps the stack of open block headers by indentation, as Python does, and marks
//! the consequence of `if TYPE_CHECKING:` / `elif x.TYPE_CHECKING:` (the front-end's rule).
//!
//! Whenever the scan cannot be sure that it sees what the parser would (a string that does not
//! end, a backtick, a stray backslash, a form feed or inconsistent tabs in indentation, a
//! dynamic import inside a block header or decorator, an unusual `TYPE_CHECKING` condition),
//! it returns `None` and the whole file is parsed. A statement that starts with `import` at
//! the start of a physical line inside an unclosed bracket cannot be anything but a syntax
//! error before an import: the scan closes the brackets there, as a lenient tokenizer would,
//! keeps the import, and reports the error at the unclosed bracket.

use std::ops::Range;

use crate::lang::Islands;

/// What may come before the next token: whether it would start a statement.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Prev {
    /// The start of a logical line, or after `;` or a `:` at bracket depth 0.
    StatementStart,
    Other,
}

/// The first token of a logical line, as far as islands care.
#[derive(Clone, Copy, PartialEq, Eq)]
enum First {
    /// `if` or `elif`: its condition may be `TYPE_CHECKING`.
    IfOrElif {
        condition_start: usize,
    },
    /// Another compound statement keyword, a soft keyword that may be one, or a decorator.
    Compound,
    Other,
}

/// One frame of the f-string stack.
#[derive(Clone, Copy)]
enum Frame {
    /// The literal part of an f-string (or t-string).
    FString { quote: u8, triple: bool },
    /// A replacement field `{…}`: code, with its own bracket depth.
    Field { depth: usize },
    /// The format spec after a field's top-level `:`: literal text, nested fields allowed.
    Spec,
}

/// Nesting of f-strings deeper than this is left to the parser.
const MAX_FRAMES: usize = 64;

/// The state of the current logical line.
struct Line {
    /// First significant byte, if the line has started.
    first_at: Option<usize>,
    first: First,
    /// The leading whitespace of its first physical line.
    indent: Range<usize>,
    /// First `:` at bracket depth 0 (not `:=`).
    first_colon: Option<usize>,
    /// Whether the last significant token at depth 0 is a `:` (a block header).
    ends_with_colon: bool,
    /// Start of the first statement that is an import.
    island_at: Option<usize>,
    /// Whether the line names `import_module` or `__import__` in code.
    dynamic: bool,
}

impl Line {
    fn new() -> Self {
        Line {
            first_at: None,
            first: First::Other,
            indent: 0..0,
            first_colon: None,
            ends_with_colon: false,
            island_at: None,
            dynamic: false,
        }
    }
}

/// An open block: the indentation of its header, and whether its body is type-only.
struct Block {
    indent: Range<usize>,
    type_only: bool,
}

/// How a condition decides `TYPE_CHECKING`, as the front-end's `is_type_checking` would.
enum Condition {
    TypeChecking,
    Not,
    Unsure,
}

struct Scanner<'a> {
    src: &'a [u8],
    i: usize,
    /// Bracket depth of top-level code.
    depth: usize,
    /// Where the outermost open bracket of top-level code opened.
    open_at: usize,
    frames: Vec<Frame>,
    prev: Prev,
    /// Start of the current physical line, and whether a token has been seen on it.
    physical_start: usize,
    physical_has_token: bool,
    line: Line,
    blocks: Vec<Block>,
    /// Set when the scan cannot tell what the parser would see.
    unsure: bool,
    /// How many open blocks are type-only.
    type_blocks: usize,
    out: Islands,
}

/// The islands of `src`, or `None` when the scan is unsure and the whole file must be parsed.
/// `src` has no lone `\r` (they are read as `\n` before) and no NUL bytes.
pub(super) fn islands(src: &[u8]) -> Option<Islands> {
    let mut s = Scanner {
        src,
        i: 0,
        depth: 0,
        open_at: 0,
        frames: Vec::new(),
        prev: Prev::StatementStart,
        physical_start: 0,
        physical_has_token: false,
        line: Line::new(),
        blocks: Vec::new(),
        unsure: false,
        type_blocks: 0,
        out: Islands::default(),
    };
    while s.i < src.len() && !s.unsure {
        let step = if s.frames.is_empty() {
            s.code()
        } else {
            s.in_frame()
        };
        s.unsure |= step.is_none();
    }
    if s.unsure || !s.frames.is_empty() {
        return None; // unsure, or an f-string that does not end
    }
    if s.depth > 0 {
        s.error(s.open_at);
    }
    s.end_line(src.len())?;
    (!s.unsure).then_some(s.out)
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

impl Scanner<'_> {
    fn byte(&self, at: usize) -> u8 {
        self.src.get(at).copied().unwrap_or(0)
    }

    fn error(&mut self, at: usize) {
        if self.out.error.is_none_or(|e| at < e) {
            self.out.error = Some(at);
        }
    }

    /// Whether the scanner is in top-level code (not inside an f-string's field).
    fn top_level(&self) -> bool {
        self.frames.is_empty()
    }

    /// One step in code: top-level or inside a replacement field.
    fn code(&mut self) -> Option<()> {
        let b = self.byte(self.i);
        match b {
            b' ' | b'\t' | b'\r' | 0x0c => self.i += 1,
            b'\n' => {
                self.i += 1;
                self.newline();
                self.physical_start = self.i;
                self.physical_has_token = false;
            }
            b'#' => {
                let rest = self.src.get(self.i..).unwrap_or_default();
                self.i += memchr::memchr(b'\n', rest).unwrap_or(rest.len());
            }
            b'\\' => {
                // A continuation joins the next line; anything else is not Python.
                let next = self.byte(self.i + 1);
                if next == b'\n' {
                    self.i += 2;
                } else if next == b'\r' && self.byte(self.i + 2) == b'\n' {
                    self.i += 3;
                } else {
                    return None;
                }
                self.physical_start = self.i;
                self.physical_has_token = false;
            }
            b'`' => return None, // Python 2 backticks, which the grammar reads as strings
            b'\'' | b'"' => {
                let at = self.i;
                self.token(at);
                self.string(at, false)?;
            }
            _ if is_ident(b) && !b.is_ascii_digit() => self.word()?,
            b'0'..=b'9' => {
                let at = self.i;
                self.token(at);
                while self.i < self.src.len()
                    && (is_ident(self.byte(self.i)) || self.byte(self.i) == b'.')
                {
                    self.i += 1;
                }
                self.prev = Prev::Other;
            }
            _ => self.punctuation(b),
        }
        Some(())
    }

    /// Bookkeeping for any significant token starting at `at`.
    fn token(&mut self, at: usize) {
        self.physical_has_token = true;
        if self.top_level() {
            if self.line.first_at.is_none() {
                self.start_line(at);
            }
            if self.depth == 0 {
                self.line.ends_with_colon = false;
            }
        }
    }

    /// A logical line starts at `at`: close the blocks it is not inside of.
    fn start_line(&mut self, at: usize) {
        let indent = self.physical_start..at;
        self.line.first_at = Some(at);
        self.line.indent = indent.clone();
        let ws = self.src.get(indent).unwrap_or_default();
        if ws.contains(&0x0c) || ws.contains(&b'\r') {
            // A form feed resets indentation; leave that to the parser.
            self.unsure = true;
        }
        while let Some(top) = self.blocks.last() {
            let open = self.src.get(top.indent.clone()).unwrap_or_default();
            if ws.len() > open.len() && ws.starts_with(open) {
                break; // inside this block
            }
            if !open.starts_with(ws) {
                self.unsure = true; // tabs and spaces mixed: no order to compare by
            }
            if top.type_only {
                self.type_blocks -= 1;
            }
            self.blocks.pop();
        }
    }

    /// A newline in code.
    fn newline(&mut self) {
        if self.top_level() && self.depth == 0 {
            // The end of a logical line (`end_line` marks the scan unsure when it must).
            let _ = self.end_line(self.i);
        }
    }

    /// Ends the current logical line at `end` (after its newline, or the end of the file).
    fn end_line(&mut self, end: usize) -> Option<()> {
        let line = std::mem::replace(&mut self.line, Line::new());
        self.prev = Prev::StatementStart;
        let Some(first_at) = line.first_at else {
            return Some(());
        };
        let condition = match line.first {
            First::IfOrElif { condition_start } => match line.first_colon {
                Some(colon) => self.condition(condition_start..colon),
                None => Condition::Not,
            },
            _ => Condition::Not,
        };
        if matches!(condition, Condition::Unsure) {
            self.unsure = true;
            return None;
        }
        let header_type = matches!(condition, Condition::TypeChecking);
        let start = if line.dynamic {
            if line.first != First::Other {
                // A call in a header or a decorator: its statement is not one line alone.
                self.unsure = true;
                return None;
            }
            Some(first_at)
        } else {
            line.island_at
        };
        if let Some(start) = start {
            let one_line_body = line.first_colon.is_some_and(|c| start > c);
            let type_only = self.type_blocks > 0 || (header_type && one_line_body);
            self.out.ranges.push(start..end);
            self.out.type_only.push(type_only);
        }
        if line.ends_with_colon {
            if header_type {
                self.type_blocks += 1;
            }
            self.blocks.push(Block {
                indent: line.indent,
                type_only: header_type,
            });
        }
        Some(())
    }

    /// Whether `if`/`elif` condition `range` is `TYPE_CHECKING` or `x.y.TYPE_CHECKING` (an
    /// identifier or an attribute named `TYPE_CHECKING`), as the front-end decides.
    fn condition(&self, range: Range<usize>) -> Condition {
        const NAME: &[u8] = b"TYPE_CHECKING";
        let text: Vec<u8> = self
            .src
            .get(range)
            .unwrap_or_default()
            .iter()
            .copied()
            .filter(|b| !b.is_ascii_whitespace() && *b != b'\\')
            .collect();
        if text == NAME {
            return Condition::TypeChecking;
        }
        let Some(object) = text.strip_suffix(NAME).and_then(|t| t.strip_suffix(b".")) else {
            return Condition::Not;
        };
        let simple = !object.is_empty()
            && object.split(|&b| b == b'.').all(|part| {
                part.first()
                    .is_some_and(|&b| is_ident(b) && !b.is_ascii_digit())
                    && part.iter().all(|&b| is_ident(b))
            });
        if simple {
            Condition::TypeChecking
        } else {
            Condition::Unsure // `f().TYPE_CHECKING`, `a[0].TYPE_CHECKING`: left to the parser
        }
    }

    /// An identifier, keyword or string prefix.
    fn word(&mut self) -> Option<()> {
        let at = self.i;
        let mut end = at;
        while end < self.src.len() && is_ident(self.byte(end)) {
            end += 1;
        }
        let word = self.src.get(at..end).unwrap_or_default();
        let next = self.byte(end);
        if (next == b'\'' || next == b'"') && is_string_prefix(word) {
            self.token(at);
            let fstring = word.iter().any(|b| matches!(b, b'f' | b'F' | b't' | b'T'));
            self.i = end;
            return self.string(end, fstring);
        }
        // A statement that starts with `import` at the start of a physical line inside an
        // unclosed bracket: a syntax error before an import (`x = (1,`, `def f(:`).
        if self.top_level()
            && self.depth > 0
            && !self.physical_has_token
            && (word == b"import" || (word == b"from" && from_import_follows(self.src, end)))
        {
            self.error(self.open_at);
            self.depth = 0;
            let physical_start = self.physical_start;
            self.end_line(physical_start)?;
        }
        self.token(at);
        self.i = end;
        if self.top_level() {
            if self.line.first_at == Some(at) {
                self.line.first = match word {
                    b"if" | b"elif" => First::IfOrElif {
                        condition_start: end,
                    },
                    b"else" | b"while" | b"for" | b"with" | b"def" | b"class" | b"try"
                    | b"except" | b"finally" | b"async" | b"match" | b"case" => First::Compound,
                    _ => First::Other,
                };
            }
            if (word == b"import" || word == b"from")
                && self.prev == Prev::StatementStart
                && self.depth == 0
                && self.line.island_at.is_none()
            {
                self.line.island_at = Some(at);
            }
        }
        if word == b"import_module" || word == b"__import__" {
            self.line.dynamic = true;
        }
        self.prev = Prev::Other;
        Some(())
    }

    /// An operator or bracket at `self.i`.
    fn punctuation(&mut self, b: u8) {
        let at = self.i;
        self.token(at);
        self.i += 1;
        self.prev = Prev::Other;
        if self.line.first_at == Some(at) && b == b'@' {
            self.line.first = First::Compound;
        }
        if let Some(Frame::Field { depth }) = self.frames.last_mut() {
            match b {
                b'(' | b'[' | b'{' => *depth += 1,
                b')' | b']' => *depth = depth.saturating_sub(1),
                b'}' if *depth > 0 => *depth -= 1,
                b'}' => {
                    self.frames.pop(); // back to the f-string's literal part
                }
                b':' if *depth == 0 && self.byte(self.i) != b'=' => {
                    self.frames.push(Frame::Spec);
                }
                _ => {}
            }
            return;
        }
        match b {
            b'(' | b'[' | b'{' => {
                if self.depth == 0 {
                    self.open_at = at;
                }
                self.depth += 1;
            }
            b')' | b']' | b'}' => self.depth = self.depth.saturating_sub(1),
            b';' if self.depth == 0 => self.prev = Prev::StatementStart,
            b':' if self.depth == 0 && self.byte(self.i) != b'=' => {
                self.prev = Prev::StatementStart;
                self.line.first_colon.get_or_insert(at);
                self.line.ends_with_colon = true;
            }
            _ => {}
        }
    }

    /// A string whose quote is at `quote_at`. Plain strings
    /// are skipped to their end; f-strings push a frame.
    fn string(&mut self, quote_at: usize, fstring: bool) -> Option<()> {
        let quote = self.byte(quote_at);
        let triple = self.byte(quote_at + 1) == quote && self.byte(quote_at + 2) == quote;
        self.i = quote_at + if triple { 3 } else { 1 };
        self.prev = Prev::Other;
        if fstring {
            if self.frames.len() >= MAX_FRAMES {
                return None;
            }
            self.frames.push(Frame::FString { quote, triple });
            return Some(());
        }
        loop {
            let rest = self.src.get(self.i..).unwrap_or_default();
            let found = if triple {
                memchr::memchr2(quote, b'\\', rest)
            } else {
                memchr::memchr3(quote, b'\\', b'\n', rest)
            }?;
            let at = self.i + found;
            match self.byte(at) {
                b'\\' => self.i = at + escape_len(self.src, at),
                b'\n' => return None, // a string that does not end on its line
                _ if !triple => {
                    self.i = at + 1;
                    return Some(());
                }
                _ if self.byte(at + 1) == quote && self.byte(at + 2) == quote => {
                    self.i = at + 3;
                    return Some(());
                }
                _ => self.i = at + 1,
            }
        }
    }

    /// One step inside an f-string: its literal part, a field's code, or a format spec.
    fn in_frame(&mut self) -> Option<()> {
        match self.frames.last().copied() {
            Some(Frame::FString { quote, triple }) => {
                let rest = self.src.get(self.i..).unwrap_or_default();
                let found = rest.iter().position(|&b| {
                    b == quote || b == b'\\' || b == b'{' || b == b'}' || (b == b'\n' && !triple)
                })?;
                let at = self.i + found;
                match self.byte(at) {
                    // `\{` escapes nothing: the brace still opens a field, for Python and
                    // for the grammar.
                    b'\\' if matches!(self.byte(at + 1), b'{' | b'}') => self.i = at + 1,
                    b'\\' => self.i = at + escape_len(self.src, at),
                    b'\n' => return None,
                    b'{' if self.byte(at + 1) == b'{' => self.i = at + 2,
                    b'{' => {
                        self.i = at + 1;
                        if self.frames.len() >= MAX_FRAMES {
                            return None;
                        }
                        self.frames.push(Frame::Field { depth: 0 });
                    }
                    b'}' => self.i = at + 1,
                    _ if !triple => {
                        self.i = at + 1;
                        self.frames.pop();
                    }
                    _ if self.byte(at + 1) == quote && self.byte(at + 2) == quote => {
                        self.i = at + 3;
                        self.frames.pop();
                    }
                    _ => self.i = at + 1,
                }
            }
            Some(Frame::Field { .. }) => self.code()?,
            Some(Frame::Spec) => {
                let rest = self.src.get(self.i..).unwrap_or_default();
                let found = rest
                    .iter()
                    .position(|&b| b == b'{' || b == b'}' || b == b'\n' || b == b'\\')?;
                let at = self.i + found;
                self.i = at + 1;
                match self.byte(at) {
                    b'{' => {
                        if self.frames.len() >= MAX_FRAMES {
                            return None;
                        }
                        self.frames.push(Frame::Field { depth: 0 });
                    }
                    b'}' => {
                        // The end of the field the spec belongs to.
                        self.frames.pop();
                        if matches!(self.frames.last(), Some(Frame::Field { .. })) {
                            self.frames.pop();
                        }
                    }
                    // A newline or backslash in a spec: left to the parser.
                    _ => return None,
                }
            }
            None => {}
        }
        Some(())
    }
}

/// How many bytes the escape at `at` (a backslash) covers: the backslash and the next byte,
/// or the next line ending.
fn escape_len(src: &[u8], at: usize) -> usize {
    match (src.get(at + 1), src.get(at + 2)) {
        (Some(b'\r'), Some(b'\n')) => 3,
        (Some(_), _) => 2,
        (None, _) => 1,
    }
}

/// A string prefix as the grammar reads one: any run of `r u f t b` in any case (Python's
/// own prefixes, `rb` or `Rf`, and Python 2's `ur`), right before the quote.
fn is_string_prefix(word: &[u8]) -> bool {
    word.iter()
        .all(|b| matches!(b.to_ascii_lowercase(), b'r' | b'u' | b'f' | b't' | b'b'))
}

/// Whether `from` ending at `end` is followed, on its line, by a module name and `import`.
fn from_import_follows(src: &[u8], end: usize) -> bool {
    let rest = src.get(end..).unwrap_or_default();
    let line = rest
        .get(..memchr::memchr(b'\n', rest).unwrap_or(rest.len()))
        .unwrap_or_default();
    let mut words = line
        .split(u8::is_ascii_whitespace)
        .filter(|w| !w.is_empty());
    let module = words.next();
    module.is_some_and(|m| m.iter().all(|&b| is_ident(b) || b == b'.'))
        && words.next() == Some(b"import".as_slice())
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::lang::{Extracted, extract_with, python::PyFrontend};

    fn both(src: &[u8]) -> (Extracted, Extracted) {
        let path = Path::new("x.py");
        (
            extract_with(&PyFrontend, path, src, true).unwrap(),
            extract_with(&PyFrontend, path, src, false).unwrap(),
        )
    }

    /// The sites found with islands, as `specifier:kind`, checked equal to the whole file's.
    fn sites(src: &str) -> Vec<String> {
        let (islands, whole) = both(src.as_bytes());
        assert_eq!(islands.imports, whole.imports, "{src}");
        assert_eq!(islands.first_error, whole.first_error, "{src}");
        islands
            .imports
            .iter()
            .map(|i| format!("{}:{}", i.specifier, i.kind.as_str()))
            .collect()
    }

    fn scanned(src: &str) -> Option<Vec<&str>> {
        let found = islands(src.as_bytes())?;
        Some(found.ranges.iter().map(|r| &src[r.clone()]).collect())
    }

    #[test]
    fn islands_are_the_import_lines() {
        let src = "\"\"\"Doc.\n\nimport fake\n\"\"\"\nimport a\n\ndef f():\n    from b import (c,\n        d)  # note\n    return 1\nx = 1; import e\n";
        assert_eq!(
            scanned(src).unwrap(),
            [
                "import a\n",
                "from b import (c,\n        d)  # note\n",
                "import e\n"
            ]
        );
        assert_eq!(scanned("x = 1\n").unwrap(), Vec::<&str>::new());
    }

    #[test]
    fn imports_after_multi_line_strings_and_comments() {
        let src = "s = '''\nimport fake\n'''\nt = \"\"\"it's \\\"\"\" import no\n\"\"\"\nimport a\n\
                   # import fake, 'quote\nu = 'from fake import x'\nv = rb'\\\\'; import b\n\
                   w = Rb\"\"\"\nfrom fake import y\"\"\"\nimport c\n";
        assert_eq!(sites(src), ["a:import", "b:import", "c:import"]);
    }

    #[test]
    fn imports_around_f_strings() {
        let src = "s = f\"{'''\nimport fake\n'''}\"\nimport a\n\
                   t = f'{x!r:>{width}} {{import fake}} {y:{\"<\"}10}'\nimport b\n\
                   u = f\"{f'{z}'}\" ; import c\n\
                   m = f\"{importlib.import_module('in_braces')}\"\n\
                   n = f\"{d['k']:%Y-%m}\"\nimport e\n";
        assert_eq!(
            sites(src),
            [
                "a:import",
                "b:import",
                "c:import",
                "in_braces:dynamic",
                "e:import"
            ]
        );
    }

    #[test]
    fn imports_after_continuations() {
        let src = "x = 1 + \\\n    2\nimport a\nfrom b \\\n    import c\ny = [\n  1,\n]\nimport \\\n  d\n\
                   z = 3; \\\nimport e\n";
        assert_eq!(
            sites(src),
            ["a:import", "b.c:import", "d:import", "e:import"]
        );
    }

    #[test]
    fn imports_in_type_checking_blocks() {
        let src = "from typing import TYPE_CHECKING\nimport typing\n\
                   if TYPE_CHECKING:\n    import a\n    def f():\n        import b\n    if x:\n        pass\n    else:\n        import c\n\
                   else:\n    import d\n\
                   if typing.TYPE_CHECKING:  # pragma: no cover\n\n    # comment\n  # dedented comment\n    from e import f\n\
                   elif y:\n    import g\n\
                   if not TYPE_CHECKING:\n    import h\n\
                   if TYPE_CHECKING: import i; import j\n\
                   if x:\n    pass\nelif a.b . TYPE_CHECKING:\n    import k\n\
                   def outer():\n    if TYPE_CHECKING:\n        import l\n    import m\n\
                   if TYPE_CHECKING or x:\n    import n\n";
        assert_eq!(
            sites(src),
            [
                "typing.TYPE_CHECKING:import",
                "typing:import",
                "a:type",
                "b:type",
                "c:type",
                "d:import",
                "e.f:type",
                "g:import",
                "h:import",
                "i:type",
                "j:type",
                "k:type",
                "l:type",
                "m:import",
                "n:import"
            ]
        );
    }

    #[test]
    fn imports_after_decorators_and_in_compound_statements() {
        let src = "@dec(\n    'import fake',\n)\ndef f():\n    import a\n@property\ndef g(self): import b\n\
                   class C(Base, metaclass=M):\n    from c import d\n\
                   try: import e\nexcept ImportError: import f\nfinally: pass\n\
                   match v:\n    case {'k': 1}:\n        import g\n\
                   async def h():\n    async with x:\n        import i\n\
                   with a as b, c as d: import j\n\
                   for k in l: from . import m\n\
                   while 0:\n\timport n\n";
        assert_eq!(
            sites(src),
            [
                "a:import",
                "b:import",
                "c.d:import",
                "e:import",
                "f:import",
                "g:import",
                "i:import",
                "j:import",
                ".m:import",
                "n:import"
            ]
        );
    }

    #[test]
    fn a_backslash_before_a_brace_still_opens_the_field() {
        // Found by the mutation property test: `\{` escapes nothing in an f-string.
        let src = "o = f\"\\{importlib.import_module('in_f')}\"\nr = rf'\\{__import__(\"raw\")}'\n";
        assert_eq!(sites(src), ["in_f:dynamic", "raw:dynamic"]);
    }

    #[test]
    fn dynamic_imports_are_islands() {
        let src = "import importlib\nm = importlib.import_module(\n    'a.b')\n\
                   def f():\n    return __import__('c')\nx = [import_module('d'), 1]\n";
        assert_eq!(
            sites(src),
            ["importlib:import", "a.b:dynamic", "c:dynamic", "d:dynamic"]
        );
    }

    #[test]
    fn crlf_tabs_and_bom() {
        let src = "\u{feff}import a\r\nif TYPE_CHECKING:\r\n\timport b\r\n\tif x:\r\n\t\timport c\r\nimport d\r\n";
        assert_eq!(sites(src), ["a:import", "b:type", "c:type", "d:import"]);
    }

    #[test]
    fn the_scan_is_unsure_where_the_parser_must_decide() {
        for src in [
            "s = 'no end\nimport a\n",
            "s = '''no end\nimport a\n",
            "s = f'{x\nimport a\n",
            "x = `1`\nimport a\n",
            "x = 1 \\ y\nimport a\n",
            "if x:\n\tif y:\n        import a\n",
            "\x0cimport a\n",
            "if import_module('x'):\n    pass\n",
            "@register(import_module('x'))\ndef f(): pass\n",
            "if f().TYPE_CHECKING:\n    import a\n",
        ] {
            assert_eq!(scanned(src), None, "{src:?}");
        }
        // Unsure files still give every import, from the whole file.
        assert_eq!(sites("if f().TYPE_CHECKING:\n    import a\n"), ["a:type"]);
    }

    #[test]
    fn a_syntax_error_before_an_import_loses_nothing() {
        // Issue 16.5: the whole file's tree swallows the import in each of these.
        for (src, error) in [
            ("if x\nimport a\n", None),
            ("x = (1,\nimport a\n", Some(4)),
            ("x = 1 +\nimport a\n", None),
            (
                "def f(:\n    return [1,\nclass (:\nfrom a import b\n",
                Some(5),
            ),
        ] {
            let (islands, _) = both(src.as_bytes());
            let specs: Vec<&str> = islands
                .imports
                .iter()
                .map(|i| i.specifier.as_str())
                .collect();
            assert!(specs == ["a"] || specs == ["a.b"], "{src:?}: {specs:?}");
            assert_eq!(islands.first_error, error, "{src:?}");
        }
    }

    #[test]
    fn nul_bytes_and_lone_carriage_returns() {
        // A NUL byte is a syntax error, not the end of the file.
        let mut src = b"import a\n".to_vec();
        src.extend(std::iter::repeat_n(b'#', 9000));
        src.extend(b"\x00\nimport b\n");
        let (islands, whole) = both(&src);
        assert_eq!(islands.imports.len(), 2);
        assert_eq!(islands.imports, whole.imports);
        assert_eq!(islands.first_error, Some(9009));
        // CR-only line endings (old Mac files) are line endings.
        let src = b"import a\rif TYPE_CHECKING:\r    import b\rx = 1\r";
        let (islands, whole) = both(src);
        assert_eq!(islands.imports, whole.imports);
        let kinds: Vec<_> = islands.imports.iter().map(|i| i.kind.as_str()).collect();
        assert_eq!(kinds, ["import", "type"]);
        assert_eq!(islands.first_error, None);
    }

    #[test]
    fn hostile_input_scans_in_linear_time() {
        // Deep brackets, deep f-strings, long dotted names, deep indentation: one pass each.
        let deep = "(".repeat(200_000) + "\nimport a\n";
        assert!(islands(deep.as_bytes()).is_some());
        let fstrings = "f'{".repeat(10_000) + "x" + &"}'".repeat(10_000) + "\n";
        assert_eq!(islands(fstrings.as_bytes()), None);
        let mut nested = String::new();
        for i in 0..2_000 {
            nested.push_str(&" ".repeat(i));
            nested.push_str("if TYPE_CHECKING:\n");
        }
        nested.push_str(&" ".repeat(2_000));
        nested.push_str("import a\n");
        let found = islands(nested.as_bytes()).unwrap();
        assert_eq!(found.type_only, [true]);
        let many = "import a;".repeat(100_000) + "(\n" + &"import x\n".repeat(1000);
        assert!(islands(many.as_bytes()).is_some());
    }

    /// One step of a generated file: a statement, a block opened, or a block closed.
    #[derive(Debug, Clone)]
    enum Op {
        Statement(usize),
        Open(usize),
        Close,
    }

    const STATEMENTS: &[&str] = &[
        "import a",
        "import a.b as c, d",
        "from . import x",
        "from ..p import (q,\n    r)",
        "from m import *",
        "from __future__ import annotations",
        "x = 1; import semi",
        "if y: import one_line",
        "if TYPE_CHECKING: from t import one",
        "s = '''\nimport fake\n'''",
        "s = \"import fake\"",
        "# import fake 'quote",
        "s = f\"{x!r:>{w}} {{import fake}}\"",
        "t = f'{\"a\"}'",
        "u = rb'\\\\'",
        "d = {'a': 1,\n    'b': [2,\n        3]}",
        "x = 1 + \\\n    2",
        "from a \\\n    import b",
        "m = importlib.import_module('dyn.mod')",
        "n = __import__('other')",
        "o = f\"{importlib.import_module('in_f')}\"",
        "print('from fake import x')",
        "f = lambda: 0",
        "y: int = 3",
        "z = '''a\nb'''; import after_string",
        "pass",
        "v = f'''\n{w}\nimport fake'''",
        "try: import e\nexcept ImportError: e = None",
        "@decorator('import fake')\ndef g(): return 1",
    ];

    const HEADERS: &[&str] = &[
        "if TYPE_CHECKING:",
        "if typing.TYPE_CHECKING:  # comment",
        "if x:",
        "def f(a, b=(1,\n        2)):",
        "class C(Base):",
        "@dec\ndef g():",
        "with open('x') as fh:",
        "for i in range(3):",
        "while not TYPE_CHECKING:",
        "try:",
        "async def h():",
    ];

    fn line(out: &mut String, unit: &str, newline: &str, depth: usize, text: &str) {
        for l in text.split('\n') {
            out.push_str(&unit.repeat(depth));
            out.push_str(l);
            out.push_str(newline);
        }
    }

    /// A valid Python file built from `ops`: every block holds a statement, every `try` an
    /// `except`, and an `if` may get an `elif TYPE_CHECKING:` or `else:` branch.
    fn build(ops: &[Op], unit: &str, newline: &str, branch: &[u8]) -> String {
        let mut out = String::new();
        // (header index, whether the block has a statement yet)
        let mut open: Vec<(usize, bool)> = Vec::new();
        let mut branches = branch.iter().cycle();
        let mut close = |out: &mut String, open: &mut Vec<(usize, bool)>| {
            let pick = branches.next().copied().unwrap_or(0);
            let Some((header, filled)) = open.pop() else {
                return;
            };
            let depth = open.len();
            if !filled {
                line(out, unit, newline, depth + 1, "pass");
            }
            if HEADERS[header] == "try:" {
                line(out, unit, newline, depth, "except ImportError:");
                line(out, unit, newline, depth + 1, "import in_except");
            } else if HEADERS[header].starts_with("if ") {
                match pick % 3 {
                    0 => {
                        line(out, unit, newline, depth, "elif TYPE_CHECKING:");
                        line(out, unit, newline, depth + 1, "import in_elif");
                    }
                    1 => {
                        line(out, unit, newline, depth, "else:");
                        line(out, unit, newline, depth + 1, "import in_else");
                    }
                    _ => {}
                }
            }
        };
        for op in ops {
            match op {
                Op::Statement(i) => {
                    let text = STATEMENTS[i % STATEMENTS.len()];
                    line(&mut out, unit, newline, open.len(), text);
                    if let Some(top) = open.last_mut() {
                        top.1 = true;
                    }
                }
                Op::Open(i) => {
                    if let Some(top) = open.last_mut() {
                        top.1 = true;
                    }
                    line(
                        &mut out,
                        unit,
                        newline,
                        open.len(),
                        HEADERS[i % HEADERS.len()],
                    );
                    open.push((i % HEADERS.len(), false));
                }
                Op::Close => close(&mut out, &mut open),
            }
        }
        while !open.is_empty() {
            close(&mut out, &mut open);
        }
        out
    }

    fn op() -> impl proptest::strategy::Strategy<Value = Op> {
        use proptest::prelude::*;
        prop_oneof![
            4 => any::<usize>().prop_map(Op::Statement),
            1 => any::<usize>().prop_map(Op::Open),
            1 => Just(Op::Close),
        ]
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

        /// Islands give exactly the whole file's sites (specifier, kind, span) on generated
        /// valid files, in every indentation style and line ending.
        #[test]
        fn islands_agree_with_whole_files_on_generated_files(
            ops in proptest::collection::vec(op(), 0..40),
            unit in proptest::sample::select(vec!["    ", "  ", "\t"]),
            newline in proptest::sample::select(vec!["\n", "\r\n"]),
            branch in proptest::collection::vec(proptest::prelude::any::<u8>(), 1..8),
        ) {
            let src = build(&ops, unit, newline, &branch);
            let (islands, whole) = both(src.as_bytes());
            proptest::prop_assert_eq!(whole.first_error, None, "generated file is invalid:\n{}", src);
            proptest::prop_assert_eq!(islands.imports, whole.imports, "{}", src);
            proptest::prop_assert_eq!(islands.first_error, None);
        }

        /// Any bytes: no panic, and the same sites whenever neither parse sees an error.
        #[test]
        fn islands_never_panic_on_arbitrary_bytes(
            bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..400),
        ) {
            let (islands, whole) = both(&bytes);
            if whole.first_error.is_none() && islands.first_error.is_none() {
                proptest::prop_assert_eq!(islands.imports, whole.imports);
            }
        }

        /// Generated files with one bracket, quote, backslash, comment, colon, line break or
        /// indentation inserted anywhere (mostly invalid Python): no panic, and the same sites
        /// (specifier and span) whenever neither parse sees an error. Kinds may differ there:
        /// the grammar reads `if typing` + newline + `.TYPE_CHECKING:` as one header where
        /// Python (and the scan) sees two broken lines.
        #[test]
        fn islands_agree_on_mutated_files(
            ops in proptest::collection::vec(op(), 0..20),
            cut in proptest::prelude::any::<usize>(),
            insert in proptest::sample::select(
                vec!["(", ")", "'", "\"", "\\", "#", ":", "\n", "f'{", "}", "    ", "'''"],
            ),
        ) {
            let mut src = build(&ops, "    ", "\n", &[0]);
            let mut at = if src.is_empty() { 0 } else { cut % src.len() };
            while !src.is_char_boundary(at) {
                at -= 1;
            }
            src.insert_str(at, insert);
            let (islands, whole) = both(src.as_bytes());
            if whole.first_error.is_none() && islands.first_error.is_none() {
                let sites = |e: &Extracted| -> Vec<(String, Range<usize>)> {
                    e.imports.iter().map(|i| (i.specifier.clone(), i.span.clone())).collect()
                };
                proptest::prop_assert_eq!(sites(&islands), sites(&whole), "{}", src);
            }
        }
    }
}
