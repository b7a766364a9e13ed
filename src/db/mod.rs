//! The store the application holds: one `dyn Store` (see `legalmap_store`), chosen from the
//! database URL's scheme. `sqlite://` (the embedded default) and, for several instances on one
//! database, `postgres://`. SQL lives only in the backends (`crates/store-*`).

pub mod migrate;

use std::ops::Deref;
use std::sync::Arc;

pub use legalmap_store::schema::SchemaCheck;
pub use legalmap_store::{
    ACCOUNT_LOCK, AccountEventsError, Change, ChangeFilter, CloseOutcome, DbError, PoolFigures, ReportFilter,
    Store, UndoError, UpsertSummary, WriteError,
};
pub use legalmap_store_postgres as postgres;
pub use legalmap_store_sqlite as sqlite;
pub use legalmap_store_sqlite::maintenance::RawDatabase;

/// A handle to the store; cheap to clone. Derefs to the [`Store`] interface.
#[derive(Clone)]
pub struct Db {
    store: Arc<dyn Store>,
    /// The same store as PostgreSQL's, for what only it does (following other instances).
    postgres: Option<postgres::PgStore>,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Db").field(&self.store.backend()).finish()
    }
}

impl Deref for Db {
    type Target = dyn Store;

    fn deref(&self) -> &Self::Target {
        &*self.store
    }
}

/// The store could not be opened or migrated.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error(
        "unsupported database URL {0:?}: give sqlite://PATH (the embedded default, e.g. \
         sqlite://legalmap.db) or postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE"
    )]
    Scheme(String),
    #[error(transparent)]
    Sqlite(#[from] sqlite::ConnectError),
    #[error(transparent)]
    Postgres(#[from] postgres::ConnectError),
}

/// Which backend a database URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn of_url(url: &str) -> Result<Self, ConnectError> {
        let scheme = url.split_once(':').map_or("", |(scheme, _)| scheme);
        match scheme {
            "sqlite" => Ok(Backend::Sqlite),
            "postgres" | "postgresql" => Ok(Backend::Postgres),
            _ => Err(ConnectError::Scheme(url.to_owned())),
        }
    }
}

impl Db {
    /// Opens the store at `url`, creating an SQLite file if needed, and applies pending
    /// migrations.
    pub async fn connect(url: &str) -> Result<Self, ConnectError> {
        match Backend::of_url(url)? {
            Backend::Sqlite => Ok(Self::sqlite(sqlite::SqliteStore::connect(url).await?)),
            Backend::Postgres => Ok(Self::postgres(postgres::PgStore::connect(url).await?)),
        }
    }

    /// Opens the existing store at `url` and applies pending migrations, but never creates an
    /// SQLite file: for commands that read (export, coverage, user password), where a mistyped
    /// path must not leave an empty database behind. (A PostgreSQL database is never created.)
    pub async fn open_existing(url: &str) -> Result<Self, ConnectError> {
        match Backend::of_url(url)? {
            Backend::Sqlite => Ok(Self::sqlite(sqlite::SqliteStore::open_existing(url).await?)),
            Backend::Postgres => Ok(Self::postgres(postgres::PgStore::connect(url).await?)),
        }
    }

    fn sqlite(store: sqlite::SqliteStore) -> Self {
        Self { store: Arc::new(store), postgres: None }
    }

    fn postgres(store: postgres::PgStore) -> Self {
        Self { store: Arc::new(store.clone()), postgres: Some(store) }
    }

    /// The PostgreSQL store, when that is the backend: other instances' writes are followed
    /// through it (`app::follow`).
    pub fn as_postgres(&self) -> Option<&postgres::PgStore> {
        self.postgres.as_ref()
    }
}
