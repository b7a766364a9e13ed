//! What a point's noticeboard carries: a QR code of the point's permanent address
//! (`/points/{code}/qr.svg`, `.png`) and a printable A4 signboard (`/points/{code}/sign`).
//! The address uses `--public-url` (a sign printed from an office machine must not point at
//! `localhost`); unset, the address the request came to.

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use maud::Markup;

use super::extract::PagePath;
use super::pages::active_point;
use crate::app::AppState;
use crate::error::{AppError, PageResult};
use crate::views::sign::{self, Sign};
use crate::web::links::{self, PublicUrl};

/// Pixels per QR module in the PNG: 8 gives about 300-400 px, sharp when printed at 3-5 cm.
const PNG_MODULE_PX: usize = 8;
/// Minimum width of the SVG, CSS pixels (it scales without loss).
const SVG_MIN_PX: u32 = 256;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/points/{code}/qr.svg", get(qr_svg))
        .route("/points/{code}/qr.png", get(qr_png))
        .route("/points/{code}/sign", get(sign_page))
}

/// The permanent address of a point's page; a path when no base is known.
pub fn permanent_address(base: Option<&PublicUrl>, code: &str) -> String {
    let path = format!("/points/{code}");
    base.map_or_else(|| path.clone(), |base| base.join(&path))
}

fn qr_text(state: &AppState, headers: &HeaderMap, code: &str) -> Result<String, AppError> {
    let index = state.index();
    let point = active_point(&index, code)?;
    Ok(permanent_address(state.public_base(headers).as_ref(), point.record.code.as_str()))
}

async fn qr_svg(
    State(state): State<AppState>,
    PagePath(code): PagePath<String>,
    headers: HeaderMap,
) -> PageResult<Response> {
    let text = qr_text(&state, &headers, &code)?;
    let svg = links::qr_svg_document(&text, SVG_MIN_PX)
        .ok_or_else(|| AppError::internal("the public URL is too long for a QR code"))?;
    Ok(([(header::CONTENT_TYPE, "image/svg+xml; charset=utf-8")], svg).into_response())
}

async fn qr_png(
    State(state): State<AppState>,
    PagePath(code): PagePath<String>,
    headers: HeaderMap,
) -> PageResult<Response> {
    let text = qr_text(&state, &headers, &code)?;
    let png = links::qr_png(&text, PNG_MODULE_PX)
        .ok_or_else(|| AppError::internal("the public URL is too long for a QR code"))?;
    Ok(([(header::CONTENT_TYPE, "image/png")], png).into_response())
}

async fn sign_page(
    State(state): State<AppState>,
    PagePath(code): PagePath<String>,
    headers: HeaderMap,
) -> PageResult<Markup> {
    let index = state.index();
    let point = active_point(&index, &code)?;
    let address = permanent_address(state.public_base(&headers).as_ref(), point.record.code.as_str());
    Ok(sign::signs_page(&point.record.name, &[Sign { point, address }]))
}
