//! `/admin/campaign`: the verification campaign for staff, and its figures as JSON for admins.

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use maud::Markup;

use super::Staff;
use crate::app::AppState;
use crate::campaign::{Campaign, bundled_towns, campaign};
use crate::domain::staff::Role;
use crate::error::{AppError, PageError};
use crate::views::admin;

async fn figures(state: &AppState) -> Result<Campaign, AppError> {
    let points = state.db.active_points().await?;
    Ok(campaign(&bundled_towns(), &points))
}

pub async fn campaign_page(State(state): State<AppState>, staff: Staff) -> Result<Markup, PageError> {
    Ok(admin::campaign_page(&staff, &figures(&state).await?))
}

/// Admins only; an editor gets a JSON 403, like the API's other refusals.
pub async fn campaign_json(State(state): State<AppState>, staff: Staff) -> Result<Response, AppError> {
    if !staff.user.role.allows(Role::Admin) {
        return Err(AppError::forbidden("forbidden", "这项数据需要管理员权限。"));
    }
    Ok(Json(figures(&state).await?).into_response())
}
