//! `/coverage`: how much of each town is within the provincial standard of a service point.

use maud::{Markup, html};

use super::format;
use super::layout::{PageContext, layout};
use crate::coverage::ModeSummary;
use crate::domain::AreaType;

fn percent(share: f64) -> String {
    format!("{:.0}%", share * 100.0)
}

pub fn coverage_page(context: &PageContext, summaries: &[ModeSummary]) -> Markup {
    layout(
        "服务圈覆盖情况",
        context,
        html! {
            h1 { (format::circle()) "覆盖情况" }
            p {
                "按省定标准（" (AreaType::ALL.iter().map(|&area| format::area_radius(area)).collect::<Vec<_>>().join("、")) "，均按直线距离），"
                "全区各处到最近公共法律服务点的覆盖比例（按面积计）。"
            }
            @if let Some(first) = summaries.first() {
                p.note {
                    "说明：把全区划分为 " (first.cell_m) " 米见方的网格计算；镇街边界未公开，按离各网格最近的服务点所属镇街归类。"
                    "约 " (percent(first.uncertain_area_km2 / first.area_km2.max(1e-9))) " 的面积最近的服务点位置为估算，结果仅供参考。"
                }
            }
            table.coverage {
                thead {
                    tr {
                        th scope="col" { "镇（街道）" }
                        @for summary in summaries { th scope="col" { (format::standard(summary.mode)) "以内" } }
                    }
                }
                tbody {
                    @if let Some(first) = summaries.first() {
                        @for (i, town) in first.towns.iter().enumerate() {
                            tr {
                                th scope="row" { (town.town) }
                                @for summary in summaries {
                                    td { (summary.towns.get(i).map(|t| percent(t.standard_share)).unwrap_or_default()) }
                                }
                            }
                        }
                        tr.total {
                            th scope="row" { "全区" }
                            @for summary in summaries { td { (percent(summary.standard_share)) } }
                        }
                    }
                }
            }
            p { a href="/" { "查找最近的服务点" } }
        },
    )
}
