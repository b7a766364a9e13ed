//! Residents' correction reports (`point_reports`) on PostgreSQL.

use async_trait::async_trait;
use legalmap_domain::report::{NewReport, Report, ReportLocation, ReportState};
use legalmap_store::rows::ReportRow;
use legalmap_store::{DbError, ReportFilter, ReportStore, ReportTown};

use super::PgStore;

/// The parameters the queries take: whether open ones are asked for, the towns as an array (or
/// NULL).
fn binds(filter: &ReportFilter) -> (bool, Option<&[String]>) {
    (filter.state == ReportState::Open, filter.towns.as_deref())
}

#[async_trait]
impl ReportStore for PgStore {
    async fn add_report(&self, report: &NewReport) -> Result<i64, DbError> {
        let code = report.code.as_str();
        let kind = report.kind.as_str();
        let (lat, lon, accuracy_m) = match report.location {
            Some(ReportLocation { at, accuracy_m }) => (Some(at.lat()), Some(at.lon()), Some(accuracy_m)),
            None => (None, None, None),
        };
        let id = sqlx::query_scalar!(
            r#"INSERT INTO point_reports (code, kind, description, lat, lon, accuracy_m)
               VALUES ($1, $2, $3, $4, $5, $6) RETURNING id AS "id!: i64""#,
            code,
            kind,
            report.description,
            lat,
            lon,
            accuracy_m
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(id)
    }

    async fn count_reports(&self, filter: &ReportFilter) -> Result<i64, DbError> {
        let (open, towns) = binds(filter);
        Ok(sqlx::query_scalar!(
            r#"SELECT count(*) AS "n!: i64" FROM point_reports r LEFT JOIN points p ON p.code = r.code
               WHERE (r.closed_at IS NULL) = $1
                 AND ($2::text[] IS NULL OR p.town_code = ANY($2))"#,
            open,
            towns
        )
        .fetch_one(&self.pool)
        .await?)
    }

    async fn reports(&self, filter: &ReportFilter, limit: i64, offset: i64) -> Result<Vec<Report>, DbError> {
        let (open, towns) = binds(filter);
        let rows = sqlx::query_as!(
            ReportRow,
            r#"SELECT r.id AS "id!: i64", r.code, r.kind, r.description, r.lat, r.lon, r.accuracy_m,
                      r.received_at, r.closed_at, r.closed_by, r.close_note,
                      p.name AS "point_name?", p.town AS "point_town?", p.town_code AS "point_town_code?",
                      p.lon AS "point_lon?: f64", p.lat AS "point_lat?: f64"
               FROM point_reports r LEFT JOIN points p ON p.code = r.code
               WHERE (r.closed_at IS NULL) = $1
                 AND ($2::text[] IS NULL OR p.town_code = ANY($2))
               ORDER BY coalesce(r.closed_at, r.received_at) DESC, r.id DESC
               LIMIT $3 OFFSET $4"#,
            open,
            towns,
            limit,
            offset
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(Report::try_from).collect()
    }

    async fn report_town(&self, id: i64) -> Result<Option<ReportTown>, DbError> {
        let row = sqlx::query!(
            r#"SELECT p.town_code AS "town_code?"
               FROM point_reports r LEFT JOIN points p ON p.code = r.code WHERE r.id = $1"#,
            id
        )
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|row| ReportTown { town_code: row.town_code }))
    }

    async fn close_open_report(&self, id: i64, by: &str, note: Option<&str>) -> Result<bool, DbError> {
        let done = sqlx::query!(
            r#"UPDATE point_reports
               SET closed_at = utc_now(), closed_by = $1, close_note = $2
               WHERE id = $3 AND closed_at IS NULL"#,
            by,
            note,
            id
        )
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }
}
