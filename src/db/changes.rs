//! The district-wide change log: every point's history rows, newest first, filtered by town,
//! person and time. (Account events join it at merge: see `views::admin::changes`.)

use super::Db;
use super::history::HistoryRow;
use super::points::DbError;
use crate::domain::history::HistoryEntry;

/// Which history rows the change log shows; `None`: no limit on that criterion.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChangeFilter {
    /// The point's 9-digit town code, before or after the change (a point moved between towns
    /// shows in both).
    pub town_code: Option<String>,
    /// Who made the change (a username, or what did it, such as an import).
    pub changed_by: Option<String>,
    /// At or after this moment (RFC 3339 UTC, compared as text like the stored times).
    pub since_utc: Option<String>,
    /// Before this moment (RFC 3339 UTC).
    pub until_utc: Option<String>,
}

impl Db {
    /// How many history rows `filter` lets through.
    pub async fn count_changes(&self, filter: &ChangeFilter) -> Result<i64, DbError> {
        let (town, by) = (filter.town_code.as_deref(), filter.changed_by.as_deref());
        let (since, until) = (filter.since_utc.as_deref(), filter.until_utc.as_deref());
        Ok(sqlx::query_scalar!(
            r#"SELECT count(*) AS "n!: i64" FROM point_history
               WHERE (? IS NULL OR json_extract(new_values, '$.town_code') = ?
                      OR json_extract(old_values, '$.town_code') = ?)
                 AND (? IS NULL OR changed_by = ?)
                 AND (? IS NULL OR changed_at >= ?)
                 AND (? IS NULL OR changed_at < ?)"#,
            town,
            town,
            town,
            by,
            by,
            since,
            since,
            until,
            until
        )
        .fetch_one(&self.pool)
        .await?)
    }

    /// The history rows `filter` lets through, newest first: `limit` of them from `offset`.
    pub async fn changes(
        &self,
        filter: &ChangeFilter,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<HistoryEntry>, DbError> {
        let (town, by) = (filter.town_code.as_deref(), filter.changed_by.as_deref());
        let (since, until) = (filter.since_utc.as_deref(), filter.until_utc.as_deref());
        let rows = sqlx::query_as!(
            HistoryRow,
            r#"SELECT id AS "id!", code, version, action, changed_by, changed_at, reason, old_values, new_values,
                      import_batch_id
               FROM point_history
               WHERE (? IS NULL OR json_extract(new_values, '$.town_code') = ?
                      OR json_extract(old_values, '$.town_code') = ?)
                 AND (? IS NULL OR changed_by = ?)
                 AND (? IS NULL OR changed_at >= ?)
                 AND (? IS NULL OR changed_at < ?)
               ORDER BY id DESC LIMIT ? OFFSET ?"#,
            town,
            town,
            town,
            by,
            by,
            since,
            since,
            until,
            until,
            limit,
            offset
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(HistoryEntry::try_from).collect()
    }

    /// Everyone (and everything) that has changed a point, by name: the person filter's choices.
    pub async fn change_authors(&self) -> Result<Vec<String>, DbError> {
        Ok(sqlx::query_scalar!("SELECT DISTINCT changed_by FROM point_history ORDER BY changed_by")
            .fetch_all(&self.pool)
            .await?)
    }
}
