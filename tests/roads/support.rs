//! The imported fixture network, shared by the tests (imported once per test run).

use std::path::PathBuf;
use std::sync::OnceLock;

use legalmap::locator::travel::TravelModel;
use legalmap::roads::import::import;
use legalmap::roads::network::RoadNetwork;

use crate::reference::Reference;

pub const EXTRACT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/andorra.osm.pbf");

pub struct Fixture {
    /// The imported network file.
    pub roads: PathBuf,
    pub network: RoadNetwork,
    /// The same extract read and routed by the test's own code.
    pub reference: Reference,
}

pub fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("roads-fixture");
        std::fs::create_dir_all(&dir).expect("temporary directory");
        let roads = dir.join("andorra.roads");
        import(EXTRACT.as_ref(), &roads, &TravelModel::default(), &[], &mut |_| {})
            .expect("the fixture imports");
        let network = RoadNetwork::load(&roads).expect("the imported file loads");
        Fixture { roads, network, reference: Reference::read(EXTRACT) }
    })
}

/// A small deterministic generator (no extra crate): the same points every run.
pub struct Lcg(pub u64);

impl Lcg {
    /// A number in [0, 1).
    pub fn next_f64(&mut self) -> f64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 11) as f64 / (1_u64 << 53) as f64
    }
}
