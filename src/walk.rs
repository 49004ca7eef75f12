//! The parallel walk: every source file under the root that `.gitignore`, `.ignore` and the
//! config's `exclude` leave, as repo-relative paths in sorted order.
//!
//! Layer `input`: imports `config` and `core`. It knows nothing of languages: the caller says
//! which file names are source.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ignore::{WalkBuilder, WalkState};

use crate::config::Config;
use crate::diagnostic::{FileWarning, WarningKind};
use crate::source::display_path;

/// Folders never walked, whatever the ignore files say.
const SKIPPED_DIRS: &[&str] = &["node_modules", ".git", ".archgate_cache"];

/// A regular file to check.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct WalkedFile {
    /// Repo-relative, `/`-separated.
    pub path: String,
    pub abs: PathBuf,
    pub size: u64,
    /// Last modification, in nanoseconds since the Unix epoch, where the filesystem says.
    pub modified: Option<u128>,
    /// Last status change (Unix `ctime`: also set by a rename, or when a modification time is
    /// set back), in nanoseconds since the Unix epoch; 0 where the platform has none.
    pub changed: u128,
    /// The inode number; 0 where the platform has none. A rename keeps it, so two files that
    /// swapped names (and that have the same size and time) are still told apart.
    pub inode: u64,
}

#[derive(Debug)]
pub struct Walk<T> {
    /// Sorted by path, each with what `visit` made of it.
    pub files: Vec<(WalkedFile, T)>,
    /// Every other file the ignore files and `exclude` leave, hidden ones included, sorted:
    /// only when `layers.toml` has `[[risk]]` tiers, whose `paths` match any file (SPEC §8).
    pub others: Vec<String>,
    pub warnings: Vec<FileWarning>,
}

/// Walks `config.root` in parallel on `threads` threads. `is_source` decides by file name.
/// Symlinks are never followed and only regular files are returned, so a FIFO named `x.py`
/// or a symlink loop cannot block or hang the run.
///
/// `visit` runs on the walker's threads for every file found, so that work on a file (reading
/// it, looking it up in a cache) overlaps the walk of the rest.
pub fn walk<T: Send>(
    config: &Config,
    threads: usize,
    is_source: &(dyn Fn(&str) -> bool + Sync),
    visit: &(dyn Fn(&WalkedFile) -> T + Sync),
) -> Walk<T> {
    let out = Mutex::new(Walk {
        files: Vec::new(),
        others: Vec::new(),
        warnings: Vec::new(),
    });
    let root = config.root.as_path();
    // Hidden files are never source; `[[risk]] paths` see them (`.github/workflows/**`).
    let all_files = !config.risk.is_empty();
    let walker = builder(config, threads, all_files);
    walker.run(|| {
        let out = &out;
        Box::new(move |entry| {
            let entry = match entry {
                Ok(entry) => entry,
                // A folder that cannot be listed hides every file in it: say so.
                Err(error) => {
                    let warning = unreadable_folder(root, &error);
                    let _ = out.lock().map(|mut w| w.warnings.extend(warning));
                    return WalkState::Continue;
                }
            };
            let Some(file_type) = entry.file_type() else {
                return WalkState::Continue;
            };
            if file_type.is_dir() {
                return WalkState::Continue;
            }
            let name = entry.file_name().to_string_lossy();
            let source = is_source(&name);
            if !source && !all_files {
                return WalkState::Continue;
            }
            let Some(path) = relative(root, entry.path()) else {
                return WalkState::Continue;
            };
            if config.is_excluded(&path) {
                return WalkState::Continue;
            }
            let hidden = path.split('/').any(|part| part.starts_with('.'));
            if !source || hidden {
                if file_type.is_file()
                    && let Ok(mut w) = out.lock()
                {
                    w.others.push(path);
                }
                return WalkState::Continue;
            }
            if file_type.is_file() {
                if is_not_utf8(root, entry.path())
                    && let Ok(mut w) = out.lock()
                {
                    w.warnings.push(not_utf8_name(&path));
                }
                let meta = entry.metadata().ok();
                let modified = meta
                    .as_ref()
                    .and_then(|m| m.modified().ok())
                    .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                    .map(|d| d.as_nanos());
                let (changed, inode) = meta.as_ref().map_or((0, 0), identity);
                let file = WalkedFile {
                    path,
                    abs: entry.path().to_path_buf(),
                    size: meta.map_or(0, |m| m.len()),
                    modified,
                    changed,
                    inode,
                };
                let visited = visit(&file);
                if let Ok(mut w) = out.lock() {
                    w.files.push((file, visited));
                }
            } else if let Ok(mut w) = out.lock() {
                w.warnings.push(not_regular(path, file_type));
            }
            WalkState::Continue
        })
    });
    let mut walk = out
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    walk.files.sort_by(|a, b| a.0.path.cmp(&b.0.path));
    walk.others.sort();
    walk.warnings.sort();
    walk
}

/// A file's status change time (nanoseconds since the epoch) and inode number.
#[cfg(unix)]
fn identity(meta: &std::fs::Metadata) -> (u128, u64) {
    use std::os::unix::fs::MetadataExt;
    let seconds = u128::try_from(meta.ctime()).unwrap_or(0);
    let nanos = u128::try_from(meta.ctime_nsec()).unwrap_or(0);
    (seconds * 1_000_000_000 + nanos, meta.ino())
}

/// Neither is known off Unix: size and modification time alone tell.
#[cfg(not(unix))]
fn identity(_: &std::fs::Metadata) -> (u128, u64) {
    (0, 0)
}

/// The parallel walker of `config.root`: the ignore files (not the user's global one), no
/// symlinks followed, the folders `exclude` names wholly and the [`SKIPPED_DIRS`] never
/// entered; hidden files only for `all_files`.
fn builder(config: &Config, threads: usize, all_files: bool) -> ignore::WalkParallel {
    let root = config.root.as_path();
    let in_git = is_in_git_repository(root);
    WalkBuilder::new(root)
        .hidden(!all_files)
        .parents(in_git)
        .ignore(true)
        .git_ignore(true)
        .git_exclude(true)
        // A user's global gitignore would make results differ between machines.
        .git_global(false)
        // In a repository, the ignore files above the root stop at its top; outside one,
        // `.gitignore` files are honoured anyway.
        .require_git(in_git)
        .follow_links(false)
        .threads(threads)
        .filter_entry({
            let root = root.to_path_buf();
            let excluded = config.exclude_dirs.clone();
            move |e| {
                if !e.file_type().is_some_and(|t| t.is_dir()) {
                    return true;
                }
                let skipped = e
                    .file_name()
                    .to_str()
                    .is_some_and(|n| SKIPPED_DIRS.contains(&n));
                !skipped
                    && relative(&root, e.path())
                        .is_none_or(|rel| rel.is_empty() || !excluded.is_match(&rel))
            }
        })
        .build_parallel()
}

/// The warning for a symlink, FIFO, socket or device where a source file was expected.
fn not_regular(path: String, file_type: std::fs::FileType) -> FileWarning {
    let what = if file_type.is_symlink() {
        "a symlink (not followed)"
    } else {
        "not a regular file"
    };
    FileWarning {
        path,
        kind: WarningKind::NotARegularFile,
        message: format!("skipped: {what}"),
    }
}

/// Whether the part of `path` below `root` is not UTF-8 (a Unix name may hold any byte).
fn is_not_utf8(root: &Path, path: &Path) -> bool {
    path.strip_prefix(root)
        .is_ok_and(|rel| rel.as_os_str().to_str().is_none())
}

/// The warning for a source file whose name is not UTF-8: it is checked, but every report
/// names it with U+FFFD in place of the bad bytes, a path that SARIF viewers, editors and
/// GitHub annotations cannot open.
fn not_utf8_name(path: &str) -> FileWarning {
    FileWarning {
        path: path.to_owned(),
        kind: WarningKind::NotUtf8,
        message: "the file name is not UTF-8: it is checked, but reports name it with `\u{fffd}` \
                  for the bytes that are not, a path no editor or SARIF viewer can open; rename \
                  it to UTF-8"
            .to_owned(),
    }
}

/// Whether `root` is inside a git repository. Ignore files above the root apply only then,
/// up to the repository's top (git's own rule): a `.gitignore` holding `*` in a home folder
/// must not hide a repository cloned below it. Outside any repository only the root's own
/// ignore files (and those below it) apply: a plain folder or a tarball is what it holds.
fn is_in_git_repository(root: &Path) -> bool {
    root.ancestors().any(|dir| dir.join(".git").exists())
}

fn relative(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    Some(display_path(rel))
}

/// The warning for a walk error that is a folder that could not be read (permissions, a
/// folder gone during the walk); `None` for other errors (an ignore file's bad glob).
fn unreadable_folder(root: &Path, error: &ignore::Error) -> Option<FileWarning> {
    let mut error = error;
    let mut path = None;
    loop {
        match error {
            ignore::Error::WithPath { path: p, err } => {
                path = Some(p.as_path());
                error = err;
            }
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                error = err;
            }
            ignore::Error::Io(io) => {
                let path = path?;
                let rel = relative(root, path).filter(|r| !r.is_empty())?;
                return Some(FileWarning {
                    path: rel,
                    kind: WarningKind::UnreadableFolder,
                    message: format!(
                        "skipped: the folder could not be read ({}), so none of its files is \
                         checked",
                        io.kind()
                    ),
                });
            }
            _ => return None,
        }
    }
}
