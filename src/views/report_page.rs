//! "位置不对？告诉我们": a resident's correction report on a point (`/points/{code}/report`), and
//! the thanks once it is sent. The form works without JavaScript; app.js adds the button that
//! attaches the resident's current location, and only that button asks the browser for it.

use maud::{Markup, html};

use super::layout::{PageContext, layout};
use crate::domain::report::{
    MAX_DESCRIPTION_CHARS, ReportFields, ReportKind, ReportLocation, ReportProblems,
};
use crate::domain::{LEGAL_HOTLINE, ServicePoint};

/// What the form shows again after a refused send: what was typed, what is wrong with it, and a
/// problem that is no field's (too many reports, a form that did not parse).
#[derive(Debug, Default)]
pub struct ReportFormState<'a> {
    pub fields: ReportFields,
    pub problems: ReportProblems,
    pub notice: Option<&'a str>,
}

impl ReportFormState<'_> {
    /// The attached location, if the fields hold a valid one (one that failed is dropped).
    fn location(&self) -> Option<ReportLocation> {
        let field = |value: &Option<String>| value.clone().unwrap_or_default();
        let f = &self.fields;
        ReportLocation::parse(&field(&f.lat), &field(&f.lon), &field(&f.accuracy_m)).ok().flatten()
    }

    fn has_problems(&self) -> bool {
        self.notice.is_some() || !self.problems.is_empty()
    }
}

/// The report form for `point`.
pub fn form_page(context: &PageContext, point: &ServicePoint, state: &ReportFormState<'_>) -> Markup {
    let record = &point.record;
    let chosen = state.fields.kind.as_deref().and_then(|kind| kind.parse::<ReportKind>().ok());
    let description = state.fields.description.as_deref().unwrap_or("");
    let problems = &state.problems;
    let location = state.location();
    let title = if state.has_problems() {
        "请修改后再发送：位置不对？告诉我们"
    } else {
        "位置不对？告诉我们"
    };
    layout(
        title,
        context,
        html! {
            article.report {
                h1 { "位置不对？告诉我们" }
                p.town { "服务点：" a href={ "/points/" (record.code) } { (record.name) } "（" (record.town) "）" }
                p.note {
                    "您的纠错只发给黄岩区司法局的工作人员核实，不会在网上公开；我们不记录您的姓名、电话或网络地址。"
                    "需要答复或咨询，请拨打公共法律服务热线 " a href={ "tel:" (LEGAL_HOTLINE) } { (LEGAL_HOTLINE) } "。"
                }
                @if state.has_problems() {
                    // Focus lands here after a refused send, so the reader hears what to fix first.
                    div.problem #report-problems role="alert" tabindex="-1" autofocus data-focus-on-load {
                        @if let Some(notice) = state.notice { p { (notice) } }
                        @if !problems.is_empty() {
                            p { "请修改以下内容后再发送：" }
                            ul {
                                @if let Some(problem) = &problems.kind { li { a href="#kind-location" { (problem) } } }
                                @if let Some(problem) = &problems.description { li { a href="#description" { (problem) } } }
                                @if let Some(problem) = &problems.location { li { a href="#report-location" { (problem) } } }
                            }
                        }
                    }
                }
                form.report-form method="post" action={ "/points/" (record.code) "/report" } {
                    fieldset.kinds.invalid[problems.kind.is_some()]
                        aria-describedby=[problems.kind.as_ref().map(|_| "kind-error")] {
                        legend { "哪里不对？" span.required { "（必选）" } }
                        @if let Some(problem) = &problems.kind { p.field-error #kind-error { (problem) } }
                        @for kind in ReportKind::ALL {
                            label.kind {
                                input type="radio" name="kind" id={ "kind-" (kind.as_str()) } value=(kind.as_str())
                                    checked[chosen == Some(*kind)];
                                span { (kind.label_zh()) }
                            }
                        }
                    }
                    label.field for="description" { "请说明" }
                    p.hint #description-hint {
                        "例如：服务点实际在村委会二楼；电话应为 0576-……；已搬到某某路。最多 " (MAX_DESCRIPTION_CHARS) " 字。请不要填写您本人的姓名、电话等信息。"
                    }
                    @if let Some(problem) = &problems.description { p.field-error #description-error { (problem) } }
                    textarea #description name="description" rows="5" maxlength=(MAX_DESCRIPTION_CHARS)
                        aria-describedby={ "description-hint" @if problems.description.is_some() { " description-error" } }
                        aria-invalid=[problems.description.as_ref().map(|_| "true")] { (description) }

                    // Shown by app.js where the browser can locate: without it, nothing to press.
                    section.report-location #report-location hidden aria-labelledby="report-location-heading" {
                        h2 #report-location-heading { "您在服务点的正确位置吗？" }
                        p.hint {
                            "如果您现在就站在服务点门口，可以附上您当前的位置，帮我们把地图改对。只有点击下面的按钮才会获取位置，发送前可以移除。"
                        }
                        @if let Some(problem) = &problems.location { p.field-error #location-error { (problem) } }
                        button.secondary #attach-location type="button" { "我现在就在正确的位置" }
                        p #location-status role="status" aria-live="polite" {
                            @if let Some(location) = location { (attached_text(location)) }
                        }
                        button.secondary #remove-location type="button" hidden[location.is_none()] { "移除位置" }
                        input type="hidden" name="lat" value=[location.map(|l| format!("{:.6}", l.at.lat()))];
                        input type="hidden" name="lon" value=[location.map(|l| format!("{:.6}", l.at.lon()))];
                        input type="hidden" name="accuracy_m" value=[location.map(|l| format!("{:.0}", l.accuracy_m))];
                    }
                    button #send-report type="submit" { "发送" }
                }
                p { a href={ "/points/" (record.code) } { "返回服务点页面" } }
            }
        },
    )
}

/// What the page says while a location is attached (app.js writes the same words).
fn attached_text(location: ReportLocation) -> String {
    format!("已附上您当前的位置（精度约 {:.0} 米），发送时一并提交。", location.accuracy_m)
}

/// The thanks after a report is stored. It repeats nothing of what was sent.
pub fn sent_page(context: &PageContext, point: &ServicePoint) -> Markup {
    let record = &point.record;
    layout(
        "已收到您的纠错",
        context,
        html! {
            article.report {
                h1 #report-sent tabindex="-1" autofocus data-focus-on-load { "谢谢您！已收到您的纠错" }
                p {
                    "关于“" (record.name) "”的纠错已发给黄岩区司法局。工作人员核实后会更正服务点的信息，更正后即在本网站显示。"
                }
                p.note { "您的纠错不会公开显示，我们没有记录您的身份，因此无法单独答复。需要咨询，请拨打 " a href={ "tel:" (LEGAL_HOTLINE) } { (LEGAL_HOTLINE) } "。" }
                p.actions {
                    a.button href={ "/points/" (record.code) } { "返回服务点页面" }
                    a.button href="/" { "返回首页" }
                }
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::points::seed;

    fn point() -> ServicePoint {
        seed::bundled_points().into_iter().next().unwrap()
    }

    #[test]
    fn problems_are_tied_to_their_fields_and_focused() {
        let state = ReportFormState {
            fields: ReportFields { kind: Some("details".into()), ..ReportFields::default() },
            problems: ReportProblems { description: Some("请说明".into()), ..ReportProblems::default() },
            notice: None,
        };
        let html = form_page(&PageContext::default(), &point(), &state).into_string();
        assert!(html.contains(r#"aria-describedby="description-hint description-error""#), "{html}");
        assert!(html.contains(r#"aria-invalid="true""#) && html.contains(r#"id="description-error""#));
        assert!(html.contains(r#"role="alert" tabindex="-1" autofocus"#));
        assert!(html.contains(r#"value="details" checked"#));
        let clean = form_page(&PageContext::default(), &point(), &ReportFormState::default()).into_string();
        assert!(!clean.contains("role=\"alert\"") && !clean.contains("aria-invalid"));
        assert!(clean.contains(r#"id="report-location" hidden"#), "the location part waits for app.js");
    }
}
