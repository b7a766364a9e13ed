//! The staff list of points and a point's history.

use maud::{Markup, html};

use super::{csrf_field, layout};
use crate::domain::history::HistoryEntry;
use crate::domain::paging::Page;
use crate::domain::point_filter::StaffListQuery;
use crate::domain::staff::Staff;
use crate::domain::{LocationQuality, ServicePoint};
use crate::views::format;

/// Every point's town is offered in the form; the table shows `rows`, one page of the points
/// the filters let through.
pub fn points_page(
    staff: &Staff,
    points: &[ServicePoint],
    query: &StaffListQuery,
    page: Page,
    rows: &[&ServicePoint],
) -> Markup {
    let mut towns: Vec<(&str, &str)> =
        points.iter().map(|p| (p.record.town_code.as_str(), p.record.town.as_str())).collect();
    towns.sort();
    towns.dedup();
    let here = query.href(page.number);
    let back: String = form_urlencoded::byte_serialize(here.as_bytes()).collect();
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
                        @for (code, name) in &towns { option value=(code) selected[query.town.as_deref() == Some(*code)] { (name) } }
                    }
                }
                label { "位置质量"
                    select name="quality" {
                        option value="" { "全部" }
                        @for quality in LocationQuality::ALL {
                            option value=(quality) selected[query.quality == Some(*quality)] { (format::location_quality(*quality)) }
                        }
                    }
                }
                label { "核实"
                    select name="verified" {
                        option value="" { "全部" }
                        option value="yes" selected[query.verified == Some(true)] { "已核实" }
                        option value="no" selected[query.verified == Some(false)] { "未核实" }
                    }
                }
                label { "名称、镇街或编码" input name="q" value=(query.text.as_deref().unwrap_or("")); }
                label.check { input type="checkbox" name="recent" value="1" checked[query.recent]; "近 7 天修改" }
                label.check { input type="checkbox" name="retired" value="1" checked[query.retired]; "含已撤销" }
                button type="submit" { "筛选" }
            }
            p.count { "共 " (page.total) " 个，第 " (page.number) "/" (page.count) " 页" }
            div.table-scroll {
                table.points.cards {
                    thead { tr { th { "名称" } th { "镇（街道）" } th { "位置" } th { "核实" } th { "更新" } } }
                    tbody {
                        @for point in rows {
                            tr.retired[!point.active] {
                                td { a href={ "/admin/points/" (point.record.code) "?back=" (back) } { (point.record.name) } @if !point.active { " （已撤销）" } }
                                td data-label="镇（街道）" { (point.record.town) }
                                td data-label="位置" { (format::location_quality(point.record.location_quality)) }
                                td data-label="核实" { @if let Some(v) = &point.verified { (v.by) " " (format::date(&v.at)) } @else { "—" } }
                                td data-label="更新" { (format::date(&point.updated_at)) }
                            }
                        }
                    }
                }
            }
            (page_links(page, |number| query.href(number)))
        },
    )
}

/// Links to the first, previous, next and last pages and the pages around this one.
pub fn page_links(page: Page, href: impl Fn(usize) -> String) -> Markup {
    let near = page.number.saturating_sub(2).max(1)..=(page.number + 2).min(page.count);
    html! {
        @if page.count > 1 {
            nav.pages aria-label="分页" {
                @if page.number > 1 { a href=(href(page.number - 1)) rel="prev" { "上一页" } }
                @if *near.start() > 1 { a href=(href(1)) { "1" } @if *near.start() > 2 { span { "…" } } }
                @for number in near.clone() {
                    @if number == page.number { span aria-current="page" { (number) } }
                    @else { a href=(href(number)) { (number) } }
                }
                @if *near.end() < page.count { @if *near.end() + 1 < page.count { span { "…" } } a href=(href(page.count)) { (page.count) } }
                @if page.number < page.count { a href=(href(page.number + 1)) rel="next" { "下一页" } }
            }
        }
    }
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
                        h2 { "第 " (entry.version) " 版 · " (format::history_action(entry.action)) " · " (entry.changed_by) " · " (format::date_time(&entry.changed_at)) }
                        @if let Some(reason) = &entry.reason { p { "原因：" (reason) } }
                        div.table-scroll { (changes_table(entry)) }
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

/// Which fields a change altered, from what to what (the history page and the change log).
pub fn changes_table(entry: &HistoryEntry) -> Markup {
    html! {
        table.changes {
            thead { tr { th { "字段" } th { "原值" } th { "新值" } } }
            tbody {
                @for change in entry.changes() {
                    tr {
                        td { (change.field.label_zh()) }
                        td { (change.old.as_ref().map(|old| format::changed_value(change.field, old)).unwrap_or_default()) }
                        td { (format::changed_value(change.field, &change.new)) }
                    }
                }
            }
        }
    }
}
