//! A position on the Earth, checked once at the edge so inner code never sees NaN or an
//! out-of-range coordinate.

use geo::{Distance, Haversine, Point};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A WGS-84 (or, briefly at the edge, GCJ-02/BD-09) longitude/latitude in degrees.
///
/// Always finite, longitude in [-180, 180], latitude in [-90, 90].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(try_from = "RawLonLat")]
#[schema(description = "A position in WGS-84 degrees.")]
pub struct LonLat {
    /// Degrees east.
    #[schema(minimum = -180, maximum = 180)]
    lon: f64,
    /// Degrees north.
    #[schema(minimum = -90, maximum = 90)]
    lat: f64,
}

/// The unchecked form, so deserializing goes through [`LonLat::parse`].
#[derive(Deserialize)]
struct RawLonLat {
    lon: f64,
    lat: f64,
}

impl TryFrom<RawLonLat> for LonLat {
    type Error = CoordError;

    fn try_from(raw: RawLonLat) -> Result<Self, CoordError> {
        LonLat::parse(raw.lon, raw.lat)
    }
}

/// Why a pair of numbers is not a position.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CoordError {
    #[error("longitude must be a finite number, got {0}")]
    LonNotFinite(f64),
    #[error("latitude must be a finite number, got {0}")]
    LatNotFinite(f64),
    #[error("longitude {0} is outside -180..180")]
    LonOutOfRange(f64),
    #[error("latitude {0} is outside -90..90")]
    LatOutOfRange(f64),
}

impl LonLat {
    /// Checks that `lon`/`lat` (degrees) form a position.
    pub fn parse(lon: f64, lat: f64) -> Result<Self, CoordError> {
        if !lon.is_finite() {
            return Err(CoordError::LonNotFinite(lon));
        }
        if !lat.is_finite() {
            return Err(CoordError::LatNotFinite(lat));
        }
        if !(-180.0..=180.0).contains(&lon) {
            return Err(CoordError::LonOutOfRange(lon));
        }
        if !(-90.0..=90.0).contains(&lat) {
            return Err(CoordError::LatOutOfRange(lat));
        }
        Ok(Self { lon, lat })
    }

    /// For values computed from valid positions (datum shifts of a few hundred metres), which
    /// can only leave the range by rounding at the poles or the antimeridian.
    pub fn clamped(lon: f64, lat: f64) -> Self {
        Self { lon: lon.clamp(-180.0, 180.0), lat: lat.clamp(-90.0, 90.0) }
    }

    /// Longitude in degrees.
    pub fn lon(self) -> f64 {
        self.lon
    }

    /// Latitude in degrees.
    pub fn lat(self) -> f64 {
        self.lat
    }

    /// Great-circle distance to `other` on a sphere of the Earth's mean radius (IUGG, 6,371,008.8 m).
    ///
    /// # Units
    /// Metres.
    pub fn distance_m(self, other: LonLat) -> f64 {
        Haversine.distance(Point::new(self.lon, self.lat), Point::new(other.lon, other.lat))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_non_finite_and_out_of_range() {
        assert!(LonLat::parse(f64::NAN, 0.0).is_err());
        assert!(LonLat::parse(0.0, f64::INFINITY).is_err());
        assert!(LonLat::parse(180.1, 0.0).is_err());
        assert!(LonLat::parse(0.0, -90.5).is_err());
        assert!(LonLat::parse(-180.0, 90.0).is_ok());
    }

    #[test]
    fn one_degree_of_latitude_is_about_111_km() {
        let a = LonLat::parse(121.0, 28.0).unwrap();
        let b = LonLat::parse(121.0, 29.0).unwrap();
        assert!((a.distance_m(b) - 111_195.0).abs() < 5.0);
    }
}
