//! The applied imports and the result of undoing one.

use maud::{Markup, html};

use super::{csrf_field, layout};
use crate::domain::import_batch::{ImportBatch, UndoOutcome};
use crate::domain::staff::Staff;
use crate::views::format;

/// The "撤销这次导入" button of an import (here and in a point's history).
pub fn undo_import_button(staff: &Staff, batch_id: i64) -> Markup {
    html! {
        form.undo-import method="post" action={ "/admin/imports/" (batch_id) "/undo" } {
            (csrf_field(staff))
            button type="submit" { "撤销这次导入" }
        }
    }
}

pub fn imports_page(staff: &Staff, batches: &[ImportBatch]) -> Markup {
    layout(
        "导入记录",
        Some(staff),
        html! {
            h1 { "导入记录" }
            p { "每次导入都可以一步撤销：导入修改过的服务点恢复到导入前的内容（作为新版本，并记入修改历史）；导入之后又被修改过的服务点不会被覆盖，会单独列出。" }
            @if batches.is_empty() {
                p { "还没有导入过文件。" }
            } @else {
                // A list of short blocks rather than a table: nine columns do not fit a phone.
                ul.imports {
                    @for batch in batches {
                        li id={ "import-" (batch.id) } {
                            h2 { "#" (batch.id) " · " (batch.file_name) }
                            p { (batch.applied_by) " · " (format::date_time(&batch.applied_at)) }
                            p {
                                "新增 " (batch.added) "，修改 " (batch.changed) "，撤销 " (batch.retired)
                                "，不变 " (batch.unchanged)
                            }
                            @match &batch.undone {
                                Some(undone) => p.undone { "已由 " (undone.by) " 于 " (format::date_time(&undone.at)) " 撤销" },
                                None => (undo_import_button(staff, batch.id)),
                            }
                        }
                    }
                }
            }
            p { a href="/admin/import" { "导入新文件" } }
        },
    )
}

pub fn undo_done_page(staff: &Staff, outcome: &UndoOutcome) -> Markup {
    let batch = &outcome.batch;
    layout(
        "导入已撤销",
        Some(staff),
        html! {
            h1 { "导入 #" (batch.id) " 已撤销" }
            p role="status" {
                "文件 " (batch.file_name) "（" (batch.applied_by) " 于 " (format::date_time(&batch.applied_at)) " 导入）：恢复 "
                strong.restored { (outcome.restored.len()) } " 个服务点到导入前的内容。"
            }
            @if !outcome.skipped.is_empty() {
                div.problem role="alert" {
                    p { strong.skipped { (outcome.skipped.len()) } " 个服务点在导入之后又被修改过，没有撤销（以免覆盖同事的修改），请逐个核对：" }
                    ul.skipped {
                        @for skipped in &outcome.skipped {
                            li {
                                a href={ "/admin/points/" (skipped.point.code) "/history" } { (skipped.point.code) " " (skipped.point.name) }
                                "：最近由 " (skipped.changed_by) " 于 " (format::date_time(&skipped.changed_at)) " 修改"
                            }
                        }
                    }
                }
            }
            @if !outcome.restored.is_empty() {
                h2 { "已恢复" }
                ul.restored {
                    @for point in &outcome.restored {
                        li { a href={ "/admin/points/" (point.code) "/history" } { (point.code) " " (point.name) } }
                    }
                }
            }
            p { a href="/admin/imports" { "返回导入记录" } }
        },
    )
}
