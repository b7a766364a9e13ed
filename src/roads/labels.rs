//! The few quickest points from every road node, from one multi-source search per mode.
//!
//! A resident's "nearest five" is then a lookup, not a search: the origin is snapped onto a
//! segment, and the labels of the segment's one or two ends, plus the time to reach each end,
//! give the answer exactly. The search runs backwards (over each edge against its direction)
//! from every point at once, so a label holds the time *from* the node *to* the point, one-way
//! streets included. Each node keeps up to [`LABELS_PER_NODE`] labels, for distinct points, in
//! order of time: a "k nearest sources" Dijkstra, which settles each node at most k times.
//!
//! Exactness: the quickest route from a snapped origin to a point passes one of the segment's
//! ends (or stays on the segment, which the caller checks apart). If a point is among the
//! `limit <= k` quickest from the origin, it is among the k quickest from the end its route
//! passes, since every point ahead of it there is ahead of it from the origin too.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use super::graph::Graph;
use super::route::Seed;

/// Labels kept per node: `/api/v1/nearest`'s default of five answers from the labels; a larger
/// `limit` searches. Each label is 12 bytes, so 60 bytes a node per mode.
pub const LABELS_PER_NODE: usize = 5;

/// No point in this label slot.
const EMPTY: u32 = u32::MAX;

/// The labels of every node of one mode's graph.
#[derive(Debug, Clone, Default)]
pub struct Labels {
    /// Point slots, `LABELS_PER_NODE` per node, [`EMPTY`] where unused; quickest first.
    slot: Vec<u32>,
    seconds: Vec<f32>,
    metres: Vec<f32>,
}

/// One label: from a node to a point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Label {
    pub slot: u32,
    pub seconds: f64,
    pub metres: f64,
}

/// A point where the backward search starts: the node from which the point is reached, with
/// the rest of the way to the point (segment part and walk) as the seed's seconds and metres.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Source {
    pub slot: u32,
    pub seed: Seed,
}

impl Labels {
    /// Runs the k-nearest-sources search over `graph` reversed.
    pub fn compute(graph: &Graph, sources: &[Source]) -> Self {
        let nodes = graph.node_count();
        let reverse = ReverseEdges::of(graph);
        let mut labels = Self {
            slot: vec![EMPTY; nodes * LABELS_PER_NODE],
            seconds: vec![0.0; nodes * LABELS_PER_NODE],
            metres: vec![0.0; nodes * LABELS_PER_NODE],
        };
        let mut count = vec![0_u8; nodes];
        let mut heap: BinaryHeap<Queued> = sources
            .iter()
            .map(|source| Queued {
                seconds: source.seed.seconds,
                metres: source.seed.metres,
                node: source.seed.node,
                slot: source.slot,
            })
            .collect();
        while let Some(Queued { seconds, metres, node, slot }) = heap.pop() {
            let index = node as usize;
            let filled = usize::from(count[index]);
            let base = index * LABELS_PER_NODE;
            if filled == LABELS_PER_NODE || labels.slot[base..base + filled].contains(&slot) {
                continue;
            }
            labels.slot[base + filled] = slot;
            labels.seconds[base + filled] = seconds as f32;
            labels.metres[base + filled] = metres as f32;
            count[index] += 1;
            for (from, edge_seconds, edge_m) in reverse.leading_into(node) {
                // Nodes full, or already labelled with this point, would skip the entry when
                // popped: not pushing it keeps the heap small (on a grid most pushes are such).
                let from_filled = usize::from(count[from as usize]);
                let from_base = from as usize * LABELS_PER_NODE;
                if from_filled < LABELS_PER_NODE
                    && !labels.slot[from_base..from_base + from_filled].contains(&slot)
                {
                    heap.push(Queued {
                        seconds: seconds + f64::from(edge_seconds),
                        metres: metres + f64::from(edge_m),
                        node: from,
                        slot,
                    });
                }
            }
        }
        labels
    }

    /// `node`'s labels, quickest first.
    pub fn at(&self, node: u32) -> impl Iterator<Item = Label> + '_ {
        let base = node as usize * LABELS_PER_NODE;
        (base..base + LABELS_PER_NODE).take_while(|&at| self.slot[at] != EMPTY).map(|at| Label {
            slot: self.slot[at],
            seconds: f64::from(self.seconds[at]),
            metres: f64::from(self.metres[at]),
        })
    }

    /// Whether `node` has every label slot filled: if not, the points missing from its labels
    /// cannot be reached from it at all.
    pub fn is_full(&self, node: u32) -> bool {
        self.slot[node as usize * LABELS_PER_NODE + LABELS_PER_NODE - 1] != EMPTY
    }

    pub fn heap_bytes(&self) -> usize {
        self.slot.capacity() * 4 + self.seconds.capacity() * 4 + self.metres.capacity() * 4
    }
}

/// The graph's edges grouped by their target: who leads into each node. A search over it runs
/// against the edges' direction: it finds the time *from* each node to where it started.
#[derive(Debug, Clone)]
pub(crate) struct ReverseEdges {
    offsets: Vec<u32>,
    sources: Vec<u32>,
    seconds: Vec<f32>,
    length_m: Vec<f32>,
}

impl ReverseEdges {
    pub(crate) fn of(graph: &Graph) -> Self {
        let nodes = graph.node_count();
        let mut offsets = vec![0_u32; nodes + 1];
        for node in 0..nodes as u32 {
            for edge in graph.edges(node) {
                offsets[edge.target as usize + 1] += 1;
            }
        }
        for at in 0..nodes {
            offsets[at + 1] += offsets[at];
        }
        let edges = graph.edge_count();
        let mut next = offsets.clone();
        let (mut sources, mut seconds, mut length_m) = (vec![0; edges], vec![0.0; edges], vec![0.0; edges]);
        for node in 0..nodes as u32 {
            for edge in graph.edges(node) {
                let at = next[edge.target as usize] as usize;
                next[edge.target as usize] += 1;
                sources[at] = node;
                seconds[at] = edge.seconds;
                length_m[at] = edge.length_m;
            }
        }
        Self { offsets, sources, seconds, length_m }
    }

    /// `(from, seconds, metres)` of each edge into `node`.
    pub(crate) fn leading_into(&self, node: u32) -> impl Iterator<Item = (u32, f32, f32)> + '_ {
        let range = self.offsets[node as usize] as usize..self.offsets[node as usize + 1] as usize;
        range.map(|at| (self.sources[at], self.seconds[at], self.length_m[at]))
    }
}

/// A heap entry, quickest first.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Queued {
    seconds: f64,
    metres: f64,
    node: u32,
    slot: u32,
}

impl Eq for Queued {}

impl Ord for Queued {
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .seconds
            .total_cmp(&self.seconds)
            .then_with(|| other.node.cmp(&self.node))
            .then_with(|| other.slot.cmp(&self.slot))
    }
}

impl PartialOrd for Queued {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roads::graph::GraphParts;
    use crate::roads::route::{Next, Search};

    /// A 6x6 grid with unit-second edges both ways, except a one-way row.
    fn grid() -> Graph {
        let side = 6_u32;
        let id = |row: u32, col: u32| row * side + col;
        let mut edges: Vec<(u32, u32, f32)> = Vec::new();
        for row in 0..side {
            for col in 0..side {
                if col + 1 < side {
                    edges.push((id(row, col), id(row, col + 1), 1.0 + (row % 3) as f32));
                    if row != 2 {
                        edges.push((id(row, col + 1), id(row, col), 1.0 + (row % 3) as f32));
                    }
                }
                if row + 1 < side {
                    edges.push((id(row, col), id(row + 1, col), 2.0));
                    edges.push((id(row + 1, col), id(row, col), 2.0));
                }
            }
        }
        edges.sort_by_key(|&(from, to, _)| (from, to));
        let nodes = (side * side) as usize;
        let mut offsets = vec![0_u32; nodes + 1];
        for &(from, _, _) in &edges {
            offsets[from as usize + 1] += 1;
        }
        for at in 0..nodes {
            offsets[at + 1] += offsets[at];
        }
        Graph::from_parts(GraphParts {
            lon: (0..nodes).map(|n| (n % 6) as f64 * 0.001).collect(),
            lat: (0..nodes).map(|n| (n / 6) as f64 * 0.001).collect(),
            offsets,
            targets: edges.iter().map(|e| e.1).collect(),
            length_m: edges.iter().map(|e| e.2 * 10.0).collect(),
            seconds: edges.iter().map(|e| e.2).collect(),
        })
        .unwrap()
    }

    #[test]
    fn labels_match_a_forward_search_from_every_node() {
        let graph = grid();
        let point_nodes = [0_u32, 7, 14, 17, 22, 29, 35];
        let sources: Vec<Source> = point_nodes
            .iter()
            .enumerate()
            .map(|(slot, &node)| Source { slot: slot as u32, seed: Seed { node, seconds: 0.5, metres: 3.0 } })
            .collect();
        let labels = Labels::compute(&graph, &sources);
        let mut search = Search::new(&graph);
        for origin in 0..graph.node_count() as u32 {
            search.run(
                &graph,
                &[Seed { node: origin, seconds: 0.0, metres: 0.0 }],
                f64::INFINITY,
                |_, _, _| Next::Continue,
            );
            let mut expected: Vec<f64> =
                point_nodes.iter().filter_map(|&node| search.seconds_to(node)).map(|s| s + 0.5).collect();
            expected.sort_by(f64::total_cmp);
            expected.truncate(LABELS_PER_NODE);
            let got: Vec<f64> = labels.at(origin).map(|label| label.seconds).collect();
            assert_eq!(got, expected, "from node {origin}");
            for label in labels.at(origin) {
                let node = point_nodes[label.slot as usize];
                assert_eq!(search.seconds_to(node).map(|s| s + 0.5), Some(label.seconds));
            }
        }
    }

    #[test]
    fn a_node_that_reaches_few_points_is_not_full() {
        let graph = grid();
        let sources = [Source { slot: 0, seed: Seed { node: 35, seconds: 0.0, metres: 0.0 } }];
        let labels = Labels::compute(&graph, &sources);
        assert_eq!(labels.at(0).count(), 1);
        assert!(!labels.is_full(0));
    }
}
