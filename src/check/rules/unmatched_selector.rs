//! `unmatched-selector` (AG010): a glob or selector entry of `layers.toml` that matches no
//! file (for `external:`, no imported package; for a `!` entry, removes nothing), so that a
//! typo cannot switch a rule off silently. `[[allow]]` entries are `unused-allow`'s.

use crate::check::{CheckContext, Rule, RuleMeta};
use crate::config::{Atom, Entry, Owner, Unmatched, closest};
use crate::diagnostic::{Diagnostic, RuleId, Severity};
use crate::source::LineIndex;

pub(crate) static META: RuleMeta = RuleMeta {
    id: RuleId {
        code: "AG010",
        name: "unmatched-selector",
    },
    summary: "a glob or selector of layers.toml matches nothing",
    doc: include_str!("../../../rules/unmatched-selector.md"),
    default_severity: Severity::Warning,
};

pub(crate) struct UnmatchedSelector;

impl Rule for UnmatchedSelector {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &CheckContext<'_>, out: &mut Vec<Diagnostic>) {
        let mut unmatched: Vec<Unmatched> = cx.graph.membership.unmatched.clone();
        // `external:` entries match imports, not files.
        let externals: Vec<&str> = cx.graph.externals().collect();
        for (id, selector) in cx.config.selectors.list.iter().enumerate() {
            for (i, entry) in selector.entries.iter().enumerate() {
                let is_external = matches!(entry.atom, Atom::External { .. });
                if is_external && !externals.iter().any(|name| entry.names_external(name)) {
                    unmatched.push(Unmatched {
                        selector: u32::try_from(id).unwrap_or(u32::MAX),
                        entry: i,
                    });
                }
            }
        }
        if unmatched.is_empty() {
            return;
        }
        let index = LineIndex::new(cx.config.text.as_bytes());
        let folders = folders(cx);
        for u in unmatched {
            let selector = cx.config.selector(u.selector);
            let Some(entry) = selector.entries.get(u.entry) else {
                continue;
            };
            let Some(place) = place(cx, selector.owner) else {
                continue;
            };
            out.push(unmatched_selector(cx, &index, entry, &place, &folders));
        }
    }
}

/// The key a selector is written in, in prose; `None` for `[[allow]]` (AG003 reports those).
fn place(cx: &CheckContext<'_>, owner: Owner) -> Option<String> {
    let forbid = |i: usize, key: &str| {
        let line = cx.config.forbid.get(i).map_or(0, |r| r.decl.start.line);
        format!("`{key}` of the [[forbid]] entry on line {line}")
    };
    match owner {
        Owner::LayerPaths(rank) => cx
            .config
            .layers
            .get(rank)
            .map(|l| format!("`paths` of layer `{}`", l.name)),
        Owner::ForbidFrom(i) => Some(forbid(i, "from")),
        Owner::ForbidTo(i) => Some(forbid(i, "to")),
        Owner::AllowFrom(_) | Owner::AllowTo(_) => None,
    }
}

/// Every folder that holds a file of the run, for "did you mean".
fn folders(cx: &CheckContext<'_>) -> Vec<String> {
    let mut out: Vec<String> = cx
        .graph
        .files
        .paths
        .iter()
        .filter_map(|p| p.rsplit_once('/').map(|(dir, _)| dir.to_owned()))
        .collect();
    out.sort();
    out.dedup();
    out
}

fn unmatched_selector(
    cx: &CheckContext<'_>,
    index: &LineIndex<'_>,
    entry: &Entry,
    place: &str,
    folders: &[String],
) -> Diagnostic {
    let text = &entry.text;
    let (message, label, help) = match &entry.atom {
        Atom::External { .. } => (
            format!("`{text}` in {place} matches no imported package"),
            "no import names such a package".to_owned(),
            format!(
                "Correct `{text}` to a package this repository imports (`archgate graph` lists \
                 them as `external:NAME`), or delete it: as written, it bans nothing."
            ),
        ),
        _ if entry.negated => (
            format!("`{text}` in {place} removes no file"),
            "excludes nothing".to_owned(),
            format!(
                "Correct `{text}` to the files it should take out of the entries before it, or \
                 delete it: no file matched by those entries matches it."
            ),
        ),
        _ => {
            let pattern = text.trim_start_matches("./");
            let literal: Vec<&str> = pattern
                .split('/')
                .take_while(|s| !s.contains(['*', '?', '[', '{']))
                .collect();
            let guess = closest(&literal.join("/"), folders.iter().map(String::as_str))
                .filter(|g| !literal.is_empty() && *g != literal.join("/"))
                .map(|g| format!(" (did you mean `{g}`?)"))
                .unwrap_or_default();
            (
                format!("`{text}` in {place} matches no file"),
                "matches no file".to_owned(),
                format!(
                    "Correct `{text}` to the folder or files it means{guess}, or delete it: as \
                     written, it selects nothing, so the rule it belongs to checks nothing."
                ),
            )
        }
    };
    // `[check] unmatched` sets the severity.
    Diagnostic::new(
        META.id,
        cx.config.check.unmatched,
        cx.config.path.clone(),
        index.region(entry.span.clone()),
    )
    .message(message)
    .label(label)
    .help(help)
}
