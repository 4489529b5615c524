//! Times the server's automation sweep over a SQLite workspace of generated contacts and
//! their activities: "no activity for 30 days → a follow-up task". The first sweep builds
//! the workspace in memory (its time and the process's resident memory before and after are
//! shown) and fires every contact that came due, writing their tasks and runs; the next
//! ones (what `serve` does every few minutes) merge what was stored since and look at what
//! fell due: one with nothing new, one a day later (contacts come due), and one after a
//! device pushed 100 calls. Each pass shows its wall time and the CPU time the process used
//! meanwhile (on a shared machine the difference is the wait for a core).
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
    model::{Action, Activity, AssigneeRule, AutomationRule, Entity, Trigger},
    op::{Op, OpBuilder},
    sample::{generate, SampleOptions},
    time::{Zone, MS_PER_DAY},
};
use rabet_server::{
    admin, automation::Sweeper, delivery::Delivery, DatabaseLocation, SqlStorage, Storage, StoredOp,
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
        push(&storage, &workspace, &admin, chunk).await;
    }
    println!(
        "stored {contacts} contacts and {} activities ({count} ops) in {:.1} s",
        sample.activities.len(),
        started.elapsed().as_secs_f64()
    );
    let zone = Zone::fixed(12_600_000);
    let delivery = Delivery::default();
    let mut sweeper = Sweeper::default();
    let resident_before = resident_mb();
    let calls: Vec<Op> = sample
        .contacts
        .iter()
        .take(100)
        .enumerate()
        .flat_map(|(n, contact)| {
            let call = Activity {
                id: Id::from_string(format!("bench-call-{n}")),
                at: now + MS_PER_DAY,
                contact_id: Some(contact.id.clone()),
                ..Activity::default()
            };
            writer.ops(&call)
        })
        .collect();
    let passes = [
        (
            "first sweep (builds the workspace in memory)",
            now + MS_PER_DAY,
        ),
        ("next sweep, nothing new", now + MS_PER_DAY),
        ("a day later", now + 2 * MS_PER_DAY),
        ("after 100 calls pushed", now + 2 * MS_PER_DAY),
    ];
    for (pass, at) in passes {
        if pass.starts_with("after") {
            push(&storage, &workspace, &admin, &calls).await;
        }
        let (started, cpu_before) = (Instant::now(), cpu_ms());
        let swept = sweeper
            .sweep_workspace(&storage, &delivery, &workspace, at, &zone)
            .await
            .unwrap();
        println!(
            "{pass}: {} ms ({} ms of CPU), {} rules fired, {} ops written",
            started.elapsed().as_millis(),
            cpu_ms() - cpu_before,
            swept.runs,
            swept.ops
        );
    }
    println!(
        "resident memory: {resident_before} MB before the first sweep, {} MB after the last",
        resident_mb()
    );
    storage.close().await;
}

/// Stores `ops` as the member `admin` wrote them.
async fn push(storage: &SqlStorage, workspace: &str, admin: &str, ops: &[Op]) {
    let stored: Vec<StoredOp> = ops.iter().map(|op| StoredOp::authored(op, admin)).collect();
    storage
        .push(workspace, admin, &stored, false)
        .await
        .unwrap();
}

/// The CPU time the process has used, user and system, in ms, from /proc (0 where there is
/// none): on a shared machine, a pass's own work apart from its wait for a core.
fn cpu_ms() -> u64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0;
    };
    // The fields after the command's closing parenthesis; utime and stime are the 14th
    // and 15th of the line, in clock ticks (100 a second on Linux).
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |n: usize| {
        fields
            .get(n)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    (ticks(11) + ticks(12)) * 10
}

/// The process's resident memory in MB, from /proc (0 where there is none).
fn resident_mb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
            let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
            Some(kb / 1024)
        })
        .unwrap_or(0)
}
