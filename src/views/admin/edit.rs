//! Editing or adding a point: the form, where the point will land, what needs confirming, and
//! (after a refused save) what someone else changed meanwhile.

use maud::{Markup, html};

use super::{csrf_field, layout};
use crate::domain::fields::{PointField, PointState, differing_fields};
use crate::domain::point_filter::LIST_PATH;
use crate::domain::staff::Staff;
use crate::domain::{AreaType, LonLat, PointKind, ServicePoint};
use crate::points::form::{Confirmation, Draft, PointForm};
use crate::views::format;
use crate::web::map::TileSource;

/// Everything the edit page shows.
pub struct EditView<'a> {
    pub staff: &'a Staff,
    /// `None` when adding.
    pub point: Option<&'a ServicePoint>,
    pub form: &'a PointForm,
    pub draft: &'a Draft,
    /// What is stored now, when a save was refused because it changed meanwhile.
    pub conflict: Option<&'a ServicePoint>,
    /// Show the preview panel (after a submit).
    pub preview: bool,
    pub tiles: &'a TileSource,
    /// (code, name) of every town.
    pub towns: &'a [(&'a str, &'a str)],
    /// The stored and the new location, in the tiles' datum.
    pub current_on_map: Option<LonLat>,
    pub new_on_map: Option<LonLat>,
    pub confirm_move_m: f64,
    /// The filtered staff list this page was opened from (already checked to be one).
    pub back: Option<&'a str>,
}

pub fn edit_page(view: &EditView<'_>) -> Markup {
    let form = view.form;
    let text = |field: &Option<String>| PointForm::text(field).to_owned();
    let action = match view.point {
        Some(point) => format!("/admin/points/{}", point.record.code),
        None => "/admin/points/new".to_owned(),
    };
    let title = view.point.map_or("新增服务点".to_owned(), |p| format!("编辑：{}", p.record.name));
    if let Some(point) = view.point.filter(|p| !view.staff.may_edit_town(&p.record.town_code)) {
        return outside_towns_page(view, point, &title);
    }
    layout(
        &title,
        Some(view.staff),
        html! {
            p { a href=(view.back.unwrap_or(LIST_PATH)) { "返回列表" } }
            h1 { (title) }
            @if let Some(point) = view.point { (status_line(point)) }
            @if let Some(current) = view.conflict { (conflict_panel(current, view)) }
            @if !view.draft.problems.is_empty() {
                div.problem role="alert" {
                    p { "请修改以下问题：" }
                    ul { @for problem in &view.draft.problems { li { (problem) } } }
                }
            }
            form.stack.edit method="post" action=(action) {
                (csrf_field(view.staff))
                input type="hidden" name="version" value=(text(&form.version));
                @if view.point.is_none() {
                    label { (PointField::Code.label_zh()) "（12 位区划代码）" input name="code" value=(text(&form.code)) required pattern="[0-9]{12}"; }
                    label { (PointField::Town.label_zh())
                        select name="town_code" required {
                            option value="" { "请选择" }
                            @for (code, name) in view.towns {
                                option value=(code) selected[text(&form.town_code) == *code] { (name) }
                            }
                        }
                    }
                }
                label { (PointField::Name.label_zh()) input name="name" value=(text(&form.name)) required maxlength="60"; }
                label { (PointField::Kind.label_zh())
                    select name="kind" {
                        @for kind in PointKind::ALL { option value=(kind) selected[text(&form.kind) == kind.as_str()] { (format::kind(*kind)) } }
                    }
                }
                label { (PointField::AreaType.label_zh()) "（决定适用的省定标准）"
                    select name="area_type" {
                        @for area in AreaType::ALL {
                            option value=(area) selected[text(&form.area_type) == area.as_str()] { (format::area_standard(*area)) }
                        }
                    }
                }
                label { (PointField::Address.label_zh()) input name="address" value=(text(&form.address)) maxlength="200"; }
                label { (PointField::Phone.label_zh()) input name="phone" value=(text(&form.phone)) inputmode="tel" placeholder="0576-84000000"; }
                label { (PointField::Hours.label_zh()) input name="hours" value=(text(&form.hours)) placeholder="周一至周五 8:30-17:00"; }
                fieldset {
                    legend { (PointField::Location.label_zh()) }
                    p.note { "拖动地图上的标记，或填写/粘贴坐标。从高德、腾讯地图复制的坐标选 GCJ-02，从百度地图复制的选 BD-09，GPS 选 WGS-84。" }
                    label { "坐标系"
                        select name="crs" #crs {
                            option value="wgs84" selected[text(&form.crs) == "wgs84"] { "WGS-84（GPS）" }
                            option value="gcj02" selected[text(&form.crs) == "gcj02"] { "GCJ-02（从高德地图复制的坐标、腾讯地图）" }
                            option value="bd09" selected[text(&form.crs) == "bd09"] { "BD-09（百度地图）" }
                        }
                    }
                    label { "粘贴坐标（经度,纬度 或 纬度,经度）" input #paste name="paste" value=(text(&form.paste)) placeholder="121.268439,28.644744"; }
                    div.coord-fields {
                        label { "纬度" input #lat name="lat" value=(text(&form.lat)) inputmode="decimal"; }
                        label { "经度" input #lon name="lon" value=(text(&form.lon)) inputmode="decimal"; }
                    }
                }
                (location_preview(view))
                div #edit-map data-tile-url=(view.tiles.url_template) data-tile-attribution=(view.tiles.attribution)
                    data-datum=(view.tiles.datum)
                    data-current-lon=[view.current_on_map.map(|p| p.lon())] data-current-lat=[view.current_on_map.map(|p| p.lat())]
                    data-new-lon=[view.new_on_map.map(|p| p.lon())] data-new-lat=[view.new_on_map.map(|p| p.lat())] {}
                label.check { input type="checkbox" name="verify" value="1" checked[!PointForm::text(&form.verify).is_empty()]; "标记位置已核实（记录为我核实）" }
                label { "修改原因（选填，将记入历史）" input name="reason" value=(text(&form.reason)); }
                div.actions {
                    button type="submit" name="action" value="preview" { "预览" }
                    button type="submit" name="action" value="save" { "保存" }
                }
            }
            @if let Some(point) = view.point { (point_actions(view.staff, point)) }
        },
    )
}

/// A point outside the editor's towns: what it is, why it cannot be changed here, no form.
fn outside_towns_page(view: &EditView<'_>, point: &ServicePoint, title: &str) -> Markup {
    layout(
        title,
        Some(view.staff),
        html! {
            p { a href=(view.back.unwrap_or(LIST_PATH)) { "返回列表" } }
            h1 { (title) }
            (status_line(point))
            p.problem role="alert" { (view.staff.check_town(&point.record.town_code).err().unwrap_or_default()) }
        },
    )
}

fn status_line(point: &ServicePoint) -> Markup {
    html! {
        p.note {
            "编码 " (point.record.code) " · 第 " (point.version) " 版 · 更新于 " (format::date_time(&point.updated_at))
            " · " (format::location_quality(point.record.location_quality))
            @if let Some(v) = &point.verified { " · 已由 " (v.by) " 于 " (format::date(&v.at)) " 核实" } @else { " · 位置未核实" }
            @if !point.active { " · 已撤销" }
            " · " a href={ "/admin/points/" (point.record.code) "/history" } { "修改历史" }
            " · " a href={ "/points/" (point.record.code) } { "公众页面" }
        }
    }
}

/// Where the point will land, and the confirmations still needed.
fn location_preview(view: &EditView<'_>) -> Markup {
    let draft = view.draft;
    let form = view.form;
    html! {
        @if let (true, Some(at)) = (view.preview, draft.location) {
            div.preview role="status" {
                p { "保存后的位置（WGS-84）：" (format!("{:.6}, {:.6}", at.lon(), at.lat())) }
                @if let Some(moved) = draft.moved_m { p { "距原位置 " (format::distance(moved)) } }
                p { @if draft.inside_district { "在黄岩区界内。" } @else { strong { "不在黄岩区界内。" } } }
            }
        }
        @if draft.missing_confirmations.contains(&Confirmation::LongMove) || !PointForm::text(&form.confirm_move).is_empty() {
            label.check.confirm {
                input type="checkbox" name="confirm_move" value="1" checked[!PointForm::text(&form.confirm_move).is_empty()];
                "确认移动超过 " (format::distance(view.confirm_move_m)) "（请核实坐标无误）"
            }
        }
        @if draft.missing_confirmations.contains(&Confirmation::OutsideDistrict) || !PointForm::text(&form.confirm_outside).is_empty() {
            label.check.confirm {
                input type="checkbox" name="confirm_outside" value="1" checked[!PointForm::text(&form.confirm_outside).is_empty()];
                "确认位置在区界外"
            }
            label { "区界外的原因（必填）" input name="outside_reason" value=(PointForm::text(&form.outside_reason)); }
        }
    }
}

/// After a refused save: what is stored now, and which fields differ from this form.
fn conflict_panel(current: &ServicePoint, view: &EditView<'_>) -> Markup {
    let mine = view.draft.record.as_ref();
    let fields = mine.map(|mine| differing_fields(current, mine)).unwrap_or_default();
    let value = |field: PointField, point: Option<PointState<'_>>| {
        point.map(|point| format::changed_value(field, &field.value_of(point))).unwrap_or_default()
    };
    html! {
        div.problem role="alert" {
            p {
                strong { "没有保存：" } "在您编辑期间，这个服务点已被修改（现在是第 " (current.version) " 版，更新于 " (format::date_time(&current.updated_at)) "）。"
                "下表是现在保存的内容与您填写内容的不同之处。请核对后再次点击“保存”，或"
                a href={ "/admin/points/" (current.record.code) } { "放弃您的修改" } "。"
            }
            table {
                thead { tr { th { "字段" } th { "现在保存的" } th { "您填写的" } } }
                tbody {
                    @for field in &fields {
                        tr {
                            td { (field.label_zh()) }
                            td { (value(*field, Some(PointState::from(current)))) }
                            td { (value(*field, mine.map(PointState::of_record))) }
                        }
                    }
                }
            }
        }
    }
}

fn point_actions(staff: &Staff, point: &ServicePoint) -> Markup {
    html! {
        section.point-actions {
            h2 { "其他操作" }
            form method="post" action={ "/admin/points/" (point.record.code) "/verify" } {
                (csrf_field(staff))
                input type="hidden" name="version" value=(point.version);
                button type="submit" { "仅标记位置已核实" }
            }
            @if point.active {
                form.stack method="post" action={ "/admin/points/" (point.record.code) "/retire" } {
                    (csrf_field(staff))
                    input type="hidden" name="version" value=(point.version);
                    label { "撤销原因（必填）" input name="reason" required placeholder="如：2021 年并入某村"; }
                    button.danger type="submit" { "撤销此服务点" }
                }
            }
        }
    }
}
