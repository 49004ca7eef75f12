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

/// A flow network for [`min_cut`]: directed links with capacities.
#[derive(Debug, Default)]
pub struct Network {
    /// For each node, the indices into `links` of the links leaving it and of their reverse
    /// (residual) twins entering it.
    adjacent: Vec<Vec<usize>>,
    /// (to, remaining capacity); link `2k + 1` is the residual twin of link `2k`.
    links: Vec<(usize, u64)>,
}

impl Network {
    pub fn new(nodes: usize) -> Self {
        Self {
            adjacent: vec![Vec::new(); nodes],
            links: Vec::new(),
        }
    }

    /// Adds the link `from` → `to`; returns its index, for [`min_cut`]'s answer.
    pub fn add(&mut self, from: usize, to: usize, capacity: u64) -> usize {
        let index = self.links.len();
        self.links.push((to, capacity));
        self.links.push((from, 0));
        if let Some(a) = self.adjacent.get_mut(from) {
            a.push(index);
        }
        if let Some(a) = self.adjacent.get_mut(to) {
            a.push(index + 1);
        }
        index
    }
}

/// A minimum cut between `source` and `sink` (Edmonds–Karp: shortest augmenting paths, no
/// recursion), as the indices of the links cut. Of the minimum cuts, the one nearest `sink`:
/// its sink side is every node that can still reach `sink` once the flow is maximal, so the
/// source side holds every node that cannot.
pub fn min_cut(mut network: Network, source: usize, sink: usize) -> Vec<usize> {
    let nodes = network.adjacent.len();
    loop {
        // Breadth-first search for an augmenting path.
        let mut via: Vec<Option<usize>> = vec![None; nodes];
        let mut seen = vec![false; nodes];
        let mut queue = VecDeque::new();
        if let Some(s) = seen.get_mut(source) {
            *s = true;
        }
        queue.push_back(source);
        while let Some(node) = queue.pop_front() {
            if node == sink {
                break;
            }
            for &l in network.adjacent.get(node).map_or(&[][..], Vec::as_slice) {
                let Some(&(to, capacity)) = network.links.get(l) else {
                    continue;
                };
                if capacity == 0 || seen.get(to).copied().unwrap_or(true) {
                    continue;
                }
                if let Some(s) = seen.get_mut(to) {
                    *s = true;
                }
                if let Some(v) = via.get_mut(to) {
                    *v = Some(l);
                }
                queue.push_back(to);
            }
        }
        if !seen.get(sink).copied().unwrap_or(false) {
            break;
        }
        // The bottleneck, then push it along the path.
        let mut bottleneck = u64::MAX;
        let mut at = sink;
        while let Some(l) = via.get(at).copied().flatten() {
            bottleneck = bottleneck.min(network.links.get(l).map_or(0, |x| x.1));
            at = network.links.get(l ^ 1).map_or(source, |x| x.0);
        }
        let mut at = sink;
        while let Some(l) = via.get(at).copied().flatten() {
            if let Some(x) = network.links.get_mut(l) {
                x.1 -= bottleneck;
            }
            if let Some(x) = network.links.get_mut(l ^ 1) {
                x.1 = x.1.saturating_add(bottleneck);
            }
            at = network.links.get(l ^ 1).map_or(source, |x| x.0);
        }
    }
    // The sink side: nodes with a residual path to the sink (walked backwards).
    let mut reaches = vec![false; nodes];
    let mut queue = VecDeque::new();
    if let Some(r) = reaches.get_mut(sink) {
        *r = true;
    }
    queue.push_back(sink);
    while let Some(node) = queue.pop_front() {
        for &l in network.adjacent.get(node).map_or(&[][..], Vec::as_slice) {
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
