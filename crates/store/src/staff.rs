//! Staff accounts, the towns an editor is limited to, the account events log, sessions and
//! login throttling. Every account change writes an account event in its transaction. Sessions
//! and failed logins are rows, so every instance sharing a database sees the same ones.

use async_trait::async_trait;
use legalmap_domain::account_event::{AccountEvent, AccountEventFilter};
use legalmap_domain::beijing::clock_of_unix;
use legalmap_domain::staff::{Role, Staff, StaffUser, Username};
use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

use crate::{AccountEventsError, DbError};

/// When failed logins lock an account: `max_failures` within `window_secs` (failures from
/// before the account's last lock ended do not count) lock it for `lock_secs` from the failure
/// that reached the limit. Attempts during the lock do not extend it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockRule {
    pub max_failures: i64,
    pub window_secs: i64,
    pub lock_secs: i64,
}

/// The rule staff logins follow: 5 failures within 15 minutes lock the account for 15 minutes.
pub const ACCOUNT_LOCK: LockRule = LockRule { max_failures: 5, window_secs: 15 * 60, lock_secs: 15 * 60 };

/// A login attempt, noted: whether the account is locked, and the failures counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginAttempt {
    /// Set when the account is locked now (Unix seconds when the lock ends): refuse the login
    /// without checking the password.
    pub locked_until_unix: Option<i64>,
    /// Attempts not (yet) followed by a success for this name, this one included, since the
    /// window began or the name's last lock ended.
    pub for_username: i64,
    /// Attempts from this client address within the window, this one included.
    pub from_address: i64,
}

#[async_trait]
pub trait AccountStore: Send + Sync {
    /// Creates an account for `actor`; `None` if the name is taken.
    async fn create_user(
        &self,
        username: &Username,
        password_hash: &str,
        role: Role,
        actor: &str,
    ) -> Result<Option<StaffUser>, DbError>;
    /// An account and its password hash, by name.
    async fn user_for_login(&self, username: &str) -> Result<Option<(StaffUser, String)>, DbError>;
    /// Every account, by name.
    async fn users(&self) -> Result<Vec<StaffUser>, DbError>;
    /// Disables or re-enables an account for `actor`; disabling ends its sessions at once.
    /// False if no such account.
    async fn set_user_disabled(&self, user_id: i64, disabled: bool, actor: &str) -> Result<bool, DbError>;
    /// Sets a new password for `actor`, ends the account's sessions and clears a lock (its
    /// failures are forgotten, as after a successful login). False if no such account.
    async fn set_password(&self, user_id: i64, password_hash: &str, actor: &str) -> Result<bool, DbError>;
    /// Ends an account's lock now, for `actor` (its failures are forgotten, as after a
    /// successful login). `None` if no such account; `Some(false)` if it was not locked
    /// (nothing is written).
    async fn unlock_user(&self, user_id: i64, actor: &str, now_unix: i64) -> Result<Option<bool>, DbError>;
    /// The town codes `user_id` is limited to, in code order; empty: every town.
    async fn user_towns(&self, user_id: i64) -> Result<Vec<String>, DbError>;
    /// Every account's towns, as (user id, town code), for the accounts page.
    async fn all_user_towns(&self) -> Result<Vec<(i64, String)>, DbError>;
    /// Replaces `user_id`'s towns with `towns` (empty: every town), in one transaction. False
    /// if there is no such account.
    async fn set_user_towns(&self, user_id: i64, towns: &[String]) -> Result<bool, DbError>;
    /// The account events of `username` (all if `None`) with `since_utc <= at < until_utc`
    /// (RFC 3339 UTC text; `None`: unbounded), newest first.
    async fn account_events_between(
        &self,
        username: Option<&str>,
        since_utc: Option<&str>,
        until_utc: Option<&str>,
    ) -> Result<Vec<AccountEvent>, DbError>;

    /// The account events matching `filter`, newest first. `since` is inclusive, `until`
    /// exclusive; both are compared in UTC whatever offset they are written with.
    async fn account_events(
        &self,
        filter: &AccountEventFilter,
    ) -> Result<Vec<AccountEvent>, AccountEventsError> {
        let [since, until] = [&filter.since, &filter.until].map(|bound| bound.as_deref().map(utc_text));
        let since = since.transpose()?;
        let until = until.transpose()?;
        Ok(self
            .account_events_between(filter.username.as_deref(), since.as_deref(), until.as_deref())
            .await?)
    }
}

/// `text` (RFC 3339 with any offset) as the stored times are written: UTC, whole seconds, `Z`.
fn utc_text(text: &str) -> Result<String, AccountEventsError> {
    let bad = || AccountEventsError::BadTime(text.to_owned());
    if !AccountEventFilter::is_rfc3339(text) {
        return Err(bad());
    }
    let utc = OffsetDateTime::parse(text, &Rfc3339).map_err(|_| bad())?.to_offset(UtcOffset::UTC);
    let format = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    utc.format(&format).map_err(|_| bad())
}

#[async_trait]
pub trait SessionStore: Send + Sync {
    /// Starts a session.
    async fn create_session(
        &self,
        user_id: i64,
        token_hash: &str,
        csrf_token: &str,
        now_unix: i64,
    ) -> Result<(), DbError>;
    /// The session with this token hash if it is live (seen within `idle_secs`, account
    /// enabled), marking it seen now. An idle session is deleted.
    async fn touch_session(
        &self,
        token_hash: &str,
        now_unix: i64,
        idle_secs: i64,
    ) -> Result<Option<Staff>, DbError>;
    /// Ends a session (logout).
    async fn delete_session(&self, token_hash: &str) -> Result<(), DbError>;
    /// Starts a [`LoginTx`].
    async fn begin_login(&self) -> Result<Box<dyn LoginTx>, DbError>;
    /// Forgets an account's failures after a successful login.
    async fn clear_login_failures(&self, username: &str) -> Result<(), DbError>;

    /// Notes a login attempt at `now_unix` and answers, in one transaction (parallel attempts
    /// each see the others, so throttling cannot be raced): whether the account is locked, and
    /// the failures counted for this name and from this address, this attempt included. Older
    /// rows are pruned. An attempt that finds the account locked is noted for its address only
    /// in effect: the lock's end stays where it is. A successful login then clears the name's
    /// rows ([`SessionStore::clear_login_failures`]); after a failed one, call
    /// [`SessionStore::lock_after_failure`].
    async fn record_login_attempt(
        &self,
        username: &str,
        address: &str,
        now_unix: i64,
        rule: LockRule,
    ) -> Result<LoginAttempt, DbError> {
        let since_unix = now_unix - rule.window_secs;
        let mut tx = self.begin_login().await?;
        // Writes first: SQLite's transaction then holds the write lock from its start.
        tx.forget_failures_before(since_unix).await?;
        tx.note_attempt(username, address, now_unix).await?;
        let from_address = tx.attempts_from(address, since_unix).await?;
        let account = tx.lock_end(username).await?;
        let last_lock_end = account.flatten();
        if let Some(until) = last_lock_end.filter(|&until| until > now_unix) {
            tx.commit().await?;
            return Ok(LoginAttempt { locked_until_unix: Some(until), for_username: 0, from_address });
        }
        let counted_since = last_lock_end.map_or(since_unix, |end| end.max(since_unix));
        let for_username = tx.attempts_for(username, counted_since).await?;
        let mut locked_until_unix = None;
        if for_username > rule.max_failures {
            // Parallel attempts got past the limit before any was refused: lock now. A name
            // with no account has nothing to lock and is refused for the window.
            locked_until_unix = match account {
                Some(_) => lock_in(&mut *tx, username, now_unix, rule).await?,
                None => Some(now_unix + rule.window_secs),
            };
        }
        tx.commit().await?;
        Ok(LoginAttempt { locked_until_unix, for_username, from_address })
    }

    /// After a failed login: locks the account when `attempt` reached the rule's limit, from
    /// `now_unix`, unless it is locked already. Returns when the lock ends, if it is locked.
    async fn lock_after_failure(
        &self,
        username: &str,
        attempt: &LoginAttempt,
        now_unix: i64,
        rule: LockRule,
    ) -> Result<Option<i64>, DbError> {
        if attempt.for_username < rule.max_failures {
            return Ok(None);
        }
        let mut tx = self.begin_login().await?;
        let until = lock_in(&mut *tx, username, now_unix, rule).await?;
        tx.commit().await?;
        Ok(until)
    }
}

/// The statements of a login attempt's transaction; the throttling rule is applied over them
/// once, in [`SessionStore::record_login_attempt`]. Dropped without commit, it rolls back.
#[async_trait]
pub trait LoginTx: Send {
    /// Prunes attempts before `since_unix`.
    async fn forget_failures_before(&mut self, since_unix: i64) -> Result<(), DbError>;
    async fn note_attempt(&mut self, username: &str, address: &str, at_unix: i64) -> Result<(), DbError>;
    /// Attempts from `address` at or after `since_unix`.
    async fn attempts_from(&mut self, address: &str, since_unix: i64) -> Result<i64, DbError>;
    /// Attempts for `username` at or after `since_unix`.
    async fn attempts_for(&mut self, username: &str, since_unix: i64) -> Result<i64, DbError>;
    /// The account's lock end: `None` when there is no such account, `Some(None)` when it was
    /// never locked.
    async fn lock_end(&mut self, username: &str) -> Result<Option<Option<i64>>, DbError>;
    /// Sets the account's lock end to `until` unless it is locked at `now_unix`; whether it did.
    async fn lock_unless_locked(
        &mut self,
        username: &str,
        until: i64,
        now_unix: i64,
    ) -> Result<bool, DbError>;
    /// Records the lock in the account events, at `at_unix`.
    async fn note_lock(&mut self, username: &str, detail: &str, at_unix: i64) -> Result<(), DbError>;
    async fn commit(self: Box<Self>) -> Result<(), DbError>;
}

/// Locks `username` for the rule's duration from `now_unix` unless it is locked already, with
/// its account event; returns when the (new or existing) lock ends, `None` if there is no such
/// account. Writes first: a transaction that reads and then writes can fail (SQLite's busy
/// snapshot) when a parallel login wrote in between.
async fn lock_in(
    tx: &mut dyn LoginTx,
    username: &str,
    now_unix: i64,
    rule: LockRule,
) -> Result<Option<i64>, DbError> {
    let until = now_unix + rule.lock_secs;
    if !tx.lock_unless_locked(username, until, now_unix).await? {
        return Ok(tx.lock_end(username).await?.flatten());
    }
    let detail = format!("{} 次登录失败，锁定至 {}（北京时间）", rule.max_failures, clock_of_unix(until));
    tx.note_lock(username, &detail, now_unix).await?;
    Ok(Some(until))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_with_offsets_are_compared_in_utc() {
        assert_eq!(utc_text("2026-11-28T08:00:00+08:00").unwrap(), "2026-11-28T00:00:00Z");
        assert_eq!(utc_text("2026-11-28T23:30:15.75-01:00").unwrap(), "2026-11-29T00:30:15Z");
        assert_eq!(utc_text("2026-11-28T00:00:00Z").unwrap(), "2026-11-28T00:00:00Z");
        assert!(matches!(utc_text("2026-13-40T00:00:00Z"), Err(AccountEventsError::BadTime(_))));
        assert!(matches!(utc_text("yesterday"), Err(AccountEventsError::BadTime(_))));
    }
}
