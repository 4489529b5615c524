//! The command palette (Ctrl+K / ⌘K, or the search button): one box that finds any
//! customer, deal, ticket, invoice, page or action, used by keyboard alone as the ARIA
//! combobox pattern describes (a text box whose results are a listbox's options; the active
//! option is named by `aria-activedescendant` while focus stays in the box). And the
//! single-key shortcuts, listed by "?".

mod actions;
mod found;
mod keys;

use crate::{
    i18n::{use_locale, Counted, Msg},
    ui::widgets::modal_dialog,
    workspace::use_workspace,
};
use actions::Runner;
use found::{find, Found, Target};
use leptos::{ev, prelude::*};

/// Which of the shell's two keyboard dialogs is open (the context).
#[derive(Clone, Copy)]
pub struct Palette {
    open: RwSignal<bool>,
    help: RwSignal<bool>,
}

impl Palette {
    pub fn provide() {
        provide_context(Palette {
            open: RwSignal::new(false),
            help: RwSignal::new(false),
        });
    }

    /// Opens the palette (the navigation's search button).
    pub fn open(self) {
        self.help.set(false);
        self.open.set(true);
    }
}

/// The palette's key as the navigation's search button shows it (a key cap, the same in
/// both languages).
pub const PALETTE_KEYS: &str = "Ctrl K";

pub fn use_palette() -> Palette {
    expect_context::<Palette>()
}

/// The palette, the shortcuts' list and the listener for their keys; in the shell, once,
/// inside the router (after [`Palette::provide`]).
#[component]
pub fn CommandPalette() -> impl IntoView {
    let palette = use_palette();
    let runner = Runner::new();
    runner.forget_stale_requests();
    keys::listen(palette, runner);
    view! {
        <Show when=move || palette.open.get()>
            <PaletteDialog palette runner />
        </Show>
        <Show when=move || palette.help.get()>
            <keys::ShortcutsDialog palette />
        </Show>
    }
}

const LIST_ID: &str = "palette-results";

fn option_id(index: usize) -> String {
    format!("palette-option-{index}")
}

#[component]
fn PaletteDialog(palette: Palette, runner: Runner) -> impl IntoView {
    let locale = use_locale();
    let workspace = use_workspace();
    let typed = RwSignal::new(String::new());
    let active = RwSignal::new(0_usize);
    let results = Memo::new(move |_| {
        let context = runner.context();
        typed.with(|typed| find(workspace, locale, &context, typed))
    });
    let dialog = modal_dialog();
    let close = move || palette.open.set(false);
    let choose = move |found: Found| {
        close();
        match found.target {
            Target::Go(path) => runner.go(&path),
            Target::Run(action) => runner.run(action),
        }
    };
    let on_key = move |event: ev::KeyboardEvent| {
        let count = results.with(Vec::len);
        let step = |by: usize| active.update(|at| *at = (*at + by) % count.max(1));
        match event.key().as_str() {
            "ArrowDown" => step(1),
            "ArrowUp" => step(count.saturating_sub(1)),
            "Enter" => {
                if let Some(found) = results.with(|r| r.get(active.get_untracked()).cloned()) {
                    choose(found);
                }
            }
            _ => return,
        }
        event.prevent_default();
    };
    // The active option stays in sight as the arrows move through a list taller than the box.
    Effect::new(move |_| {
        let id = option_id(active.get());
        if let Some(option) = document().get_element_by_id(&id) {
            option.scroll_into_view_with_bool(false);
        }
    });
    let active_id = move || {
        let any = results.with(|r| !r.is_empty());
        any.then(|| option_id(active.get()))
    };
    let status = move || match results.with(Vec::len) {
        0 => locale.t(Msg::PaletteNoMatch).to_owned(),
        count => locale.count(Counted::PaletteFound, count),
    };

    view! {
        <dialog
            class="palette"
            node_ref=dialog
            aria-label=move || locale.t(Msg::PaletteTitle)
            on:cancel=move |event: web_sys::Event| {
                event.prevent_default();
                close();
            }
            on:click=move |event: ev::MouseEvent| {
                // A click on the backdrop (the dialog itself, outside its box) closes it.
                if event.target() == event.current_target() {
                    close();
                }
            }
        >
            <div class="palette-box">
                <input
                    class="palette-input"
                    type="text"
                    role="combobox"
                    autofocus
                    autocomplete="off"
                    spellcheck="false"
                    aria-label=move || locale.t(Msg::PaletteInput)
                    placeholder=move || locale.t(Msg::PalettePlaceholder)
                    aria-expanded=move || results.with(|r| !r.is_empty()).to_string()
                    aria-controls=LIST_ID
                    aria-autocomplete="list"
                    aria-activedescendant=active_id
                    prop:value=move || typed.get()
                    on:input=move |event| {
                        active.set(0);
                        typed.set(event_target_value(&event));
                    }
                    on:keydown=on_key
                />
                <ul class="palette-results" id=LIST_ID role="listbox" aria-label=move || locale.t(Msg::PaletteResults)>
                    <For
                        each=move || results.get().into_iter().enumerate()
                        key=|(index, found)| (*index, found.name.clone(), found.target.clone())
                        let:((index, found))
                    >
                        <ResultOption index found active choose=Callback::new(choose) />
                    </For>
                </ul>
                <p class="palette-status" role="status" aria-live="polite">{status}</p>
                <p class="palette-hint" aria-hidden="true">{move || locale.t(Msg::PaletteHint)}</p>
            </div>
        </dialog>
    }
}

#[component]
fn ResultOption(
    index: usize,
    found: Found,
    active: RwSignal<usize>,
    choose: Callback<Found>,
) -> impl IntoView {
    let locale = use_locale();
    let kind = found.kind;
    let chosen = found.clone();
    view! {
        <li
            id=option_id(index)
            role="option"
            class="palette-option"
            aria-selected=move || (active.get() == index).to_string()
            on:mousemove=move |_| {
                if active.get_untracked() != index {
                    active.set(index);
                }
            }
            // Keeps focus in the box, as the pattern wants, when an option is clicked.
            on:mousedown=move |event| event.prevent_default()
            on:click=move |_| choose.run(chosen.clone())
        >
            <span class="palette-name">
                <bdi>{found.name}</bdi>
                {(!found.detail.is_empty()).then(|| view! { <bdi class="palette-detail">{found.detail}</bdi> })}
            </span>
            <span class="palette-kind">{move || locale.t(kind)}</span>
            {found.key.map(|key| view! { <kbd class="palette-key">{key}</kbd> })}
        </li>
    }
}
