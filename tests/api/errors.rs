//! Bad input gets a 4xx with `{"error": {"code", "message"}}` naming what was wrong; no query
//! string produces a 5xx.

use axum::http::StatusCode;
use proptest::prelude::*;

use crate::support::TestApp;

const BAD_QUERIES: &[(&str, u16, &str, &str)] = &[
    // (uri, status, error code, a word the message must contain)
    ("/api/v1/nearest", 400, "missing_parameter", "lat"),
    ("/api/v1/nearest?lat=28.6", 400, "missing_parameter", "lon"),
    ("/api/v1/nearest?lat=&lon=121.2", 400, "missing_parameter", "lat"),
    ("/api/v1/nearest?lat=abc&lon=121.2", 400, "invalid_parameter", "lat"),
    ("/api/v1/nearest?lat=28.6&lon=121,2", 400, "invalid_parameter", "lon"),
    ("/api/v1/nearest?lat=NaN&lon=121.2", 400, "invalid_parameter", "finite"),
    ("/api/v1/nearest?lat=28.6&lon=inf", 400, "invalid_parameter", "finite"),
    ("/api/v1/nearest?lat=1e999&lon=121.2", 400, "invalid_parameter", "finite"),
    ("/api/v1/nearest?lat=91&lon=121.2", 400, "out_of_range", "latitude"),
    ("/api/v1/nearest?lat=28.6&lon=-180.5", 400, "out_of_range", "longitude"),
    ("/api/v1/nearest?lat=28.6&lon=121.2&crs=mars", 400, "invalid_crs", "mars"),
    ("/api/v1/nearest?lat=28.6&lon=121.2&mode=fly", 400, "invalid_mode", "fly"),
    ("/api/v1/nearest?lat=28.6&lon=121.2&minutes=0", 400, "out_of_range", "minutes"),
    ("/api/v1/nearest?lat=28.6&lon=121.2&minutes=121", 400, "out_of_range", "minutes"),
    ("/api/v1/nearest?lat=28.6&lon=121.2&minutes=soon", 400, "invalid_parameter", "minutes"),
    ("/api/v1/nearest?lat=28.6&lon=121.2&limit=0", 400, "out_of_range", "limit"),
    ("/api/v1/nearest?lat=28.6&lon=121.2&limit=51", 400, "out_of_range", "limit"),
    ("/api/v1/nearest?lat=28.6&lon=121.2&limit=2.5", 400, "invalid_parameter", "limit"),
    ("/api/v1/nearest?lat=28.6&lon=121.2&limit=-1", 400, "invalid_parameter", "limit"),
    ("/api/v1/nearest?lat=28.6&lat=28.7&lon=121.2", 400, "invalid_query", "lat"),
    ("/api/v1/reachable?lon=121.2", 400, "missing_parameter", "lat"),
    ("/api/v1/reachable?lat=28.6&lon=121.2&mode=swim", 400, "invalid_mode", "swim"),
    ("/api/v1/reachable?lat=28.6&lon=121.2&limit=1001", 400, "out_of_range", "limit"),
    ("/api/v1/points?q=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 400, "out_of_range", "q"),
    ("/api/v1/points/12", 400, "invalid_code", "12"),
    ("/api/v1/points/331003999999", 404, "not_found", "331003999999"),
    ("/api/v1/nowhere", 404, "not_found", "/api/v1/nowhere"),
    ("/api/v2/points", 404, "not_found", "/api/v2/points"),
    ("/api", 404, "not_found", "/api"),
];

#[tokio::test]
async fn bad_input_table() {
    let app = TestApp::new().await;
    for (uri, status, code, word) in BAD_QUERIES {
        let (got_status, body) = app.get_json(uri).await;
        assert_eq!(got_status.as_u16(), *status, "{uri}: {body}");
        assert_eq!(body["error"]["code"], *code, "{uri}: {body}");
        let message = body["error"]["message"].as_str().unwrap();
        assert!(message.contains(word), "{uri}: message {message:?} should mention {word:?}");
    }
}

#[tokio::test]
async fn wrong_method_on_the_api_is_json() {
    let app = TestApp::new().await;
    let (status, content_type, body) = app.request("POST", "/api/v1/nearest?lat=28&lon=121").await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(content_type.starts_with("application/json"));
    let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(body["error"]["code"], "method_not_allowed");
}

#[tokio::test]
async fn unknown_pages_are_html_in_chinese() {
    let app = TestApp::new().await;
    let (status, content_type, body) = app.get_raw("/no-such-page").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(content_type.starts_with("text/html"));
    let html = String::from_utf8(body).unwrap();
    assert!(html.contains(r#"lang="zh-CN""#) && html.contains("没有找到"));
}

/// Characters that stress the query parser: separators, escapes, signs, exponents, non-ASCII.
fn query_value() -> impl Strategy<Value = String> {
    prop::string::string_regex("[0-9a-zA-Z.,eE+%&=;#\\-_ 院桥\u{0}]{0,12}").unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn no_query_string_produces_a_server_error(
        path in prop::sample::select(vec!["/api/v1/nearest", "/api/v1/reachable", "/api/v1/points"]),
        params in prop::collection::vec(
            (prop::sample::select(vec!["lat", "lon", "crs", "mode", "minutes", "limit", "town", "q", "x"]), query_value()),
            0..7,
        ),
    ) {
        let query: Vec<String> = params.iter().map(|(key, value)| format!("{key}={}", encode(value))).collect();
        let uri = format!("{path}?{}", query.join("&"));
        let (runtime, app) = shared_app();
        let status = runtime.block_on(app.get_raw(&uri)).0;
        prop_assert!(status.is_success() || status.is_client_error(), "{uri}: {status}");
    }
}

/// Percent-encodes everything but unreserved characters, as a browser would; `%` itself is
/// left raw half the time so malformed escapes are tried too.
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'%' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// One app (and runtime) for all property cases: building 200 databases would only test the
/// set-up.
fn shared_app() -> &'static (tokio::runtime::Runtime, TestApp) {
    static APP: std::sync::OnceLock<(tokio::runtime::Runtime, TestApp)> = std::sync::OnceLock::new();
    APP.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let app = runtime.block_on(TestApp::new());
        (runtime, app)
    })
}
