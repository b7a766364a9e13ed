//! The store: the only module with SQL. SQLite (WAL) through sqlx; migrations in `migrations/`
//! are applied at connect.

pub mod history;
pub mod places;
pub mod point_writes;
pub mod points;
pub mod staff;

use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

/// A handle to the database; cheap to clone.
#[derive(Debug, Clone)]
pub struct Db {
    pool: SqlitePool,
}

/// The store could not be opened or migrated.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("invalid database URL {url:?}: {source}")]
    BadUrl { url: String, source: sqlx::Error },
    #[error("cannot open database {url:?}: {source}")]
    Open { url: String, source: sqlx::Error },
    #[error("cannot migrate database {url:?}: {source}")]
    Migrate { url: String, source: sqlx::migrate::MigrateError },
}

impl Db {
    /// Opens (creating if needed) the SQLite database at `url` (`sqlite://path`), in WAL mode,
    /// and applies pending migrations.
    pub async fn connect(url: &str) -> Result<Self, ConnectError> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|source| ConnectError::BadUrl { url: url.to_owned(), source })?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await
            .map_err(|source| ConnectError::Open { url: url.to_owned(), source })?;
        sqlx::migrate!("./migrations")
            .run(&pool)
            .await
            .map_err(|source| ConnectError::Migrate { url: url.to_owned(), source })?;
        Ok(Self { pool })
    }

    /// Closes the pool, waiting for connections to finish (so WAL is checkpointed on exit).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}
