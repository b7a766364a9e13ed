//! How numbers and labels read in Chinese.

use crate::domain::{LocationQuality, PointKind};
use crate::locator::travel::Mode;

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

/// The provincial standard for the mode, as residents would say it.
pub fn standard(mode: Mode) -> String {
    format!("{}{}公里", self::mode(mode), mode.standard_radius_m() / 1_000.0)
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
