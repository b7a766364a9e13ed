//! The loaded road network: a graph and its snapping tree per mode, and the travel time between
//! two places on it.

use std::path::Path;
use std::sync::OnceLock;

use serde::Serialize;

use super::file::{self, FileError, Stored};
use super::graph::Graph;
use super::pbf::mode_slot;
use super::reverse::ReverseEdges;
use super::route::{Next, Search, Seed};
use super::snap::{Snap, Snapper};
use crate::domain::LonLat;
use crate::locator::travel::Mode;

/// A place further than this from every road of the mode is "off the network": walking there
/// across country is not a road answer. Two kilometres covers a farmhouse at the end of an
/// unmapped track in the hills, and no more.
///
/// # Units
/// Metres.
pub const MAX_SNAP_M: f64 = 2_000.0;

/// One mode's graph with the tree that snaps places onto it.
#[derive(Debug, Clone)]
pub struct ModeNetwork {
    pub graph: Graph,
    pub snapper: Snapper,
}

/// The road network for every mode.
#[derive(Debug, Clone)]
pub struct RoadNetwork {
    /// Speed of the walk between a place and its road (in every mode: one walks to the car).
    walk_kmh: f64,
    modes: [ModeNetwork; 3],
    /// Per mode, the edges grouped by target, made on first use (labels and isochrones search
    /// towards points) and kept, since every staff edit patches the labels: 16 bytes an edge.
    reverse: [OnceLock<ReverseEdges>; 3],
}

/// The answer between two places.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "answer", rename_all = "snake_case")]
pub enum RoadTime {
    /// A route exists.
    Reached {
        /// Metres along the roads, between the two snapped points.
        distance_m: f64,
        /// Minutes, the walks to and from the road included.
        minutes: f64,
        /// Metres from the origin to its road.
        snapped_from_m: f64,
        /// Metres from the destination to its road.
        snapped_to_m: f64,
    },
    /// Both places are near roads, but no route joins them (an island, a closed area, one-way
    /// streets that lead away).
    Unreachable { snapped_from_m: f64, snapped_to_m: f64 },
    /// One of the places has no road of this mode within [`MAX_SNAP_M`].
    OffNetwork {
        /// Which place: `"from"` or `"to"`.
        place: &'static str,
    },
}

impl RoadNetwork {
    /// Builds the snapping trees over stored graphs.
    pub fn new(stored: Stored) -> Self {
        let Stored { walk_kmh, graphs, .. } = stored;
        let modes = graphs.map(|graph| {
            let snapper = Snapper::build(&graph);
            ModeNetwork { graph, snapper }
        });
        Self { walk_kmh, modes, reverse: Default::default() }
    }

    /// Reads and indexes the network file at `path`.
    pub fn load(path: &Path) -> Result<Self, FileError> {
        file::read(path).map(Self::new)
    }

    /// Nodes per mode, walk, bike, drive.
    pub fn node_counts(&self) -> [usize; 3] {
        self.modes.each_ref().map(|mode| mode.graph.node_count())
    }

    pub fn mode(&self, mode: Mode) -> &ModeNetwork {
        &self.modes[mode_slot(mode)]
    }

    /// `mode`'s edges grouped by their target, for searches towards a place.
    pub(crate) fn reverse_edges(&self, mode: Mode) -> &ReverseEdges {
        let slot = mode_slot(mode);
        self.reverse[slot].get_or_init(|| ReverseEdges::of(&self.modes[slot].graph))
    }

    /// `place` on `mode`'s nearest road, if one is within [`MAX_SNAP_M`].
    pub fn snap(&self, mode: Mode, place: LonLat) -> Option<Snap> {
        let network = self.mode(mode);
        network.snapper.snap(&network.graph, place, MAX_SNAP_M)
    }

    /// Seconds to walk `distance_m` between a place and its road.
    pub fn walk_seconds(&self, distance_m: f64) -> f64 {
        distance_m / (self.walk_kmh / 3.6)
    }

    /// The quickest route from `from` to `to` by `mode`.
    pub fn time(&self, mode: Mode, from: LonLat, to: LonLat) -> RoadTime {
        let (Some(origin), Some(destination)) = (self.snap(mode, from), self.snap(mode, to)) else {
            let place = if self.snap(mode, from).is_none() { "from" } else { "to" };
            return RoadTime::OffNetwork { place };
        };
        let graph = &self.mode(mode).graph;
        let seeds = seeds(&origin);
        let exits = exits(&destination);
        // Along the shared segment, without passing a node.
        let mut best = direct(&origin, &destination);
        let mut search = Search::new(graph);
        search.run(graph, &seeds, f64::INFINITY, |node, seconds, metres| {
            if best.is_some_and(|(best_s, _)| seconds >= best_s) {
                return Next::Stop;
            }
            for exit in exits.iter().filter(|exit| exit.node == node) {
                let candidate = (seconds + exit.seconds, metres + exit.metres);
                if best.is_none_or(|(best_s, _)| candidate.0 < best_s) {
                    best = Some(candidate);
                }
            }
            Next::Continue
        });
        let (snapped_from_m, snapped_to_m) = (origin.snap_distance_m, destination.snap_distance_m);
        match best {
            Some((seconds, distance_m)) => RoadTime::Reached {
                distance_m,
                minutes: (seconds + self.walk_seconds(snapped_from_m + snapped_to_m)) / 60.0,
                snapped_from_m,
                snapped_to_m,
            },
            None => RoadTime::Unreachable { snapped_from_m, snapped_to_m },
        }
    }
}

/// Where a search from a snapped place starts: the segment's ends it may travel to, with the part
/// of the segment on the way.
pub fn seeds(snap: &Snap) -> Vec<Seed> {
    let mut seeds = Vec::with_capacity(2);
    if let Some(edge) = snap.forward {
        let share = 1.0 - snap.fraction;
        seeds.push(Seed {
            node: snap.node_b,
            seconds: f64::from(edge.seconds) * share,
            metres: snap.metres_to_b(),
        });
    }
    if let Some(edge) = snap.backward {
        let share = snap.fraction;
        seeds.push(Seed {
            node: snap.node_a,
            seconds: f64::from(edge.seconds) * share,
            metres: snap.metres_from_a(),
        });
    }
    seeds
}

/// How a search reaches a snapped destination: from a segment end it may travel from, with the
/// part of the segment still to go.
pub fn exits(snap: &Snap) -> Vec<Seed> {
    let mut exits = Vec::with_capacity(2);
    if let Some(edge) = snap.forward {
        exits.push(Seed {
            node: snap.node_a,
            seconds: f64::from(edge.seconds) * snap.fraction,
            metres: snap.metres_from_a(),
        });
    }
    if let Some(edge) = snap.backward {
        let share = 1.0 - snap.fraction;
        exits.push(Seed {
            node: snap.node_b,
            seconds: f64::from(edge.seconds) * share,
            metres: snap.metres_to_b(),
        });
    }
    exits
}

/// Seconds and metres between two places snapped onto the same segment, along it, when the mode
/// may travel it in that direction.
fn direct(origin: &Snap, destination: &Snap) -> Option<(f64, f64)> {
    let same = (origin.node_a, origin.node_b) == (destination.node_a, destination.node_b);
    if !same {
        return None;
    }
    let gap = destination.fraction - origin.fraction;
    let edge = if gap >= 0.0 { origin.forward } else { origin.backward }?;
    Some((f64::from(edge.seconds) * gap.abs(), f64::from(edge.length_m) * gap.abs()))
}

#[cfg(test)]
pub(crate) mod tests {
    use geo::{Distance, Haversine, Point};

    use super::*;
    use crate::roads::graph::GraphParts;

    /// A - B - C along the equator, 0.01 degrees apart; A-B both ways, B-C one-way to C; one
    /// metre a second, walking at 3.6 km/h. Also the fixture of the isochrone's tests.
    pub(crate) fn line() -> (RoadNetwork, f64) {
        let segment_m = Haversine.distance(Point::new(0.0, 0.0), Point::new(0.01, 0.0));
        let length = segment_m as f32;
        let graph = Graph::from_parts(GraphParts {
            lon: vec![0.0, 0.01, 0.02],
            lat: vec![0.0, 0.0, 0.0],
            offsets: vec![0, 1, 3, 3],
            targets: vec![1, 0, 2],
            length_m: vec![length; 3],
            seconds: vec![length; 3],
        })
        .unwrap();
        let stored = Stored { walk_kmh: 3.6, bike_kmh: 3.6, graphs: [graph.clone(), graph.clone(), graph] };
        (RoadNetwork::new(stored), segment_m)
    }

    fn at(lon: f64) -> LonLat {
        LonLat::parse(lon, 0.0).unwrap()
    }

    #[test]
    fn partial_segments_at_both_ends() {
        let (network, segment_m) = line();
        let RoadTime::Reached { distance_m, minutes, snapped_from_m, .. } =
            network.time(Mode::Walk, at(0.0025), at(0.015))
        else {
            panic!("reachable")
        };
        assert!((distance_m - 1.25 * segment_m).abs() < 0.01, "{distance_m}");
        assert!((minutes - 1.25 * segment_m / 60.0).abs() < 1e-3, "{minutes}");
        assert!(snapped_from_m < 1e-6);
        // Against the one-way B -> C there is no way back.
        assert!(matches!(network.time(Mode::Walk, at(0.015), at(0.0025)), RoadTime::Unreachable { .. }));
    }

    #[test]
    fn along_one_segment_and_off_the_network() {
        let (network, segment_m) = line();
        for (from, to) in [(0.0025, 0.0075), (0.0075, 0.0025)] {
            let RoadTime::Reached { distance_m, .. } = network.time(Mode::Walk, at(from), at(to)) else {
                panic!("reachable")
            };
            assert!((distance_m - 0.5 * segment_m).abs() < 0.01, "{distance_m}");
        }
        assert!(matches!(network.time(Mode::Walk, at(0.0125), at(0.0175)), RoadTime::Reached { .. }));
        assert!(matches!(network.time(Mode::Walk, at(0.0175), at(0.0125)), RoadTime::Unreachable { .. }));
        let far = LonLat::parse(0.5, 0.5).unwrap();
        assert_eq!(network.time(Mode::Walk, far, at(0.0)), RoadTime::OffNetwork { place: "from" });
        assert_eq!(network.time(Mode::Walk, at(0.0), far), RoadTime::OffNetwork { place: "to" });
    }
}
