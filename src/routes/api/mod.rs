//! The JSON API under `/api/v1`. Each handler carries its OpenAPI description; [`routes`] lists
//! them once, and both the router and the served `/api/v1/openapi.json` are built from that list.

pub mod isochrone;
mod nearest;

use std::sync::LazyLock;

use axum::extract::State;
use axum::response::Response;
use axum::{Json, Router};
use utoipa::{IntoParams, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::{ApiPath, ApiQuery};
use super::openapi::{ApiDoc, BadRequest, InternalError, NotFound, PointFeature, PointFeatureCollection};
use super::params::parse_text_filter;
use crate::app::AppState;
use crate::domain::{PointCode, PointFilter, ServicePoint};
use crate::error::{AppError, AppResult};
use crate::locator::index::PointIndex;
use crate::web::geojson;

/// Every route of the API with its description: the one list the router and the OpenAPI
/// document are both built from, so a route added here is documented by its own attribute.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(list_points))
        .routes(routes!(get_point))
        .routes(routes!(nearest::nearest_points))
        .routes(routes!(nearest::reachable_points))
        .routes(routes!(isochrone::point_isochrone_geojson))
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
    let index = state.index();
    geojson::response(geojson::point_feature(active_point(&index, &code)?))
}

/// The active point `code` names: 400 for a code that is not 12 digits, 404 for one no active
/// point has (never was, or retired).
fn active_point<'a>(index: &'a PointIndex, code: &str) -> AppResult<&'a ServicePoint> {
    let code = PointCode::parse(code).map_err(|reason| AppError::bad_request("invalid_code", reason))?;
    index
        .get(code.as_str())
        .ok_or_else(|| AppError::not_found(format!("no active service point has code {code}")))
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
