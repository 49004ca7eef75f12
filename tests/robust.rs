//! Fail closed, lose nothing (issue 16): what a hostile or unlucky repository must not do to a
//! run. Each test builds its repository at test time in a temporary folder and runs the real
//! binary: no panic, no exit code outside 0/1/2, no finding lost, and where archgate must
//! leave something out, a warning naming the file and the cause. Timeouts guard against hangs;
//! no assertion is about time.

#![allow(clippy::unwrap_used, clippy::panic, reason = "a failing test panics")]

use std::fmt::Write as _;
use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;
use serde_json::Value;

fn write(root: &Path, rel: &str, bytes: impl AsRef<[u8]>) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

/// Runs `archgate ARGS` in `dir`: (exit code, stdout, stderr).
fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let output = Command::cargo_bin("archgate")
        .unwrap()
        .current_dir(dir)
        .args(args)
        .env_remove("NO_COLOR")
        .timeout(Duration::from_mins(2))
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// `check --format json` in `dir`: (exit code, report, stderr). Panics unless the exit code
/// is 0 or 1 (a report was written).
fn check_json(dir: &Path) -> (i32, Value, String) {
    let (code, stdout, stderr) = run(dir, &["check", "--no-cache", "--format", "json"]);
    assert!(
        code == 0 || code == 1,
        "exit {code}; stderr:\n{stderr}\nstdout:\n{stdout}"
    );
    (code, serde_json::from_str(&stdout).unwrap(), stderr)
}

/// The violations of a JSON report as (path, line, target).
fn findings(report: &Value) -> Vec<(String, u64, String)> {
    report["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["path"].as_str().unwrap().to_owned(),
                v["line"].as_u64().unwrap(),
                v["target"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

/// The warnings of a JSON report as (path, kind, message).
fn warnings(report: &Value) -> Vec<(String, String, String)> {
    report["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["path"].as_str().unwrap().to_owned(),
                w["kind"].as_str().unwrap().to_owned(),
                w["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

const PY_LAYERS: &str = r#"
[[layers]]
name = "api"
paths = ["pkg/api/**"]

[[layers]]
name = "core"
paths = ["pkg/core/**"]
"#;

/// A Python package whose `pkg/core` may not import `pkg/api`.
fn python_repo(root: &Path) {
    write(root, "layers.toml", PY_LAYERS);
    for init in [
        "pkg/__init__.py",
        "pkg/api/__init__.py",
        "pkg/core/__init__.py",
    ] {
        write(root, init, "");
    }
    write(root, "pkg/api/routes.py", "def handle():\n    pass\n");
}

const TS_LAYERS: &str = r#"
[[layers]]
name = "ui"
paths = ["src/ui/**"]

[[layers]]
name = "core"
paths = ["src/core/**"]
"#;

/// A TypeScript repository whose `src/core` may not import `src/ui`, in `dir` under `root`.
fn ts_repo(root: &Path) {
    write(root, "layers.toml", TS_LAYERS);
    write(root, "src/ui/a.ts", "export const x = 1;\n");
}

// Item 8: crashes.

#[test]
fn issue_16_finding_past_column_65535_is_drawn_without_panicking() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    python_repo(root);
    // A minified line: the import starts at character 70,006.
    let line = format!(
        "{}from pkg.api.routes import handle\n",
        "x = 1; ".repeat(10_000)
    );
    write(root, "pkg/core/minified.py", line);
    let (code, stdout, stderr) = run(
        root,
        &[
            "check",
            "--no-cache",
            "--format",
            "human",
            "--color",
            "never",
        ],
    );
    assert_eq!(code, 1, "stderr:\n{stderr}");
    assert!(stdout.contains("pkg/core/minified.py:1:70006"), "{stdout}");
    // The excerpt is a window around the import, not the 70 KB line.
    assert!(
        stdout.contains("from pkg.api.routes import handle"),
        "{stdout}"
    );
    assert!(stdout.len() < 8_000, "{} bytes", stdout.len());
}

#[test]
fn issue_16_config_error_past_column_65535_is_drawn_without_panicking() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    python_repo(root);
    let long = "a".repeat(70_000);
    write(
        root,
        "layers.toml",
        format!(
            "[[layers]]\nname = \"api\"\npaths = [\"pkg/api/**\", \"{long}\", 5]\n\n\
             [[layers]]\nname = \"core\"\npaths = [\"pkg/core/**\"]\n"
        ),
    );
    let (code, _, stderr) = run(root, &["check", "--no-cache", "--color", "never"]);
    assert_eq!(code, 2, "stderr:\n{stderr}");
    assert!(stderr.contains("must be a string"), "{stderr}");
    assert!(stderr.contains("layers.toml:3:70028"), "{stderr}");
}

#[test]
fn issue_16_tsconfig_paths_target_of_6000_segments_is_left_out_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    ts_repo(root);
    let deep = vec!["d"; 6_000].join("/");
    write(
        root,
        "tsconfig.json",
        format!(
            r#"{{ "compilerOptions": {{ "baseUrl": ".", "paths": {{
                 "@deep/*": ["./{deep}/*"], "@ui/*": ["./src/ui/*"] }} }} }}"#
        ),
    );
    write(
        root,
        "src/core/b.ts",
        "import { q } from \"@deep/q\";\nimport { x } from \"@ui/a\";\n",
    );
    let (code, report, _) = check_json(root);
    assert_eq!(code, 1);
    // The other alias of the same tsconfig still maps.
    assert_eq!(
        findings(&report),
        [("src/core/b.ts".to_owned(), 2, "src/ui/a.ts".to_owned())]
    );
    let warnings = warnings(&report);
    assert!(
        warnings.iter().any(|(p, k, m)| p == "tsconfig.json"
            && k == "broken-config"
            && m.contains("longer than any path")),
        "{warnings:?}"
    );
}

#[test]
fn issue_16_import_specifier_of_3000_segments_is_unresolved_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    ts_repo(root);
    write(
        root,
        "src/core/b.ts",
        format!(
            "import {{ y }} from \"./{}x\";\nimport {{ x }} from \"../ui/a\";\n",
            "d/".repeat(3_000)
        ),
    );
    let (code, report, _) = check_json(root);
    assert_eq!(code, 1);
    assert_eq!(
        findings(&report),
        [("src/core/b.ts".to_owned(), 2, "src/ui/a.ts".to_owned())]
    );
    assert_eq!(report["summary"]["unresolved"], 1);
}

#[test]
fn issue_16_tsconfig_extends_chain_of_700_files_is_cut_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    ts_repo(root);
    write(
        root,
        "tsconfig.json",
        r#"{ "extends": "./configs/t1.json" }"#,
    );
    for i in 1..700 {
        write(
            root,
            &format!("configs/t{i}.json"),
            format!(r#"{{ "extends": "./t{}.json" }}"#, i + 1),
        );
    }
    write(root, "configs/t700.json", "{}");
    write(root, "src/core/b.ts", "import { x } from \"../ui/a\";\n");
    let (code, report, _) = check_json(root);
    assert_eq!(code, 1);
    assert_eq!(findings(&report).len(), 1);
    let warnings = warnings(&report);
    assert!(
        warnings.iter().any(|(p, k, m)| p == "tsconfig.json"
            && k == "broken-config"
            && m.contains("chain of more than 32 files")),
        "{warnings:?}"
    );
}

// Item 2: TypeScript configuration that cannot be used as written.

#[test]
fn issue_16_tsconfig_extends_of_an_uninstalled_package_warns_and_keeps_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    ts_repo(root);
    write(
        root,
        "tsconfig.json",
        r#"{ "extends": "@tsconfig/node20/tsconfig.json",
             "compilerOptions": { "baseUrl": ".", "paths": { "@/*": ["./src/*"] } } }"#,
    );
    write(root, "src/core/b.ts", "import { x } from \"@/ui/a\";\n");
    let (code, report, stderr) = check_json(root);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        findings(&report),
        [("src/core/b.ts".to_owned(), 1, "src/ui/a.ts".to_owned())]
    );
    let warnings = warnings(&report);
    assert!(
        warnings.iter().any(|(p, k, m)| p == "tsconfig.json"
            && k == "broken-config"
            && m.contains("`@tsconfig/node20`")
            && m.contains("neither installed")),
        "{warnings:?}"
    );
    assert!(stderr.contains("tsconfig.json"), "{stderr}");
}

#[test]
fn issue_16_workspace_tsconfig_extends_resolves_without_node_modules() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    ts_repo(root);
    // A turborepo layout before `npm install`: the shared config is a workspace package
    // with no source file, named only by its package.json.
    write(
        root,
        "package.json",
        r#"{ "name": "root", "private": true, "workspaces": ["packages/*"] }"#,
    );
    write(
        root,
        "packages/typescript-config/package.json",
        r#"{ "name": "@repo/typescript-config", "version": "0.0.0" }"#,
    );
    write(
        root,
        "packages/typescript-config/base.json",
        r#"{ "compilerOptions": { "strict": true, "paths": { "@/*": ["../../src/*"] } } }"#,
    );
    write(
        root,
        "tsconfig.json",
        r#"{ "extends": "@repo/typescript-config/base.json" }"#,
    );
    write(root, "src/core/b.ts", "import { x } from \"@/ui/a\";\n");
    let (code, report, stderr) = check_json(root);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        findings(&report),
        [("src/core/b.ts".to_owned(), 1, "src/ui/a.ts".to_owned())]
    );
    // A configuration that resolves is not warned about.
    assert_eq!(warnings(&report), []);
}

#[test]
fn issue_16_invalid_tsconfig_warns_where_and_relative_imports_still_resolve() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    ts_repo(root);
    write(
        root,
        "tsconfig.json",
        "{\n  \"compilerOptions\": {\n    \"baseUrl\": .\n}",
    );
    write(root, "src/core/b.ts", "import { x } from \"../ui/a\";\n");
    let (code, report, _) = check_json(root);
    assert_eq!(code, 1);
    assert_eq!(findings(&report).len(), 1);
    let warnings = warnings(&report);
    assert!(
        warnings.iter().any(|(p, k, m)| p == "tsconfig.json"
            && k == "broken-config"
            && m.contains("not valid JSON (line 3, column")),
        "{warnings:?}"
    );
}

#[test]
fn issue_16_tsconfig_extends_cycle_warns_and_imports_still_resolve() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    ts_repo(root);
    write(
        root,
        "tsconfig.json",
        r#"{ "extends": "./tsconfig.base.json" }"#,
    );
    write(
        root,
        "tsconfig.base.json",
        r#"{ "extends": "./tsconfig.json", "compilerOptions": {} }"#,
    );
    write(root, "src/core/b.ts", "import { x } from \"../ui/a\";\n");
    let (code, report, _) = check_json(root);
    assert_eq!(code, 1);
    assert_eq!(findings(&report).len(), 1);
    let warnings = warnings(&report);
    assert!(
        warnings
            .iter()
            .any(|(p, k, m)| p == "tsconfig.json" && k == "broken-config" && m.contains("cycle")),
        "{warnings:?}"
    );
}

#[test]
fn issue_16_broken_package_json_warns_and_imports_still_resolve() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    ts_repo(root);
    write(root, "src/package.json", "{ \"name\": \"app\", }\n");
    write(root, "src/core/b.ts", "import { x } from \"../ui/a\";\n");
    let (code, report, _) = check_json(root);
    assert_eq!(code, 1);
    assert_eq!(findings(&report).len(), 1);
    let warnings = warnings(&report);
    assert!(
        warnings.iter().any(|(p, k, m)| p == "src/package.json"
            && k == "broken-config"
            && m.contains("not valid JSON (line 1")),
        "{warnings:?}"
    );
}

#[test]
fn issue_16_missing_tsconfig_reference_warns_and_imports_still_resolve() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    ts_repo(root);
    write(
        root,
        "tsconfig.json",
        r#"{ "compilerOptions": { "baseUrl": ".", "paths": { "@/*": ["./src/*"] } },
             "references": [{ "path": "./packages/gone" }] }"#,
    );
    write(root, "src/core/b.ts", "import { x } from \"@/ui/a\";\n");
    let (code, report, _) = check_json(root);
    assert_eq!(code, 1);
    assert_eq!(findings(&report).len(), 1);
    let warnings = warnings(&report);
    assert!(
        warnings.iter().any(|(p, k, m)| p == "tsconfig.json"
            && k == "broken-config"
            && m.contains("`./packages/gone`")),
        "{warnings:?}"
    );
}

#[test]
fn issue_16_configuration_above_the_root_is_never_read() {
    let dir = tempfile::tempdir().unwrap();
    let outside = dir.path();
    // Above the root: a broken package.json, and a tsconfig whose alias would map an import
    // of the repository. Neither applies, and neither is warned about.
    write(outside, "package.json", "{ broken");
    write(
        outside,
        "tsconfig.json",
        r#"{ "compilerOptions": { "paths": { "@above/*": ["./repo/src/*"] } } }"#,
    );
    let root = &outside.join("repo");
    ts_repo(root);
    write(
        root,
        "src/core/b.ts",
        "import { x } from \"@above/ui/a\";\nimport { y } from \"../ui/a\";\n",
    );
    let (code, report, stderr) = check_json(root);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        findings(&report),
        [("src/core/b.ts".to_owned(), 2, "src/ui/a.ts".to_owned())]
    );
    assert_eq!(warnings(&report), []);
}

#[test]
fn issue_16_absolute_typescript_specifiers_are_unresolved_not_external() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    ts_repo(root);
    write(
        root,
        "src/core/b.ts",
        "import { y } from \"/etc/outside\";\nimport { x } from \"../ui/a\";\n",
    );
    let (code, stdout, stderr) = run(root, &["graph", "--no-cache", "--format", "tsv"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("src/core/b.ts\tunresolved:/etc/outside\t1\t"),
        "{stdout}"
    );
    assert!(!stdout.contains("external:"), "{stdout}");
    let (code, report, _) = check_json(root);
    assert_eq!(code, 1);
    assert_eq!(report["summary"]["unresolved"], 1);
    assert_eq!(
        findings(&report).len(),
        1,
        "the relative import is still checked"
    );
}

// Items 3 and 4: the walk.

/// The paths of the files a JSON report says were checked, through their violations: each
/// Python file of these tests holds one violating import.
fn violating_paths(report: &Value) -> Vec<String> {
    let mut paths: Vec<String> = findings(report).into_iter().map(|(p, _, _)| p).collect();
    paths.sort();
    paths
}

#[test]
fn issue_16_gitignore_above_a_plain_folder_does_not_apply() {
    let dir = tempfile::tempdir().unwrap();
    let outside = dir.path();
    write(outside, ".gitignore", "*\n");
    let root = &outside.join("repo");
    python_repo(root);
    // The root's own .gitignore still applies (near miss).
    write(root, ".gitignore", "ignored.py\n");
    write(root, "pkg/core/a.py", "from pkg.api.routes import handle\n");
    write(
        root,
        "pkg/core/ignored.py",
        "from pkg.api.routes import handle\n",
    );
    let (_, report, _) = check_json(root);
    assert_eq!(violating_paths(&report), ["pkg/core/a.py"]);
}

#[test]
fn issue_16_gitignore_above_the_git_repository_does_not_apply() {
    let dir = tempfile::tempdir().unwrap();
    let outside = dir.path();
    write(outside, ".gitignore", "*\n");
    // layers.toml in a subfolder of the repository: the ignore files between the
    // repository's top and the root apply, those above its top do not.
    let top = &outside.join("mono");
    std::fs::create_dir_all(top.join(".git")).unwrap();
    write(top, ".gitignore", "skipped/\n");
    let root = &top.join("app");
    python_repo(root);
    write(root, "pkg/core/a.py", "from pkg.api.routes import handle\n");
    write(
        root,
        "pkg/core/skipped/b.py",
        "from pkg.api.routes import handle\n",
    );
    let (_, report, _) = check_json(root);
    assert_eq!(violating_paths(&report), ["pkg/core/a.py"]);
}

/// Runs the binary as an unprivileged user when the tests run as root (for whom every
/// folder is readable); `None` when that is not possible here.
#[cfg(unix)]
fn run_unprivileged(dir: &Path, args: &[&str]) -> Option<(i32, String, String)> {
    let bin = assert_cmd::cargo::cargo_bin("archgate");
    let is_root = std::process::Command::new("id")
        .arg("-u")
        .output()
        .ok()
        .is_some_and(|o| o.stdout.starts_with(b"0\n"));
    let mut command = if is_root {
        let mut c = std::process::Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(&bin);
        c
    } else {
        std::process::Command::new(&bin)
    };
    let output = command.current_dir(dir).args(args).output().ok()?;
    Some((
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    ))
}

#[cfg(unix)]
#[test]
fn issue_16_unreadable_folder_is_a_warning_naming_it() {
    use std::os::unix::fs::PermissionsExt;

    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    python_repo(root);
    write(root, "pkg/core/a.py", "from pkg.api.routes import handle\n");
    write(
        root,
        "pkg/core/secret/b.py",
        "from pkg.api.routes import handle\n",
    );
    std::fs::set_permissions(root, std::fs::Permissions::from_mode(0o755)).unwrap();
    let secret = root.join("pkg/core/secret");
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o000)).unwrap();
    let result = run_unprivileged(root, &["check", "--no-cache", "--format", "json"]);
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o755)).unwrap();
    // Without `setpriv` (as root), permissions cannot be put to the test here.
    let Some((code, stdout, stderr)) = result else {
        return;
    };
    assert_eq!(code, 1, "{stderr}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(violating_paths(&report), ["pkg/core/a.py"]);
    let warnings = warnings(&report);
    assert!(
        warnings.iter().any(|(p, k, m)| p == "pkg/core/secret"
            && k == "unreadable-folder"
            && m.contains("permission denied")),
        "{warnings:?}"
    );
    assert!(stderr.contains("pkg/core/secret"), "{stderr}");
}

// Item 9: inputs that once cost quadratic time. Each must finish (the harness's timeout
// guards against a hang) with its finding; no assertion is about time.

#[test]
fn issue_16_python_dotted_name_of_500k_segments() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    python_repo(root);
    let dotted = vec!["pkg"; 500_000].join(".");
    write(
        root,
        "pkg/core/a.py",
        format!("import {dotted}\nfrom pkg.api.routes import handle\n"),
    );
    let (code, report, _) = check_json(root);
    assert_eq!(code, 1);
    assert_eq!(
        findings(&report),
        [(
            "pkg/core/a.py".to_owned(),
            2,
            "pkg/api/routes.py".to_owned()
        )]
    );
}

#[test]
fn issue_16_python_100k_imports_between_statements() {
    // Each import is an island of its own: tree-sitter's lexer searches its included ranges
    // from the first at every token, so one parse of them all took tokens × islands.
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    python_repo(root);
    let n = 100_000;
    write(
        root,
        "pkg/core/many.py",
        "from pkg.api.routes import handle
x = 1
"
        .repeat(n),
    );
    let (code, report, _) = check_json(root);
    assert_eq!(code, 1);
    let lines: Vec<u64> = findings(&report).iter().map(|f| f.1).collect();
    assert_eq!(lines.len(), n);
    assert_eq!(lines.last(), Some(&(2 * n as u64 - 1)));
}

#[test]
fn issue_16_import_cycle_through_a_ring_of_12k_files() {
    // One component of 12,000 files: the shortest cycle through each of them was a search of
    // the whole ring each, 144 million steps. Past 1,000 files a sample chooses the cut.
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let n = 12_000;
    write(root, "layers.toml", "[[cycles]]\npaths = [\"pkg/**\"]\n");
    write(root, "pkg/__init__.py", "");
    for i in 0..n {
        write(
            root,
            &format!("pkg/m{i:05}.py"),
            format!("import pkg.m{:05}\n", (i + 1) % n),
        );
    }
    let (code, report, _) = check_json(root);
    assert_eq!(code, 1);
    let violations = report["violations"].as_array().unwrap();
    assert_eq!(violations.len(), 1, "one finding per component");
    let finding = &violations[0];
    assert_eq!(finding["path"], "pkg/m00000.py");
    let message = finding["message"].as_str().unwrap();
    assert!(
        message.contains("cycle of 12000 links, in a component of 12000 files"),
        "{message}"
    );
    let help = finding["help"].as_str().unwrap();
    assert!(
        help.contains("through 1000 of the 12000 files, spread evenly in path order"),
        "{help}"
    );
    assert_eq!(finding["chain"].as_array().unwrap().len(), n);
}

#[test]
fn issue_16_human_format_of_20k_findings_on_one_minified_line() {
    // Each drawing reads the whole 600 KB line: past the first 20 on a long line, findings
    // are one line each.
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    ts_repo(root);
    let n = 20_000;
    write(
        root,
        "src/core/b.ts",
        format!("{}\n", "import { x } from \"../ui/a\"; ".repeat(n)),
    );
    let (code, stdout, stderr) = run(
        root,
        &[
            "check",
            "--no-cache",
            "--format",
            "human",
            "--color",
            "never",
        ],
    );
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(stdout.matches("╭─[").count(), 20, "excerpts drawn");
    let compact: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("src/core/b.ts:1:"))
        .collect();
    assert_eq!(compact.len(), n - 20);
    // The last finding, with its column and rule, and its help below it.
    let last = compact.last().unwrap();
    let column = (n - 1) * 29 + 19;
    assert!(
        last.starts_with(&format!(
            "src/core/b.ts:1:{column}: error[AG001 upward-import] "
        )),
        "{last}"
    );
    assert!(stdout.trim_end().ends_with(&format!(
        "archgate: {n} errors and 0 warnings in 2 files ({n} imports)"
    )));
}

/// A crate whose `src/a.rs` (layer `a`) may not be imported by `src/lib.rs` (layer `b`).
fn rust_crate(root: &Path, lib: &str) {
    write(
        root,
        "Cargo.toml",
        "[package]\nname = \"x\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    );
    write(
        root,
        "layers.toml",
        "[[layers]]\nname = \"a\"\npaths = [\"src/a.rs\"]\n\n\
         [[layers]]\nname = \"b\"\npaths = [\"src/lib.rs\"]\n",
    );
    write(root, "src/a.rs", "pub fn f() {}\n");
    write(root, "src/lib.rs", lib);
}

#[test]
fn issue_16_rust_use_tree_100k_deep() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let n = 100_000;
    rust_crate(
        root,
        &format!(
            "mod a;\nuse crate::{}c{};\nuse crate::a::f;\n",
            "{b::".repeat(n),
            "}".repeat(n)
        ),
    );
    let (code, report, _) = check_json(root);
    assert_eq!(code, 1);
    let lines: Vec<u64> = findings(&report).iter().map(|f| f.1).collect();
    assert_eq!(lines, [1, 3], "{:?}", findings(&report));
}

#[test]
fn issue_16_rust_inline_mods_100k_deep_on_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let n = 100_000;
    // Every module on one line, each with a site: the sites' columns are counted once.
    rust_crate(
        root,
        &format!(
            "mod a;\nuse crate::a::f;\n{}{}\n",
            "mod m { use crate::a::f; ".repeat(n),
            "}".repeat(n)
        ),
    );
    let (code, report, _) = check_json(root);
    assert_eq!(code, 1);
    let found = findings(&report);
    assert_eq!(found.len(), n + 2, "one finding per site");
    let last = report["violations"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["line"], 3);
    // The last site's column: each module is 25 characters, then `mod m { use ` 12 more.
    let column = (n - 1) * 25 + 12 + 1;
    assert_eq!(last["column"].as_u64(), Some(column as u64));
}

#[test]
fn issue_16_typescript_import_call_in_50k_nested_parentheses() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    ts_repo(root);
    let n = 50_000;
    write(
        root,
        "src/core/b.ts",
        format!(
            "const v = {}import(\"../ui/a\"){};\nimport {{ x }} from \"../ui/a\";\n",
            "(".repeat(n),
            ")".repeat(n)
        ),
    );
    let (code, report, _) = check_json(root);
    assert_eq!(code, 1);
    let lines: Vec<u64> = findings(&report).iter().map(|f| f.1).collect();
    assert_eq!(lines, [1, 2]);
}

#[test]
fn issue_16_glob_longer_than_any_path_is_a_config_error() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    python_repo(root);
    let long = "a/".repeat(200_000);
    write(
        root,
        "layers.toml",
        format!(
            "exclude = [\"{long}\"]\n\n[[layers]]\nname = \"api\"\npaths = [\"pkg/api/**\", \
             \"{long}\"]\n\n[[layers]]\nname = \"core\"\npaths = [\"pkg/core/**\"]\n"
        ),
    );
    let (code, _, stderr) = run(root, &["check", "--no-cache", "--color", "never"]);
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(stderr.matches("400000 bytes long").count(), 2, "{stderr}");
    assert!(stderr.contains("a glob in `exclude`"), "{stderr}");
    assert!(stderr.contains("a glob in layer `api`"), "{stderr}");
    // A long glob that is short enough to name a path is no error (near miss).
    let fine = format!("pkg/api/{}x.py", "d/".repeat(1_000));
    write(
        root,
        "layers.toml",
        format!("{PY_LAYERS}\n[[layers]]\nname = \"deep\"\npaths = [\"{fine}\"]\n"),
    );
    write(root, "pkg/core/a.py", "from pkg.api.routes import handle\n");
    let (code, _, stderr) = run(root, &["check", "--no-cache", "--format", "json"]);
    assert_eq!(code, 1, "{stderr}");
}

#[test]
fn issue_16_twenty_thousand_layers_with_duplicate_names() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    python_repo(root);
    let mut config = String::new();
    for i in 0..20_000 {
        config.push_str(&format!(
            "[[layers]]\nname = \"l{}\"\npaths = [\"pkg/x{i}/**\"]\n\n",
            i % 10_000
        ));
    }
    write(root, "layers.toml", config);
    let args = [
        "check",
        "--no-cache",
        "--format",
        "sarif",
        "--color",
        "never",
    ];
    // Memory is bounded too: each error once copied the whole config (9.7 GB). Under a
    // 1 GB address-space limit (util-linux `prlimit`, where there is one) it still runs.
    let (code, stdout, stderr) = if Path::new("/usr/bin/prlimit").exists() {
        let output = std::process::Command::new("/usr/bin/prlimit")
            .arg("--as=1000000000")
            .arg(assert_cmd::cargo::cargo_bin("archgate"))
            .args(args)
            .current_dir(root)
            .output()
            .unwrap();
        (
            output.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    } else {
        run(root, &args)
    };
    assert_eq!(code, 2, "{}", stderr.get(..500).unwrap_or(&stderr));
    assert!(
        stderr.contains("10000 configuration errors in all"),
        "{}",
        stderr
            .get(stderr.len().saturating_sub(500)..)
            .unwrap_or_default()
    );
    // SARIF names every one of them, each at its line.
    let sarif: Value = serde_json::from_str(&stdout).unwrap();
    let notes = sarif["runs"][0]["invocations"][0]["toolConfigurationNotifications"]
        .as_array()
        .unwrap();
    assert_eq!(notes.len(), 10_000);
    let last = &notes[9_999]["locations"][0]["physicalLocation"]["region"]["startLine"];
    assert_eq!(last, 4 * 19_999 + 2);
}

// Item 13: leftovers of killed runs.

#[test]
fn issue_16_killed_runs_temporary_cache_files_are_removed_later() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    python_repo(root);
    write(root, "pkg/core/a.py", "from pkg.api.routes import handle\n");
    let cache = root.join(".archgate_cache");
    // A run killed an hour ago, and one (perhaps still running) a moment ago.
    let old = cache.join(".imports.bin.4242.0.tmp");
    let recent = cache.join(".imports.bin.4343.0.tmp");
    write(root, ".archgate_cache/.imports.bin.4242.0.tmp", "partial");
    write(root, ".archgate_cache/.imports.bin.4343.0.tmp", "partial");
    let hour_ago = std::time::SystemTime::now() - Duration::from_hours(1);
    std::fs::File::options()
        .write(true)
        .open(&old)
        .unwrap()
        .set_modified(hour_ago)
        .unwrap();
    let (code, _, stderr) = run(root, &["check", "--format", "json"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(!old.exists(), "the stale temporary file is still there");
    assert!(recent.exists(), "a recent temporary file was removed");
    assert!(cache.join("imports.bin").exists());
}

#[test]
fn issue_16_sarif_holds_at_most_25000_results_and_says_what_it_left_out() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    python_repo(root);
    // A warning (a layer glob that matches nothing) and 25,001 errors.
    write(
        root,
        "layers.toml",
        format!("{PY_LAYERS}\n[[layers]]\nname = \"gone\"\npaths = [\"pkg/gone/**\"]\n"),
    );
    write(
        root,
        "pkg/core/many.py",
        "from pkg.api.routes import handle\n".repeat(25_001),
    );
    let (code, stdout, stderr) = run(root, &["check", "--no-cache", "--format", "sarif"]);
    assert_eq!(code, 1, "{stderr}");
    let sarif: Value = serde_json::from_str(&stdout).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 25_000);
    // Errors first: the warning is the one left out, with the last error.
    assert!(results.iter().all(|r| r["level"] == "error"));
    let last = &results[24_999]["locations"][0]["physicalLocation"]["region"]["startLine"];
    assert_eq!(last, 25_000);
    let notes = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert!(
        notes
            .iter()
            .any(|n| n["descriptor"]["id"] == "results-capped"
                && n["message"]["text"]
                    .as_str()
                    .unwrap()
                    .starts_with("2 of 25002 findings are not in this log")),
        "{notes:?}"
    );
}

#[test]
fn issue_16_sarif_stays_under_10_mb_gzipped_and_says_what_it_left_out() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    python_repo(root);
    // 2,000 errors, each naming its own 12,000 random letters (the help repeats the name):
    // about 14 MB gzipped in all, where GitHub takes 10.
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut letter = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        char::from(b'a' + u8::try_from(state % 26).unwrap())
    };
    let n = 2_000;
    let mut source = String::new();
    for _ in 0..n {
        source.push_str("from pkg.api.routes import ");
        source.extend((0..12_000).map(|_| letter()));
        source.push('\n');
    }
    write(root, "pkg/core/many.py", source);
    let (code, stdout, stderr) = run(root, &["check", "--no-cache", "--format", "sarif"]);
    assert_eq!(code, 1, "{stderr}");
    let gzipped = miniz_oxide::deflate::compress_to_vec(stdout.as_bytes(), 6).len() + 18;
    assert!(gzipped <= 10_000_000, "{gzipped} bytes gzipped");
    let sarif: Value = serde_json::from_str(&stdout).unwrap();
    let kept = sarif["runs"][0]["results"].as_array().unwrap().len();
    // Fewer results, yet not needlessly few: the log is cut to size, not emptied.
    assert!(kept < n && kept > n / 2, "{kept} results");
    let notes = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    let note = notes
        .iter()
        .find(|n| n["descriptor"]["id"] == "results-capped")
        .expect("a results-capped notification");
    let text = note["message"]["text"].as_str().unwrap();
    assert!(
        text.starts_with(&format!("{} of {n} findings are not in this log", n - kept)),
        "{text}"
    );
    assert!(text.contains("10 MB gzipped"), "{text}");
}

#[cfg(unix)]
#[test]
fn issue_16_a_file_name_that_is_not_utf8_is_checked_and_warned_about() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    python_repo(root);
    let name = std::ffi::OsStr::from_bytes(b"a\xff.py");
    std::fs::write(
        root.join("pkg/core").join(name),
        "from pkg.api.routes import handle\n",
    )
    .unwrap();
    // A UTF-8 neighbour: checked, and no warning for it.
    write(root, "pkg/core/b.py", "from pkg.api.routes import handle\n");
    let (code, report, _) = check_json(root);
    assert_eq!(code, 1);
    let paths: Vec<String> = findings(&report).into_iter().map(|f| f.0).collect();
    assert_eq!(paths, ["pkg/core/a\u{fffd}.py", "pkg/core/b.py"]);
    let warned = warnings(&report);
    assert_eq!(warned.len(), 1, "{warned:?}");
    let (path, kind, message) = &warned[0];
    assert_eq!(
        (path.as_str(), kind.as_str()),
        ("pkg/core/a\u{fffd}.py", "not-utf8")
    );
    assert!(message.contains("file name is not UTF-8"), "{message}");
    assert!(message.contains("rename it"), "{message}");
}

// Item 12: no absolute path in any output, and helps that fit the problem.

#[test]
fn issue_16_non_utf8_layers_toml_is_named_relatively_with_the_bad_byte() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    python_repo(root);
    write(
        root,
        "layers.toml",
        b"[[layers]]\nname = \"a\xff\"\npaths = [\"pkg/**\"]\n".as_slice(),
    );
    let absolute = root.to_string_lossy().into_owned();
    for format in ["github", "sarif", "agent"] {
        let (code, stdout, stderr) = run(root, &["check", "--no-cache", "--format", format]);
        assert_eq!(code, 2, "{format}");
        assert!(
            !stdout.contains(&absolute) && !stderr.contains(&absolute),
            "{format}: {stdout}{stderr}"
        );
        assert!(
            stderr.contains("`layers.toml` is not UTF-8: the byte at line 2, column 10"),
            "{stderr}"
        );
        assert!(stderr.contains("Save `layers.toml` as UTF-8"), "{stderr}");
        assert!(!stderr.contains("existing, readable"), "{stderr}");
    }
}

#[test]
fn issue_16_nothing_to_check_names_no_absolute_path() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "layers.toml", PY_LAYERS);
    let (code, _, stderr) = run(root, &["check", "--no-cache"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("no source file to check"), "{stderr}");
    assert!(!stderr.contains(&*root.to_string_lossy()), "{stderr}");
}

// Second adversarial pass: one file, or one configuration, with many of one thing.

/// The JSON report's violations of rule `code`.
fn of_rule<'r>(report: &'r Value, code: &str) -> Vec<&'r Value> {
    report["violations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v["code"] == code)
        .collect()
}

#[test]
fn issue_16_suppression_comment_on_each_of_100k_imports() {
    // Each comment's line was counted from the start of the file, and each finding looked
    // at every comment of its file: both quadratic (30 s in a release build).
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    python_repo(root);
    write(
        root,
        "layers.toml",
        format!("[check]\ninline_allow = true\n{PY_LAYERS}"),
    );
    let n = 100_000;
    let mut source =
        "from pkg.api.routes import handle  # archgate: allow(upward-import) ok\n".repeat(n);
    // Near misses: a comment naming another rule waives nothing, and a comment alone on
    // its line waives the next line's import, even several on one line.
    source.push_str("from pkg.api.routes import handle  # archgate: allow(forbidden-import) no\n");
    source.push_str("# archgate: allow(AG001) a # archgate: allow(AG001) b\n");
    source.push_str("from pkg.api.routes import handle\n");
    write(root, "pkg/core/many.py", source);
    let (code, report, _) = check_json(root);
    assert_eq!(code, 1);
    let errors: Vec<u64> = of_rule(&report, "AG001")
        .iter()
        .map(|v| v["line"].as_u64().unwrap())
        .collect();
    assert_eq!(errors, [n as u64 + 1]);
    assert_eq!(report["summary"]["suppressed"], n + 1);
    // The comment naming another rule, and the second comment of the shared line.
    let unused: Vec<(u64, u64)> = of_rule(&report, "AG011")
        .iter()
        .map(|v| (v["line"].as_u64().unwrap(), v["column"].as_u64().unwrap()))
        .collect();
    assert_eq!(unused, [(n as u64 + 1, 38), (n as u64 + 2, 30)]);
}

#[test]
fn issue_16_upward_imports_of_50k_names_each_get_their_plan() {
    // Each name's fix plan looked at every import of the target file: names × sites.
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    python_repo(root);
    let n = 50_000;
    let mut source = String::new();
    for i in 0..n {
        writeln!(source, "from pkg.api.routes import h{i}").unwrap();
    }
    write(root, "pkg/core/many.py", source);
    // Another importer of one of the names, allowed by the layer order: the plan for that
    // name (and only that one) says to keep it importable.
    write(root, "pkg/api/views.py", "from pkg.api.routes import h7\n");
    let (code, report, _) = check_json(root);
    assert_eq!(code, 1);
    let found = of_rule(&report, "AG001");
    assert_eq!(found.len(), n);
    let keeps: Vec<u64> = found
        .iter()
        .filter(|v| {
            v["help"]
                .as_str()
                .unwrap()
                .contains("`pkg/api/views.py` also imports `h7`")
        })
        .map(|v| v["line"].as_u64().unwrap())
        .collect();
    assert_eq!(keeps, [8]);
}

#[test]
fn issue_16_helps_name_ten_of_4000_layers_and_modules() {
    // Each help listed every layer below (or every module of a `may_import`), and found
    // each module's group by a pass over all groups: 4,000 findings took 48 s.
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let n = 4_000;
    let mut config = String::new();
    for i in 0..n {
        config.push_str(&format!(
            "[[layers]]\nname = \"l{i}\"\npaths = [\"pkg/l{i}/**\"]\n\n"
        ));
    }
    for i in 0..n {
        config.push_str(&format!(
            "[[modules]]\nname = \"m{i}\"\npaths = [\"pkg/l0/m{i}/**\"]\n\n"
        ));
    }
    let allowed: Vec<String> = (1..n).map(|i| format!("\"m{i}\"")).collect();
    config.push_str(&format!(
        "[[modules]]\nname = \"x\"\npaths = [\"pkg/l0/x/**\"]\nmay_import = [{}]\n",
        allowed.join(", ")
    ));
    write(root, "layers.toml", config);
    write(root, "pkg/__init__.py", "");
    // Each layer's file imports the one of the layer above (AG001); `x` imports module `m0`,
    // which its list leaves out (AG004), once per layer.
    for i in 0..n {
        write(root, &format!("pkg/l{i}/__init__.py"), "");
        write(root, &format!("pkg/l0/m{i}/__init__.py"), "");
        let above = if i == 0 {
            String::new()
        } else {
            format!("from pkg.l{} import a\n", i - 1)
        };
        write(root, &format!("pkg/l{i}/a.py"), above);
    }
    write(root, "pkg/l0/x/__init__.py", "");
    let mut imports = String::new();
    for i in 0..n {
        writeln!(imports, "from pkg.l0.m0 import f{i}").unwrap();
    }
    write(root, "pkg/l0/x/a.py", imports);
    let (code, report, _) = check_json(root);
    assert_eq!(code, 1);
    let upward = of_rule(&report, "AG001");
    assert_eq!(upward.len(), n - 1);
    let help_of = |path: &str| {
        upward.iter().find(|v| v["path"] == path).unwrap()["help"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    // The lowest layer may import only itself; the second, itself and every layer below.
    let lowest = help_of(&format!("pkg/l{}/a.py", n - 1));
    assert!(
        lowest.contains(&format!("(`l{0}` in `pkg/l{0}/`)", n - 1)),
        "{lowest}"
    );
    let second = help_of("pkg/l1/a.py");
    assert!(
        second.contains("(`l1` in `pkg/l1/`, `l2` in `pkg/l2/`,")
            && second.contains("`l10` in `pkg/l10/`, 3989 more)"),
        "{second}"
    );
    let disallowed = of_rule(&report, "AG004");
    assert_eq!(disallowed.len(), n);
    let help = disallowed[0]["help"].as_str().unwrap();
    assert!(
        help.contains("`m10` in `pkg/l0/m10/`, 3989 more."),
        "{help}"
    );
}

#[test]
fn issue_16_human_format_draws_10k_findings_of_one_file() {
    // Each excerpt read its file again and had miette count the lines from its start:
    // findings × file (25,000 findings ran for more than two minutes in a release build).
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    python_repo(root);
    let n = 10_000;
    // CRLF line ends and a BOM: the lines of each excerpt are still counted as miette does.
    write(
        root,
        "pkg/core/many.py",
        format!(
            "\u{feff}{}",
            "from pkg.api.routes import handle\r\nx = 1\r\n".repeat(n)
        ),
    );
    let (code, stdout, stderr) = run(
        root,
        &[
            "check",
            "--no-cache",
            "--format",
            "human",
            "--color",
            "never",
        ],
    );
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(stdout.matches("AG001 upward-import").count(), n);
    let last = 2 * n - 1;
    assert!(
        stdout.contains(&format!(
            "─[pkg/core/many.py:{last}:6]\n {} │ x = 1\n {last} │ from pkg.api.routes import \
             handle\n",
            last - 1
        )),
        "{}",
        stdout.get(stdout.len() - 2000..).unwrap_or_default()
    );
    assert!(stdout.contains(&format!(" {} │ x = 1\n", last + 1)));
}

/// A Python repository with `[check] indirect = true` and the layers `api` above `core`, each
/// folder a package.
fn indirect_layers_repo(root: &Path) {
    write(
        root,
        "layers.toml",
        "[check]\nindirect = true\n\n[[layers]]\nname = \"api\"\npaths = [\"app/api/**\"]\n\n\
         [[layers]]\nname = \"core\"\npaths = [\"app/core/**\"]\n",
    );
    chain_packages(root);
}

/// The packages `app`, `app/api`, `app/core` and `app/glue`.
fn chain_packages(root: &Path) {
    for package in ["app", "app/api", "app/core", "app/glue"] {
        write(root, &format!("{package}/__init__.py"), "");
    }
}

#[test]
fn issue_16_indirect_chains_through_6000_glue_files_from_one_file() {
    // One core file imports 6,000 unlayered files that each import the api: a cut of 6,000
    // links. Each link was a search of the whole network for its chain and another for the
    // files it isolates, and one augmenting search per link: links × network.
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    indirect_layers_repo(root);
    let n = 6_000;
    let imports: Vec<String> = (0..n).map(|i| format!("import app.glue.u{i}\n")).collect();
    write(root, "app/core/c.py", imports.concat());
    write(root, "app/api/a.py", "");
    for i in 0..n {
        write(root, &format!("app/glue/u{i}.py"), "import app.api.a\n");
    }
    let (code, report, _) = check_json(root);
    assert_eq!(code, 1);
    let violations = report["violations"].as_array().unwrap();
    assert_eq!(violations.len(), n);
    // The cut nearest the target: each glue file's import of the api, each a chain of two
    // links; the core file reaches the api through any of them, so none isolates it.
    for v in violations {
        let path = v["path"].as_str().unwrap();
        let i: usize = path["app/glue/u".len()..path.len() - 3].parse().unwrap();
        assert_eq!(v["code"], "AG001");
        assert_eq!(v["line"], 1);
        let chain: Vec<(&str, u64, &str)> = v["chain"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| {
                let s = |k: &str| l[k].as_str().unwrap();
                (s("path"), l["line"].as_u64().unwrap(), s("target"))
            })
            .collect();
        let glue = format!("app/glue/u{i}.py");
        let line = u64::try_from(i + 1).unwrap();
        assert_eq!(
            chain,
            [
                ("app/core/c.py", line, glue.as_str()),
                (glue.as_str(), 1, "app/api/a.py")
            ]
        );
        let help = v["help"].as_str().unwrap();
        assert!(help.contains("one of the 6000 imports to cut"), "{help}");
        assert!(!help.contains("only through it"), "{help}");
    }
}

#[test]
fn issue_16_indirect_chains_of_6000_core_files_each_isolated_by_its_link() {
    // 6,000 chains core/cI -> glue/uI -> api/aI, and one more core file into glue/u0: each
    // link isolates the files that reach the api only through it (counted from a dominator
    // tree, not one search per link).
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    indirect_layers_repo(root);
    let n = 6_000;
    for i in 0..n {
        write(
            root,
            &format!("app/core/c{i}.py"),
            format!("import app.glue.u{i}\n"),
        );
        write(
            root,
            &format!("app/glue/u{i}.py"),
            format!("import app.api.a{i}\n"),
        );
        write(root, &format!("app/api/a{i}.py"), "");
    }
    write(root, "app/core/extra.py", "import app.glue.u0\n");
    let (code, report, _) = check_json(root);
    assert_eq!(code, 1);
    let violations = report["violations"].as_array().unwrap();
    assert_eq!(violations.len(), n);
    for v in violations {
        let path = v["path"].as_str().unwrap();
        assert!(path.starts_with("app/glue/u"), "{path}");
        let help = v["help"].as_str().unwrap();
        let isolated = if path == "app/glue/u0.py" {
            "; 2 files of the source reach the target only through it"
        } else {
            "; 1 file of the source reaches the target only through it"
        };
        assert!(help.contains(isolated), "{help}");
    }
}

#[test]
fn issue_16_4000_indirect_forbid_entries() {
    // Each `[[forbid]]` entry with `indirect = true` built the whole chain graph again and
    // scanned every file for its ends: entries × files.
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let n = 4_000;
    let mut config = String::new();
    chain_packages(root);
    for i in 0..n {
        write(
            root,
            &format!("app/core/c{i}.py"),
            format!("import app.glue.u{i}\n"),
        );
        write(
            root,
            &format!("app/glue/u{i}.py"),
            format!("import app.api.a{i}\n"),
        );
        write(root, &format!("app/api/a{i}.py"), "");
        // Near misses: each odd entry but the last bans cI -> aI+1, which no chain joins.
        let to = if i % 2 == 0 || i == n - 1 { i } else { i + 1 };
        config.push_str(&format!(
            "[[forbid]]\nfrom = \"app/core/c{i}.py\"\nto = \"app/api/a{to}.py\"\nreason = \
             \"r\"\nindirect = true\n\n"
        ));
    }
    write(root, "layers.toml", config);
    let (code, report, _) = check_json(root);
    assert_eq!(code, 1);
    let paths = violating_paths(&report);
    let mut expected: Vec<String> = (0..n)
        .filter(|i| i % 2 == 0 || *i == n - 1)
        .map(|i| format!("app/glue/u{i}.py"))
        .collect();
    expected.sort();
    assert_eq!(paths, expected);
}

#[test]
fn issue_16_impact_and_risk_of_a_chain_of_5000_files() {
    // pkg/m00000 -> m00001 -> ... -> m04999. `impact` listed each importer with its whole
    // chain (12.5 million links); `risk` of a change to every file searched the graph once per
    // file. Chains now list 20 links and their whole length; risk searches once per tier.
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let n = 5_000;
    write(
        root,
        "layers.toml",
        "[[risk]]\ntier = \"high\"\npaths = [\"pkg/m00000.py\"]\n",
    );
    write(root, "pkg/__init__.py", "");
    for i in 0..n {
        let body = if i + 1 < n {
            format!("import pkg.m{:05}\n", i + 1)
        } else {
            String::new()
        };
        write(root, &format!("pkg/m{i:05}.py"), body);
    }
    let (code, stdout, stderr) = run(root, &["impact", "pkg/m04999.py", "--format", "json"]);
    assert_eq!(code, 0, "{stderr}");
    let v: Value = serde_json::from_str(&stdout).unwrap();
    let importers = v["importers"].as_array().unwrap();
    assert_eq!(importers.len(), n - 1);
    let first = &importers[0];
    assert_eq!(first["path"], "pkg/m00000.py");
    assert_eq!(first["chain_length"], n - 1);
    let chain = first["chain"].as_array().unwrap();
    assert_eq!(chain.len(), 20);
    assert_eq!(chain[0]["path"], "pkg/m00000.py");
    assert_eq!(chain[19]["target"], "pkg/m00020.py");
    // A chain within the cap is whole.
    let near = &importers[n - 21];
    assert_eq!(near["path"], "pkg/m04979.py");
    assert_eq!(near["chain_length"], 20);
    assert_eq!(near["chain"].as_array().unwrap().len(), 20);
    assert_eq!(near["chain"][19]["target"], "pkg/m04999.py");
    let (code, stdout, _) = run(root, &["impact", "pkg/m04999.py"]);
    assert_eq!(code, 0);
    assert!(
        stdout.contains("→ pkg/m00020.py → … 4979 more links (see `pkg/m00020.py`))\n"),
        "{}",
        stdout.get(..2000).unwrap_or_default()
    );
    assert!(stdout.contains("  pkg/m04998.py  (pkg/m04998.py:1 → pkg/m04999.py)\n"));

    let (code, stdout, stderr) = run(root, &["risk", "pkg", "--format", "json"]);
    assert_eq!(code, 0, "{stderr}");
    let v: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["tier"], "high");
    let files = v["files"].as_array().unwrap();
    assert_eq!(files.len(), n + 1);
    let last = files.iter().find(|f| f["path"] == "pkg/m04999.py").unwrap();
    assert_eq!(last["tier"], "high");
    assert_eq!(last["chain_length"], n - 1);
    let chain = last["chain"].as_array().unwrap();
    assert_eq!(chain.len(), 20);
    assert_eq!(chain[0]["path"], "pkg/m04979.py");
    assert_eq!(chain[19]["target"], "pkg/m04999.py");
    let why = last["why"].as_str().unwrap();
    assert!(
        why.starts_with(
            "imported by `pkg/m00000.py` (`pkg/m00000.py` of tier `high`): `pkg/m00000.py` → … \
             4979 more links → pkg/m04979.py:1 → "
        ),
        "{why}"
    );
    // The package file is imported by nothing: near miss, tier low.
    let init = files
        .iter()
        .find(|f| f["path"] == "pkg/__init__.py")
        .unwrap();
    assert_eq!(init["tier"], "low");
}

/// A repository of `n` independent slices `pkg/s{i}` (one file each) with `indirect = true`,
/// and `pkg/hub.py` importing `hub`.
fn slices_through_a_hub(root: &Path, n: usize, hub: &str) {
    write(
        root,
        "layers.toml",
        "[[modules]]\nname = \"slice\"\npaths = [\"pkg/{slice}/**\"]\nindependent = true\n\
         indirect = true\n\n[[modules]]\nname = \"hub\"\npaths = [\"pkg/hub.py\", \
         \"pkg/__init__.py\"]\n",
    );
    write(root, "pkg/__init__.py", "");
    write(root, "pkg/hub.py", hub);
    for i in 0..n {
        write(root, &format!("pkg/s{i}/__init__.py"), "");
    }
}

#[test]
fn issue_16_independent_slices_through_one_hub_file() {
    // One slice imports a hub that imports 3,000 others, then 3,000 slices import a hub that
    // imports one: 3,000 pairs of slices, each of whose chains pass through the hub. Each
    // pair walked all of the hub's imports (or importers): pairs × the hub's links.
    let n = 3_000;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let imports: Vec<String> = (1..n).map(|i| format!("import pkg.s{i}\n")).collect();
    slices_through_a_hub(root, n, &imports.concat());
    write(root, "pkg/s0/__init__.py", "import pkg.hub\n");
    let (code, report, _) = check_json(root);
    assert_eq!(code, 1);
    // s0 -> hub -> sI: the cut nearest each target, one link per pair.
    let found = findings(&report);
    assert_eq!(found.len(), n - 1);
    for (k, (path, line, target)) in found.iter().enumerate() {
        assert_eq!(path, "pkg/hub.py");
        assert_eq!(*line, u64::try_from(k + 1).unwrap());
        assert_eq!(target, &format!("pkg/s{}/__init__.py", k + 1));
    }

    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    slices_through_a_hub(root, n, "import pkg.s0\n");
    for i in 1..n {
        write(root, &format!("pkg/s{i}/__init__.py"), "import pkg.hub\n");
    }
    let (code, report, _) = check_json(root);
    assert_eq!(code, 1);
    // sI -> hub -> s0 for every I: one link cuts all 2,999 pairs.
    let found = findings(&report);
    assert_eq!(
        found,
        [("pkg/hub.py".to_owned(), 1, "pkg/s0/__init__.py".to_owned())]
    );
    let help = report["violations"][0]["help"].as_str().unwrap();
    assert!(
        help.contains("and the chains of 2999 pairs of groups"),
        "{help}"
    );
    // Each pair's source is one file.
    assert!(
        help.contains("; 1 file of the source reaches the target only through it"),
        "{help}"
    );
}

#[test]
fn issue_16_init_orders_12000_packages() {
    // 12,000 packages, each importing the next three: 12,000 layers. The depth walk looked at
    // every import of the graph for each group, and the order picked each group by a pass
    // over all those left: groups × imports.
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let n = 12_000;
    write(root, "app/__init__.py", "");
    for i in 0..n {
        write(root, &format!("app/p{i}/__init__.py"), "");
        let body = (i + 1..n.min(i + 4)).fold(String::new(), |mut s, j| {
            writeln!(s, "import app.p{j}.m").unwrap();
            s
        });
        write(root, &format!("app/p{i}/m.py"), body);
    }
    // Near miss: p1 imports p0 once against four imports the other way round: the lighter
    // direction is left against the order, not a reason to merge the two.
    write(root, "app/p1/back.py", "import app.p0.m\n");
    write(root, "app/p0/more.py", "import app.p1.m\n".repeat(3));
    let (code, _, stderr) = run(root, &["init", "--no-cache"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains(&format!("{n} layers from")), "{stderr}");
    let text = std::fs::read_to_string(root.join("layers.toml")).unwrap();
    let names: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("name = \""))
        .map(|l| l.trim_end_matches('"'))
        .collect();
    assert_eq!(names.len(), n);
    assert_eq!(names[0], "p0");
    assert_eq!(names[1], "p1");
    assert_eq!(names[n - 1], format!("p{}", n - 1));
    assert!(
        text.contains("#   p1 → p0: 1 import\n"),
        "{}",
        &text[text.len() - 500..]
    );
    assert!(stderr.contains("finds 1 violation on it"), "{stderr}");
}

#[test]
fn issue_16_check_with_50000_path_arguments() {
    // Each PATH argument was tested against every file ("holds no source file"?), and each
    // finding against every argument: arguments × files.
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let n = 50_000;
    write(
        root,
        "layers.toml",
        "[[layers]]\nname = \"api\"\npaths = [\"app/api/**\"]\n\n\
         [[layers]]\nname = \"core\"\npaths = [\"app/core/**\"]\n",
    );
    for package in ["app", "app/api", "app/core"] {
        write(root, &format!("{package}/__init__.py"), "");
    }
    write(root, "app/api/a.py", "");
    for i in 0..n {
        write(root, &format!("app/core/d{i}/c.py"), "import app.api.a\n");
    }
    // Every even file by name and by its folder; the odd ones (near misses) are not
    // reported.
    let mut args = vec![
        "check".to_owned(),
        "--no-cache".to_owned(),
        "--format".to_owned(),
        "json".to_owned(),
    ];
    for i in 0..n {
        if i % 2 == 0 {
            args.push(format!("app/core/d{i}/c.py"));
            args.push(format!("app/core/d{i}"));
        }
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (code, stdout, stderr) = run(root, &args);
    assert_eq!(code, 1, "{stderr}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    let mut expected: Vec<String> = (0..n)
        .filter(|i| i % 2 == 0)
        .map(|i| format!("app/core/d{i}/c.py"))
        .collect();
    expected.sort();
    assert_eq!(violating_paths(&report), expected);
    // A folder that exists but holds no source file is still refused.
    std::fs::create_dir_all(root.join("app/empty")).unwrap();
    let mut with_empty = args.clone();
    with_empty.push("app/empty");
    let (code, _, stderr) = run(root, &with_empty);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("`app/empty` holds no source file"),
        "{stderr}"
    );
}

#[test]
fn issue_16_forbid_of_6000_external_patterns() {
    // One [[forbid]] whose `to` lists 6,000 `external:` patterns: each finding wrote out the
    // whole list three times (1.4 GB of JSON at 6,000; 24 GB of memory at 20,000), each
    // import was matched against every pattern, and each pattern against every package.
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let n = 6_000;
    let mut patterns: Vec<String> = (0..n).map(|i| format!("\"external:lib{i}x*\"")).collect();
    patterns.push("\"external:nothing*\"".to_owned());
    write(
        root,
        "layers.toml",
        format!(
            "[[forbid]]\nfrom = \"app/**\"\nto = [{}]\nreason = \"r\"\n",
            patterns.join(", ")
        ),
    );
    let body = (0..n).fold(String::new(), |mut s, i| {
        write!(s, "import lib{i}xyz\nimport other{i}\n").unwrap();
        s
    });
    write(root, "app/x.py", body);
    let (code, report, _) = check_json(root);
    assert_eq!(code, 1);
    let violations = report["violations"].as_array().unwrap();
    let banned: Vec<&Value> = violations.iter().filter(|v| v["code"] == "AG002").collect();
    assert_eq!(banned.len(), n);
    for (i, v) in banned.iter().enumerate() {
        assert_eq!(v["external"], format!("lib{i}xyz"));
        let message = v["message"].as_str().unwrap();
        assert!(
            message.ends_with(
                "to `[external:lib0x*, external:lib1x*, external:lib2x*, external:lib3x*, \
                 external:lib4x*, external:lib5x*, external:lib6x*, external:lib7x*, \
                 external:lib8x*, external:lib9x*, 5991 more]`"
            ),
            "{message}"
        );
    }
    // The pattern that matches no import is AG010; `otherN` breaks nothing.
    let unmatched: Vec<&Value> = violations.iter().filter(|v| v["code"] == "AG010").collect();
    assert_eq!(unmatched.len(), 1, "{unmatched:?}");
    assert!(
        unmatched[0]["message"]
            .as_str()
            .unwrap()
            .contains("external:nothing*"),
        "{}",
        unmatched[0]["message"]
    );
    assert_eq!(violations.len(), n + 1);
}

#[test]
fn issue_16_12000_cycles_scopes_each_cost_their_own_imports() {
    // Each `[[cycles]]` entry went over every import of the graph to find its scope's:
    // scopes × imports.
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let n = 12_000;
    let mut config = String::new();
    write(root, "app/__init__.py", "");
    for i in 0..n {
        write(
            root,
            &format!("app/c{i}/a.py"),
            format!("import app.c{i}.b\n"),
        );
        write(
            root,
            &format!("app/c{i}/b.py"),
            format!("import app.c{i}.a\n"),
        );
        writeln!(config, "[[cycles]]\npaths = [\"app/c{i}/**\"]\n").unwrap();
    }
    // Near miss: a cycle across two scopes is inside neither.
    write(root, "app/x0/a.py", "import app.x1.b\n");
    write(root, "app/x1/b.py", "import app.x0.a\n");
    config.push_str("[[cycles]]\npaths = [\"app/x0/**\"]\n\n[[cycles]]\npaths = [\"app/x1/**\"]\n");
    write(root, "layers.toml", config);
    let (code, report, _) = check_json(root);
    assert_eq!(code, 1);
    let violations = report["violations"].as_array().unwrap();
    assert_eq!(violations.len(), n);
    for v in violations {
        assert_eq!(v["code"], "AG008");
        let path = v["path"].as_str().unwrap();
        assert!(
            path.starts_with("app/c") && path.ends_with("/a.py"),
            "{path}"
        );
        assert_eq!(v["chain"].as_array().unwrap().len(), 2);
    }
}

#[test]
fn issue_16_tsconfig_paths_pattern_of_1200_targets_tries_the_first_32() {
    // One `paths` pattern `*` with 1,200 targets and 1,200 imports it matches: each import
    // was looked up at every target (100 s and 3 GB for 1,000 of each in a release build).
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let n = 1_200;
    let targets: Vec<String> = (0..n).map(|i| format!("\"./src/t{i}/*\"")).collect();
    write(
        root,
        "tsconfig.json",
        format!(
            "{{\"compilerOptions\": {{\"baseUrl\": \".\", \"paths\": {{\"*\": [{}]}}}}}}",
            targets.join(", ")
        ),
    );
    write(
        root,
        "layers.toml",
        "[[layers]]\nname = \"high\"\npaths = [\"src/t5/**\", \"src/t40/**\"]\n\n\
         [[layers]]\nname = \"low\"\npaths = [\"src/ui/**\"]\n",
    );
    write(root, "src/t5/q/x.ts", "export const x = 1;\n");
    write(root, "src/t40/w/x.ts", "export const x = 1;\n");
    let mut main = String::from("import { x } from \"q/x\";\nimport { x as y } from \"w/x\";\n");
    for i in 0..n {
        writeln!(main, "import \"m{i}/x\";").unwrap();
    }
    write(root, "src/ui/main.ts", main);
    let (code, report, _) = check_json(root);
    assert_eq!(code, 1);
    // The sixth target holds `q/x`: resolved, an upward import. The 41st is not tried.
    assert_eq!(
        findings(&report),
        [("src/ui/main.ts".to_owned(), 1, "src/t5/q/x.ts".to_owned())]
    );
    assert_eq!(
        warnings(&report),
        [(
            "tsconfig.json".to_owned(),
            "broken-config".to_owned(),
            "`tsconfig.json` maps the `paths` pattern `*` to 1200 targets: only the first 32 \
             of each pattern are tried"
                .to_owned()
        )]
    );
}

/// A Language Server session on standard input: `initialize`, `middle`, `shutdown`, `exit`.
fn lsp_session(root: &Path, middle: &[Value]) -> Vec<u8> {
    let mut messages = vec![
        serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": "initialize",
            "params": {"processId": null, "rootUri": format!("file://{}", root.display()),
                       "capabilities": {}}}),
        serde_json::json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
    ];
    messages.extend(middle.iter().cloned());
    messages.push(serde_json::json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}));
    messages.push(serde_json::json!({"jsonrpc": "2.0", "method": "exit"}));
    let mut out = Vec::new();
    for m in messages {
        let body = m.to_string();
        out.extend(format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes());
    }
    out
}

/// The messages a Language Server wrote.
fn lsp_messages(mut out: &[u8]) -> Vec<Value> {
    let mut messages = Vec::new();
    while let Some(at) = out.windows(4).position(|w| w == b"\r\n\r\n") {
        let header = std::str::from_utf8(&out[..at]).unwrap();
        let length: usize = header
            .strip_prefix("Content-Length: ")
            .unwrap()
            .parse()
            .unwrap();
        let body = &out[at + 4..at + 4 + length];
        messages.push(serde_json::from_slice(body).unwrap());
        out = &out[at + 4 + length..];
    }
    messages
}

#[test]
fn issue_16_server_opens_3000_files_and_one_of_20000_findings() {
    // Each didOpen published the diagnostics of every open file again (n² messages for n
    // files), each file's findings were found by a pass over all of them, and each
    // diagnostic's range counted its file's lines from the start.
    let dir = tempfile::tempdir().unwrap();
    let root = &dir.path().canonicalize().unwrap();
    let n = 3_000;
    let big = 20_000;
    write(
        root,
        "layers.toml",
        "[[layers]]\nname = \"api\"\npaths = [\"app/api/**\"]\n\n\
         [[layers]]\nname = \"core\"\npaths = [\"app/core/**\"]\n",
    );
    for package in ["app", "app/api", "app/core"] {
        write(root, &format!("{package}/__init__.py"), "");
    }
    write(root, "app/api/a.py", "");
    write(root, "app/core/clean.py", "x = 1\n");
    write(root, "app/core/big.py", "import app.api.a\n".repeat(big));
    let open = |rel: &str| {
        let text = std::fs::read_to_string(root.join(rel)).unwrap();
        serde_json::json!({"jsonrpc": "2.0", "method": "textDocument/didOpen",
            "params": {"textDocument": {"uri": format!("file://{}/{rel}", root.display()),
                       "languageId": "python", "version": 1, "text": text}}})
    };
    let mut middle = Vec::new();
    for i in 0..n {
        let rel = format!("app/core/c{i}.py");
        write(root, &rel, "import app.api.a\n");
        middle.push(open(&rel));
    }
    middle.push(open("app/core/clean.py"));
    middle.push(open("app/core/big.py"));
    middle.push(
        serde_json::json!({"jsonrpc": "2.0", "method": "textDocument/didClose",
        "params": {"textDocument": {"uri": format!("file://{}/app/core/c0.py", root.display())}}}),
    );
    let output = Command::cargo_bin("archgate")
        .unwrap()
        .current_dir(root)
        .arg("server")
        .write_stdin(lsp_session(root, &middle))
        .timeout(Duration::from_mins(2))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let published: Vec<(String, Vec<Value>)> = lsp_messages(&output.stdout)
        .into_iter()
        .filter(|m| m["method"] == "textDocument/publishDiagnostics")
        .map(|m| {
            let uri = m["params"]["uri"].as_str().unwrap();
            let rel = uri[format!("file://{}/", root.display()).len()..].to_owned();
            (rel, m["params"]["diagnostics"].as_array().unwrap().clone())
        })
        .collect();
    // One message per opened file, then the closed file's diagnostics cleared.
    assert_eq!(published.len(), n + 3);
    for (i, (rel, diagnostics)) in published.iter().take(n).enumerate() {
        assert_eq!(rel, &format!("app/core/c{i}.py"));
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(diagnostics[0]["code"], "AG001");
    }
    assert_eq!(published[n], ("app/core/clean.py".to_owned(), vec![]));
    let (rel, diagnostics) = &published[n + 1];
    assert_eq!(rel, "app/core/big.py");
    assert_eq!(diagnostics.len(), big);
    for (line, d) in diagnostics.iter().enumerate() {
        assert_eq!(
            d["range"],
            serde_json::json!({"start": {"line": line, "character": 7},
                               "end": {"line": line, "character": 16}})
        );
    }
    assert_eq!(published[n + 2], ("app/core/c0.py".to_owned(), vec![]));
}
