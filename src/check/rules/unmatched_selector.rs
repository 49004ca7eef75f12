//! `unmatched-selector` (AG010): a glob or selector entry of `layers.toml` that matches no
//! file (for `external:`, no imported package; for a `!` entry, removes nothing), so that a
//! typo cannot switch a rule off silently. `[[allow]]` entries are `unused-allow`'s.

use std::collections::BTreeSet;

use crate::check::{CheckContext, Rule, RuleMeta};
use crate::config::{
    AtomSpec, Decl, EntrySpec, ExternalPattern, SelectorSpec, SpecKey, Unmatched, closest,
};
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
        let mut unmatched: Vec<Unmatched> = cx.model.unmatched.clone();
        // `external:` entries match imports, not files: those of `[[forbid]] to`.
        // Sorted, so that a prefix is looked up, not compared with every package.
        let externals: BTreeSet<&str> = cx.graph.externals().collect();
        let imported = |pattern: &ExternalPattern| {
            if pattern.prefix {
                externals
                    .range(pattern.name.as_str()..)
                    .next()
                    .is_some_and(|name| name.starts_with(pattern.name.as_str()))
            } else {
                externals.contains(pattern.name.as_str())
            }
        };
        for (i, rule) in cx.config.forbid.iter().enumerate() {
            for (entry, e) in rule.to.entries.iter().enumerate() {
                if let AtomSpec::External(pattern) = &e.atom
                    && !imported(pattern)
                {
                    unmatched.push(Unmatched {
                        key: SpecKey::ForbidTo(i),
                        entry,
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
            let Some((spec, place)) = spec(cx, u.key) else {
                continue;
            };
            let Some(entry) = spec.entries.get(u.entry) else {
                continue;
            };
            out.push(unmatched_selector(cx, &index, entry, &place, &folders));
        }
    }
}

/// The selector a key names, and the key in prose; `None` for `[[allow]]` (AG003 reports
/// those).
fn spec<'a>(cx: &CheckContext<'a>, key: SpecKey) -> Option<(&'a SelectorSpec, String)> {
    let group = |d: Decl, key: &str| {
        let (what, decl) = match d {
            Decl::Layer(i) => ("layer", cx.config.layers.get(i)?),
            Decl::Module(i) => ("module", cx.config.modules.get(i)?),
        };
        Some((decl, format!("`{key}` of {what} `{}`", decl.name)))
    };
    let forbid = |i: usize, key: &str| {
        let rule = cx.config.forbid.get(i)?;
        let line = rule.decl.start.line;
        Some((
            rule,
            format!("`{key}` of the [[forbid]] entry on line {line}"),
        ))
    };
    match key {
        SpecKey::Paths(d) => group(d, "paths").map(|(g, p)| (&g.paths, p)),
        SpecKey::MayImport(d) => {
            group(d, "may_import").and_then(|(g, p)| Some((g.may_import.as_ref()?, p)))
        }
        SpecKey::ImportedBy(d) => {
            group(d, "imported_by").and_then(|(g, p)| Some((g.imported_by.as_ref()?, p)))
        }
        SpecKey::Public(d) => group(d, "public").and_then(|(g, p)| Some((g.public.as_ref()?, p))),
        SpecKey::ForbidFrom(i) => forbid(i, "from").map(|(r, p)| (&r.from, p)),
        SpecKey::ForbidTo(i) => forbid(i, "to").map(|(r, p)| (&r.to, p)),
        SpecKey::CyclesPaths(i) => {
            let rule = cx.config.cycles.get(i)?;
            let line = rule.decl.start.line;
            Some((
                rule.paths.as_ref()?,
                format!("`paths` of the [[cycles]] entry on line {line}"),
            ))
        }
        SpecKey::RiskPaths(i) => {
            let tier = cx.config.risk.get(i)?;
            Some((
                &tier.paths,
                format!("`paths` of [[risk]] tier `{}`", tier.name),
            ))
        }
        SpecKey::AllowFrom(_) | SpecKey::AllowTo(_) => None,
    }
}

/// Every folder that holds a file of the run, for "did you mean".
fn folders(cx: &CheckContext<'_>) -> Vec<String> {
    let mut out: Vec<String> = cx
        .graph
        .files
        .paths
        .iter()
        .map(|p| crate::source::RelPath::new(p).parent().as_str().to_owned())
        .filter(|dir| !dir.is_empty())
        .collect();
    out.sort();
    out.dedup();
    out
}

fn unmatched_selector(
    cx: &CheckContext<'_>,
    index: &LineIndex<'_>,
    entry: &EntrySpec,
    place: &str,
    folders: &[String],
) -> Diagnostic {
    let text = &entry.text;
    let (message, label, help) = match &entry.atom {
        AtomSpec::External(_) => (
            format!("`{text}` in {place} matches no imported package"),
            "no import names such a package".to_owned(),
            format!(
                "Check the spelling of `{text}` against the packages this repository imports \
                 (`archgate graph` lists them as `external:NAME`). If it is right, nothing \
                 imports the package today and the ban holds; if it is a typo, it bans nothing."
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
