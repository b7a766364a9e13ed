//! Opening hours as residents read them: the week in plain Chinese (周一至周五 08:30–12:00、
//! 13:30–17:30) and whether the point is open at the moment the page was asked for, in Beijing
//! time ("营业中（17:30 结束）", "已休息，周一 8:30 开门"). The moment is a parameter: views
//! stay pure, and tests pass a fixed time.

use maud::{Markup, html};
use time::PrimitiveDateTime;

use crate::domain::OpeningHours;
use crate::domain::opening_hours::rows::weekday_zh;
use crate::domain::opening_hours::{ClockRange, OpenStatus, Week};

/// The status badge and the week, for a point's page; unknown hours say so and claim nothing.
pub fn hours_block(hours: Option<&OpeningHours>, note: Option<&str>, now: PrimitiveDateTime) -> Markup {
    html! {
        @if let Some(hours) = hours {
            p.badges { (status_badge(hours, now)) }
            p.week {
                @for (i, line) in week_lines(&hours.week_of(now.date())).iter().enumerate() {
                    @if i > 0 { "；" br; }
                    (line)
                }
            }
        } @else {
            "暂未登记，前往前请先电话咨询"
        }
        @if let Some(note) = note { p.note { (note) } }
    }
}

/// The short status, for the results list: a badge when the rules say open or closed.
pub fn status_badge(hours: &OpeningHours, now: PrimitiveDateTime) -> Markup {
    let status = hours.status_at(now);
    let text = status_text(status, now);
    html! {
        @match status {
            OpenStatus::Open { .. } => span.badge.ok.open-status { (text) },
            OpenStatus::Closed { .. } => span.badge.no.open-status { (text) },
            OpenStatus::Unknown => span.open-status { (text) },
        }
    }
}

/// "营业中（17:30 结束）", "已休息，明天 8:30 开门", ...
pub fn status_text(status: OpenStatus, now: PrimitiveDateTime) -> String {
    match status {
        OpenStatus::Open { closes_at: Some(at) } => format!("营业中（{} 结束）", closing(at, now)),
        OpenStatus::Open { closes_at: None } => "营业中".to_owned(),
        OpenStatus::Closed { opens_at: Some(at) } => {
            format!("已休息，{} {} 开门", day_word(at, now), clock(at.hour(), at.minute()))
        }
        OpenStatus::Closed { opens_at: None } => "已休息".to_owned(),
        OpenStatus::Unknown => "现在是否开放不确定，请先电话咨询".to_owned(),
    }
}

/// When an open point closes: a time today (midnight as 24:00), or a day and a time.
fn closing(at: PrimitiveDateTime, now: PrimitiveDateTime) -> String {
    let days = (at.date() - now.date()).whole_days();
    match (days, at.hour(), at.minute()) {
        (0, hour, minute) => clock(hour, minute),
        (1, 0, 0) => "24:00".to_owned(),
        _ => format!("{} {}", day_word(at, now), clock(at.hour(), at.minute())),
    }
}

/// 今天, 明天, a weekday within the week ahead, else the date.
fn day_word(at: PrimitiveDateTime, now: PrimitiveDateTime) -> String {
    match (at.date() - now.date()).whole_days() {
        0 => "今天".to_owned(),
        1 => "明天".to_owned(),
        2..=6 => weekday_zh(at.weekday().number_days_from_monday().into()).to_owned(),
        _ => format!("{}月{}日", u8::from(at.month()), at.day()),
    }
}

/// `8:30`: the hour as people say it.
fn clock(hour: u8, minute: u8) -> String {
    format!("{hour}:{minute:02}")
}

/// The week in one line: "周一至周五 08:30–12:00、13:30–17:30；周六 09:00–12:00；周日休息".
pub fn week_text(week: &Week) -> String {
    week_lines(week).join("；")
}

/// The week as lines: days with the same hours together, runs of days as 至, closed days last.
pub fn week_lines(week: &Week) -> Vec<String> {
    if week.iter().all(|day| day == &[ClockRange { start_min: 0, end_min: 1440 }]) {
        return vec!["全天开放（每天 24 小时）".to_owned()];
    }
    let mut groups: Vec<(&Vec<ClockRange>, Vec<usize>)> = Vec::new();
    for (day, ranges) in week.iter().enumerate() {
        match groups.iter_mut().find(|(same, _)| *same == ranges) {
            Some((_, days)) => days.push(day),
            None => groups.push((ranges, vec![day])),
        }
    }
    let (open, closed): (Vec<_>, Vec<_>) = groups.into_iter().partition(|(ranges, _)| !ranges.is_empty());
    let mut parts: Vec<String> = open
        .iter()
        .map(|(ranges, days)| {
            let times: Vec<String> = ranges
                .iter()
                .map(|r| format!("{}–{}", ClockRange::clock(r.start_min), ClockRange::clock(r.end_min)))
                .collect();
            format!("{} {}", days_text(days), times.join("、"))
        })
        .collect();
    match (open.is_empty(), closed.first()) {
        (true, _) => parts.push("本周不开放".to_owned()),
        (false, Some((_, days))) => parts.push(format!("{}休息", days_text(days))),
        (false, None) => {}
    }
    parts
}

/// Days (Monday 0, in order) as Chinese: runs of three or more as 周一至周五, others with 、.
fn days_text(days: &[usize]) -> String {
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for &day in days {
        match runs.last_mut() {
            Some((_, end)) if *end + 1 == day => *end = day,
            _ => runs.push((day, day)),
        }
    }
    let mut names = Vec::new();
    for (start, end) in runs {
        if end >= start + 2 {
            names.push(format!("{}至{}", weekday_zh(start), weekday_zh(end)));
        } else {
            names.extend((start..=end).map(|day| weekday_zh(day).to_owned()));
        }
    }
    names.join("、")
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    fn hours(text: &str) -> OpeningHours {
        OpeningHours::parse(text).unwrap()
    }

    // 2026-11-23 is a Monday.
    const OFFICE: &str = "Mo-Fr 08:30-12:00,13:30-17:30; Sa 09:00-12:00";

    #[test]
    fn the_status_in_words() {
        let office = hours(OFFICE);
        let say = |at| status_text(office.status_at(at), at);
        assert_eq!(say(datetime!(2026-11-23 09:00)), "营业中（12:00 结束）");
        assert_eq!(say(datetime!(2026-11-23 12:10)), "已休息，今天 13:30 开门");
        assert_eq!(say(datetime!(2026-11-23 18:00)), "已休息，明天 8:30 开门");
        assert_eq!(say(datetime!(2026-11-28 12:00)), "已休息，周一 8:30 开门");
        assert_eq!(say(datetime!(2026-11-29 12:00)), "已休息，明天 8:30 开门");
        let late = hours("Mo-Fr 18:00-24:00");
        assert_eq!(
            status_text(late.status_at(datetime!(2026-11-23 20:00)), datetime!(2026-11-23 20:00)),
            "营业中（24:00 结束）"
        );
        let night = hours("Fr 20:00-02:00");
        assert_eq!(
            status_text(night.status_at(datetime!(2026-11-27 21:00)), datetime!(2026-11-27 21:00)),
            "营业中（明天 2:00 结束）"
        );
        assert_eq!(
            status_text(hours("24/7").status_at(datetime!(2026-11-23 03:00)), datetime!(2026-11-23 03:00)),
            "营业中"
        );
        assert_eq!(
            status_text(OpenStatus::Unknown, datetime!(2026-11-23 03:00)),
            "现在是否开放不确定，请先电话咨询"
        );
        let monthly = OpenStatus::Closed { opens_at: Some(datetime!(2026-12-07 09:00)) };
        assert_eq!(status_text(monthly, datetime!(2026-11-23 10:00)), "已休息，12月7日 9:00 开门");
    }

    #[test]
    fn the_week_in_words() {
        let week = |text: &str| week_text(&hours(text).week_of(time::macros::date!(2026 - 11 - 25)));
        assert_eq!(week(OFFICE), "周一至周五 08:30–12:00、13:30–17:30；周六 09:00–12:00；周日休息");
        assert_eq!(
            week("Mo,We,Fr 08:30-12:00; Sa,Su 09:00-11:00"),
            "周一、周三、周五 08:30–12:00；周六、周日 09:00–11:00；周二、周四休息"
        );
        assert_eq!(week("Mo-Su 08:00-20:00"), "周一至周日 08:00–20:00");
        assert_eq!(week("24/7"), "全天开放（每天 24 小时）");
        assert_eq!(week("off"), "本周不开放");
    }

    #[test]
    fn unknown_hours_claim_nothing() {
        let markup = hours_block(None, Some("节假日休息"), datetime!(2026-11-23 10:00)).into_string();
        assert!(markup.contains("暂未登记") && markup.contains("节假日休息"), "{markup}");
        assert!(!markup.contains("营业中") && !markup.contains("已休息"), "{markup}");
    }
}
