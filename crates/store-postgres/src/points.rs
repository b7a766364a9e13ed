//! Reading the `points` table: this backend's [`PointReads`].

use async_trait::async_trait;
use legalmap_domain::{PointCode, ServicePoint};
use legalmap_store::rows::PointRow;
use legalmap_store::{DbError, PointReads};

use super::PgStore;

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
