//! Property tests (issue 16): the fuzzing that found archgate's crashes and hangs, kept as
//! part of the suite. Inputs are built from fragments of each language and of `layers.toml`
//! (so they reach deep into the parsers and the validator) mixed with arbitrary bytes. The
//! properties: no panic, every site inside its file, and through the real binary an exit code
//! of 0, 1 or 2. Case counts are small so that the whole file runs in a few seconds of a
//! normal `cargo test`. A hang fails the property: through the binary's timeout, or in
//! process through [`bounded`]; never a timed assertion.

#![allow(clippy::unwrap_used, clippy::panic, reason = "a failing test panics")]

use std::path::Path;
use std::time::Duration;

use archgate::resolve::LANGUAGES;
use proptest::prelude::*;

/// How long an in-process case may run: thousands of times what one takes in a debug build.
const CASE_LIMIT: Duration = Duration::from_secs(30);

/// Runs `work` on a thread of its own and waits at most `limit` for it, so that a parser
/// stuck on some input fails its property instead of stalling the suite. A panic in `work`
/// is the property's; a thread that hangs is left behind and ends with the test process.
fn bounded(limit: Duration, work: impl FnOnce() + Send + 'static) {
    let (done, finished) = std::sync::mpsc::channel();
    let thread = std::thread::spawn(move || {
        work();
        let _ = done.send(());
    });
    match finished.recv_timeout(limit) {
        Ok(()) => {}
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
            if let Err(panic) = thread.join() {
                std::panic::resume_unwind(panic);
            }
        }
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
            panic!("no answer within {limit:?}: a hang")
        }
    }
}

#[test]
#[should_panic(expected = "no answer within 100ms: a hang")]
fn a_case_that_outlives_its_limit_fails() {
    bounded(Duration::from_millis(100), || {
        std::thread::sleep(Duration::from_secs(2));
    });
}

#[test]
#[should_panic(expected = "inside the case")]
fn a_panic_inside_a_bounded_case_is_the_case_s() {
    bounded(CASE_LIMIT, || panic!("inside the case"));
}

/// Source text: fragments that open and close the constructs imports live in, glued
/// together in any order, with some arbitrary bytes.
fn source(fragments: &'static [&'static str]) -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        8 => proptest::sample::select(fragments).prop_map(|f| f.as_bytes().to_vec()),
        1 => proptest::collection::vec(any::<u8>(), 0..8),
    ];
    proptest::collection::vec(piece, 0..40).prop_map(|pieces| pieces.concat())
}

const PYTHON: &[&str] = &[
    "import a.b\n",
    "from . import x\n",
    "from ..a import (b,\n c)\n",
    "from a import *\n",
    "if TYPE_CHECKING:\n",
    "    ",
    "\t",
    "def f(:\n",
    "x = (1,\n",
    "\r",
    "\r\n",
    "\"\"\"",
    "'",
    "#",
    "\\\n",
    "importlib.import_module(\"a\")\n",
    "__import__('b')\n",
    "\u{feff}",
    "\0",
    "class A:\n",
    "try:\n",
    "except ImportError:\n",
    "a.b.c.d",
    ".",
    "(",
    ")",
    "if x",
];

/// Pieces of `tsconfig.json` and `package.json`: the TypeScript resolver's configuration,
/// with `extends`, `paths`, `references` and `exports` that may lead nowhere or round.
const TS_CONFIG: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "\"compilerOptions\"",
    "\"baseUrl\": \".\"",
    "\"paths\": {\"@/*\": [\"src/*\"]}",
    "\"extends\": \"./tsconfig.json\"",
    "\"extends\": \"@tsconfig/node20\"",
    "\"extends\": [\"./a.json\", \"../../b.json\"]",
    "\"references\": [{\"path\": \"./gone\"}]",
    "\"name\": \"@repo/x\"",
    "\"exports\": {\".\": {\"import\": \"./src/ui/index.ts\"}}",
    "\"workspaces\": [\"*\"]",
    "// c\n",
    "/* c */",
    "\"\\u0000\"",
];

const TYPESCRIPT: &[&str] = &[
    "import a from \"./a\";\n",
    "import type { T } from '../t';\n",
    "export * from \"x\";\n",
    "require(\"r\")",
    "import(\"d\")",
    "import(`t`)",
    "type T = import(\"./q\").Q;\n",
    "import x = require(\"y\");\n",
    "/// <reference path=\"./r.d.ts\" />\n",
    "(",
    ")",
    "{",
    "}",
    "<",
    ">",
    "`${",
    "\"",
    "'",
    "/*",
    "*/",
    "//",
    "\n",
    "const v = ",
    "=>",
    ";",
    "export { a } from \"./b\";\n",
    "<div>",
    "</div>",
    "\u{2028}",
];

const RUST: &[&str] = &[
    "use crate::a::b;\n",
    "use super::{self, c::*};\n",
    "mod m;\n",
    "mod n { ",
    "}",
    "#[path = \"x.rs\"]\n",
    "#[cfg_attr(unix, path = \"u.rs\")]\n",
    "extern crate foo as bar;\n",
    "crate::a::f()",
    "self::b::C",
    "include!(\"i.rs\");\n",
    "macro_rules! m { () => { ",
    "{",
    "(",
    ")",
    "::",
    "r#\"",
    "\"#",
    "\"",
    "//",
    "/*",
    "*/",
    "\n",
    "pub(crate) use ",
    "as _",
    "<T as Tr>::f",
    "fn f() { ",
    "$crate::x",
];

const MANIFEST: &[&str] = &[
    "[package]\n",
    "name = \"a-b\"\n",
    "[lib]\n",
    "name = \"ab\"\n",
    "[dependencies]\n",
    "c = { path = \"../c\" }\n",
    "d.workspace = true\n",
    "[[bin]]\n",
    "path = \"src/x.rs\"\n",
    "edition = \"2015\"\n",
    "[workspace]\n",
    "members = [\"*\"]\n",
    "=",
    "[",
    "]",
    "\"",
    "\n",
];

/// A file name of the language with each of its extensions, or its manifest's name.
fn file_names(row: &archgate::resolve::Language) -> Vec<String> {
    let mut names: Vec<String> = row
        .frontend
        .extensions()
        .iter()
        .map(|e| format!("src/f.{e}"))
        .collect();
    names.extend(row.manifests.iter().map(|m| (*m).to_owned()));
    names
}

/// Runs every front-end that claims `name` on `src`; checks that each site lies in it.
fn extract_everywhere(lang: &str, src: &[u8]) {
    let row = LANGUAGES.iter().find(|l| l.name == lang).unwrap();
    for name in file_names(row) {
        let path = Path::new(&name);
        // The real extraction (islands where the front-end finds them), and the whole file.
        for islands in [true, false] {
            let Ok(extracted) = archgate::lang::extract_with(row.frontend, path, src, islands)
            else {
                continue;
            };
            check_sites(&name, &extracted.imports, src);
        }
    }
}

fn check_sites(name: &str, imports: &[archgate::lang::RawImport], src: &[u8]) {
    for import in imports {
        assert!(
            import.span.start <= import.span.end && import.span.end <= src.len(),
            "{name}: site {:?} outside {} bytes",
            import.span,
            src.len()
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn python_front_end_never_panics(src in source(PYTHON)) {
        bounded(CASE_LIMIT, move || extract_everywhere("python", &src));
    }

    #[test]
    fn typescript_front_end_never_panics(src in source(TYPESCRIPT)) {
        bounded(CASE_LIMIT, move || extract_everywhere("typescript", &src));
    }

    #[test]
    fn rust_front_end_never_panics(src in source(RUST)) {
        bounded(CASE_LIMIT, move || extract_everywhere("rust", &src));
    }

    #[test]
    fn cargo_manifest_reader_never_panics(src in source(MANIFEST)) {
        bounded(CASE_LIMIT, move || extract_everywhere("rust", &src));
    }
}

const CONFIG: &[&str] = &[
    "[[layers]]\n",
    "[[modules]]\n",
    "[[forbid]]\n",
    "[[allow]]\n",
    "[[independent]]\n",
    "[[cycles]]\n",
    "[[risk]]\n",
    "[check]\n",
    "[python]\n",
    "name = \"ui\"\n",
    "name = \"core\"\n",
    "paths = [\"src/ui/**\", \"!src/ui/x/**\"]\n",
    "paths = \"src/{s}/**\"\n",
    "from = \"ui\"\n",
    "to = [\"core\", \"external:re*\"]\n",
    "reason = \"r\"\n",
    "may_import = [\"core\"]\n",
    "public = [\"src/ui/index.ts\"]\n",
    "independent = true\n",
    "indirect = true\n",
    "type_only = \"ignore\"\n",
    "unused_allow = \"error\"\n",
    "exclude = [\"**/gen/**\"]\n",
    "languages = [\"python\", \"rust\"]\n",
    "groups = [\"ui\"]\n",
    "between = \"groups\"\n",
    "tier = \"high\"\n",
    "roots = [\"src\"]\n",
    "paths = \n",
    "[",
    "]",
    "\"",
    "{",
    "}",
    "=",
    ",",
    "\n",
    "#",
    "[[",
    "]]",
    "'''",
    "\\u00e9",
    "paths = [[\"a\"]]\n",
];

/// A repository holding `config` as its `layers.toml` and a few files in `src/ui` and
/// `src/core` that import each other.
fn repository(root: &Path, config: &[u8]) {
    let files: &[(&str, &str)] = &[
        ("src/ui/__init__.py", ""),
        ("src/ui/a.py", "from src.core import b\n"),
        ("src/core/__init__.py", ""),
        ("src/core/b.py", "import src.ui.a\n"),
        ("src/ui/index.ts", "import { b } from \"../core/b\";\n"),
        ("src/core/b.ts", "export const b = 1;\n"),
        // A crate whose root file the Rust fragments replace.
        (
            "Cargo.toml",
            "[package]\nname = \"fuzz\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        ),
        ("src/ui/mod.rs", "pub fn f() {}\n"),
    ];
    for (path, text) in files {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    std::fs::write(root.join("layers.toml"), config).unwrap();
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// In-process: any `layers.toml` loads or is rejected with errors, never a panic.
    #[test]
    fn config_loader_never_panics(config in source(CONFIG)) {
        bounded(CASE_LIMIT, move || {
            let dir = tempfile::tempdir().unwrap();
            repository(dir.path(), &config);
            if let Err(errors) = archgate::config::load(&dir.path().join("layers.toml")) {
                assert!(!errors.is_empty());
            }
        });
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// Through the binary: whatever the configuration, the sources (Python, TypeScript and a
    /// Rust crate root) and the TypeScript configuration files, the exit code is 0, 1 or 2, and stdout is a JSON report
    /// whenever it is not 2. The human report (miette's drawing, where a long line once
    /// panicked) is written too.
    #[test]
    fn check_exits_0_1_or_2(
        config in source(CONFIG),
        python in source(PYTHON),
        typescript in source(TYPESCRIPT),
        rust in source(RUST),
        tsconfig in source(TS_CONFIG),
        package in source(TS_CONFIG),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        repository(root, &config);
        std::fs::write(root.join("src/core/fuzz.py"), &python).unwrap();
        std::fs::write(root.join("src/ui/fuzz.tsx"), &typescript).unwrap();
        std::fs::write(root.join("src/lib.rs"), &rust).unwrap();
        std::fs::write(root.join("tsconfig.json"), &tsconfig).unwrap();
        std::fs::write(root.join("src/package.json"), &package).unwrap();
        let output = assert_cmd::Command::cargo_bin("archgate")
            .unwrap()
            .current_dir(root)
            .args(["check", "--no-cache", "--format", "json", "--format", "human"])
            .args(["--output", "human.txt", "--color", "always"])
            .timeout(Duration::from_mins(1))
            .output()
            .unwrap();
        let code = output.status.code();
        prop_assert!(matches!(code, Some(0..=2)), "exit {code:?}: {}",
            String::from_utf8_lossy(&output.stderr));
        if code != Some(2) {
            prop_assert!(serde_json::from_slice::<serde_json::Value>(&output.stdout).is_ok());
        }
    }
}
