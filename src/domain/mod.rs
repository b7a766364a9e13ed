//! Domain types, parsed once at the edge: positions, datums, service points.

pub mod datum;
pub mod lonlat;
pub mod point;

pub use datum::Datum;
pub use lonlat::{CoordError, LonLat};
pub use point::{LocationQuality, PointCode, PointKind, PointRecord, ServicePoint};
