//! The history of a point: every change, who made it, and the fields before and after.

use serde::{Deserialize, Serialize};

use super::fields::{FieldValue, PointField, PointState};
use super::{PointRecord, ServicePoint};
use crate::named_enum;

named_enum! {
    /// What kind of change a history entry records.
    HistoryAction ("action") {
        Add => "add",
        Edit => "edit",
        Verify => "verify",
        Retire => "retire",
        Restore => "restore",
        Import => "import",
        /// An import's change reverted ("撤销这次导入").
        Undo => "undo",
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
    /// The import that wrote this entry, if one did (it can be undone in one step).
    pub import_batch_id: Option<i64>,
}

/// One field that a change altered.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldChange<'a> {
    pub field: PointField,
    /// `None` when the point was added.
    pub old: Option<FieldValue<'a>>,
    pub new: FieldValue<'a>,
}

impl HistoryEntry {
    /// The fields that differ between `old` and `new`; for an added point, the fields it was
    /// added with.
    pub fn changes(&self) -> Vec<FieldChange<'_>> {
        let new = PointState::from(&self.new);
        let old = self.old.as_ref().map(PointState::from);
        PointField::ALL
            .into_iter()
            .filter_map(|field| {
                let (old, new) = (old.map(|old| field.value_of(old)), field.value_of(new));
                let changed = match old {
                    Some(old) => old != new,
                    None => !new.is_empty(),
                };
                changed.then_some(FieldChange { field, old, new })
            })
            .collect()
    }
}
