//! Finding and parsing `layers.toml`. TOML and serde errors become span-carrying diagnostics.

use std::path::{Path, PathBuf};

use miette::{NamedSource, SourceSpan};

use super::error::ConfigError;
use super::schema::RawConfig;
use super::{Config, validate};

pub const FILE_NAME: &str = "layers.toml";

/// The nearest `layers.toml` in `start` or its ancestors.
pub fn discover(start: &Path) -> Result<PathBuf, ConfigError> {
    start
        .ancestors()
        .map(|dir| dir.join(FILE_NAME))
        .find(|candidate| candidate.is_file())
        .ok_or_else(|| ConfigError::NotFound {
            dir: start.display().to_string(),
        })
}

/// Reads, parses and validates the config at `path`. Every problem found is returned, each
/// pointing at its span.
pub fn load(path: &Path) -> Result<Config, Vec<ConfigError>> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        vec![ConfigError::Unreadable {
            path: path.display().to_string(),
            reason: e.to_string(),
        }]
    })?;
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let root = abs
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let name = abs.file_name().map_or_else(
        || FILE_NAME.to_owned(),
        |n| n.to_string_lossy().into_owned(),
    );
    let raw: RawConfig = toml::from_str(&text).map_err(|e| vec![toml_error(&name, &text, &e)])?;
    validate::validate(&raw, root, name, text)
}

/// Turns a TOML or serde error into a diagnostic with a suggestion.
fn toml_error(name: &str, text: &str, error: &toml::de::Error) -> ConfigError {
    let message = error.message().trim().to_owned();
    let span = error.span().unwrap_or(0..0);
    let (message, label, help) =
        explain_toml_message(&message, text.get(span.clone()).unwrap_or(""));
    ConfigError::Invalid {
        message,
        src: NamedSource::new(name, text.to_owned()),
        span: SourceSpan::from(span),
        label,
        help,
        other: None,
        other_label: String::new(),
    }
}

/// Rewrites serde's messages into archgate's voice: what is wrong, then what to write.
fn explain_toml_message(message: &str, snippet: &str) -> (String, String, String) {
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let (key, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let choices: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
        let list = choices
            .iter()
            .map(|c| format!("`{c}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let guess = closest(key, choices.iter().copied())
            .map(|g| format!(" (did you mean `{g}`?)"))
            .unwrap_or_default();
        return (
            format!("unknown key `{key}` in layers.toml"),
            "unknown key".to_owned(),
            format!("Use one of the keys {list} here{guess}."),
        );
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        let key = rest.split('`').next().unwrap_or(rest);
        let example = match key {
            "name" => "name = \"domain\"",
            "paths" => "paths = [\"src/domain/**\"]",
            "from" => "from = \"domain\"",
            "to" => "to = \"infra\"",
            _ => "",
        };
        return (
            format!("missing key `{key}`"),
            format!("this entry has no `{key}`"),
            format!("Add `{key}` to this entry, e.g. `{example}`."),
        );
    }
    let label = if snippet.is_empty() {
        "here"
    } else {
        "this value"
    };
    (
        format!("layers.toml is not valid: {message}"),
        label.to_owned(),
        "Fix the TOML at the marked place; see the `layers.toml` reference in the README."
            .to_owned(),
    )
}

/// The candidate closest to `word`, when it is close enough to be a likely typo.
pub(crate) fn closest<'a>(
    word: &str,
    candidates: impl Iterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score > 0.7)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}
