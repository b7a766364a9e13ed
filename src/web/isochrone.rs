//! A point's area within a time budget as GeoJSON (RFC 7946): the roads from which the point is
//! reached in time when a road network is loaded (a MultiLineString), or else the estimate's
//! circle (a Polygon). The API answers it in WGS-84; the pages' map asks for it in the tiles'
//! datum, as it does for everything it draws (`web::map`).

use geo::{Destination, Haversine, Point};
use geojson::{Feature, FeatureCollection, GeometryValue};
use serde::Serialize;

use crate::domain::{Datum, LonLat, ServicePoint};
use crate::locator::TravelBasis;
use crate::locator::travel::{Mode, TravelModel};
use crate::roads::isochrone::road_area;
use crate::roads::network::RoadNetwork;

/// Most stretches of road in one answer: driving 15 minutes from a town reaches thousands of
/// segments, and a province's network could give a few megabytes of lines, too many for a
/// phone to fetch and draw. The nearest are kept; `truncated` says when some were left out.
pub const MAX_SEGMENTS: usize = 20_000;

/// Vertices of the estimate's circle: at 64, the polygon departs from the circle by 0.12% of
/// the radius (a metre at 865 m), invisible at any zoom that shows the whole circle.
const CIRCLE_VERTICES: usize = 64;

/// What the Feature says besides its geometry.
#[derive(Serialize)]
struct Properties<'a> {
    code: &'a str,
    mode: Mode,
    minutes: f64,
    travel_basis: TravelBasis,
    /// `road_network`: how many stretches of road.
    #[serde(skip_serializing_if = "Option::is_none")]
    segments: Option<usize>,
    /// `road_network`: whether stretches were left out past [`MAX_SEGMENTS`].
    #[serde(skip_serializing_if = "Option::is_none")]
    truncated: Option<bool>,
    /// `estimate`: the circle's radius, metres.
    #[serde(skip_serializing_if = "Option::is_none")]
    radius_m: Option<f64>,
    /// The datum of the coordinates, when it is not WGS-84 (the map's variant on GCJ-02 tiles;
    /// not RFC 7946, which is WGS-84 only).
    #[serde(skip_serializing_if = "Option::is_none")]
    datum: Option<&'static str>,
}

/// The area around `point` within `minutes` by `mode`, coordinates in `datum`: by road on
/// `network` when there is one and the point is within 2 km of a road of the mode, else the
/// estimate's circle of [`TravelModel::reach_m`].
pub fn point_isochrone(
    point: &ServicePoint,
    mode: Mode,
    minutes: f64,
    network: Option<&RoadNetwork>,
    travel: &TravelModel,
    datum: Datum,
) -> Result<FeatureCollection, serde_json::Error> {
    let place = point.record.location;
    let mut properties = Properties {
        code: point.record.code.as_str(),
        mode,
        minutes,
        travel_basis: TravelBasis::Estimate,
        segments: None,
        truncated: None,
        radius_m: None,
        datum: (datum != Datum::Wgs84).then(|| datum.as_str()),
    };
    let area = network.and_then(|network| road_area(network, mode, place, minutes * 60.0, MAX_SEGMENTS));
    let geometry = match area {
        Some(area) => {
            properties.travel_basis = TravelBasis::RoadNetwork;
            properties.segments = Some(area.stretches.len());
            properties.truncated = Some(area.truncated);
            let lines = area.stretches.iter().map(|stretch| stretch.map(|position| shown(datum, position)));
            GeometryValue::new_multi_line_string(lines)
        }
        None => {
            let radius_m = travel.reach_m(mode, minutes);
            properties.radius_m = Some((radius_m * 10.0).round() / 10.0);
            let ring = circle(place, radius_m).into_iter().map(|position| shown(datum, position));
            GeometryValue::new_polygon([ring])
        }
    };
    let properties = match serde_json::to_value(&properties)? {
        serde_json::Value::Object(object) => object,
        _ => unreachable!("a struct serializes as an object"),
    };
    let feature = Feature { properties: Some(properties), ..Feature::from(geometry) };
    Ok(FeatureCollection { bbox: None, features: vec![feature], foreign_members: None })
}

/// A closed ring of [`CIRCLE_VERTICES`] positions `radius_m` metres (great circle) from
/// `centre`, counter-clockwise as RFC 7946 wants of an exterior ring; `[lon, lat]`, WGS-84.
pub fn circle(centre: LonLat, radius_m: f64) -> Vec<[f64; 2]> {
    let centre = Point::new(centre.lon(), centre.lat());
    let mut ring: Vec<[f64; 2]> = (0..CIRCLE_VERTICES)
        .map(|vertex| {
            // Bearings run clockwise from north; going down them runs counter-clockwise.
            let bearing = 360.0 - 360.0 * vertex as f64 / CIRCLE_VERTICES as f64;
            let at = Haversine.destination(centre, bearing % 360.0, radius_m);
            [at.x(), at.y()]
        })
        .collect();
    ring.push(ring[0]);
    ring
}

/// A WGS-84 position in `datum`, to six decimals (about 0.1 m).
fn shown(datum: Datum, [lon, lat]: [f64; 2]) -> [f64; 2] {
    let [lon, lat] = match LonLat::parse(lon, lat) {
        Ok(position) => {
            let shown = datum.from_wgs84(position);
            [shown.lon(), shown.lat()]
        }
        // Not expected: road nodes and the circle around a point in China are in range.
        Err(_) => [lon, lat],
    };
    [round6(lon), round6(lat)]
}

fn round6(degrees: f64) -> f64 {
    (degrees * 1e6).round() / 1e6
}

#[cfg(test)]
mod tests {
    use geo::{Area, Distance, LineString, Polygon};

    use super::*;

    #[test]
    fn the_circle_is_closed_counter_clockwise_and_at_the_radius() {
        let centre = LonLat::parse(121.26, 28.64).unwrap();
        let ring = circle(centre, 865.0);
        assert_eq!(ring.len(), CIRCLE_VERTICES + 1);
        assert_eq!(ring.first(), ring.last());
        for &[lon, lat] in &ring {
            let distance_m = Haversine.distance(Point::new(121.26, 28.64), Point::new(lon, lat));
            assert!((distance_m - 865.0).abs() < 0.01, "{distance_m}");
        }
        let polygon =
            Polygon::new(LineString::from(ring.iter().map(|&[x, y]| (x, y)).collect::<Vec<_>>()), vec![]);
        assert!(polygon.signed_area() > 0.0, "counter-clockwise");
    }
}
