//! Asking why a deal was lost: one of the workspace's reasons, or the user's own words.

use super::{
    moves::{move_to_stage, MovedBy},
    state::use_page,
};
use crate::{
    i18n::{use_locale, Msg},
    ui::widgets::FormDialog,
    workspace::use_workspace,
};
use leptos::prelude::*;
use rabet_domain::{id::Id, kind::EntityKind, model::DealStatus};

/// Radio buttons for the configured lost reasons plus "other reason" with a text field;
/// `reason` holds the chosen or typed text.
#[component]
pub fn LostReasonPicker(reason: RwSignal<String>, error: Signal<Option<String>>) -> impl IntoView {
    let locale = use_locale();
    let workspace = use_workspace();
    let reasons = Memo::new(move |_| workspace.settings.with(|s| s.lost_reasons.clone()));
    let typed = reason
        .with_untracked(|r| !r.is_empty() && reasons.with_untracked(|list| !list.contains(r)));
    let other = RwSignal::new(typed);
    let other_text = RwSignal::new(if typed {
        reason.get_untracked()
    } else {
        String::new()
    });
    view! {
        <fieldset class="lost-reasons" aria-describedby="lost-reason-error">
            <legend class="field-label">{move || locale.t(Msg::LostReason)}</legend>
            <For each=move || reasons.get() key=|r| r.clone() let:choice>
                <label class="choice">
                    <input
                        type="radio"
                        name="lost-reason"
                        prop:checked={
                            let choice = choice.clone();
                            move || !other.get() && reason.with(|r| *r == choice)
                        }
                        on:change={
                            let choice = choice.clone();
                            move |_| {
                                other.set(false);
                                reason.set(choice.clone());
                            }
                        }
                    />
                    <bdi>{locale.given_name(&choice)}</bdi>
                </label>
            </For>
            <label class="choice">
                <input
                    type="radio"
                    name="lost-reason"
                    prop:checked=move || other.get()
                    on:change=move |_| {
                        other.set(true);
                        reason.set(other_text.get_untracked());
                    }
                />
                {move || locale.t(Msg::LostReasonOther)}
            </label>
            <Show when=move || other.get()>
                <input
                    type="text"
                    class="lost-reason-text"
                    aria-label=move || locale.t(Msg::LostReasonDescribe)
                    autofocus
                    prop:value=move || other_text.get()
                    on:input=move |ev| {
                        let text = event_target_value(&ev);
                        other_text.set(text.clone());
                        reason.set(text);
                    }
                />
            </Show>
            <span class="field-error" id="lost-reason-error" role="alert">{move || error.get()}</span>
        </fieldset>
    }
}

/// The dialog the card's "Lost" button opens.
#[component]
pub fn LostDialog(deal_id: Id) -> impl IntoView {
    let locale = use_locale();
    let page = use_page();
    let title = page
        .deal(&deal_id)
        .map(|deal| deal.title)
        .unwrap_or_default();
    let reason = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let close = Callback::new(move |_| page.losing.set(None));
    let submit = Callback::new(move |_| {
        let text = reason.get_untracked();
        if text.trim().is_empty() {
            error.set(Some(locale.t(Msg::ErrRequired).to_owned()));
            return;
        }
        let lost_stage = page.pipeline.with_untracked(|p| {
            p.as_ref()
                .and_then(|p| p.first_stage_with(DealStatus::Lost))
                .map(|s| s.id.clone())
        });
        if let Some(stage) = lost_stage {
            move_to_stage(page, &deal_id, &stage, Some(&text), MovedBy::Pointer);
        }
        page.losing.set(None);
    });
    view! {
        <FormDialog
            title=Signal::derive(move || locale.t(Msg::MarkLostTitle))
            on_submit=submit
            on_cancel=close
            saving=RwSignal::new(false)
            failure=RwSignal::new(None)
            kind=EntityKind::Deal
        >
            <p class="lost-deal"><bdi>{title}</bdi></p>
            <LostReasonPicker reason=reason error=error.into() />
        </FormDialog>
    }
}
