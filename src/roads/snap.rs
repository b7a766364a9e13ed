//! Snapping a place to the nearest road: an R-tree (`rstar`) over one mode's road segments.
//!
//! Segments are indexed as 3-D chords between unit vectors on the sphere, as the point index
//! does with points (`locator::index`): the Euclidean distance to a chord ranks segments as the
//! Earth's surface does, with no distortion away from the equator. Over a road segment (metres to
//! a few hundred metres) the chord lies within centimetres of the surface, so the nearest chord is
//! the nearest road. The snap distance is then measured with the haversine formula.
//!
//! One tree per mode, since modes keep different ways: a footpath is the nearest road for a
//! walker, not for a driver. The tree is built when the network is loaded, not stored: bulk
//! loading is a fraction of a second per hundred thousand segments, and the file stays simple.

use geo::{Distance, Haversine, Point};
use rstar::primitives::{GeomWithData, Line};
use rstar::{PointDistance, RTree};

use super::graph::{Edge, Graph};
use crate::domain::LonLat;

/// One entry: a segment's chord and its two end nodes.
type Segment = GeomWithData<Line<[f64; 3]>, [u32; 2]>;

/// The segments of one mode's graph.
#[derive(Debug, Clone)]
pub struct Snapper {
    tree: RTree<Segment>,
}

/// Where a place meets the road network.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Snap {
    /// The segment's end nodes.
    pub node_a: u32,
    pub node_b: u32,
    /// How far along the segment from `node_a` (0) to `node_b` (1) the nearest point lies.
    pub fraction: f64,
    /// The nearest point on the road, WGS-84 degrees.
    pub lon: f64,
    pub lat: f64,
    /// From the place to the road, metres (great circle).
    pub snap_distance_m: f64,
    /// The edge `node_a -> node_b`, if the mode may travel it that way.
    pub forward: Option<Edge>,
    /// The edge `node_b -> node_a`, if the mode may travel it that way.
    pub backward: Option<Edge>,
}

impl Snap {
    /// Metres from `node_a` to the snapped point along the segment.
    pub fn metres_from_a(&self) -> f64 {
        let edge = self.forward.or(self.backward);
        edge.map_or(0.0, |edge| f64::from(edge.length_m) * self.fraction)
    }

    /// Metres from the snapped point to `node_b` along the segment.
    pub fn metres_to_b(&self) -> f64 {
        let edge = self.forward.or(self.backward);
        edge.map_or(0.0, |edge| f64::from(edge.length_m) * (1.0 - self.fraction))
    }
}

impl Snapper {
    /// Indexes every segment of `graph` once, whichever directions it may be travelled in.
    pub fn build(graph: &Graph) -> Self {
        let mut segments = Vec::with_capacity(graph.edge_count());
        for a in 0..graph.node_count() as u32 {
            for edge in graph.edges(a) {
                let b = edge.target;
                // Once per pair of nodes: from the lower number, or from the only end that has
                // an edge (a one-way street entered from its higher-numbered end).
                if a == b || (a > b && graph.edge_between(b, a).is_some()) {
                    continue;
                }
                let line = Line::new(unit_vector(graph, a), unit_vector(graph, b));
                segments.push(GeomWithData::new(line, [a, b]));
            }
        }
        // Two ways over the same pair of nodes give the same segment twice; harmless.
        Self { tree: RTree::bulk_load(segments) }
    }

    pub fn segment_count(&self) -> usize {
        self.tree.size()
    }

    /// The nearest point on any road to `place`, if there is a road within `max_m` metres.
    pub fn snap(&self, graph: &Graph, place: LonLat, max_m: f64) -> Option<Snap> {
        let query = lon_lat_vector(place.lon(), place.lat());
        let segment = self.tree.nearest_neighbor(&query)?;
        let [a, b] = segment.data;
        let fraction = fraction_along(segment.geom(), &query);
        let lon = graph.lon(a) + (graph.lon(b) - graph.lon(a)) * fraction;
        let lat = graph.lat(a) + (graph.lat(b) - graph.lat(a)) * fraction;
        let snap_distance_m = Haversine.distance(Point::new(place.lon(), place.lat()), Point::new(lon, lat));
        if snap_distance_m > max_m {
            return None;
        }
        Some(Snap {
            node_a: a,
            node_b: b,
            fraction,
            lon,
            lat,
            snap_distance_m,
            forward: graph.edge_between(a, b),
            backward: graph.edge_between(b, a),
        })
    }

    /// Squared chord distance to the nearest segment, for tests of the tree against brute force.
    pub fn nearest_chord_2(&self, place: LonLat) -> Option<f64> {
        let query = lon_lat_vector(place.lon(), place.lat());
        self.tree.nearest_neighbor(&query).map(|segment| segment.geom().distance_2(&query))
    }
}

/// Where the point of `line` nearest to `query` lies, 0 at `from` to 1 at `to`.
fn fraction_along(line: &Line<[f64; 3]>, query: &[f64; 3]) -> f64 {
    let direction: [f64; 3] = std::array::from_fn(|axis| line.to[axis] - line.from[axis]);
    let length_2: f64 = direction.iter().map(|d| d * d).sum();
    if length_2 == 0.0 {
        return 0.0;
    }
    let along: f64 = (0..3).map(|axis| (query[axis] - line.from[axis]) * direction[axis]).sum();
    (along / length_2).clamp(0.0, 1.0)
}

fn unit_vector(graph: &Graph, node: u32) -> [f64; 3] {
    lon_lat_vector(graph.lon(node), graph.lat(node))
}

/// The position as a unit vector from the Earth's centre.
fn lon_lat_vector(lon: f64, lat: f64) -> [f64; 3] {
    let (lon, lat) = (lon.to_radians(), lat.to_radians());
    [lat.cos() * lon.cos(), lat.cos() * lon.sin(), lat.sin()]
}
