//! What clients and proxies may keep: staff answers nothing (`no-store`), static files a year,
//! and the coverage gaps until the points change (an ETag, made once per version of the points).

use std::io::Read;

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use http_body_util::BodyExt;
use legalmap::domain::staff::Role;

use crate::support::TestApp;

const GAPS: &str = "/api/v1/coverage/gaps.geojson?mode=walk";

#[tokio::test]
async fn staff_answers_are_never_stored_and_static_files_are_kept_a_year() {
    let app = TestApp::new().await;
    let session = app.staff("chen", Role::Admin).await;
    let anonymous = ["/admin/login", "/admin", "/admin/points"];
    for uri in anonymous {
        let response = app.send(Request::get(uri).body(Body::empty()).unwrap()).await;
        assert_eq!(cache_control(response.headers()), "no-store", "{uri} ({})", response.status());
    }
    let staff = [
        "/admin/points",
        "/admin/points/331003001001",
        "/admin/export.csv",
        "/admin/export.geojson",
        "/admin/changes.csv",
        "/admin/campaign.json",
        "/admin/coverage/cells.png?mode=walk",
        "/admin/nowhere",
        "/admin/points/%FF",
    ];
    for uri in staff {
        let request = Request::get(uri).header("cookie", &session.cookie).body(Body::empty()).unwrap();
        let response = app.send(request).await;
        assert_eq!(cache_control(response.headers()), "no-store", "{uri} ({})", response.status());
    }

    let css = legalmap::web::assets::url("app.css");
    let response = app.send(Request::get(&css).body(Body::empty()).unwrap()).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(cache_control(response.headers()), "public, max-age=31536000, immutable");
    let response = app.send(Request::get("/").body(Body::empty()).unwrap()).await;
    assert_ne!(cache_control(response.headers()), "no-store", "residents' pages are not staff pages");
}

fn cache_control(headers: &HeaderMap) -> String {
    headers.get_all(header::CACHE_CONTROL).iter().map(|v| v.to_str().unwrap()).collect::<Vec<_>>().join(", ")
}

/// GETs the gaps with these request headers: status, response headers, body as sent.
async fn get_gaps(app: &TestApp, headers: &[(&str, &str)]) -> (StatusCode, HeaderMap, Vec<u8>) {
    let mut request = Request::get(GAPS);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = app.send(request.body(Body::empty()).unwrap()).await;
    let (status, headers) = (response.status(), response.headers().clone());
    (status, headers, response.into_body().collect().await.unwrap().to_bytes().to_vec())
}

#[tokio::test]
async fn the_gaps_come_gzipped_once_with_an_etag_that_changes_with_the_points() {
    let app = TestApp::new().await;
    let (status, headers, gzipped) = get_gaps(&app, &[("accept-encoding", "gzip, br")]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers.get_all(header::CONTENT_ENCODING).iter().count(), 1, "compressed once: {headers:?}");
    assert_eq!(headers[header::CONTENT_ENCODING], "gzip");
    assert_eq!(headers[header::CONTENT_TYPE], "application/geo+json");
    let mut json = Vec::new();
    flate2::read::GzDecoder::new(&gzipped[..]).read_to_end(&mut json).unwrap();
    let gaps: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert!(gaps["features"].as_array().unwrap().len() > 100);
    assert!(gzipped.len() * 4 < json.len(), "{} bytes gzipped from {}", gzipped.len(), json.len());
    let etag = headers[header::ETAG].to_str().unwrap().to_owned();

    let (status, headers, plain) = get_gaps(&app, &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers.get(header::CONTENT_ENCODING).is_none());
    assert_eq!(plain, json, "the same content, not compressed");
    let plain_etag = headers[header::ETAG].to_str().unwrap().to_owned();
    assert_ne!(plain_etag, etag, "each encoding has its own tag");

    for sent in [etag.as_str(), plain_etag.as_str(), &format!("\"other\", W/{etag}")] {
        let (status, headers, body) =
            get_gaps(&app, &[("accept-encoding", "gzip"), ("if-none-match", sent)]).await;
        assert_eq!(status, StatusCode::NOT_MODIFIED, "{sent}");
        assert!(body.is_empty() && headers.get(header::CONTENT_ENCODING).is_none(), "{sent}: {headers:?}");
        assert_eq!(headers[header::ETAG], etag);
    }

    // A staff edit moves a city point into the uncovered western mountains: the gaps change.
    let session = app.staff("chen", Role::Editor).await;
    let moved = app.move_baihua_to_the_mountains(&session).await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER);
    let (status, headers, _) = get_gaps(&app, &[("accept-encoding", "gzip"), ("if-none-match", &etag)]).await;
    assert_eq!(status, StatusCode::OK);
    assert_ne!(headers[header::ETAG], etag, "a new version of the points, a new tag");
}
