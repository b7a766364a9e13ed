//! What the web layer needs besides its handlers (`routes`) and views: the static files, staff
//! authentication and its cookies, the client's address behind a proxy, the pages' map settings, the
//! report throttle and the upload limits.

/// Static files, compiled in and served under content-hashed names.
pub mod assets;
/// Passwords, session and CSRF tokens.
pub mod auth;
/// Large answers made once per data version: plain and gzipped bytes under an ETag.
pub mod cached_body;
/// The client's address for per-address throttles, through trusted reverse proxies.
pub mod client_address;
/// The site's cookies: names and attributes.
pub mod cookies;
/// GeoJSON out: the points and the coverage gaps.
pub mod geojson;
/// Bytes as lower-case hex digits.
pub mod hex;
/// A point's area within a time budget as GeoJSON: by road, or the estimate's circle.
pub mod isochrone;
/// Absolute links and QR codes for printed pages.
pub mod links;
/// The pages' map: tile source and district outline in the tiles' datum.
pub mod map;
/// The residents' service worker (offline use after one visit).
pub mod service_worker;
/// How often residents may send correction reports (in memory, addresses hashed).
pub mod throttle;
/// How much staff may upload.
pub mod upload;
