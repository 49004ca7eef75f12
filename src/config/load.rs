//! Finding and parsing `layers.toml`. TOML and serde errors become span-carrying diagnostics.

use std::ops::Range;
use std::path::{Path, PathBuf};

use super::error::{ConfigError, ConfigSource, Problem};
use super::schema::RawConfig;
use super::{Config, validate};

pub const FILE_NAME: &str = "layers.toml";

/// The nearest `layers.toml` in `start` or its ancestors.
pub fn discover(start: &Path) -> Result<PathBuf, ConfigError> {
    start
        .ancestors()
        .map(|dir| dir.join(FILE_NAME))
        .find(|candidate| candidate.is_file())
        .ok_or_else(|| {
            ConfigError::general(
                Problem::NotFound,
                format!(
                    "no `layers.toml` found in `{}` or any of its parent directories",
                    start.display()
                ),
                "Create `layers.toml` at the repository root, listing layers from top to bottom:\n\n\
                 [[layers]]\nname = \"api\"\npaths = [\"src/api/**\"]\n\n\
                 [[layers]]\nname = \"domain\"\npaths = [\"src/domain/**\"]\n\n\
                 or pass `--config FILE`."
                    .to_owned(),
            )
        })
}

/// Reads, parses and validates the config at `path`. Every problem found is returned, each
/// pointing at its span.
pub fn load(path: &Path) -> Result<Config, Vec<ConfigError>> {
    // Named as every path is printed: relative to the root, which is the file's own folder
    // (no absolute path in any output).
    let shown = path.file_name().map_or_else(
        || FILE_NAME.to_owned(),
        |n| n.to_string_lossy().into_owned(),
    );
    let bytes = std::fs::read(path).map_err(|e| {
        vec![ConfigError::general(
            Problem::Unreadable,
            format!("cannot read `{shown}`: {e}"),
            "Pass `--config` the path of an existing, readable layers.toml (relative to the \
             current folder), or leave `--config` out to use the nearest layers.toml in this \
             folder or above."
                .to_owned(),
        )]
    })?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let place = crate::source::LineIndex::new(e.as_bytes()).position(at);
        vec![ConfigError::general(
            Problem::Unreadable,
            format!(
                "`{shown}` is not UTF-8: the byte at line {}, column {} is not",
                place.line, place.column
            ),
            format!(
                "Save `{shown}` as UTF-8 (retype the character at line {}, column {}); TOML \
                 files are UTF-8.",
                place.line, place.column
            ),
        )]
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
    let explained = explain_toml_message(&message, text, span.clone());
    let error = ConfigError::at(
        explained.problem,
        &ConfigSource::new(name, text),
        explained.span.unwrap_or(span),
        explained.label,
        explained.message,
        explained.help,
    );
    match explained.other {
        Some(other) => error.also(other, explained.other_label),
        None => error,
    }
}

/// A TOML or serde error in archgate's voice.
#[derive(Debug)]
struct Explained {
    problem: Problem,
    message: String,
    label: String,
    help: String,
    /// A better primary span than the parser's, when one is known.
    span: Option<Range<usize>>,
    other: Option<Range<usize>>,
    other_label: String,
}

impl Explained {
    fn new(problem: Problem, message: String, label: &str, help: String) -> Self {
        Self {
            problem,
            message,
            label: label.to_owned(),
            help,
            span: None,
            other: None,
            other_label: String::new(),
        }
    }
}

/// An example value for each key of `layers.toml`, for help texts.
fn example(key: &str) -> &'static str {
    match key {
        "name" => "name = \"domain\"",
        "paths" => "paths = [\"src/domain/**\"]",
        "description" => "description = \"business rules\"",
        "from" => "from = \"domain\"",
        "to" => "to = \"infra\"",
        "reason" => "reason = \"the domain stays free of storage details\"",
        "fix" => "fix = \"Call the repository interface in src/domain/ports.py instead.\"",
        "exclude" => "exclude = [\"**/generated/**\"]",
        "roots" => "roots = [\"src\"]",
        "unused_allow" => "unused_allow = \"error\"",
        "may_import" => "may_import = [\"domain\", \"shared\"]",
        "imported_by" => "imported_by = [\"api\"]",
        "public" => "public = [\"src/billing/__init__.py\"]",
        "externals" => "externals = [\"requests\"]",
        "type_only" => "type_only = \"ignore\"",
        "independent" => "independent = true",
        "groups" => "groups = [\"billing\", \"shipping\"]",
        "rules" => "rules = [\"upward-import\"]",
        "languages" => "languages = [\"python\"]",
        "unlayered" => "unlayered = \"error\"",
        "inline_allow" => "inline_allow = true",
        "baseline" => "baseline = \"archgate-baseline.json\"",
        "indirect" => "indirect = true",
        "between" => "between = \"groups\"",
        "unmatched" => "unmatched = \"error\"",
        _ => "",
    }
}

/// Rewrites the parser's and serde's messages into archgate's voice: what is wrong, where,
/// then what to write instead.
fn explain_toml_message(message: &str, text: &str, span: Range<usize>) -> Explained {
    let snippet = text.get(span.clone()).unwrap_or("");
    let table = table_at(text, span.start);
    let key = key_at(text, span.start);
    if let Some(rest) = message.strip_prefix("unknown field `") {
        return unknown_key(rest, table);
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        let key = rest.split('`').next().unwrap_or(rest);
        // The span is the table itself: its header names it.
        let table = header_at(text, span.start)
            .or(table)
            .unwrap_or_else(|| "this entry".to_owned());
        return Explained::new(
            Problem::MissingKey,
            format!("{table} has no `{key}`"),
            &format!("this entry needs `{key}`"),
            format!("Add `{key}` to this entry, e.g. `{}`.", example(key)),
        );
    }
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        // An element of a list: the text between the key's `=` and the value opens one.
        let in_list = key.is_some_and(|k| {
            text.get(..span.start)
                .and_then(|before| before.rfind(k).map(|at| &before[at + k.len()..]))
                .is_some_and(|between| between.contains('['))
        });
        return wrong_type(rest, key.unwrap_or("this key"), snippet, in_list);
    }
    if message.starts_with("string values must be quoted") {
        let key = key.unwrap_or("key");
        let line_end = text
            .get(span.start..)
            .and_then(|t| t.find(['\n', '#']))
            .map_or(text.len(), |i| span.start + i);
        let value = text.get(span.start..line_end).unwrap_or("").trim();
        if value.is_empty() {
            let example = match example(key) {
                "" => format!("{key} = \"…\""),
                e => e.to_owned(),
            };
            return Explained::new(
                Problem::UnquotedValue,
                format!("`{key}` has no value"),
                "a value is missing after `=`",
                format!("Write the value after `=`, e.g. `{example}`, or delete the line."),
            );
        }
        return Explained::new(
            Problem::UnquotedValue,
            format!("the value of `{key}` is not quoted"),
            "not quoted",
            format!("Put the value in double quotes: `{key} = \"{value}\"`."),
        );
    }
    if message.starts_with("duplicate key") {
        let key = snippet.trim();
        let table = table.unwrap_or_else(|| "the top level".to_owned());
        return Explained::new(
            Problem::DuplicateKey,
            format!("duplicate key `{key}` in {table}"),
            "written a second time here",
            format!(
                "Keep one `{key}` in this entry; to declare another entry, start a new {table} \
                 header above the second `{key}`."
            ),
        );
    }
    if message.contains("max recursion depth") {
        let key = key.unwrap_or("this key");
        return Explained::new(
            Problem::WrongType,
            format!("the value of `{key}` nests lists or tables too deeply"),
            "nested too deeply",
            format!(
                "Write `{key}` as one flat list of strings, e.g. `{}`.",
                match example(key) {
                    "" => "paths = [\"src/api/**\"]",
                    e => e,
                }
            ),
        );
    }
    if let Some(open) = unclosed_list(text, span.start) {
        let line = text.get(..open).map_or(0, |t| t.matches('\n').count()) + 1;
        return Explained {
            span: Some(open..open + 1),
            other: Some(span),
            other_label: "the parser expected `,` or `]` before this".to_owned(),
            ..Explained::new(
                Problem::UnclosedList,
                format!("the list opened on line {line} is not closed"),
                "the list is still open here",
                format!(
                    "Close the list opened on line {line} with `]`, and separate its elements \
                     with commas (e.g. `paths = [\"src/web/**\", \"src/ui/**\"]`)."
                ),
            )
        };
    }
    let label = if snippet.is_empty() {
        "here"
    } else {
        "this value"
    };
    Explained::new(
        Problem::TomlSyntax,
        format!("layers.toml is not valid TOML: {message}"),
        label,
        "Fix the TOML syntax at the marked place: strings in double quotes, lists in `[...]` \
         with commas, one `key = value` per line, tables as `[[layers]]`, `[[forbid]]`, \
         `[[allow]]`, `[check]`, `[python]`."
            .to_owned(),
    )
}

/// The header of the table that holds `offset` (`[[layers]]`), or `None` at the top level
/// (also when `offset` is inside a header line itself).
fn table_at(text: &str, offset: usize) -> Option<String> {
    if header_at(text, offset).is_some() {
        return None;
    }
    text.get(..offset)?
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| l.starts_with('[') && !l.starts_with("[\"") && !l.starts_with("['"))
        .map(|l| {
            let end = l.rfind(']').map_or(l.len(), |i| i + 1);
            l.get(..end).unwrap_or(l).to_owned()
        })
}

/// `unknown field `pahts`, expected one of …` → the closest key and the table's keys.
fn unknown_key(rest: &str, table: Option<String>) -> Explained {
    let (key, expected) = rest.split_once('`').unwrap_or((rest, ""));
    let choices: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    let guess = closest(key, choices.iter().copied());
    if table.is_none() {
        // A top-level key, or the name of a table header such as `[[layer]]`.
        let list = choices
            .iter()
            .map(|c| match *c {
                "layers" | "modules" | "independent" | "forbid" | "allow" | "cycles" | "risk" => {
                    format!("`[[{c}]]`")
                }
                "python" | "check" => format!("`[{c}]`"),
                _ => format!("`{c}`"),
            })
            .collect::<Vec<_>>()
            .join(", ");
        let guess = guess
            .map(|g| match g {
                "layers" | "modules" | "independent" | "forbid" | "allow" | "cycles" | "risk" => {
                    format!(" (did you mean `[[{g}]]`?)")
                }
                "python" | "check" => format!(" (did you mean `[{g}]`?)"),
                _ => format!(" (did you mean `{g}`?)"),
            })
            .unwrap_or_default();
        return Explained::new(
            Problem::UnknownKey,
            format!("unknown key `{key}` at the top level of layers.toml"),
            "unknown key",
            format!("Use one of {list}{guess}."),
        );
    }
    let table = table.unwrap_or_default();
    let list = choices
        .iter()
        .map(|c| format!("`{c}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let help = match guess {
        Some(g) => format!(
            "Write `{g}` instead of `{key}` (e.g. `{}`); the keys of {table} are {list}.",
            example(g)
        ),
        None => format!("Remove `{key}`: the keys of {table} are {list}."),
    };
    Explained::new(
        Problem::UnknownKey,
        format!("unknown key `{key}` in {table}"),
        "unknown key",
        help,
    )
}

/// `invalid type: string "x", expected a sequence` → the value rewritten in the right shape.
/// `in_list`: the value is an element of the key's list (`paths = [5]`, `paths = [["a"]]`).
fn wrong_type(rest: &str, key: &str, snippet: &str, in_list: bool) -> Explained {
    let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
    let value = snippet.trim();
    if in_list && expected.contains("string") {
        let found = found.replace("sequence", "a list");
        // The entries as strings of one flat list.
        let flat: String = value.chars().filter(|c| !matches!(c, '[' | ']')).collect();
        let flat = flat.trim().trim_end_matches(',');
        let entries = if flat.starts_with('"') || flat.is_empty() {
            flat.to_owned()
        } else {
            format!("\"{}\"", flat.trim_matches('\''))
        };
        return Explained::new(
            Problem::WrongType,
            format!("each entry of `{key}` must be a string, not {found}"),
            "expected a string",
            format!("Write `{key}` as one list of strings: `{key} = [{entries}]`."),
        );
    }
    let (what, fix) = if expected.contains("sequence") {
        ("a list", format!("{key} = [{value}]"))
    } else if expected.contains("string") {
        let bare = value.trim_matches(['"', '\'']);
        ("a string", format!("{key} = \"{bare}\""))
    } else {
        (expected, example(key).to_owned())
    };
    let help = if fix.is_empty() {
        "Write the value the `layers.toml` reference in the README gives for this key.".to_owned()
    } else {
        format!("Write `{fix}`.")
    };
    Explained::new(
        Problem::WrongType,
        format!("`{key}` must be {what}, not {found}"),
        &format!("expected {what}"),
        help,
    )
}

/// The table header on the line that holds `offset`, if that line is one.
fn header_at(text: &str, offset: usize) -> Option<String> {
    let line_start = text.get(..offset)?.rfind('\n').map_or(0, |i| i + 1);
    let line = text.get(line_start..)?.lines().next()?.trim();
    if !line.starts_with('[') {
        return None;
    }
    let end = line.rfind(']').map_or(line.len(), |i| i + 1);
    Some(line.get(..end).unwrap_or(line).to_owned())
}

/// The key whose value holds `offset`: the `key` of the nearest `key = ` at or before it.
fn key_at(text: &str, offset: usize) -> Option<&str> {
    text.get(..offset)?.lines().rev().find_map(|line| {
        let (key, _) = line.split_once('=')?;
        let key = key.trim();
        let is_key = !key.is_empty()
            && key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        is_key.then_some(key)
    })
}

/// The byte offset of the innermost value list (`[` that does not open a table header) still
/// open at `offset`, skipping strings and comments.
fn unclosed_list(text: &str, offset: usize) -> Option<usize> {
    let before = text.get(..offset)?;
    let mut open: Vec<usize> = Vec::new();
    let mut quote: Option<char> = None;
    let mut escaped = false;
    let mut in_comment = false;
    let mut line_start = true;
    for (i, c) in before.char_indices() {
        if in_comment {
            if c == '\n' {
                in_comment = false;
                line_start = true;
            }
            continue;
        }
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if c == '\\' && q == '"' {
                escaped = true;
            } else if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '"' | '\'' => quote = Some(c),
            '#' => in_comment = true,
            // A `[` first on a line opens a table header unless a list is open: skip the line.
            '[' if line_start && open.is_empty() => in_comment = true,
            '[' => open.push(i),
            ']' => {
                open.pop();
            }
            _ => {}
        }
        if c == '\n' {
            line_start = true;
        } else if !c.is_whitespace() {
            line_start = false;
        }
    }
    open.last().copied()
}

/// The candidate closest to `word`, when it is close enough to be a likely typo.
pub fn closest<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    // Jaro-Winkler costs the product of the lengths: no name is hundreds of bytes long, and a
    // 400 KB value must not cost minutes before its error is shown.
    const MAX_LEN: usize = 256;
    if word.len() > MAX_LEN {
        return None;
    }
    candidates
        .filter(|c| c.len() <= MAX_LEN)
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score > 0.7)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unclosed_list_skips_headers_strings_and_comments() {
        let text = "[[layers]]\nname = \"a[\" # [\npaths = [\"x]\", [\n";
        let open = unclosed_list(text, text.len()).unwrap();
        assert_eq!(&text[open..], "[\n");
        let closed = "[[layers]]\npaths = [\"a\",\n  \"b\"]\n[[layers]]\n";
        assert_eq!(unclosed_list(closed, closed.len()), None);
    }

    #[test]
    fn tables_and_keys_are_found_from_an_offset() {
        let text = "exclude = []\n[[forbid]]\nfrom = \"a\"\nresaon = \"b\"\n";
        let at = text.find("resaon").unwrap();
        assert_eq!(table_at(text, at).as_deref(), Some("[[forbid]]"));
        assert_eq!(table_at(text, 0), None);
        let value = text.find("\"a\"").unwrap();
        assert_eq!(key_at(text, value), Some("from"));
        assert_eq!(
            header_at(text, text.find("forbid").unwrap()).as_deref(),
            Some("[[forbid]]")
        );
    }
}
