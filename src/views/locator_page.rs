//! The residents' page: search, "use my location", the results list, then the map.
//! The list comes before the map in reading order; the map is an enhancement drawn by app.js.

use maud::{Markup, html};

use super::format;
use super::layout::{PageContext, layout};
use crate::domain::{LonLat, ServicePoint};
use crate::locator::travel::Mode;
use crate::locator::{Candidate, Trip};
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
    pub candidates: Vec<Candidate<'a>>,
}

/// The full page.
pub fn page(context: &PageContext, form: &SearchForm, panel: &Panel<'_>, tiles: &TileSource) -> Markup {
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
            section #results aria-live="polite" aria-labelledby="results-heading" { (panel_markup(panel)) }
            (map_region(tiles, None))
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
    let any_within = results.candidates.iter().any(|c| c.within);
    html! {
        div #origin data-lon=(results.origin_on_map.lon()) data-lat=(results.origin_on_map.lat()) hidden {}
        h2 #results-heading { "离" (results.origin_label) "最近的服务点" }
        nav.mode-switch aria-label="出行方式" {
            @for mode in Mode::ALL.iter().copied() {
                @if mode == trip.mode {
                    span aria-current="true" { (format::mode(mode)) }
                } @else {
                    a data-fragment href={ "/nearest?" (results.origin_query) "&mode=" (mode) } { (format::mode(mode)) }
                }
            }
        }
        @if !any_within {
            p.summary.out role="status" {
                (format::mode(trip.mode)) (trip.minutes) "分钟内没有可到达的服务点。以下是最近的服务点，可以拨打电话咨询，或拨打热线 "
                a href="tel:12348" { "12348" } "。"
            }
        } @else if let Some(first) = results.candidates.first() {
            p.summary role="status" {
                "最近的是" strong { (first.point.record.name) } "，" (format::mode(trip.mode)) (format::minutes(first.estimate.travel_minutes)) "。"
            }
        }
        ol.results {
            @for candidate in &results.candidates {
                (result_item(candidate, trip))
            }
        }
        p.note {
            "时间为估算：按直线距离乘以绕行系数，再按" (format::mode(trip.mode)) "速度计算。"
            "省定标准：" (format::standard(trip.mode)) "以内。"
        }
    }
}

fn result_item(candidate: &Candidate<'_>, trip: Trip) -> Markup {
    let record = &candidate.point.record;
    html! {
        li.result data-code=(record.code) {
            h3 { a href={ "/points/" (record.code) } { (record.name) } }
            p.town { (record.town) }
            p.reach {
                "距离 " (format::distance(candidate.distance_m)) " · " (format::mode(trip.mode)) (format::minutes(candidate.estimate.travel_minutes))
            }
            p.badges {
                @if candidate.within {
                    span.badge.ok { "✓ " (trip.minutes) "分钟内可到" }
                } @else {
                    span.badge.no { "✗ 超过" (trip.minutes) "分钟" }
                }
                @if candidate.estimate.meets_standard {
                    span.badge.ok { "✓ 符合省定标准" }
                } @else {
                    span.badge.no { "✗ 超出省定标准（" (format::standard(trip.mode)) "）" }
                }
                @if record.location_quality.is_estimate() {
                    span.badge.estimate { "位置为估算，待核实" }
                }
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

/// The map container: fixed height (no jump when it loads), described for screen readers,
/// configured for app.js by data attributes. `focus` centres it on one point.
pub fn map_region(tiles: &TileSource, focus: Option<(&str, LonLat)>) -> Markup {
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
            p.map-legend {
                span.legend-located { "● 已定位的服务点" }
                span.legend-estimate { "○ 位置为估算" }
                span.hint { "在地图上点选一个位置，即可查找离那里最近的服务点。" }
            }
        }
    }
}
