//! Rabet, the browser app: mounts the shell and its pages.

mod app;
mod download;
mod editing;
mod file;
mod i18n;
mod icons;
mod local_time;
mod nav;
mod notice;
mod pages;
mod pwa;
mod reminders;
mod store;
mod sync;
mod widgets;
mod workspace;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
