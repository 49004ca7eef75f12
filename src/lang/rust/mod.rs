//! The Rust front-end (`.rs` files and `Cargo.toml` manifests): every place a file names
//! another module, as written, for `resolve::rust` to place in the crate's module tree.
//!
//! Sites (SPEC §3):
//! - each leaf of a `use` tree (`use a::{b, c::{self, d as e}, f::*}` has four), kind `use`,
//!   or `reexport` when the `use` has a visibility (`pub use`, `pub(crate) use`);
//! - `extern crate a;` and `extern crate a as b;` (the alias is kept);
//! - `mod x;`, with its `#[path = "…"]` and the inline modules around it, which decide where
//!   the file is; one site per `#[cfg_attr(…, path = "…")]` alternative;
//! - `include!("file.rs")`, a `mod` site whose specifier is the path: the file is part of
//!   the including module;
//! - paths in code (expressions, types, patterns, `impl … for`, attributes, macro names) that
//!   start with `crate`, `self`, `super`, `$crate` or `::`, or with a lowercase name that may
//!   be a crate of the repository (the resolver drops those that are not: syntax alone
//!   cannot tell `io::Error` from `my_crate::Error`);
//! - the same paths, `use` trees and `mod x;` inside macro token trees (`vec![crate::x()]`,
//!   `cfg_if! { … }`, `macro_rules!` bodies), recovered by scanning the tokens.
//!
//! A path in code ends at an item (a function, constant, type, trait or macro): no syntax
//! takes a module where such a path stands. Its site says so (`SiteContext::item`), since
//! the item may share its name with a module (`crate::io::util::read_to_end(…)`), except
//! where a macro body goes on with what the token scan cannot read (`$crate::a::$name`).
//!
//! Never sites: `Self::`, `<T as Trait>::` (the path ends at a type; the trait inside it
//! still counts), visibility paths `pub(in crate::a)` (in token trees too), comments, doc
//! comments and string literals. Every site records the inline modules around it, since
//! `super::` inside `mod tests { … }` names the file's own module.
//!
//! The walk uses an explicit stack (hostile trees are deep) and visits every node once; the
//! Rust grammar has no statement level to stop at, since paths hide in every expression.
//!
//! The syntax modelled, in the Reference: [use declarations][use] (trees, `self` in a list,
//! `as _`, `pub use`), [paths][paths] and their [qualifiers][qualifiers], [modules][modules]
//! with [the `path` attribute][path] and [`cfg_attr`][cfg-attr], [`extern crate`][extern],
//! [`include!`][include], and [macro invocations][macros], whose input stays unparsed
//! tokens. What a site names is left to the resolver, which knows the edition: syntax is the
//! same in every edition, only the meaning of `use a::b` and `::a` changes. Unit tests from
//! inline sources are in `tests.rs`; fixtures under `fixtures/rust/`: `use-trees`,
//! `paths-in-code`, `comments-and-strings`, `path-attribute`, `cfg-test-module`,
//! `value-paths`.
//!
//! [use]: https://doc.rust-lang.org/reference/items/use-declarations.html
//! [paths]: https://doc.rust-lang.org/reference/paths.html
//! [qualifiers]: https://doc.rust-lang.org/reference/paths.html#path-qualifiers
//! [modules]: https://doc.rust-lang.org/reference/items/modules.html
//! [path]: https://doc.rust-lang.org/reference/items/modules.html#the-path-attribute
//! [cfg-attr]: https://doc.rust-lang.org/reference/conditional-compilation.html#the-cfg_attr-attribute
//! [extern]: https://doc.rust-lang.org/reference/items/extern-crates.html
//! [include]: https://doc.rust-lang.org/std/macro.include.html
//! [macros]: https://doc.rust-lang.org/reference/macros.html#macro-invocation
//!
//! Layer `lang`: imports only `lang/mod.rs` and `core`.

pub mod manifest;

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;

use tree_sitter::Node;

use super::{
    Extracted, Frontend, ImportKind, InlineModule, Lang, RawImport, SiteContext, node_text,
};

pub struct RustFrontend;

impl Frontend for RustFrontend {
    fn lang(&self) -> Lang {
        Lang::Rust
    }

    fn is_stdlib(&self, package: &str) -> bool {
        matches!(package, "std" | "core" | "alloc" | "proc_macro" | "test")
    }

    fn extensions(&self) -> &'static [&'static str] {
        &["rs"]
    }

    // One grammar for every `.rs` file; `Cargo.toml` never reaches it.
    fn grammar(&self, _path: &Path) -> tree_sitter::Language {
        tree_sitter_rust::LANGUAGE.into()
    }

    fn imports(&self, src: &[u8], tree: &tree_sitter::Tree) -> Vec<RawImport> {
        let mut walker = Walker {
            src,
            scopes: Vec::new(),
            mod_attributes: HashMap::new(),
            out: Vec::new(),
        };
        walker.walk(tree.root_node());
        let mut out = walker.out;
        // Token trees and generic arguments are visited out of order; sites are not.
        out.sort_by_key(|i| (i.span.start, i.span.end));
        out
    }

    fn imports_without_grammar(&self, path: &Path, src: &[u8]) -> Option<Extracted> {
        let name = path.file_name()?.to_str()?;
        (name == manifest::FILE_NAME).then(|| manifest::extract(src))
    }
}

/// Crates every Rust program can name without a manifest entry. A path in code that starts
/// with one of them is never a site of this repository. (`core` is in every crate's extern
/// prelude and `std` in every crate that is not `no_std`; `alloc`, `proc_macro` and `test`
/// ship with the toolchain and need at most an `extern crate`.)
pub(crate) const SYSROOT: &[&str] = &["std", "core", "alloc", "proc_macro", "test"];

/// Primitive types, whose associated items look like paths (`u8::MAX`, `str::from_utf8`).
/// They are lowercase like crate names, so `is_code_path` must rule them out by name.
const PRIMITIVES: &[&str] = &[
    "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64", "i128", "isize", "f32",
    "f64", "bool", "char", "str",
];

/// The most segments a path keeps, and the deepest inline module a site is put in. No module
/// tree is this deep, so a longer path names the same module as its first segments (the rest
/// are items); the caps make a hostile `use` tree or `mod` nest of 100,000 levels cost
/// linear time instead of copying every prefix at every level.
const MAX_SEGMENTS: usize = 64;
const MAX_INLINE_DEPTH: usize = 64;

/// The innermost inline module around a node: an index into [`Walker::scopes`], whose
/// entries hold their parent's id; `None` is file level.
type ScopeId = Option<usize>;

/// One file's walk. Sites record their scope by id while walking, and the id becomes the
/// chain of inline modules only when the site is pushed, so entering a module costs nothing
/// per node below it.
struct Walker<'s> {
    src: &'s [u8],
    /// Every inline module met so far, with its parent; a site keeps the id of its innermost.
    scopes: Vec<(ScopeId, InlineModule, usize)>,
    /// The `#[path]` attributes of each `mod` item met among its parent's children, by
    /// node id, until the walk reaches the item.
    mod_attributes: HashMap<usize, Attributed>,
    out: Vec<RawImport>,
}

impl Walker<'_> {
    fn text(&self, node: Node<'_>) -> Cow<'_, str> {
        node_text(self.src, node)
    }

    /// Enters the inline module `module` inside `parent`; returns its id. Two blocks of one
    /// name are two ids here with equal chains; the resolver merges them by name. Below
    /// [`MAX_INLINE_DEPTH`] modules, sites stay in the deepest one.
    fn enter(&mut self, parent: ScopeId, module: InlineModule) -> ScopeId {
        let depth = parent
            .and_then(|id| self.scopes.get(id))
            .map_or(1, |(_, _, depth)| depth + 1);
        if depth > MAX_INLINE_DEPTH {
            return parent;
        }
        self.scopes.push((parent, module, depth));
        Some(self.scopes.len() - 1)
    }

    /// The inline modules from the outermost to `scope`.
    fn scope(&self, mut scope: ScopeId) -> Vec<InlineModule> {
        let mut chain = Vec::new();
        // Each scope's parent was pushed before it, so ids strictly decrease: this ends.
        while let Some((parent, module, _)) = scope.and_then(|id| self.scopes.get(id)) {
            chain.push(module.clone());
            scope = *parent;
        }
        chain.reverse();
        chain
    }

    /// Records one site. `span` is what the site's excerpt underlines: the path as written,
    /// the `mod` name, the `include!` literal. The inline modules of `context` are those
    /// of `scope`.
    fn push(
        &mut self,
        specifier: String,
        kind: ImportKind,
        span: std::ops::Range<usize>,
        scope: ScopeId,
        context: SiteContext,
    ) {
        let context = SiteContext {
            scope: self.scope(scope),
            ..context
        };
        self.out.push(RawImport {
            specifier,
            kind,
            span,
            context,
        });
    }

    /// Visits every node of the tree once. A node that starts sites (a `use`, a `mod`, a
    /// path, a macro call) goes to its handler, and the walk descends into it only where the
    /// handler pushes nodes back (generic arguments of a path, the body of an inline module).
    fn walk(&mut self, root: Node<'_>) {
        let mut stack: Vec<(Node<'_>, ScopeId)> = vec![(root, None)];
        let mut cursor = root.walk();
        while let Some((node, scope)) = stack.pop() {
            match node.kind() {
                // The paths of a `use` tree are all in it: nothing below is visited again.
                "use_declaration" => self.use_declaration(node, scope),
                "extern_crate_declaration" => self.extern_crate(node, scope),
                // `mod x;` is a site. `mod x { … }` is not: it is the scope of the sites in
                // its body, and its `#[path]` is the folder of the files its `mod y;` name.
                // Outer attributes are the item's preceding siblings in this grammar.
                "mod_item" => {
                    let Some(name) = node.child_by_field_name("name") else {
                        continue;
                    };
                    let paths = self
                        .mod_attributes
                        .remove(&node.id())
                        .unwrap_or(Attributed::Conditional(Vec::new()));
                    match node.child_by_field_name("body") {
                        None => self.mod_sites(name, scope, paths),
                        Some(body) => {
                            let module = InlineModule {
                                name: self.text(name).into_owned(),
                                path: paths.first(),
                            };
                            let inner = self.enter(scope, module);
                            stack.push((body, inner));
                        }
                    }
                }
                // The outermost node of `a::b::c` (the grammar nests the prefix `a::b` inside
                // it): one site for the whole path, never one per prefix.
                "scoped_identifier" | "scoped_type_identifier" => {
                    self.code_path(node, scope, &mut stack);
                }
                // The macro's own path (`cfg_if::cfg_if!`) may name a crate of the repository;
                // its input is a token tree the grammar does not parse.
                "macro_invocation" => {
                    self.include(node, scope);
                    for child in node.children(&mut cursor) {
                        match child.kind() {
                            "scoped_identifier" => stack.push((child, scope)),
                            "token_tree" => self.tokens(child, scope),
                            _ => {}
                        }
                    }
                }
                "macro_definition" => {
                    // Only the expansions: the matchers hold fragment specifiers, not paths.
                    for rule in node.children(&mut cursor) {
                        if let Some(right) = rule.child_by_field_name("right") {
                            self.tokens(right, scope);
                        }
                    }
                }
                // Attribute arguments: `#[derive(crate::Trait)]`.
                "token_tree" => self.tokens(node, scope),
                // `pub(in crate::a)` names where an item is visible, not what it uses.
                // Comments, doc comments and literals hold text, not paths (fixture
                // `rust/comments-and-strings`); `#[doc = "…"]` is a string literal too.
                "visibility_modifier"
                | "line_comment"
                | "block_comment"
                | "string_literal"
                | "raw_string_literal"
                | "char_literal" => {}
                // Reversed, so that the children pop in source order.
                // A `mod` item's attributes are read here, from its siblings.
                _ => {
                    let children: Vec<Node<'_>> = node.children(&mut cursor).collect();
                    for (i, child) in children.iter().enumerate() {
                        if child.kind() == "mod_item" {
                            let before = children.get(..i).unwrap_or_default();
                            let paths = path_attributes(self.src, before);
                            self.mod_attributes.insert(child.id(), paths);
                        }
                    }
                    stack.extend(children.into_iter().rev().map(|c| (c, scope)));
                }
            }
        }
    }

    /// `mod x;`: one site; with `#[cfg_attr(…, path = "…")]`, one more per alternative path,
    /// since syntax cannot tell which configuration builds (mio picks `selector/epoll.rs`,
    /// `selector/kqueue.rs`, … for one `mod selector;`, serde falls back to `de/mod.rs`). The
    /// resolver drops the alternatives that name no file when another one does.
    fn mod_sites(&mut self, name: Node<'_>, scope: ScopeId, paths: Attributed) {
        let name_text = self.text(name).into_owned();
        // `None` is the default file, which a plain `#[path]` replaces and `cfg_attr` paths
        // only add to.
        let paths: Vec<Option<String>> = match paths {
            Attributed::Plain(path) => vec![Some(path)],
            Attributed::Conditional(paths) => std::iter::once(None)
                .chain(paths.into_iter().map(Some))
                .collect(),
        };
        for path in paths {
            self.push(
                name_text.clone(),
                ImportKind::Mod,
                name.byte_range(),
                scope,
                SiteContext {
                    path,
                    ..SiteContext::default()
                },
            );
        }
    }

    /// `include!("file.rs")`: the file is part of this module, as if written here. Its site
    /// is a `mod` whose specifier is the path itself (also in `context.path`).
    fn include(&mut self, node: Node<'_>, scope: ScopeId) {
        let is_include = node.child_by_field_name("macro").is_some_and(|m| {
            matches!(&*self.text(m), "include" | "std::include" | "core::include")
        });
        if !is_include {
            return;
        }
        // Only a lone string literal names a file of the repository:
        // `include!(concat!(env!("OUT_DIR"), "/x.rs"))` names build output.
        let mut cursor = node.walk();
        let Some(tree) = node
            .children(&mut cursor)
            .find(|c| c.kind() == "token_tree")
        else {
            return;
        };
        let literals: Vec<Node<'_>> = tree
            .children(&mut cursor)
            .filter(|t| !matches!(t.kind(), "(" | ")" | "[" | "]" | "{" | "}"))
            .collect();
        if let [literal] = literals.as_slice()
            && literal.kind() == "string_literal"
            && let Some(path) = string_value(self.src, *literal)
        {
            self.push(
                path.clone(),
                ImportKind::Mod,
                literal.byte_range(),
                scope,
                SiteContext {
                    path: Some(path),
                    ..SiteContext::default()
                },
            );
        }
    }

    /// Each leaf of a `use` tree is a site whose specifier is the whole path to it.
    /// `use a::{b, c::d}` is two imports, of `a::b` and `a::c::d`, which may lie in
    /// different layers; a site per leaf lets a finding underline the one at fault.
    fn use_declaration(&mut self, node: Node<'_>, scope: ScopeId) {
        // Any visibility (`pub`, `pub(crate)`, `pub(super)`) re-exports: other modules may
        // reach the item through this one (the Reference, "`use` Visibility").
        let mut cursor = node.walk();
        let kind = if node
            .children(&mut cursor)
            .any(|c| c.kind() == "visibility_modifier")
        {
            ImportKind::Reexport
        } else {
            ImportKind::Use
        };
        let Some(argument) = node.child_by_field_name("argument") else {
            return;
        };
        // (use tree, the segments written before it)
        let mut stack: Vec<(Node<'_>, Vec<String>)> = vec![(argument, Vec::new())];
        while let Some((tree, prefix)) = stack.pop() {
            match tree.kind() {
                "use_list" => {
                    for child in tree.named_children(&mut cursor) {
                        stack.push((child, prefix.clone()));
                    }
                }
                "scoped_use_list" => {
                    let mut prefix = prefix;
                    match tree.child_by_field_name("path") {
                        Some(path) => {
                            let Some(segments) = segments(self.src, path, &mut Vec::new()) else {
                                continue;
                            };
                            prefix.extend(segments);
                            prefix.truncate(MAX_SEGMENTS);
                        }
                        // `use ::{a, b}`: extern crates in 2018, the crate root in 2015.
                        None if prefix.is_empty() => prefix.push(String::new()),
                        None => {}
                    }
                    if let Some(list) = tree.child_by_field_name("list") {
                        stack.push((list, prefix));
                    }
                }
                // `a as b`, and `a as _`, which binds nothing but still imports `a`.
                "use_as_clause" => {
                    let (Some(path), Some(alias)) = (
                        tree.child_by_field_name("path"),
                        tree.child_by_field_name("alias"),
                    ) else {
                        continue;
                    };
                    let alias = self.text(alias).into_owned();
                    self.use_leaf(path, prefix, kind, scope, Some(alias));
                }
                // `a::*`: the glob is kept in the specifier; the resolver needs to know it
                // binds no name of its own.
                "use_wildcard" => {
                    let mut full = prefix;
                    if let Some(path) = tree.named_child(0) {
                        let Some(segments) = segments(self.src, path, &mut Vec::new()) else {
                            continue;
                        };
                        full.extend(segments);
                    }
                    full.truncate(MAX_SEGMENTS - 1);
                    full.push("*".to_owned());
                    self.push(
                        full.join("::"),
                        kind,
                        tree.byte_range(),
                        scope,
                        SiteContext::default(),
                    );
                }
                "identifier" | "scoped_identifier" | "crate" | "self" | "super"
                | "metavariable" => {
                    self.use_leaf(tree, prefix, kind, scope, None);
                }
                // Comments inside braces, error nodes.
                _ => {}
            }
        }
    }

    /// A leaf of a `use` tree: the path written at the leaf, after the lists' `prefix`.
    fn use_leaf(
        &mut self,
        path: Node<'_>,
        mut prefix: Vec<String>,
        kind: ImportKind,
        scope: ScopeId,
        alias: Option<String>,
    ) {
        // `{self}` in a list names the list's own module.
        let module = path.kind() == "self" && !prefix.is_empty();
        if !module {
            let Some(segments) = segments(self.src, path, &mut Vec::new()) else {
                return;
            };
            prefix.extend(segments);
            prefix.truncate(MAX_SEGMENTS);
        }
        self.push(
            prefix.join("::"),
            kind,
            path.byte_range(),
            scope,
            SiteContext {
                alias,
                module,
                ..SiteContext::default()
            },
        );
    }

    /// `extern crate a;` and `extern crate a as b;`: the crate's name is the specifier, the
    /// alias the name it binds (`extern crate self as b;` names the crate itself).
    fn extern_crate(&mut self, node: Node<'_>, scope: ScopeId) {
        let Some(name) = node.child_by_field_name("name") else {
            return;
        };
        let alias = node
            .child_by_field_name("alias")
            .map(|a| self.text(a).into_owned());
        let name_text = self.text(name).into_owned();
        self.push(
            name_text,
            ImportKind::ExternCrate,
            name.byte_range(),
            scope,
            SiteContext {
                alias,
                ..SiteContext::default()
            },
        );
    }

    /// A path in code: a site when it may name a module (see the module docs). Its last
    /// segment is an item, whatever its position (a call, a type, a pattern, a macro name:
    /// no syntax takes a module there). Generic arguments and qualified types inside it go
    /// back on the walk's stack.
    fn code_path<'t>(
        &mut self,
        node: Node<'t>,
        scope: ScopeId,
        stack: &mut Vec<(Node<'t>, ScopeId)>,
    ) {
        let mut inner = Vec::new();
        let segments = segments(self.src, node, &mut inner);
        stack.extend(inner.into_iter().map(|n| (n, scope)));
        let Some(segments) = segments else {
            return;
        };
        if is_code_path(&segments) {
            self.push(
                segments.join("::"),
                ImportKind::Path,
                node.byte_range(),
                scope,
                SiteContext {
                    item: true,
                    ..SiteContext::default()
                },
            );
        }
    }

    /// Paths, `use` trees and `mod x;` inside a macro's token tree, recovered from the tokens:
    /// a macro's input is not parsed, yet `vec![crate::x()]` and `cfg_if! { mod unix; }` name
    /// modules all the same.
    ///
    /// A token tree is flat: leaves (`identifier`, `::`, `$`, `crate`, …) and one nested
    /// `token_tree` per bracket pair. Nothing says what the macro does with its input, so
    /// any run of tokens shaped like a path is taken for one; outside a `use`,
    /// `is_code_path` then keeps only those that may name a module, as for paths in code.
    /// Paths inside `$( … )*` repetitions of a `macro_rules!` body are not recovered: the
    /// grammar makes them `token_repetition` nodes, which this loop does not enter.
    fn tokens(&mut self, tree: Node<'_>, scope: ScopeId) {
        let mut cursor = tree.walk();
        let mut stack = vec![(tree, scope)];
        while let Some((tree, scope)) = stack.pop() {
            let tokens: Vec<Node<'_>> = tree.children(&mut cursor).collect();
            let mut i = 0;
            while let Some(&token) = tokens.get(i) {
                let kind = token.kind();
                if kind == "token_tree" {
                    // `pub(in crate::a)` names where an item is visible, as in the tree.
                    let after_pub = i > 0 && tokens.get(i - 1).is_some_and(|t| t.kind() == "pub");
                    if !(after_pub && is_visibility(self.src, token)) {
                        stack.push((token, scope));
                    }
                    i += 1;
                    continue;
                }
                if kind == "mod"
                    && let Some(next) = self.token_mod(&tokens, i, scope, &mut stack)
                {
                    i = next;
                    continue;
                }
                // `use` in a macro body (`cfg_if!`) starts a use tree, with braces and
                // globs that a path in code never has; `pub use` and `pub(…) use` re-export,
                // as in the tree.
                let token = |back: usize| i.checked_sub(back).and_then(|k| tokens.get(k));
                let after_use = token(1).is_some_and(|t| t.kind() == "use");
                let use_kind = after_use.then(|| match token(2).map(Node::kind) {
                    Some("pub") => ImportKind::Reexport,
                    Some("token_tree") if token(3).is_some_and(|t| t.kind() == "pub") => {
                        ImportKind::Reexport
                    }
                    _ => ImportKind::Use,
                });
                match self.token_path(&tokens, i, scope, use_kind) {
                    Some(next) => i = next,
                    None => i += 1,
                }
            }
        }
    }

    /// `mod x;` or `mod x { … }` at token `i`, with the `#[path]` written before it. Returns
    /// the index after it.
    fn token_mod<'t>(
        &mut self,
        tokens: &[Node<'t>],
        i: usize,
        scope: ScopeId,
        stack: &mut Vec<(Node<'t>, ScopeId)>,
    ) -> Option<usize> {
        // `mod` then a name then `;` or a braced tree: anything else (`mod` as a fragment of
        // some macro's own syntax) is no declaration.
        let name = tokens.get(i + 1).filter(|t| t.kind() == "identifier")?;
        let after = tokens.get(i + 2)?;
        let paths = token_path_attributes(self.src, tokens.get(..i).unwrap_or_default());
        match after.kind() {
            ";" => self.mod_sites(*name, scope, paths),
            "token_tree" => {
                let inner = self.enter(
                    scope,
                    InlineModule {
                        name: self.text(*name).into_owned(),
                        path: paths.first(),
                    },
                );
                stack.push((*after, inner));
            }
            _ => return None,
        }
        Some(i + 3)
    }

    /// A path starting at token `i`: `a::b`, `::a`, `$crate::a`, and after `use` (`use_kind`:
    /// `use`, or `reexport` after `pub use`), a use tree with braces (`use a::{b, c::*};`).
    /// Returns the index after it, or `None` when no path starts there.
    fn token_path(
        &mut self,
        tokens: &[Node<'_>],
        i: usize,
        scope: ScopeId,
        use_kind: Option<ImportKind>,
    ) -> Option<usize> {
        let after_use = use_kind.is_some();
        let first = *tokens.get(i)?;
        let mut segments: Vec<String> = Vec::new();
        let mut j = i;
        match first.kind() {
            "::" => {
                // `::a` is absolute only where no path or type ends just before it.
                let before = i.checked_sub(1).and_then(|p| tokens.get(p));
                if before.is_some_and(|b| is_path_end_token(b.kind())) {
                    return None;
                }
                segments.push(String::new());
            }
            // In a token tree `$crate` is two tokens.
            "$" if tokens.get(i + 1).is_some_and(|t| t.kind() == "crate") => {
                segments.push("$crate".to_owned());
                j += 2;
            }
            "crate" | "self" | "super" | "identifier" | "metavariable" => {
                // Inside `a::b::c` only the first segment starts a path.
                let before = i.checked_sub(1).and_then(|p| tokens.get(p));
                if before.is_some_and(|b| b.kind() == "::") {
                    return None;
                }
                segments.push(self.text(first).into_owned());
                j += 1;
            }
            _ => return None,
        }
        // `::` segment, repeated; `j` is at a `::` or past the path.
        // `::` alone (`use ::}` in a macro) ends where it starts: never before it.
        let mut end = tokens
            .get(j.saturating_sub(1))
            .map_or(first.end_byte(), Node::end_byte)
            .max(first.end_byte());
        // A braced list ends the path: only after `use` (elsewhere `a::{…}` is no syntax).
        let mut list = None;
        while tokens.get(j).is_some_and(|t| t.kind() == "::") {
            let Some(next) = tokens.get(j + 1) else { break };
            match next.kind() {
                "identifier" | "self" | "super" | "crate" => {
                    segments.push(self.text(*next).into_owned());
                    end = next.end_byte();
                    j += 2;
                }
                "token_tree" if after_use => {
                    list = Some(*next);
                    j += 2;
                    break;
                }
                "*" if after_use => {
                    segments.push("*".to_owned());
                    end = next.end_byte();
                    j += 2;
                    break;
                }
                _ => break,
            }
        }
        let kind = use_kind.unwrap_or(ImportKind::Path);
        if let Some(list) = list {
            self.token_use_list(list, segments, kind, scope);
            return Some(j);
        }
        // After `use` every path is a site; in code, only one that may name a module.
        if after_use || is_code_path(&segments) {
            // `use a::b as c;`: only a `use` binds a name.
            let alias = tokens
                .get(j)
                .filter(|t| after_use && t.kind() == "as")
                .and_then(|_| tokens.get(j + 1))
                .map(|a| self.text(*a).into_owned());
            // A path in code ends at its item, as in the tree, unless `::` goes on with what
            // the loop cannot read (`$crate::a::$name`): then its last segment may be a
            // module. `::<` is the item's generic arguments (`a::f::<T>()`).
            let goes_on = tokens.get(j).is_some_and(|t| t.kind() == "::")
                && tokens.get(j + 1).is_none_or(|t| t.kind() != "<");
            self.push(
                segments.join("::"),
                kind,
                first.start_byte()..end,
                scope,
                SiteContext {
                    alias,
                    item: !after_use && !goes_on,
                    ..SiteContext::default()
                },
            );
        }
        Some(j.max(i + 1))
    }

    /// The braces of a `use` tree inside a macro: `{a, b::{self, c}, d as e, f::*}`. Nested
    /// lists go on a stack with their prefix, as in [`Walker::use_declaration`].
    fn token_use_list(
        &mut self,
        list: Node<'_>,
        prefix: Vec<String>,
        kind: ImportKind,
        scope: ScopeId,
    ) {
        let mut cursor = list.walk();
        let mut stack = vec![(list, prefix)];
        while let Some((list, prefix)) = stack.pop() {
            let tokens: Vec<Node<'_>> = list.children(&mut cursor).collect();
            // Elements between commas, without the braces.
            let inner = tokens
                .get(1..tokens.len().saturating_sub(1))
                .unwrap_or_default();
            for element in inner.split(|t| t.kind() == ",") {
                let Some(&first) = element.first() else {
                    continue;
                };
                let mut segments = prefix.clone();
                let mut end = first.end_byte();
                let mut k = 0;
                let mut nested = None;
                let mut alias = None;
                let mut module = false;
                while let Some(&t) = element.get(k) {
                    match t.kind() {
                        "identifier" | "self" | "super" | "crate" => {
                            let text = self.text(t).into_owned();
                            // `{self}` names the list's own module.
                            if text == "self" && k == 0 && !prefix.is_empty() {
                                module = true;
                            } else {
                                segments.push(text);
                            }
                            end = t.end_byte();
                        }
                        "*" => {
                            segments.push("*".to_owned());
                            end = t.end_byte();
                        }
                        "::" => {}
                        "token_tree" => nested = Some(t),
                        "as" => {
                            alias = element.get(k + 1).map(|a| self.text(*a).into_owned());
                            break;
                        }
                        _ => break,
                    }
                    k += 1;
                }
                segments.truncate(MAX_SEGMENTS);
                // `b::{…}`: the segments so far are the nested list's prefix, not a site.
                match nested {
                    Some(tree) => stack.push((tree, segments)),
                    None => self.push(
                        segments.join("::"),
                        kind,
                        first.start_byte()..end,
                        scope,
                        SiteContext {
                            alias,
                            module,
                            ..SiteContext::default()
                        },
                    ),
                }
            }
        }
    }
}

/// Tokens after which `::` continues a path or a type rather than starting an absolute one
/// (`Vec<u8>::new`, `i32::MAX`, `$x::f`): after anything else (`(`, `=`, `,`, an operator)
/// a `::` starts the global path `::a` (the Reference, "Paths", `::`).
fn is_path_end_token(kind: &str) -> bool {
    matches!(
        kind,
        "identifier" | ">" | "self" | "super" | "crate" | "metavariable" | "primitive_type"
    )
}

/// Whether a token tree after `pub` is a visibility: `(crate)`, `(self)`, `(super)` or
/// `(in path)`, never a tuple field's type (`pub (crate::A, u8)`).
/// In a token tree `in` is an identifier.
fn is_visibility(src: &[u8], tree: Node<'_>) -> bool {
    let Some(second) = tree.child(1) else {
        return false;
    };
    match second.kind() {
        "identifier" => node_text(src, second) == "in",
        "crate" | "self" | "super" => tree.child_count() == 3,
        _ => false,
    }
}

/// Whether a path in code may name a module: `crate::`, `self::`, `super::`, `$crate::`,
/// `::a`, or `a::b` with a lowercase `a` that is not a sysroot crate or a primitive type.
///
/// A lone name (`foo`, `crate`) is a local item, never an import: every case needs two
/// segments. A bare first segment is kept by case: by the naming conventions (RFC 430),
/// crates and modules are `snake_case` and types `UpperCamelCase`, so `Vec::new` and
/// `Option::Some` drop out here, and what remains (`io::Error`, `my_crate::f`) is for the
/// resolver to tell apart, since only it knows the repository's crates and the file's `use`s.
fn is_code_path(segments: &[String]) -> bool {
    let Some(first) = segments.first() else {
        return false;
    };
    match first.as_str() {
        "" | "crate" | "self" | "super" | "$crate" => segments.len() >= 2,
        // `r#type::x` is the module `type`: the raw prefix says nothing about case.
        name => {
            segments.len() >= 2
                && name
                    .trim_start_matches("r#")
                    .starts_with(|c: char| c.is_ascii_lowercase())
                && !SYSROOT.contains(&name)
                && !PRIMITIVES.contains(&name)
        }
    }
}

/// The segments of a path node (`a::b::c` → `["a", "b", "c"]`, `::a` → `["", "a"]`). Nodes
/// inside it that hold paths of their own (generic arguments, qualified types) go to
/// `inner`. `None` when the path does not start with a name (`<T as Trait>::f`).
fn segments<'t>(src: &[u8], node: Node<'t>, inner: &mut Vec<Node<'t>>) -> Option<Vec<String>> {
    // The grammar nests a path leftwards (`a::b::c` is `(a::b)::c`): walk down the `path`
    // fields collecting names last to first, then reverse.
    let mut out = Vec::new();
    let mut current = node;
    loop {
        match current.kind() {
            "scoped_identifier" | "scoped_type_identifier" => {
                if let Some(name) = current.child_by_field_name("name") {
                    out.push(node_text(src, name).into_owned());
                }
                let Some(path) = current.child_by_field_name("path") else {
                    // `::a`: absolute.
                    out.push(String::new());
                    break;
                };
                current = path;
            }
            "generic_type" => {
                // `a::B<T>::c`, `Vec::<T>::new`: the arguments may hold paths.
                inner.extend(current.child_by_field_name("type_arguments"));
                current = current.child_by_field_name("type")?;
            }
            "identifier" | "type_identifier" | "crate" | "self" | "super" | "metavariable" => {
                out.push(node_text(src, current).into_owned());
                break;
            }
            // `<T as Trait>::f`, `<Vec<T>>::new`: the path starts with a qualified type, not a
            // name, but the type may hold paths (the trait), so it goes back to the walk.
            _ => {
                inner.push(current);
                return None;
            }
        }
    }
    out.reverse();
    out.truncate(MAX_SEGMENTS);
    Some(out)
}

/// The `#[path]` attributes of a `mod`. A plain `#[path]` applies in every configuration;
/// a `cfg_attr` path only in some, so the file without it stays a candidate.
enum Attributed {
    /// `#[path = "…"]`, whatever else is written.
    Plain(String),
    /// The paths of its `#[cfg_attr(…, path = "…")]`, in source order (maybe none).
    Conditional(Vec<String>),
}

impl Attributed {
    /// The path an inline module's children are under, when one is written.
    fn first(self) -> Option<String> {
        match self {
            Attributed::Plain(path) => Some(path),
            Attributed::Conditional(paths) => paths.into_iter().next(),
        }
    }
}

/// The `#[path = "…"]` of an item, or else the paths of all its
/// `#[cfg_attr(…, path = "…")]`: the attribute items written just before it, past comments.
fn path_attributes(src: &[u8], before: &[Node<'_>]) -> Attributed {
    // Outer attributes are the item's preceding siblings (`before`, in source order: a
    // node's previous sibling costs tree-sitter the depth of the tree), read nearest first;
    // a plain `#[path]` anywhere among them wins (unit test
    // `each_cfg_attr_path_is_an_alternative_to_the_default_file`).
    let mut conditional = Vec::new();
    for &node in before.iter().rev() {
        match node.kind() {
            "attribute_item" => {
                if let Some(attribute) = node.named_child(0) {
                    let name = attribute.named_child(0).map(|n| node_text(src, n));
                    match name.as_deref() {
                        Some("path") => {
                            if let Some(path) = attribute
                                .child_by_field_name("value")
                                .and_then(|v| string_value(src, v))
                            {
                                return Attributed::Plain(path);
                            }
                        }
                        Some("cfg_attr") => {
                            let mut cursor = attribute.walk();
                            let args: Vec<Node<'_>> = attribute
                                .child_by_field_name("arguments")
                                .map(|a| a.children(&mut cursor).collect())
                                .unwrap_or_default();
                            conditional.extend(path_assignment(src, &args));
                        }
                        _ => {}
                    }
                }
            }
            // Doc comments sit between attributes and the item too (`/// doc` then `mod x;`).
            "line_comment" | "block_comment" => {}
            _ => break,
        }
    }
    // Back to source order. The same path under two predicates is one alternative
    // (fixture `rust/path-attribute`: `alt.rs` for `unix` and `not(unix)`).
    conditional.reverse();
    conditional.dedup();
    Attributed::Conditional(conditional)
}

/// `path = "…"` among `tokens`. The `path` name matters: the `cfg` predicate before it has
/// `=` pairs of its own (`cfg_attr(feature = "x", path = "y.rs")`).
fn path_assignment(src: &[u8], tokens: &[Node<'_>]) -> Option<String> {
    tokens.windows(3).find_map(|w| match w {
        [name, eq, value]
            if name.kind() == "identifier"
                && node_text(src, *name) == "path"
                && eq.kind() == "="
                && value.kind() == "string_literal" =>
        {
            string_value(src, *value)
        }
        _ => None,
    })
}

/// The `#[path = "…"]`, or else every `#[cfg_attr(…, path = "…")]`, in the tokens just
/// before a `mod` inside a macro: `#` `[…]` pairs, past `pub` and `pub(…)`.
fn token_path_attributes(src: &[u8], before: &[Node<'_>]) -> Attributed {
    let mut k = before.len();
    // Skip a visibility: `pub` or `pub (crate)`.
    if k >= 2
        && before.get(k - 1).is_some_and(|t| t.kind() == "token_tree")
        && before.get(k - 2).is_some_and(|t| t.kind() == "pub")
    {
        k -= 2;
    } else if k >= 1 && before.get(k - 1).is_some_and(|t| t.kind() == "pub") {
        k -= 1;
    }
    let mut conditional = Vec::new();
    while k >= 2 {
        let (Some(hash), Some(tree)) = (before.get(k - 2), before.get(k - 1)) else {
            break;
        };
        if hash.kind() != "#" || tree.kind() != "token_tree" {
            break;
        }
        let mut cursor = tree.walk();
        let inner: Vec<Node<'_>> = tree.children(&mut cursor).collect();
        let name = inner.get(1).map(|n| node_text(src, *n));
        match name.as_deref() {
            Some("path") => {
                if let Some(path) = path_assignment(src, &inner) {
                    return Attributed::Plain(path);
                }
            }
            Some("cfg_attr") => {
                if let Some(args) = inner.get(2) {
                    let mut cursor = args.walk();
                    let args: Vec<Node<'_>> = args.children(&mut cursor).collect();
                    conditional.extend(path_assignment(src, &args));
                }
            }
            _ => {}
        }
        k -= 2;
    }
    conditional.reverse();
    conditional.dedup();
    Attributed::Conditional(conditional)
}

/// The value of a plain or raw string literal, without escapes processed (paths have none).
/// `None` when the text has no pair of quotes, as in a broken tree.
fn string_value(src: &[u8], node: Node<'_>) -> Option<String> {
    let text = node_text(src, node);
    let start = text.find('"')? + 1;
    let end = text.rfind('"')?;
    text.get(start..end).map(str::to_owned)
}

#[cfg(test)]
mod tests;
