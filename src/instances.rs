//! Several instances on one PostgreSQL database: each follows the others' point writes. A
//! write announces the points it changed (code and version) at commit; every instance, the
//! writer included, brings those points into its own index as it does for its own edits
//! (skipping what it has already). A bulk write announces a reload instead. After listening
//! starts or resumes, announcements may have been missed: the instance compares the database's
//! data version with the one its index is at and reads everything again if they differ.

use std::sync::atomic::{AtomicI64, Ordering};

use crate::app::AppState;
use crate::db::postgres::PgStore;
use crate::db::postgres::announce::Announcement;
use crate::db::postgres::listen::{self, Event};
use crate::domain::PointCode;

/// The data version the index has caught up with: announcements and full reads raise it.
#[derive(Debug, Default)]
pub struct DataVersion(AtomicI64);

impl DataVersion {
    pub fn get(&self) -> i64 {
        self.0.load(Ordering::Acquire)
    }

    pub fn new(version: i64) -> Self {
        Self(AtomicI64::new(version))
    }

    pub fn reached(&self, version: i64) {
        self.0.fetch_max(version, Ordering::AcqRel);
    }
}

/// Backoff between resynchronisations after a change could not be applied.
const RETRY_FIRST: std::time::Duration = std::time::Duration::from_millis(100);
const RETRY_LAST: std::time::Duration = std::time::Duration::from_secs(5);

/// Starts following other instances' writes, when the store is PostgreSQL (on SQLite one
/// instance owns the file, and nothing is announced).
pub fn follow(state: &AppState) {
    let Some(store) = state.db.as_postgres().cloned() else { return };
    let mut events = listen::follow(&store);
    let state = state.clone();
    tokio::spawn(async move {
        while let Some(event) = events.recv().await {
            let applied = match event {
                Event::Announced(announced) => apply(&state, announced).await,
                Event::Resync => resync(&state, &store).await,
            };
            if let Err(error) = applied {
                // The index stays behind the data version, so a resync catches up: tried until
                // the store answers again.
                tracing::warn!(%error, "could not apply another instance's change; resynchronising");
                let mut retry = RETRY_FIRST;
                while let Err(error) = resync(&state, &store).await {
                    tracing::warn!(%error, retry_ms = retry.as_millis() as u64, "resynchronisation failed; retrying");
                    tokio::time::sleep(retry).await;
                    retry = (retry * 2).min(RETRY_LAST);
                }
            }
        }
    });
}

async fn apply(state: &AppState, announced: Announcement) -> Result<(), crate::db::DbError> {
    if announced.data_version <= state.data_version.get() {
        return Ok(()); // this instance's own reload, or read in full since
    }
    let Some(points) = announced.points else {
        return state.reload_index().await;
    };
    for (code, version) in points {
        let Ok(code) = PointCode::parse(&code) else {
            tracing::warn!(code, "announcement names an invalid point code; ignored");
            continue;
        };
        let known = state.index().get(code.as_str()).is_some_and(|point| point.version >= version);
        if !known {
            state.point_changed_elsewhere(&code).await?;
        }
    }
    state.data_version.reached(announced.data_version);
    Ok(())
}

/// Reads everything again if the database moved on while announcements could have been missed.
async fn resync(state: &AppState, store: &PgStore) -> Result<(), crate::db::DbError> {
    if store.data_version().await? != state.data_version.get() {
        tracing::info!("points changed while not listening: reading them all again");
        // A full read records the data version read just before it.
        state.reload_index().await?;
    }
    Ok(())
}

/// The store's data version, read before the points are: what the index is built from is at
/// least that new. 0 on SQLite, where nothing follows it.
pub async fn version_before_read(db: &crate::db::Db) -> Result<i64, crate::db::DbError> {
    match db.as_postgres() {
        Some(store) => store.data_version().await,
        None => Ok(0),
    }
}
