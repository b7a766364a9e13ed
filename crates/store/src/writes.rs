//! Changing points, the same on every backend. Every change bumps the point's `version` and
//! writes a `point_history` row in the same transaction; edits of an existing point name the
//! version they started from and are refused if it moved on (optimistic locking), so nothing is
//! silently overwritten. The backends supply the transaction's statements ([`PointTx`]); what
//! to write, and when to refuse, is decided here once.

use async_trait::async_trait;
use legalmap_domain::fields::differing_fields;
use legalmap_domain::history::{HistoryAction, PointSnapshot};
use legalmap_domain::import_batch::{ImportBatch, SkippedPoint, UndoOutcome, UndoPoint, Undone};
use legalmap_domain::{PointCode, PointRecord, ServicePoint};

use crate::reads::{HistoryReads, PointReads};
use crate::rows::BatchHistoryRow;
use crate::{DbError, UndoError, WriteError};

/// Who makes a change and why.
#[derive(Debug, Clone, Copy)]
pub struct Change<'a> {
    /// A staff username, or what did it (`import: points.csv`).
    pub actor: &'a str,
    pub reason: Option<&'a str>,
}

/// What an import did, point by point.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UpsertSummary {
    pub added: usize,
    pub changed: usize,
    pub unchanged: usize,
    pub retired: usize,
    /// The import batch recorded (see [`PointWrites::import_points`]); `None` for a load that
    /// is not an import staff may undo (the first start's bundled data).
    pub batch_id: Option<i64>,
}

/// One write transaction on the points, holding the store's write lock from its start (so
/// reading a point and then writing it cannot be raced by another writer, on any instance).
/// Dropped without [`PointTx::commit`], it rolls back.
#[async_trait]
pub trait PointTx: Send {
    /// One point, retired or not, as this transaction sees it.
    async fn current(&mut self, code: &PointCode) -> Result<Option<ServicePoint>, DbError>;
    /// Inserts a new point at version 1.
    async fn insert_point(&mut self, record: &PointRecord) -> Result<(), DbError>;
    /// Writes `new` over the point known to be at `version` and returns its new version. A
    /// verification time that is the empty placeholder is stamped with the store's clock.
    async fn write_point(&mut self, version: i64, new: &PointSnapshot) -> Result<i64, DbError>;
    /// Appends a history row (snapshots as JSON text).
    async fn write_history(
        &mut self,
        code: &str,
        version: i64,
        action: HistoryAction,
        change: Change<'_>,
        old_values: Option<&str>,
        new_values: &str,
    ) -> Result<(), DbError>;
    /// The codes of the active points.
    async fn active_codes(&mut self) -> Result<Vec<String>, DbError>;
    /// The newest history row's id (0 when there is none).
    async fn last_history_id(&mut self) -> Result<i64, DbError>;
    /// Records an import batch with `summary`'s counts, tags every history row after
    /// `history_after` with it, and returns its id.
    async fn record_batch(
        &mut self,
        actor: &str,
        file_name: &str,
        summary: &UpsertSummary,
        history_after: i64,
    ) -> Result<i64, DbError>;
    async fn batch(&mut self, id: i64) -> Result<Option<ImportBatch>, DbError>;
    /// The history rows import `id` wrote, oldest first.
    async fn batch_history(&mut self, id: i64) -> Result<Vec<BatchHistoryRow>, DbError>;
    /// Who changed the point last, and when.
    async fn last_change(&mut self, code: &str) -> Result<(String, String), DbError>;
    /// Marks import `id` undone by `actor` now; returns the time stamped.
    async fn mark_undone(&mut self, id: i64, actor: &str) -> Result<String, DbError>;
    async fn commit(self: Box<Self>) -> Result<(), DbError>;
}

/// Point changes: the backend opens the transaction, the rest is this trait's own.
#[async_trait]
pub trait PointWrites: PointReads + HistoryReads {
    /// Starts a [`PointTx`].
    async fn begin_point_write(&self) -> Result<Box<dyn PointTx>, DbError>;

    /// Imports records in one transaction: every record or none. New codes are added, differing
    /// points updated (retired ones revived), identical ones left alone; with `retire_missing`,
    /// active points absent from `records` are retired (the file is the complete list).
    async fn upsert_points(
        &self,
        records: &[PointRecord],
        change: Change<'_>,
        retire_missing: bool,
    ) -> Result<UpsertSummary, DbError> {
        upsert_in_batch(self.begin_point_write().await?, records, change, retire_missing, None).await
    }

    /// [`PointWrites::upsert_points`] as an import staff can list and undo: an `import_batches`
    /// row (who, when, `file_name`, the counts) and its id on every history row it writes.
    async fn import_points(
        &self,
        records: &[PointRecord],
        change: Change<'_>,
        retire_missing: bool,
        file_name: &str,
    ) -> Result<UpsertSummary, DbError> {
        let tx = self.begin_point_write().await?;
        upsert_in_batch(tx, records, change, retire_missing, Some(file_name)).await
    }

    /// Adds a new point.
    async fn add_point(&self, record: &PointRecord, change: Change<'_>) -> Result<ServicePoint, WriteError> {
        let mut tx = self.begin_point_write().await?;
        if tx.current(&record.code).await?.is_some() {
            return Err(WriteError::AlreadyExists);
        }
        let new =
            PointSnapshot { record: record.clone(), active: true, verified_by: None, verified_at: None };
        insert_in(&mut *tx, &new, HistoryAction::Add, change).await?;
        let added = tx.current(&record.code).await?.ok_or(WriteError::NotFound)?;
        tx.commit().await?;
        Ok(added)
    }

    /// Replaces a point's record, if it is still at `expected_version`. Moving the point clears
    /// its verification; `verify` (by the actor) sets it.
    async fn edit_point(
        &self,
        expected_version: i64,
        record: &PointRecord,
        verify: bool,
        change: Change<'_>,
    ) -> Result<ServicePoint, WriteError> {
        let tx = self.begin_point_write().await?;
        change_point(tx, &record.code, expected_version, HistoryAction::Edit, change, |old| {
            let mut new = PointSnapshot { record: record.clone(), ..old.clone() };
            if old.record.location != record.location {
                (new.verified_by, new.verified_at) = (None, None);
            }
            if verify {
                new.verified_by = Some(change.actor.to_owned());
                new.verified_at = Some(String::new()); // stamped by the store
            }
            new
        })
        .await
    }

    /// Records that `change.actor` confirmed the point's location.
    async fn verify_point(
        &self,
        code: &PointCode,
        expected_version: i64,
        change: Change<'_>,
    ) -> Result<ServicePoint, WriteError> {
        let tx = self.begin_point_write().await?;
        change_point(tx, code, expected_version, HistoryAction::Verify, change, |old| PointSnapshot {
            verified_by: Some(change.actor.to_owned()),
            verified_at: Some(String::new()),
            ..old.clone()
        })
        .await
    }

    /// Takes a point off the public map and API; its row and history stay.
    async fn retire_point(
        &self,
        code: &PointCode,
        expected_version: i64,
        change: Change<'_>,
    ) -> Result<ServicePoint, WriteError> {
        let tx = self.begin_point_write().await?;
        change_point(tx, code, expected_version, HistoryAction::Retire, change, |old| PointSnapshot {
            active: false,
            ..old.clone()
        })
        .await
    }

    /// Brings a point back to the state a history entry recorded (itself a new entry).
    async fn restore_point(
        &self,
        code: &PointCode,
        expected_version: i64,
        history_id: i64,
        change: Change<'_>,
    ) -> Result<ServicePoint, WriteError> {
        let entry = self.history_entry(code, history_id).await?.ok_or(WriteError::NotFound)?;
        let tx = self.begin_point_write().await?;
        change_point(tx, code, expected_version, HistoryAction::Restore, change, |_| entry.new.clone()).await
    }

    /// Reverts import `batch_id` for `actor`: for every point the import touched and nobody
    /// changed since, the values before the import as a new version with an `undo` history row;
    /// a point changed again after the import is left alone and reported, so a colleague's
    /// later work is never silently overwritten. Refused if it was undone before. Each undo
    /// history row's reason names the import.
    async fn undo_import(&self, batch_id: i64, actor: &str) -> Result<UndoOutcome, UndoError> {
        let mut tx = self.begin_point_write().await?;
        let batch = tx.batch(batch_id).await?.ok_or(UndoError::NotFound)?;
        if batch.undone.is_some() {
            return Err(UndoError::AlreadyUndone(Box::new(batch)));
        }
        let reason = format!("撤销导入 #{}（{}，{}）", batch.id, batch.file_name, batch.applied_at);
        let change = Change { actor, reason: Some(&reason) };
        let (mut restored, mut skipped) = (Vec::new(), Vec::new());
        for row in tx.batch_history(batch_id).await? {
            let corrupt = |reason: String| DbError::Corrupt { code: row.code.clone(), reason };
            let code = PointCode::parse(&row.code).map_err(corrupt)?;
            let Some(current) = tx.current(&code).await? else { continue };
            let point = UndoPoint { code: row.code.clone(), name: current.record.name.clone() };
            if current.version != row.version {
                let (changed_by, changed_at) = tx.last_change(&row.code).await?;
                skipped.push(SkippedPoint { point, changed_by, changed_at });
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
            update_in(&mut *tx, current.version, &now, &before, HistoryAction::Undo, change).await?;
            restored.push(point);
        }
        let undone_at = tx.mark_undone(batch_id, change.actor).await?;
        tx.commit().await?;
        let batch = ImportBatch { undone: Some(Undone { at: undone_at, by: actor.to_owned() }), ..batch };
        Ok(UndoOutcome { batch, restored, skipped })
    }
}

async fn upsert_in_batch(
    mut tx: Box<dyn PointTx>,
    records: &[PointRecord],
    change: Change<'_>,
    retire_missing: bool,
    batch_file_name: Option<&str>,
) -> Result<UpsertSummary, DbError> {
    // The write lock is held from here: every history row after this id is this import's.
    let history_before = tx.last_history_id().await?;
    let mut summary = UpsertSummary::default();
    for record in records {
        match tx.current(&record.code).await? {
            None => {
                let new = PointSnapshot {
                    record: record.clone(),
                    active: true,
                    verified_by: None,
                    verified_at: None,
                };
                insert_in(&mut *tx, &new, HistoryAction::Import, change).await?;
                summary.added += 1;
            }
            Some(current) if !differing_fields(&current, record).is_empty() => {
                let moved = current.record.location != record.location;
                let old = PointSnapshot::from(&current);
                let mut new = PointSnapshot { record: record.clone(), active: true, ..old.clone() };
                if moved {
                    (new.verified_by, new.verified_at) = (None, None);
                }
                update_in(&mut *tx, current.version, &old, &new, HistoryAction::Import, change).await?;
                summary.changed += 1;
            }
            Some(_) => summary.unchanged += 1,
        }
    }
    if retire_missing {
        let listed: std::collections::HashSet<&str> = records.iter().map(|r| r.code.as_str()).collect();
        for code in tx.active_codes().await?.iter().filter(|code| !listed.contains(code.as_str())) {
            let code =
                PointCode::parse(code).map_err(|reason| DbError::Corrupt { code: code.clone(), reason })?;
            let Some(current) = tx.current(&code).await? else { continue };
            let old = PointSnapshot::from(&current);
            let new = PointSnapshot { active: false, ..old.clone() };
            update_in(&mut *tx, current.version, &old, &new, HistoryAction::Retire, change).await?;
            summary.retired += 1;
        }
    }
    if let Some(file_name) = batch_file_name {
        summary.batch_id = Some(tx.record_batch(change.actor, file_name, &summary, history_before).await?);
    }
    tx.commit().await?;
    Ok(summary)
}

/// The common path of a change to one existing point: check the version, compute the new
/// state from the old, write it and its history.
async fn change_point(
    mut tx: Box<dyn PointTx>,
    code: &PointCode,
    expected_version: i64,
    action: HistoryAction,
    change: Change<'_>,
    new_state: impl FnOnce(&PointSnapshot) -> PointSnapshot + Send,
) -> Result<ServicePoint, WriteError> {
    let current = tx.current(code).await?.ok_or(WriteError::NotFound)?;
    if current.version != expected_version {
        return Err(WriteError::Conflict { current: Box::new(current) });
    }
    let old = PointSnapshot::from(&current);
    let new = new_state(&old);
    update_in(&mut *tx, current.version, &old, &new, action, change).await?;
    let changed = tx.current(code).await?.ok_or(WriteError::NotFound)?;
    tx.commit().await?;
    Ok(changed)
}

async fn insert_in(
    tx: &mut dyn PointTx,
    new: &PointSnapshot,
    action: HistoryAction,
    change: Change<'_>,
) -> Result<(), DbError> {
    tx.insert_point(&new.record).await?;
    let new_values = serde_json::to_string(new).expect("snapshots serialize");
    tx.write_history(new.record.code.as_str(), 1, action, change, None, &new_values).await
}

/// Writes `new` over a point known to be at `version` and records the history, with the
/// stored verification time (read back), not the placeholder.
async fn update_in(
    tx: &mut dyn PointTx,
    version: i64,
    old: &PointSnapshot,
    new: &PointSnapshot,
    action: HistoryAction,
    change: Change<'_>,
) -> Result<(), DbError> {
    let new_version = tx.write_point(version, new).await?;
    let code = &new.record.code;
    let stored =
        tx.current(code).await?.map(|point| PointSnapshot::from(&point)).unwrap_or_else(|| new.clone());
    let old_values = serde_json::to_string(old).expect("snapshots serialize");
    let new_values = serde_json::to_string(&stored).expect("snapshots serialize");
    tx.write_history(code.as_str(), new_version, action, change, Some(&old_values), &new_values).await
}
