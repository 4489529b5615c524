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
//! Memory: the compressed pages, about a fifth of the rows' JSON: 21 MB for the
//! 10,000-contact sample, 210 MB for the 100,000 one (BENCHMARKS.md). Snapshots are kept
//! within a budget ([`PreparedSnapshots::within`]): a snapshot larger than all of it is not
//! kept, and keeping one drops others, least recently prepared first. A workspace whose
//! snapshot was not kept or was dropped is prepared again only as any other is, so
//! workspaces over the budget together take turns no faster than [`PREPARE_AT_MOST_EVERY`].

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
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// Ops after a prepared snapshot's cursor up to which a join starts from it: a device pulls
/// them after its pages, about 18,000 a second.
pub const MAX_TAIL_OPS: Cursor = 100_000;
/// Ops after a prepared snapshot's cursor from which the workspace is prepared again.
pub const PREPARE_AFTER_OPS: Cursor = 20_000;
/// The least time between two preparations of one workspace: a busy workspace's pushes
/// would otherwise keep the server preparing.
pub const PREPARE_AT_MOST_EVERY: Duration = Duration::from_secs(10 * 60);

/// A workspace's snapshot as last prepared.
struct Prepared {
    cursor: Cursor,
    /// Each page's answer, gzip-compressed, by the request that asks for it; `None` once the
    /// snapshot was found too large to keep, or dropped to keep another.
    pages: Option<Arc<HashMap<PageKey, Bytes>>>,
    kept_bytes: usize,
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
    /// Whether it fit the budget (the walk stops once it does not).
    pub kept: bool,
    /// Workspaces whose snapshots were dropped to keep it.
    pub dropped: Vec<String>,
}

/// The bytes of prepared snapshots kept by default: a 100,000-contact workspace's take 210 MB.
pub const DEFAULT_BUDGET: usize = 1024 * 1024 * 1024;

/// The prepared snapshots of every workspace (see the module's notes).
pub struct PreparedSnapshots {
    workspaces: Mutex<HashMap<String, Prepared>>,
    budget: usize,
}

impl Default for PreparedSnapshots {
    fn default() -> Self {
        PreparedSnapshots::within(DEFAULT_BUDGET)
    }
}

impl PreparedSnapshots {
    /// Prepared snapshots kept within `budget` bytes, compressed.
    pub fn within(budget: usize) -> PreparedSnapshots {
        PreparedSnapshots {
            workspaces: Mutex::default(),
            budget,
        }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, Prepared>> {
        self.workspaces
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
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
        let (cursor, pages) = {
            let workspaces = self.lock();
            let prepared = workspaces.get(&key.workspace)?;
            (prepared.cursor, prepared.pages.clone()?)
        };
        let usable = match asked_at {
            None => latest.saturating_sub(cursor) <= MAX_TAIL_OPS && trimmed <= cursor,
            Some(at) => at == cursor,
        };
        let body = pages.get(key).filter(|_| usable)?;
        Some((cursor, body.clone()))
    }

    /// Whether `workspace`, now at `latest`, is to be prepared (again).
    pub fn due(&self, workspace: &str, latest: Cursor) -> bool {
        match self.lock().get(workspace) {
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
            kept: true,
            dropped: Vec::new(),
        };
        let budget = self.budget;
        // Whether the snapshot still fits the budget.
        let mut keep = |key: PageKey, body: String| -> Result<bool, StorageError> {
            let kept = gzip(&body)?;
            summary.pages += 1;
            summary.json_bytes += body.len();
            summary.kept_bytes += kept.len();
            pages.insert(key, kept);
            Ok(summary.kept_bytes <= budget)
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
        let mut fits = keep(key(&first, true), built.body)?;
        while let Some(part) = parts.pop_front().filter(|_| fits) {
            let (built, walk) = build_snapshot_page(storage, &key(&part, false)).await?;
            if walk.more {
                parts.push_front(part.rest_after(walk.last));
            }
            fits = keep(key(&part, false), built.body)?;
        }
        summary.cursor = cursor;
        summary.kept = fits;
        let mut workspaces = self.lock();
        let mut prepared = Prepared {
            cursor,
            pages: None,
            kept_bytes: summary.kept_bytes,
            made_at: Instant::now(),
        };
        if fits {
            prepared.pages = Some(Arc::new(pages));
            let room = self.budget - summary.kept_bytes;
            summary.dropped = drop_to_fit(&mut workspaces, workspace, room);
        }
        workspaces.insert(workspace.to_owned(), prepared);
        Ok(summary)
    }
}

/// Drops the kept snapshots of workspaces other than `keeping`, least recently prepared
/// first, until those left take at most `room` bytes; returns the workspaces dropped.
fn drop_to_fit(
    workspaces: &mut HashMap<String, Prepared>,
    keeping: &str,
    room: usize,
) -> Vec<String> {
    let mut kept: Vec<(&String, &mut Prepared)> = workspaces
        .iter_mut()
        .filter(|(workspace, prepared)| *workspace != keeping && prepared.pages.is_some())
        .collect();
    // The most recently prepared keep their room first.
    kept.sort_unstable_by_key(|(_, prepared)| std::cmp::Reverse(prepared.made_at));
    let mut used = 0;
    let mut dropped = Vec::new();
    for (workspace, prepared) in kept {
        if used + prepared.kept_bytes <= room {
            used += prepared.kept_bytes;
        } else {
            prepared.pages = None;
            dropped.push(workspace.clone());
        }
    }
    dropped
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
