//! Point data in and out: the points CSV, the staff's point form, the bundled data set loaded at
//! the first start, and synthetic sets for benchmarks.

/// Reading and writing the points CSV.
pub mod csv_file;
/// Spreadsheet row numbers of CSV records (for row errors).
mod excel_rows;
/// The staff list's filter, tested against the bundled points.
#[cfg(test)]
mod filter_tests;
/// The staff's point form: typed text to a checked draft, with confirmations.
pub mod form;
/// The opening-hours rows of the point form (weekdays and times) and their checks.
pub mod hours_form;
/// What an import would add, change and retire (the preview and the dry run).
pub mod import_plan;
/// The bundled data set and first-start loading.
pub mod seed;
/// Synthetic, clearly marked point sets shaped like China's villages, for benchmarks.
pub mod synth;
