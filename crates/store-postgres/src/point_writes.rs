//! The statements of a point write ([`PointTx`]) on PostgreSQL, announced to every instance at
//! commit; what to write, and when to refuse, is decided in `legalmap_store::writes`.

use async_trait::async_trait;
use legalmap_domain::history::{HistoryAction, PointSnapshot};
use legalmap_domain::import_batch::ImportBatch;
use legalmap_domain::{PointCode, PointRecord, ServicePoint};
use legalmap_store::rows::{BatchHistoryRow, BatchRow};
use legalmap_store::{Change, DbError, PointTx, PointWrites, UpsertSummary};
use sqlx::{Postgres, Transaction};

use super::PgStore;
use super::announce::Announcement;
use super::points::point_by_code;

/// A point write: the transaction, holding the `data_version` row's lock from its first
/// statement, and the points it changed, announced at commit.
struct PgTx {
    tx: Transaction<'static, Postgres>,
    changed: Vec<(String, i64)>,
}

#[async_trait]
impl PointWrites for PgStore {
    /// Locks the `data_version` row, so point writers take turns across every instance: reading
    /// a point and then writing it cannot be raced by another writer.
    async fn begin_point_write(&self) -> Result<Box<dyn PointTx>, DbError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query!("SELECT version FROM data_version FOR UPDATE").fetch_one(&mut *tx).await?;
        Ok(Box::new(PgTx { tx, changed: Vec::new() }))
    }
}

#[async_trait]
impl PointTx for PgTx {
    async fn current(&mut self, code: &PointCode) -> Result<Option<ServicePoint>, DbError> {
        point_by_code(&mut *self.tx, code).await
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
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)"#,
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
        .execute(&mut *self.tx)
        .await?;
        self.changed.push((code.to_owned(), 1));
        Ok(())
    }

    async fn write_point(&mut self, version: i64, new: &PointSnapshot) -> Result<i64, DbError> {
        let r = &new.record;
        let (code, kind, quality, area) =
            (r.code.as_str(), r.kind.as_str(), r.location_quality.as_str(), r.area_type.as_str());
        let (lon, lat) = (r.location.lon(), r.location.lat());
        let opening_hours = r.opening_hours.as_ref().map(|hours| hours.as_str());
        let active = i64::from(new.active);
        let version = sqlx::query_scalar!(
            r#"UPDATE points SET name = $1, town_code = $2, town = $3, kind = $4, address = $5, phone = $6,
                      hours = $7, opening_hours = $8, lon = $9, lat = $10, location_quality = $11, source = $12, area_type = $13,
                      location_accuracy_m = $14, location_fixed_at = $15, active = $16, verified_by = $17,
                      verified_at = CASE WHEN $18::text = '' THEN utc_now() ELSE $19 END,
                      version = version + 1, updated_at = utc_now()
               WHERE code = $20 AND version = $21
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
        .fetch_one(&mut *self.tx)
        .await?;
        self.changed.push((code.to_owned(), version));
        Ok(version)
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
               VALUES ($1, $2, $3, $4, $5, $6, $7)"#,
            code,
            version,
            action,
            change.actor,
            change.reason,
            old_values,
            new_values
        )
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    async fn active_codes(&mut self) -> Result<Vec<String>, DbError> {
        Ok(sqlx::query_scalar!("SELECT code FROM points WHERE active = 1").fetch_all(&mut *self.tx).await?)
    }

    async fn last_history_id(&mut self) -> Result<i64, DbError> {
        Ok(sqlx::query_scalar!(r#"SELECT coalesce(max(id), 0) AS "id!: i64" FROM point_history"#)
            .fetch_one(&mut *self.tx)
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
               VALUES ($1, $2, $3, $4, $5, $6) RETURNING id AS "id!""#,
            actor,
            file_name,
            counts[0],
            counts[1],
            counts[2],
            counts[3]
        )
        .fetch_one(&mut *self.tx)
        .await?;
        sqlx::query!("UPDATE point_history SET import_batch_id = $1 WHERE id > $2", batch_id, history_after)
            .execute(&mut *self.tx)
            .await?;
        Ok(batch_id)
    }

    async fn batch(&mut self, id: i64) -> Result<Option<ImportBatch>, DbError> {
        let row = sqlx::query_as!(
            BatchRow,
            r#"SELECT id AS "id!", applied_at, applied_by, file_name, added, changed, unchanged, retired,
                      undone_at, undone_by
               FROM import_batches WHERE id = $1"#,
            id
        )
        .fetch_optional(&mut *self.tx)
        .await?;
        Ok(row.map(ImportBatch::from))
    }

    async fn batch_history(&mut self, id: i64) -> Result<Vec<BatchHistoryRow>, DbError> {
        Ok(sqlx::query_as!(
            BatchHistoryRow,
            r#"SELECT id AS "id!", code, version, old_values FROM point_history
               WHERE import_batch_id = $1 ORDER BY id"#,
            id
        )
        .fetch_all(&mut *self.tx)
        .await?)
    }

    async fn last_change(&mut self, code: &str) -> Result<(String, String), DbError> {
        let last = sqlx::query!(
            "SELECT changed_by, changed_at FROM point_history WHERE code = $1 ORDER BY id DESC LIMIT 1",
            code
        )
        .fetch_one(&mut *self.tx)
        .await?;
        Ok((last.changed_by, last.changed_at))
    }

    async fn mark_undone(&mut self, id: i64, actor: &str) -> Result<String, DbError> {
        Ok(sqlx::query_scalar!(
            r#"UPDATE import_batches SET undone_at = utc_now(), undone_by = $1
               WHERE id = $2 RETURNING undone_at AS "undone_at!""#,
            actor,
            id
        )
        .fetch_one(&mut *self.tx)
        .await?)
    }

    /// Bumps the data version and announces the change on [`crate::CHANNEL`] (delivered by
    /// PostgreSQL only if the transaction commits), when a point changed.
    async fn commit(self: Box<Self>) -> Result<(), DbError> {
        let PgTx { mut tx, changed } = *self;
        if !changed.is_empty() {
            let data_version =
                sqlx::query_scalar!("UPDATE data_version SET version = version + 1 RETURNING version")
                    .fetch_one(&mut *tx)
                    .await?;
            let payload = Announcement::of(data_version, changed).to_payload();
            sqlx::query!("SELECT pg_notify($1, $2) AS sent", crate::CHANNEL, payload)
                .fetch_one(&mut *tx)
                .await?;
        }
        Ok(tx.commit().await?)
    }
}
