//! `forbidden-import` (AG002): an import matching a `[[forbid]]` entry.

use crate::check::{CheckContext, Rule, RuleMeta, describe_layers, removal};
use crate::config::{EdgeRule, Endpoint};
use crate::diagnostic::{Diagnostic, ImportFacts, RuleId, Severity};
use crate::graph::InternalEdge;

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
        for edge in cx.checked_edges() {
            // One finding per site: the first entry that matches.
            if let Some(rule) = cx
                .config
                .forbid
                .iter()
                .find(|r| cx.matches(r, edge.from, edge.to))
            {
                out.push(forbidden_import(cx, &edge, rule));
            }
        }
    }
}

/// A `[[forbid]]` end as it reads in prose: a layer by name, or the files its glob matches.
fn endpoint_text(endpoint: &Endpoint, text: &str) -> String {
    match endpoint {
        Endpoint::Layer(_) => format!("layer `{text}`"),
        Endpoint::Glob(_) => format!("files matching `{text}`"),
    }
}

fn forbidden_import(cx: &CheckContext<'_>, edge: &InternalEdge<'_>, rule: &EdgeRule) -> Diagnostic {
    let site = edge.site;
    let path = cx.path(edge.from);
    let target = cx.path(edge.to);
    let from_layer = cx.layer_of(edge.from);
    let to_layer = cx.layer_of(edge.to);
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
        endpoint_text(&rule.from, &rule.from_text),
        endpoint_text(&rule.to, &rule.to_text),
    ));
    if rule.fix.is_none() {
        // Where the code could come from instead: the layers this file may import, minus the
        // forbidden one.
        let alternatives = from_layer.map(|from| {
            describe_layers(
                cx.layers_at_or_below(from)
                    .filter(|l| !matches!(rule.to, Endpoint::Layer(t) if t == l.rank)),
            )
        });
        match alternatives {
            Some(list) if !list.is_empty() => help.push_str(&format!(
                " Reach what it needs through a layer this file may import ({list}), or move that \
                 code out of {}.",
                endpoint_text(&rule.to, &rule.to_text)
            )),
            _ => help.push_str(&format!(
                " Move the code it needs out of {}.",
                endpoint_text(&rule.to, &rule.to_text)
            )),
        }
    }
    help.push_str(" Lifting the ban in layers.toml needs a human review.");
    Diagnostic::new(META.id, META.default_severity, path, site.region.clone())
        .message(format!(
            "`{path}`{} imports `{target}`{}, which is forbidden from `{}` to `{}`",
            in_layer(from_layer),
            in_layer(to_layer),
            rule.from_text,
            rule.to_text,
        ))
        .label(match rule.to {
            Endpoint::Layer(_) => format!("`{target}` is in layer `{}`", rule.to_text),
            Endpoint::Glob(_) => format!("`{target}` matches `{}`", rule.to_text),
        })
        .help(help)
        .note(Some(rule.reason.clone()))
        .related(cx.target_location(edge.to))
        .related(cx.config_location(&rule.decl, "the [[forbid]] entry"))
        .import(ImportFacts {
            specifier: site.specifier.clone(),
            type_only: site.kind.is_type_only(),
            target: Some(target.to_owned()),
            from_layer: from_layer.map(|l| l.name.clone()),
            to_layer: to_layer.map(|l| l.name.clone()),
        })
}
