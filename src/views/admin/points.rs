//! The staff list of points and a point's history.

use maud::{Markup, html};

use super::{csrf_field, layout};
use crate::domain::history::HistoryEntry;
use crate::domain::staff::Staff;
use crate::domain::{LocationQuality, PointFilter, ServicePoint};
use crate::views::format;

/// Every point's town is offered in the form; the list shows the points `filter` lets through.
pub fn points_page(staff: &Staff, points: &[ServicePoint], filter: &PointFilter) -> Markup {
    let mut towns: Vec<(&str, &str)> =
        points.iter().map(|p| (p.record.town_code.as_str(), p.record.town.as_str())).collect();
    towns.sort();
    towns.dedup();
    let shown: Vec<&ServicePoint> = points.iter().filter(|p| filter.matches(p)).collect();
    layout(
        "服务点",
        Some(staff),
        html! {
            h1 { "服务点" }
            p { a.button href="/admin/points/new" { "新增服务点" } }
            form.filters method="get" action="/admin/points" {
                label { "镇（街道）"
                    select name="town" {
                        option value="" { "全部" }
                        @for (code, name) in &towns { option value=(code) selected[filter.town.as_deref() == Some(*code)] { (name) } }
                    }
                }
                label { "位置质量"
                    select name="quality" {
                        option value="" { "全部" }
                        @for quality in LocationQuality::ALL {
                            option value=(quality) selected[filter.quality == Some(*quality)] { (format::location_quality(*quality)) }
                        }
                    }
                }
                label { "核实"
                    select name="verified" {
                        option value="" { "全部" }
                        option value="yes" selected[filter.verified == Some(true)] { "已核实" }
                        option value="no" selected[filter.verified == Some(false)] { "未核实" }
                    }
                }
                label { "名称、镇街或编码" input name="q" value=(filter.text.as_deref().unwrap_or("")); }
                label.check { input type="checkbox" name="recent" value="1" checked[filter.changed_since.is_some()]; "近 7 天修改" }
                label.check { input type="checkbox" name="retired" value="1" checked[filter.include_retired]; "含已撤销" }
                button type="submit" { "筛选" }
            }
            p { "共 " (shown.len()) " 个" }
            table.points {
                thead { tr { th { "名称" } th { "镇（街道）" } th { "位置" } th { "核实" } th { "更新" } } }
                tbody {
                    @for point in &shown {
                        tr.retired[!point.active] {
                            td { a href={ "/admin/points/" (point.record.code) } { (point.record.name) } @if !point.active { " （已撤销）" } }
                            td { (point.record.town) }
                            td { (point.record.location_quality.as_str()) }
                            td { @if let Some(v) = &point.verified { (v.by) " " (format::date(&v.at)) } @else { "—" } }
                            td { (format::date(&point.updated_at)) }
                        }
                    }
                }
            }
        },
    )
}

pub fn history_page(staff: &Staff, point: &ServicePoint, history: &[HistoryEntry]) -> Markup {
    layout(
        "修改历史",
        Some(staff),
        html! {
            h1 { (point.record.name) " 的修改历史" }
            p { a href={ "/admin/points/" (point.record.code) } { "返回编辑" } }
            ol.history {
                @for entry in history {
                    li {
                        h2 { "第 " (entry.version) " 版 · " (entry.action.as_str()) " · " (entry.changed_by) " · " (entry.changed_at) }
                        @if let Some(reason) = &entry.reason { p { "原因：" (reason) } }
                        table {
                            thead { tr { th { "字段" } th { "原值" } th { "新值" } } }
                            tbody {
                                @for change in entry.changes() {
                                    tr {
                                        td { (change.field.label_zh()) }
                                        td { (change.old.as_ref().map(format::field_value).unwrap_or_default()) }
                                        td { (format::field_value(&change.new)) }
                                    }
                                }
                            }
                        }
                        @if let Some(batch_id) = entry.import_batch_id { (super::undo_import_button(staff, batch_id)) }
                        @if entry.version != point.version {
                            form method="post" action={ "/admin/points/" (point.record.code) "/restore" } {
                                (csrf_field(staff))
                                input type="hidden" name="version" value=(point.version);
                                input type="hidden" name="history_id" value=(entry.id);
                                button type="submit" { "恢复到这一版" }
                            }
                        }
                    }
                }
            }
        },
    )
}
