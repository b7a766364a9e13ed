//! The bundled data set: `data/points.csv`, compiled into the binary so that a fresh server
//! always has the district's 346 points to start from.

use crate::db::Db;
use crate::db::{Change, UpsertSummary};
use crate::points::csv_file;

/// The contents of `data/points.csv`.
pub const BUNDLED_POINTS_CSV: &str = include_str!("../../data/points.csv");

/// The district boundary, `data/district.geojson` (WGS-84).
pub const DISTRICT_GEOJSON: &str = include_str!("../../data/district.geojson");

/// Loads the bundled points into an empty store; leaves a store with any points alone.
/// Returns what was loaded, or `None` when the store already had points.
pub async fn seed_if_empty(db: &Db) -> anyhow::Result<Option<UpsertSummary>> {
    if db.count_points().await? > 0 {
        return Ok(None);
    }
    let records = csv_file::read_points(BUNDLED_POINTS_CSV.as_bytes()).map_err(|errors| {
        let listed: Vec<String> = errors.iter().map(ToString::to_string).collect();
        anyhow::anyhow!("the bundled data/points.csv is invalid: {}", listed.join("; "))
    })?;
    let change = Change { actor: "first start: bundled data/points.csv", reason: None };
    Ok(Some(db.upsert_points(&records, change, false).await?))
}

/// The bundled points as a fresh store would hold them (version 1, active), without a store:
/// for benchmarks and tests of the index and coverage.
pub fn bundled_points() -> Vec<crate::domain::ServicePoint> {
    csv_file::read_points(BUNDLED_POINTS_CSV.as_bytes())
        .expect("the bundled data/points.csv is valid")
        .into_iter()
        .map(crate::domain::ServicePoint::unsaved)
        .collect()
}
