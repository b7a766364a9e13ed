//! The edit page's opening hours: three rows of weekday boxes and a morning and an afternoon
//! range (`<input type=time>`), the OpenStreetMap text for what the rows cannot show, and the
//! free-text note. Plain fields: no script needed, and a row fits a 360 px phone.

use maud::{Markup, html};

use crate::domain::fields::PointField;
use crate::domain::opening_hours::rows::{MAX_RANGES, weekday_zh};
use crate::points::form::PointForm;
use crate::points::hours_form::{day_field, range_fields};

/// What each range of a row is called.
const RANGE_NAMES: [&str; MAX_RANGES] = ["上午", "下午"];

pub fn hours_fieldset(form: &PointForm) -> Markup {
    let advanced = PointForm::text(&form.opening_hours);
    html! {
        fieldset #opening-hours-fields {
            legend { (PointField::OpeningHours.label_zh()) }
            p.note {
                "每行勾选星期，再填时段（北京时间，24 小时制）；只上半天的只填“上午”一段。不开放的日子不勾选。全部留空表示办公时间未知。"
            }
            @for (row, input) in form.hours_rows.rows.iter().enumerate() {
                fieldset.hours-row {
                    legend { "第 " (row + 1) " 行" }
                    div.weekdays {
                        @for (day, checked) in input.days.iter().enumerate() {
                            label {
                                input type="checkbox" name=(day_field(row, day)) value="1" checked[*checked];
                                (weekday_zh(day).trim_start_matches('周'))
                            }
                        }
                    }
                    @for (range, (from, to)) in input.ranges.iter().enumerate() {
                        @let (from_name, to_name) = range_fields(row, range);
                        div.time-range {
                            span.range-name { (RANGE_NAMES[range]) }
                            input type="time" name=(from_name) value=(from) aria-label={ "第 " (row + 1) " 行" (RANGE_NAMES[range]) "开始" };
                            span aria-hidden="true" { "至" }
                            input type="time" name=(to_name) value=(to) aria-label={ "第 " (row + 1) " 行" (RANGE_NAMES[range]) "结束" };
                        }
                    }
                }
            }
            details open[!advanced.is_empty()] {
                summary { "高级格式（OpenStreetMap opening_hours）" }
                label {
                    "营业时间规则"
                    input name="opening_hours" value=(advanced) maxlength="200" placeholder="Mo-Fr 08:30-12:00,13:30-17:30; PH off"
                        autocomplete="off" autocapitalize="off" spellcheck="false";
                }
                p.note { "上面的时段表示不了的规则（如节假日 PH、跨午夜、24/7）在这里直接填写；使用此项时请清空上面的时段。" }
            }
            label {
                (PointField::Hours.label_zh()) "（选填，节假日等例外情况）"
                input name="hours" value=(PointForm::text(&form.hours)) maxlength="200" placeholder="如：法定节假日休息；其他时间请先电话预约";
            }
        }
    }
}
