//! The compacted state and the trimmed log, on SQLite and PostgreSQL: a device that joins by
//! snapshot and then pulls the tail holds what a device replaying every op holds, whatever
//! is pushed while it reads the pages; a trim keeps what active devices need, a device that
//! returns after it converges by snapshot, and records keep their creators and the winning
//! op of each field, authors included.
//!
//! Requests go to the router in memory (`oneshot`), except where HTTP itself is the point.

mod common;

use axum::{
    body::Body,
    http::{header, Method, Request, StatusCode},
    Router,
};
use common::{on_every_backend, Backend, TestDatabase};
use proptest::prelude::*;
use rabet_domain::{
    hlc::{NodeId, Stamp},
    id::{Id, WireId},
    kind::EntityKind,
    op::{Op, DELETED_FIELD},
    replica::Replica,
    sync::{
        join::{join_order, parts_after_first, FirstPage, Part},
        rows::RowsPage,
        ErrorBody, HistoryResponse, PullResponse, PushRequest, Role, SnapshotResponse,
        SNAPSHOT_NEEDED,
    },
};
use rabet_server::{
    admin, app, compacted, prepared, storage::SQLITE_FILE, AppState, DatabaseLocation,
    PreparedSnapshots, RateLimit, SqlStorage, Storage, TrimPolicy,
};
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::sync::Arc;
use tower::ServiceExt;

const KINDS: [EntityKind; 2] = [EntityKind::Contact, EntityKind::Deal];
const FIELDS: [&str; 3] = ["name", "stage", DELETED_FIELD];
const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// The server's router over one database, and a workspace with an admin's token.
struct Server {
    storage: Arc<SqlStorage>,
    router: Router,
    workspace: String,
    _dist: tempfile::TempDir,
}

impl Server {
    async fn start(storage: Arc<SqlStorage>) -> Server {
        let workspace = admin::create_workspace(&*storage, "Acme").await.unwrap();
        Server::over(storage, workspace)
    }

    /// The router over a workspace the database already holds.
    fn over(storage: Arc<SqlStorage>, workspace: String) -> Server {
        Server::over_with(storage, workspace, Arc::default())
    }

    /// [`Server::over`] with the snapshots prepared in `prepared`.
    fn over_with(
        storage: Arc<SqlStorage>,
        workspace: String,
        prepared: Arc<PreparedSnapshots>,
    ) -> Server {
        let dist = tempfile::tempdir().unwrap();
        let router = app(AppState {
            rate_limit: RateLimit {
                per_second: 1e9,
                burst: 1e9,
            },
            prepared,
            ..AppState::new(dist.path().to_path_buf(), storage.clone())
        });
        Server {
            storage,
            router,
            workspace,
            _dist: dist,
        }
    }

    async fn token(&self, name: &str, role: Role) -> String {
        admin::issue_token_as(&*self.storage, &self.workspace, name, Some(role), false)
            .await
            .unwrap()
            .token
    }

    async fn call(
        &self,
        token: &str,
        method: Method,
        uri: &str,
        body: Option<String>,
    ) -> (StatusCode, Vec<u8>) {
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
        (status, bytes.to_vec())
    }

    async fn get<T: DeserializeOwned>(
        &self,
        token: &str,
        uri: &str,
    ) -> Result<T, (StatusCode, ErrorBody)> {
        let (status, bytes) = self.call(token, Method::GET, uri, None).await;
        if status != StatusCode::OK {
            return Err((status, serde_json::from_slice(&bytes).unwrap()));
        }
        Ok(serde_json::from_slice(&bytes).unwrap())
    }

    async fn push(&self, token: &str, ops: &[Op]) -> StatusCode {
        let body = serde_json::to_string(&PushRequest { ops: ops.to_vec() }).unwrap();
        self.call(token, Method::POST, "/api/v1/ops", Some(body))
            .await
            .0
    }

    /// Every op after `after`, as a device pulling page by page gets them.
    async fn pull_from(
        &self,
        token: &str,
        mut after: u64,
    ) -> Result<(Vec<Op>, u64), (StatusCode, ErrorBody)> {
        let mut ops = Vec::new();
        loop {
            let page: PullResponse = self
                .get(token, &format!("/api/v1/ops?after={after}&limit=7"))
                .await?;
            ops.extend(page.ops);
            after = page.next;
            if !page.more {
                return Ok((ops, after));
            }
        }
    }

    /// A whole join: every kind's pages, then the tail after the first page's cursor.
    async fn join(&self, token: &str) -> (Replica, u64) {
        let mut joiner = Joiner::default();
        while !joiner.read_page(self, token, 2).await {}
        joiner.finish(self, token).await
    }
}

/// A device joining by snapshot, a page at a time.
#[derive(Default)]
struct Joiner {
    replica: Replica,
    kind: usize,
    after: Option<String>,
    cursor: Option<u64>,
    records: u64,
}

impl Joiner {
    /// Reads the next page; true once every kind is read.
    async fn read_page(&mut self, server: &Server, token: &str, limit: u32) -> bool {
        let Some(kind) = KINDS.get(self.kind) else {
            return true;
        };
        let mut uri = format!("/api/v1/snapshot?kind={}&limit={limit}", kind.as_str());
        if let Some(after) = &self.after {
            uri.push_str(&format!("&after={after}"));
        }
        if let Some(cursor) = self.cursor {
            uri.push_str(&format!("&cursor={cursor}"));
        }
        let page: SnapshotResponse = server.get(token, &uri).await.unwrap();
        self.cursor.get_or_insert(page.cursor);
        assert!(page.records <= limit);
        self.records += u64::from(page.records);
        for op in &page.ops {
            assert_eq!(op.entity, *kind);
        }
        self.replica.apply_all(&page.ops);
        if page.more {
            self.after = page.last;
        } else {
            (self.kind, self.after) = (self.kind + 1, None);
        }
        self.kind == KINDS.len()
    }

    async fn finish(mut self, server: &Server, token: &str) -> (Replica, u64) {
        let (tail, next) = server
            .pull_from(token, self.cursor.unwrap_or(0))
            .await
            .unwrap();
        self.replica.apply_all(&tail);
        (self.replica, next)
    }
}

/// An op with a stamp and id given outright, so that ties and any order of arrival occur.
fn op(kind: usize, record: u8, field: usize, value: i64, wall_ms: u64, node: u8, id: u32) -> Op {
    Op {
        id: WireId::from_string(format!("op-{id:04}")),
        entity: KINDS[kind],
        record: WireId::from_string(format!("r{record}")),
        field: FIELDS[field].to_owned(),
        value: if FIELDS[field] == DELETED_FIELD {
            Value::Bool(value % 2 == 0)
        } else {
            Value::from(value)
        },
        stamp: Stamp {
            wall_ms,
            counter: 0,
            node: NodeId::from_random([node; 8]),
        },
    }
}

#[derive(Clone, Debug)]
enum Step {
    /// Pushes these ops (some already pushed: a retry).
    Push(Vec<Op>),
    /// The joining device reads its next page of at most this many records.
    ReadPage(u32),
}

fn step() -> impl Strategy<Value = Step> {
    let op = (
        0..KINDS.len(),
        0u8..4,
        0..FIELDS.len(),
        0i64..5,
        0u64..4,
        1u8..3,
        0u32..60,
    )
        .prop_map(|(kind, record, field, value, wall, node, id)| {
            op(kind, record, field, value, wall, node, id)
        });
    prop_oneof![
        3 => proptest::collection::vec(op, 1..6).prop_map(Step::Push),
        2 => (1u32..4).prop_map(Step::ReadPage),
    ]
}

/// Snapshot + tail == replay of every op, with pushes between the snapshot's pages.
async fn snapshot_and_tail_equal_replay(backend: Backend) {
    let Some(database) = TestDatabase::new(backend).await else {
        return;
    };
    let storage = database.open().await;
    let runtime = tokio::runtime::Handle::current();
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: 48,
        ..ProptestConfig::default()
    });
    let strategy = proptest::collection::vec(step(), 1..30);
    let result = tokio::task::block_in_place(|| {
        runner.run(&strategy, |steps| {
            runtime.block_on(async {
                // A workspace of its own per case, in the one database.
                let server = Server::start(storage.clone()).await;
                let (writer, joining) = (
                    server.token("writer", Role::Admin).await,
                    server.token("joining", Role::Viewer).await,
                );
                let mut joiner = Joiner::default();
                for step in steps {
                    match step {
                        Step::Push(ops) => {
                            // Ops of one id with other contents are refused as a whole push
                            // only by clients' own rules; the server keeps the first.
                            prop_assert_eq!(server.push(&writer, &ops).await, StatusCode::OK);
                        }
                        Step::ReadPage(limit) => {
                            joiner.read_page(&server, &joining, limit).await;
                        }
                    }
                }
                while !joiner.read_page(&server, &joining, 3).await {}
                let (joined, _) = joiner.finish(&server, &joining).await;
                let (every_op, _) = server.pull_from(&joining, 0).await.unwrap();
                let mut replayed = Replica::default();
                replayed.apply_all(&every_op);
                prop_assert_eq!(joined, replayed);
                Ok(())
            })
        })
    });
    if let Err(failure) = result {
        panic!("{failure}");
    }
}

/// Truly concurrent: a writer pushes while a device reads the snapshot; after both finish,
/// the joined device and a full replay agree.
async fn snapshot_read_during_concurrent_pushes(backend: Backend) {
    let Some(database) = TestDatabase::new(backend).await else {
        return;
    };
    let server = Arc::new(Server::start(database.open().await).await);
    let (writer, joining) = (
        server.token("writer", Role::Admin).await,
        server.token("joining", Role::Viewer).await,
    );
    let first: Vec<Op> = (0..400)
        .map(|i| op(i % 2, (i % 50) as u8, i % 2, i as i64, 10, 1, i as u32))
        .collect();
    assert_eq!(server.push(&writer, &first).await, StatusCode::OK);
    let pushing = tokio::spawn({
        let (server, writer) = (server.clone(), writer.clone());
        async move {
            for batch in 0..40u32 {
                let ops: Vec<Op> = (0..20u32)
                    .map(|i| {
                        let n = 1000 + batch * 20 + i;
                        op(
                            (n % 2) as usize,
                            (n % 60) as u8,
                            (n % 3) as usize,
                            n.into(),
                            11 + u64::from(batch),
                            2,
                            n,
                        )
                    })
                    .collect();
                assert_eq!(server.push(&writer, &ops).await, StatusCode::OK);
                tokio::task::yield_now().await;
            }
        }
    });
    let mut joiner = Joiner::default();
    while !joiner.read_page(&server, &joining, 3).await {
        tokio::task::yield_now().await;
    }
    pushing.await.unwrap();
    let (joined, _) = joiner.finish(&server, &joining).await;
    let (every_op, _) = server.pull_from(&joining, 0).await.unwrap();
    let mut replayed = Replica::default();
    replayed.apply_all(&every_op);
    assert_eq!(joined, replayed);
}

/// The first page counts the kind's records; pages hold whole records and say where to go on.
async fn snapshot_pages_hold_whole_records(backend: Backend) {
    let Some(database) = TestDatabase::new(backend).await else {
        return;
    };
    let server = Server::start(database.open().await).await;
    let token = server.token("a", Role::Admin).await;
    let ops: Vec<Op> = (0..30u32)
        .map(|i| op(0, (i % 10) as u8, (i % 3) as usize, i.into(), 5, 1, i))
        .collect();
    assert_eq!(server.push(&token, &ops).await, StatusCode::OK);
    let first: SnapshotResponse = server
        .get(&token, "/api/v1/snapshot?kind=contact&limit=4")
        .await
        .unwrap();
    let totals = first.totals.unwrap();
    assert_eq!(totals.get(&EntityKind::Contact), Some(&10));
    assert_eq!(totals.get(&EntityKind::Deal), None);
    assert_eq!((first.records, first.more), (4, true));
    assert_eq!(first.cursor, 30);
    // Each record's three fields, together.
    assert_eq!(first.ops.len(), 12);
    // The same page as rows ready to store: each record's values and deletion as merging
    // its ops gives, and one merge-state part per record.
    let (status, bytes) = server
        .call(
            &token,
            Method::GET,
            "/api/v1/snapshot?kind=contact&limit=4&rows=true",
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let rows: RowsPage = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(
        (rows.records, &rows.last, rows.more, rows.cursor),
        (first.records, &first.last, first.more, first.cursor)
    );
    let mut merged = Replica::default();
    merged.apply_all(&first.ops);
    assert_eq!(rows.rows.len(), 4);
    for row in &rows.rows {
        let mut values: serde_json::Map<String, Value> = serde_json::from_str(row.v.get()).unwrap();
        let id = Id::from_string(values.remove("id").unwrap().as_str().unwrap());
        let record = merged.get(EntityKind::Contact, &id).unwrap();
        assert_eq!((values, row.d), (record.to_map(), record.is_deleted()));
    }
    assert_eq!(rows.merge.matches('#').count(), 4);
    assert_eq!(rows.merge.lines().count(), 4 + first.ops.len());
    assert_eq!(
        rows.latest.as_ref(),
        first.ops.iter().map(|op| &op.stamp).max()
    );
    let last = first.last.unwrap();
    let second: SnapshotResponse = server
        .get(
            &token,
            &format!("/api/v1/snapshot?kind=contact&limit=100&after={last}"),
        )
        .await
        .unwrap();
    assert_eq!(
        (second.records, second.more, second.totals),
        (6, false, None)
    );
    assert!(second.ops.iter().all(|op| op.record.to_string() > last));
    let deals: SnapshotResponse = server
        .get(&token, "/api/v1/snapshot?kind=deal&cursor=30")
        .await
        .unwrap();
    assert_eq!((deals.records, deals.ops.len(), deals.totals), (0, 0, None));
    // Sent compressed to a client that accepts it.
    let request = Request::builder()
        .uri("/api/v1/snapshot?kind=contact")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::ACCEPT_ENCODING, "gzip")
        .body(Body::empty())
        .unwrap();
    let response = server.router.clone().oneshot(request).await.unwrap();
    assert_eq!(response.headers()[header::CONTENT_ENCODING], "gzip");
    // An unknown kind is the client's mistake.
    let (status, _) = server
        .call(&token, Method::GET, "/api/v1/snapshot?kind=spaceship", None)
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

/// The first page names where each kind's parts end; fetching the parts at the same time,
/// each by `after` and `until` in pages, gives every record of the kind once, in order.
async fn parts_cover_each_kind_once(backend: Backend) {
    let Some(database) = TestDatabase::new(backend).await else {
        return;
    };
    let server = Server::start(database.open().await).await;
    let token = server.token("a", Role::Admin).await;
    let contacts = 2 * compacted::PART_RECORDS as usize + 7;
    let record = |n: usize| format!("c{n:05}");
    let ops: Vec<Op> = (0..contacts)
        .map(|n| {
            let mut op = op(0, 0, 0, n as i64, 5, 1, n as u32);
            op.id = WireId::from_string(format!("op-{n:05}"));
            op.record = WireId::from_string(record(n));
            op
        })
        .chain((0..3).map(|n| op(1, n, 1, 1, 5, 1, 90_000 + u32::from(n))))
        .collect();
    for batch in ops.chunks(1000) {
        assert_eq!(server.push(&token, batch).await, StatusCode::OK);
    }
    let first: SnapshotResponse = server
        .get(&token, "/api/v1/snapshot?kind=deal")
        .await
        .unwrap();
    let splits = first.splits.unwrap();
    let every = compacted::PART_RECORDS as usize;
    assert_eq!(
        splits.get(&EntityKind::Contact),
        Some(&vec![record(every - 1), record(2 * every - 1)])
    );
    assert_eq!(splits.get(&EntityKind::Deal), None);
    let ends = splits[&EntityKind::Contact].clone();
    let starts = std::iter::once(None).chain(ends.iter().cloned().map(Some));
    let parts: Vec<(Option<String>, Option<String>)> = starts
        .zip(ends.iter().cloned().map(Some).chain([None]))
        .collect();
    let cursor = first.cursor;
    let fetches = parts.into_iter().map(|(after, until)| {
        let (server, token) = (&server, &token);
        async move {
            let mut records = Vec::new();
            let mut after = after;
            loop {
                let mut uri = format!("/api/v1/snapshot?kind=contact&limit=300&cursor={cursor}");
                if let Some(after) = &after {
                    uri.push_str(&format!("&after={after}"));
                }
                if let Some(until) = &until {
                    uri.push_str(&format!("&until={until}"));
                }
                let page: SnapshotResponse = server.get(token, &uri).await.unwrap();
                records.extend(page.ops.iter().map(|op| op.record.to_string()));
                if !page.more {
                    return records;
                }
                after = page.last;
            }
        }
    });
    let read: Vec<String> = futures_util::future::join_all(fetches)
        .await
        .into_iter()
        .flatten()
        .collect();
    assert_eq!(read, (0..contacts).map(record).collect::<Vec<_>>());
}

/// A page's answer as a browser asks for it: gzip accepted.
async fn rows_page_as_asked(server: &Server, token: &str, uri: &str) -> String {
    let request = Request::builder()
        .uri(uri)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::ACCEPT_ENCODING, "gzip, deflate, br")
        .body(Body::empty())
        .unwrap();
    let response = server.router.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{uri}");
    assert_eq!(response.headers()[header::CONTENT_ENCODING], "gzip");
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    let mut text = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&bytes[..]), &mut text)
        .unwrap();
    text
}

/// The query of a join's page of `part`, asked at `cursor` (a first page at none).
fn part_uri(part: &Part, cursor: Option<u64>) -> String {
    let mut uri = format!("/api/v1/snapshot?kind={}&rows=true", part.kind.as_str());
    for (name, id) in [("after", &part.after), ("until", &part.until)] {
        if let Some(id) = id {
            uri.push_str(&format!("&{name}={id}"));
        }
    }
    if let Some(cursor) = cursor {
        uri.push_str(&format!("&cursor={cursor}"));
    }
    uri
}

/// A prepared snapshot answers a join, walked as the app walks it, with the pages a live
/// answer gives at its cursor; once ops follow it the first page still comes from it and a
/// device pulls the tail, but a page asked at another cursor, or when the tail is too long,
/// is answered live.
async fn a_prepared_snapshot_answers_a_join_as_live_pages_would(backend: Backend) {
    let Some(database) = TestDatabase::new(backend).await else {
        return;
    };
    let storage = database.open().await;
    let workspace = admin::create_workspace(&*storage, "Acme").await.unwrap();
    let prepared = Arc::new(PreparedSnapshots::default());
    let server = Server::over_with(storage.clone(), workspace.clone(), prepared.clone());
    let token = server.token("a", Role::Admin).await;
    let contacts = compacted::PART_RECORDS as usize + 20;
    let ops: Vec<Op> = (0..contacts)
        .map(|n| {
            let mut op = op(0, 0, 0, n as i64, 5, 1, n as u32);
            op.id = WireId::from_string(format!("op-{n:05}"));
            op.record = WireId::from_string(format!("c{n:05}"));
            op
        })
        .chain((0..3).map(|n| op(1, n, 1, 1, 5, 1, 90_000 + u32::from(n))))
        .collect();
    for batch in ops.chunks(1000) {
        assert_eq!(server.push(&token, batch).await, StatusCode::OK);
    }
    let latest = storage.latest(&workspace).await.unwrap();
    assert!(prepared.due(&workspace, latest));
    let made = prepared.prepare(&*storage, &workspace).await.unwrap();
    assert_eq!(made.cursor, latest);
    assert!(!prepared.due(&workspace, latest));

    // The app's walk: every page prepared, each the live page, every record once.
    let mut pages = std::collections::VecDeque::from([(Part::first(), None)]);
    let (mut records, mut walked) = (0, 0);
    while let Some((part, cursor)) = pages.pop_front() {
        let uri = part_uri(&part, cursor);
        let text = rows_page_as_asked(&server, &token, &uri).await;
        let (status, live) = server.call(&token, Method::GET, &uri, None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(text.as_bytes(), live, "{uri}");
        let page: RowsPage = serde_json::from_str(&text).unwrap();
        assert_eq!(page.cursor, made.cursor);
        records += page.rows.len();
        walked += 1;
        if cursor.is_none() {
            let first = FirstPage {
                more: page.more,
                last: page.last.as_ref(),
                totals: page.totals.as_ref(),
                splits: page.splits.as_ref(),
            };
            let rest = parts_after_first(&join_order(), &part, first);
            pages.extend(rest.into_iter().map(|part| (part, Some(made.cursor))));
        } else if page.more {
            pages.push_front((part.rest_after(page.last.clone()), cursor));
        }
    }
    assert_eq!(records, contacts + 3);
    assert_eq!(walked, made.pages);

    // Pages prepared at the snapshot's cursor are sent as kept: a push after it changes
    // what a live answer holds, not what the join gets.
    let later = op(0, 0, 0, 7, 6, 2, 95_000);
    assert_eq!(server.push(&token, &[later]).await, StatusCode::OK);
    let first_uri = part_uri(&Part::first(), None);
    let text = rows_page_as_asked(&server, &token, &first_uri).await;
    let first: RowsPage = serde_json::from_str(&text).unwrap();
    assert_eq!(first.cursor, made.cursor);
    // Asked at another cursor (a join begun live): live.
    let deals = Part {
        kind: EntityKind::Deal,
        after: None,
        until: None,
    };
    let text = rows_page_as_asked(&server, &token, &part_uri(&deals, Some(latest + 1))).await;
    let live: RowsPage = serde_json::from_str(&text).unwrap();
    assert_eq!(live.cursor, latest + 1);
    // Too far behind for a first page: live, and the workspace is due (but not within
    // minutes of its last preparation).
    let many: Vec<Op> = (0..prepared::MAX_TAIL_OPS as u32)
        .map(|n| op(1, 9, 1, n.into(), 7, 3, 100_000 + n))
        .collect();
    for batch in many.chunks(1000) {
        assert_eq!(server.push(&token, batch).await, StatusCode::OK);
    }
    let text = rows_page_as_asked(&server, &token, &first_uri).await;
    let first: RowsPage = serde_json::from_str(&text).unwrap();
    assert!(first.cursor > made.cursor + prepared::MAX_TAIL_OPS);
}

/// Prepared snapshots stay within their budget: keeping one drops the least recently
/// prepared other, whose joins are then answered live; one larger than the whole budget is
/// not kept, and the workspace is not prepared again at once.
async fn prepared_snapshots_keep_within_their_budget(backend: Backend) {
    let Some(database) = TestDatabase::new(backend).await else {
        return;
    };
    let storage = database.open().await;
    let mut workspaces = Vec::new();
    for name in ["A", "B"] {
        let workspace = admin::create_workspace(&*storage, name).await.unwrap();
        let server = Server::over(storage.clone(), workspace.clone());
        let token = server.token("a", Role::Admin).await;
        let ops: Vec<Op> = (0..40u32)
            .map(|i| op(0, (i % 20) as u8, (i % 2) as usize, i.into(), 5, 1, i))
            .collect();
        assert_eq!(server.push(&token, &ops).await, StatusCode::OK);
        workspaces.push((workspace, token));
    }
    let unbounded = PreparedSnapshots::within(usize::MAX);
    let mut sizes = Vec::new();
    for (workspace, _) in &workspaces {
        sizes.push(
            unbounded
                .prepare(&*storage, workspace)
                .await
                .unwrap()
                .kept_bytes,
        );
    }
    // Room for either, not both.
    let prepared = Arc::new(PreparedSnapshots::within(sizes[0] + sizes[1] - 1));
    let (a, b) = (&workspaces[0], &workspaces[1]);
    let made_a = prepared.prepare(&*storage, &a.0).await.unwrap();
    assert!(made_a.kept && made_a.dropped.is_empty());
    let made_b = prepared.prepare(&*storage, &b.0).await.unwrap();
    assert!(made_b.kept);
    assert_eq!(made_b.dropped, std::slice::from_ref(&a.0));
    // A push to each after its snapshot: A's join is live now, B's still prepared.
    for (workspace, token) in [a, b] {
        let server = Server::over_with(storage.clone(), workspace.clone(), prepared.clone());
        let later = op(1, 1, 1, 1, 6, 2, 500);
        assert_eq!(server.push(token, &[later]).await, StatusCode::OK);
        let text = rows_page_as_asked(&server, token, &part_uri(&Part::first(), None)).await;
        let first: RowsPage = serde_json::from_str(&text).unwrap();
        let made = if workspace == &a.0 { &made_a } else { &made_b };
        let expected = if workspace == &a.0 {
            made.cursor + 1
        } else {
            made.cursor
        };
        assert_eq!(first.cursor, expected, "{workspace}");
    }
    // Larger than the whole budget: not kept, and not due again right away.
    let tiny = PreparedSnapshots::within(1);
    let made = tiny.prepare(&*storage, &a.0).await.unwrap();
    assert!(!made.kept);
    assert_eq!(
        made.pages, 1,
        "the walk stops at the first page over the budget"
    );
    assert!(!tiny.due(&a.0, made.cursor + prepared::PREPARE_AFTER_OPS));
}

/// The trim keeps what an active device needs; a device that returns after it is told to
/// join by snapshot, and does, converging; creators and winning ops survive; history after
/// the trim still names each field's winning author.
async fn trim_keeps_what_devices_need(backend: Backend) {
    let Some(database) = TestDatabase::new(backend).await else {
        return;
    };
    let server = Server::start(database.open().await).await;
    let (admin, sara, away) = (
        server.token("admin", Role::Admin).await,
        server.token("sara", Role::Member).await,
        server.token("away", Role::Viewer).await,
    );
    // Sara creates r1 (three versions of its name); the admin creates r2.
    let sara_ops = [
        op(0, 1, 0, 1, 10, 1, 1),
        op(0, 1, 0, 2, 11, 1, 2),
        op(0, 1, 0, 3, 12, 1, 3),
    ];
    assert_eq!(server.push(&sara, &sara_ops).await, StatusCode::OK);
    assert_eq!(
        server.push(&admin, &[op(0, 2, 1, 7, 13, 2, 4)]).await,
        StatusCode::OK
    );
    // The away device has read through 1, the admin's through 4 (Sara's device never read:
    // it would join by snapshot).
    let (_, admin_cursor) = server.pull_from(&admin, 0).await.unwrap();
    assert_eq!(admin_cursor, 4);
    server
        .storage
        .note_read(&admin::token_hash(&admin), 4)
        .await
        .unwrap();
    server
        .storage
        .note_read(&admin::token_hash(&away), 1)
        .await
        .unwrap();
    let policy = TrimPolicy {
        inactive_after_ms: 30 * DAY_MS,
        keep_history_ms: 0,
    };
    // Both devices are active: the log is kept after the older cursor, 1.
    let now = rabet_now_ms();
    let trimmed = server.storage.trim(policy, now + 1).await.unwrap();
    assert_eq!(trimmed[0].through, 1);
    // A device behind the trim point is told to join by snapshot.
    let (status, error) = server.pull_from(&sara, 0).await.unwrap_err();
    assert_eq!(
        (status, error.error.as_str()),
        (StatusCode::GONE, SNAPSHOT_NEEDED)
    );
    // The admin works on, and reads through 5.
    assert_eq!(
        server.push(&admin, &[op(0, 1, 1, 9, 14, 2, 5)]).await,
        StatusCode::OK
    );
    let (_, admin_cursor) = server.pull_from(&admin, admin_cursor).await.unwrap();
    assert_eq!(admin_cursor, 5);
    // 31 days on, with nobody having read for 30, the whole log may go.
    let trimmed = server
        .storage
        .trim(policy, now + 31 * DAY_MS)
        .await
        .unwrap();
    assert_eq!((trimmed[0].through, trimmed[0].removed), (5, 4));
    // The away device's pull is refused with the code that says: join by snapshot.
    let (status, error) = server.pull_from(&away, 1).await.unwrap_err();
    assert_eq!(
        (status, error.error.as_str()),
        (StatusCode::GONE, SNAPSHOT_NEEDED)
    );
    let (joined, cursor) = server.join(&away).await;
    assert_eq!(cursor, admin_cursor);
    let mut expected = Replica::default();
    expected.apply_all(&sara_ops);
    expected.apply_all(&[op(0, 2, 1, 7, 13, 2, 4), op(0, 1, 1, 9, 14, 2, 5)]);
    assert_eq!(joined, expected);
    // History after the trim: the winning op of each field, with its author.
    let history: HistoryResponse = server
        .get(&admin, "/api/v1/history/contact/r1")
        .await
        .unwrap();
    assert!(!history.complete);
    let names: Vec<(String, Value, Option<String>)> = history
        .ops
        .into_iter()
        .map(|op| (op.field, op.value, op.author))
        .collect();
    let (sara_id, admin_id) = (member_id(&sara), member_id(&admin));
    assert_eq!(
        names,
        vec![
            ("name".to_owned(), Value::from(3), Some(sara_id)),
            ("stage".to_owned(), Value::from(9), Some(admin_id)),
        ]
    );
    // Creators survive the trim: Sara still deletes her own record, not the admin's.
    assert_eq!(
        server.push(&sara, &[op(0, 2, 2, 0, 20, 1, 6)]).await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        server.push(&sara, &[op(0, 1, 2, 0, 20, 1, 7)]).await,
        StatusCode::OK
    );
}

/// The trim keeps the ops received within the history window, and lets go those from
/// before it (and those from before the server kept times), up to what active devices need.
async fn trim_keeps_the_history_window(backend: Backend) {
    let Some(database) = TestDatabase::new(backend).await else {
        return;
    };
    let server = Server::start(database.open().await).await;
    let admin = server.token("admin", Role::Admin).await;
    let ops: Vec<Op> = (0..6u32)
        .map(|i| op(0, i as u8, 0, i.into(), 10 + u64::from(i), 1, i))
        .collect();
    assert_eq!(server.push(&admin, &ops).await, StatusCode::OK);
    let policy = TrimPolicy {
        inactive_after_ms: 30 * DAY_MS,
        keep_history_ms: DAY_MS,
    };
    let now = rabet_now_ms();
    // Every op arrived within the day: all stay.
    assert!(server.storage.trim(policy, now).await.unwrap().is_empty());
    // The first two as if pushed before the server kept times: old, whatever the window.
    let url = match &database.location {
        DatabaseLocation::DataDir(dir) => format!("sqlite://{}", dir.join(SQLITE_FILE).display()),
        DatabaseLocation::Url(url) => url.clone(),
    };
    let pool = sqlx::AnyPool::connect(&url).await.unwrap();
    sqlx::query("UPDATE ops SET received_at = NULL WHERE workspace = $1 AND seq <= 2")
        .bind(&server.workspace)
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    let trimmed = server.storage.trim(policy, now).await.unwrap();
    assert_eq!((trimmed[0].through, trimmed[0].removed), (2, 2));
    // Two days on, the rest left the window: the log goes up to the oldest active cursor.
    server
        .storage
        .note_read(&admin::token_hash(&admin), 5)
        .await
        .unwrap();
    let trimmed = server.storage.trim(policy, now + 2 * DAY_MS).await.unwrap();
    assert_eq!((trimmed[0].through, trimmed[0].removed), (5, 3));
    // A device joining now still gets every record.
    let (joined, cursor) = server.join(&admin).await;
    let mut expected = Replica::default();
    expected.apply_all(&ops);
    assert_eq!((joined, cursor), (expected, 6));
}

/// Before any trim a record's history is every op of it, oldest first, with authors.
async fn history_before_trim_is_complete(backend: Backend) {
    let Some(database) = TestDatabase::new(backend).await else {
        return;
    };
    let server = Server::start(database.open().await).await;
    let token = server.token("a", Role::Admin).await;
    let ops = [
        op(1, 1, 0, 1, 10, 1, 1),
        op(1, 2, 0, 5, 10, 1, 2),
        op(1, 1, 0, 2, 11, 1, 3),
    ];
    assert_eq!(server.push(&token, &ops).await, StatusCode::OK);
    let history: HistoryResponse = server.get(&token, "/api/v1/history/deal/r1").await.unwrap();
    assert!(history.complete);
    let values: Vec<Value> = history.ops.iter().map(|op| op.value.clone()).collect();
    assert_eq!(values, vec![Value::from(1), Value::from(2)]);
    assert!(history
        .ops
        .iter()
        .all(|op| op.author.as_deref() == Some(member_id(&token).as_str())));
    let (status, _) = server
        .call(&token, Method::GET, "/api/v1/history/spaceship/r1", None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// Migration 0007 on a filled table: a workspace written by the schema before it (each
/// compacted row holding its op's JSON; part of the log trimmed), then migrated by opening
/// the storage. Rows whose op is in the log now point at it, trimmed ones keep their JSON,
/// and a join by snapshot + tail (with ops pushed after the migration) holds what replaying
/// every op gives.
async fn migration_0007_converts_a_filled_state(backend: Backend) {
    let Some(database) = TestDatabase::new(backend).await else {
        return;
    };
    let before_0007 = {
        let every = sqlx::migrate!("./migrations");
        sqlx::migrate::Migrator {
            migrations: every
                .migrations
                .iter()
                .filter(|migration| migration.version < 7)
                .cloned()
                .collect(),
            ..every
        }
    };
    let url = match &database.location {
        DatabaseLocation::DataDir(dir) => {
            std::fs::create_dir_all(dir).unwrap();
            format!("sqlite://{}?mode=rwc", dir.join(SQLITE_FILE).display())
        }
        DatabaseLocation::Url(url) => url.clone(),
    };
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&url).await.unwrap();
    before_0007.run(&pool).await.unwrap();
    // 120 ops on 14 records, each op its own sequence number; the log trimmed through 40.
    let every_op: Vec<Op> = (0..120usize)
        .map(|i| {
            let (kind, record, field) = (i % 2, (i % 7) as u8, i % 3);
            op(
                kind,
                record,
                field,
                i as i64,
                (i % 5) as u64,
                1 + (i % 2) as u8,
                i as u32,
            )
        })
        .collect();
    let (workspace, trimmed) = ("old-workspace", 40);
    sqlx::query(
        "INSERT INTO workspaces (id, name, seq, created_at, trimmed_through) \
         VALUES ($1, 'Old', $2, 0, $3)",
    )
    .bind(workspace)
    .bind(every_op.len() as i64)
    .bind(trimmed)
    .execute(&pool)
    .await
    .unwrap();
    let mut winners: std::collections::BTreeMap<(String, String, String), (String, i64)> =
        Default::default();
    for (at, op) in every_op.iter().enumerate() {
        let seq = at as i64 + 1;
        let body = serde_json::to_string(op).unwrap();
        let (entity, record) = (op.entity.as_str(), op.record.to_string());
        let precedence = compacted::precedence(&op.stamp.to_sort_key(), &op.id.to_string());
        let key = (entity.to_owned(), record.clone(), op.field.clone());
        if winners.get(&key).is_none_or(|(held, _)| *held < precedence) {
            winners.insert(key, (precedence, seq));
        }
        sqlx::query(
            "INSERT INTO creators (workspace, entity, record, author) VALUES ($1, $2, $3, '') \
             ON CONFLICT (workspace, entity, record) DO NOTHING",
        )
        .bind(workspace)
        .bind(entity)
        .bind(&record)
        .execute(&pool)
        .await
        .unwrap();
        if seq > trimmed {
            sqlx::query(
                "INSERT INTO ops (workspace, seq, op_id, body, stamp, author, entity, record, \
                 received_at) VALUES ($1, $2, $3, $4, $5, '', $6, $7, 0)",
            )
            .bind(workspace)
            .bind(seq)
            .bind(op.id.to_string())
            .bind(&body)
            .bind(op.stamp.to_sort_key())
            .bind(entity)
            .bind(&record)
            .execute(&pool)
            .await
            .unwrap();
        }
    }
    for ((entity, record, field), (precedence, seq)) in &winners {
        let body = serde_json::to_string(&every_op[*seq as usize - 1]).unwrap();
        sqlx::query(
            "INSERT INTO compacted (workspace, entity, record, field, precedence, seq, body) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(workspace)
        .bind(entity)
        .bind(record)
        .bind(field)
        .bind(precedence)
        .bind(seq)
        .bind(body)
        .execute(&pool)
        .await
        .unwrap();
    }
    pool.close().await;

    let storage = database.open().await;
    let pool = sqlx::AnyPool::connect(&url).await.unwrap();
    let pointing: Vec<(i64, Option<String>)> =
        sqlx::query_as("SELECT seq, body FROM compacted WHERE workspace = $1")
            .bind(workspace)
            .fetch_all(&pool)
            .await
            .unwrap();
    pool.close().await;
    assert_eq!(pointing.len(), winners.len());
    for (seq, body) in &pointing {
        let kept = serde_json::to_string(&every_op[*seq as usize - 1]).unwrap();
        match *seq > trimmed {
            true => assert_eq!(body, &None, "op {seq} is in the log"),
            false => assert_eq!(body.as_ref(), Some(&kept), "op {seq} was trimmed"),
        }
    }
    assert!(pointing.iter().any(|(seq, _)| *seq <= trimmed));

    let server = Server::over(storage, workspace.to_owned());
    let (writer, joining) = (
        server.token("writer", Role::Admin).await,
        server.token("joining", Role::Viewer).await,
    );
    let later: Vec<Op> = (200..230usize)
        .map(|i| {
            op(
                i % 2,
                (i % 9) as u8,
                i % 3,
                i as i64,
                3 + (i % 4) as u64,
                2,
                i as u32,
            )
        })
        .collect();
    let (first_half, second_half) = later.split_at(15);
    assert_eq!(server.push(&writer, first_half).await, StatusCode::OK);
    let mut joiner = Joiner::default();
    assert!(!joiner.read_page(&server, &joining, 2).await);
    assert_eq!(server.push(&writer, second_half).await, StatusCode::OK);
    while !joiner.read_page(&server, &joining, 2).await {}
    let (joined, _) = joiner.finish(&server, &joining).await;
    let mut replayed = Replica::default();
    replayed.apply_all(&every_op);
    replayed.apply_all(&later);
    assert_eq!(joined, replayed);
}

fn member_id(token: &str) -> String {
    admin::token_id(&admin::token_hash(token)).to_owned()
}

fn rabet_now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

mod sqlite_replay {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn snapshot_and_tail_equal_replay() {
        super::snapshot_and_tail_equal_replay(super::Backend::Sqlite).await
    }
}
mod postgres_replay {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn snapshot_and_tail_equal_replay() {
        super::snapshot_and_tail_equal_replay(super::Backend::Postgres).await
    }
}

on_every_backend!(
    snapshot_read_during_concurrent_pushes,
    snapshot_pages_hold_whole_records,
    trim_keeps_what_devices_need,
    trim_keeps_the_history_window,
    history_before_trim_is_complete,
    migration_0007_converts_a_filled_state,
    parts_cover_each_kind_once,
    a_prepared_snapshot_answers_a_join_as_live_pages_would,
    prepared_snapshots_keep_within_their_budget,
);
