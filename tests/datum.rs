//! Datum conversions against vectors computed by independent implementations.
//!
//! The `Vector` table was computed with the public-domain Python library `prcoords` 1.0.2
//! (`wgs_gcj`, `wgs_bd`), cross-checked against `eviltransform` 0.1.1 (which differs from it by
//! under 1 cm, using the WGS-84 instead of the Krasovsky semi-major axis). The Beijing vectors
//! are the examples published in the README of `wandergis/coordtransform`.

use legalmap::domain::{Datum, LonLat};

struct Vector {
    wgs84: (f64, f64),
    gcj02: (f64, f64),
    bd09: (f64, f64),
}

const VECTORS: &[Vector] = &[
    // Huangyan, 东城街道
    Vector {
        wgs84: (121.263408, 28.64628),
        gcj02: (121.2676304073, 28.6431480171),
        bd09: (121.2741913438, 28.6488085607),
    },
    // Huangyan, 宁溪镇
    Vector {
        wgs84: (120.971927, 28.591549),
        gcj02: (120.9760020359, 28.5882995614),
        bd09: (120.9824640413, 28.5945469602),
    },
    // Beijing, Tiananmen
    Vector {
        wgs84: (116.391248, 39.907395),
        gcj02: (116.3974891409, 39.9087962466),
        bd09: (116.4038620386, 39.9151395425),
    },
    // Shanghai, People's Square
    Vector {
        wgs84: (121.468924, 31.231706),
        gcj02: (121.4734624289, 31.2297770977),
        bd09: (121.4799986900, 31.2357163719),
    },
    // Urumqi
    Vector {
        wgs84: (87.616848, 43.825592),
        gcj02: (87.6196979982, 43.8267974361),
        bd09: (87.6261481020, 43.8329412703),
    },
    // Harbin
    Vector {
        wgs84: (126.534967, 45.803775),
        gcj02: (126.5410074673, 45.8057566149),
        bd09: (126.5476263492, 45.8113708797),
    },
    // Sanya
    Vector {
        wgs84: (109.511909, 18.252847),
        gcj02: (109.5159932714, 18.2511417487),
        bd09: (109.5225407898, 18.2569236322),
    },
    // Lhasa
    Vector {
        wgs84: (91.117212, 29.646923),
        gcj02: (91.1187723316, 29.6442151026),
        bd09: (91.1253159222, 29.6500952681),
    },
    // Kashgar
    Vector {
        wgs84: (75.989755, 39.4704),
        gcj02: (75.9927098416, 39.4706268912),
        bd09: (75.9992182213, 39.4765903076),
    },
    // Mohe
    Vector {
        wgs84: (122.5383, 52.9721),
        gcj02: (122.5453296559, 52.9736135070),
        bd09: (122.5517972049, 52.9797051194),
    },
];

fn at((lon, lat): (f64, f64)) -> LonLat {
    LonLat::parse(lon, lat).unwrap()
}

fn assert_close_m(actual: LonLat, expected: LonLat, tolerance_m: f64, what: &str) {
    let off_m = actual.distance_m(expected);
    assert!(off_m <= tolerance_m, "{what}: {actual:?} is {off_m:.4} m from {expected:?}");
}

#[test]
fn forward_conversions_match_independent_implementation() {
    for v in VECTORS {
        assert_close_m(Datum::Gcj02.from_wgs84(at(v.wgs84)), at(v.gcj02), 0.001, "wgs84 -> gcj02");
        assert_close_m(Datum::Bd09.from_wgs84(at(v.wgs84)), at(v.bd09), 0.001, "wgs84 -> bd09");
    }
}

#[test]
fn inverse_conversions_are_within_a_metre() {
    for v in VECTORS {
        // The promise is 1 m; the iteration actually reaches about a millimetre.
        assert_close_m(Datum::Gcj02.to_wgs84(at(v.gcj02)), at(v.wgs84), 0.01, "gcj02 -> wgs84");
        assert_close_m(Datum::Bd09.to_wgs84(at(v.bd09)), at(v.wgs84), 0.01, "bd09 -> wgs84");
    }
}

#[test]
fn published_beijing_examples() {
    // wandergis/coordtransform README: wgs84togcj02(116.404, 39.915) and gcj02tobd09(116.404, 39.915).
    let beijing = at((116.404, 39.915));
    assert_close_m(
        Datum::Gcj02.from_wgs84(beijing),
        at((116.41024449916938, 39.91640428150164)),
        0.001,
        "wgs->gcj",
    );
    let gcj_as_bd = Datum::Bd09.from_wgs84(Datum::Gcj02.to_wgs84(beijing));
    assert_close_m(gcj_as_bd, at((116.41036949371029, 39.92133699351021)), 0.001, "gcj->bd");
}

#[test]
fn the_shift_in_huangyan_is_the_documented_400_to_500_m() {
    let gcj = at((121.267608, 28.643158)); // 东城街道 centre as Amap gives it
    let wgs = Datum::Gcj02.to_wgs84(gcj);
    let shift_m = gcj.distance_m(wgs);
    assert!((400.0..=600.0).contains(&shift_m), "shift {shift_m} m");
    assert!((wgs.lon() - gcj.lon() + 0.0042).abs() < 0.0005, "lon shift {}", wgs.lon() - gcj.lon());
    assert!((wgs.lat() - gcj.lat() - 0.0031).abs() < 0.0005, "lat shift {}", wgs.lat() - gcj.lat());
}

#[test]
fn round_trips_everywhere_in_china_within_a_centimetre() {
    for lon_step in 0..=60 {
        for lat_step in 0..=50 {
            let wgs = at((73.0 + lon_step as f64 * 1.05, 3.0 + lat_step as f64 * 1.0));
            for datum in Datum::ALL {
                let back = datum.to_wgs84(datum.from_wgs84(wgs));
                assert_close_m(back, wgs, 0.01, datum.as_str());
            }
        }
    }
}
