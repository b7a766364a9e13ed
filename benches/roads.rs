//! The road network at two scales: the real Liechtenstein extract (tests/fixtures, ODbL) and a
//! synthetic grid of 1,000,000 nodes (`roads::synth`), both laid under Huangyan (the extract moved
//! there, lengths and times its own). For each: building the network (import of the extract;
//! building the graph and its snapping trees), bytes per node, labelling the points (the
//! multi-source search per mode, at start and after a roads import), patching the labels after
//! one staff move (what a save waits for), the district's coverage for all modes, and `nearest`
//! (k=5, as the API's default) per mode, p50 and p99 of single queries, against the estimate-only
//! locator on the same points and origins in the same run. Figures go to
//! `target/bench-results/roads.json` for `bench/roads`, and are printed.
//!
//! `cargo bench --bench roads`; `LEGALMAP_BENCH_GRID_SIDE=300` for a smaller grid.

mod support;

use std::hint::black_box;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use legalmap::coverage::{Coverage, DEFAULT_CELL_M, Grid};
use legalmap::domain::{LocationQuality, LonLat, PointCode, ServicePoint};
use legalmap::locator::index::PointIndex;
use legalmap::locator::travel::{CIRCLE_MINUTES, Mode, TravelModel};
use legalmap::locator::{Locator, Snapshot, Trip};
use legalmap::points::synth::record;
use legalmap::roads::answers::RoadAnswers;
use legalmap::roads::file::{self, Stored};
use legalmap::roads::import::import;
use legalmap::roads::network::RoadNetwork;
use legalmap::web::map::{MapSettings, TileSource};
use serde_json::{Value, json};
use support::percentiles;

const QUERIES: usize = 20_000;
const LIECHTENSTEIN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/liechtenstein.osm.pbf");
/// Huangyan's density: 346 points over 988 km², one per 2.9 km².
const KM2_PER_POINT: f64 = 2.9;
/// Where both networks are laid: the middle of Huangyan (longitude, latitude).
const HUANGYAN: (f64, f64) = (121.26, 28.64);

/// A small deterministic generator: the same points and origins every run.
struct Lcg(u64);

impl Lcg {
    fn next_f64(&mut self) -> f64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 11) as f64 / (1_u64 << 53) as f64
    }
}

fn point(serial: usize, at: LonLat) -> ServicePoint {
    let code = PointCode::parse(&format!("{:012}", serial)).unwrap();
    ServicePoint::unsaved(record(code, at, LocationQuality::TownCentre, "synthetic: benches/roads.rs"))
}

/// `count` places at random driving-network nodes, each moved up to 150 m off its road (a
/// building beside the street).
fn places_near_roads(network: &RoadNetwork, count: usize, random: &mut Lcg) -> Vec<LonLat> {
    let graph = &network.mode(Mode::Drive).graph;
    (0..count)
        .map(|_| {
            let node = (random.next_f64() * graph.node_count() as f64) as u32;
            let lon = graph.lon(node) + (random.next_f64() - 0.5) * 0.003;
            let lat = graph.lat(node) + (random.next_f64() - 0.5) * 0.002;
            LonLat::parse(lon, lat).unwrap()
        })
        .collect()
}

fn huangyan() -> LonLat {
    LonLat::parse(HUANGYAN.0, HUANGYAN.1).unwrap()
}

fn graph_bytes_per_node(network: &RoadNetwork) -> Value {
    let per_mode = |mode: Mode| {
        let graph = &network.mode(mode).graph;
        graph.heap_bytes() as f64 / graph.node_count().max(1) as f64
    };
    json!({ "walk": per_mode(Mode::Walk), "bike": per_mode(Mode::Bike), "drive": per_mode(Mode::Drive) })
}

/// Labels, then nearest per mode with the network and by the estimate.
fn measure(name: &str, network: RoadNetwork, area_km2: f64, build: Value) -> Value {
    let mut random = Lcg(1);
    let nodes = network.node_counts();
    let graph_bytes = graph_bytes_per_node(&network);
    let count = ((area_km2 / KM2_PER_POINT) as usize).max(50);
    let points: Vec<ServicePoint> = places_near_roads(&network, count, &mut random)
        .into_iter()
        .enumerate()
        .map(|(serial, at)| point(serial, at))
        .collect();
    let index = Arc::new(PointIndex::build(points));
    let network = Arc::new(network);
    let started = Instant::now();
    let answers = RoadAnswers::build(network.clone(), index.clone());
    let label_s = started.elapsed().as_secs_f64();
    let label_bytes_per_node = answers.label_bytes() as f64 / nodes.iter().sum::<usize>() as f64;
    let patch = patch_after_moves(&answers, &network, &mut random);
    let coverage = coverage_seconds(&answers);
    let origins = places_near_roads(&network, QUERIES, &mut random);
    let model = TravelModel::default();
    let mut modes = serde_json::Map::new();
    for mode in [Mode::Walk, Mode::Bike, Mode::Drive] {
        let trip = |origin| Trip { origin, mode, minutes: CIRCLE_MINUTES };
        let by_road = Locator { index: &index, model: &model, roads: Some(&answers) };
        let estimate = Locator::estimate(&index, &model);
        let (road_p50, road_p99) = percentiles(&origins, origins.len() / 10, |o| {
            black_box(by_road.nearest(trip(o), 5));
        });
        let (estimate_p50, estimate_p99) = percentiles(&origins, origins.len() / 10, |o| {
            black_box(estimate.nearest(trip(o), 5));
        });
        // A 15-minute drive on the grid settles hundreds of thousands of nodes: fewer queries.
        let (within_p50, within_p99) = percentiles(&origins[..QUERIES / 40], QUERIES / 400, |o| {
            black_box(by_road.reachable(trip(o)));
        });
        println!(
            "{name} {mode}: nearest k=5 by road p50 {road_p50:.1} us p99 {road_p99:.1} us; estimate p50 {estimate_p50:.1} us p99 {estimate_p99:.1} us; reachable 15 min by road p50 {within_p50:.1} us p99 {within_p99:.1} us"
        );
        modes.insert(
            mode.to_string(),
            json!({
                "nearest_k5_road_us": { "p50": road_p50, "p99": road_p99 },
                "nearest_k5_estimate_us": { "p50": estimate_p50, "p99": estimate_p99 },
                "reachable_15min_road_us": { "p50": within_p50, "p99": within_p99 },
            }),
        );
    }
    println!(
        "{name}: nodes {nodes:?}, graph bytes/node {graph_bytes}, {count} points labelled in {label_s:.3} s ({label_bytes_per_node:.0} label bytes/node)"
    );
    json!({
        "network": name,
        "nodes": { "walk": nodes[0], "bike": nodes[1], "drive": nodes[2] },
        "build": build,
        "graph_bytes_per_node": graph_bytes,
        "points": count,
        "label_seconds": label_s,
        "label_bytes_per_node": label_bytes_per_node,
        "patch_one_move_seconds": patch,
        "coverage_all_modes_seconds": coverage,
        "modes": modes,
    })
}

/// Seconds to bring the road answers up to date after one point moved (what a staff save waits
/// for besides the database), median and worst of 11 moves of random points to random places.
fn patch_after_moves(answers: &RoadAnswers, network: &RoadNetwork, random: &mut Lcg) -> Value {
    let mut seconds: Vec<f64> = (0..11)
        .map(|_| {
            let mut points = answers.index.points().to_vec();
            let at = (random.next_f64() * points.len() as f64) as usize % points.len();
            let mut moved = ServicePoint::clone(&points[at]);
            moved.record.location = places_near_roads(network, 1, random)[0];
            points[at] = Arc::new(moved);
            let next = Arc::new(PointIndex::build_shared(points));
            let started = Instant::now();
            let patched = answers.for_index(next);
            let took = started.elapsed().as_secs_f64();
            drop(black_box(patched));
            took
        })
        .collect();
    seconds.sort_by(f64::total_cmp);
    println!("  patch after one move: median {:.4} s, worst {:.4} s", seconds[5], seconds[10]);
    json!({ "median": seconds[5], "max": seconds[10] })
}

/// Seconds to compute the district's coverage (100 m cells) for all modes, by road and by the
/// estimate alone, median of 3 each.
fn coverage_seconds(answers: &RoadAnswers) -> Value {
    let grid = Arc::new(Grid::new(MapSettings::new(TileSource::default()).district(), DEFAULT_CELL_M));
    let model = TravelModel::default();
    let median_of_3 = |snapshot: &Snapshot| {
        let mut seconds: Vec<f64> = (0..3)
            .map(|_| {
                let started = Instant::now();
                black_box(Coverage::compute_for(grid.clone(), snapshot, model));
                started.elapsed().as_secs_f64()
            })
            .collect();
        seconds.sort_by(f64::total_cmp);
        seconds[1]
    };
    let roads = Arc::new(RoadAnswers::build(answers.network.clone(), answers.index.clone()));
    let by_road = median_of_3(&Snapshot { index: answers.index.clone(), roads: Some(roads) });
    let estimate = median_of_3(&Snapshot { index: answers.index.clone(), roads: None });
    println!(
        "  coverage, {} cells x 3 modes: by road {by_road:.3} s, estimate only {estimate:.3} s",
        grid.inside_count()
    );
    json!({ "road_network": by_road, "estimate": estimate, "cells": grid.inside_count() })
}

fn liechtenstein(dir: &std::path::Path) -> Value {
    let target = dir.join("liechtenstein.roads");
    let mut import_s = Vec::new();
    for _ in 0..3 {
        let started = Instant::now();
        import(LIECHTENSTEIN.as_ref(), &target, &TravelModel::default(), &[], &mut |_| {}).expect("imports");
        import_s.push(started.elapsed().as_secs_f64());
    }
    import_s.sort_by(f64::total_cmp);
    let file_bytes = std::fs::metadata(&target).unwrap().len();
    let started = Instant::now();
    let network = RoadNetwork::load(&target).unwrap();
    let load_s = started.elapsed().as_secs_f64();
    drop(network);
    let network = RoadNetwork::new(file::read(&target).unwrap().centred_on(huangyan()).unwrap());
    println!(
        "liechtenstein: import {:.3} s (median of 3), file {file_bytes} bytes, load {load_s:.3} s",
        import_s[1]
    );
    let build = json!({ "import_seconds": import_s[1], "file_bytes": file_bytes, "load_seconds": load_s });
    measure("liechtenstein", network, 160.0, build)
}

fn grid(dir: &std::path::Path, side: usize) -> Value {
    let spacing_m = 40.0;
    let started = Instant::now();
    let stored: Stored = legalmap::roads::synth::grid(side, spacing_m, huangyan(), &TravelModel::default());
    let generate_s = started.elapsed().as_secs_f64();
    let target = dir.join("grid.roads");
    let file_bytes = file::write(&target, &stored).unwrap();
    drop(stored);
    let started = Instant::now();
    let network = RoadNetwork::load(&target).unwrap();
    let load_s = started.elapsed().as_secs_f64();
    println!(
        "grid {side}x{side}: generated in {generate_s:.2} s, file {file_bytes} bytes, loaded (read, checked, snapping trees) in {load_s:.2} s"
    );
    let km = (side as f64 - 1.0) * spacing_m / 1000.0;
    let build = json!({ "generate_seconds": generate_s, "file_bytes": file_bytes, "load_seconds": load_s });
    measure(&format!("grid {side}x{side}"), network, km * km, build)
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else is read from the command line.
    let side: usize =
        std::env::var("LEGALMAP_BENCH_GRID_SIDE").ok().and_then(|s| s.parse().ok()).unwrap_or(1000);
    let dir = tempfile::tempdir().unwrap();
    let results = vec![liechtenstein(dir.path()), grid(dir.path(), side)];
    let out = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-results");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("roads.json"), serde_json::to_string_pretty(&results).unwrap()).unwrap();
}
