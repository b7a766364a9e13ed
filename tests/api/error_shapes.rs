//! One error shape per audience: a page never answers with JSON (nor axum's plain text), the
//! API never with HTML, whichever extractor refused the request or whatever failed inside.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use legalmap::domain::staff::Role;

use crate::support::{Session, TestApp};

/// Status, content type and body of the answer to `request`, sent as `session` if given.
async fn answer(app: &TestApp, request: Request<Body>) -> (StatusCode, String, String) {
    let response = app.send(request).await;
    let status = response.status();
    let content_type =
        response.headers().get("content-type").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, content_type, String::from_utf8_lossy(&body).into_owned())
}

fn request(method: &str, uri: &str, session: Option<&Session>) -> axum::http::request::Builder {
    let builder = Request::builder().method(method).uri(uri);
    match session {
        Some(session) => builder.header("cookie", &session.cookie),
        None => builder,
    }
}

fn assert_page(uri: &str, status: StatusCode, expected: StatusCode, content_type: &str, body: &str) {
    assert_eq!(status, expected, "{uri}: {body}");
    assert!(content_type.starts_with("text/html"), "{uri}: content type {content_type:?}: {body}");
    assert!(body.contains(r#"lang="zh-CN""#), "{uri}: not our page: {body}");
}

fn assert_api(uri: &str, status: StatusCode, expected: (StatusCode, &str), content_type: &str, body: &str) {
    assert_eq!(status, expected.0, "{uri}: {body}");
    assert!(content_type.starts_with("application/json"), "{uri}: content type {content_type:?}: {body}");
    let json: serde_json::Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("{uri}: {e}: {body}"));
    assert_eq!(json["error"]["code"], expected.1, "{uri}: {body}");
    assert!(!json["error"]["message"].as_str().unwrap().is_empty(), "{uri}");
}

#[tokio::test]
async fn staff_pages_answer_bad_requests_with_html_pages() {
    let app = TestApp::new().await;
    let session = app.staff("chen", Role::Admin).await;
    let gets: &[(&str, StatusCode)] = &[
        // A repeated filter field: the query string does not parse.
        ("/admin/points?q=a&q=b", StatusCode::BAD_REQUEST),
        ("/admin/points?retired=1&retired=1", StatusCode::BAD_REQUEST),
        ("/admin/points/%FF", StatusCode::NOT_FOUND),
        ("/admin/points/%FF/history", StatusCode::NOT_FOUND),
        ("/admin/nowhere", StatusCode::NOT_FOUND),
    ];
    for (uri, expected) in gets {
        let (status, content_type, body) =
            answer(&app, request("GET", uri, Some(&session)).body(Body::empty()).unwrap()).await;
        assert_page(uri, status, *expected, &content_type, &body);
    }
    let (status, content_type, body) =
        answer(&app, request("GET", "/admin/points?q=a&q=b", Some(&session)).body(Body::empty()).unwrap())
            .await;
    assert_page("filter", status, StatusCode::BAD_REQUEST, &content_type, &body);
    assert!(body.contains("查询参数有误"), "{body}");

    // A good filter still works.
    let (status, content_type, body) =
        answer(&app, request("GET", "/admin/points?q=百花", Some(&session)).body(Body::empty()).unwrap())
            .await;
    assert_page("good filter", status, StatusCode::OK, &content_type, &body);

    let form = |uri: &str| {
        request("POST", uri, Some(&session))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(format!("csrf={}&password=correct+horse+battery+2", session.csrf)))
            .unwrap()
    };
    // A non-numeric account id.
    let (status, content_type, body) = answer(&app, form("/admin/users/abc/password")).await;
    assert_page("/admin/users/abc/password", status, StatusCode::NOT_FOUND, &content_type, &body);
    // An upload that is not multipart.
    let (status, content_type, body) = answer(&app, form("/admin/import")).await;
    assert_page("/admin/import (not multipart)", status, StatusCode::BAD_REQUEST, &content_type, &body);
    let (status, content_type, body) = answer(&app, form("/admin/coverage/places")).await;
    assert_page(
        "/admin/coverage/places (not multipart)",
        status,
        StatusCode::BAD_REQUEST,
        &content_type,
        &body,
    );
    // A method the staff router does not have.
    let (status, content_type, body) =
        answer(&app, request("DELETE", "/admin/points", Some(&session)).body(Body::empty()).unwrap()).await;
    assert_page("DELETE /admin/points", status, StatusCode::METHOD_NOT_ALLOWED, &content_type, &body);
}

#[tokio::test]
async fn residents_pages_answer_bad_requests_with_html_pages() {
    let app = TestApp::new().await;
    for (uri, expected) in [
        ("/points/%FF", StatusCode::NOT_FOUND),
        ("/static/no-such-file.css", StatusCode::NOT_FOUND),
        ("/nearest?lat=1&lat=2", StatusCode::BAD_REQUEST),
    ] {
        let (status, content_type, body) =
            answer(&app, request("GET", uri, None).body(Body::empty()).unwrap()).await;
        assert_page(uri, status, expected, &content_type, &body);
    }
    let (status, content_type, body) =
        answer(&app, request("POST", "/", None).body(Body::empty()).unwrap()).await;
    assert_page("POST /", status, StatusCode::METHOD_NOT_ALLOWED, &content_type, &body);
}

#[tokio::test]
async fn the_api_answers_bad_requests_with_json() {
    let app = TestApp::new().await;
    let cases: &[(&str, &str, (StatusCode, &str))] = &[
        ("GET", "/api/v1/points/%FF", (StatusCode::BAD_REQUEST, "invalid_path")),
        ("GET", "/api/v1/points?town=a&town=b", (StatusCode::BAD_REQUEST, "invalid_query")),
        ("GET", "/api/v1/coverage?mode=walk&mode=bike", (StatusCode::BAD_REQUEST, "invalid_query")),
        (
            "GET",
            "/api/v1/coverage/gaps.geojson?mode=walk&mode=walk",
            (StatusCode::BAD_REQUEST, "invalid_query"),
        ),
        ("DELETE", "/api/v1/points", (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed")),
        ("POST", "/api/v1/points/331003001001", (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed")),
        ("GET", "/api/v1/points/331003001001/nothing", (StatusCode::NOT_FOUND, "not_found")),
        // What no route matches: the catch-all routes do not take an empty rest.
        ("GET", "/api/", (StatusCode::NOT_FOUND, "not_found")),
        ("GET", "/api/v1/", (StatusCode::NOT_FOUND, "not_found")),
        ("PUT", "/api/", (StatusCode::NOT_FOUND, "not_found")),
        ("GET", "/api/v1/points/", (StatusCode::NOT_FOUND, "not_found")),
        ("GET", "/api/v1/nearest?lat=28.6&lat=28.7&lon=121.2", (StatusCode::BAD_REQUEST, "invalid_query")),
        ("GET", "/api/v1/nearest?lat=%ZZ&lon=121.2", (StatusCode::BAD_REQUEST, "invalid_parameter")),
        (
            "POST",
            "/api/v1/nearest?lat=28.6&lon=121.2",
            (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
        ),
        ("PATCH", "/api/v1/openapi.json", (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed")),
    ];
    for (method, uri, expected) in cases {
        let body = Body::from(r#"{"name": "x"}"#);
        let request =
            request(method, uri, None).header("content-type", "application/json").body(body).unwrap();
        let (status, content_type, body) = answer(&app, request).await;
        assert_api(&format!("{method} {uri}"), status, *expected, &content_type, &body);
    }
}

#[tokio::test]
async fn bodies_the_api_does_not_take_are_refused_in_json() {
    let app = TestApp::new().await;
    let big = vec![b'x'; 3 * 1024 * 1024];
    for (content_type, body) in [("application/json", big.clone()), ("text/xml", b"<a/>".to_vec()), ("", big)]
    {
        let mut builder = request("POST", "/api/v1/points", None);
        if !content_type.is_empty() {
            builder = builder.header("content-type", content_type);
        }
        let (status, got_type, body) = answer(&app, builder.body(Body::from(body)).unwrap()).await;
        let expected = (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");
        assert_api(&format!("POST {content_type}"), status, expected, &got_type, &body);
    }
}

/// The longest run of `c` in `text`.
fn longest_run(text: &str, c: char) -> usize {
    text.split(|other| other != c).map(|run| run.chars().count()).max().unwrap_or(0)
}

#[tokio::test]
async fn error_messages_quote_at_most_100_characters_of_the_input() {
    let app = TestApp::new().await;
    let long = "x".repeat(5000);
    let cases = [
        (format!("/api/v1/nearest?lat={long}&lon=121.2"), "invalid_parameter"),
        (format!("/api/v1/nearest?lat=28.6&lon=121.2&crs={long}"), "invalid_crs"),
        (format!("/api/v1/coverage?mode={long}"), "invalid_mode"),
        (format!("/api/v1/reachable?lat=28.6&lon=121.2&mode={long}"), "invalid_mode"),
        (format!("/api/v1/points/{long}"), "invalid_code"),
        (format!("/api/v1/{long}"), "not_found"),
        (format!("/api/{long}/"), "not_found"),
    ];
    for (uri, code) in cases {
        let (status, content_type, body) =
            answer(&app, request("GET", &uri, None).body(Body::empty()).unwrap()).await;
        assert!(status.is_client_error() && content_type.starts_with("application/json"), "{status} {body}");
        let json: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(json["error"]["code"], code, "{body}");
        let message = json["error"]["message"].as_str().unwrap();
        assert!((90..=100).contains(&longest_run(message, 'x')), "{message}");
        assert!(message.contains("x…"), "{message}");
    }
    let (_, _, body) =
        answer(&app, request("DELETE", &format!("/api/v1/points?{long}"), None).body(Body::empty()).unwrap())
            .await;
    assert!(longest_run(&body, 'x') <= 100, "{body}");
}

#[tokio::test]
async fn internal_failures_are_a_generic_500_in_each_shape() {
    let app = TestApp::new().await;
    let session = app.staff("chen", Role::Editor).await;
    app.state.db.close().await;

    let (status, content_type, body) =
        answer(&app, request("GET", "/api/v1/coverage", None).body(Body::empty()).unwrap()).await;
    assert_api(
        "/api/v1/coverage",
        status,
        (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        &content_type,
        &body,
    );
    assert!(!body.to_lowercase().contains("pool"), "the cause stays in the log: {body}");

    for uri in ["/admin/points", "/admin/points?q=a&q=b", "/admin/export.csv"] {
        let (status, content_type, body) =
            answer(&app, request("GET", uri, Some(&session)).body(Body::empty()).unwrap()).await;
        assert_page(uri, status, StatusCode::INTERNAL_SERVER_ERROR, &content_type, &body);
        assert!(body.contains("已记录") && !body.to_lowercase().contains("pool"), "{uri}: {body}");
    }
}
