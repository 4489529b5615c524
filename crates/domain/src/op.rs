//! Sync operations: every local write becomes one op per changed field, stamped with the
//! writer's hybrid logical clock. Ops are the outbox format and the wire format; the server
//! stores and relays them without looking inside.

use crate::hlc::{Clock, Stamp};
use crate::id::{Id, WireId};
use crate::kind::EntityKind;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeSet;
use std::io;
use thiserror::Error;

/// The reserved field that marks a record deleted (`true`) or restored (`false`).
///
/// Deletion is an ordinary last-writer-wins field, so a record is a tombstone exactly when the
/// latest op on this field says `true`, and "undo delete" is a later op saying `false`. Other
/// fields keep merging while a record is deleted, so a restore brings back every edit.
pub const DELETED_FIELD: &str = "deleted";
/// Longest field name accepted, in bytes.
pub const MAX_FIELD_LEN: usize = 64;
/// Longest op or record id accepted, in bytes; UUIDs take 36.
pub const MAX_ID_LEN: usize = 64;
/// Largest field value accepted, in bytes of compact JSON.
pub const MAX_VALUE_BYTES: usize = 64 * 1024;
/// Latest wall time a stamp may carry: the end of UUIDv7's 48-bit range (year 10889).
///
/// The bound depends only on the op, so every replica accepts or rejects the same ops, and it
/// leaves the clock's counter room to overflow into the wall time without ever saturating.
pub const MAX_WALL_MS: u64 = (1 << 48) - 1;

/// Why an op is refused. Each variant is a reason fit to return to a client as is.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum OpError {
    #[error("field name must be 1 to {MAX_FIELD_LEN} bytes, got {len}")]
    FieldNameLength { len: usize },
    #[error("field name may hold only ASCII letters, digits and '_', got {field:?}")]
    FieldNameChars { field: String },
    #[error("ids must be 1 to {MAX_ID_LEN} bytes, got {len}")]
    IdLength { len: usize },
    #[error("ids may hold only printable ASCII, got {id:?}")]
    IdChars { id: String },
    #[error("value of field {field:?} is over {MAX_VALUE_BYTES} bytes")]
    ValueTooLarge { field: String },
    #[error("field {DELETED_FIELD:?} takes true or false")]
    DeletedNotBool,
    #[error("stamp wall time {wall_ms} is past {MAX_WALL_MS}")]
    WallTimeOutOfRange { wall_ms: u64 },
    #[error(
        "field {DELETED_FIELD:?} is reserved for deletion; delete or restore the record instead"
    )]
    ReservedField,
}

/// One field of one record set to one value at one hybrid logical time.
///
/// Serialized with these snake_case field names; they are stored in outboxes and servers, so
/// renaming one is a protocol change. `id` is unique per op and never reused for other
/// content, which makes [`Op::precedence`] a total order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Op {
    pub id: WireId,
    pub entity: EntityKind,
    pub record: WireId,
    pub field: String,
    pub value: Value,
    pub stamp: Stamp,
}

impl Op {
    /// The key that decides which of two ops on the same field wins: the greater one.
    /// Stamps order by time then node; the op id settles the rest, so replicas always agree.
    pub fn precedence(&self) -> (&Stamp, &WireId) {
        (&self.stamp, &self.id)
    }

    /// Whether this op deletes its record (sets `deleted` to true; a restore sets it false).
    pub fn deletes(&self) -> bool {
        self.field == DELETED_FIELD && self.value == Value::Bool(true)
    }

    /// Whether this op wins over `other` when both set the same field.
    pub fn supersedes(&self, other: &Op) -> bool {
        self.precedence() > other.precedence()
    }

    /// Checks an op that came from outside (the wire, an old outbox) before it is stored or
    /// applied. Only properties of the op itself are checked, never local state, so every
    /// replica accepts the same ops.
    pub fn validate(&self) -> Result<(), OpError> {
        validate_id(&self.id)?;
        validate_id(&self.record)?;
        validate_field_name(&self.field)?;
        if self.field == DELETED_FIELD && !self.value.is_boolean() {
            return Err(OpError::DeletedNotBool);
        }
        if json_len_exceeds(&self.value, MAX_VALUE_BYTES) {
            return Err(OpError::ValueTooLarge {
                field: self.field.clone(),
            });
        }
        if self.stamp.wall_ms > MAX_WALL_MS {
            return Err(OpError::WallTimeOutOfRange {
                wall_ms: self.stamp.wall_ms,
            });
        }
        Ok(())
    }
}

fn validate_id(id: &WireId) -> Result<(), OpError> {
    // A UUID (every id this app makes) is 36 hex digits and hyphens: valid, and its text is
    // not written out to check it.
    if id.is_uuid() {
        return Ok(());
    }
    let id = id.as_str();
    if id.is_empty() || id.len() > MAX_ID_LEN {
        return Err(OpError::IdLength { len: id.len() });
    }
    if !id.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(OpError::IdChars { id: id.to_owned() });
    }
    Ok(())
}

fn validate_field_name(field: &str) -> Result<(), OpError> {
    if field.is_empty() || field.len() > MAX_FIELD_LEN {
        return Err(OpError::FieldNameLength { len: field.len() });
    }
    if !field
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_')
    {
        return Err(OpError::FieldNameChars {
            field: field.to_owned(),
        });
    }
    Ok(())
}

/// Whether `value` serializes to more than `limit` bytes, without building the string. An
/// upper bound of its length settles most values (an import checks ten for every contact);
/// only one whose bound passes the limit is serialized, stopping at the first write past it.
fn json_len_exceeds(value: &Value, limit: usize) -> bool {
    if json_len_bound(value, limit).is_some() {
        return false;
    }
    struct Budget(usize);
    impl io::Write for Budget {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0 = self
                .0
                .checked_sub(buf.len())
                .ok_or_else(|| io::Error::other("over budget"))?;
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    // Serializing a `Value` fails only when the writer does.
    serde_json::to_writer(Budget(limit), value).is_err()
}

/// At least the length of `value`'s compact JSON, or `None` once that bound passes `limit`.
fn json_len_bound(value: &Value, limit: usize) -> Option<usize> {
    // Every item adds at most a comma, every entry a comma and a colon.
    let bound = match value {
        Value::Null | Value::Bool(_) => 5,
        // Integers take at most 20 bytes, floats (ryu's shortest form) at most 24.
        Value::Number(_) => 24,
        // Escaping writes at most six bytes for one (`\u001f`), plus the two quotes.
        Value::String(text) => string_len_bound(text)?,
        Value::Array(items) => items.iter().try_fold(2 + items.len(), |total, item| {
            total.checked_add(json_len_bound(item, limit)?)
        })?,
        Value::Object(entries) => {
            entries
                .iter()
                .try_fold(2 + 2 * entries.len(), |total, (key, item)| {
                    total
                        .checked_add(string_len_bound(key)?)?
                        .checked_add(json_len_bound(item, limit)?)
                })?
        }
    };
    (bound <= limit).then_some(bound)
}

/// At least the length of `text` as a JSON string: six bytes per byte, and the quotes.
fn string_len_bound(text: &str) -> Option<usize> {
    text.len().checked_mul(6)?.checked_add(2)
}

/// Turns local changes into ops, stamping each with its own tick of the replica's clock, so
/// all stamps are distinct and later than anything the clock has seen.
///
/// Every op it returns passes [`Op::validate`].
pub struct OpBuilder<'a> {
    clock: &'a mut Clock,
    wall_ms: u64,
    new_id: &'a mut dyn FnMut() -> WireId,
}

impl<'a> OpBuilder<'a> {
    /// `wall_ms` is the current wall time; `new_id` makes a fresh, unique op id per call.
    pub fn new(clock: &'a mut Clock, wall_ms: u64, new_id: &'a mut dyn FnMut() -> WireId) -> Self {
        OpBuilder {
            clock,
            wall_ms,
            new_id,
        }
    }

    /// Ops for the fields whose value differs between `previous` (None when the record is
    /// new) and `next`, in field-name order. A new record gets an op for every field. A field
    /// missing from a map counts as `null`, so removing a field sets it to `null`.
    ///
    /// The maps must not hold [`DELETED_FIELD`]; deletion goes through [`Self::delete_op`].
    pub fn edit_ops(
        &mut self,
        entity: EntityKind,
        record: &Id,
        previous: Option<&Map<String, Value>>,
        next: &Map<String, Value>,
    ) -> Result<Vec<Op>, OpError> {
        static NULL: Value = Value::Null;
        let Some(before) = previous else {
            return self.create_ops(entity, record, next.clone());
        };
        if before.contains_key(DELETED_FIELD) || next.contains_key(DELETED_FIELD) {
            return Err(OpError::ReservedField);
        }
        let fields: BTreeSet<&String> = before.keys().chain(next.keys()).collect();
        let record = WireId::from(record);
        let mut ops = Vec::new();
        for field in fields {
            let value = next.get(field).unwrap_or(&NULL);
            if before.get(field).unwrap_or(&NULL) != value {
                let op = self.stamped(entity, &record, field.clone(), value.clone());
                op.validate()?;
                ops.push(op);
            }
        }
        Ok(ops)
    }

    /// The ops of a new record with `fields`, in field-name order, taking the fields rather
    /// than copying them (an import builds them for 100k records).
    pub fn create_ops(
        &mut self,
        entity: EntityKind,
        record: &Id,
        fields: Map<String, Value>,
    ) -> Result<Vec<Op>, OpError> {
        if fields.contains_key(DELETED_FIELD) {
            return Err(OpError::ReservedField);
        }
        // A new record's empty fields read back as their defaults without an op, and imports
        // create records whose fields are mostly empty: skipping them keeps an import of 100k
        // contacts to a few ops each. A record with nothing but empty fields still gets them
        // all, so that it exists.
        let all_empty = fields.values().all(is_empty_value);
        let record = WireId::from(record);
        let mut ops = Vec::with_capacity(fields.len());
        for (field, value) in fields {
            if all_empty || !is_empty_value(&value) {
                let op = self.stamped(entity, &record, field, value);
                op.validate()?;
                ops.push(op);
            }
        }
        Ok(ops)
    }

    /// The op that marks a record deleted (a tombstone that wins until a later restore).
    pub fn delete_op(&mut self, entity: EntityKind, record: &Id) -> Op {
        self.stamped(
            entity,
            &record.into(),
            DELETED_FIELD.to_owned(),
            Value::Bool(true),
        )
    }

    /// The op that undoes a delete; the record's other fields are unchanged by it.
    pub fn restore_op(&mut self, entity: EntityKind, record: &Id) -> Op {
        self.stamped(
            entity,
            &record.into(),
            DELETED_FIELD.to_owned(),
            Value::Bool(false),
        )
    }

    fn stamped(&mut self, entity: EntityKind, record: &WireId, field: String, value: Value) -> Op {
        Op {
            id: (self.new_id)(),
            entity,
            record: record.clone(),
            field,
            value,
            stamp: self.clock.tick(self.wall_ms),
        }
    }
}

/// Whether `value` is what a missing field reads back as: null, "", [] or {}.
fn is_empty_value(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(text) => text.is_empty(),
        Value::Array(items) => items.is_empty(),
        Value::Object(fields) => fields.is_empty(),
        Value::Bool(_) | Value::Number(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hlc::NodeId;
    use proptest::prelude::*;
    use serde_json::json;

    fn map(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            other => panic!("not an object: {other}"),
        }
    }

    /// Runs `build` with a fresh clock at wall time 1000 and sequential op ids.
    fn with_builder<T>(build: impl FnOnce(&mut OpBuilder) -> T) -> T {
        let mut clock = Clock::new(NodeId::from_random([7; 8]));
        let mut next_id = 0u64;
        let mut new_id = || {
            next_id += 1;
            WireId::v7(next_id, [0; 10])
        };
        build(&mut OpBuilder::new(&mut clock, 1000, &mut new_id))
    }

    fn record_id() -> Id {
        Id::v7(1, [1; 10])
    }

    fn changes(ops: &[Op]) -> Vec<(&str, &Value)> {
        ops.iter()
            .map(|op| (op.field.as_str(), &op.value))
            .collect()
    }

    fn sample_op() -> Op {
        with_builder(|b| b.delete_op(EntityKind::Contact, &record_id()))
    }

    #[test]
    fn creating_a_record_writes_every_field_but_empty_ones() {
        let next = map(json!({"name": "Sara", "phone": null, "age": 30, "tags": [], "note": ""}));
        let ops =
            with_builder(|b| b.edit_ops(EntityKind::Contact, &record_id(), None, &next)).unwrap();
        assert_eq!(
            changes(&ops),
            [("age", &json!(30)), ("name", &json!("Sara"))]
        );
        assert!(ops
            .iter()
            .all(|op| op.entity == EntityKind::Contact && op.record == record_id()));
    }

    #[test]
    fn creating_a_record_of_empty_fields_still_writes_them_so_it_exists() {
        let next = map(json!({"name": "", "tags": []}));
        let ops =
            with_builder(|b| b.edit_ops(EntityKind::Contact, &record_id(), None, &next)).unwrap();
        assert_eq!(changes(&ops), [("name", &json!("")), ("tags", &json!([]))]);
    }

    #[test]
    fn editing_writes_only_changed_fields_and_nulls_removed_ones() {
        let before = map(json!({"name": "Sara", "phone": "123", "city": "Tabriz", "note": null}));
        let next = map(json!({"name": "Sara", "phone": "456", "email": "s@x.ir"}));
        let ops =
            with_builder(|b| b.edit_ops(EntityKind::Contact, &record_id(), Some(&before), &next))
                .unwrap();
        assert_eq!(
            changes(&ops),
            [
                ("city", &Value::Null),
                ("email", &json!("s@x.ir")),
                ("phone", &json!("456"))
            ]
        );
    }

    #[test]
    fn every_op_of_an_edit_has_its_own_id_and_a_later_stamp() {
        let next = map(json!({"a": 1, "b": 2, "c": 3}));
        let ops = with_builder(|b| {
            let mut ops = b
                .edit_ops(EntityKind::Deal, &record_id(), None, &next)
                .unwrap();
            ops.push(b.delete_op(EntityKind::Deal, &record_id()));
            ops.push(b.restore_op(EntityKind::Deal, &record_id()));
            ops
        });
        for pair in ops.windows(2) {
            assert!(pair[1].stamp > pair[0].stamp);
            assert_ne!(pair[1].id, pair[0].id);
        }
        assert_eq!(
            changes(&ops[3..]),
            [("deleted", &json!(true)), ("deleted", &json!(false))]
        );
    }

    #[test]
    fn the_deleted_flag_cannot_be_edited_as_a_field() {
        let next = map(json!({"deleted": true}));
        let result = with_builder(|b| b.edit_ops(EntityKind::Task, &record_id(), None, &next));
        assert_eq!(result, Err(OpError::ReservedField));
    }

    #[test]
    fn edits_that_would_not_validate_are_refused() {
        let next = map(json!({"bad name": 1}));
        let result = with_builder(|b| b.edit_ops(EntityKind::Task, &record_id(), None, &next));
        assert!(matches!(result, Err(OpError::FieldNameChars { .. })));
    }

    #[test]
    fn wire_format_is_stable() {
        let op = sample_op();
        let json = serde_json::to_value(&op).unwrap();
        assert_eq!(
            json,
            json!({
                "id": "00000000-0001-7000-8000-000000000000",
                "entity": "contact",
                "record": "00000000-0001-7101-8101-010101010101",
                "field": "deleted",
                "value": true,
                "stamp": "00000000000003e8-00000000-0707070707070707",
            })
        );
        assert_eq!(serde_json::from_value::<Op>(json).unwrap(), op);
    }

    #[test]
    fn precedence_orders_by_stamp_then_id() {
        let earlier = sample_op();
        let mut later = earlier.clone();
        later.stamp.counter += 1;
        assert!(later.supersedes(&earlier) && !earlier.supersedes(&later));

        let mut same_stamp = earlier.clone();
        same_stamp.id = WireId::v7(2, [0; 10]);
        assert!(same_stamp.supersedes(&earlier) && !earlier.supersedes(&same_stamp));
        assert!(!earlier.supersedes(&earlier));
    }

    #[test]
    fn validation_accepts_built_ops_and_names_what_is_wrong() {
        assert_eq!(sample_op().validate(), Ok(()));
        let broken = |change: fn(&mut Op)| {
            let mut op = sample_op();
            change(&mut op);
            op.validate().unwrap_err()
        };
        assert_eq!(
            broken(|op| op.field.clear()),
            OpError::FieldNameLength { len: 0 }
        );
        assert_eq!(
            broken(|op| op.field = "x".repeat(MAX_FIELD_LEN + 1)),
            OpError::FieldNameLength {
                len: MAX_FIELD_LEN + 1
            }
        );
        assert!(matches!(
            broken(|op| op.field = "näme".into()),
            OpError::FieldNameChars { .. }
        ));
        assert_eq!(
            broken(|op| op.id = WireId::from_string("")),
            OpError::IdLength { len: 0 }
        );
        assert!(matches!(
            broken(|op| op.record = WireId::from_string("a b")),
            OpError::IdChars { .. }
        ));
        assert_eq!(
            broken(|op| op.value = json!("yes")),
            OpError::DeletedNotBool
        );
        assert_eq!(
            broken(|op| op.stamp.wall_ms = MAX_WALL_MS + 1),
            OpError::WallTimeOutOfRange {
                wall_ms: MAX_WALL_MS + 1
            }
        );
    }

    #[test]
    fn values_are_limited_by_their_json_size() {
        let mut op = sample_op();
        op.field = "note".into();
        // Two quote characters plus the text.
        op.value = json!("x".repeat(MAX_VALUE_BYTES - 2));
        assert_eq!(op.validate(), Ok(()));
        op.value = json!("x".repeat(MAX_VALUE_BYTES - 1));
        assert_eq!(
            op.validate(),
            Err(OpError::ValueTooLarge {
                field: "note".into()
            })
        );
        // Text short enough to pass by its length alone, even if every character is escaped
        // in six bytes; and escaped text over the limit though shorter than it in characters.
        let escapes_to_six = "\u{1}";
        op.value = json!(escapes_to_six.repeat((MAX_VALUE_BYTES - 2) / 6));
        assert_eq!(op.validate(), Ok(()));
        op.value = json!(escapes_to_six.repeat(MAX_VALUE_BYTES / 6 + 1));
        assert!(op.validate().is_err());
    }

    /// Any JSON value, strings with any characters (control characters escape longest).
    fn json_values() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            any::<String>().prop_map(Value::String),
        ];
        leaf.prop_recursive(3, 40, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::btree_map(any::<String>(), inner, 0..6)
                    .prop_map(|entries| Value::Object(entries.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn a_values_size_check_agrees_with_its_json(value in json_values()) {
            let len = serde_json::to_vec(&value).unwrap().len();
            let bound = json_len_bound(&value, usize::MAX);
            prop_assert!(bound.is_some_and(|bound| bound >= len), "{bound:?} < {len}");
            for limit in [len - 1, len, len + 1] {
                prop_assert_eq!(json_len_exceeds(&value, limit), len > limit);
            }
        }
    }

    #[test]
    fn ids_are_checked_alike_whether_held_as_uuids_or_as_text() {
        let uuid = "0193a4b2-7c1d-7e3f-8a9b-0c1d2e3f4a5b";
        assert!(WireId::from_string(uuid).is_uuid());
        assert!(!WireId::from_string(uuid.to_uppercase()).is_uuid());
        for id in [uuid.to_owned(), uuid.to_uppercase(), "a b".to_owned()] {
            let mut op = sample_op();
            op.record = WireId::from_string(&id);
            assert_eq!(op.validate().is_ok(), id != "a b", "{id}");
        }
    }

    #[test]
    fn a_new_records_ops_skip_empty_fields_unless_all_are_empty() {
        let mut fields = Map::new();
        fields.insert("name".into(), json!("Sara"));
        fields.insert("note".into(), json!(""));
        fields.insert("tags".into(), json!([]));
        let ops =
            with_builder(|b| b.create_ops(EntityKind::Contact, &record_id(), fields)).unwrap();
        let written: Vec<&str> = ops.iter().map(|op| op.field.as_str()).collect();
        assert_eq!(written, ["name"]);
        let empty: Map<String, Value> = [("note".to_owned(), json!(""))].into_iter().collect();
        let ops = with_builder(|b| b.create_ops(EntityKind::Contact, &record_id(), empty)).unwrap();
        assert_eq!(ops.len(), 1, "a record of empty fields still exists");
        let reserved: Map<String, Value> = [(DELETED_FIELD.to_owned(), json!(true))]
            .into_iter()
            .collect();
        let refused = with_builder(|b| b.create_ops(EntityKind::Contact, &record_id(), reserved));
        assert_eq!(refused, Err(OpError::ReservedField));
    }
}
