//! Issue 16.5 through the real binary: a syntax error just before an import, a NUL byte after
//! the first 8 KiB, CR-only line endings and an unclosed bracket in TypeScript each used to
//! lose the import (exit 0, "no violations"). Each file here ends with a violating import that
//! must be reported at its line and column, with a `syntax-error` warning where the file has
//! one; near-misses (the same import text in a string, a comment or a template) must not be.

#![allow(clippy::unwrap_used, clippy::panic, reason = "a failing test panics")]

use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;
use serde_json::Value;

const LAYERS: &str = r#"
[[layers]]
name = "api"
paths = ["pkg/api/**", "web/api/**"]

[[layers]]
name = "core"
paths = ["pkg/core/**", "web/core/**"]
"#;

const VIOLATION: &str = "from pkg.api.routes import handle";
const TS_VIOLATION: &str = "import { handle } from \"../api/routes\";";

fn write(root: &Path, rel: &str, bytes: impl AsRef<[u8]>) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

fn run(root: &Path) -> Value {
    let output = Command::cargo_bin("archgate")
        .unwrap()
        .current_dir(root)
        .args(["check", "--no-cache", "--format", "json"])
        .timeout(Duration::from_mins(2))
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "stderr:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

/// A case: (file, contents, line, column, whether a syntax-error warning is expected).
type Case = (String, Vec<u8>, u64, u64, bool);

/// Writes the repository under `root`; returns the files that must report a violation.
fn build(root: &Path) -> Vec<Case> {
    write(root, "layers.toml", LAYERS);
    for init in [
        "pkg/__init__.py",
        "pkg/api/__init__.py",
        "pkg/core/__init__.py",
    ] {
        write(root, init, "");
    }
    write(root, "pkg/api/routes.py", "def handle():\n    pass\n");
    write(root, "web/api/routes.ts", "export function handle() {}\n");

    let mut cases: Vec<Case> = Vec::new();
    let mut add = |path: &str, bytes: Vec<u8>, line: u64, column: u64, warns: bool| {
        cases.push((path.to_owned(), bytes, line, column, warns));
    };
    add(
        "pkg/core/if_no_colon.py",
        format!("if x\n{VIOLATION}\n").into_bytes(),
        2,
        6,
        false,
    );
    add(
        "pkg/core/open_tuple.py",
        format!("x = (1,\n{VIOLATION}\n").into_bytes(),
        2,
        6,
        true,
    );
    add(
        "pkg/core/dangling_plus.py",
        format!("x = 1 +\n{VIOLATION}\n").into_bytes(),
        2,
        6,
        false,
    );
    add(
        "pkg/core/nested.py",
        format!("def f(:\n    return [1,\nclass C:\n    def g(self):\n        {VIOLATION}\n")
            .into_bytes(),
        5,
        14,
        true,
    );
    let mut nul = b"import os\n".to_vec();
    nul.extend("# padding\n".repeat(1000).into_bytes());
    nul.extend(b"x = '\x00'\n");
    nul.extend(format!("{VIOLATION}\n").into_bytes());
    add("pkg/core/nul_late.py", nul, 1003, 6, true);
    add(
        "pkg/core/cr_only.py",
        format!("import os\rif True:\r    {VIOLATION}\rx = 1\r").into_bytes(),
        3,
        10,
        false,
    );
    add(
        "web/core/open_call.ts",
        format!("const x = foo(\n{TS_VIOLATION}\n").into_bytes(),
        2,
        24,
        true,
    );
    // Near-misses: the violating import as text, in files with errors that cost nothing.
    write(
        root,
        "pkg/core/near_miss.py",
        format!("s = '''\n{VIOLATION}\n'''\n# {VIOLATION}\nt = f\"{{'{VIOLATION}'}}\"\n"),
    );
    write(
        root,
        "web/core/near_miss.ts",
        format!("const s = `\n{TS_VIOLATION}\n`;\n/*\n{TS_VIOLATION}\n*/\nlet z = foo(\n"),
    );
    for (path, bytes, _, _, _) in &cases {
        write(root, path, bytes);
    }

    cases
}

#[test]
fn a_syntax_error_before_an_import_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let cases = build(root);
    let report = run(root);
    let mut found: Vec<(String, u64, u64)> = report["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["path"].as_str().unwrap().to_owned(),
                v["line"].as_u64().unwrap(),
                v["column"].as_u64().unwrap(),
            )
        })
        .collect();
    found.sort();
    let mut expected: Vec<(String, u64, u64)> = cases
        .iter()
        .map(|(p, _, l, c, _)| (p.clone(), *l, *c))
        .collect();
    expected.sort();
    assert_eq!(found, expected, "violations (path, line, column)");

    let warned: Vec<(String, String)> = report["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["path"].as_str().unwrap().to_owned(),
                w["kind"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    for (path, _, _, _, warns) in &cases {
        let has = warned.iter().any(|(p, k)| p == path && k == "syntax-error");
        assert_eq!(has, *warns, "syntax-error warning for {path}: {warned:?}");
    }
    assert!(
        !warned.iter().any(|(p, _)| p == "web/core/near_miss.ts"),
        "an error that cost no import is not worth a warning in TypeScript: {warned:?}"
    );
}
