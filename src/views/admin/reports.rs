//! The residents' correction reports for staff (`/admin/reports`): one card per report, its
//! point linked to the edit page, the attached location with its accuracy and how far it lies
//! from the point's stored position, and the close button.

use maud::{Markup, html};

use super::points::page_links;
use super::{csrf_field, layout};
use crate::domain::Datum;
use crate::domain::paging::Page;
use crate::domain::report::{MAX_CLOSE_NOTE_CHARS, Report, ReportLocation, ReportState};
use crate::domain::staff::Staff;
use crate::views::format;

/// Everything the reports page shows.
pub struct ReportsView<'a> {
    pub staff: &'a Staff,
    pub state: ReportState,
    pub page: Page,
    /// This page's reports.
    pub reports: &'a [Report],
    /// The report just closed (from the redirect after closing), for the banner.
    pub just_closed: Option<i64>,
    /// `--max-gps-accuracy-m`: a location less accurate than this is flagged as rough.
    pub max_gps_accuracy_m: f64,
}

fn list_href(state: ReportState, page: usize) -> String {
    let base = match state {
        ReportState::Open => "/admin/reports".to_owned(),
        ReportState::Closed => "/admin/reports?state=closed".to_owned(),
    };
    match page {
        1 => base,
        page if state == ReportState::Open => format!("{base}?page={page}"),
        page => format!("{base}&page={page}"),
    }
}

pub fn reports_page(view: &ReportsView<'_>) -> Markup {
    let state = view.state;
    let tab = |this: ReportState, label: &str| {
        html! {
            @if this == state { span aria-current="page" { (label) } }
            @else { a href=(list_href(this, 1)) { (label) } }
        }
    };
    layout(
        "居民纠错",
        Some(view.staff),
        html! {
            h1 { "居民纠错" }
            @if let Some(id) = view.just_closed {
                p.banner.saved #report-closed role="status" tabindex="-1" autofocus { "已关闭纠错 #" (id) "。" }
            }
            p.note {
                "居民在服务点页面点“位置不对？告诉我们”发来的纠错，仅工作人员可见；不含发送人的任何身份信息。核实后请在编辑页更正，再关闭纠错。时间为北京时间。"
            }
            @if let Some(towns) = view.staff.town_limit() {
                p.note { "您的账号只显示以下镇（街道）服务点的纠错：" (towns.join("、")) "。" }
            }
            nav.tabs aria-label="纠错筛选" { (tab(ReportState::Open, "未处理")) (tab(ReportState::Closed, "已关闭")) }
            p.count { "共 " (view.page.total) " 条" @if view.page.count > 1 { "，第 " (view.page.number) "/" (view.page.count) " 页" } }
            @if view.reports.is_empty() {
                p { @if state == ReportState::Open { "没有未处理的纠错。" } @else { "还没有关闭的纠错。" } }
            }
            ol.reports {
                @for report in view.reports { (report_card(view, report)) }
            }
            (page_links(view.page, |number| list_href(state, number)))
        },
    )
}

fn report_card(view: &ReportsView<'_>, report: &Report) -> Markup {
    let edit = format!("/admin/points/{}", report.code);
    html! {
        li.report-card #{ "report-" (report.id) } {
            h2 {
                @match &report.point {
                    Some(point) => { a href=(edit) { (point.name) } " " span.town { (point.town) } }
                    None => { "服务点 " (report.code) "（已不存在）" }
                }
            }
            p.meta {
                strong.badge.kind { (report.kind.label_zh()) }
                " 收到于 " time datetime=(report.received_at) { (format::date_time(&report.received_at)) }
                " · #" (report.id)
            }
            @if let Some(text) = &report.description { p.report-text { (text) } }
            @if let Some(location) = report.location {
                (location_block(report, location, view.max_gps_accuracy_m))
            }
            @match &report.closed {
                Some(closed) => {
                    p.closed {
                        "已由 " (closed.by) " 于 " time datetime=(closed.at) { (format::date_time(&closed.at)) } " 关闭"
                        @if let Some(note) = &closed.note { "。备注：" (note) }
                    }
                }
                None => {
                    form.close-report method="post" action={ "/admin/reports/" (report.id) "/close" } {
                        (csrf_field(view.staff))
                        label for={ "note-" (report.id) } { "备注（可不填，如“已更正电话”）" }
                        input #{ "note-" (report.id) } name="note" maxlength=(MAX_CLOSE_NOTE_CHARS) autocomplete="off";
                        button type="submit" { "关闭" }
                    }
                }
            }
        }
    }
}

/// The attached location: coordinates, accuracy, distance from the point as stored, and links
/// that show it on a map (Amap in GCJ-02, OpenStreetMap in WGS-84).
fn location_block(report: &Report, location: ReportLocation, max_accuracy_m: f64) -> Markup {
    let at = location.at;
    let gcj = Datum::Gcj02.from_wgs84(at);
    let amap = format!(
        "https://uri.amap.com/marker?position={:.6},{:.6}&name={}&coordinate=gaode&src=legalmap",
        gcj.lon(),
        gcj.lat(),
        form_urlencoded::byte_serialize("居民纠错附带的位置".as_bytes()).collect::<String>()
    );
    let osm = format!(
        "https://www.openstreetmap.org/?mlat={lat:.6}&mlon={lon:.6}#map=18/{lat:.6}/{lon:.6}",
        lat = at.lat(),
        lon = at.lon()
    );
    html! {
        div.report-location {
            p {
                "附带位置（居民发送时所在）：" span.coords { (format!("{:.6}, {:.6}", at.lat(), at.lon())) } "（WGS-84 纬度, 经度）"
                "，精度约 " (format!("{:.0}", location.accuracy_m)) " 米"
                @if location.accuracy_m > max_accuracy_m { strong { "（精度较差，仅供参考）" } }
                @if let Some(point) = &report.point {
                    "；距服务点现在的位置约 " (format::distance(at.distance_m(point.location)))
                }
                "。"
            }
            p.links {
                a href=(amap) rel="noopener" target="_blank" { "在高德地图查看" }
                " · "
                a href=(osm) rel="noopener" target="_blank" { "在 OpenStreetMap 查看" }
                @if report.point.is_some() {
                    " · " a href={ "/admin/points/" (report.code) } { "打开编辑页更正" }
                }
            }
        }
    }
}
