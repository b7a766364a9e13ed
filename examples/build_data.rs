//! Rebuilds `data/points.csv`, `data/towns.csv` and `data/district.geojson` from the public source data in
//! `data/sources/` (its README names each file's source and licence; `data/README.md` says what
//! the result is). Works from any directory of a clone:
//!
//! ```text
//! cargo run --example build_data [-- SOURCE_DIR]
//! ```
//!
//! points.csv keeps the source coordinates as written, with their datum in `crs` (`gcj02` for
//! Amap's, `wgs84` for GeoNames'); they are converted to WGS-84 on import. The town centres and
//! the district boundary are converted to WGS-84 here: towns.csv is read as it is by the field
//! campaign, and GeoJSON (RFC 7946) is WGS-84 by definition.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use legalmap::domain::{Datum, LonLat};
use legalmap::points::csv_file::COLUMNS;
use serde_json::Value;

/// The repository root, so the example reads and writes the same files from any directory.
const REPOSITORY: &str = env!("CARGO_MANIFEST_DIR");

fn main() -> anyhow::Result<()> {
    let data_dir = Path::new(REPOSITORY).join("data");
    let source_dir = std::env::args().nth(1).map_or_else(|| data_dir.join("sources"), PathBuf::from);
    build_points(&source_dir, &data_dir.join("points.csv"))?;
    build_towns(&source_dir, &data_dir.join("towns.csv"))?;
    build_district(&source_dir, &data_dir.join("district.geojson"))?;
    Ok(())
}

fn read_rows(path: PathBuf) -> anyhow::Result<Vec<HashMap<String, String>>> {
    let mut reader =
        csv::Reader::from_path(&path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok(reader.deserialize().collect::<Result<_, _>>()?)
}

fn build_points(source_dir: &Path, output: &Path) -> anyhow::Result<()> {
    let units = read_rows(source_dir.join("villages-nbs2020.csv"))?;
    let places: HashMap<String, HashMap<String, String>> = read_rows(source_dir.join("village-points.csv"))?
        .into_iter()
        .map(|row| (row["code"].clone(), row))
        .collect();
    let mut extra = extra_locations(source_dir)?;
    let mut writer = csv::Writer::from_path(output)?;
    // No source gives an area type (import defaults it by kind), an on-site GPS fix or opening
    // hours: those columns are left out.
    let not_from_sources = ["area_type", "accuracy_m", "location_fixed_at", "opening_hours"];
    writer.write_record(COLUMNS.iter().filter(|column| !not_from_sources.contains(column)))?;
    for unit in &units {
        let code = &unit["code"];
        let place = places.get(code).with_context(|| format!("no point for unit {code}"))?;
        if place["coord_system"] != "GCJ-02" || place["name"] != unit["name"] {
            bail!("unexpected point row for {code}: {place:?}");
        }
        // NBS numbering: 001-199 residents' committees, 200-399 villagers' committees.
        let serial: u32 = code[9..].parse()?;
        let kind = match serial {
            1..=199 => "community",
            200..=399 => "village",
            _ => "other",
        };
        let unit_source = format!("unit: NBS 2020 code list via {}", unit["source"]);
        let (lon, lat, crs, quality, source) = match (place["is_estimate"].as_str(), extra.remove(code)) {
            ("no", None) => {
                let note = "location: Amap geocode of the unit name, 2018";
                let source = format!("{unit_source}; {note}, via {}", place["source"]);
                (place["lon"].clone(), place["lat"].clone(), Datum::Gcj02, "geocoded", source)
            }
            ("yes", None) => {
                let note = "location: ESTIMATE, the town/street centre as a placeholder";
                let source = format!("{unit_source}; {note}, via {}", place["source"]);
                (place["lon"].clone(), place["lat"].clone(), Datum::Gcj02, "town_centre", source)
            }
            ("yes", Some(found)) => {
                if found.row["name"] != unit["name"] || found.row["town_name"] != unit["town_name"] {
                    bail!("extra location for {code} names another unit: {:?}", found.row);
                }
                let source = format!("{unit_source}; location: {}", found.note);
                (found.row["lon"].clone(), found.row["lat"].clone(), found.crs, "geocoded", source)
            }
            (other, _) => bail!("unexpected is_estimate {other:?} (or a second location) for {code}"),
        };
        writer.write_record([
            code.as_str(),
            &unit["name"],
            &unit["town_code"],
            &unit["town_name"],
            kind,
            "",
            "",
            "",
            &lon,
            &lat,
            crs.as_str(),
            quality,
            &source,
        ])?;
    }
    if let Some(code) = extra.keys().next() {
        bail!("an extra location names no unit: {code}");
    }
    writer.flush()?;
    eprintln!("{}: {} points", output.display(), units.len());
    Ok(())
}

/// A location for a unit that village-points.csv leaves at its town centre.
struct ExtraLocation {
    row: HashMap<String, String>,
    crs: Datum,
    /// How the location was found, with its source and credit, for the point's `source`.
    note: String,
}

/// The 11 units located after village-points.csv: 2 from GeoNames (WGS-84, CC BY 4.0) and 9
/// from the Amap geocode of the same-named 2016 unit in the same town (GCJ-02).
fn extra_locations(source_dir: &Path) -> anyhow::Result<HashMap<String, ExtraLocation>> {
    let mut found = HashMap::new();
    for row in read_rows(source_dir.join("village-points-geonames.csv"))? {
        let note = format!(
            "GeoNames gazetteer point {} for {}, {} (GeoNames, geonames.org, CC BY 4.0), the populated place, not the office",
            row["geonames_id"], row["geonames_name"], row["source"]
        );
        let crs: Datum = row["crs"].parse().map_err(anyhow::Error::msg)?;
        found.insert(row["code"].clone(), ExtraLocation { row, crs, note });
    }
    for row in read_rows(source_dir.join("village-points-renumbered.csv"))? {
        let note = format!(
            "Amap geocode of the same-named 2016 unit in the same town ({} {}), 2018, via {}",
            row["nbs2016_code"], row["nbs2016_name"], row["source"]
        );
        let crs: Datum = row["crs"].parse().map_err(anyhow::Error::msg)?;
        if found.insert(row["code"].clone(), ExtraLocation { row, crs, note }).is_some() {
            bail!("two extra locations for one unit");
        }
    }
    Ok(found)
}

/// The towns' centres (the town_centre placeholders' position), converted to WGS-84.
fn build_towns(source_dir: &Path, output: &Path) -> anyhow::Result<()> {
    let towns = read_rows(source_dir.join("towns.csv"))?;
    let mut writer = csv::Writer::from_path(output)?;
    writer.write_record(["code", "name", "lon", "lat", "source"])?;
    for town in &towns {
        if town["coord_system"] != "GCJ-02" {
            bail!("unexpected datum for town {}: {}", town["code"], town["coord_system"]);
        }
        let gcj = LonLat::parse(town["lon"].parse()?, town["lat"].parse()?)?;
        let wgs = Datum::Gcj02.to_wgs84(gcj);
        let source = format!("{}, converted from GCJ-02 to WGS-84 by legalmap", town["source"]);
        writer.write_record([
            town["code"].as_str(),
            &town["name"],
            &format!("{:.7}", wgs.lon()),
            &format!("{:.7}", wgs.lat()),
            &source,
        ])?;
    }
    writer.flush()?;
    eprintln!("{}: {} towns", output.display(), towns.len());
    Ok(())
}

fn build_district(source_dir: &Path, output: &Path) -> anyhow::Result<()> {
    let path = source_dir.join("district-boundary-gcj02.geojson");
    let mut geojson: Value = serde_json::from_str(&std::fs::read_to_string(&path)?)?;
    let feature = &mut geojson["features"][0];
    let source = feature["properties"]["source"].as_str().unwrap_or_default().to_owned();
    feature["properties"] = serde_json::json!({
        "code": "331003",
        "name": "黄岩区",
        "source": format!("{source} (Amap district API, about 2018), converted from GCJ-02 to WGS-84 by legalmap"),
    });
    let mut vertices = 0;
    for ring in feature["geometry"]["coordinates"].as_array_mut().context("polygon rings")? {
        for vertex in ring.as_array_mut().context("ring")? {
            let (lon, lat) = (vertex[0].as_f64().context("lon")?, vertex[1].as_f64().context("lat")?);
            let wgs = Datum::Gcj02.to_wgs84(LonLat::parse(lon, lat)?);
            // 7 decimals is about 1 cm, far finer than the source.
            *vertex = serde_json::json!([round7(wgs.lon()), round7(wgs.lat())]);
            vertices += 1;
        }
    }
    let out = serde_json::json!({ "type": "FeatureCollection", "features": [feature.take()] });
    std::fs::write(output, serde_json::to_string(&out)? + "\n")?;
    eprintln!("{}: {vertices} vertices", output.display());
    Ok(())
}

fn round7(value: f64) -> f64 {
    (value * 1e7).round() / 1e7
}
