//! What a point write announces to every instance on the `legalmap_points` channel: the new
//! data version and the points written (code and version), or, past a bulk import's size, only
//! that everything should be read again (a notification's payload is capped at 8,000 bytes).

use serde::{Deserialize, Serialize};

/// Most points one announcement lists; a bigger write announces a reload.
pub const MAX_LISTED: usize = 200;

/// A notification's payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Announcement {
    /// The `data_version` the write committed.
    pub data_version: i64,
    /// The points written, as (code, version); `None`: too many, read everything again.
    pub points: Option<Vec<(String, i64)>>,
}

impl Announcement {
    pub fn of(data_version: i64, mut points: Vec<(String, i64)>) -> Self {
        // A point written twice in one transaction (an import's retire after its update) is
        // listed once, at its last version.
        points.sort();
        points.dedup_by(|later, earlier| {
            let same = later.0 == earlier.0;
            if same {
                earlier.1 = earlier.1.max(later.1);
            }
            same
        });
        let points = (points.len() <= MAX_LISTED).then_some(points);
        Self { data_version, points }
    }

    pub fn to_payload(&self) -> String {
        serde_json::to_string(self).expect("announcements serialize")
    }

    pub fn parse(payload: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(payload)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_point_written_twice_is_listed_once_at_its_last_version() {
        let announced = Announcement::of(
            7,
            vec![("331003001002".into(), 4), ("331003001001".into(), 2), ("331003001002".into(), 5)],
        );
        assert_eq!(
            announced.points.as_deref(),
            Some(&[("331003001001".into(), 2), ("331003001002".into(), 5)][..])
        );
        assert_eq!(Announcement::parse(&announced.to_payload()).unwrap(), announced);
    }

    #[test]
    fn a_bulk_write_announces_a_reload_within_the_payload_cap() {
        let many: Vec<_> =
            (0..MAX_LISTED as i64 + 1).map(|n| (format!("{:012}", 331003000000 + n), 2)).collect();
        assert_eq!(Announcement::of(8, many).points, None);
        let listed: Vec<_> =
            (0..MAX_LISTED as i64).map(|n| (format!("{:012}", 331003000000 + n), 99999)).collect();
        assert!(Announcement::of(i64::MAX, listed).to_payload().len() < 8000);
    }
}
