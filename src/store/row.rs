//! How a record is laid out, and moving rows between Rust and JS.
//!
//! A record is stored in two parts, always written in one transaction:
//!
//! ```text
//! row, in the kind's store (key "id"):
//!   { "id": "<record id>",
//!     "v":  { "<field>": <value>, …, "id": "…" },   current values and the id: what the
//!                                                     entity is read from, indexes point into
//!     "d":  false,                                    the `deleted` field's value (false until set)
//!     "m":  "shared/<op id>" }                        only while its merge state is shared
//! merge state, in the `merge` store (key "<kind>/<record id>"):
//!   "<field> <stamp> <op id>\n…"                      per written field, the write that won
//! shared merge state, in the `merge` store (key "shared/<first op id of the write>"):
//!   "#<kind>/<record id>\n<field> <stamp> <op id>\n…#…" the merge states of every record a
//!                                                     bulk write wrote, one after another
//!   "#<kind>/<record id>\n@<base key>\n<field> …\n…"    or, from a bulk change of stored
//!                                                     records, only the lines it wrote over
//!                                                     the full merge state under the key
//!                                                     (the record's own, or a shared one)
//!   "=<first op id> <stamp>\n#<kind>/<record id>\n<field> <field> …\n#…"
//!                                                     or, from a local bulk write of new
//!                                                     records (an import), as a run: each
//!                                                     record's fields, the n-th named written
//!                                                     by the run's n-th op (`rabet_domain::run`),
//!                                                     read as the lines above
//! ```
//!
//! A bulk write of new records (an import, a page of a join by snapshot) puts their rows in
//! packs, a hundred rows to a value, rather than in the kind's store (see `packs`); a
//! record's first later write puts its row there, and that row hides the pack's.
//!
//! A bulk write (an import, a page of a join by snapshot, a bulk change of a list's
//! selection) writes one shared merge state for all its records instead of one per record:
//! half the puts. A join's pages come from the sync server in this layout already
//! (`rabet_domain::sync::rows`, whose functions write the merge lines and headers here too),
//! and are put as they come. A row's `m` decides where its merge state is: while it names a
//! shared one, there (an own merge state from before that bulk write is stale); without it,
//! its own, which a record's next single write stores, writing the row without `m`. A shared
//! merge state is left as it is when its records move on: it is read only for rows that
//! still name it, and is not removed once none does (bulk writes leave that much behind).
//! A bulk change of stored records writes, per record, only the lines of the fields it
//! wrote, plus those an earlier bulk change kept over the same base: a part always lies
//! over a full merge state, never over another part, so a read follows one link at most,
//! and a base stays as long as a row's part names it (a single write, which replaces the
//! own one, also drops the row's `m`).
//!
//! Together they hold the domain `Record` exactly (see [`into_record`]), so ops arriving later
//! merge per field. The merge state is kept apart because only merges read it, and it is most
//! of a record's bytes: loading reads rows alone. It is one string, the cheapest value for
//! IndexedDB to store; its parts never contain spaces (field names and op ids are validated,
//! stamps are fixed-width hex).
//!
//! Values cross between wasm and JS as JSON text (`JSON.parse`/`JSON.stringify` over whole
//! batches): one call and one copy per batch, rather than a call per value.

use super::error::{thrown, to_json, StoreError};
use indexed_db_futures::error::Error as IdbError;
use rabet_domain::{
    hlc::Stamp,
    id::{Id, WireId},
    kind::EntityKind,
    model::Entity,
    op::{Op, DELETED_FIELD},
    replica::Record,
    sync::rows::{push_merge_line, push_shared_header},
};
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use serde_json::{Map, Value};
use wasm_bindgen::{prelude::wasm_bindgen, JsCast, JsValue};

/// The key of a row, and the name under which its values hold the record id.
pub(super) const ID: &str = "id";
/// The row's current values.
pub(super) const VALUES: &str = "v";
/// Whether the row is deleted.
const DELETED: &str = "d";
/// The key of the shared merge state holding the row's, until it has its own.
const SHARED: &str = "m";
/// Starts the line naming the base a record's part of a shared merge state lies over (no
/// field name starts with it, nor a header).
const BASE: char = '@';

/// A record's row; see the module docs for the layout.
#[derive(Serialize, Deserialize)]
pub(super) struct StoredRow {
    id: Id,
    v: Map<String, Value>,
    #[serde(default)]
    d: bool,
    /// The shared merge state holding this record's, until it has its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    m: Option<String>,
}

impl StoredRow {
    /// Reads a row as returned by IndexedDB.
    pub fn from_js(row: &JsValue, kind: EntityKind, id: &Id) -> Result<StoredRow, StoreError> {
        from_js(row).map_err(|reason| corrupt(kind, id, reason))
    }

    pub fn id(&self) -> &Id {
        &self.id
    }

    /// Marks the row's merge state as kept in the shared one under `key`.
    pub fn share_merge_state(&mut self, key: &str) {
        self.m = Some(key.to_owned());
    }
}

/// The key of the merge state shared by a bulk write whose first op is `first_op` (no kind is
/// called "shared", so it is no record's key).
pub(super) fn shared_merge_key(first_op: &WireId) -> String {
    format!("shared/{first_op}")
}

/// The key of the merge state shared by a page of a join by snapshot whose last record is
/// `last` (a join sends each record once, so no two pages share one).
pub(super) fn joined_merge_key(kind: EntityKind, last: &str) -> String {
    format!("shared/join/{}/{last}", kind.as_str())
}

#[wasm_bindgen]
extern "C" {
    /// `JSON.parse` of text the browser holds: it does not cross from wasm again.
    #[wasm_bindgen(catch, js_namespace = JSON, js_name = parse)]
    fn parse_held(text: &js_sys::JsString) -> Result<JsValue, JsValue>;
}

/// The rows of a snapshot page's answer, its text as the browser holds it (see
/// `rabet_domain::sync::rows`), each marked as keeping its merge state in the shared one
/// under `key`: ready to put. Parsed by the browser, so the rows never cross into wasm.
pub(super) fn shared_rows(held: &js_sys::JsString, key: &str) -> Result<js_sys::Array, StoreError> {
    let answer = parse_held(held).map_err(thrown)?;
    let rows: js_sys::Array = js_sys::Reflect::get(&answer, &JsValue::from_str("rows"))
        .map_err(thrown)?
        .dyn_into()
        .map_err(thrown)?;
    let (shared, key) = (JsValue::from_str(SHARED), JsValue::from_str(key));
    for row in rows.iter() {
        js_sys::Reflect::set(&row, &shared, &key).map_err(thrown)?;
    }
    Ok(rows)
}

/// Adds a record's merge state to a shared one.
pub(super) fn push_shared(shared: &mut String, kind: EntityKind, id: &Id, merge_state: &str) {
    push_shared_header(shared, kind, &id.as_str());
    shared.push_str(merge_state);
}

/// Adds to a shared merge state a record's part that holds only its lines that differ from
/// its base, the full merge state under `base` (its own, or a shared one): `delta`, the lines
/// it held over that base already, with `lines` in place of those of the same fields.
pub(super) fn push_shared_over(
    shared: &mut String,
    kind: EntityKind,
    id: &Id,
    base: &str,
    delta: &str,
    lines: &str,
) {
    push_shared_header(shared, kind, &id.as_str());
    shared.push(BASE);
    shared.push_str(base);
    shared.push('\n');
    shared.push_str(&overlay(delta, lines));
}

/// A record's part of a shared merge state: the key of the full merge state it lies over, if
/// it lies over one (see [`push_shared_over`]), and its lines.
pub(super) fn over_base(part: &str) -> (Option<&str>, &str) {
    match part.strip_prefix(BASE) {
        Some(rest) => {
            let (base, lines) = rest.split_once('\n').unwrap_or((rest, ""));
            (Some(base), lines)
        }
        None => (None, part),
    }
}

/// The shared merge states that parts of `shared` lie over (the others lie over their
/// records' own).
pub(super) fn shared_bases(shared: &str) -> impl Iterator<Item = &str> {
    shared
        .lines()
        .filter_map(|line| line.strip_prefix(BASE))
        .filter(|base| base.starts_with("shared/"))
}

/// `base`'s merge lines with `lines` in place of those of the same fields.
pub(super) fn overlay(base: &str, lines: &str) -> String {
    fn field(line: &str) -> &str {
        line.split(' ').next().unwrap_or_default()
    }
    let replaced: std::collections::HashSet<&str> = lines.lines().map(field).collect();
    let mut merged = String::with_capacity(base.len() + lines.len());
    for kept in base.lines().filter(|line| !replaced.contains(field(line))) {
        merged.push_str(kept);
        merged.push('\n');
    }
    merged.push_str(lines);
    merged
}

/// The merge states a shared one holds, by their records' merge keys. A header is the only
/// line that starts with `#`: merge lines start with a field name.
pub(super) fn split_shared(shared: &str) -> std::collections::HashMap<&str, &str> {
    let mut states = std::collections::HashMap::new();
    let mut rest = shared;
    while let Some(header) = rest.strip_prefix('#') {
        let (key, lines) = header.split_once('\n').unwrap_or((header, ""));
        let end = lines.find("\n#").map_or(lines.len(), |at| at + 1);
        states.insert(key, &lines[..end]);
        rest = &lines[end..];
    }
    states
}

/// The rows read for `keys` (`None` where none is stored), decoded: their values cross into
/// wasm as one JSON text per [`DECODE_BATCH`] rows rather than one per row.
pub(super) fn decode_rows(
    keys: &[(EntityKind, &Id)],
    rows: Vec<Option<JsValue>>,
) -> Result<Vec<Option<StoredRow>>, StoreError> {
    let stored: Vec<(usize, JsValue)> = rows
        .into_iter()
        .enumerate()
        .filter_map(|(at, row)| Some((at, row?)))
        .collect();
    let mut decoded: Vec<Option<StoredRow>> = Vec::new();
    decoded.resize_with(keys.len(), || None);
    for batch in stored.chunks(DECODE_BATCH as usize) {
        let texts: js_sys::Array = batch.iter().map(|(_, row)| row).collect();
        let rows: Vec<StoredRow> = match from_js(&texts) {
            Ok(rows) => rows,
            // Read one by one to name the row that does not decode.
            Err(_) => batch
                .iter()
                .map(|(at, row)| {
                    let (kind, id) = keys[*at];
                    StoredRow::from_js(row, kind, id)
                })
                .collect::<Result<_, _>>()?,
        };
        for ((at, _), row) in batch.iter().zip(rows) {
            decoded[*at] = Some(row);
        }
    }
    Ok(decoded)
}

/// A record's merge state: a line per written field.
pub(super) fn merge_state_of(record: &Record) -> String {
    let mut merge_state = String::new();
    for (field, state) in record.fields() {
        push_merge_line(&mut merge_state, field, &state.stamp, &state.op);
    }
    merge_state
}

/// A record's row, written whole, its values moved out of the record.
pub(super) fn row_of(id: &Id, record: Record) -> StoredRow {
    let d = record.is_deleted();
    let mut values = record.into_map();
    values.insert(ID.to_owned(), Value::String(id.as_str().to_owned()));
    StoredRow {
        id: id.clone(),
        v: values,
        d,
        m: None,
    }
}

/// The record a row and its merge state hold, rebuilt by applying each field's winning
/// write again.
pub(super) fn into_record(
    kind: EntityKind,
    mut row: StoredRow,
    merge_state: &str,
) -> Result<Record, StoreError> {
    let id = row.id.clone();
    let deleted = row.d;
    rebuild(kind, &id, merge_state, |field| {
        if field == DELETED_FIELD {
            Ok(Value::Bool(deleted))
        } else {
            row.v
                .remove(field)
                .ok_or_else(|| corrupt(kind, &id, format!("no value for written field {field:?}")))
        }
    })
}

/// The record a merge state describes, each field's value given by `value_of`.
pub(super) fn rebuild(
    kind: EntityKind,
    id: &Id,
    merge_state: &str,
    mut value_of: impl FnMut(&str) -> Result<Value, StoreError>,
) -> Result<Record, StoreError> {
    let wire_id = WireId::from(id);
    let mut record = Record::default();
    for line in merge_lines(kind, id, merge_state) {
        let (field, stamp, op) = line?;
        let stamp =
            Stamp::from_sort_key(stamp).map_err(|error| corrupt(kind, id, error.to_string()))?;
        record.apply(&Op {
            id: WireId::from_string(op),
            entity: kind,
            record: wire_id.clone(),
            field: field.to_owned(),
            value: value_of(field)?,
            stamp,
        });
    }
    Ok(record)
}

/// The record a merge state describes as far as a bulk change that writes the fields
/// `written` needs it: those fields' states and the oldest write's (which tells history
/// whether a change is from the record's start, see `rabet_domain::history`), each field's
/// value given by `value_of`. The other lines are skipped unparsed: a bulk tag reads two
/// lines of a contact's fifteen or so.
pub(super) fn rebuild_written(
    kind: EntityKind,
    id: &Id,
    merge_state: &str,
    written: &std::collections::BTreeSet<&str>,
    value_of: impl FnMut(&str) -> Result<Value, StoreError>,
) -> Result<Record, StoreError> {
    // Stamp sort keys order as stamps do, and op ids as their text: the oldest line is the
    // least (stamp, op) as text.
    let mut oldest: Option<(&str, &str, &str)> = None;
    let mut kept = String::new();
    for line in merge_lines(kind, id, merge_state) {
        let (field, stamp, op) = line?;
        if oldest.is_none_or(|(_, least, least_op)| (stamp, op) < (least, least_op)) {
            oldest = Some((field, stamp, op));
        }
        if written.contains(field) {
            push_line(&mut kept, field, stamp, op);
        }
    }
    if let Some((field, stamp, op)) = oldest.filter(|(field, ..)| !written.contains(field)) {
        push_line(&mut kept, field, stamp, op);
    }
    rebuild(kind, id, &kept, value_of)
}

/// A merge state's lines, each `(field, stamp's sort key, op id)`; an error for a line cut
/// short (the last: the text has ended).
fn merge_lines<'a>(
    kind: EntityKind,
    id: &'a Id,
    merge_state: &'a str,
) -> impl Iterator<Item = Result<(&'a str, &'a str, &'a str), StoreError>> + 'a {
    let mut parts = merge_state.split_ascii_whitespace();
    std::iter::from_fn(move || {
        let field = parts.next()?;
        Some(match (parts.next(), parts.next()) {
            (Some(stamp), Some(op)) => Ok((field, stamp, op)),
            _ => Err(corrupt(
                kind,
                id,
                format!("merge state of {field:?} is cut short"),
            )),
        })
    })
}

fn push_line(lines: &mut String, field: &str, stamp: &str, op: &str) {
    for part in [field, " ", stamp, " ", op, "\n"] {
        lines.push_str(part);
    }
}

/// The shared merge state a row as read names, if it names one (see the module docs).
pub(super) fn shared_key_of(row: &JsValue) -> Option<String> {
    js_sys::Reflect::get(row, &JsValue::from_str(SHARED))
        .ok()?
        .as_string()
}

/// The values of one field of each of `rows` as read (`null` where a row has none; the
/// `deleted` field is the row's `d`), crossing into wasm as one JSON text.
pub(super) fn field_values<'a>(
    rows: impl IntoIterator<Item = (&'a JsValue, &'a str)>,
) -> Result<Vec<Value>, String> {
    let (values_key, deleted_key) = (JsValue::from_str(VALUES), JsValue::from_str(DELETED));
    let picked = js_sys::Array::new();
    for (row, field) in rows {
        let value = if field == DELETED_FIELD {
            js_sys::Reflect::get(row, &deleted_key)
        } else {
            js_sys::Reflect::get(row, &values_key)
                .and_then(|values| js_sys::Reflect::get(&values, &JsValue::from_str(field)))
        }
        .map_err(|error| format!("{error:?}"))?;
        // `undefined` would be left out of the JSON text, shifting the values after it.
        picked.push(&if value.is_undefined() {
            JsValue::NULL
        } else {
            value
        });
    }
    from_js(&picked)
}

/// Rows as read, to be put back with some of their fields set: a bulk change's, which never
/// cross into wasm whole (see `MergeStates::SharedRowsPatched` in the store).
#[derive(Default)]
pub(super) struct Patches {
    rows: Vec<(EntityKind, JsValue)>,
    /// The row (its position in `rows`), the field set and its value.
    fields: Vec<(usize, String, Value)>,
}

impl Patches {
    /// Sets `fields` of `row` (the `deleted` field is the row's `d`) when the patches are
    /// applied; returns the row's position among the patched.
    pub fn add(
        &mut self,
        kind: EntityKind,
        row: JsValue,
        fields: impl IntoIterator<Item = (String, Value)>,
    ) -> usize {
        let at = self.rows.len();
        self.rows.push((kind, row));
        self.fields
            .extend(fields.into_iter().map(|(field, value)| (at, field, value)));
        at
    }

    /// Sets every field added, each row naming the shared merge state `key`: the rows to
    /// put, in the order added. The values cross into JS as one JSON text.
    pub fn apply(self, key: &str) -> Result<Vec<(EntityKind, JsValue)>, StoreError> {
        let values: Vec<&Value> = self.fields.iter().map(|(_, _, value)| value).collect();
        let values = js_sys::Array::from(&to_js(&values)?);
        let (values_key, deleted_key) = (JsValue::from_str(VALUES), JsValue::from_str(DELETED));
        for ((at, field, _), value) in self.fields.iter().zip(values.iter()) {
            let row = &self.rows[*at].1;
            if field == DELETED_FIELD {
                js_sys::Reflect::set(row, &deleted_key, &value)
            } else {
                js_sys::Reflect::get(row, &values_key).and_then(|values| {
                    js_sys::Reflect::set(&values, &JsValue::from_str(field), &value)
                })
            }
            .map_err(thrown)?;
        }
        let (shared, key) = (JsValue::from_str(SHARED), JsValue::from_str(key));
        for (_, row) in &self.rows {
            js_sys::Reflect::set(row, &shared, &key).map_err(thrown)?;
        }
        Ok(self.rows)
    }
}

/// The key of a record's merge state (`id`: an [`Id`], or an op's `WireId`).
pub(super) fn merge_key(kind: EntityKind, id: &(impl std::fmt::Display + ?Sized)) -> String {
    format!("{}/{id}", kind.as_str())
}

/// A record that cannot be read back.
pub(super) fn corrupt(kind: EntityKind, id: &Id, reason: String) -> StoreError {
    StoreError::Corrupt {
        kind,
        id: id.to_string(),
        reason,
    }
}

/// `value` as a JS value, through JSON text (objects stay plain objects, as key paths need).
pub(super) fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, StoreError> {
    let text = to_json(value)?;
    js_sys::JSON::parse(&text).map_err(thrown)
}

/// A row's current values without its id, or `None` if it is deleted.
pub(super) fn current_values(row: &JsValue) -> Result<Option<Map<String, Value>>, String> {
    /// A row, its id left unread (it would enter the id table).
    #[derive(Deserialize)]
    struct Current {
        v: Map<String, Value>,
        #[serde(default)]
        d: bool,
    }
    let Current { mut v, d } = from_js(row)?;
    v.remove(ID);
    Ok((!d).then_some(v))
}

fn from_js<T: DeserializeOwned>(value: &JsValue) -> Result<T, String> {
    let text = js_sys::JSON::stringify(value).map_err(|error| format!("{error:?}"))?;
    serde_json::from_str(&String::from(text)).map_err(|error| error.to_string())
}

/// Rows whose values cross into wasm as one JSON text: few enough that the text stays a
/// few MB (one text for 250,000 invoices grew wasm memory past half a gigabyte for good,
/// since wasm memory never shrinks), many enough that the per-call cost vanishes.
pub(super) const DECODE_BATCH: u32 = 5_000;

/// The entities of the rows that are not deleted, in row order.
pub(super) fn decode_live<E: Entity>(
    rows: impl Iterator<Item = Result<JsValue, IdbError>>,
) -> Result<Vec<E>, StoreError> {
    let (deleted_key, values_key) = (JsValue::from_str(DELETED), JsValue::from_str(VALUES));
    // Sized for every row up front: growing by doubling would hold the old and the new
    // buffer at once, for the largest kind a few tens of MB.
    let mut entities = Vec::with_capacity(rows.size_hint().0);
    // Only live rows' values cross into wasm, a batch at a time.
    let mut batch = js_sys::Array::new();
    let mut decode = |batch: &js_sys::Array| {
        let decoded = from_js::<Vec<E>>(batch).map_err(|_| name_corrupt_row::<E>(batch))?;
        entities.extend(decoded);
        Ok::<_, StoreError>(())
    };
    for row in rows {
        let row = row?;
        let deleted = js_sys::Reflect::get(&row, &deleted_key).map_err(thrown)?;
        if deleted.as_bool() != Some(true) {
            batch.push(&js_sys::Reflect::get(&row, &values_key).map_err(thrown)?);
        }
        if batch.length() == DECODE_BATCH {
            decode(&batch)?;
            batch = js_sys::Array::new();
        }
    }
    decode(&batch)?;
    Ok(entities)
}

/// After a batch failed to decode: which row failed, and why.
fn name_corrupt_row<E: Entity>(values: &js_sys::Array) -> StoreError {
    let id_key = JsValue::from_str(ID);
    for value in values.iter() {
        if let Err(reason) = from_js::<E>(&value) {
            let id = js_sys::Reflect::get(&value, &id_key)
                .ok()
                .and_then(|id| id.as_string())
                .unwrap_or_default();
            return StoreError::Corrupt {
                kind: E::KIND,
                id,
                reason,
            };
        }
    }
    StoreError::Corrupt {
        kind: E::KIND,
        id: String::new(),
        reason: "rows decode one by one but not together".into(),
    }
}
