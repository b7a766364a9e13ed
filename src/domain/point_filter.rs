//! Which service points a list shows. One filter for the public API's list, the residents'
//! place search and the staff list, so that "town" and "text" mean the same everywhere.

use super::{LocationQuality, ServicePoint};

/// What a point must all meet to be listed; a criterion left `None` (or `false`) lets every
/// point through.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PointFilter {
    /// A town or street: its 9-digit NBS code, or part of its name (院桥 finds 院桥镇).
    pub town: Option<String>,
    /// Part of the point's name, of its town's name, or of its code.
    pub text: Option<String>,
    pub quality: Option<LocationQuality>,
    /// Whether staff have confirmed the location.
    pub verified: Option<bool>,
    /// Changed at or after this moment (RFC 3339, UTC, as the store writes `updated_at`).
    pub changed_since: Option<String>,
    /// Retired points too; only the staff list has any (the public index holds active points).
    pub include_retired: bool,
}

impl PointFilter {
    /// The residents' search by place name: the name of a village, community or town.
    pub fn containing(text: &str) -> Self {
        Self { text: Some(text.to_owned()), ..Self::default() }
    }

    pub fn matches(&self, point: &ServicePoint) -> bool {
        let record = &point.record;
        let contains = |text: &str| {
            record.name.contains(text) || record.town.contains(text) || record.code.as_str().contains(text)
        };
        self.town.as_deref().is_none_or(|town| record.town_code == town || record.town.contains(town))
            && self.text.as_deref().is_none_or(contains)
            && self.quality.is_none_or(|quality| record.location_quality == quality)
            && self.verified.is_none_or(|verified| point.verified.is_some() == verified)
            && self.changed_since.as_deref().is_none_or(|since| point.updated_at.as_str() >= since)
            && (self.include_retired || point.active)
    }
}

/// The staff list's filters and page as its URL carries them (`town`, `quality`, `verified`,
/// `recent`, `q`, `retired`, `page`), so a filtered page can be linked to and come back to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StaffListQuery {
    pub town: Option<String>,
    pub quality: Option<LocationQuality>,
    pub verified: Option<bool>,
    /// Changed within the last 7 days.
    pub recent: bool,
    pub text: Option<String>,
    pub retired: bool,
}

impl StaffListQuery {
    /// The filter this asks for; `recent_since` is the moment a week ago (RFC 3339 UTC).
    pub fn filter(&self, recent_since: String) -> PointFilter {
        PointFilter {
            town: self.town.clone(),
            text: self.text.clone(),
            quality: self.quality,
            verified: self.verified,
            changed_since: self.recent.then_some(recent_since),
            include_retired: self.retired,
        }
    }

    /// The list's URL with these filters, on `page` (the first page's URL names no page).
    pub fn href(&self, page: usize) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        if let Some(town) = &self.town {
            query.append_pair("town", town);
        }
        if let Some(quality) = self.quality {
            query.append_pair("quality", quality.as_str());
        }
        if let Some(verified) = self.verified {
            query.append_pair("verified", if verified { "yes" } else { "no" });
        }
        if self.recent {
            query.append_pair("recent", "1");
        }
        if let Some(text) = &self.text {
            query.append_pair("q", text);
        }
        if self.retired {
            query.append_pair("retired", "1");
        }
        if page > 1 {
            query.append_pair("page", &page.to_string());
        }
        let query = query.finish();
        if query.is_empty() { LIST_PATH.to_owned() } else { format!("{LIST_PATH}?{query}") }
    }
}

/// The staff points list's path.
pub const LIST_PATH: &str = "/admin/points";

/// The `back` parameter of the edit page: the filtered list it was opened from. Only the staff
/// list itself on this site (`/admin/points` or `/admin/points?...`) is accepted, so the link
/// can never lead elsewhere (no open redirect); absent: `None`.
pub fn parse_back(raw: Option<&str>) -> Result<Option<String>, String> {
    let Some(raw) = raw.filter(|raw| !raw.is_empty()) else { return Ok(None) };
    let on_list = raw == LIST_PATH || raw.strip_prefix(LIST_PATH).is_some_and(|rest| rest.starts_with('?'));
    // Printable ASCII only: a URL the list made is percent-encoded, and nothing that a browser
    // might read as a scheme, a host or a line break gets through.
    let plain = raw.len() <= 2_000 && raw.bytes().all(|b| b.is_ascii_graphic() && b != b'\\');
    if on_list && plain {
        Ok(Some(raw.to_owned()))
    } else {
        Err("返回地址无效：只能返回服务点列表（/admin/points）。".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Verification;
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
        let by_code =
            codes(&points, &PointFilter { town: Some("331003107".into()), ..PointFilter::default() });
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
        assert_eq!(
            town,
            codes(&points, &PointFilter { town: Some("院桥".into()), ..PointFilter::default() })
        );
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
        let recent =
            PointFilter { changed_since: Some("2026-01-01T00:00:00Z".into()), ..PointFilter::default() };
        assert_eq!(codes(&points, &recent), [points[1].record.code.to_string()]);
        let estimates = PointFilter { quality: Some(LocationQuality::TownCentre), ..PointFilter::default() };
        let estimated = codes(&points, &estimates);
        assert!(!estimated.is_empty() && estimated.len() < points.len() - 1);
        let both =
            PointFilter { text: Some("百花".into()), verified: Some(true), ..PointFilter::default() };
        assert!(codes(&points, &both).is_empty());
    }
}
