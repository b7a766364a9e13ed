//! The errors a store answers with, the same whichever database is behind it.

use legalmap_domain::ServicePoint;
use legalmap_domain::import_batch::ImportBatch;

/// A store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error(transparent)]
    Sqlx(#[from] sqlx::Error),
    /// A stored row breaks an invariant the schema cannot express; never caused by a request.
    #[error("stored point {code} is corrupt: {reason}")]
    Corrupt { code: String, reason: String },
}

impl DbError {
    /// Whether the database could not be reached (down, restarting, the network cut) rather
    /// than refusing the statement: the web layer answers 503, and the caller may try again.
    pub fn is_unavailable(&self) -> bool {
        match self {
            // A closed pool is this process shutting down, not an outage: internal.
            DbError::Sqlx(error) => {
                matches!(error, sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::Tls(_))
                    || error.as_database_error().and_then(|e| e.code()).is_some_and(|code| {
                        // PostgreSQL's class 08 (connection exception) and 57P01-03 (admin shutdown,
                        // crash shutdown, cannot connect now): the server went away, not the statement.
                        code.starts_with("08") || matches!(&*code, "57P01" | "57P02" | "57P03")
                    })
            }
            DbError::Corrupt { .. } => false,
        }
    }
}

/// Why a change was not made.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// Someone else changed the point since the editor loaded it; `current` is what is stored now.
    #[error("point {} changed meanwhile (now version {})", current.record.code, current.version)]
    Conflict { current: Box<ServicePoint> },
    #[error("no point has this code")]
    NotFound,
    #[error("a point with this code exists already")]
    AlreadyExists,
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<sqlx::Error> for WriteError {
    fn from(error: sqlx::Error) -> Self {
        WriteError::Db(error.into())
    }
}

/// Why an import was not undone.
#[derive(Debug, thiserror::Error)]
pub enum UndoError {
    #[error("no import has this id")]
    NotFound,
    /// Undone before: undoing twice would revert the undo's own corrections.
    #[error("import {} was undone already", .0.id)]
    AlreadyUndone(Box<ImportBatch>),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<sqlx::Error> for UndoError {
    fn from(error: sqlx::Error) -> Self {
        UndoError::Db(error.into())
    }
}

/// Why the account events log was not read.
#[derive(Debug, thiserror::Error)]
pub enum AccountEventsError {
    /// `since` or `until` is not an RFC 3339 date-time with an offset.
    #[error("not an RFC 3339 time with an offset: {0:?}")]
    BadTime(String),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<sqlx::Error> for AccountEventsError {
    fn from(error: sqlx::Error) -> Self {
        AccountEventsError::Db(error.into())
    }
}
