//! Coverage for other tools (`/api/v1/coverage`, `/api/v1/coverage/gaps.geojson`) and the
//! residents' summary page (`/coverage`). No personal data: figures per area and town only.

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use maud::Markup;
use serde::{Deserialize, Serialize};

use super::params::{ApiQuery, parse_mode};
use crate::app::AppState;
use crate::coverage::ModeSummary;
use crate::coverage::places::{PlaceSummary, place_summary};
use crate::error::AppError;
use crate::travel::Mode;
use crate::views::{PageContext, coverage_page};

#[derive(Debug, Deserialize)]
pub struct ModeParam {
    mode: Option<String>,
}

/// `/api/v1/coverage`.
#[derive(Debug, Serialize)]
pub struct CoverageResponse {
    /// The modes asked for (all three when `mode` is left out).
    pub district: Vec<ModeSummary>,
    /// Per residential place and weighted by population, when staff uploaded places.
    pub places: Option<Vec<PlaceSummary>>,
    /// "area" without uploaded places: the share of the district's area is the measure.
    pub measure: &'static str,
}

pub async fn coverage_figures(
    State(state): State<AppState>,
    ApiQuery(param): ApiQuery<ModeParam>,
) -> Result<Json<CoverageResponse>, AppError> {
    let modes = match param.mode.as_deref().filter(|m| !m.is_empty()) {
        Some(_) => vec![parse_mode(param.mode.as_deref())?],
        None => Mode::ALL.to_vec(),
    };
    let coverage = state.current_coverage().await;
    let places = state.db.places().await?;
    let place_figures = (!places.is_empty()).then(|| {
        modes.iter().map(|&mode| place_summary(&coverage.index, &state.travel, &places, mode)).collect()
    });
    Ok(Json(CoverageResponse {
        district: modes.iter().map(|&mode| coverage.summary(mode)).collect(),
        measure: if place_figures.is_some() { "area and places" } else { "area" },
        places: place_figures,
    }))
}

/// The cells not meeting the standard for `mode` (default walk), merged along rows.
pub async fn coverage_gaps(
    State(state): State<AppState>,
    ApiQuery(param): ApiQuery<ModeParam>,
) -> Result<Response, AppError> {
    let mode = parse_mode(param.mode.as_deref())?;
    let coverage = state.current_coverage().await;
    let json = serde_json::to_vec(&coverage.gaps_geojson(mode)).map_err(|e| AppError::internal(&e))?;
    Ok(([(header::CONTENT_TYPE, "application/geo+json")], json).into_response())
}

/// The residents' summary: the share of each town within the standard, per mode.
pub async fn public_summary(State(state): State<AppState>, context: PageContext) -> Markup {
    let coverage = state.current_coverage().await;
    let summaries: Vec<ModeSummary> = Mode::ALL.iter().map(|&mode| coverage.summary(mode)).collect();
    coverage_page(&context, &summaries)
}
