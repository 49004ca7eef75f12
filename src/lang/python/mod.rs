//! The Python front-end (`.py`, `.pyi`): every `import` and `from … import` statement anywhere
//! in a file, imports under `if TYPE_CHECKING:` marked type-only, and
//! `importlib.import_module("literal")` / `__import__("literal")` calls as dynamic.
//!
//! Imports are statements, so the walk descends only through statement containers (blocks,
//! `if`/`try`/`with`/`for`/`while`/`match`, function and class bodies) and skips expressions,
//! which hold most of a file's nodes. Only when the file's bytes mention `import_module` or
//! `__import__` does it visit expressions too. A cursor walk over statements is what made
//! extraction cheap next to a whole-tree query: on Django (and on TypeScript and Rust
//! corpora), an import query over the whole tree cost 40–55% on top of parsing, one core,
//! files in memory; the statement walk costs much less. The walk uses an explicit stack:
//! hostile trees are deep.
//!
//! Cheaper still is not parsing what cannot hold an import: `islands` finds the logical lines
//! that can, and only those are parsed (tree-sitter's included ranges), with the
//! `TYPE_CHECKING` context the scan saw around each. On three real projects (Django, `SymPy`,
//! Home Assistant: 12,003 files) the sites are exactly the whole file's.

mod islands;
mod stdlib;
use std::path::Path;

use super::{Frontend, ImportKind, Islands, Lang, RawImport, SiteContext, node_text};

pub struct PyFrontend;

impl Frontend for PyFrontend {
    fn lang(&self) -> Lang {
        Lang::Python
    }

    fn is_stub(&self, path: &Path) -> bool {
        path.extension().is_some_and(|e| e == "pyi")
    }

    fn is_stdlib(&self, package: &str) -> bool {
        stdlib::STDLIB.binary_search(&package).is_ok()
    }

    fn extensions(&self) -> &'static [&'static str] {
        &["py", "pyi"]
    }

    fn grammar(&self, _path: &Path) -> tree_sitter::Language {
        tree_sitter_python::LANGUAGE.into()
    }

    /// The logical lines that start an import statement or name a dynamic import (see
    /// `islands`).
    fn islands(&self, src: &[u8]) -> Option<Islands> {
        islands::islands(src)
    }

    fn imports(&self, src: &[u8], tree: &tree_sitter::Tree) -> Vec<RawImport> {
        let wants_calls = memchr::memmem::find(src, b"import_module").is_some()
            || memchr::memmem::find(src, b"__import__").is_some();
        let mut out = Vec::new();
        let mut cursor = tree.walk();
        // (node, under `if TYPE_CHECKING:`)
        let mut stack = vec![(tree.root_node(), false)];
        while let Some((node, type_only)) = stack.pop() {
            let kind = if type_only {
                ImportKind::Type
            } else {
                ImportKind::Import
            };
            match node.kind() {
                "import_statement" => import_statement(src, node, kind, &mut out),
                "import_from_statement" => from_statement(src, node, kind, &mut out),
                "future_import_statement" => {}
                "call" if wants_calls => {
                    dynamic_call(src, node, &mut out);
                    push_children(node, type_only, &mut cursor, &mut stack);
                }
                // `elif TYPE_CHECKING:` marks its own branch just like `if`.
                "if_statement" | "elif_clause" => {
                    let checking = node
                        .child_by_field_name("condition")
                        .is_some_and(|c| is_type_checking(src, c));
                    let consequence = node.child_by_field_name("consequence").map(|c| c.id());
                    let start = stack.len();
                    for child in node.children(&mut cursor) {
                        let flag = type_only || (checking && Some(child.id()) == consequence);
                        stack.push((child, flag));
                    }
                    stack[start..].reverse();
                }
                kind if wants_calls || is_statement_container(kind) || node.is_error() => {
                    push_children(node, type_only, &mut cursor, &mut stack);
                }
                _ => {}
            }
        }
        out
    }
}

/// Pushes the children so that they pop in source order.
fn push_children<'t>(
    node: tree_sitter::Node<'t>,
    flag: bool,
    cursor: &mut tree_sitter::TreeCursor<'t>,
    stack: &mut Vec<(tree_sitter::Node<'t>, bool)>,
) {
    let start = stack.len();
    stack.extend(node.children(cursor).map(|c| (c, flag)));
    stack[start..].reverse();
}

/// Nodes whose children may be statements.
fn is_statement_container(kind: &str) -> bool {
    matches!(
        kind,
        "module"
            | "block"
            | "elif_clause"
            | "else_clause"
            | "for_statement"
            | "while_statement"
            | "try_statement"
            | "except_clause"
            | "except_group_clause"
            | "finally_clause"
            | "with_statement"
            | "function_definition"
            | "class_definition"
            | "decorated_definition"
            | "match_statement"
            | "case_clause"
    )
}

/// `TYPE_CHECKING` or `typing.TYPE_CHECKING` (any `x.TYPE_CHECKING`).
fn is_type_checking(src: &[u8], condition: tree_sitter::Node<'_>) -> bool {
    match condition.kind() {
        "identifier" => node_text(src, condition) == "TYPE_CHECKING",
        "attribute" => condition
            .child_by_field_name("attribute")
            .is_some_and(|a| node_text(src, a) == "TYPE_CHECKING"),
        _ => false,
    }
}

/// `import a.b.c`, `import a, b as c`: each name is a site.
fn import_statement(
    src: &[u8],
    node: tree_sitter::Node<'_>,
    kind: ImportKind,
    out: &mut Vec<RawImport>,
) {
    let mut cursor = node.walk();
    for name in node.children_by_field_name("name", &mut cursor) {
        let dotted = if name.kind() == "aliased_import" {
            name.child_by_field_name("name")
        } else {
            Some(name)
        };
        if let Some(dotted) = dotted {
            out.push(RawImport {
                specifier: compact(&node_text(src, dotted)),
                kind,
                span: dotted.byte_range(),
                context: SiteContext::default(),
            });
        }
    }
}

/// `from a.b import c, d`, `from ..a import b`, `from . import x`, `from a import *`. Each
/// imported name is a site whose specifier joins module and name (`a.b.c`, `..a.b`, `.x`);
/// the resolver takes the deepest module that exists. A wildcard's site is the module itself.
/// The position is the module name's, as SPEC §3 places every site.
fn from_statement(
    src: &[u8],
    node: tree_sitter::Node<'_>,
    kind: ImportKind,
    out: &mut Vec<RawImport>,
) {
    let Some(module) = node.child_by_field_name("module_name") else {
        return;
    };
    let base = compact(&node_text(src, module));
    let span = module.byte_range();
    let mut cursor = node.walk();
    let mut any = false;
    for name in node.children_by_field_name("name", &mut cursor) {
        let dotted = if name.kind() == "aliased_import" {
            name.child_by_field_name("name")
        } else {
            Some(name)
        };
        let Some(dotted) = dotted else { continue };
        let name = compact(&node_text(src, dotted));
        let specifier = if base.ends_with('.') {
            format!("{base}{name}")
        } else {
            format!("{base}.{name}")
        };
        out.push(RawImport {
            specifier,
            kind,
            span: span.clone(),
            context: SiteContext::default(),
        });
        any = true;
    }
    if !any {
        // `from a import *`, or a statement cut short by a syntax error: the module is the site.
        out.push(RawImport {
            specifier: base,
            kind,
            span,
            context: SiteContext::default(),
        });
    }
}

/// `importlib.import_module("a.b")`, `import_module("a.b")`, `__import__("a.b")` with a plain
/// string literal as first argument.
///
/// A relative name (`".views"`) is relative to the `package` argument, not to the calling
/// file (<https://docs.python.org/3/library/importlib.html#importlib.import_module>): it is
/// kept only when that argument is `__package__` (the file's own package, so the specifier
/// stays file-relative) or a string literal (the name is made absolute here). Otherwise the
/// target is unknown and the call is not a site. `__import__` takes no relative names.
fn dynamic_call(src: &[u8], node: tree_sitter::Node<'_>, out: &mut Vec<RawImport>) {
    let Some(function) = node.child_by_field_name("function") else {
        return;
    };
    let name = compact(&node_text(src, function));
    let is_dunder = match name.as_str() {
        "importlib.import_module" | "import_module" => false,
        "__import__" => true,
        _ => return,
    };
    let Some(arguments) = node.child_by_field_name("arguments") else {
        return;
    };
    let Some(first) = arguments.named_child(0) else {
        return;
    };
    let Some(mut specifier) = string_literal(src, first) else {
        return;
    };
    if specifier.starts_with('.') {
        if is_dunder {
            return;
        }
        match package_argument(src, arguments) {
            Some(Package::Own) => {}
            Some(Package::Named(package)) => match absolute_name(&specifier, &package) {
                Some(absolute) => specifier = absolute,
                None => return,
            },
            None => return,
        }
    }
    out.push(RawImport {
        specifier,
        kind: ImportKind::Dynamic,
        span: first.byte_range(),
        context: SiteContext::default(),
    });
}

/// The `package` argument of `import_module(name, package)`.
enum Package {
    /// `__package__`: the calling file's own package.
    Own,
    /// A string literal.
    Named(String),
}

/// The second positional argument or the `package=` keyword, when it is known statically.
fn package_argument(src: &[u8], arguments: tree_sitter::Node<'_>) -> Option<Package> {
    let mut cursor = arguments.walk();
    let value = arguments
        .named_children(&mut cursor)
        .enumerate()
        .find_map(|(i, arg)| match arg.kind() {
            "keyword_argument" => {
                let key = arg.child_by_field_name("name")?;
                (node_text(src, key) == "package").then(|| arg.child_by_field_name("value"))?
            }
            _ if i == 1 => Some(arg),
            _ => None,
        })?;
    if value.kind() == "identifier" && node_text(src, value) == "__package__" {
        return Some(Package::Own);
    }
    string_literal(src, value).map(Package::Named)
}

/// `importlib.util.resolve_name`: `..models` in package `shop.api` is `shop.models`.
fn absolute_name(relative: &str, package: &str) -> Option<String> {
    let dots = relative.len() - relative.trim_start_matches('.').len();
    let rest = relative.get(dots..)?;
    let parts: Vec<&str> = package.split('.').collect();
    let keep = parts.len().checked_sub(dots - 1).filter(|&k| k > 0)?;
    let mut name = parts.get(..keep)?.join(".");
    if !rest.is_empty() {
        name.push('.');
        name.push_str(rest);
    }
    Some(name)
}

/// The value of a string literal without prefixes, interpolation or escapes, else `None`.
fn string_literal(src: &[u8], node: tree_sitter::Node<'_>) -> Option<String> {
    if node.kind() != "string" {
        return None;
    }
    let mut cursor = node.walk();
    let mut value = None;
    for child in node.children(&mut cursor) {
        match child.kind() {
            "string_start" => {
                let start = node_text(src, child);
                if start.chars().any(|c| c.is_ascii_alphabetic()) {
                    return None; // f"", b"", r"": not a plain module name
                }
            }
            "string_content" => value = Some(node_text(src, child).into_owned()),
            "string_end" => {}
            _ => return None,
        }
    }
    value.filter(|v| !v.is_empty())
}

/// Removes the whitespace, line continuations and comments a dotted name may hold across lines.
fn compact(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && *c != '\\')
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::testing;

    fn imports(src: &str) -> Vec<(String, &'static str, String)> {
        testing::sites(&PyFrontend, "x.py", src)
    }

    fn kinds(src: &str) -> Vec<String> {
        testing::kinds(&PyFrontend, "x.py", src)
    }

    fn specs(src: &str) -> Vec<String> {
        imports(src).into_iter().map(|(s, _, _)| s).collect()
    }

    #[test]
    fn every_import_form() {
        let src = "import a.b.c\nimport a, b as c\nfrom a.b import c, d as e\nfrom . import x\n\
                   from ..a import b\nfrom a import *\nfrom .. import *\nfrom a import (x,\n    y)\n";
        assert_eq!(
            specs(src),
            [
                "a.b.c", "a", "b", "a.b.c", "a.b.d", ".x", "..a.b", "a", "..", "a.x", "a.y"
            ]
        );
    }

    #[test]
    fn site_spans_are_module_names() {
        let found = imports("from pkg.sub import thing\nimport os.path as p\n");
        assert_eq!(found[0].2, "pkg.sub");
        assert_eq!(found[1].2, "os.path");
    }

    #[test]
    fn imports_anywhere_count() {
        let src = "def f():\n    import a\nclass C:\n    from b import c\n\
                   try:\n    import d\nexcept ImportError:\n    import e\nfinally:\n    import f\n\
                   with x:\n    import g\nfor i in y:\n    import h\nwhile 1:\n    import i\n\
                   match v:\n    case 1:\n        import j\n@dec\ndef g():\n    import k\n";
        assert_eq!(
            specs(src),
            ["a", "b.c", "d", "e", "f", "g", "h", "i", "j", "k"]
        );
    }

    #[test]
    fn type_checking_marks_only_the_consequence() {
        let src = "from typing import TYPE_CHECKING\nimport typing\nif TYPE_CHECKING:\n    import a\n\
                   else:\n    import b\nif typing.TYPE_CHECKING:\n    import c\nelif x:\n    import d\n\
                   if not TYPE_CHECKING:\n    import e\n";
        assert_eq!(
            kinds(src),
            [
                "typing.TYPE_CHECKING:import",
                "typing:import",
                "a:type",
                "b:import",
                "c:type",
                "d:import",
                "e:import"
            ]
        );
    }

    #[test]
    fn elif_type_checking_is_type_only() {
        let src = "if x:\n    import a\nelif TYPE_CHECKING:\n    import b\nelse:\n    import c\n\
                   if y:\n    pass\nelif typing.TYPE_CHECKING:\n    import d\n";
        assert_eq!(kinds(src), ["a:import", "b:type", "c:import", "d:type"]);
    }

    #[test]
    fn dynamic_imports_with_literals_only() {
        let src = "import importlib\nm = importlib.import_module(\"pkg.mod\")\n\
                   n = __import__('other')\no = importlib.import_module(name)\np = import_module(f\"x{y}\")\n";
        let found = imports(src);
        assert_eq!(
            found[1],
            ("pkg.mod".into(), "dynamic", "\"pkg.mod\"".into())
        );
        assert_eq!(found[2], ("other".into(), "dynamic", "'other'".into()));
        assert_eq!(found.len(), 3);
    }

    #[test]
    fn relative_dynamic_imports_need_a_known_package() {
        // Found on Django: `import_module(".management", app_config.name)` names a module of
        // another package, not of the calling file's.
        let src = "import_module('.management', app_config.name)\n\
                   import_module('.x')\n\
                   importlib.import_module('.views', __package__)\n\
                   importlib.import_module('..models', package='shop.api')\n\
                   import_module('.a', 'shop')\n\
                   __import__('.b')\n";
        let found: Vec<_> = imports(src)
            .into_iter()
            .map(|(s, _, site)| format!("{s} {site}"))
            .collect();
        assert_eq!(
            found,
            [".views '.views'", "shop.models '..models'", "shop.a '.a'"]
        );
    }

    #[test]
    fn strings_and_comments_are_not_imports() {
        let src = "# import a\ns = 'import b'\nt = \"\"\"\nfrom c import d\n\"\"\"\nprint('from e import f')\n";
        assert!(specs(src).is_empty());
    }

    #[test]
    fn future_imports_are_not_modules() {
        assert_eq!(
            specs("from __future__ import annotations\nimport a\n"),
            ["a"]
        );
    }

    #[test]
    fn broken_files_still_yield_their_imports() {
        let src = "import a\ndef f(:\n    pass\nimport b\nclass (\nfrom c import d\n";
        let found = specs(src);
        for want in ["a", "b", "c.d"] {
            assert!(
                found.iter().any(|s| s == want),
                "{want} missing from {found:?}"
            );
        }
    }
}
