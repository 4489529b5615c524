//! The domain's share of an import's work, natively, with no browser: for the sample's
//! contacts, building their ops (fields, ops, each op's check), merging them into records and
//! their rows' values, and writing the outbox entries, as the app's store does per chunk of
//! 2,000 (`src/store/mod.rs`). The least of several runs, so that other work on the machine
//! counts less; the bytes of the outbox entries. For A/B runs of two checkouts.
//!
//! ```text
//! cargo run -p rabet-domain --release --example import_work -- [contacts, default 10000]
//! ```

use rabet_domain::calendar::Day;
use rabet_domain::hlc::{Clock, NodeId};
use rabet_domain::id::WireId;
use rabet_domain::locale::Lang;
use rabet_domain::model::{Contact, Entity};
use rabet_domain::op::{Op, OpBuilder};
use rabet_domain::replica::Record;
use rabet_domain::run::Run;
use rabet_domain::sample::{generate, SampleOptions};
use std::time::{Duration, Instant};

const CHUNK: usize = 2_000;
const RUNS: usize = 7;

fn main() {
    let contacts = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(10_000);
    let sample = generate(&SampleOptions {
        seed: 1,
        contacts,
        lang: Lang::Fa,
        today: Day::from_unix_ms(1_793_000_000_000),
    });
    let contacts = &sample.contacts;
    let mut least = [Duration::MAX; 3];
    let mut outbox_bytes = 0;
    for _ in 0..RUNS {
        let (times, bytes) = run(contacts);
        for (least, time) in least.iter_mut().zip(times) {
            *least = (*least).min(time);
        }
        outbox_bytes = bytes;
    }
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!("{} contacts, least of {RUNS} runs:", contacts.len());
    println!("  ops (fields, ops, checks): {:.1} ms", ms(least[0]));
    println!("  records and rows' values:  {:.1} ms", ms(least[1]));
    println!(
        "  outbox entries:            {:.1} ms, {outbox_bytes} bytes",
        ms(least[2])
    );
}

fn run(contacts: &[Contact]) -> ([Duration; 3], usize) {
    // As the store makes a write's op ids: counted on from the first.
    let first = WireId::v7(1_793_000_000_000, [7; 10]);
    let mut counter = 0u64;
    let mut new_id = move || {
        counter += 1;
        first.counted_on(counter - 1).expect("room to count")
    };
    let mut clock = Clock::new(NodeId::from_random([1; 8]));
    let mut times = [Duration::ZERO; 3];
    let mut bytes = 0;
    for chunk in contacts.chunks(CHUNK) {
        let began = Instant::now();
        let mut builder = OpBuilder::new(&mut clock, 1_793_000_000_000, &mut new_id);
        let mut ops: Vec<Op> = Vec::new();
        for contact in chunk {
            let mut fields = contact.to_fields();
            fields.remove("id");
            ops.extend(
                builder
                    .create_ops(Contact::KIND, contact.id(), fields)
                    .expect("sample contacts are valid"),
            );
        }
        times[0] += began.elapsed();

        let began = Instant::now();
        let mut values = Vec::with_capacity(chunk.len());
        for record_ops in ops.chunk_by(|a, b| a.record == b.record) {
            let mut record = Record::default();
            for op in record_ops {
                record.apply(op);
            }
            values.push(record_values(record));
        }
        times[1] += began.elapsed();
        drop(values);

        let began = Instant::now();
        let run = Run::of(&ops).expect("one chunk's ops make a run");
        let entry = outbox_entry(&ops, &run);
        times[2] += began.elapsed();
        bytes += entry.len();
    }
    (times, bytes)
}

/// What the store keeps of a new record: its row's values.
fn record_values(record: Record) -> serde_json::Map<String, serde_json::Value> {
    record.into_map()
}

/// An outbox entry's bytes, as the store writes them.
fn outbox_entry(ops: &[Op], run: &Run) -> Vec<u8> {
    let mut entry = Vec::with_capacity(ops.len() * 128);
    rabet_domain::outbox::write_run(ops, run, &mut entry).expect("ops serialize");
    entry
}
