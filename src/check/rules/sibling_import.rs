//! `sibling-import` (AG006): an import between two groups declared independent, by an
//! `[[independent]]` entry or `independent = true` on a template (import-linter's
//! independence contract, Sheriff's and Nx's sibling bans).

use std::collections::{BTreeMap, BTreeSet};

use crate::check::indirect::{
    self, ChainFinding, ChainGraph, ChainGraphs, Cuts, Forward, Role, chain_finding,
};
use crate::check::{CheckContext, Import, Rule, RuleMeta, Target, import_facts, removal};
use crate::config::{Decl, GroupId, TypeOnly};
use crate::diagnostic::{Diagnostic, RuleId, Severity};
use crate::resolve::FileId;
use crate::source::Region;

pub(crate) static META: RuleMeta = RuleMeta {
    id: RuleId {
        code: "AG006",
        name: "sibling-import",
    },
    summary: "an import between two groups declared independent",
    doc: include_str!("../../../rules/sibling-import.md"),
    default_severity: Severity::Error,
};

pub(crate) struct SiblingImport;

/// For each group, the groups (each imported file's module, else its layer) its files
/// import: computed once per run, for the shared-code suggestions.
fn imported_groups(cx: &CheckContext<'_>) -> BTreeMap<GroupId, BTreeSet<GroupId>> {
    let mut out: BTreeMap<GroupId, BTreeSet<GroupId>> = BTreeMap::new();
    for edge in cx.graph.internal_edges() {
        let Some(g) = cx.model.module(edge.to).or_else(|| cx.model.layer(edge.to)) else {
            continue;
        };
        for from in cx.model.groups_of(edge.from) {
            out.entry(from).or_default().insert(g);
        }
    }
    out
}

/// The groups both `a` and `b` already import, outside every contract with either (a group
/// independent of either is no place for shared code) and no template instance (one slice
/// each), with their folders.
fn shared_groups(
    cx: &CheckContext<'_>,
    (a, b): (GroupId, GroupId),
    contracts: &[Contract<'_>],
    imported: &BTreeMap<GroupId, BTreeSet<GroupId>>,
) -> Vec<String> {
    let apart = |g: GroupId| {
        contracts
            .iter()
            .any(|c| c.members.contains(&g) && (c.members.contains(&a) || c.members.contains(&b)))
    };
    let empty = BTreeSet::new();
    let of_a = imported.get(&a).unwrap_or(&empty);
    let of_b = imported.get(&b).unwrap_or(&empty);
    of_a.intersection(of_b)
        .filter(|&&g| !apart(g) && cx.model.group(g).is_some_and(|g| g.value.is_none()))
        .filter_map(|&g| {
            let (group, decl) = cx.group(g)?;
            Some(match decl.folder() {
                Some(folder) => format!("`{}` in `{folder}`", group.name),
                None => format!("`{}`", group.name),
            })
        })
        .collect()
}

/// One independence contract: its groups, reason, type-only setting and where it is written.
struct Contract<'a> {
    /// Its groups (a set: a template may have a thousand instances).
    members: BTreeSet<GroupId>,
    reason: Option<&'a str>,
    type_only: Option<TypeOnly>,
    /// Also through chains of imports.
    indirect: bool,
    decl: &'a Region,
}

impl Rule for SiblingImport {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &CheckContext<'_>, out: &mut Vec<Diagnostic>) {
        let mut contracts: Vec<Contract<'_>> = cx
            .config
            .independent
            .iter()
            .zip(&cx.model.independent)
            .map(|(rule, groups)| Contract {
                members: groups.iter().copied().collect(),
                reason: rule.reason.as_deref(),
                type_only: rule.type_only,
                indirect: rule.indirect.unwrap_or(cx.config.check.indirect),
                decl: &rule.decl,
            })
            .collect();
        // `independent = true` on a template: its instances form one contract.
        for (m, decl) in cx.config.modules.iter().enumerate() {
            if !decl.independent {
                continue;
            }
            let groups: Vec<GroupId> = (0..cx.model.groups.len())
                .filter(|&g| cx.model.group(g).is_some_and(|g| g.decl == Decl::Module(m)))
                .collect();
            // The template's description says why, when it has one.
            contracts.push(Contract {
                members: groups.into_iter().collect(),
                reason: decl.description.as_deref(),
                type_only: None,
                indirect: decl.indirect.unwrap_or(cx.config.check.indirect),
                decl: decl.spans.independent.as_ref().unwrap_or(&decl.decl),
            });
        }
        if contracts.is_empty() {
            return;
        }
        let imported = imported_groups(cx);
        // The contracts each group is in: an import is checked against those of its file's
        // groups, not against every contract.
        let mut contracts_of: BTreeMap<GroupId, Vec<usize>> = BTreeMap::new();
        for (i, contract) in contracts.iter().enumerate() {
            for &g in &contract.members {
                contracts_of.entry(g).or_default().push(i);
            }
        }
        for import in cx.imports(&META) {
            let Target::File(to) = import.to else {
                continue;
            };
            let mut candidates: Vec<usize> = cx
                .model
                .groups_of(import.from)
                .filter_map(|g| contracts_of.get(&g))
                .flatten()
                .copied()
                .collect();
            candidates.sort_unstable();
            candidates.dedup();
            for contract in candidates.iter().filter_map(|&i| contracts.get(i)) {
                let from_group = cx
                    .model
                    .groups_of(import.from)
                    .find(|g| contract.members.contains(g));
                let to_group = cx
                    .model
                    .groups_of(to)
                    .find(|g| contract.members.contains(g));
                let (Some(a), Some(b)) = (from_group, to_group) else {
                    continue;
                };
                if a == b || cx.skips_type_only(import.from, import.site, contract.type_only) {
                    continue;
                }
                out.push(sibling_import(
                    cx,
                    &import,
                    to,
                    (a, b),
                    contract,
                    (&contracts, &imported),
                ));
            }
        }
        // The chain graphs and one index of each group's files, shared by every contract (a
        // configuration may hold thousands).
        let mut graphs = ChainGraphs::new(&META);
        let mut files_of: BTreeMap<GroupId, Vec<FileId>> = BTreeMap::new();
        if contracts.iter().any(|c| c.indirect) {
            for file in 0..cx.graph.files.len() {
                for g in cx.model.groups_of(file) {
                    files_of.entry(g).or_default().push(file);
                }
            }
        }
        for contract in contracts.iter().filter(|c| c.indirect) {
            let graph = graphs.get(cx, contract.type_only);
            indirect_chains(cx, (graph, &files_of), contract, out);
        }
    }
}

/// `indirect = true`: chains from each member to another through files in no member. Only
/// the pairs a chain can join are cut (a template may have a thousand instances).
fn indirect_chains(
    cx: &CheckContext<'_>,
    (graph, files_of): (&ChainGraph<'_>, &BTreeMap<GroupId, Vec<FileId>>),
    contract: &Contract<'_>,
    out: &mut Vec<Diagnostic>,
) {
    // A file's member group: its layer or module, if the contract names it.
    let member = |f: FileId| cx.model.groups_of(f).find(|g| contract.members.contains(g));
    // A file in two members (a layer and a module) belongs to the first, as `member` says;
    // `files_of` lists files in order, so each group's files are sorted.
    let mut by_group: BTreeMap<GroupId, Vec<FileId>> = BTreeMap::new();
    for &g in &contract.members {
        for &file in files_of.get(&g).map_or(&[][..], Vec::as_slice) {
            if member(file) == Some(g) {
                by_group.entry(g).or_default().push(file);
            }
        }
    }
    let name = |g: GroupId| cx.model.group(g).map_or("", |g| g.name.as_str());
    let between = |f: FileId| member(f).is_none();
    let mut cuts = Cuts::default();
    for (&a, sources) in &by_group {
        let mut forward = Forward::new(graph, &between, sources);
        let mut hit: Vec<GroupId> = forward
            .targets()
            .filter_map(member)
            .filter(|&b| b != a)
            .collect();
        hit.sort_unstable();
        hit.dedup();
        for b in hit {
            let role = |f: FileId| match member(f) {
                Some(g) if g == a => Role::Source,
                Some(g) if g == b => Role::Target,
                Some(_) => Role::Out,
                None => Role::Between,
            };
            let targets = by_group.get(&b).map_or(&[][..], Vec::as_slice);
            cuts.add(
                indirect::cut(cx, graph, &role, targets, &mut forward),
                (a, b),
            );
        }
    }
    let files = |g: &GroupId| by_group.get(g).map_or(&[][..], Vec::as_slice);
    cuts.prune(graph, &between, &files, &files);
    let links = cuts.len();
    for (cut, groups) in cuts.into_links() {
        let pairs: Vec<(String, String)> = groups
            .iter()
            .map(|&(a, b)| (name(a).to_owned(), name(b).to_owned()))
            .collect();
        let Some((a, b)) = pairs.first() else {
            continue;
        };
        out.push(chain_finding(
            cx,
            &META,
            &cut,
            ChainFinding {
                contract: format!("from `{a}` to its independent sibling `{b}`"),
                pairs: &pairs,
                links,
                through: "files of no member",
                review: "Making the groups dependent in layers.toml needs a human review.",
                note: contract.reason.map(str::to_owned),
                location: cx.config_location(contract.decl, "the independence contract"),
            },
        ));
    }
}

fn sibling_import(
    cx: &CheckContext<'_>,
    import: &Import<'_>,
    to: FileId,
    (a, b): (GroupId, GroupId),
    contract: &Contract<'_>,
    (contracts, imported): (&[Contract<'_>], &BTreeMap<GroupId, BTreeSet<GroupId>>),
) -> Diagnostic {
    let path = cx.path(import.from);
    let target = cx.path(to);
    let name = |g: GroupId| cx.model.group(g).map_or("", |g| g.name.as_str());
    let (a_name, b_name) = (name(a), name(b));
    // What both could use instead: groups outside the contract that files of both already
    // import, else the layers below the importing file's.
    let shared = shared_groups(cx, (a, b), contracts, imported);
    let instead = if shared.is_empty() {
        let below: Vec<String> = cx
            .layer_of(import.from)
            .map(|l| {
                cx.layers_at_or_below(l)
                    .filter(|l| !contract.members.contains(&l.rank) && l.rank != a && l.rank != b)
                    .filter_map(|l| l.folder().map(|f| format!("`{}` in `{f}`", l.name)))
                    .collect()
            })
            .unwrap_or_default();
        if below.is_empty() {
            "into a module both may import".to_owned()
        } else {
            format!("into a group both may import ({})", below.join(", "))
        }
    } else {
        format!("into a group both already import ({})", shared.join(", "))
    };
    let what = if import.site.kind == crate::lang::ImportKind::Manifest {
        format!("what `{a_name}` uses from `{b_name}`")
    } else {
        format!("what `{path}` uses from `{target}`")
    };
    let mut facts = import_facts(cx, import);
    facts.from_group = Some(a_name.to_owned());
    facts.to_group = Some(b_name.to_owned());
    Diagnostic::new(META.id, META.default_severity, path, import.site.region.clone())
        .message(format!(
            "`{path}` (`{a_name}`) imports `{target}` (`{b_name}`): `{a_name}` and `{b_name}` are independent"
        ))
        .label(format!("`{target}` is in `{b_name}`"))
        .help(format!(
            "{}: `{a_name}` must not depend on its sibling `{b_name}`. Move {what} {instead}, or \
             have the code that uses both pass it in. Making the two dependent in layers.toml \
             needs a human review.",
            removal(import.site, path),
        ))
        .note(contract.reason.map(str::to_owned))
        .related(cx.target_location(to))
        .contract(cx.config_location(contract.decl, "the independence contract"))
        .import(facts)
}
