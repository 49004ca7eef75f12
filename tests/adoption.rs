//! Adopting archgate in a codebase with violations (SPEC §9), through the real binary on
//! repositories built at test time: the baseline, inline suppressions, `--changed-since`.

#![allow(clippy::unwrap_used, clippy::panic, reason = "a failing test panics")]

use std::path::Path;
use std::process::Command as Process;

use assert_cmd::Command;
use serde_json::Value;

const LAYERS: &str = r#"
[[layers]]
name = "api"
paths = ["app/api/**"]

[[layers]]
name = "domain"
paths = ["app/domain/**"]
"#;

fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A repository with one upward import in `app/domain/order.py`.
fn repo(extra_config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "layers.toml", &format!("{extra_config}\n{LAYERS}"));
    for init in [
        "app/__init__.py",
        "app/api/__init__.py",
        "app/domain/__init__.py",
    ] {
        write(root, init, "");
    }
    write(root, "app/api/routes.py", "ROUTES = []\n");
    write(root, "app/api/views.py", "VIEWS = []\n");
    write(root, "app/domain/order.py", "from app.api import routes\n");
    dir
}

fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let output = Command::cargo_bin("archgate")
        .unwrap()
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

fn check_json(dir: &Path, extra: &[&str]) -> (i32, Value) {
    let mut args = vec!["check", "--format", "json", "--no-cache"];
    args.extend_from_slice(extra);
    let (code, out, err) = run(dir, &args);
    (
        code,
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}{err}")),
    )
}

fn codes(report: &Value) -> Vec<String> {
    report["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            format!(
                "{}:{} {}",
                v["path"].as_str().unwrap(),
                v["line"],
                v["code"].as_str().unwrap()
            )
        })
        .collect()
}

fn git(dir: &Path, args: &[&str]) {
    let status = Process::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&status.stderr)
    );
}

// ------------------------------------------------------------------------------ baseline

#[test]
fn a_baseline_freezes_todays_findings_and_survives_moved_lines() {
    let dir = repo("");
    let root = dir.path();
    assert_eq!(check_json(root, &[]).0, 1);
    let (code, _, err) = run(root, &["baseline", "--no-cache"]);
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(root.join("archgate-baseline.json")).unwrap();
    assert_eq!(
        text,
        "{\"version\": 1, \"entries\": [\n  {\"rule\":\"upward-import\",\"path\":\"app/domain/order.py\",\"target\":\"app/api/routes.py\",\"import\":\"app.api.routes\",\"count\":1}\n]}\n"
    );
    let (code, report) = check_json(root, &[]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["summary"]["baselined"], 1);
    // Lines inserted above the import: the entry still matches (not by line).
    write(
        root,
        "app/domain/order.py",
        "import os\n\n\nfrom app.api import routes\n",
    );
    let (code, report) = check_json(root, &[]);
    assert_eq!(code, 0, "{report}");
    // `--no-baseline` reports everything.
    let (code, report) = check_json(root, &["--no-baseline"]);
    assert_eq!(code, 1);
    assert_eq!(codes(&report), ["app/domain/order.py:4 AG001"]);
}

#[test]
fn a_new_violation_fails_alone_and_a_second_one_in_the_same_file_is_the_extra() {
    let dir = repo("");
    let root = dir.path();
    run(root, &["baseline", "--no-cache"]);
    write(root, "app/domain/invoice.py", "from app.api import views\n");
    let (code, report) = check_json(root, &[]);
    assert_eq!(code, 1);
    assert_eq!(codes(&report), ["app/domain/invoice.py:1 AG001"]);
    // The same import twice in the frozen file: the count is 1, the last one is reported.
    write(
        root,
        "app/domain/order.py",
        "from app.api import routes\nfrom app.api import routes\n",
    );
    let (_, report) = check_json(root, &[]);
    assert_eq!(
        codes(&report),
        [
            "app/domain/invoice.py:1 AG001",
            "app/domain/order.py:2 AG001"
        ]
    );
}

#[test]
fn a_fixed_finding_makes_its_entry_stale_and_baseline_only_shrinks_without_add() {
    let dir = repo("");
    let root = dir.path();
    run(root, &["baseline", "--no-cache"]);
    write(root, "app/domain/order.py", "ORDER = 1\n");
    write(root, "app/domain/invoice.py", "from app.api import views\n");
    let (code, report) = check_json(root, &[]);
    assert_eq!(code, 1, "the new violation fails");
    assert_eq!(
        codes(&report),
        [
            "app/domain/invoice.py:1 AG001",
            "archgate-baseline.json:2 AG012"
        ]
    );
    // `baseline` without `--add` removes the fixed entry and never adds the new finding.
    let (code, _, err) = run(root, &["baseline", "--no-cache"]);
    assert_eq!(code, 0);
    assert!(err.contains("1 fixed and removed"), "{err}");
    let text = std::fs::read_to_string(root.join("archgate-baseline.json")).unwrap();
    assert_eq!(text, "{\"version\": 1, \"entries\": [\n]}\n");
    assert_eq!(
        codes(&check_json(root, &[]).1),
        ["app/domain/invoice.py:1 AG001"]
    );
    // `--add` is the human's decision to freeze it.
    let (_, _, err) = run(root, &["baseline", "--add", "--no-cache"]);
    assert!(err.contains("1 added"), "{err}");
    assert_eq!(check_json(root, &[]).0, 0);
}

#[test]
fn a_broken_baseline_file_exits_2_saying_what_to_do() {
    let dir = repo("");
    write(dir.path(), "archgate-baseline.json", "{not json");
    let (code, _, err) = run(dir.path(), &["check", "--no-cache"]);
    assert_eq!(code, 2);
    assert!(err.contains("run `archgate baseline`"), "{err}");
}

// ------------------------------------------------------------------------------ suppressions

#[test]
fn suppressions_are_ignored_unless_enabled() {
    let dir = repo("");
    write(
        dir.path(),
        "app/domain/order.py",
        "from app.api import routes  # archgate: allow(upward-import) typing only\n",
    );
    let (code, report) = check_json(dir.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(codes(&report), ["app/domain/order.py:1 AG001"]);
}

#[test]
fn a_suppression_waives_only_the_named_rule_and_needs_a_reason() {
    let dir = repo(
        "[check]\ninline_allow = true\n\n[[forbid]]\nfrom = \"domain\"\nto = \"app/api/views.py\"\nreason = \"no views in the domain\"\n",
    );
    let root = dir.path();
    write(
        root,
        "app/domain/order.py",
        "from app.api import routes  # archgate: allow(upward-import) typing only\n\
         # archgate: allow(AG001) standalone, for the next line\n\
         from app.api import views\n\
         # archgate: allow(upward-import)\n\
         from app.api import routes as again\n",
    );
    let (code, report) = check_json(root, &[]);
    assert_eq!(code, 1);
    assert_eq!(
        codes(&report),
        [
            // views: AG001 waived by the standalone comment, AG002 is not named
            "app/domain/order.py:3 AG002",
            // no reason: waives nothing, and is reported
            "app/domain/order.py:4 AG011",
            "app/domain/order.py:5 AG001",
        ]
    );
    assert_eq!(report["summary"]["suppressed"], 2);
}

// ------------------------------------------------------------------------------ --changed-since

#[test]
fn changed_since_reports_findings_in_committed_staged_and_untracked_changes() {
    let dir = repo("");
    let root = dir.path();
    git(root, &["init", "-q", "-b", "main"]);
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "-m", "base"]);
    git(root, &["checkout", "-q", "-b", "feature"]);
    // Committed on the branch.
    write(
        root,
        "app/domain/committed.py",
        "from app.api import views\n",
    );
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "-m", "change"]);
    // Staged, and untracked.
    write(root, "app/domain/staged.py", "from app.api import views\n");
    git(root, &["add", "app/domain/staged.py"]);
    write(
        root,
        "app/domain/untracked.py",
        "from app.api import routes\n",
    );
    let (code, report) = check_json(root, &["--changed-since", "main"]);
    assert_eq!(code, 1);
    assert_eq!(
        codes(&report),
        [
            "app/domain/committed.py:1 AG001",
            "app/domain/staged.py:1 AG001",
            "app/domain/untracked.py:1 AG001",
        ],
        "app/domain/order.py is unchanged since main"
    );
    // The whole graph is still built: the counts are those of the whole repository.
    assert_eq!(report["summary"]["files"], 9);
}

#[test]
fn changed_since_outside_git_or_with_an_unknown_rev_exits_2() {
    let dir = repo("");
    let (code, _, err) = run(
        dir.path(),
        &["check", "--changed-since", "main", "--no-cache"],
    );
    assert_eq!(code, 2);
    assert!(err.contains("not inside a git"), "{err}");
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "base"]);
    let (code, _, err) = run(
        dir.path(),
        &["check", "--changed-since", "no-such-rev", "--no-cache"],
    );
    assert_eq!(code, 2);
    assert!(err.contains("no commit `no-such-rev`"), "{err}");
}

// ------------------------------------------------------------------------------ init

/// Copies a fixture's sources (not its layers.toml) into a fresh folder.
fn sources_of(fixture: &str) -> tempfile::TempDir {
    let from = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(fixture);
    let dir = tempfile::tempdir().unwrap();
    let mut pending = vec![from.clone()];
    while let Some(d) = pending.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            let path = e.path();
            let rel = path.strip_prefix(&from).unwrap();
            let name = rel.to_string_lossy();
            if name == "layers.toml" || name.starts_with("snapshots") || name == "expected.txt" {
                continue;
            }
            if path.is_dir() {
                std::fs::create_dir_all(dir.path().join(rel)).unwrap();
                pending.push(path);
            } else {
                std::fs::copy(&path, dir.path().join(rel)).unwrap();
            }
        }
    }
    dir
}

#[test]
fn init_orders_python_subpackages_by_their_imports_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for init in [
        "shop/__init__.py",
        "shop/api/__init__.py",
        "shop/domain/__init__.py",
        "shop/db/__init__.py",
    ] {
        write(root, init, "");
    }
    write(
        root,
        "shop/api/views.py",
        "from shop.domain import orders\n",
    );
    write(
        root,
        "shop/domain/orders.py",
        "from shop.db import session\n",
    );
    write(root, "shop/db/session.py", "SESSION = None\n");
    write(
        root,
        "tests/test_orders.py",
        "from shop.domain import orders\n",
    );
    let (code, _, err) = run(root, &["init", "--no-cache"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("`archgate check` is clean on it"), "{err}");
    let text = std::fs::read_to_string(root.join("layers.toml")).unwrap();
    let layers: Vec<&str> = text.lines().filter(|l| l.starts_with("name = ")).collect();
    assert_eq!(
        layers,
        ["name = \"api\"", "name = \"domain\"", "name = \"db\""],
        "{text}"
    );
    assert!(
        text.contains("paths = [\"shop/db/**\", \"shop/*\"]"),
        "{text}"
    );
    assert_eq!(check_json(root, &[]).0, 0);
    // A second init does not overwrite; --force does.
    let (code, _, err) = run(root, &["init", "--no-cache"]);
    assert_eq!(code, 2);
    assert!(err.contains("--force"), "{err}");
    assert_eq!(run(root, &["init", "--force", "--no-cache"]).0, 0);
}

#[test]
fn init_merges_groups_that_import_each_other_and_names_the_cycle() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for init in [
        "app/__init__.py",
        "app/orders/__init__.py",
        "app/billing/__init__.py",
        "app/util/__init__.py",
    ] {
        write(root, init, "");
    }
    write(
        root,
        "app/orders/order.py",
        "from app.billing import invoice\nfrom app.util import text\n",
    );
    write(
        root,
        "app/billing/invoice.py",
        "from app.orders import order\nfrom app.util import text\n",
    );
    write(root, "app/util/text.py", "X = 1\n");
    let (code, _, err) = run(root, &["init", "--no-cache"]);
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(root.join("layers.toml")).unwrap();
    assert!(text.contains("in a cycle: billing ⇄ orders"), "{text}");
    let layers: Vec<&str> = text.lines().filter(|l| l.starts_with("name = ")).collect();
    assert_eq!(
        layers,
        ["name = \"billing-orders\"", "name = \"util\""],
        "{text}"
    );
    assert_eq!(check_json(root, &[]).0, 0);
}

#[test]
fn init_reads_typescript_workspace_packages_and_rust_crates() {
    let ts = sources_of("typescript/workspace-modules");
    let (code, _, err) = run(ts.path(), &["init", "--no-cache"]);
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(ts.path().join("layers.toml")).unwrap();
    assert!(text.contains("a package of the workspace"), "{text}");
    let rust = sources_of("rust/workspace");
    let (code, _, err) = run(rust.path(), &["init", "--no-cache"]);
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(rust.path().join("layers.toml")).unwrap();
    assert!(text.contains("a crate of the workspace"), "{text}");
    // What init wrote is clean, or says how many findings remain.
    assert!(
        err.contains("is clean on it") || err.contains("archgate baseline"),
        "{err}"
    );
}
