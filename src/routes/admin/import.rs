//! Bulk import (dry run, then apply, in one transaction, as a batch that can be undone from
//! `/admin/imports`) and export, for staff.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::upload::CsrfUpload;
use super::{CsrfForm, Staff, require, require_town};
use crate::app::AppState;
use crate::db::Change;
use crate::domain::ServicePoint;
use crate::domain::staff::Role;
use crate::error::PageResult;
use crate::points::csv_file;
use crate::points::import_plan::Plan;
use crate::views::admin::{self, ImportPreview};
use crate::web::geojson;
use crate::web::hex::hex;
use sha2::{Digest, Sha256};

pub async fn import_page(staff: Staff) -> Response {
    admin::import_page(&staff, None).into_response()
}

/// "The file is the complete list" retires points: admins only. Asked by an editor (a crafted
/// form: the option is not shown to them), the request is refused.
fn check_retire_missing(staff: &Staff, retire_missing: bool) -> PageResult<()> {
    if retire_missing { require(staff, Role::Admin) } else { Ok(()) }
}

/// Reads the upload and shows what applying it would do; changes nothing.
pub async fn dry_run(State(state): State<AppState>, upload: CsrfUpload) -> PageResult<Response> {
    let retire_missing = upload.field("retire_missing").is_some();
    check_retire_missing(&upload.staff, retire_missing)?;
    let CsrfUpload { staff, csv, file_name, .. } = upload;
    match csv {
        Ok(csv) => {
            let upload = Upload { text: csv.text, encoding: csv.encoding, file_name, retire_missing };
            preview(&state, &staff, &upload, None).await
        }
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

/// The first town the plan would change a point in that `staff` may not change: a
/// town-limited editor imports only their towns' points.
fn town_outside_limits<'a>(staff: &Staff, plan: &Plan<'a>) -> Option<&'a str> {
    plan.towns_touched.iter().copied().find(|town| !staff.may_edit_town(town))
}

/// A file being imported, as the dry run read it and the confirmation posts it back.
struct Upload {
    text: String,
    encoding: &'static str,
    file_name: String,
    retire_missing: bool,
}

/// The preview page (again, with `notice` saying why, when apply refused).
async fn preview(
    state: &AppState,
    staff: &Staff,
    upload: &Upload,
    notice: Option<&str>,
) -> PageResult<Response> {
    let rows = csv_file::read_rows(&upload.text);
    let current = state.db.all_points().await?;
    let plan = Plan::new(&current, &rows.records, upload.retire_missing);
    let outside = town_outside_limits(staff, &plan).and_then(|town| staff.check_town(town).err());
    let notice =
        outside.as_deref().map(|why| format!("这个文件不能由您导入：{why}")).or(notice.map(str::to_owned));
    let notice = notice.as_deref();
    let status = if rows.errors.is_empty() && outside.is_none() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let view = ImportPreview {
        encoding: upload.encoding,
        file_name: &upload.file_name,
        valid_rows: rows.records.len(),
        errors: &rows.errors,
        plan: &plan,
        retire_missing: upload.retire_missing,
        content: &upload.text,
        fingerprint: &fingerprint(&current),
        notice,
    };
    Ok((status, admin::import_result_page(staff, &view)).into_response())
}

#[derive(Debug, Deserialize)]
pub struct ApplyForm {
    content: Option<String>,
    retire_missing: Option<String>,
    /// The stored points' fingerprint when the dry run was shown.
    fingerprint: Option<String>,
    /// The uploaded file's name, for the list of imports.
    file_name: Option<String>,
    /// The second confirmation of a large retirement: the number of points shown.
    confirm_retire: Option<String>,
}

/// Applies a previewed import: every row or none, with history, as one batch that can be undone.
pub async fn apply(
    State(state): State<AppState>,
    CsrfForm { staff, form }: CsrfForm<ApplyForm>,
) -> PageResult<Response> {
    let retire_missing = form.retire_missing.as_deref() == Some("1");
    check_retire_missing(&staff, retire_missing)?;
    let file_name: String = form.file_name.unwrap_or_default().trim().chars().take(200).collect();
    let upload =
        Upload { text: form.content.unwrap_or_default(), encoding: "UTF-8", file_name, retire_missing };
    let records = match csv_file::read_rows(&upload.text).into_result() {
        Ok(records) => records,
        // The previewed text no longer parses (edited in between?): show the dry run again.
        Err(_) => return preview(&state, &staff, &upload, None).await,
    };
    let current = state.db.all_points().await?;
    if form.fingerprint.as_deref() != Some(fingerprint(&current).as_str()) {
        let notice = "预览之后服务点已被修改，以下是按现在的数据重新生成的预览，请核对后再确认导入。";
        return preview(&state, &staff, &upload, Some(notice)).await;
    }
    let plan = Plan::new(&current, &records, retire_missing);
    if let Some(town) = town_outside_limits(&staff, &plan) {
        require_town(&staff, town)?;
    }
    if plan.retires_many() && form.confirm_retire.as_deref() != Some(plan.retired.len().to_string().as_str())
    {
        let notice = format!(
            "这次导入将撤销 {} 个服务点，超过现有服务点的 10%：请勾选“我确认撤销这 {} 个服务点”后再确认导入。",
            plan.retired.len(),
            plan.retired.len()
        );
        let mut refused = preview(&state, &staff, &upload, Some(&notice)).await?;
        *refused.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(refused);
    }
    let reason = format!("批量导入 {} 行（{}）", records.len(), upload.file_name);
    let change = Change { actor: &staff.user.username, reason: Some(&reason) };
    let summary = state.db.import_points(&records, change, retire_missing, &upload.file_name).await?;
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
