//! Times the server's automation sweep over a SQLite workspace of generated contacts and
//! their activities: "no activity for 30 days → a follow-up task", the first sweep (when
//! many contacts come due at once and their tasks and runs are written) and the next
//! (every run held: what `serve` does each minute).
//!
//! ```text
//! cargo run -p rabet-server --release --example sweep_timing -- [contacts, default 100000]
//! ```

use rabet_domain::{
    calendar::Day,
    hlc::{Clock, NodeId},
    id::{Id, WireId},
    kind::EntityKind,
    locale::Lang,
    model::{Action, AssigneeRule, AutomationRule, Entity, Trigger},
    op::{Op, OpBuilder},
    sample::{generate, SampleOptions},
    time::{Zone, MS_PER_DAY},
};
use rabet_server::{
    admin, automation::sweep_workspace, delivery::Delivery, DatabaseLocation, SqlStorage, Storage,
    StoredOp,
};
use std::time::Instant;

/// Ops for whole new records, stamped by one clock.
struct Writer {
    clock: Clock,
    made: u64,
    now: u64,
}

impl Writer {
    fn ops<E: Entity>(&mut self, record: &E) -> Vec<Op> {
        let (now, made) = (self.now, &mut self.made);
        let mut new_id = || {
            *made += 1;
            let mut random = [7u8; 10];
            random[2..].copy_from_slice(&made.to_be_bytes());
            WireId::v7(now, random)
        };
        OpBuilder::new(&mut self.clock, now, &mut new_id)
            .edit_ops(E::KIND, record.id(), None, &record.to_fields())
            .expect("sample records are valid")
    }
}

#[tokio::main]
async fn main() {
    let contacts: usize = std::env::args()
        .nth(1)
        .map(|count| count.parse().expect("a number of contacts"))
        .unwrap_or(100_000);
    let now = 1_780_000_000_000_i64;
    let sample = generate(&SampleOptions {
        seed: 1,
        contacts,
        lang: Lang::Fa,
        today: Day::from_unix_ms(now),
    });
    let dir = tempfile::tempdir().unwrap();
    let storage = SqlStorage::open(&DatabaseLocation::DataDir(dir.path().join("data")))
        .await
        .unwrap();
    let workspace = admin::create_workspace(&storage, "Bench").await.unwrap();
    let admin = admin::issue_token_as(&storage, &workspace, "Admin", None, false)
        .await
        .unwrap()
        .member
        .id;
    let mut writer = Writer {
        clock: Clock::new(NodeId::from_random([7; 8])),
        made: 0,
        now: now as u64,
    };
    let rule = AutomationRule {
        id: Id::from_string("rule-quiet"),
        name: "Quiet for 30 days".into(),
        enabled: true,
        enabled_at: 0,
        trigger: Trigger::NoActivity {
            kind: EntityKind::Contact,
            days: 30,
        },
        actions: vec![Action::CreateTask {
            title: "{full_name} را پیگیری کنید".into(),
            assignee: AssigneeRule::RecordOwner,
            member_id: None,
            due_in_days: 1,
        }],
        ..AutomationRule::default()
    };
    let started = Instant::now();
    let mut ops = writer.ops(&rule);
    for member in &sample.team {
        ops.extend(writer.ops(member));
    }
    for contact in &sample.contacts {
        ops.extend(writer.ops(contact));
    }
    for activity in &sample.activities {
        ops.extend(writer.ops(activity));
    }
    let count = ops.len();
    for chunk in ops.chunks(5_000) {
        let stored: Vec<StoredOp> = chunk
            .iter()
            .map(|op| StoredOp::authored(op, &admin))
            .collect();
        storage
            .push(&workspace, &admin, &stored, false)
            .await
            .unwrap();
    }
    println!(
        "stored {contacts} contacts and {} activities ({count} ops) in {:.1} s",
        sample.activities.len(),
        started.elapsed().as_secs_f64()
    );
    let zone = Zone::fixed(12_600_000);
    let delivery = Delivery::default();
    for pass in ["first sweep", "next sweep (runs held)"] {
        let started = Instant::now();
        let swept = sweep_workspace(&storage, &delivery, &workspace, now + MS_PER_DAY, &zone)
            .await
            .unwrap();
        println!(
            "{pass}: {} ms, {} rules fired, {} ops written",
            started.elapsed().as_millis(),
            swept.runs,
            swept.ops
        );
    }
    storage.close().await;
}
