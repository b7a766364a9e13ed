//! `legalmap coverage`: the coverage table on the terminal, and the gaps as GeoJSON. Times are
//! by road when a road network file sits beside the database (`legalmap roads import`), else
//! the estimate; the output says which.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;

use crate::config::{CoverageArgs, check_cell_m};
use crate::coverage::{Coverage, Grid};
use crate::db::Db;
use crate::locator::index::PointIndex;
use crate::locator::travel::{CIRCLE_MINUTES, Mode};
use crate::locator::{Snapshot, TravelBasis};
use crate::roads::answers::RoadAnswers;
use crate::roads::file::path_for_database;
use crate::roads::network::RoadNetwork;
use crate::web::geojson;
use crate::web::map::{MapSettings, TileSource};

pub async fn run(args: CoverageArgs) -> anyhow::Result<()> {
    let model = args.travel.model().map_err(anyhow::Error::msg)?;
    let cell_m = check_cell_m(args.cell_m).map_err(anyhow::Error::msg)?;
    let modes: Vec<Mode> = match &args.mode {
        Some(mode) => vec![mode.parse().map_err(anyhow::Error::msg)?],
        None => Mode::ALL.to_vec(),
    };
    let db = Db::open_existing(&args.database.database_url).await?;
    let points = db.active_points().await?;
    db.close().await;
    let map = MapSettings::new(TileSource::default());
    let index = Arc::new(PointIndex::build(points));
    let roads = match path_for_database(&args.database.database_url) {
        Ok(path) if path.exists() => {
            let started = std::time::Instant::now();
            let network = RoadNetwork::load(&path)
                .with_context(|| format!("cannot read the road network {}", path.display()))?;
            let roads = RoadAnswers::build(Arc::new(network), Arc::clone(&index));
            eprintln!("loaded the road network {} in {:.0?}", path.display(), started.elapsed());
            Some(Arc::new(roads))
        }
        _ => None,
    };
    let snapshot = Snapshot { index, roads };
    let started = std::time::Instant::now();
    let coverage = Coverage::compute_for(Arc::new(Grid::new(map.district(), cell_m)), &snapshot, model);
    eprintln!("computed {} cells of {cell_m} m in {:.0?}", coverage.grid.inside_count(), started.elapsed());
    match coverage.travel_basis() {
        TravelBasis::RoadNetwork => println!(
            "travel times by road (OpenStreetMap road network beside the database); cells more than 2 km \
             from any road of a mode use the estimate"
        ),
        TravelBasis::Estimate => println!(
            "travel times are estimates (straight line x detour factor at a fixed speed): no road network \
             beside the database (legalmap roads import)"
        ),
    }
    for &mode in &modes {
        print_table(&coverage, mode);
        if let Some(output) = &args.output {
            let path = if modes.len() > 1 { per_mode_path(output, mode) } else { output.clone() };
            let json = serde_json::to_string(&geojson::coverage_gaps(&coverage, mode)?)?;
            std::fs::write(&path, json).with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!("wrote the {mode} gaps to {}", path.display());
        }
    }
    Ok(())
}

fn per_mode_path(output: &Path, mode: Mode) -> PathBuf {
    let stem = output.file_stem().and_then(|s| s.to_str()).unwrap_or("gaps");
    output.with_file_name(format!("{stem}-{mode}.geojson"))
}

fn print_table(coverage: &Coverage, mode: Mode) {
    let s = coverage.summary(mode);
    println!(
        "\n{mode}: standard {:.1} km straight line; district {:.1} km²; within the standard {:.1}%; within {} minutes {:.1}% ({}); \
         uncertain (nearest point is a town-centre estimate) {:.1} km²",
        s.standard_radius_m / 1000.0,
        s.area_km2,
        s.standard_share * 100.0,
        CIRCLE_MINUTES,
        s.within_15_share * 100.0,
        match s.travel_basis {
            TravelBasis::RoadNetwork => "by road",
            TravelBasis::Estimate => "estimated",
        },
        s.uncertain_area_km2
    );
    if s.travel_basis == TravelBasis::RoadNetwork {
        println!(
            "by the estimate (no road within 2 km): {:.1} km² ({} cells); no point reachable by road: {:.1} km² ({} cells)",
            s.estimate_area_km2, s.estimate_cells, s.unreachable_area_km2, s.unreachable_cells
        );
    }
    let within_heading = format!("{CIRCLE_MINUTES} min %");
    println!("{:<12} {:>10} {:>12} {:>12}", "town", "area km²", "standard %", within_heading);
    for town in &s.towns {
        println!(
            "{:<12} {:>10.1} {:>12.1} {:>12.1}",
            town.town,
            town.area_km2,
            town.standard_share * 100.0,
            town.within_15_share * 100.0
        );
    }
    println!("farthest from any point:");
    for far in &s.farthest {
        println!(
            "  {:.5},{:.5}  {:.0} m to {} ({})",
            far.lon, far.lat, far.distance_m, far.nearest_name, far.nearest_code
        );
    }
}
