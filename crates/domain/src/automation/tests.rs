use super::*;
use crate::calendar::GregorianDate;
use crate::hlc::{Clock, NodeId};
use crate::model::{Condition, Entity, Phone, PhoneLabel, SegmentFilter, Trigger};
use crate::op::{Op, OpBuilder};
use crate::replica::Replica;
use crate::time::zones::{tehran, HOUR};
use proptest::prelude::*;
use rustc_hash::FxHashMap;
use std::collections::{BTreeMap, BTreeSet};

/// A workspace's contacts and activity times, for rules to look up.
#[derive(Default)]
struct Workspace {
    contacts: FxHashMap<String, Contact>,
    last_activity: FxHashMap<Id, i64>,
}

impl Lookup for Workspace {
    fn contact(&self, id: &str) -> Option<&Contact> {
        self.contacts.get(id)
    }
    fn buyer(&self, _: &Contact) -> Option<&BuyerFacts> {
        None
    }
    fn search_text(&self, contact: &Contact) -> String {
        contact.full_name()
    }
    fn last_activity(&self, record: &Id) -> Option<i64> {
        self.last_activity.get(record).copied()
    }
    fn member_name(&self, id: &str) -> Option<String> {
        (id == "owner-1").then(|| "Sara".to_owned())
    }
}

/// A device: its clock and its op ids, unique across devices.
struct Device {
    clock: Clock,
    number: u8,
    made: u64,
}

impl Device {
    fn new(number: u8) -> Self {
        Device {
            clock: Clock::new(NodeId::from_random([number; 8])),
            number,
            made: 0,
        }
    }

    /// Ops for `next` over `previous`; automation's ids when `automation`.
    fn edit(
        &mut self,
        wall_ms: u64,
        kind: EntityKind,
        id: &Id,
        previous: Option<&Map<String, Value>>,
        next: &Map<String, Value>,
        automation: bool,
    ) -> Vec<Op> {
        let (number, made) = (self.number, &mut self.made);
        let mut new_id = || {
            *made += 1;
            let mut random = [number; 10];
            random[2..].copy_from_slice(&made.to_be_bytes());
            let fresh = WireId::v7(wall_ms, random);
            if automation {
                automation_op_id(&fresh)
            } else {
                fresh
            }
        };
        OpBuilder::new(&mut self.clock, wall_ms, &mut new_id)
            .edit_ops(kind, id, previous, next)
            .expect("test edits are valid")
    }
}

const DAY: i64 = MS_PER_DAY;
/// 2026-03-01 12:00 UTC.
const NOON: i64 = 1_772_366_400_000;

fn follow_up_on_won() -> AutomationRule {
    AutomationRule {
        id: Id::from_string("rule-won"),
        name: "Won → follow up".into(),
        enabled: true,
        trigger: Trigger::FieldChanged {
            kind: EntityKind::Deal,
            field: "status".into(),
            to: Some(json!("won")),
        },
        actions: vec![Action::CreateTask {
            title: "Follow up {title} with {first_name}".into(),
            assignee: AssigneeRule::RecordOwner,
            member_id: None,
            due_in_days: 3,
        }],
        ..AutomationRule::default()
    }
}

fn contact(id: &str) -> Contact {
    Contact {
        id: Id::from_string(id),
        first_name: "Reza".into(),
        last_name: "Karimi".into(),
        owner_id: Some(Id::from_string("owner-1")),
        phones: vec![Phone {
            label: PhoneLabel::Mobile,
            number: "+989121234567".into(),
        }],
        tags: vec!["vip".into()],
        ..Contact::default()
    }
}

fn workspace() -> Workspace {
    let mut workspace = Workspace::default();
    workspace
        .contacts
        .insert("contact-1".into(), contact("contact-1"));
    workspace
}

fn deal_fields(status: &str) -> Map<String, Value> {
    let mut fields = Map::new();
    fields.insert("title".into(), json!("Tiles"));
    fields.insert("status".into(), json!(status));
    fields.insert("contact_id".into(), json!("contact-1"));
    fields.insert("owner_id".into(), json!("owner-1"));
    fields.insert("created_at".into(), json!(NOON - DAY));
    fields
}

fn record_of(ops: &[Op]) -> Record {
    let mut record = Record::default();
    for op in ops {
        record.apply(op);
    }
    record
}

/// Deal 1 as a person made it open and won it at noon: its id, the device and the record.
fn deal_won_at_noon() -> (Id, Device, Record) {
    let id = Id::from_string("deal-1");
    let mut device = Device::new(1);
    let mut ops = device.edit(0, EntityKind::Deal, &id, None, &deal_fields("open"), false);
    ops.extend(device.edit(
        NOON as u64,
        EntityKind::Deal,
        &id,
        Some(&deal_fields("open")),
        &deal_fields("won"),
        false,
    ));
    let record = record_of(&ops);
    (id, device, record)
}

/// Fires `rule` on a deal going from `before` to `after` (made by a person).
fn fire_on_deal(rule: &AutomationRule, before: Option<&str>, after: &str) -> Option<Firing> {
    let id = Id::from_string("deal-1");
    let mut device = Device::new(1);
    let before = before.map(deal_fields);
    let mut ops = match &before {
        Some(fields) => device.edit(0, EntityKind::Deal, &id, None, fields, false),
        None => Vec::new(),
    };
    ops.extend(device.edit(
        NOON as u64,
        EntityKind::Deal,
        &id,
        before.as_ref(),
        &deal_fields(after),
        false,
    ));
    let change = Change {
        kind: EntityKind::Deal,
        id: &id,
        before: before.as_ref(),
        after: &record_of(&ops),
    };
    PreparedRule::new(rule).on_change(&change, &workspace(), &tehran())
}

/// A replica that missed a deal's change as it happened (the sync server) derives the key a
/// device that saw it derived, so both firings are one run with the same task.
#[test]
fn a_change_seen_late_fires_the_run_a_device_fired() {
    let rule = AutomationRule {
        enabled_at: NOON - DAY,
        ..follow_up_on_won()
    };
    let on_device = fire_on_deal(&rule, Some("open"), "won").expect("fires on the device");
    let (id, mut device, record) = deal_won_at_noon();
    let prepared = PreparedRule::new(&rule);
    let (lookup, zone) = (workspace(), tehran());
    let key = prepared
        .pending_key(EntityKind::Deal, &id, &record, NOON + HOUR, &lookup, &zone)
        .expect("pending on a replica that missed it");
    let late = prepared.fire(EntityKind::Deal, &id, &record, key, &lookup, &zone);
    assert_eq!(late, on_device);
    // Not for a change before the rule was switched on, nor one still to come, nor a lost deal.
    let later = AutomationRule {
        enabled_at: NOON + 1,
        ..rule.clone()
    };
    assert_eq!(
        PreparedRule::new(&later).pending_key(
            EntityKind::Deal,
            &id,
            &record,
            NOON + HOUR,
            &lookup,
            &zone
        ),
        None
    );
    assert_eq!(
        prepared.pending_key(EntityKind::Deal, &id, &record, NOON - 1, &lookup, &zone),
        None
    );
    let lost = record_of(&device.edit(
        NOON as u64 + 5,
        EntityKind::Deal,
        &id,
        Some(&deal_fields("won")),
        &deal_fields("lost"),
        false,
    ));
    let mut lost_after_won = record.clone();
    for (field, state) in lost.fields() {
        let op = Op {
            id: state.op.clone(),
            entity: EntityKind::Deal,
            record: WireId::from(&id),
            field: field.clone(),
            value: state.value.clone(),
            stamp: state.stamp.clone(),
        };
        lost_after_won.apply(&op);
    }
    assert_eq!(
        prepared.pending_key(
            EntityKind::Deal,
            &id,
            &lost_after_won,
            NOON + HOUR,
            &lookup,
            &zone
        ),
        None
    );
}

/// A record automation created (every field by automation) fires no creation rule on a late
/// replica either.
#[test]
fn a_record_automation_created_is_no_creation_seen_late() {
    let rule = AutomationRule {
        trigger: Trigger::Created {
            kind: EntityKind::Deal,
        },
        ..follow_up_on_won()
    };
    let id = Id::from_string("deal-1");
    let prepared = PreparedRule::new(&rule);
    let (lookup, zone) = (workspace(), tehran());
    let mut device = Device::new(1);
    let by_person = record_of(&device.edit(
        NOON as u64,
        EntityKind::Deal,
        &id,
        None,
        &deal_fields("open"),
        false,
    ));
    assert_eq!(
        prepared.pending_key(EntityKind::Deal, &id, &by_person, NOON, &lookup, &zone),
        Some(TriggerKey::Created)
    );
    let by_rule = record_of(&device.edit(
        NOON as u64,
        EntityKind::Deal,
        &id,
        None,
        &deal_fields("open"),
        true,
    ));
    assert_eq!(
        prepared.pending_key(EntityKind::Deal, &id, &by_rule, NOON, &lookup, &zone),
        None
    );
}

#[test]
fn derived_ids_depend_on_every_part_and_nothing_else() {
    let a = Id::derived(&["run", "rule", "deal", "x"]);
    assert_eq!(a, Id::derived(&["run", "rule", "deal", "x"]));
    assert_ne!(a, Id::derived(&["run", "rul", "edeal", "x"]));
    assert_ne!(a, Id::derived(&["run", "rule", "deal", "y"]));
    let text = a.to_string();
    assert_eq!(text.len(), 36);
    assert_eq!(&text[14..15], "8", "a version 8 UUID: {text}");
}

#[test]
fn a_won_deal_makes_a_follow_up_task_for_its_owner_in_three_days() {
    let firing = fire_on_deal(&follow_up_on_won(), Some("open"), "won").expect("fires");
    let [Effect::CreateTask(task)] = firing.effects.as_slice() else {
        panic!("one task: {:?}", firing.effects);
    };
    assert_eq!(task.title, "Follow up Tiles with Reza");
    assert_eq!(task.assignee_id, Some(Id::from_string("owner-1")));
    assert_eq!(task.due_at, Some(NOON + 3 * DAY));
    assert_eq!(task.created_at, NOON);
    assert_eq!(
        task.link,
        Some(RecordRef {
            kind: EntityKind::Deal,
            id: Id::from_string("deal-1")
        })
    );
    assert_eq!(task.id, effect_id(&firing.run.id, 0));
    assert_eq!(firing.run.rule_id, Id::from_string("rule-won"));
    assert!(firing.run.trigger.starts_with("changed:"));
    assert_eq!(firing.run.outcomes[0].result, RunResult::Done);
}

#[test]
fn only_the_wanted_change_fires() {
    let rule = follow_up_on_won();
    assert!(fire_on_deal(&rule, Some("open"), "lost").is_none());
    assert!(
        fire_on_deal(&rule, Some("won"), "won").is_none(),
        "no change"
    );
    assert!(fire_on_deal(&rule, None, "won").is_some(), "created won");
    let off = AutomationRule {
        enabled: false,
        ..rule.clone()
    };
    assert!(fire_on_deal(&off, Some("open"), "won").is_none());
    let any_change = AutomationRule {
        trigger: Trigger::FieldChanged {
            kind: EntityKind::Deal,
            field: "status".into(),
            to: None,
        },
        ..rule
    };
    assert!(fire_on_deal(&any_change, Some("open"), "lost").is_some());
}

#[test]
fn what_automation_writes_triggers_no_rule() {
    let id = Id::from_string("deal-1");
    let mut device = Device::new(1);
    let before = deal_fields("open");
    let mut ops = device.edit(0, EntityKind::Deal, &id, None, &before, false);
    ops.extend(device.edit(
        NOON as u64,
        EntityKind::Deal,
        &id,
        Some(&before),
        &deal_fields("won"),
        true,
    ));
    let change = Change {
        kind: EntityKind::Deal,
        id: &id,
        before: Some(&before),
        after: &record_of(&ops),
    };
    let rule = follow_up_on_won();
    assert!(PreparedRule::new(&rule)
        .on_change(&change, &workspace(), &tehran())
        .is_none());
}

#[test]
fn criteria_and_conditions_pick_the_records() {
    let mut rule = follow_up_on_won();
    rule.criteria = SegmentFilter {
        tags: vec!["VIP".into()],
        ..SegmentFilter::default()
    };
    assert!(
        fire_on_deal(&rule, Some("open"), "won").is_some(),
        "tags fold case"
    );
    rule.criteria.tags = vec!["wholesale".into()];
    assert!(fire_on_deal(&rule, Some("open"), "won").is_none());
    rule.criteria = SegmentFilter::default();
    rule.conditions = vec![Condition {
        field: "title".into(),
        comparison: Comparison::IsNoneOf,
        values: vec![json!("Tiles")],
    }];
    assert!(fire_on_deal(&rule, Some("open"), "won").is_none());
}

/// A deal won while its contact did not meet the criteria fires nothing; once the contact
/// changes to meet them, re-checking the deals naming it fires the rule with the key of the
/// win (the one a device seeing the win with the contact as it is now derives), so every
/// replica that re-checks writes one run; a task naming the contact is found too, a rule
/// without criteria or on contacts asks for no re-check, and a win from before the rule
/// was switched on stays unfired.
#[test]
fn a_contacts_change_rechecks_the_rules_on_the_records_naming_it() {
    let rule = AutomationRule {
        enabled_at: NOON - DAY,
        criteria: SegmentFilter {
            tags: vec!["wholesale".into()],
            ..SegmentFilter::default()
        },
        ..follow_up_on_won()
    };
    assert!(rechecked_on_contact_change(&rule));
    assert!(
        !rechecked_on_contact_change(&follow_up_on_won()),
        "no criteria"
    );
    let on_contacts = AutomationRule {
        trigger: Trigger::Created {
            kind: EntityKind::Contact,
        },
        ..rule.clone()
    };
    assert!(!rechecked_on_contact_change(&on_contacts), "its own record");
    let off = AutomationRule {
        enabled: false,
        ..rule.clone()
    };
    assert!(!rechecked_on_contact_change(&off));

    assert_eq!(
        fire_on_deal(&rule, Some("open"), "won"),
        None,
        "not wholesale yet"
    );
    let (id, _, deal) = deal_won_at_noon();
    assert_eq!(named_contact(EntityKind::Deal, &deal), Some("contact-1"));
    let (mut lookup, zone) = (workspace(), tehran());
    let prepared = PreparedRule::new(&rule);
    let now = NOON + 2 * DAY;
    assert_eq!(
        prepared.pending_key(EntityKind::Deal, &id, &deal, now, &lookup, &zone),
        None
    );

    // The contact is tagged wholesale two days later.
    let contact = lookup.contacts.get_mut("contact-1").unwrap();
    contact.tags.push("Wholesale".into());
    let key = prepared
        .pending_key(EntityKind::Deal, &id, &deal, now, &lookup, &zone)
        .expect("the win fires once the contact meets the criteria");
    let won_stamp = deal.fields()["status"].stamp.clone();
    assert_eq!(key, TriggerKey::Changed(won_stamp));
    let rechecked = prepared.fire(EntityKind::Deal, &id, &deal, key.clone(), &lookup, &zone);
    // What a device that saw the win now (the contact as it is) fires: the same run.
    let on_device = PreparedRule::new(&rule)
        .on_change(
            &Change {
                kind: EntityKind::Deal,
                id: &id,
                before: Some(&deal_fields("open")),
                after: &deal,
            },
            &lookup,
            &zone,
        )
        .expect("fires on a device");
    assert_eq!(rechecked, on_device);
    assert_eq!(
        rechecked.run.id,
        run_id(&rule.id, EntityKind::Deal, &id, &key),
        "the run's id is derived, so a second re-check is the same run"
    );

    // Before the rule was switched on: not fired, criteria met or not.
    let later = AutomationRule {
        enabled_at: NOON + 1,
        ..rule.clone()
    };
    assert_eq!(
        PreparedRule::new(&later).pending_key(EntityKind::Deal, &id, &deal, now, &lookup, &zone),
        None
    );

    // A task names its contact by its link.
    let mut task = Map::new();
    task.insert("link".into(), json!({"kind": "contact", "id": "contact-1"}));
    assert_eq!(named_contact(EntityKind::Task, &task), Some("contact-1"));
    task.insert("link".into(), json!({"kind": "deal", "id": "deal-1"}));
    assert_eq!(named_contact(EntityKind::Task, &task), None);
}

#[test]
fn placeholders_fill_known_names_and_keep_the_rest() {
    let values = vec![
        ("first_name".to_owned(), "رضا".to_owned()),
        ("title".to_owned(), "Tiles".to_owned()),
    ];
    assert_eq!(
        fill_placeholders("{first_name} عزیز، {title} {unknown} {", &values),
        "رضا عزیز، Tiles {unknown} {"
    );
    // A brace opening no name is text: JSON around placeholders.
    assert_eq!(
        fill_placeholders(r#"{"name": "{first_name}", "n": {title}}"#, &values),
        r#"{"name": "رضا", "n": Tiles}"#
    );
}

/// "Invoice overdue 1 day → SMS the contact", in Persian.
fn overdue_sms() -> AutomationRule {
    AutomationRule {
        id: Id::from_string("rule-overdue"),
        name: "Overdue".into(),
        enabled: true,
        enabled_at: NOON - 30 * DAY,
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
        actions: vec![Action::SendMessage {
            via: SendVia::Sms,
            subject: String::new(),
            body: "{first_name} عزیز، فاکتور {number} سررسید گذشته است.".into(),
        }],
        ..AutomationRule::default()
    }
}

fn invoice(status: &str, due: GregorianDate) -> Map<String, Value> {
    let mut fields = Map::new();
    fields.insert("number".into(), json!("F-12"));
    fields.insert("status".into(), json!(status));
    fields.insert("contact_id".into(), json!("contact-1"));
    fields.insert("due_date".into(), json!(due.to_day().0));
    fields
}

#[test]
fn an_invoice_a_day_overdue_texts_its_contact_in_persian() {
    let rule = overdue_sms();
    let prepared = PreparedRule::new(&rule);
    let id = Id::from_string("invoice-1");
    let fields = invoice("sent", GregorianDate::new(2026, 2, 27).unwrap());
    let zone = tehran();
    let due = prepared.due_at(&id, &fields, &workspace(), &zone).unwrap();
    // The day after the due date starts at 00:00 in Tehran: 20:30 UTC on the due date.
    let due_day_start = GregorianDate::new(2026, 2, 27)
        .unwrap()
        .to_day()
        .to_unix_ms()
        - 7 * HOUR / 2;
    assert_eq!(due, due_day_start + 24 * HOUR);
    let mut persian = workspace();
    let reza = persian.contacts.get_mut("contact-1").unwrap();
    reza.first_name = "رضا".into();
    let fire = |fields: &Map<String, Value>, now, lookup: &Workspace| {
        let key = prepared.due_key(EntityKind::Invoice, &id, fields, now, lookup, &zone)?;
        Some(prepared.fire(EntityKind::Invoice, &id, fields, key, lookup, &zone))
    };
    assert!(fire(&fields, due - 1, &workspace()).is_none(), "not yet");
    let firing = fire(&fields, due, &persian).expect("due");
    assert_eq!(firing.run.trigger, format!("at:{due}"));
    assert_eq!(
        firing.run.id,
        run_id(&rule.id, EntityKind::Invoice, &id, &TriggerKey::At(due))
    );
    let [Effect::Message(message)] = firing.effects.as_slice() else {
        panic!("{:?}", firing.effects);
    };
    assert_eq!(message.to, "+989121234567");
    assert_eq!(message.body, "رضا عزیز، فاکتور F-12 سررسید گذشته است.");
    assert_eq!(firing.run.outcomes[0].result, RunResult::Queued);

    assert!(fire(
        &invoice("paid", GregorianDate::new(2026, 2, 27).unwrap()),
        due,
        &workspace()
    )
    .is_none());

    let mut unsubscribed = workspace();
    unsubscribed
        .contacts
        .get_mut("contact-1")
        .unwrap()
        .do_not_contact = true;
    let withheld = fire(&fields, due, &unsubscribed).expect("still logged");
    assert_eq!(withheld.effects, vec![Effect::Withheld]);
    assert_eq!(withheld.run.outcomes[0].result, RunResult::DoNotContact);

    let later = AutomationRule {
        enabled_at: due + 1,
        ..rule.clone()
    };
    assert!(
        PreparedRule::new(&later)
            .due_key(
                EntityKind::Invoice,
                &id,
                &fields,
                due + DAY,
                &workspace(),
                &zone
            )
            .is_none(),
        "switching a rule on does not replay the past"
    );
}

#[test]
fn no_activity_counts_from_the_last_activity() {
    let rule = AutomationRule {
        id: Id::from_string("rule-idle"),
        enabled: true,
        trigger: Trigger::NoActivity {
            kind: EntityKind::Contact,
            days: 30,
        },
        actions: vec![Action::Notify {
            member_ids: vec![Id::from_string("owner-1")],
            record_owner: false,
            text: "{full_name} is quiet".into(),
        }],
        ..AutomationRule::default()
    };
    let prepared = PreparedRule::new(&rule);
    let mut workspace = workspace();
    let fields = contact("contact-1").to_fields();
    let zone = tehran();
    assert_eq!(
        prepared.due_at(&Id::from_string("contact-1"), &fields, &workspace, &zone),
        Some(30 * DAY)
    );
    workspace
        .last_activity
        .insert(Id::from_string("contact-1"), NOON);
    assert_eq!(
        prepared.due_at(&Id::from_string("contact-1"), &fields, &workspace, &zone),
        Some(NOON + 30 * DAY)
    );
    let id = Id::from_string("contact-1");
    let key = prepared
        .due_key(
            EntityKind::Contact,
            &id,
            &fields,
            NOON + 31 * DAY,
            &workspace,
            &zone,
        )
        .unwrap();
    assert_eq!(key, TriggerKey::At(NOON + 30 * DAY));
    let firing = prepared.fire(EntityKind::Contact, &id, &fields, key, &workspace, &zone);
    let [Effect::Notify(notifications)] = &firing.effects[..] else {
        panic!("one notify effect: {:?}", firing.effects);
    };
    let texts: Vec<(String, &str)> = notifications
        .iter()
        .map(|n| (n.member_id.to_string(), n.text.as_str()))
        .collect();
    assert_eq!(texts, [("owner-1".to_owned(), "Reza Karimi is quiet")]);
}

fn notify_owner_on_won(member_ids: &[&str]) -> AutomationRule {
    AutomationRule {
        actions: vec![Action::Notify {
            member_ids: member_ids.iter().map(|id| Id::from_string(*id)).collect(),
            record_owner: true,
            text: "{title} was won".into(),
        }],
        ..follow_up_on_won()
    }
}

/// The members a firing notifies, with its notifications' texts.
fn notified(firing: &Firing) -> Vec<(String, String)> {
    firing
        .effects
        .iter()
        .flat_map(|effect| match effect {
            Effect::Notify(notifications) => notifications.clone(),
            _ => Vec::new(),
        })
        .map(|n| (n.member_id.to_string(), n.text))
        .collect()
}

#[test]
fn notify_reaches_the_named_members_and_the_records_owner_once_each() {
    let firing = fire_on_deal(&notify_owner_on_won(&["member-2"]), Some("open"), "won").unwrap();
    assert_eq!(
        notified(&firing),
        [
            ("member-2".to_owned(), "Tiles was won".to_owned()),
            ("owner-1".to_owned(), "Tiles was won".to_owned()),
        ]
    );
    // The owner named as well is notified once.
    let firing = fire_on_deal(&notify_owner_on_won(&["owner-1"]), Some("open"), "won").unwrap();
    assert_eq!(notified(&firing).len(), 1);
    assert_eq!(firing.run.outcomes[0].result, RunResult::Done);
    assert_eq!(
        notified_members(&[], true, None),
        Vec::<Id>::new(),
        "a record without an owner notifies nobody"
    );
    assert_eq!(
        notified_members(&[Id::from_string("member-2")], false, Some("owner-1")),
        [Id::from_string("member-2")],
        "the owner only when asked for"
    );
}

#[test]
fn a_record_without_an_owner_tells_the_run_nobody_was_notified() {
    let rule = AutomationRule {
        actions: vec![Action::Notify {
            member_ids: Vec::new(),
            record_owner: true,
            text: "won".into(),
        }],
        ..follow_up_on_won()
    };
    let id = Id::from_string("deal-1");
    let mut fields = deal_fields("won");
    fields.remove("owner_id");
    fields.remove("contact_id");
    let firing = PreparedRule::new(&rule).fire(
        EntityKind::Deal,
        &id,
        &fields,
        TriggerKey::Created,
        &workspace(),
        &tehran(),
    );
    assert_eq!(notified(&firing), []);
    assert_eq!(firing.run.outcomes[0].result, RunResult::NoMember);
}

/// Two devices firing the same rule for the same change write the same notifications: same
/// ids (from rule, record, trigger and member), same values.
#[test]
fn two_firings_of_one_trigger_give_one_notification_per_member() {
    let rule = notify_owner_on_won(&["member-2"]);
    let first = fire_on_deal(&rule, Some("open"), "won").unwrap();
    let second = fire_on_deal(&rule, Some("open"), "won").unwrap();
    assert_eq!(first.effects, second.effects);
    let Effect::Notify(notifications) = &first.effects[0] else {
        panic!("a notify effect");
    };
    for notification in notifications {
        assert_eq!(
            notification.id,
            notification_id(&first.run.id, &notification.member_id)
        );
        assert_eq!(notification.run_id, first.run.id);
        assert_eq!(notification.rule_id, rule.id);
        assert!(notification.is_unread());
        assert_eq!(
            notification.record.as_ref().map(|r| r.id.to_string()),
            Some("deal-1".to_owned())
        );
    }
    let ids: BTreeSet<String> = notifications.iter().map(|n| n.id.to_string()).collect();
    assert_eq!(ids.len(), 2, "one per member");
    // Another trigger (a later win) is another notification.
    let run = Id::from_string("another-run");
    assert_ne!(
        notification_id(&run, &notifications[0].member_id),
        notifications[0].id
    );
}

#[test]
fn preview_lists_what_fired_in_the_window_newest_first() {
    let rule = follow_up_on_won();
    let mut device = Device::new(1);
    let mut replica = Replica::default();
    // Oldest first: a clock never goes back.
    for (n, status) in [(4, "won"), (3, "won"), (2, "open"), (1, "won")] {
        let id = Id::from_string(format!("deal-{n}"));
        let wall = if n == 4 {
            NOON - 40 * DAY
        } else {
            NOON - n * DAY
        };
        replica.apply_all(&device.edit(
            wall as u64,
            EntityKind::Deal,
            &id,
            None,
            &deal_fields(status),
            false,
        ));
    }
    let hits = preview(
        &AutomationRule {
            enabled: false,
            ..rule
        },
        replica.live(EntityKind::Deal),
        &workspace(),
        NOON,
        30 * DAY,
        &tehran(),
    );
    let ids: Vec<String> = hits.iter().map(|hit| hit.id.to_string()).collect();
    assert_eq!(ids, ["deal-1", "deal-3"]);
}

/// One step of a session of devices sharing deals.
#[derive(Clone, Debug)]
enum Step {
    /// A person on `device` sets a deal's status (creating the deal if new to the device).
    SetStatus {
        device: usize,
        deal: usize,
        won: bool,
    },
    /// `device` receives one of the ops waiting for it.
    Deliver {
        device: usize,
        pick: prop::sample::Index,
    },
}

fn step(devices: usize) -> impl Strategy<Value = Step> {
    prop_oneof![
        1 => (0..devices, 0..2usize, any::<bool>())
            .prop_map(|(device, deal, won)| Step::SetStatus { device, deal, won }),
        3 => (0..devices, any::<prop::sample::Index>())
            .prop_map(|(device, pick)| Step::Deliver { device, pick }),
    ]
}

struct Node {
    device: Device,
    replica: Replica,
    inbox: Vec<Op>,
}

/// Applies ops on `nodes[at]`, fires the rule on what changed (writing what it fires, once
/// per run it does not hold yet) and sends what the device wrote (`own` ops, and what it
/// fired) to the other devices.
fn apply(nodes: &mut [Node], at: usize, ops: Vec<Op>, own: bool, rule: &AutomationRule, wall: u64) {
    let prepared = PreparedRule::new(rule);
    let lookup = workspace();
    let mut firings = Vec::new();
    for op in &ops {
        nodes[at].device.clock.observe(&op.stamp, wall);
    }
    for op in &ops {
        let node = &mut nodes[at];
        let id = Id::from(&op.record);
        let before = node
            .replica
            .get(op.entity, &id)
            .filter(|record| !record.fields().is_empty())
            .map(Record::to_map);
        if node.replica.apply(op) {
            let after = node.replica.get(op.entity, &id).unwrap();
            let change = Change {
                kind: op.entity,
                id: &id,
                before: before.as_ref(),
                after,
            };
            firings.extend(prepared.on_change(&change, &lookup, &tehran()));
        }
    }
    let mut written = if own { ops } else { Vec::new() };
    for firing in firings {
        let node = &mut nodes[at];
        if node
            .replica
            .get(EntityKind::AutomationRun, &firing.run.id)
            .is_some()
        {
            continue;
        }
        let mut made = node.device.edit(
            wall,
            EntityKind::AutomationRun,
            &firing.run.id,
            None,
            &firing.run.to_fields(),
            true,
        );
        for effect in &firing.effects {
            match effect {
                Effect::CreateTask(task) => made.extend(node.device.edit(
                    wall,
                    EntityKind::Task,
                    &task.id,
                    None,
                    &task.to_fields(),
                    true,
                )),
                Effect::Notify(notifications) => {
                    for notification in notifications {
                        made.extend(node.device.edit(
                            wall,
                            EntityKind::Notification,
                            &notification.id,
                            None,
                            &notification.to_fields(),
                            true,
                        ));
                    }
                }
                _ => {}
            }
        }
        node.replica.apply_all(&made);
        written.extend(made);
    }
    for (other, node) in nodes.iter_mut().enumerate() {
        if other != at {
            node.inbox.extend(written.iter().cloned());
        }
    }
}

proptest! {
    /// Any number of devices, any delivery order (and repeats): replicas converge, every run
    /// has exactly its one task and at most its owner's one notification, every run answers a
    /// person's op that won the deal, and the winning "won" of each deal fired exactly once.
    #[test]
    fn each_trigger_fires_once_whichever_devices_see_it(
        (devices, steps) in (1..5usize).prop_flat_map(|devices| {
            (Just(devices), prop::collection::vec(step(devices), 1..40))
        })
    ) {
        let mut rule = follow_up_on_won();
        rule.actions.push(Action::Notify {
            member_ids: Vec::new(),
            record_owner: true,
            text: "{title} won".into(),
        });
        let mut nodes: Vec<Node> = (0..devices)
            .map(|n| Node { device: Device::new(n as u8 + 1), replica: Replica::default(), inbox: Vec::new() })
            .collect();
        let deals = [Id::from_string("deal-a"), Id::from_string("deal-b")];
        let mut won_stamps = BTreeSet::new();
        for (tick, step) in steps.into_iter().enumerate() {
            let wall = NOON as u64 + tick as u64 * 1000;
            match step {
                Step::SetStatus { device, deal, won } => {
                    let id = &deals[deal];
                    let before = nodes[device].replica.get(EntityKind::Deal, id).map(Record::to_map);
                    let mut next = before.clone().unwrap_or_else(|| deal_fields("open"));
                    next.insert("status".into(), json!(if won { "won" } else { "open" }));
                    let ops = nodes[device].device.edit(wall, EntityKind::Deal, id, before.as_ref(), &next, false);
                    won_stamps.extend(ops.iter().filter(|op| op.field == "status" && op.value == json!("won")).map(|op| op.stamp.clone()));
                    apply(&mut nodes, device, ops, true, &rule, wall);
                }
                Step::Deliver { device, pick } => {
                    if nodes[device].inbox.is_empty() {
                        continue;
                    }
                    let inbox = &mut nodes[device].inbox;
                    let op = inbox.remove(pick.index(inbox.len()));
                    apply(&mut nodes, device, vec![op], false, &rule, wall);
                }
            }
        }
        // Everything arrives everywhere, in the order queued.
        let wall = NOON as u64 + 100_000;
        while let Some(at) = nodes.iter().position(|node| !node.inbox.is_empty()) {
            let ops = std::mem::take(&mut nodes[at].inbox);
            apply(&mut nodes, at, ops, false, &rule, wall);
        }
        for node in &nodes[1..] {
            prop_assert_eq!(&node.replica, &nodes[0].replica);
        }
        let replica = &nodes[0].replica;
        let runs: Vec<(&Id, &Record)> = replica.live(EntityKind::AutomationRun).collect();
        let tasks: BTreeMap<String, &Record> = replica
            .live(EntityKind::Task)
            .map(|(id, record)| (id.to_string(), record))
            .collect();
        prop_assert_eq!(tasks.len(), runs.len());
        let notifications: BTreeSet<String> = replica
            .live(EntityKind::Notification)
            .map(|(id, _)| id.to_string())
            .collect();
        // At most the owner's one per run: a device that held the won status before the
        // deal's owner (ops arrive one by one) notifies nobody, and says so in the run.
        let owner = Id::from_string("owner-1");
        let expected: BTreeSet<String> = runs
            .iter()
            .map(|(run_id, _)| notification_id(run_id, &owner).to_string())
            .collect();
        prop_assert!(notifications.is_subset(&expected), "{:?} not of {:?}", notifications, expected);
        let triggers: BTreeSet<(String, &str)> = runs
            .iter()
            .map(|(_, run)| (format!("{:?}", run.field("record")), run.text("trigger").unwrap()))
            .collect();
        prop_assert_eq!(triggers.len(), runs.len(), "one run per trigger");
        for (run_id, run) in &runs {
            prop_assert!(tasks.contains_key(&effect_id(run_id, 0).to_string()));
            let trigger = run.text("trigger").unwrap();
            let stamp = trigger.strip_prefix("changed:").unwrap();
            prop_assert!(won_stamps.iter().any(|won| won.to_sort_key() == stamp), "{} answers no person's won", trigger);
        }
        for deal in &deals {
            let Some(state) = replica.get(EntityKind::Deal, deal).and_then(|r| r.fields().get("status")) else {
                continue;
            };
            if state.value == json!("won") {
                let key = TriggerKey::Changed(state.stamp.clone());
                prop_assert!(replica.get(EntityKind::AutomationRun, &run_id(&rule.id, EntityKind::Deal, deal, &key)).is_some());
            }
        }
    }
}

#[test]
fn a_rule_needs_a_name_an_action_and_complete_actions() {
    use crate::validate::Validate;
    let fields = |rule: &AutomationRule| -> Vec<(&str, Option<usize>)> {
        rule.validate()
            .into_iter()
            .map(|error| (error.field, error.index))
            .collect()
    };
    assert_eq!(fields(&follow_up_on_won()), []);
    assert_eq!(
        fields(&AutomationRule::default()),
        [("name", None), ("actions", None)]
    );
    let mut rule = overdue_sms();
    rule.actions.push(Action::Webhook {
        url: "ftp://example.com".into(),
    });
    rule.trigger = Trigger::FieldTime {
        kind: EntityKind::Invoice,
        field: String::new(),
        hours: 100_000,
    };
    assert_eq!(
        fields(&rule),
        [("field", None), ("hours", None), ("url", Some(1))]
    );
}

#[test]
fn a_device_reads_the_notifications_of_the_member_it_syncs_as() {
    use crate::model::{Reader, TeamMember};
    let team = [
        TeamMember {
            id: Id::from_string("owner-1"),
            name: "Sara".into(),
            ..TeamMember::default()
        },
        TeamMember {
            id: Id::from_string("member-2"),
            name: "Ali".into(),
            email: "ali@example.com".into(),
            ..TeamMember::default()
        },
        TeamMember {
            id: Id::from_string("member-3"),
            name: "Old".into(),
            active: false,
            ..TeamMember::default()
        },
    ];
    let owner = Id::from_string("owner-1");
    let ali = Id::from_string("member-2");
    assert_eq!(Reader::of(None, &team), Reader::Everyone);
    assert_eq!(
        Reader::of(Some(" sara"), &team),
        Reader::Member(Some(&owner))
    );
    assert_eq!(
        Reader::of(Some("ALI@example.com"), &team),
        Reader::Member(Some(&ali))
    );
    assert_eq!(
        Reader::of(Some("Old"), &team),
        Reader::Member(None),
        "members who left read none"
    );
    assert_eq!(Reader::of(Some(""), &team), Reader::Member(None));
    let firing = fire_on_deal(&notify_owner_on_won(&["member-2"]), Some("open"), "won").unwrap();
    let Effect::Notify(notifications) = &firing.effects[0] else {
        panic!("a notify effect");
    };
    let for_reader = |reader: Reader| -> Vec<String> {
        notifications
            .iter()
            .filter(|n| n.is_for(reader))
            .map(|n| n.member_id.to_string())
            .collect()
    };
    assert_eq!(for_reader(Reader::Everyone).len(), 2);
    assert_eq!(for_reader(Reader::Member(Some(&owner))), ["owner-1"]);
    assert_eq!(for_reader(Reader::Member(None)), Vec::<String>::new());
}
