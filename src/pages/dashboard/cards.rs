//! The KPI cards: every figure of the analytical CRM for the period (formulas in
//! `rabet_domain::report::dashboard`), each with its change against the previous period of equal length.

use super::{
    charts::period_text,
    figures::{change_class, change_percent, Better, Trend},
    state::use_dashboard,
};
use crate::i18n::phrase;
use crate::{
    i18n::{use_locale, Counted, Locale, Msg, Plural},
    ui::format::totals_text,
    workspace::use_workspace,
};
use leptos::prelude::*;
use rabet_domain::{
    csat::Csat,
    locale::{format_decimal, format_money, format_percent},
    money::{Money, MoneyTotals},
    report::board::ForecastBucket,
    report::dashboard::{
        average_order_value, churn_rate, compare, csat, historic_lifetime_value,
        lead_conversion_rate, order_count, pipeline_value, predicted_lifetime_value, revenue,
        sales_cycle, win_rate, Books, Change, Compared, Figure, Ratio, SalesCycle, Scope,
    },
};

/// A KPI as the cards run it.
type Kpi<T> = fn(&Books<'_>, &Scope) -> Option<T>;
/// A KPI value in words: the figure, and a line under it.
type Show<T> = fn(&T, Locale) -> (String, Option<String>);

fn money_totals(totals: &MoneyTotals, _: Locale) -> (String, Option<String>) {
    (totals_text(totals), None)
}

fn money(money: &Money, locale: Locale) -> (String, Option<String>) {
    (format_money(*money, locale.lang()), None)
}

/// The predicted lifetime value, which learns from the year before the period's end.
fn trailing_money(money: &Money, locale: Locale) -> (String, Option<String>) {
    (
        format_money(*money, locale.lang()),
        Some(locale.t(Msg::KpiFromLastYear).to_owned()),
    )
}

fn count(count: &u32, locale: Locale) -> (String, Option<String>) {
    (locale.number(*count as usize), None)
}

fn share(ratio: &Ratio, locale: Locale) -> (String, Option<String>) {
    let part = locale.number(ratio.part as usize);
    let whole = locale.number(ratio.whole as usize);
    (
        format_percent(ratio.value(), locale.lang()),
        Some(locale.fill(phrase::PartOfWhole {
            part: &part,
            whole: &whole,
        })),
    )
}

fn days(days: f64, locale: Locale) -> String {
    let tenths = (days * 10.0).round() as i64;
    let shown = format_decimal(tenths, 1, locale.lang());
    locale.count_shown(
        Counted::Days,
        &shown,
        Plural::of_tenths(locale.lang(), tenths),
    )
}

fn cycle(cycle: &SalesCycle, locale: Locale) -> (String, Option<String>) {
    (
        days(cycle.median_days, locale),
        Some(locale.fill(phrase::MeanIs {
            mean: &days(cycle.mean_days, locale),
        })),
    )
}

fn satisfaction(csat: &Csat, locale: Locale) -> (String, Option<String>) {
    let tenths = (csat.mean() * 10.0).round() as i64;
    let mean = locale.fill(phrase::CsatOutOfFive {
        mean: &format_decimal(tenths, 1, locale.lang()),
    });
    let ratings = locale.count(Counted::Ratings, csat.responses as usize);
    (
        format_percent(csat.satisfied_share(), locale.lang()),
        Some(locale.fill(phrase::CsatSummary {
            mean: &mean,
            ratings: &ratings,
        })),
    )
}

/// A KPI over the scope and the previous period, recomputed when the scope or the records
/// change.
fn compared<T>(kpi: Kpi<T>) -> Memo<Compared<T>>
where
    T: Figure + PartialEq + Send + Sync + 'static,
{
    let workspace = use_workspace();
    let state = use_dashboard();
    Memo::new(move |_| {
        let scope = state.scope.get();
        state.with_books(workspace, |books| compare(&scope, |s| kpi(books, s)))
    })
}

/// One card: a compared KPI in words.
fn card<T>(label: Msg, better: Better, compared: Memo<Compared<T>>, show: Show<T>) -> impl IntoView
where
    T: Figure + Clone + PartialEq + Send + Sync + 'static,
{
    let locale = use_locale();
    let shown = move || {
        compared.with(|c| match &c.current {
            Some(value) => show(value, locale),
            None => (locale.t(Msg::NoData).to_owned(), None),
        })
    };
    let change = move || {
        compared
            .with(|c| c.change)
            .map(|change| change_view(change, better, locale))
    };
    view! {
        <li class="kpi-card">
            <span class="kpi-label">{move || locale.t(label)}</span>
            <strong class="kpi-value"><bdi>{move || shown().0}</bdi></strong>
            <span class="kpi-sub">{move || shown().1}</span>
            {move || change().unwrap_or_else(|| view! {
                <span class="kpi-change flat">{locale.t(Msg::NothingToCompare)}</span>
            }.into_any())}
        </li>
    }
}

/// "▲ 12.5%" coloured as good or bad news, read out as "Up 12.5%".
fn change_view(change: Change, better: Better, locale: Locale) -> AnyView {
    let trend = Trend::of(&change);
    let amount = match (trend, change_percent(&change, locale.lang())) {
        (Trend::Flat, _) => None,
        (_, Some(percent)) => Some(percent),
        (_, None) => Some(locale.t(Msg::FromNothing).to_owned()),
    };
    view! {
        <span class=change_class(trend, better)>
            <span aria-hidden="true">{trend.arrow()}</span>
            " "
            <span class=if amount.is_some() { "visually-hidden" } else { "" }>{locale.t(trend.msg())}</span>
            {amount.map(|amount| view! { <bdi>{amount}</bdi> })}
        </span>
    }
    .into_any()
}

#[component]
pub fn KpiCards() -> impl IntoView {
    let locale = use_locale();
    let state = use_dashboard();
    let compared_with = move || {
        let previous = state.period.get().previous();
        let text = period_text(previous, state.calendar.get(), locale.lang());
        locale.fill(phrase::ComparedWith { period: &text })
    };
    // The pipeline's value and weighted value come from one pass, shown on two cards.
    let pipeline = compared(|books, s| Some(pipeline_value(books, s)));
    let pipeline_part = move |part: fn(&ForecastBucket) -> MoneyTotals| {
        Memo::new(move |_| {
            let currency = state.scope.with(|scope| scope.currency);
            pipeline.with(|both| both.part(currency, part))
        })
    };
    view! {
        <section class="dashboard-section" aria-labelledby="kpi-title">
            <h2 id="kpi-title">{move || locale.t(Msg::KeyFigures)}</h2>
            <p class="field-hint">{compared_with}</p>
            <ul class="kpi-grid" aria-labelledby="kpi-title">
                {card(Msg::KpiRevenue, Better::Higher, compared(|b, s| Some(revenue(b, s))), money_totals)}
                {card(Msg::KpiOrders, Better::Higher, compared(|b, s| Some(order_count(b, s))), count)}
                {card(Msg::KpiAverageOrderValue, Better::Higher, compared(average_order_value), money)}
                {card(Msg::KpiLeadConversion, Better::Higher, compared(lead_conversion_rate), share)}
                {card(Msg::KpiWinRate, Better::Higher, compared(win_rate), share)}
                {card(Msg::KpiSalesCycle, Better::Lower, compared(sales_cycle), cycle)}
                {card(Msg::KpiCsat, Better::Higher, compared(csat), satisfaction)}
                {card(Msg::KpiChurnRate, Better::Lower, compared(churn_rate), share)}
                {card(Msg::KpiHistoricLifetimeValue, Better::Higher, compared(historic_lifetime_value), money)}
                {card(Msg::KpiPredictedLifetimeValue, Better::Higher, compared(predicted_lifetime_value), trailing_money)}
                {card(Msg::KpiPipelineValue, Better::Higher, pipeline_part(|b| b.value.clone()), money_totals)}
                {card(Msg::KpiWeightedPipeline, Better::Higher, pipeline_part(|b| b.weighted.clone()), money_totals)}
            </ul>
        </section>
    }
}
