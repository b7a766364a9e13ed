//! Reading `point_history`.

use super::Db;
use super::points::DbError;
use crate::domain::PointCode;
use crate::domain::history::{HistoryEntry, PointSnapshot};

/// A `point_history` row as read (also by the change log, `super::changes`).
pub(super) struct HistoryRow {
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

impl Db {
    /// Every change to a point, newest first.
    pub async fn point_history(&self, code: &PointCode) -> Result<Vec<HistoryEntry>, DbError> {
        let code = code.as_str();
        let rows = sqlx::query_as!(
            HistoryRow,
            r#"SELECT id AS "id!", code, version, action, changed_by, changed_at, reason, old_values, new_values,
                      import_batch_id
               FROM point_history WHERE code = ? ORDER BY id DESC"#,
            code
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(HistoryEntry::try_from).collect()
    }

    /// One history entry of a point.
    pub async fn history_entry(&self, code: &PointCode, id: i64) -> Result<Option<HistoryEntry>, DbError> {
        let code = code.as_str();
        let row = sqlx::query_as!(
            HistoryRow,
            r#"SELECT id AS "id!", code, version, action, changed_by, changed_at, reason, old_values, new_values,
                      import_batch_id
               FROM point_history WHERE code = ? AND id = ?"#,
            code,
            id
        )
        .fetch_optional(&self.pool)
        .await?;
        row.map(HistoryEntry::try_from).transpose()
    }
}
