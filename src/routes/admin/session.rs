//! Who is asking: the session cookie, the idle timeout, roles and CSRF tokens.

use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::{Form, FromRef, FromRequest, FromRequestParts, OriginalUri, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use serde::de::DeserializeOwned;

use crate::app::AppState;
use crate::domain::PointCode;
use crate::domain::staff::{Role, Staff};
use crate::error::{AppError, PageError};
use crate::web::{auth, cookies};

/// Refuses (403) a staff member whose role does not include `role`.
pub fn require(staff: &Staff, role: Role) -> Result<(), PageError> {
    if staff.user.role.allows(role) {
        Ok(())
    } else {
        Err(AppError::forbidden("forbidden", "这项操作需要管理员权限。").into())
    }
}

pub fn now_unix() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// The staff addresses a browser may GET (so a login may lead on to them). Anything else a
/// login's `next` names (a POST-only address such as `/admin/points/{code}/verify`, which would
/// answer 405) leads to the nearest page above it that is one of these.
fn is_staff_page(path: &str) -> bool {
    let Some(rest) = path.strip_prefix("/admin") else { return false };
    let segments: Vec<&str> = rest.split('/').skip(1).collect();
    let code = |s: &str| PointCode::parse(s).is_ok() && s.len() == 12;
    match segments.as_slice() {
        [] => true,
        ["points" | "users" | "import" | "campaign" | "campaign.json" | "coverage" | "reports"] => true,
        ["export.csv" | "export.geojson"] => true,
        ["coverage", "cells.png"] | ["points", "new"] => true,
        ["points", c] | ["points", c, "history"] => code(c),
        _ => false,
    }
}

/// Where a login goes on to for `next` (a local path, perhaps with a query): `next` itself if it
/// is a staff page, else the nearest staff page above it, else the points list.
pub fn login_target(next: &str) -> String {
    let (path, _query) = next.split_once('?').unwrap_or((next, ""));
    if is_staff_page(path) {
        return next.to_owned();
    }
    let mut path = path.trim_end_matches('/');
    while let Some((parent, _)) = path.rsplit_once('/') {
        if parent.len() > "/admin".len() && is_staff_page(parent) {
            return parent.to_owned();
        }
        path = parent;
    }
    "/admin/points".to_owned()
}

/// The address the request was made to, with the `/admin` prefix the nested router strips.
fn original_path_and_query(parts: &Parts) -> &str {
    let uri = parts.extensions.get::<OriginalUri>().map_or(&parts.uri, |OriginalUri(uri)| uri);
    uri.path_and_query().map_or("/admin", |pq| pq.as_str())
}

/// Where an unauthenticated request goes: the login page, coming back afterwards (to a page,
/// never to a POST-only address).
fn to_login(parts: &Parts) -> Response {
    let back = login_target(original_path_and_query(parts));
    let next: String = form_urlencoded::byte_serialize(back.as_bytes()).collect();
    Redirect::to(&format!("/admin/login?next={next}")).into_response()
}

/// A point edit posted after the session expired: the login page, carrying what was typed
/// (minus the old CSRF token) so that logging in shows it again instead of losing it. `None`
/// for any other form (those are short: the plain redirect to the login page does).
async fn login_keeping_draft<S: Send + Sync>(
    parts: &Parts,
    body: axum::body::Body,
    state: &S,
) -> Option<Response>
where
    AppState: FromRef<S>,
{
    let path = original_path_and_query(parts).split('?').next().unwrap_or_default().to_owned();
    let code = path.strip_prefix("/admin/points/").filter(|code| PointCode::parse(code).is_ok())?;
    let bytes = Bytes::from_request(Request::from_parts(parts.clone(), body), state).await.ok()?;
    let draft: Vec<(String, String)> = form_urlencoded::parse(&bytes)
        .filter(|(name, _)| name != "csrf" && name != "action")
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect();
    let state = AppState::from_ref(state);
    let message = "登录已过期，请重新登录。您填写的内容已保留：登录后会重新显示，核对后再保存。";
    let next = format!("/admin/points/{code}");
    Some(super::login::login_form(&state, &next, Some(message), StatusCode::UNAUTHORIZED, &draft))
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let jar = CookieJar::from_headers(&parts.headers);
        let Some(token) = jar.get(cookies::SESSION) else {
            return Err(to_login(parts));
        };
        let session = state
            .db
            .touch_session(&auth::token_hash(token.value()), now_unix(), state.staff.session_idle_secs)
            .await
            .map_err(|error| AppError::from(error).into_page())?;
        let mut staff = session.ok_or_else(|| to_login(parts))?;
        staff.towns = state.db.user_towns(staff.user.id).await.map_err(|e| AppError::from(e).into_page())?;
        Ok(staff)
    }
}

/// A form posted by a staff member with a live session, carrying that session's CSRF token in
/// its `csrf` field. Anything else is refused before the handler runs.
pub struct CsrfForm<T> {
    pub staff: Staff,
    pub form: T,
}

#[derive(serde::Deserialize)]
struct CsrfField {
    csrf: Option<String>,
}

impl<S, T> FromRequest<S> for CsrfForm<T>
where
    AppState: FromRef<S>,
    S: Send + Sync,
    T: DeserializeOwned + Send,
{
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Response> {
        let (mut parts, body) = request.into_parts();
        let staff = match Staff::from_request_parts(&mut parts, &AppState::from_ref(state)).await {
            Ok(staff) => staff,
            Err(to_login) if to_login.status().is_redirection() => {
                return Err(login_keeping_draft(&parts, body, state).await.unwrap_or(to_login));
            }
            Err(other) => return Err(other),
        };
        // Read within the route's body limit (`DefaultBodyLimit` in the router).
        let bytes =
            Bytes::from_request(Request::from_parts(parts.clone(), body), state).await.map_err(|_| {
                AppError::new(StatusCode::PAYLOAD_TOO_LARGE, "too_large", "提交的内容过大。").into_page()
            })?;
        let bad = |message: &str| AppError::bad_request("invalid_form", message).into_page();
        let Form(CsrfField { csrf }) =
            Form::<CsrfField>::from_request(Request::from_parts(parts.clone(), bytes.clone().into()), state)
                .await
                .map_err(|_| bad("表单格式有误。"))?;
        check_csrf(&staff, csrf.as_deref()).map_err(IntoResponse::into_response)?;
        let Form(form) = Form::<T>::from_request(Request::from_parts(parts, bytes.into()), state)
            .await
            .map_err(|rejection| bad(&format!("表单内容有误：{}", rejection.body_text())))?;
        Ok(Self { staff, form })
    }
}

/// Refuses (403) a request whose CSRF token is missing or not this session's.
pub fn check_csrf(staff: &Staff, submitted: Option<&str>) -> Result<(), PageError> {
    match submitted {
        Some(token) if auth::tokens_match(token, &staff.csrf_token) => Ok(()),
        _ => Err(AppError::forbidden(
            "csrf",
            "页面已过期或来源不明（安全令牌不符），请返回重新打开页面后再提交。",
        )
        .into()),
    }
}
