//! The JSON API under `/api/v1`, described in `openapi.json` beside this file.

use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Serialize;

use super::extract::{ApiPath, ApiQuery};
use super::geojson::{Feature, FeatureCollection};
use super::params::{OriginParams, parse_limit, parse_minutes, parse_mode, parse_text_filter};
use crate::app::AppState;
use crate::domain::{AreaType, LocationQuality, LonLat, PointCode};
use crate::error::{AppError, AppResult};
use crate::locator::travel::{Mode, standard_mode};
use crate::locator::{self, Candidate, Trip};

/// The OpenAPI 3.1 description of this API.
const OPENAPI_JSON: &str = include_str!("openapi.json");
/// Most results `/nearest` returns.
const MAX_NEAREST: usize = 50;
/// Most results `/reachable` returns; past this the answer says `truncated`.
const MAX_REACHABLE: usize = 1000;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/points", get(list_points))
        .route("/points/{code}", get(get_point))
        .route("/nearest", get(nearest_points))
        .route("/reachable", get(reachable_points))
        .route("/coverage", get(super::coverage::coverage_figures))
        .route("/coverage/gaps.geojson", get(super::coverage::coverage_gaps))
        .route("/openapi.json", get(openapi))
}

#[derive(Debug, serde::Deserialize)]
struct PointsFilter {
    town: Option<String>,
    q: Option<String>,
}

/// All active points as a FeatureCollection, optionally filtered by town (name contains, or
/// the 9-digit town code) and by name (contains).
async fn list_points(
    State(state): State<AppState>,
    ApiQuery(filter): ApiQuery<PointsFilter>,
) -> AppResult<Response> {
    let town = parse_text_filter("town", filter.town.as_deref())?;
    let name = parse_text_filter("q", filter.q.as_deref())?;
    let index = state.index();
    let collection: FeatureCollection<'_> = index
        .points()
        .iter()
        .map(|point| &**point)
        .filter(|point| {
            town.as_deref()
                .is_none_or(|town| point.record.town_code == town || point.record.town.contains(town))
        })
        .filter(|point| name.as_deref().is_none_or(|name| point.record.name.contains(name)))
        .collect();
    geojson_response(&collection)
}

/// One active point as a Feature.
async fn get_point(State(state): State<AppState>, ApiPath(code): ApiPath<String>) -> AppResult<Response> {
    let code = PointCode::parse(&code).map_err(|reason| AppError::bad_request("invalid_code", reason))?;
    let index = state.index();
    let point = index
        .get(code.as_str())
        .ok_or_else(|| AppError::not_found(format!("no active service point has code {code}")))?;
    geojson_response(&Feature::new(point))
}

#[derive(Debug, serde::Deserialize)]
struct NearestParams {
    #[serde(flatten)]
    origin: OriginParams,
    mode: Option<String>,
    minutes: Option<String>,
    limit: Option<String>,
}

/// What `/nearest` and `/reachable` answer.
#[derive(Debug, Serialize)]
struct NearestResponse<'a> {
    /// The query position in WGS-84.
    origin: LonLat,
    mode: Mode,
    minutes: f64,
    /// The provincial standard's radius for the mode, metres.
    standard_radius_m: f64,
    /// Whether any result is within `minutes`.
    within: bool,
    results: Vec<NearestResult<'a>>,
    /// `/reachable` only: more points were within reach than returned.
    #[serde(skip_serializing_if = "Option::is_none")]
    truncated: Option<bool>,
}

/// Borrows from the index snapshot: answering allocates no strings before serializing.
#[derive(Debug, Serialize)]
struct NearestResult<'a> {
    code: &'a str,
    name: &'a str,
    town: &'a str,
    town_code: &'a str,
    lat: f64,
    lon: f64,
    /// Great-circle distance from the origin, metres.
    distance_m: f64,
    /// Estimated road distance, metres.
    road_distance_m: f64,
    travel_minutes: f64,
    within: bool,
    meets_standard: bool,
    /// Which standard applies where the point is (set by staff): urban, rural or mountain.
    area_type: AreaType,
    /// Whether the distance meets the standard of the point's area type (urban walking
    /// 1.2 km, rural cycling 2.0 km, mountain driving 3.0 km), whatever the query's mode.
    meets_area_standard: bool,
    location_quality: LocationQuality,
    location_is_estimate: bool,
    address: Option<&'a str>,
    phone: Option<&'a str>,
    hours: Option<&'a str>,
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
            road_distance_m: round_to(candidate.estimate.road_distance_m, 1),
            travel_minutes: round_to(candidate.estimate.travel_minutes, 1),
            within: candidate.within,
            meets_standard: candidate.estimate.meets_standard,
            area_type: record.area_type,
            meets_area_standard: candidate.distance_m <= standard_mode(record.area_type).standard_radius_m(),
            location_quality: record.location_quality,
            location_is_estimate: record.location_quality.is_estimate(),
            address: record.address.as_deref(),
            phone: record.phone.as_deref(),
            hours: record.hours.as_deref(),
        }
    }
}

impl NearestParams {
    fn trip(&self) -> AppResult<Trip> {
        Ok(Trip {
            origin: self.origin.parse()?,
            mode: parse_mode(self.mode.as_deref())?,
            minutes: parse_minutes(self.minutes.as_deref())?,
        })
    }
}

/// The nearest points (default 5), nearest first, each with its estimated travel time; also
/// when none is within reach (then `within` is false).
async fn nearest_points(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<NearestParams>,
) -> AppResult<Response> {
    let trip = params.trip()?;
    let limit = parse_limit(params.limit.as_deref(), 5, MAX_NEAREST)?;
    let index = state.index();
    let candidates = locator::nearest(&index, &state.travel, trip, limit);
    json_response(&NearestResponse::new(trip, &candidates, None))
}

/// Every point within `minutes` by `mode`, nearest first (at most 1000).
async fn reachable_points(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<NearestParams>,
) -> AppResult<Response> {
    let trip = params.trip()?;
    let limit = parse_limit(params.limit.as_deref(), MAX_REACHABLE, MAX_REACHABLE)?;
    let index = state.index();
    let mut candidates = locator::reachable(&index, &state.travel, trip);
    let truncated = candidates.len() > limit;
    candidates.truncate(limit);
    json_response(&NearestResponse::new(trip, &candidates, Some(truncated)))
}

impl<'a> NearestResponse<'a> {
    fn new(trip: Trip, candidates: &[Candidate<'a>], truncated: Option<bool>) -> Self {
        Self {
            origin: trip.origin,
            mode: trip.mode,
            minutes: trip.minutes,
            standard_radius_m: trip.mode.standard_radius_m(),
            within: candidates.iter().any(|candidate| candidate.within),
            results: candidates.iter().map(NearestResult::from).collect(),
            truncated,
        }
    }
}

async fn openapi() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI_JSON)
}

/// Serializes JSON into a buffer sized for a typical answer (a few kB), so the hottest endpoint
/// does not grow its buffer from 128 bytes (`axum::Json`'s start) by repeated copies.
fn json_response<T: Serialize>(body: &T) -> AppResult<Response> {
    let mut json = Vec::with_capacity(4096);
    serde_json::to_writer(&mut json, body)?;
    Ok(([(header::CONTENT_TYPE, "application/json")], json).into_response())
}

/// Serializes GeoJSON with its media type.
fn geojson_response<T: Serialize>(body: &T) -> AppResult<Response> {
    let json = serde_json::to_vec(body)?;
    Ok(([(header::CONTENT_TYPE, "application/geo+json")], json).into_response())
}

fn round_to(value: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (value * scale).round() / scale
}
