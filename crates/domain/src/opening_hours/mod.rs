//! A point's opening hours in OpenStreetMap's `opening_hours` syntax (`Mo-Fr 08:30-12:00,13:30-17:30;
//! Sa 09:00-12:00`), the convention every map app reads. The maintained `opening-hours` crate
//! parses and evaluates them; this type keeps the parsed form next to the text the crate writes
//! back, so the store, the CSV and the API all hold one normalized spelling, and a point page
//! can say whether the point is open now without parsing again.
//!
//! Times are Beijing wall-clock times (`time::PrimitiveDateTime` read in UTC+8, see
//! [`super::beijing`]); the crate works in chrono's naive times, converted here at the edge.
//! No holiday calendar is loaded (the crate's country data is left out): `PH` rules never
//! match, which is why the free-text note stays for exceptions.

pub mod rows;

use std::fmt;

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};
use opening_hours::RuleKind;
use time::{Date, PrimitiveDateTime, Time};

/// The longest opening hours accepted, in characters: a week of split shifts fits in a third.
pub const MAX_CHARS: usize = 200;

/// How far ahead "opens at"/"closes at" are looked for: any weekly schedule changes within a week.
const LOOKAHEAD_DAYS: i64 = 8;

/// Parsed, valid opening hours.
#[derive(Debug, Clone)]
pub struct OpeningHours {
    /// The crate's own spelling of the parsed rules: what is stored and shown to staff.
    text: String,
    parsed: opening_hours::OpeningHours,
}

/// Why a text is not opening hours; the message is for staff, in Chinese.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HoursError {
    #[error("办公时间不能超过 {MAX_CHARS} 个字符。")]
    TooLong,
    #[error(
        "办公时间“{0}”无法识别：请按 OpenStreetMap 营业时间格式填写，如 Mo-Fr 08:30-12:00,13:30-17:30; Sa 09:00-12:00（星期用 Mo Tu We Th Fr Sa Su，时间用 24 小时制）。"
    )]
    Syntax(String),
}

/// Open or not at a moment, and until when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenStatus {
    /// Open; `closes_at` is `None` when it stays open for the coming week (e.g. `24/7`).
    Open { closes_at: Option<PrimitiveDateTime> },
    /// Closed; `opens_at` is `None` when it does not open in the coming week.
    Closed { opens_at: Option<PrimitiveDateTime> },
    /// The rules say "unknown" here (e.g. `Mo-Fr 09:00-17:00 unknown`): claim neither.
    Unknown,
}

/// A time range within one day, minutes since midnight; `end_min` may be 1440 (24:00).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ClockRange {
    pub start_min: u16,
    pub end_min: u16,
}

/// Monday to Sunday of one week: the ranges each day is open.
pub type Week = [Vec<ClockRange>; 7];

impl OpeningHours {
    /// Parses `raw` (surrounding spaces trimmed; an empty text is an error: unknown hours are
    /// `None`, not an empty value).
    pub fn parse(raw: &str) -> Result<Self, HoursError> {
        let trimmed = raw.trim();
        if trimmed.chars().count() > MAX_CHARS {
            return Err(HoursError::TooLong);
        }
        let parsed: opening_hours::OpeningHours =
            trimmed.parse().map_err(|_| HoursError::Syntax(trimmed.to_owned()))?;
        Ok(Self { text: parsed.to_string(), parsed })
    }

    /// The normalized text (`mo-fr 8:30-12:00` reads back as `Mo-Fr 08:30-12:00`).
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The rules as the crate parsed them (for turning them back into the edit form's rows).
    fn expression(&self) -> std::sync::Arc<opening_hours_syntax::rules::OpeningHoursExpression> {
        self.parsed.get_expression()
    }

    /// Open or closed at `at` (Beijing wall-clock time), and when that changes.
    pub fn status_at(&self, at: PrimitiveDateTime) -> OpenStatus {
        let Some(now) = to_naive(at) else { return OpenStatus::Unknown };
        let mut ranges = self.parsed.iter_range(now, now + chrono::Duration::days(LOOKAHEAD_DAYS));
        let Some(first) = ranges.next() else { return OpenStatus::Unknown };
        match first.kind {
            RuleKind::Open => OpenStatus::Open {
                closes_at: ranges.find(|r| r.kind != RuleKind::Open).and_then(|r| from_naive(r.range.start)),
            },
            RuleKind::Closed => OpenStatus::Closed {
                opens_at: ranges.find(|r| r.kind == RuleKind::Open).and_then(|r| from_naive(r.range.start)),
            },
            RuleKind::Unknown => OpenStatus::Unknown,
        }
    }

    /// The week (Monday to Sunday) containing `day`: when each day is open. Evaluated, not read
    /// off the text, so any rule (seasons, `Sa-Mo`, overrides) shows as it applies that week.
    pub fn week_of(&self, day: Date) -> Week {
        let monday = day.saturating_sub(time::Duration::days(day.weekday().number_days_from_monday().into()));
        std::array::from_fn(|offset| {
            let date = monday.saturating_add(time::Duration::days(offset as i64));
            let Some(start) = to_naive(date.midnight()) else { return Vec::new() };
            let end = start + chrono::Duration::days(1);
            self.parsed
                .iter_range(start, end)
                .filter(|r| r.kind == RuleKind::Open)
                .map(|r| ClockRange {
                    start_min: minutes_after(start, r.range.start),
                    end_min: minutes_after(start, r.range.end),
                })
                .collect()
        })
    }
}

/// Minutes from `day_start` to `at` (within one day: at most 1440).
fn minutes_after(day_start: NaiveDateTime, at: NaiveDateTime) -> u16 {
    u16::try_from((at - day_start).num_minutes().clamp(0, 1440)).unwrap_or(1440)
}

impl PartialEq for OpeningHours {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl fmt::Display for OpeningHours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl TryFrom<String> for OpeningHours {
    type Error = HoursError;

    fn try_from(raw: String) -> Result<Self, HoursError> {
        Self::parse(&raw)
    }
}

impl From<OpeningHours> for String {
    fn from(hours: OpeningHours) -> String {
        hours.text
    }
}

impl serde::Serialize for OpeningHours {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<'de> serde::Deserialize<'de> for OpeningHours {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Self::parse(&raw).map_err(serde::de::Error::custom)
    }
}

impl ClockRange {
    /// `08:30` style times (`H:MM` or `HH:MM`, also `HH:MM:SS` as some browsers send), 00:00 to
    /// 24:00, as minutes since midnight.
    pub fn parse_clock(raw: &str) -> Option<u16> {
        let mut parts = raw.trim().split(':');
        let (hours, minutes) = (parts.next()?, parts.next()?);
        if parts.next().is_some_and(|seconds| seconds.parse::<u8>().ok().is_none_or(|s| s != 0))
            || parts.next().is_some()
        {
            return None;
        }
        let digits = |text: &str, len: std::ops::RangeInclusive<usize>| {
            (len.contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit()))
                .then(|| text.parse::<u16>().ok())
                .flatten()
        };
        let (hours, minutes) = (digits(hours, 1..=2)?, digits(minutes, 2..=2)?);
        let total = hours * 60 + minutes;
        (minutes < 60 && total <= 24 * 60).then_some(total)
    }

    /// `HH:MM`, as OpenStreetMap writes times.
    pub fn clock(minutes: u16) -> String {
        format!("{:02}:{:02}", minutes / 60, minutes % 60)
    }
}

fn to_naive(at: PrimitiveDateTime) -> Option<NaiveDateTime> {
    NaiveDate::from_ymd_opt(at.year(), u8::from(at.month()).into(), at.day().into())?.and_hms_opt(
        at.hour().into(),
        at.minute().into(),
        at.second().into(),
    )
}

fn from_naive(at: NaiveDateTime) -> Option<PrimitiveDateTime> {
    let month = time::Month::try_from(u8::try_from(at.month()).ok()?).ok()?;
    let date = Date::from_calendar_date(at.year(), month, u8::try_from(at.day()).ok()?).ok()?;
    let clock = Time::from_hms(
        u8::try_from(at.hour()).ok()?,
        u8::try_from(at.minute()).ok()?,
        u8::try_from(at.second()).ok()?,
    )
    .ok()?;
    Some(PrimitiveDateTime::new(date, clock))
}

#[cfg(test)]
mod tests;
