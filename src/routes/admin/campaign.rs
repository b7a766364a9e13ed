//! `/admin/campaign`: the verification campaign for staff, its figures as JSON for admins, and
//! a printable field sheet per town.

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use maud::Markup;

use super::Staff;
use crate::app::AppState;
use crate::campaign::{Campaign, bundled_towns, campaign};
use crate::domain::staff::Role;
use crate::error::{AppError, PageError, PageResult};
use crate::routes::extract::PagePath;
use crate::views::admin::{self, FieldSheet};

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

/// One town's field sheet: the points to visit in route order, each with a QR code of its edit
/// page at `--public-url` (or, unset, at the address this page was opened with).
pub async fn field_sheet(
    State(state): State<AppState>,
    staff: Staff,
    PagePath(town_code): PagePath<String>,
    headers: HeaderMap,
) -> PageResult<Markup> {
    let figures = figures(&state).await?;
    let Some(town) = figures.towns.iter().find(|town| town.code == town_code) else {
        return Err(AppError::not_found("没有这个镇街，或镇街内没有在用的服务点。").into());
    };
    let base = state.public_base(&headers);
    let configured = state.public_url.is_some();
    Ok(admin::field_sheet(&FieldSheet { staff: &staff, town, base: base.as_ref(), configured }))
}
