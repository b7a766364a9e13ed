//! The staff form's shape of opening hours: a few rows, each a set of weekdays with one or two
//! time ranges (a morning and an afternoon). Rows become an OpenStreetMap text; a stored text
//! becomes rows again only when writing those rows back gives the same text, so opening the
//! edit page and saving it unchanged never rewrites the hours.

use opening_hours_syntax::rules::day::{WeekDayRange, Weekday};
use opening_hours_syntax::rules::time::Time;
use opening_hours_syntax::rules::{RuleKind, RuleOperator};

use super::{ClockRange, OpeningHours};

/// The rows the form offers.
pub const MAX_ROWS: usize = 3;
/// Time ranges per row: morning and afternoon.
pub const MAX_RANGES: usize = 2;

/// OpenStreetMap's weekday names, Monday first (the order of [`HoursRow::days`]).
const OSM_DAYS: [&str; 7] = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"];

/// Weekdays (Monday first) open in the same time ranges.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HoursRow {
    pub days: [bool; 7],
    /// In order, not overlapping, each starting before it ends.
    pub ranges: Vec<ClockRange>,
}

/// The rules as OpenStreetMap text: `Mo-Fr 08:30-12:00,13:30-17:30; Sa 09:00-12:00`. Runs of
/// three days or more are written as a range, shorter ones one by one (`Sa,Su`), as the crate
/// writes them back.
pub fn to_osm(rows: &[HoursRow]) -> String {
    let rule = |row: &HoursRow| {
        let times: Vec<String> = row
            .ranges
            .iter()
            .map(|r| format!("{}-{}", ClockRange::clock(r.start_min), ClockRange::clock(r.end_min)))
            .collect();
        format!("{} {}", days_text(&row.days), times.join(","))
    };
    rows.iter().map(rule).collect::<Vec<_>>().join("; ")
}

fn days_text(days: &[bool; 7]) -> String {
    let mut parts = Vec::new();
    let mut day = 0;
    while day < 7 {
        if !days[day] {
            day += 1;
            continue;
        }
        let start = day;
        while day < 7 && days[day] {
            day += 1;
        }
        match day - start {
            1 => parts.push(OSM_DAYS[start].to_owned()),
            2 => parts.extend([OSM_DAYS[start].to_owned(), OSM_DAYS[start + 1].to_owned()]),
            _ => parts.push(format!("{}-{}", OSM_DAYS[start], OSM_DAYS[day - 1])),
        }
    }
    parts.join(",")
}

/// The form's rows for `hours`, or `None` when the form cannot show them (holidays, months,
/// `24/7`, comments, more than [`MAX_ROWS`] rows, a day in two rows...): staff then edit the
/// text itself.
pub fn rows_of(hours: &OpeningHours) -> Option<Vec<HoursRow>> {
    let expression = hours.expression();
    if expression.rules.len() > MAX_ROWS {
        return None;
    }
    let mut rows = Vec::new();
    for rule in &expression.rules {
        let selector = &rule.day_selector;
        let plain = rule.kind == RuleKind::Open
            && rule.operator == RuleOperator::Normal
            && rule.comment.is_empty()
            && selector.year.is_empty()
            && selector.monthday.is_empty()
            && selector.week.is_empty()
            && !selector.weekday.is_empty();
        if !plain {
            return None;
        }
        let mut days = [false; 7];
        for range in &selector.weekday {
            let WeekDayRange::Fixed { range, offset: 0, nth_from_start, nth_from_end } = range else {
                return None;
            };
            if nth_from_start.contains(&false) || nth_from_end.contains(&false) {
                return None;
            }
            let (first, last) = (index(*range.start()), index(*range.end()));
            if first > last {
                return None;
            }
            days[first..=last].iter_mut().for_each(|day| *day = true);
        }
        let spans = &rule.time_selector.spans;
        if spans.is_empty() || spans.len() > MAX_RANGES {
            return None;
        }
        let mut ranges = Vec::new();
        for span in spans {
            let (Time::Fixed(start), Time::Fixed(end)) = (&span.range.start, &span.range.end) else {
                return None;
            };
            if span.open_end || span.repeats.is_some() {
                return None;
            }
            let minutes = |t: &opening_hours_syntax::extended_time::ExtendedTime| {
                u16::from(t.hour()) * 60 + u16::from(t.minute())
            };
            ranges.push(ClockRange { start_min: minutes(start), end_min: minutes(end) });
        }
        rows.push(HoursRow { days, ranges });
    }
    let shown = check_rows(numbered(&rows)).is_ok() && to_osm(&rows) == hours.as_str();
    shown.then_some(rows)
}

/// Monday 0 to Sunday 6.
fn index(day: Weekday) -> usize {
    day.num_days_from_monday() as usize
}

/// Rows with their numbers as the form shows them (1-based).
pub fn numbered(rows: &[HoursRow]) -> impl Iterator<Item = (usize, &HoursRow)> {
    rows.iter().enumerate().map(|(i, row)| (i + 1, row))
}

/// What is wrong with rows as the form would save them: each problem in Chinese, naming the
/// row by its number on the form (blank rows in between are skipped, not renumbered).
pub fn check_rows<'a>(rows: impl IntoIterator<Item = (usize, &'a HoursRow)>) -> Result<(), Vec<String>> {
    let mut problems = Vec::new();
    let mut seen: [Option<usize>; 7] = [None; 7];
    for (number, row) in rows {
        if !row.days.contains(&true) {
            problems.push(format!("办公时间第 {number} 行：请至少勾选一天。"));
        }
        if row.ranges.is_empty() {
            problems.push(format!("办公时间第 {number} 行：请填写时段（开始和结束时间）。"));
        }
        for range in &row.ranges {
            if range.start_min >= range.end_min {
                problems.push(format!(
                    "办公时间第 {number} 行：{} 应早于 {}（跨午夜的时段请用高级格式填写）。",
                    ClockRange::clock(range.start_min),
                    ClockRange::clock(range.end_min)
                ));
            }
        }
        if row.ranges.windows(2).any(|pair| pair[1].start_min < pair[0].end_min) {
            problems.push(format!("办公时间第 {number} 行：下午时段须在上午时段结束之后开始。"));
        }
        for (day, checked) in row.days.iter().enumerate() {
            match (checked, seen[day]) {
                (true, Some(earlier)) => problems.push(format!(
                    "办公时间：{}同时勾选在第 {earlier} 行和第 {number} 行，每一天只能在一行中。",
                    weekday_zh(day)
                )),
                (true, None) => seen[day] = Some(number),
                _ => {}
            }
        }
    }
    if problems.is_empty() { Ok(()) } else { Err(problems) }
}

/// `周一` to `周日`, Monday 0.
pub fn weekday_zh(day: usize) -> &'static str {
    ["周一", "周二", "周三", "周四", "周五", "周六", "周日"].get(day).copied().unwrap_or("")
}
