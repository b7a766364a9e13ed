//! Coverage is computed once per snapshot (the index and, when loaded, the road network's view
//! of it) and kept until the points or the roads change; so are the figures of the uploaded
//! residential places (also dropped when places are uploaded) and the gaps' GeoJSON per mode,
//! serialized and gzipped once (it is ~480 KB, fetched by map clients). Every computation runs
//! on a blocking thread, never on the async workers.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering as AtomicOrdering};
use std::sync::{Arc, Mutex, MutexGuard};

use super::places::{Place, PlaceSummary, place_summary};
use super::{Coverage, Grid};
use crate::db::DbError;
use crate::locator::Snapshot;
use crate::locator::travel::{Mode, TravelModel};
use crate::web::cached_body::CachedBody;

/// The places' figures per mode (in `Mode::ALL` order), and the snapshot they were computed for.
type PlacesFor = (Snapshot, Arc<Vec<PlaceSummary>>);

/// The gaps' answers per mode (in `Mode::ALL` order, made when first asked for), and the
/// snapshot they were made for.
type GapsFor = (Snapshot, [Option<Arc<CachedBody>>; 3]);

/// The district's grid (fixed), and what was computed for the latest snapshot.
#[derive(Debug)]
pub struct CoverageCache {
    grid: Arc<Grid>,
    model: TravelModel,
    latest: Mutex<Option<Arc<Coverage>>>,
    places: Mutex<Option<PlacesFor>>,
    gaps: Mutex<Option<GapsFor>>,
    /// Held while computing, so that requests arriving together after a change wait for one
    /// computation instead of each running their own on the server's few cores.
    computing: tokio::sync::Mutex<()>,
    /// A background recomputation is waiting to start: further changes need not ask for one.
    refresh_waiting: AtomicBool,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl CoverageCache {
    pub fn new(grid: Grid, model: TravelModel) -> Self {
        Self {
            grid: Arc::new(grid),
            model,
            latest: Mutex::new(None),
            places: Mutex::new(None),
            gaps: Mutex::new(None),
            computing: tokio::sync::Mutex::new(()),
            refresh_waiting: AtomicBool::new(false),
        }
    }

    /// Whether the caller should schedule a background recomputation: `false` when one is
    /// already waiting to start (it will see the latest snapshot).
    pub fn claim_refresh(&self) -> bool {
        !self.refresh_waiting.swap(true, AtomicOrdering::AcqRel)
    }

    /// The scheduled recomputation starts: a change from now on schedules another.
    pub fn refresh_started(&self) {
        self.refresh_waiting.store(false, AtomicOrdering::Release);
    }

    /// The coverage of `snapshot`: the cached one if it was computed for this very snapshot,
    /// else computed now on a blocking thread (a new snapshot means the points or the roads
    /// changed).
    pub async fn for_snapshot(&self, snapshot: &Snapshot) -> Arc<Coverage> {
        if let Some(cached) = self.cached(snapshot) {
            return cached;
        }
        let _computing = self.computing.lock().await;
        if let Some(cached) = self.cached(snapshot) {
            return cached;
        }
        let (grid, model, snapshot) = (Arc::clone(&self.grid), self.model, snapshot.clone());
        let computed = tokio::task::spawn_blocking(move || Coverage::compute_for(grid, &snapshot, model))
            .await
            .map(Arc::new)
            .expect("coverage computation does not panic");
        *lock(&self.latest) = Some(Arc::clone(&computed));
        computed
    }

    /// Whether the coverage of `snapshot` is computed already (a request for it will not wait).
    pub fn is_ready_for(&self, snapshot: &Snapshot) -> bool {
        self.cached(snapshot).is_some()
    }

    fn cached(&self, snapshot: &Snapshot) -> Option<Arc<Coverage>> {
        lock(&self.latest).as_ref().filter(|coverage| coverage.is_for(snapshot)).cloned()
    }

    /// The places' figures for every mode (`Mode::ALL` order), from `load`ed places, cached for
    /// this snapshot. Empty when there are no places.
    pub async fn place_summaries(
        &self,
        snapshot: &Snapshot,
        load: impl Future<Output = Result<Vec<Place>, DbError>>,
    ) -> Result<Arc<Vec<PlaceSummary>>, DbError> {
        if let Some(cached) = self.cached_places(snapshot) {
            return Ok(cached);
        }
        let _computing = self.computing.lock().await;
        if let Some(cached) = self.cached_places(snapshot) {
            return Ok(cached);
        }
        let places = load.await?;
        let (for_snapshot, model) = (snapshot.clone(), self.model);
        let summaries = tokio::task::spawn_blocking(move || {
            if places.is_empty() {
                return Vec::new();
            }
            let (index, roads) = (&for_snapshot.index, for_snapshot.roads.as_deref());
            Mode::ALL.iter().map(|&mode| place_summary(index, roads, &model, &places, mode)).collect()
        })
        .await
        .map(Arc::new)
        .expect("place figures do not panic");
        *lock(&self.places) = Some((snapshot.clone(), Arc::clone(&summaries)));
        Ok(summaries)
    }

    fn cached_places(&self, snapshot: &Snapshot) -> Option<Arc<Vec<PlaceSummary>>> {
        lock(&self.places)
            .as_ref()
            .filter(|(cached, _)| same_snapshot(cached, snapshot))
            .map(|(_, s)| Arc::clone(s))
    }

    /// The gaps' answer for `mode` over `snapshot`: the cached one if it was made for this
    /// very snapshot, else made now by `make` from the snapshot's coverage (on a blocking
    /// thread: serializing and gzipping take a few tens of milliseconds) and kept.
    pub async fn gaps_body<E: Send + 'static>(
        &self,
        snapshot: &Snapshot,
        mode: Mode,
        make: impl FnOnce(&Coverage, Mode) -> Result<CachedBody, E> + Send + 'static,
    ) -> Result<Arc<CachedBody>, E> {
        let slot = Mode::ALL.iter().position(|&m| m == mode).expect("every mode is in Mode::ALL");
        if let Some(cached) = self.cached_gaps(snapshot, slot) {
            return Ok(cached);
        }
        let coverage = self.for_snapshot(snapshot).await;
        let _computing = self.computing.lock().await;
        if let Some(cached) = self.cached_gaps(snapshot, slot) {
            return Ok(cached);
        }
        let body = tokio::task::spawn_blocking(move || make(&coverage, mode))
            .await
            .expect("making the gaps' answer does not panic")
            .map(Arc::new)?;
        let mut gaps = lock(&self.gaps);
        match gaps.as_mut() {
            Some((cached, bodies)) if same_snapshot(cached, snapshot) => {
                bodies[slot] = Some(Arc::clone(&body))
            }
            _ => {
                let mut bodies = [None, None, None];
                bodies[slot] = Some(Arc::clone(&body));
                *gaps = Some((snapshot.clone(), bodies));
            }
        }
        Ok(body)
    }

    fn cached_gaps(&self, snapshot: &Snapshot, slot: usize) -> Option<Arc<CachedBody>> {
        lock(&self.gaps)
            .as_ref()
            .filter(|(cached, _)| same_snapshot(cached, snapshot))
            .and_then(|(_, bodies)| bodies[slot].clone())
    }

    /// Drops the places' figures (new places were uploaded).
    pub fn forget_places(&self) {
        *lock(&self.places) = None;
    }
}

/// Whether `a` and `b` are the very same snapshot.
fn same_snapshot(a: &Snapshot, b: &Snapshot) -> bool {
    super::is_same_snapshot(&a.index, a.roads.as_ref(), b)
}
