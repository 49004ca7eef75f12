//! The extraction cache never changes a result: a warm run, a run over a corrupt, truncated or
//! foreign cache, and several runs at once all report what a cold run reports.

#![allow(clippy::unwrap_used, reason = "a failing test panics")]

use std::path::Path;
use std::process::Command;

use assert_cmd::cargo::CommandCargoExt;

fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for pkg in ["app", "app/api", "app/domain"] {
        std::fs::create_dir_all(root.join(pkg)).unwrap();
        std::fs::write(root.join(pkg).join("__init__.py"), "").unwrap();
    }
    std::fs::write(
        root.join("app/api/routes.py"),
        "from app.domain import orders\n",
    )
    .unwrap();
    std::fs::write(
        root.join("app/domain/orders.py"),
        "import os\nfrom app.api.routes import x\n",
    )
    .unwrap();
    std::fs::write(
        root.join("app/domain/broken.py"),
        "def f(:\nfrom app.api import routes\n",
    )
    .unwrap();
    std::fs::write(
        root.join("layers.toml"),
        "[[layers]]\nname = \"api\"\npaths = [\"app/api/**\"]\n\n[[layers]]\nname = \"domain\"\npaths = [\"app/domain/**\"]\n",
    )
    .unwrap();
    dir
}

fn check(root: &Path, extra: &[&str]) -> (i32, String) {
    let out = Command::cargo_bin("archgate")
        .unwrap()
        .current_dir(root)
        .args(["check", "--format", "json"])
        .args(extra)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
    )
}

fn cache_file(root: &Path) -> std::path::PathBuf {
    root.join(".archgate_cache/imports.bin")
}

#[test]
fn warm_runs_report_what_cold_runs_report() {
    let dir = repo();
    let cold = check(dir.path(), &["--no-cache"]);
    assert_eq!(cold.0, 1);
    assert!(
        !cache_file(dir.path()).exists(),
        "--no-cache writes nothing"
    );
    let first = check(dir.path(), &[]);
    assert!(cache_file(dir.path()).exists());
    assert!(dir.path().join(".archgate_cache/.gitignore").exists());
    let warm = check(dir.path(), &[]);
    assert_eq!(first, cold);
    assert_eq!(warm, cold);
    // A changed file is parsed again: its new import is reported.
    std::fs::write(
        dir.path().join("app/domain/orders.py"),
        "import os\n\n\nfrom app.api import routes\n",
    )
    .unwrap();
    let (_, changed) = check(dir.path(), &[]);
    assert_eq!(changed, check(dir.path(), &["--no-cache"]).1);
    assert!(changed.contains("\"line\": 4"), "{changed}");
}

#[test]
fn poisoned_caches_are_ignored_and_rewritten() {
    let dir = repo();
    let cold = check(dir.path(), &["--no-cache"]);
    check(dir.path(), &[]);
    let good = std::fs::read(cache_file(dir.path())).unwrap();
    let poisons: Vec<Vec<u8>> = vec![
        Vec::new(),
        good[..good.len() / 2].to_vec(),
        b"not a cache at all".to_vec(),
        vec![0xff; 4096],
        good.iter().map(|b| b ^ 0x5a).collect(),
    ];
    for poison in poisons {
        std::fs::write(cache_file(dir.path()), &poison).unwrap();
        assert_eq!(check(dir.path(), &[]), cold);
        // Rewritten whole: the next run reads it and still agrees.
        assert_ne!(std::fs::read(cache_file(dir.path())).unwrap(), poison);
        assert_eq!(check(dir.path(), &[]), cold);
    }
}

#[test]
fn concurrent_runs_do_not_corrupt_the_cache() {
    let dir = repo();
    let cold = check(dir.path(), &["--no-cache"]);
    let children: Vec<_> = (0..6)
        .map(|_| {
            Command::cargo_bin("archgate")
                .unwrap()
                .current_dir(dir.path())
                .args(["check", "--format", "json"])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert_eq!(
            (
                out.status.code().unwrap(),
                String::from_utf8(out.stdout).unwrap()
            ),
            cold
        );
    }
    assert_eq!(check(dir.path(), &[]), cold);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path().join(".archgate_cache"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| Path::new(n).extension().is_some_and(|e| e == "tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn cache_dir_moves_the_cache() {
    let dir = repo();
    let elsewhere = tempfile::tempdir().unwrap();
    let cold = check(dir.path(), &["--no-cache"]);
    let arg = elsewhere.path().join("c");
    let arg = arg.to_str().unwrap();
    assert_eq!(check(dir.path(), &["--cache-dir", arg]), cold);
    assert!(elsewhere.path().join("c/imports.bin").exists());
    assert!(!cache_file(dir.path()).exists());
}

/// Sets every file's modification time to `ago` before now, so that the cache trusts sizes
/// and times (files modified just before the cache is written are always read).
fn age_files(root: &Path, ago: std::time::Duration) {
    let when = std::time::SystemTime::now() - ago;
    for dir in ["app", "app/api", "app/domain"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.is_file() {
                std::fs::File::options()
                    .write(true)
                    .open(&path)
                    .unwrap()
                    .set_modified(when)
                    .unwrap();
            }
        }
    }
}

#[test]
fn a_change_that_keeps_the_size_is_seen_by_its_time() {
    let dir = repo();
    let root = dir.path();
    age_files(root, std::time::Duration::from_hours(1));
    check(root, &[]);
    // The same size, another import: only the modification time tells.
    let orders = root.join("app/domain/orders.py");
    let before = std::fs::read(&orders).unwrap();
    let after = b"import os\nfrom app.api import routes\n\n\n".to_vec();
    assert_eq!(before.len(), after.len());
    std::fs::write(&orders, &after).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&orders)
        .unwrap()
        .set_modified(std::time::SystemTime::now() - std::time::Duration::from_mins(30))
        .unwrap();
    let warm = check(root, &[]);
    assert_eq!(warm, check(root, &["--no-cache"]));
    assert!(
        warm.1.contains("\"import\": \"app.api.routes\""),
        "{}",
        warm.1
    );
}

#[test]
fn a_cache_dir_inside_a_source_folder_hides_none_of_its_sources() {
    let dir = repo();
    let root = dir.path();
    let (code, cold) = check(root, &["--cache-dir", "app/domain"]);
    assert_eq!(code, 1);
    // The second run reads the cache and still walks app/domain.
    let (code, warm) = check(root, &["--cache-dir", "app/domain"]);
    assert_eq!(code, 1);
    assert_eq!(warm, cold);
    assert!(warm.contains("app/domain/orders.py"), "{warm}");
    let ignore = std::fs::read_to_string(root.join("app/domain/.gitignore")).unwrap();
    assert!(!ignore.lines().any(|l| l.trim() == "*"), "{ignore}");
}

#[test]
fn a_cache_dir_at_the_root_without_a_gitignore_hides_nothing() {
    let dir = repo();
    let root = dir.path();
    assert!(!root.join(".gitignore").exists());
    let (code, cold) = check(root, &["--cache-dir", "."]);
    assert_eq!(code, 1);
    let (code, warm) = check(root, &["--cache-dir", "."]);
    assert_eq!(code, 1);
    assert_eq!(warm, cold);
    assert!(warm.contains("app/domain/orders.py"), "{warm}");
    // Whatever the cache writes at the root ignores its own files, never everything.
    if let Ok(ignore) = std::fs::read_to_string(root.join(".gitignore")) {
        assert!(!ignore.lines().any(|l| l.trim() == "*"), "{ignore}");
    }
}

/// Sets `path`'s modification time to `when`.
fn set_modified(path: &Path, when: std::time::SystemTime) {
    std::fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(when)
        .unwrap();
}

#[test]
fn files_that_swap_names_keeping_size_and_time_are_read_again() {
    let dir = repo();
    let root = dir.path();
    // Same size, different imports: only a.py's is an upward import.
    std::fs::write(root.join("app/domain/a.py"), "import app.api.routes\n").unwrap();
    std::fs::write(root.join("app/domain/b.py"), "import app.domain.abc\n").unwrap();
    age_files(root, std::time::Duration::from_hours(1));
    let before = check(root, &[]);
    assert_eq!(before, check(root, &["--no-cache"]));
    // Renames keep sizes and modification times.
    let domain = root.join("app/domain");
    std::fs::rename(domain.join("a.py"), domain.join("t.py")).unwrap();
    std::fs::rename(domain.join("b.py"), domain.join("a.py")).unwrap();
    std::fs::rename(domain.join("t.py"), domain.join("b.py")).unwrap();
    let warm = check(root, &[]);
    assert_eq!(warm, check(root, &["--no-cache"]));
    assert_ne!(warm, before);
    assert!(
        warm.1.contains("\"path\": \"app/domain/b.py\""),
        "{}",
        warm.1
    );
}

#[test]
fn files_added_removed_renamed_or_restored_are_seen() {
    let dir = repo();
    let root = dir.path();
    let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_hours(1);
    age_files(root, std::time::Duration::from_hours(1));
    check(root, &[]);
    let domain = root.join("app/domain");
    // Added, with an old modification time (as an archive or `cp -p` leaves it).
    std::fs::write(domain.join("new.py"), "from app.api import routes\n").unwrap();
    set_modified(&domain.join("new.py"), hour_ago);
    let warm = check(root, &[]);
    assert_eq!(warm, check(root, &["--no-cache"]));
    assert!(warm.1.contains("app/domain/new.py"), "{}", warm.1);
    // Renamed.
    std::fs::rename(domain.join("new.py"), domain.join("renamed.py")).unwrap();
    let warm = check(root, &[]);
    assert_eq!(warm, check(root, &["--no-cache"]));
    assert!(warm.1.contains("app/domain/renamed.py"), "{}", warm.1);
    assert!(!warm.1.contains("app/domain/new.py"), "{}", warm.1);
    // Rewritten in place with the same size, its old time set back.
    std::fs::write(domain.join("renamed.py"), "from app.domain import xy\n\n").unwrap();
    assert_eq!(
        std::fs::metadata(domain.join("renamed.py")).unwrap().len(),
        "from app.api import routes\n".len() as u64
    );
    set_modified(&domain.join("renamed.py"), hour_ago);
    let warm = check(root, &[]);
    assert_eq!(warm, check(root, &["--no-cache"]));
    assert!(!warm.1.contains("app/domain/renamed.py\""), "{}", warm.1);
    // Removed.
    std::fs::remove_file(domain.join("orders.py")).unwrap();
    let warm = check(root, &[]);
    assert_eq!(warm, check(root, &["--no-cache"]));
    assert!(!warm.1.contains("app/domain/orders.py"), "{}", warm.1);
}
