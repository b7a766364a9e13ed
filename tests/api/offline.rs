//! What the residents' page needs to work offline: the service worker at the root, listing
//! files that exist, and the points with a version that revalidates cheaply.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use legalmap::db::Change;

use crate::support::TestApp;

#[tokio::test]
async fn the_service_worker_is_served_at_the_root_and_lists_files_that_exist() {
    let app = TestApp::new().await;
    let response = app.send(Request::builder().uri("/sw.js").body(Body::empty()).unwrap()).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[header::CONTENT_TYPE], "text/javascript; charset=utf-8");
    assert_eq!(response.headers()[header::CACHE_CONTROL], "no-cache");
    let (_, _, body) = app.get_raw("/sw.js").await;
    let script = String::from_utf8(body).unwrap();
    let listed: Vec<&str> = script.split('"').filter(|part| part.starts_with("/static/")).collect();
    assert!(listed.iter().any(|url| url.contains("/offline.")), "{listed:?}");
    assert!(listed.iter().any(|url| url.contains("/app.")), "{listed:?}");
    for url in listed {
        let (status, _, _) = app.get_raw(url).await;
        assert_eq!(status, StatusCode::OK, "{url}");
    }
    // The home page, which the worker saves as the shell, is marked as such; a results page is not.
    let (_, home) = app.get_page("/").await;
    assert!(home.contains("data-home"));
    let (_, results) = app.get_page("/nearest?lat=28.64&lon=121.26").await;
    assert!(!results.contains("data-home"));
}

#[tokio::test]
async fn the_points_carry_a_version_that_revalidates_with_an_etag_and_changes_with_an_edit() {
    let app = TestApp::new().await;
    let get = |if_none_match: Option<String>| {
        let mut request = Request::builder().uri("/map/data.json");
        if let Some(tag) = if_none_match {
            request = request.header(header::IF_NONE_MATCH, tag);
        }
        app.send(request.body(Body::empty()).unwrap())
    };
    let first = get(None).await;
    assert_eq!(first.status(), StatusCode::OK);
    let etag = first.headers()[header::ETAG].to_str().unwrap().to_owned();
    let (_, data) = app.get_json("/map/data.json").await;
    assert_eq!(format!("\"{}\"", data["version"].as_str().unwrap()), etag);
    assert_eq!(data["points"].as_array().unwrap().len(), 346);

    let unchanged = get(Some(etag.clone())).await;
    assert_eq!(unchanged.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(unchanged.headers()[header::ETAG], etag.as_str());

    // A staff edit makes a new version; the old tag no longer matches.
    let mut record = app.state.index().get("331003001001").unwrap().record.clone();
    record.phone = Some("0576-84000000".into());
    app.state.db.upsert_points(&[record], Change { actor: "test", reason: None }, false).await.unwrap();
    app.state.reload_index().await.unwrap();
    let changed = get(Some(etag.clone())).await;
    assert_eq!(changed.status(), StatusCode::OK);
    assert_ne!(changed.headers()[header::ETAG], etag.as_str());
    let (_, data) = app.get_json("/map/data.json").await;
    let point = data["points"].as_array().unwrap().iter().find(|p| p["code"] == "331003001001").unwrap();
    assert_eq!(point["phone"], "0576-84000000", "offline answers can offer the call");
    assert!(point.get("wgs84").is_none(), "OpenStreetMap tiles are WGS-84 already");
}
