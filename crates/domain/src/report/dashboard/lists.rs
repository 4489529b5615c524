//! The dashboard's lists, answering the questions a CRM must answer: which customers have not
//! bought for long, which invoices and quotes wait for follow-up, which tickets broke their
//! SLA, which deals went stale, which products fail to sell. Every row carries the id of the
//! record it links to.
//!
//! Lists are about today: they take `now` (Unix ms) and use the [`Scope`]'s owner filter,
//! settings and zone ("today" is the zone's day of `now`); only [`sla_breaches`] and
//! [`slow_products`] also look at its period.

use crate::sorting::sort_by;
use rustc_hash::FxHashMap;

use super::{ProductPerformance, Records, Scope};
use crate::calendar::Day;
use crate::id::Id;
use crate::model::{Activity, Invoice, InvoiceKind, InvoiceStatus, Priority, Product};
use crate::money::{Currency, Money};
use crate::purchases::PurchaseFacts;
use crate::report::board::{is_stale, last_activity_by_deal};
use crate::time::{days_between, Instant};

/// A customer who has not bought for a long time: a win-back candidate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DormantCustomer {
    pub contact_id: Id,
    pub last_purchase_at: i64,
    /// Whole days since the last order.
    pub days_since_purchase: i64,
    /// Σ totals of all orders in the workspace currency.
    pub lifetime_value: Money,
    pub orders: u32,
}

/// Dormant customers: the owner's contacts whose last order (in any currency) is at least
/// `scope.dormant_days` whole days before `now`; the largest lifetime value first, then the
/// longest dormant, then by id.
pub fn dormant_customers(records: &Records<'_>, scope: &Scope, now: i64) -> Vec<DormantCustomer> {
    let facts = PurchaseFacts::by_contact(records.invoices, scope.currency);
    let now = Instant(now);
    let mut rows: Vec<DormantCustomer> = records
        .contacts
        .iter()
        .filter(|contact| scope.owns(contact.owner_id.as_ref()))
        .filter_map(|contact| {
            let facts = facts.get(&contact.id)?;
            facts
                .is_dormant(now, scope.dormant_days)
                .then(|| DormantCustomer {
                    contact_id: contact.id.clone(),
                    last_purchase_at: facts.last.0,
                    days_since_purchase: facts.days_since_last(now),
                    lifetime_value: facts.spend,
                    orders: facts.orders,
                })
        })
        .collect();
    sort_by(&mut rows, |a, b| {
        (b.lifetime_value.minor, b.days_since_purchase, &a.contact_id).cmp(&(
            a.lifetime_value.minor,
            a.days_since_purchase,
            &b.contact_id,
        ))
    });
    rows
}

/// A quote or invoice waiting for the customer, and when the team last followed it up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FollowUp {
    pub invoice_id: Id,
    pub kind: InvoiceKind,
    pub number: String,
    pub contact_id: Option<Id>,
    pub company_id: Option<Id>,
    pub total: Money,
    pub issued_at: i64,
    pub due_date: Option<Day>,
    /// Whole days past the due date (0 on the due date itself); `None` without one.
    pub days_overdue: Option<i64>,
    /// The latest call, meeting, e-mail or message with the document's contact or company, or
    /// on its deal, since it was issued and up to `now`.
    pub last_follow_up_at: Option<i64>,
    /// Whole days since the last follow-up, or since the document was issued when none.
    pub days_without_follow_up: i64,
}

/// The latest contact activity per contact, company and deal id, up to `now`.
struct LastContact<'a> {
    by_record: FxHashMap<&'a Id, Vec<i64>>,
}

impl<'a> LastContact<'a> {
    fn new(activities: &'a [Activity], now: i64) -> Self {
        let mut by_record: FxHashMap<&Id, Vec<i64>> = FxHashMap::default();
        for activity in activities
            .iter()
            .filter(|activity| activity.is_contact() && activity.at <= now)
        {
            for id in [
                &activity.contact_id,
                &activity.company_id,
                &activity.deal_id,
            ]
            .into_iter()
            .flatten()
            {
                by_record.entry(id).or_default().push(activity.at);
            }
        }
        LastContact { by_record }
    }

    /// The latest contact with the document's parties or deal at or after `since`.
    fn about(&self, invoice: &Invoice, since: i64) -> Option<i64> {
        [&invoice.contact_id, &invoice.company_id, &invoice.deal_id]
            .into_iter()
            .flatten()
            .filter_map(|id| self.by_record.get(id))
            .flatten()
            .copied()
            .filter(|at| *at >= since)
            .max()
    }

    fn row(&self, invoice: &Invoice, now: i64, today: Day) -> FollowUp {
        let issued = invoice.issued_at();
        let last_follow_up_at = self.about(invoice, issued);
        FollowUp {
            invoice_id: invoice.id.clone(),
            kind: invoice.kind,
            number: invoice.number.clone(),
            contact_id: invoice.contact_id.clone(),
            company_id: invoice.company_id.clone(),
            total: invoice.total(),
            issued_at: issued,
            due_date: invoice.due_date,
            days_overdue: invoice
                .due_date
                .map(|due| i64::from(today.0) - i64::from(due.0)),
            last_follow_up_at,
            days_without_follow_up: days_between(
                Instant(last_follow_up_at.unwrap_or(issued)),
                Instant(now),
            ),
        }
    }
}

/// Overdue invoices ([`Invoice::is_overdue`] on `now`'s day) of the owner, with their last
/// follow-up; the longest overdue first, then the largest, then by id.
pub fn overdue_invoices(records: &Records<'_>, scope: &Scope, now: i64) -> Vec<FollowUp> {
    let today = scope.day_of(now);
    let last_contact = LastContact::new(records.activities, now);
    let mut rows: Vec<FollowUp> = records
        .invoices
        .iter()
        .filter(|invoice| invoice.is_overdue(today) && scope.owns(invoice.owner_id.as_ref()))
        .map(|invoice| last_contact.row(invoice, now, today))
        .collect();
    sort_by(&mut rows, |a, b| {
        (b.days_overdue, b.total.minor, &a.invoice_id).cmp(&(
            a.days_overdue,
            a.total.minor,
            &b.invoice_id,
        ))
    });
    rows
}

/// Quotes not followed up: the owner's sent quotes (status sent) with no contact (see
/// [`FollowUp::last_follow_up_at`]) for at least `days` whole days since they were issued or
/// last followed up; the longest waiting first, then by id.
pub fn quotes_without_follow_up(
    records: &Records<'_>,
    scope: &Scope,
    now: i64,
    days: u32,
) -> Vec<FollowUp> {
    let today = scope.day_of(now);
    let last_contact = LastContact::new(records.activities, now);
    let mut rows: Vec<FollowUp> = records
        .invoices
        .iter()
        .filter(|invoice| {
            invoice.kind == InvoiceKind::Quote
                && invoice.status == InvoiceStatus::Sent
                && scope.owns(invoice.owner_id.as_ref())
        })
        .map(|invoice| last_contact.row(invoice, now, today))
        .filter(|row| row.days_without_follow_up >= i64::from(days))
        .collect();
    sort_by(&mut rows, |a, b| {
        (b.days_without_follow_up, &a.invoice_id).cmp(&(a.days_without_follow_up, &b.invoice_id))
    });
    rows
}

/// A ticket that broke its SLA.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SlaBreach {
    pub ticket_id: Id,
    pub contact_id: Option<Id>,
    pub company_id: Option<Id>,
    pub priority: Priority,
    pub sla_due_at: i64,
    /// Still new, open or pending.
    pub open: bool,
    /// How late: to `now` while open, to the resolution otherwise (ms).
    pub late_ms: i64,
}

/// Tickets breaching SLA ([`Ticket::sla_breached`]) assigned to the owner: every open one, and those
/// resolved late in the period. Open ones first, then the most urgent, then the latest.
pub fn sla_breaches(records: &Records<'_>, scope: &Scope, now: i64) -> Vec<SlaBreach> {
    let mut rows: Vec<SlaBreach> = records
        .tickets
        .iter()
        .filter(|ticket| scope.owns(ticket.assignee_id.as_ref()) && ticket.sla_breached(now))
        .filter(|ticket| {
            ticket.is_open() || ticket.resolved_at.is_some_and(|at| scope.contains(at))
        })
        .filter_map(|ticket| {
            let due = ticket.sla_due_at?;
            let until = if ticket.is_open() {
                now
            } else {
                ticket.resolved_at?
            };
            Some(SlaBreach {
                ticket_id: ticket.id.clone(),
                contact_id: ticket.contact_id.clone(),
                company_id: ticket.company_id.clone(),
                priority: ticket.priority,
                sla_due_at: due,
                open: ticket.is_open(),
                late_ms: until.saturating_sub(due),
            })
        })
        .collect();
    let urgency = |priority: Priority| Priority::ALL.iter().position(|p| *p == priority);
    sort_by(&mut rows, |a, b| {
        (b.open, urgency(b.priority), b.late_ms, &a.ticket_id).cmp(&(
            a.open,
            urgency(a.priority),
            a.late_ms,
            &b.ticket_id,
        ))
    });
    rows
}

/// An open deal nobody has touched for a while.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaleDeal {
    pub deal_id: Id,
    pub stage_id: Id,
    pub value: Money,
    /// Whole days since the last activity, stage move or creation.
    pub idle_days: i64,
}

/// Deals going stale: the owner's open deals that [`is_stale`] marks with `stale_days`
/// (the workspace's `stale_deal_days`); the longest idle first, then the largest, then by id.
pub fn stale_deals(
    records: &Records<'_>,
    scope: &Scope,
    now: i64,
    stale_days: u32,
) -> Vec<StaleDeal> {
    let last_activity = last_activity_by_deal(records.activities);
    let mut rows: Vec<StaleDeal> = records
        .deals
        .iter()
        .filter(|deal| scope.owns(deal.owner_id.as_ref()))
        .filter_map(|deal| {
            let activity = last_activity.get(&deal.id).copied();
            is_stale(deal, activity, now, stale_days).then(|| {
                let touched = activity
                    .unwrap_or(i64::MIN)
                    .max(deal.stage_entered_at)
                    .max(deal.created_at);
                StaleDeal {
                    deal_id: deal.id.clone(),
                    stage_id: deal.stage_id.clone(),
                    value: deal.value,
                    idle_days: days_between(Instant(touched), Instant(now)),
                }
            })
        })
        .collect();
    sort_by(&mut rows, |a, b| {
        (b.idle_days, b.value.minor, &a.deal_id).cmp(&(a.idle_days, a.value.minor, &b.deal_id))
    });
    rows
}

/// Products that fail to sell: the active products' rows of `performance` (a period's
/// [`product_performance`](super::product_performance)), fewest units first (those not sold at all lead), then least
/// revenue in `currency`, then by name.
pub fn slow_products(
    products: &[Product],
    performance: &[ProductPerformance],
    currency: Currency,
) -> Vec<ProductPerformance> {
    let active: FxHashMap<&Id, &str> = products
        .iter()
        .filter(|product| product.active)
        .map(|product| (&product.id, product.name.as_str()))
        .collect();
    let mut rows: Vec<ProductPerformance> = performance
        .iter()
        .filter(|row| active.contains_key(&row.product_id))
        .cloned()
        .collect();
    sort_by(&mut rows, |a, b| {
        (a.units, a.revenue.get(currency), active[&a.product_id]).cmp(&(
            b.units,
            b.revenue.get(currency),
            active[&b.product_id],
        ))
    });
    rows
}
