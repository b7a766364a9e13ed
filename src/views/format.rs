//! How numbers and labels read in Chinese.

use crate::domain::beijing;
use crate::domain::fields::{FieldValue, PointField};
use crate::domain::history::HistoryAction;
use crate::domain::staff::Role;
use crate::domain::{AreaType, LocationQuality, PointKind};
use crate::locator::travel::{CIRCLE_MINUTES, Mode, standard_mode};

/// "850 米" below a kilometre, "1.2 公里" above.
pub fn distance(distance_m: f64) -> String {
    if distance_m < 1_000.0 {
        format!("{:.0} 米", distance_m)
    } else {
        format!("{:.1} 公里", distance_m / 1_000.0)
    }
}

/// "约 14 分钟", or "不到 1 分钟".
pub fn minutes(minutes: f64) -> String {
    if minutes < 1.0 { "不到 1 分钟".into() } else { format!("约 {:.0} 分钟", minutes.round()) }
}

/// [`minutes`], or "无道路可达" when the road network has no route (`None`).
pub fn travel_time(minutes: Option<f64>) -> String {
    minutes.map_or_else(|| "无道路可达".into(), self::minutes)
}

pub fn mode(mode: Mode) -> &'static str {
    match mode {
        Mode::Walk => "步行",
        Mode::Bike => "骑行",
        Mode::Drive => "驾车",
    }
}

/// The provincial standard for the mode, as residents would say it: "步行1.2公里".
pub fn standard(mode: Mode) -> String {
    format!("{}{}公里", self::mode(mode), km(mode.standard_radius_m()))
}

/// The circle's name with its time budget: "15分钟服务圈".
pub fn circle() -> String {
    format!("{CIRCLE_MINUTES}分钟服务圈")
}

pub fn area(area: AreaType) -> &'static str {
    match area {
        AreaType::Urban => "城区",
        AreaType::Rural => "农村",
        AreaType::Mountain => "偏远山区",
    }
}

/// The standard that applies to an area, in a sentence: "城区步行 1.2 公里".
pub fn area_radius(area: AreaType) -> String {
    let mode = standard_mode(area);
    format!("{}{} {} 公里", self::area(area), self::mode(mode), km(mode.standard_radius_m()))
}

/// The standard that applies to an area, as a choice on the edit form:
/// "城区（步行 15 分钟 = 1.2 公里）".
pub fn area_standard(area: AreaType) -> String {
    let mode = standard_mode(area);
    format!(
        "{}（{} {CIRCLE_MINUTES} 分钟 = {} 公里）",
        self::area(area),
        self::mode(mode),
        km(mode.standard_radius_m())
    )
}

/// Kilometres as the standard quotes them: "1.2", "2".
fn km(distance_m: f64) -> String {
    format!("{}", distance_m / 1_000.0)
}

pub fn kind(kind: PointKind) -> &'static str {
    match kind {
        PointKind::Village => "村",
        PointKind::Community => "社区",
        PointKind::Other => "其他",
    }
}

pub fn location_quality(quality: LocationQuality) -> &'static str {
    match quality {
        LocationQuality::TownCentre => "位置为估算，待核实（暂以所在镇街中心代替）",
        LocationQuality::Geocoded => "按公开资料中的地名定位，尚未到现场确认",
        LocationQuality::StaffSet => "工作人员在地图上标注，尚未到现场确认",
        LocationQuality::GpsOnSite => "实地核实：工作人员在服务点现场定位",
    }
}

/// A location quality in a few characters, for tables and lists.
pub fn location_quality_short(quality: LocationQuality) -> &'static str {
    match quality {
        LocationQuality::TownCentre => "镇街中心（估算）",
        LocationQuality::Geocoded => "公开地理编码",
        LocationQuality::StaffSet => "工作人员设置",
        LocationQuality::GpsOnSite => "现场定位",
    }
}

/// A point's field as staff read it; a location to six decimals (about 0.1 m).
pub fn field_value(value: &FieldValue<'_>) -> String {
    match *value {
        FieldValue::Text(text) => text.unwrap_or_default().to_owned(),
        FieldValue::Town { code, name } => format!("{name}（{code}）"),
        FieldValue::Kind(kind) => self::kind(kind).to_owned(),
        FieldValue::AreaType(area) => self::area(area).to_owned(),
        FieldValue::LocationQuality(quality) => location_quality(quality).to_owned(),
        FieldValue::Location(at) => format!("{:.6}, {:.6}", at.lon(), at.lat()),
        FieldValue::Metres(metres) => metres.map(|m| format!("{m:.1} 米")).unwrap_or_default(),
        FieldValue::Active(true) => "在用".to_owned(),
        FieldValue::Active(false) => "已撤销".to_owned(),
    }
}

/// A stored timestamp's day in Beijing time: "2026年11月28日" (a change at 07:00 Beijing time,
/// 23:00 UTC the day before, is dated that day). Text that is no timestamp is shown as it is.
pub fn date(rfc3339: &str) -> String {
    match beijing::parse(rfc3339) {
        Some(at) => format!("{}年{}月{}日", at.year(), u8::from(at.month()), at.day()),
        None => rfc3339.to_owned(),
    }
}

/// A stored timestamp in Beijing time, to the minute: "2026年11月28日 22:25".
pub fn date_time(rfc3339: &str) -> String {
    match beijing::parse(rfc3339) {
        Some(at) => format!("{} {:02}:{:02}", date(rfc3339), at.hour(), at.minute()),
        None => rfc3339.to_owned(),
    }
}

/// The Beijing time of day of a stored timestamp: "22:25" (for "locked until").
pub fn clock(rfc3339: &str) -> String {
    match beijing::parse(rfc3339) {
        Some(at) => format!("{:02}:{:02}", at.hour(), at.minute()),
        None => rfc3339.to_owned(),
    }
}

/// What a history entry did.
pub fn history_action(action: HistoryAction) -> &'static str {
    match action {
        HistoryAction::Add => "新增",
        HistoryAction::Edit => "修改",
        HistoryAction::Verify => "核实",
        HistoryAction::Retire => "撤销",
        HistoryAction::Restore => "恢复",
        HistoryAction::Import => "导入",
        HistoryAction::Undo => "撤销导入",
    }
}

pub fn role(role: Role) -> &'static str {
    match role {
        Role::Editor => "编辑",
        Role::Admin => "管理员",
    }
}

/// A field's value in a change list: like [`field_value`], with the verification time in
/// Beijing time rather than as stored.
pub fn changed_value(field: PointField, value: &FieldValue<'_>) -> String {
    match (field, value) {
        (PointField::VerifiedAt, FieldValue::Text(Some(at))) => date_time(at),
        _ => field_value(value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_standards_labels_are_read_from_the_constants() {
        for &area in AreaType::ALL {
            let mode = standard_mode(area);
            let km = mode.standard_radius_m() / 1_000.0;
            assert!(area_standard(area).contains(&format!("{CIRCLE_MINUTES} 分钟 = {km} 公里")), "{area}");
            assert!(area_radius(area).ends_with(&format!("{km} 公里")), "{area}");
            assert!(standard(mode).contains(&format!("{km}公里")), "{mode}");
        }
        assert!(circle().starts_with(&CIRCLE_MINUTES.to_string()));
        // What the pages say with today's figures.
        assert_eq!(area_standard(AreaType::Urban), "城区（步行 15 分钟 = 1.2 公里）");
        assert_eq!(area_radius(AreaType::Rural), "农村骑行 2 公里");
        assert_eq!(circle(), "15分钟服务圈");
    }

    #[test]
    fn times_read_in_beijing_time() {
        assert_eq!(date_time("2026-11-28T14:25:00Z"), "2026年11月28日 22:25");
        // 07:00 in Beijing is 23:00 UTC the day before: dated the Beijing day.
        assert_eq!(date("2026-11-27T23:00:00Z"), "2026年11月28日");
        assert_eq!(date_time("2026-11-27T23:00:00Z"), "2026年11月28日 07:00");
        assert_eq!(date("2026-11-27T15:59:59Z"), "2026年11月27日");
        assert_eq!(date("2026-12-31T16:00:00Z"), "2027年1月1日");
        assert_eq!(date("2026-11-28T07:00:00+08:00"), "2026年11月28日");
        assert_eq!(clock("2026-11-27T23:05:00Z"), "07:05");
        assert_eq!(date("not a time"), "not a time");
    }
}
