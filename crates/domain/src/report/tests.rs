//! The screens agree: one customer's revenue, order count and churn state read the same on the
//! 360 page, the dashboard and in segments, because all three read
//! [`PurchaseFacts`](crate::purchases::PurchaseFacts).

use super::customer::{compute, AllRecords, CustomerRecords};
use super::dashboard::lists::dormant_customers;
use super::dashboard::{
    average_order_value, churn_rate, historic_lifetime_value, revenue, rfm_distribution, Books,
    Ledger, Ratio, Records, Scope,
};
use super::segment::{evaluate, SegmentIndex};
use crate::calendar::Day;
use crate::id::Id;
use crate::model::{Contact, Invoice, InvoiceKind, InvoiceStatus, LineItem, SegmentFilter};
use crate::money::{Currency, Money};
use crate::purchases::Customer;
use crate::rfm::RfmThresholds;
use crate::time::{days_between, DayRange, Instant, Zone, MS_PER_DAY};

const TOMAN: Currency = Currency::Toman;
const DORMANT_DAYS: u32 = 30;

fn id(text: &str) -> Id {
    Id::from_string(text)
}

/// An invoice of `minor` in `currency`, paid at `paid` (unpaid when `None`), owned by the
/// contact's owner.
fn invoice(name: &str, contact: Option<&str>, paid: Option<i64>, minor: i64) -> Invoice {
    Invoice {
        id: id(name),
        contact_id: contact.map(id),
        owner_id: contact.map(|name| id(&format!("owner of {name}"))),
        lines: vec![LineItem {
            unit_price_minor: minor,
            ..LineItem::default()
        }],
        status: if paid.is_some() {
            InvoiceStatus::Paid
        } else {
            InvoiceStatus::Sent
        },
        paid_at: paid,
        created_at: paid.unwrap_or(0),
        ..Invoice::default()
    }
}

#[test]
fn the_360_page_the_dashboard_and_segments_agree_on_a_customer() {
    let today = Day(20_000);
    // The last instant of today: the dashboard measures up to the end of its last day.
    let now = today.to_unix_ms() + MS_PER_DAY - 1;
    let days_ago = |days: i64| now - days * MS_PER_DAY - 5 * 3_600_000;
    let contact = |name: &str| Contact {
        id: id(name),
        owner_id: Some(id(&format!("owner of {name}"))),
        ..Contact::default()
    };
    let contacts = [contact("ali"), contact("sara")];
    let mut quote = invoice("quote", Some("ali"), Some(days_ago(50)), 9_000_000);
    quote.kind = InvoiceKind::Quote;
    let mut dollars = invoice("usd", Some("ali"), Some(days_ago(45)), 12_345);
    dollars.currency = Currency::Usd;
    let invoices = [
        invoice("a1", Some("ali"), Some(days_ago(300)), 2_500_000),
        invoice("a2", Some("ali"), Some(days_ago(200)), 1_100_000),
        invoice("a3", Some("ali"), Some(days_ago(60)), 400_001),
        // A dollar order, ali's last: a purchase for the dates, beside the Toman figures.
        dollars,
        // Not orders: a paid quote and a sent invoice.
        quote,
        invoice("sent", Some("ali"), None, 7_000_000),
        // Someone else's order, and one naming no contact.
        invoice("s1", Some("sara"), Some(days_ago(3)), 100_000),
        invoice("nobody", None, Some(days_ago(3)), 8_000_000),
    ];
    let thresholds = RfmThresholds::fixed(TOMAN);

    // The 360 page.
    let ali = CustomerRecords::select(
        &Customer::contact(&contacts[0]),
        AllRecords {
            invoices: &invoices,
            ..AllRecords::default()
        },
    );
    let page = compute(&ali, TOMAN, &thresholds, now);
    assert_eq!(page.lifetime_value, Money::new(4_000_001, TOMAN));
    assert_eq!(page.orders, 3);
    assert_eq!(
        page.other_currency_revenue,
        [Money::new(12_345, Currency::Usd)]
    );
    let page_rfm = page.rfm.expect("ali has orders").class;
    let page_days_since_purchase =
        days_between(Instant(page.last_purchase_at.unwrap()), Instant(now));
    assert_eq!(page_days_since_purchase, 45);
    let page_dormant = page_days_since_purchase >= i64::from(DORMANT_DAYS);

    // The dashboard, over all of ali's history and over the last 30 days, for ali's owner.
    let records = Records {
        contacts: &contacts,
        invoices: &invoices,
        ..Records::default()
    };
    let ledger = Ledger::new(&records, &Zone::default());
    let books = Books {
        records,
        ledger: &ledger,
    };
    let ali_scope = |period| Scope {
        period,
        owner: Some(id("owner of ali")),
        currency: TOMAN,
        dormant_days: DORMANT_DAYS,
        zone: Zone::default(),
    };
    let all_time = ali_scope(DayRange::new(Day(today.0 - 400), today));
    let totals = revenue(&books, &all_time);
    assert_eq!(totals.get(TOMAN), page.lifetime_value.minor);
    assert_eq!(totals.others(TOMAN), page.other_currency_revenue);
    assert_eq!(
        average_order_value(&books, &all_time),
        page.average_order_value
    );
    assert_eq!(
        historic_lifetime_value(&books, &all_time),
        Some(page.lifetime_value)
    );
    let classes = rfm_distribution(&books, &all_time, &thresholds);
    let counted: Vec<_> = classes.iter().filter(|(_, count)| *count > 0).collect();
    assert_eq!(counted, [&(page_rfm, 1)]);
    let dormant = dormant_customers(&records, &all_time, now);
    let row = dormant
        .iter()
        .find(|row| row.contact_id == id("ali"))
        .expect("ali is dormant on the dashboard");
    assert_eq!(row.lifetime_value, page.lifetime_value);
    assert_eq!(row.orders, page.orders);
    assert_eq!(row.days_since_purchase, page_days_since_purchase);
    assert_eq!(Some(row.last_purchase_at), page.last_purchase_at);
    assert!(page_dormant);
    // Active 30 days ago (the last order 45 days ago was then 15 days old), churned since.
    let last_30_days = ali_scope(DayRange::new(Day(today.0 - 29), today));
    assert_eq!(churn_rate(&books, &last_30_days), Ratio::new(1, 1));

    // Segments.
    let index = SegmentIndex::new(&invoices, TOMAN, &thresholds, now, &Zone::default());
    let facts = index.facts(&id("ali")).expect("ali bought");
    assert_eq!(facts.purchases.spend, page.lifetime_value);
    assert_eq!(facts.purchases.orders, page.orders);
    assert_eq!(facts.rfm, page_rfm);
    assert_eq!(Some(facts.purchases.last.0), page.last_purchase_at);
    let not_bought_for_30_days = SegmentFilter {
        last_purchase_before: Some(Day(today.0 - i32::try_from(DORMANT_DAYS).unwrap())),
        ..SegmentFilter::default()
    };
    let win_back: Vec<&Id> = evaluate(&not_bought_for_30_days, &contacts, &index, |_| "")
        .into_iter()
        .map(|contact| &contact.id)
        .collect();
    assert_eq!(win_back, [&id("ali")]);
    let same_class = SegmentFilter {
        rfm_classes: vec![page_rfm],
        ..SegmentFilter::default()
    };
    assert_eq!(
        evaluate(&same_class, &contacts, &index, |_| "").len(),
        1,
        "ali, in the class the 360 page shows (sara's differs)"
    );
}
