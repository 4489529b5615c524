//! The workspace's activity feed: the field history of every record, newest first, as one
//! list a person filters by who made a change and by kind of record, read a day at a time in
//! the workspace's zone.

use crate::calendar::Day;
use crate::history::Change;
use crate::id::WireId;
use crate::kind::EntityKind;
use crate::time::{Instant, Zone};

/// One change in the feed, with the record it changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeedEntry {
    pub kind: EntityKind,
    pub record: WireId,
    pub change: Change,
}

/// Whose changes the feed shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Who {
    #[default]
    Anyone,
    /// This device's member: changes made here before it synced (no author) and those
    /// stamped with `member`, its id on the sync server, when it has one.
    Me { member: Option<String> },
    /// A teammate, by member id.
    Member(String),
}

impl Who {
    pub fn matches(&self, author: Option<&str>) -> bool {
        match self {
            Who::Anyone => true,
            Who::Me { member } => author.is_none() || author == member.as_deref(),
            Who::Member(member) => author == Some(member.as_str()),
        }
    }
}

/// What the feed shows: changes by whom, of which kind of record.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FeedFilter {
    pub who: Who,
    /// `None`: every kind.
    pub kind: Option<EntityKind>,
}

impl FeedFilter {
    /// Whether the filter lets a change of a record of `kind` by `author` through.
    pub fn matches(&self, kind: EntityKind, author: Option<&str>) -> bool {
        self.kind.is_none_or(|wanted| wanted == kind) && self.who.matches(author)
    }
}

/// Entries (newest first) in runs of one local day each, in `zone`: the feed's sections.
pub fn by_day(entries: Vec<FeedEntry>, zone: &Zone) -> Vec<(Day, Vec<FeedEntry>)> {
    let mut days: Vec<(Day, Vec<FeedEntry>)> = Vec::new();
    for entry in entries {
        let day = zone.day_of(Instant(entry.change.stamp.wall_ms as i64));
        match days.last_mut() {
            Some((last, run)) if *last == day => run.push(entry),
            _ => days.push((day, vec![entry])),
        }
    }
    days
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hlc::{Clock, NodeId};
    use crate::time::MS_PER_DAY;
    use serde_json::json;

    fn entry(kind: EntityKind, wall_ms: u64, author: Option<&str>) -> FeedEntry {
        let mut clock = Clock::new(NodeId::from_random([7; 8]));
        FeedEntry {
            kind,
            record: WireId::v7(1, [1; 10]),
            change: Change {
                field: "phones".into(),
                old: None,
                new: json!("2"),
                stamp: clock.tick(wall_ms),
                op: WireId::v7(wall_ms, [2; 10]),
                won: true,
                author: author.map(str::to_owned),
            },
        }
    }

    #[test]
    fn who_reads_no_author_as_this_device_before_it_synced() {
        let me = Who::Me {
            member: Some("m1".into()),
        };
        assert!(me.matches(None) && me.matches(Some("m1")) && !me.matches(Some("m2")));
        let unsynced = Who::Me { member: None };
        assert!(unsynced.matches(None) && !unsynced.matches(Some("m1")));
        let teammate = Who::Member("m2".into());
        assert!(teammate.matches(Some("m2")) && !teammate.matches(None));
        assert!(!teammate.matches(Some("m1")));
        assert!(Who::Anyone.matches(None) && Who::Anyone.matches(Some("m9")));
    }

    #[test]
    fn the_filter_wants_both_the_kind_and_the_author() {
        let deal_by_m2 = entry(EntityKind::Deal, 1_000, Some("m2"));
        let filter = |who, kind| FeedFilter { who, kind };
        let m2 = || Who::Member("m2".into());
        assert!(FeedFilter::default().matches(deal_by_m2.kind, deal_by_m2.change.author.as_deref()));
        assert!(filter(m2(), Some(EntityKind::Deal))
            .matches(deal_by_m2.kind, deal_by_m2.change.author.as_deref()));
        assert!(!filter(m2(), Some(EntityKind::Contact))
            .matches(deal_by_m2.kind, deal_by_m2.change.author.as_deref()));
        assert!(!filter(Who::Member("m1".into()), None)
            .matches(deal_by_m2.kind, deal_by_m2.change.author.as_deref()));
    }

    #[test]
    fn days_are_the_zones_not_utcs() {
        // Tehran is 3.5 hours ahead: 22:00 UTC is the next local day there.
        let tehran = Zone::fixed(3 * 3_600_000 + 1_800_000);
        let day = 20_000 * MS_PER_DAY as u64;
        let entries = vec![
            entry(EntityKind::Contact, day + 22 * 3_600_000, None),
            entry(EntityKind::Contact, day + 10 * 3_600_000, None),
            entry(EntityKind::Deal, day + 3_600_000, None),
            entry(EntityKind::Deal, day - 3_600_000, None),
        ];
        let in_utc: Vec<(Day, usize)> = by_day(entries.clone(), &Zone::default())
            .into_iter()
            .map(|(day, run)| (day, run.len()))
            .collect();
        assert_eq!(in_utc, [(Day(20_000), 3), (Day(19_999), 1)]);
        let in_tehran: Vec<(Day, usize)> = by_day(entries, &tehran)
            .into_iter()
            .map(|(day, run)| (day, run.len()))
            .collect();
        assert_eq!(
            in_tehran,
            [(Day(20_001), 1), (Day(20_000), 3)],
            "an hour before UTC midnight is already the next day in Tehran"
        );
        assert!(by_day(Vec::new(), &tehran).is_empty());
    }
}
