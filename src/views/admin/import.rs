//! Bulk import: the upload form, the dry run, the result.

use maud::{Markup, html};

use super::{csrf_field, layout};
use crate::db::point_writes::UpsertSummary;
use crate::domain::fields::PointField;
use crate::domain::staff::Staff;
use crate::domain::{PointRecord, ServicePoint};
use crate::points::csv_file::RowError;
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
                label.check { input type="checkbox" name="retire_missing" value="1"; "文件是完整名单：撤销文件中没有的服务点" }
                button type="submit" { "预览" }
            }
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
    pub rows: usize,
    pub errors: &'a [RowError],
    pub added: &'a [&'a PointRecord],
    pub changed: &'a [(&'a PointRecord, Vec<PointField>)],
    pub retired: &'a [&'a ServicePoint],
    pub unchanged: usize,
    pub retire_missing: bool,
    /// The decoded file, posted back on apply.
    pub content: &'a str,
    /// The stored points' state this preview was made against, posted back on apply.
    pub fingerprint: &'a str,
    /// Why the preview is shown again, if it is.
    pub notice: Option<&'a str>,
}

pub fn import_result_page(staff: &Staff, preview: &ImportPreview<'_>) -> Markup {
    layout(
        "导入预览",
        Some(staff),
        html! {
            h1 { "导入预览" }
            @if let Some(notice) = preview.notice { p.problem role="alert" { (notice) } }
            p { "文件编码：" (preview.encoding) "；" (preview.rows) " 行有效。" }
            @if !preview.errors.is_empty() {
                div.problem role="alert" {
                    p { strong { "有 " (preview.errors.len()) " 行有问题，不能导入。" } "请修改后重新上传：" }
                    ul.row-errors { @for error in preview.errors { li { "第 " (error.line) " 行：" (error.reason) } } }
                }
                p { a href="/admin/import" { "重新上传" } }
            } @else {
                ul.summary {
                    li { "新增 " strong.added { (preview.added.len()) } " 个" }
                    li { "修改 " strong.changed { (preview.changed.len()) } " 个" }
                    li { "撤销 " strong.retired { (preview.retired.len()) } " 个" }
                    li { "不变 " (preview.unchanged) " 个" }
                }
                @if !preview.added.is_empty() {
                    h2 { "新增" }
                    ul.added { @for r in preview.added { li { (r.code) " " (r.name) "（" (r.town) "）" } } }
                }
                @if !preview.changed.is_empty() {
                    h2 { "修改" }
                    ul.changed { @for (r, fields) in preview.changed { li { (r.code) " " (r.name) "：" (fields.iter().map(|field| field.label_zh()).collect::<Vec<_>>().join("、")) } } }
                }
                @if !preview.retired.is_empty() {
                    h2 { "撤销" }
                    ul.retired { @for p in preview.retired { li { (p.record.code) " " (p.record.name) "（" (p.record.town) "）" } } }
                }
                form method="post" action="/admin/import/apply" {
                    (csrf_field(staff))
                    input type="hidden" name="retire_missing" value=(if preview.retire_missing { "1" } else { "0" });
                    input type="hidden" name="fingerprint" value=(preview.fingerprint);
                    textarea name="content" hidden { (preview.content) }
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
            p { a href="/admin/points?recent=1" { "查看最近修改的服务点" } }
        },
    )
}
