//! A workspace's records held in the server's memory between sweeps, so a sweep costs what
//! changed and what fell due, not the whole workspace.
//!
//! Built once from the compacted state (the log position read before it is its cursor),
//! then kept up to date from the op log: each sweep merges the ops numbered after its
//! cursor (the pushes since, in commit order, whichever server process stored them) with the
//! domain's merge code. Merging is idempotent and order-free, so an op read both in the
//! compacted state and in the log counts once. A log trimmed past the cursor makes it build
//! again.
//!
//! Each timed rule keeps its records by the instant they come due, so a sweep takes what
//! fell due since the last one; change rules look at the records changed since (all of
//! their kind when the rule is new or edited). What is held is only what rules read: the
//! records of the kinds rules watch, contacts, members, rules and settings whole;
//! activities as the fields that date them and name their records; runs as ids.

use super::{read_op, AutomationError, PAGE_BYTES, PAGE_RECORDS};
use crate::compacted::Range;
use crate::delivery::Outgoing;
use crate::storage::{SqlStorage, Storage, StorageError};
use rabet_domain::{
    automation::{
        named_contact, rechecked_on_contact_change, run_wire_id, webhook_payload, Fields, Firing,
        Lookup, Message, PreparedRule, TriggerKey,
    },
    id::{Id, WireId},
    kind::EntityKind,
    model::{
        Action, AutomationRule, AutomationRun, Contact, Entity, RecordRef, RunResult, SendVia,
        TeamMember,
    },
    op::Op,
    replica::{Record, Replica},
    report::segment::BuyerFacts,
    sync::{Cursor, PushResponse},
    time::Zone,
};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// How long after a run fired the server still sends what a device's run queued: a
/// message a day late is worse than none (older runs were a server's before it sent them).
const SEND_WITHIN_MS: i64 = rabet_domain::time::MS_PER_DAY;
/// The fields of an activity automation reads: when it happened, what it is about.
const ACTIVITY_FIELDS: [&str; 6] = [
    "at",
    "contact_id",
    "company_id",
    "deal_id",
    "ticket_id",
    "deleted",
];
/// Kinds held whole whatever the rules watch: the rules, and what rules look up.
const ALWAYS_HELD: [EntityKind; 4] = [
    EntityKind::AutomationRule,
    EntityKind::Contact,
    EntityKind::TeamMember,
    EntityKind::Settings,
];

/// One workspace as automation reads it, with its due index.
pub(crate) struct Held {
    /// Every op numbered up to it is merged in.
    cursor: Cursor,
    /// Records of the kinds in `kinds`, whole.
    pub(super) state: Replica,
    kinds: BTreeSet<EntityKind>,
    /// Activities, with their [`ACTIVITY_FIELDS`] alone.
    activities: Replica,
    /// The runs the workspace holds, even deleted ones: a run held has fired.
    runs: HashSet<WireId>,
    /// Runs merged since the last sweep, for what they ask the server to send.
    fresh_runs: Replica,
    around: Around,
    /// The enabled rules, by id.
    rules: BTreeMap<Id, AutomationRule>,
    /// Per timed rule, its records by when they come due.
    due: HashMap<Id, DueIndex>,
    /// Records merged since the last sweep, not yet indexed.
    fresh: BTreeSet<(EntityKind, Id)>,
    /// Activities merged since the last sweep, not yet counted.
    fresh_activities: BTreeSet<Id>,
    /// Records changed since the last sweep, for change rules.
    changed: BTreeSet<(EntityKind, Id)>,
    /// Change rules, new or edited, that look at every record of their kind next sweep.
    look_at_all: BTreeSet<Id>,
    zone: Zone,
}

impl Held {
    /// The workspace's compacted state merged into memory and indexed, dates read in `zone`.
    pub(crate) async fn build(
        storage: &SqlStorage,
        workspace: &str,
        zone: &Zone,
    ) -> Result<Held, AutomationError> {
        let mut held = Held {
            cursor: Cursor::MAX,
            state: Replica::default(),
            kinds: ALWAYS_HELD.into_iter().collect(),
            activities: Replica::default(),
            runs: HashSet::new(),
            fresh_runs: Replica::default(),
            around: Around::default(),
            rules: BTreeMap::new(),
            due: HashMap::new(),
            fresh: BTreeSet::new(),
            fresh_activities: BTreeSet::new(),
            changed: BTreeSet::new(),
            look_at_all: BTreeSet::new(),
            zone: Zone::default(),
        };
        let first = ALWAYS_HELD
            .into_iter()
            .chain([EntityKind::Activity, EntityKind::AutomationRun]);
        for kind in first {
            let cursor = held.load(storage, workspace, kind).await?;
            // The earliest page's: ops after it may be missing from any page read.
            held.cursor = held.cursor.min(cursor);
        }
        held.zone = held.workspace_zone(zone);
        held.settle(storage, workspace).await?;
        Ok(held)
    }

    /// Merges the ops stored since the last sweep and indexes what they changed, dates read
    /// in the workspace's zone (else `zone`); `false` when the log was trimmed past them
    /// (build again).
    pub(crate) async fn catch_up(
        &mut self,
        storage: &SqlStorage,
        workspace: &str,
        zone: &Zone,
    ) -> Result<bool, AutomationError> {
        loop {
            let page = match storage
                .pull(workspace, self.cursor, PAGE_RECORDS, PAGE_BYTES)
                .await
            {
                Err(StorageError::Trimmed { .. }) => return Ok(false),
                page => page?,
            };
            for raw in &page.ops {
                self.absorb(&read_op(raw.get())?);
            }
            self.cursor = page.next;
            if !page.more {
                break;
            }
        }
        let zone = self.workspace_zone(zone);
        if zone != self.zone {
            // A record that fired for a moment in the old zone does not fire again for the
            // same date in the new one.
            let before = std::mem::replace(&mut self.zone, zone);
            let timed: Vec<Id> = self.timed_rules().collect();
            self.index_rules(&timed, Some(&before));
        }
        self.settle(storage, workspace).await?;
        Ok(true)
    }

    /// The zone the workspace's settings name, else `default` (none named, or a name the
    /// zone database does not know).
    fn workspace_zone(&self, default: &Zone) -> Zone {
        let named = self
            .state
            .live(EntityKind::Settings)
            .find_map(|(_, settings)| settings.text("time_zone").map(str::to_owned));
        named
            .and_then(|name| {
                zone_named(&name)
                    .inspect_err(|error| tracing::warn!(%name, %error, "unknown time zone"))
                    .ok()
            })
            .unwrap_or_else(|| default.clone())
    }

    /// What fires at `now`: timed rules on the records that fell due, change rules on the
    /// records changed since the last sweep; each run is held from then on.
    pub(crate) fn firings(&mut self, now: i64) -> Vec<Firing> {
        let Held {
            state,
            runs,
            around,
            rules,
            due,
            changed,
            look_at_all,
            zone,
            ..
        } = self;
        let mut firings = Vec::new();
        for rule in rules.values() {
            let prepared = PreparedRule::new(rule);
            let kind = rule.trigger.kind();
            let timed = rule.trigger.is_timed();
            let candidates: Vec<Id> = if timed {
                due.get_mut(&rule.id)
                    .map(|index| index.take_due(now))
                    .unwrap_or_default()
            } else if look_at_all.contains(&rule.id) {
                state.live(kind).map(|(id, _)| id.clone()).collect()
            } else {
                changed
                    .iter()
                    .filter(|(changed_kind, _)| *changed_kind == kind)
                    .map(|(_, id)| id.clone())
                    .collect()
            };
            for id in candidates {
                let Some(record) = state.get(kind, &id) else {
                    continue;
                };
                match prepared.pending_key(kind, &id, record, now, around, zone) {
                    Some(key) => {
                        let unfired = runs.insert(run_wire_id(&rule.id, kind, &id, &key));
                        if unfired {
                            firings.push(prepared.fire(kind, &id, record, key, around, zone));
                        }
                    }
                    // Due later than indexed (it changed unseen): back in the index.
                    None if timed => {
                        if let Some(later) = prepared
                            .due_at(&id, record, around, zone)
                            .filter(|at| *at > now)
                        {
                            due.entry(rule.id.clone())
                                .or_default()
                                .set(&id, Some(later));
                        }
                    }
                    None => {}
                }
            }
        }
        changed.clear();
        look_at_all.clear();
        firings
    }

    /// Merges the ops the sweep itself stored, so the next one need not read them back
    /// from the log: the cursor moves past them when no other push came between.
    pub(crate) fn wrote(&mut self, ops: &[Op], pushed: &PushResponse) {
        for op in ops {
            match op.entity {
                // Its own runs ask for nothing more: what they send is queued already.
                EntityKind::AutomationRun => {
                    self.runs.insert(op.record.clone());
                }
                _ => self.absorb(op),
            }
        }
        if pushed.latest == self.cursor + pushed.stored as Cursor {
            self.cursor = pushed.latest;
        }
    }

    /// What the runs created since the last sweep ask the server to send, as `(run, action,
    /// what)`: their webhooks, and their messages by a channel it `sends` (a device
    /// prepares them for a person when there is no server), for runs that fired less than
    /// [`SEND_WITHIN_MS`] before `now`. The server's own runs come again here: the outbox
    /// queues each action of a run once.
    pub(crate) fn runs_to_send(
        &mut self,
        now: i64,
        sends: impl Fn(SendVia) -> bool,
    ) -> Vec<(Id, usize, Outgoing)> {
        let fresh = std::mem::take(&mut self.fresh_runs);
        let mut outgoing = Vec::new();
        for (id, record) in fresh.live(EntityKind::AutomationRun) {
            // A run's later writes (its outcomes as they end) carry no rule: created before.
            if record.field("rule_id").is_none() {
                continue;
            }
            let Some(run) = read_entity::<AutomationRun>(id, record)
                .filter(|run| run.at >= now.saturating_sub(SEND_WITHIN_MS))
            else {
                continue;
            };
            let rule = self
                .state
                .get(EntityKind::AutomationRule, &run.rule_id)
                .and_then(|rule| read_entity::<AutomationRule>(&run.rule_id, rule));
            let (Some(rule), Some(fired_on)) = (rule, &run.record) else {
                continue;
            };
            for outcome in &run.outcomes {
                let index = usize::try_from(outcome.action).unwrap_or(usize::MAX);
                let queued = outcome.result == RunResult::Queued;
                let what = match rule.actions.get(index) {
                    Some(Action::Webhook { .. }) if queued => Outgoing::Webhook {
                        url: outcome.detail.clone(),
                        payload: webhook_payload(&rule.id, &run.id, fired_on, &run.trigger),
                    },
                    Some(Action::SendMessage { via, .. })
                        if (queued || outcome.result == RunResult::Prepared) && sends(*via) =>
                    {
                        let Some(contact_id) = self.contact_of(fired_on) else {
                            continue;
                        };
                        Outgoing::Message(Message {
                            via: *via,
                            to: outcome.detail.clone(),
                            contact_id,
                            subject: outcome.subject.clone(),
                            body: outcome.body.clone(),
                        })
                    }
                    _ => continue,
                };
                outgoing.push((run.id.clone(), index, what));
            }
        }
        outgoing
    }

    /// The contact a run's record is, or names.
    fn contact_of(&self, record: &RecordRef) -> Option<Id> {
        if record.kind == EntityKind::Contact {
            return Some(record.id.clone());
        }
        let fields = self.state.get(record.kind, &record.id)?;
        fields.id_field("contact_id").map(Id::from_string)
    }

    /// Merges every record of `kind` in the compacted state as [`Self::absorb`] keeps it
    /// (whole when `kind` is among `kinds`); the cursor read before it.
    async fn load(
        &mut self,
        storage: &SqlStorage,
        workspace: &str,
        kind: EntityKind,
    ) -> Result<Cursor, AutomationError> {
        let mut after: Option<String> = None;
        let mut cursor = Cursor::MAX;
        loop {
            let snapshot = storage
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
                .await?;
            cursor = cursor.min(snapshot.cursor);
            for raw in snapshot.page.ops() {
                self.absorb(&read_op(raw)?);
            }
            if !snapshot.page.more {
                return Ok(cursor);
            }
            after = snapshot.page.last;
        }
    }

    /// Merges one op into what is held of its kind.
    fn absorb(&mut self, op: &Op) {
        match op.entity {
            EntityKind::AutomationRun => {
                self.runs.insert(op.record.clone());
                self.fresh_runs.apply(op);
            }
            EntityKind::Activity => {
                let counted =
                    ACTIVITY_FIELDS.contains(&op.field.as_str()) && self.activities.apply(op);
                if counted {
                    self.fresh_activities.insert(Id::from(&op.record));
                }
                // Whole too, when a rule watches activities.
                if self.kinds.contains(&EntityKind::Activity) {
                    self.merge_whole(op);
                }
            }
            kind if self.kinds.contains(&kind) => self.merge_whole(op),
            _ => {}
        }
    }

    fn merge_whole(&mut self, op: &Op) {
        if self.state.apply(op) {
            self.fresh.insert((op.entity, Id::from(&op.record)));
        }
    }

    /// Indexes what was merged since the last call: the lookups, the rules, the due
    /// instants; loads the kinds rules newly watch.
    async fn settle(
        &mut self,
        storage: &SqlStorage,
        workspace: &str,
    ) -> Result<(), AutomationError> {
        loop {
            self.index_fresh();
            let missing: Vec<EntityKind> = self
                .rules
                .values()
                .map(|rule| rule.trigger.kind())
                .filter(|kind| !self.kinds.contains(kind))
                .collect();
            if missing.is_empty() {
                return Ok(());
            }
            // Ops after the cursor come again from the log: merged twice, counted once.
            for kind in missing {
                self.kinds.insert(kind);
                self.load(storage, workspace, kind).await?;
            }
        }
    }

    fn index_fresh(&mut self) {
        let fresh = std::mem::take(&mut self.fresh);
        let mut dated = BTreeSet::new();
        for activity in std::mem::take(&mut self.fresh_activities) {
            let record = self.activities.get(EntityKind::Activity, &activity);
            dated.extend(self.around.count_activity(&activity, record));
        }
        let mut rules_changed = false;
        let mut contacts = HashSet::new();
        for (kind, id) in &fresh {
            let record = self.state.get(*kind, id);
            match kind {
                EntityKind::Contact => {
                    self.around.keep_contact(id, record);
                    contacts.insert(id.clone());
                }
                EntityKind::TeamMember => self.around.keep_member(id, record),
                EntityKind::AutomationRule => rules_changed = true,
                _ => {}
            }
        }
        let indexed = match rules_changed {
            true => self.reload_rules(),
            false => BTreeSet::new(),
        };
        let timed: Vec<(Id, EntityKind, bool)> = self
            .rules
            .values()
            .filter(|rule| rule.trigger.is_timed() && !indexed.contains(&rule.id))
            .map(|rule| {
                let by_activity = matches!(
                    rule.trigger,
                    rabet_domain::model::Trigger::NoActivity { .. }
                );
                (rule.id.clone(), rule.trigger.kind(), by_activity)
            })
            .collect();
        for (rule, kind, by_activity) in timed {
            let records = fresh
                .iter()
                .filter(|(fresh_kind, _)| *fresh_kind == kind)
                .map(|(_, id)| id);
            let ids: Vec<Id> = match by_activity {
                true => records.chain(&dated).cloned().collect(),
                false => records.cloned().collect(),
            };
            self.index(&rule, kind, ids, None);
        }
        self.changed.extend(fresh);
        self.recheck_naming(&contacts, &indexed);
    }

    /// Re-checks the rules whose criteria read contacts on the records naming one of
    /// `contacts` (changed): change rules look at them next sweep, timed rules index them
    /// again (a due date passed while the contact did not meet the criteria comes due now).
    /// Rules just indexed or looking at every record (`renewed`) are left out.
    fn recheck_naming(&mut self, contacts: &HashSet<Id>, renewed: &BTreeSet<Id>) {
        if contacts.is_empty() {
            return;
        }
        let rechecked: Vec<(Id, EntityKind, bool)> = self
            .rules
            .values()
            .filter(|rule| rechecked_on_contact_change(rule) && !renewed.contains(&rule.id))
            .map(|rule| {
                (
                    rule.id.clone(),
                    rule.trigger.kind(),
                    rule.trigger.is_timed(),
                )
            })
            .collect();
        let kinds: BTreeSet<EntityKind> = rechecked.iter().map(|(_, kind, _)| *kind).collect();
        for kind in kinds {
            let naming: Vec<Id> = self
                .state
                .live(kind)
                .filter(|(_, record)| {
                    named_contact(kind, *record)
                        .and_then(Id::find)
                        .is_some_and(|contact| contacts.contains(&contact))
                })
                .map(|(id, _)| id.clone())
                .collect();
            for (rule, _, timed) in rechecked.iter().filter(|(_, of, _)| *of == kind) {
                match timed {
                    true => self.index(rule, kind, naming.clone(), None),
                    false => self
                        .changed
                        .extend(naming.iter().map(|id| (kind, id.clone()))),
                }
            }
        }
    }

    /// Takes the enabled rules from the records held; those new or edited are indexed whole
    /// (timed) or look at every record next sweep (change). Their ids.
    fn reload_rules(&mut self) -> BTreeSet<Id> {
        let rules: BTreeMap<Id, AutomationRule> = self
            .state
            .live(EntityKind::AutomationRule)
            .filter_map(|(id, record)| read_entity::<AutomationRule>(id, record))
            .filter(|rule| rule.enabled)
            .map(|rule| (rule.id.clone(), rule))
            .collect();
        let renewed: BTreeSet<Id> = rules
            .values()
            .filter(|rule| self.rules.get(&rule.id) != Some(rule))
            .map(|rule| rule.id.clone())
            .collect();
        self.due.retain(|id, _| rules.contains_key(id));
        self.rules = rules;
        let (timed, changes): (Vec<Id>, Vec<Id>) = renewed
            .iter()
            .cloned()
            .partition(|id| self.rules[id].trigger.is_timed());
        self.look_at_all.extend(changes);
        self.index_rules(&timed, None);
        renewed
    }

    fn timed_rules(&self) -> impl Iterator<Item = Id> + '_ {
        self.rules
            .values()
            .filter(|rule| rule.trigger.is_timed())
            .map(|rule| rule.id.clone())
    }

    /// Indexes every record of each rule's kind afresh; those that fired in the zone
    /// `before` too are left out.
    fn index_rules(&mut self, rules: &[Id], before: Option<&Zone>) {
        for rule in rules {
            self.due.remove(rule);
            let kind = self.rules[rule].trigger.kind();
            let ids: Vec<Id> = self.state.live(kind).map(|(id, _)| id.clone()).collect();
            self.index(rule, kind, ids, before);
        }
    }

    /// Puts each record in the rule's due index at the instant it comes due, or takes it
    /// out: deleted, without the date, due before the rule was switched on, or fired (in
    /// the zone `before` too, when given).
    fn index(&mut self, rule: &Id, kind: EntityKind, ids: Vec<Id>, before: Option<&Zone>) {
        let Some(rule) = self.rules.get(rule) else {
            return;
        };
        let prepared = PreparedRule::new(rule);
        let index = self.due.entry(rule.id.clone()).or_default();
        let fired = |id: &Id, due: i64| {
            self.runs
                .contains(&run_wire_id(&rule.id, kind, id, &TriggerKey::At(due)))
        };
        for id in ids {
            let Some(record) = self
                .state
                .get(kind, &id)
                .filter(|record| !record.is_deleted())
            else {
                index.set(&id, None);
                continue;
            };
            let due_in = |zone: &Zone| prepared.due_at(&id, record, &self.around, zone);
            let fired_before = before.and_then(&due_in).is_some_and(|due| fired(&id, due));
            let due = due_in(&self.zone)
                .filter(|due| *due >= rule.enabled_at && !fired(&id, *due) && !fired_before);
            index.set(&id, due);
        }
    }
}

/// A timed rule's records by the instant they come due.
#[derive(Default)]
struct DueIndex {
    by_due: BTreeSet<(i64, Id)>,
    of_record: HashMap<Id, i64>,
}

impl DueIndex {
    /// Puts the record at `due`, or takes it out with `None`.
    fn set(&mut self, id: &Id, due: Option<i64>) {
        if let Some(old) = self.of_record.remove(id) {
            self.by_due.remove(&(old, id.clone()));
        }
        if let Some(due) = due {
            self.of_record.insert(id.clone(), due);
            self.by_due.insert((due, id.clone()));
        }
    }

    /// Takes out the records due at or before `now`.
    fn take_due(&mut self, now: i64) -> Vec<Id> {
        let mut taken = Vec::new();
        while let Some((at, _)) = self.by_due.first() {
            if *at > now {
                break;
            }
            let (_, id) = self.by_due.pop_first().expect("a first entry");
            self.of_record.remove(&id);
            taken.push(id);
        }
        taken
    }
}

/// The workspace as rules look it up, kept up to date record by record.
#[derive(Default)]
struct Around {
    contacts: HashMap<Id, Contact>,
    members: HashMap<Id, String>,
    /// Per record, the activities about it by when they happened.
    activity_times: HashMap<Id, BTreeSet<(i64, Id)>>,
    /// Per activity, the records it is about and when it happened.
    activity_of: HashMap<Id, (Vec<Id>, i64)>,
}

impl Around {
    /// Keeps the contact as it now reads (forgets it when deleted or unreadable).
    fn keep_contact(&mut self, id: &Id, record: Option<&Record>) {
        match record.and_then(|record| read_entity::<Contact>(id, record)) {
            Some(contact) => self.contacts.insert(id.clone(), contact),
            None => self.contacts.remove(id),
        };
    }

    fn keep_member(&mut self, id: &Id, record: Option<&Record>) {
        match record.and_then(|record| read_entity::<TeamMember>(id, record)) {
            Some(member) => self
                .members
                .insert(id.clone(), member.display_name().to_owned()),
            None => self.members.remove(id),
        };
    }

    /// Counts the activity as it now reads; the records whose last activity it may move.
    fn count_activity(&mut self, activity: &Id, record: Option<&Record>) -> Vec<Id> {
        let mut touched = Vec::new();
        if let Some((named, at)) = self.activity_of.remove(activity) {
            for record in named {
                if let Some(times) = self.activity_times.get_mut(&record) {
                    times.remove(&(at, activity.clone()));
                    if times.is_empty() {
                        self.activity_times.remove(&record);
                    }
                }
                touched.push(record);
            }
        }
        let Some(record) = record.filter(|record| !record.is_deleted()) else {
            return touched;
        };
        let Some(at) = record.integer("at") else {
            return touched;
        };
        let named: Vec<Id> = ["contact_id", "company_id", "deal_id", "ticket_id"]
            .into_iter()
            .filter_map(|field| record.id_field(field))
            .map(Id::from_string)
            .collect();
        for record in &named {
            self.activity_times
                .entry(record.clone())
                .or_default()
                .insert((at, activity.clone()));
        }
        touched.extend(named.iter().cloned());
        self.activity_of.insert(activity.clone(), (named, at));
        touched
    }
}

impl Lookup for Around {
    fn contact(&self, id: &str) -> Option<&Contact> {
        self.contacts.get(&Id::find(id)?)
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
        self.activity_times.get(record)?.last().map(|(at, _)| *at)
    }

    fn member_name(&self, id: &str) -> Option<String> {
        self.members.get(&Id::find(id)?).cloned()
    }
}

/// Where a zone's table of offsets starts, 2000-01-01 UTC in seconds (before it, its first
/// offset holds).
const ZONE_FROM_S: i64 = 946_684_800;
/// Where it ends, 2100-01-01 UTC (after it, its last offset holds).
const ZONE_UNTIL_S: i64 = 4_102_444_800;

/// The zone with this IANA name as a table of its offsets from [`ZONE_FROM_S`] to
/// [`ZONE_UNTIL_S`], from the zone database built into the server.
pub(crate) fn zone_named(name: &str) -> Result<Zone, jiff::Error> {
    let zone = jiff::tz::TimeZone::get(name)?;
    let from = jiff::Timestamp::from_second(ZONE_FROM_S)?;
    let until = jiff::Timestamp::from_second(ZONE_UNTIL_S)?;
    let offset_ms = |offset: jiff::tz::Offset| i64::from(offset.seconds()) * 1_000;
    let changes = zone
        .following(from)
        .take_while(|change| change.timestamp() < until)
        .map(|change| {
            (
                rabet_domain::time::Instant(change.timestamp().as_millisecond()),
                offset_ms(change.offset()),
            )
        })
        .collect();
    Ok(Zone::with_changes(offset_ms(zone.to_offset(from)), changes))
}

/// The record as its kind reads it; `None` (with a warning) when deleted or unreadable, as
/// devices leave it out of their lists.
fn read_entity<E: Entity>(id: &Id, record: &Record) -> Option<E> {
    if record.is_deleted() {
        return None;
    }
    let mut fields = record.to_map();
    fields.insert("id".to_owned(), Value::String(id.to_string()));
    E::from_fields(fields)
        .inspect_err(|error| tracing::warn!(%id, kind = ?E::KIND, %error, "unreadable record"))
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rabet_domain::time::Instant;

    /// 2026-03-01 12:00 UTC.
    const NOON: i64 = 1_772_366_400_000;
    const HOUR: i64 = 3_600_000;

    #[test]
    fn a_zone_named_has_its_offsets_and_their_changes() {
        let tehran = zone_named("Asia/Tehran").unwrap();
        assert_eq!(tehran.offset_at(Instant(NOON)), 7 * HOUR / 2);
        // Tehran kept summer time until 2022: +4:30 on 2021-07-01.
        assert_eq!(tehran.offset_at(Instant(1_625_140_800_000)), 9 * HOUR / 2);
        let berlin = zone_named("Europe/Berlin").unwrap();
        assert_eq!(berlin.offset_at(Instant(NOON)), HOUR);
        // Summer time: 2026-07-01.
        assert_eq!(berlin.offset_at(Instant(NOON + 122 * 24 * HOUR)), 2 * HOUR);
        assert!(zone_named("Mars/Olympus_Mons").is_err());
    }
}
