//! The three engines behind one interface: legalmap over HTTP, Redis GEOSEARCH, PostGIS KNN.
//!
//! How each is made exact (the same k nearest by great-circle distance):
//! - legalmap: exact by construction (unit-vector R-tree, see src/locator/index.rs).
//! - Redis: `GEOSEARCH ... BYRADIUS r m ASC COUNT k` is exact within `r`; starting at 5 km the
//!   radius grows 4x until k points are inside, so the k nearest are never cut off. Positions are
//!   stored as 52-bit geohashes (within ~0.6 m), so near-ties can order differently.
//! - PostGIS: a `geography` column with a GiST index; `ORDER BY geog <-> point LIMIT k` is an
//!   index-assisted KNN on the sphere (a `geometry` column would rank by planar degrees, which
//!   is wrong away from the equator: a degree of longitude is 0.77 of one of latitude at 40°N).

use anyhow::{Context, bail};
use sqlx::{Connection, PgConnection, Row};

use crate::BenchPoint;
use crate::http::{HttpConn, StaffSession};
use crate::resp::{RedisConn, Reply};

const REDIS_KEY: &str = "legalmap:bench:points";
const REDIS_FIRST_RADIUS_M: f64 = 5_000.0;
const NEAREST_SQL: &str = "SELECT code, ST_Distance(geog, ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography, false) \
     FROM bench_points ORDER BY geog <-> ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography LIMIT $3";

pub enum Engine {
    /// `mode`: the travel mode legalmap is asked for (`walk`, `bike`, `drive`).
    Legalmap {
        address: String,
        user: String,
        mode: String,
    },
    Redis {
        address: String,
    },
    Postgis {
        url: String,
    },
}

pub enum EngineConn {
    Http(HttpConn, String),
    Staff(Box<StaffSession>),
    Redis(RedisConn),
    Postgis(PgConnection),
}

impl Engine {
    pub fn new(name: &str, target: &str, user: String, mode: &str) -> anyhow::Result<Self> {
        Ok(match name {
            "legalmap" => Engine::Legalmap { address: target.to_owned(), user, mode: mode.to_owned() },
            "redis" => Engine::Redis { address: target.to_owned() },
            "postgis" => Engine::Postgis { url: target.to_owned() },
            other => bail!("unknown engine {other:?}: legalmap, redis or postgis"),
        })
    }

    pub fn name(&self) -> &'static str {
        match self {
            Engine::Legalmap { .. } => "legalmap",
            Engine::Redis { .. } => "redis",
            Engine::Postgis { .. } => "postgis",
        }
    }

    pub async fn connect(&self) -> anyhow::Result<EngineConn> {
        Ok(match self {
            Engine::Legalmap { address, mode, .. } => {
                EngineConn::Http(HttpConn::connect(address).await?, mode.clone())
            }
            Engine::Redis { address } => EngineConn::Redis(RedisConn::connect(address).await?),
            Engine::Postgis { url } => EngineConn::Postgis(PgConnection::connect(url).await?),
        })
    }

    /// A connection for the staff edits: for legalmap, a logged-in staff session.
    pub async fn connect_editor(&self) -> anyhow::Result<EngineConn> {
        match self {
            Engine::Legalmap { address, user, .. } => {
                let password = std::env::var("LOADGEN_PASSWORD").context("LOADGEN_PASSWORD is not set")?;
                Ok(EngineConn::Staff(Box::new(StaffSession::log_in(address, user, &password).await?)))
            }
            _ => self.connect().await,
        }
    }
}

impl EngineConn {
    /// The k nearest points to `origin` (lon, lat): codes and distances in metres, nearest first.
    pub async fn nearest(&mut self, origin: (f64, f64), k: usize) -> anyhow::Result<Vec<(String, f64)>> {
        match self {
            EngineConn::Http(conn, mode) => {
                let path = format!("/api/v1/nearest?lon={}&lat={}&limit={k}&mode={mode}", origin.0, origin.1);
                let response = conn.get(&path, "").await?;
                if response.status != 200 {
                    bail!("HTTP {}", response.status);
                }
                #[derive(serde::Deserialize)]
                struct Answer {
                    results: Vec<Hit>,
                }
                #[derive(serde::Deserialize)]
                struct Hit {
                    code: String,
                    distance_m: f64,
                }
                let answer: Answer = serde_json::from_slice(&response.body)?;
                Ok(answer.results.into_iter().map(|hit| (hit.code, hit.distance_m)).collect())
            }
            EngineConn::Redis(conn) => {
                let mut radius_m = REDIS_FIRST_RADIUS_M;
                loop {
                    let (lon, lat, radius, count) =
                        (origin.0.to_string(), origin.1.to_string(), radius_m.to_string(), k.to_string());
                    let args = [
                        "GEOSEARCH",
                        REDIS_KEY,
                        "FROMLONLAT",
                        &lon,
                        &lat,
                        "BYRADIUS",
                        &radius,
                        "m",
                        "ASC",
                        "COUNT",
                        &count,
                        "WITHDIST",
                    ];
                    let reply = conn.command(args.map(str::to_owned).to_vec()).await?;
                    let Reply::Array(items) = reply else { bail!("GEOSEARCH answered {reply:?}") };
                    if items.len() >= k || radius_m > 20_000_000.0 {
                        return items
                            .iter()
                            .map(|item| match item {
                                Reply::Array(pair) if pair.len() == 2 => Ok((
                                    pair[0].text().context("member")?,
                                    pair[1].text().context("distance")?.parse()?,
                                )),
                                other => bail!("GEOSEARCH item {other:?}"),
                            })
                            .collect();
                    }
                    radius_m *= 4.0;
                }
            }
            EngineConn::Postgis(conn) => {
                let rows = sqlx::query(NEAREST_SQL)
                    .bind(origin.0)
                    .bind(origin.1)
                    .bind(k as i64)
                    .fetch_all(&mut *conn)
                    .await?;
                Ok(rows.iter().map(|row| (row.get::<String, _>(0), row.get::<f64, _>(1))).collect())
            }
            EngineConn::Staff(_) => bail!("a staff session does not query"),
        }
    }

    /// Moves the point to `moved`'s position through the engine's write path and confirms it
    /// is visible.
    pub async fn edit(&mut self, moved: &BenchPoint) -> anyhow::Result<()> {
        match self {
            EngineConn::Staff(session) => session.move_point(&moved.code, moved.lon, moved.lat).await,
            EngineConn::Redis(conn) => {
                let args =
                    ["GEOADD", REDIS_KEY, "XX", &moved.lon.to_string(), &moved.lat.to_string(), &moved.code];
                conn.command(args.into_iter().map(str::to_owned).collect()).await?;
                match conn.command(vec!["GEOPOS".into(), REDIS_KEY.into(), moved.code.clone()]).await? {
                    Reply::Array(items) if matches!(items.first(), Some(Reply::Array(_))) => Ok(()),
                    other => bail!("GEOPOS answered {other:?}"),
                }
            }
            EngineConn::Postgis(conn) => {
                let updated = sqlx::query(
                    "UPDATE bench_points SET geog = ST_SetSRID(ST_MakePoint($2, $3), 4326)::geography WHERE code = $1",
                )
                .bind(&moved.code)
                .bind(moved.lon)
                .bind(moved.lat)
                .execute(&mut *conn)
                .await?;
                if updated.rows_affected() != 1 {
                    bail!("no row {}", moved.code);
                }
                Ok(())
            }
            EngineConn::Http(..) => bail!("edits need a staff session"),
        }
    }
}

/// Replaces the GEO key with `points`, 1,000 members per GEOADD, pipelined.
pub async fn load_redis(address: &str, points: &[BenchPoint]) -> anyhow::Result<()> {
    let mut conn = RedisConn::connect(address).await?;
    conn.command(vec!["DEL".into(), REDIS_KEY.into()]).await?;
    let commands: Vec<Vec<String>> = points
        .chunks(1000)
        .map(|chunk| {
            let mut args = vec!["GEOADD".to_owned(), REDIS_KEY.to_owned()];
            for point in chunk {
                args.extend([point.lon.to_string(), point.lat.to_string(), point.code.clone()]);
            }
            args
        })
        .collect();
    for batch in commands.chunks(50) {
        conn.pipeline(batch).await?;
    }
    match conn.command(vec!["ZCARD".into(), REDIS_KEY.into()]).await? {
        Reply::Integer(n) if n as usize == points.len() => Ok(()),
        other => bail!("Redis holds {other:?} members, expected {}", points.len()),
    }
}

/// Replaces `bench_points` with `points` (COPY), then builds the GiST index and statistics.
pub async fn load_postgis(url: &str, points: &[BenchPoint]) -> anyhow::Result<()> {
    let mut conn = PgConnection::connect(url).await?;
    for statement in [
        "CREATE EXTENSION IF NOT EXISTS postgis",
        "DROP TABLE IF EXISTS bench_points",
        "CREATE TABLE bench_points (code text PRIMARY KEY, geog geography(Point, 4326) NOT NULL)",
    ] {
        sqlx::query(statement).execute(&mut conn).await.with_context(|| statement.to_owned())?;
    }
    let mut copy = conn.copy_in_raw("COPY bench_points (code, geog) FROM STDIN WITH (FORMAT csv)").await?;
    for chunk in points.chunks(10_000) {
        let mut data = String::new();
        for point in chunk {
            data.push_str(&format!("{},SRID=4326;POINT({} {})\n", point.code, point.lon, point.lat));
        }
        copy.send(data.into_bytes()).await?;
    }
    copy.finish().await?;
    for statement in
        ["CREATE INDEX bench_points_geog ON bench_points USING gist (geog)", "ANALYZE bench_points"]
    {
        sqlx::query(statement).execute(&mut conn).await.with_context(|| statement.to_owned())?;
    }
    Ok(())
}
