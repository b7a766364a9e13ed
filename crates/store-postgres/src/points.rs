//! Reading the `points` table, and the [`PointReads`] of this backend (history, changes and
//! imports are read in `history`).

use async_trait::async_trait;
use legalmap_domain::history::HistoryEntry;
use legalmap_domain::import_batch::ImportBatch;
use legalmap_domain::{PointCode, ServicePoint};
use legalmap_store::rows::PointRow;
use legalmap_store::{ChangeFilter, DbError, PointReads};

use super::{PgStore, history};

#[async_trait]
impl PointReads for PgStore {
    async fn count_points(&self) -> Result<i64, DbError> {
        Ok(sqlx::query_scalar!(r#"SELECT count(*) AS "n!: i64" FROM points"#).fetch_one(&self.pool).await?)
    }

    /// One plain query: PostgreSQL hands rows over in binary, fast enough without SQLite's
    /// JSON packing.
    async fn active_points(&self) -> Result<Vec<ServicePoint>, DbError> {
        let rows = sqlx::query_as!(PointRow, "SELECT * FROM points WHERE active = 1 ORDER BY code")
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter().map(ServicePoint::try_from).collect()
    }

    async fn all_points(&self) -> Result<Vec<ServicePoint>, DbError> {
        let rows =
            sqlx::query_as!(PointRow, "SELECT * FROM points ORDER BY code").fetch_all(&self.pool).await?;
        rows.into_iter().map(ServicePoint::try_from).collect()
    }

    async fn timestamp_days_ago(&self, days: i64) -> Result<String, DbError> {
        Ok(sqlx::query_scalar!(
            r#"SELECT to_char((now() - $1::bigint * interval '1 day') AT TIME ZONE 'UTC',
                              'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "t!: String""#,
            days
        )
        .fetch_one(&self.pool)
        .await?)
    }

    async fn point(&self, code: &PointCode) -> Result<Option<ServicePoint>, DbError> {
        point_by_code(&self.pool, code).await
    }

    async fn point_history(&self, code: &PointCode) -> Result<Vec<HistoryEntry>, DbError> {
        history::point_history(&self.pool, code).await
    }

    async fn history_entry(&self, code: &PointCode, id: i64) -> Result<Option<HistoryEntry>, DbError> {
        history::history_entry(&self.pool, code, id).await
    }

    async fn count_changes(&self, filter: &ChangeFilter) -> Result<i64, DbError> {
        history::count_changes(&self.pool, filter).await
    }

    async fn changes(
        &self,
        filter: &ChangeFilter,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<HistoryEntry>, DbError> {
        history::changes(&self.pool, filter, limit, offset).await
    }

    async fn change_authors(&self) -> Result<Vec<String>, DbError> {
        history::change_authors(&self.pool).await
    }

    async fn import_batches(&self) -> Result<Vec<ImportBatch>, DbError> {
        history::import_batches(&self.pool).await
    }
}

/// One point by code on any executor: the pool, or a write transaction in `point_writes`.
pub(crate) async fn point_by_code<'e>(
    executor: impl sqlx::PgExecutor<'e>,
    code: &PointCode,
) -> Result<Option<ServicePoint>, DbError> {
    let code = code.as_str();
    let row = sqlx::query_as!(PointRow, "SELECT * FROM points WHERE code = $1", code)
        .fetch_optional(executor)
        .await?;
    row.map(ServicePoint::try_from).transpose()
}
