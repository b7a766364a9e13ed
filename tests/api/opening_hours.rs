//! Structured opening hours end to end: staff enter them as weekday rows (or OpenStreetMap text),
//! bad ranges are refused with the row named, the CSV carries them both ways, and the public
//! pages and the API show them, with whether the point is open now.

use axum::http::StatusCode;
use legalmap::domain::staff::Role;
use legalmap::domain::{OpeningHours, ServicePoint};

use crate::edit_safety::{form_fields, open, saving, set};
use crate::staff_import::{confirm, export, upload};
use crate::support::{ParseCode, Session, TestApp};

const CODE: &str = "331003001001"; // 百花社区居委会
const URI: &str = "/admin/points/331003001001";
const OFFICE: &str = "Mo-Fr 08:30-12:00,13:30-17:30; Sa 09:00-12:00";

async fn stored(app: &TestApp) -> ServicePoint {
    app.state.db.point(&CODE.parse_code()).await.unwrap().unwrap()
}

/// The office week as the form's rows: Monday to Friday with a lunch break, Saturday morning.
fn office_rows(fields: &mut Vec<(String, String)>) {
    for day in 1..=5 {
        set(fields, &format!("oh1_d{day}"), "1");
    }
    for (name, value) in [("oh1_from1", "08:30"), ("oh1_to1", "12:00"), ("oh1_from2", "13:30")] {
        set(fields, name, value);
    }
    for (name, value) in [("oh1_to2", "17:30"), ("oh2_d6", "1"), ("oh2_from1", "09:00"), ("oh2_to1", "12:00")]
    {
        set(fields, name, value);
    }
}

/// Saves `text` as the point's opening hours through the advanced field.
async fn save_text(app: &TestApp, session: &Session, text: &str) {
    let mut fields = open(app, session, URI).await;
    (1..=3).for_each(|row| {
        (1..=7).for_each(|day| fields.retain(|(k, _)| *k != format!("oh{row}_d{day}")));
        for field in ["from1", "to1", "from2", "to2"] {
            set(&mut fields, &format!("oh{row}_{field}"), "");
        }
    });
    set(&mut fields, "opening_hours", text);
    let reply = saving(app, session, URI, fields).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{text}: {}", reply.body);
}

#[tokio::test]
async fn staff_rows_are_stored_as_openstreetmap_text_and_read_back_unchanged() {
    let app = TestApp::new().await;
    let session = app.staff("chen", Role::Editor).await;
    let mut fields = open(&app, &session, URI).await;
    office_rows(&mut fields);
    set(&mut fields, "hours", "法定节假日休息");
    let reply = saving(&app, &session, URI, fields).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let point = stored(&app).await;
    assert_eq!(point.record.opening_hours.as_ref().map(OpeningHours::as_str), Some(OFFICE));
    assert_eq!(point.record.hours.as_deref(), Some("法定节假日休息"));

    // The edit page shows the rows again (not the text), and saving it as it is changes nothing.
    let page = app.get_as(&session, URI).await.body;
    assert!(
        page.contains(r#"name="oh1_d5" value="1" checked"#)
            && !page.contains(r#"name="oh1_d6" value="1" checked"#)
    );
    assert!(
        page.contains(r#"name="oh1_from2" value="13:30""#)
            && page.contains(r#"name="oh2_to1" value="12:00""#)
    );
    assert!(page.contains(r#"name="opening_hours" value="""#), "the advanced field is empty");
    let unchanged = saving(&app, &session, URI, form_fields(&page, "point-form")).await;
    assert_eq!(unchanged.status, StatusCode::OK);
    assert!(unchanged.body.contains("没有修改"), "{}", unchanged.body);
    assert_eq!(stored(&app).await.version, point.version);

    // History names the field as staff know it.
    let history = app.get_as(&session, &format!("{URI}/history")).await.body;
    assert!(history.contains("办公时间") && history.contains(OFFICE), "{history}");
}

#[tokio::test]
async fn hours_the_rows_cannot_show_are_edited_as_text_and_kept_as_they_are() {
    let app = TestApp::new().await;
    let session = app.staff("chen", Role::Editor).await;
    save_text(&app, &session, "mo-fr 09:00-17:00; PH off").await;
    let point = stored(&app).await;
    let text = "Mo-Fr 09:00-17:00; PH closed";
    assert_eq!(point.record.opening_hours.as_ref().map(OpeningHours::as_str), Some(text));
    let page = app.get_as(&session, URI).await.body;
    assert!(page.contains(&format!(r#"name="opening_hours" value="{text}""#)), "shown as text");
    assert!(!page.contains(r#"name="oh1_d1" value="1" checked"#), "no rows");
    let unchanged = saving(&app, &session, URI, form_fields(&page, "point-form")).await;
    assert!(unchanged.body.contains("没有修改"));
    assert_eq!(stored(&app).await.version, point.version);

    // Emptying everything makes the hours unknown again.
    save_text(&app, &session, "").await;
    assert_eq!(stored(&app).await.record.opening_hours, None);
}

#[tokio::test]
async fn bad_rows_and_bad_text_are_refused_naming_the_problem() {
    let app = TestApp::new().await;
    let session = app.staff("chen", Role::Editor).await;
    let cases: [(&[(&str, &str)], &str); 5] = [
        (
            &[("oh1_d1", "1"), ("oh1_from1", "12:00"), ("oh1_to1", "08:30")],
            "办公时间第 1 行：12:00 应早于 08:30",
        ),
        (&[("oh2_from1", "08:00"), ("oh2_to1", "12:00")], "办公时间第 2 行：请至少勾选一天"),
        (&[("oh1_d3", "1")], "办公时间第 1 行：请填写时段"),
        (&[("oh1_d1", "1"), ("oh1_from1", "08:00"), ("oh1_to1", "8点")], "请把开始和结束时间都填写完整"),
        (&[("opening_hours", "周一至周五 8:30-17:00")], "无法识别"),
    ];
    for (overrides, message) in cases {
        let mut fields = open(&app, &session, URI).await;
        for (name, value) in overrides {
            set(&mut fields, name, value);
        }
        let reply = saving(&app, &session, URI, fields).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{message}");
        assert!(reply.body.contains(message), "{message}: {}", reply.body);
    }
    // A day in two rows, and rows with text too.
    let mut fields = open(&app, &session, URI).await;
    office_rows(&mut fields);
    set(&mut fields, "oh3_d1", "1");
    set(&mut fields, "oh3_from1", "18:00");
    set(&mut fields, "oh3_to1", "20:00");
    let reply = saving(&app, &session, URI, fields.clone()).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("周一同时勾选在第 1 行和第 3 行"), "{}", reply.body);
    set(&mut fields, "oh3_d1", "");
    set(&mut fields, "opening_hours", "24/7");
    let reply = saving(&app, &session, URI, fields).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("只用一种方式"), "{}", reply.body);
    assert_eq!(stored(&app).await.version, 1, "nothing saved");
}

#[tokio::test]
async fn the_csv_carries_opening_hours_both_ways_and_bad_ones_name_their_row() {
    let app = TestApp::new().await;
    let session = app.staff("chen", Role::Editor).await;
    let csv = export(&app, &session).await;
    let header = csv.lines().next().unwrap();
    assert!(header.ends_with(",location_fixed_at,opening_hours"), "{header}");
    // Give the first point hours in the file (unnormalized), import, export again.
    let mut lines: Vec<String> = csv.lines().map(str::to_owned).collect();
    lines[1].push_str("mo-fr 08:30-17:00");
    let dry_run = upload(&app, &session, lines.join("\n").as_bytes(), false).await;
    assert_eq!(dry_run.status, StatusCode::OK, "{}", dry_run.body);
    assert!(dry_run.body.contains("修改 <strong class=\"changed\">1</strong>"), "{}", dry_run.body);
    assert!(dry_run.body.contains("百花社区居委会：办公时间"), "the field is named");
    let applied = confirm(&app, &session, &dry_run.body).await;
    assert!(applied.body.contains("修改 1 个"), "{}", applied.body);
    let point = stored(&app).await;
    assert_eq!(point.record.opening_hours.as_ref().map(OpeningHours::as_str), Some("Mo-Fr 08:30-17:00"));
    let again = export(&app, &session).await;
    assert!(
        again.lines().nth(1).unwrap().ends_with(",Mo-Fr 08:30-17:00"),
        "{}",
        again.lines().nth(1).unwrap()
    );
    // Importing the export changes nothing.
    let dry_run = upload(&app, &session, again.as_bytes(), false).await;
    assert!(dry_run.body.contains("修改 <strong class=\"changed\">0</strong>"), "{}", dry_run.body);

    lines[2].push_str("Mo-Fr 8点到5点");
    let refused = upload(&app, &session, lines.join("\n").as_bytes(), false).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("第 3 行") && refused.body.contains("无法识别"), "{}", refused.body);
}

#[tokio::test]
async fn the_public_pages_and_the_api_say_whether_a_point_is_open() {
    let app = TestApp::new().await;
    let session = app.staff("chen", Role::Editor).await;
    let page = format!("/points/{CODE}");
    let (_, unknown) = app.get_page(&page).await;
    assert!(unknown.contains("暂未登记"), "unknown hours say so");
    assert!(!unknown.contains("营业中") && !unknown.contains("已休息"), "and claim nothing");

    save_text(&app, &session, "24/7").await;
    let (status, always) = app.get_page(&page).await;
    assert_eq!(status, StatusCode::OK);
    assert!(always.contains("营业中") && always.contains("全天开放"), "{always}");
    let (_, list) = app.get_page(&format!("/nearest?code={CODE}")).await;
    assert!(list.contains("营业中"), "the results list shows the status");

    save_text(&app, &session, "off").await;
    let (_, closed) = app.get_page(&page).await;
    assert!(closed.contains("已休息") && !closed.contains("营业中"), "{closed}");

    let (_, feature) = app.get_json(&format!("/api/v1/points/{CODE}")).await;
    assert_eq!(feature["properties"]["opening_hours"], "24/7 closed");
    let at = stored(&app).await.record.location;
    let (_, nearest) =
        app.get_json(&format!("/api/v1/nearest?lat={}&lon={}&limit=1", at.lat(), at.lon())).await;
    assert_eq!(nearest["results"][0]["opening_hours"], "24/7 closed", "{nearest}");
}
