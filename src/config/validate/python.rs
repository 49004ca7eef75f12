//! `[python]`: extra import roots for namespace packages and `src/` layouts.

use std::path::{Path, PathBuf};

use super::Errors;
use crate::config::PythonConfig;
use crate::config::error::Problem;
use crate::config::load::closest;
use crate::config::schema::RawPython;

pub(super) fn validate(raw: Option<&RawPython>, root: &Path, errors: &mut Errors) -> PythonConfig {
    let mut python = PythonConfig::default();
    let Some(raw) = raw else {
        return python;
    };
    for r in &raw.roots {
        let rel = r.get_ref().trim_start_matches("./").trim_end_matches('/');
        if !root.join(rel).is_dir() {
            errors.push(
                Problem::MissingRoot,
                r.span(),
                "no such folder",
                format!(
                    "`[python] roots` names `{rel}`, which is not a folder next to layers.toml"
                ),
                root_help(root, rel),
            );
        }
        python
            .roots
            .push(PathBuf::from(if rel.is_empty() { "." } else { rel }));
    }
    python
}

/// What to write instead of a `[python] roots` entry that is not a folder: the closest
/// existing folder (up to three levels deep) when there is a likely one.
fn root_help(root: &Path, rel: &str) -> String {
    let mut folders = Vec::new();
    let mut pending = vec![(root.to_path_buf(), String::new(), 0)];
    while let Some((dir, prefix, depth)) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
            if !is_dir || name.starts_with('.') || name == "node_modules" || name == "target" {
                continue;
            }
            let path = if prefix.is_empty() {
                name
            } else {
                format!("{prefix}/{name}")
            };
            if depth < 2 {
                pending.push((entry.path(), path.clone(), depth + 1));
            }
            folders.push(path);
        }
    }
    folders.sort();
    match closest(rel, folders.iter().map(String::as_str)) {
        Some(guess) => format!(
            "Write `\"{guess}\"` (did you mean `{guess}`?): a root is the folder that holds your \
             top-level packages, relative to layers.toml."
        ),
        None => "Write the folder that holds your top-level packages, relative to layers.toml \
                 (e.g. `roots = [\"src\"]`), or remove this entry."
            .to_owned(),
    }
}
