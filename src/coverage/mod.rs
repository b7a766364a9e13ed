//! The 15-minute circle as staff need to see it: which parts of the district are within the
//! provincial standard of a service point, per mode and per town, where the gaps are, and where
//! new points would close the most of them.
//!
//! Every cell of a [`Grid`] over the district asks the index for its nearest active point (one
//! R-tree query per cell, no all-pairs loops). A cell "meets the standard" for a mode when that
//! straight-line distance is within the mode's radius (walk 1.2 km, bike 2.0 km, drive 3.0 km).
//! It is "within 15 minutes" when its time to the quickest point is: by road when a road network
//! is loaded (see [`times`]), else by the travel model's estimate from the distance. Cells whose
//! nearest point is a town-centre placeholder are uncertain and counted as such.

pub mod cache;
pub mod grid;
pub mod places;
pub mod raster;
pub mod sites;
pub mod times;

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;
use utoipa::ToSchema;

pub use grid::Grid;

use crate::domain::LonLat;
use crate::locator::index::PointIndex;
use crate::locator::travel::{CIRCLE_MINUTES, Mode, TravelModel};
use crate::locator::{Snapshot, TravelBasis};
use crate::roads::answers::RoadAnswers;
use times::{PlaceTime, RoadTimes};

/// Default cell side, metres.
pub const DEFAULT_CELL_M: f64 = 100.0;

/// Each inside cell's nearest point, and its time by road when a network is loaded; computed
/// once per snapshot (index and roads).
#[derive(Debug)]
pub struct Coverage {
    pub grid: Arc<Grid>,
    pub index: Arc<PointIndex>,
    /// The road network's view of `index`, when one was loaded.
    pub roads: Option<Arc<RoadAnswers>>,
    pub model: TravelModel,
    /// Per grid cell (row-major): the nearest point's slot in `index.points()` and the
    /// great-circle distance to it in metres; `None` outside the district or with no points.
    nearest: Vec<Option<(u32, f32)>>,
    /// With `roads`, per mode (`Mode::ALL` order), each cell's time to its quickest point.
    by_road: Option<Vec<RoadTimes>>,
}

/// The figures for one mode.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ModeSummary {
    pub mode: Mode,
    /// The provincial standard's radius for the mode, metres.
    pub standard_radius_m: f64,
    /// The side of a grid cell, metres.
    pub cell_m: f64,
    /// The district's area, km².
    pub area_km2: f64,
    /// Area within the provincial standard's radius of a point.
    pub standard_area_km2: f64,
    /// `standard_area_km2 / area_km2`, 0-1.
    pub standard_share: f64,
    /// What the minutes come from: `road_network` when a road network is loaded (cells more
    /// than 2 km from any road of the mode keep the estimate, counted in `estimate_cells`),
    /// else `estimate`.
    pub travel_basis: TravelBasis,
    /// Area within [`CIRCLE_MINUTES`] of the quickest point, by road or by estimate as
    /// `travel_basis` says (the API's field names say 15, the standard's figure).
    pub within_15_area_km2: f64,
    /// `within_15_area_km2 / area_km2`, 0-1.
    pub within_15_share: f64,
    /// Cells whose minutes are the estimate: every cell without a network; with one, the cells
    /// with no road of the mode within 2 km (or whose nearest point is that far from the roads).
    pub estimate_cells: usize,
    /// The area of those cells, km².
    pub estimate_area_km2: f64,
    /// Cells from which the roads reach no point (counted as not within 15 minutes); 0 without
    /// a network.
    pub unreachable_cells: usize,
    /// The area of those cells, km².
    pub unreachable_area_km2: f64,
    /// Cells whose nearest point's location is an estimate: their result is uncertain.
    pub uncertain_cells: usize,
    /// The area of those cells, km².
    pub uncertain_area_km2: f64,
    pub towns: Vec<TownSummary>,
    /// The places farthest from any point (at least 1 km apart).
    pub farthest: Vec<FarPlace>,
}

/// The figures of one town or street. Towns have no public boundaries, so a cell counts for
/// the town of its nearest point (an approximation of the town's territory).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TownSummary {
    /// The 9-digit NBS code of the town or street.
    pub town_code: String,
    pub town: String,
    /// The area of the cells counted for the town, km².
    pub area_km2: f64,
    pub standard_area_km2: f64,
    /// 0-1.
    pub standard_share: f64,
    /// 0-1.
    pub within_15_share: f64,
}

/// A cell centre far from every point.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FarPlace {
    /// WGS-84 degrees.
    pub lon: f64,
    /// WGS-84 degrees.
    pub lat: f64,
    /// Great-circle distance to the nearest point, metres.
    pub distance_m: f64,
    pub nearest_code: String,
    pub nearest_name: String,
}

impl Coverage {
    /// Finds every inside cell's nearest point; times are the estimate.
    pub fn compute(grid: Arc<Grid>, index: Arc<PointIndex>, model: TravelModel) -> Self {
        let mut nearest = vec![None; grid.cols * grid.rows];
        for (row, col) in grid.inside_cells() {
            let centre = grid.centre(row, col);
            if let Some(hit) = index.nearest_one(centre) {
                nearest[grid.index(row, col)] = Some((hit.slot, hit.distance_m as f32));
            }
        }
        Self { grid, index, roads: None, model, nearest, by_road: None }
    }

    /// [`Coverage::compute`] for a snapshot: with its roads, each cell's time per mode is also
    /// read from the network's labels (a few microseconds a cell and mode).
    pub fn compute_for(grid: Arc<Grid>, snapshot: &Snapshot, model: TravelModel) -> Self {
        let mut coverage = Self::compute(grid, Arc::clone(&snapshot.index), model);
        if let Some(roads) = &snapshot.roads {
            let times = Mode::ALL
                .iter()
                .map(|&mode| {
                    RoadTimes::compute(&coverage.grid, roads, &model, mode, |row, col| {
                        coverage.nearest(row, col)
                    })
                })
                .collect();
            coverage.by_road = Some(times);
            coverage.roads = Some(Arc::clone(roads));
        }
        coverage
    }

    /// Whether this was computed for `snapshot` (the same index and the same roads).
    pub fn is_for(&self, snapshot: &Snapshot) -> bool {
        is_same_snapshot(&self.index, self.roads.as_ref(), snapshot)
    }

    /// What the cells' minutes come from.
    pub fn travel_basis(&self) -> TravelBasis {
        if self.by_road.is_some() { TravelBasis::RoadNetwork } else { TravelBasis::Estimate }
    }

    /// The nearest point's slot and distance of a cell, if inside.
    pub fn nearest(&self, row: usize, col: usize) -> Option<(u32, f64)> {
        self.nearest[self.grid.index(row, col)].map(|(slot, d)| (slot, f64::from(d)))
    }

    /// The time from a cell's centre to its quickest point by `mode`: by road when a network
    /// is loaded, else the estimate from the straight-line distance. `None` outside the
    /// district or with no points.
    pub fn time(&self, row: usize, col: usize, mode: Mode) -> Option<PlaceTime> {
        match &self.by_road {
            Some(times) => times[mode_slot(mode)].get(self.grid.index(row, col)),
            None => self.nearest(row, col).map(|(_, distance_m)| {
                PlaceTime::Estimate(self.model.estimate(mode, distance_m).travel_minutes)
            }),
        }
    }

    /// Whether an inside cell's quickest point is within [`CIRCLE_MINUTES`] by `mode`.
    pub fn is_within_circle(&self, row: usize, col: usize, mode: Mode) -> bool {
        self.time(row, col, mode).is_some_and(|time| time.is_within(CIRCLE_MINUTES))
    }

    /// Whether an inside cell is a gap for `mode`: by road, not within [`CIRCLE_MINUTES`] of a
    /// point; without a network, outside the standard's radius of every point (as before roads
    /// were known, when the radius was the only measure staff could act on).
    pub fn is_gap(&self, row: usize, col: usize, mode: Mode) -> bool {
        match self.by_road {
            Some(_) => !self.is_within_circle(row, col, mode),
            None => !self.meets_standard(row, col, mode),
        }
    }

    /// Whether an inside cell meets the standard for `mode`.
    pub fn meets_standard(&self, row: usize, col: usize, mode: Mode) -> bool {
        self.nearest(row, col).is_some_and(|(_, d)| d <= mode.standard_radius_m())
    }

    pub fn summary(&self, mode: Mode) -> ModeSummary {
        let points = self.index.points();
        let mut total = Tally::default();
        let mut towns: BTreeMap<&str, Tally> = BTreeMap::new();
        let mut uncertain = (0, 0.0);
        let (mut estimated, mut unreachable) = ((0, 0.0), (0, 0.0));
        let mut distances: Vec<(f64, usize, usize, u32)> = Vec::new();
        for (row, col) in self.grid.inside_cells() {
            let area = self.grid.cell_area_km2(row);
            let Some((slot, distance_m)) = self.nearest(row, col) else {
                total.add(area, false, false);
                continue;
            };
            let point = &points[slot as usize];
            let meets = distance_m <= mode.standard_radius_m();
            let time = self.time(row, col, mode);
            let within = time.is_some_and(|time| time.is_within(CIRCLE_MINUTES));
            match time {
                Some(PlaceTime::Estimate(_)) => estimated = (estimated.0 + 1, estimated.1 + area),
                Some(PlaceTime::Unreachable) => unreachable = (unreachable.0 + 1, unreachable.1 + area),
                _ => {}
            }
            total.add(area, meets, within);
            towns.entry(point.record.town_code.as_str()).or_default().add(area, meets, within);
            if point.record.location_quality.is_estimate() {
                uncertain = (uncertain.0 + 1, uncertain.1 + area);
            }
            distances.push((distance_m, row, col, slot));
        }
        distances.sort_unstable_by(|a, b| b.0.total_cmp(&a.0));
        let mut farthest: Vec<FarPlace> = Vec::new();
        for (distance_m, row, col, slot) in distances {
            let at = self.grid.centre(row, col);
            if farthest.iter().any(|f| LonLat::clamped(f.lon, f.lat).distance_m(at) < 1_000.0) {
                continue;
            }
            let point = &points[slot as usize];
            farthest.push(FarPlace {
                lon: at.lon(),
                lat: at.lat(),
                distance_m,
                nearest_code: point.record.code.to_string(),
                nearest_name: point.record.name.clone(),
            });
            if farthest.len() == 5 {
                break;
            }
        }
        let town_name =
            |code: &str| points.iter().find(|p| p.record.town_code == code).map(|p| p.record.town.clone());
        ModeSummary {
            mode,
            standard_radius_m: mode.standard_radius_m(),
            cell_m: self.grid.cell_m,
            area_km2: total.area,
            standard_area_km2: total.standard,
            standard_share: total.standard_share(),
            travel_basis: self.travel_basis(),
            within_15_area_km2: total.within,
            within_15_share: total.within_share(),
            estimate_cells: estimated.0,
            estimate_area_km2: estimated.1,
            unreachable_cells: unreachable.0,
            unreachable_area_km2: unreachable.1,
            uncertain_cells: uncertain.0,
            uncertain_area_km2: uncertain.1,
            towns: towns
                .into_iter()
                .map(|(code, tally)| TownSummary {
                    town_code: code.to_owned(),
                    town: town_name(code).unwrap_or_default(),
                    area_km2: tally.area,
                    standard_area_km2: tally.standard,
                    standard_share: tally.standard_share(),
                    within_15_share: tally.within_share(),
                })
                .collect(),
            farthest,
        }
    }

    /// The gaps for `mode` (see [`Coverage::is_gap`]), merged into runs along each row:
    /// `(row, first_col, last_col)`.
    pub fn gaps(&self, mode: Mode) -> Vec<(usize, usize, usize)> {
        let mut runs = Vec::new();
        for row in 0..self.grid.rows {
            let mut start = None;
            for col in 0..=self.grid.cols {
                let gap =
                    col < self.grid.cols && self.grid.is_inside(row, col) && self.is_gap(row, col, mode);
                match (gap, start) {
                    (true, None) => start = Some(col),
                    (false, Some(first)) => {
                        runs.push((row, first, col - 1));
                        start = None;
                    }
                    _ => {}
                }
            }
        }
        runs
    }
}

/// Whether `index` and `roads` are `snapshot`'s very own: a newly loaded network over an
/// unchanged index is a new snapshot.
fn is_same_snapshot(index: &Arc<PointIndex>, roads: Option<&Arc<RoadAnswers>>, snapshot: &Snapshot) -> bool {
    Arc::ptr_eq(index, &snapshot.index)
        && match (roads, &snapshot.roads) {
            (None, None) => true,
            (Some(mine), Some(theirs)) => Arc::ptr_eq(mine, theirs),
            _ => false,
        }
}

/// `mode`'s place in [`Mode::ALL`].
fn mode_slot(mode: Mode) -> usize {
    Mode::ALL.iter().position(|&m| m == mode).expect("every mode is in Mode::ALL")
}

#[derive(Debug, Default, Clone, Copy)]
struct Tally {
    area: f64,
    standard: f64,
    within: f64,
}

impl Tally {
    fn add(&mut self, area: f64, meets: bool, within: bool) {
        self.area += area;
        self.standard += if meets { area } else { 0.0 };
        self.within += if within { area } else { 0.0 };
    }

    fn standard_share(&self) -> f64 {
        if self.area > 0.0 { self.standard / self.area } else { 0.0 }
    }

    fn within_share(&self) -> f64 {
        if self.area > 0.0 { self.within / self.area } else { 0.0 }
    }
}
