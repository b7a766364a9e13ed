//! A minimal HTTP/1.1 keep-alive client (what the load needs and nothing more), and a staff
//! session that edits points through the admin form, as a person would.

use anyhow::{Context, bail};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

pub struct HttpConn {
    host: String,
    stream: BufReader<TcpStream>,
}

impl HttpConn {
    pub async fn connect(address: &str) -> anyhow::Result<Self> {
        let stream =
            TcpStream::connect(address).await.with_context(|| format!("cannot connect to {address}"))?;
        stream.set_nodelay(true)?;
        Ok(Self { host: address.to_owned(), stream: BufReader::new(stream) })
    }

    pub async fn get(&mut self, path: &str, cookie: &str) -> anyhow::Result<Response> {
        self.request("GET", path, cookie, None).await
    }

    pub async fn post_form(
        &mut self,
        path: &str,
        cookie: &str,
        form: &[(&str, &str)],
    ) -> anyhow::Result<Response> {
        let body = form_urlencoded::Serializer::new(String::new()).extend_pairs(form).finish();
        self.request("POST", path, cookie, Some(body)).await
    }

    async fn request(
        &mut self,
        method: &str,
        path: &str,
        cookie: &str,
        body: Option<String>,
    ) -> anyhow::Result<Response> {
        let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {}\r\n", self.host);
        if !cookie.is_empty() {
            head.push_str(&format!("Cookie: {cookie}\r\n"));
        }
        if let Some(body) = &body {
            head.push_str("Content-Type: application/x-www-form-urlencoded\r\n");
            head.push_str(&format!("Content-Length: {}\r\n", body.len()));
        }
        head.push_str("\r\n");
        head.push_str(body.as_deref().unwrap_or(""));
        self.stream.get_mut().write_all(head.as_bytes()).await?;
        self.read_response().await
    }

    async fn read_response(&mut self) -> anyhow::Result<Response> {
        let mut line = String::new();
        self.stream.read_line(&mut line).await?;
        let status: u16 = line.split(' ').nth(1).context("no status line")?.parse()?;
        let mut headers = Vec::new();
        loop {
            line.clear();
            if self.stream.read_line(&mut line).await? == 0 {
                bail!("connection closed in the headers");
            }
            let trimmed = line.trim_end();
            if trimmed.is_empty() {
                break;
            }
            if let Some((name, value)) = trimmed.split_once(':') {
                headers.push((name.trim().to_owned(), value.trim().to_owned()));
            }
        }
        let mut response = Response { status, headers, body: Vec::new() };
        if let Some(length) = response.header("content-length") {
            response.body.resize(length.parse()?, 0);
            self.stream.read_exact(&mut response.body).await?;
        } else if response.header("transfer-encoding").is_some_and(|v| v.contains("chunked")) {
            loop {
                line.clear();
                self.stream.read_line(&mut line).await?;
                let size = usize::from_str_radix(line.trim(), 16)?;
                let start = response.body.len();
                response.body.resize(start + size + 2, 0);
                self.stream.read_exact(&mut response.body[start..]).await?;
                response.body.truncate(start + size);
                if size == 0 {
                    break;
                }
            }
        }
        Ok(response)
    }
}

/// A logged-in staff member's connection.
pub struct StaffSession {
    conn: HttpConn,
    cookie: String,
}

impl StaffSession {
    pub async fn log_in(address: &str, user: &str, password: &str) -> anyhow::Result<Self> {
        let mut conn = HttpConn::connect(address).await?;
        let page = conn.get("/admin/login", "").await?;
        let login_cookie = cookie_pair(&page).context("no login cookie")?;
        let csrf = input_value(&page.body, "csrf").context("no csrf field on the login page")?;
        let answer = conn
            .post_form(
                "/admin/login",
                &login_cookie,
                &[("csrf", &csrf), ("username", user), ("password", password), ("next", "/admin")],
            )
            .await?;
        let session = answer
            .headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case("set-cookie"))
            .map(|(_, v)| v.split(';').next().unwrap_or("").to_owned())
            .find(|pair| pair.starts_with(legalmap::web::cookies::SESSION))
            .with_context(|| format!("login refused (HTTP {})", answer.status))?;
        Ok(Self { conn, cookie: session })
    }

    /// Moves the point through the edit form (reading its version and token first), then checks
    /// the public API shows the new position.
    pub async fn move_point(&mut self, code: &str, lon: f64, lat: f64) -> anyhow::Result<()> {
        let path = format!("/admin/points/{code}");
        let page = self.conn.get(&path, &self.cookie).await?;
        if page.status != 200 {
            bail!("edit page answered {}", page.status);
        }
        let field = |name: &str| input_value(&page.body, name).with_context(|| format!("no {name} field"));
        let (csrf, version) = (field("csrf")?, field("version")?);
        let value = |name: &str| input_value(&page.body, name).unwrap_or_default();
        let (name, kind, area_type) =
            (value("name"), selected(&page.body, "kind"), selected(&page.body, "area_type"));
        let (address, phone, hours) = (value("address"), value("phone"), value("hours"));
        let (lon, lat) = (format!("{lon:.7}"), format!("{lat:.7}"));
        let form = [
            ("csrf", csrf.as_str()),
            ("version", &version),
            ("name", &name),
            ("kind", &kind),
            ("area_type", &area_type),
            ("address", &address),
            ("phone", &phone),
            ("hours", &hours),
            ("lon", &lon),
            ("lat", &lat),
            ("crs", "wgs84"),
            ("confirm_outside", "on"),
            ("outside_reason", "benchmark (synthetic national data)"),
            ("reason", "benchmark edit"),
            ("action", "save"),
        ];
        let saved = self.conn.post_form(&path, &self.cookie, &form).await?;
        if saved.status != 303 {
            bail!("save answered {}: {}", saved.status, problems(&saved.body));
        }
        let public = self.conn.get(&format!("/api/v1/points/{code}"), "").await?;
        let feature: serde_json::Value = serde_json::from_slice(&public.body)?;
        let coordinates = &feature["geometry"]["coordinates"];
        let shown =
            (coordinates[0].as_f64().unwrap_or(f64::NAN), coordinates[1].as_f64().unwrap_or(f64::NAN));
        if (shown.0 - lon.parse::<f64>()?).abs() > 1e-6 || (shown.1 - lat.parse::<f64>()?).abs() > 1e-6 {
            bail!("saved, but the API still shows {shown:?}");
        }
        Ok(())
    }
}

fn cookie_pair(response: &Response) -> Option<String> {
    response.header("set-cookie").and_then(|v| v.split(';').next()).map(str::to_owned)
}

/// The value of `<input name="NAME" value="...">` (hidden or not).
fn input_value(html: &[u8], name: &str) -> Option<String> {
    let html = std::str::from_utf8(html).ok()?;
    let at = html.find(&format!("name=\"{name}\""))?;
    let tag_start = html[..at].rfind('<')?;
    let tag_end = at + html[at..].find('>')?;
    let tag = &html[tag_start..tag_end];
    let value = tag.split("value=\"").nth(1)?;
    Some(value[..value.find('"')?].replace("&amp;", "&").replace("&quot;", "\""))
}

/// The selected option of `<select name="NAME">`.
fn selected(html: &[u8], name: &str) -> String {
    let Ok(html) = std::str::from_utf8(html) else { return String::new() };
    let Some(at) = html.find(&format!("name=\"{name}\"")) else { return String::new() };
    let select = &html[at..at + html[at..].find("</select>").unwrap_or(0)];
    select
        .split("<option")
        .find(|option| option.contains("selected"))
        .and_then(|option| option.split("value=\"").nth(1))
        .and_then(|value| value.split('"').next())
        .unwrap_or_default()
        .to_owned()
}

fn problems(html: &[u8]) -> String {
    let text = String::from_utf8_lossy(html);
    text.split("<li")
        .skip(1)
        .take(3)
        .map(|li| li.split('>').nth(1).unwrap_or("").split('<').next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("; ")
}
