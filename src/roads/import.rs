//! `legalmap roads import`: an OpenStreetMap extract in, a network file out, or nothing changed.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::file::{self, FileError, Stored};
use super::graph::Graph;
use super::network::MAX_SNAP_M;
use super::pbf::{self, Progress, ReadError};
use super::snap::Snapper;
use crate::domain::LonLat;
use crate::locator::travel::{Mode, TravelModel};

/// Why an import failed; the network file in place (if any) is untouched in every case.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    Read(#[from] ReadError),
    #[error(
        "{path} has no roads that walking, cycling or driving can use ({highway_ways} ways with a highway tag, none routable): is it the right extract?"
    )]
    NoUsableWays { path: PathBuf, highway_ways: u64 },
    #[error(
        "{path} has no road within {max_snap_m} m of any of the database's {points} service points: is it an extract of the district (or of the wrong place)?",
        max_snap_m = MAX_SNAP_M
    )]
    CoversNoPoint { path: PathBuf, points: usize },
    #[error(transparent)]
    Write(#[from] FileError),
}

/// What an import built.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportSummary {
    /// Ways kept for some mode.
    pub ways: usize,
    /// Nodes and directed edges per mode, walk, bike, drive.
    pub graphs: [(usize, usize); 3],
    /// Size of the network file.
    pub file_bytes: u64,
    pub elapsed: Duration,
}

/// Reads the extract at `pbf_path`, builds a graph per mode (walking and cycling at `model`'s
/// speeds) and writes them to `target`, replacing what was there only on success. When `points`
/// is not empty (the database's active points), an extract with no road near any of them is
/// refused: it is of another place, and would turn every answer into "no route".
pub fn import(
    pbf_path: &Path,
    target: &Path,
    model: &TravelModel,
    points: &[LonLat],
    progress: &mut dyn FnMut(Progress),
) -> Result<ImportSummary, ImportError> {
    let started = Instant::now();
    let extract = pbf::read(pbf_path, progress)?;
    let graphs = [Mode::Walk, Mode::Bike, Mode::Drive].map(|mode| Graph::build(&extract, mode, model));
    if graphs.iter().all(|graph| graph.edge_count() == 0) {
        return Err(ImportError::NoUsableWays {
            path: pbf_path.to_owned(),
            highway_ways: extract.highway_ways,
        });
    }
    let covers_a_point = |graph: &Graph| {
        let snapper = Snapper::build(graph);
        points.iter().any(|&point| snapper.snap(graph, point, MAX_SNAP_M).is_some())
    };
    if !points.is_empty() && !graphs.iter().any(covers_a_point) {
        return Err(ImportError::CoversNoPoint { path: pbf_path.to_owned(), points: points.len() });
    }
    let counts = graphs.each_ref().map(|graph| (graph.node_count(), graph.edge_count()));
    let stored =
        Stored { walk_kmh: model.speed_kmh(Mode::Walk), bike_kmh: model.speed_kmh(Mode::Bike), graphs };
    let file_bytes = file::write(target, &stored)?;
    Ok(ImportSummary { ways: extract.ways.len(), graphs: counts, file_bytes, elapsed: started.elapsed() })
}
