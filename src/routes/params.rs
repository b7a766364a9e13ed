//! Query-string parsing for the API: every parameter arrives as text and is turned into a typed
//! value here, with an error that names the parameter and says what was wrong.

use utoipa::IntoParams;

use crate::domain::quote::quote;
use crate::domain::{Datum, LonLat};
use crate::error::AppError;
use crate::locator::travel::{CIRCLE_MINUTES, Mode};

/// `?lat=&lon=&crs=`, all as written by the client.
#[derive(Debug, Default, serde::Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OriginParams {
    /// Latitude of the origin, degrees, in the datum `crs`.
    #[param(value_type = f64, required = true, minimum = -90, maximum = 90, example = 28.64)]
    pub lat: Option<String>,
    /// Longitude of the origin, degrees, in the datum `crs`.
    #[param(value_type = f64, required = true, minimum = -180, maximum = 180, example = 121.26)]
    pub lon: Option<String>,
    /// Datum of lat/lon: wgs84 (GPS, browser geolocation), gcj02 (Amap, Tencent), bd09 (Baidu).
    /// Also accepted: WGS-84, GCJ-02, BD-09.
    #[param(value_type = Option<Datum>, default = "wgs84")]
    pub crs: Option<String>,
}

impl OriginParams {
    /// The origin in WGS-84, converted from `crs` (default WGS-84).
    pub fn parse(&self) -> Result<LonLat, AppError> {
        let lat = required_number("lat", self.lat.as_deref())?;
        let lon = required_number("lon", self.lon.as_deref())?;
        let position =
            LonLat::parse(lon, lat).map_err(|e| AppError::bad_request("out_of_range", e.to_string()))?;
        Ok(self.datum()?.to_wgs84(position))
    }

    fn datum(&self) -> Result<Datum, AppError> {
        match self.crs.as_deref() {
            None | Some("") => Ok(Datum::Wgs84),
            Some(raw) => raw.parse().map_err(|e: crate::domain::datum::UnknownDatum| {
                AppError::bad_request("invalid_crs", e.to_string())
            }),
        }
    }
}

/// `mode=walk|bike|drive`, default walk.
pub fn parse_mode(raw: Option<&str>) -> Result<Mode, AppError> {
    match raw {
        None | Some("") => Ok(Mode::Walk),
        Some(raw) => raw.parse().map_err(|_| {
            AppError::bad_request(
                "invalid_mode",
                format!("mode {} is not one of walk, bike, drive", quote(raw)),
            )
        }),
    }
}

/// `minutes=`, default [`CIRCLE_MINUTES`], a number from 1 to 120.
pub fn parse_minutes(raw: Option<&str>) -> Result<f64, AppError> {
    let Some(minutes) = optional_number("minutes", raw)? else {
        return Ok(CIRCLE_MINUTES);
    };
    if (1.0..=120.0).contains(&minutes) {
        Ok(minutes)
    } else {
        Err(AppError::bad_request(
            "out_of_range",
            format!("minutes must be between 1 and 120, got {minutes}"),
        ))
    }
}

/// `limit=`, a whole number from 1 to `max`, default `default`.
pub fn parse_limit(raw: Option<&str>, default: usize, max: usize) -> Result<usize, AppError> {
    let Some(raw) = raw.filter(|raw| !raw.is_empty()) else {
        return Ok(default);
    };
    let limit: usize = raw.trim().parse().map_err(|_| {
        AppError::bad_request("invalid_parameter", format!("limit {} is not a whole number", quote(raw)))
    })?;
    if (1..=max).contains(&limit) {
        Ok(limit)
    } else {
        Err(AppError::bad_request("out_of_range", format!("limit must be between 1 and {max}, got {limit}")))
    }
}

/// A free-text filter: trimmed, empty means none, at most 50 characters.
pub fn parse_text_filter(name: &str, raw: Option<&str>) -> Result<Option<String>, AppError> {
    let Some(text) = raw.map(str::trim).filter(|text| !text.is_empty()) else {
        return Ok(None);
    };
    if text.chars().count() > 50 {
        return Err(AppError::bad_request("out_of_range", format!("{name} is longer than 50 characters")));
    }
    Ok(Some(text.to_owned()))
}

fn required_number(name: &str, raw: Option<&str>) -> Result<f64, AppError> {
    optional_number(name, raw)?
        .ok_or_else(|| AppError::bad_request("missing_parameter", format!("{name} is required")))
}

fn optional_number(name: &str, raw: Option<&str>) -> Result<Option<f64>, AppError> {
    let Some(raw) = raw.filter(|raw| !raw.trim().is_empty()) else {
        return Ok(None);
    };
    let number: f64 = raw.trim().parse().map_err(|_| {
        AppError::bad_request("invalid_parameter", format!("{name} {} is not a number", quote(raw)))
    })?;
    if number.is_finite() {
        Ok(Some(number))
    } else {
        Err(AppError::bad_request(
            "invalid_parameter",
            format!("{name} must be a finite number, got {}", quote(raw)),
        ))
    }
}

/// `raw` if it is a path on this site that is safe to redirect to: starts with one `/`, and
/// has no backslash, whitespace or control character (browsers drop tabs and newlines, which
/// would turn `/\t/evil.example` into `//evil.example`; a newline cannot go in a header).
pub fn local_path(raw: &str) -> Option<&str> {
    let safe = raw.starts_with('/')
        && !raw.starts_with("//")
        && !raw.chars().any(|c| c == '\\' || c.is_whitespace() || c.is_control());
    safe.then_some(raw)
}
