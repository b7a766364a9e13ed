//! The edit page's banner: after every save attempt it says at the top of the form what
//! happened, and the page's script moves focus to it. When the save needs the editor (a
//! confirmation, a reason), the controls are in the banner itself; after a conflict it shows
//! the fields both sides changed side by side, with who changed them and when.

use maud::{Markup, html};

use super::edit::{ConflictView, EditView, Outcome};
use crate::domain::fields::PointState;
use crate::points::form::{Confirmation, PointForm};
use crate::views::format;

pub(super) fn banner(view: &EditView<'_>) -> Markup {
    let Some(outcome) = view.outcome else { return html! {} };
    let problems = &view.draft.problems;
    html! {
        @match outcome {
            Outcome::Saved(version) => {
                div.banner.saved #save-status tabindex="-1" role="status" {
                    p { strong { "已保存（第 " (version) " 版）" } }
                }
            }
            Outcome::Unchanged => {
                div.banner.saved #save-status tabindex="-1" role="status" {
                    p { strong { "没有修改" } "：表单与已保存的内容相同，没有产生新版本。" }
                }
            }
            Outcome::DraftRestored => {
                div.banner.problem #save-status tabindex="-1" role="alert" {
                    p { strong { "尚未保存：" } "登录已过期，这是您之前填写的内容。请核对后点击“保存”。" }
                    @if !problems.is_empty() { ul { @for problem in problems { li { (problem) } } } }
                }
            }
            Outcome::NotSaved => {
                div.banner.problem #save-status tabindex="-1" role="alert" {
                    p { strong { "尚未保存：" } (not_saved_reason(view)) }
                    @if !problems.is_empty() { ul { @for problem in problems { li { (problem) } } } }
                    (confirmations(view))
                    @if !view.draft.missing_confirmations.is_empty() {
                        button type="submit" name="action" value="save" { "确认并保存" }
                    }
                }
            }
            Outcome::Conflict => {
                @if let Some(conflict) = &view.conflict {
                    (conflict_banner(conflict))
                }
            }
        }
    }
}

fn not_saved_reason(view: &EditView<'_>) -> &'static str {
    if !view.draft.problems.is_empty() {
        "请修改以下问题。"
    } else if view.draft.missing_confirmations.contains(&Confirmation::PoorFix) {
        "定位精度不够，请填写原因后再保存，或到开阔处重新定位。"
    } else {
        "请在下面确认后再保存。"
    }
}

/// The confirmations the save still needs (and those already given, so they stay given).
pub(super) fn confirmations(view: &EditView<'_>) -> Markup {
    let draft = view.draft;
    let form = view.form;
    let given = |field: &Option<String>| !PointForm::text(field).is_empty();
    let missing = |confirmation| draft.missing_confirmations.contains(&confirmation);
    html! {
        @if missing(Confirmation::LongMove) || given(&form.confirm_move) {
            label.check.confirm {
                input type="checkbox" name="confirm_move" value="1" checked[given(&form.confirm_move)];
                "确认移动超过 " (format::distance(view.confirm_move_m)) "（请核实坐标无误）"
            }
        }
        @if missing(Confirmation::OutsideDistrict) || given(&form.confirm_outside) {
            label.check.confirm {
                input type="checkbox" name="confirm_outside" value="1" checked[given(&form.confirm_outside)];
                "确认位置在区界外"
            }
            label { "区界外的原因（必填）" input name="outside_reason" value=(PointForm::text(&form.outside_reason)); }
        }
        @if missing(Confirmation::PoorFix) || given(&form.gps_reason) {
            label.confirm #gps-reason-label {
                "定位精度差于 " (format!("{:.0}", view.max_gps_accuracy_m)) " 米，仍要使用的原因（必填）"
                input #gps_reason name="gps_reason" value=(PointForm::text(&form.gps_reason)) placeholder="如：室内，已对照门牌确认";
            }
        }
    }
}

fn conflict_banner(conflict: &ConflictView<'_>) -> Markup {
    let current = conflict.current;
    let theirs = PointState::from(current);
    let yours = PointState::of_record(conflict.mine);
    html! {
        div.banner.problem #save-status tabindex="-1" role="alert" {
            p {
                strong { "尚未保存：" } "在您编辑期间，同事也修改了下面的字段（现在是第 " (current.version) " 版）。"
                "其他字段已合并：您没改的保留同事的内容，您改的保留您的内容。"
                "请逐项决定（表单中现在是您的值），再点击“保存”；或"
                a href={ "/admin/points/" (current.record.code) } { "放弃您的修改" } "。"
            }
            table.conflicts {
                thead { tr { th { "字段" } th { "同事保存的" } th { "您填写的" } } }
                tbody {
                    @for (field, entry) in &conflict.fields {
                        tr {
                            th scope="row" { (field.label_zh()) }
                            td.theirs {
                                (format::field_value(&field.value_of(theirs)))
                                @if let Some(entry) = entry { br; small { (entry.changed_by) " 于 " (format::date_time(&entry.changed_at)) " 修改" } }
                            }
                            td.yours { (format::field_value(&field.value_of(yours))) }
                        }
                    }
                }
            }
        }
    }
}
