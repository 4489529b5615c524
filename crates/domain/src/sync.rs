//! The sync protocol's wire types, shared by the app (client) and the server, so the two can
//! never disagree on a field name. Protocol version 1 lives under `/api/v1`:
//!
//! - `POST /api/v1/ops` with a [`PushRequest`] stores the ops (idempotent by op id: a retried
//!   push stores nothing twice) and answers [`PushResponse`].
//! - `GET /api/v1/ops?after=N&limit=M` answers a [`PullResponse`]: the workspace's ops with a
//!   sequence number above `N`, oldest first, at most `M` (capped at [`MAX_PULL_LIMIT`]).
//! - `GET /api/v1/session` answers a [`SessionInfo`] for the bearer token.
//! - Errors answer an [`ErrorBody`] with a 4xx or 5xx status.
//!
//! Every request but health carries `Authorization: Bearer <token>`; a token belongs to one
//! workspace and sees nothing else. The server assigns each newly stored op the next sequence
//! number of its workspace and never looks inside ops beyond [`crate::op::Op::validate`].

use crate::op::Op;
use serde::{Deserialize, Serialize};

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
}
