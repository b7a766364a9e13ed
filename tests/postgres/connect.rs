//! A PostgreSQL database that cannot be used gets a message that says why and what to check,
//! and nothing is changed: a URL that does not parse, a refused user, a missing database, a
//! server not there, a database migrated by a newer legalmap.

use std::process::Command;

use legalmap::db::Db;

use crate::support::{RawPool, TestDatabase};

/// `legalmap export` (which opens an existing database only) on `url`: its error output.
fn refusal(url: &str) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_legalmap"))
        .args(["export", "--database", url])
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    assert!(!output.status.success(), "{url} was accepted");
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn unusable_urls_servers_and_users_are_named_in_the_message() {
    let cases = [
        ("postgres://postgres@127.0.0.1:5432/test?sslmode=sometimes", "invalid PostgreSQL URL"),
        ("postgres://no_such_user_here@127.0.0.1:5432/test", r#"refused user "no_such_user_here""#),
        ("postgres://postgres@127.0.0.1:5432/no_such_database_here", "createdb no_such_database_here"),
        ("postgres://postgres@127.0.0.1:1/test", "cannot reach PostgreSQL at 127.0.0.1:1"),
        ("mysql://root@127.0.0.1/test", "unsupported database URL"),
    ];
    for (url, expected) in cases {
        let stderr = refusal(url);
        assert!(stderr.contains(expected), "{url}: {stderr}");
    }
}

#[tokio::test]
async fn a_database_migrated_by_a_newer_legalmap_is_refused_untouched() {
    let database = TestDatabase::create().await;
    Db::connect(&database.url()).await.unwrap().close().await;
    let raw = RawPool::connect(&database.url()).await;
    raw.execute(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
         VALUES (29991231000001, 'from the future', true, '\\x00', 0)",
        &[],
    )
    .await;
    let before = raw
        .rows_as_text("SELECT count(*)::text, (SELECT count(*)::text FROM points) FROM _sqlx_migrations")
        .await;

    let stderr = refusal(&database.url());
    assert!(stderr.contains("migrated by a newer legalmap") && stderr.contains("29991231000001"), "{stderr}");
    let after = raw
        .rows_as_text("SELECT count(*)::text, (SELECT count(*)::text FROM points) FROM _sqlx_migrations")
        .await;
    assert_eq!(before, after);
    raw.close().await;
}
