//! The server on a real socket: port 0, the bound address logged, first-start loading, and
//! graceful shutdown on a signal.

use std::io::{BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};

use legalmap::app;
use tokio::net::TcpListener;

use crate::support::TestApp;

/// A plain HTTP/1.1 GET; returns the status line and the body.
fn http_get(address: &str, path: &str) -> (String, String) {
    let mut stream = TcpStream::connect(address).unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n").unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap();
    (head.lines().next().unwrap().to_owned(), body.to_owned())
}

#[tokio::test]
async fn serve_stops_when_told() {
    let app = TestApp::new().await;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap().to_string();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app::serve(listener, app.state.clone(), async {
        stopped.await.ok();
    }));
    let (status, body) = tokio::task::spawn_blocking(move || http_get(&address, "/healthz")).await.unwrap();
    assert_eq!(status, "HTTP/1.1 200 OK");
    assert!(body.contains("\"points\":346"), "{body}");
    stop.send(()).unwrap();
    server.await.unwrap().unwrap();
}

#[test]
fn the_binary_loads_an_empty_database_logs_its_address_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("fresh.db").display());
    let mut child = Command::new(env!("CARGO_BIN_EXE_legalmap"))
        .args(["--listen", "127.0.0.1:0", "--database", &url])
        .env("RUST_LOG", "info")
        .env("NO_COLOR", "1")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut log = BufReader::new(child.stderr.take().unwrap());
    let (address, seen) = crate::support::read_until_listening(&mut log);
    assert!(seen.contains("loaded the bundled data/points.csv"), "{seen}");
    assert!(!address.ends_with(":0"));

    let (status, body) = http_get(&address, "/healthz");
    assert_eq!(status, "HTTP/1.1 200 OK");
    assert!(body.contains("\"points\":346"), "{body}");
    let (status, _) = http_get(&address, "/api/v1/nearest?lat=28.64&lon=121.26");
    assert_eq!(status, "HTTP/1.1 200 OK");

    let killed = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    let exit = child.wait().unwrap();
    assert!(exit.success(), "exit status {exit}");
    let mut rest = String::new();
    log.read_to_string(&mut rest).unwrap();
    assert!(rest.contains("shutting down"), "{rest}");
}
