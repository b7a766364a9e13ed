//! `/admin/reports`: residents' correction reports, open ones newest first (or the closed ones),
//! and closing one. A town-limited editor sees and closes only their towns' reports, by the
//! same rule as every point write ([`Staff::may_edit_town`]).

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{CsrfForm, Staff, require_town};
use crate::app::AppState;
use crate::db::{CloseOutcome, ReportFilter};
use crate::domain::paging::{PAGE_SIZE, Page};
use crate::domain::report::{MAX_CLOSE_NOTE_CHARS, ReportState, clean_text};
use crate::error::{AppError, PageResult};
use crate::routes::extract::{PagePath, PageQuery};
use crate::views::admin::{self, ReportsView};

#[derive(Debug, Default, Deserialize)]
pub struct ReportsParams {
    /// `open` (the default) or `closed`.
    state: Option<String>,
    page: Option<String>,
    /// The report just closed, for the banner.
    closed: Option<String>,
}

pub async fn reports_page(
    State(state): State<AppState>,
    staff: Staff,
    PageQuery(params): PageQuery<ReportsParams>,
) -> PageResult<Response> {
    let bad = |message: String| AppError::bad_request("invalid_query", message);
    let filter = ReportFilter {
        state: ReportState::parse(params.state.as_deref()).map_err(bad)?,
        towns: staff.town_limit().map(<[String]>::to_vec),
    };
    let total = usize::try_from(state.db.count_reports(&filter).await?).unwrap_or(0);
    let page = Page::parse(params.page.as_deref(), total).map_err(bad)?;
    let offset = i64::try_from(page.offset()).unwrap_or(i64::MAX);
    let reports = state.db.reports(&filter, PAGE_SIZE as i64, offset).await?;
    let just_closed = params.closed.as_deref().and_then(|id| id.parse::<i64>().ok());
    let view = ReportsView {
        staff: &staff,
        state: filter.state,
        page,
        reports: &reports,
        just_closed,
        max_gps_accuracy_m: state.staff.max_gps_accuracy_m,
    };
    Ok(admin::reports_page(&view).into_response())
}

#[derive(Debug, Deserialize)]
pub struct CloseForm {
    note: Option<String>,
}

/// Closes a report, recording who and when (and the note, if any); back to the open list.
pub async fn close_report(
    State(state): State<AppState>,
    PagePath(id): PagePath<i64>,
    CsrfForm { staff, form }: CsrfForm<CloseForm>,
) -> PageResult<Response> {
    let Some(report) = state.db.report_town(id).await? else {
        return Err(AppError::not_found("没有这条纠错。").into());
    };
    match &report.town_code {
        Some(town_code) => require_town(&staff, town_code)?,
        // The point is gone: only an account for every town may close its reports.
        None if staff.town_limit().is_some() => {
            return Err(AppError::forbidden(
                "town_not_allowed",
                "这条纠错的服务点已不存在，请联系管理员处理。",
            )
            .into());
        }
        None => {}
    }
    let note = clean_text(form.note.as_deref().unwrap_or(""));
    let chars = note.chars().count();
    if chars > MAX_CLOSE_NOTE_CHARS {
        return Err(AppError::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_form",
            format!("备注最多 {MAX_CLOSE_NOTE_CHARS} 个字，现在有 {chars} 个字。请返回删减后再关闭。"),
        )
        .into());
    }
    let note = (!note.is_empty()).then_some(note.as_str());
    match state.db.close_report(id, &staff.user.username, note).await? {
        CloseOutcome::Closed => {
            tracing::info!(report = id, by = %staff.user.username, "correction report closed");
            Ok(Redirect::to(&format!("/admin/reports?closed={id}")).into_response())
        }
        CloseOutcome::AlreadyClosed => {
            Err(AppError::conflict("这条纠错已经关闭了（可能是同事刚刚处理）。请在“已关闭”中查看。").into())
        }
        CloseOutcome::NotFound => Err(AppError::not_found("没有这条纠错。").into()),
    }
}
