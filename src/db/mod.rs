//! The store: the only module with SQL. SQLite (WAL) through sqlx; migrations in `migrations/`
//! are applied at connect.

pub mod account_events;
pub mod changes;
pub mod history;
pub mod import_undo;
pub mod location;
pub mod maintenance;
pub mod places;
pub mod point_writes;
pub mod points;
pub mod reports;
pub mod staff;
pub mod user_towns;

use std::str::FromStr;
use std::time::Duration;

use sqlx::migrate::Migrator;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use self::location::{DatabaseUrl, UrlError};

/// The migrations this binary knows, compiled in; applied at connect, and the yardstick a
/// backup is measured against before it is restored.
pub(crate) static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// A handle to the database; cheap to clone.
#[derive(Debug, Clone)]
pub struct Db {
    pool: SqlitePool,
}

/// The store could not be opened or migrated.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error(transparent)]
    Url(#[from] UrlError),
    #[error("invalid database URL {url:?}: {source}")]
    BadUrl { url: String, source: sqlx::Error },
    #[error("cannot open database {url:?}: {source}")]
    Open { url: String, source: sqlx::Error },
    #[error("cannot migrate database {url:?}: {source}")]
    Migrate { url: String, source: sqlx::migrate::MigrateError },
}

impl Db {
    /// Opens (creating if needed) the SQLite database at `url` (`sqlite://path`), in WAL mode,
    /// and applies pending migrations. The URL and the file's folder are checked first.
    pub async fn connect(url: &str) -> Result<Self, ConnectError> {
        let url = DatabaseUrl::parse(url)?;
        url.check_creatable()?;
        Self::open(&url, true).await
    }

    /// Opens the existing database at `url` and applies pending migrations, but never creates
    /// one: for commands that read (export, coverage, user password), where a mistyped path
    /// must not leave an empty database behind.
    pub async fn open_existing(url: &str) -> Result<Self, ConnectError> {
        let url = DatabaseUrl::parse(url)?;
        url.check_exists()?;
        Self::open(&url, false).await
    }

    async fn open(url: &DatabaseUrl, create: bool) -> Result<Self, ConnectError> {
        let url = url.as_str();
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|source| ConnectError::BadUrl { url: url.to_owned(), source })?
            .create_if_missing(create)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await
            .map_err(|source| ConnectError::Open { url: url.to_owned(), source })?;
        MIGRATOR.run(&pool).await.map_err(|source| ConnectError::Migrate { url: url.to_owned(), source })?;
        Ok(Self { pool })
    }

    /// Closes the pool, waiting for connections to finish (so WAL is checkpointed on exit).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// The field names of a struct that derives `Deserialize`, in declaration order: the list its
/// derive hands to `deserialize_struct`, recorded by a deserializer that stops there. Lets a
/// query ask for a row type's columns in its field order without a second list to keep in
/// step. (A struct with `#[serde(flatten)]` fields deserializes as a map: empty here.)
fn field_names<'de, T: serde::Deserialize<'de>>() -> &'static [&'static str] {
    use serde::de::{self, Visitor, value::Error};

    struct Recorder(&'static [&'static str]);

    impl<'de> de::Deserializer<'de> for &mut Recorder {
        type Error = Error;

        fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Error> {
            Err(de::Error::custom("not a struct"))
        }

        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _name: &'static str,
            fields: &'static [&'static str],
            _visitor: V,
        ) -> Result<V::Value, Error> {
            self.0 = fields;
            Err(de::Error::custom("fields recorded"))
        }

        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
            option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
            ignored_any
        }
    }

    let mut recorder = Recorder(&[]);
    let _stopped = T::deserialize(&mut recorder);
    recorder.0
}
