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

/// Every point within the trip's minutes, nearest first.
pub fn reachable<'a>(index: &'a PointIndex, model: &TravelModel, trip: Trip) -> Vec<Candidate<'a>> {
    let candidates = rate(index.within(trip.origin, model.reach_m(trip.mode, trip.minutes)), model, trip);
    // The radius and the estimate round differently at the boundary; the estimate decides.
    candidates.into_iter().filter(|candidate| candidate.within).collect()
}

pub(crate) fn rate<'a>(hits: Vec<Hit<'a>>, model: &TravelModel, trip: Trip) -> Vec<Candidate<'a>> {
    hits.into_iter().map(|hit| candidate(hit.point, hit.distance_m, model, trip)).collect()
}

/// `point`, `distance_m` from the trip's origin, with its travel estimate.
pub(crate) fn candidate<'a>(
    point: &'a ServicePoint,
    distance_m: f64,
    model: &TravelModel,
    trip: Trip,
) -> Candidate<'a> {
    let estimate = model.estimate(trip.mode, distance_m);
    Candidate { point, distance_m, estimate, within: estimate.travel_minutes <= trip.minutes }
}
