//! Bulk import on the staff side: dry run, apply, bad rows, GBK files, the NBS 2021 update,
//! and export.

use axum::http::StatusCode;
use legalmap::domain::staff::Role;
use legalmap::points::csv_file;
use legalmap::web::upload::{MAX_UPLOAD_BYTES, max_upload_label};

use crate::support::{Reply, Session, TestApp, multipart_body};

/// Uploads `bytes` as the import form does, ticking "retire missing" or not.
pub(crate) async fn upload(app: &TestApp, session: &Session, bytes: &[u8], retire_missing: bool) -> Reply {
    let fields: &[(&str, &str)] = if retire_missing { &[("retire_missing", "1")] } else { &[] };
    app.upload_as(session, "/admin/import", fields, bytes).await
}

/// The value of a hidden input of the dry-run page.
pub(crate) fn hidden(page: &str, name: &str) -> String {
    page.split(&format!("name=\"{name}\" value=\"")).nth(1).unwrap().split('"').next().unwrap().to_owned()
}

/// The hidden content of the dry-run page, as the apply form would post it back.
pub(crate) fn previewed_content(page: &str) -> String {
    let inner =
        page.split("<textarea name=\"content\" hidden>").nth(1).unwrap().split("</textarea>").next().unwrap();
    inner.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&amp;", "&")
}

/// Submits the dry-run page's "确认导入" form, as the browser would: its hidden fields (and
/// `extra` fields, such as a ticked checkbox).
pub(crate) async fn confirm_with(
    app: &TestApp,
    session: &Session,
    dry_run_page: &str,
    extra: &[(&str, &str)],
) -> Reply {
    let (content, fingerprint) = (previewed_content(dry_run_page), hidden(dry_run_page, "fingerprint"));
    let (retire_missing, file_name) =
        (hidden(dry_run_page, "retire_missing"), hidden(dry_run_page, "file_name"));
    let mut fields = vec![
        ("content", content.as_str()),
        ("retire_missing", &retire_missing),
        ("fingerprint", &fingerprint),
        ("file_name", &file_name),
    ];
    fields.extend_from_slice(extra);
    app.post_as(Some(session), "/admin/import/apply", &fields).await
}

/// Submits the dry-run page's "确认导入" form as it is.
pub(crate) async fn confirm(app: &TestApp, session: &Session, dry_run_page: &str) -> Reply {
    confirm_with(app, session, dry_run_page, &[]).await
}

pub(crate) async fn export(app: &TestApp, session: &Session) -> String {
    let reply = app.get_as(session, "/admin/export.csv").await;
    assert_eq!(reply.status, StatusCode::OK);
    reply.body
}

/// The current points as exported (without the byte-order mark), with one change: 331003001001
/// renamed from 百花社区居委会 to 百花社区.
pub(crate) async fn export_renaming_baihua(app: &TestApp, session: &Session) -> String {
    export(app, session).await.trim_start_matches('\u{feff}').replace("百花社区居委会", "百花社区")
}

/// The current points, updated to the NBS 2021 list: its three new communities (placed, as
/// estimates, at the 北城街道 centre) added and the units it no longer has left out.
fn nbs_2021_update(current_csv: &str) -> String {
    let nbs2021 = include_str!("../fixtures/villages-nbs2021.csv");
    let in_2021: Vec<&str> = nbs2021.lines().skip(1).map(|line| line.split(',').next().unwrap()).collect();
    let mut lines: Vec<String> = current_csv
        .trim_start_matches('\u{feff}')
        .lines()
        .enumerate()
        .filter(|(i, line)| *i == 0 || in_2021.contains(&line.split(',').next().unwrap()))
        .map(|(_, line)| line.to_owned())
        .collect();
    for line in nbs2021.lines().skip(1).filter(|line| line.contains(",no,")) {
        let fields: Vec<&str> = line.split(',').collect();
        lines.push(format!(
            "{},{},{},{},community,,,,121.250761,28.667714,gcj02,town_centre,NBS 2021 list (tests/fixtures/villages-nbs2021.csv); location: ESTIMATE (town centre),urban,,,",
            fields[0], fields[1], fields[2], fields[3]
        ));
    }
    lines.join("\n") + "\n"
}

#[tokio::test]
async fn the_nbs_2021_update_adds_three_communities_and_retires_two_villages() {
    let app = TestApp::new().await;
    // "The file is the complete list" is an admin's option.
    let session = app.staff("chen", Role::Admin).await;
    let csv = nbs_2021_update(&export(&app, &session).await);

    let dry_run = upload(&app, &session, csv.as_bytes(), true).await;
    assert_eq!(dry_run.status, StatusCode::OK, "{}", dry_run.body);
    let page = &dry_run.body;
    assert!(page.contains("新增 <strong class=\"added\">3</strong>"), "{page}");
    assert!(page.contains("修改 <strong class=\"changed\">0</strong>"));
    assert!(page.contains("撤销 <strong class=\"retired\">2</strong>"));
    for name in ["翠屏", "嘉乐", "庆丰", "二合村", "张唐村"] {
        assert!(page.contains(name), "{name}");
    }
    assert_eq!(
        app.get_json("/api/v1/points").await.1["features"].as_array().unwrap().len(),
        346,
        "dry run applied nothing"
    );

    let applied = confirm(&app, &session, page).await;
    assert_eq!(applied.status, StatusCode::OK);
    assert!(applied.body.contains("新增 3 个，修改 0 个，撤销 2 个"));
    let (_, points) = app.get_json("/api/v1/points").await;
    let names: Vec<&str> = points["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 347);
    assert!(!names.iter().any(|n| n.starts_with("二合村") || n.starts_with("张唐村")));
    assert!(names.iter().any(|n| n.contains("翠屏")));
    let retired = app.state.db.all_points().await.unwrap().into_iter().filter(|p| !p.active).count();
    assert_eq!(retired, 2, "retired points keep their rows");
}

#[tokio::test]
async fn a_file_with_bad_rows_lists_them_and_cannot_be_applied() {
    let app = TestApp::new().await;
    let session = app.staff("chen", Role::Editor).await;
    let mut csv = export(&app, &session).await;
    csv.push_str("331003001999,,331003001,东城街道,community,,,,121.26,28.64,wgs84,geocoded,test,urban,,,\n");
    csv.push_str(
        "331003001998,某社区,331003001,东城街道,community,,,,2.35,48.85,wgs84,geocoded,test,urban,,,\n",
    );
    let reply = upload(&app, &session, csv.as_bytes(), false).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("有 2 行有问题"));
    assert!(reply.body.contains("第 348 行：缺少名称（missing name）"), "{}", reply.body);
    assert!(
        reply
            .body
            .contains("第 349 行：不在中国境内，经纬度是否写反？（position 2.35,48.85 is outside China")
    );
    assert!(!reply.body.contains("确认导入"));
    // Applying such content anyway (a crafted post) changes nothing either.
    let forced = app.post_as(Some(&session), "/admin/import/apply", &[("content", &csv)]).await;
    assert_eq!(forced.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.state.db.count_points().await.unwrap(), 346);
}

#[tokio::test]
async fn a_gbk_file_from_excel_is_read_correctly() {
    let app = TestApp::new().await;
    let session = app.staff("chen", Role::Editor).await;
    let csv = export_renaming_baihua(&app, &session).await;
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(&csv);
    assert!(!unmappable);
    assert!(std::str::from_utf8(&gbk).is_err(), "really not UTF-8");
    let reply = upload(&app, &session, &gbk, false).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert!(reply.body.contains("GBK/GB18030"));
    assert!(reply.body.contains("修改 <strong class=\"changed\">1</strong>"));
    assert!(reply.body.contains("331003001001 百花社区：名称"));

    let applied = confirm(&app, &session, &reply.body).await;
    assert!(applied.body.contains("修改 1 个"));
    let (_, feature) = app.get_json("/api/v1/points/331003001001").await;
    assert_eq!(feature["properties"]["name"], "百花社区");
}

#[tokio::test]
async fn undecodable_and_empty_uploads_are_refused_clearly() {
    let app = TestApp::new().await;
    let session = app.staff("chen", Role::Editor).await;
    let reply = upload(&app, &session, b"", false).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("请选择一个 CSV 文件"));
    let reply = upload(&app, &session, &[0xEF, 0xBB, 0xBF, 0xFF, 0xFE, 0x00], false).await;
    assert!(reply.body.contains("不是有效的 UTF-8"));
    let reply = upload(&app, &session, b"code,name\n1,2\n", false).await;
    assert!(reply.body.contains("缺少列"), "{}", reply.body);
}

#[tokio::test]
async fn oversized_broken_and_unsigned_uploads_are_refused_on_their_page() {
    let app = TestApp::new().await;
    let session = app.staff("chen", Role::Editor).await;
    let max_bytes = 5 * 1024 * 1024;
    for uri in ["/admin/import", "/admin/coverage/places"] {
        // Past the 2 MB axum reads by default, within the 5 MB the pages promise: read, and
        // refused only for what it says.
        let reply = app.upload_as(&session, uri, &[], &vec![b'a'; 3 * 1024 * 1024]).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{uri}");
        for size in [max_bytes + 1, max_bytes + 1024 * 1024] {
            let reply = app.upload_as(&session, uri, &[], &vec![b'a'; size]).await;
            assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE, "{uri} {size}");
            assert!(reply.body.contains("文件过大（最大 5 MB）"), "{uri} {size}: {}", reply.body);
        }
        let mut cut = multipart_body(&[("csrf", &session.csrf)], b"code,name\n");
        cut.truncate(cut.len() - 20);
        let reply = app.post_multipart(&session, uri, cut).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{uri}");
        assert!(reply.body.contains("上传的内容不完整或格式有误"), "{uri}: {}", reply.body);
        let reply = app.post_multipart(&session, uri, multipart_body(&[], b"code,name\n")).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{uri}");
        assert!(reply.body.contains("安全令牌不符"), "{uri}");
    }
    assert_eq!(app.state.db.count_points().await.unwrap(), 346);
    assert!(app.state.db.places().await.unwrap().is_empty());
}

#[tokio::test]
async fn exports_open_in_excel_and_as_geojson() {
    let app = TestApp::new().await;
    let session = app.staff("chen", Role::Editor).await;
    let reply = app.get_as(&session, "/admin/export.csv").await;
    assert!(reply.body.starts_with('\u{feff}'), "UTF-8 byte-order mark for Excel");
    assert_eq!(reply.body.lines().count(), 347);
    let reply = app.get_as(&session, "/admin/export.geojson").await;
    let geojson: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(geojson["features"].as_array().unwrap().len(), 346);
}

#[tokio::test]
async fn an_edit_between_dry_run_and_apply_sends_the_importer_back_to_the_preview() {
    let app = TestApp::new().await;
    let session = app.staff("chen", Role::Editor).await;
    let csv = export_renaming_baihua(&app, &session).await;
    let dry_run = upload(&app, &session, csv.as_bytes(), false).await;
    // A colleague verifies another point meanwhile.
    let colleague = app.staff("wang", Role::Editor).await;
    let verified =
        app.post_as(Some(&colleague), "/admin/points/331003001002/verify", &[("version", "1")]).await;
    assert_eq!(verified.status, StatusCode::SEE_OTHER);
    let refused = confirm(&app, &session, &dry_run.body).await;
    assert_eq!(refused.status, StatusCode::OK);
    assert!(refused.body.contains("预览之后服务点已被修改"));
    let (_, feature) = app.get_json("/api/v1/points/331003001001").await;
    assert_eq!(feature["properties"]["name"], "百花社区居委会", "nothing applied");
    // The new preview carries the new fingerprint and applies.
    let again = confirm(&app, &session, &refused.body).await;
    assert!(again.body.contains("修改 1 个"), "{}", again.body);
}

/// The points as CSV, each row's source padded so the file is about `bytes` long.
async fn padded_csv(app: &TestApp, bytes: usize) -> Vec<u8> {
    let mut points = app.state.db.active_points().await.unwrap();
    let per_row = bytes / points.len();
    for point in &mut points {
        // Chinese text, as an Excel user's notes would be: three bytes a character in UTF-8.
        point.record.source = "据镇街核实".repeat(per_row / 15);
    }
    let mut csv = Vec::new();
    csv_file::write_points(&mut csv, points.iter().map(|p| &p.record)).unwrap();
    csv
}

#[tokio::test]
async fn files_up_to_the_upload_limit_preview_and_apply_and_larger_ones_are_refused_saying_it() {
    let app = TestApp::new().await;
    let session = app.staff("chen", Role::Editor).await;
    // Larger than axum's default 2 MB body limit, within ours.
    let csv = padded_csv(&app, MAX_UPLOAD_BYTES * 3 / 5).await;
    assert!(csv.len() > 2 * 1024 * 1024 && csv.len() < MAX_UPLOAD_BYTES, "{}", csv.len());
    let dry_run = upload(&app, &session, &csv, false).await;
    assert_eq!(dry_run.status, StatusCode::OK, "{}", &dry_run.body[..dry_run.body.len().min(2000)]);
    assert!(dry_run.body.contains("修改 <strong class=\"changed\">346</strong>"));
    // The confirmation posts the whole file back as a form.
    let applied = app
        .post_as(
            Some(&session),
            "/admin/import/apply",
            &[
                ("content", &previewed_content(&dry_run.body)),
                ("fingerprint", &hidden(&dry_run.body, "fingerprint")),
            ],
        )
        .await;
    assert_eq!(applied.status, StatusCode::OK);
    assert!(applied.body.contains("修改 346 个"), "{}", &applied.body[..applied.body.len().min(2000)]);

    let limit = format!("最大 {}", max_upload_label());
    for bytes in [MAX_UPLOAD_BYTES + 1024, MAX_UPLOAD_BYTES * 2] {
        let refused = upload(&app, &session, &padded_csv(&app, bytes).await, false).await;
        assert_eq!(refused.status, StatusCode::PAYLOAD_TOO_LARGE, "{bytes}");
        assert!(refused.body.contains(&limit), "{bytes}: {}", &refused.body[..refused.body.len().min(2000)]);
    }
    let page = app.get_as(&session, "/admin/import").await;
    assert!(page.body.contains(&limit), "the import page states the limit");
}

#[tokio::test]
async fn a_4_9_mb_upload_is_read_and_a_5_4_mb_one_refused_with_the_pages_limit() {
    let app = TestApp::new().await;
    let session = app.staff("chen", Role::Editor).await;
    let limit = format!("文件过大（最大 {}）", max_upload_label());
    for uri in ["/admin/import", "/admin/coverage/places"] {
        // Not a points file, so refused for its content: but read, whole.
        let read = app.upload_as(&session, uri, &[], &vec![b'a'; 4_900_000]).await;
        assert_eq!(read.status, StatusCode::UNPROCESSABLE_ENTITY, "{uri}");
        assert!(!read.body.contains("文件过大"), "{uri}");
        let refused = app.upload_as(&session, uri, &[], &vec![b'a'; 5_400_000]).await;
        assert_eq!(refused.status, StatusCode::PAYLOAD_TOO_LARGE, "{uri}");
        assert!(refused.body.contains(&limit), "{uri}: {}", refused.body);
    }
}

/// Over a real connection, the browser still sending the file gets the refusal, not a reset.
#[tokio::test]
async fn a_browser_sending_too_large_a_file_reads_the_refusal() {
    use std::io::{Read, Write};

    let app = TestApp::new().await;
    let session = app.staff("chen", Role::Editor).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap().to_string();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(legalmap::app::serve(listener, app.state.clone(), async {
        stopped.await.ok();
    }));
    // Well past the limit: more than the socket buffers hold, so a server that stopped reading
    // at the limit would reset the connection while the file is still being sent.
    let body = multipart_body(&[("csrf", &session.csrf)], &vec![b'a'; 12_000_000]);
    let reply = tokio::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(&address).unwrap();
        write!(
            stream,
            "POST /admin/import HTTP/1.1\r\nHost: {address}\r\nCookie: {}\r\nConnection: close\r\n\
             Content-Type: multipart/form-data; boundary=legalmap-test-boundary\r\nContent-Length: {}\r\n\r\n",
            session.cookie,
            body.len()
        )
        .unwrap();
        stream.write_all(&body).unwrap();
        let mut reply = Vec::new();
        stream.read_to_end(&mut reply).unwrap();
        String::from_utf8_lossy(&reply).into_owned()
    })
    .await
    .unwrap();
    assert!(reply.starts_with("HTTP/1.1 413"), "{}", &reply[..reply.len().min(300)]);
    assert!(reply.contains(&format!("文件过大（最大 {}）", max_upload_label())));
    stop.send(()).unwrap();
}
