//! Which tab of this browser syncs: the one holding the Web Lock `rabet-sync`. A tab asks for
//! it once; the browser grants it to one tab at a time and, when that tab closes (or
//! crashes), to the next tab waiting. `web-sys` has Web Locks only behind its unstable APIs,
//! so the lock is asked for through `js_sys::Reflect`.

use std::{cell::RefCell, rc::Rc};
use wasm_bindgen::{closure::Closure, JsCast, JsValue};

const LOCK: &str = "rabet-sync";

/// Calls `lead` once this tab holds the lock, which it then keeps while it lives. Without Web
/// Locks (an origin that is not secure, such as plain HTTP on a LAN address) every tab leads
/// at once, as before tabs were told apart: still correct, since the outbox is acknowledged
/// entry by entry and pulled ops merge idempotently, only busier.
pub fn request(lead: impl FnOnce() + 'static) {
    let lead = Rc::new(RefCell::new(Some(lead)));
    let call_lead = {
        let lead = lead.clone();
        move || {
            if let Some(lead) = lead.borrow_mut().take() {
                lead();
            }
        }
    };
    let request = web_sys::window()
        .and_then(|window| js_sys::Reflect::get(&window.navigator(), &"locks".into()).ok())
        .filter(|locks| locks.is_object())
        .and_then(|locks| {
            let request = js_sys::Reflect::get(&locks, &"request".into()).ok()?;
            Some((locks, request.dyn_into::<js_sys::Function>().ok()?))
        });
    let Some((locks, request)) = request else {
        call_lead();
        return;
    };
    let granted = Closure::once_into_js({
        let call_lead = call_lead.clone();
        move |_lock: JsValue| -> JsValue {
            call_lead();
            // Never settles: the lock is held until the tab goes away.
            js_sys::Promise::new(&mut |_, _| {}).into()
        }
    });
    if request.call2(&locks, &LOCK.into(), &granted).is_err() {
        call_lead();
    }
}
