//! Saving the edit page: a three-way merge with what is stored now, so that two editors' changes
//! to different fields both survive, only fields both changed (to different values) stop the save
//! and are shown side by side, and a form that changes nothing writes nothing.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::points::{Render, check_form, load, render_edit};
use super::{CsrfForm, require_town};
use crate::app::AppState;
use crate::db::{Change, WriteError};
use crate::domain::fields::{differing_fields, merge};
use crate::domain::{LocationQuality, ServicePoint};
use crate::error::{AppError, PageResult};
use crate::points::form::{Draft, NOTHING_TO_VERIFY_ZH, PointForm};
use crate::routes::extract::PagePath;
use crate::views::admin::{ConflictView, Outcome};

/// Preview or save an edit. The save is a three-way merge: fields this editor did not change
/// keep what is stored now, and only fields both sides changed (to different values) stop it.
pub async fn save_point(
    State(state): State<AppState>,
    PagePath(code): PagePath<String>,
    CsrfForm { staff, form }: CsrfForm<PointForm>,
) -> PageResult<Response> {
    let current = load(&state, &code).await?;
    require_town(&staff, &current.record.town_code)?;
    let Ok(version) = PointForm::text(&form.version).parse::<i64>() else {
        return Err(AppError::bad_request("invalid_form", "表单缺少版本号，请重新打开编辑页面。").into());
    };
    // What the editor saw: the form says, or (a form without the shown values) the stored point
    // if it is still the version the form was based on.
    let base = form
        .base_record(&current.record)
        .or_else(|| (version == current.version).then(|| current.record.clone()));
    let seen =
        ServicePoint { record: base.clone().unwrap_or_else(|| current.record.clone()), ..current.clone() };
    let mut draft = check_form(&state, &form, Some(&seen), &staff.user.username);
    let page = |form: &PointForm, draft: &Draft, conflict, outcome, status: StatusCode| {
        let page = Render {
            point: Some(&current),
            form,
            draft,
            conflict,
            outcome: Some(outcome),
            preview: true,
            back: None,
        };
        (status, render_edit(&state, &staff, page)).into_response()
    };
    if !form.wants_save() {
        let status =
            if draft.problems.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
        let page = Render {
            point: Some(&current),
            form: &form,
            draft: &draft,
            conflict: None,
            outcome: None,
            preview: true,
            back: None,
        };
        return Ok((status, render_edit(&state, &staff, page)).into_response());
    }
    let Some(mine) = draft.record.clone().filter(|_| draft.ready()) else {
        // Only confirmations missing: a question to the editor, not an error.
        let status =
            if draft.problems.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
        return Ok(page(&form, &draft, None, Outcome::NotSaved, status));
    };
    let merged = merge(base.as_ref(), &current.record, &mine);
    if !merged.conflicts.is_empty() {
        let history = state.db.point_history(&current.record.code).await?;
        let fields = merged
            .conflicts
            .iter()
            .map(|&field| {
                // The newest change since the editor's version that touched the field.
                let by = history
                    .iter()
                    .filter(|entry| entry.version > version)
                    .find(|entry| entry.changes().iter().any(|change| change.field == field));
                (field, by.cloned())
            })
            .collect();
        let shown = PointForm {
            verify: form.verify.clone(),
            reason: form.reason.clone(),
            confirm_move: form.confirm_move.clone(),
            confirm_outside: form.confirm_outside.clone(),
            outside_reason: form.outside_reason.clone(),
            gps_reason: form.gps_reason.clone(),
            accuracy_m: form.accuracy_m.clone(),
            fixed_at: form.fixed_at.clone(),
            ..PointForm::from_record(&merged.record, current.version)
        }
        .based_on(&current.record);
        let conflict = ConflictView { current: &current, mine: &mine, fields };
        return Ok(page(&shown, &draft, Some(conflict), Outcome::Conflict, StatusCode::CONFLICT));
    }
    if draft.verify && merged.record.location_quality == LocationQuality::TownCentre {
        draft.problems.push(NOTHING_TO_VERIFY_ZH.into());
        return Ok(page(&form, &draft, None, Outcome::NotSaved, StatusCode::UNPROCESSABLE_ENTITY));
    }
    if differing_fields(&current, &merged.record).is_empty() && !draft.verify {
        let form = PointForm::from_point(&current);
        let draft = check_form(&state, &form, Some(&current), &staff.user.username);
        return Ok(page(&form, &draft, None, Outcome::Unchanged, StatusCode::OK));
    }
    let reason_text = history_reason(&form, &draft, state.staff.max_gps_accuracy_m);
    let change = Change { actor: &staff.user.username, reason: reason_text.as_deref() };
    match state.db.edit_point(current.version, &merged.record, draft.verify, change).await {
        Ok(saved) => {
            state.point_changed(&saved.record.code).await?;
            Ok(Redirect::to(&format!("/admin/points/{}?saved={}", saved.record.code, saved.version))
                .into_response())
        }
        // Someone saved between reading and writing: the editor saves again (merging anew).
        Err(WriteError::Conflict { .. }) => {
            draft.problems.push("就在保存的同时，有人保存了新的版本：请再次点击“保存”。".into());
            Ok(page(&form, &draft, None, Outcome::NotSaved, StatusCode::CONFLICT))
        }
        Err(other) => Err(other.into()),
    }
}

/// The reason the history records: the editor's, with what the confirmations said.
fn history_reason(form: &PointForm, draft: &Draft, max_gps_accuracy_m: f64) -> Option<String> {
    let mut parts = Vec::new();
    if !draft.inside_district {
        parts.push(format!("区界外：{}", PointForm::text(&form.outside_reason)));
    }
    if let Some(fix) = draft.fix.as_ref().filter(|fix| fix.accuracy_m > max_gps_accuracy_m) {
        parts.push(format!(
            "定位精度 {:.0} 米（超过 {:.0} 米）：{}",
            fix.accuracy_m,
            max_gps_accuracy_m,
            PointForm::text(&form.gps_reason)
        ));
    }
    let reason = PointForm::text(&form.reason);
    if !reason.is_empty() {
        parts.push(reason.to_owned());
    }
    (!parts.is_empty()).then(|| parts.join("；"))
}
