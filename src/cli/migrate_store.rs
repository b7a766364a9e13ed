//! `legalmap migrate-store --from sqlite://… --to postgres://…`: moving a district's store to
//! PostgreSQL when it outgrows one server (see `db::migrate` and docs/postgres.md).

use anyhow::bail;

use crate::config::MigrateStoreArgs;
use crate::db::postgres::PgStore;
use crate::db::{Backend, Db, migrate};

pub async fn run(args: MigrateStoreArgs) -> anyhow::Result<()> {
    if Backend::of_url(&args.from)? != Backend::Sqlite || Backend::of_url(&args.to)? != Backend::Postgres {
        bail!(
            "migrate-store copies an SQLite store into PostgreSQL: give --from sqlite://PATH --to postgres://…"
        );
    }
    // The source is brought to this binary's schema, as every command does, then read only.
    Db::open_existing(&args.from).await?.close().await;
    let target = PgStore::connect_unmigrated(&args.to).await?;
    migrate::check_target_empty(target.pool()).await?;
    target.migrate().await?;
    let source = migrate::open_source(&args.from).await?;
    eprintln!("copying {} into PostgreSQL at {}", args.from, target.describe());
    let copied =
        migrate::copy(&source, target.pool(), |table, rows| eprintln!("  {table}: {rows} rows")).await?;
    source.close().await;
    target.pool().close().await;
    let total: i64 = copied.iter().map(|(_, rows)| rows).sum();
    let points = copied.iter().find(|(table, _)| *table == "points").map_or(0, |(_, rows)| *rows);
    let users = copied.iter().find(|(table, _)| *table == "staff_users").map_or(0, |(_, rows)| *rows);
    println!(
        "copied {total} rows in {} tables ({points} points, {users} staff accounts); counts checked",
        copied.len()
    );
    Ok(())
}
