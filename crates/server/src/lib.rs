//! Rabet's self-hosted server: serves the built app as static files and answers the API.
//!
//! `app(state)` builds the whole router, so tests drive exactly what `main` serves.

mod error;
mod static_files;

use axum::{routing::get, Json, Router};
use serde::Serialize;
use std::{future::Future, path::PathBuf};
use tokio::net::TcpListener;
use tower_http::trace::TraceLayer;

pub use error::ApiError;

/// What every request handler may read.
#[derive(Clone, Debug)]
pub struct AppState {
    /// The folder holding the built app (`trunk build` output).
    pub dist: PathBuf,
}

/// The complete HTTP surface of the server.
pub fn app(state: AppState) -> Router {
    let api = Router::new()
        .route("/health", get(health))
        .fallback(|| async { ApiError::NotFound });
    Router::new()
        .nest("/api", api)
        .fallback_service(static_files::service(&state.dist))
        .layer(TraceLayer::new_for_http())
}

#[derive(Serialize)]
struct Health {
    status: &'static str,
    version: &'static str,
}

async fn health() -> Json<Health> {
    Json(Health {
        status: "ok",
        version: env!("CARGO_PKG_VERSION"),
    })
}

/// Serves `app(state)` on `listener` until `shutdown` resolves, then lets in-flight requests
/// finish before returning.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app(state))
        .with_graceful_shutdown(shutdown)
        .await
}
