//! From a straight-line distance to "can I get there within 15 minutes".
//!
//! legalmap has no road network for Huangyan (no OpenStreetMap extract is bundled), so it
//! estimates: road distance = straight-line distance x a detour factor, and time = road
//! distance / a speed per mode. The defaults and their sources are in docs/travel-model.md;
//! every number is configurable on `legalmap serve`.
//!
//! Separately, Zhejiang's standard for the circle is a straight-line service radius per mode
//! (urban walking 1.2 km, rural cycling 2.0 km, remote mountain driving 3.0 km, each "15
//! minutes"); a result reports both the estimate and whether it meets that standard.

use serde::Serialize;

use crate::domain::AreaType;
use crate::domain::named_enum;

named_enum! {
    /// How a resident travels to a point: `walk`, `bike` (bicycle or e-bike) or `drive`.
    Mode ("mode") {
        /// On foot.
        Walk => "walk",
        /// Bicycle or e-bike.
        Bike => "bike",
        /// Car.
        Drive => "drive",
    }
}

/// The mode whose standard applies to an area: urban walking, rural cycling, mountain driving.
pub fn standard_mode(area: AreaType) -> Mode {
    match area {
        AreaType::Urban => Mode::Walk,
        AreaType::Rural => Mode::Bike,
        AreaType::Mountain => Mode::Drive,
    }
}

impl Default for Mode {
    /// Walking: the mode the provincial circle is first measured by.
    fn default() -> Self {
        Mode::Walk
    }
}

/// The circle's time budget: the provincial standard calls each mode's radius "15 minutes",
/// the residents' pages look for points within it, and coverage counts what the travel model
/// reaches within it. Every page, check and message reads it from here.
///
/// # Units
/// Minutes.
pub const CIRCLE_MINUTES: f64 = 15.0;

impl Mode {
    /// The provincial standard's service radius for this mode (straight line), as quoted in
    /// Zhejiang county work plans: urban walking 15 min = 1.2 km, rural cycling 15 min = 2.0 km,
    /// remote mountain driving 15 min = 3.0 km.
    ///
    /// # Units
    /// Metres.
    pub fn standard_radius_m(self) -> f64 {
        match self {
            Mode::Walk => 1_200.0,
            Mode::Bike => 2_000.0,
            Mode::Drive => 3_000.0,
        }
    }
}

/// Default detour factor (road distance / straight-line distance). Measured circuity of road
/// networks is about 1.2-1.4 (Levinson & El-Geneidy 2009; Boscoe, Henry & Zdeb 2012 found
/// 1.42 for driving in the US); 1.3 sits in the middle.
pub const DEFAULT_DETOUR_FACTOR: f64 = 1.3;
/// Default walking speed: 4.5 km/h (1.25 m/s), the comfortable gait speed of people in their
/// 60s and 70s (Bohannon 1997, Age and Ageing 26:15-19), since many residents are older.
pub const DEFAULT_WALK_KMH: f64 = 4.5;
/// Default cycling speed: 15 km/h, a typical urban bicycle speed and well below the 25 km/h
/// cap on e-bikes in GB 17761-2018.
pub const DEFAULT_BIKE_KMH: f64 = 15.0;
/// Default driving speed: 30 km/h, the limit on urban roads without a centre line (Regulation
/// on the Implementation of the Road Traffic Safety Law, art. 45), a fair average for village
/// roads with junctions and hills.
pub const DEFAULT_DRIVE_KMH: f64 = 30.0;

/// The parameters of the estimate. Construct with [`TravelModel::new`], which checks them.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TravelModel {
    detour_factor: f64,
    walk_kmh: f64,
    bike_kmh: f64,
    drive_kmh: f64,
}

impl Default for TravelModel {
    fn default() -> Self {
        Self {
            detour_factor: DEFAULT_DETOUR_FACTOR,
            walk_kmh: DEFAULT_WALK_KMH,
            bike_kmh: DEFAULT_BIKE_KMH,
            drive_kmh: DEFAULT_DRIVE_KMH,
        }
    }
}

/// What the model says about one trip.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TravelEstimate {
    /// Estimated road distance, metres.
    pub road_distance_m: f64,
    /// Estimated travel time, minutes.
    pub travel_minutes: f64,
    /// Whether the straight-line distance is within the provincial standard's radius for the mode.
    pub meets_standard: bool,
}

impl TravelModel {
    /// Checks that the detour factor is in 1..=3 and each speed in 1..=150 km/h.
    pub fn new(detour_factor: f64, walk_kmh: f64, bike_kmh: f64, drive_kmh: f64) -> Result<Self, String> {
        if !(1.0..=3.0).contains(&detour_factor) {
            return Err(format!("detour factor must be between 1 and 3, got {detour_factor}"));
        }
        for (name, kmh) in [("walk", walk_kmh), ("bike", bike_kmh), ("drive", drive_kmh)] {
            if !(1.0..=150.0).contains(&kmh) {
                return Err(format!("{name} speed must be between 1 and 150 km/h, got {kmh}"));
            }
        }
        Ok(Self { detour_factor, walk_kmh, bike_kmh, drive_kmh })
    }

    /// Road distance / straight-line distance.
    pub fn detour_factor(&self) -> f64 {
        self.detour_factor
    }

    /// # Units
    /// Kilometres per hour.
    pub fn speed_kmh(&self, mode: Mode) -> f64 {
        match mode {
            Mode::Walk => self.walk_kmh,
            Mode::Bike => self.bike_kmh,
            Mode::Drive => self.drive_kmh,
        }
    }

    fn metres_per_minute(&self, mode: Mode) -> f64 {
        self.speed_kmh(mode) * 1000.0 / 60.0
    }

    /// Estimates a trip of `distance_m` (straight line, metres) by `mode`.
    pub fn estimate(&self, mode: Mode, distance_m: f64) -> TravelEstimate {
        let road_distance_m = distance_m * self.detour_factor;
        TravelEstimate {
            road_distance_m,
            travel_minutes: road_distance_m / self.metres_per_minute(mode),
            meets_standard: distance_m <= mode.standard_radius_m(),
        }
    }

    /// The longest straight-line distance the model reaches within `minutes` by `mode`.
    ///
    /// # Units
    /// Metres.
    pub fn reach_m(&self, mode: Mode, minutes: f64) -> f64 {
        minutes * self.metres_per_minute(mode) / self.detour_factor
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn estimate_and_reach_agree() {
        let model = TravelModel::default();
        for mode in Mode::ALL.iter().copied() {
            let reach_m = model.reach_m(mode, CIRCLE_MINUTES);
            let at_reach = model.estimate(mode, reach_m);
            assert!((at_reach.travel_minutes - CIRCLE_MINUTES).abs() < 1e-9);
        }
    }

    #[test]
    fn default_walk_is_about_865_m_in_15_minutes() {
        let reach_m = TravelModel::default().reach_m(Mode::Walk, 15.0);
        assert!((reach_m - 865.4).abs() < 0.1, "{reach_m}");
    }

    #[test]
    fn the_standard_is_a_straight_line_radius() {
        let model = TravelModel::default();
        assert!(model.estimate(Mode::Walk, 1_200.0).meets_standard);
        assert!(!model.estimate(Mode::Walk, 1_200.5).meets_standard);
        assert!(model.estimate(Mode::Drive, 2_999.0).meets_standard);
    }

    #[test]
    fn rejects_nonsense_parameters() {
        assert!(TravelModel::new(0.5, 4.5, 15.0, 30.0).is_err());
        assert!(TravelModel::new(1.3, 0.0, 15.0, 30.0).is_err());
        assert!(TravelModel::new(1.3, 4.5, 15.0, f64::NAN).is_err());
    }
}
