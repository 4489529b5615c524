//! Offline start and updates: registers the service worker and offers a new build when one
//! has been deployed.
//!
//! A new worker waits (it does not take over by itself) so a page never runs half old, half new
//! code; the user's "Reload" tells it to take over, and the page reloads once it has.

use crate::{
    i18n::{use_locale, Msg},
    notice::msg_reporter,
};
use leptos::prelude::*;
use std::time::Duration;
use wasm_bindgen::{prelude::*, JsCast};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    ServiceWorker, ServiceWorkerContainer, ServiceWorkerRegistration, ServiceWorkerState,
};

const WORKER_URL: &str = "/sw.js";
/// How often an open app asks the server for a new build, besides at every start.
const UPDATE_CHECK: Duration = Duration::from_secs(30 * 60);

#[component]
pub fn UpdatePrompt() -> impl IntoView {
    let locale = use_locale();
    let tell = msg_reporter();
    let waiting = StoredValue::new_local(None::<ServiceWorker>);
    let (visible, set_visible) = signal(false);

    if let Some(container) = service_workers() {
        leptos::task::spawn_local(async move {
            let on_waiting = move |worker: ServiceWorker| {
                waiting.set_value(Some(worker));
                set_visible.set(true);
            };
            if let Err(error) = register(&container, on_waiting).await {
                // The app works without a worker; it only loses offline start. Say so in the
                // console for whoever hosts it (plain HTTP on a LAN address is the usual cause).
                web_sys::console::warn_2(&"Rabet: offline start unavailable:".into(), &error);
            }
        });
    }

    let reload = move |_| {
        let Some(container) = service_workers() else {
            return;
        };
        // Called once, when the new worker has taken over; then it is freed.
        let on_change = Closure::once_into_js(|| {
            let _ = window().location().reload();
        });
        container.set_oncontrollerchange(Some(on_change.unchecked_ref()));
        let started = waiting.with_value(|worker| {
            worker
                .as_ref()
                .is_none_or(|w| w.post_message(&JsValue::from_str("skip-waiting")).is_ok())
        });
        if !started {
            tell(Msg::UpdateFailed);
        }
    };

    view! {
        <Show when=move || visible.get()>
            <div class="update-prompt" role="status">
                <span>{move || locale.t(Msg::UpdateAvailable)}</span>
                <button type="button" class="button primary" on:click=reload>
                    {move || locale.t(Msg::UpdateReload)}
                </button>
                <button type="button" class="button" on:click=move |_| set_visible.set(false)>
                    {move || locale.t(Msg::UpdateLater)}
                </button>
            </div>
        </Show>
    }
}

/// The browser's service worker container, where there is one (not on plain-HTTP origins).
fn service_workers() -> Option<ServiceWorkerContainer> {
    let navigator = window().navigator();
    js_sys::Reflect::has(&navigator, &JsValue::from_str("serviceWorker"))
        .unwrap_or(false)
        .then(|| navigator.service_worker())
}

async fn register(
    container: &ServiceWorkerContainer,
    on_waiting: impl Fn(ServiceWorker) + Clone + 'static,
) -> Result<(), JsValue> {
    let registered = JsFuture::from(container.register(WORKER_URL)).await?;
    // A browser under automation that blocks service workers resolves with no registration:
    // then there is nothing to update.
    let Ok(registration) = registered.dyn_into::<ServiceWorkerRegistration>() else {
        return Ok(());
    };
    // Only an update waits behind a controlling worker; the very first install just activates.
    let is_update = {
        let container = container.clone();
        move || container.controller().is_some()
    };
    // A waiting worker becomes the prompt; an installing one is watched until it waits.
    let offer = move |worker: ServiceWorker| {
        let (on_waiting, is_update) = (on_waiting.clone(), is_update.clone());
        let offer_if_installed = move |worker: &ServiceWorker| {
            if worker.state() == ServiceWorkerState::Installed && is_update() {
                on_waiting(worker.clone());
            }
        };
        offer_if_installed(&worker);
        let watched = worker.clone();
        let state_changed = Closure::<dyn FnMut()>::new(move || offer_if_installed(&watched));
        worker.set_onstatechange(Some(state_changed.as_ref().unchecked_ref()));
        state_changed.forget();
    };
    let found = {
        let (registration, offer) = (registration.clone(), offer.clone());
        Closure::<dyn FnMut()>::new(move || {
            if let Some(worker) = registration.installing() {
                offer(worker);
            }
        })
    };
    registration.set_onupdatefound(Some(found.as_ref().unchecked_ref()));
    found.forget();
    // The browser checks for a new worker on every navigation, so by the time this code runs
    // the update may already be installing or waiting, its `updatefound` long gone.
    if let Some(worker) = registration.waiting().or_else(|| registration.installing()) {
        offer(worker);
    }

    // The check is in the background: a failed one is simply tried again next time.
    set_interval_with_handle(
        move || {
            let _ = registration.update();
        },
        UPDATE_CHECK,
    )?;
    Ok(())
}
