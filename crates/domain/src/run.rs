//! A run: the ops of one local write whose ids and stamps both count up by one from the
//! first op's, in the order they were made. A clock read once per write issues consecutive
//! stamps, and the app counts a write's op ids on from a random first one
//! ([`WireId::counted_on`]), so a write's ops make a run unless the clock's counter or the id
//! ran out. A run is stored as its first op's id and stamp and each op's place, rather than an
//! id and a stamp per op: an import's ops then take a third of the bytes in the outbox
//! ([`crate::outbox::write_run`]) and almost none in its shared merge state, where each record
//! names only the fields it wrote:
//!
//! ```text
//! "=<first op id> <first stamp's sort key>\n#<kind>/<record>\n<field> <field> …\n#<kind>/<record>\n…"
//! ```
//!
//! The n-th field named, counting across records, was written by the run's n-th op.
//! [`expand_shared`] turns it into the usual layout (`sync::rows`), one line per field.

use crate::hlc::Stamp;
use crate::id::WireId;
use crate::op::Op;
use crate::sync::rows::{push_merge_line, push_shared_header};
use std::borrow::Cow;

/// Where a run starts: its first op's id and stamp.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Run {
    first_id: WireId,
    first_stamp: Stamp,
}

/// A shared merge state written as a run that cannot be read back.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RunError {
    #[error("a run's first line is not an op id and a stamp: {0:?}")]
    Start(String),
    #[error("a run counts past its last op id or stamp")]
    TooLong,
}

impl Run {
    pub fn new(first_id: WireId, first_stamp: Stamp) -> Run {
        Run {
            first_id,
            first_stamp,
        }
    }

    /// The run `ops` make in their order, if they make one (none do when empty).
    pub fn of<'a>(ops: impl IntoIterator<Item = &'a Op>) -> Option<Run> {
        let mut ops = ops.into_iter();
        let first = ops.next()?;
        let run = Run::new(first.id.clone(), first.stamp.clone());
        for (n, op) in (1u32..).zip(ops) {
            let stamp = &op.stamp;
            let counted = Some(stamp.counter) == run.first_stamp.counter.checked_add(n)
                && stamp.wall_ms == run.first_stamp.wall_ms
                && stamp.node == run.first_stamp.node;
            if !counted || run.first_id.counted_on(u64::from(n)).as_ref() != Some(&op.id) {
                return None;
            }
        }
        Some(run)
    }

    pub fn first_id(&self) -> &WireId {
        &self.first_id
    }

    pub fn first_stamp(&self) -> &Stamp {
        &self.first_stamp
    }

    /// The id and stamp of the run's `n`-th op (the first is the 0th).
    pub fn nth(&self, n: usize) -> Result<(WireId, Stamp), RunError> {
        let id = self.first_id.counted_on(n as u64);
        let stamp = u32::try_from(n)
            .ok()
            .and_then(|n| self.first_stamp.counted_on(n));
        id.zip(stamp).ok_or(RunError::TooLong)
    }
}

/// The merge state shared by the records `ops` write, which make `run`, in the run's layout
/// (see the module docs). Each record's ops must follow each other, as they do when each
/// record's are made in one go.
pub fn shared_merge_state<'a>(run: &Run, ops: impl IntoIterator<Item = &'a Op>) -> String {
    let mut shared = format!("={} {}\n", run.first_id, run.first_stamp.to_sort_key());
    let mut last: Option<&Op> = None;
    for op in ops {
        match last {
            Some(last) if last.entity == op.entity && last.record == op.record => {
                shared.push(' ');
            }
            Some(_) => {
                shared.push('\n');
                push_shared_header(&mut shared, op.entity, &op.record.as_str());
            }
            None => push_shared_header(&mut shared, op.entity, &op.record.as_str()),
        }
        shared.push_str(&op.field);
        last = Some(op);
    }
    if last.is_some() {
        shared.push('\n');
    }
    shared
}

/// A shared merge state in the usual layout, one line per field: as it is, or expanded from
/// a run's.
pub fn expand_shared(shared: &str) -> Result<Cow<'_, str>, RunError> {
    let Some(rest) = shared.strip_prefix('=') else {
        return Ok(Cow::Borrowed(shared));
    };
    let (start, parts) = rest.split_once('\n').unwrap_or((rest, ""));
    let bad_start = || RunError::Start(start.to_owned());
    let (id, stamp) = start.split_once(' ').ok_or_else(bad_start)?;
    let stamp = Stamp::from_sort_key(stamp).map_err(|_| bad_start())?;
    let run = Run::new(WireId::from_string(id), stamp);
    let mut expanded = String::with_capacity(parts.len() * 8);
    let mut n = 0;
    for line in parts.lines() {
        if line.starts_with('#') {
            expanded.push_str(line);
            expanded.push('\n');
            continue;
        }
        for field in line.split(' ').filter(|field| !field.is_empty()) {
            let (id, stamp) = run.nth(n)?;
            push_merge_line(&mut expanded, field, &stamp, id);
            n += 1;
        }
    }
    Ok(Cow::Owned(expanded))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hlc::NodeId;
    use crate::kind::EntityKind;
    use proptest::prelude::*;
    use serde_json::Value;

    fn first() -> (WireId, Stamp) {
        let stamp = Stamp {
            wall_ms: 1_700_000_000_000,
            counter: 3,
            node: NodeId::from_random([5; 8]),
        };
        (WireId::v7(stamp.wall_ms, [9; 10]), stamp)
    }

    /// `fields` per record, written as one run.
    fn run_ops(records: &[(&str, &[&str])]) -> Vec<Op> {
        let run = Run::new(first().0, first().1);
        let mut ops = Vec::new();
        for (record, fields) in records {
            for field in *fields {
                let (id, stamp) = run.nth(ops.len()).unwrap();
                ops.push(Op {
                    id,
                    entity: EntityKind::Contact,
                    record: WireId::from_string(record),
                    field: (*field).to_owned(),
                    value: Value::from(*field),
                    stamp,
                });
            }
        }
        ops
    }

    /// The usual layout of the same ops: a part per record, a line per op.
    fn one_line_per_op(ops: &[Op]) -> String {
        let mut shared = String::new();
        for (at, op) in ops.iter().enumerate() {
            if at == 0 || ops[at - 1].record != op.record {
                push_shared_header(&mut shared, op.entity, &op.record.as_str());
            }
            push_merge_line(&mut shared, &op.field, &op.stamp, &op.id);
        }
        shared
    }

    #[test]
    fn a_run_of_two_records_expands_to_a_line_per_field() {
        let ops = run_ops(&[("a", &["email", "name"]), ("b", &["name"])]);
        let run = Run::of(&ops).expect("a run");
        let shared = shared_merge_state(&run, &ops);
        assert_eq!(
            shared,
            format!(
                "={} {}\n#contact/a\nemail name\n#contact/b\nname\n",
                first().0,
                first().1.to_sort_key()
            )
        );
        assert_eq!(expand_shared(&shared).unwrap(), one_line_per_op(&ops));
    }

    #[test]
    fn ops_out_of_count_are_no_run() {
        let mut ops = run_ops(&[("a", &["email", "name", "phone"])]);
        ops.swap(1, 2);
        assert_eq!(Run::of(&ops), None);
        let mut ops = run_ops(&[("a", &["email", "name"])]);
        ops[1].stamp.node = NodeId::from_random([6; 8]);
        assert_eq!(Run::of(&ops), None);
        let mut ops = run_ops(&[("a", &["email", "name"])]);
        ops[1].id = WireId::v7(1_700_000_000_000, [8; 10]);
        assert_eq!(Run::of(&ops), None);
        assert_eq!(Run::of(&[]), None);
    }

    #[test]
    fn the_usual_layout_reads_as_it_is() {
        let ops = run_ops(&[("a", &["email"])]);
        let usual = one_line_per_op(&ops);
        assert!(matches!(expand_shared(&usual), Ok(Cow::Borrowed(_))));
    }

    #[test]
    fn a_run_that_cannot_be_read_is_an_error() {
        assert!(matches!(
            expand_shared("=not-a-start\n#contact/a\nname\n"),
            Err(RunError::Start(_))
        ));
        let stamp = Stamp {
            counter: u32::MAX,
            ..first().1
        };
        let past_the_counter = format!(
            "={} {}\n#contact/a\nemail name\n",
            first().0,
            stamp.to_sort_key()
        );
        assert_eq!(expand_shared(&past_the_counter), Err(RunError::TooLong));
    }

    #[test]
    fn counting_on_keeps_a_uuid_v7_and_stops_at_its_last_place() {
        let id = WireId::v7(1_700_000_000_000, [0xff; 10]);
        assert_eq!(id.counted_on(1), None);
        let id = WireId::v7(1_700_000_000_000, [0; 10]);
        let next = id.counted_on(1).unwrap().to_string();
        assert!(next.ends_with("-8000-000000000001"), "{next}");
        assert_eq!(&next[14..15], "7", "version kept: {next}");
        assert_eq!(WireId::from_string("settings").counted_on(1), None);
    }

    proptest! {
        /// Whatever the records and fields, a run's shared merge state reads back as the
        /// usual one of the same ops.
        #[test]
        fn a_run_expands_to_its_ops(records in prop::collection::vec(
            prop::collection::btree_set("[a-z_]{1,12}", 1..6), 1..8)) {
            let named: Vec<(String, Vec<&str>)> = records
                .iter()
                .enumerate()
                .map(|(at, fields)| (format!("r{at}"), fields.iter().map(String::as_str).collect()))
                .collect();
            let records: Vec<(&str, &[&str])> =
                named.iter().map(|(id, fields)| (id.as_str(), fields.as_slice())).collect();
            let ops = run_ops(&records);
            let run = Run::of(&ops).expect("a run");
            let shared = shared_merge_state(&run, &ops);
            prop_assert_eq!(expand_shared(&shared).unwrap(), one_line_per_op(&ops));
        }
    }
}
