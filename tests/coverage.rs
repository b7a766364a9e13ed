//! Coverage on hand-made layouts whose answers are known, and on the real district.

use std::f64::consts::PI;
use std::sync::Arc;

use geo::{GeodesicArea, LineString, Polygon};
use legalmap::coverage::places::{Place, place_summary};
use legalmap::coverage::sites::Demand;
use legalmap::coverage::{Coverage, Grid};
use legalmap::domain::{LocationQuality, LonLat, PointCode, ServicePoint};
use legalmap::locator::index::PointIndex;
use legalmap::locator::travel::{Mode, TravelModel};
use legalmap::points::synth::record;

const M_PER_DEG: f64 = 6_371_008.8 * PI / 180.0;
const LAT0: f64 = 28.6;
const LON0: f64 = 121.0;

/// A position `east_km`, `north_km` from (121.0 E, 28.6 N).
fn at(east_km: f64, north_km: f64) -> LonLat {
    let lat = LAT0 + north_km * 1000.0 / M_PER_DEG;
    let lon = LON0 + east_km * 1000.0 / (M_PER_DEG * LAT0.to_radians().cos());
    LonLat::parse(lon, lat).unwrap()
}

fn rectangle(width_km: f64, height_km: f64) -> Polygon<f64> {
    let corners =
        [at(0.0, 0.0), at(width_km, 0.0), at(width_km, height_km), at(0.0, height_km), at(0.0, 0.0)];
    Polygon::new(LineString::from(corners.iter().map(|p| (p.lon(), p.lat())).collect::<Vec<_>>()), Vec::new())
}

fn point(serial: usize, town: &str, location: LonLat, quality: LocationQuality) -> ServicePoint {
    let code = PointCode::parse(&format!("{town}{serial:03}")).unwrap();
    let record = record(code, location, quality, "tests/coverage.rs");
    ServicePoint { updated_at: "2026-01-01T00:00:00Z".into(), ..ServicePoint::unsaved(record) }
}

fn coverage(district: &Polygon<f64>, points: Vec<ServicePoint>, cell_m: f64) -> Coverage {
    Coverage::compute(
        Arc::new(Grid::new(district, cell_m)),
        Arc::new(PointIndex::build(points)),
        TravelModel::default(),
    )
}

/// The area of a disc of radius `radius_km` beyond a line `distance_km` from its centre (zero when
/// the line misses the disc).
fn circular_segment_km2(radius_km: f64, distance_km: f64) -> f64 {
    let (r, d) = (radius_km, distance_km);
    if d >= r { 0.0 } else { r * r * (d / r).acos() - d * (r * r - d * d).sqrt() }
}

fn assert_near(actual: f64, expected: f64, tolerance: f64, what: &str) {
    assert!((actual - expected).abs() <= tolerance, "{what}: {actual} vs {expected} (±{tolerance})");
}

#[test]
fn one_point_in_a_square_covers_a_disc_per_mode() {
    let square = rectangle(10.0, 10.0);
    let coverage =
        coverage(&square, vec![point(1, "331003001", at(5.0, 5.0), LocationQuality::StaffSet)], 50.0);
    for (mode, radius_km) in [(Mode::Walk, 1.2), (Mode::Bike, 2.0), (Mode::Drive, 3.0)] {
        let summary = coverage.summary(mode);
        assert_near(summary.area_km2, 100.0, 0.5, "district area");
        let disc = PI * radius_km * radius_km;
        assert_near(summary.standard_area_km2, disc, disc * 0.02, "disc area");
        assert_near(summary.standard_share, disc / 100.0, 0.002, "share");
        // 15 minutes by the model: 865 m walking, 2.88 km cycling, 5.77 km driving (default speeds, detour 1.3).
        // Driving's 15-minute disc reaches past the square's edges (5 km from its centre): four
        // circular segments fall outside it.
        let reach_km = TravelModel::default().reach_m(mode, 15.0) / 1000.0;
        let expected = PI * reach_km * reach_km - 4.0 * circular_segment_km2(reach_km, 5.0);
        assert_near(summary.within_15_area_km2, expected, expected * 0.02, "15-minute area");
        assert_eq!(summary.uncertain_cells, 0);
    }
}

#[test]
fn two_apart_points_cover_twice_and_a_point_outside_covers_a_segment() {
    let square = rectangle(10.0, 10.0);
    let two = coverage(
        &square,
        vec![
            point(1, "331003001", at(2.5, 5.0), LocationQuality::StaffSet),
            point(2, "331003001", at(7.5, 5.0), LocationQuality::StaffSet),
        ],
        50.0,
    );
    let disc = PI * 1.2 * 1.2;
    assert_near(two.summary(Mode::Walk).standard_area_km2, 2.0 * disc, 2.0 * disc * 0.02, "two discs");

    // 2 km east of the square's east edge: driving's 3 km disc reaches 1 km in.
    let outside =
        coverage(&square, vec![point(1, "331003001", at(12.0, 5.0), LocationQuality::StaffSet)], 50.0);
    let segment = circular_segment_km2(3.0, 2.0);
    assert_near(outside.summary(Mode::Drive).standard_area_km2, segment, segment * 0.04, "circular segment");
    assert_eq!(outside.summary(Mode::Walk).standard_area_km2, 0.0);
}

#[test]
fn placeholders_make_their_cells_uncertain() {
    let square = rectangle(4.0, 4.0);
    let located = point(1, "331003001", at(1.0, 2.0), LocationQuality::Geocoded);
    let estimate = point(2, "331003002", at(3.0, 2.0), LocationQuality::TownCentre);
    let summary = coverage(&square, vec![located, estimate], 100.0).summary(Mode::Walk);
    // The east half of the square is nearer the placeholder.
    assert_near(summary.uncertain_area_km2, 8.0, 0.3, "uncertain half");
    assert_eq!(summary.towns.len(), 2);
}

#[test]
fn the_real_district_adds_up() {
    let settings = legalmap::web::map::MapSettings::new(legalmap::web::map::TileSource::default());
    let district = settings.district().clone();
    let points = legalmap::points::seed::bundled_points();
    let coverage = coverage(&district, points, 100.0);
    let geodesic_km2 = district.geodesic_area_signed().abs() / 1e6;
    for mode in Mode::ALL.iter().copied() {
        let summary = coverage.summary(mode);
        assert_near(summary.area_km2, geodesic_km2, geodesic_km2 * 0.005, "grid area vs geodesic area");
        let towns_area: f64 = summary.towns.iter().map(|t| t.area_km2).sum();
        let towns_standard: f64 = summary.towns.iter().map(|t| t.standard_area_km2).sum();
        assert_near(towns_area, summary.area_km2, 1e-6, "town areas add up");
        assert_near(towns_standard, summary.standard_area_km2, 1e-6, "town covered areas add up");
        assert_eq!(summary.towns.len(), 19);
        assert!(summary.standard_share > 0.0 && summary.standard_share < 1.0);
        assert!(summary.uncertain_cells > 0);
        assert_eq!(summary.farthest.len(), 5);
        assert!(summary.farthest.windows(2).all(|w| w[0].distance_m >= w[1].distance_m));
    }
    let walk = coverage.summary(Mode::Walk).standard_share;
    let drive = coverage.summary(Mode::Drive).standard_share;
    assert!(drive > walk, "a larger radius covers more");
}

#[test]
fn greedy_picks_the_known_best_site_for_people() {
    let strip = rectangle(10.0, 2.0);
    let existing = point(1, "331003001", at(0.5, 1.0), LocationQuality::StaffSet);
    let coverage = coverage(&strip, vec![existing], 100.0);
    let places = [
        Place { name: "A".into(), location: at(8.0, 1.0), population: Some(1000) },
        Place { name: "B".into(), location: at(3.0, 1.0), population: Some(100) },
        Place { name: "C".into(), location: at(0.6, 1.0), population: Some(5000) }, // already covered
    ];
    let sites = coverage.suggest_sites(Mode::Walk, 3, Demand::Places(&places));
    assert_eq!(sites.len(), 2, "nothing left to gain after A and B");
    assert!(LonLat::parse(sites[0].lon, sites[0].lat).unwrap().distance_m(places[0].location) <= 1200.0);
    assert_eq!((sites[0].gain, sites[1].gain, sites[1].cumulative_gain), (1000.0, 100.0, 1100.0));
    assert!(LonLat::parse(sites[1].lon, sites[1].lat).unwrap().distance_m(places[1].location) <= 1200.0);
}

#[test]
fn greedy_on_an_empty_square_puts_a_whole_disc_inside() {
    let square = rectangle(8.0, 8.0);
    let coverage = coverage(&square, Vec::new(), 100.0);
    let sites = coverage.suggest_sites(Mode::Bike, 1, Demand::Area);
    let disc = PI * 2.0 * 2.0;
    assert_near(sites[0].gain, disc, disc * 0.03, "a full disc");
    let site = LonLat::parse(sites[0].lon, sites[0].lat).unwrap();
    for edge in [at(0.0, 4.0), at(8.0, 4.0), at(4.0, 0.0), at(4.0, 8.0)] {
        let to_edge = if (edge.lat() - at(0.0, 4.0).lat()).abs() < 1e-9 {
            LonLat::parse(edge.lon(), site.lat()).unwrap()
        } else {
            LonLat::parse(site.lon(), edge.lat()).unwrap()
        };
        assert!(
            site.distance_m(to_edge) >= 1_900.0,
            "the disc stays inside: {} m from an edge",
            site.distance_m(to_edge)
        );
    }
}

#[test]
fn the_point_whose_area_others_also_cover_loses_least() {
    let square = rectangle(10.0, 10.0);
    let points = vec![
        point(1, "331003001", at(2.0, 5.0), LocationQuality::StaffSet),
        point(2, "331003001", at(2.3, 5.0), LocationQuality::StaffSet), // almost on top of 1
        point(3, "331003001", at(8.0, 5.0), LocationQuality::StaffSet),
    ];
    let losses = coverage(&square, points, 100.0).least_loss_points(Mode::Walk, 3, Demand::Area);
    assert_eq!(losses[2].code, "331003001003", "the lone point loses a whole disc");
    assert!(losses[0].loss < losses[2].loss / 3.0);
}

#[test]
fn places_are_weighted_by_population_or_counted() {
    let index = PointIndex::build(vec![point(1, "331003001", at(0.0, 0.0), LocationQuality::StaffSet)]);
    let model = TravelModel::default();
    let near = Place { name: "near".into(), location: at(0.5, 0.0), population: Some(900) };
    let far = Place { name: "far".into(), location: at(5.0, 0.0), population: Some(100) };
    let summary = place_summary(&index, None, &model, &[near.clone(), far.clone()], Mode::Walk);
    assert_eq!(summary.weighted_by, "population");
    assert_near(summary.standard_share, 0.9, 1e-9, "population share");
    let counted = [Place { population: None, ..near }, Place { population: None, ..far }];
    let summary = place_summary(&index, None, &model, &counted, Mode::Walk);
    assert_eq!(summary.weighted_by, "places");
    assert_near(summary.standard_share, 0.5, 1e-9, "place share");
    assert_eq!(summary.places[0].nearest_code, "331003001001");
}
