//! Editing points as staff: each datum, preview, confirmations, validation, conflicts, history
//! and restore, retire and add, and the change reaching the public API at once.

use axum::http::StatusCode;
use legalmap::domain::fields::{FieldValue, PointField};
use legalmap::domain::history::FieldChange;
use legalmap::domain::staff::Role;
use legalmap::domain::{Datum, LonLat};

use crate::support::{ParseCode, Session, TestApp};

const CODE: &str = "331003001001"; // 百花社区居委会
const URI: &str = "/admin/points/331003001001";

async fn stored(app: &TestApp, code: &str) -> legalmap::domain::ServicePoint {
    app.state.db.point(&code.parse_code()).await.unwrap().unwrap()
}

/// The edit form's fields for the stored point, with overrides.
async fn form_fields(app: &TestApp, overrides: &[(&'static str, String)]) -> Vec<(&'static str, String)> {
    let point = stored(app, CODE).await;
    let mut fields: Vec<(&'static str, String)> = vec![
        ("version", point.version.to_string()),
        ("name", point.record.name.clone()),
        ("kind", point.record.kind.to_string()),
        ("area_type", point.record.area_type.to_string()),
        ("lat", point.record.location.lat().to_string()),
        ("lon", point.record.location.lon().to_string()),
        ("crs", "wgs84".into()),
        ("action", "save".into()),
    ];
    for (key, value) in overrides {
        fields.retain(|(k, _)| k != key);
        fields.push((key, value.clone()));
    }
    fields
}

async fn post(
    app: &TestApp,
    session: &Session,
    uri: &str,
    fields: &[(&'static str, String)],
) -> crate::support::Reply {
    let borrowed: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    app.post_as(Some(session), uri, &borrowed).await
}

/// A spot 300 m north-east of the point, inside the district.
fn nearby(point: LonLat) -> LonLat {
    LonLat::parse(point.lon() + 0.0022, point.lat() + 0.0019).unwrap()
}

#[tokio::test]
async fn an_edit_in_each_datum_stores_the_right_wgs84_position() {
    let app = TestApp::new().await;
    let session = app.staff("chen", Role::Editor).await;
    let start = stored(&app, CODE).await.record.location;
    for (step, datum) in Datum::ALL.into_iter().enumerate() {
        let target = LonLat::parse(start.lon() + 0.001 * step as f64, start.lat() + 0.0015).unwrap();
        let given = datum.from_wgs84(target);
        let fields = form_fields(
            &app,
            &[("lat", given.lat().to_string()), ("lon", given.lon().to_string()), ("crs", datum.to_string())],
        )
        .await;
        let reply = post(&app, &session, URI, &fields).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{datum}: {}", reply.body);
        let saved = stored(&app, CODE).await.record.location;
        assert!(saved.distance_m(target) < 0.01, "{datum}: stored {saved:?}, wanted {target:?}");
    }
    // Pasted from Amap (lng,lat) and from Baidu (lat,lng) in their own datums.
    for (step, (paste, datum)) in
        [("{lon},{lat}", Datum::Gcj02), ("{lat}, {lon}", Datum::Bd09)].into_iter().enumerate()
    {
        let target = LonLat::parse(nearby(start).lon(), nearby(start).lat() + 0.0005 * step as f64).unwrap();
        let given = datum.from_wgs84(target);
        let text =
            paste.replace("{lon}", &given.lon().to_string()).replace("{lat}", &given.lat().to_string());
        let fields = form_fields(&app, &[("paste", text), ("crs", datum.to_string())]).await;
        assert_eq!(post(&app, &session, URI, &fields).await.status, StatusCode::SEE_OTHER);
        assert!(stored(&app, CODE).await.record.location.distance_m(target) < 0.01, "{paste}");
    }
    let point = stored(&app, CODE).await;
    assert_eq!(point.record.location_quality.as_str(), "staff_set");
    assert_eq!(point.record.source, "staff: chen");
}

#[tokio::test]
async fn preview_shows_where_the_point_lands_and_saves_nothing() {
    let app = TestApp::new().await;
    let session = app.staff("chen", Role::Editor).await;
    let target = nearby(stored(&app, CODE).await.record.location);
    let gcj = Datum::Gcj02.from_wgs84(target);
    let fields = form_fields(
        &app,
        &[
            ("paste", format!("{},{}", gcj.lon(), gcj.lat())),
            ("crs", "gcj02".into()),
            ("action", "preview".into()),
        ],
    )
    .await;
    let reply = post(&app, &session, URI, &fields).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.body.contains(&format!("{:.6}, {:.6}", target.lon(), target.lat())), "WGS-84 shown");
    assert!(reply.body.contains("距原位置 3") && reply.body.contains("在黄岩区界内"));
    assert_eq!(stored(&app, CODE).await.version, 1);
}

#[tokio::test]
async fn long_moves_and_places_outside_the_district_need_confirmation() {
    let app = TestApp::new().await;
    let session = app.staff("chen", Role::Editor).await;
    let far = LonLat::parse(121.20, 28.60).unwrap(); // kilometres away, still in the district
    let fields = form_fields(&app, &[("lat", far.lat().to_string()), ("lon", far.lon().to_string())]).await;
    let reply = post(&app, &session, URI, &fields).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.body.contains("name=\"confirm_move\""));
    assert_eq!(stored(&app, CODE).await.version, 1);
    let mut confirmed = fields.clone();
    confirmed.push(("confirm_move", "1".into()));
    assert_eq!(post(&app, &session, URI, &confirmed).await.status, StatusCode::SEE_OTHER);

    // Jiaojiao district, next door: outside Huangyan.
    let outside = [("lat", "28.68".to_owned()), ("lon", "121.44".to_owned()), ("confirm_move", "1".into())];
    let fields = form_fields(&app, &outside).await;
    let reply = post(&app, &session, URI, &fields).await;
    assert!(reply.body.contains("不在黄岩区界内") && reply.body.contains("name=\"outside_reason\""));
    let mut with_box_only = fields.clone();
    with_box_only.push(("confirm_outside", "1".into()));
    assert_eq!(
        post(&app, &session, URI, &with_box_only).await.status,
        StatusCode::OK,
        "a reason is needed too"
    );
    with_box_only.push(("outside_reason", "服务点设在相邻街道的联合办公点".into()));
    assert_eq!(post(&app, &session, URI, &with_box_only).await.status, StatusCode::SEE_OTHER);
    let history = app.state.db.point_history(&CODE.parse_code()).await.unwrap();
    assert!(history[0].reason.as_deref().unwrap().contains("区界外：服务点设在相邻街道的联合办公点"));
}

#[tokio::test]
async fn bad_fields_are_listed_and_nothing_is_saved() {
    let app = TestApp::new().await;
    let session = app.staff("chen", Role::Editor).await;
    for (overrides, message) in [
        (vec![("name", String::new())], "名称必填"),
        (vec![("phone", "call me".into())], "电话格式不正确"),
        (vec![("paste", "30,40".into())], "无法判断"),
        (vec![("lat", "abc".into())], "纬度须为数字"),
        (vec![("lat", "95".into())], "坐标超出范围"),
        (vec![("crs", "mars".into())], "请选择坐标系"),
        (vec![("kind", "castle".into())], "请选择类型"),
    ] {
        let fields = form_fields(&app, &overrides).await;
        let reply = post(&app, &session, URI, &fields).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{message}");
        assert!(reply.body.contains(message), "{message}");
    }
    assert_eq!(stored(&app, CODE).await.version, 1);
}

#[tokio::test]
async fn the_second_of_two_overlapping_saves_is_refused_showing_what_changed() {
    let app = TestApp::new().await;
    let first = app.staff("chen", Role::Editor).await;
    let second = app.staff("wang", Role::Editor).await;
    // Both opened the form at version 1.
    let theirs = form_fields(&app, &[("phone", "0576-84000001".into())]).await;
    let mine = form_fields(&app, &[("phone", "0576-84000002".into()), ("hours", "周一至周五".into())]).await;
    assert_eq!(post(&app, &first, URI, &theirs).await.status, StatusCode::SEE_OTHER);
    let refused = post(&app, &second, URI, &mine).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(refused.body.contains("尚未保存"));
    assert!(
        refused.body.contains("0576-84000001") && refused.body.contains("0576-84000002"),
        "both values shown"
    );
    let point = stored(&app, CODE).await;
    assert_eq!((point.version, point.record.phone.as_deref()), (2, Some("0576-84000001")));
    // The refused form now carries version 2: saving again is a deliberate overwrite.
    assert!(refused.body.contains(r#"name="version" value="2""#));
}

#[tokio::test]
async fn history_records_every_change_and_an_old_version_can_be_restored() {
    let app = TestApp::new().await;
    let session = app.staff("chen", Role::Editor).await;
    let original = stored(&app, CODE).await;
    let fields = form_fields(&app, &[("name", "百花社区".into()), ("reason", "更名".into())]).await;
    assert_eq!(post(&app, &session, URI, &fields).await.status, StatusCode::SEE_OTHER);
    let verify = post(&app, &session, &format!("{URI}/verify"), &[("version", "2".into())]).await;
    assert_eq!(verify.status, StatusCode::SEE_OTHER);

    let history = app.state.db.point_history(&CODE.parse_code()).await.unwrap();
    let actions: Vec<&str> = history.iter().map(|h| h.action.as_str()).collect();
    assert_eq!(actions, ["verify", "edit", "import"]);
    let edit = &history[1];
    assert_eq!((edit.changed_by.as_str(), edit.reason.as_deref(), edit.version), ("chen", Some("更名"), 2));
    let name = |text| FieldValue::Text(Some(text));
    let renamed =
        FieldChange {
            field: PointField::Name, old: Some(name("百花社区居委会")), new: name("百花社区")
        };
    assert_eq!(edit.changes(), [renamed]);
    let page = app.get_as(&session, &format!("{URI}/history")).await;
    assert!(page.body.contains("百花社区居委会") && page.body.contains("恢复到这一版"));
    assert!(page.body.contains("<td>名称</td>"), "fields by their labels");

    let import_entry = history[2].id.to_string();
    let restore = post(
        &app,
        &session,
        &format!("{URI}/restore"),
        &[("version", "3".into()), ("history_id", import_entry)],
    )
    .await;
    assert_eq!(restore.status, StatusCode::SEE_OTHER);
    let restored = stored(&app, CODE).await;
    assert_eq!(restored.record, original.record);
    assert_eq!(restored.version, 4);
    let history = app.state.db.point_history(&CODE.parse_code()).await.unwrap();
    assert_eq!(history[0].action.as_str(), "restore");
    let (_, api) = app.get_json("/api/v1/points/331003001001").await;
    assert_eq!(api["properties"]["name"], "百花社区居委会");
}

#[tokio::test]
async fn a_saved_move_is_in_nearest_at_once() {
    let app = TestApp::new().await;
    let session = app.staff("chen", Role::Editor).await;
    // Move 百花 onto the 宁溪镇 centre, far from where it was.
    let ningxi = LonLat::parse(120.97, 28.59).unwrap();
    let fields =
        form_fields(&app, &[("lat", "28.59".into()), ("lon", "120.97".into()), ("confirm_move", "1".into())])
            .await;
    assert_eq!(post(&app, &session, URI, &fields).await.status, StatusCode::SEE_OTHER);
    let (_, nearest) = app.get_json("/api/v1/nearest?lat=28.59&lon=120.97&limit=1").await;
    assert_eq!(nearest["results"][0]["code"], CODE);
    assert!(nearest["results"][0]["distance_m"].as_f64().unwrap() < 0.5);
    assert!(ningxi.distance_m(stored(&app, CODE).await.record.location) < 0.01);
}

#[tokio::test]
async fn a_retired_point_leaves_the_public_side_and_a_new_one_joins_it() {
    let app = TestApp::new().await;
    let session = app.staff("chen", Role::Editor).await;
    let retire = format!("{URI}/retire");
    let no_reason = post(&app, &session, &retire, &[("version", "1".into())]).await;
    assert_eq!(no_reason.status, StatusCode::BAD_REQUEST);
    let done =
        post(&app, &session, &retire, &[("version", "1".into()), ("reason", "并入东浦社区".into())]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(app.get_json("/api/v1/points/331003001001").await.0, StatusCode::NOT_FOUND);
    let (_, all) = app.get_json("/api/v1/points").await;
    assert_eq!(all["features"].as_array().unwrap().len(), 345);
    let (_, nearest) = app.get_json("/api/v1/nearest?lat=28.6478&lon=121.2642&limit=50").await;
    assert!(nearest["results"].as_array().unwrap().iter().all(|r| r["code"] != CODE));
    assert_eq!(app.state.db.point_history(&CODE.parse_code()).await.unwrap().len(), 2, "history kept");

    let add = [
        ("code", "331003004006".to_owned()),
        ("town_code", "331003004".to_owned()),
        ("name", "翠屏社区".to_owned()),
        ("kind", "community".to_owned()),
        ("area_type", "urban".to_owned()),
        ("lat", "28.665".to_owned()),
        ("lon", "121.245".to_owned()),
        ("crs", "wgs84".to_owned()),
        ("action", "save".to_owned()),
    ];
    let reply = post(&app, &session, "/admin/points/new", &add).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let (status, feature) = app.get_json("/api/v1/points/331003004006").await;
    assert_eq!((status, feature["properties"]["town"].as_str()), (StatusCode::OK, Some("北城街道")));
    let again = post(&app, &session, "/admin/points/new", &add).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn verification_shows_on_the_public_page() {
    let app = TestApp::new().await;
    let session = app.staff("chen", Role::Editor).await;
    let (_, before) = app.get_page("/points/331003001001").await;
    assert!(!before.contains("已由司法局工作人员"));
    let reply = post(&app, &session, &format!("{URI}/verify"), &[("version", "1".into())]).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let (_, after) = app.get_page("/points/331003001001").await;
    assert!(after.contains("已由司法局工作人员于") && after.contains("核实"));
    assert!(!after.contains("chen"), "staff names stay internal");
    let stale = post(&app, &session, &format!("{URI}/verify"), &[("version", "1".into())]).await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn saving_other_fields_keeps_the_location_and_its_quality() {
    let app = TestApp::new().await;
    let session = app.staff("chen", Role::Editor).await;
    let estimate = "331003107202"; // a town-centre placeholder
    let uri = format!("/admin/points/{estimate}");
    // The form as the edit page fills it (coordinates to 7 decimals), with a phone number added.
    let page = app.get_as(&session, &uri).await;
    let value = |name: &str| {
        page.body
            .split(&format!("name=\"{name}\" value=\""))
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_owned()
    };
    let fields = [
        ("version", value("version")),
        ("name", value("name")),
        ("kind", "village".to_owned()),
        ("area_type", "rural".to_owned()),
        ("lat", value("lat")),
        ("lon", value("lon")),
        ("crs", "wgs84".to_owned()),
        ("phone", "0576-84111111".to_owned()),
        ("action", "save".to_owned()),
    ];
    let before = stored(&app, estimate).await;
    assert_eq!(post(&app, &session, &uri, &fields).await.status, StatusCode::SEE_OTHER);
    let after = stored(&app, estimate).await;
    assert_eq!(after.record.location, before.record.location, "not moved by rounding");
    assert_eq!(after.record.location_quality.as_str(), "town_centre", "still an estimate");
    assert_eq!(after.record.source, before.record.source);
    assert_eq!(after.record.phone.as_deref(), Some("0576-84111111"));
}
