//! What the pages' map needs: the tile source, and the district outline already in the tiles'
//! datum. Chinese tile services (Amap, Tencent) draw in GCJ-02, so everything put on such a map
//! is shifted from WGS-84 here, on the server, and taps on the map come back in that datum.

use geo::{Contains, LineString, Point, Polygon, Simplify};
use serde::Deserialize;

use crate::domain::{Datum, LonLat};
use crate::points::seed::DISTRICT_GEOJSON;

/// OpenStreetMap's standard tiles: free to use with attribution under the OSM tile usage
/// policy (light use); a busy deployment should point `--tile-url` at its own tile server or a
/// licensed provider (see docs/deploying.md, "Map tiles").
pub const DEFAULT_TILE_URL: &str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";
pub const DEFAULT_TILE_ATTRIBUTION: &str =
    "&copy; <a href=\"https://www.openstreetmap.org/copyright\">OpenStreetMap</a> 贡献者";

/// Simplification tolerance for the outline drawn on the map, degrees (about 20 m): invisible
/// at district zoom, and a fifth of the vertices to send.
const OUTLINE_TOLERANCE_DEG: f64 = 0.0002;

/// Where map tiles come from and in which datum they are drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct TileSource {
    /// Leaflet URL template with `{z}`, `{x}`, `{y}` (and optionally `{s}`).
    pub url_template: String,
    /// HTML shown in the map corner (the provider's required credit).
    pub attribution: String,
    /// WGS-84 for OpenStreetMap-style tiles, GCJ-02 for Amap/Tencent tiles.
    pub datum: Datum,
}

impl TileSource {
    /// Checks the settings: the template must have `{z}`, `{x}` and `{y}`, and the datum be one
    /// that XYZ tiles are published in (BD-09 tiles use another tiling).
    pub fn new(url_template: String, attribution: String, datum: Datum) -> Result<Self, String> {
        if !["{z}", "{x}", "{y}"].iter().all(|part| url_template.contains(part)) {
            return Err(format!("tile URL {url_template:?} needs {{z}}, {{x}} and {{y}}"));
        }
        if datum == Datum::Bd09 {
            return Err("tile datum must be wgs84 or gcj02: Baidu's BD-09 tiles are not XYZ tiles".into());
        }
        Ok(Self { url_template, attribution, datum })
    }
}

impl Default for TileSource {
    fn default() -> Self {
        Self {
            url_template: DEFAULT_TILE_URL.into(),
            attribution: DEFAULT_TILE_ATTRIBUTION.into(),
            datum: Datum::Wgs84,
        }
    }
}

/// The map's fixed settings, prepared once at start-up.
#[derive(Debug, Clone)]
pub struct MapSettings {
    pub tiles: TileSource,
    /// The district boundary, simplified, in the tiles' datum, `[lon, lat]`.
    outline: Vec<[f64; 2]>,
    /// The district boundary at full resolution, WGS-84, for "is this inside the district".
    district: Polygon<f64>,
}

#[derive(Deserialize)]
struct DistrictFile {
    features: Vec<DistrictFeature>,
}
#[derive(Deserialize)]
struct DistrictFeature {
    geometry: DistrictPolygon,
}
#[derive(Deserialize)]
struct DistrictPolygon {
    coordinates: Vec<Vec<[f64; 2]>>,
}

impl MapSettings {
    pub fn new(tiles: TileSource) -> Self {
        let district: DistrictFile =
            serde_json::from_str(DISTRICT_GEOJSON).expect("data/district.geojson is a valid polygon");
        let ring = &district.features[0].geometry.coordinates[0];
        let boundary = LineString::from(ring.iter().map(|&[lon, lat]| (lon, lat)).collect::<Vec<_>>());
        let simplified = boundary.simplify(OUTLINE_TOLERANCE_DEG);
        let outline = simplified
            .points()
            .filter_map(|p| LonLat::parse(p.x(), p.y()).ok())
            .map(|wgs| {
                let shown = tiles.datum.from_wgs84(wgs);
                [shown.lon(), shown.lat()]
            })
            .collect();
        Self { tiles, outline, district: Polygon::new(boundary, Vec::new()) }
    }

    /// The district boundary at full resolution, WGS-84.
    pub fn district(&self) -> &Polygon<f64> {
        &self.district
    }

    /// Whether a WGS-84 position lies inside the district boundary.
    pub fn in_district(&self, position: LonLat) -> bool {
        self.district.contains(&Point::new(position.lon(), position.lat()))
    }

    /// The district outline to draw, `[lon, lat]` in the tiles' datum.
    pub fn outline(&self) -> &[[f64; 2]] {
        &self.outline
    }

    /// Where a WGS-84 position is drawn on these tiles.
    pub fn to_display(&self, position: LonLat) -> LonLat {
        self.tiles.datum.from_wgs84(position)
    }
}
