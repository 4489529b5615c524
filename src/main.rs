//! Rabet, the browser app: mounts the shell and its pages.

// Tests are not in the wasm, so they may sort with the standard sorts (see clippy.toml).
#![cfg_attr(test, allow(clippy::disallowed_methods))]

mod app;
mod automation;
mod download;
mod file;
mod i18n;
mod icons;
mod local_time;
mod nav;
mod notice;
mod pages;
mod palette;
mod pwa;
mod records;
mod reminders;
mod store;
mod sync;
mod ui;
mod workspace;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
