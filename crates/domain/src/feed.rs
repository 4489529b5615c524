//! The workspace's activity feed: the field history of every record and the runs of
//! automation rules, newest first, as one list a person filters by who made a change and by
//! kind of record, read a day at a time in the workspace's zone.

use crate::calendar::Day;
use crate::history::Change;
use crate::id::{Id, WireId};
use crate::kind::EntityKind;
use crate::time::{Instant, Zone};

/// One change in the feed, with the record it changed; or one bulk change of a list's
/// selection, which the feed shows as one line: the change of the first record it wrote,
/// and how many records it wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeedEntry {
    pub kind: EntityKind,
    pub record: WireId,
    pub change: Change,
    /// How many records the change wrote: 1 but for a bulk change.
    pub records: usize,
}

/// Which items a change of a list field (tags) added, or else removed: `(true, added)`,
/// `(false, removed)`. A bulk change adds or removes the same items on every record it
/// writes, so one record's change says what it did to all. `None` for other fields' values,
/// and for a change that both added and removed.
pub fn list_difference(change: &Change) -> Option<(bool, Vec<String>)> {
    let items = |value: &serde_json::Value| -> Option<Vec<String>> {
        value
            .as_array()?
            .iter()
            .map(|item| item.as_str().map(str::to_owned))
            .collect()
    };
    let new = items(&change.new)?;
    let old = match &change.old {
        Some(old) => items(old)?,
        None => Vec::new(),
    };
    let added: Vec<String> = new
        .iter()
        .filter(|item| !old.contains(item))
        .cloned()
        .collect();
    let removed: Vec<String> = old
        .iter()
        .filter(|item| !new.contains(item))
        .cloned()
        .collect();
    match (added.is_empty(), removed.is_empty()) {
        (false, true) => Some((true, added)),
        (true, false) => Some((false, removed)),
        _ => None,
    }
}

/// One line of the feed: a change of a record's field (from the field history), or a run of
/// an automation rule (a record of its own, which no history holds as a change).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FeedItem {
    /// Boxed: a change is many times the size of a run's line.
    Change(Box<FeedEntry>),
    Run {
        at: i64,
        id: Id,
    },
}

impl FeedItem {
    /// When it happened (ms).
    pub fn at(&self) -> i64 {
        match self {
            FeedItem::Change(entry) => {
                i64::try_from(entry.change.stamp.wall_ms).unwrap_or(i64::MAX)
            }
            FeedItem::Run { at, .. } => *at,
        }
    }
}

/// The newest `count` of two newest-first lists, newest first; a change before a run of the
/// same instant. Each list needs no more than `count` items for the result to be exact.
pub fn newest(changes: Vec<FeedEntry>, runs: Vec<(i64, Id)>, count: usize) -> Vec<FeedItem> {
    let mut changes = changes
        .into_iter()
        .map(|change| FeedItem::Change(Box::new(change)))
        .peekable();
    let mut runs = runs
        .into_iter()
        .map(|(at, id)| FeedItem::Run { at, id })
        .peekable();
    let mut items = Vec::with_capacity(count);
    while items.len() < count {
        let take_change = match (changes.peek(), runs.peek()) {
            (Some(change), Some(run)) => change.at() >= run.at(),
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => break,
        };
        let next = if take_change {
            changes.next()
        } else {
            runs.next()
        };
        items.extend(next);
    }
    items
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

    /// Whether it lets automation runs through: they are the rules' doing, not a member's,
    /// so only when anyone's changes are shown.
    pub fn shows_runs(&self) -> bool {
        self.who == Who::Anyone
            && self
                .kind
                .is_none_or(|wanted| wanted == EntityKind::AutomationRun)
    }
}

/// Entries (newest first) in runs of one local day each, in `zone`: the feed's sections.
pub fn by_day(entries: Vec<FeedItem>, zone: &Zone) -> Vec<(Day, Vec<FeedItem>)> {
    let mut days: Vec<(Day, Vec<FeedItem>)> = Vec::new();
    for entry in entries {
        let day = zone.day_of(Instant(entry.at()));
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
            records: 1,
        }
    }

    #[test]
    fn a_tag_change_says_which_tags_it_added_or_removed() {
        let tags = |old: Option<serde_json::Value>, new: serde_json::Value| Change {
            old,
            new,
            field: "tags".into(),
            ..entry(EntityKind::Contact, 1_000, None).change
        };
        let added = tags(Some(json!(["lead"])), json!(["lead", "vip"]));
        assert_eq!(list_difference(&added), Some((true, vec!["vip".into()])));
        let first = tags(None, json!(["vip"]));
        assert_eq!(list_difference(&first), Some((true, vec!["vip".into()])));
        let removed = tags(Some(json!(["lead", "vip"])), json!(["lead"]));
        assert_eq!(list_difference(&removed), Some((false, vec!["vip".into()])));
        assert_eq!(
            list_difference(&tags(Some(json!(["a"])), json!(["b"]))),
            None
        );
        assert_eq!(list_difference(&tags(None, json!("text"))), None);
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
        let entries: Vec<FeedItem> = [
            entry(EntityKind::Contact, day + 22 * 3_600_000, None),
            entry(EntityKind::Contact, day + 10 * 3_600_000, None),
            entry(EntityKind::Deal, day + 3_600_000, None),
            entry(EntityKind::Deal, day - 3_600_000, None),
        ]
        .into_iter()
        .map(|change| FeedItem::Change(Box::new(change)))
        .collect();
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

    #[test]
    fn runs_join_the_changes_newest_first_up_to_the_count() {
        let changes = vec![
            entry(EntityKind::Deal, 5_000, None),
            entry(EntityKind::Deal, 3_000, None),
            entry(EntityKind::Deal, 1_000, None),
        ];
        let run = |at: i64, name: &str| (at, Id::from_string(name));
        let runs = vec![run(6_000, "r6"), run(3_000, "r3"), run(2_000, "r2")];
        let ats = |items: &[FeedItem]| -> Vec<(i64, bool)> {
            items
                .iter()
                .map(|item| (item.at(), matches!(item, FeedItem::Run { .. })))
                .collect()
        };
        let all = newest(changes.clone(), runs.clone(), 10);
        assert_eq!(
            ats(&all),
            [
                (6_000, true),
                (5_000, false),
                (3_000, false),
                (3_000, true),
                (2_000, true),
                (1_000, false)
            ]
        );
        assert_eq!(ats(&newest(changes.clone(), runs, 3)), ats(&all[..3]));
        assert_eq!(
            ats(&newest(changes, Vec::new(), 2)),
            [(5_000, false), (3_000, false)]
        );
    }

    #[test]
    fn runs_show_for_anyone_and_their_own_kind_only() {
        let filter = |who, kind| FeedFilter { who, kind };
        assert!(FeedFilter::default().shows_runs());
        assert!(filter(Who::Anyone, Some(EntityKind::AutomationRun)).shows_runs());
        assert!(!filter(Who::Anyone, Some(EntityKind::Deal)).shows_runs());
        assert!(!filter(Who::Me { member: None }, None).shows_runs());
        assert!(!filter(Who::Member("m1".into()), None).shows_runs());
    }
}
