//! Driving speeds: by highway class, or from the `maxspeed` tag where a way has one. Walking and
//! cycling keep the fixed speeds of the travel settings (`locator::travel`): on foot or by
//! bicycle the road class changes little.

use super::tags::WayTags;

/// A limit is a ceiling, not what a car averages between junctions, bends and villages: a way
/// tagged with a limit is driven at this share of it (GraphHopper uses 0.9 of the limit on top of
/// its own class caps; the lower share stands in for the caps on mountain roads).
pub const MAXSPEED_SHARE: f64 = 0.8;

/// Slowest and fastest speed any way is driven at, km/h: a typo such as `maxspeed=5000` or `1`
/// cannot make a way a wormhole or a wall.
const DRIVE_KMH_RANGE: (f64, f64) = (5.0, 130.0);

/// Typical driving speed by highway class, km/h, for ways without a limit tag. Below the limits of
/// China's Road Traffic Safety Law (expressways 120, national roads about 80, urban roads without
/// a centre line 30) because junctions, hills and mixed traffic slow cars down; the urban and
/// village classes sit near the estimate's 30 km/h (`DEFAULT_DRIVE_KMH`).
pub fn class_kmh(highway: &str) -> f64 {
    match highway {
        "motorway" => 100.0,
        "motorway_link" => 50.0,
        "trunk" => 70.0,
        "trunk_link" => 40.0,
        "primary" => 55.0,
        "primary_link" => 35.0,
        "secondary" => 45.0,
        "secondary_link" => 30.0,
        "tertiary" => 35.0,
        "tertiary_link" => 25.0,
        "unclassified" => 25.0,
        "residential" | "road" => 20.0,
        "service" | "track" => 15.0,
        "living_street" => 10.0,
        _ => 20.0,
    }
}

/// The speed a car drives the way at, km/h.
pub fn drive_kmh(tags: &WayTags<'_>) -> f64 {
    let class = class_kmh(tags.highway.unwrap_or_default());
    match tags.maxspeed.and_then(parse_maxspeed_kmh) {
        Some(limit_kmh) => (limit_kmh * MAXSPEED_SHARE).clamp(DRIVE_KMH_RANGE.0, DRIVE_KMH_RANGE.1),
        None => class,
    }
}

/// A `maxspeed` value in km/h: `50`, `50 km/h`, `30 mph`, `walk`. `None` for values that are not
/// a number of km/h (`none`, `signals`, `CN:urban`, `50;30`): the class speed is used instead.
pub fn parse_maxspeed_kmh(value: &str) -> Option<f64> {
    let value = value.trim();
    if value == "walk" {
        return Some(6.0);
    }
    let (number, factor) = if let Some(number) = value.strip_suffix("mph") {
        (number, 1.609_344)
    } else if let Some(number) = ["km/h", "kmh", "kph"].iter().find_map(|unit| value.strip_suffix(unit)) {
        (number, 1.0)
    } else {
        (value, 1.0)
    };
    let kmh = number.trim().parse::<f64>().ok()? * factor;
    (kmh.is_finite() && kmh > 0.0).then_some(kmh)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maxspeed_forms() {
        assert_eq!(parse_maxspeed_kmh("50"), Some(50.0));
        assert_eq!(parse_maxspeed_kmh("50 km/h"), Some(50.0));
        assert!((parse_maxspeed_kmh("50 mph").unwrap() - 80.467).abs() < 0.01);
        assert_eq!(parse_maxspeed_kmh("30mph").map(|kmh| kmh.round()), Some(48.0));
        assert_eq!(parse_maxspeed_kmh("none"), None);
        assert_eq!(parse_maxspeed_kmh("CN:urban"), None);
        assert_eq!(parse_maxspeed_kmh("50;30"), None);
        assert_eq!(parse_maxspeed_kmh("-20"), None);
        assert_eq!(parse_maxspeed_kmh("NaN"), None);
    }

    #[test]
    fn limit_replaces_class_speed() {
        let tags = |pairs: &[(&'static str, &'static str)]| WayTags::from_pairs(pairs.iter().copied());
        assert_eq!(drive_kmh(&tags(&[("highway", "primary")])), 55.0);
        assert_eq!(drive_kmh(&tags(&[("highway", "primary"), ("maxspeed", "50")])), 40.0);
        assert_eq!(drive_kmh(&tags(&[("highway", "motorway"), ("maxspeed", "none")])), 100.0);
        assert_eq!(drive_kmh(&tags(&[("highway", "residential"), ("maxspeed", "5000")])), 130.0);
    }
}
