//! legalmap's domain types, parsed once at the edge: positions, datums, service points. A crate
//! of its own so the stores (`crates/store-*`) and the application share them.

pub mod account_event;
pub mod beijing;
pub mod change_log;
pub mod datum;
pub mod fields;
pub mod gps_fix;
pub mod history;
pub mod import_batch;
pub mod lonlat;
pub mod opening_hours;
pub mod paging;
pub mod paste;
pub mod place;
pub mod point;
pub mod point_filter;
pub mod quote;
pub mod report;
pub mod staff;

/// The national public legal service hotline (公共法律服务热线), answered around the clock.
pub const LEGAL_HOTLINE: &str = "12348";

pub use datum::Datum;
pub use lonlat::{CoordError, LonLat};
pub use opening_hours::OpeningHours;
pub use point::{AreaType, LocationQuality, PointCode, PointKind, PointRecord, ServicePoint, Verification};
pub use point_filter::PointFilter;
