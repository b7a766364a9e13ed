//! The residents' pages, server side: every page renders, links resolve, the no-JavaScript flow
//! answers like the API, navigation links carry the right datum, data is escaped.

use std::collections::BTreeSet;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use legalmap::db::Change;
use legalmap::domain::{AreaType, Datum, LocationQuality, LonLat, PointCode, PointKind, PointRecord};
use legalmap::web::map::TileSource;

use crate::support::TestApp;

/// Every `href="/..."` and `src="/..."` in a page.
fn local_links(html: &str) -> BTreeSet<String> {
    let mut links = BTreeSet::new();
    for attribute in ["href=\"/", "src=\""] {
        for piece in html.split(attribute).skip(1) {
            let target = piece.split('"').next().unwrap();
            let target = if attribute == "src=\"" { target.to_owned() } else { format!("/{target}") };
            if target.starts_with('/') && !target.starts_with("//") {
                links.insert(target.replace("&amp;", "&"));
            }
        }
    }
    links
}

#[tokio::test]
async fn every_page_renders_and_every_local_link_resolves() {
    let app = TestApp::new().await;
    let pages = [
        "/",
        "/nearest?place=%E9%99%A2%E6%A1%A5", // 院桥: a choice of places
        "/nearest?place=%E7%99%BE%E8%8A%B1", // 百花: one place
        "/nearest?code=331003001001&mode=bike",
        "/nearest?lat=28.6&lon=121.1&crs=wgs84&mode=drive",
        "/points/331003001001",
        "/points/331003107202",
    ];
    let mut checked = BTreeSet::new();
    for page in pages {
        let (status, html) = app.get_page(page).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert!(html.contains(r#"<html lang="zh-CN""#), "{page}");
        assert!(html.contains(r#"name="viewport""#), "{page}");
        for link in local_links(&html) {
            if checked.insert(link.clone()) {
                let (status, _, _) = app.get_raw(&link).await;
                assert_eq!(status, StatusCode::OK, "{page} links to {link}");
            }
        }
    }
    assert!(checked.iter().any(|link| link.starts_with("/static/app.")), "{checked:?}");
}

#[tokio::test]
async fn every_point_has_a_page() {
    let app = TestApp::new().await;
    let index = app.state.index();
    for point in index.points() {
        let (status, html) = app.get_page(&format!("/points/{}", point.record.code)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains(&point.record.name));
        assert_eq!(html.contains("位置为估算，待核实"), point.record.location_quality.is_estimate());
    }
}

#[tokio::test]
async fn without_javascript_the_form_gets_the_same_nearest_points_as_the_api() {
    let app = TestApp::new().await;
    for (lat, lon, mode) in [(28.64, 121.26, "walk"), (28.59, 120.93, "bike"), (28.55, 121.25, "drive")] {
        let (_, api) = app
            .get_json(&format!("/api/v1/nearest?lat={lat}&lon={lon}&mode={mode}&group_estimates=true"))
            .await;
        let (status, html) =
            app.get_page(&format!("/nearest?place=&lat={lat}&lon={lon}&crs=wgs84&mode={mode}")).await;
        assert_eq!(status, StatusCode::OK);
        let listed: Vec<&str> =
            html.split("data-code=\"").skip(1).map(|piece| piece.split('"').next().unwrap()).collect();
        // The page groups estimates that share a spot, as the API does when asked; a group's
        // line carries its first member's code.
        let expected: Vec<&str> = api["lines"]
            .as_array()
            .unwrap()
            .iter()
            .map(|line| line["code"].as_str().or(line["members"][0]["code"].as_str()).unwrap())
            .collect();
        assert_eq!(listed, expected, "{lat},{lon} {mode}");
        assert!(html.contains("离所填坐标最近的服务点"));
    }
}

#[tokio::test]
async fn a_town_name_lists_its_points_and_picking_one_puts_it_first() {
    let app = TestApp::new().await;
    let (status, html) = app.get_page("/nearest?place=%E9%99%A2%E6%A1%A5&mode=bike").await; // 院桥
    assert_eq!(status, StatusCode::OK);
    let yuanqiao = app.state.index().points().iter().filter(|p| p.record.town == "院桥镇").count();
    assert_eq!(html.matches("/nearest?code=").count(), yuanqiao);
    assert!(html.contains("&amp;mode=bike"), "the choice keeps the mode");

    let (_, html) = app.get_page("/nearest?code=331003107202&mode=bike").await;
    let first = html.split("data-code=\"").nth(1).unwrap();
    assert!(first.starts_with("331003107202"));
    assert!(html.contains("离沙门店村委会最近的服务点"));
}

#[tokio::test]
async fn when_nothing_is_within_15_minutes_the_page_says_so_and_lists_the_nearest() {
    let app = TestApp::new().await;
    // Far out at sea east of the district: nothing within 15 minutes on foot.
    let (status, html) = app.get_page("/nearest?lat=28.6&lon=121.6&mode=walk").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("分钟内没有可到达的服务点"));
    let lines =
        html.matches("class=\"result\"").count() + html.matches("class=\"result estimate-group\"").count();
    assert_eq!(lines, 5);
}

#[tokio::test]
async fn bad_input_gets_a_chinese_message_not_a_crash() {
    let app = TestApp::new().await;
    for (uri, status, message) in [
        ("/nearest?lat=abc&lon=121", StatusCode::BAD_REQUEST, "坐标不正确"),
        ("/nearest?lat=28.6", StatusCode::BAD_REQUEST, "请同时填写纬度和经度"),
        ("/nearest?lat=95&lon=121", StatusCode::BAD_REQUEST, "坐标不正确"),
        ("/nearest?lat=28.6&lon=121.2&crs=mars", StatusCode::BAD_REQUEST, "坐标系只能是"),
        ("/nearest?place=%E7%99%BE&mode=fly", StatusCode::BAD_REQUEST, "出行方式只能是"),
        ("/nearest?code=123", StatusCode::NOT_FOUND, "没有找到这个服务点"),
        (
            "/nearest?place=%E4%B8%8D%E5%AD%98%E5%9C%A8%E7%9A%84%E5%9C%B0%E6%96%B9",
            StatusCode::OK,
            "没有找到名称包含",
        ),
        ("/nearest?lat=1&lat=2", StatusCode::BAD_REQUEST, "查询参数有误"),
        ("/points/abc", StatusCode::NOT_FOUND, "没有找到这个服务点"),
        ("/points/331003999999", StatusCode::NOT_FOUND, "没有找到这个服务点"),
    ] {
        let (got, html) = app.get_page(uri).await;
        assert_eq!(got, status, "{uri}");
        assert!(html.contains(message), "{uri}: lacks {message:?}");
        assert!(html.contains(r#"lang="zh-CN""#));
    }
}

#[tokio::test]
async fn the_fragment_is_only_the_results_panel() {
    let app = TestApp::new().await;
    let (status, html) = app.get_page("/nearest?code=331003001001&fragment=1").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!html.contains("<html") && html.contains("results-heading") && html.contains("data-code="));
}

/// Parses the two numbers after `key` in a link: `key<a>,<b>`.
fn pair_after(href: &str, key: &str) -> (f64, f64) {
    let rest = &href[href.find(key).unwrap_or_else(|| panic!("{key} in {href}")) + key.len()..];
    let mut numbers =
        rest.split(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-')).filter(|s| !s.is_empty());
    (numbers.next().unwrap().parse().unwrap(), numbers.next().unwrap().parse().unwrap())
}

#[tokio::test]
async fn navigation_links_carry_each_apps_datum() {
    let app = TestApp::new().await;
    let index = app.state.index();
    let point = index.get("331003001001").unwrap();
    let wgs = point.record.location;
    let (_, html) = app.get_page("/points/331003001001").await;
    let hrefs: Vec<String> = html
        .split("href=\"")
        .skip(1)
        .map(|piece| piece.split('"').next().unwrap().replace("&amp;", "&"))
        .collect();
    let find =
        |prefix: &str| hrefs.iter().find(|h| h.starts_with(prefix)).unwrap_or_else(|| panic!("{prefix}"));
    let near = |(lon, lat): (f64, f64), expected: LonLat| {
        LonLat::parse(lon, lat).unwrap().distance_m(expected) < 0.2
    };

    let gcj = Datum::Gcj02.from_wgs84(wgs);
    let bd = Datum::Bd09.from_wgs84(wgs);
    let amap = find("https://uri.amap.com/marker");
    assert!(near(pair_after(amap, "position="), gcj) && amap.contains("coordinate=gaode"), "{amap}");
    let baidu = find("https://api.map.baidu.com/marker");
    let (lat, lon) = pair_after(baidu, "location=");
    assert!(near((lon, lat), bd) && baidu.contains("coord_type=bd09ll"), "{baidu}");
    let tencent = find("https://apis.map.qq.com/uri/v1/marker");
    let (lat, lon) = pair_after(tencent, "coord:");
    assert!(near((lon, lat), gcj), "{tencent}");
    let geo = find("geo:");
    let (lat, lon) = pair_after(geo, "geo:");
    assert!(near((lon, lat), wgs), "{geo}");
    // The GCJ-02 shift is ~500 m here: a link in the wrong datum would fail the checks above.
    assert!(gcj.distance_m(wgs) > 300.0);
}

#[tokio::test]
async fn names_from_the_data_are_escaped_everywhere() {
    let app = TestApp::new().await;
    let hostile = "<script>alert(1)</script>";
    let record = PointRecord {
        code: PointCode::parse("331003001901").unwrap(),
        name: hostile.into(),
        town_code: "331003001".into(),
        town: "东城街道\"><img src=x onerror=alert(2)>".into(),
        kind: PointKind::Community,
        address: Some("<b>地址</b>".into()),
        phone: Some("0576-1234".into()),
        hours: None,
        opening_hours: None,
        location: LonLat::parse(121.26, 28.64).unwrap(),
        location_quality: LocationQuality::StaffSet,
        accuracy_m: None,
        location_fixed_at: None,
        source: "test".into(),
        area_type: AreaType::Urban,
    };
    app.state.db.upsert_points(&[record], Change { actor: "test", reason: None }, false).await.unwrap();
    app.state.reload_index().await.unwrap();
    for uri in ["/points/331003001901", "/nearest?code=331003001901", "/nearest?place=script"] {
        let (status, html) = app.get_page(uri).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        assert!(
            !html.contains("<script>alert") && !html.contains("<img src=x") && !html.contains("<b>地址"),
            "{uri}"
        );
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{uri}");
    }
    let (_, data) = app.get_json("/map/data.json").await;
    let listed = data["points"].as_array().unwrap().iter().any(|p| p["name"] == hostile);
    assert!(listed, "the map data carries the name as data; app.js sets it with textContent");
}

#[tokio::test]
async fn map_data_and_map_taps_follow_the_tile_datum() {
    let app = TestApp::with_tiles(
        TileSource::new("https://tiles.example/{z}/{x}/{y}.png".into(), "test".into(), Datum::Gcj02).unwrap(),
    )
    .await;
    let (_, data) = app.get_json("/map/data.json").await;
    assert_eq!(data["datum"], "gcj02");
    let index = app.state.index();
    let wgs = index.get("331003001001").unwrap().record.location;
    let shown = data["points"].as_array().unwrap().iter().find(|p| p["code"] == "331003001001").unwrap();
    let shown = LonLat::parse(shown["lon"].as_f64().unwrap(), shown["lat"].as_f64().unwrap()).unwrap();
    assert!(shown.distance_m(Datum::Gcj02.from_wgs84(wgs)) < 0.2);
    let outline = data["outline"].as_array().unwrap();
    assert!((200..4131).contains(&outline.len()), "{} outline vertices", outline.len());

    // A tap where the point is drawn comes back in GCJ-02 and finds the point itself.
    let (_, html) = app
        .get_page(&format!("/nearest?lat={}&lon={}&crs=gcj02&from=map&fragment=1", shown.lat(), shown.lon()))
        .await;
    assert!(html.split("data-code=\"").nth(1).unwrap().starts_with("331003001001"));
    assert!(html.contains("距离 0 米"), "{html}");
    let (_, page) = app.get_page("/").await;
    assert!(page.contains(r#"data-datum="gcj02""#) && page.contains("https://tiles.example/{z}/{x}/{y}.png"));
}

#[tokio::test]
async fn the_text_size_switch_sets_a_cookie_and_returns_only_to_this_site() {
    let app = TestApp::new().await;
    let request = |uri: &str| Request::builder().uri(uri).body(Body::empty()).unwrap();
    let response = app.send(request("/text-size?large=1&return_to=%2Fpoints%2F331003001001")).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()[header::LOCATION], "/points/331003001001");
    let cookie = response.headers()[header::SET_COOKIE].to_str().unwrap();
    assert!(cookie.starts_with("legalmap_text=large;") && cookie.contains("SameSite=Lax"));

    for evil in ["//evil.example/", "https://evil.example/", "/\\evil.example"] {
        let uri = format!(
            "/text-size?large=1&return_to={}",
            form_urlencoded::byte_serialize(evil.as_bytes()).collect::<String>()
        );
        let response = app.send(request(&uri)).await;
        assert_eq!(response.headers()[header::LOCATION], "/", "{evil}");
    }

    let page = Request::builder()
        .uri("/")
        .header(header::COOKIE, "other=1; legalmap_text=large")
        .body(Body::empty())
        .unwrap();
    let response = app.send(page).await;
    let html = String::from_utf8(
        http_body_util::BodyExt::collect(response.into_body()).await.unwrap().to_bytes().to_vec(),
    )
    .unwrap();
    assert!(html.contains(r#"class="large-text""#));
}

#[tokio::test]
async fn static_files_are_cached_for_a_year_and_compressed() {
    let app = TestApp::new().await;
    let (_, html) = app.get_page("/").await;
    let script = local_links(&html)
        .into_iter()
        .find(|link| link.contains("leaflet.") && link.ends_with(".js"))
        .unwrap();
    let request =
        Request::builder().uri(&script).header(header::ACCEPT_ENCODING, "gzip").body(Body::empty()).unwrap();
    let response = app.send(request).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[header::CACHE_CONTROL], "public, max-age=31536000, immutable");
    assert_eq!(response.headers()[header::CONTENT_ENCODING], "gzip");
    let (status, _, _) = app.get_raw("/static/app.0000000000000000.js").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = TestApp::new().await;
    for uri in ["/", "/api/v1/nearest?lat=28.6&lon=121.2", "/no-such-page"] {
        let response = app.send(Request::builder().uri(uri).body(Body::empty()).unwrap()).await;
        let csp = response.headers()[header::CONTENT_SECURITY_POLICY].to_str().unwrap().to_owned();
        assert!(csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"), "{uri}: {csp}");
        assert_eq!(response.headers()[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    }
}
