//! `upward-import` (AG001): a file imports a file of a layer listed above its own.

use std::collections::HashMap;

use crate::check::indirect::{self, ChainFinding, ChainGraph, Cuts, Forward, Role, chain_finding};
use crate::check::{CheckContext, Rule, RuleMeta, describe_layers, file_name, removal};
use crate::config::Layer;
use crate::diagnostic::{Diagnostic, ImportFacts, RuleId, Severity};
use crate::graph::InternalEdge;
use crate::lang::ImportKind;
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
        let mut upward = Vec::new();
        // Whether a file is misplaced in a layer, worked out once per file: a file with
        // 25,000 upward imports must not look at its 25,000 imports for each.
        let mut misplaced: HashMap<FileId, Reach> = HashMap::new();
        // The layers a layer may import, described once per layer.
        let mut allowed: HashMap<usize, String> = HashMap::new();
        for edge in cx.checked_edges(&META) {
            // Files outside every layer are unconstrained by layer order.
            let (Some(from), Some(to)) = (cx.layer_of(edge.from), cx.layer_of(edge.to)) else {
                continue;
            };
            if to.rank < from.rank && !cx.skips_type_only(edge.from, edge.site, None) {
                upward.push((edge, from, to));
            }
        }
        let plans = Plans::new(cx, &upward);
        for (i, (edge, from, to)) in upward.iter().enumerate() {
            let plan = plans.help(&upward, i);
            let allowed = allowed
                .entry(from.rank)
                .or_insert_with(|| describe_layers(cx.layers_at_or_below(from)));
            out.push(upward_import(
                cx,
                edge,
                (from, allowed),
                to,
                &plan,
                &mut misplaced,
            ));
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
    let unlayered = |f: FileId| cx.model.layer(f).is_none();
    let mut cuts = Cuts::default();
    for lower in &cx.config.layers {
        let Some(sources) = by_layer.get(lower.rank) else {
            continue;
        };
        let mut forward = Forward::new(&graph, &unlayered, sources);
        let reached: std::collections::BTreeSet<usize> = forward
            .targets()
            .filter_map(|t| cx.model.layer(t))
            .collect();
        for higher in cx.config.layers.iter().take(lower.rank) {
            if !reached.contains(&higher.rank) {
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
                    by_layer.get(higher.rank).map_or(&[][..], Vec::as_slice),
                    &mut forward,
                ),
                (lower.rank, higher.rank),
            );
        }
    }
    let files = |rank: &usize| by_layer.get(*rank).map_or(&[][..], Vec::as_slice);
    cuts.prune(&graph, &unlayered, &files, &files);
    let links = cuts.len();
    let name = |rank: usize| cx.config.layers.get(rank).map_or("", |l| l.name.as_str());
    for (cut, ranks) in cuts.into_links() {
        let pairs: Vec<(String, String)> = ranks
            .iter()
            .map(|&(lo, hi)| (name(lo).to_owned(), name(hi).to_owned()))
            .collect();
        let (Some((from, to)), Some(decl)) = (
            pairs.first(),
            ranks.first().and_then(|&(_, hi)| cx.config.layers.get(hi)),
        ) else {
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

/// The layers around a file: the lowest layer among its importers (the highest rank) and
/// the highest among the files it imports (the lowest rank), `None` where none is layered.
#[derive(Clone, Copy)]
struct Reach {
    lowest_importer: Option<usize>,
    highest_import: Option<usize>,
}

impl Reach {
    fn of(cx: &CheckContext<'_>, file: FileId) -> Self {
        let rank = |f: FileId| cx.layer_of(f).map(|l| l.rank);
        Self {
            lowest_importer: cx.graph.importers_of(file).filter_map(rank).max(),
            highest_import: cx.graph.imports_of(file).filter_map(rank).min(),
        }
    }

    /// Whether the file would sit well in layer `to`: nothing below `to` imports it and
    /// nothing it imports is above `to`. Then moving the file is the simplest fix.
    fn fits(self, to: &Layer) -> bool {
        self.lowest_importer.is_none_or(|r| r <= to.rank)
            && self.highest_import.is_none_or(|r| r >= to.rank)
    }
}

/// A fix plan (SPEC §10): the upward imports that ask to move the same name (same target
/// file and imported name) share one destination, the lowest layer among their importers; and
/// the files that import the name from its current place without breaking the order (tests,
/// higher layers) need it kept importable there.
struct Plans {
    /// For each upward import, by index, its name's plan (`None`: a manifest or `mod` line).
    of: Vec<Option<usize>>,
    plans: Vec<NamePlan>,
}

/// What the upward imports of one name share: worked out once per name, so that a thousand
/// imports of one name cost one pass over its importers, not a thousand.
struct NamePlan {
    /// `` `render` ``, or "what it uses from `routes.py`" for the module itself.
    what: String,
    /// The lowest importing layer, when the importers sit in several layers.
    lowest: Option<(usize, String, Option<String>)>,
    /// The upward import sites, as a capped list, and how many there are.
    sites: String,
    count: usize,
    /// The sentence that keeps the name importable where it is.
    keep: Option<String>,
}

/// What an import takes from its target: a name in it, or (`None`) the module itself. The
/// specifier's last segment is a name when the segment before it names the target module
/// (`shop.api.routes.render`, `crate::api::routes::render`), else the module (`shop.api.routes`,
/// `../ui/widget`).
fn imported_name(
    cx: &CheckContext<'_>,
    site: &crate::graph::Site,
    target: FileId,
) -> Option<String> {
    let mut segments = site
        .specifier
        .rsplit(['.', ':', '/'])
        .filter(|s| !s.is_empty());
    let last = segments.next()?;
    let before = segments.next();
    let path = cx.path(target);
    let stem = file_name(path).split('.').next().unwrap_or("");
    let folder = path.rsplit('/').nth(1).unwrap_or("");
    // A package's own file (`__init__.py`, `mod.rs`, `index.ts`) is named by its folder.
    let names_target = |segment: &str| {
        segment == stem
            || (matches!(stem, "__init__" | "mod" | "index" | "lib") && segment == folder)
    };
    if before.is_some_and(names_target) || !names_target(last) {
        Some(last.to_owned())
    } else {
        None
    }
}

/// A manifest's dependency moves no name, and a `mod` declaration is not an importer.
fn moves_names(kind: ImportKind) -> bool {
    !matches!(kind, ImportKind::Manifest | ImportKind::Mod)
}

impl Plans {
    fn new(cx: &CheckContext<'_>, upward: &[(InternalEdge<'_>, &Layer, &Layer)]) -> Self {
        let mut by_name: std::collections::BTreeMap<(FileId, Option<String>), Vec<usize>> =
            std::collections::BTreeMap::new();
        for (i, (edge, _, _)) in upward.iter().enumerate() {
            if moves_names(edge.site.kind) {
                by_name
                    .entry((edge.to, imported_name(cx, edge.site, edge.to)))
                    .or_default()
                    .push(i);
            }
        }
        // For each target, the files that import it by each name, from one pass over the
        // sites into it: every name's plan of that target looks its importers up here.
        let mut by_target: HashMap<FileId, Importers> = HashMap::new();
        for &(target, _) in by_name.keys() {
            by_target.entry(target).or_insert_with(|| {
                let mut importers = Importers::new();
                for (f, site) in cx.graph.sites_into(target) {
                    if f != target && moves_names(site.kind) {
                        importers
                            .entry(imported_name(cx, site, target))
                            .or_default()
                            .push(f);
                    }
                }
                for list in importers.values_mut() {
                    list.sort_unstable();
                    list.dedup();
                }
                importers
            });
        }
        let mut of = vec![None; upward.len()];
        let mut plans = Vec::with_capacity(by_name.len());
        for ((target, name), list) in by_name {
            for &i in &list {
                if let Some(slot) = of.get_mut(i) {
                    *slot = Some(plans.len());
                }
            }
            let peers: Vec<&(InternalEdge<'_>, &Layer, &Layer)> =
                list.iter().filter_map(|&i| upward.get(i)).collect();
            let importers = by_target
                .get(&target)
                .and_then(|by_name| by_name.get(&name))
                .map_or(&[][..], Vec::as_slice);
            plans.push(NamePlan::new(
                cx,
                target,
                name.as_deref(),
                &peers,
                importers,
            ));
        }
        Self { of, plans }
    }

    /// The part of the help of upward import `i` that says where the name goes and what else
    /// must keep working.
    fn help(&self, upward: &[(InternalEdge<'_>, &Layer, &Layer)], i: usize) -> Plan {
        let (Some((_, from, _)), Some(plan)) = (
            upward.get(i),
            self.of
                .get(i)
                .copied()
                .flatten()
                .and_then(|p| self.plans.get(p)),
        ) else {
            return Plan::default();
        };
        let mut out = Plan {
            keep: plan.keep.clone(),
            ..Plan::default()
        };
        if let Some((rank, lowest, folder)) = &plan.lowest {
            out.destination = Some(format!(
                "move {} into layer `{lowest}`{}",
                plan.what,
                folder
                    .as_ref()
                    .map(|f| format!(" (`{f}`)"))
                    .unwrap_or_default(),
            ));
            out.why = Some(format!(
                " One move fixes all {} upward imports of {} ({}): `{lowest}` is the lowest \
                 layer that imports it{}.",
                plan.count,
                plan.what,
                plan.sites,
                if *rank == from.rank {
                    String::new()
                } else {
                    format!(
                        ", and moving it into `{}` would leave the others broken",
                        from.name
                    )
                },
            ));
        }
        out
    }
}

impl NamePlan {
    fn new(
        cx: &CheckContext<'_>,
        target: FileId,
        name: Option<&str>,
        peers: &[&(InternalEdge<'_>, &Layer, &Layer)],
        importers: &[FileId],
    ) -> Self {
        let what = match name {
            Some(n) => format!("`{n}`"),
            None => format!("what it uses from `{}`", file_name(cx.path(target))),
        };
        // Importers in several layers: the lowest of them serves them all.
        let mut layers: Vec<usize> = peers.iter().map(|(_, from, _)| from.rank).collect();
        layers.sort_unstable();
        layers.dedup();
        let lowest = peers
            .iter()
            .map(|(_, from, _)| *from)
            .max_by_key(|l| l.rank)
            .filter(|_| layers.len() > 1)
            .map(|l| (l.rank, l.name.clone(), l.folder()));
        let sites: Vec<String> = peers
            .iter()
            .map(|(e, _, _)| format!("{}:{}", cx.path(e.from), e.site.region.start.line))
            .collect();
        Self {
            what,
            lowest,
            sites: crate::check::short_list(&sites, 5),
            count: sites.len(),
            keep: keep(cx, target, name, peers, importers),
        }
    }
}

/// The files (other than `target` itself) that import each name of a target, sorted: the
/// name as [`imported_name`] gives it.
type Importers = std::collections::BTreeMap<Option<String>, Vec<FileId>>;

/// The sentence that keeps a moved name importable from its old place, when files other than
/// the upward importers (`peers`) import it from there. `importers` are the files that import
/// `name` from `target`, sorted.
fn keep(
    cx: &CheckContext<'_>,
    target: FileId,
    name: Option<&str>,
    peers: &[&(InternalEdge<'_>, &Layer, &Layer)],
    importers: &[FileId],
) -> Option<String> {
    let upward: std::collections::HashSet<FileId> = peers.iter().map(|(e, _, _)| e.from).collect();
    let others: Vec<&str> = importers
        .iter()
        .filter(|f| !upward.contains(f))
        .map(|&f| cx.path(f))
        .collect();
    if others.is_empty() {
        return None;
    }
    let file = file_name(cx.path(target));
    let reexport = reexport(cx, target, name);
    Some(format!(
        " {} also import{} {} from `{file}`: keep it importable there with a re-export \
         ({reexport} in `{file}`).",
        crate::check::short_list(&others, 5),
        if others.len() == 1 { "s" } else { "" },
        match name {
            Some(n) => format!("`{n}`"),
            None => "it".to_owned(),
        },
    ))
}

/// The language's re-export of `name` (or of everything) from a new module.
fn reexport(cx: &CheckContext<'_>, target: FileId, name: Option<&str>) -> String {
    let lang = cx.graph.files.langs.get(target).copied();
    match (lang, name) {
        (Some(crate::lang::Lang::Python), Some(n)) => format!("`from <new module> import {n}`"),
        (Some(crate::lang::Lang::Python), None) => "`from <new module> import *`".to_owned(),
        (Some(crate::lang::Lang::TypeScript), Some(n)) => {
            format!("`export {{ {n} }} from \"<new module>\"`")
        }
        (Some(crate::lang::Lang::TypeScript), None) => {
            "`export * from \"<new module>\"`".to_owned()
        }
        (_, Some(n)) => format!("`pub use <new path>::{n};`"),
        (_, None) => "`pub use <new path>::*;`".to_owned(),
    }
}

/// What a fix plan adds to one finding's help.
#[derive(Default)]
struct Plan {
    /// One destination for every upward import of the name.
    destination: Option<String>,
    /// Why that destination: the sites it serves.
    why: Option<String>,
    /// The files that import the name from its current place and must keep doing so.
    keep: Option<String>,
}

fn upward_import(
    cx: &CheckContext<'_>,
    edge: &InternalEdge<'_>,
    (from, allowed): (&Layer, &str),
    to: &Layer,
    plan: &Plan,
    misplaced: &mut HashMap<FileId, Reach>,
) -> Diagnostic {
    let site = edge.site;
    let path = cx.path(edge.from);
    let target = cx.path(edge.to);
    let destination = plan.destination.clone().unwrap_or_else(|| {
        format!(
            "move what it uses from `{}` into layer `{}` or a layer below it ({allowed})",
            file_name(target),
            from.name,
        )
    });
    let mut help = format!(
        "{}: {destination}, or have layer `{}` pass it in (a parameter or callback) so that `{}` \
         no longer imports it.",
        removal(site, path),
        to.name,
        file_name(path),
    );
    for part in [&plan.why, &plan.keep].into_iter().flatten() {
        help.push_str(part);
    }
    if let Some(folder) = to.folder().filter(|f| {
        !path.starts_with(f.as_str())
            && misplaced
                .entry(edge.from)
                .or_insert_with(|| Reach::of(cx, edge.from))
                .fits(to)
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
