//! How an outbox entry holds its ops: JSON, each record's kind and id written once and then
//! its ops as `[field, op id, stamp, value]`, rather than every op as an object naming all six.
//!
//! ```text
//! {"records":[["contact","<record id>",[["first_name","<op id>","<stamp>","Sara"],…]],…]}
//! ```
//!
//! An import writes about eight ops per contact, so an entry of 2,000 contacts holds 16,000:
//! written this way it is about half the bytes to make, copy and store. A write whose ops make
//! a run (see [`crate::run`]; most local writes do) is written by [`write_run`] without an id
//! and a stamp per op, a third of those bytes again:
//!
//! ```text
//! {"run":["<first op id>","<first stamp>"],"records":[["contact","<record id>",[["first_name","Sara"],…]],…]}
//! ```
//!
//! Entries written before are a JSON array of ops; [`read`] takes every layout.

use crate::hlc::Stamp;
use crate::id::WireId;
use crate::kind::EntityKind;
use crate::op::Op;
use crate::run::{Run, RunError};
use serde::{de::Error as _, Deserialize, Serialize};
use serde_json::Value;

/// Appends `ops` as an entry to `out`. Ops of one record that follow each other share its
/// kind and id, so the order of the ops is kept exactly.
pub fn write<'a>(
    ops: impl IntoIterator<Item = &'a Op>,
    out: &mut Vec<u8>,
) -> serde_json::Result<()> {
    let records = by_record(ops, |op| OpWritten(&op.field, &op.id, &op.stamp, &op.value));
    serde_json::to_writer(out, &Entry { records })
}

/// Ops grouped into their records' runs (ops of one record that follow each other), each op
/// as `written` gives it.
fn by_record<'a, W>(
    ops: impl IntoIterator<Item = &'a Op>,
    written: impl Fn(&'a Op) -> W,
) -> Vec<RecordOps<&'a WireId, W>> {
    let mut records: Vec<RecordOps<&'a WireId, W>> = Vec::new();
    for op in ops {
        match records.last_mut() {
            Some(last) if last.0 == op.entity && *last.1 == op.record => last.2.push(written(op)),
            _ => records.push(RecordOps(op.entity, &op.record, vec![written(op)])),
        }
    }
    records
}

/// Appends `ops`, which make `run` in their order, as an entry: the run's start, then each
/// record's kind and id and its ops' fields and values.
pub fn write_run<'a>(
    ops: impl IntoIterator<Item = &'a Op>,
    run: &Run,
    out: &mut Vec<u8>,
) -> serde_json::Result<()> {
    let records = by_record(ops, |op| (op.field.as_str(), &op.value));
    let run = (run.first_id(), run.first_stamp());
    serde_json::to_writer(out, &RunEntry { run, records })
}

/// What starts an entry [`write_run`] wrote (serde writes the fields in order, no spaces).
const RUN_START: &[u8] = b"{\"run\":";

/// The ops of an entry, in the order they were written, from any layout.
pub fn read(entry: &[u8]) -> serde_json::Result<Vec<Op>> {
    let plain = entry
        .iter()
        .find(|byte| !byte.is_ascii_whitespace())
        .is_some_and(|&first| first == b'[');
    if plain {
        return serde_json::from_slice(entry);
    }
    if entry.starts_with(RUN_START) {
        return read_run(entry);
    }
    let Entry { records } = serde_json::from_slice::<Entry<RecordOpsRead>>(entry)?;
    Ok(ops_of(records))
}

fn read_run(entry: &[u8]) -> serde_json::Result<Vec<Op>> {
    let RunEntry {
        run: (first_id, first_stamp),
        records,
    } = serde_json::from_slice::<RunEntry<(WireId, Stamp), RecordRunRead>>(entry)?;
    let run = Run::new(first_id, first_stamp);
    let mut n = 0;
    let mut counted = |(field, value): (String, Value)| {
        let (id, stamp) = run.nth(n)?;
        n += 1;
        Ok((field, id, stamp, value))
    };
    let records = records
        .into_iter()
        .map(|RecordOps(entity, record, fields)| {
            let ops = fields
                .into_iter()
                .map(&mut counted)
                .collect::<Result<_, _>>()?;
            Ok(RecordOps(entity, record, ops))
        })
        .collect::<Result<Vec<_>, RunError>>()
        .map_err(serde_json::Error::custom)?;
    Ok(ops_of(records))
}

/// The ops of records as read, in order.
fn ops_of(records: Vec<RecordOpsRead>) -> Vec<Op> {
    records
        .into_iter()
        .flat_map(|RecordOps(entity, record, ops)| {
            ops.into_iter().map(move |(field, id, stamp, value)| Op {
                id,
                entity,
                record: record.clone(),
                field,
                value,
                stamp,
            })
        })
        .collect()
}

#[derive(Serialize, Deserialize)]
struct Entry<R> {
    records: Vec<R>,
}

/// An entry of a run: its start (first op id and stamp), then its records.
#[derive(Serialize, Deserialize)]
struct RunEntry<S, R> {
    run: S,
    records: Vec<R>,
}

/// [`RecordOps`] with each op as its field and value, as [`write_run`] writes them and read.
type RecordRunRead = RecordOps<WireId, (String, Value)>;

/// A record's kind, id and ops, each op as its layout writes it.
#[derive(Serialize, Deserialize)]
struct RecordOps<I, W>(EntityKind, I, Vec<W>);

/// An op without its record: field, op id, stamp, value.
#[derive(Serialize)]
struct OpWritten<'a>(&'a str, &'a WireId, &'a Stamp, &'a Value);

/// [`RecordOps`] with each op as [`OpWritten`], as read.
type RecordOpsRead = RecordOps<WireId, (String, WireId, Stamp, Value)>;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hlc::NodeId;
    use proptest::prelude::*;
    use serde_json::json;

    fn op(record: &str, field: &str, value: Value, at: u64) -> Op {
        Op {
            id: WireId::v7(at, [3; 10]),
            entity: EntityKind::Contact,
            record: WireId::from_string(record),
            field: field.into(),
            value,
            stamp: Stamp {
                wall_ms: at,
                counter: 0,
                node: NodeId::from_random([7; 8]),
            },
        }
    }

    fn ops() -> impl Strategy<Value = Vec<Op>> {
        let kinds = prop::sample::select(vec![
            EntityKind::Contact,
            EntityKind::Company,
            EntityKind::Deal,
        ]);
        // Few records, so runs of one record's ops and records coming back both occur; ids
        // as UUIDs and as other text.
        let records = prop::sample::select(vec![
            "0193a4b2-7c1d-7e3f-8a9b-0c1d2e3f4a5b",
            "0193a4b2-7c1d-7e3f-8a9b-0c1d2e3f4a5c",
            "settings",
        ]);
        let values = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<String>().prop_map(Value::String),
            prop::collection::vec(any::<String>(), 0..3).prop_map(|tags| json!(tags)),
        ];
        let one = (
            kinds,
            records,
            "[a-z_]{1,12}",
            values,
            any::<u32>(),
            any::<[u8; 10]>(),
        )
            .prop_map(|(entity, record, field, value, at, random)| Op {
                id: WireId::v7(u64::from(at), random),
                entity,
                record: WireId::from_string(record),
                field,
                value,
                stamp: Stamp {
                    wall_ms: u64::from(at),
                    counter: at % 7,
                    node: NodeId::from_random(random[..8].try_into().unwrap()),
                },
            });
        prop::collection::vec(one, 0..40)
    }

    proptest! {
        #[test]
        fn an_entry_reads_back_as_the_ops_written_in_their_order(ops in ops()) {
            let mut entry = Vec::new();
            write(&ops, &mut entry).unwrap();
            prop_assert_eq!(read(&entry).unwrap(), ops);
        }

        /// The same ops, given the ids and stamps of a run, read back from the run's layout,
        /// which holds no op id and no stamp of its own.
        #[test]
        fn a_run_reads_back_as_its_ops(ops in ops(), random in any::<[u8; 10]>()) {
            let run = Run::new(
                WireId::v7(1_700_000_000_000, random),
                Stamp { wall_ms: 1_700_000_000_000, counter: 0, node: NodeId::from_random([1; 8]) },
            );
            let ops: Vec<Op> = ops
                .into_iter()
                .enumerate()
                .filter_map(|(n, op)| {
                    let (id, stamp) = run.nth(n).ok()?;
                    Some(Op { id, stamp, ..op })
                })
                .collect();
            prop_assume!(Run::of(&ops).is_some());
            let mut entry = Vec::new();
            write_run(&ops, &run, &mut entry).unwrap();
            let text = String::from_utf8(entry.clone()).unwrap();
            prop_assert!(ops.iter().skip(1).all(|op| !text.contains(&op.id.to_string())));
            prop_assert_eq!(read(&entry).unwrap(), ops);
        }
    }

    #[test]
    fn entries_written_before_as_an_array_of_ops_still_read() {
        let ops = vec![
            op("a", "name", json!("Sara"), 1),
            op("b", "tags", json!(["vip"]), 2),
        ];
        let before = serde_json::to_vec(&ops).unwrap();
        assert_eq!(read(&before).unwrap(), ops);
        let mut text = b" \n".to_vec();
        text.extend(&before);
        assert_eq!(read(&text).unwrap(), ops);
    }

    #[test]
    fn a_records_kind_and_id_are_written_once_for_its_ops() {
        let ops: Vec<Op> = (0..8)
            .map(|at| {
                op(
                    "0193a4b2-7c1d-7e3f-8a9b-0c1d2e3f4a5b",
                    "name",
                    json!("Sara"),
                    at,
                )
            })
            .collect();
        let mut entry = Vec::new();
        write(&ops, &mut entry).unwrap();
        let text = String::from_utf8(entry).unwrap();
        assert_eq!(
            text.matches("0193a4b2-7c1d-7e3f-8a9b-0c1d2e3f4a5b").count(),
            1
        );
        assert_eq!(text.matches("contact").count(), 1);
        let before = serde_json::to_vec(&ops).unwrap();
        assert!(
            text.len() * 3 < before.len() * 2,
            "{} vs {}",
            text.len(),
            before.len()
        );
    }
}
