//! An independent reading of the extract: `osmpbf`'s element reader (not the blob reader the
//! import uses), a graph keyed by OpenStreetMap node ids in hash maps (not renumbered arrays),
//! times in `f64`, and a plain Dijkstra. Only the tag rules (unit-tested on their own) are
//! shared with the code under test.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

use geo::{Distance, Haversine, Point};
use legalmap::locator::travel::{DEFAULT_BIKE_KMH, DEFAULT_WALK_KMH, Mode};
use legalmap::roads::pbf::WayRules;
use legalmap::roads::tags::WayTags;
use osmpbf::{Element, ElementReader};

/// One directed edge: target node id, seconds, metres.
pub type Edge = (i64, f64, f64);

pub struct Reference {
    pub positions: HashMap<i64, (f64, f64)>,
    /// Per mode (walk, bike, drive): node id -> edges.
    pub adjacency: [HashMap<i64, Vec<Edge>>; 3],
    /// Ways as read: node ids and tags that matter to the one-way test.
    pub ways: Vec<RefWay>,
}

pub struct RefWay {
    pub nodes: Vec<i64>,
    pub oneway: Option<String>,
    pub highway: Option<String>,
    pub rules: WayRules,
}

pub fn slot(mode: Mode) -> usize {
    match mode {
        Mode::Walk => 0,
        Mode::Bike => 1,
        Mode::Drive => 2,
    }
}

impl Reference {
    pub fn read(path: &str) -> Self {
        let mut positions = HashMap::new();
        let mut ways = Vec::new();
        ElementReader::from_path(path)
            .expect("extract opens")
            .for_each(|element| match element {
                Element::Node(node) => {
                    positions.insert(node.id(), (node.lon(), node.lat()));
                }
                Element::DenseNode(node) => {
                    positions.insert(node.id(), (node.lon(), node.lat()));
                }
                Element::Way(way) => {
                    let tags: Vec<(&str, &str)> = way.tags().collect();
                    if let Some(rules) = WayRules::of(&WayTags::from_pairs(tags.iter().copied())) {
                        let find =
                            |key: &str| tags.iter().find(|(k, _)| *k == key).map(|(_, v)| v.to_string());
                        ways.push(RefWay {
                            nodes: way.refs().collect(),
                            oneway: find("oneway"),
                            highway: find("highway"),
                            rules,
                        });
                    }
                }
                Element::Relation(_) => {}
            })
            .expect("extract reads");
        let mut adjacency: [HashMap<i64, Vec<Edge>>; 3] = Default::default();
        for way in &ways {
            for mode in [Mode::Walk, Mode::Bike, Mode::Drive] {
                let Some(direction) = way.rules.direction(mode) else { continue };
                let kmh = match mode {
                    Mode::Walk => DEFAULT_WALK_KMH,
                    Mode::Bike => DEFAULT_BIKE_KMH,
                    Mode::Drive => way.rules.drive_kmh,
                };
                for pair in way.nodes.windows(2) {
                    let (Some(&a), Some(&b)) = (positions.get(&pair[0]), positions.get(&pair[1])) else {
                        continue;
                    };
                    if pair[0] == pair[1] {
                        continue;
                    }
                    let metres = Haversine.distance(Point::new(a.0, a.1), Point::new(b.0, b.1));
                    let seconds = metres / (kmh / 3.6);
                    let graph = &mut adjacency[slot(mode)];
                    if direction.forward() {
                        graph.entry(pair[0]).or_default().push((pair[1], seconds, metres));
                        graph.entry(pair[1]).or_default();
                    }
                    if direction.backward() {
                        graph.entry(pair[1]).or_default().push((pair[0], seconds, metres));
                        graph.entry(pair[0]).or_default();
                    }
                }
            }
        }
        Self { positions, adjacency, ways }
    }

    /// Seconds from `origin` to every node reached within `budget_s`.
    pub fn dijkstra(&self, mode: Mode, origin: i64, budget_s: f64) -> HashMap<i64, f64> {
        let graph = &self.adjacency[slot(mode)];
        let mut best: HashMap<i64, f64> = HashMap::from([(origin, 0.0)]);
        let mut done: HashMap<i64, f64> = HashMap::new();
        // Seconds as integer nanoseconds keep the heap's ordering simple.
        let mut heap = BinaryHeap::from([Reverse((0_u64, origin))]);
        while let Some(Reverse((_, node))) = heap.pop() {
            if done.contains_key(&node) {
                continue;
            }
            let seconds = best[&node];
            done.insert(node, seconds);
            for &(target, edge_s, _) in graph.get(&node).into_iter().flatten() {
                let next = seconds + edge_s;
                if next <= budget_s && best.get(&target).is_none_or(|&known| next < known) {
                    best.insert(target, next);
                    heap.push(Reverse(((next * 1e9) as u64, target)));
                }
            }
        }
        done
    }

    /// Node ids by exact position, for matching the network's renumbered nodes; positions shared
    /// by several nodes are left out.
    pub fn ids_by_position(&self, mode: Mode) -> HashMap<(u64, u64), i64> {
        let mut by_position: HashMap<(u64, u64), Option<i64>> = HashMap::new();
        for &id in self.adjacency[slot(mode)].keys() {
            let (lon, lat) = self.positions[&id];
            by_position
                .entry((lon.to_bits(), lat.to_bits()))
                .and_modify(|seen| *seen = None)
                .or_insert(Some(id));
        }
        by_position.into_iter().filter_map(|(key, id)| Some((key, id?))).collect()
    }
}
