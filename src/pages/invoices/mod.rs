//! Quotes and invoices: the list with its filters and a document's page (the editor is
//! `records::invoice`, which the customer's page opens too).

mod document;

pub use document::InvoiceView;

use crate::download::file_saver;
use crate::i18n::phrase;
use crate::ui::bulk::{Bulk, BulkBar, RowCheck, SelectAll, StateChoice};
use crate::ui::saved_views::{TextState, ViewPicker};
use crate::ui::widgets::{first_shown, refused, RefusedNote};
use crate::{
    i18n::{use_locale, Counted, Locale, Msg},
    local_time::{local_day, now_ms, use_calendar},
    records::invoice::{new_invoice, InvoiceForm},
    ui::{
        labels::{invoice_kind_msg, invoice_status_msg, DocumentTitle},
        parties::{customer_name, customer_of},
        widgets::{Filter, SearchBox, ShowNext},
        PageHeader,
    },
    workspace::use_workspace,
};
use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_navigate};
use rabet_domain::kind::EntityKind;
use rabet_domain::sorting::sort_by;
use rabet_domain::{
    calendar::format_day,
    csv,
    locale::format_money,
    model::{Invoice, InvoiceKind, InvoiceStatus},
    money::Money,
    search::Query,
};

/// Rows drawn at first; more come with "Show more".
const PAGE: usize = 100;

/// Which documents the status filter keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum StatusFilter {
    Any,
    /// Issued invoices not paid yet (sent, accepted or overdue): the payments to follow up.
    Unpaid,
    /// Past their due date, by status or by date.
    Overdue,
    Is(InvoiceStatus),
}

impl StatusFilter {
    fn admits(self, invoice: &Invoice, today: rabet_domain::calendar::Day) -> bool {
        match self {
            StatusFilter::Any => true,
            StatusFilter::Unpaid => is_unpaid(invoice),
            StatusFilter::Overdue => invoice.is_overdue(today),
            StatusFilter::Is(status) => invoice.status == status,
        }
    }

    fn key(self) -> &'static str {
        match self {
            StatusFilter::Any => "",
            StatusFilter::Unpaid => "unpaid",
            StatusFilter::Overdue => "late",
            StatusFilter::Is(status) => status.as_str(),
        }
    }

    fn parse(key: &str) -> Self {
        StatusFilter::options()
            .into_iter()
            .find(|(filter, _)| filter.key() == key)
            .map_or(StatusFilter::Any, |(filter, _)| filter)
    }

    fn options() -> Vec<(StatusFilter, Msg)> {
        [
            (StatusFilter::Any, Msg::All),
            (StatusFilter::Unpaid, Msg::FilterUnpaid),
            (StatusFilter::Overdue, Msg::FilterPastDue),
        ]
        .into_iter()
        .chain(
            InvoiceStatus::ALL
                .iter()
                .map(|&s| (StatusFilter::Is(s), invoice_status_msg(s))),
        )
        .collect()
    }
}

/// An issued invoice still waiting for its payment.
pub fn is_unpaid(invoice: &Invoice) -> bool {
    invoice.kind == InvoiceKind::Invoice
        && matches!(
            invoice.status,
            InvoiceStatus::Sent | InvoiceStatus::Accepted | InvoiceStatus::Overdue
        )
}

#[component]
pub fn Invoices() -> impl IntoView {
    let locale = use_locale();
    let refused = refused(Some(EntityKind::Invoice));
    let workspace = use_workspace();
    let navigate = use_navigate();
    // What the list shows, as a saved view keeps it.
    let state = TextState::new(["q", "kind", "status"]);
    let [query, kind_text, status_text] = ["q", "kind", "status"].map(|key| state.get(key));
    let shown = RwSignal::new(PAGE);
    let creating = RwSignal::new(None::<InvoiceKind>);
    // Positions in the workspace's documents, latest issued first.
    let visible = Memo::new(move |_| {
        let query = Query::parse(&query.get());
        let kind = InvoiceKind::parse(&kind_text.get());
        let status = StatusFilter::parse(&status_text.get());
        let today = local_day(now_ms());
        workspace.invoices.with(|invoices| {
            let matching = invoices.matching(&query);
            let mut found: Vec<usize> = (0..invoices.len())
                .filter(|&at| matching.at(at))
                .filter(|&at| {
                    let i = invoices.at(at);
                    kind.is_none_or(|k| i.kind == k) && status.admits(i, today)
                })
                .collect();
            sort_by(&mut found, |&a, &b| {
                let (a, b) = (invoices.at(a), invoices.at(b));
                (b.issue_date, &b.number).cmp(&(a.issue_date, &a.number))
            });
            found
        })
    });
    let bulk = Bulk::<Invoice>::new(visible, move || state.values());
    // Only the steps a document's life allows are taken; the others are named after.
    let status_choice = StateChoice::of_values(
        (Msg::RecordStatus, Msg::BulkSetStatus),
        InvoiceStatus::ALL,
        InvoiceStatus::as_str,
        invoice_status_msg,
        InvoiceStatus::parse,
    );
    let save_file = file_saver();
    let export = move |()| {
        let text = bulk.with_chosen(|chosen| invoices_csv(locale, chosen));
        save_file("invoices.csv", "text/csv;charset=utf-8", &text);
    };
    let drawn = first_shown::<Invoice>(visible, shown);
    let currency = move || workspace.settings.with(|s| s.currency);
    let unpaid_total = move || {
        let currency = currency();
        let minor: i64 = workspace.invoices.with(|invoices| {
            visible.with(|v| {
                v.iter()
                    .map(|&at| invoices.at(at))
                    .filter(|i| is_unpaid(i) && i.currency == currency)
                    .map(|i| i.total().minor)
                    .sum()
            })
        });
        format_money(Money::new(minor, currency), locale.lang())
    };
    let open_created = Callback::new(move |invoice: Invoice| {
        creating.set(None);
        navigate(&format!("/invoices/{}", invoice.id), Default::default());
    });

    view! {
        <PageHeader title=Msg::NavInvoices intro=Msg::InvoicesIntro />
        <RefusedNote kind=EntityKind::Invoice />
        <ViewPicker state list="invoices" path="/invoices" all=Msg::AllInvoicesView />
        <div class="toolbar">
            <div class="filters">
                <SearchBox query placeholder=Msg::DocNumber />
                <Filter label=Msg::Kind>
                    <select on:change=move |ev| kind_text.set(event_target_value(&ev)) prop:value=move || kind_text.get()>
                        <option value="">{move || locale.t(Msg::All)}</option>
                        <option value="invoice">{move || locale.t(Msg::NavInvoices)}</option>
                        <option value="quote">{move || locale.t(Msg::FilterQuotes)}</option>
                    </select>
                </Filter>
                <Filter label=Msg::RecordStatus>
                    <select on:change=move |ev| status_text.set(event_target_value(&ev)) prop:value=move || status_text.get()>
                        {StatusFilter::options().into_iter().map(|(filter, msg)| view! {
                            <option value=filter.key()>{move || locale.t(msg)}</option>
                        }).collect_view()}
                    </select>
                </Filter>
            </div>
            <div class="toolbar-actions">
                <A href="/products" attr:class="button">{move || locale.t(Msg::Products)}</A>
                <button type="button" class="button" disabled=move || refused.get().is_some() on:click=move |_| creating.set(Some(InvoiceKind::Quote))>{move || locale.t(Msg::NewQuote)}</button>
                <button type="button" class="button primary" disabled=move || refused.get().is_some() on:click=move |_| creating.set(Some(InvoiceKind::Invoice))>{move || locale.t(Msg::NewInvoice)}</button>
            </div>
        </div>
        <div class="bulk-scope" class:selecting=move || bulk.selecting()>
        <div class="list-head">
            <SelectAll bulk />
            <p class="list-count" aria-live="polite">
                {move || locale.fill(phrase::UnpaidTotal { documents: &locale.count(Counted::Documents, visible.with(Vec::len)), total: &unpaid_total() })}
            </p>
        </div>
        <BulkBar bulk export state=status_choice name=invoice_name />
        <Show when=move || !visible.with(Vec::is_empty) fallback=move || view! { <p class="empty">{move || locale.t(Msg::NoInvoices)}</p> }>
            <ul class="plain record-list">
                <For each=drawn
                    key=|i| (i.id.clone(), i.status, i.number.clone(), i.total().minor, i.issue_date, i.due_date, i.owner_id.clone()) let:invoice>
                    <InvoiceRow invoice=invoice bulk />
                </For>
            </ul>
        </Show>
        </div>
        <ShowNext shown=shown step=PAGE total=Signal::derive(move || visible.with(Vec::len)) />
        {move || creating.get().map(|kind| view! {
            <InvoiceForm initial=new_invoice(kind, None) on_saved=open_created on_cancel=Callback::new(move |_| creating.set(None)) />
        })}
    }
}

/// The chosen documents as CSV: number, kind, customer, issue and due dates, total, status.
fn invoices_csv(locale: Locale, invoices: &[&Invoice]) -> String {
    let calendar = use_calendar().get_untracked();
    let headers = [
        Msg::DocNumber,
        Msg::Kind,
        Msg::CustomerTitle,
        Msg::IssueDate,
        Msg::DueDate,
        Msg::TotalsTotal,
        Msg::RecordStatus,
    ]
    .map(|msg| locale.t(msg));
    let day = |day: Option<rabet_domain::calendar::Day>| {
        day.map(|d| format_day(d, calendar, locale.lang()))
            .unwrap_or_default()
    };
    let rows = invoices.iter().map(|invoice| {
        let customer = customer_of(invoice.contact_id.as_ref(), invoice.company_id.as_ref())
            .and_then(|c| customer_name(&c))
            .unwrap_or_default();
        [
            invoice.number.clone(),
            locale.t(invoice_kind_msg(invoice.kind)).to_owned(),
            customer,
            day(invoice.issue_date),
            day(invoice.due_date),
            format_money(invoice.total(), locale.lang()),
            locale.t(invoice_status_msg(invoice.status)).to_owned(),
        ]
    });
    csv::write(&headers, rows)
}

/// A document as its row's checkbox names it: its number.
fn invoice_name(invoice: &Invoice) -> String {
    invoice.number.clone()
}

#[component]
fn InvoiceRow(invoice: Invoice, bulk: Bulk<Invoice>) -> impl IntoView {
    let locale = use_locale();
    let calendar = use_calendar();
    let customer = customer_of(invoice.contact_id.as_ref(), invoice.company_id.as_ref())
        .and_then(|c| customer_name(&c));
    let overdue = invoice.is_overdue(local_day(now_ms()));
    let status = invoice.status;
    let total = invoice.total();
    let (issued, due) = (invoice.issue_date, invoice.due_date);
    let (kind, number) = (invoice.kind, invoice.number.clone());
    view! {
        <li class="record-row">
            <RowCheck bulk id=invoice.id.clone() name=invoice.number.clone() />
            <A href=format!("/invoices/{}", invoice.id) attr:class="row-link">
                <span class="row-main">
                    <span class="row-title"><DocumentTitle kind=kind number=number /></span>
                    <bdi class="row-sub">{customer}</bdi>
                </span>
                <span class="row-sub">
                    {move || issued.map(|d| format_day(d, calendar.get(), locale.lang()))}
                    {move || due.map(|d| format!(" → {}", format_day(d, calendar.get(), locale.lang())))}
                </span>
                <span class="row-meta">
                    <strong>{move || format_money(total, locale.lang())}</strong>
                    <span class=format!("badge invoice-{}", status.as_str())>{move || locale.t(invoice_status_msg(status))}</span>
                    {(overdue && status != InvoiceStatus::Overdue).then(|| view! { <span class="badge invoice-overdue">{move || locale.t(Msg::InvoiceOverdue)}</span> })}
                </span>
            </A>
        </li>
    }
}
