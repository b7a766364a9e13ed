//! The route order and the "nearer another town" rule, on small hand-made towns.

use super::*;
use crate::domain::Verification;

fn town(code: &str, lon: f64, lat: f64) -> Town {
    Town { code: code.into(), name: format!("town {code}"), centre: LonLat::parse(lon, lat).unwrap() }
}

fn point(code: &str, lon: f64, lat: f64, quality: LocationQuality) -> ServicePoint {
    crate::points::synth::test_point(code, LonLat::parse(lon, lat).unwrap(), quality)
}

fn two_towns() -> Vec<Town> {
    // About 9.8 km apart east-west.
    vec![town("331003101", 121.0, 28.6), town("331003102", 121.1, 28.6)]
}

#[test]
fn bundled_towns_are_the_nineteen() {
    let towns = bundled_towns();
    assert_eq!(towns.len(), 19);
    assert_eq!(towns[0].code, "331003001");
}

#[test]
fn a_located_point_nearer_another_centre_is_flagged_a_placeholder_never() {
    let towns = two_towns();
    let near_other = point("331003101201", 121.08, 28.6, LocationQuality::Geocoded);
    let near_own = point("331003101202", 121.03, 28.6, LocationQuality::Geocoded);
    let placeholder = point("331003101203", 121.0, 28.6, LocationQuality::TownCentre);
    assert!(nearer_other_town(&near_other, &towns));
    assert!(!nearer_other_town(&near_own, &towns));
    assert!(!nearer_other_town(&placeholder, &towns));
}

#[test]
fn the_route_goes_to_the_nearest_unvisited_point_each_time() {
    let start = LonLat::parse(121.0, 28.6).unwrap();
    let far = point("331003101201", 121.03, 28.6, LocationQuality::Geocoded);
    let near = point("331003101202", 121.01, 28.6, LocationQuality::Geocoded);
    let back = point("331003101203", 120.995, 28.6, LocationQuality::Geocoded);
    let route = nearest_neighbour_order(start, vec![&far, &near, &back]);
    let codes: Vec<&str> = route.iter().map(|(p, _)| p.record.code.as_str()).collect();
    // back is 490 m from the start, near 980 m: back first, then near, then far.
    assert_eq!(codes, ["331003101203", "331003101202", "331003101201"]);
    assert!((route[0].1 - start.distance_m(back.record.location)).abs() < 1e-6);
}

#[test]
fn likely_wrong_geocodes_come_first_and_done_points_are_left_out() {
    let towns = two_towns();
    let mut verified = point("331003101204", 121.001, 28.6, LocationQuality::Geocoded);
    verified.verified = Some(Verification { by: "a".into(), at: "t".into() });
    let points = vec![
        point("331003101201", 121.01, 28.6, LocationQuality::TownCentre),
        point("331003101202", 121.09, 28.6, LocationQuality::Geocoded),
        point("331003101203", 121.002, 28.6, LocationQuality::GpsOnSite),
        verified,
        point("331003102201", 121.1, 28.6, LocationQuality::TownCentre),
    ];
    let result = campaign(&towns, &points);
    let first = &result.towns[0];
    let codes: Vec<&str> = first.next.iter().map(|p| p.code.as_str()).collect();
    assert_eq!(codes, ["331003101202", "331003101201"]);
    assert!(first.next[0].nearer_other_town && !first.next[1].nearer_other_town);
    assert_eq!(first.counts.total, 4);
    assert_eq!((first.counts.gps_on_site, first.counts.verified, first.counts.done), (1, 1, 2));
    assert_eq!(result.district.total, 5);
    assert_eq!(result.district.town_centre, 2);
    assert_eq!(result.towns[1].next.len(), 1);
}

#[test]
fn the_bundled_district_has_57_located_and_289_placeholders() {
    let result = campaign(&bundled_towns(), &crate::points::seed::bundled_points());
    assert_eq!(result.towns.len(), 19);
    assert_eq!((result.district.geocoded, result.district.town_centre, result.district.done), (57, 289, 0));
    let flagged: usize =
        result.towns.iter().map(|t| t.next.iter().filter(|p| p.nearer_other_town).count()).sum();
    assert!(flagged >= 8, "{flagged}");
}
