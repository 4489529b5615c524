//! `rabet-server`: serves the Rabet app (and, later, its sync API) from one binary.

use clap::{Parser, Subcommand};
use rabet_server::AppState;
use std::{net::SocketAddr, path::PathBuf};
use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;

#[derive(Parser, Debug)]
#[command(name = "rabet-server", version, about = "Rabet's self-hosted server", long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    serve: ServeArgs,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Serve the app over HTTP (the default when no command is given).
    Serve(ServeArgs),
}

#[derive(clap::Args, Debug)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "RABET_ADDR", default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Folder holding the built app (the output of `trunk build`).
    #[arg(long, env = "RABET_DIST", default_value = "dist")]
    dist: PathBuf,
    /// Folder for the server's embedded database.
    #[arg(long, env = "RABET_DATA_DIR", default_value = "data")]
    data_dir: PathBuf,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    let cli = Cli::parse();
    let args = match cli.command {
        Some(Command::Serve(args)) => args,
        None => cli.serve,
    };
    if !args.dist.join("index.html").is_file() {
        return Err(format!(
            "{} has no index.html: build the app first (see README)",
            args.dist.display()
        )
        .into());
    }
    std::fs::create_dir_all(&args.data_dir)?;
    let listener = TcpListener::bind(args.addr).await?;
    tracing::info!(addr = %listener.local_addr()?, dist = %args.dist.display(), "serving Rabet");
    rabet_server::serve(listener, AppState { dist: args.dist }, shutdown_signal()).await?;
    tracing::info!("stopped after finishing in-flight requests");
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM (what service managers send).
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::warn!(%error, "cannot listen for SIGTERM; only Ctrl-C stops the server");
                std::future::pending::<()>().await
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}
