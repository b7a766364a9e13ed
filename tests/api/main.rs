//! The API against the real router and a real SQLite database loaded with the bundled data.

mod errors;
mod import;
mod nearest;
mod pages;
mod points;
mod server;
mod support;
