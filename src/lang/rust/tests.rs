//! The Rust front-end, from inline sources.

use super::*;
use crate::lang::testing;

struct Site {
    spec: String,
    kind: &'static str,
    written: String,
    scope: Vec<String>,
    path: Option<String>,
    alias: Option<String>,
    item: bool,
}

fn sites(src: &str) -> Vec<Site> {
    testing::imports(&RustFrontend, "x.rs", src)
        .into_iter()
        .map(|i| Site {
            written: src[i.span.clone()].to_owned(),
            spec: i.specifier,
            kind: i.kind.as_str(),
            scope: i
                .context
                .scope
                .iter()
                .map(|m| match &m.path {
                    Some(p) => format!("{}={p}", m.name),
                    None => m.name.clone(),
                })
                .collect(),
            path: i.context.path,
            alias: i.context.alias,
            item: i.context.item,
        })
        .collect()
}

fn specs(src: &str) -> Vec<String> {
    sites(src).into_iter().map(|s| s.spec).collect()
}

/// Each site as `kind specifier [scope] path`.
fn described(found: &[Site]) -> Vec<String> {
    found
        .iter()
        .map(|s| format!("{} {} [{}] {:?}", s.kind, s.spec, s.scope.join(","), s.path))
        .collect()
}

fn with_kinds(src: &str) -> Vec<String> {
    sites(src)
        .into_iter()
        .map(|s| format!("{} {}", s.kind, s.spec))
        .collect()
}

#[test]
fn use_trees_give_one_site_per_leaf() {
    let src = "use crate::a::{b, c::{self, d as e}, f::*};\nuse super::super::g;\n\
               use ::ext::h;\nuse std::io;\nuse self::i as _;\nuse {j, k::l};\nuse ::{m, n};\n";
    assert_eq!(
        specs(src),
        [
            "crate::a::b",
            "crate::a::c",
            "crate::a::c::d",
            "crate::a::f::*",
            "super::super::g",
            "::ext::h",
            "std::io",
            "self::i",
            "j",
            "k::l",
            "::m",
            "::n",
        ]
    );
    let found = sites(src);
    // Each leaf is placed at its own text; `{self}` at `self`.
    assert_eq!(found[0].written, "b");
    assert_eq!(found[1].written, "self");
    assert_eq!(found[4].written, "super::super::g");
    assert_eq!(found[2].written, "d");
    assert_eq!(found[2].alias.as_deref(), Some("e"));
    assert_eq!(found[3].written, "f::*");
    assert_eq!(found[7].alias.as_deref(), Some("_"));
}

#[test]
fn pub_use_is_a_reexport() {
    let src = "pub use crate::a::B;\npub(crate) use self::c::*;\nuse d::E;\n";
    assert_eq!(
        with_kinds(src),
        ["reexport crate::a::B", "reexport self::c::*", "use d::E"]
    );
}

#[test]
fn extern_crate_keeps_its_alias() {
    let found = sites("extern crate foo;\nextern crate bar as baz;\nextern crate self as me;\n");
    let got: Vec<(String, Option<String>)> = found
        .iter()
        .map(|s| (s.spec.clone(), s.alias.clone()))
        .collect();
    assert_eq!(
        got,
        [
            ("foo".to_owned(), None),
            ("bar".to_owned(), Some("baz".to_owned())),
            ("self".to_owned(), Some("me".to_owned())),
        ]
    );
    assert!(found.iter().all(|s| s.kind == "extern-crate"));
}

#[test]
fn mod_declarations_carry_path_attributes_and_inline_scopes() {
    let src = "mod a;\n/// doc\n#[cfg(unix)]\n#[path = \"sys/unix.rs\"]\nmod sys;\n\
               #[cfg_attr(windows, path = \"win.rs\")]\nmod plat;\n\
               #[path = \"outer\"]\nmod inline {\n    mod inner {\n        #[path = \"x.rs\"] mod deep;\n    }\n    mod y;\n}\n\
               mod tests {\n    use super::*;\n}\n";
    let found = sites(src);
    assert_eq!(
        described(&found),
        [
            "mod a [] None",
            "mod sys [] Some(\"sys/unix.rs\")",
            "mod plat [] None",
            "mod plat [] Some(\"win.rs\")",
            "mod deep [inline=outer,inner] Some(\"x.rs\")",
            "mod y [inline=outer] None",
            "use super::* [tests] None",
        ]
    );
    assert_eq!(found[0].written, "a");
}

#[test]
fn paths_in_code_that_may_name_modules() {
    let src = "fn f(x: crate::a::T) -> self::b::U {\n    let v = super::super::c::make();\n    \
               match v { crate::d::E::V(_) => {}, _ => {} }\n    ::ext::go();\n    \
               my_crate::thing::run();\n    crate::a::B::<u8>::new();\n}\n\
               impl crate::t::Trait for X {}\n#[crate::attr::mark]\nfn g() { crate::m!(); }\n";
    assert_eq!(
        with_kinds(src),
        [
            "path crate::a::T",
            "path self::b::U",
            "path super::super::c::make",
            "path crate::d::E::V",
            "path ::ext::go",
            "path my_crate::thing::run",
            "path crate::a::B::new",
            "path crate::t::Trait",
            "path crate::attr::mark",
            "path crate::m",
        ]
    );
}

#[test]
fn paths_that_cannot_name_a_module_of_the_repository_are_skipped() {
    let src = "fn f() {\n    Self::new();\n    <T as Default>::default();\n    \
               String::new();\n    std::mem::swap(a, b);\n    u8::MAX;\n    core::iter::once(1);\n    \
               self.x.y();\n}\npub(in crate::a) fn g() {}\n";
    assert!(specs(src).is_empty(), "{:?}", specs(src));
}

#[test]
fn a_trait_inside_a_qualified_type_still_counts() {
    let src = "fn f() { <T as crate::a::Tr>::go(); let x: Vec<crate::b::C> = Vec::new(); }\n";
    assert_eq!(specs(src), ["crate::a::Tr", "crate::b::C"]);
}

#[test]
fn comments_strings_and_doc_comments_are_not_imports() {
    let src = "// use crate::a;\n/// See crate::b::c for details.\n//! crate::d::e\n\
               /* mod f; */\nfn g() {\n    let s = \"crate::h::i\";\n    let r = r#\"use crate::j;\"#;\n    \
               println!(\"{}\", \"crate::k::l\");\n}\n";
    assert!(specs(src).is_empty(), "{:?}", specs(src));
}

#[test]
fn paths_in_macro_token_trees_are_recovered() {
    let src = "fn f() {\n    let v = vec![crate::x::make(), super::y::Z];\n    \
               assert!(crate::w::ok(), \"crate::not::this\");\n    json!({\"a\": self::q::R});\n    \
               m!(a::b);\n    n!(x.y::<T>());\n}\n";
    assert_eq!(
        with_kinds(src),
        [
            "path crate::x::make",
            "path super::y::Z",
            "path crate::w::ok",
            "path self::q::R",
            "path a::b",
        ]
    );
}

#[test]
fn dollar_crate_in_macros_is_kept() {
    let src = "macro_rules! m {\n    ($x:path) => { $crate::a::b($x) };\n}\n\
               fn f() { vec![$crate::c::d]; }\n";
    assert_eq!(specs(src), ["$crate::a::b", "$crate::c::d"]);
}

#[test]
fn mod_and_use_inside_cfg_if_are_recovered() {
    let src = "cfg_if::cfg_if! {\n    if #[cfg(unix)] {\n        #[path = \"u.rs\"]\n        mod unix;\n        \
               pub use self::unix::*;\n        use crate::r::{s, t::{self, u as v}};\n    } else {\n        \
               pub(crate) mod other;\n        mod inline { mod deeper; }\n    }\n}\n";
    let found = sites(src);
    assert_eq!(
        described(&found),
        [
            // The macro's own path may name a crate of the repository; the resolver decides.
            "path cfg_if::cfg_if [] None",
            "mod unix [] Some(\"u.rs\")",
            // `pub use` re-exports inside a macro as it does outside.
            "reexport self::unix::* [] None",
            "use crate::r::s [] None",
            "use crate::r::t [] None",
            "use crate::r::t::u [] None",
            "mod other [] None",
            "mod deeper [inline] None",
        ]
    );
    assert_eq!(found[5].alias.as_deref(), Some("v"));
}

#[test]
fn inline_modules_scope_every_site_inside_them() {
    let src = "mod a {\n    use super::x;\n    mod b {\n        fn f() { super::super::y::z(); }\n    }\n}\n\
               #[cfg(test)]\nmod tests {\n    use super::*;\n}\nuse crate::w;\n";
    let got: Vec<String> = sites(src)
        .iter()
        .map(|s| format!("{} [{}]", s.spec, s.scope.join(",")))
        .collect();
    assert_eq!(
        got,
        [
            "super::x [a]",
            "super::super::y::z [a,b]",
            "super::* [tests]",
            "crate::w []"
        ]
    );
}

#[test]
fn broken_files_still_yield_their_imports() {
    let src = "use crate::a;\nfn f( {\nimpl !Send for X {}\nuse crate::b;\nmod c;\n";
    let found = specs(src);
    for want in ["crate::a", "crate::b", "c"] {
        assert!(
            found.iter().any(|s| s == want),
            "{want} missing from {found:?}"
        );
    }
}

#[test]
fn deep_trees_do_not_overflow_the_stack() {
    let depth = 20_000;
    let src = format!(
        "fn f() {{ {}crate::a::b(){} }}",
        "(".repeat(depth),
        ")".repeat(depth)
    );
    let found = specs(&src);
    assert!(found.len() <= 1);
}

#[test]
fn cargo_toml_is_read_without_a_grammar() {
    let extracted = RustFrontend
        .imports_without_grammar(
            Path::new("crates/a/Cargo.toml"),
            b"[dependencies]\nb = \"1\"\n",
        )
        .unwrap();
    assert_eq!(extracted.imports.len(), 1);
    assert_eq!(extracted.imports[0].kind, ImportKind::Manifest);
    assert!(
        RustFrontend
            .imports_without_grammar(Path::new("src/lib.rs"), b"")
            .is_none()
    );
}

#[test]
fn each_cfg_attr_path_is_an_alternative_to_the_default_file() {
    let src = "#[cfg_attr(unix, path = \"sys/unix.rs\")]\n#[cfg_attr(windows, path = \"sys/win.rs\")]\n\
               mod sys;\n#[cfg_attr(unix, path = \"a.rs\")]\n#[path = \"b.rs\"]\nmod plain_wins;\n\
               m! {\n    #[cfg_attr(x, path = \"p.rs\")]\n    #[cfg_attr(y, path = \"q.rs\")]\n    mod inside;\n}\n";
    let got: Vec<String> = sites(src)
        .iter()
        .map(|s| format!("{} {:?} {}", s.spec, s.path, s.written))
        .collect();
    assert_eq!(
        got,
        [
            "sys None sys",
            "sys Some(\"sys/unix.rs\") sys",
            "sys Some(\"sys/win.rs\") sys",
            "plain_wins Some(\"b.rs\") plain_wins",
            "inside None inside",
            "inside Some(\"p.rs\") inside",
            "inside Some(\"q.rs\") inside",
        ]
    );
}

#[test]
fn include_is_a_mod_site_named_by_its_path() {
    let src = "include!(\"Windows/mod.rs\");\ninclude!(concat!(env!(\"OUT_DIR\"), \"/x.rs\"));\n\
               fn f() { include_str!(\"data.txt\"); }\n";
    let found = sites(src);
    assert_eq!(found.len(), 1, "{:?}", specs(src));
    assert_eq!(found[0].spec, "Windows/mod.rs");
    assert_eq!(found[0].kind, "mod");
    assert_eq!(found[0].path.as_deref(), Some("Windows/mod.rs"));
    assert_eq!(found[0].written, "\"Windows/mod.rs\"");
}

#[test]
fn a_lone_global_path_in_a_macro_has_a_forward_span() {
    // Found by tests/properties.rs: `::` then `}` gave the span 57..56.
    let src = "macro_rules! m { () => { use crate::a::b;\npub(crate) use ::}";
    for import in testing::imports(&RustFrontend, "x.rs", src) {
        assert!(import.span.start <= import.span.end, "{:?}", import.span);
        assert!(import.span.end <= src.len());
    }
}

#[test]
fn use_trees_and_inline_modules_are_capped_not_copied_per_level() {
    let deep_use = format!("use crate::{}c{};", "{b::".repeat(200), "}".repeat(200));
    let found = sites(&deep_use);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].spec.split("::").count(), MAX_SEGMENTS);
    let deep_mods = format!("{}use self::x;{}", "mod m { ".repeat(100), "}".repeat(100));
    let found = sites(&deep_mods);
    assert_eq!(found[0].scope.len(), MAX_INLINE_DEPTH);
}

#[test]
fn paths_in_code_end_at_their_item_unless_a_macro_spells_on_and_visibilities_are_none() {
    // `item` is whether the last segment is the item named (never a module): true for every
    // path the grammar parses and for a token path that stops, false for `use` and for a
    // token path that `::` continues with what the scan cannot read.
    let src = "fn f() -> crate::a::T { crate::a::g(); crate::a::M }\n\
               m! { crate::b::g(); crate::b::h::<u8>(); $crate::b::$name; use crate::b::c; }\n\
               use crate::d;\n\
               m! { pub(in crate::v) fn f() {} pub(crate) struct S(pub (crate::w::T, u8)); }\n";
    let found: Vec<String> = sites(src)
        .into_iter()
        .map(|s| format!("{} {} {}", s.kind, s.spec, s.item))
        .collect();
    assert_eq!(
        found,
        [
            "path crate::a::T true",
            "path crate::a::g true",
            "path crate::a::M true",
            "path crate::b::g true",
            "path crate::b::h true",
            "path $crate::b false",
            "use crate::b::c false",
            "use crate::d false",
            // A visibility is no site; a tuple field's type after `pub` is.
            "path crate::w::T true",
        ]
    );
}
