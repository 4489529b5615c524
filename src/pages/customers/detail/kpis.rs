//! The KPI strip: lifetime value, orders, AOV, last purchase, days since last contact, open
//! deal value, open tickets, average CSAT and RFM class (definitions in `rabet_domain::report::customer`).

use super::profile::Profile;
use crate::i18n::phrase;
use crate::{
    i18n::{use_locale, Counted, Locale, Msg},
    local_time::{format_date, use_calendar},
    ui::labels::rfm_class_msg,
};
use leptos::prelude::*;
use rabet_domain::{
    calendar::Calendar,
    locale::{format_decimal, format_money, Lang},
    money::Money,
    report::customer::CustomerKpis,
};

/// An amount, followed by the amounts in other currencies that it leaves out.
fn money_with_others(main: Money, others: &[Money], lang: Lang) -> String {
    std::iter::once(main)
        .chain(others.iter().copied())
        .map(|money| format_money(money, lang))
        .collect::<Vec<_>>()
        .join(" + ")
}

/// What a figure shows before there is anything to compute it from.
fn none_yet(locale: Locale) -> String {
    locale.t(Msg::NoneYet).to_owned()
}

/// A figure of the strip, worded from the customer's KPIs.
type Figure = fn(&CustomerKpis, Locale, Calendar) -> String;

#[component]
pub fn KpiStrip(profile: Memo<Profile>) -> impl IntoView {
    let locale = use_locale();
    let calendar = use_calendar();
    let kpi = move |label: Msg, value: Figure| {
        view! {
            <li class="kpi">
                <span class="kpi-label">{move || locale.t(label)}</span>
                <strong class="kpi-value">{move || profile.with(|p| value(&p.kpis, locale, calendar.get()))}</strong>
            </li>
        }
    };
    view! {
        <ul class="kpi-strip" aria-label=move || locale.t(Msg::KeyFigures)>
            {kpi(Msg::KpiLifetimeValue, |k, l, _| money_with_others(k.lifetime_value, &k.other_currency_revenue, l.lang()))}
            {kpi(Msg::KpiOrders, |k, l, _| l.number(k.orders as usize))}
            {kpi(Msg::KpiAverageOrderValue, |k, l, _| k.average_order_value.map_or_else(|| none_yet(l), |m| format_money(m, l.lang())))}
            {kpi(Msg::KpiLastPurchase, |k, l, c| k.last_purchase_at.map_or_else(|| none_yet(l), |at| format_date(at, c, l.lang())))}
            {kpi(Msg::KpiSinceLastContact, |k, l, _| match k.days_since_last_contact {
                None => l.t(Msg::NoContactYet).to_owned(),
                Some(0) => l.t(Msg::DayToday).to_owned(),
                Some(days) => l.count(Counted::Days, days as usize),
            })}
            {kpi(Msg::KpiOpenDealValue, |k, l, _| money_with_others(k.open_deal_value, &k.other_currency_open_deal_value, l.lang()))}
            {kpi(Msg::KpiOpenTickets, |k, l, _| {
                let open = l.number(k.open_tickets as usize);
                if k.tickets_breaching_sla > 0 {
                    l.fill(phrase::OpenTicketsPastSla { open: &open, late: &l.number(k.tickets_breaching_sla as usize) })
                } else {
                    open
                }
            })}
            {kpi(Msg::KpiAverageCsat, |k, l, _| k.csat.map_or_else(|| none_yet(l), |csat| {
                let tenths = (csat.mean() * 10.0).round() as i64;
                l.fill(phrase::CsatOutOfFive { mean: &format_decimal(tenths, 1, l.lang()) })
            }))}
            {kpi(Msg::KpiRfmClass, |k, l, _| k.rfm.map_or_else(|| none_yet(l), |rfm| l.t(rfm_class_msg(rfm.class)).to_owned()))}
        </ul>
    }
}
