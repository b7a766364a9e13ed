//! The staff edit page that cannot go wrong silently: unchanged saves, the three-way merge of
//! two editors' changes, on-site GPS capture and its checks, verification of estimates, and
//! drafts kept across an expired session.

use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use legalmap::domain::gps_fix::format_rfc3339;
use legalmap::domain::staff::Role;

use crate::support::{PASSWORD, ParseCode, Reply, Session, TestApp, csrf_in};

const CODE: &str = "331003001001"; // 百花社区居委会, geocoded
const URI: &str = "/admin/points/331003001001";
const ESTIMATE: &str = "331003107202"; // 沙门店村委会, a town-centre placeholder

/// A form's fields as a browser would post them: text and hidden inputs, checked checkboxes,
/// selected options (HTML entities decoded).
pub(crate) fn form_fields(html: &str, form_id: &str) -> Vec<(String, String)> {
    let start = html.find(&format!("id=\"{form_id}\"")).expect("the form is on the page");
    let form = &html[start..start + html[start..].find("</form>").unwrap()];
    let attribute = |tag: &str, name: &str| {
        tag.split(&format!(" {name}=\"")).nth(1).map(|rest| unescape(rest.split('"').next().unwrap()))
    };
    let mut fields = Vec::new();
    for tag in form.split("<input").skip(1).map(|t| t.split('>').next().unwrap()) {
        let Some(name) = attribute(tag, "name") else { continue };
        if tag.contains("type=\"checkbox\"") && !tag.contains(" checked") {
            continue;
        }
        fields.push((name, attribute(tag, "value").unwrap_or_default()));
    }
    for select in form.split("<select").skip(1) {
        let name = attribute(select.split('>').next().unwrap(), "name").unwrap();
        let body = select.split("</select>").next().unwrap();
        let chosen =
            body.split("<option").skip(1).find(|o| o.split('>').next().unwrap().contains(" selected"));
        let chosen = chosen.or_else(|| body.split("<option").nth(1)).unwrap();
        fields.push((name, attribute(chosen.split('>').next().unwrap(), "value").unwrap()));
    }
    fields
}

fn unescape(text: &str) -> String {
    text.replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
}

pub(crate) fn set(fields: &mut Vec<(String, String)>, name: &str, value: &str) {
    fields.retain(|(k, _)| k != name);
    fields.push((name.to_owned(), value.to_owned()));
}

/// The edit page's form for `uri` as `session` sees it now.
pub(crate) async fn open(app: &TestApp, session: &Session, uri: &str) -> Vec<(String, String)> {
    let page = app.get_as(session, uri).await;
    assert_eq!(page.status, StatusCode::OK);
    form_fields(&page.body, "point-form")
}

async fn post(app: &TestApp, session: Option<&Session>, uri: &str, fields: &[(String, String)]) -> Reply {
    let borrowed: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    app.post_as(session, uri, &borrowed).await
}

pub(crate) async fn saving(
    app: &TestApp,
    session: &Session,
    uri: &str,
    mut fields: Vec<(String, String)>,
) -> Reply {
    set(&mut fields, "action", "save");
    post(app, Some(session), uri, &fields).await
}

async fn history_len(app: &TestApp, code: &str) -> usize {
    app.state.db.point_history(&code.parse_code()).await.unwrap().len()
}

fn now_rfc3339(offset_secs: i64) -> String {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64;
    format_rfc3339(now + offset_secs)
}

#[tokio::test]
async fn saving_an_unchanged_form_writes_nothing_and_says_so() {
    let app = TestApp::new().await;
    let session = app.staff("chen", Role::Editor).await;
    let before = history_len(&app, CODE).await;
    let reply = saving(&app, &session, URI, open(&app, &session, URI).await).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.body.contains("没有修改"), "{}", reply.body);
    assert!(reply.body.contains(r#"id="save-status" tabindex="-1""#), "the banner takes focus");
    let point = app.state.db.point(&CODE.parse_code()).await.unwrap().unwrap();
    assert_eq!(point.version, 1);
    assert_eq!(history_len(&app, CODE).await, before);
}

#[tokio::test]
async fn a_town_centre_location_cannot_be_marked_verified() {
    let app = TestApp::new().await;
    let session = app.staff("chen", Role::Editor).await;
    let uri = format!("/admin/points/{ESTIMATE}");
    let page = app.get_as(&session, &uri).await;
    assert!(page.body.contains("没有可核实的位置") && !page.body.contains("仅标记位置已核实"));
    let refused =
        post(&app, Some(&session), &format!("{uri}/verify"), &[("version".into(), "1".into())]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("镇街中心估算"), "{}", refused.body);
    let mut fields = open(&app, &session, &uri).await;
    set(&mut fields, "verify", "1");
    let refused = saving(&app, &session, &uri, fields).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("尚未保存") && refused.body.contains("镇街中心估算"));
    let point = app.state.db.point(&ESTIMATE.parse_code()).await.unwrap().unwrap();
    assert_eq!((point.version, point.verified), (1, None));
}

#[tokio::test]
async fn an_on_site_fix_is_saved_with_its_accuracy_and_a_poor_one_needs_a_reason() {
    let app = TestApp::new().await;
    let session = app.staff("chen", Role::Editor).await;
    let uri = format!("/admin/points/{ESTIMATE}");
    let mut fields = open(&app, &session, &uri).await;
    let moved = [
        ("lat", "28.5600000"),
        ("lon", "121.2500000"),
        ("crs", "wgs84"),
        ("paste", ""),
        ("confirm_move", "1"),
    ];
    for (name, value) in moved {
        set(&mut fields, name, value);
    }
    set(&mut fields, "fixed_at", &now_rfc3339(-30));

    // Worse than the 50 m default, no reason: refused, and the banner asks for one.
    set(&mut fields, "accuracy_m", "120");
    let refused = saving(&app, &session, &uri, fields.clone()).await;
    assert_eq!(refused.status, StatusCode::OK, "a question to the editor, not an error");
    assert!(refused.body.contains("尚未保存") && refused.body.contains(r#"name="gps_reason""#));
    assert_eq!(history_len(&app, ESTIMATE).await, 1);

    // Nonsense or stale fixes are refused whatever the reason.
    set(&mut fields, "gps_reason", "室内，已对照门牌确认");
    for (accuracy, at) in [
        ("NaN", now_rfc3339(0)),
        ("-5", now_rfc3339(0)),
        ("8", now_rfc3339(-7200)),
        ("8", now_rfc3339(900)),
        ("8", "昨天".into()),
    ] {
        let mut bad = fields.clone();
        set(&mut bad, "accuracy_m", accuracy);
        set(&mut bad, "fixed_at", &at);
        let reply = saving(&app, &session, &uri, bad).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{accuracy} at {at}");
    }

    // With a reason: saved as an on-site fix with its accuracy.
    let saved = saving(&app, &session, &uri, fields.clone()).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let point = app.state.db.point(&ESTIMATE.parse_code()).await.unwrap().unwrap();
    assert_eq!(point.record.location_quality.as_str(), "gps_on_site");
    assert_eq!(point.record.accuracy_m, Some(120.0));
    assert!(point.record.location_fixed_at.is_some());
    let history = app.state.db.point_history(&ESTIMATE.parse_code()).await.unwrap();
    assert!(history[0].reason.as_deref().unwrap().contains("室内"), "the reason is in the history");
    let (_, json) = app.get_json(&format!("/api/v1/points/{ESTIMATE}")).await;
    assert_eq!(json["properties"]["accuracy_m"], 120.0, "{json}");
    let csv = app.get_as(&session, "/admin/export.csv").await.body;
    let row = csv.lines().find(|line| line.starts_with(ESTIMATE)).unwrap();
    assert!(row.ends_with(&format!(",120,{},", point.record.location_fixed_at.as_deref().unwrap())), "{row}");

    // A good fix needs no reason; the staff page shows its accuracy, the public page says so.
    let mut good = open(&app, &session, &uri).await;
    for (name, value) in [("lat", "28.5601000"), ("lon", "121.2501000"), ("accuracy_m", "6.5")] {
        set(&mut good, name, value);
    }
    set(&mut good, "fixed_at", &now_rfc3339(-10));
    assert_eq!(saving(&app, &session, &uri, good).await.status, StatusCode::SEE_OTHER);
    let page = app.get_as(&session, &uri).await;
    assert!(page.body.contains(r#"id="accuracy""#), "the accuracy is on the staff page");
    let (_, public) = app.get_page(&format!("/points/{ESTIMATE}")).await;
    assert!(public.contains("实地核实") && public.contains("定位精度约"));

    // Typed coordinates are staff_set, without accuracy; the public page no longer says 实地核实.
    let mut typed = open(&app, &session, &uri).await;
    set(&mut typed, "lat", "28.5605000");
    set(&mut typed, "accuracy_m", "");
    set(&mut typed, "fixed_at", "");
    assert_eq!(saving(&app, &session, &uri, typed).await.status, StatusCode::SEE_OTHER);
    let point = app.state.db.point(&ESTIMATE.parse_code()).await.unwrap().unwrap();
    assert_eq!((point.record.location_quality.as_str(), point.record.accuracy_m), ("staff_set", None));
    let (_, public) = app.get_page(&format!("/points/{ESTIMATE}")).await;
    assert!(!public.contains("实地核实"), "staff_set is not verified on site");
}

#[tokio::test]
async fn two_editors_changes_merge_and_only_the_same_field_conflicts() {
    let app = TestApp::new().await;
    let chen = app.staff("chen", Role::Editor).await;
    let wang = app.staff("wang", Role::Editor).await;

    // Different fields: both kept.
    let (mut theirs, mut mine) = (open(&app, &chen, URI).await, open(&app, &wang, URI).await);
    set(&mut theirs, "phone", "0576-84000001");
    set(&mut mine, "hours", "周一至周五");
    assert_eq!(saving(&app, &chen, URI, theirs).await.status, StatusCode::SEE_OTHER);
    assert_eq!(saving(&app, &wang, URI, mine).await.status, StatusCode::SEE_OTHER);
    let point = app.state.db.point(&CODE.parse_code()).await.unwrap().unwrap();
    assert_eq!(point.version, 3);
    assert_eq!(
        (point.record.phone.as_deref(), point.record.hours.as_deref()),
        (Some("0576-84000001"), Some("周一至周五"))
    );

    // The same field, to different values: shown side by side with who changed it.
    let (mut theirs, mut mine) = (open(&app, &chen, URI).await, open(&app, &wang, URI).await);
    set(&mut theirs, "name", "百花社区（陈）");
    set(&mut theirs, "address", "劳动北路 1 号");
    set(&mut mine, "name", "百花社区（王）");
    assert_eq!(saving(&app, &chen, URI, theirs).await.status, StatusCode::SEE_OTHER);
    let conflict = saving(&app, &wang, URI, mine).await;
    assert_eq!(conflict.status, StatusCode::CONFLICT);
    assert!(conflict.body.contains("百花社区（陈）") && conflict.body.contains("百花社区（王）"));
    assert!(conflict.body.contains("chen 于"), "who changed it");
    assert!(!conflict.body.contains("<th scope=\"row\">地址"), "the address is not a conflict");
    let point = app.state.db.point(&CODE.parse_code()).await.unwrap().unwrap();
    assert_eq!((point.version, point.record.name.as_str()), (4, "百花社区（陈）"));

    // Saving again from the conflict page keeps the colleague's address.
    let again = form_fields(&conflict.body, "point-form");
    assert_eq!(saving(&app, &wang, URI, again).await.status, StatusCode::SEE_OTHER);
    let point = app.state.db.point(&CODE.parse_code()).await.unwrap().unwrap();
    assert_eq!(point.record.name, "百花社区（王）");
    assert_eq!(point.record.address.as_deref(), Some("劳动北路 1 号"));
    assert_eq!(point.record.phone.as_deref(), Some("0576-84000001"));
}

#[tokio::test]
async fn an_edit_posted_after_the_session_expired_comes_back_after_logging_in() {
    let app = TestApp::new().await;
    let session = app.staff("chen", Role::Editor).await;
    let mut fields = open(&app, &session, URI).await;
    set(&mut fields, "phone", "0576-84999999");
    set(&mut fields, "action", "save");
    // The session ends (logged out elsewhere, or idle too long): the old cookie is dead.
    app.state
        .db
        .delete_session(&legalmap::web::auth::token_hash(session.cookie.split('=').nth(1).unwrap()))
        .await
        .unwrap();
    let login = post(&app, Some(&session), URI, &fields).await;
    assert_eq!(login.status, StatusCode::UNAUTHORIZED);
    assert!(login.body.contains("登录已过期") && login.body.contains("0576-84999999"), "{}", login.body);
    assert!(!login.body.contains(&session.csrf), "the old CSRF token is not carried");

    let mut login_fields = form_fields(&login.body, "login-form");
    set(&mut login_fields, "username", "chen");
    set(&mut login_fields, "password", PASSWORD);
    let body: String = form_urlencoded::Serializer::new(String::new()).extend_pairs(&login_fields).finish();
    let request = Request::post("/admin/login")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("cookie", login.cookie("legalmap_login_csrf").unwrap())
        .body(Body::from(body))
        .unwrap();
    let back = app.send_from(request, [127, 0, 0, 1]).await;
    assert_eq!(back.status, StatusCode::OK);
    assert!(back.cookie("legalmap_session").is_some());
    assert!(back.body.contains("尚未保存") && back.body.contains(r#"value="0576-84999999""#));
    let point = app.state.db.point(&CODE.parse_code()).await.unwrap().unwrap();
    assert_eq!((point.version, point.record.phone), (1, None), "not saved until the editor saves");

    // Saving the restored draft with the new session works.
    let session = Session { cookie: back.cookie("legalmap_session").unwrap(), csrf: csrf_in(&back.body) };
    let draft = form_fields(&back.body, "point-form");
    assert_eq!(saving(&app, &session, URI, draft).await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_login_never_leads_on_to_a_post_only_address() {
    let app = TestApp::new().await;
    let session = app.staff("chen", Role::Admin).await;
    let post_only = [
        format!("{URI}/verify"),
        format!("{URI}/retire"),
        format!("{URI}/restore"),
        "/admin/users/1/disabled".into(),
        "/admin/users/1/password".into(),
        "/admin/import/apply".into(),
        "/admin/logout".into(),
    ];
    for uri in &post_only {
        let reply = post(&app, None, uri, &[("version".into(), "1".into())]).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{uri}");
        let location = reply.location.unwrap();
        let next = location.strip_prefix("/admin/login?next=").unwrap();
        let next: String =
            form_urlencoded::parse(format!("n={next}").as_bytes()).next().unwrap().1.into_owned();
        assert_ne!(&next, uri);
        let page = app.get_as(&session, &next).await;
        assert_eq!(page.status, StatusCode::OK, "{uri} -> {next}");
    }
    // A `next` given by hand is mapped the same way, on the page and after the login.
    let page = app.get_anonymous(&format!("/admin/login?next={URI}/verify")).await;
    assert!(page.body.contains(&format!(r#"name="next" value="{URI}""#)), "{}", page.body);
    let mut fields = form_fields(&page.body, "login-form");
    set(&mut fields, "next", "/admin/logout");
    set(&mut fields, "username", "chen");
    set(&mut fields, "password", PASSWORD);
    let body: String = form_urlencoded::Serializer::new(String::new()).extend_pairs(&fields).finish();
    let request = Request::post("/admin/login")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("cookie", page.cookie("legalmap_login_csrf").unwrap())
        .body(Body::from(body))
        .unwrap();
    let reply = app.send_from(request, [127, 0, 0, 1]).await;
    assert_eq!(reply.location.as_deref(), Some("/admin/points"));
}
