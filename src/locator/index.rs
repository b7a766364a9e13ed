//! The R-tree of active service points (`rstar`), answering nearest and within-distance queries
//! exactly by great-circle distance, anywhere on Earth.
//!
//! Points are indexed as unit vectors on the sphere (3-D Cartesian), not as lon/lat degrees:
//! the straight chord between two unit vectors grows strictly with the great-circle angle
//! between them, so the tree's Euclidean metric ranks points exactly as the Earth's surface
//! does, with no distortion away from the equator and no seam at the antimeridian. The
//! distances reported are the great-circle distances of those chords (haversine, in effect).

use std::cmp::Ordering;
use std::sync::Arc;

use geo::Haversine;
use rstar::primitives::GeomWithData;
use rstar::{ParentNode, PointDistance, RStarInsertionStrategy, RTree, RTreeNode, RTreeObject, RTreeParams};

use crate::domain::{LonLat, ServicePoint};

/// One tree entry: the point's unit vector and its slot in [`PointIndex::points`].
/// An R-tree entry: a point's unit vector and its slot in the code-ordered points.
pub type Entry = GeomWithData<[f64; 3], u32>;

/// Node sizes for the tree, chosen by measurement (`benches/index.rs` with
/// `LEGALMAP_BENCH_NODE_SIZES`, maxima 6 to 32; figures in `bench/NOTES.md`). rstar's bulk load
/// splits 3-D points 2x2x2 or 3x3x3 at a time down to nodes of at most this many entries; with
/// its default of 6 that leaves leaves of one to three points (142 bytes a point at 3,000,000),
/// with 12 of about ten (81 bytes). Nearest and within queries at 600,000 and 3,000,000 points
/// then take 0.4 to 0.9 times as long as with the default, and within 10% either way at 346 and
/// 10,000; larger maxima were no faster at national scale and slower at 10,000. Minimum and
/// reinsertion counts keep rstar's proportions (half and a third of the maximum); they only
/// matter to staff moves.
#[derive(Debug, Clone, Copy)]
struct NodeParams;

impl RTreeParams for NodeParams {
    const MIN_SIZE: usize = Self::MAX_SIZE / 2;
    const MAX_SIZE: usize = 12;
    const REINSERTION_COUNT: usize = Self::MAX_SIZE / 3;
    type DefaultInsertionStrategy = RStarInsertionStrategy;
}

/// An immutable snapshot of the active points and their R-tree. When points change a new one is
/// made and swapped in whole, so a reader never sees a half-built index. Points are shared
/// between snapshots (`Arc`), and so is the tree when no point moved.
#[derive(Debug, Clone)]
pub struct PointIndex {
    tree: Arc<RTree<Entry, NodeParams>>,
    /// Sorted by code, so lookups by code are a binary search.
    points: Vec<Arc<ServicePoint>>,
    /// Points moved by remove and insert since the tree was bulk-loaded.
    moves_since_build: usize,
}

/// One point found by a query.
#[derive(Debug, Clone, Copy)]
pub struct Hit<'a> {
    pub point: &'a ServicePoint,
    /// The point's position in [`PointIndex::points`].
    pub slot: u32,
    /// Great-circle distance from the origin, metres.
    pub distance_m: f64,
}

impl PointIndex {
    /// Builds the snapshot: sorts by code, then bulk-loads the tree (rstar's OMT packing, on
    /// this thread).
    pub fn build(points: Vec<ServicePoint>) -> Self {
        Self::build_shared(points.into_iter().map(Arc::new).collect())
    }

    /// [`PointIndex::build`] from points already shared (another snapshot's, or a benchmark's).
    pub fn build_shared(mut points: Vec<Arc<ServicePoint>>) -> Self {
        // Already in code order when read from the store: then this is one linear pass.
        points.sort_by(|a, b| a.record.code.cmp(&b.record.code));
        assert!(u32::try_from(points.len()).is_ok(), "fewer than 4 billion points");
        let entries = points
            .iter()
            .enumerate()
            .map(|(slot, point)| entry(point.record.location, slot as u32))
            .collect();
        Self { tree: Arc::new(RTree::bulk_load_with_params(entries)), points, moves_since_build: 0 }
    }

    /// The snapshot after one point changed in the store: `point` is its stored state, retired
    /// or not. A move removes the point's entry from a copy of the tree and inserts it at the new
    /// position: at 600,000 and 3,000,000 points that costs a quarter to a tenth of a rebuild.
    /// After many moves the tree is rebuilt, as it is when a point comes or goes (the slots
    /// shift). Costs a copy of the tree and the point list, not a read of the store.
    pub fn with_point(&self, point: ServicePoint) -> Self {
        let slot = self.slot(point.record.code.as_str());
        match (slot, point.active) {
            (Some(slot), true) => {
                let from = self.points[slot].record.location;
                let to = point.record.location;
                let mut next = self.clone();
                next.points[slot] = Arc::new(point);
                if from == to {
                    return next;
                }
                if next.moves_since_build >= rebuild_after_moves(next.points.len()) {
                    return Self::build_shared(next.points);
                }
                let mut tree = RTree::clone(&self.tree);
                let removed = tree.remove(&entry(from, slot as u32));
                debug_assert!(removed.is_some(), "every slot has an entry");
                tree.insert(entry(to, slot as u32));
                next.tree = Arc::new(tree);
                next.moves_since_build += 1;
                next
            }
            (Some(slot), false) => {
                let mut points = self.points.clone();
                points.remove(slot);
                Self::build_shared(points)
            }
            (None, true) => {
                let mut points = self.points.clone();
                points.push(Arc::new(point));
                Self::build_shared(points)
            }
            (None, false) => self.clone(),
        }
    }

    pub fn len(&self) -> usize {
        self.points.len()
    }

    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    /// Every active point, ordered by code.
    pub fn points(&self) -> &[Arc<ServicePoint>] {
        &self.points
    }

    /// Heap bytes of the tree alone (not of the point records), for benchmarks: an estimate,
    /// see [`rstar_node_bytes`].
    pub fn tree_heap_bytes(&self) -> usize {
        rstar_node_bytes(self.tree.root())
    }

    /// The point with this code, if it is active.
    pub fn get(&self, code: &str) -> Option<&ServicePoint> {
        self.slot(code).map(|slot| &*self.points[slot])
    }

    /// The position in [`PointIndex::points`] of the active point with this code.
    pub fn slot(&self, code: &str) -> Option<usize> {
        self.points.binary_search_by(|point| point.record.code.as_str().cmp(code)).ok()
    }

    /// The `k` points nearest to `origin`, nearest first. Points at exactly the same distance
    /// (several placeholders share a town centre) are ordered by code, so answers are stable.
    pub fn nearest(&self, origin: LonLat, k: usize) -> Vec<Hit<'_>> {
        let mut hits: Vec<Hit<'_>> = self
            .nearest_entries(unit_vector(origin), k)
            .into_iter()
            .map(|(chord_2, slot)| self.hit(origin, chord_2, slot))
            .collect();
        // Chord order is great-circle order; the haversine distances can still round unequal
        // for points the chords tie, so order by what is reported.
        sort_nearest_first(&mut hits);
        hits
    }

    /// The nearest point alone, for bulk work (coverage).
    pub fn nearest_one(&self, origin: LonLat) -> Option<Hit<'_>> {
        let (chord_2, slot) = *self.nearest_entries(unit_vector(origin), 1).first()?;
        Some(self.hit(origin, chord_2, slot))
    }

    fn nearest_entries(&self, query: [f64; 3], k: usize) -> Vec<(f64, u32)> {
        nearest_slots(&self.tree, query, k)
    }

    /// Every point within `radius_m` metres (great circle) of `origin`, nearest first.
    pub fn within(&self, origin: LonLat, radius_m: f64) -> Vec<Hit<'_>> {
        if radius_m.is_nan() || radius_m < 0.0 {
            return Vec::new();
        }
        let query = unit_vector(origin);
        let chord = chord_for_distance_m(radius_m);
        let mut hits: Vec<Hit<'_>> = self
            .tree
            .locate_within_distance(query, chord * chord)
            .map(|entry| self.hit(origin, entry.distance_2(&query), entry.data))
            // The chord test and the haversine formula round differently at the boundary.
            .filter(|hit| hit.distance_m <= radius_m)
            .collect();
        sort_nearest_first(&mut hits);
        hits
    }

    /// The hit for the entry at squared chord `chord_2` from `origin`.
    fn hit(&self, origin: LonLat, chord_2: f64, slot: u32) -> Hit<'_> {
        let point = &*self.points[slot as usize];
        // Up to a quarter of the way round the Earth the chord gives the distance at a quarter
        // of the haversine formula's cost; beyond, its arcsine loses precision (it is flat near
        // antipodes), so the formula does it from the coordinates.
        let distance_m = if chord_2 < 1.0 {
            distance_m_for_chord_2(chord_2)
        } else {
            origin.distance_m(point.record.location)
        };
        Hit { point, slot, distance_m }
    }
}

/// Moves by remove and insert leave the tree a little worse than a bulk load: measured at
/// 3,000,000 points, k=5 queries took 1.6 times as long after 30,000 moves (1%) as on a rebuilt
/// tree, with no difference to measure up to 10,000. Past this many the next move rebuilds,
/// its cost spread over hundreds of moves or more.
fn rebuild_after_moves(points: usize) -> usize {
    256 + points / 1000
}

fn entry(location: LonLat, slot: u32) -> Entry {
    GeomWithData::new(unit_vector(location), slot)
}

fn sort_nearest_first(hits: &mut [Hit<'_>]) {
    hits.sort_by(|a, b| {
        a.distance_m
            .partial_cmp(&b.distance_m)
            .unwrap_or(Ordering::Equal)
            .then_with(|| a.point.record.code.cmp(&b.point.record.code))
    });
}

/// The `k` entries of `tree` nearest to the unit vector `query` as (squared chord, slot),
/// nearest first, ties by slot (code order). rstar yields equally distant entries in no set
/// order, so every entry tied with the k-th is collected before choosing among them. Generic
/// over the node sizes so the benchmark runs the same traversal on rstar's defaults.
pub fn nearest_slots<P: RTreeParams>(tree: &RTree<Entry, P>, query: [f64; 3], k: usize) -> Vec<(f64, u32)> {
    let mut found: Vec<(f64, u32)> = Vec::with_capacity(k.min(1024) + 1);
    if k == 0 {
        return found;
    }
    for (entry, chord_2) in tree.nearest_neighbor_iter_with_distance_2(&query) {
        if found.len() >= k && chord_2 > found[k - 1].0 {
            break;
        }
        found.push((chord_2, entry.data));
    }
    // Already in distance order; this only reorders the ties.
    found.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    found.truncate(k);
    found
}

/// An estimate of the heap bytes of an rstar tree's nodes below `root` (public so the benchmark
/// measures its default-parameter baseline the same way). Every node holds its children in a
/// `Vec` of `RTreeNode`s, an enum as large as its parent variant (an envelope and a `Vec`: 72
/// bytes for 3-D `f64` points), whether a child is a leaf entry or a node; so this counts each
/// child at that size, plus 16 bytes of allocator header per `Vec`. It counts the vectors'
/// lengths, not their capacities, which rstar does not expose: bulk loading sizes the leaf
/// vectors exactly but grows the upper ones by doubling, so the true figure is a little higher.
pub fn rstar_node_bytes<T: RTreeObject>(root: &ParentNode<T>) -> usize {
    const ALLOCATOR_HEADER_BYTES: usize = 16;
    let children = root.children();
    let own = if children.is_empty() { 0 } else { size_of_val(children) + ALLOCATOR_HEADER_BYTES };
    own + children
        .iter()
        .map(|child| match child {
            RTreeNode::Parent(parent) => rstar_node_bytes(parent),
            RTreeNode::Leaf(_) => 0,
        })
        .sum::<usize>()
}

/// The position as a unit vector from the Earth's centre (what the tree indexes; public for the
/// benchmark's baselines, which must index the same vectors).
pub fn unit_vector(position: LonLat) -> [f64; 3] {
    let (lon, lat) = (position.lon().to_radians(), position.lat().to_radians());
    [lat.cos() * lon.cos(), lat.cos() * lon.sin(), lat.sin()]
}

/// The great-circle distance on the Earth for a squared chord on the unit sphere: what the
/// haversine formula gives for the two positions (it is that formula, from the chord: the
/// haversine of the angle is a quarter of the squared chord).
fn distance_m_for_chord_2(chord_2: f64) -> f64 {
    2.0 * Haversine.radius() * (chord_2.sqrt() / 2.0).min(1.0).asin()
}

/// The chord length on the unit sphere that spans `distance_m` of great circle on the Earth,
/// slightly enlarged so that rounding never drops a point exactly at the boundary (the caller
/// filters by the exact distance).
fn chord_for_distance_m(distance_m: f64) -> f64 {
    let angle = distance_m / Haversine.radius();
    if angle >= std::f64::consts::PI {
        return 2.0 + 1e-9;
    }
    2.0 * (angle / 2.0).sin() * (1.0 + 1e-9) + 1e-12
}
