use axum::http::StatusCode;
use legalmap::domain::{Datum, LonLat};

use crate::support::TestApp;

/// The district's WGS-84 bounding box, with a little margin.
fn in_huangyan(lon: f64, lat: f64) -> bool {
    (120.85..=121.40).contains(&lon) && (28.45..=28.75).contains(&lat)
}

#[tokio::test]
async fn serves_the_346_bundled_points_as_geojson() {
    let app = TestApp::new().await;
    let (status, content_type, body) = app.get_raw("/api/v1/points").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(content_type, "application/geo+json");
    let collection: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(collection["type"], "FeatureCollection");
    let features = collection["features"].as_array().unwrap();
    assert_eq!(features.len(), 346);

    let quality = |q: &str| features.iter().filter(|f| f["properties"]["location_quality"] == q).count();
    assert_eq!(quality("geocoded"), 57);
    assert_eq!(quality("town_centre"), 289);
    for feature in features {
        let [lon, lat] = [0, 1].map(|i| feature["geometry"]["coordinates"][i].as_f64().unwrap());
        assert!(in_huangyan(lon, lat), "{feature}: [lon, lat] = [{lon}, {lat}]");
        let properties = &feature["properties"];
        assert!(!properties["source"].as_str().unwrap().is_empty());
        assert_eq!(properties["location_is_estimate"], properties["location_quality"] == "town_centre");
        // Nothing invented: the public data has no phone numbers, addresses or hours.
        assert!(
            properties["phone"].is_null() && properties["address"].is_null() && properties["hours"].is_null()
        );
    }
    let kinds = |k: &str| features.iter().filter(|f| f["properties"]["kind"] == k).count();
    assert_eq!((kinds("village"), kinds("community"), kinds("other")), (301, 44, 1));
}

#[tokio::test]
async fn bundled_gcj02_coordinates_are_served_in_wgs84() {
    let app = TestApp::new().await;
    let (status, feature) = app.get_json("/api/v1/points/331003001001").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(feature["properties"]["name"], "百花社区居委会");
    let served = LonLat::parse(
        feature["geometry"]["coordinates"][0].as_f64().unwrap(),
        feature["geometry"]["coordinates"][1].as_f64().unwrap(),
    )
    .unwrap();
    // data/points.csv writes this point as Amap (GCJ-02) 121.268439, 28.644744.
    let amap = LonLat::parse(121.268439, 28.644744).unwrap();
    assert!(served.distance_m(Datum::Gcj02.to_wgs84(amap)) < 0.01);
    assert!((400.0..600.0).contains(&served.distance_m(amap)), "the datum shift was applied");
}

#[tokio::test]
async fn filters_by_town_and_name() {
    let app = TestApp::new().await;
    let count = |value: &serde_json::Value| value["features"].as_array().unwrap().len();

    let (_, by_name) = app.get_json("/api/v1/points?town=%E9%99%A2%E6%A1%A5").await; // 院桥
    let (_, by_code) = app.get_json("/api/v1/points?town=331003107").await;
    assert!(count(&by_name) > 0);
    assert_eq!(by_name, by_code);
    assert!(by_name["features"].as_array().unwrap().iter().all(|f| f["properties"]["town"] == "院桥镇"));

    let (_, named) = app.get_json("/api/v1/points?q=%E7%99%BE%E8%8A%B1").await; // 百花
    assert_eq!(count(&named), 1);
    assert_eq!(named["features"][0]["id"], "331003001001");

    let (status, none) = app.get_json("/api/v1/points?town=331003107&q=%E7%99%BE%E8%8A%B1").await;
    assert_eq!((status, count(&none)), (StatusCode::OK, 0));
}

#[tokio::test]
async fn unknown_and_malformed_codes() {
    let app = TestApp::new().await;
    let (status, body) = app.get_json("/api/v1/points/331003999999").await;
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")));
    let (status, body) = app.get_json("/api/v1/points/abc").await;
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_code")));
}

#[tokio::test]
async fn healthz_reports_the_loaded_index() {
    let app = TestApp::new().await;
    let (status, body) = app.get_json("/healthz").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["points"], 346);
}
