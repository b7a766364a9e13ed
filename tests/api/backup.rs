//! `legalmap backup` while the real server takes staff edits, and `legalmap restore` with its
//! checks, against real files.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use legalmap::db::Db;
use legalmap::db::RawDatabase;
use legalmap::domain::PointCode;
use legalmap::points::seed;

use crate::live::{self, Live, Staff};

const PASSWORD: &str = "backup-test-password";

fn url_of(path: &std::path::Path) -> String {
    format!("sqlite://{}", path.display())
}

/// A database with the bundled points and an editor; returns its URL and the point codes.
async fn database(path: &std::path::Path) -> (String, Vec<PointCode>) {
    let url = url_of(path);
    let db = Db::connect(&url).await.unwrap();
    seed::seed_if_empty(&db).await.unwrap();
    let codes = db.active_points().await.unwrap().iter().map(|p| p.record.code.clone()).collect();
    db.close().await;
    let added = live::run(
        &["user", "add", "ed", "--role", "admin", "--database", &url],
        &[("LEGALMAP_PASSWORD", PASSWORD)],
    );
    assert!(added.status.success(), "{}", String::from_utf8_lossy(&added.stderr));
    (url, codes)
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The edit number in a point's hours, as the edit loop writes them.
fn edit_number(hours: Option<&str>) -> Option<usize> {
    hours?.strip_prefix("backup edit ")?.parse().ok()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_backup_during_edits_restores_every_edit_acknowledged_before_it_began() {
    let dir = tempfile::tempdir().unwrap();
    let live_path = dir.path().join("live.db");
    let (url, codes) = database(&live_path).await;
    let server = Live::start(&url, &[]);

    // A stream of staff edits through the edit form; each acknowledged one (303) is recorded.
    let acknowledged: Arc<Mutex<Vec<(PointCode, usize)>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let editor = {
        let (address, acknowledged, stop, codes) =
            (server.address.clone(), acknowledged.clone(), stop.clone(), codes.clone());
        std::thread::spawn(move || {
            let staff = Staff::log_in(&address, "ed", PASSWORD).unwrap();
            let mut edit = 0;
            while !stop.load(Ordering::Relaxed) {
                let code = &codes[edit % codes.len()];
                let status = staff.set_hours(code.as_str(), &format!("backup edit {edit}"));
                assert_eq!(status, 303, "edit {edit} of {code}");
                acknowledged.lock().unwrap().push((code.clone(), edit));
                edit += 1;
            }
            edit
        })
    };
    while acknowledged.lock().unwrap().len() < 20 {
        std::thread::sleep(Duration::from_millis(20));
    }
    // Everything acknowledged up to this moment must be in the backup.
    let before: Vec<(PointCode, usize)> = acknowledged.lock().unwrap().clone();
    let backup_path = dir.path().join("backup.db");
    let backup = tokio::task::spawn_blocking({
        let (url, backup_path) = (url.clone(), backup_path.clone());
        move || live::run(&["backup", backup_path.to_str().unwrap(), "--database", &url], &[])
    })
    .await
    .unwrap();
    let during_backup = acknowledged.lock().unwrap().len() - before.len();
    assert!(backup.status.success(), "{}", stderr(&backup));
    let said = String::from_utf8_lossy(&backup.stdout);
    assert!(said.contains("346 points") && said.contains("1 staff accounts"), "{said}");
    std::thread::sleep(Duration::from_millis(200));
    stop.store(true, Ordering::Relaxed);
    let edits = editor.join().unwrap();
    assert!(edits > before.len(), "the edits went on after the backup ({edits} in all)");
    server.stop();

    // Restored to a new place, then over the live database (the server stopped), which is set aside.
    for target in [dir.path().join("restored.db"), live_path.clone()] {
        let restored =
            live::run(&["restore", backup_path.to_str().unwrap(), "--database", &url_of(&target)], &[]);
        assert!(restored.status.success(), "{}", stderr(&restored));
        let mut raw = RawDatabase::open_file(&target, true).await.unwrap();
        assert_eq!(raw.integrity_problems().await.unwrap(), Vec::<String>::new());
        raw.close().await.unwrap();
        let db = Db::open_existing(&url_of(&target)).await.unwrap();
        for (code, edit) in &before {
            let point = db.point(code).await.unwrap().unwrap();
            let kept = edit_number(point.record.hours.as_deref());
            assert!(
                kept.is_some_and(|kept| kept >= *edit),
                "edit {edit} of {code} was acknowledged before the backup, the restore holds {:?} \
                 ({} edits before, {during_backup} during the backup)",
                point.record.hours,
                before.len()
            );
        }
        db.close().await;
    }
    let aside: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with("live.db.replaced-"))
        .collect();
    assert_eq!(aside.len(), 1, "{aside:?}");
    // The replaced database is whole: it holds the last edit, made after the backup.
    let replaced = Db::open_existing(&url_of(&dir.path().join(&aside[0]))).await.unwrap();
    let last = &codes[(edits - 1) % codes.len()];
    let point = replaced.point(last).await.unwrap().unwrap();
    assert_eq!(edit_number(point.record.hours.as_deref()), Some(edits - 1));
    replaced.close().await;
}

#[tokio::test]
async fn backup_keeps_an_existing_file_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    let (url, _) = database(&dir.path().join("x.db")).await;
    let target = dir.path().join("existing.db");
    std::fs::write(&target, "keep me").unwrap();
    let refused = live::run(&["backup", target.to_str().unwrap(), "--database", &url], &[]);
    assert!(!refused.status.success());
    assert!(
        stderr(&refused).contains("exists already") && stderr(&refused).contains("--force"),
        "{}",
        stderr(&refused)
    );
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep me");
    let forced = live::run(&["backup", target.to_str().unwrap(), "--force", "--database", &url], &[]);
    assert!(forced.status.success(), "{}", stderr(&forced));
    assert!(std::fs::metadata(&target).unwrap().len() > 10_000);
    let leftovers = std::fs::read_dir(dir.path())
        .unwrap()
        .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().contains(".partial"));
    assert_eq!(leftovers.count(), 0);
}

#[tokio::test]
async fn restore_refuses_files_it_cannot_trust_and_a_running_server() {
    let dir = tempfile::tempdir().unwrap();
    let (url, _) = database(&dir.path().join("live.db")).await;
    let good = dir.path().join("good.db");
    assert!(live::run(&["backup", good.to_str().unwrap(), "--database", &url], &[]).status.success());
    let restore =
        |file: &std::path::Path| live::run(&["restore", file.to_str().unwrap(), "--database", &url], &[]);

    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "not a database at all, just some words ".repeat(200)).unwrap();
    let missing = dir.path().join("missing.db");
    let foreign = dir.path().join("foreign.db");
    let newer = dir.path().join("newer.db");
    std::fs::copy(&good, &newer).unwrap();
    // Test fixtures made with SQL: a SQLite file of another application, and a backup from a
    // legalmap with a migration this binary does not know.
    {
        use sqlx::Connection;
        let options = sqlx::sqlite::SqliteConnectOptions::new().filename(&foreign).create_if_missing(true);
        let mut conn = sqlx::SqliteConnection::connect_with(&options).await.unwrap();
        sqlx::query("CREATE TABLE notes (body TEXT)").execute(&mut conn).await.unwrap();
        conn.close().await.unwrap();
        let options = sqlx::sqlite::SqliteConnectOptions::new().filename(&newer);
        let mut conn = sqlx::SqliteConnection::connect_with(&options).await.unwrap();
        sqlx::query(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
             VALUES (29991231000001, 'from the future', 1, x'00', 0)",
        )
        .execute(&mut conn)
        .await
        .unwrap();
        conn.close().await.unwrap();
    }
    for (file, expected) in [
        (&missing, "no backup at"),
        (&text, "not a readable SQLite database"),
        (&foreign, "not a legalmap database"),
        (&newer, "newer legalmap"),
    ] {
        let refused = restore(file);
        assert!(!refused.status.success(), "{}", file.display());
        assert!(stderr(&refused).contains(expected), "{}: {}", file.display(), stderr(&refused));
    }

    let server = Live::start(&url, &[]);
    let refused = restore(&good);
    assert!(!refused.status.success());
    assert!(stderr(&refused).contains("is in use"), "{}", stderr(&refused));
    assert_eq!(live::request(&server.address, "GET", "/readyz", "", None).status, 200);
    server.stop();
    // Nothing was set aside by the refusals.
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!names.iter().any(|n| n.contains("replaced") || n.contains("partial")), "{names:?}");
    assert!(restore(&good).status.success());
}
