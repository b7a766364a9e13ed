//! Beijing time: what staff and residents read. The store keeps RFC 3339 UTC; every date or
//! time a person sees is Beijing time (Asia/Shanghai), a fixed UTC+8: China has had no daylight
//! saving since 1991, so a fixed offset is exact for every timestamp the store holds.

use time::format_description::well_known::Rfc3339;
use time::macros::{format_description, offset};
use time::{Date, OffsetDateTime, PrimitiveDateTime, UtcOffset};

/// Asia/Shanghai since 1991.
pub const OFFSET: UtcOffset = offset!(+8);

/// The wall-clock time in Beijing now: what "open now?" is asked at.
pub fn now() -> PrimitiveDateTime {
    let at = OffsetDateTime::now_utc().to_offset(OFFSET);
    PrimitiveDateTime::new(at.date(), at.time())
}

/// A stored RFC 3339 timestamp (any offset) as Beijing time; `None` if it does not parse.
pub fn parse(rfc3339: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(rfc3339, &Rfc3339).ok().map(|at| at.to_offset(OFFSET))
}

/// A date as staff type it in a filter (`2026-11-28`, a Beijing calendar day).
pub fn parse_date(raw: &str) -> Result<Date, String> {
    Date::parse(raw.trim(), format_description!("[year]-[month]-[day]"))
        .map_err(|_| format!("日期“{raw}”格式有误，请按 2026-11-28 的格式填写。"))
}

/// The moment a Beijing calendar day starts, as the store writes times (RFC 3339 UTC, `Z`), so
/// it compares as text with stored timestamps: 2026-11-28 starts at 2026-11-27T16:00:00Z.
pub fn day_start_utc(date: Date) -> String {
    let start = date.midnight().assume_offset(OFFSET).to_offset(UtcOffset::UTC);
    start.format(format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z")).unwrap_or_default()
}

/// The start of the next Beijing day: the exclusive end of a day range ending on `date`.
pub fn day_end_utc(date: Date) -> String {
    date.next_day().map_or_else(|| "9999-12-31T23:59:59Z".to_owned(), day_start_utc)
}

/// The wall-clock time `HH:MM` in Beijing of a Unix time: when a lock ends, as staff read it.
pub fn clock_of_unix(unix_secs: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix_secs)
        .map(|at| at.to_offset(OFFSET))
        .ok()
        .and_then(|at| at.format(time::macros::format_description!("[hour]:[minute]")).ok())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_of_unix_is_eight_hours_ahead_of_utc() {
        // 2026-11-29T23:05:00Z is 07:05 on the 30th in Beijing.
        assert_eq!(clock_of_unix(1_795_993_500), "07:05");
        assert_eq!(clock_of_unix(0), "08:00");
    }

    #[test]
    fn a_change_at_7_beijing_time_is_dated_that_day() {
        // 23:00 UTC on the 27th is 07:00 on the 28th in Beijing.
        let at = parse("2026-11-27T23:00:00Z").unwrap();
        assert_eq!((at.year(), u8::from(at.month()), at.day(), at.hour()), (2026, 11, 28, 7));
        // 15:59 UTC is still the same day in Beijing; 16:00 is the next.
        assert_eq!(parse("2026-12-31T15:59:59Z").unwrap().day(), 31);
        assert_eq!(parse("2026-12-31T16:00:00Z").unwrap().year(), 2027);
        assert!(parse("2026-11-28").is_none() && parse("garbage").is_none());
    }

    #[test]
    fn day_ranges_in_utc() {
        let day = parse_date("2026-11-28").unwrap();
        assert_eq!(day_start_utc(day), "2026-11-27T16:00:00Z");
        assert_eq!(day_end_utc(day), "2026-11-28T16:00:00Z");
        assert!(parse_date("2026-13-01").is_err() && parse_date("28/11/2026").is_err());
    }
}
