//! The R-tree of active service points, answering nearest and within-distance queries exactly
//! by great-circle distance, anywhere on Earth.
//!
//! Points are indexed as unit vectors on the sphere (3-D Cartesian), not as lon/lat degrees:
//! the straight chord between two unit vectors grows strictly with the great-circle angle
//! between them, so the tree's Euclidean metric ranks points exactly as the Earth's surface
//! does, with no distortion away from the equator and no seam at the antimeridian. The
//! distances reported are then computed with the haversine formula.

use std::cmp::Ordering;

use geo::Haversine;
use rstar::RTree;
use rstar::primitives::GeomWithData;

use crate::domain::{LonLat, ServicePoint};

/// A tree entry: a point's unit vector and its position in [`PointIndex::points`].
type Entry = GeomWithData<[f64; 3], u32>;

/// An immutable snapshot of the active points and their R-tree. When points change a new one is
/// built and swapped in whole, so a reader never sees a half-built index.
#[derive(Debug)]
pub struct PointIndex {
    tree: RTree<Entry>,
    /// Sorted by code, so lookups by code are a binary search.
    points: Vec<ServicePoint>,
}

/// One point found by a query.
#[derive(Debug, Clone, Copy)]
pub struct Hit<'a> {
    pub point: &'a ServicePoint,
    /// The point's position in [`PointIndex::points`].
    pub slot: u32,
    /// Great-circle distance from the query origin, metres.
    pub distance_m: f64,
}

impl PointIndex {
    /// Builds the snapshot with `RTree::bulk_load` (one pass, well balanced).
    pub fn build(mut points: Vec<ServicePoint>) -> Self {
        points.sort_by(|a, b| a.record.code.cmp(&b.record.code));
        let entries = points
            .iter()
            .enumerate()
            .map(|(slot, point)| {
                let slot = u32::try_from(slot).expect("fewer than 4 billion points");
                GeomWithData::new(unit_vector(point.record.location), slot)
            })
            .collect();
        Self { tree: RTree::bulk_load(entries), points }
    }

    pub fn len(&self) -> usize {
        self.points.len()
    }

    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    /// Every active point, ordered by code.
    pub fn points(&self) -> &[ServicePoint] {
        &self.points
    }

    /// The point with this code, if it is active.
    pub fn get(&self, code: &str) -> Option<&ServicePoint> {
        self.slot(code).map(|slot| &self.points[slot])
    }

    /// The position in [`PointIndex::points`] of the active point with this code.
    pub fn slot(&self, code: &str) -> Option<usize> {
        self.points.binary_search_by(|point| point.record.code.as_str().cmp(code)).ok()
    }

    /// The `k` points nearest to `origin`, nearest first. Points at exactly the same distance
    /// (several placeholders share a town centre) are ordered by code, so answers are stable.
    pub fn nearest(&self, origin: LonLat, k: usize) -> Vec<Hit<'_>> {
        if k == 0 {
            return Vec::new();
        }
        let query = unit_vector(origin);
        let mut entries: Vec<(&Entry, f64)> = Vec::with_capacity(k);
        for (entry, chord_2) in self.tree.nearest_neighbor_iter_with_distance_2(query) {
            // Keep taking past k while tied with the k-th, so the tie-break sees all of them.
            if entries.len() >= k && entries.last().is_some_and(|(_, last)| *last < chord_2) {
                break;
            }
            entries.push((entry, chord_2));
        }
        let mut hits: Vec<Hit<'_>> = entries.into_iter().map(|(entry, _)| self.hit(origin, entry)).collect();
        sort_nearest_first(&mut hits);
        hits.truncate(k);
        hits
    }

    /// The nearest point alone: `nearest(origin, 1)` without the tie-break or allocations, for
    /// bulk work (coverage) where which of several co-located points answers does not matter.
    pub fn nearest_one(&self, origin: LonLat) -> Option<Hit<'_>> {
        self.tree.nearest_neighbor(unit_vector(origin)).map(|entry| self.hit(origin, entry))
    }

    /// Every point within `radius_m` metres (great circle) of `origin`, nearest first.
    pub fn within(&self, origin: LonLat, radius_m: f64) -> Vec<Hit<'_>> {
        if radius_m.is_nan() || radius_m < 0.0 {
            return Vec::new();
        }
        let chord = chord_for_distance_m(radius_m);
        let mut hits: Vec<Hit<'_>> = self
            .tree
            .locate_within_distance(unit_vector(origin), chord * chord)
            .map(|entry| self.hit(origin, entry))
            // The chord test and the haversine formula round differently at the boundary.
            .filter(|hit| hit.distance_m <= radius_m)
            .collect();
        sort_nearest_first(&mut hits);
        hits
    }

    fn hit(&self, origin: LonLat, entry: &Entry) -> Hit<'_> {
        let point = &self.points[entry.data as usize];
        Hit { point, slot: entry.data, distance_m: origin.distance_m(point.record.location) }
    }
}

fn sort_nearest_first(hits: &mut [Hit<'_>]) {
    hits.sort_by(|a, b| {
        a.distance_m
            .partial_cmp(&b.distance_m)
            .unwrap_or(Ordering::Equal)
            .then_with(|| a.point.record.code.cmp(&b.point.record.code))
    });
}

/// The position as a unit vector from the Earth's centre.
fn unit_vector(position: LonLat) -> [f64; 3] {
    let (lon, lat) = (position.lon().to_radians(), position.lat().to_radians());
    [lat.cos() * lon.cos(), lat.cos() * lon.sin(), lat.sin()]
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
