//! Field history: every change of an existing record's field, written by `merge_ops` in the
//! transaction that merges it (see `rabet_domain::history`), read a record at a time, and
//! indexed by time for the workspace's activity feed.

use super::error::to_json;
use super::schema::{FEED, HISTORY};
use super::{answers, send, Store, StoreEntry, StoreError};
use indexed_db_futures::cursor::CursorDirection;
use indexed_db_futures::object_store::ObjectStore;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use indexed_db_futures::KeyRange;
use rabet_domain::{
    feed::FeedEntry,
    history::{newest_first, Change},
    hlc::{Stamp, SORT_KEY_LEN},
    id::{Id, WireId},
    kind::EntityKind,
};

/// The key of a change: `<kind>/<record>/<stamp sort key> <op id>`, so that one record's
/// changes are one key range, in stamp order.
pub(super) fn change_key(
    kind: EntityKind,
    record: &impl std::fmt::Display,
    stamp: &Stamp,
    op: &WireId,
) -> String {
    format!("{}/{record}/{} {op}", kind.as_str(), stamp.to_sort_key())
}

/// The key of a change in the feed's index: `<stamp sort key> <op id>`, so the index is in
/// stamp order, the merge's own.
fn feed_key(stamp: &Stamp, op: &WireId) -> String {
    format!("{} {op}", stamp.to_sort_key())
}

/// A change's entry in the feed's index: `<kind>/<record> <field> <author>` (the author empty
/// for none), what the feed filters on without reading the change itself. Ids, field names
/// and member ids have no spaces (`Op::validate`; the server makes member ids).
fn feed_entry(kind: EntityKind, record: &impl std::fmt::Display, change: &Change) -> String {
    let author = change.author.as_deref().unwrap_or_default();
    format!("{}/{record} {} {author}", kind.as_str(), change.field)
}

/// A bulk change's entry in the feed's index: its first record's entry and, after a space,
/// how many records it changed (see [`BulkFeed`]).
fn bulk_feed_entry(
    kind: EntityKind,
    record: &impl std::fmt::Display,
    change: &Change,
    records: usize,
) -> String {
    format!("{} {records}", feed_entry(kind, record, change))
}

/// An entry of the feed's index read back.
struct FeedIndexEntry<'a> {
    kind: EntityKind,
    record: &'a str,
    field: &'a str,
    author: Option<&'a str>,
    /// 1 but for a bulk change's line.
    records: usize,
}

fn read_feed_entry(entry: &str) -> Option<FeedIndexEntry<'_>> {
    let mut parts = entry.splitn(4, ' ');
    let (kind, record) = parts.next()?.split_once('/')?;
    let field = parts.next()?;
    let author = parts.next()?;
    let records = match parts.next() {
        Some(records) => records.parse().ok()?,
        None => 1,
    };
    Some(FeedIndexEntry {
        kind: EntityKind::parse(kind)?,
        record,
        field,
        author: (!author.is_empty()).then_some(author),
        records,
    })
}

/// The feed's lines of one bulk change of stored records: one per kind and field written,
/// naming the first record changed and how many were, where a change of one record has a
/// line each (a bulk tag of 10,000 contacts is one put to the index, not 10,000). Each
/// record's field history keeps its own change.
#[derive(Default)]
pub(super) struct BulkFeed {
    lines: std::collections::BTreeMap<(EntityKind, String), BulkLine>,
}

/// A line of a [`BulkFeed`]: the first record's change and the records changed.
struct BulkLine {
    record: String,
    change: Change,
    records: usize,
}

impl BulkFeed {
    fn add(&mut self, kind: EntityKind, record: &impl std::fmt::Display, change: &Change) {
        self.lines
            .entry((kind, change.field.clone()))
            .or_insert_with(|| BulkLine {
                record: record.to_string(),
                change: change.clone(),
                records: 0,
            })
            .records += 1;
    }
}

/// The feed index's key and entry of a change kept under `change_key` (see
/// `schema::create_feed_store`, which indexes the history kept before the feed).
pub(super) fn feed_index_of(change_key: &str, change: &str) -> Option<(String, String)> {
    let (kind, rest) = change_key.split_once('/')?;
    let (head, op) = rest.split_once(' ')?;
    let (record, stamp) = head.rsplit_once('/')?;
    let change: Change = serde_json::from_str(change).ok()?;
    let entry = feed_entry(EntityKind::parse(kind)?, &record, &change);
    (stamp.len() == SORT_KEY_LEN).then(|| (format!("{stamp} {op}"), entry))
}

/// The stores a change is kept in: the history, and the feed's index when the database has
/// it (all but the upgrade tests' older versions).
pub(super) struct HistoryStores<'a> {
    pub(super) history: ObjectStore<'a>,
    pub(super) feed: Option<ObjectStore<'a>>,
}

impl HistoryStores<'_> {
    /// Keeps `change` of a record of `kind`, under `key` (its [`change_key`]).
    pub(super) fn keep(
        &self,
        kind: EntityKind,
        record: &impl std::fmt::Display,
        key: String,
        change: &Change,
    ) -> Result<(), StoreError> {
        if let Some(feed) = &self.feed {
            send(
                feed.put(feed_entry(kind, record, change))
                    .with_key(feed_key(&change.stamp, &change.op))
                    .build(),
            )?;
        }
        send(self.history.put(to_json(change)?).with_key(key).build())
    }

    /// Keeps `change` of a record in its field history, and counts it in `feed`'s line of
    /// its bulk change ([`HistoryStores::index_bulk`] puts the lines).
    pub(super) fn keep_in_bulk(
        &self,
        feed: &mut BulkFeed,
        kind: EntityKind,
        record: &impl std::fmt::Display,
        key: String,
        change: &Change,
    ) -> Result<(), StoreError> {
        feed.add(kind, record, change);
        send(self.history.put(to_json(change)?).with_key(key).build())
    }

    /// Puts the feed's lines of a bulk change, each under its first record's change's key.
    pub(super) fn index_bulk(&self, feed: BulkFeed) -> Result<(), StoreError> {
        let Some(index) = &self.feed else {
            return Ok(());
        };
        for ((kind, _), line) in feed.lines {
            let entry = bulk_feed_entry(kind, &line.record, &line.change, line.records);
            let key = feed_key(&line.change.stamp, &line.change.op);
            send(index.put(entry).with_key(key).build())?;
        }
        Ok(())
    }

    /// Forgets the change `op` made, if it was kept.
    pub(super) fn forget(
        &self,
        kind: EntityKind,
        record: &WireId,
        stamp: &Stamp,
        op: &WireId,
    ) -> Result<(), StoreError> {
        if let Some(feed) = &self.feed {
            send(feed.delete(feed_key(stamp, op)).build())?;
        }
        send(
            self.history
                .delete(change_key(kind, record, stamp, op))
                .build(),
        )
    }
}

impl Store {
    /// Who writes this device's changes, for their history: its member id on the sync
    /// server, or `None` before it syncs (shown as "you").
    pub fn set_author(&self, member: Option<String>) {
        *self.author.borrow_mut() = member;
    }

    /// A record's field history, newest first.
    pub async fn history(&self, kind: EntityKind, id: &Id) -> Result<Vec<Change>, StoreError> {
        let prefix = format!("{}/{id}/", kind.as_str());
        // `~` sorts after every character of a sort key and op id.
        let end = format!("{prefix}~");
        let tx = self.transaction(&[HISTORY], TransactionMode::Readonly)?;
        let entries = tx
            .object_store(HISTORY)?
            .get_all::<String>()
            .with_query::<&str, _>(KeyRange::Bound(prefix.as_str(), false, end.as_str(), false))
            .build()?
            .await?;
        let changes = entries
            .map(|entry| {
                serde_json::from_str(&entry?)
                    .map_err(|error| StoreError::unreadable(StoreEntry::History, error))
            })
            .collect::<Result<Vec<Change>, StoreError>>()?;
        Ok(newest_first(changes))
    }

    /// The workspace's changes, newest first: the first `count` that `wanted` lets through,
    /// asked of each change's kind, field and author (which the feed's index holds, so only
    /// the changes shown are read). The index is read backwards with a cursor, so a page
    /// costs its own entries, however many changes the history holds.
    pub async fn feed(
        &self,
        count: usize,
        wanted: impl Fn(EntityKind, &str, Option<&str>) -> bool,
    ) -> Result<Vec<FeedEntry>, StoreError> {
        let tx = self.transaction(&[FEED, HISTORY], TransactionMode::Readonly)?;
        let feed = tx.object_store(FEED)?;
        let mut picked: Vec<(EntityKind, String, String, usize)> = Vec::new();
        let cursor = feed
            .open_cursor()
            .with_query::<&str, _>(KeyRange::LowerBound("", false))
            .with_direction(CursorDirection::Prev)
            .build()?
            .await?;
        if let Some(mut cursor) = cursor {
            while picked.len() < count {
                let Some(entry) = cursor.next_record::<String>().await? else {
                    break;
                };
                let key: String = cursor
                    .key()?
                    .ok_or_else(|| StoreError::unreadable(StoreEntry::History, &entry))?;
                let read = read_feed_entry(&entry)
                    .ok_or_else(|| StoreError::unreadable(StoreEntry::History, &entry))?;
                if wanted(read.kind, read.field, read.author) {
                    let change = format!("{}/{}/{key}", read.kind.as_str(), read.record);
                    picked.push((read.kind, read.record.to_owned(), change, read.records));
                }
            }
        }
        let history = tx.object_store(HISTORY)?;
        let reads = picked
            .iter()
            .map(|(_, _, key, _)| history.get(key.as_str()).build())
            .collect::<Result<Vec<_>, _>>()?;
        let changes: Vec<Option<String>> = answers(reads).await?;
        picked
            .into_iter()
            .zip(changes)
            // An entry whose change is gone is skipped (both go together: see `HistoryStores`).
            .filter_map(|((kind, record, _, records), change)| {
                Some((kind, record, change?, records))
            })
            .map(|(kind, record, change, records)| {
                let change: Change = serde_json::from_str(&change)
                    .map_err(|error| StoreError::unreadable(StoreEntry::History, error))?;
                Ok(FeedEntry {
                    kind,
                    record: WireId::from_string(record),
                    change,
                    records,
                })
            })
            .collect()
    }
}
