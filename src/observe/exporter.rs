//! `GET /metrics` on its own listener (`--metrics-listen`), away from the public router: the
//! figures (login failures, staff activity) are for the operator, so the address is meant for
//! localhost or a private network, never the proxy in front of residents.

use std::future::Future;

use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use tokio::net::TcpListener;

use super::metrics::CONTENT_TYPE;
use crate::app::AppState;

/// Serves `/metrics` on `listener` until `shutdown` completes.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = Router::new().route("/metrics", get(render)).with_state(state);
    axum::serve(listener, app).with_graceful_shutdown(shutdown).await
}

async fn render(State(state): State<AppState>) -> impl IntoResponse {
    let text = state.metrics.render(state.index().len(), state.db.pool_figures());
    ([(header::CONTENT_TYPE, CONTENT_TYPE)], text)
}
