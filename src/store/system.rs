//! The app's only reads of the wall clock and of randomness; the domain takes both as inputs.

use rabet_domain::{hlc::NodeId, id::Id};

/// Milliseconds since the Unix epoch, by the browser's clock.
pub fn now_ms() -> u64 {
    // `Date.now()` is a whole, non-negative number of milliseconds.
    js_sys::Date::now() as u64
}

/// `N` bytes from `crypto.getRandomValues`.
fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    web_sys::window()
        .expect("Rabet runs in a browser window")
        .crypto()
        .and_then(|crypto| crypto.get_random_values_with_u8_array(&mut bytes))
        .expect("crypto.getRandomValues is available in every browser Rabet supports");
    bytes
}

/// A fresh record or op id (UUIDv7: time-ordered, unique across devices).
pub fn new_id() -> Id {
    Id::v7(now_ms(), random_bytes())
}

/// The id of a new replica, made once, on the first start in this browser profile.
pub fn new_node_id() -> NodeId {
    NodeId::from_random(random_bytes())
}
