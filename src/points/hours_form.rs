//! The opening-hours part of the point form: up to three rows of weekday checkboxes and one or
//! two time ranges, or (for hours the rows cannot show) the OpenStreetMap text itself. Posted
//! as plain fields (`oh1_d1` ... `oh1_d7` for Monday to Sunday of row 1, `oh1_from1`/`oh1_to1`
//! for its morning, `oh1_from2`/`oh1_to2` for its afternoon), so the form works without script.

use std::collections::BTreeMap;

use crate::domain::opening_hours::rows::{HoursRow, MAX_RANGES, MAX_ROWS, check_rows, rows_of, to_osm};
use crate::domain::opening_hours::{ClockRange, OpeningHours};

/// One row as posted: which days are ticked and the time fields as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RowInput {
    /// Monday first.
    pub days: [bool; 7],
    /// `(from, to)` per range, as typed (`08:30`).
    pub ranges: [(String, String); MAX_RANGES],
}

/// The rows as posted. Read from every field of the form (see [`HoursRows::from`]): the fields
/// are many and named by position, so they are picked out by name rather than declared.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(from = "BTreeMap<String, String>")]
pub struct HoursRows {
    pub rows: [RowInput; MAX_ROWS],
}

/// The name of a row's day checkbox: `oh{row}_d{day}`, both 1-based (Monday 1).
pub fn day_field(row: usize, day: usize) -> String {
    format!("oh{}_d{}", row + 1, day + 1)
}

/// The names of a row's range fields: `oh{row}_from{range}` and `oh{row}_to{range}`, 1-based.
pub fn range_fields(row: usize, range: usize) -> (String, String) {
    (format!("oh{}_from{}", row + 1, range + 1), format!("oh{}_to{}", row + 1, range + 1))
}

impl From<BTreeMap<String, String>> for HoursRows {
    fn from(fields: BTreeMap<String, String>) -> Self {
        let text = |name: &str| fields.get(name).map(|v| v.trim().to_owned()).unwrap_or_default();
        let rows = std::array::from_fn(|row| RowInput {
            days: std::array::from_fn(|day| !text(&day_field(row, day)).is_empty()),
            ranges: std::array::from_fn(|range| {
                let (from, to) = range_fields(row, range);
                (text(&from), text(&to))
            }),
        });
        Self { rows }
    }
}

impl HoursRows {
    /// The rows showing `hours`; empty rows when there are none or the rows cannot show them.
    pub fn of(hours: Option<&OpeningHours>) -> Self {
        let mut shown = Self::default();
        for (input, row) in shown.rows.iter_mut().zip(hours.and_then(rows_of).unwrap_or_default()) {
            input.days = row.days;
            for (field, range) in input.ranges.iter_mut().zip(&row.ranges) {
                *field = (ClockRange::clock(range.start_min), ClockRange::clock(range.end_min));
            }
        }
        shown
    }

    /// Whether any row has a ticked day or a typed time.
    pub fn is_blank(&self) -> bool {
        self.rows.iter().all(RowInput::is_blank)
    }

    /// The opening hours the rows say, `None` when they are blank; else every problem, in
    /// Chinese, naming its row.
    pub fn to_hours(&self) -> Result<Option<OpeningHours>, Vec<String>> {
        let mut problems = Vec::new();
        let mut rows = Vec::new();
        for (number, input) in self.rows.iter().enumerate().map(|(i, input)| (i + 1, input)) {
            if input.is_blank() {
                continue;
            }
            let mut ranges = Vec::new();
            for (from, to) in &input.ranges {
                if from.is_empty() && to.is_empty() {
                    continue;
                }
                match (ClockRange::parse_clock(from), ClockRange::parse_clock(to)) {
                    (Some(start_min), Some(end_min)) => ranges.push(ClockRange { start_min, end_min }),
                    _ => problems.push(format!(
                        "办公时间第 {number} 行：请把开始和结束时间都填写完整，如 08:30 和 12:00（24 小时制）。"
                    )),
                }
            }
            rows.push((number, HoursRow { days: input.days, ranges }));
        }
        if let Err(found) = check_rows(rows.iter().map(|(number, row)| (*number, row))) {
            problems.extend(found);
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        if rows.is_empty() {
            return Ok(None);
        }
        // The rows' text always parses; should the parser ever refuse it, say so rather than panic.
        let rows: Vec<HoursRow> = rows.into_iter().map(|(_, row)| row).collect();
        OpeningHours::parse(&to_osm(&rows)).map(Some).map_err(|e| vec![e.to_string()])
    }
}

impl RowInput {
    fn is_blank(&self) -> bool {
        !self.days.contains(&true) && self.ranges.iter().all(|(from, to)| from.is_empty() && to.is_empty())
    }
}

/// The opening hours the form says: the rows, or the text typed in the advanced field (never
/// both). `Err` is the problems to show, in Chinese.
pub fn opening_hours_of(rows: &HoursRows, advanced: &str) -> Result<Option<OpeningHours>, Vec<String>> {
    let advanced = advanced.trim();
    match (rows.is_blank(), advanced.is_empty()) {
        (_, true) => rows.to_hours(),
        (true, false) => OpeningHours::parse(advanced).map(Some).map_err(|e| vec![e.to_string()]),
        (false, false) => Err(vec![
            "办公时间：请只用一种方式填写——清空“高级格式”文本框，或清空上面按星期填写的时段。".to_owned(),
        ]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn posted(fields: &[(&str, &str)]) -> HoursRows {
        fields.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect::<BTreeMap<_, _>>().into()
    }

    #[test]
    fn posted_rows_become_opening_hours() {
        let mut fields = vec![("oh1_from1", "08:30"), ("oh1_to1", "12:00"), ("oh1_from2", "13:30")];
        fields.extend([("oh1_to2", "17:30"), ("oh2_d6", "1"), ("oh2_from1", "9:00"), ("oh2_to1", "12:00")]);
        fields.extend((1..=5).map(|day| (["oh1_d1", "oh1_d2", "oh1_d3", "oh1_d4", "oh1_d5"][day - 1], "1")));
        let rows = posted(&fields);
        let hours = opening_hours_of(&rows, "").unwrap().unwrap();
        assert_eq!(hours.as_str(), "Mo-Fr 08:30-12:00,13:30-17:30; Sa 09:00-12:00");
        // Shown again, the rows read the same (times as HH:MM).
        let shown = HoursRows::of(Some(&hours));
        assert_eq!(opening_hours_of(&shown, "").unwrap(), Some(hours));
        assert_eq!(shown.rows[1].ranges[0], ("09:00".to_owned(), "12:00".to_owned()));
    }

    #[test]
    fn blank_rows_are_unknown_hours_and_the_advanced_text_is_used_alone() {
        assert_eq!(opening_hours_of(&HoursRows::default(), " "), Ok(None));
        assert_eq!(opening_hours_of(&HoursRows::default(), "24/7").unwrap().unwrap().as_str(), "24/7");
        let rows = posted(&[("oh1_d1", "1"), ("oh1_from1", "08:00"), ("oh1_to1", "12:00")]);
        assert!(opening_hours_of(&rows, "24/7").unwrap_err()[0].contains("只用一种方式"));
        assert!(opening_hours_of(&HoursRows::default(), "周一至周五").unwrap_err()[0].contains("无法识别"));
    }

    #[test]
    fn half_filled_rows_are_refused_with_their_row() {
        let problems = opening_hours_of(&posted(&[("oh2_d1", "1"), ("oh2_from1", "08:00")]), "").unwrap_err();
        assert!(problems.iter().all(|p| p.contains("第 2 行")), "{problems:?}");
        assert!(problems[0].contains("都填写完整"));
        let problems =
            opening_hours_of(&posted(&[("oh1_from1", "12:00"), ("oh1_to1", "08:00")]), "").unwrap_err();
        assert_eq!(problems.len(), 2, "{problems:?}");
    }
}
