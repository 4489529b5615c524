//! The real `rabet-server` binary: its CLI, and its durability when killed mid-push.

mod common;

use common::{Backend, OpMaker, TestDatabase};
use rabet_domain::{
    op::Op,
    sync::{PullResponse, MAX_PULL_LIMIT},
};
use rabet_server::DatabaseLocation;
use reqwest::StatusCode;
use serde_json::json;
use std::{
    collections::HashSet,
    io::{BufRead, BufReader},
    process::{Child, Command, Stdio},
    sync::mpsc,
    time::{Duration, Instant},
};
use tokio::io::AsyncWriteExt;

const BINARY: &str = env!("CARGO_BIN_EXE_rabet-server");

/// The binary with the test database's location and nothing from the caller's environment.
fn rabet_server(database: &TestDatabase) -> Command {
    with_database(Command::new(BINARY), database)
}

fn with_database(mut command: Command, database: &TestDatabase) -> Command {
    command
        .env_remove("DATABASE_URL")
        .env_remove("RABET_DATA_DIR")
        .env("NO_COLOR", "1");
    match &database.location {
        DatabaseLocation::DataDir(dir) => command.env("RABET_DATA_DIR", dir),
        DatabaseLocation::Url(url) => command.env("DATABASE_URL", url),
    };
    command
}

/// Runs a CLI command and returns its standard output's lines.
fn run(database: &TestDatabase, args: &[&str]) -> Vec<String> {
    let output = rabet_server(database).args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{args:?} failed: {stderr}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    stdout.lines().map(str::to_owned).collect()
}

/// `token issue` for Sara in `workspace`, with `extra` flags; returns its output lines.
fn issue_token(database: &TestDatabase, workspace: &str, extra: &[&str]) -> Vec<String> {
    let mut args = vec![
        "token",
        "issue",
        "--workspace",
        workspace,
        "--member",
        "Sara",
    ];
    args.extend_from_slice(extra);
    run(database, &args)
}

/// `automation sweep` fires and delivers once and says what it did; sending settings that
/// cannot work are refused before anything runs.
#[test]
fn the_cli_sweeps_automation_once_and_refuses_incomplete_sending_settings() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let database = runtime
        .block_on(TestDatabase::new(Backend::Sqlite))
        .unwrap();
    let workspace = run(&database, &["workspace", "create", "Acme"]).remove(0);
    assert_eq!(
        run(&database, &["automation", "sweep"]),
        [
            format!("{workspace}: 0 rules fired, 0 ops written, 0 actions failed"),
            "messages: 0 sent, 0 to retry, 0 given up, 0 over quota".to_owned(),
        ]
    );
    let refused = rabet_server(&database)
        .args(["automation", "sweep", "--smtp-host", "127.0.0.1"])
        .env_remove("RABET_SMTP_FROM")
        .output()
        .unwrap();
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("--smtp-from"), "{stderr}");
}

#[test]
fn the_cli_creates_workspaces_and_issues_lists_and_revokes_tokens() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let database = runtime
        .block_on(TestDatabase::new(Backend::Sqlite))
        .unwrap();
    let workspace = run(&database, &["workspace", "create", "Acme"]).remove(0);
    assert_eq!(workspace.len(), 36, "{workspace}");

    let issued = issue_token(
        &database,
        &workspace,
        &["--app-url", "https://crm.example/"],
    );
    let [token, link] = &issued[..] else {
        panic!("expected a token and a link, got {issued:?}")
    };
    assert!(token.starts_with("rbt_"));
    assert_eq!(
        link,
        &format!("https://crm.example/join#server=https%3A%2F%2Fcrm.example%2F&token={token}")
    );

    let listed = run(&database, &["token", "list", "--workspace", &workspace]);
    let [line] = &listed[..] else {
        panic!("expected one token, got {listed:?}")
    };
    let id = line.split('\t').next().unwrap().to_owned();
    // The workspace's first member is its admin; the member's id is their first token's.
    assert_eq!(line, &format!("{id}\tactive\tSara\tadmin\t{id}"));

    // A later one is an admin too unless told; a role is given by name and changed by id.
    let issue = |member: &str, extra: &[&str]| {
        let mut args = vec![
            "token",
            "issue",
            "--workspace",
            &workspace,
            "--member",
            member,
        ];
        args.extend_from_slice(extra);
        run(&database, &args)
    };
    assert_eq!(issue("Ali", &[]).len(), 1);
    assert_eq!(issue("Vida", &["--role", "viewer"]).len(), 1);
    let listed = run(&database, &["token", "list", "--workspace", &workspace]);
    let roles: Vec<(&str, &str)> = listed
        .iter()
        .map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            (fields[2], fields[3])
        })
        .collect();
    assert_eq!(
        roles,
        [("Sara", "admin"), ("Ali", "admin"), ("Vida", "viewer")]
    );
    let ali_id = listed[1].split('\t').next().unwrap();
    assert_eq!(
        run(&database, &["token", "role", ali_id, "member"]),
        [format!("{ali_id}\tmember\tAli")]
    );
    let bad = rabet_server(&database)
        .args(["token", "role", ali_id, "owner"])
        .output()
        .unwrap();
    assert!(!bad.status.success());

    assert_eq!(
        run(&database, &["token", "revoke", &id[..8]]),
        [format!("revoked {id}")]
    );
    assert_eq!(
        run(&database, &["token", "list", "--workspace", &workspace])[0],
        format!("{id}\trevoked\tSara\tadmin\t{id}")
    );

    let DatabaseLocation::DataDir(dir) = &database.location else {
        unreachable!()
    };
    let stored = std::fs::read(dir.join(rabet_server::storage::SQLITE_FILE)).unwrap();
    let token = token.as_bytes();
    assert!(!stored.windows(token.len()).any(|window| window == token));

    let unknown = rabet_server(&database)
        .args(["token", "issue", "--workspace", "nope", "--member", "X"])
        .output()
        .unwrap();
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no workspace"));
}

/// A `rabet-server serve` process and the address it listens on.
struct Process {
    child: Child,
    base: String,
}

impl Process {
    async fn start(database: &TestDatabase, dist: &std::path::Path) -> Process {
        Process::start_with(database, dist, None, &[]).await
    }

    /// With at most `open_files` file descriptors (`ulimit -n`) and extra environment.
    async fn start_with(
        database: &TestDatabase,
        dist: &std::path::Path,
        open_files: Option<u32>,
        env: &[(&str, &str)],
    ) -> Process {
        let mut command = match open_files {
            None => rabet_server(database),
            Some(limit) => {
                let mut shell = Command::new("sh");
                shell
                    .args(["-c", &format!("ulimit -n {limit} && exec \"$0\" \"$@\"")])
                    .arg(BINARY);
                with_database(shell, database)
            }
        };
        let mut child = command
            .envs(env.iter().copied())
            .args(["serve", "--addr", "127.0.0.1:0", "--dist"])
            .arg(dist)
            .args(["--rate-limit", "1000000", "--rate-burst", "1000000"])
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The log names the address; the thread keeps draining it so the server never
        // blocks on a full pipe.
        let log = BufReader::new(child.stderr.take().unwrap());
        let (address_tx, address_rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in log.lines().map_while(Result::ok) {
                if let Some((_, rest)) = line.split_once("serving Rabet on ") {
                    let url = rest.split_whitespace().next().unwrap_or_default();
                    let _ = address_tx.send(url.to_owned());
                }
            }
        });
        let base = address_rx
            .recv_timeout(Duration::from_secs(30))
            .expect("the server logs its address");
        let process = Process { child, base };
        process.wait_healthy().await;
        process
    }

    async fn wait_healthy(&self) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let health = reqwest::get(format!("{}/api/health", self.base)).await;
            if health.is_ok_and(|response| response.status() == StatusCode::OK) {
                return;
            }
            assert!(Instant::now() < deadline, "the server never became healthy");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    fn kill_9(&mut self) {
        // `Child::kill` is SIGKILL on Unix: no shutdown code runs.
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn pull_all(http: &reqwest::Client, base: &str, token: &str) -> Vec<Op> {
    let (mut ops, mut after) = (Vec::new(), 0);
    loop {
        let page: PullResponse = http
            .get(format!(
                "{base}/api/v1/ops?after={after}&limit={MAX_PULL_LIMIT}"
            ))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        ops.extend(page.ops);
        after = page.next;
        if !page.more {
            return ops;
        }
    }
}

/// Pushes batches until the server stops answering; returns the acknowledged ops and the
/// batch whose answer never came. `acknowledged` counts acknowledged pushes as they happen.
async fn push_until_killed(
    base: String,
    token: String,
    acknowledged: tokio::sync::watch::Sender<usize>,
) -> (Vec<Op>, Vec<Op>) {
    let http = reqwest::Client::new();
    let mut maker = OpMaker::new(1);
    let mut stored = Vec::new();
    loop {
        let batch = maker.ops(50);
        let answer = http
            .post(format!("{base}/api/v1/ops"))
            .bearer_auth(&token)
            .json(&json!({ "ops": batch }))
            .send()
            .await;
        match answer {
            Ok(response) if response.status() == StatusCode::OK => {
                stored.extend(batch);
                acknowledged.send_modify(|count| *count += 1);
            }
            _ => return (stored, batch),
        }
    }
}

async fn acknowledged_pushes_survive_kill_9(backend: Backend) {
    let Some(database) = TestDatabase::new(backend).await else {
        return;
    };
    let workspace = run(&database, &["workspace", "create", "Acme"]).remove(0);
    let token = issue_token(&database, &workspace, &[]).remove(0);
    let dist = tempfile::tempdir().unwrap();
    common::write_dist(dist.path());

    let mut server = Process::start(&database, dist.path()).await;
    let (acknowledged, mut count) = tokio::sync::watch::channel(0);
    let pusher = tokio::spawn(push_until_killed(
        server.base.clone(),
        token.clone(),
        acknowledged,
    ));
    count.wait_for(|pushes| *pushes >= 20).await.unwrap();
    server.kill_9();
    let (stored, in_doubt) = pusher.await.unwrap();

    let server = Process::start(&database, dist.path()).await;
    let http = reqwest::Client::new();
    let after_restart = pull_all(&http, &server.base, &token).await;
    let ids: HashSet<_> = after_restart.iter().map(|op| &op.id).collect();
    assert_eq!(ids.len(), after_restart.len(), "an op came back twice");
    assert!(
        stored.iter().all(|op| ids.contains(&op.id)),
        "an acknowledged op was lost"
    );
    // The push cut short was stored whole or not at all.
    let in_doubt_stored = in_doubt.iter().filter(|op| ids.contains(&op.id)).count();
    assert!(in_doubt_stored == 0 || in_doubt_stored == in_doubt.len());
    assert_eq!(after_restart.len(), stored.len() + in_doubt_stored);

    // The client retries the push it never heard back about; nothing is doubled.
    let retried = http
        .post(format!("{}/api/v1/ops", server.base))
        .bearer_auth(&token)
        .json(&json!({ "ops": in_doubt }))
        .send()
        .await
        .unwrap();
    assert_eq!(retried.status(), StatusCode::OK);
    let everything = pull_all(&http, &server.base, &token).await;
    let expected: Vec<&Op> = stored.iter().chain(&in_doubt).collect();
    assert_eq!(everything.iter().collect::<Vec<_>>(), expected);
}

#[tokio::test]
async fn acknowledged_pushes_survive_kill_9_on_sqlite() {
    acknowledged_pushes_survive_kill_9(Backend::Sqlite).await;
}

#[tokio::test]
async fn acknowledged_pushes_survive_kill_9_on_postgres() {
    acknowledged_pushes_survive_kill_9(Backend::Postgres).await;
}

/// SIGTERM lets in-flight requests finish, but not forever: a client stalled mid-request
/// is cut off after the grace period.
#[tokio::test]
async fn sigterm_stops_the_server_despite_a_stalled_client() {
    let database = TestDatabase::new(Backend::Sqlite).await.unwrap();
    let workspace = run(&database, &["workspace", "create", "Acme"]).remove(0);
    let token = issue_token(&database, &workspace, &[]).remove(0);
    let dist = tempfile::tempdir().unwrap();
    common::write_dist(dist.path());
    let mut server = Process::start_with(
        &database,
        dist.path(),
        None,
        &[("RABET_SHUTDOWN_GRACE", "1")],
    )
    .await;
    let mut stalled = tokio::net::TcpStream::connect(server.base.trim_start_matches("http://"))
        .await
        .unwrap();
    // A push whose body stops after 10 of its 1,000 bytes.
    let request = format!(
        "POST /api/v1/ops HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
         Authorization: Bearer {token}\r\nContent-Length: 1000\r\n\r\n{{\"ops\": [ "
    );
    stalled.write_all(request.as_bytes()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let sent = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "still running 10 s after SIGTERM"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(status.success(), "{status}");
    drop(stalled);
}

/// Hundreds of connections from one address that never finish their headers (slow loris),
/// on a server allowed few open files: another client is still served at once.
#[tokio::test]
async fn a_slow_loris_client_cannot_starve_others() {
    let database = TestDatabase::new(Backend::Sqlite).await.unwrap();
    let dist = tempfile::tempdir().unwrap();
    common::write_dist(dist.path());
    let server = Process::start_with(&database, dist.path(), Some(512), &[]).await;
    let addr = server.base.trim_start_matches("http://").to_owned();
    let mut attackers = Vec::new();
    for _ in 0..600 {
        let connect = tokio::net::TcpStream::connect(&addr);
        let Ok(Ok(mut stream)) = tokio::time::timeout(Duration::from_secs(1), connect).await else {
            continue;
        };
        let _ = stream.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n").await;
        attackers.push(stream);
    }
    // Another client, from another address (127.0.0.2 is loopback too).
    let other = reqwest::Client::builder()
        .local_address(std::net::IpAddr::from([127, 0, 0, 2]))
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    for _ in 0..3 {
        let health = other
            .get(format!("{}/api/health", server.base))
            .send()
            .await;
        assert!(
            health.as_ref().is_ok_and(|r| r.status() == StatusCode::OK),
            "{health:?}"
        );
    }
    drop(attackers);
}
