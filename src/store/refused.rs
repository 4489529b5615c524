//! Writes the sync server refused (the member's role does not allow them): taken out of the
//! outbox, kept for their author to copy or discard, and the records they touched rebuilt
//! from what the server accepted, so this device converges back to everyone else's state.

use super::error::to_json;
use super::history::HistoryStores;
use super::schema::{FEED, HISTORY, HISTORY_BULK, MERGE, META, OUTBOX};
use super::{
    commit, packs, row, send, Changed, Ids, MergeStates, Origin, Store, StoreEntry, StoreError,
    TabNews,
};
use super::{outbox_ops, CURSOR_KEY, SYNC_MEMBERS_KEY, SYNC_SESSION_KEY};
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use rabet_domain::{
    id::{Id, WireId},
    kind::EntityKind,
    op::Op,
    sync::{Refusal, SessionInfo},
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use wasm_bindgen::JsValue;

/// The meta key of the not-accepted list (JSON text of `Vec<NotAccepted>`).
pub(super) const NOT_ACCEPTED_KEY: &str = "not_accepted";

/// A write (what one save wrote: one outbox entry) the sync server did not accept.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NotAccepted {
    pub ops: Vec<Op>,
    /// Why, as the app words it; `None` when the role table does not explain it.
    pub refusal: Option<Refusal>,
    /// The server's own sentence, in English: the detail under the words.
    pub reason: String,
    /// When the server refused it (Unix ms).
    pub refused_at: f64,
}

impl NotAccepted {
    /// Names the entry among the others: its first op's id.
    pub fn key(&self) -> Option<&WireId> {
        self.ops.first().map(|op| &op.id)
    }
}

impl Store {
    /// The writes the sync server refused, oldest first.
    pub async fn not_accepted(&self) -> Result<Vec<NotAccepted>, StoreError> {
        let stored: Option<String> = self.meta(NOT_ACCEPTED_KEY).await?;
        parse_not_accepted(stored)
    }

    /// Forgets a refused write (named by [`NotAccepted::key`]) once its author is done with it.
    pub async fn discard_not_accepted(&self, key: &str) -> Result<(), StoreError> {
        let tx = self.transaction(&[META], TransactionMode::Readwrite)?;
        let meta = tx.object_store(META)?;
        let stored: Option<String> = meta.get(NOT_ACCEPTED_KEY).build()?.await?;
        let mut list = parse_not_accepted(stored)?;
        list.retain(|entry| entry.key().is_none_or(|first| first.to_string() != key));
        send(meta.put(to_json(&list)?).with_key(NOT_ACCEPTED_KEY).build())?;
        drop(meta);
        commit(tx).await
    }

    /// Takes the outbox entry that holds op `refused` out of the outbox into the not-accepted
    /// list, rebuilds the records it touched from the outbox's other ops alone, and forgets the
    /// pull cursor, so the next sync joins by snapshot and brings back what the server holds
    /// of them. Returns the records as they are now, or `None` when no entry holds the op (the
    /// outbox changed meanwhile).
    pub async fn refuse(
        &self,
        refused: &str,
        refusal: Option<Refusal>,
        reason: String,
        refused_at: f64,
    ) -> Result<Option<Vec<Changed>>, StoreError> {
        let mut store_names = self.row_stores(EntityKind::ALL);
        store_names.extend([MERGE, META, OUTBOX, HISTORY]);
        if self.keeps_feed {
            store_names.push(FEED);
        }
        if self.keeps_bulk_history {
            store_names.push(HISTORY_BULK);
        }
        let tx = self.transaction(&store_names, TransactionMode::Readwrite)?;
        let outbox = tx.object_store(OUTBOX)?;
        let keys = outbox.get_all_keys::<String>().build()?;
        let entries = outbox.get_all::<JsValue>().build()?;
        let (keys, entries) = (keys.await?, entries.await?);
        let keys = keys.collect::<Result<Vec<String>, _>>()?;
        let mut entries = entries
            .map(|entry| outbox_ops(entry?))
            .collect::<Result<Vec<_>, _>>()?;
        let Some(at) = entries
            .iter()
            .position(|ops| ops.iter().any(|op| op.id.to_string() == refused))
        else {
            return Ok(None);
        };
        let ops = entries.swap_remove(at);
        send(outbox.delete(keys[at].as_str()).build())?;
        drop(outbox);
        let meta = tx.object_store(META)?;
        let stored: Option<String> = meta.get(NOT_ACCEPTED_KEY).build()?.await?;
        let mut list = parse_not_accepted(stored)?;
        let records: BTreeSet<(EntityKind, WireId)> = ops
            .iter()
            .map(|op| (op.entity, op.record.clone()))
            .collect();
        // The refused changes never happened for the rest of the team: out of the history.
        let history = HistoryStores {
            history: tx.object_store(HISTORY)?,
            feed: self.keeps_feed.then(|| tx.object_store(FEED)).transpose()?,
            bulk: self
                .keeps_bulk_history
                .then(|| tx.object_store(HISTORY_BULK))
                .transpose()?,
        };
        for op in &ops {
            history.forget(op.entity, &op.record, &op.stamp, &op.id)?;
        }
        history.forget_chunks(&ops)?;
        drop(history);
        list.push(NotAccepted {
            ops,
            refusal,
            reason,
            refused_at,
        });
        send(meta.put(to_json(&list)?).with_key(NOT_ACCEPTED_KEY).build())?;
        // No cursor: the next sync joins by snapshot, which brings back what the server holds.
        send(meta.delete(CURSOR_KEY).build())?;
        // Nor may a pack's row of a record stand in for the one taken out.
        if let Some(packs) = self.packs_of(&tx)? {
            for kind in EntityKind::ALL {
                let ids: Vec<String> = records
                    .iter()
                    .filter(|(of, _)| *of == kind)
                    .map(|(_, record)| record.to_string())
                    .collect();
                if !ids.is_empty() {
                    packs::take_out(&packs, kind, &ids).await?;
                }
            }
        }
        let merge = tx.object_store(MERGE)?;
        for (kind, record) in &records {
            let text = record.to_string();
            send(
                tx.object_store(kind.as_str())?
                    .delete(text.as_str())
                    .build(),
            )?;
            send(merge.delete(row::merge_key(*kind, record)).build())?;
        }
        drop((meta, merge));
        commit(tx).await?;
        // What this device still has to send about them is in the outbox: shown, not queued again.
        let kept: Vec<Op> = entries
            .into_iter()
            .flatten()
            .filter(|op| records.contains(&(op.entity, op.record.clone())))
            .collect();
        let mut changed = self
            .merge_ops(
                &kept,
                &[],
                Origin::Remote,
                None,
                Ids::Fresh,
                MergeStates::Shared,
            )
            .await?;
        let rebuilt: BTreeSet<(EntityKind, String)> = changed
            .iter()
            .map(|change| (change.kind, change.id.to_string()))
            .collect();
        let forgotten: Vec<(EntityKind, String)> = records
            .iter()
            .map(|(kind, record)| (*kind, record.to_string()))
            .filter(|record| !rebuilt.contains(record))
            .collect();
        // A record this device no longer holds anything of is gone until the pull; an id
        // never held in memory is only looked up, never added to the table.
        changed.extend(forgotten.iter().filter_map(|(kind, text)| {
            Id::find(text).map(|id| Changed {
                kind: *kind,
                id,
                values: None,
                merged: None,
                as_written: false,
            })
        }));
        self.tabs.post(&TabNews::Written {
            records: forgotten,
            stamp: self.clock.borrow().last().clone(),
        });
        Ok(Some(changed))
    }

    /// Who this device last synced as (kept so the app knows its role offline, too).
    pub async fn sync_session(&self) -> Result<Option<SessionInfo>, StoreError> {
        let stored: Option<String> = self.meta(SYNC_SESSION_KEY).await?;
        stored
            .map(|text| {
                serde_json::from_str(&text)
                    .map_err(|error| StoreError::unreadable(StoreEntry::SyncSettings, error))
            })
            .transpose()
    }

    /// The team as the sync server last listed it (empty before).
    pub async fn sync_members<T: serde::de::DeserializeOwned>(&self) -> Result<Vec<T>, StoreError> {
        let stored: Option<String> = self.meta(SYNC_MEMBERS_KEY).await?;
        stored
            .map(|text| {
                serde_json::from_str(&text)
                    .map_err(|error| StoreError::unreadable(StoreEntry::SyncSettings, error))
            })
            .transpose()
            .map(Option::unwrap_or_default)
    }

    /// Keeps the team's list, so authors have names offline too.
    pub async fn set_sync_members<T: Serialize>(&self, members: &[T]) -> Result<(), StoreError> {
        let tx = self.transaction(&[META], TransactionMode::Readwrite)?;
        let meta = tx.object_store(META)?;
        send(
            meta.put(to_json(members)?)
                .with_key(SYNC_MEMBERS_KEY)
                .build(),
        )?;
        drop(meta);
        commit(tx).await
    }

    /// Keeps (or, with `None`, forgets) who this device syncs as.
    pub async fn set_sync_session(&self, session: Option<&SessionInfo>) -> Result<(), StoreError> {
        let tx = self.transaction(&[META], TransactionMode::Readwrite)?;
        let meta = tx.object_store(META)?;
        match session {
            Some(session) => send(
                meta.put(to_json(session)?)
                    .with_key(SYNC_SESSION_KEY)
                    .build(),
            )?,
            None => send(meta.delete(SYNC_SESSION_KEY).build())?,
        }
        drop(meta);
        commit(tx).await
    }
}

fn parse_not_accepted(stored: Option<String>) -> Result<Vec<NotAccepted>, StoreError> {
    stored
        .map(|text| {
            serde_json::from_str(&text)
                .map_err(|error| StoreError::unreadable(StoreEntry::NotAccepted, error))
        })
        .transpose()
        .map(Option::unwrap_or_default)
}
