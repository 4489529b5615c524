//! Form building blocks shared by every page: labelled fields with their errors, selects,
//! and the modal dialog forms live in.

use super::field_error::FieldError;
use crate::i18n::phrase;
use crate::i18n::{refusal_msg, use_locale, Msg, Worded};
use crate::workspace::use_workspace;
use leptos::{html, prelude::*};
use rabet_domain::{id::Id, kind::EntityKind};

/// A labelled text input bound to one string of the draft.
#[component]
pub fn TextField<G, S>(
    label: Msg,
    id: &'static str,
    get: G,
    set: S,
    #[prop(optional, into)] error: Option<Signal<Option<FieldError>>>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] autofocus: bool,
) -> impl IntoView
where
    G: Fn() -> String + Send + Sync + 'static,
    S: Fn(String) + Send + Sync + 'static,
{
    let locale = use_locale();
    let error_id = format!("{id}-error");
    let has_error = move || error.is_some_and(|e| e.get().is_some());
    view! {
        <div class="field">
            <label class="field-label" for=id>{move || locale.t(label)}</label>
            <input
                id=id
                type=kind
                autofocus=autofocus
                prop:value=get
                on:input=move |ev| set(event_target_value(&ev))
                aria-invalid=move || has_error().to_string()
                aria-describedby=error_id.clone()
            />
            <span class="field-error" id=error_id role="alert">
                {move || error.and_then(|e| e.get()).map(|e| e.describe(locale))}
            </span>
        </div>
    }
}

/// A `<dialog>` that opens as a modal once it is in the page.
pub fn modal_dialog() -> NodeRef<html::Dialog> {
    let dialog = NodeRef::<html::Dialog>::new();
    Effect::new(move |_| {
        if let Some(dialog) = dialog.get() {
            // Should the browser refuse a modal, the dialog still opens, in place.
            if !dialog.open() && dialog.show_modal().is_err() {
                dialog.set_open(true);
            }
        }
    });
    dialog
}

/// The frame every record form sits in: modal, closes on Escape, says what failed.
#[component]
pub fn FormDialog(
    title: Signal<&'static str>,
    on_submit: Callback<()>,
    on_cancel: Callback<()>,
    #[prop(into)] saving: Signal<bool>,
    failure: RwSignal<Option<Msg>>,
    /// The kind of record saved: when this device's role may not write it, the form is
    /// shown read-only with the reason.
    #[prop(into)]
    kind: Option<EntityKind>,
    children: Children,
) -> impl IntoView {
    let locale = use_locale();
    let dialog = modal_dialog();
    let refused = refused(kind);
    view! {
        <dialog
            class="form-dialog"
            node_ref=dialog
            aria-labelledby="form-title"
            on:cancel=move |ev: web_sys::Event| {
                ev.prevent_default();
                on_cancel.run(());
            }
        >
            <form
                novalidate
                on:submit=move |ev| {
                    ev.prevent_default();
                    on_submit.run(());
                }
            >
                <h2 id="form-title">{move || title.get()}</h2>
                <RefusedNote kind />
                <fieldset class="form-fields" disabled=move || refused.get().is_some()>
                    {children()}
                </fieldset>
                <p class="form-failure" role="alert">{move || failure.get().map(|m| locale.t(m))}</p>
                <div class="form-actions">
                    <button
                        type="submit"
                        class="button primary"
                        disabled=move || saving.get() || refused.get().is_some()
                    >
                        {move || locale.t(if saving.get() { Msg::Saving } else { Msg::Save })}
                    </button>
                    <button type="button" class="button" on:click=move |_| on_cancel.run(())>
                        {move || locale.t(Msg::Cancel)}
                    </button>
                </div>
            </form>
        </dialog>
    }
}

/// A list filter: its name and its control.
#[component]
pub fn Filter(label: Msg, children: Children) -> impl IntoView {
    let locale = use_locale();
    view! {
        <label class="filter">
            <span class="filter-label">{move || locale.t(label)}</span>
            {children()}
        </label>
    }
}

/// A select over `options`, showing each option's translated text.
pub fn enum_select<T: Copy + PartialEq + Send + Sync + 'static>(
    id: &'static str,
    options: &'static [T],
    key: fn(T) -> &'static str,
    text: fn(T) -> Msg,
    current: impl Fn() -> Option<T> + Send + Sync + Copy + 'static,
    set: impl Fn(Option<T>) + Send + Sync + 'static,
    none: Option<Msg>,
) -> impl IntoView {
    let locale = use_locale();
    view! {
        <select
            id=id
            on:change=move |ev| {
                let chosen = event_target_value(&ev);
                set(options.iter().copied().find(|o| key(*o) == chosen));
            }
        >
            {none.map(|msg| view! { <option value="" selected=move || current().is_none()>{move || locale.t(msg)}</option> })}
            {options
                .iter()
                .copied()
                .map(|option| {
                    view! {
                        <option value=key(option) selected=move || current() == Some(option)>
                            {move || locale.t(text(option))}
                        </option>
                    }
                })
                .collect_view()}
        </select>
    }
}

/// A select of records by id, with a "none" choice.
#[component]
pub fn IdSelect<S>(
    label: Msg,
    id: &'static str,
    none: Msg,
    options: Signal<Vec<(Id, String)>>,
    current: Signal<Option<Id>>,
    set: S,
) -> impl IntoView
where
    S: Fn(Option<Id>) + Send + Sync + 'static,
{
    let locale = use_locale();
    view! {
        <div class="field">
            <label class="field-label" for=id>{move || locale.t(label)}</label>
            <select id=id on:change=move |ev| {
                let chosen = event_target_value(&ev);
                set(Some(chosen).filter(|v| !v.is_empty()).and_then(|v| Id::find(&v)));
            }>
                <option value="">{move || locale.t(none)}</option>
                {move || options.get().into_iter().map(|(option, name)| {
                    let selected = current.with_untracked(|c| c.as_ref() == Some(&option));
                    view! { <option value=option.to_string() selected=selected>{name}</option> }
                }).collect_view()}
            </select>
        </div>
    }
}

/// A list's search box: named "Search" for assistive technology, its placeholder says what
/// it looks in.
#[component]
pub fn SearchBox(query: RwSignal<String>, placeholder: Msg) -> impl IntoView {
    let locale = use_locale();
    view! {
        <label class="search">
            <span class="visually-hidden">{move || locale.t(Msg::Search)}</span>
            <input
                type="search"
                placeholder=move || locale.t(placeholder)
                prop:value=move || query.get()
                on:input=move |ev| query.set(event_target_value(&ev))
            />
        </label>
    }
}

/// "Show more (20 of 135)" under a list shown `limit` rows at a time; adds `step` rows.
#[component]
pub fn ShowMore(
    limit: RwSignal<usize>,
    step: usize,
    #[prop(into)] total: Signal<usize>,
) -> impl IntoView {
    let locale = use_locale();
    let more = move || total.get() > limit.get();
    view! {
        <Show when=more>
            <button type="button" class="button" on:click=move |_| limit.update(|l| *l += step)>
                {move || {
                    let shown = locale.number(limit.get().min(total.get()));
                    let total = locale.number(total.get());
                    locale.fill(phrase::ShowMoreOf { shown: &shown, total: &total })
                }}
            </button>
        </Show>
    }
}

/// The first `shown` of a list's rows, given as positions in the workspace's records of the
/// kind (tracked): what a list shown with [`ShowNext`] draws.
pub fn first_shown<E: crate::workspace::Listed>(
    positions: Memo<Vec<usize>>,
    shown: RwSignal<usize>,
) -> impl Fn() -> Vec<E> + Copy + Send + Sync + 'static {
    let workspace = use_workspace();
    move || {
        E::collection(&workspace).with(|records| {
            positions.with(|v| {
                v.iter()
                    .take(shown.get())
                    .map(|&at| records.at(at).clone())
                    .collect()
            })
        })
    }
}

/// "Show 20 more" under a list shown `shown` rows at a time; adds up to `step` rows.
#[component]
pub fn ShowNext(
    shown: RwSignal<usize>,
    step: usize,
    #[prop(into)] total: Signal<usize>,
) -> impl IntoView {
    let locale = use_locale();
    let hidden = move || total.get().saturating_sub(shown.get());
    view! {
        <Show when=move || hidden() != 0>
            <button type="button" class="button" on:click=move |_| shown.update(|n| *n += step)>
                {move || locale.fill(phrase::ShowMore { count: &locale.number(step.min(hidden())) })}
            </button>
        </Show>
    }
}

/// A failure in words, with its technical detail (if any) folded under "Details".
#[component]
pub fn FailureText(#[prop(into)] failure: Signal<Option<Worded>>) -> impl IntoView {
    let locale = use_locale();
    move || {
        failure.get().map(|failure| {
            view! {
                <div class="form-failure" role="alert">
                    <p>{failure.text}</p>
                    {failure.detail.map(|detail| view! {
                        <details class="failure-details">
                            <summary>{move || locale.t(Msg::DetailsToggle)}</summary>
                            <code dir="ltr">{detail}</code>
                        </details>
                    })}
                </div>
            }
        })
    }
}

/// Why this device's role may not write records of `kind` (tracked); `None` when it may,
/// or for no kind.
pub fn refused(kind: Option<EntityKind>) -> Signal<Option<Msg>> {
    let workspace = use_workspace();
    Signal::derive(move || {
        kind.and_then(|kind| workspace.refusal(kind))
            .map(|refusal| refusal_msg(Some(refusal)))
    })
}

/// Says, where controls are disabled, why this device's role may not change records of
/// `kind`; nothing when it may.
#[component]
pub fn RefusedNote(#[prop(into)] kind: Option<EntityKind>) -> impl IntoView {
    let locale = use_locale();
    let refused = refused(kind);
    move || {
        refused
            .get()
            .map(|msg| view! { <p class="access-note" role="note">{locale.t(msg)}</p> })
    }
}

/// A labelled select whose options are `(value, text)`; the empty value means "all".
#[component]
pub fn FilterSelect(
    label: Msg,
    options: Signal<Vec<(String, String)>>,
    value: RwSignal<String>,
) -> impl IntoView {
    let locale = use_locale();
    view! {
        <Filter label=label>
            <select on:change=move |ev| value.set(event_target_value(&ev)) prop:value=move || value.get()>
                <option value="">{move || locale.t(Msg::All)}</option>
                {move || {
                    options
                        .get()
                        .into_iter()
                        .map(|(key, text)| {
                            let selected = value.get_untracked() == key;
                            view! { <option value=key selected=selected>{text}</option> }
                        })
                        .collect_view()
                }}
            </select>
        </Filter>
    }
}
