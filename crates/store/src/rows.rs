//! Rows as both backends store them, and their conversion to domain types. The two schemas
//! keep the same column types as seen from Rust (integers for flags, RFC 3339 text for times,
//! JSON text for history), so one row type and one conversion serve both.

use legalmap_domain::history::{HistoryEntry, PointSnapshot};
use legalmap_domain::import_batch::{ImportBatch, Undone};
use legalmap_domain::report::{Closure, Report, ReportLocation, ReportedPoint};
use legalmap_domain::staff::StaffUser;
use legalmap_domain::{LonLat, OpeningHours, PointCode, PointRecord, ServicePoint, Verification};

use crate::DbError;

/// A `points` row as stored: one field per column, with the column's name. The checked readers
/// select `*` into it, so a column without a field (or a field without a column) does not
/// compile; SQLite's bulk reader asks for the columns in the fields' order, as JSON arrays
/// whose reals travel as text (hence the `*_from_text` readers).
#[derive(serde::Deserialize)]
pub struct PointRow {
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

/// A nullable real written as text (NULL stays null).
fn optional_real_from_text<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<f64>, D::Error> {
    let text = <Option<std::borrow::Cow<'de, str>> as serde::Deserialize>::deserialize(deserializer)?;
    text.map(|text| {
        text.parse().map_err(|_| serde::de::Error::custom(format!("number {text:?} is not a number")))
    })
    .transpose()
}

/// A real written as text with 17 significant digits: parsed back exactly.
fn real_from_text<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<f64, D::Error> {
    let text = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(deserializer)?;
    text.parse().map_err(|_| serde::de::Error::custom(format!("coordinate {text:?} is not a number")))
}

/// A `point_history` row as read (by a point's history and by the change log).
pub struct HistoryRow {
    pub id: i64,
    pub code: String,
    pub version: i64,
    pub action: String,
    pub changed_by: String,
    pub changed_at: String,
    pub reason: Option<String>,
    pub old_values: Option<String>,
    pub new_values: String,
    pub import_batch_id: Option<i64>,
}

impl TryFrom<HistoryRow> for HistoryEntry {
    type Error = DbError;

    fn try_from(row: HistoryRow) -> Result<Self, DbError> {
        let corrupt = |reason: String| DbError::Corrupt { code: row.code.clone(), reason };
        let snapshot = |json: &str| {
            serde_json::from_str::<PointSnapshot>(json)
                .map_err(|e| corrupt(format!("history {}: {e}", row.id)))
        };
        Ok(HistoryEntry {
            old: row.old_values.as_deref().map(snapshot).transpose()?,
            new: snapshot(&row.new_values)?,
            action: row.action.parse().map_err(corrupt)?,
            id: row.id,
            code: row.code.clone(),
            version: row.version,
            changed_by: row.changed_by,
            changed_at: row.changed_at,
            reason: row.reason,
            import_batch_id: row.import_batch_id,
        })
    }
}

/// An `import_batches` row.
pub struct BatchRow {
    pub id: i64,
    pub applied_at: String,
    pub applied_by: String,
    pub file_name: String,
    pub added: i64,
    pub changed: i64,
    pub unchanged: i64,
    pub retired: i64,
    pub undone_at: Option<String>,
    pub undone_by: Option<String>,
}

impl From<BatchRow> for ImportBatch {
    fn from(row: BatchRow) -> Self {
        let undone = match (row.undone_at, row.undone_by) {
            (Some(at), Some(by)) => Some(Undone { at, by }),
            _ => None,
        };
        ImportBatch {
            id: row.id,
            applied_at: row.applied_at,
            applied_by: row.applied_by,
            file_name: row.file_name,
            added: row.added,
            changed: row.changed,
            unchanged: row.unchanged,
            retired: row.retired,
            undone,
        }
    }
}

/// A history row an import wrote, as undoing it needs it.
pub struct BatchHistoryRow {
    pub id: i64,
    pub code: String,
    pub version: i64,
    pub old_values: Option<String>,
}

/// A `staff_users` row without its password hash.
pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub role: String,
    pub disabled: i64,
    pub created_at: String,
    /// Only while locked (the readers compare with their clock).
    pub locked_until_unix: Option<i64>,
}

impl TryFrom<UserRow> for StaffUser {
    type Error = DbError;

    fn try_from(row: UserRow) -> Result<Self, DbError> {
        Ok(StaffUser {
            role: row
                .role
                .parse()
                .map_err(|reason| DbError::Corrupt { code: row.username.clone(), reason })?,
            id: row.id,
            username: row.username,
            disabled: row.disabled == 1,
            created_at: row.created_at,
            locked_until_unix: row.locked_until_unix,
        })
    }
}

/// A `point_reports` row with its point as it is now (`None`s: the point is gone).
pub struct ReportRow {
    pub id: i64,
    pub code: String,
    pub kind: String,
    pub description: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub accuracy_m: Option<f64>,
    pub received_at: String,
    pub closed_at: Option<String>,
    pub closed_by: Option<String>,
    pub close_note: Option<String>,
    pub point_name: Option<String>,
    pub point_town: Option<String>,
    pub point_town_code: Option<String>,
    pub point_lon: Option<f64>,
    pub point_lat: Option<f64>,
}

impl TryFrom<ReportRow> for Report {
    type Error = DbError;

    fn try_from(row: ReportRow) -> Result<Self, DbError> {
        let corrupt = |reason: String| DbError::Corrupt { code: format!("report {}", row.id), reason };
        let kind = row.kind.parse().map_err(corrupt)?;
        let location = match (row.lat, row.lon, row.accuracy_m) {
            (Some(lat), Some(lon), Some(accuracy_m)) => Some(ReportLocation {
                at: LonLat::parse(lon, lat).map_err(|e| corrupt(e.to_string()))?,
                accuracy_m,
            }),
            _ => None,
        };
        let closed = match (row.closed_at, row.closed_by) {
            (Some(at), Some(by)) => Some(Closure { at, by, note: row.close_note }),
            _ => None,
        };
        let point = match (row.point_name, row.point_town, row.point_town_code, row.point_lon, row.point_lat)
        {
            (Some(name), Some(town), Some(town_code), Some(lon), Some(lat)) => Some(ReportedPoint {
                name,
                town,
                town_code,
                location: LonLat::parse(lon, lat).map_err(|e| corrupt(e.to_string()))?,
            }),
            _ => None,
        };
        Ok(Report {
            id: row.id,
            code: row.code,
            kind,
            description: row.description,
            location,
            received_at: row.received_at,
            closed,
            point,
        })
    }
}
