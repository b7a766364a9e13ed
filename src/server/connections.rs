//! The open connections: what each is doing (waiting for a request, reading one's head,
//! answering one) and since when. The server loop reads this to close connections that idle or
//! send half a request for too long, and, when the cap is reached, to make room for a new
//! connection by closing the oldest that is not answering a request.
//!
//! Per request this costs three atomic stores and a clock read: the hot path stays as it was.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use tokio::sync::Notify;

/// Waiting for a request: nothing of one has arrived.
const IDLE: u8 = 0;
/// Part of a request's head has arrived, not all of it.
const HEAD: u8 = 1;
/// A request is being answered (its body read, the handler run).
const BUSY: u8 = 2;

/// How a connection is told to close.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Close {
    /// Finish the request in flight, then close (the server is stopping).
    Graceful = 1,
    /// Close now: timed out, or evicted to make room.
    Now = 2,
}

/// One open connection's state, shared by its task and the registry.
#[derive(Debug)]
pub struct Connection {
    phase: AtomicU8,
    /// When the phase began, milliseconds after `epoch`.
    since_ms: AtomicU64,
    epoch: Instant,
    /// The strongest [`Close`] asked for (0: none).
    close: AtomicU8,
    closing: Notify,
    /// The request being answered has a body not yet read to its end: bytes read after its
    /// answer may be the rest of that body rather than a new head (see `super::head`).
    body_pending: AtomicBool,
}

impl Connection {
    fn new(epoch: Instant) -> Self {
        let connection = Self {
            phase: AtomicU8::new(IDLE),
            since_ms: AtomicU64::new(0),
            epoch,
            close: AtomicU8::new(0),
            closing: Notify::new(),
            body_pending: AtomicBool::new(false),
        };
        connection.since_ms.store(connection.now_ms(), Ordering::Relaxed);
        connection
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// Bytes arrived: if the connection was idle, a request's head has begun (true).
    pub(super) fn bytes_arrived(&self) -> bool {
        if self.phase.load(Ordering::Relaxed) != IDLE {
            return false;
        }
        self.since_ms.store(self.now_ms(), Ordering::Relaxed);
        self.phase.store(HEAD, Ordering::Release);
        true
    }

    /// A whole head arrived and the request, with a body or not, is handed to the router.
    pub fn request_started(&self, has_body: bool) {
        self.body_pending.store(has_body, Ordering::Relaxed);
        self.phase.store(BUSY, Ordering::Release);
    }

    /// The request's body was read to its end.
    pub fn body_received(&self) {
        self.body_pending.store(false, Ordering::Relaxed);
    }

    /// Whether bytes arriving on an idle connection begin a new head: not if the last request's
    /// body was left unread (hyper may be reading and discarding the rest of it).
    pub(super) fn head_may_begin(&self) -> bool {
        !self.body_pending.load(Ordering::Relaxed)
    }

    /// The response is made; the connection waits for the next request.
    pub fn request_finished(&self) {
        self.since_ms.store(self.now_ms(), Ordering::Relaxed);
        self.phase.store(IDLE, Ordering::Release);
    }

    /// Asks the connection's task to close.
    fn close(&self, how: Close) {
        self.close.fetch_max(how as u8, Ordering::AcqRel);
        self.closing.notify_one();
    }

    /// Resolves when the connection is told to close, with how.
    pub async fn closing(&self) -> Close {
        self.closing.notified().await;
        if self.close.load(Ordering::Acquire) == Close::Now as u8 { Close::Now } else { Close::Graceful }
    }

    /// How long the connection may stay in its phase, and how long it has been in it; `None`
    /// while it answers a request (never timed out nor evicted).
    fn waiting(&self, now_ms: u64) -> Option<(u8, Duration)> {
        let phase = self.phase.load(Ordering::Acquire);
        let since_ms = self.since_ms.load(Ordering::Relaxed);
        (phase != BUSY).then(|| (phase, Duration::from_millis(now_ms.saturating_sub(since_ms))))
    }
}

/// Every open connection, by id.
#[derive(Debug)]
pub struct Registry {
    epoch: Instant,
    open: Mutex<Open>,
}

#[derive(Debug, Default)]
struct Open {
    next_id: u64,
    by_id: HashMap<u64, Arc<Connection>>,
}

impl Default for Registry {
    fn default() -> Self {
        Self { epoch: Instant::now(), open: Mutex::default() }
    }
}

impl Registry {
    fn lock(&self) -> MutexGuard<'_, Open> {
        self.open.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// Registers a new connection; its task calls [`Registry::remove`] with the id when done.
    pub fn add(&self) -> (u64, Arc<Connection>) {
        let connection = Arc::new(Connection::new(self.epoch));
        let mut open = self.lock();
        let id = open.next_id;
        open.next_id += 1;
        open.by_id.insert(id, Arc::clone(&connection));
        (id, connection)
    }

    pub fn remove(&self, id: u64) {
        self.lock().by_id.remove(&id);
    }

    /// Open connections, not counting those already told to close now.
    pub fn len(&self) -> usize {
        self.lock().by_id.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lock().by_id.is_empty()
    }

    /// Closes the connection that has waited longest for (the rest of) a request, to make room;
    /// false if every connection is answering one.
    pub fn evict_oldest_waiting(&self) -> bool {
        let now_ms = self.now_ms();
        let mut open = self.lock();
        // Ties (the clock counts milliseconds) go to the one accepted first: ids grow.
        let oldest = open
            .by_id
            .iter()
            .filter_map(|(&id, connection)| {
                connection.waiting(now_ms).map(|(_, waited)| (waited, std::cmp::Reverse(id)))
            })
            .max();
        let Some((_, std::cmp::Reverse(id))) = oldest else { return false };
        if let Some(connection) = open.by_id.remove(&id) {
            connection.close(Close::Now);
        }
        true
    }

    /// Closes the connections idle longer than `idle` or in a request's head longer than `head`;
    /// returns how many.
    pub fn close_expired(&self, head: Duration, idle: Duration) -> usize {
        let now_ms = self.now_ms();
        let mut open = self.lock();
        let before = open.by_id.len();
        open.by_id.retain(|_, connection| {
            let expired = match connection.waiting(now_ms) {
                Some((HEAD, waited)) => waited > head,
                Some((_, waited)) => waited > idle,
                None => false,
            };
            if expired {
                connection.close(Close::Now);
            }
            !expired
        });
        before - open.by_id.len()
    }

    /// Tells every connection to finish its request in flight and close.
    pub fn close_all_gracefully(&self) {
        for connection in self.lock().by_id.values() {
            connection.close(Close::Graceful);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_oldest_waiting_connection_is_evicted_and_busy_ones_never() {
        let registry = Registry::default();
        let (_, busy) = registry.add();
        busy.request_started(false);
        let (old_id, old) = registry.add();
        std::thread::sleep(Duration::from_millis(5));
        let (new_id, new) = registry.add();
        new.bytes_arrived();
        assert!(registry.evict_oldest_waiting());
        assert_eq!(old.close.load(Ordering::Acquire), Close::Now as u8);
        assert_eq!(new.close.load(Ordering::Acquire), 0);
        assert_eq!(registry.len(), 2);
        registry.remove(old_id);
        assert!(registry.evict_oldest_waiting(), "the half-sent one");
        registry.remove(new_id);
        assert!(!registry.evict_oldest_waiting(), "only a busy one is left");
        assert_eq!(registry.len(), 1);
    }

    #[test]
    fn idle_and_half_sent_connections_expire_after_their_own_timeouts() {
        let registry = Registry::default();
        let (_, idle) = registry.add();
        let (_, head) = registry.add();
        head.bytes_arrived();
        let (_, busy) = registry.add();
        busy.request_started(false);
        std::thread::sleep(Duration::from_millis(30));
        assert_eq!(registry.close_expired(Duration::from_secs(60), Duration::from_secs(60)), 0);
        assert_eq!(registry.close_expired(Duration::from_millis(10), Duration::from_secs(60)), 1);
        assert_eq!(head.close.load(Ordering::Acquire), Close::Now as u8);
        assert_eq!(registry.close_expired(Duration::from_millis(10), Duration::from_millis(10)), 1);
        assert_eq!(idle.close.load(Ordering::Acquire), Close::Now as u8);
        busy.request_finished();
        assert_eq!(
            registry.close_expired(Duration::from_millis(10), Duration::from_millis(10)),
            0,
            "just idle"
        );
        assert_eq!(registry.len(), 1);
    }
}
