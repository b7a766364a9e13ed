//! Staff sessions, failed logins and account locks on SQLite.

use async_trait::async_trait;
use legalmap_domain::account_event::{AccountAction, LOGIN_THROTTLE_ACTOR};
use legalmap_domain::beijing::clock_of_unix;
use legalmap_domain::staff::{Staff, StaffUser};
use legalmap_store::rows::UserRow;
use legalmap_store::{DbError, LockRule, LoginAttempt, SessionStore};

use super::SqliteStore;
use super::accounts::write_event;

#[async_trait]
impl SessionStore for SqliteStore {
    async fn create_session(
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

    async fn touch_session(
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

    async fn delete_session(&self, token_hash: &str) -> Result<(), DbError> {
        sqlx::query!("DELETE FROM staff_sessions WHERE token_hash = ?", token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn record_login_attempt(
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
        let mut tx = self.pool.begin().await?;
        let until = lock_in(&mut tx, username, now_unix, rule).await?;
        tx.commit().await?;
        Ok(until)
    }

    async fn clear_login_failures(&self, username: &str) -> Result<(), DbError> {
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
