//! The CI and editor formats, through the real binary:
//!
//! - every format of `check` and `graph` on one fixture, `fixtures/python/formats-paths/`
//!   (a finding of each rule, one in `src/my app/modülé.py`), snapshotted next to the
//!   fixture's `human` and `json` snapshots (written by `tests/fixtures.rs`);
//! - SARIF properties GitHub relies on: relative percent-encoded URIs, code-point columns,
//!   fingerprints that survive unrelated edits, configuration errors as notifications;
//! - `github` escaping, round-tripped through the runner's unescaping, with paths and texts
//!   holding `%`, `,`, `:` and line breaks;
//! - `--format`/`--output` pairing, and `explain`.
//!
//! The official schema and GitHub's ingestion rules are checked by `ci/validate-sarif.sh`.

#![allow(clippy::unwrap_used, clippy::panic, reason = "a failing test panics")]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn showcase() -> PathBuf {
    manifest_dir().join("fixtures/python/formats-paths")
}

/// Runs archgate in `dir`; returns exit code, stdout, stderr. `check` and `graph` run without
/// the extraction cache, which would otherwise be written into the fixture.
fn archgate(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_archgate"));
    command.current_dir(dir).args(args);
    if matches!(args.first(), Some(&("check" | "graph"))) {
        command.arg("--no-cache");
    }
    let output = command.output().unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

fn snapshot(name: &str, content: &str) {
    insta::with_settings!({
        snapshot_path => showcase().join("snapshots"),
        prepend_module_to_snapshot => false,
        omit_expression => true,
        description => "fixtures/python/formats-paths",
    }, {
        insta::assert_snapshot!(name, content);
    });
}

fn sarif(dir: &Path, args: &[&str]) -> (i32, Value) {
    let mut all = vec!["check", "--format", "sarif"];
    all.extend_from_slice(args);
    let (code, out, err) = archgate(dir, &all);
    let log = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}\n{err}"));
    (code, log)
}

/// Copies a fixture into a temporary folder, for tests that edit it.
fn copy_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            if entry.file_name() != "snapshots" {
                std::fs::create_dir_all(&target).unwrap();
                copy_tree(&entry.path(), &target);
            }
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[test]
fn every_check_format_of_the_showcase() {
    for format in ["agent", "github"] {
        let (code, out, err) = archgate(&showcase(), &["check", "--format", format]);
        assert_eq!(err, "", "{format}: nothing on stderr");
        snapshot(format, &format!("exit: {code}\n{out}"));
    }

    // SARIF, as written: the rule documents are checked against rules/*.md here and stand in
    // the snapshot as their file name, and the version as a placeholder, so that neither a doc
    // edit nor a release rewrites this snapshot.
    let (code, out, err) = archgate(&showcase(), &["check", "--format", "sarif"]);
    assert_eq!(err, "");
    let log: Value = serde_json::from_str(&out).unwrap();
    let driver = &log["runs"][0]["tool"]["driver"];
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    let version = env!("CARGO_PKG_VERSION");
    let mut text = out
        .replace(
            &format!("\"version\": \"{version}\""),
            "\"version\": \"[version]\"",
        )
        .replace(
            &format!("\"semanticVersion\": \"{version}\""),
            "\"semanticVersion\": \"[version]\"",
        );
    for rule in driver["rules"].as_array().unwrap() {
        let name = rule["name"].as_str().unwrap();
        let doc = std::fs::read_to_string(manifest_dir().join(format!("rules/{name}.md"))).unwrap();
        assert_eq!(rule["help"]["text"], doc.as_str(), "{name}: help.text");
        assert_eq!(
            rule["help"]["markdown"],
            doc.as_str(),
            "{name}: help.markdown"
        );
        let quoted = serde_json::to_string(&doc).unwrap();
        text = text.replace(&quoted, &format!("\"[rules/{name}.md]\""));
    }
    snapshot("sarif", &format!("exit: {code}\n{text}"));
}

#[test]
fn every_graph_format_of_the_showcase() {
    for format in ["tsv", "json", "dot", "mermaid"] {
        let (code, out, err) = archgate(&showcase(), &["graph", "--format", format]);
        assert_eq!((code, err.as_str()), (0, ""), "{format}");
        snapshot(&format!("graph-{format}"), &out);
    }
}

#[test]
fn sarif_locations_are_relative_uris_with_code_point_columns() {
    let (code, log) = sarif(&showcase(), &[]);
    assert_eq!(code, 1);
    let run = &log["runs"][0];
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    // SPEC §6: no originalUriBaseIds, which would carry an absolute path.
    assert!(run.get("originalUriBaseIds").is_none());
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);

    let results = run["results"].as_array().unwrap();
    let upward = results.iter().find(|r| r["ruleId"] == "AG001").unwrap();
    let location = &upward["locations"][0]["physicalLocation"];
    assert_eq!(
        location["artifactLocation"]["uri"],
        "src/my%20app/mod%C3%BCl%C3%A9.py"
    );
    assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    // `taux_été = 0.2; from shop.api.routes import render`: the module name starts after 21
    // characters (24 bytes) and is 15 characters long; endColumn is one past its end.
    let region = &location["region"];
    assert_eq!(
        (
            &region["startLine"],
            &region["startColumn"],
            &region["endLine"],
            &region["endColumn"]
        ),
        (&4.into(), &22.into(), &4.into(), &37.into())
    );
    assert_eq!(upward["ruleIndex"], 0);
    assert_eq!(
        run["tool"]["driver"]["rules"][0]["id"], "AG001",
        "ruleIndex points at the rule"
    );

    // The imported file and the `layers.toml` line that declares the rule.
    let related: Vec<&str> = upward["relatedLocations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            l["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert_eq!(related, ["src/shop/api/routes.py", "layers.toml"]);

    // The message is the finding's message, then its fix instruction, word for word.
    let json: Value =
        serde_json::from_str(&archgate(&showcase(), &["check", "--format", "json"]).1).unwrap();
    let violation = json["violations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["code"] == "AG001")
        .unwrap();
    assert_eq!(
        upward["message"]["text"],
        format!(
            "{}\nhelp: {}",
            violation["message"].as_str().unwrap(),
            violation["help"].as_str().unwrap()
        )
    );
}

#[test]
fn sarif_fingerprints_survive_unrelated_edits() {
    let fingerprints = |log: &Value| -> Vec<(String, u64, String)> {
        log["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["ruleId"].as_str().unwrap().to_owned(),
                    r["locations"][0]["physicalLocation"]["region"]["startLine"]
                        .as_u64()
                        .unwrap(),
                    r["partialFingerprints"]["primaryLocationLineHash"]
                        .as_str()
                        .unwrap()
                        .to_owned(),
                )
            })
            .collect()
    };
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&showcase(), dir.path());
    let before = fingerprints(&sarif(dir.path(), &[]).1);

    // Three lines above each finding, in the importing files and in layers.toml.
    for file in [
        "src/my app/modülé.py",
        "src/shop/api/routes.py",
        "layers.toml",
    ] {
        let path = dir.path().join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, format!("# one\n# two\n# three\n{text}")).unwrap();
    }
    let after = fingerprints(&sarif(dir.path(), &[]).1);

    assert_eq!(before.len(), 3);
    for ((rule, line, hash), (rule_after, line_after, hash_after)) in before.iter().zip(&after) {
        assert_eq!(rule, rule_after);
        assert_eq!(line + 3, *line_after, "{rule} moved down");
        assert_eq!(hash, hash_after, "{rule}: same finding, same fingerprint");
    }
    let mut hashes: Vec<&String> = before.iter().map(|(_, _, h)| h).collect();
    hashes.dedup();
    assert_eq!(
        hashes.len(),
        3,
        "different findings, different fingerprints"
    );
}

#[test]
fn sarif_tells_two_identical_imports_apart() {
    // fixtures/python/upward-import imports `shop.api.routes` on lines 3 and 11 of one file.
    let dir = tempfile::tempdir().unwrap();
    copy_tree(
        &manifest_dir().join("fixtures/python/upward-import"),
        dir.path(),
    );
    let path = dir.path().join("src/shop/domain/orders.py");
    std::fs::write(
        &path,
        "from shop.api import routes\n\n\ndef f():\n    from shop.api import routes\n",
    )
    .unwrap();
    let (_, log) = sarif(dir.path(), &[]);
    let hashes: Vec<&str> = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["partialFingerprints"]["primaryLocationLineHash"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert_eq!(hashes.len(), 2);
    let (first, second) = (hashes[0], hashes[1]);
    assert_ne!(first, second);
    assert_eq!(first.split(':').next(), second.split(':').next());
    assert!(
        first.ends_with(":1") && second.ends_with(":2"),
        "{hashes:?}"
    );
}

#[test]
fn configuration_errors_are_sarif_notifications_of_a_failed_run() {
    let case = manifest_dir().join("fixtures/config/unknown-layer-key");
    let (code, log) = sarif(&case, &[]);
    assert_eq!(code, 2);
    let run = &log["runs"][0];
    assert_eq!(run["results"], Value::Array(Vec::new()));
    let invocation = &run["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let notification = &invocation["toolConfigurationNotifications"][0];
    assert_eq!(notification["level"], "error");
    assert_eq!(notification["descriptor"]["id"], "config::unknown-key");
    let text = notification["message"]["text"].as_str().unwrap();
    assert!(text.starts_with("unknown key `colour`"), "{text}");
    assert!(text.contains("\nhelp: Remove `colour`"), "{text}");
    let location = &notification["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], "layers.toml");
    assert_eq!(location["region"]["startLine"], 5);
    assert_eq!(location["region"]["startColumn"], 1);
    assert_eq!(location["region"]["endColumn"], 7);

    // People still get the error on stderr; a file target gets the log too.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("out.sarif");
    let (code, out, err) = archgate(
        &case,
        &[
            "check",
            "--format",
            "sarif",
            "--output",
            file.to_str().unwrap(),
            "--format",
            "github",
        ],
    );
    assert_eq!(code, 2);
    assert!(err.contains("unknown key `colour`"), "{err}");
    assert!(
        out.starts_with("::error file=layers.toml,line=5,endLine=5,col=1,endColumn=7,"),
        "{out}"
    );
    let written: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(written, log);
}

/// What the Actions runner does to a workflow command's property value and message.
fn unescape(text: &str) -> String {
    text.replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%25", "%")
}

#[test]
fn github_annotations_escape_paths_and_texts() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(
        root.join("layers.toml"),
        r#"[[layers]]
name = "web"
paths = ["src/web/**"]

[[layers]]
name = "db"
paths = ["src/db/**"]

[python]
roots = ["src"]

[[forbid]]
from = "web"
to = "db"
reason = "100% of: reads, go through the cache"
fix = """Use `cache.get`: it is 50% faster,
and safer."""
"#,
    )
    .unwrap();
    std::fs::create_dir_all(root.join("src/web/a,b: 100%")).unwrap();
    std::fs::create_dir_all(root.join("src/db")).unwrap();
    std::fs::write(root.join("src/db/store.py"), "X = 1\n").unwrap();
    std::fs::write(
        root.join("src/web/a,b: 100%/pâge 1.py"),
        "import os\nfrom db import store\n",
    )
    .unwrap();

    let (code, out, err) = archgate(root, &["check", "--format", "github"]);
    assert_eq!(code, 1, "{out}{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "one annotation, one summary line: {out}");
    let annotation = lines[0];
    assert_eq!(
        annotation.split("::").next(),
        Some(""),
        "starts with `::`: {annotation}"
    );
    let rest = annotation.strip_prefix("::error ").unwrap();
    let (properties, message) = rest.split_once("::").unwrap();
    assert_eq!(
        properties,
        "file=src/web/a%2Cb%3A 100%25/pâge 1.py,line=2,endLine=2,col=6,endColumn=8,\
         title=archgate AG002 (forbidden-import)"
    );
    assert!(!message.contains(['\n', '\r']));

    let json: Value =
        serde_json::from_str(&archgate(root, &["check", "--format", "json"]).1).unwrap();
    let v = &json["violations"][0];
    assert_eq!(v["path"], "src/web/a,b: 100%/pâge 1.py");
    let expected = format!(
        "{}\nhelp: {}\nnote: {}",
        v["message"].as_str().unwrap(),
        v["help"].as_str().unwrap(),
        v["note"].as_str().unwrap()
    );
    assert!(expected.contains("50% faster,\nand safer."), "{expected}");
    assert_eq!(unescape(message), expected);
    let file = properties
        .split(',')
        .find_map(|p| p.strip_prefix("file="))
        .unwrap();
    assert_eq!(unescape(file), "src/web/a,b: 100%/pâge 1.py");
}

#[test]
fn output_pairs_with_the_format_before_it() {
    let dir = tempfile::tempdir().unwrap();
    let sarif_file = dir.path().join("archgate.sarif");
    let json_file = dir.path().join("archgate.json");
    let (code, out, _) = archgate(
        &showcase(),
        &[
            "check",
            "--format",
            "sarif",
            "--output",
            sarif_file.to_str().unwrap(),
            "--format",
            "human",
            "--format",
            "json",
            "--output",
            json_file.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 1);
    assert!(
        out.contains("× `src/my app/modülé.py` (layer `domain`) imports"),
        "human on stdout: {out}"
    );
    let log: Value = serde_json::from_str(&std::fs::read_to_string(&sarif_file).unwrap()).unwrap();
    assert_eq!(log["runs"][0]["results"].as_array().unwrap().len(), 3);
    let json: Value = serde_json::from_str(&std::fs::read_to_string(&json_file).unwrap()).unwrap();
    assert_eq!(json["summary"]["violations"], 3);

    // Without --format, an --output file gets the default for files: agent.
    let file = dir.path().join("report.txt");
    let (code, out, _) = archgate(&showcase(), &["check", "--output", file.to_str().unwrap()]);
    assert_eq!((code, out.as_str()), (1, ""));
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.starts_with("layers.toml:25:1: warning[AG003 unused-allow]"),
        "{text}"
    );
}

#[test]
fn unpairable_outputs_are_usage_errors() {
    let (code, out, err) = archgate(
        &showcase(),
        &["check", "--output", "x.sarif", "--format", "sarif"],
    );
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(
        err.contains("--output `x.sarif` comes before any --format"),
        "{err}"
    );
    let (code, _, err) = archgate(
        &showcase(),
        &["check", "--format", "json", "--format", "sarif"],
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("2 formats would go to standard output"),
        "{err}"
    );
    assert!(!showcase().join("x.sarif").exists());
}

#[test]
fn explain_prints_the_rule_document_by_name_or_code() {
    for (query, name) in [
        ("AG001", "upward-import"),
        ("ag002", "forbidden-import"),
        ("unused-allow", "unused-allow"),
    ] {
        let (code, out, err) = archgate(&manifest_dir(), &["explain", query]);
        let doc = std::fs::read_to_string(manifest_dir().join(format!("rules/{name}.md"))).unwrap();
        assert_eq!((code, err.as_str()), (0, ""), "{query}");
        assert_eq!(out, doc, "{query}");
    }
    let (code, out, err) = archgate(&manifest_dir(), &["explain", "upward"]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(err.contains("upward-import (AG001)"), "{err}");
}

#[test]
fn unreadable_files_are_sarif_execution_notifications() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(
        root.join("layers.toml"),
        "[[layers]]\nname = \"a\"\npaths = [\"src/**\"]\n",
    )
    .unwrap();
    std::fs::create_dir_all(root.join("src")).unwrap();
    std::fs::write(root.join("src/binary file.py"), b"x\0y").unwrap();
    std::fs::write(root.join("src/ok.py"), "import os\n").unwrap();
    let (code, log) = sarif(root, &[]);
    assert_eq!(code, 0);
    let invocation = &log["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], true);
    let notification = &invocation["toolExecutionNotifications"][0];
    assert_eq!(notification["level"], "warning");
    assert_eq!(notification["descriptor"]["id"], "binary-file");
    assert_eq!(
        notification["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "src/binary%20file.py"
    );
}

#[test]
fn the_summary_line_and_the_json_summary_give_the_same_counts() {
    // Errors, warning-severity findings (AG010, AG003) and no file warnings.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/python/unmatched-selectors");
    let agent = Command::cargo_bin("archgate")
        .unwrap()
        .current_dir(&dir)
        .args(["check", "--no-cache", "--format", "agent"])
        .output()
        .unwrap();
    let line = String::from_utf8(agent.stdout).unwrap();
    let line = line.lines().last().unwrap().to_owned();
    let json = Command::cargo_bin("archgate")
        .unwrap()
        .current_dir(&dir)
        .args(["check", "--no-cache", "--format", "json"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let s = &report["summary"];
    let errors = s["errors"].as_u64().unwrap();
    let violations = s["violations"].as_u64().unwrap();
    assert_eq!(
        errors,
        report["violations"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|v| v["severity"] == "error")
            .count() as u64
    );
    let expected = format!(
        "archgate: {errors} error{} and {} warning{} in",
        if errors == 1 { "" } else { "s" },
        violations - errors,
        if violations - errors == 1 { "" } else { "s" }
    );
    assert!(line.starts_with(&expected), "{line} / {expected}");
}

#[test]
fn the_summary_line_counts_file_warnings_and_unresolved_imports_as_the_json_does() {
    // A finding, an `off-import-path` file warning and three unresolved imports.
    let dir =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/python/namespace-off-import-path");
    let run = |format: &str| {
        Command::cargo_bin("archgate")
            .unwrap()
            .current_dir(&dir)
            .args(["check", "--no-cache", "--format", format])
            .output()
            .unwrap()
    };
    let agent = run("agent");
    let line = String::from_utf8(agent.stdout).unwrap();
    let line = line.lines().last().unwrap().to_owned();
    let report: serde_json::Value = serde_json::from_slice(&run("json").stdout).unwrap();
    let s = &report["summary"];
    let warnings = s["warnings"].as_u64().unwrap();
    let unresolved = s["unresolved"].as_u64().unwrap();
    assert_eq!(
        warnings,
        report["warnings"].as_array().unwrap().len() as u64
    );
    assert_eq!((warnings, unresolved), (1, 3), "{s}");
    assert!(
        line.contains("; 1 warning about files (on standard error); 3 imports not found"),
        "{line}"
    );
}
