//! The index at 346 (Huangyan's real points), 10,000, 600,000 and 3,000,000 points (synthetic,
//! shaped like China's villages: src/points/synth.rs): bulk load, k=1 and k=5 nearest, within
//! 2 km and one staff move, for `PointIndex` (rstar with the node sizes it chose) against
//! `rstar` with its default parameters over the same unit vectors, and against brute force, in
//! the same run. Criterion measures the means; a second pass times 100,000 single queries for
//! median and p99, and estimates the trees' bytes per point. Those figures go to
//! `target/bench-results/index.json` for `bench/report`.
//!
//! `cargo bench --bench index` (all sizes); `LEGALMAP_BENCH_SIZES=346,10000` for fewer.
//!
//! How the node size was chosen (not part of `bench/run`):
//! `LEGALMAP_BENCH_NODE_SIZES=6,8,10,12,16,24,32 cargo bench --bench index -- nodes-` adds, per
//! size, rstar's raw queries and bulk load at each maximum node size (groups `nodes-<size>`; 6 is
//! rstar's default), timed in CPU time so that a busy machine skews them less.

mod support;

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::measurement::{Measurement, ValueFormatter};
use criterion::{BatchSize, BenchmarkGroup, Criterion, Throughput, criterion_group, criterion_main};
use legalmap::domain::{LonLat, ServicePoint};
use legalmap::locator::index::{Entry, PointIndex, nearest_slots, rstar_node_bytes, unit_vector};
use rstar::primitives::GeomWithData;
use rstar::{DefaultParams, PointDistance, RStarInsertionStrategy, RTree, RTreeParams};
use serde_json::json;
use support::percentiles;

const ORIGINS: usize = 100_000;
const SEED: u64 = 1;
const RADIUS_M: f64 = 2_000.0;

fn sizes() -> Vec<usize> {
    list_from_env("LEGALMAP_BENCH_SIZES").unwrap_or_else(|| vec![346, 10_000, 600_000, 3_000_000])
}

fn list_from_env(name: &str) -> Option<Vec<usize>> {
    std::env::var(name).ok().map(|list| list.split(',').filter_map(|n| n.trim().parse().ok()).collect())
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

/// An rstar tree over the points' unit vectors, each carrying the point's slot, as `PointIndex`
/// builds it but with node sizes `P`.
fn rstar_tree<P: RTreeParams>(points: &[Arc<ServicePoint>]) -> RTree<Entry, P> {
    RTree::bulk_load_with_params(
        points
            .iter()
            .enumerate()
            .map(|(slot, p)| GeomWithData::new(unit_vector(p.record.location), slot as u32))
            .collect(),
    )
}

/// The squared chord of `RADIUS_M` on the unit sphere (a hair wider, as the index makes it).
fn radius_chord_2() -> f64 {
    let chord = 2.0 * (RADIUS_M / geo::Haversine.radius() / 2.0).sin() * (1.0 + 1e-9) + 1e-12;
    chord * chord
}

fn rstar_within<P: RTreeParams>(tree: &RTree<Entry, P>, query: [f64; 3]) -> Vec<(f64, u32)> {
    let mut found: Vec<(f64, u32)> = tree
        .locate_within_distance(query, radius_chord_2())
        .map(|entry| (entry.distance_2(&query), entry.data))
        .collect();
    found.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    found
}

/// Default-parameter rstar answering what `PointIndex::nearest` answers: the k nearest with
/// their great-circle distances in metres.
fn default_nearest(tree: &RTree<Entry>, points: &[Arc<ServicePoint>], origin: LonLat, k: usize) -> f64 {
    nearest_slots(tree, unit_vector(origin), k)
        .into_iter()
        .map(|(_, slot)| origin.distance_m(points[slot as usize].record.location))
        .fold(0.0, f64::max)
}

fn default_within(tree: &RTree<Entry>, points: &[Arc<ServicePoint>], origin: LonLat) -> usize {
    rstar_within(tree, unit_vector(origin))
        .into_iter()
        .filter(|&(_, slot)| origin.distance_m(points[slot as usize].record.location) <= RADIUS_M)
        .count()
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

/// Origins in a fixed cycle, the same sequence for every engine.
fn cycle(origins: &[LonLat]) -> impl FnMut() -> LonLat + '_ {
    let mut next = 0usize;
    move || {
        next = (next + 1) % origins.len();
        origins[next]
    }
}

fn index(c: &mut Criterion) {
    let mut results = Vec::new();
    for size in sizes() {
        let (points, origins) = data(size);
        let label =
            if size == 346 { "346 (Huangyan, real)".to_owned() } else { format!("{size} (synthetic)") };
        eprintln!("{label}: {} points, {} origins", points.len(), origins.len());
        let index = PointIndex::build_shared(points.clone());
        let default = rstar_tree::<DefaultParams>(&points);

        let mut group = c.benchmark_group(format!("index-{size}"));
        group.sample_size(10).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(2));
        group.bench_function("bulk load", |b| {
            b.iter_batched(|| points.clone(), PointIndex::build_shared, BatchSize::LargeInput)
        });
        group.bench_function("baseline: rstar default bulk load", |b| {
            b.iter_batched(|| (), |()| rstar_tree::<DefaultParams>(&points), BatchSize::LargeInput)
        });
        // One staff move on the snapshot: copy the tree, remove the entry, insert it 1 km away.
        let moved = {
            let mut point = ServicePoint::clone(&index.points()[index.len() / 2]);
            let location = point.record.location;
            point.record.location = LonLat::parse(location.lon(), location.lat() + 0.009).expect("in range");
            point
        };
        group.bench_function("move one point", |b| {
            b.iter_batched(|| moved.clone(), |moved| index.with_point(moved), BatchSize::LargeInput)
        });
        let mut origin = cycle(&origins);
        group.bench_function("nearest k=1", |b| b.iter(|| black_box(index.nearest(origin(), 1).len())));
        group.bench_function("nearest k=5", |b| b.iter(|| black_box(index.nearest(origin(), 5).len())));
        group.bench_function("within 2 km", |b| b.iter(|| black_box(index.within(origin(), RADIUS_M).len())));
        group.bench_function("baseline: rstar default k=1", |b| {
            b.iter(|| black_box(default_nearest(&default, &points, origin(), 1)))
        });
        group.bench_function("baseline: rstar default k=5", |b| {
            b.iter(|| black_box(default_nearest(&default, &points, origin(), 5)))
        });
        group.bench_function("baseline: rstar default within 2 km", |b| {
            b.iter(|| black_box(default_within(&default, &points, origin())))
        });
        group.bench_function("baseline: brute force k=5", |b| {
            b.iter(|| black_box(brute_force_k5(&points, origin())))
        });
        group.finish();

        let (k1_p50, k1_p99) = percentiles(&origins, 10_000, |o| {
            black_box(index.nearest(o, 1));
        });
        let (k5_p50, k5_p99) = percentiles(&origins, 10_000, |o| {
            black_box(index.nearest(o, 5));
        });
        let (within_p50, within_p99) = percentiles(&origins, 10_000, |o| {
            black_box(index.within(o, RADIUS_M));
        });
        let default_k1 = percentiles(&origins, 10_000, |o| {
            black_box(default_nearest(&default, &points, o, 1));
        });
        let default_k5 = percentiles(&origins, 10_000, |o| {
            black_box(default_nearest(&default, &points, o, 5));
        });
        let default_within = percentiles(&origins, 10_000, |o| {
            black_box(default_within(&default, &points, o));
        });
        let started = Instant::now();
        black_box(PointIndex::build_shared(points.clone()));
        let one_build_s = started.elapsed().as_secs_f64();
        results.push(json!({
            "size": size,
            "label": label,
            "tree_bytes_per_point": index.tree_heap_bytes() as f64 / size as f64,
            "rstar_default_bytes_per_point": rstar_node_bytes(default.root()) as f64 / size as f64,
            "bulk_load_once_s": one_build_s,
            "nearest_k1_us": { "p50": k1_p50, "p99": k1_p99 },
            "nearest_k5_us": { "p50": k5_p50, "p99": k5_p99 },
            "within_2km_us": { "p50": within_p50, "p99": within_p99 },
            "rstar_default_k1_us": { "p50": default_k1.0, "p99": default_k1.1 },
            "rstar_default_k5_us": { "p50": default_k5.0, "p99": default_k5.1 },
            "rstar_default_within_2km_us": { "p50": default_within.0, "p99": default_within.1 },
        }));
    }
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-results");
    std::fs::create_dir_all(&dir).expect("create target/bench-results");
    let path = dir.join("index.json");
    std::fs::write(&path, serde_json::to_string_pretty(&results).expect("json")).expect("write results");
    eprintln!("wrote {}", path.display());
}

/// Node sizes with at most `MAX` children, in rstar's default proportions (as `NodeParams`).
struct Nodes<const MAX: usize>;

impl<const MAX: usize> RTreeParams for Nodes<MAX> {
    const MIN_SIZE: usize = MAX / 2;
    const MAX_SIZE: usize = MAX;
    const REINSERTION_COUNT: usize = MAX / 3;
    type DefaultInsertionStrategy = RStarInsertionStrategy;
}

/// The node-size sweep (only with `LEGALMAP_BENCH_NODE_SIZES`): raw rstar queries and bulk load
/// per size and maximum node size, in CPU time (see [`ThreadCpuTime`]).
fn node_sizes(c: &mut Criterion<ThreadCpuTime>) {
    let Some(node_sizes) = list_from_env("LEGALMAP_BENCH_NODE_SIZES") else {
        return;
    };
    for size in sizes() {
        let (points, origins) = data(size);
        let mut group = c.benchmark_group(format!("nodes-{size}"));
        group.sample_size(10).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
        for &node_size in &node_sizes {
            match node_size {
                6 => node_size_sweep::<6>(&mut group, &points, &origins),
                8 => node_size_sweep::<8>(&mut group, &points, &origins),
                10 => node_size_sweep::<10>(&mut group, &points, &origins),
                12 => node_size_sweep::<12>(&mut group, &points, &origins),
                16 => node_size_sweep::<16>(&mut group, &points, &origins),
                24 => node_size_sweep::<24>(&mut group, &points, &origins),
                32 => node_size_sweep::<32>(&mut group, &points, &origins),
                other => eprintln!("node size {other} not compiled in: 6, 8, 10, 12, 16, 24 or 32"),
            }
        }
        group.finish();
    }
}

/// The raw queries and the bulk load at one node size.
fn node_size_sweep<const MAX: usize>(
    group: &mut BenchmarkGroup<'_, ThreadCpuTime>,
    points: &[Arc<ServicePoint>],
    origins: &[LonLat],
) {
    let tree = rstar_tree::<Nodes<MAX>>(points);
    eprintln!("max {MAX}: {:.1} bytes/point", rstar_node_bytes(tree.root()) as f64 / points.len() as f64);
    let mut origin = cycle(origins);
    group.bench_function(format!("max {MAX:02}: k=1"), |b| {
        b.iter(|| black_box(nearest_slots(&tree, unit_vector(origin()), 1)))
    });
    group.bench_function(format!("max {MAX:02}: k=5"), |b| {
        b.iter(|| black_box(nearest_slots(&tree, unit_vector(origin()), 5)))
    });
    group.bench_function(format!("max {MAX:02}: within 2 km"), |b| {
        b.iter(|| black_box(rstar_within(&tree, unit_vector(origin()))))
    });
    group.bench_function(format!("max {MAX:02}: bulk load"), |b| {
        b.iter_batched(|| (), |()| rstar_tree::<Nodes<MAX>>(points), BatchSize::LargeInput)
    });
}

/// CPU time of the running thread (`/proc/thread-self/schedstat`, Linux), for the node-size
/// sweep: on a machine other work shares, the time a query waits for a core is not its own, and
/// wall time would compare the machine's load more than the node sizes. The kernel brings the
/// figure up to date at each tick and context switch, so it suits samples of tens of
/// milliseconds and more, as criterion's are here.
struct ThreadCpuTime;

fn thread_cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|stat| stat.split_whitespace().next()?.parse().ok())
        .expect("/proc/thread-self/schedstat (Linux) for the node-size sweep")
}

impl Measurement for ThreadCpuTime {
    type Intermediate = u64;
    type Value = u64;

    fn start(&self) -> u64 {
        thread_cpu_ns()
    }
    fn end(&self, started_ns: u64) -> u64 {
        thread_cpu_ns().saturating_sub(started_ns)
    }
    fn add(&self, a: &u64, b: &u64) -> u64 {
        a + b
    }
    fn zero(&self) -> u64 {
        0
    }
    fn to_f64(&self, ns: &u64) -> f64 {
        *ns as f64
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        &CpuNanoseconds
    }
}

struct CpuNanoseconds;

impl ValueFormatter for CpuNanoseconds {
    fn scale_values(&self, typical_ns: f64, values: &mut [f64]) -> &'static str {
        let (factor, unit) = match typical_ns {
            ns if ns < 1e3 => (1.0, "ns cpu"),
            ns if ns < 1e6 => (1e-3, "µs cpu"),
            ns if ns < 1e9 => (1e-6, "ms cpu"),
            _ => (1e-9, "s cpu"),
        };
        values.iter_mut().for_each(|value| *value *= factor);
        unit
    }
    fn scale_throughputs(
        &self,
        _typical: f64,
        _throughput: &Throughput,
        _values: &mut [f64],
    ) -> &'static str {
        "ns cpu"
    }
    fn scale_for_machines(&self, _values: &mut [f64]) -> &'static str {
        "ns cpu"
    }
}

criterion_group!(benches, index);
criterion_group! {
    name = sweep;
    config = Criterion::default().with_measurement(ThreadCpuTime);
    targets = node_sizes
}
criterion_main!(benches, sweep);
