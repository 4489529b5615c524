//! The clock and the randomness the store feeds the domain for stamps and ids; the domain
//! takes both as inputs.

use rabet_domain::{
    hlc::NodeId,
    id::{Id, WireId},
};
use std::cell::RefCell;

/// Milliseconds since the Unix epoch, by the browser's clock.
pub fn now_ms() -> u64 {
    // `Date.now()` is a whole, non-negative number of milliseconds.
    js_sys::Date::now() as u64
}

/// Random bytes fetched per call of `crypto.getRandomValues`: an import makes an id per
/// field, and one call per id cost more than the rest of making it.
const RANDOM_POOL_BYTES: usize = 4096;

thread_local! {
    /// Unused bytes of the last `getRandomValues` call, taken from the end.
    static RANDOM_POOL: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// `N` bytes from `crypto.getRandomValues`.
fn random_bytes<const N: usize>() -> [u8; N] {
    RANDOM_POOL.with_borrow_mut(|pool| {
        if pool.len() < N {
            pool.resize(RANDOM_POOL_BYTES, 0);
            web_sys::window()
                .expect("Rabet runs in a browser window")
                .crypto()
                .and_then(|crypto| crypto.get_random_values_with_u8_array(pool))
                .expect("crypto.getRandomValues is available in every browser Rabet supports");
        }
        let mut bytes = [0u8; N];
        bytes.copy_from_slice(&pool[pool.len() - N..]);
        pool.truncate(pool.len() - N);
        bytes
    })
}

/// A fresh record id (UUIDv7: time-ordered, unique across devices).
pub fn new_id() -> Id {
    Id::v7(now_ms(), random_bytes())
}

/// A fresh op id made at `now_ms`, as [`new_id`] but kept with its op rather than in the id
/// table. The caller reads the clock once for all the ops of one write.
pub fn new_op_id(now_ms: u64) -> WireId {
    WireId::v7(now_ms, random_bytes())
}

/// The id of a new replica, made once, on the first start in this browser profile.
pub fn new_node_id() -> NodeId {
    NodeId::from_random(random_bytes())
}
