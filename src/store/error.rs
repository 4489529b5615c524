//! Storage failures, typed so the app can tell the user what happened in words.

use indexed_db_futures::error::{Error as IdbError, OpenDbError, UnexpectedDataError};
use rabet_domain::{kind::EntityKind, op::OpError, sync::Refusal};
use std::fmt;
use wasm_bindgen::{JsCast, JsValue};

/// Why a storage operation failed. The app translates each variant for the user; the strings
/// are details for the console and bug reports.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// IndexedDB is missing, refused to open, was blocked by another tab, or the connection
    /// was closed (e.g. another tab upgraded the database).
    #[error("storage is unavailable: {0}")]
    Unavailable(String),
    /// The browser's storage quota is used up; nothing of the failed write was stored.
    #[error("storage is full")]
    QuotaExceeded,
    /// The transaction was aborted; nothing of it was stored.
    #[error("the write was aborted: {0}")]
    Aborted(String),
    /// A stored record could not be read back.
    #[error("stored {kind:?} {id} is unreadable: {reason}")]
    Corrupt {
        kind: EntityKind,
        id: String,
        reason: String,
    },
    /// One of this device's own entries (its clock, an outbox entry, the sync cursor or
    /// settings) could not be read back.
    #[error("the stored {entry} is unreadable: {reason}")]
    Unreadable { entry: StoreEntry, reason: String },
    /// An edit that cannot become ops: a field name or value the sync format refuses.
    #[error("the edit cannot be stored: {0}")]
    InvalidEdit(OpError),
    /// An op from a sync server is malformed; nothing of its batch was stored.
    #[error("received op {op} refused: {reason}")]
    RemoteOpRefused { op: String, reason: OpError },
    /// A value could not be written as JSON (the app's own types always can).
    #[error("a value could not be encoded: {0}")]
    Unencodable(String),
    /// This device's role on its sync server does not allow the write; nothing was stored.
    #[error("the role does not allow this write: {0:?}")]
    NotAllowed(Refusal),
    /// The browser failed in a way none of the above describes.
    #[error("the browser's storage failed: {0}")]
    Browser(String),
}

/// The entries the store keeps for itself, beside the records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreEntry {
    Clock,
    OutboxEntry,
    SyncCursor,
    SyncSettings,
    NotAccepted,
    History,
    SharedMergeState,
}

impl fmt::Display for StoreEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            StoreEntry::Clock => "clock",
            StoreEntry::OutboxEntry => "outbox entry",
            StoreEntry::SyncCursor => "sync cursor",
            StoreEntry::SyncSettings => "sync settings",
            StoreEntry::NotAccepted => "list of writes the server did not accept",
            StoreEntry::History => "field history",
            StoreEntry::SharedMergeState => "merge state shared by a bulk write",
        })
    }
}

impl StoreError {
    /// `entry` could not be read back, for `reason`.
    pub(super) fn unreadable(entry: StoreEntry, reason: impl fmt::Display) -> StoreError {
        StoreError::Unreadable {
            entry,
            reason: reason.to_string(),
        }
    }
}

/// A value as JSON text (see [`StoreError::Unencodable`]).
pub(super) fn to_json<T: serde::Serialize + ?Sized>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|error| StoreError::Unencodable(error.to_string()))
}

/// Sorts a browser `DOMException` into a variant by its name.
pub(super) fn from_dom_exception(error: &web_sys::DomException) -> StoreError {
    let (name, message) = (error.name(), error.message());
    match name.as_str() {
        "QuotaExceededError" => StoreError::QuotaExceeded,
        "AbortError" => StoreError::Aborted(message),
        // Raised when the connection is closing or closed.
        "InvalidStateError" => StoreError::Unavailable(message),
        _ => StoreError::Browser(format!("{name}: {message}")),
    }
}

/// A thrown JavaScript value: a `DOMException` if it is one, else its text.
pub(super) fn thrown(value: JsValue) -> StoreError {
    match value.dyn_ref::<web_sys::DomException>() {
        Some(error) => from_dom_exception(error),
        None => StoreError::Browser(
            value
                .dyn_ref::<js_sys::Error>()
                .map(|error| String::from(error.message()))
                .unwrap_or_else(|| format!("{value:?}")),
        ),
    }
}

impl From<IdbError> for StoreError {
    fn from(error: IdbError) -> Self {
        match error {
            IdbError::DomException(error) => from_dom_exception(&error.into()),
            IdbError::MissingData(UnexpectedDataError::TransactionAborted) => {
                StoreError::Aborted(error.to_string())
            }
            other => StoreError::Browser(other.to_string()),
        }
    }
}

impl From<OpenDbError> for StoreError {
    /// Any failure to open means storage cannot be used, except a full disk, which the user
    /// can fix.
    fn from(error: OpenDbError) -> Self {
        match error {
            OpenDbError::Base(error) => match StoreError::from(error) {
                StoreError::QuotaExceeded => StoreError::QuotaExceeded,
                StoreError::Unavailable(detail)
                | StoreError::Aborted(detail)
                | StoreError::Browser(detail) => StoreError::Unavailable(detail),
                other => StoreError::Unavailable(other.to_string()),
            },
            other => StoreError::Unavailable(other.to_string()),
        }
    }
}

/// Why a transaction did not commit. The transaction's `error`, set when the browser aborted
/// it (a full disk, a failed request), says more than the library's error.
pub(super) fn not_committed(reason: Option<web_sys::DomException>, error: IdbError) -> StoreError {
    match reason {
        Some(reason) if reason.name() == "QuotaExceededError" => StoreError::QuotaExceeded,
        Some(reason) => StoreError::Aborted(format!("{}: {}", reason.name(), reason.message())),
        None => error.into(),
    }
}
