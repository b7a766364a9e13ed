//! `legalmap backup FILE` and `legalmap restore FILE`: the database's safety net (see
//! docs/deploying.md, "Backups"). Both copy with SQLite's `VACUUM INTO`, which reads one
//! consistent snapshot (through the `-wal` file) and writes a compact file of its own; the copy
//! is written under a temporary name beside its destination and renamed when complete, so a
//! failure half-way leaves no half-written database where a good one is expected.

use std::fs::File;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use crate::config::{BackupArgs, RestoreArgs};
use crate::db::Backend;
use crate::db::sqlite::DatabaseUrl;
use crate::db::{RawDatabase, SchemaCheck};

/// The SQLite database `url` names; PostgreSQL has its own tools for this.
fn sqlite_url(url: &str) -> anyhow::Result<DatabaseUrl> {
    if Backend::of_url(url)? == Backend::Postgres {
        bail!(
            "backup and restore copy SQLite files; back up a PostgreSQL database with its own tools \
             (pg_dump -Fc, pg_restore), see docs/postgres.md"
        );
    }
    Ok(DatabaseUrl::parse(url)?)
}

/// A consistent copy of a database that may be in use by a running server.
pub async fn backup(args: BackupArgs) -> anyhow::Result<()> {
    let url = sqlite_url(&args.database.database_url)?;
    let target = &args.file;
    if target.exists() && !args.force {
        bail!("{} exists already: give another file, or --force to replace it", target.display());
    }
    if let Some(folder) = target.parent().filter(|folder| !folder.as_os_str().is_empty())
        && !folder.is_dir()
    {
        bail!("the folder {} for the backup does not exist", folder.display());
    }
    // Opened as it is: a backup never migrates the database of a server still running.
    let mut source = RawDatabase::open(&url, false).await?;
    let partial = partial_path(target)?;
    let copied = source.copy_into(&partial).await;
    source.close().await.ok();
    copied.with_context(|| format!("cannot copy {} to {}", url.path().display(), partial.display()))?;
    let (points, users) = check_copy(&partial).await.inspect_err(|_| {
        std::fs::remove_file(&partial).ok();
    })?;
    if target.exists() && !args.force {
        std::fs::remove_file(&partial).ok();
        bail!("{} appeared while the copy was made; nothing was replaced", target.display());
    }
    std::fs::rename(&partial, target).with_context(|| format!("cannot write {}", target.display()))?;
    println!(
        "backed up {} to {}: {points} points, {users} staff accounts",
        url.path().display(),
        target.display()
    );
    Ok(())
}

/// Puts a backup back in place of the database (the server stopped), keeping the replaced
/// database beside it as `NAME.replaced-YYYYMMDDTHHMMSSZ` (with its `-wal` file, if any).
pub async fn restore(args: RestoreArgs) -> anyhow::Result<()> {
    let url = sqlite_url(&args.database.database_url)?;
    url.check_creatable()?;
    let file = &args.file;
    if !file.is_file() {
        bail!("no backup at {}", file.display());
    }
    let mut backup = RawDatabase::open_file(file, true)
        .await
        .with_context(|| format!("cannot open {} as a SQLite database", file.display()))?;
    let checked = check_backup(&mut backup, file).await;
    let (points, users) = match checked {
        Ok(counts) => counts,
        Err(error) => {
            backup.close().await.ok();
            return Err(error);
        }
    };
    let partial = partial_path(url.path())?;
    let copied = backup.copy_into(&partial).await;
    backup.close().await.ok();
    copied.with_context(|| format!("cannot copy {} to {}", file.display(), partial.display()))?;
    sync(&partial)?;
    let aside = match set_aside(&url).await {
        Ok(aside) => aside,
        Err(error) => {
            std::fs::remove_file(&partial).ok();
            return Err(error);
        }
    };
    std::fs::rename(&partial, url.path())
        .with_context(|| format!("cannot move the restored copy to {}", url.path().display()))?;
    println!(
        "restored {} to {}: {points} points, {users} staff accounts; pending migrations run at the next start",
        file.display(),
        url.path().display()
    );
    if let Some(aside) = aside {
        println!("the database it replaced is kept at {}", aside.display());
    }
    Ok(())
}

/// The checks before a file may replace the database; returns its points and accounts.
async fn check_backup(backup: &mut RawDatabase, file: &Path) -> anyhow::Result<(i64, i64)> {
    let shown = file.display();
    let problems = backup
        .integrity_problems()
        .await
        .with_context(|| format!("{shown} is not a readable SQLite database"))?;
    if !problems.is_empty() {
        let first: Vec<&str> = problems.iter().take(5).map(String::as_str).collect();
        bail!("{shown} fails SQLite's integrity check: {}", first.join("; "));
    }
    match backup.schema_check().await? {
        SchemaCheck::Known { .. } => {}
        SchemaCheck::NotLegalmap => bail!("{shown} is not a legalmap database (it has no migration table)"),
        SchemaCheck::Newer { unknown } => bail!(
            "{shown} was made by a newer legalmap (migrations {unknown:?} are unknown to this binary): \
             restore it with that version or a newer one"
        ),
        SchemaCheck::Altered { version } => {
            bail!("{shown}: migration {version} differs from this binary's; it was changed outside legalmap")
        }
    }
    Ok(backup.counts().await?)
}

/// Opens a fresh copy and checks it, returning its points and accounts.
async fn check_copy(path: &Path) -> anyhow::Result<(i64, i64)> {
    sync(path)?;
    let mut copy = RawDatabase::open_file(path, true).await?;
    let checked = check_backup(&mut copy, path).await;
    copy.close().await.ok();
    checked
}

/// Moves the current database (if any) aside once no one else has it open.
async fn set_aside(url: &DatabaseUrl) -> anyhow::Result<Option<PathBuf>> {
    let path = url.path();
    if !path.exists() {
        return Ok(None);
    }
    let mut current = RawDatabase::open(url, false).await?;
    let alone = current.take_alone().await;
    current.close().await.ok();
    alone.with_context(|| {
        format!("{} is in use: stop the server (and anything else using it) before a restore", path.display())
    })?;
    let stamp = time::OffsetDateTime::now_utc()
        .format(time::macros::format_description!("[year][month][day]T[hour][minute][second]Z"))?;
    let mut aside = path.as_os_str().to_owned();
    aside.push(format!(".replaced-{stamp}"));
    let aside = PathBuf::from(aside);
    std::fs::rename(path, &aside).with_context(|| format!("cannot rename {}", path.display()))?;
    // Normally gone after the checkpoint; a leftover -wal goes with its database, the -shm (an
    // index SQLite rebuilds) is dropped so it cannot be taken for the restored file's.
    let wal = url.companion("-wal");
    if wal.exists() {
        let mut aside_wal = aside.as_os_str().to_owned();
        aside_wal.push("-wal");
        std::fs::rename(&wal, PathBuf::from(aside_wal))
            .with_context(|| format!("cannot move {}", wal.display()))?;
    }
    let shm = url.companion("-shm");
    if shm.exists() {
        std::fs::remove_file(&shm).with_context(|| format!("cannot remove {}", shm.display()))?;
    }
    Ok(Some(aside))
}

/// `TARGET.partial-PID`, beside the target (so the final rename stays on one file system); a
/// leftover from an interrupted run is removed.
fn partial_path(target: &Path) -> anyhow::Result<PathBuf> {
    let mut name = target.as_os_str().to_owned();
    name.push(format!(".partial-{}", std::process::id()));
    let partial = PathBuf::from(name);
    if partial.exists() {
        std::fs::remove_file(&partial).with_context(|| format!("cannot remove {}", partial.display()))?;
    }
    Ok(partial)
}

/// Flushes a written file to the disk before it is renamed into place.
fn sync(path: &Path) -> anyhow::Result<()> {
    File::open(path)
        .and_then(|file| file.sync_all())
        .with_context(|| format!("cannot sync {}", path.display()))
}
