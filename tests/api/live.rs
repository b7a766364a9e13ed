//! The real `legalmap` binary as a process on a real socket, and a plain HTTP/1.1 client with a
//! staff login, for the tests of what only a whole process shows: the request log, the metrics
//! listener, backups taken while the server writes, start-up refusals.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

/// A running `legalmap serve`, stopped (SIGTERM) when dropped.
pub struct Live {
    child: Child,
    pub address: String,
    /// The metrics listener's address, with `--metrics-listen`.
    pub metrics: Option<String>,
    log: Arc<Mutex<String>>,
    drain: Option<JoinHandle<()>>,
}

impl Live {
    /// Starts the server on a free port with `database_url` and `extra` options, and waits
    /// until it logs that it listens.
    pub fn start(database_url: &str, extra: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_legalmap"))
            .args(["serve", "--listen", "127.0.0.1:0", "--database", database_url])
            .args(extra)
            .env("RUST_LOG", "info")
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stderr.take().unwrap());
        let (address, seen) = crate::support::read_until_listening(&mut lines);
        // The metrics listener is announced before the public one.
        let metrics = seen.split_once("metrics on http://").map(|(_, rest)| socket_address(rest));
        let log = Arc::new(Mutex::new(seen));
        let sink = log.clone();
        // Drained all along, so a chatty log can never fill the pipe and stall the server.
        let drain = std::thread::spawn(move || {
            for line in lines.lines() {
                let Ok(line) = line else { break };
                let mut log = sink.lock().unwrap();
                log.push_str(&line);
                log.push('\n');
            }
        });
        Self { child, address, metrics, log, drain: Some(drain) }
    }

    /// Stops the server with SIGTERM and returns its whole log.
    pub fn stop(mut self) -> String {
        self.terminate();
        self.log.lock().unwrap().clone()
    }

    fn terminate(&mut self) {
        if self.drain.is_none() {
            return;
        }
        let killed = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status().unwrap();
        assert!(killed.success());
        let exit = self.child.wait().unwrap();
        assert!(exit.success(), "exit status {exit}");
        if let Some(drain) = self.drain.take() {
            drain.join().unwrap();
        }
    }
}

impl Drop for Live {
    fn drop(&mut self) {
        if self.drain.is_some() {
            self.child.kill().ok();
            self.child.wait().ok();
        }
    }
}

/// The `IP:PORT` a log line's text continues with (text or JSON log).
fn socket_address(rest: &str) -> String {
    rest.chars().take_while(|c| c.is_ascii_digit() || *c == '.' || *c == ':').collect()
}

/// Runs the binary with `args` and `env` to the end.
pub fn run(args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_legalmap")).args(args).envs(env.iter().copied()).output().unwrap()
}

/// An HTTP answer.
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// `name=value` of the cookie the answer sets.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case("set-cookie"))
            .map(|(_, v)| v.split(';').next().unwrap_or("").to_owned())
            .find(|pair| pair.split('=').next() == Some(name))
    }
}

/// One request on a fresh connection; `form` is sent url-encoded.
pub fn request(
    address: &str,
    method: &str,
    path: &str,
    cookie: &str,
    form: Option<&[(&str, &str)]>,
) -> Reply {
    let mut stream = TcpStream::connect(address).unwrap();
    let body =
        form.map(|fields| form_urlencoded::Serializer::new(String::new()).extend_pairs(fields).finish());
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n");
    if !cookie.is_empty() {
        head.push_str(&format!("Cookie: {cookie}\r\n"));
    }
    if let Some(body) = &body {
        head.push_str("Content-Type: application/x-www-form-urlencoded\r\n");
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body.unwrap_or_default().as_bytes()).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    let mut lines = head.lines();
    let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_owned(), value.trim().to_owned()))
        .collect();
    let chunked =
        headers.iter().any(|(n, v)| n.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    let body = if chunked { dechunk(body) } else { body.to_owned() };
    Reply { status, headers, body }
}

fn dechunk(mut rest: &str) -> String {
    let mut body = String::new();
    while let Some((size, after)) = rest.split_once("\r\n") {
        let size = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        body.push_str(&after[..size]);
        rest = &after[size + 2..];
    }
    body
}

/// A logged-in staff member of a live server.
pub struct Staff {
    address: String,
    cookie: String,
}

impl Staff {
    /// Logs in through the login form; `Err` carries the refusal's status.
    pub fn log_in(address: &str, name: &str, password: &str) -> Result<Self, u16> {
        let page = request(address, "GET", "/admin/login", "", None);
        let login_cookie = page.cookie(legalmap::web::cookies::LOGIN_CSRF).unwrap();
        let csrf = input_value(&page.body, "csrf").unwrap();
        let fields =
            [("csrf", csrf.as_str()), ("username", name), ("password", password), ("next", "/admin")];
        let answer = request(address, "POST", "/admin/login", &login_cookie, Some(&fields));
        match answer.cookie(legalmap::web::cookies::SESSION) {
            Some(cookie) if answer.status == 303 => Ok(Self { address: address.to_owned(), cookie }),
            _ => Err(answer.status),
        }
    }

    /// Saves `hours` on the point through its edit form, as a person would; returns the status
    /// of the save (303 when saved).
    pub fn set_hours(&self, code: &str, hours: &str) -> u16 {
        let path = format!("/admin/points/{code}");
        let page = request(&self.address, "GET", &path, &self.cookie, None);
        assert_eq!(page.status, 200, "{}", page.body);
        let value = |name: &str| input_value(&page.body, name).unwrap_or_default();
        let (csrf, version, name) = (value("csrf"), value("version"), value("name"));
        let (kind, area_type) = (selected(&page.body, "kind"), selected(&page.body, "area_type"));
        let (address, phone, lon, lat) = (value("address"), value("phone"), value("lon"), value("lat"));
        let form = [
            ("csrf", csrf.as_str()),
            ("version", &version),
            ("name", &name),
            ("kind", &kind),
            ("area_type", &area_type),
            ("address", &address),
            ("phone", &phone),
            ("hours", hours),
            ("lon", &lon),
            ("lat", &lat),
            ("crs", "wgs84"),
            ("reason", "backup test"),
            ("action", "save"),
        ];
        request(&self.address, "POST", &path, &self.cookie, Some(&form)).status
    }
}

/// The value of `<input name="NAME" value="...">`.
fn input_value(html: &str, name: &str) -> Option<String> {
    let at = html.find(&format!("name=\"{name}\""))?;
    let tag = &html[html[..at].rfind('<')?..at + html[at..].find('>')?];
    let value = tag.split("value=\"").nth(1)?;
    Some(value[..value.find('"')?].replace("&amp;", "&").replace("&quot;", "\""))
}

/// The selected option of `<select name="NAME">`.
fn selected(html: &str, name: &str) -> String {
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
