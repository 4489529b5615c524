//! The sync protocol's wire types, shared by the app (client) and the server, so the two can
//! never disagree on a field name. Protocol version 1 lives under `/api/v1`:
//!
//! - `POST /api/v1/ops` with a [`PushRequest`] stores the ops (idempotent by op id: a retried
//!   push stores nothing twice) and answers [`PushResponse`].
//! - `GET /api/v1/ops?after=N&limit=M` answers a [`PullResponse`]: the workspace's ops with a
//!   sequence number above `N`, oldest first, at most `M` (capped at [`MAX_PULL_LIMIT`]).
//! - `GET /api/v1/session` answers a [`SessionInfo`] for the bearer token: who, and their
//!   [`Role`].
//! - `GET /api/v1/members` answers the team as a list of [`MemberInfo`] (any role), so the
//!   app can name the `author` of pulled ops ([`AuthoredOp`]).
//! - Admin tokens only (403 `forbidden` otherwise): `GET /api/v1/admin/members` (the team
//!   with each member's devices), `POST /api/v1/admin/members` with an [`InviteRequest`]
//!   (answers [`InviteResponse`]: the token, shown this once), `POST
//!   /api/v1/admin/members/{id}/devices` (another token for the same member, same answer),
//!   `PUT /api/v1/admin/members/{id}/role` with a [`RoleChange`] (answers the
//!   [`MemberInfo`]), `DELETE /api/v1/admin/devices/{id}` (revokes; answers the
//!   [`DeviceInfo`]).
//! - `GET /api/v1/snapshot?kind=K&after=R&limit=N` answers a [`SnapshotResponse`]: the
//!   workspace's compacted state of kind `K` (for each record and field only the op that wins),
//!   whole records in record-id order after record `R`, with the cursor the state is at least
//!   as new as. A device that starts from nothing reads every kind's pages, keeping the
//!   `cursor` of its first page, then pulls the ops after it: together they hold every op's
//!   effect, whatever was pushed meanwhile (ops newer than the cursor may come twice; merging
//!   ignores repeats). With `until=U` the page stops at record `U`: the join's first page
//!   names, per kind, where parts end ([`SnapshotResponse::splits`]), so a device can fetch
//!   several parts at once. Answered compressed when the client accepts gzip. With `rows=true`
//!   it answers a [`rows::RowsPage`] instead: the same records as rows ready to store.
//! - A pull from below the point the server trimmed its log to is answered 410 with the code
//!   [`SNAPSHOT_NEEDED`]: the device joins again by snapshot.
//! - `GET /api/v1/history/{kind}/{id}` answers a [`HistoryResponse`]: the record's ops the
//!   server still holds, with their authors, for a device that joined by snapshot.
//! - Errors answer an [`ErrorBody`] with a 4xx or 5xx status.
//!
//! Every request but health carries `Authorization: Bearer <token>`; a token belongs to one
//! workspace and sees nothing else; a revoked one is answered 401 `token_revoked` (an
//! unknown one 401 `unauthorized`). The server assigns each newly stored op the next sequence
//! number of its workspace and stamps it with the pushing member's id (`author`, whatever the
//! client sent). Beyond [`crate::op::Op::validate`] it reads only what [`Role`] rules need:
//! the op's kind, whether it deletes, and who created the record (the author of the record's
//! first accepted op). A push breaking a rule is refused whole, 403 `forbidden`, its
//! [`ErrorBody::op`] naming the op.

use crate::hlc::Stamp;
use crate::id::WireId;
use crate::kind::EntityKind;
use crate::op::Op;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

pub mod join;
pub mod rows;

/// The most ops one push may carry; a client with a longer outbox sends several pushes.
pub const MAX_PUSH_OPS: usize = 1000;
/// The largest push body the server accepts, in bytes (it answers 413 `too_large` above
/// it): a client also splits its outbox by size, since ops with large values can pass this
/// well before [`MAX_PUSH_OPS`].
pub const MAX_PUSH_BYTES: usize = 4 * 1024 * 1024;
/// The most ops one pull page may return, whatever the client asks for.
pub const MAX_PULL_LIMIT: u32 = 1000;
/// The page size a pull gets when it names none.
pub const DEFAULT_PULL_LIMIT: u32 = 500;

/// The most records one snapshot page may hold, whatever the client asks for.
pub const MAX_SNAPSHOT_RECORDS: u32 = 5_000;
/// The error code of a pull from below the trimmed log: join again by snapshot.
pub const SNAPSHOT_NEEDED: &str = "snapshot_needed";

/// A position in a workspace's op log: the sequence number of the last op seen; 0 is before
/// the first op.
pub type Cursor = u64;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushRequest {
    pub ops: Vec<Op>,
}

/// The answer to a push. Once a client has it, every op it sent is durably stored, so they
/// may leave its outbox.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushResponse {
    /// How many of the pushed ops were new to the server (the rest it already held).
    pub stored: usize,
    /// The workspace's latest sequence number after this push.
    pub latest: Cursor,
}

/// Query string of a pull.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PullQuery {
    #[serde(default)]
    pub after: Cursor,
    #[serde(default)]
    pub limit: Option<u32>,
}

/// One page of a pull.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PullResponse {
    /// Ops with sequence numbers above the query's `after`, oldest first.
    pub ops: Vec<Op>,
    /// The cursor to pull after next time: the sequence number of the last op in `ops`, or
    /// the query's `after` when `ops` is empty.
    pub next: Cursor,
    /// Whether more ops follow `next` right now.
    pub more: bool,
}

/// Query string of a snapshot page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotQuery {
    pub kind: EntityKind,
    /// The last record of the previous page; none for the first page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    /// The last record the page may hold: the end of a part of the kind (see
    /// [`SnapshotResponse::splits`]); none for the kind's end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
    /// The cursor of the join's first page: the server keeps the log after it for this device.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<Cursor>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// The page as rows ready to store ([`rows::RowsPage`]) instead of ops: for a device
    /// that holds no record yet.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub rows: bool,
}

/// One page of a kind's compacted state: for each of its records, the winning op of every
/// field written (each record whole, never split across pages).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotResponse {
    pub ops: Vec<Op>,
    /// How many records the page holds.
    pub records: u32,
    /// The last record of the page, to ask for the next one after.
    pub last: Option<String>,
    /// Whether more records of the kind follow.
    pub more: bool,
    /// Every op numbered up to this cursor is reflected in the page (and later ops may be).
    pub cursor: Cursor,
    /// On a join's first page (asked for without `cursor` and `after`): how many records of
    /// each kind the workspace holds, deleted ones included, for the join's progress.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub totals: Option<BTreeMap<EntityKind, u64>>,
    /// On a join's first page: for each kind, record ids in order that cut it into parts
    /// (each part runs after one id up to and including the next; the last to the kind's
    /// end). A device may fetch several parts at once, each by `after` and `until`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub splits: Option<BTreeMap<EntityKind, Vec<String>>>,
}

/// A record's history as the server holds it: its ops in sequence order, with authors.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryResponse {
    pub ops: Vec<AuthoredOp>,
    /// False when the server trimmed older ops of the record (it keeps the winning op of every
    /// field whatever it trims) or the answer was cut at its byte budget, newest kept.
    pub complete: bool,
}

/// An op as pulled: the [`Op`] and the id of the member whose push the server accepted it
/// from (`None` for ops stored before servers stamped authors). Reading a pull page as
/// [`AuthoredPullResponse`] keeps the authors; as [`PullResponse`] ignores them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthoredOp {
    pub id: WireId,
    pub entity: EntityKind,
    pub record: WireId,
    pub field: String,
    pub value: Value,
    pub stamp: Stamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
}

impl AuthoredOp {
    /// The op and its author.
    pub fn into_parts(self) -> (Op, Option<String>) {
        let AuthoredOp {
            id,
            entity,
            record,
            field,
            value,
            stamp,
            author,
        } = self;
        (
            Op {
                id,
                entity,
                record,
                field,
                value,
                stamp,
            },
            author,
        )
    }
}

/// A [`PullResponse`] read with its ops' authors.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthoredPullResponse {
    pub ops: Vec<AuthoredOp>,
    pub next: Cursor,
    pub more: bool,
}

/// What a member may do, enforced by the server on every push op.
///
/// | kind                                                         | admin | member                  | viewer |
/// |--------------------------------------------------------------|-------|-------------------------|--------|
/// | company, contact, deal, activity, task, ticket, invoice, automation_run, saved_view | write | write; delete own only  | —      |
/// | pipeline (with its stages), product, campaign, segment, team_member, settings (lost reasons, templates, custom fields), automation_rule | write | — | — |
///
/// Everyone reads everything. "Write" is any op, deletion and restore included; "delete own
/// only" is an op setting `deleted` to `true` on a record the member created (the author of
/// its first accepted op) — the server cannot read a record's `owner` field without
/// interpreting entities, so ownership is creation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Member,
    Viewer,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Admin, Role::Member, Role::Viewer];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Member => "member",
            Role::Viewer => "viewer",
        }
    }

    pub fn parse(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.as_str() == name)
    }

    /// Whether the role may push ops on records of this kind (but see [`Role::may_delete`]).
    pub fn may_write(self, kind: EntityKind) -> bool {
        match self {
            Role::Admin => true,
            Role::Member => is_customer_work(kind),
            Role::Viewer => false,
        }
    }

    /// Whether the role may delete a record of this kind; `own` when the member created it.
    pub fn may_delete(self, kind: EntityKind, own: bool) -> bool {
        match self {
            Role::Admin => true,
            Role::Member => own && is_customer_work(kind),
            Role::Viewer => false,
        }
    }
}

/// Why a role may not push an op: what the app tells its user, before a write (controls
/// disabled with the reason) and after the server refused one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Refusal {
    /// A viewer changes nothing.
    ReadOnly,
    /// The workspace's set-up (pipelines, products, settings …) is the admins'.
    AdminOnly,
    /// A member deletes only records they created.
    NotCreator,
}

impl Role {
    /// Why this role may not write records of `kind` at all; `None` when it may. A member's
    /// deletions are further limited to records they created, which only the server knows.
    pub fn write_refusal(self, kind: EntityKind) -> Option<Refusal> {
        match self {
            Role::Admin => None,
            Role::Member => (!is_customer_work(kind)).then_some(Refusal::AdminOnly),
            Role::Viewer => Some(Refusal::ReadOnly),
        }
    }

    /// Why the server refused an op this role pushed on a record of `kind` (`deletes`: the op
    /// deleted it); `None` when the table allows it, so the refusal was for another reason.
    pub fn refusal_of(self, kind: EntityKind, deletes: bool) -> Option<Refusal> {
        self.write_refusal(kind)
            .or((deletes && !self.may_delete(kind, false)).then_some(Refusal::NotCreator))
    }
}

/// Kinds a member creates and edits; every other kind is the workspace's set-up, the admins'.
/// A match, not a list, so a new kind cannot be added without deciding.
pub fn is_customer_work(kind: EntityKind) -> bool {
    match kind {
        EntityKind::Company
        | EntityKind::Contact
        | EntityKind::Deal
        | EntityKind::Activity
        | EntityKind::Task
        | EntityKind::Ticket
        | EntityKind::Invoice
        // Every device fires rules on what it sees (see `crate::automation`) and logs it.
        | EntityKind::AutomationRun
        // Written by whichever replica fires a rule; marked read by the member it is for.
        | EntityKind::Notification
        // A list's saved views, personal or shared (issue 17).
        | EntityKind::SavedView => true,
        EntityKind::Pipeline
        | EntityKind::Product
        | EntityKind::Campaign
        | EntityKind::Segment
        | EntityKind::TeamMember
        | EntityKind::Settings
        | EntityKind::AutomationRule
        | EntityKind::MessageTemplate
        | EntityKind::FieldDefinition => false,
    }
}

/// Who a token is: shown by the client once it connects.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    /// The workspace's id.
    pub workspace: String,
    /// The workspace's name, for people; empty from a server that does not send it.
    #[serde(default)]
    pub workspace_name: String,
    pub member: String,
    pub protocol: u32,
    /// The member's id: the `author` of the ops they push. Empty from an older server.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub member_id: String,
    /// The member's role; `None` from an older server (which lets everyone write).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
}

/// An automated message the sync server has not sent (`GET /api/v1/admin/dead-letters`):
/// one it gave up on, or one waiting to be tried again.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadLetter {
    /// The run that asked for it, and the action's position in its rule.
    pub run: String,
    pub action: u32,
    /// `email`, `sms` or `webhook`.
    pub via: String,
    pub recipient: String,
    /// Why it was not sent, as a stable code the app words in the reader's language.
    /// `other` from a server before codes.
    #[serde(default)]
    pub reason: DeadLetterReason,
    /// Given up, or waiting.
    #[serde(default)]
    pub state: LetterState,
    /// When a waiting one is tried again (ms since the epoch).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_at: Option<i64>,
    /// The server's own words, for its log and an operator's eyes; never read by the app.
    pub error: String,
    pub attempts: u32,
}

/// Whether the sync server gave up on a message or will try it again.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LetterState {
    /// Given up on for good.
    #[default]
    Dead,
    /// Waiting until `retry_at`: the quota is reached, or an attempt failed.
    Postponed,
}

/// Why the sync server did not send a message: a stable code on the wire and in its
/// outbox, which the app shows in the reader's language.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadLetterReason {
    /// The contact is marked do-not-contact.
    DoNotContact,
    /// The SMTP server refused the e-mail.
    SmtpRefused,
    /// The SMS gateway answered with an error, or an answer without its success mark.
    GatewayError,
    /// The SMS gateway could not be reached.
    GatewayUnreachable,
    /// The recipient's (or the sender's) address is not one.
    BadAddress,
    /// The server has no SMTP server or SMS gateway configured.
    NotConfigured,
    /// The webhook's address is this server's machine or a private network, which the
    /// operator has not allowed.
    WebhookRefused,
    /// The webhook could not be reached, or answered with an error.
    WebhookFailed,
    /// The workspace sent its messages for the last 24 hours: it waits for the quota.
    QuotaReached,
    /// Anything else (or a code this app does not know yet); the server's words say what.
    #[default]
    #[serde(other)]
    Other,
}

impl DeadLetterReason {
    /// Every reason.
    pub const ALL: [DeadLetterReason; 10] = [
        DeadLetterReason::DoNotContact,
        DeadLetterReason::SmtpRefused,
        DeadLetterReason::GatewayError,
        DeadLetterReason::GatewayUnreachable,
        DeadLetterReason::BadAddress,
        DeadLetterReason::NotConfigured,
        DeadLetterReason::WebhookRefused,
        DeadLetterReason::WebhookFailed,
        DeadLetterReason::QuotaReached,
        DeadLetterReason::Other,
    ];

    /// The code as the wire and the server's outbox write it.
    pub fn as_str(self) -> &'static str {
        match self {
            DeadLetterReason::DoNotContact => "do_not_contact",
            DeadLetterReason::SmtpRefused => "smtp_refused",
            DeadLetterReason::GatewayError => "gateway_error",
            DeadLetterReason::GatewayUnreachable => "gateway_unreachable",
            DeadLetterReason::BadAddress => "bad_address",
            DeadLetterReason::NotConfigured => "not_configured",
            DeadLetterReason::WebhookRefused => "webhook_refused",
            DeadLetterReason::WebhookFailed => "webhook_failed",
            DeadLetterReason::QuotaReached => "quota_reached",
            DeadLetterReason::Other => "other",
        }
    }

    /// Reads a code; an unknown one (a newer server's, or none stored) is `Other`.
    pub fn parse(code: &str) -> DeadLetterReason {
        Self::ALL
            .into_iter()
            .find(|reason| reason.as_str() == code)
            .unwrap_or(DeadLetterReason::Other)
    }
}

/// A member of the team. Their id is the id of the first token issued to them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberInfo {
    pub id: String,
    pub name: String,
    pub role: Role,
    pub created_at_ms: i64,
    /// Whether any of their devices may still sync.
    pub active: bool,
    /// Their tokens, each a device; listed to admins only (`/api/v1/admin/members`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub devices: Vec<DeviceInfo>,
}

/// A member's token: never the token, only its public id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceInfo {
    pub id: String,
    pub member_id: String,
    pub created_at_ms: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_at_ms: Option<i64>,
    /// When the device last pulled from the server; `None` if it never did (or an older
    /// server).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_seen_ms: Option<i64>,
}

/// `POST /api/v1/admin/members`: a new member (the name must be new to the workspace).
/// With `app_url` the answer carries an invite link (`server_url` defaults to it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteRequest {
    pub name: String,
    pub role: Role,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_url: Option<String>,
}

/// `POST /api/v1/admin/members/{id}/devices`: another token for a member.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_url: Option<String>,
}

/// A token just issued: `token` is shown this once and never again.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteResponse {
    pub member: MemberInfo,
    pub token: String,
    pub device: DeviceInfo,
    /// `<app>/join#server=…&token=…`, when the request named the app.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invite_link: Option<String>,
}

/// `PUT /api/v1/admin/members/{id}/role`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleChange {
    pub role: Role,
}

/// The op a refused push was refused for: its position in the push and what it touched.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefusedOp {
    pub index: usize,
    pub id: String,
    pub entity: EntityKind,
    pub record: String,
    pub field: String,
}

/// The protocol version this build speaks; the path prefix is `/api/v{PROTOCOL}`.
pub const PROTOCOL: u32 = 1;

/// The body of every error answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// A stable machine-readable code, e.g. `unauthorized`, `too_large`, `invalid_op`.
    pub error: String,
    /// A sentence for people, in English.
    pub message: String,
    /// For a push refused by the role rules (`forbidden`): the op that broke one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub op: Option<RefusedOp>,
}

/// Splits an outbox into pushes the server takes: each at most `max_ops` ops and, as the JSON
/// of a [`PushRequest`], at most `max_bytes` (one op alone always goes, whatever its size).
/// The pushes keep the outbox's order, so acknowledging each push's last op is safe.
pub fn push_batches(ops: &[Op], max_ops: usize, max_bytes: usize) -> Vec<&[Op]> {
    // `{"ops":[` and `]}`.
    const ENVELOPE: usize = 10;
    let mut batches = Vec::new();
    let (mut start, mut bytes) = (0, ENVELOPE);
    for (at, op) in ops.iter().enumerate() {
        // Serializing an op cannot fail: it is plain data with string keys.
        let size = serde_json::to_vec(op).map_or(0, |json| json.len()) + 1;
        let count = at - start;
        if count > 0 && (count == max_ops || bytes + size > max_bytes) {
            batches.push(&ops[start..at]);
            (start, bytes) = (at, ENVELOPE);
        }
        bytes += size;
    }
    if start < ops.len() {
        batches.push(&ops[start..]);
    }
    batches
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hlc::{Clock, NodeId};
    use crate::id::{Id, WireId};
    use crate::kind::EntityKind;
    use crate::op::OpBuilder;
    use proptest::prelude::*;

    fn ops(values: &[usize]) -> Vec<Op> {
        let mut clock = Clock::new(NodeId::from_random([1; 8]));
        let mut n = 0u8;
        let mut new_id = || {
            n = n.wrapping_add(1);
            WireId::v7(1, [n; 10])
        };
        let mut builder = OpBuilder::new(&mut clock, 1_000, &mut new_id);
        let record = Id::from_string("r");
        values
            .iter()
            .enumerate()
            .map(|(i, len)| {
                let fields = serde_json::json!({ format!("f{i}"): "x".repeat(*len) });
                let fields = fields.as_object().unwrap().clone();
                builder
                    .edit_ops(
                        EntityKind::Contact,
                        &record,
                        Some(&Default::default()),
                        &fields,
                    )
                    .unwrap()
                    .remove(0)
            })
            .collect()
    }

    proptest! {
        #[test]
        fn batches_keep_every_op_in_order_within_the_limits(
            sizes in proptest::collection::vec(0usize..600, 0..40),
            max_ops in 1usize..8,
            max_bytes in 200usize..2_000,
        ) {
            let ops = ops(&sizes);
            let batches = push_batches(&ops, max_ops, max_bytes);
            prop_assert_eq!(batches.concat(), ops.clone());
            for batch in batches {
                prop_assert!(!batch.is_empty() && batch.len() <= max_ops);
                let json = serde_json::to_vec(&PushRequest { ops: batch.to_vec() }).unwrap();
                prop_assert!(batch.len() == 1 || json.len() <= max_bytes, "{} > {}", json.len(), max_bytes);
            }
        }
    }

    #[test]
    fn roles_follow_the_table() {
        for kind in EntityKind::ALL {
            assert!(Role::Admin.may_write(kind) && Role::Admin.may_delete(kind, false));
            assert!(!Role::Viewer.may_write(kind) && !Role::Viewer.may_delete(kind, true));
            let work = is_customer_work(kind);
            assert_eq!(Role::Member.may_write(kind), work);
            assert_eq!(Role::Member.may_delete(kind, true), work);
            assert!(!Role::Member.may_delete(kind, false));
        }
        assert!(Role::Member.may_write(EntityKind::Invoice));
        assert!(!Role::Member.may_write(EntityKind::Pipeline));
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
            assert_eq!(
                serde_json::to_value(role).unwrap(),
                serde_json::json!(role.as_str())
            );
        }
    }

    #[test]
    fn refusals_agree_with_the_table() {
        for role in Role::ALL {
            for kind in EntityKind::ALL {
                assert_eq!(role.write_refusal(kind).is_none(), role.may_write(kind));
                let deleting_others = role.refusal_of(kind, true);
                assert_eq!(deleting_others.is_none(), role.may_delete(kind, false));
                assert_eq!(role.refusal_of(kind, false), role.write_refusal(kind));
            }
        }
        assert_eq!(
            Role::Viewer.write_refusal(EntityKind::Contact),
            Some(Refusal::ReadOnly)
        );
        assert_eq!(
            Role::Member.write_refusal(EntityKind::Pipeline),
            Some(Refusal::AdminOnly)
        );
        assert_eq!(
            Role::Member.refusal_of(EntityKind::Contact, true),
            Some(Refusal::NotCreator)
        );
        assert_eq!(Role::Admin.refusal_of(EntityKind::Settings, true), None);
    }

    #[test]
    fn authors_are_additive_on_the_wire() {
        let op = ops(&[3]).remove(0);
        let mut authored = serde_json::to_value(&op).unwrap();
        authored["author"] = serde_json::json!("abc");
        let read: AuthoredOp = serde_json::from_value(authored.clone()).unwrap();
        assert_eq!(
            read.clone().into_parts(),
            (op.clone(), Some("abc".to_owned()))
        );
        assert_eq!(serde_json::to_value(&read).unwrap(), authored);
        // An old client reads the same op and ignores the author.
        assert_eq!(serde_json::from_value::<Op>(authored).unwrap(), op);
        let unstamped: AuthoredOp =
            serde_json::from_value(serde_json::to_value(&op).unwrap()).unwrap();
        assert_eq!(unstamped.author, None);
        let old: SessionInfo = serde_json::from_value(serde_json::json!({
            "workspace": "w", "member": "m", "protocol": 1
        }))
        .unwrap();
        assert_eq!((old.role, old.member_id.as_str()), (None, ""));
    }

    #[test]
    fn pull_query_defaults_to_the_start() {
        let q: PullQuery = serde_json::from_str("{}").unwrap();
        assert_eq!(
            q,
            PullQuery {
                after: 0,
                limit: None
            }
        );
    }

    #[test]
    fn wire_names_are_stable() {
        let body = serde_json::to_value(PullResponse {
            ops: vec![],
            next: 7,
            more: true,
        })
        .unwrap();
        assert_eq!(
            body,
            serde_json::json!({"ops": [], "next": 7, "more": true})
        );
    }

    #[test]
    fn a_dead_letter_reason_is_a_stable_code_on_the_wire() {
        for reason in DeadLetterReason::ALL {
            let wire = serde_json::to_value(reason).unwrap();
            assert_eq!(wire, serde_json::json!(reason.as_str()));
            assert_eq!(DeadLetterReason::parse(reason.as_str()), reason);
            assert_eq!(
                serde_json::from_value::<DeadLetterReason>(wire).unwrap(),
                reason
            );
        }
        let letter = DeadLetter {
            run: "r".into(),
            action: 0,
            via: "sms".into(),
            recipient: "+989121234567".into(),
            reason: DeadLetterReason::QuotaReached,
            state: LetterState::Postponed,
            retry_at: Some(1_700_000_000_000),
            error: "over the daily quota".into(),
            attempts: 0,
        };
        let wire = serde_json::to_value(&letter).unwrap();
        assert_eq!(wire["reason"], "quota_reached");
        assert_eq!(wire["state"], "postponed");
        assert_eq!(wire["retry_at"], 1_700_000_000_000_i64);
        assert_eq!(serde_json::from_value::<DeadLetter>(wire).unwrap(), letter);
        // A newer server's code, and an older server's letter without one, read as other.
        assert_eq!(
            DeadLetterReason::parse("carrier_pigeon_lost"),
            DeadLetterReason::Other
        );
        let newer: DeadLetterReason = serde_json::from_str("\"carrier_pigeon_lost\"").unwrap();
        assert_eq!(newer, DeadLetterReason::Other);
        let older: DeadLetter = serde_json::from_value(serde_json::json!({
            "run": "r", "action": 0, "via": "sms", "recipient": "+98912",
            "error": "gave up", "attempts": 5
        }))
        .unwrap();
        assert_eq!(
            (older.reason, older.state, older.retry_at),
            (DeadLetterReason::Other, LetterState::Dead, None)
        );
    }
}
