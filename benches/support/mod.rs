//! What the benchmarks share (each bench is its own crate: `mod support;`).

use std::time::Instant;

use legalmap::domain::LonLat;

/// Median and p99 of single calls of `query`, one per origin, microseconds, after calling it on
/// the first `warm_up` origins unmeasured.
pub fn percentiles(origins: &[LonLat], warm_up: usize, mut query: impl FnMut(LonLat)) -> (f64, f64) {
    for &origin in origins.iter().take(warm_up) {
        query(origin);
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
