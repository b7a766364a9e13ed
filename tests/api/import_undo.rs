//! Undoing an applied import in one step: values restored as new versions with history, points
//! changed since left alone and listed, and no second undo.

use axum::http::StatusCode;
use legalmap::domain::history::HistoryAction;
use legalmap::domain::staff::Role;

use crate::staff_import::{confirm, export, upload};
use crate::support::{ParseCode, TestApp};

const RENAMED: [(&str, &str); 2] =
    [("331003001001", "百花社区（导入）"), ("331003001002", "东浦社区（导入）")];
const ADDED: &str = "331003004900";

/// The action of the first "撤销这次导入" form of a page.
fn undo_action(page: &str) -> String {
    let at = page.find("撤销这次导入").unwrap_or_else(|| panic!("no undo button: {page}"));
    let before = &page[..at];
    let start = before.rfind("action=\"").unwrap() + "action=\"".len();
    before[start..].split('"').next().unwrap().to_owned()
}

#[tokio::test]
async fn an_import_is_undone_once_leaving_points_changed_since_alone() {
    let app = TestApp::new().await;
    let importer = app.staff("wang", Role::Editor).await;
    let before = app.state.db.all_points().await.unwrap();
    let name_before =
        |code: &str| before.iter().find(|p| p.record.code.as_str() == code).unwrap().record.name.clone();

    // An import renaming two points and adding one.
    let mut csv = export(&app, &importer).await;
    for (code, name) in RENAMED {
        csv = csv.replace(&format!("{code},{},", name_before(code)), &format!("{code},{name},"));
    }
    csv.push_str(&format!(
        "{ADDED},测试社区,331003004,北城街道,community,,,,121.25,28.66,wgs84,geocoded,test,urban,,,\n"
    ));
    let dry_run = upload(&app, &importer, csv.as_bytes(), false).await;
    assert!(dry_run.body.contains("新增 <strong class=\"added\">1</strong>"), "{}", dry_run.body);
    let applied = confirm(&app, &importer, &dry_run.body).await;
    assert!(applied.body.contains("新增 1 个，修改 2 个"), "{}", applied.body);
    let undo_uri = undo_action(&applied.body);
    assert!(undo_uri.starts_with("/admin/imports/") && undo_uri.ends_with("/undo"), "{undo_uri}");

    // The import is listed, and its history entries offer the undo.
    let list = app.get_as(&importer, "/admin/imports").await;
    assert!(list.body.contains("points.csv") && list.body.contains("wang"), "{}", list.body);
    assert_eq!(undo_action(&list.body), undo_uri);
    let history = app.get_as(&importer, &format!("/admin/points/{}/history", RENAMED[0].0)).await;
    assert_eq!(undo_action(&history.body), undo_uri);

    // A colleague retires the second renamed point after the import.
    let colleague = app.staff("chen", Role::Editor).await;
    let retired = app
        .post_as(
            Some(&colleague),
            &format!("/admin/points/{}/retire", RENAMED[1].0),
            &[("version", "2"), ("reason", "村庄合并")],
        )
        .await;
    assert_eq!(retired.status, StatusCode::SEE_OTHER, "{}", retired.body);

    let undone = app.post_as(Some(&importer), &undo_uri, &[]).await;
    assert_eq!(undone.status, StatusCode::OK, "{}", undone.body);
    assert!(undone.body.contains("恢复 <strong class=\"restored\">2</strong> 个服务点"), "{}", undone.body);
    assert!(undone.body.contains("<strong class=\"skipped\">1</strong> 个服务点在导入之后又被修改过"));
    assert!(
        undone.body.contains(&format!("{} {}", RENAMED[1].0, RENAMED[1].1)),
        "the skipped point is listed"
    );
    assert!(undone.body.contains("最近由 chen"));

    // The renamed point has its old name back, as a new version with an undo history row.
    let db = &app.state.db;
    let first = db.point(&RENAMED[0].0.parse_code()).await.unwrap().unwrap();
    assert_eq!(first.record.name, name_before(RENAMED[0].0));
    assert_eq!(first.version, 3);
    let entries = db.point_history(&RENAMED[0].0.parse_code()).await.unwrap();
    assert_eq!(entries[0].action, HistoryAction::Undo);
    assert_eq!(entries[0].changed_by, "wang");
    assert!(entries[0].reason.as_deref().unwrap().starts_with("撤销导入 #"), "{:?}", entries[0].reason);
    assert_eq!(entries[0].old.as_ref().unwrap().record.name, RENAMED[0].1);
    assert_eq!(entries[0].import_batch_id, None, "the undo is not part of the import");
    assert!(entries[1].import_batch_id.is_some());
    // The added point leaves the map (its row and history stay).
    let added = db.point(&ADDED.parse_code()).await.unwrap().unwrap();
    assert!(!added.active);
    assert_eq!(db.point_history(&ADDED.parse_code()).await.unwrap()[0].action, HistoryAction::Undo);
    assert_eq!(app.get_json(&format!("/api/v1/points/{ADDED}")).await.0, StatusCode::NOT_FOUND);
    // The colleague's change stands.
    let second = db.point(&RENAMED[1].0.parse_code()).await.unwrap().unwrap();
    assert_eq!((second.record.name.as_str(), second.active, second.version), (RENAMED[1].1, false, 3));

    // Once only.
    let again = app.post_as(Some(&importer), &undo_uri, &[]).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(again.body.contains("不能再次撤销"), "{}", again.body);
    assert_eq!(db.point(&RENAMED[0].0.parse_code()).await.unwrap().unwrap().version, 3);
    let list = app.get_as(&importer, "/admin/imports").await;
    assert!(list.body.contains("已由 wang 于") && !list.body.contains("撤销这次导入"), "{}", list.body);

    // Without the session's CSRF token, or for no such import, nothing happens.
    let forged = app.post_as(Some(&importer), "/admin/imports/999/undo", &[("csrf", "forged")]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert_eq!(
        app.post_as(Some(&importer), "/admin/imports/999/undo", &[]).await.status,
        StatusCode::NOT_FOUND
    );
}
