//! The customer 360 page: one customer's KPI strip, the service times of its tickets, its RFM
//! class and its timeline.
//!
//! A customer is a contact or a company ([`Customer`]). The caller loads the workspace's
//! records, [`CustomerRecords::select`] keeps the ones that belong to the customer, and
//! [`compute`] and [`timeline`] work on that selection. Nothing here reads a clock: `now` is
//! Unix milliseconds passed by the caller.
//!
//! Definitions used throughout:
//! - **Orders**, **customers** and how purchase figures treat currencies are defined once, in
//!   [`crate::purchases`]; the purchase figures here are that module's [`PurchaseFacts`].
//! - **Money** figures (lifetime value, AOV, RFM monetary, open deal value) are in the
//!   workspace currency ([`Settings::currency`](crate::model::Settings)); amounts in other
//!   currencies are reported per currency in [`CustomerKpis::other_currency_revenue`] and
//!   [`CustomerKpis::other_currency_open_deal_value`] so the page can show them beside.
//! - **Contact** with the customer is a logged call, meeting, e-mail or message, in either
//!   direction, that has happened by `now`. Notes are internal and do not count; neither do
//!   activities dated after `now` (a planned meeting).
//! - Whole **days** between two instants are rounded down (23 hours ago is 0 days).

use crate::sorting::sort_by;
use std::cmp::{Ordering, Reverse};

use rustc_hash::FxHashSet;

use crate::csat::Csat;
use crate::id::Id;
use crate::kind::EntityKind;
use crate::model::{
    Activity, ActivityKind, AutomationRun, Deal, DealStatus, Direction, Invoice, InvoiceKind,
    InvoiceStatus, RecordRef, Task, Ticket,
};
use crate::money::{Currency, Money, MoneyTotals};
use crate::purchases::{orders, revenue_per_currency, Customer, PurchaseFacts};
use crate::referrers::Referrers;
use crate::rfm::{Rfm, RfmThresholds, RfmValues};
use crate::time::{days_between, Instant};

// ---------------------------------------------------------------------------------------------
// Which records belong to a customer
// ---------------------------------------------------------------------------------------------

/// Matches a record's `contact_id` / `company_id` against a customer in O(1).
struct Owner<'c> {
    company: Option<&'c Id>,
    /// FxHash: `select` looks up every record of the workspace in it.
    contacts: FxHashSet<&'c Id>,
}

impl<'c> Owner<'c> {
    fn new(customer: &'c Customer) -> Self {
        match customer {
            Customer::Contact(id) => Owner {
                company: None,
                contacts: FxHashSet::from_iter([id]),
            },
            Customer::Company { id, contact_ids } => Owner {
                company: Some(id),
                contacts: contact_ids.iter().collect(),
            },
        }
    }

    fn owns(&self, contact_id: Option<&Id>, company_id: Option<&Id>) -> bool {
        contact_id.is_some_and(|id| self.contacts.contains(id))
            || (self.company.is_some() && company_id == self.company)
    }
}

/// Every record of the workspace that a customer's records are picked from.
#[derive(Clone, Copy, Debug, Default)]
pub struct AllRecords<'a> {
    pub invoices: &'a [Invoice],
    pub deals: &'a [Deal],
    pub activities: &'a [Activity],
    pub tickets: &'a [Ticket],
    pub tasks: &'a [Task],
    pub runs: &'a [AutomationRun],
    /// The indexes of these very slices, when the caller keeps them: then
    /// [`CustomerRecords::select`] reads only the customer's records instead of all of them.
    pub referrers: Option<AllReferrers<'a>>,
}

/// [`Referrers`] of each slice of [`AllRecords`].
#[derive(Clone, Copy, Debug)]
pub struct AllReferrers<'a> {
    pub invoices: &'a Referrers,
    pub deals: &'a Referrers,
    pub activities: &'a Referrers,
    pub tickets: &'a Referrers,
    pub tasks: &'a Referrers,
    pub runs: &'a Referrers,
}

/// The records of one customer, borrowed from the workspace's.
#[derive(Clone, Debug, Default)]
pub struct CustomerRecords<'a> {
    pub invoices: Vec<&'a Invoice>,
    pub deals: Vec<&'a Deal>,
    pub activities: Vec<&'a Activity>,
    pub tickets: Vec<&'a Ticket>,
    pub tasks: Vec<&'a Task>,
    /// Automation runs on the customer or on one of its records above.
    pub runs: Vec<&'a AutomationRun>,
}

impl<'a> CustomerRecords<'a> {
    /// Keeps the records that belong to `customer`:
    /// - invoices (and quotes), deals and tickets whose contact or company is the customer's
    ///   (see [`Customer`]);
    /// - activities linked to the customer, or to one of those deals or tickets (a call logged
    ///   on the customer's deal belongs on the customer's timeline);
    /// - tasks whose link is the customer (its contact or company) or one of its deals,
    ///   tickets or invoices;
    /// - automation runs on the customer (its contact or company) or on one of those deals,
    ///   tickets, invoices or tasks.
    ///
    /// Each kind keeps storage order. Linear in the number of records, or in the customer's
    /// when `all` has its [`AllReferrers`].
    pub fn select(customer: &Customer, all: AllRecords<'a>) -> Self {
        let owner = Owner::new(customer);
        let owned = |contact: &Option<Id>, company: &Option<Id>| {
            owner.owns(contact.as_ref(), company.as_ref())
        };
        let index = all.referrers;
        let mut named: Vec<&Id> = owner
            .contacts
            .iter()
            .copied()
            .chain(owner.company)
            .collect();
        let invoices: Vec<&Invoice> = naming(all.invoices, index.map(|i| i.invoices), &named)
            .filter(|invoice| owned(&invoice.contact_id, &invoice.company_id))
            .collect();
        let deals: Vec<&Deal> = naming(all.deals, index.map(|i| i.deals), &named)
            .filter(|deal| owned(&deal.contact_id, &deal.company_id))
            .collect();
        let tickets: Vec<&Ticket> = naming(all.tickets, index.map(|i| i.tickets), &named)
            .filter(|ticket| owned(&ticket.contact_id, &ticket.company_id))
            .collect();
        let deal_ids: FxHashSet<&Id> = deals.iter().map(|deal| &deal.id).collect();
        let ticket_ids: FxHashSet<&Id> = tickets.iter().map(|ticket| &ticket.id).collect();
        let invoice_ids: FxHashSet<&Id> = invoices.iter().map(|invoice| &invoice.id).collect();
        named.extend(deal_ids.iter().chain(&ticket_ids));
        let activities = naming(all.activities, index.map(|i| i.activities), &named)
            .filter(|activity| {
                owned(&activity.contact_id, &activity.company_id)
                    || activity
                        .deal_id
                        .as_ref()
                        .is_some_and(|id| deal_ids.contains(id))
                    || activity
                        .ticket_id
                        .as_ref()
                        .is_some_and(|id| ticket_ids.contains(id))
            })
            .collect();
        named.extend(&invoice_ids);
        let tasks = naming(all.tasks, index.map(|i| i.tasks), &named)
            .filter(|task| {
                task.link.as_ref().is_some_and(|link| match link.kind {
                    EntityKind::Contact => owner.owns(Some(&link.id), None),
                    EntityKind::Company => owner.owns(None, Some(&link.id)),
                    EntityKind::Deal => deal_ids.contains(&link.id),
                    EntityKind::Ticket => ticket_ids.contains(&link.id),
                    EntityKind::Invoice => invoice_ids.contains(&link.id),
                    _ => false,
                })
            })
            .collect::<Vec<&Task>>();
        let task_ids: FxHashSet<&Id> = tasks.iter().map(|task| &task.id).collect();
        named.extend(&task_ids);
        let runs = naming(all.runs, index.map(|i| i.runs), &named)
            .filter(|run| {
                run.record.as_ref().is_some_and(|record| match record.kind {
                    EntityKind::Contact => owner.owns(Some(&record.id), None),
                    EntityKind::Company => owner.owns(None, Some(&record.id)),
                    EntityKind::Deal => deal_ids.contains(&record.id),
                    EntityKind::Ticket => ticket_ids.contains(&record.id),
                    EntityKind::Invoice => invoice_ids.contains(&record.id),
                    EntityKind::Task => task_ids.contains(&record.id),
                    _ => false,
                })
            })
            .collect();
        CustomerRecords {
            invoices,
            deals,
            activities,
            tickets,
            tasks,
            runs,
        }
    }
}

/// The records that may name one of `ids`, in storage order: those `index` lists, or every
/// record when there is no index. The caller tests each.
fn naming<'r, E>(
    records: &'r [E],
    index: Option<&Referrers>,
    ids: &[&Id],
) -> Box<dyn Iterator<Item = &'r E> + 'r> {
    let Some(index) = index else {
        return Box::new(records.iter());
    };
    let mut positions: Vec<u32> = ids
        .iter()
        .flat_map(|id| index.naming(id))
        .copied()
        .collect();
    positions.sort_unstable();
    positions.dedup();
    Box::new(
        positions
            .into_iter()
            .filter_map(|position| records.get(position as usize)),
    )
}

// ---------------------------------------------------------------------------------------------
// The KPI strip
// ---------------------------------------------------------------------------------------------

/// The KPI strip of a customer 360 page. See the module documentation for what counts as an
/// order, as contact, and how currencies are handled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CustomerKpis {
    /// Historic lifetime value: Σ totals of orders in the workspace currency.
    pub lifetime_value: Money,
    /// Orders in the workspace currency.
    pub orders: u32,
    /// Average order value: lifetime value / orders, rounded half away from zero to the minor
    /// unit; `None` with no orders.
    pub average_order_value: Option<Money>,
    /// Revenue from orders in other currencies, one entry per currency, by currency.
    pub other_currency_revenue: Vec<Money>,
    /// The first and last order, in any currency.
    pub first_purchase_at: Option<i64>,
    pub last_purchase_at: Option<i64>,
    /// The latest call, meeting, e-mail or message up to `now`.
    pub last_contact_at: Option<i64>,
    /// Whole days from `last_contact_at` to `now`.
    pub days_since_last_contact: Option<i64>,
    /// Σ value of open deals in the workspace currency.
    pub open_deal_value: Money,
    /// Open deals, in every currency.
    pub open_deals: u32,
    /// Value of open deals in other currencies, one entry per currency, by currency.
    pub other_currency_open_deal_value: Vec<Money>,
    /// Tickets new, open or pending.
    pub open_tickets: u32,
    /// Tickets that broke their SLA (see [`Ticket::sla_breached`]), open or not.
    pub tickets_breaching_sla: u32,
    /// `None` when no ticket was rated.
    pub csat: Option<Csat>,
    /// `None` when the customer has no order.
    pub rfm: Option<Rfm>,
}

/// The customer's KPI strip at `now`, with money in the workspace `currency` and RFM scored by
/// `thresholds` (quintiles from [`RfmThresholds::from_customers`], or
/// [`RfmThresholds::fixed`]).
pub fn compute(
    records: &CustomerRecords<'_>,
    currency: Currency,
    thresholds: &RfmThresholds,
    now: i64,
) -> CustomerKpis {
    let now = Instant(now);
    let purchases = PurchaseFacts::of_invoices(records.invoices.iter().copied(), currency);

    let last_contact_at = records
        .activities
        .iter()
        .filter(|activity| activity.is_contact() && activity.at <= now.0)
        .map(|activity| activity.at)
        .max();

    let mut open_deals = MoneyTotals::default();
    for deal in records.deals.iter().filter(|deal| deal.is_open()) {
        open_deals.add(deal.value);
    }

    CustomerKpis {
        lifetime_value: purchases
            .as_ref()
            .map_or(Money::new(0, currency), |facts| facts.spend),
        orders: purchases.as_ref().map_or(0, |facts| facts.orders),
        average_order_value: purchases
            .as_ref()
            .and_then(PurchaseFacts::average_order_value),
        other_currency_revenue: revenue_per_currency(orders(records.invoices.iter().copied()))
            .others(currency),
        first_purchase_at: purchases.as_ref().map(|facts| facts.first.0),
        last_purchase_at: purchases.as_ref().map(|facts| facts.last.0),
        last_contact_at,
        days_since_last_contact: last_contact_at.map(|at| days_between(Instant(at), now)),
        open_deal_value: Money::new(open_deals.get(currency), currency),
        open_deals: count(records.deals.iter().filter(|deal| deal.is_open())),
        other_currency_open_deal_value: open_deals.others(currency),
        open_tickets: count(records.tickets.iter().filter(|ticket| ticket.is_open())),
        tickets_breaching_sla: count(
            records
                .tickets
                .iter()
                .filter(|ticket| ticket.sla_breached(now.0)),
        ),
        csat: Csat::of_tickets(records.tickets.iter().copied()),
        rfm: purchases.map(|facts| Rfm::score(RfmValues::of(&facts, now), thresholds)),
    }
}

fn count<T>(items: impl Iterator<Item = T>) -> u32 {
    u32::try_from(items.count()).unwrap_or(u32::MAX)
}

// ---------------------------------------------------------------------------------------------
// Timeline
// ---------------------------------------------------------------------------------------------

/// What happened, for one timeline entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TimelineKind {
    /// A logged call, meeting, e-mail, message or note, at its `at`.
    Activity(ActivityKind),
    /// At the deal's `created_at`.
    DealCreated,
    /// A move between stages (not the first placement, which is the creation, nor the move
    /// that won or lost the deal, which is [`TimelineKind::DealWon`] / [`TimelineKind::DealLost`]).
    DealStageChanged,
    /// At `closed_at` (or the last stage entry when that is missing).
    DealWon,
    DealLost,
    /// A quote issued (not a draft), at [`Invoice::issued_at`].
    QuoteIssued,
    /// An invoice issued (not a draft), at [`Invoice::issued_at`].
    InvoiceIssued,
    /// An order, at [`Invoice::purchased_at`].
    InvoicePaid,
    /// At the ticket's `created_at`.
    TicketOpened,
    /// At `resolved_at`, once the ticket is resolved or closed.
    TicketResolved,
    /// An open task, at its due time (open tasks with no due time are not on the timeline).
    TaskDue,
    /// A done task, at `done_at`.
    TaskDone,
    /// An automation rule fired on one of the customer's records, at the trigger's time; the
    /// entry's record is the run, which names its rule and what each action did.
    AutomationRun,
}

/// The filter chips of the timeline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TimelineGroup {
    Interactions,
    Deals,
    Invoices,
    Tickets,
    Tasks,
    Automation,
}

impl TimelineGroup {
    pub const ALL: [TimelineGroup; 6] = [
        TimelineGroup::Interactions,
        TimelineGroup::Deals,
        TimelineGroup::Invoices,
        TimelineGroup::Tickets,
        TimelineGroup::Tasks,
        TimelineGroup::Automation,
    ];
}

impl TimelineKind {
    /// The filter chip this kind belongs to.
    pub fn group(self) -> TimelineGroup {
        match self {
            TimelineKind::Activity(_) => TimelineGroup::Interactions,
            TimelineKind::DealCreated
            | TimelineKind::DealStageChanged
            | TimelineKind::DealWon
            | TimelineKind::DealLost => TimelineGroup::Deals,
            TimelineKind::QuoteIssued | TimelineKind::InvoiceIssued | TimelineKind::InvoicePaid => {
                TimelineGroup::Invoices
            }
            TimelineKind::TicketOpened | TimelineKind::TicketResolved => TimelineGroup::Tickets,
            TimelineKind::TaskDue | TimelineKind::TaskDone => TimelineGroup::Tasks,
            TimelineKind::AutomationRun => TimelineGroup::Automation,
        }
    }
}

/// One event on a customer's timeline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimelineEntry {
    /// When it happened (Unix ms).
    pub at: i64,
    pub kind: TimelineKind,
    /// The record the event comes from; a view looks it up for more.
    pub record: RecordRef,
    /// The activity's subject, deal's title, document's number, ticket's subject or task's
    /// title.
    pub title: String,
    /// The activity's outcome, or a lost deal's reason; empty otherwise.
    pub detail: String,
    /// Deal value for deal events, document total for quotes and invoices.
    pub amount: Option<Money>,
    /// Activity direction.
    pub direction: Option<Direction>,
    /// Stage moves: the stages left and entered.
    pub stage_from: Option<Id>,
    pub stage_to: Option<Id>,
    /// Who did it, when known: the activity's author, the member who moved the deal, the
    /// task's assignee.
    pub by: Option<Id>,
}

impl TimelineEntry {
    fn new(at: i64, kind: TimelineKind, record: RecordRef, title: &str) -> Self {
        TimelineEntry {
            at,
            kind,
            record,
            title: title.to_owned(),
            detail: String::new(),
            amount: None,
            direction: None,
            stage_from: None,
            stage_to: None,
            by: None,
        }
    }
}

fn record_ref(kind: EntityKind, id: &Id) -> RecordRef {
    RecordRef {
        kind,
        id: id.clone(),
    }
}

/// The customer's timeline, newest first.
///
/// Ties (same `at`) are ordered by record kind, then record id, then the later event in the
/// record's life first (a deal's creation below its first move), so the order never depends
/// on the order of `records`. Built with one sort: O(n log n).
pub fn timeline(records: &CustomerRecords<'_>) -> Vec<TimelineEntry> {
    // Each entry with its position in its record's life, for ties.
    let mut events: Vec<(TimelineEntry, u32)> = Vec::with_capacity(
        records.activities.len()
            + records.deals.len() * 3
            + records.invoices.len() * 2
            + records.tickets.len() * 2
            + records.tasks.len()
            + records.runs.len(),
    );

    for activity in &records.activities {
        let mut entry = TimelineEntry::new(
            activity.at,
            TimelineKind::Activity(activity.kind),
            record_ref(EntityKind::Activity, &activity.id),
            &activity.subject,
        );
        entry.detail = activity.outcome.clone();
        entry.direction = activity.direction;
        entry.by = activity.author_id.clone();
        events.push((entry, 0));
    }

    for deal in &records.deals {
        deal_events(deal, &mut events);
    }

    for invoice in &records.invoices {
        let record = record_ref(EntityKind::Invoice, &invoice.id);
        let total = Some(invoice.total());
        if invoice.status != InvoiceStatus::Draft {
            let kind = match invoice.kind {
                InvoiceKind::Quote => TimelineKind::QuoteIssued,
                InvoiceKind::Invoice => TimelineKind::InvoiceIssued,
            };
            let mut entry =
                TimelineEntry::new(invoice.issued_at(), kind, record.clone(), &invoice.number);
            entry.amount = total;
            events.push((entry, 0));
        }
        if invoice.is_order() {
            let mut entry = TimelineEntry::new(
                invoice.purchased_at(),
                TimelineKind::InvoicePaid,
                record,
                &invoice.number,
            );
            entry.amount = total;
            events.push((entry, 1));
        }
    }

    for ticket in &records.tickets {
        let record = record_ref(EntityKind::Ticket, &ticket.id);
        let opened = TimelineEntry::new(
            ticket.created_at,
            TimelineKind::TicketOpened,
            record.clone(),
            &ticket.subject,
        );
        events.push((opened, 0));
        if let Some(resolved_at) = ticket.resolved_at.filter(|_| !ticket.is_open()) {
            let resolved = TimelineEntry::new(
                resolved_at,
                TimelineKind::TicketResolved,
                record,
                &ticket.subject,
            );
            events.push((resolved, 1));
        }
    }

    for task in &records.tasks {
        let (at, kind) = match (task.done_at, task.due_at) {
            (Some(done), _) => (done, TimelineKind::TaskDone),
            (None, Some(due)) => (due, TimelineKind::TaskDue),
            (None, None) => continue,
        };
        let mut entry = TimelineEntry::new(
            at,
            kind,
            record_ref(EntityKind::Task, &task.id),
            &task.title,
        );
        entry.by = task.assignee_id.clone();
        events.push((entry, 0));
    }

    for run in &records.runs {
        let entry = TimelineEntry::new(
            run.at,
            TimelineKind::AutomationRun,
            record_ref(EntityKind::AutomationRun, &run.id),
            "",
        );
        events.push((entry, 0));
    }

    sort_by(&mut events, |(a, a_seq), (b, b_seq)| {
        newest_first(a, *a_seq, b, *b_seq)
    });
    events.into_iter().map(|(entry, _)| entry).collect()
}

fn newest_first(a: &TimelineEntry, a_seq: u32, b: &TimelineEntry, b_seq: u32) -> Ordering {
    (Reverse(a.at), a.record.kind, &a.record.id, Reverse(a_seq)).cmp(&(
        Reverse(b.at),
        b.record.kind,
        &b.record.id,
        Reverse(b_seq),
    ))
}

fn deal_events(deal: &Deal, events: &mut Vec<(TimelineEntry, u32)>) {
    let record = record_ref(EntityKind::Deal, &deal.id);
    let amount = Some(deal.value);
    let mut created = TimelineEntry::new(
        deal.created_at,
        TimelineKind::DealCreated,
        record.clone(),
        &deal.title,
    );
    created.amount = amount;
    events.push((created, 0));

    let closing = match deal.status {
        DealStatus::Open => None,
        DealStatus::Won => Some(TimelineKind::DealWon),
        DealStatus::Lost => Some(TimelineKind::DealLost),
    };
    let closed_at = closing.map(|_| deal.closed_at.unwrap_or(deal.stage_entered_at));
    let mut seq = 1;
    for change in &deal.stage_history {
        // The first placement is the creation; the closing move is the won/lost entry.
        let is_closing_move = closed_at == Some(change.at) && change.to == deal.stage_id;
        if change.from.is_none() || is_closing_move {
            continue;
        }
        let mut entry = TimelineEntry::new(
            change.at,
            TimelineKind::DealStageChanged,
            record.clone(),
            &deal.title,
        );
        entry.amount = amount;
        entry.stage_from = change.from.clone();
        entry.stage_to = Some(change.to.clone());
        entry.by = change.by.clone();
        events.push((entry, seq));
        seq += 1;
    }

    if let (Some(kind), Some(at)) = (closing, closed_at) {
        let mut entry = TimelineEntry::new(at, kind, record, &deal.title);
        entry.amount = amount;
        if kind == TimelineKind::DealLost {
            entry.detail = deal.lost_reason.clone();
        }
        entry.stage_to = Some(deal.stage_id.clone());
        entry.by = (deal.stage_history.last())
            .filter(|change| change.at == at)
            .and_then(|change| change.by.clone());
        events.push((entry, seq));
    }
}

/// Which timeline entries to show. Empty lists mean "any"; an entry is shown when it matches
/// both lists.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TimelineFilter {
    pub groups: Vec<TimelineGroup>,
    pub kinds: Vec<TimelineKind>,
}

impl TimelineFilter {
    /// Only these groups (filter chips).
    pub fn groups(groups: &[TimelineGroup]) -> Self {
        TimelineFilter {
            groups: groups.to_vec(),
            kinds: Vec::new(),
        }
    }

    /// Only these kinds.
    pub fn kinds(kinds: &[TimelineKind]) -> Self {
        TimelineFilter {
            groups: Vec::new(),
            kinds: kinds.to_vec(),
        }
    }

    /// Whether an entry of this kind is shown.
    pub fn matches(&self, kind: TimelineKind) -> bool {
        (self.groups.is_empty() || self.groups.contains(&kind.group()))
            && (self.kinds.is_empty() || self.kinds.contains(&kind))
    }

    /// The shown entries, in the timeline's order.
    pub fn apply<'a>(
        &'a self,
        entries: &'a [TimelineEntry],
    ) -> impl Iterator<Item = &'a TimelineEntry> + 'a {
        entries.iter().filter(|entry| self.matches(entry.kind))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::Day;
    use crate::model::{Company, Contact, LineItem, RfmClass, StageChange, TicketStatus};
    use crate::rfm::RfmScores;
    use crate::service::{ticket_service, TicketService};
    use crate::time::MS_PER_DAY;

    const HOUR: i64 = 3_600_000;
    const DAY: i64 = MS_PER_DAY;
    const T: Currency = Currency::Toman;

    /// Noon UTC of day 20 000 (2024-10-04).
    fn now() -> i64 {
        Day(20_000).to_unix_ms() + 12 * HOUR
    }

    fn id(text: &str) -> Id {
        Id::from_string(text)
    }

    fn toman(minor: i64) -> Money {
        Money::new(minor, T)
    }

    fn invoice(name: &str, status: InvoiceStatus, minor: i64, paid_days_ago: i64) -> Invoice {
        Invoice {
            id: id(name),
            number: name.to_uppercase(),
            contact_id: Some(id("ali")),
            lines: vec![LineItem {
                quantity: 1,
                unit_price_minor: minor,
                ..LineItem::default()
            }],
            status,
            paid_at: (status == InvoiceStatus::Paid).then(|| now() - paid_days_ago * DAY),
            issue_date: Some(Day::from_unix_ms(now() - (paid_days_ago + 3) * DAY)),
            created_at: now() - (paid_days_ago + 5) * DAY,
            ..Invoice::default()
        }
    }

    fn activity(name: &str, kind: ActivityKind, at: i64) -> Activity {
        Activity {
            id: id(name),
            kind,
            at,
            direction: (kind != ActivityKind::Note).then_some(Direction::Outbound),
            subject: name.to_owned(),
            contact_id: Some(id("ali")),
            ..Activity::default()
        }
    }

    fn deal(name: &str, status: DealStatus, value: Money) -> Deal {
        Deal {
            id: id(name),
            title: name.to_owned(),
            contact_id: Some(id("ali")),
            value,
            status,
            ..Deal::default()
        }
    }

    fn ticket(name: &str, created_at: i64) -> Ticket {
        Ticket {
            id: id(name),
            subject: name.to_owned(),
            contact_id: Some(id("ali")),
            created_at,
            ..Ticket::default()
        }
    }

    fn records<'a>(
        invoices: &'a [Invoice],
        deals: &'a [Deal],
        activities: &'a [Activity],
        tickets: &'a [Ticket],
        tasks: &'a [Task],
    ) -> CustomerRecords<'a> {
        CustomerRecords {
            invoices: invoices.iter().collect(),
            deals: deals.iter().collect(),
            activities: activities.iter().collect(),
            tickets: tickets.iter().collect(),
            tasks: tasks.iter().collect(),
            runs: Vec::new(),
        }
    }

    fn kpis(records: &CustomerRecords<'_>) -> CustomerKpis {
        compute(records, T, &RfmThresholds::fixed(T), now())
    }

    #[test]
    fn lifetime_value_orders_and_aov_count_paid_invoices_only() {
        let mut quote = invoice("q1", InvoiceStatus::Paid, 9_000_000, 1);
        quote.kind = InvoiceKind::Quote;
        let mut dollars = invoice("usd", InvoiceStatus::Paid, 12_345, 1);
        dollars.currency = Currency::Usd;
        let mut taxed = invoice("i2", InvoiceStatus::Paid, 1_000_000, 40);
        taxed.tax_rate_bp = 1_000; // 1 000 000 + 10 % = 1 100 000
        let invoices = [
            invoice("i1", InvoiceStatus::Paid, 2_500_000, 10),
            taxed,
            invoice("i3", InvoiceStatus::Paid, 400_001, 100),
            invoice("sent", InvoiceStatus::Sent, 7_000_000, 0),
            invoice("late", InvoiceStatus::Overdue, 7_000_000, 0),
            invoice("draft", InvoiceStatus::Draft, 7_000_000, 0),
            invoice("void", InvoiceStatus::Cancelled, 7_000_000, 0),
            quote,
            dollars,
        ];
        let kpis = kpis(&records(&invoices, &[], &[], &[], &[]));
        // 2 500 000 + 1 100 000 + 400 001 = 4 000 001
        assert_eq!(kpis.lifetime_value, toman(4_000_001));
        assert_eq!(kpis.orders, 3);
        // 4 000 001 / 3 = 1 333 333.67 → 1 333 334
        assert_eq!(kpis.average_order_value, Some(toman(1_333_334)));
        assert_eq!(
            kpis.other_currency_revenue,
            vec![Money::new(12_345, Currency::Usd)]
        );
        // The dollar order (1 day ago) is the last purchase; i3 the first.
        assert_eq!(kpis.last_purchase_at, Some(now() - DAY));
        assert_eq!(kpis.first_purchase_at, Some(now() - 100 * DAY));
    }

    #[test]
    fn aov_is_none_without_orders() {
        let invoices = [
            invoice("sent", InvoiceStatus::Sent, 7_000_000, 0),
            invoice("void", InvoiceStatus::Cancelled, 7_000_000, 0),
        ];
        for invoices in [&invoices[..], &[]] {
            let kpis = kpis(&records(invoices, &[], &[], &[], &[]));
            assert_eq!(kpis.lifetime_value, toman(0));
            assert_eq!(kpis.orders, 0);
            assert_eq!(kpis.average_order_value, None);
            assert_eq!(kpis.first_purchase_at, None);
            assert_eq!(kpis.last_purchase_at, None);
            assert_eq!(kpis.rfm, None);
            assert_eq!(kpis.csat, None);
            assert_eq!(kpis.days_since_last_contact, None);
        }
    }

    #[test]
    fn purchase_time_falls_back_to_issue_day_then_creation() {
        let mut paid = invoice("i1", InvoiceStatus::Paid, 100, 10);
        assert_eq!(paid.purchased_at(), now() - 10 * DAY);
        paid.paid_at = None;
        // Issued 13 days ago, created 15 days ago: the issue day's start.
        assert_eq!(
            paid.purchased_at(),
            Day::from_unix_ms(now() - 13 * DAY).to_unix_ms()
        );
        paid.created_at = now() - 13 * DAY;
        assert_eq!(paid.purchased_at(), now() - 13 * DAY);
        paid.issue_date = None;
        paid.created_at = 42;
        assert_eq!(paid.purchased_at(), 42);
    }

    #[test]
    fn days_since_contact_ignore_notes_and_planned_activities() {
        let activities = [
            activity("call", ActivityKind::Call, now() - 10 * DAY - 3 * HOUR),
            activity("mail", ActivityKind::Email, now() - 20 * DAY),
            activity("note", ActivityKind::Note, now() - HOUR),
            activity("planned", ActivityKind::Meeting, now() + 2 * DAY),
        ];
        let strip = kpis(&records(&[], &[], &activities, &[], &[]));
        assert_eq!(strip.last_contact_at, Some(now() - 10 * DAY - 3 * HOUR));
        assert_eq!(strip.days_since_last_contact, Some(10));

        // A message 23 hours ago is 0 days ago.
        let recent = [activity("sms", ActivityKind::Message, now() - 23 * HOUR)];
        let strip = kpis(&records(&[], &[], &recent, &[], &[]));
        assert_eq!(strip.days_since_last_contact, Some(0));

        let only_notes = [activity("note", ActivityKind::Note, now() - HOUR)];
        let strip = kpis(&records(&[], &[], &only_notes, &[], &[]));
        assert_eq!(strip.days_since_last_contact, None);
    }

    #[test]
    fn open_deal_value_sums_open_deals_in_the_workspace_currency() {
        let deals = [
            deal("a", DealStatus::Open, toman(3_000_000)),
            deal("b", DealStatus::Open, toman(1_500_000)),
            deal("won", DealStatus::Won, toman(9_000_000)),
            deal("lost", DealStatus::Lost, toman(9_000_000)),
            deal("eur", DealStatus::Open, Money::new(50_000, Currency::Eur)),
            deal("eur2", DealStatus::Open, Money::new(25_000, Currency::Eur)),
        ];
        let kpis = kpis(&records(&[], &deals, &[], &[], &[]));
        assert_eq!(kpis.open_deal_value, toman(4_500_000));
        assert_eq!(kpis.open_deals, 4);
        assert_eq!(
            kpis.other_currency_open_deal_value,
            vec![Money::new(75_000, Currency::Eur)]
        );
    }

    #[test]
    fn csat_mean_and_share_of_satisfied() {
        let ratings = [Some(5), Some(4), Some(3), Some(1), None, Some(0), Some(9)];
        let tickets: Vec<Ticket> = ratings
            .iter()
            .enumerate()
            .map(|(i, &csat)| Ticket {
                csat,
                status: TicketStatus::Closed,
                ..ticket(&format!("t{i}"), 0)
            })
            .collect();
        let kpis = kpis(&records(&[], &[], &[], &tickets, &[]));
        let csat = kpis.csat.unwrap();
        assert_eq!(
            csat,
            Csat {
                responses: 4,
                sum: 13,
                satisfied: 2
            }
        );
        assert_eq!(csat.mean(), 3.25);
        assert_eq!(csat.satisfied_share(), 0.5);
        assert_eq!(kpis.open_tickets, 0);
        assert_eq!(Csat::from_ratings([]), None);
    }

    #[test]
    fn open_tickets_and_sla_breaches_are_counted() {
        let tickets = [
            ticket("new", 0),
            Ticket {
                status: TicketStatus::Pending,
                sla_due_at: Some(now() - HOUR),
                ..ticket("late", 0)
            },
            Ticket {
                status: TicketStatus::Resolved,
                ..ticket("done", 0)
            },
        ];
        let kpis = kpis(&records(&[], &[], &[], &tickets, &[]));
        assert_eq!(kpis.open_tickets, 2);
        assert_eq!(kpis.tickets_breaching_sla, 1);
    }

    #[test]
    fn rfm_of_a_small_fixture() {
        // Champion: 12 orders of 20 M Toman, the last 5 days ago.
        let champion: Vec<Invoice> = (0..12)
            .map(|i| {
                invoice(
                    &format!("c{i}"),
                    InvoiceStatus::Paid,
                    20_000_000,
                    5 + i * 20,
                )
            })
            .collect();
        let rfm = kpis(&records(&champion, &[], &[], &[], &[])).rfm.unwrap();
        assert_eq!(
            rfm.values,
            RfmValues {
                recency_days: 5,
                frequency: 12,
                monetary_minor: 240_000_000,
            }
        );
        assert_eq!(rfm.class, RfmClass::Champions);

        // New: one small order yesterday.
        let new = [invoice("n", InvoiceStatus::Paid, 500_000, 1)];
        let rfm = kpis(&records(&new, &[], &[], &[], &[])).rfm.unwrap();
        assert_eq!((rfm.scores.recency, rfm.scores.fm()), (5, 1));
        assert_eq!(rfm.class, RfmClass::NewCustomer);

        // Can't lose: 10 orders of 30 M, the last 400 days ago.
        let gone: Vec<Invoice> = (0..10)
            .map(|i| invoice(&format!("g{i}"), InvoiceStatus::Paid, 30_000_000, 400 + i))
            .collect();
        let rfm = kpis(&records(&gone, &[], &[], &[], &[])).rfm.unwrap();
        assert_eq!(
            rfm.scores,
            RfmScores {
                recency: 1,
                frequency: 5,
                monetary: 5
            }
        );
        assert_eq!(rfm.class, RfmClass::CannotLose);

        // Lost: one small order two years ago.
        let lost = [invoice("l", InvoiceStatus::Paid, 100_000, 730)];
        let rfm = kpis(&records(&lost, &[], &[], &[], &[])).rfm.unwrap();
        assert_eq!(rfm.class, RfmClass::Lost);
        let facts = PurchaseFacts::of_invoices(&lost, T).unwrap();
        assert_eq!(RfmValues::of(&facts, Instant(now())), rfm.values);
    }

    #[test]
    fn ticket_first_response_resolution_and_sla() {
        let created = now() - 3 * DAY;
        let mut t = Ticket {
            sla_due_at: Some(created + DAY),
            ..ticket("t1", created)
        };
        let reply = |name: &str, kind, direction, at| Activity {
            ticket_id: Some(id("t1")),
            direction,
            ..activity(name, kind, at)
        };
        let activities = [
            // Internal note and inbound call do not answer.
            reply("note", ActivityKind::Note, None, created + HOUR),
            reply(
                "in",
                ActivityKind::Call,
                Some(Direction::Inbound),
                created + HOUR,
            ),
            reply(
                "out",
                ActivityKind::Email,
                Some(Direction::Outbound),
                created + 2 * HOUR,
            ),
            // Linked to another ticket.
            Activity {
                ticket_id: Some(id("other")),
                ..activity("x", ActivityKind::Call, created + 30 * 60_000)
            },
        ];
        let service = ticket_service(&t, &activities, now());
        assert_eq!(service.first_response_ms, Some(2 * HOUR));
        assert_eq!(service.resolution_ms, None);
        // Open two days past its SLA.
        assert!(service.sla_breached);

        // An earlier recorded first response wins.
        t.first_response_at = Some(created + 90 * 60_000);
        assert_eq!(
            ticket_service(&t, &activities, now()).first_response_ms,
            Some(90 * 60_000)
        );

        // Resolved within the SLA.
        t.status = TicketStatus::Resolved;
        t.resolved_at = Some(created + 20 * HOUR);
        let service = ticket_service(&t, &activities, now());
        assert_eq!(service.resolution_ms, Some(20 * HOUR));
        assert!(!service.sla_breached);

        // Resolved after it.
        t.resolved_at = Some(created + 25 * HOUR);
        assert!(ticket_service(&t, &[], now()).sla_breached);

        // Open, not yet due; and no SLA at all.
        let fresh = Ticket {
            sla_due_at: Some(now() + HOUR),
            ..ticket("t2", now() - HOUR)
        };
        let service = ticket_service(&fresh, &[], now());
        assert_eq!(
            service,
            TicketService {
                first_response_ms: None,
                resolution_ms: None,
                sla_breached: false,
            }
        );
        assert!(!ticket("t3", 0).sla_breached(now()));
    }

    /// A small customer history with one record of each kind.
    struct Fixture {
        invoices: Vec<Invoice>,
        deals: Vec<Deal>,
        activities: Vec<Activity>,
        tickets: Vec<Ticket>,
        tasks: Vec<Task>,
    }

    fn fixture() -> Fixture {
        let base = now() - 30 * DAY;
        let mut won = deal("d1", DealStatus::Open, toman(5_000_000));
        won.created_at = base;
        won.stage_history = vec![
            StageChange {
                from: None,
                to: id("lead"),
                at: base,
                by: None,
            },
            StageChange {
                from: Some(id("lead")),
                to: id("proposal"),
                at: base + 2 * DAY,
                by: Some(id("sara")),
            },
            StageChange {
                from: Some(id("proposal")),
                to: id("won"),
                at: base + 5 * DAY,
                by: Some(id("sara")),
            },
        ];
        won.stage_id = id("won");
        won.status = DealStatus::Won;
        won.closed_at = Some(base + 5 * DAY);
        won.stage_entered_at = base + 5 * DAY;

        let mut lost = deal("d2", DealStatus::Lost, toman(1_000_000));
        lost.created_at = base + 10 * DAY;
        lost.closed_at = Some(base + 12 * DAY);
        lost.lost_reason = "price".into();

        let mut paid = invoice("i1", InvoiceStatus::Paid, 5_000_000, 0);
        paid.created_at = base + 6 * DAY;
        paid.issue_date = Some(Day::from_unix_ms(base + 6 * DAY));
        paid.paid_at = Some(base + 8 * DAY);
        let mut draft = invoice("i2", InvoiceStatus::Draft, 100, 0);
        draft.created_at = base + 9 * DAY;
        let mut quote = invoice("q1", InvoiceStatus::Sent, 5_000_000, 0);
        quote.kind = InvoiceKind::Quote;
        quote.issue_date = None;
        quote.created_at = base + DAY;

        let mut resolved = ticket("t1", base + 15 * DAY);
        resolved.status = TicketStatus::Resolved;
        resolved.resolved_at = Some(base + 16 * DAY);

        let tasks = vec![
            Task {
                id: id("k1"),
                title: "call back".into(),
                due_at: Some(now() + DAY),
                ..Task::default()
            },
            Task {
                id: id("k2"),
                title: "send catalogue".into(),
                due_at: Some(base),
                done_at: Some(base + 3 * DAY),
                ..Task::default()
            },
            // No due time: not on the timeline.
            Task {
                id: id("k3"),
                ..Task::default()
            },
        ];

        let activities = vec![
            activity("a1", ActivityKind::Call, base + 2 * DAY),
            activity("a2", ActivityKind::Note, base + 20 * DAY),
        ];
        Fixture {
            invoices: vec![paid, draft, quote],
            deals: vec![won, lost],
            activities,
            tickets: vec![resolved],
            tasks,
        }
    }

    impl Fixture {
        fn records(&self) -> CustomerRecords<'_> {
            records(
                &self.invoices,
                &self.deals,
                &self.activities,
                &self.tickets,
                &self.tasks,
            )
        }
    }

    fn summary(entries: &[TimelineEntry]) -> Vec<(i64, TimelineKind, &str)> {
        let base = now() - 30 * DAY;
        entries
            .iter()
            .map(|entry| ((entry.at - base) / HOUR, entry.kind, entry.record.id.text()))
            .collect()
    }

    #[test]
    fn timeline_is_newest_first_with_deterministic_ties() {
        use TimelineKind::*;
        let fixture = fixture();
        let entries = timeline(&fixture.records());
        assert_eq!(
            summary(&entries),
            vec![
                (31 * 24, TaskDue, "k1"),
                (20 * 24, Activity(ActivityKind::Note), "a2"),
                (16 * 24, TicketResolved, "t1"),
                (15 * 24, TicketOpened, "t1"),
                (12 * 24, DealLost, "d2"),
                (10 * 24, DealCreated, "d2"),
                (8 * 24, InvoicePaid, "i1"),
                (6 * 24, InvoiceIssued, "i1"),
                (5 * 24, DealWon, "d1"),
                (3 * 24, TaskDone, "k2"),
                // Same instant: ordered by record kind (deal before activity).
                (2 * 24, DealStageChanged, "d1"),
                (2 * 24, Activity(ActivityKind::Call), "a1"),
                (24, QuoteIssued, "q1"),
                (0, DealCreated, "d1"),
            ]
        );
        let moved = &entries[10];
        assert_eq!(moved.stage_from, Some(id("lead")));
        assert_eq!(moved.stage_to, Some(id("proposal")));
        assert_eq!(moved.by, Some(id("sara")));
        assert_eq!(entries[8].by, Some(id("sara")));
        assert_eq!(entries[4].detail, "price");
        assert_eq!(entries[6].amount, Some(toman(5_000_000)));
        assert_eq!(entries[6].title, "I1");

        // The order does not depend on the input order.
        let mut reversed = fixture.records();
        reversed.activities.reverse();
        reversed.deals.reverse();
        reversed.invoices.reverse();
        reversed.tasks.reverse();
        assert_eq!(timeline(&reversed), entries);
    }

    #[test]
    fn ties_within_a_record_show_the_later_event_first() {
        // A deal created, moved twice and won in the same millisecond (an import).
        let mut d = deal("d", DealStatus::Won, toman(1));
        d.stage_history = vec![
            StageChange {
                from: Some(id("a")),
                to: id("b"),
                at: 0,
                by: None,
            },
            StageChange {
                from: Some(id("b")),
                to: id("c"),
                at: 0,
                by: None,
            },
        ];
        d.stage_id = id("won");
        d.closed_at = Some(0);
        let deals = [d];
        let entries = timeline(&records(&[], &deals, &[], &[], &[]));
        let kinds: Vec<(TimelineKind, Option<Id>)> = entries
            .iter()
            .map(|entry| (entry.kind, entry.stage_to.clone()))
            .collect();
        assert_eq!(
            kinds,
            vec![
                (TimelineKind::DealWon, Some(id("won"))),
                (TimelineKind::DealStageChanged, Some(id("c"))),
                (TimelineKind::DealStageChanged, Some(id("b"))),
                (TimelineKind::DealCreated, None),
            ]
        );
    }

    #[test]
    fn timeline_filters_by_group_and_kind() {
        let fixture = fixture();
        let entries = timeline(&fixture.records());
        let ids = |filter: &TimelineFilter| -> Vec<(TimelineKind, String)> {
            filter
                .apply(&entries)
                .map(|entry| (entry.kind, entry.record.id.to_string()))
                .collect()
        };
        assert_eq!(ids(&TimelineFilter::default()).len(), entries.len());
        assert_eq!(
            ids(&TimelineFilter::groups(&[TimelineGroup::Invoices])),
            vec![
                (TimelineKind::InvoicePaid, "i1".into()),
                (TimelineKind::InvoiceIssued, "i1".into()),
                (TimelineKind::QuoteIssued, "q1".into()),
            ]
        );
        assert_eq!(
            ids(&TimelineFilter::groups(&[
                TimelineGroup::Tickets,
                TimelineGroup::Tasks
            ])),
            vec![
                (TimelineKind::TaskDue, "k1".into()),
                (TimelineKind::TicketResolved, "t1".into()),
                (TimelineKind::TicketOpened, "t1".into()),
                (TimelineKind::TaskDone, "k2".into()),
            ]
        );
        assert_eq!(
            ids(&TimelineFilter::kinds(&[TimelineKind::Activity(
                ActivityKind::Call
            )])),
            vec![(TimelineKind::Activity(ActivityKind::Call), "a1".into())]
        );
        let deals_won = TimelineFilter {
            groups: vec![TimelineGroup::Deals],
            kinds: vec![TimelineKind::DealWon, TimelineKind::TaskDone],
        };
        assert_eq!(ids(&deals_won), vec![(TimelineKind::DealWon, "d1".into())]);
    }

    #[test]
    fn automation_runs_are_entries_of_their_own_group() {
        let fixture = fixture();
        let run = AutomationRun {
            id: id("r1"),
            rule_id: id("won-follow-up"),
            at: now() - 5 * DAY,
            record: Some(RecordRef {
                kind: EntityKind::Deal,
                id: id("d1"),
            }),
            ..AutomationRun::default()
        };
        let mut records = fixture.records();
        records.runs.push(&run);
        let entries = timeline(&records);
        let automation = TimelineFilter::groups(&[TimelineGroup::Automation]);
        let runs: Vec<&TimelineEntry> = automation.apply(&entries).collect();
        assert_eq!(runs.len(), 1);
        assert_eq!(runs[0].kind, TimelineKind::AutomationRun);
        assert_eq!(runs[0].at, run.at);
        assert_eq!(
            runs[0].record,
            RecordRef {
                kind: EntityKind::AutomationRun,
                id: id("r1"),
            }
        );
        // Filtered out with the other groups, and in time order among all entries.
        assert_eq!(entries.len(), timeline(&fixture.records()).len() + 1);
        assert!(TimelineFilter::groups(&[TimelineGroup::Deals])
            .apply(&entries)
            .all(|entry| entry.kind != TimelineKind::AutomationRun));
        assert!(entries.windows(2).all(|pair| pair[0].at >= pair[1].at));
    }

    #[test]
    fn a_large_timeline_is_sorted() {
        let activities: Vec<Activity> = (0..5_000)
            .map(|i| {
                // Many equal instants, in scrambled order.
                let at = now() - ((i * 7_919) % 1_000) * HOUR;
                activity(&format!("a{i:05}"), ActivityKind::ALL[i as usize % 5], at)
            })
            .collect();
        let entries = timeline(&records(&[], &[], &activities, &[], &[]));
        assert_eq!(entries.len(), 5_000);
        assert!(entries.windows(2).all(|pair| {
            pair[0].at > pair[1].at
                || (pair[0].at == pair[1].at && pair[0].record.id < pair[1].record.id)
        }));
        let calls = TimelineFilter::kinds(&[TimelineKind::Activity(ActivityKind::Call)]);
        assert_eq!(calls.apply(&entries).count(), 1_000);
    }

    #[test]
    fn select_picks_a_contacts_and_a_companys_records() {
        let acme = Company {
            id: id("acme"),
            ..Company::default()
        };
        let ali = Contact {
            id: id("ali"),
            company_id: Some(id("acme")),
            ..Contact::default()
        };
        let sara = Contact {
            id: id("sara"),
            company_id: Some(id("acme")),
            ..Contact::default()
        };
        let other = Contact {
            id: id("reza"),
            ..Contact::default()
        };

        let for_contact = |name: &str, contact: Option<&str>, company: Option<&str>| Invoice {
            contact_id: contact.map(id),
            company_id: company.map(id),
            ..invoice(name, InvoiceStatus::Paid, 1, 1)
        };
        let invoices = [
            for_contact("i-ali", Some("ali"), None),
            for_contact("i-sara", Some("sara"), None),
            for_contact("i-acme", None, Some("acme")),
            for_contact("i-reza", Some("reza"), None),
        ];
        let mut ali_deal = deal("d-ali", DealStatus::Open, toman(1));
        ali_deal.contact_id = Some(id("ali"));
        let mut reza_deal = deal("d-reza", DealStatus::Open, toman(1));
        reza_deal.contact_id = Some(id("reza"));
        let deals = [ali_deal, reza_deal];
        let activities = [
            // Logged on Ali's deal only.
            Activity {
                contact_id: None,
                deal_id: Some(id("d-ali")),
                ..activity("on-deal", ActivityKind::Call, 0)
            },
            Activity {
                contact_id: Some(id("reza")),
                ..activity("reza-call", ActivityKind::Call, 0)
            },
        ];
        let link = |kind, to: &str| Some(RecordRef { kind, id: id(to) });
        let tasks = [
            Task {
                id: id("k-ali"),
                link: link(EntityKind::Contact, "ali"),
                ..Task::default()
            },
            Task {
                id: id("k-acme"),
                link: link(EntityKind::Company, "acme"),
                ..Task::default()
            },
            Task {
                id: id("k-deal"),
                link: link(EntityKind::Deal, "d-ali"),
                ..Task::default()
            },
            Task {
                id: id("k-reza-deal"),
                link: link(EntityKind::Deal, "d-reza"),
                ..Task::default()
            },
            Task {
                id: id("k-none"),
                ..Task::default()
            },
        ];
        let run = |name: &str, kind, on: &str| AutomationRun {
            id: id(name),
            record: link(kind, on),
            ..AutomationRun::default()
        };
        let runs = [
            run("r-ali", EntityKind::Contact, "ali"),
            run("r-deal", EntityKind::Deal, "d-ali"),
            run("r-acme-task", EntityKind::Task, "k-acme"),
            run("r-reza", EntityKind::Contact, "reza"),
            run("r-reza-deal", EntityKind::Deal, "d-reza"),
        ];
        let all = AllRecords {
            invoices: &invoices,
            deals: &deals,
            activities: &activities,
            tickets: &[],
            tasks: &tasks,
            runs: &runs,
            referrers: None,
        };
        fn names<T: crate::model::Entity>(records: &[&T]) -> Vec<String> {
            records
                .iter()
                .map(|record| record.id().to_string())
                .collect()
        }

        let contact = CustomerRecords::select(&Customer::contact(&ali), all);
        assert_eq!(names(&contact.invoices), ["i-ali"]);
        assert_eq!(names(&contact.deals), ["d-ali"]);
        assert_eq!(names(&contact.activities), ["on-deal"]);
        assert_eq!(names(&contact.tasks), ["k-ali", "k-deal"]);
        assert_eq!(names(&contact.runs), ["r-ali", "r-deal"]);

        let company = Customer::company(&acme, [&ali, &sara, &other]);
        assert_eq!(
            company,
            Customer::Company {
                id: id("acme"),
                contact_ids: vec![id("ali"), id("sara")],
            }
        );
        let company = CustomerRecords::select(&company, all);
        assert_eq!(names(&company.invoices), ["i-ali", "i-sara", "i-acme"]);
        assert_eq!(names(&company.tasks), ["k-ali", "k-acme", "k-deal"]);
        assert_eq!(names(&company.runs), ["r-ali", "r-deal", "r-acme-task"]);
        let kpis = compute(&company, T, &RfmThresholds::fixed(T), now());
        assert_eq!(kpis.orders, 3);
    }

    #[test]
    fn the_index_picks_the_same_records_as_a_scan() {
        use crate::referrers::Referrers;
        use crate::sample::{generate, SampleOptions};
        let sample = generate(&SampleOptions {
            seed: 7,
            contacts: 400,
            lang: crate::locale::Lang::En,
            today: Day::from_unix_ms(now()),
        });
        let scan = AllRecords {
            invoices: &sample.invoices,
            deals: &sample.deals,
            activities: &sample.activities,
            tickets: &sample.tickets,
            tasks: &sample.tasks,
            runs: &[],
            referrers: None,
        };
        let (invoices, deals, activities, tickets, tasks) = (
            Referrers::of(&sample.invoices),
            Referrers::of(&sample.deals),
            Referrers::of(&sample.activities),
            Referrers::of(&sample.tickets),
            Referrers::of(&sample.tasks),
        );
        let runs = Referrers::default();
        let indexed = AllRecords {
            referrers: Some(AllReferrers {
                invoices: &invoices,
                deals: &deals,
                activities: &activities,
                tickets: &tickets,
                tasks: &tasks,
                runs: &runs,
            }),
            ..scan
        };
        let ids = |records: &CustomerRecords<'_>| {
            let ids = |of: Vec<&Id>| of.into_iter().cloned().collect::<Vec<Id>>();
            (
                ids(records.invoices.iter().map(|r| &r.id).collect()),
                ids(records.deals.iter().map(|r| &r.id).collect()),
                ids(records.activities.iter().map(|r| &r.id).collect()),
                ids(records.tickets.iter().map(|r| &r.id).collect()),
                ids(records.tasks.iter().map(|r| &r.id).collect()),
            )
        };
        let customers = sample.contacts.iter().map(Customer::contact).chain(
            sample
                .companies
                .iter()
                .map(|company| Customer::company(company, &sample.contacts)),
        );
        let mut with_timeline = 0;
        for customer in customers {
            let scanned = CustomerRecords::select(&customer, scan);
            with_timeline += usize::from(!scanned.activities.is_empty());
            assert_eq!(
                ids(&CustomerRecords::select(&customer, indexed)),
                ids(&scanned)
            );
        }
        assert!(with_timeline > 100, "the sample gives customers activities");
    }
}
