//! Answers that do not mislead: estimates stacked on a town centre take one line, an origin
//! outside Huangyan is said to be, and distances from an estimated point are said to be from
//! its town's centre.

use axum::http::StatusCode;
use serde_json::Value;

use crate::support::TestApp;

/// From the district's centre, where 东城街道's placeholders sit 773.5 m away.
const CENTRE: &str = "lat=28.64&lon=121.26";

fn names(lines: &[Value]) -> Vec<String> {
    lines
        .iter()
        .map(|line| match line["type"].as_str() {
            Some("estimate_group") => format!("{}×{}", line["town"].as_str().unwrap(), line["count"]),
            _ => line["name"].as_str().unwrap().to_owned(),
        })
        .collect()
}

#[tokio::test]
async fn estimates_on_one_spot_take_one_line_and_the_real_places_make_the_list() {
    let app = TestApp::new().await;
    let (status, plain) = app.get_json(&format!("/api/v1/nearest?{CENTRE}")).await;
    assert_eq!(status, StatusCode::OK);
    let plain = plain["results"].as_array().unwrap();
    let stacked = plain.iter().filter(|r| r["location_is_estimate"] == true).count();
    assert!(stacked >= 3, "without grouping, placeholders fill the list: {:?}", names(plain));

    let (status, grouped) = app.get_json(&format!("/api/v1/nearest?{CENTRE}&group_estimates=true")).await;
    assert_eq!(status, StatusCode::OK);
    let lines = grouped["lines"].as_array().unwrap();
    assert!(grouped.get("results").is_none(), "lines instead of results");
    let listed = names(lines);
    assert_eq!(lines.len(), 5, "{listed:?}");
    assert!(listed.iter().any(|n| n.contains("百花社区")), "{listed:?}");
    assert!(listed.iter().any(|n| n.contains("锦江社区")), "{listed:?}");
    let groups: Vec<&Value> = lines.iter().filter(|line| line["type"] == "estimate_group").collect();
    assert_eq!(groups.len(), 1, "{listed:?}");
    let group = groups[0];
    assert_eq!(group["town"], "东城街道");
    let members = group["members"].as_array().unwrap();
    assert_eq!(group["count"].as_u64().unwrap() as usize, members.len());
    assert!(members.len() >= 10, "every placeholder on the spot is in the group: {}", members.len());
    let codes: Vec<&str> = members.iter().map(|m| m["code"].as_str().unwrap()).collect();
    assert!(codes.windows(2).all(|pair| pair[0] < pair[1]), "members in code order");
    // Each member really sits at the group's spot, as an estimate.
    for code in codes {
        let (_, point) = app.get_json(&format!("/api/v1/points/{code}")).await;
        assert_eq!(point["properties"]["location_quality"], "town_centre");
        assert_eq!(point["geometry"]["coordinates"][0], group["lon"]);
    }
    // Lines stay nearest first.
    let distances: Vec<f64> = lines.iter().map(|l| l["distance_m"].as_f64().unwrap()).collect();
    assert!(distances.windows(2).all(|d| d[0] <= d[1]), "{distances:?}");
}

#[tokio::test]
async fn grouping_is_validated_and_reachable_groups_too() {
    let app = TestApp::new().await;
    let (status, error) = app.get_json(&format!("/api/v1/nearest?{CENTRE}&group_estimates=perhaps")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error["error"]["code"], "invalid_group_estimates");
    let (status, reachable) =
        app.get_json(&format!("/api/v1/reachable?{CENTRE}&mode=drive&group_estimates=1")).await;
    assert_eq!(status, StatusCode::OK);
    let lines = reachable["lines"].as_array().unwrap();
    assert!(
        lines.iter().any(|l| l["type"] == "estimate_group") && lines.iter().any(|l| l["type"] == "point")
    );
}

#[tokio::test]
async fn an_origin_outside_huangyan_is_answered_as_such() {
    let app = TestApp::new().await;
    let (_, inside) = app.get_json(&format!("/api/v1/nearest?{CENTRE}")).await;
    assert_eq!(inside["origin_in_district"], true);
    // Hangzhou, and Taizhou's Jiaojiang district next door.
    for origin in ["lat=30.274&lon=120.155", "lat=28.66&lon=121.44"] {
        let (status, outside) = app.get_json(&format!("/api/v1/nearest?{origin}")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(outside["origin_in_district"], false, "{origin}");
        assert_eq!(outside["results"].as_array().unwrap().len(), 5, "still answered");
        let (_, page) = app.get_page(&format!("/nearest?{origin}")).await;
        assert!(page.contains("这个位置不在黄岩区内"), "{origin}");
    }
    let (_, page) = app.get_page(&format!("/nearest?{CENTRE}")).await;
    assert!(!page.contains("不在黄岩区内"));
}

#[tokio::test]
async fn the_page_groups_estimates_and_keeps_the_real_places() {
    let app = TestApp::new().await;
    let (status, page) = app.get_page(&format!("/nearest?{CENTRE}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("东城街道：") && page.contains("个服务点位置待核实，暂以街道中心代替"), "{page}");
    assert!(page.contains("百花社区") && page.contains("锦江社区"));
    assert_eq!(
        page.matches("class=\"result\"").count() + page.matches("class=\"result estimate-group\"").count(),
        5
    );
}

#[tokio::test]
async fn from_an_estimated_point_distances_are_said_to_be_from_the_town_centre() {
    let app = TestApp::new().await;
    // A 东城街道 placeholder picked from the list.
    let (_, grouped) = app.get_json(&format!("/api/v1/nearest?{CENTRE}&group_estimates=true")).await;
    let group = grouped["lines"].as_array().unwrap().iter().find(|l| l["type"] == "estimate_group").unwrap();
    let code = group["members"][0]["code"].as_str().unwrap();
    let name = group["members"][0]["name"].as_str().unwrap();
    let (status, page) = app.get_page(&format!("/nearest?code={code}&mode=bike")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(&format!("{name}的位置尚未核实")), "{page}");
    assert!(page.contains("不是从") && page.contains("距镇街中心"));
    assert!(!page.contains(" 0 米"), "no distance of 0 m from its own town centre");
    assert!(!page.contains("分钟内可到"), "no reachability claims from a placeholder");
    // The other placeholders on the same spot are one line.
    assert_eq!(page.matches("class=\"result estimate-group\"").count(), 1);
    assert!(page.contains("同在东城街道中心"));
}

#[tokio::test]
async fn by_bike_or_car_to_an_estimate_both_location_and_time_are_said_to_be_estimates() {
    let app = TestApp::new().await;
    for (mode, said) in [("walk", false), ("bike", true), ("drive", true)] {
        let (_, page) = app.get_page(&format!("/nearest?{CENTRE}&mode={mode}")).await;
        assert_eq!(page.contains("位置和时间均为估算"), said, "{mode}");
    }
}

#[tokio::test]
async fn the_update_date_is_when_the_points_facts_changed_not_when_the_database_was_made() {
    let app = TestApp::new().await;
    let (_, page) = app.get_page("/points/331003001001").await;
    assert!(page.contains("尚未由工作人员更新"), "a point as loaded from the sources has no update date");
    assert!(!page.contains("<time"), "no date for it");

    let staff = app.staff("chen", legalmap::domain::staff::Role::Editor).await;
    let verified = app.post_as(Some(&staff), "/admin/points/331003001001/verify", &[("version", "1")]).await;
    assert!(verified.status.is_redirection(), "{}", verified.body);
    let (_, page) = app.get_page("/points/331003001001").await;
    assert!(!page.contains("尚未由工作人员更新") && page.contains("<time datetime="), "{page}");
}
