//! Bulk import: the upload form, the dry run, the result.

use maud::{Markup, html};

use super::{csrf_field, layout, undo_import_button};
use crate::db::UpsertSummary;
use crate::domain::staff::{Role, Staff};
use crate::points::csv_file::RowError;
use crate::points::import_plan::{Plan, RETIRE_CONFIRM_SHARE};
use crate::web::upload::max_upload_label;

pub fn import_page(staff: &Staff, problem: Option<&str>) -> Markup {
    layout(
        "导入导出",
        Some(staff),
        html! {
            h1 { "批量导入" }
            @if let Some(problem) = problem { p.problem role="alert" { (problem) } }
            p { "上传与 data/points.csv 相同列的 CSV 文件（UTF-8 或 Excel 保存的 GBK 均可，最大 " (max_upload_label()) "）。先预览，确认后再导入；导入要么全部成功，要么不做任何修改。" }
            form.stack method="post" action="/admin/import" enctype="multipart/form-data" {
                (csrf_field(staff))
                label { "CSV 文件" input type="file" name="file" accept=".csv,text/csv" required; }
                @if staff.user.role == Role::Admin {
                    label.check { input type="checkbox" name="retire_missing" value="1"; "文件是完整名单：撤销文件中没有的服务点（仅管理员）" }
                }
                button type="submit" { "预览" }
            }
            p { a href="/admin/imports" { "导入记录（可撤销已完成的导入）" } }
            h2 { "导出" }
            p {
                a.button href="/admin/export.csv" { "导出 CSV（Excel 可直接打开）" } " "
                a.button href="/admin/export.geojson" { "导出 GeoJSON" }
            }
        },
    )
}

/// What a dry run found.
pub struct ImportPreview<'a> {
    pub encoding: &'a str,
    /// The uploaded file's name, posted back on apply (for the list of imports).
    pub file_name: &'a str,
    /// Rows that passed every check.
    pub valid_rows: usize,
    /// Every bad row (one entry a row).
    pub errors: &'a [RowError],
    /// What applying the valid rows would do.
    pub plan: &'a Plan<'a>,
    pub retire_missing: bool,
    /// The decoded file, posted back on apply.
    pub content: &'a str,
    /// The stored points' state this preview was made against, posted back on apply.
    pub fingerprint: &'a str,
    /// Why the preview is shown again, if it is.
    pub notice: Option<&'a str>,
}

pub fn import_result_page(staff: &Staff, preview: &ImportPreview<'_>) -> Markup {
    let plan = preview.plan;
    let retires_many = preview.errors.is_empty() && plan.retires_many();
    let retiring = plan.retired.len();
    layout(
        "导入预览",
        Some(staff),
        html! {
            @if retires_many {
                h1 { "导入预览：将撤销 " strong.retired { (retiring) } " 个服务点" }
            } @else {
                h1 { "导入预览" }
            }
            @if let Some(notice) = preview.notice { p.problem role="alert" { (notice) } }
            p.rows {
                @if !preview.file_name.is_empty() { "文件：" (preview.file_name) "；" }
                "编码：" (preview.encoding) "；"
                strong.valid-rows { (preview.valid_rows) } " 行有效，"
                strong.bad-rows { (preview.errors.len()) } " 行有问题。"
            }
            @if !preview.errors.is_empty() {
                div.problem role="alert" {
                    p { strong { "有 " (preview.errors.len()) " 行有问题，不能导入。" } "请修改后重新上传（行号与 Excel 中的行号一致，表头是第 1 行）：" }
                    ul.row-errors { @for error in preview.errors { li { (error) } } }
                }
                p { a href="/admin/import" { "重新上传" } }
            } @else {
                ul.summary {
                    li { "新增 " strong.added { (plan.added.len()) } " 个" }
                    li { "修改 " strong.changed { (plan.changed.len()) } " 个" }
                    li { "撤销 " strong.retired { (retiring) } " 个" }
                    li { "不变 " (plan.unchanged) " 个" }
                }
                @if !plan.added.is_empty() {
                    h2 { "新增" }
                    ul.added { @for r in &plan.added { li { (r.code) " " (r.name) "（" (r.town) "）" } } }
                }
                @if !plan.changed.is_empty() {
                    h2 { "修改" }
                    ul.changed { @for (r, fields) in &plan.changed { li { (r.code) " " (r.name) "：" (fields.iter().map(|field| field.label_zh()).collect::<Vec<_>>().join("、")) } } }
                }
                @if !plan.retired.is_empty() {
                    h2 { "撤销" }
                    ul.retired { @for p in &plan.retired { li { (p.record.code) " " (p.record.name) "（" (p.record.town) "）" } } }
                }
                form.stack method="post" action="/admin/import/apply" {
                    (csrf_field(staff))
                    input type="hidden" name="retire_missing" value=(if preview.retire_missing { "1" } else { "0" });
                    input type="hidden" name="fingerprint" value=(preview.fingerprint);
                    input type="hidden" name="file_name" value=(preview.file_name);
                    textarea name="content" hidden { (preview.content) }
                    @if retires_many {
                        p.problem {
                            "将撤销的服务点超过现有 " (plan.active_before) " 个的 " ((RETIRE_CONFIRM_SHARE * 100.0).round()) "%。"
                            "如果文件只是名单的一部分，请取消勾选“文件是完整名单”后重新上传。"
                        }
                        label.check {
                            input type="checkbox" name="confirm_retire" value=(retiring) required;
                            "我确认撤销这 " (retiring) " 个服务点"
                        }
                    }
                    button type="submit" { "确认导入" }
                }
            }
        },
    )
}

pub fn import_done_page(staff: &Staff, summary: &UpsertSummary) -> Markup {
    layout(
        "导入完成",
        Some(staff),
        html! {
            h1 { "导入完成" }
            p role="status" {
                "新增 " (summary.added) " 个，修改 " (summary.changed) " 个，撤销 " (summary.retired) " 个，不变 " (summary.unchanged) " 个。已即时生效。"
            }
            p { a href="/admin/points?recent=1" { "查看最近修改的服务点" } " · " a href="/admin/imports" { "导入记录" } }
            @if let Some(batch_id) = summary.batch_id {
                p { "导入有误？可以一步撤销（导入之后又被修改的服务点不会被覆盖）：" }
                (undo_import_button(staff, batch_id))
            }
        },
    )
}
