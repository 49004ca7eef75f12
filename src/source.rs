//! Source files as the pipeline sees them: a repo-relative path and the byte → line/column
//! mapping that every report needs.
//!
//! Layer `core`: imports nothing of archgate.

use std::ops::Range;

/// A 1-based position. `column` counts Unicode scalar values from the start of the line, which
/// is what editors show and what SARIF's `unicodeCodePoints` column kind means.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Default,
    serde::Serialize,
    serde::Deserialize,
)]
pub struct Position {
    pub line: u32,
    pub column: u32,
}

/// Where an import site or a finding is: its byte span in the file, and the 1-based line and
/// column of both ends. Computed once, while the bytes are in memory, so reports never reread
/// a file to place a finding.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Region {
    pub start: Position,
    pub end: Position,
    pub bytes: Range<usize>,
}

/// Byte offsets of line starts. Lines end at `\n`, `\r\n` or a lone `\r` (old Mac files, which
/// Python and JavaScript read as line ends), so files count the same lines as an editor does;
/// a BOM is part of the first line's bytes and ignored by column counting.
pub struct LineIndex<'a> {
    src: &'a [u8],
    starts: Vec<usize>,
    /// The last position computed, as (offset, where its count starts, characters between):
    /// the next one on the same line is counted from there, so the sites of a minified line
    /// cost the line's length once, not once per site.
    last: std::cell::Cell<(usize, usize, usize)>,
}

impl<'a> LineIndex<'a> {
    pub fn new(src: &'a [u8]) -> Self {
        let mut starts = vec![0];
        starts.extend(
            memchr::memchr2_iter(b'\n', b'\r', src)
                .filter(|&i| src.get(i) == Some(&b'\n') || src.get(i + 1) != Some(&b'\n'))
                .map(|i| i + 1),
        );
        Self {
            src,
            starts,
            last: std::cell::Cell::new((usize::MAX, 0, 0)),
        }
    }

    /// The position of byte `offset` (clamped to the end of the file).
    pub fn position(&self, offset: usize) -> Position {
        let offset = offset.min(self.src.len());
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts.get(line).copied().unwrap_or(0);
        let mut from = start;
        // The BOM is not a character the user can see.
        if line == 0 && self.src.starts_with(BOM) && offset >= BOM.len() {
            from = BOM.len();
        }
        // Characters are counted per byte (`count_chars`), so counts add up over any split.
        let (last_offset, last_from, last_column) = self.last.get();
        let is_near = last_from == from && last_offset != usize::MAX && last_offset >= from;
        let column = if is_near && offset >= last_offset {
            last_column + self.src.get(last_offset..offset).map_or(0, count_chars)
        } else if is_near && offset >= from {
            let between = self.src.get(offset..last_offset).map_or(0, count_chars);
            last_column.saturating_sub(between)
        } else {
            self.src.get(from..offset).map_or(0, count_chars)
        };
        self.last.set((offset, from, column));
        Position {
            line: u32::try_from(line + 1).unwrap_or(u32::MAX),
            column: u32::try_from(column + 1).unwrap_or(u32::MAX),
        }
    }

    pub fn region(&self, bytes: Range<usize>) -> Region {
        Region {
            start: self.position(bytes.start),
            end: self.position(bytes.end),
            bytes,
        }
    }
}

pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Counts characters the way a lenient UTF-8 decoder would: every byte that does not continue
/// a multi-byte sequence starts a character, so invalid (e.g. Latin-1) bytes count as one each.
pub(crate) fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count()
}

/// Text to show in an excerpt: the file's bytes with every byte that is not valid UTF-8
/// replaced by `?`, so that byte offsets computed on the raw bytes stay valid.
pub fn display_text(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        // Control characters (an escape sequence in a hostile file) become `?` too, one byte
        // for one byte, so that an excerpt cannot drive the reader's terminal.
        out.extend(chunk.valid().chars().map(|c| {
            if c.is_control() && !matches!(c, '\n' | '\r' | '\t') && c.len_utf8() == 1 {
                '?'
            } else {
                c
            }
        }));
        out.extend(std::iter::repeat_n('?', chunk.invalid().len()));
    }
    out
}

/// `text` safe to print on a terminal: every control character but newline and tab (an
/// escape sequence in a file name or a configured text) written as a visible `\x1b`-style
/// escape, so that a hostile repository cannot retitle or clear the terminal of whoever runs
/// the check.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    if !text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\t'))
    {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() && !matches!(c, '\n' | '\t') {
            out.push_str(&format!("\\x{:02x}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// A repo-relative path: `/`-separated, no `.`, `..` or empty segments, `""` for the root.
/// Every file of the run is named so (the walk makes them), and this is the one place that
/// knows how to take such paths apart and put them together; `..` always means the same
/// thing: climbing above the root gives `None`, never a path that wraps around.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RelPath<'a>(&'a str);

impl<'a> RelPath<'a> {
    /// Wraps a repo-relative path (one the walk made, or a folder of one).
    pub fn new(path: &'a str) -> Self {
        Self(path)
    }

    pub fn as_str(self) -> &'a str {
        self.0
    }

    /// `a/b/c.rs` → (`a/b`, `c.rs`); `c.rs` → (`""`, `c.rs`).
    pub fn split(self) -> (RelPath<'a>, &'a str) {
        match self.0.rsplit_once('/') {
            Some((dir, name)) => (Self(dir), name),
            None => (Self(""), self.0),
        }
    }

    /// The folder holding this path (`""` at the root).
    #[must_use]
    pub fn parent(self) -> RelPath<'a> {
        self.split().0
    }

    /// The last segment.
    pub fn file_name(self) -> &'a str {
        self.split().1
    }

    /// The text after the last `.` of the file name, or `""`.
    pub fn extension(self) -> &'a str {
        self.file_name().rsplit_once('.').map_or("", |(_, e)| e)
    }

    /// The rest of this path below the folder `dir` (`""` is the root), if it is inside it.
    pub fn strip_dir(self, dir: &str) -> Option<&'a str> {
        if dir.is_empty() {
            return Some(self.0);
        }
        self.0.strip_prefix(dir)?.strip_prefix('/')
    }

    /// `rel` (which may hold `.`, `..`, empty segments, and `\` as written in a Windows
    /// `#[path]`) read from this folder, normalized; `None` when it climbs above the root.
    pub fn join(self, rel: &str) -> Option<String> {
        let mut parts: Vec<&str> = self.0.split('/').filter(|p| !p.is_empty()).collect();
        for part in rel.split(['/', '\\']) {
            match part {
                "" | "." => {}
                ".." => {
                    parts.pop()?;
                }
                other => parts.push(other),
            }
        }
        Some(parts.join("/"))
    }

    /// `path` normalized as a repo-relative path (see [`RelPath::join`]).
    pub fn normalize(path: &str) -> Option<String> {
        RelPath("").join(path)
    }
}

impl std::fmt::Display for RelPath<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

/// A path relative to the root, with `/` separators, as every output prints it.
pub fn display_path(rel: &std::path::Path) -> String {
    let mut out = String::new();
    for (i, part) in rel.components().enumerate() {
        if i > 0 {
            out.push('/');
        }
        out.push_str(&part.as_os_str().to_string_lossy());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_lines_and_characters() {
        let src = "a\r\nbé = 1\nc".as_bytes();
        let idx = LineIndex::new(src);
        assert_eq!(idx.position(0), Position { line: 1, column: 1 });
        assert_eq!(idx.position(3), Position { line: 2, column: 1 });
        // `=` comes after `b`, `é` (2 bytes) and a space.
        assert_eq!(idx.position(7), Position { line: 2, column: 4 });
        assert_eq!(idx.position(src.len()), Position { line: 3, column: 2 });
        // A lone CR ends a line too.
        let idx = LineIndex::new(b"a\rb\r\nc");
        assert_eq!(idx.position(2), Position { line: 2, column: 1 });
        assert_eq!(idx.position(5), Position { line: 3, column: 1 });
    }

    #[test]
    fn positions_are_the_same_in_any_order_of_queries() {
        let src = b"\xEF\xBB\xBFa\xe9 \xc3\xa9 x; y\r\nb = 1; c\n\nlast".as_slice();
        let fresh = |o: usize| LineIndex::new(src).position(o);
        let forward: Vec<usize> = (0..=src.len()).collect();
        let backward: Vec<usize> = forward.iter().rev().copied().collect();
        let mixed: Vec<usize> = forward.iter().map(|o| (o * 7) % (src.len() + 1)).collect();
        for order in [forward, backward, mixed] {
            let index = LineIndex::new(src);
            for offset in order {
                assert_eq!(index.position(offset), fresh(offset), "offset {offset}");
            }
        }
    }

    #[test]
    fn rel_paths_split_join_and_never_climb_out() {
        let p = RelPath::new("a/b/c.d.ts");
        assert_eq!(p.parent().as_str(), "a/b");
        assert_eq!(p.file_name(), "c.d.ts");
        assert_eq!(p.extension(), "ts");
        assert_eq!(RelPath::new("c.rs").parent().as_str(), "");
        assert_eq!(RelPath::new("Makefile").extension(), "");
        assert_eq!(p.strip_dir("a"), Some("b/c.d.ts"));
        assert_eq!(p.strip_dir(""), Some("a/b/c.d.ts"));
        assert_eq!(RelPath::new("ab/x").strip_dir("a"), None);
        let dir = RelPath::new("src/x");
        assert_eq!(dir.join("./y/../z.rs").as_deref(), Some("src/x/z.rs"));
        assert_eq!(dir.join("../../top.py").as_deref(), Some("top.py"));
        assert_eq!(
            dir.join("../../../outside.py"),
            None,
            "climbing out is not clamped"
        );
        assert_eq!(RelPath::new("").join("a//b").as_deref(), Some("a/b"));
        assert_eq!(
            dir.join("win\\style.rs").as_deref(),
            Some("src/x/win/style.rs")
        );
        assert_eq!(
            RelPath::normalize("a/./b/../c.rs").as_deref(),
            Some("a/c.rs")
        );
        assert_eq!(RelPath::normalize("../x.rs"), None);
    }

    #[test]
    fn control_characters_are_never_printed_raw() {
        assert_eq!(printable("a\u{1b}]0;owned\u{7}b"), "a\\x1b]0;owned\\x07b");
        assert_eq!(printable("line\nnext\ttab"), "line\nnext\ttab");
        let text = display_text(b"import x # \x1b[2J\n");
        assert_eq!(text, "import x # ?[2J\n");
    }

    #[test]
    fn bom_and_latin1_do_not_shift_columns() {
        let src = b"\xEF\xBB\xBFimport x\n# caf\xE9\nimport y";
        let idx = LineIndex::new(src);
        assert_eq!(idx.position(3), Position { line: 1, column: 1 });
        let y = src.len() - 1;
        assert_eq!(idx.position(y), Position { line: 3, column: 8 });
        let text = display_text(src);
        assert_eq!(text.len(), src.len());
    }
}
