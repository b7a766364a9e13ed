//! Probes for supervisors and load balancers. `/healthz`: the process is up (cheap, no I/O).
//! `/readyz`: public reads can be served, which they can as soon as the server listens, because
//! the index is loaded before; the body also says whether the database answers (staff writes
//! possible). A database outage leaves readyz at 200: residents' answers come from the index in
//! memory, so an instance that lost its database must stay in the load balancer.

use std::time::Duration;

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};

use crate::app::AppState;

/// How long readyz waits for the database before calling it unreachable: shorter than a load
/// balancer's probe timeout (typically 2-5 s).
const DATABASE_PROBE: Duration = Duration::from_secs(1);

pub fn router() -> Router<AppState> {
    Router::new().route("/healthz", get(healthz)).route("/readyz", get(readyz))
}

/// 200 with the number of indexed points.
async fn healthz(State(state): State<AppState>) -> Json<Value> {
    Json(json!({ "status": "ok", "points": state.index().len() }))
}

/// 200 with the number of indexed points, `database`: `"ok"` or `"unreachable"`, `store`:
/// `"sqlite"` or `"postgres"`, and `travel_basis`:
/// `"road_network"` once a road network is in use, else `"estimate"`.
async fn readyz(State(state): State<AppState>) -> Json<Value> {
    let database = match tokio::time::timeout(DATABASE_PROBE, state.db.ping()).await {
        Ok(Ok(())) => "ok",
        Ok(Err(error)) => {
            tracing::warn!(%error, "readiness: the database does not answer");
            "unreachable"
        }
        Err(_elapsed) => {
            tracing::warn!("readiness: the database did not answer within {DATABASE_PROBE:?}");
            "unreachable"
        }
    };
    let travel_basis = if state.road_network().is_some() { "road_network" } else { "estimate" };
    Json(json!({
        "status": "ready",
        "points": state.index().len(),
        "database": database,
        "store": state.db.backend(),
        "travel_basis": travel_basis,
    }))
}
