//! Reading the `points` table: this backend's [`PointReads`].

use std::sync::Arc;

use async_trait::async_trait;
use legalmap_domain::{PointCode, ServicePoint};
use legalmap_store::rows::PointRow;
use legalmap_store::{DbError, PointReads};

use super::SqliteStore;

#[async_trait]
impl PointReads for SqliteStore {
    async fn count_points(&self) -> Result<i64, DbError> {
        Ok(sqlx::query_scalar!(r#"SELECT count(*) AS "n!: i64" FROM points"#).fetch_one(&self.pool).await?)
    }

    /// Read in bulk: sqlx hands SQLite rows over one at a time, at about 10 µs per 18-column
    /// row (6.4 s for 600,000 points, measured), so SQLite packs 4,096 rows into one JSON value
    /// and four connections read quarters of the table at once (about 1.2 s for 600,000); see
    /// [`bulk_read_sql`].
    async fn active_points(&self) -> Result<Vec<ServicePoint>, DbError> {
        let max_rowid = sqlx::query_scalar!(r#"SELECT coalesce(max(rowid), 0) AS "n!: i64" FROM points"#)
            .fetch_one(&self.pool)
            .await?;
        let sql: Arc<str> = bulk_read_sql(&self.pool).await?.into();
        let parts: Vec<_> = (0..READ_PARTS)
            .map(|part| {
                let (after, last) = (max_rowid * part / READ_PARTS, max_rowid * (part + 1) / READ_PARTS);
                let (pool, sql) = (self.pool.clone(), sql.clone());
                tokio::spawn(async move { active_points_in_rowids(&pool, &sql, after, last).await })
            })
            .collect();
        let mut points = Vec::new();
        for part in parts {
            match part.await {
                Ok(read) => points.extend(read?),
                // Only a panic ends a reader early (nothing cancels them): re-raise it here.
                Err(error) => std::panic::resume_unwind(error.into_panic()),
            }
        }
        points.sort_by(|a, b| a.record.code.cmp(&b.record.code));
        Ok(points)
    }

    async fn all_points(&self) -> Result<Vec<ServicePoint>, DbError> {
        let rows =
            sqlx::query_as!(PointRow, "SELECT * FROM points ORDER BY code").fetch_all(&self.pool).await?;
        rows.into_iter().map(ServicePoint::try_from).collect()
    }

    async fn timestamp_days_ago(&self, days: i64) -> Result<String, DbError> {
        let modifier = format!("-{days} days");
        Ok(sqlx::query_scalar!(
            r#"SELECT strftime('%Y-%m-%dT%H:%M:%SZ', 'now', ?) AS "t!: String""#,
            modifier
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
    executor: impl sqlx::SqliteExecutor<'e>,
    code: &PointCode,
) -> Result<Option<ServicePoint>, DbError> {
    let code = code.as_str();
    let row = sqlx::query_as!(PointRow, "SELECT * FROM points WHERE code = ?", code)
        .fetch_optional(executor)
        .await?;
    row.map(ServicePoint::try_from).transpose()
}

/// The active points with `after < rowid <= last`, as [`SqliteStore::active_points`] reads them.
async fn active_points_in_rowids(
    pool: &sqlx::SqlitePool,
    sql: &str,
    after: i64,
    last: i64,
) -> Result<Vec<ServicePoint>, DbError> {
    let mut points = Vec::new();
    let mut from = after;
    while from < last {
        // One range per query (not `GROUP BY rowid / 4096`, which makes SQLite sort every row).
        let to = (from + ROWS_PER_CHUNK).min(last);
        let chunk: String = sqlx::query_scalar(sql).bind(from).bind(to).fetch_one(pool).await?;
        let rows: Vec<PointRow> = serde_json::from_str(&chunk)
            .map_err(|error| DbError::Corrupt { code: String::new(), reason: error.to_string() })?;
        for row in rows {
            points.push(ServicePoint::try_from(row)?);
        }
        from = to;
    }
    Ok(points)
}

/// Connections [`SqliteStore::active_points`] reads with at once: while some parse a chunk, the others'
/// SQLite builds the next (4 beat 2 by ~30% on 2 cores).
const READ_PARTS: i64 = 4;

/// Rows per JSON value in [`SqliteStore::active_points`].
const ROWS_PER_CHUNK: i64 = 4096;

/// The bulk reader's query: the active points with `after < rowid <= last`, 4,096 rows at a
/// time as one JSON array of arrays. Each row's columns come in [`PointRow`]'s field order, read
/// off the struct itself (serde reads the arrays back by position), so no list of columns here
/// can fall out of step with it. `REAL` columns (by the table's declared types) travel as
/// 17-digit text (`%!.17g`: without `!` SQLite stops at 16 digits), which `PointRow`'s readers
/// parse back to the same `f64`.
async fn bulk_read_sql(pool: &sqlx::SqlitePool) -> Result<String, DbError> {
    let reals: Vec<String> =
        sqlx::query_scalar("SELECT name FROM pragma_table_info('points') WHERE type = 'REAL'")
            .fetch_all(pool)
            .await?;
    let columns: Vec<String> = super::field_names::<PointRow>()
        .iter()
        .map(|&column| match reals.iter().any(|real| real == column) {
            true => format!("CASE WHEN {column} IS NULL THEN NULL ELSE printf('%!.17g', {column}) END"),
            false => column.to_owned(),
        })
        .collect();
    Ok(format!(
        "SELECT coalesce(json_group_array(json_array({})), '[]') FROM points \
         WHERE active = 1 AND rowid > ? AND rowid <= ?",
        columns.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use legalmap_domain::LonLat;

    use super::*;

    /// Every column holds a value no other column holds, so a column read into the wrong field
    /// shows.
    #[tokio::test]
    async fn the_bulk_reader_reads_every_column_into_its_field() {
        let dir = tempfile::tempdir().unwrap();
        let db =
            SqliteStore::connect(&format!("sqlite://{}", dir.path().join("t.db").display())).await.unwrap();
        for (code, active) in [("331003001001", 1), ("331003001002", 0)] {
            sqlx::query(
                "INSERT INTO points (code, name, town_code, town, kind, address, phone, hours, lon, lat,
                                     location_quality, source, area_type, active, version, updated_at,
                                     verified_by, verified_at)
                 VALUES (?, '名称', '331003001', '镇', 'community', '地址', '0576-1', '周一',
                         121.26843912345678, 28.64474412345678, 'geocoded', '来源', 'mountain', ?, 7,
                         '2026-01-02T03:04:05Z', '核实人', '2026-05-06T07:08:09Z')",
            )
            .bind(code)
            .bind(active)
            .execute(&db.pool)
            .await
            .unwrap();
        }
        let checked = db.point(&PointCode::parse("331003001001").unwrap()).await.unwrap().unwrap();
        assert_eq!(db.active_points().await.unwrap(), vec![checked.clone()]);
        assert_eq!(checked.record.location, LonLat::parse(121.26843912345678, 28.64474412345678).unwrap());
        assert_eq!((checked.version, checked.updated_at.as_str()), (7, "2026-01-02T03:04:05Z"));
        let verified = checked.verified.unwrap();
        assert_eq!((verified.by.as_str(), verified.at.as_str()), ("核实人", "2026-05-06T07:08:09Z"));
    }

    #[tokio::test]
    async fn the_row_type_names_every_column() {
        let dir = tempfile::tempdir().unwrap();
        let db =
            SqliteStore::connect(&format!("sqlite://{}", dir.path().join("t.db").display())).await.unwrap();
        let mut columns: Vec<String> = sqlx::query_scalar("SELECT name FROM pragma_table_info('points')")
            .fetch_all(&db.pool)
            .await
            .unwrap();
        let mut fields: Vec<&str> = crate::field_names::<PointRow>().to_vec();
        assert_eq!(fields.len(), 21);
        columns.sort();
        fields.sort();
        assert_eq!(columns, fields);
    }
}
