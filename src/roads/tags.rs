//! Which ways each mode may use, and in which direction: OpenStreetMap's highway classes,
//! access tags and one-way rules, read the way common routers (OSRM, GraphHopper) read them, so
//! an extract "as it comes" routes without local tuning.

use crate::locator::travel::Mode;

/// The tags of one way that decide routing, borrowed from the reader's string table. Other tags
/// are ignored.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct WayTags<'a> {
    pub highway: Option<&'a str>,
    pub access: Option<&'a str>,
    pub foot: Option<&'a str>,
    pub bicycle: Option<&'a str>,
    pub vehicle: Option<&'a str>,
    pub motor_vehicle: Option<&'a str>,
    pub motorcar: Option<&'a str>,
    pub oneway: Option<&'a str>,
    pub oneway_bicycle: Option<&'a str>,
    pub junction: Option<&'a str>,
    pub cycleway: Option<&'a str>,
    pub maxspeed: Option<&'a str>,
    pub area: Option<&'a str>,
    pub motorroad: Option<&'a str>,
}

impl<'a> WayTags<'a> {
    /// Picks the routing tags out of a way's `(key, value)` pairs.
    pub fn from_pairs(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut tags = Self::default();
        for (key, value) in pairs {
            let slot = match key {
                "highway" => &mut tags.highway,
                "access" => &mut tags.access,
                "foot" => &mut tags.foot,
                "bicycle" => &mut tags.bicycle,
                "vehicle" => &mut tags.vehicle,
                "motor_vehicle" => &mut tags.motor_vehicle,
                "motorcar" => &mut tags.motorcar,
                "oneway" => &mut tags.oneway,
                "oneway:bicycle" => &mut tags.oneway_bicycle,
                "junction" => &mut tags.junction,
                "cycleway" => &mut tags.cycleway,
                "maxspeed" => &mut tags.maxspeed,
                "area" => &mut tags.area,
                "motorroad" => &mut tags.motorroad,
                _ => continue,
            };
            *slot = Some(value);
        }
        tags
    }
}

/// The directions along a way's node order that a mode may travel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Both,
    /// Only in the order the way lists its nodes.
    Forward,
    /// Only against it (`oneway=-1`).
    Backward,
}

impl Direction {
    pub fn forward(self) -> bool {
        matches!(self, Direction::Both | Direction::Forward)
    }

    pub fn backward(self) -> bool {
        matches!(self, Direction::Both | Direction::Backward)
    }
}

/// Every highway class any mode uses; other values (`proposed`, `construction`, `platform`, ...)
/// are never routed on, whatever their access tags say.
const ROUTABLE: &[&str] = &[
    "motorway",
    "motorway_link",
    "trunk",
    "trunk_link",
    "primary",
    "primary_link",
    "secondary",
    "secondary_link",
    "tertiary",
    "tertiary_link",
    "unclassified",
    "residential",
    "living_street",
    "service",
    "road",
    "track",
    "path",
    "footway",
    "pedestrian",
    "steps",
    "cycleway",
    "bridleway",
];

/// Whether a mode uses a highway class when no access tag says otherwise. Trunk roads are open to
/// walking and cycling: in China the national roads (国道) are mostly `trunk` and are the only
/// road through many villages, walked and ridden by e-bike. Footways and cycleways are kept to
/// their own mode (a mode-specific `yes` opens them), as OSRM's profiles do.
fn class_default(highway: &str, mode: Mode) -> bool {
    match mode {
        Mode::Walk => !matches!(highway, "motorway" | "motorway_link" | "cycleway"),
        Mode::Bike => !matches!(highway, "motorway" | "motorway_link" | "footway" | "pedestrian" | "steps"),
        Mode::Drive => !matches!(
            highway,
            "track" | "path" | "footway" | "pedestrian" | "steps" | "cycleway" | "bridleway"
        ),
    }
}

/// What one access value says: refuse, allow outright, or nothing beyond the class default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Refuse,
    Allow,
    Default,
}

fn verdict(value: &str) -> Verdict {
    match value {
        "no" | "private" | "agricultural" | "forestry" | "emergency" | "use_sidepath" | "military" => {
            Verdict::Refuse
        }
        "yes" | "designated" | "permissive" => Verdict::Allow,
        _ => Verdict::Default,
    }
}

/// The access tags that speak for a mode, most specific first: the first one present decides.
fn access_chain<'a>(tags: &WayTags<'a>, mode: Mode) -> [(Option<&'a str>, bool); 4] {
    // The flag marks a mode-specific tag: only those can open a class the mode does not use by
    // default (`access=yes` on a footway does not let cars in).
    match mode {
        Mode::Walk => [(tags.foot, true), (tags.access, false), (None, false), (None, false)],
        Mode::Bike => [(tags.bicycle, true), (tags.vehicle, true), (tags.access, false), (None, false)],
        Mode::Drive => {
            [(tags.motorcar, true), (tags.motor_vehicle, true), (tags.vehicle, true), (tags.access, false)]
        }
    }
}

/// Whether `mode` may use the way at all.
pub fn usable(tags: &WayTags<'_>, mode: Mode) -> bool {
    let Some(highway) = tags.highway.filter(|highway| ROUTABLE.contains(highway)) else {
        return false;
    };
    // A pedestrian square drawn as a closed area is not a road around its edge.
    if tags.area == Some("yes") {
        return false;
    }
    if mode != Mode::Drive && tags.motorroad == Some("yes") {
        return false;
    }
    let decided = access_chain(tags, mode).into_iter().find_map(|(value, specific)| Some((value?, specific)));
    match decided.map(|(value, specific)| (verdict(value), specific)) {
        Some((Verdict::Refuse, _)) => false,
        Some((Verdict::Allow, true)) => true,
        _ => class_default(highway, mode),
    }
}

/// The directions `mode` may travel the way in, or `None` if it may not use it.
pub fn direction(tags: &WayTags<'_>, mode: Mode) -> Option<Direction> {
    if !usable(tags, mode) {
        return None;
    }
    Some(match mode {
        // Pedestrians may walk a one-way street both ways.
        Mode::Walk => Direction::Both,
        Mode::Bike => {
            let contraflow = tags.oneway_bicycle == Some("no")
                || tags.cycleway.is_some_and(|cycleway| cycleway.starts_with("opposite"));
            if contraflow { Direction::Both } else { vehicle_direction(tags) }
        }
        Mode::Drive => vehicle_direction(tags),
    })
}

/// `oneway` as vehicles read it, with the implied one-ways: roundabouts and motorways.
fn vehicle_direction(tags: &WayTags<'_>) -> Direction {
    match tags.oneway {
        Some("yes" | "1" | "true") => Direction::Forward,
        Some("-1" | "reverse") => Direction::Backward,
        Some("no" | "false" | "0") => Direction::Both,
        _ if matches!(tags.junction, Some("roundabout" | "circular")) => Direction::Forward,
        _ if tags.highway == Some("motorway") => Direction::Forward,
        _ => Direction::Both,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(pairs: &[(&'static str, &'static str)]) -> WayTags<'static> {
        WayTags::from_pairs(pairs.iter().copied())
    }

    #[test]
    fn classes_per_mode() {
        let footway = tags(&[("highway", "footway")]);
        assert!(usable(&footway, Mode::Walk));
        assert!(!usable(&footway, Mode::Bike));
        assert!(!usable(&footway, Mode::Drive));
        let motorway = tags(&[("highway", "motorway")]);
        assert!(!usable(&motorway, Mode::Walk));
        assert!(usable(&motorway, Mode::Drive));
        assert!(!usable(&tags(&[("highway", "proposed")]), Mode::Walk));
        assert!(!usable(&tags(&[("building", "yes")]), Mode::Walk));
    }

    #[test]
    fn access_most_specific_tag_decides() {
        assert!(!usable(&tags(&[("highway", "residential"), ("access", "private")]), Mode::Walk));
        assert!(usable(&tags(&[("highway", "residential"), ("access", "no"), ("foot", "yes")]), Mode::Walk));
        assert!(!usable(
            &tags(&[("highway", "residential"), ("access", "no"), ("foot", "yes")]),
            Mode::Drive
        ));
        assert!(!usable(&tags(&[("highway", "tertiary"), ("motor_vehicle", "no")]), Mode::Drive));
        assert!(usable(&tags(&[("highway", "tertiary"), ("motor_vehicle", "no")]), Mode::Bike));
        assert!(usable(&tags(&[("highway", "footway"), ("bicycle", "designated")]), Mode::Bike));
        assert!(!usable(&tags(&[("highway", "footway"), ("access", "yes")]), Mode::Drive));
        assert!(usable(&tags(&[("highway", "service"), ("access", "destination")]), Mode::Drive));
        assert!(!usable(&tags(&[("highway", "pedestrian"), ("area", "yes")]), Mode::Walk));
    }

    #[test]
    fn one_way_rules() {
        let street = |extra: &[(&'static str, &'static str)]| {
            let mut pairs = vec![("highway", "residential")];
            pairs.extend_from_slice(extra);
            tags(&pairs)
        };
        assert_eq!(direction(&street(&[("oneway", "yes")]), Mode::Drive), Some(Direction::Forward));
        assert_eq!(direction(&street(&[("oneway", "1")]), Mode::Drive), Some(Direction::Forward));
        assert_eq!(direction(&street(&[("oneway", "true")]), Mode::Drive), Some(Direction::Forward));
        assert_eq!(direction(&street(&[("oneway", "-1")]), Mode::Drive), Some(Direction::Backward));
        assert_eq!(direction(&street(&[("oneway", "yes")]), Mode::Walk), Some(Direction::Both));
        assert_eq!(direction(&street(&[("junction", "roundabout")]), Mode::Drive), Some(Direction::Forward));
        assert_eq!(
            direction(&street(&[("junction", "roundabout"), ("oneway", "no")]), Mode::Drive),
            Some(Direction::Both)
        );
        assert_eq!(direction(&tags(&[("highway", "motorway")]), Mode::Drive), Some(Direction::Forward));
        assert_eq!(direction(&street(&[("oneway", "yes")]), Mode::Bike), Some(Direction::Forward));
        let contraflow = street(&[("oneway", "yes"), ("oneway:bicycle", "no")]);
        assert_eq!(direction(&contraflow, Mode::Bike), Some(Direction::Both));
        assert_eq!(direction(&contraflow, Mode::Drive), Some(Direction::Forward));
    }
}
