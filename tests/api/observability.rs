//! What operators see: the request log (text and JSON), the metrics listener, and the
//! health and readiness probes, including readiness once the database is gone.

use axum::http::StatusCode;

use crate::live::{self, Live, Staff, request};
use crate::support::TestApp;

const PASSWORD: &str = "observability-test-password";

/// A fresh database with the bundled points and an admin `ops`.
fn database(dir: &tempfile::TempDir) -> String {
    let url = format!("sqlite://{}", dir.path().join("ops.db").display());
    let added = live::run(
        &["user", "add", "ops", "--role", "admin", "--database", &url],
        &[("LEGALMAP_PASSWORD", PASSWORD)],
    );
    assert!(added.status.success(), "{}", String::from_utf8_lossy(&added.stderr));
    url
}

#[test]
fn the_metrics_listener_exports_requests_edits_login_failures_index_and_pool() {
    let dir = tempfile::tempdir().unwrap();
    let server = Live::start(&database(&dir), &["--metrics-listen", "127.0.0.1:0"]);
    let metrics_address = server.metrics.clone().expect("the metrics address is logged");
    assert_ne!(metrics_address, server.address);

    let nearest = request(&server.address, "GET", "/api/v1/nearest?lat=28.64&lon=121.26", "", None);
    assert_eq!(nearest.status, 200);
    assert_eq!(request(&server.address, "GET", "/points/331003107213", "", None).status, 200);
    assert_eq!(request(&server.address, "GET", "/no/such/page", "", None).status, 404);
    assert_eq!(Staff::log_in(&server.address, "ops", "wrong password!").err(), Some(401));
    let staff = Staff::log_in(&server.address, "ops", PASSWORD).unwrap();
    assert_eq!(staff.set_hours("331003107213", "周一至周五 9:00-17:00"), 303);
    // Not on the public router.
    assert_eq!(request(&server.address, "GET", "/metrics", "", None).status, 404);

    let scrape = request(&metrics_address, "GET", "/metrics", "", None);
    assert_eq!(scrape.status, 200);
    assert!(scrape.header("content-type").unwrap().starts_with("application/openmetrics-text"));
    let text = scrape.body;
    for line in [
        r#"legalmap_http_requests_total{method="GET",route="/api/v1/nearest",status="200"} 1"#,
        r#"legalmap_http_requests_total{method="GET",route="/points/{code}",status="200"} 1"#,
        // The unknown page and /metrics asked of the public address.
        r#"legalmap_http_requests_total{method="GET",route="unmatched",status="404"} 2"#,
        r#"legalmap_http_requests_total{method="POST",route="/admin/login",status="401"} 1"#,
        r#"legalmap_http_requests_total{method="POST",route="/admin/points/{code}",status="303"} 1"#,
        r#"legalmap_login_failures_total{reason="bad_credentials"} 1"#,
        "legalmap_staff_edits_total 1",
        "legalmap_index_points 346",
        "legalmap_index_version 2",
    ] {
        assert!(text.lines().any(|l| l == line), "missing {line:?} in\n{text}");
    }
    for prefix in [
        r#"legalmap_http_request_duration_seconds_count{method="GET",route="/api/v1/nearest"} 1"#,
        r#"legalmap_db_pool_connections{state="open"} "#,
        r#"legalmap_db_pool_connections{state="idle"} "#,
    ] {
        assert!(text.lines().any(|l| l.starts_with(prefix)), "missing {prefix:?} in\n{text}");
    }
    assert!(!text.contains("331003107213"), "a point code in a label:\n{text}");

    let log = server.stop();
    let line = log.lines().find(|l| l.contains("route=/api/v1/nearest")).expect("a request line");
    assert!(
        line.contains("method=GET") && line.contains("status=200") && line.contains("duration_ms="),
        "{line}"
    );
    assert!(log.contains("route=/points/{code}"), "{log}");
    assert!(
        !log.contains("28.64") && !log.contains("121.26") && !log.contains("lat="),
        "coordinates logged:\n{log}"
    );
    assert!(!log.contains("331003107213"), "a path logged:\n{log}");
    assert!(!log.contains('\u{1b}'), "colour codes in a log that is not a terminal:\n{log}");
}

#[test]
fn the_json_log_has_one_object_per_line_with_the_request_fields() {
    let dir = tempfile::tempdir().unwrap();
    let server = Live::start(&database(&dir), &["--log-format", "json"]);
    assert_eq!(request(&server.address, "GET", "/api/v1/nearest?lat=28.64&lon=121.26", "", None).status, 200);
    let log = server.stop();
    let lines: Vec<serde_json::Value> = log
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect();
    let finished = lines
        .iter()
        .find(|line| line["span"]["route"] == "/api/v1/nearest")
        .unwrap_or_else(|| panic!("no request line in\n{log}"));
    assert_eq!(finished["span"]["method"], "GET");
    assert_eq!(finished["status"], 200);
    assert!(finished["duration_ms"].as_f64().unwrap() >= 0.0, "{finished}");
    assert!(!log.contains("28.64"), "{log}");
}

#[tokio::test]
async fn readiness_stays_200_without_the_database_and_says_so() {
    let app = TestApp::new().await;
    let (status, ready) = app.get_json("/readyz").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ready["database"], "ok");
    assert_eq!(ready["points"], 346);
    let (status, health) = app.get_json("/healthz").await;
    assert_eq!((status, &health["status"]), (StatusCode::OK, &serde_json::json!("ok")));

    // The pool closed, as after a fatal database error: every query now fails at once.
    app.state.db.close().await;
    let (status, ready) = app.get_json("/readyz").await;
    assert_eq!(status, StatusCode::OK, "{ready}");
    assert_eq!(ready["database"], "unreachable");
    assert_eq!(ready["status"], "ready");
    // Residents are still answered from the index.
    let (status, nearest) = app.get_json("/api/v1/nearest?lat=28.64&lon=121.26").await;
    assert_eq!(status, StatusCode::OK, "{nearest}");
    assert_eq!(app.get_json("/healthz").await.0, StatusCode::OK);
}
