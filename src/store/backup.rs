//! Backing up the whole workspace and restoring it.

use super::{packs, read_records, schema::MERGE, Origin, Store, StoreError, SAVE_MANY_CHUNK};
use indexed_db_futures::{prelude::*, transaction::TransactionMode};
use rabet_domain::{
    backup::{Backup, BackupRecord},
    id::Id,
    kind::EntityKind,
    op::Op,
};
use std::collections::{BTreeMap, BTreeSet};

impl Store {
    /// Every record of every kind, deleted ones included (so a restore also restores
    /// deletions), with each field's sync state.
    pub async fn backup_records(&self) -> Result<Vec<BackupRecord>, StoreError> {
        self.again(|| async {
            let mut names = self.row_stores(EntityKind::ALL);
            names.push(MERGE);
            let tx = self.transaction(&names, TransactionMode::Readonly)?;
            let stores = EntityKind::ALL
                .iter()
                .map(|&kind| Ok((kind, tx.object_store(kind.as_str())?)))
                .collect::<Result<BTreeMap<_, _>, StoreError>>()?;
            let packs = self.packs_of(&tx)?;
            let mut ids: Vec<(EntityKind, Id)> = Vec::new();
            for (&kind, store) in &stores {
                let mut held = BTreeSet::new();
                for key in store.get_all_keys::<String>().build()?.await? {
                    held.insert(key?);
                }
                if let Some(packs) = &packs {
                    held.extend(packs::ids(packs, kind).await?);
                }
                ids.extend(held.into_iter().map(|id| (kind, Id::from_string(id))));
            }
            let keys: Vec<(EntityKind, &Id)> = ids.iter().map(|(kind, id)| (*kind, id)).collect();
            let records =
                read_records(&stores, packs.as_ref(), &tx.object_store(MERGE)?, &keys).await?;
            Ok(ids
                .into_iter()
                .zip(records)
                .map(|((entity, id), record)| BackupRecord { entity, id, record })
                .collect())
        })
        .await
    }

    /// Restores `backup`: field by field into what is stored (the newer write wins on either
    /// side), or, with `replace`, into an emptied store. Returns how many records changed.
    pub async fn restore_backup(
        &self,
        backup: &Backup,
        replace: bool,
    ) -> Result<usize, StoreError> {
        if replace {
            self.clear_all().await?;
        }
        let mut changed = 0;
        for chunk in backup.records.chunks(SAVE_MANY_CHUNK) {
            let ops: Vec<Op> = chunk.iter().flat_map(BackupRecord::to_ops).collect();
            // Later local edits must win over every restored write.
            self.observe_remote(&ops)?;
            // Queued as local writes so a sync server gets records it lacks; it ignores the
            // ops it already has.
            changed += self.apply_ops(&ops, Origin::Local).await?.len();
        }
        Ok(changed)
    }
}
