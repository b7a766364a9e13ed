//! One plain connection to an SQLite file, for backups and the checks before a restore.
//!
//! The queries here are PRAGMAs and `VACUUM INTO`, which sqlx cannot check at compile time, so
//! they are plain `sqlx::query` strings.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{Connection, Row};

use legalmap_store::schema::{SchemaCheck, compare_migrations};

use super::location::DatabaseUrl;
use super::{ConnectError, MIGRATOR};

/// One connection to an existing database file, taken as it is: no migration, no change of
/// journal mode. A backup must not migrate the database of a server that is still running an
/// older binary, and a file about to be restored is checked before anything else touches it.
pub struct RawDatabase {
    conn: SqliteConnection,
}

impl RawDatabase {
    /// Opens the existing database file; `read_only` for a file that is only looked at.
    pub async fn open(url: &DatabaseUrl, read_only: bool) -> Result<Self, ConnectError> {
        url.check_exists()?;
        let text = url.as_str();
        let options = SqliteConnectOptions::from_str(text)
            .map_err(|source| ConnectError::BadUrl { url: text.to_owned(), source })?
            .create_if_missing(false)
            .read_only(read_only)
            .busy_timeout(Duration::from_secs(5));
        let conn = SqliteConnection::connect_with(&options)
            .await
            .map_err(|source| ConnectError::Open { url: text.to_owned(), source })?;
        Ok(Self { conn })
    }

    /// Opens the existing SQLite file at `path` (a backup, not named by a URL).
    pub async fn open_file(path: &Path, read_only: bool) -> Result<Self, sqlx::Error> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(false)
            .read_only(read_only)
            .busy_timeout(Duration::from_secs(5));
        Ok(Self { conn: SqliteConnection::connect_with(&options).await? })
    }

    /// Writes a consistent copy of the database to `target`, which must not exist: SQLite's
    /// `VACUUM INTO` reads one snapshot (one read transaction), so writers carry on meanwhile and
    /// every transaction committed before it began is in the copy, compacted and without a
    /// `-wal` file of its own.
    pub async fn copy_into(&mut self, target: &Path) -> Result<(), sqlx::Error> {
        let Some(target) = target.to_str() else {
            return Err(sqlx::Error::Protocol(format!("{} is not a UTF-8 path", target.display())));
        };
        sqlx::query("VACUUM INTO ?").bind(target).execute(&mut self.conn).await.map(drop)
    }

    /// `PRAGMA integrity_check`: empty when the file is sound, else SQLite's findings.
    pub async fn integrity_problems(&mut self) -> Result<Vec<String>, sqlx::Error> {
        let rows = sqlx::query("PRAGMA integrity_check").fetch_all(&mut self.conn).await?;
        let findings: Vec<String> = rows.iter().map(|row| row.get::<String, _>(0)).collect();
        Ok(if findings == ["ok"] { Vec::new() } else { findings })
    }

    /// The file's applied migrations against the ones compiled into this binary.
    pub async fn schema_check(&mut self) -> Result<SchemaCheck, sqlx::Error> {
        let has_table: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = '_sqlx_migrations'",
        )
        .fetch_one(&mut self.conn)
        .await?;
        if has_table == 0 {
            return Ok(SchemaCheck::NotLegalmap);
        }
        let applied: Vec<(i64, Vec<u8>)> =
            sqlx::query_as("SELECT version, checksum FROM _sqlx_migrations WHERE success ORDER BY version")
                .fetch_all(&mut self.conn)
                .await?;
        Ok(compare_migrations(&MIGRATOR, &applied))
    }

    /// How many points (active or not) and staff accounts the file holds, for the report.
    pub async fn counts(&mut self) -> Result<(i64, i64), sqlx::Error> {
        let points = sqlx::query_scalar("SELECT count(*) FROM points").fetch_one(&mut self.conn).await?;
        let users = sqlx::query_scalar("SELECT count(*) FROM staff_users").fetch_one(&mut self.conn).await?;
        Ok((points, users))
    }

    /// Takes the database for this connection alone and folds the `-wal` file into the main
    /// file. Fails (SQLite busy) while any other process, such as a running server, has it
    /// open: in exclusive locking mode a WAL database needs every other connection gone.
    pub async fn take_alone(&mut self) -> Result<(), sqlx::Error> {
        sqlx::query("PRAGMA busy_timeout = 0").execute(&mut self.conn).await?;
        sqlx::query("PRAGMA locking_mode = EXCLUSIVE").execute(&mut self.conn).await?;
        sqlx::query("BEGIN EXCLUSIVE").execute(&mut self.conn).await?;
        sqlx::query("COMMIT").execute(&mut self.conn).await?;
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(&mut self.conn).await.map(drop)
    }

    pub async fn close(self) -> Result<(), sqlx::Error> {
        self.conn.close().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known() -> Vec<(i64, Vec<u8>)> {
        MIGRATOR.iter().map(|m| (m.version, m.checksum.to_vec())).collect()
    }

    #[test]
    fn migrations_are_measured_against_the_binary() {
        let all = known();
        assert_eq!(
            compare_migrations(&MIGRATOR, &all),
            SchemaCheck::Known { applied: all.len(), pending: 0 }
        );
        assert_eq!(
            compare_migrations(&MIGRATOR, &all[..2]),
            SchemaCheck::Known { applied: 2, pending: all.len() - 2 }
        );
        let mut newer = all.clone();
        newer.push((29_991_231_000_001, vec![1, 2, 3]));
        assert_eq!(
            compare_migrations(&MIGRATOR, &newer),
            SchemaCheck::Newer { unknown: vec![29_991_231_000_001] }
        );
        let mut altered = all.clone();
        altered[1].1 = vec![0; 48];
        assert_eq!(compare_migrations(&MIGRATOR, &altered), SchemaCheck::Altered { version: all[1].0 });
    }
}
