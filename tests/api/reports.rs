//! Residents' correction reports: sent without identity, throttled per client address (through
//! a trusted proxy's X-Forwarded-For only), listed and closed by staff within their towns.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use legalmap::app::Settings;
use legalmap::domain::staff::Role;
use legalmap::web::client_address::TrustedProxies;

use crate::support::{RawPool, Reply, Session, TestApp};

/// A point of 东城街道 (331003001).
const OWN: &str = "331003001001";
/// A point of 院桥镇 (331003107).
const OTHER: &str = "331003107001";
const RESIDENT: [u8; 4] = [198, 51, 100, 7];
const PROXY: [u8; 4] = [10, 0, 0, 5];

/// A report form as the page posts it.
fn report(code: &str, fields: &[(&str, &str)]) -> Request<Body> {
    let body = form_urlencoded::Serializer::new(String::new()).extend_pairs(fields).finish();
    Request::post(format!("/points/{code}/report"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap()
}

/// The same, through a proxy that says it forwarded it for `forwarded_for`.
fn forwarded(code: &str, fields: &[(&str, &str)], forwarded_for: &str) -> Request<Body> {
    let mut request = report(code, fields);
    request.headers_mut().insert("x-forwarded-for", forwarded_for.parse().unwrap());
    request
}

const LOCATED: &[(&str, &str)] = &[
    ("kind", "location"),
    ("description", "服务点搬到老粮站隔壁"),
    ("lat", "28.6521"),
    ("lon", "121.2563"),
    ("accuracy_m", "12"),
];

/// A form's fields, in order.
type Form<'a> = Vec<(&'a str, &'a str)>;

fn details(text: &str) -> Vec<(&'static str, String)> {
    vec![("kind", "details".into()), ("description", text.into())]
}

fn fields<'a>(pairs: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    pairs.iter().map(|(name, value)| (*name, value.as_str())).collect()
}

/// Every stored report row, each column as text.
async fn stored(app: &TestApp) -> Vec<Vec<String>> {
    let pool = RawPool::connect(&app.database_url).await;
    let rows = pool.rows_as_text("SELECT * FROM point_reports ORDER BY id").await;
    pool.close().await;
    rows
}

async fn stored_count(app: &TestApp) -> usize {
    stored(app).await.len()
}

#[tokio::test]
async fn a_report_is_stored_without_anything_that_identifies_the_sender() {
    let app = TestApp::new().await;
    // The point page links to the form; the form works without JavaScript.
    let (_, point) = app.get_page(&format!("/points/{OWN}")).await;
    assert!(
        point.contains(&format!(r#"href="/points/{OWN}/report""#)) && point.contains("位置不对？告诉我们")
    );
    let (status, form) = app.get_page(&format!("/points/{OWN}/report")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        form.contains(r#"method="post""#) && form.contains(r#"name="kind" id="kind-location""#),
        "{form}"
    );

    let mut request = report(OWN, LOCATED);
    request
        .headers_mut()
        .insert("user-agent", "Mozilla/5.0 (Linux; Android 14; RESIDENT-PHONE)".parse().unwrap());
    request
        .headers_mut()
        .insert("cookie", "legalmap_large_text=1; tracking=RESIDENT-COOKIE".parse().unwrap());
    let sent = app.send_from(request, RESIDENT).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    assert_eq!(sent.location.as_deref(), Some(format!("/points/{OWN}/report/sent").as_str()));
    assert!(sent.set_cookies.is_empty(), "no cookie is handed out: {:?}", sent.set_cookies);

    let rows = stored(&app).await;
    assert_eq!(rows.len(), 1);
    let row = rows[0].join("|");
    assert!(row.contains(OWN) && row.contains("服务点搬到老粮站隔壁") && row.contains("28.6521"), "{row}");
    for identity in ["198.51.100.7", "RESIDENT-PHONE", "RESIDENT-COOKIE", "Mozilla"] {
        assert!(!row.contains(identity), "{identity} stored: {row}");
    }
    // The table has no column for an identity, and the time is kept to the minute.
    let pool = RawPool::connect(&app.database_url).await;
    let columns = pool.columns("point_reports").await;
    pool.close().await;
    let expected = [
        "id",
        "code",
        "kind",
        "description",
        "lat",
        "lon",
        "accuracy_m",
        "received_at",
        "closed_at",
        "closed_by",
        "close_note",
    ];
    assert_eq!(columns, expected, "a new column must not identify the sender");
    let received = &rows[0][columns.iter().position(|c| c == "received_at").unwrap()];
    assert!(received.ends_with(":00Z"), "{received}");

    // The thanks repeat nothing of it, and no public page shows it.
    let (status, thanks) = app.get_page(&format!("/points/{OWN}/report/sent")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(thanks.contains("已收到您的纠错") && thanks.contains("autofocus"), "{thanks}");
    for page in
        [format!("/points/{OWN}/report/sent"), format!("/points/{OWN}"), format!("/points/{OWN}/report")]
    {
        assert!(!app.get_page(&page).await.1.contains("老粮站隔壁"), "{page}");
    }
    let (_, json) = app.get_json(&format!("/api/v1/points/{OWN}")).await;
    assert!(!json.to_string().contains("老粮站隔壁"));
}

#[tokio::test]
async fn the_sixth_report_from_one_address_within_the_hour_is_refused_and_others_still_get_through() {
    let app = TestApp::new().await;
    for i in 0..5 {
        let text = details(&format!("电话应为 0576-8400000{i}"));
        let sent = app.send_from(report(OWN, &fields(&text)), RESIDENT).await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER, "report {}: {}", i + 1, sent.body);
    }
    let text = details("第六条");
    let refused = app.send_from(report(OWN, &fields(&text)), RESIDENT).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        refused.body.contains("发送太频繁") && refused.body.contains("每小时最多可发送 5 条"),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("第六条"), "what was typed is kept in the form");
    assert_eq!(stored_count(&app).await, 5, "nothing stored");
    let other = app.send_from(report(OWN, &fields(&text)), [198, 51, 100, 8]).await;
    assert_eq!(other.status, StatusCode::SEE_OTHER);
    assert_eq!(stored_count(&app).await, 6);
}

#[tokio::test]
async fn forwarded_for_is_ignored_from_an_untrusted_peer() {
    let app = TestApp::new().await;
    // Without --trusted-proxy, a client cannot dodge the limit by writing the header itself.
    for i in 0..5 {
        let sent = app.send_from(forwarded(OWN, LOCATED, &format!("203.0.113.{i}")), PROXY).await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER);
    }
    let refused = app.send_from(forwarded(OWN, LOCATED, "203.0.113.99"), PROXY).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
}

async fn behind_proxy() -> TestApp {
    let proxies = TrustedProxies::new([std::net::IpAddr::from(PROXY)]);
    TestApp::with_settings(Settings { trusted_proxies: proxies, ..Settings::default() }).await
}

#[tokio::test]
async fn forwarded_for_from_a_trusted_proxy_names_the_client() {
    let app = behind_proxy().await;
    // Five residents behind the proxy are five clients.
    for i in 0..5 {
        let sent = app.send_from(forwarded(OWN, LOCATED, "198.51.100.1"), PROXY).await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER, "{i}");
    }
    let refused = app.send_from(forwarded(OWN, LOCATED, "198.51.100.1"), PROXY).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    // What the client wrote left of the proxy's entry changes nothing.
    let spoofed = app.send_from(forwarded(OWN, LOCATED, "192.0.2.77, 198.51.100.1"), PROXY).await;
    assert_eq!(spoofed.status, StatusCode::TOO_MANY_REQUESTS);
    let neighbour = app.send_from(forwarded(OWN, LOCATED, "198.51.100.2"), PROXY).await;
    assert_eq!(neighbour.status, StatusCode::SEE_OTHER);
    // A peer that is not the proxy is itself the client, whatever it writes.
    for _ in 0..5 {
        let direct = app.send_from(forwarded(OWN, LOCATED, "198.51.100.3"), RESIDENT).await;
        assert_eq!(direct.status, StatusCode::SEE_OTHER);
    }
    let direct = app.send_from(forwarded(OWN, LOCATED, "198.51.100.4"), RESIDENT).await;
    assert_eq!(direct.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn failed_logins_behind_a_trusted_proxy_count_per_client() {
    let app = behind_proxy().await;
    let attempt = |client: &str, name: String| {
        let client = client.to_owned();
        let app = &app;
        async move {
            let form = app.login_form(PROXY).await;
            let mut request = form.request(&name, "wrong password here");
            request.headers_mut().insert("x-forwarded-for", client.parse().unwrap());
            app.send_from(request, PROXY).await
        }
    };
    // 20 failures per client address; different names, so no account lock interferes.
    for i in 0..20 {
        assert_eq!(attempt("198.51.100.1", format!("nobody{i}")).await.status, StatusCode::UNAUTHORIZED);
    }
    let blocked = attempt("198.51.100.1", "nobody99".into()).await;
    assert_eq!(blocked.status, StatusCode::TOO_MANY_REQUESTS);
    // A colleague behind the same proxy is not blocked with them.
    assert_eq!(attempt("198.51.100.2", "nobody98".into()).await.status, StatusCode::UNAUTHORIZED);
}

/// Sends `text` as a details report on `code` from a fresh address.
async fn send_details(app: &TestApp, code: &str, text: &str, last_octet: u8) -> Reply {
    let sent = app.send_from(report(code, &fields(&details(text))), [192, 0, 2, last_octet]).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    sent
}

async fn close(app: &TestApp, session: &Session, id: i64, note: &str) -> Reply {
    app.post_as(Some(session), &format!("/admin/reports/{id}/close"), &[("note", note)]).await
}

#[tokio::test]
async fn staff_list_the_open_reports_and_close_them() {
    let app = TestApp::new().await;
    let anonymous = app.get_anonymous("/admin/reports").await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    assert_eq!(anonymous.location.as_deref(), Some("/admin/login?next=%2Fadmin%2Freports"));

    app.send_from(report(OWN, LOCATED), RESIDENT).await;
    send_details(&app, OTHER, "电话已改为 0576-84000000", 1).await;
    let admin = app.staff("wang", Role::Admin).await;
    let list = app.get_as(&admin, "/admin/reports").await;
    assert_eq!(list.status, StatusCode::OK);
    let body = &list.body;
    assert!(body.contains(r#"href="/admin/reports""#), "in the staff navigation");
    assert!(
        body.contains(&format!(r#"href="/admin/points/{OWN}""#)) && body.contains("服务点搬到老粮站隔壁"),
        "{body}"
    );
    assert!(
        body.contains("位置不对") && body.contains("28.652100, 121.256300") && body.contains("精度约 12 米")
    );
    assert!(body.contains("距服务点现在的位置约") && body.contains("uri.amap.com/marker"));
    assert!(body.contains("北京时间") || body.contains("年"), "Beijing time");
    // Newest first: the second report is listed above the first.
    let (first, second) = (body.find("report-1\"").unwrap(), body.find("report-2\"").unwrap());
    assert!(second < first, "newest first");

    // Closing needs the session's CSRF token.
    let forged =
        app.post_as(Some(&admin), "/admin/reports/1/close", &[("csrf", "forged"), ("note", "x")]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let no_session = app.post_as(None, "/admin/reports/1/close", &[("note", "x")]).await;
    assert!(no_session.status.is_redirection());
    assert!(app.get_as(&admin, "/admin/reports").await.body.contains("服务点搬到老粮站隔壁"), "still open");

    let closed = close(&app, &admin, 1, "已实地核实并更正").await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER, "{}", closed.body);
    assert_eq!(closed.location.as_deref(), Some("/admin/reports?closed=1"));
    let open = app.get_as(&admin, "/admin/reports?closed=1").await;
    assert!(
        open.body.contains("已关闭纠错 #1") && !open.body.contains("服务点搬到老粮站隔壁"),
        "{}",
        open.body
    );
    let done = app.get_as(&admin, "/admin/reports?state=closed").await;
    assert!(
        done.body.contains("服务点搬到老粮站隔壁") && done.body.contains("已由 wang 于"),
        "{}",
        done.body
    );
    assert!(done.body.contains("备注：已实地核实并更正") && !done.body.contains("0576-84000000"));

    // Twice, a report that is not there, a note too long, a filter that is no filter.
    assert_eq!(close(&app, &admin, 1, "").await.status, StatusCode::CONFLICT);
    assert_eq!(close(&app, &admin, 99, "").await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.post_as(Some(&admin), "/admin/reports/x/close", &[]).await.status, StatusCode::NOT_FOUND);
    assert_eq!(close(&app, &admin, 2, &"长".repeat(201)).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.get_as(&admin, "/admin/reports?state=all").await.status, StatusCode::BAD_REQUEST);
    assert_eq!(app.get_as(&admin, "/admin/reports?page=0").await.status, StatusCode::BAD_REQUEST);
    assert_eq!(close(&app, &admin, 2, "").await.status, StatusCode::SEE_OTHER, "no note is fine");
}

#[tokio::test]
async fn a_town_limited_editor_sees_and_closes_only_their_towns_reports() {
    let app = TestApp::new().await;
    send_details(&app, OWN, "东城的纠错", 1).await;
    send_details(&app, OTHER, "院桥的纠错", 2).await;
    let admin = app.staff("admin", Role::Admin).await;
    app.create_staff("clerk", Role::Editor).await;
    let clerk_id = app.state.db.users().await.unwrap().iter().find(|u| u.username == "clerk").unwrap().id;
    let set =
        app.post_as(Some(&admin), &format!("/admin/users/{clerk_id}/towns"), &[("town", "331003001")]).await;
    assert_eq!(set.status, StatusCode::SEE_OTHER);
    let clerk = app.log_in("clerk").await;

    let list = app.get_as(&clerk, "/admin/reports").await;
    assert!(list.body.contains("东城的纠错") && !list.body.contains("院桥的纠错"), "{}", list.body);
    assert!(list.body.contains("共 1 条"));
    let refused = close(&app, &clerk, 2, "").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(refused.body.contains("只能修改以下镇（街道）的服务点"), "{}", refused.body);
    assert_eq!(close(&app, &clerk, 1, "").await.status, StatusCode::SEE_OTHER);
    // The admin sees both, and the other town's report is still open.
    let all = app.get_as(&admin, "/admin/reports").await;
    assert!(all.body.contains("院桥的纠错") && !all.body.contains("东城的纠错"));
}

#[tokio::test]
async fn bad_input_is_a_clear_4xx_and_nothing_is_stored() {
    let app = TestApp::new().await;
    for uri in ["/points/999999999999/report", "/points/abc/report", "/points/999999999999/report/sent"] {
        let (status, page) = app.get_page(uri).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
        assert!(page.contains("没有找到"), "{uri}");
    }
    let unknown = app.send_from(report("999999999999", LOCATED), RESIDENT).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);

    let long = "错".repeat(501);
    let bad: Vec<(Form, StatusCode, &str)> = vec![
        (
            vec![
                ("kind", "location"),
                ("description", "x"),
                ("lat", "95"),
                ("lon", "121.2"),
                ("accuracy_m", "5"),
            ],
            StatusCode::BAD_REQUEST,
            "纬度应在 -90 到 90 之间",
        ),
        (
            vec![
                ("kind", "location"),
                ("description", "x"),
                ("lat", "abc"),
                ("lon", "121.2"),
                ("accuracy_m", "5"),
            ],
            StatusCode::BAD_REQUEST,
            "附带的位置无效",
        ),
        (
            vec![("kind", "location"), ("lat", "28.6"), ("lon", ""), ("accuracy_m", "5")],
            StatusCode::BAD_REQUEST,
            "附带的位置不完整",
        ),
        (
            vec![("kind", "location"), ("lat", "28.6"), ("lon", "121.2"), ("accuracy_m", "-3")],
            StatusCode::BAD_REQUEST,
            "精度无效",
        ),
        (
            vec![("kind", "details"), ("description", &long)],
            StatusCode::UNPROCESSABLE_ENTITY,
            "最多 500 个字，现在有 501 个字",
        ),
        (vec![("description", "电话不对")], StatusCode::UNPROCESSABLE_ENTITY, "请选择哪里不对"),
        (
            vec![("kind", "moved"), ("description", "电话不对")],
            StatusCode::UNPROCESSABLE_ENTITY,
            "请从“位置不对”",
        ),
        (
            vec![("kind", "details"), ("description", "   ")],
            StatusCode::UNPROCESSABLE_ENTITY,
            "请简单说明哪里不对",
        ),
        (vec![("kind", "location")], StatusCode::UNPROCESSABLE_ENTITY, "请说明正确的位置"),
        (
            vec![("kind", "details"), ("kind", "other"), ("description", "x")],
            StatusCode::BAD_REQUEST,
            "表单格式有误",
        ),
    ];
    for (form, status, message) in &bad {
        let reply = app.send_from(report(OWN, form), RESIDENT).await;
        assert_eq!(reply.status, *status, "{form:?}: {}", reply.body);
        assert!(reply.body.contains(message), "{form:?}: {}", reply.body);
        assert!(reply.body.contains(r#"role="alert""#), "{form:?}: the problems are announced");
    }
    // Each problem is tied to its field.
    let reply = app.send_from(report(OWN, &[("kind", "details")]), RESIDENT).await;
    assert!(
        reply.body.contains(r#"aria-describedby="description-hint description-error""#),
        "{}",
        reply.body
    );
    let oversized =
        app.send_from(report(OWN, &[("kind", "other"), ("description", &"长".repeat(3000))]), RESIDENT).await;
    assert_eq!(oversized.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(oversized.body.contains("提交的内容过大：说明最多 500 字"), "{}", oversized.body);
    let json = Request::post(format!("/points/{OWN}/report"))
        .header("content-type", "application/json")
        .body(Body::from(r#"{"kind":"other","description":"x"}"#))
        .unwrap();
    assert_eq!(app.send_from(json, RESIDENT).await.status, StatusCode::BAD_REQUEST);
    assert_eq!(stored_count(&app).await, 0, "nothing stored");
    // Refusals count nothing against the limit: five good reports still go through.
    for _ in 0..5 {
        assert_eq!(app.send_from(report(OWN, LOCATED), RESIDENT).await.status, StatusCode::SEE_OTHER);
    }
}

/// A report POSTed over a real socket with `X-Forwarded-For: forwarded_for`; the status line.
fn post_over_tcp(address: &str, forwarded_for: &str) -> String {
    use std::io::{Read, Write};
    let body = "kind=other&description=%E9%97%A8%E7%89%8C%E5%B7%B2%E6%8D%A2";
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    let head = format!(
        "POST /points/{OWN}/report HTTP/1.1\r\nHost: {address}\r\nX-Forwarded-For: {forwarded_for}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body.as_bytes()).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response.lines().next().unwrap().to_owned()
}

#[test]
fn the_binary_takes_trusted_proxies_from_its_environment() {
    use std::io::BufReader;
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("proxied.db").display());
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_legalmap"))
        .args(["--listen", "127.0.0.1:0", "--database", &url])
        .env("LEGALMAP_TRUSTED_PROXY", "127.0.0.1, ::1")
        .env("RUST_LOG", "info")
        .env("NO_COLOR", "1")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut log = BufReader::new(child.stderr.take().unwrap());
    let (address, seen) = crate::support::read_until_listening(&mut log);
    assert!(seen.contains("trusted proxies"), "{seen}");
    // The peer, 127.0.0.1, is the proxy: each forwarded-for address is its own client.
    let statuses: Vec<String> =
        (1..=6).map(|i| post_over_tcp(&address, &format!("198.51.100.{i}"))).collect();
    assert!(statuses.iter().all(|s| s.contains("303")), "{statuses:?}");
    let statuses: Vec<String> = (1..=5).map(|_| post_over_tcp(&address, "203.0.113.1")).collect();
    assert!(statuses.iter().all(|s| s.contains("303")), "{statuses:?}");
    assert!(post_over_tcp(&address, "203.0.113.1").contains("429"));
    std::process::Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(child.wait().unwrap().success());
}
