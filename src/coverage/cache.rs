//! Coverage is computed once per index snapshot and kept until the points change; so are the
//! figures of the uploaded residential places (also dropped when places are uploaded) and the
//! gaps' GeoJSON per mode, serialized and gzipped once (it is ~480 KB, fetched by map clients).

use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard};

use super::places::{Place, PlaceSummary, place_summary};
use super::{Coverage, Grid};
use crate::db::points::DbError;
use crate::locator::index::PointIndex;
use crate::locator::travel::{Mode, TravelModel};
use crate::web::cached_body::CachedBody;

/// The places' figures per mode (in `Mode::ALL` order), and the snapshot they were computed for.
type PlacesFor = (Arc<PointIndex>, Arc<Vec<PlaceSummary>>);

/// The gaps' answers per mode (in `Mode::ALL` order, made when first asked for), and the
/// snapshot they were made for.
type GapsFor = (Arc<PointIndex>, [Option<Arc<CachedBody>>; 3]);

/// The district's grid (fixed), and what was computed for the latest index snapshot.
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
        }
    }

    /// The coverage of `index`: the cached one if it was computed for this very snapshot, else
    /// computed now on a blocking thread (a new snapshot means the points changed).
    pub async fn for_index(&self, index: Arc<PointIndex>) -> Arc<Coverage> {
        if let Some(cached) = self.cached(&index) {
            return cached;
        }
        let _computing = self.computing.lock().await;
        if let Some(cached) = self.cached(&index) {
            return cached;
        }
        let (grid, model) = (Arc::clone(&self.grid), self.model);
        let computed = tokio::task::spawn_blocking(move || Coverage::compute(grid, index, model))
            .await
            .map(Arc::new)
            .expect("coverage computation does not panic");
        *lock(&self.latest) = Some(Arc::clone(&computed));
        computed
    }

    fn cached(&self, index: &Arc<PointIndex>) -> Option<Arc<Coverage>> {
        lock(&self.latest).as_ref().filter(|coverage| Arc::ptr_eq(&coverage.index, index)).cloned()
    }

    /// The places' figures for every mode (`Mode::ALL` order), from `load`ed places, cached for
    /// this snapshot. Empty when there are no places.
    pub async fn place_summaries(
        &self,
        index: Arc<PointIndex>,
        load: impl Future<Output = Result<Vec<Place>, DbError>>,
    ) -> Result<Arc<Vec<PlaceSummary>>, DbError> {
        if let Some(cached) = self.cached_places(&index) {
            return Ok(cached);
        }
        let _computing = self.computing.lock().await;
        if let Some(cached) = self.cached_places(&index) {
            return Ok(cached);
        }
        let places = load.await?;
        let (for_index, model) = (Arc::clone(&index), self.model);
        let summaries = tokio::task::spawn_blocking(move || {
            if places.is_empty() {
                return Vec::new();
            }
            Mode::ALL.iter().map(|&mode| place_summary(&for_index, &model, &places, mode)).collect()
        })
        .await
        .map(Arc::new)
        .expect("place figures do not panic");
        *lock(&self.places) = Some((index, Arc::clone(&summaries)));
        Ok(summaries)
    }

    fn cached_places(&self, index: &Arc<PointIndex>) -> Option<Arc<Vec<PlaceSummary>>> {
        lock(&self.places)
            .as_ref()
            .filter(|(cached, _)| Arc::ptr_eq(cached, index))
            .map(|(_, s)| Arc::clone(s))
    }

    /// The gaps' answer for `mode` over `index`: the cached one if it was made for this very
    /// snapshot, else made now by `make` from the snapshot's coverage (on a blocking thread:
    /// serializing and gzipping take a few tens of milliseconds) and kept.
    pub async fn gaps_body<E: Send + 'static>(
        &self,
        index: Arc<PointIndex>,
        mode: Mode,
        make: impl FnOnce(&Coverage, Mode) -> Result<CachedBody, E> + Send + 'static,
    ) -> Result<Arc<CachedBody>, E> {
        let slot = Mode::ALL.iter().position(|&m| m == mode).expect("every mode is in Mode::ALL");
        if let Some(cached) = self.cached_gaps(&index, slot) {
            return Ok(cached);
        }
        let coverage = self.for_index(Arc::clone(&index)).await;
        let _computing = self.computing.lock().await;
        if let Some(cached) = self.cached_gaps(&index, slot) {
            return Ok(cached);
        }
        let body = tokio::task::spawn_blocking(move || make(&coverage, mode))
            .await
            .expect("making the gaps' answer does not panic")
            .map(Arc::new)?;
        let mut gaps = lock(&self.gaps);
        match gaps.as_mut() {
            Some((cached, bodies)) if Arc::ptr_eq(cached, &index) => bodies[slot] = Some(Arc::clone(&body)),
            _ => {
                let mut bodies = [None, None, None];
                bodies[slot] = Some(Arc::clone(&body));
                *gaps = Some((index, bodies));
            }
        }
        Ok(body)
    }

    fn cached_gaps(&self, index: &Arc<PointIndex>, slot: usize) -> Option<Arc<CachedBody>> {
        lock(&self.gaps)
            .as_ref()
            .filter(|(cached, _)| Arc::ptr_eq(cached, index))
            .and_then(|(_, bodies)| bodies[slot].clone())
    }

    /// Drops the places' figures (new places were uploaded).
    pub fn forget_places(&self) {
        *lock(&self.places) = None;
    }
}
