//! The workspace's records as the KPIs read them, prepared once per change of the records so
//! that every KPI reads any period and owner without going over every record again.
//!
//! Building a [`Ledger`] computes each order's total, purchase day (in the workspace's
//! [`Zone`], one binary search over its changes per record), owner, campaign and catalogue
//! lines once, sorts the orders, the closed deals and the new contacts by day (a
//! period is then a slice found by binary search) and groups each contact's orders, sorted,
//! for the per-customer figures (churn, lifetime value, RFM). At 100k contacts the dashboard
//! recomputes a dozen KPIs over two periods on every range change; repeating that work per
//! KPI is what made it slow.

use crate::sorting::sort_by_key;
use std::ops::Range;

use rustc_hash::FxHashMap;

use super::{Records, Scope};
use crate::calendar::Day;
use crate::id::Id;
use crate::model::{Contact, Deal, DealStatus, Entity, Invoice};
use crate::money::Money;
use crate::purchases::Purchase;
use crate::time::{DayRange, Instant, Zone};

/// "No such index" in the compact `u32` references below.
const NONE: u32 = u32::MAX;

/// The records the KPIs read, with the [`Ledger`] prepared from them.
#[derive(Clone, Copy, Debug)]
pub struct Books<'a> {
    pub records: Records<'a>,
    /// Built by [`Ledger::new`] from these same records: its indexes point into them.
    pub ledger: &'a Ledger,
}

/// A workspace's records prepared for the KPIs (see the module docs).
#[derive(Clone, Debug, Default)]
pub struct Ledger {
    /// Every order, by purchase day (then instant).
    orders: Vec<Order>,
    /// Everyone an order names by `contact_id`, in order of first appearance.
    customers: Vec<Customer>,
    /// The customers' orders: each customer's own run is sorted by instant.
    purchases: Vec<Purchase>,
    /// The local day of each of `purchases`.
    purchase_days: Vec<Day>,
    /// The orders' lines that sell a catalogue product, each order's together.
    lines: Vec<SoldLine>,
    /// Every deal won or lost, by closing day.
    closed: Vec<Dated>,
    /// Every lost deal, by closing day, with the catalogue products on its lines.
    lost: Vec<LostDeal>,
    /// The lost deals' products: each deal's distinct products together.
    lost_products: Vec<u32>,
    /// Every contact, by creation day: the leads of a period.
    leads: Vec<Dated>,
    /// The owner ids of the records above; the `owner` fields index into it.
    owners: Vec<Id>,
    /// The zone whose days the days above are.
    zone: Zone,
}

/// One order (a paid invoice, see [`Invoice::is_order`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Order {
    /// The local day of [`Invoice::purchased_at`] (see [`purchase_day`]).
    pub day: Day,
    /// The invoice total.
    pub total: Money,
    /// The customer named by the invoice's `contact_id`; [`NONE`] when it names nobody.
    customer: u32,
    /// The invoice's owner, interned; [`NONE`] when it has none.
    owner: u32,
    /// The campaign the order is attributed to (see [`super::campaign_returns`]): an index into
    /// the records' campaigns; [`NONE`] for none.
    campaign: u32,
    /// Its lines in [`Ledger::lines`].
    lines: (u32, u32),
}

/// A record on the day that puts it in a period (a deal's closing, a contact's creation).
#[derive(Clone, Copy, Debug)]
struct Dated {
    day: Day,
    /// An index into the records of its kind.
    index: u32,
    /// The record's owner, interned; [`NONE`] when it has none.
    owner: u32,
}

/// A lost deal, for the products that fail to sell.
#[derive(Clone, Copy, Debug)]
struct LostDeal {
    day: Day,
    owner: u32,
    /// Its products in [`Ledger::lost_products`].
    products: (u32, u32),
}

/// Something on a day, of an owner: what a scope selects by.
trait OnDay {
    fn day(&self) -> Day;
    /// Interned; [`NONE`] for no owner.
    fn owner(&self) -> u32;
}

impl OnDay for Order {
    fn day(&self) -> Day {
        self.day
    }
    fn owner(&self) -> u32 {
        self.owner
    }
}

impl OnDay for Dated {
    fn day(&self) -> Day {
        self.day
    }
    fn owner(&self) -> u32 {
        self.owner
    }
}

impl OnDay for LostDeal {
    fn day(&self) -> Day {
        self.day
    }
    fn owner(&self) -> u32 {
        self.owner
    }
}

/// An order's line that sells a product of the catalogue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SoldLine {
    /// An index into the records' products.
    pub product: u32,
    pub quantity: u32,
    /// The line's amount after its own discount, in the order's currency.
    pub net_minor: i64,
}

/// A contact id named by at least one order.
#[derive(Clone, Debug)]
struct Customer {
    /// The contact: an index into the records' contacts; `None` when it is not in them.
    contact: Option<u32>,
    /// The contact's owner, interned; [`NONE`] when it has none or the contact is unknown.
    owner: u32,
    /// When the contact was marked inactive or churned, if its stage says so.
    marked_inactive_at: Option<i64>,
    /// Its orders in [`Ledger::purchases`].
    purchases: Range<u32>,
}

/// A customer's history as a per-customer KPI reads it.
pub(crate) struct CustomerHistory<'a> {
    /// Sorted by instant; never empty.
    pub purchases: &'a [Purchase],
    /// The local day of each purchase.
    pub days: &'a [Day],
    /// When the contact was marked inactive or churned, if its stage says so.
    pub marked_inactive_at: Option<i64>,
}

/// The scope's owner filter in the ledger's interned owners.
#[derive(Clone, Copy)]
enum OwnerFilter {
    Everyone,
    Only(u32),
    /// The scope's owner owns nothing in the ledger.
    Nobody,
}

impl OwnerFilter {
    fn passes(self, owner: u32) -> bool {
        match self {
            OwnerFilter::Everyone => true,
            OwnerFilter::Only(wanted) => owner == wanted,
            OwnerFilter::Nobody => false,
        }
    }
}

impl Ledger {
    /// Prepares `records`, with days in `zone`: one pass over invoices, contacts and deals,
    /// then sorts by day. Read it with scopes in the same zone.
    pub fn new(records: &Records<'_>, zone: &Zone) -> Ledger {
        let mut owners = Interner::default();
        let contact_index = positions(records.contacts);
        let campaign_index = positions(records.campaigns);
        let deal_campaign: FxHashMap<&Id, u32> = records
            .deals
            .iter()
            .filter_map(|deal| {
                let campaign = campaign_index.get(deal.campaign_id.as_ref()?)?;
                Some((&deal.id, *campaign))
            })
            .collect();
        let product_index = positions(records.products);
        let mut customer_index: FxHashMap<&Id, u32> = FxHashMap::default();
        let mut lines: Vec<SoldLine> = Vec::new();
        let mut customers: Vec<Customer> = Vec::new();
        let mut orders: Vec<Order> = Vec::new();
        let mut by_customer: Vec<(u32, Purchase, Day)> = Vec::new();
        for (invoice, purchase) in records
            .invoices
            .iter()
            .filter_map(|invoice| Some((invoice, Purchase::of(invoice)?)))
        {
            let Purchase { total, .. } = purchase;
            let day = purchase_day(invoice, zone);
            let contact = invoice
                .contact_id
                .as_ref()
                .map(|id| (id, contact_index.get(id).copied()));
            let customer = contact.map_or(NONE, |(id, contact)| {
                *customer_index.entry(id).or_insert_with(|| {
                    let found = contact.map(|index| &records.contacts[index as usize]);
                    customers.push(Customer {
                        contact,
                        owner: found
                            .and_then(|contact| contact.owner_id.as_ref())
                            .map_or(NONE, |owner| owners.intern(owner)),
                        marked_inactive_at: found.and_then(marked_inactive_at),
                        purchases: 0..0,
                    });
                    customers.len() as u32 - 1
                })
            });
            let campaign = invoice
                .deal_id
                .as_ref()
                .and_then(|deal| deal_campaign.get(deal))
                .or_else(|| {
                    let (_, contact) = contact?;
                    let contact = &records.contacts[contact? as usize];
                    campaign_index.get(contact.campaign_id.as_ref()?)
                })
                .copied()
                .unwrap_or(NONE);
            let first_line = lines.len() as u32;
            lines.extend(invoice.lines.iter().filter_map(|line| {
                Some(SoldLine {
                    product: *product_index.get(line.product_id.as_ref()?)?,
                    quantity: line.quantity,
                    net_minor: line.net_minor(),
                })
            }));
            orders.push(Order {
                day,
                total,
                customer,
                owner: invoice
                    .owner_id
                    .as_ref()
                    .map_or(NONE, |owner| owners.intern(owner)),
                campaign,
                lines: (first_line, lines.len() as u32),
            });
            if customer != NONE {
                by_customer.push((customer, purchase, day));
            }
        }
        sort_by_key(&mut orders, |order| order.day);
        let mut dated = |at: i64, index: u32, owner: Option<&Id>| Dated {
            day: zone.day_of(Instant(at)),
            index,
            owner: owner.map_or(NONE, |owner| owners.intern(owner)),
        };
        let mut closed: Vec<Dated> = records
            .deals
            .iter()
            .zip(0u32..)
            .filter(|(deal, _)| !deal.is_open())
            .filter_map(|(deal, index)| Some(dated(deal.closed_at?, index, deal.owner_id.as_ref())))
            .collect();
        sort_by_key(&mut closed, |deal| deal.day);
        let mut leads: Vec<Dated> = records
            .contacts
            .iter()
            .zip(0u32..)
            .map(|(contact, index)| dated(contact.created_at, index, contact.owner_id.as_ref()))
            .collect();
        sort_by_key(&mut leads, |lead| lead.day);
        let mut lost_products: Vec<u32> = Vec::new();
        let mut lost: Vec<LostDeal> = records
            .deals
            .iter()
            .filter(|deal| deal.status == DealStatus::Lost)
            .filter_map(|deal| {
                let first = lost_products.len();
                for line in &deal.lines {
                    let Some(product) = line
                        .product_id
                        .as_ref()
                        .and_then(|id| product_index.get(id))
                    else {
                        continue;
                    };
                    if !lost_products[first..].contains(product) {
                        lost_products.push(*product);
                    }
                }
                Some(LostDeal {
                    day: zone.day_of(Instant(deal.closed_at?)),
                    owner: deal
                        .owner_id
                        .as_ref()
                        .map_or(NONE, |owner| owners.intern(owner)),
                    products: (first as u32, lost_products.len() as u32),
                })
            })
            .collect();
        sort_by_key(&mut lost, |deal| deal.day);
        sort_by_key(&mut by_customer, |(customer, purchase, _)| {
            (*customer, purchase.at)
        });
        let purchases: Vec<Purchase> = by_customer
            .iter()
            .map(|(_, purchase, _)| *purchase)
            .collect();
        let purchase_days: Vec<Day> = by_customer.iter().map(|(_, _, day)| *day).collect();
        let mut start = 0;
        for run in by_customer.chunk_by(|a, b| a.0 == b.0) {
            let end = start + run.len() as u32;
            customers[run[0].0 as usize].purchases = start..end;
            start = end;
        }
        Ledger {
            orders,
            customers,
            purchases,
            purchase_days,
            lines,
            closed,
            lost,
            lost_products,
            leads,
            owners: owners.ids,
            zone: zone.clone(),
        }
    }

    /// The zone whose days the ledger's days are.
    pub fn zone(&self) -> &Zone {
        &self.zone
    }

    /// The scope's orders: paid in the period, by the scope's owner (the invoice's).
    pub fn orders<'a>(&'a self, scope: &Scope) -> impl Iterator<Item = &'a Order> + 'a {
        self.in_scope(&self.orders, scope)
    }

    /// The distinct catalogue products of each deal the scope's owner lost in the period.
    pub fn lost_products<'a>(&'a self, scope: &Scope) -> impl Iterator<Item = &'a [u32]> + 'a {
        self.in_scope(&self.lost, scope)
            .map(|deal| &self.lost_products[deal.products.0 as usize..deal.products.1 as usize])
    }

    /// The items of `sorted` (by day) on the scope's days, of its owner.
    fn in_scope<'a, T: OnDay>(
        &self,
        sorted: &'a [T],
        scope: &Scope,
    ) -> impl Iterator<Item = &'a T> + 'a {
        debug_assert_eq!(scope.zone, self.zone, "a ledger read in another zone");
        let filter = self.owner_filter(scope);
        days_of(sorted, scope.period, T::day)
            .iter()
            .filter(move |item| filter.passes(item.owner()))
    }

    /// Indexes of the records in `dated` on the period's days, of the scope's owner.
    fn dated<'a>(&self, dated: &'a [Dated], scope: &Scope) -> impl Iterator<Item = usize> + 'a {
        self.in_scope(dated, scope)
            .map(|dated| dated.index as usize)
    }

    /// Every customer the scope's owner owns (the contact's owner), with its orders. Orders
    /// naming contacts that are not in the workspace are left out.
    pub(crate) fn owned_customers<'a>(
        &'a self,
        scope: &Scope,
    ) -> impl Iterator<Item = CustomerHistory<'a>> + 'a {
        let filter = self.owner_filter(scope);
        self.customers
            .iter()
            .filter(move |customer| customer.contact.is_some() && filter.passes(customer.owner))
            .map(move |customer| {
                let range = customer.purchases.start as usize..customer.purchases.end as usize;
                CustomerHistory {
                    purchases: &self.purchases[range.clone()],
                    days: &self.purchase_days[range],
                    marked_inactive_at: customer.marked_inactive_at,
                }
            })
    }

    /// The order's lines that sell a catalogue product.
    pub fn lines(&self, order: &Order) -> &[SoldLine] {
        &self.lines[order.lines.0 as usize..order.lines.1 as usize]
    }

    /// The number of distinct customers named by orders; [`Order::customer_index`] is below it.
    pub(crate) fn customer_count(&self) -> usize {
        self.customers.len()
    }

    /// The contact of an order's customer, if the order names one that is in the workspace.
    pub(crate) fn contact_of<'a>(
        &self,
        order: &Order,
        contacts: &'a [Contact],
    ) -> Option<&'a Contact> {
        let customer = self.customers.get(order.customer as usize)?;
        Some(&contacts[customer.contact? as usize])
    }

    fn owner_filter(&self, scope: &Scope) -> OwnerFilter {
        match &scope.owner {
            None => OwnerFilter::Everyone,
            Some(owner) => self
                .owners
                .iter()
                .position(|known| known == owner)
                .map_or(OwnerFilter::Nobody, |index| OwnerFilter::Only(index as u32)),
        }
    }
}

impl Order {
    /// The customer named by the order's `contact_id`: a number below
    /// [`Ledger::customer_count`], the same for every order of that contact id.
    pub(crate) fn customer_index(&self) -> Option<usize> {
        (self.customer != NONE).then_some(self.customer as usize)
    }

    /// The campaign the order is attributed to: an index into the records' campaigns.
    pub(crate) fn campaign_index(&self) -> Option<usize> {
        (self.campaign != NONE).then_some(self.campaign as usize)
    }
}

/// Each record's position, by id.
pub(super) fn positions<E: Entity>(records: &[E]) -> FxHashMap<&Id, u32> {
    records
        .iter()
        .zip(0u32..)
        .map(|(record, index)| (record.id(), index))
        .collect()
}

/// The run of `sorted` (by `day`) that falls on the period's days.
fn days_of<T>(sorted: &[T], period: DayRange, day: impl Fn(&T) -> Day) -> &[T] {
    let from = sorted.partition_point(|item| day(item) < period.start);
    let to = sorted.partition_point(|item| day(item) <= period.end);
    &sorted[from..to.max(from)]
}

impl<'a> Books<'a> {
    /// The deals of the scope's owner closed (won or lost) in the period.
    pub fn closed_deals(&self, scope: &Scope) -> impl Iterator<Item = &'a Deal> + 'a {
        let deals = self.records.deals;
        self.ledger
            .dated(&self.ledger.closed, scope)
            .map(move |index| &deals[index])
    }

    /// The contacts of the scope's owner created in the period: its leads.
    pub fn leads(&self, scope: &Scope) -> impl Iterator<Item = &'a Contact> + 'a {
        let contacts = self.records.contacts;
        self.ledger
            .dated(&self.ledger.leads, scope)
            .map(move |index| &contacts[index])
    }
}

/// The local day of an order: the day `paid_at` falls on in `zone`; for an order missing it,
/// its issue day as written, else the day it was created.
pub(crate) fn purchase_day(invoice: &Invoice, zone: &Zone) -> Day {
    match (invoice.paid_at, invoice.issue_date) {
        (Some(paid), _) => zone.day_of(Instant(paid)),
        (None, Some(issued)) => issued,
        (None, None) => zone.day_of(Instant(invoice.created_at)),
    }
}

/// When a contact was marked inactive or churned, if its lifecycle stage says it is.
fn marked_inactive_at(contact: &Contact) -> Option<i64> {
    contact
        .lifecycle_changed_at
        .filter(|_| super::marked_inactive(contact))
}

/// Owner ids to small numbers.
#[derive(Default)]
struct Interner {
    ids: Vec<Id>,
    index: FxHashMap<Id, u32>,
}

impl Interner {
    fn intern(&mut self, id: &Id) -> u32 {
        if let Some(index) = self.index.get(id) {
            return *index;
        }
        let index = self.ids.len() as u32;
        self.ids.push(id.clone());
        self.index.insert(id.clone(), index);
        index
    }
}
