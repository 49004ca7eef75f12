//! Validation of the raw `layers.toml`: every check that serde cannot do, each failure a
//! span-carrying error with the text to write instead. All problems are collected, not just
//! the first, so one edit fixes them all.

use std::ops::Range;
use std::path::PathBuf;

use miette::{NamedSource, SourceSpan};
use toml::Spanned;

use super::error::ConfigError;
use super::load::closest;
use super::schema::{RawConfig, RawEdgeRule};
use super::{
    Config, EdgeRule, Endpoint, Layer, PathMatcher, PythonConfig, folder_globs, path_matcher,
};
use crate::source::LineIndex;

struct Errors<'a> {
    name: &'a str,
    text: &'a str,
    list: Vec<ConfigError>,
}

impl Errors<'_> {
    fn push(&mut self, span: Range<usize>, message: String, label: &str, help: String) {
        self.push_with(span, message, label, help, None, "");
    }

    fn push_with(
        &mut self,
        span: Range<usize>,
        message: String,
        label: &str,
        help: String,
        other: Option<Range<usize>>,
        other_label: &str,
    ) {
        self.list.push(ConfigError::Invalid {
            message,
            src: NamedSource::new(self.name, self.text.to_owned()),
            span: SourceSpan::from(span),
            label: label.to_owned(),
            help,
            other: other.map(SourceSpan::from),
            other_label: other_label.to_owned(),
        });
    }
}

pub(super) fn validate(
    raw: &RawConfig,
    root: PathBuf,
    name: String,
    text: String,
) -> Result<Config, Vec<ConfigError>> {
    let index = LineIndex::new(text.as_bytes());
    let mut errors = Errors {
        name: &name,
        text: &text,
        list: Vec::new(),
    };

    let exclude_patterns: Vec<String> = raw.exclude.iter().map(|p| p.get_ref().clone()).collect();
    let exclude = match path_matcher(&exclude_patterns) {
        Ok(m) => m,
        Err((i, e)) => {
            let span = raw.exclude.get(i).map_or(0..0, Spanned::span);
            errors.push(
                span,
                format!("invalid glob in `exclude`: {}", e.kind()),
                "invalid glob",
                glob_help(),
            );
            PathMatcher::empty()
        }
    };

    let mut layers: Vec<Layer> = Vec::new();
    let mut first_decl: Vec<(String, Range<usize>)> = Vec::new();
    for raw_layer in &raw.layers {
        let layer = raw_layer.get_ref();
        let lname = layer.name.get_ref();
        let name_span = layer.name.span();
        if lname.is_empty()
            || !lname
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            let suggestion: String = lname
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '-' {
                        c
                    } else {
                        '_'
                    }
                })
                .collect();
            errors.push(
                name_span.clone(),
                format!("invalid layer name `{lname}`"),
                "not a valid layer name",
                format!(
                    "Use only letters, digits, `-` and `_`, e.g. `name = \"{}\"`.",
                    if suggestion.is_empty() {
                        "domain"
                    } else {
                        &suggestion
                    }
                ),
            );
        }
        if let Some((_, first)) = first_decl.iter().find(|(n, _)| n == lname) {
            errors.push_with(
                name_span.clone(),
                format!("duplicate layer `{lname}`"),
                "declared again here",
                format!(
                    "Give each layer a unique name: rename this one, or merge its `paths` into \
                     the first `{lname}` layer."
                ),
                Some(first.clone()),
                "first declared here",
            );
            continue;
        }
        first_decl.push((lname.clone(), name_span.clone()));
        let patterns: Vec<String> = layer
            .paths
            .get_ref()
            .iter()
            .map(|p| p.get_ref().clone())
            .collect();
        if patterns.iter().all(|p| p.starts_with('!')) {
            errors.push(
                layer.paths.span(),
                format!("layer `{lname}` has no including path"),
                "no path selects files for this layer",
                format!(
                    "List the folders of layer `{lname}`, e.g. `paths = [\"src/{lname}/**\"]`."
                ),
            );
        }
        let paths = match path_matcher(&patterns) {
            Ok(m) => m,
            Err((i, e)) => {
                let span = layer
                    .paths
                    .get_ref()
                    .get(i)
                    .map_or(layer.paths.span(), Spanned::span);
                errors.push(
                    span,
                    format!("invalid glob in layer `{lname}`: {}", e.kind()),
                    "invalid glob",
                    glob_help(),
                );
                continue;
            }
        };
        layers.push(Layer {
            name: lname.clone(),
            rank: layers.len(),
            paths,
            description: layer.description.clone(),
            decl: index.region(name_span),
        });
    }

    let forbid = edge_rules(&raw.forbid, "forbid", &layers, &index, &mut errors);
    let allow = edge_rules(&raw.allow, "allow", &layers, &index, &mut errors);

    let mut python = PythonConfig::default();
    if let Some(py) = &raw.python {
        for r in &py.roots {
            let rel = r.get_ref().trim_start_matches("./").trim_end_matches('/');
            if !root.join(rel).is_dir() {
                errors.push(
                    r.span(),
                    format!(
                        "`[python] roots` names `{rel}`, which is not a folder next to layers.toml"
                    ),
                    "no such folder",
                    root_help(&root, rel),
                );
            }
            python
                .roots
                .push(PathBuf::from(if rel.is_empty() { "." } else { rel }));
        }
    }

    if !errors.list.is_empty() {
        return Err(errors.list);
    }
    drop(errors);
    let exclude_dirs = folder_globs(&exclude_patterns);
    Ok(Config {
        root,
        path: name,
        text,
        exclude,
        exclude_dirs,
        layers,
        forbid,
        allow,
        python,
    })
}

fn edge_rules(
    raw: &[Spanned<RawEdgeRule>],
    table: &str,
    layers: &[Layer],
    index: &LineIndex<'_>,
    errors: &mut Errors<'_>,
) -> Vec<EdgeRule> {
    let mut out = Vec::new();
    for entry in raw {
        let rule = entry.get_ref();
        let from = endpoint(&rule.from, table, "from", layers, errors);
        let to = endpoint(&rule.to, table, "to", layers, errors);
        let reason = match &rule.reason {
            Some(r) if !r.get_ref().trim().is_empty() => r.get_ref().clone(),
            Some(r) => {
                errors.push(
                    r.span(),
                    format!("empty `reason` in [[{table}]]"),
                    "empty reason",
                    reason_help(table),
                );
                continue;
            }
            None => {
                errors.push(
                    entry.span(),
                    format!(
                        "[[{table}]] from `{}` to `{}` has no `reason`",
                        rule.from.get_ref(),
                        rule.to.get_ref()
                    ),
                    "this entry needs a `reason`",
                    reason_help(table),
                );
                continue;
            }
        };
        let (Some(from), Some(to)) = (from, to) else {
            continue;
        };
        out.push(EdgeRule {
            from,
            to,
            from_text: rule.from.get_ref().clone(),
            to_text: rule.to.get_ref().clone(),
            reason,
            fix: rule.fix.as_ref().map(|f| f.get_ref().clone()),
            decl: index.region(entry.span()),
        });
    }
    out
}

/// What to write instead of a `[python] roots` entry that is not a folder: the closest
/// existing folder (up to three levels deep) when there is a likely one.
fn root_help(root: &std::path::Path, rel: &str) -> String {
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

fn reason_help(table: &str) -> String {
    if table == "allow" {
        "Add `reason = \"…\"` saying why this exception is acceptable and when it will go, \
         e.g. `reason = \"typing only; tracked in #123\"`."
            .to_owned()
    } else {
        "Add `reason = \"…\"` saying why this edge is forbidden, e.g. \
         `reason = \"the UI reaches storage only through services\"`; it is shown with every violation."
            .to_owned()
    }
}

fn glob_help() -> String {
    "Write a glob relative to layers.toml: `*` matches within one folder, `**` across folders, \
     `!` in front excludes (e.g. `\"src/ui/**\"`, `\"!src/ui/legacy/**\"`)."
        .to_owned()
}

/// A value naming a declared layer is that layer; a bare word that names none is a typo of
/// one; anything else (with `/`, `*`, `.`) is a path glob.
fn endpoint(
    value: &Spanned<String>,
    table: &str,
    key: &str,
    layers: &[Layer],
    errors: &mut Errors<'_>,
) -> Option<Endpoint> {
    let text = value.get_ref();
    if let Some(layer) = layers.iter().find(|l| &l.name == text) {
        return Some(Endpoint::Layer(layer.rank));
    }
    let is_word = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if is_word {
        let names: Vec<String> = layers.iter().map(|l| format!("`{}`", l.name)).collect();
        let guess = closest(text, layers.iter().map(|l| l.name.as_str()));
        let help = match guess {
            _ if names.is_empty() => format!(
                "Declare a `[[layers]]` entry named `{text}` first, or write a path glob such as \
                 `{key} = \"src/{text}/**\"`."
            ),
            Some(g) => format!(
                "Write `{key} = \"{g}\"` (did you mean `{g}`?). The declared layers are {}; a \
                 path glob such as `\"src/{text}/**\"` also works.",
                names.join(", ")
            ),
            None => format!(
                "Write one of the declared layers ({}) or a path glob such as \
                 `{key} = \"src/{text}/**\"`.",
                names.join(", ")
            ),
        };
        errors.push(
            value.span(),
            format!("unknown layer `{text}` in `{key}` of [[{table}]]"),
            "no layer has this name",
            help,
        );
        return None;
    }
    match path_matcher(std::slice::from_ref(text)) {
        Ok(m) => Some(Endpoint::Glob(m)),
        Err((_, e)) => {
            errors.push(
                value.span(),
                format!("invalid glob in `{key}` of [[{table}]]: {}", e.kind()),
                "invalid glob",
                glob_help(),
            );
            None
        }
    }
}
