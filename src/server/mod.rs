//! The server loop: accepts connections and serves each with HTTP/1, within limits that keep
//! idle and half-sent connections from using up the server's file descriptors.
//!
//! `axum::serve` never closes a connection that sends nothing, or half a request: a few hundred
//! of them exhaust the descriptor limit and the server stops answering. Here every connection is
//! registered ([`connections::Registry`]) with what it is doing and since when; the loop closes
//! those idle past `idle_timeout` or still sending their head past `header_read_timeout`, and,
//! at `max_connections`, closes the oldest one not answering a request to let a new one in.
//! hyper's own `header_read_timeout` is not used: it runs from the end of the previous answer, so
//! it cannot tell a slow head from an idle keep-alive connection.
//!
//! Two more limits concern a request rather than a connection: a head over our size limits is
//! answered `431` in our shapes before hyper parses it ([`head`]), and a body must arrive within
//! `body_read_timeout` of the end of its head, or the request is answered `408` ([`body`]).

pub mod body;
pub mod connections;
pub mod head;
mod socket;

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use hyper::body::{Body as _, Incoming};
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tower_service::Service;

use body::TimedBody;
use connections::{Close, Connection, Registry};
use socket::Tracked;

/// The default header-read timeout, seconds.
pub const DEFAULT_HEADER_READ_TIMEOUT_SECS: u64 = 10;
/// The default idle (keep-alive) timeout, seconds.
pub const DEFAULT_IDLE_TIMEOUT_SECS: u64 = 60;
/// The default body-read timeout, seconds.
pub const DEFAULT_BODY_READ_TIMEOUT_SECS: u64 = 30;
/// Descriptors kept for everything but client connections (the database and its journal, the
/// listener, logs), and for connections evicted but not yet closed.
pub const RESERVED_DESCRIPTORS: u64 = 128;
/// The most connections allowed by default, whatever the descriptor limit: each costs memory.
pub const MAX_DEFAULT_CONNECTIONS: u64 = 8192;

/// How long connections may wait and how many may be open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// A request's head must arrive within this once its first byte has.
    pub header_read_timeout: Duration,
    /// A connection waiting for a request is closed after this.
    pub idle_timeout: Duration,
    /// A request's body must arrive within this once its head has, or the request is answered
    /// `408` and the connection closed.
    pub body_read_timeout: Duration,
    /// Past this many open connections, the oldest one not answering a request is closed for a
    /// new one; when all are answering, the new one is refused with a 503.
    pub max_connections: usize,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        Self {
            header_read_timeout: Duration::from_secs(DEFAULT_HEADER_READ_TIMEOUT_SECS),
            idle_timeout: Duration::from_secs(DEFAULT_IDLE_TIMEOUT_SECS),
            body_read_timeout: Duration::from_secs(DEFAULT_BODY_READ_TIMEOUT_SECS),
            max_connections: default_max_connections(),
        }
    }
}

impl ConnectionLimits {
    /// How often expired connections are looked for: a connection is closed at most this long
    /// after its timeout.
    fn check_every(&self) -> Duration {
        (self.header_read_timeout.min(self.idle_timeout) / 8)
            .clamp(Duration::from_millis(20), Duration::from_secs(1))
    }
}

/// The open-file limit less [`RESERVED_DESCRIPTORS`], at most [`MAX_DEFAULT_CONNECTIONS`], at
/// least 16; 512 where the limit cannot be read (no `/proc`).
pub fn default_max_connections() -> usize {
    let limit = std::fs::read_to_string("/proc/self/limits").ok().and_then(|text| open_files_limit(&text));
    let connections = match limit {
        Some(limit) => limit.saturating_sub(RESERVED_DESCRIPTORS).clamp(16, MAX_DEFAULT_CONNECTIONS),
        None => 512,
    };
    usize::try_from(connections).unwrap_or(512)
}

/// The soft "Max open files" limit in the text of `/proc/self/limits`.
fn open_files_limit(limits: &str) -> Option<u64> {
    let line = limits.lines().find(|line| line.starts_with("Max open files"))?;
    let soft = line.trim_start_matches("Max open files").split_whitespace().next()?;
    if soft == "unlimited" { Some(u64::MAX) } else { soft.parse().ok() }
}

/// Serves `router` on `listener` until `shutdown` completes; then stops accepting, lets each
/// connection finish its request in flight, and returns when all are closed. The peer's address
/// is in each request's extensions as `ConnectInfo<SocketAddr>` (`web::client_address` reads it).
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    let registry = Arc::new(Registry::default());
    // Each connection's task holds a sender; `recv` answers `None` once all are gone.
    let (open_tx, mut all_closed) = tokio::sync::mpsc::channel::<()>(1);
    let mut check = tokio::time::interval(limits.check_every());
    check.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut shutdown = pin!(shutdown);
    let mut accept_failing = false;
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            _ = check.tick() => {
                registry.close_expired(limits.header_read_timeout, limits.idle_timeout);
            }
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    accept_failing = false;
                    if registry.len() >= limits.max_connections && !registry.evict_oldest_waiting() {
                        refuse(&stream);
                        continue;
                    }
                    let (id, connection) = registry.add();
                    let (registry, router, open) = (Arc::clone(&registry), router.clone(), open_tx.clone());
                    let body_read_timeout = limits.body_read_timeout;
                    tokio::spawn(async move {
                        serve_connection(stream, peer, router, body_read_timeout, &connection).await;
                        registry.remove(id);
                        drop(open);
                    });
                }
                Err(error) if is_connection_error(&error) => {}
                Err(error) => {
                    // Out of descriptors (EMFILE) or memory: free a descriptor if a connection
                    // is only waiting, and wait a little instead of spinning on accept.
                    if !accept_failing {
                        tracing::warn!(%error, open = registry.len(), "cannot accept connections");
                    }
                    accept_failing = true;
                    registry.evict_oldest_waiting();
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                }
            },
        }
    }
    drop(listener);
    registry.close_all_gracefully();
    drop(open_tx);
    // Connections still sending a head, or a client that never reads its answer, are closed
    // by their timeouts as before.
    loop {
        tokio::select! {
            None = all_closed.recv() => return Ok(()),
            _ = check.tick() => {
                registry.close_expired(limits.header_read_timeout, limits.idle_timeout);
            }
        }
    }
}

/// How long accepting pauses after it fails for want of descriptors or memory.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(10);

/// Errors that concern one connection only (it went away before it was accepted).
fn is_connection_error(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::Interrupted
    )
}

/// Refuses a connection over the cap at once, rather than keeping it waiting.
fn refuse(stream: &TcpStream) {
    const BUSY: &[u8] = b"HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain; charset=utf-8\r\n\
        retry-after: 1\r\nconnection: close\r\ncontent-length: 12\r\n\r\nserver busy\n";
    // The socket is new and its buffer empty: the write goes through whole or not at all.
    let _ = stream.try_write(BUSY);
}

/// Serves one connection until it closes, is closed for its timeout or eviction, or is told to
/// finish (shutdown).
async fn serve_connection(
    stream: TcpStream,
    peer: SocketAddr,
    router: Router,
    body_read_timeout: Duration,
    connection: &Arc<Connection>,
) {
    let io = TokioIo::new(Tracked::new(stream, Arc::clone(connection)));
    let state = Arc::clone(connection);
    let service = hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
        let mut request = if request.body().is_end_stream() {
            state.request_started(false);
            request.map(Body::new)
        } else {
            state.request_started(true);
            let (mut parts, incoming) = request.into_parts();
            let (body, timeout) = TimedBody::new(incoming, body_read_timeout, Arc::clone(&state));
            parts.extensions.insert(timeout);
            hyper::Request::from_parts(parts, Body::new(body))
        };
        request.extensions_mut().insert(ConnectInfo(peer));
        let (mut router, state) = (router.clone(), Arc::clone(&state));
        async move {
            let response = router.call(request).await;
            state.request_finished();
            response
        }
    });
    let mut http = pin!(
        hyper::server::conn::http1::Builder::new()
            // Timed out by the registry instead (see the module's documentation).
            .header_read_timeout(None)
            // hyper's limits on heads (`max_buf_size`, `max_headers`) stay at their defaults,
            // which are at least ours: see `head`.
            .serve_connection(io, service)
    );
    loop {
        tokio::select! {
            result = http.as_mut() => {
                if let Err(error) = result {
                    tracing::debug!(%error, "connection ended with an error");
                }
                return;
            }
            close = connection.closing() => match close {
                Close::Now => return,
                Close::Graceful => http.as_mut().graceful_shutdown(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_soft_open_files_limit_is_read_from_proc() {
        let text = "Limit                     Soft Limit           Hard Limit           Units     \n\
                    Max processes             63704                63704                processes \n\
                    Max open files            1024                 524288               files     \n";
        assert_eq!(open_files_limit(text), Some(1024));
        assert_eq!(open_files_limit("Max open files  unlimited  unlimited  files"), Some(u64::MAX));
        assert_eq!(open_files_limit("nothing"), None);
        let max = default_max_connections();
        assert!((16..=MAX_DEFAULT_CONNECTIONS as usize).contains(&max), "{max}");
    }
}
