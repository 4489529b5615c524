//! How the app writes amounts, days, counts and parties in the reader's language and calendar.

use crate::{
    i18n::{use_locale, Counted},
    local_time::use_calendar,
    workspace::use_workspace,
};
use leptos::prelude::*;
use rabet_domain::{
    calendar::{format_day, Day},
    locale::format_money,
    model::Deal,
    money::{Currency, Money, MoneyTotals},
};

/// A day in the workspace calendar, in the reader's digits (reactive).
pub fn day_text(day: Day) -> String {
    format_day(day, use_calendar().get(), use_locale().lang())
}

/// Totals per currency, the workspace currency first: "12,000 Toman · $50" (reactive).
pub fn totals_text(totals: &MoneyTotals) -> String {
    let lang = use_locale().lang();
    let currency = use_workspace().settings.with(|s| s.currency);
    totals
        .display(currency)
        .into_iter()
        .map(|money| format_money(money, lang))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// A minor-unit amount of `currency` with its unit.
pub fn money_text(minor: i64, currency: Currency) -> String {
    format_money(Money::new(minor, currency), use_locale().lang())
}

/// "1 deal", "5 deals" in the reader's digits.
pub fn deal_count_text(count: usize) -> String {
    use_locale().count(Counted::Deals, count)
}

/// "Company · Contact", whichever the deal has.
pub fn party_text(deal: &Deal) -> String {
    let workspace = use_workspace();
    let company = deal.company_id.as_ref().and_then(|id| {
        workspace
            .companies
            .with(|c| c.get(id).map(|c| c.name.clone()))
    });
    let contact = deal.contact_id.as_ref().and_then(|id| {
        workspace
            .contacts
            .with(|c| c.get(id).map(|c| c.display_name()))
    });
    [company, contact]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" · ")
}

/// A phone number in the reader's digits, left to right and isolated from the text around it.
#[component]
pub fn PhoneNumber(number: String) -> impl IntoView {
    let locale = use_locale();
    view! { <bdi class="phone" dir="ltr">{move || locale.lang().localize_digits(&number)}</bdi> }
}

/// A phone number linked with `tel:` (the number as stored), shown as [`PhoneNumber`] does.
#[component]
pub fn PhoneLink(number: String) -> impl IntoView {
    let href = format!("tel:{number}");
    view! { <a href=href dir="ltr"><PhoneNumber number=number /></a> }
}

/// A member's name as lists and exports show it; empty for nobody or a member not known.
pub fn member_name(id: Option<&rabet_domain::id::Id>) -> String {
    let workspace = use_workspace();
    id.and_then(|id| {
        workspace
            .members
            .with_untracked(|m| m.get(id).map(|m| m.display_name().to_owned()))
    })
    .unwrap_or_default()
}
