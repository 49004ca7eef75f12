//! `forbidden-import` (AG002): an import matching a `[[forbid]]` entry.

use crate::check::{
    CheckContext, Import, Rule, RuleMeta, Target, describe_layers, import_facts, removal,
};
use crate::config::{EdgeRule, Key, SelectorSpec};
use crate::diagnostic::{Diagnostic, RuleId, Severity};

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
        let forbid_from = |key| match key {
            Key::ForbidFrom(i) => Some(i),
            _ => None,
        };
        // Every entry that matches is its own finding: each is a contract of its own, with
        // its own reason and fix.
        for import in cx.imports(&META) {
            for i in cx.entries_matching(import.from, import.to, forbid_from) {
                let Some(rule) = cx.config.forbid.get(i) else {
                    continue;
                };
                if !cx.skips_type_only(import.from, import.site, rule.type_only) {
                    out.push(forbidden_import(cx, &import, rule));
                }
            }
        }
    }
}

/// A `[[forbid]]` end as it reads in prose: a layer by name, or the files its glob matches.
fn endpoint_text(selector: &SelectorSpec, text: &str) -> String {
    if selector.as_layer().is_some() {
        format!("layer `{text}`")
    } else if selector.as_group().is_some() {
        format!("module `{text}`")
    } else if selector.is_external_only() {
        format!("packages matching `{text}`")
    } else {
        format!("files matching `{text}`")
    }
}

fn forbidden_import(cx: &CheckContext<'_>, import: &Import<'_>, rule: &EdgeRule) -> Diagnostic {
    let (from, to, site) = (import.from, import.to, import.site);
    let path = cx.path(from);
    let (target, to_file) = match to {
        Target::File(file) => (cx.path(file).to_owned(), Some(file)),
        Target::External(name) => (name.to_owned(), None),
    };
    let from_layer = cx.layer_of(from);
    let to_layer = to_file.and_then(|f| cx.layer_of(f));
    let from_sel = &rule.from;
    let to_sel = &rule.to;
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
        .import(import_facts(cx, import))
}
