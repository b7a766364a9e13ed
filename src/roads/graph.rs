//! One mode's road graph in compressed sparse row form: what routing needs and nothing else.
//!
//! Nodes are the OpenStreetMap nodes on that mode's ways (others are dropped), numbered 0..n;
//! node `v`'s outgoing edges are `offsets[v]..offsets[v + 1]` in the edge arrays. Edge lengths and
//! times are `f32` (it keeps a road segment's length to well under a millimetre and its time to
//! well under a millisecond), coordinates `f64` (WGS-84 degrees, as read). Twenty bytes a node and
//! twelve an edge: with two or three edges a node, about 50 bytes a node, so a district is a few
//! megabytes and a province a few hundred.

use geo::{Distance, Haversine, Point};

use super::pbf::Extract;
use crate::locator::travel::{Mode, TravelModel};

/// One mode's directed graph.
#[derive(Debug, Clone, PartialEq)]
pub struct Graph {
    lon: Vec<f64>,
    lat: Vec<f64>,
    offsets: Vec<u32>,
    targets: Vec<u32>,
    length_m: Vec<f32>,
    seconds: Vec<f32>,
}

impl Default for Graph {
    /// The empty graph (a mode the extract has no ways for).
    fn default() -> Self {
        Self {
            lon: vec![],
            lat: vec![],
            offsets: vec![0],
            targets: vec![],
            length_m: vec![],
            seconds: vec![],
        }
    }
}

/// One directed edge as routing sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Edge {
    pub target: u32,
    /// Metres along the road.
    pub length_m: f32,
    /// Seconds to travel it.
    pub seconds: f32,
}

/// The arrays of a graph, as stored in the network file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GraphParts {
    pub lon: Vec<f64>,
    pub lat: Vec<f64>,
    pub offsets: Vec<u32>,
    pub targets: Vec<u32>,
    pub length_m: Vec<f32>,
    pub seconds: Vec<f32>,
}

impl Graph {
    /// Checks the arrays (from a file that may be damaged or from another version) so that no
    /// later lookup can go out of bounds or meet a NaN: offsets start at 0, never decrease and end
    /// at the edge count, every target is a node, coordinates are in range, lengths and times are
    /// finite and not negative.
    pub fn from_parts(parts: GraphParts) -> Result<Self, String> {
        let GraphParts { lon, lat, offsets, targets, length_m, seconds } = parts;
        let nodes = lon.len();
        if lat.len() != nodes || offsets.len() != nodes + 1 {
            return Err("node arrays of different lengths".into());
        }
        let edges = targets.len();
        if length_m.len() != edges || seconds.len() != edges {
            return Err("edge arrays of different lengths".into());
        }
        if offsets[0] != 0
            || offsets[nodes] as usize != edges
            || offsets.windows(2).any(|pair| pair[0] > pair[1])
        {
            return Err("edge offsets out of order".into());
        }
        if targets.iter().any(|&target| target as usize >= nodes) {
            return Err("an edge leads to a node that does not exist".into());
        }
        let in_range = |lon: f64, lat: f64| (-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat);
        if lon.iter().zip(&lat).any(|(&lon, &lat)| !in_range(lon, lat)) {
            return Err("a node's coordinates are out of range".into());
        }
        let usable = |value: &f32| value.is_finite() && *value >= 0.0;
        if !length_m.iter().all(usable) || !seconds.iter().all(usable) {
            return Err("an edge's length or time is not a non-negative number".into());
        }
        Ok(Self { lon, lat, offsets, targets, length_m, seconds })
    }

    /// The arrays, for writing.
    pub fn parts(&self) -> GraphParts {
        GraphParts {
            lon: self.lon.clone(),
            lat: self.lat.clone(),
            offsets: self.offsets.clone(),
            targets: self.targets.clone(),
            length_m: self.length_m.clone(),
            seconds: self.seconds.clone(),
        }
    }

    /// Builds `mode`'s graph from an extract: an edge per segment of each way the mode may use,
    /// in each direction it may travel; walking and cycling at the model's speeds, driving at each
    /// way's own speed.
    pub fn build(extract: &Extract, mode: Mode, model: &TravelModel) -> Self {
        let mut edges: Vec<(u32, u32, f32, f32)> = Vec::new();
        for way in &extract.ways {
            let Some(direction) = way.rules.direction(mode) else { continue };
            let metres_per_second = match mode {
                Mode::Drive => way.rules.drive_kmh / 3.6,
                Mode::Walk | Mode::Bike => model.speed_kmh(mode) / 3.6,
            };
            for pair in extract.refs[way.first..way.first + way.len].windows(2) {
                let (a, b) = (pair[0], pair[1]);
                let (Some(from), Some(to)) = (position(extract, a), position(extract, b)) else { continue };
                if a == b {
                    continue;
                }
                let length_m = Haversine.distance(from, to);
                let seconds = (length_m / metres_per_second) as f32;
                if direction.forward() {
                    edges.push((a, b, length_m as f32, seconds));
                }
                if direction.backward() {
                    edges.push((b, a, length_m as f32, seconds));
                }
            }
        }
        // Renumber the nodes this mode uses, in the extract's (id) order, which keeps neighbours
        // roughly near each other in memory.
        let mut used = vec![false; extract.node_count()];
        for &(a, b, ..) in &edges {
            used[a as usize] = true;
            used[b as usize] = true;
        }
        let mut new_id = vec![u32::MAX; extract.node_count()];
        let (mut lon, mut lat) = (Vec::new(), Vec::new());
        for old in (0..used.len()).filter(|&old| used[old]) {
            new_id[old] = lon.len() as u32;
            lon.push(extract.node_lon[old]);
            lat.push(extract.node_lat[old]);
        }
        edges.sort_unstable_by_key(|&(a, b, ..)| (new_id[a as usize], new_id[b as usize]));
        let mut offsets = vec![0_u32; lon.len() + 1];
        for &(a, ..) in &edges {
            offsets[new_id[a as usize] as usize + 1] += 1;
        }
        for node in 0..lon.len() {
            offsets[node + 1] += offsets[node];
        }
        Self {
            lon,
            lat,
            offsets,
            targets: edges.iter().map(|&(_, b, ..)| new_id[b as usize]).collect(),
            length_m: edges.iter().map(|&(_, _, length_m, _)| length_m).collect(),
            seconds: edges.iter().map(|&(.., seconds)| seconds).collect(),
        }
    }

    pub fn node_count(&self) -> usize {
        self.lon.len()
    }

    pub fn edge_count(&self) -> usize {
        self.targets.len()
    }

    /// Degrees east.
    pub fn lon(&self, node: u32) -> f64 {
        self.lon[node as usize]
    }

    /// Degrees north.
    pub fn lat(&self, node: u32) -> f64 {
        self.lat[node as usize]
    }

    /// The edges leaving `node`.
    pub fn edges(&self, node: u32) -> impl Iterator<Item = Edge> + '_ {
        let range = self.offsets[node as usize] as usize..self.offsets[node as usize + 1] as usize;
        range.map(|edge| Edge {
            target: self.targets[edge],
            length_m: self.length_m[edge],
            seconds: self.seconds[edge],
        })
    }

    /// The quickest edge from `from` to `to`, if there is one (two ways can join the same nodes).
    pub fn edge_between(&self, from: u32, to: u32) -> Option<Edge> {
        self.edges(from).filter(|edge| edge.target == to).min_by(|a, b| a.seconds.total_cmp(&b.seconds))
    }

    /// Heap bytes of the arrays.
    pub fn heap_bytes(&self) -> usize {
        (self.lon.len() + self.lat.len()) * 8
            + (self.offsets.len() + self.targets.len()) * 4
            + self.edge_count() * 8
    }
}

/// A node's position, if the extract has it (a clipped way can name nodes outside the file).
fn position(extract: &Extract, node: u32) -> Option<Point> {
    let (lon, lat) = (*extract.node_lon.get(node as usize)?, *extract.node_lat.get(node as usize)?);
    (lon.is_finite() && lat.is_finite()).then(|| Point::new(lon, lat))
}
