//! Residents' correction reports (纠错): what they may send about a point, parsed once at the
//! edge, and a report as staff read it. A report carries nothing about who sent it.

use super::{LonLat, PointCode};
use crate::named_enum;

named_enum! {
    /// What the resident says is wrong.
    ReportKind ("report kind") {
        /// 位置不对: the point is not where the map puts it.
        Location => "location",
        /// 电话或地址等信息不对: phone, address, hours or name.
        Details => "details",
        /// 其他.
        Other => "other",
    }
}

impl ReportKind {
    /// The choice as the form and the staff list say it.
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Location => "位置不对",
            Self::Details => "电话或地址等信息不对",
            Self::Other => "其他",
        }
    }
}

/// Most characters a resident's description may have.
pub const MAX_DESCRIPTION_CHARS: usize = 500;
/// Most characters of the note staff may leave when closing a report.
pub const MAX_CLOSE_NOTE_CHARS: usize = 200;
/// The worst accuracy radius accepted with an attached location, metres. Browsers that only
/// know the network's rough position report kilometres; beyond this it says nothing.
pub const MAX_ACCURACY_M: f64 = 100_000.0;

/// Where the resident stood when they pressed "我现在就在正确的位置" (WGS-84), and how sure the
/// browser was.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReportLocation {
    pub at: LonLat,
    /// The browser's accuracy radius.
    ///
    /// # Units
    /// Metres.
    pub accuracy_m: f64,
}

impl ReportLocation {
    /// The three hidden fields the location button fills (all empty: no location). `Err`: the
    /// resident-facing reason they do not make a location (a 400: the page never sends such).
    pub fn parse(lat: &str, lon: &str, accuracy_m: &str) -> Result<Option<Self>, &'static str> {
        let fields = [lat.trim(), lon.trim(), accuracy_m.trim()];
        if fields.iter().all(|field| field.is_empty()) {
            return Ok(None);
        }
        if fields.iter().any(|field| field.is_empty()) {
            return Err(
                "附带的位置不完整（需要纬度、经度和精度）。请重新点击“我现在就在正确的位置”，或移除位置后再发送。",
            );
        }
        let number = |field: &str| field.parse::<f64>().ok().filter(|value| value.is_finite());
        let (Some(lat), Some(lon)) = (number(fields[0]), number(fields[1])) else {
            return Err(
                "附带的位置无效：纬度和经度应为小数（如 28.64、121.26）。请重新定位，或移除位置后再发送。",
            );
        };
        let at = LonLat::parse(lon, lat).map_err(|_| {
            "附带的位置无效：纬度应在 -90 到 90 之间，经度应在 -180 到 180 之间。请重新定位，或移除位置后再发送。"
        })?;
        let accuracy_m = number(fields[2])
            .filter(|accuracy| (0.0..=MAX_ACCURACY_M).contains(accuracy))
            .ok_or("附带位置的精度无效（应为 0 到 100000 米）。请重新定位，或移除位置后再发送。")?;
        // What is kept: 6 decimals of a degree (about 0.1 m) and whole metres.
        let round6 = |degrees: f64| (degrees * 1e6).round() / 1e6;
        let at = LonLat::parse(round6(at.lon()), round6(at.lat())).unwrap_or(at);
        Ok(Some(Self { at, accuracy_m: accuracy_m.round() }))
    }
}

/// A report as the form sends it, every field unchecked.
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
pub struct ReportFields {
    pub kind: Option<String>,
    pub description: Option<String>,
    pub lat: Option<String>,
    pub lon: Option<String>,
    pub accuracy_m: Option<String>,
}

/// A checked report, ready to store: nothing in it identifies the sender.
#[derive(Debug, Clone, PartialEq)]
pub struct NewReport {
    pub code: PointCode,
    pub kind: ReportKind,
    /// Trimmed; `None` when empty (allowed only for a location report with a location).
    pub description: Option<String>,
    pub location: Option<ReportLocation>,
}

/// Why a form does not make a report: the problems a resident can fix in the form, each tied to
/// its field, or a malformed location (which the page itself never sends).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReportProblems {
    pub kind: Option<String>,
    pub description: Option<String>,
    /// The attached location is malformed: a 400, and the form comes back without it.
    pub location: Option<String>,
}

impl ReportProblems {
    pub fn is_empty(&self) -> bool {
        self.kind.is_none() && self.description.is_none() && self.location.is_none()
    }
}

impl NewReport {
    /// Checks every field of the form for the point `code`.
    pub fn parse(code: PointCode, fields: &ReportFields) -> Result<Self, ReportProblems> {
        let mut problems = ReportProblems::default();
        let given = |field: &Option<String>| field.as_deref().unwrap_or("").to_owned();
        let kind = match given(&fields.kind).trim() {
            "" => {
                problems.kind = Some("请选择哪里不对。".into());
                None
            }
            raw => raw.parse::<ReportKind>().ok().or_else(|| {
                problems.kind = Some("请从“位置不对”“电话或地址等信息不对”“其他”中选择一项。".into());
                None
            }),
        };
        let location =
            ReportLocation::parse(&given(&fields.lat), &given(&fields.lon), &given(&fields.accuracy_m))
                .unwrap_or_else(|message| {
                    problems.location = Some(message.to_owned());
                    None
                });
        let description = clean_text(&given(&fields.description));
        let chars = description.chars().count();
        if chars > MAX_DESCRIPTION_CHARS {
            problems.description =
                Some(format!("说明最多 {MAX_DESCRIPTION_CHARS} 个字，现在有 {chars} 个字，请删减后再发送。"));
        } else if description.is_empty() && !(kind == Some(ReportKind::Location) && location.is_some()) {
            problems.description = Some(if kind == Some(ReportKind::Location) {
                "请说明正确的位置（例如在哪条路、哪栋楼旁），或到现场点击“我现在就在正确的位置”附上位置。"
                    .into()
            } else {
                "请简单说明哪里不对，例如正确的电话、地址或办公时间。".into()
            });
        }
        match kind {
            Some(kind) if problems.is_empty() => Ok(Self {
                code,
                kind,
                description: (!description.is_empty()).then_some(description),
                location,
            }),
            _ => Err(problems),
        }
    }
}

/// Typed text as kept: trimmed, line ends as `\n`, control characters other than line breaks
/// and tabs dropped.
pub fn clean_text(raw: &str) -> String {
    raw.replace("\r\n", "\n")
        .chars()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .collect::<String>()
        .trim()
        .to_owned()
}

/// Which reports a staff list shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ReportState {
    /// Not yet closed (the default).
    #[default]
    Open,
    Closed,
}

impl ReportState {
    /// From the list's `state` query parameter (absent: open).
    pub fn parse(raw: Option<&str>) -> Result<Self, String> {
        match raw.map(str::trim).unwrap_or("") {
            "" | "open" => Ok(Self::Open),
            "closed" => Ok(Self::Closed),
            other => Err(format!("筛选“{other}”无效：应为 open（未处理）或 closed（已关闭）。")),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Closed => "closed",
        }
    }
}

/// Who closed a report, when (RFC 3339 UTC) and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Closure {
    pub at: String,
    pub by: String,
    pub note: Option<String>,
}

/// A stored report as staff read it, with its point as it is now.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub id: i64,
    pub code: String,
    pub kind: ReportKind,
    pub description: Option<String>,
    pub location: Option<ReportLocation>,
    /// RFC 3339 UTC, to the minute.
    pub received_at: String,
    pub closed: Option<Closure>,
    /// The point now: name, town, town code and position (WGS-84); `None` if it is gone.
    pub point: Option<ReportedPoint>,
}

/// The reported point as it is stored now.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportedPoint {
    pub name: String,
    pub town: String,
    pub town_code: String,
    pub location: LonLat,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(kind: &str, description: &str, location: [&str; 3]) -> ReportFields {
        let text = |value: &str| Some(value.to_owned());
        ReportFields {
            kind: text(kind),
            description: text(description),
            lat: text(location[0]),
            lon: text(location[1]),
            accuracy_m: text(location[2]),
        }
    }

    fn code() -> PointCode {
        PointCode::parse("331003001001").unwrap()
    }

    #[test]
    fn a_location_report_needs_words_or_a_location() {
        let at = ["28.64", "121.26", "12.4"];
        let report = NewReport::parse(code(), &fields("location", "  ", at)).unwrap();
        assert_eq!(report.description, None);
        assert_eq!(report.location.unwrap().accuracy_m, 12.0);
        let problems = NewReport::parse(code(), &fields("location", "", ["", "", ""])).unwrap_err();
        assert!(problems.description.unwrap().contains("正确的位置"));
        let problems = NewReport::parse(code(), &fields("details", "", at)).unwrap_err();
        assert!(problems.description.is_some() && problems.location.is_none());
        assert!(NewReport::parse(code(), &fields("other", "门口挂牌已换", ["", "", ""])).is_ok());
    }

    #[test]
    fn every_field_is_checked() {
        let none = ["", "", ""];
        let problems = NewReport::parse(code(), &fields("", "x", none)).unwrap_err();
        assert_eq!(problems.kind.as_deref(), Some("请选择哪里不对。"));
        assert!(NewReport::parse(code(), &fields("wrong", "x", none)).unwrap_err().kind.is_some());
        let long = "错".repeat(MAX_DESCRIPTION_CHARS + 1);
        let problems = NewReport::parse(code(), &fields("other", &long, none)).unwrap_err();
        assert!(problems.description.unwrap().contains("501"));
        assert!(NewReport::parse(code(), &fields("other", &"错".repeat(500), none)).is_ok());
        for bad in [
            ["28.64", "", "10"],
            ["x", "121.26", "10"],
            ["95", "121.26", "10"],
            ["28.64", "190", "10"],
            ["NaN", "121.26", "10"],
            ["28.64", "121.26", "-1"],
            ["28.64", "121.26", "inf"],
            ["28.64", "121.26", "200000"],
        ] {
            let problems = NewReport::parse(code(), &fields("location", "x", bad)).unwrap_err();
            assert!(problems.location.is_some(), "{bad:?}");
        }
    }

    #[test]
    fn text_is_trimmed_and_control_characters_dropped() {
        assert_eq!(clean_text("  第一行\r\n第二行\u{0}\u{7}  "), "第一行\n第二行");
        let located = ReportLocation::parse("28.123456789", "121.987654321", "7.6").unwrap().unwrap();
        assert_eq!((located.at.lat(), located.at.lon(), located.accuracy_m), (28.123457, 121.987654, 8.0));
    }

    #[test]
    fn the_list_filter_is_open_or_closed() {
        assert_eq!(ReportState::parse(None), Ok(ReportState::Open));
        assert_eq!(ReportState::parse(Some("closed")), Ok(ReportState::Closed));
        assert!(ReportState::parse(Some("all")).is_err());
    }
}
