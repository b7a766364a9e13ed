//! A phone's GPS fix as staff capture it on site: where, how accurate (metres) and when. The
//! browser reports all three; the server checks them here before a location may be saved as
//! `gps_on_site`, so a stale or nonsensical fix cannot pass as "verified on site".

/// A fix older than this (seconds) is refused: the editor has probably left the point since.
pub const MAX_FIX_AGE_SECS: i64 = 60 * 60;
/// A fix dated further ahead than this (seconds) is refused: phones' clocks drift a little,
/// never by minutes.
pub const MAX_FIX_AHEAD_SECS: i64 = 5 * 60;
/// Accuracies at or above this (metres) are not a GPS fix at all (a browser without GPS reports
/// cell or IP positions with accuracies of kilometres; still accepted with a reason below it).
pub const MAX_ACCURACY_M: f64 = 100_000.0;

/// A checked fix: the accuracy radius in metres and the fix time as `YYYY-MM-DDTHH:MM:SSZ`.
#[derive(Debug, Clone, PartialEq)]
pub struct GpsFix {
    pub accuracy_m: f64,
    pub fixed_at: String,
}

impl GpsFix {
    /// Checks what the form says about a fix against the server's clock (`now_unix`, seconds).
    /// Problems come back in Chinese, for the edit page.
    pub fn parse(accuracy_m: &str, fixed_at: &str, now_unix: i64) -> Result<Self, String> {
        let accuracy_m = accuracy_m
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|m| m.is_finite() && *m > 0.0 && *m < MAX_ACCURACY_M)
            .ok_or("定位精度无效：须为大于 0 的米数。请重新定位。")?;
        let at = parse_rfc3339(fixed_at.trim()).ok_or("定位时间无效，请重新定位。")?;
        if at > now_unix + MAX_FIX_AHEAD_SECS {
            return Err("定位时间晚于服务器时间，请检查手机时间后重新定位。".into());
        }
        if at < now_unix - MAX_FIX_AGE_SECS {
            return Err(format!("定位已超过 {} 分钟，请在现场重新定位。", MAX_FIX_AGE_SECS / 60));
        }
        Ok(Self { accuracy_m, fixed_at: format_rfc3339(at) })
    }
}

/// Seconds since 1970 of an RFC 3339 time (`2026-11-28T19:30:00.123Z`, or with an offset such
/// as `+08:00`); fractions of a second are dropped.
pub fn parse_rfc3339(text: &str) -> Option<i64> {
    let number = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = text.get(range)?;
        part.bytes().all(|b| b.is_ascii_digit()).then(|| part.parse().ok())?
    };
    let bytes = text.as_bytes();
    if bytes.len() < 20
        || bytes[4] != b'-'
        || bytes[7] != b'-'
        || !matches!(bytes[10], b'T' | b't' | b' ')
        || bytes[13] != b':'
        || bytes[16] != b':'
    {
        return None;
    }
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let (hour, minute, second) = (number(11..13)?, number(14..16)?, number(17..19)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut rest = &text[19..];
    if let Some(fraction) = rest.strip_prefix('.') {
        let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        rest = &fraction[digits..];
    }
    let offset_secs = match rest {
        "Z" | "z" => 0,
        _ if rest.len() == 6 && rest.as_bytes()[3] == b':' => {
            let sign = match rest.as_bytes()[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let hours: i64 = rest[1..3].parse().ok()?;
            let minutes: i64 = rest[4..6].parse().ok()?;
            sign * (hours * 3600 + minutes * 60)
        }
        _ => return None,
    };
    Some(days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offset_secs)
}

/// `YYYY-MM-DDTHH:MM:SSZ` for seconds since 1970.
pub fn format_rfc3339(unix: i64) -> String {
    let (days, secs) = (unix.div_euclid(86_400), unix.rem_euclid(86_400));
    let (year, month, day) = civil_from_days(days);
    format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z", secs / 3600, secs % 3600 / 60, secs % 60)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The inverse of [`days_from_civil`].
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (year_of_era + era * 400 + i64::from(month <= 2), month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_round_trip_and_offsets_count() {
        let t = parse_rfc3339("2026-11-28T19:30:05Z").unwrap();
        assert_eq!(format_rfc3339(t), "2026-11-28T19:30:05Z");
        assert_eq!(parse_rfc3339("2026-11-29T03:30:05.123+08:00"), Some(t));
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(
            format_rfc3339(parse_rfc3339("2024-02-29T23:59:59Z").unwrap() + 1),
            "2024-03-01T00:00:00Z"
        );
        for bad in ["", "2026-11-28", "2026-13-01T00:00:00Z", "2026-11-28T19:30:05", "yesterday"] {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_fix_must_be_fresh_and_its_accuracy_a_positive_number() {
        let now = parse_rfc3339("2026-11-28T19:30:00Z").unwrap();
        let fix = GpsFix::parse("8.5", "2026-11-28T19:29:00.000Z", now).unwrap();
        assert_eq!(fix, GpsFix { accuracy_m: 8.5, fixed_at: "2026-11-28T19:29:00Z".into() });
        for accuracy in ["0", "-3", "NaN", "inf", "", "abc"] {
            assert!(GpsFix::parse(accuracy, "2026-11-28T19:29:00Z", now).is_err(), "{accuracy}");
        }
        assert!(GpsFix::parse("5", "2026-11-28T19:36:00Z", now).is_err(), "six minutes ahead");
        assert!(GpsFix::parse("5", "2026-11-28T19:34:00Z", now).is_ok(), "four minutes ahead");
        assert!(GpsFix::parse("5", "2026-11-28T18:29:00Z", now).is_err(), "over an hour old");
    }
}
