//! The request log and the per-request metrics, as layers around every route.
//!
//! One log line per request, from tower-http's `TraceLayer`: a `request` span carrying the
//! method and the route template (axum's `MatchedPath`, e.g. `/points/{code}`), and a
//! `finished` event with the status and the duration. The URI is never logged, so neither are
//! query strings (a resident's coordinates) nor point codes. Errors logged while the request is
//! handled (the error middleware's internal causes) carry the same span.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::Response;
use axum::middleware::Next;
use tower_http::trace::TraceLayer;
use tracing::Span;

use super::metrics::{Metrics, Route};
use crate::app::AppState;

/// Wraps every route of `router` in the request log and, when `metrics` records requests, the
/// per-request metrics. The log is the outer layer, so its duration covers compression too.
pub fn instrument(router: Router<AppState>, metrics: &Arc<Metrics>) -> Router<AppState> {
    let router = if metrics.records_requests() {
        router.layer(axum::middleware::from_fn_with_state(metrics.clone(), record_request))
    } else {
        router
    };
    let log = TraceLayer::new_for_http()
        .make_span_with(|request: &Request| {
            let route = route_of(request);
            tracing::info_span!("request", method = %request.method(), route = %route.as_str())
        })
        .on_request(())
        .on_response(log_response)
        .on_body_chunk(())
        .on_eos(())
        // A 5xx is already logged by its `finished` line and, with its cause, by the error
        // middleware.
        .on_failure(());
    router.layer(log)
}

fn route_of(request: &Request) -> Route {
    request.extensions().get::<MatchedPath>().cloned().map_or(Route::Unmatched, Route::Matched)
}

fn log_response<B>(response: &Response<B>, latency: Duration, _span: &Span) {
    let status = response.status().as_u16();
    // Whole microseconds as milliseconds print short (0.123, not 0.12299999).
    let duration_ms = latency.as_micros() as f64 / 1000.0;
    if response.status().is_server_error() {
        tracing::warn!(status, duration_ms, "finished");
    } else {
        tracing::info!(status, duration_ms, "finished");
    }
}

async fn record_request(
    State(metrics): State<Arc<Metrics>>,
    request: Request,
    next: Next,
) -> axum::response::Response {
    let started = Instant::now();
    let method = request.method().clone();
    let route = route_of(&request);
    let response = next.run(request).await;
    metrics.record_request(method, route, response.status(), started.elapsed());
    response
}
