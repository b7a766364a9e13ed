//! The parts of the `/api/v1` OpenAPI document that no handler type carries: the document's
//! header, the error body every failure answers with, and the GeoJSON shapes (written by a
//! GeoJSON library or `serde_json`, whose types have no schema). The rest is generated from the
//! handlers' `#[utoipa::path]` attributes and the answer types' `ToSchema` derives, collected by
//! [`super::api::routes`], the one list both the router and the document are built from.
//!
//! The types here are descriptions only: nothing constructs them. `tests/api/openapi.rs` checks
//! real answers against them, so they cannot drift from what the API sends.

use serde::Serialize;
use utoipa::{OpenApi, ToResponse, ToSchema};

use crate::domain::{Datum, ServicePoint};
use crate::locator::TravelBasis;
use crate::locator::travel::Mode;

/// The document's header and the components that no operation reaches by itself.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "legalmap API",
        version = "1",
        description = "Public legal service points of Huangyan District (黄岩区) and the 15-minute \
            circle. All coordinates in answers are WGS-84; GeoJSON is RFC 7946 ([lon, lat]). \
            Distances are great-circle metres; travel minutes are estimates (straight line x \
            detour factor / speed per mode).\n\n\
            Every failure answers JSON `{\"error\": {\"code\", \"message\"}}`: 400 for bad input \
            (the message says which parameter and what was wrong), 404 for an unknown point or a \
            path under /api that does not exist, 405 for a method other than GET (and HEAD), 500 \
            for an internal error (logged; the message says no more)."
    ),
    servers((url = "/api/v1")),
    // Operations bring in the schemas of their bodies, not those of their parameters (`Datum`)
    // or of shared responses (`ErrorBody`).
    components(schemas(Datum, ErrorBody), responses(BadRequest, NotFound, InternalError))
)]
pub struct ApiDoc;

/// What every failure under `/api` answers, whatever its status.
#[derive(ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(ToSchema)]
pub struct ErrorDetail {
    // Described by `ErrorCode`'s own doc: a description here would wrap the inlined enum in an
    // `allOf` with an object.
    #[schema(inline)]
    pub code: ErrorCode,
    /// What was wrong, for a person.
    pub message: String,
}

/// Stable machine-readable code.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum ErrorCode {
    MissingParameter,
    InvalidParameter,
    OutOfRange,
    InvalidCrs,
    InvalidMode,
    InvalidCode,
    InvalidQuery,
    NotFound,
    MethodNotAllowed,
    Internal,
}

/// Bad input: the message says which parameter and what was wrong.
#[derive(ToResponse)]
pub struct BadRequest(pub ErrorBody);

/// No such point, or no such path.
#[derive(ToResponse)]
pub struct NotFound(pub ErrorBody);

/// An internal error: logged, and the message says no more.
#[derive(ToResponse)]
pub struct InternalError(pub ErrorBody);

/// Service points as an RFC 7946 FeatureCollection.
#[derive(ToSchema)]
pub struct PointFeatureCollection {
    #[schema(rename = "type", inline)]
    pub kind: FeatureCollectionType,
    pub features: Vec<PointFeature>,
}

/// One service point as an RFC 7946 Feature.
#[derive(ToSchema)]
pub struct PointFeature {
    #[schema(rename = "type", inline)]
    pub kind: FeatureType,
    /// The point's code, so clients can link features to `/api/v1/points/{code}`.
    #[schema(pattern = "^[0-9]{12}$")]
    pub id: String,
    pub geometry: PointGeometry,
    pub properties: PointProperties,
}

#[derive(ToSchema)]
pub struct PointGeometry {
    #[schema(rename = "type", inline)]
    pub kind: PointType,
    /// `[lon, lat]`, WGS-84 degrees.
    #[schema(min_items = 2, max_items = 2)]
    pub coordinates: [f64; 2],
}

/// The stored point, and whether its location is a placeholder.
#[derive(Serialize, ToSchema)]
pub struct PointProperties {
    #[serde(flatten)]
    pub point: ServicePoint,
    /// True for town-centre placeholders, whose real location is still unknown.
    pub location_is_estimate: bool,
}

/// The gaps for a mode, as an RFC 7946 FeatureCollection of rectangles (adjacent cells of a grid
/// row merged), with the mode's figures as foreign members. With `travel_basis` `road_network`,
/// a gap is a cell whose quickest point is more than 15 minutes away by road (or unreachable);
/// with `estimate` (no road network loaded), a cell outside the provincial standard's radius.
#[derive(ToSchema)]
pub struct GapFeatureCollection {
    #[schema(rename = "type", inline)]
    pub kind: FeatureCollectionType,
    pub mode: Mode,
    /// What decides a gap: `road_network` (15 minutes by road) or `estimate` (the standard's
    /// straight-line radius).
    pub travel_basis: TravelBasis,
    /// The provincial standard's radius for the mode, metres.
    pub standard_radius_m: f64,
    /// The side of a grid cell, metres.
    pub cell_m: f64,
    pub features: Vec<GapFeature>,
}

/// A run of adjacent cells in one grid row, all of them gaps.
#[derive(ToSchema)]
pub struct GapFeature {
    #[schema(rename = "type", inline)]
    pub kind: FeatureType,
    pub geometry: GapPolygon,
    pub properties: GapProperties,
}

#[derive(ToSchema)]
pub struct GapPolygon {
    #[schema(rename = "type", inline)]
    pub kind: PolygonType,
    /// One closed ring of five `[lon, lat]` corners (WGS-84 degrees), counter-clockwise from
    /// the south-west.
    pub coordinates: Vec<Vec<[f64; 2]>>,
}

#[derive(ToSchema)]
pub struct GapProperties {
    /// The grid row, from the south.
    pub row: usize,
    /// The first cell of the run, from the west.
    pub first_col: usize,
    /// The last cell of the run (inclusive).
    pub last_col: usize,
    /// `last_col - first_col + 1`.
    pub cells: usize,
    /// The run's area, km².
    pub area_km2: f64,
}

/// A point's area within the minutes: an RFC 7946 FeatureCollection of one Feature.
#[derive(ToSchema)]
pub struct IsochroneFeatureCollection {
    #[schema(rename = "type", inline)]
    pub kind: FeatureCollectionType,
    #[schema(min_items = 1, max_items = 1)]
    pub features: Vec<IsochroneFeature>,
}

/// The area: by road (a MultiLineString) or the estimate (a Polygon).
#[derive(ToSchema)]
pub struct IsochroneFeature {
    #[schema(rename = "type", inline)]
    pub kind: FeatureType,
    pub geometry: IsochroneGeometry,
    pub properties: IsochroneProperties,
}

/// `road_network`: a MultiLineString; `estimate`: a Polygon.
#[derive(ToSchema)]
#[serde(untagged)]
pub enum IsochroneGeometry {
    Roads(RoadLines),
    Circle(EstimateCircle),
}

/// The stretches of road from which the point is reached within the minutes.
#[derive(ToSchema)]
pub struct RoadLines {
    #[schema(rename = "type", inline)]
    pub kind: MultiLineStringType,
    /// One line per stretch, two `[lon, lat]` positions (WGS-84 degrees, six decimals): from the
    /// end nearer the point in time to the furthest position reached, a road node or where the
    /// time runs out.
    pub coordinates: Vec<Vec<[f64; 2]>>,
}

/// The estimate's reach around the point.
#[derive(ToSchema)]
pub struct EstimateCircle {
    #[schema(rename = "type", inline)]
    pub kind: PolygonType,
    /// One closed, counter-clockwise ring of 65 `[lon, lat]` positions (WGS-84 degrees, six
    /// decimals) `radius_m` from the point along the great circle.
    pub coordinates: Vec<Vec<[f64; 2]>>,
}

#[derive(ToSchema)]
pub struct IsochroneProperties {
    /// The point's code.
    #[schema(pattern = "^[0-9]{12}$")]
    pub code: String,
    pub mode: Mode,
    /// The time budget, minutes.
    #[schema(minimum = 1, maximum = 120)]
    pub minutes: f64,
    /// `road_network`: the roads from which the point is reached in time (the loaded
    /// OpenStreetMap network); `estimate`: no network is loaded, or the point is more than 2 km
    /// from any road of the mode.
    pub travel_basis: TravelBasis,
    /// `road_network` only: how many stretches of road.
    #[schema(minimum = 0, maximum = 20000)]
    pub segments: Option<usize>,
    /// `road_network` only: more stretches were in reach than the 20,000 sent (the furthest
    /// were left out).
    pub truncated: Option<bool>,
    /// `estimate` only: the circle's radius, metres (the straight-line reach of the mode in the
    /// minutes: speed x minutes / detour factor).
    pub radius_m: Option<f64>,
}

/// The GeoJSON `type` of a MultiLineString geometry.
#[derive(ToSchema)]
pub enum MultiLineStringType {
    MultiLineString,
}

/// The GeoJSON `type` of a FeatureCollection.
#[derive(ToSchema)]
pub enum FeatureCollectionType {
    FeatureCollection,
}

/// The GeoJSON `type` of a Feature.
#[derive(ToSchema)]
pub enum FeatureType {
    Feature,
}

/// The GeoJSON `type` of a Point geometry.
#[derive(ToSchema)]
pub enum PointType {
    Point,
}

/// The GeoJSON `type` of a Polygon geometry.
#[derive(ToSchema)]
pub enum PolygonType {
    Polygon,
}
