use super::*;
use crate::calendar::{Calendar, Day};
use crate::money::Money;
use proptest::prelude::*;
use serde_json::json;
use std::fmt::Debug;

fn id(text: &str) -> Id {
    Id::from_string(text)
}

fn line(quantity: u32, unit_price_minor: i64, discount: Discount) -> LineItem {
    LineItem {
        product_id: None,
        description: "Item".into(),
        quantity,
        unit_price_minor,
        discount,
    }
}

fn fields(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(fields) => fields,
        other => panic!("not an object: {other}"),
    }
}

#[test]
fn invoice_totals_match_a_hand_computed_usd_invoice() {
    let invoice = Invoice {
        currency: Currency::Usd,
        lines: vec![
            // 3 × 19.99 = 59.97, less 10 % (5.997 → 6.00) = 53.97
            line(
                3,
                1_999,
                Discount::Percent {
                    basis_points: 1_000,
                },
            ),
            // 250.00 less 25.00 = 225.00
            line(1, 25_000, Discount::Amount { minor: 2_500 }),
            // 2 × 3.33 = 6.66
            line(2, 333, Discount::None),
        ],
        // 5 % of 285.63 = 14.2815 → 14.28
        discount: Discount::Percent { basis_points: 500 },
        // 9 % of 271.35 = 24.4215 → 24.42
        tax_rate_bp: 900,
        ..Invoice::default()
    };
    assert_eq!(
        invoice.totals(),
        InvoiceTotals {
            subtotal_minor: 28_563,
            discount_minor: 1_428,
            tax_minor: 2_442,
            total_minor: 29_577,
        }
    );
    assert_eq!(invoice.total(), Money::new(29_577, Currency::Usd));
}

#[test]
fn invoice_totals_match_a_hand_computed_toman_invoice() {
    let invoice = Invoice {
        lines: vec![line(2, 1_250_000, Discount::Amount { minor: 100_000 })],
        discount: Discount::Amount { minor: 400_000 },
        tax_rate_bp: 1_000,
        ..Invoice::default()
    };
    // 2 500 000 − 100 000 = 2 400 000; − 400 000 = 2 000 000; + 10 % = 2 200 000.
    let totals = invoice.totals();
    assert_eq!(totals.subtotal_minor, 2_400_000);
    assert_eq!(totals.discount_minor, 400_000);
    assert_eq!(totals.tax_minor, 200_000);
    assert_eq!(invoice.total(), Money::new(2_200_000, Currency::Toman));
}

#[test]
fn percentages_round_half_away_from_zero() {
    let half = Discount::Percent {
        basis_points: 5_000,
    };
    assert_eq!(half.of(1), 1);
    assert_eq!(half.of(-1), -1);
    assert_eq!(half.of(3), 2);
    assert_eq!(
        Discount::Percent {
            basis_points: 4_999
        }
        .of(1),
        0
    );
    assert_eq!(Discount::None.of(1_000), 0);
}

#[test]
fn huge_amounts_saturate_instead_of_wrapping() {
    let absurd = line(u32::MAX, i64::MAX, Discount::None);
    assert_eq!(absurd.gross_minor(), i64::MAX);
    assert_eq!(lines_subtotal_minor(&[absurd.clone(), absurd]), i64::MAX);
}

proptest! {
    #[test]
    fn totals_add_up(
        prices in prop::collection::vec((1u32..100, 0i64..10_000_000, 0u32..=10_000), 1..6),
        document_discount_bp in 0u32..=10_000,
        tax_rate_bp in 0u32..=3_000,
    ) {
        let lines: Vec<LineItem> = prices
            .into_iter()
            .map(|(quantity, price, bp)| line(quantity, price, Discount::Percent { basis_points: bp }))
            .collect();
        let invoice = Invoice {
            lines,
            discount: Discount::Percent { basis_points: document_discount_bp },
            tax_rate_bp,
            ..Invoice::default()
        };
        let totals = invoice.totals();
        let taxable = totals.subtotal_minor - totals.discount_minor;
        prop_assert_eq!(totals.total_minor, taxable + totals.tax_minor);
        prop_assert!((0..=totals.subtotal_minor).contains(&totals.discount_minor));
        // Tax is within half a minor unit of the exact value.
        let exact_tax_x2 = 2 * i128::from(taxable) * i128::from(tax_rate_bp);
        let diff = (i128::from(totals.tax_minor) * 20_000 - exact_tax_x2).abs();
        prop_assert!(diff <= 10_000);
    }
}

#[test]
fn quote_converts_to_a_draft_invoice() {
    let quote = Invoice {
        id: id("q1"),
        kind: InvoiceKind::Quote,
        number: "Q-7".into(),
        contact_id: Some(id("c1")),
        lines: vec![line(1, 500, Discount::None)],
        tax_rate_bp: 1_000,
        status: InvoiceStatus::Accepted,
        issue_date: Some(Day(100)),
        ..Invoice::default()
    };
    let invoice = quote.to_invoice(id("i1"), 42);
    assert_eq!(invoice.kind, InvoiceKind::Invoice);
    assert_eq!(invoice.status, InvoiceStatus::Draft);
    assert_eq!(invoice.converted_from, Some(id("q1")));
    assert_eq!((invoice.number.as_str(), invoice.issue_date), ("", None));
    assert_eq!(invoice.totals(), quote.totals());
    assert_eq!((invoice.id, invoice.created_at), (id("i1"), 42));
}

#[test]
fn only_issued_invoices_past_due_are_overdue() {
    let sent = Invoice {
        status: InvoiceStatus::Sent,
        due_date: Some(Day(10)),
        ..Invoice::default()
    };
    assert!(!sent.is_overdue(Day(10)));
    assert!(sent.is_overdue(Day(11)));
    let paid = Invoice {
        status: InvoiceStatus::Paid,
        ..sent.clone()
    };
    assert!(!paid.is_overdue(Day(11)));
    let quote = Invoice {
        kind: InvoiceKind::Quote,
        ..sent
    };
    assert!(!quote.is_overdue(Day(11)));
    let marked = Invoice {
        status: InvoiceStatus::Overdue,
        ..Invoice::default()
    };
    assert!(marked.is_overdue(Day(0)));
}

fn default_pipeline() -> Pipeline {
    let mut next = 0;
    let names = DefaultPipelineNames {
        pipeline: "Sales".into(),
        lead_in: "Lead-in".into(),
        qualified: "Qualified".into(),
        proposal: "Proposal".into(),
        negotiation: "Negotiation".into(),
        won: "Won".into(),
        lost: "Lost".into(),
    };
    Pipeline::default_sales(id("p1"), names, || {
        next += 1;
        id(&format!("s{next}"))
    })
}

#[test]
fn default_pipeline_has_the_six_sales_stages() {
    let pipeline = default_pipeline();
    let summary: Vec<(&str, &str, u8, DealStatus)> = pipeline
        .stages
        .iter()
        .map(|s| (s.id.text(), s.name.as_str(), s.probability_pct, s.outcome))
        .collect();
    assert_eq!(
        summary,
        [
            ("s1", "Lead-in", 10, DealStatus::Open),
            ("s2", "Qualified", 25, DealStatus::Open),
            ("s3", "Proposal", 50, DealStatus::Open),
            ("s4", "Negotiation", 75, DealStatus::Open),
            ("s5", "Won", 100, DealStatus::Won),
            ("s6", "Lost", 0, DealStatus::Lost),
        ]
    );
    assert_eq!(pipeline.name, "Sales");
    assert_eq!(
        pipeline.stage(&id("s3")).map(|s| s.name.as_str()),
        Some("Proposal")
    );
    assert_eq!(
        pipeline.first_stage_with(DealStatus::Open).map(|s| &s.id),
        Some(&id("s1"))
    );
    assert_eq!(
        pipeline.first_stage_with(DealStatus::Lost).map(|s| &s.id),
        Some(&id("s6"))
    );
}

#[test]
fn moving_a_deal_records_history_and_takes_the_stage_outcome() {
    let pipeline = default_pipeline();
    let stage = |n: usize| &pipeline.stages[n];
    let mut deal = Deal::default();
    deal.move_to_stage(stage(0), 1_000, None);
    deal.move_to_stage(stage(5), 2_000, Some(id("m1")));
    deal.lost_reason = "price".into();
    assert_eq!(
        (deal.status, deal.closed_at),
        (DealStatus::Lost, Some(2_000))
    );
    deal.move_to_stage(stage(5), 3_000, None); // already there: no change
    deal.move_to_stage(stage(4), 4_000, None);
    assert_eq!(
        (deal.status, deal.closed_at),
        (DealStatus::Won, Some(4_000))
    );
    assert_eq!(deal.lost_reason, "");
    deal.move_to_stage(stage(2), 5_000 + 3 * 86_400_000, None);
    assert!(deal.is_open());
    assert_eq!(deal.closed_at, None);
    assert_eq!(deal.stage_id, id("s3"));
    assert_eq!(deal.days_in_stage(5_000 + 6 * 86_400_000 - 1), 2);
    let moves: Vec<(Option<&str>, &str, i64)> = deal
        .stage_history
        .iter()
        .map(|c| (c.from.as_ref().map(Id::text), c.to.text(), c.at))
        .collect();
    assert_eq!(
        moves,
        [
            (None, "s1", 1_000),
            (Some("s1"), "s6", 2_000),
            (Some("s6"), "s5", 4_000),
            (Some("s5"), "s3", 5_000 + 3 * 86_400_000),
        ]
    );
    assert_eq!(deal.stage_history[1].by, Some(id("m1")));
}

#[test]
fn contact_display_name_falls_back_to_email_then_phone() {
    let phone = Phone {
        label: PhoneLabel::Mobile,
        number: "+989121234567".into(),
    };
    let email = Email {
        label: EmailLabel::Work,
        address: "ali@example.com".into(),
    };
    let mut contact = Contact {
        first_name: " علی ".into(),
        last_name: "رضایی".into(),
        phones: vec![phone],
        emails: vec![Email::default(), email],
        ..Contact::default()
    };
    assert_eq!(contact.display_name(), "علی رضایی");
    contact.first_name.clear();
    assert_eq!(contact.display_name(), "رضایی");
    contact.last_name.clear();
    assert_eq!(contact.display_name(), "ali@example.com");
    contact.emails.clear();
    assert_eq!(contact.display_name(), "+989121234567");
    contact.phones.clear();
    assert_eq!(contact.display_name(), "");

    let member = TeamMember {
        email: "sara@rabet.ir".into(),
        ..TeamMember::default()
    };
    assert_eq!(member.display_name(), "sara@rabet.ir");
}

#[test]
fn lifecycle_changes_stamp_conversion_and_change_times() {
    let mut contact = Contact::default();
    contact.set_lifecycle_stage(LifecycleStage::Customer, 10);
    contact.set_lifecycle_stage(LifecycleStage::Churned, 20);
    contact.set_lifecycle_stage(LifecycleStage::Customer, 30);
    assert_eq!(contact.became_customer_at, Some(10));
    assert_eq!(contact.lifecycle_changed_at, Some(30));
    contact.set_lifecycle_stage(LifecycleStage::Customer, 40);
    assert_eq!(contact.lifecycle_changed_at, Some(30));
}

#[test]
fn task_and_ticket_states() {
    let task = Task {
        due_at: Some(100),
        ..Task::default()
    };
    assert!(!task.is_overdue(100) && task.is_overdue(101));
    let done = Task {
        done_at: Some(50),
        ..task
    };
    assert!(done.is_done() && !done.is_overdue(101));

    let pending = Ticket {
        status: TicketStatus::Pending,
        ..Ticket::default()
    };
    assert!(pending.is_open());
    let resolved = Ticket {
        status: TicketStatus::Resolved,
        ..Ticket::default()
    };
    assert!(!resolved.is_open());
}

/// Round-trips one filled-in record of every kind, reporting each kind's outcome.
fn round_trip_samples() -> Vec<(EntityKind, Result<(), String>)> {
    fn check<E: Entity + PartialEq + Debug>(record: E) -> (EntityKind, Result<(), String>) {
        (E::KIND, round_trip(&record))
    }
    let phone = Phone {
        label: PhoneLabel::Work,
        number: "+982188887777".into(),
    };
    let email = Email {
        label: EmailLabel::Personal,
        address: "a@b.ir".into(),
    };
    let address = Address {
        line: "خیابان ولیعصر، پلاک ۱".into(),
        city: "Tehran".into(),
        province: "Tehran".into(),
        postal_code: "1234567890".into(),
        country: "IR".into(),
    };
    vec![
        check(Company {
            id: id("co1"),
            name: "Rabet".into(),
            phones: vec![phone.clone()],
            emails: vec![email.clone()],
            address: address.clone(),
            tax_id: "411111111111".into(),
            owner_id: Some(id("m1")),
            tags: vec!["b2b".into()],
            created_at: 5,
            ..Company::default()
        }),
        check(Contact {
            id: id("c1"),
            first_name: "علی".into(),
            company_id: Some(id("co1")),
            phones: vec![phone],
            emails: vec![email],
            whatsapp: "+989121234567".into(),
            telegram: "ali".into(),
            address,
            lifecycle_stage: LifecycleStage::Prospect,
            source: Some(LeadSource::WalkIn),
            campaign_id: Some(id("ca1")),
            became_customer_at: Some(7),
            ..Contact::default()
        }),
        check(default_pipeline()),
        check(Deal {
            id: id("d1"),
            title: "CRM".into(),
            pipeline_id: id("p1"),
            stage_id: id("s2"),
            value: Money::new(12_345, Currency::Eur),
            expected_close: Some(Day(20_100)),
            source: Some(LeadSource::Referral),
            lines: vec![line(2, 5, Discount::Amount { minor: 1 })],
            status: DealStatus::Lost,
            lost_reason: "price".into(),
            closed_at: Some(9),
            stage_history: vec![StageChange {
                from: None,
                to: id("s2"),
                at: 3,
                by: Some(id("m1")),
            }],
            tags: vec!["hot".into()],
            ..Deal::default()
        }),
        check(Activity {
            id: id("a1"),
            kind: ActivityKind::Message,
            channel: Some(MessageChannel::Telegram),
            direction: Some(Direction::Inbound),
            at: 11,
            duration_min: Some(5),
            body: "سلام".into(),
            ticket_id: Some(id("t1")),
            ..Activity::default()
        }),
        check(Task {
            id: id("k1"),
            title: "Call back".into(),
            due_at: Some(100),
            remind_at: Some(90),
            link: Some(RecordRef {
                kind: EntityKind::Deal,
                id: id("d1"),
            }),
            ..Task::default()
        }),
        check(Ticket {
            id: id("t1"),
            subject: "Refund".into(),
            channel: Channel::InPerson,
            status: TicketStatus::Pending,
            priority: Priority::Urgent,
            sla_due_at: Some(1_000),
            csat: Some(4),
            ..Ticket::default()
        }),
        check(Product {
            id: id("pr1"),
            name: "License".into(),
            sku: "LIC-1".into(),
            price: Money::new(990_000, Currency::Irr),
            active: false,
            ..Product::default()
        }),
        check(Invoice {
            id: id("i1"),
            kind: InvoiceKind::Quote,
            number: "1402-17".into(),
            currency: Currency::Usd,
            lines: vec![line(1, 100, Discount::Percent { basis_points: 250 })],
            discount: Discount::Amount { minor: 3 },
            tax_rate_bp: 1_000,
            issue_date: Some(Day(1)),
            due_date: Some(Day(31)),
            status: InvoiceStatus::Accepted,
            converted_from: Some(id("q0")),
            ..Invoice::default()
        }),
        check(Campaign {
            id: id("ca1"),
            name: "Nowruz".into(),
            channel: Channel::Instagram,
            cost: Money::new(5_000_000, Currency::Toman),
            start_date: Some(Day(19_800)),
            end_date: Some(Day(19_813)),
            ..Campaign::default()
        }),
        check(Segment {
            id: id("sg1"),
            name: "Dormant VIPs".into(),
            filter: SegmentFilter {
                tags: vec!["vip".into()],
                lifecycle_stages: vec![LifecycleStage::Customer],
                sources: vec![LeadSource::Instagram],
                last_purchase_before: Some(Day(19_000)),
                min_spend_minor: Some(10_000_000),
                rfm_classes: vec![RfmClass::AtRisk, RfmClass::CannotLose],
                ..SegmentFilter::default()
            },
        }),
        check(TeamMember {
            id: id("m1"),
            name: "Sara".into(),
            role: Role::Support,
            active: false,
            ..TeamMember::default()
        }),
        check(Settings {
            calendar: Some(Calendar::Jalali),
            time_zone: Some("Asia/Tehran".into()),
            stale_deal_days: 7,
            lost_reasons: vec!["قیمت".into()],
            default_pipeline_id: Some(id("p1")),
            ..Settings::default()
        }),
        check(AutomationRule {
            id: id("r1"),
            name: "Won → follow up".into(),
            enabled: true,
            enabled_at: 1_700_000_000_000,
            trigger: Trigger::FieldChanged {
                kind: EntityKind::Deal,
                field: "status".into(),
                to: Some(json!("won")),
            },
            conditions: vec![Condition {
                field: "status".into(),
                comparison: Comparison::IsNoneOf,
                values: vec![json!("paid")],
            }],
            criteria: SegmentFilter {
                tags: vec!["vip".into()],
                ..SegmentFilter::default()
            },
            actions: vec![
                Action::CreateTask {
                    title: "Follow up {title}".into(),
                    assignee: AssigneeRule::Member,
                    member_id: Some(id("m1")),
                    due_in_days: 3,
                },
                Action::SetField {
                    field: "lifecycle_stage".into(),
                    value: json!("customer"),
                },
                Action::Notify {
                    member_ids: vec![id("m1")],
                    record_owner: true,
                    text: "won".into(),
                },
                Action::SendMessage {
                    via: SendVia::Sms,
                    subject: String::new(),
                    body: "سلام {first_name}".into(),
                },
                Action::Webhook {
                    url: "https://example.com/hook".into(),
                },
            ],
            created_at: 1_700_000_000_000,
        }),
        check(AutomationRun {
            id: id("run1"),
            rule_id: id("r1"),
            record: Some(RecordRef {
                kind: EntityKind::Deal,
                id: id("d1"),
            }),
            trigger: "at:1700000000000".into(),
            at: 1_700_000_000_000,
            outcomes: vec![RunOutcome {
                action: 0,
                result: RunResult::DoNotContact,
                detail: String::new(),
                subject: String::new(),
                body: "سلام".into(),
            }],
        }),
        check(SavedView {
            id: Id::from_string("view-1"),
            name: "مشتریان ویژه".into(),
            list: "contacts".into(),
            state: encode_state([("tag", "vip"), ("sort", "name")]),
            shared: true,
            member_id: "member-1".into(),
            created_at: 1_700_000_000_000,
        }),
        check(MessageTemplate {
            id: id("t1"),
            name: "Greeting".into(),
            body: "سلام {first_name}".into(),
            created_at: 1_700_000_000_000,
        }),
        check(FieldDefinition {
            id: id("f1"),
            owner: crate::custom_field::FieldOwner::Deal,
            field_type: crate::custom_field::FieldType::Choices,
            label_en: "Channels".into(),
            label_fa: "کانال‌ها".into(),
            required: true,
            order: 3,
            archived: true,
            options: vec![crate::custom_field::ChoiceOption {
                id: "o1".into(),
                label_en: "Web".into(),
                label_fa: "وب".into(),
            }],
        }),
        check(Notification {
            id: id("n1"),
            member_id: id("m1"),
            rule_id: id("r1"),
            run_id: id("run1"),
            record: Some(RecordRef {
                kind: EntityKind::Deal,
                id: id("d1"),
            }),
            text: "معامله برنده شد".into(),
            read_at: Some(1_700_000_000_000),
            created_at: 1_700_000_000_000,
        }),
    ]
}

fn round_trip<E: Entity + PartialEq + Debug>(record: &E) -> Result<(), String> {
    let fields = record.to_fields();
    if fields.get("id") != Some(&json!(*record.id().as_str())) {
        return Err(format!("id field missing from {fields:?}"));
    }
    let back = E::from_fields(fields).map_err(|e| e.to_string())?;
    if &back == record {
        Ok(())
    } else {
        Err(format!("{back:?} != {record:?}"))
    }
}

#[test]
fn every_kind_round_trips_through_its_fields() {
    let mut kinds = Vec::new();
    for (kind, result) in round_trip_samples() {
        assert_eq!(result, Ok(()), "{kind:?}");
        kinds.push(kind);
    }
    kinds.sort();
    assert_eq!(kinds, EntityKind::ALL);
}

#[test]
fn records_missing_fields_load_with_defaults() {
    let contact = Contact::from_fields(fields(json!({
        "id": "c1",
        "first_name": "Ali",
        "field_from_a_newer_version": 1,
    })))
    .unwrap();
    assert_eq!(
        contact,
        Contact {
            id: id("c1"),
            first_name: "Ali".into(),
            ..Contact::default()
        }
    );
    assert_eq!(Contact::from_fields(Map::new()).unwrap().id.text(), "");

    let product = Product::from_fields(fields(json!({"id": "p"}))).unwrap();
    assert!(product.active);
    assert_eq!(product.price, Money::new(0, DEFAULT_CURRENCY));

    let settings = Settings::from_fields(Map::new()).unwrap();
    assert_eq!(settings.id.text(), Settings::ID);
    assert_eq!((settings.stale_deal_days, settings.dormant_days), (14, 90));

    let line: LineItem = serde_json::from_value(json!({"unit_price_minor": 7})).unwrap();
    assert_eq!((line.quantity, line.net_minor()), (1, 7));
}

#[test]
fn wire_format_is_stable() {
    let deal = Deal {
        id: id("d1"),
        title: "CRM".into(),
        pipeline_id: id("p1"),
        stage_id: id("s1"),
        value: Money::new(1_000, Currency::Toman),
        expected_close: Some(Day(20_000)),
        source: Some(LeadSource::WalkIn),
        lines: vec![line(
            2,
            500,
            Discount::Percent {
                basis_points: 1_000,
            },
        )],
        ..Deal::default()
    };
    assert_eq!(
        Value::Object(deal.to_fields()),
        json!({
            "id": "d1",
            "title": "CRM",
            "pipeline_id": "p1",
            "stage_id": "s1",
            "contact_id": null,
            "company_id": null,
            "value": {"minor": 1000, "currency": "IRT"},
            "expected_close": 20000,
            "owner_id": null,
            "source": "walk_in",
            "campaign_id": null,
            "lines": [{
                "product_id": null,
                "description": "Item",
                "quantity": 2,
                "unit_price_minor": 500,
                "discount": {"type": "percent", "basis_points": 1000},
            }],
            "status": "open",
            "lost_reason": "",
            "closed_at": null,
            "stage_entered_at": 0,
            "stage_history": [],
            "tags": [],
            "notes": "",
            "created_at": 0,
        })
    );
}

/// Checks that an enum's `ALL`, `as_str`, `parse` and serde names agree.
fn assert_names_agree<T>(all: &[T], as_str: fn(T) -> &'static str, parse: fn(&str) -> Option<T>)
where
    T: Copy + PartialEq + Debug + Serialize + DeserializeOwned,
{
    for &variant in all {
        let name = as_str(variant);
        assert_eq!(serde_json::to_value(variant).unwrap(), json!(name));
        assert_eq!(serde_json::from_value::<T>(json!(name)).unwrap(), variant);
        assert_eq!(parse(name), Some(variant));
        assert!(
            name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
            "{name}"
        );
    }
    assert_eq!(parse("no_such_name"), None);
}

#[test]
fn enum_names_agree_with_serde() {
    macro_rules! check {
        ($($name:ident),+) => {
            $(assert_names_agree($name::ALL, $name::as_str, $name::parse);)+
        };
    }
    check!(
        LifecycleStage,
        LeadSource,
        PhoneLabel,
        EmailLabel,
        Role,
        DealStatus,
        InvoiceKind,
        InvoiceStatus,
        ActivityKind,
        MessageChannel,
        Direction,
        Channel,
        TicketStatus,
        Priority,
        RfmClass
    );
}

#[test]
fn lists_read_from_json_hold_no_unused_room() {
    let text = json!({
        "id": "c1",
        "phones": [{"label": "mobile", "number": "+989121234567"}],
        "tags": ["vip", "tehran"],
    })
    .to_string();
    let contact: Contact = serde_json::from_str(&text).unwrap();
    assert_eq!((contact.phones.len(), contact.phones.capacity()), (1, 1));
    assert_eq!((contact.tags.len(), contact.tags.capacity()), (2, 2));
    // Missing lists still take their defaults.
    assert!(contact.emails.is_empty());
    let invoice: Invoice =
        serde_json::from_str(r#"{"id": "i1", "lines": [{"unit_price_minor": 7}]}"#).unwrap();
    assert_eq!(invoice.lines.capacity(), 1);
}
