use axum::http::StatusCode;
use legalmap::domain::{Datum, LonLat};
use legalmap::locator::travel::{Mode, TravelModel};
use serde_json::Value;

use crate::support::TestApp;

/// Every served point as (code, position), from the public list.
async fn all_points(app: &TestApp) -> Vec<(String, LonLat)> {
    let (_, collection) = app.get_json("/api/v1/points").await;
    collection["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let c = &f["geometry"]["coordinates"];
            (
                f["id"].as_str().unwrap().to_owned(),
                LonLat::parse(c[0].as_f64().unwrap(), c[1].as_f64().unwrap()).unwrap(),
            )
        })
        .collect()
}

fn brute_force(points: &[(String, LonLat)], origin: LonLat) -> Vec<(f64, String)> {
    let mut ranked: Vec<(f64, String)> =
        points.iter().map(|(code, at)| (origin.distance_m(*at), code.clone())).collect();
    ranked.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
    ranked
}

fn results(body: &Value) -> &Vec<Value> {
    body["results"].as_array().unwrap()
}

/// Origins across the district: its centre, a mountain township, town centres, between towns.
const ORIGINS: [(f64, f64); 6] = [
    (121.26, 28.64),
    (120.93, 28.59),
    (121.30, 28.67),
    (121.05, 28.52),
    (121.20, 28.56),
    (121.1234567, 28.6012345),
];

#[tokio::test]
async fn nearest_matches_brute_force_over_the_346_points() {
    let app = TestApp::new().await;
    let points = all_points(&app).await;
    for (lon, lat) in ORIGINS {
        let (status, body) = app.get_json(&format!("/api/v1/nearest?lat={lat}&lon={lon}&limit=20")).await;
        assert_eq!(status, StatusCode::OK);
        let expected = brute_force(&points, LonLat::parse(lon, lat).unwrap());
        let got = results(&body);
        assert_eq!(got.len(), 20);
        for (result, (distance_m, code)) in got.iter().zip(&expected) {
            assert_eq!(result["code"], code.as_str(), "origin {lon},{lat}");
            assert!((result["distance_m"].as_f64().unwrap() - distance_m).abs() <= 0.05);
        }
    }
}

#[tokio::test]
async fn answers_the_documented_shape_with_defaults() {
    let app = TestApp::new().await;
    let (status, body) = app.get_json("/api/v1/nearest?lat=28.64&lon=121.26").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["mode"], "walk");
    assert_eq!(body["minutes"], 15.0);
    assert_eq!(body["standard_radius_m"], 1200.0);
    assert_eq!(body["origin"]["lat"], 28.64);
    assert_eq!(body["origin"]["lon"], 121.26);
    assert_eq!(results(&body).len(), 5);
    let first = &results(&body)[0];
    for field in [
        "code",
        "name",
        "town",
        "lat",
        "lon",
        "distance_m",
        "travel_minutes",
        "within",
        "meets_standard",
        "location_quality",
    ] {
        assert!(!first[field].is_null(), "missing {field}");
    }
}

#[tokio::test]
async fn each_mode_estimates_time_and_the_standard() {
    let app = TestApp::new().await;
    let model = TravelModel::default();
    for mode in Mode::ALL.iter().copied() {
        let (_, body) =
            app.get_json(&format!("/api/v1/nearest?lat=28.60&lon=121.10&mode={mode}&limit=50")).await;
        assert_eq!(body["mode"], mode.as_str());
        let mut any_within = false;
        for result in results(&body) {
            let distance_m = result["distance_m"].as_f64().unwrap();
            let estimate = model.estimate(mode, distance_m);
            assert!((result["travel_minutes"].as_f64().unwrap() - estimate.travel_minutes).abs() <= 0.051);
            assert_eq!(result["meets_standard"], distance_m <= mode.standard_radius_m());
            assert_eq!(result["within"], estimate.travel_minutes <= 15.0);
            any_within |= result["within"].as_bool().unwrap();
        }
        assert_eq!(body["within"], any_within);
    }
    // Driving reaches further than walking: more points within 15 minutes.
    let within_count = |body: &Value| results(body).iter().filter(|r| r["within"] == true).count();
    let (_, walk) = app.get_json("/api/v1/nearest?lat=28.60&lon=121.10&mode=walk&limit=50").await;
    let (_, drive) = app.get_json("/api/v1/nearest?lat=28.60&lon=121.10&mode=drive&limit=50").await;
    assert!(within_count(&drive) > within_count(&walk));
}

#[tokio::test]
async fn an_origin_in_gcj02_or_bd09_is_converted() {
    let app = TestApp::new().await;
    // 百花社区居委会 as Amap shows it (GCJ-02).
    let amap = LonLat::parse(121.268439, 28.644744).unwrap();
    for datum in [Datum::Gcj02, Datum::Bd09] {
        let given = datum.from_wgs84(Datum::Gcj02.to_wgs84(amap));
        let uri = format!("/api/v1/nearest?lat={}&lon={}&crs={datum}&limit=1", given.lat(), given.lon());
        let (status, body) = app.get_json(&uri).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(results(&body)[0]["code"], "331003001001");
        assert!(results(&body)[0]["distance_m"].as_f64().unwrap() < 0.5, "{datum}: {body}");
    }
    // The same numbers read as WGS-84 are about 500 m off.
    let (_, body) = app.get_json("/api/v1/nearest?lat=28.644744&lon=121.268439&limit=1").await;
    assert!(results(&body)[0]["distance_m"].as_f64().unwrap() > 300.0);
}

#[tokio::test]
async fn far_away_still_gets_the_nearest_points() {
    let app = TestApp::new().await;
    let (status, body) = app.get_json("/api/v1/nearest?lat=39.9&lon=116.4&mode=drive").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["within"], false);
    assert_eq!(results(&body).len(), 5);
    assert!(results(&body).iter().all(|r| r["within"] == false && r["meets_standard"] == false));
}

#[tokio::test]
async fn reachable_is_every_point_within_the_time() {
    let app = TestApp::new().await;
    let points = all_points(&app).await;
    let model = TravelModel::default();
    for (mode, minutes) in [(Mode::Walk, 15.0), (Mode::Bike, 15.0), (Mode::Drive, 10.0), (Mode::Drive, 30.0)]
    {
        for (lon, lat) in ORIGINS {
            let uri = format!("/api/v1/reachable?lat={lat}&lon={lon}&mode={mode}&minutes={minutes}");
            let (status, body) = app.get_json(&uri).await;
            assert_eq!(status, StatusCode::OK);
            let expected: Vec<String> = brute_force(&points, LonLat::parse(lon, lat).unwrap())
                .into_iter()
                .filter(|(distance_m, _)| model.estimate(mode, *distance_m).travel_minutes <= minutes)
                .map(|(_, code)| code)
                .collect();
            let got: Vec<&str> = results(&body).iter().map(|r| r["code"].as_str().unwrap()).collect();
            assert_eq!(got, expected, "{uri}");
            assert!(results(&body).iter().all(|r| r["within"] == true));
            assert_eq!(body["within"], !expected.is_empty());
            assert_eq!(body["truncated"], false);
        }
    }
}

#[tokio::test]
async fn reachable_limit_truncates() {
    let app = TestApp::new().await;
    let (_, body) =
        app.get_json("/api/v1/reachable?lat=28.64&lon=121.26&mode=drive&minutes=60&limit=3").await;
    assert_eq!(results(&body).len(), 3);
    assert_eq!(body["truncated"], true);
}
