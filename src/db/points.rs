//! Reading the `points` table.

use std::sync::Arc;

use super::Db;
use crate::domain::{LonLat, OpeningHours, PointCode, PointRecord, ServicePoint, Verification};

/// A store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error(transparent)]
    Sqlx(#[from] sqlx::Error),
    /// A stored row breaks an invariant the schema cannot express; never caused by a request.
    #[error("stored point {code} is corrupt: {reason}")]
    Corrupt { code: String, reason: String },
}

/// A `points` row as stored: one field per column, with the column's name. The checked readers
/// select `*` into it, so a column without a field (or a field without a column) does not
/// compile; the bulk reader asks for the columns in the fields' order (see [`bulk_read_sql`]).
#[derive(serde::Deserialize)]
pub(super) struct PointRow {
    pub code: String,
    pub name: String,
    pub town_code: String,
    pub town: String,
    pub kind: String,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub hours: Option<String>,
    #[serde(deserialize_with = "real_from_text")]
    pub lon: f64,
    #[serde(deserialize_with = "real_from_text")]
    pub lat: f64,
    pub location_quality: String,
    pub source: String,
    pub area_type: String,
    pub active: i64,
    pub version: i64,
    pub updated_at: String,
    pub verified_by: Option<String>,
    pub verified_at: Option<String>,
    #[serde(deserialize_with = "optional_real_from_text")]
    pub location_accuracy_m: Option<f64>,
    pub location_fixed_at: Option<String>,
    pub opening_hours: Option<String>,
}

impl TryFrom<PointRow> for ServicePoint {
    type Error = DbError;

    fn try_from(row: PointRow) -> Result<Self, DbError> {
        let corrupt = |reason: String| DbError::Corrupt { code: row.code.clone(), reason };
        let record = PointRecord {
            code: PointCode::parse(&row.code).map_err(corrupt)?,
            kind: row.kind.parse().map_err(corrupt)?,
            location: LonLat::parse(row.lon, row.lat).map_err(|e| corrupt(e.to_string()))?,
            location_quality: row.location_quality.parse().map_err(corrupt)?,
            accuracy_m: row.location_accuracy_m,
            location_fixed_at: row.location_fixed_at,
            area_type: row.area_type.parse().map_err(corrupt)?,
            name: row.name,
            town_code: row.town_code,
            town: row.town,
            address: row.address,
            phone: row.phone,
            hours: row.hours,
            opening_hours: row
                .opening_hours
                .as_deref()
                .map(OpeningHours::parse)
                .transpose()
                .map_err(|e| corrupt(e.to_string()))?,
            source: row.source,
        };
        let verified = match (row.verified_by, row.verified_at) {
            (Some(by), Some(at)) => Some(Verification { by, at }),
            _ => None,
        };
        Ok(ServicePoint {
            record,
            version: row.version,
            updated_at: row.updated_at,
            active: row.active == 1,
            verified,
        })
    }
}

impl Db {
    /// How many points are stored, active or not.
    pub async fn count_points(&self) -> Result<i64, DbError> {
        Ok(sqlx::query_scalar!(r#"SELECT count(*) AS "n!: i64" FROM points"#).fetch_one(&self.pool).await?)
    }

    /// Every active point, ordered by code.
    ///
    /// Read in bulk: sqlx hands SQLite rows over one at a time, at about 10 µs per 18-column
    /// row (6.4 s for 600,000 points, measured), so SQLite packs 4,096 rows into one JSON value
    /// and four connections read quarters of the table at once (about 1.2 s for 600,000); see
    /// [`bulk_read_sql`].
    pub async fn active_points(&self) -> Result<Vec<ServicePoint>, DbError> {
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

    /// Every point, retired ones included, ordered by code (for staff).
    pub async fn all_points(&self) -> Result<Vec<ServicePoint>, DbError> {
        let rows =
            sqlx::query_as!(PointRow, "SELECT * FROM points ORDER BY code").fetch_all(&self.pool).await?;
        rows.into_iter().map(ServicePoint::try_from).collect()
    }

    /// The RFC 3339 timestamp `days` days ago, in the store's clock (as `updated_at` is).
    pub async fn timestamp_days_ago(&self, days: i64) -> Result<String, DbError> {
        let modifier = format!("-{days} days");
        Ok(sqlx::query_scalar!(
            r#"SELECT strftime('%Y-%m-%dT%H:%M:%SZ', 'now', ?) AS "t!: String""#,
            modifier
        )
        .fetch_one(&self.pool)
        .await?)
    }

    /// One point, retired or not.
    pub async fn point(&self, code: &PointCode) -> Result<Option<ServicePoint>, DbError> {
        point_by_code(&self.pool, code).await
    }
}

/// One point by code on any executor: the pool, or a write transaction in `point_writes`.
pub(super) async fn point_by_code<'e>(
    executor: impl sqlx::SqliteExecutor<'e>,
    code: &PointCode,
) -> Result<Option<ServicePoint>, DbError> {
    let code = code.as_str();
    let row = sqlx::query_as!(PointRow, "SELECT * FROM points WHERE code = ?", code)
        .fetch_optional(executor)
        .await?;
    row.map(ServicePoint::try_from).transpose()
}

/// The active points with `after < rowid <= last`, as [`Db::active_points`] reads them.
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

/// Connections [`Db::active_points`] reads with at once: while some parse a chunk, the others'
/// SQLite builds the next (4 beat 2 by ~30% on 2 cores).
const READ_PARTS: i64 = 4;

/// Rows per JSON value in [`Db::active_points`].
const ROWS_PER_CHUNK: i64 = 4096;

/// The bulk reader's query: the active points with `after < rowid <= last`, 4,096 rows at a
/// time as one JSON array of arrays. Each row's columns come in [`PointRow`]'s field order, read
/// off the struct itself (serde reads the arrays back by position), so no list of columns here
/// can fall out of step with it. `REAL` columns (by the table's declared types) travel as
/// 17-digit text (`%!.17g`: without `!` SQLite stops at 16 digits), which [`real_from_text`]
/// parses back to the same `f64`.
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

/// A nullable real written as text by `printf('%!.17g', ...)` (NULL stays null).
fn optional_real_from_text<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<f64>, D::Error> {
    let text = <Option<std::borrow::Cow<'de, str>> as serde::Deserialize>::deserialize(deserializer)?;
    text.map(|text| {
        text.parse().map_err(|_| serde::de::Error::custom(format!("number {text:?} is not a number")))
    })
    .transpose()
}

/// A real written as text by `printf('%!.17g', ...)`: parsed back exactly.
fn real_from_text<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<f64, D::Error> {
    let text = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(deserializer)?;
    text.parse().map_err(|_| serde::de::Error::custom(format!("coordinate {text:?} is not a number")))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every column holds a value no other column holds, so a column read into the wrong field
    /// shows.
    #[tokio::test]
    async fn the_bulk_reader_reads_every_column_into_its_field() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::connect(&format!("sqlite://{}", dir.path().join("t.db").display())).await.unwrap();
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
        let db = Db::connect(&format!("sqlite://{}", dir.path().join("t.db").display())).await.unwrap();
        let mut columns: Vec<String> = sqlx::query_scalar("SELECT name FROM pragma_table_info('points')")
            .fetch_all(&db.pool)
            .await
            .unwrap();
        let mut fields: Vec<&str> = super::super::field_names::<PointRow>().to_vec();
        assert_eq!(fields.len(), 21);
        columns.sort();
        fields.sort();
        assert_eq!(columns, fields);
    }
}
