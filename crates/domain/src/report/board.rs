//! The pipeline board: deals grouped into stage columns with their totals, moving deals between
//! stages, staleness, the forecast by month of expected close, and time spent in each stage.
//!
//! Everything here is pure: the caller passes the current time (`now`, `at`: Unix ms), the
//! calendar and any text it has gathered for search.
//!
//! Amounts are never converted between currencies (the workspace has no exchange rates): every
//! total is a [`MoneyTotals`], one integer amount per currency present, so a board of Toman
//! deals with one dollar deal shows a Toman total and a dollar total.
//!
//! Weighted amounts follow PRODUCT.md's weighted pipeline, `Σ value × probability`: each deal's
//! value (minor units) is multiplied by its stage's `probability_pct` (clamped to 100), the
//! products are summed exactly, and the sum is divided by 100 and rounded half away from zero
//! to the minor unit once, at the end. Each total (a column, the board, a forecast month) is
//! rounded on its own, so the board's weighted total can differ by a minor unit from the sum of
//! its rounded columns; it is the more exact figure.

use crate::sorting::sort_by;
use std::collections::HashMap;

use rustc_hash::FxHashMap;

use thiserror::Error;

use crate::calendar::{first_day_of_month, month_of, Calendar, Day};
use crate::id::Id;
use crate::model::{Activity, Deal, DealStatus, LeadSource, Pipeline, Stage};
use crate::money::{div_round_half_away, saturate, Money, MoneyTotals, PerCurrency};
use crate::search::{normalize, search_text, Query};
use crate::time::MS_PER_DAY;

const PERCENT: i128 = 100;

/// Exact running sums for one group of deals: values, and values × percent (not yet divided).
#[derive(Clone, Debug, Default)]
struct Sums {
    value: PerCurrency<i128>,
    weighted_pct: PerCurrency<i128>,
}

impl Sums {
    fn add(&mut self, value: Money, probability_pct: u8) {
        let minor = i128::from(value.minor);
        let pct = i128::from(probability_pct.min(100));
        *self.value.entry(value.currency) += minor;
        *self.weighted_pct.entry(value.currency) += minor * pct;
    }

    fn merge(&mut self, other: &Sums) {
        for (currency, minor) in other.value.iter() {
            *self.value.entry(currency) += minor;
        }
        for (currency, minor) in other.weighted_pct.iter() {
            *self.weighted_pct.entry(currency) += minor;
        }
    }

    fn value(&self) -> MoneyTotals {
        MoneyTotals::saturated(&self.value)
    }

    fn weighted(&self) -> MoneyTotals {
        MoneyTotals::saturated(
            &self
                .weighted_pct
                .map(|sum| div_round_half_away(sum, PERCENT)),
        )
    }
}

/// Which deals the board shows. The default shows every open deal.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BoardFilter {
    /// Only deals owned by this team member.
    pub owner: Option<Id>,
    /// Only deals with this tag, compared after [`normalize`] (so case, Arabic/Persian letter
    /// forms and ZWNJ do not matter).
    pub tag: Option<String>,
    /// Only deals from this lead source.
    pub source: Option<LeadSource>,
    /// Words that must all occur in the deal's search text (see [`deal_search_text`]).
    pub query: Query,
}

impl BoardFilter {
    /// Whether nothing is filtered out.
    pub fn is_empty(&self) -> bool {
        self.owner.is_none() && self.tag.is_none() && self.source.is_none() && self.query.is_empty()
    }
}

/// A [`BoardFilter`] with its tag normalized once, for testing many deals.
struct PreparedFilter<'f> {
    filter: &'f BoardFilter,
    tag: Option<String>,
}

impl<'f> PreparedFilter<'f> {
    fn new(filter: &'f BoardFilter) -> Self {
        PreparedFilter {
            filter,
            tag: filter.tag.as_deref().map(normalize),
        }
    }

    fn matches<S: AsRef<str>>(&self, deal: &Deal, text: &impl Fn(&Deal) -> S) -> bool {
        let filter = self.filter;
        if filter
            .owner
            .as_ref()
            .is_some_and(|owner| deal.owner_id.as_ref() != Some(owner))
        {
            return false;
        }
        if filter.source.is_some() && deal.source != filter.source {
            return false;
        }
        if let Some(tag) = &self.tag {
            if !deal
                .tags
                .iter()
                .any(|candidate| normalize(candidate) == *tag)
            {
                return false;
            }
        }
        // Last: the text is the only part that may cost the caller something to produce.
        filter.query.is_empty() || filter.query.matches(text(deal).as_ref())
    }
}

/// The text a deal is found by in the board's search box: its title, the names the caller
/// knows it by (company name, contact's full name, …) and phone numbers, in the form
/// [`Query::matches`] expects. Build it once per deal when records load, not per keystroke.
pub fn deal_search_text<'a>(
    deal: &'a Deal,
    names: impl IntoIterator<Item = &'a str>,
    phones: impl IntoIterator<Item = &'a str>,
) -> String {
    search_text(std::iter::once(deal.title.as_str()).chain(names), phones)
}

/// One column of the board: an open stage and its deals.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column<'a> {
    pub stage: &'a Stage,
    /// In card order: see [`Board::build`].
    pub deals: Vec<&'a Deal>,
    /// `Σ value` per currency.
    pub total: MoneyTotals,
    /// `Σ value × stage probability / 100` per currency, rounded once (see the module docs).
    pub weighted: MoneyTotals,
}

impl Column<'_> {
    /// The number of cards in the column.
    pub fn count(&self) -> usize {
        self.deals.len()
    }
}

/// The kanban of one pipeline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Board<'a> {
    /// One per open stage (outcome [`DealStatus::Open`]), in the pipeline's stage order. Won
    /// and lost stages have no column: won and lost deals are off the board.
    pub columns: Vec<Column<'a>>,
    /// Open deals of this pipeline that match the filter but whose stage is not an open stage
    /// of it (the stage was deleted, or a sync merge left an open deal in a won/lost stage). The
    /// view lists them so they can be moved; they are in no total. Same order as a column.
    pub unplaced: Vec<&'a Deal>,
    /// `Σ value` over all columns.
    pub total: MoneyTotals,
    /// `Σ value × probability / 100` over all columns, rounded once.
    pub weighted: MoneyTotals,
}

impl<'a> Board<'a> {
    /// Groups the open deals of `pipeline` that pass `filter` into columns, in one pass over
    /// `deals` (stages are looked up in a hash map), then sorts each column: expected close
    /// first (soonest first, deals without a date last), then larger value first (raw minor
    /// units, a tie-breaker only), then older deal first, then id, so the order is total and
    /// stable across renders.
    ///
    /// `deals` may hold deals of any pipeline and status; only open deals
    /// ([`DealStatus::Open`]) whose `pipeline_id` is this pipeline's are considered.
    /// `text_of` gives a deal's text for `filter.query` (usually a lookup in a map of
    /// [`deal_search_text`]s built once); it is only called when the query has words, and
    /// after the other filters pass.
    ///
    /// Column totals: count = number of deals, total = `Σ value`, weighted =
    /// `round_half_away(Σ value × probability_pct / 100)`, all per currency.
    pub fn build<S: AsRef<str>>(
        pipeline: &'a Pipeline,
        deals: impl IntoIterator<Item = &'a Deal>,
        filter: &BoardFilter,
        text_of: impl Fn(&Deal) -> S,
    ) -> Board<'a> {
        let open_stages: Vec<&'a Stage> = pipeline
            .stages
            .iter()
            .filter(|stage| stage.outcome == DealStatus::Open)
            .collect();
        let column_of: HashMap<&Id, usize> = open_stages
            .iter()
            .enumerate()
            .map(|(index, stage)| (&stage.id, index))
            .collect();
        let mut groups: Vec<(Vec<&'a Deal>, Sums)> =
            open_stages.iter().map(|_| Default::default()).collect();
        let mut unplaced = Vec::new();
        let filter = PreparedFilter::new(filter);

        for deal in deals {
            if !deal.is_open() || deal.pipeline_id != pipeline.id || !filter.matches(deal, &text_of)
            {
                continue;
            }
            match column_of.get(&deal.stage_id) {
                Some(&index) => {
                    let (cards, sums) = &mut groups[index];
                    cards.push(deal);
                    sums.add(deal.value, open_stages[index].probability_pct);
                }
                None => unplaced.push(deal),
            }
        }

        let mut board_sums = Sums::default();
        let columns = open_stages
            .into_iter()
            .zip(groups)
            .map(|(stage, (mut cards, sums))| {
                sort_cards(&mut cards);
                board_sums.merge(&sums);
                Column {
                    stage,
                    deals: cards,
                    total: sums.value(),
                    weighted: sums.weighted(),
                }
            })
            .collect();
        sort_cards(&mut unplaced);
        Board {
            columns,
            unplaced,
            total: board_sums.value(),
            weighted: board_sums.weighted(),
        }
    }

    /// The number of deals in all columns (not counting [`Board::unplaced`]).
    pub fn count(&self) -> usize {
        self.columns.iter().map(Column::count).sum()
    }

    /// Every deal in the columns, column by column in card order: the table view's rows.
    pub fn deals(&self) -> impl Iterator<Item = &'a Deal> + '_ {
        self.columns
            .iter()
            .flat_map(|column| column.deals.iter().copied())
    }
}

fn sort_cards(cards: &mut [&Deal]) {
    sort_by(cards, |a, b| {
        // `None` sorts after every date.
        let close = |deal: &Deal| (deal.expected_close.is_none(), deal.expected_close);
        close(a)
            .cmp(&close(b))
            .then_with(|| b.value.minor.cmp(&a.value.minor))
            .then_with(|| a.created_at.cmp(&b.created_at))
            .then_with(|| a.id.cmp(&b.id))
    });
}

/// Why a deal could not be moved.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum MoveError {
    /// The deal's `pipeline_id` is not the pipeline given.
    #[error("the deal is not in this pipeline")]
    OtherPipeline,
    /// The pipeline has no stage with this id.
    #[error("the pipeline has no stage {0}")]
    UnknownStage(Id),
    /// Moving to a lost stage needs a reason (blank does not count).
    #[error("a lost deal needs a reason")]
    LostReasonRequired,
}

/// The deal after moving it to stage `to` of `pipeline` at `at` (Unix ms) by team member `by`.
///
/// Uses [`Deal::move_to_stage`]: a stage change `{from, to, at, by}` is appended to
/// `stage_history`, `stage_entered_at` becomes `at`, and the status becomes the stage's
/// outcome: a won or lost stage sets `closed_at = at`; an open stage reopens a closed deal
/// (`closed_at` cleared, lost reason cleared).
///
/// A lost stage requires `lost_reason` (trimmed, non-empty), which is stored on the deal;
/// otherwise the reason is ignored. Moving to the deal's current stage records no change, but
/// makes the status agree with the stage (repairing a deal a sync merge left inconsistent) and,
/// for a lost stage, replaces the reason.
pub fn move_deal(
    pipeline: &Pipeline,
    deal: &Deal,
    to: &Id,
    lost_reason: Option<&str>,
    by: Option<Id>,
    at: i64,
) -> Result<Deal, MoveError> {
    if deal.pipeline_id != pipeline.id {
        return Err(MoveError::OtherPipeline);
    }
    let stage = pipeline
        .stage(to)
        .ok_or_else(|| MoveError::UnknownStage(to.clone()))?;
    let reason = lost_reason
        .map(str::trim)
        .filter(|reason| !reason.is_empty());
    if stage.outcome == DealStatus::Lost && reason.is_none() {
        return Err(MoveError::LostReasonRequired);
    }
    let mut moved = deal.clone();
    if moved.stage_id == stage.id {
        if moved.status != stage.outcome {
            moved.status = stage.outcome;
            moved.closed_at = (stage.outcome != DealStatus::Open).then_some(at);
        }
        if stage.outcome != DealStatus::Lost {
            moved.lost_reason.clear();
        }
    } else {
        moved.move_to_stage(stage, at, by);
    }
    if let (DealStatus::Lost, Some(reason)) = (stage.outcome, reason) {
        moved.lost_reason = reason.to_owned();
    }
    Ok(moved)
}

/// The open stage after the deal's stage in board order, for the keyboard's "move right"
/// (left in Persian). Won and lost stages are skipped: closing a deal is an explicit action
/// (the card's won/lost buttons, lost with a reason). `None` at the last open stage, or when
/// the deal's stage is not an open stage of `pipeline`.
pub fn next_stage<'p>(pipeline: &'p Pipeline, deal: &Deal) -> Option<&'p Stage> {
    let (open, index) = open_position(pipeline, deal)?;
    open.get(index + 1).copied()
}

/// The open stage before the deal's stage; see [`next_stage`]. `None` at the first open stage.
pub fn previous_stage<'p>(pipeline: &'p Pipeline, deal: &Deal) -> Option<&'p Stage> {
    let (open, index) = open_position(pipeline, deal)?;
    open.get(index.checked_sub(1)?).copied()
}

fn open_position<'p>(pipeline: &'p Pipeline, deal: &Deal) -> Option<(Vec<&'p Stage>, usize)> {
    let open: Vec<&Stage> = pipeline
        .stages
        .iter()
        .filter(|stage| stage.outcome == DealStatus::Open)
        .collect();
    let index = open.iter().position(|stage| stage.id == deal.stage_id)?;
    Some((open, index))
}

/// Whether an open deal has gone `stale_days` days without being touched.
///
/// The last touch is the latest of `last_activity_at` (the newest activity logged on the deal,
/// see [`last_activity_by_deal`]), `stage_entered_at` (a move counts) and `created_at`. The deal
/// is stale when `now − last touch ≥ stale_days × 24 h`: exactly N days later it is stale, a
/// millisecond earlier it is not. Won and lost deals are never stale, and `stale_days == 0`
/// turns the marking off.
pub fn is_stale(deal: &Deal, last_activity_at: Option<i64>, now: i64, stale_days: u32) -> bool {
    if !deal.is_open() || stale_days == 0 {
        return false;
    }
    let last_touch = last_activity_at
        .unwrap_or(i64::MIN)
        .max(deal.stage_entered_at)
        .max(deal.created_at);
    i128::from(now) - i128::from(last_touch) >= i128::from(stale_days) * i128::from(MS_PER_DAY)
}

/// The time of the newest activity per deal id, in one pass over `activities`; the input of
/// [`is_stale`].
pub fn last_activity_by_deal<'a>(
    activities: impl IntoIterator<Item = &'a Activity>,
) -> LastActivity {
    let mut latest = LastActivity::default();
    for activity in activities {
        if let Some(deal_id) = &activity.deal_id {
            match latest.get_mut(deal_id) {
                Some(at) => *at = (*at).max(activity.at),
                None => {
                    latest.insert(deal_id.clone(), activity.at);
                }
            }
        }
    }
    latest
}

/// The last activity per deal (Unix ms), by deal id. FxHash: the dashboard's stale-deal list
/// builds it over every activity of the workspace.
pub type LastActivity = FxHashMap<Id, i64>;

/// A group of deals in the forecast: how many, their value and weighted value per currency.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ForecastBucket {
    pub count: usize,
    /// `Σ value`.
    pub value: MoneyTotals,
    /// `Σ value × probability / 100`, rounded once per bucket.
    pub weighted: MoneyTotals,
}

impl ForecastBucket {
    /// Counts and sums deals given as their value and stage probability; weighted amounts are
    /// rounded once, as everywhere on the board.
    pub(crate) fn of(deals: impl IntoIterator<Item = (Money, u8)>) -> ForecastBucket {
        let mut count = 0;
        let mut sums = Sums::default();
        for (value, probability_pct) in deals {
            count += 1;
            sums.add(value, probability_pct);
        }
        ForecastBucket {
            count,
            value: sums.value(),
            weighted: sums.weighted(),
        }
    }
}

/// One month of the forecast.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ForecastMonth {
    /// The year and month (1..=12) in the forecast's calendar.
    pub year: i32,
    pub month: u32,
    /// The month's first day, for labels.
    pub first_day: Day,
    pub deals: ForecastBucket,
}

/// Open deals by the month of their expected close.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Forecast {
    /// The requested months, in order.
    pub months: Vec<ForecastMonth>,
    /// Deals expected to close before the first month (overdue forecasts).
    pub earlier: ForecastBucket,
    /// Deals expected to close after the last month.
    pub later: ForecastBucket,
    /// Deals with no expected close date.
    pub undated: ForecastBucket,
}

/// The sales forecast: the open deals among `deals`, grouped by the month (in `calendar`, so
/// Persian users get Jalali months) of their `expected_close`, for `months` months starting
/// with month `first_month` of `first_year` (a month past 12 carries into the next year).
///
/// Per month: count, value = `Σ value`, weighted = `round_half_away(Σ value × p / 100)` where
/// `p` is the `probability_pct` of the deal's stage in its pipeline among `pipelines`; a deal
/// whose pipeline or stage is not found is weighted at 0 % but still counted and valued. Deals
/// closing outside the range and deals without a date go to [`Forecast::earlier`],
/// [`Forecast::later`] and [`Forecast::undated`], so every open deal is in exactly one bucket.
/// Won and lost deals are skipped; to filter by owner, pass only that owner's deals. One pass
/// over `deals`.
pub fn forecast<'a>(
    pipelines: impl IntoIterator<Item = &'a Pipeline>,
    deals: impl IntoIterator<Item = &'a Deal>,
    calendar: Calendar,
    first_year: i32,
    first_month: u32,
    months: u32,
) -> Forecast {
    const EARLIER: usize = 0;
    const LATER: usize = 1;
    const UNDATED: usize = 2;
    let probability: HashMap<(&Id, &Id), u8> = pipelines
        .into_iter()
        .flat_map(|pipeline| {
            pipeline
                .stages
                .iter()
                .map(|stage| ((&pipeline.id, &stage.id), stage.probability_pct))
        })
        .collect();
    let first_index = month_index(first_year, first_month);
    let count = months as usize;
    let mut month_sums: Vec<(usize, Sums)> = vec![Default::default(); count];
    let mut other: [(usize, Sums); 3] = Default::default();

    for deal in deals.into_iter().filter(|deal| deal.is_open()) {
        let pct = probability
            .get(&(&deal.pipeline_id, &deal.stage_id))
            .copied()
            .unwrap_or(0);
        let slot = match deal.expected_close {
            None => &mut other[UNDATED],
            Some(day) => {
                let (year, month) = month_of(day, calendar);
                let offset = month_index(year, month) - first_index;
                if offset < 0 {
                    &mut other[EARLIER]
                } else if offset >= i64::from(months) {
                    &mut other[LATER]
                } else {
                    // 0 <= offset < months, so it fits.
                    &mut month_sums[offset as usize]
                }
            }
        };
        slot.0 += 1;
        slot.1.add(deal.value, pct);
    }

    let bucket = |(count, sums): &(usize, Sums)| ForecastBucket {
        count: *count,
        value: sums.value(),
        weighted: sums.weighted(),
    };
    let months = month_sums
        .iter()
        .enumerate()
        .map(|(offset, sums)| {
            let index = first_index + offset as i64;
            // Any i32 year plus a u32 count of months stays far inside i32 years.
            let (year, month) = (index.div_euclid(12) as i32, index.rem_euclid(12) as u32 + 1);
            ForecastMonth {
                year,
                month,
                first_day: first_day_of_month(year, month, calendar),
                deals: bucket(sums),
            }
        })
        .collect();
    Forecast {
        months,
        earlier: bucket(&other[EARLIER]),
        later: bucket(&other[LATER]),
        undated: bucket(&other[UNDATED]),
    }
}

/// Months since year 0, month 1; a month past 12 carries into the next year.
fn month_index(year: i32, month: u32) -> i64 {
    i64::from(year) * 12 + i64::from(month) - 1
}

/// The time a deal spent in one stage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StageTime {
    pub stage_id: Id,
    /// Total milliseconds over every stay in the stage.
    pub ms: i64,
    /// How many times the deal entered the stage.
    pub entries: u32,
}

impl StageTime {
    /// Whole days, rounded down.
    pub fn days(&self) -> i64 {
        self.ms / MS_PER_DAY
    }
}

/// How long the deal spent in each stage, from its stage history, in order of first entry.
///
/// Each history entry starts a stay in its `to` stage that lasts until the next entry's `at`;
/// the last stay lasts until `now` (for a won or lost deal that is the time since closing, which
/// reports usually skip). A stay with a negative length (clocks of two devices disagreeing)
/// counts as 0. Time before the first recorded entry is unknown and not counted. A deal with no
/// history counts one stay in its current stage from `stage_entered_at`.
pub fn time_in_stages(deal: &Deal, now: i64) -> Vec<StageTime> {
    let stays: Vec<(&Id, i64)> = if deal.stage_history.is_empty() {
        vec![(&deal.stage_id, deal.stage_entered_at)]
    } else {
        deal.stage_history
            .iter()
            .map(|change| (&change.to, change.at))
            .collect()
    };
    let mut out: Vec<StageTime> = Vec::new();
    for (index, (stage_id, start)) in stays.iter().enumerate() {
        let end = stays.get(index + 1).map_or(now, |(_, at)| *at);
        let ms = saturate(i128::from(end) - i128::from(*start)).max(0);
        match out.iter_mut().find(|time| &time.stage_id == *stage_id) {
            Some(time) => {
                time.ms = time.ms.saturating_add(ms);
                time.entries += 1;
            }
            None => out.push(StageTime {
                stage_id: (*stage_id).clone(),
                ms,
                entries: 1,
            }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::{GregorianDate, JalaliDate};
    use crate::model::StageChange;
    use crate::money::Currency;

    const DAY: i64 = MS_PER_DAY;

    fn id(s: &str) -> Id {
        Id::from_string(s)
    }

    fn stage(name: &str, probability_pct: u8, outcome: DealStatus) -> Stage {
        Stage {
            id: id(name),
            name: name.to_owned(),
            probability_pct,
            outcome,
        }
    }

    /// lead 10 % → qualified 25 % → proposal 50 % → won → lost.
    fn pipeline() -> Pipeline {
        Pipeline {
            id: id("sales"),
            name: "Sales".into(),
            stages: vec![
                stage("lead", 10, DealStatus::Open),
                stage("qualified", 25, DealStatus::Open),
                stage("proposal", 50, DealStatus::Open),
                stage("won", 100, DealStatus::Won),
                stage("lost", 0, DealStatus::Lost),
            ],
        }
    }

    fn deal(name: &str, stage_id: &str, toman: i64) -> Deal {
        Deal {
            id: id(name),
            title: name.to_owned(),
            pipeline_id: id("sales"),
            stage_id: id(stage_id),
            value: Money::new(toman, Currency::Toman),
            ..Deal::default()
        }
    }

    fn no_text(_: &Deal) -> &'static str {
        ""
    }

    fn titles(deals: &[&Deal]) -> Vec<String> {
        deals.iter().map(|deal| deal.title.clone()).collect()
    }

    fn toman(totals: &MoneyTotals) -> i64 {
        totals.get(Currency::Toman)
    }

    /// Three deals of 1,000,000 Toman at 25 %, two (1,000,000 and 333,333) at 50 %, one
    /// USD 123.45 at 10 %, and deals that must stay off the board.
    fn fixture() -> Vec<Deal> {
        let mut won = deal("won deal", "won", 9_000_000);
        won.status = DealStatus::Won;
        let mut lost = deal("lost deal", "lost", 9_000_000);
        lost.status = DealStatus::Lost;
        let mut other_pipeline = deal("elsewhere", "qualified", 9_000_000);
        other_pipeline.pipeline_id = id("support");
        let mut usd = deal("usd", "lead", 0);
        usd.value = Money::new(12_345, Currency::Usd);
        vec![
            deal("q1", "qualified", 1_000_000),
            deal("q2", "qualified", 1_000_000),
            deal("q3", "qualified", 1_000_000),
            deal("p1", "proposal", 1_000_000),
            deal("p2", "proposal", 333_333),
            usd,
            won,
            lost,
            other_pipeline,
            deal("orphan", "deleted-stage", 5_000_000),
        ]
    }

    #[test]
    fn columns_count_and_total_their_deals() {
        let pipeline = pipeline();
        let deals = fixture();
        let board = Board::build(&pipeline, &deals, &BoardFilter::default(), no_text);

        let names: Vec<&str> = board
            .columns
            .iter()
            .map(|c| c.stage.name.as_str())
            .collect();
        assert_eq!(names, ["lead", "qualified", "proposal"]);
        let [lead, qualified, proposal] = &board.columns[..] else {
            panic!("three columns")
        };

        assert_eq!(qualified.count(), 3);
        assert_eq!(toman(&qualified.total), 3_000_000);
        // 3 × 1,000,000 × 25 / 100
        assert_eq!(toman(&qualified.weighted), 750_000);

        assert_eq!(proposal.count(), 2);
        assert_eq!(toman(&proposal.total), 1_333_333);
        // (1,000,000 + 333,333) × 50 / 100 = 666,666.5 → 666,667
        assert_eq!(toman(&proposal.weighted), 666_667);

        assert_eq!(lead.count(), 1);
        assert_eq!(lead.total.get(Currency::Toman), 0);
        assert_eq!(lead.total.get(Currency::Usd), 12_345);
        // 12,345 × 10 / 100 = 1,234.5 → 1,235 cents
        assert_eq!(lead.weighted.get(Currency::Usd), 1_235);
        assert_eq!(
            lead.total.display(Currency::Toman),
            [
                Money::new(0, Currency::Toman),
                Money::new(12_345, Currency::Usd)
            ]
        );

        assert_eq!(board.count(), 6);
        assert_eq!(toman(&board.total), 4_333_333);
        // 750,000 + 666,666.5 = 1,416,666.5 → 1,416,667, rounded once.
        assert_eq!(toman(&board.weighted), 1_416_667);
        assert_eq!(board.weighted.get(Currency::Usd), 1_235);
        assert_eq!(titles(&board.unplaced), ["orphan"]);
        assert_eq!(board.deals().count(), 6);
    }

    #[test]
    fn weighted_rounds_half_away_from_zero_once() {
        assert_eq!(div_round_half_away(50, 100), 1);
        assert_eq!(div_round_half_away(49, 100), 0);
        assert_eq!(div_round_half_away(-50, 100), -1);
        assert_eq!(div_round_half_away(-149, 100), -1);
        // Three deals of 1 Toman at 50 %: 1.5 → 2, not 3 × round(0.5).
        let pipeline = pipeline();
        let deals: Vec<Deal> = (0..3)
            .map(|i| deal(&format!("d{i}"), "proposal", 1))
            .collect();
        let board = Board::build(&pipeline, &deals, &BoardFilter::default(), no_text);
        assert_eq!(toman(&board.columns[2].weighted), 2);
    }

    #[test]
    fn cards_sort_by_close_date_then_value() {
        let pipeline = pipeline();
        let mut soon_small = deal("soon small", "lead", 10);
        soon_small.expected_close = Some(Day(100));
        let mut soon_big = deal("soon big", "lead", 20);
        soon_big.expected_close = Some(Day(100));
        let mut later = deal("later", "lead", 1_000);
        later.expected_close = Some(Day(200));
        let undated = deal("undated", "lead", 5_000);
        let deals = [undated, later, soon_small, soon_big];
        let board = Board::build(&pipeline, &deals, &BoardFilter::default(), no_text);
        assert_eq!(
            titles(&board.columns[0].deals),
            ["soon big", "soon small", "later", "undated"]
        );
    }

    #[test]
    fn filters_narrow_the_board() {
        let pipeline = pipeline();
        let mut a = deal("a", "lead", 100);
        a.owner_id = Some(id("sara"));
        a.tags = vec!["VIP".into()];
        a.source = Some(LeadSource::Instagram);
        let mut b = deal("b", "qualified", 200);
        b.owner_id = Some(id("reza"));
        b.tags = vec!["کليدی".into()]; // Arabic yeh
        b.source = Some(LeadSource::Referral);
        let c = deal("c", "proposal", 300);
        let deals = [a, b, c];
        let texts: HashMap<Id, String> = [
            (
                id("a"),
                deal_search_text(&deals[0], ["Acme Trading"], ["0912 345 6789"]),
            ),
            (
                id("b"),
                deal_search_text(&deals[1], ["شرکت آریا", "علی رضایی"], []),
            ),
            (id("c"), deal_search_text(&deals[2], [], [])),
        ]
        .into_iter()
        .collect();
        let text = |deal: &Deal| texts.get(&deal.id).map_or("", String::as_str);
        let shown = |filter: BoardFilter| {
            let board = Board::build(&pipeline, &deals, &filter, text);
            let mut names: Vec<String> = board.deals().map(|d| d.title.clone()).collect();
            names.sort();
            (names, toman(&board.total))
        };

        assert_eq!(shown(BoardFilter::default()).0, ["a", "b", "c"]);
        let by_owner = BoardFilter {
            owner: Some(id("reza")),
            ..Default::default()
        };
        assert_eq!(shown(by_owner), (vec!["b".to_owned()], 200));
        let by_tag = BoardFilter {
            tag: Some("vip".into()),
            ..Default::default()
        };
        assert_eq!(shown(by_tag).0, ["a"]);
        let by_persian_tag = BoardFilter {
            tag: Some("کلیدی".into()), // Persian yeh
            ..Default::default()
        };
        assert_eq!(shown(by_persian_tag).0, ["b"]);
        let by_source = BoardFilter {
            source: Some(LeadSource::Referral),
            ..Default::default()
        };
        assert_eq!(shown(by_source).0, ["b"]);
        for (query, expected) in [
            ("acme", vec!["a"]),
            ("علي", vec!["b"]), // Arabic yeh finds Persian yeh
            ("0912345", vec!["a"]),
            ("c", vec!["a", "c"]), // "acme" and the title "c"
            ("nothing", vec![]),
        ] {
            let filter = BoardFilter {
                query: Query::parse(query),
                ..Default::default()
            };
            assert_eq!(shown(filter).0, expected, "{query}");
        }
        let combined = BoardFilter {
            owner: Some(id("sara")),
            query: Query::parse("آریا"),
            ..Default::default()
        };
        assert!(!combined.is_empty());
        assert_eq!(shown(combined).0, Vec::<String>::new());
    }

    #[test]
    fn moving_forward_and_back_records_history_in_order() {
        let pipeline = pipeline();
        let start = deal("d", "lead", 100);
        let sara = Some(id("sara"));
        let step1 = move_deal(&pipeline, &start, &id("qualified"), None, sara.clone(), 10).unwrap();
        let step2 = move_deal(&pipeline, &step1, &id("proposal"), None, None, 20).unwrap();
        let step3 = move_deal(&pipeline, &step2, &id("qualified"), None, sara.clone(), 30).unwrap();
        assert!(start.stage_history.is_empty());
        assert_eq!(step3.stage_id, id("qualified"));
        assert_eq!(step3.stage_entered_at, 30);
        assert!(step3.is_open());
        assert_eq!(
            step3.stage_history,
            [
                StageChange {
                    from: Some(id("lead")),
                    to: id("qualified"),
                    at: 10,
                    by: sara.clone()
                },
                StageChange {
                    from: Some(id("qualified")),
                    to: id("proposal"),
                    at: 20,
                    by: None
                },
                StageChange {
                    from: Some(id("proposal")),
                    to: id("qualified"),
                    at: 30,
                    by: sara
                },
            ]
        );
        // Moving to the current stage records nothing.
        let same = move_deal(&pipeline, &step3, &id("qualified"), None, None, 40).unwrap();
        assert_eq!(same, step3);
    }

    #[test]
    fn winning_and_losing() {
        let pipeline = pipeline();
        let open = deal("d", "proposal", 100);

        let won = move_deal(&pipeline, &open, &id("won"), None, None, 50).unwrap();
        assert_eq!(won.status, DealStatus::Won);
        assert_eq!(won.closed_at, Some(50));
        assert_eq!(won.stage_id, id("won"));

        for blank in [None, Some(""), Some("  ")] {
            assert_eq!(
                move_deal(&pipeline, &open, &id("lost"), blank, None, 60),
                Err(MoveError::LostReasonRequired)
            );
        }
        let lost = move_deal(&pipeline, &open, &id("lost"), Some(" price "), None, 60).unwrap();
        assert_eq!(lost.status, DealStatus::Lost);
        assert_eq!(lost.closed_at, Some(60));
        assert_eq!(lost.lost_reason, "price");
        let new_reason = move_deal(&pipeline, &lost, &id("lost"), Some("timing"), None, 70);
        assert_eq!(new_reason.unwrap().lost_reason, "timing");

        // Reopening clears the outcome.
        let reopened = move_deal(&pipeline, &lost, &id("lead"), Some("x"), None, 80).unwrap();
        assert_eq!(reopened.status, DealStatus::Open);
        assert_eq!(reopened.closed_at, None);
        assert_eq!(reopened.lost_reason, "");
        assert_eq!(reopened.stage_history.len(), 2);

        assert_eq!(
            move_deal(&pipeline, &open, &id("nowhere"), None, None, 90),
            Err(MoveError::UnknownStage(id("nowhere")))
        );
        let mut elsewhere = open.clone();
        elsewhere.pipeline_id = id("support");
        assert_eq!(
            move_deal(&pipeline, &elsewhere, &id("won"), None, None, 90),
            Err(MoveError::OtherPipeline)
        );
    }

    #[test]
    fn moving_to_the_current_stage_repairs_the_status() {
        let pipeline = pipeline();
        let mut odd = deal("d", "won", 100);
        odd.status = DealStatus::Open;
        let fixed = move_deal(&pipeline, &odd, &id("won"), None, None, 5).unwrap();
        assert_eq!((fixed.status, fixed.closed_at), (DealStatus::Won, Some(5)));
        assert!(fixed.stage_history.is_empty());
    }

    #[test]
    fn keyboard_moves_stay_among_open_stages() {
        let pipeline = pipeline();
        let name = |stage: Option<&Stage>| stage.map(|stage| stage.name.clone());
        let lead = deal("d", "lead", 0);
        let proposal = deal("d", "proposal", 0);
        assert_eq!(name(next_stage(&pipeline, &lead)), Some("qualified".into()));
        assert_eq!(name(previous_stage(&pipeline, &lead)), None);
        assert_eq!(name(next_stage(&pipeline, &proposal)), None);
        assert_eq!(
            name(previous_stage(&pipeline, &proposal)),
            Some("qualified".into())
        );
        assert_eq!(next_stage(&pipeline, &deal("d", "won", 0)), None);
        assert_eq!(previous_stage(&pipeline, &deal("d", "gone", 0)), None);
    }

    #[test]
    fn staleness_edges() {
        let mut d = deal("d", "lead", 0);
        d.created_at = 0;
        d.stage_entered_at = DAY;
        let days = 14;
        // Last touch is the stage move on day 1 when nothing was logged.
        assert!(!is_stale(&d, None, 15 * DAY - 1, days));
        assert!(is_stale(&d, None, 15 * DAY, days));
        // A newer activity resets the clock; an older one does not.
        assert!(!is_stale(&d, Some(5 * DAY), 15 * DAY, days));
        assert!(is_stale(&d, Some(19 * DAY), 33 * DAY, days));
        assert!(is_stale(&d, Some(0), 15 * DAY, days));
        // Off, and closed deals are never stale.
        assert!(!is_stale(&d, None, 1_000 * DAY, 0));
        d.status = DealStatus::Won;
        assert!(!is_stale(&d, None, 1_000 * DAY, days));
        // Extreme inputs do not overflow.
        let open = deal("e", "lead", 0);
        assert!(is_stale(&open, Some(i64::MIN), i64::MAX, u32::MAX));
    }

    #[test]
    fn last_activity_is_the_newest_per_deal() {
        let activity = |deal: Option<&str>, at: i64| Activity {
            deal_id: deal.map(id),
            at,
            ..Activity::default()
        };
        let activities = [
            activity(Some("a"), 5),
            activity(Some("b"), 7),
            activity(Some("a"), 9),
            activity(Some("a"), 3),
            activity(None, 100),
        ];
        let latest = last_activity_by_deal(&activities);
        assert_eq!(latest.len(), 2);
        assert_eq!(latest[&id("a")], 9);
        assert_eq!(latest[&id("b")], 7);
    }

    fn closing(name: &str, stage_id: &str, toman: i64, day: Option<Day>) -> Deal {
        Deal {
            expected_close: day,
            ..deal(name, stage_id, toman)
        }
    }

    #[test]
    fn forecast_splits_at_a_jalali_month_boundary() {
        let jalali = |y, m, d| JalaliDate::new(y, m, d).unwrap().to_day();
        let mut won = closing("won", "won", 7, Some(jalali(1403, 1, 15)));
        won.status = DealStatus::Won;
        let mut unknown = closing("unknown", "gone", 1_000, Some(jalali(1403, 2, 10)));
        unknown.pipeline_id = id("deleted");
        let deals = [
            closing(
                "end of Farvardin",
                "qualified",
                1_000_000,
                Some(jalali(1403, 1, 31)),
            ),
            closing(
                "start of Ordibehesht",
                "proposal",
                1_000_000,
                Some(jalali(1403, 2, 1)),
            ),
            closing(
                "late Ordibehesht",
                "qualified",
                1_000_000,
                Some(jalali(1403, 2, 31)),
            ),
            closing("Esfand before", "lead", 500, Some(jalali(1402, 12, 29))),
            closing("Khordad after", "lead", 700, Some(jalali(1403, 3, 1))),
            closing("undated", "proposal", 3_001, None),
            unknown,
            won,
        ];
        let f = forecast([&pipeline()], &deals, Calendar::Jalali, 1403, 1, 2);

        let [farvardin, ordibehesht] = &f.months[..] else {
            panic!("two months")
        };
        assert_eq!((farvardin.year, farvardin.month), (1403, 1));
        assert_eq!(farvardin.first_day, jalali(1403, 1, 1));
        assert_eq!(farvardin.deals.count, 1);
        assert_eq!(toman(&farvardin.deals.value), 1_000_000);
        assert_eq!(toman(&farvardin.deals.weighted), 250_000);

        assert_eq!((ordibehesht.year, ordibehesht.month), (1403, 2));
        assert_eq!(ordibehesht.first_day, jalali(1403, 2, 1));
        assert_eq!(ordibehesht.deals.count, 3);
        // 1,000,000 + 1,000,000 + 1,000 (unknown stage, weighted at 0 %)
        assert_eq!(toman(&ordibehesht.deals.value), 2_001_000);
        // 1,000,000 × 50 % + 1,000,000 × 25 %
        assert_eq!(toman(&ordibehesht.deals.weighted), 750_000);

        assert_eq!(f.earlier.count, 1);
        assert_eq!(toman(&f.earlier.weighted), 50);
        assert_eq!(f.later.count, 1);
        assert_eq!(toman(&f.later.weighted), 70);
        assert_eq!(f.undated.count, 1);
        assert_eq!(toman(&f.undated.value), 3_001);
        // 3,001 × 50 / 100 = 1,500.5 → 1,501
        assert_eq!(toman(&f.undated.weighted), 1_501);
    }

    #[test]
    fn forecast_splits_at_a_gregorian_month_boundary_and_crosses_years() {
        let gregorian = |y, m, d| GregorianDate::new(y, m, d).unwrap().to_day();
        let deals = [
            closing("jan 31", "proposal", 1_000, Some(gregorian(2024, 1, 31))),
            closing("feb 1", "proposal", 2_000, Some(gregorian(2024, 2, 1))),
            closing("dec 31", "lead", 3_000, Some(gregorian(2023, 12, 31))),
        ];
        // December 2023 .. February 2024, written as month 12 of 2023 for three months.
        let f = forecast([&pipeline()], &deals, Calendar::Gregorian, 2023, 12, 3);
        let months: Vec<(i32, u32, usize, i64, i64)> = f
            .months
            .iter()
            .map(|m| {
                let d = &m.deals;
                (
                    m.year,
                    m.month,
                    d.count,
                    toman(&d.value),
                    toman(&d.weighted),
                )
            })
            .collect();
        assert_eq!(
            months,
            [
                (2023, 12, 1, 3_000, 300),
                (2024, 1, 1, 1_000, 500),
                (2024, 2, 1, 2_000, 1_000),
            ]
        );
        // The same deals by Jalali month: 31 Dec 2023 is 10 Dey 1402; 31 Jan and 1 Feb 2024
        // are 11 and 12 Bahman 1402, the same month.
        let f = forecast([&pipeline()], &deals, Calendar::Jalali, 1402, 10, 2);
        assert_eq!(f.months[0].deals.count, 1);
        assert_eq!(f.months[1].deals.count, 2);
        // A month past 12 carries into the next year.
        let f = forecast([&pipeline()], &deals, Calendar::Gregorian, 2023, 13, 1);
        assert_eq!((f.months[0].year, f.months[0].month), (2024, 1));
        assert_eq!(f.earlier.count, 1);
        assert_eq!(f.later.count, 1);
    }

    #[test]
    fn time_in_stages_follows_the_history() {
        let pipeline = pipeline();
        let d = deal("d", "", 0);
        let d = move_deal(&pipeline, &d, &id("lead"), None, None, 0).unwrap();
        let d = move_deal(&pipeline, &d, &id("qualified"), None, None, 2 * DAY).unwrap();
        let d = move_deal(&pipeline, &d, &id("lead"), None, None, 5 * DAY).unwrap();
        let d = move_deal(&pipeline, &d, &id("proposal"), None, None, 6 * DAY).unwrap();
        assert_eq!(d.stage_history[0].from, None);
        let times = time_in_stages(&d, 10 * DAY + 1);
        let summary: Vec<(String, i64, u32)> = times
            .iter()
            .map(|t| (t.stage_id.to_string(), t.days(), t.entries))
            .collect();
        assert_eq!(
            summary,
            [
                ("lead".to_owned(), 3, 2),
                ("qualified".to_owned(), 3, 1),
                ("proposal".to_owned(), 4, 1),
            ]
        );
        assert_eq!(times[2].ms, 4 * DAY + 1);

        // No history: the current stay only; clock skew counts as 0.
        let mut fresh = deal("f", "lead", 0);
        fresh.stage_entered_at = 3 * DAY;
        assert_eq!(
            time_in_stages(&fresh, 5 * DAY),
            [StageTime {
                stage_id: id("lead"),
                ms: 2 * DAY,
                entries: 1
            }]
        );
        assert_eq!(time_in_stages(&fresh, DAY)[0].ms, 0);
    }

    #[test]
    fn five_thousand_deals_group_in_one_pass() {
        let pipeline = pipeline();
        let stages = ["lead", "qualified", "proposal"];
        let deals: Vec<Deal> = (0..5_000)
            .map(|i| {
                let mut d = deal(&format!("d{i:05}"), stages[i % 3], 1_000);
                d.expected_close = Some(Day((i % 97) as i32));
                d
            })
            .collect();
        let filter = BoardFilter {
            query: Query::parse("d0"),
            ..Default::default()
        };
        let texts: HashMap<&Id, String> = deals
            .iter()
            .map(|d| (&d.id, deal_search_text(d, [], [])))
            .collect();
        let board = Board::build(&pipeline, &deals, &filter, |d: &Deal| {
            texts.get(&d.id).map_or("", String::as_str)
        });
        assert_eq!(board.count(), 5_000);
        assert_eq!(board.columns[0].count(), 1_667);
        assert_eq!(toman(&board.total), 5_000_000);
        // 1,667 × 100 + 1,667 × 250 + 1,666 × 500 Toman.
        assert_eq!(toman(&board.weighted), 166_700 + 416_750 + 833_000);
        for column in &board.columns {
            assert!(column
                .deals
                .windows(2)
                .all(|pair| pair[0].expected_close <= pair[1].expected_close));
        }
    }

    proptest::proptest! {
        #[test]
        fn every_open_deal_is_counted_once(
            spec in proptest::collection::vec((0usize..6, 0i64..10_000_000, proptest::option::of(-400i32..400)), 0..60)
        ) {
            let stages = ["lead", "qualified", "proposal", "won", "lost", "gone"];
            let deals: Vec<Deal> = spec
                .iter()
                .enumerate()
                .map(|(i, &(stage, value, close))| {
                    let mut d = closing(&format!("d{i}"), stages[stage], value, close.map(Day));
                    d.status = match stage {
                        3 => DealStatus::Won,
                        4 => DealStatus::Lost,
                        _ => DealStatus::Open,
                    };
                    d
                })
                .collect();
            let open: Vec<&Deal> = deals.iter().filter(|d| d.is_open()).collect();
            let pipeline = pipeline();
            let board = Board::build(&pipeline, &deals, &BoardFilter::default(), no_text);
            proptest::prop_assert_eq!(board.count() + board.unplaced.len(), open.len());
            let placed: i64 = board.deals().map(|d| d.value.minor).sum();
            proptest::prop_assert_eq!(toman(&board.total), placed);
            let column_sum: i64 = board.columns.iter().map(|c| toman(&c.total)).sum();
            proptest::prop_assert_eq!(column_sum, placed);
            // Rounding once per column: the board differs by at most half a unit per column.
            let weighted_sum: i64 = board.columns.iter().map(|c| toman(&c.weighted)).sum();
            proptest::prop_assert!((weighted_sum - toman(&board.weighted)).abs() <= 2);

            let f = forecast([&pipeline], &deals, Calendar::Gregorian, 1970, 1, 6);
            let buckets = f.months.iter().map(|m| &m.deals).chain([&f.earlier, &f.later, &f.undated]);
            let (count, value) = buckets.fold((0, 0), |(n, v), b| (n + b.count, v + toman(&b.value)));
            proptest::prop_assert_eq!(count, open.len());
            proptest::prop_assert_eq!(value, open.iter().map(|d| d.value.minor).sum::<i64>());
        }
    }
}
