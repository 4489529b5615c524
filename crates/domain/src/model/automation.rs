//! Automation: workspace rules (when, if, then) and the log of their runs. What a rule does
//! to a change or at a moment is worked out in [`crate::automation`].

use super::{RecordRef, SegmentFilter, TeamMember};
use crate::id::Id;
use crate::kind::EntityKind;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// When a rule fires.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "on", rename_all = "snake_case")]
pub enum Trigger {
    /// A record of `kind` is created.
    Created { kind: EntityKind },
    /// A field of a `kind` record changes; to the value `to` only, when given (a deal's
    /// `status` to `"won"`, a contact's `lifecycle_stage`, a ticket's `status`).
    FieldChanged {
        kind: EntityKind,
        field: String,
        to: Option<Value>,
    },
    /// `hours` after (before, when negative) a date or time field of a `kind` record: an
    /// invoice's `due_date`, a task's `due_at` (overdue), a ticket's `sla_due_at` (about to
    /// breach with a negative offset). A date field counts from the day's start in the
    /// workspace's zone.
    FieldTime {
        kind: EntityKind,
        field: String,
        hours: i32,
    },
    /// A contact or deal with no activity logged on it for `days` days (since it was
    /// created, when it has none).
    NoActivity { kind: EntityKind, days: u32 },
}

impl Default for Trigger {
    fn default() -> Self {
        Trigger::Created {
            kind: EntityKind::Contact,
        }
    }
}

impl Trigger {
    /// The kind of record the trigger watches.
    pub fn kind(&self) -> EntityKind {
        match self {
            Trigger::Created { kind }
            | Trigger::FieldChanged { kind, .. }
            | Trigger::FieldTime { kind, .. }
            | Trigger::NoActivity { kind, .. } => *kind,
        }
    }

    /// Whether time passing fires it (a sweep), rather than a change.
    pub fn is_timed(&self) -> bool {
        matches!(self, Trigger::FieldTime { .. } | Trigger::NoActivity { .. })
    }
}

string_enum! {
    /// How a [`Condition`] compares a field.
    #[derive(Default)]
    pub enum Comparison {
        /// The field holds one of the values.
        #[default]
        IsAnyOf = "is_any_of",
        /// The field holds none of the values.
        IsNoneOf = "is_none_of",
    }
}

/// A test on a field of the record that triggered the rule, e.g. an invoice's status is none
/// of paid, cancelled.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Condition {
    pub field: String,
    pub comparison: Comparison,
    pub values: Vec<Value>,
}

string_enum! {
    /// Who a task a rule creates is for.
    #[derive(Default)]
    pub enum AssigneeRule {
        /// The triggering record's owner (or assignee), else its contact's owner.
        #[default]
        RecordOwner = "record_owner",
        /// The member named in the action.
        Member = "member",
    }
}

string_enum! {
    /// How an automated message goes out.
    #[derive(Default)]
    pub enum SendVia {
        #[default]
        Email = "email",
        Sms = "sms",
    }
}

/// What a rule does when it fires. Texts may hold placeholders (see
/// [`crate::automation::placeholder_values`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "do", rename_all = "snake_case")]
pub enum Action {
    /// A task about the record, due `due_in_days` after the trigger.
    CreateTask {
        title: String,
        assignee: AssigneeRule,
        member_id: Option<Id>,
        due_in_days: u32,
    },
    /// Sets a field of the triggering record (owner, stage, tags, lifecycle stage …).
    SetField { field: String, value: Value },
    /// An in-app notification to these members and, when `record_owner`, to the record's
    /// owner (see [`crate::automation::notified_members`]).
    Notify {
        member_ids: Vec<Id>,
        #[serde(default)]
        record_owner: bool,
        text: String,
    },
    /// A message to the record's contact, by e-mail or SMS; never to one marked do-not-contact.
    SendMessage {
        via: SendVia,
        subject: String,
        body: String,
    },
    /// A POST of the run and the record, as JSON, to `url` (by the sync server).
    Webhook { url: String },
}

entity! {
    /// A workspace rule: when something happens (or time passes), if the record meets the
    /// criteria, do the actions. Admins' workspace data, synced like the rest.
    pub struct AutomationRule {
        pub name: String,
        pub enabled: bool,
        /// When it was last switched on: time-based rules fire only for moments since, so
        /// switching a rule on does not replay the past.
        pub enabled_at: i64,
        pub trigger: Trigger,
        /// Tests on the triggering record itself.
        #[serde(deserialize_with = "crate::model::exact_len")]
        pub conditions: Vec<Condition>,
        /// The segment criteria, tested on the record's contact (the record itself for a
        /// contact); an empty filter passes records with no contact too.
        pub criteria: SegmentFilter,
        #[serde(deserialize_with = "crate::model::exact_len")]
        pub actions: Vec<Action>,
        pub created_at: i64,
    }
}

string_enum! {
    /// What became of one action of a run.
    #[derive(Default)]
    pub enum RunResult {
        /// Done on the device or server that saw the trigger.
        #[default]
        Done = "done",
        /// A message waiting for a person to open it (no sync server sends it).
        Prepared = "prepared",
        /// Waiting for the sync server (messages, webhooks).
        Queued = "queued",
        /// Sent by the sync server.
        Sent = "sent",
        /// Not done: the contact is marked do-not-contact.
        DoNotContact = "do_not_contact",
        /// Not done: the contact has no e-mail address or phone for it.
        NoAddress = "no_address",
        /// Not done: nobody to notify (the record has no owner, and no member is named).
        NoMember = "no_member",
        /// Tried and failed for good (see the detail).
        Failed = "failed",
    }
}

/// One action of a run: which (its position in the rule), what became of it, and a detail
/// (the record made, the address written to, the error); a message's filled texts, so a
/// prepared one can be opened later.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RunOutcome {
    pub action: u32,
    pub result: RunResult,
    pub detail: String,
    pub subject: String,
    pub body: String,
}

entity! {
    /// One firing of a rule on one record for one trigger. Its id is derived from the three
    /// (see [`crate::automation::run_id`]), so devices that fire the same rule for the same
    /// trigger write one run, and seeing it stored means the rule has already fired.
    pub struct AutomationRun {
        pub rule_id: Id = Id::from_string(""),
        pub record: Option<RecordRef>,
        /// What fired it, as [`crate::automation::TriggerKey`] text.
        pub trigger: String,
        /// When the trigger happened.
        pub at: i64,
        #[serde(deserialize_with = "crate::model::exact_len")]
        pub outcomes: Vec<RunOutcome>,
    }
}

entity! {
    /// An in-app notification for one team member (issue 22), written by the firing of a
    /// rule's "notify members" action. Its id is derived from the run and the member (see
    /// [`crate::automation::notification_id`]), so two replicas firing the same rule write
    /// one; whether it was read is its own field, synced like any other.
    pub struct Notification {
        /// The team member it is for.
        pub member_id: Id = Id::from_string(""),
        pub rule_id: Id = Id::from_string(""),
        pub run_id: Id = Id::from_string(""),
        /// The record the rule fired on, which opening the notification shows.
        pub record: Option<RecordRef>,
        pub text: String,
        /// When the member read it; `None` while unread.
        pub read_at: Option<i64>,
        pub created_at: i64,
    }
}

impl Notification {
    pub fn is_unread(&self) -> bool {
        self.read_at.is_none()
    }

    /// Whether `reader` sees this notification among theirs.
    pub fn is_for(&self, reader: Reader) -> bool {
        match reader {
            Reader::Everyone => true,
            Reader::Member(me) => me == Some(&self.member_id),
        }
    }
}

/// Who reads the notifications on a device.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reader<'a> {
    /// A device that does not sync: its user is the whole team.
    Everyone,
    /// A device signed in to sync, as this team member (`None`: no team member is them).
    Member(Option<&'a Id>),
}

impl<'a> Reader<'a> {
    /// The reader a device is: `session_member`, the name it syncs as (`None`: not syncing),
    /// is the team member of that name or e-mail, in any letter case (the server's members and
    /// the workspace's team are two lists a person names alike).
    pub fn of(
        session_member: Option<&str>,
        team: impl IntoIterator<Item = &'a TeamMember>,
    ) -> Self {
        let Some(name) = session_member.map(str::trim) else {
            return Reader::Everyone;
        };
        let same = |text: &str| {
            !text.trim().is_empty() && text.trim().to_lowercase() == name.to_lowercase()
        };
        Reader::Member(
            team.into_iter()
                .find(|member| member.active && (same(&member.name) || same(&member.email)))
                .map(|member| &member.id),
        )
    }
}
