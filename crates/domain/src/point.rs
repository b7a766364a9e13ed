//! A public legal service point: the record staff keep and residents look up.

use std::fmt;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{LonLat, OpeningHours};

/// The 12-digit National Bureau of Statistics code of the village or community a point serves;
/// the point's stable id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PointCode(String);

impl TryFrom<String> for PointCode {
    type Error = String;

    fn try_from(raw: String) -> Result<Self, String> {
        Self::parse(&raw)
    }
}

impl From<PointCode> for String {
    fn from(code: PointCode) -> String {
        code.0
    }
}

impl PointCode {
    /// Accepts exactly 12 ASCII digits (surrounding spaces trimmed).
    pub fn parse(raw: &str) -> Result<Self, String> {
        let trimmed = raw.trim();
        if trimmed.len() == 12 && trimmed.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(trimmed.to_owned()))
        } else {
            Err(format!("code {} is not a 12-digit NBS village code", super::quote::quote(raw)))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The first nine digits: the NBS code of the town or street the unit belongs to.
    pub fn town_code(&self) -> &str {
        &self.0[..9]
    }
}

impl fmt::Display for PointCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Declares a closed set of lowercase snake_case names with parsing and display; `$label` names
/// the field in error messages. `$text` is a `tt`, not a `literal`: a `literal` fragment reaches
/// derive macros wrapped in an invisible group, and the OpenAPI derive would not see the
/// `serde(rename)` through it (the schema would list `Walk`, not `walk`).
#[macro_export]
macro_rules! named_enum {
    ($(#[$meta:meta])* $name:ident ($label:literal) { $($(#[$vmeta:meta])* $variant:ident => $text:tt),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, ::serde::Serialize, ::serde::Deserialize, ::utoipa::ToSchema)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $text)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = String;

            fn from_str(raw: &str) -> Result<Self, String> {
                match raw.trim() {
                    $($text => Ok($name::$variant),)+
                    other => Err(format!(
                        "unknown {} {}: expected one of {}",
                        $label,
                        $crate::quote::quote(other),
                        [$($text),+].join(", ")
                    )),
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

named_enum! {
    /// The kind of unit the point serves, from the NBS code: `community` (001-199, residents'
    /// committees), `village` (200-399, villagers' committees) or `other`.
    PointKind ("kind") {
        Village => "village",
        Community => "community",
        Other => "other",
    }
}

named_enum! {
    /// How a point's location was set, from least to most trustworthy: `town_centre` (an
    /// ESTIMATE: the town centre stands in until the real place is known), `geocoded` (from a
    /// public source's point for the unit's name), `staff_set` (typed, pasted or dragged by staff,
    /// not on site), `gps_on_site` (captured by staff at the service point).
    LocationQuality ("location_quality") {
        /// An estimate: the town/street centre stands in until the real place is known.
        TownCentre => "town_centre",
        /// From a public source: a map service's or gazetteer's point for the unit's name.
        Geocoded => "geocoded",
        /// Typed, pasted or dragged by staff, not on site. Files written before this quality
        /// existed say `surveyed` (see [`LocationQuality::parse_with_legacy`]).
        StaffSet => "staff_set",
        /// Captured by staff standing at the service point (the browser's GPS fix).
        GpsOnSite => "gps_on_site",
    }
}

impl LocationQuality {
    /// Parses a quality, reading the old `surveyed` (on site or placed by staff, undistinguished)
    /// as [`LocationQuality::StaffSet`]: it never proved anyone stood at the point.
    pub fn parse_with_legacy(raw: &str) -> Result<Self, String> {
        if raw.trim() == "surveyed" { Ok(Self::StaffSet) } else { raw.parse() }
    }

    /// Whether the location is a placeholder that residents must be warned about.
    pub fn is_estimate(self) -> bool {
        self == LocationQuality::TownCentre
    }
}

named_enum! {
    /// Which provincial standard applies where a point is: `urban` (walking 1.2 km), `rural`
    /// (cycling 2.0 km) or `mountain` (driving 3.0 km). Staff set it; communities start urban,
    /// villages rural.
    AreaType ("area_type") {
        /// Urban: walking, 15 minutes = 1.2 km.
        Urban => "urban",
        /// Rural: cycling, 15 minutes = 2.0 km.
        Rural => "rural",
        /// Remote mountain: driving, 15 minutes = 3.0 km.
        Mountain => "mountain",
    }
}

impl AreaType {
    /// The starting guess before staff say otherwise: communities urban, the rest rural.
    pub fn default_for(kind: PointKind) -> Self {
        match kind {
            PointKind::Community => AreaType::Urban,
            PointKind::Village | PointKind::Other => AreaType::Rural,
        }
    }
}

/// What a CSV row or a staff form says about a point. Coordinates are WGS-84 here: other datums
/// were converted when the row was read. Also the shape of a history snapshot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PointRecord {
    /// The 12-digit NBS code of the village or community: the point's stable id.
    #[schema(value_type = String, pattern = "^[0-9]{12}$")]
    pub code: PointCode,
    pub name: String,
    /// The 9-digit NBS code of the town or street.
    #[schema(pattern = "^[0-9]{9}$")]
    pub town_code: String,
    /// The town or street's name.
    pub town: String,
    pub kind: PointKind,
    /// `None` (null) when unknown: never invented.
    pub address: Option<String>,
    pub phone: Option<String>,
    /// A free-text note on the opening hours, for what `opening_hours` cannot say (holidays,
    /// appointments); staff see it as 办公时间说明.
    pub hours: Option<String>,
    /// Opening hours in OpenStreetMap's `opening_hours` syntax, normalized, e.g.
    /// `Mo-Fr 08:30-12:00,13:30-17:30; Sa 09:00-12:00`; null while unknown. Times are Beijing time.
    #[serde(default)]
    #[schema(value_type = Option<String>, example = "Mo-Fr 08:30-12:00,13:30-17:30; Sa 09:00-12:00")]
    pub opening_hours: Option<OpeningHours>,
    pub location: LonLat,
    pub location_quality: LocationQuality,
    /// The GPS fix's accuracy radius, metres: set only for `gps_on_site` locations (typed,
    /// pasted or dragged locations have none).
    #[serde(default)]
    pub accuracy_m: Option<f64>,
    /// When the GPS fix was taken, RFC 3339 UTC; set with `accuracy_m`.
    #[serde(default)]
    #[schema(format = DateTime)]
    pub location_fixed_at: Option<String>,
    /// Where the point's facts come from.
    pub source: String,
    /// Which provincial standard applies.
    pub area_type: AreaType,
}

/// A stored point: its record plus the bookkeeping the store adds.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ServicePoint {
    #[serde(flatten)]
    pub record: PointRecord,
    /// Incremented on every change; the basis of optimistic locking for staff edits.
    pub version: i64,
    /// RFC 3339, UTC.
    #[schema(format = DateTime)]
    pub updated_at: String,
    /// Retired points keep their row and history but leave the public map and API.
    pub active: bool,
    /// Who confirmed the location, and when; `None` until someone does.
    pub verified: Option<Verification>,
}

impl ServicePoint {
    /// The point as the store holds a record just added: version 1, active, unverified. For
    /// data that never went through the store (bundled and synthetic sets in tests and benches).
    pub fn unsaved(record: PointRecord) -> Self {
        Self { record, version: 1, updated_at: String::new(), active: true, verified: None }
    }
}

/// A staff member's confirmation that a point's location is right.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Verification {
    /// Staff usernames stay internal: the public API says only when.
    #[serde(skip_serializing)]
    pub by: String,
    /// RFC 3339, UTC.
    #[schema(format = DateTime)]
    pub at: String,
}
