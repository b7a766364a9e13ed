//! The district-wide change log (`/admin/changes`): who changed which point, when, from what to
//! what; filtered by town, person and Beijing date range; paged; exported as CSV for Excel.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::Staff;
use crate::app::AppState;
use crate::db::AccountEventsError;
use crate::db::ChangeFilter;
use crate::domain::account_event::{AccountEvent, AccountEventFilter};
use crate::domain::change_log::ChangeLogQuery;
use crate::domain::history::HistoryEntry;
use crate::domain::paging::{PAGE_SIZE, Page};
use crate::error::{AppError, PageResult};
use crate::routes::extract::PageQuery;
use crate::views::admin::{self, ChangesView, LogEntry};

/// The change log's query string, as its filter form and page links write it.
#[derive(Debug, Default, Deserialize)]
pub struct ChangesParams {
    town: Option<String>,
    person: Option<String>,
    /// First day, `2026-11-28` (Beijing time).
    from: Option<String>,
    /// Last day, inclusive.
    to: Option<String>,
    page: Option<String>,
}

impl ChangesParams {
    fn query(&self) -> Result<ChangeLogQuery, AppError> {
        ChangeLogQuery::parse(
            self.town.as_deref(),
            self.person.as_deref(),
            self.from.as_deref(),
            self.to.as_deref(),
        )
        .map_err(|message| AppError::bad_request("invalid_query", message))
    }
}

fn store_filter(query: &ChangeLogQuery) -> ChangeFilter {
    ChangeFilter {
        town_code: query.town.clone(),
        changed_by: query.person.clone(),
        since_utc: query.since_utc(),
        until_utc: query.until_utc(),
    }
}

/// The account events the log's filters let through: none when filtering by town (an account
/// has no town); "person" is who made the change.
async fn account_events(state: &AppState, query: &ChangeLogQuery) -> Result<Vec<AccountEvent>, AppError> {
    if query.town.is_some() {
        return Ok(Vec::new());
    }
    let filter = AccountEventFilter { username: None, since: query.since_utc(), until: query.until_utc() };
    let mut events = state.db.account_events(&filter).await.map_err(events_error)?;
    if let Some(person) = &query.person {
        events.retain(|event| &event.actor == person);
    }
    Ok(events)
}

fn events_error(error: AccountEventsError) -> AppError {
    match error {
        AccountEventsError::BadTime(time) => {
            AppError::bad_request("invalid_query", format!("时间格式有误：{time}"))
        }
        AccountEventsError::Db(error) => error.into(),
    }
}

/// Both logs as one, newest first (ties: point changes first).
fn newest_first(points: Vec<HistoryEntry>, accounts: Vec<AccountEvent>) -> Vec<LogEntry> {
    let mut entries: Vec<LogEntry> = points
        .into_iter()
        .map(|entry| LogEntry::Point(Box::new(entry)))
        .chain(accounts.into_iter().map(LogEntry::Account))
        .collect();
    entries.sort_by(|a, b| b.changed_at().cmp(a.changed_at()));
    entries
}

/// At most this many rows go into one CSV export (far more than the district will ever have).
const CSV_MAX_ROWS: i64 = 100_000;

pub async fn changes_page(
    State(state): State<AppState>,
    staff: Staff,
    PageQuery(params): PageQuery<ChangesParams>,
) -> PageResult<Response> {
    let query = params.query()?;
    let filter = store_filter(&query);
    let accounts = account_events(&state, &query).await?;
    let total = usize::try_from(state.db.count_changes(&filter).await?).unwrap_or(0) + accounts.len();
    let page = Page::parse(params.page.as_deref(), total)
        .map_err(|message| AppError::bad_request("invalid_query", message))?;
    // The page's rows of both logs merged by time: the newest `offset + PAGE_SIZE` point
    // changes are enough to fill it (account events are few, and all read).
    let wanted = i64::try_from(page.offset() + PAGE_SIZE).unwrap_or(i64::MAX);
    let rows = state.db.changes(&filter, wanted, 0).await?;
    let entries: Vec<LogEntry> =
        newest_first(rows, accounts).into_iter().skip(page.offset()).take(PAGE_SIZE).collect();
    let mut people = state.db.change_authors().await?;
    people.extend(
        state
            .db
            .account_events(&AccountEventFilter::default())
            .await
            .map_err(events_error)?
            .into_iter()
            .map(|e| e.actor),
    );
    people.sort();
    people.dedup();
    let index = state.index();
    // Points are in code order, so a town's points are together.
    let mut towns: Vec<(&str, &str)> =
        index.points().iter().map(|p| (p.record.town_code.as_str(), p.record.town.as_str())).collect();
    towns.dedup();
    let view =
        ChangesView { staff: &staff, query: &query, page, entries: &entries, towns: &towns, people: &people };
    Ok(admin::changes_page(&view).into_response())
}

/// The filtered log as CSV: UTF-8 with a byte-order mark (so Excel reads the Chinese), one row
/// per changed field, with the RFC 3339 UTC time and the Beijing time side by side.
pub async fn changes_csv(
    State(state): State<AppState>,
    _staff: Staff,
    PageQuery(params): PageQuery<ChangesParams>,
) -> PageResult<Response> {
    let query = params.query()?;
    let rows = state.db.changes(&store_filter(&query), CSV_MAX_ROWS, 0).await?;
    let entries = newest_first(rows, account_events(&state, &query).await?);
    let body = admin::change_log_csv(&entries)?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"changes.csv\""),
        ],
        body,
    )
        .into_response())
}
