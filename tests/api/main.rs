//! The API against the real router and a real SQLite database loaded with the bundled data.

mod account_locks;
mod campaign;
mod coverage;
mod error_shapes;
mod errors;
mod import;
mod import_review;
mod import_undo;
mod nearest;
mod openapi;
mod pages;
mod points;
mod server;
mod staff_access;
mod staff_edit;
mod staff_import;
mod support;
