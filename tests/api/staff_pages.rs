//! The staff pages in Chinese and Beijing time: dates near midnight UTC, the points list's pages
//! and filters in the URL, the edit page's `back` link, and error pages in the staff frame.

use axum::http::StatusCode;
use legalmap::domain::staff::Role;

use crate::support::{ParseCode, RawPool, Session, TestApp};

/// Sets a stored timestamp straight in the database (the store only writes "now").
async fn set_times(app: &TestApp, code: &str, at: &str) {
    let pool = RawPool::connect(&app.database_url).await;
    pool.execute(
        "UPDATE points SET updated_at = $1, verified_by = 'chen', verified_at = $1 WHERE code = $2",
        &[at, code],
    )
    .await;
    pool.execute("UPDATE point_history SET changed_at = $1 WHERE code = $2", &[at, code]).await;
    pool.close().await;
    // The public pages read the in-memory index: load the point into it again.
    app.state.point_changed(&code.parse_code()).await.unwrap();
}

#[tokio::test]
async fn a_change_at_7_beijing_time_is_dated_that_day_on_every_page() {
    let app = TestApp::new().await;
    let session = app.staff("chen", Role::Editor).await;
    // 23:00 UTC on the 27th is 07:00 on the 28th in Beijing.
    set_times(&app, "331003001001", "2026-11-27T23:00:00Z").await;
    let list = app.get_as(&session, "/admin/points?q=331003001001").await;
    assert!(list.body.contains("2026年11月28日"), "{}", list.body);
    assert!(!list.body.contains("2026年11月27日") && !list.body.contains("2026-11-27"));
    let history = app.get_as(&session, "/admin/points/331003001001/history").await;
    assert!(history.body.contains("2026年11月28日 07:00"), "{}", history.body);
    assert!(history.body.contains("导入") && !history.body.contains(" · import · "), "actions in Chinese");
    let edit = app.get_as(&session, "/admin/points/331003001001").await;
    assert!(edit.body.contains("更新于 2026年11月28日 07:00"), "{}", edit.body);
    let log = app.get_as(&session, "/admin/changes?town=331003001").await;
    assert!(log.body.contains("2026年11月28日 07:00"));
    // The residents' page too; the API keeps RFC 3339.
    let (_, public) = app.get_page("/points/331003001001").await;
    assert!(public.contains("2026年11月28日") && !public.contains("2026年11月27日"), "{public}");
    let (_, json) = app.get_json("/api/v1/points/331003001001").await;
    assert_eq!(json["properties"]["updated_at"], "2026-11-27T23:00:00Z");
    // One second before Beijing midnight is still the 27th.
    set_times(&app, "331003001002", "2026-11-27T15:59:59Z").await;
    let list = app.get_as(&session, "/admin/points?q=331003001002").await;
    assert!(list.body.contains("2026年11月27日"), "{}", list.body);
}

#[tokio::test]
async fn the_list_pages_50_points_and_keeps_its_filters_in_the_url() {
    let app = TestApp::new().await;
    let session = app.staff("chen", Role::Editor).await;
    let first = app.get_as(&session, "/admin/points").await;
    assert!(first.body.contains("共 346 个，第 1/7 页"), "{}", first.body);
    assert_eq!(first.body.matches("<tr").count(), 51, "a header row and 50 points");
    assert!(first.body.contains(r#"href="/admin/points?page=2""#));
    let last = app.get_as(&session, "/admin/points?page=7").await;
    assert!(last.body.contains("第 7/7 页"));
    assert_eq!(last.body.matches("<tr").count(), 47);
    // Past the last page: the last page. Not a page number: 400.
    let past = app.get_as(&session, "/admin/points?page=99").await;
    assert_eq!(past.status, StatusCode::OK);
    assert!(past.body.contains("第 7/7 页"));
    for bad in ["0", "-2", "abc", "1.5"] {
        let reply = app.get_as(&session, &format!("/admin/points?page={bad}")).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "page={bad}");
        assert!(reply.body.contains("页码"), "{}", reply.body);
    }
    for bad in ["quality=best", "verified=maybe"] {
        assert_eq!(
            app.get_as(&session, &format!("/admin/points?{bad}")).await.status,
            StatusCode::BAD_REQUEST
        );
    }
    // 院桥镇 has 43 points: one page; its links carry the filters.
    let town =
        app.get_as(&session, "/admin/points?town=331003107&quality=geocoded&recent=&q=&retired=1").await;
    assert!(town.body.contains("第 1/1 页"), "{}", town.body);
    let filtered = "/admin/points?town=331003107&quality=geocoded&retired=1";
    let back: String = form_urlencoded::byte_serialize(filtered.as_bytes()).collect();
    assert!(town.body.contains(&format!("?back={back}")), "edit links come back here");
    assert!(town.body.contains(r#"option value="331003107" selected"#));
    let two = app.get_as(&session, "/admin/points?town=331003107&verified=no&page=1").await;
    assert!(two.body.contains("共 43 个"), "{}", two.body);
}

#[tokio::test]
async fn the_edit_page_links_back_only_to_the_staff_list() {
    let app = TestApp::new().await;
    let session = app.staff("chen", Role::Editor).await;
    let back = "/admin/points?town=331003001&page=1";
    let encoded: String = form_urlencoded::byte_serialize(back.as_bytes()).collect();
    let page = app.get_as(&session, &format!("/admin/points/331003001001?back={encoded}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains(r#"<a href="/admin/points?town=331003001&amp;page=1">返回列表</a>"#),
        "{}",
        page.body
    );
    let plain = app.get_as(&session, "/admin/points/331003001001").await;
    assert!(plain.body.contains(r#"<a href="/admin/points">返回列表</a>"#));
    for evil in [
        "https://evil.example/",
        "//evil.example/admin/points",
        "/admin/users",
        "/admin/pointsx",
        "javascript:alert(1)",
    ] {
        let encoded: String = form_urlencoded::byte_serialize(evil.as_bytes()).collect();
        let reply = app.get_as(&session, &format!("/admin/points/331003001001?back={encoded}")).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{evil}");
        assert!(
            reply.body.contains("返回地址无效") && !reply.body.contains("evil.example\""),
            "{}",
            reply.body
        );
    }
}

/// Whether `html` is a staff page with the staff navigation for a logged-in person.
fn in_staff_frame(html: &str, with_navigation: bool) -> bool {
    html.contains("服务点管理")
        && html.contains(r#"lang="zh-CN""#)
        && html.contains("admin-nav") == with_navigation
}

#[tokio::test]
async fn error_pages_on_the_staff_side_are_in_the_staff_frame_in_chinese() {
    let app = TestApp::new().await;
    let editor = app.staff("chen", Role::Editor).await;
    let not_found = app.get_as(&editor, "/admin/points/999999999999").await;
    assert_eq!(not_found.status, StatusCode::NOT_FOUND);
    assert!(in_staff_frame(&not_found.body, true), "{}", not_found.body);
    assert!(not_found.body.contains("没有这个服务点") && not_found.body.contains("修改记录"));
    let unknown = app.get_as(&editor, "/admin/no-such-page").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert!(in_staff_frame(&unknown.body, true), "{}", unknown.body);
    let forbidden = app.get_as(&editor, "/admin/users").await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
    assert!(
        in_staff_frame(&forbidden.body, true) && forbidden.body.contains("管理员权限"),
        "{}",
        forbidden.body
    );
    let forged = Session { cookie: editor.cookie.clone(), csrf: "0".repeat(64) };
    let csrf = app.post_as(Some(&forged), "/admin/points/331003001001/verify", &[("version", "1")]).await;
    assert_eq!(csrf.status, StatusCode::FORBIDDEN);
    assert!(in_staff_frame(&csrf.body, true) && csrf.body.contains("安全令牌不符"), "{}", csrf.body);
    let stale = app
        .post_as(Some(&editor), "/admin/points/331003001001/retire", &[("version", "9"), ("reason", "x")])
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(in_staff_frame(&stale.body, true) && stale.body.contains("没有执行"), "{}", stale.body);
    // The public side keeps its own frame.
    let (status, public) = app.get_page("/no-such-page").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!public.contains("服务点管理") && public.contains("返回首页"));
}
