use time::macros::datetime;

use super::rows::{HoursRow, check_rows, numbered, rows_of, to_osm};
use super::*;

fn hours(text: &str) -> OpeningHours {
    OpeningHours::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

const OFFICE: &str = "Mo-Fr 08:30-12:00,13:30-17:30; Sa 09:00-12:00";

// 2026-11-23 is a Monday; the 28th a Saturday, the 29th a Sunday.

#[test]
fn parsing_normalizes_and_refuses_what_is_not_opening_hours() {
    assert_eq!(hours(" mo-fr 8:30-12:00 ").as_str(), "Mo-Fr 08:30-12:00");
    assert_eq!(hours(OFFICE).as_str(), OFFICE);
    assert_eq!(hours("24/7").as_str(), "24/7");
    for bad in ["", "   ", "garbage", "周一至周五 8:30-17:00", "Mo-Fr 25:00-26:00", "Mo-Fr 08:30-"] {
        assert!(matches!(OpeningHours::parse(bad), Err(HoursError::Syntax(_))), "{bad:?}");
    }
    let long = format!("Mo-Fr 08:00-12:00 \"{}\"", "x".repeat(MAX_CHARS));
    assert_eq!(OpeningHours::parse(&long), Err(HoursError::TooLong));
    // The stored text parses to itself: saving what was read back changes nothing.
    for text in [OFFICE, "24/7", "off", "Mo,We,Fr 08:30-12:00", "Mo-Fr 09:00-17:00; PH off"] {
        let once = hours(text);
        assert_eq!(hours(once.as_str()), once, "{text}");
    }
}

#[test]
fn open_in_the_morning_closed_over_lunch_and_after_work() {
    let office = hours(OFFICE);
    assert_eq!(
        office.status_at(datetime!(2026-11-23 09:00)),
        OpenStatus::Open { closes_at: Some(datetime!(2026-11-23 12:00)) }
    );
    assert_eq!(
        office.status_at(datetime!(2026-11-23 12:30)),
        OpenStatus::Closed { opens_at: Some(datetime!(2026-11-23 13:30)) }
    );
    // The minute it opens it is open; the minute it closes it is closed.
    assert_eq!(
        office.status_at(datetime!(2026-11-23 13:30)),
        OpenStatus::Open { closes_at: Some(datetime!(2026-11-23 17:30)) }
    );
    assert_eq!(
        office.status_at(datetime!(2026-11-23 17:30)),
        OpenStatus::Closed { opens_at: Some(datetime!(2026-11-24 08:30)) }
    );
    // Friday evening: Saturday morning.
    assert_eq!(
        office.status_at(datetime!(2026-11-27 20:00)),
        OpenStatus::Closed { opens_at: Some(datetime!(2026-11-28 09:00)) }
    );
}

#[test]
fn closed_on_sunday_opens_on_monday() {
    let office = hours(OFFICE);
    for at in [datetime!(2026-11-28 12:00), datetime!(2026-11-29 10:00), datetime!(2026-11-29 23:59)] {
        assert_eq!(office.status_at(at), OpenStatus::Closed { opens_at: Some(datetime!(2026-11-30 08:30)) });
    }
}

#[test]
fn late_nights_and_always() {
    let night = hours("Fr 20:00-02:00");
    assert_eq!(
        night.status_at(datetime!(2026-11-28 01:00)),
        OpenStatus::Open { closes_at: Some(datetime!(2026-11-28 02:00)) }
    );
    assert_eq!(
        night.status_at(datetime!(2026-11-28 02:00)),
        OpenStatus::Closed { opens_at: Some(datetime!(2026-12-04 20:00)) }
    );
    assert_eq!(hours("24/7").status_at(datetime!(2026-11-29 03:00)), OpenStatus::Open { closes_at: None });
    assert_eq!(hours("off").status_at(datetime!(2026-11-29 03:00)), OpenStatus::Closed { opens_at: None });
    assert_eq!(
        hours("Mo-Fr 09:00-17:00 unknown").status_at(datetime!(2026-11-23 10:00)),
        OpenStatus::Unknown
    );
}

#[test]
fn the_week_as_it_applies() {
    let week = hours(OFFICE).week_of(time::macros::date!(2026 - 11 - 29));
    let office_day =
        vec![ClockRange { start_min: 510, end_min: 720 }, ClockRange { start_min: 810, end_min: 1050 }];
    assert_eq!(week[0], office_day);
    assert_eq!(week[4], office_day);
    assert_eq!(week[5], [ClockRange { start_min: 540, end_min: 720 }]);
    assert!(week[6].is_empty());
    let always = hours("24/7").week_of(time::macros::date!(2026 - 11 - 23));
    assert!(always.iter().all(|day| day == &[ClockRange { start_min: 0, end_min: 1440 }]));
}

#[test]
fn clock_times_as_forms_send_them() {
    assert_eq!(ClockRange::parse_clock("08:30"), Some(510));
    assert_eq!(ClockRange::parse_clock("8:30"), Some(510));
    assert_eq!(ClockRange::parse_clock("17:30:00"), Some(1050));
    assert_eq!(ClockRange::parse_clock("24:00"), Some(1440));
    for bad in ["", "8", "8:3", "24:01", "12:60", "ab:cd", "12:00:30", "-1:00", "1:00:00:00"] {
        assert_eq!(ClockRange::parse_clock(bad), None, "{bad:?}");
    }
    assert_eq!(ClockRange::clock(510), "08:30");
}

fn row(days: &[usize], ranges: &[(u16, u16)]) -> HoursRow {
    let mut set = [false; 7];
    days.iter().for_each(|&d| set[d] = true);
    HoursRow {
        days: set,
        ranges: ranges.iter().map(|&(start_min, end_min)| ClockRange { start_min, end_min }).collect(),
    }
}

#[test]
fn rows_become_the_text_the_parser_writes_back() {
    let rows = vec![row(&[0, 1, 2, 3, 4], &[(510, 720), (810, 1050)]), row(&[5], &[(540, 720)])];
    assert_eq!(to_osm(&rows), OFFICE);
    assert_eq!(rows_of(&hours(OFFICE)), Some(rows));
    for rows in [
        vec![row(&[0, 2, 4], &[(510, 720)])],
        vec![row(&[5, 6], &[(540, 720)])],
        vec![row(&[0, 1, 2, 3, 4, 5, 6], &[(480, 1200)])],
        vec![row(&[0, 1, 3, 4, 5], &[(480, 720)]), row(&[2], &[(480, 1200)]), row(&[6], &[(600, 660)])],
    ] {
        let text = to_osm(&rows);
        assert_eq!(hours(&text).as_str(), text);
        assert_eq!(rows_of(&hours(&text)), Some(rows), "{text}");
    }
}

#[test]
fn texts_the_rows_cannot_show_stay_text() {
    for text in [
        "24/7",
        "off",
        "Mo-Fr 09:00-17:00; PH off",
        "Mo-Fr 08:00-12:00 \"预约\"",
        "Fr 20:00-02:00",
        "Mo-Tu 09:00-12:00",
        "Mo-Fr 09:00-12:00; We 14:00-16:00",
        "Mo 08:00-09:00; Tu 08:00-09:00; We 08:00-09:00; Th 08:00-09:00",
        "Mo-Fr 08:00-09:00,10:00-11:00,12:00-13:00",
        "Jan-Mar Mo-Fr 09:00-12:00",
        "Sa-Mo 09:00-10:00",
        "Mo-Su 00:00-24:00",
    ] {
        assert_eq!(rows_of(&hours(text)), None, "{text}");
    }
}

#[test]
fn rows_are_checked_with_the_row_named() {
    assert!(check_rows(numbered(&[row(&[0], &[(510, 720), (810, 1050)])])).is_ok());
    let problems = check_rows(numbered(&[
        row(&[], &[(510, 720)]),
        row(&[0, 1], &[(720, 510)]),
        row(&[1], &[(480, 720), (700, 800)]),
        row(&[2], &[]),
    ]))
    .unwrap_err();
    assert_eq!(problems.len(), 5, "{problems:?}");
    assert!(problems[0].contains("第 1 行") && problems[0].contains("至少勾选一天"));
    assert!(problems[1].contains("第 2 行") && problems[1].contains("12:00 应早于 08:30"));
    assert!(problems[2].contains("第 3 行") && problems[2].contains("上午时段结束之后"));
    assert!(problems[3].contains("周二同时勾选在第 2 行和第 3 行"));
    assert!(problems[4].contains("第 4 行") && problems[4].contains("请填写时段"));
}
