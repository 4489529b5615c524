//! The KPI dashboard's figures: every KPI of the analytical CRM for a period and an optional
//! owner, with the change against the previous period of equal length.
//!
//! The caller gathers the workspace's records in [`Records`] and says what to measure in a
//! [`Scope`]: the [`DayRange`] (whole days, both ends included), the owner filter and the
//! workspace settings. Each KPI is one function whose formula is in its documentation. A KPI
//! that divides returns `None` ("no data") when the divisor is zero, never NaN; sums return 0.
//! [`compare`] runs a KPI on the scope and on [`Scope::previous`] and gives the [`Change`].
//!
//! Definitions used throughout:
//! - **Orders**, **customers** and per-customer purchase figures are those of
//!   [`crate::purchases`], the same as on the customer page and in segments. A record is **in
//!   the period** when its instant falls on one of the period's days in the workspace's time
//!   zone ([`Scope::zone`], [`Zone::day_of`]): an order paid at 01:00 in Tehran on 1 Farvardin
//!   is Farvardin's, though it is still 29 Esfand in UTC. A day on which daylight saving
//!   starts or ends holds 23 or 25 hours of records.
//! - **Money**: sums are per currency, never converted (the workspace has no exchange rates),
//!   as the board does: a [`MoneyTotals`] with one amount per currency present. Averages and
//!   per-customer figures (AOV, lifetime value) are in the workspace currency only, leaving
//!   orders in other currencies out of both the amount and the count, as the customer page does.
//! - **Owner filter**: a record belongs to an owner by its own field: a contact's and a deal's
//!   `owner_id`, an invoice's `owner_id`, a ticket's `assignee_id`.

mod ledger;
pub mod lists;
pub mod series;

pub use ledger::{Books, Ledger, Order, SoldLine};

#[cfg(test)]
mod tests;

use crate::sorting::sort_by;
use rustc_hash::FxHashMap;

use crate::calendar::{add_months, period_start, Calendar, CalendarUnit, Day};
use crate::csat::{rated_at, Csat};
use crate::id::Id;
use crate::model::{
    Activity, Campaign, Contact, Deal, DealStatus, Invoice, LifecycleStage, Pipeline, Product,
    RfmClass, Settings, Ticket,
};
use crate::money::{average, Currency, Money, MoneyTotals};
use crate::purchases::PurchaseFacts;
use crate::report::board::ForecastBucket;
use crate::rfm::{Rfm, RfmThresholds, RfmValues};
use crate::time::{days_between, DayRange, Instant, Zone};

/// Days in an average year, to turn a period's rates into yearly ones.
const DAYS_PER_YEAR: f64 = 365.25;
/// The predicted lifetime value assumes customers stay at most this long, so that a period in
/// which nobody churned does not predict an endless lifetime.
pub const MAX_LIFESPAN_YEARS: f64 = 10.0;

// ---------------------------------------------------------------------------------------------
// Periods
// ---------------------------------------------------------------------------------------------

/// The period choices of the dashboard besides a custom range.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Preset {
    /// From the first day of the current month to today.
    ThisMonth,
    /// The whole previous month.
    LastMonth,
    /// From the first day of the current quarter (Jalali: season) to today.
    ThisQuarter,
    /// From the first day of the current year (Jalali: 1 Farvardin) to today.
    ThisYear,
}

impl Preset {
    pub const ALL: [Preset; 4] = [
        Preset::ThisMonth,
        Preset::LastMonth,
        Preset::ThisQuarter,
        Preset::ThisYear,
    ];
}

impl Preset {
    /// The preset's days on `today`, with months, quarters and years of `calendar`. The "this …"
    /// presets end today, so that [`DayRange::previous`] compares equally many days.
    pub fn range(self, today: Day, calendar: Calendar) -> DayRange {
        let to_date = |unit| DayRange::new(period_start(today, unit, calendar), today);
        match self {
            Preset::ThisMonth => to_date(CalendarUnit::Month),
            Preset::ThisQuarter => to_date(CalendarUnit::Quarter),
            Preset::ThisYear => to_date(CalendarUnit::Year),
            Preset::LastMonth => {
                let this_month = period_start(today, CalendarUnit::Month, calendar);
                DayRange::new(add_months(this_month, -1, calendar), this_month.before())
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// What to measure, over which records
// ---------------------------------------------------------------------------------------------

/// Every record of the workspace the KPIs read. Kinds a KPI does not need may be left empty.
#[derive(Clone, Copy, Debug, Default)]
pub struct Records<'a> {
    pub contacts: &'a [Contact],
    pub pipelines: &'a [Pipeline],
    pub deals: &'a [Deal],
    pub invoices: &'a [Invoice],
    pub tickets: &'a [Ticket],
    pub activities: &'a [Activity],
    pub products: &'a [Product],
    pub campaigns: &'a [Campaign],
}

/// What a KPI measures: a period, optionally one owner's records, with the workspace settings
/// that figures depend on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scope {
    pub period: DayRange,
    /// Only records of this team member (see the module docs); `None` for the whole team.
    pub owner: Option<Id>,
    /// The workspace currency: averages and per-customer figures are in it.
    pub currency: Currency,
    /// A customer with no order for this many days is inactive (churn, dormant list).
    pub dormant_days: u32,
    /// The workspace's time zone: the period's days are its days. The [`Ledger`] read with
    /// the scope is built in the same zone.
    pub zone: Zone,
}

impl Scope {
    /// `owner`'s records (everyone's with `None`) over `period`, with the workspace's
    /// currency and dormancy, its days counted in `zone`.
    pub fn new(period: DayRange, owner: Option<Id>, settings: &Settings, zone: Zone) -> Scope {
        Scope {
            period,
            owner,
            currency: settings.currency,
            dormant_days: settings.dormant_days,
            zone,
        }
    }

    /// The first instant after the period, in the scope's zone.
    pub fn end_instant(&self) -> Instant {
        self.period.end_instant(&self.zone)
    }

    /// Whether `at` falls on one of the period's days in the scope's zone.
    pub fn contains(&self, at: i64) -> bool {
        self.period.contains_instant(Instant(at), &self.zone)
    }

    /// The day `at` falls on in the scope's zone.
    pub fn day_of(&self, at: i64) -> Day {
        self.zone.day_of(Instant(at))
    }

    /// The same scope over [`DayRange::previous`].
    pub fn previous(&self) -> Scope {
        Scope {
            period: self.period.previous(),
            ..self.clone()
        }
    }

    /// Whether a record with this owner passes the owner filter.
    pub fn owns(&self, owner: Option<&Id>) -> bool {
        self.owner
            .as_ref()
            .is_none_or(|wanted| owner == Some(wanted))
    }
}

// ---------------------------------------------------------------------------------------------
// Values and their change
// ---------------------------------------------------------------------------------------------

/// A share `part / whole` with `whole > 0`, kept as counts so fixtures compare exactly.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ratio {
    pub part: u32,
    pub whole: u32,
}

impl Ratio {
    /// `None` when `whole` is 0: a share of nothing is no data, not 0 % or NaN.
    pub fn new(part: u32, whole: u32) -> Option<Ratio> {
        (whole > 0).then_some(Ratio { part, whole })
    }

    /// The share, 0.0–1.0 when `part <= whole`.
    pub fn value(self) -> f64 {
        f64::from(self.part) / f64::from(self.whole)
    }
}

/// How a figure moved against the previous period.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Change {
    /// Current − previous, in the figure's unit (percentage points for shares as 0–1).
    pub absolute: f64,
    /// (current − previous) / |previous| × 100; `None` when previous is 0.
    pub percent: Option<f64>,
}

impl Change {
    pub fn between(current: f64, previous: f64) -> Change {
        let absolute = current - previous;
        Change {
            absolute,
            percent: (previous != 0.0).then(|| absolute / previous.abs() * 100.0),
        }
    }
}

/// A KPI value that has one number to compare across periods.
pub trait Figure {
    /// The number compared; money in minor units of `currency`.
    fn figure(&self, currency: Currency) -> f64;
}

impl Figure for Ratio {
    fn figure(&self, _: Currency) -> f64 {
        self.value()
    }
}

impl Figure for Money {
    /// Minor units; an amount in another currency than the workspace's compares as 0.
    fn figure(&self, currency: Currency) -> f64 {
        if self.currency == currency {
            self.minor as f64
        } else {
            0.0
        }
    }
}

impl Figure for MoneyTotals {
    /// The amount in the workspace currency.
    fn figure(&self, currency: Currency) -> f64 {
        self.get(currency) as f64
    }
}

impl Figure for Csat {
    /// The headline CSAT: the share of 4–5 ratings.
    fn figure(&self, _: Currency) -> f64 {
        self.satisfied_share()
    }
}

impl Figure for ForecastBucket {
    /// The weighted pipeline in the workspace currency.
    fn figure(&self, currency: Currency) -> f64 {
        self.weighted.get(currency) as f64
    }
}

impl Figure for u32 {
    fn figure(&self, _: Currency) -> f64 {
        f64::from(*self)
    }
}

impl Figure for f64 {
    fn figure(&self, _: Currency) -> f64 {
        *self
    }
}

/// A KPI over the scope and over the previous period, and the change between them.
#[derive(Clone, Debug, PartialEq)]
pub struct Compared<T> {
    pub current: Option<T>,
    pub previous: Option<T>,
    /// `None` when either period has no data.
    pub change: Option<Change>,
}

/// Runs `kpi` on `scope` and on [`Scope::previous`]: a card's value and its comparison.
/// KPIs that never lack data are wrapped: `compare(&scope, |s| Some(revenue(books, s)))`.
pub fn compare<T: Figure>(scope: &Scope, kpi: impl Fn(&Scope) -> Option<T>) -> Compared<T> {
    Compared::new(kpi(scope), kpi(&scope.previous()), scope.currency)
}

impl<T: Figure> Compared<T> {
    /// The comparison of two values of a KPI, with figures in `currency`.
    pub fn new(current: Option<T>, previous: Option<T>, currency: Currency) -> Compared<T> {
        let change = match (&current, &previous) {
            (Some(current), Some(previous)) => Some(Change::between(
                current.figure(currency),
                previous.figure(currency),
            )),
            _ => None,
        };
        Compared {
            current,
            previous,
            change,
        }
    }
}

impl<T> Compared<T> {
    /// The comparison of one part of the values, as for two cards computed in one pass (the
    /// pipeline's value and its weighted value).
    pub fn part<U: Figure>(&self, currency: Currency, part: impl Fn(&T) -> U) -> Compared<U> {
        Compared::new(
            self.current.as_ref().map(&part),
            self.previous.as_ref().map(&part),
            currency,
        )
    }
}

// ---------------------------------------------------------------------------------------------
// Sales
// ---------------------------------------------------------------------------------------------

/// Revenue: Σ totals of the orders paid in the period, per currency.
pub fn revenue(books: &Books<'_>, scope: &Scope) -> MoneyTotals {
    let mut total = MoneyTotals::default();
    for order in books.ledger.orders(scope) {
        total.add(order.total);
    }
    total
}

/// The number of orders paid in the period, in every currency.
pub fn order_count(books: &Books<'_>, scope: &Scope) -> u32 {
    count(books.ledger.orders(scope))
}

/// Average order value: Σ totals / number of orders, over the period's orders in the workspace
/// currency, rounded half away from zero to the minor unit. `None` with no such order.
pub fn average_order_value(books: &Books<'_>, scope: &Scope) -> Option<Money> {
    let (sum, orders) = workspace_orders(books, scope);
    average(sum, orders).map(|minor| Money::new(minor, scope.currency))
}

/// The sum and count of the period's orders in the workspace currency.
fn workspace_orders(books: &Books<'_>, scope: &Scope) -> (i128, u32) {
    let mut sum = 0i128;
    let mut orders = 0u32;
    for order in books.ledger.orders(scope) {
        let total = order.total;
        if total.currency == scope.currency {
            sum += i128::from(total.minor);
            orders += 1;
        }
    }
    (sum, orders)
}

/// Deal win rate: won / (won + lost), over the deals closed in the period. `None` when no deal
/// closed.
pub fn win_rate(books: &Books<'_>, scope: &Scope) -> Option<Ratio> {
    let (mut won, mut closed) = (0, 0);
    for deal in books.closed_deals(scope) {
        closed += 1;
        won += u32::from(deal.status == DealStatus::Won);
    }
    Ratio::new(won, closed)
}

/// Lead → customer conversion rate: of the contacts created in the period (the period's
/// leads), the share that has become a customer (`became_customer_at` set) by the period's
/// end. `None` when no contact was created.
pub fn lead_conversion_rate(books: &Books<'_>, scope: &Scope) -> Option<Ratio> {
    let end = scope.end_instant().0;
    let (mut converted, mut leads) = (0, 0);
    for contact in books.leads(scope) {
        leads += 1;
        converted += u32::from(contact.became_customer_at.is_some_and(|at| at < end));
    }
    Ratio::new(converted, leads)
}

/// How long won deals took.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SalesCycle {
    /// Deals won in the period.
    pub deals: u32,
    /// Whole days from creation to winning (rounded down per deal), averaged.
    pub mean_days: f64,
    /// The middle value of those days (the mean of the two middle ones for an even count).
    pub median_days: f64,
}

impl Figure for SalesCycle {
    /// The median, which one very long deal does not move.
    fn figure(&self, _: Currency) -> f64 {
        self.median_days
    }
}

/// Sales-cycle length: for each deal won in the period, whole days from `created_at` to
/// `closed_at`; their mean and median. `None` when no deal was won.
pub fn sales_cycle(books: &Books<'_>, scope: &Scope) -> Option<SalesCycle> {
    let mut days: Vec<i64> = books
        .closed_deals(scope)
        .filter(|deal| deal.status == DealStatus::Won)
        .filter_map(|deal| {
            Some(days_between(
                Instant(deal.created_at),
                Instant(deal.closed_at?),
            ))
        })
        .collect();
    if days.is_empty() {
        return None;
    }
    days.sort_unstable();
    let n = days.len();
    let median_days = if n % 2 == 1 {
        days[n / 2] as f64
    } else {
        (days[n / 2 - 1] + days[n / 2]) as f64 / 2.0
    };
    Some(SalesCycle {
        deals: count(days.iter()),
        mean_days: days.iter().sum::<i64>() as f64 / n as f64,
        median_days,
    })
}

/// Pipeline value and weighted pipeline at the end of the period: the deals that were open
/// then (created by then, not closed by then), each in the stage it was in then (the last
/// stage-history entry by then, else its current stage). Value = `Σ value`, weighted =
/// `Σ value × probability / 100` of that stage, per currency, rounded as on the board. A
/// deal's value is its current value (values have no history).
pub fn pipeline_value(books: &Books<'_>, scope: &Scope) -> ForecastBucket {
    let records = &books.records;
    let at = scope.end_instant().0;
    let probability: FxHashMap<(&Id, &Id), u8> = records
        .pipelines
        .iter()
        .flat_map(|pipeline| {
            pipeline
                .stages
                .iter()
                .map(move |stage| ((&pipeline.id, &stage.id), stage.probability_pct))
        })
        .collect();
    ForecastBucket::of(
        records
            .deals
            .iter()
            .filter(|deal| {
                deal.created_at < at
                    && scope.owns(deal.owner_id.as_ref())
                    && deal.closed_at.is_none_or(|closed| closed >= at)
            })
            .map(|deal| {
                let stage = stage_at(deal, at);
                let pct = probability.get(&(&deal.pipeline_id, stage)).copied();
                (deal.value, pct.unwrap_or(0))
            }),
    )
}

/// The stage a deal was in at `at`: the last move before it, else its current stage.
pub(crate) fn stage_at(deal: &Deal, at: i64) -> &Id {
    deal.stage_history
        .iter()
        .rev()
        .find(|change| change.at < at)
        .map_or(&deal.stage_id, |change| &change.to)
}

// ---------------------------------------------------------------------------------------------
// Customers
// ---------------------------------------------------------------------------------------------

/// Churn rate: of the customers active at the period's start, the share that became inactive
/// during it.
///
/// - Active at the start: a contact whose last order on or before the start day is fewer than
///   `dormant_days` days before it, and who is not marked inactive or churned by then (its
///   lifecycle stage is inactive/churned with `lifecycle_changed_at` before the period).
/// - Became inactive: `dormant_days` passed without an order by the period's last day (each
///   order in the period pushes that day on), or it was marked inactive or churned during the
///   period.
///
/// `None` when no customer was active at the start. Orders in any currency count.
pub fn churn_rate(books: &Books<'_>, scope: &Scope) -> Option<Ratio> {
    let dormant = i64::from(scope.dormant_days);
    let DayRange { start, end } = scope.period;
    let (mut churned, mut active) = (0, 0);
    for customer in books.ledger.owned_customers(scope) {
        let days = customer.days;
        let on_or_before_start = days.partition_point(|day| *day <= start);
        let Some(last_before) = on_or_before_start.checked_sub(1).map(|index| days[index]) else {
            continue;
        };
        let marked_at = customer.marked_inactive_at;
        let mut dormant_from = i64::from(last_before.0) + dormant;
        let starts = scope.period.start_instant(&scope.zone).0;
        if dormant_from <= i64::from(start.0) || marked_at.is_some_and(|at| at < starts) {
            continue;
        }
        active += 1;
        for day in days[on_or_before_start..]
            .iter()
            .take_while(|day| **day <= end)
        {
            if i64::from(day.0) < dormant_from {
                dormant_from = i64::from(day.0) + dormant;
            }
        }
        let went_dormant = dormant_from <= i64::from(end.0);
        let marked = marked_at.is_some_and(|at| scope.contains(at));
        churned += u32::from(went_dormant || marked);
    }
    Ratio::new(churned, active)
}

fn marked_inactive(contact: &Contact) -> bool {
    matches!(
        contact.lifecycle_stage,
        LifecycleStage::Inactive | LifecycleStage::Churned
    )
}

/// Historic customer lifetime value: Σ totals of the orders (in the workspace currency) paid
/// by the period's end / the number of customers with such an order, over the owner's
/// contacts. The period's start does not matter: a lifetime starts with the first order.
/// `None` with no customer.
pub fn historic_lifetime_value(books: &Books<'_>, scope: &Scope) -> Option<Money> {
    let until = scope.end_instant();
    let (mut sum, mut customers) = (0i128, 0u32);
    for customer in books.ledger.owned_customers(scope) {
        let facts = PurchaseFacts::until(customer.purchases, scope.currency, until);
        if let Some(facts) = facts.filter(|facts| facts.orders > 0) {
            sum += i128::from(facts.spend.minor);
            customers += 1;
        }
    }
    average(sum, customers).map(|minor| Money::new(minor, scope.currency))
}

/// The days the predicted lifetime value learns from: [`LIFETIME_WINDOW_DAYS`] ending on the
/// period's last day, whatever the period's length.
pub const LIFETIME_WINDOW_DAYS: i64 = 365;

/// The trailing window of [`predicted_lifetime_value`]: the [`LIFETIME_WINDOW_DAYS`] days
/// ending on `period`'s last day.
pub fn lifetime_window(period: DayRange) -> DayRange {
    DayRange::new(
        Day::saturating(i64::from(period.end.0) - LIFETIME_WINDOW_DAYS + 1),
        period.end,
    )
}

/// Predicted customer lifetime value = AOV × purchase frequency × expected lifespan, as of the
/// period's end, all three over the trailing window [`lifetime_window`] (the 365 days ending
/// on the period's last day, "the last 12 months") in the workspace currency. Only the
/// period's end matters: "This month", "This quarter" and "This year" on one day give the
/// same value, and a few days of a month are never annualised.
/// - AOV: [`average_order_value`] over the window;
/// - purchase frequency: the window's orders in the workspace currency that name a contact /
///   the contacts who placed them, per year (× 365.25 / the window's days);
/// - expected lifespan, in years: 1 / the yearly churn hazard over the window = the times a
///   customer went inactive in the window / the years customers were active in it. A customer
///   is active from each order's day until `dormant_days` pass without another (or until
///   marked inactive or churned), as in [`churn_rate`]; going dormant or being marked in the
///   window is one churn. At most [`MAX_LIFESPAN_YEARS`] (also when nobody churned). Unlike
///   [`churn_rate`], this needs no customer active at the window's start, so a workspace
///   younger than the window has a prediction too.
///
/// Rounded to the minor unit. `None` when the window has no order.
pub fn predicted_lifetime_value(books: &Books<'_>, scope: &Scope) -> Option<Money> {
    let window = Scope {
        period: lifetime_window(scope.period),
        ..scope.clone()
    };
    let aov = average_order_value(books, &window)?;
    let mut ordered = vec![false; books.ledger.customer_count()];
    let (mut orders, mut customers) = (0u32, 0u32);
    for order in books.ledger.orders(&window) {
        if let (Some(customer), true) = (
            order.customer_index(),
            order.total.currency == scope.currency,
        ) {
            customers += u32::from(!std::mem::replace(&mut ordered[customer], true));
            orders += 1;
        }
    }
    if customers == 0 {
        return None;
    }
    let years = window.period.days() as f64 / DAYS_PER_YEAR;
    let frequency = f64::from(orders) / f64::from(customers) / years;
    let (churns, active_days) = churn_exposure(books, &window);
    let lifespan = if churns > 0 {
        (active_days as f64 / DAYS_PER_YEAR / f64::from(churns)).min(MAX_LIFESPAN_YEARS)
    } else {
        MAX_LIFESPAN_YEARS
    };
    let value = aov.minor as f64 * frequency * lifespan;
    Some(Money::new(value.round() as i64, scope.currency))
}

/// Over the scope's days: how many times a customer went inactive, and the days customers
/// were active in all (see [`predicted_lifetime_value`]).
fn churn_exposure(books: &Books<'_>, scope: &Scope) -> (u32, i64) {
    let dormant = i64::from(scope.dormant_days.max(1));
    let (first, after) = (
        i64::from(scope.period.start.0),
        i64::from(scope.period.end.0) + 1,
    );
    let (mut churns, mut active_days) = (0u32, 0i64);
    for customer in books.ledger.owned_customers(scope) {
        let marked = customer
            .marked_inactive_at
            .map(|at| i64::from(scope.day_of(at).0));
        if marked.is_some_and(|day| day < first) {
            continue;
        }
        let mut days = customer
            .days
            .iter()
            .map(|day| i64::from(day.0))
            .take_while(|day| *day < after && marked.is_none_or(|marked| *day < marked))
            .peekable();
        while let Some(from) = days.next() {
            // One stretch of activity: orders each fewer than `dormant` days after the last.
            let mut until = from + dormant;
            while let Some(next) = days.next_if(|next| *next < until) {
                until = next + dormant;
            }
            let mut ended = until < after;
            if let Some(marked) = marked.filter(|marked| *marked < until) {
                (until, ended) = (marked, marked < after);
            }
            active_days += (until.min(after) - from.max(first)).max(0);
            churns += u32::from(ended && until >= first);
        }
    }
    (churns, active_days.max(0))
}

/// How many customers are in each RFM class at the period's end, scored by `thresholds` on
/// the orders paid by then. Every class is listed, in [`RfmClass::ALL`] order, with 0 for an
/// empty one; contacts with no order in the workspace currency are in none.
pub fn rfm_distribution(
    books: &Books<'_>,
    scope: &Scope,
    thresholds: &RfmThresholds,
) -> Vec<(RfmClass, u32)> {
    let now = scope.end_instant();
    let mut counts: FxHashMap<RfmClass, u32> = FxHashMap::default();
    for customer in books.ledger.owned_customers(scope) {
        let facts = PurchaseFacts::until(customer.purchases, scope.currency, now);
        if let Some(facts) = facts.filter(|facts| facts.orders > 0) {
            let class = Rfm::score(RfmValues::of(&facts, now), thresholds).class;
            *counts.entry(class).or_default() += 1;
        }
    }
    RfmClass::ALL
        .iter()
        .map(|class| (*class, counts.get(class).copied().unwrap_or(0)))
        .collect()
}

/// CSAT of the tickets resolved in the period (their `resolved_at`, else `created_at`, in the
/// period) and rated: the share of 4–5 ratings and the mean (see [`Csat`]). `None` when no
/// such ticket was rated.
pub fn csat(books: &Books<'_>, scope: &Scope) -> Option<Csat> {
    let records = &books.records;
    Csat::of_tickets(
        records
            .tickets
            .iter()
            .filter(|ticket| scope.owns(ticket.assignee_id.as_ref()))
            .filter(|ticket| scope.contains(rated_at(ticket))),
    )
}

// ---------------------------------------------------------------------------------------------
// Marketing and products
// ---------------------------------------------------------------------------------------------

/// A campaign's return in the period.
#[derive(Clone, Debug, PartialEq)]
pub struct CampaignReturn {
    pub campaign_id: Id,
    /// The campaign's whole cost.
    pub cost: Money,
    /// Σ totals of the period's orders attributed to the campaign, in the cost's currency.
    pub revenue: Money,
    /// (revenue − cost) / cost; `None` when the cost is 0.
    pub roi: Option<f64>,
}

/// Campaign ROI = (attributed revenue − cost) / cost, for every campaign running in the period
/// (its dates overlap the period; a missing date leaves that side open), by campaign order.
///
/// An order is attributed to the campaign of its deal (`deal_id` → the deal's `campaign_id`),
/// else to its contact's `campaign_id`. Revenue counts the period's orders (owner filter
/// applied) in the campaign cost's currency; the cost is counted whole.
pub fn campaign_returns(books: &Books<'_>, scope: &Scope) -> Vec<CampaignReturn> {
    let campaigns = books.records.campaigns;
    // Revenue in each campaign's cost currency, by campaign index.
    let mut revenue = vec![0i64; campaigns.len()];
    for order in books.ledger.orders(scope) {
        if let Some(index) = order.campaign_index() {
            if order.total.currency == campaigns[index].cost.currency {
                revenue[index] = revenue[index].saturating_add(order.total.minor);
            }
        }
    }
    let period = scope.period;
    campaigns
        .iter()
        .zip(revenue)
        .filter(|(campaign, _)| {
            campaign.start_date.is_none_or(|start| start <= period.end)
                && campaign.end_date.is_none_or(|end| end >= period.start)
        })
        .map(|(campaign, minor)| {
            let cost = campaign.cost;
            CampaignReturn {
                campaign_id: campaign.id.clone(),
                cost,
                revenue: Money::new(minor, cost.currency),
                roi: (cost.minor != 0)
                    .then(|| (minor as f64 - cost.minor as f64) / cost.minor as f64),
            }
        })
        .collect()
}

/// How one product sold in the period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProductPerformance {
    pub product_id: Id,
    /// Units on the period's orders.
    pub units: u64,
    /// Orders with the product.
    pub orders: u32,
    /// Σ line amounts after line discounts (before the document's discount and tax), per
    /// currency.
    pub revenue: MoneyTotals,
    /// Deals lost in the period with the product on a line.
    pub lost_deals: u32,
}

/// Product performance: for every product, units, orders and line revenue on the period's
/// orders, and deals lost in the period that had it; best sellers first (revenue in the
/// workspace currency, then units, then name). Lines without a catalogue product, and products
/// no longer in the catalogue, are left out.
pub fn product_performance(books: &Books<'_>, scope: &Scope) -> Vec<ProductPerformance> {
    let records = &books.records;
    let mut rows: Vec<ProductPerformance> = records
        .products
        .iter()
        .map(|product| ProductPerformance {
            product_id: product.id.clone(),
            units: 0,
            orders: 0,
            revenue: MoneyTotals::default(),
            lost_deals: 0,
        })
        .collect();
    let mut seen: Vec<usize> = Vec::new();
    for order in books.ledger.orders(scope) {
        seen.clear();
        for line in books.ledger.lines(order) {
            let row = line.product as usize;
            let row_data = &mut rows[row];
            row_data.units += u64::from(line.quantity);
            row_data
                .revenue
                .add(Money::new(line.net_minor, order.total.currency));
            if !seen.contains(&row) {
                seen.push(row);
                row_data.orders += 1;
            }
        }
    }
    for products in books.ledger.lost_products(scope) {
        for product in products {
            rows[*product as usize].lost_deals += 1;
        }
    }
    let names: FxHashMap<&Id, &str> = records
        .products
        .iter()
        .map(|product| (&product.id, product.name.as_str()))
        .collect();
    let currency = scope.currency;
    sort_by(&mut rows, |a, b| {
        b.revenue
            .get(currency)
            .cmp(&a.revenue.get(currency))
            .then(b.units.cmp(&a.units))
            .then_with(|| names[&a.product_id].cmp(names[&b.product_id]))
            .then_with(|| a.product_id.cmp(&b.product_id))
    });
    rows
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

fn count<T>(items: impl Iterator<Item = T>) -> u32 {
    u32::try_from(items.count()).unwrap_or(u32::MAX)
}
