//! Coverage is computed once per index snapshot and kept until the points change.

use std::sync::{Arc, Mutex};

use super::{Coverage, Grid};
use crate::index::PointIndex;
use crate::travel::TravelModel;

/// The district's grid (fixed) and the coverage of the latest index snapshot.
#[derive(Debug)]
pub struct CoverageCache {
    grid: Arc<Grid>,
    model: TravelModel,
    latest: Mutex<Option<Arc<Coverage>>>,
}

impl CoverageCache {
    pub fn new(grid: Grid, model: TravelModel) -> Self {
        Self { grid: Arc::new(grid), model, latest: Mutex::new(None) }
    }

    /// The coverage of `index`: the cached one if it was computed for this very snapshot, else
    /// computed now on a blocking thread (a new snapshot means the points changed).
    pub async fn for_index(&self, index: Arc<PointIndex>) -> Arc<Coverage> {
        if let Some(cached) = self.cached(&index) {
            return cached;
        }
        let (grid, model) = (Arc::clone(&self.grid), self.model);
        let computed = tokio::task::spawn_blocking(move || Coverage::compute(grid, index, model))
            .await
            .map(Arc::new)
            .expect("coverage computation does not panic");
        *self.latest.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(Arc::clone(&computed));
        computed
    }

    fn cached(&self, index: &Arc<PointIndex>) -> Option<Arc<Coverage>> {
        let latest = self.latest.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        latest.as_ref().filter(|coverage| Arc::ptr_eq(&coverage.index, index)).cloned()
    }
}
