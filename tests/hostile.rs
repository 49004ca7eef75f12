//! Hostile input (SPEC §7 "nothing is lost"): a repository built at test time in a temporary
//! folder, holding every kind of file that has broken linters — a BOM, CRLF endings, Latin-1
//! bytes, a syntax error, an 8 MB generated module, a 3 MB line, a binary `.py`, a FIFO, a
//! symlink loop and a 100-folder-deep tree. The real binary must finish, exit 1, report each
//! violation at its exact line and column, list the problem files as warnings, and still check
//! every other file.
//!
//! Nothing big is committed: the files are generated in memory. The run has a generous timeout
//! so that a hang fails the test instead of blocking the suite; no assertion is about time.

#![allow(clippy::unwrap_used, clippy::panic, reason = "a failing test panics")]

use std::fmt::Write as _;
use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;
use serde_json::Value;

const LAYERS: &str = r#"
[[layers]]
name = "api"
paths = ["pkg/api/**"]

[[layers]]
name = "core"
paths = ["pkg/core/**"]
"#;

/// The violating import every hostile file ends with; the site is `pkg.api.routes`.
const VIOLATION: &str = "from pkg.api.routes import handle";

fn write(root: &Path, rel: &str, bytes: impl AsRef<[u8]>) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

/// A found violation: (path, line, column, end column).
fn violations(report: &Value) -> Vec<(String, u64, u64, u64)> {
    report["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["path"].as_str().unwrap().to_owned(),
                v["line"].as_u64().unwrap(),
                v["column"].as_u64().unwrap(),
                v["end_column"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn warning_kinds(report: &Value) -> Vec<(String, String)> {
    report["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["path"].as_str().unwrap().to_owned(),
                w["kind"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// Builds the hostile repository; returns the violations it must report as
/// (path, line, column), columns counted in characters.
fn build(root: &Path) -> Vec<(String, u64, u64)> {
    let mut expected = Vec::new();
    let mut expect = |path: &str, line: u64, column: u64| {
        expected.push((path.to_owned(), line, column));
    };
    write(root, "layers.toml", LAYERS);
    write(root, "pkg/__init__.py", "");
    write(root, "pkg/api/__init__.py", "");
    write(root, "pkg/api/routes.py", "def handle():\n    pass\n");
    write(root, "pkg/core/__init__.py", "");

    // A plain file: proves the others did not stop the run.
    write(
        root,
        "pkg/core/plain.py",
        format!("import os\n{VIOLATION}\n"),
    );
    expect("pkg/core/plain.py", 2, 6);

    // A UTF-8 byte order mark is not a character: the import still starts at column 6.
    write(root, "pkg/core/bom.py", format!("\u{FEFF}{VIOLATION}\n"));
    expect("pkg/core/bom.py", 1, 6);

    // Columns count characters, not bytes: `s = "日本"; ` is 10 characters (14 bytes).
    write(
        root,
        "pkg/core/wide.py",
        format!("s = \"日本\"; {VIOLATION}\n"),
    );
    expect("pkg/core/wide.py", 1, 16);

    // CRLF endings count one line each.
    write(
        root,
        "pkg/core/crlf.py",
        format!("import os\r\n\r\nx = 1\r\n    \r\n{VIOLATION}\r\n"),
    );
    expect("pkg/core/crlf.py", 5, 6);

    // Latin-1 bytes (not UTF-8), one of them before the import on the same line: each byte
    // is one character, so `s = "é"; ` puts `pkg.api.routes` at column 1 + 9 + 5.
    let mut latin1 = b"# -*- coding: latin-1 -*-\n# caf\xe9 cr\xe8me\n".to_vec();
    latin1.extend_from_slice(b"s = \"\xe9\"; ");
    latin1.extend_from_slice(VIOLATION.as_bytes());
    latin1.push(b'\n');
    write(root, "pkg/core/latin1.py", latin1);
    expect("pkg/core/latin1.py", 3, 15);

    // A syntax error before the violating import.
    write(
        root,
        "pkg/core/syntax.py",
        format!("def broken(:\n    return [1, 2\nclass (:\n{VIOLATION}\n"),
    );
    expect("pkg/core/syntax.py", 4, 6);

    // 8 MB of generated code, the violating import near the end.
    let mut big = String::with_capacity(8 * 1024 * 1024 + 4096);
    let mut lines = 0u64;
    while big.len() < 8 * 1024 * 1024 {
        writeln!(big, "CONSTANT_{lines} = {lines}  # generated").unwrap();
        lines += 1;
    }
    // Nested in a block, so the column is not the usual one.
    writeln!(big, "if True:\n    {VIOLATION}\nLAST = 1").unwrap();
    write(root, "pkg/core/generated.py", &big);
    expect("pkg/core/generated.py", lines + 2, 10);

    // One 3 MB line, then the violating import.
    let mut long = String::from("DATA = [");
    while long.len() < 3 * 1024 * 1024 {
        long.push_str("1234567, ");
    }
    long.push_str("0]\n");
    long.push_str(VIOLATION);
    long.push('\n');
    write(root, "pkg/core/long_line.py", long);
    expect("pkg/core/long_line.py", 2, 6);

    // 100 folders deep.
    let mut deep = String::from("pkg/core");
    for i in 0..100 {
        write!(deep, "/d{i}").unwrap();
    }
    write(root, &format!("{deep}/bottom.py"), format!("{VIOLATION}\n"));
    expect(&format!("{deep}/bottom.py"), 1, 6);

    // A binary file named .py: skipped with a warning, whatever imports its bytes spell.
    let mut binary = b"\x7fELF\x02\x01\x01\x00\x00\x00".to_vec();
    binary.extend_from_slice(VIOLATION.as_bytes());
    binary.extend_from_slice(&[0u8; 64]);
    write(root, "pkg/core/binary.py", binary);

    #[cfg(unix)]
    {
        // A FIFO named x.py: opening it would block forever.
        let status = std::process::Command::new("mkfifo")
            .arg(root.join("pkg/core/x.py"))
            .status()
            .unwrap();
        assert!(status.success(), "mkfifo failed");
        // A symlink loop through a folder, and a symlink to itself named like a source file.
        std::os::unix::fs::symlink("..", root.join("pkg/core/loop")).unwrap();
        std::os::unix::fs::symlink("self.py", root.join("pkg/core/self.py")).unwrap();
    }
    expected.sort();
    expected
}

#[test]
fn hostile_files_neither_hide_violations_nor_stop_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let expected = build(root);

    let output = Command::cargo_bin("archgate")
        .unwrap()
        .current_dir(root)
        .args(["check", "--format", "json"])
        // A guard against hangs (FIFO, symlink loop), not a performance assertion.
        .timeout(Duration::from_mins(5))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(1),
        "exit code; stderr:\n{stderr}"
    );
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();

    let mut found: Vec<(String, u64, u64)> = violations(&report)
        .into_iter()
        .map(|(p, l, c, _)| (p, l, c))
        .collect();
    found.sort();
    assert_eq!(found, expected, "violations (path, line, column)");

    // The site is `pkg.api.routes` (14 characters) everywhere: end column = column + 14.
    for (path, _, column, end_column) in violations(&report) {
        assert_eq!(end_column, column + 14, "end column in {path}");
    }

    let warnings = warning_kinds(&report);
    let has = |path: &str, kind: &str| warnings.iter().any(|(p, k)| p == path && k == kind);
    assert!(has("pkg/core/binary.py", "binary-file"), "{warnings:?}");
    assert!(has("pkg/core/latin1.py", "not-utf8"), "{warnings:?}");
    assert!(has("pkg/core/syntax.py", "syntax-error"), "{warnings:?}");
    #[cfg(unix)]
    {
        assert!(has("pkg/core/x.py", "not-a-regular-file"), "{warnings:?}");
        assert!(
            has("pkg/core/self.py", "not-a-regular-file"),
            "{warnings:?}"
        );
    }
    // Files that are fine are not warned about.
    for clean in [
        "pkg/core/plain.py",
        "pkg/core/bom.py",
        "pkg/core/crlf.py",
        "pkg/core/wide.py",
    ] {
        assert!(
            !warnings.iter().any(|(p, _)| p == clean),
            "{clean} warned: {warnings:?}"
        );
    }
    // Warnings also go to stderr, one line each, naming the file.
    assert!(stderr.contains("pkg/core/binary.py"), "stderr:\n{stderr}");
    assert_eq!(
        report["summary"]["warnings"].as_u64().unwrap(),
        warnings.len() as u64
    );
}

#[test]
fn escape_sequences_in_names_and_lines_never_reach_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "layers.toml", LAYERS);
    for init in [
        "pkg/__init__.py",
        "pkg/api/__init__.py",
        "pkg/core/__init__.py",
    ] {
        write(root, init, "");
    }
    write(root, "pkg/api/routes.py", "def handle():\n    pass\n");
    // A file name and a line that would retitle the terminal and clear the screen.
    write(
        root,
        "pkg/core/\u{1b}]0;pwned\u{7}.py",
        format!("{VIOLATION}  # \u{1b}[2J\n"),
    );
    // And one whose warning (a binary file) goes to standard error.
    write(root, "pkg/core/\u{1b}[2Jbin.py", "\0\0\0");
    for format in ["agent", "human", "github"] {
        let output = Command::cargo_bin("archgate")
            .unwrap()
            .current_dir(root)
            .args([
                "check",
                "--no-cache",
                "--color",
                "never",
                "--format",
                format,
            ])
            .timeout(Duration::from_mins(1))
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1), "{format}");
        let out = String::from_utf8_lossy(&output.stdout);
        assert!(
            !out.contains('\u{1b}') && !out.contains('\u{7}'),
            "{format}: {out:?}"
        );
        assert!(out.contains("\\x1b]0;pwned\\x07.py"), "{format}: {out}");
        let err = String::from_utf8_lossy(&output.stderr);
        assert!(
            !err.contains('\u{1b}') && !err.contains('\u{7}'),
            "{format}: {err:?}"
        );
        assert!(err.contains("\\x1b[2Jbin.py"), "{format}: {err}");
    }
}
