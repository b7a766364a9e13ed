//! Editors limited to some towns: the accounts page sets the limit, the edit page of a point
//! elsewhere offers no save, and every point write is refused on the server.

use axum::http::StatusCode;
use legalmap::domain::staff::Role;

use crate::support::{ParseCode, Session, TestApp};

/// A point of 东城街道 (331003001), where the clerk may edit.
const OWN: &str = "331003001001";
/// A point of 院桥镇 (331003107), where the clerk may not.
const OTHER: &str = "331003107001";

/// An admin and an editor ("clerk") limited to 东城街道 through the accounts page.
async fn limited_clerk(app: &TestApp) -> (Session, Session) {
    let admin = app.staff("admin", Role::Admin).await;
    app.create_staff("clerk", Role::Editor).await;
    let clerk_id = app.state.db.users().await.unwrap().iter().find(|u| u.username == "clerk").unwrap().id;
    let uri = format!("/admin/users/{clerk_id}/towns");
    let set = app.post_as(Some(&admin), &uri, &[("town", "331003001")]).await;
    assert_eq!(set.status, StatusCode::SEE_OTHER, "{}", set.body);
    (admin, app.log_in("clerk").await)
}

async fn version(app: &TestApp, code: &str) -> i64 {
    app.state.db.point(&code.parse_code()).await.unwrap().unwrap().version
}

#[tokio::test]
async fn the_accounts_page_sets_and_shows_an_editors_towns() {
    let app = TestApp::new().await;
    let (admin, _) = limited_clerk(&app).await;
    let page = app.get_as(&admin, "/admin/users").await;
    assert!(page.body.contains(r#"<td data-label="可修改的镇街">东城街道</td>"#), "{}", page.body);
    assert!(page.body.contains(r#"name="town" value="331003001" checked"#));
    let clerk_id = app.state.db.users().await.unwrap().iter().find(|u| u.username == "clerk").unwrap().id;
    let uri = format!("/admin/users/{clerk_id}/towns");
    for bad in ["33100300", "abc", "999999999"] {
        let reply = app.post_as(Some(&admin), &uri, &[("town", bad)]).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert!(reply.body.contains("镇（街道）"), "{}", reply.body);
    }
    assert_eq!(app.state.db.user_towns(clerk_id).await.unwrap(), ["331003001"], "unchanged by bad input");
    // An editor cannot change limits; no ticks: every town again.
    let editor = app.staff("wang", Role::Editor).await;
    assert_eq!(app.post_as(Some(&editor), &uri, &[]).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.post_as(Some(&admin), &uri, &[]).await.status, StatusCode::SEE_OTHER);
    assert!(app.state.db.user_towns(clerk_id).await.unwrap().is_empty());
    assert_eq!(app.post_as(Some(&admin), "/admin/users/9999/towns", &[]).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_limited_editor_changes_only_their_towns_points() {
    let app = TestApp::new().await;
    let (admin, clerk) = limited_clerk(&app).await;

    // The edit page of a point elsewhere says so and offers no save.
    let page = app.get_as(&clerk, &format!("/admin/points/{OTHER}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("只能修改以下镇（街道）的服务点"), "{}", page.body);
    assert!(!page.body.contains(r#"value="save""#) && !page.body.contains("/verify"));
    let own = app.get_as(&clerk, &format!("/admin/points/{OWN}")).await;
    assert!(own.body.contains(r#"value="save""#) && !own.body.contains("只能修改以下镇"));

    // Every write path to the other town is refused with 403 and the reason; nothing changes.
    let other = format!("/admin/points/{OTHER}");
    let writes: Vec<(String, Vec<(&str, &str)>)> = vec![
        (other.clone(), vec![("version", "1"), ("name", "改名"), ("action", "save")]),
        (format!("{other}/verify"), vec![("version", "1")]),
        (format!("{other}/retire"), vec![("version", "1"), ("reason", "合并")]),
        (format!("{other}/restore"), vec![("version", "1"), ("history_id", "1")]),
    ];
    for (uri, fields) in &writes {
        let reply = app.post_as(Some(&clerk), uri, fields).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{uri}: {}", reply.body);
        assert!(
            reply.body.contains("只能修改以下镇（街道）的服务点") && reply.body.contains("admin-nav"),
            "{uri}"
        );
    }
    assert_eq!(version(&app, OTHER).await, 1);
    let add = |code: &'static str, town: &'static str| {
        vec![
            ("code", code),
            ("town_code", town),
            ("name", "新社区"),
            ("kind", "community"),
            ("area_type", "urban"),
            ("lat", "28.665"),
            ("lon", "121.245"),
            ("crs", "wgs84"),
            ("action", "save"),
        ]
    };
    let refused = app.post_as(Some(&clerk), "/admin/points/new", &add("331003107901", "331003107")).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    assert!(app.state.db.point(&"331003107901".parse_code()).await.unwrap().is_none());

    // Their own town's points they may change; the admin is never limited.
    let retire = app
        .post_as(
            Some(&clerk),
            &format!("/admin/points/{OWN}/retire"),
            &[("version", "1"), ("reason", "合并")],
        )
        .await;
    assert_eq!(retire.status, StatusCode::SEE_OTHER, "{}", retire.body);
    let added = app.post_as(Some(&clerk), "/admin/points/new", &add("331003001901", "331003001")).await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let by_admin =
        app.post_as(Some(&admin), &format!("{other}/retire"), &[("version", "1"), ("reason", "合并")]).await;
    assert_eq!(by_admin.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_limited_editor_imports_only_their_towns_changes_and_cannot_undo_imports() {
    use crate::staff_import::{confirm, export, upload};
    let app = TestApp::new().await;
    let (admin, clerk) = limited_clerk(&app).await;
    let exported = export(&app, &clerk).await;
    let exported = exported.trim_start_matches('\u{feff}');

    // Renaming a 院桥镇 point: the preview says why, and applying it anyway is refused.
    let other = app.state.db.point(&OTHER.parse_code()).await.unwrap().unwrap();
    let renamed_other = exported.replace(&other.record.name, "改名测试村");
    let preview = upload(&app, &clerk, renamed_other.as_bytes(), false).await;
    assert_eq!(preview.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        preview.body.contains("这个文件不能由您导入") && preview.body.contains("331003107"),
        "{}",
        preview.body
    );
    let forced = confirm(&app, &clerk, &preview.body).await;
    assert_eq!(forced.status, StatusCode::FORBIDDEN, "{}", forced.body);
    assert_eq!(version(&app, OTHER).await, other.version, "nothing changed");

    // Renaming a 东城街道 point goes through.
    let own = app.state.db.point(&OWN.parse_code()).await.unwrap().unwrap();
    let renamed_own = exported.replace(&own.record.name, "改名测试社区");
    let preview = upload(&app, &clerk, renamed_own.as_bytes(), false).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    let applied = confirm(&app, &clerk, &preview.body).await;
    assert_eq!(applied.status, StatusCode::OK, "{}", applied.body);
    assert_eq!(version(&app, OWN).await, own.version + 1);

    // An import spans towns: undoing one is for unlimited accounts.
    let batch = app.state.db.import_batches().await.unwrap()[0].id;
    let undo = app.post_as(Some(&clerk), &format!("/admin/imports/{batch}/undo"), &[]).await;
    assert_eq!(undo.status, StatusCode::FORBIDDEN);
    let undo = app.post_as(Some(&admin), &format!("/admin/imports/{batch}/undo"), &[]).await;
    assert!(undo.status.is_success() || undo.status.is_redirection(), "{}", undo.status);
}
