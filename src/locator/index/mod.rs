//! The R-tree of active service points, answering nearest and within-distance queries exactly
//! by great-circle distance, anywhere on Earth.
//!
//! Points are indexed as unit vectors on the sphere (3-D Cartesian), not as lon/lat degrees:
//! the straight chord between two unit vectors grows strictly with the great-circle angle
//! between them, so the tree's Euclidean metric ranks points exactly as the Earth's surface
//! does, with no distortion away from the equator and no seam at the antimeridian. The
//! distances reported are the great-circle distances of those chords (haversine, in effect).

use std::cmp::Ordering;
use std::sync::Arc;

use geo::Haversine;

use crate::domain::{LonLat, ServicePoint};

mod rtree;

use rtree::{NearestK, PackedRTree};

/// An immutable snapshot of the active points and their R-tree. When points change a new one is
/// made and swapped in whole, so a reader never sees a half-built index. Points are shared
/// between snapshots (`Arc`), and so is the tree when no point moved.
#[derive(Debug, Clone)]
pub struct PointIndex {
    tree: Arc<PackedRTree>,
    /// Sorted by code, so lookups by code are a binary search.
    points: Vec<Arc<ServicePoint>>,
    /// Points moved in place since the tree was last built (see [`PointIndex::with_point`]).
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
    /// Builds the snapshot: sorts by code, then packs the tree (one sort along a space-filling
    /// curve).
    pub fn build(points: Vec<ServicePoint>) -> Self {
        Self::build_shared(points.into_iter().map(Arc::new).collect())
    }

    /// [`PointIndex::build`] from points already shared (another snapshot's, or a benchmark's).
    pub fn build_shared(mut points: Vec<Arc<ServicePoint>>) -> Self {
        // Already in code order when read from the store: then this is one linear pass.
        points.sort_by(|a, b| a.record.code.cmp(&b.record.code));
        assert!(u32::try_from(points.len()).is_ok(), "fewer than 4 billion points");
        let tree = PackedRTree::build(
            points.iter().enumerate().map(|(slot, point)| (unit_vector(point.record.location), slot as u32)),
        );
        Self { tree: Arc::new(tree), points, moves_since_build: 0 }
    }

    /// The snapshot after one point changed in the store: `point` is its stored state, retired
    /// or not. A move patches a copy of the tree in place (its boxes grow to hold the new
    /// position, so answers stay exact); after many moves, or when a point comes or goes (the
    /// slots shift), the tree is rebuilt. Costs a copy of the arrays, not a read of the store.
    pub fn with_point(&self, point: ServicePoint) -> Self {
        let slot = self.slot(point.record.code.as_str());
        match (slot, point.active) {
            (Some(slot), true) => {
                let moved = self.points[slot].record.location != point.record.location;
                let location = point.record.location;
                let mut next = self.clone();
                next.points[slot] = Arc::new(point);
                if !moved {
                    return next;
                }
                if next.moves_since_build >= rebuild_after_moves(next.points.len()) {
                    return Self::build_shared(next.points);
                }
                let mut tree = PackedRTree::clone(&self.tree);
                let found = tree.move_entry(slot as u32, unit_vector(location));
                debug_assert!(found, "every slot has an entry");
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

    /// Heap bytes of the tree alone (not of the point records), for benchmarks.
    pub fn tree_heap_bytes(&self) -> usize {
        self.tree.heap_bytes()
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
        let mut best = NearestK::new(k.min(self.points.len()));
        self.tree.nearest(unit_vector(origin), &mut best);
        let mut hits: Vec<Hit<'_>> =
            best.into_sorted().into_iter().map(|(chord_2, slot)| self.hit(origin, chord_2, slot)).collect();
        // Chord order is great-circle order; the haversine distances can still round unequal
        // for points the chords tie, so order by what is reported.
        sort_nearest_first(&mut hits);
        hits
    }

    /// The nearest point alone, for bulk work (coverage).
    pub fn nearest_one(&self, origin: LonLat) -> Option<Hit<'_>> {
        let mut best = NearestK::new(1.min(self.points.len()));
        self.tree.nearest(unit_vector(origin), &mut best);
        best.into_sorted().first().map(|&(chord_2, slot)| self.hit(origin, chord_2, slot))
    }

    /// Every point within `radius_m` metres (great circle) of `origin`, nearest first.
    pub fn within(&self, origin: LonLat, radius_m: f64) -> Vec<Hit<'_>> {
        if radius_m.is_nan() || radius_m < 0.0 {
            return Vec::new();
        }
        let chord = chord_for_distance_m(radius_m);
        let mut hits = Vec::new();
        self.tree.within(unit_vector(origin), chord * chord, &mut |chord_2, slot| {
            let hit = self.hit(origin, chord_2, slot);
            // The chord test and the haversine formula round differently at the boundary.
            if hit.distance_m <= radius_m {
                hits.push(hit);
            }
        });
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

/// In-place moves loosen the tree's boxes a little each; past this many the next move rebuilds.
fn rebuild_after_moves(points: usize) -> usize {
    256 + points / 100
}

fn sort_nearest_first(hits: &mut [Hit<'_>]) {
    hits.sort_by(|a, b| {
        a.distance_m
            .partial_cmp(&b.distance_m)
            .unwrap_or(Ordering::Equal)
            .then_with(|| a.point.record.code.cmp(&b.point.record.code))
    });
}

/// The position as a unit vector from the Earth's centre (what the tree indexes; public for the
/// benchmark's `rstar` baseline, which must index the same vectors).
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
