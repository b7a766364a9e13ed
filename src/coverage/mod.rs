//! The 15-minute circle as staff need to see it: which parts of the district are within the
//! provincial standard of a service point, per mode and per town, where the gaps are, and where
//! new points would close the most of them.
//!
//! Every cell of a [`Grid`] over the district asks the index for its nearest active point (one
//! R-tree query per cell, no all-pairs loops); the travel model turns that distance into
//! minutes for each mode. A cell "meets the standard" for a mode when its straight-line
//! distance is within that mode's radius (walk 1.2 km, bike 2.0 km, drive 3.0 km), and is
//! "within 15 minutes" when the estimated time is. Cells whose nearest point is a town-centre
//! placeholder are uncertain and counted as such.

pub mod cache;
pub mod grid;
pub mod places;
pub mod raster;
pub mod sites;

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;
use utoipa::ToSchema;

pub use grid::Grid;

use crate::domain::LonLat;
use crate::locator::index::PointIndex;
use crate::locator::travel::{CIRCLE_MINUTES, Mode, TravelModel};

/// Default cell side, metres.
pub const DEFAULT_CELL_M: f64 = 100.0;

/// Each inside cell's nearest point, computed once per index snapshot.
#[derive(Debug)]
pub struct Coverage {
    pub grid: Arc<Grid>,
    pub index: Arc<PointIndex>,
    pub model: TravelModel,
    /// Per grid cell (row-major): the nearest point's slot in `index.points()` and the
    /// great-circle distance to it in metres; `None` outside the district or with no points.
    nearest: Vec<Option<(u32, f32)>>,
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
    /// Area within [`CIRCLE_MINUTES`] by the travel model (the API's field names say 15, the
    /// standard's figure).
    pub within_15_area_km2: f64,
    /// `within_15_area_km2 / area_km2`, 0-1.
    pub within_15_share: f64,
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
    /// Finds every inside cell's nearest point.
    pub fn compute(grid: Arc<Grid>, index: Arc<PointIndex>, model: TravelModel) -> Self {
        let mut nearest = vec![None; grid.cols * grid.rows];
        for (row, col) in grid.inside_cells() {
            let centre = grid.centre(row, col);
            if let Some(hit) = index.nearest_one(centre) {
                nearest[grid.index(row, col)] = Some((hit.slot, hit.distance_m as f32));
            }
        }
        Self { grid, index, model, nearest }
    }

    /// The nearest point's slot and distance of a cell, if inside.
    pub fn nearest(&self, row: usize, col: usize) -> Option<(u32, f64)> {
        self.nearest[self.grid.index(row, col)].map(|(slot, d)| (slot, f64::from(d)))
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
        let mut distances: Vec<(f64, usize, usize, u32)> = Vec::new();
        for (row, col) in self.grid.inside_cells() {
            let area = self.grid.cell_area_km2(row);
            let Some((slot, distance_m)) = self.nearest(row, col) else {
                total.add(area, false, false);
                continue;
            };
            let point = &points[slot as usize];
            let meets = distance_m <= mode.standard_radius_m();
            let within = self.model.estimate(mode, distance_m).travel_minutes <= CIRCLE_MINUTES;
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
            within_15_area_km2: total.within,
            within_15_share: total.within_share(),
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

    /// The cells not meeting the standard for `mode`, merged into runs along each row:
    /// `(row, first_col, last_col)`.
    pub fn gaps(&self, mode: Mode) -> Vec<(usize, usize, usize)> {
        let mut runs = Vec::new();
        for row in 0..self.grid.rows {
            let mut start = None;
            for col in 0..=self.grid.cols {
                let gap = col < self.grid.cols
                    && self.grid.is_inside(row, col)
                    && !self.meets_standard(row, col, mode);
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
