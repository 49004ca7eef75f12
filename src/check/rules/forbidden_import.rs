//! `forbidden-import` (AG002): an import matching a `[[forbid]]` entry.

use crate::check::{CheckContext, Rule, RuleMeta, Target, describe_layers, removal};
use crate::config::{EdgeRule, Owner, Selector};
use crate::diagnostic::{Diagnostic, ImportFacts, RuleId, Severity};
use crate::graph::Site;
use crate::resolve::FileId;

pub(crate) static META: RuleMeta = RuleMeta {
    id: RuleId {
        code: "AG002",
        name: "forbidden-import",
    },
    summary: "an import matches a `[[forbid]]` entry of layers.toml",
    doc: include_str!("../../../rules/forbidden-import.md"),
    default_severity: Severity::Error,
};

pub(crate) struct ForbiddenImport;

impl Rule for ForbiddenImport {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &CheckContext<'_>, out: &mut Vec<Diagnostic>) {
        if cx.config.forbid.is_empty() {
            return;
        }
        let forbid_from = |owner| match owner {
            Owner::ForbidFrom(i) => Some(i),
            _ => None,
        };
        // Every entry that matches is its own finding: each is a contract of its own, with
        // its own reason and fix.
        for edge in cx.checked_edges() {
            let to = Target::File(edge.to);
            for i in cx.entries_matching(&cx.config.forbid, edge.from, to, forbid_from) {
                if let Some(rule) = cx.config.forbid.get(i) {
                    out.push(forbidden_import(cx, edge.from, to, edge.site, rule));
                }
            }
        }
        for edge in cx.checked_external_edges() {
            let to = Target::External(edge.name);
            for i in cx.entries_matching(&cx.config.forbid, edge.from, to, forbid_from) {
                if let Some(rule) = cx.config.forbid.get(i) {
                    out.push(forbidden_import(cx, edge.from, to, edge.site, rule));
                }
            }
        }
    }
}

/// A `[[forbid]]` end as it reads in prose: a layer by name, or the files its glob matches.
fn endpoint_text(selector: &Selector, text: &str) -> String {
    if selector.as_layer().is_some() {
        format!("layer `{text}`")
    } else if selector
        .entries
        .iter()
        .all(|e| matches!(e.atom, crate::config::Atom::External { .. }))
    {
        format!("packages matching `{text}`")
    } else {
        format!("files matching `{text}`")
    }
}

fn forbidden_import(
    cx: &CheckContext<'_>,
    from: FileId,
    to: Target<'_>,
    site: &Site,
    rule: &EdgeRule,
) -> Diagnostic {
    let path = cx.path(from);
    let (target, to_file) = match to {
        Target::File(file) => (cx.path(file).to_owned(), Some(file)),
        Target::External(name) => (name.to_owned(), None),
    };
    let from_layer = cx.layer_of(from);
    let to_layer = to_file.and_then(|f| cx.layer_of(f));
    let from_sel = cx.config.selector(rule.from);
    let to_sel = cx.config.selector(rule.to);
    let in_layer = |layer: Option<&crate::config::Layer>| {
        layer
            .map(|l| format!(" (layer `{}`)", l.name))
            .unwrap_or_default()
    };
    let mut help = String::new();
    if let Some(fix) = &rule.fix {
        help.push_str(fix.trim_end());
        help.push(' ');
    }
    help.push_str(&format!(
        "{}: {} must not import {}.",
        removal(site, path),
        endpoint_text(from_sel, &rule.from_text),
        endpoint_text(to_sel, &rule.to_text),
    ));
    if rule.fix.is_none() {
        // Where the code could come from instead: the layers this file may import, minus the
        // forbidden one.
        let alternatives = from_layer
            .map(|from| {
                describe_layers(
                    cx.layers_at_or_below(from)
                        .filter(|l| !to_sel.names_layer(l.rank)),
                )
            })
            .filter(|list| !list.is_empty());
        let banned = endpoint_text(to_sel, &rule.to_text);
        help.push_str(&match (to, alternatives) {
            (Target::External(_), Some(list)) => format!(
                " Use what a layer this file may import offers ({list}) instead of the package, \
                 or move the code that needs it out of {}.",
                endpoint_text(from_sel, &rule.from_text)
            ),
            (Target::External(_), None) => format!(
                " Move the code that needs the package out of {}.",
                endpoint_text(from_sel, &rule.from_text)
            ),
            (Target::File(_), Some(list)) => format!(
                " Reach what it needs through a layer this file may import ({list}), or move that \
                 code out of {banned}."
            ),
            (Target::File(_), None) => format!(" Move the code it needs out of {banned}."),
        });
    }
    help.push_str(" Lifting the ban in layers.toml needs a human review.");
    let shown = match to {
        Target::File(_) => format!("`{target}`"),
        Target::External(_) => format!("package `{target}`"),
    };
    let mut diagnostic = Diagnostic::new(META.id, META.default_severity, path, site.region.clone())
        .message(format!(
            "`{path}`{} imports {shown}{}, which is forbidden from `{}` to `{}`",
            in_layer(from_layer),
            in_layer(to_layer),
            rule.from_text,
            rule.to_text,
        ))
        .label(if to_sel.as_layer().is_some() {
            format!("`{target}` is in layer `{}`", rule.to_text)
        } else {
            format!("{shown} matches `{}`", rule.to_text)
        })
        .help(help)
        .note(Some(rule.reason.clone()));
    if let Some(file) = to_file {
        diagnostic = diagnostic.related(cx.target_location(file));
    }
    diagnostic
        .contract(cx.config_location(&rule.decl, "the [[forbid]] entry"))
        .import(ImportFacts {
            specifier: site.specifier.clone(),
            type_only: site.kind.is_type_only(),
            target: to_file.map(|_| target.clone()),
            from_layer: from_layer.map(|l| l.name.clone()),
            to_layer: to_layer.map(|l| l.name.clone()),
        })
}
