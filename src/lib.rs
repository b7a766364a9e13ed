//! legalmap: Huangyan District's 15-minute public legal service circle, as a locator.

/// Shared state, the one router, and the server loop.
pub mod app;
/// Static files, compiled in and served under content-hashed names.
pub mod assets;
/// Passwords, session and CSRF tokens.
pub mod auth;
/// The subcommands behind the binary: serve, import, export.
pub mod cli;
/// The command line and environment, parsed once into typed values.
pub mod config;
/// The 15-minute circle's coverage of the district, its gaps, and where new points would help.
pub mod coverage;
/// The store (SQLite through sqlx); the only place with SQL.
pub mod db;
/// Positions, datums and service points, parsed once at the edge.
pub mod domain;
/// The one error type of the web layer, rendered as JSON or HTML.
pub mod error;
/// The R-tree of active points: exact nearest and within-distance queries on the sphere.
pub mod index;
/// Nearest and reachable points with travel estimates, for the API and the pages.
pub mod locator;
/// The pages' map: tile source and district outline in the tiles' datum.
pub mod map;
/// The staff's point form: typed text to a checked draft, with confirmations.
pub mod point_form;
/// Reading and writing the points CSV.
pub mod points_csv;
/// HTTP handlers.
pub mod routes;
/// The bundled data set and first-start loading.
pub mod seed;
/// Synthetic, clearly marked point sets shaped like China's villages, for benchmarks.
pub mod synth;
/// The travel-time model and the provincial 15-minute standard.
pub mod travel;
/// HTML views (maud), pure functions.
pub mod views;
