//! Products, line items, quotes and invoices, with totals in integer minor units.

use super::DEFAULT_CURRENCY;
use crate::calendar::Day;
use crate::id::Id;
use crate::kind::EntityKind;
use crate::money::{div_round_half_away, saturate, Currency, Money};
use serde::{Deserialize, Serialize};

/// Basis points in a whole: 10 000 bp = 100 %.
pub const BASIS_POINTS_PER_WHOLE: u32 = 10_000;

entity! {
    /// Something the business sells.
    pub struct Product {
        pub name: String,
        /// Stock-keeping unit: the business's own product code.
        pub sku: String,
        pub description: String,
        /// List price per unit.
        pub price: Money = Money::new(0, DEFAULT_CURRENCY),
        /// Inactive products stay for history but are not offered on new deals and invoices.
        pub active: bool = true,
        pub created_at: i64,
    }
}

/// A reduction of an amount. Stored as an object tagged by `type`, e.g.
/// `{"type":"percent","basis_points":1000}` for 10 %.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Discount {
    #[default]
    None,
    /// A share of the amount, in basis points (1 % = 100).
    Percent { basis_points: u32 },
    /// A fixed amount in minor units.
    Amount { minor: i64 },
}

impl Discount {
    /// The amount taken off `gross`, rounded half away from zero to the minor unit.
    pub fn of(self, gross: i64) -> i64 {
        match self {
            Discount::None => 0,
            Discount::Percent { basis_points } => basis_points_of(gross, basis_points),
            Discount::Amount { minor } => minor,
        }
    }
}

/// One line of a deal, quote or invoice, priced in the document's currency.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LineItem {
    /// The product sold, if it is a catalogue product; free-text lines have none.
    pub product_id: Option<Id>,
    pub description: String,
    /// Whole units; services sold by the hour count hours.
    pub quantity: u32,
    pub unit_price_minor: i64,
    /// Taken off this line's quantity × unit price.
    pub discount: Discount,
}

impl Default for LineItem {
    fn default() -> Self {
        LineItem {
            product_id: None,
            description: String::new(),
            quantity: 1,
            unit_price_minor: 0,
            discount: Discount::None,
        }
    }
}

impl LineItem {
    /// Quantity × unit price, before the line's discount.
    pub fn gross_minor(&self) -> i64 {
        saturate(i128::from(self.quantity) * i128::from(self.unit_price_minor))
    }

    /// The line's amount after its own discount.
    pub fn net_minor(&self) -> i64 {
        let gross = self.gross_minor();
        gross.saturating_sub(self.discount.of(gross))
    }
}

/// The sum of the lines' net amounts.
pub fn lines_subtotal_minor(lines: &[LineItem]) -> i64 {
    saturate(lines.iter().map(|line| i128::from(line.net_minor())).sum())
}

string_enum! {
    /// A quote (pre-invoice, پیش‌فاکتور) or an invoice.
    #[derive(Default)]
    pub enum InvoiceKind {
        Quote = "quote",
        #[default]
        Invoice = "invoice",
    }
}

string_enum! {
    /// Where a quote or invoice is in its life; "accepted" applies to quotes.
    #[derive(Default)]
    pub enum InvoiceStatus {
        #[default]
        Draft = "draft",
        Sent = "sent",
        Accepted = "accepted",
        Paid = "paid",
        Overdue = "overdue",
        Cancelled = "cancelled",
    }
}

entity! {
    /// A quote or an invoice. Amounts are computed by [`Invoice::totals`], never stored, so
    /// they cannot disagree with the lines.
    pub struct Invoice {
        pub kind: InvoiceKind,
        /// The business's own document number; assigned when the document is issued.
        pub number: String,
        pub contact_id: Option<Id>,
        pub company_id: Option<Id>,
        pub deal_id: Option<Id>,
        pub owner_id: Option<Id>,
        pub currency: Currency = DEFAULT_CURRENCY,
        #[serde(deserialize_with = "crate::model::exact_len")]
        pub lines: Vec<LineItem>,
        /// Taken off the subtotal, before tax.
        pub discount: Discount,
        /// Tax (VAT) in basis points of the discounted subtotal; 1 000 = 10 %.
        pub tax_rate_bp: u32,
        pub issue_date: Option<Day>,
        /// Payment due date; for a quote, the last day it is valid.
        pub due_date: Option<Day>,
        pub status: InvoiceStatus,
        pub paid_at: Option<i64>,
        /// The quote this invoice was made from.
        pub converted_from: Option<Id>,
        pub notes: String,
        pub created_at: i64,
    }
}

/// The amounts of a quote or invoice, in minor units of its currency.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InvoiceTotals {
    /// Sum of the lines after their own discounts.
    pub subtotal_minor: i64,
    /// The document discount.
    pub discount_minor: i64,
    pub tax_minor: i64,
    /// Subtotal − discount + tax.
    pub total_minor: i64,
}

impl Invoice {
    /// Whether the invoice is an order (a purchase): an invoice, not a quote, that is paid.
    /// Drafts, sent, overdue and cancelled invoices are not revenue.
    pub fn is_order(&self) -> bool {
        self.kind == InvoiceKind::Invoice && self.status == InvoiceStatus::Paid
    }

    /// When the quote or invoice was issued: its issue day (at the moment of creation if it
    /// was created that UTC day, else at the day's start), or its creation when it has no issue
    /// day.
    pub fn issued_at(&self) -> i64 {
        match self.issue_date {
            Some(day) if Day::from_unix_ms(self.created_at) == day => self.created_at,
            Some(day) => day.to_unix_ms(),
            None => self.created_at,
        }
    }

    /// When an order was paid: `paid_at`, else (for records missing it) [`Invoice::issued_at`].
    pub fn purchased_at(&self) -> i64 {
        self.paid_at.unwrap_or_else(|| self.issued_at())
    }

    /// Computes the totals. Document rounding: each percentage is applied once, to the
    /// document's amount, and rounded half away from zero to the minor unit.
    pub fn totals(&self) -> InvoiceTotals {
        let subtotal_minor = lines_subtotal_minor(&self.lines);
        let discount_minor = self.discount.of(subtotal_minor);
        let taxable = subtotal_minor.saturating_sub(discount_minor);
        let tax_minor = basis_points_of(taxable, self.tax_rate_bp);
        InvoiceTotals {
            subtotal_minor,
            discount_minor,
            tax_minor,
            total_minor: taxable.saturating_add(tax_minor),
        }
    }

    /// The amount to be paid.
    pub fn total(&self) -> Money {
        Money::new(self.totals().total_minor, self.currency)
    }

    /// Whether payment is late on `today`: marked overdue, or an issued invoice past its due
    /// date. Quotes are never overdue; past their date they have merely expired.
    pub fn is_overdue(&self, today: Day) -> bool {
        match self.status {
            InvoiceStatus::Overdue => true,
            InvoiceStatus::Sent | InvoiceStatus::Accepted => {
                self.kind == InvoiceKind::Invoice && self.due_date.is_some_and(|due| due < today)
            }
            InvoiceStatus::Draft | InvoiceStatus::Paid | InvoiceStatus::Cancelled => false,
        }
    }

    /// Whether the document may move from its status to `to` (staying is allowed): a draft
    /// is sent, paid or cancelled; a sent one accepted (a quote), paid or late (an
    /// invoice) or cancelled; a late one sent again (a new due date), paid or cancelled; an
    /// accepted quote cancelled. Paid and cancelled are final, and a quote is never paid or
    /// late: it becomes an invoice for that.
    pub fn can_become(&self, to: InvoiceStatus) -> bool {
        use InvoiceStatus::{Accepted, Cancelled, Draft, Overdue, Paid, Sent};
        let quote = self.kind == InvoiceKind::Quote;
        match (self.status, to) {
            (from, to) if from == to => true,
            (Sent, Accepted) => quote,
            (_, Accepted) => false,
            (_, Paid | Overdue) if quote => false,
            (Draft, Sent | Paid | Cancelled)
            | (Sent, Paid | Overdue | Cancelled)
            | (Overdue, Sent | Paid | Cancelled)
            | (Accepted, Cancelled) => true,
            _ => false,
        }
    }

    /// Sets the status at `now`: a document paid keeps when it was paid (stamped `now` the
    /// first time); any other status has no payment.
    pub fn set_status(&mut self, status: InvoiceStatus, now: i64) {
        self.status = status;
        self.paid_at = (status == InvoiceStatus::Paid).then(|| self.paid_at.unwrap_or(now));
    }

    /// A draft invoice made from this quote, with the same parties, lines and terms. Number
    /// and dates are left for the caller to set when issuing it.
    pub fn to_invoice(&self, id: Id, created_at: i64) -> Invoice {
        Invoice {
            id,
            kind: InvoiceKind::Invoice,
            contact_id: self.contact_id.clone(),
            company_id: self.company_id.clone(),
            deal_id: self.deal_id.clone(),
            owner_id: self.owner_id.clone(),
            currency: self.currency,
            lines: self.lines.clone(),
            discount: self.discount,
            tax_rate_bp: self.tax_rate_bp,
            converted_from: Some(self.id.clone()),
            notes: self.notes.clone(),
            created_at,
            ..Invoice::default()
        }
    }
}

/// `amount × basis_points / 10 000`, rounded half away from zero.
fn basis_points_of(amount: i64, basis_points: u32) -> i64 {
    let scaled = i128::from(amount) * i128::from(basis_points);
    saturate(div_round_half_away(
        scaled,
        i128::from(BASIS_POINTS_PER_WHOLE),
    ))
}
