//! `/nearest` and `/reachable`: the nearest service points from an origin and whether they are
//! within reach, as JSON.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::{IntoParams, ToSchema};

use crate::app::AppState;
use crate::domain::{AreaType, LocationQuality, LonLat};
use crate::error::{AppError, AppResult};
use crate::locator::grouping::{self, Entry};
use crate::locator::travel::{Mode, standard_mode};
use crate::locator::{Candidate, TravelBasis, Trip};
use crate::routes::extract::ApiQuery;
use crate::routes::openapi::{BadRequest, InternalError};
use crate::routes::params::{OriginParams, parse_limit, parse_minutes, parse_mode};

/// Most results `/nearest` returns.
const MAX_NEAREST: usize = 50;
/// Most results `/reachable` returns; past this the answer says `truncated`.
const MAX_REACHABLE: usize = 1000;

/// `/nearest` and `/reachable`'s query; the origin's parameters are documented by
/// [`OriginParams`], `limit` by [`NearestLimit`] and [`ReachableLimit`] (their bounds differ).
#[derive(Debug, serde::Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct NearestParams {
    #[serde(flatten)]
    #[param(ignore)]
    origin: OriginParams,
    /// How the resident travels: walk, bike (bicycle or e-bike), drive.
    #[param(value_type = Option<Mode>, default = "walk")]
    mode: Option<String>,
    /// The time budget, minutes.
    #[param(value_type = Option<f64>, minimum = 1, maximum = 120, default = 15)]
    minutes: Option<String>,
    #[param(ignore)]
    limit: Option<String>,
    /// `true`: answer `lines` instead of `results`: tagged entries (`type`: `point` or
    /// `estimate_group`) where estimates that share one spot (placeholders on a town centre)
    /// are one line; `limit` then counts lines, not points.
    #[param(value_type = Option<bool>, default = false)]
    group_estimates: Option<String>,
}

/// `limit` as `/nearest` reads it (`MAX_NEAREST`), for the API description only.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[expect(dead_code, reason = "describes a parameter; the handler reads it from NearestParams")]
pub(super) struct NearestLimit {
    /// How many points.
    #[param(minimum = 1, maximum = 50, default = 5)]
    limit: Option<u32>,
}

/// `limit` as `/reachable` reads it (`MAX_REACHABLE`), for the API description only.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[expect(dead_code, reason = "describes a parameter; the handler reads it from NearestParams")]
pub(super) struct ReachableLimit {
    /// At most this many points; `truncated` says whether more were in reach.
    #[param(minimum = 1, maximum = 1000, default = 1000)]
    limit: Option<u32>,
}

/// What `/nearest` and `/reachable` answer.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct NearestResponse<'a> {
    /// The query position in WGS-84.
    origin: LonLat,
    /// Whether the origin lies inside Huangyan District. Outside it, the nearest points are
    /// still listed, but they are the district's, not the nearest to the resident.
    origin_in_district: bool,
    mode: Mode,
    /// The time budget, minutes.
    minutes: f64,
    /// The provincial standard's radius for the mode, metres.
    standard_radius_m: f64,
    /// Whether any result is within `minutes`.
    within: bool,
    /// Nearest first. Left out with `group_estimates=true`, which answers `lines` instead.
    #[serde(skip_serializing_if = "Option::is_none")]
    results: Option<Vec<NearestResult<'a>>>,
    /// With `group_estimates=true` only: nearest first, estimates that share a spot as one
    /// `estimate_group` line.
    #[serde(skip_serializing_if = "Option::is_none")]
    lines: Option<Vec<NearestEntry<'a>>>,
    /// `/reachable` only: more points were within reach than returned.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = bool)]
    truncated: Option<bool>,
}

/// One point of an answer.
// Borrows from the index snapshot: answering allocates no strings before serializing.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct NearestResult<'a> {
    /// The 12-digit NBS code of the village or community.
    code: &'a str,
    name: &'a str,
    town: &'a str,
    /// The 9-digit NBS code of the town or street.
    town_code: &'a str,
    /// WGS-84 degrees.
    lat: f64,
    /// WGS-84 degrees.
    lon: f64,
    /// Great-circle distance from the origin, metres (0.1 m).
    distance_m: f64,
    /// What `road_distance_m` and `travel_minutes` come from: `road_network` (a route on the
    /// loaded OpenStreetMap roads) or `estimate` (the straight line times the detour factor, at
    /// the mode's speed: no network is loaded, or the origin or the point is more than 2 km
    /// from any road of the mode).
    travel_basis: TravelBasis,
    /// Metres by road (0.1 m), the walks between the places and their roads included; null
    /// when the network has no route to the point.
    road_distance_m: Option<f64>,
    /// Minutes by the mode (0.1 min); null when the network has no route to the point.
    travel_minutes: Option<f64>,
    /// False when the road network is loaded and has no route from the origin to the point
    /// within three hours (an island, a closed area, one-way streets that lead away); the
    /// point is then listed after every reachable one.
    reachable: bool,
    /// `travel_minutes <= minutes`.
    within: bool,
    /// `distance_m` within the Zhejiang standard radius for the query's mode (walk 1,200 m,
    /// bike 2,000 m, drive 3,000 m).
    meets_standard: bool,
    area_type: AreaType,
    /// Whether the distance meets the standard of the point's area type (urban walking
    /// 1.2 km, rural cycling 2.0 km, mountain driving 3.0 km), whatever the query's mode.
    meets_area_standard: bool,
    location_quality: LocationQuality,
    /// True for town-centre placeholders, whose real location is still unknown.
    location_is_estimate: bool,
    /// Null when unknown.
    address: Option<&'a str>,
    phone: Option<&'a str>,
    /// Free-text note on the opening hours (exceptions, holidays); null when there is none.
    hours: Option<&'a str>,
    /// Opening hours in OpenStreetMap `opening_hours` syntax, Beijing time, e.g.
    /// `Mo-Fr 08:30-12:00,13:30-17:30; Sa 09:00-12:00`; null while unknown.
    #[schema(example = "Mo-Fr 08:30-12:00,13:30-17:30; Sa 09:00-12:00")]
    opening_hours: Option<&'a str>,
}

/// The lines of an answer: points, or with `group_estimates=true` tagged lines.
enum Lines<'a> {
    Points(Vec<NearestResult<'a>>),
    Grouped(Vec<NearestEntry<'a>>),
}

/// One line of a grouped answer.
#[derive(Debug, Serialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub(super) enum NearestEntry<'a> {
    /// A point with a known location, or an estimate alone on its spot.
    Point(NearestResult<'a>),
    /// Two or more points whose location is still an estimate on one spot (their town's
    /// centre): the distance and time are to that spot, not to the villages.
    EstimateGroup(EstimateGroup<'a>),
}

/// Estimates sharing one spot.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct EstimateGroup<'a> {
    town: &'a str,
    town_code: &'a str,
    /// The shared spot, WGS-84 degrees.
    lat: f64,
    lon: f64,
    distance_m: f64,
    travel_basis: TravelBasis,
    road_distance_m: Option<f64>,
    travel_minutes: Option<f64>,
    reachable: bool,
    within: bool,
    meets_standard: bool,
    /// How many points share the spot.
    count: usize,
    /// The points, in code order.
    members: Vec<GroupMember<'a>>,
}

/// A point of an [`EstimateGroup`].
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct GroupMember<'a> {
    code: &'a str,
    name: &'a str,
    /// Null when unknown.
    phone: Option<&'a str>,
}

impl<'a> From<&Entry<'a>> for NearestEntry<'a> {
    fn from(entry: &Entry<'a>) -> Self {
        match entry {
            Entry::Point(candidate) => NearestEntry::Point(candidate.into()),
            Entry::EstimateGroup(members) => {
                let lead = NearestResult::from(&members[0]);
                NearestEntry::EstimateGroup(EstimateGroup {
                    town: lead.town,
                    town_code: lead.town_code,
                    lat: lead.lat,
                    lon: lead.lon,
                    distance_m: lead.distance_m,
                    travel_basis: lead.travel_basis,
                    road_distance_m: lead.road_distance_m,
                    travel_minutes: lead.travel_minutes,
                    reachable: lead.reachable,
                    within: lead.within,
                    meets_standard: lead.meets_standard,
                    count: members.len(),
                    members: members
                        .iter()
                        .map(|member| {
                            let record = &member.point.record;
                            GroupMember {
                                code: record.code.as_str(),
                                name: &record.name,
                                phone: record.phone.as_deref(),
                            }
                        })
                        .collect(),
                })
            }
        }
    }
}

impl<'a> From<&Candidate<'a>> for NearestResult<'a> {
    fn from(candidate: &Candidate<'a>) -> Self {
        let record = &candidate.point.record;
        Self {
            code: record.code.as_str(),
            name: &record.name,
            town: &record.town,
            town_code: &record.town_code,
            lat: record.location.lat(),
            lon: record.location.lon(),
            distance_m: round_to(candidate.distance_m, 1),
            travel_basis: candidate.travel.basis,
            road_distance_m: candidate.travel.road_distance_m.map(|metres| round_to(metres, 1)),
            travel_minutes: candidate.travel.travel_minutes.map(|minutes| round_to(minutes, 1)),
            reachable: !candidate.is_unreachable(),
            within: candidate.within,
            meets_standard: candidate.travel.meets_standard,
            area_type: record.area_type,
            meets_area_standard: candidate.distance_m <= standard_mode(record.area_type).standard_radius_m(),
            location_quality: record.location_quality,
            location_is_estimate: record.location_quality.is_estimate(),
            address: record.address.as_deref(),
            phone: record.phone.as_deref(),
            hours: record.hours.as_deref(),
            opening_hours: record.opening_hours.as_ref().map(|hours| hours.as_str()),
        }
    }
}

impl NearestParams {
    fn group_estimates(&self) -> AppResult<bool> {
        match self.group_estimates.as_deref().map(str::trim) {
            None | Some("" | "false" | "0") => Ok(false),
            Some("true" | "1") => Ok(true),
            Some(_) => {
                Err(AppError::bad_request("invalid_group_estimates", "group_estimates must be true or false"))
            }
        }
    }

    fn trip(&self) -> AppResult<Trip> {
        Ok(Trip {
            origin: self.origin.parse()?,
            mode: parse_mode(self.mode.as_deref())?,
            minutes: parse_minutes(self.minutes.as_deref())?,
        })
    }
}

/// The nearest service points and whether they are within reach.
///
/// Always answers with the nearest points (default 5), nearest first, each with its estimated
/// travel time, even when none is within `minutes` (then `within` is false).
#[utoipa::path(
    get,
    path = "/nearest",
    params(OriginParams, NearestParams, NearestLimit),
    responses(
        (status = 200, description = "Results, nearest first.", body = NearestResponse),
        (status = 400, response = BadRequest),
        (status = 500, response = InternalError),
    )
)]
pub(super) async fn nearest_points(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<NearestParams>,
) -> AppResult<Response> {
    let trip = params.trip()?;
    let limit = parse_limit(params.limit.as_deref(), 5, MAX_NEAREST)?;
    let snapshot = state.snapshot();
    let locator = snapshot.locator(&state.travel);
    let in_district = state.district.contains(trip.origin);
    let results = if params.group_estimates()? {
        let entries = grouping::nearest_grouped(&locator, trip, limit);
        Lines::Grouped(entries.iter().map(NearestEntry::from).collect())
    } else {
        Lines::Points(locator.nearest(trip, limit).iter().map(NearestResult::from).collect())
    };
    json_response(&NearestResponse::new(trip, in_district, results, None))
}

/// Every service point within `minutes` by `mode`, nearest first.
///
/// At most `limit` (1000) points; `truncated` says whether more were in reach.
#[utoipa::path(
    get,
    path = "/reachable",
    params(OriginParams, NearestParams, ReachableLimit),
    responses(
        (status = 200, description = "Results, nearest first.", body = NearestResponse),
        (status = 400, response = BadRequest),
        (status = 500, response = InternalError),
    )
)]
pub(super) async fn reachable_points(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<NearestParams>,
) -> AppResult<Response> {
    let trip = params.trip()?;
    let limit = parse_limit(params.limit.as_deref(), MAX_REACHABLE, MAX_REACHABLE)?;
    let snapshot = state.snapshot();
    let mut candidates = snapshot.locator(&state.travel).reachable(trip);
    let truncated = candidates.len() > limit;
    candidates.truncate(limit);
    let in_district = state.district.contains(trip.origin);
    let results = if params.group_estimates()? {
        Lines::Grouped(grouping::group(candidates).iter().map(NearestEntry::from).collect())
    } else {
        Lines::Points(candidates.iter().map(NearestResult::from).collect())
    };
    json_response(&NearestResponse::new(trip, in_district, results, Some(truncated)))
}

impl<'a> NearestResponse<'a> {
    fn new(trip: Trip, origin_in_district: bool, results: Lines<'a>, truncated: Option<bool>) -> Self {
        let within = match &results {
            Lines::Points(points) => points.iter().any(|point| point.within),
            Lines::Grouped(entries) => entries.iter().any(|entry| match entry {
                NearestEntry::Point(point) => point.within,
                NearestEntry::EstimateGroup(group) => group.within,
            }),
        };
        let (results, lines) = match results {
            Lines::Points(points) => (Some(points), None),
            Lines::Grouped(entries) => (None, Some(entries)),
        };
        Self {
            origin: trip.origin,
            origin_in_district,
            mode: trip.mode,
            minutes: trip.minutes,
            standard_radius_m: trip.mode.standard_radius_m(),
            within,
            results,
            lines,
            truncated,
        }
    }
}

/// Serializes JSON into a buffer sized for a typical answer (a few kB), so the hottest endpoint
/// does not grow its buffer from 128 bytes (`axum::Json`'s start) by repeated copies.
fn json_response<T: Serialize>(body: &T) -> AppResult<Response> {
    let mut json = Vec::with_capacity(4096);
    serde_json::to_writer(&mut json, body)?;
    Ok(([(header::CONTENT_TYPE, "application/json")], json).into_response())
}

fn round_to(value: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (value * scale).round() / scale
}
