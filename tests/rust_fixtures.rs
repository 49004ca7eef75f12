//! The Rust fixtures edge by edge: `archgate graph --format tsv` of every
//! `fixtures/rust/<case>/` is snapshotted as `snapshots/graph.snap` (with the warnings), so
//! that every resolved path, `mod` declaration and manifest dependency is reviewed, not only
//! those that break a rule. And the fixtures are real Rust: `cargo check` builds each one
//! (ignored by default: it runs cargo; `cargo test --test rust_fixtures -- --ignored`).

#![allow(clippy::unwrap_used, clippy::panic, reason = "a failing test panics")]

use std::path::{Path, PathBuf};

use archgate::app;
use archgate::cli::Cli;
use clap::Parser;

fn cases() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rust");
    let mut out: Vec<PathBuf> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    out.sort();
    out
}

#[test]
fn rust_fixture_graphs_resolve_every_site() {
    let cases = cases();
    assert!(
        cases.len() >= 10,
        "one fixture per rule of the Rust front-end"
    );
    for case in &cases {
        let args = [
            "archgate",
            "graph",
            "--format",
            "tsv",
            "--no-cache",
            "--jobs",
            "2",
        ];
        let cli = Cli::try_parse_from(args).unwrap();
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let status = app::run(cli, case, &mut out, &mut err);
        assert_eq!(status.code(), 0, "{}", case.display());
        let out = String::from_utf8(out).unwrap();
        let err = String::from_utf8(err).unwrap();
        assert!(!out.is_empty(), "{}: no edges", case.display());
        insta::with_settings!({
            snapshot_path => case.join("snapshots"),
            prepend_module_to_snapshot => false,
            omit_expression => true,
            description => case.strip_prefix(env!("CARGO_MANIFEST_DIR")).unwrap().display().to_string(),
        }, {
            insta::assert_snapshot!("graph", format!("{out}{err}"));
        });
    }
}

#[test]
#[ignore = "runs cargo on every fixture (slow); run with --ignored"]
fn rust_fixtures_build_with_cargo_check() {
    let target = std::env::temp_dir().join("archgate-rust-fixtures-target");
    for case in cases() {
        // An excluded workspace package builds on its own.
        let mut dirs = vec![case.clone()];
        let scratch = case.join("crates/scratch");
        if scratch.is_dir() {
            dirs.push(scratch);
        }
        for dir in dirs {
            let status = std::process::Command::new(env!("CARGO"))
                .args(["check", "--all-targets", "--quiet"])
                .current_dir(&dir)
                .env("CARGO_TARGET_DIR", &target)
                .status()
                .unwrap();
            let _ = std::fs::remove_file(dir.join("Cargo.lock"));
            assert!(status.success(), "{} does not build", dir.display());
        }
    }
}
