//! Rabet's self-hosted server: serves the built app as static files and relays sync
//! operations between a workspace's members.
//!
//! `app(state)` builds the whole router, so tests drive exactly what `main` serves.

pub mod admin;
mod api;
pub mod automation;
mod body;
pub mod compacted;
pub mod connections;
pub mod delivery;
mod error;
pub mod prepared;
pub mod rate_limit;
mod snapshot_pages;
mod static_files;
pub mod storage;
pub mod webhook_targets;

use axum::{
    http::{header, HeaderValue, Method},
    middleware, Router,
};
use std::{future::Future, path::PathBuf, sync::Arc, time::Duration};
use tokio::net::TcpListener;
use tower_http::{
    cors::{AllowOrigin, CorsLayer},
    trace::TraceLayer,
};

pub use connections::Limits;
pub use error::ApiError;
pub use prepared::PreparedSnapshots;
pub use rate_limit::RateLimit;
pub use storage::{
    DatabaseLocation, MemberRecord, PullPage, PushOutcome, SqlStorage, Storage, StorageError,
    StoredOp, TrimPolicy, Trimmed, SQLITE_FILE,
};

/// What the server is made of: where the app is, where data lives, and its policies.
#[derive(Clone)]
pub struct AppState {
    /// The folder holding the built app (`trunk build` output).
    pub dist: PathBuf,
    pub storage: Arc<dyn Storage>,
    /// Origins of separately hosted copies of the app allowed to call the API from a
    /// browser; empty when the app is only served by this server (same origin).
    pub cors_origins: Vec<HeaderValue>,
    pub rate_limit: RateLimit,
    /// Timeouts and connection caps.
    pub limits: Limits,
    /// Snapshots prepared before devices ask (see `prepared`): `serve` prepares them in the
    /// background.
    pub prepared: Arc<PreparedSnapshots>,
}

impl AppState {
    /// The app in `dist` and data in `storage`, with default policies.
    pub fn new(dist: PathBuf, storage: Arc<dyn Storage>) -> Self {
        AppState {
            dist,
            storage,
            cors_origins: Vec::new(),
            rate_limit: RateLimit::DEFAULT,
            limits: Limits::default(),
            prepared: Arc::default(),
        }
    }
}

/// The complete HTTP surface of the server.
pub fn app(state: AppState) -> Router {
    let mut api = api::router(api::ApiState {
        storage: state.storage,
        limiter: Arc::new(rate_limit::RateLimiter::new(state.rate_limit)),
        request_timeout: state.limits.request_timeout,
        snapshot_pages: Arc::default(),
        prepared: state.prepared,
    });
    if !state.cors_origins.is_empty() {
        api = api.layer(cors(state.cors_origins));
    }
    Router::new()
        .nest("/api", api)
        .fallback_service(static_files::service(&state.dist))
        .layer(middleware::from_fn(body::close_unless_read))
        .layer(TraceLayer::new_for_http())
}

/// Lets the app hosted at `origins` call the API with a bearer token.
fn cors(origins: Vec<HeaderValue>) -> CorsLayer {
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([Method::GET, Method::POST, Method::PUT, Method::DELETE])
        .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE])
        .expose_headers([header::RETRY_AFTER])
        .max_age(Duration::from_secs(24 * 60 * 60))
}

/// Serves `app(state)` on `listener` within `state.limits` until `shutdown` resolves, then
/// lets in-flight requests finish for at most `state.limits.shutdown_grace` before returning.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let limits = state.limits;
    connections::serve(listener, app(state), limits, shutdown).await
}
