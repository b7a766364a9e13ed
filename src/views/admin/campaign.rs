//! `/admin/campaign`: progress of the on-site verification per town and the next points to
//! visit, in route order.

use maud::{Markup, html};

use super::layout;
use crate::campaign::{Campaign, QualityCounts};
use crate::domain::staff::Staff;
use crate::views::format;

/// A progress bar with its figures as text, so it reads without the bar.
fn progress(counts: &QualityCounts) -> Markup {
    html! {
        progress max=(counts.total.max(1)) value=(counts.done) {}
        " " (counts.done) " / " (counts.total) "（" (format!("{:.0}", counts.percent_done())) "%）"
    }
}

fn counts_cells(counts: &QualityCounts) -> Markup {
    html! {
        td { (counts.total) } td { (counts.town_centre) } td { (counts.geocoded) } td { (counts.staff_set) }
        td { (counts.gps_on_site) } td { (counts.verified) } td { (progress(counts)) }
    }
}

pub fn campaign_page(staff: &Staff, figures: &Campaign) -> Markup {
    let body = html! {
        h1 { "实地核实进度" }
        p { "已完成 = 现场定位或已核实。全区：" (progress(&figures.district)) }
        div style="overflow-x:auto" {
            table {
                thead { tr {
                    th scope="col" { "镇街" } th scope="col" { "合计" } th scope="col" { "镇街中心（估算）" }
                    th scope="col" { "公开地理编码" } th scope="col" { "工作人员设置" } th scope="col" { "现场定位" }
                    th scope="col" { "已核实" } th scope="col" { "进度" }
                } }
                tbody {
                    @for town in &figures.towns {
                        tr { th scope="row" { a href={ "#town-" (town.code) } { (town.name) } } (counts_cells(&town.counts)) }
                    }
                    tr { th scope="row" { "全区" } (counts_cells(&figures.district)) }
                }
            }
        }
        @for town in &figures.towns {
            section id={ "town-" (town.code) } {
                h2 { (town.name) "：待核实 " (town.next.len()) " 个" }
                p { a href={ "/admin/campaign/" (town.code) "/sheet" } { "打印" (town.name) "实地核实单（A4，含二维码）" }
                    " · " a href={ "/admin/signs?town=" (town.code) } { "打印服务点标识牌" } }
                p { "按路线顺序（从镇街中心出发，每次去最近的下一个点）。标有“疑似错误”的点离其他镇街中心更近，请先核实。" }
                ol {
                    @for point in &town.next {
                        li {
                            a href={ "/admin/points/" (point.code) } { (point.name) }
                            " · " (format::location_quality_short(point.location_quality))
                            " · 距上一站 " (format!("{:.1}", point.leg_m / 1000.0)) " 公里"
                            @if point.nearer_other_town { " · " strong { "疑似错误：离其他镇街中心更近" } }
                        }
                    }
                }
            }
        }
    };
    layout("实地核实进度", Some(staff), body)
}
