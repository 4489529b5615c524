//! The one module that touches IndexedDB.
//!
//! Every write is a list of sync ops ([`Op`]) merged into the stored records by
//! [`Store::apply_ops`]: per field, last writer wins, exactly as on every other replica. Local
//! ops are also queued in the outbox until a sync server acknowledges them. Reads return
//! entities; views never see rows, ops or IndexedDB.
//!
//! Database "rabet" holds one object store per [`EntityKind`], `packs` and `merge` (records,
//! laid out as in `row` and `packs`), `outbox` and `meta`; `schema` has the versions. Records are only ever read
//! whole, by kind or by id: the app answers every other question from memory.

mod backup;
mod error;
mod history;
mod packs;
mod persistence;
mod phases;
mod refused;
mod row;
mod schema;
mod system;
mod tabs;
#[cfg(all(test, target_arch = "wasm32"))]
mod tests;

pub use error::{StoreEntry, StoreError};
pub use persistence::{request_persistence, storage_estimate, StorageEstimate};
pub(crate) use phases::Phases;
use phases::Slice;
pub use refused::NotAccepted;
pub use schema::SCHEMA_VERSION;
pub use system::new_id;
pub use tabs::{TabChannel, TabNews};

use error::{thrown, to_json};
use futures::future::poll_immediate;
use futures::stream::{FuturesOrdered, StreamExt};
use indexed_db_futures::database::Database;
use indexed_db_futures::internals::SystemRepr;
use indexed_db_futures::object_store::ObjectStore;
use indexed_db_futures::prelude::*;
use indexed_db_futures::primitive::TryFromJs;
use indexed_db_futures::transaction::{Transaction, TransactionMode};
use indexed_db_futures::KeyRange;
use rabet_domain::sorting::sort_by;
use rabet_domain::{
    automation::automation_op_id,
    history::{apply_recording, records_changes},
    hlc::{Clock, NodeId, Stamp},
    id::{Id, WireId},
    kind::EntityKind,
    model::Entity,
    op::{Op, OpBuilder, DELETED_FIELD},
    outbox,
    replica::Record,
    run::{self, Run},
    sync::rows::{push_merge_line, RowsPage},
};
use schema::{FEED, HISTORY, HISTORY_BULK, MERGE, META, OUTBOX, PACKS};
use serde::{de::DeserializeOwned, Serialize};
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::cell::{Cell, OnceCell, RefCell};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::future::Future;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{IdbDatabase, IdbTransaction};

/// An op and who wrote it (see [`Store::apply_pulled`]).
type Authored<'a> = (&'a Op, Option<&'a str>);

/// The app's database.
const DATABASE_NAME: &str = "rabet";
/// The meta key of this replica's clock (JSON text of [`Clock`], which holds the node id).
const CLOCK_KEY: &str = "clock";
/// The meta key of the sync pull cursor (decimal text).
const CURSOR_KEY: &str = "sync_cursor";
/// The meta key of the sync settings (JSON text, absent when not syncing).
const SYNC_CONFIG_KEY: &str = "sync_config";
/// The meta key of who this device syncs as ([`rabet_domain::sync::SessionInfo`] as JSON
/// text), kept with the settings: absent until the server said.
const SYNC_SESSION_KEY: &str = "sync_session";
/// The meta key of the team as the sync server listed it (JSON text).
const SYNC_MEMBERS_KEY: &str = "sync_members";
/// Records per transaction in [`Store::save_many`]: large enough that per-transaction costs
/// vanish, small enough that progress shows and one transaction stays a few MB.
pub const SAVE_MANY_CHUNK: usize = 2_000;
/// Chunks of [`Store::save_many`] written at once: one commits while the next is built.
const SAVE_MANY_IN_FLIGHT: usize = 2;
/// Bytes an op takes in an outbox entry, about: what its buffer starts with.
const OUTBOX_BYTES_PER_OP: usize = 128;

/// The outbox as read at one moment (see [`Store::pending`]).
#[derive(Clone, Debug, Default)]
pub struct Outbox {
    pub ops: Vec<Op>,
    /// The entries' keys, in key order (the order of their last ops).
    keys: Vec<String>,
}

/// A record that a merge changed: its values now, or `None` if it is now deleted.
#[derive(Clone, Debug, PartialEq)]
pub struct Changed {
    pub kind: EntityKind,
    pub id: Id,
    pub values: Option<Map<String, Value>>,
    /// How the merge changed it, for automation rules; `None` for records read back (another
    /// tab's writes), for imports, which fire no rules, and while no one listens
    /// ([`Store::hear_merges`]).
    pub merged: Option<Box<Merged>>,
    /// Whether `values` were left out (`None`, whether deleted or not) because every op the
    /// write made for the record won, so it is exactly as its writer made it: a bulk change
    /// of stored records ([`Store::save_edits`], [`Store::delete_many`]) patches rows in place
    /// and does not read them back, since its writer holds the records as written.
    pub as_written: bool,
}

/// A record's values before a merge (`None` when this replica held none) and its merge state
/// after: what `rabet_domain::automation::Change` reads.
#[derive(Clone, Debug, PartialEq)]
pub struct Merged {
    pub before: Option<Map<String, Value>>,
    pub after: Record,
}

/// Who writes: a person, or an automation rule (whose ops trigger no rule).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Writer {
    Person,
    Automation,
}

/// Where ops were made, which decides what a merge does besides merging.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// On this device: queued in the outbox for the sync server.
    Local,
    /// On another device, received through sync: validated first, and they advance the clock.
    Remote,
}

/// Whether records may already be stored under the ids a write names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ids {
    /// Any ids: each stored record is read and the write merged into it.
    MayExist,
    /// Ids this device has just made (an import): nothing can be stored under them, so
    /// nothing is read, which halves the requests of a large write.
    Fresh,
}

/// Where a write keeps the merge states of the records it writes (see `row`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum MergeStates {
    /// Each record its own: a record's first write after a bulk write moves it there.
    Own,
    /// One for every record the write wrote: a bulk write's (an import, a join's page), one
    /// put instead of one per record.
    Shared,
    /// Shared, and the stored rows patched in place — the fields the ops write set in the row
    /// as read — rather than decoded into wasm and written whole: a bulk change of stored
    /// records, whose writer holds them as written (see [`Changed::as_written`]).
    SharedRowsPatched,
}

impl MergeStates {
    /// A write of new records shares; merges into stored records keep their own.
    fn of(ids: Ids) -> MergeStates {
        match ids {
            Ids::Fresh => MergeStates::Shared,
            Ids::MayExist => MergeStates::Own,
        }
    }
}

/// An open connection to the database plus this replica's clock.
///
/// Not `Send` (IndexedDB handles live on the main thread): keep it in an `Rc` or
/// `StoredValue::new_local`. Dropping it closes the connection. If another tab upgrades the
/// database, this connection closes itself so the upgrade can proceed, and later calls fail
/// with [`StoreError::Unavailable`]. If the browser closes the connection under the app
/// (Safari does to a tab in the background, and when its storage process restarts), the
/// call that finds it closed opens a new one and runs again, once.
pub struct Store {
    name: String,
    version: u32,
    connection: Connection,
    node: NodeId,
    /// Ticked for local ops and advanced by remote ones and by other tabs' writes; saved with
    /// every write unless another tab saved a later one.
    clock: RefCell<Clock>,
    /// Tells the other tabs on this database what each write changed.
    tabs: TabChannel<TabNews>,
    /// The author of this device's changes in their history (see [`Store::set_author`]).
    author: RefCell<Option<String>>,
    /// Whether the database has the history store.
    keeps_history: bool,
    /// Whether anyone reads what merges changed ([`Changed::merged`]; automation, while a
    /// change rule is on): without a listener the before/after copies are not made.
    merges_heard: Cell<bool>,
    /// Whether the database has the feed's index of the history.
    keeps_feed: bool,
    /// Whether the database has the store of bulk changes' history in chunks.
    keeps_bulk_history: bool,
    /// Whether the database has the store of packs (see `packs`).
    keeps_packs: bool,
    /// Every connection's `onversionchange` handler, kept alive as long as the store.
    close_on_version_change: Closure<dyn FnMut(web_sys::Event)>,
}

/// One connection to the database, and the one opened after it if the browser closed it.
/// Connections are only added (a transaction borrows its connection), never replaced.
struct Connection {
    db: Database,
    /// Set by the connection's `close` event: the browser closed it, not the app.
    lost: Rc<Cell<bool>>,
    _on_close: Closure<dyn FnMut()>,
    next: OnceCell<Box<Connection>>,
}

impl Connection {
    async fn open(
        name: &str,
        version: u32,
        on_version_change: &Closure<dyn FnMut(web_sys::Event)>,
    ) -> Result<Connection, StoreError> {
        let db = schema::open_database(name, version).await?;
        let lost = Rc::new(Cell::new(false));
        let on_close = Closure::<dyn FnMut()>::new({
            let lost = lost.clone();
            move || lost.set(true)
        });
        let raw = raw_database(&db);
        raw.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        raw.set_onversionchange(Some(on_version_change.as_ref().unchecked_ref()));
        Ok(Connection {
            db,
            lost,
            _on_close: on_close,
            next: OnceCell::new(),
        })
    }

    /// The newest connection.
    fn current(&self) -> &Connection {
        let mut connection = self;
        while let Some(next) = connection.next.get() {
            connection = next;
        }
        connection
    }
}

impl Store {
    /// Opens (creating or upgrading) the app's database. Every open (every tab, every page
    /// load) is a replica of its own, with a fresh node id, so two tabs never issue the same
    /// stamp; its clock starts past the latest stamp any earlier replica in this browser saved.
    pub async fn open() -> Result<Store, StoreError> {
        Store::open_named(DATABASE_NAME).await
    }

    /// Opens a database of another name, at the current schema version (for tests).
    pub async fn open_named(name: &str) -> Result<Store, StoreError> {
        Store::open_at_version(name, SCHEMA_VERSION).await
    }

    async fn open_at_version(name: &str, version: u32) -> Result<Store, StoreError> {
        let close_on_version_change =
            Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
                if let Some(connection) = event.target() {
                    connection.unchecked_into::<IdbDatabase>().close();
                }
            });
        let connection = Connection::open(name, version, &close_on_version_change).await?;
        let mut clock = Clock::new(system::new_node_id());
        if let Some(stored) = read_clock(&connection.db).await? {
            clock.observe(stored.last(), system::now_ms());
        }
        // Only a database opened at an older version (the upgrade tests) lacks them.
        let store_names = raw_database(&connection.db).object_store_names();
        let (keeps_history, keeps_feed, keeps_bulk_history, keeps_packs) = (
            store_names.contains(HISTORY),
            store_names.contains(FEED),
            store_names.contains(HISTORY_BULK),
            store_names.contains(PACKS),
        );
        Ok(Store {
            name: name.to_owned(),
            version,
            connection,
            node: *clock.node(),
            clock: RefCell::new(clock),
            tabs: TabChannel::new(name),
            author: RefCell::new(None),
            keeps_history,
            merges_heard: Cell::new(false),
            keeps_feed,
            keeps_bulk_history,
            keeps_packs,
            close_on_version_change,
        })
    }

    /// Tells the store whether anyone reads [`Changed::merged`] from now on.
    pub fn hear_merges(&self, heard: bool) {
        self.merges_heard.set(heard);
    }

    /// This replica's node id, which every local op's stamp carries.
    pub fn node(&self) -> &NodeId {
        &self.node
    }

    /// Every live (not deleted) record of `E`, in id order (creation order, to the millisecond).
    pub async fn load<E: Entity>(&self) -> Result<Vec<E>, StoreError> {
        self.again(|| async { self.fetch::<E>()?.await }).await
    }

    /// [`Store::load`] in two steps: asks IndexedDB for the rows now, and returns the future
    /// that decodes them once they arrive. The browser reads them while the caller decodes
    /// what it asked for before.
    pub fn fetch<E: Entity>(
        &self,
    ) -> Result<impl Future<Output = Result<Vec<E>, StoreError>> + '_, StoreError> {
        let tx = self.transaction(&self.row_stores([E::KIND]), TransactionMode::Readonly)?;
        let rows = tx.object_store(E::KIND.as_str())?.get_all().build()?;
        let packed = match self.keeps_packs {
            true => {
                let (store, of_kind) = (tx.object_store(PACKS)?, packs::OfKind::new(E::KIND));
                let keys = store.get_all_keys::<String>();
                let keys = keys.with_query::<&str, _>(of_kind.range()).build()?;
                let values = store.get_all::<JsValue>();
                let values = values.with_query::<&str, _>(of_kind.range()).build()?;
                Some((keys, values))
            }
            false => None,
        };
        Ok(async move {
            let rows = rows.await?;
            let packed = match packed {
                Some((keys, values)) => Some((keys.await?, values.await?)),
                None => None,
            };
            drop(tx);
            match packed {
                Some((keys, values)) if values.len() > 0 => {
                    let every = packs::every_row(rows, keys, values)?;
                    row::decode_live(every.into_iter().map(Ok))
                }
                _ => row::decode_live(rows),
            }
        })
    }

    /// The stores a transaction reads rows of `kinds` from: theirs, and the packs.
    fn row_stores(&self, kinds: impl IntoIterator<Item = EntityKind>) -> Vec<&'static str> {
        let mut names: Vec<&str> = kinds.into_iter().map(EntityKind::as_str).collect();
        if self.keeps_packs {
            names.push(PACKS);
        }
        names
    }

    /// The packs store of a transaction over [`Store::row_stores`].
    fn packs_of<'t>(&self, tx: &'t Transaction<'_>) -> Result<Option<ObjectStore<'t>>, StoreError> {
        Ok(self
            .keeps_packs
            .then(|| tx.object_store(PACKS))
            .transpose()?)
    }

    /// Saves a new (`before` = None) or edited record: ops for the fields that changed.
    /// Returns the record as merged (another tab may have written other fields meanwhile).
    pub async fn save<E: Entity>(
        &self,
        before: Option<&E>,
        after: &E,
    ) -> Result<Vec<Changed>, StoreError> {
        self.save_by(before, after, Writer::Person).await
    }

    /// [`Store::save`] by a person or by automation.
    pub async fn save_by<E: Entity>(
        &self,
        before: Option<&E>,
        after: &E,
        writer: Writer,
    ) -> Result<Vec<Changed>, StoreError> {
        let previous = before.map(synced_fields);
        let edit = |builder: &mut OpBuilder<'_>| {
            builder.edit_ops(
                E::KIND,
                after.id(),
                previous.as_ref(),
                &synced_fields(after),
            )
        };
        let ops = match writer {
            Writer::Person => self.local_ops(edit),
            Writer::Automation => self.automation_ops(edit),
        };
        let ops = ops.map_err(StoreError::InvalidEdit)?;
        self.apply_ops(&ops, Origin::Local).await
    }

    /// Saves new records (an import, the sample) in a few large transactions, calling
    /// `on_progress` with the number saved so far after each commits. Two chunks are in
    /// flight: while one chunk's transaction commits (the browser's work, off the main
    /// thread), the next chunk's ops, rows and puts are made, its transaction queued behind
    /// (transactions over the same stores run in the order they were made). A failure leaves
    /// the earlier chunks saved; the chunk queued behind it is aborted, as dropping an
    /// uncommitted transaction does.
    pub async fn save_many<E: Entity>(
        &self,
        items: &[E],
        ids: Ids,
        on_progress: impl FnMut(usize),
    ) -> Result<(), StoreError> {
        let batches = items
            .chunks(SAVE_MANY_CHUNK)
            .map(|chunk| Ok((self.new_record_ops(chunk)?, chunk.len())));
        self.save_new_batches(batches, ids, on_progress).await
    }

    /// [`Store::save_many`] of new records whose ops come in batches, each with what it counts
    /// for progress: the next batch is taken from `batches` (made: an import checks its next
    /// rows there) while the one before it commits.
    pub async fn save_new_batches(
        &self,
        mut batches: impl Iterator<Item = Result<(Vec<Op>, usize), StoreError>>,
        ids: Ids,
        mut on_progress: impl FnMut(usize),
    ) -> Result<(), StoreError> {
        let mut in_flight = FuturesOrdered::new();
        let mut saved = 0;
        loop {
            let next = batches.next();
            if let Some(batch) = next {
                in_flight.push_back(async move {
                    let (ops, counts) = batch?;
                    self.merge_ops(&ops, &[], Origin::Local, None, ids, MergeStates::of(ids))
                        .await?;
                    Ok::<_, StoreError>(counts)
                });
                if in_flight.len() < SAVE_MANY_IN_FLIGHT {
                    // Started at once (its puts sent, its transaction queued), so that it
                    // commits while the next batch is made.
                    if let Some(Some(written)) = poll_immediate(in_flight.next()).await {
                        saved += written?;
                        on_progress(saved);
                    }
                    continue;
                }
            }
            // Polling waits for the oldest chunk and starts the newest.
            let Some(written) = in_flight.next().await else {
                return Ok(());
            };
            saved += written?;
            on_progress(saved);
        }
    }

    /// Saves edits of many stored records (a bulk change: `(before, after)` each) as one
    /// write: one transaction and one outbox entry, however many records. `written` gives the
    /// synced fields the change may write, as a record holds them: the ops come from those
    /// alone, not from whole records compared. The records share one merge state.
    pub async fn save_edits<E: Entity>(
        &self,
        edits: &[(E, E)],
        written: impl Fn(&E) -> Map<String, Value>,
    ) -> Result<Vec<Changed>, StoreError> {
        let mut phases = Phases::new(edits.len());
        let ops = self
            .local_ops(|builder| {
                let mut ops = Vec::new();
                for (before, after) in edits {
                    ops.extend(builder.edit_ops(
                        E::KIND,
                        after.id(),
                        Some(&written(before)),
                        &written(after),
                    )?);
                }
                Ok::<_, rabet_domain::op::OpError>(ops)
            })
            .map_err(StoreError::InvalidEdit)?;
        phases.end("write: ops");
        self.save_bulk(&ops, MergeStates::SharedRowsPatched).await
    }

    /// Merges local ops of a bulk change of stored records: one transaction, one outbox
    /// entry, one merge state shared by the records written.
    async fn save_bulk(
        &self,
        ops: &[Op],
        merge_states: MergeStates,
    ) -> Result<Vec<Changed>, StoreError> {
        self.merge_ops(ops, &[], Origin::Local, None, Ids::MayExist, merge_states)
            .await
    }

    /// Deletes many records as one write: one transaction, one outbox entry. The records
    /// come back [`Changed::as_written`] when nothing outran the deletion.
    pub async fn delete_many(
        &self,
        kind: EntityKind,
        ids: &[Id],
    ) -> Result<Vec<Changed>, StoreError> {
        self.mark_many(
            kind,
            ids,
            MergeStates::SharedRowsPatched,
            |builder, kind, id| builder.delete_op(kind, id),
        )
        .await
    }

    /// Undoes [`Store::delete_many`] as one write too. The records are read back whole: the
    /// deletion took them out of memory, so the caller needs their values.
    pub async fn restore_many(
        &self,
        kind: EntityKind,
        ids: &[Id],
    ) -> Result<Vec<Changed>, StoreError> {
        self.mark_many(kind, ids, MergeStates::Shared, |builder, kind, id| {
            builder.restore_op(kind, id)
        })
        .await
    }

    /// One op per record (a tombstone or its undoing), applied as one write.
    async fn mark_many(
        &self,
        kind: EntityKind,
        ids: &[Id],
        merge_states: MergeStates,
        op: impl Fn(&mut OpBuilder<'_>, EntityKind, &Id) -> Op,
    ) -> Result<Vec<Changed>, StoreError> {
        let ops: Vec<Op> =
            self.local_ops(|builder| ids.iter().map(|id| op(builder, kind, id)).collect());
        self.save_bulk(&ops, merge_states).await
    }

    /// The ops that write `items` whole, as new records.
    pub fn new_record_ops<E: Entity>(&self, items: &[E]) -> Result<Vec<Op>, StoreError> {
        self.local_ops(|builder| {
            let mut ops = Vec::new();
            for item in items {
                ops.extend(builder.create_ops(E::KIND, item.id(), synced_fields(item))?);
            }
            Ok::<_, rabet_domain::op::OpError>(ops)
        })
        .map_err(StoreError::InvalidEdit)
    }

    /// Deletes a record: a tombstone op, so [`Store::restore`] can undo it and other replicas
    /// learn of it.
    pub async fn delete(&self, kind: EntityKind, id: &Id) -> Result<(), StoreError> {
        let op = self.local_ops(|builder| builder.delete_op(kind, id));
        self.apply_ops(&[op], Origin::Local).await.map(drop)
    }

    /// Sets one field of a record to `value` (whatever it holds now): one op.
    pub async fn set_field(
        &self,
        kind: EntityKind,
        id: &Id,
        field: &str,
        value: Value,
    ) -> Result<Vec<Changed>, StoreError> {
        let after = Map::from_iter([(field.to_owned(), value)]);
        let ops = self.local_ops(|builder| builder.edit_ops(kind, id, Some(&Map::new()), &after));
        let ops = ops.map_err(StoreError::InvalidEdit)?;
        self.apply_ops(&ops, Origin::Local).await
    }

    /// Undoes [`Store::delete`]; edits made meanwhile are kept.
    /// Returns the record as merged.
    pub async fn restore(&self, kind: EntityKind, id: &Id) -> Result<Vec<Changed>, StoreError> {
        let op = self.local_ops(|builder| builder.restore_op(kind, id));
        self.apply_ops(&[op], Origin::Local).await
    }

    /// Merges ops into the stored records in one transaction, last writer wins per field;
    /// what else happens depends on their [`Origin`]. Returns the records that changed, in
    /// (kind, id) order.
    pub async fn apply_ops(&self, ops: &[Op], origin: Origin) -> Result<Vec<Changed>, StoreError> {
        if origin == Origin::Remote {
            self.observe_remote(ops)?;
        }
        self.merge_ops(ops, &[], origin, None, Ids::MayExist, MergeStates::Own)
            .await
    }

    /// Merges ops pulled from the sync server and, in the same transaction, moves the pull
    /// cursor to `cursor`: a crash in between cannot skip ops or record a cursor without them.
    /// `authors` are the ops' authors as the server stamped them, in the same order (or
    /// none).
    pub async fn apply_pulled(
        &self,
        ops: &[Op],
        authors: &[Option<String>],
        cursor: u64,
    ) -> Result<Vec<Changed>, StoreError> {
        self.observe_remote(ops)?;
        self.merge_ops(
            ops,
            authors,
            Origin::Remote,
            Some(cursor),
            Ids::MayExist,
            MergeStates::Own,
        )
        .await
    }

    /// Merges a page of a sync server's snapshot (whole records: each field's winning op) as
    /// one bulk write, in one transaction. With [`Ids::Fresh`] (the store held no record of the
    /// kind when the join's pages of it began, and a join sends each record once) nothing is read first, as in an
    /// import. The pull cursor stays: the join moves it once every page is stored
    /// ([`Store::set_sync_cursor`]), so a join cut short starts again.
    pub async fn apply_snapshot(&self, ops: &[Op], ids: Ids) -> Result<Vec<Changed>, StoreError> {
        self.observe_remote(ops)?;
        self.merge_ops(ops, &[], Origin::Remote, None, ids, MergeStates::of(ids))
            .await
    }

    /// Moves the pull cursor: after a join by snapshot, to the cursor the snapshot is at.
    pub async fn set_sync_cursor(&self, cursor: u64) -> Result<(), StoreError> {
        self.again(|| async {
            let tx = self.transaction(&[META], TransactionMode::Readwrite)?;
            send(
                tx.object_store(META)?
                    .put(cursor.to_string())
                    .with_key(CURSOR_KEY)
                    .build(),
            )?;
            commit(tx).await
        })
        .await
    }

    /// Whether any record of `kind` is stored, deleted ones included.
    pub async fn holds_records_of(&self, kind: EntityKind) -> Result<bool, StoreError> {
        self.again(|| async {
            let tx = self.transaction(&self.row_stores([kind]), TransactionMode::Readonly)?;
            let count = tx.object_store(kind.as_str())?.count().build()?.await?;
            let packed = match self.packs_of(&tx)? {
                Some(packs) => packs::count(&packs, kind).await?,
                None => 0,
            };
            Ok(count > 0 || packed > 0)
        })
        .await
    }

    /// Merges `ops`; each change of a record that existed goes into its field history with
    /// its author: `authors[i]` for `ops[i]`, else this device's for local ops.
    async fn merge_ops(
        &self,
        ops: &[Op],
        authors: &[Option<String>],
        origin: Origin,
        cursor: Option<u64>,
        ids: Ids,
        merge_states: MergeStates,
    ) -> Result<Vec<Changed>, StoreError> {
        self.again(|| async {
            let local_author = match origin {
                Origin::Local => self.author.borrow().clone(),
                Origin::Remote => None,
            };
            let mut by_record: BTreeMap<(EntityKind, &WireId), Vec<Authored>> = BTreeMap::new();
            for (at, op) in ops.iter().enumerate() {
                let author = authors
                    .get(at)
                    .map_or(local_author.as_deref(), Option::as_deref);
                by_record
                    .entry((op.entity, &op.record))
                    .or_default()
                    .push((op, author));
            }
            if by_record.is_empty() && cursor.is_none() {
                return Ok(Vec::new());
            }
            let kinds: BTreeSet<EntityKind> = by_record.keys().map(|(kind, _)| *kind).collect();
            let mut store_names = self.row_stores(kinds.iter().copied());
            store_names.extend([MERGE, META]);
            if origin == Origin::Local {
                store_names.push(OUTBOX);
            }
            // New records have no history yet.
            let keeps_history = ids == Ids::MayExist && self.keeps_history;
            let fresh_local = ids == Ids::Fresh && origin == Origin::Local;
            let patched = merge_states == MergeStates::SharedRowsPatched;
            // A write that brings a rule may switch one on for the very changes it carries.
            // A bulk change of stored records fires no rule.
            let heard = ids == Ids::MayExist
                && !patched
                && (self.merges_heard.get()
                    || ops.iter().any(|op| op.entity == EntityKind::AutomationRule));
            // A bulk change of stored records made here (a list's selection changed,
            // deleted or restored) is one line of the feed per field, and its history is
            // kept in chunks of records.
            let bulk_change = origin == Origin::Local && merge_states != MergeStates::Own;
            let chunked = keeps_history && bulk_change && self.keeps_bulk_history;
            if keeps_history {
                store_names.push(HISTORY);
                if self.keeps_feed {
                    store_names.push(FEED);
                }
                if chunked {
                    store_names.push(HISTORY_BULK);
                }
            }
            // Taken with the transaction, so transactions (which run in creation order) save
            // ever later clocks; another tab's may be later still, and is then kept.
            let clock = self.clock.borrow().clone();
            let mut phases = Phases::new(by_record.len());
            let tx = self.transaction(&store_names, TransactionMode::Readwrite)?;
            let meta = tx.object_store(META)?;
            let stored_clock = meta.get(CLOCK_KEY).build()?;
            let changed = {
                let stores = kinds
                    .iter()
                    .map(|&kind| Ok((kind, tx.object_store(kind.as_str())?)))
                    .collect::<Result<BTreeMap<_, _>, StoreError>>()?;
                let merge = tx.object_store(MERGE)?;
                let packs = self.packs_of(&tx)?;
                // Each record's id enters the table once, not once per op.
                let record_ids: Vec<(EntityKind, Id)> = by_record
                    .keys()
                    .map(|&(kind, id)| (kind, Id::from(id)))
                    .collect();
                let keys: Vec<(EntityKind, &Id)> =
                    record_ids.iter().map(|(kind, id)| (*kind, id)).collect();
                let (records, read_rows) = match (ids, patched) {
                    (Ids::Fresh, _) => (vec![Record::default(); keys.len()], Vec::new()),
                    (Ids::MayExist, false) => {
                        let read = read_records(&stores, packs.as_ref(), &merge, &keys).await?;
                        (read, Vec::new())
                    }
                    (Ids::MayExist, true) => {
                        let written = by_record
                            .values()
                            .map(|ops| ops.iter().map(|(op, _)| op.field.as_str()).collect());
                        read_for_patching(&stores, packs.as_ref(), &merge, &keys, written).await?
                    }
                };
                let mut read_rows = read_rows.into_iter();
                phases.end("write: read");
                let mut changed = Vec::new();
                let mut rows = Vec::new();
                let mut patches = row::Patches::default();
                // Changes whose values are read back from their patched row: another write
                // won one of their fields.
                let mut read_back = Vec::new();
                let shared_key = match merge_states {
                    MergeStates::Shared | MergeStates::SharedRowsPatched => {
                        ops.first().map(|op| row::shared_merge_key(&op.id))
                    }
                    MergeStates::Own => None,
                };
                // Local ops made in one go make a run, stored without an id and a stamp per
                // op. New records' shared merge state is then the run's fields, which needs
                // each record's ops together.
                let run = match origin {
                    Origin::Local => Run::of(ops),
                    Origin::Remote => None,
                };
                let shared_run = run.as_ref().filter(|_| {
                    fresh_local
                        && shared_key.is_some()
                        && ops
                            .chunk_by(|a, b| a.entity == b.entity && a.record == b.record)
                            .count()
                            == by_record.len()
                });
                let mut shared = String::new();
                let history = if keeps_history {
                    Some(history::HistoryStores {
                        history: tx.object_store(HISTORY)?,
                        feed: self.keeps_feed.then(|| tx.object_store(FEED)).transpose()?,
                        bulk: chunked.then(|| tx.object_store(HISTORY_BULK)).transpose()?,
                    })
                } else {
                    None
                };
                // Changes that lost the merge: kept unless already kept (delivered again).
                let mut lost = Vec::new();
                let mut bulk_feed = bulk_change.then(history::BulkFeed::default);
                let mut chunks = if chunked {
                    let mut records = BTreeMap::new();
                    for (kind, _) in by_record.keys() {
                        *records.entry(*kind).or_default() += 1;
                    }
                    history::BulkChunks::new(ops.iter(), &records)
                } else {
                    None
                };
                let ops_by_record = keys.iter().zip(by_record.values());
                let mut slice = Slice::new();
                for ((&(kind, id), record_ops), mut record) in ops_by_record.zip(records) {
                    breathe(&mut slice, &meta).await?;
                    let read_row = read_rows.next().flatten();
                    let before = (heard && !record.fields().is_empty()).then(|| record.to_map());
                    let (won, changes) = apply_recording(&mut record, record_ops.iter().copied());
                    if let Some(history) = history.as_ref().filter(|_| records_changes(kind)) {
                        for change in changes {
                            let key = history::change_key(kind, id, &change.stamp, &change.op);
                            if !change.won {
                                lost.push((kind, id, key, change));
                            } else if let Some(feed) = &mut bulk_feed {
                                history.keep_in_bulk(
                                    feed,
                                    chunks.as_mut(),
                                    kind,
                                    id,
                                    key,
                                    &change,
                                )?;
                            } else {
                                history.keep(kind, id, key, &change)?;
                            }
                        }
                    }
                    if !won {
                        continue;
                    }
                    let mut change = Changed {
                        kind,
                        id: id.clone(),
                        values: None,
                        merged: None,
                        as_written: false,
                    };
                    match (read_row, &shared_key) {
                        (Some(ReadRow { row, base, delta }), Some(_)) => {
                            // The row keeps its other fields, and the shared merge state
                            // only the lines that differ from the full one it lies over.
                            let mut lines = String::new();
                            let mut fields = Vec::new();
                            let written: BTreeSet<&str> =
                                record_ops.iter().map(|(op, _)| op.field.as_str()).collect();
                            for field in written {
                                let state = &record.fields()[field];
                                push_merge_line(&mut lines, field, &state.stamp, &state.op);
                                let value = match field {
                                    DELETED_FIELD => Value::Bool(record.is_deleted()),
                                    _ => state.value.clone(),
                                };
                                fields.push((field.to_owned(), value));
                            }
                            change.as_written = record_ops
                                .iter()
                                .all(|(op, _)| record.fields()[op.field.as_str()].op == op.id);
                            row::push_shared_over(&mut shared, kind, id, &base, &delta, &lines);
                            let at = patches.add(kind, row, fields);
                            if !change.as_written {
                                read_back.push((changed.len(), at));
                            }
                        }
                        (_, shared_key) => {
                            // New records written here (an import) are as their writer made
                            // them: it holds their values.
                            change.as_written = fresh_local;
                            change.values =
                                (!fresh_local && !record.is_deleted()).then(|| record.to_map());
                            change.merged = heard.then(|| {
                                Box::new(Merged {
                                    before,
                                    after: record.clone(),
                                })
                            });
                            match shared_key {
                                // A run's merge state is written whole after the loop.
                                Some(_) if shared_run.is_some() => {}
                                Some(_) => {
                                    let merge_state = row::merge_state_of(&record);
                                    row::push_shared(&mut shared, kind, id, &merge_state);
                                }
                                None => send(
                                    merge
                                        .put(row::merge_state_of(&record))
                                        .with_key(row::merge_key(kind, id))
                                        .build(),
                                )?,
                            }
                            let mut stored = row::row_of(id, record);
                            if let Some(key) = shared_key {
                                stored.share_merge_state(key);
                            }
                            rows.push((kind, stored));
                        }
                    }
                    changed.push(change);
                }
                if let Some(run) = shared_run {
                    shared = run::shared_merge_state(run, ops);
                }
                if let Some(key) = shared_key.as_ref().filter(|_| !shared.is_empty()) {
                    send(merge.put(shared).with_key(key.as_str()).build())?;
                }
                phases.end("write: merge, history and merge states");
                if let Some(history) = &history {
                    if let Some(feed) = bulk_feed {
                        history.index_bulk(feed, chunks)?;
                    }
                    let reads = lost
                        .iter()
                        .map(|(_, _, key, _)| history.history.get(key.as_str()).build())
                        .collect::<Result<Vec<_>, _>>()?;
                    let kept: Vec<Option<String>> = answers(reads).await?;
                    for ((kind, id, key, change), kept) in lost.into_iter().zip(kept) {
                        if kept.is_none() {
                            history.keep(kind, id, key, &change)?;
                        }
                    }
                }
                let (kinds, rows): (Vec<EntityKind>, Vec<row::StoredRow>) =
                    rows.into_iter().unzip();
                // New records' rows go in packs, a run of one kind at a time.
                let packed = packs.as_ref().filter(|_| ids == Ids::Fresh);
                let row_ids: Vec<String> = match packed {
                    Some(_) => rows.iter().map(|row| row.id().to_string()).collect(),
                    None => Vec::new(),
                };
                let rows = js_sys::Array::from(&row::to_js(&rows)?);
                match packed {
                    Some(packs) => {
                        let mut start = 0;
                        for run in kinds.chunk_by(|a, b| a == b) {
                            let end = start + run.len();
                            let run_ids: Vec<&str> =
                                row_ids[start..end].iter().map(String::as_str).collect();
                            let run_rows = rows.slice(start as u32, end as u32);
                            packs::put(packs.as_sys(), run[0], &run_rows, &run_ids)?;
                            start = end;
                        }
                    }
                    None => {
                        for (kind, stored) in kinds.iter().zip(rows.iter()) {
                            send(stores[kind].put(stored).build())?;
                        }
                    }
                }
                if let Some(key) = &shared_key {
                    let patched = patches.apply(key)?;
                    for (at, patched_at) in read_back {
                        let change: &mut Changed = &mut changed[at];
                        change.values = row::current_values(&patched[patched_at].1)
                            .map_err(|reason| row::corrupt(change.kind, &change.id, reason))?;
                    }
                    let mut slice = Slice::new();
                    for (kind, patched) in &patched {
                        send(stores[kind].put(patched).build())?;
                        breathe(&mut slice, &meta).await?;
                    }
                }
                if origin == Origin::Local {
                    // A run's ops in the order made, others record by record.
                    let written: Vec<&Op> = match &run {
                        Some(_) => ops.iter().collect(),
                        None => by_record.values().flatten().map(|(op, _)| *op).collect(),
                    };
                    if let Some((key, entry)) =
                        outbox_entry(written, run.as_ref(), by_record.len())?
                    {
                        let entry = JsValue::from(entry);
                        send(tx.object_store(OUTBOX)?.put(entry).with_key(key).build())?;
                    }
                }
                self.keep_later_clock(&meta, stored_clock.await?, &clock)?;
                if let Some(cursor) = cursor {
                    send(meta.put(cursor.to_string()).with_key(CURSOR_KEY).build())?;
                }
                phases.end("write: rows and outbox");
                changed
            };
            commit(tx).await?;
            phases.end("write: commit");
            if !changed.is_empty() {
                self.tabs.post(&TabNews::Written {
                    records: changed
                        .iter()
                        .map(|change| (change.kind, change.id.to_string()))
                        .collect(),
                    stamp: self.clock.borrow().last().clone(),
                });
            }
            Ok(changed)
        })
        .await
    }

    /// In a write's transaction, with the clock stored when it began: keeps this tab's
    /// clock as of the transaction's start unless another tab saved a later one, which
    /// this tab then observes.
    fn keep_later_clock(
        &self,
        meta: &ObjectStore<'_>,
        stored: Option<String>,
        clock: &Clock,
    ) -> Result<(), StoreError> {
        match stored.as_deref().map(parse_clock).transpose()? {
            Some(stored) if stored.last() >= clock.last() => self.observe_tab(stored.last()),
            _ => send(meta.put(to_json(clock)?).with_key(CLOCK_KEY).build())?,
        }
        Ok(())
    }

    /// Stores a page of a join by snapshot sent as rows ready to store (its answer's text as
    /// the browser holds it, `held`, read as `page`; see `rabet_domain::sync::rows`) as one bulk
    /// write of new records: nothing is read or merged, each row is put as it came, and the
    /// page's merge states are kept as one shared merge state. Only for a store that held no
    /// record of the kind when the join's pages of it began ([`Ids::Fresh`]): a join sends each
    /// record once. The pull cursor stays (see [`Store::apply_snapshot`]).
    ///
    /// The page's puts are sent before this returns, so every transaction begun afterwards
    /// (a write of one of its records included) runs after them and sees its rows: a join
    /// shows a page at once and sends the next while this one commits. The returned future
    /// ends when the page is committed (then other tabs hear of it); it needs no polling to
    /// make progress. A page that fails to commit is not tried again: the join fails, and the
    /// next sync joins again, merging what is stored.
    pub fn put_snapshot_rows(
        &self,
        kind: EntityKind,
        held: &js_sys::JsString,
        page: &RowsPage<'_>,
    ) -> Result<impl Future<Output = Result<(), StoreError>> + '_, StoreError> {
        let stored = match &page.last {
            Some(last) => Some(self.send_snapshot_rows(kind, held, page, last)?),
            None => None,
        };
        let records: Vec<(EntityKind, String)> = page
            .rows
            .iter()
            .map(|row| (kind, row.id.to_string()))
            .collect();
        Ok(async move {
            let Some(stored) = stored else {
                return Ok(());
            };
            stored.await?;
            self.tabs.post(&TabNews::Written {
                records,
                stamp: self.clock.borrow().last().clone(),
            });
            Ok(())
        })
    }

    /// Sends a page's puts in a transaction of its own, with this tab's clock unless another
    /// tab stored a later one (as [`Store::keep_later_clock`], decided in the read's success
    /// callback, while the transaction takes requests). The future ends with the commit.
    fn send_snapshot_rows(
        &self,
        kind: EntityKind,
        held: &js_sys::JsString,
        page: &RowsPage<'_>,
        last: &str,
    ) -> Result<impl Future<Output = Result<(), StoreError>> + 'static, StoreError> {
        if let Some(latest) = &page.latest {
            self.observe_tab(latest);
        }
        let key = row::joined_merge_key(kind, last);
        let mut names = self.row_stores([kind]);
        names.extend([MERGE, META]);
        let names: js_sys::Array = names.into_iter().map(JsValue::from_str).collect();
        let tx = raw_database(self.db())
            .transaction_with_str_sequence_and_mode(&names, web_sys::IdbTransactionMode::Readwrite)
            .map_err(thrown)?;
        let committed = js_sys::Promise::new(&mut |resolve, reject| {
            tx.set_oncomplete(Some(&resolve));
            tx.set_onabort(Some(&reject));
        });
        let rows = row::shared_rows(held, &key)?;
        if self.keeps_packs {
            let ids: Vec<String> = page.rows.iter().map(|row| row.id.to_string()).collect();
            let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
            packs::put(&tx.object_store(PACKS).map_err(thrown)?, kind, &rows, &ids)?;
        } else {
            let store = tx.object_store(kind.as_str()).map_err(thrown)?;
            for row in rows.iter() {
                store.put(&row).map_err(thrown)?;
            }
        }
        tx.object_store(MERGE)
            .map_err(thrown)?
            .put_with_key(&JsValue::from_str(&page.merge), &JsValue::from_str(&key))
            .map_err(thrown)?;
        let meta = tx.object_store(META).map_err(thrown)?;
        let stored_clock = meta.get(&JsValue::from_str(CLOCK_KEY)).map_err(thrown)?;
        let clock = self.clock.borrow().clone();
        let clock_text = to_json(&clock)?;
        let (read, aborting) = (stored_clock.clone(), tx.clone());
        let keep_clock = Closure::once_into_js(move || {
            let later_stored = read
                .result()
                .ok()
                .and_then(|stored| stored.as_string())
                .map(|stored| parse_clock(&stored).map(|stored| stored.last() >= clock.last()))
                .transpose();
            let kept = match later_stored {
                Ok(Some(true)) => Ok(()),
                Ok(_) => meta
                    .put_with_key(
                        &JsValue::from_str(&clock_text),
                        &JsValue::from_str(CLOCK_KEY),
                    )
                    .map(drop),
                Err(_) => Err(JsValue::NULL),
            };
            // An unreadable stored clock, or a put refused: the page is not kept (the join
            // reports the abort) rather than stored with the clock behind its stamps.
            if kept.is_err() {
                aborting.abort().ok();
            }
        });
        stored_clock.set_onsuccess(Some(keep_clock.unchecked_ref()));
        Ok(async move {
            match wasm_bindgen_futures::JsFuture::from(committed).await {
                Ok(_) => Ok(()),
                Err(_) => Err(match tx.error() {
                    Some(reason) => error::from_dom_exception(&reason),
                    None => StoreError::Aborted("a page of the join was not stored".into()),
                }),
            }
        })
    }

    /// What the other tabs on this database write from now on (see [`TabNews`]).
    pub fn tab_news(&self) -> futures::channel::mpsc::UnboundedReceiver<TabNews> {
        self.tabs.listen()
    }

    /// Moves the clock past a stamp another tab issued or saw, so edits made here after
    /// seeing its writes come after them.
    pub fn observe_tab(&self, stamp: &Stamp) {
        self.clock.borrow_mut().observe(stamp, system::now_ms());
    }

    /// The records as stored now, as [`Changed`] (values `None`: deleted or never stored),
    /// read by the ids another tab named in [`TabNews::Written`]. A deleted record's id is
    /// only looked up ([`Id::find`]): one this tab never held is left out.
    pub async fn read_current(
        &self,
        records: &[(EntityKind, String)],
    ) -> Result<Vec<Changed>, StoreError> {
        self.again(|| async {
            let kinds: BTreeSet<EntityKind> = records.iter().map(|(kind, _)| *kind).collect();
            if kinds.is_empty() {
                return Ok(Vec::new());
            }
            let tx = self.transaction(
                &self.row_stores(kinds.iter().copied()),
                TransactionMode::Readonly,
            )?;
            let stores = kinds
                .iter()
                .map(|&kind| Ok((kind, tx.object_store(kind.as_str())?)))
                .collect::<Result<BTreeMap<_, _>, StoreError>>()?;
            let reads = records
                .iter()
                .map(|(kind, id)| stores[kind].get(id.as_str()).build())
                .collect::<Result<Vec<_>, _>>()?;
            let mut rows: Vec<Option<JsValue>> = answers(reads).await?;
            if let Some(packs) = self.packs_of(&tx)? {
                for &kind in &kinds {
                    let of_kind: Vec<usize> = (0..records.len())
                        .filter(|&at| records[at].0 == kind)
                        .collect();
                    let ids: Vec<String> =
                        of_kind.iter().map(|&at| records[at].1.clone()).collect();
                    let mut kind_rows: Vec<Option<JsValue>> =
                        of_kind.iter().map(|&at| rows[at].take()).collect();
                    packs::fill_in(&packs, kind, &ids, &mut kind_rows).await?;
                    for (at, row) in of_kind.into_iter().zip(kind_rows) {
                        rows[at] = row;
                    }
                }
            }
            drop(stores);
            drop(tx);
            let mut changed = Vec::new();
            for ((kind, text), row) in records.iter().zip(rows) {
                let values = row
                    .map(|row| row::current_values(&row))
                    .transpose()
                    .map_err(|reason| StoreError::Corrupt {
                        kind: *kind,
                        id: text.clone(),
                        reason,
                    })?
                    .flatten();
                let id = match values {
                    Some(_) => Some(Id::from_string(text)),
                    None => Id::find(text),
                };
                if let Some(id) = id {
                    changed.push(Changed {
                        kind: *kind,
                        id,
                        values,
                        merged: None,
                        as_written: false,
                    });
                }
            }
            Ok(changed)
        })
        .await
    }

    /// The local ops no sync server has acknowledged yet, in stamp order.
    #[cfg(test)]
    pub async fn outbox(&self) -> Result<Vec<Op>, StoreError> {
        Ok(self.pending().await?.ops)
    }

    /// The outbox as it is now: its ops in stamp order, and which entries hold them (what
    /// [`Store::acknowledge_through`] may drop).
    pub async fn pending(&self) -> Result<Outbox, StoreError> {
        self.again(|| async {
            let tx = self.transaction(&[OUTBOX], TransactionMode::Readonly)?;
            let outbox = tx.object_store(OUTBOX)?;
            let keys = outbox.get_all_keys::<String>().build()?;
            let entries = outbox.get_all::<JsValue>().build()?;
            let (keys, entries) = (keys.await?, entries.await?);
            let keys = keys.collect::<Result<Vec<String>, _>>()?;
            let mut ops = Vec::new();
            for entry in entries {
                ops.extend(outbox_ops(entry?)?);
            }
            // Entries are in order of their last op; ops of entries written together interleave.
            sort_by(&mut ops, |a, b| a.precedence().cmp(&b.precedence()));
            Ok(Outbox { ops, keys })
        })
        .await
    }

    /// Drops from the outbox every entry of `outbox` whose ops are all at or before `last`:
    /// call it with the last op a sync server acknowledged, having sent `outbox.ops` in order.
    /// An entry acknowledged in part (a large import spans several pushes) stays whole, and
    /// its acknowledged ops are sent again if the push of the rest fails; the server keeps
    /// each op once. Entries written since `outbox` was read stay, whatever their stamps:
    /// another tab, with a clock behind this one's, may have written them meanwhile.
    pub async fn acknowledge_through(&self, outbox: &Outbox, last: &Op) -> Result<(), StoreError> {
        self.again(|| async {
            let through = outbox_keys_through(last);
            let tx = self.transaction(&[OUTBOX], TransactionMode::Readwrite)?;
            let store = tx.object_store(OUTBOX)?;
            for key in outbox.keys.iter().take_while(|key| **key <= through) {
                send(store.delete(key.as_str()).build())?;
            }
            drop(store);
            commit(tx).await
        })
        .await
    }

    /// How many record writes wait in the outbox (read from the entries' keys alone).
    pub async fn outbox_len(&self) -> Result<usize, StoreError> {
        self.again(|| async {
            let tx = self.transaction(&[OUTBOX], TransactionMode::Readonly)?;
            let keys = tx
                .object_store(OUTBOX)?
                .get_all_keys::<String>()
                .build()?
                .await?;
            keys.map(|key| Ok(outbox_records(&key?))).sum()
        })
        .await
    }

    /// Where the last pull from the sync server ended; `None` before the first (the device
    /// then joins by snapshot).
    pub async fn sync_cursor(&self) -> Result<Option<u64>, StoreError> {
        let stored: Option<String> = self.meta(CURSOR_KEY).await?;
        stored
            .map(|text| {
                text.parse().map_err(|_| {
                    StoreError::unreadable(StoreEntry::SyncCursor, format!("{text:?}"))
                })
            })
            .transpose()
    }

    /// The stored sync settings, if this device syncs.
    pub async fn sync_config<T: DeserializeOwned>(&self) -> Result<Option<T>, StoreError> {
        let stored: Option<String> = self.meta(SYNC_CONFIG_KEY).await?;
        stored
            .map(|text| {
                serde_json::from_str(&text)
                    .map_err(|error| StoreError::unreadable(StoreEntry::SyncSettings, error))
            })
            .transpose()
    }

    /// Stores (or, with `None`, removes) the sync settings and starts pulling from zero again,
    /// since a cursor means nothing on another server or workspace.
    pub async fn set_sync_config<T: Serialize>(
        &self,
        config: Option<&T>,
    ) -> Result<(), StoreError> {
        self.again(|| async {
            let tx = self.transaction(&[META], TransactionMode::Readwrite)?;
            let meta = tx.object_store(META)?;
            match config {
                Some(config) => {
                    send(meta.put(to_json(config)?).with_key(SYNC_CONFIG_KEY).build())?;
                }
                None => send(meta.delete(SYNC_CONFIG_KEY).build())?,
            }
            send(meta.delete(CURSOR_KEY).build())?;
            send(meta.delete(SYNC_SESSION_KEY).build())?;
            drop(meta);
            commit(tx).await
        })
        .await
    }

    async fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.again(|| async {
            let tx = self.transaction(&[META], TransactionMode::Readonly)?;
            let value = tx.object_store(META)?.get(key).build()?.await?;
            Ok(value)
        })
        .await
    }

    /// Deletes every record and the outbox (before restoring a backup that replaces them).
    /// The node id and clock stay, so later stamps still beat earlier ones.
    pub async fn clear_all(&self) -> Result<(), StoreError> {
        self.clear(false).await
    }

    /// Forgets everything this device holds of the workspace — records, outbox, history,
    /// sync settings, session, team and refused writes —, as a revoked device must. The
    /// clock stays, as in [`Store::clear_all`].
    pub async fn erase_device(&self) -> Result<(), StoreError> {
        self.clear(true).await
    }

    /// Clears the records, merge states, outbox and history, and with `sync` what this device
    /// knows of its sync server.
    async fn clear(&self, sync: bool) -> Result<(), StoreError> {
        self.again(|| async {
            let mut store_names: Vec<&str> =
                EntityKind::ALL.iter().map(|kind| kind.as_str()).collect();
            store_names.extend([MERGE, OUTBOX, HISTORY]);
            if self.keeps_feed {
                store_names.push(FEED);
            }
            if self.keeps_bulk_history {
                store_names.push(HISTORY_BULK);
            }
            if self.keeps_packs {
                store_names.push(PACKS);
            }
            let cleared = store_names.len();
            store_names.push(META);
            let tx = self.transaction(&store_names, TransactionMode::Readwrite)?;
            for name in &store_names[..cleared] {
                send(tx.object_store(name)?.clear())?;
            }
            if sync {
                let meta = tx.object_store(META)?;
                for key in [
                    CURSOR_KEY,
                    SYNC_CONFIG_KEY,
                    SYNC_SESSION_KEY,
                    SYNC_MEMBERS_KEY,
                    refused::NOT_ACCEPTED_KEY,
                ] {
                    send(meta.delete(key).build())?;
                }
            }
            commit(tx).await?;
            self.tabs.post(&TabNews::Cleared);
            Ok(())
        })
        .await
    }

    /// Builds local ops with this replica's clock, the current time and fresh op ids. The
    /// clock is read once per write, not once per op id (an import makes 80,000 at a time).
    /// A write's op ids count on from a random first one, as its stamps do from the clock's,
    /// so its ops make a run (`rabet_domain::run`) that the outbox and a shared merge state
    /// store without an id and a stamp per op.
    fn local_ops<T>(&self, build: impl FnOnce(&mut OpBuilder<'_>) -> T) -> T {
        let mut clock = self.clock.borrow_mut();
        let now = system::now_ms();
        let first = system::new_op_id(now);
        let mut made = 0;
        let mut new_op_id = || {
            let id = first
                .counted_on(made)
                .unwrap_or_else(|| system::new_op_id(now));
            made += 1;
            id
        };
        build(&mut OpBuilder::new(&mut clock, now, &mut new_op_id))
    }

    /// [`Store::local_ops`] for automation: op ids that mark them as its own.
    fn automation_ops<T>(&self, build: impl FnOnce(&mut OpBuilder<'_>) -> T) -> T {
        let mut clock = self.clock.borrow_mut();
        let now = system::now_ms();
        let mut new_op_id = || automation_op_id(&system::new_op_id(now));
        build(&mut OpBuilder::new(&mut clock, now, &mut new_op_id))
    }

    /// The merge states of these records of one kind (an empty state for one not stored),
    /// for an automation rule's preview.
    pub async fn merge_states(
        &self,
        kind: EntityKind,
        ids: &[Id],
    ) -> Result<Vec<Record>, StoreError> {
        let mut names = self.row_stores([kind]);
        names.push(MERGE);
        let tx = self.transaction(&names, TransactionMode::Readonly)?;
        let stores = BTreeMap::from([(kind, tx.object_store(kind.as_str())?)]);
        let merge = tx.object_store(MERGE)?;
        let keys: Vec<(EntityKind, &Id)> = ids.iter().map(|id| (kind, id)).collect();
        read_records(&stores, self.packs_of(&tx)?.as_ref(), &merge, &keys).await
    }

    /// Refuses malformed remote ops, then moves the clock past every remote stamp.
    fn observe_remote(&self, ops: &[Op]) -> Result<(), StoreError> {
        for op in ops {
            op.validate()
                .map_err(|reason| StoreError::RemoteOpRefused {
                    op: op.id.to_string(),
                    reason,
                })?;
        }
        let now = system::now_ms();
        let mut clock = self.clock.borrow_mut();
        for op in ops {
            clock.observe(&op.stamp, now);
        }
        Ok(())
    }

    fn transaction(
        &self,
        stores: &[&str],
        mode: TransactionMode,
    ) -> Result<Transaction<'_>, StoreError> {
        Ok(self.db().transaction(stores).with_mode(mode).build()?)
    }

    /// The connection in use.
    fn db(&self) -> &Database {
        &self.connection.current().db
    }

    /// Runs `attempt` (one or more transactions); if it failed because the browser closed the
    /// connection, opens a new one and runs it again, once. A transaction that failed stored
    /// nothing, so running it again cannot write anything twice.
    async fn again<T, Attempt: Future<Output = Result<T, StoreError>>>(
        &self,
        attempt: impl Fn() -> Attempt,
    ) -> Result<T, StoreError> {
        match attempt().await {
            Err(error) if self.closed_under_us(&error) => {
                self.reopen().await?;
                attempt().await
            }
            result => result,
        }
    }

    /// Whether `error` came from a connection that closed: the browser said so (`close`), or
    /// a transaction could not start on it (`InvalidStateError`, sorted as unavailable).
    /// After another tab's upgrade the new connection is refused (`VersionError`), so the
    /// call still fails as unavailable.
    fn closed_under_us(&self, error: &StoreError) -> bool {
        self.connection.current().lost.get() || matches!(error, StoreError::Unavailable(_))
    }

    async fn reopen(&self) -> Result<(), StoreError> {
        let fresh =
            Connection::open(&self.name, self.version, &self.close_on_version_change).await?;
        // Another call may have reopened meanwhile: keep the first new connection.
        if let Err(extra) = self.connection.current().next.set(Box::new(fresh)) {
            raw_database(&extra.db).close();
        }
        Ok(())
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        let mut connection = Some(&self.connection);
        while let Some(current) = connection {
            let raw = raw_database(&current.db);
            raw.set_onversionchange(None);
            raw.set_onclose(None);
            // Waits for running transactions, then closes.
            raw.close();
            connection = current.next.get().map(|next| &**next);
        }
    }
}

/// An entity's fields as synced: all but the id, which every op carries as its `record`.
fn synced_fields<E: Entity>(entity: &E) -> Map<String, Value> {
    let mut fields = entity.to_fields();
    fields.remove(row::ID);
    fields
}

/// The outbox keeps one entry per write transaction: the ops of every record it wrote, as
/// JSON in UTF-8 bytes (each record's kind and id written once, `rabet_domain::outbox`; the
/// ops of a `run` as their fields and values alone), under the key
/// `"<stamp> <op id> <records>"` of its last op. Keys sort
/// as the entries' last ops do (stamp keys have a fixed width and local op ids are UUIDs), and
/// the record count lets [`Store::outbox_len`] count without reading values. One entry per
/// transaction rather than per record: an import of 2,000 contacts is one put, not 2,000.
/// Bytes, not text: they are copied out of wasm memory as they are, where text would first be
/// decoded into a JavaScript string (megabytes per import chunk). No ops, no entry.
fn outbox_entry(
    ops: Vec<&Op>,
    run: Option<&Run>,
    records: usize,
) -> Result<Option<(String, js_sys::Uint8Array)>, StoreError> {
    let Some(last) = ops
        .iter()
        .max_by(|a, b| a.precedence().cmp(&b.precedence()))
    else {
        return Ok(None);
    };
    let key = format!("{} {records}", last_op_key(last));
    // Room for most entries, so the buffer is not grown and copied.
    let mut json = Vec::with_capacity(ops.len() * OUTBOX_BYTES_PER_OP);
    match run {
        Some(run) => outbox::write_run(ops, run, &mut json),
        None => outbox::write(ops, &mut json),
    }
    .map_err(|error| StoreError::Unencodable(error.to_string()))?;
    Ok(Some((key, js_sys::Uint8Array::from(json.as_slice()))))
}

/// The ops of an outbox entry as stored: JSON bytes, or JSON text as entries were written
/// before (see [`outbox_entry`]).
fn outbox_ops(entry: JsValue) -> Result<Vec<Op>, StoreError> {
    let read = match entry.as_string() {
        Some(text) => outbox::read(text.as_bytes()),
        None => match entry.dyn_into::<js_sys::Uint8Array>() {
            Ok(bytes) => outbox::read(&bytes.to_vec()),
            Err(other) => {
                return Err(StoreError::unreadable(
                    StoreEntry::OutboxEntry,
                    format!("neither text nor bytes: {other:?}"),
                ))
            }
        },
    };
    read.map_err(|error| StoreError::unreadable(StoreEntry::OutboxEntry, error))
}

fn last_op_key(op: &Op) -> String {
    format!("{} {}", op.stamp.to_sort_key(), op.id)
}

/// The greatest key an entry whose last op is `op` can have: `~` sorts after every digit.
fn outbox_keys_through(op: &Op) -> String {
    format!("{} ~", last_op_key(op))
}

/// The records an entry writes, from its key. Entries written before keys held the count
/// (`"<stamp> <op id>"`) were one record each.
fn outbox_records(key: &str) -> usize {
    key.split(' ')
        .nth(2)
        .and_then(|records| records.parse().ok())
        .unwrap_or(1)
}

/// The latest clock any replica (tab) of this database saved, if one did.
async fn read_clock(db: &Database) -> Result<Option<Clock>, StoreError> {
    let tx = db
        .transaction(META)
        .with_mode(TransactionMode::Readonly)
        .build()?;
    let stored: Option<String> = tx.object_store(META)?.get(CLOCK_KEY).build()?.await?;
    stored.as_deref().map(parse_clock).transpose()
}

fn parse_clock(text: &str) -> Result<Clock, StoreError> {
    serde_json::from_str(text).map_err(|error| StoreError::unreadable(StoreEntry::Clock, error))
}

/// Sends a write without waiting for it: IndexedDB runs requests in order, and a failed one
/// aborts the transaction, which [`commit`] reports.
fn send<Request>(request: indexed_db_futures::Result<Request>) -> Result<(), StoreError> {
    request.map(drop).map_err(StoreError::from)
}

/// The stored records (empty for new ones) of `keys`, all read in one go.
async fn read_records(
    stores: &BTreeMap<EntityKind, ObjectStore<'_>>,
    packs: Option<&ObjectStore<'_>>,
    merge: &ObjectStore<'_>,
    keys: &[(EntityKind, &Id)],
) -> Result<Vec<Record>, StoreError> {
    let stored = read_stored(stores, packs, merge, keys).await?;
    let merge_states = stored.merge_states(keys)?;
    let rows = row::decode_rows(keys, stored.rows.clone())?;
    keys.iter()
        .zip(rows.into_iter().zip(merge_states))
        .map(|(&(kind, _), stored)| match stored {
            (Some(row), Some(merge_state)) => row::into_record(kind, row, &merge_state.state),
            _ => Ok(Record::default()),
        })
        .collect()
}

/// A stored row as read, for a bulk change to patch, and where its record's merge state is:
/// `delta`, its lines over the full merge state under the key `base`.
struct ReadRow {
    row: JsValue,
    base: String,
    delta: String,
}

/// The stored records of `keys` for a bulk change that sets the fields `written` names of
/// each (see [`MergeStates::SharedRowsPatched`]): each record with every field's merge state
/// but the values of those fields alone (the others `null`, never read), and its row as
/// read (`None` for a record not stored), to be patched and put back.
async fn read_for_patching<'a>(
    stores: &BTreeMap<EntityKind, ObjectStore<'_>>,
    packs: Option<&ObjectStore<'_>>,
    merge: &ObjectStore<'_>,
    keys: &[(EntityKind, &Id)],
    written: impl Iterator<Item = BTreeSet<&'a str>>,
) -> Result<(Vec<Record>, Vec<Option<ReadRow>>), StoreError> {
    let Some(&(first_kind, first_id)) = keys.first() else {
        return Ok((Vec::new(), Vec::new()));
    };
    // The parts of the read phase, for profiles.
    let mut phases = Phases::new(keys.len());
    let stored = read_stored(stores, packs, merge, keys).await?;
    phases.end("write: read: requests answered");
    let merge_states = stored.merge_states(keys)?;
    let written: Vec<BTreeSet<&str>> = written.collect();
    let picked = stored
        .rows
        .iter()
        .zip(&written)
        .filter_map(|(row, fields)| {
            let row = row.as_ref()?;
            Some(fields.iter().map(move |field| (row, *field)))
        })
        .flatten();
    let mut values = row::field_values(picked)
        .map_err(|reason| row::corrupt(first_kind, first_id, reason))?
        .into_iter();
    phases.end("write: read: merge states found, written values copied");
    let mut records = Vec::with_capacity(keys.len());
    let mut rows = Vec::with_capacity(keys.len());
    let stored_rows = stored.rows.iter().zip(merge_states);
    let mut slice = Slice::new();
    for ((&(kind, id), (row, resolved)), fields) in keys.iter().zip(stored_rows).zip(&written) {
        breathe(&mut slice, merge).await?;
        let (Some(row), Some(resolved)) = (row, resolved) else {
            records.push(Record::default());
            rows.push(None);
            continue;
        };
        let read: BTreeMap<&str, Value> = fields
            .iter()
            .map(|field| (*field, values.next().unwrap_or(Value::Null)))
            .collect();
        records.push(row::rebuild_written(
            kind,
            id,
            &resolved.state,
            fields,
            |field| Ok(read.get(field).cloned().unwrap_or(Value::Null)),
        )?);
        rows.push(Some(ReadRow {
            row: row.clone(),
            base: resolved.base.into_owned(),
            delta: resolved.delta.to_owned(),
        }));
    }
    phases.end("write: read: records rebuilt");
    Ok((records, rows))
}

/// Rows as read, with their own merge states and the shared ones they name, not decoded.
struct Stored {
    rows: Vec<Option<JsValue>>,
    own: Vec<Option<String>>,
    shared: BTreeMap<String, String>,
}

/// A stored record's merge state, whole, and how it is kept: its lines (`delta`) over the
/// full merge state under `base` — its own, or a shared one —, none when it is that one.
struct Resolved<'a> {
    state: Cow<'a, str>,
    base: Cow<'a, str>,
    delta: &'a str,
}

/// The rows of `keys` (their own, else their packs'), their own merge states and the shared
/// merge states they name (and those their parts lie over), all read in one go.
async fn read_stored(
    stores: &BTreeMap<EntityKind, ObjectStore<'_>>,
    packs: Option<&ObjectStore<'_>>,
    merge: &ObjectStore<'_>,
    keys: &[(EntityKind, &Id)],
) -> Result<Stored, StoreError> {
    let mut rows: Vec<Option<JsValue>> = Vec::with_capacity(keys.len());
    let mut own: Vec<Option<String>> = Vec::with_capacity(keys.len());
    // Each run of keys of one kind is read together (a merge sorts its keys by kind).
    for of_kind in keys.chunk_by(|(a, _), (b, _)| a == b) {
        let kind = of_kind[0].0;
        let ids: Vec<String> = of_kind.iter().map(|(_, id)| id.to_string()).collect();
        let own_keys: Vec<String> = of_kind
            .iter()
            .map(|&(kind, id)| row::merge_key(kind, id))
            .collect();
        let spanned = spans_densely(&stores[&kind], &ids).await?;
        let (kind_rows, kind_own) = futures::join!(
            read_keys::<JsValue>(&stores[&kind], &ids, spanned),
            read_keys::<String>(merge, &own_keys, spanned),
        );
        let mut kind_rows = kind_rows?;
        if let Some(packs) = packs {
            packs::fill_in(packs, kind, &ids, &mut kind_rows).await?;
        }
        rows.extend(kind_rows);
        own.extend(kind_own?);
    }
    let named: BTreeSet<String> = rows
        .iter()
        .flatten()
        .filter_map(row::shared_key_of)
        .collect();
    let mut shared = read_texts(merge, named).await?;
    // Parts of a bulk change's shared merge state lie over full ones, never over another
    // such part: one more read at most.
    let bases: BTreeSet<String> = shared
        .values()
        .flat_map(|text| row::shared_bases(text))
        .filter(|base| !shared.contains_key(*base))
        .map(str::to_owned)
        .collect();
    shared.extend(read_texts(merge, bases).await?);
    Ok(Stored { rows, own, shared })
}

/// From this many keys of one kind on, a read may take their key range (see
/// [`spans_densely`]); fewer are read a request each, as a single write's are.
const SPAN_READ_FROM: usize = 256;

/// Whether the stored records between the least and the greatest of `ids` are at most
/// twice as many as `ids` (a bulk change of most of a list): those ids are then read as
/// their key range, a few requests in all, instead of a request each, whose making and
/// answering cost a bulk change of 10,000 records more than the reading.
async fn spans_densely(store: &ObjectStore<'_>, ids: &[String]) -> Result<bool, StoreError> {
    let (Some(least), Some(greatest)) = (ids.iter().min(), ids.iter().max()) else {
        return Ok(false);
    };
    if ids.len() < SPAN_READ_FROM {
        return Ok(false);
    }
    let held = store
        .count()
        .with_query::<&str, _>(KeyRange::Bound(
            least.as_str(),
            false,
            greatest.as_str(),
            false,
        ))
        .build()?
        .await?;
    Ok(held as usize <= 2 * ids.len())
}

/// The values stored under `keys` (`None` where none is), in their order: when `spanned`, as
/// the key range from the least to the greatest (its values and their keys, two requests),
/// else a request per key. A merge state's key is its record's id after the kind and a
/// slash, so the records' own merge states span the same way as their rows.
async fn read_keys<T>(
    store: &ObjectStore<'_>,
    keys: &[String],
    spanned: bool,
) -> Result<Vec<Option<T>>, StoreError>
where
    T: TryFromJs,
    Option<T>: TryFromJs,
{
    let (Some(least), Some(greatest), true) = (keys.iter().min(), keys.iter().max(), spanned)
    else {
        let reads = keys
            .iter()
            .map(|key| store.get::<T, _, _>(key.as_str()).build())
            .collect::<Result<Vec<_>, _>>()?;
        return answers(reads).await;
    };
    let span = || KeyRange::Bound(least.as_str(), false, greatest.as_str(), false);
    let values = store.get_all::<T>().with_query::<&str, _>(span()).build()?;
    let held = store
        .get_all_keys::<String>()
        .with_query::<&str, _>(span())
        .build()?;
    let (values, held) = (values.await?, held.await?);
    let mut by_key: HashMap<String, T> = HashMap::with_capacity(values.len());
    for (key, value) in held.zip(values) {
        by_key.insert(key?, value?);
    }
    Ok(keys.iter().map(|key| by_key.remove(key)).collect())
}

/// The texts stored in the `merge` store under `keys`, those that are.
async fn read_texts(
    merge: &ObjectStore<'_>,
    keys: BTreeSet<String>,
) -> Result<BTreeMap<String, String>, StoreError> {
    let reads = keys
        .iter()
        .map(|key| merge.get(key.as_str()).build())
        .collect::<Result<Vec<_>, _>>()?;
    let texts: Vec<Option<String>> = answers(reads).await?;
    let mut read = BTreeMap::new();
    for (key, text) in keys.into_iter().zip(texts) {
        let Some(text) = text else { continue };
        // A bulk write of new records keeps theirs as a run: read in the usual layout.
        let text = match run::expand_shared(&text) {
            Ok(Cow::Borrowed(_)) => text,
            Ok(Cow::Owned(expanded)) => expanded,
            Err(error) => {
                return Err(StoreError::unreadable(
                    StoreEntry::SharedMergeState,
                    format!("{key}: {error}"),
                ))
            }
        };
        read.insert(key, text);
    }
    Ok(read)
}

impl Stored {
    /// Each record's merge state (`None` when no row is stored). A row naming a shared merge
    /// state (a bulk write's, and none written since) has its merge state there, whole or
    /// as lines over a full one; an own merge state it may also have is then from before
    /// that write, unless its part there lies over it.
    fn merge_states(
        &self,
        keys: &[(EntityKind, &Id)],
    ) -> Result<Vec<Option<Resolved<'_>>>, StoreError> {
        let shared: BTreeMap<&str, HashMap<&str, &str>> = self
            .shared
            .iter()
            .map(|(key, text)| (key.as_str(), row::split_shared(text)))
            .collect();
        let part =
            |key: &str, record: &str| shared.get(key).and_then(|parts| parts.get(record)).copied();
        keys.iter()
            .zip(self.rows.iter().zip(&self.own))
            .map(|(&(kind, id), stored)| {
                let half_stored = || row::corrupt(kind, id, "half stored".into());
                let (row, own) = match stored {
                    (Some(row), own) => (row, own.as_deref()),
                    (None, None) => return Ok(None),
                    (None, Some(_)) => return Err(half_stored()),
                };
                let own_key = row::merge_key(kind, id);
                let Some(at) = row::shared_key_of(row) else {
                    let state = own.ok_or_else(half_stored)?;
                    return Ok(Some(Resolved {
                        state: state.into(),
                        base: own_key.into(),
                        delta: "",
                    }));
                };
                let kept = part(&at, &own_key).ok_or_else(half_stored)?;
                let resolved = match row::over_base(kept) {
                    (None, _) => Resolved {
                        state: kept.into(),
                        base: at.into(),
                        delta: "",
                    },
                    (Some(base), delta) => {
                        let full = match base == own_key {
                            true => own,
                            false => part(base, &own_key),
                        }
                        .filter(|full| row::over_base(full).0.is_none())
                        .ok_or_else(half_stored)?;
                        Resolved {
                            state: row::overlay(full, delta).into(),
                            base: base.into(),
                            delta,
                        }
                    }
                };
                Ok(Some(resolved))
            })
            .collect()
    }
}

/// The answers to requests sent in one transaction, in order. IndexedDB answers requests in
/// the order sent, so once the last is answered all are: the others are then taken at once
/// rather than waiting a turn of the event loop each, which costs more than the read.
async fn answers<T>(
    mut requests: Vec<impl Future<Output = indexed_db_futures::Result<T>> + Unpin>,
) -> Result<Vec<T>, StoreError> {
    let Some(last) = requests.pop() else {
        return Ok(Vec::new());
    };
    let last = last.await?;
    let mut answers = Vec::with_capacity(requests.len() + 1);
    for request in requests {
        answers.push(request.await?);
    }
    answers.push(last);
    Ok(answers)
}

/// A key no write uses, read to let the browser draw (see [`breathe`]).
const BREATH_KEY: &str = "~breath";

/// Lets the browser draw a frame once `slice` of a write's synchronous work has run long
/// enough, without letting the write's transaction end: a transaction stays alive only while
/// a request is pending, so this awaits one (a read of a key no write uses in `store`, one of
/// the transaction's), never a timer. IndexedDB answers it after the requests sent before it.
async fn breathe(slice: &mut Slice, store: &ObjectStore<'_>) -> Result<(), StoreError> {
    if slice.due() {
        let _: Option<JsValue> = store.get(BREATH_KEY).build()?.await?;
        slice.restart();
    }
    Ok(())
}

/// Commits (transactions roll back unless committed) and waits until the data is stored.
async fn commit(tx: Transaction<'_>) -> Result<(), StoreError> {
    let transaction: IdbTransaction = tx.as_sys().unchecked_ref::<IdbTransaction>().clone();
    tx.commit()
        .await
        .map_err(|error| error::not_committed(transaction.error(), error))
}

fn raw_database(db: &Database) -> IdbDatabase {
    db.as_sys().unchecked_ref::<IdbDatabase>().clone()
}
