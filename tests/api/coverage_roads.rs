//! Coverage by road: with the shifted Andorra network loaded (see `roads.rs`), each cell's minutes
//! are the quickest route to a point, checked against point-to-point routes; cells far from any
//! road keep the estimate; a staff edit or a newly loaded network recomputes the figures.

use std::sync::Arc;

use axum::http::StatusCode;
use legalmap::coverage::times::PlaceTime;
use legalmap::domain::LonLat;
use legalmap::domain::staff::Role;
use legalmap::locator::travel::{CIRCLE_MINUTES, Mode, TravelModel};
use legalmap::roads::file;
use legalmap::roads::network::{RoadNetwork, RoadTime};

use crate::roads::{app_with_roads, shifted_network};
use crate::support::{TestApp, total_gap_area_km2};

fn network() -> RoadNetwork {
    RoadNetwork::new(shifted_network().clone())
}

/// A speed no trip of `mode` beats on the test network, km/h: walking and cycling go at the
/// import's fixed speeds, driving at most at a motorway's.
fn top_kmh(mode: Mode) -> f64 {
    match mode {
        Mode::Walk => 4.5,
        Mode::Bike => 15.0,
        Mode::Drive => 150.0,
    }
}

/// The quickest route from `from` to any of `points`, minutes, by routing to each point in turn
/// (nearest first, stopping once the straight line alone takes longer than the best route).
fn quickest_route(network: &RoadNetwork, mode: Mode, from: LonLat, points: &[LonLat]) -> Option<f64> {
    let mut by_distance: Vec<(f64, LonLat)> = points.iter().map(|&p| (from.distance_m(p), p)).collect();
    by_distance.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut best: Option<f64> = None;
    for (distance_m, point) in by_distance {
        let lower_bound_min = distance_m / 1000.0 / top_kmh(mode) * 60.0 * 0.99;
        if best.is_some_and(|best| lower_bound_min > best) {
            break;
        }
        if let RoadTime::Reached { minutes, .. } = network.time(mode, from, point) {
            best = Some(best.map_or(minutes, |best: f64| best.min(minutes)));
        }
    }
    best
}

#[tokio::test]
async fn the_api_says_coverage_is_by_road() {
    let app = app_with_roads().await;
    let (status, all) = app.get_json("/api/v1/coverage").await;
    assert_eq!(status, StatusCode::OK);
    for summary in all["district"].as_array().unwrap() {
        assert_eq!(summary["travel_basis"], "road_network", "{summary}");
        // Huangyan's western mountains are far from the shifted network: those cells keep the estimate.
        assert!(summary["estimate_cells"].as_u64().unwrap() > 1000, "{summary}");
        assert!(summary["estimate_area_km2"].as_f64().unwrap() < summary["area_km2"].as_f64().unwrap());
    }
    let (_, _, body) = app.get_raw("/api/v1/coverage/gaps.geojson?mode=drive").await;
    let gaps: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(gaps["travel_basis"], "road_network");
    let (_, drive) = app.get_json("/api/v1/coverage?mode=drive").await;
    let summary = &drive["district"][0];
    let gap_area = total_gap_area_km2(&gaps);
    let beyond = summary["area_km2"].as_f64().unwrap() - summary["within_15_area_km2"].as_f64().unwrap();
    assert!((gap_area - beyond).abs() < 1e-6, "gaps {gap_area} vs beyond 15 minutes {beyond}");

    let session = app.staff("chen", Role::Editor).await;
    let page = app.get_as(&session, "/admin/coverage?mode=bike").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("按道路计算（OpenStreetMap 道路数据）"), "{}", page.body);
    assert!(!page.body.contains("按直线距离估算"));
}

#[tokio::test]
async fn cell_minutes_are_the_quickest_route_or_the_estimate_far_from_roads() {
    let app = app_with_roads().await;
    let network = network();
    let model = TravelModel::default();
    let coverage = app.state.current_coverage().await;
    let points: Vec<LonLat> = coverage.index.points().iter().map(|p| p.record.location).collect();
    let grid = &coverage.grid;
    for mode in [Mode::Walk, Mode::Bike, Mode::Drive] {
        let (mut by_road, mut estimated) = (0, 0);
        // Every 997th inside cell: a spread over the district, on and off the network.
        for (row, col) in grid.inside_cells().step_by(997) {
            let centre = grid.centre(row, col);
            let (slot, distance_m) = coverage.nearest(row, col).unwrap();
            let time = coverage.time(row, col, mode).unwrap();
            if network.snap(mode, centre).is_none() {
                let expected = model.estimate(mode, distance_m).travel_minutes;
                assert_eq!(time, PlaceTime::Estimate(expected as f32 as f64), "{mode} {centre:?}");
                estimated += 1;
                continue;
            }
            // The nearest point off the roads would keep its estimate; check the cells whose
            // nearest point is on them.
            if network.snap(mode, points[slot as usize]).is_none() {
                continue;
            }
            let expected = quickest_route(&network, mode, centre, &points);
            match (time, expected) {
                (PlaceTime::Road(minutes), Some(expected)) => {
                    assert!((minutes - expected).abs() <= 0.05, "{mode} {centre:?}: {minutes} vs {expected}")
                }
                (PlaceTime::Unreachable, None) => {}
                other => panic!("{mode} {centre:?}: {other:?}"),
            }
            by_road += 1;
        }
        assert!(by_road >= 5 && estimated >= 5, "{mode}: {by_road} cells by road, {estimated} estimated");
    }
}

#[tokio::test]
async fn a_staff_edit_or_a_new_network_recomputes_the_coverage() {
    let app = TestApp::new().await;
    let by_estimate = app.state.current_coverage().await;
    let (_, before) = app.get_json("/api/v1/coverage?mode=walk").await;
    assert_eq!(before["district"][0]["travel_basis"], "estimate");
    let session = app.staff("chen", Role::Editor).await;
    let page = app.get_as(&session, "/admin/coverage?mode=walk").await;
    assert!(page.body.contains("按直线距离估算") && !page.body.contains("按道路计算"));

    // The same points, a network newly loaded: new coverage.
    app.state.use_road_network(network()).await;
    let by_road = app.state.current_coverage().await;
    assert!(Arc::ptr_eq(&by_estimate.index, &by_road.index), "the index did not change");
    assert!(!Arc::ptr_eq(&by_estimate, &by_road));
    let (_, loaded) = app.get_json("/api/v1/coverage?mode=walk").await;
    assert_eq!(loaded["district"][0]["travel_basis"], "road_network");
    let within = |v: &serde_json::Value| v["district"][0]["within_15_area_km2"].as_f64().unwrap();
    assert_ne!(within(&before), within(&loaded));

    // Move a city point on the roads out into the western mountains, far from them.
    let editor = app.staff("wang", Role::Editor).await;
    let moved = app.move_baihua_to_the_mountains(&editor).await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER);
    let after_edit = app.state.current_coverage().await;
    assert!(!Arc::ptr_eq(&by_road, &after_edit));
    assert!(after_edit.roads.is_some());
    let (_, edited) = app.get_json("/api/v1/coverage?mode=walk").await;
    assert_eq!(edited["district"][0]["travel_basis"], "road_network");
    assert_ne!(within(&loaded), within(&edited));
    // Around its new place, off the roads, the estimate now reaches it within 15 minutes.
    let there = LonLat::parse(120.90, 28.55).unwrap();
    let (row, col) = after_edit.grid.cell_of(there).unwrap();
    let time = after_edit.time(row, col, Mode::Walk).unwrap();
    assert!(matches!(time, PlaceTime::Estimate(m) if m <= CIRCLE_MINUTES), "{time:?}");
}

#[tokio::test]
async fn the_coverage_command_uses_the_network_beside_the_database() {
    let app = TestApp::new().await;
    let run = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_legalmap"))
            .args(["coverage", "--mode", "drive"])
            .env("LEGALMAP_DATABASE_URL", &app.database_url)
            .env("RUST_LOG", "warn")
            .output()
            .unwrap()
    };
    let output = run();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let table = String::from_utf8(output.stdout).unwrap();
    assert!(table.contains("travel times are estimates") && table.contains("% (estimated)"), "{table}");

    let path = file::path_for_database(&app.database_url).unwrap();
    file::write(&path, shifted_network()).unwrap();
    let output = run();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let table = String::from_utf8(output.stdout).unwrap();
    assert!(table.contains("travel times by road") && table.contains("% (by road)"), "{table}");
    let (_, estimated) = app.get_json("/api/v1/coverage?mode=drive").await;
    app.state.use_road_network(network()).await;
    let (_, by_road) = app.get_json("/api/v1/coverage?mode=drive").await;
    let share = |v: &serde_json::Value| v["district"][0]["within_15_share"].as_f64().unwrap() * 100.0;
    assert!(table.contains(&format!("within 15 minutes {:.1}% (by road)", share(&by_road))), "{table}");
    assert_ne!(format!("{:.3}", share(&estimated)), format!("{:.3}", share(&by_road)));
}
