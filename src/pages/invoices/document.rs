//! One quote or invoice as a printable document, with the moves of its life: send, accept,
//! convert to an invoice, mark paid, cancel.
//!
//! The print stylesheet hides everything but the document, so "Print" (or the browser's own
//! print) gives a clean page in the reader's language, with dates in the workspace calendar.

use crate::i18n::phrase;
use crate::ui::history::FieldHistory;
use crate::ui::widgets::refused;
use crate::{
    i18n::{use_locale, Msg},
    local_time::{local_day, now_ms, use_calendar},
    notice::msg_reporter,
    records::invoice::{next_number, InvoiceForm},
    ui::browser_title,
    ui::editing::{delete_with_undo, failure_reporter, save_change},
    ui::{
        labels::{document_title, invoice_status_msg, DocumentTitle},
        parties::{customer_link, customer_of},
        PageHeader,
    },
    workspace::{use_workspace, Workspace},
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{
    components::A,
    hooks::{use_navigate, use_params_map},
};
use rabet_domain::kind::EntityKind;
use rabet_domain::{
    calendar::{format_day_long, Day},
    locale::{format_money, format_percent},
    model::{Discount, Invoice, InvoiceKind, InvoiceStatus, BASIS_POINTS_PER_WHOLE},
    money::Money,
};

#[component]
pub fn InvoiceView() -> impl IntoView {
    let workspace = use_workspace();
    let params = use_params_map();
    let invoice = Memo::new(move |_| {
        let id = params.with(|p| p.get("id").unwrap_or_default());
        workspace.invoices.with(|i| i.find(&id).cloned())
    });
    move || match invoice.get() {
        Some(invoice) => view! { <InvoicePage invoice=invoice /> }.into_any(),
        None => view! { <MissingInvoice /> }.into_any(),
    }
}

#[component]
fn MissingInvoice() -> impl IntoView {
    let locale = use_locale();
    view! {
        <PageHeader title=Msg::InvoiceLabel intro=Msg::NotFoundInvoice />
        <A href="/invoices">{move || locale.t(Msg::BackToInvoices)}</A>
    }
}

/// A draft invoice made from a quote: numbered, issued today, due after the usual term.
fn invoice_from_quote(quote: &Invoice, all: impl Iterator<Item = Invoice>) -> Invoice {
    let today = local_day(now_ms());
    let mut invoice = quote.to_invoice(Workspace::new_id(), now_ms());
    invoice.number = next_number(all, InvoiceKind::Invoice);
    invoice.issue_date = Some(today);
    invoice.due_date = quote
        .issue_date
        .zip(quote.due_date)
        .map(|(issued, due)| Day(today.0 + (due.0 - issued.0).max(0)));
    invoice
}

#[component]
fn InvoicePage(invoice: Invoice) -> impl IntoView {
    let locale = use_locale();
    let refused = refused(Some(EntityKind::Invoice));
    let tell = msg_reporter();
    let workspace = use_workspace();
    let calendar = use_calendar();
    let navigate = use_navigate();
    let (editing, set_editing) = signal(false);
    let doc = StoredValue::new(invoice.clone());
    let get = move || doc.get_value();
    let customer = customer_of(invoice.contact_id.as_ref(), invoice.company_id.as_ref());
    let status = invoice.status;
    let kind = invoice.kind;
    let today = local_day(now_ms());
    let overdue = invoice.is_overdue(today);
    let converted = workspace.invoices.with_untracked(|all| {
        all.iter()
            .find(|i| i.converted_from.as_ref() == Some(&invoice.id))
            .map(|i| i.id.clone())
    });
    let set_status = move |next: InvoiceStatus| {
        save_change(get(), move |i| {
            i.status = next;
            i.paid_at = (next == InvoiceStatus::Paid).then(now_ms);
        })
    };
    let action = move |label: Msg, next: InvoiceStatus, primary: bool| {
        view! {
            <button type="button" class="button" class:primary=primary on:click=move |_| set_status(next)>
                {move || locale.t(label)}
            </button>
        }
    };
    let open = matches!(
        status,
        InvoiceStatus::Draft
            | InvoiceStatus::Sent
            | InvoiceStatus::Accepted
            | InvoiceStatus::Overdue
    );
    let actions = view! {
        {(status == InvoiceStatus::Draft).then(|| action(Msg::MarkSent, InvoiceStatus::Sent, kind == InvoiceKind::Quote))}
        {(kind == InvoiceKind::Quote && matches!(status, InvoiceStatus::Draft | InvoiceStatus::Sent))
            .then(|| action(Msg::MarkAccepted, InvoiceStatus::Accepted, false))}
        {(kind == InvoiceKind::Invoice && open).then(|| action(Msg::MarkPaid, InvoiceStatus::Paid, true))}
        {(open).then(|| action(Msg::CancelDocument, InvoiceStatus::Cancelled, false))}
    };
    let navigate_convert = navigate.clone();
    let report = failure_reporter();
    // The new invoice, then the quote marked accepted; the invoice's page opens once both are kept.
    let convert = move |_| {
        let quote = get();
        let invoice = workspace
            .invoices
            .with_untracked(|all| invoice_from_quote(&quote, all.iter().cloned()));
        let href = format!("/invoices/{}", invoice.id);
        let mut accepted = quote.clone();
        accepted.status = InvoiceStatus::Accepted;
        let navigate = navigate_convert.clone();
        leptos::task::spawn_local(async move {
            let mut saved = workspace.save(None, invoice).await;
            if saved.is_ok() && quote.status != InvoiceStatus::Accepted {
                saved = workspace.save(Some(&quote), accepted).await;
            }
            match saved {
                Ok(()) => navigate(&href, Default::default()),
                Err(error) => report(&error),
            }
        });
    };
    let can_convert =
        kind == InvoiceKind::Quote && converted.is_none() && status != InvoiceStatus::Cancelled;
    let delete = move |_| {
        let invoice = get();
        let navigate = navigate.clone();
        let name = document_title(locale, &invoice);
        delete_with_undo(invoice, name, move || {
            navigate("/invoices", Default::default())
        });
    };
    let title = move || document_title(locale, &get());
    let money = move |minor: i64| format_money(Money::new(minor, invoice.currency), locale.lang());
    let day =
        move |day: Option<Day>| day.map(|d| format_day_long(d, calendar.get(), locale.lang()));
    let rate = move |basis_points: u32| {
        format_percent(
            f64::from(basis_points) / f64::from(BASIS_POINTS_PER_WHOLE),
            locale.lang(),
        )
    };
    let totals = invoice.totals();
    let seller = move || {
        let name = workspace.settings.with(|s| s.workspace_name.clone());
        if name.trim().is_empty() {
            locale.t(Msg::AppName).to_owned()
        } else {
            name
        }
    };
    let bill_to = BillTo::of(&invoice);

    view! {
        <Title text=move || browser_title(locale, &title()) />
        <div class="document-toolbar no-print">
            {customer.clone().map(|c| view! { <span class="back-link">{customer_link(Some(c))}</span> })}
            <div class="record-actions">
                {actions}
                {can_convert.then(|| view! {
                    <button type="button" class="button primary" on:click=convert.clone()>{move || locale.t(Msg::ConvertToInvoice)}</button>
                })}
                {converted.map(|id| view! { <A href=format!("/invoices/{id}") attr:class="button">{move || locale.t(Msg::OpenInvoice)}</A> })}
                <button type="button" class="button" on:click=move |_| if window().print().is_err() { tell(Msg::PrintFailed) }>{move || locale.t(Msg::PrintDocument)}</button>
                <button type="button" class="button" disabled=move || refused.get().is_some() on:click=move |_| set_editing.set(true)>{move || locale.t(Msg::Edit)}</button>
                <button type="button" class="button danger" disabled=move || refused.get().is_some() on:click=delete>{move || locale.t(Msg::Delete)}</button>
            </div>
        </div>
        <article class="card invoice-doc">
            <header class="doc-header">
                <div>
                    <h1><DocumentTitle kind=invoice.kind number=invoice.number.clone() /></h1>
                    <p class="doc-seller">{seller}</p>
                </div>
                <p class="doc-status">
                    <span class=format!("badge invoice-{}", status.as_str())>{move || locale.t(invoice_status_msg(status))}</span>
                    {(overdue && status != InvoiceStatus::Overdue).then(|| view! {
                        <span class="badge invoice-overdue">{move || locale.t(Msg::InvoiceOverdue)}</span>
                    })}
                </p>
            </header>
            <div class="doc-parties">
                <section>
                    <h2>{move || locale.t(Msg::BillTo)}</h2>
                    {bill_to.view()}
                </section>
                <dl class="doc-dates">
                    <div><dt>{move || locale.t(Msg::IssueDate)}</dt><dd>{move || day(invoice.issue_date)}</dd></div>
                    <div>
                        <dt>{move || locale.t(if kind == InvoiceKind::Quote { Msg::ValidUntil } else { Msg::DueDate })}</dt>
                        <dd>{move || day(invoice.due_date)}</dd>
                    </div>
                    {invoice.paid_at.map(|at| view! {
                        <div><dt>{move || locale.t(Msg::PaidOn)}</dt><dd>{move || day(Some(local_day(at)))}</dd></div>
                    })}
                </dl>
            </div>
            // Six columns are wider than a phone: the lines scroll, focusable for the keyboard.
            <div class="table-scroll" role="region" tabindex="0" aria-label=move || locale.t(Msg::LinesLabel)>
            <table class="doc-lines">
                <thead>
                    <tr>
                        <th scope="col">"#"</th>
                        <th scope="col">{move || locale.t(Msg::DescriptionLabel)}</th>
                        <th scope="col" class="num">{move || locale.t(Msg::Quantity)}</th>
                        <th scope="col" class="num">{move || locale.t(Msg::UnitPrice)}</th>
                        <th scope="col" class="num">{move || locale.t(Msg::TotalsDiscount)}</th>
                        <th scope="col" class="num">{move || locale.t(Msg::LineAmount)}</th>
                    </tr>
                </thead>
                <tbody>
                    {invoice.lines.iter().enumerate().map(|(at, line)| {
                        let line = line.clone();
                        let discount = match line.discount {
                            Discount::Percent { basis_points } => Some(rate(basis_points)),
                            Discount::Amount { minor } => Some(money(minor)),
                            Discount::None => None,
                        };
                        view! {
                            <tr>
                                <td>{move || locale.number(at + 1)}</td>
                                <td><bdi>{line.description.clone()}</bdi></td>
                                <td class="num">{move || locale.number(line.quantity as usize)}</td>
                                <td class="num">{move || money(line.unit_price_minor)}</td>
                                <td class="num">{discount}</td>
                                <td class="num">{move || money(line.net_minor())}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            </div>
            <dl class="totals doc-totals">
                <div><dt>{move || locale.t(Msg::TotalsSubtotal)}</dt><dd>{move || money(totals.subtotal_minor)}</dd></div>
                {(totals.discount_minor != 0).then(|| view! {
                    <div><dt>{move || locale.t(Msg::TotalsDiscount)}</dt><dd>{move || money(-totals.discount_minor)}</dd></div>
                })}
                {(invoice.tax_rate_bp != 0).then(|| view! {
                    <div>
                        <dt>{move || locale.fill(phrase::LabelledField { field: locale.t(Msg::TotalsTax), label: &rate(invoice.tax_rate_bp) })}</dt>
                        <dd>{move || money(totals.tax_minor)}</dd>
                    </div>
                })}
                <div class="grand"><dt>{move || locale.t(Msg::TotalsTotal)}</dt><dd>{move || money(totals.total_minor)}</dd></div>
            </dl>
            {(!invoice.notes.is_empty()).then(|| view! { <p class="notes doc-notes">{invoice.notes.clone()}</p> })}
        </article>
        <div class="no-print">
            <FieldHistory kind=EntityKind::Invoice id=get().id />
        </div>
        <Show when=move || editing.get()>
            <InvoiceForm initial=get() existing=true
                on_saved=Callback::new(move |_| set_editing.set(false))
                on_cancel=Callback::new(move |_| set_editing.set(false)) />
        </Show>
    }
}

/// Who the document is addressed to, as printed: the person, their company, its address and
/// tax id.
struct BillTo {
    name: Option<String>,
    company: Option<String>,
    address: String,
    tax_id: String,
}

impl BillTo {
    fn of(invoice: &Invoice) -> Self {
        let workspace = use_workspace();
        let contact = invoice
            .contact_id
            .as_ref()
            .and_then(|id| workspace.contacts.with_untracked(|c| c.get(id).cloned()));
        let company = invoice
            .company_id
            .as_ref()
            .and_then(|id| workspace.companies.with_untracked(|c| c.get(id).cloned()));
        let address = company
            .as_ref()
            .map(|c| &c.address)
            .filter(|a| !a.line.is_empty())
            .or(contact.as_ref().map(|c| &c.address))
            .map(|a| {
                [a.line.as_str(), a.city.as_str(), a.postal_code.as_str()]
                    .into_iter()
                    .filter(|part| !part.is_empty())
                    .collect::<Vec<_>>()
                    .join("، ")
            })
            .unwrap_or_default();
        BillTo {
            name: contact.map(|c| c.display_name()),
            tax_id: company
                .as_ref()
                .map(|c| c.tax_id.clone())
                .unwrap_or_default(),
            company: company.map(|c| c.name),
            address,
        }
    }

    fn view(self) -> impl IntoView {
        let locale = use_locale();
        let tax_id = (!self.tax_id.is_empty()).then(|| {
            let tax_id = self.tax_id;
            view! { <p>{move || locale.t(Msg::TaxId)}": "<bdi>{tax_id.clone()}</bdi></p> }
        });
        view! {
            {self.name.map(|name| view! { <p class="doc-party-name"><bdi>{name}</bdi></p> })}
            {self.company.map(|company| view! { <p><bdi>{company}</bdi></p> })}
            {(!self.address.is_empty()).then(|| view! { <p><bdi>{self.address}</bdi></p> })}
            {tax_id}
        }
    }
}
