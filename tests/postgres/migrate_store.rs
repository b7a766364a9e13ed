//! `legalmap migrate-store`: an SQLite store with history, imports, accounts, sessions,
//! reports and places copied into PostgreSQL row for row, and the targets it refuses.

use std::process::{Command, Output};

use axum::http::StatusCode;
use legalmap::app::Settings;
use legalmap::coverage::places::Place;
use legalmap::db::{Change, ChangeFilter, Db, ReportFilter, Store};
use legalmap::domain::account_event::AccountEventFilter;
use legalmap::domain::report::{NewReport, ReportKind, ReportState};
use legalmap::domain::staff::Role;
use legalmap::domain::{LonLat, PointCode};
use legalmap::points::seed::bundled_points;

use crate::support::{RawPool, Session, TestApp, TestDatabase};

fn migrate(from: &str, to: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_legalmap"))
        .args(["migrate-store", "--from", from, "--to", to])
        .env("RUST_LOG", "warn")
        .output()
        .unwrap()
}

/// An SQLite store that has been used: staff edits and a retirement (history), an import (a
/// batch), accounts with towns, events and a failed login, a live session, a report, places.
async fn used_sqlite_store(dir: &std::path::Path) -> (TestApp, String, Session) {
    let url = format!("sqlite://{}", dir.join("source.db").display());
    let app = TestApp::on_database(&url, Settings::default()).await;
    let session = app.staff("chen", Role::Admin).await;
    app.create_staff("wang", Role::Editor).await;
    let wang = app.state.db.user_for_login("wang").await.unwrap().unwrap().0;
    app.state.db.set_user_towns(wang.id, &["331003001".to_owned()]).await.unwrap();
    app.log_in_from("wang", "not the password", [10, 0, 0, 1]).await.unwrap_err();
    assert_eq!(app.move_baihua_to_the_mountains(&session).await.status, StatusCode::SEE_OTHER);
    let code = PointCode::parse("331003001002").unwrap();
    let change = Change { actor: "chen", reason: Some("村居合并") };
    app.state.db.retire_point(&code, 1, change).await.unwrap();
    let records: Vec<_> = bundled_points()
        .into_iter()
        .take(5)
        .map(|point| legalmap::domain::PointRecord { phone: Some("0576-84000000".into()), ..point.record })
        .collect();
    app.state.db.import_points(&records, change, false, "phones.csv").await.unwrap();
    let report = NewReport {
        code: PointCode::parse("331003001003").unwrap(),
        kind: ReportKind::Location,
        description: Some("门牌写错了".into()),
        location: None,
    };
    app.state.db.add_report(&report).await.unwrap();
    let place = Place {
        name: "北城小区".into(),
        location: LonLat::parse(121.26, 28.65).unwrap(),
        population: Some(1200),
    };
    app.state.db.replace_places(&[place], "chen").await.unwrap();
    (app, url, session)
}

/// Everything a store holds, as the application reads it.
async fn everything(db: &dyn Store) -> Vec<String> {
    let reports = |state| ReportFilter { state, towns: None };
    vec![
        format!("{:?}", db.all_points().await.unwrap()),
        format!("{:?}", db.changes(&ChangeFilter::default(), 100_000, 0).await.unwrap()),
        format!("{:?}", db.import_batches().await.unwrap()),
        format!("{:?}", db.users().await.unwrap()),
        format!("{:?}", db.all_user_towns().await.unwrap()),
        format!("{:?}", db.account_events(&AccountEventFilter::default()).await.unwrap()),
        format!("{:?}", db.reports(&reports(ReportState::Open), 100, 0).await.unwrap()),
        format!("{:?}", db.places().await.unwrap()),
    ]
}

#[tokio::test]
async fn an_sqlite_store_is_copied_row_for_row_and_then_served_from_postgres() {
    let dir = tempfile::tempdir().unwrap();
    let (source, source_url, session) = used_sqlite_store(dir.path()).await;
    let target = TestDatabase::create().await;

    let output = migrate(&source_url, &target.url());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains("346 points, 2 staff accounts") && stdout.contains("counts checked"), "{stdout}");

    let copied = Db::connect(&target.url()).await.unwrap();
    assert_eq!(everything(&*copied).await, everything(&*source.state.db).await);
    // A session made on SQLite works on an instance serving the copy.
    let served = TestApp::on_database(&target.url(), Settings::default()).await;
    assert_eq!(served.get_as(&session, "/admin/points").await.status, StatusCode::OK);
    // New rows continue after the copied ids.
    let newest = copied.changes(&ChangeFilter::default(), 1, 0).await.unwrap()[0].id;
    let change = Change { actor: "chen", reason: None };
    let point = copied.point(&PointCode::parse("331003001004").unwrap()).await.unwrap().unwrap();
    copied.verify_point(&point.record.code, point.version, change).await.unwrap();
    assert!(copied.changes(&ChangeFilter::default(), 1, 0).await.unwrap()[0].id > newest);
}

#[tokio::test]
async fn a_target_with_data_or_other_tables_is_refused_and_left_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let (_source, source_url, _) = used_sqlite_store(dir.path()).await;

    let used = TestDatabase::create().await;
    assert!(migrate(&source_url, &used.url()).status.success());
    let again = migrate(&source_url, &used.url());
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(!again.status.success() && stderr.contains("holds legalmap data already"), "{stderr}");
    let raw = RawPool::connect(&used.url()).await;
    assert_eq!(raw.rows_as_text("SELECT count(*) FROM points").await, [["346"]]);
    raw.close().await;

    let foreign = TestDatabase::create().await;
    let raw = RawPool::connect(&foreign.url()).await;
    raw.execute("CREATE TABLE notes (body text)", &[]).await;
    let refused = migrate(&source_url, &foreign.url());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success() && stderr.contains("not legalmap's (notes)"), "{stderr}");
    assert_eq!(raw.rows_as_text("SELECT (to_regclass('points') IS NULL)::text").await, [["true"]]);
    raw.close().await;

    let backwards = migrate(&foreign.url(), &source_url);
    let stderr = String::from_utf8_lossy(&backwards.stderr);
    assert!(
        !backwards.status.success() && stderr.contains("copies an SQLite store into PostgreSQL"),
        "{stderr}"
    );
}
