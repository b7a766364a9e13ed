//! The history of a point: every change, who made it, and the fields before and after.

use serde::{Deserialize, Serialize};

use super::point::named_enum;
use super::{PointRecord, ServicePoint};

named_enum! {
    /// What kind of change a history entry records.
    HistoryAction ("action") {
        Add => "add",
        Edit => "edit",
        Verify => "verify",
        Retire => "retire",
        Restore => "restore",
        Import => "import",
    }
}

/// A point's state as a history entry keeps it: enough to restore it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PointSnapshot {
    #[serde(flatten)]
    pub record: PointRecord,
    pub active: bool,
    pub verified_by: Option<String>,
    pub verified_at: Option<String>,
}

impl From<&ServicePoint> for PointSnapshot {
    fn from(point: &ServicePoint) -> Self {
        Self {
            record: point.record.clone(),
            active: point.active,
            verified_by: point.verified.as_ref().map(|v| v.by.clone()),
            verified_at: point.verified.as_ref().map(|v| v.at.clone()),
        }
    }
}

/// One change to one point.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryEntry {
    pub id: i64,
    pub code: String,
    /// The point's version after the change.
    pub version: i64,
    pub action: HistoryAction,
    pub changed_by: String,
    /// RFC 3339, UTC.
    pub changed_at: String,
    pub reason: Option<String>,
    /// `None` when the point was added.
    pub old: Option<PointSnapshot>,
    pub new: PointSnapshot,
}

/// One field that a change altered, as text for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    pub field: String,
    pub old: String,
    pub new: String,
}

impl HistoryEntry {
    /// The fields that differ between `old` and `new`.
    pub fn changes(&self) -> Vec<FieldChange> {
        let new = snapshot_fields(&self.new);
        let old = self.old.as_ref().map(snapshot_fields).unwrap_or_default();
        new.into_iter()
            .filter_map(|(field, new_value)| {
                let old_value =
                    old.iter().find(|(name, _)| *name == field).map(|(_, v)| v.clone()).unwrap_or_default();
                (old_value != new_value).then_some(FieldChange { field, old: old_value, new: new_value })
            })
            .collect()
    }
}

/// The fields of a snapshot, flattened to (name, text); the location as "lon, lat".
fn snapshot_fields(snapshot: &PointSnapshot) -> Vec<(String, String)> {
    let value = serde_json::to_value(snapshot).unwrap_or_default();
    let Some(object) = value.as_object() else { return Vec::new() };
    object
        .iter()
        .map(|(name, value)| {
            let text = match value {
                serde_json::Value::Null => String::new(),
                serde_json::Value::String(text) => text.clone(),
                serde_json::Value::Object(location) => format!(
                    "{:.6}, {:.6}",
                    location.get("lon").and_then(|v| v.as_f64()).unwrap_or_default(),
                    location.get("lat").and_then(|v| v.as_f64()).unwrap_or_default()
                ),
                other => other.to_string(),
            };
            (name.clone(), text)
        })
        .collect()
}

/// The fields in which a stored point differs from a record (an import row or a form), by name;
/// empty when they agree. A retired point differs from any record (importing it revives it).
pub fn differing_fields(current: &ServicePoint, record: &PointRecord) -> Vec<&'static str> {
    let (a, b) = (&current.record, record);
    let mut fields = Vec::new();
    let mut check = |differs: bool, name: &'static str| {
        if differs {
            fields.push(name);
        }
    };
    check(a.name != b.name, "name");
    check(a.town_code != b.town_code || a.town != b.town, "town");
    check(a.kind != b.kind, "kind");
    check(a.address != b.address, "address");
    check(a.phone != b.phone, "phone");
    check(a.hours != b.hours, "hours");
    check(a.location != b.location, "location");
    check(a.location_quality != b.location_quality, "location_quality");
    check(a.source != b.source, "source");
    check(a.area_type != b.area_type, "area_type");
    check(!current.active, "active");
    fields
}
