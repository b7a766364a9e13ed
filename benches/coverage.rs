//! Recomputing the district's coverage for all three modes at a 100 m grid, with the R-tree,
//! against brute force (every cell against every point) measured in the same run.
//!
//! `cargo bench --bench coverage`

use std::hint::black_box;
use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use legalmap::coverage::{Coverage, Grid};
use legalmap::locator::index::PointIndex;
use legalmap::locator::travel::{Mode, TravelModel};
use legalmap::web::map::{MapSettings, TileSource};

fn coverage(c: &mut Criterion) {
    let map = MapSettings::new(TileSource::default());
    let grid = Arc::new(Grid::new(map.district(), 100.0));
    let index = Arc::new(PointIndex::build(legalmap::points::seed::bundled_points()));
    let model = TravelModel::default();
    eprintln!("grid: {} cells of 100 m inside the district, {} points", grid.inside_count(), index.len());

    let mut group = c.benchmark_group("district coverage, 100 m grid, 3 modes");
    group.sample_size(20);
    group.bench_function("index (R-tree nearest per cell) + figures", |b| {
        b.iter(|| {
            let coverage = Coverage::compute(Arc::clone(&grid), Arc::clone(&index), model);
            for mode in Mode::ALL {
                black_box(coverage.summary(*mode));
            }
        })
    });
    group.bench_function("baseline: brute force nearest per cell", |b| {
        b.iter(|| {
            let mut covered = [0usize; 3];
            for (row, col) in grid.inside_cells() {
                let centre = grid.centre(row, col);
                let nearest_m = index
                    .points()
                    .iter()
                    .map(|p| centre.distance_m(p.record.location))
                    .fold(f64::INFINITY, f64::min);
                for (slot, mode) in Mode::ALL.iter().enumerate() {
                    covered[slot] += usize::from(nearest_m <= mode.standard_radius_m());
                }
            }
            black_box(covered)
        })
    });
    group.finish();

    let coverage = Coverage::compute(Arc::clone(&grid), Arc::clone(&index), model);
    c.bench_function("greedy: 5 new sites for walking (area)", |b| {
        b.iter(|| black_box(coverage.suggest_sites(Mode::Walk, 5, legalmap::coverage::sites::Demand::Area)))
    });
}

criterion_group!(benches, coverage);
criterion_main!(benches);
