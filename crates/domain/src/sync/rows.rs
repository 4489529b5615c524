//! Snapshot pages as rows ready to store. A device joining from nothing asks for them
//! (`rows=true` in [`super::SnapshotQuery`]): each record comes as the row the app stores it
//! as, and the page's merge states as one shared merge state, so the device puts them as
//! they come instead of parsing ops and merging them into records. The layout is the app's
//! stored row (`src/store/row.rs`, which writes its merge lines with the same functions):
//!
//! ```text
//! rows:  [{"id": "<record>", "v": {"<field>": <value>, …, "id": "<record>"}, "d": <deleted>}, …]
//! merge: "#<kind>/<record>\n<field> <stamp sort key> <op id>\n…#<kind>/<record>\n…"
//! ```
//!
//! The server builds rows from each field's winning op without interpreting entities: a
//! field's value is the op's JSON text as received, and `d` is whether `deleted` is `true`.

use super::Cursor;
use crate::hlc::Stamp;
use crate::kind::EntityKind;
use crate::op::DELETED_FIELD;
use serde::Deserialize;
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt::{Display, Write};

/// Adds a record's merge-state line for `field`: the write that won it.
pub fn push_merge_line(out: &mut String, field: &str, stamp: &Stamp, op: impl Display) {
    // Writing into a `String` cannot fail.
    let _ = writeln!(out, "{field} {} {op}", stamp.to_sort_key());
}

/// Starts a record's part of a shared merge state (its lines follow).
pub fn push_shared_header(out: &mut String, kind: EntityKind, record: &str) {
    out.push('#');
    out.push_str(kind.as_str());
    out.push('/');
    out.push_str(record);
    out.push('\n');
}

/// A page's records as rows, built by [`rows_of`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Rows {
    /// The rows, as a JSON array.
    pub rows: String,
    /// Their merge states, as one shared merge state.
    pub merge: String,
    /// The greatest stamp of the page's ops: a device receiving them moves its clock past it.
    pub latest: Option<Stamp>,
}

/// The part of a stored op a row is made of.
#[derive(Deserialize)]
struct Winner<'a> {
    #[serde(borrow)]
    id: Cow<'a, str>,
    #[serde(borrow)]
    record: Cow<'a, str>,
    #[serde(borrow)]
    field: Cow<'a, str>,
    #[serde(borrow)]
    value: &'a RawValue,
    stamp: Stamp,
}

/// The rows of the records whose winning ops (their JSON as stored, one per field) are
/// `ops`, record after record as a snapshot page holds them.
pub fn rows_of<'a>(
    kind: EntityKind,
    ops: impl IntoIterator<Item = &'a str>,
) -> Result<Rows, serde_json::Error> {
    let mut page = Rows {
        rows: String::from("["),
        ..Rows::default()
    };
    // The record being written, and whether it is deleted.
    let mut open: Option<(String, bool)> = None;
    for text in ops {
        let op: Winner<'_> = serde_json::from_str(text)?;
        if open.as_ref().map(|(record, _)| record.as_str()) != Some(&op.record) {
            if let Some((record, deleted)) = open.take() {
                close_row(&mut page.rows, &record, deleted)?;
                page.rows.push(',');
            }
            page.rows.push_str("{\"v\":{");
            push_shared_header(&mut page.merge, kind, &op.record);
            open = Some((op.record.clone().into_owned(), false));
        }
        push_merge_line(&mut page.merge, &op.field, &op.stamp, &op.id);
        if op.field == DELETED_FIELD {
            if let Some((_, deleted)) = &mut open {
                *deleted = op.value.get().trim() == "true";
            }
        } else if op.field != "id" {
            // The row's own "id" (written last) is what the entity is read from.
            page.rows.push_str(&serde_json::to_string(&*op.field)?);
            page.rows.push(':');
            page.rows.push_str(op.value.get());
            page.rows.push(',');
        }
        if page.latest.as_ref().is_none_or(|latest| op.stamp > *latest) {
            page.latest = Some(op.stamp);
        }
    }
    if let Some((record, deleted)) = open {
        close_row(&mut page.rows, &record, deleted)?;
    }
    page.rows.push(']');
    Ok(page)
}

/// Ends a row whose values are written up to the id: `"id":…},"id":…,"d":…}`.
fn close_row(rows: &mut String, record: &str, deleted: bool) -> Result<(), serde_json::Error> {
    let id = serde_json::to_string(record)?;
    rows.push_str("\"id\":");
    rows.push_str(&id);
    rows.push_str("},\"id\":");
    rows.push_str(&id);
    rows.push_str(if deleted {
        ",\"d\":true}"
    } else {
        ",\"d\":false}"
    });
    Ok(())
}

/// A snapshot page asked for with `rows=true`, as a device reads it: rows' values stay JSON
/// text borrowed from the answer, read straight into entities.
#[derive(Debug, Deserialize)]
pub struct RowsPage<'a> {
    #[serde(borrow)]
    pub rows: Vec<RowValues<'a>>,
    /// The page's merge states, as one shared merge state.
    pub merge: String,
    /// The greatest stamp of the page's ops (none on an empty page).
    #[serde(default)]
    pub latest: Option<Stamp>,
    pub records: u32,
    pub last: Option<String>,
    pub more: bool,
    pub cursor: Cursor,
    #[serde(default)]
    pub totals: Option<BTreeMap<EntityKind, u64>>,
    /// Where each kind's parts end, on a join's first page (see
    /// [`super::SnapshotResponse::splits`]).
    #[serde(default)]
    pub splits: Option<BTreeMap<EntityKind, Vec<String>>>,
}

/// A row's record id, its values (the id among them) and whether it is deleted.
#[derive(Debug, Deserialize)]
pub struct RowValues<'a> {
    #[serde(borrow)]
    pub id: Cow<'a, str>,
    #[serde(borrow)]
    pub v: &'a RawValue,
    #[serde(default)]
    pub d: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hlc::NodeId;
    use crate::id::WireId;
    use crate::op::Op;
    use crate::replica::Record;
    use proptest::prelude::*;
    use serde_json::{Map, Value};

    /// A row as stored, read back.
    #[derive(Deserialize)]
    struct StoredRow {
        id: String,
        v: Map<String, Value>,
        d: bool,
    }

    fn op(record: &str, field: &str, value: Value, wall_ms: u64, node: u8) -> Op {
        Op {
            id: WireId::from_string(format!("op-{record}-{field}-{wall_ms}")),
            entity: EntityKind::Contact,
            record: WireId::from_string(record),
            field: field.to_owned(),
            value,
            stamp: Stamp {
                wall_ms,
                counter: 0,
                node: NodeId::from_random([node; 8]),
            },
        }
    }

    /// What the app stores for a record merged from ops: its values with the id, whether
    /// it is deleted, and its merge-state lines in field order.
    fn stored(record: &Record, id: &str) -> (Map<String, Value>, bool, String) {
        let mut values = record.to_map();
        values.insert("id".into(), Value::String(id.into()));
        let mut lines = String::new();
        for (field, state) in record.fields() {
            push_merge_line(&mut lines, field, &state.stamp, &state.op);
        }
        (values, record.is_deleted(), lines)
    }

    fn field() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("first_name".to_owned()),
            Just("notes".to_owned()),
            Just("score".to_owned()),
            Just(DELETED_FIELD.to_owned()),
            "[a-z\"\\\\é]{1,6}",
        ]
    }

    fn value(field: &str) -> BoxedStrategy<Value> {
        if field == DELETED_FIELD {
            any::<bool>().prop_map(Value::Bool).boxed()
        } else {
            prop_oneof![
                "[ -~آ-ی]{0,8}".prop_map(Value::String),
                any::<i64>().prop_map(Value::from),
                Just(Value::Null),
                Just(serde_json::json!({"a": [1, "b"]})),
            ]
            .boxed()
        }
    }

    proptest! {
        /// A page's rows hold what merging its winning ops gives: the same values, deletion
        /// and merge state, record by record.
        #[test]
        fn rows_hold_what_merging_the_ops_gives(
            records in prop::collection::vec(
                prop::collection::btree_set(field(), 1..5)
                    .prop_flat_map(|fields| {
                        fields.into_iter().map(|f| value(&f).prop_map(move |v| (f.clone(), v))).collect::<Vec<_>>()
                    }),
                0..5,
            ),
        ) {
            let mut ops = Vec::new();
            let mut expected = Vec::new();
            for (at, fields) in records.iter().enumerate() {
                let id = format!("rec-{at}");
                let mut record = Record::default();
                for (n, (field, value)) in fields.iter().enumerate() {
                    let op = op(&id, field, value.clone(), 1_000 + n as u64, at as u8);
                    record.apply(&op);
                    ops.push(serde_json::to_string(&op).unwrap());
                }
                expected.push((id, record));
            }
            let page = rows_of(EntityKind::Contact, ops.iter().map(String::as_str)).unwrap();
            let rows: Vec<StoredRow> = serde_json::from_str(&page.rows).unwrap();
            prop_assert_eq!(rows.len(), expected.len());
            let mut merge = String::new();
            for (row, (id, record)) in rows.into_iter().zip(&expected) {
                let (values, deleted, lines) = stored(record, id);
                prop_assert_eq!(&row.id, id);
                prop_assert_eq!(row.v, values);
                prop_assert_eq!(row.d, deleted);
                push_shared_header(&mut merge, EntityKind::Contact, id);
                merge.push_str(&lines);
            }
            prop_assert_eq!(page.merge, merge);
            let latest = expected.iter().flat_map(|(_, record)| record.fields().values()).map(|state| state.stamp.clone()).max();
            prop_assert_eq!(page.latest, latest);
        }
    }

    /// Values go into rows as received: a number too large for a double is not rounded.
    #[test]
    fn values_are_kept_as_received() {
        let text = r#"{"id":"o1","entity":"contact","record":"r1","field":"score","value":18446744073709551616,"stamp":"0000000000000001-00000000-0101010101010101"}"#;
        let page = rows_of(EntityKind::Contact, [text]).unwrap();
        assert!(
            page.rows.contains(r#""score":18446744073709551616"#),
            "{}",
            page.rows
        );
    }
}
