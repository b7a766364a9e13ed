//! The API against the real router and a real SQLite database loaded with the bundled data.

mod account_locks;
mod campaign;
mod coverage;
mod edit_safety;
mod error_shapes;
mod errors;
mod honest_answers;
mod import;
mod import_review;
mod import_undo;
mod nearest;
mod openapi;
mod pages;
mod points;
mod reports;
mod server;
mod signs;
mod staff_access;
mod staff_changes;
mod staff_edit;
mod staff_import;
mod staff_pages;
mod staff_towns;
mod support;
