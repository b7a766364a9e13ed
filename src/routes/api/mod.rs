//! The JSON API under `/api/v1`. Each handler carries its OpenAPI description; [`routes`] lists
//! them once, and both the router and the served `/api/v1/openapi.json` are built from that list.

use std::sync::LazyLock;

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use serde::Serialize;
use utoipa::{IntoParams, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::{ApiPath, ApiQuery};
use super::openapi::{ApiDoc, BadRequest, InternalError, NotFound, PointFeature, PointFeatureCollection};
use super::params::{OriginParams, parse_limit, parse_minutes, parse_mode, parse_text_filter};
use crate::app::AppState;
use crate::domain::{AreaType, LocationQuality, LonLat, PointCode, PointFilter};
use crate::error::{AppError, AppResult};
use crate::locator::travel::{Mode, standard_mode};
use crate::locator::{self, Candidate, Trip};
use crate::web::geojson;

/// Most results `/nearest` returns.
const MAX_NEAREST: usize = 50;
/// Most results `/reachable` returns; past this the answer says `truncated`.
const MAX_REACHABLE: usize = 1000;

/// Every route of the API with its description: the one list the router and the OpenAPI
/// document are both built from, so a route added here is documented by its own attribute.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(list_points))
        .routes(routes!(get_point))
        .routes(routes!(nearest_points))
        .routes(routes!(reachable_points))
        .routes(routes!(super::coverage::coverage_figures))
        .routes(routes!(super::coverage::coverage_gaps))
        .routes(routes!(openapi))
}

pub fn router() -> Router<AppState> {
    routes().into()
}

/// The OpenAPI 3.1 description of the API, as `/api/v1/openapi.json` serves it.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    routes().into_openapi()
}

#[derive(Debug, serde::Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct PointsFilter {
    /// Town/street: its 9-digit NBS code, or part of its name (院桥 finds 院桥镇).
    #[param(max_length = 50)]
    town: Option<String>,
    /// Part of the point's name, its town or its code.
    #[param(max_length = 50)]
    q: Option<String>,
}

/// All active service points as GeoJSON.
///
/// Optionally filtered by town (the 9-digit town code, or part of its name) and by text (part of
/// the name, the town or the code).
#[utoipa::path(
    get,
    path = "/points",
    params(PointsFilter),
    responses(
        (status = 200, description = "A FeatureCollection.", body = PointFeatureCollection,
            content_type = "application/geo+json"),
        (status = 400, response = BadRequest),
        (status = 500, response = InternalError),
    )
)]
async fn list_points(
    State(state): State<AppState>,
    ApiQuery(filter): ApiQuery<PointsFilter>,
) -> AppResult<Response> {
    let filter = PointFilter {
        town: parse_text_filter("town", filter.town.as_deref())?,
        text: parse_text_filter("q", filter.q.as_deref())?,
        ..PointFilter::default()
    };
    let index = state.index();
    let points = index.points().iter().map(|point| &**point).filter(|point| filter.matches(point));
    geojson::response(geojson::point_collection(points))
}

/// One active service point as a GeoJSON Feature.
#[utoipa::path(
    get,
    path = "/points/{code}",
    params(("code" = String, Path, description = "12-digit NBS code of the village/community.",
        pattern = "^[0-9]{12}$", example = "331003001001")),
    responses(
        (status = 200, description = "The Feature.", body = PointFeature, content_type = "application/geo+json"),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 500, response = InternalError),
    )
)]
async fn get_point(State(state): State<AppState>, ApiPath(code): ApiPath<String>) -> AppResult<Response> {
    let code = PointCode::parse(&code).map_err(|reason| AppError::bad_request("invalid_code", reason))?;
    let index = state.index();
    let point = index
        .get(code.as_str())
        .ok_or_else(|| AppError::not_found(format!("no active service point has code {code}")))?;
    geojson::response(geojson::point_feature(point))
}

/// `/nearest` and `/reachable`'s query; the origin's parameters are documented by
/// [`OriginParams`], `limit` by [`NearestLimit`] and [`ReachableLimit`] (their bounds differ).
#[derive(Debug, serde::Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct NearestParams {
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
}

/// `limit` as `/nearest` reads it (`MAX_NEAREST`), for the API description only.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[expect(dead_code, reason = "describes a parameter; the handler reads it from NearestParams")]
struct NearestLimit {
    /// How many points.
    #[param(minimum = 1, maximum = 50, default = 5)]
    limit: Option<u32>,
}

/// `limit` as `/reachable` reads it (`MAX_REACHABLE`), for the API description only.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[expect(dead_code, reason = "describes a parameter; the handler reads it from NearestParams")]
struct ReachableLimit {
    /// At most this many points; `truncated` says whether more were in reach.
    #[param(minimum = 1, maximum = 1000, default = 1000)]
    limit: Option<u32>,
}

/// What `/nearest` and `/reachable` answer.
#[derive(Debug, Serialize, ToSchema)]
struct NearestResponse<'a> {
    /// The query position in WGS-84.
    origin: LonLat,
    mode: Mode,
    /// The time budget, minutes.
    minutes: f64,
    /// The provincial standard's radius for the mode, metres.
    standard_radius_m: f64,
    /// Whether any result is within `minutes`.
    within: bool,
    /// Nearest first.
    results: Vec<NearestResult<'a>>,
    /// `/reachable` only: more points were within reach than returned.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = bool)]
    truncated: Option<bool>,
}

/// One point of an answer.
// Borrows from the index snapshot: answering allocates no strings before serializing.
#[derive(Debug, Serialize, ToSchema)]
struct NearestResult<'a> {
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
    /// Estimated road distance: `distance_m` x detour factor, metres (0.1 m).
    road_distance_m: f64,
    /// Estimated minutes by the mode (0.1 min).
    travel_minutes: f64,
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

/// This document.
#[utoipa::path(
    get,
    path = "/openapi.json",
    responses(
        (status = 200, description = "OpenAPI 3.1.", body = serde_json::Value, content_type = "application/json"),
        (status = 500, response = InternalError),
    )
)]
async fn openapi() -> Json<&'static utoipa::openapi::OpenApi> {
    /// Built on first use: the routes and their descriptions are fixed at compile time.
    static DOCUMENT: LazyLock<utoipa::openapi::OpenApi> = LazyLock::new(openapi_document);
    Json(&DOCUMENT)
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
