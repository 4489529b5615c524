//! Packs: the rows of new records a bulk write made, many to a value.
//!
//! A bulk write of new records (an import, a page of a join by snapshot) puts
//! their rows [`PACK_ROWS`] to a value in the `packs` store instead of one put each. Each
//! put is a message to the browser's storage backend and a key written there: a row put
//! alone cost about four times its share of a pack's (BENCHMARKS.md, "What a stored row
//! costs"). A pack's key is `"<kind>/<last id>/<first id>"`, its value an array of rows laid
//! out as in the kind's own store (see `row`), in id order.
//!
//! A record's row is the one in its kind's store if there is one, else the one in a pack:
//! the record's first later write puts a row of its own, which hides the pack's from then
//! on. Packs are written once and never rewritten, except to take records out when a
//! refused write unmakes them ([`take_out`]). The packs of one kind hold ranges of ids
//! that do not overlap when written by one tab; two tabs joining at once may write
//! overlapping ones, so a read then looks in every pack whose range holds the id and takes
//! the first, in key order, that has it.

use super::error::thrown;
use super::{read_keys, StoreError};
use indexed_db_futures::error::Error as IdbError;
use indexed_db_futures::internals::SystemRepr;
use indexed_db_futures::object_store::ObjectStore;
use indexed_db_futures::prelude::*;
use indexed_db_futures::KeyRange;
use rabet_domain::kind::EntityKind;
use rabet_domain::sorting::sort_by;
use std::collections::{BTreeSet, HashMap, HashSet};
use wasm_bindgen::{JsCast, JsValue};

/// Rows to a pack: reading one to change one of its records costs a few tens of KB, and
/// writing them costs about a quarter of putting them one by one.
pub(super) const PACK_ROWS: usize = 100;

/// The key of a pack of `kind` holding the ids from `first` to `last`.
fn pack_key(kind: EntityKind, first: &str, last: &str) -> String {
    format!("{}/{last}/{first}", kind.as_str())
}

/// The first and last id a pack's key names (ids hold no slash).
fn span_of(key: &str) -> Option<(&str, &str)> {
    let (_, span) = key.split_once('/')?;
    let (last, first) = span.split_once('/')?;
    Some((first, last))
}

/// The keys of one kind's packs: from `"<kind>/"` up to `"<kind>0"` (`0` follows `/`).
pub(super) struct OfKind(String, String);

impl OfKind {
    pub fn new(kind: EntityKind) -> OfKind {
        OfKind(format!("{}/", kind.as_str()), format!("{}0", kind.as_str()))
    }

    pub fn range(&self) -> KeyRange<&str> {
        KeyRange::Bound(self.0.as_str(), false, self.1.as_str(), true)
    }
}

/// Puts `rows`, new records of `kind` whose ids are `ids` (in the same order), as packs of
/// [`PACK_ROWS`] consecutive rows.
pub(super) fn put(
    packs: &web_sys::IdbObjectStore,
    kind: EntityKind,
    rows: &js_sys::Array,
    ids: &[&str],
) -> Result<(), StoreError> {
    for (at, chunk) in ids.chunks(PACK_ROWS).enumerate() {
        let (Some(first), Some(last)) = (chunk.iter().min(), chunk.iter().max()) else {
            continue;
        };
        let start = (at * PACK_ROWS) as u32;
        let pack = rows.slice(start, start + chunk.len() as u32);
        packs
            .put_with_key(&pack, &JsValue::from_str(&pack_key(kind, first, last)))
            .map_err(thrown)?;
    }
    Ok(())
}

/// The keys of `kind`'s packs, in key order.
async fn keys_of(packs: &ObjectStore<'_>, kind: EntityKind) -> Result<Vec<String>, StoreError> {
    let keys = packs
        .get_all_keys::<String>()
        .with_query::<&str, _>(OfKind::new(kind).range())
        .build()?
        .await?;
    Ok(keys.collect::<Result<_, _>>()?)
}

/// The packs whose ranges hold `id`, among `keys` (in key order, so by last id).
fn holding<'k>(keys: &'k [String], disjoint: bool, id: &str) -> Vec<&'k str> {
    let holds = |key: &&String| span_of(key).is_some_and(|(first, last)| first <= id && id <= last);
    if disjoint {
        // Only the first pack that ends at or after the id can hold it.
        let at = keys.partition_point(|key| span_of(key).is_some_and(|(_, last)| last < id));
        keys.get(at)
            .filter(holds)
            .map(String::as_str)
            .into_iter()
            .collect()
    } else {
        keys.iter().filter(holds).map(String::as_str).collect()
    }
}

/// Whether no two packs among `keys` (in key order) share a range of ids.
fn disjoint(keys: &[String]) -> bool {
    keys.windows(2)
        .all(|pair| match (span_of(&pair[0]), span_of(&pair[1])) {
            (Some((_, last)), Some((first, _))) => last < first,
            _ => false,
        })
}

/// A row's id as read.
fn id_of(row: &JsValue) -> Option<String> {
    js_sys::Reflect::get(row, &JsValue::from_str(super::row::ID))
        .ok()?
        .as_string()
}

/// The packs of `kind` whose ranges hold any of `ids`, read: `(key, rows)` in key order.
async fn packs_holding<'i>(
    packs: &ObjectStore<'_>,
    kind: EntityKind,
    ids: impl IntoIterator<Item = &'i str>,
) -> Result<Vec<(String, js_sys::Array)>, StoreError> {
    let keys = keys_of(packs, kind).await?;
    let disjoint = disjoint(&keys);
    let holding: BTreeSet<&str> = ids
        .into_iter()
        .flat_map(|id| holding(&keys, disjoint, id))
        .collect();
    let wanted: Vec<String> = keys
        .iter()
        .filter(|key| holding.contains(key.as_str()))
        .cloned()
        .collect();
    let read: Vec<Option<JsValue>> = read_keys(packs, &wanted, false).await?;
    Ok(wanted
        .into_iter()
        .zip(read)
        .filter_map(|(key, pack)| Some((key, pack?.unchecked_into())))
        .collect())
}

/// Fills in, from `kind`'s packs, the rows of the records among `ids` that `rows` (as read
/// from the kind's own store, in the same order) has none of.
pub(super) async fn fill_in(
    packs: &ObjectStore<'_>,
    kind: EntityKind,
    ids: &[String],
    rows: &mut [Option<JsValue>],
) -> Result<(), StoreError> {
    let missing: Vec<&str> = ids
        .iter()
        .zip(rows.iter())
        .filter(|(_, row)| row.is_none())
        .map(|(id, _)| id.as_str())
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let mut found: HashMap<String, JsValue> = HashMap::new();
    for (_, pack) in packs_holding(packs, kind, missing).await? {
        for row in pack.iter() {
            if let Some(id) = id_of(&row) {
                found.entry(id).or_insert(row);
            }
        }
    }
    for (id, row) in ids.iter().zip(rows.iter_mut()) {
        if row.is_none() {
            *row = found.remove(id);
        }
    }
    Ok(())
}

/// Every row of a kind, its own store's (`own`, in id order as read) and, for the records
/// without one, its packs': in id order, each record once.
///
/// Packs that do not overlap (one tab wrote them) are taken whole where no own row falls in
/// their range, so a device that joined 100,000 contacts reads no row's id to load them;
/// only a pack holding a record with an own row is merged row by row. Overlapping packs
/// are merged by id throughout.
pub(super) fn every_row(
    own: impl Iterator<Item = Result<JsValue, IdbError>>,
    keys: impl Iterator<Item = Result<String, IdbError>>,
    packs: impl Iterator<Item = Result<JsValue, IdbError>>,
) -> Result<Vec<JsValue>, StoreError> {
    let mut own_rows: Vec<(String, JsValue)> = Vec::new();
    for row in own {
        let row = row?;
        own_rows.push((id_of(&row).unwrap_or_default(), row));
    }
    // Each pack's range as its key says (the least and greatest id it holds, whatever the
    // order of its rows), with its rows.
    let mut spans: Vec<(String, String, js_sys::Array)> = Vec::new();
    for (key, pack) in keys.zip(packs) {
        let (key, pack) = (key?, pack?);
        if let Some((first, last)) = span_of(&key) {
            spans.push((first.to_owned(), last.to_owned(), pack.unchecked_into()));
        }
    }
    let in_order = spans.windows(2).all(|pair| pair[0].1 < pair[1].0);
    if !in_order {
        return Ok(merged_by_id(
            own_rows,
            spans.into_iter().map(|(.., pack)| pack),
        ));
    }
    let mut rows = Vec::with_capacity(own_rows.len() + spans.len() * PACK_ROWS);
    let mut own_rows = own_rows.into_iter().peekable();
    for (first, last, pack) in spans {
        while let Some((_, row)) = own_rows.next_if(|(id, _)| *id < first) {
            rows.push(row);
        }
        let mut inside = Vec::new();
        while let Some(row) = own_rows.next_if(|(id, _)| *id <= last) {
            inside.push(row);
        }
        if inside.is_empty() {
            rows.extend(pack.iter());
            continue;
        }
        rows.extend(merged_by_id(inside, [pack]));
    }
    rows.extend(own_rows.map(|(_, row)| row));
    Ok(rows)
}

/// Own rows and packs' rows merged by id: each record once, its own row before any pack's,
/// then the first pack's that holds it.
fn merged_by_id(
    own_rows: Vec<(String, JsValue)>,
    packs: impl IntoIterator<Item = js_sys::Array>,
) -> Vec<JsValue> {
    let mut held: HashSet<String> = own_rows.iter().map(|(id, _)| id.clone()).collect();
    let mut rows = own_rows;
    for pack in packs {
        for row in pack.iter() {
            let id = id_of(&row).unwrap_or_default();
            if held.insert(id.clone()) {
                rows.push((id, row));
            }
        }
    }
    sort_by(&mut rows, |(a, _), (b, _)| a.cmp(b));
    rows.into_iter().map(|(_, row)| row).collect()
}

/// The ids of every record of `kind` the packs hold (those hidden by a row of their own
/// too), for a backup.
pub(super) async fn ids(
    packs: &ObjectStore<'_>,
    kind: EntityKind,
) -> Result<Vec<String>, StoreError> {
    let read = packs
        .get_all::<JsValue>()
        .with_query::<&str, _>(OfKind::new(kind).range())
        .build()?
        .await?;
    let mut ids = Vec::new();
    for pack in read {
        ids.extend(
            pack?
                .unchecked_into::<js_sys::Array>()
                .iter()
                .filter_map(|row| id_of(&row)),
        );
    }
    Ok(ids)
}

/// How many packs of `kind` there are.
pub(super) async fn count(packs: &ObjectStore<'_>, kind: EntityKind) -> Result<u32, StoreError> {
    Ok(packs
        .count()
        .with_query::<&str, _>(OfKind::new(kind).range())
        .build()?
        .await?)
}

/// Takes `ids`' rows out of `kind`'s packs (a refused write unmade those records): each
/// pack that held one is put back without it, or deleted once empty.
pub(super) async fn take_out(
    packs: &ObjectStore<'_>,
    kind: EntityKind,
    ids: &[String],
) -> Result<(), StoreError> {
    let held = packs_holding(packs, kind, ids.iter().map(String::as_str)).await?;
    let gone: HashSet<&str> = ids.iter().map(String::as_str).collect();
    let sys = packs.as_sys().unchecked_ref::<web_sys::IdbObjectStore>();
    for (key, pack) in held {
        let kept: js_sys::Array = pack
            .iter()
            .filter(|row| !id_of(row).is_some_and(|id| gone.contains(id.as_str())))
            .collect();
        let key = JsValue::from_str(&key);
        match kept.length() {
            0 => sys.delete(&key).map(drop),
            _ => sys.put_with_key(&kept, &key).map(drop),
        }
        .map_err(thrown)?;
    }
    Ok(())
}
