//! The one error type of the web layer, rendered as JSON `{"error": {"code", "message"}}` for
//! the API and as a plain Chinese HTML page for people. Internal causes are logged, never sent.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::db::points::DbError;
use crate::views;

/// Something a request could not get: bad input (4xx, with a message a person can act on) or
/// an internal failure (500, logged, with a generic message).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppError {
    pub status: StatusCode,
    /// A stable machine-readable code, such as `invalid_parameter`.
    pub code: &'static str,
    pub message: String,
}

impl AppError {
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self { status: StatusCode::BAD_REQUEST, code, message: message.into() }
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self { status: StatusCode::NOT_FOUND, code: "not_found", message: message.into() }
    }

    pub fn forbidden(code: &'static str, message: impl Into<String>) -> Self {
        Self { status: StatusCode::FORBIDDEN, code, message: message.into() }
    }

    /// Logs `cause` and hides it from the client.
    pub fn internal(cause: &dyn std::error::Error) -> Self {
        tracing::error!(error = %cause, "internal error");
        Self {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            code: "internal",
            message: "internal error; it has been logged".into(),
        }
    }

    /// The HTML rendering, for pages.
    pub fn into_page(self) -> Response {
        (self.status, views::error_page(self.status, &self.message)).into_response()
    }
}

impl From<DbError> for AppError {
    fn from(cause: DbError) -> Self {
        Self::internal(&cause)
    }
}

/// The JSON rendering, for the API.
impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let body = json!({ "error": { "code": self.code, "message": self.message } });
        (self.status, Json(body)).into_response()
    }
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

impl From<DbError> for PageError {
    fn from(error: DbError) -> Self {
        Self(error.into())
    }
}
