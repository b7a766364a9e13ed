//! How often residents may send correction reports: a few per client address per hour, and a
//! sanity cap for everyone together. Kept in memory only, and the addresses only as a keyed
//! hash (the key is random per process, never stored): a report row never learns who sent it,
//! and this counter forgets everything on restart or after the hour.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

/// The limits a [`ReportThrottle`] enforces within a sliding window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottleLimits {
    /// Reports from one client address (an IPv6 /64 counts as one address).
    pub per_address: usize,
    /// Reports from everyone together.
    pub everyone: usize,
    pub window: Duration,
}

impl ThrottleLimits {
    /// 5 per address and 200 in all per hour: a household or an office reporting a few points
    /// gets through; a script does not fill the staff's list.
    pub const REPORTS: Self = Self { per_address: 5, everyone: 200, window: Duration::from_secs(3600) };
}

/// Why a report was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// This address has sent `per_address` reports within the window.
    Address,
    /// Everyone together has sent `everyone` reports within the window.
    Everyone,
}

/// Counts accepted reports per (hashed) client address and in all, over a sliding window.
pub struct ReportThrottle {
    key: [u8; 32],
    limits: ThrottleLimits,
    counts: Mutex<Counts>,
}

#[derive(Default)]
struct Counts {
    /// When each hashed address's reports within the window were accepted, oldest first.
    by_address: HashMap<[u8; 32], VecDeque<Instant>>,
    /// When every report within the window was accepted, oldest first.
    everyone: VecDeque<Instant>,
}

impl ReportThrottle {
    pub fn new(limits: ThrottleLimits) -> Self {
        let mut key = [0u8; 32];
        getrandom::getrandom(&mut key).expect("the operating system provides randomness");
        Self { key, limits, counts: Mutex::default() }
    }

    pub fn limits(&self) -> ThrottleLimits {
        self.limits
    }

    /// Counts one report from `address` at `now` if both limits allow it; otherwise counts
    /// nothing and says which limit was reached.
    pub fn try_take(&self, address: IpAddr, now: Instant) -> Result<(), Refusal> {
        let key = self.hashed(address);
        let window = self.limits.window;
        let expired = |at: &Instant| now.saturating_duration_since(*at) >= window;
        let mut counts = self.counts.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        while counts.everyone.front().is_some_and(expired) {
            counts.everyone.pop_front();
        }
        // Every address still counted has a report within the window, and those number at most
        // `everyone`: past that, forget the addresses whose reports have all expired.
        if counts.by_address.len() > self.limits.everyone {
            counts.by_address.retain(|_, times| {
                times.retain(|at| !expired(at));
                !times.is_empty()
            });
        }
        let recent = counts.by_address.get_mut(&key).map_or(0, |times| {
            times.retain(|at| !expired(at));
            times.len()
        });
        if recent >= self.limits.per_address {
            return Err(Refusal::Address);
        }
        if counts.everyone.len() >= self.limits.everyone {
            return Err(Refusal::Everyone);
        }
        counts.everyone.push_back(now);
        counts.by_address.entry(key).or_default().push_back(now);
        Ok(())
    }

    /// The address under this process's key; an IPv6 address by its /64 (one household's or
    /// phone's network hands out many addresses within it).
    fn hashed(&self, address: IpAddr) -> [u8; 32] {
        let bytes = match address.to_canonical() {
            IpAddr::V4(v4) => v4.octets().to_vec(),
            IpAddr::V6(v6) => v6.octets()[..8].to_vec(),
        };
        Sha256::new().chain_update(self.key).chain_update(&bytes).finalize().into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn each_address_gets_its_share_within_the_window_and_everyone_together_a_cap() {
        let limits = ThrottleLimits { per_address: 2, everyone: 3, window: Duration::from_secs(60) };
        let throttle = ReportThrottle::new(limits);
        let t0 = Instant::now();
        let a = ip("198.51.100.1");
        assert_eq!(throttle.try_take(a, t0), Ok(()));
        assert_eq!(throttle.try_take(a, t0), Ok(()));
        assert_eq!(throttle.try_take(a, t0 + Duration::from_secs(59)), Err(Refusal::Address));
        assert_eq!(throttle.try_take(ip("198.51.100.2"), t0), Ok(()));
        assert_eq!(throttle.try_take(ip("198.51.100.3"), t0), Err(Refusal::Everyone));
        // A refusal counts nothing; after the window all is forgotten.
        let later = t0 + Duration::from_secs(60);
        assert_eq!(throttle.try_take(a, later), Ok(()));
        assert_eq!(throttle.try_take(a, later), Ok(()));
        assert_eq!(throttle.try_take(a, later), Err(Refusal::Address));
    }

    #[test]
    fn an_ipv6_network_counts_as_one_address_and_stale_addresses_are_forgotten() {
        let limits = ThrottleLimits { per_address: 1, everyone: 2, window: Duration::from_secs(60) };
        let throttle = ReportThrottle::new(limits);
        let t0 = Instant::now();
        assert_eq!(throttle.try_take(ip("2001:db8:1:2::1"), t0), Ok(()));
        assert_eq!(throttle.try_take(ip("2001:db8:1:2::ffff"), t0), Err(Refusal::Address));
        assert_eq!(throttle.try_take(ip("2001:db8:1:3::1"), t0), Ok(()));
        for i in 0..10u8 {
            let at = t0 + Duration::from_secs(60 * (u64::from(i) + 1));
            assert_eq!(throttle.try_take(IpAddr::from([192, 0, 2, i]), at), Ok(()));
        }
        let counted = throttle.counts.lock().unwrap().by_address.len();
        assert!(counted <= limits.everyone + 1, "{counted} addresses kept");
    }
}
