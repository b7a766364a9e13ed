//! The statements of a point write ([`PointTx`]) on SQLite; what to write, and when to refuse,
//! is decided in `legalmap_store::writes`.

use async_trait::async_trait;
use legalmap_domain::history::{HistoryAction, PointSnapshot};
use legalmap_domain::import_batch::ImportBatch;
use legalmap_domain::{PointCode, PointRecord, ServicePoint};
use legalmap_store::rows::{BatchHistoryRow, BatchRow};
use legalmap_store::{Change, DbError, PointTx, PointWrites, UpsertSummary};
use sqlx::{Sqlite, Transaction};

use super::SqliteStore;
use super::points::point_by_code;

/// A transaction that holds SQLite's write lock from its first statement.
struct SqliteTx(Transaction<'static, Sqlite>);

#[async_trait]
impl PointWrites for SqliteStore {
    /// Takes the write lock with a no-op write, so reading a point and then writing it cannot
    /// fail half-way because another writer came between.
    async fn begin_point_write(&self) -> Result<Box<dyn PointTx>, DbError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query!("UPDATE points SET version = version WHERE 0").execute(&mut *tx).await?;
        Ok(Box::new(SqliteTx(tx)))
    }
}

#[async_trait]
impl PointTx for SqliteTx {
    async fn current(&mut self, code: &PointCode) -> Result<Option<ServicePoint>, DbError> {
        point_by_code(&mut *self.0, code).await
    }

    async fn insert_point(&mut self, r: &PointRecord) -> Result<(), DbError> {
        let (code, kind, quality, area) =
            (r.code.as_str(), r.kind.as_str(), r.location_quality.as_str(), r.area_type.as_str());
        let (lon, lat) = (r.location.lon(), r.location.lat());
        let opening_hours = r.opening_hours.as_ref().map(|hours| hours.as_str());
        sqlx::query!(
            r#"INSERT INTO points (code, name, town_code, town, kind, address, phone, hours, opening_hours,
                                   lon, lat, location_quality, source, area_type, location_accuracy_m,
                                   location_fixed_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"#,
            code,
            r.name,
            r.town_code,
            r.town,
            kind,
            r.address,
            r.phone,
            r.hours,
            opening_hours,
            lon,
            lat,
            quality,
            r.source,
            area,
            r.accuracy_m,
            r.location_fixed_at
        )
        .execute(&mut *self.0)
        .await?;
        Ok(())
    }

    async fn write_point(&mut self, version: i64, new: &PointSnapshot) -> Result<i64, DbError> {
        let r = &new.record;
        let (code, kind, quality, area) =
            (r.code.as_str(), r.kind.as_str(), r.location_quality.as_str(), r.area_type.as_str());
        let (lon, lat) = (r.location.lon(), r.location.lat());
        let opening_hours = r.opening_hours.as_ref().map(|hours| hours.as_str());
        let active = i64::from(new.active);
        Ok(sqlx::query_scalar!(
            r#"UPDATE points SET name = ?, town_code = ?, town = ?, kind = ?, address = ?, phone = ?,
                      hours = ?, opening_hours = ?, lon = ?, lat = ?, location_quality = ?, source = ?, area_type = ?,
                      location_accuracy_m = ?, location_fixed_at = ?, active = ?, verified_by = ?,
                      verified_at = CASE WHEN ? = '' THEN strftime('%Y-%m-%dT%H:%M:%SZ', 'now') ELSE ? END,
                      version = version + 1, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
               WHERE code = ? AND version = ?
               RETURNING version"#,
            r.name,
            r.town_code,
            r.town,
            kind,
            r.address,
            r.phone,
            r.hours,
            opening_hours,
            lon,
            lat,
            quality,
            r.source,
            area,
            r.accuracy_m,
            r.location_fixed_at,
            active,
            new.verified_by,
            new.verified_at,
            new.verified_at,
            code,
            version
        )
        .fetch_one(&mut *self.0)
        .await?)
    }

    async fn write_history(
        &mut self,
        code: &str,
        version: i64,
        action: HistoryAction,
        change: Change<'_>,
        old_values: Option<&str>,
        new_values: &str,
    ) -> Result<(), DbError> {
        let action = action.as_str();
        sqlx::query!(
            r#"INSERT INTO point_history (code, version, action, changed_by, reason, old_values, new_values)
               VALUES (?, ?, ?, ?, ?, ?, ?)"#,
            code,
            version,
            action,
            change.actor,
            change.reason,
            old_values,
            new_values
        )
        .execute(&mut *self.0)
        .await?;
        Ok(())
    }

    async fn active_codes(&mut self) -> Result<Vec<String>, DbError> {
        Ok(sqlx::query_scalar!("SELECT code FROM points WHERE active = 1").fetch_all(&mut *self.0).await?)
    }

    async fn last_history_id(&mut self) -> Result<i64, DbError> {
        Ok(sqlx::query_scalar!(r#"SELECT coalesce(max(id), 0) AS "id!: i64" FROM point_history"#)
            .fetch_one(&mut *self.0)
            .await?)
    }

    async fn record_batch(
        &mut self,
        actor: &str,
        file_name: &str,
        summary: &UpsertSummary,
        history_after: i64,
    ) -> Result<i64, DbError> {
        let counts = [summary.added, summary.changed, summary.unchanged, summary.retired].map(|n| n as i64);
        let batch_id = sqlx::query_scalar!(
            r#"INSERT INTO import_batches (applied_by, file_name, added, changed, unchanged, retired)
               VALUES (?, ?, ?, ?, ?, ?) RETURNING id AS "id!""#,
            actor,
            file_name,
            counts[0],
            counts[1],
            counts[2],
            counts[3]
        )
        .fetch_one(&mut *self.0)
        .await?;
        sqlx::query!("UPDATE point_history SET import_batch_id = ? WHERE id > ?", batch_id, history_after)
            .execute(&mut *self.0)
            .await?;
        Ok(batch_id)
    }

    async fn batch(&mut self, id: i64) -> Result<Option<ImportBatch>, DbError> {
        let row = sqlx::query_as!(
            BatchRow,
            r#"SELECT id AS "id!", applied_at, applied_by, file_name, added, changed, unchanged, retired,
                      undone_at, undone_by
               FROM import_batches WHERE id = ?"#,
            id
        )
        .fetch_optional(&mut *self.0)
        .await?;
        Ok(row.map(ImportBatch::from))
    }

    async fn batch_history(&mut self, id: i64) -> Result<Vec<BatchHistoryRow>, DbError> {
        Ok(sqlx::query_as!(
            BatchHistoryRow,
            r#"SELECT id AS "id!", code, version, old_values FROM point_history
               WHERE import_batch_id = ? ORDER BY id"#,
            id
        )
        .fetch_all(&mut *self.0)
        .await?)
    }

    async fn last_change(&mut self, code: &str) -> Result<(String, String), DbError> {
        let last = sqlx::query!(
            "SELECT changed_by, changed_at FROM point_history WHERE code = ? ORDER BY id DESC LIMIT 1",
            code
        )
        .fetch_one(&mut *self.0)
        .await?;
        Ok((last.changed_by, last.changed_at))
    }

    async fn mark_undone(&mut self, id: i64, actor: &str) -> Result<String, DbError> {
        Ok(sqlx::query_scalar!(
            r#"UPDATE import_batches SET undone_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), undone_by = ?
               WHERE id = ? RETURNING undone_at AS "undone_at!""#,
            actor,
            id
        )
        .fetch_one(&mut *self.0)
        .await?)
    }

    async fn commit(self: Box<Self>) -> Result<(), DbError> {
        Ok(self.0.commit().await?)
    }
}
