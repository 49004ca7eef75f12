//! The harness commands (SPEC §10) through the real binary: `where` for existing and new
//! files in each language, `docs` and `docs --check`, `impact`, and `risk` on temporary git
//! repositories. The fixture `fixtures/python/harness-shop` is copied, never written.

#![allow(clippy::unwrap_used, clippy::panic, reason = "a failing test panics")]

use std::path::{Path, PathBuf};
use std::process::Command as Process;

use assert_cmd::Command;
use serde_json::Value;

fn fixture(case: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(case)
}

/// Runs archgate in `dir` without a cache (`docs` reads no code); returns (exit code,
/// stdout, stderr).
fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let no_cache: &[&str] = if args.first() == Some(&"docs") {
        &[]
    } else {
        &["--no-cache"]
    };
    let output = Command::cargo_bin("archgate")
        .unwrap()
        .current_dir(dir)
        .args(args)
        .args(no_cache)
        .env_remove("GITHUB_OUTPUT")
        .output()
        .unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

fn json(dir: &Path, args: &[&str]) -> Value {
    let (code, out, err) = run(dir, args);
    assert_eq!(code, 0, "{out}\n{err}");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}\n{err}"))
}

/// A copy of a fixture in a fresh folder.
fn copy(case: &str) -> tempfile::TempDir {
    let from = fixture(case);
    let dir = tempfile::tempdir().unwrap();
    let mut pending = vec![from.clone()];
    while let Some(d) = pending.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let path = e.unwrap().path();
            let rel = path.strip_prefix(&from).unwrap();
            let name = rel.to_string_lossy();
            if name.starts_with("snapshots") || name.starts_with(".archgate_cache") {
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

fn git(dir: &Path, args: &[&str]) {
    let out = Process::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The shop fixture as a git repository with one commit.
fn shop_repo() -> tempfile::TempDir {
    let dir = copy("python/harness-shop");
    git(dir.path(), &["init", "-q", "-b", "main"]);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "shop"]);
    dir
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {value}"))
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect()
}

fn groups(value: &Value) -> Vec<String> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["group"].as_str().unwrap_or("(glob)").to_owned())
        .collect()
}

// ------------------------------------------------------------------------------ where

#[test]
fn where_names_the_layer_what_it_may_import_and_todays_findings() {
    let shop = fixture("python/harness-shop");
    let w = json(
        &shop,
        &["where", "src/shop/domain/pricing.py", "--format", "json"],
    );
    assert_eq!(w["exists"], true);
    assert_eq!(w["layer"], "domain");
    assert_eq!(groups(&w["may_import"]), ["domain"]);
    assert_eq!(strings(&w["externals"]), ["attrs"]);
    let forbidden: Vec<(&str, &str)> = w["forbidden"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["to"].as_str().unwrap(), f["rule"].as_str().unwrap()))
        .collect();
    assert_eq!(
        forbidden,
        [
            ("api", "upward-import"),
            ("service", "upward-import"),
            ("shipping", "disallowed-import")
        ]
    );
    assert_eq!(strings(&w["imported_by"]), ["api", "service", "domain"]);
    // Today's finding, as `check --format json` gives it.
    let findings = w["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{w}");
    assert_eq!(findings[0]["code"], "AG001");
    assert_eq!(findings[0]["line"], 2);
}

#[test]
fn where_answers_for_a_file_that_does_not_exist_yet() {
    let shop = fixture("python/harness-shop");
    let w = json(
        &shop,
        &["where", "src/shop/billing/refunds.py", "--format", "json"],
    );
    assert_eq!(w["exists"], false);
    assert_eq!(w["source"], true);
    assert_eq!(w["layer"], Value::Null);
    assert_eq!(strings(&w["modules"]), ["billing"]);
    // The module's allowlist: the domain and its own files, nothing else.
    assert_eq!(groups(&w["may_import"]), ["domain", "billing"]);
    let independent: Vec<&str> = w["independent_of"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["group"].as_str().unwrap())
        .collect();
    assert_eq!(independent, ["shipping"]);
    assert_eq!(
        w["independent_of"][0]["reason"],
        "billing and shipping are sold separately"
    );
    assert_eq!(w["findings"].as_array().unwrap().len(), 0);
}

#[test]
fn where_shows_forbid_reasons_and_public_files() {
    let shop = fixture("python/harness-shop");
    let (code, out, err) = run(&shop, &["where", "src/shop/service/checkout.py"]);
    assert_eq!(code, 0, "{err}");
    for expected in [
        "src/shop/service/checkout.py: layer `service`",
        "May import: `service` (src/shop/service/**, src/shop/auth/**), `domain` (src/shop/domain/**); files in no layer.",
        "- the layers above it: `api`",
        "- `src/shop/api/**`: use cases do not know about HTTP. Instead: Return plain values and let the handler build the response.",
        "Import `billing` only through its public files: `src/shop/billing/__init__.py`.",
        "May be imported by: `api`, `service`.",
        "Findings in it today: none.",
    ] {
        assert!(out.contains(expected), "missing {expected:?} in:\n{out}");
    }
    // Short enough to paste into an agent's context.
    assert!(out.lines().count() <= 12, "{out}");
}

#[test]
fn where_for_unlayered_and_non_source_files() {
    let shop = fixture("python/harness-shop");
    let w = json(&shop, &["where", "tests/test_money.py", "--format", "json"]);
    assert_eq!(w["may_import"], Value::Null, "no layer constrains a test");
    assert_eq!(w["imported_by"], Value::Null);
    // Even so, a module's `imported_by` keeps it out.
    assert_eq!(w["forbidden"][0]["to"], "shipping");
    let w = json(
        &shop,
        &["where", "docs/ARCHITECTURE.md", "--format", "json"],
    );
    assert_eq!(w["source"], false);
    assert_eq!(w["may_import"], Value::Null);
}

#[test]
fn where_outside_the_root_exits_2() {
    let shop = fixture("python/harness-shop");
    let (code, _, err) = run(&shop, &["where", "../upward-import/layers.toml"]);
    assert_eq!(code, 2);
    assert!(err.contains("outside the folder of layers.toml"), "{err}");
}

#[test]
fn where_places_new_files_in_template_instances_in_typescript_and_rust() {
    let ts = fixture("typescript/feature-slices");
    let w = json(
        &ts,
        &["where", "src/features/cart/new.ts", "--format", "json"],
    );
    assert_eq!(strings(&w["modules"]), ["feature/cart"]);
    assert_eq!(
        groups(&w["may_import"]),
        ["feature/cart", "api/cart", "shared"]
    );
    let independent: Vec<&str> = w["independent_of"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["group"].as_str().unwrap())
        .collect();
    assert_eq!(independent, ["feature/billing"]);

    let rust = fixture("rust/crate-modules");
    let w = json(
        &rust,
        &["where", "crates/render/src/lib.rs", "--format", "json"],
    );
    assert_eq!(strings(&w["modules"]), ["lib/render"]);
    assert_eq!(strings(&w["externals"]), ["serde"]);
    let codes: Vec<&str> = w["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["AG005", "AG006", "AG006"]);
    let w = json(&rust, &["where", "app/src/cli.rs", "--format", "json"]);
    assert_eq!(w["exists"], false);
    assert_eq!(groups(&w["may_import"]), ["lib/parser", "app", "common"]);
}

// ------------------------------------------------------------------------------ docs

#[test]
fn docs_are_the_declared_architecture_and_the_same_on_every_run() {
    let shop = fixture("python/harness-shop");
    let (code, first, err) = run(&shop, &["docs"]);
    assert_eq!(code, 0, "{err}");
    let (_, second, _) = run(&shop, &["docs"]);
    assert_eq!(first, second);
    insta::with_settings!({ snapshot_path => fixture("python/harness-shop").join("snapshots"), prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("docs", first);
    });
}

#[test]
fn docs_write_between_the_markers_and_check_finds_the_first_stale_line() {
    let dir = copy("python/harness-shop");
    let file = "docs/ARCHITECTURE.md";
    // Not written yet: stale at the line after the begin marker.
    let (code, _, err) = run(dir.path(), &["docs", "--output", file, "--check"]);
    assert_eq!(code, 1);
    assert!(err.starts_with("docs/ARCHITECTURE.md:6:"), "{err}");
    let (code, _, err) = run(dir.path(), &["docs", "--output", file]);
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(dir.path().join(file)).unwrap();
    assert!(text.starts_with("# Shop\n\nIntro.\n\n<!-- archgate:begin -->\n<!-- Generated"));
    assert!(
        text.ends_with("<!-- archgate:end -->\n\nOutro.\n"),
        "{text}"
    );
    let (code, _, err) = run(dir.path(), &["docs", "--output", file, "--check"]);
    assert_eq!(code, 0, "{err}");
    // An architecture change makes it stale where the layer table changes.
    let config = dir.path().join("layers.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, text.replace("use cases", "application services")).unwrap();
    let (code, _, err) = run(dir.path(), &["docs", "--output", file, "--check"]);
    assert_eq!(code, 1);
    assert!(err.starts_with("docs/ARCHITECTURE.md:15:"), "{err}");
    // Without markers the whole file is the docs; --check without --output is a usage error.
    let (code, _, _) = run(dir.path(), &["docs", "--output", "ARCH.md"]);
    assert_eq!(code, 0);
    let whole = std::fs::read_to_string(dir.path().join("ARCH.md")).unwrap();
    assert!(whole.starts_with("<!-- Generated from layers.toml"));
    let (code, _, err) = run(dir.path(), &["docs", "--check"]);
    assert_eq!(code, 2);
    assert!(err.contains("--output FILE"), "{err}");
}

// ------------------------------------------------------------------------------ impact

#[test]
fn impact_lists_direct_and_indirect_importers_with_their_chains() {
    let shop = fixture("python/harness-shop");
    let v = json(
        &shop,
        &["impact", "src/shop/service/checkout.py", "--format", "json"],
    );
    assert_eq!(strings(&v["files"]), ["src/shop/service/checkout.py"]);
    let importers: Vec<(&str, usize)> = v["importers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["path"].as_str().unwrap(),
                i["chain"].as_array().unwrap().len(),
            )
        })
        .collect();
    // Grouped by layer from the top; the domain's upward import is an importer too.
    assert_eq!(
        importers,
        [
            ("src/shop/api/routes.py", 1),
            ("src/shop/auth/session.py", 1),
            ("src/shop/domain/pricing.py", 1),
        ]
    );
    let v = json(
        &shop,
        &["impact", "src/shop/billing/invoices.py", "--format", "json"],
    );
    let chain = &v["importers"][0]["chain"];
    assert_eq!(v["importers"][0]["path"], "src/shop/api/routes.py");
    assert_eq!(chain.as_array().unwrap().len(), 3, "{v}");
    assert_eq!(chain[0]["target"], "src/shop/service/checkout.py");
    assert_eq!(chain[2]["target"], "src/shop/billing/invoices.py");
    // A file nothing imports has no importers.
    let v = json(
        &shop,
        &["impact", "tests/test_money.py", "--format", "json"],
    );
    assert_eq!(v["importers"].as_array().unwrap().len(), 0);
}

#[test]
fn impact_of_the_changes_since_a_base() {
    let dir = shop_repo();
    std::fs::write(
        dir.path().join("src/shop/shipping/labels.py"),
        "def label(order: object) -> str:\n    return repr(order)\n",
    )
    .unwrap();
    let v = json(
        dir.path(),
        &["impact", "--base", "HEAD", "--format", "json"],
    );
    assert_eq!(strings(&v["files"]), ["src/shop/shipping/labels.py"]);
    assert_eq!(v["importers"][0]["path"], "src/shop/api/routes.py");
}

// ------------------------------------------------------------------------------ risk

fn tier(dir: &Path, args: &[&str]) -> (String, Value) {
    let mut all = vec!["risk", "--format", "json"];
    all.extend_from_slice(args);
    let v = json(dir, &all);
    (v["tier"].as_str().unwrap().to_owned(), v)
}

#[test]
fn risk_of_a_docs_only_change_is_low() {
    let dir = shop_repo();
    std::fs::write(dir.path().join("docs/ARCHITECTURE.md"), "# Shop\n").unwrap();
    let (t, v) = tier(dir.path(), &[]);
    assert_eq!(t, "low");
    assert_eq!(v["files"][0]["path"], "docs/ARCHITECTURE.md");
    assert_eq!(v["files"][0]["why"], "no tier names it");
}

#[test]
fn risk_reaches_a_file_imported_by_a_critical_one() {
    let dir = shop_repo();
    // money.py is in no tier, but auth/session.py (critical) imports it.
    std::fs::write(
        dir.path().join("src/shop/domain/money.py"),
        "class Money:\n    cents = 0\n",
    )
    .unwrap();
    let (t, v) = tier(dir.path(), &["--base", "HEAD"]);
    assert_eq!(t, "critical");
    let file = &v["files"][0];
    assert_eq!(file["path"], "src/shop/domain/money.py");
    assert_eq!(file["chain"][0]["path"], "src/shop/auth/session.py");
    assert!(
        file["why"]
            .as_str()
            .unwrap()
            .starts_with("imported by `src/shop/auth/session.py`"),
        "{file}"
    );
    // routes.py (high, blast_radius = false) imports checkout.py, which lends it nothing.
    let (t, v) = tier(dir.path(), &["src/shop/shipping/labels.py"]);
    assert_eq!(t, "low", "{v}");
}

#[test]
fn risk_matches_non_source_files_and_fails_at_a_tier() {
    let dir = shop_repo();
    std::fs::write(
        dir.path().join("migrations/0002_refunds.sql"),
        "CREATE TABLE refunds (id INTEGER);\n",
    )
    .unwrap();
    let (t, v) = tier(dir.path(), &[]);
    assert_eq!(t, "critical", "an untracked migration: {v}");
    assert_eq!(
        v["files"][0]["why"],
        "matches `migrations/**` of tier `critical`"
    );
    let (code, out, _) = run(dir.path(), &["risk", "--fail-at", "high"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.starts_with("risk: critical (1 changed file)"), "{out}");
    let (code, _, _) = run(
        dir.path(),
        &["risk", "src/shop/api/routes.py", "--fail-at", "critical"],
    );
    assert_eq!(code, 0, "high is below critical");
    // A deleted file is a change too: its path still matches.
    let (t, _) = tier(dir.path(), &["src/shop/auth/old_tokens.py"]);
    assert_eq!(t, "critical");
    let (code, _, err) = run(dir.path(), &["risk", "--fail-at", "severe"]);
    assert_eq!(code, 2);
    assert!(err.contains("critical, high, low"), "{err}");
}

#[test]
fn risk_github_writes_the_tier_to_github_output_and_a_notice() {
    let dir = shop_repo();
    let output = dir.path().join("gh-output");
    std::fs::write(&output, "earlier=1\n").unwrap();
    let out = Command::cargo_bin("archgate")
        .unwrap()
        .current_dir(dir.path())
        .args([
            "risk",
            "src/shop/api/routes.py",
            "--format",
            "github",
            "--no-cache",
        ])
        .env("GITHUB_OUTPUT", &output)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(&output).unwrap(),
        "earlier=1\ntier=high\n"
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.starts_with("::notice title=archgate risk::Review tier high (1 changed file)"),
        "{stdout}"
    );
    // Without $GITHUB_OUTPUT the line goes to standard output.
    let (_, stdout, _) = run(
        dir.path(),
        &["risk", "src/shop/api/routes.py", "--format", "github"],
    );
    assert!(stdout.starts_with("tier=high\n::notice"), "{stdout}");
}

#[test]
fn docs_leave_a_marker_quoted_in_prose_alone() {
    let dir = copy("python/harness-shop");
    let file = dir.path().join("AGENTS.md");
    std::fs::write(
        &file,
        "Write `<!-- archgate:begin -->` and `<!-- archgate:end -->` on lines of their own.\n\n\
         <!-- archgate:begin -->\nold\n<!-- archgate:end -->\nAfter.\n",
    )
    .unwrap();
    let (code, _, err) = run(dir.path(), &["docs", "--output", "AGENTS.md"]);
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.starts_with(
        "Write `<!-- archgate:begin -->` and `<!-- archgate:end -->` on lines of their own.\n\n\
         <!-- archgate:begin -->\n<!-- Generated from layers.toml"
    ));
    assert!(
        text.ends_with("waivers.\n<!-- archgate:end -->\nAfter.\n"),
        "{text}"
    );
    assert!(!text.contains("old\n"));
}
