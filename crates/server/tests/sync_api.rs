//! The sync API over real HTTP against a real database: every test runs on SQLite, and on
//! PostgreSQL when `RABET_TEST_DATABASE_URL` names a server (each test in a fresh database).

mod common;

use common::{on_every_backend, Backend, OpMaker, TestDatabase, TestServer};
use rabet_domain::{
    op::Op,
    sync::{
        ErrorBody, PullResponse, PushResponse, SessionInfo, MAX_PULL_LIMIT, MAX_PUSH_BYTES,
        MAX_PUSH_OPS,
    },
};
use rabet_server::{admin, RateLimit, Storage};
use reqwest::{header, Method, StatusCode};
use serde_json::json;

on_every_backend!(
    pushed_ops_come_back_in_pages,
    a_retried_push_is_stored_once_and_keeps_its_numbers,
    tokens_see_only_their_own_workspace,
    revoked_and_unknown_tokens_are_refused,
    oversized_pushes_are_refused_and_store_nothing,
    malformed_pushes_are_refused_with_a_reason_and_store_nothing,
    health_checks_the_database,
    cors_preflight_allows_configured_origins_only,
    each_token_is_rate_limited,
    concurrent_pushes_through_two_servers_are_never_skipped_by_a_pull,
    values_come_back_exactly_as_pushed,
    a_pull_page_is_bounded_in_bytes,
);

/// A member's view of the API.
struct Member {
    http: reqwest::Client,
    base: String,
    token: String,
}

impl Member {
    async fn join(server: &TestServer, workspace: &str, name: &str) -> Member {
        let issued = admin::issue_token(&*server.storage, workspace, name)
            .await
            .unwrap();
        Member {
            http: reqwest::Client::new(),
            base: server.base.clone(),
            token: issued.token,
        }
    }

    fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token)
    }

    async fn push_raw(&self, body: impl Into<reqwest::Body>) -> reqwest::Response {
        self.request(Method::POST, "/api/v1/ops")
            .header(header::CONTENT_TYPE, "application/json")
            .body(body)
            .send()
            .await
            .unwrap()
    }

    async fn push(&self, ops: &[Op]) -> PushResponse {
        let response = self.push_raw(json!({ "ops": ops }).to_string()).await;
        assert_eq!(response.status(), StatusCode::OK);
        response.json().await.unwrap()
    }

    async fn pull_raw(&self, query: &str) -> reqwest::Response {
        self.request(Method::GET, &format!("/api/v1/ops?{query}"))
            .send()
            .await
            .unwrap()
    }

    async fn pull(&self, after: u64, limit: u32) -> PullResponse {
        let response = self.pull_raw(&format!("after={after}&limit={limit}")).await;
        assert_eq!(response.status(), StatusCode::OK);
        response.json().await.unwrap()
    }

    /// Every op of the workspace, page by page.
    async fn pull_all(&self) -> Vec<Op> {
        let (mut ops, mut after) = (Vec::new(), 0);
        loop {
            let page = self.pull(after, MAX_PULL_LIMIT).await;
            ops.extend(page.ops);
            after = page.next;
            if !page.more {
                return ops;
            }
        }
    }
}

/// A fresh database, a server over it, and a workspace.
struct Setup {
    server: TestServer,
    workspace: String,
    database: TestDatabase,
}

impl Setup {
    async fn new(backend: Backend) -> Option<Setup> {
        Setup::configured(backend, |_| {}).await
    }

    async fn configured(
        backend: Backend,
        configure: impl FnOnce(&mut rabet_server::AppState),
    ) -> Option<Setup> {
        let database = TestDatabase::new(backend).await?;
        let server = TestServer::start(database.open().await, configure).await;
        let workspace = admin::create_workspace(&*server.storage, "Acme")
            .await
            .unwrap();
        Some(Setup {
            server,
            workspace,
            database,
        })
    }

    async fn member(&self, name: &str) -> Member {
        Member::join(&self.server, &self.workspace, name).await
    }
}

async fn error_of(response: reqwest::Response) -> (StatusCode, ErrorBody) {
    (response.status(), response.json().await.unwrap())
}

async fn pushed_ops_come_back_in_pages(backend: Backend) {
    let Some(setup) = Setup::new(backend).await else {
        return;
    };
    let (alice, bob) = (setup.member("Alice").await, setup.member("Bob").await);
    let ops = OpMaker::new(1).ops(25);
    assert_eq!(
        alice.push(&ops[..20]).await,
        PushResponse {
            stored: 20,
            latest: 20
        }
    );
    assert_eq!(alice.push(&ops[20..]).await.latest, 25);

    let mut pages = Vec::new();
    let mut after = 0;
    loop {
        let page = bob.pull(after, 10).await;
        assert_eq!(page.next, after + page.ops.len() as u64);
        after = page.next;
        pages.push((page.ops, page.more));
        if !pages.last().unwrap().1 {
            break;
        }
    }
    let sizes: Vec<_> = pages.iter().map(|(ops, more)| (ops.len(), *more)).collect();
    assert_eq!(sizes, [(10, true), (10, true), (5, false)]);
    let pulled: Vec<Op> = pages.into_iter().flat_map(|(ops, _)| ops).collect();
    assert_eq!(pulled, ops);

    let past_the_end = bob.pull(25, 10).await;
    assert_eq!(
        (past_the_end.ops.len(), past_the_end.next, past_the_end.more),
        (0, 25, false)
    );

    // No limit means the default page; a huge limit is capped.
    let more = OpMaker::new(2).ops(MAX_PULL_LIMIT as usize);
    alice.push(&more).await;
    let capped = bob.pull(0, 1_000_000).await;
    assert_eq!(capped.ops.len(), MAX_PULL_LIMIT as usize);
    assert!(capped.more);
    let response = bob.pull_raw("").await;
    assert_eq!(response.status(), StatusCode::OK);
    let default: PullResponse = response.json().await.unwrap();
    assert_eq!(default.ops[0], ops[0]);

    let (status, error) = error_of(bob.pull_raw("after=soon").await).await;
    assert_eq!(
        (status, error.error.as_str()),
        (StatusCode::BAD_REQUEST, "malformed")
    );
}

async fn a_retried_push_is_stored_once_and_keeps_its_numbers(backend: Backend) {
    let Some(setup) = Setup::new(backend).await else {
        return;
    };
    let alice = setup.member("Alice").await;
    let mut maker = OpMaker::new(1);
    let first = maker.ops(10);
    assert_eq!(alice.push(&first).await.stored, 10);
    // The answer was "lost": the client sends the same push again.
    assert_eq!(
        alice.push(&first).await,
        PushResponse {
            stored: 0,
            latest: 10
        }
    );
    // A later push overlapping the first, and repeating an op within itself.
    let mut overlapping = first[5..].to_vec();
    let new = maker.ops(3);
    overlapping.extend(new.iter().cloned());
    overlapping.push(new[0].clone());
    assert_eq!(
        alice.push(&overlapping).await,
        PushResponse {
            stored: 3,
            latest: 13
        }
    );
    let all: Vec<Op> = first.iter().chain(&new).cloned().collect();
    assert_eq!(alice.pull_all().await, all);
    // The first ten still hold seqs 1 to 10.
    assert_eq!(alice.pull(5, 5).await.ops, first[5..]);
}

async fn tokens_see_only_their_own_workspace(backend: Backend) {
    let Some(setup) = Setup::new(backend).await else {
        return;
    };
    let storage = &*setup.server.storage;
    let other = admin::create_workspace(storage, "Other Co").await.unwrap();
    let alice = setup.member("Alice").await;
    let mallory = Member::join(&setup.server, &other, "Mallory").await;

    let ours = OpMaker::new(1).ops(4);
    let theirs = OpMaker::new(2).ops(6);
    alice.push(&ours).await;
    // The same op pushed to another workspace is that workspace's own copy.
    let mut pushed_there = theirs.clone();
    pushed_there.push(ours[0].clone());
    assert_eq!(mallory.push(&pushed_there).await.stored, 7);

    assert_eq!(alice.pull_all().await, ours);
    assert_eq!(mallory.pull_all().await, pushed_there);
    // Cursors are per workspace: Alice's cursor past her ops shows her nothing of theirs.
    assert!(alice.pull(4, 100).await.ops.is_empty());

    let response = alice
        .request(Method::GET, "/api/v1/session")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let session: SessionInfo = response.json().await.unwrap();
    assert_eq!(
        session,
        SessionInfo {
            workspace: setup.workspace.clone(),
            workspace_name: "Acme".into(),
            member: "Alice".into(),
            protocol: 1,
            member_id: session.member_id.clone(),
            role: Some(rabet_domain::sync::Role::Admin),
        }
    );
    assert_eq!(session.member_id.len(), 12);
}

async fn revoked_and_unknown_tokens_are_refused(backend: Backend) {
    let Some(setup) = Setup::new(backend).await else {
        return;
    };
    let alice = setup.member("Alice").await;
    alice.push(&OpMaker::new(1).ops(2)).await;
    admin::revoke_token(&*setup.server.storage, &alice.token)
        .await
        .unwrap();
    for (method, path) in [
        (Method::GET, "/api/v1/session"),
        (Method::GET, "/api/v1/ops"),
        (Method::POST, "/api/v1/ops"),
    ] {
        let (status, error) =
            error_of(alice.request(method.clone(), path).send().await.unwrap()).await;
        assert_eq!(
            (status, error.error.as_str()),
            (StatusCode::UNAUTHORIZED, "token_revoked"),
            "{path}"
        );
    }
    let stranger = Member {
        token: "rbt_not-a-token".into(),
        ..setup.member("Bob").await
    };
    let (status, error) = error_of(stranger.pull_raw("").await).await;
    assert_eq!(
        (status, error.error.as_str()),
        (StatusCode::UNAUTHORIZED, "unauthorized")
    );
    let anonymous = reqwest::get(setup.server.url("/api/v1/ops")).await.unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
}

async fn oversized_pushes_are_refused_and_store_nothing(backend: Backend) {
    let Some(setup) = Setup::new(backend).await else {
        return;
    };
    let alice = setup.member("Alice").await;
    let too_many = OpMaker::new(1).ops(MAX_PUSH_OPS + 1);
    let (status, error) =
        error_of(alice.push_raw(json!({ "ops": too_many }).to_string()).await).await;
    assert_eq!(
        (status, error.error.as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, "too_many_ops")
    );

    // Large values, each valid, that together pass the body limit.
    let mut big = OpMaker::new(2).ops(80);
    for op in &mut big {
        op.value = json!("x".repeat(60 * 1024));
    }
    let body = json!({ "ops": big }).to_string();
    assert!(body.len() > MAX_PUSH_BYTES);
    let (status, error) = error_of(alice.push_raw(body).await).await;
    assert_eq!(
        (status, error.error.as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, "too_large")
    );

    assert!(alice.pull_all().await.is_empty());
}

async fn malformed_pushes_are_refused_with_a_reason_and_store_nothing(backend: Backend) {
    let Some(setup) = Setup::new(backend).await else {
        return;
    };
    let alice = setup.member("Alice").await;
    let (status, error) = error_of(alice.push_raw("{\"ops\": [").await).await;
    assert_eq!(
        (status, error.error.as_str()),
        (StatusCode::BAD_REQUEST, "malformed")
    );

    let (status, error) = error_of(alice.push_raw(r#"{"ops": [{"id": "x"}]}"#).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error.error, "malformed");
    assert!(error.message.contains("missing field"), "{}", error.message);

    // One bad op spoils the whole batch, even after good ones.
    let mut ops = OpMaker::new(1).ops(5);
    ops[3].field = "no spaces allowed".into();
    let (status, error) = error_of(alice.push_raw(json!({ "ops": ops }).to_string()).await).await;
    assert_eq!(
        (status, error.error.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_op")
    );
    assert!(
        error.message.starts_with("op 3 is invalid"),
        "{}",
        error.message
    );

    let without_type = alice
        .request(Method::POST, "/api/v1/ops")
        .body(json!({ "ops": [] }).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(without_type.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);

    assert!(alice.pull_all().await.is_empty());
}

async fn health_checks_the_database(backend: Backend) {
    let Some(setup) = Setup::new(backend).await else {
        return;
    };
    let health = || async { reqwest::get(setup.server.url("/api/health")).await.unwrap() };
    assert_eq!(health().await.status(), StatusCode::OK);
    setup.server.storage.close().await;
    let (status, error) = error_of(health().await).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(error.error, "database_unavailable");
    assert!(error.message.contains("closed"), "{}", error.message);
}

async fn cors_preflight_allows_configured_origins_only(backend: Backend) {
    const APP: &str = "https://crm.example";
    let Some(setup) = Setup::configured(backend, |state| {
        state.cors_origins = vec![header::HeaderValue::from_static(APP)];
    })
    .await
    else {
        return;
    };
    let preflight = |origin: &'static str| {
        reqwest::Client::new()
            .request(Method::OPTIONS, setup.server.url("/api/v1/ops"))
            .header(header::ORIGIN, origin)
            .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
            .header(
                header::ACCESS_CONTROL_REQUEST_HEADERS,
                "authorization,content-type",
            )
            .send()
    };
    let allowed = preflight(APP).await.unwrap();
    assert_eq!(allowed.status(), StatusCode::OK);
    let headers = allowed.headers();
    assert_eq!(headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], APP);
    let allowed_headers = headers[header::ACCESS_CONTROL_ALLOW_HEADERS]
        .to_str()
        .unwrap();
    assert!(allowed_headers.contains("authorization") && allowed_headers.contains("content-type"));
    assert!(headers[header::ACCESS_CONTROL_ALLOW_METHODS]
        .to_str()
        .unwrap()
        .contains("POST"));

    let elsewhere = preflight("https://evil.example").await.unwrap();
    assert!(!elsewhere
        .headers()
        .contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN));

    let alice = setup.member("Alice").await;
    let answer = alice
        .request(Method::GET, "/api/v1/session")
        .header(header::ORIGIN, APP)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], APP);
}

async fn each_token_is_rate_limited(backend: Backend) {
    let Some(setup) = Setup::configured(backend, |state| {
        state.rate_limit = RateLimit {
            per_second: 0.5,
            burst: 3.0,
        };
    })
    .await
    else {
        return;
    };
    let (alice, bob) = (setup.member("Alice").await, setup.member("Bob").await);
    for _ in 0..3 {
        assert_eq!(alice.pull_raw("").await.status(), StatusCode::OK);
    }
    let refused = alice.pull_raw("").await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = refused.headers()[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=2).contains(&retry_after), "{retry_after}");
    assert_eq!(error_of(refused).await.1.error, "rate_limited");
    // Bob has a bucket of his own.
    assert_eq!(bob.pull_raw("").await.status(), StatusCode::OK);
}

/// Two server processes on one database (two pools, as two processes would have) take
/// pushes at once while a reader pulls all along: a pull that saw a later sequence number
/// before an earlier one committed would move its cursor past that op and never see it.
async fn concurrent_pushes_through_two_servers_are_never_skipped_by_a_pull(backend: Backend) {
    let unlimited = |state: &mut rabet_server::AppState| {
        state.rate_limit = RateLimit {
            per_second: 1e9,
            burst: 1e9,
        }
    };
    let Some(setup) = Setup::configured(backend, unlimited).await else {
        return;
    };
    let second = TestServer::start(setup.database.open().await, unlimited).await;
    let alice = setup.member("Alice").await;
    let bob = Member::join(&second, &setup.workspace, "Bob").await;
    let carol = setup.member("Carol").await;
    let (by_alice, by_bob) = (OpMaker::new(1).ops(200), OpMaker::new(2).ops(200));
    let push_all = |member: Member, ops: Vec<Op>| async move {
        for batch in ops.chunks(10) {
            member.push(batch).await;
        }
    };
    let alice_pushing = tokio::spawn(push_all(alice, by_alice.clone()));
    let bob_pushing = tokio::spawn(push_all(bob, by_bob.clone()));
    let (mut seen, mut after) = (Vec::new(), 0);
    loop {
        let done = alice_pushing.is_finished() && bob_pushing.is_finished();
        let page = carol.pull(after, 7).await;
        after = page.next;
        seen.extend(page.ops);
        if done && !page.more {
            break;
        }
    }
    alice_pushing.await.unwrap();
    bob_pushing.await.unwrap();
    let mut seen_ids: Vec<_> = seen.iter().map(|op| op.id.clone()).collect();
    seen_ids.sort();
    let mut pushed_ids: Vec<_> = by_alice
        .iter()
        .chain(&by_bob)
        .map(|op| op.id.clone())
        .collect();
    pushed_ids.sort();
    assert_eq!(seen_ids, pushed_ids);
}

/// Storage is also what the CLI drives: tokens are listed by id and revoked by id prefix.
#[tokio::test]
async fn tokens_are_listed_and_revoked_by_id() {
    let database = TestDatabase::new(Backend::Sqlite).await.unwrap();
    let storage = database.open().await;
    let workspace = admin::create_workspace(&*storage, "Acme").await.unwrap();
    let issued = admin::issue_token(&*storage, &workspace, "Alice")
        .await
        .unwrap();
    assert!(issued.token.starts_with("rbt_") && issued.token.len() > 40);
    let listed = storage.tokens_of(&workspace).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(admin::token_id(&listed[0].hash), issued.id);
    assert!(!listed[0].hash.contains(&issued.token));

    assert!(admin::revoke_token(&*storage, &issued.id[..4])
        .await
        .is_err());
    assert_eq!(
        admin::revoke_token(&*storage, &issued.id[..8])
            .await
            .unwrap(),
        issued.id
    );
    let member = storage
        .member(&admin::token_hash(&issued.token))
        .await
        .unwrap()
        .unwrap();
    assert!(member.revoked);
    assert!(admin::issue_token(&*storage, "no-such-workspace", "Eve")
        .await
        .is_err());
}

/// The command line runs beside `serve` on one SQLite file: a command that reads then writes
/// waits for the other process's write to end instead of failing "database is locked".
#[tokio::test]
async fn a_command_waits_for_another_process_writing_the_same_file() {
    use sqlx::Connection;
    let database = TestDatabase::new(Backend::Sqlite).await.unwrap();
    let storage = database.open().await;
    let workspace = admin::create_workspace(&*storage, "Acme").await.unwrap();
    let rabet_server::DatabaseLocation::DataDir(dir) = &database.location else {
        unreachable!("a SQLite test database lives in a directory")
    };
    let options =
        sqlx::sqlite::SqliteConnectOptions::new().filename(dir.join(rabet_server::SQLITE_FILE));
    let mut other_process = sqlx::SqliteConnection::connect_with(&options)
        .await
        .unwrap();
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut other_process)
        .await
        .unwrap();
    sqlx::query("UPDATE workspaces SET seq = seq")
        .execute(&mut other_process)
        .await
        .unwrap();
    // The other process holds the write lock while the command starts, and lets go later.
    let release = tokio::spawn(async move {
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        sqlx::query("COMMIT")
            .execute(&mut other_process)
            .await
            .unwrap();
    });
    let issued = admin::issue_token(&*storage, &workspace, "Bita").await;
    release.await.unwrap();
    assert_eq!(issued.unwrap().member.name, "Bita");
}

/// Writes abandoned mid-way (a client that hangs up: its request's future is dropped at any
/// point, the beginning of its transaction included) leave no transaction open: a later write
/// still gets the lock.
#[tokio::test]
async fn writes_dropped_half_way_leave_the_database_writable() {
    let database = TestDatabase::new(Backend::Sqlite).await.unwrap();
    let storage = database.open().await;
    let workspace = admin::create_workspace(&*storage, "Acme").await.unwrap();
    for attempt in 0..400u64 {
        // Dropped after 0 to 400 µs: before, inside and after beginning the transaction.
        let cut = std::time::Duration::from_micros(attempt);
        let name = format!("member {attempt}");
        let abandoned = admin::issue_token(&*storage, &workspace, &name);
        let _ = tokio::time::timeout(cut, abandoned).await;
    }
    let issued = tokio::time::timeout(
        std::time::Duration::from_secs(20),
        admin::issue_token(&*storage, &workspace, "Bita"),
    )
    .await
    .expect("a write waited past the busy timeout");
    assert_eq!(issued.unwrap().member.name, "Bita");
}

/// Numbers past what a 64-bit float holds exactly are relayed as sent, not rounded.
async fn values_come_back_exactly_as_pushed(backend: Backend) {
    let Some(setup) = Setup::new(backend).await else {
        return;
    };
    let alice = setup.member("Alice").await;
    let values = [
        "18446744073709551616",
        "-123456789012345678901234567890",
        "0.1000000000000000055511151231257827",
        "1e300",
        "-0",
        r#"{"amount":12345678901234567891,"list":[1.50,2e-7]}"#,
    ];
    let ops = OpMaker::new(1).ops(values.len());
    let raw_ops: Vec<String> = ops
        .iter()
        .zip(values)
        .map(|(op, value)| {
            let mut text = serde_json::to_string(op).unwrap();
            let value_at = text.find("\"value\":").unwrap() + "\"value\":".len();
            let old = serde_json::to_string(&op.value).unwrap();
            text.replace_range(value_at..value_at + old.len(), value);
            text
        })
        .collect();
    let body = format!("{{\"ops\":[{}]}}", raw_ops.join(","));
    let response = alice.push_raw(body).await;
    assert_eq!(response.status(), StatusCode::OK);
    let pulled = alice.pull_raw("after=0").await.text().await.unwrap();
    for value in values {
        assert!(
            pulled.contains(&format!("\"value\":{value},")),
            "{value} not in {pulled}"
        );
    }
    // Still ops to a client that reads them as such.
    let page: PullResponse = serde_json::from_str(&pulled).unwrap();
    assert_eq!(page.ops.len(), values.len());
    assert_eq!(page.ops[0].id, ops[0].id);
}

/// Ops with large values fill a page by bytes long before the page's count.
async fn a_pull_page_is_bounded_in_bytes(backend: Backend) {
    let Some(setup) = Setup::new(backend).await else {
        return;
    };
    let alice = setup.member("Alice").await;
    let mut big = OpMaker::new(1).ops(120);
    for op in &mut big {
        op.value = json!("x".repeat(60 * 1024));
    }
    for batch in big.chunks(40) {
        alice.push(batch).await;
    }
    let (mut pulled, mut after, mut pages) = (Vec::new(), 0, 0);
    loop {
        let response = alice
            .pull_raw(&format!("after={after}&limit={MAX_PULL_LIMIT}"))
            .await;
        let text = response.text().await.unwrap();
        assert!(
            text.len() <= MAX_PUSH_BYTES + 70 * 1024,
            "{} bytes",
            text.len()
        );
        let page: PullResponse = serde_json::from_str(&text).unwrap();
        assert!(!page.ops.is_empty());
        after = page.next;
        pulled.extend(page.ops);
        pages += 1;
        if !page.more {
            break;
        }
    }
    assert!(pages >= 2, "{pages} pages");
    assert_eq!(pulled, big);
}
