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
use crate::graph::algo::{Network, dominators, min_cut};
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
    let cut: Vec<(FileId, FileId)> = min_cut(network, 0, 1)
        .into_iter()
        .filter_map(|l| index_of.get(&l).copied())
        .collect();
    let network = Chains::new(&links, &node_of, role);
    let isolated = network.isolated(&cut);
    cut.iter()
        .zip(isolated)
        .filter_map(|(&(from, to), isolated)| {
            Some(Cut {
                from,
                to,
                site: graph.sites(from, to).first()?,
                chain: network.chain_through(cx, graph, (from, to)),
                isolated,
            })
        })
        .collect()
}

/// The chain network of one pair, on the numbering of [`cut`] (0 unused, 1 the sink, then
/// every file on a link): shortest chains and who depends on which link, for all the cut's
/// links at once.
struct Chains<'m> {
    node_of: &'m BTreeMap<FileId, usize>,
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
    fn new(
        links: &[(FileId, FileId, usize)],
        node_of: &'m BTreeMap<FileId, usize>,
        role: &dyn Fn(FileId) -> Role,
    ) -> Self {
        let nodes = node_of.len() + 2;
        let mut files = vec![0; nodes];
        for (&file, &node) in node_of {
            if let Some(f) = files.get_mut(node) {
                *f = file;
            }
        }
        let links: Vec<(usize, usize)> = links
            .iter()
            .filter_map(|(a, b, _)| Some((*node_of.get(a)?, *node_of.get(b)?)))
            .collect();
        let is = |goal: Role| -> Vec<bool> {
            (0..nodes)
                .map(|n| n >= 2 && files.get(n).is_some_and(|&f| role(f) == goal))
                .collect()
        };
        let (sources, targets) = (is(Role::Source), is(Role::Target));
        let mut succ = vec![Vec::new(); nodes];
        let mut pred = vec![Vec::new(); nodes];
        for &(a, b) in &links {
            if let (Some(s), Some(p)) = (succ.get_mut(a), pred.get_mut(b)) {
                s.push(b);
                p.push(a);
            }
        }
        // Breadth-first from every source forward (every target backward) at once: each
        // node's parent is its next step towards the nearest one.
        let tree = |starts: &[bool], next: &[Vec<usize>]| {
            let mut parent: Vec<Option<usize>> = vec![None; nodes];
            let mut seen = starts.to_vec();
            let mut queue: VecDeque<usize> = (0..nodes)
                .filter(|&n| starts.get(n).copied().unwrap_or(false))
                .collect();
            while let Some(node) = queue.pop_front() {
                for &n in next.get(node).map_or(&[][..], Vec::as_slice) {
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
        self.node_of.get(&file).copied()
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
        let mut reverse: Vec<Vec<usize>> = vec![Vec::new(); nodes + cut.len()];
        let mut add = |from: usize, to: usize| {
            if let Some(list) = reverse.get_mut(from) {
                list.push(to);
            }
        };
        for &(a, b) in &self.links {
            match cut_nodes.get(&(a, b)) {
                Some(&x) => {
                    add(b, x);
                    add(x, a);
                }
                None => add(b, a),
            }
        }
        for (node, _) in self.targets.iter().enumerate().filter(|(_, t)| **t) {
            add(1, node);
        }
        let tree = dominators(&reverse, 1);
        let mut count: Vec<usize> = (0..reverse.len())
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

/// A pair's sources and targets.
type Ends<'s> = (&'s [FileId], &'s [FileId]);

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

    /// Drops the links the rest of the cut makes unnecessary: the union of each pair's
    /// minimum cut may hold a link whose chains another pair's links already break. Links
    /// serving the fewest pairs are tried first; a link goes back into the graph when it
    /// completes no chain of any pair. `role(pair, file)` is the file's role for that pair,
    /// `ends(pair)` its sources and targets.
    ///
    /// Each pair keeps the files its sources reach, and those that reach its targets, with
    /// the cut links still out; they only grow as links come back, so the pass costs about
    /// one search of each pair's chains.
    pub fn prune<'s>(
        &mut self,
        graph: &ChainGraph<'_>,
        role: &dyn Fn(&K, FileId) -> Role,
        ends: &dyn Fn(&K) -> Ends<'s>,
    ) {
        let mut pruning = Pruning {
            graph,
            role,
            pairs: &self.pairs,
            removed: self.by_link.keys().copied().collect(),
            critical: Links::new(),
            reach: vec![(BTreeSet::new(), BTreeSet::new()); self.pairs.len()],
            by_file: (BTreeMap::new(), BTreeMap::new()),
        };
        for (p, pair) in self.pairs.iter().enumerate() {
            let (sources, targets) = ends(pair);
            for &s in sources {
                pruning.reach_forward(p, s);
            }
            for &t in targets {
                pruning.reach_back(p, t);
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
            for p in pruning.by_file.0.get(&from).cloned().unwrap_or_default() {
                pruning.reach_forward(p, to);
            }
            for p in pruning.by_file.1.get(&to).cloned().unwrap_or_default() {
                pruning.reach_back(p, from);
            }
        }
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

/// The state of [`Cuts::prune`].
struct Pruning<'p, 'g, K> {
    graph: &'p ChainGraph<'g>,
    role: &'p dyn Fn(&K, FileId) -> Role,
    pairs: &'p [K],
    /// The cut links still out of the graph.
    removed: Links,
    /// Removed links that would complete a chain of some pair: they stay cut.
    critical: Links,
    /// For each pair, the files its sources reach and those that reach its targets, through
    /// files a chain may pass and links not removed.
    reach: Vec<(BTreeSet<FileId>, BTreeSet<FileId>)>,
    /// For each file, the pairs whose first (second) set of `reach` holds it.
    by_file: (BTreeMap<FileId, Vec<usize>>, BTreeMap<FileId, Vec<usize>>),
}

impl<K> Pruning<'_, '_, K> {
    /// Adds `start` (a source, or a file a chain may pass) and what it reaches to the files
    /// pair `p`'s sources reach.
    fn reach_forward(&mut self, p: usize, start: FileId) {
        let Some(pair) = self.pairs.get(p) else {
            return;
        };
        let role = |f: FileId| (self.role)(pair, f);
        if !matches!(role(start), Role::Source | Role::Between) {
            return;
        }
        let Some((forward, back)) = self.reach.get_mut(p) else {
            return;
        };
        if !forward.insert(start) {
            return;
        }
        let mut queue = VecDeque::from([start]);
        while let Some(node) = queue.pop_front() {
            self.by_file.0.entry(node).or_default().push(p);
            for (next, _) in self.graph.succ.get(node).map_or(&[][..], Vec::as_slice) {
                if self.removed.contains(&(node, *next)) {
                    // A direct import is no chain.
                    if back.contains(next)
                        && !(role(node) == Role::Source && role(*next) == Role::Target)
                    {
                        self.critical.insert((node, *next));
                    }
                } else if role(*next) == Role::Between && forward.insert(*next) {
                    queue.push_back(*next);
                }
            }
        }
    }

    /// Adds `start` (a target, or a file a chain may pass) and the files that reach it to
    /// the files that reach pair `p`'s targets.
    fn reach_back(&mut self, p: usize, start: FileId) {
        let Some(pair) = self.pairs.get(p) else {
            return;
        };
        let role = |f: FileId| (self.role)(pair, f);
        if !matches!(role(start), Role::Target | Role::Between) {
            return;
        }
        let Some((forward, back)) = self.reach.get_mut(p) else {
            return;
        };
        if !back.insert(start) {
            return;
        }
        let mut queue = VecDeque::from([start]);
        while let Some(node) = queue.pop_front() {
            self.by_file.1.entry(node).or_default().push(p);
            for &prev in self.graph.pred.get(node).map_or(&[][..], Vec::as_slice) {
                if self.removed.contains(&(prev, node)) {
                    if forward.contains(&prev)
                        && !(role(prev) == Role::Source && role(node) == Role::Target)
                    {
                        self.critical.insert((prev, node));
                    }
                } else if role(prev) == Role::Between && back.insert(prev) {
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
