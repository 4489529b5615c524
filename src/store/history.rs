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

/// The feed key of the change kept under `change_key` (ids have no spaces: `Op::validate`).
pub(super) fn feed_key_of(change_key: &str) -> Option<String> {
    let (head, op) = change_key.split_once(' ')?;
    let stamp = head.get(head.len().checked_sub(SORT_KEY_LEN)?..)?;
    Some(format!("{stamp} {op}"))
}

/// The stores a change is kept in: the history, and the feed's index when the database has
/// it (all but the upgrade tests' older versions).
pub(super) struct HistoryStores<'a> {
    pub(super) history: ObjectStore<'a>,
    pub(super) feed: Option<ObjectStore<'a>>,
}

impl HistoryStores<'_> {
    /// Keeps `change` of record `id`, under `key` (its [`change_key`]).
    pub(super) fn keep(&self, key: String, change: &Change) -> Result<(), StoreError> {
        if let Some(feed) = &self.feed {
            send(
                feed.put(key.clone())
                    .with_key(feed_key(&change.stamp, &change.op))
                    .build(),
            )?;
        }
        send(self.history.put(to_json(change)?).with_key(key).build())
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

/// How many index entries the feed reads before it looks their changes up.
const FEED_BATCH: usize = 64;

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

    /// The workspace's changes, newest first: the first `count` that `wanted` lets through.
    /// Reads the feed's index backwards, so opening the feed costs what it shows, not what
    /// the history holds (unless `wanted` lets little through).
    pub async fn feed(
        &self,
        count: usize,
        wanted: impl Fn(EntityKind, &Change) -> bool,
    ) -> Result<Vec<FeedEntry>, StoreError> {
        let tx = self.transaction(&[FEED, HISTORY], TransactionMode::Readonly)?;
        let history = tx.object_store(HISTORY)?;
        let feed = tx.object_store(FEED)?;
        let mut entries = Vec::new();
        let Some(mut cursor) = feed
            .open_cursor()
            .with_query::<&str, _>(KeyRange::LowerBound("", false))
            .with_direction(CursorDirection::Prev)
            .build()?
            .await?
        else {
            return Ok(entries);
        };
        let mut batch: Vec<String> = Vec::with_capacity(FEED_BATCH);
        let mut more = true;
        while more && entries.len() < count {
            batch.clear();
            while batch.len() < FEED_BATCH {
                match cursor.next_record::<String>().await? {
                    Some(key) => batch.push(key),
                    None => {
                        more = false;
                        break;
                    }
                }
            }
            let reads = batch
                .iter()
                .map(|key| history.get(key.as_str()).build())
                .collect::<Result<Vec<_>, _>>()?;
            let changes: Vec<Option<String>> = answers(reads).await?;
            for (key, change) in batch.iter().zip(changes) {
                // An index entry whose change is gone (a refusal's) is skipped.
                let Some(change) = change else { continue };
                let change: Change = serde_json::from_str(&change)
                    .map_err(|error| StoreError::unreadable(StoreEntry::History, error))?;
                let (kind, record) = record_of(key)
                    .ok_or_else(|| StoreError::unreadable(StoreEntry::History, key))?;
                if entries.len() < count && wanted(kind, &change) {
                    entries.push(FeedEntry {
                        kind,
                        record,
                        change,
                    });
                }
            }
        }
        Ok(entries)
    }
}

/// The kind and record of a [`change_key`].
fn record_of(change_key: &str) -> Option<(EntityKind, WireId)> {
    let (kind, rest) = change_key.split_once('/')?;
    let (record, _) = rest.split_once(' ')?.0.rsplit_once('/')?;
    Some((EntityKind::parse(kind)?, WireId::from_string(record)))
}
