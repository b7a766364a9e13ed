//! The account events log: written in the transaction of each account change (see
//! `db::staff`), read with a filter for the change log.

use sqlx::SqliteConnection;

use super::Db;
use super::points::DbError;
use crate::domain::account_event::{AccountAction, AccountEvent, AccountEventFilter};

/// Why the log was not read.
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

/// Writes one event on `conn` (inside the change's transaction). `at_unix`: when it happened,
/// if not now (a lock is stamped with the login attempt's clock).
pub(super) async fn write_event(
    conn: &mut SqliteConnection,
    actor: &str,
    username: &str,
    action: AccountAction,
    detail: Option<&str>,
    at_unix: Option<i64>,
) -> Result<(), DbError> {
    let action = action.as_str();
    sqlx::query!(
        r#"INSERT INTO account_events (at, actor, username, action, detail)
           VALUES (strftime('%Y-%m-%dT%H:%M:%SZ', coalesce(?, CAST(strftime('%s', 'now') AS INTEGER)), 'unixepoch'), ?, ?, ?, ?)"#,
        at_unix,
        actor,
        username,
        action,
        detail
    )
    .execute(conn)
    .await?;
    Ok(())
}

impl Db {
    /// The account events matching `filter`, newest first. `since` is inclusive, `until`
    /// exclusive; both are compared in UTC whatever offset they are written with.
    pub async fn account_events(
        &self,
        filter: &AccountEventFilter,
    ) -> Result<Vec<AccountEvent>, AccountEventsError> {
        let mut bounds = [None, None];
        for (bound, text) in bounds.iter_mut().zip([&filter.since, &filter.until]) {
            let Some(text) = text else { continue };
            if !AccountEventFilter::is_rfc3339(text) {
                return Err(AccountEventsError::BadTime(text.clone()));
            }
            // SQLite reads the offset and answers in UTC (NULL if it cannot read the text).
            let utc =
                sqlx::query_scalar!(r#"SELECT strftime('%Y-%m-%dT%H:%M:%SZ', ?) AS "utc: String""#, text)
                    .fetch_one(&self.pool)
                    .await?;
            *bound = Some(utc.ok_or_else(|| AccountEventsError::BadTime(text.clone()))?);
        }
        let [since, until] = bounds;
        let rows = sqlx::query!(
            r#"SELECT id AS "id!", at, actor, username, action, detail FROM account_events
               WHERE (?1 IS NULL OR username = ?1) AND (?2 IS NULL OR at >= ?2) AND (?3 IS NULL OR at < ?3)
               ORDER BY at DESC, id DESC"#,
            filter.username,
            since,
            until
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|row| {
                let action = row.action.parse().map_err(|reason| DbError::Corrupt {
                    code: format!("account event {}", row.id),
                    reason,
                })?;
                Ok(AccountEvent {
                    id: row.id,
                    at: row.at,
                    actor: row.actor,
                    username: row.username,
                    action,
                    detail: row.detail,
                })
            })
            .collect()
    }
}
