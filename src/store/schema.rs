//! The database's shape and how it gets there: an ordered list of migration steps, run by
//! the browser's upgrade transaction when the stored version is behind.
//!
//! Steps are never edited once released: a database at version N has run exactly steps
//! 1..=N, so a new store or index is always a new step.

use super::row;
use super::StoreError;
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
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{IdbDatabase, IdbObjectStoreParameters, IdbOpenDbRequest, IdbTransaction};

/// Local ops not yet acknowledged by a sync server (see `Store::outbox`).
pub(super) const OUTBOX: &str = "outbox";
/// This replica's own state: its clock, which holds its node id.
pub(super) const META: &str = "meta";
/// Every record's merge state (see `row`), keyed by `row::merge_key`.
pub(super) const MERGE: &str = "merge";

/// One schema step: gets the database and its upgrade transaction (the only way to reach
/// stores that already exist while upgrading).
type Migration = fn(&IdbDatabase, &IdbTransaction) -> Result<(), JsValue>;

const MIGRATIONS: [Migration; 2] = [create_stores, create_view_indexes];

/// The current schema version: the number of migration steps.
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

/// Step 1: a store per kind of record (keyed by the row's `id`), the records' merge state,
/// the outbox and the meta store (these three keyed by the caller).
fn create_stores(db: &IdbDatabase, _: &IdbTransaction) -> Result<(), JsValue> {
    // The kinds of version 1, spelled out: a kind added later needs a step of its own, and
    // `EntityKind::ALL` would silently grow this released step instead.
    const KINDS_OF_VERSION_1: [EntityKind; 13] = [
        EntityKind::Company,
        EntityKind::Contact,
        EntityKind::Pipeline,
        EntityKind::Deal,
        EntityKind::Activity,
        EntityKind::Task,
        EntityKind::Ticket,
        EntityKind::Product,
        EntityKind::Invoice,
        EntityKind::Campaign,
        EntityKind::Segment,
        EntityKind::TeamMember,
        EntityKind::Settings,
    ];
    let keyed_by_id = IdbObjectStoreParameters::new();
    keyed_by_id.set_key_path(&JsValue::from_str(row::ID));
    for kind in KINDS_OF_VERSION_1 {
        db.create_object_store_with_optional_parameters(kind.as_str(), &keyed_by_id)?;
    }
    for name in [MERGE, OUTBOX, META] {
        db.create_object_store(name)?;
    }
    Ok(())
}

/// Step 2: the indexes views look records up by. The browser fills them from the rows
/// already stored, so upgrading keeps every record.
fn create_view_indexes(_: &IdbDatabase, upgrade: &IdbTransaction) -> Result<(), JsValue> {
    for index in VIEW_INDEXES {
        upgrade
            .object_store(index.kind.as_str())?
            .create_index_with_str_sequence(&index.name(), &index.key_path())?;
    }
    Ok(())
}

/// A secondary index over current values of some fields of one kind, in order. Rows whose
/// fields are missing or `null` are left out of it (IndexedDB skips invalid keys), and
/// deleted rows stay in it, so lookups filter them.
pub(super) struct ViewIndex {
    pub kind: EntityKind,
    pub fields: &'static [&'static str],
}

impl ViewIndex {
    /// The index name: its fields joined by `+`, e.g. `contact_id+at`.
    pub fn name(&self) -> String {
        self.fields.join("+")
    }

    /// A key path into the row's values (`v.company_id`), or an array of them.
    fn key_path(&self) -> JsValue {
        let paths: Vec<String> = self
            .fields
            .iter()
            .map(|field| format!("{}.{field}", row::VALUES))
            .collect();
        match paths.as_slice() {
            [single] => JsValue::from_str(single),
            _ => paths
                .iter()
                .map(|path| JsValue::from_str(path))
                .collect::<js_sys::Array>()
                .into(),
        }
    }
}

pub(super) const CONTACTS_BY_COMPANY: ViewIndex = ViewIndex {
    kind: EntityKind::Contact,
    fields: &["company_id"],
};
pub(super) const DEALS_BY_STAGE: ViewIndex = ViewIndex {
    kind: EntityKind::Deal,
    fields: &["stage_id"],
};
pub(super) const ACTIVITIES_BY_CONTACT: ViewIndex = ViewIndex {
    kind: EntityKind::Activity,
    fields: &["contact_id", "at"],
};
pub(super) const ACTIVITIES_BY_COMPANY: ViewIndex = ViewIndex {
    kind: EntityKind::Activity,
    fields: &["company_id", "at"],
};
pub(super) const ACTIVITIES_BY_DEAL: ViewIndex = ViewIndex {
    kind: EntityKind::Activity,
    fields: &["deal_id", "at"],
};
pub(super) const ACTIVITIES_BY_TICKET: ViewIndex = ViewIndex {
    kind: EntityKind::Activity,
    fields: &["ticket_id", "at"],
};
pub(super) const TASKS_BY_DUE: ViewIndex = ViewIndex {
    kind: EntityKind::Task,
    fields: &["due_at"],
};
pub(super) const INVOICES_BY_STATUS: ViewIndex = ViewIndex {
    kind: EntityKind::Invoice,
    fields: &["status"],
};

const VIEW_INDEXES: [&ViewIndex; 8] = [
    &CONTACTS_BY_COMPANY,
    &DEALS_BY_STAGE,
    &ACTIVITIES_BY_CONTACT,
    &ACTIVITIES_BY_COMPANY,
    &ACTIVITIES_BY_DEAL,
    &ACTIVITIES_BY_TICKET,
    &TASKS_BY_DUE,
    &INVOICES_BY_STATUS,
];

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
