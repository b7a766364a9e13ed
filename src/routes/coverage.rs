//! Coverage for other tools (`/api/v1/coverage`, `/api/v1/coverage/gaps.geojson`) and the
//! residents' summary page (`/coverage`). No personal data: figures per area and town only.

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use maud::Markup;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa::openapi::schema::{Object, ObjectBuilder, Type};

use super::extract::ApiQuery;
use super::openapi::{BadRequest, GapFeatureCollection, InternalError};
use super::params::parse_mode;
use crate::app::AppState;
use crate::coverage::ModeSummary;
use crate::coverage::places::PlaceSummary;
use crate::error::AppResult;
use crate::locator::travel::Mode;
use crate::views::{PageContext, coverage_page};
use crate::web::geojson;

#[derive(Debug, Deserialize)]
pub struct ModeParam {
    mode: Option<String>,
}

/// What `/api/v1/coverage` answers.
#[derive(Debug, Serialize, ToSchema)]
pub struct CoverageResponse {
    /// The modes asked for (all three when `mode` is left out).
    pub district: Vec<ModeSummary>,
    /// Weighted by the residential places staff uploaded (by population, or by place when
    /// none is given; totals only: the places themselves stay on the staff side); null
    /// without uploaded places.
    pub places: Option<Vec<PlaceTotals>>,
    /// "area" without uploaded places: the share of the district's area is the measure.
    #[schema(schema_with = measure_schema)]
    pub measure: &'static str,
}

/// The places' figures for one mode, without the places.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlaceTotals {
    pub mode: Mode,
    /// `population`, or `places` when no row gave one (each place then weighs 1).
    #[schema(schema_with = weighted_by_schema)]
    pub weighted_by: &'static str,
    /// How many places were uploaded.
    pub places: usize,
    /// The population of all places, or their number.
    pub total_weight: f64,
    /// The weighted share within the provincial standard's radius, 0-1.
    pub standard_share: f64,
    /// The weighted share within 15 minutes of the quickest point, 0-1: by road when the
    /// district figures' `travel_basis` is `road_network`, else by the estimate.
    pub within_15_share: f64,
}

/// The values of [`CoverageResponse::measure`], for the API description.
fn measure_schema() -> Object {
    string_enum(
        "\"area\" without uploaded places: the share of the district's area is the measure.",
        &["area", "area and places"],
    )
}

/// The values of [`PlaceTotals::weighted_by`], for the API description.
fn weighted_by_schema() -> Object {
    string_enum(
        "`population`, or `places` when no row gave one (each place then weighs 1).",
        &["population", "places"],
    )
}

/// A string schema with its values. `schema_with` drops the field's doc comment, hence the
/// description repeated here.
fn string_enum(description: &str, values: &[&str]) -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(description))
        .enum_values(Some(values.iter().copied()))
        .build()
}

impl From<&PlaceSummary> for PlaceTotals {
    fn from(summary: &PlaceSummary) -> Self {
        Self {
            mode: summary.mode,
            weighted_by: summary.weighted_by,
            places: summary.places.len(),
            total_weight: summary.total_weight,
            standard_share: summary.standard_share,
            within_15_share: summary.within_15_share,
        }
    }
}

/// How much of the district is within the standard and within 15 minutes, per mode and town.
///
/// "Within the standard" is within the provincial standard's straight-line radius of a point.
/// "Within 15 minutes" is by road when a road network is loaded (`travel_basis`
/// `road_network`: the walk from the cell's centre to its nearest road and the quickest route;
/// cells more than 2 km from any road of the mode keep the estimate), else by the estimate.
/// The district is covered with square cells (100 m by default); each cell's nearest active
/// point decides the standard, its quickest point the minutes. Towns have no public boundaries: a cell counts for the town of its nearest
/// point. With residential places uploaded by staff, figures weighted by population (or by
/// place) are added.
#[utoipa::path(
    get,
    path = "/coverage",
    params(("mode" = Option<Mode>, Query, description = "walk, bike or drive; all three when left out.")),
    responses(
        (status = 200, description = "Figures.", body = CoverageResponse),
        (status = 400, response = BadRequest),
        (status = 500, response = InternalError),
    )
)]
pub async fn coverage_figures(
    State(state): State<AppState>,
    ApiQuery(param): ApiQuery<ModeParam>,
) -> AppResult<Json<CoverageResponse>> {
    let modes = match param.mode.as_deref().filter(|m| !m.is_empty()) {
        Some(_) => vec![parse_mode(param.mode.as_deref())?],
        None => Mode::ALL.to_vec(),
    };
    let coverage = state.current_coverage().await;
    let summaries = state.current_place_summaries().await?;
    let place_figures = (!summaries.is_empty()).then(|| {
        summaries.iter().filter(|summary| modes.contains(&summary.mode)).map(PlaceTotals::from).collect()
    });
    Ok(Json(CoverageResponse {
        district: modes.iter().map(|&mode| coverage.summary(mode)).collect(),
        measure: if place_figures.is_some() { "area and places" } else { "area" },
        places: place_figures,
    }))
}

/// The gaps for a mode, as GeoJSON rectangles: by road, the cells beyond 15 minutes of every
/// point; without a road network, the cells outside the provincial standard's radius.
///
/// Adjacent cells of a grid row are merged into one rectangle. The answer is made once per
/// version of the points and carries an ETag: send it back in `If-None-Match` to get a 304 while
/// the points have not changed.
#[utoipa::path(
    get,
    path = "/coverage/gaps.geojson",
    params(
        ("mode" = Option<Mode>, Query, description = "walk, bike or drive; default walk."),
        ("If-None-Match" = Option<String>, Header, description = "The ETag of an earlier answer."),
    ),
    responses(
        (status = 200, description = "A FeatureCollection of Polygons (WGS-84).", body = GapFeatureCollection,
            content_type = "application/geo+json"),
        (status = 304, description = "Not modified: the `If-None-Match` ETag is current."),
        (status = 400, response = BadRequest),
        (status = 500, response = InternalError),
    )
)]
pub async fn coverage_gaps(
    State(state): State<AppState>,
    ApiQuery(param): ApiQuery<ModeParam>,
    headers: HeaderMap,
) -> AppResult<Response> {
    let mode = parse_mode(param.mode.as_deref())?;
    let body = state.coverage.gaps_body(&state.snapshot(), mode, geojson::coverage_gaps_body).await?;
    Ok(body.respond(&headers))
}

/// The residents' summary: the share of each town within the standard, per mode.
pub async fn public_summary(State(state): State<AppState>, context: PageContext) -> Markup {
    let coverage = state.current_coverage().await;
    let summaries: Vec<ModeSummary> = Mode::ALL.iter().map(|&mode| coverage.summary(mode)).collect();
    coverage_page(&context, &summaries)
}
