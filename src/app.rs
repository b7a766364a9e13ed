//! The application: shared state, the one router, and the server loop.

use std::future::Future;
use std::sync::Arc;

use arc_swap::{ArcSwap, ArcSwapOption};
use axum::Router;
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;

use crate::config::StaffSettings;
use crate::coverage::cache::CoverageCache;
use crate::coverage::{Coverage, DEFAULT_CELL_M, Grid};
use crate::db::Db;
use crate::db::DbError;
use crate::domain::PointCode;
use crate::domain::quote::{clip, quote};
use crate::error::{self, AppError};
use crate::instances::{self, DataVersion};
use crate::locator::Snapshot;
use crate::locator::district::DistrictBoundary;
use crate::locator::index::PointIndex;
use crate::locator::travel::TravelModel;
use crate::observe::metrics::Metrics;
use crate::roads::answers::RoadAnswers;
use crate::roads::network::RoadNetwork;
use crate::server::ConnectionLimits;
use crate::web::client_address::TrustedProxies;
use crate::web::links::PublicUrl;
use crate::web::map::{MapSettings, TileSource};
use crate::web::throttle::{ReportThrottle, ThrottleLimits};
use crate::{observe, routes};

/// What every handler may use: one `Arc`, so a clone (axum makes a few per request) is one
/// atomic increment, not one per field.
#[derive(Clone)]
pub struct AppState(Arc<SharedState>);

impl std::ops::Deref for AppState {
    type Target = SharedState;

    fn deref(&self) -> &SharedState {
        &self.0
    }
}

/// The state behind [`AppState`].
pub struct SharedState {
    pub db: Db,
    /// On PostgreSQL, the shared data version the index has caught up with (see `instances`).
    pub data_version: DataVersion,
    /// The current snapshot of the active points. Replaced whole when points change, so a
    /// query holds one consistent snapshot from start to end.
    index: ArcSwap<PointIndex>,
    /// Held while a new snapshot is made from the current one, so two changes landing at once
    /// cannot each start from the same snapshot and lose the other's change.
    index_writer: tokio::sync::Mutex<()>,
    /// The road network's view of the index snapshot it names, when a network is loaded; made
    /// before that snapshot is swapped in, so queries never wait for it.
    roads: ArcSwapOption<RoadAnswers>,
    pub travel: TravelModel,
    /// Tile source and district outline for the pages' map.
    pub map: Arc<MapSettings>,
    pub staff: StaffSettings,
    /// The district's coverage, recomputed when the index or the roads change.
    pub coverage: Arc<CoverageCache>,
    /// `--public-url`, if set.
    pub public_url: Option<PublicUrl>,
    /// The district boundary, for "is this origin in Huangyan" on every answer.
    pub district: DistrictBoundary,
    /// `--trusted-proxy`: whose `X-Forwarded-For` names the client.
    pub trusted_proxies: TrustedProxies,
    /// How many correction reports each client address may still send.
    pub report_throttle: ReportThrottle,
    /// The Prometheus series (served by `observe::exporter` when `--metrics-listen` is set).
    pub metrics: Arc<Metrics>,
}

impl AppState {
    /// Builds the state with the index loaded from the store.
    pub async fn load(db: Db, settings: Settings) -> Result<Self, DbError> {
        let data_version = instances::version_before_read(&db).await?;
        let index = PointIndex::build(db.active_points().await?);
        let map = MapSettings::new(settings.tiles);
        let grid = Grid::new(map.district(), settings.coverage_cell_m);
        let district = DistrictBoundary::new(map.district());
        Ok(Self(Arc::new(SharedState {
            db,
            data_version: DataVersion::new(data_version),
            index: ArcSwap::from_pointee(index),
            index_writer: tokio::sync::Mutex::default(),
            roads: ArcSwapOption::empty(),
            travel: settings.travel,
            map: Arc::new(map),
            staff: settings.staff,
            coverage: Arc::new(CoverageCache::new(grid, settings.travel)),
            public_url: settings.public_url,
            district,
            trusted_proxies: settings.trusted_proxies,
            report_throttle: ReportThrottle::new(settings.report_limits),
            metrics: Arc::new(Metrics::new(settings.request_metrics)),
        })))
    }

    /// The coverage of the current snapshot (index and roads).
    pub async fn current_coverage(&self) -> Arc<Coverage> {
        self.coverage.for_snapshot(&self.snapshot()).await
    }

    /// The uploaded residential places' figures per mode (`Mode::ALL` order), for the current
    /// snapshot (index and roads); empty without places.
    pub async fn current_place_summaries(
        &self,
    ) -> Result<Arc<Vec<crate::coverage::places::PlaceSummary>>, DbError> {
        self.coverage.place_summaries(&self.snapshot(), self.db.places()).await
    }

    /// The address links that leave the screen (QR codes, printed sheets) start with:
    /// `--public-url`, or else the address this request reached the server at.
    pub fn public_base(&self, headers: &axum::http::HeaderMap) -> Option<PublicUrl> {
        self.public_url.clone().or_else(|| PublicUrl::from_request(headers, self.staff.secure_cookies))
    }

    /// The current index snapshot.
    pub fn index(&self) -> Arc<PointIndex> {
        self.index.load_full()
    }

    /// What a query answers from: the current index snapshot and, when a road network is
    /// loaded, its view of that same snapshot.
    pub fn snapshot(&self) -> Snapshot {
        match self.roads.load_full() {
            Some(roads) => Snapshot { index: roads.index.clone(), roads: Some(roads) },
            None => Snapshot { index: self.index(), roads: None },
        }
    }

    /// The loaded road network, if any.
    pub fn road_network(&self) -> Option<Arc<RoadNetwork>> {
        self.roads.load().as_ref().map(|roads| roads.network.clone())
    }

    /// Puts `network` in use (at start, and when `legalmap roads import` replaced the file):
    /// the current points are snapped onto it and labelled off the async workers, then swapped
    /// in; queries answer from the previous network meanwhile.
    pub async fn use_road_network(&self, network: RoadNetwork) {
        let _writer = self.index_writer.lock().await;
        let index = self.index();
        let roads = run_blocking(move || RoadAnswers::build(Arc::new(network), index)).await;
        let previous = self.roads.swap(Some(Arc::new(roads)));
        tokio::task::spawn_blocking(move || drop(previous));
        self.refresh_coverage_soon();
    }

    /// Rebuilds the index from the store and swaps it in atomically (after an import); queries
    /// already running finish on the old snapshot.
    pub async fn reload_index(&self) -> Result<(), DbError> {
        let _writer = self.index_writer.lock().await;
        let data_version = instances::version_before_read(&self.db).await?;
        let points = self.db.active_points().await?;
        let roads = self.roads.load_full();
        let (index, roads) = run_blocking(move || with_roads(PointIndex::build(points), roads)).await;
        self.replace_index(index, roads);
        self.data_version.reached(data_version);
        Ok(())
    }

    /// Brings one point's change in the store into the index without reading the rest: the
    /// common staff edit costs a copy of the arrays, not a reload (see `PointIndex::with_point`).
    /// The point is read again under the writer lock, so the latest committed state wins.
    pub async fn point_changed(&self, code: &PointCode) -> Result<(), DbError> {
        self.metrics.staff_edit_saved();
        self.point_changed_elsewhere(code).await
    }

    /// [`AppState::point_changed`] for a change another instance made (not counted as a save
    /// here).
    pub async fn point_changed_elsewhere(&self, code: &PointCode) -> Result<(), DbError> {
        let _writer = self.index_writer.lock().await;
        let Some(point) = self.db.point(code).await? else {
            return Ok(());
        };
        let current = self.index();
        let roads = self.roads.load_full();
        let (index, roads) = run_blocking(move || with_roads(current.with_point(point), roads)).await;
        self.replace_index(index, roads);
        Ok(())
    }

    /// Swaps `next` in. The old snapshot is freed on the blocking pool: at national scale its
    /// tree is hundreds of thousands of small allocations (a tenth of a second or more to free),
    /// too long for a worker thread that queries are waiting for.
    /// The roads' view of the snapshot goes in first: `snapshot()` takes the index from it, so
    /// no query pairs an index with roads made for another.
    fn replace_index(&self, next: Arc<PointIndex>, roads: Option<RoadAnswers>) {
        let previous_roads = roads.map(|roads| self.roads.swap(Some(Arc::new(roads))));
        let previous = self.index.swap(next);
        self.metrics.index_replaced();
        tokio::task::spawn_blocking(move || drop((previous, previous_roads)));
        self.refresh_coverage_soon();
    }

    /// Recomputes the coverage in the background once the points have settled for
    /// [`COVERAGE_SETTLE`] (a bulk import lands as many changes in a row: one recomputation
    /// follows them all), so that the staff's coverage page rarely waits for it. A request
    /// before then computes it as it always could.
    fn refresh_coverage_soon(&self) {
        if !self.coverage.claim_refresh() {
            return;
        }
        let state = self.clone();
        tokio::spawn(async move {
            tokio::time::sleep(COVERAGE_SETTLE).await;
            state.coverage.refresh_started();
            state.current_coverage().await;
        });
    }
}

/// How long the points must stay unchanged before the coverage is recomputed in the background.
const COVERAGE_SETTLE: std::time::Duration = std::time::Duration::from_secs(1);

/// `index`, shared, with the road network's view of it when a network is loaded: the current
/// view brought up to date, which patches the labels where the points changed.
fn with_roads(
    index: PointIndex,
    current: Option<Arc<RoadAnswers>>,
) -> (Arc<PointIndex>, Option<RoadAnswers>) {
    let index = Arc::new(index);
    let roads = current.map(|roads| roads.for_index(index.clone()));
    (index, roads)
}

/// Runs CPU-heavy work (up to a second at national scale) off the async workers, so requests
/// keep being answered meanwhile.
async fn run_blocking<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
    match tokio::task::spawn_blocking(work).await {
        Ok(value) => value,
        Err(error) => std::panic::resume_unwind(error.into_panic()),
    }
}

/// What `serve` is configured with, checked.
#[derive(Debug, Clone)]
pub struct Settings {
    pub travel: TravelModel,
    pub tiles: TileSource,
    pub staff: StaffSettings,
    /// Side of the coverage grid's cells, metres.
    pub coverage_cell_m: f64,
    /// `--public-url`, for links that leave the screen (QR codes on printed sheets).
    pub public_url: Option<PublicUrl>,
    /// `--trusted-proxy`.
    pub trusted_proxies: TrustedProxies,
    /// How many correction reports a client address, and everyone, may send.
    pub report_limits: ThrottleLimits,
    /// Record per-request metrics: only worth their cost when something scrapes them
    /// (`--metrics-listen`).
    pub request_metrics: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            travel: TravelModel::default(),
            tiles: TileSource::default(),
            staff: StaffSettings::default(),
            coverage_cell_m: DEFAULT_CELL_M,
            public_url: None,
            trusted_proxies: TrustedProxies::default(),
            report_limits: ThrottleLimits::REPORTS,
            request_metrics: false,
        }
    }
}

/// Every route of the application.
pub fn router(state: AppState) -> Router {
    let routes = Router::new()
        .merge(routes::health::router())
        .merge(routes::pages::router())
        .merge(routes::reports::router())
        .merge(routes::signs::router())
        .nest("/admin", routes::admin::router())
        .route("/static/{*path}", get(routes::static_files::static_file))
        .nest("/api/v1", routes::api::router())
        .route("/api", get(api_not_found))
        .route("/api/{*rest}", get(api_not_found).fallback(api_not_found))
        .fallback(page_not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(state.clone(), error::error_middleware))
        .layer(axum::middleware::map_response(security_headers))
        .layer(CompressionLayer::new());
    observe::http::instrument(routes, &state.metrics).with_state(state)
}

/// Defence in depth for every response: scripts only from this server (data can never run as
/// code even if it slipped into a page), images also from the configured tile server (any
/// HTTP(S) origin), no framing, no MIME sniffing.
async fn security_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    let policy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
                  img-src 'self' data: https: http:; connect-src 'self'; frame-ancestors 'none'; \
                  base-uri 'self'; form-action 'self'";
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(policy));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("strict-origin-when-cross-origin"));
    response
}

/// Serves `router(state)` on `listener` until `shutdown` completes, then finishes the
/// requests in flight; connections limited as by default (see [`serve_with_limits`]).
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with_limits(listener, state, ConnectionLimits::default(), shutdown).await
}

/// [`serve`], with idle and half-sent connections closed and open connections capped as
/// `limits` says (see `crate::server`). The peer address (`ConnectInfo`) feeds the per-address
/// throttles (see `web::client_address`).
pub async fn serve_with_limits(
    listener: TcpListener,
    state: AppState,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    crate::server::serve(listener, router(state), limits, shutdown).await
}

async fn api_not_found(uri: Uri) -> AppError {
    AppError::not_found(format!("no API endpoint at {}; see /api/v1/openapi.json", quote(uri.path())))
}

/// 405 as JSON under `/api`, as a page elsewhere.
async fn method_not_allowed(method: Method, uri: Uri) -> Response {
    let error = AppError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        format!("{} is not allowed on {}", clip(method.as_str()), quote(uri.path())),
    );
    if error::is_api_path(uri.path()) { error.into_response() } else { error.into_page() }
}

/// What no route matched: JSON under `/api` (such as `/api/` or `/api/v1/`, which the
/// catch-all routes do not match), a page elsewhere.
async fn page_not_found(uri: Uri) -> Response {
    if error::is_api_path(uri.path()) {
        return api_not_found(uri).await.into_response();
    }
    AppError::not_found("请检查网址是否正确。").into_page()
}
