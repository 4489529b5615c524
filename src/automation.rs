//! Automation rules on this device: after each local write and each pull, the enabled rules
//! with a change trigger are tested against what the merge changed
//! (`rabet_domain::automation`), and each firing this device does not hold a run of yet is
//! written: its effects, then its run. What a firing writes has derived ids, so another
//! device (or tab) firing the same rule for the same trigger writes the same records.
//! A contact's change also re-checks the rules whose criteria read it on the records naming
//! it (`rechecked_on_contact_change`): read with their merge states, each fires what the
//! domain's `pending_key` finds, under the key the sync server derives too, so the run is
//! one whoever re-checks first. Messages are prepared for a person to open (the rule's log
//! links them): this device sends nothing by itself.

use crate::{
    i18n::{store_error_msg, Locale},
    notice::msg_reporter,
    store::{Changed, StoreError},
    ui::labels::document_title,
    workspace::{Listed, Workspace},
};
use leptos::prelude::*;
use rabet_domain::{
    automation::{rechecked_on_contact_change, Change, Effect, Firing, Hit, Lookup, PreparedRule},
    id::Id,
    kind::EntityKind,
    model::{
        Activity, AutomationRule, Company, Contact, Deal, Invoice, Notification, RunResult, Task,
        TeamMember, Ticket,
    },
    report::segment::BuyerFacts,
    time::MS_PER_DAY,
};
use serde_json::Value;

/// Starts firing rules on this device's merges (called where the contexts are at hand).
pub fn start(workspace: Workspace) {
    let report = msg_reporter();
    // Merges are copied for the rules only while a change rule is on.
    leptos::prelude::Effect::new(move || {
        let heard = workspace.automation_rules.with(|rules| {
            rules
                .iter()
                .any(|rule| rule.enabled && !rule.trigger.is_timed())
        });
        workspace.hear_merges(heard);
    });
    workspace.on_merged(move |changes| {
        let firings = firings_for(workspace, &changes);
        let rechecks = rechecks_for(workspace, &changes);
        if firings.is_empty() && rechecks.is_empty() {
            return;
        }
        leptos::task::spawn_local(async move {
            let mut firings = firings;
            match rechecked(workspace, rechecks).await {
                Ok(more) => firings.extend(more),
                Err(error) => report(store_error_msg(&error)),
            }
            // A record and its contact changed in one merge may fire one run both ways.
            let mut seen = std::collections::HashSet::new();
            firings.retain(|firing| seen.insert(firing.run.id.clone()));
            for firing in firings {
                if let Err(error) = write(workspace, firing).await {
                    report(store_error_msg(&error));
                }
            }
        });
    });
}

/// Whether this device's role may log runs: a viewer leaves the firing to a teammate's
/// device, as its writes would only come back refused.
fn may_run(workspace: Workspace) -> bool {
    workspace.role.with_untracked(|role| {
        role.is_none_or(|role| role.write_refusal(EntityKind::AutomationRun).is_none())
    })
}

/// What a merge's changed contacts ask to re-check: per kind, the records naming one of
/// them and the enabled change rules on that kind whose criteria read their contact.
fn rechecks_for(workspace: Workspace, changes: &[Changed]) -> Vec<Recheck> {
    let contacts: Vec<Id> = changes
        .iter()
        .filter(|changed| changed.kind == EntityKind::Contact)
        .map(|changed| changed.id.clone())
        .collect();
    if contacts.is_empty() || !may_run(workspace) {
        return Vec::new();
    }
    let rules: Vec<AutomationRule> = workspace.automation_rules.with_untracked(|rules| {
        rules
            .iter()
            .filter(|rule| !rule.trigger.is_timed() && rechecked_on_contact_change(rule))
            .cloned()
            .collect()
    });
    let mut rechecks: Vec<Recheck> = Vec::new();
    for rule in rules {
        let kind = rule.trigger.kind();
        match rechecks.iter_mut().find(|recheck| recheck.kind == kind) {
            Some(recheck) => recheck.rules.push(rule),
            None => rechecks.push(Recheck {
                kind,
                ids: naming_ids(workspace, kind, &contacts),
                rules: vec![rule],
            }),
        }
    }
    rechecks.retain(|recheck| !recheck.ids.is_empty());
    rechecks
}

/// Rules of one kind to re-check on some of its records.
struct Recheck {
    kind: EntityKind,
    ids: Vec<Id>,
    rules: Vec<AutomationRule>,
}

/// The firings the re-checks find, read with the records' merge states (which carry the
/// stamp of the change that triggers), whose runs this device does not hold.
async fn rechecked(
    workspace: Workspace,
    rechecks: Vec<Recheck>,
) -> Result<Vec<Firing>, StoreError> {
    let zone = crate::local_time::zone();
    let mut firings = Vec::new();
    for Recheck { kind, ids, rules } in rechecks {
        let states = workspace.store()?.merge_states(kind, &ids).await?;
        let now = js_sys::Date::now() as i64;
        with_records(workspace, |records| {
            for rule in &rules {
                let prepared = PreparedRule::new(rule);
                for (id, state) in ids.iter().zip(&states) {
                    if let Some(key) = prepared.pending_key(kind, id, state, now, records, &zone) {
                        firings.push(prepared.fire(kind, id, state, key, records, &zone));
                    }
                }
            }
        });
    }
    Ok(unheld(workspace, firings))
}

/// The firings whose runs this device does not hold.
fn unheld(workspace: Workspace, firings: Vec<Firing>) -> Vec<Firing> {
    workspace.automation_runs.with_untracked(|runs| {
        firings
            .into_iter()
            .filter(|firing| runs.get(&firing.run.id).is_none())
            .collect()
    })
}

/// Runs `read` with the workspace as rules look it up.
fn with_records<T>(workspace: Workspace, read: impl FnOnce(&Records) -> T) -> T {
    workspace.contacts.with_untracked(|contacts| {
        workspace.activities.with_untracked(|activities| {
            workspace.members.with_untracked(|members| {
                read(&Records {
                    contacts,
                    activities,
                    members,
                })
            })
        })
    })
}

/// The workspace as rules look it up.
struct Records<'a> {
    contacts: &'a crate::workspace::Collection<Contact>,
    activities: &'a crate::workspace::Collection<Activity>,
    members: &'a crate::workspace::Collection<TeamMember>,
}

impl Lookup for Records<'_> {
    fn contact(&self, id: &str) -> Option<&Contact> {
        self.contacts.find(id)
    }

    /// Purchase criteria are not tested on devices yet: a contact counts as never bought.
    fn buyer(&self, _: &Contact) -> Option<&BuyerFacts> {
        None
    }

    fn search_text(&self, contact: &Contact) -> String {
        contact.search_text()
    }

    fn last_activity(&self, record: &Id) -> Option<i64> {
        self.activities
            .naming(record)
            .map(|activity| activity.at)
            .max()
    }

    fn member_name(&self, id: &str) -> Option<String> {
        self.members
            .find(id)
            .map(|member| member.display_name().to_owned())
    }
}

/// The firings of the enabled change rules on `changes` whose runs this device does not hold.
fn firings_for(workspace: Workspace, changes: &[Changed]) -> Vec<Firing> {
    if !may_run(workspace) {
        return Vec::new();
    }
    let rules: Vec<AutomationRule> = workspace.automation_rules.with_untracked(|rules| {
        rules
            .iter()
            .filter(|rule| rule.enabled && !rule.trigger.is_timed())
            .cloned()
            .collect()
    });
    if rules.is_empty() {
        return Vec::new();
    }
    let zone = crate::local_time::zone();
    let prepared: Vec<PreparedRule> = rules.iter().map(PreparedRule::new).collect();
    let firings: Vec<Firing> = with_records(workspace, |records| {
        changes
            .iter()
            .filter_map(|changed| Some((changed, changed.merged.as_deref()?)))
            .flat_map(|(changed, merged)| {
                let change = Change {
                    kind: changed.kind,
                    id: &changed.id,
                    before: merged.before.as_ref(),
                    after: &merged.after,
                };
                prepared
                    .iter()
                    .filter_map(|rule| rule.on_change(&change, records, &zone))
                    .collect::<Vec<_>>()
            })
            .collect()
    });
    unheld(workspace, firings)
}

/// Why an effect could not be written.
#[derive(Debug, thiserror::Error)]
enum EffectError {
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("rules cannot set fields of {0:?} records")]
    KindNotSet(EntityKind),
    #[error("the field {field:?} cannot take {value}: {reason}")]
    BadValue {
        field: String,
        value: Value,
        reason: String,
    },
}

/// Writes a firing's effects, then its run with what became of each.
async fn write(workspace: Workspace, firing: Firing) -> Result<(), StoreError> {
    let Firing { mut run, effects } = firing;
    for (outcome, effect) in run.outcomes.iter_mut().zip(effects) {
        let done = match effect {
            Effect::CreateTask(task) => workspace
                .save_automated::<Task>(None, task)
                .await
                .map_err(EffectError::from),
            Effect::SetField {
                kind,
                id,
                field,
                value,
            } => set_field(workspace, kind, &id, field, value).await,
            Effect::Notify(notifications) => notify(workspace, notifications).await,
            Effect::Message(_) => {
                outcome.result = RunResult::Prepared;
                Ok(())
            }
            Effect::Webhook { .. } | Effect::Withheld => Ok(()),
        };
        if let Err(error) = done {
            outcome.result = RunResult::Failed;
            outcome.detail = error.to_string();
        }
    }
    workspace.save_automated(None, run).await
}

/// Writes the notifications this device does not hold yet: one another replica wrote first
/// is left as it is, read or not.
async fn notify(workspace: Workspace, notifications: Vec<Notification>) -> Result<(), EffectError> {
    for notification in notifications {
        let held = workspace
            .notifications
            .with_untracked(|held| held.get(&notification.id).is_some());
        if !held {
            workspace.save_automated(None, notification).await?;
        }
    }
    Ok(())
}

async fn set_field(
    workspace: Workspace,
    kind: EntityKind,
    id: &Id,
    field: String,
    value: Value,
) -> Result<(), EffectError> {
    match kind {
        EntityKind::Contact => set_field_of::<Contact>(workspace, id, field, value).await,
        EntityKind::Company => set_field_of::<Company>(workspace, id, field, value).await,
        EntityKind::Deal => set_field_of::<Deal>(workspace, id, field, value).await,
        EntityKind::Task => set_field_of::<Task>(workspace, id, field, value).await,
        EntityKind::Ticket => set_field_of::<Ticket>(workspace, id, field, value).await,
        EntityKind::Invoice => set_field_of::<Invoice>(workspace, id, field, value).await,
        other => Err(EffectError::KindNotSet(other)),
    }
}

/// Sets one field of a record held in memory; a record deleted meanwhile is left alone.
async fn set_field_of<E: Listed>(
    workspace: Workspace,
    id: &Id,
    field: String,
    value: Value,
) -> Result<(), EffectError> {
    let Some(current) =
        E::collection(&workspace).with_untracked(|records| records.get(id).cloned())
    else {
        return Ok(());
    };
    let mut fields = current.to_fields();
    fields.insert(field.clone(), value.clone());
    let next = E::from_fields(fields).map_err(|error| EffectError::BadValue {
        field,
        value,
        reason: error.to_string(),
    })?;
    Ok(workspace.save_automated(Some(&current), next).await?)
}

/// How far back a preview looks.
pub const PREVIEW_DAYS: i64 = 30;

/// The records `rule` would have fired on in the last [`PREVIEW_DAYS`] days (as they are
/// now), newest first; read with their merge states, which say when each field was written.
pub async fn preview(workspace: Workspace, rule: AutomationRule) -> Result<Vec<Hit>, StoreError> {
    let kind = rule.trigger.kind();
    let ids = ids_of(workspace, kind);
    let states = workspace.store()?.merge_states(kind, &ids).await?;
    let zone = crate::local_time::zone();
    let now = js_sys::Date::now() as i64;
    Ok(with_records(workspace, |records| {
        rabet_domain::automation::preview(
            &rule,
            ids.iter().zip(&states),
            records,
            now,
            PREVIEW_DAYS * MS_PER_DAY,
            &zone,
        )
    }))
}

/// Runs the record kinds rules watch through `$then!(Kind, collection)`; `$otherwise` for
/// the rest.
macro_rules! watched_kind {
    ($kind:expr, $then:ident, $otherwise:expr) => {
        match $kind {
            EntityKind::Contact => $then!(Contact, contacts),
            EntityKind::Company => $then!(Company, companies),
            EntityKind::Deal => $then!(Deal, deals),
            EntityKind::Task => $then!(Task, tasks),
            EntityKind::Ticket => $then!(Ticket, tickets),
            EntityKind::Invoice => $then!(Invoice, invoices),
            _ => $otherwise,
        }
    };
}

/// The ids of the records of `kind` held in memory that name one of `contacts`, each once.
fn naming_ids(workspace: Workspace, kind: EntityKind, contacts: &[Id]) -> Vec<Id> {
    macro_rules! naming {
        ($kind:ident, $collection:ident) => {
            workspace.$collection.with_untracked(|records| {
                // A set: a record naming two of the contacts is re-checked once.
                let ids: std::collections::BTreeSet<Id> = contacts
                    .iter()
                    .flat_map(|contact| records.naming(contact).map(|record| record.id.clone()))
                    .collect();
                ids.into_iter().collect()
            })
        };
    }
    watched_kind!(kind, naming, Vec::new())
}

/// The ids of every record of `kind` held in memory.
fn ids_of(workspace: Workspace, kind: EntityKind) -> Vec<Id> {
    macro_rules! ids {
        ($kind:ident, $collection:ident) => {
            workspace
                .$collection
                .with_untracked(|records| records.iter().map(|record| record.id.clone()).collect())
        };
    }
    watched_kind!(kind, ids, Vec::new())
}

/// What names a record in a rule's preview and log: a contact's or company's name, a deal's
/// or task's title, a ticket's subject, a document's title in the reader's language; empty
/// once it is gone.
pub fn record_label(workspace: Workspace, locale: Locale, kind: EntityKind, id: &Id) -> String {
    macro_rules! label {
        ($kind:ident, $collection:ident) => {
            workspace
                .$collection
                .with(|records| records.get(id).map(|record| record.label(locale)))
                .unwrap_or_default()
        };
    }
    watched_kind!(kind, label, String::new())
}

trait Labelled {
    fn label(&self, locale: Locale) -> String;
}

impl Labelled for Contact {
    fn label(&self, _: Locale) -> String {
        self.display_name()
    }
}

impl Labelled for Company {
    fn label(&self, _: Locale) -> String {
        self.name.clone()
    }
}

impl Labelled for Deal {
    fn label(&self, _: Locale) -> String {
        self.title.clone()
    }
}

impl Labelled for Task {
    fn label(&self, _: Locale) -> String {
        self.title.clone()
    }
}

impl Labelled for Ticket {
    fn label(&self, _: Locale) -> String {
        self.subject.clone()
    }
}

impl Labelled for Invoice {
    fn label(&self, locale: Locale) -> String {
        document_title(locale, self)
    }
}
