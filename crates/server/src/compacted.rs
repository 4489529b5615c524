//! A workspace's compacted state: for each record and field, the op that wins (the greatest
//! stamp, then op id, as `rabet_domain::op::Op::precedence` decides), kept in the `compacted`
//! table in the same transaction as the push that brings the op. The server still does not
//! interpret entities: it compares precedence keys and keeps the winning op's JSON as stored.
//! While the op is in the log a row only points at it (`seq`; `body` NULL), so its JSON is
//! stored once; [`keep_trimmed_bodies`] copies it into the row before a trim removes it.
//!
//! What other server modules may use (a narrow API; automation reads records from here):
//! - [`Candidate`] and [`keep_winners`]: inside a push's transaction, keep the ops that win.
//! - [`page`]: a kind's records in record-id order, whole, by count and byte budget, within
//!   a [`Range`] of record ids (what `GET /api/v1/snapshot` serves).
//! - [`splits`]: record ids that cut each kind into parts a device may fetch at once.
//! - [`record_ops`]: one record's winning ops (its current fields), by sequence number.
//! - [`count_records`]: how many records of each kind the state holds, deleted ones included
//!   (counted in `creators`, which holds each record once).
//!
//! Everything here works on SQLite and PostgreSQL alike, through sqlx's `Any` driver.

use crate::storage::StorageError;
use futures_util::TryStreamExt;
use serde_json::value::RawValue;
use sqlx::{Any, Executor, Row};
use std::collections::HashMap;
use std::fmt::Write;

/// Rows of one statement keeping winners (five parameters each, well within both
/// databases' limits).
const WINNERS_PER_STATEMENT: usize = 100;
/// Records per part of a kind ([`splits`]): about a page of the larger kinds, so a device
/// fetching a few parts at once has a few pages in flight.
pub const PART_RECORDS: u32 = 1_000;

/// The key whose order is the order in which ops on one field win: the hex of the stamp's
/// sort key (its separators left out, all of fixed width) followed by the hex of the op id's
/// bytes. Hex digits sort alike in every collation, so the database compares keys itself.
pub fn precedence(stamp_sort_key: &str, op_id: &str) -> String {
    let mut key = String::with_capacity(stamp_sort_key.len() + 2 * op_id.len());
    key.extend(stamp_sort_key.chars().filter(|c| c.is_ascii_hexdigit()));
    for byte in op_id.bytes() {
        // Writing into a `String` cannot fail.
        let _ = write!(key, "{byte:02x}");
    }
    key
}

/// An op just stored, which may win its field.
#[derive(Clone, Debug)]
pub struct Candidate<'a> {
    pub entity: &'a str,
    pub record: &'a str,
    pub field: &'a str,
    /// Its [`precedence`] key.
    pub precedence: String,
    /// Its sequence number: its JSON is read from the log by it.
    pub seq: i64,
}

/// Keeps each candidate that beats its field's current winner (or is its field's first op).
/// Call it inside the transaction that stores the ops, so the state never lags the log.
pub async fn keep_winners(
    tx: &mut sqlx::Transaction<'_, Any>,
    workspace: &str,
    candidates: Vec<Candidate<'_>>,
) -> Result<(), StorageError> {
    // One row per field: PostgreSQL refuses a statement that updates one row twice.
    let mut best: HashMap<(&str, &str, &str), Candidate<'_>> = HashMap::new();
    for candidate in candidates {
        let key = (candidate.entity, candidate.record, candidate.field);
        match best.get(&key) {
            Some(held) if held.precedence >= candidate.precedence => {}
            _ => {
                best.insert(key, candidate);
            }
        }
    }
    let best: Vec<Candidate<'_>> = best.into_values().collect();
    for chunk in best.chunks(WINNERS_PER_STATEMENT) {
        let mut sql = String::from(
            "INSERT INTO compacted (workspace, entity, record, field, precedence, seq, body) VALUES ",
        );
        for row in 0..chunk.len() {
            let at = 2 + row * 5;
            if row > 0 {
                sql.push(',');
            }
            let _ = write!(
                sql,
                "($1, ${at}, ${}, ${}, ${}, ${}, NULL)",
                at + 1,
                at + 2,
                at + 3,
                at + 4
            );
        }
        sql.push_str(
            " ON CONFLICT (workspace, entity, record, field) DO UPDATE \
             SET precedence = excluded.precedence, seq = excluded.seq, body = NULL \
             WHERE excluded.precedence > compacted.precedence",
        );
        let mut query = sqlx::query(&sql).bind(workspace);
        for candidate in chunk {
            query = query
                .bind(candidate.entity)
                .bind(candidate.record)
                .bind(candidate.field)
                .bind(&candidate.precedence)
                .bind(candidate.seq);
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Each compacted row `c` with its op in the log `o`, if the log still holds it.
const WITH_LOG: &str = "LEFT JOIN ops o ON o.workspace = c.workspace AND o.seq = c.seq";
/// A row's op JSON: its own once trimmed from the log, else the log's.
const BODY: &str = "COALESCE(c.body, o.body) AS body";

/// Before a trim removes the workspace's ops numbered up to `through` from the log: the
/// winning ones among them are copied into their compacted rows, which outlive the log.
pub async fn keep_trimmed_bodies(
    tx: &mut sqlx::Transaction<'_, Any>,
    workspace: &str,
    through: i64,
) -> Result<(), StorageError> {
    sqlx::query(
        "UPDATE compacted SET body = (SELECT o.body FROM ops o WHERE o.workspace = \
         compacted.workspace AND o.seq = compacted.seq) \
         WHERE workspace = $1 AND body IS NULL AND seq <= $2",
    )
    .bind(workspace)
    .bind(through)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The SQL dialect a statement is written in, where the two databases differ.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// Separates a record's ops in the text [`page`] reads each record as: valid JSON cannot
/// hold this control character, neither between tokens nor raw inside a string, and every
/// stored op was checked as JSON when pushed.
const OP_SEPARATOR: char = '\u{1e}';

impl Dialect {
    /// An aggregate joining a group's op JSON (`c` a compacted row, `o` its op in the log)
    /// into one text, in field order, with [`OP_SEPARATOR`] between them.
    fn joined_ops(self) -> &'static str {
        match self {
            Dialect::Sqlite => "group_concat(COALESCE(c.body, o.body), char(30) ORDER BY c.field)",
            Dialect::Postgres => "string_agg(COALESCE(c.body, o.body), chr(30) ORDER BY c.field)",
        }
    }
}

/// A page of one kind's records.
#[derive(Debug, Default)]
pub struct Page {
    /// Each record's winning ops, their JSON as stored (checked when pushed; read again only
    /// by whoever parses it), joined by [`OP_SEPARATOR`]: one text per record, as read.
    records_ops: Vec<String>,
    pub records: u32,
    /// The page's last record.
    pub last: Option<String>,
    pub more: bool,
}

impl Page {
    /// Every winning op of each record, record after record, in field order.
    pub fn ops(&self) -> impl Iterator<Item = &str> {
        self.records_ops
            .iter()
            .flat_map(|ops| ops.split(OP_SEPARATOR))
    }
}

/// Which records of a kind a page may hold: those after `after` (from the first when
/// `None`) up to and including `until` (to the last when `None`).
#[derive(Clone, Copy, Debug, Default)]
pub struct Range<'a> {
    pub after: Option<&'a str>,
    pub until: Option<&'a str>,
}

/// Up to `limit` records of `entity` in `range`, each whole, in record-id order, no more than
/// fit in `max_bytes` of JSON (but at least one). One statement, read by keyset on the
/// primary key and streamed, so it holds no lock a push waits on; the database joins each
/// record's ops into one row, so a page crosses from the database a row per record instead
/// of a row per field.
pub async fn page<'c>(
    executor: impl Executor<'c, Database = Any>,
    dialect: Dialect,
    workspace: &str,
    entity: &str,
    range: Range<'_>,
    limit: u32,
    max_bytes: usize,
) -> Result<Page, StorageError> {
    let until = match range.until {
        Some(_) => "AND c.record <= $5 ",
        None => "",
    };
    let sql = format!(
        "SELECT c.record, {} AS ops FROM compacted c {WITH_LOG} WHERE c.workspace = $1 \
         AND c.entity = $2 AND c.record > $3 {until}GROUP BY c.record ORDER BY c.record LIMIT $4",
        dialect.joined_ops()
    );
    let mut query = sqlx::query(&sql)
        .bind(workspace)
        .bind(entity)
        // Record ids are never empty, so every one sorts after "".
        .bind(range.after.unwrap_or(""))
        // One more than the page holds tells whether more follow.
        .bind(i64::from(limit) + 1);
    if let Some(until) = range.until {
        query = query.bind(until);
    }
    let mut rows = query.fetch(executor);
    let mut page = Page::default();
    let mut bytes = 0;
    while let Some(row) = rows.try_next().await? {
        if page.records == limit || (page.records > 0 && bytes >= max_bytes) {
            page.more = true;
            break;
        }
        let ops: String = row.try_get("ops")?;
        bytes += ops.len() + 1;
        page.records_ops.push(ops);
        page.records += 1;
        page.last = Some(row.try_get("record")?);
    }
    Ok(page)
}

/// A record's winning ops, one per field written, by sequence number: `(seq, op JSON)`.
pub async fn record_ops<'c>(
    executor: impl Executor<'c, Database = Any>,
    workspace: &str,
    entity: &str,
    record: &str,
) -> Result<Vec<(i64, String)>, StorageError> {
    let rows = sqlx::query(&format!(
        "SELECT c.seq, {BODY} FROM compacted c {WITH_LOG} WHERE c.workspace = $1 \
         AND c.entity = $2 AND c.record = $3 ORDER BY c.seq"
    ))
    .bind(workspace)
    .bind(entity)
    .bind(record)
    .fetch_all(executor)
    .await?;
    rows.iter()
        .map(|row| Ok((row.try_get("seq")?, row.try_get("body")?)))
        .collect()
}

/// How many records of each kind the workspace's state holds, deleted ones included:
/// `(entity, count)` for each kind it holds. Counted in `creators` (a row per record ever
/// pushed, which trims keep), on its primary key, instead of distinct records over every
/// field of the state.
pub async fn count_records<'c>(
    executor: impl Executor<'c, Database = Any>,
    workspace: &str,
) -> Result<Vec<(String, u64)>, StorageError> {
    let rows = sqlx::query(
        "SELECT entity, COUNT(*) AS records FROM creators WHERE workspace = $1 GROUP BY entity",
    )
    .bind(workspace)
    .fetch_all(executor)
    .await?;
    rows.iter()
        .map(|row| {
            let count: i64 = row.try_get("records")?;
            Ok((row.try_get("entity")?, count.max(0) as u64))
        })
        .collect()
}

/// Whether the workspace was ever pushed a record of `entity` (deleted ones count), on
/// `creators`' primary key.
pub async fn ever_held<'c>(
    executor: impl Executor<'c, Database = Any>,
    workspace: &str,
    entity: &str,
) -> Result<bool, StorageError> {
    let row =
        sqlx::query("SELECT 1 AS held FROM creators WHERE workspace = $1 AND entity = $2 LIMIT 1")
            .bind(workspace)
            .bind(entity)
            .fetch_optional(executor)
            .await?;
    Ok(row.is_some())
}

/// Every `every`-th record id of each kind, in record-id order: `(entity, record)`. The
/// ranges between them are parts of a kind a device can fetch at the same time, since each
/// part's first page needs no earlier page's last record.
pub async fn splits<'c>(
    executor: impl Executor<'c, Database = Any>,
    workspace: &str,
    every: u32,
) -> Result<Vec<(String, String)>, StorageError> {
    let rows = sqlx::query(
        "SELECT entity, record FROM (SELECT entity, record, ROW_NUMBER() OVER \
         (PARTITION BY entity ORDER BY record) AS n FROM creators WHERE workspace = $1) \
         AS numbered WHERE n % $2 = 0 ORDER BY entity, record",
    )
    .bind(workspace)
    .bind(i64::from(every))
    .fetch_all(executor)
    .await?;
    rows.iter()
        .map(|row| Ok((row.try_get("entity")?, row.try_get("record")?)))
        .collect()
}

/// Stored op text as relayed.
pub(crate) fn raw(seq: i64, body: String) -> Result<Box<RawValue>, StorageError> {
    RawValue::from_string(body).map_err(|error| StorageError::Corrupt {
        seq,
        reason: error.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::precedence;
    use proptest::prelude::*;
    use rabet_domain::hlc::{NodeId, Stamp};
    use rabet_domain::id::WireId;

    fn stamp() -> impl Strategy<Value = Stamp> {
        (0u64..4, 0u32..3, any::<[u8; 8]>()).prop_map(|(wall_ms, counter, node)| Stamp {
            wall_ms,
            counter,
            node: NodeId::from_random(node),
        })
    }

    proptest! {
        /// Keys order exactly as ops win, so the database can decide.
        #[test]
        fn keys_order_as_ops_win(
            a in stamp(), b in stamp(), id_a in "[ -~]{1,8}", id_b in "[ -~]{1,8}",
        ) {
            let (wire_a, wire_b) = (WireId::from_string(&id_a), WireId::from_string(&id_b));
            let by_op = (&a, &wire_a).cmp(&(&b, &wire_b));
            let by_key = precedence(&a.to_sort_key(), &id_a).cmp(&precedence(&b.to_sort_key(), &id_b));
            prop_assert_eq!(by_op, by_key);
        }
    }
}
