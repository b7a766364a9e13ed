//! The Prometheus metrics (prometheus-client, OpenMetrics text format). Counters are bumped
//! where things happen; the gauges that describe the current state (index size, pool) are read
//! when `/metrics` is scraped, so the request path never pays for them.
//!
//! | series | type | labels |
//! |---|---|---|
//! | `legalmap_http_requests_total` | counter | `method`, `route` (the route template, e.g. `/points/{code}`; `unmatched` for 404s outside every route), `status` |
//! | `legalmap_http_request_duration_seconds` | histogram | `method`, `route` |
//! | `legalmap_index_points` | gauge | active points in the served index |
//! | `legalmap_index_version` | gauge | bumped each time the index is replaced (a staff edit, an import) |
//! | `legalmap_staff_edits_total` | counter | saved single-point staff changes (edit, add, verify, retire, restore) |
//! | `legalmap_login_failures_total` | counter | `reason`: `bad_credentials`, `locked`, `throttled` |
//! | `legalmap_db_pool_connections` | gauge | `state`: `open`, `idle` |

use std::hash::{Hash, Hasher};
use std::sync::atomic::AtomicI64;
use std::time::Duration;

use axum::extract::MatchedPath;
use axum::http::{Method, StatusCode};
use prometheus_client::encoding::{EncodeLabelSet, EncodeLabelValue, LabelValueEncoder};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

use crate::db::PoolFigures;

/// Upper bounds of the latency buckets, seconds: a nearest query takes tens of microseconds, a
/// coverage recomputation or an import seconds.
const LATENCY_BUCKETS_S: [f64; 14] =
    [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0];

/// The content type of [`Metrics::render`]'s text.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Every series the server exports, and the registry that renders them.
pub struct Metrics {
    registry: Registry,
    /// Per-request series are recorded only when something scrapes them (`--metrics-listen`).
    records_requests: bool,
    requests: Family<RequestLabels, Counter>,
    durations: Family<RouteLabels, Histogram, fn() -> Histogram>,
    index_points: Gauge,
    index_version: Gauge,
    staff_edits: Counter,
    login_failures: Family<FailureLabels, Counter>,
    pool: Family<PoolLabels, Gauge<i64, AtomicI64>>,
}

/// Why a login was refused.
#[derive(Debug, Clone, Copy, Hash, PartialEq, Eq)]
pub enum LoginFailure {
    /// Unknown name, wrong password or a disabled account.
    BadCredentials,
    /// The account is locked after repeated failures.
    Locked,
    /// Too many failures from the client's address.
    Throttled,
}

impl EncodeLabelValue for LoginFailure {
    fn encode(&self, encoder: &mut LabelValueEncoder) -> Result<(), std::fmt::Error> {
        let reason = match self {
            Self::BadCredentials => "bad_credentials",
            Self::Locked => "locked",
            Self::Throttled => "throttled",
        };
        EncodeLabelValue::encode(&reason, encoder)
    }
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct FailureLabels {
    reason: LoginFailure,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoolLabels {
    state: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: MethodLabel,
    route: Route,
    status: u16,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: MethodLabel,
    route: Route,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq)]
struct MethodLabel(Method);

impl EncodeLabelValue for MethodLabel {
    fn encode(&self, encoder: &mut LabelValueEncoder) -> Result<(), std::fmt::Error> {
        EncodeLabelValue::encode(&self.0.as_str(), encoder)
    }
}

/// The route a request matched, as its template: the label's values are as few as the routes,
/// never a path with a point code in it. Cloning shares the router's string.
#[derive(Debug, Clone)]
pub enum Route {
    Matched(MatchedPath),
    /// No route matched (the 404 page).
    Unmatched,
}

impl Route {
    pub fn as_str(&self) -> &str {
        match self {
            Self::Matched(path) => path.as_str(),
            Self::Unmatched => "unmatched",
        }
    }
}

impl Hash for Route {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl PartialEq for Route {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Route {}

impl EncodeLabelValue for Route {
    fn encode(&self, encoder: &mut LabelValueEncoder) -> Result<(), std::fmt::Error> {
        EncodeLabelValue::encode(&self.as_str(), encoder)
    }
}

fn latency_histogram() -> Histogram {
    Histogram::new(LATENCY_BUCKETS_S)
}

impl Metrics {
    /// The series, registered; `records_requests` turns the per-request ones on.
    pub fn new(records_requests: bool) -> Self {
        let mut metrics = Self {
            registry: Registry::default(),
            records_requests,
            requests: Family::default(),
            durations: Family::new_with_constructor(latency_histogram),
            index_points: Gauge::default(),
            index_version: Gauge::default(),
            staff_edits: Counter::default(),
            login_failures: Family::default(),
            pool: Family::default(),
        };
        let registry = &mut metrics.registry;
        // prometheus-client appends `_total` to counters.
        registry.register("legalmap_http_requests", "HTTP requests answered", metrics.requests.clone());
        registry.register(
            "legalmap_http_request_duration_seconds",
            "Time to answer a request, to the response's head",
            metrics.durations.clone(),
        );
        registry.register(
            "legalmap_index_points",
            "Active points in the served index",
            metrics.index_points.clone(),
        );
        registry.register(
            "legalmap_index_version",
            "Bumped each time the served index is replaced after points changed",
            metrics.index_version.clone(),
        );
        registry.register(
            "legalmap_staff_edits",
            "Single-point changes saved by staff (edit, add, verify, retire, restore)",
            metrics.staff_edits.clone(),
        );
        registry.register("legalmap_login_failures", "Refused staff logins", metrics.login_failures.clone());
        registry.register("legalmap_db_pool_connections", "Database pool connections", metrics.pool.clone());
        metrics.index_version.set(1);
        metrics
    }

    /// Whether the request layer should call [`Self::record_request`].
    pub fn records_requests(&self) -> bool {
        self.records_requests
    }

    /// One answered request.
    pub fn record_request(&self, method: Method, route: Route, status: StatusCode, took: Duration) {
        let method = MethodLabel(method);
        let labels = RouteLabels { method, route };
        self.durations.get_or_create(&labels).observe(took.as_secs_f64());
        let RouteLabels { method, route } = labels;
        self.requests.get_or_create(&RequestLabels { method, route, status: status.as_u16() }).inc();
    }

    /// The served index was replaced.
    pub fn index_replaced(&self) {
        self.index_version.inc();
    }

    pub fn staff_edit_saved(&self) {
        self.staff_edits.inc();
    }

    pub fn login_failed(&self, reason: LoginFailure) {
        self.login_failures.get_or_create(&FailureLabels { reason }).inc();
    }

    /// The exposition, with the state gauges set from the figures given.
    pub fn render(&self, index_points: usize, pool: PoolFigures) -> String {
        self.index_points.set(i64::try_from(index_points).unwrap_or(i64::MAX));
        self.pool.get_or_create(&PoolLabels { state: "open" }).set(i64::from(pool.open));
        self.pool.get_or_create(&PoolLabels { state: "idle" }).set(i64::from(pool.idle));
        let mut text = String::new();
        // Writing to a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut text, &self.registry);
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_every_series_with_its_labels() {
        let metrics = Metrics::new(true);
        metrics.record_request(
            Method::GET,
            Route::Unmatched,
            StatusCode::NOT_FOUND,
            Duration::from_micros(300),
        );
        metrics.login_failed(LoginFailure::Locked);
        metrics.staff_edit_saved();
        metrics.index_replaced();
        let text = metrics.render(346, PoolFigures { open: 3, idle: 2 });
        for line in [
            "legalmap_http_requests_total{method=\"GET\",route=\"unmatched\",status=\"404\"} 1",
            "legalmap_http_request_duration_seconds_bucket{le=\"0.0005\",method=\"GET\",route=\"unmatched\"} 1",
            "legalmap_http_request_duration_seconds_bucket{le=\"0.00025\",method=\"GET\",route=\"unmatched\"} 0",
            "legalmap_index_points 346",
            "legalmap_index_version 2",
            "legalmap_staff_edits_total 1",
            "legalmap_login_failures_total{reason=\"locked\"} 1",
            "legalmap_db_pool_connections{state=\"open\"} 3",
            "legalmap_db_pool_connections{state=\"idle\"} 2",
        ] {
            assert!(text.lines().any(|l| l == line), "missing {line:?} in\n{text}");
        }
    }
}
