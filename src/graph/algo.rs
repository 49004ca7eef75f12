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
