//! The active points on the road network: each point snapped onto every mode's roads, the
//! labels of the quickest points per road node, and the queries the locator asks of them.
//!
//! Made for one index snapshot and one network, off the request path (after each staff change and
//! each import of roads), and swapped in with that snapshot, so a query always sees points and
//! labels that agree. After a staff change the labels are patched where the change reaches
//! ([`RoadAnswers::for_index`]), not computed again for the whole network.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::labels::{LABELS_PER_NODE, Labels, Source};
use super::network::{RoadNetwork, exits, seeds};
use super::point_changes::PointChanges;
use super::route::{Next, Search, Seed};
use super::snap::Snap;
use crate::domain::LonLat;
use crate::locator::index::PointIndex;
use crate::locator::travel::Mode;

/// The longest search for the nearest points: a point not reached within three hours on the
/// roads is reported as not reachable (no district, and no village of a province, is that far
/// from its nearest point by any road).
///
/// # Units
/// Seconds.
pub const MAX_SEARCH_S: f64 = 3.0 * 3600.0;

/// How a point is reached from an origin on the roads.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Leg {
    /// The point's slot in the index snapshot.
    pub slot: u32,
    /// The whole trip: the walk to the road, the route and the walk to the point.
    pub seconds: f64,
    /// Metres of the whole trip, the walks included.
    pub metres: f64,
}

/// The points of one index snapshot on the road network.
pub struct RoadAnswers {
    pub network: Arc<RoadNetwork>,
    pub index: Arc<PointIndex>,
    modes: [Arc<ModePoints>; 3],
}

/// One mode's view of the points.
struct ModePoints {
    /// Per slot: where the point meets this mode's roads; `None` if no road is near enough.
    snaps: Vec<Option<Snap>>,
    /// Per node: the points reached from it, as the labels' sources (segment part and walk
    /// included in the seed).
    arrivals: HashMap<u32, Vec<Source>>,
    /// Per segment (lower node first): the points snapped onto it.
    on_segment: HashMap<(u32, u32), Vec<u32>>,
    labels: Labels,
    /// Reusable searches for the queries labels cannot answer.
    searches: Mutex<Vec<Search>>,
}

impl std::fmt::Debug for RoadAnswers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RoadAnswers").field("points", &self.index.len()).finish_non_exhaustive()
    }
}

impl RoadAnswers {
    /// Snaps every point of `index` onto every mode's roads and labels the nodes.
    pub fn build(network: Arc<RoadNetwork>, index: Arc<PointIndex>) -> Self {
        let modes = [Mode::Walk, Mode::Bike, Mode::Drive]
            .map(|mode| Arc::new(ModePoints::build(&network, &index, mode)));
        Self { network, index, modes }
    }

    /// The same network's view of `index`, a later snapshot of the points. When few points came,
    /// went or moved, the labels are patched where they reach (see `roads::labels`); an edit
    /// that moves no point shares this view's labels; many changes at once (a bulk import) label
    /// the network again.
    pub fn for_index(&self, index: Arc<PointIndex>) -> Self {
        let changes = PointChanges::between(&self.index, &index);
        let modes = if changes.is_none() {
            self.modes.clone()
        } else if worth_patching(changes.count(), index.len()) {
            [Mode::Walk, Mode::Bike, Mode::Drive]
                .map(|mode| Arc::new(self.mode(mode).patched(&self.network, &index, mode, &changes)))
        } else {
            return Self::build(Arc::clone(&self.network), index);
        };
        Self { network: Arc::clone(&self.network), index, modes }
    }

    fn mode(&self, mode: Mode) -> &ModePoints {
        &self.modes[super::pbf::mode_slot(mode)]
    }

    /// Whether the point in `slot` is near enough a road of `mode` to be answered on the network.
    pub fn is_on_network(&self, mode: Mode, slot: u32) -> bool {
        self.mode(mode).snaps.get(slot as usize).is_some_and(Option::is_some)
    }

    /// How many points are on `mode`'s roads.
    pub fn points_on_network(&self, mode: Mode) -> usize {
        self.mode(mode).snaps.iter().flatten().count()
    }

    /// The `limit` quickest points from `origin` by `mode`, quickest first; fewer when fewer are
    /// reachable within [`MAX_SEARCH_S`]. `None` when `origin` has no road of the mode near it.
    pub fn nearest(&self, mode: Mode, origin: LonLat, limit: usize) -> Option<Vec<Leg>> {
        let from = self.network.snap(mode, origin)?;
        let points = self.mode(mode);
        let mut legs = if limit <= LABELS_PER_NODE {
            points.quickest_by_labels(&from)
        } else {
            points.search(&self.network, mode, &from, MAX_SEARCH_S, |best, seconds| {
                best.len() >= limit && {
                    let mut found: Vec<f64> = best.values().map(|leg| leg.seconds).collect();
                    found.select_nth_unstable_by(limit - 1, f64::total_cmp);
                    found[limit - 1] <= seconds
                }
            })
        };
        points.add_same_segment(&self.network, &from, &mut legs);
        let mut legs =
            finish(legs, self.network.walk_seconds(from.snap_distance_m), from.snap_distance_m, limit);
        // Labels know no bound; the answer has the same one whichever way it was found.
        legs.retain(|leg| leg.seconds <= MAX_SEARCH_S);
        Some(legs)
    }

    /// Every point within `budget_s` seconds of `origin` by `mode`, quickest first. `None` when
    /// `origin` has no road of the mode near it.
    pub fn within(&self, mode: Mode, origin: LonLat, budget_s: f64) -> Option<Vec<Leg>> {
        let from = self.network.snap(mode, origin)?;
        let points = self.mode(mode);
        let walk_s = self.network.walk_seconds(from.snap_distance_m);
        let mut legs = points.search(&self.network, mode, &from, budget_s - walk_s, |_, _| false);
        points.add_same_segment(&self.network, &from, &mut legs);
        let mut legs = finish(legs, walk_s, from.snap_distance_m, usize::MAX);
        legs.retain(|leg| leg.seconds <= budget_s);
        Some(legs)
    }

    /// The quickest leg from `origin` to the point in `slot`: `None` when `origin` has no road of
    /// the mode near it, `Some(None)` when no route reaches the point within [`MAX_SEARCH_S`].
    pub fn leg_to(&self, mode: Mode, origin: LonLat, slot: u32) -> Option<Option<Leg>> {
        let from = self.network.snap(mode, origin)?;
        let points = self.mode(mode);
        let mut legs = points.search(&self.network, mode, &from, MAX_SEARCH_S, |best, seconds| {
            best.get(&slot).is_some_and(|leg| leg.seconds <= seconds)
        });
        points.add_same_segment(&self.network, &from, &mut legs);
        legs.retain(|leg| leg.slot == slot);
        Some(finish(legs, self.network.walk_seconds(from.snap_distance_m), from.snap_distance_m, 1).pop())
    }

    /// Heap bytes of the labels, for the benchmarks.
    pub fn label_bytes(&self) -> usize {
        self.modes.iter().map(|mode| mode.labels.heap_bytes()).sum()
    }
}

impl ModePoints {
    fn build(network: &RoadNetwork, index: &PointIndex, mode: Mode) -> Self {
        let snaps: Vec<Option<Snap>> =
            index.points().iter().map(|point| network.snap(mode, point.record.location)).collect();
        let placed = Placed::of(network, &snaps);
        let sources = placed.sources(|_| true);
        let labels = Labels::compute(&network.mode(mode).graph, network.reverse_edges(mode), &sources);
        placed.with_labels(snaps, labels)
    }

    /// This view after `changes` (to `index`): the points that left are taken out of the labels,
    /// the slots renumbered, and the points that arrived brought in.
    fn patched(&self, network: &RoadNetwork, index: &PointIndex, mode: Mode, changes: &PointChanges) -> Self {
        let snaps: Vec<Option<Snap>> = index
            .points()
            .iter()
            .enumerate()
            .map(|(slot, point)| match changes.stayed(slot as u32) {
                Some(old) => self.snaps[old as usize],
                None => network.snap(mode, point.record.location),
            })
            .collect();
        let placed = Placed::of(network, &snaps);
        let (graph, reverse) = (&network.mode(mode).graph, network.reverse_edges(mode));
        let mut labels = self.labels.clone();
        labels.remove(
            graph,
            reverse,
            |slot| changes.left[slot as usize],
            |node| self.arrivals.get(&node).into_iter().flatten(),
        );
        labels.renumber(|slot| changes.new_slot[slot as usize].expect("points that went left the labels"));
        let mut did_arrive = vec![false; snaps.len()];
        for &slot in &changes.arrived {
            did_arrive[slot as usize] = true;
        }
        labels.add(reverse, &placed.sources(|slot| did_arrive[slot as usize]));
        placed.with_labels(snaps, labels)
    }

    /// The quickest points through the ends of the origin's segment, from their labels.
    fn quickest_by_labels(&self, from: &Snap) -> Vec<Leg> {
        let mut legs = Vec::with_capacity(2 * LABELS_PER_NODE);
        for seed in seeds(from) {
            for label in self.labels.at(seed.node) {
                legs.push(Leg {
                    slot: label.slot,
                    seconds: seed.seconds + label.seconds,
                    metres: seed.metres + label.metres,
                });
            }
        }
        legs
    }

    /// A forward search from the origin, settling nodes until `budget_s`, or until `done` says
    /// that the points found so far (quickest leg each) cannot change any more: a node settled at
    /// `seconds` means no point not yet found arrives sooner.
    fn search(
        &self,
        network: &RoadNetwork,
        mode: Mode,
        from: &Snap,
        budget_s: f64,
        mut done: impl FnMut(&HashMap<u32, Leg>, f64) -> bool,
    ) -> Vec<Leg> {
        let graph = &network.mode(mode).graph;
        let pooled = self.searches.lock().ok().and_then(|mut pool| pool.pop());
        let mut search = pooled.unwrap_or_else(|| Search::new(graph));
        let mut best: HashMap<u32, Leg> = HashMap::new();
        search.run(graph, &seeds(from), budget_s, |node, seconds, metres| {
            if done(&best, seconds) {
                return Next::Stop;
            }
            for arrival in self.arrivals.get(&node).into_iter().flatten() {
                let leg = Leg {
                    slot: arrival.slot,
                    seconds: seconds + arrival.seed.seconds,
                    metres: metres + arrival.seed.metres,
                };
                let entry = best.entry(leg.slot).or_insert(leg);
                if leg.seconds < entry.seconds {
                    *entry = leg;
                }
            }
            Next::Continue
        });
        if let Ok(mut pool) = self.searches.lock() {
            pool.push(search);
        }
        best.into_values().filter(|leg| leg.seconds <= budget_s).collect()
    }

    /// Points on the origin's own segment, reached along it without passing a node.
    fn add_same_segment(&self, network: &RoadNetwork, from: &Snap, legs: &mut Vec<Leg>) {
        for &slot in self.on_segment.get(&segment_key(from)).into_iter().flatten() {
            let Some(to) = &self.snaps[slot as usize] else { continue };
            let to = oriented_like(to, from);
            let gap = to.fraction - from.fraction;
            let edge = if gap >= 0.0 { from.forward } else { from.backward };
            if let Some(edge) = edge {
                legs.push(Leg {
                    slot,
                    seconds: f64::from(edge.seconds) * gap.abs() + network.walk_seconds(to.snap_distance_m),
                    metres: f64::from(edge.length_m) * gap.abs() + to.snap_distance_m,
                });
            }
        }
    }
}

/// Whether patching the labels for `changed` points (see [`PointChanges::count`]) is worth it
/// against labelling anew: a point's labels reach about `LABELS_PER_NODE` times its share of the
/// network, so past a tenth of the points a patch touches most of it anyway.
fn worth_patching(changed: usize, points: usize) -> bool {
    changed <= 2 || changed * 2 * LABELS_PER_NODE <= points
}

/// Where the points meet one mode's roads, by node and by segment.
struct Placed {
    arrivals: HashMap<u32, Vec<Source>>,
    on_segment: HashMap<(u32, u32), Vec<u32>>,
}

impl Placed {
    fn of(network: &RoadNetwork, snaps: &[Option<Snap>]) -> Self {
        let mut placed = Self { arrivals: HashMap::new(), on_segment: HashMap::new() };
        for (slot, snap) in snaps.iter().enumerate() {
            let Some(snap) = snap else { continue };
            let slot = slot as u32;
            let walk_s = network.walk_seconds(snap.snap_distance_m);
            for exit in exits(snap) {
                let seed = Seed {
                    node: exit.node,
                    seconds: exit.seconds + walk_s,
                    metres: exit.metres + snap.snap_distance_m,
                };
                placed.arrivals.entry(exit.node).or_default().push(Source { slot, seed });
            }
            placed.on_segment.entry(segment_key(snap)).or_default().push(slot);
        }
        placed
    }

    /// The sources of the points whose slot `wanted` says (one per end of its segment that
    /// leads to the point).
    fn sources(&self, wanted: impl Fn(u32) -> bool) -> Vec<Source> {
        self.arrivals.values().flatten().filter(|source| wanted(source.slot)).copied().collect()
    }

    fn with_labels(self, snaps: Vec<Option<Snap>>, labels: Labels) -> ModePoints {
        let Self { arrivals, on_segment, .. } = self;
        ModePoints { snaps, arrivals, on_segment, labels, searches: Mutex::default() }
    }
}

/// Adds the walk from the origin to its road, keeps each point's quickest leg, sorts quickest
/// first and keeps `limit`.
fn finish(legs: Vec<Leg>, walk_s: f64, walk_m: f64, limit: usize) -> Vec<Leg> {
    let mut best: HashMap<u32, Leg> = HashMap::with_capacity(legs.len());
    for leg in legs {
        let leg = Leg { slot: leg.slot, seconds: leg.seconds + walk_s, metres: leg.metres + walk_m };
        let entry = best.entry(leg.slot).or_insert(leg);
        if leg.seconds < entry.seconds {
            *entry = leg;
        }
    }
    let mut legs: Vec<Leg> = best.into_values().collect();
    legs.sort_by(|a, b| a.seconds.total_cmp(&b.seconds).then(a.slot.cmp(&b.slot)));
    legs.truncate(limit);
    legs
}

/// A segment's ends, lower node first: the same key whichever way a place was snapped onto it.
fn segment_key(snap: &Snap) -> (u32, u32) {
    (snap.node_a.min(snap.node_b), snap.node_a.max(snap.node_b))
}

/// `snap` described from the same end as `like` (a segment can be snapped to from either end).
fn oriented_like(snap: &Snap, like: &Snap) -> Snap {
    if snap.node_a == like.node_a {
        *snap
    } else {
        Snap {
            node_a: snap.node_b,
            node_b: snap.node_a,
            fraction: 1.0 - snap.fraction,
            forward: snap.backward,
            backward: snap.forward,
            ..*snap
        }
    }
}
