//! Staff accounts, their sessions, failed logins and account locks. Every account change
//! writes an account event in its transaction (see `db::account_events`).

use super::Db;
use super::account_events::write_event;
use super::points::DbError;
use crate::domain::account_event::{AccountAction, LOGIN_THROTTLE_ACTOR};
use crate::domain::beijing::clock_of_unix;
use crate::domain::staff::{Role, Staff, StaffUser, Username};

struct UserRow {
    id: i64,
    username: String,
    role: String,
    disabled: i64,
    created_at: String,
    /// Only while locked (the readers compare with their clock).
    locked_until_unix: Option<i64>,
}

impl TryFrom<UserRow> for StaffUser {
    type Error = DbError;

    fn try_from(row: UserRow) -> Result<Self, DbError> {
        Ok(StaffUser {
            role: row
                .role
                .parse()
                .map_err(|reason| DbError::Corrupt { code: row.username.clone(), reason })?,
            id: row.id,
            username: row.username,
            disabled: row.disabled == 1,
            created_at: row.created_at,
            locked_until_unix: row.locked_until_unix,
        })
    }
}

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

impl Db {
    /// Creates an account for `actor`; `None` if the name is taken.
    pub async fn create_user(
        &self,
        username: &Username,
        password_hash: &str,
        role: Role,
        actor: &str,
    ) -> Result<Option<StaffUser>, DbError> {
        let (name, role) = (username.as_str(), role.as_str());
        let mut tx = self.pool.begin().await?;
        let row = sqlx::query_as!(
            UserRow,
            r#"INSERT INTO staff_users (username, password_hash, role) VALUES (?, ?, ?)
               ON CONFLICT (username) DO NOTHING
               RETURNING id AS "id!", username, role, disabled, created_at, locked_until_unix AS "locked_until_unix?: i64""#,
            name,
            password_hash,
            role
        )
        .fetch_optional(&mut *tx)
        .await?;
        if row.is_some() {
            write_event(&mut tx, actor, name, AccountAction::Created, Some(role), None).await?;
        }
        tx.commit().await?;
        row.map(StaffUser::try_from).transpose()
    }

    /// An account and its password hash, by name.
    pub async fn user_for_login(&self, username: &str) -> Result<Option<(StaffUser, String)>, DbError> {
        let row = sqlx::query!(
            r#"SELECT id AS "id!", username, role, disabled, created_at, password_hash, CASE WHEN locked_until_unix > CAST(strftime('%s', 'now') AS INTEGER) THEN locked_until_unix END AS "locked_until_unix?: i64"
               FROM staff_users WHERE username = ?"#,
            username
        )
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let user = StaffUser::try_from(UserRow {
            id: row.id,
            username: row.username,
            role: row.role,
            disabled: row.disabled,
            created_at: row.created_at,
            locked_until_unix: row.locked_until_unix,
        })?;
        Ok(Some((user, row.password_hash)))
    }

    /// Every account, by name.
    pub async fn users(&self) -> Result<Vec<StaffUser>, DbError> {
        let rows = sqlx::query_as!(
            UserRow,
            r#"SELECT id AS "id!", username, role, disabled, created_at, CASE WHEN locked_until_unix > CAST(strftime('%s', 'now') AS INTEGER) THEN locked_until_unix END AS "locked_until_unix?: i64"
               FROM staff_users ORDER BY username"#
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(StaffUser::try_from).collect()
    }

    /// Disables or re-enables an account for `actor`; disabling ends its sessions at once.
    /// False if no such account.
    pub async fn set_user_disabled(
        &self,
        user_id: i64,
        disabled: bool,
        actor: &str,
    ) -> Result<bool, DbError> {
        let mut tx = self.pool.begin().await?;
        let flag = i64::from(disabled);
        let username = sqlx::query_scalar!(
            "UPDATE staff_users SET disabled = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?
             RETURNING username",
            flag,
            user_id
        )
        .fetch_optional(&mut *tx)
        .await?;
        let Some(username) = username else { return Ok(false) };
        if disabled {
            sqlx::query!("DELETE FROM staff_sessions WHERE user_id = ?", user_id).execute(&mut *tx).await?;
        }
        let action = if disabled { AccountAction::Disabled } else { AccountAction::Enabled };
        write_event(&mut tx, actor, &username, action, None, None).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Sets a new password for `actor`, ends the account's sessions and clears a lock (its
    /// failures are forgotten, as after a successful login). False if no such account.
    pub async fn set_password(
        &self,
        user_id: i64,
        password_hash: &str,
        actor: &str,
    ) -> Result<bool, DbError> {
        let mut tx = self.pool.begin().await?;
        // Writes first (see `lock_in`); the lock's end is read before it is reset.
        let user = sqlx::query!(
            r#"UPDATE staff_users SET password_hash = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
               WHERE id = ?
               RETURNING username,
                         locked_until_unix > CAST(strftime('%s', 'now') AS INTEGER) AS "locked?: bool""#,
            password_hash,
            user_id
        )
        .fetch_optional(&mut *tx)
        .await?;
        let Some(user) = user else { return Ok(false) };
        sqlx::query!(
            "UPDATE staff_users SET locked_until_unix = CAST(strftime('%s', 'now') AS INTEGER) WHERE id = ?",
            user_id
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!("DELETE FROM staff_sessions WHERE user_id = ?", user_id).execute(&mut *tx).await?;
        forget_failures(&mut tx, &user.username).await?;
        let detail = (user.locked == Some(true)).then_some("锁定已解除（lock cleared）");
        write_event(&mut tx, actor, &user.username, AccountAction::PasswordReset, detail, None).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Ends an account's lock now, for `actor` (its failures are forgotten, as after a
    /// successful login).
    /// `None` if no such account; `Some(false)` if it was not locked (nothing is written).
    pub async fn unlock_user(
        &self,
        user_id: i64,
        actor: &str,
        now_unix: i64,
    ) -> Result<Option<bool>, DbError> {
        let mut tx = self.pool.begin().await?;
        let unlocked = sqlx::query_scalar!(
            "UPDATE staff_users SET locked_until_unix = ? WHERE id = ? AND locked_until_unix > ? RETURNING username",
            now_unix,
            user_id,
            now_unix
        )
        .fetch_optional(&mut *tx)
        .await?;
        let Some(username) = unlocked else {
            let exists =
                sqlx::query_scalar!(r#"SELECT 1 AS "one!: i64" FROM staff_users WHERE id = ?"#, user_id)
                    .fetch_optional(&mut *tx)
                    .await?;
            return Ok(exists.map(|_| false));
        };
        forget_failures(&mut tx, &username).await?;
        write_event(&mut tx, actor, &username, AccountAction::Unlock, None, Some(now_unix)).await?;
        tx.commit().await?;
        Ok(Some(true))
    }

    /// Starts a session.
    pub async fn create_session(
        &self,
        user_id: i64,
        token_hash: &str,
        csrf_token: &str,
        now_unix: i64,
    ) -> Result<(), DbError> {
        sqlx::query!(
            "INSERT INTO staff_sessions (token_hash, user_id, csrf_token, last_seen_unix) VALUES (?, ?, ?, ?)",
            token_hash,
            user_id,
            csrf_token,
            now_unix
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The session with this token hash if it is live (seen within `idle_secs`, account
    /// enabled), marking it seen now. An idle session is deleted.
    pub async fn touch_session(
        &self,
        token_hash: &str,
        now_unix: i64,
        idle_secs: i64,
    ) -> Result<Option<Staff>, DbError> {
        let oldest = now_unix - idle_secs;
        sqlx::query!("DELETE FROM staff_sessions WHERE last_seen_unix < ?", oldest)
            .execute(&self.pool)
            .await?;
        let row = sqlx::query!(
            r#"UPDATE staff_sessions SET last_seen_unix = ? WHERE token_hash = ?
               RETURNING user_id, csrf_token"#,
            now_unix,
            token_hash
        )
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let user = sqlx::query_as!(
            UserRow,
            r#"SELECT id AS "id!", username, role, disabled, created_at, CASE WHEN locked_until_unix > CAST(strftime('%s', 'now') AS INTEGER) THEN locked_until_unix END AS "locked_until_unix?: i64"
               FROM staff_users WHERE id = ? AND disabled = 0"#,
            row.user_id
        )
        .fetch_optional(&self.pool)
        .await?;
        Ok(user.map(StaffUser::try_from).transpose()?.map(|user| Staff {
            user,
            csrf_token: row.csrf_token,
            towns: Vec::new(),
        }))
    }

    /// Ends a session (logout).
    pub async fn delete_session(&self, token_hash: &str) -> Result<(), DbError> {
        sqlx::query!("DELETE FROM staff_sessions WHERE token_hash = ?", token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Notes a login attempt at `now_unix` and answers, in one transaction (parallel attempts
    /// each see the others, so throttling cannot be raced): whether the account is locked, and
    /// the failures counted for this name and from this address, this attempt included. Older
    /// rows are pruned. An attempt that finds the account locked is noted for its address only
    /// in effect: the lock's end stays where it is. A successful login then clears the name's
    /// rows ([`Db::clear_login_failures`]); after a failed one, call [`Db::lock_after_failure`].
    pub async fn record_login_attempt(
        &self,
        username: &str,
        address: &str,
        now_unix: i64,
        rule: LockRule,
    ) -> Result<LoginAttempt, DbError> {
        let since_unix = now_unix - rule.window_secs;
        let mut tx = self.pool.begin().await?;
        sqlx::query!("DELETE FROM login_failures WHERE at_unix < ?", since_unix).execute(&mut *tx).await?;
        sqlx::query!(
            "INSERT INTO login_failures (username, address, at_unix) VALUES (?, ?, ?)",
            username,
            address,
            now_unix
        )
        .execute(&mut *tx)
        .await?;
        let from_address = sqlx::query_scalar!(
            r#"SELECT count(*) AS "n!: i64" FROM login_failures WHERE address = ? AND at_unix >= ?"#,
            address,
            since_unix
        )
        .fetch_one(&mut *tx)
        .await?;
        let account = sqlx::query!("SELECT locked_until_unix FROM staff_users WHERE username = ?", username)
            .fetch_optional(&mut *tx)
            .await?;
        let last_lock_end = account.as_ref().and_then(|account| account.locked_until_unix);
        if let Some(until) = last_lock_end.filter(|&until| until > now_unix) {
            tx.commit().await?;
            return Ok(LoginAttempt { locked_until_unix: Some(until), for_username: 0, from_address });
        }
        let counted_since = last_lock_end.map_or(since_unix, |end| end.max(since_unix));
        let for_username = sqlx::query_scalar!(
            r#"SELECT count(*) AS "n!: i64" FROM login_failures WHERE username = ? AND at_unix >= ?"#,
            username,
            counted_since
        )
        .fetch_one(&mut *tx)
        .await?;
        let mut locked_until_unix = None;
        if for_username > rule.max_failures {
            // Parallel attempts got past the limit before any was refused: lock now. A name
            // with no account has nothing to lock and is refused for the window.
            locked_until_unix = match account {
                Some(_) => lock_in(&mut tx, username, now_unix, rule).await?,
                None => Some(now_unix + rule.window_secs),
            };
        }
        tx.commit().await?;
        Ok(LoginAttempt { locked_until_unix, for_username, from_address })
    }

    /// After a failed login: locks the account when `attempt` reached the rule's limit, from
    /// `now_unix`, unless it is locked already. Returns when the lock ends, if it is locked.
    pub async fn lock_after_failure(
        &self,
        username: &str,
        attempt: &LoginAttempt,
        now_unix: i64,
        rule: LockRule,
    ) -> Result<Option<i64>, DbError> {
        if attempt.for_username < rule.max_failures {
            return Ok(None);
        }
        let mut tx = self.pool.begin().await?;
        let until = lock_in(&mut tx, username, now_unix, rule).await?;
        tx.commit().await?;
        Ok(until)
    }

    /// Forgets an account's failures after a successful login.
    pub async fn clear_login_failures(&self, username: &str) -> Result<(), DbError> {
        sqlx::query!("DELETE FROM login_failures WHERE username = ?", username).execute(&self.pool).await?;
        Ok(())
    }
}

/// Locks `username` for the rule's duration from `now_unix` unless it is locked already, with
/// its account event; returns when the (new or existing) lock ends, `None` if there is no such
/// account. Writes first: a transaction that reads and then writes can fail (SQLite's busy
/// snapshot) when a parallel login wrote in between.
async fn lock_in(
    tx: &mut sqlx::Transaction<'static, sqlx::Sqlite>,
    username: &str,
    now_unix: i64,
    rule: LockRule,
) -> Result<Option<i64>, DbError> {
    let until = now_unix + rule.lock_secs;
    let locked = sqlx::query!(
        r#"UPDATE staff_users SET locked_until_unix = ?
           WHERE username = ? AND (locked_until_unix IS NULL OR locked_until_unix <= ?)"#,
        until,
        username,
        now_unix
    )
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if locked == 0 {
        let existing =
            sqlx::query_scalar!("SELECT locked_until_unix FROM staff_users WHERE username = ?", username)
                .fetch_optional(&mut **tx)
                .await?;
        return Ok(existing.flatten());
    }
    let detail = format!("{} 次登录失败，锁定至 {}（北京时间）", rule.max_failures, clock_of_unix(until));
    write_event(tx, LOGIN_THROTTLE_ACTOR, username, AccountAction::Locked, Some(&detail), Some(now_unix))
        .await?;
    Ok(Some(until))
}

/// Forgets a name's failed logins (a lock cleared by hand starts the count afresh).
async fn forget_failures(
    tx: &mut sqlx::Transaction<'static, sqlx::Sqlite>,
    username: &str,
) -> Result<(), DbError> {
    sqlx::query!("DELETE FROM login_failures WHERE username = ?", username).execute(&mut **tx).await?;
    Ok(())
}
