//! Shortest travel times on one mode's graph: Dijkstra's search with a binary heap, bounded by a
//! time budget ("what is within 15 minutes" never looks at the rest of the province).
//!
//! The search keeps its arrays between runs ([`Search`] is reusable): resetting only the nodes a
//! run touched makes a small search cost what it visits, not the size of the network.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use super::graph::{Edge, Graph};

/// A place the search starts from: a node reached already after `seconds` and `metres` (the part
/// of a road segment between a snapped place and the segment's end).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Seed {
    pub node: u32,
    pub seconds: f64,
    pub metres: f64,
}

/// A reusable shortest-path search over one graph.
#[derive(Debug, Clone)]
pub struct Search {
    seconds: Vec<f64>,
    metres: Vec<f64>,
    settled: Vec<bool>,
    touched: Vec<u32>,
    heap: BinaryHeap<Queued>,
}

/// What a search tells its caller as each node is settled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    Continue,
    Stop,
}

impl Search {
    pub fn new(graph: &Graph) -> Self {
        let nodes = graph.node_count();
        Self {
            seconds: vec![f64::INFINITY; nodes],
            metres: vec![f64::INFINITY; nodes],
            settled: vec![false; nodes],
            touched: Vec::new(),
            heap: BinaryHeap::new(),
        }
    }

    /// Settles nodes in order of travel time from `seeds` until none is left within `budget_s`
    /// seconds or `on_settle(node, seconds, metres)` says stop. The times of settled nodes are then
    /// final: read them with [`Search::seconds_to`].
    ///
    /// `graph` must be the graph the search was made for.
    pub fn run(
        &mut self,
        graph: &Graph,
        seeds: &[Seed],
        budget_s: f64,
        on_settle: impl FnMut(u32, f64, f64) -> Next,
    ) {
        self.run_over(|node| graph.edges(node), seeds, budget_s, on_settle);
    }

    /// [`Search::run`] over the edges `edges_of(node)` gives, instead of a graph's own: a search
    /// over the graph reversed (edges towards each node, as [`Edge`]s whose `target` is the
    /// node they come from) finds the time from each node to the seeds.
    ///
    /// The nodes must be those of the graph the search was made for.
    pub fn run_over<Edges: Iterator<Item = Edge>>(
        &mut self,
        edges_of: impl Fn(u32) -> Edges,
        seeds: &[Seed],
        budget_s: f64,
        mut on_settle: impl FnMut(u32, f64, f64) -> Next,
    ) {
        self.reset();
        for seed in seeds {
            self.relax(seed.node, seed.seconds, seed.metres, budget_s);
        }
        while let Some(Queued { seconds, node }) = self.heap.pop() {
            let index = node as usize;
            if self.settled[index] || seconds > self.seconds[index] {
                continue;
            }
            self.settled[index] = true;
            let metres = self.metres[index];
            if on_settle(node, seconds, metres) == Next::Stop {
                return;
            }
            for edge in edges_of(node) {
                let target = edge.target;
                if !self.settled[target as usize] {
                    self.relax(
                        target,
                        seconds + f64::from(edge.seconds),
                        metres + f64::from(edge.length_m),
                        budget_s,
                    );
                }
            }
        }
    }

    /// Seconds from the seeds to `node`, if the last run settled it.
    pub fn seconds_to(&self, node: u32) -> Option<f64> {
        self.settled.get(node as usize).copied().unwrap_or(false).then(|| self.seconds[node as usize])
    }

    /// Metres along the quickest route to `node`, if the last run settled it.
    pub fn metres_to(&self, node: u32) -> Option<f64> {
        self.settled.get(node as usize).copied().unwrap_or(false).then(|| self.metres[node as usize])
    }

    /// Every node the last run settled, in no particular order.
    pub fn settled_nodes(&self) -> impl Iterator<Item = u32> + '_ {
        self.touched.iter().copied().filter(|&node| self.settled[node as usize])
    }

    fn relax(&mut self, node: u32, seconds: f64, metres: f64, budget_s: f64) {
        let index = node as usize;
        if seconds > budget_s || seconds >= self.seconds[index] {
            return;
        }
        if self.seconds[index].is_infinite() {
            self.touched.push(node);
        }
        self.seconds[index] = seconds;
        self.metres[index] = metres;
        self.heap.push(Queued { seconds, node });
    }

    fn reset(&mut self) {
        for node in self.touched.drain(..) {
            let index = node as usize;
            self.seconds[index] = f64::INFINITY;
            self.metres[index] = f64::INFINITY;
            self.settled[index] = false;
        }
        self.heap.clear();
    }
}

/// A heap entry, ordered so that the quickest comes out first.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Queued {
    seconds: f64,
    node: u32,
}

impl Eq for Queued {}

impl Ord for Queued {
    fn cmp(&self, other: &Self) -> Ordering {
        other.seconds.total_cmp(&self.seconds).then_with(|| other.node.cmp(&self.node))
    }
}

impl PartialOrd for Queued {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
