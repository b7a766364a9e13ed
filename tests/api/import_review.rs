//! What the import preview tells staff before anything changes: rows named as Excel numbers
//! them, valid and bad rows counted, the complete-list option for admins only, and a second
//! confirmation before retiring many points.

use axum::http::StatusCode;
use legalmap::domain::staff::Role;

use crate::staff_import::{confirm, confirm_with, export, upload};
use crate::support::TestApp;

const HEADER: &str = "code,name,town_code,town,kind,address,phone,hours,lon,lat,crs,location_quality,source";

/// Header, a good row, a row with a longitude out of range (Excel row 3), another good row.
fn file_with_bad_third_row(ending: &str) -> String {
    [
        HEADER,
        "331003001001,百花社区,331003001,东城街道,community,,,,121.268439,28.644744,gcj02,geocoded,test",
        "331003001002,东浦社区,331003001,东城街道,community,,,,181.5,28.65,wgs84,geocoded,test",
        "331003001003,塔苑社区,331003001,东城街道,community,\"东城路\n3号\",,,121.27,28.65,wgs84,geocoded,test",
        "331003001004,山亭社区,331003001,东城街道,community,,,,191.5,28.65,wgs84,geocoded,test",
    ]
    .map(|line| line.replace('\n', ending))
    .join(ending)
        + ending
}

#[tokio::test]
async fn crlf_and_lf_files_name_the_same_bad_rows_as_excel_does() {
    let app = TestApp::new().await;
    let session = app.staff("chen", Role::Editor).await;
    for (label, bytes) in [
        ("LF", file_with_bad_third_row("\n").into_bytes()),
        ("CRLF", file_with_bad_third_row("\r\n").into_bytes()),
        ("CRLF with BOM", [b"\xEF\xBB\xBF".as_slice(), file_with_bad_third_row("\r\n").as_bytes()].concat()),
    ] {
        let reply = upload(&app, &session, &bytes, false).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        let body = &reply.body;
        assert!(
            body.contains("第 3 行：经度超出范围（longitude 181.5 is outside -180..180"),
            "{label}: {body}"
        );
        // The address of row 4 spans two lines of the file: row 5 is still row 5.
        assert!(body.contains("第 5 行：经度超出范围（longitude 191.5"), "{label}: {body}");
        assert!(!body.contains("第 6 行") && !body.contains("第 2 行"), "{label}: {body}");
    }
}

#[tokio::test]
async fn the_preview_counts_valid_and_bad_rows() {
    let app = TestApp::new().await;
    let session = app.staff("chen", Role::Editor).await;
    let mut csv = export(&app, &session).await;
    // A bad row, and a row repeating a code: both bad, neither counted valid.
    csv.push_str("331003001999,,331003001,东城街道,community,,,,121.26,28.64,wgs84,geocoded,test,urban\n");
    let repeated = csv.lines().nth(1).unwrap().to_owned();
    csv.push_str(&repeated);
    csv.push('\n');
    let reply = upload(&app, &session, csv.as_bytes(), false).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("<strong class=\"valid-rows\">346</strong> 行有效"), "{}", reply.body);
    assert!(reply.body.contains("<strong class=\"bad-rows\">2</strong> 行有问题"), "{}", reply.body);
    assert!(reply.body.contains("第 349 行：编码重复，首次出现在第 2 行"), "{}", reply.body);

    let good = upload(&app, &session, export(&app, &session).await.as_bytes(), false).await;
    assert_eq!(good.status, StatusCode::OK);
    assert!(good.body.contains("<strong class=\"valid-rows\">346</strong> 行有效"));
    assert!(good.body.contains("<strong class=\"bad-rows\">0</strong> 行有问题"));
}

#[tokio::test]
async fn only_admins_may_say_the_file_is_the_complete_list() {
    let app = TestApp::new().await;
    let editor = app.staff("chen", Role::Editor).await;
    let admin = app.staff("wang", Role::Admin).await;
    let page = app.get_as(&editor, "/admin/import").await;
    assert!(!page.body.contains("retire_missing"), "the editor does not see the option");
    assert!(app.get_as(&admin, "/admin/import").await.body.contains("name=\"retire_missing\""));

    let csv = export(&app, &editor).await;
    let refused = upload(&app, &editor, csv.as_bytes(), true).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let dry_run = upload(&app, &editor, csv.as_bytes(), false).await;
    assert_eq!(dry_run.status, StatusCode::OK);
    // A crafted confirmation with the option ticked is refused too.
    let forced = confirm_with(
        &app,
        &editor,
        &dry_run.body.replace("name=\"retire_missing\" value=\"0\"", "name=\"retire_missing\" value=\"1\""),
        &[],
    )
    .await;
    assert_eq!(forced.status, StatusCode::FORBIDDEN);
    assert_eq!(app.state.db.active_points().await.unwrap().len(), 346);
}

#[tokio::test]
async fn retiring_more_than_a_tenth_of_the_points_needs_a_second_confirmation() {
    let app = TestApp::new().await;
    let admin = app.staff("wang", Role::Admin).await;
    // The export without its last 40 rows, as "the complete list": 40 of 346 would be retired.
    let csv = export(&app, &admin).await;
    let kept: Vec<&str> = csv.lines().take(1 + 346 - 40).collect();
    let dry_run = upload(&app, &admin, (kept.join("\n") + "\n").as_bytes(), true).await;
    assert_eq!(dry_run.status, StatusCode::OK);
    assert!(
        dry_run.body.contains("导入预览：将撤销 <strong class=\"retired\">40</strong> 个服务点"),
        "{}",
        dry_run.body
    );
    assert!(dry_run.body.contains("我确认撤销这 40 个服务点"));

    let refused = confirm(&app, &admin, &dry_run.body).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("请勾选“我确认撤销这 40 个服务点”"), "{}", refused.body);
    assert!(refused.body.contains("确认导入"), "the preview is shown again");
    assert_eq!(app.state.db.active_points().await.unwrap().len(), 346, "nothing applied");
    // A confirmation of another number is no confirmation.
    let wrong = confirm_with(&app, &admin, &refused.body, &[("confirm_retire", "4")]).await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);

    let applied = confirm_with(&app, &admin, &refused.body, &[("confirm_retire", "40")]).await;
    assert_eq!(applied.status, StatusCode::OK, "{}", applied.body);
    assert!(applied.body.contains("撤销 40 个"));
    assert_eq!(app.state.db.active_points().await.unwrap().len(), 306);

    // Retiring a few (within a tenth) needs no second confirmation.
    let kept: Vec<&str> = csv.lines().take(1 + 346 - 40 - 5).collect();
    let dry_run = upload(&app, &admin, (kept.join("\n") + "\n").as_bytes(), true).await;
    assert!(!dry_run.body.contains("我确认撤销"));
    let applied = confirm(&app, &admin, &dry_run.body).await;
    assert!(applied.body.contains("撤销 5 个"), "{}", applied.body);
}
