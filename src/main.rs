//! Rabet, the browser app: mounts the shell and its pages.

mod app;
mod i18n;
mod icons;
mod nav;
mod pages;
mod pwa;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
