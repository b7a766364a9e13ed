//! The staff list's filter (`domain::point_filter`) against the bundled points: its tests
//! need the bundled data set, which the domain crate does not read.

use crate::domain::point_filter::{PointFilter, StaffListQuery, parse_back};
use crate::domain::{LocationQuality, ServicePoint, Verification};
use crate::points::seed::bundled_points;

fn codes(points: &[ServicePoint], filter: &PointFilter) -> Vec<String> {
    points.iter().filter(|p| filter.matches(p)).map(|p| p.record.code.to_string()).collect()
}

#[test]
fn back_links_lead_only_to_the_staff_list() {
    assert_eq!(parse_back(None).unwrap(), None);
    assert_eq!(parse_back(Some("/admin/points")).unwrap().as_deref(), Some("/admin/points"));
    let filtered = "/admin/points?town=331003107&q=%E6%9D%91&page=2";
    assert_eq!(parse_back(Some(filtered)).unwrap().as_deref(), Some(filtered));
    for bad in [
        "https://evil.example/admin/points",
        "//evil.example/admin/points",
        "/admin/pointsx",
        "/admin/points/331003001001",
        "/admin/users",
        "/admin/points?\\evil",
        "/admin/points?a=1\r\nLocation: x",
        "javascript:alert(1)",
    ] {
        assert!(parse_back(Some(bad)).is_err(), "{bad}");
    }
}

#[test]
fn the_list_url_carries_every_filter() {
    let query = StaffListQuery {
        town: Some("331003107".into()),
        quality: Some(LocationQuality::TownCentre),
        verified: Some(false),
        recent: true,
        text: Some("村 1".into()),
        retired: true,
    };
    assert_eq!(
        query.href(3),
        "/admin/points?town=331003107&quality=town_centre&verified=no&recent=1&q=%E6%9D%91+1&retired=1&page=3"
    );
    assert_eq!(StaffListQuery::default().href(1), "/admin/points");
    assert!(parse_back(Some(&query.href(2))).is_ok());
}

#[test]
fn town_by_code_or_part_of_its_name() {
    let points = bundled_points();
    let by_name = codes(&points, &PointFilter { town: Some("院桥".into()), ..PointFilter::default() });
    let by_code = codes(&points, &PointFilter { town: Some("331003107".into()), ..PointFilter::default() });
    assert!(!by_name.is_empty());
    assert_eq!(by_name, by_code);
    assert!(by_name.iter().all(|code| code.starts_with("331003107")));
}

#[test]
fn text_finds_names_towns_and_codes() {
    let points = bundled_points();
    assert_eq!(codes(&points, &PointFilter::containing("百花")), ["331003001001"]);
    assert_eq!(codes(&points, &PointFilter::containing("331003001001")), ["331003001001"]);
    let town = codes(&points, &PointFilter::containing("院桥镇"));
    assert_eq!(town, codes(&points, &PointFilter { town: Some("院桥".into()), ..PointFilter::default() }));
    assert!(codes(&points, &PointFilter::containing("不存在的地方")).is_empty());
}

#[test]
fn every_criterion_must_hold() {
    let mut points = bundled_points();
    points[0].active = false;
    points[1].verified = Some(Verification { by: "chen".into(), at: "2026-01-02T00:00:00Z".into() });
    points[1].updated_at = "2026-01-02T00:00:00Z".into();
    let everything = PointFilter { include_retired: true, ..PointFilter::default() };
    assert_eq!(codes(&points, &everything).len(), points.len());
    assert_eq!(codes(&points, &PointFilter::default()).len(), points.len() - 1, "retired left out");
    let verified = PointFilter { verified: Some(true), ..PointFilter::default() };
    assert_eq!(codes(&points, &verified), [points[1].record.code.to_string()]);
    let unverified = PointFilter { verified: Some(false), ..PointFilter::default() };
    assert_eq!(codes(&points, &unverified).len(), points.len() - 2);
    let recent = PointFilter { changed_since: Some("2026-01-01T00:00:00Z".into()), ..PointFilter::default() };
    assert_eq!(codes(&points, &recent), [points[1].record.code.to_string()]);
    let estimates = PointFilter { quality: Some(LocationQuality::TownCentre), ..PointFilter::default() };
    let estimated = codes(&points, &estimates);
    assert!(!estimated.is_empty() && estimated.len() < points.len() - 1);
    let both = PointFilter { text: Some("百花".into()), verified: Some(true), ..PointFilter::default() };
    assert!(codes(&points, &both).is_empty());
}
