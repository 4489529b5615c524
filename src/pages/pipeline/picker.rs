//! Picking a contact or company by typing part of its name: a combobox listing the first few
//! matches, so it stays quick with 100,000 contacts (a select would have to hold them all).

use crate::{
    i18n::{use_locale, Msg},
    workspace::{use_workspace, Searched},
};
use leptos::prelude::*;
use rabet_domain::{id::Id, search::Query};
use web_sys::KeyboardEvent;

const MAX_MATCHES: usize = 8;

#[component]
pub fn RecordPicker<E: Searched>(
    label: Msg,
    id: &'static str,
    current: Signal<Option<Id>>,
    on_pick: Callback<Option<Id>>,
    name_of: fn(&E) -> String,
) -> impl IntoView {
    let locale = use_locale();
    let records = E::collection(&use_workspace());
    // What the user typed since the last pick; `None` shows the picked record's name.
    let typed = RwSignal::new(None::<String>);
    let active = RwSignal::new(0_usize);
    let current_name = move || {
        current
            .get()
            .and_then(|id| records.with(|r| r.get(&id).map(name_of)))
            .unwrap_or_default()
    };
    let matches = Memo::new(move |_| {
        let query = typed.with(|t| t.as_deref().map(Query::parse));
        let Some(query) = query.filter(|q| !q.is_empty()) else {
            return Vec::new();
        };
        records.with(|r| {
            (0..r.len())
                .filter(|&at| r.matches_at(at, &query))
                .take(MAX_MATCHES)
                .map(|at| (r.at(at).id().clone(), name_of(r.at(at))))
                .collect::<Vec<_>>()
        })
    });
    let open = move || matches.with(|m| !m.is_empty());
    let pick = move |choice: Option<Id>| {
        typed.set(None);
        active.set(0);
        on_pick.run(choice);
    };
    let option_id = move |at: usize| format!("{id}-option-{at}");
    let on_keydown = move |ev: KeyboardEvent| {
        let count = matches.with(Vec::len);
        match ev.key().as_str() {
            "ArrowDown" if count > 0 => active.update(|a| *a = (*a + 1) % count),
            "ArrowUp" if count > 0 => active.update(|a| *a = (*a + count - 1) % count),
            "Enter" if count > 0 => {
                pick(matches.with(|m| m.get(active.get_untracked()).map(|(id, _)| id.clone())))
            }
            // Escape first closes the list, not the dialog around it.
            "Escape" if typed.with(Option::is_some) => {
                ev.stop_propagation();
                typed.set(None);
            }
            _ => return,
        }
        ev.prevent_default();
    };
    let on_blur = move |_| {
        if typed.with(|t| t.as_deref().is_some_and(|t| t.trim().is_empty())) {
            pick(None);
        } else {
            typed.set(None);
        }
    };
    let list_id = format!("{id}-list");
    view! {
        <div class="field picker">
            <label class="field-label" for=id>{move || locale.t(label)}</label>
            <input
                id=id
                type="text"
                role="combobox"
                autocomplete="off"
                aria-autocomplete="list"
                aria-expanded=move || open().to_string()
                aria-controls=list_id.clone()
                aria-activedescendant=move || open().then(|| option_id(active.get()))
                prop:value=move || typed.get().unwrap_or_else(current_name)
                on:input=move |ev| {
                    typed.set(Some(event_target_value(&ev)));
                    active.set(0);
                }
                on:keydown=on_keydown
                on:blur=on_blur
            />
            <ul id=list_id role="listbox" class="picker-list" hidden=move || !open()>
                {move || {
                    matches
                        .get()
                        .into_iter()
                        .enumerate()
                        .map(|(at, (record, name))| {
                            view! {
                                <li
                                    id=option_id(at)
                                    role="option"
                                    aria-selected=move || (active.get() == at).to_string()
                                    // Keeps focus in the input, so its blur does not undo the pick.
                                    on:mousedown=|ev| ev.prevent_default()
                                    on:click=move |_| pick(Some(record.clone()))
                                >
                                    <bdi>{name}</bdi>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
        </div>
    }
}
