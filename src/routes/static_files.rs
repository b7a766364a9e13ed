//! `/static/{hashed name}`: the compiled-in assets, cached for a year (the name changes with
//! the content).

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::web::assets;

pub async fn static_file(Path(path): Path<String>) -> Response {
    match assets::lookup(&path) {
        Some((bytes, content_type)) => (
            [
                (header::CONTENT_TYPE, content_type),
                (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
            ],
            bytes,
        )
            .into_response(),
        None => (StatusCode::NOT_FOUND, "no such static file").into_response(),
    }
}
