//! Travel times on real roads: an OpenStreetMap road network per mode, read from an extract,
//! stored beside the database, and searched from places snapped onto it (docs/roads.md).
//!
//! Data flows one way: `pbf` reads the extract, `tags` and `speed` decide what each mode may use
//! and how fast, `graph` builds the compact graphs, `file` stores and loads them, `snap` and
//! `route` answer queries on the loaded `network`.

/// The active points on the network, and the queries the locator asks of it.
pub mod answers;
/// Storing and loading the network file beside the database.
pub mod file;
/// One mode's graph, in compressed sparse row form.
pub mod graph;
/// `legalmap roads import`: extract in, network file out, or nothing changed.
pub mod import;
/// The roads from which a place is reached within a budget (a point's area on the map).
pub mod isochrone;
/// The quickest few points from every road node (multi-source search).
pub mod labels;
/// The loaded network and the travel time between two places.
pub mod network;
/// Reading the routable ways of an OpenStreetMap PBF extract.
pub mod pbf;
/// What changed between two snapshots of the points, slot by slot.
pub mod point_changes;
/// Each node's incoming edges, for searches towards a place.
pub mod reverse;
/// Bounded shortest-path search (Dijkstra).
pub mod route;
/// Snapping a place to the nearest road segment (R-tree).
pub mod snap;
/// Driving speeds by highway class and `maxspeed`.
pub mod speed;
/// A synthetic grid network, for benchmarks.
pub mod synth;
/// Which ways each mode may use, and in which direction.
pub mod tags;
/// Following the network file: loaded at start and after each import.
pub mod watch;
