//! The fields of a point, listed once. History's list of changes, the import preview, the edit
//! page (its labels, and the table of what someone else changed) and the check whether an
//! import row changes a point all read [`PointField`]. A field added to [`PointRecord`] does not
//! compile until [`PointField::value_of`] reads it.

use super::history::PointSnapshot;
use super::{AreaType, LocationQuality, LonLat, PointKind, PointRecord, ServicePoint};

/// One field of a point, as staff see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PointField {
    Code,
    Name,
    /// The town's code and name, which go together.
    Town,
    Kind,
    AreaType,
    Address,
    Phone,
    Hours,
    Location,
    LocationQuality,
    Source,
    /// Retired or not.
    Active,
    VerifiedBy,
    VerifiedAt,
}

/// A point as its fields are read: a record and what the store keeps with it.
#[derive(Debug, Clone, Copy)]
pub struct PointState<'a> {
    pub record: &'a PointRecord,
    pub active: bool,
    pub verified_by: Option<&'a str>,
    pub verified_at: Option<&'a str>,
}

/// One field's value, comparable exactly (a location to the last bit) and shown by the views.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FieldValue<'a> {
    /// `None` when unknown.
    Text(Option<&'a str>),
    Town {
        code: &'a str,
        name: &'a str,
    },
    Kind(PointKind),
    AreaType(AreaType),
    LocationQuality(LocationQuality),
    Location(LonLat),
    Active(bool),
}

impl PointField {
    /// In the order the pages list them.
    pub const ALL: [PointField; 14] = [
        PointField::Code,
        PointField::Name,
        PointField::Town,
        PointField::Kind,
        PointField::AreaType,
        PointField::Address,
        PointField::Phone,
        PointField::Hours,
        PointField::Location,
        PointField::LocationQuality,
        PointField::Source,
        PointField::Active,
        PointField::VerifiedBy,
        PointField::VerifiedAt,
    ];

    /// The field's name on the staff pages.
    pub fn label_zh(self) -> &'static str {
        match self {
            PointField::Code => "编码",
            PointField::Name => "名称",
            PointField::Town => "所属镇（街道）",
            PointField::Kind => "类型",
            PointField::AreaType => "区域类型",
            PointField::Address => "地址",
            PointField::Phone => "电话",
            PointField::Hours => "办公时间",
            PointField::Location => "位置",
            PointField::LocationQuality => "位置质量",
            PointField::Source => "来源",
            PointField::Active => "状态",
            PointField::VerifiedBy => "核实人",
            PointField::VerifiedAt => "核实时间",
        }
    }

    /// Whether an import row or the edit form decides this field. Verification is the store's
    /// (a staff member's confirmation), so an import that agrees in every other field changes
    /// nothing; a retired point is revived by any record.
    pub fn set_by_record(self) -> bool {
        !matches!(self, PointField::VerifiedBy | PointField::VerifiedAt)
    }

    pub fn value_of(self, point: PointState<'_>) -> FieldValue<'_> {
        // Every field of the record, so that a new one does not compile until it is listed.
        let PointRecord {
            code,
            name,
            town_code,
            town,
            kind,
            address,
            phone,
            hours,
            location,
            location_quality,
            source,
            area_type,
        } = point.record;
        match self {
            PointField::Code => FieldValue::Text(Some(code.as_str())),
            PointField::Name => FieldValue::Text(Some(name)),
            PointField::Town => FieldValue::Town { code: town_code, name: town },
            PointField::Kind => FieldValue::Kind(*kind),
            PointField::AreaType => FieldValue::AreaType(*area_type),
            PointField::Address => FieldValue::Text(address.as_deref()),
            PointField::Phone => FieldValue::Text(phone.as_deref()),
            PointField::Hours => FieldValue::Text(hours.as_deref()),
            PointField::Location => FieldValue::Location(*location),
            PointField::LocationQuality => FieldValue::LocationQuality(*location_quality),
            PointField::Source => FieldValue::Text(Some(source)),
            PointField::Active => FieldValue::Active(point.active),
            PointField::VerifiedBy => FieldValue::Text(point.verified_by),
            PointField::VerifiedAt => FieldValue::Text(point.verified_at),
        }
    }
}

impl FieldValue<'_> {
    /// Nothing to show: unknown or empty text.
    pub fn is_empty(&self) -> bool {
        matches!(self, FieldValue::Text(None | Some("")))
    }
}

impl<'a> PointState<'a> {
    /// A record as an import row or the edit form would store it: active, not verified.
    pub fn of_record(record: &'a PointRecord) -> Self {
        Self { record, active: true, verified_by: None, verified_at: None }
    }
}

impl<'a> From<&'a ServicePoint> for PointState<'a> {
    fn from(point: &'a ServicePoint) -> Self {
        let verified = point.verified.as_ref();
        Self {
            record: &point.record,
            active: point.active,
            verified_by: verified.map(|v| v.by.as_str()),
            verified_at: verified.map(|v| v.at.as_str()),
        }
    }
}

impl<'a> From<&'a PointSnapshot> for PointState<'a> {
    fn from(snapshot: &'a PointSnapshot) -> Self {
        Self {
            record: &snapshot.record,
            active: snapshot.active,
            verified_by: snapshot.verified_by.as_deref(),
            verified_at: snapshot.verified_at.as_deref(),
        }
    }
}

/// The fields in which a stored point differs from a record (an import row or a form); empty
/// when they agree. A retired point differs from any record (importing it revives it).
pub fn differing_fields(current: &ServicePoint, record: &PointRecord) -> Vec<PointField> {
    let (current, new) = (PointState::from(current), PointState::of_record(record));
    PointField::ALL
        .into_iter()
        .filter(|field| field.set_by_record() && field.value_of(current) != field.value_of(new))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Verification;

    fn point() -> ServicePoint {
        ServicePoint {
            verified: Some(Verification { by: "chen".into(), at: "2026-01-01T00:00:00Z".into() }),
            ..ServicePoint::unsaved(PointRecord {
                code: crate::domain::PointCode::parse("331003001001").unwrap(),
                name: "百花社区居委会".into(),
                town_code: "331003001".into(),
                town: "东城街道".into(),
                kind: PointKind::Community,
                address: None,
                phone: Some("0576-84000000".into()),
                hours: None,
                location: LonLat::parse(121.26, 28.64).unwrap(),
                location_quality: LocationQuality::Geocoded,
                source: "2018".into(),
                area_type: AreaType::Urban,
            })
        }
    }

    #[test]
    fn a_record_differs_in_the_fields_it_changes_and_never_in_verification() {
        let stored = point();
        assert!(differing_fields(&stored, &stored.record).is_empty(), "verified, but the record agrees");
        let mut record = stored.record.clone();
        record.phone = None;
        record.town = "西城街道".into();
        record.location = LonLat::parse(121.26, 28.640_000_000_000_1).unwrap();
        assert_eq!(
            differing_fields(&stored, &record),
            [PointField::Town, PointField::Phone, PointField::Location]
        );
        let retired = ServicePoint { active: false, ..stored.clone() };
        assert_eq!(differing_fields(&retired, &stored.record), [PointField::Active]);
    }

    #[test]
    fn every_field_has_its_own_label() {
        let mut labels: Vec<&str> = PointField::ALL.iter().map(|field| field.label_zh()).collect();
        labels.sort_unstable();
        labels.dedup();
        assert_eq!(labels.len(), PointField::ALL.len());
    }
}
