//! Requests over the server's own limits, on a real socket: a head too large is answered 431 in
//! our shapes (not hyper's bare 431), a body that does not arrive in time 408, and each closes
//! its connection.

use std::io::{BufReader, ErrorKind, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use legalmap::app;
use legalmap::server::ConnectionLimits;
use tokio::net::TcpListener;

use crate::support::TestApp;

/// Serves a test app on a real socket with the default limits; returns its address and the
/// stopper.
async fn serve() -> (String, tokio::sync::oneshot::Sender<()>, TestApp) {
    let app = TestApp::new().await;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap().to_string();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(app::serve_with_limits(listener, app.state.clone(), ConnectionLimits::default(), async {
        stopped.await.ok();
    }));
    (address, stop, app)
}

/// A GET head for `path` with `count` filler headers of `value_len` bytes each.
fn head_with_fillers(path: &str, count: usize, value_len: usize) -> Vec<u8> {
    let mut head = format!("GET {path} HTTP/1.1\r\nHost: legalmap\r\n").into_bytes();
    for n in 0..count {
        head.extend_from_slice(format!("X-Filler-{n}: {}\r\n", "a".repeat(value_len)).as_bytes());
    }
    head.extend_from_slice(b"\r\n");
    head
}

/// Everything the server sends until it closes the connection (within `wait`), as text.
fn read_to_close(stream: &mut TcpStream, wait: Duration) -> String {
    stream.set_read_timeout(Some(wait)).unwrap();
    let mut answer = Vec::new();
    let mut buffer = [0; 8192];
    loop {
        match stream.read(&mut buffer) {
            Ok(0) => break,
            Ok(read) => answer.extend_from_slice(&buffer[..read]),
            Err(error) if matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                panic!("still open after {wait:?}; read so far: {}", String::from_utf8_lossy(&answer))
            }
            Err(error) => panic!("{error}; read so far: {}", String::from_utf8_lossy(&answer)),
        }
    }
    String::from_utf8(answer).unwrap()
}

/// One answer's status line, lower-cased headers and body (by its Content-Length), read from a
/// connection that stays open.
fn read_one_answer(stream: &mut TcpStream) -> (String, String, String) {
    stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut seen = Vec::new();
    let mut byte = [0; 1];
    while !seen.ends_with(b"\r\n\r\n") {
        assert_eq!(stream.read(&mut byte).unwrap(), 1, "closed mid-head");
        seen.push(byte[0]);
    }
    let head = String::from_utf8(seen).unwrap();
    let (status, headers) = head.split_once("\r\n").unwrap();
    let headers = headers.to_lowercase();
    let length: usize = headers
        .lines()
        .find_map(|line| line.strip_prefix("content-length: "))
        .map_or(0, |value| value.trim().parse().unwrap());
    let mut body = vec![0; length];
    stream.read_exact(&mut body).unwrap();
    (status.to_owned(), headers, String::from_utf8(body).unwrap())
}

fn split_answer(answer: &str) -> (&str, String, &str) {
    let (head, body) = answer.split_once("\r\n\r\n").unwrap_or_else(|| panic!("no head in {answer:?}"));
    let (status, headers) = head.split_once("\r\n").unwrap_or((head, ""));
    (status, headers.to_lowercase(), body)
}

#[tokio::test]
async fn a_head_over_the_limits_is_answered_431_in_our_shapes_and_the_connection_closed() {
    let (address, stop, _app) = serve().await;
    tokio::task::spawn_blocking(move || {
        // 100 KB of headers, to the API: its JSON shape.
        let mut stream = TcpStream::connect(&address).unwrap();
        stream.write_all(&head_with_fillers("/api/v1/points", 25, 4000)).unwrap();
        let answer = read_to_close(&mut stream, Duration::from_secs(5));
        let (status, headers, body) = split_answer(&answer);
        assert_eq!(status, "HTTP/1.1 431 Request Header Fields Too Large", "{answer}");
        assert!(headers.contains("content-type: application/json"), "{answer}");
        let json: serde_json::Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"));
        assert_eq!(json["error"]["code"], "headers_too_large", "{body}");
        assert!(json["error"]["message"].as_str().unwrap().contains("64 KiB"), "{body}");

        // More than 100 headers, each small.
        let mut stream = TcpStream::connect(&address).unwrap();
        stream.write_all(&head_with_fillers("/api/v1/nearest?lat=28.64&lon=121.26", 120, 8)).unwrap();
        let answer = read_to_close(&mut stream, Duration::from_secs(5));
        assert!(answer.starts_with("HTTP/1.1 431 "), "{answer}");
        assert!(answer.contains("more than 100 headers"), "{answer}");

        // A page: a short plain message for people.
        let mut stream = TcpStream::connect(&address).unwrap();
        stream.write_all(&head_with_fillers("/", 25, 4000)).unwrap();
        let answer = read_to_close(&mut stream, Duration::from_secs(5));
        let (status, headers, body) = split_answer(&answer);
        assert!(status.starts_with("HTTP/1.1 431 "), "{answer}");
        assert!(headers.contains("content-type: text/plain; charset=utf-8"), "{answer}");
        assert!(body.contains("请求头过大"), "{body}");

        // On a kept-alive connection, after an answered request with a body.
        let mut stream = TcpStream::connect(&address).unwrap();
        stream
            .write_all(b"POST /api/v1/points HTTP/1.1\r\nHost: legalmap\r\nContent-Length: 5\r\n\r\nhello")
            .unwrap();
        let (status, _, _) = read_one_answer(&mut stream);
        assert_eq!(status, "HTTP/1.1 405 Method Not Allowed");
        stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: legalmap\r\n\r\n").unwrap();
        let (status, _, _) = read_one_answer(&mut stream);
        assert_eq!(status, "HTTP/1.1 200 OK");
        stream.write_all(&head_with_fillers("/api/v1/points", 25, 4000)).unwrap();
        let answer = read_to_close(&mut stream, Duration::from_secs(5));
        assert!(answer.starts_with("HTTP/1.1 431 "), "{answer}");
        assert!(answer.contains("headers_too_large"), "{answer}");
    })
    .await
    .unwrap();
    stop.send(()).unwrap();
}

#[tokio::test]
async fn a_large_head_within_the_limits_and_a_large_body_are_served() {
    let (address, stop, _app) = serve().await;
    tokio::task::spawn_blocking(move || {
        // 60 KB of headers, 100 header lines.
        let mut stream = TcpStream::connect(&address).unwrap();
        stream.write_all(&head_with_fillers("/api/v1/points", 15, 4000)).unwrap();
        let (status, headers, _) = read_one_answer(&mut stream);
        assert_eq!(status, "HTTP/1.1 200 OK");
        assert!(headers.contains("content-type: application/geo+json"), "{headers}");
        let mut stream = TcpStream::connect(&address).unwrap();
        stream.write_all(&head_with_fillers("/healthz", 99, 8)).unwrap();
        assert_eq!(read_one_answer(&mut stream).0, "HTTP/1.1 200 OK");
        // A body of 1 MB (not a head) on a kept-alive connection: the login form reads it to
        // its end, and the connection serves the next request.
        let body = vec![b'a'; 1 << 20];
        write!(stream, "{LOGIN_HEAD}Content-Length: {}\r\n\r\n", body.len()).unwrap();
        stream.write_all(&body).unwrap();
        let (status, _, _) = read_one_answer(&mut stream);
        assert_eq!(status, "HTTP/1.1 403 Forbidden");
        stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: legalmap\r\nConnection: close\r\n\r\n").unwrap();
        let answer = read_to_close(&mut stream, Duration::from_secs(5));
        assert!(answer.starts_with("HTTP/1.1 200 OK"), "{answer}");
    })
    .await
    .unwrap();
    stop.send(()).unwrap();
}

/// The binary with `--body-read-timeout-secs 1`, with its address.
fn spawn_server_with_body_timeout(database_url: &str) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_legalmap"))
        .args(["--listen", "127.0.0.1:0", "--database", database_url, "--body-read-timeout-secs", "1"])
        .env("RUST_LOG", "info")
        .env("NO_COLOR", "1")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut log = BufReader::new(child.stderr.take().unwrap());
    let (address, _) = crate::support::read_until_listening(&mut log);
    // Keep reading the log, so the server never blocks on a full pipe.
    std::thread::spawn(move || std::io::copy(&mut log, &mut std::io::sink()));
    (child, address)
}

const LOGIN_HEAD: &str = "POST /admin/login HTTP/1.1\r\nHost: legalmap\r\n\
                          Content-Type: application/x-www-form-urlencoded\r\n";

#[test]
fn a_body_that_stops_coming_is_answered_408_and_its_connection_closed() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("body.db").display());
    let (mut child, address) = spawn_server_with_body_timeout(&url);

    // 10 bytes of the 1,000 announced, then nothing.
    let mut stream = TcpStream::connect(&address).unwrap();
    write!(stream, "{LOGIN_HEAD}Content-Length: 1000\r\n\r\nusername=a").unwrap();
    let sent = Instant::now();
    let answer = read_to_close(&mut stream, Duration::from_secs(5));
    let took = sent.elapsed();
    let (status, headers, body) = split_answer(&answer);
    assert_eq!(status, "HTTP/1.1 408 Request Timeout", "{answer}");
    assert!(headers.contains("content-type: text/html"), "{answer}");
    assert!(headers.contains("connection: close"), "{answer}");
    assert!(body.contains("没有及时传完"), "{body}");
    assert!(took >= Duration::from_millis(900) && took < Duration::from_secs(4), "closed after {took:?}");

    // A body sent in pieces, all of it within the second: answered as usual (the login page
    // has expired, as no login cookie was sent).
    let mut stream = TcpStream::connect(&address).unwrap();
    let form = "username=a&password=bbbbbbbbbbbb&csrf=x";
    write!(stream, "{LOGIN_HEAD}Content-Length: {}\r\nConnection: close\r\n\r\n", form.len()).unwrap();
    for piece in form.as_bytes().chunks(15) {
        std::thread::sleep(Duration::from_millis(200));
        stream.write_all(piece).unwrap();
    }
    let answer = read_to_close(&mut stream, Duration::from_secs(5));
    let (status, _, body) = split_answer(&answer);
    assert_eq!(status, "HTTP/1.1 403 Forbidden", "{answer}");
    assert!(body.contains("登录页面已过期"), "{body}");

    let killed = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    let exit = child.wait().unwrap();
    assert!(exit.success(), "exit status {exit}");
}
