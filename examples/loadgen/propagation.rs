//! Several legalmap instances on one PostgreSQL database: how soon a staff save on one answers
//! on another, and whether, after a run, they all answer the same.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde_json::{Value, json};

use crate::BenchPoint;
use crate::http::{HttpConn, StaffSession};

/// Longest wait for one change on the reader before the edit counts as not propagated.
const GIVE_UP: Duration = Duration::from_secs(10);

/// Moves `edits` points in turn through the writer's staff form; after each save has returned
/// (the writer answers with the new position), polls the reader until it does too.
pub async fn measure(
    writer: &str,
    reader: &str,
    points: &[BenchPoint],
    edits: usize,
    user: &str,
) -> anyhow::Result<Value> {
    let password = std::env::var("LOADGEN_PASSWORD").context("LOADGEN_PASSWORD is not set")?;
    let mut staff = StaffSession::log_in(writer, user, &password).await?;
    let mut watch = HttpConn::connect(reader).await?;
    let mut waits_ns = Vec::with_capacity(edits);
    let mut rng = legalmap::points::synth::SplitMix64::new(0x9a7e);
    for n in 0..edits {
        let point = &points[n * 7919 % points.len()];
        let (lon, lat) = (point.lon + (rng.unit() - 0.5) * 0.0008, point.lat + (rng.unit() - 0.5) * 0.0006);
        staff.move_point(&point.code, lon, lat).await?;
        let saved = Instant::now();
        loop {
            if answers(&mut watch, &point.code, lon, lat).await? {
                waits_ns.push(saved.elapsed().as_nanos() as u64);
                break;
            }
            if saved.elapsed() > GIVE_UP {
                bail!("edit {n} of {} did not answer on {reader} within {GIVE_UP:?}", point.code);
            }
            tokio::time::sleep(Duration::from_micros(200)).await;
        }
    }
    waits_ns.sort_unstable();
    let ms = |q: f64| crate::percentile_us(&waits_ns, q) / 1000.0;
    Ok(json!({ "edits": edits, "p50_ms": ms(0.5), "p90_ms": ms(0.9), "p99_ms": ms(0.99), "max_ms": ms(1.0) }))
}

/// Whether `reader` answers `code` at (`lon`, `lat`) (as the writer saved it, to 7 decimals).
async fn answers(reader: &mut HttpConn, code: &str, lon: f64, lat: f64) -> anyhow::Result<bool> {
    let answer = reader.get(&format!("/api/v1/points/{code}"), "").await?;
    let feature: Value = serde_json::from_slice(&answer.body)?;
    let at = &feature["geometry"]["coordinates"];
    let close = |shown: &Value, saved: f64| shown.as_f64().is_some_and(|shown| (shown - saved).abs() < 1e-6);
    Ok(close(&at[0], lon) && close(&at[1], lat))
}

/// Every point's (version, position) on each instance, compared with the first's (a point
/// missing on one, or one point too many, is a difference too).
pub async fn compare(instances: &[String]) -> anyhow::Result<Value> {
    let mut answers = Vec::new();
    for address in instances {
        let mut conn = HttpConn::connect(address).await?;
        let all = conn.get("/api/v1/points", "").await?;
        let collection: Value = serde_json::from_slice(&all.body).context("/api/v1/points")?;
        let points: BTreeMap<String, String> = collection["features"]
            .as_array()
            .context("no features")?
            .iter()
            .map(|f| {
                (
                    f["id"].to_string(),
                    format!("{} {}", f["properties"]["version"], f["geometry"]["coordinates"]),
                )
            })
            .collect();
        answers.push(points);
    }
    let examples: Vec<String> = answers[0]
        .iter()
        .flat_map(|(code, first)| {
            answers[1..]
                .iter()
                .zip(&instances[1..])
                .filter(move |(other, _)| other.get(code) != Some(first))
                .map(move |(other, address)| format!("{code}: {first} vs {:?} on {address}", other.get(code)))
        })
        .collect();
    let counts: Vec<usize> = answers.iter().map(BTreeMap::len).collect();
    let differences = examples.len() + counts.iter().filter(|&&n| n != counts[0]).count();
    Ok(
        json!({ "points": counts, "differences": differences, "examples": &examples[..examples.len().min(5)] }),
    )
}
