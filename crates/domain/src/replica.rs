//! Merging ops into records: last-writer-wins per field.
//!
//! Each field keeps the op with the greatest [`Op::precedence`]. Taking a maximum is
//! idempotent, commutative and associative, so replicas that received the same set of ops
//! hold the same records, whatever the order, duplication or delay of delivery.

use crate::hlc::Stamp;
use crate::id::{Id, WireId};
use crate::kind::EntityKind;
use crate::op::{Op, DELETED_FIELD};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The winning write of one field: its value, and the stamp and op id that let it win.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldState {
    pub value: Value,
    pub stamp: Stamp,
    pub op: WireId,
}

impl FieldState {
    /// Same key as [`Op::precedence`] of the op that wrote this state.
    pub fn precedence(&self) -> (&Stamp, &WireId) {
        (&self.stamp, &self.op)
    }
}

/// The merged state of one record: for each field ever written, the winning write.
///
/// Invariant: every field holds the greatest op applied to it, so the record depends only on
/// the set of ops applied. Serializable so storage can keep it, stamps and all, and keep
/// merging into it later.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    fields: BTreeMap<String, FieldState>,
}

impl Record {
    /// Merges `op` into its field; the caller routes ops to the record they name.
    /// Returns whether the op won and so changed the record.
    pub fn apply(&mut self, op: &Op) -> bool {
        if let Some(current) = self.fields.get(&op.field) {
            if op.precedence() <= current.precedence() {
                return false;
            }
        }
        let state = FieldState {
            value: op.value.clone(),
            stamp: op.stamp.clone(),
            op: op.id.clone(),
        };
        self.fields.insert(op.field.clone(), state);
        true
    }

    /// Whether the latest write of [`DELETED_FIELD`] is `true`.
    pub fn is_deleted(&self) -> bool {
        self.fields
            .get(DELETED_FIELD)
            .is_some_and(|state| state.value == Value::Bool(true))
    }

    /// The current value of every field, without the deletion flag.
    pub fn to_map(&self) -> Map<String, Value> {
        self.fields
            .iter()
            .filter(|(field, _)| *field != DELETED_FIELD)
            .map(|(field, state)| (field.clone(), state.value.clone()))
            .collect()
    }

    /// [`Record::to_map`], the values moved rather than copied.
    pub fn into_map(self) -> Map<String, Value> {
        self.fields
            .into_iter()
            .filter(|(field, _)| field != DELETED_FIELD)
            .map(|(field, state)| (field, state.value))
            .collect()
    }

    pub fn fields(&self) -> &BTreeMap<String, FieldState> {
        &self.fields
    }
}

/// Every record a replica knows of, deleted ones included: a tombstone must stay so that
/// late edits to a deleted record, and later restores, merge like any other write.
///
/// Ops are assumed validated ([`Op::validate`]) before they get here.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Replica {
    records: BTreeMap<(EntityKind, Id), Record>,
}

impl Replica {
    /// Merges one op. Returns whether it changed the replica.
    pub fn apply(&mut self, op: &Op) -> bool {
        self.records
            .entry((op.entity, Id::from(&op.record)))
            .or_default()
            .apply(op)
    }

    /// Merges ops in the order given. Returns how many of them changed the replica.
    pub fn apply_all<'a>(&mut self, ops: impl IntoIterator<Item = &'a Op>) -> usize {
        ops.into_iter().filter(|op| self.apply(op)).count()
    }

    /// The record, if any op for it has arrived, deleted or not.
    pub fn get(&self, kind: EntityKind, id: &Id) -> Option<&Record> {
        self.records.get(&(kind, id.clone()))
    }

    /// The records of `kind` that are not deleted, in id order.
    pub fn live(&self, kind: EntityKind) -> impl Iterator<Item = (&Id, &Record)> {
        // The empty id is the smallest, so the range starts at the first record of `kind`.
        self.records
            .range((kind, Id::from_string(""))..)
            .take_while(move |((record_kind, _), _)| *record_kind == kind)
            .filter(|(_, record)| !record.is_deleted())
            .map(|((_, id), record)| (id, record))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hlc::{Clock, NodeId};
    use crate::op::OpBuilder;
    use proptest::prelude::*;
    use proptest::sample::Index;
    use serde_json::json;

    /// A device in a test: its clock and a source of op ids unique across all test nodes.
    struct Node {
        clock: Clock,
        node_number: u8,
        ops_made: u64,
    }

    impl Node {
        fn new(node_number: u8) -> Self {
            Node {
                clock: Clock::new(NodeId::from_random([node_number; 8])),
                node_number,
                ops_made: 0,
            }
        }

        fn build<T>(&mut self, wall_ms: u64, make: impl FnOnce(&mut OpBuilder) -> T) -> T {
            let (node_number, ops_made) = (self.node_number, &mut self.ops_made);
            let mut new_id = || {
                *ops_made += 1;
                let mut random = [node_number; 10];
                random[2..].copy_from_slice(&ops_made.to_be_bytes());
                WireId::v7(wall_ms, random)
            };
            make(&mut OpBuilder::new(&mut self.clock, wall_ms, &mut new_id))
        }

        fn edit(
            &mut self,
            wall_ms: u64,
            (kind, id): &(EntityKind, Id),
            previous: Option<&Map<String, Value>>,
            next: &Map<String, Value>,
        ) -> Vec<Op> {
            self.build(wall_ms, |b| b.edit_ops(*kind, id, previous, next))
                .expect("test edits are valid")
        }

        fn set(
            &mut self,
            wall_ms: u64,
            record: &(EntityKind, Id),
            field: &str,
            value: Value,
        ) -> Op {
            let next = Map::from_iter([(field.to_owned(), value)]);
            let mut ops = self.edit(wall_ms, record, None, &next);
            ops.pop().expect("one field set")
        }

        fn delete(&mut self, wall_ms: u64, (kind, id): &(EntityKind, Id)) -> Op {
            self.build(wall_ms, |b| b.delete_op(*kind, id))
        }

        fn restore(&mut self, wall_ms: u64, (kind, id): &(EntityKind, Id)) -> Op {
            self.build(wall_ms, |b| b.restore_op(*kind, id))
        }

        fn receive(&mut self, ops: &[Op], wall_ms: u64) {
            for op in ops {
                self.clock.observe(&op.stamp, wall_ms);
            }
        }
    }

    fn contact() -> (EntityKind, Id) {
        (EntityKind::Contact, Id::v7(1, [1; 10]))
    }

    fn replica_of<'a>(ops: impl IntoIterator<Item = &'a Op>) -> Replica {
        let mut replica = Replica::default();
        replica.apply_all(ops);
        replica
    }

    fn fields_of(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            other => panic!("not an object: {other}"),
        }
    }

    #[test]
    fn same_wall_time_is_settled_by_node_in_every_order() {
        let (mut low, mut high) = (Node::new(1), Node::new(2));
        let from_low = low.set(100, &contact(), "name", json!("Low"));
        let from_high = high.set(100, &contact(), "name", json!("High"));
        assert_eq!(from_low.stamp.wall_ms, from_high.stamp.wall_ms);
        assert_eq!(from_low.stamp.counter, from_high.stamp.counter);

        for replica in [
            replica_of([&from_low, &from_high]),
            replica_of([&from_high, &from_low]),
        ] {
            let record = replica.get(contact().0, &contact().1).unwrap();
            assert_eq!(record.to_map()["name"], json!("High"));
        }
    }

    #[test]
    fn identical_stamps_are_settled_by_op_id() {
        let mut node = Node::new(1);
        let first = node.set(100, &contact(), "name", json!("First"));
        let mut second = first.clone();
        second.id = WireId::v7(100, [9; 10]);
        second.value = json!("Second");
        let winner = if second.id > first.id {
            "Second"
        } else {
            "First"
        };
        for replica in [replica_of([&first, &second]), replica_of([&second, &first])] {
            let record = replica.get(contact().0, &contact().1).unwrap();
            assert_eq!(record.to_map()["name"], json!(winner));
        }
    }

    #[test]
    fn delete_and_a_concurrent_edit_both_merge_and_the_record_stays_deleted() {
        let (mut alice, mut bob) = (Node::new(1), Node::new(2));
        let created = alice.edit(10, &contact(), None, &fields_of(json!({"name": "Sara"})));
        bob.receive(&created, 10);
        let deleted = alice.delete(20, &contact());
        // Bob has not seen the delete, and his edit is even stamped later.
        let renamed = bob.set(30, &contact(), "name", json!("Sara K."));
        assert!(renamed.stamp > deleted.stamp);

        let everything = || created.iter().chain([&deleted, &renamed]);
        let forwards = replica_of(everything());
        let backwards = replica_of(everything().rev());
        assert_eq!(forwards, backwards);
        let record = forwards.get(contact().0, &contact().1).unwrap();
        assert!(record.is_deleted());
        assert_eq!(record.to_map(), fields_of(json!({"name": "Sara K."})));
        assert_eq!(record.clone().into_map(), record.to_map());
        assert_eq!(forwards.live(EntityKind::Contact).count(), 0);
    }

    #[test]
    fn restore_undoes_a_delete_and_keeps_edits() {
        let mut alice = Node::new(1);
        let created = alice.edit(10, &contact(), None, &fields_of(json!({"name": "Sara"})));
        let deleted = alice.delete(20, &contact());
        let edited_while_deleted = alice.set(25, &contact(), "phone", json!("0912"));
        let restored = alice.restore(30, &contact());

        let mut replica = replica_of(created.iter().chain([&deleted, &edited_while_deleted]));
        assert!(replica.get(contact().0, &contact().1).unwrap().is_deleted());
        assert!(replica.apply(&restored));
        let live: Vec<_> = replica.live(EntityKind::Contact).collect();
        assert_eq!(live.len(), 1);
        assert_eq!(live[0].0, &contact().1);
        assert_eq!(
            live[0].1.to_map(),
            fields_of(json!({"name": "Sara", "phone": "0912"}))
        );
        // The delete arriving again, late, does not win over the newer restore.
        assert!(!replica.apply(&deleted));
        assert!(!replica.get(contact().0, &contact().1).unwrap().is_deleted());
    }

    #[test]
    fn records_are_kept_apart_by_kind() {
        let mut node = Node::new(1);
        let id = contact().1;
        let as_contact = node.set(1, &(EntityKind::Contact, id.clone()), "name", json!("C"));
        let as_deal = node.set(2, &(EntityKind::Deal, id.clone()), "name", json!("D"));
        let replica = replica_of([&as_contact, &as_deal]);
        let names = |kind| -> Vec<Value> {
            replica
                .live(kind)
                .map(|(_, record)| record.to_map()["name"].clone())
                .collect()
        };
        assert_eq!(names(EntityKind::Contact), [json!("C")]);
        assert_eq!(names(EntityKind::Deal), [json!("D")]);
        assert_eq!(names(EntityKind::Company), Vec::<Value>::new());
        assert!(replica.get(EntityKind::Task, &id).is_none());
    }

    #[test]
    fn a_record_survives_storage_and_keeps_merging() {
        let mut node = Node::new(1);
        let first = node.set(1, &contact(), "name", json!("Old"));
        let second = node.set(2, &contact(), "name", json!("New"));
        let mut record = Record::default();
        record.apply(&first);
        let mut stored: Record =
            serde_json::from_str(&serde_json::to_string(&record).unwrap()).unwrap();
        assert_eq!(stored, record);
        assert!(!stored.apply(&first));
        assert!(stored.apply(&second));
        assert_eq!(stored.to_map()["name"], json!("New"));
    }

    /// One step of a simulated multi-device session.
    #[derive(Clone, Debug)]
    enum Step {
        Set {
            node: usize,
            record: usize,
            field: usize,
            value: Value,
            wall_ms: u64,
        },
        Delete {
            node: usize,
            record: usize,
            wall_ms: u64,
        },
        Restore {
            node: usize,
            record: usize,
            wall_ms: u64,
        },
        /// `to` receives everything `from` has written so far.
        Sync {
            from: usize,
            to: usize,
            wall_ms: u64,
        },
    }

    const NODES: usize = 3;
    const FIELDS: [&str; 3] = ["name", "phone", "stage"];

    /// Two records of one kind, and a record of another kind sharing an id with the first.
    fn records() -> [(EntityKind, Id); 3] {
        let (id1, id2) = (Id::v7(1, [1; 10]), Id::v7(1, [2; 10]));
        [
            (EntityKind::Contact, id1.clone()),
            (EntityKind::Contact, id2),
            (EntityKind::Deal, id1),
        ]
    }

    fn small_value() -> impl Strategy<Value = Value> {
        // Few distinct values, so equal values written by different ops are common.
        prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            (0i64..3).prop_map(Value::from),
            "[ab]".prop_map(Value::String),
        ]
    }

    fn step() -> impl Strategy<Value = Step> {
        // Wall times in a narrow window make equal and backwards wall clocks common.
        let (node, record, wall) = (0..NODES, 0..records().len(), 0u64..20);
        prop_oneof![
            4 => (node.clone(), record.clone(), 0..FIELDS.len(), small_value(), wall.clone())
                .prop_map(|(node, record, field, value, wall_ms)| Step::Set {
                    node, record, field, value, wall_ms
                }),
            1 => (node.clone(), record.clone(), wall.clone())
                .prop_map(|(node, record, wall_ms)| Step::Delete { node, record, wall_ms }),
            1 => (node.clone(), record, wall.clone())
                .prop_map(|(node, record, wall_ms)| Step::Restore { node, record, wall_ms }),
            2 => (node.clone(), node, wall)
                .prop_map(|(from, to, wall_ms)| Step::Sync { from, to, wall_ms }),
        ]
    }

    /// Runs a session and returns every op written, in the order written.
    fn run(steps: &[Step]) -> Vec<Op> {
        let mut nodes: Vec<Node> = (1..=NODES as u8).map(Node::new).collect();
        let mut written_by: Vec<Vec<Op>> = vec![Vec::new(); NODES];
        let records = records();
        let mut all = Vec::new();
        for step in steps {
            let (node, op) = match step.clone() {
                Step::Set {
                    node,
                    record,
                    field,
                    value,
                    wall_ms,
                } => (
                    node,
                    nodes[node].set(wall_ms, &records[record], FIELDS[field], value),
                ),
                Step::Delete {
                    node,
                    record,
                    wall_ms,
                } => (node, nodes[node].delete(wall_ms, &records[record])),
                Step::Restore {
                    node,
                    record,
                    wall_ms,
                } => (node, nodes[node].restore(wall_ms, &records[record])),
                Step::Sync { from, to, wall_ms } => {
                    nodes[to].receive(&written_by[from], wall_ms);
                    continue;
                }
            };
            written_by[node].push(op.clone());
            all.push(op);
        }
        all
    }

    fn session_ops() -> impl Strategy<Value = Vec<Op>> {
        prop::collection::vec(step(), 1..40).prop_map(|steps| run(&steps))
    }

    /// Last-writer-wins stated directly: per field, the op with the greatest precedence.
    fn expected_fields(ops: &[Op]) -> BTreeMap<(EntityKind, Id), BTreeMap<&str, &Op>> {
        let mut winners: BTreeMap<(EntityKind, Id), BTreeMap<&str, &Op>> = BTreeMap::new();
        for op in ops {
            let fields = winners
                .entry((op.entity, Id::from(&op.record)))
                .or_default();
            let winner = fields.entry(&op.field).or_insert(op);
            if op.supersedes(winner) {
                *winner = op;
            }
        }
        winners
    }

    proptest! {
        /// Law 1: any delivery order, with duplicates, gives the same replica, and that
        /// replica holds exactly the last writer of every field.
        #[test]
        fn any_delivery_order_with_duplicates_converges(
            (ops, mut delivery) in session_ops()
                .prop_flat_map(|ops| (Just(ops.clone()), Just(ops).prop_shuffle())),
            duplicates in prop::collection::vec(any::<(Index, Index)>(), 0..10),
        ) {
            for (pick, position) in duplicates {
                if let Some(op) = delivery.get(pick.index(delivery.len().max(1))).cloned() {
                    delivery.insert(position.index(delivery.len() + 1), op);
                }
            }
            let in_written_order = replica_of(&ops);
            prop_assert_eq!(&replica_of(&delivery), &in_written_order);

            for ((kind, id), winners) in expected_fields(&ops) {
                let record = in_written_order.get(kind, &id).expect("record of an op exists");
                prop_assert_eq!(record.fields().len(), winners.len());
                for (field, op) in winners {
                    let state = &record.fields()[field];
                    prop_assert_eq!(state.precedence(), op.precedence());
                    prop_assert_eq!(&state.value, &op.value);
                }
            }
        }

        /// Law 2: edits to different fields of one record by two nodes that have not seen
        /// each other's edit both survive, in either merge order.
        #[test]
        fn concurrent_edits_to_different_fields_both_survive(
            alice_changes in prop::collection::btree_map(0..3usize, "[a-z]{0,3}", 0..3),
            bob_changes in prop::collection::btree_map(3..6usize, "[a-z]{0,3}", 0..3),
            alice_wall in 0u64..50,
            bob_wall in 0u64..50,
        ) {
            let (mut creator, mut alice, mut bob) = (Node::new(1), Node::new(2), Node::new(3));
            let base: Map<String, Value> =
                (0..6).map(|i| (format!("f{i}"), Value::from(i))).collect();
            let created = creator.edit(10, &contact(), None, &base);
            alice.receive(&created, 10);
            bob.receive(&created, 10);

            let mut expected = base.clone();
            let mut edit_by = |node: &mut Node, wall_ms, changes: &BTreeMap<usize, String>| {
                let mut next = base.clone();
                for (i, value) in changes {
                    next.insert(format!("f{i}"), Value::from(value.as_str()));
                    expected.insert(format!("f{i}"), Value::from(value.as_str()));
                }
                node.edit(wall_ms, &contact(), Some(&base), &next)
            };
            let by_alice = edit_by(&mut alice, alice_wall, &alice_changes);
            let by_bob = edit_by(&mut bob, bob_wall, &bob_changes);

            let alice_first = replica_of(created.iter().chain(&by_alice).chain(&by_bob));
            let bob_first = replica_of(created.iter().chain(&by_bob).chain(&by_alice));
            prop_assert_eq!(&alice_first, &bob_first);
            let record = alice_first.get(contact().0, &contact().1).unwrap();
            prop_assert_eq!(record.to_map(), expected);
        }

        /// Law 3: applying an op again, right away or after others, changes nothing.
        #[test]
        fn applying_an_op_twice_changes_nothing(ops in session_ops()) {
            let mut replica = Replica::default();
            for op in &ops {
                replica.apply(op);
                let before = replica.clone();
                prop_assert!(!replica.apply(op));
                prop_assert_eq!(&replica, &before);
            }
            let settled = replica.clone();
            prop_assert_eq!(replica.apply_all(&ops), 0);
            prop_assert_eq!(replica, settled);
        }
    }
}
