//! Bulk import (dry run, then apply, in one transaction) and export, for staff.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::upload::CsrfUpload;
use super::{CsrfForm, Staff};
use crate::app::AppState;
use crate::db::point_writes::Change;
use crate::domain::fields::{PointField, differing_fields};
use crate::domain::{PointRecord, ServicePoint};
use crate::error::PageResult;
use crate::points::csv_file::{self, RowError};
use crate::views::admin::{self, ImportPreview};
use crate::web::geojson;
use crate::web::hex::hex;
use sha2::{Digest, Sha256};

pub async fn import_page(staff: Staff) -> Response {
    admin::import_page(&staff, None).into_response()
}

/// Reads the upload and shows what applying it would do; changes nothing.
pub async fn dry_run(State(state): State<AppState>, upload: CsrfUpload) -> PageResult<Response> {
    let retire_missing = upload.field("retire_missing").is_some();
    let CsrfUpload { staff, csv, .. } = upload;
    match csv {
        Ok(csv) => preview(&state, &staff, csv.text, csv.encoding, retire_missing, None).await,
        Err(problem) => {
            Ok((problem.status(), admin::import_page(&staff, Some(&problem.message()))).into_response())
        }
    }
}

/// Identifies the stored points' state (codes, versions, retired or not): the dry run shows
/// it, and apply refuses when it changed in between, since the preview would no longer be what
/// happens.
fn fingerprint(points: &[ServicePoint]) -> String {
    let mut hasher = Sha256::new();
    for point in points {
        hasher.update(format!("{}:{}:{}\n", point.record.code, point.version, point.active));
    }
    hex(&hasher.finalize())
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
    let attachment = [(header::CONTENT_DISPOSITION, "attachment; filename=\"legalmap-points.geojson\"")];
    Ok((attachment, geojson::response(geojson::point_collection(&points))?).into_response())
}
