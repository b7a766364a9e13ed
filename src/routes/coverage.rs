//! Coverage for other tools (`/api/v1/coverage`, `/api/v1/coverage/gaps.geojson`) and the
//! residents' summary page (`/coverage`). No personal data: figures per area and town only.

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use maud::Markup;
use serde::{Deserialize, Serialize};

use super::extract::ApiQuery;
use super::params::parse_mode;
use crate::app::AppState;
use crate::coverage::ModeSummary;
use crate::coverage::places::PlaceSummary;
use crate::error::AppResult;
use crate::locator::travel::Mode;
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
    /// Weighted by the residential places staff uploaded (totals only: the places themselves
    /// stay on the staff side); `None` without places.
    pub places: Option<Vec<PlaceTotals>>,
    /// "area" without uploaded places: the share of the district's area is the measure.
    pub measure: &'static str,
}

/// The places' figures for one mode, without the places.
#[derive(Debug, Serialize)]
pub struct PlaceTotals {
    pub mode: Mode,
    pub weighted_by: &'static str,
    pub places: usize,
    pub total_weight: f64,
    pub standard_share: f64,
    pub within_15_share: f64,
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

/// The cells not meeting the standard for `mode` (default walk), merged along rows.
pub async fn coverage_gaps(
    State(state): State<AppState>,
    ApiQuery(param): ApiQuery<ModeParam>,
) -> AppResult<Response> {
    let mode = parse_mode(param.mode.as_deref())?;
    let coverage = state.current_coverage().await;
    let json = serde_json::to_vec(&coverage.gaps_geojson(mode))?;
    Ok(([(header::CONTENT_TYPE, "application/geo+json")], json).into_response())
}

/// The residents' summary: the share of each town within the standard, per mode.
pub async fn public_summary(State(state): State<AppState>, context: PageContext) -> Markup {
    let coverage = state.current_coverage().await;
    let summaries: Vec<ModeSummary> = Mode::ALL.iter().map(|&mode| coverage.summary(mode)).collect();
    coverage_page(&context, &summaries)
}
