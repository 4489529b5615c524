//! The workspace in memory: every record is loaded from the store once at start and kept in
//! signals, so lists and search never wait on IndexedDB and every view updates after a write.
//! Views write through `Workspace` only; it writes through the store, then updates memory.

pub use crate::store::Ids;
use crate::store::{Changed, Phases, Store, StoreError, TabNews, Writer};
use futures::{
    channel::{mpsc, oneshot},
    StreamExt,
};
use hashbrown::HashTable;
use leptos::prelude::*;
use rabet_domain::sorting::sort_by_key;
use rabet_domain::{
    backup::Backup,
    feed::FeedEntry,
    history::Change,
    id::Id,
    kind::EntityKind,
    model::{
        Activity, AutomationRule, AutomationRun, Campaign, Company, Contact, Deal, Entity,
        FieldDefinition, Invoice, MessageTemplate, Notification, Pipeline, Product, SavedView,
        Segment, Settings, Task, TeamMember, Ticket,
    },
    referrers::{Referrers, Refers},
    search::{search_text, Haystack, Query, Rank},
    sync::{rows::RowValues, Refusal, Role},
};
use std::{
    collections::{BTreeSet, HashMap},
    future::Future,
    pin::Pin,
    rc::Rc,
    sync::OnceLock,
    time::Duration,
};
use wasm_bindgen::{closure::Closure, JsCast};

/// Records of one kind, with their search text computed once per write rather than per keystroke.
#[derive(Clone, Debug)]
pub struct Collection<E: Listed> {
    items: Vec<E>,
    /// Each record's search text, for kinds that lists search by text; `()` for the others.
    search: Vec<E::SearchText>,
    /// The search texts in one string, built by the first search after a write.
    haystack: OnceLock<Haystack>,
    /// Which records name which ids, for the 360 page. Built once after load (see
    /// [`Workspace::prepare_referrers`]) and then kept up to date by each write: rebuilding it
    /// for one logged call would cost a pass over every record.
    referrers: OnceLock<Referrers>,
    positions: Positions,
}

impl<E: Listed> Default for Collection<E> {
    fn default() -> Self {
        Collection {
            items: Vec::new(),
            search: Vec::new(),
            haystack: OnceLock::new(),
            referrers: OnceLock::new(),
            positions: Positions::default(),
        }
    }
}

impl<E: Listed> Collection<E> {
    /// The records as loaded, kept in the vector they came in: at 100k contacts a second
    /// vector of 250k invoices, built while the first is still held, would set wasm memory's
    /// high-water mark. A repeated id keeps the later record, as upserting would.
    pub fn from_items(items: Vec<E>) -> Self {
        let mut positions = Positions(HashTable::with_capacity(items.len()));
        for at in 0..items.len() {
            if positions.get(&items, items[at].id()).is_some() {
                return Self::upserting(items);
            }
            positions.insert(&items, at);
        }
        Collection {
            search: items.iter().map(Listed::search_text).collect(),
            items,
            positions,
            ..Collection::default()
        }
    }

    fn upserting(items: Vec<E>) -> Self {
        let mut collection = Collection::default();
        for item in items {
            collection.upsert(item);
        }
        collection
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn get(&self, id: &Id) -> Option<&E> {
        self.positions
            .get(&self.items, id)
            .map(|at| &self.items[at])
    }

    /// The record whose id is `text` from outside (a URL, a form's value), looked up without
    /// adding `text` to the id table, which keeps only the ids of records held.
    pub fn find(&self, text: &str) -> Option<&E> {
        Id::find(text).and_then(|id| self.get(&id))
    }

    pub fn iter(&self) -> impl Iterator<Item = &E> {
        self.items.iter()
    }

    /// Every record, in storage order (what the domain's selections take).
    pub fn as_slice(&self) -> &[E] {
        &self.items
    }

    /// The record at `position` (positions are stable until the next write).
    pub fn at(&self, position: usize) -> &E {
        &self.items[position]
    }

    /// Which records name which ids (see [`Referrers`]).
    pub fn referrers(&self) -> &Referrers {
        self.referrers.get_or_init(|| Referrers::of(&self.items))
    }

    /// The records that name `id`, in storage order, from [`Collection::referrers`].
    pub fn naming(&self, id: &Id) -> impl Iterator<Item = &E> {
        let mut positions = self.referrers().naming(id).to_vec();
        positions.sort_unstable();
        positions
            .into_iter()
            .map(|position| &self.items[position as usize])
    }

    /// Positions of all records, ordered by `key`.
    pub fn positions_by<K: Ord>(&self, key: impl Fn(&E) -> K) -> Vec<usize> {
        let mut keyed: Vec<(K, usize)> = self
            .items
            .iter()
            .enumerate()
            .map(|(at, item)| (key(item), at))
            .collect();
        keyed.sort_unstable();
        keyed.into_iter().map(|(_, at)| at).collect()
    }

    pub fn upsert(&mut self, item: E) {
        self.haystack.take();
        let text = item.search_text();
        match self.positions.get(&self.items, item.id()) {
            Some(at) => {
                if let Some(referrers) = self.referrers.get_mut() {
                    referrers.remove(&self.items[at], at);
                    referrers.add(&item, at);
                }
                self.items[at] = item;
                self.search[at] = text;
            }
            None => {
                if let Some(referrers) = self.referrers.get_mut() {
                    referrers.add(&item, self.items.len());
                }
                self.items.push(item);
                self.search.push(text);
                self.positions.insert(&self.items, self.items.len() - 1);
            }
        }
    }

    pub fn remove(&mut self, id: &Id) -> Option<E> {
        let at = self.positions.remove(&self.items, id)?;
        self.haystack.take();
        if let Some(referrers) = self.referrers.get_mut() {
            let last = self.items.len() - 1;
            referrers.remove(&self.items[at], at);
            if at != last {
                // The last record moves into the gap.
                referrers.remove(&self.items[last], last);
                referrers.add(&self.items[last], at);
            }
        }
        self.search.swap_remove(at);
        let removed = self.items.swap_remove(at);
        if at < self.items.len() {
            self.positions.moved(&self.items, self.items.len(), at);
        }
        Some(removed)
    }
}

impl<E: Searched> Collection<E> {
    /// The normalized search text of the record at `position` (what segments' text matches).
    pub fn search_text_at(&self, position: usize) -> &str {
        &self.search[position]
    }

    /// Whether the record at `position` contains every word of `query`: for pickers, which
    /// stop after their first few matches.
    pub fn matches_at(&self, position: usize, query: &Query) -> bool {
        query.matches(&self.search[position])
    }

    /// Which records contain every word of `query`, by position: for lists, which show them
    /// all.
    pub fn matching(&self, query: &Query) -> Matching {
        if query.is_empty() {
            return Matching::Everything;
        }
        Matching::Positions(self.haystack().matches(query))
    }

    /// The `limit` records that match `query` best, best first, by position (see
    /// [`Haystack::best`]): for the command palette.
    pub fn best(&self, query: &Query, limit: usize) -> Vec<(Rank, usize)> {
        self.haystack().best(query, limit)
    }

    fn haystack(&self) -> &Haystack {
        self.haystack
            .get_or_init(|| Haystack::new(self.search.iter().map(String::as_str)))
    }
}

/// Each record's position, by id. The table holds positions alone and compares ids through
/// the records: a copy of every id, as a map keyed by id keeps, costs tens of MB at 100k
/// contacts (670k records).
#[derive(Clone, Debug, Default)]
struct Positions(HashTable<u32>);

impl Positions {
    fn get<E: Entity>(&self, items: &[E], id: &Id) -> Option<usize> {
        self.0
            .find(id.hash64(), |&at| items[at as usize].id() == id)
            .map(|&at| at as usize)
    }

    /// Adds the record at `at` (already in `items`) under its id, which must be new.
    fn insert<E: Entity>(&mut self, items: &[E], at: usize) {
        let rehash = |&position: &u32| items[position as usize].id().hash64();
        self.0
            .insert_unique(items[at].id().hash64(), at as u32, rehash);
    }

    /// Forgets `id` (its record still in `items`), returning where it was.
    fn remove<E: Entity>(&mut self, items: &[E], id: &Id) -> Option<usize> {
        let found = self
            .0
            .find_entry(id.hash64(), |&at| items[at as usize].id() == id)
            .ok()?;
        let (at, _) = found.remove();
        Some(at as usize)
    }

    /// Notes that the record at `from` now is at `to` (in `items`).
    fn moved<E: Entity>(&mut self, items: &[E], from: usize, to: usize) {
        if let Some(at) = self
            .0
            .find_mut(items[to].id().hash64(), |&at| at as usize == from)
        {
            *at = to as u32;
        }
    }
}

/// The records a search found (see [`Collection::matching`]).
pub enum Matching {
    /// An empty query finds every record.
    Everything,
    /// Whether each position matched.
    Positions(Vec<bool>),
}

impl Matching {
    /// Whether the record at `position` matched.
    pub fn at(&self, position: usize) -> bool {
        match self {
            Matching::Everything => true,
            Matching::Positions(hits) => hits[position],
        }
    }
}

/// A kind of record as the workspace holds it: each kind of `rabet_domain::for_each_kind!`.
pub trait Held: Entity + 'static {
    /// What keeps its records: a [`Collection`], or for the settings singleton the record.
    type Memory: Memory<Self> + Default + Send + Sync + 'static;
    /// Where the workspace keeps records of this kind.
    fn memory(workspace: &Workspace) -> RwSignal<Self::Memory>;
}

/// What the workspace keeps one kind's records in.
pub trait Memory<E>: Sized {
    /// The records as loaded.
    fn loaded(records: Vec<E>) -> Self;
    /// Takes in a record that a merge changed: its values now, or `None` once deleted.
    fn changed(&mut self, id: &Id, record: Option<E>);
    /// Builds what the 360 page reads (see [`Workspace::prepare_referrers`]).
    fn prepare_referrers(&self) {}
}

impl<E: Listed> Memory<E> for Collection<E> {
    fn loaded(records: Vec<E>) -> Self {
        Collection::from_items(records)
    }

    fn changed(&mut self, id: &Id, record: Option<E>) {
        match record {
            Some(record) => self.upsert(record),
            None => drop(self.remove(id)),
        }
    }

    fn prepare_referrers(&self) {
        self.referrers();
    }
}

/// A workspace has one settings record; without one (a restored workspace may have none, or
/// it was deleted) the defaults apply again.
impl Memory<Settings> for Settings {
    fn loaded(mut records: Vec<Settings>) -> Self {
        records.pop().unwrap_or_default()
    }

    fn changed(&mut self, _: &Id, record: Option<Settings>) {
        *self = record.unwrap_or_default();
    }
}

/// An entity the workspace keeps in a [`Collection`] and lists.
pub trait Listed: Held<Memory = Collection<Self>> + Refers + Clone + Send + Sync {
    /// What the kind's lists search in: `String`, the record's normalized text, for kinds
    /// searched by text, and `()` for the others, which then keep no text at all (at 100k
    /// contacts the activities' texts alone were tens of MB).
    type SearchText: Clone + std::fmt::Debug + Send + Sync + 'static;
    fn search_text(&self) -> Self::SearchText;
    /// Where the workspace keeps records of this kind.
    fn collection(workspace: &Workspace) -> RwSignal<Collection<Self>> {
        Self::memory(workspace)
    }
}

/// A kind that lists and pickers search by text.
pub trait Searched: Listed<SearchText = String> {}

impl<E: Listed<SearchText = String>> Searched for E {}

impl Listed for Contact {
    type SearchText = String;

    fn search_text(&self) -> String {
        Contact::search_text(self)
    }
}

impl Listed for Company {
    type SearchText = String;

    fn search_text(&self) -> String {
        let texts = [
            self.name.as_str(),
            self.industry.as_str(),
            self.website.as_str(),
        ];
        let emails = self.emails.iter().map(|e| e.address.as_str());
        let tags = self.tags.iter().map(String::as_str);
        search_text(
            texts
                .into_iter()
                .chain(emails)
                .chain(tags)
                .chain(self.custom.texts()),
            self.phones.iter().map(|p| p.number.as_str()),
        )
    }
}

/// `Listed` for kinds searched by a few text fields.
macro_rules! listed_by_text {
    ($($kind:ty: $($field:ident),+;)+) => {
        $(
            impl Listed for $kind {
                type SearchText = String;

                fn search_text(&self) -> String {
                    search_text([$(self.$field.as_str()),+], [])
                }
            }
        )+
    };
}

listed_by_text! {
    Product: name, sku;
    Invoice: number;
    Ticket: subject;
    // The command palette finds deals by title (the board searches them with their
    // customers' names too, which it gathers itself while a search is typed).
    Deal: title;
}

/// `Listed` for kinds no list searches by text.
macro_rules! listed_without_text {
    ($($kind:ty),+) => {
        $(
            impl Listed for $kind {
                type SearchText = ();

                fn search_text(&self) {}
            }
        )+
    };
}

listed_without_text!(
    TeamMember,
    Pipeline,
    Activity,
    Task,
    Campaign,
    Segment,
    AutomationRule,
    AutomationRun,
    SavedView,
    MessageTemplate,
    FieldDefinition,
    Notification
);

/// Whether the workspace has been read from the store yet.
#[derive(Clone, Debug, PartialEq)]
pub enum LoadState {
    Loading,
    Ready,
    Failed(StoreError),
}

/// The type that keeps a kind's records in memory: a [`Collection`], except for the
/// settings singleton.
macro_rules! memory_of {
    (Settings) => { Settings };
    ($kind:ident) => { Collection<$kind> };
}

/// The workspace's per-kind parts, from the one list of kinds.
macro_rules! workspace_of_kinds {
    ($($kind:ident => $name:literal, $collection:ident;)+) => {
        /// The workspace context: the records in memory and the store behind them.
        #[derive(Clone, Copy)]
        pub struct Workspace {
            $(pub $collection: RwSignal<memory_of!($kind)>,)+
            pub state: RwSignal<LoadState>,
            /// Counts local writes, so the sync engine can push soon after each.
            pub local_writes: RwSignal<u64>,
            /// Counts merges of others' changes shown (pulled, or written by another tab), so
            /// views that read the store (field history) read it again.
            pub remote_changes: RwSignal<u64>,
            /// This device's role on its sync server (`None`: not syncing, or a server
            /// without roles): writes it does not allow are refused before they are stored.
            pub role: RwSignal<Option<Role>>,
            /// This device's member id on its sync server (`None`: not syncing): whose
            /// personal saved views it shows.
            pub member: RwSignal<Option<String>>,
            /// How many writes are on their way to the store: a reload before they end
            /// loses them, so the page says it is busy meanwhile.
            pub writes_in_flight: RwSignal<usize>,
            store: StoredValue<Option<Rc<Store>>, LocalStorage>,
            /// Writes asked for while loading, woken once it is done.
            waiting: StoredValue<Vec<oneshot::Sender<()>>, LocalStorage>,
            /// Told of what each local write and each pull merged (automation listens).
            merge_hook: StoredValue<Option<Rc<dyn Fn(Vec<Changed>)>>, LocalStorage>,
            /// Whether the merge hook reads what merges changed (see [`Store::hear_merges`]).
            merges_heard: StoredValue<bool, LocalStorage>,
        }

        $(
            impl Held for $kind {
                type Memory = memory_of!($kind);

                fn memory(workspace: &Workspace) -> RwSignal<Self::Memory> {
                    workspace.$collection
                }
            }
        )+

        impl Workspace {
            fn new() -> Workspace {
                Workspace {
                    $($collection: RwSignal::new(Default::default()),)+
                    state: RwSignal::new(LoadState::Loading),
                    local_writes: RwSignal::new(0),
                    remote_changes: RwSignal::new(0),
                    role: RwSignal::new(None),
                    member: RwSignal::new(None),
                    writes_in_flight: RwSignal::new(0),
                    store: StoredValue::new_local(None),
                    waiting: StoredValue::new_local(Vec::new()),
                    merge_hook: StoredValue::new_local(None),
                    merges_heard: StoredValue::new_local(false),
                }
            }

            /// How to load each kind, in the list's order.
            fn loaders() -> Vec<(EntityKind, Loader)> {
                vec![$((EntityKind::$kind, load_kind::<$kind> as Loader)),+]
            }

            /// Shows the records of a page of a join by snapshot, whose puts the store has sent
            /// ([`Store::put_snapshot_rows`]: every later write runs after them).
            pub fn show_rows(&self, kind: EntityKind, rows: &[RowValues<'_>]) -> Result<(), StoreError> {
                match kind {
                    $(EntityKind::$kind => self.show_rows_of::<$kind>(rows),)+
                }
            }

            fn show_change(&self, change: Changed) -> Result<(), StoreError> {
                match change.kind {
                    $(EntityKind::$kind => self.show_change_of::<$kind>(change),)+
                }
            }

            /// Builds the indexes the 360 page reads once the browser is idle after a load, so
            /// that neither the first paint nor the first customer opened waits for them.
            fn prepare_referrers(&self) {
                let workspace = *self;
                when_idle(move || {
                    $(
                        <$kind as Held>::memory(&workspace)
                            .with_untracked(|memory| memory.prepare_referrers());
                    )+
                });
            }
        }
    };
}

rabet_domain::for_each_kind!(workspace_of_kinds);

/// Puts a kind's records, as loaded, in memory.
type Keep = Box<dyn FnOnce(&Workspace)>;
/// A kind's rows, asked for: the future decodes them once they arrive.
type Loading<'s> = Pin<Box<dyn Future<Output = Result<Keep, StoreError>> + 's>>;
type Loader = for<'s> fn(&'s Store) -> Result<Loading<'s>, StoreError>;

/// Asks the store for the rows of `E` now (see [`Store::fetch`]).
fn load_kind<E: Held>(store: &Store) -> Result<Loading<'_>, StoreError> {
    let rows = store.fetch::<E>()?;
    Ok(Box::pin(async move {
        let memory = E::Memory::loaded(rows.await?);
        let keep: Keep = Box::new(move |workspace| E::memory(workspace).set(memory));
        Ok(keep)
    }))
}

impl Workspace {
    /// Creates the context and starts loading every record from the store.
    pub fn provide() -> Workspace {
        let workspace = Workspace::new();
        provide_context(workspace);
        workspace.tell_the_frame_whether_empty();
        let report = crate::notice::msg_reporter();
        leptos::task::spawn_local(async move {
            let state = match workspace.load().await {
                Ok((store, news)) => {
                    leptos::task::spawn_local(workspace.follow_tabs(store, news, report));
                    LoadState::Ready
                }
                Err(error) => LoadState::Failed(error),
            };
            workspace.state.set(state);
            for waiting in workspace
                .waiting
                .try_update_value(std::mem::take)
                .unwrap_or_default()
            {
                // A write that stopped waiting has nothing to be told.
                let _ = waiting.send(());
            }
        });
        workspace
    }

    /// Opens the store and reads every record; what other tabs write meanwhile is heard
    /// from before the first read, so none of it is missed.
    async fn load(&self) -> Result<(Rc<Store>, mpsc::UnboundedReceiver<TabNews>), StoreError> {
        let store = Rc::new(Store::open().await?);
        let news = store.tab_news();
        self.load_all(&store).await?;
        // Told here, not at the open: the rules may have switched it while loading.
        store.hear_merges(self.merges_heard.get_value());
        self.store.set_value(Some(store.clone()));
        Ok((store, news))
    }

    /// Shows what the other tabs of this browser write, as they write it: their records are
    /// read again from the store (which they wrote first), the same way pulled changes show.
    /// News that arrives together is read together, each record once.
    async fn follow_tabs(
        self,
        store: Rc<Store>,
        mut news: mpsc::UnboundedReceiver<TabNews>,
        report: impl Fn(crate::i18n::Msg) + Copy + 'static,
    ) {
        while let Some(first) = news.next().await {
            let mut records = BTreeSet::new();
            let mut cleared = false;
            let mut heard = Some(first);
            while let Some(message) = heard {
                match message {
                    TabNews::Written {
                        records: written,
                        stamp,
                    } => {
                        store.observe_tab(&stamp);
                        records.extend(written);
                    }
                    TabNews::Cleared => cleared = true,
                }
                heard = news.try_recv().ok();
            }
            let shown = if cleared {
                self.load_all(&store).await
            } else {
                let records: Vec<_> = records.into_iter().collect();
                match store.read_current(&records).await {
                    Ok(changes) => self.show_changes(changes),
                    Err(error) => Err(error),
                }
            };
            if let Err(error) = shown {
                report(crate::i18n::store_error_msg(&error));
            }
        }
    }

    /// Shows a record just written as stored: as the write merged it, or, when the write
    /// changed nothing (it lost to another tab's later write to the same fields, or there
    /// was nothing to change), as read back. Never as the view asked: another tab may have
    /// written it meanwhile.
    async fn show_stored<E: Held>(
        &self,
        store: &Store,
        id: &Id,
        merged: Vec<Changed>,
    ) -> Result<(), StoreError> {
        let changes = if merged.is_empty() {
            store.read_current(&[(E::KIND, id.to_string())]).await?
        } else {
            merged
        };
        self.show_changes(changes)
    }

    /// The store once every record is loaded: a write asked for while loading waits for the
    /// load (its button shows it saving) rather than failing or racing it.
    async fn ready_store(&self) -> Result<Rc<Store>, StoreError> {
        loop {
            if let Some(store) = self.store.get_value() {
                return Ok(store);
            }
            if let LoadState::Failed(error) = self.state.get_untracked() {
                return Err(error);
            }
            let (sender, receiver) = oneshot::channel();
            self.waiting.update_value(|waiting| waiting.push(sender));
            // Woken when the load ends either way, then looks again.
            let _ = receiver.await;
        }
    }

    /// Reads every kind into memory. Each kind's rows are asked for before the previous kind
    /// is decoded, so IndexedDB reads one while wasm decodes the other (at 100k contacts the
    /// main thread otherwise waits on reads a third of the time); asking for more at once
    /// would hold several kinds' rows in the JS heap together. Contacts come first, and the
    /// browser paints them before the rest is decoded: the customer list is usable while the
    /// other kinds load.
    async fn load_all(&self, store: &Store) -> Result<(), StoreError> {
        let mut loaders = Self::loaders();
        sort_by_key(&mut loaders, |(kind, _)| *kind != EntityKind::Contact);
        let mut loaders = loaders.into_iter().map(|(_, load)| load);
        let Some(first) = loaders.next() else {
            return Ok(());
        };
        let mut loading = first(store)?;
        let mut painted = false;
        for load in loaders {
            let next = load(store)?;
            (loading.await?)(self);
            if !painted {
                next_paint().await;
                painted = true;
            }
            loading = next;
        }
        (loading.await?)(self);
        self.prepare_referrers();
        Ok(())
    }

    /// Puts a kind's records, as loaded, in memory.
    fn keep<E: Held>(&self, records: Vec<E>) {
        E::memory(self).set(E::Memory::loaded(records));
    }

    /// Every record of the workspace with its sync state, as one backup.
    pub async fn backup(&self) -> Result<Backup, StoreError> {
        let store = self.ready_store().await?;
        Ok(Backup {
            created_at: js_sys::Date::now() as i64,
            node: *store.node(),
            records: store.backup_records().await?,
        })
    }

    /// Restores a backup (merging, or replacing everything), then reloads every view's data.
    /// Returns how many records changed.
    pub async fn restore_backup(
        &self,
        backup: &Backup,
        replace: bool,
    ) -> Result<usize, StoreError> {
        let _writing = self.writing();
        // A backup writes every kind: only a role that may write them all restores one.
        for kind in EntityKind::ALL {
            self.allowed(kind)?;
        }
        let store = self.ready_store().await?;
        let changed = store.restore_backup(backup, replace).await?;
        self.load_all(&store).await?;
        self.wrote();
        Ok(changed)
    }

    /// Clears the workspace from this browser, as a device whose access was revoked must:
    /// every record and what it knows of its sync server from the store, the workspace's
    /// entries in local storage (the language is the person's, and stays); then shows the
    /// empty workspace, a fresh start.
    pub async fn erase_device(&self) -> Result<(), StoreError> {
        let _writing = self.writing();
        let store = self.ready_store().await?;
        store.erase_device().await?;
        forget_local_storage();
        self.load_all(&store).await
    }

    /// Saves the workspace settings after `change`; memory changes only once it is stored.
    pub async fn update_settings(
        &self,
        change: impl FnOnce(&mut Settings),
    ) -> Result<(), StoreError> {
        let _writing = self.writing();
        self.allowed(EntityKind::Settings)?;
        let store = self.ready_store().await?;
        let before = self.settings.get_untracked();
        let mut after = before.clone();
        change(&mut after);
        // Shown as stored: changes saved meanwhile (here or in another tab) stay.
        let merged = store.save(Some(&before), &after).await?;
        self.show_stored::<Settings>(&store, &before.id, merged)
            .await?;
        self.wrote();
        Ok(())
    }

    /// The store, for the sync engine (views go through the methods here).
    pub fn store(&self) -> Result<Rc<Store>, StoreError> {
        self.store
            .get_value()
            .ok_or_else(|| StoreError::Unavailable("the workspace is still loading".into()))
    }

    /// A fresh id for a record about to be made (time-ordered, from the store's clock and
    /// randomness), so views need not reach into the store.
    pub fn new_id() -> Id {
        crate::store::new_id()
    }

    /// Saves a new (`before` = None) or edited record; memory changes only once it is stored.
    pub async fn save<E: Listed>(&self, before: Option<&E>, after: E) -> Result<(), StoreError> {
        let _writing = self.writing();
        self.allowed(E::KIND)?;
        let store = self.ready_store().await?;
        let merged = store.save(before, &after).await?;
        let heard = merged.clone();
        self.show_stored::<E>(&store, after.id(), merged).await?;
        self.wrote();
        self.tell_merged(heard);
        Ok(())
    }

    /// [`Workspace::save`] for an automation rule's effect (which triggers no rule).
    pub async fn save_automated<E: Listed>(
        &self,
        before: Option<&E>,
        after: E,
    ) -> Result<(), StoreError> {
        let _writing = self.writing();
        let store = self.ready_store().await?;
        let merged = store.save_by(before, &after, Writer::Automation).await?;
        self.show_stored::<E>(&store, after.id(), merged).await?;
        self.wrote();
        Ok(())
    }

    /// Calls `hook` with what each later local write and pull merges (see `automation`).
    pub fn on_merged(&self, hook: impl Fn(Vec<Changed>) + 'static) {
        self.merge_hook.set_value(Some(Rc::new(hook)));
    }

    /// Whether the merge hook reads what merges changed from now on: while it does not
    /// (no change rule is on), the store makes no before/after copies of merged records.
    pub fn hear_merges(&self, heard: bool) {
        self.merges_heard.set_value(heard);
        if let Some(store) = self.store.get_value() {
            store.hear_merges(heard);
        }
    }

    fn tell_merged(&self, changes: Vec<Changed>) {
        if let Some(hook) = self.merge_hook.get_value() {
            hook(changes);
        }
    }

    /// Shows records that a pull merged, then tells the merge hook.
    pub fn show_pulled(&self, changes: Vec<Changed>) -> Result<(), StoreError> {
        let heard = changes.clone();
        self.show_changes(changes)?;
        self.tell_merged(heard);
        Ok(())
    }

    /// Saves many new records (imports) in few transactions, reporting how many are stored.
    pub async fn save_many<E: Listed>(
        &self,
        items: Vec<E>,
        ids: Ids,
        on_progress: impl FnMut(usize),
    ) -> Result<(), StoreError> {
        let _writing = self.writing();
        self.allowed(E::KIND)?;
        let store = self.ready_store().await?;
        let saved = store.save_many(&items, ids, on_progress).await;
        if saved.is_err() {
            // Earlier chunks may be stored: show them as they are stored.
            self.keep(store.load::<E>().await?);
            self.wrote();
            return saved;
        }
        self.show_saved(items);
        self.wrote();
        Ok(())
    }

    /// Saves an import: its contacts and the new companies they name, which come a part at a
    /// time with what each part counts for progress. Each part's companies are saved before
    /// its contacts, and the next part is made (its rows checked) while the one before
    /// commits. All are shown once all are saved. Returns how many contacts were saved.
    pub async fn save_imported(
        &self,
        parts: impl Iterator<Item = (Vec<Company>, Vec<Contact>, usize)>,
        on_progress: impl FnMut(usize),
    ) -> Result<usize, StoreError> {
        let _writing = self.writing();
        self.allowed(EntityKind::Company)?;
        self.allowed(EntityKind::Contact)?;
        let store = self.ready_store().await?;
        let (mut companies, mut contacts) = (Vec::new(), Vec::new());
        let batches = parts.flat_map(|(new_companies, new_contacts, counts)| {
            let company_ops =
                (!new_companies.is_empty()).then(|| Ok((store.new_record_ops(&new_companies)?, 0)));
            let contact_ops = store.new_record_ops(&new_contacts).map(|ops| (ops, counts));
            companies.extend(new_companies);
            contacts.extend(new_contacts);
            company_ops.into_iter().chain([contact_ops])
        });
        let saved = store
            .save_new_batches(batches, Ids::Fresh, on_progress)
            .await;
        if let Err(error) = saved {
            // Earlier parts may be stored: show them as they are stored.
            self.keep(store.load::<Company>().await?);
            self.keep(store.load::<Contact>().await?);
            self.wrote();
            return Err(error);
        }
        let imported = contacts.len();
        self.show_saved(companies);
        self.show_saved(contacts);
        self.wrote();
        Ok(imported)
    }

    /// Puts records just saved into memory.
    fn show_saved<E: Listed>(&self, items: Vec<E>) {
        let mut phases = Phases::new(items.len());
        E::collection(self).update(|records| {
            for item in items {
                records.upsert(item);
            }
        });
        phases.end("write: shown in memory");
    }

    /// Deletes a record (a tombstone, so `restore` can undo it); returns what was deleted.
    pub async fn delete<E: Listed>(&self, id: &Id) -> Result<Option<E>, StoreError> {
        let _writing = self.writing();
        self.allowed(E::KIND)?;
        self.ready_store().await?.delete(E::KIND, id).await?;
        self.wrote();
        Ok(E::collection(self)
            .try_update(|records| records.remove(id))
            .flatten())
    }

    /// Undoes `delete`.
    pub async fn restore<E: Listed>(&self, record: E) -> Result<(), StoreError> {
        let _writing = self.writing();
        self.allowed(E::KIND)?;
        let store = self.ready_store().await?;
        let merged = store.restore(E::KIND, record.id()).await?;
        self.show_stored::<E>(&store, record.id(), merged).await?;
        self.wrote();
        Ok(())
    }
}

/// A write on its way to the store, counted in [`Workspace::writes_in_flight`] while held.
struct Writing(RwSignal<usize>);

impl Drop for Writing {
    fn drop(&mut self) {
        // The signal is gone only when the app is, and with it the count.
        self.0
            .try_update(|writes| *writes = writes.saturating_sub(1));
    }
}

/// Bulk changes of a list's selection: each one write, one transaction and one outbox entry,
/// shown in memory once stored. Like an import, they trigger no automation rule.
impl Workspace {
    /// Saves a bulk change: each record before and after, and the synced fields the change
    /// writes (see [`Store::save_edits`]).
    pub async fn save_edits<E: Listed>(
        &self,
        edits: &[(E, E)],
        written: impl Fn(&E) -> serde_json::Map<String, serde_json::Value>,
    ) -> Result<(), StoreError> {
        let _writing = self.writing();
        self.allowed(E::KIND)?;
        let store = self.ready_store().await?;
        let changes = store.save_edits(edits, written).await?;
        // A record the store did not read back is as edited: shown from its edit.
        let edited: HashMap<&Id, &E> = edits.iter().map(|(_, after)| (after.id(), after)).collect();
        self.show_all::<E>(changes, |id| edited.get(id).map(|after| (*after).clone()))
    }

    /// Deletes many records (tombstones, so `restore_many` undoes it). Refused as a whole for
    /// a member, who may delete only records they created, which only the server knows.
    pub async fn delete_many<E: Listed>(&self, ids: &[Id]) -> Result<(), StoreError> {
        let _writing = self.writing();
        if let Some(refusal) = self.delete_refusal(E::KIND) {
            return Err(StoreError::NotAllowed(refusal));
        }
        let store = self.ready_store().await?;
        let changes = store.delete_many(E::KIND, ids).await?;
        // A record the store did not read back is deleted, as asked.
        self.show_all::<E>(changes, |_| None)
    }

    /// Undoes `delete_many`.
    pub async fn restore_many<E: Listed>(&self, ids: &[Id]) -> Result<(), StoreError> {
        let _writing = self.writing();
        self.allowed(E::KIND)?;
        let store = self.ready_store().await?;
        let changes = store.restore_many(E::KIND, ids).await?;
        self.show_all::<E>(changes, |_| None)
    }

    /// Why this device's role may not delete records of `kind` in bulk (tracked), if not.
    pub fn delete_refusal(&self, kind: EntityKind) -> Option<Refusal> {
        self.role.get().and_then(|role| role.refusal_of(kind, true))
    }

    /// Shows what one bulk write merged, in one update of the kind's records; a record the
    /// store left [`Changed::as_written`] is shown as `as_written` gives it.
    fn show_all<E: Listed>(
        &self,
        changes: Vec<Changed>,
        as_written: impl Fn(&Id) -> Option<E>,
    ) -> Result<(), StoreError> {
        let mut phases = Phases::new(changes.len());
        let records = changes
            .into_iter()
            .map(|change| match change.as_written {
                true => Ok((change.id.clone(), as_written(&change.id))),
                false => record_of::<E>(change),
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        E::collection(self).update(|collection| {
            for (id, record) in records {
                collection.changed(&id, record);
            }
        });
        self.remote_changes.update(|count| *count += 1);
        self.wrote();
        phases.end("write: shown in memory");
        Ok(())
    }
}

impl Workspace {
    /// Whether the workspace has nobody to sell to, so the dashboard has nothing to measure
    /// (tracked).
    pub fn is_empty(&self) -> bool {
        self.contacts.with(Collection::is_empty)
            && self.companies.with(Collection::is_empty)
            && self.deals.with(Collection::is_empty)
            && self.invoices.with(Collection::is_empty)
    }

    /// Keeps `EMPTY_WORKSPACE_KEY` in local storage current once the records are loaded, for
    /// the page's frame of the next start (scripts/prerender.mjs): it draws the dashboard's
    /// welcome card unless told the workspace has records, so that on a new device the
    /// largest paint is drawn before the wasm and the app's own card is not larger.
    fn tell_the_frame_whether_empty(self) {
        let empty = Memo::new(move |_| self.is_ready().then(|| self.is_empty()));
        Effect::new(move |_| {
            if let Some(empty) = empty.get() {
                // Unstored, the next start's frame may draw the welcome card until the app starts.
                let _ = <gloo_storage::LocalStorage as gloo_storage::Storage>::set(
                    EMPTY_WORKSPACE_KEY,
                    empty,
                );
            }
        });
    }

    /// Whether every record is in memory (tracked): writes and views wait for it.
    pub fn is_ready(&self) -> bool {
        self.state.with(|state| *state == LoadState::Ready)
    }

    /// Why this device's role may not write records of `kind` (tracked), if it may not.
    pub fn refusal(&self, kind: EntityKind) -> Option<Refusal> {
        self.role.get().and_then(|role| role.write_refusal(kind))
    }

    /// Refuses a write the role does not allow, before anything is stored.
    fn allowed(&self, kind: EntityKind) -> Result<(), StoreError> {
        match self
            .role
            .get_untracked()
            .and_then(|role| role.write_refusal(kind))
        {
            Some(refusal) => Err(StoreError::NotAllowed(refusal)),
            None => Ok(()),
        }
    }

    /// Counts a write in flight until the guard is dropped.
    fn writing(&self) -> Writing {
        self.writes_in_flight.update(|writes| *writes += 1);
        Writing(self.writes_in_flight)
    }

    fn wrote(&self) {
        self.local_writes.update(|writes| *writes += 1);
    }

    /// Shows records that a merge of remote ops changed; the store has saved them already.
    pub fn show_changes(&self, changes: Vec<Changed>) -> Result<(), StoreError> {
        if !changes.is_empty() {
            self.remote_changes.update(|count| *count += 1);
        }
        changes
            .into_iter()
            .try_for_each(|change| self.show_change(change))
    }

    /// A record's field history, newest first (tracks writes, so a view reading it through
    /// a resource reads it again after each).
    pub async fn history(&self, kind: EntityKind, id: &Id) -> Result<Vec<Change>, StoreError> {
        let store = self.ready_store().await?;
        store.history(kind, id).await
    }

    /// The workspace's changes newest first, the first `count` that `wanted` lets through
    /// (see [`Store::feed`]).
    pub async fn feed(
        &self,
        count: usize,
        wanted: impl Fn(EntityKind, &str, Option<&str>) -> bool,
    ) -> Result<Vec<FeedEntry>, StoreError> {
        let store = self.ready_store().await?;
        store.feed(count, wanted).await
    }

    /// Sets one field of a record back to `value` ("restore this value"): a new change,
    /// merged and synced like any edit.
    pub async fn restore_field(
        &self,
        kind: EntityKind,
        id: &Id,
        field: &str,
        value: serde_json::Value,
    ) -> Result<(), StoreError> {
        let _writing = self.writing();
        self.allowed(kind)?;
        let store = self.ready_store().await?;
        let changes = store.set_field(kind, id, field, value).await?;
        self.show_changes(changes)?;
        self.wrote();
        Ok(())
    }

    /// Rows' values are read straight into entities, in one update of the kind's memory.
    fn show_rows_of<E: Held>(&self, rows: &[RowValues<'_>]) -> Result<(), StoreError> {
        let records = rows
            .iter()
            .filter(|row| !row.d)
            .map(|row| {
                serde_json::from_str::<E>(row.v.get()).map_err(|error| StoreError::Corrupt {
                    kind: E::KIND,
                    id: row.id.to_string(),
                    reason: error.to_string(),
                })
            })
            .collect::<Result<Vec<E>, StoreError>>()?;
        if records.is_empty() {
            return Ok(());
        }
        self.remote_changes.update(|count| *count += 1);
        E::memory(self).update(|memory| {
            for record in records {
                let id = record.id().clone();
                memory.changed(&id, Some(record));
            }
        });
        Ok(())
    }

    fn show_change_of<E: Held>(&self, change: Changed) -> Result<(), StoreError> {
        let (id, record) = record_of::<E>(change)?;
        E::memory(self).update(|memory| memory.changed(&id, record));
        Ok(())
    }
}

/// A merged record's id and values now (`None` once deleted).
fn record_of<E: Entity>(change: Changed) -> Result<(Id, Option<E>), StoreError> {
    let record = change
        .values
        .map(|mut values| {
            values.insert("id".into(), change.id.to_string().into());
            decode::<E>(values)
        })
        .transpose()?;
    Ok((change.id, record))
}

fn decode<E: Entity>(values: serde_json::Map<String, serde_json::Value>) -> Result<E, StoreError> {
    E::from_fields(values).map_err(|error| StoreError::Corrupt {
        kind: E::KIND,
        id: String::new(),
        reason: error.to_string(),
    })
}

/// Resolves after the browser has painted the current frame: a requestAnimationFrame
/// callback runs just before the paint, and a timer set from it just after. A hidden tab
/// paints no frames, so a plain timer resolves it too.
pub async fn next_paint() {
    const HIDDEN_TAB_MS: i32 = 100;
    let after_paint = js_sys::Promise::new(&mut |resolve, _| {
        let window = window();
        let _ =
            window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, HIDDEN_TAB_MS);
        let after_frame = Closure::once_into_js(move || {
            let _ = leptos::prelude::window().set_timeout_with_callback(&resolve);
        });
        let _ = window.request_animation_frame(after_frame.unchecked_ref());
    });
    // The promise never rejects.
    let _ = wasm_bindgen_futures::JsFuture::from(after_paint).await;
}

/// Runs `work` once the browser is idle. Safari has no `requestIdleCallback` (Leptos's
/// `request_idle_callback` then does nothing at all): there it runs after a short timer.
fn when_idle(work: impl Fn() + 'static) {
    const WITHOUT_IDLE_CALLBACKS: Duration = Duration::from_millis(200);
    let supported = js_sys::Reflect::get(&window(), &"requestIdleCallback".into())
        .is_ok_and(|callback| callback.is_function());
    if supported {
        // The one call: supported here, so it cannot drop the work.
        #[allow(clippy::disallowed_methods)]
        request_idle_callback(work);
    } else {
        set_timeout(work, WITHOUT_IDLE_CALLBACKS);
    }
}

/// Local storage: whether the workspace was empty when last seen (`true`/`false`), read by the
/// page's frame before the wasm starts (scripts/prerender.mjs reads this name from here).
pub const EMPTY_WORKSPACE_KEY: &str = "rabet.workspace_empty";

pub fn use_workspace() -> Workspace {
    expect_context::<Workspace>()
}

/// Removes the app's entries (`rabet.…`) from local storage, but the language choice.
fn forget_local_storage() {
    let Some(storage) = web_sys::window().and_then(|window| window.local_storage().ok().flatten())
    else {
        return;
    };
    let length = storage.length().unwrap_or(0);
    let keys: Vec<String> = (0..length)
        .filter_map(|index| storage.key(index).ok().flatten())
        .filter(|key| key.starts_with("rabet.") && key != crate::i18n::LANG_KEY)
        .collect();
    for key in keys {
        // Removing an entry does not fail; a storage the browser withholds has none to remove.
        let _ = storage.remove_item(&key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rabet_domain::id::WireId;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn contact(id: &str, first_name: &str) -> Contact {
        Contact {
            id: Id::from_string(id),
            first_name: first_name.to_owned(),
            ..Contact::default()
        }
    }

    fn found(contacts: &Collection<Contact>, query: &str) -> Vec<String> {
        let matching = contacts.matching(&Query::parse(query));
        (0..contacts.len())
            .filter(|&at| matching.at(at))
            .map(|at| contacts.at(at).first_name.clone())
            .collect()
    }

    #[wasm_bindgen_test]
    fn a_search_after_a_write_sees_the_write() {
        let mut contacts = Collection::from_items(vec![contact("a", "Ali"), contact("b", "Zahra")]);
        assert_eq!(found(&contacts, "ali"), ["Ali"]);
        contacts.upsert(contact("b", "Alireza"));
        assert_eq!(found(&contacts, "ali"), ["Ali", "Alireza"]);
        contacts.remove(&Id::from_string("a"));
        assert_eq!(found(&contacts, "ali"), ["Alireza"]);
        assert_eq!(found(&contacts, ""), ["Alireza"]);
    }

    /// The records naming `company`, by first name, as the index finds them.
    fn employees(contacts: &Collection<Contact>, company: &str) -> Vec<String> {
        let company = Id::from_string(company);
        contacts
            .naming(&company)
            .filter(|contact| contact.company_id.as_ref() == Some(&company))
            .map(|contact| contact.first_name.clone())
            .collect()
    }

    #[wasm_bindgen_test]
    fn the_index_of_who_names_whom_follows_every_write() {
        let at = |id: &str, name: &str, company: &str| Contact {
            company_id: Some(Id::from_string(company)),
            ..contact(id, name)
        };
        let mut contacts = Collection::from_items(vec![
            at("a", "Ali", "acme"),
            at("b", "Zahra", "acme"),
            at("c", "Reza", "globex"),
        ]);
        assert_eq!(employees(&contacts, "acme"), ["Ali", "Zahra"]);
        // Built now; from here on each write keeps it up to date.
        contacts.upsert(at("d", "Sara", "acme"));
        contacts.upsert(at("b", "Zahra", "globex"));
        assert_eq!(employees(&contacts, "acme"), ["Ali", "Sara"]);
        assert_eq!(employees(&contacts, "globex"), ["Zahra", "Reza"]);
        // Removing the first record moves the last one into its place.
        contacts.remove(&Id::from_string("a"));
        assert_eq!(employees(&contacts, "acme"), ["Sara"]);
        contacts.remove(&Id::from_string("c"));
        assert_eq!(employees(&contacts, "globex"), ["Zahra"]);
        assert_eq!(employees(&contacts, "acme"), ["Sara"]);
    }

    #[wasm_bindgen_test]
    fn every_record_is_found_by_id_after_upserts_and_removes() {
        let name = |n: usize| format!("name {n}");
        let mut contacts = Collection::from_items(
            (0..200)
                .map(|n| contact(&n.to_string(), &name(n)))
                .collect(),
        );
        // Removing from the front, the middle and the end moves other records around.
        for n in (0..200).filter(|n| n % 3 == 0) {
            assert!(contacts.remove(&Id::from_string(n.to_string())).is_some());
        }
        contacts.upsert(contact("7", "renamed"));
        contacts.upsert(contact("new", "added"));
        for n in 0..200 {
            let found = contacts
                .get(&Id::from_string(n.to_string()))
                .map(|c| c.first_name.clone());
            let expected = match n {
                _ if n % 3 == 0 => None,
                7 => Some("renamed".to_owned()),
                _ => Some(name(n)),
            };
            assert_eq!(found, expected, "contact {n}");
        }
        assert_eq!(
            contacts.get(&Id::from_string("new")).unwrap().first_name,
            "added"
        );
        assert_eq!(contacts.len(), 200 - 67 + 1);
    }

    #[wasm_bindgen_test]
    async fn every_kind_loads_into_its_field_and_merged_changes_show() {
        let name = format!("rabet-test-workspace-{}", crate::store::new_id());
        let store = Store::open_named(&name).await.unwrap();
        let contacts = [contact("a", "Ali"), contact("b", "Zahra")];
        store
            .save_many(&contacts, Ids::Fresh, |_| {})
            .await
            .unwrap();
        let deal = Deal {
            id: Id::from_string("d"),
            title: "Website".into(),
            ..Deal::default()
        };
        store.save(None, &deal).await.unwrap();
        let settings = Settings {
            workspace_name: "Acme".into(),
            ..Settings::default()
        };
        store.save(None, &settings).await.unwrap();

        let workspace = Workspace::new();
        workspace.load_all(&store).await.unwrap();
        assert_eq!(workspace.contacts.with_untracked(Collection::len), 2);
        assert_eq!(workspace.deals.with_untracked(Collection::len), 1);
        assert_eq!(workspace.settings.get_untracked(), settings);

        let renamed = Deal {
            title: "Shop".into(),
            ..deal.clone()
        };
        let mut values = renamed.to_fields();
        values.remove("id");
        let changes = [
            (EntityKind::Contact, Id::from_string("a"), None),
            (EntityKind::Deal, deal.id.clone(), Some(values)),
            (EntityKind::Settings, settings.id.clone(), None),
        ];
        let changes = changes
            .into_iter()
            .map(|(kind, id, values)| Changed {
                kind,
                id,
                values,
                merged: None,
                as_written: false,
            })
            .collect();
        workspace.show_changes(changes).unwrap();
        let names = workspace
            .contacts
            .with_untracked(|c| c.iter().map(|c| c.first_name.clone()).collect::<Vec<_>>());
        assert_eq!(names, ["Zahra"]);
        let deals = workspace.deals.with_untracked(|d| d.as_slice().to_vec());
        assert_eq!(deals, [renamed]);
        assert_eq!(workspace.settings.get_untracked(), Settings::default());

        drop(store);
        indexed_db_futures::database::Database::delete_by_name(&name)
            .unwrap()
            .await
            .unwrap();
    }

    /// A random UUID's text, as a URL could carry, made without entering the id table.
    fn random_id_text() -> String {
        let random: [u8; 10] = std::array::from_fn(|_| (js_sys::Math::random() * 256.0) as u8);
        WireId::v7(js_sys::Date::now() as u64, random).to_string()
    }

    #[wasm_bindgen_test]
    fn opening_customer_pages_of_unknown_ids_leaves_the_id_table_as_it_was() {
        let contacts = Collection::from_items(vec![contact("a", "Ali")]);
        let companies = Collection::<Company>::default();
        let held = Id::table_len();
        for _ in 0..10_000 {
            // What `/customers/:id` looks up.
            let id = random_id_text();
            assert!(contacts.find(&id).is_none() && companies.find(&id).is_none());
        }
        assert_eq!(Id::table_len(), held);
        assert_eq!(
            contacts.find("a").map(|c| c.first_name.as_str()),
            Some("Ali")
        );
    }

    #[wasm_bindgen_test]
    fn a_repeated_id_among_loaded_records_keeps_the_later_one() {
        let contacts = Collection::from_items(vec![
            contact("a", "Ali"),
            contact("b", "Zahra"),
            contact("a", "Alireza"),
        ]);
        assert_eq!(contacts.len(), 2);
        assert_eq!(
            contacts.get(&Id::from_string("a")).unwrap().first_name,
            "Alireza"
        );
        assert_eq!(found(&contacts, "ali"), ["Alireza"]);
    }

    /// Work left for an idle moment runs where the browser has no idle callbacks (Safari).
    #[wasm_bindgen_test]
    async fn idle_work_runs_without_idle_callbacks() {
        let window = window();
        let name = wasm_bindgen::JsValue::from("requestIdleCallback");
        js_sys::Reflect::set(&window, &name, &wasm_bindgen::JsValue::UNDEFINED).unwrap();
        let (ran, heard) = futures::channel::oneshot::channel();
        let ran = std::cell::Cell::new(Some(ran));
        when_idle(move || {
            if let Some(ran) = ran.take() {
                let _ = ran.send(());
            }
        });
        let give_up = js_sys::Promise::new(&mut |resolve, _| {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 3_000);
        });
        let outcome =
            futures::future::select(heard, wasm_bindgen_futures::JsFuture::from(give_up)).await;
        js_sys::Reflect::delete_property(&window, &name).unwrap();
        assert!(matches!(
            outcome,
            futures::future::Either::Left((Ok(()), _))
        ));
    }
}
