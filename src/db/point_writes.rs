//! Changing points. Every change bumps the point's `version` and writes a `point_history` row
//! in the same transaction; edits of an existing point name the version they started from and
//! are refused if it moved on (optimistic locking), so nothing is silently overwritten.

use sqlx::{Sqlite, Transaction};

use super::Db;
use super::points::DbError;
use crate::domain::fields::differing_fields;
use crate::domain::history::{HistoryAction, PointSnapshot};
use crate::domain::{PointCode, PointRecord, ServicePoint};

/// Why a change was not made.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// Someone else changed the point since the editor loaded it; `current` is what is stored now.
    #[error("point {} changed meanwhile (now version {})", current.record.code, current.version)]
    Conflict { current: Box<ServicePoint> },
    #[error("no point has this code")]
    NotFound,
    #[error("a point with this code exists already")]
    AlreadyExists,
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<sqlx::Error> for WriteError {
    fn from(error: sqlx::Error) -> Self {
        WriteError::Db(error.into())
    }
}

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
    /// The import batch recorded (see [`Db::import_points`]); `None` for a load that is not
    /// an import staff may undo (the first start's bundled data).
    pub batch_id: Option<i64>,
}

impl Db {
    /// Imports records in one transaction: every record or none. New codes are added, differing
    /// points updated (retired ones revived), identical ones left alone; with `retire_missing`,
    /// active points absent from `records` are retired (the file is the complete list).
    pub async fn upsert_points(
        &self,
        records: &[PointRecord],
        change: Change<'_>,
        retire_missing: bool,
    ) -> Result<UpsertSummary, DbError> {
        self.upsert_in_batch(records, change, retire_missing, None).await
    }

    /// [`Db::upsert_points`] as an import staff can list and undo: an `import_batches` row
    /// (who, when, `file_name`, the counts) and its id on every history row the import writes.
    pub async fn import_points(
        &self,
        records: &[PointRecord],
        change: Change<'_>,
        retire_missing: bool,
        file_name: &str,
    ) -> Result<UpsertSummary, DbError> {
        self.upsert_in_batch(records, change, retire_missing, Some(file_name)).await
    }

    async fn upsert_in_batch(
        &self,
        records: &[PointRecord],
        change: Change<'_>,
        retire_missing: bool,
        batch_file_name: Option<&str>,
    ) -> Result<UpsertSummary, DbError> {
        let mut tx = self.begin_write().await?;
        // The write lock is held from here: every history row after this id is this import's.
        let history_before =
            sqlx::query_scalar!(r#"SELECT coalesce(max(id), 0) AS "id!: i64" FROM point_history"#)
                .fetch_one(&mut *tx)
                .await?;
        let mut summary = UpsertSummary::default();
        for record in records {
            match current_in(&mut tx, &record.code).await? {
                None => {
                    let new = PointSnapshot {
                        record: record.clone(),
                        active: true,
                        verified_by: None,
                        verified_at: None,
                    };
                    insert_in(&mut tx, &new, HistoryAction::Import, None, change).await?;
                    summary.added += 1;
                }
                Some(current) if !differing_fields(&current, record).is_empty() => {
                    let moved = current.record.location != record.location;
                    let old = PointSnapshot::from(&current);
                    let mut new = PointSnapshot { record: record.clone(), active: true, ..old.clone() };
                    if moved {
                        (new.verified_by, new.verified_at) = (None, None);
                    }
                    update_in(&mut tx, current.version, &old, &new, HistoryAction::Import, change).await?;
                    summary.changed += 1;
                }
                Some(_) => summary.unchanged += 1,
            }
        }
        if retire_missing {
            let listed: std::collections::HashSet<&str> = records.iter().map(|r| r.code.as_str()).collect();
            let active =
                sqlx::query_scalar!("SELECT code FROM points WHERE active = 1").fetch_all(&mut *tx).await?;
            for code in active.iter().filter(|code| !listed.contains(code.as_str())) {
                let code = PointCode::parse(code)
                    .map_err(|reason| DbError::Corrupt { code: code.clone(), reason })?;
                let Some(current) = current_in(&mut tx, &code).await? else { continue };
                let old = PointSnapshot::from(&current);
                let new = PointSnapshot { active: false, ..old.clone() };
                update_in(&mut tx, current.version, &old, &new, HistoryAction::Retire, change).await?;
                summary.retired += 1;
            }
        }
        if let Some(file_name) = batch_file_name {
            let counts =
                [summary.added, summary.changed, summary.unchanged, summary.retired].map(|n| n as i64);
            let batch_id = sqlx::query_scalar!(
                r#"INSERT INTO import_batches (applied_by, file_name, added, changed, unchanged, retired)
                   VALUES (?, ?, ?, ?, ?, ?) RETURNING id AS "id!""#,
                change.actor,
                file_name,
                counts[0],
                counts[1],
                counts[2],
                counts[3]
            )
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query!(
                "UPDATE point_history SET import_batch_id = ? WHERE id > ?",
                batch_id,
                history_before
            )
            .execute(&mut *tx)
            .await?;
            summary.batch_id = Some(batch_id);
        }
        tx.commit().await?;
        Ok(summary)
    }

    /// Adds a new point.
    pub async fn add_point(
        &self,
        record: &PointRecord,
        change: Change<'_>,
    ) -> Result<ServicePoint, WriteError> {
        let mut tx = self.begin_write().await?;
        if current_in(&mut tx, &record.code).await?.is_some() {
            return Err(WriteError::AlreadyExists);
        }
        let new =
            PointSnapshot { record: record.clone(), active: true, verified_by: None, verified_at: None };
        insert_in(&mut tx, &new, HistoryAction::Add, None, change).await?;
        let added = current_in(&mut tx, &record.code).await?.ok_or(WriteError::NotFound)?;
        tx.commit().await?;
        Ok(added)
    }

    /// Replaces a point's record, if it is still at `expected_version`. Moving the point clears
    /// its verification; `verify` (by the actor) sets it.
    pub async fn edit_point(
        &self,
        expected_version: i64,
        record: &PointRecord,
        verify: bool,
        change: Change<'_>,
    ) -> Result<ServicePoint, WriteError> {
        self.change_point(&record.code, expected_version, HistoryAction::Edit, change, |old| {
            let mut new = PointSnapshot { record: record.clone(), ..old.clone() };
            if old.record.location != record.location {
                (new.verified_by, new.verified_at) = (None, None);
            }
            if verify {
                new.verified_by = Some(change.actor.to_owned());
                new.verified_at = Some(String::new()); // stamped by the store
            }
            Ok(new)
        })
        .await
    }

    /// Records that `change.actor` confirmed the point's location.
    pub async fn verify_point(
        &self,
        code: &PointCode,
        expected_version: i64,
        change: Change<'_>,
    ) -> Result<ServicePoint, WriteError> {
        self.change_point(code, expected_version, HistoryAction::Verify, change, |old| {
            Ok(PointSnapshot {
                verified_by: Some(change.actor.to_owned()),
                verified_at: Some(String::new()),
                ..old.clone()
            })
        })
        .await
    }

    /// Takes a point off the public map and API; its row and history stay.
    pub async fn retire_point(
        &self,
        code: &PointCode,
        expected_version: i64,
        change: Change<'_>,
    ) -> Result<ServicePoint, WriteError> {
        self.change_point(code, expected_version, HistoryAction::Retire, change, |old| {
            Ok(PointSnapshot { active: false, ..old.clone() })
        })
        .await
    }

    /// Brings a point back to the state a history entry recorded (itself a new entry).
    pub async fn restore_point(
        &self,
        code: &PointCode,
        expected_version: i64,
        history_id: i64,
        change: Change<'_>,
    ) -> Result<ServicePoint, WriteError> {
        let entry = self.history_entry(code, history_id).await?.ok_or(WriteError::NotFound)?;
        self.change_point(code, expected_version, HistoryAction::Restore, change, |_| Ok(entry.new.clone()))
            .await
    }

    /// The common path of a change to one existing point: check the version, compute the new
    /// state from the old, write it and its history.
    async fn change_point(
        &self,
        code: &PointCode,
        expected_version: i64,
        action: HistoryAction,
        change: Change<'_>,
        new_state: impl FnOnce(&PointSnapshot) -> Result<PointSnapshot, WriteError>,
    ) -> Result<ServicePoint, WriteError> {
        let mut tx = self.begin_write().await?;
        let current = current_in(&mut tx, code).await?.ok_or(WriteError::NotFound)?;
        if current.version != expected_version {
            return Err(WriteError::Conflict { current: Box::new(current) });
        }
        let old = PointSnapshot::from(&current);
        let new = new_state(&old)?;
        update_in(&mut tx, current.version, &old, &new, action, change).await?;
        let changed = current_in(&mut tx, code).await?.ok_or(WriteError::NotFound)?;
        tx.commit().await?;
        Ok(changed)
    }

    /// A transaction that holds SQLite's write lock from its first statement, so reading a
    /// point and then writing it cannot fail half-way because another writer came between.
    pub(super) async fn begin_write(&self) -> Result<Transaction<'static, Sqlite>, sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        sqlx::query!("UPDATE points SET version = version WHERE 0").execute(&mut *tx).await?;
        Ok(tx)
    }
}

pub(super) async fn current_in(
    tx: &mut Transaction<'static, Sqlite>,
    code: &PointCode,
) -> Result<Option<ServicePoint>, DbError> {
    super::points::point_by_code(&mut **tx, code).await
}

async fn insert_in(
    tx: &mut Transaction<'static, Sqlite>,
    new: &PointSnapshot,
    action: HistoryAction,
    old: Option<&PointSnapshot>,
    change: Change<'_>,
) -> Result<(), DbError> {
    let r = &new.record;
    let (code, kind, quality, area) =
        (r.code.as_str(), r.kind.as_str(), r.location_quality.as_str(), r.area_type.as_str());
    let (lon, lat) = (r.location.lon(), r.location.lat());
    let opening_hours = r.opening_hours.as_ref().map(|hours| hours.as_str());
    sqlx::query!(
        r#"INSERT INTO points (code, name, town_code, town, kind, address, phone, hours, opening_hours,
                               lon, lat, location_quality, source, area_type, location_accuracy_m,
                               location_fixed_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"#,
        code,
        r.name,
        r.town_code,
        r.town,
        kind,
        r.address,
        r.phone,
        r.hours,
        opening_hours,
        lon,
        lat,
        quality,
        r.source,
        area,
        r.accuracy_m,
        r.location_fixed_at
    )
    .execute(&mut **tx)
    .await?;
    write_history(tx, code, 1, action, old, new, change).await
}

/// Writes `new` over a point known to be at `version`, stamping a verification whose time is
/// the empty placeholder, and records the history.
pub(super) async fn update_in(
    tx: &mut Transaction<'static, Sqlite>,
    version: i64,
    old: &PointSnapshot,
    new: &PointSnapshot,
    action: HistoryAction,
    change: Change<'_>,
) -> Result<(), DbError> {
    let r = &new.record;
    let (code, kind, quality, area) =
        (r.code.as_str(), r.kind.as_str(), r.location_quality.as_str(), r.area_type.as_str());
    let (lon, lat) = (r.location.lon(), r.location.lat());
    let opening_hours = r.opening_hours.as_ref().map(|hours| hours.as_str());
    let active = i64::from(new.active);
    let new_version = sqlx::query_scalar!(
        r#"UPDATE points SET name = ?, town_code = ?, town = ?, kind = ?, address = ?, phone = ?,
                  hours = ?, opening_hours = ?, lon = ?, lat = ?, location_quality = ?, source = ?, area_type = ?,
                  location_accuracy_m = ?, location_fixed_at = ?, active = ?, verified_by = ?,
                  verified_at = CASE WHEN ? = '' THEN strftime('%Y-%m-%dT%H:%M:%SZ', 'now') ELSE ? END,
                  version = version + 1, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
           WHERE code = ? AND version = ?
           RETURNING version"#,
        r.name,
        r.town_code,
        r.town,
        kind,
        r.address,
        r.phone,
        r.hours,
        opening_hours,
        lon,
        lat,
        quality,
        r.source,
        area,
        r.accuracy_m,
        r.location_fixed_at,
        active,
        new.verified_by,
        new.verified_at,
        new.verified_at,
        code,
        version
    )
    .fetch_one(&mut **tx)
    .await?;
    // Read back so the history holds the stored verification time, not the placeholder.
    let stored = current_in(tx, &r.code)
        .await?
        .map(|point| PointSnapshot::from(&point))
        .unwrap_or_else(|| new.clone());
    write_history(tx, code, new_version, action, Some(old), &stored, change).await
}

async fn write_history(
    tx: &mut Transaction<'static, Sqlite>,
    code: &str,
    version: i64,
    action: HistoryAction,
    old: Option<&PointSnapshot>,
    new: &PointSnapshot,
    change: Change<'_>,
) -> Result<(), DbError> {
    let old_values = old.map(|old| serde_json::to_string(old).expect("snapshots serialize"));
    let new_values = serde_json::to_string(new).expect("snapshots serialize");
    let action = action.as_str();
    sqlx::query!(
        r#"INSERT INTO point_history (code, version, action, changed_by, reason, old_values, new_values)
           VALUES (?, ?, ?, ?, ?, ?, ?)"#,
        code,
        version,
        action,
        change.actor,
        change.reason,
        old_values,
        new_values
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}
