//! Automation on the sync server: a sweep that fires workspace rules when no device is open.
//!
//! The server reads each workspace's records from its compacted state (the winning op of
//! every field, `compacted.rs`), merges them with the domain's merge code into records, and
//! asks the domain's rules what is pending on each ([`PreparedRule::pending_key`]): timed
//! rules that came due (an invoice overdue, a task due, no activity for N days), and change
//! rules whose change no device fired yet. What a firing writes (its tasks, field values and
//! run) goes into the log as ops pushed by [`SYSTEM_AUTHOR`], with the ids devices derive, so
//! a device that fired the same rule for the same trigger merges with it into one record.
//! A run the workspace already holds is never fired again: that is what makes it once.
//!
//! A message goes into the outbox for `delivery` to send, when the server sends by its
//! channel; otherwise it is left prepared in the run, for a person to open as on a device
//! without a server. Webhooks are left queued in the run: the server does not call them yet.

use crate::compacted::{self, Range};
use crate::delivery::{self, Delivery};
use crate::storage::{SqlStorage, Storage, StorageError, StoredOp};
use rabet_domain::{
    automation::{automation_op_id, run_wire_id, Effect, Firing, Lookup, Message, PreparedRule},
    hlc::{Clock, NodeId},
    id::{Id, WireId},
    kind::EntityKind,
    model::{
        Activity, AutomationRule, Company, Contact, Deal, Entity, Invoice, RunResult, Task,
        TeamMember, Ticket,
    },
    op::{OpBuilder, OpError},
    referrers::Refers,
    replica::{Record, Replica},
    report::segment::BuyerFacts,
    sync::AuthoredOp,
    time::Zone,
};
use serde_json::{Map, Value};
use std::collections::{BTreeSet, HashMap};

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
    #[error("a stored op of {kind:?} is unreadable: {reason}")]
    Unreadable { kind: EntityKind, reason: String },
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

/// Fires every workspace's pending rules at `now` (ms), reading dates in `zone`; messages
/// by the channels `delivery` sends go into the outbox.
pub async fn sweep(
    storage: &SqlStorage,
    delivery: &Delivery,
    now: i64,
    zone: &Zone,
) -> Result<Vec<Swept>, AutomationError> {
    let mut done = Vec::new();
    for workspace in storage.workspace_ids().await? {
        let swept = sweep_workspace(storage, delivery, &workspace, now, zone).await?;
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

/// Fires one workspace's pending rules at `now`.
pub async fn sweep_workspace(
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
    let mut state = Replica::default();
    load(storage, workspace, EntityKind::AutomationRule, &mut state).await?;
    let rules: Vec<AutomationRule> = entities(&state, EntityKind::AutomationRule)
        .filter(|rule: &AutomationRule| rule.enabled)
        .collect();
    if rules.is_empty() {
        return Ok(swept);
    }
    // What rules look up, and the kinds they watch.
    let kinds: BTreeSet<EntityKind> = [
        EntityKind::AutomationRun,
        EntityKind::Contact,
        EntityKind::Activity,
        EntityKind::TeamMember,
    ]
    .into_iter()
    .chain(rules.iter().map(|rule| rule.trigger.kind()))
    .filter(|kind| *kind != EntityKind::AutomationRule)
    .collect();
    for kind in kinds {
        load(storage, workspace, kind, &mut state).await?;
    }
    let workspace_records = Records::of(&state);
    let prepared: Vec<PreparedRule> = rules.iter().map(PreparedRule::new).collect();
    let mut firings = Vec::new();
    for rule in &prepared {
        let kind = rule.rule.trigger.kind();
        for (id, record) in state.live(kind) {
            let Some(key) = rule.pending_key(kind, id, record, now, &workspace_records, zone)
            else {
                continue;
            };
            // A run held, even one deleted from the log, has fired.
            let run = Id::from(&run_wire_id(&rule.rule.id, kind, id, &key));
            if state.get(EntityKind::AutomationRun, &run).is_none() {
                firings.push(rule.fire(kind, id, record, key, &workspace_records, zone));
            }
        }
    }
    let mut writer = Writer::new(now)?;
    let mut queued = Vec::new();
    let mut ops = Vec::new();
    for firing in firings {
        swept.runs += 1;
        let (written, failed) =
            writer.ops_of(firing, &state, delivery, |run, index, message| {
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
        storage.push(workspace, SYSTEM_AUTHOR, chunk, false).await?;
    }
    Ok(swept)
}

/// Merges every record of `kind` in the workspace's compacted state into `state`.
async fn load(
    storage: &SqlStorage,
    workspace: &str,
    kind: EntityKind,
    state: &mut Replica,
) -> Result<(), AutomationError> {
    let mut after: Option<String> = None;
    loop {
        let page = storage
            .snapshot(
                workspace,
                kind,
                Range {
                    after: after.as_deref(),
                    until: None,
                },
                PAGE_RECORDS,
                PAGE_BYTES,
                false,
            )
            .await?
            .page;
        for raw in &page.ops {
            state.apply(&read_op(kind, raw)?);
        }
        if !page.more {
            return Ok(());
        }
        after = page.last;
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
        record.apply(&read_op(kind, &body)?);
    }
    Ok(record)
}

fn read_op(kind: EntityKind, body: &str) -> Result<rabet_domain::op::Op, AutomationError> {
    let op: AuthoredOp =
        serde_json::from_str(body).map_err(|error| AutomationError::Unreadable {
            kind,
            reason: error.to_string(),
        })?;
    Ok(op.into_parts().0)
}

/// The live records of `kind` as entities; one whose fields do not read as the kind is
/// left out (with a warning), as devices leave it out of their lists.
fn entities<E: Entity>(state: &Replica, kind: EntityKind) -> impl Iterator<Item = E> + '_ {
    state.live(kind).filter_map(move |(id, record)| {
        let mut fields = record.to_map();
        fields.insert("id".to_owned(), Value::String(id.to_string()));
        E::from_fields(fields)
            .inspect_err(|error| tracing::warn!(%id, ?kind, %error, "unreadable record"))
            .ok()
    })
}

/// The workspace as rules look it up, indexed from its records.
struct Records {
    contacts: HashMap<String, Contact>,
    last_activity: HashMap<Id, i64>,
    members: HashMap<String, String>,
}

impl Records {
    fn of(state: &Replica) -> Records {
        let contacts = entities(state, EntityKind::Contact)
            .map(|contact: Contact| (contact.id.to_string(), contact))
            .collect();
        let mut last_activity: HashMap<Id, i64> = HashMap::new();
        for activity in entities::<Activity>(state, EntityKind::Activity) {
            for named in activity.references().into_iter().flatten() {
                let latest = last_activity.entry(named.clone()).or_insert(activity.at);
                *latest = (*latest).max(activity.at);
            }
        }
        let members = entities(state, EntityKind::TeamMember)
            .map(|member: TeamMember| (member.id.to_string(), member.display_name().to_owned()))
            .collect();
        Records {
            contacts,
            last_activity,
            members,
        }
    }
}

impl Lookup for Records {
    fn contact(&self, id: &str) -> Option<&Contact> {
        self.contacts.get(id)
    }

    /// Purchase criteria are not tested by automation yet (nor on devices): a contact
    /// counts as never bought.
    fn buyer(&self, _: &Contact) -> Option<&BuyerFacts> {
        None
    }

    fn search_text(&self, contact: &Contact) -> String {
        contact.search_text()
    }

    fn last_activity(&self, record: &Id) -> Option<i64> {
        self.last_activity.get(record).copied()
    }

    fn member_name(&self, id: &str) -> Option<String> {
        self.members.get(id).cloned()
    }
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
        for state in record.fields().values() {
            self.clock.observe(&state.stamp, self.now);
        }
        let before = record.to_map();
        let mut after = before.clone();
        after.insert(field.to_owned(), value);
        self.edit(kind, id, Some(&before), &after)
    }

    /// The ops of a firing's effects, then of its run with what became of each action, and
    /// how many actions failed. A task the workspace already holds (a device fired first)
    /// is left as it is, edits included.
    fn ops_of(
        &mut self,
        firing: Firing,
        state: &Replica,
        delivery: &Delivery,
        mut queue: impl FnMut(&Id, usize, Message),
    ) -> Result<(Vec<StoredOp>, usize), AutomationError> {
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
                    queue(&run.id, index, message);
                }
                Effect::Message(_) => outcome.result = RunResult::Prepared,
                // In-app notices reach the members whose devices fire change rules; webhooks
                // wait, queued, in the run.
                Effect::Notify { .. } | Effect::Webhook { .. } | Effect::Withheld => {}
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
    ) -> Result<Vec<StoredOp>, String> {
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
        self.write_field(kind, id, record, field, value)
            .map_err(|error| error.to_string())
    }

    fn edit(
        &mut self,
        kind: EntityKind,
        id: &Id,
        before: Option<&Map<String, Value>>,
        after: &Map<String, Value>,
    ) -> Result<Vec<StoredOp>, AutomationError> {
        let now = self.now;
        // Ids are drawn first: the builder's id maker cannot fail.
        let mut fresh = (0..after.len() + 1)
            .map(|_| random().map(|bytes| automation_op_id(&WireId::v7(now, bytes))))
            .collect::<Result<Vec<_>, _>>()?
            .into_iter();
        let mut new_id = || fresh.next().expect("one id per field");
        let ops =
            OpBuilder::new(&mut self.clock, now, &mut new_id).edit_ops(kind, id, before, after)?;
        Ok(ops
            .iter()
            .map(|op| StoredOp::authored(op, SYSTEM_AUTHOR))
            .collect())
    }
}

fn random<const N: usize>() -> Result<[u8; N], AutomationError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(AutomationError::NoRandomness)?;
    Ok(bytes)
}
