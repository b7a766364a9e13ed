//! "Which points can I reach": the index's hits with travel times applied, from the road network
//! when one is loaded and the estimate otherwise. Shared by the JSON API and the pages so both
//! answer the same way.

/// "Is this inside the district?", fast enough for every answer.
pub mod district;
/// Estimates that share one spot, as one line of an answer.
pub mod grouping;
/// The R-tree of active points: exact nearest and within-distance queries on the sphere.
pub mod index;
/// The travel-time model and the provincial 15-minute standard.
pub mod travel;

use std::cmp::Ordering;
use std::collections::HashSet;
use std::sync::Arc;

use serde::Serialize;

use crate::domain::{LonLat, ServicePoint};
use crate::locator::index::{Hit, PointIndex};
use crate::locator::travel::{Mode, TravelModel};
use crate::roads::answers::{Leg, RoadAnswers};

/// A resident's question: from here, by this mode, within this many minutes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Trip {
    /// WGS-84.
    pub origin: LonLat,
    pub mode: Mode,
    pub minutes: f64,
}

/// What a travel time comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TravelBasis {
    /// The road network: a route on OpenStreetMap's roads (docs/roads.md).
    RoadNetwork,
    /// The straight line times a detour factor at a fixed speed (docs/travel-model.md): no
    /// network is loaded, or the origin or the point is more than 2 km from any road.
    Estimate,
}

/// How far by road and how long, and what says so.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Travel {
    pub basis: TravelBasis,
    /// Metres by road; `None` when the network has no route.
    pub road_distance_m: Option<f64>,
    /// Minutes; `None` when the network has no route.
    pub travel_minutes: Option<f64>,
    /// Whether the straight-line distance is within the provincial standard's radius for the mode.
    pub meets_standard: bool,
}

/// One point, with how far and how long.
#[derive(Debug, Clone, Copy)]
pub struct Candidate<'a> {
    pub point: &'a ServicePoint,
    /// Great-circle distance from the origin, metres.
    pub distance_m: f64,
    pub travel: Travel,
    /// The travel time is within the trip's minutes.
    pub within: bool,
}

impl Candidate<'_> {
    /// Whether the network answered and found no route to the point.
    pub fn is_unreachable(&self) -> bool {
        self.travel.travel_minutes.is_none()
    }

    /// Quickest first; points without a route last, nearest first among them.
    pub(crate) fn order(&self, other: &Self) -> Ordering {
        let minutes = |candidate: &Self| candidate.travel.travel_minutes.unwrap_or(f64::INFINITY);
        minutes(self).total_cmp(&minutes(other)).then(self.distance_m.total_cmp(&other.distance_m))
    }
}

/// One consistent view for a query: an index snapshot and the road network's view of it.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub index: Arc<PointIndex>,
    /// Made for `index`; `None` without a road network.
    pub roads: Option<Arc<RoadAnswers>>,
}

impl Snapshot {
    pub fn locator<'a>(&'a self, model: &'a TravelModel) -> Locator<'a> {
        Locator { index: &self.index, model, roads: self.roads.as_deref() }
    }
}

/// What answers a query: one index snapshot, the estimate's parameters, and the road network's
/// view of that same snapshot when a network is loaded.
#[derive(Debug, Clone, Copy)]
pub struct Locator<'a> {
    pub index: &'a PointIndex,
    pub model: &'a TravelModel,
    /// Made for `index`.
    pub roads: Option<&'a RoadAnswers>,
}

impl<'a> Locator<'a> {
    /// Answers by the estimate only.
    pub fn estimate(index: &'a PointIndex, model: &'a TravelModel) -> Self {
        Self { index, model, roads: None }
    }

    /// The `limit` quickest points, quickest first, whether or not they are in reach. With a
    /// network, points it has no route to come last, marked unreachable.
    pub fn nearest(&self, trip: Trip, limit: usize) -> Vec<Candidate<'a>> {
        let straight = self.index.nearest(trip.origin, limit);
        let Some((roads, legs)) =
            self.roads.and_then(|roads| Some((roads, roads.nearest(trip.mode, trip.origin, limit)?)))
        else {
            return self.rate(straight, trip);
        };
        let mut candidates = self.by_road(&legs, trip);
        // Points too far from any road keep the estimate.
        let off_network = straight.iter().filter(|hit| !roads.is_on_network(trip.mode, hit.slot));
        candidates.extend(off_network.map(|hit| self.estimated(hit.point, hit.distance_m, trip)));
        candidates.sort_by(Candidate::order);
        candidates.truncate(limit);
        if candidates.len() < limit {
            let listed: HashSet<&str> = candidates.iter().map(|c| c.point.record.code.as_str()).collect();
            let unreachable: Vec<Candidate<'a>> = straight
                .iter()
                .filter(|hit| !listed.contains(hit.point.record.code.as_str()))
                .map(|hit| unreachable(hit.point, hit.distance_m, trip))
                .collect();
            candidates.extend(unreachable.into_iter().take(limit - candidates.len()));
        }
        candidates
    }

    /// Every point within the trip's minutes, quickest first.
    pub fn reachable(&self, trip: Trip) -> Vec<Candidate<'a>> {
        let by_estimate = self.index.within(trip.origin, self.model.reach_m(trip.mode, trip.minutes));
        let road = self
            .roads
            .and_then(|roads| Some((roads, roads.within(trip.mode, trip.origin, trip.minutes * 60.0)?)));
        let mut candidates = match road {
            None => self.rate(by_estimate, trip),
            Some((roads, legs)) => {
                let mut candidates = self.by_road(&legs, trip);
                let off_network =
                    by_estimate.into_iter().filter(|hit| !roads.is_on_network(trip.mode, hit.slot));
                candidates.extend(self.rate(off_network.collect(), trip));
                candidates.sort_by(Candidate::order);
                candidates
            }
        };
        // The radius and the estimate round differently at the boundary; the time decides.
        candidates.retain(|candidate| candidate.within);
        candidates
    }

    /// `point` as seen from the trip's origin.
    pub fn candidate(&self, point: &'a ServicePoint, trip: Trip) -> Candidate<'a> {
        let distance_m = trip.origin.distance_m(point.record.location);
        let on_road = self
            .roads
            .zip(self.index.slot(point.record.code.as_str()))
            .filter(|(roads, slot)| roads.is_on_network(trip.mode, *slot as u32));
        let Some((roads, slot)) = on_road else {
            return self.estimated(point, distance_m, trip);
        };
        match roads.leg_to(trip.mode, trip.origin, slot as u32) {
            None => self.estimated(point, distance_m, trip),
            Some(Some(leg)) => self.by_road(&[leg], trip).remove(0),
            Some(None) => unreachable(point, distance_m, trip),
        }
    }

    fn rate(&self, hits: Vec<Hit<'a>>, trip: Trip) -> Vec<Candidate<'a>> {
        hits.into_iter().map(|hit| self.estimated(hit.point, hit.distance_m, trip)).collect()
    }

    fn estimated(&self, point: &'a ServicePoint, distance_m: f64, trip: Trip) -> Candidate<'a> {
        let estimate = self.model.estimate(trip.mode, distance_m);
        Candidate {
            point,
            distance_m,
            travel: Travel {
                basis: TravelBasis::Estimate,
                road_distance_m: Some(estimate.road_distance_m),
                travel_minutes: Some(estimate.travel_minutes),
                meets_standard: estimate.meets_standard,
            },
            within: estimate.travel_minutes <= trip.minutes,
        }
    }

    fn by_road(&self, legs: &[Leg], trip: Trip) -> Vec<Candidate<'a>> {
        legs.iter()
            .map(|leg| {
                let point = &*self.index.points()[leg.slot as usize];
                let distance_m = trip.origin.distance_m(point.record.location);
                let minutes = leg.seconds / 60.0;
                Candidate {
                    point,
                    distance_m,
                    travel: Travel {
                        basis: TravelBasis::RoadNetwork,
                        road_distance_m: Some(leg.metres),
                        travel_minutes: Some(minutes),
                        meets_standard: distance_m <= trip.mode.standard_radius_m(),
                    },
                    within: minutes <= trip.minutes,
                }
            })
            .collect()
    }
}

/// A point the network has no route to (within its three-hour search).
fn unreachable<'a>(point: &'a ServicePoint, distance_m: f64, trip: Trip) -> Candidate<'a> {
    Candidate {
        point,
        distance_m,
        travel: Travel {
            basis: TravelBasis::RoadNetwork,
            road_distance_m: None,
            travel_minutes: None,
            meets_standard: distance_m <= trip.mode.standard_radius_m(),
        },
        within: false,
    }
}
