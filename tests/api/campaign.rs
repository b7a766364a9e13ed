//! The verification campaign: the staff page, the admins' JSON and `legalmap campaign`.

use axum::http::StatusCode;
use legalmap::domain::staff::Role;

use crate::support::TestApp;

#[tokio::test]
async fn the_campaign_page_is_for_staff_and_lists_towns_and_next_points() {
    let app = TestApp::new().await;
    let anonymous = app.get_anonymous("/admin/campaign").await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    assert!(anonymous.location.unwrap().starts_with("/admin/login?next="));
    let editor = app.staff("editor1", Role::Editor).await;
    let page = app.get_as(&editor, "/admin/campaign").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("实地核实进度") && page.body.contains("院桥镇") && page.body.contains("<progress")
    );
    assert!(page.body.contains("href=\"/admin/points/331003107213\""));
    assert!(page.body.contains("疑似错误"));
    assert!(page.body.contains("href=\"/admin/campaign\""), "linked from the navigation");
}

#[tokio::test]
async fn the_campaign_json_is_for_admins_with_the_district_counts() {
    let app = TestApp::new().await;
    let editor = app.staff("editor1", Role::Editor).await;
    let refused = app.get_as(&editor, "/admin/campaign.json").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let error: serde_json::Value = serde_json::from_str(&refused.body).unwrap();
    assert_eq!(error["error"]["code"], "forbidden");
    let admin = app.staff("admin1", Role::Admin).await;
    let reply = app.get_as(&admin, "/admin/campaign.json").await;
    assert_eq!(reply.status, StatusCode::OK);
    let figures: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(figures["district"]["total"], 346);
    assert_eq!(figures["district"]["geocoded"], 57);
    assert_eq!(figures["district"]["town_centre"], 289);
    assert_eq!(figures["district"]["done"], 0);
    assert_eq!(figures["towns"].as_array().unwrap().len(), 19);
}

#[tokio::test]
async fn the_campaign_command_prints_the_same_figures_and_never_creates_a_database() {
    let app = TestApp::new().await;
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_legalmap"))
        .args(["campaign", "--json", "--town", "331003107"])
        .env("LEGALMAP_DATABASE_URL", &app.database_url)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let figures: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(figures["towns"].as_array().unwrap().len(), 1);
    assert_eq!(figures["towns"][0]["name"], "院桥镇");

    let table = std::process::Command::new(env!("CARGO_BIN_EXE_legalmap"))
        .args(["campaign"])
        .env("LEGALMAP_DATABASE_URL", &app.database_url)
        .output()
        .unwrap();
    let text = String::from_utf8(table.stdout).unwrap();
    assert!(text.contains("全区") && text.contains("  346 ") && text.contains("289"), "{text}");

    let missing = app._dir.path().join("missing.db");
    let refused = std::process::Command::new(env!("CARGO_BIN_EXE_legalmap"))
        .args(["campaign", "--database", &format!("sqlite://{}", missing.display())])
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("no database at"));
    assert!(!missing.exists());
}

#[tokio::test]
async fn a_geonames_point_page_credits_geonames() {
    let app = TestApp::new().await;
    let (status, html) = app.get_page("/points/331003107213").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("GeoNames, geonames.org") && html.contains("CC BY 4.0"), "{html}");
    let (_, other) = app.get_page("/points/331003001001").await;
    assert!(!other.contains("geonames.org"));
}

#[tokio::test]
async fn a_towns_field_sheet_lists_its_route_with_qr_codes_of_the_edit_pages_at_the_public_url() {
    let public_url = legalmap::web::links::PublicUrl::parse("https://legalmap.example.gov.cn").unwrap();
    let app = TestApp::with_settings(legalmap::app::Settings {
        public_url: Some(public_url),
        ..Default::default()
    })
    .await;
    let editor = app.staff("editor1", Role::Editor).await;
    let campaign = app.get_as(&editor, "/admin/campaign").await;
    assert!(campaign.body.contains("href=\"/admin/campaign/331003107/sheet\""), "linked from the campaign");

    let sheet = app.get_as(&editor, "/admin/campaign/331003107/sheet").await;
    assert_eq!(sheet.status, StatusCode::OK);
    assert!(sheet.body.contains("院桥镇实地核实单"));
    // The points to visit, in the campaign's route order, each with its QR code and link.
    let admin = app.staff("admin1", Role::Admin).await;
    let figures: serde_json::Value =
        serde_json::from_str(&app.get_as(&admin, "/admin/campaign.json").await.body).unwrap();
    let town = figures["towns"].as_array().unwrap().iter().find(|t| t["code"] == "331003107").unwrap();
    let route: Vec<&str> =
        town["next"].as_array().unwrap().iter().map(|p| p["code"].as_str().unwrap()).collect();
    let link = "https://legalmap.example.gov.cn/admin/points/";
    let listed: Vec<&str> = sheet.body.split(link).skip(1).map(|rest| &rest[..12]).collect();
    assert_eq!(listed, route);
    assert_eq!(sheet.body.matches("class=\"sheet-point\"").count(), route.len());
    assert_eq!(sheet.body.matches("<svg").count(), route.len(), "a QR code each");
    assert!(!sheet.body.contains("--public-url"), "configured: no advice to set it");

    let missing = app.get_as(&editor, "/admin/campaign/999999999/sheet").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.body.contains("没有这个镇街"));
    let anonymous = app.get_anonymous("/admin/campaign/331003107/sheet").await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
}
