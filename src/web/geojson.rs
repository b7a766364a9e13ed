//! GeoJSON (RFC 7946) out of the site, written with the `geojson` crate: the service points
//! (API and staff export) and the coverage gaps (API and `legalmap coverage`). Positions are
//! `[lon, lat]` in WGS-84, whatever datum the map tiles use.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use geojson::feature::Id;
use geojson::{Feature, FeatureCollection, GeoJson, Geometry, GeometryValue, JsonObject, JsonValue};
use serde::Serialize;
use serde::ser::Error as _;

use crate::coverage::Coverage;
use crate::domain::{LonLat, ServicePoint};
use crate::error::AppResult;
use crate::locator::TravelBasis;
use crate::locator::travel::Mode;
use crate::web::cached_body::CachedBody;

/// A point as a Feature: its code is the id (clients link it to `/api/v1/points/{code}`), its
/// record and bookkeeping are the properties, with `location_is_estimate` (true for
/// town-centre placeholders, whose real location is still unknown).
pub fn point_feature(point: &ServicePoint) -> Result<Feature, serde_json::Error> {
    let mut properties = object(point)?;
    properties.insert("location_is_estimate".into(), point.record.location_quality.is_estimate().into());
    Ok(Feature {
        id: Some(Id::String(point.record.code.to_string())),
        properties: Some(properties),
        ..Feature::from(Geometry::new_point(position(point.record.location)))
    })
}

/// Points as a FeatureCollection, in the order given.
pub fn point_collection<'a>(
    points: impl IntoIterator<Item = &'a ServicePoint>,
) -> Result<FeatureCollection, serde_json::Error> {
    Ok(collection(points.into_iter().map(point_feature).collect::<Result<_, _>>()?))
}

/// A collection without a bounding box. Not the crate's `collect()` or `FeatureCollection::new`:
/// they write `"bbox": []` for an empty collection, which RFC 7946 does not allow.
fn collection(features: Vec<Feature>) -> FeatureCollection {
    FeatureCollection { bbox: None, features, foreign_members: None }
}

/// What a gap's Feature says besides its rectangle.
#[derive(Serialize)]
struct GapProperties {
    row: usize,
    first_col: usize,
    last_col: usize,
    cells: usize,
    area_km2: f64,
}

/// What the gaps' FeatureCollection says about all of them (foreign members).
#[derive(Serialize)]
struct GapsSummary {
    mode: Mode,
    travel_basis: TravelBasis,
    standard_radius_m: f64,
    cell_m: f64,
}

/// The gaps for `mode` (by road, cells beyond 15 minutes of every point; without a network,
/// cells outside the standard's radius): one rectangle per run of adjacent cells in a row, with
/// the run's area and the row and columns it spans; the mode, the travel basis, the standard
/// radius and the cell size beside the features.
pub fn coverage_gaps(coverage: &Coverage, mode: Mode) -> Result<FeatureCollection, serde_json::Error> {
    let grid = &coverage.grid;
    let features = coverage
        .gaps(mode)
        .into_iter()
        .map(|(row, first_col, last_col)| {
            let (sw, ne) = grid.bounds(row, first_col, last_col);
            // Closed, as RFC 7946 wants: the last position is the first again.
            let ring = [
                [sw.lon(), sw.lat()],
                [ne.lon(), sw.lat()],
                [ne.lon(), ne.lat()],
                [sw.lon(), ne.lat()],
                [sw.lon(), sw.lat()],
            ];
            let cells = last_col - first_col + 1;
            let properties = GapProperties {
                row,
                first_col,
                last_col,
                cells,
                area_km2: grid.cell_area_km2(row) * cells as f64,
            };
            Ok(Feature {
                properties: Some(object(&properties)?),
                ..Feature::from(GeometryValue::new_polygon([ring]))
            })
        })
        .collect::<Result<Vec<_>, serde_json::Error>>()?;
    let summary = GapsSummary {
        mode,
        travel_basis: coverage.travel_basis(),
        standard_radius_m: mode.standard_radius_m(),
        cell_m: grid.cell_m,
    };
    Ok(FeatureCollection { foreign_members: Some(object(&summary)?), ..collection(features) })
}

/// GeoJSON as a response, `application/geo+json`; a `serde_json` error (none is expected) is
/// an internal error.
pub fn response(geojson: Result<impl Into<GeoJson>, serde_json::Error>) -> AppResult<Response> {
    let json = serde_json::to_vec(&geojson?.into())?;
    Ok(([(header::CONTENT_TYPE, "application/geo+json")], json).into_response())
}

/// The gaps for `mode` as the API's cached answer: serialized and gzipped once per snapshot.
pub fn coverage_gaps_body(coverage: &Coverage, mode: Mode) -> AppResult<CachedBody> {
    let json = serde_json::to_vec(&GeoJson::from(coverage_gaps(coverage, mode)?))?;
    Ok(CachedBody::new("application/geo+json", json)?)
}

fn position(location: LonLat) -> [f64; 2] {
    [location.lon(), location.lat()]
}

/// A struct's fields as a JSON object (GeoJSON's properties and foreign members).
fn object(value: &impl Serialize) -> Result<JsonObject, serde_json::Error> {
    match serde_json::to_value(value)? {
        JsonValue::Object(object) => Ok(object),
        _ => Err(serde_json::Error::custom("GeoJSON members must be an object")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::points::seed::bundled_points;

    #[test]
    fn a_point_is_a_feature_with_its_code_lon_lat_and_record() {
        let point = &bundled_points()[0];
        let json = serde_json::to_value(point_feature(point).unwrap()).unwrap();
        assert_eq!(json["type"], "Feature");
        assert_eq!(json["id"], point.record.code.as_str());
        assert_eq!(json["geometry"]["type"], "Point");
        let location = point.record.location;
        assert_eq!(json["geometry"]["coordinates"], serde_json::json!([location.lon(), location.lat()]));
        assert_eq!(json["properties"]["name"], point.record.name);
        assert_eq!(json["properties"]["location_is_estimate"], point.record.location_quality.is_estimate());
    }
}
