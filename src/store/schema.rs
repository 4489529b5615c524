//! The database's shape and how it gets there: an ordered list of migration steps, run by
//! the browser's upgrade transaction when the stored version is behind.
//!
//! Steps are never edited once released: a database at version N has run exactly steps
//! 1..=N, so a new store or index is always a new step.

use super::StoreError;
use super::{history, row};
use indexed_db_futures::database::Database;
use indexed_db_futures::error::Error as IdbError;
use indexed_db_futures::future::OpenDbRequest;
use indexed_db_futures::internals::SystemRepr;
use indexed_db_futures::Build;
use rabet_domain::kind::EntityKind;
use std::cell::{Cell, RefCell};
use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Poll, Waker};
use wasm_bindgen::{closure::Closure, JsCast, JsValue};
use web_sys::{IdbDatabase, IdbObjectStoreParameters, IdbOpenDbRequest, IdbTransaction};

/// Local ops not yet acknowledged by a sync server (see `Store::outbox`).
pub(super) const OUTBOX: &str = "outbox";
/// This replica's own state: its clock, which holds its node id.
pub(super) const META: &str = "meta";
/// Every record's merge state (see `row`), keyed by `row::merge_key`.
pub(super) const MERGE: &str = "merge";
/// Field history (`rabet_domain::history::Change` as JSON text), keyed by
/// `history::change_key`: a record's changes are one key range.
pub(super) const HISTORY: &str = "history";
/// The activity feed's index of the field history by time: keyed by `history::feed_key`
/// (stamp order), each value the change's key in [`HISTORY`].
pub(super) const FEED: &str = "history_by_time";
/// A bulk change's field history in chunks of records (see `history::BulkChunks`), keyed by
/// `history::chunk_key`: a record's chunks are a few key ranges.
pub(super) const HISTORY_BULK: &str = "history_bulk";

/// The rows of new records a bulk write made, many to a value (see `packs`), keyed by
/// the caller.
pub(super) const PACKS: &str = "packs";

/// One schema step: gets the database and its upgrade transaction (the only way to reach
/// stores that already exist while upgrading).
type Migration = fn(&IdbDatabase, &IdbTransaction) -> Result<(), JsValue>;

/// Adding a kind of record: append `create_kind_stores` (which makes the stores of kinds
/// that have none), so that databases made before the kind get its store.
const MIGRATIONS: [Migration; 12] = [
    create_stores,
    create_view_indexes,
    drop_view_indexes,
    create_history_store,
    // Automation: the rules and their runs.
    create_kind_stores,
    // Saved views of lists (issue 17).
    create_kind_stores,
    // Activity feed (issue 16).
    create_feed_store,
    // Message templates (issue 16): the workspace's, synced.
    create_kind_stores,
    // Custom field definitions (issue 17).
    create_kind_stores,
    // In-app notifications from automation rules (issue 22).
    create_kind_stores,
    // A bulk change's history in chunks of records (issue 17).
    create_bulk_history_store,
    // A bulk write's new rows, many to a value (issue 20).
    create_packs_store,
];

/// The current schema version: the number of migration steps.
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

/// Step 1: a store per kind of record (keyed by the row's `id`), the records' merge state,
/// the outbox and the meta store (these three keyed by the caller).
fn create_stores(db: &IdbDatabase, upgrade: &IdbTransaction) -> Result<(), JsValue> {
    create_kind_stores(db, upgrade)?;
    for name in [MERGE, OUTBOX, META] {
        db.create_object_store(name)?;
    }
    Ok(())
}

/// Step 4 (roles, issue 16): the field history store, keyed by the caller.
fn create_history_store(db: &IdbDatabase, _: &IdbTransaction) -> Result<(), JsValue> {
    db.create_object_store(HISTORY)?;
    Ok(())
}

/// Step 11 (bulk changes under 2 s, issue 17): a bulk change's field history in chunks of
/// records, keyed by the caller. The history kept before stays where it is, and reads as before.
fn create_bulk_history_store(db: &IdbDatabase, _: &IdbTransaction) -> Result<(), JsValue> {
    db.create_object_store(HISTORY_BULK)?;
    Ok(())
}

/// Step 12 (a join and an import at storage speed, issue 20): packs of rows. Rows stored
/// before stay in their kinds' stores.
fn create_packs_store(db: &IdbDatabase, _: &IdbTransaction) -> Result<(), JsValue> {
    db.create_object_store(PACKS)?;
    Ok(())
}

/// Step 6 (activity feed, issue 16): the history's index by time, filled from the changes
/// already kept (see `history::feed_index_of`).
fn create_feed_store(db: &IdbDatabase, upgrade: &IdbTransaction) -> Result<(), JsValue> {
    let feed = db.create_object_store(FEED)?;
    let history = upgrade.object_store(HISTORY)?;
    // Requests are answered in order: once the changes are, so are their keys.
    let keys = history.get_all_keys()?;
    let changes = history.get_all()?;
    let read = changes.clone();
    let upgrade = upgrade.clone();
    let index = Closure::once_into_js(move || {
        let indexed = keys.result().and_then(|keys| {
            let changes = js_sys::Array::from(&read.result()?);
            js_sys::Array::from(&keys)
                .iter()
                .zip(changes.iter())
                .try_for_each(|(key, change)| {
                    let key = key.as_string().unwrap_or_default();
                    let change = change.as_string().unwrap_or_default();
                    let (at, entry) = history::feed_index_of(&key, &change).ok_or_else(|| {
                        js_sys::Error::new(&format!("unreadable history entry {key}"))
                    })?;
                    feed.put_with_key(&JsValue::from_str(&entry), &JsValue::from_str(&at))
                        .map(drop)
                })
        });
        // A change the feed cannot index fails the upgrade rather than go missing from it.
        if indexed.is_err() {
            // Aborting fails the open, which reports it; nothing else to tell here.
            upgrade.abort().ok();
        }
    });
    changes.set_onsuccess(Some(index.unchecked_ref()));
    Ok(())
}

/// A store, keyed by the row's `id`, for every kind that has none yet.
fn create_kind_stores(db: &IdbDatabase, _: &IdbTransaction) -> Result<(), JsValue> {
    let existing = db.object_store_names();
    let keyed_by_id = IdbObjectStoreParameters::new();
    keyed_by_id.set_key_path(&JsValue::from_str(row::ID));
    for kind in EntityKind::ALL {
        if !existing.contains(kind.as_str()) {
            db.create_object_store_with_optional_parameters(kind.as_str(), &keyed_by_id)?;
        }
    }
    Ok(())
}

/// The indexes of version 2, over current values (`v.<field>`) of one kind: kind, fields.
/// Nothing reads them since the app answers from memory (`Referrers`), so version 3 drops
/// them again: every put of every import maintained them.
const VERSION_2_INDEXES: [(EntityKind, &[&str]); 8] = [
    (EntityKind::Contact, &["company_id"]),
    (EntityKind::Deal, &["stage_id"]),
    (EntityKind::Activity, &["contact_id", "at"]),
    (EntityKind::Activity, &["company_id", "at"]),
    (EntityKind::Activity, &["deal_id", "at"]),
    (EntityKind::Activity, &["ticket_id", "at"]),
    (EntityKind::Task, &["due_at"]),
    (EntityKind::Invoice, &["status"]),
];

/// An index's name: its fields joined by `+`, e.g. `contact_id+at`.
fn index_name(fields: &[&str]) -> String {
    fields.join("+")
}

/// Step 2: the indexes of [`VERSION_2_INDEXES`]. The browser fills them from the rows
/// already stored, so upgrading keeps every record.
fn create_view_indexes(_: &IdbDatabase, upgrade: &IdbTransaction) -> Result<(), JsValue> {
    for (kind, fields) in VERSION_2_INDEXES {
        let paths: js_sys::Array = fields
            .iter()
            .map(|field| JsValue::from_str(&format!("{}.{field}", row::VALUES)))
            .collect();
        let key_path = match paths.length() {
            1 => paths.get(0),
            _ => paths.into(),
        };
        upgrade
            .object_store(kind.as_str())?
            .create_index_with_str_sequence(&index_name(fields), &key_path)?;
    }
    Ok(())
}

/// Step 3: drops the indexes step 2 made; the records stay as they are.
fn drop_view_indexes(_: &IdbDatabase, upgrade: &IdbTransaction) -> Result<(), JsValue> {
    for (kind, fields) in VERSION_2_INDEXES {
        upgrade
            .object_store(kind.as_str())?
            .delete_index(&index_name(fields))?;
    }
    Ok(())
}

/// Opens `name` at `version` (at most [`SCHEMA_VERSION`]), running the steps it lacks.
///
/// If another tab holds the database open at an older version and does not let go, this
/// fails with `Unavailable` at once rather than waiting; the open carries on in the
/// background, so the upgrade still completes (with its steps) once that tab closes.
pub(super) async fn open_database(name: &str, version: u32) -> Result<Database, StoreError> {
    // indexed_db_futures 0.6 does not hand the upgrade transaction to its callback (its
    // issue #66), but the open request has it; the request exists only after `build`.
    let request_slot: Rc<RefCell<Option<IdbOpenDbRequest>>> = Rc::default();
    let blocked = Rc::new(BlockedSignal::default());
    let mut open: OpenDbRequest = Database::open(name)
        .with_version(version)
        .with_on_blocked({
            let blocked = Rc::clone(&blocked);
            move |_| {
                blocked.raise();
                Ok(())
            }
        })
        .with_on_upgrade_needed({
            let request_slot = Rc::clone(&request_slot);
            move |event, _| {
                let request = request_slot.borrow().clone();
                let request = request.ok_or_else(|| js_sys::Error::new("no open request"))?;
                // Versions are small whole numbers.
                let from = event.old_version() as usize;
                migrate(&request, from, version as usize).map_err(IdbError::from)
            }
        })
        .build()?;
    *request_slot.borrow_mut() = Some(open.as_sys().clone());

    let outcome = poll_fn(|cx| match Pin::new(&mut open).poll(cx) {
        Poll::Ready(result) => Poll::Ready(Some(result)),
        Poll::Pending if blocked.is_raised(cx.waker()) => Poll::Ready(None),
        Poll::Pending => Poll::Pending,
    })
    .await;
    match outcome {
        Some(result) => Ok(result?),
        None => {
            wasm_bindgen_futures::spawn_local(async move {
                // Nobody waits for this connection: close it once the upgrade is done. A
                // failure here was already reported as `Unavailable`.
                if let Ok(db) = open.await {
                    db.close();
                }
            });
            Err(StoreError::Unavailable(
                "another tab keeps an older version of the database open".into(),
            ))
        }
    }
}

fn migrate(request: &IdbOpenDbRequest, from: usize, to: usize) -> Result<(), JsValue> {
    let db: IdbDatabase = request.result()?.dyn_into()?;
    let upgrade = request
        .transaction()
        .ok_or_else(|| js_sys::Error::new("no upgrade transaction"))?;
    MIGRATIONS[from..to]
        .iter()
        .try_for_each(|step| step(&db, &upgrade))
}

/// Set by the open request's `blocked` event; wakes the task waiting on the open.
#[derive(Default)]
struct BlockedSignal {
    raised: Cell<bool>,
    waker: RefCell<Option<Waker>>,
}

impl BlockedSignal {
    fn raise(&self) {
        self.raised.set(true);
        if let Some(waker) = self.waker.borrow_mut().take() {
            waker.wake();
        }
    }

    /// Whether the signal was raised; if not, `waker` is woken when it is.
    fn is_raised(&self, waker: &Waker) -> bool {
        if !self.raised.get() {
            *self.waker.borrow_mut() = Some(waker.clone());
        }
        self.raised.get()
    }
}
