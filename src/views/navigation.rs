//! Links that open a phone's map app at a point, each in the datum that app expects:
//! Amap and Tencent take GCJ-02, Baidu BD-09, a `geo:` URI (RFC 5870) WGS-84.

use crate::domain::{Datum, PointRecord};

/// One "navigate with ..." link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NavigationLink {
    /// The app's name as residents know it.
    pub label: &'static str,
    pub href: String,
}

/// The links for `point`, Amap first (the most used in Zhejiang).
pub fn navigation_links(point: &PointRecord) -> Vec<NavigationLink> {
    let name = encode(&point.name);
    let town = encode(&point.town);
    let gcj = Datum::Gcj02.from_wgs84(point.location);
    let bd = Datum::Bd09.from_wgs84(point.location);
    let wgs = point.location;
    vec![
        NavigationLink {
            label: "高德地图",
            href: format!(
                "https://uri.amap.com/marker?position={:.6},{:.6}&name={name}&coordinate=gaode&callnative=1&src=legalmap",
                gcj.lon(),
                gcj.lat()
            ),
        },
        NavigationLink {
            label: "百度地图",
            href: format!(
                "https://api.map.baidu.com/marker?location={:.6},{:.6}&title={name}&content={town}&coord_type=bd09ll&output=html&src=webapp.legalmap",
                bd.lat(),
                bd.lon()
            ),
        },
        NavigationLink {
            label: "腾讯地图",
            href: format!(
                "https://apis.map.qq.com/uri/v1/marker?marker=coord:{:.6},{:.6};title:{name};addr:{town}&referer=legalmap",
                gcj.lat(),
                gcj.lon()
            ),
        },
        NavigationLink {
            label: "手机自带地图",
            href: format!(
                "geo:{:.6},{:.6}?q={:.6},{:.6}({name})",
                wgs.lat(),
                wgs.lon(),
                wgs.lat(),
                wgs.lon()
            ),
        },
    ]
}

/// Percent-encodes a name for a query value (also `;`, `:` and parentheses, which the
/// Tencent and geo: formats use as separators).
fn encode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect::<String>().replace('+', "%20")
}
