//! Queries on the `points` table.

use super::Db;
use crate::domain::{LonLat, PointCode, PointRecord, ServicePoint};

/// A store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error(transparent)]
    Sqlx(#[from] sqlx::Error),
    /// A stored row breaks an invariant the schema cannot express; never caused by a request.
    #[error("stored point {code} is corrupt: {reason}")]
    Corrupt { code: String, reason: String },
}

/// What an upsert did, point by point.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UpsertSummary {
    pub added: usize,
    pub changed: usize,
    pub unchanged: usize,
}

struct PointRow {
    code: String,
    name: String,
    town_code: String,
    town: String,
    kind: String,
    address: Option<String>,
    phone: Option<String>,
    hours: Option<String>,
    lon: f64,
    lat: f64,
    location_quality: String,
    source: String,
    version: i64,
    updated_at: String,
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
            name: row.name,
            town_code: row.town_code,
            town: row.town,
            address: row.address,
            phone: row.phone,
            hours: row.hours,
            source: row.source,
        };
        Ok(ServicePoint { record, version: row.version, updated_at: row.updated_at })
    }
}

impl Db {
    /// How many points are stored, active or not.
    pub async fn count_points(&self) -> Result<i64, DbError> {
        Ok(sqlx::query_scalar!(r#"SELECT count(*) AS "n!: i64" FROM points"#).fetch_one(&self.pool).await?)
    }

    /// Every active point, ordered by code.
    pub async fn active_points(&self) -> Result<Vec<ServicePoint>, DbError> {
        let rows = sqlx::query_as!(
            PointRow,
            r#"SELECT code, name, town_code, town, kind, address, phone, hours, lon, lat,
                      location_quality, source, version, updated_at
               FROM points WHERE active = 1 ORDER BY code"#
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(ServicePoint::try_from).collect()
    }

    /// Inserts new points and updates changed ones, all in one transaction: either every
    /// record is stored or none is. An update bumps `version` and `updated_at` and reactivates
    /// a retired point; a record identical to the stored one is left alone.
    pub async fn upsert_points(&self, records: &[PointRecord]) -> Result<UpsertSummary, DbError> {
        let mut tx = self.pool.begin().await?;
        let mut summary = UpsertSummary::default();
        for record in records {
            let code = record.code.as_str();
            let kind = record.kind.as_str();
            let (lon, lat) = (record.location.lon(), record.location.lat());
            let quality = record.location_quality.as_str();
            let version = sqlx::query_scalar!(
                r#"INSERT INTO points (code, name, town_code, town, kind, address, phone, hours,
                                       lon, lat, location_quality, source)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT (code) DO UPDATE SET
                       name = excluded.name, town_code = excluded.town_code, town = excluded.town,
                       kind = excluded.kind, address = excluded.address, phone = excluded.phone,
                       hours = excluded.hours, lon = excluded.lon, lat = excluded.lat,
                       location_quality = excluded.location_quality, source = excluded.source,
                       active = 1, version = points.version + 1,
                       updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
                   WHERE (points.name, points.town_code, points.town, points.kind, points.address,
                          points.phone, points.hours, points.lon, points.lat,
                          points.location_quality, points.source, points.active)
                         IS NOT
                         (excluded.name, excluded.town_code, excluded.town, excluded.kind,
                          excluded.address, excluded.phone, excluded.hours, excluded.lon,
                          excluded.lat, excluded.location_quality, excluded.source, 1)
                   RETURNING version"#,
                code,
                record.name,
                record.town_code,
                record.town,
                kind,
                record.address,
                record.phone,
                record.hours,
                lon,
                lat,
                quality,
                record.source,
            )
            .fetch_optional(&mut *tx)
            .await?;
            match version {
                Some(1) => summary.added += 1,
                Some(_) => summary.changed += 1,
                None => summary.unchanged += 1,
            }
        }
        tx.commit().await?;
        Ok(summary)
    }
}
