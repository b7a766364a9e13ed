//! The road network file, `NAME.roads` beside the database `NAME.db`.
//!
//! A file rather than database rows: the network is a handful of large flat arrays read in one
//! go at start (a province is hundreds of megabytes, which SQLite rows would store and hand over
//! at a fraction of the speed), and replacing it is one rename: an import writes a temporary file
//! next to it and renames it over the old one only when complete, so a failed or interrupted
//! import leaves the network in use as it was, and a reader sees the old file or the new, never
//! half of one.
//!
//! Format (all little-endian), version 1:
//!
//! | bytes | what |
//! |---|---|
//! | 8 | magic `LMROADS\0` |
//! | 4 | version (u32) |
//! | 4 | CRC-32 of every byte after this field |
//! | 8 + 8 | walking and cycling speeds the times were computed with, km/h (f64) |
//! | 3 x (4 + 4) | node and edge counts of the walk, bike and drive graphs (u32) |
//! | rest | per graph in that order: lon, lat (f64 x nodes), offsets (u32 x nodes + 1), targets (u32 x edges), length_m, seconds (f32 x edges) |

use std::io::Write;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use sqlx::sqlite::SqliteConnectOptions;

use super::graph::{Graph, GraphParts};
use crate::domain::LonLat;

const MAGIC: &[u8; 8] = b"LMROADS\0";
/// Bumped whenever the layout changes; an older or newer file is refused with a message to import
/// again rather than misread.
pub const VERSION: u32 = 1;
const HEADER_BYTES: usize = 8 + 4 + 4 + 16 + 24;

/// The three graphs and the speeds they were built with, as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Stored {
    pub walk_kmh: f64,
    pub bike_kmh: f64,
    /// Walk, bike, drive.
    pub graphs: [Graph; 3],
}

impl Stored {
    /// Every node of every mode moved by `lon`, `lat` degrees; lengths and times kept. For tests
    /// and benchmarks that lay a real extract under Huangyan's points (point imports take only
    /// places in China); `None` if a node would leave the valid range.
    pub fn moved_by(self, lon: f64, lat: f64) -> Option<Self> {
        let [walk, bike, drive] = self.graphs.map(|graph| {
            let mut parts = graph.parts();
            parts.lon.iter_mut().for_each(|value| *value += lon);
            parts.lat.iter_mut().for_each(|value| *value += lat);
            Graph::from_parts(parts).ok()
        });
        Some(Self { graphs: [walk?, bike?, drive?], ..self })
    }

    /// [`Stored::moved_by`] so that the middle of the driving network's extent lands on `onto`.
    pub fn centred_on(self, onto: LonLat) -> Option<Self> {
        let drive = &self.graphs[2];
        let middle = |values: Vec<f64>| {
            let (low, high) = values.iter().fold((f64::MAX, f64::MIN), |(l, h), &v| (l.min(v), h.max(v)));
            (low + high) / 2.0
        };
        let parts = drive.parts();
        let (lon, lat) = (onto.lon() - middle(parts.lon), onto.lat() - middle(parts.lat));
        self.moved_by(lon, lat)
    }
}

/// Why the network file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("no road network at {path}: import one with `legalmap roads import FILE.osm.pbf`")]
    Missing { path: PathBuf },
    #[error("cannot read the road network {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{path} is not a legalmap road network file")]
    NotRoads { path: PathBuf },
    #[error(
        "{path} is a road network file of version {found}; this legalmap reads version {VERSION}: import the extract again"
    )]
    Version { path: PathBuf, found: u32 },
    #[error("the road network {path} is damaged ({detail}): import the extract again")]
    Damaged { path: PathBuf, detail: String },
    #[error("cannot write the road network {path}: {source}")]
    Write { path: PathBuf, source: std::io::Error },
}

/// Where the network of the database at `database_url` lives: the database file's name with the
/// extension `.roads`. A database in memory has no file to sit beside.
pub fn path_for_database(database_url: &str) -> Result<PathBuf, String> {
    // A shared PostgreSQL database has no file to sit beside: each instance keeps the network
    // in its working directory, named after the database (postgres://host/legalmap ->
    // legalmap.roads).
    if matches!(crate::db::Backend::of_url(database_url), Ok(crate::db::Backend::Postgres)) {
        let path = database_url.split(['?', '#']).next().unwrap_or_default();
        let name = path
            .rsplit_once('/')
            .map(|(_, name)| name)
            .filter(|name| !name.is_empty() && !name.contains('@'));
        return Ok(PathBuf::from(format!("{}.roads", name.unwrap_or("legalmap"))));
    }
    let options = SqliteConnectOptions::from_str(database_url)
        .map_err(|error| format!("cannot read the database URL {database_url}: {error}"))?;
    let file = options.get_filename();
    let in_memory = database_url.contains(":memory:")
        || database_url.contains("mode=memory")
        || file.as_os_str().is_empty()
        || file.to_string_lossy().starts_with("file:");
    if in_memory {
        return Err(format!(
            "the database {database_url} is in memory: the road network is stored beside a database file"
        ));
    }
    Ok(file.with_extension("roads"))
}

/// Writes the network to `path`: to a temporary file in the same directory first, flushed to
/// disk, then renamed over `path`.
pub fn write(path: &Path, stored: &Stored) -> Result<u64, FileError> {
    let bytes = encode(stored);
    let name = path.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
    let temporary = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    let written = (|| {
        let mut file = std::fs::File::create(&temporary)?;
        file.write_all(&bytes)?;
        file.sync_all()?;
        std::fs::rename(&temporary, path)
    })();
    if let Err(source) = written {
        let _ = std::fs::remove_file(&temporary);
        return Err(FileError::Write { path: path.to_owned(), source });
    }
    Ok(bytes.len() as u64)
}

/// Reads and checks the network at `path`.
pub fn read(path: &Path) -> Result<Stored, FileError> {
    let bytes = std::fs::read(path).map_err(|source| match source.kind() {
        std::io::ErrorKind::NotFound => FileError::Missing { path: path.to_owned() },
        _ => FileError::Read { path: path.to_owned(), source },
    })?;
    decode(&bytes).map_err(|error| error.at(path))
}

fn encode(stored: &Stored) -> Vec<u8> {
    let parts = stored.graphs.each_ref().map(Graph::parts);
    let mut body = Vec::new();
    body.extend_from_slice(&stored.walk_kmh.to_le_bytes());
    body.extend_from_slice(&stored.bike_kmh.to_le_bytes());
    for part in &parts {
        body.extend_from_slice(&(part.lon.len() as u32).to_le_bytes());
        body.extend_from_slice(&(part.targets.len() as u32).to_le_bytes());
    }
    for part in &parts {
        part.lon.iter().for_each(|value| body.extend_from_slice(&value.to_le_bytes()));
        part.lat.iter().for_each(|value| body.extend_from_slice(&value.to_le_bytes()));
        part.offsets.iter().for_each(|value| body.extend_from_slice(&value.to_le_bytes()));
        part.targets.iter().for_each(|value| body.extend_from_slice(&value.to_le_bytes()));
        part.length_m.iter().for_each(|value| body.extend_from_slice(&value.to_le_bytes()));
        part.seconds.iter().for_each(|value| body.extend_from_slice(&value.to_le_bytes()));
    }
    let mut bytes = Vec::with_capacity(16 + body.len());
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(&VERSION.to_le_bytes());
    bytes.extend_from_slice(&crc32fast::hash(&body).to_le_bytes());
    bytes.extend_from_slice(&body);
    bytes
}

/// A decoding failure before the path is known.
enum Bad {
    NotRoads,
    Version(u32),
    Damaged(String),
}

impl Bad {
    fn at(self, path: &Path) -> FileError {
        let path = path.to_owned();
        match self {
            Bad::NotRoads => FileError::NotRoads { path },
            Bad::Version(found) => FileError::Version { path, found },
            Bad::Damaged(detail) => FileError::Damaged { path, detail },
        }
    }
}

fn decode(bytes: &[u8]) -> Result<Stored, Bad> {
    if bytes.len() < 16 || &bytes[..8] != MAGIC {
        return Err(Bad::NotRoads);
    }
    let version = u32::from_le_bytes(bytes[8..12].try_into().map_err(|_| Bad::NotRoads)?);
    if version != VERSION {
        return Err(Bad::Version(version));
    }
    let checksum = u32::from_le_bytes(bytes[12..16].try_into().map_err(|_| Bad::NotRoads)?);
    let body = &bytes[16..];
    if bytes.len() < HEADER_BYTES {
        return Err(Bad::Damaged("the file is shorter than its header".into()));
    }
    if crc32fast::hash(body) != checksum {
        return Err(Bad::Damaged("checksum mismatch: the file is truncated or corrupted".into()));
    }
    let mut cursor = Cursor { bytes: body };
    let walk_kmh = f64::from_le_bytes(cursor.take::<8>()?);
    let bike_kmh = f64::from_le_bytes(cursor.take::<8>()?);
    let counts: Vec<(usize, usize)> = (0..3)
        .map(|_| {
            let nodes = u32::from_le_bytes(cursor.take::<4>()?) as usize;
            let edges = u32::from_le_bytes(cursor.take::<4>()?) as usize;
            Ok((nodes, edges))
        })
        .collect::<Result<_, Bad>>()?;
    let mut graphs = Vec::with_capacity(3);
    for (nodes, edges) in counts {
        let parts = GraphParts {
            lon: cursor.array(nodes, f64::from_le_bytes)?,
            lat: cursor.array(nodes, f64::from_le_bytes)?,
            offsets: cursor.array(nodes + 1, u32::from_le_bytes)?,
            targets: cursor.array(edges, u32::from_le_bytes)?,
            length_m: cursor.array(edges, f32::from_le_bytes)?,
            seconds: cursor.array(edges, f32::from_le_bytes)?,
        };
        graphs.push(Graph::from_parts(parts).map_err(Bad::Damaged)?);
    }
    if !cursor.bytes.is_empty() {
        return Err(Bad::Damaged("bytes left over after the last graph".into()));
    }
    let speeds_ok = [walk_kmh, bike_kmh].iter().all(|kmh| kmh.is_finite() && *kmh > 0.0);
    if !speeds_ok {
        return Err(Bad::Damaged("the walking or cycling speed is not a positive number".into()));
    }
    let graphs: [Graph; 3] = graphs.try_into().map_err(|_| Bad::Damaged("not three graphs".into()))?;
    Ok(Stored { walk_kmh, bike_kmh, graphs })
}

/// Reads fixed-size little-endian values off the front of a byte slice.
struct Cursor<'a> {
    bytes: &'a [u8],
}

impl Cursor<'_> {
    fn take<const N: usize>(&mut self) -> Result<[u8; N], Bad> {
        let (head, rest) = self.bytes.split_first_chunk::<N>().ok_or_else(too_short)?;
        self.bytes = rest;
        Ok(*head)
    }

    fn array<const N: usize, T>(&mut self, count: usize, from: fn([u8; N]) -> T) -> Result<Vec<T>, Bad> {
        let length =
            count.checked_mul(N).filter(|&length| length <= self.bytes.len()).ok_or_else(too_short)?;
        let (head, rest) = self.bytes.split_at(length);
        self.bytes = rest;
        Ok(head.chunks_exact(N).map(|chunk| from(chunk.try_into().unwrap_or([0; N]))).collect())
    }
}

fn too_short() -> Bad {
    Bad::Damaged("the file is shorter than its counts say".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_beside_the_database() {
        assert_eq!(path_for_database("sqlite://legalmap.db").unwrap(), PathBuf::from("legalmap.roads"));
        assert_eq!(
            path_for_database("sqlite:///srv/data/x.db?mode=rwc").unwrap(),
            PathBuf::from("/srv/data/x.roads")
        );
        assert!(path_for_database("sqlite::memory:").unwrap_err().contains("in memory"));
    }

    #[test]
    fn round_trip_and_damage() {
        let graph = Graph::from_parts(GraphParts {
            lon: vec![9.5, 9.51],
            lat: vec![47.1, 47.1],
            offsets: vec![0, 1, 2],
            targets: vec![1, 0],
            length_m: vec![760.0, 760.0],
            seconds: vec![600.0, 600.0],
        })
        .unwrap();
        let stored =
            Stored { walk_kmh: 4.5, bike_kmh: 15.0, graphs: [graph.clone(), graph, Graph::default()] };
        let bytes = encode(&stored);
        assert_eq!(decode(&bytes).ok(), Some(stored));
        assert!(matches!(decode(&bytes[..bytes.len() - 3]), Err(Bad::Damaged(_))));
        let mut flipped = bytes.clone();
        flipped[40] ^= 1;
        assert!(matches!(decode(&flipped), Err(Bad::Damaged(_))));
        let mut newer = bytes;
        newer[8] = 2;
        assert!(matches!(decode(&newer), Err(Bad::Version(2))));
        assert!(matches!(decode(b"PK\x03\x04 a zip"), Err(Bad::NotRoads)));
    }
}
