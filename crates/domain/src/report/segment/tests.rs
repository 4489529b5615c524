use super::*;
use crate::calendar::Day;
use crate::calendar::{GregorianDate, JalaliDate};
use crate::model::{InvoiceStatus, LeadSource, LifecycleStage, LineItem};
use crate::purchases::Customer;
use crate::report::customer::{compute, AllRecords, CustomerRecords};
use crate::search::search_text;
use crate::time::zones::{local, new_york, tehran};
use crate::time::MS_PER_DAY;
use proptest::prelude::*;

const DAY: i64 = MS_PER_DAY;
const TOMAN: Currency = Currency::Toman;

fn id(s: &str) -> Id {
    Id::from_string(s)
}

fn order(contact: &str, day: i32, minor: i64) -> Invoice {
    let at = i64::from(day) * DAY + DAY / 2;
    Invoice {
        id: id(&format!("{contact}-{day}-{minor}")),
        contact_id: Some(id(contact)),
        lines: vec![LineItem {
            description: "item".into(),
            unit_price_minor: minor,
            ..LineItem::default()
        }],
        issue_date: Some(Day(day)),
        status: InvoiceStatus::Paid,
        paid_at: Some(at),
        created_at: at,
        ..Invoice::default()
    }
}

fn text(contact: &Contact) -> String {
    search_text(
        [contact.first_name.as_str(), contact.last_name.as_str()],
        [],
    )
}

/// Contacts a–e, "now" on day 1 000:
/// - a: VIP from Instagram, owned by m1, bought 20 times for 300 M Toman, last on day 995;
/// - b: tagged "ويژه" (Arabic yeh), a customer, bought once for 1 M on day 500;
/// - c: a lead from referral, never bought;
/// - d: churned, bought 6 times for 60 M, last on day 800;
/// - e: no tags or source, named Zahra.
fn fixture() -> (Vec<Contact>, Vec<Invoice>) {
    let contact = |name: &str, first: &str| Contact {
        id: id(name),
        first_name: first.into(),
        ..Contact::default()
    };
    let contacts = vec![
        Contact {
            tags: vec!["VIP".into()],
            source: Some(LeadSource::Instagram),
            owner_id: Some(id("m1")),
            lifecycle_stage: LifecycleStage::Customer,
            ..contact("a", "Ali")
        },
        Contact {
            tags: vec!["ويژه".into()],
            lifecycle_stage: LifecycleStage::Customer,
            ..contact("b", "Reza")
        },
        Contact {
            source: Some(LeadSource::Referral),
            ..contact("c", "Sara")
        },
        Contact {
            lifecycle_stage: LifecycleStage::Churned,
            ..contact("d", "Maryam")
        },
        contact("e", "زهرا"),
    ];
    let mut invoices: Vec<Invoice> = (0..20).map(|n| order("a", 995 - n, 15_000_000)).collect();
    invoices.push(order("b", 500, 1_000_000));
    invoices.extend((0..6).map(|n| order("d", 800 - n * 10, 10_000_000)));
    (contacts, invoices)
}

/// An order paid at `at`.
fn paid_at(contact: &str, at: Instant) -> Invoice {
    Invoice {
        paid_at: Some(at.0),
        created_at: at.0,
        issue_date: None,
        ..order(contact, 0, 1_000_000)
    }
}

#[test]
fn purchase_days_are_counted_in_the_workspace_zone() {
    let contacts = [Contact {
        id: id("a"),
        ..Contact::default()
    }];
    let bought_on_or_after = |day: Day, invoices: &[Invoice], zone: &Zone| {
        let filter = SegmentFilter {
            last_purchase_after: Some(day),
            ..SegmentFilter::default()
        };
        let now = Instant(day.to_unix_ms() + 40 * DAY);
        let index = SegmentIndex::new(invoices, TOMAN, &RfmThresholds::fixed(TOMAN), now.0, zone);
        evaluate(&filter, &contacts, &index, text).len() == 1
    };
    // 01:00 on 1 Farvardin 1404 in Tehran (2025-03-21) is still 20 March in UTC: a purchase
    // in Farvardin there, in Esfand in UTC.
    let farvardin = JalaliDate::new(1404, 1, 1).unwrap().to_day();
    let tehran = tehran();
    let at = local(&tehran, (2025, 3, 21), 1, 0);
    assert_eq!(Day::from_unix_ms(at.0), farvardin.before());
    let invoices = [paid_at("a", at)];
    assert!(bought_on_or_after(farvardin, &invoices, &tehran));
    assert!(!bought_on_or_after(farvardin, &invoices, &Zone::fixed(0)));
    // 23:30 on 31 December in New York is 1 January in UTC: December there.
    let new_york = new_york();
    let at = local(&new_york, (2025, 12, 31), 23, 30);
    let january = GregorianDate::new(2026, 1, 1).unwrap().to_day();
    let invoices = [paid_at("a", at)];
    assert!(!bought_on_or_after(january, &invoices, &new_york));
    assert!(bought_on_or_after(january, &invoices, &Zone::fixed(0)));
}

fn names(filter: SegmentFilter) -> Vec<String> {
    let (contacts, invoices) = fixture();
    let index = SegmentIndex::new(
        &invoices,
        TOMAN,
        &RfmThresholds::fixed(TOMAN),
        1_000 * DAY,
        &Zone::fixed(0),
    );
    evaluate(&filter, &contacts, &index, text)
        .iter()
        .map(|contact| contact.id.to_string())
        .collect()
}

#[test]
fn each_filter_dimension() {
    let all = names(SegmentFilter::default());
    assert_eq!(all, ["a", "b", "c", "d", "e"]);
    let check = |filter: SegmentFilter, expected: &[&str]| assert_eq!(names(filter), expected);
    check(
        SegmentFilter {
            tags: vec!["vip".into(), "ویژه".into()],
            ..SegmentFilter::default()
        },
        &["a", "b"],
    );
    check(
        SegmentFilter {
            lifecycle_stages: vec![LifecycleStage::Lead, LifecycleStage::Churned],
            ..SegmentFilter::default()
        },
        &["c", "d", "e"],
    );
    check(
        SegmentFilter {
            sources: vec![LeadSource::Referral, LeadSource::Instagram],
            ..SegmentFilter::default()
        },
        &["a", "c"],
    );
    check(
        SegmentFilter {
            owner_id: Some(id("m1")),
            ..SegmentFilter::default()
        },
        &["a"],
    );
    check(
        SegmentFilter {
            last_purchase_before: Some(Day(800)),
            ..SegmentFilter::default()
        },
        &["b", "d"],
    );
    check(
        SegmentFilter {
            last_purchase_after: Some(Day(800)),
            ..SegmentFilter::default()
        },
        &["a", "d"],
    );
    check(
        SegmentFilter {
            min_spend_minor: Some(60_000_000),
            ..SegmentFilter::default()
        },
        &["a", "d"],
    );
    check(
        SegmentFilter {
            text: "ZAHRA زهرا".into(),
            ..SegmentFilter::default()
        },
        &[],
    );
    check(
        SegmentFilter {
            text: "زهرا".into(),
            ..SegmentFilter::default()
        },
        &["e"],
    );
    // Criteria combine with "and".
    check(
        SegmentFilter {
            lifecycle_stages: vec![LifecycleStage::Customer],
            min_spend_minor: Some(2_000_000),
            ..SegmentFilter::default()
        },
        &["a"],
    );
}

#[test]
fn built_in_rfm_segments() {
    let members = |segment: RfmSegment| names(segment.filter());
    // a: 5 days ago (R5), 20 orders (F5), 300 M (M5).
    assert_eq!(members(RfmSegment::Champions), ["a"]);
    // d: 200 days ago (R2), 6 orders (F4), 60 M (M4): at risk.
    assert_eq!(members(RfmSegment::AtRisk), ["d"]);
    // b: 500 days ago (R1), one order of 1 M: lost.
    assert_eq!(members(RfmSegment::Hibernating), ["b"]);
    assert!(members(RfmSegment::Loyal).is_empty());

    let mut classes: Vec<RfmClass> = RfmSegment::ALL
        .iter()
        .flat_map(|segment| segment.classes().iter().copied())
        .collect();
    classes.sort_by_key(|class| class.as_str());
    let mut all = RfmClass::ALL.to_vec();
    all.sort_by_key(|class| class.as_str());
    assert_eq!(classes, all);
}

/// The segment as the customer page would see each contact, one contact at a time.
fn naive(
    filter: &SegmentFilter,
    contacts: &[Contact],
    invoices: &[Invoice],
    thresholds: &RfmThresholds,
    now: i64,
    zone: &Zone,
) -> Vec<Id> {
    let normalized =
        |tags: &[String]| -> Vec<String> { tags.iter().map(|t| normalize(t)).collect() };
    let wanted_tags = normalized(&filter.tags);
    contacts
        .iter()
        .filter(|contact| {
            let records = CustomerRecords::select(
                &Customer::contact(contact),
                AllRecords {
                    invoices,
                    ..AllRecords::default()
                },
            );
            let kpis = compute(&records, TOMAN, thresholds, now);
            let last = kpis.last_purchase_at.map(|at| zone.day_of(Instant(at)));
            let tags = normalized(&contact.tags);
            (wanted_tags.is_empty() || tags.iter().any(|t| wanted_tags.contains(t)))
                && (filter.lifecycle_stages.is_empty()
                    || filter.lifecycle_stages.contains(&contact.lifecycle_stage))
                && (filter.sources.is_empty()
                    || contact.source.is_some_and(|s| filter.sources.contains(&s)))
                && (filter.owner_id.is_none() || filter.owner_id == contact.owner_id)
                && filter
                    .last_purchase_before
                    .is_none_or(|day| last.is_some_and(|last| last <= day))
                && filter
                    .last_purchase_after
                    .is_none_or(|day| last.is_some_and(|last| last >= day))
                && filter
                    .min_spend_minor
                    .is_none_or(|min| kpis.lifetime_value.minor >= min)
                && (filter.rfm_classes.is_empty()
                    || kpis
                        .rfm
                        .is_some_and(|rfm| filter.rfm_classes.contains(&rfm.class)))
                && Query::parse(&filter.text).matches(&text(contact))
        })
        .map(|contact| contact.id.clone())
        .collect()
}

fn pick<T: Clone + std::fmt::Debug + 'static>(
    options: &'static [T],
) -> impl Strategy<Value = Vec<T>> {
    prop::sample::subsequence(options.to_vec(), 0..=2)
}

const TAGS: &[&str] = &["vip", "VIP", "b2b", "ويژه", "ویژه"];
const NAMES: &[&str] = &["Ali", "ali", "علی", "Sara", "زهرا"];
const OWNERS: &[&str] = &["m1", "m2"];

prop_compose! {
    fn any_contact()(
        tags in pick(TAGS),
        name in prop::sample::select(NAMES),
        stage in prop::sample::select(LifecycleStage::ALL),
        source in prop::option::of(prop::sample::select(LeadSource::ALL)),
        owner in prop::option::of(prop::sample::select(OWNERS)),
    ) -> Contact {
        Contact {
            first_name: name.into(),
            tags: tags.into_iter().map(String::from).collect(),
            lifecycle_stage: stage,
            source,
            owner_id: owner.map(id),
            ..Contact::default()
        }
    }
}

prop_compose! {
    fn any_filter()(
        tags in pick(TAGS),
        stages in pick(LifecycleStage::ALL),
        sources in pick(LeadSource::ALL),
        owner in prop::option::of(prop::sample::select(OWNERS)),
        before in prop::option::of(0i32..1_000),
        after in prop::option::of(0i32..1_000),
        min_spend in prop::option::of(0i64..50_000_000),
        classes in pick(RfmClass::ALL),
        text in prop::option::of(prop::sample::select(NAMES)),
    ) -> SegmentFilter {
        SegmentFilter {
            tags: tags.into_iter().map(String::from).collect(),
            lifecycle_stages: stages,
            sources,
            owner_id: owner.map(id),
            last_purchase_before: before.map(Day),
            last_purchase_after: after.map(Day),
            min_spend_minor: min_spend,
            rfm_classes: classes,
            text: text.unwrap_or_default().into(),
            custom: Vec::new(),
        }
    }
}

proptest! {
    #[test]
    fn evaluation_equals_the_naive_filter(
        mut contacts in prop::collection::vec(any_contact(), 0..12),
        orders in prop::collection::vec((0usize..12, 0i32..1_000, 0i64..20_000_000), 0..30),
        filter in any_filter(),
        quintiles in any::<bool>(),
    ) {
        for (n, contact) in contacts.iter_mut().enumerate() {
            contact.id = id(&format!("c{n}"));
        }
        let invoices: Vec<Invoice> = orders
            .iter()
            .map(|(who, day, minor)| order(&format!("c{who}"), *day, *minor))
            .collect();
        let now = 1_000 * DAY;
        let zone = new_york();
        let index = SegmentIndex::new(&invoices, TOMAN, &RfmThresholds::fixed(TOMAN), now, &zone);
        let thresholds = if quintiles {
            let values: Vec<_> = index.facts.values().map(|f| RfmValues {
                recency_days: (now / DAY) - i64::from(f.purchases.last.day().0),
                frequency: f.purchases.orders,
                monetary_minor: f.purchases.spend.minor,
            }).collect();
            RfmThresholds::from_customers(&values).unwrap_or(RfmThresholds::fixed(TOMAN))
        } else {
            RfmThresholds::fixed(TOMAN)
        };
        let index = SegmentIndex::new(&invoices, TOMAN, &thresholds, now, &zone);
        let fast: Vec<Id> = evaluate(&filter, &contacts, &index, text)
            .iter()
            .map(|contact| contact.id.clone())
            .collect();
        prop_assert_eq!(fast, naive(&filter, &contacts, &invoices, &thresholds, now, &zone));
    }
}

#[test]
fn a_segment_on_a_custom_choice_keeps_the_contacts_holding_the_option() {
    use crate::custom_field::{ChoiceOption, CustomCriterion, CustomTest, FieldOwner, FieldType};
    let tier = crate::custom_field::FieldDefinition {
        id: Id::from_string("tier"),
        owner: FieldOwner::Contact,
        field_type: FieldType::Choice,
        label_en: "Tier".into(),
        label_fa: "سطح".into(),
        options: vec![ChoiceOption {
            id: "gold".into(),
            label_en: "Gold".into(),
            label_fa: "طلایی".into(),
        }],
        ..Default::default()
    };
    let mut gold = Contact {
        id: Id::from_string("gold-member"),
        ..Contact::default()
    };
    gold.custom.set(
        &tier,
        Some(crate::custom_field::CustomValue::Choice("gold".into())),
    );
    let plain = Contact {
        id: Id::from_string("plain"),
        ..Contact::default()
    };
    let contacts = [gold, plain];
    let filter = SegmentFilter {
        custom: vec![CustomCriterion {
            field: tier.id.clone(),
            field_type: FieldType::Choice,
            test: CustomTest::Is("gold".into()),
        }],
        ..SegmentFilter::default()
    };
    let index = SegmentIndex::default();
    let ids: Vec<String> = evaluate(&filter, &contacts, &index, |_| "")
        .iter()
        .map(|c| c.id.to_string())
        .collect();
    assert_eq!(ids, ["gold-member"]);
}
