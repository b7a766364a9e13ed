//! Static files (styles, scripts, the vendored map library), compiled into the binary and
//! served under content-hashed names, so browsers may cache them for a year and a new release
//! is picked up at once.

use std::collections::HashMap;
use std::sync::LazyLock;

use crate::web::hex::hex;

struct Asset {
    name: &'static str,
    bytes: &'static [u8],
    content_type: &'static str,
}

macro_rules! asset {
    ($name:literal, $content_type:expr) => {
        Asset {
            name: $name,
            bytes: include_bytes!(concat!("../../static/", $name)),
            content_type: $content_type,
        }
    };
}

const CSS: &str = "text/css; charset=utf-8";
const JS: &str = "text/javascript; charset=utf-8";

static FILES: &[Asset] = &[
    asset!("app.css", CSS),
    asset!("app.js", JS),
    asset!("map.js", JS),
    asset!("admin.css", CSS),
    asset!("sheet.css", CSS),
    asset!("sign.css", CSS),
    asset!("admin.js", JS),
    asset!("leaflet-zh.js", JS),
    asset!("offline.js", JS),
    asset!("icon.svg", "image/svg+xml"),
    asset!("icon-192.png", "image/png"),
    asset!("icon-512.png", "image/png"),
    asset!("staff-narrow.css", CSS),
    asset!("vendor/leaflet/leaflet.css", CSS),
    asset!("vendor/leaflet/leaflet.js", JS),
    asset!("vendor/markercluster/MarkerCluster.css", CSS),
    asset!("vendor/markercluster/MarkerCluster.Default.css", CSS),
    asset!("vendor/markercluster/leaflet.markercluster.js", JS),
];

/// The stylesheets the residents' pages link, in order.
pub const PUBLIC_STYLESHEETS: &[&str] = &[
    "vendor/leaflet/leaflet.css",
    "vendor/markercluster/MarkerCluster.css",
    "vendor/markercluster/MarkerCluster.Default.css",
    "app.css",
];
/// The scripts the residents' pages load (deferred), in order.
/// The locator's own scripts come first: deferred scripts run in order, and the search and the
/// location button must not wait for the map library (seconds on a slow line).
pub const PUBLIC_SCRIPTS: &[&str] = &[
    "offline.js",
    "app.js",
    "vendor/leaflet/leaflet.js",
    "leaflet-zh.js",
    "vendor/markercluster/leaflet.markercluster.js",
    "map.js",
];
/// The staff pages' stylesheets: the map library's, the residents' look, and the staff's (their
/// maps do not cluster markers).
pub const STAFF_STYLESHEETS: &[&str] =
    &["vendor/leaflet/leaflet.css", "app.css", "admin.css", "staff-narrow.css", "sheet.css"];
/// The staff pages' scripts (deferred): the map library and the staff script.
pub const STAFF_SCRIPTS: &[&str] = &["vendor/leaflet/leaflet.js", "leaflet-zh.js", "admin.js"];

struct Catalogue {
    /// "app.css" -> "app.1a2b3c4d5e6f7a8b.css"
    hashed_names: HashMap<&'static str, String>,
    by_hashed_name: HashMap<String, &'static Asset>,
}

static CATALOGUE: LazyLock<Catalogue> = LazyLock::new(|| {
    let mut hashed_names = HashMap::new();
    let mut by_hashed_name = HashMap::new();
    for asset in FILES {
        let hashed = hashed_name(asset.name, asset.bytes);
        hashed_names.insert(asset.name, hashed.clone());
        by_hashed_name.insert(hashed, asset);
    }
    Catalogue { hashed_names, by_hashed_name }
});

/// The URL of a static file, with its content hash in the name.
///
/// # Panics
/// If `name` is not one of the files compiled in: a programming error caught by any test that
/// renders a page.
pub fn url(name: &str) -> String {
    let hashed = CATALOGUE.hashed_names.get(name).unwrap_or_else(|| panic!("unknown static file {name}"));
    format!("/static/{hashed}")
}

/// The bytes and content type behind a hashed name.
pub fn lookup(hashed_name: &str) -> Option<(&'static [u8], &'static str)> {
    CATALOGUE.by_hashed_name.get(hashed_name).map(|asset| (asset.bytes, asset.content_type))
}

/// FNV-1a, 64 bits: a fast content hash for cache-busting names and versions (not for security).
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// `dir/name.ext` -> `dir/name.<16 hex digits of FNV-1a 64>.ext`.
fn hashed_name(name: &str, bytes: &[u8]) -> String {
    let hash = hex(&fnv1a64(bytes).to_be_bytes());
    match name.rsplit_once('.') {
        Some((stem, extension)) => format!("{stem}.{hash}.{extension}"),
        None => format!("{name}.{hash}"),
    }
}
