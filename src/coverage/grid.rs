//! A metric square grid over a polygon (the district), in WGS-84.
//!
//! Squares rather than hexagons (H3): the grid is only used to measure area and to propose
//! sites, where a square grid of a chosen size in metres is exact enough, needs no extra
//! dependency, and lets a disc of radius r be summed row by row with prefix sums (the greedy
//! site search relies on that). Cells are `cell_m` on a side in a local equirectangular
//! projection centred on the polygon; each cell's true area is corrected for its latitude.

use geo::{Coord, Haversine, LineString, Polygon};

use crate::domain::LonLat;

/// Cells whose centres lie inside the polygon, row by row from the south-west.
#[derive(Debug, Clone)]
pub struct Grid {
    /// Side of a cell, metres.
    pub cell_m: f64,
    /// South-west corner of cell (0, 0).
    origin: LonLat,
    lon_step_deg: f64,
    lat_step_deg: f64,
    pub cols: usize,
    pub rows: usize,
    /// For each cell (row-major), whether its centre is inside the polygon.
    inside: Vec<bool>,
    /// How many cells are inside.
    inside_count: usize,
}

/// Metres per degree of latitude on the haversine sphere.
fn metres_per_degree() -> f64 {
    Haversine.radius() * std::f64::consts::PI / 180.0
}

impl Grid {
    /// Covers `polygon` (its exterior ring; WGS-84 degrees) with cells of `cell_m` metres.
    ///
    /// # Panics
    /// If `cell_m` is not positive or the polygon is empty.
    pub fn new(polygon: &Polygon<f64>, cell_m: f64) -> Self {
        assert!(cell_m > 0.0, "cell size must be positive");
        let ring = polygon.exterior();
        let (mut min, mut max) = (Coord { x: f64::MAX, y: f64::MAX }, Coord { x: f64::MIN, y: f64::MIN });
        for c in ring.coords() {
            (min.x, min.y, max.x, max.y) = (min.x.min(c.x), min.y.min(c.y), max.x.max(c.x), max.y.max(c.y));
        }
        assert!(min.x <= max.x, "empty polygon");
        let centre_lat = (min.y + max.y) / 2.0;
        let lat_step_deg = cell_m / metres_per_degree();
        let lon_step_deg = lat_step_deg / centre_lat.to_radians().cos();
        let cols = ((max.x - min.x) / lon_step_deg).ceil().max(1.0) as usize;
        let rows = ((max.y - min.y) / lat_step_deg).ceil().max(1.0) as usize;
        let origin = LonLat::parse(min.x, min.y).expect("a WGS-84 polygon");
        let mut grid = Self {
            cell_m,
            origin,
            lon_step_deg,
            lat_step_deg,
            cols,
            rows,
            inside: vec![false; cols * rows],
            inside_count: 0,
        };
        grid.fill(ring);
        grid
    }

    /// Marks the cells whose centres are inside `ring`, one scanline per row (even-odd rule).
    fn fill(&mut self, ring: &LineString<f64>) {
        let mut crossings = Vec::new();
        for row in 0..self.rows {
            let lat = self.origin.lat() + (row as f64 + 0.5) * self.lat_step_deg;
            crossings.clear();
            for edge in ring.lines() {
                let (a, b) = (edge.start, edge.end);
                if (a.y <= lat) != (b.y <= lat) {
                    crossings.push(a.x + (lat - a.y) / (b.y - a.y) * (b.x - a.x));
                }
            }
            crossings.sort_by(f64::total_cmp);
            for pair in crossings.chunks_exact(2) {
                let first =
                    ((pair[0] - self.origin.lon()) / self.lon_step_deg - 0.5).ceil().max(0.0) as usize;
                let last = ((pair[1] - self.origin.lon()) / self.lon_step_deg - 0.5).floor();
                if last < 0.0 {
                    continue;
                }
                for col in first..=(last as usize).min(self.cols - 1) {
                    self.inside[row * self.cols + col] = true;
                    self.inside_count += 1;
                }
            }
        }
    }

    pub fn index(&self, row: usize, col: usize) -> usize {
        row * self.cols + col
    }

    pub fn is_inside(&self, row: usize, col: usize) -> bool {
        self.inside[self.index(row, col)]
    }

    pub fn inside_count(&self) -> usize {
        self.inside_count
    }

    /// Every inside cell as (row, col), row by row.
    pub fn inside_cells(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        (0..self.rows)
            .flat_map(move |row| (0..self.cols).map(move |col| (row, col)))
            .filter(|&(r, c)| self.is_inside(r, c))
    }

    /// The centre of a cell.
    pub fn centre(&self, row: usize, col: usize) -> LonLat {
        LonLat::clamped(
            self.origin.lon() + (col as f64 + 0.5) * self.lon_step_deg,
            self.origin.lat() + (row as f64 + 0.5) * self.lat_step_deg,
        )
    }

    /// The south-west and north-east corners of a run of cells in one row.
    pub fn bounds(&self, row: usize, first_col: usize, last_col: usize) -> (LonLat, LonLat) {
        let south_west = LonLat::clamped(
            self.origin.lon() + first_col as f64 * self.lon_step_deg,
            self.origin.lat() + row as f64 * self.lat_step_deg,
        );
        let north_east = LonLat::clamped(
            self.origin.lon() + (last_col + 1) as f64 * self.lon_step_deg,
            self.origin.lat() + (row + 1) as f64 * self.lat_step_deg,
        );
        (south_west, north_east)
    }

    /// The south-west and north-east corners of the whole grid.
    pub fn extent(&self) -> (LonLat, LonLat) {
        (self.origin, self.bounds(self.rows - 1, 0, self.cols - 1).1)
    }

    /// The true area of one cell in `row`, square kilometres (cells shrink towards the pole).
    pub fn cell_area_km2(&self, row: usize) -> f64 {
        let centre_lat = self.centre(row, 0).lat().to_radians();
        let width_m = self.lon_step_deg * metres_per_degree() * centre_lat.cos();
        width_m * self.cell_m / 1e6
    }

    /// The cell containing a position, if it is on the grid.
    pub fn cell_of(&self, position: LonLat) -> Option<(usize, usize)> {
        let col = ((position.lon() - self.origin.lon()) / self.lon_step_deg).floor();
        let row = ((position.lat() - self.origin.lat()) / self.lat_step_deg).floor();
        let on_grid = (0.0..self.cols as f64).contains(&col) && (0.0..self.rows as f64).contains(&row);
        on_grid.then_some((row as usize, col as usize))
    }

    /// The (row, col) a position falls in, extended beyond the grid (negative or past the end),
    /// so a point just outside still reaches the cells its disc covers.
    pub fn cell_of_unbounded(&self, position: LonLat) -> (isize, isize) {
        let col = ((position.lon() - self.origin.lon()) / self.lon_step_deg).floor();
        let row = ((position.lat() - self.origin.lat()) / self.lat_step_deg).floor();
        (row.clamp(-1e9, 1e9) as isize, col.clamp(-1e9, 1e9) as isize)
    }

    /// Half-widths (in columns) of a disc of `radius_m` for each row offset -n..=n: the cells
    /// whose centres are within the radius of a cell's centre.
    pub fn disc(&self, radius_m: f64) -> Vec<(isize, isize)> {
        let lat_step_m = self.cell_m;
        let lon_step_m =
            self.lon_step_deg * metres_per_degree() * self.centre(self.rows / 2, 0).lat().to_radians().cos();
        let reach_rows = (radius_m / lat_step_m).floor() as isize;
        (-reach_rows..=reach_rows)
            .map(|dy| {
                let dy_m = dy as f64 * lat_step_m;
                let half =
                    ((radius_m * radius_m - dy_m * dy_m).max(0.0).sqrt() / lon_step_m).floor() as isize;
                (dy, half)
            })
            .collect()
    }
}
