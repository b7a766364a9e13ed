//! Where on the roads one can be and still reach a place within a time budget: the area a
//! point's page draws ("who is within 15 minutes of this point by road").
//!
//! Residents travel *to* the point, so the search runs backwards from it, over each edge against
//! its direction (one-way streets count the way they are driven), starting at the ends of the
//! point's segment from which the point is reached, with the rest of the segment and the walk
//! from the road to the point already spent. A node settled at `t` seconds leaves `budget - t`
//! for each edge leading into it: an edge that takes longer is reached only part of the way, and
//! its stretch is cut where the time runs out, so the edge of the area is where it really is.
//!
//! The walk from a resident's home to the road is not in the area: it shows where one can be *on
//! the roads*; someone 100 m from a drawn road needs that walk too.

use std::collections::HashMap;

use super::graph::{Edge, Graph};
use super::network::{RoadNetwork, exits};
use super::route::{Next, Search, Seed};
use super::snap::Snap;
use crate::domain::LonLat;
use crate::locator::travel::Mode;

/// A stretch of road, its two ends as `[lon, lat]` in WGS-84 degrees: road nodes, or where the
/// time runs out part-way along a segment. Drawn from its lower-numbered node's side.
pub type Stretch = [[f64; 2]; 2];

/// The roads from which a place is reached within a budget.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RoadArea {
    /// Roughly nearest first: the place's own segment, then the segments into each node in the
    /// order the search settled the nodes.
    pub stretches: Vec<Stretch>,
    /// More stretches were in reach than asked for; the furthest were left out.
    pub truncated: bool,
}

/// Every stretch of `mode`'s roads from which `place` is reached within `budget_s` seconds (at
/// most `max_stretches`). `None` when `place` has no road of the mode within
/// [`super::network::MAX_SNAP_M`].
pub fn road_area(
    network: &RoadNetwork,
    mode: Mode,
    place: LonLat,
    budget_s: f64,
    max_stretches: usize,
) -> Option<RoadArea> {
    let snap = network.snap(mode, place)?;
    let graph = &network.mode(mode).graph;
    let reverse = network.reverse_edges(mode);
    let walk_s = network.walk_seconds(snap.snap_distance_m);
    let seeds: Vec<Seed> =
        exits(&snap).into_iter().map(|exit| Seed { seconds: exit.seconds + walk_s, ..exit }).collect();

    let mut settled: Vec<(u32, f64)> = Vec::new();
    // Sized to the graph: a few bytes a node, made per request (no pool: isochrones are asked
    // for one tap at a time, not per keystroke).
    let mut search = Search::new(graph);
    search.run_over(
        |node| {
            reverse.leading_into(node).map(|(from, seconds, length_m)| Edge {
                target: from,
                length_m,
                seconds,
            })
        },
        &seeds,
        budget_s,
        |node, seconds, _| {
            settled.push((node, seconds));
            Next::Continue
        },
    );

    // Per segment (lower node first): the parts reached, as fractions of its length from the
    // lower node; merged before they are drawn, so no road is drawn twice.
    let mut parts = Parts::default();
    own_segment(&mut parts, &snap, budget_s - walk_s);
    for &(node, seconds) in &settled {
        let left_s = budget_s - seconds;
        for (from, edge_seconds, _) in reverse.leading_into(node) {
            if from == node {
                continue;
            }
            let reached = share(left_s, f64::from(edge_seconds), 1.0);
            if reached > 0.0 {
                // From `node` towards `from`.
                parts.add(node, from, 0.0, reached);
            }
        }
    }
    Some(parts.into_area(graph, max_stretches))
}

/// The place's own segment: residents on it travel straight to the place, through no node.
fn own_segment(parts: &mut Parts, snap: &Snap, left_s: f64) {
    if left_s <= 0.0 {
        return;
    }
    // Coming from `node_a`'s side, the way `forward` goes; from `node_b`'s, the way `backward` does.
    if let Some(edge) = snap.forward {
        let reached = share(left_s, f64::from(edge.seconds), snap.fraction);
        parts.add(snap.node_a, snap.node_b, snap.fraction - reached, snap.fraction);
    }
    if let Some(edge) = snap.backward {
        let reached = share(left_s, f64::from(edge.seconds), 1.0 - snap.fraction);
        parts.add(snap.node_a, snap.node_b, snap.fraction, snap.fraction + reached);
    }
}

/// How much of an edge taking `edge_s` seconds is travelled in `left_s` seconds, at most `whole`.
fn share(left_s: f64, edge_s: f64, whole: f64) -> f64 {
    if left_s <= 0.0 {
        0.0
    } else if edge_s <= left_s {
        whole
    } else {
        (left_s / edge_s).min(whole)
    }
}

/// The reached parts of each segment, in the order segments were first met (nearest first).
#[derive(Default)]
struct Parts {
    /// Per segment, lower node first: `(from, to)` fractions of its length from the lower node.
    reached: HashMap<(u32, u32), Vec<(f64, f64)>>,
    order: Vec<(u32, u32)>,
}

impl Parts {
    /// The part of segment `a - b` from `from` to `to`, as fractions of its length from `a`.
    fn add(&mut self, a: u32, b: u32, from: f64, to: f64) {
        let key = (a.min(b), a.max(b));
        let (from, to) = if a == key.0 { (from, to) } else { (1.0 - to, 1.0 - from) };
        self.reached
            .entry(key)
            .or_insert_with(|| {
                self.order.push(key);
                Vec::new()
            })
            .push((from, to));
    }

    /// Each segment's parts merged into stretches, at most `max_stretches` of them.
    fn into_area(mut self, graph: &Graph, max_stretches: usize) -> RoadArea {
        let mut area = RoadArea::default();
        for key in &self.order {
            let Some(mut parts) = self.reached.remove(key) else { continue };
            parts.sort_by(|a, b| a.0.total_cmp(&b.0));
            let mut merged: Vec<(f64, f64)> = Vec::with_capacity(1);
            for (from, to) in parts {
                match merged.last_mut() {
                    Some(last) if from <= last.1 => last.1 = last.1.max(to),
                    _ => merged.push((from, to)),
                }
            }
            for (from, to) in merged.into_iter().filter(|(from, to)| to > from) {
                if area.stretches.len() == max_stretches {
                    area.truncated = true;
                    return area;
                }
                area.stretches.push([position(graph, *key, from), position(graph, *key, to)]);
            }
        }
        area
    }
}

/// The position `fraction` of the way from `low` to `high`, `[lon, lat]`; the nodes' own
/// positions at 0 and 1.
fn position(graph: &Graph, (low, high): (u32, u32), fraction: f64) -> [f64; 2] {
    match fraction {
        0.0 => [graph.lon(low), graph.lat(low)],
        1.0 => [graph.lon(high), graph.lat(high)],
        _ => [
            graph.lon(low) + (graph.lon(high) - graph.lon(low)) * fraction,
            graph.lat(low) + (graph.lat(high) - graph.lat(low)) * fraction,
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roads::network::tests::line;

    fn at(lon: f64) -> LonLat {
        LonLat::parse(lon, 0.0).unwrap()
    }

    fn near(a: [f64; 2], b: [f64; 2]) -> bool {
        (a[0] - b[0]).abs() < 1e-9 && (a[1] - b[1]).abs() < 1e-9
    }

    /// Whether `stretch` runs between longitudes `a` and `b` on the equator, either way.
    fn joins(stretch: &Stretch, a: f64, b: f64) -> bool {
        let [one, other] = *stretch;
        (near(one, [a, 0.0]) && near(other, [b, 0.0])) || (near(one, [b, 0.0]) && near(other, [a, 0.0]))
    }

    #[test]
    fn the_far_stretch_is_cut_where_the_time_runs_out() {
        let (network, segment_s) = line();
        // From C, against nothing: B-C is travelled towards C, A-B towards B.
        let area = road_area(&network, Mode::Walk, at(0.02), 1.25 * segment_s, 100).unwrap();
        assert!(!area.truncated);
        // C's own segment, from C back to B, and A-B from B a quarter of the way to A.
        assert_eq!(area.stretches.len(), 2, "{area:?}");
        assert!(joins(&area.stretches[0], 0.02, 0.01), "{area:?}");
        assert!(joins(&area.stretches[1], 0.01, 0.0075), "{area:?}");
        assert!(area.stretches.iter().all(|s| s.iter().all(|p| p[0] >= 0.0075 - 1e-9)), "{area:?}");
    }

    #[test]
    fn one_way_streets_leading_away_are_not_in_the_area() {
        let (network, segment_s) = line();
        // From A: B-C leads away from A (one-way to C), so no one on it reaches A.
        let area = road_area(&network, Mode::Walk, at(0.0), 3.0 * segment_s, 100).unwrap();
        assert!(!area.stretches.is_empty());
        // A-B once, though it is both A's own segment and the way into B.
        assert_eq!(area.stretches.len(), 1, "{area:?}");
        assert!(joins(&area.stretches[0], 0.0, 0.01), "{area:?}");
        // Halfway along B-C, the place is reached from B's side of the segment only.
        let area = road_area(&network, Mode::Walk, at(0.015), 0.25 * segment_s, 100).unwrap();
        assert_eq!(area.stretches.len(), 1, "{area:?}");
        assert!(joins(&area.stretches[0], 0.015, 0.0125), "{area:?}");
    }

    #[test]
    fn the_answer_stops_at_the_most_stretches_asked_for() {
        let (network, segment_s) = line();
        let area = road_area(&network, Mode::Walk, at(0.02), 3.0 * segment_s, 1).unwrap();
        assert_eq!(area.stretches.len(), 1);
        assert!(area.truncated);
        assert!(road_area(&network, Mode::Walk, LonLat::parse(0.5, 0.5).unwrap(), 60.0, 10).is_none());
    }
}
