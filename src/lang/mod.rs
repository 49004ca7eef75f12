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

    /// The length of the prefix of `src` that holds every import site; parsing stops there,
    /// which is most of the cost saved on files whose imports sit at the top. It must never
    /// cut an import off: when in doubt, return `src.len()` (the default).
    fn import_prefix_len(&self, src: &[u8]) -> usize {
        src.len()
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
pub fn suppressions(src: &[u8]) -> Vec<Suppression> {
    const MARK: &[u8] = b"archgate: allow(";
    let mut out = Vec::new();
    for at in memchr::memmem::find_iter(src, MARK) {
        let line_start = src
            .get(..at)
            .and_then(|b| memchr::memrchr(b'\n', b))
            .map_or(0, |i| i + 1);
        let before = String::from_utf8_lossy(src.get(line_start..at).unwrap_or_default());
        let before = before.trim_end();
        let Some(code) = before
            .strip_suffix("//")
            .or_else(|| before.strip_suffix('#'))
        else {
            continue;
        };
        let line_end = src
            .get(at..)
            .and_then(|b| memchr::memchr(b'\n', b))
            .map_or(src.len(), |i| at + i);
        let rest = String::from_utf8_lossy(src.get(at + MARK.len()..line_end).unwrap_or_default());
        let Some((rules, reason)) = rest.split_once(')') else {
            continue;
        };
        let line = src
            .get(..at)
            .map_or(0, |b| memchr::memchr_iter(b'\n', b).count())
            + 1;
        let line = u32::try_from(line).unwrap_or(u32::MAX);
        let column = u32::try_from(
            String::from_utf8_lossy(src.get(line_start..at).unwrap_or_default())
                .chars()
                .count()
                + 1,
        )
        .unwrap_or(u32::MAX);
        let standalone = code.trim().is_empty();
        out.push(Suppression {
            line,
            column,
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
            reason: reason.trim().trim_end_matches("*/").trim().to_owned(),
        });
    }
    out
}

/// What extraction found in one file.
#[derive(Debug, Default)]
pub struct Extracted {
    pub imports: Vec<RawImport>,
    /// Byte offset of the first syntax error, if the tree has one.
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
/// A leading BOM is skipped for the parser and added back to every span.
pub fn extract(frontend: &dyn Frontend, path: &Path, bytes: &[u8]) -> Result<Extracted, String> {
    let offset = if bytes.starts_with(BOM) { BOM.len() } else { 0 };
    let src = bytes.get(offset..).unwrap_or_default();
    if let Some(mut extracted) = frontend.imports_without_grammar(path, src) {
        for import in &mut extracted.imports {
            import.span = import.span.start + offset..import.span.end + offset;
        }
        extracted.first_error = extracted.first_error.map(|e| e + offset);
        return Ok(extracted);
    }
    let whole = src;
    let parse = |src: &[u8]| {
        PARSER.with(|cell| {
            let mut parser = cell.borrow_mut();
            parser
                .set_language(&frontend.grammar(path))
                .map_err(|e| format!("grammar cannot be loaded: {e}"))?;
            parser
                .parse(src, None)
                .ok_or_else(|| "the parser gave up on this file".to_owned())
        })
    };
    let mut src = whole
        .get(..frontend.import_prefix_len(whole))
        .unwrap_or(whole);
    let mut tree = parse(src)?;
    // A prefix cut inside a string or a statement shows as a syntax error; so does a real
    // one. Either way, only the whole file gives the true tree.
    if src.len() < whole.len() && tree.root_node().has_error() {
        src = whole;
        tree = parse(src)?;
    }
    let mut imports = frontend.imports(src, &tree);
    // Stubs (`.pyi`, `.d.ts`) exist for the type checker: every import in them is type-only
    // (SPEC §8).
    let stub = frontend.is_stub(path);
    for import in &mut imports {
        import.span = import.span.start + offset..import.span.end + offset;
        if stub {
            import.kind = ImportKind::Type;
        }
    }
    let first_error = first_error(&tree).map(|e| e + offset);
    Ok(Extracted {
        imports,
        first_error,
        manifest: None,
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
    fn syntax_errors_are_found_in_the_whole_file() {
        let src = b"import a\nimport b\ndef f(:\n    pass\n";
        let found = extract(&python::PyFrontend, Path::new("x.py"), src).unwrap();
        assert_eq!(found.imports.len(), 2);
        assert_eq!(
            found.first_error, None,
            "an error after the last import is not looked for"
        );
        let src = b"def f(:\n    pass\nimport a\n";
        let found = extract(&python::PyFrontend, Path::new("x.py"), src).unwrap();
        assert!(found.first_error.is_some());
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
