//! What changed between two snapshots of the points, slot by slot: which points went, which came
//! or moved, and where the others' slots went (the index keeps its points in code order, so a
//! point coming or going shifts the slots after it).

use std::cmp::Ordering;

use crate::locator::index::PointIndex;

/// The points of one snapshot against the next.
#[derive(Debug, Clone, PartialEq)]
pub struct PointChanges {
    /// Per old slot, the point's new slot, `None` if it went.
    pub new_slot: Vec<Option<u32>>,
    /// Per new slot, the point's old slot, `None` if it is new.
    pub old_slot: Vec<Option<u32>>,
    /// Per old slot: the point went, or moved (it leaves the old place).
    pub left: Vec<bool>,
    /// New slots of the points that came or moved (they arrive at a new place).
    pub arrived: Vec<u32>,
}

impl PointChanges {
    pub fn between(old: &PointIndex, new: &PointIndex) -> Self {
        let (old_points, new_points) = (old.points(), new.points());
        let mut changes = Self {
            new_slot: vec![None; old_points.len()],
            old_slot: vec![None; new_points.len()],
            left: vec![false; old_points.len()],
            arrived: Vec::new(),
        };
        let (mut at_old, mut at_new) = (0, 0);
        while at_old < old_points.len() || at_new < new_points.len() {
            let order = match (old_points.get(at_old), new_points.get(at_new)) {
                (Some(before), Some(after)) => before.record.code.cmp(&after.record.code),
                (Some(_), None) => Ordering::Less,
                (None, _) => Ordering::Greater,
            };
            match order {
                Ordering::Less => {
                    changes.left[at_old] = true;
                    at_old += 1;
                }
                Ordering::Greater => {
                    changes.arrived.push(at_new as u32);
                    at_new += 1;
                }
                Ordering::Equal => {
                    changes.new_slot[at_old] = Some(at_new as u32);
                    changes.old_slot[at_new] = Some(at_old as u32);
                    if old_points[at_old].record.location != new_points[at_new].record.location {
                        changes.left[at_old] = true;
                        changes.arrived.push(at_new as u32);
                    }
                    at_old += 1;
                    at_new += 1;
                }
            }
        }
        changes
    }

    /// Points that left a place plus points that arrived at one (a move counts twice).
    pub fn count(&self) -> usize {
        self.left.iter().filter(|&&left| left).count() + self.arrived.len()
    }

    /// Whether no point came, went or moved: the slots and places are the same.
    pub fn is_none(&self) -> bool {
        self.count() == 0 && self.old_slot.len() == self.new_slot.len()
    }

    /// The old slot of the point in new `slot`, if the point is where it was (not new, not moved).
    pub fn stayed(&self, slot: u32) -> Option<u32> {
        self.old_slot[slot as usize].filter(|&old| !self.left[old as usize])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{LocationQuality, LonLat};

    fn index(points: &[(&str, f64)]) -> PointIndex {
        let point = |&(code, lon): &(&str, f64)| {
            crate::points::synth::test_point(
                code,
                LonLat::parse(lon, 28.6).unwrap(),
                LocationQuality::StaffSet,
            )
        };
        PointIndex::build(points.iter().map(point).collect())
    }

    #[test]
    fn slots_follow_codes_and_moves_count_twice() {
        let old = index(&[("331003001001", 121.1), ("331003001002", 121.2), ("331003001004", 121.4)]);
        let new = index(&[("331003001001", 121.1), ("331003001003", 121.3), ("331003001004", 121.45)]);
        let changes = PointChanges::between(&old, &new);
        assert_eq!(changes.new_slot, vec![Some(0), None, Some(2)]);
        assert_eq!(changes.old_slot, vec![Some(0), None, Some(2)]);
        assert_eq!(changes.left, vec![false, true, true]);
        assert_eq!(changes.arrived, vec![1, 2]);
        assert_eq!(changes.count(), 4);
        assert_eq!(changes.stayed(0), Some(0));
        assert_eq!(changes.stayed(2), None);
        assert!(PointChanges::between(&new, &new).is_none());
    }
}
