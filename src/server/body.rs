//! Request bodies under a deadline: a client that sends a request's head and then dribbles its
//! body, or stops, would otherwise hold its connection (and the handler waiting for the body) for
//! ever, since a connection answering a request is never timed out nor evicted.
//!
//! The server loop wraps every request body that is not empty in a [`TimedBody`]: once the
//! deadline (the body-read timeout after the end of the head) has passed, a read that would wait
//! for more bytes fails instead, and the request's [`BodyReadTimeout`] (in its extensions) says
//! so; the error middleware then answers `408` in our shapes, with `Connection: close`, whatever
//! the handler made of the broken body. A handler that answers without reading the body is not
//! concerned, and neither is a body whose bytes are already there: only waiting is timed.
//!
//! The timer is made on the first read that has to wait, so a body that arrives with its head
//! (a small form, the common case) costs no timer at all.

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, ready};
use std::time::Duration;

use hyper::body::{Body, Frame, Incoming, SizeHint};
use tokio::time::{Instant, Sleep};

use super::connections::Connection;

/// Whether a request's body-read timeout expired: in the request's extensions, when the request
/// has a body.
#[derive(Debug, Clone, Default)]
pub struct BodyReadTimeout(Arc<AtomicBool>);

impl BodyReadTimeout {
    pub fn expired(&self) -> bool {
        self.0.load(Ordering::Acquire)
    }
}

/// A request body that fails once it has to wait past its deadline.
pub struct TimedBody {
    inner: Incoming,
    deadline: Instant,
    /// Made on the first read that has to wait.
    timer: Option<Pin<Box<Sleep>>>,
    timeout: BodyReadTimeout,
    connection: Arc<Connection>,
}

impl TimedBody {
    /// `inner`, which must be read to its end within `limit` from now (the end of its head).
    pub fn new(inner: Incoming, limit: Duration, connection: Arc<Connection>) -> (Self, BodyReadTimeout) {
        let timeout = BodyReadTimeout::default();
        let deadline = Instant::now() + limit;
        (Self { inner, deadline, timer: None, timeout: timeout.clone(), connection }, timeout)
    }
}

/// The error a timed-out body read gives the handler.
#[derive(Debug, thiserror::Error)]
#[error("the request body did not arrive within the body-read timeout")]
pub struct BodyTimedOut;

impl Body for TimedBody {
    type Data = hyper::body::Bytes;
    type Error = Box<dyn std::error::Error + Send + Sync>;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        let this = self.get_mut();
        if this.timeout.expired() {
            return Poll::Ready(Some(Err(BodyTimedOut.into())));
        }
        if let Poll::Ready(frame) = Pin::new(&mut this.inner).poll_frame(cx) {
            if frame.is_none() || this.inner.is_end_stream() {
                this.connection.body_received();
            }
            return Poll::Ready(frame.map(|frame| frame.map_err(Into::into)));
        }
        let deadline = this.deadline;
        let timer = this.timer.get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline)));
        ready!(timer.as_mut().poll(cx));
        this.timeout.0.store(true, Ordering::Release);
        Poll::Ready(Some(Err(BodyTimedOut.into())))
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
