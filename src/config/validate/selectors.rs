//! Selector values as written (one string or a list) turned into [`SelectorSpec`]s: group
//! names resolved (a layer, a module, a template for all its instances, `feature/billing` for
//! one), `external:NAME` patterns, and path globs checked. Shared by every table that names
//! code, so each gets the same rules and the same errors.

use std::ops::Range;

use toml::Spanned;

use super::{Errors, compile_check};
use crate::config::error::Problem;
use crate::config::load::closest;
use crate::config::schema::OneOrMany;
use crate::config::selector::{AtomSpec, EntrySpec, ExternalPattern, SelectorSpec, placeholder};

/// Every group name declared, so that selectors can name them.
pub(super) struct Names {
    pub layers: Vec<String>,
    /// Module names, with a template's placeholder.
    pub modules: Vec<(String, Option<String>)>,
}

impl Names {
    fn all(&self) -> impl Iterator<Item = &str> {
        self.layers
            .iter()
            .map(String::as_str)
            .chain(self.modules.iter().map(|(n, _)| n.as_str()))
    }

    fn group(&self, name: &str) -> Option<AtomSpec> {
        if let Some(rank) = self.layers.iter().position(|l| l == name) {
            return Some(AtomSpec::Layer(rank));
        }
        if let Some(m) = self.modules.iter().position(|(n, _)| n == name) {
            return Some(AtomSpec::Module(m));
        }
        // `feature/billing`: one instance of the template `feature`.
        let (template, value) = name.split_once('/')?;
        let m = self
            .modules
            .iter()
            .position(|(n, p)| n == template && p.is_some())?;
        let is_value = !value.is_empty() && !value.contains(['/', '*', '?', '[', ',']);
        is_value.then(|| AtomSpec::Instance {
            module: m,
            value: value.to_owned(),
        })
    }
}

/// What a selector may hold where it is written.
#[derive(Debug, Clone, Copy)]
pub(super) struct Context<'a> {
    /// The key as it reads in messages: "`to` of \[\[forbid\]\]".
    pub place: &'a str,
    /// The key's name, for "write `KEY = …`".
    pub key: &'a str,
    /// Whether `external:` entries are allowed (not in `from`).
    pub externals: bool,
    /// Whether path globs are allowed (not in `groups`).
    pub globs: bool,
    /// What `{x}` means here.
    pub braces: Braces<'a>,
    /// Whether an empty list is allowed: an allowlist (`may_import = []`: only its own
    /// files), but no end of an edge.
    pub empty: bool,
}

/// What `{x}` means in a selector.
#[derive(Debug, Clone, Copy)]
pub(super) enum Braces<'a> {
    /// Glob alternation of one (outside `[[modules]]`).
    Alternation,
    /// In a `[[modules]]` entry: the module's own placeholder, if it is a template; any other
    /// `{x}` is an error.
    Module(Option<&'a str>),
}

/// A string or list value as (text, span) items.
pub(super) fn items(value: &Spanned<OneOrMany>) -> Vec<(String, Range<usize>)> {
    match value.get_ref() {
        OneOrMany::One(s) => vec![(s.clone(), value.span())],
        OneOrMany::Many(list) => list
            .iter()
            .map(|s| (s.get_ref().clone(), s.span()))
            .collect(),
    }
}

/// A selector as written: the bare string, or the list in brackets.
pub(super) fn written(value: &Spanned<OneOrMany>) -> String {
    match value.get_ref() {
        OneOrMany::One(s) => s.clone(),
        OneOrMany::Many(list) => bracketed(list.iter().map(|s| s.get_ref().as_str())),
    }
}

/// The most entries of a list written out in a message; a longer list shows the first ten and
/// then how many more, so that each finding's text stays short however long the list.
const LIST_SHOWN: usize = 20;

/// A list as written, in brackets: `[a, b]`, or beyond [`LIST_SHOWN`] entries the first ten
/// and how many more (`[a, …, j, 4990 more]`).
pub(super) fn bracketed<'a>(items: impl ExactSizeIterator<Item = &'a str>) -> String {
    let len = items.len();
    let mut parts: Vec<String> = Vec::new();
    if len > LIST_SHOWN {
        parts.extend(items.take(10).map(str::to_owned));
        parts.push(format!("{} more", len - 10));
    } else {
        parts.extend(items.map(str::to_owned));
    }
    format!("[{}]", parts.join(", "))
}

/// The selector written at `value`, or `None` (with the errors recorded) when an entry is
/// wrong.
pub(super) fn selector(
    value: &Spanned<OneOrMany>,
    names: &Names,
    cx: Context<'_>,
    errors: &mut Errors,
) -> Option<SelectorSpec> {
    let items = items(value);
    let in_list = matches!(value.get_ref(), OneOrMany::Many(_));
    if items.is_empty() && cx.empty {
        return Some(SelectorSpec {
            entries: Vec::new(),
            text: written(value),
        });
    }
    if items.iter().all(|(text, _)| text.starts_with('!')) {
        only_exclusions(value.span(), &items, cx, errors);
        return None;
    }
    let mut entries = Vec::with_capacity(items.len());
    let mut ok = true;
    for (text, span) in items {
        match entry(&text, span, in_list, names, cx, errors) {
            Some(e) => entries.push(e),
            None => ok = false,
        }
    }
    ok.then(|| SelectorSpec {
        entries,
        text: written(value),
    })
}

fn only_exclusions(
    span: Range<usize>,
    items: &[(String, Range<usize>)],
    cx: Context<'_>,
    errors: &mut Errors,
) {
    let key = cx.key;
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
        span,
        "this selects no file",
        format!("{} {what}: it matches nothing", cx.place),
        format!("List what it selects first, then the `!` exclusions, e.g. `{example}`."),
    );
}

/// One entry: `!` then a group name, `external:NAME` or a path glob.
fn entry(
    text: &str,
    span: Range<usize>,
    in_list: bool,
    names: &Names,
    cx: Context<'_>,
    errors: &mut Errors,
) -> Option<EntrySpec> {
    let negated = text.starts_with('!');
    let body = text.strip_prefix('!').unwrap_or(text);
    let place = cx.place;
    let make = |atom| EntrySpec {
        negated,
        atom,
        text: text.to_owned(),
        span: span.clone(),
    };
    if let Some(name) = body.strip_prefix("external:") {
        if !cx.externals {
            errors.push(
                Problem::InvalidSelector,
                span,
                "an import starts in a file",
                format!("{place} names an external package, `{text}`"),
                "Write the importing files in `from` (a group or a path glob) and put \
                 `external:NAME` in `to`."
                    .to_owned(),
            );
            return None;
        }
        if name.is_empty() {
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
        return Some(make(AtomSpec::External(ExternalPattern::parse(name))));
    }
    if let Some(used) = placeholder(body).map(|(n, _)| n) {
        match cx.braces {
            Braces::Alternation => {}
            Braces::Module(Some(own)) if own == used => {}
            Braces::Module(own) => {
                let help = match own {
                    Some(own) => format!(
                        "Write `{{{own}}}`, this template's placeholder, or a value without \
                         braces."
                    ),
                    None => format!(
                        "Put `{{{used}}}` in this module's `paths` to make it a template (one \
                         module per folder, e.g. `paths = [\"src/features/{{{used}}}/**\"]`), \
                         or write the value without braces."
                    ),
                };
                errors.push(
                    Problem::Placeholder,
                    span,
                    "no such placeholder here",
                    format!("{place} uses `{{{used}}}`, which this module's `paths` do not define"),
                    help,
                );
                return None;
            }
        }
    }
    if let Some(atom) = names.group(body) {
        return Some(make(atom));
    }
    let is_word = !body.is_empty()
        && body
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if is_word || !cx.globs {
        // With layers only, say "layer": that is all the user declared.
        let what = if names.modules.is_empty() {
            "layer"
        } else {
            "group"
        };
        errors.push(
            Problem::UnknownGroup,
            span,
            &format!("no {what} has this name"),
            format!("unknown {what} `{body}` in {place}"),
            unknown_group_help(body, in_list, cx, names),
        );
        return None;
    }
    compile_check(body, span.clone(), place, errors)?;
    Some(make(AtomSpec::Glob(body.to_owned())))
}

fn unknown_group_help(text: &str, in_list: bool, cx: Context<'_>, names: &Names) -> String {
    let key = cx.key;
    let what = if names.modules.is_empty() {
        "layers"
    } else {
        "groups"
    };
    let declared: Vec<String> = names.all().map(|n| format!("`{n}`")).collect();
    let glob = if cx.globs {
        format!("; a path glob such as `\"{text}/**\"` or `\"src/{text}/**\"` also works")
    } else {
        String::new()
    };
    match closest(text, names.all()) {
        _ if declared.is_empty() => format!(
            "Declare a `[[layers]]` entry named `{text}` first{}.",
            if cx.globs {
                format!(", or write a path glob such as `{key} = \"{text}/**\"`")
            } else {
                String::new()
            }
        ),
        Some(g) => {
            // In a list, name the entry; a single value is the whole key.
            let write = if in_list {
                format!("`\"{g}\"` instead of `\"{text}\"` in `{key}`")
            } else {
                format!("`{key} = \"{g}\"`")
            };
            format!(
                "Write {write} (did you mean `{g}`?). The declared {what} are {}{glob}.",
                declared.join(", ")
            )
        }
        None => format!(
            "Write one of the declared {what} ({}){glob}.",
            declared.join(", ")
        ),
    }
}
