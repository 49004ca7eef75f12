//! Graph algorithms over a plain adjacency list (node `i`'s successors in `adjacency[i]`),
//! so that rules can run them on whatever graph they derive (files in a scope, groups). None
//! recurses: hostile inputs make chains of any length.

use std::collections::VecDeque;

use petgraph::graph::{DiGraph, NodeIndex};

/// The strongly connected components with two or more nodes, each sorted, in order of their
/// smallest node.
pub fn cyclic_components(adjacency: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let mut graph: DiGraph<(), ()> = DiGraph::with_capacity(adjacency.len(), 0);
    for _ in adjacency {
        graph.add_node(());
    }
    for (from, targets) in adjacency.iter().enumerate() {
        for &to in targets {
            if to != from && to < adjacency.len() {
                graph.add_edge(NodeIndex::new(from), NodeIndex::new(to), ());
            }
        }
    }
    // Kosaraju's algorithm walks with explicit stacks (petgraph's Tarjan recurses).
    let mut components: Vec<Vec<usize>> = petgraph::algo::kosaraju_scc(&graph)
        .into_iter()
        .filter(|c| c.len() > 1)
        .map(|c| {
            let mut nodes: Vec<usize> = c.into_iter().map(NodeIndex::index).collect();
            nodes.sort_unstable();
            nodes
        })
        .collect();
    components.sort();
    components
}

/// A shortest cycle through `start` using only nodes for which `inside` holds: the nodes in
/// order, starting with `start` (the edge back to `start` is implied). Breadth-first, so ties
/// go to the successor listed first.
pub fn shortest_cycle_through(
    adjacency: &[Vec<usize>],
    start: usize,
    inside: impl Fn(usize) -> bool,
) -> Option<Vec<usize>> {
    let mut parent: Vec<Option<usize>> = vec![None; adjacency.len()];
    let mut seen = vec![false; adjacency.len()];
    let mut queue = VecDeque::new();
    *seen.get_mut(start)? = true;
    queue.push_back(start);
    while let Some(node) = queue.pop_front() {
        for &next in adjacency.get(node)? {
            if next == start {
                // Walk back from `node` to `start`.
                let mut path = vec![node];
                let mut at = node;
                while let Some(p) = parent.get(at).copied().flatten() {
                    path.push(p);
                    at = p;
                }
                path.reverse();
                return Some(path);
            }
            if !inside(next) || seen.get(next).copied().unwrap_or(true) {
                continue;
            }
            if let Some(s) = seen.get_mut(next) {
                *s = true;
            }
            if let Some(p) = parent.get_mut(next) {
                *p = Some(node);
            }
            queue.push_back(next);
        }
    }
    None
}

/// A shortest path from `from` to `to` using only nodes for which `inside` holds (the ends
/// included), as the list of its nodes.
pub fn shortest_path(
    adjacency: &[Vec<usize>],
    from: usize,
    to: usize,
    inside: impl Fn(usize) -> bool,
) -> Option<Vec<usize>> {
    if from == to {
        return Some(vec![from]);
    }
    let mut parent: Vec<Option<usize>> = vec![None; adjacency.len()];
    let mut seen = vec![false; adjacency.len()];
    let mut queue = VecDeque::new();
    *seen.get_mut(from)? = true;
    queue.push_back(from);
    while let Some(node) = queue.pop_front() {
        for &next in adjacency.get(node)? {
            if !inside(next) || seen.get(next).copied().unwrap_or(true) {
                continue;
            }
            if let Some(s) = seen.get_mut(next) {
                *s = true;
            }
            if let Some(p) = parent.get_mut(next) {
                *p = Some(node);
            }
            if next == to {
                let mut path = vec![to];
                let mut at = to;
                while let Some(p) = parent.get(at).copied().flatten() {
                    path.push(p);
                    at = p;
                }
                path.reverse();
                return Some(path);
            }
            queue.push_back(next);
        }
    }
    None
}

/// A directed graph as compressed rows: the successors of node `v` are
/// `targets[start[v]..start[v + 1]]`, in the order their links were given. Two allocations
/// in all, where a list per node is one per node: the chain networks of a contract are built
/// by the ten thousand.
#[derive(Debug, Default)]
pub struct Adjacency {
    start: Vec<usize>,
    targets: Vec<usize>,
}

impl Adjacency {
    /// The graph of `nodes` nodes with `links` (from, to); links from a node past `nodes` are
    /// left out. A successor is any number: [`Network`] lists link indices.
    pub fn new(nodes: usize, links: &[(usize, usize)]) -> Self {
        let links = || links.iter().filter(|&&(a, _)| a < nodes);
        let mut start = vec![0usize; nodes + 1];
        for &(a, _) in links() {
            if let Some(s) = start.get_mut(a + 1) {
                *s += 1;
            }
        }
        for i in 1..start.len() {
            let before = start.get(i - 1).copied().unwrap_or(0);
            if let Some(s) = start.get_mut(i) {
                *s += before;
            }
        }
        let mut next = start.clone();
        let mut targets = vec![0usize; start.last().copied().unwrap_or(0)];
        for &(a, b) in links() {
            if let Some(n) = next.get_mut(a) {
                if let Some(t) = targets.get_mut(*n) {
                    *t = b;
                }
                *n += 1;
            }
        }
        Self { start, targets }
    }

    /// The successors of `node`.
    pub fn of(&self, node: usize) -> &[usize] {
        match (self.start.get(node), self.start.get(node + 1)) {
            (Some(&a), Some(&b)) => self.targets.get(a..b).unwrap_or(&[]),
            _ => &[],
        }
    }

    /// The number of nodes.
    pub fn nodes(&self) -> usize {
        self.start.len().saturating_sub(1)
    }
}

/// A flow network for [`min_cut`]: directed links with capacities.
#[derive(Debug, Default)]
pub struct Network {
    nodes: usize,
    /// (to, remaining capacity); link `2k + 1` is the residual twin of link `2k`.
    links: Vec<(usize, u64)>,
}

impl Network {
    pub fn new(nodes: usize) -> Self {
        Self {
            nodes,
            links: Vec::new(),
        }
    }

    /// Adds the link `from` → `to`; returns its index, for [`min_cut`]'s answer.
    pub fn add(&mut self, from: usize, to: usize, capacity: u64) -> usize {
        let index = self.links.len();
        self.links.push((to, capacity));
        self.links.push((from, 0));
        index
    }

    /// For each node, the indices into `links` of the links leaving it and of the residual
    /// twins of those entering it.
    fn adjacency(&self) -> Adjacency {
        let tails: Vec<(usize, usize)> = (0..self.links.len())
            .map(|l| (self.links.get(l ^ 1).map_or(usize::MAX, |x| x.0), l))
            .collect();
        Adjacency::new(self.nodes, &tails)
    }
}

/// A minimum cut between `source` and `sink`, as the indices of the links cut. Of the minimum
/// cuts, the one nearest `sink`: its sink side is every node that can still reach `sink` once
/// the flow is maximal (the same set for every maximum flow), so the source side holds every
/// node that cannot.
///
/// The flow is Dinic's: each phase layers the nodes by their distance from `source` and
/// pushes a blocking flow along the layers, walking with an explicit stack and a current-link
/// pointer per node. Many disjoint chains of the same length (a hub importing a thousand
/// files that each import the target) are one phase, not a search per chain.
pub fn min_cut(mut network: Network, source: usize, sink: usize) -> Vec<usize> {
    let nodes = network.nodes;
    if source >= nodes || sink >= nodes || source == sink {
        return Vec::new();
    }
    let adjacent = network.adjacency();
    while let Some(level) = levels(&network, &adjacent, source, sink) {
        blocking_flow(&mut network, &adjacent, &level, (source, sink));
    }
    // The sink side: nodes with a residual path to the sink (walked backwards).
    let mut reaches = vec![false; nodes];
    let mut queue = VecDeque::new();
    if let Some(r) = reaches.get_mut(sink) {
        *r = true;
    }
    queue.push_back(sink);
    while let Some(node) = queue.pop_front() {
        for &l in adjacent.of(node) {
            // `l ^ 1` runs from the neighbour into `node`; usable when it has capacity left.
            let (Some(&(from, _)), Some(&(_, capacity))) =
                (network.links.get(l), network.links.get(l ^ 1))
            else {
                continue;
            };
            if capacity == 0 || reaches.get(from).copied().unwrap_or(true) {
                continue;
            }
            if let Some(r) = reaches.get_mut(from) {
                *r = true;
            }
            queue.push_back(from);
        }
    }
    (0..network.links.len())
        .step_by(2)
        .filter(|&l| {
            let from = network.links.get(l + 1).map_or(0, |x| x.0);
            let to = network.links.get(l).map_or(0, |x| x.0);
            !reaches.get(from).copied().unwrap_or(true) && reaches.get(to).copied().unwrap_or(false)
        })
        .collect()
}

/// Each node's distance from `source` over links with capacity left (`usize::MAX`: not
/// reached); `None` once `sink` is out of reach.
fn levels(
    network: &Network,
    adjacent: &Adjacency,
    source: usize,
    sink: usize,
) -> Option<Vec<usize>> {
    let mut level = vec![usize::MAX; network.nodes];
    *level.get_mut(source)? = 0;
    let mut queue = VecDeque::from([source]);
    while let Some(node) = queue.pop_front() {
        let next = level.get(node).copied()?.saturating_add(1);
        for &l in adjacent.of(node) {
            let Some(&(to, capacity)) = network.links.get(l) else {
                continue;
            };
            if capacity > 0 && level.get(to) == Some(&usize::MAX) {
                if let Some(x) = level.get_mut(to) {
                    *x = next;
                }
                queue.push_back(to);
            }
        }
    }
    (level.get(sink) != Some(&usize::MAX)).then_some(level)
}

/// Pushes flow along paths that go one level further at each link until no such path is
/// left. A link is tried again only while it has capacity: `current[node]` never moves back.
fn blocking_flow(
    network: &mut Network,
    adjacent: &Adjacency,
    level: &[usize],
    (source, sink): (usize, usize),
) {
    let mut current = vec![0usize; network.nodes];
    // The links from `source` to `at`.
    let mut path: Vec<usize> = Vec::new();
    let mut at = source;
    loop {
        if at == sink {
            let bottleneck = path
                .iter()
                .map(|&l| network.links.get(l).map_or(0, |x| x.1))
                .min()
                .unwrap_or(0);
            for &l in &path {
                if let Some(x) = network.links.get_mut(l) {
                    x.1 -= bottleneck.min(x.1);
                }
                if let Some(x) = network.links.get_mut(l ^ 1) {
                    x.1 = x.1.saturating_add(bottleneck);
                }
            }
            // Back to the tail of the first link the push saturated.
            let first = path
                .iter()
                .position(|&l| network.links.get(l).is_none_or(|x| x.1 == 0))
                .unwrap_or(0);
            path.truncate(first);
            at = path
                .last()
                .and_then(|&l| network.links.get(l))
                .map_or(source, |x| x.0);
            continue;
        }
        let out = adjacent.of(at);
        let here = level.get(at).copied().unwrap_or(usize::MAX);
        let mut advanced = false;
        while let Some(&l) = current.get(at).and_then(|&i| out.get(i)) {
            if let Some(&(to, capacity)) = network.links.get(l)
                && capacity > 0
                && level.get(to).copied() == Some(here.saturating_add(1))
            {
                path.push(l);
                at = to;
                advanced = true;
                break;
            }
            if let Some(c) = current.get_mut(at) {
                *c += 1;
            }
        }
        if advanced {
            continue;
        }
        // A dead end: step back and skip the link that led here.
        let Some(l) = path.pop() else {
            return;
        };
        at = network.links.get(l ^ 1).map_or(source, |x| x.0);
        if let Some(c) = current.get_mut(at) {
            *c += 1;
        }
    }
}

/// The dominator tree of the nodes `root` reaches: node d dominates n when every path from
/// `root` to n passes through d.
#[derive(Debug)]
pub struct Dominators {
    /// Each node's immediate dominator; `None` for `root` and the nodes it does not reach.
    pub idom: Vec<Option<usize>>,
    /// The nodes `root` reaches, in depth-first preorder: a node comes after its dominators.
    pub preorder: Vec<usize>,
}

/// "No node" in the arrays of [`dominators`].
const NONE: usize = usize::MAX;

/// The depth-first preorder from `root` (an explicit stack: each node is pushed once per link
/// into it): each node's preorder number and tree parent (`NONE` where not reached), and
/// the nodes in preorder.
fn depth_first(adjacency: &Adjacency, root: usize) -> (Vec<usize>, Vec<usize>, Vec<usize>) {
    let nodes = adjacency.nodes();
    let mut dfnum = vec![NONE; nodes];
    let mut parent = vec![NONE; nodes];
    let mut preorder: Vec<usize> = Vec::new();
    let mut stack = vec![(root, NONE)];
    while let Some((v, p)) = stack.pop() {
        if dfnum.get(v) != Some(&NONE) {
            continue;
        }
        if let (Some(d), Some(pa)) = (dfnum.get_mut(v), parent.get_mut(v)) {
            *d = preorder.len();
            *pa = p;
        }
        preorder.push(v);
        for &w in adjacency.of(v).iter().rev() {
            if dfnum.get(w) == Some(&NONE) {
                stack.push((w, v));
            }
        }
    }
    (dfnum, parent, preorder)
}

/// Lengauer and Tarjan's algorithm (the simple version, with path compression:
/// O(E log V)), walked with explicit stacks. petgraph's `simple_fast` is O(V²) on some
/// graphs, which a hostile repository can build.
pub fn dominators(adjacency: &Adjacency, root: usize) -> Dominators {
    let nodes = adjacency.nodes();
    let at = |v: &[usize], i: usize| v.get(i).copied().unwrap_or(NONE);
    let (dfnum, parent, preorder) = depth_first(adjacency, root);
    let reversed: Vec<(usize, usize)> = preorder
        .iter()
        .flat_map(|&v| adjacency.of(v).iter().map(move |&w| (w, v)))
        .collect();
    let pred = Adjacency::new(nodes, &reversed);
    // `semi` holds preorder numbers; `label` and `ancestor` are the forest of `link` and
    // `eval`.
    let mut semi = dfnum.clone();
    let mut label: Vec<usize> = (0..nodes).collect();
    let mut ancestor = vec![NONE; nodes];
    let mut idom = vec![NONE; nodes];
    // Each node's bucket as a list threaded through `bucket_next` (one node is in one bucket).
    let mut bucket = vec![NONE; nodes];
    let mut bucket_next = vec![NONE; nodes];
    let mut chain: Vec<usize> = Vec::new();
    // The node of least `semi` on the forest path above `v`, compressing the path.
    let mut eval = |v: usize, ancestor: &mut [usize], label: &mut [usize], semi: &[usize]| {
        if at(ancestor, v) == NONE {
            return v;
        }
        chain.clear();
        let mut u = v;
        while at(ancestor, at(ancestor, u)) != NONE {
            chain.push(u);
            u = at(ancestor, u);
        }
        for &u in chain.iter().rev() {
            let a = at(ancestor, u);
            if at(semi, at(label, a)) < at(semi, at(label, u)) {
                let l = at(label, a);
                if let Some(x) = label.get_mut(u) {
                    *x = l;
                }
            }
            let aa = at(ancestor, a);
            if let Some(x) = ancestor.get_mut(u) {
                *x = aa;
            }
        }
        at(label, v)
    };
    for &w in preorder.iter().skip(1).rev() {
        for &v in pred.of(w) {
            let u = eval(v, &mut ancestor, &mut label, &semi);
            if at(&semi, u) < at(&semi, w) {
                let s = at(&semi, u);
                if let Some(x) = semi.get_mut(w) {
                    *x = s;
                }
            }
        }
        let semi_node = at(&preorder, at(&semi, w));
        if let (Some(head), Some(next)) = (bucket.get_mut(semi_node), bucket_next.get_mut(w)) {
            *next = *head;
            *head = w;
        }
        let p = at(&parent, w);
        if let Some(x) = ancestor.get_mut(w) {
            *x = p;
        }
        let mut v = bucket
            .get_mut(p)
            .map_or(NONE, |head| std::mem::replace(head, NONE));
        while v != NONE {
            let u = eval(v, &mut ancestor, &mut label, &semi);
            let d = if at(&semi, u) < at(&semi, v) { u } else { p };
            if let Some(x) = idom.get_mut(v) {
                *x = d;
            }
            v = at(&bucket_next, v);
        }
    }
    for &w in preorder.iter().skip(1) {
        if at(&idom, w) != at(&preorder, at(&semi, w)) {
            let d = at(&idom, at(&idom, w));
            if let Some(x) = idom.get_mut(w) {
                *x = d;
            }
        }
    }
    Dominators {
        idom: idom.into_iter().map(|d| (d != NONE).then_some(d)).collect(),
        preorder,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_with_cycles_and_their_shortest_cycles() {
        // 0 → 1 → 2 → 0, 2 → 3 → 2, 4 → 0 (no cycle), 5 → 5 (a self-import is no cycle).
        let adjacency = vec![vec![1], vec![2], vec![0, 3], vec![2], vec![0], vec![5]];
        assert_eq!(cyclic_components(&adjacency), vec![vec![0, 1, 2, 3]]);
        let inside = |n: usize| n <= 3;
        assert_eq!(
            shortest_cycle_through(&adjacency, 0, inside),
            Some(vec![0, 1, 2])
        );
        assert_eq!(
            shortest_cycle_through(&adjacency, 3, inside),
            Some(vec![3, 2])
        );
        assert_eq!(shortest_cycle_through(&adjacency, 4, |_| true), None);
        assert_eq!(
            shortest_path(&adjacency, 4, 3, |_| true),
            Some(vec![4, 0, 1, 2, 3])
        );
    }

    #[test]
    fn min_cuts_prefer_fewer_links_and_sit_nearest_the_sink() {
        // s=0 → a=1 → b=2 → t=3, and s → c=4 → b: the cut of one link is b → t, not the two
        // links into b, nor s → a and s → c.
        let mut net = Network::new(5);
        net.add(0, 1, 10);
        net.add(1, 2, 10);
        let bt = net.add(2, 3, 10);
        net.add(0, 4, 10);
        net.add(4, 2, 10);
        assert_eq!(min_cut(net, 0, 3), vec![bt]);
        // Two disjoint routes need two links; of equal cuts the one nearest the sink wins.
        let mut net = Network::new(4);
        net.add(0, 1, 5);
        let x = net.add(1, 3, 5);
        net.add(0, 2, 5);
        let y = net.add(2, 3, 5);
        assert_eq!(min_cut(net, 0, 3), vec![x, y]);
    }

    /// A small deterministic generator, so the comparisons below see the same graphs on
    /// every run.
    fn random_graphs(count: usize) -> impl Iterator<Item = Vec<Vec<usize>>> {
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move |bound: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            usize::try_from(state % bound).unwrap()
        };
        (0..count).map(move |_| {
            let nodes = 2 + next(8);
            let links = next(3 * nodes as u64);
            let mut adjacency = vec![Vec::new(); nodes];
            for _ in 0..links {
                let (a, b) = (next(nodes as u64), next(nodes as u64));
                if a != b && !adjacency[a].contains(&b) {
                    adjacency[a].push(b);
                }
            }
            adjacency
        })
    }

    fn reaches(adjacency: &[Vec<usize>], from: usize, without: Option<usize>) -> Vec<bool> {
        let mut seen = vec![false; adjacency.len()];
        if Some(from) == without {
            return seen;
        }
        let mut stack = vec![from];
        seen[from] = true;
        while let Some(v) = stack.pop() {
            for &w in &adjacency[v] {
                if !seen[w] && Some(w) != without {
                    seen[w] = true;
                    stack.push(w);
                }
            }
        }
        seen
    }

    #[test]
    fn dominators_match_removing_each_node() {
        for adjacency in random_graphs(2_000) {
            let n = adjacency.len();
            let links: Vec<(usize, usize)> = adjacency
                .iter()
                .enumerate()
                .flat_map(|(a, t)| t.iter().map(move |&b| (a, b)))
                .collect();
            let tree = dominators(&Adjacency::new(n, &links), 0);
            let reached = reaches(&adjacency, 0, None);
            // d strictly dominates v when v is reached, but not once d is gone.
            let strict: Vec<Vec<usize>> = (0..n)
                .map(|v| {
                    (0..n)
                        .filter(|&d| d != v && reached[v] && !reaches(&adjacency, 0, Some(d))[v])
                        .collect()
                })
                .collect();
            for v in 0..n {
                // The immediate dominator is the strict dominator that all others dominate.
                let expected = strict[v]
                    .iter()
                    .copied()
                    .find(|&d| strict[v].iter().all(|&o| o == d || strict[d].contains(&o)));
                assert_eq!(tree.idom[v], expected, "node {v} of {adjacency:?}");
            }
            let mut order = tree.preorder.clone();
            order.sort_unstable();
            assert_eq!(order, (0..n).filter(|&v| reached[v]).collect::<Vec<_>>());
            for (i, &v) in tree.preorder.iter().enumerate() {
                if let Some(d) = tree.idom[v] {
                    assert!(tree.preorder[..i].contains(&d), "{adjacency:?}");
                }
            }
        }
    }

    #[test]
    fn min_cuts_match_every_set_of_links() {
        for (k, adjacency) in random_graphs(600).enumerate() {
            let links: Vec<(usize, usize, u64)> = adjacency
                .iter()
                .enumerate()
                .flat_map(|(a, t)| t.iter().map(move |&b| (a, b)))
                .enumerate()
                .map(|(i, (a, b))| (a, b, 1 + ((i * 7 + k) % 3) as u64))
                .take(12)
                .collect();
            let sink = adjacency.len() - 1;
            let mut network = Network::new(adjacency.len());
            for &(a, b, c) in &links {
                network.add(a, b, c);
            }
            let cut: Vec<usize> = min_cut(network, 0, sink).iter().map(|l| l / 2).collect();
            let joined = |removed: &dyn Fn(usize) -> bool| {
                let mut kept = vec![Vec::new(); adjacency.len()];
                for (i, &(a, b, _)) in links.iter().enumerate() {
                    if !removed(i) {
                        kept[a].push(b);
                    }
                }
                reaches(&kept, 0, None)[sink]
            };
            let weight = |set: &dyn Fn(usize) -> bool| {
                (0..links.len())
                    .filter(|&i| set(i))
                    .map(|i| links[i].2)
                    .sum::<u64>()
            };
            let best = (0..1u32 << links.len())
                .filter(|m| !joined(&|i| m & (1 << i) != 0))
                .map(|m| weight(&|i| m & (1 << i) != 0))
                .min();
            assert!(!joined(&|i| cut.contains(&i)), "{links:?}");
            assert_eq!(Some(weight(&|i| cut.contains(&i))), best, "{links:?}");
        }
    }

    #[test]
    fn a_long_chain_does_not_recurse() {
        let n = 200_000;
        let mut adjacency: Vec<Vec<usize>> = (1..=n).map(|i| vec![i % n]).collect();
        adjacency.truncate(n);
        let components = cyclic_components(&adjacency);
        assert_eq!(components.len(), 1);
        assert_eq!(
            shortest_cycle_through(&adjacency, 0, |_| true).map(|c| c.len()),
            Some(n)
        );
    }
}
