//! What changed, from git (`--changed-since REV`, SPEC §9): the files that differ between the
//! merge base of REV and HEAD and the working tree, plus untracked files, relative to the
//! root. The `git` command is what every CI runner and developer machine has; it reads the
//! repository exactly as the user's own git does (worktrees, sparse checkouts, `safe.directory`),
//! which a reimplementation of git's formats would have to match.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

/// The files changed since the merge base of `rev` and HEAD, in the working tree included,
/// relative to `root` with `/` separators. `flag` is the option that asked (`--changed-since`,
/// `--base`), for messages.
pub(super) fn changed_files(
    root: &Path,
    rev: &str,
    flag: &str,
) -> Result<BTreeSet<String>, String> {
    let inside = git(root, &["rev-parse", "--is-inside-work-tree"]).map_err(|_| {
        format!(
            "`{flag} {rev}`: `{}` is not inside a git repository",
            root.display()
        )
    })?;
    if inside.trim() != "true" {
        return Err(format!(
            "`{flag} {rev}`: `{}` is not inside a git work tree",
            root.display()
        ));
    }
    let verified = git(
        root,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{rev}^{{commit}}"),
        ],
    )
    .map_err(|_| format!("`{flag} {rev}`: git knows no commit `{rev}`"))?;
    let commit = verified.trim().to_owned();
    let base = git(root, &["merge-base", &commit, "HEAD"])
        .map_err(|e| format!("`{flag} {rev}`: no merge base with HEAD ({e})"))?;
    let base = base.trim();
    let mut files = BTreeSet::new();
    // `--relative` makes the paths relative to the current folder, which is the root.
    for args in [
        vec!["diff", "--name-only", "--relative", "--no-renames", base],
        vec!["ls-files", "--others", "--exclude-standard"],
    ] {
        let listed = git(root, &args).map_err(|e| format!("`{flag} {rev}`: {e}"))?;
        files.extend(listed.lines().filter(|l| !l.is_empty()).map(str::to_owned));
    }
    Ok(files)
}

/// Runs git in `dir`; its standard output, or its message.
fn git(dir: &Path, args: &[&str]) -> Result<String, String> {
    let output = Command::new("git")
        // Paths as they are, not quoted octal escapes.
        .args(["-c", "core.quotePath=false"])
        .args(args)
        .current_dir(dir)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !output.status.success() {
        let message = String::from_utf8_lossy(&output.stderr).trim().to_owned();
        return Err(if message.is_empty() {
            format!("git {} failed", args.join(" "))
        } else {
            message
        });
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}
