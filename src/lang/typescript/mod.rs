//! The TypeScript and JavaScript front-end (`.ts .tsx .mts .cts .js .jsx .mjs .cjs`, and
//! declaration files `.d.ts .d.mts .d.cts`): every form of SPEC §3.
//!
//! - Statements: `import … from "s"`, `import "s"`, `import type … from "s"` (type-only),
//!   `export … from "s"`, `export * from "s"`, `export * as ns from "s"`,
//!   `export type … from "s"` (type-only), `import x = require("s")`. `import { type X, Y }`
//!   is not type-only: `Y` is a value.
//! - `/// <reference path="…" />` directives at the top of a file (the TypeScript compiler
//!   counts the file they name; type-only).
//! - Expressions: `require("s")`, `import("s")`, `` import(`s`) `` without substitutions, and
//!   the type `import("s").T` (type-only; the grammar parses it as a call to `import`).
//!
//! Grammar by extension: the TypeScript grammar for `.ts .mts .cts` (it cannot parse JSX), the
//! TSX grammar for everything else (it cannot parse `<T>expr` casts, which `.tsx` and
//! JavaScript files cannot contain either).
//!
//! Import statements live at statement level (the top of the file, and the bodies of
//! `declare module "x" { … }` and namespaces), so the walk visits only statement-level nodes
//! and error nodes. Calls are expressions: only when the file's bytes mention `require` or
//! `import(` does the walk visit every node. The walk uses an explicit stack: hostile trees
//! are deep.
//!
//! tree-sitter-typescript 0.23.2 rejects some valid TypeScript (variance annotations
//! `<in out T>`, some generic call signatures), so its error nodes say little about the file:
//! [`Frontend::reports_syntax_errors`] is `false` here, and imports are read from whatever
//! the tree holds.

mod builtins;
use std::path::Path;

use super::{Frontend, ImportKind, Lang, RawImport, SiteContext, node_text};

pub struct TsFrontend;

impl Frontend for TsFrontend {
    fn lang(&self) -> Lang {
        Lang::TypeScript
    }

    fn is_stub(&self, path: &Path) -> bool {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        [".d.ts", ".d.mts", ".d.cts"]
            .iter()
            .any(|e| name.ends_with(e))
    }

    fn is_stdlib(&self, package: &str) -> bool {
        package.starts_with("node:") || builtins::BUILTINS.binary_search(&package).is_ok()
    }

    fn extensions(&self) -> &'static [&'static str] {
        &["ts", "tsx", "mts", "cts", "js", "jsx", "mjs", "cjs"]
    }

    fn grammar(&self, path: &Path) -> tree_sitter::Language {
        // `a.d.ts` ends in `.ts` too: declaration files take the TypeScript grammar.
        match path.extension().and_then(|e| e.to_str()) {
            Some("ts" | "mts" | "cts") => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
            _ => tree_sitter_typescript::LANGUAGE_TSX.into(),
        }
    }

    fn reports_syntax_errors(&self) -> bool {
        false
    }

    /// Import and re-export statements that start a line, hold a string and gave no site:
    /// an unclosed bracket before them swallowed them into an error or an expression. The
    /// tree itself says whether the keyword is code (not a comment, string, template or JSX
    /// text), so only real statements are parsed again.
    fn lost_imports(
        &self,
        src: &[u8],
        tree: &tree_sitter::Tree,
        found: &[RawImport],
    ) -> Vec<std::ops::Range<usize>> {
        const MAX_LOOKUPS: usize = 1024;
        let mut starts: Vec<usize> = found.iter().map(|i| i.span.start).collect();
        starts.sort_unstable();
        let mut lost = Vec::new();
        let mut checked = 0;
        let mut line_start = 0;
        while line_start < src.len() {
            let line_end = memchr::memchr(b'\n', src.get(line_start..).unwrap_or_default())
                .map_or(src.len(), |i| line_start + i + 1);
            let line = src.get(line_start..line_end).unwrap_or_default();
            let indent = line
                .iter()
                .take_while(|b| matches!(b, b' ' | b'\t'))
                .count();
            let at = line_start + indent;
            let rest = src.get(at..).unwrap_or_default();
            let keyword = [b"import".as_slice(), b"export"]
                .into_iter()
                .find(|k| rest.starts_with(k));
            if let Some(keyword) = keyword
                && !rest.get(keyword.len()).is_some_and(|&b| {
                    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'$' | b'(' | b'.')
                })
                && let Some(end) = statement_end(src, at + keyword.len())
                && lost
                    .last()
                    .is_none_or(|l: &std::ops::Range<usize>| l.end <= at)
                && starts
                    .get(starts.partition_point(|&s| s < at))
                    .is_none_or(|&s| s >= end)
            {
                // Finding the node at a byte costs the tree's depth: a bounded number of
                // lookups keeps hostile files (deep nesting, then thousands of such lines)
                // linear.
                if checked == MAX_LOOKUPS {
                    break;
                }
                checked += 1;
                if is_code(tree, at) {
                    lost.push(at..end);
                }
            }
            line_start = line_end;
        }
        lost
    }

    fn imports(&self, src: &[u8], tree: &tree_sitter::Tree) -> Vec<RawImport> {
        let visit_expressions = mentions_import_call(src);
        let mut out = Vec::new();
        reference_directives(src, tree.root_node(), &mut out);
        let mut cursor = tree.walk();
        let mut stack = vec![tree.root_node()];
        while let Some(node) = stack.pop() {
            match node.kind() {
                "import_statement" => import_statement(src, node, &mut out),
                "export_statement" => {
                    export_statement(src, node, &mut out);
                    // `export declare module`, `export namespace`, and expressions holding
                    // `require` calls.
                    push_children(node, &mut cursor, &mut stack);
                }
                "call_expression" => {
                    import_call(src, node, &mut out);
                    push_children(node, &mut cursor, &mut stack);
                }
                kind if visit_expressions || is_statement_container(kind) || node.is_error() => {
                    push_children(node, &mut cursor, &mut stack);
                }
                _ => {}
            }
        }
        out
    }
}

/// `/// <reference path="./x.ts" />` directives: the comments before the first statement.
/// The path is a file relative to this one, so a bare `x.d.ts` gets a leading `./`; the site
/// is type-only, as the directive adds declarations and no run-time dependency.
fn reference_directives(src: &[u8], root: tree_sitter::Node<'_>, out: &mut Vec<RawImport>) {
    if memchr::memmem::find(src, b"<reference").is_none() {
        return;
    }
    let mut cursor = root.walk();
    for comment in root
        .children(&mut cursor)
        .take_while(|c| c.kind() == "comment")
    {
        let text = node_text(src, comment);
        let Some(directive) = text.strip_prefix("///") else {
            continue;
        };
        let Some(at) = directive.find("path=") else {
            continue;
        };
        if !directive.trim_start().starts_with("<reference") {
            continue;
        }
        let value = directive.get(at + "path=".len()..).unwrap_or_default();
        let Some(quote) = value.chars().next().filter(|q| matches!(q, '"' | '\'')) else {
            continue;
        };
        let Some(end) = value.get(1..).and_then(|v| v.find(quote)) else {
            continue;
        };
        let path = value.get(1..=end).unwrap_or_default();
        if path.is_empty() {
            continue;
        }
        // Span of the quoted value: the comment start, `///`, then the offset in `directive`.
        let start = comment.start_byte() + 3 + at + "path=".len();
        let specifier = if path.starts_with('.') || path.starts_with('/') {
            path.to_owned()
        } else {
            format!("./{path}")
        };
        out.push(RawImport {
            specifier,
            kind: ImportKind::Type,
            span: start..start + end + 2,
            context: SiteContext::default(),
        });
    }
}

/// The end of the import statement whose keyword ends at `from`: the end of the line of its
/// first string, if that string comes before a `;` and closes on its line.
fn statement_end(src: &[u8], from: usize) -> Option<usize> {
    let rest = src.get(from..)?;
    let rest = rest.get(..1024).unwrap_or(rest);
    let quote_at = rest
        .iter()
        .position(|&b| matches!(b, b'\'' | b'"' | b';'))?;
    let quote = *rest.get(quote_at)?;
    // A comment before the string: the string may be the comment's (a `/** … */` example
    // after `export declare const x: {`), which a re-parse of the range would read as code.
    let before = rest.get(..quote_at).unwrap_or_default();
    if quote == b';'
        || memchr::memmem::find(before, b"/*").is_some()
        || memchr::memmem::find(before, b"//").is_some()
    {
        return None;
    }
    let after = rest.get(quote_at + 1..)?;
    let close = after.iter().position(|&b| b == quote || b == b'\n')?;
    if after.get(close) != Some(&quote) {
        return None;
    }
    let end = from + quote_at + 1 + close + 1;
    let tail = src.get(end..).unwrap_or_default();
    Some(end + memchr::memchr(b'\n', tail).map_or(tail.len(), |i| i + 1))
}

/// Whether byte `at` is code in `tree`: not inside a comment, string, template, regex or
/// JSX text.
fn is_code(tree: &tree_sitter::Tree, at: usize) -> bool {
    let Some(node) = tree.root_node().descendant_for_byte_range(at, at + 1) else {
        return true;
    };
    let mut current = Some(node);
    // Strings and comments are shallow: a few levels up at most.
    for _ in 0..4 {
        let Some(n) = current else { break };
        if matches!(
            n.kind(),
            "comment"
                | "string"
                | "string_fragment"
                | "template_string"
                | "regex"
                | "regex_pattern"
                | "jsx_text"
        ) {
            return false;
        }
        current = n.parent();
    }
    true
}

/// Pushes the children so that they pop in source order.
fn push_children<'t>(
    node: tree_sitter::Node<'t>,
    cursor: &mut tree_sitter::TreeCursor<'t>,
    stack: &mut Vec<tree_sitter::Node<'t>>,
) {
    let start = stack.len();
    stack.extend(node.children(cursor));
    if let Some(pushed) = stack.get_mut(start..) {
        pushed.reverse();
    }
}

/// Nodes whose children may be import statements.
fn is_statement_container(kind: &str) -> bool {
    matches!(
        kind,
        "program"
            | "statement_block"
            | "ambient_declaration"
            | "module"
            | "internal_module"
            | "expression_statement"
    )
}

/// Whether `src` may hold a `require(…)` or `import(…)` call, so that expressions are worth
/// visiting. Cheap and permissive: comments and strings also match, but words such as
/// "required" do not (whitespace before the parenthesis is allowed, as in the grammar).
fn mentions_import_call(src: &[u8]) -> bool {
    let is_call = |word: &[u8]| {
        memchr::memmem::find_iter(src, word).any(|at| {
            src.get(at + word.len()..)
                .and_then(|rest| rest.iter().find(|b| !b.is_ascii_whitespace()))
                == Some(&b'(')
        })
    };
    is_call(b"require") || is_call(b"import")
}

/// Whether `node` has a `type` keyword child (`import type`, `export type`). The grammar
/// does not know `export type * from` (TypeScript 5.0) and wraps its `type` in an error node.
fn has_type_keyword(src: &[u8], node: tree_sitter::Node<'_>) -> bool {
    let mut cursor = node.walk();
    node.children(&mut cursor).any(|c| {
        (!c.is_named() && c.kind() == "type") || (c.is_error() && node_text(src, c) == "type")
    })
}

/// `import … from "s"`, `import "s"`, `import type …`, `import x = require("s")`.
fn import_statement(src: &[u8], node: tree_sitter::Node<'_>, out: &mut Vec<RawImport>) {
    let type_only = has_type_keyword(src, node);
    if let Some(source) = node.child_by_field_name("source") {
        let kind = if type_only {
            ImportKind::Type
        } else {
            ImportKind::Import
        };
        push_string(src, source, kind, out);
        return;
    }
    let mut cursor = node.walk();
    let require = node
        .named_children(&mut cursor)
        .find(|c| c.kind() == "import_require_clause");
    if let Some(source) = require.and_then(|r| r.child_by_field_name("source")) {
        let kind = if type_only {
            ImportKind::Type
        } else {
            ImportKind::Require
        };
        push_string(src, source, kind, out);
    }
}

/// `export … from "s"`, `export * from "s"`, `export * as ns from "s"`, `export type … from`.
fn export_statement(src: &[u8], node: tree_sitter::Node<'_>, out: &mut Vec<RawImport>) {
    let Some(source) = node.child_by_field_name("source") else {
        return;
    };
    let kind = if has_type_keyword(src, node) {
        ImportKind::Type
    } else {
        ImportKind::Reexport
    };
    push_string(src, source, kind, out);
}

/// `require("s")`, `import("s")`, `` import(`s`) ``, and the type `import("s").T`.
fn import_call(src: &[u8], node: tree_sitter::Node<'_>, out: &mut Vec<RawImport>) {
    let Some(function) = node.child_by_field_name("function") else {
        return;
    };
    let kind = match function.kind() {
        "import" => {
            if is_in_type(node) {
                ImportKind::Type
            } else {
                ImportKind::Dynamic
            }
        }
        "identifier" if node_text(src, function) == "require" => ImportKind::Require,
        _ => return,
    };
    let Some(first) = node
        .child_by_field_name("arguments")
        .filter(|a| a.kind() == "arguments")
        .and_then(|a| a.named_child(0))
    else {
        return;
    };
    push_string(src, first, kind, out);
}

/// Whether `node` sits in a type annotation or alias: `type T = import("./x").T`,
/// `let v: import("./x").T`.
fn is_in_type(node: tree_sitter::Node<'_>) -> bool {
    // A type around an `import()` is a few ancestors up; each `parent()` costs tree-sitter the
    // node's depth, so 50,000 nested parentheses would cost their square: look 64 up at most.
    const MAX_ANCESTORS: usize = 64;
    let mut current = node.parent();
    let mut seen = 0;
    while let Some(n) = current {
        seen += 1;
        if seen > MAX_ANCESTORS {
            return false;
        }
        match n.kind() {
            "type_alias_declaration"
            | "type_annotation"
            | "type_arguments"
            | "type_query"
            | "generic_type"
            | "nested_type_identifier"
            | "lookup_type"
            | "union_type"
            | "intersection_type"
            | "object_type"
            | "property_signature"
            | "extends_clause"
            | "implements_clause"
            | "index_type_query" => return true,
            // A statement or expression boundary: the call is a value.
            "expression_statement"
            | "variable_declarator"
            | "arguments"
            | "return_statement"
            | "statement_block"
            | "program"
            | "await_expression"
            | "arrow_function" => {
                return false;
            }
            _ => current = n.parent(),
        }
    }
    false
}

/// Adds the site of string literal `node`, if it is a plain string or a template string
/// without substitutions.
fn push_string(
    src: &[u8],
    node: tree_sitter::Node<'_>,
    kind: ImportKind,
    out: &mut Vec<RawImport>,
) {
    if let Some(specifier) = string_value(src, node) {
        out.push(RawImport {
            specifier,
            kind,
            span: node.byte_range(),
            context: SiteContext::default(),
        });
    }
}

/// The value of a `string` or substitution-free `template_string`, escapes decoded; `None`
/// for anything else or an empty string.
fn string_value(src: &[u8], node: tree_sitter::Node<'_>) -> Option<String> {
    if !matches!(node.kind(), "string" | "template_string") {
        return None;
    }
    let mut value = String::new();
    let mut cursor = node.walk();
    for child in node.named_children(&mut cursor) {
        match child.kind() {
            "string_fragment" => value.push_str(&node_text(src, child)),
            "escape_sequence" => value.push_str(&unescape(&node_text(src, child))),
            // `template_substitution`: not a literal name.
            _ => return None,
        }
    }
    (!value.is_empty()).then_some(value)
}

/// One JavaScript escape sequence (`\n`, `\'`, `\u0041`, `\u{1F600}`, `\x41`).
fn unescape(seq: &str) -> String {
    let body = seq.strip_prefix('\\').unwrap_or(seq);
    let code = |hex: &str| u32::from_str_radix(hex, 16).ok().and_then(char::from_u32);
    let decoded = match body.chars().next() {
        Some('n') => Some('\n'),
        Some('t') => Some('\t'),
        Some('r') => Some('\r'),
        Some('0') if body.len() == 1 => Some('\0'),
        Some('u') => code(body.trim_start_matches('u').trim_matches(['{', '}'])),
        Some('x') => body.get(1..).and_then(code),
        // Line continuations vanish.
        Some('\n' | '\r') => return String::new(),
        Some(c) => Some(c),
        None => None,
    };
    decoded.map_or_else(String::new, String::from)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::testing;

    fn imports_in(file: &str, src: &str) -> Vec<(String, &'static str, String)> {
        testing::sites(&TsFrontend, file, src)
    }

    fn kinds_in(file: &str, src: &str) -> Vec<String> {
        testing::kinds(&TsFrontend, file, src)
    }

    fn kinds(src: &str) -> Vec<String> {
        kinds_in("x.ts", src)
    }

    #[test]
    fn every_static_form() {
        let src = r#"import a from "./a";
import { b, c as d } from './b';
import * as e from "./e";
import "./side-effect";
import type { T } from "./types";
import { type X, Y } from "./mixed";
import f, { g } from "./f";
export { h } from "./h";
export * from "./star";
export * as ns from "./ns";
export type { U } from "./utypes";
export type * from "./alltypes";
import q = require("./q");
import type r = require("./r");
export const local = 1;
export { local as renamed };
"#;
        assert_eq!(
            kinds(src),
            [
                "./a:import",
                "./b:import",
                "./e:import",
                "./side-effect:import",
                "./types:type",
                "./mixed:import",
                "./f:import",
                "./h:reexport",
                "./star:reexport",
                "./ns:reexport",
                "./utypes:type",
                "./alltypes:type",
                "./q:require",
                "./r:type",
            ]
        );
    }

    #[test]
    fn recovery_never_reads_an_example_in_a_doc_comment() {
        // effect's `dist/Layer.d.ts`: variance annotations are errors to the grammar, so
        // recovery runs; the import in the doc comment is not code (tsc finds none).
        let src = r#"export interface Layer<in ROut, out E = never, out RIn = never> extends Layer.Variance<ROut, E, RIn>, Pipeable {
}
export declare const mock: {
    /**
     * implementation of the service, and any methods not provided will
     * throw an `UnimplementedError` defect when called.
     * **Example**
     *
     * ```ts
     * import { Context, Effect, Layer } from "effect"
     */
};"#;
        for file in ["Layer.d.ts", "Layer.ts"] {
            let extracted =
                crate::lang::extract(&TsFrontend, std::path::Path::new(file), src.as_bytes())
                    .unwrap();
            assert_eq!(extracted.imports, Vec::new(), "{file}");
        }
    }

    #[test]
    fn site_spans_are_the_strings() {
        let found = imports_in(
            "x.ts",
            "import { a } from \"./a\";\nconst b = require('./b');\n",
        );
        assert_eq!(found[0].2, "\"./a\"");
        assert_eq!(found[1].2, "'./b'");
    }

    #[test]
    fn calls_with_literal_names() {
        let src = r#"const a = require("./a");
async function f() {
  const b = await import("./b");
  const c = await import(`./c`);
  const d = await import(`./d/${name}`);
  const e = await import(name);
  const g = require(name);
  return import ("./spaced");
}
if (x) { module.exports = require("./in-if"); }
type T = import("./t").T;
let v: import("./v").V;
const obj = { load: () => import("./lazy") };
"#;
        assert_eq!(
            kinds(src),
            [
                "./a:require",
                "./b:dynamic",
                "./c:dynamic",
                "./spaced:dynamic",
                "./in-if:require",
                "./t:type",
                "./v:type",
                "./lazy:dynamic",
            ]
        );
    }

    #[test]
    fn require_in_javascript() {
        let src = "'use strict';\nconst { x } = require('./x.js');\nmodule.exports = { y: require('../y') };\n";
        assert_eq!(kinds_in("x.cjs", src), ["./x.js:require", "../y:require"]);
    }

    #[test]
    fn comments_and_strings_are_not_imports() {
        let src = r#"// import a from "./a";
/* import b from "./b"; require("./c") */
const s = 'import d from "./d"';
const t = `import e from "./e"; ${ "require('./f')" }`;
const u = "import('./g')";
/** @example import h from "./h" */
export const v = 1;
"#;
        assert!(kinds(src).is_empty(), "{:?}", kinds(src));
    }

    #[test]
    fn the_call_pre_check_wants_a_parenthesis() {
        assert!(mentions_import_call(b"const a = require (\"x\")"));
        assert!(mentions_import_call(b"await import(\n'x')"));
        assert!(!mentions_import_call(
            b"/** required: the requires list */ import a from 'b';"
        ));
    }

    #[test]
    fn other_calls_and_members_are_not_imports() {
        let src = "foo.require('./a');\nobj.import('./b');\nrequireX('./c');\nrequire`./d`;\n";
        assert!(
            kinds_in("x.js", src).is_empty(),
            "{:?}",
            kinds_in("x.js", src)
        );
    }

    #[test]
    fn jsx_files_parse_with_the_tsx_grammar() {
        let src = "import React from 'react';\nimport { Button } from './Button';\n\
                   export const App = () => <div><Button label=\"import x from './no'\" /></div>;\n";
        assert_eq!(
            kinds_in("App.tsx", src),
            ["react:import", "./Button:import"]
        );
        assert_eq!(
            kinds_in("App.jsx", src),
            ["react:import", "./Button:import"]
        );
    }

    #[test]
    fn angle_bracket_casts_parse_in_ts_files() {
        let src = "import { a } from './a';\nconst x = <number>a;\nimport { b } from './b';\n";
        assert_eq!(kinds_in("x.ts", src), ["./a:import", "./b:import"]);
    }

    #[test]
    fn declaration_files_and_ambient_modules() {
        let src = "declare module 'pkg' {\n  import { X } from './x';\n  export * from './y';\n}\n\
                   declare namespace N { }\n";
        assert_eq!(kinds_in("types.d.ts", src), ["./x:import", "./y:reexport"]);
    }

    #[test]
    fn grammar_errors_keep_the_imports() {
        // Variance annotations are valid TypeScript the grammar rejects.
        let src = "import { a } from './a';\ninterface X<in out T> { f(): T }\n\
                   import type { B } from './b';\nexport const y = import('./c');\n";
        assert_eq!(kinds(src), ["./a:import", "./b:type", "./c:dynamic"]);
    }

    #[test]
    fn reference_path_directives_at_the_top() {
        let src = "/// <reference path=\"./ops/index.ts\" />\n/// <reference path='globals.d.ts'/>\n\
                   /// <reference types=\"node\" />\n// <reference path=\"./no.ts\" />\n\
                   import { a } from './a';\n/// <reference path=\"./late.ts\" />\n";
        let found = imports_in("x.ts", src);
        let kinds: Vec<_> = found.iter().map(|(s, k, _)| format!("{s}:{k}")).collect();
        assert_eq!(
            kinds,
            ["./ops/index.ts:type", "./globals.d.ts:type", "./a:import"]
        );
        assert_eq!(found[0].2, "\"./ops/index.ts\"");
        assert_eq!(found[1].2, "'globals.d.ts'");
    }

    #[test]
    fn escapes_in_specifiers_are_decoded() {
        assert_eq!(kinds("import a from './\\x61';\n"), ["./a:import"]);
    }

    #[test]
    fn grammar_follows_the_extension() {
        for (file, ts) in [
            ("a.ts", true),
            ("a.d.ts", true),
            ("a.d.mts", true),
            ("a.cts", true),
            ("a.tsx", false),
            ("a.js", false),
            ("a.mjs", false),
            ("a.jsx", false),
        ] {
            let is_tsx = TsFrontend
                .grammar(Path::new(file))
                .id_for_node_kind("jsx_element", true)
                != 0;
            assert_eq!(is_tsx, !ts, "{file}");
        }
    }

    fn extracted(file: &str, src: &str) -> (Vec<String>, Option<usize>) {
        let found = crate::lang::extract(&TsFrontend, Path::new(file), src.as_bytes()).unwrap();
        let sites = found
            .imports
            .iter()
            .map(|i| format!("{}:{}", i.specifier, i.kind.as_str()))
            .collect();
        (sites, found.first_error)
    }

    #[test]
    fn an_unclosed_bracket_before_an_import_loses_nothing() {
        // Issue 16.5: each of these lost its imports silently.
        for (src, want) in [
            (
                "const x = foo(\nimport { a } from \"./a\";\nimport b from './b';\nexport * from './c';\n",
                vec!["./a:import", "./b:import", "./c:reexport"],
            ),
            ("let y = [1,\nimport a from './a'\n", vec!["./a:import"]),
            ("function f() {\nimport a from './a'\n", vec!["./a:import"]),
        ] {
            let (sites, error) = extracted("x.ts", src);
            assert_eq!(sites, want, "{src}");
            assert!(
                error.is_some(),
                "the error that cost imports is reported: {src}"
            );
        }
        // The grammar kept this one: nothing to recover, nothing to warn about.
        let src = "const v = (<div>{f(1)}</div>;\nimport type { T } from './t';\n";
        assert_eq!(extracted("x.tsx", src), (vec!["./t:type".to_owned()], None));
    }

    #[test]
    fn recovery_stays_linear_on_hostile_files() {
        // Deep nesting, then thousands of import lines the tree swallowed: the lookups that
        // cost the tree's depth are bounded (1,024 per file); the rest stays a linear scan.
        let src = "(".repeat(5_000) + "\n" + &"import a from './a';\n".repeat(3_000);
        let found = crate::lang::extract(&TsFrontend, Path::new("x.ts"), src.as_bytes()).unwrap();
        assert!(found.first_error.is_some());
    }

    #[test]
    fn import_lines_in_templates_comments_strings_and_jsx_are_not_recovered() {
        let src = "const s = `\nimport a from './in-template'\n`;\n/*\nimport b from './in-comment'\n*/\n\
                   const q = 'a\\\nimport c from \"./in-string\"';\n\
                   const r = /import d from '.\\/in-regex'/;\nlet z = foo(\n";
        let (sites, _) = extracted("x.ts", src);
        assert!(sites.is_empty(), "{sites:?}");
        let src = "const v = <p>\nimport a from './in-jsx-text'\n</p>;\nlet z = [\n";
        let (sites, _) = extracted("x.tsx", src);
        assert!(sites.is_empty(), "{sites:?}");
    }

    #[test]
    fn grammar_errors_that_cost_nothing_stay_quiet() {
        // Variance annotations: valid TypeScript the grammar rejects.
        let src =
            "import { a } from './a';\ninterface X<in out T> { v: T }\nimport b from './b';\n";
        let (sites, error) = extracted("x.ts", src);
        assert_eq!(sites, ["./a:import", "./b:import"]);
        assert_eq!(error, None);
    }

    /// Sites of the real extraction, checked equal to the whole file's.
    fn island_sites(file: &str, src: &str) -> Vec<String> {
        let path = Path::new(file);
        let islands = crate::lang::extract_with(&TsFrontend, path, src.as_bytes(), true).unwrap();
        let whole = crate::lang::extract_with(&TsFrontend, path, src.as_bytes(), false).unwrap();
        assert_eq!(islands.imports, whole.imports, "{src}");
        assert_eq!(islands.first_error, whole.first_error, "{src}");
        islands
            .imports
            .iter()
            .map(|i| format!("{}:{}", i.specifier, i.kind.as_str()))
            .collect()
    }

    #[test]
    fn imports_around_templates_regexes_jsx_and_comments() {
        let src = "const t = `\nimport a from \"./fake\"\n`;\nimport b from \"./b\";\n\
                   const u = `${await import(\"./c\")}`;\nconst r = /['\"]/g; import e from './e';\n\
                   const q = /import\\(\"fake\"\\)/;\n/* from './fake' */\nexport { f } from './f';\n\
                   const later = 1;\n";
        assert_eq!(
            island_sites("x.ts", src),
            ["./b:import", "./c:dynamic", "./e:import", "./f:reexport"]
        );
        let src = "import React from 'react';\nconst v = <div title=\"import x from 'fake'\">\n\
                   import y from 'fake'\n{require('./d')}</div>;\nexport default v;\n";
        assert_eq!(island_sites("x.tsx", src), ["react:import", "./d:require"]);
        // A cut inside a template or comment: the whole file decides.
        let src = "import a from './a';\nconst t = `\n${require('./b')}\n`;\n/*\nrequire('./fake')\n*/\nlet z;\n";
        assert_eq!(island_sites("x.ts", src), ["./a:import", "./b:require"]);
    }
}
