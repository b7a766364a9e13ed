//! The one error type of the web layer, rendered as JSON `{"error": {"code", "message"}}` for
//! the API and as a plain Chinese HTML page for people.
//!
//! Handlers return [`AppResult`] (JSON routes) or [`PageResult`] (pages) and write `?` on
//! whatever fails: every cause they meet converts into an internal error here. The cause is
//! never sent to the client: it rides along in the response's extensions and
//! [`error_middleware`] logs it once, inside the request's span.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;
use tracing::Instrument;

use crate::app::AppState;
use crate::db::DbError;
use crate::db::WriteError;
use crate::server::body::BodyReadTimeout;
use crate::views;

/// What a JSON handler returns.
pub type AppResult<T, E = AppError> = Result<T, E>;

/// What a page handler returns.
pub type PageResult<T, E = PageError> = Result<T, E>;

/// Something a request could not get: bad input (4xx, with a message a person can act on) or
/// an internal failure (500, with a generic message; the cause is logged).
#[derive(Debug, Clone)]
pub struct AppError {
    pub status: StatusCode,
    /// A stable machine-readable code, such as `invalid_parameter`.
    pub code: &'static str,
    pub message: String,
    /// Why an internal error happened: logged, never shown.
    cause: Option<InternalCause>,
}

/// The cause of an internal error, carried in the response's extensions to the logging layer.
#[derive(Debug, Clone)]
struct InternalCause(Arc<dyn std::error::Error + Send + Sync>);

impl AppError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self { status, code, message: message.into(), cause: None }
    }

    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    pub fn forbidden(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, code, message)
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, "conflict", message)
    }

    /// A failure that is not the client's: 500 with a generic message. `cause` is logged once
    /// the error has become a response (see [`log_internal_errors`]).
    pub fn internal(cause: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Self {
            cause: Some(InternalCause(Arc::from(cause.into()))),
            ..Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "internal error; it has been logged")
        }
    }

    /// The HTML rendering, for pages.
    pub fn into_page(self) -> Response {
        let message = if self.cause.is_some() {
            "服务器出了点问题，已记录下来，请稍后再试。"
        } else {
            &self.message
        };
        let mut response = (self.status, views::error_page(self.status, message)).into_response();
        // Kept for the staff side, which frames its error pages itself (see `staff_error_page`).
        response.extensions_mut().insert(PageMessage(message.to_owned()));
        with_cause(response, self.cause)
    }
}

/// What an error page says, carried in its response's extensions, so that [`error_middleware`]
/// can render it again in the staff frame for a staff page.
#[derive(Debug, Clone)]
struct PageMessage(String);

impl AppError {
    /// The API's JSON shape, `{"error": {"code", "message"}}`.
    fn json(&self) -> serde_json::Value {
        json!({ "error": { "code": self.code, "message": self.message } })
    }

    /// The JSON shape as bytes, for an answer the server loop writes on the socket itself
    /// (a request head refused before hyper parses it, see `server::head`).
    pub fn json_bytes(&self) -> Vec<u8> {
        self.json().to_string().into_bytes()
    }
}

/// The JSON rendering, for the API.
impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let body = self.json();
        with_cause((self.status, Json(body)).into_response(), self.cause)
    }
}

fn with_cause(mut response: Response, cause: Option<InternalCause>) -> Response {
    if let Some(cause) = cause {
        response.extensions_mut().insert(cause);
    }
    response
}

/// An [`AppError`] answered as an HTML page: what page handlers return, so `?` works on
/// store errors and bad input alike.
#[derive(Debug)]
pub struct PageError(pub AppError);

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        self.0.into_page()
    }
}

impl From<AppError> for PageError {
    fn from(error: AppError) -> Self {
        Self(error)
    }
}

/// Causes that are never the client's fault: internal errors, for JSON and pages alike.
macro_rules! internal_causes {
    ($($cause:ty),+ $(,)?) => {$(
        impl From<$cause> for AppError {
            fn from(cause: $cause) -> Self {
                Self::internal(cause)
            }
        }

        impl From<$cause> for PageError {
            fn from(cause: $cause) -> Self {
                Self(AppError::internal(cause))
            }
        }
    )+};
}

/// A store failure: the database unreachable (PostgreSQL down or cut off) is a 503 the client
/// may retry, with nothing written; anything else is internal.
impl From<DbError> for AppError {
    fn from(cause: DbError) -> Self {
        if cause.is_unavailable() {
            tracing::warn!(error = %cause, "the database is unreachable");
            return Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "database_unavailable",
                "数据库暂时无法连接，这次操作没有保存，请稍后再试。查询服务点不受影响。",
            );
        }
        Self::internal(cause)
    }
}

impl From<DbError> for PageError {
    fn from(cause: DbError) -> Self {
        Self(cause.into())
    }
}

internal_causes!(
    sqlx::Error,
    serde_json::Error,
    csv::Error,
    std::io::Error,
    anyhow::Error,
    tokio::task::JoinError,
);

/// A refused change: the variants a request can cause are 4xx; a store failure is internal.
/// Handlers that can say more (which version, whose change) match the variants themselves.
impl From<WriteError> for AppError {
    fn from(error: WriteError) -> Self {
        match error {
            WriteError::Conflict { current } => Self::conflict(format!(
                "{} 已被修改（现在是第 {} 版），您的操作没有执行。请重新打开页面核对。",
                current.record.name, current.version
            )),
            WriteError::NotFound => Self::not_found("没有这个服务点。"),
            WriteError::AlreadyExists => Self::conflict("这个编码已有服务点。"),
            WriteError::Db(cause) => cause.into(),
        }
    }
}

impl From<WriteError> for PageError {
    fn from(error: WriteError) -> Self {
        Self(error.into())
    }
}

/// Whether `path` is the JSON API's (errors there are JSON, everywhere else HTML pages).
pub fn is_api_path(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/")
}

/// Whether `path` is a staff page (its error pages are in the staff frame).
pub fn is_staff_path(path: &str) -> bool {
    path == "/admin" || path.starts_with("/admin/")
}

/// Middleware, the one the router runs on every request: the request runs inside its span, an
/// internal error's cause is logged once (see [`log_internal_errors`]), and error answers that
/// did not come from an [`AppError`] are put in our shapes (see [`render_foreign_errors`]).
/// One layer, not two: each `from_fn` layer costs a boxed future per request, and at 346
/// points the two cost about a fifth of `/nearest`'s throughput.
/// On a staff page, an error page is framed as the staff pages are, with their navigation when
/// the session is live (see [`staff_error_page`]); and every staff answer, exports included, is
/// marked `Cache-Control: no-store`: it shows data only a session may see, which must not stay
/// in a shared computer's cache or a proxy's.
pub async fn error_middleware(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let api = is_api_path(path);
    // Only a staff request pays for keeping its headers (the session cookie).
    let staff_headers = is_staff_path(path).then(|| request.headers().clone());
    // Only a request with a body has a read timeout (see `server::body`).
    let body_timeout = request.extensions().get::<BodyReadTimeout>().cloned();
    let mut response = log_internal_errors(request, next).await;
    if body_timeout.is_some_and(|timeout| timeout.expired()) {
        response = body_timed_out(api);
    }
    let Some(headers) = staff_headers else {
        if response.status().is_success() {
            return response;
        }
        return render_foreign_errors(api, response).await;
    };
    let mut response = if response.status().is_success() {
        response
    } else {
        staff_error_page(&state, &headers, render_foreign_errors(false, response).await).await
    };
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The answer to a request whose body did not arrive within the body-read timeout, whatever
/// its handler made of the body cut short: 408, and the connection is closed after it (the rest
/// of the body may still come, and would be taken for the next request).
fn body_timed_out(api: bool) -> Response {
    let error = AppError::new(
        StatusCode::REQUEST_TIMEOUT,
        "body_timeout",
        "the request's body did not arrive in time; send it again",
    );
    let mut response = if api {
        error.into_response()
    } else {
        AppError {
            message: "提交的内容没有及时传完，请检查网络后重新提交。".into(), ..error
        }
        .into_page()
    };
    response.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

/// An error page of a staff request, rendered again in the staff frame. The session is looked
/// up once more here (errors are rare; the handler's own lookup is not at hand).
async fn staff_error_page(state: &AppState, headers: &HeaderMap, mut response: Response) -> Response {
    let Some(PageMessage(message)) = response.extensions_mut().remove::<PageMessage>() else {
        return response;
    };
    let staff = crate::routes::admin::staff_from_headers(state, headers).await;
    let status = response.status();
    let (mut parts, _) = response.into_parts();
    let mut rendered = (status, views::admin::error_page(staff.as_ref(), status, &message)).into_response();
    parts.headers.remove(header::CONTENT_TYPE);
    parts.headers.remove(header::CONTENT_LENGTH);
    for (name, value) in &parts.headers {
        rendered.headers_mut().append(name, value.clone());
    }
    rendered
}

/// Error answers that did not come from an [`AppError`] (axum's own rejections, such as a
/// malformed multipart body, a body over the size limit or a method a nested router lacks, are
/// plain text or empty) are answered in our shapes: JSON under `/api/` (`api`), an HTML page
/// elsewhere. Other headers (such as `Allow`) are kept.
async fn render_foreign_errors(api: bool, response: Response) -> Response {
    let status = response.status();
    let plain = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_none_or(|value| value.as_bytes().starts_with(b"text/plain"));
    if !(status.is_client_error() || status.is_server_error()) || !plain {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let error = if api {
        let text = axum::body::to_bytes(body, FOREIGN_BODY_MAX_BYTES).await.unwrap_or_default();
        let text = String::from_utf8_lossy(&text).trim().to_owned();
        let message = if text.is_empty() {
            status.canonical_reason().unwrap_or("error").to_owned()
        } else {
            crate::domain::quote::clip(&text).into_owned()
        };
        AppError::new(status, foreign_code(status), message)
    } else {
        AppError::new(status, foreign_code(status), foreign_page_message(status))
    };
    let mut rendered = if api { error.into_response() } else { error.into_page() };
    parts.headers.remove(header::CONTENT_TYPE);
    parts.headers.remove(header::CONTENT_LENGTH);
    for (name, value) in &parts.headers {
        rendered.headers_mut().append(name, value.clone());
    }
    rendered
}

/// axum's rejections are a line or two; anything longer is cut.
const FOREIGN_BODY_MAX_BYTES: usize = 4096;

fn foreign_code(status: StatusCode) -> &'static str {
    match status {
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::PAYLOAD_TOO_LARGE => "too_large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        status if status.is_server_error() => "internal",
        _ => "bad_request",
    }
}

fn foreign_page_message(status: StatusCode) -> &'static str {
    match status {
        StatusCode::NOT_FOUND => "请检查网址是否正确。",
        StatusCode::METHOD_NOT_ALLOWED => "这个网址不接受这种请求，请从页面上的链接或按钮进入。",
        StatusCode::PAYLOAD_TOO_LARGE => "提交的内容过大。",
        status if status.is_server_error() => "服务器出了点问题，请稍后再试。",
        _ => "提交的内容格式有误，请返回上一页重新操作。",
    }
}

/// Middleware: runs the request inside its span and logs the cause of an internal error there,
/// once, whichever handler or extractor produced it. The query string stays out of the log
/// (it can hold a resident's position). The span is at debug level, so at the default `info`
/// it costs nothing per request; the error event names the method and path itself.
pub async fn log_internal_errors(request: Request, next: Next) -> Response {
    let (method, uri) = (request.method().clone(), request.uri().clone());
    let span = tracing::debug_span!("request", method = %method, path = %uri.path());
    let mut response = next.run(request).instrument(span.clone()).await;
    if let Some(InternalCause(cause)) = response.extensions_mut().remove::<InternalCause>() {
        span.in_scope(|| {
            tracing::error!(
                method = %method, path = %uri.path(), status = response.status().as_u16(), error = %cause,
                "internal error"
            );
        });
    }
    response
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use axum::Router;
    use axum::body::Body;
    use axum::routing::get;
    use tower::ServiceExt;
    use tracing_subscriber::layer::SubscriberExt;

    use super::*;

    /// Counts error events and checks they happen inside the request span.
    #[derive(Clone, Default)]
    struct ErrorEvents(Arc<AtomicUsize>, Arc<AtomicUsize>);

    impl<S> tracing_subscriber::Layer<S> for ErrorEvents
    where
        S: tracing::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
    {
        fn on_event(&self, event: &tracing::Event<'_>, context: tracing_subscriber::layer::Context<'_, S>) {
            if *event.metadata().level() == tracing::Level::ERROR {
                self.0.fetch_add(1, Ordering::SeqCst);
                let in_request = context
                    .event_scope(event)
                    .is_some_and(|mut scope| scope.any(|span| span.name() == "request"));
                if in_request {
                    self.1.fetch_add(1, Ordering::SeqCst);
                }
            }
        }
    }

    async fn failing_page() -> PageResult<&'static str> {
        let text = std::fs::read_to_string("/nonexistent/disk on fire")?;
        Ok(text.leak())
    }

    async fn failing_api() -> AppResult<&'static str> {
        let number: u8 = serde_json::from_str("x")?;
        Ok(if number > 0 { "some" } else { "none" })
    }

    async fn bad_input() -> AppResult<&'static str> {
        Err(AppError::bad_request("invalid_parameter", "nope"))
    }

    #[tokio::test]
    async fn internal_errors_are_logged_once_inside_the_request_span_and_never_shown() {
        let events = ErrorEvents::default();
        let _guard = tracing::subscriber::set_default(tracing_subscriber::registry().with(events.clone()));
        let app = Router::new()
            .route("/page", get(failing_page))
            .route("/api", get(failing_api))
            .route("/bad", get(bad_input))
            .layer(axum::middleware::from_fn(log_internal_errors));
        for (uri, content_type, logged) in
            [("/page", "text/html", 1), ("/api", "application/json", 2), ("/bad", "application/json", 2)]
        {
            let response = app.clone().oneshot(Request::get(uri).body(Body::empty()).unwrap()).await.unwrap();
            let expected = if uri == "/bad" { 400 } else { 500 };
            assert_eq!(response.status().as_u16(), expected, "{uri}");
            let got = response.headers()["content-type"].to_str().unwrap().to_owned();
            assert!(got.starts_with(content_type), "{uri}: {got}");
            assert!(response.extensions().get::<InternalCause>().is_none(), "{uri}: cause left in");
            let body = axum::body::to_bytes(response.into_body(), 1 << 20).await.unwrap();
            let body = String::from_utf8_lossy(&body);
            assert!(!body.contains("disk on fire") && !body.contains("expected value"), "{uri}: {body}");
            assert_eq!(events.0.load(Ordering::SeqCst), logged, "{uri}: error events");
            assert_eq!(events.1.load(Ordering::SeqCst), logged, "{uri}: logged inside the span");
        }
    }

    #[tokio::test]
    async fn a_timed_out_body_is_answered_408_in_either_shape_and_closes_the_connection() {
        for (api, content_type) in [(true, "application/json"), (false, "text/html")] {
            let response = body_timed_out(api);
            assert_eq!(response.status(), StatusCode::REQUEST_TIMEOUT);
            assert_eq!(response.headers()[header::CONNECTION], "close");
            let got = response.headers()[header::CONTENT_TYPE].to_str().unwrap().to_owned();
            assert!(got.starts_with(content_type), "{got}");
            let body = axum::body::to_bytes(response.into_body(), 1 << 20).await.unwrap();
            if api {
                let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
                assert_eq!(json["error"]["code"], "body_timeout");
            } else {
                assert!(String::from_utf8_lossy(&body).contains("没有及时传完"));
            }
        }
    }
}
