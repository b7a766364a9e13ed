//! Absolute links to this server, for what leaves the screen: the campaign's printed field
//! sheet carries QR codes that a staff phone opens later, so they need the address the phones
//! reach, not a path.

use axum::http::{HeaderMap, Uri, header};

/// The server's public base address (`--public-url`), e.g. `https://legalmap.example.gov.cn`:
/// scheme http or https, a host, optionally a port; no path, query or fragment (the pages'
/// links are absolute paths, so legalmap cannot be served under a path prefix).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicUrl(String);

/// The longest `--public-url` (or request address) links are built on.
const MAX_PUBLIC_URL_BYTES: usize = 200;

impl PublicUrl {
    pub fn parse(text: &str) -> Result<Self, String> {
        let problem =
            |why: &str| format!("--public-url {text:?}: {why} (e.g. https://legalmap.example.gov.cn)");
        // Short enough that every link on it fits a QR code a phone reads at a glance (a
        // request's Host header comes through here too, so the bound is also a defence).
        if text.len() > MAX_PUBLIC_URL_BYTES {
            return Err(problem(&format!("longer than {MAX_PUBLIC_URL_BYTES} characters")));
        }
        let uri: Uri = text.trim().parse().map_err(|_| problem("not a URL"))?;
        if !matches!(uri.scheme_str(), Some("http" | "https")) {
            return Err(problem("must start with http:// or https://"));
        }
        let Some(authority) = uri.authority().filter(|a| !a.host().is_empty()) else {
            return Err(problem("has no host"));
        };
        if authority.as_str().contains('@') {
            return Err(problem("must not hold a user name or password"));
        }
        if !matches!(uri.path(), "" | "/") || uri.query().is_some() || text.contains('#') {
            return Err(problem("must not have a path, query or fragment"));
        }
        Ok(Self(format!("{}://{}", uri.scheme_str().unwrap_or("https"), authority)))
    }

    /// The address as the request reached this server: its `Host` header, with https when the
    /// server is configured behind HTTPS (secure cookies). `None` without a usable `Host`.
    pub fn from_request(headers: &HeaderMap, https: bool) -> Option<Self> {
        let host = headers.get(header::HOST)?.to_str().ok()?;
        let scheme = if https { "https" } else { "http" };
        Self::parse(&format!("{scheme}://{host}")).ok()
    }

    /// `path` (absolute, starting with `/`) on this server.
    pub fn join(&self, path: &str) -> String {
        format!("{}{path}", self.0)
    }
}

/// `text` as a QR code (error correction M: still reads with a stain or a fold), or `None`
/// if `text` is too long for one.
fn qr_code(text: &str) -> Option<qrcode::QrCode> {
    qrcode::QrCode::with_error_correction_level(text, qrcode::EcLevel::M).ok()
}

/// `text` as a QR code in an SVG document, black on white, with the standard quiet zone, at
/// least `size_px` wide. `None` if `text` is too long for a QR code.
pub fn qr_svg_document(text: &str, size_px: u32) -> Option<String> {
    use qrcode::render::svg;
    let image = qr_code(text)?
        .render::<svg::Color<'_>>()
        .min_dimensions(size_px, size_px)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build();
    Some(image)
}

/// The same as an `<svg>` element to put inside a page (no XML prolog).
pub fn qr_svg(text: &str, size_px: u32) -> Option<String> {
    let document = qr_svg_document(text, size_px)?;
    let start = document.find("<svg")?;
    Some(document[start..].to_owned())
}

/// `text` as a QR code in a greyscale PNG, `module_px` pixels per module, with the standard
/// quiet zone of four modules. `None` if `text` is too long for a QR code.
pub fn qr_png(text: &str, module_px: usize) -> Option<Vec<u8>> {
    const QUIET_MODULES: usize = 4;
    let code = qr_code(text)?;
    let modules = code.width();
    let side = (modules + 2 * QUIET_MODULES) * module_px;
    let mut pixels = vec![255u8; side * side];
    for (at, colour) in code.to_colors().into_iter().enumerate() {
        if colour == qrcode::Color::Dark {
            let (row, col) = (at / modules + QUIET_MODULES, at % modules + QUIET_MODULES);
            for y in row * module_px..(row + 1) * module_px {
                pixels[y * side + col * module_px..y * side + (col + 1) * module_px].fill(0);
            }
        }
    }
    let side_px = u32::try_from(side).ok()?;
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, side_px, side_px);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().expect("writing to memory cannot fail");
    writer.write_image_data(&pixels).expect("the buffer matches the header");
    writer.finish().expect("writing to memory cannot fail");
    Some(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_public_url_is_a_bare_http_or_https_origin() {
        let url = PublicUrl::parse("https://legalmap.example.gov.cn/").unwrap();
        assert_eq!(
            url.join("/admin/points/331003001001"),
            "https://legalmap.example.gov.cn/admin/points/331003001001"
        );
        assert_eq!(PublicUrl::parse("http://10.0.0.5:8080").unwrap().join("/x"), "http://10.0.0.5:8080/x");
        for bad in [
            "",
            "legalmap.example",
            "ftp://x.cn",
            "https://x.cn/app",
            "https://x.cn/?a=1",
            "https://x.cn/#a",
            "https://u:p@x.cn",
        ] {
            assert!(PublicUrl::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn a_request_host_becomes_a_base_when_no_public_url_is_set() {
        let mut headers = HeaderMap::new();
        assert_eq!(PublicUrl::from_request(&headers, false), None);
        headers.insert(header::HOST, "192.168.1.20:8080".parse().unwrap());
        assert_eq!(
            PublicUrl::from_request(&headers, true).unwrap().join("/a"),
            "https://192.168.1.20:8080/a"
        );
        headers.insert(header::HOST, "bad host/<x>".parse().unwrap());
        assert_eq!(PublicUrl::from_request(&headers, false), None);
    }

    #[test]
    fn a_qr_code_is_an_inline_svg_element() {
        let svg = qr_svg("https://legalmap.example.gov.cn/admin/points/331003001001", 120).unwrap();
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"), "{svg}");
        assert!(svg.contains("<path"));
        assert!(qr_svg(&"x".repeat(5000), 120).is_none());
    }
}
