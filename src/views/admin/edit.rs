//! Editing or adding a point: the form, where the point will land, what needs confirming, and
//! (after a save attempt) a banner at the top saying what happened; see `edit_banner`.
//!
//! The map is an enhancement (static/admin.js): without script the coordinate fields are the
//! editor. With it, the location changes only in an explicit mode ("修改位置") or from the
//! phone's GPS, and the map draws the district outline and the town's other points from data
//! embedded here, so it still shows where the point is when no tiles load.

use maud::{Markup, html};

use super::edit_banner::{banner, confirmations};
use super::hours_fields::hours_fieldset;
use super::{csrf_field, layout};
use crate::domain::fields::PointField;
use crate::domain::history::HistoryEntry;
use crate::domain::point_filter::LIST_PATH;
use crate::domain::staff::Staff;
use crate::domain::{AreaType, LocationQuality, LonLat, PointKind, PointRecord, ServicePoint};
use crate::points::form::{Draft, NOTHING_TO_VERIFY_ZH, PointForm};
use crate::views::format;
use crate::web::map::TileSource;

/// What happened to the editor's last request: the banner's message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Saved as this version.
    Saved(i64),
    /// The form equals what is stored: nothing written.
    Unchanged,
    /// Problems or missing confirmations: the banner lists them, with the controls.
    NotSaved,
    /// Someone else changed the same fields meanwhile.
    Conflict,
    /// A draft kept across a login (the session had expired): not saved yet.
    DraftRestored,
}

/// After a refused save: what is stored now, what the editor submitted, and for each field both
/// changed the newest history entry that changed it (who and when).
pub struct ConflictView<'a> {
    pub current: &'a ServicePoint,
    pub mine: &'a PointRecord,
    pub fields: Vec<(PointField, Option<HistoryEntry>)>,
}

/// Everything the edit page shows.
pub struct EditView<'a> {
    pub staff: &'a Staff,
    /// `None` when adding.
    pub point: Option<&'a ServicePoint>,
    pub form: &'a PointForm,
    pub draft: &'a Draft,
    pub conflict: Option<ConflictView<'a>>,
    pub outcome: Option<Outcome>,
    /// Show the preview panel (after a submit).
    pub preview: bool,
    pub tiles: &'a TileSource,
    /// The district outline, `[lon, lat]` in the tiles' datum.
    pub outline: &'a [[f64; 2]],
    /// The town's other points, in the tiles' datum.
    pub neighbours: &'a [(LonLat, &'a str)],
    /// (code, name) of every town.
    pub towns: &'a [(&'a str, &'a str)],
    /// The stored and the new location, in the tiles' datum.
    pub current_on_map: Option<LonLat>,
    pub new_on_map: Option<LonLat>,
    pub confirm_move_m: f64,
    pub max_gps_accuracy_m: f64,
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
            form.stack.edit #point-form method="post" action=(action) {
                (banner(view))
                (csrf_field(view.staff))
                input type="hidden" name="version" value=(text(&form.version));
                (base_fields(form))
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
                (hours_fieldset(form))
                (location_fieldset(view))
                (location_preview(view))
                @if view.outcome != Some(Outcome::NotSaved) { (confirmations(view)) }
                (edit_map(view))
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

/// The values the form showed when opened: the base of the three-way merge on save.
fn base_fields(form: &PointForm) -> Markup {
    let base = [
        ("base_name", &form.base_name),
        ("base_kind", &form.base_kind),
        ("base_area_type", &form.base_area_type),
        ("base_address", &form.base_address),
        ("base_phone", &form.base_phone),
        ("base_hours", &form.base_hours),
        ("base_opening_hours", &form.base_opening_hours),
        ("base_lat", &form.base_lat),
        ("base_lon", &form.base_lon),
    ];
    html! {
        @for (name, value) in base {
            @if let Some(value) = value { input type="hidden" name=(name) value=(value); }
        }
    }
}

fn location_fieldset(view: &EditView<'_>) -> Markup {
    let form = view.form;
    let text = |field: &Option<String>| PointForm::text(field).to_owned();
    html! {
        fieldset #location {
            legend { (PointField::Location.label_zh()) }
            // Shown by the script, which makes the map and the fields below follow these.
            div.location-buttons hidden {
                button type="button" #use-gps { "我在服务点现场：使用当前位置" }
                button type="button" #edit-location { "修改位置" }
                button type="button" #cancel-location hidden { "取消" }
            }
            p.note #gps-status role="status" aria-live="polite" {}
            p.note { "在服务点现场时点“使用当前位置”（手机定位）；否则点“修改位置”后在地图上点选或拖动标记，或填写/粘贴坐标。从高德、腾讯地图复制的坐标选 GCJ-02，从百度地图复制的选 BD-09，GPS 选 WGS-84。" }
            input type="hidden" #accuracy_m name="accuracy_m" value=(text(&form.accuracy_m));
            input type="hidden" #fixed_at name="fixed_at" value=(text(&form.fixed_at));
            label { "坐标系"
                select name="crs" #crs {
                    option value="wgs84" selected[text(&form.crs) == "wgs84"] { "WGS-84（GPS）" }
                    option value="gcj02" selected[text(&form.crs) == "gcj02"] { "GCJ-02（高德、腾讯地图）" }
                    option value="bd09" selected[text(&form.crs) == "bd09"] { "BD-09（百度地图）" }
                }
            }
            label { "粘贴坐标（经度,纬度 或 纬度,经度）" input #paste name="paste" value=(text(&form.paste)) placeholder="121.268439,28.644744"; }
            div.coord-fields {
                label { "纬度" input #lat name="lat" value=(text(&form.lat)) inputmode="decimal"; }
                label { "经度" input #lon name="lon" value=(text(&form.lon)) inputmode="decimal"; }
            }
        }
    }
}

fn edit_map(view: &EditView<'_>) -> Markup {
    let neighbours: Vec<(f64, f64, &str)> =
        view.neighbours.iter().map(|(at, name)| (at.lon(), at.lat(), *name)).collect();
    html! {
        div #edit-map data-tile-url=(view.tiles.url_template) data-tile-attribution=(view.tiles.attribution)
            data-datum=(view.tiles.datum)
            data-outline=(json(&view.outline)) data-neighbours=(json(&neighbours))
            data-preview=(view.preview) data-confirm-move-m=(view.confirm_move_m) data-max-accuracy-m=(view.max_gps_accuracy_m)
            data-current-lon=[view.current_on_map.map(|p| p.lon())] data-current-lat=[view.current_on_map.map(|p| p.lat())]
            data-new-lon=[view.new_on_map.map(|p| p.lon())] data-new-lat=[view.new_on_map.map(|p| p.lat())] {}
    }
}

/// JSON for the map's data attributes (maud escapes it as an attribute value).
fn json(value: &impl serde::Serialize) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "[]".into())
}

fn status_line(point: &ServicePoint) -> Markup {
    let r = &point.record;
    html! {
        p.note #point-status {
            "编码 " (r.code) " · 第 " (point.version) " 版 · 更新于 " (format::date_time(&point.updated_at))
            " · " (format::location_quality(r.location_quality))
            @if let Some(accuracy_m) = r.accuracy_m {
                " · 定位精度 " span #accuracy { (format!("{accuracy_m:.0}")) } " 米"
                @if let Some(at) = &r.location_fixed_at { "（" (format::date_time(at)) " 定位）" }
            }
            @if let Some(v) = &point.verified { " · 已由 " (v.by) " 于 " (format::date(&v.at)) " 核实" } @else { " · 位置未核实" }
            @if !point.active { " · 已撤销" }
            " · " a href={ "/admin/points/" (r.code) "/history" } { "修改历史" }
            " · " a href={ "/points/" (r.code) } { "公众页面" }
        }
    }
}

/// Where the point will land (the server's view after a submit; the script keeps a live one).
fn location_preview(view: &EditView<'_>) -> Markup {
    let draft = view.draft;
    html! {
        div.preview #location-preview role="status" aria-live="polite" hidden[!(view.preview && draft.location.is_some())] {
            @if let (true, Some(at)) = (view.preview, draft.location) {
                p { "保存后的位置（WGS-84）：" (format!("{:.6}, {:.6}", at.lon(), at.lat())) }
                @if let Some(moved) = draft.moved_m { p { "距原位置 " (format::distance(moved)) } }
                @if let Some(fix) = &draft.fix { p { "现场定位，精度 " (format!("{:.0}", fix.accuracy_m)) " 米" } }
                p { @if draft.inside_district { "在黄岩区界内。" } @else { strong { "不在黄岩区界内。" } } }
            }
        }
    }
}

fn point_actions(staff: &Staff, point: &ServicePoint) -> Markup {
    html! {
        section.point-actions {
            h2 { "其他操作" }
            @if point.record.location_quality == LocationQuality::TownCentre {
                p.note #verify-refused { (NOTHING_TO_VERIFY_ZH) }
            } @else {
                form method="post" action={ "/admin/points/" (point.record.code) "/verify" } {
                    (csrf_field(staff))
                    input type="hidden" name="version" value=(point.version);
                    button type="submit" { "仅标记位置已核实" }
                }
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
