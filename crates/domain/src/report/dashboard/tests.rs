//! Every KPI against small hand-computed fixtures. Days are Gregorian 2024 unless named
//! otherwise; instants are at noon UTC, so whole-day differences are exact.

use super::lists::*;
use super::series::*;
use super::*;
use crate::calendar::{GregorianDate, JalaliDate};
use crate::model::{
    ActivityKind, InvoiceKind, InvoiceStatus, LeadSource, LineItem, Priority, Stage, StageChange,
    TicketStatus,
};
use proptest::prelude::*;

const HOUR: i64 = 3_600_000;
const TOMAN: Currency = Currency::Toman;

fn day(month: u32, day: u32) -> Day {
    GregorianDate::new(2024, month, day).unwrap().to_day()
}

fn jalali(year: i32, month: u32, day: u32) -> Day {
    JalaliDate::new(year, month, day).unwrap().to_day()
}

/// Noon of a day of 2024.
fn at(month: u32, d: u32) -> i64 {
    noon(day(month, d))
}

fn noon(day: Day) -> i64 {
    day.to_unix_ms() + 12 * HOUR
}

fn id(s: &str) -> Id {
    Id::from_string(s)
}

fn scope(start: Day, end: Day) -> Scope {
    Scope {
        period: DayRange::new(start, end),
        owner: None,
        currency: TOMAN,
        dormant_days: 30,
        zone: Zone::default(),
    }
}

fn march() -> Scope {
    scope(day(3, 1), day(3, 31))
}

fn owned_by(mut scope: Scope, owner: &str) -> Scope {
    scope.owner = Some(id(owner));
    scope
}

fn line(minor: i64) -> LineItem {
    LineItem {
        description: "item".into(),
        unit_price_minor: minor,
        ..LineItem::default()
    }
}

/// A paid invoice of `minor` Toman by `contact`, paid at `paid`.
fn order(name: &str, contact: &str, paid: i64, minor: i64) -> Invoice {
    Invoice {
        id: id(name),
        contact_id: Some(id(contact)),
        lines: vec![line(minor)],
        issue_date: Some(Day::from_unix_ms(paid)),
        status: InvoiceStatus::Paid,
        paid_at: Some(paid),
        created_at: paid,
        ..Invoice::default()
    }
}

fn contact(name: &str) -> Contact {
    Contact {
        id: id(name),
        first_name: name.into(),
        ..Contact::default()
    }
}

fn records<'a>(contacts: &'a [Contact], invoices: &'a [Invoice]) -> Records<'a> {
    Records {
        contacts,
        invoices,
        ..Records::default()
    }
}

/// Records with their ledger, prepared once as the dashboard does.
struct Prepared<'a> {
    records: Records<'a>,
    ledger: Ledger,
}

impl<'a> Prepared<'a> {
    fn new(records: Records<'a>) -> Self {
        Prepared {
            ledger: Ledger::new(&records, &Zone::default()),
            records,
        }
    }

    fn books(&self) -> Books<'_> {
        Books {
            records: self.records,
            ledger: &self.ledger,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Periods
// ---------------------------------------------------------------------------------------------

#[test]
fn gregorian_presets_and_previous_periods() {
    let today = day(3, 15);
    let cal = Calendar::Gregorian;
    let this_month = Preset::ThisMonth.range(today, cal);
    assert_eq!(this_month, DayRange::new(day(3, 1), day(3, 15)));
    // 15 days right before, through the leap day.
    assert_eq!(this_month.previous(), DayRange::new(day(2, 15), day(2, 29)));
    assert_eq!(
        Preset::LastMonth.range(today, cal),
        DayRange::new(day(2, 1), day(2, 29))
    );
    assert_eq!(
        Preset::ThisQuarter.range(today, cal),
        DayRange::new(day(1, 1), today)
    );
    assert_eq!(
        Preset::ThisYear.range(day(7, 4), cal),
        DayRange::new(day(1, 1), day(7, 4))
    );
    assert_eq!(DayRange::new(day(3, 9), day(3, 2)).days(), 8);
}

#[test]
fn jalali_presets_cross_from_esfand_into_farvardin() {
    // 10 Farvardin 1403 is 29 March 2024; Esfand 1402 had 29 days.
    let today = jalali(1403, 1, 10);
    assert_eq!(today, day(3, 29));
    let cal = Calendar::Jalali;
    let this_month = Preset::ThisMonth.range(today, cal);
    assert_eq!(this_month, DayRange::new(jalali(1403, 1, 1), today));
    assert_eq!(
        this_month.previous(),
        DayRange::new(jalali(1402, 12, 20), jalali(1402, 12, 29))
    );
    assert_eq!(
        Preset::LastMonth.range(today, cal),
        DayRange::new(jalali(1402, 12, 1), jalali(1402, 12, 29))
    );
    // The Jalali quarter and year both start on Nowruz.
    for preset in [Preset::ThisQuarter, Preset::ThisYear] {
        assert_eq!(preset.range(today, cal).start, jalali(1403, 1, 1));
    }
    assert_eq!(
        Preset::ThisQuarter.range(jalali(1403, 5, 2), cal).start,
        jalali(1403, 4, 1)
    );
}

#[test]
fn change_against_the_previous_period() {
    assert_eq!(
        Change::between(150.0, 100.0),
        Change {
            absolute: 50.0,
            percent: Some(50.0)
        }
    );
    assert_eq!(Change::between(5.0, 0.0).percent, None);
    assert_eq!(Change::between(-5.0, -10.0).percent, Some(50.0));
}

// ---------------------------------------------------------------------------------------------
// Sales
// ---------------------------------------------------------------------------------------------

fn sales_invoices() -> Vec<Invoice> {
    let mut mine = order("i2", "b", at(3, 10), 2_001);
    mine.owner_id = Some(id("m1"));
    let mut dollars = order("i3", "b", at(3, 5), 500);
    dollars.currency = Currency::Usd;
    let mut unpaid = order("i4", "b", at(3, 3), 999);
    unpaid.status = InvoiceStatus::Sent;
    let mut quote = order("i5", "b", at(3, 3), 777);
    quote.kind = InvoiceKind::Quote;
    vec![
        order("i1", "a", at(3, 2), 1_000),
        mine,
        dollars,
        unpaid,
        quote,
        order("i6", "a", at(2, 20), 4_000),
    ]
}

#[test]
fn revenue_orders_and_average_order_value() {
    let invoices = sales_invoices();
    let records = records(&[], &invoices);
    let prepared = Prepared::new(records);
    let books = prepared.books();
    let scope = scope(day(3, 1), day(3, 15));
    let revenue = revenue(&books, &scope);
    assert_eq!(
        (revenue.get(TOMAN), revenue.get(Currency::Usd)),
        (3_001, 500)
    );
    assert_eq!(order_count(&books, &scope), 3);
    // Toman orders only: 3 001 / 2 = 1 500.5, rounded half away from zero.
    assert_eq!(
        average_order_value(&books, &scope),
        Some(Money::new(1_501, TOMAN))
    );
    let mine = owned_by(scope.clone(), "m1");
    assert_eq!(revenue_of(&books, &mine), 2_001);
    assert_eq!(
        average_order_value(&books, &mine),
        Some(Money::new(2_001, TOMAN))
    );

    // The previous 15 days, 15–29 February, hold the 4 000 order.
    let aov = compare(&scope, |s| average_order_value(&books, s));
    assert_eq!(aov.previous, Some(Money::new(4_000, TOMAN)));
    let change = aov.change.unwrap();
    assert_eq!(change.absolute, -2_499.0);
    assert!((change.percent.unwrap() + 62.475).abs() < 1e-9);

    let revenue_change = compare(&scope, |s| Some(super::revenue(&books, s)));
    assert_eq!(revenue_change.change.unwrap().absolute, -999.0);
}

fn revenue_of(books: &Books<'_>, scope: &Scope) -> i64 {
    revenue(books, scope).get(TOMAN)
}

#[test]
fn empty_periods_have_no_data_never_nan() {
    let invoices = sales_invoices();
    let deals = closed_deals();
    let records = Records {
        invoices: &invoices,
        deals: &deals,
        ..Records::default()
    };
    let prepared = Prepared::new(records);
    let books = prepared.books();
    let empty = scope(day(6, 1), day(6, 30));
    assert!(revenue(&books, &empty).is_empty());
    assert_eq!(average_order_value(&books, &empty), None);
    assert_eq!(win_rate(&books, &empty), None);
    assert_eq!(sales_cycle(&books, &empty), None);
    assert_eq!(lead_conversion_rate(&books, &empty), None);
    assert_eq!(churn_rate(&books, &empty), None);
    assert_eq!(csat(&books, &empty), None);
    // The prediction learns from the year before the period's end: June still has March's
    // orders, December 2023 has none.
    assert!(predicted_lifetime_value(&books, &empty).is_some());
    let before_any = scope(Day(day(1, 1).0 - 31), Day(day(1, 1).0 - 1));
    assert_eq!(predicted_lifetime_value(&books, &before_any), None);
    let compared = compare(&empty, |s| win_rate(&books, s));
    assert_eq!((compared.current, compared.change), (None, None));
    assert_eq!(Ratio::new(0, 0), None);
}

fn closed_deal(name: &str, status: DealStatus, created: i64, closed: i64) -> Deal {
    Deal {
        id: id(name),
        title: name.into(),
        status,
        created_at: created,
        closed_at: Some(closed),
        lost_reason: "price".into(),
        ..Deal::default()
    }
}

fn closed_deals() -> Vec<Deal> {
    let mut mine = closed_deal("b", DealStatus::Won, at(3, 1), at(3, 4));
    mine.owner_id = Some(id("m1"));
    vec![
        closed_deal("a", DealStatus::Won, at(2, 1), at(3, 3)),
        mine,
        closed_deal("c", DealStatus::Won, at(1, 1), at(3, 6)),
        closed_deal("d", DealStatus::Lost, at(2, 1), at(3, 5)),
        closed_deal("e", DealStatus::Won, at(2, 1), at(2, 20)),
        Deal {
            id: id("open"),
            created_at: at(3, 1),
            ..Deal::default()
        },
    ]
}

#[test]
fn win_rate_and_sales_cycle() {
    let deals = closed_deals();
    let records = Records {
        deals: &deals,
        ..Records::default()
    };
    let prepared = Prepared::new(records);
    let books = prepared.books();
    let first_half = scope(day(3, 1), day(3, 15));
    assert_eq!(win_rate(&books, &first_half), Ratio::new(3, 4));
    assert_eq!(win_rate(&books, &first_half.previous()), Ratio::new(1, 1));
    assert_eq!(
        win_rate(&books, &owned_by(first_half.clone(), "m1")),
        Ratio::new(1, 1)
    );
    let change = compare(&first_half, |s| win_rate(&books, s))
        .change
        .unwrap();
    assert_eq!(change.absolute, -0.25);

    // Won in the period after 31, 3 and 65 days.
    assert_eq!(
        sales_cycle(&books, &first_half),
        Some(SalesCycle {
            deals: 3,
            mean_days: 33.0,
            median_days: 31.0
        })
    );
    // Two deals: the median is the mean of the middle two.
    let early = scope(day(3, 1), day(3, 4));
    assert_eq!(sales_cycle(&books, &early).unwrap().median_days, 17.0);
}

#[test]
fn lead_conversion_counts_the_period_leads_that_converted_by_its_end() {
    let made = |name: &str, created: i64, customer: Option<i64>| Contact {
        created_at: created,
        became_customer_at: customer,
        ..contact(name)
    };
    let mut mine = made("c3", at(3, 20), None);
    mine.owner_id = Some(id("m1"));
    let contacts = [
        made("c1", at(3, 2), Some(at(3, 10))),
        made("c2", at(3, 5), Some(at(4, 1))),
        mine,
        made("c4", at(2, 20), Some(at(3, 1))),
    ];
    let records = records(&contacts, &[]);
    let prepared = Prepared::new(records);
    let books = prepared.books();
    assert_eq!(lead_conversion_rate(&books, &march()), Ratio::new(1, 3));
    assert_eq!(
        lead_conversion_rate(&books, &owned_by(march(), "m1")),
        Ratio::new(0, 1)
    );
}

#[test]
fn pipeline_value_is_the_open_pipeline_at_the_period_end() {
    let pipeline = Pipeline {
        id: id("p"),
        name: "Sales".into(),
        stages: vec![
            stage("lead", 10, DealStatus::Open),
            stage("proposal", 50, DealStatus::Open),
            stage("won", 100, DealStatus::Won),
            stage("lost", 0, DealStatus::Lost),
        ],
    };
    let deal = |name: &str, stage: &str, created: i64, toman: i64| Deal {
        id: id(name),
        pipeline_id: id("p"),
        stage_id: id(stage),
        value: Money::new(toman, TOMAN),
        created_at: created,
        stage_history: vec![StageChange {
            from: None,
            to: id("lead"),
            at: created,
            by: None,
        }],
        ..Deal::default()
    };
    // In "lead" at the end of March, moved on in April.
    let mut moved_later = deal("x", "proposal", at(2, 1), 1_000);
    moved_later
        .stage_history
        .push(move_to("lead", "proposal", at(4, 10)));
    // In "proposal" at the end of March, won in April.
    let mut won_later = deal("y", "won", at(3, 1), 1_000);
    won_later.stage_history[0].to = id("proposal");
    won_later
        .stage_history
        .push(move_to("proposal", "won", at(4, 5)));
    won_later.status = DealStatus::Won;
    won_later.closed_at = Some(at(4, 5));
    let mut lost_in_march = deal("z", "lost", at(2, 1), 5_000);
    lost_in_march.status = DealStatus::Lost;
    lost_in_march.closed_at = Some(at(3, 15));
    let mut dollars = deal("v", "proposal", at(3, 3), 300);
    dollars.value.currency = Currency::Usd;
    dollars.stage_history.clear();
    let deals = [
        moved_later,
        won_later,
        lost_in_march,
        dollars,
        deal("w", "lead", at(4, 2), 9_000),
    ];
    let records = Records {
        pipelines: std::slice::from_ref(&pipeline),
        deals: &deals,
        ..Records::default()
    };
    let prepared = Prepared::new(records);
    let books = prepared.books();
    let value = pipeline_value(&books, &march());
    assert_eq!(value.count, 3);
    assert_eq!(
        (value.value.get(TOMAN), value.value.get(Currency::Usd)),
        (2_000, 300)
    );
    assert_eq!(
        (value.weighted.get(TOMAN), value.weighted.get(Currency::Usd)),
        (600, 150)
    );
    // The value card and the weighted card share one pass: each part compares as if run alone.
    let both = compare(&march(), |s| Some(pipeline_value(&books, s)));
    let weighted = both.part(TOMAN, |bucket| bucket.weighted.clone());
    let alone = compare(&march(), |s| Some(pipeline_value(&books, s).weighted));
    assert_eq!(weighted, alone);
    assert_eq!(weighted.current.map(|w| w.get(TOMAN)), Some(600));
    assert!(weighted.change.is_some());
}

fn stage(name: &str, probability_pct: u8, outcome: DealStatus) -> Stage {
    Stage {
        id: id(name),
        name: name.into(),
        probability_pct,
        outcome,
    }
}

fn move_to(from: &str, to: &str, at: i64) -> StageChange {
    StageChange {
        from: Some(id(from)),
        to: id(to),
        at,
        by: None,
    }
}

// ---------------------------------------------------------------------------------------------
// Customers
// ---------------------------------------------------------------------------------------------

/// Customers for churn and lifetime value, with 30 dormant days, over March:
/// - a bought 10 Feb: active on 1 March, dormant from 11 March: churned;
/// - b bought 10 Feb and 5 March: the second order keeps it active;
/// - c bought 1 Jan: already dormant on 1 March;
/// - d bought 25 Feb and 20 March but was marked churned on 25 March: churned;
/// - e first bought 10 March: not a customer at the start;
/// - f bought 15 Feb and was marked inactive on 20 Feb: not active at the start.
fn churn_fixture() -> (Vec<Contact>, Vec<Invoice>) {
    let marked = |name: &str, stage: LifecycleStage, when: i64| Contact {
        lifecycle_stage: stage,
        lifecycle_changed_at: Some(when),
        ..contact(name)
    };
    let mut b = contact("b");
    b.owner_id = Some(id("m1"));
    let contacts = vec![
        contact("a"),
        b,
        contact("c"),
        marked("d", LifecycleStage::Churned, at(3, 25)),
        contact("e"),
        marked("f", LifecycleStage::Inactive, at(2, 20)),
    ];
    let invoices = vec![
        order("a1", "a", at(2, 10), 1_000),
        order("b1", "b", at(2, 10), 1_000),
        order("b2", "b", at(3, 5), 3_000),
        order("c1", "c", at(1, 1), 500),
        order("d1", "d", at(2, 25), 2_000),
        order("d2", "d", at(3, 20), 2_000),
        order("e1", "e", at(3, 10), 1_500),
        order("f1", "f", at(2, 15), 700),
    ];
    (contacts, invoices)
}

#[test]
fn churn_rate_counts_customers_active_at_the_start_who_went_inactive() {
    let (contacts, invoices) = churn_fixture();
    let records = records(&contacts, &invoices);
    let prepared = Prepared::new(records);
    let books = prepared.books();
    assert_eq!(churn_rate(&books, &march()), Ratio::new(2, 3));
    assert_eq!(
        churn_rate(&books, &owned_by(march(), "m1")),
        Ratio::new(0, 1)
    );
    // Over 1–10 March only a has gone dormant (on 11 March it is not yet).
    assert_eq!(
        churn_rate(&books, &scope(day(3, 1), day(3, 10))),
        Ratio::new(0, 3)
    );
    assert_eq!(
        churn_rate(&books, &scope(day(3, 1), day(3, 11))),
        Ratio::new(1, 3)
    );
}

#[test]
fn lifetime_values_historic_and_predicted() {
    let (contacts, invoices) = churn_fixture();
    let records = records(&contacts, &invoices);
    let prepared = Prepared::new(records);
    let books = prepared.books();
    // 11 700 Toman by 6 customers by the end of March.
    assert_eq!(
        historic_lifetime_value(&books, &march()),
        Some(Money::new(1_950, TOMAN))
    );
    // Before March only c, a, b, d and f had bought: 5 200 / 5.
    assert_eq!(
        historic_lifetime_value(&books, &scope(day(2, 1), day(2, 29))),
        Some(Money::new(1_040, TOMAN))
    );
    // Over the 365 days to 31 March: AOV 11 700 / 8 = 1 463; 8 orders by 6 customers a
    // year; a, c, d and f went inactive (4 churns) in 30 + 51 + 30 + 29 + 22 + 5 = 167 active
    // days (b and e still active), a lifespan of 167 / 4 days:
    // 1 463 × 8/6 × 365.25/365 × 167/365.25/4 = 223.
    assert_eq!(
        predicted_lifetime_value(&books, &march()),
        Some(Money::new(223, TOMAN))
    );
    // Only the period's end matters.
    assert_eq!(
        predicted_lifetime_value(&books, &scope(day(3, 25), day(3, 31))),
        predicted_lifetime_value(&books, &march())
    );
}

/// Two years of a steady business: 40 customers, each ordering 100 Toman every 20 days from
/// its own first day, and every fourth one stopping after its fifth order.
fn steady_business() -> (Vec<Contact>, Vec<Invoice>) {
    let start = day(1, 1).0 - 365;
    let contacts: Vec<Contact> = (0..40).map(|n| contact(&format!("c{n}"))).collect();
    let mut invoices = Vec::new();
    for n in 0..40 {
        let first = start + n * 9;
        let orders = if n % 4 == 0 { 5 } else { 40 };
        for k in 0..orders {
            let when = first + k * 20;
            if when <= day(12, 31).0 {
                invoices.push(order(
                    &format!("o{n}-{k}"),
                    &format!("c{n}"),
                    noon(Day(when)),
                    100,
                ));
            }
        }
    }
    (contacts, invoices)
}

#[test]
fn predicted_lifetime_value_is_the_same_for_this_month_quarter_and_year() {
    let (contacts, invoices) = steady_business();
    let prepared = Prepared::new(records(&contacts, &invoices));
    let books = prepared.books();
    // 6 days into May: the range that once annualised six days 61 times.
    let today = day(5, 6);
    let predicted = |preset: Preset| {
        let period = preset.range(today, Calendar::Gregorian);
        predicted_lifetime_value(&books, &scope(period.start, period.end))
    };
    let month = predicted(Preset::ThisMonth);
    assert!(month.is_some_and(|value| value.minor > 0));
    assert_eq!(predicted(Preset::ThisQuarter), month);
    assert_eq!(predicted(Preset::ThisYear), month);
    assert_eq!(
        predicted_lifetime_value(&books, &scope(today, today)),
        month
    );
    // Last month ends five days earlier: a window five days older, nearly the same value.
    let last_month = predicted(Preset::LastMonth).unwrap().minor as f64;
    let ratio = last_month / month.unwrap().minor as f64;
    assert!((0.9..1.1).contains(&ratio), "{ratio}");
    // The comparison on the card is against the window ending the day before the range.
    let compared = compare(&scope(day(5, 1), today), |s| {
        predicted_lifetime_value(&books, s)
    });
    assert_eq!(compared.current, month);
    assert!(compared.change.unwrap().percent.unwrap().abs() < 10.0);
}

#[test]
fn a_workspace_younger_than_the_window_has_a_predicted_lifetime_value() {
    // Every order in the last two months: nobody was a customer when the window started.
    let contacts = [contact("a"), contact("b")];
    let invoices = [
        order("a1", "a", at(2, 1), 1_000),
        order("a2", "a", at(2, 21), 1_000),
        order("b1", "b", at(2, 10), 1_000),
    ];
    let prepared = Prepared::new(records(&contacts, &invoices));
    let books = prepared.books();
    let window = lifetime_window(march().period);
    assert_eq!(window.days(), 365);
    assert_eq!(churn_rate(&books, &scope(window.start, window.end)), None);
    // b went inactive on 11 March after 30 active days, a on 22 March after 50 (its second
    // order kept it on). AOV 1 000, 3/2 orders a year, a lifespan of 80 / 2 days.
    let expected: f64 = 1_000.0 * 1.5 * 365.25 / 365.0 * (80.0 / 2.0) / 365.25;
    assert_eq!(
        predicted_lifetime_value(&books, &march()),
        Some(Money::new(expected.round() as i64, TOMAN))
    );
}

// ---------------------------------------------------------------------------------------------
// Time zones
// ---------------------------------------------------------------------------------------------

/// A scope over `start..=end` in `zone`, and the ledger built in it.
fn zoned(start: Day, end: Day, zone: &Zone) -> Scope {
    Scope {
        zone: zone.clone(),
        ..scope(start, end)
    }
}

#[test]
fn an_order_at_one_in_the_morning_in_tehran_on_1_farvardin_counts_in_farvardin() {
    use crate::time::zones::{tehran, HOUR};
    let nowruz = jalali(1404, 1, 1);
    let one_am = nowruz.to_unix_ms() + HOUR - 7 * HOUR / 2;
    let invoices = [order("nowruz", "a", one_am, 10)];
    let contacts = [contact("a")];
    let records = records(&contacts, &invoices);
    let farvardin = (jalali(1404, 1, 1), jalali(1404, 1, 31));
    let esfand = (jalali(1403, 12, 1), jalali(1403, 12, 30));
    let tehran = tehran();
    let ledger = Ledger::new(&records, &tehran);
    let books = Books {
        records,
        ledger: &ledger,
    };
    let in_tehran = |(start, end)| revenue(&books, &zoned(start, end, &tehran)).get(TOMAN);
    assert_eq!(in_tehran(farvardin), 10);
    assert_eq!(in_tehran(esfand), 0);
    let farvardin_scope = zoned(farvardin.0, farvardin.1, &tehran);
    assert_eq!(order_count(&books, &farvardin_scope), 1);
    let bars = revenue_over_time(&books, &farvardin_scope, Granularity::Day, Calendar::Jalali);
    assert_eq!((bars[0].bucket.start, bars[0].orders), (nowruz, 1));
    // Counted in UTC days, as before, it fell in Esfand.
    let prepared = Prepared::new(records);
    assert_eq!(
        revenue(&prepared.books(), &scope(esfand.0, esfand.1)).get(TOMAN),
        10
    );
}

#[test]
fn half_past_eleven_in_new_york_on_31_december_counts_in_december() {
    use crate::time::zones::{local, new_york};
    let new_york = new_york();
    let late = local(&new_york, (2024, 12, 31), 23, 30).0;
    let invoices = [order("late", "a", late, 7)];
    let contacts = [contact("a")];
    let records = records(&contacts, &invoices);
    let ledger = Ledger::new(&records, &new_york);
    let books = Books {
        records,
        ledger: &ledger,
    };
    let december = zoned(day(12, 1), day(12, 31), &new_york);
    let january = zoned(
        GregorianDate::new(2025, 1, 1).unwrap().to_day(),
        GregorianDate::new(2025, 1, 31).unwrap().to_day(),
        &new_york,
    );
    assert_eq!(revenue(&books, &december).get(TOMAN), 7);
    assert_eq!(revenue(&books, &january).get(TOMAN), 0);
    // The customer's history ends with December too.
    assert_eq!(
        historic_lifetime_value(&books, &december),
        Some(Money::new(7, TOMAN))
    );
}

#[test]
fn a_daylight_saving_day_holds_its_23_hours_of_orders() {
    use crate::time::zones::{local, new_york, HOUR};
    let new_york = new_york();
    let spring = GregorianDate::new(2025, 3, 9).unwrap().to_day();
    // Every hour from the spring change's midnight to the next midnight and one hour on.
    let midnight = new_york.day_start(spring).0;
    let invoices: Vec<Invoice> = (0..24)
        .map(|hour| order(&format!("h{hour}"), "a", midnight + hour * HOUR, 1))
        .collect();
    let contacts = [contact("a")];
    let records = records(&contacts, &invoices);
    let ledger = Ledger::new(&records, &new_york);
    let books = Books {
        records,
        ledger: &ledger,
    };
    let days = zoned(spring.before(), spring.after(), &new_york);
    let bars = revenue_over_time(&books, &days, Granularity::Day, Calendar::Gregorian);
    let orders: Vec<u32> = bars.iter().map(|bar| bar.orders).collect();
    assert_eq!(orders, [0, 23, 1]);
    assert_eq!(
        local(&new_york, (2025, 3, 10), 0, 0).0,
        midnight + 23 * HOUR
    );
}

#[test]
fn overdue_is_judged_on_the_zones_today() {
    use crate::time::zones::{tehran, HOUR};
    let nowruz = jalali(1404, 1, 1);
    let invoice = Invoice {
        id: id("late"),
        kind: InvoiceKind::Invoice,
        status: InvoiceStatus::Sent,
        due_date: Some(nowruz.before()),
        ..Invoice::default()
    };
    let invoices = [invoice];
    let records = records(&[], &invoices);
    // 01:00 on 1 Farvardin in Tehran: still 29 Esfand in UTC.
    let now = nowruz.to_unix_ms() + HOUR - 7 * HOUR / 2;
    let in_tehran = zoned(nowruz, nowruz, &tehran());
    let rows = overdue_invoices(&records, &in_tehran, now);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].days_overdue, Some(1));
    assert!(overdue_invoices(&records, &scope(nowruz, nowruz), now).is_empty());
}

#[test]
fn rfm_distribution_lists_every_class() {
    let contacts = [contact("best"), contact("gone")];
    let mut invoices: Vec<Invoice> = (0..10)
        .map(|n| order(&format!("b{n}"), "best", at(3, 1 + n), 30_000_000))
        .collect();
    invoices.push(order("g", "gone", at(1, 1) - 400 * 24 * HOUR, 1_000));
    let records = records(&contacts, &invoices);
    let prepared = Prepared::new(records);
    let books = prepared.books();
    let counts = rfm_distribution(&books, &march(), &RfmThresholds::fixed(TOMAN));
    assert_eq!(counts.len(), RfmClass::ALL.len());
    let of = |class| counts.iter().find(|(c, _)| *c == class).unwrap().1;
    assert_eq!(of(RfmClass::Champions), 1);
    assert_eq!(of(RfmClass::Lost), 1);
    assert_eq!(counts.iter().map(|(_, n)| n).sum::<u32>(), 2);
}

fn rated(name: &str, resolved: Option<i64>, csat: Option<u8>) -> Ticket {
    Ticket {
        id: id(name),
        subject: name.into(),
        status: TicketStatus::Resolved,
        created_at: at(2, 1),
        resolved_at: resolved,
        csat,
        ..Ticket::default()
    }
}

#[test]
fn csat_of_the_tickets_resolved_in_the_period() {
    let mut mine = rated("t2", Some(at(3, 3)), Some(4));
    mine.assignee_id = Some(id("m1"));
    let tickets = [
        rated("t1", Some(at(3, 2)), Some(5)),
        mine,
        rated("t3", Some(at(3, 30)), Some(2)),
        rated("t4", Some(at(3, 4)), None),
        rated("t5", Some(at(4, 1)), Some(1)),
    ];
    let records = Records {
        tickets: &tickets,
        ..Records::default()
    };
    let prepared = Prepared::new(records);
    let books = prepared.books();
    let csat = csat(&books, &march()).unwrap();
    assert_eq!((csat.responses, csat.sum, csat.satisfied), (3, 11, 2));
    assert_eq!(
        super::csat(&books, &owned_by(march(), "m1")).map(|c| c.responses),
        Some(1)
    );
    let change = compare(&march(), |s| super::csat(&books, s));
    assert_eq!((change.previous, change.change), (None, None));
}

// ---------------------------------------------------------------------------------------------
// Marketing and products
// ---------------------------------------------------------------------------------------------

#[test]
fn campaign_roi_attributes_orders_by_deal_then_contact() {
    let campaign = |name: &str, cost: i64, start: Day, end: Day| Campaign {
        id: id(name),
        name: name.into(),
        cost: Money::new(cost, TOMAN),
        start_date: Some(start),
        end_date: Some(end),
        ..Campaign::default()
    };
    let campaigns = [
        campaign("k1", 1_000, day(3, 1), day(3, 31)),
        campaign("k2", 0, day(2, 1), day(3, 2)),
        campaign("k3", 500, day(1, 1), day(1, 31)),
    ];
    let mut from_ad = contact("b");
    from_ad.campaign_id = Some(id("k1"));
    let contacts = [from_ad];
    let deals = [Deal {
        id: id("deal"),
        campaign_id: Some(id("k2")),
        ..Deal::default()
    }];
    let mut through_deal = order("e1", "b", at(3, 10), 1_500);
    through_deal.deal_id = Some(id("deal"));
    let invoices = [
        order("b1", "b", at(3, 5), 3_000),
        through_deal,
        order("b0", "b", at(2, 5), 9_000),
    ];
    let records = Records {
        contacts: &contacts,
        deals: &deals,
        invoices: &invoices,
        campaigns: &campaigns,
        ..Records::default()
    };
    let prepared = Prepared::new(records);
    let books = prepared.books();
    let returns = campaign_returns(&books, &march());
    assert_eq!(
        returns,
        [
            CampaignReturn {
                campaign_id: id("k1"),
                cost: Money::new(1_000, TOMAN),
                revenue: Money::new(3_000, TOMAN),
                roi: Some(2.0),
            },
            CampaignReturn {
                campaign_id: id("k2"),
                cost: Money::new(0, TOMAN),
                revenue: Money::new(1_500, TOMAN),
                roi: None,
            },
        ]
    );
}

fn catalogue() -> Vec<Product> {
    ["A", "B", "C"]
        .into_iter()
        .map(|name| Product {
            id: id(name),
            name: name.into(),
            ..Product::default()
        })
        .collect()
}

fn product_line(product: &str, quantity: u32, unit: i64) -> LineItem {
    LineItem {
        product_id: Some(id(product)),
        quantity,
        unit_price_minor: unit,
        ..LineItem::default()
    }
}

#[test]
fn product_performance_and_products_that_fail_to_sell() {
    let products = catalogue();
    let mut first = order("o1", "a", at(3, 2), 0);
    first.lines = vec![product_line("A", 2, 100), product_line("B", 1, 50)];
    let mut second = order("o2", "a", at(3, 3), 0);
    let mut discounted = product_line("A", 1, 100);
    discounted.discount = crate::model::Discount::Percent {
        basis_points: 1_000,
    };
    second.lines = vec![discounted, product_line("A", 1, 0)];
    let mut earlier = order("o0", "a", at(2, 3), 0);
    earlier.lines = vec![product_line("C", 5, 10)];
    let invoices = [first, second, earlier];
    let mut lost = closed_deal("lost", DealStatus::Lost, at(2, 1), at(3, 9));
    lost.lines = vec![product_line("B", 1, 50), product_line("B", 2, 50)];
    let deals = [lost];
    let records = Records {
        invoices: &invoices,
        deals: &deals,
        products: &products,
        ..Records::default()
    };
    let prepared = Prepared::new(records);
    let books = prepared.books();
    let rows = product_performance(&books, &march());
    let summary: Vec<(&str, u64, u32, i64, u32)> = rows
        .iter()
        .map(|row| {
            (
                row.product_id.text(),
                row.units,
                row.orders,
                row.revenue.get(TOMAN),
                row.lost_deals,
            )
        })
        .collect();
    assert_eq!(
        summary,
        [("A", 4, 2, 290, 0), ("B", 1, 1, 50, 1), ("C", 0, 0, 0, 0)]
    );
    let found = slow_products(records.products, &rows, march().currency);
    let slow: Vec<&str> = found.iter().map(|row| row.product_id.text()).collect();
    assert_eq!(slow, ["C", "B", "A"]);
}

// ---------------------------------------------------------------------------------------------
// Series
// ---------------------------------------------------------------------------------------------

#[test]
fn revenue_by_jalali_month_splits_at_nowruz() {
    let invoices = [
        order("last of esfand", "a", noon(jalali(1402, 12, 29)), 100),
        order("nowruz", "a", noon(jalali(1403, 1, 1)), 10),
        order("later", "a", noon(jalali(1403, 1, 15)), 1),
    ];
    let records = records(&[], &invoices);
    let prepared = Prepared::new(records);
    let books = prepared.books();
    let scope = scope(jalali(1402, 12, 15), jalali(1403, 1, 15));
    assert_eq!(Granularity::for_period(scope.period), Granularity::Day);
    let points = revenue_over_time(&books, &scope, Granularity::Month, Calendar::Jalali);
    let summary: Vec<(DayRange, i64, u32)> = points
        .iter()
        .map(|p| (p.bucket, p.revenue.get(TOMAN), p.orders))
        .collect();
    assert_eq!(
        summary,
        [
            (
                DayRange::new(jalali(1402, 12, 15), jalali(1402, 12, 29)),
                100,
                1
            ),
            (
                DayRange::new(jalali(1403, 1, 1), jalali(1403, 1, 15)),
                11,
                2
            ),
        ]
    );
    // The same range in Gregorian months is cut on 1 April instead.
    let gregorian = buckets(scope.period, Granularity::Month, Calendar::Gregorian);
    assert_eq!(gregorian[1].start, day(4, 1));
}

#[test]
fn granularity_follows_the_period_length() {
    let days = |n: i32| DayRange::new(day(1, 1), Day(day(1, 1).0 + n - 1));
    assert_eq!(Granularity::for_period(days(31)), Granularity::Day);
    assert_eq!(Granularity::for_period(days(32)), Granularity::Week);
    assert_eq!(Granularity::for_period(days(93)), Granularity::Month);
    let weeks = buckets(days(10), Granularity::Week, Calendar::Gregorian);
    assert_eq!(
        weeks,
        [
            DayRange::new(day(1, 1), day(1, 7)),
            DayRange::new(day(1, 8), day(1, 10))
        ]
    );
}

#[test]
fn csat_over_time_per_bucket() {
    let tickets = [
        rated("t1", Some(at(3, 2)), Some(5)),
        rated("t2", Some(at(3, 2)), Some(3)),
        rated("t3", Some(at(3, 9)), Some(1)),
    ];
    let records = Records {
        tickets: &tickets,
        ..Records::default()
    };
    let scope = scope(day(3, 1), day(3, 21));
    let points = csat_over_time(&records, &scope, Granularity::Week, Calendar::Gregorian);
    let satisfied: Vec<Option<(u32, u32)>> = points
        .iter()
        .map(|p| p.csat.map(|c| (c.responses, c.satisfied)))
        .collect();
    assert_eq!(satisfied, [Some((2, 1)), Some((1, 0)), None]);
}

#[test]
fn funnel_counts_deals_reaching_each_stage_from_their_history() {
    let pipeline = Pipeline {
        id: id("p"),
        name: "Sales".into(),
        stages: vec![
            stage("lead", 10, DealStatus::Open),
            stage("qualified", 25, DealStatus::Open),
            stage("proposal", 50, DealStatus::Open),
            stage("won", 100, DealStatus::Won),
            stage("lost", 0, DealStatus::Lost),
        ],
    };
    let deal = |name: &str, path: &[&str], status: DealStatus| {
        let mut deal = Deal {
            id: id(name),
            pipeline_id: id("p"),
            created_at: at(3, 1),
            ..Deal::default()
        };
        for (n, step) in path.iter().enumerate() {
            deal.move_to_stage(
                pipeline.stage(&id(step)).unwrap(),
                at(3, 1) + n as i64,
                None,
            );
        }
        assert_eq!(deal.status, status);
        deal
    };
    let mut other_pipeline = deal("other", &["lead"], DealStatus::Open);
    other_pipeline.pipeline_id = id("q");
    let mut earlier = deal("earlier", &["lead"], DealStatus::Open);
    earlier.created_at = at(2, 1);
    let deals = [
        deal(
            "won",
            &["lead", "qualified", "proposal", "won"],
            DealStatus::Won,
        ),
        deal("skipped", &["lead", "proposal", "lost"], DealStatus::Lost),
        deal("stuck", &["lead"], DealStatus::Open),
        deal("going", &["lead", "qualified"], DealStatus::Open),
        other_pipeline,
        earlier,
    ];
    let records = Records {
        deals: &deals,
        ..Records::default()
    };
    let funnel = funnel(&records, &march(), &pipeline);
    assert_eq!((funnel.entered, funnel.lost), (4, 1));
    let steps: Vec<(&str, u32, Option<Ratio>)> = funnel
        .steps
        .iter()
        .map(|s| (s.stage_id.text(), s.reached, s.conversion))
        .collect();
    assert_eq!(
        steps,
        [
            ("lead", 4, Ratio::new(4, 4)),
            ("qualified", 3, Ratio::new(3, 4)),
            ("proposal", 2, Ratio::new(2, 3)),
            ("won", 1, Ratio::new(1, 2)),
        ]
    );
}

#[test]
fn leads_customers_and_revenue_by_source() {
    let sourced =
        |name: &str, source: Option<LeadSource>, created: i64, customer: Option<i64>| Contact {
            source,
            created_at: created,
            became_customer_at: customer,
            ..contact(name)
        };
    let contacts = [
        sourced("i1", Some(LeadSource::Instagram), at(3, 1), None),
        sourced("i2", Some(LeadSource::Instagram), at(1, 1), Some(at(3, 2))),
        sourced("r1", Some(LeadSource::Referral), at(1, 1), Some(at(1, 5))),
        sourced("n1", None, at(3, 3), None),
    ];
    let invoices = [
        order("o1", "i2", at(3, 2), 700),
        order("o2", "r1", at(3, 5), 300),
        order("o3", "r1", at(2, 5), 999),
    ];
    let records = records(&contacts, &invoices);
    let prepared = Prepared::new(records);
    let books = prepared.books();
    let rows: Vec<(Option<LeadSource>, u32, u32, i64)> = by_source(&books, &march())
        .iter()
        .map(|r| (r.source, r.leads, r.customers, r.revenue.get(TOMAN)))
        .collect();
    assert_eq!(
        rows,
        [
            (Some(LeadSource::Instagram), 1, 1, 700),
            (Some(LeadSource::Referral), 0, 0, 300),
            (None, 1, 0, 0),
        ]
    );
}

#[test]
fn forecast_covers_the_months_of_the_period() {
    let deals = [
        Deal {
            id: id("mine"),
            owner_id: Some(id("m1")),
            expected_close: Some(jalali(1403, 1, 5)),
            value: Money::new(100, TOMAN),
            ..Deal::default()
        },
        Deal {
            id: id("theirs"),
            expected_close: Some(jalali(1403, 1, 6)),
            value: Money::new(50, TOMAN),
            ..Deal::default()
        },
    ];
    let records = Records {
        deals: &deals,
        ..Records::default()
    };
    let scope = owned_by(scope(jalali(1402, 11, 20), jalali(1403, 2, 3)), "m1");
    let forecast = forecast_by_month(&records, &scope, Calendar::Jalali);
    let months: Vec<(i32, u32, usize)> = forecast
        .months
        .iter()
        .map(|m| (m.year, m.month, m.deals.count))
        .collect();
    assert_eq!(
        months,
        [(1402, 11, 0), (1402, 12, 0), (1403, 1, 1), (1403, 2, 0)]
    );
}

// ---------------------------------------------------------------------------------------------
// Lists
// ---------------------------------------------------------------------------------------------

#[test]
fn dormant_customers_largest_spend_first() {
    let (contacts, invoices) = churn_fixture();
    let records = records(&contacts, &invoices);
    let found = dormant_customers(&records, &march(), at(3, 31));
    let rows: Vec<(&str, i64, i64)> = found
        .iter()
        .map(|r| {
            (
                r.contact_id.text(),
                r.days_since_purchase,
                r.lifetime_value.minor,
            )
        })
        .collect();
    assert_eq!(rows, [("a", 50, 1_000), ("f", 45, 700), ("c", 90, 500)]);
}

fn activity(contact: &str, kind: ActivityKind, when: i64) -> Activity {
    Activity {
        id: id(&format!("{contact}-{when}")),
        kind,
        contact_id: Some(id(contact)),
        at: when,
        ..Activity::default()
    }
}

#[test]
fn overdue_invoices_and_quotes_waiting_for_follow_up() {
    use ActivityKind::{Call, Note};
    let document =
        |name: &str, kind: InvoiceKind, status: InvoiceStatus, due: Option<Day>| Invoice {
            kind,
            status,
            due_date: due,
            paid_at: None,
            issue_date: Some(day(2, 20)),
            created_at: at(2, 20),
            ..order(name, name, at(2, 20), 1_000)
        };
    let invoices = [
        document(
            "late",
            InvoiceKind::Invoice,
            InvoiceStatus::Sent,
            Some(day(3, 1)),
        ),
        document("marked", InvoiceKind::Invoice, InvoiceStatus::Overdue, None),
        document(
            "not yet",
            InvoiceKind::Invoice,
            InvoiceStatus::Sent,
            Some(day(3, 20)),
        ),
        document(
            "quiet quote",
            InvoiceKind::Quote,
            InvoiceStatus::Sent,
            Some(day(3, 1)),
        ),
        document(
            "called quote",
            InvoiceKind::Quote,
            InvoiceStatus::Sent,
            None,
        ),
        document(
            "draft quote",
            InvoiceKind::Quote,
            InvoiceStatus::Draft,
            None,
        ),
    ];
    let activities = [
        activity("late", Call, at(3, 5)),
        activity("late", Note, at(3, 8)),
        activity("called quote", Call, at(3, 8)),
        activity("quiet quote", Call, at(2, 1)),
    ];
    let records = Records {
        invoices: &invoices,
        activities: &activities,
        ..Records::default()
    };
    let now = at(3, 10);
    let found = overdue_invoices(&records, &march(), now);
    let overdue: Vec<(&str, Option<i64>, Option<i64>, i64)> = found
        .iter()
        .map(|r| {
            (
                r.invoice_id.text(),
                r.days_overdue,
                r.last_follow_up_at,
                r.days_without_follow_up,
            )
        })
        .collect();
    assert_eq!(
        overdue,
        [
            ("late", Some(9), Some(at(3, 5)), 5),
            ("marked", None, None, 19)
        ]
    );
    let found = quotes_without_follow_up(&records, &march(), now, 7);
    let quotes: Vec<(&str, i64)> = found
        .iter()
        .map(|r| (r.invoice_id.text(), r.days_without_follow_up))
        .collect();
    // The call on 1 February came before the quote and does not count.
    assert_eq!(quotes, [("quiet quote", 19)]);
}

#[test]
fn tickets_breaching_sla_open_first() {
    let ticket = |name: &str, due: i64, resolved: Option<i64>, priority: Priority| Ticket {
        id: id(name),
        subject: name.into(),
        status: if resolved.is_some() {
            TicketStatus::Resolved
        } else {
            TicketStatus::Open
        },
        priority,
        created_at: at(2, 1),
        sla_due_at: Some(due),
        resolved_at: resolved,
        ..Ticket::default()
    };
    let tickets = [
        ticket("resolved late", at(3, 2), Some(at(3, 4)), Priority::Urgent),
        ticket("open low", at(3, 5), None, Priority::Low),
        ticket("open high", at(3, 9), None, Priority::High),
        ticket("on time", at(3, 5), Some(at(3, 4)), Priority::High),
        ticket("late before", at(2, 2), Some(at(2, 4)), Priority::High),
        ticket("not due", at(3, 20), None, Priority::High),
    ];
    let records = Records {
        tickets: &tickets,
        ..Records::default()
    };
    let found = sla_breaches(&records, &march(), at(3, 10));
    let rows: Vec<(&str, bool, i64)> = found
        .iter()
        .map(|r| (r.ticket_id.text(), r.open, r.late_ms / (24 * HOUR)))
        .collect();
    assert_eq!(
        rows,
        [
            ("open high", true, 1),
            ("open low", true, 5),
            ("resolved late", false, 2)
        ]
    );
}

#[test]
fn stale_deals_longest_idle_first() {
    let open = |name: &str, created: i64| Deal {
        id: id(name),
        created_at: created,
        stage_entered_at: created,
        ..Deal::default()
    };
    let deals = [
        open("idle", at(2, 1)),
        open("touched", at(2, 1)),
        open("fresh", at(3, 8)),
        open("older", at(1, 1)),
    ];
    let activities = [Activity {
        deal_id: Some(id("touched")),
        at: at(3, 5),
        ..activity("x", ActivityKind::Call, at(3, 5))
    }];
    let records = Records {
        deals: &deals,
        activities: &activities,
        ..Records::default()
    };
    let found = stale_deals(&records, &march(), at(3, 10), 14);
    let rows: Vec<(&str, i64)> = found
        .iter()
        .map(|r| (r.deal_id.text(), r.idle_days))
        .collect();
    assert_eq!(rows, [("older", 69), ("idle", 38)]);
}

// ---------------------------------------------------------------------------------------------
// Laws
// ---------------------------------------------------------------------------------------------

proptest! {
    #[test]
    fn revenue_buckets_add_up_to_the_period_revenue(
        orders in prop::collection::vec((0i64..400, 0i64..1_000_000, any::<bool>()), 0..60),
        start in 0i32..300,
        length in 1i32..400,
        jalali_calendar in any::<bool>(),
    ) {
        let base = day(1, 1).0;
        let invoices: Vec<Invoice> = orders
            .iter()
            .enumerate()
            .map(|(n, (offset, minor, dollars))| {
                let mut invoice = order(&format!("o{n}"), "c", noon(Day(base + *offset as i32)), *minor);
                if *dollars {
                    invoice.currency = Currency::Usd;
                }
                invoice
            })
            .collect();
        let records = records(&[], &invoices);
        let prepared = Prepared::new(records);
        let books = prepared.books();
        let scope = scope(Day(base + start), Day(base + start + length - 1));
        let calendar = if jalali_calendar { Calendar::Jalali } else { Calendar::Gregorian };
        let total = revenue(&books, &scope);
        // The ledger's slice of the period holds exactly the orders paid on its days.
        for currency in [TOMAN, Currency::Usd] {
            let paid: i64 = invoices
                .iter()
                .filter(|i| i.currency == currency && scope.contains(i.purchased_at()))
                .map(|i| i.total().minor)
                .sum();
            prop_assert_eq!(total.get(currency), paid);
        }
        for granularity in [Granularity::Day, Granularity::Week, Granularity::Month] {
            let points = revenue_over_time(&books, &scope, granularity, calendar);
            // The buckets tile the period.
            prop_assert_eq!(points[0].bucket.start, scope.period.start);
            prop_assert_eq!(points.last().unwrap().bucket.end, scope.period.end);
            for pair in points.windows(2) {
                prop_assert_eq!(pair[0].bucket.end.0 + 1, pair[1].bucket.start.0);
            }
            for currency in [TOMAN, Currency::Usd] {
                let sum: i64 = points.iter().map(|p| p.revenue.get(currency)).sum();
                prop_assert_eq!(sum, total.get(currency));
            }
            let orders: u32 = points.iter().map(|p| p.orders).sum();
            prop_assert_eq!(orders, order_count(&books, &scope));
        }
    }

    #[test]
    fn previous_period_has_equal_length_and_ends_the_day_before(
        start in -20_000i32..40_000,
        length in 1i32..1_000,
    ) {
        let period = DayRange::new(Day(start), Day(start + length - 1));
        let previous = period.previous();
        prop_assert_eq!(previous.days(), period.days());
        prop_assert_eq!(previous.end.0 + 1, period.start.0);
    }
}
