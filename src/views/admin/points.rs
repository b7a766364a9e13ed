//! The staff list of points and a point's history.

use maud::{Markup, html};
use serde::Deserialize;

use super::{csrf_field, layout};
use crate::domain::history::HistoryEntry;
use crate::domain::staff::Staff;
use crate::domain::{LocationQuality, ServicePoint};
use crate::views::format;

/// The list's filters, as in the query string.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PointFilter {
    pub town: Option<String>,
    pub quality: Option<String>,
    /// `yes` or `no`.
    pub verified: Option<String>,
    /// `1`: changed within the last 7 days.
    pub recent: Option<String>,
    pub q: Option<String>,
    /// `1`: include retired points.
    pub retired: Option<String>,
}

impl PointFilter {
    fn matches(&self, point: &ServicePoint, recent_since: &str) -> bool {
        let text = |field: &Option<String>| {
            field.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned)
        };
        let r = &point.record;
        text(&self.town).is_none_or(|town| r.town_code == town)
            && text(&self.quality).is_none_or(|q| r.location_quality.as_str() == q)
            && text(&self.verified).is_none_or(|v| (v == "yes") == point.verified.is_some())
            && (text(&self.recent).is_none() || point.updated_at.as_str() >= recent_since)
            && text(&self.q).is_none_or(|q| r.name.contains(&q) || r.code.as_str().contains(&q))
            && (point.active || text(&self.retired).is_some())
    }
}

pub fn points_page(
    staff: &Staff,
    points: &[ServicePoint],
    filter: &PointFilter,
    recent_since: &str,
) -> Markup {
    let mut towns: Vec<(&str, &str)> =
        points.iter().map(|p| (p.record.town_code.as_str(), p.record.town.as_str())).collect();
    towns.sort();
    towns.dedup();
    let shown: Vec<&ServicePoint> = points.iter().filter(|p| filter.matches(p, recent_since)).collect();
    let selected = |field: &Option<String>, value: &str| field.as_deref() == Some(value);
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
                        @for (code, name) in &towns { option value=(code) selected[selected(&filter.town, code)] { (name) } }
                    }
                }
                label { "位置质量"
                    select name="quality" {
                        option value="" { "全部" }
                        @for quality in LocationQuality::ALL {
                            option value=(quality) selected[selected(&filter.quality, quality.as_str())] { (format::location_quality(*quality)) }
                        }
                    }
                }
                label { "核实"
                    select name="verified" {
                        option value="" { "全部" }
                        option value="yes" selected[selected(&filter.verified, "yes")] { "已核实" }
                        option value="no" selected[selected(&filter.verified, "no")] { "未核实" }
                    }
                }
                label { "名称或编码" input name="q" value=(filter.q.as_deref().unwrap_or("")); }
                label.check { input type="checkbox" name="recent" value="1" checked[filter.recent.is_some()]; "近 7 天修改" }
                label.check { input type="checkbox" name="retired" value="1" checked[filter.retired.is_some()]; "含已撤销" }
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
