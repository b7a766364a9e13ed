//! "Is this origin inside Huangyan?" for every answer, fast: the district boundary has about
//! 4,000 vertices, and testing a point against all of them (geo's `Contains`) costs
//! microseconds, a noticeable share of a `/nearest` request. Cutting the boundary into
//! horizontal bands, each with the edges that cross it, leaves a few edges per test: the same
//! crossing-number rule, on the only edges a horizontal ray from the point can cross.

use geo::{Coord, Polygon};

use crate::domain::LonLat;

/// Bands across the boundary's latitude span: enough that a band holds a handful of edges.
const BANDS: usize = 1024;

/// The district boundary (an exterior ring, WGS-84), prepared for point tests.
#[derive(Debug, Clone)]
pub struct DistrictBoundary {
    min_lat: f64,
    band_height_deg: f64,
    /// For each band, the ring's edges (as coordinate pairs) that overlap it in latitude.
    bands: Vec<Vec<(Coord<f64>, Coord<f64>)>>,
}

impl DistrictBoundary {
    pub fn new(polygon: &Polygon<f64>) -> Self {
        let ring: Vec<Coord<f64>> = polygon.exterior().coords().copied().collect();
        let (min_lat, max_lat) =
            ring.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), c| (lo.min(c.y), hi.max(c.y)));
        let band_height_deg = ((max_lat - min_lat) / BANDS as f64).max(f64::MIN_POSITIVE);
        let mut bands = vec![Vec::new(); BANDS];
        let band_of = |lat: f64| (((lat - min_lat) / band_height_deg) as usize).min(BANDS - 1);
        for edge in ring.windows(2) {
            let (a, b) = (edge[0], edge[1]);
            for band in &mut bands[band_of(a.y.min(b.y))..=band_of(a.y.max(b.y))] {
                band.push((a, b));
            }
        }
        Self { min_lat, band_height_deg, bands }
    }

    /// Whether `position` lies inside (even-odd rule, as geo's `Contains` for a simple ring;
    /// a point exactly on the boundary may go either way).
    pub fn contains(&self, position: LonLat) -> bool {
        let (x, y) = (position.lon(), position.lat());
        let offset = (y - self.min_lat) / self.band_height_deg;
        if !(0.0..=BANDS as f64).contains(&offset) {
            return false;
        }
        let band = &self.bands[(offset as usize).min(BANDS - 1)];
        let mut inside = false;
        for &(a, b) in band {
            // The edge straddles the ray's latitude (half-open, so a shared vertex counts once)
            // and crosses it east of the point.
            if (a.y > y) != (b.y > y) && x < a.x + (y - a.y) * (b.x - a.x) / (b.y - a.y) {
                inside = !inside;
            }
        }
        inside
    }
}

#[cfg(test)]
mod tests {
    use geo::{Contains, LineString, Point};

    use super::*;
    use crate::web::map::{MapSettings, TileSource};

    #[test]
    fn it_agrees_with_geo_on_the_real_boundary() {
        let map = MapSettings::new(TileSource::default());
        let boundary = DistrictBoundary::new(map.district());
        let mut inside = 0;
        // A 300 x 300 lattice over the district's surroundings (121.0-121.5 E, 28.4-28.8 N).
        for i in 0..300 {
            for j in 0..300 {
                let (lon, lat) = (121.0 + 0.5 * f64::from(i) / 300.0, 28.4 + 0.4 * f64::from(j) / 300.0);
                let expected = map.district().contains(&Point::new(lon, lat));
                assert_eq!(boundary.contains(LonLat::parse(lon, lat).unwrap()), expected, "{lon}, {lat}");
                inside += usize::from(expected);
            }
        }
        assert!(inside > 10_000 && inside < 80_000, "the lattice straddles the boundary: {inside} inside");
        assert!(!boundary.contains(LonLat::parse(120.15, 30.28).unwrap()), "Hangzhou");
        assert!(boundary.contains(LonLat::parse(121.26, 28.64).unwrap()), "Huangyan's centre");
    }

    #[test]
    fn a_square_with_a_notch() {
        let ring =
            LineString::from(vec![(0.0, 0.0), (4.0, 0.0), (4.0, 4.0), (2.0, 2.0), (0.0, 4.0), (0.0, 0.0)]);
        let boundary = DistrictBoundary::new(&Polygon::new(ring, Vec::new()));
        let at = |lon, lat| boundary.contains(LonLat::parse(lon, lat).unwrap());
        assert!(at(1.0, 1.0) && at(3.0, 3.0) && at(1.0, 2.5));
        assert!(!at(2.0, 3.0) && !at(5.0, 1.0) && !at(1.0, -1.0) && !at(1.0, 4.5));
    }
}
