//! Interactions with customers: logged activities, follow-up tasks and support tickets.

use super::RecordRef;
use crate::id::Id;
use crate::kind::EntityKind;

string_enum! {
    /// What kind of interaction an activity records.
    #[derive(Default)]
    pub enum ActivityKind {
        Call = "call",
        Meeting = "meeting",
        Email = "email",
        Message = "message",
        #[default]
        Note = "note",
    }
}

string_enum! {
    /// The channel of a message activity.
    pub enum MessageChannel {
        Sms = "sms",
        Whatsapp = "whatsapp",
        Telegram = "telegram",
        /// Instagram direct messages, where many Iranian shops sell.
        Instagram = "instagram",
        /// Live chat, e.g. on the website.
        Chat = "chat",
    }
}

string_enum! {
    /// Who started an interaction.
    pub enum Direction {
        /// The customer reached out.
        Inbound = "inbound",
        /// The team reached out.
        Outbound = "outbound",
    }
}

string_enum! {
    /// Where a ticket came in or a campaign runs.
    #[derive(Default)]
    pub enum Channel {
        Phone = "phone",
        Email = "email",
        Sms = "sms",
        Whatsapp = "whatsapp",
        Telegram = "telegram",
        Instagram = "instagram",
        Chat = "chat",
        Website = "website",
        InPerson = "in_person",
        Exhibition = "exhibition",
        #[default]
        Other = "other",
    }
}

string_enum! {
    /// Where a support case is.
    #[derive(Default)]
    pub enum TicketStatus {
        #[default]
        New = "new",
        Open = "open",
        /// Waiting for the customer or a third party.
        Pending = "pending",
        Resolved = "resolved",
        Closed = "closed",
    }
}

string_enum! {
    /// How urgent a ticket is.
    #[derive(Default)]
    pub enum Priority {
        Low = "low",
        #[default]
        Normal = "normal",
        High = "high",
        Urgent = "urgent",
    }
}

entity! {
    /// A logged interaction (call, meeting, e-mail, message or note) on the customer timeline.
    pub struct Activity {
        pub kind: ActivityKind,
        /// Set for messages only.
        pub channel: Option<MessageChannel>,
        /// Not set for notes.
        pub direction: Option<Direction>,
        /// When it happened.
        pub at: i64,
        pub duration_min: Option<u32>,
        /// How it went, in the author's words (e.g. "no answer", "asked for a quote").
        pub outcome: String,
        pub subject: String,
        pub body: String,
        pub author_id: Option<Id>,
        pub contact_id: Option<Id>,
        pub company_id: Option<Id>,
        pub deal_id: Option<Id>,
        pub ticket_id: Option<Id>,
    }
}

entity! {
    /// A follow-up to do, optionally with a reminder and about a record.
    pub struct Task {
        pub title: String,
        pub notes: String,
        pub due_at: Option<i64>,
        /// When to notify the assignee; usually before `due_at`.
        pub remind_at: Option<i64>,
        pub assignee_id: Option<Id>,
        /// `Some` once done.
        pub done_at: Option<i64>,
        /// The contact, company, deal, ticket or invoice the task is about.
        pub link: Option<RecordRef>,
        pub created_at: i64,
    }
}

impl Task {
    /// Whether the task is done.
    pub fn is_done(&self) -> bool {
        self.done_at.is_some()
    }

    /// Whether the task is still to do and past due at `now` (Unix ms).
    pub fn is_overdue(&self, now: i64) -> bool {
        !self.is_done() && self.due_at.is_some_and(|due| due < now)
    }
}

entity! {
    /// A support case.
    pub struct Ticket {
        pub subject: String,
        pub description: String,
        pub contact_id: Option<Id>,
        pub company_id: Option<Id>,
        pub channel: Channel,
        pub status: TicketStatus,
        pub priority: Priority,
        /// When the ticket must be resolved by, under the service-level agreement.
        pub sla_due_at: Option<i64>,
        pub first_response_at: Option<i64>,
        pub resolved_at: Option<i64>,
        /// Customer satisfaction after resolution, 1–5.
        pub csat: Option<u8>,
        pub assignee_id: Option<Id>,
        #[serde(deserialize_with = "crate::model::exact_len")]
        pub tags: Vec<String>,
        pub created_at: i64,
        /// Values of the workspace's custom fields, each its own `cf_<id>` field.
        #[serde(flatten)]
        pub custom: crate::custom_field::CustomValues,
    }
}

impl Ticket {
    /// Whether the case still needs work: new, open or pending.
    pub fn is_open(&self) -> bool {
        matches!(
            self.status,
            TicketStatus::New | TicketStatus::Open | TicketStatus::Pending
        )
    }

    /// Moves the ticket to `status` at `now`, stamping the times the service figures need.
    /// Resolving answers the customer, so a ticket resolved without a logged reply gets its
    /// first response then; a reopened ticket's old rating no longer describes how it ends.
    pub fn set_status(&mut self, status: TicketStatus, now: i64) {
        self.status = status;
        if self.is_open() {
            self.resolved_at = None;
            self.csat = None;
        } else {
            self.resolved_at.get_or_insert(now);
            self.first_response_at.get_or_insert(now);
        }
    }

    /// Whether the ticket broke its SLA by `now` (Unix ms): still open (new, open, pending)
    /// after `sla_due_at`, or resolved after it. A ticket with no SLA due time, or closed
    /// without a resolution time, never counts as breaching.
    pub fn sla_breached(&self, now: i64) -> bool {
        let Some(due) = self.sla_due_at else {
            return false;
        };
        if self.is_open() {
            now > due
        } else {
            self.resolved_at.is_some_and(|resolved| resolved > due)
        }
    }
}

impl Activity {
    /// Whether the activity is contact with the customer: a call, meeting, e-mail or message
    /// in either direction. Notes are internal and are not.
    pub fn is_contact(&self) -> bool {
        self.kind != ActivityKind::Note
    }
}
