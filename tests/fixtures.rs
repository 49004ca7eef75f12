//! Every fixture repository under `fixtures/<lang>/<case>/` is checked in-process:
//!
//! - `expected.txt` is written by hand, before the code ran: one `path:line CODE` per finding
//!   (`#` comments allowed, an empty file means the case must be clean). The run must report
//!   exactly these, no more and no fewer.
//! - `snapshots/human.snap` and `snapshots/json.snap` hold the full output (insta), starting
//!   with the exit code, so that wording and fix instructions are reviewed too.
//!
//! - `expected-graph.tsv`, when present, is also written by hand: `archgate graph --format tsv`
//!   must print exactly it (resolution fixtures: every edge, external and unresolved target).
//!
//! `fixtures/config/<case>/` holds broken configurations: the run must exit 2, and
//! `expected.txt` lists words the error must contain (one per line).

#![allow(clippy::unwrap_used, clippy::panic, reason = "a failing test panics")]

use std::path::{Path, PathBuf};

use archgate::app;
use archgate::cli::Cli;
use clap::Parser;

fn run(dir: &Path, args: &[&str]) -> (u8, String, String) {
    let cli = Cli::try_parse_from(std::iter::once("archgate").chain(args.iter().copied())).unwrap();
    let mut out = Vec::new();
    let mut err = Vec::new();
    let status = app::run(cli, dir, &mut out, &mut err);
    (
        status.code(),
        String::from_utf8(out).unwrap(),
        String::from_utf8(err).unwrap(),
    )
}

fn cases(group: &str) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut out = Vec::new();
    let groups: Vec<PathBuf> = if group == "*" {
        std::fs::read_dir(&root)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| !p.ends_with("config"))
            .collect()
    } else {
        vec![root.join(group)]
    };
    for g in groups {
        let Ok(entries) = std::fs::read_dir(&g) else {
            continue;
        };
        for e in entries {
            let p = e.unwrap().path();
            if p.is_dir() {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn expected_lines(case: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(case.join("expected.txt"))
        .unwrap_or_else(|_| panic!("{} has no expected.txt", case.display()));
    let mut lines: Vec<String> = text
        .lines()
        .map(|l| l.split('#').next().unwrap_or("").trim().to_owned())
        .filter(|l| !l.is_empty())
        .collect();
    lines.sort();
    lines
}

fn snapshot(case: &Path, name: &str, content: &str) {
    insta::with_settings!({
        snapshot_path => case.join("snapshots"),
        prepend_module_to_snapshot => false,
        omit_expression => true,
        description => case.strip_prefix(env!("CARGO_MANIFEST_DIR")).unwrap().display().to_string(),
    }, {
        insta::assert_snapshot!(name, content);
    });
}

#[test]
fn fixture_repositories_report_exactly_their_expected_findings() {
    let cases = cases("*");
    assert!(!cases.is_empty());
    let mut failures = Vec::new();
    for case in &cases {
        let (code, json, _) = run(
            case,
            &["check", "--format", "json", "--jobs", "2", "--no-cache"],
        );
        let report: serde_json::Value = serde_json::from_str(&json).unwrap();
        let mut found: Vec<String> = report["violations"]
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
            .collect();
        found.sort();
        let expected = expected_lines(case);
        if found != expected {
            failures.push(format!(
                "{}:\n  expected {expected:?}\n  found    {found:?}",
                case.display()
            ));
        }
        let errors = report["violations"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v["severity"] == "error");
        assert_eq!(code, u8::from(errors), "{}: exit code", case.display());
        let (hcode, human, herr) = run(
            case,
            &[
                "check",
                "--format",
                "human",
                "--color",
                "never",
                "--no-cache",
            ],
        );
        snapshot(case, "human", &format!("exit: {hcode}\n{human}{herr}"));
        snapshot(case, "json", &format!("exit: {code}\n{json}"));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn fixture_graphs_match_their_hand_written_edge_lists() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for case in &cases("*") {
        let Ok(expected) = std::fs::read_to_string(case.join("expected-graph.tsv")) else {
            continue;
        };
        checked += 1;
        let (code, tsv, err) = run(case, &["graph", "--format", "tsv"]);
        assert_eq!(code, 0, "{}: graph exit code; stderr {err}", case.display());
        if tsv != expected {
            failures.push(format!(
                "{}:\n--- expected-graph.tsv\n{expected}--- archgate graph\n{tsv}",
                case.display()
            ));
        }
    }
    assert!(checked > 0);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn broken_configurations_exit_2_and_name_the_problem() {
    let cases = cases("config");
    assert!(!cases.is_empty());
    for case in &cases {
        let (code, out, err) = run(case, &["check", "--format", "agent", "--no-cache"]);
        assert_eq!(code, 2, "{}: exit code; stdout {out}", case.display());
        assert!(out.is_empty(), "{}: nothing on stdout", case.display());
        // The renderer wraps long lines: compare with the line breaks and gutters removed.
        let flat = |text: &str| {
            text.split_whitespace()
                .filter(|t| *t != "│")
                .collect::<Vec<_>>()
                .join(" ")
        };
        let flat_err = flat(&err);
        for word in expected_lines(case) {
            assert!(
                flat_err.contains(&flat(&word)),
                "{}: `{word}` missing from:\n{err}",
                case.display()
            );
        }
        snapshot(case, "error", &err);
    }
}
