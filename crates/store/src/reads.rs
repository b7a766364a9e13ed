//! Reading points ([`PointReads`]), and their history, the change log and the imports
//! ([`HistoryReads`]).

use async_trait::async_trait;
use legalmap_domain::history::HistoryEntry;
use legalmap_domain::import_batch::ImportBatch;
use legalmap_domain::{PointCode, ServicePoint};

use crate::DbError;

/// Which history rows the change log shows; `None`: no limit on that criterion.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChangeFilter {
    /// The point's 9-digit town code, before or after the change (a point moved between towns
    /// shows in both).
    pub town_code: Option<String>,
    /// Who made the change (a username, or what did it, such as an import).
    pub changed_by: Option<String>,
    /// At or after this moment (RFC 3339 UTC, compared as text like the stored times).
    pub since_utc: Option<String>,
    /// Before this moment (RFC 3339 UTC).
    pub until_utc: Option<String>,
}

#[async_trait]
pub trait PointReads: Send + Sync {
    /// How many points are stored, active or not.
    async fn count_points(&self) -> Result<i64, DbError>;
    /// Every active point, ordered by code.
    async fn active_points(&self) -> Result<Vec<ServicePoint>, DbError>;
    /// Every point, retired ones included, ordered by code (for staff).
    async fn all_points(&self) -> Result<Vec<ServicePoint>, DbError>;
    /// The RFC 3339 timestamp `days` days ago, in the store's clock (as `updated_at` is).
    async fn timestamp_days_ago(&self, days: i64) -> Result<String, DbError>;
    /// One point, retired or not.
    async fn point(&self, code: &PointCode) -> Result<Option<ServicePoint>, DbError>;
}

/// Reading the history: a point's, the district's change log, and the imports.
#[async_trait]
pub trait HistoryReads: Send + Sync {
    /// Every change to a point, newest first.
    async fn point_history(&self, code: &PointCode) -> Result<Vec<HistoryEntry>, DbError>;
    /// One history entry of a point.
    async fn history_entry(&self, code: &PointCode, id: i64) -> Result<Option<HistoryEntry>, DbError>;
    /// How many history rows `filter` lets through.
    async fn count_changes(&self, filter: &ChangeFilter) -> Result<i64, DbError>;
    /// The history rows `filter` lets through, newest first: `limit` of them from `offset`.
    async fn changes(
        &self,
        filter: &ChangeFilter,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<HistoryEntry>, DbError>;
    /// Everyone (and everything) that has changed a point, by name: the person filter's choices.
    async fn change_authors(&self) -> Result<Vec<String>, DbError>;
    /// Every applied import, newest first.
    async fn import_batches(&self) -> Result<Vec<ImportBatch>, DbError>;
}
