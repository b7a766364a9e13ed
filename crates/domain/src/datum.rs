//! Geodetic datums used by Chinese map services, and conversion to and from WGS-84.
//!
//! Everything inside legalmap is WGS-84. Amap (高德) and Tencent publish coordinates in GCJ-02
//! ("Mars coordinates"), Baidu in BD-09; those are converted here, at the edge, with the
//! standard public formulas. GCJ-02 applies only inside China's bounding box: outside it, the
//! formulas (and the map services) leave WGS-84 unchanged.

use std::f64::consts::PI;
use std::fmt;
use std::ops::RangeInclusive;
use std::str::FromStr;

use serde::Serialize;

use super::LonLat;

/// The datum a longitude/latitude pair is written in: `wgs84` (GPS, browser geolocation),
/// `gcj02` (Amap, Tencent) or `bd09` (Baidu).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Datum {
    /// GPS, the browser Geolocation API, OpenStreetMap.
    Wgs84,
    /// Amap, Tencent and most Chinese map apps.
    Gcj02,
    /// Baidu maps.
    Bd09,
}

impl Datum {
    pub const ALL: [Datum; 3] = [Datum::Wgs84, Datum::Gcj02, Datum::Bd09];

    /// The name used in query strings and CSV files.
    pub fn as_str(self) -> &'static str {
        match self {
            Datum::Wgs84 => "wgs84",
            Datum::Gcj02 => "gcj02",
            Datum::Bd09 => "bd09",
        }
    }

    /// Converts a position written in this datum to WGS-84.
    pub fn to_wgs84(self, position: LonLat) -> LonLat {
        match self {
            Datum::Wgs84 => position,
            Datum::Gcj02 => gcj02_to_wgs84(position),
            Datum::Bd09 => gcj02_to_wgs84(bd09_to_gcj02(position)),
        }
    }

    /// Converts a WGS-84 position to this datum.
    pub fn from_wgs84(self, position: LonLat) -> LonLat {
        match self {
            Datum::Wgs84 => position,
            Datum::Gcj02 => wgs84_to_gcj02(position),
            Datum::Bd09 => gcj02_to_bd09(wgs84_to_gcj02(position)),
        }
    }
}

impl fmt::Display for Datum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The datum name was none of `wgs84`, `gcj02`, `bd09`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown datum {}: expected wgs84, gcj02 or bd09", super::quote::quote(.0))]
pub struct UnknownDatum(pub String);

impl FromStr for Datum {
    type Err = UnknownDatum;

    /// Accepts the canonical names and the usual spellings (`WGS-84`, `GCJ-02`, `BD-09`,
    /// any case), since people paste these from other tools.
    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let folded: String =
            raw.trim().chars().filter(|c| *c != '-' && *c != '_').collect::<String>().to_ascii_lowercase();
        match folded.as_str() {
            "wgs84" => Ok(Datum::Wgs84),
            "gcj02" => Ok(Datum::Gcj02),
            "bd09" => Ok(Datum::Bd09),
            _ => Err(UnknownDatum(raw.to_owned())),
        }
    }
}

/// Semi-major axis of the Krasovsky 1940 ellipsoid, in metres, as used by GCJ-02.
const KRASOVSKY_A_M: f64 = 6_378_245.0;
/// First eccentricity squared of the Krasovsky 1940 ellipsoid.
const KRASOVSKY_EE: f64 = 0.006_693_421_622_965_943;
/// Baidu's angular constant for BD-09.
const BD_X_PI: f64 = PI * 3000.0 / 180.0;
/// Inverse conversions stop once the forward image is this close to the target, in degrees
/// (about 1 mm), well inside the 1 m the project promises.
const INVERSE_TOLERANCE_DEG: f64 = 1e-8;
const INVERSE_MAX_STEPS: usize = 30;

/// The longitudes of China's rectangle: the rough rectangle inside which GCJ-02 differs from
/// WGS-84 (the bound every public implementation uses), and what every check of imported,
/// uploaded or pasted coordinates means by "in China".
///
/// # Units
/// Degrees.
pub const CHINA_LON_DEG: RangeInclusive<f64> = 72.004..=137.8347;
/// The latitudes of China's rectangle (see [`CHINA_LON_DEG`]). All below its longitudes, so
/// inside China a pair of numbers can be told apart as longitude and latitude.
///
/// # Units
/// Degrees.
pub const CHINA_LAT_DEG: RangeInclusive<f64> = 0.8293..=55.8271;

/// Whether `position` is inside China's rectangle ([`CHINA_LON_DEG`], [`CHINA_LAT_DEG`]).
pub fn is_in_china_rectangle(position: LonLat) -> bool {
    CHINA_LON_DEG.contains(&position.lon()) && CHINA_LAT_DEG.contains(&position.lat())
}

fn transform_lat(x: f64, y: f64) -> f64 {
    let mut ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * x.abs().sqrt();
    ret += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    ret += (20.0 * (y * PI).sin() + 40.0 * (y / 3.0 * PI).sin()) * 2.0 / 3.0;
    ret += (160.0 * (y / 12.0 * PI).sin() + 320.0 * (y * PI / 30.0).sin()) * 2.0 / 3.0;
    ret
}

fn transform_lon(x: f64, y: f64) -> f64 {
    let mut ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * x.abs().sqrt();
    ret += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    ret += (20.0 * (x * PI).sin() + 40.0 * (x / 3.0 * PI).sin()) * 2.0 / 3.0;
    ret += (150.0 * (x / 12.0 * PI).sin() + 300.0 * (x / 30.0 * PI).sin()) * 2.0 / 3.0;
    ret
}

/// WGS-84 to GCJ-02: the published forward formula.
fn wgs84_to_gcj02(wgs: LonLat) -> LonLat {
    if !is_in_china_rectangle(wgs) {
        return wgs;
    }
    let (lon, lat) = (wgs.lon(), wgs.lat());
    let d_lat = transform_lat(lon - 105.0, lat - 35.0);
    let d_lon = transform_lon(lon - 105.0, lat - 35.0);
    let rad_lat = lat / 180.0 * PI;
    let magic = 1.0 - KRASOVSKY_EE * rad_lat.sin().powi(2);
    let sqrt_magic = magic.sqrt();
    let d_lat = (d_lat * 180.0) / ((KRASOVSKY_A_M * (1.0 - KRASOVSKY_EE)) / (magic * sqrt_magic) * PI);
    let d_lon = (d_lon * 180.0) / (KRASOVSKY_A_M / sqrt_magic * rad_lat.cos() * PI);
    LonLat::clamped(lon + d_lon, lat + d_lat)
}

/// GCJ-02 to WGS-84. There is no closed form, so this inverts the forward formula by fixed-point
/// iteration (its Jacobian is nearly the identity, so it converges in a few steps).
fn gcj02_to_wgs84(gcj: LonLat) -> LonLat {
    invert(gcj, wgs84_to_gcj02)
}

fn gcj02_to_bd09(gcj: LonLat) -> LonLat {
    let (x, y) = (gcj.lon(), gcj.lat());
    let z = (x * x + y * y).sqrt() + 0.00002 * (y * BD_X_PI).sin();
    let theta = y.atan2(x) + 0.000003 * (x * BD_X_PI).cos();
    LonLat::clamped(z * theta.cos() + 0.0065, z * theta.sin() + 0.006)
}

/// BD-09 to GCJ-02. The commonly published inverse is itself an approximation (off by up to a
/// few decimetres), so it only seeds the same iteration as the GCJ-02 inverse.
fn bd09_to_gcj02(bd: LonLat) -> LonLat {
    invert(bd, gcj02_to_bd09)
}

/// Finds `p` with `forward(p) == target` to within [`INVERSE_TOLERANCE_DEG`].
fn invert(target: LonLat, forward: fn(LonLat) -> LonLat) -> LonLat {
    let mut guess = target;
    for _ in 0..INVERSE_MAX_STEPS {
        let image = forward(guess);
        let (d_lon, d_lat) = (image.lon() - target.lon(), image.lat() - target.lat());
        if d_lon.abs() < INVERSE_TOLERANCE_DEG && d_lat.abs() < INVERSE_TOLERANCE_DEG {
            break;
        }
        guess = LonLat::clamped(guess.lon() - d_lon, guess.lat() - d_lat);
    }
    guess
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lonlat(lon: f64, lat: f64) -> LonLat {
        LonLat::parse(lon, lat).unwrap()
    }

    #[test]
    fn datum_names_parse_in_the_usual_spellings() {
        assert_eq!("GCJ-02".parse::<Datum>().unwrap(), Datum::Gcj02);
        assert_eq!("wgs84".parse::<Datum>().unwrap(), Datum::Wgs84);
        assert_eq!(" bd_09 ".parse::<Datum>().unwrap(), Datum::Bd09);
        assert!("mars".parse::<Datum>().is_err());
    }

    #[test]
    fn outside_china_gcj02_is_wgs84() {
        let paris = lonlat(2.3522, 48.8566);
        assert_eq!(Datum::Gcj02.from_wgs84(paris), paris);
        assert_eq!(Datum::Gcj02.to_wgs84(paris), paris);
    }
}
