//! Connections that send nothing, or half a request, are closed after their timeouts, and
//! cannot take the server down by using up its file descriptors: at the cap, the oldest of them
//! makes room for a real request.

use std::io::{BufReader, ErrorKind, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use legalmap::app;
use legalmap::server::ConnectionLimits;
use tokio::net::TcpListener;

use crate::support::TestApp;

/// A request's head, cut before its end.
const HALF_SENT: &[u8] = b"GET /healthz HTTP/1.1\r\nHost: legalmap\r\nUser-Agent: slow";

/// Serves a test app on a real socket with `limits`; returns its address and the stopper.
async fn serve(limits: ConnectionLimits) -> (String, tokio::sync::oneshot::Sender<()>, TestApp) {
    let app = TestApp::new().await;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap().to_string();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(app::serve_with_limits(listener, app.state.clone(), limits, async {
        stopped.await.ok();
    }));
    (address, stop, app)
}

/// How long after `since` the server closed `stream` (read gives end of file or a reset);
/// `None` if it was still open after `wait`.
fn closed_after(mut stream: TcpStream, since: Instant, wait: Duration) -> Option<Duration> {
    stream.set_read_timeout(Some(wait)).unwrap();
    let mut buffer = [0; 4096];
    loop {
        match stream.read(&mut buffer) {
            Ok(0) => return Some(since.elapsed()),
            Ok(_) => {}
            Err(error) if matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => return None,
            Err(_) => return Some(since.elapsed()),
        }
    }
}

/// GET /healthz on a new connection: the status line, and how long the answer took.
fn healthz(address: &str, within: Duration) -> (String, Duration) {
    let start = Instant::now();
    let mut stream = TcpStream::connect(address).unwrap();
    stream.set_read_timeout(Some(within)).unwrap();
    // One write, and its failure ignored: a connection refused at the cap is answered and closed
    // at once, and a write after the server closed can fail (`write!` writes in pieces).
    let request = format!("GET /healthz HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n");
    let _ = stream.write_all(request.as_bytes());
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    (response.lines().next().unwrap_or_default().to_owned(), start.elapsed())
}

#[tokio::test]
async fn idle_and_half_sent_connections_are_closed_after_their_timeouts() {
    let head = Duration::from_millis(400);
    let idle = Duration::from_millis(1200);
    let limits = ConnectionLimits {
        header_read_timeout: head,
        idle_timeout: idle,
        max_connections: 64,
        ..Default::default()
    };
    let (address, stop, _app) = serve(limits).await;
    tokio::task::spawn_blocking(move || {
        let start = Instant::now();
        let silent = TcpStream::connect(&address).unwrap();
        let mut half = TcpStream::connect(&address).unwrap();
        half.write_all(HALF_SENT).unwrap();
        // A keep-alive connection idles after its answer.
        let mut kept = TcpStream::connect(&address).unwrap();
        write!(kept, "GET /healthz HTTP/1.1\r\nHost: legalmap\r\n\r\n").unwrap();
        let mut answer = [0; 1024];
        let read = kept.read(&mut answer).unwrap();
        assert!(answer[..read].starts_with(b"HTTP/1.1 200 OK"));
        let answered = Instant::now();

        let slack = Duration::from_millis(700);
        let half_closed = closed_after(half, start, head + slack).expect("half-sent connection still open");
        assert!(half_closed >= head && half_closed < idle, "half-sent closed after {half_closed:?}");
        let silent_closed = closed_after(silent, start, idle + slack).expect("silent connection still open");
        assert!(silent_closed >= idle, "silent connection closed after {silent_closed:?}");
        let kept_closed =
            closed_after(kept, answered, idle + slack).expect("keep-alive connection still open");
        assert!(kept_closed >= idle - Duration::from_millis(50), "keep-alive closed after {kept_closed:?}");
        // The server still answers.
        assert_eq!(healthz(&address, Duration::from_secs(2)).0, "HTTP/1.1 200 OK");
    })
    .await
    .unwrap();
    stop.send(()).unwrap();
}

#[tokio::test]
async fn at_the_cap_the_oldest_waiting_connection_makes_room_for_a_request() {
    let limits = ConnectionLimits {
        header_read_timeout: Duration::from_secs(60),
        idle_timeout: Duration::from_secs(60),
        max_connections: 16,
        ..Default::default()
    };
    let (address, stop, _app) = serve(limits).await;
    tokio::task::spawn_blocking(move || {
        let mut waiting = Vec::new();
        for n in 0..40 {
            let mut stream = TcpStream::connect(&address).unwrap();
            if n % 2 == 1 {
                stream.write_all(HALF_SENT).unwrap();
            }
            waiting.push(stream);
        }
        let (status, took) = healthz(&address, Duration::from_secs(2));
        assert_eq!(status, "HTTP/1.1 200 OK", "after {took:?}");
        // The first ones were closed to make room; the newest are still open.
        let first = waiting.remove(0);
        assert!(closed_after(first, Instant::now(), Duration::from_secs(2)).is_some(), "oldest still open");
        let newest = waiting.pop().unwrap();
        assert!(closed_after(newest, Instant::now(), Duration::from_millis(200)).is_none(), "newest closed");
    })
    .await
    .unwrap();
    stop.send(()).unwrap();
}

/// The binary under a 1,024-descriptor limit, with its address.
fn spawn_limited_server(database_url: &str) -> (Child, String) {
    let mut child = Command::new("sh")
        .args(["-c", "ulimit -n 1024 && exec \"$0\" \"$@\"", env!("CARGO_BIN_EXE_legalmap")])
        .args(["--listen", "127.0.0.1:0", "--database", database_url])
        .env("RUST_LOG", "info")
        .env("NO_COLOR", "1")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut log = BufReader::new(child.stderr.take().unwrap());
    let (address, seen) = crate::support::read_until_listening(&mut log);
    assert!(seen.contains("max_connections=896"), "the cap follows the descriptor limit: {seen}");
    // Keep reading the log, so the server never blocks on a full pipe.
    std::thread::spawn(move || std::io::copy(&mut log, &mut std::io::sink()));
    (child, address)
}

#[test]
fn healthz_answers_with_2000_idle_and_half_sent_connections_under_a_1024_descriptor_limit() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("limited.db").display());
    let (mut child, address) = spawn_limited_server(&url);
    let mut open = Vec::with_capacity(2000);
    for n in 0..2000 {
        let mut stream = TcpStream::connect(&address).unwrap_or_else(|e| panic!("connection {n}: {e}"));
        if n % 2 == 1 {
            // The server may already have closed an old one: a failed write is fine.
            let _ = stream.write_all(HALF_SENT);
        }
        open.push(stream);
    }
    let (status, took) = healthz(&address, Duration::from_secs(3));
    assert_eq!(status, "HTTP/1.1 200 OK", "after {took:?}");
    assert!(took < Duration::from_secs(2), "took {took:?}");
    drop(open);
    let killed = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    let exit = child.wait().unwrap();
    assert!(exit.success(), "exit status {exit}");
}

#[tokio::test]
async fn at_the_cap_with_every_connection_busy_a_new_one_is_refused_at_once() {
    let slow = axum::Router::new().route(
        "/slow",
        axum::routing::get(|| async {
            tokio::time::sleep(Duration::from_secs(3)).await;
            "done"
        }),
    );
    let limits = ConnectionLimits {
        header_read_timeout: Duration::from_secs(60),
        idle_timeout: Duration::from_secs(60),
        max_connections: 4,
        ..Default::default()
    };
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap().to_string();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(legalmap::server::serve(listener, slow, limits, async {
        stopped.await.ok();
    }));
    tokio::task::spawn_blocking(move || {
        let busy: Vec<TcpStream> = (0..4)
            .map(|_| {
                let mut stream = TcpStream::connect(&address).unwrap();
                write!(stream, "GET /slow HTTP/1.1\r\nHost: legalmap\r\n\r\n").unwrap();
                stream
            })
            .collect();
        std::thread::sleep(Duration::from_millis(300));
        let (status, took) = healthz(&address, Duration::from_secs(2));
        assert_eq!(status, "HTTP/1.1 503 Service Unavailable", "after {took:?}");
        assert!(took < Duration::from_secs(1), "refused after {took:?}");
        // The busy ones are answered all the same.
        for mut stream in busy {
            let mut answer = [0; 64];
            let read = stream.read(&mut answer).unwrap();
            assert!(answer[..read].starts_with(b"HTTP/1.1 200 OK"));
        }
    })
    .await
    .unwrap();
    stop.send(()).unwrap();
    server.await.unwrap().unwrap();
}
