//! Automation rules at work: what a rule does to a change, or at a moment, as a pure function
//! of the rule, the record, the time and the zone.
//!
//! Exactly once, whichever device sees the trigger first: every device (and the sync server)
//! fires rules on what it sees, offline included, and everything a firing writes has an id
//! derived from the rule, the record and the trigger ([`run_id`], [`effect_id`]). Two devices
//! that fire the same rule for the same trigger write the same records with the same values,
//! which merge into one; a device that already holds the run does not fire again.
//!
//! The trigger is named by what all replicas agree on: a record's creation; the stamp of the
//! op that wrote a field's new value (the same op on every device); or the moment a timed rule
//! comes due, computed from the record's fields. What automation itself writes goes out in ops
//! whose ids carry [`AUTOMATION_OP_PREFIX`], and those never trigger rules: two devices write
//! the same value under different stamps, so a rule triggered by them would fire twice.

use crate::hlc::Stamp;
use crate::id::{Id, WireId};
use crate::kind::EntityKind;
use crate::model::{
    Action, AssigneeRule, AutomationRule, AutomationRun, Comparison, Contact, Notification,
    RecordRef, RunOutcome, RunResult, SendVia, Task,
};
use crate::replica::Record;
use crate::report::segment::{BuyerFacts, PreparedSegment};
use crate::sorting::sort_by;
use crate::time::{Instant, Zone, MS_PER_DAY};
use serde_json::{json, Map, Value};

/// How the ids of ops written by automation begin.
pub const AUTOMATION_OP_PREFIX: &str = "auto-";
/// An hour in ms: the unit of a timed rule's offset.
pub const HOUR_MS: i64 = 3_600_000;
/// Integers below this in a date field are days since the epoch ([`crate::calendar::Day`]);
/// larger ones are instants in ms (which passed it in 1970).
const LARGEST_DAY: i64 = 100_000_000;

/// The id of an op automation writes, made from a fresh unique op id.
pub fn automation_op_id(fresh: &WireId) -> WireId {
    WireId::from_string(format!("{AUTOMATION_OP_PREFIX}{fresh}"))
}

/// Whether automation wrote the op with this id.
pub fn is_automation_op(op: &WireId) -> bool {
    op.as_str().starts_with(AUTOMATION_OP_PREFIX)
}

/// What fired a rule on a record, the same on every replica.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TriggerKey {
    /// The record was created.
    Created,
    /// A field took its value from the op with this stamp.
    Changed(Stamp),
    /// A timed rule came due at this instant (ms).
    At(i64),
}

impl TriggerKey {
    /// The key as a run stores it.
    pub fn to_text(&self) -> String {
        match self {
            TriggerKey::Created => "created".to_owned(),
            TriggerKey::Changed(stamp) => format!("changed:{}", stamp.to_sort_key()),
            TriggerKey::At(at) => format!("at:{at}"),
        }
    }

    /// When the trigger happened, given when the record was created.
    fn instant(&self, created_at: i64) -> i64 {
        match self {
            TriggerKey::Created => created_at,
            TriggerKey::Changed(stamp) => i64::try_from(stamp.wall_ms).unwrap_or(i64::MAX),
            TriggerKey::At(at) => *at,
        }
    }
}

/// The id of the run of `rule` on a record for a trigger.
pub fn run_id(rule: &Id, kind: EntityKind, record: &Id, key: &TriggerKey) -> Id {
    let key = key.to_text();
    Id::derived(&["run", &rule.as_str(), kind.as_str(), &record.as_str(), &key])
}

/// [`run_id`] as text outside the id table, to ask whether a run is held before making it.
pub fn run_wire_id(rule: &Id, kind: EntityKind, record: &Id, key: &TriggerKey) -> WireId {
    let key = key.to_text();
    WireId::derived(&["run", &rule.as_str(), kind.as_str(), &record.as_str(), &key])
}

/// The id of what the action at `index` of a run creates.
pub fn effect_id(run: &Id, index: usize) -> Id {
    Id::derived(&["effect", &run.as_str(), &index.to_string()])
}

/// The id of the notification a run gives `member`: one per member per run, so devices that
/// fire the same rule for the same trigger write one notification per member.
pub fn notification_id(run: &Id, member: &Id) -> Id {
    Id::derived(&["notification", &run.as_str(), &member.as_str()])
}

/// Who a "notify members" action notifies: the members it names and, when `record_owner`,
/// the record's `owner` (when it has one), each once, in that order.
pub fn notified_members(member_ids: &[Id], record_owner: bool, owner: Option<&str>) -> Vec<Id> {
    let owner = owner
        .filter(|_| record_owner)
        .filter(|owner| !owner.is_empty())
        .map(Id::from_string);
    let mut members: Vec<Id> = Vec::with_capacity(member_ids.len() + 1);
    for member in member_ids.iter().cloned().chain(owner) {
        if !members.contains(&member) {
            members.push(member);
        }
    }
    members
}

/// Reading a record's current fields, from its values or its merge state.
pub trait Fields {
    fn field(&self, name: &str) -> Option<&Value>;

    fn text(&self, name: &str) -> Option<&str> {
        self.field(name).and_then(Value::as_str)
    }

    fn id_field(&self, name: &str) -> Option<&str> {
        self.text(name).filter(|id| !id.is_empty())
    }

    fn integer(&self, name: &str) -> Option<i64> {
        self.field(name).and_then(Value::as_i64)
    }
}

impl Fields for Map<String, Value> {
    fn field(&self, name: &str) -> Option<&Value> {
        self.get(name)
    }
}

impl Fields for Record {
    fn field(&self, name: &str) -> Option<&Value> {
        self.fields().get(name).map(|state| &state.value)
    }
}

/// What rules read besides the record: the workspace around it, answered from indexes.
pub trait Lookup {
    /// The contact with this id (text from a record's field).
    fn contact(&self, id: &str) -> Option<&Contact>;
    /// The contact's purchase facts, for segment criteria.
    fn buyer(&self, contact: &Contact) -> Option<&BuyerFacts>;
    /// The contact's search text, for criteria with free text.
    fn search_text(&self, contact: &Contact) -> String;
    /// When the last activity on the record was logged.
    fn last_activity(&self, record: &Id) -> Option<i64>;
    /// A team member's name, for the `{owner}` placeholder.
    fn member_name(&self, id: &str) -> Option<String>;
}

/// A record as a merge left it: its values before (`None` when this replica did not hold
/// it) and its merge state after.
#[derive(Clone, Copy, Debug)]
pub struct Change<'a> {
    pub kind: EntityKind,
    pub id: &'a Id,
    pub before: Option<&'a Map<String, Value>>,
    pub after: &'a Record,
}

/// What one firing writes and asks for: its run (to store, with each action's outcome so
/// far) and each action's effect, in the rule's order.
#[derive(Clone, Debug, PartialEq)]
pub struct Firing {
    pub run: AutomationRun,
    pub effects: Vec<Effect>,
}

/// What one action of a firing does.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// A task to create, with its derived id.
    CreateTask(Task),
    /// A field of the triggering record to set.
    SetField {
        kind: EntityKind,
        id: Id,
        field: String,
        value: Value,
    },
    /// In-app notifications to write, one per member, with derived ids.
    Notify(Vec<Notification>),
    /// A message to send (by the server) or to prepare (on a device without one).
    Message(Message),
    /// A message not sent, for the reason in the run's outcome.
    Withheld,
    /// A webhook for the server to call.
    Webhook { url: String, payload: Value },
}

/// An automated message with its placeholders filled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    pub via: SendVia,
    /// The e-mail address or phone number.
    pub to: String,
    pub contact_id: Id,
    pub subject: String,
    pub body: String,
}

/// A rule made ready to test many records: its segment criteria parsed once.
pub struct PreparedRule<'r> {
    pub rule: &'r AutomationRule,
    segment: PreparedSegment<'r>,
    has_criteria: bool,
}

impl<'r> PreparedRule<'r> {
    pub fn new(rule: &'r AutomationRule) -> Self {
        PreparedRule {
            rule,
            segment: PreparedSegment::new(&rule.criteria),
            has_criteria: rule.criteria != Default::default(),
        }
    }

    /// What the rule does to a change, if it fires: only an enabled rule with a change
    /// trigger on the change's kind, for a live record, when the change was not made by
    /// automation and the record meets the conditions and criteria (as it is after the
    /// change). A replica holding the run already must not write it again (see the module).
    pub fn on_change(&self, change: &Change, lookup: &impl Lookup, zone: &Zone) -> Option<Firing> {
        let rule = self.rule;
        let after = change.after;
        if !rule.enabled || rule.trigger.kind() != change.kind || after.is_deleted() {
            return None;
        }
        let key = match &rule.trigger {
            crate::model::Trigger::Created { .. } => {
                let by_person = after
                    .fields()
                    .values()
                    .any(|state| !is_automation_op(&state.op));
                (change.before.is_none() && by_person).then_some(TriggerKey::Created)?
            }
            crate::model::Trigger::FieldChanged { field, to, .. } => {
                let state = after.fields().get(field.as_str())?;
                let before = change.before.and_then(|before| before.get(field.as_str()));
                let changed = before.unwrap_or(&Value::Null) != &state.value;
                let wanted = to.as_ref().is_none_or(|to| to == &state.value);
                (changed && wanted && !is_automation_op(&state.op))
                    .then(|| TriggerKey::Changed(state.stamp.clone()))?
            }
            _ => return None,
        };
        self.matches(change.kind, change.id, after, lookup)
            .then(|| self.fire(change.kind, change.id, after, key, lookup, zone))
    }

    /// When a timed rule comes due for a record: `hours` from its date field, or `days`
    /// after its last activity (or its creation). `None` for other rules or without a date.
    pub fn due_at(
        &self,
        id: &Id,
        fields: &impl Fields,
        lookup: &impl Lookup,
        zone: &Zone,
    ) -> Option<i64> {
        match &self.rule.trigger {
            crate::model::Trigger::FieldTime { field, hours, .. } => {
                let value = fields.integer(field)?;
                let base = if value.abs() < LARGEST_DAY {
                    let day = crate::calendar::Day(i32::try_from(value).ok()?);
                    zone.day_start(day).0
                } else {
                    value
                };
                Some(base + i64::from(*hours) * HOUR_MS)
            }
            crate::model::Trigger::NoActivity { days, .. } => {
                let base = lookup
                    .last_activity(id)
                    .or_else(|| fields.integer("created_at"))?;
                Some(base + i64::from(*days) * MS_PER_DAY)
            }
            _ => None,
        }
    }

    /// What fires a timed rule on a record at `now`, if it is due: due at or before `now`,
    /// and not before the rule was switched on (switching a rule on does not replay the
    /// past), and the record meets the conditions and criteria. The caller skips records
    /// whose run ([`run_wire_id`] of the key) it holds, then calls [`Self::fire`].
    pub fn due_key(
        &self,
        kind: EntityKind,
        id: &Id,
        fields: &impl Fields,
        now: i64,
        lookup: &impl Lookup,
        zone: &Zone,
    ) -> Option<TriggerKey> {
        let rule = self.rule;
        if !rule.enabled || rule.trigger.kind() != kind {
            return None;
        }
        let due = self.due_at(id, fields, lookup, zone)?;
        (due <= now && due >= rule.enabled_at && self.matches(kind, id, fields, lookup))
            .then_some(TriggerKey::At(due))
    }

    /// What the rule fires on a record as it stands at `now`, for a replica that did not see
    /// the change as it happened (the sync server's sweep): a timed rule that came due
    /// ([`Self::due_key`]); a change rule's trigger that the record's current state carries
    /// ([`Self::last_change`]), when it happened since the rule was switched on and the
    /// record meets the conditions and criteria now. The key is the one a device that saw
    /// the change derives, so both firings write the same run. The caller skips records whose
    /// run it holds, then calls [`Self::fire`].
    pub fn pending_key(
        &self,
        kind: EntityKind,
        id: &Id,
        record: &Record,
        now: i64,
        lookup: &impl Lookup,
        zone: &Zone,
    ) -> Option<TriggerKey> {
        let rule = self.rule;
        if !rule.enabled || rule.trigger.kind() != kind || record.is_deleted() {
            return None;
        }
        if rule.trigger.is_timed() {
            return self.due_key(kind, id, record, now, lookup, zone);
        }
        let (key, at) = self.last_change(record)?;
        (at >= rule.enabled_at && at <= now && self.matches(kind, id, record, lookup))
            .then_some(key)
    }

    /// The change trigger a record's merge state carries, and when it happened: its creation
    /// (by a person), or a person's write of the watched field's current value, when it is
    /// the value wanted. `None` for timed rules.
    fn last_change(&self, record: &Record) -> Option<(TriggerKey, i64)> {
        match &self.rule.trigger {
            crate::model::Trigger::Created { .. } => {
                let by_person = record
                    .fields()
                    .values()
                    .any(|state| !is_automation_op(&state.op));
                by_person.then_some(())?;
                Some((TriggerKey::Created, record.integer("created_at")?))
            }
            crate::model::Trigger::FieldChanged { field, to, .. } => {
                let state = record.fields().get(field.as_str())?;
                let wanted = to.as_ref().is_none_or(|to| to == &state.value);
                (wanted && !is_automation_op(&state.op)).then_some(())?;
                let at = i64::try_from(state.stamp.wall_ms).ok()?;
                Some((TriggerKey::Changed(state.stamp.clone()), at))
            }
            _ => None,
        }
    }

    /// Whether the record meets the rule's conditions on its fields and the segment
    /// criteria on its contact.
    pub fn matches(
        &self,
        kind: EntityKind,
        id: &Id,
        fields: &impl Fields,
        lookup: &impl Lookup,
    ) -> bool {
        let conditions = self.rule.conditions.iter().all(|condition| {
            let value = fields.field(&condition.field).unwrap_or(&Value::Null);
            let listed = condition.values.contains(value);
            match condition.comparison {
                Comparison::IsAnyOf => listed,
                Comparison::IsNoneOf => !listed,
            }
        });
        conditions
            && (!self.has_criteria
                || contact_of(kind, id, fields, lookup).is_some_and(|contact| {
                    let facts = lookup.buyer(contact);
                    self.segment
                        .matches(contact, facts, |contact| lookup.search_text(contact))
                }))
    }

    /// What the rule does to a record for a trigger, tested already (see [`Self::due_key`]).
    pub fn fire(
        &self,
        kind: EntityKind,
        id: &Id,
        fields: &impl Fields,
        key: TriggerKey,
        lookup: &impl Lookup,
        zone: &Zone,
    ) -> Firing {
        let rule = self.rule;
        let run_id = run_id(&rule.id, kind, id, &key);
        let at = key.instant(fields.integer("created_at").unwrap_or_default());
        let contact = contact_of(kind, id, fields, lookup);
        let owner = owner_of(fields)
            .or_else(|| contact.and_then(|c| c.owner_id.as_ref().map(|o| o.as_str().to_string())));
        let values = placeholder_values(fields, contact, owner.as_deref(), lookup);
        let fill = |text: &str| fill_placeholders(text, &values);
        let record = RecordRef {
            kind,
            id: id.clone(),
        };
        let mut outcomes = Vec::with_capacity(rule.actions.len());
        let mut effects = Vec::with_capacity(rule.actions.len());
        for (index, action) in rule.actions.iter().enumerate() {
            let (result, detail, effect) = match action {
                Action::CreateTask {
                    title,
                    assignee,
                    member_id,
                    due_in_days,
                } => {
                    let task_id = effect_id(&run_id, index);
                    let assignee_id = match assignee {
                        AssigneeRule::RecordOwner => owner.as_deref().map(Id::from_string),
                        AssigneeRule::Member => member_id.clone(),
                    };
                    let task = Task {
                        id: task_id.clone(),
                        title: fill(title),
                        due_at: Some(days_later(at, *due_in_days, zone)),
                        assignee_id,
                        link: Some(record.clone()),
                        created_at: at,
                        ..Task::default()
                    };
                    (
                        RunResult::Done,
                        task_id.to_string(),
                        Effect::CreateTask(task),
                    )
                }
                Action::SetField { field, value } => (
                    RunResult::Done,
                    field.clone(),
                    Effect::SetField {
                        kind,
                        id: id.clone(),
                        field: field.clone(),
                        value: value.clone(),
                    },
                ),
                Action::Notify {
                    member_ids,
                    record_owner,
                    text,
                } => {
                    let text = fill(text);
                    let notifications: Vec<Notification> =
                        notified_members(member_ids, *record_owner, owner.as_deref())
                            .into_iter()
                            .map(|member_id| Notification {
                                id: notification_id(&run_id, &member_id),
                                member_id,
                                rule_id: rule.id.clone(),
                                run_id: run_id.clone(),
                                record: Some(record.clone()),
                                text: text.clone(),
                                read_at: None,
                                created_at: at,
                            })
                            .collect();
                    // Nobody to notify (a record without an owner) is said, not hidden.
                    let result = if notifications.is_empty() {
                        RunResult::NoMember
                    } else {
                        RunResult::Done
                    };
                    let detail = notifications.len().to_string();
                    (result, detail, Effect::Notify(notifications))
                }
                Action::SendMessage { via, subject, body } => match contact {
                    Some(contact) if contact.do_not_contact => {
                        (RunResult::DoNotContact, String::new(), Effect::Withheld)
                    }
                    Some(contact) => match address(contact, *via) {
                        Some(to) => (
                            RunResult::Queued,
                            to.to_owned(),
                            Effect::Message(Message {
                                via: *via,
                                to: to.to_owned(),
                                contact_id: contact.id.clone(),
                                subject: fill(subject),
                                body: fill(body),
                            }),
                        ),
                        None => (RunResult::NoAddress, String::new(), Effect::Withheld),
                    },
                    None => (RunResult::NoAddress, String::new(), Effect::Withheld),
                },
                Action::Webhook { url } => (
                    RunResult::Queued,
                    url.clone(),
                    Effect::Webhook {
                        url: url.clone(),
                        payload: webhook_payload(&rule.id, &run_id, &record, &key.to_text()),
                    },
                ),
            };
            let (subject, body) = match &effect {
                Effect::Message(message) => (message.subject.clone(), message.body.clone()),
                _ => Default::default(),
            };
            outcomes.push(RunOutcome {
                action: u32::try_from(index).unwrap_or(u32::MAX),
                result,
                detail,
                subject,
                body,
            });
            effects.push(effect);
        }
        let run = AutomationRun {
            id: run_id,
            rule_id: rule.id.clone(),
            record: Some(record),
            trigger: key.to_text(),
            at,
            outcomes,
        };
        Firing { run, effects }
    }
}

/// The JSON a webhook is called with: the rule, the run, the record and the trigger (as
/// the run stores it), so the receiver can tell one firing from another.
pub fn webhook_payload(rule: &Id, run: &Id, record: &RecordRef, trigger: &str) -> Value {
    json!({
        "rule": rule,
        "run": run,
        "kind": record.kind,
        "record": record.id,
        "trigger": trigger,
    })
}

/// `days` local days after `at`, at the same clock time in `zone` (a DST change between
/// keeps the clock time, not the hours).
fn days_later(at: i64, days: u32, zone: &Zone) -> i64 {
    let instant = Instant(at);
    let day = zone.day_of(instant);
    let into_day = at - zone.day_start(day).0;
    let later = crate::calendar::Day(
        day.0
            .saturating_add(i32::try_from(days).unwrap_or(i32::MAX)),
    );
    zone.day_start(later).0 + into_day
}

/// The record's contact: itself, the contact it names, or a task's linked contact.
fn contact_of<'l>(
    kind: EntityKind,
    id: &Id,
    fields: &impl Fields,
    lookup: &'l impl Lookup,
) -> Option<&'l Contact> {
    match kind {
        EntityKind::Contact => lookup.contact(&id.as_str()),
        _ => lookup.contact(named_contact(kind, fields)?),
    }
}

/// The contact a record of another kind names, whose fields segment criteria read: a
/// task's linked contact, else its `contact_id` (a deal's, ticket's, invoice's …).
pub fn named_contact(kind: EntityKind, fields: &impl Fields) -> Option<&str> {
    match kind {
        EntityKind::Task => {
            let link = fields.field("link")?;
            (link.get("kind")?.as_str()? == EntityKind::Contact.as_str())
                .then(|| link.get("id")?.as_str())
                .flatten()
                .filter(|id| !id.is_empty())
        }
        _ => fields.id_field("contact_id"),
    }
}

/// Whether a change of a contact can change what `rule` does on records of its kind: an
/// enabled rule on another kind (deals, tickets, invoices, tasks) with segment criteria,
/// which read the contact the record names. Such a rule is re-checked on the records naming
/// a changed contact with [`PreparedRule::pending_key`], as a replica that had not seen
/// their change would: a trigger since the rule was switched on that the record now meets
/// fires with the key every replica derives, so it fires once whoever re-checks first. A
/// company's change asks for nothing: criteria read only the contact's own fields.
pub fn rechecked_on_contact_change(rule: &AutomationRule) -> bool {
    rule.enabled
        && rule.trigger.kind() != EntityKind::Contact
        && rule.criteria != Default::default()
}

/// The member responsible for the record: its owner, else its assignee.
fn owner_of(fields: &impl Fields) -> Option<String> {
    fields
        .id_field("owner_id")
        .or_else(|| fields.id_field("assignee_id"))
        .map(str::to_owned)
}

fn address(contact: &Contact, via: SendVia) -> Option<&str> {
    match via {
        SendVia::Email => contact.primary_email(),
        SendVia::Sms => contact.primary_phone(),
    }
}

/// The placeholders a rule's texts may use: the contact's `{first_name}`, `{last_name}`,
/// `{full_name}`, the responsible member's `{owner}`, and every text field of the record by
/// its name (`{title}` of a deal or task, `{number}` of an invoice, `{subject}` of a ticket).
pub fn placeholder_values(
    fields: &impl Fields,
    contact: Option<&Contact>,
    owner: Option<&str>,
    lookup: &impl Lookup,
) -> Vec<(String, String)> {
    let mut values: Vec<(String, String)> = Vec::new();
    for name in [
        "title",
        "number",
        "subject",
        "name",
        "first_name",
        "last_name",
    ] {
        if let Some(text) = fields.text(name) {
            values.push((name.to_owned(), text.to_owned()));
        }
    }
    if let Some(contact) = contact {
        values.push(("first_name".into(), contact.first_name.clone()));
        values.push(("last_name".into(), contact.last_name.clone()));
        values.push(("full_name".into(), contact.full_name()));
    }
    let owner = owner
        .and_then(|id| lookup.member_name(id))
        .unwrap_or_default();
    values.push(("owner".into(), owner));
    values
}

/// Replaces each `{name}` of `text` by its value (the last given for a name); unknown names
/// stay as written, and a brace that opens no known name is text (so JSON templates work:
/// `{"to": {to_json}}`).
pub fn fill_placeholders(text: &str, values: &[(String, String)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                match values.iter().rev().find(|(key, _)| key == name) {
                    Some((_, value)) => {
                        out.push_str(value);
                        rest = &after[close + 1..];
                    }
                    None => {
                        out.push('{');
                        rest = after;
                    }
                }
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// A record that would have fired a rule, and when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hit {
    pub id: Id,
    pub at: i64,
}

/// The records a rule would have fired on in the `window_ms` before `now` (as they are now):
/// records created in it (by a person); fields whose current value was written in it (by a
/// person) and is the one wanted; timed rules that came due in it, whether switched on or
/// not. Newest first.
pub fn preview<'a>(
    rule: &AutomationRule,
    records: impl IntoIterator<Item = (&'a Id, &'a Record)>,
    lookup: &impl Lookup,
    now: i64,
    window_ms: i64,
    zone: &Zone,
) -> Vec<Hit> {
    let switched_on = AutomationRule {
        enabled: true,
        enabled_at: i64::MIN,
        ..rule.clone()
    };
    let prepared = PreparedRule::new(&switched_on);
    let kind = rule.trigger.kind();
    let since = now.saturating_sub(window_ms);
    let in_window = |at: i64| (since..=now).contains(&at);
    let mut hits: Vec<Hit> = records
        .into_iter()
        .filter(|(_, record)| !record.is_deleted())
        .filter_map(|(id, record)| {
            let at = match prepared.last_change(record) {
                Some((_, at)) => at,
                None => prepared.due_at(id, record, lookup, zone)?,
            };
            (in_window(at) && prepared.matches(kind, id, record, lookup))
                .then(|| Hit { id: id.clone(), at })
        })
        .collect();
    sort_by(&mut hits, |a, b| {
        b.at.cmp(&a.at).then_with(|| a.id.cmp(&b.id))
    });
    hits
}

#[cfg(test)]
mod tests;
