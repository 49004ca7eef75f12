//! Language front-ends: syntax in, import sites out. A front-end never touches the
//! filesystem, so every syntax case is unit-tested from an inline string; resolving what a
//! specifier names is `resolve`'s job.
//!
//! Layer `lang`: imports only `core`. Front-ends are independent of each other; what they
//! share lives here.

pub mod python;
pub mod rust;
pub mod typescript;

use std::cell::RefCell;
use std::ops::Range;
use std::path::Path;

use crate::source::BOM;

/// The languages archgate reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Lang {
    Python,
    Rust,
    TypeScript,
}

/// How an import site names its module. Printed in `graph` output as [`ImportKind::as_str`].
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum ImportKind {
    /// A static import statement.
    Import,
    /// An import only the type checker follows (`if TYPE_CHECKING:`, `import type`).
    Type,
    /// A call that imports by a literal name at run time (`importlib.import_module("x")`,
    /// `import("x")`).
    Dynamic,
    /// A `CommonJS` `require("x")` or `import x = require("x")`.
    Require,
    /// A re-export: `export … from "x"`, `export * from "x"`, Rust `pub use`.
    Reexport,
    /// A Rust `use` tree leaf (`pub use` is a [`ImportKind::Reexport`]).
    Use,
    /// A Rust `mod x;` declaration, with or without `#[path = "…"]`.
    Mod,
    /// A Rust path in code (expression, type, pattern, attribute, macro) that names a module:
    /// `crate::a::f()` with no `use`.
    Path,
    /// A Rust `extern crate x;`.
    ExternCrate,
    /// A dependency declared in a manifest (`Cargo.toml`).
    Manifest,
}

impl ImportKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ImportKind::Import => "import",
            ImportKind::Type => "type",
            ImportKind::Dynamic => "dynamic",
            ImportKind::Require => "require",
            ImportKind::Reexport => "reexport",
            ImportKind::Use => "use",
            ImportKind::Mod => "mod",
            ImportKind::Path => "path",
            ImportKind::ExternCrate => "extern-crate",
            ImportKind::Manifest => "manifest",
        }
    }

    pub fn is_type_only(self) -> bool {
        self == ImportKind::Type
    }
}

/// One import site as written, before resolution.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RawImport {
    /// The module named, exactly as written, in the language's own notation
    /// (`a.b.c`, `..models.User`).
    pub specifier: String,
    pub kind: ImportKind,
    /// Byte span of the site (the module name or string) in the file.
    pub span: Range<usize>,
    /// What the resolver needs besides the specifier; empty for most sites.
    pub context: SiteContext,
}

/// Facts about an import site that its specifier as written cannot carry. Empty (the
/// default) in languages where a file is one module and names carry no attributes.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SiteContext {
    /// The modules declared inline around the site, outermost first (Rust `mod a { … }`):
    /// `super::` and `self::` are relative to the innermost one.
    pub scope: Vec<InlineModule>,
    /// The file the source names for a declared module (Rust `#[path = "…"]` or one
    /// `#[cfg_attr(…, path = "…")]` on `mod x;`), as written. A Rust `mod` site whose
    /// specifier equals its path is an `include!("…")`: the file is part of the module.
    pub path: Option<String>,
    /// The name the site binds instead of the imported one (`use a::b as c`,
    /// `extern crate a as b`); `_` binds nothing.
    pub alias: Option<String>,
    /// A Rust path in code whose last segment is the item it names (a function, constant,
    /// type, trait or macro), never a module: modules are not values, types or macros. An
    /// item may share its name with a child module (`crate::io::util::read_to_end(…)` calls
    /// the function `util` re-exports, not the module `read_to_end`), so the path names the
    /// module before its last segment. False where the path may stop short of its item (a
    /// macro's `$crate::a::$name`).
    pub item: bool,
    /// A Rust `use` leaf `{self}` (`use a::b::{self, c};`): the path names the module `b`
    /// itself, never an item of the same name.
    pub module: bool,
}

/// A module declared inline in a file (Rust `mod a { … }`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct InlineModule {
    pub name: String,
    /// Its `#[path = "…"]`, which names the folder of the files its `mod x;` declare.
    pub path: Option<String>,
}

/// Turns one file's syntax tree into the imports written in it.
///
/// A front-end claims files by extension. Its language's row in the registry
/// (`resolve::LANGUAGES`) may also claim whole file names for it: the manifests of its
/// language (`Cargo.toml`), whose dependencies are import sites too. Such files have no
/// tree-sitter grammar; [`Frontend::imports_without_grammar`] reads them.
pub trait Frontend: Sync {
    /// The language, which is also the key of its row in the registry.
    fn lang(&self) -> Lang;
    /// File extensions this front-end claims, without the dot.
    fn extensions(&self) -> &'static [&'static str];
    /// The grammar for `path`. Not called for files that
    /// [`Frontend::imports_without_grammar`] reads.
    fn grammar(&self, path: &Path) -> tree_sitter::Language;
    /// Whether an error node in this grammar's tree means the file has a syntax error worth a
    /// `syntax-error` warning. `false` for grammars known to reject valid code (the
    /// TypeScript grammar on variance annotations): their error nodes say nothing about the
    /// file, and a warning on valid code would be noise. Imports are read either way.
    fn reports_syntax_errors(&self) -> bool {
        true
    }
    /// Whether `path` is a stub the type checker reads instead of code (`.pyi`, `.d.ts`):
    /// every import in it is type-only.
    fn is_stub(&self, _path: &Path) -> bool {
        false
    }
    /// Whether `package` (an external module as the resolver names it) belongs to the
    /// language's standard library, which every `externals` allowlist allows.
    fn is_stdlib(&self, _package: &str) -> bool {
        false
    }
    /// Every import site in `tree`, in source order. `src` is what was parsed. Must not panic
    /// on any tree, including trees full of errors: it takes what the tree gives.
    fn imports(&self, src: &[u8], tree: &tree_sitter::Tree) -> Vec<RawImport>;

    /// Where the import sites of `src` can be: the islands that are parsed instead of the
    /// whole file, which is most of the cost saved on files whose code is not imports.
    /// `None` (the default) parses the whole file. A front-end returns islands only when it
    /// is sure that parsing them gives exactly the sites the whole file gives, and `None` when
    /// in doubt. `src` has no NUL bytes and no lone `\r` (see [`extract`]).
    fn islands(&self, _src: &[u8]) -> Option<Islands> {
        None
    }

    /// Import statements that a syntax error before them kept out of `found` (what
    /// [`Frontend::imports`] gave for `tree`, which has an error): their byte ranges, each
    /// parsed again on its own. Called only for trees with errors; a file whose imports were
    /// recovered so gets a syntax-error warning even where [`Frontend::reports_syntax_errors`]
    /// is `false`, since the error did matter. Empty (the default) recovers nothing.
    fn lost_imports(
        &self,
        _src: &[u8],
        _tree: &tree_sitter::Tree,
        _found: &[RawImport],
    ) -> Vec<Range<usize>> {
        Vec::new()
    }

    /// The import sites of a file read without tree-sitter (a manifest its registry row
    /// claims by name), and the manifest's facts, straight from its bytes; `None` (the
    /// default) means "parse it with [`Frontend::grammar`]". Like [`Frontend::imports`], it
    /// must not panic on any input and never touches the filesystem.
    fn imports_without_grammar(&self, _path: &Path, _src: &[u8]) -> Option<Extracted> {
        None
    }
}

/// An inline `archgate: allow(RULE, …) REASON` comment (SPEC §9), honoured only with
/// `[check] inline_allow = true`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Suppression {
    /// The comment's line and column (1-based).
    pub line: u32,
    pub column: u32,
    /// The line of the import it waives: its own (a trailing comment) or the next (a comment
    /// alone on its line).
    pub target: u32,
    /// The rules named, as written (names or codes).
    pub rules: Vec<String>,
    /// What follows the parenthesis; a suppression without one waives nothing.
    pub reason: String,
}

/// The suppression comments of a file: `archgate: allow(…)` right after a `#` or `//`
/// comment marker. Found by a scan of the bytes, whatever the language: a marker inside a
/// string would need the string to spell out the whole marker, which no import does.
///
/// One pass, linear in the file whatever it holds: lines and columns are counted from the
/// previous marker, and a marker's rules and reason end at the end of its line or at the
/// next marker, whichever comes first (several markers on one line each get their own).
pub fn suppressions(src: &[u8]) -> Vec<Suppression> {
    const MARK: &[u8] = b"archgate: allow(";
    let marks: Vec<usize> = memchr::memmem::find_iter(src, MARK).collect();
    let chars = |range: Range<usize>| {
        String::from_utf8_lossy(src.get(range).unwrap_or_default())
            .chars()
            .count()
    };
    let mut out = Vec::new();
    // Where the previous marker was: its offset, line, line start and column (in
    // characters, 0-based), and the first byte of its line that is not blank.
    let (mut prev, mut line, mut line_start, mut column) = (0, 1usize, 0, 0);
    let mut first_code = None;
    for (k, &at) in marks.iter().enumerate() {
        let between = src.get(prev..at).unwrap_or_default();
        if let Some(i) = memchr::memrchr(b'\n', between) {
            line += memchr::memchr_iter(b'\n', between).count();
            line_start = prev + i + 1;
            column = chars(line_start..at);
            first_code = None;
        } else {
            column += chars(prev..at);
        }
        prev = at;
        // The comment marker right before, blanks between.
        let mut end = at;
        while end > line_start && src.get(end - 1).is_some_and(u8::is_ascii_whitespace) {
            end -= 1;
        }
        let before = src.get(line_start..end).unwrap_or_default();
        let code_end = if before.ends_with(b"//") {
            end - 2
        } else if before.ends_with(b"#") {
            end - 1
        } else {
            continue;
        };
        let limit = marks.get(k + 1).copied().unwrap_or(src.len());
        let after = src.get(at + MARK.len()..limit).unwrap_or_default();
        let newline = memchr::memchr(b'\n', after);
        // Cut at the next marker on the same line: drop that marker's `#` or `//`.
        let cut = newline.is_none() && k + 1 < marks.len();
        let after = newline.map_or(after, |i| after.get(..i).unwrap_or_default());
        let Some(close) = memchr::memchr(b')', after) else {
            continue;
        };
        let rules = String::from_utf8_lossy(after.get(..close).unwrap_or_default());
        let reason = String::from_utf8_lossy(after.get(close + 1..).unwrap_or_default());
        // The first byte of the line that is not blank, found once per line: the comment is
        // alone on its line when that byte is its own marker.
        let first = *first_code.get_or_insert_with(|| {
            src.get(line_start..at)
                .unwrap_or_default()
                .iter()
                .position(|b| !b.is_ascii_whitespace())
                .map_or(at, |i| line_start + i)
        });
        let standalone = first >= code_end;
        let line = u32::try_from(line).unwrap_or(u32::MAX);
        out.push(Suppression {
            line,
            column: u32::try_from(column + 1).unwrap_or(u32::MAX),
            target: if standalone {
                line.saturating_add(1)
            } else {
                line
            },
            rules: rules
                .split(',')
                .map(|r| r.trim().to_owned())
                .filter(|r| !r.is_empty())
                .collect(),
            reason: {
                let mut reason = reason.trim();
                if cut {
                    reason = reason
                        .strip_suffix("//")
                        .or_else(|| reason.strip_suffix('#'))
                        .unwrap_or(reason)
                        .trim_end();
                }
                reason.trim_end_matches("*/").trim().to_owned()
            },
        });
    }
    out
}

/// The parts of a file that can hold its import sites (see [`Frontend::islands`]).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Islands {
    /// Byte ranges to parse, in order and disjoint, each ending at the end of a line.
    pub ranges: Vec<Range<usize>>,
    /// For each range: whether its imports are type-only (under `if TYPE_CHECKING:`), which
    /// the parse of the range alone cannot tell.
    pub type_only: Vec<bool>,
    /// A syntax error the scan itself found (an unclosed bracket before an import).
    pub error: Option<usize>,
    /// Whether an error in the islands' tree means the whole file must be parsed after all:
    /// for a prefix cut that may end inside a string or a comment (TypeScript), where only
    /// the whole file gives the true tree.
    pub whole_on_error: bool,
}

/// What extraction found in one file.
#[derive(Debug, Default)]
pub struct Extracted {
    pub imports: Vec<RawImport>,
    /// Byte offset of the first syntax error worth a warning: one in the parsed tree (or
    /// found by the front-end's scan) of a front-end that reports syntax errors, or one that
    /// cost imports which were recovered.
    pub first_error: Option<usize>,
    /// What a manifest declares besides its import sites; `None` for source files.
    pub manifest: Option<Manifest>,
}

/// The facts of a manifest that its language's resolver builds its package model from,
/// read by the front-end with the manifest's import sites (and kept by the cache with them),
/// so that no manifest of the run is read twice.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Manifest {
    /// A `Cargo.toml`.
    Cargo(rust::manifest::CargoManifest),
}

thread_local! {
    // `Parser::parse` takes `&mut self`: one parser per worker thread, reused for every file.
    static PARSER: RefCell<tree_sitter::Parser> = RefCell::new(tree_sitter::Parser::new());
}

/// Parses `bytes` with `frontend` and returns its imports with spans into `bytes`.
/// A leading BOM is skipped for the parser and added back to every span. Only the front-end's
/// islands are parsed when it finds them (see [`Frontend::islands`]), else the whole file.
pub fn extract(frontend: &dyn Frontend, path: &Path, bytes: &[u8]) -> Result<Extracted, String> {
    extract_with(frontend, path, bytes, true)
}

/// [`extract`] with islands on or off: off, the whole file is parsed, which is what islands
/// must always agree with (the property tests compare both).
pub fn extract_with(
    frontend: &dyn Frontend,
    path: &Path,
    bytes: &[u8],
    use_islands: bool,
) -> Result<Extracted, String> {
    let offset = if bytes.starts_with(BOM) { BOM.len() } else { 0 };
    let src = bytes.get(offset..).unwrap_or_default();
    if let Some(mut extracted) = frontend.imports_without_grammar(path, src) {
        for import in &mut extracted.imports {
            import.span = import.span.start + offset..import.span.end + offset;
        }
        extracted.first_error = extracted.first_error.map(|e| e + offset);
        return Ok(extracted);
    }
    // A NUL byte would end the parser's input early; a lone `\r` is a line end to Python
    // and JavaScript but whitespace to their grammars. Both are replaced byte for byte, so
    // every offset stays the same. A NUL byte is a syntax error in itself.
    let nul = memchr::memchr(0, src);
    let src = parser_input(src);
    let src: &[u8] = &src;
    let islands = if use_islands {
        frontend.islands(src)
    } else {
        None
    };
    let mut recovered = false;
    let (mut imports, tree_error, type_only) = match islands {
        Some(islands) if islands.ranges.is_empty() => (Vec::new(), islands.error, Vec::new()),
        Some(islands) => 'islands: {
            let ranges = included_ranges(src, &islands.ranges);
            let tree = if ranges.len() > MAX_ISLANDS {
                None
            } else {
                Some(parse(frontend, path, src, &ranges)?)
            };
            let Some(tree) =
                tree.filter(|t| !(islands.whole_on_error && t.root_node().has_error()))
            else {
                let (imports, error) = whole_file(frontend, path, src, &mut recovered)?;
                break 'islands (imports, error, Vec::new());
            };
            let error = match (first_error(&tree), islands.error) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            let imports = frontend.imports(src, &tree);
            let type_only: Vec<bool> = imports
                .iter()
                .map(|import| {
                    let at = islands
                        .ranges
                        .partition_point(|r| r.start <= import.span.start);
                    at.checked_sub(1)
                        .and_then(|i| islands.type_only.get(i))
                        .copied()
                        .unwrap_or(false)
                })
                .collect();
            (imports, error, type_only)
        }
        None => {
            let (imports, error) = whole_file(frontend, path, src, &mut recovered)?;
            (imports, error, Vec::new())
        }
    };
    // Grammars that reject valid code report an error only when it cost imports.
    let tree_error = tree_error.filter(|_| recovered || frontend.reports_syntax_errors());
    // Stubs (`.pyi`, `.d.ts`) exist for the type checker: every import in them is type-only
    // (SPEC §8).
    let stub = frontend.is_stub(path);
    for (i, import) in imports.iter_mut().enumerate() {
        import.span = import.span.start + offset..import.span.end + offset;
        let checking = type_only.get(i).copied().unwrap_or(false);
        if stub || (checking && import.kind == ImportKind::Import) {
            import.kind = ImportKind::Type;
        }
    }
    let first_error = match (tree_error, nul) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
    .map(|e| e + offset);
    Ok(Extracted {
        imports,
        first_error,
        manifest: None,
    })
}

/// The sites of the whole of `src` and its first error, with the imports a syntax error cost
/// parsed again (`recovered` says whether there were any; see [`Frontend::lost_imports`]).
fn whole_file(
    frontend: &dyn Frontend,
    path: &Path,
    src: &[u8],
    recovered: &mut bool,
) -> Result<(Vec<RawImport>, Option<usize>), String> {
    let tree = parse(frontend, path, src, &[])?;
    let mut imports = frontend.imports(src, &tree);
    let error = first_error(&tree);
    let lost = if error.is_some() {
        frontend.lost_imports(src, &tree, &imports)
    } else {
        Vec::new()
    };
    if !lost.is_empty() {
        // Each lost statement parsed on its own, as a small source: the cost of the
        // statements, not a second parse of the whole file.
        let known = imports.len();
        for range in lost {
            let Some(statement) = src.get(range.clone()) else {
                continue;
            };
            let tree = parse(frontend, path, statement, &[])?;
            imports.extend(frontend.imports(statement, &tree).into_iter().map(|mut i| {
                i.span = i.span.start + range.start..i.span.end + range.start;
                i
            }));
        }
        imports.sort_by_key(|i| i.span.start);
        imports.dedup();
        // Only an error that cost a site is worth a warning.
        *recovered = imports.len() > known;
    }
    Ok((imports, error))
}

/// `src` with NUL bytes as spaces and lone `\r` as `\n`; borrowed when it has neither.
fn parser_input(src: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    let lone_cr = memchr::memchr_iter(b'\r', src).any(|i| src.get(i + 1) != Some(&b'\n'));
    if !lone_cr && memchr::memchr(0, src).is_none() {
        return std::borrow::Cow::Borrowed(src);
    }
    let mut copy = src.to_vec();
    for (i, b) in copy.iter_mut().enumerate() {
        match *b {
            0 => *b = b' ',
            b'\r' if src.get(i + 1) != Some(&b'\n') => *b = b'\n',
            _ => {}
        }
    }
    std::borrow::Cow::Owned(copy)
}

/// The most included ranges one parse takes. tree-sitter's lexer finds its position among
/// the ranges by a search from the first one at each token, so a parse costs tokens × ranges:
/// a file of more islands than this (a hostile one: 100,000 imports between statements) is
/// parsed whole, which islands always agree with.
const MAX_ISLANDS: usize = 256;

/// The tree-sitter ranges of byte ranges `ranges` of `src` (rows and columns counted in
/// bytes). Ranges that touch are one: the parser reads the same text, and fewer ranges cost
/// it less (see [`MAX_ISLANDS`]).
fn included_ranges(src: &[u8], ranges: &[Range<usize>]) -> Vec<tree_sitter::Range> {
    let mut row = 0;
    let mut line_start = 0;
    let mut at = 0;
    let mut point = |to: usize| {
        let seen = src.get(at..to).unwrap_or_default();
        row += memchr::memchr_iter(b'\n', seen).count();
        if let Some(last) = memchr::memrchr(b'\n', seen) {
            line_start = at + last + 1;
        }
        at = to;
        tree_sitter::Point::new(row, to.saturating_sub(line_start))
    };
    let mut merged: Vec<Range<usize>> = Vec::new();
    for range in ranges {
        match merged.last_mut() {
            Some(last) if last.end == range.start => last.end = range.end,
            _ => merged.push(range.clone()),
        }
    }
    merged
        .into_iter()
        .map(|r| tree_sitter::Range {
            start_byte: r.start,
            end_byte: r.end,
            start_point: point(r.start),
            end_point: point(r.end),
        })
        .collect()
}

/// Parses `src` (only `ranges` of it, unless empty) with the thread's parser.
fn parse(
    frontend: &dyn Frontend,
    path: &Path,
    src: &[u8],
    ranges: &[tree_sitter::Range],
) -> Result<tree_sitter::Tree, String> {
    PARSER.with(|cell| {
        let mut parser = cell.borrow_mut();
        parser
            .set_language(&frontend.grammar(path))
            .map_err(|e| format!("grammar cannot be loaded: {e}"))?;
        parser
            .set_included_ranges(ranges)
            .map_err(|e| format!("islands out of order: {e:?}"))?;
        let tree = parser.parse(src, None);
        // The next file is parsed whole unless it has islands of its own.
        let _ = parser.set_included_ranges(&[]);
        tree.ok_or_else(|| "the parser gave up on this file".to_owned())
    })
}

/// The first error or missing node, descending only into subtrees that hold one.
fn first_error(tree: &tree_sitter::Tree) -> Option<usize> {
    let mut node = tree.root_node();
    if !node.has_error() {
        return None;
    }
    let mut cursor = node.walk();
    'descend: loop {
        if node.is_error() || node.is_missing() {
            return Some(node.start_byte());
        }
        for child in node.children(&mut cursor) {
            if child.has_error() {
                node = child;
                continue 'descend;
            }
        }
        return Some(node.start_byte());
    }
}

/// The text of `node` in `src`, lossily decoded.
pub(crate) fn node_text<'a>(
    src: &'a [u8],
    node: tree_sitter::Node<'_>,
) -> std::borrow::Cow<'a, str> {
    String::from_utf8_lossy(src.get(node.byte_range()).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prefix_cut_inside_a_string_falls_back_to_the_whole_file() {
        // The last `import` is inside a docstring: the prefix would end inside it.
        let src = b"import a\n\"\"\"\nimport the rest\nof this text\n\"\"\"\nx = 1\n";
        let found = extract(&python::PyFrontend, Path::new("x.py"), src).unwrap();
        let specs: Vec<&str> = found.imports.iter().map(|i| i.specifier.as_str()).collect();
        assert_eq!(specs, ["a"]);
        assert_eq!(found.first_error, None);
    }

    #[test]
    fn syntax_errors_are_found_where_imports_are_read() {
        // An unclosed bracket at the end: the scan sees it.
        let src = b"import a\nimport b\ndef f(:\n    pass\n";
        let found = extract(&python::PyFrontend, Path::new("x.py"), src).unwrap();
        assert_eq!(found.imports.len(), 2);
        assert_eq!(found.first_error, Some(23));
        // An error the scan cannot see and no island holds is not looked for.
        let src = b"import a\nx = 1 +\n";
        let found = extract(&python::PyFrontend, Path::new("x.py"), src).unwrap();
        assert_eq!(found.imports.len(), 1);
        assert_eq!(found.first_error, None);
        let src = b"def f(:\n    pass\nimport a\n";
        let found = extract(&python::PyFrontend, Path::new("x.py"), src).unwrap();
        assert_eq!(found.first_error, Some(5), "the unclosed bracket");
        assert_eq!(found.imports.len(), 1);
    }

    /// Islands and whole-file parsing agree on every `.py`/`.pyi` file under `dir`:
    /// (files, sites, files parsed whole because the scan was unsure).
    fn compare_tree(dir: &Path) -> (usize, usize, usize) {
        let (mut files, mut sites, mut unsure) = (0, 0, 0);
        let mut stack = vec![dir.to_path_buf()];
        while let Some(dir) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                if !path.extension().is_some_and(|e| e == "py" || e == "pyi") {
                    continue;
                }
                let Ok(bytes) = std::fs::read(&path) else {
                    continue;
                };
                let whole = extract_with(&python::PyFrontend, &path, &bytes, false).unwrap();
                let islands = extract_with(&python::PyFrontend, &path, &bytes, true).unwrap();
                if whole.first_error.is_none() {
                    assert_eq!(islands.imports, whole.imports, "{}", path.display());
                    assert_eq!(islands.first_error, None, "{}", path.display());
                }
                files += 1;
                sites += whole.imports.len();
                if python::PyFrontend.islands(&parser_input(&bytes)).is_none() {
                    unsure += 1;
                }
            }
        }
        (files, sites, unsure)
    }

    /// The same for TypeScript files under `dir`: (files, sites, files whose prefix was
    /// parsed alone).
    fn compare_ts_tree(dir: &Path) -> (usize, usize, usize) {
        let (mut files, mut sites, mut cut) = (0, 0, 0);
        let mut stack = vec![dir.to_path_buf()];
        let frontend = &typescript::TsFrontend;
        while let Some(dir) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    if !path.ends_with("node_modules") {
                        stack.push(path);
                    }
                    continue;
                }
                let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
                if !frontend.extensions().contains(&ext) {
                    continue;
                }
                let Ok(bytes) = std::fs::read(&path) else {
                    continue;
                };
                let whole = extract_with(frontend, &path, &bytes, false).unwrap();
                let islands = extract_with(frontend, &path, &bytes, true).unwrap();
                assert_eq!(islands.imports, whole.imports, "{}", path.display());
                assert_eq!(islands.first_error, whole.first_error, "{}", path.display());
                files += 1;
                sites += whole.imports.len();
                let src = parser_input(&bytes);
                if let Some(found) = frontend.islands(&src) {
                    let parse = parse(frontend, &path, &src, &included_ranges(&src, &found.ranges));
                    if parse.is_ok_and(|t| !t.root_node().has_error()) {
                        cut += 1;
                    }
                }
            }
        }
        (files, sites, cut)
    }

    #[test]
    #[allow(clippy::print_stderr, reason = "says what the comparison covered")]
    fn islands_agree_with_whole_files_on_real_files() {
        // The repository's own Python fixtures, and a corpus named by the environment
        // (`ARCHGATE_ISLANDS_CORPUS=/tmp/corpora/Django-5.1.4`), which the benchmark has.
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let (files, _, _) = compare_tree(&root.join("fixtures"));
        assert!(files > 10, "{files}");
        let (files, _, _) = compare_ts_tree(&root.join("fixtures"));
        assert!(files > 10, "{files}");
        if let Some(dir) = std::env::var_os("ARCHGATE_ISLANDS_CORPUS") {
            for dir in std::env::split_paths(&dir) {
                let (files, sites, unsure) = compare_tree(&dir);
                eprintln!(
                    "{}: {files} Python files, {sites} sites agree; {unsure} files parsed whole",
                    dir.display()
                );
                let (files, sites, cut) = compare_ts_tree(&dir);
                eprintln!(
                    "{}: {files} TypeScript files, {sites} sites agree; {cut} parsed as a prefix",
                    dir.display()
                );
            }
        }
    }
}

/// What the front-ends' unit tests share: a whole-file parse from an inline string.
#[cfg(test)]
pub(crate) mod testing {
    use std::path::Path;

    use super::{Frontend, RawImport};

    /// The import sites `frontend` finds in `src`, parsed whole (no prefix cut, unlike
    /// [`super::extract`]) with the grammar it picks for a file named `file`.
    pub(crate) fn imports(frontend: &dyn Frontend, file: &str, src: &str) -> Vec<RawImport> {
        let mut parser = tree_sitter::Parser::new();
        parser
            .set_language(&frontend.grammar(Path::new(file)))
            .unwrap();
        let tree = parser.parse(src, None).unwrap();
        frontend.imports(src.as_bytes(), &tree)
    }

    /// Each site as (specifier, kind as `graph` prints it, the text its span covers).
    pub(crate) fn sites(
        frontend: &dyn Frontend,
        file: &str,
        src: &str,
    ) -> Vec<(String, &'static str, String)> {
        imports(frontend, file, src)
            .into_iter()
            .map(|i| (i.specifier, i.kind.as_str(), src[i.span].to_owned()))
            .collect()
    }

    /// Each site as `specifier:kind`.
    pub(crate) fn kinds(frontend: &dyn Frontend, file: &str, src: &str) -> Vec<String> {
        sites(frontend, file, src)
            .into_iter()
            .map(|(s, k, _)| format!("{s}:{k}"))
            .collect()
    }
}
