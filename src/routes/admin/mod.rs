//! The staff side under `/admin`: login, points, history, accounts, bulk import and export.
//!
//! Every handler here takes a [`Staff`] (a live session; no session: redirected to the login
//! page) or, for state-changing requests, a [`CsrfForm`] (a live session *and* that session's
//! CSRF token in the form). Admin-only handlers also call [`require`].

mod campaign;
mod coverage;
mod import;
mod imports;
mod login;
mod points;
mod session;
mod upload;
mod users;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

pub use session::{CsrfForm, require};

pub use crate::domain::staff::Staff;

use crate::app::AppState;
use crate::web::upload::MAX_APPLY_BODY_BYTES;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(points::home))
        .route("/login", get(login::login_page).post(login::log_in))
        .route("/logout", post(login::log_out))
        .route("/points", get(points::list_points))
        .route("/points/new", get(points::new_point_page).post(points::add_point))
        .route("/points/{code}", get(points::edit_page).post(points::save_point))
        .route("/points/{code}/verify", post(points::verify_point))
        .route("/points/{code}/retire", post(points::retire_point))
        .route("/points/{code}/history", get(points::history_page))
        .route("/points/{code}/restore", post(points::restore_point))
        .route("/users", get(users::users_page).post(users::add_user))
        .route("/users/{id}/disabled", post(users::set_disabled))
        .route("/users/{id}/password", post(users::reset_password))
        .route("/users/{id}/unlock", post(users::unlock_user))
        .route("/import", get(import::import_page).post(import::dry_run).layer(upload::body_limit()))
        .route("/import/apply", post(import::apply).layer(DefaultBodyLimit::max(MAX_APPLY_BODY_BYTES)))
        .route("/imports", get(imports::imports_page))
        .route("/imports/{id}/undo", post(imports::undo_import))
        .route("/export.csv", get(import::export_csv))
        .route("/export.geojson", get(import::export_geojson))
        .route("/campaign", get(campaign::campaign_page))
        .route("/campaign.json", get(campaign::campaign_json))
        .route("/coverage", get(coverage::coverage_page))
        .route("/coverage/cells.png", get(coverage::cells_png))
        .route("/coverage/places", post(coverage::upload_places).layer(upload::body_limit()))
}
