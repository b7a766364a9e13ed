//! A service point's own page, `/points/{code}`: the permalink a QR code on the village
//! noticeboard points to. Plain HTML; the small map is an enhancement.

use maud::{Markup, html};

use time::PrimitiveDateTime;

use super::format;
use super::hours::hours_block;
use super::layout::{PageContext, layout_described};
use super::locator_page::map_region;
use super::navigation::navigation_links;
use crate::domain::{LEGAL_HOTLINE, LocationQuality, LonLat, ServicePoint};
use crate::locator::travel::{CIRCLE_MINUTES, Mode};
use crate::web::map::TileSource;

/// What a shared link's card says: the point, its town, how to reach it.
fn description(point: &ServicePoint) -> String {
    let record = &point.record;
    let mut text = format!("{}（黄岩区{}）公共法律服务点", record.name, record.town);
    if let Some(address) = &record.address {
        text.push_str(&format!("，地址：{address}"));
    }
    match &record.phone {
        Some(phone) => text.push_str(&format!("，电话：{phone}")),
        None => text.push_str(&format!("，咨询热线 {}", LEGAL_HOTLINE)),
    }
    if record.location_quality.is_estimate() {
        text.push_str("。位置待核实");
    }
    text.push('。');
    text
}

/// `now` is the Beijing wall-clock time of the request: the hours say whether the point is open then.
pub fn page(
    context: &PageContext,
    point: &ServicePoint,
    on_map: LonLat,
    tiles: &TileSource,
    now: PrimitiveDateTime,
) -> Markup {
    let record = &point.record;
    let estimate = record.location_quality.is_estimate();
    layout_described(
        &record.name,
        &description(point),
        context,
        html! {
            article.point {
                h1 { (record.name) }
                p.town { (record.town) " · " (format::kind(record.kind)) "公共法律服务点" }
                @if estimate {
                    p.badge.estimate.block role="note" {
                        "位置为估算，待核实：目前暂以" (record.town) "中心代替，实际地点请电话咨询或向村（社区）询问。"
                    }
                }
                dl.facts {
                    dt { "地址" } dd { (known(record.address.as_deref())) }
                    dt { "电话" }
                    dd {
                        @if let Some(phone) = &record.phone {
                            a.button href={ "tel:" (phone) } { "拨打 " (phone) }
                        } @else {
                            "暂无。可拨打公共法律服务热线 " a href={ "tel:" (LEGAL_HOTLINE) } { (LEGAL_HOTLINE) }
                        }
                    }
                    dt { "办公时间" } dd #opening-hours { (hours_block(record.opening_hours.as_ref(), record.hours.as_deref(), now)) }
                    dt { "位置" }
                    dd {
                        (format::location_quality(record.location_quality))
                        @if let (LocationQuality::GpsOnSite, Some(accuracy_m)) = (record.location_quality, record.accuracy_m) {
                            "（定位精度约 " (format!("{accuracy_m:.0}")) " 米）"
                        }
                        @if let Some(verified) = &point.verified { "；已由司法局工作人员于" (format::date(&verified.at)) "实地核实" }
                        // CC BY 4.0 asks for the credit where the data is shown.
                        @if record.source.contains("GeoNames") {
                            "；位置数据来自 " a href="https://www.geonames.org/" rel="noopener" { "GeoNames, geonames.org" } "（CC BY 4.0）"
                        }
                    }
                    dt { "更新时间" }
                    dd {
                        // Version 1 is the point as loaded from the public sources: the load's
                        // date is when the database was made, not when the facts changed.
                        @if point.version > 1 {
                            time datetime=(point.updated_at) { (format::date(&point.updated_at)) }
                        } @else {
                            "尚未由工作人员更新（信息来自公开资料）"
                        }
                    }
                }
                section #navigate aria-labelledby="navigate-heading" {
                    h2 #navigate-heading { "导航前往" }
                    @if estimate {
                        p.note { "导航终点为镇街中心，仅供参考。" }
                    }
                    ul.navigation {
                        @for link in navigation_links(record) {
                            li { a.button href=(link.href) rel="noopener" { (link.label) } }
                        }
                    }
                }
                p { a.button href={ "/nearest?code=" (record.code) } { "查看附近其他服务点" } }
                p { a.button href={ "/points/" (record.code) "/report" } { "位置不对？告诉我们" } }
            }
            (map_region(tiles, Some((record.code.as_str(), on_map)), Some(area_control(record.code.as_str()))))
        },
    )
}

/// "显示15分钟范围": one button per mode; map.js shows the control once the map is drawn, fetches
/// the area (`/map/points/{code}/isochrone`, in the tiles' datum) and says in the caption what
/// it comes from. Hidden without JavaScript, which could not draw it.
fn area_control(code: &str) -> Markup {
    let minutes = CIRCLE_MINUTES;
    html! {
        div.isochrone #isochrone hidden data-code=(code) data-minutes=(minutes) {
            p #isochrone-label { "显示" (minutes) "分钟范围：" }
            div.isochrone-modes role="group" aria-labelledby="isochrone-label" {
                @for mode in Mode::ALL.iter().copied() {
                    button type="button" data-isochrone-mode=(mode) aria-pressed="false" { (format::mode(mode)) }
                }
            }
            p #isochrone-caption role="status" aria-live="polite" {}
        }
    }
}

fn known(value: Option<&str>) -> &str {
    value.unwrap_or("暂无")
}
