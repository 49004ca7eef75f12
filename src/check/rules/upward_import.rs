//! `upward-import` (AG001): a file imports a file of a layer listed above its own.

use std::collections::HashMap;

use crate::check::indirect::{self, ChainFinding, ChainGraph, Cuts, Role, chain_finding};
use crate::check::{CheckContext, Rule, RuleMeta, describe_layers, file_name, removal};
use crate::config::Layer;
use crate::diagnostic::{Diagnostic, ImportFacts, RuleId, Severity};
use crate::graph::InternalEdge;
use crate::resolve::FileId;

pub(crate) static META: RuleMeta = RuleMeta {
    id: RuleId {
        code: "AG001",
        name: "upward-import",
    },
    summary: "a file imports a file of a layer listed above its own",
    doc: include_str!("../../../rules/upward-import.md"),
    default_severity: Severity::Error,
};

pub(crate) struct UpwardImport;

impl Rule for UpwardImport {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &CheckContext<'_>, out: &mut Vec<Diagnostic>) {
        // Whether a file is misplaced in a layer, asked once per (file, layer): a file with
        // 25,000 upward imports must not look at its 25,000 imports for each.
        let mut misplaced: HashMap<(FileId, usize), bool> = HashMap::new();
        for edge in cx.checked_edges(&META) {
            // Files outside every layer are unconstrained by layer order.
            let (Some(from), Some(to)) = (cx.layer_of(edge.from), cx.layer_of(edge.to)) else {
                continue;
            };
            if to.rank < from.rank && !cx.skips_type_only(edge.from, edge.site, None) {
                out.push(upward_import(cx, &edge, from, to, &mut misplaced));
            }
        }
        if cx.config.check.indirect {
            indirect_chains(cx, out);
        }
    }
}

/// `[check] indirect = true`: chains from each layer to a higher one through files in no
/// layer (a chain through a third layer holds a shorter one between two layers, reported
/// there).
fn indirect_chains(cx: &CheckContext<'_>, out: &mut Vec<Diagnostic>) {
    let graph = ChainGraph::new(cx, &META, None);
    let files = cx.graph.files.len();
    let mut by_layer: Vec<Vec<FileId>> = vec![Vec::new(); cx.config.layers.len()];
    for file in 0..files {
        if let Some(list) = cx.model.layer(file).and_then(|l| by_layer.get_mut(l)) {
            list.push(file);
        }
    }
    let mut cuts = Cuts::default();
    for lower in &cx.config.layers {
        let Some(sources) = by_layer.get(lower.rank) else {
            continue;
        };
        let unlayered = |f: FileId| cx.model.layer(f).is_none();
        let forward = indirect::forward(&graph, &unlayered, sources);
        let reached = indirect::reached(&graph, &forward, &unlayered);
        for higher in cx.config.layers.iter().take(lower.rank) {
            if !reached
                .iter()
                .any(|&t| cx.model.layer(t) == Some(higher.rank))
            {
                continue;
            }
            let role = |f: FileId| match cx.model.layer(f) {
                Some(l) if l == lower.rank => Role::Source,
                Some(l) if l == higher.rank => Role::Target,
                Some(_) => Role::Out,
                None => Role::Between,
            };
            cuts.add(
                indirect::cut(
                    cx,
                    &graph,
                    &role,
                    (
                        sources,
                        by_layer.get(higher.rank).map_or(&[][..], Vec::as_slice),
                    ),
                    &forward,
                ),
                &lower.name,
                &higher.name,
            );
        }
    }
    let rank_of = |name: &str| {
        cx.config
            .layers
            .iter()
            .find(|l| l.name == name)
            .map(|l| l.rank)
    };
    cuts.prune(&|(lower, higher), removed| {
        let (Some(lo), Some(hi)) = (rank_of(lower), rank_of(higher)) else {
            return true;
        };
        let role = |f: FileId| match cx.model.layer(f) {
            Some(l) if l == lo => Role::Source,
            Some(l) if l == hi => Role::Target,
            Some(_) => Role::Out,
            None => Role::Between,
        };
        let sources = by_layer.get(lo).map_or(&[][..], Vec::as_slice);
        !indirect::joined(&graph, &role, sources, removed)
    });
    let links = cuts.len();
    for (cut, pairs) in cuts.into_links() {
        let Some((from, to)) = pairs.first() else {
            continue;
        };
        let Some(decl) = cx.config.layers.iter().find(|l| &l.name == to) else {
            continue;
        };
        out.push(chain_finding(
            cx,
            &META,
            &cut,
            ChainFinding {
                contract: format!("from layer `{from}` to higher layer `{to}`"),
                pairs: &pairs,
                links,
                through: "files in no layer",
                review: "Changing the layer order in layers.toml needs a human review.",
                note: None,
                location: cx.config_location(
                    &decl.decl,
                    format!("layer `{to}` is declared above `{from}` here"),
                ),
            },
        ));
    }
}

/// Whether the importing file would sit well in layer `to`: nothing below `to` imports it and
/// nothing it imports is above `to`. Then moving the file is the simplest fix.
fn is_misplaced(cx: &CheckContext<'_>, edge: &InternalEdge<'_>, to: &Layer) -> bool {
    let ok_importers = cx
        .graph
        .importers_of(edge.from)
        .all(|f| cx.layer_of(f).is_none_or(|l| l.rank <= to.rank));
    let ok_imports = cx
        .graph
        .imports_of(edge.from)
        .all(|f| cx.layer_of(f).is_none_or(|l| l.rank >= to.rank));
    ok_importers && ok_imports
}

fn upward_import(
    cx: &CheckContext<'_>,
    edge: &InternalEdge<'_>,
    from: &Layer,
    to: &Layer,
    misplaced: &mut HashMap<(FileId, usize), bool>,
) -> Diagnostic {
    let site = edge.site;
    let path = cx.path(edge.from);
    let target = cx.path(edge.to);
    let allowed = describe_layers(cx.layers_at_or_below(from));
    let mut help = format!(
        "{}: move what it uses from `{}` into layer `{}` or a layer below it ({allowed}), or \
         have layer `{}` pass it in (a parameter or callback) so that `{}` no longer imports it.",
        removal(site, path),
        file_name(target),
        from.name,
        to.name,
        file_name(path),
    );
    if let Some(folder) = to.folder().filter(|f| {
        !path.starts_with(f.as_str())
            && *misplaced
                .entry((edge.from, to.rank))
                .or_insert_with(|| is_misplaced(cx, edge, to))
    }) {
        help.push_str(&format!(
            " If `{}` itself belongs to layer `{}`, move it into `{folder}` instead: nothing \
             below `{}` imports it and all it imports is allowed there.",
            file_name(path),
            to.name,
            to.name,
        ));
    }
    help.push_str(" Changing the layer order in layers.toml needs a human review.");
    Diagnostic::new(META.id, META.default_severity, path, site.region.clone())
        .message(format!(
            "`{path}` (layer `{}`) imports `{target}` from higher layer `{}`",
            from.name, to.name
        ))
        .label(format!("`{target}` is in layer `{}`", to.name))
        .help(help)
        .related(cx.target_location(edge.to))
        .contract(cx.config_location(
            &to.decl,
            format!("layer `{}` is declared above `{}` here", to.name, from.name),
        ))
        .import(ImportFacts {
            specifier: site.specifier.clone(),
            type_only: site.kind.is_type_only(),
            target: Some(target.to_owned()),
            from_layer: Some(from.name.clone()),
            to_layer: Some(to.name.clone()),
            // The contract is the layer order: its groups are the two layers.
            from_group: Some(from.name.clone()),
            to_group: Some(to.name.clone()),
            external: None,
        })
}
