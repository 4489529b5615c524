//! Writing a quote or an invoice: its lines (from the catalogue or free text), discounts, tax
//! and dates, with the totals shown as they are typed.

use crate::i18n::phrase;
use crate::{
    i18n::{use_locale, Msg},
    local_time::{local_day, now_ms, use_calendar, DayField, DayText},
    ui::{
        draft::Draft,
        field_error::first_error,
        labels::{invoice_kind_msg, invoice_status_msg},
        parties::{parties_of, CustomerPicker},
        widgets::{enum_select, FormDialog},
    },
    workspace::{use_workspace, Workspace},
};
use leptos::prelude::*;
use rabet_domain::sorting::sort_by;
use rabet_domain::{
    calendar::Day,
    id::Id,
    input::{amount_input_text, parse_percent, parse_whole_number, percent_input_text},
    locale::{format_money, parse_money},
    model::{Discount, Invoice, InvoiceKind, InvoiceStatus, LineItem, RecordRef},
    money::{Currency, Money},
};

/// Days from issue to the payment due date (or a quote's last valid day) of a new document.
const DEFAULT_TERM_DAYS: i32 = 14;

/// The document number after the highest of its kind: INV-0007 after INV-0006.
pub fn next_number(invoices: impl Iterator<Item = Invoice>, kind: InvoiceKind) -> String {
    let prefix = match kind {
        InvoiceKind::Invoice => "INV-",
        InvoiceKind::Quote => "Q-",
    };
    let highest = invoices
        .filter(|i| i.kind == kind)
        .filter_map(|i| i.number.strip_prefix(prefix)?.parse::<u32>().ok())
        .max()
        .unwrap_or(0);
    format!("{prefix}{:04}", highest + 1)
}

/// A new draft for `customer`, issued today in the workspace currency.
pub fn new_invoice(kind: InvoiceKind, customer: Option<&RecordRef>) -> Invoice {
    let workspace = use_workspace();
    let (contact_id, company_id) = customer.map(parties_of).unwrap_or_default();
    let today = local_day(now_ms());
    let owner_id = crate::ui::editing::remembered_member();
    Invoice {
        id: Workspace::new_id(),
        kind,
        number: workspace
            .invoices
            .with_untracked(|all| next_number(all.iter().cloned(), kind)),
        contact_id,
        company_id,
        owner_id,
        currency: workspace.settings.with_untracked(|s| s.currency),
        issue_date: Some(today),
        due_date: Some(Day(today.0 + DEFAULT_TERM_DAYS)),
        created_at: now_ms(),
        ..Invoice::default()
    }
}

/// One line as typed.
#[derive(Clone, Debug, Default, PartialEq)]
struct LineText {
    product_id: Option<Id>,
    description: String,
    quantity: String,
    unit_price: String,
    discount: String,
}

/// What is wrong with a typed line, field by field.
#[derive(Clone, Copy, Default, PartialEq)]
struct LineProblems {
    quantity: Option<Msg>,
    unit_price: Option<Msg>,
    discount: Option<Msg>,
}

impl LineProblems {
    fn any(&self) -> bool {
        self.quantity
            .or(self.unit_price)
            .or(self.discount)
            .is_some()
    }
}

impl LineText {
    /// A new line: one unit of something yet to be described and priced.
    fn blank() -> Self {
        LineText {
            quantity: "1".into(),
            ..LineText::default()
        }
    }

    fn from_line(line: &LineItem, currency: Currency, locale: crate::i18n::Locale) -> Self {
        let discount = match line.discount {
            Discount::Percent { basis_points } => percent_input_text(basis_points, locale.lang()),
            _ => String::new(),
        };
        LineText {
            product_id: line.product_id.clone(),
            description: line.description.clone(),
            quantity: line.quantity.to_string(),
            unit_price: amount_input_text(
                Money::new(line.unit_price_minor, currency),
                locale.lang(),
            ),
            discount,
        }
    }

    /// The line, and what could not be read (read as zero meanwhile, for the live totals).
    fn read(&self, currency: Currency) -> (LineItem, LineProblems) {
        let quantity = parse_whole_number(&self.quantity).ok_or(());
        let price = parse_money(&self.unit_price, currency);
        let discount = parse_percent(&self.discount);
        let problems = LineProblems {
            quantity: quantity.is_err().then_some(Msg::ErrWholeNumber),
            unit_price: price.is_err().then_some(Msg::ErrAmount),
            discount: discount.is_err().then_some(Msg::ErrNotAPercent),
        };
        let line = LineItem {
            product_id: self.product_id.clone(),
            description: self.description.trim().to_owned(),
            quantity: quantity.unwrap_or(0),
            unit_price_minor: price.map(|m| m.minor).unwrap_or(0),
            discount: match discount {
                Ok(Some(basis_points)) => Discount::Percent { basis_points },
                _ => Discount::None,
            },
        };
        (line, problems)
    }
}

/// How the document discount is given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum DiscountKind {
    Percent,
    Amount,
}

#[component]
pub fn InvoiceForm(
    initial: Invoice,
    #[prop(optional)] existing: bool,
    on_saved: Callback<Invoice>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let locale = use_locale();
    let workspace = use_workspace();
    let calendar = use_calendar();
    let currency = initial.currency;
    let mut typed_lines: Vec<LineText> = initial
        .lines
        .iter()
        .map(|l| LineText::from_line(l, currency, locale))
        .collect();
    if typed_lines.is_empty() {
        typed_lines.push(LineText::blank());
    }
    let lines = RwSignal::new(typed_lines);
    // Unreadable numbers are pointed out once the user tries to save, not while a new line is
    // still blank.
    let tried = RwSignal::new(false);
    let (discount_kind, discount_text) = match initial.discount {
        Discount::Amount { minor } => (
            DiscountKind::Amount,
            amount_input_text(Money::new(minor, currency), locale.lang()),
        ),
        Discount::Percent { basis_points } => (
            DiscountKind::Percent,
            percent_input_text(basis_points, locale.lang()),
        ),
        Discount::None => (DiscountKind::Percent, String::new()),
    };
    let discount_kind = RwSignal::new(discount_kind);
    let discount_text = RwSignal::new(discount_text);
    let tax_text = RwSignal::new(if initial.tax_rate_bp > 0 {
        percent_input_text(initial.tax_rate_bp, locale.lang())
    } else {
        String::new()
    });
    let issue = DayText::new(initial.issue_date, calendar.get_untracked(), locale.lang());
    let due = DayText::new(initial.due_date, calendar.get_untracked(), locale.lang());
    let customer = RwSignal::new(crate::ui::parties::customer_of(
        initial.contact_id.as_ref(),
        initial.company_id.as_ref(),
    ));
    let draft = Draft::new(existing.then(|| initial.clone()), || initial);
    let record = draft.record;
    let kind = Memo::new(move |_| record.with(|i| i.kind));
    let title = Signal::derive(move || {
        locale.t(match (draft.is_new(), kind.get()) {
            (true, InvoiceKind::Invoice) => Msg::NewInvoice,
            (true, InvoiceKind::Quote) => Msg::NewQuote,
            (false, InvoiceKind::Invoice) => Msg::EditInvoice,
            (false, InvoiceKind::Quote) => Msg::EditQuote,
        })
    });
    let document_discount = move || -> Result<Discount, Msg> {
        let text = discount_text.get();
        match discount_kind.get() {
            DiscountKind::Percent => match parse_percent(&text) {
                Ok(Some(basis_points)) => Ok(Discount::Percent { basis_points }),
                Ok(None) => Ok(Discount::None),
                Err(_) => Err(Msg::ErrNotAPercent),
            },
            DiscountKind::Amount if text.trim().is_empty() => Ok(Discount::None),
            DiscountKind::Amount => parse_money(&text, currency)
                .map(|m| Discount::Amount { minor: m.minor })
                .map_err(|_| Msg::ErrAmount),
        }
    };
    let tax = move || {
        parse_percent(&tax_text.get())
            .map(Option::unwrap_or_default)
            .map_err(|_| Msg::ErrNotAPercent)
    };
    // The document as typed so far, for the totals; unreadable numbers count as zero.
    let typed = move || {
        let mut invoice = record.get();
        invoice.lines = lines.with(|lines| lines.iter().map(|l| l.read(currency).0).collect());
        invoice.discount = document_discount().unwrap_or_default();
        invoice.tax_rate_bp = tax().unwrap_or(0);
        invoice
    };
    let totals = Memo::new(move |_| typed().totals());
    let money = move |minor: i64| format_money(Money::new(minor, currency), locale.lang());
    let products = Memo::new(move |_| {
        workspace.products.with(|products| {
            let mut active: Vec<(Id, String, i64)> = products
                .iter()
                .filter(|p| p.active && p.price.currency == currency)
                .map(|p| (p.id.clone(), p.name.clone(), p.price.minor))
                .collect();
            sort_by(&mut active, |a, b| a.1.cmp(&b.1));
            active
        })
    });
    let submit = move |_| {
        tried.set(true);
        let problems = lines.with_untracked(|l| l.iter().any(|l| l.read(currency).1.any()));
        let (issue_day, due_day) = (
            issue.day(calendar.get_untracked()),
            due.day(calendar.get_untracked()),
        );
        let (Ok(discount), Ok(tax_rate_bp), Ok(issue_date), Ok(due_date), false) =
            (document_discount(), tax(), issue_day, due_day, problems)
        else {
            draft.failure.set(Some(Msg::FixHighlighted));
            return;
        };
        let mut invoice = record.get_untracked();
        invoice.lines = lines.with_untracked(|l| l.iter().map(|l| l.read(currency).0).collect());
        invoice.discount = discount;
        invoice.tax_rate_bp = tax_rate_bp;
        invoice.issue_date = issue_date;
        invoice.due_date = due_date;
        invoice.number = invoice.number.trim().to_owned();
        (invoice.contact_id, invoice.company_id) = customer
            .get_untracked()
            .as_ref()
            .map(parties_of)
            .unwrap_or_default();
        draft.submit(invoice, move |saved| on_saved.run(saved));
    };
    let line_error = move |field: &'static str, at: usize| {
        let error = first_error(draft.errors, field, Some(at));
        move || error.get().map(|e| e.describe(locale))
    };

    view! {
        <FormDialog title=title on_submit=Callback::new(submit) on_cancel=on_cancel saving=draft.saving() failure=draft.failure kind=draft.kind()>
            <div class="form-grid">
                <div class="field">
                    <label class="field-label" for="invoice-kind">{move || locale.t(Msg::Kind)}</label>
                    {enum_select("invoice-kind", InvoiceKind::ALL, InvoiceKind::as_str, invoice_kind_msg,
                        move || Some(kind.get()),
                        move |chosen| if let Some(chosen) = chosen {
                            // A new document takes the numbering of its kind.
                            if draft.is_new() {
                                let number = workspace.invoices.with_untracked(|all| next_number(all.iter().cloned(), chosen));
                                record.update(|i| i.number = number);
                            }
                            record.update(|i| i.kind = chosen);
                        },
                        None)}
                </div>
                <crate::ui::widgets::TextField label=Msg::DocNumber id="invoice-number"
                    get=move || record.with(|i| i.number.clone())
                    set=move |v| record.update(|i| i.number = v) />
                <div class="field">
                    <label class="field-label" for="invoice-status">{move || locale.t(Msg::RecordStatus)}</label>
                    {enum_select("invoice-status", InvoiceStatus::ALL, InvoiceStatus::as_str, invoice_status_msg,
                        move || Some(record.with(|i| i.status)),
                        move |status| if let Some(status) = status {
                            record.update(|i| {
                                i.set_status(status, now_ms());
                            })
                        },
                        None)}
                </div>
            </div>
            <CustomerPicker label=Msg::ForCustomer id="invoice-customer" chosen=customer />
            <div class="form-grid">
                <DayField label=Msg::IssueDate id="invoice-issue" text=issue error=draft.error("issue_date") />
                <DayField label=Msg::DueDate id="invoice-due" text=due error=draft.error("due_date") />
            </div>
            <fieldset class="lines">
                <legend class="field-label">{move || locale.t(Msg::LinesLabel)}</legend>
                <span class="field-error" role="alert">{move || draft.error("lines").get().map(|e| e.describe(locale))}</span>
                {move || (0..lines.with(Vec::len)).map(|at| {
                    let number = at + 1;
                    let line = move || lines.with(|l| l.get(at).cloned().unwrap_or_default());
                    let edit = move |change: &dyn Fn(&mut LineText)| lines.update(|l| if let Some(line) = l.get_mut(at) { change(line) });
                    let problems = move || if tried.get() { line().read(currency).1 } else { LineProblems::default() };
                    let label = move |msg: Msg| locale.fill(phrase::NumberedLabel { label: locale.t(msg), number: &locale.number(number) });
                    let choose_product = move |ev| {
                        let chosen = event_target_value(&ev);
                        let product = products.with_untracked(|p| p.iter().find(|(id, _, _)| id.as_str() == chosen).cloned());
                        edit(&|l: &mut LineText| match &product {
                            Some((id, name, price)) => {
                                l.product_id = Some(id.clone());
                                l.description = name.clone();
                                l.unit_price = amount_input_text(Money::new(*price, currency), locale.lang());
                            }
                            None => l.product_id = None,
                        });
                    };
                    view! {
                        <div class="line-row">
                            <select aria-label=move || label(Msg::Product) on:change=choose_product>
                                <option value="">{move || locale.t(Msg::FreeTextLine)}</option>
                                {move || products.get().into_iter().map(|(id, name, _)| {
                                    let selected = line().product_id.as_ref() == Some(&id);
                                    view! { <option value=id.to_string() selected=selected>{name}</option> }
                                }).collect_view()}
                            </select>
                            <input type="text" class="line-description" aria-label=move || label(Msg::LineDescription)
                                prop:value=move || line().description
                                on:input=move |ev| { let v = event_target_value(&ev); edit(&|l| l.description = v.clone()) } />
                            <input type="text" inputmode="numeric" class="line-quantity" aria-label=move || label(Msg::Quantity)
                                prop:value=move || line().quantity
                                aria-invalid=move || problems().quantity.is_some().to_string()
                                on:input=move |ev| { let v = event_target_value(&ev); edit(&|l| l.quantity = v.clone()) } />
                            <input type="text" inputmode="decimal" class="line-price" aria-label=move || label(Msg::UnitPrice)
                                prop:value=move || line().unit_price
                                aria-invalid=move || problems().unit_price.is_some().to_string()
                                on:input=move |ev| { let v = event_target_value(&ev); edit(&|l| l.unit_price = v.clone()) } />
                            <input type="text" inputmode="decimal" class="line-discount" aria-label=move || label(Msg::DiscountPercent)
                                prop:value=move || line().discount
                                aria-invalid=move || problems().discount.is_some().to_string()
                                on:input=move |ev| { let v = event_target_value(&ev); edit(&|l| l.discount = v.clone()) } />
                            <button type="button" class="button subtle" aria-label=move || label(Msg::RemoveLine)
                                on:click=move |_| lines.update(|l| { if l.len() > 1 { l.remove(at); } })>"×"</button>
                            <span class="field-error" role="alert">
                                {move || {
                                    let p = problems();
                                    p.quantity.or(p.unit_price).or(p.discount).map(|m| locale.t(m).to_owned())
                                        .or_else(line_error("lines.description", at))
                                        .or_else(line_error("lines.quantity", at))
                                        .or_else(line_error("lines.discount", at))
                                }}
                            </span>
                        </div>
                    }
                }).collect_view()}
                <button type="button" class="button subtle" on:click=move |_| lines.update(|l| l.push(LineText::blank()))>
                    {move || locale.t(Msg::AddLine)}
                </button>
            </fieldset>
            <div class="form-grid">
                <div class="field">
                    <label class="field-label" for="invoice-discount">{move || locale.t(Msg::DocumentDiscount)}</label>
                    <div class="input-with-unit">
                        <input id="invoice-discount" type="text" inputmode="decimal"
                            prop:value=move || discount_text.get()
                            aria-invalid=move || document_discount().is_err().to_string()
                            on:input=move |ev| discount_text.set(event_target_value(&ev)) />
                        <select aria-label=move || locale.t(Msg::DiscountKind) on:change=move |ev| {
                            discount_kind.set(if event_target_value(&ev) == "amount" { DiscountKind::Amount } else { DiscountKind::Percent })
                        }>
                            <option value="percent" selected=move || discount_kind.get() == DiscountKind::Percent>"%"</option>
                            <option value="amount" selected=move || discount_kind.get() == DiscountKind::Amount>{currency.label(locale.lang())}</option>
                        </select>
                    </div>
                    <span class="field-error" role="alert">{move || document_discount().err().map(|m| locale.t(m))}</span>
                </div>
                <div class="field">
                    <label class="field-label" for="invoice-tax">{move || locale.t(Msg::TaxPercent)}</label>
                    <input id="invoice-tax" type="text" inputmode="decimal"
                        prop:value=move || tax_text.get()
                        aria-invalid=move || tax().is_err().to_string()
                        on:input=move |ev| tax_text.set(event_target_value(&ev)) />
                    <span class="field-error" role="alert">{move || tax().err().map(|m| locale.t(m))}</span>
                </div>
            </div>
            <dl class="totals" aria-live="polite">
                <div><dt>{move || locale.t(Msg::TotalsSubtotal)}</dt><dd>{move || money(totals.get().subtotal_minor)}</dd></div>
                <div><dt>{move || locale.t(Msg::TotalsDiscount)}</dt><dd>{move || money(totals.get().discount_minor)}</dd></div>
                <div><dt>{move || locale.t(Msg::TotalsTax)}</dt><dd>{move || money(totals.get().tax_minor)}</dd></div>
                <div class="grand"><dt>{move || locale.t(Msg::TotalsTotal)}</dt><dd>{move || money(totals.get().total_minor)}</dd></div>
            </dl>
            <div class="field">
                <label class="field-label" for="invoice-notes">{move || locale.t(Msg::Notes)}</label>
                <textarea id="invoice-notes" rows="2"
                    prop:value=move || record.with(|i| i.notes.clone())
                    on:input=move |ev| record.update(|i| i.notes = event_target_value(&ev))></textarea>
            </div>
        </FormDialog>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn document(kind: InvoiceKind, number: &str) -> Invoice {
        Invoice {
            kind,
            number: number.into(),
            ..Invoice::default()
        }
    }

    #[wasm_bindgen_test]
    fn numbers_follow_the_highest_of_their_kind() {
        assert_eq!(
            next_number(std::iter::empty(), InvoiceKind::Invoice),
            "INV-0001"
        );
        let existing = [
            document(InvoiceKind::Invoice, "INV-0006"),
            document(InvoiceKind::Invoice, "INV-0002"),
            document(InvoiceKind::Invoice, "hand-written 99"),
            document(InvoiceKind::Quote, "Q-0041"),
        ];
        assert_eq!(
            next_number(existing.iter().cloned(), InvoiceKind::Invoice),
            "INV-0007"
        );
        assert_eq!(
            next_number(existing.iter().cloned(), InvoiceKind::Quote),
            "Q-0042"
        );
    }
}
