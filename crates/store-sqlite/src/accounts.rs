//! Staff accounts, the towns an editor is limited to, and the account events log on SQLite.
//! Every account change writes an account event in its transaction.

use async_trait::async_trait;
use legalmap_domain::account_event::{AccountAction, AccountEvent};
use legalmap_domain::staff::{Role, StaffUser, Username};
use legalmap_store::rows::UserRow;
use legalmap_store::{AccountStore, DbError};
use sqlx::SqliteConnection;

use super::SqliteStore;

#[async_trait]
impl AccountStore for SqliteStore {
    async fn create_user(
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

    async fn user_for_login(&self, username: &str) -> Result<Option<(StaffUser, String)>, DbError> {
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

    async fn users(&self) -> Result<Vec<StaffUser>, DbError> {
        let rows = sqlx::query_as!(
            UserRow,
            r#"SELECT id AS "id!", username, role, disabled, created_at, CASE WHEN locked_until_unix > CAST(strftime('%s', 'now') AS INTEGER) THEN locked_until_unix END AS "locked_until_unix?: i64"
               FROM staff_users ORDER BY username"#
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(StaffUser::try_from).collect()
    }

    async fn set_user_disabled(&self, user_id: i64, disabled: bool, actor: &str) -> Result<bool, DbError> {
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

    async fn set_password(&self, user_id: i64, password_hash: &str, actor: &str) -> Result<bool, DbError> {
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

    async fn unlock_user(&self, user_id: i64, actor: &str, now_unix: i64) -> Result<Option<bool>, DbError> {
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

    async fn user_towns(&self, user_id: i64) -> Result<Vec<String>, DbError> {
        Ok(sqlx::query_scalar!(
            "SELECT town_code FROM staff_user_towns WHERE user_id = ? ORDER BY town_code",
            user_id
        )
        .fetch_all(&self.pool)
        .await?)
    }

    async fn all_user_towns(&self) -> Result<Vec<(i64, String)>, DbError> {
        let rows =
            sqlx::query!("SELECT user_id, town_code FROM staff_user_towns ORDER BY user_id, town_code")
                .fetch_all(&self.pool)
                .await?;
        Ok(rows.into_iter().map(|row| (row.user_id, row.town_code)).collect())
    }

    async fn set_user_towns(&self, user_id: i64, towns: &[String]) -> Result<bool, DbError> {
        let mut tx = self.pool.begin().await?;
        let exists =
            sqlx::query_scalar!(r#"SELECT count(*) AS "n!: i64" FROM staff_users WHERE id = ?"#, user_id)
                .fetch_one(&mut *tx)
                .await?;
        if exists == 0 {
            return Ok(false);
        }
        sqlx::query!("DELETE FROM staff_user_towns WHERE user_id = ?", user_id).execute(&mut *tx).await?;
        for town in towns {
            sqlx::query!("INSERT INTO staff_user_towns (user_id, town_code) VALUES (?, ?)", user_id, town)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    async fn account_events_between(
        &self,
        username: Option<&str>,
        since: Option<&str>,
        until: Option<&str>,
    ) -> Result<Vec<AccountEvent>, DbError> {
        let rows = sqlx::query!(
            r#"SELECT id AS "id!", at, actor, username, action, detail FROM account_events
               WHERE (?1 IS NULL OR username = ?1) AND (?2 IS NULL OR at >= ?2) AND (?3 IS NULL OR at < ?3)
               ORDER BY at DESC, id DESC"#,
            username,
            since,
            until
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|row| {
                let action = row.action.parse().map_err(|reason| DbError::Corrupt {
                    code: format!("account event {}", row.id),
                    reason,
                })?;
                Ok(AccountEvent {
                    id: row.id,
                    at: row.at,
                    actor: row.actor,
                    username: row.username,
                    action,
                    detail: row.detail,
                })
            })
            .collect()
    }
}

/// Writes one event on `conn` (inside the change's transaction). `at_unix`: when it happened,
/// if not now (a lock is stamped with the login attempt's clock).
pub(crate) async fn write_event(
    conn: &mut SqliteConnection,
    actor: &str,
    username: &str,
    action: AccountAction,
    detail: Option<&str>,
    at_unix: Option<i64>,
) -> Result<(), DbError> {
    let action = action.as_str();
    sqlx::query!(
        r#"INSERT INTO account_events (at, actor, username, action, detail)
           VALUES (strftime('%Y-%m-%dT%H:%M:%SZ', coalesce(?, CAST(strftime('%s', 'now') AS INTEGER)), 'unixepoch'), ?, ?, ?, ?)"#,
        at_unix,
        actor,
        username,
        action,
        detail
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Forgets a name's failed logins (a lock cleared by hand starts the count afresh).
async fn forget_failures(
    tx: &mut sqlx::Transaction<'static, sqlx::Sqlite>,
    username: &str,
) -> Result<(), DbError> {
    sqlx::query!("DELETE FROM login_failures WHERE username = ?", username).execute(&mut **tx).await?;
    Ok(())
}
