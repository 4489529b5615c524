//! The lists that answer the questions a CRM must answer (from `rabet_domain::report::dashboard::lists`):
//! who stopped buying, which invoices and quotes wait for follow-up, which tickets broke their
//! SLA, which deals went stale, which products fail to sell. Every row links to its record.

use super::state::{use_dashboard, DashboardState};
use crate::i18n::phrase;
use crate::{
    i18n::{use_locale, Counted, Locale, Msg},
    local_time::{format_date, format_duration, use_calendar},
    ui::{
        format::totals_text,
        labels::priority_msg,
        parties::{customer_name, customer_of},
        widgets::ShowMore,
    },
    workspace::use_workspace,
};
use leptos::prelude::*;
use leptos_router::components::A;
use rabet_domain::{
    locale::format_money,
    report::dashboard::{
        lists::{
            dormant_customers, overdue_invoices, quotes_without_follow_up, sla_breaches,
            slow_products, stale_deals, FollowUp,
        },
        Records, Scope,
    },
};

/// Rows shown before "show more".
const FIRST_ROWS: usize = 8;
/// A sent quote with no call, meeting or message for a week is waiting on us.
const QUOTE_FOLLOW_UP_DAYS: u32 = 7;

/// One row of a list, in words.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Row {
    pub key: String,
    pub href: String,
    pub title: String,
    pub sub: String,
    /// The row's main figure (an amount, units sold).
    pub figure: String,
    /// How long, how late.
    pub note: String,
    /// A badge (CSS class, text), such as a ticket's priority.
    pub badge: Option<(String, String)>,
}

/// A list's rows: all of them counted, the first ones in words. Wording takes lookups and
/// formatting, and at 100k contacts a list can hold thousands of rows, of which a few show.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Worded {
    pub total: usize,
    pub first: Vec<Row>,
}

/// The first `limit` of `found` in words.
fn worded<T>(found: Vec<T>, limit: usize, word: impl FnMut(T) -> Row) -> Worded {
    Worded {
        total: found.len(),
        first: found.into_iter().take(limit).map(word).collect(),
    }
}

/// What a list is asked: the records, the scope, the dashboard (its moment and other figures),
/// the reader's words, and how many of the rows to put in words.
#[derive(Clone, Copy)]
struct Ask<'a> {
    records: &'a Records<'a>,
    scope: &'a Scope,
    state: &'a DashboardState,
    locale: Locale,
    limit: usize,
}

/// The rows of a list, the first `limit` in words.
type Rows = fn(&Ask<'_>) -> Worded;

fn days_text(days: i64, locale: Locale) -> String {
    locale.count(Counted::Days, days.max(0) as usize)
}

fn customer_text(
    contact: Option<&rabet_domain::id::Id>,
    company: Option<&rabet_domain::id::Id>,
) -> String {
    customer_of(contact, company)
        .and_then(|customer| customer_name(&customer))
        .unwrap_or_default()
}

fn dormant(ask: &Ask<'_>) -> Worded {
    let now = ask.state.now;
    let calendar = use_calendar().get();
    let workspace = use_workspace();
    worded(
        dormant_customers(ask.records, ask.scope, now),
        ask.limit,
        |row| Row {
            key: row.contact_id.to_string(),
            href: format!("/customers/{}", row.contact_id),
            title: workspace
                .contacts
                .with(|c| c.get(&row.contact_id).map(|c| c.display_name()))
                .unwrap_or_default(),
            sub: ask.locale.fill(phrase::LastPurchaseOn {
                date: &format_date(row.last_purchase_at, calendar, ask.locale.lang()),
            }),
            figure: format_money(row.lifetime_value, ask.locale.lang()),
            note: ask.locale.fill(phrase::NoPurchaseFor {
                days: &days_text(row.days_since_purchase, ask.locale),
            }),
            badge: None,
        },
    )
}

/// A quote's or invoice's row: its number and customer, when it was last followed up.
fn follow_up_row(row: FollowUp, note: String, locale: Locale) -> Row {
    let calendar = use_calendar().get();
    let sub = match row.last_follow_up_at {
        Some(at) => locale.fill(phrase::LastFollowUpOn {
            date: &format_date(at, calendar, locale.lang()),
        }),
        None => locale.t(Msg::NeverFollowedUp).to_owned(),
    };
    let customer = customer_text(row.contact_id.as_ref(), row.company_id.as_ref());
    Row {
        key: row.invoice_id.to_string(),
        href: format!("/invoices/{}", row.invoice_id),
        title: [row.number, customer]
            .into_iter()
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join(" · "),
        sub,
        figure: format_money(row.total, locale.lang()),
        note,
        badge: None,
    }
}

fn overdue(ask: &Ask<'_>) -> Worded {
    let now = ask.state.now;
    worded(
        overdue_invoices(ask.records, ask.scope, now),
        ask.limit,
        |row| {
            let days = days_text(row.days_overdue.unwrap_or(0), ask.locale);
            let note = ask.locale.fill(phrase::OverdueBy { days: &days });
            follow_up_row(row, note, ask.locale)
        },
    )
}

fn quotes(ask: &Ask<'_>) -> Worded {
    let now = ask.state.now;
    let found = quotes_without_follow_up(ask.records, ask.scope, now, QUOTE_FOLLOW_UP_DAYS);
    worded(found, ask.limit, |row| {
        let days = days_text(row.days_without_follow_up, ask.locale);
        let note = ask.locale.fill(phrase::WaitingFor { days: &days });
        follow_up_row(row, note, ask.locale)
    })
}

fn breaches(ask: &Ask<'_>) -> Worded {
    let now = ask.state.now;
    let workspace = use_workspace();
    worded(
        sla_breaches(ask.records, ask.scope, now),
        ask.limit,
        |row| {
            let late = format_duration(row.late_ms, ask.locale.lang());
            let duration = &late;
            let (note, status) = if row.open {
                (
                    ask.locale.fill(phrase::LateBy { duration }),
                    ask.locale.t(Msg::StillOpen),
                )
            } else {
                (
                    ask.locale.fill(phrase::ResolvedLateBy { duration }),
                    ask.locale.t(Msg::TicketResolved),
                )
            };
            Row {
                key: row.ticket_id.to_string(),
                href: format!("/tickets/{}", row.ticket_id),
                title: workspace
                    .tickets
                    .with(|t| t.get(&row.ticket_id).map(|t| t.subject.clone()))
                    .unwrap_or_default(),
                sub: customer_text(row.contact_id.as_ref(), row.company_id.as_ref()),
                figure: status.to_owned(),
                note,
                badge: Some((
                    format!("badge priority-{}", row.priority.as_str()),
                    ask.locale.t(priority_msg(row.priority)).to_owned(),
                )),
            }
        },
    )
}

fn stale(ask: &Ask<'_>) -> Worded {
    let now = ask.state.now;
    let workspace = use_workspace();
    let stale_days = workspace.settings.with(|s| s.stale_deal_days);
    worded(
        stale_deals(ask.records, ask.scope, now, stale_days),
        ask.limit,
        |row| {
            let deal = workspace
                .deals
                .with(|deals| deals.get(&row.deal_id).cloned())
                .unwrap_or_default();
            let stage = ask
                .records
                .pipelines
                .iter()
                .find(|p| p.id == deal.pipeline_id)
                .and_then(|p| p.stages.iter().find(|s| s.id == row.stage_id))
                .map(|s| ask.locale.given_name(&s.name))
                .unwrap_or_default();
            let customer = customer_text(deal.contact_id.as_ref(), deal.company_id.as_ref());
            Row {
                key: row.deal_id.to_string(),
                href: format!("/pipeline?deal={}", row.deal_id),
                title: deal.title.clone(),
                sub: [stage, customer]
                    .into_iter()
                    .filter(|part| !part.is_empty())
                    .collect::<Vec<_>>()
                    .join(" · "),
                figure: format_money(row.value, ask.locale.lang()),
                note: ask.locale.fill(phrase::IdleFor {
                    days: &days_text(row.idle_days, ask.locale),
                }),
                badge: None,
            }
        },
    )
}

fn slow(ask: &Ask<'_>) -> Worded {
    let found = ask
        .state
        .sold
        .with(|sold| slow_products(ask.records.products, sold, ask.scope.currency));
    worded(found, ask.limit, |row| {
        let name = ask
            .records
            .products
            .iter()
            .find(|p| p.id == row.product_id)
            .map(|p| p.name.clone())
            .unwrap_or_default();
        let lost = ask
            .locale
            .count(Counted::LostInDeals, row.lost_deals as usize);
        Row {
            key: row.product_id.to_string(),
            href: "/products".to_owned(),
            title: name,
            sub: if row.lost_deals > 0 {
                lost
            } else {
                String::new()
            },
            figure: ask.locale.fill(phrase::UnitsSold {
                count: &ask.locale.number(row.units as usize),
            }),
            note: totals_text(&row.revenue),
            badge: None,
        }
    })
}

/// Which scope a list runs on.
#[derive(Clone, Copy, PartialEq, Eq)]
enum About {
    /// Today's state, whatever the range (dormant, overdue, stale …).
    Today,
    /// The period: tickets resolved late in it, products that did not sell in it.
    Period,
}

/// A list with its heading, the first rows, and a way to see more.
#[component]
fn QuestionList(
    id: &'static str,
    title: Msg,
    empty: Msg,
    about: About,
    rows: Rows,
) -> impl IntoView {
    let locale = use_locale();
    let workspace = use_workspace();
    let state = use_dashboard();
    let limit = RwSignal::new(FIRST_ROWS);
    let listed = Memo::new(move |_| {
        let scope = match about {
            About::Today => state.list_scope.get(),
            About::Period => state.scope.get(),
        };
        let limit = limit.get();
        state.with_books(workspace, |books| {
            rows(&Ask {
                records: &books.records,
                scope: &scope,
                state: &state,
                locale,
                limit,
            })
        })
    });
    let shown = move || listed.with(|listed| listed.first.clone());
    let total = move || listed.with(|listed| listed.total);
    let title_id = format!("{id}-title");
    let count = move || locale.number(total());
    let list_labelled_by = title_id.clone();
    view! {
        <section class="card question" aria-labelledby=title_id.clone()>
            <h3 id=title_id.clone()>{move || locale.t(title)}" "<span class="count">{count}</span></h3>
            <Show when=move || total() != 0
                fallback=move || view! { <p class="empty-line">{move || locale.t(empty)}</p> }>
                <ul class="plain question-rows" aria-labelledby=list_labelled_by.clone()>
                    // Keyed by the words too: a language switch re-words every row.
                    <For each=shown key=|row| row.clone() let:row>
                        <li class="question-row">
                            <A href=row.href.clone() attr:class="row-link">
                                <span class="row-main">
                                    <bdi class="row-title">{row.title.clone()}</bdi>
                                    <bdi class="row-sub">{row.sub.clone()}</bdi>
                                </span>
                                <span class="row-meta">
                                    {row.badge.clone().map(|(class, text)| view! { <span class=class>{text}</span> })}
                                    <bdi class="row-figure">{row.figure.clone()}</bdi>
                                    <span class="row-sub">{row.note.clone()}</span>
                                </span>
                            </A>
                        </li>
                    </For>
                </ul>
                <ShowMore limit=limit step=FIRST_ROWS * 3 total=Signal::derive(total) />
            </Show>
        </section>
    }
}

#[component]
pub fn QuestionLists() -> impl IntoView {
    let locale = use_locale();
    view! {
        <section class="dashboard-section" aria-labelledby="lists-title">
            <h2 id="lists-title">{move || locale.t(Msg::NeedsAttentionTitle)}</h2>
            <div class="question-grid">
                <QuestionList id="list-dormant" title=Msg::ListDormant empty=Msg::ListDormantEmpty about=About::Today rows=dormant />
                <QuestionList id="list-overdue" title=Msg::ListOverdue empty=Msg::ListOverdueEmpty about=About::Today rows=overdue />
                <QuestionList id="list-quotes" title=Msg::ListQuotes empty=Msg::ListQuotesEmpty about=About::Today rows=quotes />
                <QuestionList id="list-sla" title=Msg::ListSla empty=Msg::ListSlaEmpty about=About::Period rows=breaches />
                <QuestionList id="list-stale" title=Msg::ListStale empty=Msg::ListStaleEmpty about=About::Today rows=stale />
                <QuestionList id="list-slow" title=Msg::ListSlow empty=Msg::ListSlowEmpty about=About::Period rows=slow />
            </div>
        </section>
    }
}
