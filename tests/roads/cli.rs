//! `legalmap roads import|time` as an operator runs them: a good import, the JSON answer, and bad
//! files refused with a clear message while the network in place stays as it was.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use legalmap::locator::travel::Mode;

use crate::reference::slot;
use crate::support::{EXTRACT, fixture};

fn legalmap(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_legalmap")).args(args).output().expect("the binary runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A fresh directory with the fixture's network in place as `legalmap.roads`; returns the
/// directory, its database URL and the network file.
fn site() -> (tempfile::TempDir, String, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}", dir.path().join("legalmap.db").display());
    let roads = dir.path().join("legalmap.roads");
    std::fs::copy(&fixture().roads, &roads).unwrap();
    (dir, database, roads)
}

#[test]
fn import_then_time_agrees_with_the_reference() {
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}", dir.path().join("legalmap.db").display());
    let output = legalmap(&["roads", "import", EXTRACT, "--database", &database]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(String::from_utf8_lossy(&output.stdout).contains("imported"));
    assert!(stderr(&output).contains("drive:"), "per-mode counts: {}", stderr(&output));
    assert!(dir.path().join("legalmap.roads").is_file());
    // The database itself is not needed, so not created.
    assert!(!dir.path().join("legalmap.db").exists());

    // Two nodes of the driving network, a few kilometres apart: the CLI's minutes equal the
    // reference Dijkstra's between them.
    let reference = &fixture().reference;
    let mode = Mode::Drive;
    let adjacency = &reference.adjacency[slot(mode)];
    let mut ids: Vec<i64> = adjacency.keys().copied().filter(|id| !adjacency[id].is_empty()).collect();
    ids.sort_unstable();
    let by_position = reference.ids_by_position(mode);
    let unique = |id: &i64| {
        let (lon, lat) = reference.positions[id];
        by_position.get(&(lon.to_bits(), lat.to_bits())) == Some(id)
    };
    let origin = *ids.iter().find(|id| unique(id)).unwrap();
    let times = reference.dijkstra(mode, origin, f64::INFINITY);
    let mut targets: Vec<(&i64, &f64)> = times.iter().filter(|(id, s)| **s > 300.0 && unique(id)).collect();
    targets.sort_by(|a, b| a.1.total_cmp(b.1).then(a.0.cmp(b.0)));
    let (&target, &seconds) = targets[targets.len() / 2];
    let lat_lon = |id: i64| {
        let (lon, lat) = reference.positions[&id];
        format!("{lat},{lon}")
    };
    let output = legalmap(&[
        "roads",
        "time",
        "--from",
        &lat_lon(origin),
        "--to",
        &lat_lon(target),
        "--mode",
        "drive",
        "--database",
        &database,
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let answer: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(answer["reachable"], true, "{answer}");
    assert!(answer["snapped_from_m"].as_f64().unwrap() < 0.1, "{answer}");
    assert!(answer["snapped_to_m"].as_f64().unwrap() < 0.1, "{answer}");
    let minutes = answer["minutes"].as_f64().unwrap();
    assert!((minutes - seconds / 60.0).abs() <= 0.006, "CLI {minutes} min, reference {} min", seconds / 60.0);
    assert!(answer["distance_m"].as_f64().unwrap() > 1_000.0, "{answer}");
}

/// Runs an import that must fail; checks the message and that the network file is unchanged.
fn refused(file: &Path, expected: &str) {
    let (_dir, database, roads) = site();
    let before = std::fs::read(&roads).unwrap();
    let output = legalmap(&["roads", "import", file.to_str().unwrap(), "--database", &database]);
    assert!(!output.status.success(), "{} was accepted", file.display());
    let message = stderr(&output);
    assert!(message.contains(expected), "expected {expected:?} in: {message}");
    assert!(message.contains("was not changed"), "{message}");
    assert!(!message.contains("panicked"), "{message}");
    assert_eq!(std::fs::read(&roads).unwrap(), before, "the network in place is untouched");
    let leftovers = std::fs::read_dir(roads.parent().unwrap()).unwrap().count();
    assert_eq!(leftovers, 1, "no temporary file left behind");
}

#[test]
fn bad_extracts_are_refused_and_the_network_kept() {
    let dir = tempfile::tempdir().unwrap();
    refused(&dir.path().join("missing.osm.pbf"), "cannot open");

    let bytes = std::fs::read(EXTRACT).unwrap();
    let truncated = dir.path().join("truncated.osm.pbf");
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    refused(&truncated, "is truncated");

    let csv = dir.path().join("points.osm.pbf");
    std::fs::write(&csv, "code,name,lat,lon\n331003001001,Test,28.64,121.26\n").unwrap();
    refused(&csv, "is not an OpenStreetMap extract");

    let empty = dir.path().join("empty.osm.pbf");
    std::fs::write(&empty, b"").unwrap();
    refused(&empty, "is not an OpenStreetMap extract");

    let no_roads = dir.path().join("no-roads.osm.pbf");
    std::fs::write(&no_roads, crate::cli::tiny_pbf()).unwrap();
    refused(&no_roads, "has no roads that walking, cycling or driving can use (1 ways with a highway tag");
}

/// An extract of another place than the database's points (Andorra for Huangyan's) would turn
/// every answer into "no route": refused, and the network in place kept.
#[test]
fn an_extract_covering_none_of_the_points_is_refused() {
    let (dir, database, roads) = site();
    let points = concat!(env!("CARGO_MANIFEST_DIR"), "/data/points.csv");
    let output = legalmap(&["import", points, "--database", &database]);
    assert!(output.status.success(), "{}", stderr(&output));
    let before = std::fs::read(&roads).unwrap();
    let output = legalmap(&["roads", "import", EXTRACT, "--database", &database]);
    assert!(!output.status.success(), "an extract of Andorra was accepted for Huangyan");
    let message = stderr(&output);
    assert!(
        message.contains("has no road within 2000 m of any of the database's 346 service points"),
        "{message}"
    );
    assert!(message.contains("was not changed"), "{message}");
    assert_eq!(std::fs::read(&roads).unwrap(), before);
    drop(dir);
}

#[test]
fn time_refuses_bad_input_clearly() {
    let (_dir, database, roads) = site();
    let time = |from: &str, mode: &str| {
        legalmap(&[
            "roads",
            "time",
            "--from",
            from,
            "--to",
            "42.5,1.5",
            "--mode",
            mode,
            "--database",
            &database,
        ])
    };
    let output = time("42.5", "walk");
    assert!(stderr(&output).contains("expected LAT,LON"), "{}", stderr(&output));
    let output = time("142.5,1.5", "walk");
    assert!(stderr(&output).contains("latitude 142.5 is outside"), "{}", stderr(&output));
    let output = time("42.5,1.5", "fly");
    assert!(!output.status.success());
    // Far from every road: a clear answer, not a number.
    let output = time("10.0,1.5", "walk");
    let answer: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(answer["reachable"], false);
    assert!(answer["reason"].as_str().unwrap().contains("no road usable by walk within 2000 m"), "{answer}");

    let mut bytes = std::fs::read(&roads).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    std::fs::write(&roads, &bytes).unwrap();
    let output = time("42.5,1.5", "walk");
    assert!(stderr(&output).contains("is damaged (checksum mismatch"), "{}", stderr(&output));
    std::fs::remove_file(&roads).unwrap();
    let output = time("42.5,1.5", "walk");
    assert!(stderr(&output).contains("no road network at"), "{}", stderr(&output));
}

/// A valid OSM PBF file with one way tagged `highway=proposed` (not routable) and its two nodes,
/// encoded by hand: the header block, then one data block, each an uncompressed blob.
pub fn tiny_pbf() -> Vec<u8> {
    let header_block = [field(4, b"OsmSchema-V0.6"), field(4, b"DenseNodes")].concat();
    let strings = [field(1, b""), field(1, b"highway"), field(1, b"proposed")].concat();
    let node = |id: u64, lat: u64, lon: u64| {
        // sint64 fields in zigzag form; positions in units of 100 nanodegrees (the default).
        field(1, &[varint_field(1, id * 2), varint_field(8, lat * 2), varint_field(9, lon * 2)].concat())
    };
    let way = [
        varint_field(1, 7),
        field(2, &varint(1)),
        field(3, &varint(2)),
        // Node ids 1 and 2, delta-coded (1, +1), zigzag-encoded (2, 2).
        field(8, &[varint(2), varint(2)].concat()),
    ]
    .concat();
    let group = [node(1, 425_000_000, 15_000_000), node(2, 425_010_000, 15_010_000)].concat();
    let primitive_block = [field(1, &strings), field(2, &group), field(2, &field(3, &way))].concat();
    [blob("OSMHeader", &header_block), blob("OSMData", &primitive_block)].concat()
}

fn blob(kind: &str, content: &[u8]) -> Vec<u8> {
    let blob = [field(1, content), varint_field(2, content.len() as u64)].concat();
    let header = [field(1, kind.as_bytes()), varint_field(3, blob.len() as u64)].concat();
    [(header.len() as u32).to_be_bytes().to_vec(), header, blob].concat()
}

fn field(number: u64, bytes: &[u8]) -> Vec<u8> {
    [varint(number << 3 | 2), varint(bytes.len() as u64), bytes.to_vec()].concat()
}

fn varint_field(number: u64, value: u64) -> Vec<u8> {
    [varint(number << 3), varint(value)].concat()
}

fn varint(mut value: u64) -> Vec<u8> {
    let mut bytes = Vec::new();
    loop {
        let low = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            bytes.push(low);
            return bytes;
        }
        bytes.push(low | 0x80);
    }
}
