//! Answers that stay honest about estimates: placeholders stacked on one town centre (a dozen
//! villages "773 m away" at the same spot) take one line of a list, so the places that are
//! really near still make the list.

use super::{Candidate, Locator, Trip};
use crate::domain::ServicePoint;

/// One line of an answer.
#[derive(Debug, Clone)]
pub enum Entry<'a> {
    /// A point with a known location, or an estimate alone on its spot.
    Point(Candidate<'a>),
    /// Two or more estimates sharing one spot (a town centre), in code order; they share the
    /// distance and the travel estimate.
    EstimateGroup(Vec<Candidate<'a>>),
}

impl<'a> Entry<'a> {
    /// The point of a single entry, or the group's first member: where the line is.
    pub fn lead(&self) -> &Candidate<'a> {
        match self {
            Entry::Point(candidate) => candidate,
            Entry::EstimateGroup(members) => &members[0],
        }
    }
}

/// The `limit` quickest lines, quickest first, estimates that share a spot grouped. Asks for
/// more points until every group within the last line is complete.
pub fn nearest_grouped<'a>(locator: &Locator<'a>, trip: Trip, limit: usize) -> Vec<Entry<'a>> {
    let mut asked = (limit * 4).max(20);
    loop {
        let candidates = locator.nearest(trip, asked);
        let exhausted = candidates.len() < asked || asked >= locator.index.len();
        let last_seen = candidates.last().copied();
        let mut entries = group(candidates);
        entries.truncate(limit);
        // Complete when every point was seen, or when the points not yet seen all come after
        // the last line kept (so none of them belongs to a kept group).
        let after_last_kept = match (last_seen, entries.last()) {
            (Some(seen), Some(kept)) => seen.order(kept.lead()).is_gt(),
            _ => true,
        };
        if exhausted || after_last_kept {
            return entries;
        }
        asked *= 2;
    }
}

/// From a service point the resident picked: that point first (placeholders can share its spot
/// with a dozen others, and the one picked must lead), then the nearest other lines, `limit` in
/// all; the picked point leaves the group of its spot, so none of its neighbours reads as a
/// second copy of it.
pub fn nearest_grouped_from_point<'a>(
    locator: &Locator<'a>,
    point: &'a ServicePoint,
    trip: Trip,
    limit: usize,
) -> Vec<Entry<'a>> {
    let itself = locator.candidate(point, trip);
    let others = nearest_grouped(locator, trip, limit + 1)
        .into_iter()
        .filter_map(|entry| without(entry, point))
        .take(limit.saturating_sub(1));
    std::iter::once(Entry::Point(itself)).chain(others).take(limit).collect()
}

/// `entry` without `point`; `None` if nothing is left.
fn without<'a>(entry: Entry<'a>, point: &ServicePoint) -> Option<Entry<'a>> {
    let is_picked = |candidate: &Candidate<'_>| candidate.point.record.code == point.record.code;
    match entry {
        Entry::Point(candidate) if is_picked(&candidate) => None,
        Entry::EstimateGroup(mut members) => {
            members.retain(|member| !is_picked(member));
            match members.len() {
                0 => None,
                1 => Some(Entry::Point(members[0])),
                _ => Some(Entry::EstimateGroup(members)),
            }
        }
        entry => Some(entry),
    }
}

/// Groups estimates at the same position, keeping the order of first appearance (`candidates`
/// is nearest first, so a group sits where its nearest member would).
pub fn group(candidates: Vec<Candidate<'_>>) -> Vec<Entry<'_>> {
    let mut entries: Vec<Entry<'_>> = Vec::new();
    for candidate in candidates {
        let record = &candidate.point.record;
        if record.location_quality.is_estimate() {
            let spot = record.location;
            let same_spot = entries.iter_mut().find(|entry| {
                let lead = entry.lead().point;
                lead.record.location_quality.is_estimate() && lead.record.location == spot
            });
            if let Some(entry) = same_spot {
                match entry {
                    Entry::Point(first) => *entry = Entry::EstimateGroup(vec![*first, candidate]),
                    Entry::EstimateGroup(members) => members.push(candidate),
                }
                continue;
            }
        }
        entries.push(Entry::Point(candidate));
    }
    for entry in &mut entries {
        if let Entry::EstimateGroup(members) = entry {
            members.sort_by(|a, b| a.point.record.code.cmp(&b.point.record.code));
        }
    }
    entries
}
