//! Automation on the sync server: a sweep that fires workspace rules when no device is open.
//!
//! The server holds each workspace's records in memory (`held`: built from its compacted
//! state, kept up to date from the op log with the domain's merge code) and asks the
//! domain's rules what is pending ([`rabet_domain::automation::PreparedRule::pending_key`])
//! on the records that can fire: timed rules' records that came due (an invoice overdue, a
//! task due, no activity for N days), found in an index by due instant, and the records
//! changed since the last sweep, for change rules whose change no device fired yet. What a firing writes (its tasks, field values and
//! run) goes into the log as ops pushed by [`SYSTEM_AUTHOR`], with the ids devices derive, so
//! a device that fired the same rule for the same trigger merges with it into one record.
//! A run the workspace already holds is never fired again: that is what makes it once.
//!
//! A message goes into the outbox for `delivery` to send, when the server sends by its
//! channel; otherwise it is left prepared in the run, for a person to open as on a device
//! without a server. A webhook always goes into the outbox: devices never call webhooks
//! (CORS, secrets), they queue them in the runs they push, and the server sends what a
//! device's run queued (webhooks, and messages by a channel it sends) as it sends its own:
//! the outbox is keyed by run and action, so a run fired on both sends once.

mod held;

use crate::compacted;
use crate::delivery::{self, Delivery, Outgoing};
use crate::storage::{PushOutcome, SqlStorage, Storage, StorageError, StoredOp};
use held::Held;
use rabet_domain::{
    automation::{automation_op_id, Effect, Firing},
    hlc::{Clock, NodeId},
    id::{Id, WireId},
    kind::EntityKind,
    model::{Company, Contact, Deal, Entity, Invoice, RunResult, Task, Ticket},
    op::{Op, OpBuilder, OpError},
    replica::{Record, Replica},
    sync::AuthoredOp,
    time::Zone,
};
use serde_json::{Map, Value};
use std::collections::{hash_map::Entry, HashMap};

/// The member id the server's automation writes as (in the log, the record's creator).
pub const SYSTEM_AUTHOR: &str = "automation";
/// Records read per page of the compacted state.
const PAGE_RECORDS: u32 = 5_000;
/// Bytes read per page of the compacted state.
const PAGE_BYTES: usize = 8 << 20;
/// Ops pushed per transaction.
const PUSH_OPS: usize = 1_000;

/// Why a sweep stopped.
#[derive(Debug, thiserror::Error)]
pub enum AutomationError {
    #[error("{0}")]
    Storage(#[from] StorageError),
    #[error("a stored op is unreadable: {reason}")]
    Unreadable { reason: String },
    #[error("an automation op is invalid: {0}")]
    InvalidOp(#[from] OpError),
    #[error("cannot set up sending: {0}")]
    Setup(String),
    #[error("the system gives no randomness for ids: {0}")]
    NoRandomness(getrandom::Error),
}

/// What a sweep did in one workspace.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Swept {
    pub workspace: String,
    /// Rules fired, each on one record for one trigger.
    pub runs: usize,
    /// Ops written for them.
    pub ops: usize,
    /// Actions that could not be done (logged in their runs, with the reason).
    pub failed: usize,
}

/// Fires workspaces' pending rules, holding each workspace's records in memory from one
/// sweep to the next (see [`held`]): the first sweep of a workspace builds them from its
/// compacted state, the next ones merge only the ops stored since.
#[derive(Default)]
pub struct Sweeper {
    held: HashMap<String, Held>,
}

impl Sweeper {
    /// Whether the workspace's records are held in memory (it has had a rule and been
    /// swept since this process started).
    pub fn holds(&self, workspace: &str) -> bool {
        self.held.contains_key(workspace)
    }

    /// Fires every workspace's pending rules at `now` (ms), reading dates in `zone`;
    /// messages by the channels `delivery` sends go into the outbox.
    pub async fn sweep(
        &mut self,
        storage: &SqlStorage,
        delivery: &Delivery,
        now: i64,
        zone: &Zone,
    ) -> Result<Vec<Swept>, AutomationError> {
        let mut done = Vec::new();
        for workspace in storage.workspace_ids().await? {
            let swept = self
                .sweep_workspace(storage, delivery, &workspace, now, zone)
                .await?;
            if swept.runs > 0 {
                tracing::info!(
                    %workspace,
                    runs = swept.runs,
                    ops = swept.ops,
                    failed = swept.failed,
                    "automation fired"
                );
            }
            done.push(swept);
        }
        Ok(done)
    }

    /// Fires one workspace's pending rules at `now`. After a failure the workspace is built
    /// again next time: what was taken as fired may not have been written.
    pub async fn sweep_workspace(
        &mut self,
        storage: &SqlStorage,
        delivery: &Delivery,
        workspace: &str,
        now: i64,
        zone: &Zone,
    ) -> Result<Swept, AutomationError> {
        let swept = self
            .sweep_held(storage, delivery, workspace, now, zone)
            .await;
        if swept.is_err() {
            self.held.remove(workspace);
        }
        swept
    }

    async fn sweep_held(
        &mut self,
        storage: &SqlStorage,
        delivery: &Delivery,
        workspace: &str,
        now: i64,
        zone: &Zone,
    ) -> Result<Swept, AutomationError> {
        let mut swept = Swept {
            workspace: workspace.to_owned(),
            ..Swept::default()
        };
        // A workspace that never had a rule has nothing to fire or send: its records stay
        // on disk, not in this process's memory.
        let rules = EntityKind::AutomationRule.as_str();
        if !self.held.contains_key(workspace)
            && !compacted::ever_held(storage.pool(), workspace, rules).await?
        {
            return Ok(swept);
        }
        let held = match self.held.entry(workspace.to_owned()) {
            Entry::Occupied(held) => held.into_mut(),
            Entry::Vacant(vacant) => vacant.insert(Held::build(storage, workspace, zone).await?),
        };
        if !held.catch_up(storage, workspace, zone).await? {
            *held = Held::build(storage, workspace, zone).await?;
        }
        for (run, index, outgoing) in held.runs_to_send(now, |via| delivery.sends(via)) {
            delivery::enqueue(storage.pool(), workspace, &run, index, &outgoing, now).await?;
        }
        // Called with no rule on too: it forgets the changes seen.
        let firings = held.firings(now);
        let mut writer = Writer::new(now)?;
        let mut queued = Vec::new();
        let mut ops = Vec::new();
        for firing in firings {
            swept.runs += 1;
            let (written, failed) =
                writer.ops_of(firing, &held.state, delivery, |run, index, message| {
                    queued.push((run.clone(), index, message))
                })?;
            swept.failed += failed;
            ops.extend(written);
        }
        // Queued before their runs are written: a failed push fires the same runs again next
        // time, and what is queued already stays queued once.
        for (run, index, message) in &queued {
            delivery::enqueue(storage.pool(), workspace, run, *index, message, now).await?;
        }
        swept.ops = ops.len();
        for chunk in ops.chunks(PUSH_OPS) {
            // The system author deletes nothing, so a push of its own is always stored.
            let pushed = storage
                .push(workspace, SYSTEM_AUTHOR, &authored(chunk), false)
                .await?;
            if let PushOutcome::Stored(pushed) = pushed {
                held.wrote(chunk, &pushed);
            }
        }
        Ok(swept)
    }
}

/// One record as the workspace's compacted state holds it (empty when it holds none).
pub(crate) async fn load_record(
    storage: &SqlStorage,
    workspace: &str,
    kind: EntityKind,
    id: &str,
) -> Result<Record, AutomationError> {
    let mut record = Record::default();
    for (_, body) in compacted::record_ops(storage.pool(), workspace, kind.as_str(), id).await? {
        record.apply(&read_op(&body)?);
    }
    Ok(record)
}

fn read_op(body: &str) -> Result<rabet_domain::op::Op, AutomationError> {
    let op: AuthoredOp =
        serde_json::from_str(body).map_err(|error| AutomationError::Unreadable {
            reason: error.to_string(),
        })?;
    Ok(op.into_parts().0)
}

/// Makes the ops automation writes: stamped by a clock of the server's own, with
/// automation's op ids, authored by [`SYSTEM_AUTHOR`].
pub(crate) struct Writer {
    clock: Clock,
    now: u64,
}

impl Writer {
    pub(crate) fn new(now: i64) -> Result<Writer, AutomationError> {
        Ok(Writer {
            clock: Clock::new(NodeId::from_random(random()?)),
            now: u64::try_from(now).unwrap_or_default(),
        })
    }

    /// The time it writes at, in ms.
    pub(crate) fn now(&self) -> i64 {
        i64::try_from(self.now).unwrap_or(i64::MAX)
    }

    /// The op setting one field of `record`, stamped to win over its current writes.
    pub(crate) fn write_field(
        &mut self,
        kind: EntityKind,
        id: &Id,
        record: &Record,
        field: &str,
        value: Value,
    ) -> Result<Vec<StoredOp>, AutomationError> {
        Ok(authored(&self.field_ops(kind, id, record, field, value)?))
    }

    /// [`Self::write_field`]'s ops.
    fn field_ops(
        &mut self,
        kind: EntityKind,
        id: &Id,
        record: &Record,
        field: &str,
        value: Value,
    ) -> Result<Vec<Op>, AutomationError> {
        for state in record.fields().values() {
            self.clock.observe(&state.stamp, self.now);
        }
        let before = record.to_map();
        let mut after = before.clone();
        after.insert(field.to_owned(), value);
        self.edit(kind, id, Some(&before), &after)
    }

    /// The ops of a firing's effects, then of its run with what became of each action, and
    /// how many actions failed. A task or notification the workspace already holds (a device
    /// fired first) is left as it is, edits included.
    fn ops_of(
        &mut self,
        firing: Firing,
        state: &Replica,
        delivery: &Delivery,
        mut queue: impl FnMut(&Id, usize, Outgoing),
    ) -> Result<(Vec<Op>, usize), AutomationError> {
        let Firing { mut run, effects } = firing;
        let mut ops = Vec::new();
        let mut failed = 0;
        for (index, (outcome, effect)) in run.outcomes.iter_mut().zip(effects).enumerate() {
            match effect {
                Effect::CreateTask(task) => {
                    if state.get(EntityKind::Task, &task.id).is_none() {
                        ops.extend(self.edit(
                            EntityKind::Task,
                            &task.id,
                            None,
                            &task.to_fields(),
                        )?);
                    }
                }
                Effect::SetField {
                    kind,
                    id,
                    field,
                    value,
                } => match self.set_field(state, kind, &id, &field, value) {
                    Ok(set) => ops.extend(set),
                    Err(reason) => {
                        failed += 1;
                        outcome.result = RunResult::Failed;
                        outcome.detail = reason;
                    }
                },
                Effect::Message(message) if delivery.sends(message.via) => {
                    queue(&run.id, index, Outgoing::Message(message));
                }
                Effect::Message(_) => outcome.result = RunResult::Prepared,
                Effect::Webhook { url, payload } => {
                    queue(&run.id, index, Outgoing::Webhook { url, payload });
                }
                Effect::Notify(notifications) => {
                    // One a device wrote first is left as it is, read or not.
                    for notification in notifications {
                        if state
                            .get(EntityKind::Notification, &notification.id)
                            .is_none()
                        {
                            ops.extend(self.edit(
                                EntityKind::Notification,
                                &notification.id,
                                None,
                                &notification.to_fields(),
                            )?);
                        }
                    }
                }
                Effect::Withheld => {}
            }
        }
        let run_id = run.id.clone();
        ops.extend(self.edit(EntityKind::AutomationRun, &run_id, None, &run.to_fields())?);
        Ok((ops, failed))
    }

    /// The op setting one field of a record, checked as the record's kind reads it; `Ok`
    /// with none when the record is gone.
    fn set_field(
        &mut self,
        state: &Replica,
        kind: EntityKind,
        id: &Id,
        field: &str,
        value: Value,
    ) -> Result<Vec<Op>, String> {
        let Some(record) = state.get(kind, id).filter(|record| !record.is_deleted()) else {
            return Ok(Vec::new());
        };
        let mut typed = record.to_map();
        typed.insert(field.to_owned(), value.clone());
        typed.insert("id".to_owned(), Value::String(id.to_string()));
        let readable = match kind {
            EntityKind::Contact => Contact::from_fields(typed).map(drop),
            EntityKind::Company => Company::from_fields(typed).map(drop),
            EntityKind::Deal => Deal::from_fields(typed).map(drop),
            EntityKind::Task => Task::from_fields(typed).map(drop),
            EntityKind::Ticket => Ticket::from_fields(typed).map(drop),
            EntityKind::Invoice => Invoice::from_fields(typed).map(drop),
            other => return Err(format!("rules cannot set fields of {other:?} records")),
        };
        readable.map_err(|error| format!("the field {field:?} cannot take {value}: {error}"))?;
        self.field_ops(kind, id, record, field, value)
            .map_err(|error| error.to_string())
    }

    fn edit(
        &mut self,
        kind: EntityKind,
        id: &Id,
        before: Option<&Map<String, Value>>,
        after: &Map<String, Value>,
    ) -> Result<Vec<Op>, AutomationError> {
        let now = self.now;
        // Ids are drawn first: the builder's id maker cannot fail.
        let mut fresh = (0..after.len() + 1)
            .map(|_| random().map(|bytes| automation_op_id(&WireId::v7(now, bytes))))
            .collect::<Result<Vec<_>, _>>()?
            .into_iter();
        let mut new_id = || fresh.next().expect("one id per field");
        Ok(OpBuilder::new(&mut self.clock, now, &mut new_id).edit_ops(kind, id, before, after)?)
    }
}

/// Ops as automation stores them, by [`SYSTEM_AUTHOR`].
fn authored(ops: &[Op]) -> Vec<StoredOp> {
    ops.iter()
        .map(|op| StoredOp::authored(op, SYSTEM_AUTHOR))
        .collect()
}

fn random<const N: usize>() -> Result<[u8; N], AutomationError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(AutomationError::NoRandomness)?;
    Ok(bytes)
}
