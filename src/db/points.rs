//! Reading the `points` table.

use super::Db;
use crate::domain::{LonLat, PointCode, PointRecord, ServicePoint, Verification};

/// A store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error(transparent)]
    Sqlx(#[from] sqlx::Error),
    /// A stored row breaks an invariant the schema cannot express; never caused by a request.
    #[error("stored point {code} is corrupt: {reason}")]
    Corrupt { code: String, reason: String },
}

/// A `points` row as stored; also as [`Db::active_points`]'s `json_array` writes it (the same
/// columns in the same order, reals as 17-digit text).
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
            area_type: row.area_type.parse().map_err(corrupt)?,
            name: row.name,
            town_code: row.town_code,
            town: row.town,
            address: row.address,
            phone: row.phone,
            hours: row.hours,
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
    /// and four connections read quarters of the table at once (about 1.2 s for 600,000). Reals
    /// travel as 17-digit strings (`%!.17g`: without `!` SQLite stops at 16 digits), which
    /// parse back to the same `f64` exactly.
    pub async fn active_points(&self) -> Result<Vec<ServicePoint>, DbError> {
        let max_rowid = sqlx::query_scalar!(r#"SELECT coalesce(max(rowid), 0) AS "n!: i64" FROM points"#)
            .fetch_one(&self.pool)
            .await?;
        let parts: Vec<_> = (0..READ_PARTS)
            .map(|part| {
                let (after, last) = (max_rowid * part / READ_PARTS, max_rowid * (part + 1) / READ_PARTS);
                let pool = self.pool.clone();
                tokio::spawn(async move { active_points_in_rowids(&pool, after, last).await })
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
        let rows = sqlx::query_as!(
            PointRow,
            r#"SELECT code, name, town_code, town, kind, address, phone, hours, lon, lat,
                      location_quality, source, area_type, active, version, updated_at,
                      verified_by, verified_at
               FROM points ORDER BY code"#
        )
        .fetch_all(&self.pool)
        .await?;
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
    let row = sqlx::query_as!(
        PointRow,
        r#"SELECT code, name, town_code, town, kind, address, phone, hours, lon, lat,
                  location_quality, source, area_type, active, version, updated_at,
                  verified_by, verified_at
           FROM points WHERE code = ?"#,
        code
    )
    .fetch_optional(executor)
    .await?;
    row.map(ServicePoint::try_from).transpose()
}

/// The active points with `after < rowid <= last`, as [`Db::active_points`] reads them.
async fn active_points_in_rowids(
    pool: &sqlx::SqlitePool,
    after: i64,
    last: i64,
) -> Result<Vec<ServicePoint>, DbError> {
    let mut points = Vec::new();
    let mut from = after;
    while from < last {
        // One range per query (not `GROUP BY rowid / 4096`, which makes SQLite sort every row).
        let to = (from + ROWS_PER_CHUNK).min(last);
        let chunk = sqlx::query_scalar!(
            r#"SELECT coalesce(json_group_array(json_array(
                      code, name, town_code, town, kind, address, phone, hours,
                      printf('%!.17g', lon), printf('%!.17g', lat),
                      location_quality, source, area_type, active, version, updated_at,
                      verified_by, verified_at)), '[]') AS "rows!: String"
               FROM points WHERE active = 1 AND rowid > ? AND rowid <= ?"#,
            from,
            to
        )
        .fetch_one(pool)
        .await?;
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

/// A real written as text by `printf('%!.17g', ...)`: parsed back exactly.
fn real_from_text<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<f64, D::Error> {
    let text = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(deserializer)?;
    text.parse().map_err(|_| serde::de::Error::custom(format!("coordinate {text:?} is not a number")))
}
