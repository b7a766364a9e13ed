//! A large answer made once and served many times: its bytes, gzipped once, under an ETag, so
//! that a client that has it gets a 304 and one that has not gets it without the server
//! serializing or compressing anything per request (the coverage gaps are ~480 KB of GeoJSON).

use std::io::Write;

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use flate2::Compression;
use flate2::write::GzEncoder;
use sha2::{Digest, Sha256};

/// One answer's bytes, plain and gzipped, with an ETag for each.
#[derive(Debug)]
pub struct CachedBody {
    content_type: HeaderValue,
    plain: Bytes,
    gzip: Bytes,
    plain_etag: HeaderValue,
    gzip_etag: HeaderValue,
}

impl CachedBody {
    /// Compresses `plain` (best compression: it is done once) and names both encodings after a
    /// hash of the content, so the same content keeps its ETag across restarts.
    pub fn new(content_type: &'static str, plain: Vec<u8>) -> std::io::Result<Self> {
        let mut encoder = GzEncoder::new(Vec::with_capacity(plain.len() / 8), Compression::best());
        encoder.write_all(&plain)?;
        let gzip = encoder.finish()?;
        let digest = Sha256::digest(&plain);
        let tag = crate::web::hex::hex(&digest[..12]);
        let etag = |suffix: &str| {
            HeaderValue::from_str(&format!("\"{tag}{suffix}\"")).expect("hex digits are a valid header value")
        };
        Ok(Self {
            content_type: HeaderValue::from_static(content_type),
            plain_etag: etag(""),
            gzip_etag: etag("-gzip"),
            plain: Bytes::from(plain),
            gzip: Bytes::from(gzip),
        })
    }

    /// The uncompressed bytes.
    pub fn plain(&self) -> &[u8] {
        &self.plain
    }

    /// The answer to a request with `headers`: 304 if its `If-None-Match` names either encoding
    /// of this content, else the gzipped bytes if it accepts gzip, the plain ones otherwise.
    /// Clients are asked to revalidate (`no-cache`): the content changes with the points.
    pub fn respond(&self, headers: &HeaderMap) -> Response {
        let gzip = accepts_gzip(headers);
        let (body, etag) = if gzip { (&self.gzip, &self.gzip_etag) } else { (&self.plain, &self.plain_etag) };
        let mut response = if self.matches(headers) {
            StatusCode::NOT_MODIFIED.into_response()
        } else {
            let mut response = body.clone().into_response();
            response.headers_mut().insert(header::CONTENT_TYPE, self.content_type.clone());
            if gzip {
                // Also keeps the global compression layer from compressing it again.
                response.headers_mut().insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            }
            response
        };
        let response_headers = response.headers_mut();
        response_headers.insert(header::ETAG, etag.clone());
        response_headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        response_headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        response
    }

    /// Whether `If-None-Match` names this content, in either encoding.
    fn matches(&self, headers: &HeaderMap) -> bool {
        if_none_match(headers, &[self.plain_etag.as_bytes(), self.gzip_etag.as_bytes()])
    }
}

/// Whether the request's `If-None-Match` names one of `etags` (quoted, as sent in `ETag`) or
/// `*`: weak comparison, as RFC 9110 asks for it, over every header and list item.
pub fn if_none_match(headers: &HeaderMap, etags: &[&[u8]]) -> bool {
    headers.get_all(header::IF_NONE_MATCH).iter().filter_map(|value| value.to_str().ok()).any(|list| {
        list.split(',')
            .map(|tag| tag.trim().trim_start_matches("W/"))
            .any(|tag| tag == "*" || etags.contains(&tag.as_bytes()))
    })
}

/// Whether `Accept-Encoding` allows gzip: named (or `*`) with a non-zero weight.
fn accepts_gzip(headers: &HeaderMap) -> bool {
    let mut gzip = None;
    let mut any = None;
    for list in headers.get_all(header::ACCEPT_ENCODING).iter().filter_map(|value| value.to_str().ok()) {
        for item in list.split(',') {
            let mut parts = item.split(';');
            let coding = parts.next().unwrap_or_default().trim();
            let allowed = parts
                .filter_map(|parameter| parameter.trim().strip_prefix("q="))
                .all(|weight| weight.trim().parse::<f32>().is_ok_and(|q| q > 0.0));
            if coding.eq_ignore_ascii_case("gzip") || coding.eq_ignore_ascii_case("x-gzip") {
                gzip = Some(allowed);
            } else if coding == "*" {
                any = Some(allowed);
            }
        }
    }
    gzip.or(any).unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use axum::http::HeaderName;

    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|&(name, value)| (HeaderName::from_static(name), HeaderValue::from_static(value)))
            .collect()
    }

    #[test]
    fn gzip_is_chosen_by_weight() {
        assert!(accepts_gzip(&headers(&[("accept-encoding", "gzip, deflate, br")])));
        assert!(accepts_gzip(&headers(&[("accept-encoding", "br;q=1.0, gzip;q=0.5")])));
        assert!(accepts_gzip(&headers(&[("accept-encoding", "*")])));
        assert!(!accepts_gzip(&headers(&[("accept-encoding", "gzip;q=0, *")])));
        assert!(!accepts_gzip(&headers(&[("accept-encoding", "identity")])));
        assert!(!accepts_gzip(&headers(&[])));
    }

    #[test]
    fn the_gzip_body_is_the_plain_one_and_etags_revalidate() {
        let body = CachedBody::new("application/json", b"{\"a\": 1}".repeat(1000)).unwrap();
        let mut unzipped = Vec::new();
        flate2::read::GzDecoder::new(&body.gzip[..]).read_to_end(&mut unzipped).unwrap();
        assert_eq!(unzipped, body.plain());
        let plain = body.respond(&headers(&[]));
        assert_eq!(plain.status(), StatusCode::OK);
        assert!(plain.headers().get(header::CONTENT_ENCODING).is_none());
        let etag = plain.headers()[header::ETAG].clone();
        let mut again = headers(&[("accept-encoding", "gzip")]);
        again.insert(
            header::IF_NONE_MATCH,
            HeaderValue::from_bytes(&[b"W/".as_slice(), etag.as_bytes()].concat()).unwrap(),
        );
        assert_eq!(body.respond(&again).status(), StatusCode::NOT_MODIFIED);
        let other = headers(&[("if-none-match", "\"something-else\"")]);
        assert_eq!(body.respond(&other).status(), StatusCode::OK);
    }
}
