//! Chains of imports (SPEC §8 "Indirect chains"), shared by the rules whose contracts take
//! `indirect = true`: the layer order, `[[forbid]]`, and independence.
//!
//! For a contract between source files S and target files T, a chain is s → f1 → … → t with
//! every f an allowed intermediate (outside S ∪ T, narrowed by the contract). archgate finds a
//! minimum set of file-to-file links whose removal disconnects S from T (a link weighs 1, then
//! its number of import sites; of the minimum cuts, the one nearest T) and reports each link
//! of the cut at its first import site: the finding sits where the fix goes, and there are as
//! many findings as edits needed. Direct imports from S to T are the direct rule's findings
//! and are left out of the chains.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use crate::check::{CheckContext, RuleMeta, Target};
use crate::config::TypeOnly;
use crate::diagnostic::ChainLink;
use crate::graph::Site;
use crate::graph::algo::{Network, min_cut};
use crate::resolve::FileId;

/// The imports a contract's chains may use: every import between files that no `[[allow]]`
/// waives for the rule, and that the contract's `type_only` keeps.
pub(crate) struct ChainGraph<'a> {
    /// For each file, the files it imports, with that link's import sites (first first).
    succ: Vec<Vec<(FileId, Vec<&'a Site>)>>,
    /// For each file, the files that import it.
    pred: Vec<Vec<FileId>>,
}

impl<'a> ChainGraph<'a> {
    pub fn new(
        cx: &CheckContext<'a>,
        rule: &'static RuleMeta,
        type_only: Option<TypeOnly>,
    ) -> Self {
        let files = cx.graph.files.len();
        let mut links: BTreeMap<(FileId, FileId), Vec<&'a Site>> = BTreeMap::new();
        for import in cx.imports(rule) {
            let Target::File(to) = import.to else {
                continue;
            };
            if to == import.from || cx.skips_type_only(import.from, import.site, type_only) {
                continue;
            }
            links
                .entry((import.from, to))
                .or_default()
                .push(import.site);
        }
        let mut succ: Vec<Vec<(FileId, Vec<&'a Site>)>> = vec![Vec::new(); files];
        let mut pred: Vec<Vec<FileId>> = vec![Vec::new(); files];
        for ((from, to), mut sites) in links {
            sites.sort_by_key(|s| s.region.start);
            if let Some(list) = succ.get_mut(from) {
                list.push((to, sites));
            }
            if let Some(list) = pred.get_mut(to) {
                list.push(from);
            }
        }
        Self { succ, pred }
    }

    fn sites(&self, from: FileId, to: FileId) -> &[&'a Site] {
        self.succ
            .get(from)
            .and_then(|l| l.iter().find(|(t, _)| *t == to))
            .map_or(&[], |(_, s)| s.as_slice())
    }
}

/// What a file is to one contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    Source,
    Target,
    /// A file a chain may pass through.
    Between,
    /// Neither: chains do not pass through it.
    Out,
}

/// One link of a minimum cut.
#[derive(Debug, Clone)]
pub(crate) struct Cut<'a> {
    pub from: FileId,
    pub to: FileId,
    /// The link's first import site, where the finding goes.
    pub site: &'a Site,
    /// The shortest chain through the link, source first.
    pub chain: Vec<ChainLink>,
    /// How many files of S reach T only through this link.
    pub isolated: usize,
}

/// The links of the minimum cut between the files whose role is `Source` and those whose role
/// is `Target`, through `Between` files.
pub(crate) fn cut<'a>(
    cx: &CheckContext<'_>,
    graph: &ChainGraph<'a>,
    role: &dyn Fn(FileId) -> Role,
    (sources, targets): (&[FileId], &[FileId]),
    forward: &[bool],
) -> Vec<Cut<'a>> {
    let Some((on_chain, chain_files)) = files_on_chains(graph, role, forward, targets) else {
        return Vec::new();
    };
    // The links of the chain network: S → between, between → between, between → T.
    let in_network = |from: FileId, to: FileId| {
        let between =
            |f: FileId| role(f) == Role::Between && on_chain.get(f).copied().unwrap_or(false);
        match (role(from), role(to)) {
            (Role::Source, _) => between(to),
            (Role::Between, Role::Target) => between(from),
            (Role::Between, Role::Between) => between(from) && between(to),
            _ => false,
        }
    };
    // Only sources and files on a chain start links: the rest of the graph is not visited.
    let mut links: Vec<(FileId, FileId, usize)> = Vec::new();
    for &from in sources.iter().chain(&chain_files) {
        for (to, sites) in graph.succ.get(from).map_or(&[][..], Vec::as_slice) {
            if in_network(from, *to) {
                links.push((from, *to, sites.len()));
            }
        }
    }
    // Nodes: 0 the source, 1 the sink, then every file on a link.
    let mut node_of: BTreeMap<FileId, usize> = BTreeMap::new();
    for &(a, b, _) in &links {
        for f in [a, b] {
            let next = node_of.len() + 2;
            node_of.entry(f).or_insert(next);
        }
    }
    let weight =
        u64::try_from(links.iter().map(|l| l.2).sum::<usize>() + 1).unwrap_or(u64::MAX / 4);
    let mut network = Network::new(node_of.len() + 2);
    let mut index_of: BTreeMap<usize, (FileId, FileId)> = BTreeMap::new();
    for &(a, b, sites) in &links {
        let (Some(&na), Some(&nb)) = (node_of.get(&a), node_of.get(&b)) else {
            continue;
        };
        let capacity = weight + u64::try_from(sites).unwrap_or(0);
        index_of.insert(network.add(na, nb, capacity), (a, b));
    }
    let infinite = u64::MAX / 2;
    for (&file, &node) in &node_of {
        match role(file) {
            Role::Source => {
                network.add(0, node, infinite);
            }
            Role::Target => {
                network.add(node, 1, infinite);
            }
            _ => {}
        }
    }
    let network_links: Vec<(FileId, FileId)> = links.iter().map(|&(a, b, _)| (a, b)).collect();
    // How many sources reach a target at all: the same for every link of the cut.
    let reaching_all = reaching(&network_links, role, None);
    let mut cuts = Vec::new();
    for l in min_cut(network, 0, 1) {
        let Some(&(from, to)) = index_of.get(&l) else {
            continue;
        };
        let Some(&site) = graph.sites(from, to).first() else {
            continue;
        };
        let chain = chain_through(cx, graph, &network_links, role, (from, to));
        let isolated =
            reaching_all.saturating_sub(reaching(&network_links, role, Some((from, to))));
        cuts.push(Cut {
            from,
            to,
            site,
            chain,
            isolated,
        });
    }
    cuts
}

/// The intermediates a chain from `sources` can reach: the `between` files reachable from
/// `sources` through `between` files. It depends only on the sources, so a contract computes
/// it once per source group, for all of its targets.
pub(crate) fn forward(
    graph: &ChainGraph<'_>,
    between: &dyn Fn(FileId) -> bool,
    sources: &[FileId],
) -> Vec<bool> {
    let mut seen = vec![false; graph.succ.len()];
    let mut queue: VecDeque<FileId> = sources.iter().copied().collect();
    while let Some(node) = queue.pop_front() {
        for (next, _) in graph.succ.get(node).map_or(&[][..], Vec::as_slice) {
            if between(*next) && !seen.get(*next).copied().unwrap_or(true) {
                if let Some(x) = seen.get_mut(*next) {
                    *x = true;
                }
                queue.push_back(*next);
            }
        }
    }
    seen
}

/// The files a chain from a `forward` intermediate reaches that are not intermediates: the
/// candidate targets, for pruning the pairs of a many-group contract.
pub(crate) fn reached(
    graph: &ChainGraph<'_>,
    forward: &[bool],
    between: &dyn Fn(FileId) -> bool,
) -> Vec<FileId> {
    let mut out: Vec<FileId> = forward
        .iter()
        .enumerate()
        .filter(|(_, on)| **on)
        .flat_map(|(f, _)| {
            graph
                .succ
                .get(f)
                .map_or(&[][..], Vec::as_slice)
                .iter()
                .map(|(t, _)| *t)
        })
        .filter(|&t| !between(t))
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// The intermediates on some chain to `targets`: reached forward (`forward`) and reaching a
/// target backward through intermediates; `None` when no chain exists.
fn files_on_chains(
    graph: &ChainGraph<'_>,
    role: &dyn Fn(FileId) -> Role,
    forward: &[bool],
    targets: &[FileId],
) -> Option<(Vec<bool>, Vec<FileId>)> {
    let mut on_chain = vec![false; graph.succ.len()];
    let mut chain_files = Vec::new();
    let mut queue: VecDeque<FileId> = targets.iter().copied().collect();
    while let Some(node) = queue.pop_front() {
        for &prev in graph.pred.get(node).map_or(&[][..], Vec::as_slice) {
            if role(prev) == Role::Between
                && forward.get(prev).copied().unwrap_or(false)
                && !on_chain.get(prev).copied().unwrap_or(true)
            {
                if let Some(o) = on_chain.get_mut(prev) {
                    *o = true;
                }
                chain_files.push(prev);
                queue.push_back(prev);
            }
        }
    }
    (!chain_files.is_empty()).then_some((on_chain, chain_files))
}

/// How many sources reach a target over `links`, without the link `removed`.
fn reaching(
    links: &[(FileId, FileId)],
    role: &dyn Fn(FileId) -> Role,
    removed: Option<(FileId, FileId)>,
) -> usize {
    let mut pred: BTreeMap<FileId, Vec<FileId>> = BTreeMap::new();
    for &(a, b) in links {
        if Some((a, b)) != removed {
            pred.entry(b).or_default().push(a);
        }
    }
    let mut seen: std::collections::BTreeSet<FileId> = std::collections::BTreeSet::new();
    let mut queue: VecDeque<FileId> = pred
        .keys()
        .copied()
        .filter(|&f| role(f) == Role::Target)
        .collect();
    while let Some(node) = queue.pop_front() {
        for &p in pred.get(&node).map_or(&[][..], Vec::as_slice) {
            if seen.insert(p) {
                queue.push_back(p);
            }
        }
    }
    seen.iter().filter(|&&f| role(f) == Role::Source).count()
}

/// The shortest chain source → … → `link` → … → target over `links`.
fn chain_through(
    cx: &CheckContext<'_>,
    graph: &ChainGraph<'_>,
    links: &[(FileId, FileId)],
    role: &dyn Fn(FileId) -> Role,
    (from, to): (FileId, FileId),
) -> Vec<ChainLink> {
    let mut succ: BTreeMap<FileId, Vec<FileId>> = BTreeMap::new();
    let mut pred: BTreeMap<FileId, Vec<FileId>> = BTreeMap::new();
    for &(a, b) in links {
        succ.entry(a).or_default().push(b);
        pred.entry(b).or_default().push(a);
    }
    // Back from `from` to the nearest source, forward from `to` to the nearest target.
    let walk = |start: FileId, next: &BTreeMap<FileId, Vec<FileId>>, goal: Role| {
        let mut parent: BTreeMap<FileId, FileId> = BTreeMap::new();
        let mut queue = VecDeque::from([start]);
        let mut found = (role(start) == goal).then_some(start);
        while found.is_none() {
            let Some(node) = queue.pop_front() else {
                break;
            };
            for &n in next.get(&node).map_or(&[][..], Vec::as_slice) {
                if n == start || parent.contains_key(&n) {
                    continue;
                }
                parent.insert(n, node);
                if role(n) == goal {
                    found = Some(n);
                    break;
                }
                queue.push_back(n);
            }
        }
        let mut path = Vec::new();
        let mut at = found;
        while let Some(node) = at {
            path.push(node);
            at = parent.get(&node).copied();
        }
        path
    };
    // `walk` gives goal → … → start; the head goes source → … → from.
    let head = walk(from, &pred, Role::Source);
    let mut tail = walk(to, &succ, Role::Target);
    tail.reverse();
    let files: Vec<FileId> = head.into_iter().chain(tail).collect();
    files
        .windows(2)
        .filter_map(|pair| {
            let (a, b) = (*pair.first()?, *pair.get(1)?);
            let site = graph.sites(a, b).first()?;
            Some(ChainLink {
                path: cx.path(a).to_owned(),
                line: site.region.start.line,
                column: site.region.start.column,
                target: cx.path(b).to_owned(),
            })
        })
        .collect()
}

/// Whether a chain still joins `sources` to a target once the links `removed` are gone.
pub(crate) fn joined(
    graph: &ChainGraph<'_>,
    role: &dyn Fn(FileId) -> Role,
    sources: &[FileId],
    removed: &Links,
) -> bool {
    let mut seen = BTreeSet::new();
    let mut queue: VecDeque<FileId> = sources.iter().copied().collect();
    while let Some(node) = queue.pop_front() {
        for (next, _) in graph.succ.get(node).map_or(&[][..], Vec::as_slice) {
            if removed.contains(&(node, *next)) {
                continue;
            }
            match role(*next) {
                Role::Target if role(node) == Role::Between => return true,
                Role::Between if seen.insert(*next) => queue.push_back(*next),
                _ => {}
            }
        }
    }
    false
}

/// Cut links merged over the pairs of one contract: a link cut for several pairs is one edit,
/// so one finding.
#[derive(Default)]
pub(crate) struct Cuts<'a> {
    by_link: BTreeMap<(FileId, FileId), (Cut<'a>, Pairs)>,
}

/// A set of file-to-file links.
pub(crate) type Links = BTreeSet<(FileId, FileId)>;

/// The (source group, target group) pairs a link's chains join.
pub(crate) type Pairs = Vec<(String, String)>;

impl<'a> Cuts<'a> {
    /// Adds the cut of the pair `(from_group, to_group)`.
    pub fn add(&mut self, cuts: Vec<Cut<'a>>, from_group: &str, to_group: &str) {
        for cut in cuts {
            let entry = self
                .by_link
                .entry((cut.from, cut.to))
                .or_insert_with(|| (cut.clone(), Vec::new()));
            entry.1.push((from_group.to_owned(), to_group.to_owned()));
            entry.0.isolated = entry.0.isolated.max(cut.isolated);
        }
    }

    /// Drops the links the rest of the cut makes unnecessary: the union of each pair's
    /// minimum cut may hold a link whose chains another pair's links already break.
    /// `is_cut(pair, removed)` says whether no chain joins the pair once `removed` are gone.
    pub fn prune(&mut self, is_cut: &dyn Fn(&(String, String), &Links) -> bool) {
        let mut removed: BTreeSet<(FileId, FileId)> = self.by_link.keys().copied().collect();
        // Links serving the fewest pairs are the likeliest to be spare: try them first.
        let mut order: Vec<((FileId, FileId), usize)> = self
            .by_link
            .iter()
            .map(|(&k, (_, pairs))| (k, pairs.len()))
            .collect();
        order.sort_by_key(|&(k, n)| (n, k));
        for (link, _) in order {
            removed.remove(&link);
            let pairs = self
                .by_link
                .get(&link)
                .map_or(&[][..], |(_, p)| p.as_slice());
            if pairs.iter().all(|p| is_cut(p, &removed)) {
                self.by_link.remove(&link);
            } else {
                removed.insert(link);
            }
        }
    }

    /// How many links the contract's cut has: the number of edits it needs.
    pub fn len(&self) -> usize {
        self.by_link.len()
    }

    /// Each link with its pairs, in link order.
    pub fn into_links(self) -> impl Iterator<Item = (Cut<'a>, Pairs)> {
        self.by_link.into_values()
    }
}

/// The finding for one cut link of a contract, under the contract's own rule.
pub(crate) struct ChainFinding<'t> {
    /// The contract in prose: "from layer `domain` to higher layer `api`".
    pub contract: String,
    /// The pairs of groups whose chains the link carries (`from_group`, `to_group`).
    pub pairs: &'t [(String, String)],
    /// How many links the contract's cut has.
    pub links: usize,
    /// What chains pass through: "files in no layer".
    pub through: &'t str,
    /// The rule-specific last sentence.
    pub review: &'t str,
    pub note: Option<String>,
    pub location: crate::diagnostic::Location,
}

pub(crate) fn chain_finding(
    cx: &CheckContext<'_>,
    meta: &'static RuleMeta,
    cut: &Cut<'_>,
    finding: ChainFinding<'_>,
) -> crate::diagnostic::Diagnostic {
    let path = cx.path(cut.from);
    let target = cx.path(cut.to);
    let chain_text = cut
        .chain
        .iter()
        .map(|l| format!("{}:{}", l.path, l.line))
        .chain(cut.chain.last().map(|l| l.target.clone()))
        .collect::<Vec<_>>()
        .join(" → ");
    let pairs = if finding.pairs.len() > 1 {
        format!(
            ", and the chains of {} pairs of groups",
            finding.pairs.len()
        )
    } else {
        String::new()
    };
    let which = if finding.links > 1 {
        format!("one of the {} imports", finding.links)
    } else {
        "the one import".to_owned()
    };
    let files = match cut.isolated {
        0 => String::new(),
        1 => "; 1 file of the source reaches the target only through it".to_owned(),
        n => format!("; {n} files of the source reach the target only through it"),
    };
    let mut facts = crate::check::import_facts(
        cx,
        &crate::check::Import {
            index: petgraph::graph::EdgeIndex::new(0),
            from: cut.from,
            to: Target::File(cut.to),
            site: cut.site,
        },
    );
    if let Some((from_group, to_group)) = finding.pairs.first() {
        facts.from_group = Some(from_group.clone());
        facts.to_group = Some(to_group.clone());
    }
    let mut diagnostic = crate::diagnostic::Diagnostic::new(
        meta.id,
        meta.default_severity,
        path,
        cut.site.region.clone(),
    )
    .message(format!(
        "`{path}` imports `{target}`, a link of a chain of imports {} through {}",
        finding.contract, finding.through
    ))
    .label(format!("the link to cut: {chain_text}"))
    .help(format!(
        "{}: it is {which} to cut so that no chain of imports leads {}{pairs}{files}. Move what \
         `{path}` uses from `{target}` elsewhere, or invert the dependency (pass it in as a \
         parameter or callback). {}",
        crate::check::removal(cut.site, path),
        finding.contract,
        finding.review,
    ))
    .note(finding.note)
    .related(cx.target_location(cut.to))
    .contract(finding.location)
    .chain(cut.chain.clone())
    .import(facts);
    diagnostic.indirect = true;
    diagnostic
}
