//! The index at 346 (Huangyan's real points), 10,000, 600,000 and 3,000,000 points (synthetic,
//! shaped like China's villages: src/synth.rs): bulk load, k=1 and k=5 nearest, within 2 km,
//! against brute force and against `rstar` (a pointer-based R-tree over the same unit vectors)
//! in the same run. Criterion measures the means; a second pass times 100,000 single queries
//! for median and p99, and counts the tree's bytes per point. Those figures go to
//! `target/bench-results/index.json` for `bench/report`.
//!
//! `cargo bench --bench index` (all sizes); `LEGALMAP_BENCH_SIZES=346,10000` for fewer.

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use legalmap::domain::{LonLat, ServicePoint};
use legalmap::locator::index::{PointIndex, unit_vector};
use rstar::primitives::GeomWithData;
use rstar::{ParentNode, RTree, RTreeNode};
use serde_json::json;

const ORIGINS: usize = 100_000;
const SEED: u64 = 1;
const RADIUS_M: f64 = 2_000.0;

type RstarEntry = GeomWithData<[f64; 3], u32>;

fn sizes() -> Vec<usize> {
    std::env::var("LEGALMAP_BENCH_SIZES")
        .ok()
        .map(|list| list.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![346, 10_000, 600_000, 3_000_000])
}

/// The real bundled points at 346, synthetic ones otherwise; origins near them.
fn data(size: usize) -> (Vec<Arc<ServicePoint>>, Vec<LonLat>) {
    let points: Vec<ServicePoint> = if size == 346 {
        legalmap::points::seed::bundled_points()
    } else {
        legalmap::points::synth::points(size, SEED)
            .expect("valid size")
            .into_iter()
            .map(ServicePoint::unsaved)
            .collect()
    };
    let records: Vec<_> = points.iter().map(|p| p.record.clone()).collect();
    let origins = legalmap::points::synth::origins(&records, ORIGINS, SEED);
    (points.into_iter().map(Arc::new).collect(), origins)
}

fn rstar_tree(points: &[Arc<ServicePoint>]) -> RTree<RstarEntry> {
    RTree::bulk_load(
        points
            .iter()
            .enumerate()
            .map(|(slot, p)| GeomWithData::new(unit_vector(p.record.location), slot as u32))
            .collect(),
    )
}

fn rstar_nearest(tree: &RTree<RstarEntry>, points: &[Arc<ServicePoint>], origin: LonLat, k: usize) -> f64 {
    tree.nearest_neighbor_iter(unit_vector(origin))
        .take(k)
        .map(|entry| origin.distance_m(points[entry.data as usize].record.location))
        .fold(0.0, f64::max)
}

/// Bytes of rstar's node vectors (their lengths: a lower bound on what they hold).
fn rstar_bytes(node: &ParentNode<RstarEntry>) -> usize {
    std::mem::size_of_val(node.children())
        + node
            .children()
            .iter()
            .map(|child| match child {
                RTreeNode::Parent(parent) => rstar_bytes(parent),
                RTreeNode::Leaf(_) => 0,
            })
            .sum::<usize>()
}

fn brute_force_k5(points: &[Arc<ServicePoint>], origin: LonLat) -> f64 {
    let mut best = [f64::INFINITY; 5];
    for point in points {
        let d = origin.distance_m(point.record.location);
        if d < best[4] {
            best[4] = d;
            best.sort_by(f64::total_cmp);
        }
    }
    best[4]
}

/// Median and p99 of single queries, microseconds.
fn percentiles(origins: &[LonLat], mut query: impl FnMut(LonLat)) -> (f64, f64) {
    for &origin in origins.iter().take(10_000) {
        query(origin); // warm up
    }
    let mut ns: Vec<u64> = origins
        .iter()
        .map(|&origin| {
            let start = Instant::now();
            query(origin);
            start.elapsed().as_nanos() as u64
        })
        .collect();
    ns.sort_unstable();
    let at = |q: f64| ns[((ns.len() as f64 * q) as usize).min(ns.len() - 1)] as f64 / 1000.0;
    (at(0.5), at(0.99))
}

fn index(c: &mut Criterion) {
    let mut results = Vec::new();
    for size in sizes() {
        let (points, origins) = data(size);
        let label =
            if size == 346 { "346 (Huangyan, real)".to_owned() } else { format!("{size} (synthetic)") };
        eprintln!("{label}: {} points, {} origins", points.len(), origins.len());
        let index = PointIndex::build_shared(points.clone());
        let tree = rstar_tree(&points);

        let mut group = c.benchmark_group(format!("index-{size}"));
        group.sample_size(10).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(2));
        group.bench_function("bulk load", |b| {
            b.iter_batched(|| points.clone(), PointIndex::build_shared, BatchSize::LargeInput)
        });
        group.bench_function("baseline: rstar bulk load", |b| b.iter(|| black_box(rstar_tree(&points))));
        let mut next = 0usize;
        let mut origin = || {
            next = (next + 1) % origins.len();
            origins[next]
        };
        group.bench_function("nearest k=1", |b| b.iter(|| black_box(index.nearest(origin(), 1).len())));
        group.bench_function("nearest k=5", |b| b.iter(|| black_box(index.nearest(origin(), 5).len())));
        group.bench_function("within 2 km", |b| b.iter(|| black_box(index.within(origin(), RADIUS_M).len())));
        group.bench_function("baseline: rstar k=5", |b| {
            b.iter(|| black_box(rstar_nearest(&tree, &points, origin(), 5)))
        });
        group.bench_function("baseline: brute force k=5", |b| {
            b.iter(|| black_box(brute_force_k5(&points, origin())))
        });
        group.finish();

        let (k1_p50, k1_p99) = percentiles(&origins, |o| {
            black_box(index.nearest(o, 1));
        });
        let (k5_p50, k5_p99) = percentiles(&origins, |o| {
            black_box(index.nearest(o, 5));
        });
        let (within_p50, within_p99) = percentiles(&origins, |o| {
            black_box(index.within(o, RADIUS_M));
        });
        let (rstar_p50, rstar_p99) = percentiles(&origins, |o| {
            black_box(rstar_nearest(&tree, &points, o, 5));
        });
        let started = Instant::now();
        black_box(PointIndex::build_shared(points.clone()));
        let one_build_s = started.elapsed().as_secs_f64();
        results.push(json!({
            "size": size,
            "label": label,
            "tree_bytes_per_point": index.tree_heap_bytes() as f64 / size as f64,
            "rstar_bytes_per_point_at_least": rstar_bytes(tree.root()) as f64 / size as f64,
            "bulk_load_once_s": one_build_s,
            "nearest_k1_us": { "p50": k1_p50, "p99": k1_p99 },
            "nearest_k5_us": { "p50": k5_p50, "p99": k5_p99 },
            "within_2km_us": { "p50": within_p50, "p99": within_p99 },
            "rstar_k5_us": { "p50": rstar_p50, "p99": rstar_p99 },
        }));
    }
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-results");
    std::fs::create_dir_all(&dir).expect("create target/bench-results");
    let path = dir.join("index.json");
    std::fs::write(&path, serde_json::to_string_pretty(&results).expect("json")).expect("write results");
    eprintln!("wrote {}", path.display());
}

criterion_group!(benches, index);
criterion_main!(benches);
