//! `upward-import` (AG001): a file imports a file of a layer listed above its own.

use crate::check::{CheckContext, Rule, RuleMeta, describe_layers, file_name, removal};
use crate::config::Layer;
use crate::diagnostic::{Diagnostic, ImportFacts, RuleId, Severity};
use crate::graph::InternalEdge;

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
        for edge in cx.checked_edges(&META) {
            // Files outside every layer are unconstrained by layer order.
            let (Some(from), Some(to)) = (cx.layer_of(edge.from), cx.layer_of(edge.to)) else {
                continue;
            };
            if to.rank < from.rank && !cx.skips_type_only(edge.from, edge.site, None) {
                out.push(upward_import(cx, &edge, from, to));
            }
        }
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
    if let Some(folder) = to
        .folder()
        .filter(|f| !path.starts_with(f.as_str()) && is_misplaced(cx, edge, to))
    {
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
