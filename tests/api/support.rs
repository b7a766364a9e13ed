//! A fresh application per test: its own database, migrated and loaded with the bundled
//! `data/points.csv`, exactly as `legalmap serve` does on first start. The store is SQLite (a
//! file per test), or PostgreSQL with `LEGALMAP_TEST_STORE=postgres` (a database per test on
//! the server at `LEGALMAP_TEST_POSTGRES`, default postgres://postgres@127.0.0.1:5432/test,
//! dropped after).

use std::net::SocketAddr;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use legalmap::app::{self, AppState, Settings};
use legalmap::db::Db;
use legalmap::domain::staff::{NewPassword, Role, Username};
use legalmap::points::seed;
use legalmap::web::map::TileSource;
use serde_json::Value;
use tempfile::TempDir;
use tower::ServiceExt;

pub struct TestApp {
    pub state: AppState,
    pub database_url: String,
    /// Keeps the database directory alive for the test's duration.
    pub _dir: TempDir,
    /// Drops the test's PostgreSQL database after it.
    pub _postgres: Option<TestDatabase>,
}

/// Whether this run's tests use PostgreSQL (`LEGALMAP_TEST_STORE=postgres`).
pub fn on_postgres() -> bool {
    match std::env::var("LEGALMAP_TEST_STORE").as_deref() {
        Ok("postgres") => true,
        Ok("sqlite") | Err(_) => false,
        Ok(other) => panic!("LEGALMAP_TEST_STORE={other}: expected sqlite or postgres"),
    }
}

/// A fresh database for one test: an SQLite file in `dir`, or a new PostgreSQL database.
pub async fn fresh_database(dir: &std::path::Path) -> (String, Option<TestDatabase>) {
    if !on_postgres() {
        return (format!("sqlite://{}", dir.join("legalmap.db").display()), None);
    }
    let database = TestDatabase::create().await;
    (database.url(), Some(database))
}

/// A PostgreSQL database made for one test and dropped (with its road network file, kept in the
/// working directory for PostgreSQL) when the test ends.
pub struct TestDatabase {
    /// The database the others are made from (`LEGALMAP_TEST_POSTGRES`).
    admin: String,
    server: String,
    name: String,
}

impl TestDatabase {
    pub async fn create() -> Self {
        use sqlx::Connection;
        static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let admin = std::env::var("LEGALMAP_TEST_POSTGRES")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned());
        let server = admin.rsplit_once('/').expect("a postgres:// URL with a database").0.to_owned();
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let name = format!("legalmap_test_{}_{n}", std::process::id());
        let mut conn = sqlx::PgConnection::connect(&admin).await.expect("PostgreSQL for the tests");
        static SWEPT: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
        if !SWEPT.swap(true, std::sync::atomic::Ordering::Relaxed) {
            // Databases left by test processes that did not finish (killed, or a test that never
            // dropped its app): dropped once per run.
            let names: Vec<String> = sqlx::query_scalar(
                "SELECT datname::text FROM pg_database WHERE datname LIKE 'legalmap_test_%'",
            )
            .fetch_all(&mut conn)
            .await
            .unwrap();
            for stale in names {
                let pid = stale.split('_').nth(2).unwrap_or_default();
                if !std::path::Path::new(&format!("/proc/{pid}")).exists() {
                    sqlx::query(&format!("DROP DATABASE IF EXISTS {stale} WITH (FORCE)"))
                        .execute(&mut conn)
                        .await
                        .ok();
                }
            }
        }
        sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(&mut conn)
            .await
            .unwrap();
        sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut conn).await.unwrap();
        conn.close().await.ok();
        Self { admin, server, name }
    }

    pub fn url(&self) -> String {
        format!("{}/{}", self.server, self.name)
    }

    /// The database the test's was made from, for what is done from outside the test's.
    pub fn admin_url(&self) -> String {
        self.admin.clone()
    }

    #[allow(dead_code)] // used by tests/instances.rs
    pub fn name(&self) -> &str {
        &self.name
    }
}

/// A direct look at the test's database, whichever the store: for checks of what is stored and
/// for setting what the store only ever writes as "now".
pub enum RawPool {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

impl RawPool {
    pub async fn connect(url: &str) -> Self {
        match url.starts_with("postgres") {
            true => Self::Postgres(sqlx::PgPool::connect(url).await.unwrap()),
            false => Self::Sqlite(sqlx::SqlitePool::connect(url).await.unwrap()),
        }
    }

    /// Runs `sql` (parameters written `$1`, `$2`, … as PostgreSQL spells them; SQLite's `?1`,
    /// `?2`, … are the same) with text parameters.
    pub async fn execute(&self, sql: &str, binds: &[&str]) {
        match self {
            Self::Sqlite(pool) => {
                let sql = sql.replace('$', "?");
                let mut query = sqlx::query(&sql);
                for bind in binds {
                    query = query.bind(*bind);
                }
                query.execute(pool).await.unwrap();
            }
            Self::Postgres(pool) => {
                let mut query = sqlx::query(sql);
                for bind in binds {
                    query = query.bind(*bind);
                }
                query.execute(pool).await.unwrap();
            }
        }
    }

    /// Every row `sql` returns, each column as text (NULL as empty).
    pub async fn rows_as_text(&self, sql: &str) -> Vec<Vec<String>> {
        fn text<R: sqlx::Row>(row: &R) -> Vec<String>
        where
            usize: sqlx::ColumnIndex<R>,
            for<'r> Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
            for<'r> Option<f64>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
            for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
        {
            (0..row.len())
                .map(|i| {
                    row.try_get::<Option<String>, _>(i)
                        .map(|v| v.unwrap_or_default())
                        .or_else(|_| {
                            row.try_get::<Option<f64>, _>(i)
                                .map(|v| v.map(|v| v.to_string()).unwrap_or_default())
                        })
                        .or_else(|_| row.try_get::<i64, _>(i).map(|v| v.to_string()))
                        .unwrap()
                })
                .collect()
        }
        match self {
            Self::Sqlite(pool) => sqlx::query(sql).fetch_all(pool).await.unwrap().iter().map(text).collect(),
            Self::Postgres(pool) => {
                sqlx::query(sql).fetch_all(pool).await.unwrap().iter().map(text).collect()
            }
        }
    }

    /// A table's column names, in the table's order.
    pub async fn columns(&self, table: &str) -> Vec<String> {
        let sql = match self {
            Self::Sqlite(_) => format!("SELECT name FROM pragma_table_info('{table}')"),
            Self::Postgres(_) => format!(
                "SELECT column_name::text FROM information_schema.columns WHERE table_name = '{table}' ORDER BY ordinal_position"
            ),
        };
        self.rows_as_text(&sql).await.into_iter().map(|mut row| row.remove(0)).collect()
    }

    pub async fn close(self) {
        match self {
            Self::Sqlite(pool) => pool.close().await,
            Self::Postgres(pool) => pool.close().await,
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let (admin, name) = (self.admin_url(), self.name.clone());
        // Drop runs inside the test's runtime: the database is dropped from a thread of its own.
        std::thread::spawn(move || {
            use sqlx::Connection;
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            runtime.block_on(async {
                if let Ok(mut conn) = sqlx::PgConnection::connect(&admin).await {
                    sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .execute(&mut conn)
                        .await
                        .ok();
                }
            });
        })
        .join()
        .ok();
        std::fs::remove_file(format!("{}.roads", self.name)).ok();
    }
}

impl TestApp {
    pub async fn new() -> Self {
        Self::with_tiles(TileSource::default()).await
    }

    /// An app whose map uses `tiles` (for example GCJ-02 tiles).
    pub async fn with_tiles(tiles: TileSource) -> Self {
        Self::with_settings(Settings { tiles, ..Settings::default() }).await
    }

    pub async fn with_settings(settings: Settings) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let (database_url, postgres) = fresh_database(dir.path()).await;
        let mut app = Self::on_database(&database_url, settings).await;
        app._dir = dir;
        app._postgres = postgres;
        app
    }

    /// An instance on the database at `database_url` (loaded with the bundled data if empty),
    /// which outlives it: for several instances on one database.
    pub async fn on_database(database_url: &str, settings: Settings) -> Self {
        let db = Db::connect(database_url).await.unwrap();
        seed::seed_if_empty(&db).await.unwrap();
        let state = AppState::load(db, settings).await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        Self { state, database_url: database_url.to_owned(), _dir: dir, _postgres: None }
    }

    pub fn router(&self) -> Router {
        app::router(self.state.clone())
    }

    /// GETs `uri` and returns the status, the content type and the body.
    pub async fn get_raw(&self, uri: &str) -> (StatusCode, String, Vec<u8>) {
        self.request("GET", uri).await
    }

    pub async fn request(&self, method: &str, uri: &str) -> (StatusCode, String, Vec<u8>) {
        let request = Request::builder().method(method).uri(uri).body(Body::empty()).unwrap();
        let response = self.send(request).await;
        let status = response.status();
        let content_type = response
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let body = response.into_body().collect().await.unwrap().to_bytes().to_vec();
        (status, content_type, body)
    }

    /// Sends any request through the router.
    pub async fn send(&self, request: Request<Body>) -> axum::response::Response {
        self.router().oneshot(request).await.unwrap()
    }

    /// GETs a page and returns its status and HTML.
    pub async fn get_page(&self, uri: &str) -> (StatusCode, String) {
        let (status, content_type, body) = self.get_raw(uri).await;
        assert!(content_type.starts_with("text/html"), "{uri}: content type {content_type:?}");
        (status, String::from_utf8(body).unwrap())
    }

    /// GETs `uri` and parses the JSON body.
    pub async fn get_json(&self, uri: &str) -> (StatusCode, Value) {
        let (status, content_type, body) = self.get_raw(uri).await;
        assert!(content_type.contains("json"), "{uri}: content type {content_type:?}");
        let value = serde_json::from_slice(&body).unwrap_or_else(|e| panic!("{uri}: not JSON ({e})"));
        (status, value)
    }
}

/// The password every test account gets.
pub const PASSWORD: &str = "correct horse battery";
/// The client address of requests that do not say otherwise.
const LOCALHOST: [u8; 4] = [127, 0, 0, 1];
/// Separates the parts of the multipart bodies tests send.
const BOUNDARY: &str = "legalmap-test-boundary";

/// A logged-in staff member: the session cookie and the session's CSRF token.
#[derive(Debug, Clone)]
pub struct Session {
    pub cookie: String,
    pub csrf: String,
}

/// What a staff request got back.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    /// The `Location` header of a redirect.
    pub location: Option<String>,
    pub set_cookies: Vec<String>,
    pub body: String,
}

impl Reply {
    /// The `name=value` of a cookie the reply sets, as a browser sends it back.
    pub fn cookie(&self, name: &str) -> Option<String> {
        let set_cookie = self.set_cookie(name)?;
        Some(set_cookie.split(';').next().unwrap().to_owned())
    }

    /// The whole `Set-Cookie` header for a cookie, attributes included.
    pub fn set_cookie(&self, name: &str) -> Option<&str> {
        self.set_cookies.iter().map(String::as_str).find(|c| c.split('=').next() == Some(name))
    }
}

/// The login form as a browser holds it after opening the page: its CSRF cookie and token.
pub struct LoginForm {
    cookie: String,
    csrf: String,
}

impl LoginForm {
    /// The form posted with these credentials.
    pub fn request(&self, name: &str, password: &str) -> Request<Body> {
        let body = form_body(&[
            ("csrf", &self.csrf),
            ("username", name),
            ("password", password),
            ("next", "/admin/points"),
        ]);
        Request::post("/admin/login")
            .header("content-type", "application/x-www-form-urlencoded")
            .header("cookie", &self.cookie)
            .body(Body::from(body))
            .unwrap()
    }
}

/// A multipart body as a browser sends an upload form: the text `fields`, then `file` (named
/// `points.csv`).
pub fn multipart_body(fields: &[(&str, &str)], file: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    let mut part = |name: &str, extra: &str, value: &[u8]| {
        let head = format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"{extra}\r\n\r\n");
        body.extend_from_slice(head.as_bytes());
        body.extend_from_slice(value);
        body.extend_from_slice(b"\r\n");
    };
    for (name, value) in fields {
        part(name, "", value.as_bytes());
    }
    part("file", "; filename=\"points.csv\"\r\nContent-Type: text/csv", file);
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// The value of `name="csrf" value="..."` in a page.
pub fn csrf_in(html: &str) -> String {
    html.split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_default()
        .to_owned()
}

fn form_body(fields: &[(&str, &str)]) -> String {
    form_urlencoded::Serializer::new(String::new()).extend_pairs(fields).finish()
}

impl TestApp {
    /// Creates an account straight in the store.
    pub async fn create_staff(&self, name: &str, role: Role) {
        let hash = legalmap::web::auth::hash_password(&NewPassword::parse(PASSWORD).unwrap());
        self.state
            .db
            .create_user(&Username::parse(name).unwrap(), &hash, role, "test")
            .await
            .unwrap()
            .unwrap();
    }

    /// Sends a request from a client address (for login throttling).
    pub async fn send_from(&self, mut request: Request<Body>, address: [u8; 4]) -> Reply {
        request.extensions_mut().insert(ConnectInfo(SocketAddr::from((address, 40000))));
        let response = self.send(request).await;
        let status = response.status();
        let location = response.headers().get("location").map(|v| v.to_str().unwrap().to_owned());
        let set_cookies =
            response.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_owned()).collect();
        let body =
            String::from_utf8_lossy(&response.into_body().collect().await.unwrap().to_bytes()).into_owned();
        Reply { status, location, set_cookies, body }
    }

    /// Opens the login page from `address`, as a browser does before logging in.
    pub async fn login_form(&self, address: [u8; 4]) -> LoginForm {
        let page = self.send_from(Request::get("/admin/login").body(Body::empty()).unwrap(), address).await;
        LoginForm { cookie: page.cookie("legalmap_login_csrf").unwrap(), csrf: csrf_in(&page.body) }
    }

    /// Goes through the real login form; `Err` carries the refusal.
    pub async fn log_in_from(&self, name: &str, password: &str, address: [u8; 4]) -> Result<Session, Reply> {
        let form = self.login_form(address).await;
        let reply = self.send_from(form.request(name, password), address).await;
        let Some(cookie) = reply.cookie("legalmap_session") else {
            return Err(reply);
        };
        let page =
            self.get_as(&Session { cookie: cookie.clone(), csrf: String::new() }, "/admin/points").await;
        Ok(Session { cookie, csrf: csrf_in(&page.body) })
    }

    /// The raw reply of a successful login (to inspect its cookies).
    pub async fn log_in_reply(&self, name: &str) -> Reply {
        let form = self.login_form(LOCALHOST).await;
        self.send_from(form.request(name, PASSWORD), LOCALHOST).await
    }

    pub async fn log_in(&self, name: &str) -> Session {
        self.log_in_from(name, PASSWORD, LOCALHOST).await.unwrap()
    }

    /// A new account of `role`, logged in.
    pub async fn staff(&self, name: &str, role: Role) -> Session {
        self.create_staff(name, role).await;
        self.log_in(name).await
    }

    /// GETs with no session at all.
    pub async fn get_anonymous(&self, uri: &str) -> Reply {
        self.send_from(Request::get(uri).body(Body::empty()).unwrap(), LOCALHOST).await
    }

    pub async fn get_as(&self, session: &Session, uri: &str) -> Reply {
        let request = Request::get(uri).header("cookie", &session.cookie).body(Body::empty()).unwrap();
        self.send_from(request, LOCALHOST).await
    }

    /// Uploads `file` through a staff upload form (`uri`) as `session`, with the session's CSRF
    /// token and the text `fields`.
    pub async fn upload_as(
        &self,
        session: &Session,
        uri: &str,
        fields: &[(&str, &str)],
        file: &[u8],
    ) -> Reply {
        let mut all = vec![("csrf", session.csrf.as_str())];
        all.extend_from_slice(fields);
        self.post_multipart(session, uri, multipart_body(&all, file)).await
    }

    /// POSTs a multipart `body` (see [`multipart_body`]) as `session`.
    pub async fn post_multipart(&self, session: &Session, uri: &str, body: Vec<u8>) -> Reply {
        let request = Request::post(uri)
            .header("content-type", format!("multipart/form-data; boundary={BOUNDARY}"))
            .header("cookie", &session.cookie)
            .body(Body::from(body))
            .unwrap();
        self.send_from(request, LOCALHOST).await
    }

    /// POSTs a form as `session` (or with no session), adding the session's CSRF token unless
    /// the fields carry one.
    pub async fn post_as(&self, session: Option<&Session>, uri: &str, fields: &[(&str, &str)]) -> Reply {
        let mut fields = fields.to_vec();
        if let Some(session) = session
            && !fields.iter().any(|(k, _)| *k == "csrf")
        {
            fields.push(("csrf", &session.csrf));
        }
        let mut request = Request::post(uri).header("content-type", "application/x-www-form-urlencoded");
        if let Some(session) = session {
            request = request.header("cookie", &session.cookie);
        }
        self.send_from(request.body(Body::from(form_body(&fields))).unwrap(), LOCALHOST).await
    }

    /// Moves the city point 百花社区居委会 (331003001001, still at version 1) out into the
    /// uncovered western mountains as `session`: the edit that changes the district's coverage.
    pub async fn move_baihua_to_the_mountains(&self, session: &Session) -> Reply {
        self.move_baihua(session, 1, "28.55", "120.90").await
    }

    /// Moves 百花社区居委会 (331003001001) to (`lat`, `lon`) through the staff edit form as
    /// `session`, from `version`.
    pub async fn move_baihua(&self, session: &Session, version: i64, lat: &str, lon: &str) -> Reply {
        let version = version.to_string();
        let fields = [
            ("version", version.as_str()),
            ("name", "百花社区居委会"),
            ("kind", "community"),
            ("area_type", "urban"),
            ("lat", lat),
            ("lon", lon),
            ("crs", "wgs84"),
            ("confirm_move", "1"),
            ("action", "save"),
        ];
        self.post_as(Some(session), "/admin/points/331003001001", &fields).await
    }
}

/// The summed `area_km2` of a coverage gaps GeoJSON's features.
pub fn total_gap_area_km2(gaps: &Value) -> f64 {
    gaps["features"].as_array().unwrap().iter().map(|f| f["properties"]["area_km2"].as_f64().unwrap()).sum()
}

/// Parses a code in tests.
pub trait ParseCode {
    fn parse_code(&self) -> legalmap::domain::PointCode;
}

impl ParseCode for str {
    fn parse_code(&self) -> legalmap::domain::PointCode {
        legalmap::domain::PointCode::parse(self).unwrap()
    }
}

/// Reads the real binary's log until it says where it listens: the address (`127.0.0.1:PORT`)
/// and everything logged so far. Panics, with the log, if the process exits first.
pub fn read_until_listening(log: &mut impl std::io::BufRead) -> (String, String) {
    let mut seen = String::new();
    loop {
        let mut line = String::new();
        assert!(log.read_line(&mut line).unwrap() > 0, "server exited before listening:\n{seen}");
        seen.push_str(&line);
        if let Some((_, rest)) = line.split_once("listening on http://") {
            // Up to the first character that cannot be in `127.0.0.1:PORT`: a space, a colour
            // code, or the quote that ends the message in a JSON log line.
            let address = rest.chars().take_while(|c| c.is_ascii_digit() || *c == '.' || *c == ':').collect();
            return (address, seen);
        }
    }
}
