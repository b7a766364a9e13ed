//! "Which points can I reach": the index's hits with the travel model applied. Shared by the
//! JSON API and the pages so both answer the same way.

/// "Is this inside the district?", fast enough for every answer.
pub mod district;
/// Estimates that share one spot, as one line of an answer.
pub mod grouping;
/// The R-tree of active points: exact nearest and within-distance queries on the sphere.
pub mod index;
/// The travel-time model and the provincial 15-minute standard.
pub mod travel;

use crate::domain::{LonLat, ServicePoint};
use crate::locator::index::{Hit, PointIndex};
use crate::locator::travel::{Mode, TravelEstimate, TravelModel};

/// A resident's question: from here, by this mode, within this many minutes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Trip {
    /// WGS-84.
    pub origin: LonLat,
    pub mode: Mode,
    pub minutes: f64,
}

/// One point, with how far and how long.
#[derive(Debug, Clone, Copy)]
pub struct Candidate<'a> {
    pub point: &'a ServicePoint,
    /// Great-circle distance from the origin, metres.
    pub distance_m: f64,
    pub estimate: TravelEstimate,
    /// The estimated time is within the trip's minutes.
    pub within: bool,
}

/// The `limit` nearest points, nearest first, whether or not they are in reach.
pub fn nearest<'a>(
    index: &'a PointIndex,
    model: &TravelModel,
    trip: Trip,
    limit: usize,
) -> Vec<Candidate<'a>> {
    rate(index.nearest(trip.origin, limit), model, trip)
}

/// From a service point: that point first (placeholders can share a spot with dozens of others,
/// and the one picked must lead), then the nearest others, `limit` in all.
pub fn nearest_to_point<'a>(
    index: &'a PointIndex,
    model: &TravelModel,
    point: &'a ServicePoint,
    trip: Trip,
    limit: usize,
) -> Vec<Candidate<'a>> {
    let slot = index.slot(point.record.code.as_str()).unwrap_or_default();
    let itself = Hit {
        point,
        slot: u32::try_from(slot).unwrap_or_default(),
        distance_m: trip.origin.distance_m(point.record.location),
    };
    let others = index
        .nearest(trip.origin, limit)
        .into_iter()
        .filter(|hit| hit.point.record.code != point.record.code);
    rate(std::iter::once(itself).chain(others).take(limit).collect(), model, trip)
}

/// Every point within the trip's minutes, nearest first.
pub fn reachable<'a>(index: &'a PointIndex, model: &TravelModel, trip: Trip) -> Vec<Candidate<'a>> {
    let candidates = rate(index.within(trip.origin, model.reach_m(trip.mode, trip.minutes)), model, trip);
    // The radius and the estimate round differently at the boundary; the estimate decides.
    candidates.into_iter().filter(|candidate| candidate.within).collect()
}

pub(crate) fn rate<'a>(hits: Vec<Hit<'a>>, model: &TravelModel, trip: Trip) -> Vec<Candidate<'a>> {
    hits.into_iter()
        .map(|hit| {
            let estimate = model.estimate(trip.mode, hit.distance_m);
            Candidate {
                point: hit.point,
                distance_m: hit.distance_m,
                estimate,
                within: estimate.travel_minutes <= trip.minutes,
            }
        })
        .collect()
}
