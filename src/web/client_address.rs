//! Who is on the other end, for the per-address throttles (failed logins, residents' reports).
//!
//! Behind a reverse proxy every request comes from the proxy's address, so a per-address limit
//! would count a whole town as one client. With `--trusted-proxy ADDR` the proxy's
//! `X-Forwarded-For` is believed, but only when the TCP peer is one of the listed proxies: anyone
//! else could write any address in that header.

use std::convert::Infallible;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::extract::{ConnectInfo, FromRef, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;

use crate::app::AppState;

/// The header a proxy appends the address of whoever connected to it to.
const FORWARDED_FOR: &str = "x-forwarded-for";

/// The reverse proxies whose `X-Forwarded-For` is believed (`--trusted-proxy`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpAddr>);

impl TrustedProxies {
    pub fn new(addresses: impl IntoIterator<Item = IpAddr>) -> Self {
        Self(addresses.into_iter().map(|address| address.to_canonical()).collect())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn contains(&self, address: IpAddr) -> bool {
        self.0.contains(&address.to_canonical())
    }

    /// The client's address for a request from `peer` carrying `headers`: the peer itself,
    /// unless it is a trusted proxy; then the right-most `X-Forwarded-For` address that is not
    /// itself a trusted proxy (each proxy appends whoever connected to it, so that is the
    /// first one no trusted proxy vouches for; what lies left of it is what the client wrote).
    /// A header that says nothing usable leaves the nearest trusted hop as the client.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let peer = peer.to_canonical();
        if !self.contains(peer) {
            return peer;
        }
        // Several headers are one list, in order (RFC 9110, 5.3).
        let entries: Vec<&str> = headers
            .get_all(FORWARDED_FOR)
            .iter()
            .flat_map(|value| value.to_str().unwrap_or("?").split(','))
            .collect();
        let mut client = peer;
        for entry in entries.iter().rev() {
            let Some(address) = parse_entry(entry) else { return client };
            client = address;
            if !self.contains(address) {
                return address;
            }
        }
        client
    }
}

/// One `X-Forwarded-For` entry: an address, perhaps with a port (`1.2.3.4:5678`, `[::1]:80`).
fn parse_entry(entry: &str) -> Option<IpAddr> {
    let entry = entry.trim();
    let address =
        entry.parse::<IpAddr>().ok().or_else(|| entry.parse::<SocketAddr>().ok().map(|s| s.ip()))?;
    Some(address.to_canonical())
}

/// The client's address (see [`TrustedProxies::client`]). A request with no TCP peer (only
/// in-process requests, as tests send) counts as from `0.0.0.0`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddress(pub IpAddr);

impl<S> FromRequestParts<S> for ClientAddress
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Infallible> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |ConnectInfo(peer)| peer.ip());
        let state = AppState::from_ref(state);
        Ok(Self(state.trusted_proxies.client(peer, &parts.headers)))
    }
}

impl std::fmt::Display for ClientAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn headers(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(FORWARDED_FOR, value.parse().unwrap());
        }
        headers
    }

    #[test]
    fn the_header_is_ignored_unless_the_peer_is_a_trusted_proxy() {
        let none = TrustedProxies::default();
        assert_eq!(none.client(ip("203.0.113.9"), &headers(&["198.51.100.1"])), ip("203.0.113.9"));
        let proxies = TrustedProxies::new([ip("10.0.0.1")]);
        assert_eq!(proxies.client(ip("203.0.113.9"), &headers(&["198.51.100.1"])), ip("203.0.113.9"));
        assert_eq!(proxies.client(ip("10.0.0.1"), &headers(&["198.51.100.1"])), ip("198.51.100.1"));
    }

    #[test]
    fn the_right_most_address_no_trusted_proxy_vouches_for_wins() {
        let proxies = TrustedProxies::new([ip("10.0.0.1"), ip("10.0.0.2")]);
        let peer = ip("10.0.0.1");
        // A client that writes its own header cannot choose its address.
        let spoofed = headers(&["1.1.1.1, 198.51.100.7"]);
        assert_eq!(proxies.client(peer, &spoofed), ip("198.51.100.7"));
        // Two proxies in a row; several headers are one list.
        assert_eq!(
            proxies.client(peer, &headers(&["1.1.1.1, 198.51.100.7", "10.0.0.2"])),
            ip("198.51.100.7")
        );
        // Ports and IPv4-mapped addresses.
        assert_eq!(proxies.client(peer, &headers(&["198.51.100.7:5123"])), ip("198.51.100.7"));
        assert_eq!(proxies.client(peer, &headers(&["[2001:db8::1]:443"])), ip("2001:db8::1"));
        assert_eq!(
            proxies.client(ip("::ffff:10.0.0.1"), &headers(&["::ffff:198.51.100.7"])),
            ip("198.51.100.7")
        );
        // Nothing usable: the nearest trusted hop.
        assert_eq!(proxies.client(peer, &headers(&[])), peer);
        assert_eq!(proxies.client(peer, &headers(&["nonsense, 10.0.0.2"])), ip("10.0.0.2"));
        assert_eq!(proxies.client(peer, &headers(&["10.0.0.2"])), ip("10.0.0.2"));
        assert_eq!(proxies.client(peer, &headers(&[""])), peer);
    }
}
