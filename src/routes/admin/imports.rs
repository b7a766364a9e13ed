//! `/admin/imports`: the applied imports, and undoing one in a single step.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::{CsrfForm, Staff};
use crate::app::AppState;
use crate::db::UndoError;
use crate::domain::staff::Role;
use crate::error::{AppError, PageResult};
use crate::routes::extract::PagePath;
use crate::views::admin;

pub async fn imports_page(State(state): State<AppState>, staff: Staff) -> PageResult<Response> {
    let batches = state.db.import_batches().await?;
    Ok(admin::imports_page(&staff, &batches).into_response())
}

#[derive(Debug, Deserialize)]
pub struct UndoForm {}

/// Reverts an import: the points nobody changed since get their values before it back, as new
/// versions; the others are listed, untouched.
pub async fn undo_import(
    State(state): State<AppState>,
    PagePath(id): PagePath<i64>,
    CsrfForm { staff, form: UndoForm {} }: CsrfForm<UndoForm>,
) -> PageResult<Response> {
    if !staff.towns.is_empty() && staff.user.role != Role::Admin {
        // An import spans towns; undoing it is for accounts that may change every town.
        return Err(AppError::forbidden(
            "town_not_allowed",
            "您的账号只能修改部分镇（街道），不能撤销整次导入，请联系管理员。",
        )
        .into());
    }
    let outcome = match state.db.undo_import(id, &staff.user.username).await {
        Ok(outcome) => outcome,
        Err(UndoError::NotFound) => return Err(AppError::not_found("没有这次导入。").into()),
        Err(UndoError::AlreadyUndone(batch)) => {
            let undone = batch.undone.as_ref();
            return Err(AppError::conflict(format!(
                "这次导入（#{}，{}）已由 {} 于 {} 撤销，不能再次撤销。",
                batch.id,
                batch.file_name,
                undone.map_or("", |u| u.by.as_str()),
                undone.map_or_else(String::new, |u| crate::views::format::date_time(&u.at))
            ))
            .into());
        }
        Err(UndoError::Db(cause)) => return Err(cause.into()),
    };
    state.reload_index().await?;
    Ok(admin::undo_done_page(&staff, &outcome).into_response())
}
