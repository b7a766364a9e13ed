//! `/admin/coverage`: the circle's coverage for staff, its gaps on a map, where new points
//! would help most, and the residential places upload.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::Staff;
use super::upload::CsrfUpload;
use crate::app::AppState;
use crate::coverage::places::{Place, read_places};
use crate::coverage::sites::{Demand, MAX_SITES};
use crate::error::PageResult;
use crate::locator::travel::Mode;
use crate::routes::params::parse_mode;
use crate::views::admin::{self, CoverageView};

#[derive(Debug, Default, Deserialize)]
pub struct CoverageParams {
    mode: Option<String>,
    /// How many new sites to suggest.
    k: Option<String>,
}

fn mode_and_k(params: &CoverageParams) -> (Mode, usize) {
    let mode = parse_mode(params.mode.as_deref()).unwrap_or(Mode::Walk);
    let k = params.k.as_deref().and_then(|k| k.parse().ok()).unwrap_or(5).clamp(1, MAX_SITES);
    (mode, k)
}

pub async fn coverage_page(
    State(state): State<AppState>,
    staff: Staff,
    params: Result<Query<CoverageParams>, QueryRejection>,
) -> PageResult<Response> {
    let params = params.map(|Query(p)| p).unwrap_or_default();
    render(&state, &staff, &params, None, StatusCode::OK).await
}

async fn render(
    state: &AppState,
    staff: &Staff,
    params: &CoverageParams,
    problems: Option<Vec<String>>,
    status: StatusCode,
) -> PageResult<Response> {
    let (mode, k) = mode_and_k(params);
    let coverage = state.current_coverage().await;
    let places: Vec<Place> = state.db.places().await?;
    let demand = if places.is_empty() { Demand::Area } else { Demand::Places(&places) };
    let summary = coverage.summary(mode);
    let suggestions = coverage.suggest_sites(mode, k, demand);
    let least_loss = coverage.least_loss_points(mode, 5, demand);
    let summaries = state.current_place_summaries().await?;
    let place_figures = summaries.iter().find(|summary| summary.mode == mode);
    let (south_west, north_east) = coverage.grid.extent();
    let view = CoverageView {
        staff,
        mode,
        k,
        summary: &summary,
        suggestions: &suggestions,
        least_loss: &least_loss,
        places: place_figures,
        problems: problems.as_deref().unwrap_or_default(),
        tiles: &state.map.tiles,
        overlay_bounds: (state.map.to_display(south_west), state.map.to_display(north_east)),
        suggestions_on_map: suggestions
            .iter()
            .map(|s| state.map.to_display(crate::domain::LonLat::clamped(s.lon, s.lat)))
            .collect(),
    };
    Ok((status, admin::coverage_page(&view)).into_response())
}

/// The grid as an image for the map overlay.
pub async fn cells_png(
    State(state): State<AppState>,
    _staff: Staff,
    params: Result<Query<CoverageParams>, QueryRejection>,
) -> Response {
    let params = params.map(|Query(p)| p).unwrap_or_default();
    let (mode, _) = mode_and_k(&params);
    let coverage = state.current_coverage().await;
    ([(header::CONTENT_TYPE, "image/png"), (header::CACHE_CONTROL, "no-cache")], coverage.png(mode))
        .into_response()
}

/// Replaces the residential places with an uploaded CSV (`name,lon,lat,datum[,population]`);
/// a file with any bad row stores nothing and lists every problem.
pub async fn upload_places(State(state): State<AppState>, upload: CsrfUpload) -> PageResult<Response> {
    let CsrfUpload { staff, csv, .. } = upload;
    let params = CoverageParams::default();
    let refuse =
        |status: StatusCode, problems: Vec<String>| render(&state, &staff, &params, Some(problems), status);
    let text = match csv {
        Ok(csv) => csv.text,
        Err(problem) => return refuse(problem.status(), vec![problem.message()]).await,
    };
    match read_places(text.as_bytes(), |at| state.map.in_district(at)) {
        Ok(places) => {
            state.db.replace_places(&places, &staff.user.username).await?;
            state.coverage.forget_places();
            Ok(Redirect::to("/admin/coverage").into_response())
        }
        Err(errors) => {
            let problems = errors.iter().map(|e| format!("第 {} 行：{}", e.line, e.reason)).collect();
            refuse(StatusCode::UNPROCESSABLE_ENTITY, problems).await
        }
    }
}
