//! Snapshot pages as answered, shared by the devices that join a workspace at about the same
//! time: a page is built once (read from the compacted state, made into rows, written as
//! JSON) and the others get the same answer, instead of every device costing the server the
//! whole workspace again.
//!
//! A page is kept against the workspace's latest sequence number when it was asked for, and
//! given only while that number has not moved: it then holds every op a device asking for it
//! needs (a later page of a join asks with its first page's cursor, never above the latest),
//! and its own cursor is the one it was read at. A push makes a workspace's pages stale; they
//! are dropped when the workspace's next page is asked for. Devices asking for a page being
//! built wait for that build instead of starting their own.

use crate::storage::StorageError;
use rabet_domain::{kind::EntityKind, sync::Cursor};
use std::{
    collections::{HashMap, VecDeque},
    future::Future,
    sync::{Arc, Mutex, PoisonError},
};
use tokio::sync::OnceCell;

/// Pages kept at most: a join keeps three in flight, so this covers several devices a few
/// pages apart. A page is at most about `MAX_PULL_BYTES` of JSON (4 MiB; 2–3 MiB as rows),
/// so the pages kept stay within tens of MiB.
pub const KEPT_PAGES: usize = 16;

/// Which page: the same request by any member of the workspace.
#[derive(Clone, Debug, Hash, PartialEq, Eq)]
pub struct PageKey {
    pub workspace: String,
    pub kind: EntityKind,
    pub after: Option<String>,
    pub until: Option<String>,
    pub limit: u32,
    /// A join's first page, which also carries totals and parts.
    pub first: bool,
    /// As rows ready to store, else as ops.
    pub rows: bool,
}

/// An answer as sent: its JSON, and the cursor it was read at.
#[derive(Debug)]
pub struct BuiltPage {
    pub body: String,
    pub cursor: Cursor,
}

type Slot = Arc<OnceCell<Arc<BuiltPage>>>;

/// The pages kept, oldest first.
#[derive(Default)]
struct Kept {
    slots: HashMap<PageKey, (Cursor, Slot)>,
    order: VecDeque<PageKey>,
}

/// Snapshot pages shared between devices (see the module's notes).
#[derive(Default)]
pub struct SnapshotPages {
    kept: Mutex<Kept>,
}

impl SnapshotPages {
    /// The page `key` as read with the workspace at `latest`: the one kept for it, else the
    /// one `build` makes (once, however many devices ask meanwhile). A failed build is not
    /// kept: the next device asking builds again.
    pub async fn get_or_build<F, Fut>(
        &self,
        key: PageKey,
        latest: Cursor,
        build: F,
    ) -> Result<Arc<BuiltPage>, StorageError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<BuiltPage, StorageError>>,
    {
        let slot = self.slot(key, latest);
        let page = slot.get_or_try_init(|| async { build().await.map(Arc::new) });
        Ok(page.await?.clone())
    }

    /// The slot for `key` at `latest`, made if it is new; drops the workspace's stale pages
    /// and the oldest beyond [`KEPT_PAGES`].
    fn slot(&self, key: PageKey, latest: Cursor) -> Slot {
        let mut kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((at, slot)) = kept.slots.get(&key) {
            if *at == latest {
                return slot.clone();
            }
        }
        let Kept { slots, order } = &mut *kept;
        slots.retain(|held, (at, _)| held.workspace != key.workspace || *at == latest);
        order.retain(|held| slots.contains_key(held));
        while order.len() >= KEPT_PAGES {
            if let Some(oldest) = order.pop_front() {
                slots.remove(&oldest);
            }
        }
        let slot = Slot::default();
        order.push_back(key.clone());
        slots.insert(key, (latest, slot.clone()));
        slot
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn key(workspace: &str, after: Option<&str>) -> PageKey {
        PageKey {
            workspace: workspace.to_owned(),
            kind: EntityKind::Contact,
            after: after.map(str::to_owned),
            until: None,
            limit: 100,
            first: after.is_none(),
            rows: true,
        }
    }

    /// Builds a page whose body says how many builds came before it.
    async fn get(
        pages: &SnapshotPages,
        builds: &AtomicUsize,
        key: PageKey,
        latest: Cursor,
    ) -> String {
        let page = pages
            .get_or_build(key, latest, || async {
                let n = builds.fetch_add(1, Ordering::SeqCst);
                Ok(BuiltPage {
                    body: format!("build {n}"),
                    cursor: latest,
                })
            })
            .await
            .unwrap();
        page.body.clone()
    }

    #[tokio::test]
    async fn devices_asking_at_once_share_one_build() {
        let (pages, builds) = (SnapshotPages::default(), AtomicUsize::new(0));
        let asks = (0..5).map(|_| get(&pages, &builds, key("w", None), 7));
        let bodies = futures_util::future::join_all(asks).await;
        assert!(bodies.iter().all(|body| body == "build 0"), "{bodies:?}");
        assert_eq!(builds.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_push_makes_the_workspace_pages_stale() {
        let (pages, builds) = (SnapshotPages::default(), AtomicUsize::new(0));
        assert_eq!(get(&pages, &builds, key("w", None), 7).await, "build 0");
        assert_eq!(get(&pages, &builds, key("other", None), 3).await, "build 1");
        // The workspace moved on to 8: its page is built again, the other workspace's kept.
        assert_eq!(get(&pages, &builds, key("w", None), 8).await, "build 2");
        assert_eq!(get(&pages, &builds, key("other", None), 3).await, "build 1");
        assert_eq!(get(&pages, &builds, key("w", None), 8).await, "build 2");
    }

    #[tokio::test]
    async fn the_oldest_pages_go_first() {
        let (pages, builds) = (SnapshotPages::default(), AtomicUsize::new(0));
        let afters: Vec<String> = (0..=KEPT_PAGES).map(|n| format!("r{n:03}")).collect();
        for after in &afters {
            get(&pages, &builds, key("w", Some(after)), 1).await;
        }
        assert_eq!(builds.load(Ordering::SeqCst), KEPT_PAGES + 1);
        // The newest is kept; the first was dropped to make room, so it is built again.
        let newest = afters.last().map(String::as_str);
        assert_eq!(
            get(&pages, &builds, key("w", newest), 1).await,
            format!("build {KEPT_PAGES}")
        );
        get(&pages, &builds, key("w", Some(&afters[0])), 1).await;
        assert_eq!(builds.load(Ordering::SeqCst), KEPT_PAGES + 2);
    }

    #[tokio::test]
    async fn a_failed_build_is_not_kept() {
        let (pages, builds) = (SnapshotPages::default(), AtomicUsize::new(0));
        let failed = pages
            .get_or_build(key("w", None), 7, || async {
                Err(StorageError::NoSuchWorkspace("w".into()))
            })
            .await;
        assert!(failed.is_err());
        assert_eq!(get(&pages, &builds, key("w", None), 7).await, "build 0");
    }
}
