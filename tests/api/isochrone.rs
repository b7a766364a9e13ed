//! A point's area within the minutes (`/api/v1/points/{code}/isochrone`): by road on the
//! shifted Andorra network, checked against point-to-point routes; the estimate's circle without
//! a network; and the pages' map variant in the tiles' datum.

use std::collections::{HashMap, HashSet};

use axum::http::StatusCode;
use geo::{Distance, Haversine, Point};
use legalmap::domain::{Datum, LonLat};
use legalmap::locator::travel::{Mode, TravelModel};
use legalmap::roads::network::{RoadNetwork, RoadTime, exits};
use legalmap::roads::route::{Next, Search, Seed};
use legalmap::web::map::TileSource;
use serde_json::Value;

use crate::openapi::conform::faults;
use crate::roads::{ORIGIN, app_with_roads, network};
use crate::support::TestApp;

const MODES: [(&str, Mode); 3] = [("walk", Mode::Walk), ("bike", Mode::Bike), ("drive", Mode::Drive)];

/// The active point nearest [`ORIGIN`] that is near a road of every mode: its code and place.
fn point_on_every_network(app: &TestApp, network: &RoadNetwork) -> (String, LonLat) {
    let origin = LonLat::parse(ORIGIN.1, ORIGIN.0).unwrap();
    let index = app.state.index();
    let point = index
        .points()
        .iter()
        .filter(|point| MODES.iter().all(|&(_, mode)| network.snap(mode, point.record.location).is_some()))
        .min_by(|a, b| origin.distance_m(a.record.location).total_cmp(&origin.distance_m(b.record.location)))
        .expect("a bundled point lies on the shifted network");
    (point.record.code.to_string(), point.record.location)
}

async fn isochrone(app: &TestApp, code: &str, query: &str) -> Value {
    let uri = format!("/api/v1/points/{code}/isochrone?{query}");
    let (status, content_type, body) = app.get_raw(&uri).await;
    assert_eq!(status, StatusCode::OK, "{uri}: {}", String::from_utf8_lossy(&body));
    assert_eq!(content_type, "application/geo+json");
    serde_json::from_slice(&body).unwrap()
}

/// The only Feature of an answer.
fn feature(collection: &Value) -> &Value {
    assert_eq!(collection["type"], "FeatureCollection");
    let features = collection["features"].as_array().unwrap();
    assert_eq!(features.len(), 1, "{collection}");
    assert_eq!(features[0]["type"], "Feature");
    &features[0]
}

fn position(value: &Value) -> [f64; 2] {
    [value[0].as_f64().unwrap(), value[1].as_f64().unwrap()]
}

fn lines(feature: &Value) -> Vec<[[f64; 2]; 2]> {
    assert_eq!(feature["geometry"]["type"], "MultiLineString");
    feature["geometry"]["coordinates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|line| {
            let line = line.as_array().unwrap();
            assert_eq!(line.len(), 2);
            [position(&line[0]), position(&line[1])]
        })
        .collect()
}

fn minutes_from(network: &RoadNetwork, mode: Mode, [lon, lat]: [f64; 2], to: LonLat) -> Option<f64> {
    match network.time(mode, LonLat::parse(lon, lat).unwrap(), to) {
        RoadTime::Reached { minutes, .. } => Some(minutes),
        _ => None,
    }
}

/// A position as the answer writes it (six decimals), comparable exactly.
fn key([lon, lat]: [f64; 2]) -> (i64, i64) {
    ((lon * 1e6).round() as i64, (lat * 1e6).round() as i64)
}

#[tokio::test]
async fn every_drawn_road_reaches_the_point_in_time_and_no_road_outside_is_drawn() {
    let app = app_with_roads().await;
    let network = network();
    let (code, place) = point_on_every_network(&app, &network);
    for (name, mode) in MODES {
        let collection = isochrone(&app, &code, &format!("mode={name}&minutes=10")).await;
        let feature = feature(&collection);
        let properties = &feature["properties"];
        assert_eq!(properties["travel_basis"], "road_network", "{name}: {properties}");
        assert_eq!(properties["code"], code.as_str());
        assert_eq!(properties["mode"], name);
        assert_eq!(properties["minutes"], 10.0);
        assert_eq!(properties["truncated"], false);
        let lines = lines(feature);
        assert_eq!(properties["segments"], lines.len());
        assert!(lines.len() > 20, "{name}: only {} stretches", lines.len());

        // Both ends of a sample of stretches, road nodes or where the time runs out (then
        // reached at 10 minutes, to rounding). Each is taken 5% of the way into its stretch: a
        // place exactly on a node (or, rounded to 0.1 m, beside it) may be snapped onto another
        // segment there, a one-way one leading away, from which `time` sets off the wrong way.
        // Stretches under 10 m are left out, so that 5% is well past the rounding.
        let long: Vec<_> = lines.iter().filter(|line| length_m(&[**line]) > 10.0).collect();
        let step = (long.len() / 60).max(1);
        for &&[a, b] in long.iter().step_by(step) {
            for (end, other) in [(a, b), (b, a)] {
                let inside = [end[0] + (other[0] - end[0]) * 0.05, end[1] + (other[1] - end[1]) * 0.05];
                let minutes = minutes_from(&network, mode, inside, place)
                    .unwrap_or_else(|| panic!("{name}: {end:?} does not reach the point"));
                assert!(minutes <= 10.1, "{name}: {end:?} (of {a:?}-{b:?}) is {minutes} min from the point");
            }
        }

        // And exactly, for the ends that are road nodes: a search from the node itself.
        let graph = &network.mode(mode).graph;
        let nodes: HashMap<(i64, i64), u32> = (0..graph.node_count() as u32)
            .map(|node| (key([graph.lon(node), graph.lat(node)]), node))
            .collect();
        let mut checked = 0;
        for end in lines.iter().step_by(step).flatten() {
            if let Some(&node) = nodes.get(&key(*end)) {
                let seconds = seconds_from_node(&network, mode, node, place);
                assert!(
                    seconds <= 600.0 + 1e-6,
                    "{name}: node {node} at {end:?} is {seconds} s from the point"
                );
                checked += 1;
            }
        }
        assert!(checked > 20, "{name}: only {checked} node ends checked");

        // Road nodes clearly too far are not drawn.
        let drawn: HashSet<(i64, i64)> = lines.iter().flatten().map(|&end| key(end)).collect();
        let mut outside = 0;
        for node in (0..graph.node_count() as u32).step_by(graph.node_count() / 400 + 1) {
            let at = [graph.lon(node), graph.lat(node)];
            let too_far = minutes_from(&network, mode, at, place).is_none_or(|minutes| minutes > 11.0);
            if too_far {
                outside += 1;
                assert!(!drawn.contains(&key(at)), "{name}: node {node} at {at:?} is drawn but too far");
            }
        }
        assert!(outside > 50, "{name}: the check met only {outside} nodes outside");
    }
}

/// Seconds from road node `node` to `place` by `mode`: the quickest route to an end of the
/// place's segment, the rest of the segment and the walk from the road (as `RoadNetwork::time`
/// reckons a trip, without snapping the start).
fn seconds_from_node(network: &RoadNetwork, mode: Mode, node: u32, place: LonLat) -> f64 {
    let graph = &network.mode(mode).graph;
    let snap = network.snap(mode, place).unwrap();
    let mut search = Search::new(graph);
    search.run(graph, &[Seed { node, seconds: 0.0, metres: 0.0 }], 3600.0, |_, _, _| Next::Continue);
    let route_s = exits(&snap)
        .iter()
        .filter_map(|exit| search.seconds_to(exit.node).map(|seconds| seconds + exit.seconds))
        .fold(f64::INFINITY, f64::min);
    route_s + network.walk_seconds(snap.snap_distance_m)
}

/// Total length of the drawn stretches, metres.
fn length_m(lines: &[[[f64; 2]; 2]]) -> f64 {
    lines.iter().map(|[a, b]| Haversine.distance(Point::from(*a), Point::from(*b))).sum()
}

#[tokio::test]
async fn walking_reaches_less_road_than_driving() {
    let app = app_with_roads().await;
    let network = network();
    let (code, _) = point_on_every_network(&app, &network);
    let walk_answer = isochrone(&app, &code, "mode=walk").await;
    // The road answer is what the document says (the document's own test meets no network).
    let (_, doc) = app.get_json("/api/v1/openapi.json").await;
    let schema = &doc["paths"]["/points/{code}/isochrone"]["get"]["responses"]["200"]["content"]["application/geo+json"]
        ["schema"];
    assert_eq!(faults(&doc, schema, &walk_answer), Vec::<String>::new());
    let walk = lines(feature(&walk_answer));
    let drive = lines(feature(&isochrone(&app, &code, "mode=drive").await));
    let (walk_m, drive_m) = (length_m(&walk), length_m(&drive));
    assert!(walk_m > 500.0 && walk_m * 3.0 < drive_m, "walk {walk_m} m, drive {drive_m} m");
    // The default budget is 15 minutes: more road than in 10.
    let walk_10 = lines(feature(&isochrone(&app, &code, "mode=walk&minutes=10").await));
    assert!(length_m(&walk_10) < walk_m);
}

#[tokio::test]
async fn without_a_network_the_area_is_the_estimate_circle() {
    let app = TestApp::new().await;
    let index = app.state.index();
    let point = &index.points()[0];
    let code = point.record.code.as_str();
    let centre = Point::new(point.record.location.lon(), point.record.location.lat());
    for (name, mode) in MODES {
        let collection = isochrone(&app, code, &format!("mode={name}")).await;
        let feature = feature(&collection);
        assert_eq!(feature["properties"]["travel_basis"], "estimate");
        assert_eq!(feature["geometry"]["type"], "Polygon");
        let reach_m = TravelModel::default().reach_m(mode, 15.0);
        assert!((feature["properties"]["radius_m"].as_f64().unwrap() - reach_m).abs() < 0.1);
        let ring = feature["geometry"]["coordinates"][0].as_array().unwrap();
        assert_eq!(ring.len(), 65);
        assert_eq!(ring.first(), ring.last(), "closed");
        for vertex in ring {
            let distance_m = Haversine.distance(centre, Point::from(position(vertex)));
            assert!((distance_m / reach_m - 1.0).abs() < 0.01, "{name}: {distance_m} m, reach {reach_m} m");
        }
    }
}

#[tokio::test]
async fn a_point_far_from_every_road_gets_the_estimate() {
    let app = app_with_roads().await;
    let network = network();
    let index = app.state.index();
    let Some(point) =
        index.points().iter().find(|point| network.snap(Mode::Drive, point.record.location).is_none())
    else {
        panic!("some bundled point lies off the shifted network");
    };
    let collection = isochrone(&app, point.record.code.as_str(), "mode=drive").await;
    assert_eq!(feature(&collection)["properties"]["travel_basis"], "estimate");
    assert_eq!(feature(&collection)["geometry"]["type"], "Polygon");
}

#[tokio::test]
async fn unknown_codes_and_bad_parameters_answer_json_errors() {
    let app = TestApp::new().await;
    let code = app.state.index().points()[0].record.code.to_string();
    let cases = [
        ("331003999999", "mode=walk", StatusCode::NOT_FOUND, "not_found"),
        ("12", "mode=walk", StatusCode::BAD_REQUEST, "invalid_code"),
        (code.as_str(), "mode=fly", StatusCode::BAD_REQUEST, "invalid_mode"),
        (code.as_str(), "minutes=0", StatusCode::BAD_REQUEST, "out_of_range"),
        (code.as_str(), "minutes=121", StatusCode::BAD_REQUEST, "out_of_range"),
        (code.as_str(), "minutes=soon", StatusCode::BAD_REQUEST, "invalid_parameter"),
    ];
    for (code, query, status, error) in cases {
        for prefix in ["/api/v1", "/map"] {
            let uri = format!("{prefix}/points/{code}/isochrone?{query}");
            let (got, body) = app.get_json(&uri).await;
            assert_eq!((got, body["error"]["code"].as_str()), (status, Some(error)), "{uri}: {body}");
        }
    }
}

#[tokio::test]
async fn the_maps_variant_is_in_the_tiles_datum() {
    let tiles =
        TileSource::new("https://tiles.example/{z}/{x}/{y}.png".into(), "Example".into(), Datum::Gcj02)
            .unwrap();
    let app = TestApp::with_tiles(tiles).await;
    let code = app.state.index().points()[0].record.code.to_string();
    let api = isochrone(&app, &code, "mode=bike").await;
    let (status, content_type, body) = app.get_raw(&format!("/map/points/{code}/isochrone?mode=bike")).await;
    assert_eq!((status, content_type.as_str()), (StatusCode::OK, "application/geo+json"));
    let map: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(feature(&map)["properties"]["datum"], "gcj02");
    let api_ring = feature(&api)["geometry"]["coordinates"][0].as_array().unwrap();
    let map_ring = feature(&map)["geometry"]["coordinates"][0].as_array().unwrap();
    assert_eq!(api_ring.len(), map_ring.len());
    for (wgs84, shown) in api_ring.iter().zip(map_ring) {
        let [lon, lat] = position(wgs84);
        let expected = Datum::Gcj02.from_wgs84(LonLat::parse(lon, lat).unwrap());
        let [shown_lon, shown_lat] = position(shown);
        // GCJ-02 moves Huangyan by a few hundred metres; the answer rounds to six decimals.
        assert!((shown_lon - expected.lon()).abs() < 2e-6 && (shown_lat - expected.lat()).abs() < 2e-6);
        assert!((shown_lon - lon).abs() > 1e-3);
    }
}

#[tokio::test]
async fn the_point_page_offers_the_area_for_each_mode() {
    let app = TestApp::new().await;
    let code = app.state.index().points()[0].record.code.to_string();
    let (status, page) = app.get_page(&format!("/points/{code}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("显示15分钟范围"), "{page}");
    for mode in ["walk", "bike", "drive"] {
        assert!(page.contains(&format!("data-isochrone-mode=\"{mode}\"")), "{mode}: {page}");
    }
}
