//! Bulk import (dry run, then apply, in one transaction) and export, for staff.
//!
//! Uploads may be UTF-8 (with or without a byte-order mark) or GBK/GB18030, as Excel on a
//! Chinese Windows saves CSV.

use axum::extract::{Multipart, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::session::check_csrf;
use super::{CsrfForm, Staff};
use crate::app::AppState;
use crate::db::point_writes::Change;
use crate::domain::fields::{PointField, differing_fields};
use crate::domain::{PointRecord, ServicePoint};
use crate::error::PageResult;
use crate::points::csv_file::{self, RowError};
use crate::routes::geojson::FeatureCollection;
use crate::views::admin::{self, ImportPreview};
use crate::web::upload::{MAX_UPLOAD_BYTES, max_upload_label};
use sha2::{Digest, Sha256};

pub async fn import_page(staff: Staff) -> Response {
    admin::import_page(&staff, None).into_response()
}

/// Text of an uploaded CSV and the encoding it was read in.
pub fn decode_upload(bytes: &[u8]) -> Result<(String, &'static str), String> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return std::str::from_utf8(rest)
            .map(|text| (text.to_owned(), "UTF-8（带 BOM）"))
            .map_err(|_| "文件以 UTF-8 标记开头，但内容不是有效的 UTF-8。".to_owned());
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok((text.to_owned(), "UTF-8"));
    }
    let (text, _, had_errors) = encoding_rs::GB18030.decode(bytes);
    if had_errors {
        return Err("无法识别文件编码：请保存为 UTF-8 或 GBK（Excel 的“CSV（逗号分隔）”）。".into());
    }
    Ok((text.into_owned(), "GBK/GB18030"))
}

fn bad_upload(staff: &Staff, message: &str) -> Response {
    (StatusCode::UNPROCESSABLE_ENTITY, admin::import_page(staff, Some(message))).into_response()
}

/// Reads the upload and shows what applying it would do; changes nothing.
pub async fn dry_run(
    State(state): State<AppState>,
    staff: Staff,
    mut multipart: Multipart,
) -> PageResult<Response> {
    let (mut csrf, mut file, mut retire_missing) = (None, None, false);
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(_) => {
                let message = format!("上传内容不完整或过大（文件最大 {}），请重试。", max_upload_label());
                return Ok(bad_upload(&staff, &message));
            }
        };
        match field.name().unwrap_or("") {
            "csrf" => csrf = field.text().await.ok(),
            "retire_missing" => retire_missing = true,
            "file" => match field.bytes().await {
                Ok(bytes) if bytes.len() <= MAX_UPLOAD_BYTES => file = Some(bytes),
                _ => return Ok(bad_upload(&staff, &format!("文件过大（最大 {}）。", max_upload_label()))),
            },
            _ => {}
        }
    }
    check_csrf(&staff, csrf.as_deref())?;
    let Some(bytes) = file.filter(|bytes| !bytes.is_empty()) else {
        return Ok(bad_upload(&staff, "请选择一个 CSV 文件。"));
    };
    let (text, encoding) = match decode_upload(&bytes) {
        Ok(decoded) => decoded,
        Err(message) => return Ok(bad_upload(&staff, &message)),
    };
    preview(&state, &staff, text, encoding, retire_missing, None).await
}

/// Identifies the stored points' state (codes, versions, retired or not): the dry run shows
/// it, and apply refuses when it changed in between, since the preview would no longer be what
/// happens.
fn fingerprint(points: &[ServicePoint]) -> String {
    let mut hasher = Sha256::new();
    for point in points {
        hasher.update(format!("{}:{}:{}\n", point.record.code, point.version, point.active));
    }
    hasher.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

async fn preview(
    state: &AppState,
    staff: &Staff,
    text: String,
    encoding: &str,
    retire_missing: bool,
    notice: Option<&str>,
) -> PageResult<Response> {
    let parsed = csv_file::read_points(text.as_bytes());
    let current = state.db.all_points().await?;
    let (records, errors): (Vec<PointRecord>, Vec<RowError>) = match parsed {
        Ok(records) => (records, Vec::new()),
        Err(errors) => (Vec::new(), errors),
    };
    let plan = Plan::new(&current, &records, retire_missing);
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let view = ImportPreview {
        encoding,
        rows: records.len(),
        errors: &errors,
        added: &plan.added,
        changed: &plan.changed,
        retired: &plan.retired,
        unchanged: plan.unchanged,
        retire_missing,
        content: &text,
        fingerprint: &fingerprint(&current),
        notice,
    };
    Ok((status, admin::import_result_page(staff, &view)).into_response())
}

/// What an import would do.
struct Plan<'a> {
    added: Vec<&'a PointRecord>,
    changed: Vec<(&'a PointRecord, Vec<PointField>)>,
    retired: Vec<&'a ServicePoint>,
    unchanged: usize,
}

impl<'a> Plan<'a> {
    fn new(current: &'a [ServicePoint], records: &'a [PointRecord], retire_missing: bool) -> Self {
        let stored = |code: &str| current.iter().find(|p| p.record.code.as_str() == code);
        let mut plan = Plan { added: Vec::new(), changed: Vec::new(), retired: Vec::new(), unchanged: 0 };
        for record in records {
            match stored(record.code.as_str()) {
                None => plan.added.push(record),
                Some(point) => match differing_fields(point, record) {
                    fields if fields.is_empty() => plan.unchanged += 1,
                    fields => plan.changed.push((record, fields)),
                },
            }
        }
        if retire_missing {
            plan.retired = current
                .iter()
                .filter(|p| p.active && !records.iter().any(|r| r.code == p.record.code))
                .collect();
        }
        plan
    }
}

#[derive(Debug, Deserialize)]
pub struct ApplyForm {
    content: Option<String>,
    retire_missing: Option<String>,
    /// The stored points' fingerprint when the dry run was shown.
    fingerprint: Option<String>,
}

/// Applies a previewed import: every row or none, with history.
pub async fn apply(
    State(state): State<AppState>,
    CsrfForm { staff, form }: CsrfForm<ApplyForm>,
) -> PageResult<Response> {
    let text = form.content.unwrap_or_default();
    let retire_missing = form.retire_missing.as_deref() == Some("1");
    let records = match csv_file::read_points(text.as_bytes()) {
        Ok(records) => records,
        // The previewed text no longer parses (edited in between?): show the dry run again.
        Err(_) => return preview(&state, &staff, text, "UTF-8", retire_missing, None).await,
    };
    let current = state.db.all_points().await?;
    if form.fingerprint.as_deref() != Some(fingerprint(&current).as_str()) {
        let notice = "预览之后服务点已被修改，以下是按现在的数据重新生成的预览，请核对后再确认导入。";
        return preview(&state, &staff, text, "UTF-8", retire_missing, Some(notice)).await;
    }
    let reason = format!("批量导入 {} 行", records.len());
    let change = Change { actor: &staff.user.username, reason: Some(&reason) };
    let summary = state.db.upsert_points(&records, change, retire_missing).await?;
    state.reload_index().await?;
    Ok(admin::import_done_page(&staff, &summary).into_response())
}

/// The active points as CSV, UTF-8 with a byte-order mark so Excel reads the Chinese right.
pub async fn export_csv(State(state): State<AppState>, _staff: Staff) -> PageResult<Response> {
    let points = state.db.active_points().await?;
    let mut csv = b"\xEF\xBB\xBF".to_vec();
    csv_file::write_points(&mut csv, points.iter().map(|p| &p.record))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"legalmap-points.csv\""),
        ],
        csv,
    )
        .into_response())
}

/// The active points as GeoJSON (WGS-84).
pub async fn export_geojson(State(state): State<AppState>, _staff: Staff) -> PageResult<Response> {
    let points = state.db.active_points().await?;
    let collection: FeatureCollection<'_> = points.iter().collect();
    let json = serde_json::to_vec(&collection)?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/geo+json"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"legalmap-points.geojson\""),
        ],
        json,
    )
        .into_response())
}
