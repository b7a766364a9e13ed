//! How numbers and labels read in Chinese.

use crate::domain::fields::FieldValue;
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

/// The date part of an RFC 3339 timestamp, as 2026年11月28日.
pub fn date(rfc3339: &str) -> String {
    let parts: Vec<&str> = rfc3339.get(..10).unwrap_or(rfc3339).split('-').collect();
    match parts.as_slice() {
        [year, month, day] => {
            format!("{year}年{}月{}日", month.trim_start_matches('0'), day.trim_start_matches('0'))
        }
        _ => rfc3339.to_owned(),
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
}
