//! Request heads over our limits, caught on the socket before hyper parses them, so that they
//! are answered in our error shapes.
//!
//! hyper refuses a head over its own limits (its read buffer, about 400 KB by default, or more
//! than 100 headers) with a bare `431` and no body, which it writes itself: no hook lets an
//! application shape that answer. So the connection's socket wrapper ([`super::socket::Tracked`])
//! feeds every head it reads through a [`HeadScan`], which finds the end of the head and counts
//! its bytes and lines; over [`MAX_HEAD_BYTES`] or [`MAX_HEADERS`], the wrapper answers `431`
//! itself (JSON under `/api/`, plain text elsewhere, see [`answer`]) and closes the connection,
//! and hyper never sees the head. hyper keeps its own limits as a backstop, both at least ours:
//! its buffer is much larger, and its header count equals ours but is checked after ours.
//!
//! A scan must begin at a head's first byte, or its count would run on into a body: the wrapper
//! starts one at the connection's first byte and at the first byte read after a request whose
//! body was read to its end (see `Connection::head_may_begin`). A head that begins with a line
//! break (a leading empty line, or the end of a head whose first bytes hyper already held) is not
//! scanned. Whatever a scan misses, hyper's own limits still bound.

use axum::http::StatusCode;

use crate::error::{AppError, is_api_path};

/// The most bytes a request's head (request line, headers and the empty line) may take: cookies
/// and all, real heads are a few kilobytes; nginx allows 32 KB by default.
pub const MAX_HEAD_BYTES: usize = 64 * 1024;
/// The most header lines a request may have: hyper's own default limit, which it checks after us.
pub const MAX_HEADERS: usize = 100;
/// How much of the request line is kept, to tell an API request from a page's.
const REQUEST_LINE_KEPT: usize = 128;

/// Why a head was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TooLarge {
    Bytes,
    Headers,
}

/// A head being read: where it ends, and its size so far.
#[derive(Debug)]
pub struct HeadScan {
    state: State,
    bytes: usize,
    /// Complete lines so far, the request line included.
    lines: usize,
    /// Bytes of the line being read so far.
    line_len: usize,
    /// Whether the line being read begins with `\r` (a line of `\r` alone is the empty line).
    line_starts_with_cr: bool,
    request_line: [u8; REQUEST_LINE_KEPT],
    request_line_len: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Waiting for a head's first byte.
    Ready,
    Scanning,
    /// The head ended (or is not scanned); wait for [`HeadScan::start`].
    Done,
}

impl HeadScan {
    /// A scan whose next byte is a head's first.
    pub fn new() -> Self {
        Self {
            state: State::Ready,
            bytes: 0,
            lines: 0,
            line_len: 0,
            line_starts_with_cr: false,
            request_line: [0; REQUEST_LINE_KEPT],
            request_line_len: 0,
        }
    }

    /// The next byte read begins a head.
    pub fn start(&mut self) {
        *self = Self::new();
    }

    /// Whether the bytes read next are scanned (the scan started and the head has not ended).
    pub fn is_active(&self) -> bool {
        self.state != State::Done
    }

    /// Reads the next bytes of the socket; `Err` once the head is over a limit. Bytes after the
    /// head's end are not looked at.
    pub fn scan(&mut self, mut bytes: &[u8]) -> Result<(), TooLarge> {
        if self.state == State::Ready {
            match bytes.first() {
                None => return Ok(()),
                // See the module's documentation.
                Some(b'\r' | b'\n') => {
                    self.state = State::Done;
                    return Ok(());
                }
                Some(_) => self.state = State::Scanning,
            }
        }
        while self.state == State::Scanning && !bytes.is_empty() {
            let Some(at) = memchr::memchr(b'\n', bytes) else {
                self.add_to_line(bytes);
                self.bytes += bytes.len();
                break;
            };
            self.add_to_line(&bytes[..at]);
            self.bytes += at + 1;
            let empty = self.line_len == 0 || (self.line_len == 1 && self.line_starts_with_cr);
            self.lines += 1;
            (self.line_len, self.line_starts_with_cr) = (0, false);
            if empty {
                self.state = State::Done;
            } else if self.lines > MAX_HEADERS + 1 {
                return Err(TooLarge::Headers);
            }
            bytes = &bytes[at + 1..];
        }
        if self.bytes > MAX_HEAD_BYTES { Err(TooLarge::Bytes) } else { Ok(()) }
    }

    /// Part of a line, without its `\n`.
    fn add_to_line(&mut self, part: &[u8]) {
        if part.is_empty() {
            return;
        }
        if self.line_len == 0 {
            self.line_starts_with_cr = part[0] == b'\r';
        }
        if self.lines == 0 {
            let keep = part.len().min(REQUEST_LINE_KEPT - self.request_line_len);
            self.request_line[self.request_line_len..][..keep].copy_from_slice(&part[..keep]);
            self.request_line_len += keep;
        }
        self.line_len += part.len();
    }

    /// Whether the request, as far as its request line was read, is for the API.
    pub fn is_api(&self) -> bool {
        let line = &self.request_line[..self.request_line_len];
        let mut words = line.split(|&byte| byte == b' ');
        let target = words.nth(1).unwrap_or_default();
        let target = String::from_utf8_lossy(target);
        // An absolute-form target (`http://host/api/...`) names the path after the authority.
        let path = match target.split_once("://") {
            Some((_, rest)) => rest.find('/').map_or("/", |at| &rest[at..]),
            None => &target,
        };
        let path = path.split(['?', '#']).next().unwrap_or_default();
        is_api_path(path)
    }
}

impl Default for HeadScan {
    fn default() -> Self {
        Self::new()
    }
}

/// The whole answer to a head over a limit, ready to write on the socket: `431` in the API's
/// JSON shape for `api`, plain text for people elsewhere; the connection is closed after it.
pub fn answer(too_large: TooLarge, api: bool) -> Vec<u8> {
    let status = StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE;
    let what = match too_large {
        TooLarge::Bytes => format!("the request's headers are larger than {} KiB", MAX_HEAD_BYTES / 1024),
        TooLarge::Headers => format!("the request has more than {MAX_HEADERS} headers"),
    };
    let (content_type, body) = if api {
        let message = format!("{what}; send fewer or shorter headers (cookies included)");
        ("application/json", AppError::new(status, "headers_too_large", message).json_bytes())
    } else {
        let text = format!("请求头过大，请清除本站的 Cookie 后重试。\n({what})\n");
        ("text/plain; charset=utf-8", text.into_bytes())
    };
    let mut answer = format!(
        "HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-type: {content_type}\r\n\
         content-length: {}\r\nx-content-type-options: nosniff\r\nconnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    answer.extend_from_slice(&body);
    answer
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Scans `bytes` in pieces of `piece` bytes.
    fn scan_in_pieces(bytes: &[u8], piece: usize) -> (HeadScan, Result<(), TooLarge>) {
        let mut scan = HeadScan::new();
        let result = bytes.chunks(piece).try_for_each(|chunk| scan.scan(chunk));
        (scan, result)
    }

    fn head(headers: usize, value_len: usize) -> Vec<u8> {
        let mut head = b"GET /api/v1/points?k=5 HTTP/1.1\r\nHost: legalmap\r\n".to_vec();
        for n in 1..headers {
            head.extend_from_slice(format!("X-Filler-{n}: {}\r\n", "a".repeat(value_len)).as_bytes());
        }
        head.extend_from_slice(b"\r\n");
        head
    }

    #[test]
    fn a_head_within_the_limits_ends_at_its_empty_line_whatever_follows() {
        for piece in [1, 2, 3, 7, 4096] {
            let mut bytes = head(MAX_HEADERS, 10);
            // A body as long as the limit, after the head: never counted.
            bytes.extend_from_slice(&vec![b'x'; MAX_HEAD_BYTES * 2]);
            let (scan, result) = scan_in_pieces(&bytes, piece);
            assert_eq!(result, Ok(()), "pieces of {piece}");
            assert!(!scan.is_active(), "pieces of {piece}");
            assert!(scan.is_api());
        }
        // Bare `\n` line ends are taken too.
        let (scan, result) = scan_in_pieces(b"GET / HTTP/1.1\nHost: a\n\nbody", 1);
        assert_eq!(result, Ok(()));
        assert!(!scan.is_active() && !scan.is_api());
    }

    #[test]
    fn too_many_bytes_or_headers_are_refused_in_any_pieces() {
        for piece in [1, 5, 4096, 1 << 20] {
            let (_, result) = scan_in_pieces(&head(20, 4 * 1024), piece);
            assert_eq!(result, Err(TooLarge::Bytes), "pieces of {piece}");
            let (_, result) = scan_in_pieces(&head(MAX_HEADERS + 1, 1), piece);
            assert_eq!(result, Err(TooLarge::Headers), "pieces of {piece}");
        }
        // One line without an end.
        let (_, result) = scan_in_pieces(&vec![b'G'; MAX_HEAD_BYTES + 1], 1000);
        assert_eq!(result, Err(TooLarge::Bytes));
        let (_, result) = scan_in_pieces(&vec![b'G'; MAX_HEAD_BYTES], 1000);
        assert_eq!(result, Ok(()));
    }

    #[test]
    fn a_head_that_begins_with_a_line_break_is_not_scanned() {
        for start in [&b"\r\n"[..], b"\n"] {
            let mut bytes = start.to_vec();
            bytes.extend_from_slice(&vec![b'x'; MAX_HEAD_BYTES * 2]);
            let (scan, result) = scan_in_pieces(&bytes, 100);
            assert_eq!(result, Ok(()));
            assert!(!scan.is_active());
        }
    }

    #[test]
    fn the_request_line_says_whether_the_api_is_asked() {
        for (line, api) in [
            (&b"GET /api/v1/points HTTP/1.1\r\n"[..], true),
            (b"GET /api HTTP/1.1\r\n", true),
            (b"GET /api?x=1 HTTP/1.1\r\n", true),
            (b"GET http://legalmap/api/v1/nearest?lat=1 HTTP/1.1\r\n", true),
            (b"POST /admin/login HTTP/1.1\r\n", false),
            (b"GET /apis HTTP/1.1\r\n", false),
            (b"GET / HTTP/1.1\r\n", false),
            (b"garbage", false),
        ] {
            let mut scan = HeadScan::new();
            scan.scan(line).unwrap();
            assert_eq!(scan.is_api(), api, "{}", String::from_utf8_lossy(line));
        }
    }

    #[test]
    fn the_answer_is_a_whole_431_in_the_api_shape_or_plain_text() {
        let answer = String::from_utf8(answer(TooLarge::Bytes, true)).unwrap();
        let (head, body) = answer.split_once("\r\n\r\n").unwrap();
        assert!(head.starts_with("HTTP/1.1 431 Request Header Fields Too Large\r\n"), "{head}");
        assert!(head.contains("content-type: application/json\r\n"), "{head}");
        assert!(head.contains(&format!("content-length: {}\r\n", body.len())), "{head}");
        assert!(head.contains("connection: close"), "{head}");
        let json: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(json["error"]["code"], "headers_too_large");
        let answer = String::from_utf8(super::answer(TooLarge::Headers, false)).unwrap();
        assert!(answer.contains("content-type: text/plain; charset=utf-8\r\n"), "{answer}");
        assert!(answer.ends_with("more than 100 headers)\n"), "{answer}");
    }
}
