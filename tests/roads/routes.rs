//! Routes, one-way streets, snapping and unreachable places on the imported network, checked
//! against the reference reading of the same extract.

use std::collections::{HashMap, HashSet, VecDeque};

use geo::{Distance, Haversine, Point};
use legalmap::domain::LonLat;
use legalmap::locator::travel::Mode;
use legalmap::roads::network::{MAX_SNAP_M, RoadTime};
use legalmap::roads::route::{Next, Search, Seed};

use crate::reference::slot;
use crate::support::{Lcg, fixture};

/// The network's node ids mapped to OpenStreetMap ids, where the position is unambiguous.
fn osm_ids(mode: Mode) -> Vec<Option<i64>> {
    let fixture = fixture();
    let by_position = fixture.reference.ids_by_position(mode);
    let graph = &fixture.network.mode(mode).graph;
    (0..graph.node_count() as u32)
        .map(|node| by_position.get(&(graph.lon(node).to_bits(), graph.lat(node).to_bits())).copied())
        .collect()
}

/// From a dozen origins, every node's time on the network equals the reference Dijkstra's, and
/// the same number of nodes is reached, unbounded and within a 15-minute budget.
fn shortest_times_match_reference(mode: Mode) {
    let fixture = fixture();
    let graph = &fixture.network.mode(mode).graph;
    let ids = osm_ids(mode);
    assert!(graph.node_count() > 1_000, "{mode}: {} nodes", graph.node_count());
    assert_eq!(graph.node_count(), fixture.reference.adjacency[slot(mode)].len(), "{mode}: same nodes kept");
    let mut search = Search::new(graph);
    let step = graph.node_count() / 12;
    for origin in (0..graph.node_count() as u32).step_by(step) {
        let Some(origin_id) = ids[origin as usize] else { continue };
        for budget_s in [f64::INFINITY, 900.0] {
            let expected = fixture.reference.dijkstra(mode, origin_id, budget_s);
            let mut settled = 0;
            search.run(
                graph,
                &[Seed { node: origin, seconds: 0.0, metres: 0.0 }],
                budget_s,
                |node, seconds, _| {
                    settled += 1;
                    if let Some(id) = ids[node as usize] {
                        let want = expected.get(&id).copied().unwrap_or(f64::NAN);
                        assert!(
                            (seconds - want).abs() <= 1e-5 * want + 1e-3,
                            "{mode}: from {origin_id} to {id}: {seconds} s, reference {want} s"
                        );
                    }
                    Next::Continue
                },
            );
            assert_eq!(settled, expected.len(), "{mode}: nodes reached from {origin_id} within {budget_s} s");
        }
    }
}

#[test]
fn walking_times_match_an_independent_dijkstra() {
    shortest_times_match_reference(Mode::Walk);
}

#[test]
fn driving_times_match_an_independent_dijkstra() {
    shortest_times_match_reference(Mode::Drive);
}

#[test]
fn cycling_times_match_an_independent_dijkstra() {
    shortest_times_match_reference(Mode::Bike);
}

/// A place a quarter and three quarters along a real one-way street: driving against the flow
/// takes a detour (or is impossible); walking takes the same time both ways.
#[test]
fn one_way_streets_bind_drivers_not_walkers() {
    let fixture = fixture();
    let network = &fixture.network;
    let positions = &fixture.reference.positions;
    let mut checked = 0;
    for way in &fixture.reference.ways {
        let residential =
            matches!(way.highway.as_deref(), Some("residential" | "tertiary" | "unclassified" | "secondary"));
        if way.oneway.as_deref() != Some("yes") || !residential || way.rules.direction(Mode::Walk).is_none() {
            continue;
        }
        if way.nodes.len() < 2 {
            continue;
        }
        let (Some(&a), Some(&b)) = (positions.get(&way.nodes[0]), positions.get(&way.nodes[1])) else {
            continue;
        };
        let length_m = Haversine.distance(Point::new(a.0, a.1), Point::new(b.0, b.1));
        if length_m < 40.0 {
            continue;
        }
        let along = |share: f64| LonLat::parse(a.0 + (b.0 - a.0) * share, a.1 + (b.1 - a.1) * share).unwrap();
        let (first, second) = (along(0.25), along(0.75));
        // Only where the two places snap onto this segment (no other road lies on top of it).
        let graph = &network.mode(Mode::Drive).graph;
        let on_segment = |place| {
            network.snap(Mode::Drive, place).is_some_and(|snap| {
                let ends = [snap.node_a, snap.node_b].map(|node| (graph.lon(node), graph.lat(node)));
                snap.snap_distance_m < 0.5 && (ends == [a, b] || ends == [b, a])
            })
        };
        if !on_segment(first) || !on_segment(second) {
            continue;
        }
        let with_flow = network.time(Mode::Drive, first, second);
        let RoadTime::Reached { minutes: with_min, distance_m, .. } = with_flow else {
            panic!("with the flow: {with_flow:?}")
        };
        assert!((distance_m - length_m / 2.0).abs() < 0.5, "{distance_m} m along a {length_m} m segment");
        match network.time(Mode::Drive, second, first) {
            RoadTime::Reached { minutes, distance_m: against_m, .. } => {
                assert!(
                    minutes > with_min * 1.5 && against_m > length_m,
                    "against the flow: {minutes} min, {against_m} m"
                )
            }
            RoadTime::Unreachable { .. } => {}
            other => panic!("against the flow: {other:?}"),
        }
        let walk = |from, to| match network.time(Mode::Walk, from, to) {
            RoadTime::Reached { minutes, .. } => minutes,
            other => panic!("walking: {other:?}"),
        };
        assert!((walk(first, second) - walk(second, first)).abs() < 1e-9);
        checked += 1;
        if checked == 5 {
            break;
        }
    }
    assert!(checked >= 3, "the extract has one-way streets to check ({checked} checked)");
}

/// Random places over the extract: the snap is the nearest of all segments (brute force, in a
/// local plane, independent of the tree's 3-D chords), never further than the nearest node.
#[test]
fn snapping_finds_the_nearest_segment() {
    let fixture = fixture();
    let graph = &fixture.network.mode(Mode::Walk).graph;
    let (lon_min, lon_max, lat_min, lat_max) = (1.42, 1.78, 42.43, 42.65);
    let mut random = Lcg(12);
    let mut snapped = 0;
    for _ in 0..60 {
        let place = LonLat::parse(
            lon_min + (lon_max - lon_min) * random.next_f64(),
            lat_min + (lat_max - lat_min) * random.next_f64(),
        )
        .unwrap();
        let metres_per_degree_lat = 111_195.0;
        let metres_per_degree_lon = metres_per_degree_lat * place.lat().to_radians().cos();
        let plane = |lon: f64, lat: f64| {
            ((lon - place.lon()) * metres_per_degree_lon, (lat - place.lat()) * metres_per_degree_lat)
        };
        let mut brute_m = f64::INFINITY;
        for a in 0..graph.node_count() as u32 {
            for edge in graph.edges(a) {
                let (p, q) = (
                    plane(graph.lon(a), graph.lat(a)),
                    plane(graph.lon(edge.target), graph.lat(edge.target)),
                );
                let (dx, dy) = (q.0 - p.0, q.1 - p.1);
                let length_2 = dx * dx + dy * dy;
                let t =
                    if length_2 > 0.0 { (-(p.0 * dx + p.1 * dy) / length_2).clamp(0.0, 1.0) } else { 0.0 };
                brute_m = brute_m.min((p.0 + t * dx).hypot(p.1 + t * dy));
            }
        }
        match fixture.network.snap(Mode::Walk, place) {
            Some(snap) => {
                snapped += 1;
                assert!(
                    (snap.snap_distance_m - brute_m).abs() <= 0.5 + brute_m * 2e-3,
                    "snap {} m, brute force {brute_m} m",
                    snap.snap_distance_m
                );
                assert!((0.0..=1.0).contains(&snap.fraction));
            }
            None => assert!(brute_m > MAX_SNAP_M * 0.99, "no snap, but a road {brute_m} m away"),
        }
    }
    assert!(snapped > 30, "most random places in Andorra are near a path ({snapped})");
}

/// A place on a small walkable piece that no path joins to the main network is reported
/// unreachable, not as a long time.
#[test]
fn an_island_is_unreachable() {
    let network = &fixture().network;
    let (main_place, island_place) = main_and_island_places();
    assert!(matches!(network.time(Mode::Walk, island_place, main_place), RoadTime::Unreachable { .. }));
    assert!(matches!(network.time(Mode::Walk, main_place, island_place), RoadTime::Unreachable { .. }));
}

/// A place on the largest walkable piece of the extract, and one on a piece no path joins to
/// it, both exactly on a road; found from the reference's own reading of the ways.
pub fn main_and_island_places() -> (LonLat, LonLat) {
    let fixture = fixture();
    let adjacency = &fixture.reference.adjacency[slot(Mode::Walk)];
    let mut component: HashMap<i64, usize> = HashMap::new();
    let mut sizes = Vec::new();
    for &start in adjacency.keys() {
        if component.contains_key(&start) {
            continue;
        }
        let label = sizes.len();
        let mut queue = VecDeque::from([start]);
        component.insert(start, label);
        let mut size = 0;
        while let Some(node) = queue.pop_front() {
            size += 1;
            for &(next, ..) in &adjacency[&node] {
                if component.insert(next, label).is_none() {
                    queue.push_back(next);
                }
            }
        }
        sizes.push(size);
    }
    let main = (0..sizes.len()).max_by_key(|&label| sizes[label]).unwrap();
    let network = &fixture.network;
    let ids = osm_ids(Mode::Walk);
    let label_of = |node: u32| ids[node as usize].map(|id| component[&id]);
    let midpoint = |a: i64, b: i64| {
        let (p, q) = (fixture.reference.positions[&a], fixture.reference.positions[&b]);
        LonLat::parse((p.0 + q.0) / 2.0, (p.1 + q.1) / 2.0).unwrap()
    };
    let mut found: HashSet<usize> = HashSet::new();
    let mut main_place = None;
    let mut island_place = None;
    for (&a, edges) in adjacency {
        for &(b, _, metres) in edges {
            if metres < 20.0 {
                continue;
            }
            let place = midpoint(a, b);
            let Some(snap) = network.snap(Mode::Walk, place) else { continue };
            if snap.snap_distance_m > 0.01 || label_of(snap.node_a) != Some(component[&a]) {
                continue;
            }
            if component[&a] == main {
                main_place.get_or_insert(place);
            } else if found.insert(component[&a]) {
                island_place.get_or_insert(place);
            }
        }
    }
    (main_place.expect("a main network"), island_place.expect("an island"))
}
