//! Residential places uploaded by staff (name, lon, lat, datum, optional population), so
//! coverage can be measured per place and weighted by the people living there.

use std::io::Read;

use serde::Serialize;

use super::times::{PlaceTime, time_by_road};
use crate::domain::datum::is_in_china_rectangle;
use crate::domain::{Datum, LonLat};
use crate::locator::TravelBasis;
use crate::locator::index::PointIndex;
use crate::locator::travel::{CIRCLE_MINUTES, Mode, TravelModel};
use crate::points::csv_file::RowError;
use crate::roads::answers::RoadAnswers;

/// Most places one upload may hold.
pub const MAX_PLACES: usize = 50_000;

pub use crate::domain::place::Place;

/// Reads the places CSV (`name,lon,lat,datum[,population]`), checking every row with
/// `in_district`; returns every problem, or the places.
pub fn read_places(
    input: impl Read,
    in_district: impl Fn(LonLat) -> bool,
) -> Result<Vec<Place>, Vec<RowError>> {
    let mut reader = csv::ReaderBuilder::new().from_reader(input);
    let header: Vec<String> = match reader.headers() {
        Ok(header) => header.iter().map(|h| h.trim_start_matches('\u{feff}').trim().to_owned()).collect(),
        Err(_) => return Err(vec![RowError { line: 1, reason: "文件不是可读的 CSV".into() }]),
    };
    let column = |name: &str| header.iter().position(|h| h == name);
    let (Some(name_at), Some(lon_at), Some(lat_at), Some(datum_at)) =
        (column("name"), column("lon"), column("lat"), column("datum"))
    else {
        return Err(vec![RowError {
            line: 1,
            reason: "需要列 name, lon, lat, datum（population 可选）".into(),
        }]);
    };
    let population_at = column("population");
    let (mut places, mut errors) = (Vec::new(), Vec::new());
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                let line = error.position().map_or(0, |p| p.line());
                errors.push(RowError {
                    line, reason: "列数与表头不一致，或不是 UTF-8 文本".into()
                });
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        let field = |at: usize| record.get(at).unwrap_or("").trim();
        match parse_place(
            field(name_at),
            field(lon_at),
            field(lat_at),
            field(datum_at),
            population_at.map(field),
            &in_district,
        ) {
            Ok(place) => places.push(place),
            Err(reason) => errors.push(RowError { line, reason }),
        }
    }
    // Weighting needs every place's population or none (a blank would silently weigh 0).
    if places.iter().any(|p| p.population.is_some()) && places.iter().any(|p| p.population.is_none()) {
        errors.push(RowError {
            line: 0,
            reason: "有的行填写了人口、有的没有：请都填写（不知道可填 0），或都不填".into(),
        });
    }
    if places.len() > MAX_PLACES {
        errors.push(RowError { line: 0, reason: format!("最多 {MAX_PLACES} 个地点") });
    }
    if places.is_empty() && errors.is_empty() {
        errors.push(RowError { line: 2, reason: "文件没有数据行".into() });
    }
    if errors.is_empty() { Ok(places) } else { Err(errors) }
}

fn parse_place(
    name: &str,
    lon: &str,
    lat: &str,
    datum: &str,
    population: Option<&str>,
    in_district: &impl Fn(LonLat) -> bool,
) -> Result<Place, String> {
    if name.is_empty() || name.chars().count() > 100 {
        return Err("名称必填，且不超过 100 个字".into());
    }
    let datum: Datum = datum.parse().map_err(|_| format!("坐标系“{datum}”应为 wgs84、gcj02 或 bd09"))?;
    let number =
        |text: &str, label: &str| text.parse::<f64>().map_err(|_| format!("{label}“{text}”不是数字"));
    let position =
        LonLat::parse(number(lon, "经度")?, number(lat, "纬度")?).map_err(|_| "坐标超出范围".to_owned())?;
    if !is_in_china_rectangle(position) {
        return Err("坐标不在中国境内（经纬度是否写反？）".into());
    }
    let location = datum.to_wgs84(position);
    if !in_district(location) {
        return Err("地点不在黄岩区界内".into());
    }
    let population = match population.filter(|p| !p.is_empty()) {
        None => None,
        Some(text) => match text.parse::<i64>() {
            Ok(n) if (0..=10_000_000).contains(&n) => Some(n),
            _ => return Err(format!("人口“{text}”应为 0 到 10,000,000 的整数")),
        },
    };
    Ok(Place { name: name.to_owned(), location, population })
}

/// One place's answer for one mode.
#[derive(Debug, Clone, Serialize)]
pub struct PlaceResult {
    pub name: String,
    pub population: Option<i64>,
    /// The nearest point in a straight line, and the great-circle metres to it.
    pub nearest_code: String,
    pub nearest_name: String,
    pub distance_m: f64,
    /// Minutes to the quickest point (by road, the nearest in a straight line may not be it);
    /// `None` when the roads reach no point.
    pub travel_minutes: Option<f64>,
    pub travel_basis: TravelBasis,
    pub meets_standard: bool,
    pub within_15: bool,
    /// The nearest point's location is an estimate.
    pub uncertain: bool,
}

/// The places' figures for one mode.
#[derive(Debug, Clone, Serialize)]
pub struct PlaceSummary {
    pub mode: Mode,
    /// `population`, or `places` when no row gave one (each place then weighs 1).
    pub weighted_by: &'static str,
    pub total_weight: f64,
    pub standard_share: f64,
    pub within_15_share: f64,
    pub places: Vec<PlaceResult>,
}

/// The places' figures for `mode`: times by road with `roads` (the road network's view of
/// `index`), else by the estimate.
pub fn place_summary(
    index: &PointIndex,
    roads: Option<&RoadAnswers>,
    model: &TravelModel,
    places: &[Place],
    mode: Mode,
) -> PlaceSummary {
    let by_population = places.iter().any(|p| p.population.is_some());
    let (mut total, mut standard, mut within) = (0.0, 0.0, 0.0);
    let mut results = Vec::with_capacity(places.len());
    for place in places {
        let Some(hit) = index.nearest(place.location, 1).into_iter().next() else { continue };
        let meets_standard = hit.distance_m <= mode.standard_radius_m();
        let time = match roads {
            Some(roads) => time_by_road(roads, model, mode, place.location, (hit.slot, hit.distance_m)),
            None => PlaceTime::Estimate(model.estimate(mode, hit.distance_m).travel_minutes),
        };
        let weight = place.weight(by_population);
        let within_15 = time.is_within(CIRCLE_MINUTES);
        total += weight;
        standard += if meets_standard { weight } else { 0.0 };
        within += if within_15 { weight } else { 0.0 };
        results.push(PlaceResult {
            name: place.name.clone(),
            population: place.population,
            nearest_code: hit.point.record.code.to_string(),
            nearest_name: hit.point.record.name.clone(),
            distance_m: hit.distance_m,
            travel_minutes: time.minutes(),
            travel_basis: match time {
                PlaceTime::Estimate(_) => TravelBasis::Estimate,
                PlaceTime::Road(_) | PlaceTime::Unreachable => TravelBasis::RoadNetwork,
            },
            meets_standard,
            within_15,
            uncertain: hit.point.record.location_quality.is_estimate(),
        });
    }
    let share = |part: f64| if total > 0.0 { part / total } else { 0.0 };
    PlaceSummary {
        mode,
        weighted_by: if by_population { "population" } else { "places" },
        total_weight: total,
        standard_share: share(standard),
        within_15_share: share(within),
        places: results,
    }
}
