//! GeoJSON (RFC 7946) for service points: `[lon, lat]` in WGS-84.

use serde::Serialize;

use crate::domain::ServicePoint;

#[derive(Debug, Serialize)]
pub struct FeatureCollection<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    features: Vec<Feature<'a>>,
}

#[derive(Debug, Serialize)]
pub struct Feature<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    /// The point's code, so clients can link features to `/api/v1/points/{code}`.
    id: &'a str,
    geometry: Geometry,
    properties: Properties<'a>,
}

#[derive(Debug, Serialize)]
struct Geometry {
    #[serde(rename = "type")]
    kind: &'static str,
    /// `[lon, lat]`, WGS-84 degrees.
    coordinates: [f64; 2],
}

#[derive(Debug, Serialize)]
struct Properties<'a> {
    #[serde(flatten)]
    point: &'a ServicePoint,
    /// True for town-centre placeholders, whose real location is still unknown.
    location_is_estimate: bool,
}

impl<'a> Feature<'a> {
    pub fn new(point: &'a ServicePoint) -> Self {
        let location = point.record.location;
        Self {
            kind: "Feature",
            id: point.record.code.as_str(),
            geometry: Geometry { kind: "Point", coordinates: [location.lon(), location.lat()] },
            properties: Properties {
                point,
                location_is_estimate: point.record.location_quality.is_estimate(),
            },
        }
    }
}

impl<'a> FromIterator<&'a ServicePoint> for FeatureCollection<'a> {
    fn from_iter<I: IntoIterator<Item = &'a ServicePoint>>(points: I) -> Self {
        Self { kind: "FeatureCollection", features: points.into_iter().map(Feature::new).collect() }
    }
}
