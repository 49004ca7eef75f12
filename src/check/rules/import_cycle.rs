//! `import-cycle` (AG008): a cycle of imports among the files (or groups) of a `[[cycles]]`
//! scope. One finding per strongly connected component, at the import the component's
//! shortest cycles share most: removing it breaks the most of them.
//!
//! What closes a cycle: every import made at run time, wherever it is written (a Python import
//! inside a function and a dynamic `import()` still run, so they count; waive a deliberate one
//! with `[[allow]] rules = ["import-cycle"]`). Type-only imports do not, unless `type_only =
//! "check"`. Rust `mod` declarations do not either: a module tree is a parent→child structure
//! whose children may name their parent (`super::`), which is not a dependency cycle; the
//! `use` and path imports between modules do count. A file importing itself is no cycle.

use std::collections::BTreeMap;

use crate::check::{
    CheckContext, Import, Rule, RuleMeta, Target, file_name, import_facts, removal,
};
use crate::config::{Between, CyclesRule, GroupId};
use crate::diagnostic::{ChainLink, Diagnostic, RuleId, Severity};
use crate::graph::algo;
use crate::lang::ImportKind;
use crate::resolve::FileId;

pub(crate) static META: RuleMeta = RuleMeta {
    id: RuleId {
        code: "AG008",
        name: "import-cycle",
    },
    summary: "a cycle of imports among files or groups in a `[[cycles]]` scope",
    doc: include_str!("../../../rules/import-cycle.md"),
    default_severity: Severity::Error,
};

pub(crate) struct ImportCycle;

impl Rule for ImportCycle {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &CheckContext<'_>, out: &mut Vec<Diagnostic>) {
        if cx.config.cycles.is_empty() {
            return;
        }
        let imports: Vec<Import<'_>> = cx.imports(&META).collect();
        // A scope's imports are those made by its files: found through the files, so that
        // each scope costs its own imports, not the whole graph's (a configuration may hold
        // thousands of `[[cycles]]` entries).
        let scoped = cx.model.cycles.iter().any(Option::is_some);
        let (by_selector, by_file) = if scoped {
            let mut by_file: Vec<Vec<usize>> = vec![Vec::new(); cx.graph.files.len()];
            for (k, import) in imports.iter().enumerate() {
                if let Some(list) = by_file.get_mut(import.from) {
                    list.push(k);
                }
            }
            (cx.model.files_by_selector(), by_file)
        } else {
            (Vec::new(), Vec::new())
        };
        for (i, rule) in cx.config.cycles.iter().enumerate() {
            let scope = cx.model.cycles.get(i).copied().flatten();
            match scope {
                None => check_scope(cx, rule, scope, imports.iter().copied(), out),
                Some(s) => {
                    // In the order of the whole list, as for an unscoped rule.
                    let mut positions: Vec<usize> = by_selector
                        .get(s as usize)
                        .into_iter()
                        .flatten()
                        .filter_map(|&file| by_file.get(file))
                        .flatten()
                        .copied()
                        .collect();
                    positions.sort_unstable();
                    let own = positions.iter().filter_map(|&k| imports.get(k).copied());
                    check_scope(cx, rule, scope, own, out);
                }
            }
        }
    }
}

/// The graph of one scope: nodes (files, or groups), and for each ordered pair of nodes the
/// imports between them, sorted by path and position.
struct ScopeGraph<'a> {
    /// What each node stands for: a file, or a group.
    nodes: Vec<usize>,
    adjacency: Vec<Vec<usize>>,
    links: BTreeMap<(usize, usize), Vec<Import<'a>>>,
}

fn check_scope<'a>(
    cx: &CheckContext<'a>,
    rule: &CyclesRule,
    scope: Option<crate::config::SelectorId>,
    imports: impl Iterator<Item = Import<'a>>,
    out: &mut Vec<Diagnostic>,
) {
    let in_scope = |file: FileId| scope.is_none_or(|s| cx.model.contains(file, s));
    // A file's node: itself, or with `between = "groups"` its module, else its layer.
    let node_key = |file: FileId| -> Option<usize> {
        if !in_scope(file) {
            return None;
        }
        match rule.between {
            Between::Files => Some(file),
            Between::Groups => cx.model.module(file).or_else(|| cx.model.layer(file)),
        }
    };
    let mut index: BTreeMap<usize, usize> = BTreeMap::new();
    let mut graph = ScopeGraph {
        nodes: Vec::new(),
        adjacency: Vec::new(),
        links: BTreeMap::new(),
    };
    for import in imports {
        let Target::File(to) = import.to else {
            continue;
        };
        if import.site.kind == ImportKind::Mod
            || (import.site.kind.is_type_only()
                && rule.type_only == crate::config::TypeOnly::Ignore)
        {
            continue;
        }
        let (Some(a), Some(b)) = (node_key(import.from), node_key(to)) else {
            continue;
        };
        if a == b {
            continue;
        }
        let mut node = |key: usize| {
            *index.entry(key).or_insert_with(|| {
                graph.nodes.push(key);
                graph.adjacency.push(Vec::new());
                graph.nodes.len() - 1
            })
        };
        let (a, b) = (node(a), node(b));
        graph.links.entry((a, b)).or_default().push(import);
    }
    for (&(a, b), imports) in &mut graph.links {
        if let Some(next) = graph.adjacency.get_mut(a) {
            next.push(b);
        }
        imports.sort_by(|x, y| {
            (cx.path(x.from), x.site.region.start).cmp(&(cx.path(y.from), y.site.region.start))
        });
    }
    // Successors in a stable order (by what they stand for), so ties break the same way.
    for next in &mut graph.adjacency {
        next.sort_by_key(|&n| graph.nodes.get(n).copied());
        next.dedup();
    }
    for component in algo::cyclic_components(&graph.adjacency) {
        if let Some(d) = component_finding(cx, rule, &graph, &component) {
            out.push(d);
        }
    }
}

/// The most nodes of one component whose shortest cycles choose the cut. Each is a search
/// of the whole component, so all of them cost its size squared: a ring of 20,000 files took
/// a minute. A larger component counts this many, spread evenly in path order. (The largest
/// components of Django, Sympy and Home Assistant have 144, 512 and 380 files.)
const MAX_CYCLE_SOURCES: usize = 1_000;

/// The finding for one component: the link on the most of its nodes' shortest cycles (ties:
/// fewest import sites, then path order), with the shortest cycle through that link.
fn component_finding(
    cx: &CheckContext<'_>,
    rule: &CyclesRule,
    graph: &ScopeGraph<'_>,
    component: &[usize],
) -> Option<Diagnostic> {
    let inside = |n: usize| component.binary_search(&n).is_ok();
    let mut sources = component.to_vec();
    if sources.len() > MAX_CYCLE_SOURCES {
        sources.sort_by_key(|&n| graph.nodes.get(n).copied());
        let step = sources.len().div_ceil(MAX_CYCLE_SOURCES);
        sources = sources.into_iter().step_by(step).collect();
    }
    let mut counts: BTreeMap<(usize, usize), usize> = BTreeMap::new();
    for &node in &sources {
        let Some(cycle) = algo::shortest_cycle_through(&graph.adjacency, node, inside) else {
            continue;
        };
        for (i, &a) in cycle.iter().enumerate() {
            let b = cycle.get(i + 1).copied().unwrap_or(node);
            *counts.entry((a, b)).or_default() += 1;
        }
    }
    let first_site = |link: &(usize, usize)| {
        graph
            .links
            .get(link)
            .and_then(|l| l.first())
            .map(|i| (cx.path(i.from), i.site.region.start))
    };
    let (&(a, b), &on) = counts.iter().max_by(|(l1, c1), (l2, c2)| {
        let sites = |l: &(usize, usize)| graph.links.get(l).map_or(0, Vec::len);
        c1.cmp(c2)
            .then_with(|| sites(l2).cmp(&sites(l1)))
            .then_with(|| first_site(l2).cmp(&first_site(l1)))
    })?;
    let import = graph.links.get(&(a, b))?.first()?;
    // The shortest cycle through the link: the link, then the shortest way back.
    let back = algo::shortest_path(&graph.adjacency, b, a, inside)?;
    let mut chain: Vec<ChainLink> = Vec::new();
    let mut cycle_nodes = vec![a];
    cycle_nodes.extend(back);
    for (i, &x) in cycle_nodes.iter().enumerate() {
        let y = cycle_nodes.get(i + 1).copied().unwrap_or(a);
        if x == y {
            continue;
        }
        let Some(link) = graph.links.get(&(x, y)).and_then(|l| l.first()) else {
            continue;
        };
        let Target::File(to) = link.to else { continue };
        chain.push(ChainLink {
            path: cx.path(link.from).to_owned(),
            line: link.site.region.start.line,
            column: link.site.region.start.column,
            target: cx.path(to).to_owned(),
        });
    }
    Some(import_cycle(
        cx,
        rule,
        graph,
        import,
        (component.len(), sources.len()),
        on,
        chain,
        (a, b),
    ))
}

#[expect(
    clippy::too_many_arguments,
    reason = "one builder for the one finding of a component"
)]
fn import_cycle(
    cx: &CheckContext<'_>,
    rule: &CyclesRule,
    graph: &ScopeGraph<'_>,
    import: &Import<'_>,
    (size, counted): (usize, usize),
    on: usize,
    chain: Vec<ChainLink>,
    (a, b): (usize, usize),
) -> Diagnostic {
    let path = cx.path(import.from);
    let Target::File(to) = import.to else {
        return Diagnostic::new(
            META.id,
            META.default_severity,
            path,
            import.site.region.clone(),
        );
    };
    let target = cx.path(to);
    let what = match rule.between {
        Between::Files => "files",
        Between::Groups => "groups",
    };
    let node_name = |n: usize| {
        graph
            .nodes
            .get(n)
            .map_or_else(String::new, |&key| match rule.between {
                Between::Files => cx.path(key).to_owned(),
                Between::Groups => cx
                    .model
                    .group(key as GroupId)
                    .map_or_else(String::new, |g| g.name.clone()),
            })
    };
    let cycle_len = chain.len();
    let mut facts = import_facts(cx, import);
    if rule.between == Between::Groups {
        facts.from_group = Some(node_name(a));
        facts.to_group = Some(node_name(b));
    } else {
        facts.to_group = None;
    }
    let link = match rule.between {
        Between::Files => format!("`{path}` → `{target}`"),
        Between::Groups => format!("`{}` → `{}`", node_name(a), node_name(b)),
    };
    let broken = if on == counted {
        "every one of them".to_owned()
    } else {
        format!("{on} of them")
    };
    let through = if counted == size {
        format!("each of the {size} {what}")
    } else {
        format!("{counted} of the {size} {what}, spread evenly in path order")
    };
    Diagnostic::new(
        META.id,
        META.default_severity,
        path,
        import.site.region.clone(),
    )
    .message(format!(
        "{link} closes an import cycle of {cycle_len} links, in a component of {size} \
                 {what} that import each other"
    ))
    .label(format!("closes a cycle through `{target}`"))
    .help(format!(
        "{} to break the cycle: of the shortest cycles through {through}, it is on \
                 {broken}. Move what `{}` uses from `{}` into a file both may \
                 import, or invert the dependency (pass it in as a parameter or callback); then \
                 run the check again for what remains of the component.",
        removal(import.site, path),
        file_name(path),
        file_name(target),
    ))
    .note(rule.reason.clone())
    .related(cx.target_location(to))
    .contract(cx.config_location(&rule.decl, "the [[cycles]] entry"))
    .chain(chain)
    .import(facts)
}
