//! Coverage over HTTP: the API, the staff page (refreshing after an edit), the residents'
//! summary, and uploads of residential places.

use axum::http::StatusCode;
use legalmap::domain::staff::Role;

use crate::support::{Reply, Session, TestApp, total_gap_area_km2};

async fn upload_places(app: &TestApp, session: &Session, csv: &str) -> Reply {
    app.upload_as(session, "/admin/coverage/places", &[], csv.as_bytes()).await
}

#[tokio::test]
async fn the_api_gives_figures_per_mode_and_gaps_as_geojson() {
    let app = TestApp::new().await;
    let (status, all) = app.get_json("/api/v1/coverage").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(all["measure"], "area");
    let district = all["district"].as_array().unwrap();
    assert_eq!(district.len(), 3);
    let shares: Vec<f64> = district.iter().map(|m| m["standard_share"].as_f64().unwrap()).collect();
    assert!(shares[0] < shares[1] && shares[1] < shares[2], "{shares:?}");
    assert_eq!(district[0]["towns"].as_array().unwrap().len(), 19);

    let (status, walk) = app.get_json("/api/v1/coverage?mode=walk").await;
    assert_eq!(status, StatusCode::OK);
    let (_, _, body) = app.get_raw("/api/v1/coverage/gaps.geojson?mode=walk").await;
    let gaps: serde_json::Value = serde_json::from_slice(&body).unwrap();
    let gap_area = total_gap_area_km2(&gaps);
    let summary = &walk["district"][0];
    let uncovered = summary["area_km2"].as_f64().unwrap() - summary["standard_area_km2"].as_f64().unwrap();
    assert!((gap_area - uncovered).abs() < 1e-6, "gaps {gap_area} vs uncovered {uncovered}");
    let ring = gaps["features"][0]["geometry"]["coordinates"][0].as_array().unwrap();
    assert!(ring[0][0].as_f64().unwrap() > 120.0 && ring[0][1].as_f64().unwrap() < 30.0, "[lon, lat]");

    let (status, error) = app.get_json("/api/v1/coverage?mode=fly").await;
    assert_eq!((status, error["error"]["code"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_mode")));
}

#[tokio::test]
async fn the_staff_page_refreshes_after_an_edit() {
    let app = TestApp::new().await;
    let session = app.staff("chen", Role::Editor).await;
    let anonymous = app.get_anonymous("/admin/coverage").await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    let page = app.get_as(&session, "/admin/coverage?mode=walk&k=3").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("尚未上传居民点，以下按面积计算"));
    assert!(page.body.matches("<tr><td>").count() >= 3);
    let png = app.get_as(&session, "/admin/coverage/cells.png?mode=walk").await;
    assert_eq!(png.status, StatusCode::OK);
    assert!(png.body.starts_with("\u{FFFD}PNG") && png.body.len() > 1000, "a PNG image");

    let (_, before) = app.get_json("/api/v1/coverage?mode=walk").await;
    // Move a city point out into the uncovered western mountains: coverage must grow at once.
    let moved = app.move_baihua_to_the_mountains(&session).await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER);
    // Recomputed in the background once the points settle, before anyone asks.
    let changed = app.state.snapshot();
    let mut waited_ms = 0;
    while !app.state.coverage.is_ready_for(&changed) {
        assert!(waited_ms < 30_000, "the coverage is recomputed in the background after a change");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        waited_ms += 100;
    }
    let (_, after) = app.get_json("/api/v1/coverage?mode=walk").await;
    let area = |v: &serde_json::Value| v["district"][0]["standard_area_km2"].as_f64().unwrap();
    assert!(area(&after) > area(&before) + 3.0, "{} -> {}", area(&before), area(&after));
}

#[tokio::test]
async fn residential_places_weigh_the_figures_and_bad_uploads_store_nothing() {
    let app = TestApp::new().await;
    let session = app.staff("chen", Role::Editor).await;
    for (csv, problem) in [
        ("name,lon,lat\n甲,121.26,28.64\n", "需要列 name, lon, lat, datum"),
        ("name,lon,lat,datum\n甲,121.26,28.64,mars\n", "第 2 行：坐标系“mars”"),
        ("name,lon,lat,datum\n甲,2.35,48.85,wgs84\n", "不在中国境内"),
        ("name,lon,lat,datum\n甲,121.80,28.64,wgs84\n", "不在黄岩区界内"),
        ("name,lon,lat,datum,population\n甲,121.26,28.64,wgs84,-5\n", "人口“-5”"),
        ("name,lon,lat,datum\n", "文件没有数据行"),
        (
            "name,lon,lat,datum,population\n甲,121.26,28.64,wgs84,5\n乙,121.26,28.64,wgs84,\n",
            "有的行填写了人口",
        ),
    ] {
        let reply = upload_places(&app, &session, csv).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{csv}");
        assert!(reply.body.contains(problem), "{csv}: lacks {problem}");
        assert!(app.state.db.places().await.unwrap().is_empty(), "nothing stored");
    }
    // 百花社区 (GCJ-02 as Amap gives it) is next to a point; 宁溪 mountains are far from any.
    let csv = "name,lon,lat,datum,population\n百花小区,121.268439,28.644744,gcj02,900\n山里,120.90,28.55,wgs84,100\n";
    let reply = upload_places(&app, &session, csv).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(app.state.db.places().await.unwrap().len(), 2);
    let (_, figures) = app.get_json("/api/v1/coverage?mode=walk").await;
    assert_eq!(figures["measure"], "area and places");
    let places = &figures["places"][0];
    assert_eq!(places["weighted_by"], "population");
    assert_eq!(places["places"], 2, "the public API gives totals, not the places");
    assert!((places["standard_share"].as_f64().unwrap() - 0.9).abs() < 1e-9, "{places}");
    let page = app.get_as(&session, "/admin/coverage?mode=walk").await;
    assert!(page.body.contains("已上传 2 个居民点") && page.body.contains("百花小区"));
    assert!(page.body.contains("新增覆盖（人）"));
}

#[tokio::test]
async fn residents_see_the_share_covered_per_town() {
    let app = TestApp::new().await;
    let (status, html) = app.get_page("/coverage").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("15分钟服务圈覆盖情况") && html.contains("院桥镇") && html.contains("全区"));
    assert_eq!(html.matches("<th scope=\"row\">").count(), 20, "19 towns and the total");
}

#[tokio::test]
async fn the_coverage_command_prints_the_table_and_writes_the_gaps() {
    let app = TestApp::new().await;
    let output_path = app._dir.path().join("gaps.geojson");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_legalmap"))
        .args(["coverage", "--mode", "bike", "--output", output_path.to_str().unwrap()])
        .env("LEGALMAP_DATABASE_URL", &app.database_url)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let table = String::from_utf8(output.stdout).unwrap();
    let (_, api) = app.get_json("/api/v1/coverage?mode=bike").await;
    let share = api["district"][0]["standard_share"].as_f64().unwrap() * 100.0;
    assert!(table.contains(&format!("within the standard {share:.1}%")), "{table}");
    assert!(table.contains("院桥镇") && table.contains("farthest from any point"));
    let gaps: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&output_path).unwrap()).unwrap();
    assert_eq!(gaps["mode"], "bike");
    assert!(!gaps["features"].as_array().unwrap().is_empty());

    let bad = std::process::Command::new(env!("CARGO_BIN_EXE_legalmap"))
        .args(["coverage", "--mode", "fly"])
        .env("LEGALMAP_DATABASE_URL", &app.database_url)
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown mode \"fly\""));
}
