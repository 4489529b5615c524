//! Field history: every change of an existing record's field, written by `merge_ops` in the
//! transaction that merges it (see `rabet_domain::history`), read a record at a time, and
//! indexed by time for the workspace's activity feed.
//!
//! A change is kept under its own key (`change_key`), but for a bulk change made here of
//! [`CHUNKED_FROM`] records of a kind or more: those records' changes are kept a chunk of
//! records to a value ([`BulkChunks`]), since each put costs the commit about as much as a
//! record's row (`bench/bulk-commit.mjs`: 9,206 history puts were half a bulk tag's commit).

use super::error::to_json;
use super::schema::{FEED, HISTORY, HISTORY_BULK};
use super::{answers, last_op_key, send, Store, StoreEntry, StoreError};
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
    op::Op,
};
use std::collections::{BTreeMap, BTreeSet};

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
    /// Counts `change` in its line; whether it is the line's first (the one the line names).
    fn add(&mut self, kind: EntityKind, record: &impl std::fmt::Display, change: &Change) -> bool {
        let mut first = false;
        self.lines
            .entry((kind, change.field.clone()))
            .or_insert_with(|| {
                first = true;
                BulkLine {
                    record: record.to_string(),
                    change: change.clone(),
                    records: 0,
                }
            })
            .records += 1;
        first
    }
}

/// From this many records of a kind, a bulk change made here keeps their changes in chunks
/// ([`BulkChunks`]); fewer are kept a change to a key, as single writes' are.
pub(super) const CHUNKED_FROM: usize = 256;

/// A chunk holds the changes of at most about this many records (about 17 KB for a tag's
/// change), so reading one record's history reads that many at most per bulk change.
const CHUNK_RECORDS: usize = 64;

/// The longest prefix of a record's bucket a chunk key holds: a bulk change of up to
/// `CHUNK_RECORDS << (4 * MAX_PREFIX)` records (4 million) keeps chunks of `CHUNK_RECORDS` or
/// fewer; a larger one, larger chunks.
const MAX_PREFIX: usize = 4;

/// A record's bucket: the 32-bit FNV-1a hash of its id as hex digits. Fixed for good: the
/// chunks kept are found by it.
fn bucket(record: &str) -> String {
    let mut hash: u32 = 0x811c_9dc5;
    for byte in record.bytes() {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    format!("{hash:08x}")
}

/// How many hex digits of their buckets group `records` records of a kind into chunks of
/// about [`CHUNK_RECORDS`]: 1 up to 1,024 records (16 chunks), 2 up to 16,384 (256), …
fn prefix_len(records: usize) -> usize {
    (1..MAX_PREFIX)
        .find(|&len| records <= CHUNK_RECORDS << (4 * len))
        .unwrap_or(MAX_PREFIX)
}

/// The key of a chunk: `<kind>/<bucket prefix>/<bulk change>`, the bulk change named by its
/// last op's `<stamp sort key> <op id>`. A record's chunks are under its bucket's prefixes,
/// one key range per length.
fn chunk_key(kind: EntityKind, prefix: &str, bulk: &str) -> String {
    format!("{}/{prefix}/{bulk}", kind.as_str())
}

/// The name of the bulk change made of `ops` in its chunks' keys: its last op's
/// `<stamp sort key> <op id>`, as its outbox entry's key begins.
fn bulk_name<'a>(ops: impl Iterator<Item = &'a Op>) -> Option<String> {
    ops.max_by(|a, b| a.precedence().cmp(&b.precedence()))
        .map(last_op_key)
}

/// A bulk change's field history in chunks: for each kind of which it changes
/// [`CHUNKED_FROM`] records or more, the changes of the records whose buckets share a prefix
/// (long enough for about [`CHUNK_RECORDS`] records a chunk) are one value, a line per change,
/// `<record id> <change as JSON>`. One put per chunk instead of one per record: 256 for a
/// bulk tag of 10,000 contacts, not 10,000.
pub(super) struct BulkChunks {
    bulk: String,
    /// The bucket prefix length of each kind chunked.
    lengths: BTreeMap<EntityKind, usize>,
    chunks: BTreeMap<String, String>,
}

impl BulkChunks {
    /// The chunks of the bulk change made of `ops`, which changes `records[kind]` records of
    /// each kind; `None` when no kind's are many enough.
    pub(super) fn new<'a>(
        ops: impl Iterator<Item = &'a Op>,
        records: &BTreeMap<EntityKind, usize>,
    ) -> Option<BulkChunks> {
        let lengths: BTreeMap<EntityKind, usize> = records
            .iter()
            .filter(|(_, &records)| records >= CHUNKED_FROM)
            .map(|(&kind, &records)| (kind, prefix_len(records)))
            .collect();
        if lengths.is_empty() {
            return None;
        }
        Some(BulkChunks {
            bulk: bulk_name(ops)?,
            lengths,
            chunks: BTreeMap::new(),
        })
    }

    /// Adds a record's change to its chunk, if its kind is chunked; else gives it back.
    fn add<'c>(
        &mut self,
        kind: EntityKind,
        record: &impl std::fmt::Display,
        change: &'c Change,
    ) -> Result<Option<&'c Change>, StoreError> {
        let Some(&len) = self.lengths.get(&kind) else {
            return Ok(Some(change));
        };
        let record = record.to_string();
        let key = chunk_key(kind, &bucket(&record)[..len], &self.bulk);
        let chunk = self.chunks.entry(key).or_default();
        chunk.push_str(&record);
        chunk.push(' ');
        chunk.push_str(&to_json(change)?);
        chunk.push('\n');
        Ok(None)
    }
}

/// The changes of `record` a chunk holds (see [`BulkChunks`]).
fn changes_in_chunk<'a>(chunk: &'a str, record: &'a str) -> impl Iterator<Item = &'a str> {
    chunk.lines().filter_map(move |line| {
        line.strip_prefix(record)
            .and_then(|rest| rest.strip_prefix(' '))
    })
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

/// The stores a change is kept in: the history, and the feed's index and the bulk changes'
/// chunks when the database has them (all but the upgrade tests' older versions).
pub(super) struct HistoryStores<'a> {
    pub(super) history: ObjectStore<'a>,
    pub(super) feed: Option<ObjectStore<'a>>,
    pub(super) bulk: Option<ObjectStore<'a>>,
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

    /// Keeps `change` of a record in its field history — in its chunk of `chunks`, but for
    /// the first record of its line of the feed, which the line names and the feed reads by
    /// its key — and counts it in `feed`'s line of its bulk change
    /// ([`HistoryStores::index_bulk`] puts the lines and the chunks).
    pub(super) fn keep_in_bulk(
        &self,
        feed: &mut BulkFeed,
        chunks: Option<&mut BulkChunks>,
        kind: EntityKind,
        record: &impl std::fmt::Display,
        key: String,
        change: &Change,
    ) -> Result<(), StoreError> {
        let first = feed.add(kind, record, change);
        let own = match chunks {
            Some(chunks) if !first => chunks.add(kind, record, change)?,
            _ => Some(change),
        };
        match own {
            Some(change) => send(self.history.put(to_json(change)?).with_key(key).build()),
            None => Ok(()),
        }
    }

    /// Puts the feed's lines of a bulk change, each under its first record's change's key,
    /// and its chunks.
    pub(super) fn index_bulk(
        &self,
        feed: BulkFeed,
        chunks: Option<BulkChunks>,
    ) -> Result<(), StoreError> {
        if let Some(index) = &self.feed {
            for ((kind, _), line) in feed.lines {
                let entry = bulk_feed_entry(kind, &line.record, &line.change, line.records);
                let key = feed_key(&line.change.stamp, &line.change.op);
                send(index.put(entry).with_key(key).build())?;
            }
        }
        if let (Some(store), Some(chunks)) = (&self.bulk, chunks) {
            for (key, chunk) in chunks.chunks {
                send(store.put(chunk).with_key(key).build())?;
            }
        }
        Ok(())
    }

    /// Forgets the chunks a bulk change made of `ops` kept (each change kept under its own
    /// key is forgotten by [`HistoryStores::forget`]).
    pub(super) fn forget_chunks(&self, ops: &[Op]) -> Result<(), StoreError> {
        let (Some(store), Some(bulk)) = (&self.bulk, bulk_name(ops.iter())) else {
            return Ok(());
        };
        let records: BTreeSet<(EntityKind, &WireId)> =
            ops.iter().map(|op| (op.entity, &op.record)).collect();
        let mut counts: BTreeMap<EntityKind, usize> = BTreeMap::new();
        for (kind, _) in &records {
            *counts.entry(*kind).or_default() += 1;
        }
        let keys: BTreeSet<String> = records
            .iter()
            .filter(|(kind, _)| counts[kind] >= CHUNKED_FROM)
            .map(|(kind, record)| {
                let len = prefix_len(counts[kind]);
                chunk_key(*kind, &bucket(&record.to_string())[..len], &bulk)
            })
            .collect();
        for key in keys {
            send(store.delete(key).build())?;
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

    /// A record's field history, newest first: its changes kept under their own keys, and
    /// those in bulk changes' chunks under its bucket's prefixes.
    pub async fn history(&self, kind: EntityKind, id: &Id) -> Result<Vec<Change>, StoreError> {
        // `~` sorts after every character of a sort key and op id.
        let range = |prefix: String| (format!("{prefix}~"), prefix);
        let (end, start) = range(format!("{}/{id}/", kind.as_str()));
        let mut store_names = vec![HISTORY];
        if self.keeps_bulk_history {
            store_names.push(HISTORY_BULK);
        }
        let tx = self.transaction(&store_names, TransactionMode::Readonly)?;
        let own = tx
            .object_store(HISTORY)?
            .get_all::<String>()
            .with_query::<&str, _>(KeyRange::Bound(start.as_str(), false, end.as_str(), false))
            .build()?;
        let mut chunked = Vec::new();
        if self.keeps_bulk_history {
            let record = id.to_string();
            let bucket = bucket(&record);
            let store = tx.object_store(HISTORY_BULK)?;
            let ranges: Vec<(String, String)> = (1..=MAX_PREFIX)
                .map(|len| range(format!("{}/{}/", kind.as_str(), &bucket[..len])))
                .collect();
            let reads = ranges
                .iter()
                .map(|(end, start)| {
                    store
                        .get_all::<String>()
                        .with_query::<&str, _>(KeyRange::Bound(
                            start.as_str(),
                            false,
                            end.as_str(),
                            false,
                        ))
                        .build()
                })
                .collect::<Result<Vec<_>, _>>()?;
            for chunks in answers(reads).await? {
                for chunk in chunks {
                    let chunk = chunk?;
                    chunked.extend(changes_in_chunk(&chunk, &record).map(str::to_owned));
                }
            }
        }
        let changes = own
            .await?
            .map(|entry| entry.map_err(StoreError::from))
            .chain(chunked.into_iter().map(Ok))
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
