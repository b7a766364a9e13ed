//! Answers from a road network: the real Andorra extract (ODbL, tests/fixtures/README.md), moved
//! onto Huangyan so that the bundled points sit on its roads. Point imports take only places in
//! China, so the network moves, not the points: its node positions are shifted, its lengths and
//! times are Andorra's.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use legalmap::domain::LonLat;
use legalmap::locator::travel::{Mode, TravelModel};
use legalmap::roads::file::{self, Stored};
use legalmap::roads::import::import;
use legalmap::roads::network::{RoadNetwork, RoadTime};
use serde_json::Value;

use crate::live::{Live, request};
use crate::support::TestApp;

const EXTRACT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/andorra.osm.pbf");

/// Andorra la Vella's centre lands here, in Huangyan's town area.
const SHIFT_LON: f64 = 121.26 - 1.5211;
const SHIFT_LAT: f64 = 28.64 - 42.5078;

/// The extract imported once per run, with every node shifted onto Huangyan.
pub fn shifted_network() -> &'static Stored {
    static STORED: OnceLock<Stored> = OnceLock::new();
    STORED.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("api-roads");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("andorra.roads");
        import(EXTRACT.as_ref(), &path, &TravelModel::default(), &[], &mut |_| {}).unwrap();
        file::read(&path).unwrap().moved_by(SHIFT_LON, SHIFT_LAT).unwrap()
    })
}

/// The shifted network, loaded and indexed.
pub fn network() -> RoadNetwork {
    RoadNetwork::new(shifted_network().clone())
}

/// A fresh app with the shifted network in use.
pub async fn app_with_roads() -> TestApp {
    let app = TestApp::new().await;
    app.state.use_road_network(network()).await;
    app
}

/// Near the middle of the shifted network.
pub const ORIGIN: (f64, f64) = (28.642, 121.262);

fn nearest_uri(mode: &str, extra: &str) -> String {
    format!("/api/v1/nearest?lat={}&lon={}&mode={mode}{extra}", ORIGIN.0, ORIGIN.1)
}

fn minutes_by_route(network: &RoadNetwork, mode: Mode, result: &Value) -> Option<f64> {
    let to = location(result);
    let from = LonLat::parse(ORIGIN.1, ORIGIN.0).unwrap();
    match network.time(mode, from, to) {
        RoadTime::Reached { minutes, .. } => Some(minutes),
        _ => None,
    }
}

#[tokio::test]
async fn nearest_answers_by_road_and_agrees_with_a_route_to_each_point() {
    let app = app_with_roads().await;
    let network = network();
    for (name, mode) in [("walk", Mode::Walk), ("bike", Mode::Bike), ("drive", Mode::Drive)] {
        let (status, body) = app.get_json(&nearest_uri(name, "&limit=8")).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let results = body["results"].as_array().unwrap();
        assert_eq!(results.len(), 8);
        let mut previous = 0.0;
        for result in results {
            let minutes = result["travel_minutes"].as_f64().unwrap();
            assert!(minutes >= previous - 0.05, "quickest first: {body}");
            previous = minutes;
            match result["travel_basis"].as_str().unwrap() {
                "road_network" => {
                    let expected = minutes_by_route(&network, mode, result).unwrap();
                    assert!((minutes - expected).abs() <= 0.06, "{name}: {minutes} vs route {expected}");
                    assert_eq!(result["reachable"], true);
                    assert!(
                        result["road_distance_m"].as_f64().unwrap() >= result["distance_m"].as_f64().unwrap()
                    );
                }
                "estimate" => assert!(network.snap(mode, location(result)).is_none(), "{result}"),
                other => panic!("travel_basis {other}"),
            }
        }
        assert_eq!(results[0]["travel_basis"], "road_network", "{name}: {body}");
    }
}

fn location(result: &Value) -> LonLat {
    LonLat::parse(result["lon"].as_f64().unwrap(), result["lat"].as_f64().unwrap()).unwrap()
}

#[tokio::test]
async fn reachable_lists_what_the_roads_reach_in_time() {
    let app = app_with_roads().await;
    let network = network();
    let (status, body) =
        app.get_json(&format!("/api/v1/reachable?lat={}&lon={}&mode=bike", ORIGIN.0, ORIGIN.1)).await;
    assert_eq!(status, StatusCode::OK);
    let results = body["results"].as_array().unwrap();
    assert!(!results.is_empty(), "{body}");
    for result in results {
        assert!(result["travel_minutes"].as_f64().unwrap() <= 15.0);
        assert_eq!(result["within"], true);
        if result["travel_basis"] == "road_network" {
            let expected = minutes_by_route(&network, Mode::Bike, result).unwrap();
            assert!(expected <= 15.05, "{expected}");
        }
    }
    // Every point the routes reach within 14.9 minutes is listed.
    let index = app.state.index();
    let listed: Vec<&str> = results.iter().map(|r| r["code"].as_str().unwrap()).collect();
    let from = LonLat::parse(ORIGIN.1, ORIGIN.0).unwrap();
    for point in index.points() {
        if let RoadTime::Reached { minutes, .. } = network.time(Mode::Bike, from, point.record.location)
            && minutes < 14.9
        {
            assert!(listed.contains(&point.record.code.as_str()), "{} at {minutes} min", point.record.code);
        }
    }
}

#[tokio::test]
async fn without_a_network_every_answer_is_an_estimate() {
    let app = TestApp::new().await;
    let (_, body) = app.get_json(&nearest_uri("walk", "")).await;
    for result in body["results"].as_array().unwrap() {
        assert_eq!(result["travel_basis"], "estimate");
        assert_eq!(result["reachable"], true);
    }
    let (_, page) = app.get_page(&format!("/nearest?lat={}&lon={}&mode=walk", ORIGIN.0, ORIGIN.1)).await;
    assert!(page.contains("时间为估算"), "{page}");
    let (_, ready) = app.get_json("/readyz").await;
    assert_eq!(ready["travel_basis"], "estimate");
}

#[tokio::test]
async fn the_page_says_the_times_come_from_the_roads() {
    let app = app_with_roads().await;
    let (status, page) = app.get_page(&format!("/nearest?lat={}&lon={}&mode=walk", ORIGIN.0, ORIGIN.1)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("时间按道路计算"), "{page}");
    let (_, ready) = app.get_json("/readyz").await;
    assert_eq!(ready["travel_basis"], "road_network");
}

/// `legalmap roads import` replaces the file beside the database; the running server takes the
/// new network within seconds, without a restart.
#[test]
fn the_server_takes_a_new_network_without_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("legalmap.db");
    let database_url = format!("sqlite://{}", database.display());
    let live = Live::start(&database_url, &[]);
    let uri = nearest_uri("walk", "&limit=1");
    let basis = |live: &Live| {
        let reply = request(&live.address, "GET", &uri, "", None);
        let body: Value = serde_json::from_str(&reply.body).unwrap();
        body["results"][0]["travel_basis"].as_str().unwrap().to_owned()
    };
    assert_eq!(basis(&live), "estimate");
    write_network(&database.with_extension("roads"));
    let started = Instant::now();
    while basis(&live) != "road_network" {
        assert!(started.elapsed() < Duration::from_secs(20), "the new network was not taken up");
        std::thread::sleep(Duration::from_millis(200));
    }
    let log = live.stop();
    assert!(log.contains("road network in use"), "{log}");
}

/// As the import does: a temporary file renamed over the old one.
fn write_network(path: &Path) {
    file::write(path, shifted_network()).unwrap();
}
