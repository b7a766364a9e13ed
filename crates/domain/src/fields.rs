//! The fields of a point, listed once. History's list of changes, the import preview, the edit
//! page (its labels, and the table of what someone else changed) and the check whether an
//! import row changes a point all read [`PointField`]. A field added to [`PointRecord`] does not
//! compile until [`PointField::value_of`] reads it.

use super::history::PointSnapshot;
use super::{AreaType, LocationQuality, LonLat, OpeningHours, PointKind, PointRecord, ServicePoint};

/// Locations closer than this (metres) are the same place: the edit form shows coordinates to
/// 7 decimals (about 1 cm), so reading them back is not a move.
pub const SAME_PLACE_M: f64 = 0.05;

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
    /// The structured opening hours (OpenStreetMap syntax).
    OpeningHours,
    /// The free-text note on the hours.
    Hours,
    Location,
    LocationQuality,
    /// The GPS fix's accuracy radius (on-site captures only).
    LocationAccuracy,
    /// When the GPS fix was taken.
    LocationFixedAt,
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
    /// Metres; `None` when not measured.
    Metres(Option<f64>),
    Active(bool),
}

impl PointField {
    /// In the order the pages list them.
    pub const ALL: [PointField; 17] = [
        PointField::Code,
        PointField::Name,
        PointField::Town,
        PointField::Kind,
        PointField::AreaType,
        PointField::Address,
        PointField::Phone,
        PointField::OpeningHours,
        PointField::Hours,
        PointField::Location,
        PointField::LocationQuality,
        PointField::LocationAccuracy,
        PointField::LocationFixedAt,
        PointField::Source,
        PointField::Active,
        PointField::VerifiedBy,
        PointField::VerifiedAt,
    ];

    /// The fields the staff edit page decides, in its order: the merge of two editors' changes
    /// goes field by field over these. The location carries its quality, fix and source with it.
    pub const EDITABLE: [PointField; 8] = [
        PointField::Name,
        PointField::Kind,
        PointField::AreaType,
        PointField::Address,
        PointField::Phone,
        PointField::OpeningHours,
        PointField::Hours,
        PointField::Location,
    ];

    /// Whether two records agree in this field as an editor sees it: locations closer than
    /// [`SAME_PLACE_M`] with the same quality and fix are the same location.
    pub fn agrees(self, a: &PointRecord, b: &PointRecord) -> bool {
        match self {
            PointField::Location => {
                a.location.distance_m(b.location) <= SAME_PLACE_M
                    && a.location_quality == b.location_quality
                    && a.accuracy_m == b.accuracy_m
            }
            _ => self.value_of(PointState::of_record(a)) == self.value_of(PointState::of_record(b)),
        }
    }

    /// Copies this field from `from` into `to`; the location with its quality, fix and source.
    /// Fields outside [`PointField::EDITABLE`] are left alone.
    pub fn copy(self, from: &PointRecord, to: &mut PointRecord) {
        match self {
            PointField::Name => to.name.clone_from(&from.name),
            PointField::Kind => to.kind = from.kind,
            PointField::AreaType => to.area_type = from.area_type,
            PointField::Address => to.address.clone_from(&from.address),
            PointField::Phone => to.phone.clone_from(&from.phone),
            PointField::OpeningHours => to.opening_hours.clone_from(&from.opening_hours),
            PointField::Hours => to.hours.clone_from(&from.hours),
            PointField::Location => {
                to.location = from.location;
                to.location_quality = from.location_quality;
                to.accuracy_m = from.accuracy_m;
                to.location_fixed_at.clone_from(&from.location_fixed_at);
                to.source.clone_from(&from.source);
            }
            _ => {}
        }
    }

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
            PointField::OpeningHours => "办公时间",
            PointField::Hours => "办公时间说明",
            PointField::Location => "位置",
            PointField::LocationQuality => "位置质量",
            PointField::LocationAccuracy => "定位精度（米）",
            PointField::LocationFixedAt => "定位时间",
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
            opening_hours,
            location,
            location_quality,
            accuracy_m,
            location_fixed_at,
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
            PointField::OpeningHours => FieldValue::Text(opening_hours.as_ref().map(OpeningHours::as_str)),
            PointField::Hours => FieldValue::Text(hours.as_deref()),
            PointField::Location => FieldValue::Location(*location),
            PointField::LocationQuality => FieldValue::LocationQuality(*location_quality),
            PointField::LocationAccuracy => FieldValue::Metres(*accuracy_m),
            PointField::LocationFixedAt => FieldValue::Text(location_fixed_at.as_deref()),
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
        matches!(self, FieldValue::Text(None | Some("")) | FieldValue::Metres(None))
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

/// The outcome of merging an editor's record with what is stored now.
#[derive(Debug, Clone, PartialEq)]
pub struct Merge {
    /// What is stored now, with every field the editor changed taken from the editor (also
    /// the conflicting ones, so the form can show the editor's values again).
    pub record: PointRecord,
    /// Fields both sides changed, to different values: nothing may be saved while there are any.
    pub conflicts: Vec<PointField>,
}

/// Three-way merge of an edit: `base` is what the editor's form showed, `current` what is stored
/// now, `mine` what the editor submitted. A field the editor did not change keeps what is stored
/// now (a colleague's change survives); one only the editor changed takes the editor's value;
/// one both changed to different values conflicts. Without a `base` (a form from before forms
/// carried one, at an older version) every field the editor's record changes conflicts.
pub fn merge(base: Option<&PointRecord>, current: &PointRecord, mine: &PointRecord) -> Merge {
    let mut record = current.clone();
    let mut conflicts = Vec::new();
    for field in PointField::EDITABLE {
        let (mine_changed, theirs_changed) = match base {
            Some(base) => (!field.agrees(base, mine), !field.agrees(base, current)),
            None => (!field.agrees(current, mine), true),
        };
        if !mine_changed {
            continue;
        }
        if theirs_changed && !field.agrees(current, mine) {
            conflicts.push(field);
        }
        field.copy(mine, &mut record);
    }
    Merge { record, conflicts }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Verification;

    fn point() -> ServicePoint {
        ServicePoint {
            verified: Some(Verification { by: "chen".into(), at: "2026-01-01T00:00:00Z".into() }),
            ..ServicePoint::unsaved(PointRecord {
                code: crate::PointCode::parse("331003001001").unwrap(),
                name: "百花社区居委会".into(),
                town_code: "331003001".into(),
                town: "东城街道".into(),
                kind: PointKind::Community,
                address: None,
                phone: Some("0576-84000000".into()),
                hours: None,
                opening_hours: None,
                location: LonLat::parse(121.26, 28.64).unwrap(),
                location_quality: LocationQuality::Geocoded,
                accuracy_m: None,
                location_fixed_at: None,
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
    fn a_merge_keeps_the_colleagues_fields_and_flags_fields_both_changed() {
        let base = point().record;
        let mut current = base.clone();
        current.phone = Some("0576-81111111".into());
        current.hours = Some("全天".into());
        let mut mine = base.clone();
        mine.name = "百花社区".into();
        mine.hours = Some("上午".into());
        let merged = merge(Some(&base), &current, &mine);
        assert_eq!(merged.conflicts, [PointField::Hours]);
        assert_eq!(merged.record.name, "百花社区");
        assert_eq!(merged.record.phone.as_deref(), Some("0576-81111111"), "the colleague's phone stays");
        // Both made the same change: no conflict.
        mine.hours = current.hours.clone();
        assert!(merge(Some(&base), &current, &mine).conflicts.is_empty());
        // Reading the location back at 7 decimals is not a change.
        let mut shown = base.clone();
        shown.location = LonLat::parse(121.260_000_01, 28.64).unwrap();
        assert_eq!(merge(Some(&shown), &base, &base).record, base);
    }

    #[test]
    fn opening_hours_and_their_note_merge_as_two_fields() {
        let hours = |text: &str| Some(OpeningHours::parse(text).unwrap());
        let base = point().record;
        let mut current = base.clone();
        current.opening_hours = hours("Mo-Fr 08:30-17:00");
        let mut mine = base.clone();
        mine.hours = Some("节假日休息".into());
        let merged = merge(Some(&base), &current, &mine);
        assert!(merged.conflicts.is_empty());
        assert_eq!(
            (merged.record.opening_hours, merged.record.hours),
            (current.opening_hours.clone(), mine.hours.clone())
        );
        // The same rules however they were typed: no conflict.
        mine.opening_hours = hours("mo-fr 8:30-17:00");
        assert!(merge(Some(&base), &current, &mine).conflicts.is_empty());
        mine.opening_hours = hours("Mo-Sa 08:30-17:00");
        assert_eq!(merge(Some(&base), &current, &mine).conflicts, [PointField::OpeningHours]);
    }

    #[test]
    fn every_field_has_its_own_label() {
        let mut labels: Vec<&str> = PointField::ALL.iter().map(|field| field.label_zh()).collect();
        labels.sort_unstable();
        labels.dedup();
        assert_eq!(labels.len(), PointField::ALL.len());
    }
}
