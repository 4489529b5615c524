use super::*;
use crate::model::DealStatus;
use proptest::prelude::*;

fn picked(keys: &[u32]) -> Selection<u32> {
    let mut selection = Selection::default();
    for key in keys {
        selection.toggle(*key);
    }
    selection
}

fn contact(id: &str, tags: &[&str]) -> Contact {
    Contact {
        id: Id::from_string(id),
        first_name: "Reza".into(),
        tags: tags.iter().map(|tag| (*tag).to_owned()).collect(),
        ..Contact::default()
    }
}

#[test]
fn a_click_toggles_one_row() {
    let mut selection = picked(&[3, 5]);
    assert!(selection.contains(&3) && selection.contains(&5) && !selection.contains(&4));
    selection.toggle(3);
    assert!(!selection.contains(&3));
    assert_eq!(selection.count(10), 1);
}

#[test]
fn a_shift_click_selects_the_range_from_the_anchor_in_the_order_shown() {
    let shown = [9, 2, 7, 4, 1, 8];
    let mut selection = picked(&[7]);
    selection.extend_to(&shown, 8);
    assert_eq!(selection.resolve(&shown), vec![&7, &4, &1, &8]);
    // Backwards from the new anchor (8) keeps what was selected and adds the rest.
    selection.extend_to(&shown, 2);
    assert_eq!(selection.resolve(&shown), vec![&2, &7, &4, &1, &8]);
}

#[test]
fn a_shift_click_without_an_anchor_shown_is_a_click() {
    let mut selection = Selection::default();
    selection.extend_to(&[1, 2, 3], 2);
    assert_eq!(selection.resolve(&[1, 2, 3]), vec![&2]);
    let mut hidden_anchor = picked(&[42]);
    hidden_anchor.extend_to(&[1, 2, 3], 3);
    assert_eq!(hidden_anchor.resolve(&[1, 2, 3]), vec![&3]);
}

#[test]
fn all_matching_holds_no_keys_and_counts_from_the_rows_shown() {
    let mut selection: Selection<u32> = Selection::default();
    selection.select_all_matching();
    assert_eq!(selection.count(100_000), 100_000);
    assert!(selection.is_all(100_000));
    selection.toggle(17);
    assert_eq!(selection.count(100_000), 99_999);
    assert!(!selection.is_all(100_000));
    assert!(!selection.contains(&17) && selection.contains(&18));
    selection.toggle(17);
    assert!(selection.is_all(100_000));
    selection.clear();
    assert!(selection.is_empty(100_000));
}

#[test]
fn nothing_shown_is_never_all_selected() {
    let mut selection: Selection<u32> = Selection::default();
    selection.select_all_matching();
    assert!(!selection.is_all(0));
    assert!(selection.is_empty(0));
}

#[test]
fn adding_a_tag_skips_contacts_that_have_it_in_any_case() {
    let contacts = [
        contact("a", &["VIP"]),
        contact("b", &["lead"]),
        contact("c", &[]),
    ];
    let edits = ContactChange::AddTag(" vip ".into()).edits(&contacts, 0);
    let ids: Vec<String> = edits
        .iter()
        .map(|(before, _)| before.id.to_string())
        .collect();
    assert_eq!(ids, ["b", "c"]);
    assert_eq!(edits[0].1.tags, ["lead", "vip"]);
}

#[test]
fn a_blank_tag_changes_nothing() {
    let contacts = [contact("a", &[])];
    assert!(ContactChange::AddTag("  ".into())
        .edits(&contacts, 0)
        .is_empty());
}

#[test]
fn removing_a_tag_ignores_letter_case() {
    let contacts = [contact("a", &["VIP", "lead"]), contact("b", &["lead"])];
    let edits = ContactChange::RemoveTag("vip".into()).edits(&contacts, 0);
    assert_eq!(edits.len(), 1);
    assert_eq!(edits[0].1.tags, ["lead"]);
}

#[test]
fn setting_the_stage_stamps_the_change() {
    let contacts = [contact("a", &[])];
    let edits = ContactChange::SetState(LifecycleStage::Customer).edits(&contacts, 1_000);
    let after = &edits[0].1;
    assert_eq!(after.lifecycle_stage, LifecycleStage::Customer);
    assert_eq!(after.lifecycle_changed_at, Some(1_000));
    assert_eq!(after.became_customer_at, Some(1_000));
    // Already there: nothing to write.
    assert!(ContactChange::SetState(LifecycleStage::Customer)
        .edits([after], 2_000)
        .is_empty());
}

#[test]
fn setting_the_owner_writes_only_other_owners() {
    let owner = Id::from_string("member-1");
    let mut owned = contact("a", &[]);
    owned.owner_id = Some(owner.clone());
    let contacts = [owned, contact("b", &[])];
    let edits = ContactChange::SetOwner(Some(owner.clone())).edits(&contacts, 0);
    assert_eq!(edits.len(), 1);
    assert_eq!(edits[0].1.owner_id, Some(owner));
}

/// Every field a change alters is among its written fields, with the value `to_fields`
/// gives it: a bulk write built from them writes what comparing whole records would.
#[test]
fn a_change_alters_only_its_written_fields_which_read_as_the_record_does() {
    use crate::model::Entity;
    let owner = Id::from_string("member-1");
    let mut customer = contact("a", &["VIP"]);
    customer.owner_id = Some(owner.clone());
    customer.set_lifecycle_stage(LifecycleStage::Customer, 500);
    let contacts = [customer, contact("b", &[]), contact("c", &["lead"])];
    let changes = [
        ContactChange::SetOwner(Some(owner)),
        ContactChange::SetOwner(None),
        ContactChange::AddTag("vip".into()),
        ContactChange::RemoveTag("lead".into()),
        ContactChange::SetState(LifecycleStage::Customer),
        ContactChange::SetState(LifecycleStage::Lead),
    ];
    for change in &changes {
        for (before, after) in change.edits(&contacts, 1_000) {
            let (whole_before, whole_after) = (before.to_fields(), after.to_fields());
            let written = change.written_fields(&after);
            for (name, value) in &whole_after {
                match written.get(name) {
                    Some(written) => assert_eq!(written, value, "{change:?} {name}"),
                    None => assert_eq!(whole_before.get(name), Some(value), "{change:?} {name}"),
                }
            }
            assert_eq!(
                change.written_fields(&before),
                written
                    .keys()
                    .map(|name| (name.clone(), whole_before[name].clone()))
                    .collect(),
                "{change:?}"
            );
        }
    }
}

fn deal(id: &str, stage: &Stage) -> Deal {
    Deal {
        id: Id::from_string(id),
        title: "Deal".into(),
        stage_id: stage.id.clone(),
        ..Deal::default()
    }
}

fn stage(id: &str, outcome: DealStatus) -> Stage {
    Stage {
        id: Id::from_string(id),
        name: id.into(),
        probability_pct: 50,
        outcome,
    }
}

#[test]
fn moving_deals_records_each_move_and_takes_the_stage_outcome() {
    let (lead, won) = (
        stage("lead", DealStatus::Open),
        stage("won", DealStatus::Won),
    );
    let by = Some(Id::from_string("member-1"));
    let deals = [deal("a", &lead), deal("b", &won)];
    let change = BulkChange::SetState(StageMove {
        stage: won.clone(),
        by: by.clone(),
        lost_reason: String::new(),
    });
    let edits = change.edits(&deals, 5_000);
    // The deal already there is left out of the write.
    assert_eq!(edits.len(), 1);
    let after = &edits[0].1;
    assert_eq!(after.stage_id, won.id);
    assert_eq!(after.status, DealStatus::Won);
    assert_eq!(after.closed_at, Some(5_000));
    assert_eq!(after.stage_history.last().map(|m| m.by.clone()), Some(by));
    // Undone, the deal is exactly as it was, history included.
    let undone = undoing(edits);
    assert_eq!(undone[0].1, deals[0]);
}

#[test]
fn a_ticket_resolved_in_bulk_is_stamped_and_reopening_clears_it() {
    let ticket = Ticket {
        id: Id::from_string("t"),
        status: TicketStatus::Open,
        csat: None,
        ..Ticket::default()
    };
    let resolved = BulkChange::SetState(TicketStatus::Resolved)
        .apply(&ticket, 7_000)
        .expect("an open ticket changes");
    assert_eq!(resolved.resolved_at, Some(7_000));
    assert_eq!(resolved.first_response_at, Some(7_000));
    let reopened = BulkChange::SetState(TicketStatus::Open)
        .apply(&resolved, 8_000)
        .expect("a resolved ticket changes");
    assert_eq!(reopened.resolved_at, None);
    // A ticket's owner is its assignee.
    let owner = Id::from_string("member-2");
    let assigned = BulkChange::<TicketStatus>::SetOwner(Some(owner.clone()))
        .apply(&ticket, 0)
        .expect("assigned");
    assert_eq!(assigned.assignee_id, Some(owner));
}

#[test]
fn a_kind_without_tags_is_left_out_of_a_tag_change() {
    let invoice = Invoice {
        id: Id::from_string("i"),
        ..Invoice::default()
    };
    assert!(BulkChange::<InvoiceStatus>::AddTag("vip".into())
        .edits([&invoice], 0)
        .is_empty());
    let owner = Some(Id::from_string("member-3"));
    let edits = BulkChange::<InvoiceStatus>::SetOwner(owner.clone()).edits([&invoice], 0);
    assert_eq!(edits[0].1.owner_id, owner);
}

#[test]
fn companies_take_tags_like_contacts() {
    let company = Company {
        id: Id::from_string("c"),
        name: "Pars".into(),
        tags: vec!["VIP".into()],
        ..Company::default()
    };
    assert!(BulkChange::<Stateless>::AddTag("vip".into())
        .edits([&company], 0)
        .is_empty());
    let edits = BulkChange::<Stateless>::RemoveTag("vip".into()).edits([&company], 0);
    assert!(edits[0].1.tags.is_empty());
}

proptest! {
    /// Toggling a row twice leaves the selection as it was, in either form.
    #[test]
    fn toggling_twice_changes_nothing(keys in proptest::collection::vec(0u32..50, 0..20), key in 0u32..50, all in any::<bool>()) {
        let mut selection = picked(&keys);
        if all {
            selection.select_all_matching();
        }
        let shown: Vec<u32> = (0..50).collect();
        let before = selection.resolve(&shown).into_iter().copied().collect::<Vec<_>>();
        selection.toggle(key);
        selection.toggle(key);
        let after = selection.resolve(&shown).into_iter().copied().collect::<Vec<_>>();
        prop_assert_eq!(before, after);
    }

    /// The count agrees with the rows the selection resolves to.
    #[test]
    fn the_count_is_what_resolves(keys in proptest::collection::vec(0u32..50, 0..30), all in any::<bool>(), unticked in proptest::collection::vec(0u32..50, 0..10)) {
        let mut selection = picked(&keys);
        if all {
            selection.select_all_matching();
        }
        for key in unticked {
            selection.toggle(key);
        }
        let shown: Vec<u32> = (0..50).collect();
        prop_assert_eq!(selection.count(shown.len()), selection.resolve(&shown).len());
    }

    /// A bulk tag's edits, then their undoing, give every contact back as it was.
    #[test]
    fn undoing_restores_every_contact(tag in "[a-zA-Z]{1,6}", tagged in proptest::collection::vec(any::<bool>(), 0..20)) {
        let contacts: Vec<Contact> = tagged
            .iter()
            .enumerate()
            .map(|(at, has)| contact(&at.to_string(), if *has { &["x"] } else { &[] }))
            .collect();
        let mut held = contacts.clone();
        let write = |held: &mut Vec<Contact>, edits: &[(Contact, Contact)]| {
            for (before, after) in edits {
                let at = held.iter().position(|c| c == before).expect("the edit's record is held");
                held[at] = after.clone();
            }
        };
        let edits = ContactChange::AddTag(tag.clone()).edits(&contacts, 0);
        write(&mut held, &edits);
        prop_assert!(held.iter().all(|c| has_tag(&c.tags, &tag)));
        write(&mut held, &undoing(edits));
        prop_assert_eq!(held, contacts);
    }
}

fn invoice(id: &str, kind: crate::model::InvoiceKind, status: InvoiceStatus) -> Invoice {
    Invoice {
        id: Id::from_string(id),
        kind,
        status,
        ..Invoice::default()
    }
}

#[test]
fn invoices_take_only_the_statuses_their_life_allows_and_name_the_rest() {
    use crate::model::InvoiceKind::{Invoice as Bill, Quote};
    let records = [
        invoice("draft", Bill, InvoiceStatus::Draft),
        invoice("sent", Bill, InvoiceStatus::Sent),
        Invoice {
            paid_at: Some(7),
            ..invoice("paid", Bill, InvoiceStatus::Paid)
        },
        invoice("quote", Quote, InvoiceStatus::Sent),
    ];
    let change = BulkChange::SetState(InvoiceStatus::Paid);
    let edits = change.edits(&records, 500);
    let changed: Vec<String> = edits
        .iter()
        .map(|(before, _)| before.id.to_string())
        .collect();
    assert_eq!(changed, ["draft", "sent"]);
    assert!(edits
        .iter()
        .all(|(_, after)| after.status == InvoiceStatus::Paid && after.paid_at == Some(500)));
    // A paid invoice is already there (unchanged, not refused); a quote is never paid.
    let refused: Vec<String> = change
        .refused(&records)
        .iter()
        .map(|i| i.id.to_string())
        .collect();
    assert_eq!(refused, ["quote"]);
}

#[test]
fn paid_and_cancelled_are_final_and_undoing_restores_the_payment() {
    use crate::model::InvoiceKind::Invoice as Bill;
    let mut paid = invoice("paid", Bill, InvoiceStatus::Paid);
    paid.paid_at = Some(42);
    for to in [
        InvoiceStatus::Draft,
        InvoiceStatus::Sent,
        InvoiceStatus::Cancelled,
    ] {
        assert!(!paid.can_become(to), "paid → {to:?}");
        assert!(
            !invoice("c", Bill, InvoiceStatus::Cancelled).can_become(to)
                || to == InvoiceStatus::Cancelled
        );
    }
    let sent = invoice("sent", Bill, InvoiceStatus::Sent);
    let edits = BulkChange::SetState(InvoiceStatus::Paid).edits([&sent], 900);
    let (after, before) = undoing(edits).remove(0);
    assert_eq!(
        (after.status, after.paid_at),
        (InvoiceStatus::Paid, Some(900))
    );
    assert_eq!(before, sent);
}

#[test]
fn other_changes_refuse_nothing() {
    let records = [invoice(
        "paid",
        crate::model::InvoiceKind::Invoice,
        InvoiceStatus::Paid,
    )];
    assert!(BulkChange::<InvoiceStatus>::SetOwner(None)
        .refused(&records)
        .is_empty());
}

#[test]
fn deals_moved_to_a_lost_stage_take_the_one_reason_and_none_without_it() {
    let (lead, lost) = (
        stage("lead", DealStatus::Open),
        stage("lost", DealStatus::Lost),
    );
    let deals = [deal("a", &lead), deal("b", &lead)];
    let to_lost = |reason: &str| {
        BulkChange::SetState(StageMove {
            stage: lost.clone(),
            by: None,
            lost_reason: reason.to_owned(),
        })
    };
    let edits = to_lost(" Price ").edits(&deals, 9_000);
    assert_eq!(edits.len(), 2);
    assert!(edits
        .iter()
        .all(|(_, after)| after.status == DealStatus::Lost
            && after.lost_reason == "Price"
            && after.closed_at == Some(9_000)));
    // Without a reason nothing moves, and every deal is named as refused.
    let blank = to_lost("  ");
    assert!(blank.edits(&deals, 9_000).is_empty());
    assert_eq!(blank.refused(&deals).len(), 2);
    // Undone, each deal is open again with no reason.
    assert_eq!(undoing(edits)[1].1, deals[1]);
}

/// An owner or tag change's written fields, read from the one field alone, are what the
/// whole record's `to_fields` holds under that name, for every kind a list changes in bulk,
/// set or empty.
#[test]
fn written_fields_of_an_owner_or_tag_change_are_those_of_the_whole_record_for_every_kind() {
    fn check<E: BulkRecord>(empty: E, changes: &[BulkChange<E::State>]) {
        let mut set = empty.clone();
        if let Some(owner) = set.owner_mut() {
            *owner = Some(Id::from_string("member-1"));
        }
        if let Some(tags) = set.tags_mut() {
            *tags = vec!["vip".into(), "lead".into()];
        }
        for record in [&empty, &set] {
            let whole = record.to_fields();
            for change in changes {
                let written = change.written_fields(record);
                let name = match change {
                    BulkChange::SetOwner(_) => E::OWNER_FIELD,
                    _ => "tags",
                };
                let expected: Map<String, Value> = whole
                    .iter()
                    .filter(|(field, _)| *field == name)
                    .map(|(field, value)| (field.clone(), value.clone()))
                    .collect();
                assert_eq!(written, expected, "{:?} {name}", E::KIND);
            }
        }
    }
    fn changes<S>() -> [BulkChange<S>; 3] {
        [
            BulkChange::SetOwner(None),
            BulkChange::AddTag("x".into()),
            BulkChange::RemoveTag("x".into()),
        ]
    }
    check(contact("a", &[]), &changes());
    check(Company::default(), &changes());
    check(Deal::default(), &changes());
    check(Ticket::default(), &changes());
    check(Invoice::default(), &changes());
}
