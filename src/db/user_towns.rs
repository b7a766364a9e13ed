//! The towns an editor is limited to (`staff_user_towns`; no rows: every town).

use super::Db;
use super::points::DbError;

impl Db {
    /// The town codes `user_id` is limited to, in code order; empty: every town.
    pub async fn user_towns(&self, user_id: i64) -> Result<Vec<String>, DbError> {
        Ok(sqlx::query_scalar!(
            "SELECT town_code FROM staff_user_towns WHERE user_id = ? ORDER BY town_code",
            user_id
        )
        .fetch_all(&self.pool)
        .await?)
    }

    /// Every account's towns, as (user id, town code), for the accounts page.
    pub async fn all_user_towns(&self) -> Result<Vec<(i64, String)>, DbError> {
        let rows =
            sqlx::query!("SELECT user_id, town_code FROM staff_user_towns ORDER BY user_id, town_code")
                .fetch_all(&self.pool)
                .await?;
        Ok(rows.into_iter().map(|row| (row.user_id, row.town_code)).collect())
    }

    /// Replaces `user_id`'s towns with `towns` (empty: every town), in one transaction. False
    /// if there is no such account.
    pub async fn set_user_towns(&self, user_id: i64, towns: &[String]) -> Result<bool, DbError> {
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
}
