//! Travel times over the grid by road: each cell's minutes to its quickest point, per mode.
//!
//! The network's answers already hold one multi-source search per mode from every active point
//! (`roads::labels`): every road node is labelled with its quickest points. A cell is snapped
//! onto its nearest road of the mode and reads the labels of that segment's ends, so its time is
//! the walk to the road plus the quickest route, in microseconds and with no search per cell.

use super::Grid;
use crate::domain::LonLat;
use crate::locator::travel::{Mode, TravelModel};
use crate::roads::answers::RoadAnswers;

/// How long from a place to its quickest point, and what says so.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PlaceTime {
    /// By road, minutes: the walk to the nearest road, the route, and the walk to the point.
    Road(f64),
    /// The estimate, minutes: no road of the mode within 2 km of the place, or its nearest point
    /// is that far from the roads (and quicker so than any point the roads reach).
    Estimate(f64),
    /// The roads join the place to no point within three hours, and every point is on the roads.
    Unreachable,
}

impl PlaceTime {
    /// Minutes; `None` when no point is reachable.
    pub fn minutes(self) -> Option<f64> {
        match self {
            Self::Road(minutes) | Self::Estimate(minutes) => Some(minutes),
            Self::Unreachable => None,
        }
    }

    /// Whether the quickest point is reached within `minutes`.
    pub fn is_within(self, minutes: f64) -> bool {
        self.minutes().is_some_and(|m| m <= minutes)
    }
}

/// The time from `at` to its quickest point by `mode`, given its straight-line nearest point
/// (`slot` in the snapshot, great-circle metres). As the locator answers with one result: the
/// roads' quickest point, unless the nearest point is off the roads and its estimate is quicker.
pub fn time_by_road(
    roads: &RoadAnswers,
    model: &TravelModel,
    mode: Mode,
    at: LonLat,
    (slot, distance_m): (u32, f64),
) -> PlaceTime {
    let estimate = || model.estimate(mode, distance_m).travel_minutes;
    let Some(legs) = roads.nearest(mode, at, 1) else {
        return PlaceTime::Estimate(estimate());
    };
    let by_road = legs.first().map(|leg| leg.seconds / 60.0);
    let off_road = (!roads.is_on_network(mode, slot)).then(estimate);
    match (by_road, off_road) {
        (Some(road), Some(estimated)) if estimated < road => PlaceTime::Estimate(estimated),
        (Some(road), _) => PlaceTime::Road(road),
        (None, Some(estimated)) => PlaceTime::Estimate(estimated),
        (None, None) => PlaceTime::Unreachable,
    }
}

/// One mode's times over the grid, per cell (row-major): 5 bytes a cell.
#[derive(Debug)]
pub(super) struct RoadTimes {
    /// Minutes to the quickest point; NaN outside the district or with no points, infinity
    /// where no point is reachable.
    minutes: Vec<f32>,
    /// Whether the cell's minutes are the estimate.
    estimated: Vec<bool>,
}

impl RoadTimes {
    /// Every inside cell's time; `nearest` gives each cell's straight-line nearest point.
    pub(super) fn compute(
        grid: &Grid,
        roads: &RoadAnswers,
        model: &TravelModel,
        mode: Mode,
        nearest: impl Fn(usize, usize) -> Option<(u32, f64)>,
    ) -> Self {
        let cells = grid.cols * grid.rows;
        let mut times = Self { minutes: vec![f32::NAN; cells], estimated: vec![false; cells] };
        for (row, col) in grid.inside_cells() {
            let Some(hit) = nearest(row, col) else { continue };
            let at = grid.index(row, col);
            match time_by_road(roads, model, mode, grid.centre(row, col), hit) {
                PlaceTime::Road(minutes) => times.minutes[at] = minutes as f32,
                PlaceTime::Estimate(minutes) => {
                    times.minutes[at] = minutes as f32;
                    times.estimated[at] = true;
                }
                PlaceTime::Unreachable => times.minutes[at] = f32::INFINITY,
            }
        }
        times
    }

    /// The time of the cell at `at` (`Grid::index`); `None` outside the district or with no
    /// points.
    pub(super) fn get(&self, at: usize) -> Option<PlaceTime> {
        let minutes = self.minutes[at];
        if minutes.is_nan() {
            None
        } else if minutes.is_infinite() {
            Some(PlaceTime::Unreachable)
        } else if self.estimated[at] {
            Some(PlaceTime::Estimate(f64::from(minutes)))
        } else {
            Some(PlaceTime::Road(f64::from(minutes)))
        }
    }
}
