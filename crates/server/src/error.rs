//! The one error type of the HTTP API: every failure becomes a status and an
//! [`ErrorBody`] (a stable code and a sentence).

use crate::storage::StorageError;
use axum::{
    extract::rejection::{JsonRejection, QueryRejection},
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use rabet_domain::{
    op::OpError,
    sync::{Cursor, ErrorBody, RefusedOp, MAX_PUSH_OPS, SNAPSHOT_NEEDED},
};
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("no such API endpoint")]
    NotFound,
    #[error("a valid bearer token is required")]
    Unauthorized,
    #[error("this token has been revoked")]
    TokenRevoked,
    #[error("too many requests; retry in {} s", retry_after_secs(*.retry_after))]
    RateLimited { retry_after: Duration },
    #[error("the request body is too large")]
    TooLarge,
    #[error("{message}")]
    Malformed { status: StatusCode, message: String },
    #[error("a push may carry at most {MAX_PUSH_OPS} ops, got {count}")]
    TooManyOps { count: usize },
    #[error("op {index} is invalid: {error}")]
    InvalidOp { index: usize, error: OpError },
    #[error("the request was not received in time")]
    RequestTimeout,
    #[error("the database is unavailable: {0}")]
    DatabaseUnavailable(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("op {} ({} {}, field {:?}, id {}) is refused: {reason}", op.index, op.entity.as_str(), op.record, op.field, op.id)]
    OpForbidden { op: RefusedOp, reason: String },
    #[error("{0}")]
    Missing(String),
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    #[error("the server trimmed its op log through {through}: join again by snapshot")]
    SnapshotNeeded { through: Cursor },
    #[error("internal server error")]
    Internal,
}

fn retry_after_secs(wait: Duration) -> u64 {
    wait.as_secs_f64().ceil().max(1.0) as u64
}

impl ApiError {
    fn status(&self) -> StatusCode {
        match self {
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::Unauthorized | ApiError::TokenRevoked => StatusCode::UNAUTHORIZED,
            ApiError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::TooLarge | ApiError::TooManyOps { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::Malformed { status, .. } => *status,
            ApiError::InvalidOp { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
            ApiError::DatabaseUnavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Forbidden(_) | ApiError::OpForbidden { .. } => StatusCode::FORBIDDEN,
            ApiError::Missing(_) => StatusCode::NOT_FOUND,
            ApiError::Conflict { .. } => StatusCode::CONFLICT,
            ApiError::SnapshotNeeded { .. } => StatusCode::GONE,
            ApiError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The stable machine-readable code clients branch on.
    fn code(&self) -> &'static str {
        match self {
            ApiError::NotFound => "not_found",
            ApiError::Unauthorized => "unauthorized",
            ApiError::TokenRevoked => "token_revoked",
            ApiError::RateLimited { .. } => "rate_limited",
            ApiError::TooLarge => "too_large",
            ApiError::Malformed { .. } => "malformed",
            ApiError::TooManyOps { .. } => "too_many_ops",
            ApiError::InvalidOp { .. } => "invalid_op",
            ApiError::RequestTimeout => "request_timeout",
            ApiError::DatabaseUnavailable(_) => "database_unavailable",
            ApiError::Forbidden(_) | ApiError::OpForbidden { .. } => "forbidden",
            ApiError::Missing(_) => "not_found",
            ApiError::Conflict { code, .. } => code,
            ApiError::SnapshotNeeded { .. } => SNAPSHOT_NEEDED,
            ApiError::Internal => "internal",
        }
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        match rejection.status() {
            StatusCode::PAYLOAD_TOO_LARGE => ApiError::TooLarge,
            status => ApiError::Malformed {
                status,
                message: rejection.body_text(),
            },
        }
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        ApiError::Malformed {
            status: rejection.status(),
            message: rejection.body_text(),
        }
    }
}

impl From<StorageError> for ApiError {
    /// A request's own mistakes are told; a failure's details go to the log, not to the
    /// client.
    fn from(error: StorageError) -> Self {
        match error {
            StorageError::NoSuchMember(_) | StorageError::NoSuchToken(_) => {
                ApiError::Missing(error.to_string())
            }
            StorageError::MemberExists(_) => ApiError::Conflict {
                code: "member_exists",
                message: error.to_string(),
            },
            StorageError::Trimmed { through } => ApiError::SnapshotNeeded { through },
            StorageError::LastAdmin => ApiError::Conflict {
                code: "last_admin",
                message: error.to_string(),
            },
            error => {
                tracing::error!(%error, "storage failed");
                ApiError::Internal
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: self.code().to_owned(),
            message: self.to_string(),
            op: match &self {
                ApiError::OpForbidden { op, .. } => Some(op.clone()),
                _ => None,
            },
        };
        let mut response = (self.status(), Json(body)).into_response();
        if let ApiError::RateLimited { retry_after } = self {
            response.headers_mut().insert(
                header::RETRY_AFTER,
                HeaderValue::from(retry_after_secs(retry_after)),
            );
        }
        response
    }
}
