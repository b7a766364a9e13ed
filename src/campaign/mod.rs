//! The verification campaign: per town, how far staff have got in putting every point where it
//! really is (counts by location quality), and which points to visit next, in an order that
//! makes a short route through the town. Pure functions over the points and the town centres.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::domain::{LocationQuality, LonLat, ServicePoint};

/// The contents of `data/towns.csv`: the 19 towns/streets with their centres, WGS-84.
pub const BUNDLED_TOWNS_CSV: &str = include_str!("../../data/towns.csv");

/// A town/street and its centre (where its placeholders sit and its route starts).
#[derive(Debug, Clone, PartialEq)]
pub struct Town {
    pub code: String,
    pub name: String,
    pub centre: LonLat,
}

/// The bundled towns.
pub fn bundled_towns() -> Vec<Town> {
    #[derive(serde::Deserialize)]
    struct Row {
        code: String,
        name: String,
        lon: f64,
        lat: f64,
    }
    csv::Reader::from_reader(BUNDLED_TOWNS_CSV.as_bytes())
        .deserialize::<Row>()
        .map(|row| {
            let row = row.expect("the bundled data/towns.csv is valid");
            let centre = LonLat::parse(row.lon, row.lat).expect("the bundled town centres are valid");
            Town { code: row.code, name: row.name, centre }
        })
        .collect()
}

/// How many points have each location quality, and how many are verified.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct QualityCounts {
    pub total: usize,
    pub town_centre: usize,
    pub geocoded: usize,
    pub staff_set: usize,
    pub gps_on_site: usize,
    pub verified: usize,
    /// Points done: captured on site or verified (counted once).
    pub done: usize,
}

impl QualityCounts {
    fn add(&mut self, point: &ServicePoint) {
        self.total += 1;
        match point.record.location_quality {
            LocationQuality::TownCentre => self.town_centre += 1,
            LocationQuality::Geocoded => self.geocoded += 1,
            LocationQuality::StaffSet => self.staff_set += 1,
            LocationQuality::GpsOnSite => self.gps_on_site += 1,
        }
        self.verified += usize::from(point.verified.is_some());
        self.done += usize::from(is_done(point));
    }

    fn merge(&mut self, other: &QualityCounts) {
        self.total += other.total;
        self.town_centre += other.town_centre;
        self.geocoded += other.geocoded;
        self.staff_set += other.staff_set;
        self.gps_on_site += other.gps_on_site;
        self.verified += other.verified;
        self.done += other.done;
    }

    /// The share of points done, 0-100 (0 for no points).
    pub fn percent_done(&self) -> f64 {
        if self.total == 0 { 0.0 } else { self.done as f64 * 100.0 / self.total as f64 }
    }
}

/// Whether staff have stood at the point: no visit needed.
pub fn is_done(point: &ServicePoint) -> bool {
    point.record.location_quality == LocationQuality::GpsOnSite || point.verified.is_some()
}

/// A point still to visit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NextPoint {
    pub code: String,
    pub name: String,
    /// To find it on the ground; `None` when unknown.
    pub address: Option<String>,
    pub phone: Option<String>,
    /// WGS-84.
    pub lon: f64,
    pub lat: f64,
    pub location_quality: LocationQuality,
    /// A located point nearer another town's centre than its own: likely a wrong geocode.
    pub nearer_other_town: bool,
    /// Great-circle distance from the previous stop (the town centre for the first), metres.
    pub leg_m: f64,
}

/// One town's figures and route.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TownCampaign {
    pub code: String,
    pub name: String,
    pub counts: QualityCounts,
    /// Likely wrong geocodes first, then the rest, each part in nearest-neighbour order.
    pub next: Vec<NextPoint>,
}

/// The district's campaign.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Campaign {
    pub district: QualityCounts,
    pub towns: Vec<TownCampaign>,
}

/// Whether a located point lies nearer another town's centre than its own town's. Placeholders
/// sit on their own centre and are never flagged; nor is a point whose town has no known centre.
pub fn nearer_other_town(point: &ServicePoint, towns: &[Town]) -> bool {
    if point.record.location_quality == LocationQuality::TownCentre {
        return false;
    }
    let location = point.record.location;
    let Some(own) = towns.iter().find(|town| town.code == point.record.town_code) else {
        return false;
    };
    let own_m = own.centre.distance_m(location);
    towns.iter().any(|town| town.code != own.code && town.centre.distance_m(location) < own_m)
}

/// Orders `points` by repeatedly going to the nearest one not yet visited, from `start`.
/// Returns each point with the length of the leg that reaches it, metres.
pub fn nearest_neighbour_order(start: LonLat, mut points: Vec<&ServicePoint>) -> Vec<(&ServicePoint, f64)> {
    let mut route = Vec::with_capacity(points.len());
    let mut here = start;
    while !points.is_empty() {
        let (index, leg_m) = points
            .iter()
            .enumerate()
            .map(|(i, point)| (i, here.distance_m(point.record.location)))
            // Ties (placeholders on one spot) go by code, so the order is the same every time.
            .min_by(|a, b| a.1.total_cmp(&b.1).then(points[a.0].record.code.cmp(&points[b.0].record.code)))
            .expect("not empty");
        let point = points.swap_remove(index);
        here = point.record.location;
        route.push((point, leg_m));
    }
    route
}

/// The campaign over the active `points`; towns with no centre in `towns` start their route at
/// their first point by code.
pub fn campaign(towns: &[Town], points: &[ServicePoint]) -> Campaign {
    let mut by_town: BTreeMap<&str, Vec<&ServicePoint>> = BTreeMap::new();
    for point in points.iter().filter(|point| point.active) {
        by_town.entry(point.record.town_code.as_str()).or_default().push(point);
    }
    let mut district = QualityCounts::default();
    let mut result = Vec::new();
    for (code, mut members) in by_town {
        members.sort_by(|a, b| a.record.code.cmp(&b.record.code));
        let mut counts = QualityCounts::default();
        members.iter().for_each(|point| counts.add(point));
        district.merge(&counts);
        let town = towns.iter().find(|town| town.code == code);
        let name = town.map_or_else(|| members[0].record.town.clone(), |town| town.name.clone());
        let start = town.map_or(members[0].record.location, |town| town.centre);
        let (suspects, rest): (Vec<_>, Vec<_>) = members
            .into_iter()
            .filter(|point| !is_done(point))
            .partition(|point| nearer_other_town(point, towns));
        let mut next = Vec::new();
        let first = nearest_neighbour_order(start, suspects);
        let after = first.last().map_or(start, |(point, _)| point.record.location);
        for (point, leg_m, flagged) in first
            .into_iter()
            .map(|(p, m)| (p, m, true))
            .chain(nearest_neighbour_order(after, rest).into_iter().map(|(p, m)| (p, m, false)))
        {
            next.push(NextPoint {
                code: point.record.code.as_str().to_owned(),
                name: point.record.name.clone(),
                address: point.record.address.clone(),
                phone: point.record.phone.clone(),
                lon: point.record.location.lon(),
                lat: point.record.location.lat(),
                location_quality: point.record.location_quality,
                nearer_other_town: flagged,
                leg_m,
            });
        }
        result.push(TownCampaign { code: code.to_owned(), name, counts, next });
    }
    Campaign { district, towns: result }
}

#[cfg(test)]
mod tests;
