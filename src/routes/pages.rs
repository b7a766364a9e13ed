//! The residents' pages: the locator (`/`, `/nearest`), a point's page, the map's data and the
//! larger-text switch. Every page works without JavaScript; app.js enhances them.

use axum::Router;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum_extra::extract::cookie::CookieJar;
use maud::Markup;
use serde::{Deserialize, Serialize};

use super::api::isochrone::{IsochroneParams, isochrone_response};
use super::extract::{ApiPath, ApiQuery, PagePath};
use super::params::{OriginParams, local_path, parse_mode};
use crate::app::AppState;
use crate::domain::{Datum, PointCode, PointFilter, ServicePoint, beijing};
use crate::error::AppError;
use crate::locator::grouping;
use crate::locator::index::PointIndex;
use crate::locator::travel::{CIRCLE_MINUTES, Mode};
use crate::locator::{Locator, Trip};
use crate::views::locator_page::{self, Panel, Results, SearchForm};
use crate::views::{PageContext, point_page};
use crate::web::hex::hex;
use crate::web::{assets, cached_body, cookies};

/// How many nearest points a results page lists.
const RESULTS_SHOWN: usize = 5;
/// Most places a name search lists to choose from.
const CHOICES_SHOWN: usize = 60;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/nearest", get(nearest_page))
        .route("/points/{code}", get(point_page))
        .route("/map/data.json", get(map_data))
        .route("/map/points/{code}/isochrone", get(map_isochrone))
        .route("/coverage", get(super::coverage::public_summary))
        .route("/text-size", get(set_text_size))
        .route(crate::views::MANIFEST_PATH, get(manifest))
        .route("/favicon.ico", get(favicon))
        .route("/sw.js", get(service_worker))
}

/// The service worker, at the root so that it may serve every public page. Revalidated on
/// every visit: its bytes change with each release's files.
async fn service_worker() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8"), (header::CACHE_CONTROL, "no-cache")],
        crate::web::service_worker::script(),
    )
        .into_response()
}

impl<S: Send + Sync> FromRequestParts<S> for PageContext {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let large_text = cookies::large_text_chosen(&CookieJar::from_headers(&parts.headers));
        let return_to = parts.uri.path_and_query().map_or("/", |pq| pq.as_str()).to_owned();
        Ok(Self { large_text, return_to })
    }
}

/// The web app manifest: the locator added to a phone's home screen opens full-screen.
async fn manifest() -> Response {
    let icon = |name: &str, size: &str, kind: &str| serde_json::json!({ "src": assets::url(name), "sizes": size, "type": kind });
    let body = serde_json::json!({
        "name": "黄岩区公共法律服务点查询",
        "short_name": "法律服务点",
        "description": "查找黄岩区离您最近的公共法律服务点",
        "lang": "zh-CN",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": crate::views::BRAND_COLOUR,
        "icons": [
            icon("icon-192.png", "192x192", "image/png"),
            icon("icon-512.png", "512x512", "image/png"),
            icon("icon.svg", "any", "image/svg+xml"),
        ],
    });
    ([(header::CONTENT_TYPE, "application/manifest+json")], body.to_string()).into_response()
}

/// Browsers that ask for `/favicon.ico` get the icon.
async fn favicon() -> Redirect {
    Redirect::permanent(&assets::url("icon.svg"))
}

async fn home(State(state): State<AppState>, context: PageContext) -> Markup {
    let index = state.index();
    let panel = welcome(&index);
    locator_page::home_page(&context, &panel, &state.map.tiles)
}

fn welcome(index: &PointIndex) -> Panel<'static> {
    let estimates = index.points().iter().filter(|p| p.record.location_quality.is_estimate()).count();
    Panel::Welcome { total: index.len(), estimates }
}

/// `/nearest?...`: from a place name, a point's code, or coordinates.
#[derive(Debug, Default, Deserialize)]
struct NearestPageParams {
    place: Option<String>,
    code: Option<String>,
    #[serde(flatten)]
    origin: OriginParams,
    mode: Option<String>,
    /// How the coordinates were obtained, for the heading: `gps` or `map`.
    from: Option<String>,
    /// `1`: answer only the results panel (app.js swaps it in).
    fragment: Option<String>,
}

async fn nearest_page(
    State(state): State<AppState>,
    context: PageContext,
    query: Result<ApiQuery<NearestPageParams>, AppError>,
) -> Response {
    let snapshot = state.snapshot();
    let locator = snapshot.locator(&state.travel);
    let (params, outcome) = match query {
        Ok(ApiQuery(params)) => {
            let outcome = answer(&state, &locator, &params);
            (params, outcome)
        }
        Err(_) => (
            NearestPageParams::default(),
            Err((StatusCode::BAD_REQUEST, "网址中的查询参数有误（例如重复），请重新查找。".to_owned())),
        ),
    };
    let (status, panel) = match outcome {
        Ok(panel) => (StatusCode::OK, panel),
        Err((status, message)) => (status, Panel::Problem { message }),
    };
    let markup = if params.fragment.as_deref() == Some("1") {
        locator_page::panel_markup(&panel)
    } else {
        let form = SearchForm {
            place: params.place.clone().unwrap_or_default(),
            lat: params.origin.lat.clone().unwrap_or_default(),
            lon: params.origin.lon.clone().unwrap_or_default(),
            crs: params.origin.crs.clone().unwrap_or_default(),
            mode: parse_mode(params.mode.as_deref()).unwrap_or(Mode::Walk),
        };
        locator_page::page(&context, &form, &panel, &state.map.tiles)
    };
    (status, markup).into_response()
}

/// Works out the panel for the parameters, or a status and a message for the resident.
fn answer<'a>(
    state: &AppState,
    locator: &Locator<'a>,
    params: &NearestPageParams,
) -> Result<Panel<'a>, (StatusCode, String)> {
    let index = locator.index;
    let bad = |message: &str| (StatusCode::BAD_REQUEST, message.to_owned());
    let mode = parse_mode(params.mode.as_deref()).map_err(|_| bad("出行方式只能是步行、骑行或驾车。"))?;
    let has_coordinates = [&params.origin.lat, &params.origin.lon]
        .iter()
        .any(|v| v.as_deref().is_some_and(|v| !v.trim().is_empty()));
    let place = params.place.as_deref().map(str::trim).filter(|place| !place.is_empty());

    // The origin: a picked point (which then leads the list), or a position.
    let (picked, origin, origin_label, origin_query) = if let Some(code) = params.code.as_deref() {
        let point = PointCode::parse(code)
            .ok()
            .and_then(|code| index.get(code.as_str()))
            .ok_or((StatusCode::NOT_FOUND, "没有找到这个服务点，它可能已经撤销或合并。".to_owned()))?;
        (Some(point), point.record.location, point.record.name.clone(), format!("code={}", point.record.code))
    } else if has_coordinates {
        let origin = params.origin.parse().map_err(|error| bad(coordinate_problem(&error)))?;
        let label = match params.from.as_deref() {
            Some("gps") => "您的位置",
            Some("map") => "地图上选择的位置",
            _ => "所填坐标",
        };
        let query = format!(
            "lat={:.6}&lon={:.6}&crs=wgs84&from={}",
            origin.lat(),
            origin.lon(),
            params.from.as_deref().filter(|from| ["gps", "map"].contains(from)).unwrap_or("coordinates")
        );
        (None, origin, label.to_owned(), query)
    } else if let Some(place) = place {
        if place.chars().count() > 50 {
            return Err(bad("名称太长了，请输入不超过 50 个字。"));
        }
        match pick_place(index, place) {
            Picked::One(point) => (
                Some(point),
                point.record.location,
                point.record.name.clone(),
                format!("code={}", point.record.code),
            ),
            Picked::Several(matches) => return Ok(Panel::Choices { place: place.to_owned(), mode, matches }),
            Picked::None => {
                return Err((
                    StatusCode::OK,
                    format!(
                        "没有找到名称包含“{place}”的村、社区或镇街。请检查文字，或在地图上点选您所在的位置。"
                    ),
                ));
            }
        }
    } else {
        return Ok(welcome(index));
    };

    let trip = Trip { origin, mode, minutes: CIRCLE_MINUTES };
    let entries = match picked {
        Some(point) => grouping::nearest_grouped_from_point(locator, point, trip, RESULTS_SHOWN),
        None => grouping::nearest_grouped(locator, trip, RESULTS_SHOWN),
    };
    Ok(Panel::Results(Results {
        trip,
        origin_on_map: state.map.to_display(origin),
        origin_label,
        origin_query,
        origin_in_district: state.district.contains(origin),
        picked_estimate: picked.filter(|point| point.record.location_quality.is_estimate()),
        entries,
        now: beijing::now(),
    }))
}

enum Picked<'a> {
    One(&'a ServicePoint),
    Several(Vec<&'a ServicePoint>),
    None,
}

/// Points whose name, town or code contains `place`; an exact name wins outright.
fn pick_place<'a>(index: &'a PointIndex, place: &str) -> Picked<'a> {
    let filter = PointFilter::containing(place);
    let matches: Vec<&ServicePoint> =
        index.points().iter().map(|point| &**point).filter(|point| filter.matches(point)).collect();
    if let Some(exact) = matches.iter().find(|p| p.record.name == place) {
        return Picked::One(exact);
    }
    match matches.len() {
        0 => Picked::None,
        1 => Picked::One(matches[0]),
        _ => Picked::Several(matches.into_iter().take(CHOICES_SHOWN).collect()),
    }
}

/// The resident-facing wording of a coordinate problem.
fn coordinate_problem(error: &AppError) -> &'static str {
    match error.code {
        "missing_parameter" => "请同时填写纬度和经度。",
        "invalid_crs" => "坐标系只能是 WGS-84、GCJ-02 或 BD-09。",
        _ => "坐标不正确：纬度应在 -90 到 90 之间，经度应在 -180 到 180 之间，用小数表示（如 28.64）。",
    }
}

async fn point_page(
    State(state): State<AppState>,
    context: PageContext,
    PagePath(code): PagePath<String>,
) -> Response {
    let index = state.index();
    match active_point(&index, &code) {
        Ok(point) => {
            let on_map = state.map.to_display(point.record.location);
            point_page::page(&context, point, on_map, &state.map.tiles, beijing::now()).into_response()
        }
        Err(error) => error.into_page(),
    }
}

/// The active point `code` names, or a 404 for the resident: every public page about one point
/// (its page, its signboard and QR codes, its correction report) answers alike.
pub fn active_point<'a>(index: &'a PointIndex, code: &str) -> Result<&'a ServicePoint, AppError> {
    PointCode::parse(code)
        .ok()
        .and_then(|code| index.get(code.as_str()))
        .ok_or_else(|| AppError::not_found("没有找到这个服务点，它可能已经撤销或合并。请返回首页查找。"))
}

/// What map.js draws, and what the service worker saves for answers without a network: every
/// active point and the district outline, in the tiles' datum.
#[derive(Serialize)]
struct MapData<'a> {
    datum: &'static str,
    /// Changes whenever a point does (a hash of `points`): also the response's ETag.
    version: String,
    points: &'a [MapPoint<'a>],
    /// `[lon, lat]` pairs.
    outline: &'a [[f64; 2]],
}

#[derive(Serialize)]
struct MapPoint<'a> {
    code: &'a str,
    name: &'a str,
    town: &'a str,
    lon: f64,
    lat: f64,
    estimate: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    phone: Option<&'a str>,
    /// `[lon, lat]` in WGS-84 when the tiles' datum is another: offline answers measure from a
    /// GPS position with it.
    #[serde(skip_serializing_if = "Option::is_none")]
    wgs84: Option<[f64; 2]>,
}

async fn map_data(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let index = state.index();
    let tiles_in_wgs84 = state.map.tiles.datum == Datum::Wgs84;
    let points: Vec<MapPoint> = index
        .points()
        .iter()
        .map(|point| {
            let at = point.record.location;
            let shown = state.map.to_display(at);
            MapPoint {
                code: point.record.code.as_str(),
                name: &point.record.name,
                town: &point.record.town,
                lon: round6(shown.lon()),
                lat: round6(shown.lat()),
                estimate: point.record.location_quality.is_estimate(),
                phone: point.record.phone.as_deref(),
                wgs84: (!tiles_in_wgs84).then(|| [round6(at.lon()), round6(at.lat())]),
            }
        })
        .collect();
    let points_json = serde_json::to_vec(&points).unwrap_or_default();
    let version = hex(&assets::fnv1a64(&points_json).to_be_bytes());
    let etag = format!("\"{version}\"");
    // Points change when staff edit them: always revalidate, cheaply with the ETag.
    let revalidate = [(header::CACHE_CONTROL, "no-cache".to_owned()), (header::ETAG, etag.clone())];
    if cached_body::if_none_match(&headers, &[etag.as_bytes()]) {
        return (StatusCode::NOT_MODIFIED, revalidate).into_response();
    }
    let data = MapData {
        datum: state.map.tiles.datum.as_str(),
        version,
        points: &points,
        outline: state.map.outline(),
    };
    (revalidate, axum::Json(data)).into_response()
}

/// Six decimals of a degree is about 0.1 m: plenty for a map, and a third fewer bytes.
fn round6(degrees: f64) -> f64 {
    (degrees * 1e6).round() / 1e6
}

/// What the point page's map draws for "显示15分钟范围": the API's
/// `/api/v1/points/{code}/isochrone`, in the tiles' datum (GCJ-02 tiles get GCJ-02 lines), since
/// map.js does no datum arithmetic. Errors are the API's JSON: map.js fetches it.
async fn map_isochrone(
    State(state): State<AppState>,
    ApiPath(code): ApiPath<String>,
    ApiQuery(params): ApiQuery<IsochroneParams>,
) -> Result<Response, AppError> {
    isochrone_response(&state, &code, &params, state.map.tiles.datum).await
}

#[derive(Debug, Deserialize)]
struct TextSizeParams {
    large: Option<String>,
    return_to: Option<String>,
}

/// Remembers the larger-text choice for a year and goes back to the page it came from.
async fn set_text_size(jar: CookieJar, query: Result<ApiQuery<TextSizeParams>, AppError>) -> Response {
    let (large, return_to) = match query {
        Ok(ApiQuery(params)) => (params.large.as_deref() == Some("1"), params.return_to),
        Err(_) => (false, None),
    };
    // Only paths on this site: never an open redirect.
    let return_to = return_to.as_deref().and_then(local_path);
    let jar = if large { jar.add(cookies::large_text()) } else { jar.remove(cookies::large_text()) };
    (jar, Redirect::to(return_to.unwrap_or("/"))).into_response()
}
