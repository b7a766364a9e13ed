//! Reading an OpenStreetMap extract (`.osm.pbf`) with the `osmpbf` crate: the ways some mode can
//! use, and the positions of their nodes, nothing else.
//!
//! Two passes over the file: the first keeps the routable ways and notes the node ids they use,
//! the second reads the positions of just those nodes. A whole province has tens of millions of
//! nodes that are not on any road (buildings, land use); holding all their positions to avoid
//! the second pass would cost far more memory than reading the file twice costs time.

use std::cell::Cell;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use osmpbf::{BlobDecode, BlobReader, Element};

use super::speed::drive_kmh;
use super::tags::{Direction, WayTags, direction};
use crate::locator::travel::Mode;

/// Why an extract cannot be read. Every message names the file and says what to do.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("cannot open {path}: {source}")]
    Open { path: PathBuf, source: std::io::Error },
    #[error(
        "{path} is not an OpenStreetMap extract in PBF format (.osm.pbf): it does not start with an OSM header block"
    )]
    NotOsm { path: PathBuf },
    #[error("{path} is truncated (it ends inside a block; an interrupted download?): download it again")]
    Truncated { path: PathBuf },
    #[error("{path} is damaged or not an OpenStreetMap PBF file: {detail}")]
    Damaged { path: PathBuf, detail: String },
    #[error("{path} is a history extract (several versions of each object): use a current extract")]
    History { path: PathBuf },
}

/// How far a read has come, for the terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// First pass: ways looked at so far, and how many some mode can use.
    Ways { read: u64, kept: u64 },
    /// Second pass: nodes looked at so far, and how many lie on kept ways.
    Nodes { read: u64, kept: u64 },
}

/// What a mode may do on one kept way.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WayRules {
    /// Per mode, in `Mode::ALL` order: the directions allowed, or `None`.
    pub directions: [Option<Direction>; 3],
    /// km/h, for driving.
    pub drive_kmh: f64,
}

impl WayRules {
    /// The rules for a way, or `None` if no mode can use it.
    pub fn of(tags: &WayTags<'_>) -> Option<Self> {
        let directions = [Mode::Walk, Mode::Bike, Mode::Drive].map(|mode| direction(tags, mode));
        directions.iter().any(Option::is_some).then(|| Self { directions, drive_kmh: drive_kmh(tags) })
    }

    pub fn direction(&self, mode: Mode) -> Option<Direction> {
        self.directions[mode_slot(mode)]
    }
}

/// The position of a mode in per-mode arrays (walk, bike, drive).
pub fn mode_slot(mode: Mode) -> usize {
    match mode {
        Mode::Walk => 0,
        Mode::Bike => 1,
        Mode::Drive => 2,
    }
}

/// One kept way: its nodes are `Extract::refs[first..first + len]`.
#[derive(Debug, Clone, Copy)]
pub struct ExtractWay {
    pub first: usize,
    pub len: usize,
    pub rules: WayRules,
}

/// The routable part of an extract. Nodes are numbered 0.. in id order; a node the file lacks
/// (the way was clipped at the extract's edge) has NaN coordinates and its segments are dropped.
#[derive(Debug, Default)]
pub struct Extract {
    pub ways: Vec<ExtractWay>,
    /// Node numbers of every kept way, one after another.
    pub refs: Vec<u32>,
    pub node_lon: Vec<f64>,
    pub node_lat: Vec<f64>,
    /// Ways with a `highway` tag, kept or not (to explain an extract with none usable).
    pub highway_ways: u64,
}

impl Extract {
    pub fn node_count(&self) -> usize {
        self.node_lon.len()
    }
}

/// Reads the routable ways of the extract at `path`, reporting progress after every block.
pub fn read(path: &Path, progress: &mut dyn FnMut(Progress)) -> Result<Extract, ReadError> {
    let mut extract = Extract::default();
    let mut way_ids: Vec<i64> = Vec::new();
    // Counted in cells: the element callback and the per-block report both see them.
    let (read, kept) = (Cell::new(0_u64), Cell::new(0_u64));
    let on_way = |element: Element<'_>| {
        if let Element::Way(way) = element {
            read.set(read.get() + 1);
            let tags = WayTags::from_pairs(way.tags());
            if tags.highway.is_some() {
                extract.highway_ways += 1;
            }
            if let Some(rules) = WayRules::of(&tags) {
                let first = way_ids.len();
                way_ids.extend(way.refs());
                extract.ways.push(ExtractWay { first, len: way_ids.len() - first, rules });
                kept.set(kept.get() + 1);
            }
        }
    };
    for_each_block(path, on_way, &mut || progress(Progress::Ways { read: read.get(), kept: kept.get() }))?;

    let mut node_ids = way_ids.clone();
    node_ids.sort_unstable();
    node_ids.dedup();
    extract.node_lon = vec![f64::NAN; node_ids.len()];
    extract.node_lat = vec![f64::NAN; node_ids.len()];
    let (read, kept) = (Cell::new(0_u64), Cell::new(0_u64));
    let mut place = |id: i64, lon: f64, lat: f64| {
        read.set(read.get() + 1);
        if let Ok(slot) = node_ids.binary_search(&id) {
            extract.node_lon[slot] = lon;
            extract.node_lat[slot] = lat;
            kept.set(kept.get() + 1);
        }
    };
    let on_node = |element: Element<'_>| match element {
        Element::Node(node) => place(node.id(), node.lon(), node.lat()),
        Element::DenseNode(node) => place(node.id(), node.lon(), node.lat()),
        _ => {}
    };
    for_each_block(path, on_node, &mut || progress(Progress::Nodes { read: read.get(), kept: kept.get() }))?;

    extract.refs = way_ids
        .iter()
        .map(|id| node_ids.binary_search(id).map(|slot| slot as u32).unwrap_or(u32::MAX))
        .collect();
    Ok(extract)
}

/// How every OpenStreetMap PBF file starts: the length of the first block header (4 bytes), then
/// that header's first field, the block type `OSMHeader` (tag 0x0A, length 9).
const SIGNATURE: &[u8] = b"\x0a\x09OSMHeader";

/// Calls `on_element` for every element of every data block, and `after_block` after each.
/// Checks that the file is an OpenStreetMap PBF and not a history file, and turns the reader's
/// errors into messages a person can act on.
fn for_each_block(
    path: &Path,
    mut on_element: impl FnMut(Element<'_>),
    after_block: &mut dyn FnMut(),
) -> Result<(), ReadError> {
    let open_error = |source| ReadError::Open { path: path.to_owned(), source };
    let mut file = std::fs::File::open(path).map_err(open_error)?;
    let mut start = [0_u8; 4 + SIGNATURE.len()];
    let signed = file.read_exact(&mut start).is_ok() && start[4..] == *SIGNATURE;
    if !signed {
        return Err(ReadError::NotOsm { path: path.to_owned() });
    }
    file.seek(SeekFrom::Start(0)).map_err(open_error)?;
    let length = file.metadata().map_err(open_error)?.len();
    let consumed = Arc::new(AtomicU64::new(0));
    let counted = Counted { inner: file, consumed: Arc::clone(&consumed) };
    // The reader's errors do not tell a cut-off file from a corrupt one; where the reading
    // stopped does: a file that ends inside a block was read to its end.
    let fail = |error: osmpbf::Error| {
        let path = path.to_owned();
        let at_end = consumed.load(Ordering::Relaxed) >= length;
        match error.kind() {
            osmpbf::ErrorKind::Io(io) if io.kind() != std::io::ErrorKind::UnexpectedEof => {
                ReadError::Damaged { path, detail: error.to_string() }
            }
            _ if at_end => ReadError::Truncated { path },
            _ => ReadError::Damaged { path, detail: error.to_string() },
        }
    };
    for blob in BlobReader::new(BufReader::new(counted)) {
        match blob.map_err(fail)?.decode().map_err(fail)? {
            BlobDecode::OsmHeader(header) => {
                if header.required_features().iter().any(|feature| feature == "HistoricalInformation") {
                    return Err(ReadError::History { path: path.to_owned() });
                }
            }
            BlobDecode::OsmData(block) => block.for_each_element(&mut on_element),
            BlobDecode::Unknown(_) => {}
        }
        after_block();
    }
    Ok(())
}

/// A reader that counts the bytes it hands over.
struct Counted {
    inner: std::fs::File,
    consumed: Arc<AtomicU64>,
}

impl Read for Counted {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        let read = self.inner.read(buffer)?;
        self.consumed.fetch_add(read as u64, Ordering::Relaxed);
        Ok(read)
    }
}
