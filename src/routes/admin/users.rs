//! Account management, for admins: add, disable or re-enable, reset a password, unlock.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{CsrfForm, Staff, require};
use crate::app::AppState;
use crate::domain::staff::{NewPassword, Role, Username, parse_town_code};
use crate::error::{AppError, PageResult};
use crate::routes::extract::PagePath;
use crate::views::admin;
use crate::web::auth;

async fn page(
    state: &AppState,
    staff: &Staff,
    problem: Option<&str>,
    status: StatusCode,
) -> PageResult<Response> {
    let users = state.db.users().await?;
    let user_towns = state.db.all_user_towns().await?;
    let index = state.index();
    // Points are in code order, so a town's points are together.
    let mut towns: Vec<(&str, &str)> =
        index.points().iter().map(|p| (p.record.town_code.as_str(), p.record.town.as_str())).collect();
    towns.dedup();
    let view = admin::UsersView { staff, users: &users, user_towns: &user_towns, towns: &towns, problem };
    Ok((status, admin::users_page(&view)).into_response())
}

pub async fn users_page(State(state): State<AppState>, staff: Staff) -> PageResult<Response> {
    require(&staff, Role::Admin)?;
    page(&state, &staff, None, StatusCode::OK).await
}

#[derive(Debug, Deserialize)]
pub struct NewUserForm {
    username: Option<String>,
    role: Option<String>,
    password: Option<String>,
}

pub async fn add_user(
    State(state): State<AppState>,
    CsrfForm { staff, form }: CsrfForm<NewUserForm>,
) -> PageResult<Response> {
    require(&staff, Role::Admin)?;
    let parsed = (|| {
        let username = Username::parse(form.username.as_deref().unwrap_or(""))?;
        let role: Role = form.role.as_deref().unwrap_or("").parse().map_err(|_| "请选择角色。".to_owned())?;
        let password = NewPassword::parse(form.password.as_deref().unwrap_or(""))?;
        Ok::<_, String>((username, role, password))
    })();
    let (username, role, password) = match parsed {
        Ok(parsed) => parsed,
        Err(problem) => return page(&state, &staff, Some(&problem), StatusCode::UNPROCESSABLE_ENTITY).await,
    };
    match state.db.create_user(&username, &auth::hash_password(&password), role, &staff.user.username).await?
    {
        Some(_) => Ok(Redirect::to("/admin/users").into_response()),
        None => page(&state, &staff, Some("这个用户名已被使用。"), StatusCode::CONFLICT).await,
    }
}

#[derive(Debug, Deserialize)]
pub struct DisabledForm {
    disabled: Option<String>,
}

pub async fn set_disabled(
    State(state): State<AppState>,
    PagePath(id): PagePath<i64>,
    CsrfForm { staff, form }: CsrfForm<DisabledForm>,
) -> PageResult<Response> {
    require(&staff, Role::Admin)?;
    let disabled = form.disabled.as_deref() == Some("1");
    if disabled && id == staff.user.id {
        return page(&state, &staff, Some("不能停用自己的账号。"), StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    if !state.db.set_user_disabled(id, disabled, &staff.user.username).await? {
        return Err(AppError::not_found("没有这个账号。").into());
    }
    Ok(Redirect::to("/admin/users").into_response())
}

#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    password: Option<String>,
}

pub async fn reset_password(
    State(state): State<AppState>,
    PagePath(id): PagePath<i64>,
    CsrfForm { staff, form }: CsrfForm<PasswordForm>,
) -> PageResult<Response> {
    require(&staff, Role::Admin)?;
    let password = match NewPassword::parse(form.password.as_deref().unwrap_or("")) {
        Ok(password) => password,
        Err(problem) => return page(&state, &staff, Some(&problem), StatusCode::UNPROCESSABLE_ENTITY).await,
    };
    if !state.db.set_password(id, &auth::hash_password(&password), &staff.user.username).await? {
        return Err(AppError::not_found("没有这个账号。").into());
    }
    Ok(Redirect::to("/admin/users").into_response())
}

/// Limits an editor to the checked towns (`town` fields; none checked: every town).
pub async fn set_towns(
    State(state): State<AppState>,
    PagePath(id): PagePath<i64>,
    CsrfForm { staff, form }: CsrfForm<Vec<(String, String)>>,
) -> PageResult<Response> {
    require(&staff, Role::Admin)?;
    let towns: Result<Vec<String>, String> =
        form.iter().filter(|(name, _)| name == "town").map(|(_, code)| parse_town_code(code)).collect();
    let mut towns = match towns {
        Ok(towns) => towns,
        Err(problem) => return page(&state, &staff, Some(&problem), StatusCode::UNPROCESSABLE_ENTITY).await,
    };
    let index = state.index();
    if let Some(unknown) =
        towns.iter().find(|code| !index.points().iter().any(|p| &p.record.town_code == *code))
    {
        let problem = format!("没有代码为 {unknown} 的镇（街道）。");
        return page(&state, &staff, Some(&problem), StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    towns.sort();
    towns.dedup();
    if !state.db.set_user_towns(id, &towns).await? {
        return Err(AppError::not_found("没有这个账号。").into());
    }
    Ok(Redirect::to("/admin/users").into_response())
}

#[derive(Debug, Deserialize)]
pub struct UnlockForm {}

/// Ends a lock after failed logins before its time.
pub async fn unlock_user(
    State(state): State<AppState>,
    PagePath(id): PagePath<i64>,
    CsrfForm { staff, form: UnlockForm {} }: CsrfForm<UnlockForm>,
) -> PageResult<Response> {
    require(&staff, Role::Admin)?;
    let now = super::session::now_unix();
    match state.db.unlock_user(id, &staff.user.username, now).await? {
        None => Err(AppError::not_found("没有这个账号。").into()),
        Some(_) => Ok(Redirect::to("/admin/users").into_response()),
    }
}
