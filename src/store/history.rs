//! Field history: every change of an existing record's field, written by `merge_ops` in the
//! transaction that merges it (see `rabet_domain::history`), read a record at a time.

use super::schema::HISTORY;
use super::{Store, StoreEntry, StoreError};
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use indexed_db_futures::KeyRange;
use rabet_domain::{
    history::{newest_first, Change},
    hlc::Stamp,
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
}
