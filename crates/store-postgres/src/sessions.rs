//! Staff sessions, failed logins and account locks on PostgreSQL.

use async_trait::async_trait;
use legalmap_domain::account_event::{AccountAction, LOGIN_THROTTLE_ACTOR};
use legalmap_domain::staff::{Staff, StaffUser};
use legalmap_store::rows::UserRow;
use legalmap_store::{DbError, LoginTx, SessionStore};

use super::PgStore;
use super::accounts::write_event;

/// The advisory lock key login attempts take turns on ("legalmap" in ASCII).
const LOGIN_ATTEMPTS_LOCK: i64 = 0x6c65_6761_6c6d_6170;

#[async_trait]
impl SessionStore for PgStore {
    async fn create_session(
        &self,
        user_id: i64,
        token_hash: &str,
        csrf_token: &str,
        now_unix: i64,
    ) -> Result<(), DbError> {
        sqlx::query!(
            "INSERT INTO staff_sessions (token_hash, user_id, csrf_token, last_seen_unix) VALUES ($1, $2, $3, $4)",
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
        sqlx::query!("DELETE FROM staff_sessions WHERE last_seen_unix < $1", oldest)
            .execute(&self.pool)
            .await?;
        let row = sqlx::query!(
            r#"UPDATE staff_sessions SET last_seen_unix = $1 WHERE token_hash = $2
               RETURNING user_id, csrf_token"#,
            now_unix,
            token_hash
        )
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let user = sqlx::query_as!(
            UserRow,
            r#"SELECT id AS "id!", username, role, disabled, created_at, CASE WHEN locked_until_unix > unix_now() THEN locked_until_unix END AS "locked_until_unix?: i64"
               FROM staff_users WHERE id = $1 AND disabled = 0"#,
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
        sqlx::query!("DELETE FROM staff_sessions WHERE token_hash = $1", token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// A transaction for one login attempt.
    async fn begin_login(&self) -> Result<Box<dyn LoginTx>, DbError> {
        let mut tx = self.pool.begin().await?;
        // Login attempts take turns, on every instance, for the length of this transaction (as
        // SQLite's writers do): parallel attempts each see the others, so throttling cannot be
        // raced. (The lock returns `void`, which the checked macros cannot type.)
        sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(LOGIN_ATTEMPTS_LOCK).execute(&mut *tx).await?;
        Ok(Box::new(LoginTxn(tx)))
    }

    async fn clear_login_failures(&self, username: &str) -> Result<(), DbError> {
        sqlx::query!("DELETE FROM login_failures WHERE username = $1", username).execute(&self.pool).await?;
        Ok(())
    }
}

/// A login attempt's transaction.
struct LoginTxn(sqlx::Transaction<'static, sqlx::Postgres>);

#[async_trait]
impl LoginTx for LoginTxn {
    async fn forget_failures_before(&mut self, since_unix: i64) -> Result<(), DbError> {
        sqlx::query!("DELETE FROM login_failures WHERE at_unix < $1", since_unix)
            .execute(&mut *self.0)
            .await?;
        Ok(())
    }

    async fn note_attempt(&mut self, username: &str, address: &str, at_unix: i64) -> Result<(), DbError> {
        sqlx::query!(
            "INSERT INTO login_failures (username, address, at_unix) VALUES ($1, $2, $3)",
            username,
            address,
            at_unix
        )
        .execute(&mut *self.0)
        .await?;
        Ok(())
    }

    async fn attempts_from(&mut self, address: &str, since_unix: i64) -> Result<i64, DbError> {
        Ok(sqlx::query_scalar!(
            r#"SELECT count(*) AS "n!: i64" FROM login_failures WHERE address = $1 AND at_unix >= $2"#,
            address,
            since_unix
        )
        .fetch_one(&mut *self.0)
        .await?)
    }

    async fn attempts_for(&mut self, username: &str, since_unix: i64) -> Result<i64, DbError> {
        Ok(sqlx::query_scalar!(
            r#"SELECT count(*) AS "n!: i64" FROM login_failures WHERE username = $1 AND at_unix >= $2"#,
            username,
            since_unix
        )
        .fetch_one(&mut *self.0)
        .await?)
    }

    async fn lock_end(&mut self, username: &str) -> Result<Option<Option<i64>>, DbError> {
        Ok(sqlx::query_scalar!("SELECT locked_until_unix FROM staff_users WHERE username = $1", username)
            .fetch_optional(&mut *self.0)
            .await?)
    }

    async fn lock_unless_locked(
        &mut self,
        username: &str,
        until: i64,
        now_unix: i64,
    ) -> Result<bool, DbError> {
        let locked = sqlx::query!(
            r#"UPDATE staff_users SET locked_until_unix = $1
               WHERE username = $2 AND (locked_until_unix IS NULL OR locked_until_unix <= $3)"#,
            until,
            username,
            now_unix
        )
        .execute(&mut *self.0)
        .await?;
        Ok(locked.rows_affected() > 0)
    }

    async fn note_lock(&mut self, username: &str, detail: &str, at_unix: i64) -> Result<(), DbError> {
        write_event(
            &mut self.0,
            LOGIN_THROTTLE_ACTOR,
            username,
            AccountAction::Locked,
            Some(detail),
            Some(at_unix),
        )
        .await
    }

    async fn commit(self: Box<Self>) -> Result<(), DbError> {
        Ok(self.0.commit().await?)
    }
}
