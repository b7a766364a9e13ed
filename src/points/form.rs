//! The point editing form: what staff typed, turned into a record, with the problems to fix and
//! the confirmations to give before it may be saved.

use std::sync::Arc;

use serde::Deserialize;

use crate::domain::paste::parse_pasted;
use crate::domain::{
    AreaType, Datum, LocationQuality, LonLat, PointCode, PointKind, PointRecord, ServicePoint,
};
use crate::points::csv_file::check_phone;
use crate::web::map::MapSettings;

/// Moves shorter than this (metres) are rounding of the displayed coordinates, not moves.
const SAME_PLACE_M: f64 = 0.05;

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
    pub hours: Option<String>,
    pub kind: Option<String>,
    pub area_type: Option<String>,
    pub lat: Option<String>,
    pub lon: Option<String>,
    /// Datum of lat/lon (and of the paste).
    pub crs: Option<String>,
    /// Coordinates pasted from a map app, either order.
    pub paste: Option<String>,
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
        let r = &point.record;
        Self {
            version: Some(point.version.to_string()),
            code: Some(r.code.to_string()),
            town_code: Some(r.town_code.clone()),
            name: Some(r.name.clone()),
            address: r.address.clone(),
            phone: r.phone.clone(),
            hours: r.hours.clone(),
            kind: Some(r.kind.to_string()),
            area_type: Some(r.area_type.to_string()),
            lat: Some(format!("{:.7}", r.location.lat())),
            lon: Some(format!("{:.7}", r.location.lon())),
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
}

/// A confirmation the form needs before saving.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confirmation {
    /// The point moves further than the configured distance.
    LongMove,
    /// The new location is outside the district (needs a reason too).
    OutsideDistrict,
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
        let hours = optional(&form.hours, "办公时间", &mut problems);
        let phone = optional(&form.phone, "电话", &mut problems);
        if let Some(phone) = &phone
            && check_phone(phone).is_err()
        {
            problems.push("电话格式不正确：只能包含数字、空格和 - + ( )，3 到 20 位数字。".into());
        }
        let location = parse_location(form).map_err(|problem| problems.push(problem)).ok();

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

        let record = match (code, town, kind, area_type, location) {
            (Some(code), Some(town), Some(kind), Some(area_type), Some(location)) if problems.is_empty() => {
                // The form shows coordinates to 7 decimals (about 1 cm): reading them back is not a move.
                let moved = moved_m.is_none_or(|m| m > SAME_PLACE_M);
                let (location, location_quality, source) = match existing {
                    Some(point) if !moved => {
                        (point.record.location, point.record.location_quality, point.record.source.clone())
                    }
                    _ => (location, LocationQuality::StaffSet, format!("staff: {actor}")),
                };
                Some(PointRecord {
                    code,
                    name: name.to_owned(),
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
                })
            }
            _ => None,
        };
        Self {
            record,
            problems,
            missing_confirmations,
            location,
            moved_m,
            inside_district,
            verify: PointForm::checked(&form.verify),
        }
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
