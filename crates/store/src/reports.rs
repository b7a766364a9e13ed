//! Residents' correction reports and the residential places staff upload for coverage.

use async_trait::async_trait;
use legalmap_domain::place::Place;
use legalmap_domain::report::{NewReport, Report, ReportState};

use crate::DbError;

/// Which reports a staff list reads.
#[derive(Debug, Clone, Default)]
pub struct ReportFilter {
    pub state: ReportState,
    /// Only reports on points in these towns (a town-limited editor's); `None`: every report.
    pub towns: Option<Vec<String>>,
}

/// Why a report was not closed.
#[derive(Debug, PartialEq, Eq)]
pub enum CloseOutcome {
    Closed,
    /// It had been closed already (by someone else, or a second click).
    AlreadyClosed,
    NotFound,
}

/// What a close needs to know first: in which town the report's point is.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportTown {
    /// The point's town code; `None` if the point is gone.
    pub town_code: Option<String>,
}

/// Reports are stored without anything that identifies the sender, listed for staff (limited
/// to an editor's towns), closed once.
#[async_trait]
pub trait ReportStore: Send + Sync {
    /// Stores a checked report and returns its id.
    async fn add_report(&self, report: &NewReport) -> Result<i64, DbError>;
    /// How many reports `filter` lets through.
    async fn count_reports(&self, filter: &ReportFilter) -> Result<i64, DbError>;
    /// The reports `filter` lets through, newest first (closed ones: most recently closed
    /// first), `limit` from `offset`, each with its point as it is now.
    async fn reports(&self, filter: &ReportFilter, limit: i64, offset: i64) -> Result<Vec<Report>, DbError>;
    /// Report `id`'s point's town (for the town check); `None`: no such report.
    async fn report_town(&self, id: i64) -> Result<Option<ReportTown>, DbError>;
    /// Closes an open report now, as `by`, with an optional note; false if none was open.
    async fn close_open_report(&self, id: i64, by: &str, note: Option<&str>) -> Result<bool, DbError>;

    /// Closes report `id` now, as `by`, with an optional note; a closed report stays as it was.
    async fn close_report(&self, id: i64, by: &str, note: Option<&str>) -> Result<CloseOutcome, DbError> {
        if self.close_open_report(id, by, note).await? {
            return Ok(CloseOutcome::Closed);
        }
        Ok(match self.report_town(id).await? {
            Some(_) => CloseOutcome::AlreadyClosed,
            None => CloseOutcome::NotFound,
        })
    }
}

#[async_trait]
pub trait PlaceStore: Send + Sync {
    /// Replaces every stored place with `places`, in one transaction.
    async fn replace_places(&self, places: &[Place], uploaded_by: &str) -> Result<(), DbError>;
    /// The stored places, in upload order.
    async fn places(&self) -> Result<Vec<Place>, DbError>;
}
