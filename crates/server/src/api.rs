//! The JSON API under `/api`: health, and sync protocol v1 (see `rabet_domain::sync`).

use crate::{
    admin::{self, token_hash, token_id},
    compacted::{self, Range},
    connections::ClientAddress,
    error::ApiError,
    prepared::PreparedSnapshots,
    rate_limit::{address_key, RateLimiter},
    snapshot_pages::{BuiltPage, PageKey, SnapshotPages},
    storage::{Member, PullPage, PushOutcome, Storage, StorageError, StoredOp},
};
use axum::{
    extract::{
        rejection::{JsonRejection, QueryRejection},
        DefaultBodyLimit, FromRequestParts, Path, Query, Request, State,
    },
    http::{header, request::Parts, HeaderMap, HeaderValue, StatusCode},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::{delete, get, post, put},
    Json, Router,
};
use rabet_domain::{
    hlc::Stamp,
    id::WireId,
    kind::EntityKind,
    op::Op,
    op::DELETED_FIELD,
    sync::{
        rows::rows_of, Cursor, DeadLetter, DeviceInfo, DeviceRequest, InviteRequest,
        InviteResponse, MemberInfo, PullQuery, PushResponse, RefusedOp, Role, RoleChange,
        SessionInfo, SnapshotQuery, DEFAULT_PULL_LIMIT, MAX_PULL_LIMIT, MAX_PUSH_BYTES,
        MAX_PUSH_OPS, MAX_SNAPSHOT_RECORDS, PROTOCOL,
    },
};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::{collections::BTreeMap, sync::Arc, time::Duration, time::Instant};
use tower_http::{
    compression::{CompressionLayer, CompressionLevel},
    set_header::SetResponseHeaderLayer,
};

/// How long a health check waits for the database before calling it unavailable.
const HEALTH_TIMEOUT: Duration = Duration::from_secs(3);

/// The most bytes of ops one pull page carries (it always carries at least one op), so a
/// page of large values cannot take `MAX_PULL_LIMIT` × 64 KiB of memory.
pub const MAX_PULL_BYTES: usize = 4 * 1024 * 1024;

#[derive(Clone)]
pub struct ApiState {
    pub storage: Arc<dyn Storage>,
    pub limiter: Arc<RateLimiter>,
    /// Time for a request to be read and answered.
    pub request_timeout: Duration,
    /// Snapshot pages shared by devices joining at about the same time.
    pub snapshot_pages: Arc<SnapshotPages>,
    /// Snapshots prepared before any device asks.
    pub prepared: Arc<PreparedSnapshots>,
}

pub fn router(state: ApiState) -> Router {
    let v1 = Router::new()
        .route("/ops", get(pull).post(push))
        // A snapshot is most of a workspace: sent compressed to clients that accept it, at
        // the fastest level (a 4 MiB page took 1 s at the default on a busy machine).
        .route(
            "/snapshot",
            get(snapshot).layer(
                CompressionLayer::new()
                    .gzip(true)
                    .quality(CompressionLevel::Fastest),
            ),
        )
        .route("/history/{kind}/{id}", get(history))
        .route("/session", get(session))
        .route("/members", get(members))
        .route("/admin/members", get(admin_members).post(invite))
        .route("/admin/members/{id}/devices", post(add_device))
        .route("/admin/members/{id}/role", put(change_role))
        .route("/admin/devices/{id}", delete(revoke_device))
        .route("/admin/dead-letters", get(dead_letters));
    let request_timeout = state.request_timeout;
    Router::new()
        .route("/health", get(health))
        .nest(&format!("/v{PROTOCOL}"), v1)
        .fallback(|| async { ApiError::NotFound })
        .layer(DefaultBodyLimit::max(MAX_PUSH_BYTES))
        .layer(middleware::from_fn_with_state(request_timeout, deadline))
        // Answers are for one member's eyes and change with every push: no cache keeps them.
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .with_state(state)
}

/// A request not read and answered in time (a client sending its body slowly) is answered
/// 408; the answer closes the connection, since the body is left unread.
async fn deadline(State(timeout): State<Duration>, request: Request, next: Next) -> Response {
    match tokio::time::timeout(timeout, next.run(request)).await {
        Ok(response) => response,
        Err(_) => ApiError::RequestTimeout.into_response(),
    }
}

#[derive(Serialize)]
struct Health {
    status: &'static str,
    version: &'static str,
}

async fn health(State(state): State<ApiState>) -> Result<Json<Health>, ApiError> {
    let reason = match tokio::time::timeout(HEALTH_TIMEOUT, state.storage.check()).await {
        Ok(Ok(())) => {
            return Ok(Json(Health {
                status: "ok",
                version: env!("CARGO_PKG_VERSION"),
            }))
        }
        Ok(Err(error)) => error.to_string(),
        Err(_) => format!("no answer within {} s", HEALTH_TIMEOUT.as_secs()),
    };
    tracing::warn!(%reason, "health check failed");
    Err(ApiError::DatabaseUnavailable(reason))
}

/// The member behind the request's bearer token, let through the rate limit.
struct Authenticated {
    member: Member,
    /// The token's hash: which device asks.
    token_hash: String,
}

impl FromRequestParts<ApiState> for Authenticated {
    type Rejection = ApiError;

    /// Requests that fail authentication count against their client's address, which is
    /// refused before its token is looked up once it has used its share.
    async fn from_request_parts(parts: &mut Parts, state: &ApiState) -> Result<Self, ApiError> {
        let address = parts
            .extensions
            .get::<ClientAddress>()
            .map(|ClientAddress(address)| address_key(*address));
        let rate_limited = |retry_after| ApiError::RateLimited { retry_after };
        if let Some(address) = &address {
            state
                .limiter
                .peek(address, Instant::now())
                .map_err(rate_limited)?;
        }
        let authenticated = Authenticated::check_token(parts, state).await;
        if let (Some(address), Err(ApiError::Unauthorized | ApiError::TokenRevoked)) =
            (&address, &authenticated)
        {
            if state.limiter.check(address, Instant::now()).is_err() {
                tracing::debug!(%address, "an address failing authentication is over its share");
            }
        }
        authenticated
    }
}

impl Authenticated {
    /// The member behind the request's token, within the token's rate limit.
    async fn check_token(parts: &Parts, state: &ApiState) -> Result<Self, ApiError> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token.trim())
            .filter(|token| !token.is_empty())
            .ok_or(ApiError::Unauthorized)?;
        let hash = token_hash(token);
        let member = state
            .storage
            .member(&hash)
            .await?
            .ok_or(ApiError::Unauthorized)?;
        if member.revoked {
            return Err(ApiError::TokenRevoked);
        }
        state
            .limiter
            .check(&hash, Instant::now())
            .map_err(|retry_after| ApiError::RateLimited { retry_after })?;
        Ok(Authenticated {
            member,
            token_hash: hash,
        })
    }
}

/// An authenticated admin.
struct Admin {
    member: Member,
}

impl FromRequestParts<ApiState> for Admin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &ApiState) -> Result<Self, ApiError> {
        let Authenticated { member, .. } = Authenticated::from_request_parts(parts, state).await?;
        if member.role != Role::Admin {
            return Err(ApiError::Forbidden(format!(
                "only admins manage the team; this token's member is a {}",
                member.role.as_str()
            )));
        }
        Ok(Admin { member })
    }
}

async fn session(Authenticated { member, .. }: Authenticated) -> Json<SessionInfo> {
    Json(SessionInfo {
        workspace: member.workspace,
        workspace_name: member.workspace_name,
        member: member.name,
        protocol: PROTOCOL,
        member_id: member.id,
        role: Some(member.role),
    })
}

/// The workspace's members, with their devices when `devices`.
async fn team(
    storage: &dyn Storage,
    workspace: &str,
    devices: bool,
) -> Result<Vec<MemberInfo>, ApiError> {
    let mut tokens = BTreeMap::<String, Vec<DeviceInfo>>::new();
    for token in storage.tokens_of(workspace).await? {
        tokens
            .entry(token.member_id.clone())
            .or_default()
            .push(DeviceInfo {
                id: token_id(&token.hash).to_owned(),
                member_id: token.member_id,
                created_at_ms: token.created_at_ms,
                revoked_at_ms: token.revoked_at_ms,
                last_seen_ms: token.read_at_ms,
            });
    }
    Ok(storage
        .members_of(workspace)
        .await?
        .into_iter()
        .map(|member| {
            let own = tokens.remove(&member.id).unwrap_or_default();
            MemberInfo {
                active: own.iter().any(|device| device.revoked_at_ms.is_none()),
                devices: if devices { own } else { Vec::new() },
                id: member.id,
                name: member.name,
                role: member.role,
                created_at_ms: member.created_at_ms,
            }
        })
        .collect())
}

async fn members(
    State(state): State<ApiState>,
    Authenticated { member, .. }: Authenticated,
) -> Result<Json<Vec<MemberInfo>>, ApiError> {
    Ok(Json(team(&*state.storage, &member.workspace, false).await?))
}

async fn admin_members(
    State(state): State<ApiState>,
    Admin { member }: Admin,
) -> Result<Json<Vec<MemberInfo>>, ApiError> {
    Ok(Json(team(&*state.storage, &member.workspace, true).await?))
}

/// The automated messages the server gave up on, for the rule log (admins only).
async fn dead_letters(
    State(state): State<ApiState>,
    Admin { member }: Admin,
) -> Result<Json<Vec<DeadLetter>>, ApiError> {
    Ok(Json(state.storage.dead_letters(&member.workspace).await?))
}

/// One member of the team as an admin sees them.
async fn member_info(
    storage: &dyn Storage,
    workspace: &str,
    id: &str,
) -> Result<MemberInfo, ApiError> {
    team(storage, workspace, true)
        .await?
        .into_iter()
        .find(|member| member.id == id)
        .ok_or_else(|| ApiError::Missing(format!("no member {id:?} in this workspace")))
}

async fn issued(
    storage: &dyn Storage,
    workspace: &str,
    issued: admin::IssuedToken,
    app_url: Option<String>,
    server_url: Option<String>,
) -> Result<Json<InviteResponse>, ApiError> {
    let member = member_info(storage, workspace, &issued.member.id).await?;
    let device = member
        .devices
        .iter()
        .find(|device| device.id == issued.id)
        .cloned()
        .ok_or(ApiError::Internal)?;
    let invite_link = app_url.map(|app_url| {
        let server_url = server_url.as_deref().unwrap_or(&app_url);
        admin::invite_link(&app_url, server_url, &issued.token)
    });
    Ok(Json(InviteResponse {
        member,
        token: issued.token,
        device,
        invite_link,
    }))
}

/// The longest member name accepted, in bytes.
const MAX_NAME_LEN: usize = 200;

async fn invite(
    State(state): State<ApiState>,
    Admin { member }: Admin,
    body: Result<Json<InviteRequest>, JsonRejection>,
) -> Result<Json<InviteResponse>, ApiError> {
    let Json(request) = body?;
    let name = request.name.trim();
    if name.is_empty() || name.len() > MAX_NAME_LEN {
        return Err(ApiError::Malformed {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            message: format!("a member's name takes 1 to {MAX_NAME_LEN} bytes"),
        });
    }
    let token = admin::issue_token_as(
        &*state.storage,
        &member.workspace,
        name,
        Some(request.role),
        true,
    )
    .await?;
    tracing::info!(workspace = %member.workspace, by = %member.id, invited = %token.member.id, role = request.role.as_str(), "invite");
    issued(
        &*state.storage,
        &member.workspace,
        token,
        request.app_url,
        request.server_url,
    )
    .await
}

async fn add_device(
    State(state): State<ApiState>,
    Admin { member }: Admin,
    Path(id): Path<String>,
    body: Result<Json<DeviceRequest>, JsonRejection>,
) -> Result<Json<InviteResponse>, ApiError> {
    let Json(request) = body?;
    let token = admin::issue_device(&*state.storage, &member.workspace, &id).await?;
    issued(
        &*state.storage,
        &member.workspace,
        token,
        request.app_url,
        request.server_url,
    )
    .await
}

async fn change_role(
    State(state): State<ApiState>,
    Admin { member }: Admin,
    Path(id): Path<String>,
    body: Result<Json<RoleChange>, JsonRejection>,
) -> Result<Json<MemberInfo>, ApiError> {
    let Json(change) = body?;
    state
        .storage
        .set_role(&member.workspace, &id, change.role, false)
        .await?;
    tracing::info!(workspace = %member.workspace, by = %member.id, member = %id, role = change.role.as_str(), "role changed");
    Ok(Json(
        member_info(&*state.storage, &member.workspace, &id).await?,
    ))
}

async fn revoke_device(
    State(state): State<ApiState>,
    Admin { member }: Admin,
    Path(id): Path<String>,
) -> Result<Json<DeviceInfo>, ApiError> {
    let missing = || ApiError::Missing(format!("no device {id:?} in this workspace"));
    // A device is named by its whole id, and only within the admin's workspace.
    if id.len() != admin::TOKEN_ID_LEN {
        return Err(missing());
    }
    let token = state
        .storage
        .tokens_by_prefix(&id)
        .await?
        .into_iter()
        .find(|token| token.workspace == member.workspace)
        .ok_or_else(missing)?;
    state.storage.revoke_token(&token.hash).await?;
    tracing::info!(workspace = %member.workspace, by = %member.id, device = %id, "device revoked");
    member_info(&*state.storage, &member.workspace, &token.member_id)
        .await?
        .devices
        .into_iter()
        .find(|device| device.id == id)
        .map(Json)
        .ok_or(ApiError::Internal)
}

/// A push as received: `rabet_domain::sync::PushRequest`, its ops' values left as JSON text.
#[derive(Deserialize)]
struct ReceivedPush {
    ops: Vec<ReceivedOp>,
}

/// An [`Op`] as received, its value kept as the JSON text the client sent, so it is stored
/// and relayed exactly (numbers past a 64-bit float included). Same fields as `Op`, in the
/// same order, then the `author` the server stamps (`rabet_domain::sync::AuthoredOp`): an
/// author the client sends is never read.
#[derive(Deserialize, Serialize)]
struct ReceivedOp {
    id: WireId,
    entity: EntityKind,
    record: WireId,
    field: String,
    value: Box<RawValue>,
    stamp: Stamp,
    #[serde(skip_deserializing)]
    author: String,
}

impl ReceivedOp {
    /// Validates the op as `Op::validate` does, and gives the form it is stored in, stamped
    /// with its author.
    fn into_stored(mut self, index: usize, author: &str) -> Result<StoredOp, ApiError> {
        // Every client parses the value this way: one it could not read is refused here,
        // never relayed to stall every client's pull.
        let value =
            serde_json::from_str(self.value.get()).map_err(|error| ApiError::Malformed {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                message: format!("op {index} has an unreadable value: {error}"),
            })?;
        let op = Op {
            id: self.id.clone(),
            entity: self.entity,
            record: self.record.clone(),
            field: self.field.clone(),
            value,
            stamp: self.stamp.clone(),
        };
        op.validate()
            .map_err(|error| ApiError::InvalidOp { index, error })?;
        author.clone_into(&mut self.author);
        Ok(StoredOp {
            id: self.id.to_string(),
            sort_key: self.stamp.to_sort_key(),
            json: serde_json::to_string(&self).expect("an op always serializes"),
            entity: self.entity.as_str(),
            record: self.record.to_string(),
            field: op.field.clone(),
            deletes: op.field == DELETED_FIELD && op.value == serde_json::Value::Bool(true),
        })
    }
}

/// The op at `index` refused for `reason`.
fn refused(
    index: usize,
    op: &StoredOp,
    field: &str,
    entity: EntityKind,
    reason: String,
) -> ApiError {
    ApiError::OpForbidden {
        op: RefusedOp {
            index,
            id: op.id.clone(),
            entity,
            record: op.record.clone(),
            field: field.to_owned(),
        },
        reason,
    }
}

/// The first op of a push `role` may not make whatever the record's creator, if any.
fn check_role(role: Role, ops: &[(StoredOp, EntityKind, String)]) -> Result<(), ApiError> {
    for (index, (op, kind, field)) in ops.iter().enumerate() {
        if !role.may_write(*kind) {
            let reason = match role {
                Role::Viewer => "a viewer reads only and pushes nothing".to_owned(),
                _ => format!("only admins change {} records", kind.as_str()),
            };
            return Err(refused(index, op, field, *kind, reason));
        }
    }
    Ok(())
}

async fn push(
    State(state): State<ApiState>,
    Authenticated { member, .. }: Authenticated,
    body: Result<Json<ReceivedPush>, JsonRejection>,
) -> Result<Json<PushResponse>, ApiError> {
    let Json(request) = body?;
    if request.ops.len() > MAX_PUSH_OPS {
        return Err(ApiError::TooManyOps {
            count: request.ops.len(),
        });
    }
    // The whole batch is checked before anything is written: a push is stored entirely or
    // not at all.
    let checked = request
        .ops
        .into_iter()
        .enumerate()
        .map(|(index, op)| {
            let (kind, field) = (op.entity, op.field.clone());
            Ok((op.into_stored(index, &member.id)?, kind, field))
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    check_role(member.role, &checked)?;
    let (ops, details): (Vec<_>, Vec<_>) = checked
        .into_iter()
        .map(|(op, kind, field)| (op, (kind, field)))
        .unzip();
    // A member deletes only records they created: the storage knows the creators.
    let own_deletions_only = member.role != Role::Admin;
    let response = match state
        .storage
        .push(&member.workspace, &member.id, &ops, own_deletions_only)
        .await?
    {
        PushOutcome::Stored(response) => response,
        PushOutcome::NotCreator { index, creator } => {
            let (kind, field) = &details[index];
            let whose = if creator.is_empty() {
                "a record from before roles (its creator is unknown)".to_owned()
            } else {
                format!("a record member {creator} created")
            };
            return Err(refused(
                index,
                &ops[index],
                field,
                *kind,
                format!("a member deletes only records they created; this is {whose}"),
            ));
        }
    };
    tracing::debug!(
        workspace = %member.workspace,
        author = %member.id,
        received = ops.len(),
        stored = response.stored,
        latest = response.latest,
        "push"
    );
    Ok(Json(response))
}

async fn pull(
    State(state): State<ApiState>,
    Authenticated { member, token_hash }: Authenticated,
    query: Result<Query<PullQuery>, QueryRejection>,
) -> Result<Json<PullPage>, ApiError> {
    let Query(query) = query?;
    let limit = query
        .limit
        .unwrap_or(DEFAULT_PULL_LIMIT)
        .clamp(1, MAX_PULL_LIMIT);
    let page = state
        .storage
        .pull(&member.workspace, query.after, limit, MAX_PULL_BYTES)
        .await?;
    // The device holds every op through `after`: a trim keeps the ones after it.
    state.storage.note_read(&token_hash, query.after).await?;
    Ok(Json(page))
}

/// `rabet_domain::sync::SnapshotResponse`, its ops as stored JSON text; or, asked for with
/// `rows`, `rabet_domain::sync::rows::RowsPage`, whose rows and merge state are written
/// around this (see [`rows_answer`]).
#[derive(Serialize)]
pub(crate) struct SnapshotAnswer {
    #[serde(skip_serializing_if = "Option::is_none")]
    ops: Option<Vec<Box<RawValue>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    latest: Option<Stamp>,
    records: u32,
    pub last: Option<String>,
    pub more: bool,
    cursor: Cursor,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub totals: Option<BTreeMap<EntityKind, u64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub splits: Option<BTreeMap<EntityKind, Vec<String>>>,
}

async fn snapshot(
    State(state): State<ApiState>,
    Authenticated { member, token_hash }: Authenticated,
    headers: HeaderMap,
    query: Result<Query<SnapshotQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query?;
    // A join's first page: its progress needs to know how much is coming, and its device
    // where the parts it may fetch at once are.
    let first = query.cursor.is_none() && query.after.is_none();
    let key = PageKey {
        workspace: member.workspace,
        kind: query.kind,
        after: query.after,
        until: query.until,
        limit: query
            .limit
            .unwrap_or(MAX_SNAPSHOT_RECORDS)
            .clamp(1, MAX_SNAPSHOT_RECORDS),
        first,
        rows: query.rows,
    };
    let latest = state.storage.latest(&key.workspace).await?;
    if key.rows && accepts_gzip(&headers) {
        let trimmed = match query.cursor {
            None => state.storage.trimmed_through(&key.workspace).await?,
            Some(_) => 0,
        };
        if let Some((cursor, body)) = state.prepared.page(&key, query.cursor, latest, trimmed) {
            let joins_at = query.cursor.unwrap_or(cursor).min(cursor);
            state.storage.note_read(&token_hash, joins_at).await?;
            return Ok((
                [
                    (header::CONTENT_TYPE, "application/json"),
                    (header::CONTENT_ENCODING, "gzip"),
                    (header::VARY, "accept-encoding"),
                ],
                body,
            )
                .into_response());
        }
    }
    let page = state
        .snapshot_pages
        .get_or_build(key.clone(), latest, || async {
            Ok(build_snapshot_page(state.storage.as_ref(), &key).await?.0)
        })
        .await?;
    // The device joining will pull the log after its first page's cursor: a trim keeps it.
    let joins_at = query.cursor.unwrap_or(page.cursor).min(page.cursor);
    state.storage.note_read(&token_hash, joins_at).await?;
    Ok((
        [(header::CONTENT_TYPE, "application/json")],
        page.body.clone(),
    )
        .into_response())
}

/// Whether a request says it takes gzip-compressed answers (every browser does).
fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|coding| {
            let mut parts = coding.split(';');
            let name = parts.next().unwrap_or_default().trim();
            // `gzip;q=0` refuses it.
            let refused = parts.any(|param| param.replace(' ', "") == "q=0");
            (name.eq_ignore_ascii_case("gzip") || name == "*") && !refused
        })
}

/// A snapshot page's answer, read and written afresh, and what it says of the walk.
pub(crate) async fn build_snapshot_page(
    storage: &dyn Storage,
    key: &PageKey,
) -> Result<(BuiltPage, SnapshotAnswer), StorageError> {
    let range = Range {
        after: key.after.as_deref(),
        until: key.until.as_deref(),
    };
    let snapshot = storage
        .snapshot(
            &key.workspace,
            key.kind,
            range,
            key.limit,
            MAX_PULL_BYTES,
            key.first,
        )
        .await?;
    let page = snapshot.page;
    let mut answer = SnapshotAnswer {
        ops: None,
        latest: None,
        records: page.records,
        last: page.last.clone(),
        more: page.more,
        cursor: snapshot.cursor,
        totals: snapshot.totals.map(|totals| {
            totals
                .into_iter()
                .filter_map(|(entity, count)| Some((EntityKind::parse(&entity)?, count)))
                .collect()
        }),
        splits: snapshot.splits.map(|splits| {
            let mut by_kind: BTreeMap<EntityKind, Vec<String>> = BTreeMap::new();
            for (entity, record) in splits {
                if let Some(kind) = EntityKind::parse(&entity) {
                    by_kind.entry(kind).or_default().push(record);
                }
            }
            by_kind
        }),
    };
    // Stored ops were validated when pushed: failing to read one is a corrupt store.
    let corrupt = |error: serde_json::Error| StorageError::Corrupt {
        seq: 0,
        reason: error.to_string(),
    };
    let body = if key.rows {
        let started = std::time::Instant::now();
        let built = rows_of(key.kind, page.ops()).map_err(corrupt)?;
        answer.latest = built.latest;
        let body = rows_answer(&built.rows, &built.merge, &answer).map_err(corrupt)?;
        tracing::debug!(
            kind = key.kind.as_str(),
            build_ms = started.elapsed().as_secs_f64() * 1e3,
            "snapshot rows built"
        );
        body
    } else {
        let ops = page.ops().map(|op| compacted::raw(0, op.to_owned()));
        answer.ops = Some(ops.collect::<Result<_, _>>()?);
        serde_json::to_string(&answer).map_err(corrupt)?
    };
    // The answer goes back for what it says of the walk; its ops are in the body already.
    answer.ops = None;
    Ok((
        BuiltPage {
            body,
            cursor: snapshot.cursor,
        },
        answer,
    ))
}

/// A rows page's JSON: the rows as built (a JSON array, not parsed again), the merge state,
/// then the rest of the answer.
fn rows_answer(rows: &str, merge: &str, rest: &SnapshotAnswer) -> serde_json::Result<String> {
    let rest = serde_json::to_string(rest)?;
    let mut body = String::with_capacity(rows.len() + merge.len() * 11 / 10 + rest.len() + 32);
    body.push_str("{\"rows\":");
    body.push_str(rows);
    body.push_str(",\"merge\":");
    body.push_str(&serde_json::to_string(merge)?);
    body.push(',');
    // The rest always holds `records`, so it is never `{}`.
    body.push_str(rest.strip_prefix('{').unwrap_or(&rest));
    Ok(body)
}

/// `rabet_domain::sync::HistoryResponse`, its ops as stored JSON text.
#[derive(Serialize)]
struct HistoryAnswer {
    ops: Vec<Box<RawValue>>,
    complete: bool,
}

async fn history(
    State(state): State<ApiState>,
    Authenticated { member, .. }: Authenticated,
    Path((kind, id)): Path<(String, String)>,
) -> Result<Json<HistoryAnswer>, ApiError> {
    let kind = EntityKind::parse(&kind)
        .ok_or_else(|| ApiError::Missing(format!("no kind of record is called {kind:?}")))?;
    let history = state
        .storage
        .history(&member.workspace, kind, &id, MAX_PULL_BYTES)
        .await?;
    Ok(Json(HistoryAnswer {
        ops: history.ops,
        complete: history.complete,
    }))
}
