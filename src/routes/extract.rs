//! `Query` and `Path` whose rejections are our errors: JSON `{"error": ...}` on the API, an
//! HTML page on pages (axum's own rejections are plain text). Whatever other extractor a
//! handler uses, [`crate::error::error_middleware`] gives its rejection the same shapes.

use axum::extract::path::ErrorKind;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{FromRequestParts, Path, Query};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::domain::quote::clip;
use crate::error::{AppError, PageError};

/// `Query<T>` for the API.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(value)) => Ok(Self(value)),
            Err(rejection) => Err(AppError::bad_request("invalid_query", query_problem(&rejection))),
        }
    }
}

/// `Path<T>` for the API.
pub struct ApiPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ApiPath<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(value)) => Ok(Self(value)),
            Err(rejection) => Err(AppError::bad_request("invalid_path", path_problem(&rejection))),
        }
    }
}

/// What is wrong with a query string, quoting at most [`clip`]'s share of it.
fn query_problem(rejection: &QueryRejection) -> String {
    let text = rejection.body_text();
    let detail = text.strip_prefix("Failed to deserialize query string: ").unwrap_or(&text);
    format!("the query string does not parse: {}", clip(detail))
}

/// What is wrong with a path segment, quoting at most [`clip`]'s share of it.
fn path_problem(rejection: &PathRejection) -> String {
    if let PathRejection::FailedToDeserializePathParams(failed) = rejection
        && let ErrorKind::InvalidUtf8InPathParam { key } = failed.kind()
    {
        return format!("the path segment {key} is not UTF-8 text (check its percent-encoding)");
    }
    clip(&rejection.body_text()).into_owned()
}

/// `Query<T>` for pages: a query string that does not parse (a repeated field, a broken
/// escape) is a 400 page.
pub struct PageQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for PageQuery<T> {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, PageError> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(value)) => Ok(Self(value)),
            Err(_) => Err(AppError::bad_request(
                "invalid_query",
                "网址中的查询参数有误（例如重复或编码不正确），请返回上一页重新操作。",
            )
            .into()),
        }
    }
}

/// `Path<T>` for pages: a path segment that does not parse (a non-numeric id, a broken escape)
/// names no page, so it is a 404 page.
pub struct PagePath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for PagePath<T> {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, PageError> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(value)) => Ok(Self(value)),
            Err(_) => Err(AppError::not_found("请检查网址是否正确。").into()),
        }
    }
}
