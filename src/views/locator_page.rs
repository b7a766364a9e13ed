//! The residents' page: search, "use my location", the results list, then the map.
//! The list comes before the map in reading order; the map is an enhancement drawn by map.js.

use maud::{Markup, html};
use time::PrimitiveDateTime;

use super::format;
use super::hours::status_badge;
use super::layout::{PageContext, layout};
use crate::domain::{LEGAL_HOTLINE, LonLat, ServicePoint};
use crate::locator::grouping::Entry;
use crate::locator::travel::Mode;
use crate::locator::{Candidate, TravelBasis, Trip};
use crate::web::map::TileSource;

/// What the search form shows: the values the resident last entered.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchForm {
    pub place: String,
    pub lat: String,
    pub lon: String,
    /// `wgs84`, `gcj02` or `bd09`.
    pub crs: String,
    pub mode: Mode,
}

/// What the results panel says.
#[derive(Debug)]
pub enum Panel<'a> {
    /// Before any search.
    Welcome { total: usize, estimates: usize },
    /// The input could not be used.
    Problem { message: String },
    /// Several places match the name: pick one.
    Choices { place: String, mode: Mode, matches: Vec<&'a ServicePoint> },
    /// The nearest points from an origin.
    Results(Results<'a>),
}

#[derive(Debug)]
pub struct Results<'a> {
    pub trip: Trip,
    /// The origin where the map draws it (the tiles' datum).
    pub origin_on_map: LonLat,
    /// How the origin was given, for the heading: "您的位置", "百花社区居委会", ...
    pub origin_label: String,
    /// The query string (without `mode`) that reproduces this origin, for mode links.
    pub origin_query: String,
    /// Outside Huangyan the list is the district's nearest points, and the page says so first.
    pub origin_in_district: bool,
    /// The point the resident picked, when its location is only an estimate: the distances
    /// are then from its town's centre, and the page says so first.
    pub picked_estimate: Option<&'a ServicePoint>,
    /// Nearest first; estimates that share a spot as one line.
    pub entries: Vec<Entry<'a>>,
    /// The Beijing wall-clock time of the request: entries with known hours say whether they
    /// are open then.
    pub now: PrimitiveDateTime,
}

/// The full page.
pub fn page(context: &PageContext, form: &SearchForm, panel: &Panel<'_>, tiles: &TileSource) -> Markup {
    render(context, form, panel, tiles, false)
}

/// The home page: the shell the service worker saves. Its results panel is marked, so that
/// app.js, finding it under another address (served offline for a results or point page),
/// answers that address from the saved points.
pub fn home_page(context: &PageContext, panel: &Panel<'_>, tiles: &TileSource) -> Markup {
    render(context, &SearchForm::default(), panel, tiles, true)
}

fn render(
    context: &PageContext,
    form: &SearchForm,
    panel: &Panel<'_>,
    tiles: &TileSource,
    home: bool,
) -> Markup {
    let title = match panel {
        Panel::Results(results) => format!("离{}最近的服务点", results.origin_label),
        _ => "查找最近的公共法律服务点".to_owned(),
    };
    layout(
        &title,
        context,
        html! {
            h1 { "查找最近的公共法律服务点" }
            (search_form(form))
            section #results aria-live="polite" aria-labelledby="results-heading" data-home[home] { (panel_markup(panel)) }
            (map_region(tiles, None, None))
        },
    )
}

/// The search form: a place name, the location button, coordinates, the travel mode.
fn search_form(form: &SearchForm) -> Markup {
    html! {
        form #search role="search" method="get" action="/nearest" {
            label for="place" { "村、社区或镇街名称" }
            div.search-row {
                input #place type="search" name="place" value=(form.place) placeholder="如：院桥、百花社区"
                    autocomplete="off" maxlength="50";
                button type="submit" { "查找" }
            }
            div.locate {
                button #locate type="button" hidden { "使用我的位置" }
                p.privacy { "位置仅用于查找最近的服务点，不会被保存或记录。" }
                p #locate-status role="status" {}
            }
            fieldset.modes {
                legend { "出行方式" }
                @for mode in Mode::ALL.iter().copied() {
                    label.mode {
                        input type="radio" name="mode" value=(mode) checked[mode == form.mode];
                        span { (format::mode(mode)) }
                    }
                }
            }
            details.coords open[!form.lat.is_empty()] {
                summary { "按经纬度查找" }
                div.coord-fields {
                    label { "纬度" input name="lat" inputmode="decimal" value=(form.lat) placeholder="28.64"; }
                    label { "经度" input name="lon" inputmode="decimal" value=(form.lon) placeholder="121.26"; }
                    label { "坐标系"
                        select name="crs" {
                            option value="wgs84" selected[form.crs != "gcj02" && form.crs != "bd09"] { "WGS-84（GPS）" }
                            option value="gcj02" selected[form.crs == "gcj02"] { "GCJ-02（高德、腾讯）" }
                            option value="bd09" selected[form.crs == "bd09"] { "BD-09（百度）" }
                        }
                    }
                }
            }
        }
    }
}

/// The results panel alone: also served as a fragment to app.js, which swaps it in.
pub fn panel_markup(panel: &Panel<'_>) -> Markup {
    match panel {
        Panel::Welcome { total, estimates } => html! {
            h2 #results-heading { "全区 " (total) " 个服务点" }
            p { "输入村、社区或镇街名称，或点击“使用我的位置”，也可以直接在地图上点选您所在的位置。" }
            p.note { "其中 " (estimates) " 个服务点的位置为估算（暂以镇街中心代替），正在核实。" }
        },
        Panel::Problem { message } => html! {
            h2 #results-heading { "没能查找" }
            p.problem role="alert" { (message) }
            p { "您可以输入村、社区或镇街名称搜索，或在地图上点选您所在的位置。" }
        },
        Panel::Choices { place, mode, matches } => html! {
            h2 #results-heading { "找到 " (matches.len()) " 个与“" (place) "”相关的地点，请选择：" }
            ul.choices {
                @for point in matches {
                    li { a data-fragment href={ "/nearest?code=" (point.record.code) "&mode=" (mode) } { (point.record.name) span.town { (point.record.town) } } }
                }
            }
        },
        Panel::Results(results) => results_markup(results),
    }
}

fn results_markup(results: &Results<'_>) -> Markup {
    let trip = results.trip;
    let any_within = results.entries.iter().any(|entry| entry.lead().within);
    let any_phone = results.entries.iter().any(|entry| match entry {
        Entry::Point(candidate) => candidate.point.record.phone.is_some(),
        Entry::EstimateGroup(members) => members.iter().any(|member| member.point.record.phone.is_some()),
    });
    let from_estimate = results.picked_estimate.is_some();
    html! {
        div #origin data-lon=(results.origin_on_map.lon()) data-lat=(results.origin_on_map.lat()) hidden {}
        h2 #results-heading { "离" (results.origin_label) "最近的服务点" }
        @if !results.origin_in_district {
            p.summary.out role="status" {
                "这个位置不在黄岩区内。黄岩区的公共法律服务点只服务本区居民，以下是离这里最近的黄岩区服务点；"
                "区外居民请咨询当地司法局，或拨打热线 " a href={ "tel:" (LEGAL_HOTLINE) } { (LEGAL_HOTLINE) } "。"
            }
        }
        @if let Some(point) = results.picked_estimate {
            p.summary.estimate role="note" {
                strong { (point.record.name) "的位置尚未核实" } "，暂以" (point.record.town) "中心代替。"
                "以下距离和时间从" (point.record.town) "中心算起，不是从" (point.record.name) "出发的距离。"
                @if let Some(phone) = &point.record.phone {
                    "可拨打服务点电话 " a href={ "tel:" (phone) } { (phone) } " 问路。"
                } @else {
                    "可拨打热线 " a href={ "tel:" (LEGAL_HOTLINE) } { (LEGAL_HOTLINE) } " 咨询。"
                }
            }
        }
        nav.mode-switch aria-label="出行方式" {
            @for mode in Mode::ALL.iter().copied() {
                @if mode == trip.mode {
                    span aria-current="true" { (format::mode(mode)) }
                } @else {
                    a data-fragment href={ "/nearest?" (results.origin_query) "&mode=" (mode) } { (format::mode(mode)) }
                }
            }
        }
        @if from_estimate {
        } @else if !any_within {
            p.summary.out role="status" {
                (format::mode(trip.mode)) (trip.minutes) "分钟内没有可到达的服务点。以下是最近的服务点，"
                @if any_phone { "可以拨打服务点电话咨询，或拨打热线 " } @else { "可以拨打热线 " }
                a href={ "tel:" (LEGAL_HOTLINE) } { (LEGAL_HOTLINE) } "。"
            }
        } @else if let Some(Entry::Point(first)) = results.entries.first() {
            p.summary role="status" {
                "最近的是" strong { (first.point.record.name) } "，" (format::mode(trip.mode)) (format::travel_time(first.travel.travel_minutes)) "。"
            }
        }
        ol.results {
            @for (rank, entry) in results.entries.iter().enumerate() {
                @match entry {
                    Entry::Point(candidate) => (result_item(candidate, results, from_estimate && rank == 0)),
                    Entry::EstimateGroup(members) => (group_item(members, results)),
                }
            }
        }
        p.note {
            @match (by_road(results), by_estimate(results)) {
                (true, false) => { "时间按道路计算（OpenStreetMap 道路数据），含走到路边的时间。" }
                (true, true) => {
                    "时间按道路计算（OpenStreetMap 道路数据）；离道路太远的，标“估算”，"
                    "按直线距离乘以绕行系数，再按" (format::mode(trip.mode)) "速度计算。"
                }
                _ => { "时间为估算：按直线距离乘以绕行系数，再按" (format::mode(trip.mode)) "速度计算。" }
            }
            "省定标准：" (format::standard(trip.mode)) "以内。"
        }
    }
}

/// Whether the road network answered any line.
fn by_road(results: &Results<'_>) -> bool {
    results.entries.iter().any(|entry| entry.lead().travel.basis == TravelBasis::RoadNetwork)
}

/// Whether the estimate answered any line.
fn by_estimate(results: &Results<'_>) -> bool {
    results.entries.iter().any(|entry| entry.lead().travel.basis == TravelBasis::Estimate)
}

/// How far, and how long: from the origin, or (when the origin is an estimated point) from its
/// town's centre, said as such. When the road network answered other lines, a time from the
/// estimate says so.
fn reach(candidate: &Candidate<'_>, results: &Results<'_>) -> Markup {
    let (trip, from_town_centre) = (results.trip, results.picked_estimate.is_some());
    let estimated = candidate.point.record.location_quality.is_estimate();
    let marked_estimate = candidate.travel.basis == TravelBasis::Estimate && by_road(results);
    html! {
        p.reach {
            @if from_town_centre && candidate.distance_m < 1.0 {
                "同在" (candidate.point.record.town) "中心（位置待核实）"
            } @else {
                @if from_town_centre { "距镇街中心 " } @else { "距离 " }
                (format::distance(candidate.distance_m)) " · " (format::mode(trip.mode)) (format::travel_time(candidate.travel.travel_minutes))
                @if estimated && trip.mode != Mode::Walk { "（位置和时间均为估算）" }
                @else if marked_estimate { "（估算）" }
            }
        }
    }
}

fn result_item(candidate: &Candidate<'_>, results: &Results<'_>, is_origin: bool) -> Markup {
    let record = &candidate.point.record;
    let (trip, from_town_centre) = (results.trip, results.picked_estimate.is_some());
    html! {
        li.result data-code=(record.code) {
            h3 { a href={ "/points/" (record.code) } { (record.name) } }
            p.town { (record.town) }
            @if is_origin {
                p.reach { "您选择的服务点（位置待核实）" }
            } @else {
                (reach(candidate, results))
                @if !from_town_centre {
                    p.badges {
                        @if candidate.within {
                            span.badge.ok { "✓ " (trip.minutes) "分钟内可到" }
                        } @else if candidate.is_unreachable() {
                            span.badge.no { "✗ 道路数据中没有通往这里的" (format::mode(trip.mode)) "路线" }
                        } @else {
                            span.badge.no { "✗ 超过" (trip.minutes) "分钟" }
                        }
                        @if candidate.travel.meets_standard {
                            span.badge.ok { "✓ 符合省定标准" }
                        } @else {
                            span.badge.no { "✗ 超出省定标准（" (format::standard(trip.mode)) "）" }
                        }
                    }
                }
            }
            @if record.location_quality.is_estimate() {
                p.badges { span.badge.estimate { "位置为估算，待核实" } }
            }
            @if let Some(hours) = &record.opening_hours {
                p.badges { (status_badge(hours, results.now)) }
            }
            p.actions {
                @if let Some(phone) = &record.phone {
                    a.button href={ "tel:" (phone) } { "拨打电话" }
                }
                a.button href={ "/points/" (record.code) "#navigate" } { "导航前往" }
            }
        }
    }
}

/// What a town is called in "its centre": 街道 for a street, else 镇 (乡 for a township).
fn town_kind(town: &str) -> &'static str {
    if town.ends_with("街道") {
        "街道"
    } else if town.ends_with('乡') {
        "乡"
    } else {
        "镇"
    }
}

/// Estimates that share their town's centre: one line, the points behind a disclosure.
fn group_item(members: &[Candidate<'_>], results: &Results<'_>) -> Markup {
    let lead = &members[0];
    let town = &lead.point.record.town;
    html! {
        li.result.estimate-group data-code=(lead.point.record.code) {
            h3 { (town) "：" (members.len()) " 个服务点位置待核实，暂以" (town_kind(town)) "中心代替" }
            (reach(lead, results))
            details {
                summary { "查看这 " (members.len()) " 个服务点" }
                ul.group-members {
                    @for member in members {
                        li {
                            a href={ "/points/" (member.point.record.code) } { (member.point.record.name) }
                            @if let Some(hours) = &member.point.record.opening_hours {
                                " " (status_badge(hours, results.now))
                            }
                            @if let Some(phone) = &member.point.record.phone {
                                " · " a href={ "tel:" (phone) } { "拨打电话" }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The map container: fixed height (no jump when it loads), described for screen readers,
/// configured for map.js by data attributes. `focus` centres it on one point; `controls` go
/// under the map, before its legend (so they stay beside the map on a wide screen).
pub fn map_region(tiles: &TileSource, focus: Option<(&str, LonLat)>, controls: Option<Markup>) -> Markup {
    html! {
        section.map-region aria-label="服务点地图" {
            h2.visually-hidden { "地图" }
            div #map
                data-tile-url=(tiles.url_template)
                data-tile-attribution=(tiles.attribution)
                data-datum=(tiles.datum)
                data-focus-code=[focus.map(|(code, _)| code)]
                data-focus-lon=[focus.map(|(_, at)| at.lon())]
                data-focus-lat=[focus.map(|(_, at)| at.lat())] {
                p.map-fallback { "地图需要浏览器开启 JavaScript。服务点列表不受影响。" }
            }
            @if let Some(controls) = controls { (controls) }
            p.map-legend {
                span.legend-located { "● 已定位的服务点" }
                span.legend-estimate { "○ 位置为估算" }
                span.hint { "在地图上点选一个位置，即可查找离那里最近的服务点。" }
            }
        }
    }
}
