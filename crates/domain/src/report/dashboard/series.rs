//! The dashboard's chart series, as plain data (the app draws them): revenue and CSAT over
//! time, the funnel by stage, leads and revenue by source, and the forecast by month.
//!
//! Definitions (orders, owners, money) are those of the [`dashboard`](super) module.

use rustc_hash::FxHashMap;

use super::{Books, Ratio, Records, Scope};
use crate::calendar::{first_day_of_month, month_of, Calendar, Day};
use crate::csat::{rated_at, Csat};
use crate::id::Id;
use crate::model::{DealStatus, LeadSource, Pipeline};
use crate::money::MoneyTotals;
use crate::report::board::{forecast, Forecast};
use crate::time::DayRange;

/// How finely a period is cut for a chart over time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Granularity {
    Day,
    /// Seven days from the period's start.
    Week,
    /// Months of the workspace calendar.
    Month,
}

impl Granularity {
    /// The natural cut: days up to 31 days, weeks up to 92 days (13 bars), months beyond.
    pub fn for_period(period: DayRange) -> Granularity {
        match period.days() {
            ..=31 => Granularity::Day,
            32..=92 => Granularity::Week,
            _ => Granularity::Month,
        }
    }
}

/// The period cut into consecutive buckets that cover it exactly: single days; seven days from
/// the start (the last may be shorter); or the months of `calendar`, the first and last cut to
/// the period.
pub fn buckets(period: DayRange, granularity: Granularity, calendar: Calendar) -> Vec<DayRange> {
    let mut out = Vec::new();
    let mut start = period.start;
    while start <= period.end {
        let next = match granularity {
            Granularity::Day => Day(start.0.saturating_add(1)),
            Granularity::Week => Day(start.0.saturating_add(7)),
            Granularity::Month => {
                let (year, month) = month_of(start, calendar);
                first_day_of_month(year, month + 1, calendar)
            }
        };
        let end = Day(next.0.saturating_sub(1)).min(period.end);
        out.push(DayRange { start, end });
        if end == period.end {
            break;
        }
        start = next;
    }
    out
}

/// The bucket holding `day`, in buckets made by [`buckets`].
fn bucket_of(buckets: &[DayRange], day: Day) -> Option<usize> {
    let index = buckets.partition_point(|bucket| bucket.end < day);
    buckets
        .get(index)
        .filter(|bucket| bucket.contains(day))
        .map(|_| index)
}

/// One bar of the revenue chart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RevenuePoint {
    pub bucket: DayRange,
    /// Σ totals of the orders paid in the bucket, per currency.
    pub revenue: MoneyTotals,
    pub orders: u32,
}

/// Revenue over time: the scope's orders (see [`super::revenue`]) summed per bucket. The
/// buckets' revenue adds up to the period's.
pub fn revenue_over_time(
    books: &Books<'_>,
    scope: &Scope,
    granularity: Granularity,
    calendar: Calendar,
) -> Vec<RevenuePoint> {
    let cuts = buckets(scope.period, granularity, calendar);
    let mut points: Vec<RevenuePoint> = cuts
        .iter()
        .map(|bucket| RevenuePoint {
            bucket: *bucket,
            revenue: MoneyTotals::default(),
            orders: 0,
        })
        .collect();
    for order in books.ledger.orders(scope) {
        if let Some(index) = bucket_of(&cuts, order.day) {
            points[index].revenue.add(order.total);
            points[index].orders += 1;
        }
    }
    points
}

/// One point of the CSAT chart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CsatPoint {
    pub bucket: DayRange,
    /// `None` when no ticket of the bucket was rated.
    pub csat: Option<Csat>,
}

/// CSAT over time: the ratings of [`super::csat`] per bucket.
pub fn csat_over_time(
    records: &Records<'_>,
    scope: &Scope,
    granularity: Granularity,
    calendar: Calendar,
) -> Vec<CsatPoint> {
    let cuts = buckets(scope.period, granularity, calendar);
    let mut ratings: Vec<Vec<u8>> = vec![Vec::new(); cuts.len()];
    for ticket in records
        .tickets
        .iter()
        .filter(|ticket| scope.owns(ticket.assignee_id.as_ref()))
    {
        if let (Some(rating), Some(index)) = (
            ticket.csat,
            bucket_of(&cuts, scope.day_of(rated_at(ticket))),
        ) {
            ratings[index].push(rating);
        }
    }
    cuts.into_iter()
        .zip(ratings)
        .map(|(bucket, ratings)| CsatPoint {
            bucket,
            csat: Csat::from_ratings(ratings),
        })
        .collect()
}

/// One stage of the funnel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FunnelStep {
    pub stage_id: Id,
    /// Deals that reached this stage or a later one.
    pub reached: u32,
    /// `reached / reached at the step before`; for the first step, `reached / entered`.
    /// `None` when the step before was reached by no deal.
    pub conversion: Option<Ratio>,
}

/// The deals of one pipeline created in a period, by how far they got.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Funnel {
    /// Deals created in the period.
    pub entered: u32,
    /// The open stages in board order, then the won stages.
    pub steps: Vec<FunnelStep>,
    /// Of the entered deals, those lost by now.
    pub lost: u32,
}

/// The funnel of `pipeline` for the deals created in the period (owner filter applied).
///
/// A deal reached a stage when its stage history (or current stage) entered it or any later
/// step: a deal that skipped "qualified" on its way to "proposal" passed it. Won deals reached
/// every open stage. Lost stages are not steps: losing says nothing about how far the deal got,
/// which its history tells.
pub fn funnel(records: &Records<'_>, scope: &Scope, pipeline: &Pipeline) -> Funnel {
    let steps: Vec<&Id> = pipeline
        .stages
        .iter()
        .filter(|stage| stage.outcome == DealStatus::Open)
        .chain(
            pipeline
                .stages
                .iter()
                .filter(|stage| stage.outcome == DealStatus::Won),
        )
        .map(|stage| &stage.id)
        .collect();
    let position: FxHashMap<&Id, usize> = steps
        .iter()
        .enumerate()
        .map(|(index, id)| (*id, index))
        .collect();
    let mut reached_exactly = vec![0u32; steps.len()];
    let (mut entered, mut lost) = (0, 0);
    for deal in records.deals.iter().filter(|deal| {
        deal.pipeline_id == pipeline.id
            && scope.owns(deal.owner_id.as_ref())
            && scope.contains(deal.created_at)
    }) {
        entered += 1;
        lost += u32::from(deal.status == DealStatus::Lost);
        let furthest = deal
            .stage_history
            .iter()
            .map(|change| &change.to)
            .chain([&deal.stage_id])
            .filter_map(|stage| position.get(stage).copied())
            .max();
        if let Some(furthest) = furthest {
            reached_exactly[furthest] += 1;
        }
    }
    // Reaching a step means passing every step before it.
    let mut reached = reached_exactly;
    for index in (0..reached.len().saturating_sub(1)).rev() {
        reached[index] += reached[index + 1];
    }
    let steps = steps
        .iter()
        .enumerate()
        .map(|(index, stage_id)| FunnelStep {
            stage_id: (*stage_id).clone(),
            reached: reached[index],
            conversion: Ratio::new(
                reached[index],
                index
                    .checked_sub(1)
                    .map_or(entered, |before| reached[before]),
            ),
        })
        .collect();
    Funnel {
        entered,
        steps,
        lost,
    }
}

/// What one lead source brought in the period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceRow {
    /// `None`: contacts with no recorded source, and orders with no contact.
    pub source: Option<LeadSource>,
    /// Contacts created in the period.
    pub leads: u32,
    /// Contacts that became customers in the period (`became_customer_at`).
    pub customers: u32,
    /// Σ totals of the period's orders by contacts from this source, per currency.
    pub revenue: MoneyTotals,
}

/// Leads, new customers and revenue by the contact's lead source: "which channel brings most
/// customers". Sources in [`LeadSource::ALL`] order, then unknown; sources with nothing in the
/// period are left out.
pub fn by_source(books: &Books<'_>, scope: &Scope) -> Vec<SourceRow> {
    let contacts = books.records.contacts;
    let slot = |source: Option<LeadSource>| {
        source.map_or(LeadSource::ALL.len(), |source| {
            LeadSource::ALL
                .iter()
                .position(|candidate| *candidate == source)
                .unwrap_or(LeadSource::ALL.len())
        })
    };
    let mut rows: Vec<SourceRow> = LeadSource::ALL
        .iter()
        .map(|source| Some(*source))
        .chain([None])
        .map(|source| SourceRow {
            source,
            leads: 0,
            customers: 0,
            revenue: MoneyTotals::default(),
        })
        .collect();
    for contact in contacts {
        if !scope.owns(contact.owner_id.as_ref()) {
            continue;
        }
        let row = &mut rows[slot(contact.source)];
        row.leads += u32::from(scope.contains(contact.created_at));
        row.customers += u32::from(
            contact
                .became_customer_at
                .is_some_and(|at| scope.contains(at)),
        );
    }
    for order in books.ledger.orders(scope) {
        let source = books
            .ledger
            .contact_of(order, contacts)
            .and_then(|contact| contact.source);
        rows[slot(source)].revenue.add(order.total);
    }
    rows.retain(|row| row.leads > 0 || row.customers > 0 || !row.revenue.is_empty());
    rows
}

/// The forecast over the months of the period (from the month holding its first day to the
/// month holding its last, in `calendar`): [`crate::report::board::forecast`] over the owner's open
/// deals, with the deals closing before and after in its side buckets.
pub fn forecast_by_month(records: &Records<'_>, scope: &Scope, calendar: Calendar) -> Forecast {
    let (first_year, first_month) = month_of(scope.period.start, calendar);
    let (last_year, last_month) = month_of(scope.period.end, calendar);
    let months = (i64::from(last_year) - i64::from(first_year)) * 12 + i64::from(last_month)
        - i64::from(first_month)
        + 1;
    forecast(
        records.pipelines,
        records
            .deals
            .iter()
            .filter(|deal| scope.owns(deal.owner_id.as_ref())),
        calendar,
        first_year,
        first_month,
        u32::try_from(months).unwrap_or(1),
    )
}
