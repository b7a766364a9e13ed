//! `/points/{code}/isochrone`: where residents can start and reach a point within the minutes,
//! as GeoJSON.

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::Response;
use utoipa::IntoParams;

use crate::app::AppState;
use crate::domain::Datum;
use crate::error::AppResult;
use crate::locator::travel::Mode;
use crate::routes::extract::{ApiPath, ApiQuery};
use crate::routes::openapi::{BadRequest, InternalError, IsochroneFeatureCollection, NotFound};
use crate::routes::params::{parse_minutes, parse_mode};
use crate::web::geojson;
use crate::web::isochrone::point_isochrone;

/// The area changes only with the point, the network or the settings: a minute in caches spares
/// a phone that taps the same mode twice, and is short enough for a staff edit to show soon.
pub const ISOCHRONE_CACHE_CONTROL: &str = "public, max-age=60";

/// `?mode=&minutes=`, as written by the client.
#[derive(Debug, serde::Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct IsochroneParams {
    /// How the resident travels to the point: walk, bike (bicycle or e-bike), drive.
    #[param(value_type = Option<Mode>, default = "walk")]
    pub mode: Option<String>,
    /// The time budget, minutes.
    #[param(value_type = Option<f64>, minimum = 1, maximum = 120, default = 15)]
    pub minutes: Option<String>,
}

/// Where a resident can start and reach the point within `minutes` by `mode`.
///
/// With a road network loaded (and the point within 2 km of a road of the mode), a
/// MultiLineString of the stretches of road from which the point is reached in time, one-way
/// streets and the walk from the road to the point included; a stretch is cut where the time
/// runs out. They show where one can be *on the roads*: a resident's own walk to the road comes
/// on top. At most 20,000 stretches, nearest first (`truncated` says when more were in reach).
/// Otherwise the estimate: a Polygon around the straight-line reach of the mode (`radius_m`).
#[utoipa::path(
    get,
    path = "/points/{code}/isochrone",
    params(
        ("code" = String, Path, description = "12-digit NBS code of the village/community.",
            pattern = "^[0-9]{12}$", example = "331003001001"),
        IsochroneParams,
    ),
    responses(
        (status = 200, description = "A FeatureCollection of one Feature.", body = IsochroneFeatureCollection,
            content_type = "application/geo+json"),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 500, response = InternalError),
    )
)]
pub(super) async fn point_isochrone_geojson(
    State(state): State<AppState>,
    ApiPath(code): ApiPath<String>,
    ApiQuery(params): ApiQuery<IsochroneParams>,
) -> AppResult<Response> {
    isochrone_response(&state, &code, &params, Datum::Wgs84).await
}

/// The answer in `datum`: WGS-84 for the API, the tiles' datum for the pages' map.
pub async fn isochrone_response(
    state: &AppState,
    code: &str,
    params: &IsochroneParams,
    datum: Datum,
) -> AppResult<Response> {
    let mode = parse_mode(params.mode.as_deref())?;
    let minutes = parse_minutes(params.minutes.as_deref())?;
    let snapshot = state.snapshot();
    let point = super::active_point(&snapshot.index, code)?.clone();
    let network = snapshot.roads.map(|roads| roads.network.clone());
    let travel = state.travel;
    // A search of up to 120 minutes' driving can settle much of a province: off the async workers.
    let collection = tokio::task::spawn_blocking(move || {
        point_isochrone(&point, mode, minutes, network.as_deref(), &travel, datum)
    })
    .await?;
    let mut response = geojson::response(collection)?;
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(ISOCHRONE_CACHE_CONTROL));
    Ok(response)
}
