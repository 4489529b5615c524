//! Writes the sample workspace straight into a server's database, as if a device had pushed
//! it: the join benchmark's workspace without the HTTP push (the 100,000-contact sample's
//! 7.5 million ops take most of an hour through the API on a busy machine). The ops are those
//! of `rabet-domain`'s `sample` example with `--out *.ops` (same seed, language and day), stored
//! through the server's own `Storage::push`, so the log, the compacted state and the creators
//! are what a push makes. Prints the workspace's id and writes `bench-workspace.json` beside the
//! database, which `bench/run.mjs --only join --reuse yes` reads.
//!
//! ```text
//! cargo run -p rabet-server --release --example join_sample -- \
//!     --data-dir target/bench/join-100000 --contacts 100000
//! ```

use rabet_domain::{
    calendar::GregorianDate,
    hlc::NodeId,
    locale::Lang,
    sample::{generate, SampleOptions},
};
use rabet_server::{admin, DatabaseLocation, SqlStorage, Storage, StoredOp};
use std::path::PathBuf;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// Ops stored per push (one transaction each), as the bench pushes through HTTP in 1,000s.
const PUSH: usize = 5_000;

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let (mut data_dir, mut contacts) = (None, 10_000usize);
    while let Some(flag) = args.next() {
        let value = args.next().expect("every option takes a value");
        match flag.as_str() {
            "--data-dir" => data_dir = Some(PathBuf::from(value)),
            "--contacts" => contacts = value.parse().expect("--contacts: a number"),
            _ => panic!("unknown option {flag} (--data-dir DIR --contacts N)"),
        }
    }
    let data_dir = data_dir.expect("--data-dir is required");
    // The bench's sample: seed 1, Persian, history ending 2026-11-01 (`sampleOps` in run.mjs).
    let today = GregorianDate::new(2026, 11, 1)
        .expect("a valid date")
        .to_day();
    let sample = generate(&SampleOptions {
        seed: 1,
        contacts,
        lang: Lang::Fa,
        today,
    });
    let storage = SqlStorage::open(&DatabaseLocation::DataDir(data_dir.clone()))
        .await
        .expect("the database opens");
    let name = format!("bench join {contacts}");
    let workspace = admin::create_workspace(&storage, &name)
        .await
        .expect("a workspace is created");
    let author = admin::issue_token_as(&storage, &workspace, "bench", None, false)
        .await
        .expect("a member is added")
        .member
        .id;
    let now_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_millis() as u64);
    let started = Instant::now();
    let mut batch = Vec::with_capacity(PUSH);
    let mut stored = 0usize;
    for op in sample.sync_ops(NodeId::from_random(1u64.to_le_bytes()), now_ms) {
        op.validate().expect("sample ops are valid");
        batch.push(StoredOp::authored(&op, &author));
        if batch.len() == PUSH {
            stored += push(&storage, &workspace, &author, &mut batch).await;
        }
    }
    stored += push(&storage, &workspace, &author, &mut batch).await;
    storage.close().await;
    let saved = data_dir.join("bench-workspace.json");
    let json = format!("{{\"workspace\":\"{workspace}\",\"ops\":{stored}}}");
    std::fs::write(&saved, json).expect("bench-workspace.json is written");
    eprintln!(
        "stored {stored} ops of {contacts} contacts in {:.1} s; {}",
        started.elapsed().as_secs_f64(),
        saved.display()
    );
    println!("{workspace}");
}

/// Stores and empties `batch`, as member `author` pushed it; returns how many ops it held.
async fn push(
    storage: &SqlStorage,
    workspace: &str,
    author: &str,
    batch: &mut Vec<StoredOp>,
) -> usize {
    let count = batch.len();
    if count > 0 {
        storage
            .push(workspace, author, batch, false)
            .await
            .expect("the push is stored");
    }
    batch.clear();
    count
}
