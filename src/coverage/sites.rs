//! Where a new service point would help most: greedy maximal covering over the grid.
//!
//! Demand is the area of cells not meeting the standard (or, with residential places, the
//! people living in them). Each step picks the cell centre whose disc of the mode's standard
//! radius holds the most remaining demand, then removes that demand; the gain of every step is
//! reported. Disc sums use per-row prefix sums, so one step costs (cells x rows of the disc),
//! not (cells x cells of the disc). Greedy is the classic (1 - 1/e)-approximation for maximal
//! covering; it is not guaranteed optimal.

use serde::Serialize;

use super::Coverage;
use super::places::Place;
use crate::domain::LonLat;
use crate::locator::travel::Mode;

/// Most sites one request may ask for.
pub const MAX_SITES: usize = 20;

/// A proposed new point.
#[derive(Debug, Clone, Serialize)]
pub struct Suggestion {
    pub lon: f64,
    pub lat: f64,
    /// Demand newly brought within the standard: km², or people (or places).
    pub gain: f64,
    pub cumulative_gain: f64,
}

/// An existing point and what would be lost without it.
#[derive(Debug, Clone, Serialize)]
pub struct PointLoss {
    pub code: String,
    pub name: String,
    pub town: String,
    /// Demand that only this point brings within the standard.
    pub loss: f64,
}

/// What is being covered.
#[derive(Debug, Clone, Copy)]
pub enum Demand<'a> {
    /// The area of cells (km²).
    Area,
    /// Residential places: population, or 1 per place when no population is given.
    Places(&'a [Place]),
}

impl Coverage {
    /// Demand per grid cell that is not yet within the standard for `mode`.
    fn uncovered_demand(&self, mode: Mode, demand: Demand<'_>) -> Vec<f64> {
        let grid = &self.grid;
        let mut cells = vec![0.0; grid.cols * grid.rows];
        match demand {
            Demand::Area => {
                for (row, col) in grid.inside_cells() {
                    if !self.meets_standard(row, col, mode) {
                        cells[grid.index(row, col)] = grid.cell_area_km2(row);
                    }
                }
            }
            Demand::Places(places) => {
                let by_population = places.iter().any(|p| p.population.is_some());
                for place in places {
                    let covered = self
                        .index
                        .nearest(place.location, 1)
                        .first()
                        .is_some_and(|hit| hit.distance_m <= mode.standard_radius_m());
                    if let (false, Some((row, col))) = (covered, grid.cell_of(place.location)) {
                        cells[grid.index(row, col)] += place.weight(by_population);
                    }
                }
            }
        }
        cells
    }

    /// Up to `k` new sites for `mode`, best first, each with its gain.
    pub fn suggest_sites(&self, mode: Mode, k: usize, demand: Demand<'_>) -> Vec<Suggestion> {
        let grid = &self.grid;
        let disc = grid.disc(mode.standard_radius_m());
        let mut remaining = self.uncovered_demand(mode, demand);
        let mut suggestions: Vec<Suggestion> = Vec::new();
        for _ in 0..k.min(MAX_SITES) {
            let prefix = row_prefix_sums(&remaining, grid.cols);
            let mut best: Option<(f64, usize, usize)> = None;
            for (row, col) in grid.inside_cells() {
                let gain = disc_sum(&prefix, grid.cols, grid.rows, row, col, &disc);
                if gain > best.map_or(1e-12, |(g, _, _)| g) {
                    best = Some((gain, row, col));
                }
            }
            let Some((gain, row, col)) = best else { break };
            for_each_in_disc(grid.cols, grid.rows, (row as isize, col as isize), &disc, |index| {
                remaining[index] = 0.0
            });
            let at: LonLat = grid.centre(row, col);
            let cumulative_gain = suggestions.last().map_or(0.0, |s| s.cumulative_gain) + gain;
            suggestions.push(Suggestion { lon: at.lon(), lat: at.lat(), gain, cumulative_gain });
        }
        suggestions
    }

    /// The `n` active points whose removal would lose the least demand for `mode` (candidates
    /// to close or move), least first.
    pub fn least_loss_points(&self, mode: Mode, n: usize, demand: Demand<'_>) -> Vec<PointLoss> {
        let grid = &self.grid;
        let disc = grid.disc(mode.standard_radius_m());
        // Demand in each cell, whether covered or not, and how many points cover it.
        let all = match demand {
            Demand::Area => {
                grid.inside_cells().fold(vec![0.0; grid.cols * grid.rows], |mut cells, (r, c)| {
                    cells[grid.index(r, c)] = grid.cell_area_km2(r);
                    cells
                })
            }
            Demand::Places(places) => {
                let by_population = places.iter().any(|p| p.population.is_some());
                let mut cells = vec![0.0; grid.cols * grid.rows];
                for place in places {
                    if let Some((r, c)) = grid.cell_of(place.location) {
                        cells[grid.index(r, c)] += place.weight(by_population);
                    }
                }
                cells
            }
        };
        let points = self.index.points();
        // Points outside the grid still cover the cells their disc reaches.
        let cell_of_point: Vec<(isize, isize)> =
            points.iter().map(|p| grid.cell_of_unbounded(p.record.location)).collect();
        let mut covering = vec![0u16; grid.cols * grid.rows];
        for &centre in &cell_of_point {
            for_each_in_disc(grid.cols, grid.rows, centre, &disc, |index| {
                covering[index] = covering[index].saturating_add(1)
            });
        }
        let mut losses: Vec<PointLoss> = points
            .iter()
            .zip(&cell_of_point)
            .map(|(point, &centre)| {
                let mut loss = 0.0;
                for_each_in_disc(grid.cols, grid.rows, centre, &disc, |index| {
                    if covering[index] == 1 {
                        loss += all[index];
                    }
                });
                PointLoss {
                    code: point.record.code.to_string(),
                    name: point.record.name.clone(),
                    town: point.record.town.clone(),
                    loss,
                }
            })
            .collect();
        losses.sort_by(|a, b| a.loss.total_cmp(&b.loss).then_with(|| a.code.cmp(&b.code)));
        losses.truncate(n);
        losses
    }
}

/// `prefix[row * (cols + 1) + c]` = sum of the first `c` cells of `row`.
fn row_prefix_sums(cells: &[f64], cols: usize) -> Vec<f64> {
    let mut prefix = Vec::with_capacity(cells.len() + cells.len() / cols);
    for row in cells.chunks_exact(cols) {
        let mut sum = 0.0;
        prefix.push(0.0);
        for value in row {
            sum += value;
            prefix.push(sum);
        }
    }
    prefix
}

/// The sum over the disc centred on (row, col), clipped to the grid.
fn disc_sum(
    prefix: &[f64],
    cols: usize,
    rows: usize,
    row: usize,
    col: usize,
    disc: &[(isize, isize)],
) -> f64 {
    let mut sum = 0.0;
    for &(dy, half) in disc {
        let r = row as isize + dy;
        if r < 0 || r >= rows as isize {
            continue;
        }
        let first = (col as isize - half).max(0) as usize;
        let last = ((col as isize + half) as usize).min(cols - 1);
        let base = r as usize * (cols + 1);
        sum += prefix[base + last + 1] - prefix[base + first];
    }
    sum
}

/// Visits the grid cells of the disc centred on `(row, col)`, which may lie off the grid.
fn for_each_in_disc(
    cols: usize,
    rows: usize,
    (row, col): (isize, isize),
    disc: &[(isize, isize)],
    mut visit: impl FnMut(usize),
) {
    for &(dy, half) in disc {
        let r = row + dy;
        let (first, last) = (col - half, col + half);
        if r < 0 || r >= rows as isize || last < 0 || first >= cols as isize {
            continue;
        }
        for c in first.max(0) as usize..=(last as usize).min(cols - 1) {
            visit(r as usize * cols + c);
        }
    }
}
