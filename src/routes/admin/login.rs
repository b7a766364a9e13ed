//! `/admin/login` and `/admin/logout`. Failed logins are throttled per account and per client
//! address ([`ClientAddress`]: behind a trusted proxy, the address it forwarded for); the login
//! form carries its own CSRF token in a cookie (there is no session yet).

use axum::Form;
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{FromRequest, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use serde::Deserialize;

use super::Staff;
use super::session::{CsrfForm, login_target, now_unix};
use crate::app::AppState;
use crate::db::ACCOUNT_LOCK;
use crate::domain::PointCode;
use crate::domain::beijing::clock_of_unix;
use crate::error::PageError;
use crate::observe::metrics::LoginFailure;
use crate::points::form::PointForm;
use crate::routes::params::local_path;
use crate::views::admin;
use crate::web::client_address::ClientAddress;
use crate::web::{auth, cookies};

/// Failed logins per client address within the lock rule's window (several staff may share an
/// office). Accounts follow [`ACCOUNT_LOCK`].
const MAX_FAILURES_PER_ADDRESS: i64 = 20;

#[derive(Debug, Deserialize)]
pub struct NextParam {
    next: Option<String>,
}

/// Only pages of the staff side: never an open redirect, never a POST-only address.
fn safe_next(next: Option<&str>) -> String {
    login_target(
        next.and_then(local_path).filter(|next| next.starts_with("/admin")).unwrap_or("/admin/points"),
    )
}

pub async fn login_page(
    State(state): State<AppState>,
    query: Result<Query<NextParam>, QueryRejection>,
) -> Response {
    let next = query.ok().and_then(|Query(q)| q.next);
    login_form(&state, &safe_next(next.as_deref()), None, StatusCode::OK, &[])
}

/// The login page; `draft` is an edit form posted after the session expired, carried along in
/// hidden fields (names prefixed with [`DRAFT_PREFIX`]).
pub(super) fn login_form(
    state: &AppState,
    next: &str,
    problem: Option<&str>,
    status: StatusCode,
    draft: &[(String, String)],
) -> Response {
    let csrf = auth::new_token();
    let jar = CookieJar::new().add(cookies::login_csrf(csrf.clone(), state.staff.secure_cookies));
    (status, jar, admin::login_page(&csrf, next, problem, draft)).into_response()
}

/// The login form, read from its body by hand: besides its own fields it carries a draft.
#[derive(Debug, Default)]
struct LoginForm {
    csrf: Option<String>,
    username: Option<String>,
    password: Option<String>,
    next: Option<String>,
    /// The fields of an edit posted after the session expired, without the prefix.
    draft: Vec<(String, String)>,
}

impl LoginForm {
    fn parse(body: &[u8]) -> Self {
        let mut form = Self::default();
        for (name, value) in form_urlencoded::parse(body) {
            let value = value.into_owned();
            let slot = match name.as_ref() {
                "csrf" => &mut form.csrf,
                "username" => &mut form.username,
                "password" => &mut form.password,
                "next" => &mut form.next,
                other => {
                    if let Some(field) = other.strip_prefix(admin::DRAFT_PREFIX) {
                        form.draft.push((field.to_owned(), value));
                    }
                    continue;
                }
            };
            slot.get_or_insert(value);
        }
        form
    }

    /// The draft as the edit form it was, if it is one for the point `next` names.
    async fn edit_draft(&self, next: &str) -> Option<(String, PointForm)> {
        let code = next.strip_prefix("/admin/points/").filter(|code| PointCode::parse(code).is_ok())?;
        if self.draft.is_empty() {
            return None;
        }
        let body: String = form_urlencoded::Serializer::new(String::new()).extend_pairs(&self.draft).finish();
        let request = axum::http::Request::builder()
            .method("POST")
            .header(axum::http::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(axum::body::Body::from(body))
            .ok()?;
        let Form(form) = Form::<PointForm>::from_request(request, &()).await.ok()?;
        Some((code.to_owned(), form))
    }
}

pub async fn log_in(
    State(state): State<AppState>,
    client: ClientAddress,
    jar: CookieJar,
    body: Bytes,
) -> Result<Response, PageError> {
    let form = LoginForm::parse(&body);
    let next = safe_next(form.next.as_deref());
    let draft = &form.draft;
    let expected = jar.get(cookies::LOGIN_CSRF).map(|cookie| cookie.value());
    let csrf_ok = matches!((expected, form.csrf.as_deref()), (Some(a), Some(b)) if auth::tokens_match(a, b));
    if !csrf_ok {
        return Ok(login_form(
            &state,
            &next,
            Some("登录页面已过期，请重新输入。"),
            StatusCode::FORBIDDEN,
            draft,
        ));
    }
    // Names longer than any account's are cut, so a huge field cannot bloat the throttle table.
    let username: String = form.username.as_deref().unwrap_or("").trim().chars().take(64).collect();
    let password = form.password.clone().unwrap_or_default();
    // Behind a trusted proxy, the address it forwarded for (see `web::client_address`).
    let address = client.to_string();
    let now = now_unix();

    let attempts = state.db.record_login_attempt(&username, &address, now, ACCOUNT_LOCK).await?;
    if let Some(until) = attempts.locked_until_unix {
        state.metrics.login_failed(LoginFailure::Locked);
        let message = locked_message(until);
        return Ok(login_form(&state, &next, Some(&message), StatusCode::TOO_MANY_REQUESTS, draft));
    }
    if attempts.from_address > MAX_FAILURES_PER_ADDRESS {
        state.metrics.login_failed(LoginFailure::Throttled);
        let message = format!(
            "登录失败次数过多，请 {} 分钟后再试。如忘记密码，请联系管理员重置。",
            ACCOUNT_LOCK.window_secs / 60
        );
        return Ok(login_form(&state, &next, Some(&message), StatusCode::TOO_MANY_REQUESTS, draft));
    }

    let account = state.db.user_for_login(&username).await?;
    let hash = account.as_ref().map_or(auth::dummy_hash(), |(_, hash)| hash.as_str());
    let password_ok = auth::verify_password(hash, &password);
    let user = match account {
        Some((user, _)) if password_ok && !user.disabled => user,
        _ => {
            state.metrics.login_failed(LoginFailure::BadCredentials);
            // The attempt recorded above stays as a failure; the limit's failure locks.
            if let Some(until) = state.db.lock_after_failure(&username, &attempts, now, ACCOUNT_LOCK).await? {
                let message = locked_message(until);
                return Ok(login_form(&state, &next, Some(&message), StatusCode::UNAUTHORIZED, draft));
            }
            return Ok(login_form(
                &state,
                &next,
                Some("用户名或密码不正确，或账号已停用。"),
                StatusCode::UNAUTHORIZED,
                draft,
            ));
        }
    };
    state.db.clear_login_failures(&username).await?;
    let token = auth::new_token();
    let csrf_token = auth::new_token();
    state.db.create_session(user.id, &auth::token_hash(&token), &csrf_token, now).await?;
    let secure = state.staff.secure_cookies;
    let jar = jar.add(cookies::session(token, secure)).remove(cookies::login_csrf(String::new(), secure));
    if let Some((code, draft)) = form.edit_draft(&next).await {
        // The edit page with the draft, for review: nothing is saved until the editor saves.
        let towns = state.db.user_towns(user.id).await?;
        let staff = Staff { user, csrf_token, towns };
        return Ok((jar, super::points::draft_page(&state, &staff, &code, draft).await?).into_response());
    }
    Ok((jar, Redirect::to(&next)).into_response())
}

/// The login page's answer to a locked account.
fn locked_message(until_unix: i64) -> String {
    format!(
        "登录失败次数过多，账号已锁定 {} 分钟，至 {}（北京时间）自动解锁。如忘记密码，请联系管理员重置密码或解除锁定。",
        ACCOUNT_LOCK.lock_secs / 60,
        clock_of_unix(until_unix)
    )
}

#[derive(Debug, Deserialize)]
pub struct LogoutForm {}

pub async fn log_out(
    State(state): State<AppState>,
    jar: CookieJar,
    CsrfForm { staff: _, form: LogoutForm {} }: CsrfForm<LogoutForm>,
) -> Result<Response, PageError> {
    if let Some(token) = jar.get(cookies::SESSION) {
        state.db.delete_session(&auth::token_hash(token.value())).await?;
    }
    let jar = jar.remove(cookies::session(String::new(), state.staff.secure_cookies));
    Ok((jar, Redirect::to("/admin/login")).into_response())
}
