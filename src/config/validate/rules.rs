//! `[[forbid]]` and `[[allow]]`: an edge between two selectors, with its `reason` (required)
//! and, for a ban, the `fix` shown first in every finding.

use std::ops::Range;

use globset::Glob;
use toml::Spanned;

use super::{Errors, SelectorBuilder, glob_entry};
use crate::config::error::Problem;
use crate::config::load::closest;
use crate::config::schema::{OneOrMany, RawEdgeRule};
use crate::config::selector::{Atom, Entry, Owner};
use crate::config::{EdgeRule, Layer};
use crate::source::LineIndex;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Table {
    Forbid,
    Allow,
}

impl Table {
    fn name(self) -> &'static str {
        match self {
            Table::Forbid => "forbid",
            Table::Allow => "allow",
        }
    }
}

/// Which end of an edge a selector is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    From,
    To,
}

impl End {
    fn key(self) -> &'static str {
        match self {
            End::From => "from",
            End::To => "to",
        }
    }
}

pub(super) fn validate(
    raw: &[Spanned<RawEdgeRule>],
    table: Table,
    layers: &[Layer],
    index: &LineIndex<'_>,
    selectors: &mut SelectorBuilder,
    errors: &mut Errors,
) -> Vec<EdgeRule> {
    let mut out = Vec::new();
    for entry in raw {
        let rule = entry.get_ref();
        let from = selector(&rule.from, table, End::From, layers, errors);
        let to = selector(&rule.to, table, End::To, layers, errors);
        let reason = match &rule.reason {
            Some(r) if !r.get_ref().trim().is_empty() => r.get_ref().clone(),
            Some(r) => {
                errors.push(
                    Problem::EmptyReason,
                    r.span(),
                    "empty reason",
                    format!("empty `reason` in [[{}]]", table.name()),
                    reason_help(table),
                );
                continue;
            }
            None => {
                errors.push(
                    Problem::MissingReason,
                    entry.span(),
                    "this entry needs a `reason`",
                    format!(
                        "[[{}]] from `{}` to `{}` has no `reason`",
                        table.name(),
                        written(&rule.from),
                        written(&rule.to)
                    ),
                    reason_help(table),
                );
                continue;
            }
        };
        let (Some(from), Some(to)) = (from, to) else {
            continue;
        };
        let i = out.len();
        let (from_owner, to_owner) = match table {
            Table::Forbid => (Owner::ForbidFrom(i), Owner::ForbidTo(i)),
            Table::Allow => (Owner::AllowFrom(i), Owner::AllowTo(i)),
        };
        out.push(EdgeRule {
            from: selectors.add(from_owner, from),
            to: selectors.add(to_owner, to),
            from_text: written(&rule.from),
            to_text: written(&rule.to),
            reason,
            fix: rule.fix.as_ref().map(|f| f.get_ref().clone()),
            decl: index.region(entry.span()),
        });
    }
    out
}

/// A selector as written: the bare string, or the list in brackets.
fn written(value: &Spanned<OneOrMany>) -> String {
    match value.get_ref() {
        OneOrMany::One(s) => s.clone(),
        OneOrMany::Many(list) => {
            let items: Vec<&str> = list.iter().map(|s| s.get_ref().as_str()).collect();
            format!("[{}]", items.join(", "))
        }
    }
}

/// The entries of one selector key, or `None` (with the errors recorded) when one is wrong.
fn selector(
    value: &Spanned<OneOrMany>,
    table: Table,
    end: End,
    layers: &[Layer],
    errors: &mut Errors,
) -> Option<Vec<(Entry, Vec<Glob>)>> {
    let items: Vec<(String, Range<usize>)> = match value.get_ref() {
        OneOrMany::One(s) => vec![(s.clone(), value.span())],
        OneOrMany::Many(list) => list
            .iter()
            .map(|s| (s.get_ref().clone(), s.span()))
            .collect(),
    };
    let key = end.key();
    let place = format!("`{key}` of [[{}]]", table.name());
    if items.iter().all(|(text, _)| text.starts_with('!')) {
        let what = if items.is_empty() {
            "is an empty list"
        } else {
            "has only `!` entries"
        };
        // Suggest the folder around the first exclusion as what to include.
        let example = match items.first() {
            Some((text, _)) => {
                let excluded = text.trim_start_matches('!');
                let literal: Vec<&str> = excluded
                    .split('/')
                    .take_while(|s| !s.contains(['*', '?', '[', '{']))
                    .collect();
                let parent = literal
                    .split_last()
                    .map_or(String::new(), |(_, rest)| rest.join("/"));
                let include = if parent.is_empty() {
                    "**".to_owned()
                } else {
                    format!("{parent}/**")
                };
                format!("{key} = [\"{include}\", \"{text}\"]")
            }
            None => format!("{key} = [\"src/ui/**\", \"!src/ui/types/**\"]"),
        };
        errors.push(
            Problem::InvalidSelector,
            value.span(),
            "this selects no file",
            format!("{place} {what}: it matches nothing"),
            format!("List what it selects first, then the `!` exclusions, e.g. `{example}`."),
        );
        return None;
    }
    let mut entries = Vec::with_capacity(items.len());
    let mut ok = true;
    for (text, span) in items {
        match entry(&text, span, end, &place, layers, errors) {
            Some(e) => entries.push(e),
            None => ok = false,
        }
    }
    ok.then_some(entries)
}

/// One entry: `!` then a layer name, `external:NAME` (in `to` only) or a path glob.
fn entry(
    text: &str,
    span: Range<usize>,
    end: End,
    place: &str,
    layers: &[Layer],
    errors: &mut Errors,
) -> Option<(Entry, Vec<Glob>)> {
    let negated = text.starts_with('!');
    let body = text.strip_prefix('!').unwrap_or(text);
    let make = |atom| Entry {
        negated,
        atom,
        text: text.to_owned(),
        span: span.clone(),
    };
    if let Some(name) = body.strip_prefix("external:") {
        if end == End::From {
            errors.push(
                Problem::InvalidSelector,
                span,
                "an import starts in a file",
                format!("{place} names an external package, `{text}`"),
                "Write the importing files in `from` (a layer or a path glob) and put \
                 `external:NAME` in `to`."
                    .to_owned(),
            );
            return None;
        }
        let (name, prefix) = match name.strip_suffix('*') {
            Some(rest) => (rest, true),
            None => (name, false),
        };
        if name.is_empty() && !prefix {
            errors.push(
                Problem::InvalidSelector,
                span,
                "no package named",
                format!("{place} has `{text}`, which names no package"),
                "Write the package as `archgate graph` names it, e.g. `\"external:requests\"` or \
                 `\"external:@angular/*\"`."
                    .to_owned(),
            );
            return None;
        }
        return Some((
            make(Atom::External {
                name: name.to_owned(),
                prefix,
            }),
            Vec::new(),
        ));
    }
    if let Some(layer) = layers.iter().find(|l| l.name == body) {
        return Some((make(Atom::Layer(layer.rank)), Vec::new()));
    }
    let is_word = !body.is_empty()
        && body
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if is_word {
        errors.push(
            Problem::UnknownGroup,
            span,
            "no layer has this name",
            format!("unknown layer `{body}` in {place}"),
            unknown_group_help(body, end.key(), layers),
        );
        return None;
    }
    glob_entry(text, span, place, errors)
}

fn unknown_group_help(text: &str, key: &str, layers: &[Layer]) -> String {
    let names: Vec<String> = layers.iter().map(|l| format!("`{}`", l.name)).collect();
    match closest(text, layers.iter().map(|l| l.name.as_str())) {
        _ if names.is_empty() => format!(
            "Declare a `[[layers]]` entry named `{text}` first, or write a path glob such as \
             `{key} = \"src/{text}/**\"`."
        ),
        Some(g) => format!(
            "Write `{key} = \"{g}\"` (did you mean `{g}`?). The declared layers are {}; a path \
             glob such as `\"src/{text}/**\"` also works.",
            names.join(", ")
        ),
        None => format!(
            "Write one of the declared layers ({}) or a path glob such as \
             `{key} = \"src/{text}/**\"`.",
            names.join(", ")
        ),
    }
}

fn reason_help(table: Table) -> String {
    match table {
        Table::Allow => "Add `reason = \"…\"` saying why this exception is acceptable and when it \
                         will go, e.g. `reason = \"typing only; tracked in #123\"`."
            .to_owned(),
        Table::Forbid => "Add `reason = \"…\"` saying why this edge is forbidden, e.g. \
                          `reason = \"the UI reaches storage only through services\"`; it is \
                          shown with every violation."
            .to_owned(),
    }
}
