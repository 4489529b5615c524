//! Keyboard shortcuts: Ctrl+K / ⌘K opens the palette anywhere; "?" lists the shortcuts, "/"
//! goes to the page's search box and single letters run the frequent actions, but none of
//! those while a field is being typed in or a dialog is open.

use super::{actions::Action, actions::Runner, Palette};
use crate::{
    i18n::{use_locale, Msg},
    ui::widgets::modal_dialog,
};
use leptos::{ev, prelude::*};
use wasm_bindgen::JsCast;

/// Listens for the shortcuts on the window for the shell's life.
pub fn listen(palette: Palette, runner: Runner) {
    let handle = window_event_listener(ev::keydown, move |event| on_key(&event, palette, runner));
    on_cleanup(move || handle.remove());
}

fn on_key(event: &ev::KeyboardEvent, palette: Palette, runner: Runner) {
    if event.default_prevented() || event.is_composing() || event.alt_key() {
        return;
    }
    let command = event.ctrl_key() || event.meta_key();
    // By the physical key, so that the Persian layout (where it types "ن") opens it too.
    if command && event.code() == "KeyK" {
        event.prevent_default();
        palette.open();
        return;
    }
    if command || typing_in_field(event) || dialog_open() {
        return;
    }
    let key = event.key();
    if key == "?" || key == "؟" {
        event.prevent_default();
        palette.help.set(true);
    } else if event.code() == "Slash" && !event.shift_key() {
        // Without a search box (or when it cannot take focus) "/" does what it would.
        if page_search_box().is_some_and(|search| search.focus().is_ok()) {
            event.prevent_default();
        }
    } else if let Some(action) = Action::ALL.into_iter().find(|action| {
        action
            .shortcut()
            .is_some_and(|(_, code)| code == event.code() && !event.shift_key())
    }) {
        if action.available(&untrack(|| runner.context())) {
            event.prevent_default();
            runner.run(action);
        }
    }
}

/// Whether the key goes into a field: a text box, a list of choices or editable text.
fn typing_in_field(event: &ev::KeyboardEvent) -> bool {
    let Some(element) = event
        .target()
        .and_then(|target| target.dyn_into::<web_sys::HtmlElement>().ok())
    else {
        return false;
    };
    matches!(element.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
        || element.is_content_editable()
}

/// Whether a modal dialog (a form, the palette, the shortcuts' list) is open: keys belong
/// to it then.
fn dialog_open() -> bool {
    document()
        .query_selector("dialog[open]")
        .ok()
        .flatten()
        .is_some()
}

fn page_search_box() -> Option<web_sys::HtmlElement> {
    document()
        .query_selector("main input[type=search]")
        .ok()
        .flatten()
        .and_then(|element| element.dyn_into().ok())
}

/// The palette's keys on every system. Key caps read the same in both languages (Persian
/// keyboards label them in Latin), so they are symbols rather than `Msg`s, as the single
/// keys of [`Action::shortcut`] are.
const PALETTE_KEYS_BOTH: &str = "Ctrl K / ⌘ K";

/// The list "?" opens.
#[component]
pub fn ShortcutsDialog(palette: Palette) -> impl IntoView {
    let locale = use_locale();
    let dialog = modal_dialog();
    let close = move || palette.help.set(false);
    let row = move |keys: &'static str, does: Msg| {
        view! {
            <tr>
                <td><kbd dir="ltr">{keys}</kbd></td>
                <td>{move || locale.t(does)}</td>
            </tr>
        }
    };
    let actions = Action::ALL
        .into_iter()
        .filter_map(|action| action.key().map(|key| row(key, action.label())))
        .collect_view();
    view! {
        <dialog
            class="form-dialog shortcuts"
            node_ref=dialog
            aria-labelledby="shortcuts-title"
            on:cancel=move |event: web_sys::Event| {
                event.prevent_default();
                close();
            }
        >
            <h2 id="shortcuts-title">{move || locale.t(Msg::ShortcutsTitle)}</h2>
            <p class="field-hint">{move || locale.t(Msg::ShortcutsHint)}</p>
            <table class="shortcuts-table">
                <thead>
                    <tr>
                        <th scope="col">{move || locale.t(Msg::ShortcutKey)}</th>
                        <th scope="col">{move || locale.t(Msg::ShortcutAction)}</th>
                    </tr>
                </thead>
                <tbody>
                    {row(PALETTE_KEYS_BOTH, Msg::ShortcutPalette)}
                    {row("?", Msg::ShortcutHelp)}
                    {row("/", Msg::ShortcutSearch)}
                    {actions}
                </tbody>
            </table>
            <div class="form-actions">
                <button type="button" class="button" autofocus on:click=move |_| close()>
                    {move || locale.t(Msg::Close)}
                </button>
            </div>
        </dialog>
    }
}
