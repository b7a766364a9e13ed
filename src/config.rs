//! The command line: one typed configuration, parsed once in `main` and passed down.
//! Every option also reads an environment variable.

use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

use crate::coverage::DEFAULT_CELL_M;
use crate::domain::{Datum, LonLat};
use crate::locator::travel::{
    DEFAULT_BIKE_KMH, DEFAULT_DETOUR_FACTOR, DEFAULT_DRIVE_KMH, DEFAULT_WALK_KMH, Mode, TravelModel,
};
use crate::observe::logging::LogFormat;
use crate::server::{
    ConnectionLimits, DEFAULT_BODY_READ_TIMEOUT_SECS, DEFAULT_HEADER_READ_TIMEOUT_SECS,
    DEFAULT_IDLE_TIMEOUT_SECS, default_max_connections,
};
use crate::web::map::{DEFAULT_TILE_ATTRIBUTION, DEFAULT_TILE_URL, TileSource};

/// legalmap: find the nearest public legal service point in Huangyan District's 15-minute
/// public legal service circle.
#[derive(Debug, Parser)]
#[command(name = "legalmap", version, about, args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Options for `serve`, the default subcommand.
    #[command(flatten)]
    pub serve: ServeArgs,
    /// Log lines as text, or as JSON objects (one per line) for log collectors. What is logged
    /// is set with RUST_LOG (default info).
    #[arg(long, env = "LEGALMAP_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text, global = true)]
    pub log_format: LogFormat,
}

impl Cli {
    /// The subcommand to run; `serve` when none is named.
    pub fn into_command(self) -> Command {
        self.command.unwrap_or(Command::Serve(self.serve))
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the map page and the API (the default). An empty database is first loaded with
    /// the bundled data/points.csv.
    Serve(ServeArgs),
    /// Load a points CSV (UTF-8, or GBK as Excel saves it) into the database: every row or
    /// none. Rows are matched by code: new codes are added, existing ones updated. The import
    /// can be undone from /admin/imports.
    Import(ImportArgs),
    /// Write the active points as CSV (WGS-84) to standard output or a file.
    Export(ExportArgs),
    /// Manage staff accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Write a consistent copy of the database to FILE, also while the server runs (SQLite's
    /// VACUUM INTO). Refuses to overwrite FILE unless --force.
    Backup(BackupArgs),
    /// Put a backup back, with the server stopped: FILE is checked first (integrity, a legalmap
    /// database this binary knows), and the database it replaces is kept beside it, renamed.
    Restore(RestoreArgs),
    /// Print the coverage of the district per mode and town, and write the gaps as GeoJSON.
    Coverage(CoverageArgs),
    /// Print the verification campaign per town: points by location quality, verified, and the
    /// next points to visit in route order. Reads an existing database only.
    Campaign(CampaignArgs),
    /// The road network (OpenStreetMap) for travel times on real roads.
    #[command(subcommand)]
    Roads(RoadsCommand),
    /// Copy everything (points, history, imports, staff accounts and their events, sessions,
    /// reports, places) from one store into another, empty one, e.g. from SQLite to PostgreSQL;
    /// the counts are checked after. The source is not changed.
    MigrateStore(MigrateStoreArgs),
    /// Write a synthetic point set shaped like China's villages (for benchmarks; every row is
    /// marked synthetic), as a points CSV that `import` takes, and optionally query origins.
    Synth(SynthArgs),
}

#[derive(Debug, Subcommand)]
pub enum RoadsCommand {
    /// Read an OpenStreetMap extract (.osm.pbf) and store its road network for walking, cycling
    /// and driving beside the database (legalmap.db -> legalmap.roads). The network in place is
    /// replaced only when the import succeeds.
    Import(RoadsImportArgs),
    /// Print the travel time between two places on the stored network, as JSON.
    Time(RoadsTimeArgs),
}

#[derive(Debug, Clone, Args)]
pub struct RoadsImportArgs {
    /// The extract, e.g. Zhejiang's clipped to the district (docs/roads.md).
    pub file: PathBuf,
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// Walking and cycling times use these speeds (the driving speed comes from each road).
    #[command(flatten)]
    pub travel: TravelArgs,
}

#[derive(Debug, Clone, Args)]
pub struct RoadsTimeArgs {
    /// Origin as LAT,LON (WGS-84 degrees), e.g. 47.14,9.52.
    #[arg(long, value_parser = parse_lat_lon)]
    pub from: LonLat,
    /// Destination as LAT,LON (WGS-84 degrees).
    #[arg(long, value_parser = parse_lat_lon)]
    pub to: LonLat,
    /// walk, bike or drive.
    #[arg(long, value_parser = clap::value_parser!(Mode))]
    pub mode: Mode,
    #[command(flatten)]
    pub database: DatabaseArgs,
}

/// Parses `LAT,LON` in degrees (latitude first, as map apps copy it).
pub fn parse_lat_lon(text: &str) -> Result<LonLat, String> {
    let (lat, lon) = text
        .split_once(',')
        .ok_or_else(|| format!("expected LAT,LON in degrees, e.g. 28.64,121.26; got {text:?}"))?;
    let number = |part: &str, name: &str| {
        part.trim().parse::<f64>().map_err(|_| format!("the {name} in {text:?} is not a number"))
    };
    LonLat::parse(number(lon, "longitude")?, number(lat, "latitude")?).map_err(|error| error.to_string())
}

#[derive(Debug, Clone, Args)]
pub struct SynthArgs {
    /// How many points (1 to 10,000,000).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=crate::points::synth::MAX_COUNT as u64))]
    pub count: u64,
    /// The same seed gives the same points.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Write the points here instead of standard output.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Also write query origins (`lon,lat`, WGS-84) near the points to this file.
    #[arg(long)]
    pub origins: Option<PathBuf>,
    /// How many origins to write with `--origins`.
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    pub origin_count: u64,
}

#[derive(Debug, Clone, Args)]
pub struct CampaignArgs {
    /// Only this town (9-digit code, e.g. 331003107).
    #[arg(long)]
    pub town: Option<String>,
    /// The same figures as /admin/campaign.json, as JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub database: DatabaseArgs,
}

#[derive(Debug, Clone, Args)]
pub struct CoverageArgs {
    /// walk, bike or drive; all three when left out.
    #[arg(long)]
    pub mode: Option<String>,
    /// Write the cells not meeting the standard (merged along rows) as GeoJSON here; with
    /// several modes, one file per mode (NAME-walk.geojson, ...).
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Side of the grid's cells, metres (25-1000).
    #[arg(long, default_value_t = DEFAULT_CELL_M)]
    pub cell_m: f64,
    #[command(flatten)]
    pub database: DatabaseArgs,
    #[command(flatten)]
    pub travel: TravelArgs,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a staff account. The password is read from the terminal, or from
    /// LEGALMAP_PASSWORD for scripts (at least 12 characters).
    Add(UserAddArgs),
    /// Set a new password for an account (same password input as `add`); ends its sessions and
    /// clears a lock after failed logins.
    Password(UserPasswordArgs),
    /// End an account's lock after failed logins now (it otherwise ends 15 minutes after it
    /// began).
    Unlock(UserPasswordArgs),
}

#[derive(Debug, Clone, Args)]
pub struct UserAddArgs {
    /// Login name: 1-32 letters, digits, '.', '_' or '-'.
    pub name: String,
    /// editor (edits points) or admin (also manages accounts).
    #[arg(long, default_value = "editor")]
    pub role: String,
    #[command(flatten)]
    pub database: DatabaseArgs,
}

#[derive(Debug, Clone, Args)]
pub struct UserPasswordArgs {
    pub name: String,
    #[command(flatten)]
    pub database: DatabaseArgs,
}

#[derive(Debug, Clone, Args)]
pub struct BackupArgs {
    /// The copy to write.
    pub file: PathBuf,
    /// Replace FILE if it exists.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub database: DatabaseArgs,
}

#[derive(Debug, Clone, Args)]
pub struct RestoreArgs {
    /// The backup to put back (made by `legalmap backup`).
    pub file: PathBuf,
    #[command(flatten)]
    pub database: DatabaseArgs,
}

#[derive(Debug, Clone, Args)]
pub struct MigrateStoreArgs {
    /// The store to copy, e.g. sqlite://legalmap.db (it must exist).
    #[arg(long, value_name = "URL")]
    pub from: String,
    /// The store to copy into, e.g. postgres://legalmap@db.internal/legalmap: it must hold no
    /// legalmap data yet.
    #[arg(long, value_name = "URL")]
    pub to: String,
}

#[derive(Debug, Clone, Args)]
pub struct DatabaseArgs {
    /// Database URL: sqlite://PATH (the embedded default), or postgres://USER@HOST/DATABASE for
    /// several instances on one database (docs/postgres.md). serve, import and user add create a
    /// missing SQLite file (its folder must exist); the other commands open an existing
    /// database only. A PostgreSQL database must exist; its tables are made at first connect.
    #[arg(long = "database", env = "LEGALMAP_DATABASE_URL", default_value = "sqlite://legalmap.db")]
    pub database_url: String,
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address and port to listen on; port 0 picks a free port (the bound address is logged).
    #[arg(long, env = "LEGALMAP_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: String,
    /// Serve Prometheus metrics at http://ADDR/metrics, on a listener of their own (keep it
    /// private: localhost or an internal network). Off when unset.
    #[arg(long, env = "LEGALMAP_METRICS_LISTEN", value_name = "ADDR")]
    pub metrics_listen: Option<String>,
    #[command(flatten)]
    pub database: DatabaseArgs,
    #[command(flatten)]
    pub travel: TravelArgs,
    #[command(flatten)]
    pub tiles: TileArgs,
    #[command(flatten)]
    pub staff: StaffArgs,
    /// Side of the coverage grid's square cells, metres (25-1000).
    #[arg(long, env = "LEGALMAP_COVERAGE_CELL_M", default_value_t = DEFAULT_CELL_M)]
    pub coverage_cell_m: f64,
    /// The address staff phones reach this server at, e.g. https://legalmap.example.gov.cn:
    /// the QR codes on printed field sheets open it. Unset: the address the sheet was printed from.
    #[arg(long, env = "LEGALMAP_PUBLIC_URL")]
    pub public_url: Option<String>,
    #[command(flatten)]
    pub connections: ConnectionArgs,
    /// A reverse proxy in front of legalmap (an IP address; repeat the option for several, or
    /// separate them with commas in the environment variable). Only for requests whose TCP peer
    /// is one of these is the client's address taken from X-Forwarded-For, for the per-address
    /// limits on failed logins and residents' reports.
    #[arg(
        long = "trusted-proxy",
        value_name = "ADDR",
        env = "LEGALMAP_TRUSTED_PROXY",
        value_delimiter = ',',
        value_parser = parse_proxy_address
    )]
    pub trusted_proxies: Vec<IpAddr>,
}

/// A `--trusted-proxy` address: an IPv4 or IPv6 address (spaces around it allowed).
fn parse_proxy_address(raw: &str) -> Result<IpAddr, String> {
    raw.trim().parse().map_err(|_| {
        format!("--trusted-proxy takes the proxy's IP address, such as 127.0.0.1 or ::1 (no port, no range), got {raw:?}")
    })
}

/// Checks a coverage cell size.
pub fn check_cell_m(cell_m: f64) -> Result<f64, String> {
    if (25.0..=1000.0).contains(&cell_m) {
        Ok(cell_m)
    } else {
        Err(format!("the coverage cell size must be 25-1000 m, got {cell_m}"))
    }
}

/// The staff side's settings.
#[derive(Debug, Clone, Args)]
pub struct StaffArgs {
    /// Staff sessions end after this many minutes without a request.
    #[arg(long, env = "LEGALMAP_SESSION_IDLE_MINUTES", default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=1440))]
    pub session_idle_minutes: u32,
    /// Mark cookies Secure: set this when legalmap is served over HTTPS (behind a proxy).
    #[arg(long, env = "LEGALMAP_SECURE_COOKIES")]
    pub secure_cookies: bool,
    /// An edit that moves a point further than this asks for confirmation, metres.
    #[arg(long, env = "LEGALMAP_CONFIRM_MOVE_M", default_value_t = 500.0)]
    pub confirm_move_m: f64,
    /// A GPS fix captured on site with an accuracy radius worse than this (metres) is saved
    /// only with a reason, 5-1000.
    #[arg(long, env = "LEGALMAP_MAX_GPS_ACCURACY_M", default_value_t = 50.0)]
    pub max_gps_accuracy_m: f64,
}

impl StaffArgs {
    pub fn settings(&self) -> Result<StaffSettings, String> {
        if !(self.confirm_move_m.is_finite() && self.confirm_move_m > 0.0) {
            return Err(format!("--confirm-move-m must be a positive number, got {}", self.confirm_move_m));
        }
        if !(5.0..=1000.0).contains(&self.max_gps_accuracy_m) {
            return Err(format!(
                "--max-gps-accuracy-m must be 5-1000 metres, got {}",
                self.max_gps_accuracy_m
            ));
        }
        Ok(StaffSettings {
            session_idle_secs: i64::from(self.session_idle_minutes) * 60,
            secure_cookies: self.secure_cookies,
            confirm_move_m: self.confirm_move_m,
            max_gps_accuracy_m: self.max_gps_accuracy_m,
        })
    }
}

/// The staff side's checked settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StaffSettings {
    pub session_idle_secs: i64,
    pub secure_cookies: bool,
    pub confirm_move_m: f64,
    /// GPS fixes less accurate than this (metres) need a reason.
    pub max_gps_accuracy_m: f64,
}

impl Default for StaffSettings {
    fn default() -> Self {
        Self {
            session_idle_secs: 30 * 60,
            secure_cookies: false,
            confirm_move_m: 500.0,
            max_gps_accuracy_m: 50.0,
        }
    }
}

/// The map tiles the pages show (see docs/deploying.md, "Map tiles").
#[derive(Debug, Clone, Args)]
pub struct TileArgs {
    /// Tile URL template ({z}/{x}/{y}, optionally {s}).
    #[arg(long, env = "LEGALMAP_TILE_URL", default_value = DEFAULT_TILE_URL)]
    pub tile_url: String,
    /// The credit the tile provider requires, as HTML.
    #[arg(long, env = "LEGALMAP_TILE_ATTRIBUTION", default_value = DEFAULT_TILE_ATTRIBUTION)]
    pub tile_attribution: String,
    /// Datum the tiles are drawn in: wgs84 (OpenStreetMap, Tianditu) or gcj02 (Amap, Tencent).
    #[arg(long, env = "LEGALMAP_TILE_DATUM", default_value = "wgs84")]
    pub tile_datum: String,
}

impl TileArgs {
    /// The checked tile source.
    pub fn source(&self) -> Result<TileSource, String> {
        let datum = self.tile_datum.parse::<Datum>().map_err(|e| e.to_string())?;
        TileSource::new(self.tile_url.clone(), self.tile_attribution.clone(), datum)
    }
}

/// The travel-time model's parameters (see docs/travel-model.md for their sources).
#[derive(Debug, Clone, Args)]
pub struct TravelArgs {
    /// Road distance / straight-line distance.
    #[arg(long, env = "LEGALMAP_DETOUR_FACTOR", default_value_t = DEFAULT_DETOUR_FACTOR)]
    pub detour_factor: f64,
    /// Walking speed, km/h.
    #[arg(long, env = "LEGALMAP_WALK_KMH", default_value_t = DEFAULT_WALK_KMH)]
    pub walk_kmh: f64,
    /// Bicycle / e-bike speed, km/h.
    #[arg(long, env = "LEGALMAP_BIKE_KMH", default_value_t = DEFAULT_BIKE_KMH)]
    pub bike_kmh: f64,
    /// Driving speed, km/h.
    #[arg(long, env = "LEGALMAP_DRIVE_KMH", default_value_t = DEFAULT_DRIVE_KMH)]
    pub drive_kmh: f64,
}

impl TravelArgs {
    /// The checked model.
    pub fn model(&self) -> Result<TravelModel, String> {
        TravelModel::new(self.detour_factor, self.walk_kmh, self.bike_kmh, self.drive_kmh)
    }
}

#[derive(Debug, Clone, Args)]
pub struct ImportArgs {
    /// The CSV file (columns as in data/points.csv).
    pub file: PathBuf,
    /// The file is the complete list: retire active points it does not list.
    #[arg(long)]
    pub retire_missing: bool,
    /// Change nothing: print what the import would do (new, changed, unchanged and retired
    /// points) and every bad row. Exits non-zero if a row is bad.
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub database: DatabaseArgs,
}

#[derive(Debug, Clone, Args)]
pub struct ExportArgs {
    /// Write here instead of standard output.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub database: DatabaseArgs,
}

/// How long connections may wait, and how many may be open (see `crate::server`).
#[derive(Debug, Clone, Args)]
pub struct ConnectionArgs {
    /// A request's headers must arrive within this many seconds of its first byte (1-300).
    #[arg(long, env = "LEGALMAP_HEADER_READ_TIMEOUT_SECS", default_value_t = DEFAULT_HEADER_READ_TIMEOUT_SECS,
        value_parser = clap::value_parser!(u64).range(1..=300))]
    pub header_read_timeout_secs: u64,
    /// A connection waiting for a request is closed after this many seconds (1-3600).
    #[arg(long, env = "LEGALMAP_IDLE_TIMEOUT_SECS", default_value_t = DEFAULT_IDLE_TIMEOUT_SECS,
        value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub idle_timeout_secs: u64,
    /// A request's body must arrive within this many seconds of the end of its headers, or the
    /// request is answered 408 and the connection closed (1-3600).
    #[arg(long, env = "LEGALMAP_BODY_READ_TIMEOUT_SECS", default_value_t = DEFAULT_BODY_READ_TIMEOUT_SECS,
        value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub body_read_timeout_secs: u64,
    /// The most connections open at once (16-1000000); past it the oldest idle or half-sent one
    /// is closed for a new one. Default: the open-file limit less 128, at most 8192.
    #[arg(long, env = "LEGALMAP_MAX_CONNECTIONS", value_parser = clap::value_parser!(u64).range(16..=1_000_000))]
    pub max_connections: Option<u64>,
}

impl ConnectionArgs {
    /// The limits the server loop applies.
    pub fn limits(&self) -> ConnectionLimits {
        ConnectionLimits {
            header_read_timeout: Duration::from_secs(self.header_read_timeout_secs),
            idle_timeout: Duration::from_secs(self.idle_timeout_secs),
            body_read_timeout: Duration::from_secs(self.body_read_timeout_secs),
            max_connections: self
                .max_connections
                .and_then(|max| usize::try_from(max).ok())
                .unwrap_or_else(default_max_connections),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn serve_args(args: &[&str]) -> Result<ServeArgs, clap::Error> {
        let cli = Cli::try_parse_from(std::iter::once("legalmap").chain(args.iter().copied()))?;
        match cli.into_command() {
            Command::Serve(args) => Ok(args),
            _ => unreachable!("no subcommand named"),
        }
    }

    #[test]
    fn trusted_proxies_repeat_or_come_comma_separated() {
        let none = serve_args(&[]).unwrap();
        assert!(none.trusted_proxies.is_empty());
        let args = serve_args(&["--trusted-proxy", "10.0.0.1", "--trusted-proxy", "::1, 10.0.0.2"]).unwrap();
        let expected: Vec<IpAddr> =
            ["10.0.0.1", "::1", "10.0.0.2"].iter().map(|a| a.parse().unwrap()).collect();
        assert_eq!(args.trusted_proxies, expected);
        for bad in ["10.0.0.0/8", "proxy.local", "127.0.0.1:8080"] {
            let error = serve_args(&["--trusted-proxy", bad]).unwrap_err().to_string();
            assert!(error.contains("takes the proxy's IP address"), "{bad}: {error}");
        }
    }
}
