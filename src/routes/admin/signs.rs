//! `/admin/signs?town=CODE`: every signboard of a town in one printable document, for the
//! clerk who prints the village noticeboards.

use axum::extract::State;
use axum::http::HeaderMap;
use maud::Markup;
use serde::Deserialize;

use super::Staff;
use crate::app::AppState;
use crate::domain::ServicePoint;
use crate::error::{AppError, PageResult};
use crate::routes::extract::PageQuery;
use crate::routes::signs::permanent_address;
use crate::views::sign::{Sign, signs_page};

#[derive(Debug, Deserialize)]
pub struct SignsParams {
    /// The 9-digit code of the town or street.
    town: Option<String>,
}

pub async fn town_signs(
    State(state): State<AppState>,
    _staff: Staff,
    PageQuery(params): PageQuery<SignsParams>,
    headers: HeaderMap,
) -> PageResult<Markup> {
    let town = params.town.unwrap_or_default();
    let town = town.trim();
    if town.len() != 9 || !town.bytes().all(|b| b.is_ascii_digit()) {
        return Err(
            AppError::bad_request("bad_town", "请用 9 位镇街代码选择镇街，例如 ?town=331003001。").into()
        );
    }
    let index = state.index();
    let base = state.public_base(&headers);
    let mut points: Vec<&ServicePoint> =
        index.points().iter().map(|point| &**point).filter(|point| point.record.town_code == town).collect();
    points.sort_by(|a, b| a.record.code.cmp(&b.record.code));
    let Some(first) = points.first() else {
        return Err(AppError::not_found("这个镇街没有在用的服务点。").into());
    };
    let title = first.record.town.clone();
    let signs: Vec<Sign<'_>> = points
        .iter()
        .map(|point| Sign { point, address: permanent_address(base.as_ref(), point.record.code.as_str()) })
        .collect();
    Ok(signs_page(&title, &signs))
}
