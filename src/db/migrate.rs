//! Copying an SQLite store into an empty PostgreSQL one (`legalmap migrate-store`): every
//! table, row for row with its ids, in one PostgreSQL transaction (all or nothing), then the
//! counts compared. The two schemas hold the same columns with the same meaning (see
//! `migrations/postgres/`), so the copy reads each target column's name and type and moves the
//! values as they are. The statements are built from the schema, so they are not checked at
//! compile time; what the application reads afterwards is.

use std::str::FromStr;

use sqlx::postgres::PgPool;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool};
use sqlx::{Postgres, QueryBuilder, Row};

/// Every table legalmap keeps, in an order where each row's references are copied before it.
pub const TABLES: [&str; 10] = [
    "staff_users",
    "staff_user_towns",
    "staff_sessions",
    "login_failures",
    "account_events",
    "import_batches",
    "points",
    "point_history",
    "residential_places",
    "point_reports",
];

/// Rows per INSERT (a statement takes at most 65,535 parameters).
const ROWS_PER_INSERT: usize = 500;

#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    #[error(
        "the target database holds legalmap data already ({0}): migrate-store copies into an empty \
         database only; nothing was changed"
    )]
    TargetNotEmpty(String),
    #[error(
        "the target database holds tables that are not legalmap's ({0}): give an empty database; \
         nothing was changed"
    )]
    TargetForeign(String),
    #[error("the copy does not match: {0}")]
    CountsDiffer(String),
    #[error(transparent)]
    Sqlx(#[from] sqlx::Error),
}

/// What the target holds before anything is written: refused unless empty (or made by a
/// legalmap that has not stored anything yet).
pub async fn check_target_empty(target: &PgPool) -> Result<(), MigrateError> {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables
         WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1",
    )
    .fetch_all(target)
    .await?;
    let ours = |name: &str| TABLES.contains(&name) || name == "_sqlx_migrations" || name == "data_version";
    let foreign: Vec<&str> = tables.iter().map(String::as_str).filter(|name| !ours(name)).collect();
    if !foreign.is_empty() {
        return Err(MigrateError::TargetForeign(foreign.join(", ")));
    }
    let mut held = Vec::new();
    for table in TABLES.iter().filter(|table| tables.iter().any(|name| name == *table)) {
        let rows: i64 =
            sqlx::query_scalar(&format!("SELECT count(*) FROM {table}")).fetch_one(target).await?;
        if rows > 0 {
            held.push(format!("{rows} rows in {table}"));
        }
    }
    match held.is_empty() {
        true => Ok(()),
        false => Err(MigrateError::TargetNotEmpty(held.join(", "))),
    }
}

/// Opens the SQLite source read-only (migrated to this binary's schema beforehand).
pub async fn open_source(url: &str) -> Result<SqlitePool, sqlx::Error> {
    let options = SqliteConnectOptions::from_str(url)?.read_only(true).create_if_missing(false);
    sqlx::sqlite::SqlitePoolOptions::new().max_connections(1).connect_with(options).await
}

/// Copies every table from `source` into `target` in one transaction, calling `progress` with
/// each table and its rows as it is done, then checks the counts. Returns the rows per table.
pub async fn copy(
    source: &SqlitePool,
    target: &PgPool,
    mut progress: impl FnMut(&str, i64),
) -> Result<Vec<(&'static str, i64)>, MigrateError> {
    let mut tx = target.begin().await?;
    let mut copied = Vec::new();
    for table in TABLES {
        let columns: Vec<(String, String)> = sqlx::query_as(
            "SELECT column_name::text, data_type::text FROM information_schema.columns
             WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
        )
        .bind(table)
        .fetch_all(&mut *tx)
        .await?;
        let names: Vec<&str> = columns.iter().map(|(name, _)| name.as_str()).collect();
        let rows = sqlx::query(&format!("SELECT {} FROM {table} ORDER BY rowid", names.join(", ")))
            .fetch_all(source)
            .await?;
        for chunk in rows.chunks(ROWS_PER_INSERT) {
            let mut insert: QueryBuilder<Postgres> =
                QueryBuilder::new(format!("INSERT INTO {table} ({}) ", names.join(", ")));
            let mut failed = None;
            insert.push_values(chunk, |mut values, row| {
                for (at, (_, kind)) in columns.iter().enumerate() {
                    // Each value as the target column's type (the schemas keep the same ones).
                    let read = match kind.as_str() {
                        "bigint" => row.try_get::<Option<i64>, _>(at).map(|value| {
                            values.push_bind(value);
                        }),
                        "double precision" => row.try_get::<Option<f64>, _>(at).map(|value| {
                            values.push_bind(value);
                        }),
                        _ => row.try_get::<Option<String>, _>(at).map(|value| {
                            values.push_bind(value);
                        }),
                    };
                    if let Err(error) = read {
                        failed.get_or_insert(error);
                    }
                }
            });
            if let Some(error) = failed {
                return Err(error.into());
            }
            insert.build().execute(&mut *tx).await?;
        }
        if names.contains(&"id") {
            // Ids were copied as they were: new rows continue after the largest.
            sqlx::query(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), coalesce(max(id), 0) + 1, false) FROM {table}"
            ))
            .execute(&mut *tx)
            .await?;
        }
        progress(table, rows.len() as i64);
        copied.push((table, rows.len() as i64));
    }
    tx.commit().await?;
    let mut differ = Vec::new();
    for &(table, rows) in &copied {
        let stored: i64 =
            sqlx::query_scalar(&format!("SELECT count(*) FROM {table}")).fetch_one(target).await?;
        if stored != rows {
            differ.push(format!("{table}: {rows} read, {stored} stored"));
        }
    }
    match differ.is_empty() {
        true => Ok(copied),
        false => Err(MigrateError::CountsDiffer(differ.join("; "))),
    }
}
