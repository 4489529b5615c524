//! What a bulk tag of every contact puts into each IndexedDB store, natively: the puts and
//! the bytes (keys plus values, as UTF-8 JSON text) of the rows, the shared merge state,
//! the field history, the feed's index and the outbox entry, laid out as the app's store
//! lays them out (`src/store/row.rs`, `history.rs`, `mod.rs`). Commit time follows bytes.
//!
//! ```text
//! cargo run -p rabet-domain --release --example bulk_bytes -- [contacts, default 10000]
//! ```

use rabet_domain::bulk::ContactChange;
use rabet_domain::calendar::Day;
use rabet_domain::history::apply_recording;
use rabet_domain::hlc::{Clock, NodeId};
use rabet_domain::id::WireId;
use rabet_domain::locale::Lang;
use rabet_domain::model::{Contact, Entity};
use rabet_domain::op::{Op, OpBuilder};
use rabet_domain::replica::Record;
use rabet_domain::sample::{generate, SampleOptions};
use rabet_domain::sync::rows::{push_merge_line, push_shared_header};
use serde_json::json;

fn main() {
    let contacts = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(10_000);
    for lang in [Lang::En, Lang::Fa] {
        let sample = generate(&SampleOptions {
            seed: 1,
            contacts,
            lang,
            today: Day::from_unix_ms(1_793_000_000_000),
        });
        println!("{lang:?} sample, {} contacts:", sample.contacts.len());
        measure(&sample.contacts);
    }
}

/// Stores contacts as the sample load does (every field one op of one write), then tags
/// each, and counts what the tag's write puts.
fn measure(contacts: &[Contact]) {
    let mut counter = 0u64;
    let mut new_id = move || {
        counter += 1;
        WireId::v7(1_793_000_000_000 + counter, [7; 10])
    };
    let mut clock = Clock::new(NodeId::from_random([1; 8]));
    let mut records: Vec<Record> = Vec::new();
    {
        let mut builder = OpBuilder::new(&mut clock, 1_793_000_000_000, &mut new_id);
        for contact in contacts {
            let ops = builder
                .edit_ops(Contact::KIND, contact.id(), None, &contact.to_fields())
                .expect("sample contacts are valid");
            let mut record = Record::default();
            for op in &ops {
                record.apply(op);
            }
            records.push(record);
        }
    }
    let tag = ContactChange::AddTag("vip".into());
    let edits = tag.edits(contacts, 1_793_000_100_000);
    let mut builder = OpBuilder::new(&mut clock, 1_793_000_100_000, &mut new_id);
    let mut ops: Vec<Op> = Vec::new();
    for (before, after) in &edits {
        ops.extend(
            builder
                .edit_ops(
                    Contact::KIND,
                    after.id(),
                    Some(&tag.written_fields(before)),
                    &tag.written_fields(after),
                )
                .expect("a tag is a valid edit"),
        );
    }
    let shared_key = format!("shared/{}", ops[0].id);
    let (mut rows, mut shared, mut shared_delta) =
        (Stored::default(), String::new(), String::new());
    let (mut history, mut feed) = (Stored::default(), Stored::default());
    for ((record, contact), op) in records.iter_mut().zip(contacts).zip(&ops) {
        let (_, changes) = apply_recording(record, [(op, None)]);
        let id = contact.id().as_str().to_string();
        let mut values = record.to_map();
        values.insert("id".into(), json!(id));
        rows.put(
            &id,
            &json!({ "id": id, "v": values, "d": false, "m": shared_key }).to_string(),
        );
        push_shared_header(&mut shared, Contact::KIND, &id);
        // Since wt-bulk: only the written field's line, over the sample load's shared state.
        push_shared_header(&mut shared_delta, Contact::KIND, &id);
        shared_delta.push_str(&format!("@shared/{}\n", ops[0].id));
        for (field, state) in record.fields() {
            push_merge_line(&mut shared, field, &state.stamp, &state.op);
        }
        push_merge_line(&mut shared_delta, &op.field, &op.stamp, &op.id);
        for change in changes {
            let sort_key = change.stamp.to_sort_key();
            history.put(
                &format!("contact/{id}/{sort_key} {}", change.op),
                &serde_json::to_string(&change).expect("a change serializes"),
            );
            feed.put(
                &format!("{sort_key} {}", change.op),
                &format!("contact/{id} tags "),
            );
        }
    }
    let outbox = serde_json::to_string(&ops).expect("ops serialize");
    let row = |what: &str, puts: usize, bytes: usize| {
        println!(
            "  {what:<44} {puts:>7} puts {:>9.2} MB {:>6} B/record",
            bytes as f64 / 1e6,
            bytes / edits.len().max(1)
        );
    };
    row("rows (contact store)", rows.puts, rows.bytes);
    row(
        "shared merge state, every field of each",
        1,
        shared.len() + shared_key.len(),
    );
    row(
        "history (one entry per change)",
        history.puts,
        history.bytes,
    );
    row("feed's index (one entry per change)", feed.puts, feed.bytes);
    row("outbox entry (the ops as JSON)", 1, outbox.len());
    row(
        "the same, written lines over a base (wt-bulk)",
        1,
        shared_delta.len() + shared_key.len(),
    );
}

/// Puts and the bytes of their keys and values.
#[derive(Default)]
struct Stored {
    puts: usize,
    bytes: usize,
}

impl Stored {
    fn put(&mut self, key: &str, value: &str) {
        self.puts += 1;
        self.bytes += key.len() + value.len();
    }
}
