//! The JSON API under `/api`: health, and sync protocol v1 (see `rabet_domain::sync`).

use crate::{
    admin::token_hash,
    error::ApiError,
    rate_limit::RateLimiter,
    storage::{Member, PullPage, Storage, StoredOp},
};
use axum::{
    extract::{
        rejection::{JsonRejection, QueryRejection},
        DefaultBodyLimit, FromRequestParts, Query, Request, State,
    },
    http::{header, request::Parts, HeaderValue, StatusCode},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::get,
    Json, Router,
};
use rabet_domain::{
    hlc::Stamp,
    id::WireId,
    kind::EntityKind,
    op::Op,
    sync::{
        PullQuery, PushResponse, SessionInfo, DEFAULT_PULL_LIMIT, MAX_PULL_LIMIT, MAX_PUSH_BYTES,
        MAX_PUSH_OPS, PROTOCOL,
    },
};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::{sync::Arc, time::Duration, time::Instant};
use tower_http::set_header::SetResponseHeaderLayer;

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
}

pub fn router(state: ApiState) -> Router {
    let v1 = Router::new()
        .route("/ops", get(pull).post(push))
        .route("/session", get(session));
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
}

impl FromRequestParts<ApiState> for Authenticated {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &ApiState) -> Result<Self, ApiError> {
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
        Ok(Authenticated { member })
    }
}

async fn session(Authenticated { member }: Authenticated) -> Json<SessionInfo> {
    Json(SessionInfo {
        workspace: member.workspace,
        workspace_name: member.workspace_name,
        member: member.name,
        protocol: PROTOCOL,
    })
}

/// A push as received: `rabet_domain::sync::PushRequest`, its ops' values left as JSON text.
#[derive(Deserialize)]
struct ReceivedPush {
    ops: Vec<ReceivedOp>,
}

/// An [`Op`] as received, its value kept as the JSON text the client sent, so it is stored
/// and relayed exactly (numbers past a 64-bit float included). Same fields as `Op`, in the
/// same order.
#[derive(Deserialize, Serialize)]
struct ReceivedOp {
    id: WireId,
    entity: EntityKind,
    record: WireId,
    field: String,
    value: Box<RawValue>,
    stamp: Stamp,
}

impl ReceivedOp {
    /// Validates the op as `Op::validate` does, and gives the form it is stored in.
    fn into_stored(self, index: usize) -> Result<StoredOp, ApiError> {
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
        Ok(StoredOp {
            id: self.id.to_string(),
            sort_key: self.stamp.to_sort_key(),
            json: serde_json::to_string(&self).expect("an op always serializes"),
        })
    }
}

async fn push(
    State(state): State<ApiState>,
    Authenticated { member }: Authenticated,
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
    let ops = request
        .ops
        .into_iter()
        .enumerate()
        .map(|(index, op)| op.into_stored(index))
        .collect::<Result<Vec<_>, _>>()?;
    let response = state.storage.push(&member.workspace, &ops).await?;
    tracing::debug!(
        workspace = %member.workspace,
        received = ops.len(),
        stored = response.stored,
        latest = response.latest,
        "push"
    );
    Ok(Json(response))
}

async fn pull(
    State(state): State<ApiState>,
    Authenticated { member }: Authenticated,
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
    Ok(Json(page))
}
