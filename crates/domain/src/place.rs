//! Residential places staff upload for coverage (read from CSV in `coverage::places`).

use serde::Serialize;

use super::LonLat;

/// A place where people live, in WGS-84.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Place {
    pub name: String,
    pub location: LonLat,
    /// Residents; `None` when the upload did not say (the place then counts once).
    pub population: Option<i64>,
}

impl Place {
    /// The weight of the place in shares: its population, or 1 when populations are unknown.
    pub fn weight(&self, by_population: bool) -> f64 {
        if by_population { self.population.unwrap_or(0) as f64 } else { 1.0 }
    }
}
