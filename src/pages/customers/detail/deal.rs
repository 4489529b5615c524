//! A minimal "new deal" for the 360 page: title, value and expected close, placed in the first
//! open stage of the workspace's default pipeline (the pipeline page does the rest).

use crate::i18n::phrase;
use crate::{
    i18n::{use_locale, Msg},
    local_time::{now_ms, use_calendar, DayField, DayText},
    records::pipeline::shown_pipeline,
    ui::parties::parties_of,
    ui::widgets::{FormDialog, TextField},
    ui::{draft::Draft, editing::remembered_member},
    workspace::{use_workspace, Workspace},
};
use leptos::prelude::*;
use leptos_router::components::A;
use rabet_domain::{
    locale::{format_decimal, parse_money},
    model::{Deal, DealStatus, Pipeline, RecordRef},
    money::Money,
};

/// The pipeline new deals go to: the workspace's default, else the first. The pipeline page
/// sets one up when a workspace has none.
fn default_pipeline() -> Option<Pipeline> {
    let workspace = use_workspace();
    let chosen = workspace.settings.with(|s| s.default_pipeline_id.clone());
    workspace.pipelines.with(|pipelines| {
        chosen
            .and_then(|id| pipelines.get(&id).cloned())
            .or_else(|| pipelines.iter().next().cloned())
            .map(|p| shown_pipeline(p, use_locale()))
    })
}

#[component]
pub fn QuickDealForm(customer: RecordRef, on_done: Callback<()>) -> impl IntoView {
    let locale = use_locale();
    let workspace = use_workspace();
    let calendar = use_calendar();
    let currency = workspace.settings.with_untracked(|s| s.currency);
    let value_text = RwSignal::new(String::new());
    let close = DayText::new(None, calendar.get_untracked(), locale.lang());
    let (contact_id, company_id) = parties_of(&customer);
    let contact = contact_id
        .as_ref()
        .and_then(|id| workspace.contacts.with_untracked(|c| c.get(id).cloned()));
    let owner_id = contact
        .as_ref()
        .and_then(|c| c.owner_id.clone())
        .or_else(remembered_member);
    let source = contact.and_then(|c| c.source);
    let draft = Draft::new(None, move || Deal {
        id: Workspace::new_id(),
        contact_id,
        company_id,
        owner_id,
        source,
        value: Money::new(0, currency),
        created_at: now_ms(),
        ..Deal::default()
    });
    let record = draft.record;
    let pipeline = Memo::new(move |_| default_pipeline());
    let value = move || {
        let text = value_text.get();
        if text.trim().is_empty() {
            Ok(Money::new(0, currency))
        } else {
            parse_money(&text, currency)
        }
    };
    let submit = move |_| {
        let (Ok(value), Ok(expected_close)) = (value(), close.day(calendar.get_untracked())) else {
            draft.failure.set(Some(Msg::FixHighlighted));
            return;
        };
        let mut deal = record.get_untracked();
        deal.title = deal.title.trim().to_owned();
        deal.value = value;
        deal.expected_close = expected_close;
        if let Some(pipeline) = pipeline.get_untracked() {
            if let Some(stage) = pipeline.first_stage_with(DealStatus::Open) {
                deal.pipeline_id = pipeline.id.clone();
                deal.move_to_stage(stage, deal.created_at, deal.owner_id.clone());
            }
        }
        draft.submit(deal, move |_| on_done.run(()));
    };
    view! {
        <FormDialog title=Signal::derive(move || locale.t(Msg::NewDeal)) on_submit=Callback::new(submit)
            on_cancel=on_done saving=draft.saving() failure=draft.failure kind=draft.kind()>
            <Show when=move || pipeline.with(Option::is_none)>
                <p class="banner">
                    {move || locale.t(Msg::NoPipelineYet)}" "
                    <A href="/pipeline">{move || locale.t(Msg::NavPipeline)}</A>
                </p>
            </Show>
            <TextField label=Msg::DealTitle id="deal-title" autofocus=true error=draft.error("title")
                get=move || record.with(|d| d.title.clone()) set=move |v| record.update(|d| d.title = v) />
            <div class="form-grid">
                <div class="field">
                    <label class="field-label" for="deal-value">
                        {move || locale.fill(phrase::LabelledField { field: locale.t(Msg::DealValue), label: currency.label(locale.lang()) })}
                    </label>
                    <input id="deal-value" type="text" inputmode="decimal"
                        placeholder=move || format_decimal(0, currency.minor_digits(), locale.lang())
                        prop:value=move || value_text.get()
                        aria-invalid=move || value().is_err().to_string()
                        on:input=move |ev| value_text.set(event_target_value(&ev)) />
                    <span class="field-error" role="alert">{move || value().is_err().then(|| locale.t(Msg::ErrAmount))}</span>
                </div>
                <DayField label=Msg::ExpectedClose id="deal-close" text=close />
            </div>
        </FormDialog>
    }
}
