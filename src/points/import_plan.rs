//! What an import would do to the stored points: the one computation behind the web preview
//! and `legalmap import --dry-run`.

use crate::domain::fields::{PointField, differing_fields};
use crate::domain::{PointRecord, ServicePoint};

/// Retiring more than this share of the active points ("the file is the complete list") needs
/// a second, explicit confirmation: a file cut short by mistake would otherwise empty the map.
pub const RETIRE_CONFIRM_SHARE: f64 = 0.10;

/// What an import would do.
#[derive(Debug)]
pub struct Plan<'a> {
    pub added: Vec<&'a PointRecord>,
    pub changed: Vec<(&'a PointRecord, Vec<PointField>)>,
    pub retired: Vec<&'a ServicePoint>,
    pub unchanged: usize,
    /// The active points before the import.
    pub active_before: usize,
    /// Every town the import would change a point in: the file's town of each added or changed
    /// point, the stored town of each changed or retired one (what a town-limited editor's
    /// import is checked against).
    pub towns_touched: std::collections::BTreeSet<&'a str>,
}

impl<'a> Plan<'a> {
    /// Matches `records` to `current` by code; with `retire_missing`, active points absent from
    /// the file would be retired.
    pub fn new(current: &'a [ServicePoint], records: &'a [PointRecord], retire_missing: bool) -> Self {
        let by_code: std::collections::HashMap<&str, &ServicePoint> =
            current.iter().map(|p| (p.record.code.as_str(), p)).collect();
        let active_before = current.iter().filter(|p| p.active).count();
        let mut plan = Plan {
            added: Vec::new(),
            changed: Vec::new(),
            retired: Vec::new(),
            unchanged: 0,
            active_before,
            towns_touched: Default::default(),
        };
        for record in records {
            match by_code.get(record.code.as_str()) {
                None => {
                    plan.towns_touched.insert(&record.town_code);
                    plan.added.push(record);
                }
                Some(point) => match differing_fields(point, record) {
                    fields if fields.is_empty() => plan.unchanged += 1,
                    fields => {
                        plan.towns_touched
                            .extend([record.town_code.as_str(), point.record.town_code.as_str()]);
                        plan.changed.push((record, fields));
                    }
                },
            }
        }
        if retire_missing {
            let listed: std::collections::HashSet<&str> = records.iter().map(|r| r.code.as_str()).collect();
            plan.retired =
                current.iter().filter(|p| p.active && !listed.contains(p.record.code.as_str())).collect();
            plan.towns_touched.extend(plan.retired.iter().map(|p| p.record.town_code.as_str()));
        }
        plan
    }

    /// Whether the retirements exceed [`RETIRE_CONFIRM_SHARE`] of the active points.
    pub fn retires_many(&self) -> bool {
        self.retired.len() as f64 > self.active_before as f64 * RETIRE_CONFIRM_SHARE
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::points::seed::bundled_points;

    #[test]
    fn retiring_more_than_a_tenth_of_the_active_points_needs_confirmation() {
        let current = bundled_points();
        let records: Vec<PointRecord> = current.iter().map(|p| p.record.clone()).collect();
        // 346 active: retiring 34 is within a tenth, 35 is more.
        let plan = Plan::new(&current, &records[34..], true);
        assert_eq!((plan.retired.len(), plan.retires_many()), (34, false));
        let plan = Plan::new(&current, &records[35..], true);
        assert_eq!((plan.retired.len(), plan.retires_many()), (35, true));
        let plan = Plan::new(&current, &records[35..], false);
        assert_eq!((plan.retired.len(), plan.unchanged, plan.retires_many()), (0, 311, false));
    }
}
