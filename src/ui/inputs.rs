//! Inputs for typed values: tags, amounts, days and team members. What they hold is read by
//! `rabet_domain::input` (amounts, percentages, tags) and the calendar (days), exactly.

use super::{
    field_error::{FieldError, Reason},
    widgets::{Filter, IdSelect},
};
use crate::i18n::phrase;
use crate::{
    i18n::{use_locale, Msg},
    workspace::use_workspace,
};
use leptos::prelude::*;
use rabet_domain::sorting::sort_by;
use rabet_domain::{
    id::Id,
    input::{amount_input_text, parse_amount},
    locale::MoneyError,
    money::{Currency, Money},
};

/// A typed day lives with the calendar it is read in.
pub use crate::local_time::{DayField, DayText};

/// The team as options of a select: each member's id and name, by name.
pub fn member_options() -> Signal<Vec<(Id, String)>> {
    let workspace = use_workspace();
    Signal::derive(move || {
        workspace.members.with(|members| {
            let mut all: Vec<(Id, String)> = members
                .iter()
                .map(|m| (m.id.clone(), m.display_name().to_owned()))
                .collect();
            sort_by(&mut all, |a, b| a.1.cmp(&b.1));
            all
        })
    })
}

/// A select of one team member, or `none`.
#[component]
pub fn MemberSelect<S>(
    label: Msg,
    id: &'static str,
    none: Msg,
    #[prop(into)] current: Signal<Option<Id>>,
    set: S,
) -> impl IntoView
where
    S: Fn(Option<Id>) + Send + Sync + 'static,
{
    view! { <IdSelect label=label id=id none=none options=member_options() current=current set=set /> }
}

/// A list's filter by team member: everyone, or one member.
#[component]
pub fn MemberFilter(label: Msg, chosen: RwSignal<Option<Id>>) -> impl IntoView {
    let locale = use_locale();
    let members = member_options();
    view! {
        <Filter label=label>
            <select on:change=move |ev| {
                let picked = event_target_value(&ev);
                chosen.set(Some(picked).filter(|c| !c.is_empty()).and_then(|c| Id::find(&c)));
            }>
                <option value="">{move || locale.t(Msg::All)}</option>
                {move || members.get().into_iter().map(|(id, name)| view! { <option value=id.to_string()>{name}</option> }).collect_view()}
            </select>
        </Filter>
    }
}

/// Tags as typed, separated by commas (read by `rabet_domain::input::parse_tags`).
#[component]
pub fn TagsField(id: &'static str, text: RwSignal<String>) -> impl IntoView {
    let locale = use_locale();
    let hint_id = format!("{id}-hint");
    view! {
        <div class="field">
            <label class="field-label" for=id>{move || locale.t(Msg::Tags)}</label>
            <input id=id type="text" aria-describedby=hint_id.clone()
                prop:value=move || text.get()
                on:input=move |ev| text.set(event_target_value(&ev)) />
            <span class="field-hint" id=hint_id>{move || locale.t(Msg::TagsHint)}</span>
        </div>
    }
}

/// An amount of one currency as typed; it stays text until read, so nothing typed is lost.
#[derive(Clone, Copy)]
pub struct AmountText {
    pub text: RwSignal<String>,
    pub currency: Currency,
}

impl AmountText {
    /// Shows `money`, or an empty field for `None`.
    pub fn new(money: Option<Money>, currency: Currency) -> Self {
        let lang = untrack(|| use_locale().lang());
        AmountText {
            text: RwSignal::new(
                money
                    .map(|money| amount_input_text(money, lang))
                    .unwrap_or_default(),
            ),
            currency,
        }
    }

    /// The amount typed; `Ok(None)` when the field is empty (reactive).
    pub fn amount(self) -> Result<Option<Money>, MoneyError> {
        parse_amount(&self.text.get(), self.currency)
    }
}

/// A labelled amount input, its currency in the label, that says when what is typed is not an
/// amount.
#[component]
pub fn AmountField(label: Msg, id: &'static str, amount: AmountText) -> impl IntoView {
    let locale = use_locale();
    let error = move || {
        amount
            .amount()
            .err()
            .map(|error| FieldError::new(id, Reason::Amount(error)).describe(locale))
    };
    let error_id = format!("{id}-error");
    view! {
        <div class="field">
            <label class="field-label" for=id>
                {move || locale.fill(phrase::LabelledField { field: locale.t(label), label: amount.currency.label(locale.lang()) })}
            </label>
            <input id=id type="text" inputmode="decimal" aria-describedby=error_id.clone()
                prop:value=move || amount.text.get()
                on:input=move |ev| amount.text.set(event_target_value(&ev))
                aria-invalid=move || error().is_some().to_string() />
            <span class="field-error" id=error_id role="alert">{error}</span>
        </div>
    }
}
