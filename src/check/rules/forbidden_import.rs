//! `forbidden-import` (AG002): an import matching a `[[forbid]]` entry.

use std::collections::HashMap;

use crate::check::indirect::{
    self, ChainFinding, ChainGraph, ChainGraphs, Cuts, Forward, Role, chain_finding,
};
use crate::check::{
    CheckContext, Import, Rule, RuleMeta, Target, describe_layers, import_facts, removal,
};
use crate::config::{EdgeRule, Key, SelectorId, SelectorSpec};
use crate::diagnostic::{Diagnostic, RuleId, Severity};
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
        let forbid_from = |key| match key {
            Key::ForbidFrom(i) => Some(i),
            _ => None,
        };
        // The layers a file may import instead, described once per entry and layer.
        let mut alternatives = HashMap::new();
        // Every entry that matches is its own finding: each is a contract of its own, with
        // its own reason and fix.
        for import in cx.imports(&META) {
            for i in cx.entries_matching(import.from, import.to, forbid_from) {
                let Some(rule) = cx.config.forbid.get(i) else {
                    continue;
                };
                if !cx.skips_type_only(import.from, import.site, rule.type_only) {
                    out.push(forbidden_import(cx, &import, (i, rule), &mut alternatives));
                }
            }
        }
        let mut graphs = ChainGraphs::new(&META);
        let by_selector = cx.model.files_by_selector();
        for (i, rule) in cx.config.forbid.iter().enumerate() {
            if rule.indirect.unwrap_or(cx.config.check.indirect) {
                let graph = graphs.get(cx, rule.type_only);
                indirect_chains(cx, (graph, &by_selector), i, rule, out);
            }
        }
    }
}

/// `indirect = true`: chains from the files `from` matches to those `to` matches, through
/// files outside both (a file in both counts as `from`).
fn indirect_chains(
    cx: &CheckContext<'_>,
    (graph, by_selector): (&ChainGraph<'_>, &[Vec<FileId>]),
    i: usize,
    rule: &EdgeRule,
    out: &mut Vec<Diagnostic>,
) {
    let Some(&(from_sel, to_sel)) = cx.model.forbid.get(i) else {
        return;
    };
    let matched = |s: SelectorId| by_selector.get(s as usize).map_or(&[][..], Vec::as_slice);
    let sources = matched(from_sel);
    let targets: Vec<FileId> = matched(to_sel)
        .iter()
        .copied()
        .filter(|&f| !cx.model.contains(f, from_sel))
        .collect();
    let role_of = |f: FileId| {
        if cx.model.contains(f, from_sel) {
            Role::Source
        } else if cx.model.contains(f, to_sel) {
            Role::Target
        } else {
            Role::Between
        }
    };
    let mut cuts = Cuts::default();
    cuts.add(
        indirect::cut(
            cx,
            graph,
            &role_of,
            &targets,
            &mut Forward::new(graph, &|f| role_of(f) == Role::Between, sources),
        ),
        (rule.from_text.clone(), rule.to_text.clone()),
    );
    let links = cuts.len();
    for (cut, pairs) in cuts.into_links() {
        let mut finding = chain_finding(
            cx,
            &META,
            &cut,
            ChainFinding {
                contract: format!(
                    "from {} to {}",
                    endpoint_text(&rule.from, &rule.from_text),
                    endpoint_text(&rule.to, &rule.to_text)
                ),
                pairs: &pairs,
                links,
                through: "other files",
                review: "Lifting the ban in layers.toml needs a human review.",
                note: Some(rule.reason.clone()),
                location: cx.config_location(&rule.decl, "the [[forbid]] entry"),
            },
        );
        // For a glob, the groups are those of the chain's ends.
        if let Some(import) = finding.import.as_mut() {
            let first = cut.chain.first().and_then(|l| cx.graph.files.id(&l.path));
            let last = cut.chain.last().and_then(|l| cx.graph.files.id(&l.target));
            import.from_group = first.and_then(|f| cx.group_name(f)).map(str::to_owned);
            import.to_group = last.and_then(|f| cx.group_name(f)).map(str::to_owned);
        }
        if let Some(fix) = &rule.fix {
            finding.help = format!("{} {}", fix.trim_end(), finding.help);
        }
        out.push(finding);
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

fn forbidden_import(
    cx: &CheckContext<'_>,
    import: &Import<'_>,
    (index, rule): (usize, &EdgeRule),
    described: &mut HashMap<(usize, usize), String>,
) -> Diagnostic {
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
                described
                    .entry((index, from.rank))
                    .or_insert_with(|| {
                        describe_layers(
                            cx.layers_at_or_below(from)
                                .filter(|l| !to_sel.names_layer(l.rank)),
                        )
                    })
                    .clone()
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
