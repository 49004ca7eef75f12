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
use crate::graph::algo::{Adjacency, Network, dominators, min_cut};
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
        // Each list is in target order (built from the ordered map above).
        self.succ
            .get(from)
            .and_then(|l| {
                let i = l.binary_search_by_key(&to, |(t, _)| *t).ok()?;
                l.get(i)
            })
            .map_or(&[], |(_, s)| s.as_slice())
    }
}

/// The chain graphs of one rule's contracts, built on first use: a graph depends only on the
/// contract's `type_only`, so thousands of contracts share at most three.
pub(crate) struct ChainGraphs<'a> {
    rule: &'static RuleMeta,
    /// For `type_only` unset, `"check"` and `"ignore"`.
    slots: [Option<ChainGraph<'a>>; 3],
}

impl<'a> ChainGraphs<'a> {
    pub fn new(rule: &'static RuleMeta) -> Self {
        Self {
            rule,
            slots: [None, None, None],
        }
    }

    pub fn get(&mut self, cx: &CheckContext<'a>, type_only: Option<TypeOnly>) -> &ChainGraph<'a> {
        let [unset, check, ignore] = &mut self.slots;
        let slot = match type_only {
            None => unset,
            Some(TypeOnly::Check) => check,
            Some(TypeOnly::Ignore) => ignore,
        };
        slot.get_or_insert_with(|| ChainGraph::new(cx, self.rule, type_only))
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

/// The links of the minimum cut between the sources `forward` starts from and `targets`, through
/// `Between` files.
pub(crate) fn cut<'a>(
    cx: &CheckContext<'_>,
    graph: &ChainGraph<'a>,
    role: &dyn Fn(FileId) -> Role,
    targets: &[FileId],
    forward: &mut Forward,
) -> Vec<Cut<'a>> {
    let chain_files = files_on_chains(forward, role, targets);
    if chain_files.is_empty() {
        return Vec::new();
    }
    let cuts = cut_network(cx, graph, role, targets, forward, &chain_files);
    // Leave the scratch tables as they were found, for the next pair.
    for &f in &chain_files {
        if let Some(o) = forward.on_chain.get_mut(f) {
            *o = false;
        }
    }
    cuts
}

/// [`cut`] once the files on a chain are marked in `forward.on_chain`.
fn cut_network<'a>(
    cx: &CheckContext<'_>,
    graph: &ChainGraph<'a>,
    role: &dyn Fn(FileId) -> Role,
    targets: &[FileId],
    forward: &mut Forward,
    chain_files: &[FileId],
) -> Vec<Cut<'a>> {
    let on_chain = &forward.on_chain;
    // The links of the chain network: S → between, between → between, between → T, where
    // each between file is on a chain. They are the imports into the files on a chain and
    // into the targets, from sources and files on a chain: only the network is visited.
    let on = |f: FileId| on_chain.get(f).copied().unwrap_or(false);
    let mut links: Vec<(FileId, FileId, usize)> = Vec::new();
    for &to in chain_files.iter().chain(targets) {
        let into_chain = on(to);
        for &from in forward.importers(to) {
            if on(from) || (into_chain && role(from) == Role::Source) {
                links.push((from, to, graph.sites(from, to).len()));
            }
        }
    }
    // Nodes: 0 the source, 1 the sink, then every file on a link, numbered in a dense table
    // (`NO_NODE` for the others).
    let node_of = &mut forward.node_of;
    let mut files: Vec<FileId> = Vec::new();
    let mut number = |f: FileId| match node_of.get_mut(f) {
        Some(n) if *n == NO_NODE => {
            *n = files.len() + 2;
            files.push(f);
            *n
        }
        Some(n) => *n,
        None => 0,
    };
    let node_links: Vec<(usize, usize)> = links
        .iter()
        .map(|&(a, b, _)| (number(a), number(b)))
        .collect();
    let chains = Chains::new(node_links, (node_of, files), role);
    let weight =
        u64::try_from(links.iter().map(|l| l.2).sum::<usize>() + 1).unwrap_or(u64::MAX / 4);
    let mut network = Network::new(chains.files.len());
    // Link `2k` of the network is `links[k]`: they are added first, in order.
    for (&(a, b), &(_, _, sites)) in chains.links.iter().zip(&links) {
        network.add(a, b, weight + u64::try_from(sites).unwrap_or(0));
    }
    let infinite = u64::MAX / 2;
    for node in 2..chains.files.len() {
        if chains.sources.get(node) == Some(&true) {
            network.add(0, node, infinite);
        } else if chains.targets.get(node) == Some(&true) {
            network.add(node, 1, infinite);
        }
    }
    let cut: Vec<(FileId, FileId)> = min_cut(network, 0, 1)
        .into_iter()
        .filter_map(|l| links.get(l / 2).map(|&(a, b, _)| (a, b)))
        .collect();
    let isolated = chains.isolated(&cut);
    let cuts = cut
        .iter()
        .zip(isolated)
        .filter_map(|(&(from, to), isolated)| {
            Some(Cut {
                from,
                to,
                site: graph.sites(from, to).first()?,
                chain: chains.chain_through(cx, graph, (from, to)),
                isolated,
            })
        })
        .collect();
    let Chains { files, .. } = chains;
    for &f in files.iter().skip(2) {
        if let Some(n) = forward.node_of.get_mut(f) {
            *n = NO_NODE;
        }
    }
    cuts
}

/// The chain network of one pair, on the numbering of [`cut`] (0 unused, 1 the sink, then
/// every file on a link): shortest chains and who depends on which link, for all the cut's
/// links at once.
struct Chains<'m> {
    node_of: &'m [usize],
    /// The file of each node (0 and 1 hold 0).
    files: Vec<FileId>,
    links: Vec<(usize, usize)>,
    sources: Vec<bool>,
    targets: Vec<bool>,
    /// For each node, the next node on a shortest chain back to a source.
    to_source: Vec<Option<usize>>,
    /// For each node, the next node on a shortest chain on to a target.
    to_target: Vec<Option<usize>>,
}

impl<'m> Chains<'m> {
    /// The network of `links` between nodes, numbered by `node_of`; `files` holds the file
    /// of each node from 2 on.
    fn new(
        links: Vec<(usize, usize)>,
        (node_of, files): (&'m [usize], Vec<FileId>),
        role: &dyn Fn(FileId) -> Role,
    ) -> Self {
        let files: Vec<FileId> = [0, 0].into_iter().chain(files).collect();
        let nodes = files.len();
        let is = |goal: Role| -> Vec<bool> {
            (0..nodes)
                .map(|n| n >= 2 && files.get(n).is_some_and(|&f| role(f) == goal))
                .collect()
        };
        let (sources, targets) = (is(Role::Source), is(Role::Target));
        let succ = Adjacency::new(nodes, &links);
        let reversed: Vec<(usize, usize)> = links.iter().map(|&(a, b)| (b, a)).collect();
        let pred = Adjacency::new(nodes, &reversed);
        // Breadth-first from every source forward (every target backward) at once: each
        // node's parent is its next step towards the nearest one.
        let tree = |starts: &[bool], next: &Adjacency| {
            let mut parent: Vec<Option<usize>> = vec![None; nodes];
            let mut seen = starts.to_vec();
            let mut queue: VecDeque<usize> = (0..nodes)
                .filter(|&n| starts.get(n).copied().unwrap_or(false))
                .collect();
            while let Some(node) = queue.pop_front() {
                for &n in next.of(node) {
                    if seen.get(n) == Some(&false) {
                        if let (Some(s), Some(p)) = (seen.get_mut(n), parent.get_mut(n)) {
                            *s = true;
                            *p = Some(node);
                        }
                        queue.push_back(n);
                    }
                }
            }
            parent
        };
        let to_source = tree(&sources, &succ);
        let to_target = tree(&targets, &pred);
        Self {
            node_of,
            files,
            links,
            sources,
            targets,
            to_source,
            to_target,
        }
    }

    fn node(&self, file: FileId) -> Option<usize> {
        self.node_of.get(file).copied().filter(|&n| n != NO_NODE)
    }

    /// For each link of `cut`, how many sources reach a target only through it: the sources
    /// its node dominates once each cut link is a node of its own, in the reverse network
    /// rooted at one node every target leads to.
    fn isolated(&self, cut: &[(FileId, FileId)]) -> Vec<usize> {
        let nodes = self.files.len();
        let cut_nodes: BTreeMap<(usize, usize), usize> = cut
            .iter()
            .enumerate()
            .filter_map(|(i, &(a, b))| Some(((self.node(a)?, self.node(b)?), nodes + i)))
            .collect();
        let mut reverse: Vec<(usize, usize)> = Vec::with_capacity(self.links.len() + cut.len());
        for &(a, b) in &self.links {
            match cut_nodes.get(&(a, b)) {
                Some(&x) => reverse.extend([(b, x), (x, a)]),
                None => reverse.push((b, a)),
            }
        }
        for (node, _) in self.targets.iter().enumerate().filter(|(_, t)| **t) {
            reverse.push((1, node));
        }
        let all = nodes + cut.len();
        let tree = dominators(&Adjacency::new(all, &reverse), 1);
        let mut count: Vec<usize> = (0..all)
            .map(|n| usize::from(self.sources.get(n).copied().unwrap_or(false)))
            .collect();
        for &node in tree.preorder.iter().rev() {
            let here = count.get(node).copied().unwrap_or(0);
            if let Some(c) = tree
                .idom
                .get(node)
                .copied()
                .flatten()
                .and_then(|d| count.get_mut(d))
            {
                *c += here;
            }
        }
        (0..cut.len())
            .map(|i| count.get(nodes + i).copied().unwrap_or(0))
            .collect()
    }

    /// The shortest chain source → … → `link` → … → target.
    fn chain_through(
        &self,
        cx: &CheckContext<'_>,
        graph: &ChainGraph<'_>,
        (from, to): (FileId, FileId),
    ) -> Vec<ChainLink> {
        let walk = |start: Option<usize>, parent: &[Option<usize>]| {
            let mut path = Vec::new();
            let mut at = start;
            // A parent chain ends: each step is one nearer its goal.
            while let Some(node) = at {
                if path.len() > self.files.len() {
                    break;
                }
                path.push(node);
                at = parent.get(node).copied().flatten();
            }
            path
        };
        let mut nodes = walk(self.node(from), &self.to_source);
        nodes.reverse();
        nodes.extend(walk(self.node(to), &self.to_target));
        let files: Vec<FileId> = nodes
            .iter()
            .filter_map(|&n| self.files.get(n).copied())
            .collect();
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
}

/// No node of the network: the files on no link.
const NO_NODE: usize = usize::MAX;

/// What chains from one set of sources can reach, for all of its targets at once: the
/// intermediates the sources reach through intermediates, and each import along the way. It
/// depends only on the sources, so a contract computes it once per source group; each pair's
/// network is then walked within it, never through the rest of a busy file's imports.
pub(crate) struct Forward {
    /// Whether each file is an intermediate the sources reach.
    reached: Vec<bool>,
    /// For each file a reached intermediate imports, and each intermediate a source imports:
    /// those importers. A source's direct imports of other files are the direct rules'.
    pred: BTreeMap<FileId, Vec<FileId>>,
    /// Scratch tables for [`cut`], one entry per file, left all `false` and `NO_NODE`
    /// between pairs: the files on a chain, and each file's node in the network.
    on_chain: Vec<bool>,
    node_of: Vec<usize>,
}

impl Forward {
    pub fn new(
        graph: &ChainGraph<'_>,
        between: &dyn Fn(FileId) -> bool,
        sources: &[FileId],
    ) -> Self {
        let mut reached = vec![false; graph.succ.len()];
        let mut pred: BTreeMap<FileId, Vec<FileId>> = BTreeMap::new();
        // (file, whether it is an intermediate rather than a source)
        let mut queue: VecDeque<(FileId, bool)> = sources.iter().map(|&s| (s, false)).collect();
        while let Some((node, intermediate)) = queue.pop_front() {
            for (next, _) in graph.succ.get(node).map_or(&[][..], Vec::as_slice) {
                if between(*next) {
                    pred.entry(*next).or_default().push(node);
                    if reached.get(*next) == Some(&false) {
                        if let Some(x) = reached.get_mut(*next) {
                            *x = true;
                        }
                        queue.push_back((*next, true));
                    }
                } else if intermediate {
                    pred.entry(*next).or_default().push(node);
                }
            }
        }
        let files = reached.len();
        Self {
            reached,
            pred,
            on_chain: vec![false; files],
            node_of: vec![NO_NODE; files],
        }
    }

    /// The files past the intermediates that a chain reaches: the candidate targets, for
    /// pruning the pairs of a many-group contract.
    pub fn targets(&self) -> impl Iterator<Item = FileId> + '_ {
        self.pred
            .keys()
            .copied()
            .filter(|&f| !self.reached.get(f).copied().unwrap_or(false))
    }

    fn importers(&self, file: FileId) -> &[FileId] {
        self.pred.get(&file).map_or(&[][..], Vec::as_slice)
    }
}

/// The intermediates on some chain to `targets`: reached forward and reaching a target
/// backward through intermediates, each once, marked in `forward.on_chain`.
fn files_on_chains(
    forward: &mut Forward,
    role: &dyn Fn(FileId) -> Role,
    targets: &[FileId],
) -> Vec<FileId> {
    let mut chain_files = Vec::new();
    let mut queue: VecDeque<FileId> = targets.iter().copied().collect();
    while let Some(node) = queue.pop_front() {
        for &prev in forward.pred.get(&node).map_or(&[][..], Vec::as_slice) {
            // Cheapest test first: this runs for every import into a chain.
            if forward.reached.get(prev).copied().unwrap_or(false)
                && !forward.on_chain.get(prev).copied().unwrap_or(true)
                && role(prev) == Role::Between
            {
                if let Some(o) = forward.on_chain.get_mut(prev) {
                    *o = true;
                }
                chain_files.push(prev);
                queue.push_back(prev);
            }
        }
    }
    chain_files
}

/// Cut links merged over the pairs of one contract: a link cut for several pairs is one edit,
/// so one finding. `K` names a pair of groups.
pub(crate) struct Cuts<'a, K> {
    by_link: BTreeMap<(FileId, FileId), (Cut<'a>, Vec<K>)>,
    /// Every pair with a cut, in the order added.
    pairs: Vec<K>,
}

impl<K> Default for Cuts<'_, K> {
    fn default() -> Self {
        Self {
            by_link: BTreeMap::new(),
            pairs: Vec::new(),
        }
    }
}

/// A set of file-to-file links.
type Links = BTreeSet<(FileId, FileId)>;

impl<'a, K: Clone> Cuts<'a, K> {
    /// Adds the cut of one pair.
    pub fn add(&mut self, cuts: Vec<Cut<'a>>, pair: K) {
        if cuts.is_empty() {
            return;
        }
        for cut in cuts {
            let entry = self
                .by_link
                .entry((cut.from, cut.to))
                .or_insert_with(|| (cut.clone(), Vec::new()));
            entry.1.push(pair.clone());
            entry.0.isolated = entry.0.isolated.max(cut.isolated);
        }
        self.pairs.push(pair);
    }

    /// How many links the contract's cut has: the number of edits it needs.
    pub fn len(&self) -> usize {
        self.by_link.len()
    }

    /// Each link with its pairs, in link order.
    pub fn into_links(self) -> impl Iterator<Item = (Cut<'a>, Vec<K>)> {
        self.by_link.into_values()
    }
}

impl<A: Ord + Clone, B: Ord + Clone> Cuts<'_, (A, B)> {
    /// Drops the links the rest of the cut makes unnecessary: the union of each pair's
    /// minimum cut may hold a link whose chains another pair's links already break. Links
    /// serving the fewest pairs are tried first; a link goes back into the graph when it
    /// completes no chain of any pair. A pair is (source group, target group); `between`
    /// says which files chains pass through (the same for every pair of a contract),
    /// `sources` and `targets` give a group's files.
    ///
    /// Each source group keeps the files it reaches, and each target group the files that
    /// reach it, with the cut links still out; they only grow as links come back, so the pass
    /// costs about one search per group.
    pub fn prune<'s>(
        &mut self,
        graph: &ChainGraph<'_>,
        between: &dyn Fn(FileId) -> bool,
        sources: &dyn Fn(&A) -> &'s [FileId],
        targets: &dyn Fn(&B) -> &'s [FileId],
    ) {
        let source_sides = numbered(self.pairs.iter().map(|(a, _)| a));
        let target_sides = numbered(self.pairs.iter().map(|(_, b)| b));
        let mut pruning = Pruning {
            graph,
            between,
            pairs: self
                .pairs
                .iter()
                .filter_map(|(a, b)| Some((*source_sides.get(a)?, *target_sides.get(b)?)))
                .collect(),
            removed: self.by_link.keys().copied().collect(),
            critical: Links::new(),
            forward: vec![BTreeSet::new(); source_sides.len()],
            back: vec![BTreeSet::new(); target_sides.len()],
            by_file: (BTreeMap::new(), BTreeMap::new()),
        };
        for (a, &i) in &source_sides {
            for &s in sources(a) {
                pruning.reach_forward(i, s);
            }
        }
        for (b, &j) in &target_sides {
            for &t in targets(b) {
                pruning.reach_back(j, t);
            }
        }
        let mut order: Vec<((FileId, FileId), usize)> = self
            .by_link
            .iter()
            .map(|(&k, (_, pairs))| (k, pairs.len()))
            .collect();
        order.sort_by_key(|&(k, n)| (n, k));
        for ((from, to), _) in order {
            if pruning.critical.contains(&(from, to)) {
                continue;
            }
            pruning.removed.remove(&(from, to));
            self.by_link.remove(&(from, to));
            if between(to) {
                for i in pruning.by_file.0.get(&from).cloned().unwrap_or_default() {
                    pruning.reach_forward(i, to);
                }
            }
            if between(from) {
                for j in pruning.by_file.1.get(&to).cloned().unwrap_or_default() {
                    pruning.reach_back(j, from);
                }
            }
        }
    }
}

/// The distinct items, numbered from 0 in their order.
fn numbered<'k, T: Ord>(items: impl Iterator<Item = &'k T>) -> BTreeMap<&'k T, usize> {
    let distinct: BTreeSet<&T> = items.collect();
    distinct
        .into_iter()
        .enumerate()
        .map(|(i, t)| (t, i))
        .collect()
}

/// The state of [`Cuts::prune`]. Source and target groups are numbered.
struct Pruning<'p, 'g> {
    graph: &'p ChainGraph<'g>,
    between: &'p dyn Fn(FileId) -> bool,
    /// The pairs with a cut, as (source group, target group).
    pairs: BTreeSet<(usize, usize)>,
    /// The cut links still out of the graph.
    removed: Links,
    /// Removed links that would complete a chain of some pair: they stay cut.
    critical: Links,
    /// For each source group, its files and the files chains from them reach, through files
    /// chains pass and links not removed.
    forward: Vec<BTreeSet<FileId>>,
    /// For each target group, its files and the files that reach them the same way.
    back: Vec<BTreeSet<FileId>>,
    /// For each file, the source groups whose `forward` holds it, and the target groups
    /// whose `back` does.
    by_file: (BTreeMap<FileId, Vec<usize>>, BTreeMap<FileId, Vec<usize>>),
}

impl Pruning<'_, '_> {
    /// Whether the removed link `from` → `to` would complete a chain of the pair: a source
    /// (or a file it reaches) on one end, a target (or a file reaching it) on the other, and
    /// not a direct import from a source to a target.
    fn completes(&self, (from, to): (FileId, FileId), (i, j): (usize, usize)) -> bool {
        self.pairs.contains(&(i, j)) && ((self.between)(from) || (self.between)(to))
    }

    /// Adds `start` (a source, or a file chains pass) and what it reaches to source group
    /// `i`'s files.
    fn reach_forward(&mut self, i: usize, start: FileId) {
        if !self.forward.get_mut(i).is_some_and(|f| f.insert(start)) {
            return;
        }
        let mut queue = VecDeque::from([start]);
        while let Some(node) = queue.pop_front() {
            self.by_file.0.entry(node).or_default().push(i);
            for (next, _) in self.graph.succ.get(node).map_or(&[][..], Vec::as_slice) {
                let link = (node, *next);
                if self.removed.contains(&link) {
                    let groups = self.by_file.1.get(next).map_or(&[][..], Vec::as_slice);
                    if !self.critical.contains(&link)
                        && groups.iter().any(|&j| self.completes(link, (i, j)))
                    {
                        self.critical.insert(link);
                    }
                } else if (self.between)(*next)
                    && self.forward.get_mut(i).is_some_and(|f| f.insert(*next))
                {
                    queue.push_back(*next);
                }
            }
        }
    }

    /// Adds `start` (a target, or a file chains pass) and the files that reach it to target
    /// group `j`'s files.
    fn reach_back(&mut self, j: usize, start: FileId) {
        if !self.back.get_mut(j).is_some_and(|b| b.insert(start)) {
            return;
        }
        let mut queue = VecDeque::from([start]);
        while let Some(node) = queue.pop_front() {
            self.by_file.1.entry(node).or_default().push(j);
            for &prev in self.graph.pred.get(node).map_or(&[][..], Vec::as_slice) {
                let link = (prev, node);
                if self.removed.contains(&link) {
                    let groups = self.by_file.0.get(&prev).map_or(&[][..], Vec::as_slice);
                    if !self.critical.contains(&link)
                        && groups.iter().any(|&i| self.completes(link, (i, j)))
                    {
                        self.critical.insert(link);
                    }
                } else if (self.between)(prev)
                    && self.back.get_mut(j).is_some_and(|b| b.insert(prev))
                {
                    queue.push_back(prev);
                }
            }
        }
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
