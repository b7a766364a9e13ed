//! A connection's socket as hyper sees it: it notes when bytes arrive (so a half-sent head can
//! be timed out, see `super::connections`), and refuses a head over our limits before hyper
//! reads it (see `super::head`).

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use super::connections::Connection;
use super::head::{self, HeadScan, TooLarge};

/// The most bytes read and dropped after a refusal, waiting for the client to stop sending.
const MAX_DRAINED_BYTES: usize = 1 << 20;

/// A connection's socket, noting when bytes arrive and scanning request heads.
pub struct Tracked<S> {
    stream: S,
    connection: Arc<Connection>,
    head: HeadScan,
    /// The last write or flush could not finish: hyper still holds part of an answer, so an
    /// answer of ours written now would land in the middle of it.
    write_blocked: bool,
    refusal: Option<Refusal>,
}

/// A head refused: our answer being written, then the client's rest read and dropped.
struct Refusal {
    answer: Vec<u8>,
    written: usize,
    shut_down: bool,
    drained: usize,
}

impl<S> Tracked<S> {
    pub fn new(stream: S, connection: Arc<Connection>) -> Self {
        Self { stream, connection, head: HeadScan::new(), write_blocked: false, refusal: None }
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> Tracked<S> {
    fn refuse(&mut self, too_large: TooLarge) {
        let api = self.head.is_api();
        tracing::info!(status = 431, ?too_large, api, "refused a request head over the limits");
        // Behind an unfinished answer, the connection is only closed.
        let answer = if self.write_blocked { Vec::new() } else { head::answer(too_large, api) };
        self.refusal = Some(Refusal { answer, written: 0, shut_down: false, drained: 0 });
    }

    /// Writes the refusal's answer, ends the sending side, and reads what the client still
    /// sends: closing a socket with unread bytes resets the connection, and a reset can destroy
    /// the answer before the client reads it. The header-read timeout bounds how long the
    /// client may keep sending (the connection is still reading a head). Then fails the read,
    /// so that hyper ends the connection without an answer of its own.
    fn poll_refusal(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let Some(refusal) = self.refusal.as_mut() else { return Poll::Ready(Ok(())) };
        while refusal.written < refusal.answer.len() {
            let unwritten = &refusal.answer[refusal.written..];
            match ready!(Pin::new(&mut self.stream).poll_write(cx, unwritten))? {
                0 => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                written => refusal.written += written,
            }
        }
        if !refusal.shut_down {
            ready!(Pin::new(&mut self.stream).poll_shutdown(cx))?;
            refusal.shut_down = true;
        }
        let mut scratch = [0; 8192];
        while refusal.drained <= MAX_DRAINED_BYTES {
            let mut discarded = ReadBuf::new(&mut scratch);
            ready!(Pin::new(&mut self.stream).poll_read(cx, &mut discarded))?;
            if discarded.filled().is_empty() {
                break;
            }
            refusal.drained += discarded.filled().len();
        }
        Poll::Ready(Err(io::Error::other("request head over the limits: answered 431")))
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncRead for Tracked<S> {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.refusal.is_some() {
            return this.poll_refusal(cx);
        }
        let before = buf.filled().len();
        let polled = Pin::new(&mut this.stream).poll_read(cx, buf);
        let arrived = &buf.filled()[before..];
        if arrived.is_empty() {
            return polled;
        }
        if this.connection.bytes_arrived() && this.connection.head_may_begin() {
            this.head.start();
        }
        if this.head.is_active()
            && let Err(too_large) = this.head.scan(arrived)
        {
            // hyper never sees the head.
            buf.set_filled(before);
            this.refuse(too_large);
            return this.poll_refusal(cx);
        }
        polled
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Tracked<S> {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.stream).poll_write(cx, buf);
        this.write_blocked = polled.is_pending();
        polled
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.stream).poll_write_vectored(cx, bufs);
        this.write_blocked = polled.is_pending();
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }
}
