//! `Query` and `Path` whose rejections are our errors: JSON `{"error": ...}` on the API, an
//! HTML page on pages (axum's own rejections are plain text). Whatever other extractor a
//! handler uses, [`crate::error::error_middleware`] gives its rejection the same shapes.

use axum::extract::{FromRequestParts, Path, Query};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::error::{AppError, PageError};

/// `Query<T>` for the API.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(value)) => Ok(Self(value)),
            Err(rejection) => Err(AppError::bad_request("invalid_query", rejection.body_text())),
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
            Err(rejection) => Err(AppError::bad_request("invalid_path", rejection.body_text())),
        }
    }
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
