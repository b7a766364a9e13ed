//! Staff accounts, their sessions, and failed logins.

use super::Db;
use super::points::DbError;
use crate::domain::staff::{Role, Staff, StaffUser, Username};

struct UserRow {
    id: i64,
    username: String,
    role: String,
    disabled: i64,
    created_at: String,
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
        })
    }
}

/// Login attempts not (yet) followed by a success, within the throttling window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecentFailures {
    pub for_username: i64,
    pub from_address: i64,
}

impl Db {
    /// Creates an account; `None` if the name is taken.
    pub async fn create_user(
        &self,
        username: &Username,
        password_hash: &str,
        role: Role,
    ) -> Result<Option<StaffUser>, DbError> {
        let (name, role) = (username.as_str(), role.as_str());
        let row = sqlx::query_as!(
            UserRow,
            r#"INSERT INTO staff_users (username, password_hash, role) VALUES (?, ?, ?)
               ON CONFLICT (username) DO NOTHING
               RETURNING id AS "id!", username, role, disabled, created_at"#,
            name,
            password_hash,
            role
        )
        .fetch_optional(&self.pool)
        .await?;
        row.map(StaffUser::try_from).transpose()
    }

    /// An account and its password hash, by name.
    pub async fn user_for_login(&self, username: &str) -> Result<Option<(StaffUser, String)>, DbError> {
        let row = sqlx::query!(
            r#"SELECT id AS "id!", username, role, disabled, created_at, password_hash FROM staff_users WHERE username = ?"#,
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
        })?;
        Ok(Some((user, row.password_hash)))
    }

    /// Every account, by name.
    pub async fn users(&self) -> Result<Vec<StaffUser>, DbError> {
        let rows = sqlx::query_as!(
            UserRow,
            r#"SELECT id AS "id!", username, role, disabled, created_at FROM staff_users ORDER BY username"#
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(StaffUser::try_from).collect()
    }

    /// Disables or re-enables an account; disabling ends its sessions at once. False if no
    /// such account.
    pub async fn set_user_disabled(&self, user_id: i64, disabled: bool) -> Result<bool, DbError> {
        let mut tx = self.pool.begin().await?;
        let flag = i64::from(disabled);
        let updated = sqlx::query!(
            "UPDATE staff_users SET disabled = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?",
            flag,
            user_id
        )
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if disabled {
            sqlx::query!("DELETE FROM staff_sessions WHERE user_id = ?", user_id).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(updated == 1)
    }

    /// Sets a new password and ends the account's sessions. False if no such account.
    pub async fn set_password(&self, user_id: i64, password_hash: &str) -> Result<bool, DbError> {
        let mut tx = self.pool.begin().await?;
        let updated = sqlx::query!(
            "UPDATE staff_users SET password_hash = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?",
            password_hash,
            user_id
        )
        .execute(&mut *tx)
        .await?
        .rows_affected();
        sqlx::query!("DELETE FROM staff_sessions WHERE user_id = ?", user_id).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(updated == 1)
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
            r#"SELECT id AS "id!", username, role, disabled, created_at FROM staff_users WHERE id = ? AND disabled = 0"#,
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

    /// Notes a login attempt and counts the attempts since `since_unix` for this name and from
    /// this address, this one included, in one transaction: parallel attempts each see the
    /// others, so throttling cannot be raced. Older rows are pruned. A successful login then
    /// clears the name's rows ([`Db::clear_login_failures`]); the others stay as failures.
    pub async fn record_login_attempt(
        &self,
        username: &str,
        address: &str,
        now_unix: i64,
        since_unix: i64,
    ) -> Result<RecentFailures, DbError> {
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
        let for_username = sqlx::query_scalar!(
            r#"SELECT count(*) AS "n!: i64" FROM login_failures WHERE username = ? AND at_unix >= ?"#,
            username,
            since_unix
        )
        .fetch_one(&mut *tx)
        .await?;
        let from_address = sqlx::query_scalar!(
            r#"SELECT count(*) AS "n!: i64" FROM login_failures WHERE address = ? AND at_unix >= ?"#,
            address,
            since_unix
        )
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(RecentFailures { for_username, from_address })
    }

    /// Forgets an account's failures after a successful login.
    pub async fn clear_login_failures(&self, username: &str) -> Result<(), DbError> {
        sqlx::query!("DELETE FROM login_failures WHERE username = ?", username).execute(&self.pool).await?;
        Ok(())
    }
}
