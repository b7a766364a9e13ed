//! The few quickest points from every road node, from one multi-source search per mode, and
//! kept up to date as points move, come and go.
//!
//! A resident's "nearest five" is then a lookup, not a search: the origin is snapped onto a
//! segment, and the labels of the segment's one or two ends, plus the time to reach each end,
//! give the answer exactly. The search runs backwards (over each edge against its direction)
//! from every point at once, so a label holds the time *from* the node *to* the point, one-way
//! streets included. Each node keeps up to [`LABELS_PER_NODE`] labels, for distinct points, in
//! order of time: a "k nearest sources" Dijkstra, which settles each node at most k times.
//!
//! Exactness rests on one property: if a point is among the k quickest from a node, it is among
//! the k quickest from every node on the route there, since every point ahead of it from such a
//! node is ahead of it from the first node too. Hence the nearest `limit <= k` from a snapped
//! origin are among the labels of its segment's ends (or on the segment, which the caller checks
//! apart), and a staff edit need not label the whole network again:
//! - a point that goes (retired, or moved away) is missing only from the nodes that listed it;
//!   those nodes are labelled again from their other neighbours' labels and the points that
//!   start among them ([`Labels::remove`]);
//! - a point that comes (new, or moved here) enters only the nodes where it beats their last
//!   label, and spreads no further than that ([`Labels::add`]).
//!
//! Both cost what the change touches: a few of the district's cells, not the province.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use super::graph::Graph;
use super::reverse::ReverseEdges;
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
    /// Runs the k-nearest-sources search over `graph` reversed (`reverse`) from `sources`.
    pub fn compute(graph: &Graph, reverse: &ReverseEdges, sources: &[Source]) -> Self {
        let slots = graph.node_count() * LABELS_PER_NODE;
        let mut labels =
            Self { slot: vec![EMPTY; slots], seconds: vec![0.0; slots], metres: vec![0.0; slots] };
        labels.add(reverse, sources);
        labels
    }

    /// Brings in the points of `sources` (new ones, or ones moved since they were removed):
    /// each enters the nodes where it beats the last label, and spreads only from those.
    pub fn add(&mut self, reverse: &ReverseEdges, sources: &[Source]) {
        let heap = sources.iter().map(Queued::of).collect();
        self.settle(reverse, heap, |_| true);
    }

    /// Takes out the points whose slot `gone` says, and labels the nodes that listed them again
    /// from the rest: from the labels of the nodes they lead to, which did not list a gone point
    /// and so stay right, and from `sources_at(node)`, the other points that start at a node.
    pub fn remove<'a, I>(
        &mut self,
        graph: &Graph,
        reverse: &ReverseEdges,
        gone: impl Fn(u32) -> bool,
        sources_at: impl Fn(u32) -> I,
    ) where
        I: IntoIterator<Item = &'a Source>,
    {
        let mut relabel = vec![false; graph.node_count()];
        let mut region = Vec::new();
        for (node, listed) in self.slot.chunks_exact_mut(LABELS_PER_NODE).enumerate() {
            if listed.iter().any(|&slot| slot != EMPTY && gone(slot)) {
                relabel[node] = true;
                region.push(node as u32);
                listed.fill(EMPTY);
            }
        }
        let mut heap = BinaryHeap::new();
        for &node in &region {
            for source in sources_at(node) {
                if !gone(source.slot) {
                    heap.push(Queued::of(source));
                }
            }
            for edge in graph.edges(node) {
                if relabel[edge.target as usize] {
                    continue;
                }
                for label in self.at(edge.target) {
                    heap.push(Queued {
                        seconds: label.seconds + f64::from(edge.seconds),
                        metres: label.metres + f64::from(edge.length_m),
                        node,
                        slot: label.slot,
                    });
                }
            }
        }
        self.settle(reverse, heap, |node| relabel[node as usize]);
    }

    /// Renumbers the points' slots (after points came or went, the index's slots shift): `map`
    /// gives each old slot its new one. Slots of removed points must be gone already.
    pub fn renumber(&mut self, map: impl Fn(u32) -> u32) {
        for slot in self.slot.iter_mut().filter(|slot| **slot != EMPTY) {
            *slot = map(*slot);
        }
    }

    /// The search itself: entries are taken quickest first, each enters its node if it beats the
    /// node's last label, and only then spreads to the nodes leading into it that `may_label`.
    fn settle(
        &mut self,
        reverse: &ReverseEdges,
        mut heap: BinaryHeap<Queued>,
        may_label: impl Fn(u32) -> bool,
    ) {
        while let Some(entry) = heap.pop() {
            if !self.insert(entry) {
                continue;
            }
            for (from, edge_seconds, edge_m) in reverse.leading_into(entry.node) {
                let next = Queued {
                    seconds: entry.seconds + f64::from(edge_seconds),
                    metres: entry.metres + f64::from(edge_m),
                    node: from,
                    slot: entry.slot,
                };
                // An entry the node would refuse when taken is not pushed: it keeps the heap
                // small (on a grid most pushes would be such).
                if may_label(from) && self.would_take(&next) {
                    heap.push(next);
                }
            }
        }
    }

    /// Where `entry` would go among its node's labels: `None` if the node lists its point
    /// already, or is full of quicker ones. (A node never lists a point behind a quicker entry
    /// for it: entries come quickest first, and a patch clears a point before it comes again.)
    fn place_for(&self, entry: &Queued) -> Option<usize> {
        let base = entry.node as usize * LABELS_PER_NODE;
        let last = base + LABELS_PER_NODE - 1;
        // Compared as stored: an entry that rounds to a label's time ties with it and goes
        // behind it. (In f64, a tie stored rounded up would let the entry in, and spread.)
        let seconds = entry.seconds as f32;
        // Most entries meet a full node of quicker points: one comparison turns them away.
        if self.slot[last] != EMPTY && self.seconds[last] <= seconds {
            return None;
        }
        let mut place = None;
        for at in 0..LABELS_PER_NODE {
            match self.slot[base + at] {
                EMPTY => return Some(place.unwrap_or(at)),
                slot if slot == entry.slot => return None,
                _ if place.is_none() && self.seconds[base + at] > seconds => place = Some(at),
                _ => {}
            }
        }
        place
    }

    fn would_take(&self, entry: &Queued) -> bool {
        self.place_for(entry).is_some()
    }

    /// Puts `entry` in its place, the last label dropping out of a full node.
    fn insert(&mut self, entry: Queued) -> bool {
        let Some(at) = self.place_for(&entry) else {
            return false;
        };
        let base = entry.node as usize * LABELS_PER_NODE;
        let node = base..base + LABELS_PER_NODE;
        self.slot[node.clone()][at..].rotate_right(1);
        self.seconds[node.clone()][at..].rotate_right(1);
        self.metres[node][at..].rotate_right(1);
        self.slot[base + at] = entry.slot;
        self.seconds[base + at] = entry.seconds as f32;
        self.metres[base + at] = entry.metres as f32;
        true
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

/// A heap entry, quickest first.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Queued {
    seconds: f64,
    metres: f64,
    node: u32,
    slot: u32,
}

impl Queued {
    fn of(source: &Source) -> Self {
        let Source { slot, seed } = *source;
        Self { seconds: seed.seconds, metres: seed.metres, node: seed.node, slot }
    }
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

    /// Checks every node's labels against a forward search from it over the points `(slot,
    /// node)`, each seeded 0.5 s from its node: the k quickest times, each for the right point.
    fn assert_labels_exact(graph: &Graph, labels: &Labels, points: &[(u32, u32)]) {
        let mut search = Search::new(graph);
        for origin in 0..graph.node_count() as u32 {
            search.run(
                graph,
                &[Seed { node: origin, seconds: 0.0, metres: 0.0 }],
                f64::INFINITY,
                |_, _, _| Next::Continue,
            );
            let mut expected: Vec<f64> =
                points.iter().filter_map(|&(_, node)| search.seconds_to(node)).map(|s| s + 0.5).collect();
            expected.sort_by(f64::total_cmp);
            expected.truncate(LABELS_PER_NODE);
            let got: Vec<f64> = labels.at(origin).map(|label| label.seconds).collect();
            assert_eq!(got, expected, "from node {origin}");
            for label in labels.at(origin) {
                let (_, node) = points.iter().find(|&&(slot, _)| slot == label.slot).expect("a known slot");
                assert_eq!(search.seconds_to(*node).map(|s| s + 0.5), Some(label.seconds));
            }
        }
    }

    fn sources(points: &[(u32, u32)]) -> Vec<Source> {
        points
            .iter()
            .map(|&(slot, node)| Source { slot, seed: Seed { node, seconds: 0.5, metres: 3.0 } })
            .collect()
    }

    #[test]
    fn labels_match_a_forward_search_from_every_node() {
        let graph = grid();
        let points: Vec<(u32, u32)> =
            [0_u32, 7, 14, 17, 22, 29, 35].into_iter().zip(0..).map(|(n, s)| (s, n)).collect();
        let labels = Labels::compute(&graph, &ReverseEdges::of(&graph), &sources(&points));
        assert_labels_exact(&graph, &labels, &points);
    }

    #[test]
    fn points_removed_moved_and_added_leave_labels_as_a_fresh_search_would() {
        let graph = grid();
        let reverse = ReverseEdges::of(&graph);
        let before: Vec<(u32, u32)> =
            [0_u32, 7, 14, 17, 22, 29, 35].into_iter().zip(0..).map(|(n, s)| (s, n)).collect();
        let mut labels = Labels::compute(&graph, &reverse, &sources(&before));
        // Slot 4 (node 22) is retired, slot 1 moves from node 7 to node 30.
        let gone = |slot: u32| slot == 4 || slot == 1;
        let staying = sources(&before);
        labels.remove(&graph, &reverse, gone, |node| {
            staying.iter().filter(move |source| source.seed.node == node)
        });
        // The index closes the gap: slots 5 and 6 become 4 and 5; a new point takes slot 6.
        labels.renumber(|slot| if slot > 4 { slot - 1 } else { slot });
        let after = [(0, 0), (1, 30), (2, 14), (3, 17), (4, 29), (5, 35), (6, 3)];
        labels.add(&reverse, &sources(&[(1, 30), (6, 3)]));
        assert_labels_exact(&graph, &labels, &after);
    }

    #[test]
    fn removing_every_point_empties_the_labels() {
        let graph = grid();
        let reverse = ReverseEdges::of(&graph);
        let points = [(0, 5), (1, 33)];
        let mut labels = Labels::compute(&graph, &reverse, &sources(&points));
        labels.remove(&graph, &reverse, |_| true, |_| std::iter::empty::<&Source>());
        assert!((0..36).all(|node| labels.at(node).next().is_none()));
    }

    #[test]
    fn a_node_that_reaches_few_points_is_not_full() {
        let graph = grid();
        let sources = [Source { slot: 0, seed: Seed { node: 35, seconds: 0.0, metres: 0.0 } }];
        let labels = Labels::compute(&graph, &ReverseEdges::of(&graph), &sources);
        assert_eq!(labels.at(0).count(), 1);
        assert!(!labels.is_full(0));
    }
}
