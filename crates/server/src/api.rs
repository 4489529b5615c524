//! The JSON API under `/api`: health, and sync protocol v1 (see `rabet_domain::sync`).

use crate::{
    admin::token_hash,
    error::ApiError,
    rate_limit::RateLimiter,
    storage::{Member, Storage},
};
use axum::{
    extract::{
        rejection::{JsonRejection, QueryRejection},
        DefaultBodyLimit, FromRequestParts, Query, State,
    },
    http::{header, request::Parts},
    routing::get,
    Json, Router,
};
use rabet_domain::sync::{
    PullQuery, PullResponse, PushRequest, PushResponse, SessionInfo, DEFAULT_PULL_LIMIT,
    MAX_PULL_LIMIT, MAX_PUSH_BYTES, MAX_PUSH_OPS, PROTOCOL,
};
use serde::Serialize;
use std::{sync::Arc, time::Duration, time::Instant};

/// How long a health check waits for the database before calling it unavailable.
const HEALTH_TIMEOUT: Duration = Duration::from_secs(3);

#[derive(Clone)]
pub struct ApiState {
    pub storage: Arc<dyn Storage>,
    pub limiter: Arc<RateLimiter>,
}

pub fn router(state: ApiState) -> Router {
    let v1 = Router::new()
        .route("/ops", get(pull).post(push))
        .route("/session", get(session));
    Router::new()
        .route("/health", get(health))
        .nest(&format!("/v{PROTOCOL}"), v1)
        .fallback(|| async { ApiError::NotFound })
        .layer(DefaultBodyLimit::max(MAX_PUSH_BYTES))
        .with_state(state)
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

async fn push(
    State(state): State<ApiState>,
    Authenticated { member }: Authenticated,
    body: Result<Json<PushRequest>, JsonRejection>,
) -> Result<Json<PushResponse>, ApiError> {
    let Json(request) = body?;
    if request.ops.len() > MAX_PUSH_OPS {
        return Err(ApiError::TooManyOps {
            count: request.ops.len(),
        });
    }
    // The whole batch is checked before anything is written: a push is stored entirely or
    // not at all.
    for (index, op) in request.ops.iter().enumerate() {
        op.validate()
            .map_err(|error| ApiError::InvalidOp { index, error })?;
    }
    let response = state.storage.push(&member.workspace, &request.ops).await?;
    tracing::debug!(
        workspace = %member.workspace,
        received = request.ops.len(),
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
) -> Result<Json<PullResponse>, ApiError> {
    let Query(query) = query?;
    let limit = query
        .limit
        .unwrap_or(DEFAULT_PULL_LIMIT)
        .clamp(1, MAX_PULL_LIMIT);
    let page = state
        .storage
        .pull(&member.workspace, query.after, limit)
        .await?;
    Ok(Json(page))
}
