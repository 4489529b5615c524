//! Tabs of one browser share one database: each tells the others what it wrote, over a
//! `BroadcastChannel` named after the database (Chromium, Firefox and WebKit all have it).
//!
//! A channel object never hears its own messages, so each [`Store`](super::Store) keeps one
//! channel object for posting and hearing: a tab hears every other tab, never itself.

use futures::channel::mpsc;
use rabet_domain::{hlc::Stamp, kind::EntityKind};
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use std::{cell::RefCell, marker::PhantomData};
use wasm_bindgen::{closure::Closure, JsCast, JsValue};
use web_sys::{BroadcastChannel, MessageEvent};

/// What a tab posts after a write transaction committed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
pub enum TabNews {
    /// These records changed (or were deleted): read them again. `stamp` is the latest stamp
    /// the writing tab's clock had issued or seen, so the reader's next edit comes after it.
    Written {
        records: Vec<(EntityKind, String)>,
        stamp: Stamp,
    },
    /// Every record may have changed (a backup replaced the workspace): read everything again.
    Cleared,
}

/// The channel's message handler, kept alive as long as the channel.
type Listener = Closure<dyn FnMut(MessageEvent)>;

/// A channel between the tabs of this browser carrying `T` as JSON text. Without
/// `BroadcastChannel` (very old browsers), posting does nothing and nothing is heard.
pub struct TabChannel<T> {
    channel: Option<BroadcastChannel>,
    listener: RefCell<Option<Listener>>,
    _message: PhantomData<fn(T) -> T>,
}

impl<T: Serialize + DeserializeOwned + 'static> TabChannel<T> {
    pub fn new(name: &str) -> TabChannel<T> {
        TabChannel {
            channel: BroadcastChannel::new(name).ok(),
            listener: RefCell::new(None),
            _message: PhantomData,
        }
    }

    /// Tells every other tab.
    pub fn post(&self, message: &T) {
        let (Some(channel), Ok(text)) = (&self.channel, serde_json::to_string(message)) else {
            return;
        };
        // Fails only once the channel is closed, when no tab is left to tell.
        let _ = channel.post_message(&JsValue::from_str(&text));
    }

    /// What the other tabs post from now on (one listener: a second call replaces the first).
    /// Messages that are not a `T` (another version of the app in another tab) are skipped.
    pub fn listen(&self) -> mpsc::UnboundedReceiver<T> {
        let (sender, receiver) = mpsc::unbounded();
        if let Some(channel) = &self.channel {
            let listener = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
                let message = event
                    .data()
                    .as_string()
                    .and_then(|text| serde_json::from_str(&text).ok());
                if let Some(message) = message {
                    // The receiver lives as long as the app; nothing to do once it is gone.
                    let _ = sender.unbounded_send(message);
                }
            });
            channel.set_onmessage(Some(listener.as_ref().unchecked_ref()));
            *self.listener.borrow_mut() = Some(listener);
        }
        receiver
    }
}

impl<T> Drop for TabChannel<T> {
    fn drop(&mut self) {
        if let Some(channel) = &self.channel {
            channel.set_onmessage(None);
            channel.close();
        }
    }
}
