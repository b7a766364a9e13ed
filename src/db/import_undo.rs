//! Applied imports: their list, and undoing one in a single step. An undo writes, for every
//! point the import touched and nobody changed since, the values before the import as a new
//! version with an `undo` history row; a point changed again after the import is left alone and
//! reported, so a colleague's later work is never silently overwritten.

use super::Db;
use super::point_writes::{Change, current_in, update_in};
use super::points::DbError;
use crate::domain::PointCode;
use crate::domain::history::{HistoryAction, PointSnapshot};
use crate::domain::import_batch::{ImportBatch, SkippedPoint, UndoOutcome, UndoPoint, Undone};

/// Why an import was not undone.
#[derive(Debug, thiserror::Error)]
pub enum UndoError {
    #[error("no import has this id")]
    NotFound,
    /// Undone before: undoing twice would revert the undo's own corrections.
    #[error("import {} was undone already", .0.id)]
    AlreadyUndone(Box<ImportBatch>),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<sqlx::Error> for UndoError {
    fn from(error: sqlx::Error) -> Self {
        UndoError::Db(error.into())
    }
}

struct BatchRow {
    id: i64,
    applied_at: String,
    applied_by: String,
    file_name: String,
    added: i64,
    changed: i64,
    unchanged: i64,
    retired: i64,
    undone_at: Option<String>,
    undone_by: Option<String>,
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

impl Db {
    /// Every applied import, newest first.
    pub async fn import_batches(&self) -> Result<Vec<ImportBatch>, DbError> {
        let rows = sqlx::query_as!(
            BatchRow,
            r#"SELECT id AS "id!", applied_at, applied_by, file_name, added, changed, unchanged, retired,
                      undone_at, undone_by
               FROM import_batches ORDER BY id DESC"#
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(ImportBatch::from).collect())
    }

    /// Reverts import `batch_id` for `actor` (see the module doc); refused if it was undone
    /// before. Each undo history row's reason names the import.
    pub async fn undo_import(&self, batch_id: i64, actor: &str) -> Result<UndoOutcome, UndoError> {
        let mut tx = self.begin_write().await?;
        let batch = sqlx::query_as!(
            BatchRow,
            r#"SELECT id AS "id!", applied_at, applied_by, file_name, added, changed, unchanged, retired,
                      undone_at, undone_by
               FROM import_batches WHERE id = ?"#,
            batch_id
        )
        .fetch_optional(&mut *tx)
        .await?
        .map(ImportBatch::from)
        .ok_or(UndoError::NotFound)?;
        if batch.undone.is_some() {
            return Err(UndoError::AlreadyUndone(Box::new(batch)));
        }
        let reason = format!("撤销导入 #{}（{}，{}）", batch.id, batch.file_name, batch.applied_at);
        let change = Change { actor, reason: Some(&reason) };
        let rows = sqlx::query!(
            r#"SELECT id AS "id!", code, version, old_values FROM point_history
               WHERE import_batch_id = ? ORDER BY id"#,
            batch_id
        )
        .fetch_all(&mut *tx)
        .await?;
        let (mut restored, mut skipped) = (Vec::new(), Vec::new());
        for row in rows {
            let corrupt = |reason: String| DbError::Corrupt { code: row.code.clone(), reason };
            let code = PointCode::parse(&row.code).map_err(corrupt)?;
            let Some(current) = current_in(&mut tx, &code).await? else { continue };
            let point = UndoPoint { code: row.code.clone(), name: current.record.name.clone() };
            if current.version != row.version {
                let last = sqlx::query!(
                    "SELECT changed_by, changed_at FROM point_history WHERE code = ? ORDER BY id DESC LIMIT 1",
                    row.code
                )
                .fetch_one(&mut *tx)
                .await?;
                skipped.push(SkippedPoint {
                    point,
                    changed_by: last.changed_by,
                    changed_at: last.changed_at,
                });
                continue;
            }
            let now = PointSnapshot::from(&current);
            let before = match &row.old_values {
                Some(json) => serde_json::from_str::<PointSnapshot>(json)
                    .map_err(|e| corrupt(format!("history {}: {e}", row.id)))?,
                // Added by the import: nothing to go back to, so it leaves the map (its row and
                // history stay, like any retired point's).
                None => PointSnapshot { active: false, ..now.clone() },
            };
            update_in(&mut tx, current.version, &now, &before, HistoryAction::Undo, change).await?;
            restored.push(point);
        }
        let undone = sqlx::query!(
            r#"UPDATE import_batches SET undone_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), undone_by = ?
               WHERE id = ? RETURNING undone_at AS "undone_at!""#,
            change.actor,
            batch_id
        )
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        let batch =
            ImportBatch { undone: Some(Undone { at: undone.undone_at, by: actor.to_owned() }), ..batch };
        Ok(UndoOutcome { batch, restored, skipped })
    }
}
