//! Start-up and the terminal commands refuse what they cannot use before they create anything:
//! a database URL of another kind or in a missing folder, an address that cannot be listened
//! on, and (for the commands that only read or change what exists) a database that is not there.

use std::path::Path;

use crate::live;

fn url_of(path: &Path) -> String {
    format!("sqlite://{}", path.display())
}

fn entries(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect()
}

/// Runs the binary in `dir` and expects a refusal saying `expected`.
fn refused(dir: &Path, args: &[&str], expected: &str) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_legalmap"))
        .args(args)
        .current_dir(dir)
        .env("LEGALMAP_PASSWORD", "a-long-enough-password")
        .env_remove("LEGALMAP_DATABASE_URL")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{args:?} succeeded");
    assert!(stderr.contains(expected), "{args:?}: expected {expected:?} in\n{stderr}");
}

#[test]
fn serve_refuses_an_unusable_database_url_before_creating_anything() {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path();
    refused(
        work,
        &["serve", "--listen", "127.0.0.1:0", "--database", "mysql://db/legalmap"],
        "unsupported database URL",
    );
    refused(work, &["--listen", "127.0.0.1:0", "--database", "legalmap.db"], "give sqlite://PATH");
    let in_missing_folder = url_of(&work.join("no-such-folder/legalmap.db"));
    refused(work, &["--listen", "127.0.0.1:0", "--database", &in_missing_folder], "does not exist");
    assert_eq!(entries(work), Vec::<String>::new());
}

#[test]
fn serve_refuses_a_bad_listen_address_before_creating_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let url = url_of(&dir.path().join("legalmap.db"));
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let taken = taken.local_addr().unwrap().to_string();
    for listen in ["127.0.0.1:99999", "nowhere", taken.as_str()] {
        refused(dir.path(), &["--listen", listen, "--database", &url], &format!("cannot listen on {listen}"));
    }
    refused(
        dir.path(),
        &["--listen", "127.0.0.1:0", "--metrics-listen", &taken, "--database", &url],
        "--metrics-listen",
    );
    assert_eq!(entries(dir.path()), Vec::<String>::new());
}

#[test]
fn reading_commands_open_existing_databases_only() {
    let dir = tempfile::tempdir().unwrap();
    let typo = url_of(&dir.path().join("legalmpa.db"));
    let backup = dir.path().join("backup.db");
    for args in [
        vec!["export", "--database", &typo],
        vec!["coverage", "--mode", "walk", "--database", &typo],
        vec!["campaign", "--database", &typo],
        vec!["backup", backup.to_str().unwrap(), "--database", &typo],
        vec!["user", "password", "chen", "--database", &typo],
        vec!["user", "unlock", "chen", "--database", &typo],
    ] {
        refused(dir.path(), &args, "no database at");
    }
    assert_eq!(entries(dir.path()), Vec::<String>::new());
}

#[test]
fn import_and_user_add_create_a_database() {
    let dir = tempfile::tempdir().unwrap();
    let users = dir.path().join("users.db");
    let added = live::run(
        &["user", "add", "chen", "--database", &url_of(&users)],
        &[("LEGALMAP_PASSWORD", "a-long-enough-password")],
    );
    assert!(added.status.success(), "{}", String::from_utf8_lossy(&added.stderr));
    assert!(users.is_file());
    let points = dir.path().join("points.db");
    let csv = concat!(env!("CARGO_MANIFEST_DIR"), "/data/points.csv");
    let imported = live::run(&["import", csv, "--dry-run", "--database", &url_of(&points)], &[]);
    assert!(imported.status.success(), "{}", String::from_utf8_lossy(&imported.stderr));
    assert!(points.is_file());
}
