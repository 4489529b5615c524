//! Team sync: pushes the outbox to the workspace's server and pulls everybody else's ops, in
//! the background, whenever there is a network.
//!
//! When: on start, when the browser comes online, when the app regains focus, shortly after
//! each local change, and every [`INTERVAL_MS`]; after a failure it waits longer each time
//! ([`backoff_ms`]). Ops leave the outbox only once the server acknowledged them, and pulled ops
//! are stored together with the cursor, so neither a closed tab nor a lost answer loses or
//! skips anything: at worst ops are sent or received twice, which merging ignores.
//!
//! Tabs of one browser share one database, so only one of them, the leader, runs the loop
//! ([`leader`]: a Web Lock held while the tab lives, taken over by a waiting tab when it
//! closes). The others ([`SyncNews`] over a `BroadcastChannel`) ask the leader to sync
//! after their writes and show the leader's status as their own.

mod http;
mod leader;

use crate::store::{Ids, NotAccepted, Phases, Store, StoreError, TabChannel};
use crate::workspace::{use_workspace, Workspace};
use futures::{
    channel::{mpsc, oneshot},
    future, StreamExt,
};
use leptos::prelude::*;
use rabet_domain::{
    kind::EntityKind,
    sync::{
        join::{join_order, parts_after_first, FirstPage, Part, CUSTOMERS},
        push_batches,
        rows::RowsPage,
        AuthoredOp, Cursor, DeadLetter, DeviceInfo, InviteRequest, InviteResponse, MemberInfo,
        RefusedOp, Role, RoleChange, SessionInfo, SnapshotResponse, MAX_PUSH_BYTES, MAX_PUSH_OPS,
    },
};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, VecDeque};
use std::future::Future;
use std::pin::Pin;
use wasm_bindgen::{closure::Closure, JsCast};

/// How often to sync when nothing else prompts it.
const INTERVAL_MS: u32 = 10_000;
/// How long after a local change to wait for more before pushing.
const DEBOUNCE_MS: u32 = 400;
/// The longest wait between attempts after failures.
const MAX_BACKOFF_MS: u32 = 5 * 60_000;

/// Where this device syncs: stored in the database, so it survives reloads.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncConfig {
    /// The server's base URL, e.g. `https://crm.example.com`.
    pub server: String,
    pub token: String,
}

impl SyncConfig {
    /// Reads an invite link's fragment, `server=<url>&token=<token>` (URL-encoded).
    pub fn from_invite(fragment: &str) -> Option<SyncConfig> {
        let params =
            web_sys::UrlSearchParams::new_with_str(fragment.trim_start_matches('#')).ok()?;
        let server = params.get("server")?.trim().to_owned();
        let token = params.get("token")?.trim().to_owned();
        (!server.is_empty() && !token.is_empty()).then_some(SyncConfig { server, token })
    }
}

/// Why a sync attempt failed; each is shown to the user in words.
#[derive(Clone, Debug, PartialEq, thiserror::Error, Serialize, Deserialize)]
pub enum SyncError {
    #[error("the server address is not a valid URL")]
    BadUrl,
    #[error("the server could not be reached")]
    Unreachable,
    /// The browser has no network (for what cannot wait in the outbox: the team's routes).
    #[error("this device is offline")]
    Offline,
    #[error("the server refused the token")]
    Unauthorized,
    /// An admin revoked this device's token.
    #[error("this device's access was revoked")]
    Revoked,
    /// The member's role does not allow an op of the push; nothing of it was stored.
    #[error("the server refused op {} ({}): {reason}", op.index, op.id)]
    Forbidden { op: RefusedOp, reason: String },
    /// The server refused a request only admins may make (the team's routes).
    #[error("only admins may do this: {0}")]
    NotAdmin(String),
    #[error("too many requests; waiting")]
    RateLimited,
    #[error("the server refused the request ({status}): {reason}")]
    Refused { status: u16, reason: String },
    #[error("the server failed ({status}): {reason}")]
    Server { status: u16, reason: String },
    #[error("the server's answer made no sense: {0}")]
    BadAnswer(String),
    /// The server trimmed its log past this device's cursor: join again by snapshot.
    #[error("the server no longer holds the changes this device missed")]
    SnapshotNeeded,
    #[error(transparent)]
    Store(
        #[from]
        #[serde(with = "shared_store_error")]
        crate::store::StoreError,
    ),
}

/// A leader's storage failure as the other tabs show it: a full disk and unavailable storage
/// keep their meaning, any other failure its description.
mod shared_store_error {
    use crate::store::StoreError;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    #[derive(Serialize, Deserialize)]
    enum Shared {
        QuotaExceeded,
        Unavailable(String),
        Other(String),
    }

    pub fn serialize<S: Serializer>(error: &StoreError, serializer: S) -> Result<S::Ok, S::Error> {
        match error {
            StoreError::QuotaExceeded => Shared::QuotaExceeded,
            StoreError::Unavailable(reason) => Shared::Unavailable(reason.clone()),
            other => Shared::Other(other.to_string()),
        }
        .serialize(serializer)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<StoreError, D::Error> {
        Ok(match Shared::deserialize(deserializer)? {
            Shared::QuotaExceeded => StoreError::QuotaExceeded,
            Shared::Unavailable(reason) => StoreError::Unavailable(reason),
            Shared::Other(reason) => StoreError::Browser(reason),
        })
    }
}

/// What the sync status indicator shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum SyncStatus {
    /// This device does not sync: its data stays on it.
    Off,
    /// The browser has no network; changes wait in the outbox.
    Offline,
    Syncing,
    /// Joining by snapshot: `done` of `total` records received, of the customers (contacts
    /// and companies, which come first) or of the other records.
    Joining {
        customers: bool,
        done: u64,
        total: u64,
    },
    /// Everything is sent and received, as of this time (Unix ms).
    UpToDate(f64),
    Failed(SyncError),
}

/// The sync context: settings, status and the background loop's wake-up line.
#[derive(Clone, Copy)]
pub struct SyncEngine {
    pub config: RwSignal<Option<SyncConfig>>,
    pub session: RwSignal<Option<SessionInfo>>,
    pub status: RwSignal<SyncStatus>,
    /// Local changes not yet acknowledged by the server (record writes in the outbox).
    pub pending: RwSignal<usize>,
    /// Whether this tab runs the loop (see [`leader`]); the others show its status.
    pub leader: RwSignal<bool>,
    /// The team as the server last listed it: names for the authors of changes.
    pub members: RwSignal<Vec<MemberInfo>>,
    /// How many writes the server refused are kept for their author (see
    /// [`SyncEngine::not_accepted`]).
    pub not_accepted: RwSignal<usize>,
    /// Whether the stored settings have been read: until then connecting waits (a connection
    /// made before would be overwritten by the settings read).
    loaded: RwSignal<bool>,
    workspace: Workspace,
    wake: StoredValue<mpsc::UnboundedSender<Wake>, LocalStorage>,
    tabs: StoredValue<TabChannel<SyncNews>, LocalStorage>,
}

/// What the tabs of one browser tell each other about sync.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
enum SyncNews {
    /// To the leader: sync now, or (`local`) soon, since a tab wrote.
    Wake { local: bool },
    /// The stored sync settings changed (connected, stopped): read them again.
    Config,
    /// From the leader, whenever it changes: what the indicator shows.
    Status {
        status: SyncStatus,
        pending: usize,
        session: Option<SessionInfo>,
    },
    /// A tab that has just loaded asks the leader for its status.
    Hello,
}

/// The channel's name (the store's channel is named after the database, "rabet").
const SYNC_CHANNEL: &str = "rabet-sync";

/// Why the loop was woken.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Wake {
    /// Sync now.
    Now,
    /// A local change: wait a moment for more, then sync.
    LocalChange,
}

impl SyncEngine {
    /// Creates the context; once the workspace has loaded it reads the settings and, in the
    /// tab that leads, starts the background loop.
    pub fn provide() -> SyncEngine {
        let (sender, receiver) = mpsc::unbounded();
        let workspace = use_workspace();
        let tabs = TabChannel::new(SYNC_CHANNEL);
        let news = tabs.listen();
        let sync = SyncEngine {
            config: RwSignal::new(None),
            session: RwSignal::new(None),
            status: RwSignal::new(SyncStatus::Off),
            pending: RwSignal::new(0),
            leader: RwSignal::new(false),
            not_accepted: RwSignal::new(0),
            members: RwSignal::new(Vec::new()),
            loaded: RwSignal::new(false),
            workspace,
            wake: StoredValue::new_local(sender),
            tabs: StoredValue::new_local(tabs),
        };
        provide_context(sync);
        leptos::task::spawn_local(sync.hear(news));
        leader::request(move || sync.leader.set(true));
        let mut reading = false;
        Effect::new(move |_| {
            if workspace.is_ready() && !std::mem::replace(&mut reading, true) {
                leptos::task::spawn_local(async move {
                    if let Err(error) = sync.load_config().await {
                        sync.status.set(SyncStatus::Failed(error));
                    }
                    sync.loaded.set(true);
                    sync.post(&SyncNews::Hello);
                });
            }
        });
        let mut receiver = Some(receiver);
        Effect::new(move |_| {
            if sync.loaded.get() && sync.leader.get() {
                if let Some(receiver) = receiver.take() {
                    leptos::task::spawn_local(sync.run(receiver));
                }
            }
        });
        // The leader tells the other tabs what its indicator shows.
        Effect::new(move |_| {
            let news = SyncNews::Status {
                status: sync.status.get(),
                pending: sync.pending.get(),
                session: sync.session.get(),
            };
            if sync.leader.get() {
                sync.post(&news);
            }
        });
        // The workspace refuses what the role does not allow, and views disable it; this
        // device's changes carry its member id in their history.
        Effect::new(move |_| {
            let (role, member) = sync.session.with(|session| match session {
                Some(info) => (info.role, Some(info.member_id.clone())),
                None => (None, None),
            });
            workspace.role.set(role);
            workspace
                .member
                .set(member.clone().filter(|id| !id.is_empty()));
            if workspace.is_ready() {
                if let Ok(store) = workspace.store() {
                    store.set_author(member.filter(|id| !id.is_empty()));
                }
            }
        });
        // Push soon after every local write.
        Effect::new(move |previous: Option<u64>| {
            let writes = workspace.local_writes.get();
            if previous.is_some_and(|previous| previous != writes) {
                sync.wake_leader(Wake::LocalChange);
            }
            writes
        });
        for event in ["online", "offline", "focus"] {
            listen_on_window(event, move || sync.sync_now());
        }
        sync
    }

    /// Whether connecting can start: the workspace and the stored settings are read.
    pub fn is_ready(&self) -> bool {
        self.workspace.is_ready() && self.loaded.get()
    }

    /// Asks the loop to sync as soon as it can (in the tab that leads).
    pub fn sync_now(&self) {
        self.wake_leader(Wake::Now);
    }

    fn wake_leader(&self, wake: Wake) {
        if self.leader.get_untracked() {
            self.send(wake);
        } else {
            self.post(&SyncNews::Wake {
                local: wake == Wake::LocalChange,
            });
        }
    }

    fn send(&self, wake: Wake) {
        // The loop holds the receiver for the app's lifetime, so sending cannot fail.
        let _ = self.wake.with_value(|sender| sender.unbounded_send(wake));
    }

    fn post(&self, news: &SyncNews) {
        self.tabs.with_value(|tabs| tabs.post(news));
    }

    /// Acts on what the other tabs say.
    async fn hear(self, mut news: mpsc::UnboundedReceiver<SyncNews>) {
        while let Some(news) = news.next().await {
            let leader = self.leader.get_untracked();
            match news {
                SyncNews::Wake { local } if leader => {
                    self.send(if local { Wake::LocalChange } else { Wake::Now })
                }
                SyncNews::Config => {
                    if let Err(error) = self.load_config().await {
                        self.status.set(SyncStatus::Failed(error));
                    } else if leader {
                        // Another server or token: ask who it is again.
                        self.session.set(None);
                        self.send(Wake::Now);
                    }
                }
                SyncNews::Status {
                    status,
                    pending,
                    session,
                } if !leader => {
                    self.status.set(status);
                    self.pending.set(pending);
                    self.session.set(session);
                }
                SyncNews::Hello if leader => self.post(&SyncNews::Status {
                    status: self.status.get_untracked(),
                    pending: self.pending.get_untracked(),
                    session: self.session.get_untracked(),
                }),
                _ => {}
            }
        }
    }

    /// Starts syncing with `config`, after checking that server and token work.
    pub async fn connect(&self, config: SyncConfig) -> Result<SessionInfo, SyncError> {
        let info = http::session(&config).await?;
        self.workspace
            .store()?
            .set_sync_config(Some(&config))
            .await?;
        self.config.set(Some(config));
        // Storing the settings forgot the stored session: keep this one.
        self.session.set(None);
        self.remember_session(info.clone()).await?;
        self.post(&SyncNews::Config);
        self.sync_now();
        Ok(info)
    }

    /// Stops syncing; the data stays on this device and changes keep collecting in the outbox.
    pub async fn disconnect(&self) -> Result<(), SyncError> {
        self.workspace
            .store()?
            .set_sync_config::<SyncConfig>(None)
            .await?;
        self.config.set(None);
        self.session.set(None);
        self.status.set(SyncStatus::Off);
        self.post(&SyncNews::Config);
        Ok(())
    }

    async fn run(self, mut receiver: mpsc::UnboundedReceiver<Wake>) {
        let mut failures = 0u32;
        // The settings the server said were revoked: no sync with them again (a new invite
        // or stopping changes them).
        let mut revoked: Option<Option<SyncConfig>> = None;
        loop {
            let config = self.config.get_untracked();
            if revoked.as_ref() == Some(&config) {
                self.status.set(SyncStatus::Failed(SyncError::Revoked));
            } else {
                match self.sync_once().await {
                    Ok(()) => failures = 0,
                    Err(SyncError::Revoked) => {
                        revoked = Some(config);
                        self.status.set(SyncStatus::Failed(SyncError::Revoked));
                    }
                    Err(error) => {
                        failures += 1;
                        self.status.set(SyncStatus::Failed(error));
                    }
                }
            }
            let wait = if failures == 0 {
                INTERVAL_MS
            } else {
                backoff_ms(failures)
            };
            let woken = future::select(receiver.next(), Box::pin(sleep(wait))).await;
            if let future::Either::Left((Some(Wake::LocalChange), _)) = woken {
                sleep(DEBOUNCE_MS).await;
            }
            // Whatever else arrived meanwhile is served by the sync about to run.
            while receiver.try_recv().is_ok() {}
        }
    }

    /// Whether the server told this device its access was revoked.
    pub fn is_revoked(&self) -> bool {
        self.status
            .with(|status| matches!(status, SyncStatus::Failed(SyncError::Revoked)))
    }

    /// Clears the workspace from this browser after its access was revoked, and forgets the
    /// server: a fresh start.
    pub async fn erase_device(&self) -> Result<(), SyncError> {
        self.workspace.erase_device().await?;
        self.config.set(None);
        self.session.set(None);
        self.members.set(Vec::new());
        self.not_accepted.set(0);
        self.pending.set(0);
        self.status.set(SyncStatus::Off);
        self.post(&SyncNews::Config);
        Ok(())
    }

    /// The settings to call the team's routes with: this device's, while online.
    fn team_config(&self) -> Result<SyncConfig, SyncError> {
        if !navigator_online() {
            return Err(SyncError::Offline);
        }
        self.config.get_untracked().ok_or(SyncError::Unauthorized)
    }

    /// The team with each member's devices, as an admin sees it.
    pub async fn admin_team(&self) -> Result<Vec<MemberInfo>, SyncError> {
        http::admin_members(&self.team_config()?).await
    }

    /// The automated messages the server gave up on, as an admin sees them.
    pub async fn dead_letters(&self) -> Result<Vec<DeadLetter>, SyncError> {
        http::dead_letters(&self.team_config()?).await
    }

    /// Invites a new member: their first device's token and a link to open on it, to this
    /// app on this device's server.
    pub async fn invite(&self, name: String, role: Role) -> Result<InviteResponse, SyncError> {
        let config = self.team_config()?;
        let request = InviteRequest {
            name,
            role,
            app_url: window().location().origin().ok(),
            server_url: Some(config.server.clone()),
        };
        http::invite(&config, &request).await
    }

    /// Gives a member another role; it holds from their device's next request.
    pub async fn change_role(&self, member: String, role: Role) -> Result<MemberInfo, SyncError> {
        http::change_role(&self.team_config()?, &member, &RoleChange { role }).await
    }

    /// Revokes one device of a member: it is told at its next sync.
    pub async fn revoke_device(&self, device: String) -> Result<DeviceInfo, SyncError> {
        http::revoke(&self.team_config()?, &device).await
    }

    async fn load_config(&self) -> Result<(), SyncError> {
        let store = self.workspace.store()?;
        let config: Option<SyncConfig> = store.sync_config().await?;
        if config.is_some() {
            self.status.set(SyncStatus::Syncing);
        }
        self.config.set(config);
        // Known before the first sync (and offline): what the role allows.
        self.session.set(store.sync_session().await?);
        self.not_accepted.set(store.not_accepted().await?.len());
        self.members.set(store.sync_members().await?);
        Ok(())
    }

    /// A member's name, by their id; `None` for an id the team list does not have.
    pub fn member_name(&self, id: &str) -> Option<String> {
        self.members.with(|members| {
            members
                .iter()
                .find(|member| member.id == id)
                .map(|member| member.name.clone())
        })
    }

    /// Whether `author` (a member id, or `None` for a change made here before syncing) is
    /// this device's member.
    pub fn is_me(&self, author: Option<&str>) -> bool {
        author.is_none_or(|author| {
            self.session
                .with(|session| session.as_ref().is_some_and(|s| s.member_id == author))
        })
    }

    /// Shows who this device syncs as and keeps it, for its next start.
    async fn remember_session(&self, info: SessionInfo) -> Result<(), SyncError> {
        if self
            .session
            .with_untracked(|known| known.as_ref() != Some(&info))
        {
            self.workspace
                .store()?
                .set_sync_session(Some(&info))
                .await?;
            self.session.set(Some(info));
        }
        Ok(())
    }

    /// Pushes the outbox. A write the server refuses for the role leaves the outbox for the
    /// not-accepted list and the rest is pushed again; returns whether any was refused.
    async fn push_outbox(&self, config: &SyncConfig) -> Result<bool, SyncError> {
        let store = self.workspace.store()?;
        let mut refused_any = false;
        'outbox: loop {
            let outbox = store.pending().await?;
            for batch in push_batches(&outbox.ops, MAX_PUSH_OPS, MAX_PUSH_BYTES) {
                match http::push(config, batch.to_vec()).await {
                    Ok(_) => {}
                    Err(SyncError::Forbidden { op, reason }) => {
                        self.refuse(config, batch, op, reason).await?;
                        refused_any = true;
                        continue 'outbox;
                    }
                    Err(error) => return Err(error),
                }
                if let Some(last) = batch.last() {
                    store.acknowledge_through(&outbox, last).await?;
                }
            }
            return Ok(refused_any);
        }
    }

    /// Takes the write holding the refused op out of the outbox, worded by the role the
    /// server now gives this device, and shows its records as they are without it.
    async fn refuse(
        &self,
        config: &SyncConfig,
        batch: &[rabet_domain::op::Op],
        refused: RefusedOp,
        reason: String,
    ) -> Result<(), SyncError> {
        // The role may have changed since this device last asked.
        self.remember_session(http::session(config).await?).await?;
        let role = self
            .session
            .with_untracked(|s| s.as_ref().and_then(|s| s.role));
        let deletes = batch
            .get(refused.index)
            .is_some_and(|op| op.id.to_string() == refused.id && op.deletes());
        let refusal = role.and_then(|role: Role| role.refusal_of(refused.entity, deletes));
        let store = self.workspace.store()?;
        let changes = store
            .refuse(&refused.id, refusal, reason.clone(), js_sys::Date::now())
            .await?
            // The refused op is in no outbox entry: nothing to take out, so do not retry.
            .ok_or(SyncError::Forbidden {
                op: refused,
                reason,
            })?;
        self.workspace.show_changes(changes)?;
        self.not_accepted.set(store.not_accepted().await?.len());
        Ok(())
    }

    /// The writes the server refused, kept for their author to copy or discard.
    pub async fn list_not_accepted(&self) -> Result<Vec<NotAccepted>, SyncError> {
        Ok(self.workspace.store()?.not_accepted().await?)
    }

    /// Forgets a refused write (by [`NotAccepted::key`]).
    pub async fn discard_not_accepted(&self, key: String) -> Result<(), SyncError> {
        let store = self.workspace.store()?;
        store.discard_not_accepted(&key).await?;
        self.not_accepted.set(store.not_accepted().await?.len());
        Ok(())
    }

    /// Pushes the whole outbox, then pulls until the server has nothing newer.
    async fn sync_once(&self) -> Result<(), SyncError> {
        let store = self.workspace.store()?;
        self.pending.set(store.outbox_len().await?);
        let Some(config) = self.config.get_untracked() else {
            self.status.set(SyncStatus::Off);
            return Ok(());
        };
        if !navigator_online() {
            self.status.set(SyncStatus::Offline);
            return Ok(());
        }
        self.status.set(SyncStatus::Syncing);
        // Asked every time: an admin may have changed the role (or revoked the device), or
        // the team changed.
        self.remember_session(http::session(&config).await?).await?;
        let members = http::members(&config).await?;
        if self.members.with_untracked(|known| *known != members) {
            store.set_sync_members(&members).await?;
            self.members.set(members);
        }
        self.push_outbox(&config).await?;
        self.pending.set(store.outbox_len().await?);
        let mut cursor = match store.sync_cursor().await? {
            Some(cursor) => cursor,
            None => self.join(&store, &config).await?,
        };
        loop {
            let page = match http::pull(&config, cursor).await {
                Err(SyncError::SnapshotNeeded) => {
                    cursor = self.join(&store, &config).await?;
                    continue;
                }
                page => page?,
            };
            let (ops, authors): (Vec<_>, Vec<_>) =
                page.ops.into_iter().map(AuthoredOp::into_parts).unzip();
            let changes = store.apply_pulled(&ops, &authors, page.next).await?;
            self.workspace.show_pulled(changes)?;
            cursor = page.next;
            if !page.more {
                break;
            }
        }
        // Settings changed meanwhile (disconnect): say nothing about the old server.
        if self.config.get_untracked().as_ref() == Some(&config) {
            self.status.set(SyncStatus::UpToDate(js_sys::Date::now()));
        }
        Ok(())
    }
}

impl SyncEngine {
    /// Joins the workspace by snapshot, customers first so their lists fill first: each page
    /// one bulk write, shown as it arrives, with progress. The first page names where each
    /// kind's parts end; up to [`PARTS_IN_FLIGHT`] parts are fetched at once while pages are
    /// stored one after another in order (a server without parts: a kind is one part, so
    /// kinds travel at once). Kinds this device holds no record of come as rows ready to
    /// store; kinds it holds some of (its default pipeline, or everything when it comes back
    /// after the server's trim) as pages of ops merged into them. Returns the cursor to pull
    /// the rest after, which it stores; 0, storing nothing, from a server without snapshots
    /// (the pull from the start stores its cursor as it goes).
    async fn join(&self, store: &Store, config: &SyncConfig) -> Result<Cursor, SyncError> {
        let kinds = join_order();
        let mut ids_of = BTreeMap::new();
        let first = Part::first();
        let ids = ids_for(store, &mut ids_of, first.kind).await?;
        let answer = match join_page(config.clone(), first.clone(), ids, None).await {
            // A server from before snapshots: pull every op from the start instead.
            Err(SyncError::Refused { status: 404, .. }) => return Ok(0),
            answer => answer?,
        };
        // The first page's cursor and totals, once it is read; the parts after it.
        let mut joined: Option<(Cursor, BTreeMap<EntityKind, u64>)> = None;
        let mut parts = VecDeque::new();
        let mut done = [0u64; 2];
        // Pages of the parts in flight, in the order they are stored.
        let mut fetching: VecDeque<(Part, Ids, oneshot::Receiver<FetchedPage>)> = VecDeque::new();
        let mut current = Some((first, ids, answer));
        // Pages of rows shown and still committing, oldest first.
        let mut storing: VecDeque<Committing<'_>> = VecDeque::new();
        while let Some((part, ids, answer)) = current.take() {
            let mut phases = Phases::join_page();
            let page = answer.read()?;
            phases.end("join: read in wasm");
            let summary = page.summary();
            let (cursor, totals) = match &joined {
                Some((cursor, totals)) => {
                    if summary.more {
                        // The rest of this part is stored before the next part.
                        let rest = part.rest_after(summary.last.clone());
                        fetching.push_front(fetch(config, rest, ids, *cursor));
                    }
                    (*cursor, totals)
                }
                None => {
                    // The first page: the plan covers the rest of its kind too.
                    let first = FirstPage {
                        more: summary.more,
                        last: summary.last.as_ref(),
                        totals: summary.totals.as_ref(),
                        splits: summary.splits.as_ref(),
                    };
                    parts = parts_after_first(&kinds, &part, first);
                    let totals = summary.totals.clone().unwrap_or_default();
                    let (cursor, totals) = joined.insert((summary.cursor, totals));
                    (*cursor, &*totals)
                }
            };
            // Parts travel while this page is stored and shown.
            while fetching.len() < PARTS_IN_FLIGHT {
                let Some(part) = parts.pop_front() else {
                    break;
                };
                let ids = ids_for(store, &mut ids_of, part.kind).await?;
                fetching.push_back(fetch(config, part, ids, cursor));
            }
            let customers = CUSTOMERS.contains(&part.kind);
            let slot = usize::from(!customers);
            let total = totals
                .iter()
                .filter(|(kind, _)| CUSTOMERS.contains(kind) == customers)
                .map(|(_, count)| count)
                .sum::<u64>();
            if let Some(committing) = page
                .keep(part.kind, store, self.workspace, ids, &mut phases)
                .await?
            {
                storing.push_back(committing);
                if storing.len() > PAGES_COMMITTING {
                    if let Some(oldest) = storing.pop_front() {
                        oldest.await?;
                        phases.end("join: waited for an earlier page's commit");
                    }
                }
            }
            done[slot] += u64::from(summary.records);
            self.status.set(SyncStatus::Joining {
                customers,
                done: done[slot],
                total: total.max(done[slot]),
            });
            if let Some((part, ids, receiver)) = fetching.pop_front() {
                // A dropped sender is a fetch that panicked: no answer to store.
                let answer = receiver
                    .await
                    .map_err(|_| SyncError::BadAnswer("a snapshot page was lost".into()))??;
                current = Some((part, ids, answer));
            }
        }
        // The cursor says every page is stored: only once they are.
        for committing in storing {
            committing.await?;
        }
        let cursor = joined.map_or(0, |(cursor, _)| cursor);
        store.set_sync_cursor(cursor).await?;
        Ok(cursor)
    }
}

/// Snapshot pages a join fetches at the same time (each part's pages one after another).
const PARTS_IN_FLIGHT: usize = 3;

/// Pages of rows a join lets commit while it shows and sends the next ones: IndexedDB runs
/// their transactions one after another, so more would only hold more pages in memory.
const PAGES_COMMITTING: usize = 2;

/// A page of rows shown and sent to the store, until it is committed.
type Committing<'s> = Pin<Box<dyn Future<Output = Result<(), StoreError>> + 's>>;

/// Whether records of `kind` may be stored already: asked once, before its first page is
/// fetched, and kept for the rest, since its pages are then stored.
async fn ids_for(
    store: &Store,
    known: &mut BTreeMap<EntityKind, Ids>,
    kind: EntityKind,
) -> Result<Ids, SyncError> {
    if let Some(ids) = known.get(&kind) {
        return Ok(*ids);
    }
    // A new device holds a default pipeline and settings of its own by now: only those kinds
    // are merged.
    let ids = match store.holds_records_of(kind).await? {
        true => Ids::MayExist,
        false => Ids::Fresh,
    };
    known.insert(kind, ids);
    Ok(ids)
}

type FetchedPage = Result<JoinAnswer, SyncError>;

/// Starts fetching a part's next page on its own task, so it travels whatever the join is
/// busy with.
fn fetch(
    config: &SyncConfig,
    part: Part,
    ids: Ids,
    cursor: Cursor,
) -> (Part, Ids, oneshot::Receiver<FetchedPage>) {
    let (sender, receiver) = oneshot::channel();
    let (config, asked) = (config.clone(), part.clone());
    leptos::task::spawn_local(async move {
        // The join stops listening only when it failed on an earlier page.
        let _ = sender.send(join_page(config, asked, ids, Some(cursor)).await);
    });
    (part, ids, receiver)
}

/// A page of a join by snapshot as the server answered it: rows ready to store (asked for
/// by a device that holds no record of the kind), or ops to merge (asked for by one that
/// holds some, and what a server from before rows answers).
enum JoinAnswer {
    Rows(http::RowsAnswer),
    Ops(SnapshotResponse),
}

/// A page of `part` (see [`JoinAnswer`]): rows when no record of its kind may be stored
/// yet (`ids`), else ops.
async fn join_page(
    config: SyncConfig,
    part: Part,
    ids: Ids,
    cursor: Option<Cursor>,
) -> Result<JoinAnswer, SyncError> {
    let (kind, after, until) = (part.kind, part.after.as_deref(), part.until.as_deref());
    Ok(match ids {
        Ids::Fresh => {
            let mut phases = Phases::join_page();
            let answer =
                http::snapshot_rows(&config, kind, after, until, cursor, &mut phases).await?;
            // A server from before rows answers ops (its answer starts with them).
            if answer.text.starts_with("{\"ops\"") {
                JoinAnswer::Ops(bad_answer(serde_json::from_str(&answer.text))?)
            } else {
                JoinAnswer::Rows(answer)
            }
        }
        Ids::MayExist => {
            JoinAnswer::Ops(http::snapshot(&config, kind, after, until, cursor).await?)
        }
    })
}

fn bad_answer<T>(read: serde_json::Result<T>) -> Result<T, SyncError> {
    read.map_err(|error| SyncError::BadAnswer(error.to_string()))
}

/// A [`JoinAnswer`] read; rows keep their values as text borrowed from the answer.
enum JoinPage<'a> {
    Rows(&'a js_sys::JsString, RowsPage<'a>),
    Ops(&'a SnapshotResponse),
}

/// What a join needs of a page to go on.
struct PageSummary {
    records: u32,
    last: Option<String>,
    more: bool,
    cursor: Cursor,
    totals: Option<BTreeMap<EntityKind, u64>>,
    splits: Option<BTreeMap<EntityKind, Vec<String>>>,
}

impl JoinAnswer {
    fn read(&self) -> Result<JoinPage<'_>, SyncError> {
        Ok(match self {
            JoinAnswer::Rows(answer) => JoinPage::Rows(
                &answer.held,
                bad_answer(serde_json::from_str(&answer.text))?,
            ),
            JoinAnswer::Ops(page) => JoinPage::Ops(page),
        })
    }
}

impl JoinPage<'_> {
    fn summary(&self) -> PageSummary {
        match self {
            JoinPage::Rows(_, page) => PageSummary {
                records: page.records,
                last: page.last.clone(),
                more: page.more,
                cursor: page.cursor,
                totals: page.totals.clone(),
                splits: page.splits.clone(),
            },
            JoinPage::Ops(page) => PageSummary {
                records: page.records,
                last: page.last.clone(),
                more: page.more,
                cursor: page.cursor,
                totals: page.totals.clone(),
                splits: page.splits.clone(),
            },
        }
    }

    /// Stores the page as one bulk write and shows its records. Rows are shown as soon as
    /// their puts are sent (every later write runs after them, see
    /// [`Store::put_snapshot_rows`]), and their commit is returned to be awaited later; ops
    /// are merged, committed, then shown.
    async fn keep<'s>(
        &self,
        kind: EntityKind,
        store: &'s Store,
        workspace: Workspace,
        ids: Ids,
        phases: &mut Phases,
    ) -> Result<Option<Committing<'s>>, SyncError> {
        let committing = match self {
            JoinPage::Rows(held, page) => {
                let committing = store.put_snapshot_rows(kind, held, page)?;
                phases.end("join: sent to the store");
                workspace.show_rows(kind, &page.rows)?;
                Some(Box::pin(committing) as Committing<'s>)
            }
            JoinPage::Ops(page) => {
                let changes = store.apply_snapshot(&page.ops, ids).await?;
                phases.end("join: stored");
                workspace.show_changes(changes)?;
                None
            }
        };
        phases.end("join: shown");
        Ok(committing)
    }
}

pub fn use_sync() -> SyncEngine {
    expect_context::<SyncEngine>()
}

/// Waits twice as long after each failure in a row: 2 s, 4 s, 8 s … up to five minutes.
fn backoff_ms(failures: u32) -> u32 {
    2_000u32
        .saturating_mul(1 << failures.min(16).saturating_sub(1))
        .min(MAX_BACKOFF_MS)
}

fn navigator_online() -> bool {
    web_sys::window().is_none_or(|window| window.navigator().on_line())
}

async fn sleep(ms: u32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            // Fails only without a window, where there is nothing to wait for.
            let _ =
                window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms as i32);
        }
    });
    // The promise only ever resolves.
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

fn listen_on_window(event: &str, handler: impl Fn() + 'static) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let closure = Closure::<dyn Fn()>::new(handler);
    // Adding a listener to the window does not fail.
    let _ = window.add_event_listener_with_callback(event, closure.as_ref().unchecked_ref());
    // The listener lives as long as the app.
    closure.forget();
}
