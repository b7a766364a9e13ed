//! Residents' correction reports: the form at `/points/{code}/report`, where it is sent, and the
//! thanks at `/points/{code}/report/sent`. What is stored carries nothing about the sender; the
//! throttle counts per client address in memory only (see `web::throttle`).

use std::time::Instant;

use axum::Router;
use axum::extract::rejection::FormRejection;
use axum::extract::{DefaultBodyLimit, Form, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;

use super::extract::PagePath;
use super::pages::active_point;
use crate::app::AppState;
use crate::domain::report::{NewReport, ReportFields};
use crate::error::{AppError, PageResult};
use crate::views::PageContext;
use crate::views::report_page::{self, ReportFormState};
use crate::web::client_address::ClientAddress;
use crate::web::throttle::Refusal;

/// A report form is a few short fields: 500 characters of Chinese, percent-encoded, are 4.5 KB.
const MAX_BODY_BYTES: usize = 16 * 1024;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/points/{code}/report",
            get(report_page).post(send_report).layer(DefaultBodyLimit::max(MAX_BODY_BYTES)),
        )
        .route("/points/{code}/report/sent", get(sent_page))
}

async fn report_page(
    State(state): State<AppState>,
    context: PageContext,
    PagePath(code): PagePath<String>,
) -> PageResult<Response> {
    let index = state.index();
    let point = active_point(&index, &code)?;
    Ok(report_page::form_page(&context, point, &ReportFormState::default()).into_response())
}

async fn send_report(
    State(state): State<AppState>,
    context: PageContext,
    PagePath(code): PagePath<String>,
    client: ClientAddress,
    headers: HeaderMap,
    form: Result<Form<ReportFields>, FormRejection>,
) -> PageResult<Response> {
    let index = state.index();
    let point = active_point(&index, &code)?;
    if from_another_site(&headers) {
        return Err(AppError::forbidden("cross_site", "请在本网站的服务点页面填写并发送纠错。").into());
    }
    let again = |status: StatusCode, form: ReportFormState<'_>| {
        (status, report_page::form_page(&context, point, &form)).into_response()
    };
    let fields = match form {
        Ok(Form(fields)) => fields,
        Err(rejection) => {
            let (status, notice) = if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                let notice = "提交的内容过大：说明最多 500 字，请删减后重新填写发送。";
                (StatusCode::PAYLOAD_TOO_LARGE, notice)
            } else {
                (StatusCode::BAD_REQUEST, "提交的表单格式有误（例如同一项填了两次），请重新填写后发送。")
            };
            return Ok(again(status, ReportFormState { notice: Some(notice), ..Default::default() }));
        }
    };
    let report = match NewReport::parse(point.record.code.clone(), &fields) {
        Ok(report) => report,
        Err(problems) => {
            // A malformed location is no slip of the resident's (the page sends only what the
            // browser gave): a 400. The rest they can fix in the form.
            let status = if problems.location.is_some() {
                StatusCode::BAD_REQUEST
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            return Ok(again(status, ReportFormState { fields, problems, notice: None }));
        }
    };
    if let Err(refusal) = state.report_throttle.try_take(client.0, Instant::now()) {
        let limits = state.report_throttle.limits();
        let notice = match refusal {
            Refusal::Address => format!(
                "发送太频繁：同一网络每小时最多可发送 {} 条纠错，这一条没有发送。请过一会儿再试；情况紧急请拨打 {}。",
                limits.per_address,
                crate::domain::LEGAL_HOTLINE
            ),
            Refusal::Everyone => format!(
                "目前收到的纠错较多，这一条没有发送。请过一会儿再试；情况紧急请拨打 {}。",
                crate::domain::LEGAL_HOTLINE
            ),
        };
        let form = ReportFormState { fields, problems: Default::default(), notice: Some(&notice) };
        return Ok(again(StatusCode::TOO_MANY_REQUESTS, form));
    }
    let id = state.db.add_report(&report).await?;
    // Neither the text nor the location nor the address goes into the log.
    tracing::info!(report = id, point = %report.code, "correction report received");
    Ok(Redirect::to(&format!("/points/{}/report/sent", report.code)).into_response())
}

/// A report posted by another site's page (a form that sends itself from its visitors'
/// browsers, to fill the staff's list or use up the hourly cap): browsers say so in
/// `Sec-Fetch-Site`. Requests without the header (older browsers, scripts) are not refused.
fn from_another_site(headers: &HeaderMap) -> bool {
    headers.get("sec-fetch-site").is_some_and(|site| site.as_bytes() == b"cross-site")
}

async fn sent_page(
    State(state): State<AppState>,
    context: PageContext,
    PagePath(code): PagePath<String>,
) -> PageResult<Response> {
    let index = state.index();
    let point = active_point(&index, &code)?;
    Ok(report_page::sent_page(&context, point).into_response())
}
