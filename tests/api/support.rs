//! A fresh application per test: its own SQLite file, migrated and loaded with the bundled
//! `data/points.csv`, exactly as `legalmap serve` does on first start.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use legalmap::app::{self, AppState, Settings};
use legalmap::db::Db;
use legalmap::map::TileSource;
use legalmap::seed;
use serde_json::Value;
use tempfile::TempDir;
use tower::ServiceExt;

pub struct TestApp {
    pub state: AppState,
    pub database_url: String,
    /// Keeps the database directory alive for the test's duration.
    pub _dir: TempDir,
}

impl TestApp {
    pub async fn new() -> Self {
        Self::with_tiles(TileSource::default()).await
    }

    /// An app whose map uses `tiles` (for example GCJ-02 tiles).
    pub async fn with_tiles(tiles: TileSource) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let database_url = format!("sqlite://{}", dir.path().join("legalmap.db").display());
        let db = Db::connect(&database_url).await.unwrap();
        seed::seed_if_empty(&db).await.unwrap();
        let state = AppState::load(db, Settings { tiles, ..Settings::default() }).await.unwrap();
        Self { state, database_url, _dir: dir }
    }

    pub fn router(&self) -> Router {
        app::router(self.state.clone())
    }

    /// GETs `uri` and returns the status, the content type and the body.
    pub async fn get_raw(&self, uri: &str) -> (StatusCode, String, Vec<u8>) {
        self.request("GET", uri).await
    }

    pub async fn request(&self, method: &str, uri: &str) -> (StatusCode, String, Vec<u8>) {
        let request = Request::builder().method(method).uri(uri).body(Body::empty()).unwrap();
        let response = self.send(request).await;
        let status = response.status();
        let content_type = response
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let body = response.into_body().collect().await.unwrap().to_bytes().to_vec();
        (status, content_type, body)
    }

    /// Sends any request through the router.
    pub async fn send(&self, request: Request<Body>) -> axum::response::Response {
        self.router().oneshot(request).await.unwrap()
    }

    /// GETs a page and returns its status and HTML.
    pub async fn get_page(&self, uri: &str) -> (StatusCode, String) {
        let (status, content_type, body) = self.get_raw(uri).await;
        assert!(content_type.starts_with("text/html"), "{uri}: content type {content_type:?}");
        (status, String::from_utf8(body).unwrap())
    }

    /// GETs `uri` and parses the JSON body.
    pub async fn get_json(&self, uri: &str) -> (StatusCode, Value) {
        let (status, content_type, body) = self.get_raw(uri).await;
        assert!(content_type.contains("json"), "{uri}: content type {content_type:?}");
        let value = serde_json::from_slice(&body).unwrap_or_else(|e| panic!("{uri}: not JSON ({e})"));
        (status, value)
    }
}
