//! The benchmark's load generator: one client for all three engines, so they are measured the
//! same way (same origins in the same order, same concurrency, same closed loop).
//!
//! - `run`: N connections, each sending its next "k nearest to this origin" query as soon as the
//!   last one is answered, for a fixed time after a warm-up; optionally one staff edit (a point
//!   moved a few metres) every interval, through the engine's own write path. Prints JSON.
//! - `check`: asks every engine the same origins and compares the answers.
//! - `load-redis`, `load-postgis`: loads a points CSV into Redis (GEOADD) or PostGIS (COPY, then a
//!   GiST index on a geography column).
//! - `propagation`, `compare`: several legalmap instances on one PostgreSQL database (how soon an
//!   edit on one answers on another; whether they all answer the same).
//!
//! Built only with `--features bench` (it needs sqlx's PostgreSQL driver); `bench/run` drives it.

mod engines;
mod http;
mod propagation;
mod resp;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use serde_json::json;

use engines::Engine;

#[derive(Debug, Parser)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Closed-loop load on one engine; prints throughput and latency percentiles as JSON.
    Run {
        /// legalmap (HTTP address), redis (address) or postgis (database URL).
        #[arg(long)]
        engine: String,
        #[arg(long)]
        target: String,
        /// `lon,lat` CSV with a header, as `legalmap synth --origins` writes.
        #[arg(long)]
        origins: PathBuf,
        #[arg(long, default_value_t = 5)]
        k: usize,
        #[arg(long, default_value_t = 16)]
        concurrency: usize,
        #[arg(long, default_value_t = 15)]
        seconds: u64,
        #[arg(long, default_value_t = 3)]
        warmup_seconds: u64,
        /// Make one staff edit per this many milliseconds (0: none), moving a point from this
        /// points CSV a few metres.
        #[arg(long, default_value_t = 0)]
        edit_every_ms: u64,
        #[arg(long)]
        points: Option<PathBuf>,
        /// For legalmap edits: a staff account (its password in LOADGEN_PASSWORD).
        #[arg(long, default_value = "bench")]
        user: String,
        /// For legalmap: the travel mode asked for (walk, bike, drive).
        #[arg(long, default_value = "walk")]
        mode: String,
    },
    /// Sends the same origins to every engine and counts identical answers.
    Check {
        #[arg(long)]
        origins: PathBuf,
        #[arg(long, default_value_t = 1000)]
        count: usize,
        #[arg(long, default_value_t = 5)]
        k: usize,
        #[arg(long)]
        legalmap: String,
        #[arg(long)]
        redis: String,
        #[arg(long)]
        postgis: String,
    },
    /// Several instances on one PostgreSQL database: moves points through the staff form on
    /// `--writer` and times how long after each save returns the change answers on `--reader`.
    Propagation {
        /// The instance edited (HTTP address).
        #[arg(long)]
        writer: String,
        /// The instance watched (HTTP address).
        #[arg(long)]
        reader: String,
        /// The points to move, as a points CSV (`legalmap export`).
        #[arg(long)]
        points: PathBuf,
        #[arg(long, default_value_t = 100)]
        edits: usize,
        /// A staff account on the shared database (its password in LOADGEN_PASSWORD).
        #[arg(long, default_value = "bench")]
        user: String,
    },
    /// Every point each instance answers with (code, version, position): the same on all of
    /// them after a run, or an edit was lost. Prints the differences and exits non-zero on any.
    Compare {
        /// HTTP addresses of the instances.
        #[arg(long, num_args = 2..)]
        instances: Vec<String>,
    },
    /// Writes query origins near the points of a points CSV (as `legalmap synth --origins`
    /// does for its own points), for the real 346.
    Origins {
        #[arg(long)]
        points: PathBuf,
        #[arg(long, default_value_t = 100_000)]
        count: usize,
        #[arg(long)]
        output: PathBuf,
    },
    /// Loads a points CSV into Redis under one GEO key (replacing it).
    LoadRedis {
        #[arg(long)]
        points: PathBuf,
        #[arg(long)]
        target: String,
    },
    /// Loads a points CSV into PostGIS (replacing the table) and builds its GiST index.
    LoadPostgis {
        #[arg(long)]
        points: PathBuf,
        #[arg(long)]
        target: String,
    },
}

/// A point as the load generator needs it: code and WGS-84 position.
#[derive(Debug, Clone)]
pub struct BenchPoint {
    pub code: String,
    pub lon: f64,
    pub lat: f64,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Run {
            engine,
            target,
            origins,
            k,
            concurrency,
            seconds,
            warmup_seconds,
            edit_every_ms,
            points,
            user,
            mode,
        } => {
            let engine = Engine::new(&engine, &target, user, &mode)?;
            let origins = read_origins(&origins)?;
            let points = match (&points, edit_every_ms) {
                (_, 0) => Vec::new(),
                (Some(path), _) => read_points(path)?,
                (None, _) => bail!("--edit-every-ms needs --points"),
            };
            let settings = RunSettings {
                k,
                concurrency,
                warmup: Duration::from_secs(warmup_seconds),
                measure: Duration::from_secs(seconds),
                edit_every: (edit_every_ms > 0).then(|| Duration::from_millis(edit_every_ms)),
            };
            let report = run(engine, Arc::new(origins), points, settings).await?;
            println!("{}", serde_json::to_string_pretty(&report)?);
        }
        Command::Propagation { writer, reader, points, edits, user } => {
            let report = propagation::measure(&writer, &reader, &read_points(&points)?, edits, &user).await?;
            println!("{}", serde_json::to_string_pretty(&report)?);
        }
        Command::Compare { instances } => {
            let report = propagation::compare(&instances).await?;
            println!("{}", serde_json::to_string_pretty(&report)?);
            if report["differences"].as_u64() != Some(0) {
                bail!("the instances answer differently");
            }
        }
        Command::Check { origins, count, k, legalmap, redis, postgis } => {
            let origins = read_origins(&origins)?;
            let report = check(&origins[..count.min(origins.len())], k, &legalmap, &redis, &postgis).await?;
            println!("{}", serde_json::to_string_pretty(&report)?);
        }
        Command::Origins { points, count, output } => {
            let origins = legalmap::points::synth::origins(&read_records(&points)?, count, 1);
            let file = std::fs::File::create(&output)
                .with_context(|| format!("cannot create {}", output.display()))?;
            legalmap::points::synth::write_origins(std::io::BufWriter::new(file), &origins)?;
        }
        Command::LoadRedis { points, target } => {
            let points = read_points(&points)?;
            let started = Instant::now();
            engines::load_redis(&target, &points).await?;
            eprintln!("loaded {} points into Redis in {:.1?}", points.len(), started.elapsed());
        }
        Command::LoadPostgis { points, target } => {
            let points = read_points(&points)?;
            let started = Instant::now();
            engines::load_postgis(&target, &points).await?;
            eprintln!("loaded {} points into PostGIS in {:.1?}", points.len(), started.elapsed());
        }
    }
    Ok(())
}

struct RunSettings {
    k: usize,
    concurrency: usize,
    warmup: Duration,
    measure: Duration,
    edit_every: Option<Duration>,
}

async fn run(
    engine: Engine,
    origins: Arc<Vec<(f64, f64)>>,
    points: Vec<BenchPoint>,
    settings: RunSettings,
) -> anyhow::Result<serde_json::Value> {
    let engine = Arc::new(engine);
    let next = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let (measure_from, end) = (start + settings.warmup, start + settings.warmup + settings.measure);
    let mut workers = Vec::new();
    for _ in 0..settings.concurrency {
        let (engine, origins, next) = (Arc::clone(&engine), Arc::clone(&origins), Arc::clone(&next));
        let k = settings.k;
        workers.push(tokio::spawn(async move {
            let mut conn = engine.connect().await?;
            let mut latencies_ns: Vec<u64> = Vec::with_capacity(1 << 16);
            let mut errors = 0usize;
            loop {
                let sent = Instant::now();
                if sent >= end {
                    break;
                }
                let origin = origins[next.fetch_add(1, Ordering::Relaxed) % origins.len()];
                let ok = conn.nearest(origin, k).await.is_ok_and(|found| !found.is_empty());
                if sent >= measure_from {
                    latencies_ns.push(sent.elapsed().as_nanos() as u64);
                    errors += usize::from(!ok);
                }
                if !ok {
                    // The server went away (a restart in the instances benchmark): try a new
                    // connection after a pause instead of spinning on a dead one.
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    if let Ok(fresh) = engine.connect().await {
                        conn = fresh;
                    }
                }
            }
            anyhow::Ok((latencies_ns, errors))
        }));
    }
    let editor = settings.edit_every.map(|every| {
        let engine = Arc::clone(&engine);
        tokio::spawn(async move { edit_loop(&engine, &points, every, measure_from, end).await })
    });
    let mut latencies_ns = Vec::new();
    let mut errors = 0;
    for worker in workers {
        let (mut own, own_errors) = worker.await??;
        latencies_ns.append(&mut own);
        errors += own_errors;
    }
    let edits = match editor {
        Some(editor) => Some(editor.await??),
        None => None,
    };
    latencies_ns.sort_unstable();
    let seconds = settings.measure.as_secs_f64();
    Ok(json!({
        "engine": engine.name(),
        "k": settings.k,
        "concurrency": settings.concurrency,
        "seconds": seconds,
        "requests": latencies_ns.len(),
        "errors": errors,
        "rps": latencies_ns.len() as f64 / seconds,
        "p50_us": percentile_us(&latencies_ns, 0.50),
        "p90_us": percentile_us(&latencies_ns, 0.90),
        "p99_us": percentile_us(&latencies_ns, 0.99),
        "max_us": percentile_us(&latencies_ns, 1.0),
        "edits": edits,
    }))
}

/// Moves a random point a few metres every `every`, through the engine's write path, and checks
/// the move is visible to queries at once.
async fn edit_loop(
    engine: &Engine,
    points: &[BenchPoint],
    every: Duration,
    measure_from: Instant,
    end: Instant,
) -> anyhow::Result<serde_json::Value> {
    let mut conn = engine.connect_editor().await?;
    let mut rng = legalmap::points::synth::SplitMix64::new(0xed17);
    let (mut landed, mut failed, mut latencies_ns) = (0usize, 0usize, Vec::new());
    tokio::time::sleep_until(measure_from.into()).await;
    let mut tick = tokio::time::interval(every);
    while Instant::now() + every / 2 < end {
        tick.tick().await;
        let point = &points[(rng.next_u64() % points.len() as u64) as usize];
        // About 10-40 m: a staff correction, under the confirmation threshold.
        let moved = BenchPoint {
            code: point.code.clone(),
            lon: point.lon + (rng.unit() - 0.5) * 0.0008,
            lat: point.lat + (rng.unit() - 0.5) * 0.0006,
        };
        let sent = Instant::now();
        match conn.edit(&moved).await {
            Ok(()) => {
                latencies_ns.push(sent.elapsed().as_nanos() as u64);
                landed += 1;
            }
            Err(error) => {
                eprintln!("edit of {} failed: {error:#}", moved.code);
                failed += 1;
            }
        }
    }
    latencies_ns.sort_unstable();
    Ok(json!({
        "landed": landed,
        "failed": failed,
        "p50_ms": percentile_us(&latencies_ns, 0.5) / 1000.0,
        "max_ms": percentile_us(&latencies_ns, 1.0) / 1000.0,
    }))
}

fn percentile_us(sorted_ns: &[u64], quantile: f64) -> f64 {
    if sorted_ns.is_empty() {
        return f64::NAN;
    }
    let rank = ((sorted_ns.len() as f64 * quantile).ceil() as usize).clamp(1, sorted_ns.len());
    sorted_ns[rank - 1] as f64 / 1000.0
}

/// Answers compared per origin: the k codes in order; the same set in another order; other
/// points at the same distances (a tie at the k-th place broken another way); or different
/// points, with the largest distance gap among those.
async fn check(
    origins: &[(f64, f64)],
    k: usize,
    legalmap: &str,
    redis: &str,
    postgis: &str,
) -> anyhow::Result<serde_json::Value> {
    let reference = Engine::new("legalmap", legalmap, String::new(), "walk")?;
    let mut reference_conn = reference.connect().await?;
    let mut report = serde_json::Map::new();
    for (name, target) in [("redis", redis), ("postgis", postgis)] {
        let other = Engine::new(name, target, String::new(), "walk")?;
        let mut conn = other.connect().await?;
        let (mut same_order, mut same_set, mut tie_broken, mut different) = (0, 0, 0, 0);
        let mut worst_gap_m = 0.0f64;
        for &origin in origins {
            let want = reference_conn.nearest(origin, k).await.context("legalmap")?;
            let got = conn.nearest(origin, k).await.with_context(|| name.to_owned())?;
            let codes = |hits: &[(String, f64)]| {
                let mut codes: Vec<String> = hits.iter().map(|(code, _)| code.clone()).collect();
                codes.sort();
                codes
            };
            // Equal distances, pairwise: ties broken another way (placeholders share a town centre).
            // "Equal" allows for each engine's own arithmetic: legalmap rounds to 0.1 m, Redis rounds
            // positions to its 52-bit geohash (~0.6 m) and measures on a sphere of 6,372,797.56 m
            // against the mean radius's 6,371,008.8 m (0.03% longer).
            let equal = |a: f64, b: f64| (a - b).abs() <= 1.0 + 0.0005 * a.max(b);
            let gap_m = want.iter().zip(&got).map(|((_, a), (_, b))| (a - b).abs()).fold(0.0, f64::max);
            let same_distances = want.iter().zip(&got).all(|((_, a), (_, b))| equal(*a, *b));
            if want == got || want.iter().map(|h| &h.0).eq(got.iter().map(|h| &h.0)) {
                same_order += 1;
            } else if codes(&want) == codes(&got) {
                same_set += 1;
            } else if want.len() == got.len() && same_distances {
                tie_broken += 1;
            } else {
                different += 1;
                worst_gap_m = worst_gap_m.max(gap_m);
            }
        }
        report.insert(
            name.to_owned(),
            json!({
                "origins": origins.len(),
                "same_points_same_order": same_order,
                "same_points_other_order": same_set,
                "other_points_at_the_same_distances": tie_broken,
                "different_points": different,
                "largest_kth_distance_gap_m": worst_gap_m,
            }),
        );
    }
    Ok(serde_json::Value::Object(report))
}

fn read_origins(path: &PathBuf) -> anyhow::Result<Vec<(f64, f64)>> {
    let mut reader =
        csv::Reader::from_path(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut origins = Vec::new();
    for row in reader.records() {
        let row = row?;
        origins.push((row[0].parse()?, row[1].parse()?));
    }
    if origins.is_empty() {
        bail!("no origins in {}", path.display());
    }
    Ok(origins)
}

/// Every row of a points CSV, checked and in WGS-84, as `legalmap import` reads it.
fn read_records(path: &PathBuf) -> anyhow::Result<Vec<legalmap::domain::PointRecord>> {
    let file = std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    legalmap::points::csv_file::read_points(std::io::BufReader::new(file))
        .map_err(|errors| anyhow::anyhow!("{} bad rows in {}", errors.len(), path.display()))
}

/// Code and WGS-84 position of every row of a points CSV.
fn read_points(path: &PathBuf) -> anyhow::Result<Vec<BenchPoint>> {
    Ok(read_records(path)?
        .into_iter()
        .map(|r| BenchPoint { code: r.code.to_string(), lon: r.location.lon(), lat: r.location.lat() })
        .collect())
}
