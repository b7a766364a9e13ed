//! legalmap's store interface: what the application asks of a database, behind one set of
//! traits with an implementation per backend (`legalmap-store-sqlite`, the embedded default;
//! `legalmap-store-postgres`, for several instances on one database). The application holds a
//! `dyn Store` chosen from the database URL. Logic that does not depend on the database (what a
//! point change writes, when it is refused) lives here once, over the backends' statements.

pub mod error;
pub mod reads;
pub mod reports;
pub mod rows;
pub mod schema;
pub mod staff;
pub mod writes;

use async_trait::async_trait;

pub use error::{AccountEventsError, DbError, UndoError, WriteError};
pub use reads::{ChangeFilter, HistoryReads, PointReads};
pub use reports::{CloseOutcome, PlaceStore, ReportFilter, ReportStore, ReportTown};
pub use staff::{ACCOUNT_LOCK, AccountStore, LockRule, LoginAttempt, LoginTx, SessionStore};
pub use writes::{Change, PointTx, PointWrites, UpsertSummary};

/// The connection pool's state, for the metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolFigures {
    /// Connections open, in use or idle.
    pub open: u32,
    /// Open connections waiting for work.
    pub idle: u32,
}

/// The database itself rather than its data.
#[async_trait]
pub trait Health: Send + Sync {
    /// `sqlite` or `postgres`: for logs, `/readyz` and messages.
    fn backend(&self) -> &'static str;
    /// A statement through a pooled connection: the database answers. Fails at once when the
    /// pool is closed or a connection cannot be made.
    async fn ping(&self) -> Result<(), DbError>;
    fn pool_figures(&self) -> PoolFigures;
    /// Closes the pool, waiting for connections to finish (SQLite checkpoints its WAL).
    async fn close(&self);
}

/// Everything a backend provides; the application holds an `Arc<dyn Store>`.
pub trait Store:
    PointReads + PointWrites + ReportStore + PlaceStore + AccountStore + SessionStore + Health
{
}

impl<T> Store for T where
    T: PointReads + PointWrites + ReportStore + PlaceStore + AccountStore + SessionStore + Health
{
}
