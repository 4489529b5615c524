//! The store against real IndexedDB in headless Chromium. Each test works in a database of
//! its own and deletes it at the end.

use super::*;
use rabet_domain::feed::{FeedEntry, FeedFilter, Who};
use rabet_domain::history::Change;
use rabet_domain::model::{Contact, Phone, PhoneLabel, Task};
use rabet_domain::sync::{Refusal, SessionInfo};
use wasm_bindgen_test::wasm_bindgen_test;

/// A database name no other test (or earlier run) uses.
fn unique_name(test: &str) -> String {
    format!("rabet-test-{test}-{}", new_id())
}

async fn delete_database(name: &str) {
    Database::delete_by_name(name)
        .expect("deleteDatabase starts")
        .await
        .expect("the test database is deleted");
}

fn contact(first_name: &str, company: Option<&Id>) -> Contact {
    Contact {
        id: new_id(),
        first_name: first_name.to_owned(),
        last_name: "Karimi".to_owned(),
        company_id: company.cloned(),
        phones: vec![Phone {
            label: PhoneLabel::Mobile,
            number: "+989121234567".to_owned(),
        }],
        ..Contact::default()
    }
}

fn sorted_by_id(mut contacts: Vec<Contact>) -> Vec<Contact> {
    contacts.sort_by(|a, b| a.id.cmp(&b.id));
    contacts
}

fn task(title: &str, due_at: Option<i64>) -> Task {
    Task {
        id: new_id(),
        title: title.to_owned(),
        due_at,
        ..Task::default()
    }
}

#[wasm_bindgen_test]
async fn create_edit_delete_restore_survive_reopening() {
    let name = unique_name("round-trip");
    let sara = contact("Sara", None);
    Store::open_named(&name)
        .await
        .unwrap()
        .save(None, &sara)
        .await
        .unwrap();
    let store = Store::open_named(&name).await.unwrap();
    assert_eq!(
        store.load::<Contact>().await.unwrap(),
        std::slice::from_ref(&sara)
    );

    let edited = Contact {
        first_name: "Sarah".to_owned(),
        tags: vec!["vip".to_owned()],
        ..sara.clone()
    };
    store.save(Some(&sara), &edited).await.unwrap();
    drop(store);
    let store = Store::open_named(&name).await.unwrap();
    assert_eq!(
        store.load::<Contact>().await.unwrap(),
        std::slice::from_ref(&edited)
    );

    store.delete(EntityKind::Contact, &sara.id).await.unwrap();
    drop(store);
    let store = Store::open_named(&name).await.unwrap();
    assert_eq!(store.load::<Contact>().await.unwrap(), []);

    store.restore(EntityKind::Contact, &sara.id).await.unwrap();
    drop(store);
    let store = Store::open_named(&name).await.unwrap();
    assert_eq!(store.load::<Contact>().await.unwrap(), [edited]);

    drop(store);
    delete_database(&name).await;
}

#[wasm_bindgen_test]
async fn an_edit_queues_ops_for_the_changed_fields_only_in_stamp_order() {
    let name = unique_name("outbox");
    let store = Store::open_named(&name).await.unwrap();
    let node = *store.node();
    let sara = contact("Sara", None);
    store.save(None, &sara).await.unwrap();
    let created = store.outbox().await.unwrap();
    // One op per field written; the id travels as every op's `record`.
    let created_fields: BTreeSet<&str> = created.iter().map(|op| op.field.as_str()).collect();
    assert_eq!(created_fields.len(), created.len());
    assert!(created_fields.contains("first_name") && !created_fields.contains(row::ID));

    let edited = Contact {
        first_name: "Sarah".to_owned(),
        job_title: "Buyer".to_owned(),
        ..sara.clone()
    };
    store.save(Some(&sara), &edited).await.unwrap();
    // Saving without changes writes nothing.
    store.save(Some(&edited), &edited).await.unwrap();

    let outbox = store.outbox().await.unwrap();
    assert_eq!(outbox.len(), created.len() + 2);
    assert_eq!(outbox[..created.len()], created[..]);
    let edit_ops: Vec<(&str, &Value)> = outbox[created.len()..]
        .iter()
        .map(|op| (op.field.as_str(), &op.value))
        .collect();
    assert_eq!(
        edit_ops,
        [
            ("first_name", &Value::from("Sarah")),
            ("job_title", &Value::from("Buyer"))
        ]
    );
    assert!(outbox.windows(2).all(|pair| pair[0].stamp < pair[1].stamp));
    assert!(outbox
        .iter()
        .all(|op| op.stamp.node == node && op.record == sara.id));

    // Acknowledging the creation leaves the edit queued.
    store
        .acknowledge_through(&store.pending().await.unwrap(), created.last().unwrap())
        .await
        .unwrap();
    assert_eq!(store.outbox().await.unwrap(), outbox[created.len()..]);

    drop(store);
    delete_database(&name).await;
}

#[wasm_bindgen_test]
async fn upgrading_a_version_1_database_keeps_everything() {
    let name = unique_name("upgrade");
    let company = new_id();
    let contacts = [
        contact("Ali", Some(&company)),
        contact("Bita", None),
        contact("Cyrus", Some(&company)),
    ];
    let old = Store::open_at_version(&name, 1).await.unwrap();
    let last = old.clock.borrow().last().clone();
    old.save_many(&contacts, Ids::MayExist, |_| {})
        .await
        .unwrap();
    old.delete(EntityKind::Contact, &contacts[2].id)
        .await
        .unwrap();
    let outbox = old.outbox().await.unwrap();
    drop(old);

    let store = Store::open_named(&name).await.unwrap();
    assert_eq!(store.db().version(), f64::from(SCHEMA_VERSION));
    // A new replica, whose clock starts past every stamp the old one saved.
    assert_ne!(store.node(), &last.node);
    assert!(*store.clock.borrow().last() > last);
    assert_eq!(
        store.load::<Contact>().await.unwrap(),
        sorted_by_id(contacts[..2].to_vec())
    );
    assert_eq!(store.outbox().await.unwrap(), outbox);
    // Every kind of record has its store, whatever step created it.
    let stores: Vec<String> = store.db().object_store_names().collect();
    for kind in EntityKind::ALL {
        assert!(
            stores.iter().any(|s| s == kind.as_str()),
            "{kind:?} has no store"
        );
    }

    drop(store);
    delete_database(&name).await;
}

/// The names of the indexes of `kind`'s store.
fn index_names(store: &Store, kind: EntityKind) -> Vec<String> {
    let tx = store
        .transaction(&[kind.as_str()], TransactionMode::Readonly)
        .unwrap();
    let store = tx.object_store(kind.as_str()).unwrap();
    let names: Vec<String> = store.index_names().collect();
    names
}

#[wasm_bindgen_test]
async fn upgrading_a_version_2_database_drops_its_indexes_and_keeps_the_records() {
    let name = unique_name("drop-indexes");
    let company = new_id();
    let contacts = [contact("Ali", Some(&company)), contact("Bita", None)];
    let tasks = [task("call", Some(2_000)), task("undated", None)];
    let old = Store::open_at_version(&name, 2).await.unwrap();
    old.save_many(&contacts, Ids::Fresh, |_| {}).await.unwrap();
    old.save_many(&tasks, Ids::Fresh, |_| {}).await.unwrap();
    old.delete(EntityKind::Task, &tasks[1].id).await.unwrap();
    assert_eq!(index_names(&old, EntityKind::Contact), ["company_id"]);
    assert_eq!(
        index_names(&old, EntityKind::Activity).len(),
        4,
        "version 2 had four activity indexes"
    );
    let last = old.clock.borrow().last().clone();
    let outbox = old.outbox().await.unwrap();
    drop(old);

    let store = Store::open_named(&name).await.unwrap();
    assert_eq!(store.db().version(), f64::from(SCHEMA_VERSION));
    for kind in EntityKind::ALL {
        assert_eq!(index_names(&store, kind), [] as [String; 0], "{kind:?}");
    }
    // A new replica, whose clock starts past every stamp the old one saved.
    assert_ne!(store.node(), &last.node);
    assert!(*store.clock.borrow().last() > last);
    assert_eq!(
        store.load::<Contact>().await.unwrap(),
        sorted_by_id(contacts.to_vec())
    );
    assert_eq!(store.load::<Task>().await.unwrap(), tasks[..1]);
    assert_eq!(store.outbox().await.unwrap(), outbox);
    // Records still merge: an edit after the upgrade reads what was stored before it.
    let renamed = Contact {
        first_name: "Alireza".into(),
        ..contacts[0].clone()
    };
    store.save(Some(&contacts[0]), &renamed).await.unwrap();
    let loaded = store.load::<Contact>().await.unwrap();
    assert!(loaded.contains(&renamed) && loaded.contains(&contacts[1]));

    drop(store);
    delete_database(&name).await;
}

#[wasm_bindgen_test]
async fn save_many_stores_thousands_in_chunks_and_load_returns_them_all() {
    let name = unique_name("save-many");
    let store = Store::open_named(&name).await.unwrap();
    // Three chunks, and more rows than one decode batch on load.
    let total = 3 * SAVE_MANY_CHUNK - 500;
    assert!(total > row::DECODE_BATCH as usize);
    let contacts: Vec<Contact> = (0..total)
        .map(|i| contact(&format!("Contact {i}"), None))
        .collect();
    let mut progress = Vec::new();
    // Fresh ids, as an import makes: written without reading first.
    store
        .save_many(&contacts, Ids::Fresh, |saved| progress.push(saved))
        .await
        .unwrap();
    // One callback, and one transaction, per chunk.
    assert_eq!(progress, [SAVE_MANY_CHUNK, 2 * SAVE_MANY_CHUNK, total]);
    let loaded = store.load::<Contact>().await.unwrap();
    assert_eq!(loaded.len(), total);
    assert!(
        loaded == sorted_by_id(contacts.clone()),
        "load returns every record saved, in id order"
    );
    // Their merge state is complete: a later edit merges into it like any other.
    let mut edited = contacts[0].clone();
    edited.job_title = "Buyer".into();
    store.save(Some(&contacts[0]), &edited).await.unwrap();
    let reloaded = store.load::<Contact>().await.unwrap();
    assert!(reloaded.contains(&edited));

    drop(store);
    delete_database(&name).await;
}

/// An import's batches are made one at a time, each while the one before it commits: the
/// first two before anything is stored, then each once the batch two before it is.
#[wasm_bindgen_test]
async fn new_batches_are_made_while_the_ones_before_commit() {
    let name = unique_name("save-batches");
    let store = Store::open_named(&name).await.unwrap();
    let contacts: Vec<Contact> = (0..40)
        .map(|i| contact(&format!("Contact {i}"), None))
        .collect();
    let saved = std::cell::Cell::new(0);
    let mut made_after = Vec::new();
    let batches = contacts.chunks(10).map(|part| {
        made_after.push(saved.get());
        Ok((store.new_record_ops(part)?, part.len()))
    });
    store
        .save_new_batches(batches, Ids::Fresh, |done| saved.set(done))
        .await
        .unwrap();
    assert_eq!(made_after, [0, 0, 10, 20]);
    assert_eq!(saved.get(), 40);
    assert!(store.load::<Contact>().await.unwrap() == sorted_by_id(contacts));

    drop(store);
    delete_database(&name).await;
}

#[wasm_bindgen_test]
async fn save_many_that_fails_in_a_chunk_keeps_the_chunks_before_it_and_none_after() {
    let name = unique_name("save-many-fails");
    let store = Store::open_named(&name).await.unwrap();
    let mut contacts: Vec<Contact> = (0..3 * SAVE_MANY_CHUNK)
        .map(|i| contact(&format!("Contact {i}"), None))
        .collect();
    // A note too large for an op, in the second chunk: that chunk cannot be written.
    contacts[SAVE_MANY_CHUNK + 1].notes = "x".repeat(rabet_domain::op::MAX_VALUE_BYTES + 1);
    let mut progress = Vec::new();
    let saved = store
        .save_many(&contacts, Ids::Fresh, |saved| progress.push(saved))
        .await;

    assert!(
        matches!(saved, Err(StoreError::InvalidEdit(_))),
        "{saved:?}"
    );
    assert_eq!(progress, [SAVE_MANY_CHUNK]);
    // Whole chunks only, and only those before the failure: not the third, queued behind it.
    let loaded = store.load::<Contact>().await.unwrap();
    assert!(loaded == sorted_by_id(contacts[..SAVE_MANY_CHUNK].to_vec()));
    assert_eq!(store.outbox_len().await.unwrap(), SAVE_MANY_CHUNK);

    drop(store);
    delete_database(&name).await;
}

/// The keys in the `merge` store.
async fn merge_keys(store: &Store) -> Vec<String> {
    let tx = store
        .transaction(&[MERGE], TransactionMode::Readonly)
        .unwrap();
    let keys = tx
        .object_store(MERGE)
        .unwrap()
        .get_all_keys::<String>()
        .build()
        .unwrap()
        .await
        .unwrap();
    keys.collect::<Result<_, _>>().unwrap()
}

/// The op another device's clock makes setting `field` of `record` to `value` at `wall_ms`.
fn remote_edit(
    clock: &mut Clock,
    record: &Contact,
    field: &str,
    value: Value,
    wall_ms: u64,
) -> Vec<Op> {
    let mut new_op_id = || system::new_op_id(system::now_ms());
    let before = synced_fields(record);
    let mut after = before.clone();
    after.insert(field.to_owned(), value);
    OpBuilder::new(clock, wall_ms, &mut new_op_id)
        .edit_ops(EntityKind::Contact, &record.id, Some(&before), &after)
        .unwrap()
}

/// A store named `name` holding three contacts written as an import writes them.
async fn three_imported(name: &str) -> (Store, Vec<Contact>) {
    let store = Store::open_named(name).await.unwrap();
    let imported: Vec<Contact> = (0..3).map(|n| contact(&format!("C{n}"), None)).collect();
    store
        .save_many(&imported, Ids::Fresh, |_| {})
        .await
        .unwrap();
    (store, imported)
}

#[wasm_bindgen_test]
async fn records_written_once_share_a_merge_state_until_their_first_change() {
    let name = unique_name("shared-merge");
    let (store, imported) = three_imported(&name).await;
    // One merge state for the three: one put instead of three.
    let keys = merge_keys(&store).await;
    assert_eq!(keys.len(), 1);
    assert!(keys[0].starts_with("shared/"), "{keys:?}");
    // Kept as a run: each record's fields, no op id or stamp of their own. Read back, it
    // names for each field the op the outbox queued (one outbox entry, a run too).
    let shared = shared_merge_state(&store, &keys[0]).await;
    assert!(shared.starts_with('='), "{shared}");
    let queued = store.outbox().await.unwrap();
    let expanded = rabet_domain::run::expand_shared(&shared).unwrap();
    let lines: BTreeSet<&str> = expanded.lines().filter(|l| !l.starts_with('#')).collect();
    let written: BTreeSet<String> = queued
        .iter()
        .map(|op| format!("{} {} {}", op.field, op.stamp.to_sort_key(), op.id))
        .collect();
    assert_eq!(
        lines,
        written.iter().map(String::as_str).collect(),
        "{shared}"
    );
    assert!(!shared.contains(&queued[1].id.to_string()), "{shared}");

    // Another device's ops on the second contact: an old rename loses, a newer last name wins.
    let mut remote_clock = Clock::new(NodeId::from_random([9; 8]));
    let mut remote = |field: &str, value: &str, wall_ms: u64| {
        remote_edit(
            &mut remote_clock,
            &imported[1],
            field,
            value.into(),
            wall_ms,
        )
    };
    let remote_ops = [
        remote("first_name", "Old", 1),
        remote("last_name", "Newer", system::now_ms() + 60_000),
    ]
    .concat();
    store.apply_ops(&remote_ops, Origin::Remote).await.unwrap();
    // It now has a merge state of its own; the others still read theirs from the shared one.
    assert_eq!(merge_keys(&store).await.len(), 2);
    let mut edited = imported[2].clone();
    edited.job_title = "Buyer".into();
    store.save(Some(&imported[2]), &edited).await.unwrap();
    let expected = sorted_by_id(vec![
        imported[0].clone(),
        Contact {
            last_name: "Newer".into(),
            ..imported[1].clone()
        },
        edited,
    ]);
    assert_eq!(store.load::<Contact>().await.unwrap(), expected);
    // A backup reads every record's sync state, shared or its own.
    let backup = store.backup_records().await.unwrap();
    let first = backup
        .iter()
        .find(|record| record.id == imported[0].id)
        .unwrap();
    assert_eq!(first.record.fields()["first_name"].value, Value::from("C0"));
    assert_eq!(backup.len(), 3);
    drop(store);
    let store = Store::open_named(&name).await.unwrap();
    assert_eq!(store.load::<Contact>().await.unwrap(), expected);

    drop(store);
    delete_database(&name).await;
}

/// A bulk change keeps one merge state for every record it writes, and a row names it even
/// where the record had its own from an earlier write: that one is stale from then on. Later
/// ops merge against the bulk change's stamps, and a record's next write moves it to its own.
#[wasm_bindgen_test]
async fn a_bulk_change_shares_one_merge_state_that_outranks_a_records_older_own() {
    use rabet_domain::bulk::ContactChange;
    let name = unique_name("bulk-shared-merge");
    let (store, imported) = three_imported(&name).await;
    let mut first = imported[0].clone();
    first.job_title = "Buyer".into();
    store.save(Some(&imported[0]), &first).await.unwrap();
    assert_eq!(
        merge_keys(&store).await.len(),
        2,
        "the import's and the first's own"
    );

    let mut remote_clock = Clock::new(NodeId::from_random([7; 8]));
    let mut remote = |record: &Contact, field: &str, value: Value, wall_ms: u64| {
        remote_edit(&mut remote_clock, record, field, value, wall_ms)
    };
    // A minute ahead: the bulk change's stamps come after it.
    let now = system::now_ms();
    let ahead = remote(&imported[2], "notes", Value::from("ahead"), now + 60_000);
    store.apply_ops(&ahead, Origin::Remote).await.unwrap();
    let contacts = store.load::<Contact>().await.unwrap();

    let tag = ContactChange::AddTag("vip".into());
    let edits = tag.edits(&contacts, 0);
    store
        .save_edits(&edits, |contact: &Contact| tag.written_fields(contact))
        .await
        .unwrap();
    // The import's, the first's and the third's own, and one shared by the three.
    assert_eq!(merge_keys(&store).await.len(), 4);

    // Later than the first's own merge state, earlier than the bulk change: it loses.
    let between = remote(&first, "tags", Value::from(vec!["between"]), now + 30_000);
    assert!(store
        .apply_ops(&between, Origin::Remote)
        .await
        .unwrap()
        .is_empty());
    // A newer write of the first moves it to its own merge state, and merges into the tags.
    let newer = remote(&first, "last_name", Value::from("Newer"), now + 120_000);
    store.apply_ops(&newer, Origin::Remote).await.unwrap();
    let loaded = store.load::<Contact>().await.unwrap();
    assert!(
        loaded.iter().all(|contact| contact.tags == ["vip"]),
        "{loaded:?}"
    );
    let reloaded = loaded.iter().find(|c| c.id == first.id).unwrap();
    assert_eq!(
        (reloaded.last_name.as_str(), reloaded.job_title.as_str()),
        ("Newer", "Buyer")
    );

    drop(store);
    delete_database(&name).await;
}

#[wasm_bindgen_test]
async fn a_bulk_save_is_one_outbox_entry_that_leaves_only_when_all_of_it_is_acknowledged() {
    let name = unique_name("bulk-outbox");
    let store = Store::open_named(&name).await.unwrap();
    let imported: Vec<Contact> = (0..5).map(|n| contact(&format!("C{n}"), None)).collect();
    store
        .save_many(&imported, Ids::Fresh, |_| {})
        .await
        .unwrap();
    let sara = contact("Sara", None);
    store.save(None, &sara).await.unwrap();
    // Counted as record writes, as a user thinks of them.
    assert_eq!(store.outbox_len().await.unwrap(), 6);

    let outbox = store.outbox().await.unwrap();
    let import_ops = outbox.iter().filter(|op| op.record != sara.id).count();
    assert_eq!(outbox[import_ops..].len() + import_ops, outbox.len());
    // A push that carried half the import leaves all of it queued, to be sent again.
    store
        .acknowledge_through(&store.pending().await.unwrap(), &outbox[import_ops / 2])
        .await
        .unwrap();
    assert_eq!(store.outbox().await.unwrap(), outbox);
    store
        .acknowledge_through(&store.pending().await.unwrap(), &outbox[import_ops - 1])
        .await
        .unwrap();
    assert_eq!(store.outbox().await.unwrap(), outbox[import_ops..]);
    assert_eq!(store.outbox_len().await.unwrap(), 1);

    drop(store);
    delete_database(&name).await;
}

#[wasm_bindgen_test]
async fn a_bulk_change_deletion_and_undo_are_one_transaction_and_one_outbox_entry_each() {
    use rabet_domain::bulk::{undoing, ContactChange};
    let name = unique_name("bulk-change");
    let store = Store::open_named(&name).await.unwrap();
    // More than one chunk of `save_many`, so a bulk change is not one by accident.
    let contacts: Vec<Contact> = (0..SAVE_MANY_CHUNK + 500)
        .map(|n| contact(&format!("C{n}"), None))
        .collect();
    store
        .save_many(&contacts, Ids::Fresh, |_| {})
        .await
        .unwrap();
    let imported = store.pending().await.unwrap();
    let last = imported.ops.last().unwrap().clone();
    store.acknowledge_through(&imported, &last).await.unwrap();
    assert_eq!(store.outbox_len().await.unwrap(), 0);

    let entries = |outbox: Outbox| outbox.keys.len();
    let tag = ContactChange::AddTag("vip".into());
    let edits = tag.edits(&contacts, 0);
    let written = |contact: &Contact| tag.written_fields(contact);
    let changed = store.save_edits(&edits, written).await.unwrap();
    assert_eq!(changed.len(), contacts.len());
    assert_eq!(entries(store.pending().await.unwrap()), 1);
    assert_eq!(store.outbox_len().await.unwrap(), contacts.len());
    let tagged = store.load::<Contact>().await.unwrap();
    assert!(tagged.iter().all(|c| c.tags == ["vip"]));

    store.save_edits(&undoing(edits), written).await.unwrap();
    assert_eq!(entries(store.pending().await.unwrap()), 2);
    let untagged = store.load::<Contact>().await.unwrap();
    assert_eq!(sorted_by_id(untagged), sorted_by_id(contacts.clone()));

    let ids: Vec<Id> = contacts.iter().map(|c| c.id.clone()).collect();
    let deleted = store.delete_many(EntityKind::Contact, &ids).await.unwrap();
    assert!(deleted.iter().all(|change| change.values.is_none()));
    assert!(store.load::<Contact>().await.unwrap().is_empty());
    store.restore_many(EntityKind::Contact, &ids).await.unwrap();
    assert_eq!(store.load::<Contact>().await.unwrap().len(), contacts.len());
    assert_eq!(entries(store.pending().await.unwrap()), 4);

    drop(store);
    delete_database(&name).await;
}

#[wasm_bindgen_test]
async fn a_bulk_change_keeps_only_the_lines_it_writes_and_every_record_reads_back_whole() {
    use rabet_domain::bulk::{undoing, ContactChange};
    let name = unique_name("bulk-over");
    let store = Store::open_named(&name).await.unwrap();
    let imported: Vec<Contact> = (0..4).map(|n| contact(&format!("C{n}"), None)).collect();
    store
        .save_many(&imported, Ids::Fresh, |_| {})
        .await
        .unwrap();
    // The last one has its own merge state, the others the import's shared one.
    let own = Contact {
        job_title: "Buyer".into(),
        ..imported[3].clone()
    };
    store.save(Some(&imported[3]), &own).await.unwrap();
    let expected = sorted_by_id(store.load::<Contact>().await.unwrap());
    let tag = ContactChange::AddTag("vip".into());
    let edits = tag.edits(&expected, 0);
    let written = |contact: &Contact| tag.written_fields(contact);
    let changed = store.save_edits(&edits, written).await.unwrap();
    // Nothing outran it: shown from the edits, not read back.
    assert!(changed.iter().all(|c| c.as_written && c.values.is_none()));
    let tagged: Vec<Contact> = sorted_by_id(edits.iter().map(|(_, after)| after.clone()).collect());
    assert_eq!(loaded(&store).await, tagged);
    let merge_states = store
        .merge_states(EntityKind::Contact, &ids_of(&tagged))
        .await
        .unwrap();
    // The bulk change's shared merge state holds a base and one line per record.
    let shared = shared_merge_state(&store, &changed_key(&store).await).await;
    assert_eq!(shared.lines().count(), 3 * tagged.len(), "{shared}");

    // Undone, then another bulk change over it: still one line each, over the same bases.
    store.save_edits(&undoing(edits), written).await.unwrap();
    assert_eq!(loaded(&store).await, expected);
    let owner = ContactChange::SetOwner(Some(Id::from_string("member-1")));
    let owned = owner.edits(&expected, 0);
    let written_owner = |contact: &Contact| owner.written_fields(contact);
    store.save_edits(&owned, written_owner).await.unwrap();
    let shared = shared_merge_state(&store, &changed_key(&store).await).await;
    assert_eq!(
        shared.lines().count(),
        4 * tagged.len(),
        "tags and owner: {shared}"
    );
    let after: Vec<Contact> = sorted_by_id(owned.iter().map(|(_, after)| after.clone()).collect());
    assert_eq!(loaded(&store).await, after);

    // A record's next single write moves it to a whole merge state of its own.
    let renamed = Contact {
        last_name: "Renamed".into(),
        ..after[0].clone()
    };
    store.save(Some(&after[0]), &renamed).await.unwrap();
    let records = store
        .merge_states(EntityKind::Contact, &ids_of(&after))
        .await
        .unwrap();
    assert_eq!(records.len(), merge_states.len());
    for record in &records {
        for field in ["tags", "owner_id", "first_name"] {
            assert!(record.fields().contains_key(field), "{field} in {record:?}");
        }
    }
    // A deletion and its undo read back whole, as a backup does.
    let ids = ids_of(&after);
    store.delete_many(EntityKind::Contact, &ids).await.unwrap();
    store.restore_many(EntityKind::Contact, &ids).await.unwrap();
    let backup = store.backup_records().await.unwrap();
    assert_eq!(backup.len(), after.len());
    let mut back = loaded(&store).await;
    back.retain(|c| c.id != renamed.id);
    assert_eq!(back.len(), after.len() - 1);
    assert!(back.iter().all(|c| after.contains(c)), "{back:?}");

    drop(store);
    delete_database(&name).await;
}

/// A bulk change of most of a list reads its rows and merge states as their key range (a few
/// requests instead of two per record); records between them that it does not change, and
/// records with a merge state of their own, read and merge as when read one by one.
#[wasm_bindgen_test]
async fn a_bulk_change_of_most_of_a_list_reads_its_key_range_and_merges_as_read_one_by_one() {
    use rabet_domain::bulk::{undoing, ContactChange};
    let name = unique_name("bulk-span");
    let store = Store::open_named(&name).await.unwrap();
    let imported: Vec<Contact> = sorted_by_id(
        (0..3 * SPAN_READ_FROM)
            .map(|n| contact(&format!("C{n}"), None))
            .collect(),
    );
    store
        .save_many(&imported, Ids::Fresh, |_| {})
        .await
        .unwrap();
    // Every tenth has a merge state of its own, from a single write after the import.
    for before in imported.iter().step_by(10) {
        let after = Contact {
            job_title: "Buyer".into(),
            ..before.clone()
        };
        store.save(Some(before), &after).await.unwrap();
    }
    let expected = loaded(&store).await;
    // Two of every three: their span holds half as many again, so it is read as a range.
    let picked: Vec<Contact> = expected
        .iter()
        .enumerate()
        .filter(|(at, _)| at % 3 != 1)
        .map(|(_, contact)| contact.clone())
        .collect();
    let tx = store
        .transaction(&[EntityKind::Contact.as_str()], TransactionMode::Readonly)
        .unwrap();
    let contacts = tx.object_store(EntityKind::Contact.as_str()).unwrap();
    let ids = |contacts: &[Contact]| -> Vec<String> {
        contacts.iter().map(|c| c.id.to_string()).collect()
    };
    assert!(spans_densely(&contacts, &ids(&picked)).await.unwrap());
    drop(contacts);
    drop(tx);

    let tag = ContactChange::AddTag("vip".into());
    let edits = tag.edits(&picked, 0);
    let written = |contact: &Contact| tag.written_fields(contact);
    let changed = store.save_edits(&edits, written).await.unwrap();
    assert_eq!(changed.len(), picked.len());
    assert!(changed.iter().all(|c| c.as_written));
    let mut tagged = expected.clone();
    for contact in &mut tagged {
        if picked.iter().any(|p| p.id == contact.id) {
            contact.tags = vec!["vip".into()];
        }
    }
    assert_eq!(loaded(&store).await, tagged);
    // Rows of their own now (the imported rows were in packs): one in three is sparse.
    let tx = store
        .transaction(&[EntityKind::Contact.as_str()], TransactionMode::Readonly)
        .unwrap();
    let contacts = tx.object_store(EntityKind::Contact.as_str()).unwrap();
    let sparse: Vec<Contact> = expected.iter().step_by(3).cloned().collect();
    assert!(!spans_densely(&contacts, &ids(&sparse)).await.unwrap());
    drop(contacts);
    drop(tx);
    let records = store
        .merge_states(EntityKind::Contact, &ids_of(&expected))
        .await
        .unwrap();
    for (record, contact) in records.iter().zip(&tagged) {
        let fields = record.fields();
        assert_eq!(
            fields["first_name"].value,
            Value::from(contact.first_name.clone())
        );
        let tags = fields.get("tags").map(|state| state.value.clone());
        let empty = tags.is_none() || tags == Some(Value::Array(Vec::new()));
        match contact.tags.is_empty() {
            true => assert!(empty, "{record:?}"),
            false => assert_eq!(tags, Some(Value::from(vec!["vip"]))),
        }
    }

    // Undone the same way, over the parts the tag wrote.
    store.save_edits(&undoing(edits), written).await.unwrap();
    assert_eq!(loaded(&store).await, expected);

    drop(store);
    delete_database(&name).await;
}

async fn loaded(store: &Store) -> Vec<Contact> {
    sorted_by_id(store.load::<Contact>().await.unwrap())
}

fn ids_of(contacts: &[Contact]) -> Vec<Id> {
    contacts.iter().map(|c| c.id.clone()).collect()
}

/// The key of the last bulk write's shared merge state: the one the first row names.
async fn changed_key(store: &Store) -> String {
    let tx = store
        .transaction(&[EntityKind::Contact.as_str()], TransactionMode::Readonly)
        .unwrap();
    let rows = tx
        .object_store(EntityKind::Contact.as_str())
        .unwrap()
        .get_all::<JsValue>()
        .build()
        .unwrap()
        .await
        .unwrap();
    rows.filter_map(|row| row::shared_key_of(&row.unwrap()))
        .next()
        .unwrap()
}

async fn shared_merge_state(store: &Store, key: &str) -> String {
    let tx = store
        .transaction(&[MERGE], TransactionMode::Readonly)
        .unwrap();
    let text: Option<String> = tx
        .object_store(MERGE)
        .unwrap()
        .get(key)
        .build()
        .unwrap()
        .await
        .unwrap();
    text.unwrap()
}

#[wasm_bindgen_test]
async fn a_version_5_database_gains_the_saved_views_store() {
    use rabet_domain::model::{encode_state, SavedView};
    let name = unique_name("saved-views");
    let old = Store::open_at_version(&name, 5).await.unwrap();
    old.save(None, &contact("Sara", None)).await.unwrap();
    drop(old);
    let store = Store::open_named(&name).await.unwrap();
    let view = SavedView {
        id: new_id(),
        name: "Leads".into(),
        list: "contacts".into(),
        state: encode_state([("tag", "lead")]),
        shared: true,
        ..SavedView::default()
    };
    store.save(None, &view).await.unwrap();
    assert_eq!(store.load::<SavedView>().await.unwrap(), [view]);
    assert_eq!(store.load::<Contact>().await.unwrap().len(), 1);
    drop(store);
    delete_database(&name).await;
}

#[wasm_bindgen_test]
async fn outbox_entries_queued_before_keys_held_a_count_are_one_record_each() {
    let name = unique_name("old-outbox");
    let store = Store::open_named(&name).await.unwrap();
    let sara = contact("Sara", None);
    store.save(None, &sara).await.unwrap();
    let ops = store.outbox().await.unwrap();
    // The same entry under the key an earlier version gave it.
    let tx = store
        .transaction(&[OUTBOX], TransactionMode::Readwrite)
        .unwrap();
    let outbox = tx.object_store(OUTBOX).unwrap();
    send(outbox.clear()).unwrap();
    let entry = serde_json::to_string(&ops).unwrap();
    send(
        outbox
            .put(entry)
            .with_key(last_op_key(ops.last().unwrap()))
            .build(),
    )
    .unwrap();
    drop(outbox);
    commit(tx).await.unwrap();

    assert_eq!(store.outbox_len().await.unwrap(), 1);
    assert_eq!(store.outbox().await.unwrap(), ops);
    store
        .acknowledge_through(&store.pending().await.unwrap(), ops.last().unwrap())
        .await
        .unwrap();
    assert_eq!(store.outbox_len().await.unwrap(), 0);

    drop(store);
    delete_database(&name).await;
}

#[wasm_bindgen_test]
async fn remote_ops_merge_per_field_and_stay_out_of_the_outbox() {
    let name = unique_name("remote");
    let store = Store::open_named(&name).await.unwrap();
    let sara = contact("Sara", None);
    store.save(None, &sara).await.unwrap();
    let edited_here = Contact {
        first_name: "Sarah".to_owned(),
        ..sara.clone()
    };
    store.save(Some(&sara), &edited_here).await.unwrap();
    let local_ops = store.outbox().await.unwrap();

    // Another device edited the same contact without having seen the local edit: an old
    // rename (its clock was far behind) and a newer change of the last name.
    let mut remote_clock = Clock::new(NodeId::from_random([7; 8]));
    let mut remote = |field: &str, value: &str, wall_ms: u64| {
        let mut new_op_id = || system::new_op_id(system::now_ms());
        let mut builder = OpBuilder::new(&mut remote_clock, wall_ms, &mut new_op_id);
        let before = synced_fields(&sara);
        let mut after = before.clone();
        after.insert(field.to_owned(), Value::from(value));
        builder
            .edit_ops(EntityKind::Contact, &sara.id, Some(&before), &after)
            .unwrap()
    };
    let stale_rename = remote("first_name", "Zahra", 1);
    let new_last_name = remote("last_name", "Ahmadi", system::now_ms() + 60_000);
    let remote_ops = [stale_rename, new_last_name].concat();

    let changed = store.apply_ops(&remote_ops, Origin::Remote).await.unwrap();
    let changed: Vec<_> = changed.into_iter().map(|c| (c.kind, c.id)).collect();
    assert_eq!(changed, [(EntityKind::Contact, sara.id.clone())]);
    let merged = Contact {
        last_name: "Ahmadi".to_owned(),
        ..edited_here.clone()
    };
    assert_eq!(
        store.load::<Contact>().await.unwrap(),
        std::slice::from_ref(&merged)
    );
    assert_eq!(store.outbox().await.unwrap(), local_ops);
    // Delivered again, they change nothing.
    assert_eq!(
        store.apply_ops(&remote_ops, Origin::Remote).await.unwrap(),
        []
    );

    // The clock moved past the remote stamp, so the next local edit wins over it.
    let renamed_again = Contact {
        last_name: "Rahimi".to_owned(),
        ..merged.clone()
    };
    store.save(Some(&merged), &renamed_again).await.unwrap();
    let latest = store.outbox().await.unwrap().pop().unwrap();
    assert!(latest.stamp > remote_ops[1].stamp);
    drop(store);
    let store = Store::open_named(&name).await.unwrap();
    assert_eq!(store.load::<Contact>().await.unwrap(), [renamed_again]);

    drop(store);
    delete_database(&name).await;
}

/// The database opened again starts its clock past `last` (a clear keeps the clock); then it
/// is deleted.
async fn assert_clock_kept_and_delete(name: &str, last: Stamp) {
    let reopened = Store::open_named(name).await.unwrap();
    assert!(*reopened.clock.borrow().last() > last);
    drop(reopened);
    delete_database(name).await;
}

#[wasm_bindgen_test]
async fn erase_device_forgets_records_and_the_sync_server_but_keeps_the_clock() {
    let name = unique_name("erase");
    let store = Store::open_named(&name).await.unwrap();
    store.save(None, &contact("Sara", None)).await.unwrap();
    store
        .set_sync_config(Some(&("https://sync.example", "rbt_x")))
        .await
        .unwrap();
    store.set_sync_cursor(42).await.unwrap();
    let session = SessionInfo {
        workspace: "w".to_owned(),
        workspace_name: String::new(),
        member: "Mina".to_owned(),
        protocol: 1,
        member_id: "m".to_owned(),
        role: None,
    };
    store.set_sync_session(Some(&session)).await.unwrap();
    store.set_sync_members(&["Mina"]).await.unwrap();
    let last = store.clock.borrow().last().clone();

    store.erase_device().await.unwrap();
    assert_eq!(store.load::<Contact>().await.unwrap(), []);
    assert_eq!(store.outbox().await.unwrap(), []);
    assert_eq!(store.sync_config::<(String, String)>().await.unwrap(), None);
    assert_eq!(store.sync_cursor().await.unwrap(), None);
    assert_eq!(store.sync_session().await.unwrap(), None);
    assert!(store.sync_members::<String>().await.unwrap().is_empty());
    assert!(store.not_accepted().await.unwrap().is_empty());
    drop(store);
    assert_clock_kept_and_delete(&name, last).await;
}

#[wasm_bindgen_test]
async fn clear_all_empties_records_and_outbox_but_keeps_the_clock() {
    let name = unique_name("clear");
    let store = Store::open_named(&name).await.unwrap();
    store.save(None, &contact("Sara", None)).await.unwrap();
    store.save(None, &task("call", Some(5))).await.unwrap();
    let last = store.clock.borrow().last().clone();
    store.clear_all().await.unwrap();
    assert_eq!(store.load::<Contact>().await.unwrap(), []);
    assert_eq!(store.load::<Task>().await.unwrap(), []);
    assert_eq!(store.outbox().await.unwrap(), []);
    drop(store);
    assert_clock_kept_and_delete(&name, last).await;
}

#[wasm_bindgen_test]
fn browser_errors_become_typed_errors() {
    let exception = |name: &str| {
        web_sys::DomException::new_with_message_and_name("details", name).expect("DOMException")
    };
    let library_error = || indexed_db_futures::error::Error::from(js_sys::Error::new("aborted"));
    assert_eq!(
        error::thrown(exception("QuotaExceededError").into()),
        StoreError::QuotaExceeded
    );
    assert_eq!(
        error::thrown(exception("InvalidStateError").into()),
        StoreError::Unavailable("details".into())
    );
    assert_eq!(
        error::not_committed(Some(exception("QuotaExceededError")), library_error()),
        StoreError::QuotaExceeded
    );
    assert_eq!(
        error::not_committed(Some(exception("ConstraintError")), library_error()),
        StoreError::Aborted("ConstraintError: details".into())
    );
    assert!(matches!(
        StoreError::from(indexed_db_futures::error::OpenDbError::NullFactory),
        StoreError::Unavailable(_)
    ));
}

/// Run once by hand, not asserted (timings depend on the machine), e.g.
/// `WASM_BINDGEN_TEST_TIMEOUT=300 cargo test --release -p rabet --target wasm32-unknown-unknown
/// -- --include-ignored --nocapture measure_`
#[wasm_bindgen_test]
#[ignore]
async fn measure_save_many_and_load_of_10k_contacts() {
    const COUNT: usize = 10_000;
    let companies: Vec<Id> = (0..200).map(|_| new_id()).collect();
    let contacts: Vec<Contact> = (0..COUNT)
        .map(|i| Contact {
            last_name: format!("Family {}", i % 997),
            job_title: "Purchasing manager".to_owned(),
            emails: vec![rabet_domain::model::Email {
                address: format!("person{i}@example.com"),
                ..Default::default()
            }],
            tags: vec!["imported".to_owned()],
            notes: "Met at the Tehran trade fair; wants a quote for 40 units.".to_owned(),
            created_at: 1_700_000_000_000 + i as i64,
            ..contact(&format!("Person {i}"), companies.get(i % 300))
        })
        .collect();

    let name = unique_name("measure");
    let store = Store::open_named(&name).await.unwrap();
    let started = js_sys::Date::now();
    store
        .save_many(&contacts, Ids::MayExist, |_| {})
        .await
        .unwrap();
    let saved = js_sys::Date::now();
    let loaded = store.load::<Contact>().await.unwrap();
    let load_ms = js_sys::Date::now() - saved;
    assert_eq!(loaded.len(), COUNT);
    let outbox_ops = store.outbox().await.unwrap().len();
    let estimate = storage_estimate().await;
    drop(store);
    delete_database(&name).await;

    let (raw_put_ms, raw_load_ms) = raw_indexed_db_baseline(&contacts).await;
    web_sys::console::log_1(
        &format!(
            "store, {COUNT} contacts: save_many {:.0} ms ({outbox_ops} ops queued), \
             load {load_ms:.0} ms; raw IndexedDB (plain objects, one put each, no ops): \
             put {raw_put_ms:.0} ms, getAll+decode {raw_load_ms:.0} ms; usage after: {:?}",
            saved - started,
            estimate.map(|e| e.usage),
        )
        .into(),
    );
}

/// The same contacts written and read as plain objects, with no merge state or outbox.
async fn raw_indexed_db_baseline(contacts: &[Contact]) -> (f64, f64) {
    let name = unique_name("measure-raw");
    let db = Database::open(name.as_str())
        .with_version(1u32)
        .with_on_upgrade_needed(|_, db| {
            db.create_object_store("contact")
                .with_key_path("id".into())
                .build()
                .map(drop)
        })
        .await
        .unwrap();
    let started = js_sys::Date::now();
    let tx = db
        .transaction("contact")
        .with_mode(TransactionMode::Readwrite)
        .build()
        .unwrap();
    let object_store = tx.object_store("contact").unwrap();
    for value in js_sys::Array::from(&row::to_js(contacts).unwrap()).iter() {
        send(object_store.put(value).build()).unwrap();
    }
    drop(object_store);
    commit(tx).await.unwrap();
    let written = js_sys::Date::now();
    let tx = db.transaction("contact").build().unwrap();
    let rows = tx
        .object_store("contact")
        .unwrap()
        .get_all::<JsValue>()
        .build()
        .unwrap()
        .await
        .unwrap();
    let values: js_sys::Array = rows.map(Result::unwrap).collect();
    let text = String::from(js_sys::JSON::stringify(&values).unwrap());
    let decoded: Vec<Contact> = serde_json::from_str(&text).unwrap();
    let read = js_sys::Date::now();
    assert_eq!(decoded.len(), contacts.len());
    drop(tx);
    db.close();
    delete_database(&name).await;
    (written - started, read - written)
}

/// Two tabs of one browser: two stores open on one database at once.
async fn two_tabs(test: &str) -> (String, Store, Store) {
    let name = unique_name(test);
    let a = Store::open_named(&name).await.unwrap();
    let b = Store::open_named(&name).await.unwrap();
    (name, a, b)
}

#[wasm_bindgen_test]
async fn two_tabs_editing_one_field_at_once_never_share_a_stamp_and_agree() {
    let (name, a, b) = two_tabs("tabs-same-field").await;
    assert_ne!(a.node(), b.node(), "each tab is a replica of its own");
    let sara = contact("Sara", None);
    a.save(None, &sara).await.unwrap();
    // Both tabs edit the same field from the same record, as close together as they can.
    let (in_a, in_b) = (
        Contact {
            job_title: "Buyer".into(),
            ..sara.clone()
        },
        Contact {
            job_title: "Owner".into(),
            ..sara.clone()
        },
    );
    let (saved_a, saved_b) = futures::join!(a.save(Some(&sara), &in_a), b.save(Some(&sara), &in_b));
    saved_a.unwrap();
    saved_b.unwrap();
    let edits: Vec<Op> = a
        .outbox()
        .await
        .unwrap()
        .into_iter()
        .filter(|op| op.field == "job_title")
        .collect();
    assert_eq!(edits.len(), 2);
    assert_ne!(edits[0].stamp, edits[1].stamp);
    // Both tabs read the same winner: the later stamp's value.
    let winner = if edits[0].stamp > edits[1].stamp {
        &edits[0]
    } else {
        &edits[1]
    };
    let (loaded_a, loaded_b) = (
        a.load::<Contact>().await.unwrap(),
        b.load::<Contact>().await.unwrap(),
    );
    assert_eq!(loaded_a, loaded_b);
    assert_eq!(Value::from(loaded_a[0].job_title.clone()), winner.value);

    drop((a, b));
    delete_database(&name).await;
}

#[wasm_bindgen_test]
async fn a_tab_hears_what_another_wrote_and_reads_it_as_stored() {
    let (name, a, b) = two_tabs("tabs-news").await;
    let mut news = b.tab_news();
    let sara = contact("Sara", None);
    a.save(None, &sara).await.unwrap();
    let heard = futures::StreamExt::next(&mut news).await.unwrap();
    let TabNews::Written { records, stamp } = heard else {
        panic!("expected written records, got {heard:?}");
    };
    assert_eq!(records, [(EntityKind::Contact, sara.id.to_string())]);
    b.observe_tab(&stamp);
    assert!(
        *b.clock.borrow().last() > stamp,
        "b's next edit comes after a's"
    );
    let current = b.read_current(&records).await.unwrap();
    assert_eq!(current.len(), 1);
    let values = current[0].values.clone().unwrap();
    assert_eq!(values["first_name"], "Sara");

    a.delete(EntityKind::Contact, &sara.id).await.unwrap();
    let Some(TabNews::Written { records, .. }) = futures::StreamExt::next(&mut news).await else {
        panic!("expected written records");
    };
    let current = b.read_current(&records).await.unwrap();
    assert_eq!(
        current,
        [Changed {
            kind: EntityKind::Contact,
            id: sara.id.clone(),
            values: None,
            merged: None,
            as_written: false,
        }]
    );
    // A record never held here, deleted elsewhere, is not named (its id stays out of the table).
    let unknown = WireId::v7(system::now_ms(), [7; 10]).to_string();
    let read = b
        .read_current(&[(EntityKind::Contact, unknown)])
        .await
        .unwrap();
    assert_eq!(read, []);

    a.clear_all().await.unwrap();
    assert_eq!(
        futures::StreamExt::next(&mut news).await,
        Some(TabNews::Cleared)
    );

    drop((a, b));
    delete_database(&name).await;
}

#[wasm_bindgen_test]
async fn acknowledging_a_push_keeps_what_another_tab_queued_meanwhile_with_an_older_stamp() {
    let (name, a, b) = two_tabs("tabs-outbox").await;
    // A's clock runs ahead (it saw a stamp from a device whose clock is fast); B's does not.
    let ahead = Stamp {
        wall_ms: system::now_ms() + 3_600_000,
        counter: 0,
        node: NodeId::from_random([9; 8]),
    };
    a.observe_tab(&ahead);
    a.save(None, &contact("Ali", None)).await.unwrap();
    let pushed = a.pending().await.unwrap();
    // While A pushes, B writes: its op's stamp is older than everything A pushed.
    b.save(None, &task("call", None)).await.unwrap();
    let queued_by_b: Vec<Op> = b
        .outbox()
        .await
        .unwrap()
        .into_iter()
        .filter(|op| !pushed.ops.contains(op))
        .collect();
    assert!(!queued_by_b.is_empty());
    assert!(queued_by_b.iter().all(|op| op.stamp < pushed.ops[0].stamp));
    a.acknowledge_through(&pushed, pushed.ops.last().unwrap())
        .await
        .unwrap();
    assert_eq!(a.outbox().await.unwrap(), queued_by_b);

    drop((a, b));
    delete_database(&name).await;
}

#[wasm_bindgen_test]
async fn a_connection_the_browser_closed_is_opened_again_and_the_next_call_goes_through() {
    let name = unique_name("closed-connection");
    let store = Store::open_named(&name).await.unwrap();
    let sara = contact("Sara", None);
    store.save(None, &sara).await.unwrap();

    // What Safari does to a tab in the background: the connection closes under the app, and
    // says so with a `close` event.
    let closed = raw_database(store.db());
    closed.close();
    closed
        .dispatch_event(&web_sys::Event::new("close").unwrap())
        .unwrap();
    let kaveh = contact("Kaveh", None);
    store.save(None, &kaveh).await.unwrap();
    // Closed without a word (no event): the next read opens again too.
    raw_database(store.db()).close();
    assert_eq!(
        store.load::<Contact>().await.unwrap(),
        sorted_by_id(vec![sara.clone(), kaveh.clone()])
    );

    let reopened = Store::open_named(&name).await.unwrap();
    assert_eq!(
        reopened.load::<Contact>().await.unwrap(),
        sorted_by_id(vec![sara, kaveh])
    );
    // Each write is queued once.
    assert_eq!(reopened.outbox_len().await.unwrap(), 2);

    drop((store, reopened));
    delete_database(&name).await;
}

#[wasm_bindgen_test]
async fn a_connection_closed_for_another_tabs_upgrade_stays_closed() {
    let name = unique_name("upgrade-closes");
    let store = Store::open_named(&name).await.unwrap();
    // Another tab, with a newer app, opens the database at a later version.
    let newer = Database::open(name.as_str())
        .with_version(SCHEMA_VERSION + 1)
        .build()
        .unwrap()
        .await
        .unwrap();
    assert!(matches!(
        store.save(None, &contact("Sara", None)).await,
        Err(StoreError::Unavailable(_))
    ));
    newer.close();
    drop(store);
    delete_database(&name).await;
}

#[wasm_bindgen_test]
async fn a_refused_write_leaves_the_outbox_for_the_list_and_its_record_converges_to_the_server() {
    let name = unique_name("refused");
    let store = Store::open_named(&name).await.unwrap();
    // Sara as another member created her, pulled from the server.
    let sara = contact("Sara", None);
    let mut remote_clock = Clock::new(NodeId::from_random([9; 8]));
    let mut new_op_id = || system::new_op_id(system::now_ms());
    let server_ops = OpBuilder::new(&mut remote_clock, 1_000, &mut new_op_id)
        .edit_ops(EntityKind::Contact, &sara.id, None, &synced_fields(&sara))
        .unwrap();
    store.apply_pulled(&server_ops, &[], 5).await.unwrap();

    // This member renames her, then deletes her: two writes, two outbox entries.
    let renamed = Contact {
        first_name: "Sarah".to_owned(),
        ..sara.clone()
    };
    store.save(Some(&sara), &renamed).await.unwrap();
    store.delete(EntityKind::Contact, &sara.id).await.unwrap();
    let outbox = store.outbox().await.unwrap();
    let (rename, delete) = (outbox[0].clone(), outbox[1].clone());
    assert!(delete.deletes() && !rename.deletes());

    let refused = store
        .refuse(
            &delete.id.to_string(),
            Some(Refusal::NotCreator),
            "refused".to_owned(),
            7.0,
        )
        .await
        .unwrap()
        .expect("an outbox entry holds the op");
    // Rebuilt from what this device still has to send: the rename alone, until the pull.
    assert_eq!(refused.len(), 1);
    let values = refused[0].values.clone().expect("not deleted");
    assert_eq!(values.get("first_name"), Some(&Value::from("Sarah")));
    assert_eq!(store.outbox().await.unwrap(), [rename]);
    assert_eq!(store.sync_cursor().await.unwrap(), None);
    let listed = store.not_accepted().await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].ops, std::slice::from_ref(&delete));
    assert_eq!(listed[0].refusal, Some(Refusal::NotCreator));

    // The refused deletion is out of the history too; the rename stays.
    let history = store.history(EntityKind::Contact, &sara.id).await.unwrap();
    assert_eq!(
        history.iter().map(|c| c.field.as_str()).collect::<Vec<_>>(),
        ["first_name"]
    );
    // The server's state (here pulled from the start, as a snapshot would bring it) comes
    // back, under this device's rename.
    store.apply_pulled(&server_ops, &[], 5).await.unwrap();
    assert_eq!(store.load::<Contact>().await.unwrap(), [renamed]);

    // An op no entry holds (the outbox changed meanwhile) is not taken for another.
    assert_eq!(
        store
            .refuse("no-such-op", None, String::new(), 8.0)
            .await
            .unwrap(),
        None
    );
    store
        .discard_not_accepted(&delete.id.to_string())
        .await
        .unwrap();
    assert_eq!(store.not_accepted().await.unwrap(), []);
    drop(store);
    delete_database(&name).await;
}

#[wasm_bindgen_test]
async fn edits_of_an_existing_record_are_its_history_with_authors_and_concurrent_losers() {
    let name = unique_name("history");
    let store = Store::open_named(&name).await.unwrap();
    let sara = contact("Sara", None);
    store.save(None, &sara).await.unwrap();
    // Creation is not history.
    assert_eq!(
        store.history(EntityKind::Contact, &sara.id).await.unwrap(),
        []
    );

    // Another device renames her after she was made, but before the rename here (which
    // has seen its clock): its change arrives later and loses.
    let created = store.outbox().await.unwrap()[0].stamp.clone();
    let mut remote_clock = Clock::new(NodeId::from_random([5; 8]));
    let mut new_op_id = || system::new_op_id(system::now_ms());
    let before = synced_fields(&sara);
    let mut after = before.clone();
    after.insert("first_name".to_owned(), Value::from("Zahra"));
    let concurrent = OpBuilder::new(&mut remote_clock, created.wall_ms + 1, &mut new_op_id)
        .edit_ops(EntityKind::Contact, &sara.id, Some(&before), &after)
        .unwrap();
    store.observe_tab(&concurrent[0].stamp);

    let renamed = Contact {
        first_name: "Sarah".to_owned(),
        ..sara.clone()
    };
    store.save(Some(&sara), &renamed).await.unwrap();
    store.set_author(Some("member-1".to_owned()));
    let titled = Contact {
        job_title: "Buyer".to_owned(),
        ..renamed.clone()
    };
    store.save(Some(&renamed), &titled).await.unwrap();

    store
        .apply_pulled(&concurrent, &[Some("member-2".to_owned())], 3)
        .await
        .unwrap();
    // Pulled back with its author, this device's own edit is not a second change.
    let own = store.outbox().await.unwrap();
    store
        .apply_pulled(&own, &vec![Some("member-1".to_owned()); own.len()], 4)
        .await
        .unwrap();

    let history = store.history(EntityKind::Contact, &sara.id).await.unwrap();
    let summary: Vec<_> = history
        .iter()
        .map(|c| {
            (
                c.field.as_str(),
                c.old.clone(),
                c.new.clone(),
                c.won,
                c.author.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                "job_title",
                None,
                Value::from("Buyer"),
                true,
                Some("member-1")
            ),
            (
                "first_name",
                Some(Value::from("Sara")),
                Value::from("Sarah"),
                true,
                None
            ),
            (
                "first_name",
                Some(Value::from("Sarah")),
                Value::from("Zahra"),
                false,
                Some("member-2")
            ),
        ]
    );
    assert_eq!(
        store.load::<Contact>().await.unwrap(),
        std::slice::from_ref(&titled)
    );

    // Restoring the value that did not win is a new change that wins.
    store
        .set_field(
            EntityKind::Contact,
            &sara.id,
            "first_name",
            Value::from("Zahra"),
        )
        .await
        .unwrap();
    let history = store.history(EntityKind::Contact, &sara.id).await.unwrap();
    assert_eq!(
        (&history[0].old, &history[0].new, history[0].won),
        (&Some(Value::from("Sarah")), &Value::from("Zahra"), true)
    );
    drop(store);
    delete_database(&name).await;
}

/// Run by hand like the other measurements: a record with 1,000 changes, its history read
/// as the History region reads it.
#[wasm_bindgen_test]
#[ignore]
async fn measure_history_of_a_record_with_1000_changes() {
    let name = unique_name("measure-history");
    let store = Store::open_named(&name).await.unwrap();
    let mut current = contact("Sara", None);
    store.save(None, &current).await.unwrap();
    for i in 0..1_000 {
        let next = Contact {
            notes: format!("Call {i}: wants a quote for {i} units, follow up next week."),
            ..current.clone()
        };
        store.save(Some(&current), &next).await.unwrap();
        current = next;
    }
    let mut times = Vec::new();
    for _ in 0..5 {
        let started = js_sys::Date::now();
        let history = store
            .history(EntityKind::Contact, &current.id)
            .await
            .unwrap();
        times.push(js_sys::Date::now() - started);
        assert_eq!(history.len(), 1_000);
    }
    let estimate = storage_estimate().await;
    drop(store);
    delete_database(&name).await;
    web_sys::console::log_1(
        &format!(
            "history of 1,000 changes read in {times:?} ms; usage {:?}",
            estimate.map(|e| e.usage)
        )
        .into(),
    );
}

/// A join's page sent as rows ready to store holds what merging its ops stores: the same
/// A snapshot page's answer holding `ops` (record after record) as rows, as the server sends
/// it, and the greatest stamp among them.
fn rows_page_text(ops: &[Op]) -> (String, Option<Stamp>) {
    let texts: Vec<String> = ops.iter().map(|op| to_json(op).unwrap()).collect();
    let rows =
        rabet_domain::sync::rows::rows_of(EntityKind::Contact, texts.iter().map(String::as_str))
            .unwrap();
    let text = format!(
        r#"{{"rows":{},"merge":{},"latest":{},"records":{},"last":{},"more":false,"cursor":4}}"#,
        rows.rows,
        to_json(&rows.merge).unwrap(),
        to_json(&rows.latest).unwrap(),
        ops.iter()
            .map(|op| &op.record)
            .collect::<BTreeSet<_>>()
            .len(),
        to_json(&ops.last().unwrap().record.to_string()).unwrap(),
    );
    (text, rows.latest)
}

/// Stores the snapshot page of rows `ops` make (see [`rows_page_text`]) as a join does, and
/// waits for its commit; returns the page's latest stamp.
async fn store_rows_page(store: &Store, ops: &[Op]) -> Option<Stamp> {
    let (text, latest) = rows_page_text(ops);
    let page: RowsPage = serde_json::from_str(&text).unwrap();
    store
        .put_snapshot_rows(
            EntityKind::Contact,
            &js_sys::JsString::from(text.as_str()),
            &page,
        )
        .unwrap()
        .await
        .unwrap();
    latest
}

/// A join shows a page as soon as its puts are sent and goes on while it commits: an edit of
/// one of its records saved meanwhile runs after the page's puts, so the page never overwrites
/// it, and the edit wins over the page's stamps.
#[wasm_bindgen_test]
async fn an_edit_saved_while_a_page_commits_is_kept() {
    let name = unique_name("rows-edited");
    let sara = contact("Sara", None);
    let mut remote_clock = Clock::new(NodeId::from_random([9; 8]));
    let mut new_op_id = || system::new_op_id(system::now_ms());
    // A remote device whose clock runs a minute ahead of this one.
    let ops = OpBuilder::new(&mut remote_clock, system::now_ms() + 60_000, &mut new_op_id)
        .edit_ops(EntityKind::Contact, &sara.id, None, &synced_fields(&sara))
        .unwrap();
    let (text, _) = rows_page_text(&ops);
    let page: RowsPage = serde_json::from_str(&text).unwrap();
    let store = Store::open_named(&name).await.unwrap();
    let committing = store
        .put_snapshot_rows(
            EntityKind::Contact,
            &js_sys::JsString::from(text.as_str()),
            &page,
        )
        .unwrap();
    let edited = Contact {
        first_name: "Sarah".to_owned(),
        ..sara.clone()
    };
    store.save(Some(&sara), &edited).await.unwrap();
    committing.await.unwrap();
    assert_eq!(store.load::<Contact>().await.unwrap(), vec![edited.clone()]);
    drop(store);
    assert_eq!(
        Store::open_named(&name)
            .await
            .unwrap()
            .load::<Contact>()
            .await
            .unwrap(),
        vec![edited]
    );
    delete_database(&name).await;
}

/// records, and later ops merge into them field by field (their merge state is found in the
/// page's shared one).
#[wasm_bindgen_test]
async fn snapshot_rows_store_what_merging_their_ops_stores() {
    let (by_rows, by_ops) = (unique_name("rows"), unique_name("rows-by-ops"));
    let (sara, omid) = (contact("Sara", None), contact("Omid", None));
    let mut remote_clock = Clock::new(NodeId::from_random([7; 8]));
    let mut new_op_id = || system::new_op_id(system::now_ms());
    let mut ops = Vec::new();
    // A remote device whose clock runs a minute ahead of this one.
    let ahead = system::now_ms() + 60_000;
    {
        let mut builder = OpBuilder::new(&mut remote_clock, ahead, &mut new_op_id);
        for made in [&sara, &omid] {
            let fields = synced_fields(made);
            ops.extend(
                builder
                    .edit_ops(EntityKind::Contact, &made.id, None, &fields)
                    .unwrap(),
            );
        }
    }
    // Record after record, as a snapshot page holds them.
    ops.sort_by_key(|op| op.record.to_string());
    let store = Store::open_named(&by_rows).await.unwrap();
    let latest = store_rows_page(&store, &ops).await;
    let merged = Store::open_named(&by_ops).await.unwrap();
    merged.apply_snapshot(&ops, Ids::Fresh).await.unwrap();
    let stored = sorted_by_id(store.load().await.unwrap());
    assert_eq!(stored, sorted_by_id(vec![sara.clone(), omid.clone()]));
    assert_eq!(stored, sorted_by_id(merged.load().await.unwrap()));

    let mut renamed = synced_fields(&sara);
    renamed.insert("first_name".to_owned(), Value::from("Sarah"));
    let rename = OpBuilder::new(&mut remote_clock, ahead + 1, &mut new_op_id)
        .edit_ops(
            EntityKind::Contact,
            &sara.id,
            Some(&synced_fields(&sara)),
            &renamed,
        )
        .unwrap();
    for replica in [&store, &merged] {
        replica.apply_pulled(&rename, &[], 10).await.unwrap();
    }
    let stored = sorted_by_id(store.load().await.unwrap());
    assert_eq!(stored, sorted_by_id(merged.load().await.unwrap()));
    assert!(stored.iter().any(|contact| contact.first_name == "Sarah"
        && contact.phones == sara.phones
        && contact.last_name == sara.last_name));
    // Edits made here come after every stamp the page held.
    let edited = Contact {
        first_name: "Omidreza".to_owned(),
        ..omid.clone()
    };
    store.save(Some(&omid), &edited).await.unwrap();
    let written = store.outbox().await.unwrap();
    assert!(written.iter().all(|op| Some(&op.stamp) > latest.as_ref()));
    drop((store, merged));
    delete_database(&by_rows).await;
    delete_database(&by_ops).await;
}

/// Merges copy a record's values before and after for automation only while someone
/// listens (a change rule is on).
#[wasm_bindgen_test]
async fn merges_are_copied_for_rules_only_while_heard() {
    let name = unique_name("heard");
    let store = Store::open_named(&name).await.unwrap();
    let sara = contact("Sara", None);
    store.save(None, &sara).await.unwrap();
    let mut remote_clock = Clock::new(NodeId::from_random([9; 8]));
    let mut new_op_id = || system::new_op_id(system::now_ms());
    let mut rename = |first_name: &str, wall_ms: u64| {
        let mut after = synced_fields(&sara);
        after.insert("first_name".to_owned(), Value::from(first_name));
        OpBuilder::new(&mut remote_clock, wall_ms, &mut new_op_id)
            .edit_ops(
                EntityKind::Contact,
                &sara.id,
                Some(&synced_fields(&sara)),
                &after,
            )
            .unwrap()
    };
    let ahead = system::now_ms() + 60_000;
    let unheard = store
        .apply_pulled(&rename("Sarah", ahead), &[], 1)
        .await
        .unwrap();
    assert!(unheard[0].merged.is_none());
    store.hear_merges(true);
    let heard = store
        .apply_pulled(&rename("Zahra", ahead + 1), &[], 2)
        .await
        .unwrap();
    let merged = heard[0].merged.as_deref().expect("copied while heard");
    assert_eq!(
        merged
            .before
            .as_ref()
            .and_then(|before| before.get("first_name")),
        Some(&Value::from("Sarah"))
    );
    drop(store);
    delete_database(&name).await;
}
/// The feed's entries as (kind, record, field, author).
fn feed_summary(entries: &[FeedEntry]) -> Vec<(EntityKind, String, String, Option<String>)> {
    entries
        .iter()
        .map(|entry| {
            (
                entry.kind,
                entry.record.to_string(),
                entry.change.field.clone(),
                entry.change.author.clone(),
            )
        })
        .collect()
}

#[wasm_bindgen_test]
async fn the_feed_lists_every_records_changes_newest_first_as_far_as_asked_and_filtered() {
    let name = unique_name("feed");
    let store = Store::open_named(&name).await.unwrap();
    let (sara, bita) = (contact("Sara", None), contact("Bita", None));
    let call = task("call", None);
    store.save(None, &sara).await.unwrap();
    store.save(None, &bita).await.unwrap();
    store.save(None, &call).await.unwrap();
    // Creations are not in the feed, as they are not history.
    assert_eq!(store.feed(10, |_, _, _| true).await.unwrap(), []);

    let renamed = |c: &Contact, to: &str| Contact {
        first_name: to.to_owned(),
        ..c.clone()
    };
    store
        .save(Some(&sara), &renamed(&sara, "Sarah"))
        .await
        .unwrap();
    store.set_author(Some("member-1".to_owned()));
    store
        .save(Some(&bita), &renamed(&bita, "Bitta"))
        .await
        .unwrap();
    let retitled = Task {
        title: "call back".to_owned(),
        ..call.clone()
    };
    store.save(Some(&call), &retitled).await.unwrap();

    let contact_change = |c: &Contact, author: Option<&str>| {
        (
            EntityKind::Contact,
            c.id.to_string(),
            "first_name".to_owned(),
            author.map(str::to_owned),
        )
    };
    let task_change = (
        EntityKind::Task,
        call.id.to_string(),
        "title".to_owned(),
        Some("member-1".to_owned()),
    );
    let everything = store.feed(10, |_, _, _| true).await.unwrap();
    assert_eq!(
        feed_summary(&everything),
        [
            task_change.clone(),
            contact_change(&bita, Some("member-1")),
            contact_change(&sara, None),
        ]
    );
    assert_eq!(everything[2].change.new, Value::from("Sarah"));
    // As far as asked: the newest.
    assert_eq!(
        store.feed(1, |_, _, _| true).await.unwrap(),
        everything[..1]
    );
    let filtered = |filter: FeedFilter| {
        let store = &store;
        async move {
            let entries = store
                .feed(10, |kind, _, author| filter.matches(kind, author))
                .await
                .unwrap();
            feed_summary(&entries)
        }
    };
    assert_eq!(
        filtered(FeedFilter {
            who: Who::Me { member: None },
            kind: None,
        })
        .await,
        [contact_change(&sara, None)]
    );
    assert_eq!(
        filtered(FeedFilter {
            who: Who::Anyone,
            kind: Some(EntityKind::Contact),
        })
        .await,
        [
            contact_change(&bita, Some("member-1")),
            contact_change(&sara, None)
        ]
    );
    // Changes the server refused leave the feed with the history.
    let outbox = store.outbox().await.unwrap();
    let retitling = outbox.last().unwrap().id.to_string();
    store
        .refuse(&retitling, None, "refused".to_owned(), 1.0)
        .await
        .unwrap()
        .expect("an outbox entry holds the op");
    assert_eq!(
        feed_summary(&store.feed(10, |_, _, _| true).await.unwrap()),
        [
            contact_change(&bita, Some("member-1")),
            contact_change(&sara, None)
        ]
    );
    store.clear_all().await.unwrap();
    assert_eq!(store.feed(10, |_, _, _| true).await.unwrap(), []);
    drop(store);
    delete_database(&name).await;
}

/// A bulk change is one line of the feed (one put to its index instead of one per record),
/// naming its first record and counting them all; each record's history keeps its change.
#[wasm_bindgen_test]
async fn a_bulk_change_is_one_line_of_the_feed_and_a_change_in_each_records_history() {
    use rabet_domain::bulk::{undoing, ContactChange};
    use rabet_domain::feed::list_difference;
    let name = unique_name("feed-bulk");
    let store = Store::open_named(&name).await.unwrap();
    let imported: Vec<Contact> =
        sorted_by_id((0..5).map(|n| contact(&format!("C{n}"), None)).collect());
    store
        .save_many(&imported, Ids::Fresh, |_| {})
        .await
        .unwrap();
    let renamed = Contact {
        first_name: "Sarah".to_owned(),
        ..imported[0].clone()
    };
    store.save(Some(&imported[0]), &renamed).await.unwrap();
    let contacts = loaded(&store).await;
    let tag = ContactChange::AddTag("vip".into());
    let edits = tag.edits(&contacts, 0);
    let written = |contact: &Contact| tag.written_fields(contact);
    store.save_edits(&edits, written).await.unwrap();

    let feed = store.feed(10, |_, _, _| true).await.unwrap();
    let lines: Vec<(&str, usize)> = feed
        .iter()
        .map(|entry| (entry.change.field.as_str(), entry.records))
        .collect();
    assert_eq!(lines, [("tags", 5), ("first_name", 1)]);
    assert_eq!(
        list_difference(&feed[0].change),
        Some((true, vec!["vip".into()]))
    );
    for contact in &contacts {
        let history = store
            .history(EntityKind::Contact, &contact.id)
            .await
            .unwrap();
        let tagged = history.iter().find(|change| change.field == "tags");
        assert_eq!(
            tagged.map(|change| change.new.clone()),
            Some(Value::from(vec!["vip"])),
            "{history:?}"
        );
    }
    // Filtered as a change of its kind, field and author.
    assert!(store
        .feed(10, |kind, _, _| kind == EntityKind::Task)
        .await
        .unwrap()
        .is_empty());

    // Its undo is a line of its own.
    store.save_edits(&undoing(edits), written).await.unwrap();
    let feed = store.feed(10, |_, _, _| true).await.unwrap();
    assert_eq!(feed.len(), 3);
    assert_eq!(feed[0].records, 5);
    assert_eq!(
        list_difference(&feed[0].change),
        Some((false, vec!["vip".into()]))
    );
    drop(store);
    delete_database(&name).await;
}

#[wasm_bindgen_test]
async fn upgrading_a_version_5_database_puts_the_history_it_kept_in_the_feed() {
    let name = unique_name("feed-upgrade");
    let sara = contact("Sara", None);
    let renamed = Contact {
        first_name: "Sarah".to_owned(),
        ..sara.clone()
    };
    let old = Store::open_at_version(&name, 5).await.unwrap();
    old.save(None, &sara).await.unwrap();
    old.save(Some(&sara), &renamed).await.unwrap();
    let kept = old.history(EntityKind::Contact, &sara.id).await.unwrap();
    assert_eq!(kept.len(), 1);
    drop(old);

    let store = Store::open_named(&name).await.unwrap();
    assert_eq!(store.db().version(), f64::from(SCHEMA_VERSION));
    let feed = store.feed(10, |_, _, _| true).await.unwrap();
    assert_eq!(
        feed,
        [FeedEntry {
            kind: EntityKind::Contact,
            record: WireId::from(&sara.id),
            change: kept[0].clone(),
            records: 1,
        }]
    );
    // Changes after the upgrade join it, newest first.
    let titled = Contact {
        job_title: "Buyer".to_owned(),
        ..renamed.clone()
    };
    store.save(Some(&renamed), &titled).await.unwrap();
    let fields: Vec<String> = store
        .feed(10, |_, _, _| true)
        .await
        .unwrap()
        .into_iter()
        .map(|entry| entry.change.field)
        .collect();
    assert_eq!(fields, ["job_title", "first_name"]);
    drop(store);
    delete_database(&name).await;
}

/// Run by hand like the other measurements: the feed's first page over 100,000 kept changes
/// (written straight into the history, as 100,000 edits would leave it), and what each kept
/// change costs in IndexedDB.
#[wasm_bindgen_test]
#[ignore]
async fn measure_the_feed_over_100k_changes() {
    const CHANGES: usize = 100_000;
    let name = unique_name("measure-feed");
    let store = Store::open_named(&name).await.unwrap();
    let before = storage_estimate().await.map(|e| e.usage);
    let mut clock = Clock::new(NodeId::from_random([3; 8]));
    // A change a second, the last one now: a day and some of busy work.
    let start = system::now_ms() - CHANGES as u64 * 1_000;
    for chunk in 0..CHANGES / 1_000 {
        let tx = store
            .transaction(&[HISTORY, FEED], TransactionMode::Readwrite)
            .unwrap();
        let stores = history::HistoryStores {
            history: tx.object_store(HISTORY).unwrap(),
            feed: Some(tx.object_store(FEED).unwrap()),
            bulk: None,
        };
        for i in 0..1_000 {
            let n = chunk * 1_000 + i;
            let record = WireId::from(&new_id());
            let change = Change {
                field: "phones".to_owned(),
                old: Some(Value::from(format!("+98912{n:07}"))),
                new: Value::from(format!("+98935{n:07}")),
                stamp: clock.tick(start + n as u64 * 1_000),
                op: WireId::from(&new_id()),
                won: true,
                author: Some("0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b".to_owned()),
            };
            let key = history::change_key(EntityKind::Contact, &record, &change.stamp, &change.op);
            stores
                .keep(EntityKind::Contact, &record, key, &change)
                .unwrap();
        }
        drop(stores);
        commit(tx).await.unwrap();
    }
    let after = storage_estimate().await.map(|e| e.usage);
    let mut times = Vec::new();
    for _ in 0..5 {
        let started = js_sys::Date::now();
        let page = store.feed(51, |_, _, _| true).await.unwrap();
        times.push(js_sys::Date::now() - started);
        assert_eq!(page.len(), 51);
    }
    let mut filtered_times = Vec::new();
    for _ in 0..2 {
        let started = js_sys::Date::now();
        let page = store
            .feed(51, |kind, _, _| kind == EntityKind::Deal)
            .await
            .unwrap();
        filtered_times.push(js_sys::Date::now() - started);
        assert!(page.is_empty());
    }
    drop(store);
    delete_database(&name).await;
    web_sys::console::log_1(
        &format!(
            "feed of {CHANGES} changes: first page (51) in {times:?} ms; a filter nothing \
             passes (whole index) in {filtered_times:?} ms; usage before {before:?}, after \
             {after:?} bytes"
        )
        .into(),
    );
}

#[wasm_bindgen_test]
async fn custom_fields_get_their_store_and_values_travel_as_fields_of_their_record() {
    use rabet_domain::custom_field::{CustomValue, FieldOwner, FieldType};
    use rabet_domain::model::FieldDefinition;
    let name = unique_name("custom-fields");
    // A database from before custom fields gets the definitions' store, records kept.
    let sara = contact("Sara", None);
    let old = Store::open_at_version(&name, 5).await.unwrap();
    old.save(None, &sara).await.unwrap();
    drop(old);
    let store = Store::open_named(&name).await.unwrap();
    assert!(store
        .db()
        .object_store_names()
        .any(|s| s == EntityKind::FieldDefinition.as_str()));

    let tier = FieldDefinition {
        id: new_id(),
        owner: FieldOwner::Contact,
        field_type: FieldType::Text,
        label_en: "Tier".to_owned(),
        label_fa: "سطح".to_owned(),
        ..FieldDefinition::default()
    };
    store.save(None, &tier).await.unwrap();
    let mut vip = sara.clone();
    vip.custom
        .set(&tier, Some(CustomValue::Text("VIP".to_owned())));
    let queued = store.outbox().await.unwrap().len();
    store.save(Some(&sara), &vip).await.unwrap();
    let outbox = store.outbox().await.unwrap();
    let edit: Vec<(&str, &Value)> = outbox[queued..]
        .iter()
        .map(|op| (op.field.as_str(), &op.value))
        .collect();
    assert_eq!(edit, [(tier.field_name().as_str(), &Value::from("VIP"))]);
    drop(store);

    let store = Store::open_named(&name).await.unwrap();
    assert_eq!(
        store.load::<FieldDefinition>().await.unwrap(),
        std::slice::from_ref(&tier)
    );
    let loaded = store.load::<Contact>().await.unwrap();
    assert_eq!(loaded, [vip]);
    assert_eq!(
        loaded[0].custom.get(&tier),
        Some(CustomValue::Text("VIP".to_owned()))
    );
    drop(store);
    delete_database(&name).await;
}

/// How many values `store_name` holds.
async fn values_in(store: &Store, store_name: &str) -> u32 {
    let tx = store
        .transaction(&[store_name], TransactionMode::Readonly)
        .unwrap();
    tx.object_store(store_name)
        .unwrap()
        .count()
        .build()
        .unwrap()
        .await
        .unwrap()
}

/// The values of the tag changes in a contact's history, newest first.
async fn tag_changes(store: &Store, id: &Id) -> Vec<Value> {
    store
        .history(EntityKind::Contact, id)
        .await
        .unwrap()
        .into_iter()
        .filter(|change| change.field == "tags")
        .map(|change| change.new)
        .collect()
}

/// A bulk change of many records keeps their history in chunks of records (a put per chunk,
/// not per record) — but for the record its feed line names —, and each record's history
/// reads its own change from them, with its changes kept one a key, newest first; a refused
/// bulk change takes its chunks out of the history with it.
#[wasm_bindgen_test]
async fn a_bulk_change_of_many_records_keeps_their_history_in_chunks_each_record_reads_its_own() {
    use rabet_domain::bulk::{undoing, ContactChange};
    let name = unique_name("history-chunks");
    let store = Store::open_named(&name).await.unwrap();
    let count = 600;
    let imported: Vec<Contact> = sorted_by_id(
        (0..count)
            .map(|n| contact(&format!("C{n}"), None))
            .collect(),
    );
    store
        .save_many(&imported, Ids::Fresh, |_| {})
        .await
        .unwrap();
    let contacts = loaded(&store).await;
    let tag = ContactChange::AddTag("vip".into());
    let edits = tag.edits(&contacts, 0);
    let written = |contact: &Contact| tag.written_fields(contact);
    store.save_edits(&edits, written).await.unwrap();

    // 600 records: chunks by the first hex digit of their buckets, 16 at most; the record
    // the feed's line names keeps its change under its own key, which the feed reads.
    assert_eq!(values_in(&store, HISTORY).await, 1);
    let chunks = values_in(&store, HISTORY_BULK).await;
    assert!((2..=16).contains(&chunks), "{chunks} chunks");
    let feed = store.feed(10, |_, _, _| true).await.unwrap();
    assert_eq!(feed.len(), 1);
    assert_eq!(feed[0].records, count);
    assert_eq!(feed[0].change.new, Value::from(vec!["vip"]));
    for contact in &contacts {
        assert_eq!(
            tag_changes(&store, &contact.id).await,
            [Value::from(vec!["vip"])],
            "{}",
            contact.id
        );
    }

    // Undone in bulk, then one record tagged again on its own: newest first, from both.
    store.save_edits(&undoing(edits), written).await.unwrap();
    let one = loaded(&store).await.remove(7);
    let retagged = Contact {
        tags: vec!["gold".into()],
        ..one.clone()
    };
    store.save(Some(&one), &retagged).await.unwrap();
    let empty: Vec<&str> = Vec::new();
    assert_eq!(
        tag_changes(&store, &one.id).await,
        [
            Value::from(vec!["gold"]),
            Value::from(empty.clone()),
            Value::from(vec!["vip"])
        ]
    );
    assert_eq!(
        tag_changes(&store, &contacts[8].id).await,
        [Value::from(empty), Value::from(vec!["vip"])]
    );

    // The undo refused by the server: its changes leave every record's history, chunks and all.
    let queued = store.outbox().await.unwrap();
    let undo_op = queued
        .iter()
        .filter(|op| op.field == "tags")
        .nth(count)
        .expect("the undo's ops follow the tag's")
        .id
        .to_string();
    store
        .refuse(&undo_op, None, "refused".to_owned(), 7.0)
        .await
        .unwrap()
        .expect("an outbox entry holds the op");
    assert_eq!(
        tag_changes(&store, &contacts[8].id).await,
        [Value::from(vec!["vip"])]
    );
    assert_eq!(values_in(&store, HISTORY_BULK).await, chunks);
    drop(store);
    delete_database(&name).await;
}

/// A database of version 10 keeps its history a change to a key, bulk changes' too; after the
/// upgrade it reads as before, and a bulk change made since joins it from its chunks.
#[wasm_bindgen_test]
async fn upgrading_a_version_10_database_keeps_its_history_and_adds_bulk_chunks() {
    use rabet_domain::bulk::ContactChange;
    let name = unique_name("history-chunks-upgrade");
    let old = Store::open_at_version(&name, 10).await.unwrap();
    let imported: Vec<Contact> =
        sorted_by_id((0..300).map(|n| contact(&format!("C{n}"), None)).collect());
    old.save_many(&imported, Ids::Fresh, |_| {}).await.unwrap();
    let contacts = loaded(&old).await;
    let vip = ContactChange::AddTag("vip".into());
    old.save_edits(&vip.edits(&contacts, 0), |contact: &Contact| {
        vip.written_fields(contact)
    })
    .await
    .unwrap();
    assert_eq!(values_in(&old, HISTORY).await, 300);
    drop(old);

    let store = Store::open_named(&name).await.unwrap();
    assert_eq!(store.db().version(), f64::from(SCHEMA_VERSION));
    assert_eq!(values_in(&store, HISTORY_BULK).await, 0);
    let contacts = loaded(&store).await;
    let gold = ContactChange::AddTag("gold".into());
    store
        .save_edits(&gold.edits(&contacts, 0), |contact: &Contact| {
            gold.written_fields(contact)
        })
        .await
        .unwrap();
    assert_eq!(values_in(&store, HISTORY).await, 301);
    assert!(values_in(&store, HISTORY_BULK).await > 0);
    for contact in &contacts {
        assert_eq!(
            tag_changes(&store, &contact.id).await,
            [Value::from(vec!["vip", "gold"]), Value::from(vec!["vip"])]
        );
    }
    drop(store);
    delete_database(&name).await;
}

/// An import's rows go in packs of a hundred, not a put each; a record's first later write
/// puts a row of its own that hides its pack's, and every read (load, merges, another tab's,
/// a backup, whether any record is held) finds packed records as it finds the others.
#[wasm_bindgen_test]
async fn new_records_are_stored_in_packs_until_their_first_change() {
    let name = unique_name("packs");
    let store = Store::open_named(&name).await.unwrap();
    assert!(!store.holds_records_of(EntityKind::Contact).await.unwrap());
    let imported: Vec<Contact> = (0..250).map(|n| contact(&format!("C{n}"), None)).collect();
    store
        .save_many(&imported, Ids::Fresh, |_| {})
        .await
        .unwrap();
    assert_eq!(values_in(&store, PACKS).await, 3);
    assert_eq!(values_in(&store, EntityKind::Contact.as_str()).await, 0);
    assert!(store.holds_records_of(EntityKind::Contact).await.unwrap());
    assert_eq!(
        store.load::<Contact>().await.unwrap(),
        sorted_by_id(imported.clone())
    );

    // One edited, one deleted: rows of their own, which hide the packs' from then on.
    let mut edited = imported[120].clone();
    edited.job_title = "Buyer".into();
    store.save(Some(&imported[120]), &edited).await.unwrap();
    store
        .delete(EntityKind::Contact, &imported[7].id)
        .await
        .unwrap();
    // And one made since, whose id comes after every pack's.
    let newer = contact("Newer", None);
    store.save(None, &newer).await.unwrap();
    assert_eq!(values_in(&store, EntityKind::Contact.as_str()).await, 3);
    let mut expected: Vec<Contact> = imported.clone();
    expected[120] = edited.clone();
    expected.remove(7);
    expected.push(newer);
    let expected = sorted_by_id(expected);
    assert_eq!(store.load::<Contact>().await.unwrap(), expected);

    // Another device's op merges into a packed record's every field.
    let mut remote_clock = Clock::new(NodeId::from_random([9; 8]));
    let later = system::now_ms() + 60_000;
    let remote = remote_edit(
        &mut remote_clock,
        &imported[200],
        "last_name",
        "Rad".into(),
        later,
    );
    let changed = store.apply_ops(&remote, Origin::Remote).await.unwrap();
    let values = changed[0].values.clone().unwrap();
    assert_eq!(values["first_name"], Value::from("C200"));
    assert_eq!(values["last_name"], Value::from("Rad"));

    // Another tab reads packed and own rows alike.
    let read = store
        .read_current(&[
            (EntityKind::Contact, imported[3].id.to_string()),
            (EntityKind::Contact, edited.id.to_string()),
            (EntityKind::Contact, imported[7].id.to_string()),
        ])
        .await
        .unwrap();
    assert_eq!(
        read[0].values.as_ref().unwrap()["first_name"],
        Value::from("C3")
    );
    assert_eq!(
        read[1].values.as_ref().unwrap()["job_title"],
        Value::from("Buyer")
    );
    assert_eq!(read[2].values, None);

    // A backup holds every record once, the deleted one included.
    let backup = store.backup_records().await.unwrap();
    assert_eq!(backup.len(), 251);
    assert!(backup
        .iter()
        .any(|record| record.id == imported[7].id && record.record.is_deleted()));
    // Reopened: the packed records, the edited, the remote change and the newer one.
    let expected: Vec<Contact> = expected
        .into_iter()
        .map(|contact| match contact.id == imported[200].id {
            true => Contact {
                last_name: "Rad".into(),
                ..contact
            },
            false => contact,
        })
        .collect();
    drop(store);
    let store = Store::open_named(&name).await.unwrap();
    assert_eq!(store.load::<Contact>().await.unwrap(), expected);
    store.clear_all().await.unwrap();
    assert_eq!(values_in(&store, PACKS).await, 0);
    assert!(!store.holds_records_of(EntityKind::Contact).await.unwrap());
    drop(store);
    delete_database(&name).await;
}

/// Two tabs that write the same new records (two joins at once) leave packs whose ranges
/// overlap: each record still loads once and merges as stored.
#[wasm_bindgen_test]
async fn overlapping_packs_read_each_record_once() {
    let (name, a, b) = two_tabs("overlapping-packs").await;
    let imported: Vec<Contact> =
        sorted_by_id((0..150).map(|n| contact(&format!("C{n}"), None)).collect());
    // Packs of the first hundred and the last fifty; then one of the hundred in between.
    a.save_many(&imported, Ids::Fresh, |_| {}).await.unwrap();
    b.save_many(&imported[25..125], Ids::Fresh, |_| {})
        .await
        .unwrap();
    assert_eq!(values_in(&a, PACKS).await, 3);
    assert_eq!(
        a.load::<Contact>().await.unwrap(),
        sorted_by_id(imported.clone())
    );
    let mut edited = imported[110].clone();
    edited.job_title = "Buyer".into();
    let changed = a.save(Some(&imported[110]), &edited).await.unwrap();
    assert_eq!(
        changed[0].values.as_ref().unwrap()["first_name"],
        imported[110].first_name.as_str()
    );
    let mut expected = imported.clone();
    expected[110] = edited;
    assert_eq!(b.load::<Contact>().await.unwrap(), sorted_by_id(expected));
    drop((a, b));
    delete_database(&name).await;
}

/// A refused import takes its records out of their packs: nothing brings them back.
#[wasm_bindgen_test]
async fn a_refused_import_leaves_no_packed_record_behind() {
    let name = unique_name("refused-packs");
    let (store, imported) = three_imported(&name).await;
    let kept = contact("Kept", None);
    store.save(None, &kept).await.unwrap();
    let outbox = store.outbox().await.unwrap();
    let import_op = outbox
        .iter()
        .find(|op| op.record == imported[0].id)
        .unwrap();
    store
        .refuse(&import_op.id.to_string(), None, "refused".to_owned(), 1.0)
        .await
        .unwrap()
        .expect("an outbox entry holds the op");
    assert_eq!(store.load::<Contact>().await.unwrap(), [kept]);
    assert_eq!(values_in(&store, PACKS).await, 0);
    drop(store);
    delete_database(&name).await;
}

/// A page of a join whose records come in another order than their ids' (a server whose
/// database collates ids otherwise): its pack's key still names its least and greatest id,
/// so a record edited since loads once, as edited, wherever it sits in the pack.
#[wasm_bindgen_test]
async fn a_pack_out_of_id_order_still_loads_each_record_once() {
    let name = unique_name("packs-out-of-order");
    let people: Vec<Contact> =
        sorted_by_id((0..5).map(|n| contact(&format!("P{n}"), None)).collect());
    // Its first and last rows are neither its least nor its greatest id.
    let order = [1, 4, 2, 0, 3];
    let mut clock = Clock::new(NodeId::from_random([5; 8]));
    let mut new_op_id = || system::new_op_id(system::now_ms());
    let mut builder = OpBuilder::new(&mut clock, 1_000, &mut new_op_id);
    let ops: Vec<Op> = order
        .iter()
        .flat_map(|&at| {
            let person = &people[at];
            builder
                .edit_ops(
                    EntityKind::Contact,
                    &person.id,
                    None,
                    &synced_fields(person),
                )
                .unwrap()
        })
        .collect();
    let store = Store::open_named(&name).await.unwrap();
    store_rows_page(&store, &ops).await;
    assert_eq!(values_in(&store, PACKS).await, 1);
    let mut edited = people[4].clone();
    edited.job_title = "Buyer".into();
    store.save(Some(&people[4]), &edited).await.unwrap();
    let mut expected = people.clone();
    expected[4] = edited;
    let mut loaded = store.load::<Contact>().await.unwrap();
    loaded.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(loaded, expected);
    drop(store);
    delete_database(&name).await;
}
