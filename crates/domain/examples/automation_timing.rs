//! Times automation natively over a generated workspace: every rule evaluated against one
//! change (what a device does after each write or pull), and a time-based sweep over every
//! contact (what the sync server does on its timer), with the records held as field maps.
//!
//! ```text
//! cargo run -p rabet-domain --release --example automation_timing -- [contacts, default 100000]
//! ```

use std::time::Instant;

use rabet_domain::automation::{run_wire_id, Change, Lookup, PreparedRule};
use rabet_domain::calendar::Day;
use rabet_domain::hlc::{Clock, NodeId};
use rabet_domain::id::{Id, WireId};
use rabet_domain::kind::EntityKind;
use rabet_domain::locale::Lang;
use rabet_domain::model::{
    Action, AssigneeRule, AutomationRule, Comparison, Condition, Contact, Entity, LifecycleStage,
    RfmClass, SegmentFilter, SendVia, Trigger,
};
use rabet_domain::op::OpBuilder;
use rabet_domain::replica::Record;
use rabet_domain::report::segment::{BuyerFacts, SegmentIndex};
use rabet_domain::rfm::RfmThresholds;
use rabet_domain::sample::{generate, SampleOptions};
use rabet_domain::time::{Zone, MS_PER_DAY};
use rustc_hash::{FxHashMap, FxHashSet};
use serde_json::{json, Map, Value};

struct Workspace<'a> {
    contacts: FxHashMap<String, &'a Contact>,
    buyers: SegmentIndex<'a>,
    last_activity: FxHashMap<Id, i64>,
}

impl Lookup for Workspace<'_> {
    fn contact(&self, id: &str) -> Option<&Contact> {
        self.contacts.get(id).copied()
    }
    fn buyer(&self, contact: &Contact) -> Option<&BuyerFacts> {
        self.buyers.facts(&contact.id)
    }
    fn search_text(&self, contact: &Contact) -> String {
        contact.full_name()
    }
    fn last_activity(&self, record: &Id) -> Option<i64> {
        self.last_activity.get(record).copied()
    }
    fn member_name(&self, _: &str) -> Option<String> {
        None
    }
}

/// Twenty rules of every trigger, half with segment criteria.
fn rules() -> Vec<AutomationRule> {
    let task = Action::CreateTask {
        title: "Follow up {title}".into(),
        assignee: AssigneeRule::RecordOwner,
        member_id: None,
        due_in_days: 3,
    };
    let triggers = [
        Trigger::FieldChanged {
            kind: EntityKind::Deal,
            field: "status".into(),
            to: Some(json!("won")),
        },
        Trigger::FieldChanged {
            kind: EntityKind::Deal,
            field: "status".into(),
            to: Some(json!("lost")),
        },
        Trigger::FieldChanged {
            kind: EntityKind::Contact,
            field: "lifecycle_stage".into(),
            to: Some(json!("customer")),
        },
        Trigger::Created {
            kind: EntityKind::Deal,
        },
        Trigger::FieldChanged {
            kind: EntityKind::Ticket,
            field: "status".into(),
            to: None,
        },
    ];
    (0..20)
        .map(|n| AutomationRule {
            id: Id::from_string(format!("rule-{n}")),
            name: format!("Rule {n}"),
            enabled: true,
            trigger: triggers[n % triggers.len()].clone(),
            conditions: vec![Condition {
                field: "title".into(),
                comparison: Comparison::IsNoneOf,
                values: vec![json!("")],
            }],
            criteria: if n % 2 == 0 {
                SegmentFilter {
                    tags: vec!["vip".into()],
                    lifecycle_stages: vec![LifecycleStage::Customer, LifecycleStage::Prospect],
                    rfm_classes: vec![RfmClass::Champions, RfmClass::Loyal, RfmClass::AtRisk],
                    ..SegmentFilter::default()
                }
            } else {
                SegmentFilter::default()
            },
            actions: vec![
                task.clone(),
                Action::SendMessage {
                    via: SendVia::Sms,
                    subject: String::new(),
                    body: "{first_name}, thank you".into(),
                },
            ],
            ..AutomationRule::default()
        })
        .collect()
}

fn median(mut samples: Vec<f64>) -> f64 {
    samples.sort_unstable_by(f64::total_cmp);
    samples[samples.len() / 2]
}

fn main() {
    let contacts = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(100_000);
    let now = 1_793_000_000_000;
    let sample = generate(&SampleOptions {
        seed: 1,
        contacts,
        lang: Lang::En,
        today: Day::from_unix_ms(now),
    });
    let zone = Zone::fixed(12_600_000);
    let mut last_activity: FxHashMap<Id, i64> = FxHashMap::default();
    for activity in &sample.activities {
        if let Some(contact) = &activity.contact_id {
            let at = last_activity.entry(contact.clone()).or_default();
            *at = (*at).max(activity.at);
        }
    }
    let workspace = Workspace {
        contacts: sample
            .contacts
            .iter()
            .map(|contact| (contact.id.to_string(), contact))
            .collect(),
        buyers: SegmentIndex::new(
            &sample.invoices,
            sample.settings.currency,
            &RfmThresholds::fixed(sample.settings.currency),
            now,
            &zone,
        ),
        last_activity,
    };
    println!(
        "{} contacts, {} deals, {} invoices",
        sample.contacts.len(),
        sample.deals.len(),
        sample.invoices.len()
    );

    // One change: an open deal is won, as a device's merge leaves it.
    let rules = rules();
    let deal = sample.deals.iter().find(|deal| deal.is_open()).unwrap();
    let before = deal.to_fields();
    let mut won = before.clone();
    won.insert("status".into(), json!("won"));
    let mut clock = Clock::new(NodeId::from_random([7; 8]));
    let mut made = 0u8;
    let mut new_id = || {
        made = made.wrapping_add(1);
        WireId::v7(now as u64, [made; 10])
    };
    let mut builder = OpBuilder::new(&mut clock, now as u64, &mut new_id);
    let mut record = Record::default();
    for op in builder
        .edit_ops(EntityKind::Deal, &deal.id, None, &before)
        .unwrap()
    {
        record.apply(&op);
    }
    for op in builder
        .edit_ops(EntityKind::Deal, &deal.id, Some(&before), &won)
        .unwrap()
    {
        record.apply(&op);
    }
    let change = Change {
        kind: EntityKind::Deal,
        id: &deal.id,
        before: Some(&before),
        after: &record,
    };
    let samples: Vec<f64> = (0..1000)
        .map(|_| {
            let started = Instant::now();
            let prepared: Vec<PreparedRule> = rules.iter().map(PreparedRule::new).collect();
            let fired = prepared
                .iter()
                .filter_map(|rule| rule.on_change(&change, &workspace, &zone))
                .count();
            std::hint::black_box(fired);
            started.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    println!(
        "{:>44}: {:>8.3} ms  (median of 1000, rules prepared each time)",
        "20 rules against one change",
        median(samples)
    );

    // The sweep: "no activity for 30 days" over every contact, and "invoice overdue a day"
    // over every invoice, skipping runs already held.
    let contact_fields: Vec<(Id, Map<String, Value>)> = sample
        .contacts
        .iter()
        .map(|contact| (contact.id.clone(), contact.to_fields()))
        .collect();
    let invoice_fields: Vec<(Id, Map<String, Value>)> = sample
        .invoices
        .iter()
        .map(|invoice| (invoice.id.clone(), invoice.to_fields()))
        .collect();
    let idle = AutomationRule {
        id: Id::from_string("rule-idle"),
        name: "contacts idle 30 days".into(),
        enabled: true,
        enabled_at: now - 400 * MS_PER_DAY,
        trigger: Trigger::NoActivity {
            kind: EntityKind::Contact,
            days: 30,
        },
        actions: rules[0].actions.clone(),
        ..AutomationRule::default()
    };
    let overdue = AutomationRule {
        id: Id::from_string("rule-overdue"),
        name: "invoices overdue a day".into(),
        enabled: true,
        enabled_at: now - 400 * MS_PER_DAY,
        trigger: Trigger::FieldTime {
            kind: EntityKind::Invoice,
            field: "due_date".into(),
            hours: 24,
        },
        conditions: vec![Condition {
            field: "status".into(),
            comparison: Comparison::IsNoneOf,
            values: vec![json!("paid"), json!("cancelled")],
        }],
        actions: rules[1].actions.clone(),
        ..AutomationRule::default()
    };
    let mut held: FxHashSet<WireId> = FxHashSet::default();
    for pass in ["first sweep (all fire)", "next sweep (runs held)"] {
        for (rule, kind, records) in [
            (&idle, EntityKind::Contact, &contact_fields),
            (&overdue, EntityKind::Invoice, &invoice_fields),
        ] {
            let started = Instant::now();
            let mut fired = 0;
            let prepared = PreparedRule::new(rule);
            for (id, fields) in records {
                let Some(key) = prepared.due_key(kind, id, fields, now, &workspace, &zone) else {
                    continue;
                };
                if held.insert(run_wire_id(&rule.id, kind, id, &key)) {
                    let firing = prepared.fire(kind, id, fields, key, &workspace, &zone);
                    std::hint::black_box(firing);
                    fired += 1;
                }
            }
            println!(
                "{:>44}: {:>8.1} ms  ({fired} runs of {})",
                format!("{pass}, {}", rule.name),
                started.elapsed().as_secs_f64() * 1e3,
                records.len()
            );
        }
    }
}
