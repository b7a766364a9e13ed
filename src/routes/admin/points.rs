//! Staff pages for points: the list, the edit page (saving it: `point_save`), adding,
//! verifying, retiring, history and restore. Every saved change swaps a new index in at once.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::session::now_unix;
use super::{CsrfForm, Staff, require_town};
use crate::app::AppState;
use crate::db::{Change, WriteError};
use crate::domain::paging::Page;
use crate::domain::point_filter::{StaffListQuery, parse_back};
use crate::domain::{LocationQuality, LonLat, PointCode, ServicePoint};
use crate::error::{AppError, PageResult};
use crate::points::form::{Draft, FormContext, NOTHING_TO_VERIFY_ZH, PointForm};
use crate::routes::extract::{PagePath, PageQuery};
use crate::views::admin::{self, ConflictView, EditView, Outcome};
use crate::views::format;
use maud::Markup;

pub async fn home(_staff: Staff) -> Redirect {
    Redirect::to("/admin/points")
}

/// The staff list's filters and page, as its form and page links put them in the query string.
#[derive(Debug, Default, Deserialize)]
pub struct ListParams {
    town: Option<String>,
    quality: Option<String>,
    /// `yes` or `no`.
    verified: Option<String>,
    /// `1`: changed within the last 7 days.
    recent: Option<String>,
    q: Option<String>,
    /// `1`: include retired points.
    retired: Option<String>,
    /// From 1; past the last page shows the last page.
    page: Option<String>,
}

impl ListParams {
    /// The filters these ask for; a quality or `verified` that is not one of the form's choices
    /// is refused (400), not silently ignored.
    fn query(&self) -> Result<StaffListQuery, String> {
        fn given(field: &Option<String>) -> Option<&str> {
            field.as_deref().map(str::trim).filter(|v| !v.is_empty())
        }
        let quality = given(&self.quality)
            .map(|raw| raw.parse::<LocationQuality>().map_err(|_| format!("位置质量“{raw}”无效。")))
            .transpose()?;
        let verified = match given(&self.verified) {
            None => None,
            Some("yes") => Some(true),
            Some("no") => Some(false),
            Some(other) => return Err(format!("核实筛选“{other}”无效：应为 yes 或 no。")),
        };
        Ok(StaffListQuery {
            town: given(&self.town).map(str::to_owned),
            quality,
            verified,
            recent: given(&self.recent).is_some(),
            text: given(&self.q).map(str::to_owned),
            retired: given(&self.retired).is_some(),
        })
    }
}

/// The list, 50 points a page, with its filters in the URL. A page number that is not a
/// positive whole number is a 400; one past the last page shows the last page.
pub async fn list_points(
    State(state): State<AppState>,
    staff: Staff,
    PageQuery(params): PageQuery<ListParams>,
) -> PageResult<Response> {
    let bad = |message: String| AppError::bad_request("invalid_query", message);
    let query = params.query().map_err(bad)?;
    let points = state.db.all_points().await?;
    let filter = query.filter(state.db.timestamp_days_ago(7).await?);
    let shown: Vec<&ServicePoint> = points.iter().filter(|p| filter.matches(p)).collect();
    let page = Page::parse(params.page.as_deref(), shown.len()).map_err(bad)?;
    Ok(admin::points_page(&staff, &points, &query, page, page.slice(&shown)).into_response())
}

/// How a page of the edit form came about: what the banner at its top says.
pub(super) struct Render<'a> {
    pub point: Option<&'a ServicePoint>,
    pub form: &'a PointForm,
    pub draft: &'a Draft,
    pub conflict: Option<ConflictView<'a>>,
    pub outcome: Option<Outcome>,
    pub preview: bool,
    /// The filtered list the page was opened from, for its "返回列表" link.
    pub back: Option<&'a str>,
}

/// The edit page, with what the view needs from the state.
pub(super) fn render_edit(state: &AppState, staff: &Staff, page: Render<'_>) -> Markup {
    let index = state.index();
    let point = page.point;
    // Only a new point's form lists the towns; points are in code order, so a town's points
    // are together. Borrowed, not cloned: at national scale this is every point.
    let mut towns: Vec<(&str, &str)> = Vec::new();
    if point.is_none() {
        towns =
            index.points().iter().map(|p| (p.record.town_code.as_str(), p.record.town.as_str())).collect();
        towns.dedup();
    }
    // The town's other points, drawn on the map from the page itself (no tiles needed).
    let neighbours: Vec<(LonLat, &str)> = point
        .map(|point| {
            index
                .points()
                .iter()
                .filter(|p| {
                    p.record.town_code == point.record.town_code && p.record.code != point.record.code
                })
                .map(|p| (state.map.to_display(p.record.location), p.record.name.as_str()))
                .collect()
        })
        .unwrap_or_default();
    admin::edit_page(&EditView {
        staff,
        point,
        form: page.form,
        draft: page.draft,
        conflict: page.conflict,
        outcome: page.outcome,
        preview: page.preview,
        tiles: &state.map.tiles,
        outline: state.map.outline(),
        neighbours: &neighbours,
        towns: &towns,
        current_on_map: point.map(|p| state.map.to_display(p.record.location)),
        new_on_map: page.draft.location.map(|at| state.map.to_display(at)),
        confirm_move_m: state.staff.confirm_move_m,
        max_gps_accuracy_m: state.staff.max_gps_accuracy_m,
        back: page.back,
    })
}

pub(super) async fn load(state: &AppState, code: &str) -> PageResult<ServicePoint> {
    let not_found = || AppError::not_found("没有这个服务点。").into();
    let code = PointCode::parse(code).map_err(|_| not_found())?;
    state.db.point(&code).await?.ok_or_else(not_found)
}

/// Checks `form` against the current points and the staff settings.
pub(super) fn check_form(
    state: &AppState,
    form: &PointForm,
    existing: Option<&ServicePoint>,
    actor: &str,
) -> Draft {
    let index = state.index();
    let context = FormContext {
        points: index.points(),
        map: &state.map,
        confirm_move_m: state.staff.confirm_move_m,
        max_gps_accuracy_m: state.staff.max_gps_accuracy_m,
        now_unix: now_unix(),
    };
    Draft::from_form(&context, form, existing, actor)
}

/// The edit page's query: `saved=N` after a save (the banner says so); `back`, the filtered
/// list it was opened from (see [`parse_back`]).
#[derive(Debug, Default, Deserialize)]
pub struct EditParams {
    saved: Option<String>,
    back: Option<String>,
}

pub async fn edit_page(
    State(state): State<AppState>,
    staff: Staff,
    PagePath(code): PagePath<String>,
    PageQuery(params): PageQuery<EditParams>,
) -> PageResult<Response> {
    let back = parse_back(params.back.as_deref()).map_err(|m| AppError::bad_request("invalid_query", m))?;
    let point = load(&state, &code).await?;
    let form = PointForm::from_point(&point);
    let draft = check_form(&state, &form, Some(&point), &staff.user.username);
    let outcome = params.saved.and_then(|v| v.parse().ok()).map(Outcome::Saved);
    let page = Render {
        point: Some(&point),
        form: &form,
        draft: &draft,
        conflict: None,
        outcome,
        preview: false,
        back: back.as_deref(),
    };
    Ok(render_edit(&state, &staff, page).into_response())
}

pub async fn new_point_page(State(state): State<AppState>, staff: Staff) -> Response {
    let form = PointForm {
        crs: Some("wgs84".into()),
        kind: Some("village".into()),
        area_type: Some("rural".into()),
        ..PointForm::default()
    };
    let draft = check_form(&state, &form, None, &staff.user.username);
    let page = Render {
        point: None,
        form: &form,
        draft: &draft,
        conflict: None,
        outcome: None,
        preview: false,
        back: None,
    };
    render_edit(&state, &staff, page).into_response()
}

/// The edit page for a draft that could not be posted because the session had expired: shown
/// after logging in again, not saved (the editor reviews it first).
pub(super) async fn draft_page(
    state: &AppState,
    staff: &Staff,
    code: &str,
    form: PointForm,
) -> PageResult<Response> {
    let point = load(state, code).await?;
    let form = PointForm { action: None, ..form };
    let draft = check_form(state, &form, Some(&point), &staff.user.username);
    let outcome = Some(Outcome::DraftRestored);
    let page = Render {
        point: Some(&point),
        form: &form,
        draft: &draft,
        conflict: None,
        outcome,
        preview: true,
        back: None,
    };
    Ok(render_edit(state, staff, page).into_response())
}

pub async fn add_point(
    State(state): State<AppState>,
    CsrfForm { staff, form }: CsrfForm<PointForm>,
) -> PageResult<Response> {
    let draft = check_form(&state, &form, None, &staff.user.username);
    let view = |draft: &Draft, status: StatusCode| {
        let outcome = form.wants_save().then_some(Outcome::NotSaved);
        let page =
            Render { point: None, form: &form, draft, conflict: None, outcome, preview: true, back: None };
        (status, render_edit(&state, &staff, page)).into_response()
    };
    let Some(record) = draft.record.clone().filter(|_| form.wants_save() && draft.ready()) else {
        let status =
            if draft.problems.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
        return Ok(view(&draft, status));
    };
    require_town(&staff, &record.town_code)?;
    let reason = Some(PointForm::text(&form.reason)).filter(|r| !r.is_empty());
    match state.db.add_point(&record, Change { actor: &staff.user.username, reason }).await {
        Ok(added) => {
            state.point_changed(&added.record.code).await?;
            Ok(Redirect::to(&format!("/admin/points/{}?saved={}", added.record.code, added.version))
                .into_response())
        }
        Err(WriteError::AlreadyExists) => {
            let mut draft = draft.clone();
            draft.problems.push("这个编码已有服务点（可能已撤销，可在列表中找到并恢复）。".into());
            Ok(view(&draft, StatusCode::CONFLICT))
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Debug, Deserialize)]
pub struct VersionForm {
    version: Option<String>,
    reason: Option<String>,
    history_id: Option<String>,
}

impl VersionForm {
    fn version(&self) -> PageResult<i64> {
        PointForm::text(&self.version)
            .parse()
            .map_err(|_| AppError::bad_request("invalid_form", "表单缺少版本号，请重新打开页面。").into())
    }
}

/// What to do after a one-click change (verify, retire, restore).
async fn after_change(
    state: &AppState,
    result: Result<ServicePoint, WriteError>,
    code: &str,
) -> PageResult<Response> {
    match result {
        Ok(point) => {
            state.point_changed(&point.record.code).await?;
            Ok(Redirect::to(&format!("/admin/points/{}?saved={}", point.record.code, point.version))
                .into_response())
        }
        Err(WriteError::Conflict { current }) => Err(AppError::conflict(format!(
            "{} 已于 {} 被修改（现在是第 {} 版），您的操作没有执行。请重新打开编辑页面核对。",
            current.record.name,
            format::date_time(&current.updated_at),
            current.version
        ))
        .into()),
        Err(WriteError::NotFound) => {
            Err(AppError::not_found(format!("没有服务点 {code} 或这条历史记录。")).into())
        }
        Err(other) => Err(other.into()),
    }
}

pub async fn verify_point(
    State(state): State<AppState>,
    PagePath(code): PagePath<String>,
    CsrfForm { staff, form }: CsrfForm<VersionForm>,
) -> PageResult<Response> {
    let point = load(&state, &code).await?;
    require_town(&staff, &point.record.town_code)?;
    if point.record.location_quality == LocationQuality::TownCentre {
        return Err(AppError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "nothing_to_verify",
            NOTHING_TO_VERIFY_ZH,
        )
        .into());
    }
    let change = Change { actor: &staff.user.username, reason: None };
    let result = state.db.verify_point(&point.record.code, form.version()?, change).await;
    after_change(&state, result, &code).await
}

pub async fn retire_point(
    State(state): State<AppState>,
    PagePath(code): PagePath<String>,
    CsrfForm { staff, form }: CsrfForm<VersionForm>,
) -> PageResult<Response> {
    let point = load(&state, &code).await?;
    require_town(&staff, &point.record.town_code)?;
    let reason = PointForm::text(&form.reason);
    if reason.is_empty() {
        return Err(AppError::bad_request("invalid_form", "撤销服务点须填写原因（如：村庄合并）。").into());
    }
    let change = Change { actor: &staff.user.username, reason: Some(reason) };
    let result = state.db.retire_point(&point.record.code, form.version()?, change).await;
    after_change(&state, result, &code).await
}

pub async fn history_page(
    State(state): State<AppState>,
    staff: Staff,
    PagePath(code): PagePath<String>,
) -> PageResult<Response> {
    let point = load(&state, &code).await?;
    let history = state.db.point_history(&point.record.code).await?;
    Ok(admin::history_page(&staff, &point, &history).into_response())
}

pub async fn restore_point(
    State(state): State<AppState>,
    PagePath(code): PagePath<String>,
    CsrfForm { staff, form }: CsrfForm<VersionForm>,
) -> PageResult<Response> {
    let point = load(&state, &code).await?;
    require_town(&staff, &point.record.town_code)?;
    let Ok(history_id) = PointForm::text(&form.history_id).parse::<i64>() else {
        return Err(AppError::bad_request("invalid_form", "请选择要恢复的历史版本。").into());
    };
    let reason = format!("恢复到历史记录 #{history_id}");
    let change = Change { actor: &staff.user.username, reason: Some(&reason) };
    let result = state.db.restore_point(&point.record.code, form.version()?, history_id, change).await;
    after_change(&state, result, &code).await
}
