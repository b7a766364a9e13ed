//! The staff side under `/admin`: login, points, history, accounts, bulk import and export,
//! residents' correction reports.
//!
//! Every handler here takes a [`Staff`] (a live session; no session: redirected to the login
//! page) or, for state-changing requests, a [`CsrfForm`] (a live session *and* that session's
//! CSRF token in the form). Admin-only handlers also call [`require`].

mod campaign;
mod changes;
mod coverage;
mod import;
mod imports;
mod login;
mod point_save;
mod points;
mod reports;
mod session;
mod signs;
mod upload;
mod users;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::HeaderMap;
use axum::routing::{get, post};
use axum_extra::extract::cookie::CookieJar;

pub use session::{CsrfForm, require};

pub use crate::domain::staff::Staff;

use crate::app::AppState;
use crate::error::{AppError, PageError};
use crate::web::upload::MAX_APPLY_BODY_BYTES;
use crate::web::{auth, cookies};

/// The staff member whose live session `headers` carry, if any: for framing a staff error page
/// (which has no [`Staff`] extractor at hand). A failed lookup just leaves the navigation out.
pub async fn staff_from_headers(state: &AppState, headers: &HeaderMap) -> Option<Staff> {
    let jar = CookieJar::from_headers(headers);
    let token = jar.get(cookies::SESSION)?;
    let hash = auth::token_hash(token.value());
    state.db.touch_session(&hash, session::now_unix(), state.staff.session_idle_secs).await.ok().flatten()
}

/// Refuses (403, with the Chinese reason) a change to a point in `town_code` when `staff` is
/// limited to other towns: what every point write handler calls (see [`Staff::may_edit_town`]).
pub fn require_town(staff: &Staff, town_code: &str) -> Result<(), PageError> {
    staff.check_town(town_code).map_err(|message| AppError::forbidden("town_not_allowed", message).into())
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(points::home))
        .route("/login", get(login::login_page).post(login::log_in))
        .route("/logout", post(login::log_out))
        .route("/points", get(points::list_points))
        .route("/points/new", get(points::new_point_page).post(points::add_point))
        .route("/points/{code}", get(points::edit_page).post(point_save::save_point))
        .route("/points/{code}/verify", post(points::verify_point))
        .route("/points/{code}/retire", post(points::retire_point))
        .route("/points/{code}/history", get(points::history_page))
        .route("/points/{code}/restore", post(points::restore_point))
        .route("/users", get(users::users_page).post(users::add_user))
        .route("/users/{id}/disabled", post(users::set_disabled))
        .route("/users/{id}/password", post(users::reset_password))
        .route("/users/{id}/towns", post(users::set_towns))
        .route("/changes", get(changes::changes_page))
        .route("/changes.csv", get(changes::changes_csv))
        .route("/users/{id}/unlock", post(users::unlock_user))
        .route("/import", get(import::import_page).post(import::dry_run).layer(upload::body_limit()))
        .route("/import/apply", post(import::apply).layer(DefaultBodyLimit::max(MAX_APPLY_BODY_BYTES)))
        .route("/imports", get(imports::imports_page))
        .route("/imports/{id}/undo", post(imports::undo_import))
        .route("/export.csv", get(import::export_csv))
        .route("/export.geojson", get(import::export_geojson))
        .route("/campaign", get(campaign::campaign_page))
        .route("/campaign.json", get(campaign::campaign_json))
        .route("/campaign/{town}/sheet", get(campaign::field_sheet))
        .route("/signs", get(signs::town_signs))
        .route("/reports", get(reports::reports_page))
        .route("/reports/{id}/close", post(reports::close_report))
        .route("/coverage", get(coverage::coverage_page))
        .route("/coverage/cells.png", get(coverage::cells_png))
        .route("/coverage/places", post(coverage::upload_places).layer(upload::body_limit()))
}
