//! The change log page and its CSV export: who changed which point, when (Beijing time), and
//! which fields from what to what.

use maud::{Markup, html};

use super::layout;
use super::points::page_links;
use crate::domain::account_event::AccountEvent;
use crate::domain::change_log::{CSV_PATH, ChangeLogQuery, LOG_PATH, date_text};
use crate::domain::history::HistoryEntry;
use crate::domain::paging::Page;
use crate::domain::staff::Staff;
use crate::views::format;

/// One row of the change log: a change to a point, or to a staff account (created, disabled,
/// password reset, unlocked...), shown in the same columns (time, who, what, details).
#[derive(Debug, Clone, PartialEq)]
pub enum LogEntry {
    /// Boxed: a history entry (two copies of a point) is far larger than an account event.
    Point(Box<HistoryEntry>),
    Account(AccountEvent),
}

impl LogEntry {
    /// When, as stored (RFC 3339 UTC).
    pub fn changed_at(&self) -> &str {
        match self {
            Self::Point(entry) => &entry.changed_at,
            Self::Account(event) => &event.at,
        }
    }

    fn changed_by(&self) -> &str {
        match self {
            Self::Point(entry) => &entry.changed_by,
            Self::Account(event) => &event.actor,
        }
    }
}

/// Everything the change log page shows.
pub struct ChangesView<'a> {
    pub staff: &'a Staff,
    pub query: &'a ChangeLogQuery,
    pub page: Page,
    /// This page's rows, newest first.
    pub entries: &'a [LogEntry],
    /// (code, name) of every town, for the filter.
    pub towns: &'a [(&'a str, &'a str)],
    /// Everyone who has changed something, for the filter.
    pub people: &'a [String],
}

pub fn changes_page(view: &ChangesView<'_>) -> Markup {
    let query = view.query;
    let date_value = |date: Option<time::Date>| date.map(date_text).unwrap_or_default();
    layout(
        "修改记录",
        Some(view.staff),
        html! {
            h1 { "修改记录" }
            p.note { "全区所有服务点的修改，最新的在前；时间为北京时间。" }
            form.filters method="get" action=(LOG_PATH) {
                label { "镇（街道）"
                    select name="town" {
                        option value="" { "全部" }
                        @for (code, name) in view.towns { option value=(code) selected[query.town.as_deref() == Some(*code)] { (name) } }
                    }
                }
                label { "修改人"
                    select name="person" {
                        option value="" { "全部" }
                        @for person in view.people { option value=(person) selected[query.person.as_ref() == Some(person)] { (person) } }
                    }
                }
                label { "从（含）" input type="date" name="from" value=(date_value(query.from)); }
                label { "到（含）" input type="date" name="to" value=(date_value(query.to)); }
                button type="submit" { "筛选" }
            }
            p.count {
                "共 " (view.page.total) " 条，第 " (view.page.number) "/" (view.page.count) " 页 · "
                a href=(query.href(CSV_PATH, 1)) { "导出 CSV（Excel 可直接打开）" }
            }
            div.table-scroll {
                table.changes-log.cards {
                    thead { tr { th { "时间" } th { "修改人" } th { "服务点" } th { "修改内容" } } }
                    tbody {
                        @for entry in view.entries {
                            tr {
                                td data-label="时间" { time datetime=(entry.changed_at()) { (format::date_time(entry.changed_at())) } }
                                td data-label="修改人" { (entry.changed_by()) }
                                @match entry {
                                    LogEntry::Point(point) => { (point_cells(point)) }
                                    LogEntry::Account(event) => { (account_cells(event)) }
                                }
                            }
                        }
                    }
                }
            }
            (page_links(view.page, |number| query.href(LOG_PATH, number)))
        },
    )
}

/// A point change's cells: the point (linked) and its changed fields.
fn point_cells(entry: &HistoryEntry) -> Markup {
    html! {
        td data-label="服务点" { a href={ "/admin/points/" (entry.code) } { (entry.new.record.name) } " " span.note { (entry.code) } }
        td {
            strong { (format::history_action(entry.action)) }
            @if let Some(reason) = &entry.reason { " · 原因：" (reason) }
            ul.field-changes {
                @for change in entry.changes() {
                    li {
                        (change.field.label_zh()) "："
                        @if let Some(old) = &change.old { (format::changed_value(change.field, old)) " → " }
                        (format::changed_value(change.field, &change.new))
                    }
                }
            }
        }
    }
}

/// An account event's cells: the account, and what happened to it.
fn account_cells(event: &AccountEvent) -> Markup {
    html! {
        td data-label="账号" { "账号 " strong { (event.username) } }
        td {
            strong { (event.action.label_zh()) }
            @if let Some(detail) = &event.detail { " · " (detail) }
        }
    }
}

/// Spreadsheets run a cell starting with `=`, `+`, `-` or `@` as a formula: such a value gets a
/// leading apostrophe, which Excel hides.
fn cell(value: String) -> String {
    if value.starts_with(['=', '+', '-', '@']) { format!("'{value}") } else { value }
}

/// The UTF-8 byte-order mark: without it Excel reads a CSV as the local code page.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The change log as CSV: one row per changed field (a change of no field, one row), the stored
/// RFC 3339 UTC time and the Beijing time side by side.
pub fn change_log_csv(entries: &[LogEntry]) -> Result<Vec<u8>, std::io::Error> {
    let mut writer = csv::Writer::from_writer(BOM.to_vec());
    writer.write_record([
        "时间（UTC，RFC 3339）",
        "北京时间",
        "修改人",
        "操作",
        "服务点编码",
        "服务点名称",
        "字段",
        "原值",
        "新值",
        "原因",
    ])?;
    for entry in entries {
        match entry {
            LogEntry::Account(event) => {
                writer.write_record([
                    event.at.clone(),
                    format::date_time(&event.at),
                    cell(event.actor.clone()),
                    event.action.label_zh().to_owned(),
                    String::new(),
                    cell(format!("账号：{}", event.username)),
                    String::new(),
                    String::new(),
                    String::new(),
                    cell(event.detail.clone().unwrap_or_default()),
                ])?;
            }
            LogEntry::Point(point) => {
                let head = [
                    point.changed_at.clone(),
                    format::date_time(&point.changed_at),
                    cell(point.changed_by.clone()),
                    format::history_action(point.action).to_owned(),
                    point.code.clone(),
                    cell(point.new.record.name.clone()),
                ];
                let reason = cell(point.reason.clone().unwrap_or_default());
                let changes = point.changes();
                if changes.is_empty() {
                    let row = head.iter().cloned().chain([
                        String::new(),
                        String::new(),
                        String::new(),
                        reason.clone(),
                    ]);
                    writer.write_record(row.collect::<Vec<_>>())?;
                }
                for change in changes {
                    let old = change.old.as_ref().map(|old| format::changed_value(change.field, old));
                    let new = format::changed_value(change.field, &change.new);
                    let tail = [
                        change.field.label_zh().to_owned(),
                        cell(old.unwrap_or_default()),
                        cell(new),
                        reason.clone(),
                    ];
                    writer.write_record(head.iter().cloned().chain(tail).collect::<Vec<_>>())?;
                }
            }
        }
    }
    writer.into_inner().map_err(|error| error.into_error())
}
