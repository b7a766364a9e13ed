//! The points CSV: the format of `data/points.csv`, `legalmap import` and `legalmap export`.
//!
//! Columns: `code,name,town_code,town,kind,address,phone,hours,lon,lat,crs,location_quality,source,area_type,
//! accuracy_m,location_fixed_at,opening_hours` (`address`, `phone`, `hours` (the free-text note on the hours),
//! `area_type`, the GPS fix's `accuracy_m` (metres) and `location_fixed_at` (RFC 3339), and `opening_hours`
//! (OpenStreetMap syntax, checked) may be left out or empty; the fix is only for `gps_on_site` rows). `crs` is the datum of `lon`/`lat` as
//! written (`wgs84`, `gcj02` or `bd09`); rows are converted to WGS-84 as they are read, and
//! exports are written in WGS-84.

use std::collections::HashMap;
use std::io::{Read, Write};

use super::excel_rows::ExcelRows;

use crate::domain::datum::is_in_china_rectangle;
use crate::domain::gps_fix;
use crate::domain::lonlat::CoordError;
use crate::domain::{AreaType, Datum, LocationQuality, LonLat, OpeningHours, PointCode, PointRecord};

/// The columns, in the order exports write them.
pub const COLUMNS: [&str; 17] = [
    "code",
    "name",
    "town_code",
    "town",
    "kind",
    "address",
    "phone",
    "hours",
    "lon",
    "lat",
    "crs",
    "location_quality",
    "source",
    "area_type",
    "accuracy_m",
    "location_fixed_at",
    "opening_hours",
];
/// May be left out; `area_type` then defaults by kind (communities urban, the rest rural).
const OPTIONAL_COLUMNS: [&str; 7] =
    ["address", "phone", "hours", "area_type", "accuracy_m", "location_fixed_at", "opening_hours"];

/// One problem with one row (or, at row 1, with the header).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// The row as a spreadsheet shows the file: the header is row 1, each record one row (a
    /// quoted field's line breaks do not start new rows; a record spanning lines is named by
    /// its first), blank lines are rows too. Line endings (LF or CRLF) do not matter.
    pub line: u64,
    /// Chinese first, then the English in brackets (for logs and the command line).
    pub reason: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "第 {} 行：{}", self.line, self.reason)
    }
}

/// A file read row by row: the valid records and every bad row, each kept once.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CsvRows {
    pub records: Vec<PointRecord>,
    /// In row order; a row appears once, its problems joined.
    pub errors: Vec<RowError>,
}

impl CsvRows {
    /// The records if no row is bad.
    pub fn into_result(self) -> Result<Vec<PointRecord>, Vec<RowError>> {
        if self.errors.is_empty() { Ok(self.records) } else { Err(self.errors) }
    }

    /// How many data rows are bad (a header problem makes every row unusable: it counts as one).
    pub fn bad_rows(&self) -> usize {
        self.errors.len()
    }
}

/// Reads every row, converting coordinates to WGS-84. Returns all the rows, or every problem
/// found in the whole file (never just the first), so one pass fixes them all.
pub fn read_points(mut input: impl Read) -> Result<Vec<PointRecord>, Vec<RowError>> {
    let mut text = String::new();
    if input.read_to_string(&mut text).is_err() {
        return Err(vec![RowError {
            line: 1, reason: "不是 UTF-8 文本（not valid UTF-8 text）".into()
        }]);
    }
    read_rows(&text).into_result()
}

/// Reads decoded text (see `web::upload::decode_csv`): the valid records and the bad rows, so a
/// preview can count both.
pub fn read_rows(text: &str) -> CsvRows {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let mut rows = ExcelRows::new(text);
    let header = match reader.headers() {
        Ok(header) => header.clone(),
        Err(e) => return CsvRows { records: Vec::new(), errors: vec![csv_error(&e, 1)] },
    };
    rows.skip_record(&header);
    let columns = match column_positions(&header) {
        Ok(columns) => columns,
        Err(errors) => return CsvRows { records: Vec::new(), errors },
    };

    let mut read = CsvRows::default();
    let mut first_row_of_code: HashMap<PointCode, u64> = HashMap::new();
    for result in reader.records() {
        let record = match result {
            Ok(record) => record,
            Err(e) => {
                // Only an I/O or UTF-8 problem gets here (lengths are checked below), and the
                // text is a valid string: stop rather than guess where rows continue.
                read.errors.push(csv_error(&e, rows.next_row));
                break;
            }
        };
        let row = rows.row_of(&record);
        if record.len() != header.len() {
            read.errors.push(RowError {
                line: row,
                reason: format!(
                    "列数与表头不一致（has {} fields, the header has {}）",
                    record.len(),
                    header.len()
                ),
            });
            continue;
        }
        match parse_row(&record, &columns) {
            Ok(point) => match first_row_of_code.get(&point.code) {
                Some(first) => read.errors.push(RowError {
                    line: row,
                    reason: format!(
                        "编码重复，首次出现在第 {first} 行（duplicate code {} (first on row {first})）",
                        point.code
                    ),
                }),
                None => {
                    first_row_of_code.insert(point.code.clone(), row);
                    read.records.push(point);
                }
            },
            Err(reasons) => read.errors.push(RowError { line: row, reason: reasons.join("；") }),
        }
    }
    if read.records.is_empty() && read.errors.is_empty() {
        read.errors
            .push(RowError {
                line: 2, reason: "文件没有数据行（the file has a header but no rows）".into()
            });
    }
    read
}

/// Writes points as CSV in WGS-84, with coordinates at full precision so that importing the
/// export changes nothing.
pub fn write_points<'a>(
    output: impl Write,
    records: impl IntoIterator<Item = &'a PointRecord>,
) -> Result<(), csv::Error> {
    let mut writer = csv::Writer::from_writer(output);
    writer.write_record(COLUMNS)?;
    for record in records {
        let (lon, lat) = (record.location.lon().to_string(), record.location.lat().to_string());
        let accuracy_m = record.accuracy_m.map(|m| m.to_string()).unwrap_or_default();
        writer.write_record([
            record.code.as_str(),
            &defuse_formula(&record.name),
            &record.town_code,
            &defuse_formula(&record.town),
            record.kind.as_str(),
            &defuse_formula(record.address.as_deref().unwrap_or("")),
            &defuse_formula(record.phone.as_deref().unwrap_or("")),
            &defuse_formula(record.hours.as_deref().unwrap_or("")),
            &lon,
            &lat,
            Datum::Wgs84.as_str(),
            record.location_quality.as_str(),
            &defuse_formula(&record.source),
            record.area_type.as_str(),
            &accuracy_m,
            record.location_fixed_at.as_deref().unwrap_or(""),
            // Never starts with a formula character: the parser accepts none of them first.
            record.opening_hours.as_ref().map_or("", OpeningHours::as_str),
        ])?;
    }
    writer.flush()?;
    Ok(())
}

/// Spreadsheets run a cell starting with `=`, `+`, `-` or `@` as a formula; the usual defence
/// is a leading apostrophe, which Excel hides. Reading strips it again (see `field`).
fn defuse_formula(value: &str) -> std::borrow::Cow<'_, str> {
    if value.starts_with(['=', '+', '-', '@']) { format!("'{value}").into() } else { value.into() }
}

/// Undoes [`defuse_formula`].
fn restore_formula(value: &str) -> &str {
    match value.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@']) => rest,
        _ => value,
    }
}

/// A column's name for Chinese-reading staff (every message also says it in English, for the
/// command line and logs).
fn chinese_field(column: &str) -> &'static str {
    match column {
        "code" => "编码",
        "name" => "名称",
        "town_code" => "镇街代码",
        "town" => "镇街名称",
        "kind" => "类型",
        "lon" => "经度",
        "lat" => "纬度",
        "crs" => "坐标系",
        "location_quality" => "位置质量",
        "source" => "来源",
        "area_type" => "区域类型",
        "address" => "地址",
        "phone" => "电话",
        "hours" => "办公时间说明",
        "opening_hours" => "办公时间",
        "accuracy_m" => "定位精度",
        "location_fixed_at" => "定位时间",
        _ => "字段",
    }
}

/// Where each known column sits in the file.
type ColumnPositions = HashMap<&'static str, usize>;

fn column_positions(header: &csv::StringRecord) -> Result<ColumnPositions, Vec<RowError>> {
    let mut positions = ColumnPositions::new();
    let mut errors = Vec::new();
    for (position, raw) in header.iter().enumerate() {
        let name = raw.trim_start_matches('\u{feff}').trim();
        match COLUMNS.iter().find(|column| **column == name) {
            Some(column) if positions.insert(column, position).is_some() => {
                errors.push(format!("列 {name:?} 出现两次（column {name:?} appears twice）"));
            }
            Some(_) => {}
            None => errors.push(format!("未知的列 {name:?}（unknown column {name:?}）")),
        }
    }
    for column in COLUMNS {
        if !positions.contains_key(column) && !OPTIONAL_COLUMNS.contains(&column) {
            errors.push(format!("缺少列 {column:?}（missing column {column:?}）"));
        }
    }
    if errors.is_empty() {
        Ok(positions)
    } else {
        let expected = COLUMNS.join(",");
        Err(vec![RowError {
            line: 1,
            reason: format!("表头有误：{}（expected columns: {expected}）", errors.join("；")),
        }])
    }
}

fn parse_row(row: &csv::StringRecord, columns: &ColumnPositions) -> Result<PointRecord, Vec<String>> {
    let field = |name: &str| {
        columns.get(name).and_then(|&i| row.get(i)).map(str::trim).map(restore_formula).unwrap_or("")
    };
    let optional = |name: &str| Some(field(name)).filter(|v| !v.is_empty()).map(str::to_owned);
    let mut reasons = Vec::new();
    let mut required = |name: &str| {
        let value = field(name);
        if value.is_empty() {
            reasons.push(format!("缺少{}（missing {name}）", chinese_field(name)));
        }
        value.to_owned()
    };
    let (code, name, town_code, town) =
        (required("code"), required("name"), required("town_code"), required("town"));
    let (kind, source, quality) = (required("kind"), required("source"), required("location_quality"));
    let (lon, lat, crs) = (required("lon"), required("lat"), required("crs"));

    let code = ok_or_note(
        PointCode::parse(&code).map_err(|e| Some(format!("编码须为 12 位数字（{e}）"))),
        &mut reasons,
        code.is_empty(),
    );
    if let Some(code) = &code
        && !town_code.is_empty()
        && code.town_code() != town_code
    {
        reasons.push(format!(
            "镇街代码与编码不符（town_code {town_code} does not match the code's town {}）",
            code.town_code()
        ));
    }
    let kind =
        ok_or_note(kind.parse().map_err(|e| Some(format!("类型无效（{e}）"))), &mut reasons, kind.is_empty());
    let quality = ok_or_note(
        LocationQuality::parse_with_legacy(&quality).map_err(|e| Some(format!("位置质量无效（{e}）"))),
        &mut reasons,
        quality.is_empty(),
    );
    let datum = ok_or_note(
        crs.parse::<Datum>().map_err(|e| Some(format!("坐标系应为 wgs84、gcj02 或 bd09（{e}）"))),
        &mut reasons,
        crs.is_empty(),
    );
    let position = parse_position(&lon, &lat).map_err(Some);
    let position = ok_or_note(position, &mut reasons, lon.is_empty() || lat.is_empty());
    let area_type = match optional("area_type") {
        Some(raw) => ok_or_note(
            raw.parse::<AreaType>().map(Some).map_err(|e| Some(format!("区域类型无效（{e}）"))),
            &mut reasons,
            false,
        )
        .flatten(),
        None => None,
    };
    let (accuracy_m, location_fixed_at) = parse_fix(optional("accuracy_m"), optional("location_fixed_at"))
        .map_err(|reason| reasons.push(reason))
        .unwrap_or_default();
    if accuracy_m.is_some() && quality != Some(LocationQuality::GpsOnSite) {
        reasons.push("accuracy_m is only for gps_on_site rows（定位精度仅适用于现场定位）".into());
    }
    let opening_hours = match optional("opening_hours") {
        Some(raw) => OpeningHours::parse(&raw)
            .map_err(|e| {
                reasons
                    .push(format!("{e}（opening_hours {raw:?} is not OpenStreetMap opening_hours syntax）"))
            })
            .ok(),
        None => None,
    };
    let phone = optional("phone");
    if let Some(phone) = &phone
        && let Err(reason) = check_phone(phone)
    {
        reasons.push(reason);
    }

    match (code, kind, quality, datum, position) {
        (Some(code), Some(kind), Some(location_quality), Some(datum), Some(position))
            if reasons.is_empty() =>
        {
            Ok(PointRecord {
                code,
                name,
                town_code,
                town,
                kind,
                address: optional("address"),
                phone,
                hours: optional("hours"),
                opening_hours,
                location: datum.to_wgs84(position),
                location_quality,
                accuracy_m,
                location_fixed_at,
                source,
                area_type: area_type.unwrap_or(AreaType::default_for(kind)),
            })
        }
        _ => Err(reasons),
    }
}

/// A GPS fix's accuracy (metres, > 0) and time (RFC 3339, stored as UTC): both or neither.
fn parse_fix(
    accuracy_m: Option<String>,
    fixed_at: Option<String>,
) -> Result<(Option<f64>, Option<String>), String> {
    match (accuracy_m, fixed_at) {
        (None, None) => Ok((None, None)),
        (Some(accuracy_m), Some(fixed_at)) => {
            let accuracy_m = accuracy_m
                .parse::<f64>()
                .ok()
                .filter(|m| m.is_finite() && *m > 0.0 && *m < gps_fix::MAX_ACCURACY_M)
                .ok_or_else(|| {
                    format!("accuracy_m {accuracy_m:?} is not a positive number of metres（定位精度无效）")
                })?;
            let at = gps_fix::parse_rfc3339(&fixed_at).ok_or_else(|| {
                format!("location_fixed_at {fixed_at:?} is not an RFC 3339 time（定位时间无效）")
            })?;
            Ok((Some(accuracy_m), Some(gps_fix::format_rfc3339(at))))
        }
        _ => Err("accuracy_m and location_fixed_at go together（定位精度与定位时间须同时填写）".into()),
    }
}

/// Records the reason of a failed parse, unless the field was empty (already reported missing).
fn ok_or_note<T>(result: Result<T, Option<String>>, reasons: &mut Vec<String>, was_empty: bool) -> Option<T> {
    match result {
        Ok(value) => Some(value),
        Err(reason) => {
            if let (false, Some(reason)) = (was_empty, reason) {
                reasons.push(reason);
            }
            None
        }
    }
}

/// Parses `lon`/`lat` text as a position inside China (in any datum: the rectangle is coarse).
fn parse_position(lon: &str, lat: &str) -> Result<LonLat, String> {
    let number = |name: &str, text: &str| {
        text.parse::<f64>()
            .map_err(|_| format!("{}不是数字（{name} {text:?} is not a number）", chinese_field(name)))
    };
    let position = LonLat::parse(number("lon", lon)?, number("lat", lat)?).map_err(|e| {
        let which = if matches!(e, CoordError::LonNotFinite(_) | CoordError::LonOutOfRange(_)) {
            "经度"
        } else {
            "纬度"
        };
        format!("{which}超出范围（{e}）")
    })?;
    if !is_in_china_rectangle(position) {
        return Err(format!(
            "不在中国境内，经纬度是否写反？（position {lon},{lat} is outside China: are lon and lat swapped?）"
        ));
    }
    Ok(position)
}

/// A phone number: digits with the usual separators, 3 to 20 digits (hotlines such as 12348
/// are short; landlines with area code and extension are long).
pub fn check_phone(phone: &str) -> Result<(), String> {
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    let allowed = |c: char| c.is_ascii_digit() || " -+()转,".contains(c);
    if phone.chars().all(allowed) && (3..=20).contains(&digits) {
        Ok(())
    } else {
        Err(format!("电话格式不正确（phone {phone:?} is not a phone number）"))
    }
}

fn csv_error(error: &csv::Error, fallback_row: u64) -> RowError {
    let reason = match error.kind() {
        csv::ErrorKind::Utf8 { .. } => "不是 UTF-8 文本（not valid UTF-8 text）".to_owned(),
        _ => format!("无法读取（unreadable CSV: {error}）"),
    };
    RowError { line: fallback_row, reason }
}
