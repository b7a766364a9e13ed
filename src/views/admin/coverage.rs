//! `/admin/coverage`: figures, the gap map, suggestions and the places upload.

use maud::{Markup, html};

use super::{csrf_field, layout};
use crate::coverage::ModeSummary;
use crate::coverage::places::PlaceSummary;
use crate::coverage::sites::{PointLoss, Suggestion};
use crate::domain::LonLat;
use crate::domain::staff::Staff;
use crate::locator::TravelBasis;
use crate::locator::travel::{CIRCLE_MINUTES, Mode};
use crate::views::format;
use crate::web::map::TileSource;
use crate::web::upload::max_upload_label;

pub struct CoverageView<'a> {
    pub staff: &'a Staff,
    pub mode: Mode,
    pub k: usize,
    pub summary: &'a ModeSummary,
    pub suggestions: &'a [Suggestion],
    pub least_loss: &'a [PointLoss],
    /// Per residential place, when staff uploaded places.
    pub places: Option<&'a PlaceSummary>,
    /// Upload problems to show.
    pub problems: &'a [String],
    pub tiles: &'a TileSource,
    /// The grid image's corners, in the tiles' datum.
    pub overlay_bounds: (LonLat, LonLat),
    pub suggestions_on_map: Vec<LonLat>,
}

fn percent(share: f64) -> String {
    format!("{:.1}%", share * 100.0)
}

pub fn coverage_page(view: &CoverageView<'_>) -> Markup {
    let s = view.summary;
    let mode = view.mode;
    let unit = match view.places {
        Some(places) if places.weighted_by == "population" => "人",
        Some(_) => "个地点",
        None => "平方公里",
    };
    let suggestions_json = serde_json::to_string(
        &view.suggestions_on_map.iter().map(|p| [p.lon(), p.lat()]).collect::<Vec<_>>(),
    )
    .unwrap_or_default();
    let (sw, ne) = view.overlay_bounds;
    let by_road = s.travel_basis == TravelBasis::RoadNetwork;
    layout(
        "服务圈覆盖",
        Some(view.staff),
        html! {
            h1 { (format::circle()) "覆盖：" (format::mode(mode)) }
            nav.mode-switch aria-label="出行方式" {
                @for m in Mode::ALL.iter().copied() {
                    @if m == mode { span aria-current="true" { (format::standard(m)) } }
                    @else { a href={ "/admin/coverage?mode=" (m) "&k=" (view.k) } { (format::standard(m)) } }
                }
            }
            @if !view.problems.is_empty() {
                div.problem role="alert" { p { "上传的地点文件有问题，没有保存：" } ul { @for p in view.problems { li { (p) } } } }
            }
            p.summary {
                "全区 " (format!("{:.1}", s.area_km2)) " 平方公里中，"
                strong { (percent(s.standard_share)) } " 在省定标准（" (format::standard(mode)) "，直线距离）以内，"
                strong { (percent(s.within_15_share)) } " 可在 " (CIRCLE_MINUTES) " 分钟内到达最快的服务点。"
            }
            p.basis {
                @if by_road {
                    "时间按道路计算（OpenStreetMap 道路数据）：从网格中心步行到最近的道路，再沿道路到服务点。"
                    @if s.estimate_cells > 0 {
                        " 其中 " (format!("{:.1}", s.estimate_area_km2)) " 平方公里（" (s.estimate_cells) " 个网格）2 公里内没有可用道路，其时间为估算。"
                    }
                    @if s.unreachable_cells > 0 {
                        " 另有 " (format!("{:.1}", s.unreachable_area_km2)) " 平方公里（" (s.unreachable_cells) " 个网格）无道路可达任何服务点，计为未覆盖。"
                    }
                } @else {
                    "时间按直线距离估算（直线距离乘以绕行系数，按固定速度）；导入道路数据后将改用道路计算。"
                }
            }
            p.note {
                "按 " (s.cell_m) " 米网格计算。"
                @match view.places {
                    None => { "尚未上传居民点，以下按面积计算；上传居民点（可含人口）后，另按居民点和人口计算。" }
                    Some(places) => { "已上传 " (places.places.len()) " 个居民点，建议选址按" (if places.weighted_by == "population" { "人口" } else { "居民点个数" }) "计算。" }
                }
                " 有 " (format!("{:.1}", s.uncertain_area_km2)) " 平方公里（" (s.uncertain_cells) " 个网格）最近的服务点位置为估算（镇街中心），其结果不确定，地图上以黄色/橙色表示。"
            }
            div #coverage-map data-tile-url=(view.tiles.url_template) data-tile-attribution=(view.tiles.attribution)
                data-overlay={ "/admin/coverage/cells.png?mode=" (mode) }
                data-south=(sw.lat()) data-west=(sw.lon()) data-north=(ne.lat()) data-east=(ne.lon())
                data-suggestions=(suggestions_json) {}
            p.map-legend {
                @let (covered, gap) = if by_road {
                    (format!("{CIRCLE_MINUTES} 分钟内（按道路）"), format!("超过 {CIRCLE_MINUTES} 分钟或无道路可达"))
                } else {
                    ("达标".to_owned(), "未达标".to_owned())
                };
                span style="color:#16963c" { "■ " (covered) } " "
                span style="color:#c81e1e" { "■ " (gap) } " "
                span style="color:#b89a00" { "■ " (covered) "（最近点位置为估算）" } " "
                span style="color:#eb7800" { "■ " (gap) "（最近点位置为估算）" } " "
                span { "① ② … 建议新增的位置" }
            }
            h2 { "建议新增服务点（贪心最大覆盖）" }
            p.note { "建议选址与撤并按省定标准的直线半径计算" @if by_road { "（不按道路）" } "。" }
            form.filters method="get" action="/admin/coverage" {
                input type="hidden" name="mode" value=(mode);
                label { "个数" input type="number" name="k" min="1" max="20" value=(view.k); }
                button type="submit" { "重新计算" }
            }
            @if view.suggestions.is_empty() { p { "没有可再增加覆盖的位置。" } }
            @else {
                table.suggestions {
                    thead { tr { th { "序号" } th { "位置（WGS-84）" } th { "新增覆盖（" (unit) "）" } th { "累计" } } }
                    tbody {
                        @for (i, site) in view.suggestions.iter().enumerate() {
                            tr { td { (i + 1) } td { (format!("{:.5}, {:.5}", site.lon, site.lat)) } td { (format!("{:.2}", site.gain)) } td { (format!("{:.2}", site.cumulative_gain)) } }
                        }
                    }
                }
            }
            h2 { "撤并或迁移损失最小的现有服务点" }
            p.note { "只由该点覆盖的" (unit) "：数值越小，撤并或迁移它的损失越小。" }
            table {
                thead { tr { th { "服务点" } th { "镇（街道）" } th { "独有覆盖（" (unit) "）" } } }
                tbody { @for p in view.least_loss { tr { td { a href={ "/admin/points/" (p.code) } { (p.name) } } td { (p.town) } td { (format!("{:.2}", p.loss)) } } } }
            }
            h2 { "各镇（街道）" }
            p.note { "镇街边界未公开：网格按离它最近的服务点所属镇街归类。" }
            table.towns {
                thead { tr { th { "镇（街道）" } th { "面积（平方公里）" } th { "达标" } th { (CIRCLE_MINUTES) " 分钟内" } } }
                tbody {
                    @for t in &s.towns {
                        tr { td { (t.town) } td { (format!("{:.1}", t.area_km2)) } td { (percent(t.standard_share)) } td { (percent(t.within_15_share)) } }
                    }
                }
            }
            h2 { "离服务点最远的地方" }
            ol {
                @for far in &s.farthest {
                    li { (format!("{:.5}, {:.5}", far.lon, far.lat)) "：距 " (far.nearest_name) " " (format::distance(far.distance_m)) }
                }
            }
            @if let Some(places) = view.places {
                h2 { "居民点" }
                p {
                    "按" (if places.weighted_by == "population" { "人口" } else { "居民点个数" }) "计："
                    (percent(places.standard_share)) " 达标，" (percent(places.within_15_share)) " 可在 " (CIRCLE_MINUTES) " 分钟内到达。"
                }
                table.places {
                    thead { tr { th { "居民点" } th { "人口" } th { "最近服务点" } th { "距离" } th { "约分钟" } th { "达标" } } }
                    tbody {
                        @for p in &places.places {
                            tr {
                                td { (p.name) } td { (p.population.map(|n| n.to_string()).unwrap_or_default()) }
                                td { (p.nearest_name) @if p.uncertain { "（位置为估算）" } }
                                td { (format::distance(p.distance_m)) }
                                td {
                                    @match p.travel_minutes {
                                        Some(minutes) => { (format!("{minutes:.0}")) @if by_road && p.travel_basis == TravelBasis::Estimate { "（估算）" } }
                                        None => { "无道路可达" }
                                    }
                                }
                                td { @if p.meets_standard { "是" } @else { "否" } }
                            }
                        }
                    }
                }
            }
            h2 { "上传居民点" }
            form.stack method="post" action="/admin/coverage/places" enctype="multipart/form-data" {
                (csrf_field(view.staff))
                p.note { "CSV 列：name, lon, lat, datum（wgs84 / gcj02 / bd09）, population（可选），最大 " (max_upload_label()) "。上传后替换原有居民点；有任何错误行则不保存。" }
                label { "CSV 文件" input type="file" name="file" accept=".csv,text/csv" required; }
                button type="submit" { "上传" }
            }
        },
    )
}
