//! Domain types, parsed once at the edge: positions, datums, service points.

pub mod account_event;
pub mod datum;
pub mod fields;
pub mod history;
pub mod import_batch;
pub mod lonlat;
pub mod paste;
pub mod point;
pub mod point_filter;
pub mod staff;

pub use datum::Datum;
pub use lonlat::{CoordError, LonLat};
pub use point::{AreaType, LocationQuality, PointCode, PointKind, PointRecord, ServicePoint, Verification};
pub use point_filter::PointFilter;
