//! A record's field history: each change of a field as a replica saw it merge, with the
//! value it replaced, who made it and whether it won.
//!
//! Creation is not history (a record's first values are its start, and a joining device
//! pulls a whole workspace of them): only ops on a record that already existed become
//! [`Change`]s. An op that loses the merge (a concurrent edit of the same field, with an
//! earlier stamp) is kept too, marked as not kept, next to the value that beat it: both
//! sides of a concurrent edit stay visible, and which one won.

use crate::hlc::Stamp;
use crate::id::WireId;
use crate::kind::EntityKind;
use crate::op::{Op, DELETED_FIELD};
use crate::replica::Record;
use crate::sorting::sort_by;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One change of one field of a record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub field: String,
    /// The field's value when the change arrived: what it replaced if it won, what beat it
    /// if it lost; `None` when the field had no value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old: Option<Value>,
    pub new: Value,
    pub stamp: Stamp,
    pub op: WireId,
    /// Whether the change won the merge when it arrived (a later change may have replaced it
    /// since: that one is a change of its own).
    pub won: bool,
    /// The member id the sync server stamped, or for a change made here, this device's
    /// member id when it syncs; `None`: made on this device before it synced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
}

impl Change {
    /// Whether the change deleted (`Some(true)`) or restored (`Some(false)`) the record.
    pub fn deletion(&self) -> Option<bool> {
        (self.field == DELETED_FIELD).then(|| self.new == Value::Bool(true))
    }

    /// The value "restore this value" writes back: what a kept change replaced, or the
    /// value of a change that was not kept; `None` when there is none to restore (the
    /// field was empty before, or the change is a deletion, which has its own undo).
    pub fn restorable(&self) -> Option<&Value> {
        if self.field == DELETED_FIELD {
            return None;
        }
        if self.won {
            self.old.as_ref()
        } else {
            Some(&self.new)
        }
    }
}

/// Whether changes of a record of `kind` are history (a record's "History", the activity
/// feed): not a notification's, whose only change is its member marking it read: their
/// own reading, not an edit of the workspace's data.
pub fn records_changes(kind: EntityKind) -> bool {
    kind != EntityKind::Notification
}

/// Merges one write's ops on a record into it (as [`Record::apply`]) and says what they
/// changed for the history. Nothing for a record that did not exist before the write
/// (creation); for a repeat of an op already merged as its field's winner; nor for an op
/// older than every field the record held, which is from its creation or before (a
/// creation op delivered again, or the rest of a record being rebuilt). Returns whether any
/// op won, too.
///
/// A repeat of an op that won once and was replaced since cannot be told from a late
/// concurrent edit here: the store looks its change up before keeping it again. (A late
/// concurrent edit of a record whose every field was edited since is taken for one from
/// the start and not kept: the merge state does not keep when a record was created.)
pub fn apply_recording<'a>(
    record: &mut Record,
    ops: impl IntoIterator<Item = (&'a Op, Option<&'a str>)>,
) -> (bool, Vec<Change>) {
    let oldest = record
        .fields()
        .values()
        .map(|state| (state.stamp.clone(), state.op.clone()))
        .min();
    let mut won_any = false;
    let mut changes = Vec::new();
    for (op, author) in ops {
        // The write the oldest op held came from stamped all its ops with one node and
        // one wall time: any of them is from the start too.
        let from_the_start = oldest.as_ref().is_none_or(|(stamp, id)| {
            op.precedence() <= (stamp, id)
                || (op.stamp.node == stamp.node && op.stamp.wall_ms == stamp.wall_ms)
        });
        let before = record.fields().get(&op.field);
        if from_the_start || before.is_some_and(|state| state.op == op.id) {
            won_any |= record.apply(op);
            continue;
        }
        let previous = before.map(|state| state.value.clone());
        let won = record.apply(op);
        won_any |= won;
        let old = if won {
            previous
        } else {
            // Lost: the value that beat it is the field's current one.
            record
                .fields()
                .get(&op.field)
                .map(|state| state.value.clone())
        };
        changes.push(Change {
            field: op.field.clone(),
            old,
            new: op.value.clone(),
            stamp: op.stamp.clone(),
            op: op.id.clone(),
            won,
            author: author.map(str::to_owned),
        });
    }
    (won_any, changes)
}

/// A record's changes, newest first (by stamp, then op id: the merge's own order).
pub fn newest_first(mut changes: Vec<Change>) -> Vec<Change> {
    sort_by(&mut changes, |a, b| {
        (&b.stamp, &b.op).cmp(&(&a.stamp, &a.op))
    });
    changes
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_notification_read_is_no_history() {
        assert!(!super::records_changes(
            crate::kind::EntityKind::Notification
        ));
        assert!(super::records_changes(crate::kind::EntityKind::Contact));
        assert!(super::records_changes(crate::kind::EntityKind::Settings));
    }

    use super::*;
    use crate::hlc::{Clock, NodeId};
    use crate::id::Id;
    use crate::kind::EntityKind;
    use crate::op::OpBuilder;
    use serde_json::{json, Map};

    fn ops(node: u8, wall_ms: u64, before: Option<Value>, after: Value) -> Vec<Op> {
        let mut clock = Clock::new(NodeId::from_random([node; 8]));
        let mut n = 0u8;
        let mut new_id = || {
            n += 1;
            WireId::v7(wall_ms, [node.wrapping_mul(16).wrapping_add(n); 10])
        };
        let mut builder = OpBuilder::new(&mut clock, wall_ms, &mut new_id);
        let as_map = |value: Value| -> Map<String, Value> { value.as_object().unwrap().clone() };
        builder
            .edit_ops(
                EntityKind::Contact,
                &Id::from_string("c"),
                before.map(as_map).as_ref(),
                &as_map(after),
            )
            .unwrap()
    }

    #[test]
    fn creation_is_not_history_and_edits_are_with_the_value_they_replaced() {
        let mut record = Record::default();
        // Renaming leaves the phone the oldest field: the name's creation op is newer.
        let creation = ops(
            1,
            1_000,
            None,
            json!({"a_phone": "1", "first_name": "Sara"}),
        );
        let made = apply_recording(&mut record, creation.iter().map(|op| (op, None)));
        assert_eq!(made, (true, vec![]));
        let rename = ops(
            1,
            2_000,
            Some(json!({"first_name": "Sara"})),
            json!({"first_name": "Sarah"}),
        )
        .remove(0);
        let (won, mut changes) = apply_recording(&mut record, [(&rename, Some("m1"))]);
        let change = changes.remove(0);
        assert!(won && change.won);
        assert_eq!(
            (change.old, change.new.clone(), change.author.as_deref()),
            (Some(json!("Sara")), json!("Sarah"), Some("m1"))
        );
        // Delivered again (pulled back from the server): nothing new to record.
        assert_eq!(
            apply_recording(&mut record, [(&rename, Some("m1"))]),
            (false, vec![])
        );
        // Nor is a creation op delivered again, though it lost to the rename.
        assert_eq!(
            apply_recording(&mut record, creation.iter().map(|op| (op, None))),
            (false, vec![])
        );
    }

    #[test]
    fn concurrent_edits_keep_both_sides_and_which_won_whatever_the_order() {
        // A record keeps a field from its creation (the name): an op older than all it holds
        // would be from the start.
        let start = ops(1, 1_000, None, json!({"name": "Sara", "phone": "1"}));
        let mine = ops(2, 5_000, Some(json!({"phone": "1"})), json!({"phone": "2"})).remove(0);
        let theirs = ops(3, 4_000, Some(json!({"phone": "1"})), json!({"phone": "3"})).remove(0);
        for order in [[&mine, &theirs], [&theirs, &mine]] {
            let mut record = Record::default();
            start.iter().for_each(|op| {
                record.apply(op);
            });
            let changes: Vec<Change> = order
                .into_iter()
                .flat_map(|op| apply_recording(&mut record, [(op, None)]).1)
                .collect();
            let changes = newest_first(changes);
            assert_eq!(changes[0].new, json!("2"));
            assert!(changes[0].won);
            assert_eq!(changes[1].new, json!("3"));
            // Seen first, the earlier edit won then and was replaced; seen second, it lost.
            if changes[1].won {
                assert_eq!(changes[1].old, Some(json!("1")));
                assert_eq!(changes[0].old, Some(json!("3")));
            } else {
                assert_eq!(changes[1].old, Some(json!("2")));
            }
            assert_eq!(record.to_map()["phone"], json!("2"));
        }
    }

    #[test]
    fn restoring_offers_the_replaced_or_the_unkept_value() {
        let change = |won, old: Option<Value>| Change {
            field: "phone".into(),
            old,
            new: json!("new"),
            stamp: ops(1, 1, None, json!({"a": 1}))[0].stamp.clone(),
            op: WireId::v7(1, [0; 10]),
            won,
            author: None,
        };
        assert_eq!(
            change(true, Some(json!("old"))).restorable(),
            Some(&json!("old"))
        );
        assert_eq!(change(true, None).restorable(), None);
        assert_eq!(
            change(false, Some(json!("old"))).restorable(),
            Some(&json!("new"))
        );
        let deletion = Change {
            field: DELETED_FIELD.into(),
            new: json!(true),
            ..change(true, Some(json!(false)))
        };
        assert_eq!(
            (deletion.deletion(), deletion.restorable()),
            (Some(true), None)
        );
    }
}
