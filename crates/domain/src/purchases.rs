//! Purchases: what an order is, who a customer is, and one customer's orders summed into
//! [`PurchaseFacts`], the one summary the customer 360 page, the dashboard (KPIs and lists)
//! and segments all read.
//!
//! - An **order** (a purchase) is an invoice, not a quote, with status paid
//!   ([`Invoice::is_order`]). It was made at [`Invoice::purchased_at`]: its `paid_at`, else its
//!   issue moment, else its creation. Its revenue is the invoice total (after discounts and
//!   tax).
//! - A **customer** is a contact or a company ([`Customer`]) with at least one order. A
//!   contact's orders are the invoices naming it by `contact_id`. A company's are the invoices
//!   naming it by `company_id` or naming one of its contacts: a purchase by an employee counts
//!   for the account even if the invoice names only them. The dashboard and segments work on
//!   contacts (they count, list and filter contacts), so there a customer is a contact with an
//!   order, and an order naming only a company is revenue but no contact's purchase; the company
//!   profile sums its contacts' orders with its own.
//! - **Money**: revenue is kept per currency and never converted (the domain has no exchange
//!   rates). The figures in the workspace currency — orders, spend (the lifetime value), average
//!   order value, RFM frequency and monetary — count only orders in that currency, so that
//!   AOV = spend / orders always holds; the other currencies are kept beside, per currency.
//!   Purchase **dates** (first, last, recency, dormancy) count orders in every currency: a
//!   purchase in dollars is still a purchase.
//! - A customer is **dormant** (churned) when `dormant_days` whole days pass without an order:
//!   at an instant for the win-back lists ([`PurchaseFacts::is_dormant`]); counted in whole
//!   days from the day of the last order for the dashboard's churn rate over a range of days.

use rustc_hash::FxHashMap;

use crate::id::Id;
use crate::model::{Company, Contact, Invoice};
use crate::money::{average, Currency, Money, MoneyTotals};
use crate::time::{days_between, Instant};

/// A customer: a contact, or a company together with its contacts (see the module docs).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Customer {
    /// Records whose `contact_id` is this contact.
    Contact(Id),
    /// Records whose `company_id` is the company, or whose `contact_id` is one of its contacts.
    Company { id: Id, contact_ids: Vec<Id> },
}

impl Customer {
    /// The contact as a customer.
    pub fn contact(contact: &Contact) -> Self {
        Customer::Contact(contact.id.clone())
    }

    /// The company and those of `contacts` that work for it (others are ignored, so the caller
    /// may pass every contact).
    pub fn company<'c>(company: &Company, contacts: impl IntoIterator<Item = &'c Contact>) -> Self {
        let contact_ids = contacts
            .into_iter()
            .filter(|contact| contact.company_id.as_ref() == Some(&company.id))
            .map(|contact| contact.id.clone())
            .collect();
        Customer::Company {
            id: company.id.clone(),
            contact_ids,
        }
    }
}

/// One order, as a customer's history keeps it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Purchase {
    /// [`Invoice::purchased_at`].
    pub at: Instant,
    /// The invoice total.
    pub total: Money,
}

impl Purchase {
    /// The order, if the invoice is one.
    pub fn of(invoice: &Invoice) -> Option<Purchase> {
        invoice.is_order().then(|| Purchase {
            at: Instant(invoice.purchased_at()),
            total: invoice.total(),
        })
    }
}

/// A customer's orders summed (see the module docs for what counts). Small and `Copy`: the
/// dashboard builds one per customer for every per-customer KPI; revenue in other currencies,
/// which only the 360 page shows, is [`revenue_per_currency`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PurchaseFacts {
    /// The first and last order, in any currency.
    pub first: Instant,
    pub last: Instant,
    /// Orders in the workspace currency.
    pub orders: u32,
    /// Σ totals of those orders: the lifetime value, in the workspace currency.
    pub spend: Money,
}

impl PurchaseFacts {
    /// The facts of one purchase, in a workspace whose currency is `currency`.
    fn first_purchase(purchase: Purchase, currency: Currency) -> PurchaseFacts {
        let mut facts = PurchaseFacts {
            first: purchase.at,
            last: purchase.at,
            orders: 0,
            spend: Money::new(0, currency),
        };
        facts.add(purchase);
        facts
    }

    /// Counts a purchase: its instant always, its total only in the workspace currency.
    fn add(&mut self, purchase: Purchase) {
        self.first = self.first.min(purchase.at);
        self.last = self.last.max(purchase.at);
        if purchase.total.currency == self.spend.currency {
            self.orders += 1;
            self.spend.minor = self.spend.minor.saturating_add(purchase.total.minor);
        }
    }

    /// The facts of `purchases`; `None` when there is none.
    pub fn of(
        purchases: impl IntoIterator<Item = Purchase>,
        currency: Currency,
    ) -> Option<PurchaseFacts> {
        let mut purchases = purchases.into_iter();
        let mut facts = PurchaseFacts::first_purchase(purchases.next()?, currency);
        purchases.for_each(|purchase| facts.add(purchase));
        Some(facts)
    }

    /// The facts of the orders among `invoices` (a customer's invoices and quotes).
    pub fn of_invoices<'i>(
        invoices: impl IntoIterator<Item = &'i Invoice>,
        currency: Currency,
    ) -> Option<PurchaseFacts> {
        PurchaseFacts::of(orders(invoices), currency)
    }

    /// The facts of a customer's history (sorted by instant) made before `until`.
    pub fn until(
        history: &[Purchase],
        currency: Currency,
        until: Instant,
    ) -> Option<PurchaseFacts> {
        let made = history.partition_point(|purchase| purchase.at < until);
        PurchaseFacts::of(history[..made].iter().copied(), currency)
    }

    /// Every contact's facts from the orders among `invoices`, in one pass: the customers as the
    /// dashboard and segments count them. Contacts with no order are absent.
    pub fn by_contact(invoices: &[Invoice], currency: Currency) -> FxHashMap<&Id, PurchaseFacts> {
        let mut facts: FxHashMap<&Id, PurchaseFacts> = FxHashMap::default();
        for invoice in invoices {
            let (Some(contact), Some(purchase)) = (&invoice.contact_id, Purchase::of(invoice))
            else {
                continue;
            };
            facts
                .entry(contact)
                .and_modify(|facts| facts.add(purchase))
                .or_insert_with(|| PurchaseFacts::first_purchase(purchase, currency));
        }
        facts
    }

    /// Average order value: spend / orders, rounded half away from zero to the minor unit;
    /// `None` without an order in the workspace currency.
    pub fn average_order_value(&self) -> Option<Money> {
        average(self.spend.minor.into(), self.orders)
            .map(|minor| Money::new(minor, self.spend.currency))
    }

    /// Whole days from the last order to `now`.
    pub fn days_since_last(&self, now: Instant) -> i64 {
        days_between(self.last, now)
    }

    /// Whether the customer is dormant at `now`: at least `dormant_days` whole days since the
    /// last order.
    pub fn is_dormant(&self, now: Instant, dormant_days: u32) -> bool {
        self.days_since_last(now) >= i64::from(dormant_days)
    }
}

/// The orders among `invoices`.
pub fn orders<'i>(
    invoices: impl IntoIterator<Item = &'i Invoice>,
) -> impl Iterator<Item = Purchase> {
    invoices.into_iter().filter_map(Purchase::of)
}

/// Σ totals of `purchases` per currency, never converted.
pub fn revenue_per_currency(purchases: impl IntoIterator<Item = Purchase>) -> MoneyTotals {
    let mut revenue = MoneyTotals::default();
    for purchase in purchases {
        revenue.add(purchase.total);
    }
    revenue
}
