//! What the HTTP tests share: a real database (a SQLite file in a temp folder, or a fresh
//! PostgreSQL database when `RABET_TEST_DATABASE_URL` is set), a real server on loopback, and
//! ops to push.
#![allow(dead_code)] // Each test file uses its own part of this module.

use rabet_domain::{
    hlc::{Clock, NodeId},
    id::{Id, WireId},
    kind::EntityKind,
    op::{Op, OpBuilder},
};
use rabet_server::{serve, AppState, DatabaseLocation, SqlStorage};
use serde_json::{json, Map};
use sqlx::{Connection, PgConnection};
use std::{fs, path::Path, sync::Arc};
use tokio::{net::TcpListener, sync::oneshot, task::JoinHandle};

/// Runs each named `async fn(Backend)` as a test on SQLite and one on PostgreSQL.
#[allow(unused_macros)] // Only the files whose tests run on both backends use it.
macro_rules! on_every_backend {
    ($($test:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test] async fn $test() { super::$test(super::Backend::Sqlite).await })*
        }
        mod postgres {
            $(#[tokio::test] async fn $test() { super::$test(super::Backend::Postgres).await })*
        }
    };
}
#[allow(unused_imports)] // Only the files whose tests run on both backends use it.
pub(crate) use on_every_backend;

pub const POSTGRES_ENV: &str = "RABET_TEST_DATABASE_URL";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A database of its own for one test, removed afterwards.
pub struct TestDatabase {
    pub location: DatabaseLocation,
    _dir: tempfile::TempDir,
    /// The PostgreSQL server's URL and the database made for this test.
    postgres: Option<(String, String)>,
}

impl TestDatabase {
    /// `None` (with a notice) when the backend is PostgreSQL and no server was given.
    pub async fn new(backend: Backend) -> Option<TestDatabase> {
        let dir = tempfile::tempdir().unwrap();
        match backend {
            Backend::Sqlite => Some(TestDatabase {
                location: DatabaseLocation::DataDir(dir.path().join("data")),
                _dir: dir,
                postgres: None,
            }),
            Backend::Postgres => {
                let Ok(server) = std::env::var(POSTGRES_ENV) else {
                    eprintln!("skipped: set {POSTGRES_ENV} to run the PostgreSQL tests");
                    return None;
                };
                let name = format!("rabet_test_{}", random_hex());
                let mut admin = PgConnection::connect(&server).await.unwrap();
                sqlx::query(&format!("CREATE DATABASE {name}"))
                    .execute(&mut admin)
                    .await
                    .unwrap();
                admin.close().await.unwrap();
                let mut url = url::Url::parse(&server).unwrap();
                url.set_path(&name);
                Some(TestDatabase {
                    location: DatabaseLocation::Url(url.to_string()),
                    _dir: dir,
                    postgres: Some((server, name)),
                })
            }
        }
    }

    pub async fn open(&self) -> Arc<SqlStorage> {
        Arc::new(SqlStorage::open(&self.location).await.unwrap())
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let Some((server, name)) = self.postgres.take() else {
            return;
        };
        // Drop runs inside the test's runtime, which cannot block on itself: use another.
        std::thread::spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap()
                .block_on(async {
                    if let Ok(mut admin) = PgConnection::connect(&server).await {
                        let drop = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                        let _ = sqlx::query(&drop).execute(&mut admin).await;
                    }
                })
        })
        .join()
        .unwrap();
    }
}

fn random_hex() -> String {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).unwrap();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The server on a loopback port, stopped when dropped.
pub struct TestServer {
    pub base: String,
    pub storage: Arc<SqlStorage>,
    stop: Option<oneshot::Sender<()>>,
    pub task: JoinHandle<std::io::Result<()>>,
    dist: tempfile::TempDir,
}

impl TestServer {
    /// Serves `storage` with default policies, changed by `configure`.
    pub async fn start(storage: Arc<SqlStorage>, configure: impl FnOnce(&mut AppState)) -> Self {
        let dist = tempfile::tempdir().unwrap();
        write_dist(dist.path());
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = oneshot::channel::<()>();
        let mut state = AppState::new(dist.path().to_path_buf(), storage.clone());
        configure(&mut state);
        let task = tokio::spawn(serve(listener, state, async {
            let _ = stopped.await;
        }));
        TestServer {
            base,
            storage,
            stop: Some(stop),
            task,
            dist,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The built app it serves, to deploy another build into.
    pub fn dist(&self) -> &Path {
        self.dist.path()
    }

    /// Asks the server to stop, letting in-flight requests finish.
    pub fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.stop();
    }
}

pub const WASM: &str = "rabet-3f2a9c0d11e4b7a6_bg.wasm";

/// A small built app: index, a hashed wasm, a service worker, a manifest, a css with its gzip.
pub fn write_dist(dir: &Path) {
    fs::write(
        dir.join("index.html"),
        "<!doctype html><title>Rabet</title>",
    )
    .unwrap();
    fs::write(dir.join(WASM), b"\0asm\x01\0\0\0").unwrap();
    fs::write(
        dir.join("sw.js"),
        "self.addEventListener('fetch', () => {});",
    )
    .unwrap();
    fs::write(dir.join("manifest.webmanifest"), "{}").unwrap();
    let css = "body { color: black; }".repeat(20);
    fs::write(dir.join("main-9c0d11e4b7a6f0e1.css"), &css).unwrap();
    // A precompressed twin, as the build writes one: served when the client accepts gzip.
    fs::write(
        dir.join("main-9c0d11e4b7a6f0e1.css.gz"),
        gzip(css.as_bytes()),
    )
    .unwrap();
}

/// A minimal valid gzip stream (stored, uncompressed deflate blocks) so tests need no codec.
fn gzip(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
    let len = data.len() as u16;
    out.push(1);
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(&(!len).to_le_bytes());
    out.extend_from_slice(data);
    out.extend_from_slice(&crc32(data).to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc ^= byte as u32;
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// Makes distinct, valid ops: one field set per op on a handful of contacts.
pub struct OpMaker {
    clock: Clock,
    node: u8,
    made: u64,
}

impl OpMaker {
    pub fn new(node: u8) -> Self {
        OpMaker {
            clock: Clock::new(NodeId::from_random([node; 8])),
            node,
            made: 0,
        }
    }

    pub fn ops(&mut self, count: usize) -> Vec<Op> {
        (0..count).map(|_| self.op()).collect()
    }

    fn op(&mut self) -> Op {
        self.made += 1;
        let (node, made) = (self.node, self.made);
        let mut new_id = || {
            let mut random = [node; 10];
            random[2..].copy_from_slice(&made.to_be_bytes());
            WireId::v7(1_700_000_000_000 + made, random)
        };
        let record = Id::v7(1, [node, (made % 5) as u8, 0, 0, 0, 0, 0, 0, 0, 0]);
        let fields = Map::from_iter([("name".to_owned(), json!(format!("n{made}")))]);
        let mut ops = OpBuilder::new(&mut self.clock, 1_700_000_000_000 + made, &mut new_id)
            .edit_ops(EntityKind::Contact, &record, None, &fields)
            .unwrap();
        ops.pop().unwrap()
    }
}
