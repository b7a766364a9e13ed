//! Each node's incoming edges: what a search *towards* a place walks (labels, isochrones).

use super::graph::Graph;

/// The graph's edges grouped by their target: who leads into each node. A search over it runs
/// against the edges' direction: it finds the time *from* each node to where it started.
#[derive(Debug, Clone)]
pub struct ReverseEdges {
    offsets: Vec<u32>,
    sources: Vec<u32>,
    seconds: Vec<f32>,
    length_m: Vec<f32>,
}

impl ReverseEdges {
    pub fn of(graph: &Graph) -> Self {
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
    pub fn leading_into(&self, node: u32) -> impl Iterator<Item = (u32, f32, f32)> + '_ {
        let range = self.offsets[node as usize] as usize..self.offsets[node as usize + 1] as usize;
        range.map(|at| (self.sources[at], self.seconds[at], self.length_m[at]))
    }
}
