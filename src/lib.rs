//! legalmap: Huangyan District's 15-minute public legal service circle, as a locator.

/// Shared state, the one router, and the server loop.
pub mod app;
/// The verification campaign: progress per town and the next points to visit, in route order.
pub mod campaign;
/// The subcommands behind the binary: serve, import, export.
pub mod cli;
/// The command line and environment, parsed once into typed values.
pub mod config;
/// The 15-minute circle's coverage of the district, its gaps, and where new points would help.
pub mod coverage;
/// The store: SQLite (default) or PostgreSQL behind one interface; SQL only in `crates/store-*`.
pub mod db;
/// Positions, datums and service points, parsed once at the edge (the `legalmap-domain` crate).
pub use legalmap_domain as domain;
/// The one error type of the web layer, rendered as JSON or HTML.
pub mod error;
/// Several instances on one PostgreSQL database: following the others' point writes.
pub mod instances;
/// Nearest and reachable points: the R-tree of active points and the travel-time model.
pub mod locator;
/// What operators see: the log set-up, the request log, the Prometheus metrics.
pub mod observe;
/// Point data in and out: the CSV file, the staff form, the bundled set and synthetic sets.
pub mod points;
/// Travel times on real roads: the OpenStreetMap road network per mode, snapping and routing.
pub mod roads;
/// HTTP handlers.
pub mod routes;
/// The server loop: connections served with HTTP/1, timed out when idle or half-sent, capped.
pub mod server;
/// HTML views (maud), pure functions.
pub mod views;
/// What the web layer needs besides handlers and views: static assets, staff authentication, the map.
pub mod web;
