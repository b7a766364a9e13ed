//! Reading `point_history` (a point's history, the district-wide change log) and
//! `import_batches`. Account events join the change log at merge: see
//! `views::admin::changes`.

use async_trait::async_trait;
use legalmap_domain::PointCode;
use legalmap_domain::history::HistoryEntry;
use legalmap_domain::import_batch::ImportBatch;
use legalmap_store::rows::{BatchRow, HistoryRow};
use legalmap_store::{ChangeFilter, DbError, HistoryReads};

use super::PgStore;

#[async_trait]
impl HistoryReads for PgStore {
    async fn point_history(&self, code: &PointCode) -> Result<Vec<HistoryEntry>, DbError> {
        let code = code.as_str();
        let rows = sqlx::query_as!(
            HistoryRow,
            r#"SELECT id AS "id!", code, version, action, changed_by, changed_at, reason, old_values, new_values,
                      import_batch_id
               FROM point_history WHERE code = $1 ORDER BY id DESC"#,
            code
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(HistoryEntry::try_from).collect()
    }

    async fn history_entry(&self, code: &PointCode, id: i64) -> Result<Option<HistoryEntry>, DbError> {
        let code = code.as_str();
        let row = sqlx::query_as!(
            HistoryRow,
            r#"SELECT id AS "id!", code, version, action, changed_by, changed_at, reason, old_values, new_values,
                      import_batch_id
               FROM point_history WHERE code = $1 AND id = $2"#,
            code,
            id
        )
        .fetch_optional(&self.pool)
        .await?;
        row.map(HistoryEntry::try_from).transpose()
    }

    async fn count_changes(&self, filter: &ChangeFilter) -> Result<i64, DbError> {
        let (town, by) = (filter.town_code.as_deref(), filter.changed_by.as_deref());
        let (since, until) = (filter.since_utc.as_deref(), filter.until_utc.as_deref());
        Ok(sqlx::query_scalar!(
            r#"SELECT count(*) AS "n!: i64" FROM point_history
               WHERE ($1::text IS NULL OR new_values::json ->> 'town_code' = $1
                      OR old_values::json ->> 'town_code' = $1)
                 AND ($2::text IS NULL OR changed_by = $2)
                 AND ($3::text IS NULL OR changed_at >= $3)
                 AND ($4::text IS NULL OR changed_at < $4)"#,
            town,
            by,
            since,
            until
        )
        .fetch_one(&self.pool)
        .await?)
    }

    async fn changes(
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
               WHERE ($1::text IS NULL OR new_values::json ->> 'town_code' = $1
                      OR old_values::json ->> 'town_code' = $1)
                 AND ($2::text IS NULL OR changed_by = $2)
                 AND ($3::text IS NULL OR changed_at >= $3)
                 AND ($4::text IS NULL OR changed_at < $4)
               ORDER BY id DESC LIMIT $5 OFFSET $6"#,
            town,
            by,
            since,
            until,
            limit,
            offset
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(HistoryEntry::try_from).collect()
    }

    /// Everyone (and everything) that has changed a point, by name: the person filter's choices.
    async fn change_authors(&self) -> Result<Vec<String>, DbError> {
        Ok(sqlx::query_scalar!("SELECT DISTINCT changed_by FROM point_history ORDER BY changed_by")
            .fetch_all(&self.pool)
            .await?)
    }

    /// Every applied import, newest first.
    async fn import_batches(&self) -> Result<Vec<ImportBatch>, DbError> {
        let rows = sqlx::query_as!(
            BatchRow,
            r#"SELECT id AS "id!", applied_at, applied_by, file_name, added, changed, unchanged, retired,
                      undone_at, undone_by
               FROM import_batches ORDER BY id DESC"#
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(ImportBatch::from).collect())
    }
}
