//! Convergence through the real server: simulated clients edit the same few records while
//! going offline, losing answers, retrying and repeating requests, and the server's SQLite
//! store restarts in between. Once everybody has synced, every client and a client starting
//! from nothing hold the same records, and no acknowledged edit is lost.
//!
//! Roles are in play: client 0 is an admin, 1 and 2 members, 3 a viewer, and one record is
//! a pipeline (admins' only). A client whose push is refused (403) does as the app does: it
//! drops the op the answer names from its outbox and rebuilds its records from the server's
//! log and what is left in its outbox; in the end every client holds the server's accepted
//! state.
//!
//! Requests go to the router in memory (`oneshot`), so a case takes milliseconds.

mod common;

use axum::{
    body::Body,
    http::{header, Method, Request, StatusCode},
    Router,
};
use common::{Backend, TestDatabase};
use proptest::prelude::*;
use rabet_domain::{
    hlc::{Clock, NodeId},
    id::{Id, WireId},
    kind::EntityKind,
    op::{Op, OpBuilder},
    replica::Replica,
    sync::{
        AuthoredPullResponse, ErrorBody, PullResponse, PushRequest, PushResponse, Role,
        MAX_PUSH_OPS,
    },
};
use rabet_server::{admin, app, AppState, RateLimit, SqlStorage};
use serde_json::{Map, Value};
use std::{collections::BTreeMap, sync::Arc};
use tower::ServiceExt;

const CLIENTS: usize = 4;
const FIELDS: [&str; 2] = ["name", "stage"];

const ROLES: [Role; CLIENTS] = [Role::Admin, Role::Member, Role::Member, Role::Viewer];

fn records() -> [(EntityKind, Id); 4] {
    [
        (EntityKind::Contact, Id::v7(1, [1; 10])),
        (EntityKind::Contact, Id::v7(1, [2; 10])),
        (EntityKind::Deal, Id::v7(1, [1; 10])),
        (EntityKind::Pipeline, Id::v7(1, [3; 10])),
    ]
}

#[derive(Clone, Debug)]
enum Step {
    Edit {
        client: usize,
        record: usize,
        field: usize,
        value: Value,
    },
    Delete {
        client: usize,
        record: usize,
    },
    Restore {
        client: usize,
        record: usize,
    },
    /// Sends the outbox (twice when `repeated`); a `lost` answer leaves the outbox as it was.
    Push {
        client: usize,
        repeated: bool,
        lost: bool,
    },
    /// Pulls one page; a `lost` answer leaves the cursor where it was.
    Pull {
        client: usize,
        limit: u32,
        lost: bool,
    },
    GoOffline {
        client: usize,
    },
    GoOnline {
        client: usize,
    },
    /// Wall clocks move, each client's by its own amount (and sometimes backwards).
    Tick {
        client: usize,
        wall_ms: u64,
    },
    RestartServer,
}

fn step() -> impl Strategy<Value = Step> {
    let client = 0..CLIENTS;
    let record = 0..records().len();
    let value = prop_oneof![
        Just(Value::Null),
        Just(Value::from("")),
        (0i64..3).prop_map(Value::from),
        "[ab]".prop_map(Value::String),
    ];
    prop_oneof![
        5 => (client.clone(), record.clone(), 0..FIELDS.len(), value)
            .prop_map(|(client, record, field, value)| Step::Edit { client, record, field, value }),
        1 => (client.clone(), record.clone()).prop_map(|(client, record)| Step::Delete { client, record }),
        1 => (client.clone(), record).prop_map(|(client, record)| Step::Restore { client, record }),
        3 => (client.clone(), any::<bool>(), prop::bool::weighted(0.3))
            .prop_map(|(client, repeated, lost)| Step::Push { client, repeated, lost }),
        3 => (client.clone(), 1u32..6, prop::bool::weighted(0.2))
            .prop_map(|(client, limit, lost)| Step::Pull { client, limit, lost }),
        1 => client.clone().prop_map(|client| Step::GoOffline { client }),
        1 => client.clone().prop_map(|client| Step::GoOnline { client }),
        2 => (client, 0u64..30).prop_map(|(client, wall_ms)| Step::Tick { client, wall_ms }),
        1 => Just(Step::RestartServer),
    ]
}

/// The server as the clients reach it, restartable on the same SQLite file.
struct Server {
    database: TestDatabase,
    storage: Arc<SqlStorage>,
    router: Router,
    dist: tempfile::TempDir,
}

impl Server {
    async fn start() -> Server {
        let database = TestDatabase::new(Backend::Sqlite).await.unwrap();
        let dist = tempfile::tempdir().unwrap();
        let storage = database.open().await;
        let router = Server::router(&storage, &dist);
        Server {
            database,
            storage,
            router,
            dist,
        }
    }

    fn router(storage: &Arc<SqlStorage>, dist: &tempfile::TempDir) -> Router {
        app(AppState {
            rate_limit: RateLimit {
                per_second: 1e9,
                burst: 1e9,
            },
            ..AppState::new(dist.path().to_path_buf(), storage.clone())
        })
    }

    async fn restart(&mut self) {
        self.storage.close().await;
        self.storage = self.database.open().await;
        self.router = Server::router(&self.storage, &self.dist);
    }

    async fn call<T: serde::de::DeserializeOwned>(
        &self,
        token: &str,
        method: Method,
        uri: &str,
        body: Option<String>,
    ) -> T {
        match self.try_call(token, method, uri, body).await {
            Ok(answer) => answer,
            Err(error) => panic!("{error:?}"),
        }
    }

    /// The answer, or a 403's body.
    async fn try_call<T: serde::de::DeserializeOwned>(
        &self,
        token: &str,
        method: Method,
        uri: &str,
        body: Option<String>,
    ) -> Result<T, ErrorBody> {
        let request = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(body.map_or_else(Body::empty, Body::from))
            .unwrap();
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        if status == StatusCode::FORBIDDEN {
            return Err(serde_json::from_slice(&bytes).unwrap());
        }
        assert_eq!(
            status,
            StatusCode::OK,
            "{}",
            String::from_utf8_lossy(&bytes)
        );
        Ok(serde_json::from_slice(&bytes).unwrap())
    }

    async fn push(&self, token: &str, ops: &[Op]) -> Result<PushResponse, ErrorBody> {
        let body = serde_json::to_string(&PushRequest { ops: ops.to_vec() }).unwrap();
        self.try_call(token, Method::POST, "/api/v1/ops", Some(body))
            .await
    }

    async fn pull(&self, token: &str, after: u64, limit: u32) -> PullResponse {
        let uri = format!("/api/v1/ops?after={after}&limit={limit}");
        self.call(token, Method::GET, &uri, None).await
    }
}

/// A device: its merged records, clock, outbox of unacknowledged ops and pull cursor.
struct Client {
    token: String,
    replica: Replica,
    clock: Clock,
    node: u8,
    ops_made: u64,
    wall_ms: u64,
    outbox: Vec<Op>,
    cursor: u64,
    online: bool,
    /// Ops the server refused, dropped from the outbox.
    refused: usize,
    member_id: String,
}

impl Client {
    fn new(node: u8, token: String) -> Client {
        Client {
            token,
            replica: Replica::default(),
            clock: Clock::new(NodeId::from_random([node; 8])),
            node,
            ops_made: 0,
            wall_ms: 1_000,
            outbox: Vec::new(),
            cursor: 0,
            online: true,
            refused: 0,
            member_id: String::new(),
        }
    }

    /// Applies a local change as the app does: to its own replica, and into the outbox.
    fn write(&mut self, make: impl FnOnce(&mut OpBuilder) -> Vec<Op>) {
        let (node, ops_made) = (self.node, &mut self.ops_made);
        let mut new_id = || {
            *ops_made += 1;
            let mut random = [node; 10];
            random[2..].copy_from_slice(&ops_made.to_be_bytes());
            WireId::v7(1, random)
        };
        let ops = make(&mut OpBuilder::new(
            &mut self.clock,
            self.wall_ms,
            &mut new_id,
        ));
        self.replica.apply_all(&ops);
        self.outbox.extend(ops);
    }

    fn receive(&mut self, page: PullResponse) {
        for op in &page.ops {
            self.clock.observe(&op.stamp, self.wall_ms);
        }
        self.replica.apply_all(&page.ops);
        self.cursor = page.next;
    }

    /// Pushes the outbox; returns the ops acknowledged (none when the answer is lost).
    async fn push(&mut self, server: &Server, repeated: bool, lost: bool) -> Vec<Op> {
        let sent: Vec<Op> = self.outbox.iter().take(MAX_PUSH_OPS).cloned().collect();
        let mut answer = server.push(&self.token, &sent).await;
        if repeated {
            answer = server.push(&self.token, &sent).await;
        }
        if lost {
            return Vec::new();
        }
        match answer {
            Ok(_) => {
                self.outbox.drain(..sent.len());
                sent
            }
            Err(error) => {
                assert_eq!(error.error, "forbidden", "{error:?}");
                let refused = error.op.expect("a refusal names its op");
                assert_eq!(refused.id, sent[refused.index].id.to_string());
                self.outbox.remove(refused.index);
                self.refused += 1;
                // What it showed of the refused op goes: its records become the server's
                // log again (pulled anew) with its own pending changes on top.
                self.replica = Replica::default();
                self.replica.apply_all(&self.outbox);
                self.cursor = 0;
                Vec::new()
            }
        }
    }

    /// Pushes and pulls until nothing is left either way.
    async fn sync(&mut self, server: &Server, acknowledged: &mut Vec<Op>) {
        while !self.outbox.is_empty() {
            acknowledged.extend(self.push(server, false, false).await);
        }
        loop {
            let page = server.pull(&self.token, self.cursor, 1000).await;
            let more = page.more;
            self.receive(page);
            if !more {
                return;
            }
        }
    }
}

async fn run(steps: Vec<Step>) -> Result<(), TestCaseError> {
    let mut server = Server::start().await;
    let workspace = admin::create_workspace(&*server.storage, "Acme")
        .await
        .unwrap();
    let mut clients = Vec::new();
    for (node, role) in (1..=CLIENTS as u8).zip(ROLES) {
        let name = format!("m{node}");
        let issued = admin::issue_token_as(&*server.storage, &workspace, &name, Some(role), false)
            .await
            .unwrap();
        let mut client = Client::new(node, issued.token);
        client.member_id = issued.member.id;
        clients.push(client);
    }
    let records = records();
    let mut acknowledged: Vec<Op> = Vec::new();

    for step in steps {
        match step {
            Step::Edit {
                client,
                record,
                field,
                value,
            } => {
                let (kind, id) = &records[record];
                let next = Map::from_iter([(FIELDS[field].to_owned(), value)]);
                clients[client].write(|b| b.edit_ops(*kind, id, None, &next).unwrap());
            }
            Step::Delete { client, record } => {
                let (kind, id) = &records[record];
                clients[client].write(|b| vec![b.delete_op(*kind, id)]);
            }
            Step::Restore { client, record } => {
                let (kind, id) = &records[record];
                clients[client].write(|b| vec![b.restore_op(*kind, id)]);
            }
            Step::Push {
                client,
                repeated,
                lost,
            } => {
                if clients[client].online {
                    let acked = clients[client].push(&server, repeated, lost).await;
                    acknowledged.extend(acked);
                }
            }
            Step::Pull {
                client,
                limit,
                lost,
            } => {
                let client = &mut clients[client];
                if client.online {
                    let page = server.pull(&client.token, client.cursor, limit).await;
                    if !lost {
                        client.receive(page);
                    }
                }
            }
            Step::GoOffline { client } => clients[client].online = false,
            Step::GoOnline { client } => clients[client].online = true,
            Step::Tick { client, wall_ms } => {
                // Mostly forwards, sometimes back: wall clocks are not to be trusted.
                let client = &mut clients[client];
                client.wall_ms = (client.wall_ms + wall_ms).saturating_sub(8);
            }
            Step::RestartServer => server.restart().await,
        }
    }

    // Everybody comes online and syncs; a second round brings the last pushes to all.
    for _ in 0..2 {
        for client in &mut clients {
            client.online = true;
            client.sync(&server, &mut acknowledged).await;
        }
    }
    let token = admin::issue_token(&*server.storage, &workspace, "newcomer")
        .await
        .unwrap()
        .token;
    let mut newcomer = Client::new(99, token);
    newcomer.sync(&server, &mut Vec::new()).await;

    for client in &clients {
        prop_assert_eq!(&client.replica, &newcomer.replica);
    }
    // Every acknowledged edit holds its field, or lost to one that takes precedence.
    for op in &acknowledged {
        let record = newcomer.replica.get(op.entity, &(&op.record).into());
        let state = record.and_then(|record| record.fields().get(&op.field));
        prop_assert!(state.is_some(), "acknowledged op {} vanished", op.id);
        let state = state.unwrap();
        prop_assert!(state.precedence() >= op.precedence());
        if state.precedence() == op.precedence() {
            prop_assert_eq!(&state.value, &op.value);
        }
    }
    // The server holds each op once: as many as were ever written and not refused.
    let written: usize = clients
        .iter()
        .map(|client| client.ops_made as usize - client.refused)
        .sum();
    let mut on_server = BTreeMap::new();
    let mut after = 0;
    loop {
        let page = server.pull(&newcomer.token, after, 1000).await;
        for op in page.ops {
            prop_assert!(on_server.insert(op.id.clone(), op).is_none());
        }
        after = page.next;
        if !page.more {
            break;
        }
    }
    prop_assert_eq!(on_server.len(), written);
    for op in &acknowledged {
        prop_assert_eq!(on_server.get(&op.id), Some(op));
    }
    // Each accepted op carries the member who pushed it, and that member's role allows it;
    // the viewer got nothing in.
    prop_assert_eq!(clients[3].ops_made as usize, clients[3].refused);
    let mut after = 0;
    loop {
        let uri = format!("/api/v1/ops?after={after}&limit=1000");
        let page: AuthoredPullResponse =
            server.call(&newcomer.token, Method::GET, &uri, None).await;
        for op in page.ops {
            let author = op.author.clone().expect("every op has its author");
            let role = clients
                .iter()
                .zip(ROLES)
                .find(|(client, _)| client.member_id == author)
                .map(|(_, role)| role);
            prop_assert!(role.is_some(), "unknown author {}", author);
            prop_assert!(role.unwrap().may_write(op.entity));
        }
        after = page.next;
        if !page.more {
            break;
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn clients_converge_through_the_server(steps in prop::collection::vec(step(), 1..60)) {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(run(steps))?;
    }
}
