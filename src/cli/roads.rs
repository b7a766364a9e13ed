//! `legalmap roads import|time`: building the road network from an extract, and asking it for
//! the travel time between two places. Neither opens the database: the network lives in a file
//! beside it.

use std::time::{Duration, Instant};

use anyhow::Context;
use serde_json::json;

use crate::config::{RoadsCommand, RoadsImportArgs, RoadsTimeArgs};
use crate::db::Backend;
use crate::db::Db;
use crate::db::sqlite::DatabaseUrl;
use crate::domain::LonLat;
use crate::locator::travel::Mode;
use crate::roads::file::path_for_database;
use crate::roads::import::import;
use crate::roads::network::{RoadNetwork, RoadTime};
use crate::roads::pbf::Progress;

pub async fn run(command: RoadsCommand) -> anyhow::Result<()> {
    match command {
        RoadsCommand::Import(args) => {
            let points = points_to_cover(&args.database.database_url).await?;
            tokio::task::spawn_blocking(move || import_roads(args, &points)).await?
        }
        RoadsCommand::Time(args) => time(args),
    }
}

/// The active points of the database the network is for, which the extract must reach; none
/// when there is no database yet (a network may be imported before the first start).
async fn points_to_cover(database_url: &str) -> anyhow::Result<Vec<LonLat>> {
    if Backend::of_url(database_url)? == Backend::Sqlite
        && DatabaseUrl::parse(database_url)?.check_exists().is_err()
    {
        return Ok(Vec::new());
    }
    let db = Db::open_existing(database_url).await?;
    let points = db.active_points().await?;
    db.close().await;
    Ok(points.iter().map(|point| point.record.location).collect())
}

/// How often the import reports on the terminal.
const PROGRESS_EVERY: Duration = Duration::from_secs(1);

fn import_roads(args: RoadsImportArgs, points: &[LonLat]) -> anyhow::Result<()> {
    let model = args.travel.model().map_err(anyhow::Error::msg)?;
    let target = path_for_database(&args.database.database_url).map_err(anyhow::Error::msg)?;
    let shown = args.file.display();
    eprintln!("reading {shown} (two passes: ways, then their nodes)");
    let mut last = Instant::now();
    let mut report = |progress: Progress| {
        if last.elapsed() < PROGRESS_EVERY {
            return;
        }
        last = Instant::now();
        match progress {
            Progress::Ways { read, kept } => eprintln!("  ways: {read} read, {kept} usable"),
            Progress::Nodes { read, kept } => eprintln!("  nodes: {read} read, {kept} on usable ways"),
        }
    };
    let summary = import(&args.file, &target, &model, points, &mut report)
        .with_context(|| format!("the road network at {} was not changed", target.display()))?;
    for (mode, (nodes, edges)) in [Mode::Walk, Mode::Bike, Mode::Drive].into_iter().zip(summary.graphs) {
        eprintln!("  {mode}: {nodes} nodes, {edges} directed edges");
    }
    println!(
        "imported {} usable ways from {shown} into {} ({:.1} MB) in {:.1?}",
        summary.ways,
        target.display(),
        summary.file_bytes as f64 / 1e6,
        summary.elapsed
    );
    Ok(())
}

fn time(args: RoadsTimeArgs) -> anyhow::Result<()> {
    let path = path_for_database(&args.database.database_url).map_err(anyhow::Error::msg)?;
    let network = RoadNetwork::load(&path)?;
    let answer = match network.time(args.mode, args.from, args.to) {
        RoadTime::Reached { distance_m, minutes, snapped_from_m, snapped_to_m } => json!({
            "reachable": true,
            "distance_m": round_to(distance_m, 1),
            "minutes": round_to(minutes, 2),
            "snapped_from_m": round_to(snapped_from_m, 1),
            "snapped_to_m": round_to(snapped_to_m, 1),
        }),
        RoadTime::Unreachable { snapped_from_m, snapped_to_m } => json!({
            "reachable": false,
            "reason": format!("no {} route joins the two places on the network", args.mode),
            "snapped_from_m": round_to(snapped_from_m, 1),
            "snapped_to_m": round_to(snapped_to_m, 1),
        }),
        RoadTime::OffNetwork { place } => json!({
            "reachable": false,
            "reason": format!(
                "no road usable by {} within {} m of the '{place}' place",
                args.mode,
                crate::roads::network::MAX_SNAP_M
            ),
        }),
    };
    println!("{answer}");
    Ok(())
}

/// Rounds for display: a tenth of a metre and a hundredth of a minute are below what the
/// network can tell apart.
fn round_to(value: f64, decimals: i32) -> f64 {
    let scale = 10_f64.powi(decimals);
    (value * scale).round() / scale
}
