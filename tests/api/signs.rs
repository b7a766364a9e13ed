//! Noticeboard signs: QR codes of a point's permanent address (decoded here), the printable
//! sign, and a town's signs for staff.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use legalmap::app::Settings;
use legalmap::domain::staff::Role;
use legalmap::web::links::PublicUrl;

use crate::support::TestApp;

const PUBLIC_URL: &str = "https://legalmap.example.gov.cn";

async fn app_with_public_url() -> TestApp {
    TestApp::with_settings(Settings {
        public_url: Some(PublicUrl::parse(PUBLIC_URL).unwrap()),
        ..Default::default()
    })
    .await
}

/// Decodes the one QR code in a greyscale PNG.
fn decode_qr_png(png_bytes: &[u8]) -> String {
    let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    let mut reader = decoder.read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
    let frame = reader.next_frame(&mut pixels).unwrap();
    assert_eq!(frame.color_type, png::ColorType::Grayscale);
    let (width, height) = (frame.width as usize, frame.height as usize);
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(width, height, |x, y| pixels[y * width + x]);
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code");
    grids[0].decode().unwrap().1
}

#[tokio::test]
async fn a_points_qr_png_decodes_to_its_permanent_address_at_the_public_url() {
    let app = app_with_public_url().await;
    let (status, content_type, body) = app.get_raw("/points/331003001001/qr.png").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(content_type, "image/png");
    assert_eq!(decode_qr_png(&body), format!("{PUBLIC_URL}/points/331003001001"));

    let (status, content_type, svg) = app.get_raw("/points/331003001001/qr.svg").await;
    assert_eq!(status, StatusCode::OK);
    assert!(content_type.starts_with("image/svg+xml"));
    let svg = String::from_utf8(svg).unwrap();
    assert!(svg.contains("<svg") && svg.contains("<path"), "{svg}");
}

#[tokio::test]
async fn without_a_public_url_the_qr_code_uses_the_address_the_request_came_to() {
    let app = TestApp::new().await;
    let request = Request::get("/points/331003001001/qr.png")
        .header("host", "192.168.1.20:8080")
        .body(Body::empty())
        .unwrap();
    let response = app.send(request).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body = response.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(decode_qr_png(&body), "http://192.168.1.20:8080/points/331003001001");
}

#[tokio::test]
async fn unknown_or_malformed_codes_get_a_404_page_not_an_image() {
    let app = TestApp::new().await;
    for uri in ["/points/999999999999/qr.png", "/points/abc/qr.svg", "/points/331003001001x/sign"] {
        let (status, html) = app.get_page(uri).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
        assert!(html.contains("没有找到这个服务点"), "{uri}");
    }
}

#[tokio::test]
async fn a_sign_names_the_point_the_hotline_and_carries_its_qr_code() {
    let app = app_with_public_url().await;
    let (status, html) = app.get_page("/points/331003001001/sign").await;
    assert_eq!(status, StatusCode::OK);
    let (_, point) = app.get_json("/api/v1/points/331003001001").await;
    let name = point["properties"]["name"].as_str().unwrap();
    assert!(html.contains(name) && html.contains("扫码查看最近的公共法律服务点") && html.contains("12348"));
    assert!(html.contains(&format!("{PUBLIC_URL}/points/331003001001")));
    assert_eq!(html.matches("<svg").count(), 1);
}

#[tokio::test]
async fn staff_print_a_towns_signs_in_one_document() {
    let app = app_with_public_url().await;
    let anonymous = app.get_anonymous("/admin/signs?town=331003107").await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    let editor = app.staff("editor1", Role::Editor).await;
    let signs = app.get_as(&editor, "/admin/signs?town=331003107").await;
    assert_eq!(signs.status, StatusCode::OK);
    let (_, points) = app.get_json("/api/v1/points?town=331003107").await;
    let in_town = points["features"].as_array().unwrap().len();
    assert!(in_town > 10);
    assert_eq!(signs.body.matches("class=\"sign\"").count(), in_town);
    for bad in ["/admin/signs", "/admin/signs?town=33100", "/admin/signs?town=abc%3Cscript%3E"] {
        let reply = app.get_as(&editor, bad).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{bad}");
        assert!(reply.body.contains("9 位镇街代码"), "{bad}");
    }
    let none = app.get_as(&editor, "/admin/signs?town=999999999").await;
    assert_eq!(none.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_point_page_describes_itself_for_shared_links() {
    let app = TestApp::new().await;
    let (_, html) = app.get_page("/points/331003001001").await;
    let (_, point) = app.get_json("/api/v1/points/331003001001").await;
    let name = point["properties"]["name"].as_str().unwrap();
    assert!(html.contains(&format!(r#"<meta property="og:title" content="{name}">"#)), "{html}");
    let description = html.split(r#"<meta property="og:description" content=""#).nth(1).unwrap();
    let description = description.split('"').next().unwrap();
    assert!(description.starts_with(&format!("{name}（黄岩区东城街道）公共法律服务点")), "{description}");
    assert!(html.contains(r#"<meta name="description""#));
    // Staff pages are not for sharing.
    let (_, login) = app.get_page("/admin/login").await;
    assert!(!login.contains("og:title"));
}

#[tokio::test]
async fn the_locator_can_be_added_to_a_home_screen() {
    let app = TestApp::new().await;
    let (_, home) = app.get_page("/").await;
    assert!(home.contains(r#"<link rel="manifest" href="/manifest.webmanifest">"#));
    let (status, content_type, body) = app.get_raw("/manifest.webmanifest").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(content_type, "application/manifest+json");
    let manifest: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(manifest["start_url"], "/");
    assert_eq!(manifest["display"], "standalone");
    // Every icon it names is served, as what it says it is.
    for icon in manifest["icons"].as_array().unwrap() {
        let (status, content_type, bytes) = app.get_raw(icon["src"].as_str().unwrap()).await;
        assert_eq!(status, StatusCode::OK, "{icon}");
        assert_eq!(content_type, icon["type"].as_str().unwrap());
        if content_type == "image/png" {
            let info = png::Decoder::new(std::io::Cursor::new(bytes)).read_info().unwrap().info().clone();
            assert_eq!(format!("{}x{}", info.width, info.height), icon["sizes"].as_str().unwrap());
        }
    }
    let favicon = app.get_anonymous("/favicon.ico").await;
    assert_eq!(favicon.status, StatusCode::PERMANENT_REDIRECT);
    assert!(favicon.location.unwrap().starts_with("/static/icon."));
    // Staff pages get the icon, not the install prompt.
    let (_, login) = app.get_page("/admin/login").await;
    assert!(login.contains(r#"rel="icon""#) && !login.contains("manifest"));
}

#[tokio::test]
async fn a_huge_host_header_gets_a_qr_code_of_the_path_not_an_error() {
    let app = TestApp::new().await;
    let host = format!("{}.example", "a".repeat(3000));
    let request =
        Request::get("/points/331003001001/qr.png").header("host", host).body(Body::empty()).unwrap();
    let response = app.send(request).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body = response.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(decode_qr_png(&body), "/points/331003001001");
}
