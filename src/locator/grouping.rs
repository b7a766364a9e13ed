//! Answers that stay honest about estimates: placeholders stacked on one town centre (a dozen
//! villages "773 m away" at the same spot) take one line of a list, so the places that are
//! really near still make the list.

use super::{Candidate, Trip, rate};
use crate::locator::index::PointIndex;
use crate::locator::travel::TravelModel;

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

/// The `limit` nearest lines, nearest first, estimates that share a spot grouped. Asks the
/// index for more points until every group within the last line is complete.
pub fn nearest_grouped<'a>(
    index: &'a PointIndex,
    model: &TravelModel,
    trip: Trip,
    limit: usize,
) -> Vec<Entry<'a>> {
    let mut asked = (limit * 4).max(20);
    loop {
        let candidates = rate(index.nearest(trip.origin, asked), model, trip);
        let exhausted = candidates.len() < asked;
        let farthest_m = candidates.last().map_or(0.0, |c| c.distance_m);
        let mut entries = group(candidates);
        entries.truncate(limit);
        // Complete when every point was seen, or when the points not yet seen are all
        // farther than the last line kept (so none of them belongs to a kept group).
        let last_kept_m = entries.last().map_or(0.0, |entry| entry.lead().distance_m);
        if exhausted || farthest_m > last_kept_m {
            return entries;
        }
        asked *= 2;
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
