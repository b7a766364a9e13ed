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
