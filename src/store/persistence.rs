//! The browser's storage quota and persistence (`navigator.storage`).

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::StorageManager;

/// How much this origin stores, how much it may, and whether the browser promised to keep it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StorageEstimate {
    /// Bytes used.
    pub usage: u64,
    /// Bytes the browser allows.
    pub quota: u64,
    /// Whether the data survives storage pressure (see [`request_persistence`]).
    pub persisted: bool,
}

/// The current estimate, or `None` where the browser does not offer one (e.g. a page served
/// over plain HTTP, where `navigator.storage` is missing).
pub async fn storage_estimate() -> Option<StorageEstimate> {
    let storage = storage_manager()?;
    let estimate: web_sys::StorageEstimate = JsFuture::from(storage.estimate().ok()?)
        .await
        .ok()?
        .unchecked_into();
    let persisted = JsFuture::from(storage.persisted().ok()?)
        .await
        .ok()?
        .as_bool()?;
    Some(StorageEstimate {
        // Byte counts are whole numbers.
        usage: estimate.get_usage()? as u64,
        quota: estimate.get_quota()? as u64,
        persisted,
    })
}

/// Asks the browser not to evict Rabet's data under storage pressure
/// (`navigator.storage.persist()`); returns whether it agreed.
pub async fn request_persistence() -> bool {
    let Some(request) = storage_manager().and_then(|storage| storage.persist().ok()) else {
        return false;
    };
    JsFuture::from(request)
        .await
        .is_ok_and(|granted| granted.as_bool() == Some(true))
}

fn storage_manager() -> Option<StorageManager> {
    let storage = web_sys::window()?.navigator().storage();
    // The getter is `undefined` outside secure contexts although web-sys types it as present.
    (!storage.is_undefined()).then_some(storage)
}
