//! Synthetic point sets shaped like China's village-level units, for benchmarks only.
//!
//! Real village coordinates for all of China are not public here, so benchmarks at national
//! scale use generated points. Uniform points would flatter every engine (no dense clusters,
//! no empty west), so the generator is clustered at three levels, as the administrative map is:
//!
//! 1. **Provinces**: each point falls in one of 31 provinces with the weight of that province's
//!    rough number of village-level units (tens of thousands in Shandong, Henan and Hebei, a few
//!    thousand in Tibet, Qinghai and Ningxia), placed around the province's rough centre.
//! 2. **Towns**: about one town (乡镇/街道) per 15 points, at most 40,000 (China has about that
//!    many), scattered around the province centre (Gaussian, the province's spread).
//! 3. **Points**: each town gets a share of the points in proportion to a random weight
//!    (0.5-1.5), scattered around it (Gaussian, 2.5 km in the dense east, up to 3x that in the
//!    sparse west). At 3,000,000 points that makes several places per village, as in provinces
//!    that count more than one legal service place per village.
//!
//! The province figures are rounded magnitudes that shape the density; they are not statistics
//! and nothing here is a real place. Every row says so: names start with 合成, the source reads
//! `synthetic: legalmap synth ...`, and the location quality is `town_centre` (an estimate),
//! so nothing generated is ever shown as a surveyed location. The same seed gives the same set.

use crate::domain::datum::is_in_china_rectangle;
use crate::domain::{AreaType, LocationQuality, LonLat, PointCode, PointKind, PointRecord};

/// Most points `synth` generates: every town keeps to three-digit point numbers.
pub const MAX_COUNT: usize = 10_000_000;
/// Most towns generated, about China's number of towns and streets.
const MAX_TOWNS: usize = 40_000;
/// Points per town at small sizes.
const POINTS_PER_TOWN: usize = 15;
/// Spread of a town's points around it in the dense east, degrees of latitude (~2.5 km).
const POINT_SPREAD_DEG: f64 = 0.0225;

/// A province: code, rough centre, spread (degrees, as standard deviation in lon and lat),
/// rough number of village-level units in thousands (the weight), and sparseness (1 dense east,
/// 3 sparse west) that widens the spread of points around their town.
struct Province {
    code: u32,
    lon: f64,
    lat: f64,
    spread_lon: f64,
    spread_lat: f64,
    thousands: f64,
    sparseness: f64,
}

const fn province(
    code: u32,
    lon: f64,
    lat: f64,
    spread: (f64, f64),
    thousands: f64,
    sparseness: f64,
) -> Province {
    Province { code, lon, lat, spread_lon: spread.0, spread_lat: spread.1, thousands, sparseness }
}

#[rustfmt::skip]
const PROVINCES: [Province; 31] = [
    province(11, 116.40, 40.10, (0.35, 0.30), 7.0, 1.0),  // Beijing
    province(12, 117.25, 39.20, (0.30, 0.30), 5.3, 1.0),  // Tianjin
    province(13, 115.50, 38.60, (1.30, 1.60), 50.0, 1.0), // Hebei
    province(14, 112.40, 37.60, (0.90, 1.40), 23.0, 1.2), // Shanxi
    province(15, 113.00, 42.50, (5.00, 1.80), 14.0, 3.0), // Inner Mongolia
    province(21, 122.60, 41.30, (1.40, 1.00), 15.8, 1.1), // Liaoning
    province(22, 126.00, 43.70, (1.60, 1.00), 11.0, 1.3), // Jilin
    province(23, 127.80, 46.50, (2.40, 1.80), 13.9, 1.6), // Heilongjiang
    province(31, 121.45, 31.20, (0.25, 0.25), 6.1, 1.0),  // Shanghai
    province(32, 119.50, 32.70, (1.10, 1.20), 21.0, 1.0), // Jiangsu
    province(33, 120.20, 29.30, (0.90, 0.90), 24.0, 1.0), // Zhejiang
    province(34, 117.20, 31.90, (0.90, 1.30), 17.0, 1.0), // Anhui
    province(35, 118.20, 25.90, (0.90, 0.90), 17.2, 1.1), // Fujian
    province(36, 115.80, 27.60, (0.90, 1.30), 20.0, 1.1), // Jiangxi
    province(37, 118.00, 36.30, (1.50, 0.80), 69.0, 1.0), // Shandong
    province(41, 113.70, 34.10, (1.20, 1.10), 51.0, 1.0), // Henan
    province(42, 112.30, 30.90, (1.80, 1.00), 26.0, 1.1), // Hubei
    province(43, 111.70, 27.60, (1.00, 1.30), 29.0, 1.1), // Hunan
    province(44, 113.40, 23.20, (1.70, 0.90), 26.0, 1.0), // Guangdong
    province(45, 108.80, 23.50, (1.50, 1.00), 16.0, 1.3), // Guangxi
    province(46, 109.80, 19.20, (0.40, 0.35), 3.5, 1.2),  // Hainan
    province(50, 107.20, 29.90, (1.00, 0.70), 11.0, 1.2), // Chongqing
    province(51, 104.50, 30.40, (1.80, 1.50), 30.0, 1.4), // Sichuan
    province(52, 106.70, 26.70, (1.10, 0.80), 17.0, 1.4), // Guizhou
    province(53, 101.80, 24.90, (1.60, 1.50), 14.5, 1.6), // Yunnan
    province(54, 91.20, 30.00, (4.00, 1.20), 5.7, 3.0),   // Tibet
    province(61, 108.90, 34.80, (1.00, 1.70), 20.0, 1.2), // Shaanxi
    province(62, 103.80, 36.00, (3.00, 1.30), 17.5, 1.8), // Gansu
    province(63, 100.50, 36.20, (2.50, 1.00), 4.6, 3.0),  // Qinghai
    province(64, 106.20, 37.50, (0.60, 0.90), 2.9, 1.5),  // Ningxia
    province(65, 84.00, 42.50, (5.00, 2.20), 12.0, 3.0),  // Xinjiang
];

/// A small, fast, seedable generator (SplitMix64): enough for test data, and no dependency.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Standard normal (Box-Muller).
    pub fn normal(&mut self) -> f64 {
        let u = 1.0 - self.unit(); // (0, 1]: ln never sees 0
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * self.unit()).cos()
    }
}

struct Town {
    province: &'static Province,
    /// 1-based within its province; the code's digits 3-9.
    number: usize,
    centre: (f64, f64),
    points: usize,
}

/// A village point with only a code (its first nine digits are the town's), a place, a location
/// quality and a source: for synthetic sets, and for the tests and benchmarks that need points
/// where they put them. Named after its code (合成点…), its town 合成 and the town code.
pub fn record(
    code: PointCode,
    location: LonLat,
    location_quality: LocationQuality,
    source: &str,
) -> PointRecord {
    let town_code = code.as_str()[..9].to_owned();
    PointRecord {
        name: format!("合成点{}", code.as_str()),
        town: format!("合成{town_code}"),
        town_code,
        code,
        kind: PointKind::Village,
        address: None,
        phone: None,
        hours: None,
        opening_hours: None,
        location,
        location_quality,
        accuracy_m: None,
        location_fixed_at: None,
        source: source.to_owned(),
        area_type: AreaType::Rural,
    }
}

/// A village point with `code` (its first nine digits are the town's) at `location`, and
/// nothing else filled in: for unit tests of what depends on codes and places only.
#[cfg(test)]
pub(crate) fn test_point(
    code: &str,
    location: LonLat,
    quality: LocationQuality,
) -> crate::domain::ServicePoint {
    let code = PointCode::parse(code).expect("a test point's code is valid");
    crate::domain::ServicePoint::unsaved(record(code, location, quality, "unit test"))
}

/// `count` synthetic points (1..=[`MAX_COUNT`]), the same for the same `seed`.
pub fn points(count: usize, seed: u64) -> Result<Vec<PointRecord>, String> {
    if count == 0 || count > MAX_COUNT {
        return Err(format!("count must be 1 to {MAX_COUNT}, got {count}"));
    }
    let mut rng = SplitMix64::new(seed);
    let towns = towns(count, &mut rng);
    let source = format!("synthetic: legalmap synth --count {count} --seed {seed}; not a real place");
    let mut records = Vec::with_capacity(count);
    for town in &towns {
        let town_code = format!("{:02}{:07}", town.province.code, town.number);
        let town_name = format!("合成{}镇{}", town.province.code, town.number);
        let spread = POINT_SPREAD_DEG * town.province.sparseness;
        for number in 1..=town.points {
            let location = scatter(&mut rng, town.centre, spread, spread);
            let code =
                PointCode::parse(&format!("{town_code}{number:03}")).expect("12 digits by construction");
            let mut record = record(code, location, LocationQuality::TownCentre, &source);
            record.town = town_name.clone();
            records.push(record);
        }
    }
    // In code order, as the store returns them.
    records.sort_unstable_by(|a, b| a.code.cmp(&b.code));
    Ok(records)
}

/// `count` query origins near the points (where residents are): a random point's position
/// moved by about 1.5 km (Gaussian). Drawn from `seed` separately from the points.
pub fn origins(points: &[PointRecord], count: usize, seed: u64) -> Vec<LonLat> {
    let mut rng = SplitMix64::new(seed ^ 0x6F72_6967_696E_7321);
    if points.is_empty() {
        return Vec::new();
    }
    (0..count)
        .map(|_| {
            let point = &points[(rng.next_u64() % points.len() as u64) as usize];
            let centre = (point.location.lon(), point.location.lat());
            scatter(&mut rng, centre, 0.015, 0.0135)
        })
        .collect()
}

/// Writes origins as `legalmap synth --origins` does: a `lon,lat` header, then WGS-84 degrees.
pub fn write_origins(mut out: impl std::io::Write, origins: &[LonLat]) -> std::io::Result<()> {
    writeln!(out, "lon,lat")?;
    for origin in origins {
        writeln!(out, "{:.6},{:.6}", origin.lon(), origin.lat())?;
    }
    out.flush()
}

/// The towns, with how many points each gets (largest remainder, so they add up to `count`).
fn towns(count: usize, rng: &mut SplitMix64) -> Vec<Town> {
    let town_count = (count / POINTS_PER_TOWN).clamp(1, MAX_TOWNS);
    let total_weight: f64 = PROVINCES.iter().map(|p| p.thousands).sum();
    let mut numbers = [0usize; PROVINCES.len()];
    let mut towns = Vec::with_capacity(town_count);
    let mut weights = Vec::with_capacity(town_count);
    for _ in 0..town_count {
        let mut pick = rng.unit() * total_weight;
        let index = PROVINCES
            .iter()
            .position(|p| {
                pick -= p.thousands;
                pick < 0.0
            })
            .unwrap_or(PROVINCES.len() - 1);
        let province = &PROVINCES[index];
        numbers[index] += 1;
        let centre = scatter(rng, (province.lon, province.lat), province.spread_lon, province.spread_lat);
        towns.push(Town {
            province,
            number: numbers[index],
            centre: (centre.lon(), centre.lat()),
            points: 0,
        });
        weights.push(0.5 + rng.unit());
    }
    let weight_sum: f64 = weights.iter().sum();
    let shares: Vec<f64> = weights.iter().map(|w| w / weight_sum * count as f64).collect();
    for (town, share) in towns.iter_mut().zip(&shares) {
        town.points = share.floor() as usize;
    }
    let mut by_remainder: Vec<usize> = (0..towns.len()).collect();
    by_remainder
        .sort_by(|&a, &b| (shares[b] - shares[b].floor()).total_cmp(&(shares[a] - shares[a].floor())));
    let missing = count - towns.iter().map(|t| t.points).sum::<usize>();
    for &index in by_remainder.iter().cycle().take(missing) {
        towns[index].points += 1;
    }
    towns
}

/// A Gaussian draw around `centre` (degrees), drawn again until it falls inside the rectangle
/// that imports accept as China (every centre here is well inside, so this ends fast).
fn scatter(rng: &mut SplitMix64, centre: (f64, f64), spread_lon: f64, spread_lat: f64) -> LonLat {
    loop {
        let lon = (centre.0 + rng.normal() * spread_lon).clamp(-180.0, 180.0);
        let lat = (centre.1 + rng.normal() * spread_lat).clamp(-90.0, 90.0);
        let position = LonLat::parse(lon, lat).expect("clamped to the valid range");
        if is_in_china_rectangle(position) {
            return position;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_points_and_every_row_is_marked() {
        let a = points(2_000, 7).unwrap();
        let b = points(2_000, 7).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.len(), 2_000);
        assert_ne!(a, points(2_000, 8).unwrap());
        let codes: std::collections::HashSet<_> = a.iter().map(|r| r.code.clone()).collect();
        assert_eq!(codes.len(), a.len(), "codes are unique");
        for record in &a {
            assert!(record.name.starts_with("合成"));
            assert!(record.source.starts_with("synthetic:"));
            assert!(record.location_quality.is_estimate());
            assert_eq!(record.code.town_code(), record.town_code);
            assert!(is_in_china_rectangle(record.location), "imports would refuse {:?}", record.location);
        }
    }

    #[test]
    fn clustered_not_uniform() {
        let records = points(20_000, 1).unwrap();
        // Shandong (code 37) holds far more than Tibet (54), as the weights say.
        let in_province = |code: &str| records.iter().filter(|r| r.town_code.starts_with(code)).count();
        assert!(in_province("37") > 5 * in_province("54"));
        // Points sit near their town: the median distance to the town's first point is a few km.
        let mut distances: Vec<f64> = records
            .windows(2)
            .filter(|w| w[0].town_code == w[1].town_code)
            .map(|w| w[0].location.distance_m(w[1].location))
            .collect();
        distances.sort_by(f64::total_cmp);
        let median = distances[distances.len() / 2];
        assert!((1_000.0..20_000.0).contains(&median), "median neighbour distance {median} m");
    }

    #[test]
    fn bad_counts_are_refused() {
        assert!(points(0, 1).is_err());
        assert!(points(MAX_COUNT + 1, 1).is_err());
    }
}
