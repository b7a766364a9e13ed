//! Several instances on one PostgreSQL database: instances in this process, each with its own
//! pool and its own LISTEN connection, and real `legalmap serve` processes. Edits, retirements,
//! restores and imports on one answer on the others; sessions and login throttling are shared;
//! after the connections are cut, reads go on, writes resume and a missed change is caught up.

use std::time::{Duration, Instant};

use crate::live::{self, Live};
use crate::support::{self, PASSWORD, ParseCode, TestApp, TestDatabase};
use axum::http::StatusCode;
use legalmap::app::Settings;
use legalmap::db::{Change, Db};
use legalmap::domain::staff::Role;
use legalmap::points::seed::bundled_points;

const BAIHUA: &str = "331003001001";

/// Two instances on a fresh database, each following the other's writes.
async fn two_instances() -> (TestDatabase, TestApp, TestApp) {
    let database = TestDatabase::create().await;
    let a = TestApp::on_database(&database.url(), Settings::default()).await;
    let b = TestApp::on_database(&database.url(), Settings::default()).await;
    legalmap::instances::follow(&a.state);
    legalmap::instances::follow(&b.state);
    (database, a, b)
}

/// The version of `code` in `app`'s index (`None`: not on the map).
fn indexed_version(app: &TestApp, code: &str) -> Option<i64> {
    app.state.index().get(code).map(|point| point.version)
}

/// Waits until `code` is at `version` in `app`'s index (`None`: off the map); how long it took.
async fn until_indexed(app: &TestApp, code: &str, version: Option<i64>, limit: Duration) -> Duration {
    let began = Instant::now();
    while indexed_version(app, code) != version {
        assert!(
            began.elapsed() < limit,
            "{code} still at {:?} after {limit:?}, expected {version:?}",
            indexed_version(app, code)
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    began.elapsed()
}

#[tokio::test]
async fn edits_retirements_restores_and_imports_on_one_instance_answer_on_the_other_within_a_second() {
    let (_database, a, b) = two_instances().await;
    let session = a.staff("chen", Role::Admin).await;

    let saved = a.move_baihua(&session, 1, "28.6101", "121.2801").await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    until_indexed(&b, BAIHUA, Some(2), Duration::from_secs(1)).await;
    let (_, point) = b.get_json(&format!("/api/v1/points/{BAIHUA}")).await;
    assert_eq!(point["properties"]["location"]["lon"].as_f64(), Some(121.2801), "{point}");

    // Retired on B with A's session (sessions are shared), off A's map; then restored on A.
    let retired = b
        .post_as(
            Some(&session),
            &format!("/admin/points/{BAIHUA}/retire"),
            &[("version", "2"), ("reason", "村居合并")],
        )
        .await;
    assert_eq!(retired.status, StatusCode::SEE_OTHER, "{}", retired.body);
    until_indexed(&a, BAIHUA, None, Duration::from_secs(1)).await;
    let history = a.state.db.point_history(&BAIHUA.parse_code()).await.unwrap();
    let edit_entry = history.iter().find(|entry| entry.version == 2).unwrap().id.to_string();
    let restored = a
        .post_as(
            Some(&session),
            &format!("/admin/points/{BAIHUA}/restore"),
            &[("version", "3"), ("history_id", edit_entry.as_str())],
        )
        .await;
    assert_eq!(restored.status, StatusCode::SEE_OTHER, "{}", restored.body);
    until_indexed(&b, BAIHUA, Some(4), Duration::from_secs(1)).await;

    // An import touching every point is announced as one reload.
    let records: Vec<_> = bundled_points()
        .into_iter()
        .map(|point| legalmap::domain::PointRecord { phone: Some("0576-84000000".into()), ..point.record })
        .collect();
    let summary = a
        .state
        .db
        .import_points(&records, Change { actor: "chen", reason: None }, false, "phones.csv")
        .await
        .unwrap();
    assert_eq!(summary.changed, records.len());
    let other = records.iter().find(|r| r.code.as_str() != BAIHUA).unwrap().code.to_string();
    until_indexed(&b, &other, Some(2), Duration::from_secs(1)).await;
    until_indexed(&a, &other, Some(2), Duration::from_secs(1)).await;
    assert!(b.state.index().points().iter().all(|p| p.record.phone.as_deref() == Some("0576-84000000")));
}

#[tokio::test]
async fn sessions_and_login_throttling_are_shared() {
    let (_database, a, b) = two_instances().await;
    let session = a.staff("chen", Role::Editor).await;
    assert_eq!(b.get_as(&session, "/admin/points").await.status, StatusCode::OK);
    let logout = b.post_as(Some(&session), "/admin/logout", &[]).await;
    assert!(logout.status.is_redirection(), "{}", logout.status);
    assert_ne!(a.get_as(&session, "/admin/points").await.status, StatusCode::OK, "logged out on A too");

    // Five failures, three on A and two on B, lock the account on both.
    for (app, n) in [(&a, 3), (&b, 2)] {
        for _ in 0..n {
            app.log_in_from("chen", "not the password", [10, 0, 0, 1]).await.unwrap_err();
        }
    }
    for app in [&a, &b] {
        let refused = app.log_in_from("chen", PASSWORD, [10, 0, 0, 2]).await.unwrap_err();
        assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
        assert!(refused.body.contains("账号已锁定 15 分钟"), "{}", refused.body);
    }
}

/// Cuts every connection the instances hold, as a PostgreSQL restart or a network cut would.
async fn terminate_connections(database: &TestDatabase) -> u64 {
    let admin = support::RawPool::connect(&database.admin_url()).await;
    let killed = admin
        .rows_as_text(&format!(
            "SELECT pg_terminate_backend(pid)::text FROM pg_stat_activity WHERE datname = '{}' AND pid <> pg_backend_pid()",
            database.name()
        ))
        .await;
    admin.close().await;
    killed.len() as u64
}

#[tokio::test]
async fn after_the_connections_are_cut_reads_go_on_writes_resume_and_missed_changes_are_caught_up() {
    let (database, a, b) = two_instances().await;
    let session = a.staff("chen", Role::Admin).await;
    // A change no announcement carries (as if its notification was lost in an outage): only
    // the data version moves.
    let raw = support::RawPool::connect(&database.url()).await;
    raw.execute(
        "UPDATE points SET name = '百花社区（改）', version = version + 1 WHERE code = $1",
        &[BAIHUA],
    )
    .await;
    raw.execute("UPDATE data_version SET version = version + 1", &[]).await;
    raw.close().await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(indexed_version(&b, BAIHUA), Some(1), "nothing announced it");

    assert!(terminate_connections(&database).await >= 2, "each instance listens on a connection");
    for app in [&a, &b] {
        let (status, nearest) = app.get_json("/api/v1/nearest?lat=28.65&lon=121.27").await;
        assert_eq!(status, StatusCode::OK, "{nearest}");
    }
    // Listening again, each instance finds the data version moved and reads everything again.
    until_indexed(&a, BAIHUA, Some(2), Duration::from_secs(5)).await;
    until_indexed(&b, BAIHUA, Some(2), Duration::from_secs(5)).await;
    assert_eq!(b.state.index().get(BAIHUA).unwrap().record.name, "百花社区（改）");
    // Writes resume on fresh connections, and are announced again.
    let saved = a.move_baihua(&session, 2, "28.6102", "121.2802").await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    until_indexed(&b, BAIHUA, Some(3), Duration::from_secs(1)).await;
}

/// Waits until a real server's point answer contains `text`; how long it took.
fn until_served(address: &str, text: &str, limit: Duration) -> Duration {
    let began = Instant::now();
    loop {
        let answer = live::request(address, "GET", &format!("/api/v1/points/{BAIHUA}"), "", None);
        if answer.status == 200 && answer.body.contains(text) {
            return began.elapsed();
        }
        assert!(began.elapsed() < limit, "{address} does not answer {text} after {limit:?}: {}", answer.body);
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_real_servers_follow_a_third_instances_writes_through_a_cut() {
    let database = TestDatabase::create().await;
    let url = database.url();
    let servers = [Live::start(&url, &[]), Live::start(&url, &[])];
    let [first_address, second_address] = [&servers[0].address, &servers[1].address];
    let writer = TestApp::on_database(&url, Settings::default()).await;
    let session = writer.staff("chen", Role::Admin).await;

    let saved = writer.move_baihua(&session, 1, "28.6111", "121.2811").await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    for address in [first_address, second_address] {
        until_served(address, "121.2811", Duration::from_secs(1));
    }

    terminate_connections(&database).await;
    for address in [first_address, second_address] {
        let ready = live::request(address, "GET", "/readyz", "", None);
        assert_eq!(ready.status, 200, "{}", ready.body);
        assert!(ready.body.contains(r#""store":"postgres""#), "{}", ready.body);
        assert_eq!(
            live::request(address, "GET", "/api/v1/nearest?lat=28.65&lon=121.27", "", None).status,
            200
        );
    }
    // The writer's own connections were cut too: its pool makes new ones.
    let saved = writer.move_baihua(&session, 2, "28.6122", "121.2822").await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    for address in [first_address, second_address] {
        until_served(address, "121.2822", Duration::from_secs(5));
    }
    for server in servers {
        server.stop();
    }
    let stored = Db::connect(&url).await.unwrap().point(&BAIHUA.parse_code()).await.unwrap().unwrap();
    assert_eq!(stored.version, 3);
}

/// A TCP relay to PostgreSQL that can be cut, as a network cut or a database restart would:
/// while cut, the connections through it end and new ones are refused.
struct Relay {
    port: u16,
    open: std::sync::Arc<std::sync::atomic::AtomicBool>,
    cuts: tokio::sync::watch::Sender<u64>,
}

impl Relay {
    async fn start() -> Self {
        use std::sync::atomic::Ordering;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let open = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
        let (cuts, _) = tokio::sync::watch::channel(0);
        let (accepting, cut_signal) = (open.clone(), cuts.clone());
        tokio::spawn(async move {
            loop {
                let Ok((mut client, _)) = listener.accept().await else { return };
                if !accepting.load(Ordering::SeqCst) {
                    continue; // dropped: refused
                }
                let mut cut = cut_signal.subscribe();
                tokio::spawn(async move {
                    let Ok(mut server) = tokio::net::TcpStream::connect("127.0.0.1:5432").await else {
                        return;
                    };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                        _ = cut.changed() => {}
                    }
                });
            }
        });
        Self { port, open, cuts }
    }

    fn cut(&self) {
        self.open.store(false, std::sync::atomic::Ordering::SeqCst);
        self.cuts.send_modify(|n| *n += 1);
    }

    fn restore(&self) {
        self.open.store(true, std::sync::atomic::Ordering::SeqCst);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn while_the_database_is_unreachable_reads_answer_and_writes_fail_with_a_clear_503() {
    let database = TestDatabase::create().await;
    let relay = Relay::start().await;
    let through_relay = format!("postgres://postgres@127.0.0.1:{}/{}", relay.port, database.name());
    let app = TestApp::on_database(&through_relay, Settings::default()).await;
    legalmap::instances::follow(&app.state);
    let session = app.staff("chen", Role::Admin).await;

    relay.cut();
    let (status, nearest) = app.get_json("/api/v1/nearest?lat=28.65&lon=121.27").await;
    assert_eq!(status, StatusCode::OK, "{nearest}");
    let (status, ready) = app.get_json("/readyz").await;
    assert_eq!((status, ready["database"].as_str()), (StatusCode::OK, Some("unreachable")), "{ready}");
    let refused = app.move_baihua(&session, 1, "28.6131", "121.2831").await;
    assert_eq!(refused.status, StatusCode::SERVICE_UNAVAILABLE, "{}", refused.body);
    assert!(refused.body.contains("数据库暂时无法连接"), "{}", refused.body);
    let direct = Db::connect(&database.url()).await.unwrap();
    assert_eq!(direct.point(&BAIHUA.parse_code()).await.unwrap().unwrap().version, 1, "nothing written");

    relay.restore();
    let saved = app.move_baihua(&session, 1, "28.6131", "121.2831").await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(direct.point(&BAIHUA.parse_code()).await.unwrap().unwrap().version, 2);
    assert_eq!(indexed_version(&app, BAIHUA), Some(2));
}
