//! The real binary, as users and CI run it: exit codes, every `--format`, `explain`, `graph`,
//! PATH arguments, config discovery and deterministic output. Fixture repositories under
//! `fixtures/` are read, never written; anything written goes to a temporary folder.

#![allow(clippy::unwrap_used, clippy::panic, reason = "a failing test panics")]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn fixture(case: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(case)
}

/// The binary in `dir`, killed after a minute: a hang (or 100,000 threads spawned for
/// `--jobs 100000`) fails the test instead of stalling the suite.
fn archgate(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("archgate").unwrap();
    cmd.current_dir(dir)
        .timeout(std::time::Duration::from_mins(1));
    cmd
}

/// Runs archgate in `dir`; returns (exit code, stdout, stderr).
fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let output = archgate(dir).args(args).output().unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

fn json(dir: &Path, args: &[&str]) -> (i32, Value) {
    let (code, out, err) = run(dir, args);
    let value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}\n{err}"));
    (code, value)
}

// ------------------------------------------------------------------------------ exit codes

#[test]
fn clean_repository_exits_0() {
    let (code, out, _) = run(&fixture("python/clean"), &["check", "--format", "agent"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("no violations"), "{out}");
}

#[test]
fn violations_exit_1() {
    let (code, _, _) = run(&fixture("python/upward-import"), &["check"]);
    assert_eq!(code, 1);
}

#[test]
fn no_subcommand_means_check() {
    let (code, out, _) = run(&fixture("python/upward-import"), &[]);
    assert_eq!(code, 1);
    assert!(out.contains("AG001"), "{out}");
}

#[test]
fn warnings_alone_exit_0() {
    let (code, out, _) = run(
        &fixture("python/unused-allow-only"),
        &["check", "--format", "agent"],
    );
    assert_eq!(code, 0);
    assert!(out.contains("warning[AG003 unused-allow]"), "{out}");
}

#[test]
fn broken_config_exits_2() {
    let (code, out, err) = run(&fixture("config/duplicate-layer"), &["check"]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(err.contains("duplicate layer `web`"), "{err}");
}

#[test]
fn unknown_flag_exits_2() {
    let (code, _, err) = run(&fixture("python/clean"), &["check", "--frobnicate"]);
    assert_eq!(code, 2);
    assert!(err.contains("--frobnicate"), "{err}");
    let (code, _, _) = run(&fixture("python/clean"), &["check", "--format", "xml"]);
    assert_eq!(code, 2);
}

#[test]
fn help_and_version_exit_0() {
    let (code, out, _) = run(&fixture("python/clean"), &["--help"]);
    assert_eq!(code, 0);
    assert!(out.contains("check"), "{out}");
    let (code, out, _) = run(&fixture("python/clean"), &["--version"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("archgate "), "{out}");
}

#[test]
fn missing_config_file_exits_2_and_names_it() {
    let (code, _, err) = run(
        &fixture("python/clean"),
        &["check", "--config", "no-such-layers.toml"],
    );
    assert_eq!(code, 2);
    assert!(err.contains("no-such-layers.toml"), "{err}");
    assert!(err.contains("leave `--config` out"), "{err}");
}

#[test]
fn no_layers_toml_anywhere_exits_2_with_an_example() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.py"), "import b\n").unwrap();
    let (code, out, err) = run(dir.path(), &["check"]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("no `layers.toml` found"), "{err}");
    assert!(err.contains("[[layers]]"), "{err}");
    assert!(err.contains("--config"), "{err}");
}

#[test]
fn jobs_0_is_a_usage_error() {
    for command in ["check", "graph"] {
        let (code, out, err) = run(&fixture("python/clean"), &[command, "--jobs", "0"]);
        assert_eq!(code, 2, "{command}: {out}{err}");
        assert!(out.is_empty(), "{command}: {out}");
        assert!(err.contains("--jobs"), "{command}: {err}");
    }
}

#[test]
fn a_huge_jobs_count_is_capped_and_the_run_finishes_normally() {
    let dir = fixture("python/upward-import");
    let capped = run(
        &dir,
        &[
            "check",
            "--format",
            "agent",
            "--no-cache",
            "--jobs",
            "100000",
        ],
    );
    let one = run(
        &dir,
        &["check", "--format", "agent", "--no-cache", "--jobs", "1"],
    );
    assert_eq!(capped.0, 1, "{capped:?}");
    assert_eq!(capped, one);
    let (code, out, err) = run(&dir, &["graph", "--no-cache", "--jobs", "100000"]);
    assert_eq!(code, 0, "{err}");
    assert!(!out.is_empty());
}

#[test]
fn unwritable_output_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("no-such-folder").join("report.json");
    let (code, out, err) = run(
        &fixture("python/upward-import"),
        &[
            "check",
            "--format",
            "json",
            "--output",
            target.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("report.json"), "{err}");
}

#[test]
fn output_file_receives_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("report.json");
    let (code, out, _) = run(
        &fixture("python/upward-import"),
        &[
            "check",
            "--format",
            "json",
            "--output",
            target.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 1);
    assert!(out.is_empty(), "{out}");
    let report: Value = serde_json::from_slice(&std::fs::read(&target).unwrap()).unwrap();
    assert_eq!(report["summary"]["violations"], 2);
}

// ------------------------------------------------------------------------------ formats

#[test]
fn json_format_follows_the_schema() {
    let (code, report) = json(
        &fixture("python/type-checking"),
        &["check", "--format", "json"],
    );
    assert_eq!(code, 1);
    assert_eq!(report["version"], 1);
    for key in ["files", "imports", "violations", "warnings"] {
        assert!(report["summary"][key].is_u64(), "summary.{key}");
    }
    let violations = report["violations"].as_array().unwrap();
    assert_eq!(
        report["summary"]["violations"].as_u64().unwrap(),
        violations.len() as u64
    );
    let first = &violations[0];
    let mut keys: Vec<&str> = first
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "chain",
            "code",
            "column",
            "end_column",
            "end_line",
            "external",
            "from_group",
            "from_layer",
            "help",
            "import",
            "indirect",
            "line",
            "message",
            "note",
            "path",
            "rule",
            "severity",
            "target",
            "to_group",
            "to_layer",
            "type_only"
        ]
    );
    // The groups of the layer order are the two layers; the target is a file, not a package.
    assert_eq!(first["from_group"], "model");
    assert_eq!(first["to_group"], "ui");
    assert_eq!(first["external"], Value::Null);
    assert_eq!(first["indirect"], false);
    assert_eq!(first["chain"], Value::Array(Vec::new()));
    assert_eq!(first["code"], "AG001");
    assert_eq!(first["rule"], "upward-import");
    assert_eq!(first["severity"], "error");
    assert_eq!(first["path"], "app/model/user.py");
    assert_eq!(first["target"], "app/ui/widgets.py");
    assert_eq!(first["from_layer"], "model");
    assert_eq!(first["to_layer"], "ui");
    assert_eq!(first["type_only"], true);
    assert!(first["help"].as_str().unwrap().starts_with("Remove "));
    assert!(report["warnings"].as_array().unwrap().is_empty());
}

#[test]
fn agent_format_is_one_line_per_finding() {
    let (code, out, _) = run(
        &fixture("python/forbid-layer-names"),
        &["check", "--format", "agent"],
    );
    assert_eq!(code, 1);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 6, "{out}");
    for line in &lines[..5] {
        let (location, rest) = line.split_once(": ").unwrap();
        let parts: Vec<&str> = location.split(':').collect();
        assert_eq!(parts.len(), 3, "{line}");
        assert!(parts[1].parse::<u32>().is_ok() && parts[2].parse::<u32>().is_ok());
        assert!(
            rest.starts_with("error[AG001 upward-import] ")
                || rest.starts_with("error[AG002 forbidden-import] "),
            "{line}"
        );
        assert!(rest.contains(" — help: "), "{line}");
    }
    // `fix` comes first in the help, `reason` as the note.
    assert!(
        lines[0].contains(
            "— help: Call the matching function in shop/service/ instead. Remove the import"
        ),
        "{}",
        lines[0]
    );
    assert!(
        lines[0].ends_with("— note: the API reaches storage only through services"),
        "{}",
        lines[0]
    );
    assert_eq!(
        lines[5],
        "archgate: 5 errors and 0 warnings in 8 files (6 imports)"
    );
}

#[test]
fn human_format_shows_the_excerpt_and_the_fix() {
    let (code, out, _) = run(
        &fixture("python/upward-import"),
        &["check", "--format", "human", "--color", "never"],
    );
    assert_eq!(code, 1);
    assert!(!out.contains('\u{1b}'), "no colour codes: {out}");
    assert!(out.contains("AG001 upward-import"), "{out}");
    assert!(out.contains("[src/shop/domain/orders.py:3:6]"), "{out}");
    assert!(out.contains("from shop.api.routes import render"), "{out}");
    assert!(out.contains("help: Remove the import"), "{out}");
    assert!(out.trim_end().ends_with("in 7 files (6 imports)"), "{out}");
    let (_, coloured, _) = run(
        &fixture("python/upward-import"),
        &["check", "--format", "human", "--color", "always"],
    );
    assert!(coloured.contains('\u{1b}'), "--color always: {coloured}");
}

#[test]
fn piped_output_defaults_to_agent() {
    let (_, out, _) = run(&fixture("python/upward-import"), &["check"]);
    assert!(
        out.starts_with("src/shop/domain/orders.py:3:6: error[AG001 upward-import]"),
        "{out}"
    );
}

// ------------------------------------------------------------------------------ explain

#[test]
fn explain_by_code_and_by_name() {
    let (code, by_code, _) = run(&fixture("python/clean"), &["explain", "AG001"]);
    assert_eq!(code, 0);
    assert!(by_code.starts_with("# upward-import (AG001)"), "{by_code}");
    for section in [
        "## What it does",
        "## Why is this bad?",
        "## Example",
        "## How to fix",
        "## Configuration",
    ] {
        assert!(by_code.contains(section), "{section}");
    }
    let (code, by_name, _) = run(&fixture("python/clean"), &["explain", "upward-import"]);
    assert_eq!(code, 0);
    assert_eq!(by_code, by_name);
    let (_, lower, _) = run(&fixture("python/clean"), &["explain", "ag002"]);
    assert!(lower.starts_with("# forbidden-import (AG002)"), "{lower}");
}

#[test]
fn explain_unknown_rule_exits_2_and_lists_the_rules() {
    let (code, out, err) = run(&fixture("python/clean"), &["explain", "AG999"]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    for rule in [
        "upward-import (AG001)",
        "forbidden-import (AG002)",
        "unused-allow (AG003)",
    ] {
        assert!(err.contains(rule), "{err}");
    }
}

// ------------------------------------------------------------------------------ graph

#[test]
fn graph_tsv_has_one_site_per_line() {
    let (code, out, _) = run(
        &fixture("python/import-forms"),
        &["graph", "--format", "tsv"],
    );
    assert_eq!(code, 0, "graph reports, it does not judge");
    let kinds = [
        "import",
        "type",
        "dynamic",
        "require",
        "reexport",
        "use",
        "mod",
        "path",
        "extern-crate",
        "manifest",
    ];
    let rows: Vec<Vec<&str>> = out.lines().map(|l| l.split('\t').collect()).collect();
    assert_eq!(rows.len(), 19, "{out}");
    for row in &rows {
        assert_eq!(row.len(), 4, "{row:?}");
        assert!(row[2].parse::<u32>().is_ok(), "{row:?}");
        assert!(kinds.contains(&row[3]), "{row:?}");
        assert!(
            !row[0].starts_with('/') && !row[1].starts_with('/'),
            "{row:?}"
        );
    }
    assert!(
        out.contains("pkg/lib/forms.py\texternal:os\t3\timport\n"),
        "{out}"
    );
    assert!(
        out.contains("pkg/lib/forms.py\tpkg/app/views.py\t2\timport\n"),
        "{out}"
    );
    // Sorted by importing file, then line.
    let mut sorted = rows.clone();
    sorted.sort_by_key(|r| (r[0], r[2].parse::<u32>().unwrap()));
    assert_eq!(
        rows.iter().map(|r| (r[0], r[2])).collect::<Vec<_>>(),
        sorted.iter().map(|r| (r[0], r[2])).collect::<Vec<_>>()
    );
}

#[test]
fn graph_runs_without_layers_toml_in_the_current_folder() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("pkg")).unwrap();
    std::fs::write(dir.path().join("a.py"), "import os\nimport pkg.b\n").unwrap();
    std::fs::write(dir.path().join("pkg/__init__.py"), "").unwrap();
    std::fs::write(dir.path().join("pkg/b.py"), "from . import c\n").unwrap();
    std::fs::write(dir.path().join("pkg/c.py"), "").unwrap();
    let (code, out, err) = run(dir.path(), &["graph", "--no-cache"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        "a.py\texternal:os\t1\timport\n\
         a.py\tpkg/b.py\t2\timport\n\
         pkg/b.py\tpkg/c.py\t1\timport\n"
    );
    let (code, graph) = json(dir.path(), &["graph", "--format", "json", "--no-cache"]);
    assert_eq!(code, 0);
    let files = graph["files"].as_array().unwrap();
    assert_eq!(files.len(), 4);
    assert!(files.iter().all(|f| f["layer"].is_null()), "{graph}");
    // `check` still needs the architecture written down.
    let (code, _, err) = run(dir.path(), &["check"]);
    assert_eq!(code, 2);
    assert!(err.contains("no `layers.toml` found"), "{err}");
}

#[test]
fn graph_json_lists_files_with_layers_and_sites() {
    let (code, graph) = json(
        &fixture("python/type-checking"),
        &["graph", "--format", "json"],
    );
    assert_eq!(code, 0);
    assert_eq!(graph["version"], 1);
    let files = graph["files"].as_array().unwrap();
    assert!(
        files
            .iter()
            .any(|f| f["path"] == "app/model/user.py" && f["layer"] == "model")
    );
    assert!(
        files
            .iter()
            .any(|f| f["path"] == "app/__init__.py" && f["layer"].is_null())
    );
    let imports = graph["imports"].as_array().unwrap();
    assert!(imports.iter().any(|i| i["from"] == "app/model/user.py"
        && i["to"] == "app/ui/widgets.py"
        && i["line"] == 7
        && i["column"] == 10
        && i["kind"] == "type"
        && i["import"] == "app.ui.widgets.Widget"));
}

// ------------------------------------------------------------------------------ PATH, discovery

#[test]
fn paths_narrow_the_report_but_not_the_graph() {
    let dir = fixture("python/forbid-layer-names");
    let (_, all) = json(&dir, &["check", "--format", "json"]);
    let (code, narrowed) = json(&dir, &["check", "--format", "json", "shop/api"]);
    assert_eq!(code, 1);
    let paths: Vec<&str> = narrowed["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["shop/api/views.py"; 3]);
    // The same findings, word for word, as in the whole run.
    let whole: Vec<&Value> = all["violations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v["path"] == "shop/api/views.py")
        .collect();
    let narrowed_list: Vec<&Value> = narrowed["violations"].as_array().unwrap().iter().collect();
    assert_eq!(whole, narrowed_list);
    // The whole graph is still built.
    assert_eq!(narrowed["summary"]["files"], all["summary"]["files"]);
    assert_eq!(narrowed["summary"]["imports"], all["summary"]["imports"]);

    // A file PATH, and a PATH with no violation: exit 0.
    let (code, _) = json(&dir, &["check", "--format", "json", "shop/repo/hooks.py"]);
    assert_eq!(code, 1);
    let (code, clean) = json(&dir, &["check", "--format", "json", "shop/service"]);
    assert_eq!(code, 0);
    assert!(clean["violations"].as_array().unwrap().is_empty());
}

#[test]
fn paths_are_relative_to_the_current_folder() {
    let dir = fixture("python/forbid-layer-names/shop");
    let (code, report) = json(&dir, &["check", "--format", "json", "repo"]);
    assert_eq!(code, 1);
    let paths: Vec<&str> = report["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["shop/repo/hooks.py"; 2]);
}

#[test]
fn path_outside_the_root_exits_2() {
    let (code, _, err) = run(&fixture("python/clean"), &["check", ".."]);
    assert_eq!(code, 2);
    assert!(err.contains("outside"), "{err}");
}

#[test]
fn config_is_discovered_from_a_subfolder() {
    let root = fixture("python/upward-import");
    let (_, from_root, _) = run(&root, &["check", "--format", "agent"]);
    let (code, from_sub, _) = run(
        &root.join("src/shop/domain"),
        &["check", "--format", "agent"],
    );
    assert_eq!(code, 1);
    // Paths stay relative to the folder of layers.toml.
    assert_eq!(from_root, from_sub);
    assert!(
        from_sub.starts_with("src/shop/domain/orders.py:3:6:"),
        "{from_sub}"
    );
}

#[test]
fn explicit_config_sets_the_root() {
    let root = fixture("python/upward-import");
    let elsewhere = tempfile::tempdir().unwrap();
    let config = root.join("layers.toml");
    let (code, out, _) = run(
        elsewhere.path(),
        &[
            "check",
            "--format",
            "agent",
            "--config",
            config.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 1);
    assert!(out.starts_with("src/shop/domain/orders.py:3:6:"), "{out}");
    assert!(
        !out.contains(root.to_str().unwrap()),
        "no absolute paths: {out}"
    );
}

// ------------------------------------------------------------------------------ determinism

#[test]
fn output_is_deterministic() {
    let dir = fixture("python/import-forms");
    for format in ["json", "agent", "human"] {
        let a = run(
            &dir,
            &[
                "check", "--format", format, "--color", "never", "--jobs", "2",
            ],
        );
        let b = run(
            &dir,
            &[
                "check", "--format", format, "--color", "never", "--jobs", "2",
            ],
        );
        let c = run(
            &dir,
            &[
                "check", "--format", format, "--color", "never", "--jobs", "1",
            ],
        );
        assert_eq!(a, b, "{format}: two runs differ");
        assert_eq!(a, c, "{format}: --jobs changes the output");
    }
    let a = run(&dir, &["graph", "--format", "tsv"]);
    let b = run(&dir, &["graph", "--format", "tsv", "--jobs", "1"]);
    assert_eq!(a, b);
}

// ------------------------------------------------------------------------------ one set of findings

#[test]
fn the_layer_picture_counts_the_findings_check_reports() {
    // `from app.api.routes import a, b`: two import sites, one finding.
    let dir = fixture("python/two-names-one-site");
    let (code, out, _) = run(&dir, &["check", "--format", "agent", "--no-cache"]);
    assert_eq!(code, 1);
    assert_eq!(out.matches("[AG001 upward-import]").count(), 1, "{out}");
    let (code, picture, err) = run(&dir, &["graph", "--format", "mermaid", "--no-cache"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        picture.contains(r#"L1 -->|"2 imports, 1 violating"| L0"#),
        "{picture}"
    );
    let (_, dot, _) = run(&dir, &["graph", "--format", "dot", "--no-cache"]);
    assert!(
        dot.contains(r#"L1 -> L0 [label="2 imports, 1 violating""#),
        "{dot}"
    );
}

// ------------------------------------------------------------------------------ fail closed

#[test]
fn an_output_that_would_overwrite_the_config_or_another_output_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let config = fixture("python/upward-import").join("layers.toml");
    let before = std::fs::read_to_string(&config).unwrap();
    let (code, _, err) = run(
        &fixture("python/upward-import"),
        &[
            "check",
            "--format",
            "json",
            "--output",
            "layers.toml",
            "--no-cache",
        ],
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("would overwrite archgate's own input"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&config).unwrap(), before);
    let a = dir.path().join("a");
    let same = format!("{}/./a", dir.path().display());
    let (code, _, err) = run(
        &fixture("python/upward-import"),
        &[
            "check",
            "--format",
            "json",
            "--output",
            a.to_str().unwrap(),
            "--format",
            "sarif",
            "--output",
            &same,
            "--no-cache",
        ],
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("twice") || err.contains("two reports would go to"),
        "{err}"
    );
}

#[test]
fn a_failed_run_leaves_no_stale_report_behind() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("r.json");
    std::fs::write(&report, "{\"from\": \"an earlier run\"}").unwrap();
    let (code, _, _) = run(
        &fixture("config/unknown-layer-key"),
        &[
            "check",
            "--format",
            "json",
            "--output",
            report.to_str().unwrap(),
            "--no-cache",
        ],
    );
    assert_eq!(code, 2);
    assert!(
        !report.exists(),
        "the earlier run's report must not look like this run's"
    );
}

#[test]
fn a_path_argument_that_does_not_exist_exits_2() {
    let (code, _, err) = run(
        &fixture("python/clean"),
        &["check", "no/such/dir", "--no-cache"],
    );
    assert_eq!(code, 2);
    assert!(err.contains("does not exist"), "{err}");
}

#[test]
fn a_path_argument_that_holds_no_source_file_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("docs")).unwrap();
    std::fs::write(root.join("docs/guide.md"), "# guide\n").unwrap();
    std::fs::write(root.join("app.py"), "import os\n").unwrap();
    std::fs::write(
        root.join("layers.toml"),
        "[[layers]]\nname = \"app\"\npaths = [\"app.py\"]\n",
    )
    .unwrap();
    for path in ["docs", "docs/guide.md"] {
        let (code, _, err) = run(root, &["check", path, "--no-cache"]);
        assert_eq!(code, 2, "{path}");
        assert!(
            err.contains(&format!("`{path}` holds no source file")),
            "{path}: {err}"
        );
    }
    // Near misses: a source file, layers.toml (its own findings), and a mix is judged by
    // its emptiest PATH.
    for paths in [&["app.py"][..], &["layers.toml"], &["."]] {
        let mut args = vec!["check", "--no-cache"];
        args.extend(paths);
        let (code, _, err) = run(root, &args);
        assert_eq!(code, 0, "{paths:?}: {err}");
    }
    let (code, _, err) = run(root, &["check", "app.py", "docs", "--no-cache"]);
    assert_eq!(code, 2);
    assert!(err.contains("`docs` holds no source file"), "{err}");
}

#[test]
fn a_run_that_checks_nothing_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join("app.py"), "import os\n").unwrap();
    // A layers.toml with no contract, and an empty one.
    for config in ["exclude = []\n", ""] {
        std::fs::write(root.join("layers.toml"), config).unwrap();
        let (code, _, err) = run(root, &["check", "--no-cache"]);
        assert_eq!(code, 2, "{config:?}");
        assert!(err.contains("declares no contract"), "{config:?}: {err}");
    }
    // Every file excluded.
    std::fs::write(
        root.join("layers.toml"),
        "exclude = [\"**\"]\n\n[[layers]]\nname = \"app\"\npaths = [\"app.py\"]\n",
    )
    .unwrap();
    let (code, _, err) = run(root, &["check", "--no-cache"]);
    assert_eq!(code, 2);
    assert!(err.contains("no source file to check"), "{err}");
}
