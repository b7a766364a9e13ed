//! Keeping the server's road network in step with its file: loaded at start, and loaded again
//! when `legalmap roads import` replaces the file, without a restart.
//!
//! The import writes a new file and renames it over the old one, so the file's identity (inode),
//! size or modification time changes exactly when a new network is in place. Looking at that
//! every few seconds costs one `stat`; no signal, socket or extra dependency is needed, and it
//! works the same under systemd, in a container or run by hand.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use super::network::RoadNetwork;
use crate::app::AppState;

/// How often the file is looked at. An import takes seconds to minutes, so a new network is in
/// use at most this long after it finishes.
pub const CHECK_EVERY: Duration = Duration::from_secs(2);

/// What identifies one version of the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    inode: u64,
    bytes: u64,
    modified: Option<SystemTime>,
}

fn stamp(path: &Path) -> Option<Stamp> {
    let metadata = std::fs::metadata(path).ok()?;
    #[cfg(unix)]
    let inode = std::os::unix::fs::MetadataExt::ino(&metadata);
    #[cfg(not(unix))]
    let inode = 0;
    Some(Stamp { inode, bytes: metadata.len(), modified: metadata.modified().ok() })
}

/// Loads the network at `path` into `state` if the file is there (before the first request, so
/// every answer comes from the roads from the start), then follows the file's changes in a task
/// for as long as the server runs. A file that cannot be read is logged and leaves the network in
/// use (or the estimate, at start) as it was: a damaged network must not stop residents' answers.
pub async fn start(state: AppState, path: PathBuf) {
    let seen = stamp(&path);
    if seen.is_some() {
        load(&state, &path).await;
    }
    tokio::spawn(follow(state, path, seen));
}

async fn follow(state: AppState, path: PathBuf, mut seen: Option<Stamp>) {
    loop {
        tokio::time::sleep(CHECK_EVERY).await;
        let now = stamp(&path);
        if now != seen {
            seen = now;
            if now.is_some() {
                load(&state, &path).await;
            }
        }
    }
}

async fn load(state: &AppState, path: &Path) {
    let file = path.to_path_buf();
    let started = std::time::Instant::now();
    let loaded = tokio::task::spawn_blocking(move || RoadNetwork::load(&file)).await;
    match loaded {
        Ok(Ok(network)) => {
            let nodes = network.node_counts();
            state.use_road_network(network).await;
            tracing::info!(
                path = %path.display(),
                walk_nodes = nodes[0],
                bike_nodes = nodes[1],
                drive_nodes = nodes[2],
                elapsed_ms = started.elapsed().as_millis() as u64,
                "road network in use: travel times come from the roads"
            );
        }
        Ok(Err(error)) => tracing::error!(%error, "road network not loaded; the one in use (if any) stays"),
        Err(error) => tracing::error!(%error, "loading the road network failed"),
    }
}
