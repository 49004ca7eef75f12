//! What people expect of any command line, through the real binary: `--version`, shell
//! completions, `--quiet`, `--statistics`, `NO_COLOR` and the progress line (which never
//! reaches a pipe). Fixture repositories are read with `--no-cache`, never written.

#![allow(clippy::unwrap_used, clippy::panic, reason = "a failing test panics")]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn fixture(case: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(case)
}

/// Runs archgate in `dir`; returns (exit code, stdout, stderr).
fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let output = Command::cargo_bin("archgate")
        .unwrap()
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .args(args)
        .output()
        .unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

// ------------------------------------------------------------------------------ --version

#[test]
fn version_prints_the_package_version_and_exits_0() {
    let expected = format!("archgate {}\n", env!("CARGO_PKG_VERSION"));
    for flag in ["--version", "-V"] {
        let (code, out, err) = run(Path::new("."), &[flag]);
        assert_eq!(
            (code, out.as_str(), err.as_str()),
            (0, expected.as_str(), "")
        );
    }
}

// -------------------------------------------------------------------------- completions

#[test]
fn completions_cover_every_command_and_flag_in_each_shell() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let (code, out, err) = run(Path::new("."), &["completions", shell]);
        assert_eq!(code, 0, "{shell}: {err}");
        for word in [
            "check",
            "explain",
            "graph",
            "baseline",
            "init",
            "where",
            "docs",
            "impact",
            "risk",
            "server",
            "schema",
            "completions",
            // fish writes `-l statistics`, the others `--statistics`.
            "statistics",
            "quiet",
            "changed-since",
        ] {
            assert!(out.contains(word), "{shell}: no `{word}` in\n{out}");
        }
    }
}

#[test]
fn the_bash_script_is_valid_bash_and_completes_subcommands() {
    let (_, script, _) = run(Path::new("."), &["completions", "bash"]);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("archgate.bash");
    std::fs::write(&path, script).unwrap();
    // Source it, then ask for the completions of `archgate ch` as bash would.
    let probe = format!(
        "source '{}'; COMP_WORDS=(archgate ch); COMP_CWORD=1; _archgate archgate ch archgate; \
         printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        path.display()
    );
    let output = std::process::Command::new("bash")
        .args(["--noprofile", "--norc", "-c", &probe])
        .output()
        .unwrap();
    let words = String::from_utf8(output.stdout).unwrap();
    assert!(output.status.success(), "{words}");
    assert_eq!(words, "check\n");
}

#[test]
fn an_unknown_shell_is_a_usage_error() {
    let (code, _, err) = run(Path::new("."), &["completions", "tcsh"]);
    assert_eq!(code, 2);
    assert!(err.contains("possible values"), "{err}");
}

// ------------------------------------------------------------------------------- --quiet

#[test]
fn quiet_prints_the_findings_and_nothing_else() {
    let dir = fixture("python/formats-paths");
    let (code, loud, _) = run(&dir, &["check", "--no-cache", "--format", "agent"]);
    let (quiet_code, quiet, quiet_err) = run(&dir, &["check", "--no-cache", "-q"]);
    assert_eq!((code, quiet_code), (1, 1), "the exit code is the same");
    // The same findings, without the summary line that ends the loud report.
    let (findings, summary) = loud.trim_end().rsplit_once('\n').unwrap();
    assert!(summary.starts_with("archgate: "), "{summary}");
    assert_eq!(quiet, format!("{findings}\n"));
    assert!(quiet.lines().all(|l| l.contains("[AG0")), "{quiet}");
    assert_eq!(quiet_err, "");
}

#[test]
fn quiet_silences_file_warnings_on_stderr_but_not_in_machine_formats() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("src")).unwrap();
    std::fs::write(
        dir.path().join("layers.toml"),
        "[[layers]]\nname = \"a\"\npaths = [\"src/**\"]\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("src/a.py"), "import os\n").unwrap();
    std::fs::write(dir.path().join("src/bin.py"), b"x\0y").unwrap();
    let (code, out, err) = run(dir.path(), &["check", "--no-cache"]);
    assert_eq!(code, 0);
    assert!(err.contains("warning: "), "{err}");
    assert!(out.contains("1 warning about files"), "{out}");
    let (code, out, err) = run(dir.path(), &["check", "--no-cache", "--quiet"]);
    assert_eq!((code, out.as_str(), err.as_str()), (0, "", ""));
    // JSON is data: --quiet changes nothing in it.
    let args = ["check", "--no-cache", "--format", "json"];
    let (_, loud_json, _) = run(dir.path(), &args);
    let (_, quiet_json, _) = run(dir.path(), &[&args[..], &["--quiet"]].concat());
    assert_eq!(loud_json, quiet_json);
    let json: Value = serde_json::from_str(&quiet_json).unwrap();
    assert_eq!(json["summary"]["warnings"], 1);
}

#[test]
fn quiet_on_a_clean_repository_prints_nothing() {
    let (code, out, err) = run(&fixture("python/clean"), &["check", "--no-cache", "-q"]);
    assert_eq!((code, out.as_str(), err.as_str()), (0, "", ""));
}

// -------------------------------------------------------------------------- --statistics

#[test]
fn statistics_count_the_findings_of_each_rule_most_frequent_first() {
    let dir = fixture("python/unmatched-selectors");
    let (code, out, _) = run(&dir, &["check", "--no-cache", "--format", "json"]);
    let report: Value = serde_json::from_str(&out).unwrap();
    let mut expected: Vec<(String, usize)> = Vec::new();
    for v in report["violations"].as_array().unwrap() {
        let code = v["code"].as_str().unwrap().to_owned();
        match expected.iter_mut().find(|(c, _)| *c == code) {
            Some((_, n)) => *n += 1,
            None => expected.push((code, 1)),
        }
    }
    expected.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    assert!(expected.len() >= 3, "{expected:?}");

    let (stat_code, text, _) = run(&dir, &["check", "--no-cache", "--statistics"]);
    assert_eq!(stat_code, code, "the exit code is the check's");
    let lines: Vec<&str> = text.lines().collect();
    let (summary, table) = lines.split_last().unwrap();
    assert!(summary.starts_with("archgate: "), "{text}");
    let counted: Vec<(String, usize)> = table
        .iter()
        .map(|l| {
            let fields: Vec<&str> = l.split_whitespace().collect();
            (fields[1].to_owned(), fields[0].parse().unwrap())
        })
        .collect();
    assert_eq!(counted, expected, "{text}");
    // Aligned columns: every code starts in the same column.
    let columns: Vec<usize> = table.iter().map(|l| l.find("AG0").unwrap()).collect();
    assert!(columns.windows(2).all(|w| w[0] == w[1]), "{text}");

    let (_, quiet, _) = run(&dir, &["check", "--no-cache", "--statistics", "-q"]);
    assert_eq!(
        quiet,
        format!("{}\n", table.join("\n")),
        "-q drops the summary"
    );

    let (_, json, _) = run(
        &dir,
        &["check", "--no-cache", "--statistics", "--format", "json"],
    );
    let json: Value = serde_json::from_str(&json).unwrap();
    let from_json: Vec<(String, usize)> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            assert!(s["name"].is_string() && s["severity"].is_string(), "{s}");
            (
                s["code"].as_str().unwrap().to_owned(),
                usize::try_from(s["count"].as_u64().unwrap()).unwrap(),
            )
        })
        .collect();
    assert_eq!(from_json, expected);
}

#[test]
fn statistics_leave_reports_written_to_files_alone() {
    let dir = fixture("python/formats-paths");
    let out_dir = tempfile::tempdir().unwrap();
    let sarif = out_dir.path().join("r.sarif");
    let sarif_arg = sarif.to_str().unwrap();
    let (code, out, _) = run(
        &dir,
        &[
            "check",
            "--no-cache",
            "--statistics",
            "--format",
            "sarif",
            "--output",
            sarif_arg,
        ],
    );
    assert_eq!(code, 1);
    assert!(out.lines().next().unwrap().contains("AG00"), "{out}");
    let log: Value = serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    assert_eq!(log["runs"][0]["results"].as_array().unwrap().len(), 3);
}

#[test]
fn statistics_in_place_of_sarif_or_annotations_on_stdout_is_a_usage_error() {
    for format in ["sarif", "github"] {
        let (code, out, err) = run(
            &fixture("python/formats-paths"),
            &["check", "--no-cache", "--statistics", "--format", format],
        );
        assert_eq!((code, out.as_str()), (2, ""), "{format}");
        assert!(err.contains("has no statistics form"), "{err}");
    }
}

#[test]
fn statistics_of_a_clean_run_are_the_summary_line_alone() {
    let (code, out, _) = run(&fixture("python/clean"), &["check", "--statistics"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("archgate: no violations"), "{out}");
    assert_eq!(out.lines().count(), 1);
}

// ------------------------------------------------------- colour and progress at a terminal

/// Runs `archgate ARGS` in `dir` with its standard output and error on a pseudo-terminal
/// (util-linux `script`), with `env` set; returns what the terminal showed.
#[cfg(target_os = "linux")]
fn at_terminal(dir: &Path, args: &str, env: &[(&str, &str)]) -> String {
    let binary = assert_cmd::cargo::cargo_bin("archgate");
    let mut cmd = std::process::Command::new("script");
    cmd.current_dir(dir)
        .args(["-q", "-e", "-c"])
        .arg(format!("{} {args}", binary.display()))
        .arg("/dev/null")
        .env("TERM", "xterm-256color")
        .env_remove("NO_COLOR")
        .env_remove("CI");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let output = cmd.output().unwrap();
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[cfg(target_os = "linux")]
#[test]
fn a_dumb_terminal_gets_no_colour() {
    let dir = fixture("python/formats-paths");
    let shown = at_terminal(&dir, "check --no-cache", &[("TERM", "dumb")]);
    assert!(shown.contains("AG001"), "{shown}");
    assert!(!shown.contains('\u{1b}'), "TERM=dumb: {shown}");
}

#[cfg(target_os = "linux")]
#[test]
fn no_color_turns_colour_off_at_a_terminal() {
    let dir = fixture("python/formats-paths");
    let coloured = at_terminal(&dir, "check --no-cache", &[]);
    assert!(coloured.contains("AG001"), "{coloured}");
    assert!(
        coloured.contains('\u{1b}'),
        "a terminal gets colour: {coloured}"
    );
    let plain = at_terminal(&dir, "check --no-cache", &[("NO_COLOR", "1")]);
    assert!(plain.contains("AG001"), "{plain}");
    assert!(!plain.contains('\u{1b}'), "NO_COLOR: {plain}");
    // NO_COLOR= (empty) does not count, as no-color.org says.
    let empty = at_terminal(&dir, "check --no-cache", &[("NO_COLOR", "")]);
    assert!(empty.contains('\u{1b}'), "{empty}");
    // --color always wins over NO_COLOR.
    let forced = at_terminal(
        &dir,
        "check --no-cache --color always",
        &[("NO_COLOR", "1")],
    );
    assert!(forced.contains('\u{1b}'), "{forced}");
}

#[test]
fn no_progress_line_reaches_a_pipe() {
    let (_, out, err) = run(&fixture("python/formats-paths"), &["check", "--no-cache"]);
    assert!(!err.contains("files read") && !err.contains('\r'), "{err}");
    assert!(!out.contains("files read") && !out.contains('\r'), "{out}");
}
