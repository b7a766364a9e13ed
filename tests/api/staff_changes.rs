//! The district-wide change log: who changed which point, when and what; its filters (town,
//! person, Beijing date range) in the URL; its pages; its CSV export for Excel.

use axum::http::StatusCode;
use legalmap::domain::staff::Role;

use crate::support::{ParseCode, Session, TestApp};

/// Chen renames 百花社区 and verifies 东浦社区 (both 东城街道).
async fn two_changes(app: &TestApp) -> Session {
    let session = app.staff("chen", Role::Editor).await;
    let point = app.state.db.point(&"331003001001".parse_code()).await.unwrap().unwrap();
    let lat = point.record.location.lat().to_string();
    let lon = point.record.location.lon().to_string();
    let fields = [
        ("version", "1"),
        ("name", "百花社区（新）"),
        ("kind", "community"),
        ("area_type", "urban"),
        ("lat", lat.as_str()),
        ("lon", lon.as_str()),
        ("crs", "wgs84"),
        ("action", "save"),
    ];
    let edit = app.post_as(Some(&session), "/admin/points/331003001001", &fields).await;
    assert_eq!(edit.status, StatusCode::SEE_OTHER, "{}", edit.body);
    let verify = app.post_as(Some(&session), "/admin/points/331003001002/verify", &[("version", "1")]).await;
    assert_eq!(verify.status, StatusCode::SEE_OTHER, "{}", verify.body);
    session
}

#[tokio::test]
async fn the_log_shows_who_changed_what_with_filters_in_the_url() {
    let app = TestApp::new().await;
    let session = two_changes(&app).await;
    let page = app.get_as(&session, "/admin/changes").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(r#"href="/admin/changes">修改记录</a>"#), "in the navigation");
    // 346 rows of the first start, the two changes, and chen's account being created.
    assert!(page.body.contains("共 349 条，第 1/7 页"), "{}", page.body.get(..3000).unwrap_or_default());
    assert!(page.body.contains(r#"<a href="/admin/points/331003001001">百花社区（新）</a>"#));
    assert!(page.body.contains("名称：百花社区居委会 → 百花社区（新）"), "Chinese field labels, old → new");
    assert!(page.body.contains("核实") && page.body.contains("修改"));

    let mine = app.get_as(&session, "/admin/changes?person=chen").await;
    assert!(mine.body.contains("共 2 条，第 1/1 页"), "{}", mine.body);
    let town = app.get_as(&session, "/admin/changes?town=331003001&person=chen").await;
    assert!(town.body.contains("共 2 条"));
    let elsewhere = app.get_as(&session, "/admin/changes?town=331003107&person=chen").await;
    assert!(elsewhere.body.contains("共 0 条"));
    // A Beijing date range: today's changes are in it, a range long past has none.
    let long_ago = app.get_as(&session, "/admin/changes?person=chen&from=2020-01-01&to=2020-01-31").await;
    assert!(long_ago.body.contains("共 0 条"), "{}", long_ago.body);
    let from_2020 = app.get_as(&session, "/admin/changes?person=chen&from=2020-01-01").await;
    assert!(from_2020.body.contains("共 2 条"));
    let second = app.get_as(&session, "/admin/changes?town=331003001&page=2").await;
    assert!(second.body.contains("第 1/1 页"), "past the last page clamps");

    for bad in ["town=abc", "from=2026-13-01", "from=2026-11-30&to=2026-11-01", "page=0", "to=tomorrow"] {
        let reply = app.get_as(&session, &format!("/admin/changes?{bad}")).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{bad}");
        assert!(reply.body.contains("admin-nav"), "{bad}: a staff page");
    }
}

#[tokio::test]
async fn the_csv_export_opens_in_excel_with_both_times() {
    let app = TestApp::new().await;
    let session = two_changes(&app).await;
    let reply = app.get_as(&session, "/admin/changes.csv?person=chen").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.body.starts_with('\u{feff}'), "UTF-8 with a byte-order mark");
    let mut reader = csv::Reader::from_reader(reply.body.trim_start_matches('\u{feff}').as_bytes());
    let header = reader.headers().unwrap().clone();
    assert_eq!(&header[0], "时间（UTC，RFC 3339）");
    assert_eq!(&header[1], "北京时间");
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let rename = rows.iter().find(|row| &row[6] == "名称").expect("a row for the renamed field");
    assert_eq!((&rename[2], &rename[3], &rename[4]), ("chen", "修改", "331003001001"));
    assert_eq!((&rename[7], &rename[8]), ("百花社区居委会", "百花社区（新）"));
    assert!(rename[0].ends_with('Z') && rename[0].len() == 20, "{}", &rename[0]);
    assert!(rename[1].contains('年') && rename[1].contains(':'));
    assert!(rows.iter().all(|row| &row[2] == "chen"));
    assert!(rows.iter().any(|row| &row[3] == "核实"));
    let refused = app.get_as(&session, "/admin/changes.csv?from=x").await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_eq!(app.get_anonymous("/admin/changes.csv").await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn account_changes_are_in_the_log_and_its_csv() {
    let app = TestApp::new().await;
    let admin = app.staff("zhou", Role::Admin).await;
    let made = app
        .post_as(
            Some(&admin),
            "/admin/users",
            &[("username", "wu"), ("role", "editor"), ("password", "a long enough password")],
        )
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let wu = app.state.db.users().await.unwrap().into_iter().find(|u| u.username == "wu").unwrap();
    let disabled =
        app.post_as(Some(&admin), &format!("/admin/users/{}/disabled", wu.id), &[("disabled", "1")]).await;
    assert_eq!(disabled.status, StatusCode::SEE_OTHER, "{}", disabled.body);

    let page = app.get_as(&admin, "/admin/changes?person=zhou").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("共 2 条"), "zhou made two account changes: {}", page.body);
    let disabled_at = page.body.find("停用").expect("the disabling");
    let created_at = page.body.find("新建账号").expect("the creation");
    assert!(disabled_at < created_at, "newest first");
    assert!(page.body.contains("账号 <strong>wu</strong>"));
    // An account has no town: a town filter leaves account events out.
    let by_town = app.get_as(&admin, "/admin/changes?town=331003001&person=zhou").await;
    assert!(by_town.body.contains("共 0 条"), "{}", by_town.body);

    let csv = app.get_as(&admin, "/admin/changes.csv?person=zhou").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.body.contains(",zhou,停用,,账号：wu,"), "{}", csv.body);
    assert!(csv.body.contains(",zhou,新建账号,,账号：wu,"), "{}", csv.body);
}
