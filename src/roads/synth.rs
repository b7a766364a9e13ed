//! A synthetic road network for benchmarks only: a square grid of streets, with a faster road
//! every tenth row and column, so that driving has arterials to prefer as real towns do.
//!
//! The graphs are what `roads import` makes of an extract (the same [`Stored`] form), so the
//! server, the labels and the searches cannot tell them apart; nothing here is a real road.

use geo::{Destination, Distance, Haversine, Point};

use super::file::Stored;
use super::graph::{Graph, GraphParts};
use crate::domain::LonLat;
use crate::locator::travel::{Mode, TravelModel};

/// Street speed for driving, and the arterials' (every tenth row and column).
const STREET_KMH: f64 = 30.0;
const ARTERIAL_KMH: f64 = 60.0;
const ARTERIAL_EVERY: usize = 10;

/// A `side` x `side` grid of nodes `spacing_m` apart, centred on `centre`, every street two-way
/// in every mode; walking and cycling at `model`'s speeds.
pub fn grid(side: usize, spacing_m: f64, centre: LonLat, model: &TravelModel) -> Stored {
    let half = (side as f64 - 1.0) / 2.0 * spacing_m;
    let origin = Point::new(centre.lon(), centre.lat());
    // Rows step north, columns east, from the south-west corner.
    let south_west = Haversine.destination(Haversine.destination(origin, 180.0, half), 270.0, half);
    let north = Haversine.destination(south_west, 0.0, spacing_m);
    let east = Haversine.destination(south_west, 90.0, spacing_m);
    let (dlat, dlon) = (north.y() - south_west.y(), east.x() - south_west.x());
    let id = |row: usize, col: usize| (row * side + col) as u32;
    let graphs = [Mode::Walk, Mode::Bike, Mode::Drive].map(|mode| {
        let mut parts = GraphParts::default();
        parts.offsets.push(0);
        for row in 0..side {
            for col in 0..side {
                let (lon, lat) = (south_west.x() + col as f64 * dlon, south_west.y() + row as f64 * dlat);
                parts.lon.push(lon);
                parts.lat.push(lat);
                let neighbours = [
                    (row > 0).then(|| (row - 1, col, col % ARTERIAL_EVERY == 0)),
                    (col > 0).then(|| (row, col - 1, row % ARTERIAL_EVERY == 0)),
                    (col + 1 < side).then(|| (row, col + 1, row % ARTERIAL_EVERY == 0)),
                    (row + 1 < side).then(|| (row + 1, col, col % ARTERIAL_EVERY == 0)),
                ];
                for (to_row, to_col, arterial) in neighbours.into_iter().flatten() {
                    let to = Point::new(
                        south_west.x() + to_col as f64 * dlon,
                        south_west.y() + to_row as f64 * dlat,
                    );
                    let length_m = Haversine.distance(Point::new(lon, lat), to);
                    let kmh = match mode {
                        Mode::Drive if arterial => ARTERIAL_KMH,
                        Mode::Drive => STREET_KMH,
                        Mode::Walk | Mode::Bike => model.speed_kmh(mode),
                    };
                    parts.targets.push(id(to_row, to_col));
                    parts.length_m.push(length_m as f32);
                    parts.seconds.push((length_m / (kmh / 3.6)) as f32);
                }
                parts.offsets.push(parts.targets.len() as u32);
            }
        }
        Graph::from_parts(parts).expect("a well-formed grid")
    });
    Stored { walk_kmh: model.speed_kmh(Mode::Walk), bike_kmh: model.speed_kmh(Mode::Bike), graphs }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roads::network::{RoadNetwork, RoadTime};

    #[test]
    fn a_grid_routes_along_its_streets() {
        let centre = LonLat::parse(121.26, 28.64).unwrap();
        let stored = grid(21, 100.0, centre, &TravelModel::default());
        assert_eq!(stored.graphs[0].node_count(), 441);
        assert_eq!(stored.graphs[0].edge_count(), 2 * 2 * 21 * 20);
        let network = RoadNetwork::new(stored);
        // From the centre node, 500 m east along a street: 500 m by road, 400 s at 4.5 km/h.
        let east =
            LonLat::parse(centre.lon() + 500.0 / (111_320.0 * 28.64_f64.to_radians().cos()), 28.64).unwrap();
        let RoadTime::Reached { distance_m, minutes, .. } = network.time(Mode::Walk, centre, east) else {
            panic!("reachable")
        };
        assert!((distance_m - 500.0).abs() < 5.0, "{distance_m}");
        assert!((minutes - 500.0 / 75.0).abs() < 0.1, "{minutes}");
    }
}
