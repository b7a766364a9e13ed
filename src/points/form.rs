//! The point editing form: what staff typed, turned into a record, with the problems to fix and
//! the confirmations to give before it may be saved.

use std::sync::Arc;

use serde::Deserialize;

use crate::domain::fields::SAME_PLACE_M;
use crate::domain::gps_fix::GpsFix;
use crate::domain::opening_hours::rows::rows_of;
use crate::domain::paste::parse_pasted;
use crate::domain::{
    AreaType, Datum, LocationQuality, LonLat, OpeningHours, PointCode, PointKind, PointRecord, ServicePoint,
};
use crate::points::csv_file::check_phone;
use crate::points::hours_form::{HoursRows, opening_hours_of};
use crate::web::map::MapSettings;

/// Why a town-centre location cannot be marked verified: it is a stand-in, not a place.
pub const NOTHING_TO_VERIFY_ZH: &str =
    "位置仍是镇街中心估算，没有可核实的位置：请先到现场定位或修改位置，再标记已核实。";

/// The form as posted: text, checked by [`Draft::from_form`].
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PointForm {
    pub version: Option<String>,
    /// New points only.
    pub code: Option<String>,
    /// New points only: the 9-digit town code.
    pub town_code: Option<String>,
    pub name: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
    /// The free-text note on the opening hours.
    pub hours: Option<String>,
    /// The opening hours as OpenStreetMap text ("高级格式"): filled when the rows cannot show
    /// them; staff may type it instead of using the rows.
    pub opening_hours: Option<String>,
    /// The opening hours as weekday rows (the `oh…` fields).
    #[serde(flatten)]
    pub hours_rows: HoursRows,
    pub kind: Option<String>,
    pub area_type: Option<String>,
    pub lat: Option<String>,
    pub lon: Option<String>,
    /// Datum of lat/lon (and of the paste).
    pub crs: Option<String>,
    /// Coordinates pasted from a map app, either order.
    pub paste: Option<String>,
    /// An on-site GPS fix (filled by the page's script): accuracy radius in metres and the fix
    /// time (RFC 3339). With them, lat/lon are the fix in WGS-84.
    pub accuracy_m: Option<String>,
    pub fixed_at: Option<String>,
    /// Why a fix less accurate than the limit is good enough.
    pub gps_reason: Option<String>,
    /// What the form showed when it was opened (the base of the three-way merge on save).
    pub base_name: Option<String>,
    pub base_kind: Option<String>,
    pub base_area_type: Option<String>,
    pub base_address: Option<String>,
    pub base_phone: Option<String>,
    pub base_hours: Option<String>,
    /// The normalized OpenStreetMap text, empty when unknown.
    pub base_opening_hours: Option<String>,
    /// WGS-84, as `lat`/`lon` were shown.
    pub base_lat: Option<String>,
    pub base_lon: Option<String>,
    pub verify: Option<String>,
    pub confirm_move: Option<String>,
    pub confirm_outside: Option<String>,
    pub outside_reason: Option<String>,
    pub reason: Option<String>,
    /// `save`, or anything else to preview.
    pub action: Option<String>,
}

impl PointForm {
    /// The form filled with a stored point (coordinates in WGS-84).
    pub fn from_point(point: &ServicePoint) -> Self {
        Self::from_record(&point.record, point.version)
    }

    /// The form filled with a record at `version`, showing it and based on it.
    pub fn from_record(r: &PointRecord, version: i64) -> Self {
        let (lat, lon) = (format!("{:.7}", r.location.lat()), format!("{:.7}", r.location.lon()));
        Self {
            base_name: Some(r.name.clone()),
            base_kind: Some(r.kind.to_string()),
            base_area_type: Some(r.area_type.to_string()),
            base_address: Some(r.address.clone().unwrap_or_default()),
            base_phone: Some(r.phone.clone().unwrap_or_default()),
            base_hours: Some(r.hours.clone().unwrap_or_default()),
            base_opening_hours: Some(
                r.opening_hours.as_ref().map(|h| h.as_str().to_owned()).unwrap_or_default(),
            ),
            base_lat: Some(lat.clone()),
            base_lon: Some(lon.clone()),
            version: Some(version.to_string()),
            code: Some(r.code.to_string()),
            town_code: Some(r.town_code.clone()),
            name: Some(r.name.clone()),
            address: r.address.clone(),
            phone: r.phone.clone(),
            hours: r.hours.clone(),
            hours_rows: HoursRows::of(r.opening_hours.as_ref()),
            opening_hours: r
                .opening_hours
                .as_ref()
                .filter(|hours| rows_of(hours).is_none())
                .map(|hours| hours.as_str().to_owned()),
            kind: Some(r.kind.to_string()),
            area_type: Some(r.area_type.to_string()),
            lat: Some(lat),
            lon: Some(lon),
            crs: Some(Datum::Wgs84.to_string()),
            ..Self::default()
        }
    }

    pub fn text(field: &Option<String>) -> &str {
        field.as_deref().map(str::trim).unwrap_or("")
    }

    fn checked(field: &Option<String>) -> bool {
        !Self::text(field).is_empty()
    }

    pub fn wants_save(&self) -> bool {
        Self::text(&self.action) == "save"
    }

    /// The same form, now based on `current` (after a conflict: the next save merges against
    /// what is stored now).
    pub fn based_on(self, current: &PointRecord) -> Self {
        let base = Self::from_record(current, 0);
        Self {
            base_name: base.base_name,
            base_kind: base.base_kind,
            base_area_type: base.base_area_type,
            base_address: base.base_address,
            base_phone: base.base_phone,
            base_hours: base.base_hours,
            base_opening_hours: base.base_opening_hours,
            base_lat: base.base_lat,
            base_lon: base.base_lon,
            ..self
        }
    }

    /// What the form showed when opened, as a record: `current` with the shown values of the
    /// fields the form edits. `None` for a form without them (posted by something other than the
    /// edit page) or with unreadable ones.
    pub fn base_record(&self, current: &PointRecord) -> Option<PointRecord> {
        let text = Self::text;
        self.base_name.as_ref()?;
        let optional = |field: &Option<String>| Some(text(field).to_owned()).filter(|v| !v.is_empty());
        let (lon, lat) = (text(&self.base_lon).parse().ok()?, text(&self.base_lat).parse().ok()?);
        let shown_at = LonLat::parse(lon, lat).ok()?;
        // A form from before opening hours were structured has no base for them: unknown.
        let opening_hours = match text(&self.base_opening_hours) {
            "" => None,
            shown => Some(OpeningHours::parse(shown).ok()?),
        };
        let mut base = PointRecord {
            name: text(&self.base_name).to_owned(),
            kind: text(&self.base_kind).parse().ok()?,
            area_type: text(&self.base_area_type).parse().ok()?,
            address: optional(&self.base_address),
            phone: optional(&self.base_phone),
            hours: optional(&self.base_hours),
            opening_hours,
            ..current.clone()
        };
        if shown_at.distance_m(current.location) > SAME_PLACE_M {
            // Moved since: the quality it had then is unknown, and only the place matters.
            (base.location, base.location_quality, base.accuracy_m, base.location_fixed_at) =
                (shown_at, LocationQuality::StaffSet, None, None);
        }
        Some(base)
    }
}

/// A confirmation the form needs before saving.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confirmation {
    /// The point moves further than the configured distance.
    LongMove,
    /// The new location is outside the district (needs a reason too).
    OutsideDistrict,
    /// The GPS fix is less accurate than the configured limit (needs a reason).
    PoorFix,
}

/// The result of checking a form.
#[derive(Debug, Clone)]
pub struct Draft {
    /// Present when every field parsed.
    pub record: Option<PointRecord>,
    /// Problems to fix, in Chinese, one per field.
    pub problems: Vec<String>,
    /// Confirmations still missing.
    pub missing_confirmations: Vec<Confirmation>,
    /// The new location (WGS-84), when it parsed.
    pub location: Option<LonLat>,
    /// How far the location moves from the stored one, metres.
    pub moved_m: Option<f64>,
    pub inside_district: bool,
    pub verify: bool,
    /// The on-site GPS fix the location comes from, when there is one.
    pub fix: Option<GpsFix>,
}

/// What checking a form needs to know beyond the form itself.
#[derive(Debug, Clone, Copy)]
pub struct FormContext<'a> {
    /// The active points in code order: a new point's town is named after its neighbours.
    pub points: &'a [Arc<ServicePoint>],
    /// The district outline, to ask for confirmation of a location outside it.
    pub map: &'a MapSettings,
    /// Moves longer than this (metres) ask for confirmation.
    pub confirm_move_m: f64,
    /// GPS fixes less accurate than this (metres) need a reason.
    pub max_gps_accuracy_m: f64,
    /// The server's clock, seconds since 1970: a fix's time is checked against it.
    pub now_unix: i64,
}

impl Draft {
    /// Checks `form` for the point `existing` (None when adding), as `actor`.
    pub fn from_form(
        context: &FormContext<'_>,
        form: &PointForm,
        existing: Option<&ServicePoint>,
        actor: &str,
    ) -> Self {
        let mut problems = Vec::new();
        let text = PointForm::text;
        let code = match existing {
            Some(point) => Some(point.record.code.clone()),
            None => PointCode::parse(text(&form.code))
                .map_err(|_| problems.push("编码须为 12 位国家统计局区划代码。".into()))
                .ok(),
        };
        let town_code =
            existing.map_or_else(|| text(&form.town_code).to_owned(), |p| p.record.town_code.clone());
        let town = match existing {
            Some(point) => Some(point.record.town.clone()),
            // Codes start with their town's code, and points are in code order: the town's first
            // point is where its code would sort.
            None => {
                let points = context.points;
                let first = points.partition_point(|p| p.record.code.as_str() < town_code.as_str());
                points.get(first).filter(|p| p.record.town_code == town_code).map(|p| p.record.town.clone())
            }
        };
        if town.is_none() {
            problems.push("请选择所属镇（街道）。".into());
        }
        if let (Some(code), None) = (&code, existing)
            && code.town_code() != town_code
        {
            problems.push("编码的前 9 位须与所属镇（街道）代码一致。".into());
        }
        let name = text(&form.name);
        if name.is_empty() || name.chars().count() > 60 {
            problems.push("名称必填，且不超过 60 个字。".into());
        }
        let kind =
            text(&form.kind).parse::<PointKind>().map_err(|_| problems.push("请选择类型。".into())).ok();
        let area_type = text(&form.area_type)
            .parse::<AreaType>()
            .map_err(|_| problems.push("请选择区域类型。".into()))
            .ok();
        let optional = |field: &Option<String>, label: &str, problems: &mut Vec<String>| {
            let value = text(field);
            if value.chars().count() > 200 {
                problems.push(format!("{label}不超过 200 个字。"));
            }
            Some(value.to_owned()).filter(|v| !v.is_empty())
        };
        let address = optional(&form.address, "地址", &mut problems);
        let hours = optional(&form.hours, "办公时间说明", &mut problems);
        let opening_hours = opening_hours_of(&form.hours_rows, text(&form.opening_hours))
            .map_err(|found| problems.extend(found))
            .ok()
            .flatten();
        let phone = optional(&form.phone, "电话", &mut problems);
        if let Some(phone) = &phone
            && check_phone(phone).is_err()
        {
            problems.push("电话格式不正确：只能包含数字、空格和 - + ( )，3 到 20 位数字。".into());
        }
        let location = parse_location(form).map_err(|problem| problems.push(problem)).ok();
        let fix_given = PointForm::checked(&form.accuracy_m) || PointForm::checked(&form.fixed_at);
        let fix = if fix_given {
            GpsFix::parse(text(&form.accuracy_m), text(&form.fixed_at), context.now_unix)
                .map_err(|problem| problems.push(problem))
                .ok()
        } else {
            None
        };
        if fix.is_some() && (PointForm::checked(&form.paste) || text(&form.crs) != Datum::Wgs84.as_str()) {
            problems.push("现场定位的坐标须为 WGS-84 且不用粘贴框：请重新点击“使用当前位置”。".into());
        }

        let moved_m = match (location, existing) {
            (Some(new), Some(point)) => Some(new.distance_m(point.record.location)),
            _ => None,
        };
        let inside_district = location.is_some_and(|at| context.map.in_district(at));
        let mut missing_confirmations = Vec::new();
        if moved_m.is_some_and(|m| m > context.confirm_move_m) && !PointForm::checked(&form.confirm_move) {
            missing_confirmations.push(Confirmation::LongMove);
        }
        let outside_confirmed =
            !text(&form.outside_reason).is_empty() && PointForm::checked(&form.confirm_outside);
        if location.is_some() && !inside_district && !outside_confirmed {
            missing_confirmations.push(Confirmation::OutsideDistrict);
        }
        if fix.as_ref().is_some_and(|fix| fix.accuracy_m > context.max_gps_accuracy_m)
            && !PointForm::checked(&form.gps_reason)
        {
            missing_confirmations.push(Confirmation::PoorFix);
        }
        let verify = PointForm::checked(&form.verify);

        let record = match (code, town, kind, area_type, location) {
            (Some(code), Some(town), Some(kind), Some(area_type), Some(location)) if problems.is_empty() => {
                // The form shows coordinates to 7 decimals (about 1 cm): reading them back is not a move.
                let moved = moved_m.is_none_or(|m| m > SAME_PLACE_M);
                let staff = format!("staff: {actor}");
                let (location, location_quality, accuracy_m, location_fixed_at, source) =
                    match (existing, &fix) {
                        (_, Some(fix)) => (
                            location,
                            LocationQuality::GpsOnSite,
                            Some(fix.accuracy_m),
                            Some(fix.fixed_at.clone()),
                            staff,
                        ),
                        (Some(point), None) if !moved => {
                            let r = &point.record;
                            (
                                r.location,
                                r.location_quality,
                                r.accuracy_m,
                                r.location_fixed_at.clone(),
                                r.source.clone(),
                            )
                        }
                        _ => (location, LocationQuality::StaffSet, None, None, staff),
                    };
                if verify && location_quality == LocationQuality::TownCentre {
                    problems.push(NOTHING_TO_VERIFY_ZH.into());
                }
                Some(PointRecord {
                    code,
                    name: name.to_owned(),
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
                })
            }
            _ => None,
        };
        Self { record, problems, missing_confirmations, location, moved_m, inside_district, verify, fix }
    }

    /// Ready to save: parsed, no problems, every confirmation given.
    pub fn ready(&self) -> bool {
        self.record.is_some() && self.problems.is_empty() && self.missing_confirmations.is_empty()
    }
}

/// The location from the paste box if filled, else the lat/lon fields, in the chosen datum,
/// converted to WGS-84.
fn parse_location(form: &PointForm) -> Result<LonLat, String> {
    let datum: Datum = PointForm::text(&form.crs).parse().map_err(|_| "请选择坐标系。".to_owned())?;
    let paste = PointForm::text(&form.paste);
    let (lon, lat) = if paste.is_empty() {
        let number = |field: &Option<String>, label: &str| {
            PointForm::text(field).parse::<f64>().map_err(|_| format!("{label}须为数字（如 28.64）。"))
        };
        (number(&form.lon, "经度")?, number(&form.lat, "纬度")?)
    } else {
        parse_pasted(paste)?
    };
    let position =
        LonLat::parse(lon, lat).map_err(|_| "坐标超出范围：纬度 -90 到 90，经度 -180 到 180。".to_owned())?;
    Ok(datum.to_wgs84(position))
}
