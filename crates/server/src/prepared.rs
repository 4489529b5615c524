//! Snapshot pages prepared before any device asks: a workspace's whole snapshot, walked as a
//! joining device walks it (`rabet_domain::sync::join`), each page built as the live answer
//! is and kept gzip-compressed in memory. A device joining then costs the server no reading
//! or building: its pages are sent as kept. Building a page costs the server about 120 ms
//! of CPU at 10,000 contacts and 175 ms at 100,000 (BENCHMARKS.md), which bounded the join.
//!
//! A prepared snapshot is read at a cursor `C` (its first page's) and is as good as a live
//! one: its pages hold every op through `C` (later pages may hold later ops too, which a
//! device merges again harmlessly), and the device pulls the ops after `C`. So a join's
//! first page is served prepared while at most [`MAX_TAIL_OPS`] ops came after `C`, and
//! none of the ops after `C` were trimmed; each later page only when asked at `C`. Anything
//! else is answered live. A workspace is prepared again, in the background, once
//! [`PREPARE_AFTER_OPS`] ops came after its snapshot, at most every
//! [`PREPARE_AT_MOST_EVERY`]; devices in the middle of a join on the old snapshot get live
//! pages from then on.
//!
//! Memory: the compressed pages, about 7 % of the rows' JSON (10,000 contacts: see
//! BENCHMARKS.md).

use crate::api::build_snapshot_page;
use crate::snapshot_pages::PageKey;
use crate::storage::{Storage, StorageError};
use axum::body::Bytes;
use flate2::{write::GzEncoder, Compression};
use rabet_domain::sync::{
    join::{join_order, parts_after_first, FirstPage, Part},
    Cursor, MAX_SNAPSHOT_RECORDS,
};
use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// Ops after a prepared snapshot's cursor up to which a join starts from it: a device pulls
/// them after its pages, about 18,000 a second.
pub const MAX_TAIL_OPS: Cursor = 100_000;
/// Ops after a prepared snapshot's cursor from which the workspace is prepared again.
pub const PREPARE_AFTER_OPS: Cursor = 20_000;
/// The least time between two preparations of one workspace: a busy workspace's pushes
/// would otherwise keep the server preparing.
pub const PREPARE_AT_MOST_EVERY: Duration = Duration::from_secs(10 * 60);

/// A workspace's snapshot as prepared.
struct Prepared {
    cursor: Cursor,
    /// Each page's answer, gzip-compressed, by the request that asks for it.
    pages: HashMap<PageKey, Bytes>,
    made_at: Instant,
}

/// What a preparation made, for the log.
#[derive(Debug)]
pub struct PreparedSummary {
    pub cursor: Cursor,
    pub pages: usize,
    /// The pages' JSON, and compressed as kept.
    pub json_bytes: usize,
    pub kept_bytes: usize,
}

/// The prepared snapshots of every workspace (see the module's notes).
#[derive(Default)]
pub struct PreparedSnapshots {
    workspaces: Mutex<HashMap<String, Arc<Prepared>>>,
}

impl PreparedSnapshots {
    fn of(&self, workspace: &str) -> Option<Arc<Prepared>> {
        let workspaces = self
            .workspaces
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        workspaces.get(workspace).cloned()
    }

    /// The prepared answer to `key`, asked at `asked_at` (a join's first page asks at none)
    /// while the workspace is at `latest` and its log trimmed through `trimmed`: the
    /// snapshot's cursor and the gzip-compressed answer, or `None` to answer live.
    pub fn page(
        &self,
        key: &PageKey,
        asked_at: Option<Cursor>,
        latest: Cursor,
        trimmed: Cursor,
    ) -> Option<(Cursor, Bytes)> {
        let prepared = self.of(&key.workspace)?;
        let usable = match asked_at {
            None => {
                latest.saturating_sub(prepared.cursor) <= MAX_TAIL_OPS && trimmed <= prepared.cursor
            }
            Some(at) => at == prepared.cursor,
        };
        let body = prepared.pages.get(key).filter(|_| usable)?;
        Some((prepared.cursor, body.clone()))
    }

    /// Whether `workspace`, now at `latest`, is to be prepared (again).
    pub fn due(&self, workspace: &str, latest: Cursor) -> bool {
        match self.of(workspace) {
            None => latest > 0,
            Some(prepared) => {
                latest.saturating_sub(prepared.cursor) >= PREPARE_AFTER_OPS
                    && prepared.made_at.elapsed() >= PREPARE_AT_MOST_EVERY
            }
        }
    }

    /// Prepares `workspace`'s snapshot: every page a device joining now asks for, in the
    /// order it asks; it replaces the one prepared before once whole.
    pub async fn prepare(
        &self,
        storage: &dyn Storage,
        workspace: &str,
    ) -> Result<PreparedSummary, StorageError> {
        let key = |part: &Part, first: bool| PageKey {
            workspace: workspace.to_owned(),
            kind: part.kind,
            after: part.after.clone(),
            until: part.until.clone(),
            limit: MAX_SNAPSHOT_RECORDS,
            first,
            rows: true,
        };
        let mut pages = HashMap::new();
        let mut summary = PreparedSummary {
            cursor: 0,
            pages: 0,
            json_bytes: 0,
            kept_bytes: 0,
        };
        let mut keep = |key: PageKey, body: String| -> Result<(), StorageError> {
            let kept = gzip(&body)?;
            summary.pages += 1;
            summary.json_bytes += body.len();
            summary.kept_bytes += kept.len();
            pages.insert(key, kept);
            Ok(())
        };
        let first = Part::first();
        let (built, walk) = build_snapshot_page(storage, &key(&first, true)).await?;
        let cursor = built.cursor;
        let mut parts = parts_after_first(
            &join_order(),
            &first,
            FirstPage {
                more: walk.more,
                last: walk.last.as_ref(),
                totals: walk.totals.as_ref(),
                splits: walk.splits.as_ref(),
            },
        );
        keep(key(&first, true), built.body)?;
        while let Some(part) = parts.pop_front() {
            let (built, walk) = build_snapshot_page(storage, &key(&part, false)).await?;
            if walk.more {
                parts.push_front(part.rest_after(walk.last));
            }
            keep(key(&part, false), built.body)?;
        }
        summary.cursor = cursor;
        let prepared = Arc::new(Prepared {
            cursor,
            pages,
            made_at: Instant::now(),
        });
        self.workspaces
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(workspace.to_owned(), prepared);
        Ok(summary)
    }
}

/// `text` gzip-compressed at the default level: done once per page, so smaller answers
/// for phones are worth the time the live answers' fastest level saves.
fn gzip(text: &str) -> Result<Bytes, StorageError> {
    let mut encoder = GzEncoder::new(Vec::with_capacity(text.len() / 8), Compression::default());
    encoder
        .write_all(text.as_bytes())
        .and_then(|()| encoder.finish())
        .map(Bytes::from)
        .map_err(StorageError::from)
}
