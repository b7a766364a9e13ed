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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Verification;
    use crate::points::seed::bundled_points;

    fn codes(points: &[ServicePoint], filter: &PointFilter) -> Vec<String> {
        points.iter().filter(|p| filter.matches(p)).map(|p| p.record.code.to_string()).collect()
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
