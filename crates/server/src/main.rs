//! `rabet-server`: serves the Rabet app and its sync API from one binary, and manages
//! workspaces and member tokens.

use axum::http::HeaderValue;
use clap::{Args, Parser, Subcommand};
use rabet_domain::{sync::Role, time::Zone};
use rabet_server::{
    admin::{self, token_id},
    automation, connections,
    delivery::{deliver, Delivered, Delivery, SmsGateway, Smtp, SmtpTls},
    webhook_targets::WebhookTargets,
    AppState, DatabaseLocation, Limits, PreparedSnapshots, RateLimit, SqlStorage, Storage,
    TrimPolicy,
};
use std::{net::SocketAddr, path::PathBuf, process::ExitCode, sync::Arc, time::Duration};
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
    /// Serve the app and the sync API over HTTP (the default when no command is given).
    Serve(ServeArgs),
    /// Manage workspaces.
    #[command(subcommand)]
    Workspace(WorkspaceCommand),
    /// Manage member tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Automation rules: fire what is pending now.
    #[command(subcommand)]
    Automation(AutomationCommand),
    /// Trim every workspace's op log now, as `serve` does every hour (see --inactive-days
    /// and --keep-history-days), and print what went.
    Trim {
        #[command(flatten)]
        trim: TrimArgs,
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

/// When the op log is trimmed. A new device joins from the compacted state, never from the
/// log, so the log is kept only for devices catching up and for records' field history.
#[derive(Args, Debug, Clone, Copy)]
struct TrimArgs {
    /// A device that has not synced for this many days no longer holds the log back; when it
    /// returns it receives the workspace again by snapshot, its unsent changes kept.
    #[arg(long, env = "RABET_TRIM_INACTIVE_DAYS", default_value_t = 30)]
    inactive_days: u32,
    /// Ops received in the last this-many days stay, so field history stays whole for that
    /// long (older, each field's latest value and who set it stay).
    #[arg(long, env = "RABET_KEEP_HISTORY_DAYS", default_value_t = 90)]
    keep_history_days: u32,
}

impl TrimArgs {
    fn policy(self) -> TrimPolicy {
        const DAY_MS: i64 = 24 * 60 * 60 * 1000;
        TrimPolicy {
            inactive_after_ms: i64::from(self.inactive_days) * DAY_MS,
            keep_history_ms: i64::from(self.keep_history_days) * DAY_MS,
        }
    }
}

#[derive(Subcommand, Debug)]
enum AutomationCommand {
    /// Fire every workspace's pending rules once, as `serve` does every
    /// --automation-every-seconds (time-based rules come due; changes no device fired), and
    /// print what fired.
    Sweep {
        #[command(flatten)]
        automation: AutomationArgs,
        #[command(flatten)]
        delivery: DeliveryArgs,
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

/// How the server sends automated messages. Without an SMTP host (or an SMS URL) it sends
/// no e-mail (SMS): those messages are prepared in the rule's log for a person to open.
#[derive(Args, Debug, Clone)]
struct DeliveryArgs {
    /// The SMTP server automated e-mail goes through, e.g. smtp.example.com.
    #[arg(long, env = "RABET_SMTP_HOST")]
    smtp_host: Option<String>,
    #[arg(long, env = "RABET_SMTP_PORT", default_value_t = 587)]
    smtp_port: u16,
    /// starttls (port 587), tls (port 465) or none (a relay on this machine only).
    #[arg(long, env = "RABET_SMTP_TLS", default_value = "starttls", value_parser = parse_tls)]
    smtp_tls: SmtpTls,
    #[arg(long, env = "RABET_SMTP_USER")]
    smtp_user: Option<String>,
    #[arg(long, env = "RABET_SMTP_PASSWORD", hide_env_values = true)]
    smtp_password: Option<String>,
    /// The sender of automated e-mail, e.g. "Rabet <crm@example.com>".
    #[arg(long, env = "RABET_SMTP_FROM", requires = "smtp_host")]
    smtp_from: Option<String>,
    /// The SMS gateway's URL, a template: {to}, {text}, {to_url}, {text_url} (percent-encoded),
    /// {to_json}, {text_json} (JSON strings), e.g.
    /// https://api.kavenegar.com/v1/KEY/sms/send.json?receptor={to_url}&message={text_url}
    #[arg(long, env = "RABET_SMS_URL", hide_env_values = true)]
    sms_url: Option<String>,
    /// The HTTP method of the gateway's request.
    #[arg(long, env = "RABET_SMS_METHOD", default_value = "POST")]
    sms_method: reqwest::Method,
    /// A header of the gateway's request, "Name: value" (a template too; repeatable), e.g.
    /// "Authorization: Bearer TOKEN".
    #[arg(long = "sms-header", env = "RABET_SMS_HEADER", hide_env_values = true)]
    sms_headers: Vec<String>,
    /// The body of the gateway's request, a template, e.g. {"to": {to_json}, "text": {text_json}};
    /// none when empty.
    #[arg(long, env = "RABET_SMS_BODY", default_value = "")]
    sms_body: String,
    /// Text the gateway's answer must hold to count as sent (besides a 2xx status).
    #[arg(long, env = "RABET_SMS_SUCCESS", default_value = "")]
    sms_success: String,
    /// Automated messages a workspace may send in any 24 hours; more wait for the next.
    #[arg(long, env = "RABET_MESSAGE_QUOTA", default_value_t = Delivery::default().daily_quota)]
    message_quota: u32,
    /// Tries before a message is given up (a dead letter, listed in the rule's log).
    #[arg(long, env = "RABET_MESSAGE_ATTEMPTS", default_value_t = Delivery::default().max_attempts)]
    message_attempts: u32,
    /// Seconds before the second try; the wait doubles after each further failure.
    #[arg(long, env = "RABET_MESSAGE_RETRY_SECONDS", default_value_t = Delivery::default().first_retry.as_secs())]
    message_retry_seconds: u64,
    /// A network rules' webhooks may call besides public addresses, e.g. 10.0.0.0/8 or
    /// 127.0.0.1/32 (repeatable; comma-separated in the variable). Without it, webhooks to
    /// this machine and private networks are refused.
    #[arg(
        long = "webhook-allow",
        env = "RABET_WEBHOOK_ALLOW",
        value_delimiter = ','
    )]
    webhook_allow: Vec<ipnet::IpNet>,
}

fn parse_tls(text: &str) -> Result<SmtpTls, String> {
    match text {
        "none" => Ok(SmtpTls::None),
        "starttls" => Ok(SmtpTls::StartTls),
        "tls" => Ok(SmtpTls::Tls),
        _ => Err(format!("{text:?} is not starttls, tls or none")),
    }
}

impl DeliveryArgs {
    fn delivery(&self) -> Result<Delivery> {
        let email = match &self.smtp_host {
            Some(host) => Some(Smtp {
                host: host.clone(),
                port: self.smtp_port,
                tls: self.smtp_tls,
                credentials: self.smtp_user.clone().zip(self.smtp_password.clone()),
                from: self
                    .smtp_from
                    .clone()
                    .ok_or("--smtp-host needs --smtp-from, the sender's address")?,
            }),
            None => None,
        };
        let headers = self
            .sms_headers
            .iter()
            .map(|header| {
                header
                    .split_once(':')
                    .map(|(name, value)| (name.trim().to_owned(), value.trim().to_owned()))
                    .ok_or_else(|| format!("--sms-header {header:?} is not \"Name: value\""))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let sms = self.sms_url.clone().map(|url| SmsGateway {
            url,
            method: self.sms_method.clone(),
            headers,
            body: self.sms_body.clone(),
            success: self.sms_success.clone(),
        });
        if self.message_attempts == 0 {
            return Err("--message-attempts must be at least 1".into());
        }
        Ok(Delivery {
            email,
            sms,
            daily_quota: self.message_quota,
            max_attempts: self.message_attempts,
            first_retry: Duration::from_secs(self.message_retry_seconds),
            webhook_targets: WebhookTargets::allowing(self.webhook_allow.clone()),
        })
    }
}

/// How the server runs workspace automation rules.
#[derive(Args, Debug, Clone, Copy)]
struct AutomationArgs {
    /// Seconds between sweeps that fire due rules while the server runs (0: none).
    #[arg(long, env = "RABET_AUTOMATION_EVERY_SECONDS", default_value_t = 60)]
    automation_every_seconds: u64,
    /// The time zone, as minutes east of UTC, of workspaces whose settings name none (or
    /// one the server does not know), for rules on date fields ("a day after the due date"
    /// starts at local midnight): 210 is Tehran, 0 UTC. A zone named in a workspace's
    /// settings ("Asia/Tehran") is read from the zone database built into the server.
    #[arg(
        long,
        env = "RABET_ZONE_OFFSET_MINUTES",
        default_value_t = 210,
        allow_negative_numbers = true
    )]
    zone_offset_minutes: i32,
}

impl AutomationArgs {
    fn zone(self) -> Zone {
        Zone::fixed(i64::from(self.zone_offset_minutes) * 60_000)
    }
}

#[derive(Subcommand, Debug)]
enum WorkspaceCommand {
    /// Create a workspace and print its id.
    Create {
        name: String,
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

#[derive(Subcommand, Debug)]
enum TokenCommand {
    /// Issue a token for a member and print it (it is shown only this once).
    Issue {
        /// The workspace's id, as `workspace create` printed it.
        #[arg(long)]
        workspace: String,
        /// The member's name, shown in the app. A name the workspace already has gets
        /// another token (device) of that member.
        #[arg(long)]
        member: String,
        /// admin, member or viewer. A new member without one is an admin (the app does not yet
        /// adapt to narrower roles); given for an existing member, it changes their role.
        #[arg(long, value_parser = parse_role)]
        role: Option<Role>,
        /// Where the app is hosted: prints an invite link that connects it.
        #[arg(long)]
        app_url: Option<String>,
        /// This server's public URL, for the invite link (defaults to --app-url).
        #[arg(long, requires = "app_url")]
        server_url: Option<String>,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Revoke a token, given whole or by its id (at least 8 characters of it).
    Revoke {
        token_or_id: String,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Change the role (admin, member or viewer) of the member holding a token, given whole
    /// or by its id (at least 8 characters of it); a member's id is their first token's.
    Role {
        token_or_id: String,
        #[arg(value_parser = parse_role)]
        role: Role,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// List a workspace's tokens (their ids, never the tokens) with their members and roles.
    List {
        #[arg(long)]
        workspace: String,
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

#[derive(Args, Debug)]
struct DatabaseArgs {
    /// Folder for the embedded SQLite database (unused when DATABASE_URL is set).
    #[arg(long, env = "RABET_DATA_DIR", default_value = "data")]
    data_dir: PathBuf,
    /// A PostgreSQL database to use instead, e.g. postgres://user:pass@host/rabet.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    database_url: Option<String>,
}

impl DatabaseArgs {
    async fn open(&self) -> Result<SqlStorage, rabet_server::StorageError> {
        SqlStorage::open(&DatabaseLocation::new(
            &self.data_dir,
            self.database_url.clone(),
        ))
        .await
    }
}

#[derive(Args, Debug)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "RABET_ADDR", default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Seconds between looks for workspaces whose snapshot is due to be prepared, so that a
    /// joining device's pages are ready to send (0: none; every join's pages are then built
    /// as asked for).
    #[arg(long, env = "RABET_PREPARE_EVERY_SECONDS", default_value_t = 30)]
    prepare_every_seconds: u64,
    /// Megabytes of prepared snapshots (gzip) kept in memory, for all workspaces together;
    /// a 100,000-contact workspace's takes about 210.
    #[arg(long, env = "RABET_PREPARED_SNAPSHOTS_MB", default_value_t = 1024)]
    prepared_snapshots_mb: usize,
    /// Folder holding the built app (the output of `trunk build`).
    #[arg(long, env = "RABET_DIST", default_value = "dist")]
    dist: PathBuf,
    #[command(flatten)]
    database: DatabaseArgs,
    /// Origin of a separately hosted app allowed to call the API (repeatable; the env
    /// variable takes a comma-separated list), e.g. https://crm.example.com.
    #[arg(
        long = "cors-origin",
        env = "RABET_CORS_ORIGINS",
        value_delimiter = ','
    )]
    cors_origins: Vec<String>,
    /// Requests per second each token may make on average.
    #[arg(long, env = "RABET_RATE_LIMIT", default_value_t = RateLimit::DEFAULT.per_second)]
    rate_limit: f64,
    /// Requests each token may make at once before the average applies.
    #[arg(long, env = "RABET_RATE_BURST", default_value_t = RateLimit::DEFAULT.burst)]
    rate_burst: f64,
    /// Seconds a client has to send a request's headers; also how long an idle kept-alive
    /// connection stays open.
    #[arg(long, env = "RABET_HEADER_TIMEOUT", default_value_t = Limits::default().header_read_timeout.as_secs())]
    header_timeout: u64,
    /// Seconds an API request has to be received (its body) and answered; 408 after it.
    #[arg(long, env = "RABET_REQUEST_TIMEOUT", default_value_t = Limits::default().request_timeout.as_secs())]
    request_timeout: u64,
    /// Connections open at once, in total (lowered to what the open-file limit allows);
    /// more wait until one closes.
    #[arg(long, env = "RABET_MAX_CONNECTIONS", default_value_t = Limits::default().max_connections)]
    max_connections: usize,
    /// Connections open at once from one client address; more are closed at once. Behind a
    /// reverse proxy every client has the proxy's address: raise it to --max-connections.
    #[arg(long, env = "RABET_MAX_CONNECTIONS_PER_IP", default_value_t = Limits::default().max_connections_per_ip)]
    max_connections_per_ip: usize,
    /// Seconds a shutdown (SIGTERM, Ctrl-C) waits for requests in flight before closing
    /// their connections.
    #[arg(long, env = "RABET_SHUTDOWN_GRACE", default_value_t = Limits::default().shutdown_grace.as_secs())]
    shutdown_grace: u64,
    #[command(flatten)]
    trim: TrimArgs,
    #[command(flatten)]
    automation: AutomationArgs,
    #[command(flatten)]
    delivery: DeliveryArgs,
}

type Result<T, E = Box<dyn std::error::Error>> = std::result::Result<T, E>;

fn parse_role(text: &str) -> Result<Role, String> {
    Role::parse(text).ok_or_else(|| format!("{text:?} is not a role: admin, member or viewer"))
}

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("rabet-server: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<()> {
    // Logs go to stderr, so stdout carries only what commands print (ids, tokens, links).
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    let cli = Cli::parse();
    match cli.command {
        None => serve(cli.serve).await,
        Some(Command::Serve(args)) => serve(args).await,
        Some(Command::Workspace(command)) => workspace(command).await,
        Some(Command::Token(command)) => token(command).await,
        Some(Command::Automation(AutomationCommand::Sweep {
            automation,
            delivery,
            database,
        })) => {
            let delivery = delivery.delivery()?;
            let storage = database.open().await?;
            let mut sweeper = automation::Sweeper::default();
            let done =
                sweep_and_deliver(&mut sweeper, &storage, &delivery, &automation.zone()).await;
            storage.close().await;
            let (swept, delivered) = done?;
            for swept in swept {
                println!(
                    "{}: {} rules fired, {} ops written, {} actions failed",
                    swept.workspace, swept.runs, swept.ops, swept.failed
                );
            }
            println!(
                "messages: {} sent, {} to retry, {} given up, {} over quota",
                delivered.sent, delivered.retrying, delivered.dead, delivered.postponed
            );
            Ok(())
        }
        Some(Command::Trim { trim, database }) => {
            let storage = database.open().await?;
            for trimmed in storage.trim(trim.policy(), now_ms()).await? {
                println!(
                    "{}: {} ops removed, none left at or below {}",
                    trimmed.workspace, trimmed.removed, trimmed.through
                );
            }
            storage.close().await;
            Ok(())
        }
    }
}

/// How often `serve` trims the op log.
const TRIM_EVERY: Duration = Duration::from_secs(60 * 60);

/// Trims the op log every [`TRIM_EVERY`] while the server runs; a failure is logged and
/// tried again next time.
async fn trim_now_and_then(storage: Arc<SqlStorage>, policy: TrimPolicy) {
    let mut every = tokio::time::interval(TRIM_EVERY);
    loop {
        every.tick().await;
        if let Err(error) = storage.trim(policy, now_ms()).await {
            tracing::error!(%error, "trimming the op log failed");
        }
    }
}

/// Prepares the snapshots of workspaces that are due (see `rabet_server::prepared`), one
/// after another, `every` while the server runs; a failure is logged and tried again next
/// time.
async fn prepare_now_and_then(
    storage: Arc<SqlStorage>,
    prepared: Arc<PreparedSnapshots>,
    every: Duration,
) {
    let mut every = tokio::time::interval(every);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        let workspaces = match storage.workspace_ids().await {
            Ok(workspaces) => workspaces,
            Err(error) => {
                tracing::error!(%error, "listing the workspaces to prepare failed");
                continue;
            }
        };
        for workspace in workspaces {
            let due = match storage.latest(&workspace).await {
                Ok(latest) => prepared.due(&workspace, latest),
                Err(error) => {
                    tracing::error!(%error, workspace, "reading a workspace's cursor failed");
                    continue;
                }
            };
            if !due {
                continue;
            }
            let started = std::time::Instant::now();
            match prepared.prepare(storage.as_ref(), &workspace).await {
                Ok(made) if made.kept => tracing::info!(
                    workspace,
                    cursor = made.cursor,
                    pages = made.pages,
                    json_bytes = made.json_bytes,
                    kept_bytes = made.kept_bytes,
                    seconds = started.elapsed().as_secs_f64(),
                    dropped = ?made.dropped,
                    "snapshot prepared"
                ),
                Ok(made) => tracing::warn!(
                    workspace,
                    kept_bytes = made.kept_bytes,
                    "a prepared snapshot was larger than --prepared-snapshots-mb: not kept"
                ),
                Err(error) => {
                    tracing::error!(%error, workspace, "preparing a snapshot failed")
                }
            }
        }
    }
}

/// Fires due automation rules, then sends the messages due.
async fn sweep_and_deliver(
    sweeper: &mut automation::Sweeper,
    storage: &SqlStorage,
    delivery: &Delivery,
    zone: &Zone,
) -> Result<(Vec<automation::Swept>, Delivered), automation::AutomationError> {
    let swept = sweeper.sweep(storage, delivery, now_ms(), zone).await?;
    let delivered = deliver(storage, delivery, now_ms()).await?;
    Ok((swept, delivered))
}

/// Fires due automation rules and sends messages every `every` while the server runs; a
/// failed round is logged and tried again next time.
async fn sweep_now_and_then(
    storage: Arc<SqlStorage>,
    delivery: Delivery,
    every: Duration,
    zone: Zone,
) {
    let mut every = tokio::time::interval(every);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    // Holds the workspaces' records from one sweep to the next.
    let mut sweeper = automation::Sweeper::default();
    loop {
        every.tick().await;
        if let Err(error) = sweep_and_deliver(&mut sweeper, &storage, &delivery, &zone).await {
            tracing::error!(%error, "the automation sweep failed");
        }
    }
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_millis() as i64)
}

async fn serve(args: ServeArgs) -> Result<()> {
    if !args.dist.join("index.html").is_file() {
        return Err(format!(
            "{} has no index.html: build the app first (see README)",
            args.dist.display()
        )
        .into());
    }
    if !(args.rate_limit > 0.0 && args.rate_burst >= 1.0) {
        return Err("--rate-limit must be above 0 and --rate-burst at least 1".into());
    }
    let cors_origins = args
        .cors_origins
        .iter()
        .map(|origin| HeaderValue::from_str(origin.trim_end_matches('/')))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| "a --cors-origin is not a valid header value")?;
    if args.header_timeout == 0
        || args.request_timeout == 0
        || args.max_connections == 0
        || args.max_connections_per_ip == 0
    {
        return Err("timeouts and connection caps must be above 0".into());
    }
    let mut max_connections = args.max_connections;
    if let Some(allowed) = connections::connections_the_file_limit_allows() {
        if allowed < max_connections {
            tracing::warn!(
                allowed,
                "the open-file limit (ulimit -n) allows only {allowed} connections"
            );
            max_connections = allowed;
        }
    }
    let limits = Limits {
        header_read_timeout: Duration::from_secs(args.header_timeout),
        request_timeout: Duration::from_secs(args.request_timeout),
        max_connections,
        max_connections_per_ip: args.max_connections_per_ip,
        shutdown_grace: Duration::from_secs(args.shutdown_grace),
    };
    let delivery = args.delivery.delivery()?;
    let storage = Arc::new(args.database.open().await?);
    let listener = TcpListener::bind(args.addr).await?;
    let addr = listener.local_addr()?;
    tracing::info!(dist = %args.dist.display(), "serving Rabet on http://{addr}");
    let state = AppState {
        cors_origins,
        rate_limit: RateLimit {
            per_second: args.rate_limit,
            burst: args.rate_burst,
        },
        limits,
        prepared: Arc::new(PreparedSnapshots::within(
            args.prepared_snapshots_mb.saturating_mul(1024 * 1024),
        )),
        ..AppState::new(args.dist, storage.clone())
    };
    let trimming = tokio::spawn(trim_now_and_then(storage.clone(), args.trim.policy()));
    let preparing = (args.prepare_every_seconds > 0).then(|| {
        tokio::spawn(prepare_now_and_then(
            storage.clone(),
            state.prepared.clone(),
            Duration::from_secs(args.prepare_every_seconds),
        ))
    });
    let sweeping = (args.automation.automation_every_seconds > 0).then(|| {
        tokio::spawn(sweep_now_and_then(
            storage.clone(),
            delivery,
            Duration::from_secs(args.automation.automation_every_seconds),
            args.automation.zone(),
        ))
    });
    rabet_server::serve(listener, state, shutdown_signal()).await?;
    trimming.abort();
    if let Some(preparing) = preparing {
        preparing.abort();
    }
    if let Some(sweeping) = sweeping {
        sweeping.abort();
    }
    storage.close().await;
    tracing::info!("stopped");
    Ok(())
}

async fn workspace(command: WorkspaceCommand) -> Result<()> {
    let WorkspaceCommand::Create { name, database } = command;
    let storage = database.open().await?;
    let id = admin::create_workspace(&storage, &name).await?;
    println!("{id}");
    storage.close().await;
    Ok(())
}

async fn token(command: TokenCommand) -> Result<()> {
    match command {
        TokenCommand::Issue {
            workspace,
            member,
            role,
            app_url,
            server_url,
            database,
        } => {
            let storage = database.open().await?;
            let issued = admin::issue_token_as(&storage, &workspace, &member, role, false).await?;
            storage.close().await;
            println!("{}", issued.token);
            if let Some(app_url) = app_url {
                let server_url = server_url.as_deref().unwrap_or(&app_url);
                println!(
                    "{}",
                    admin::invite_link(&app_url, server_url, &issued.token)
                );
            }
            eprintln!(
                "Token {} issued to {member} ({}, member id {}); it is shown only once.",
                issued.id,
                issued.member.role.as_str(),
                issued.member.id
            );
        }
        TokenCommand::Role {
            token_or_id,
            role,
            database,
        } => {
            let storage = database.open().await?;
            let member = admin::change_role(&storage, &token_or_id, role).await?;
            storage.close().await;
            println!("{}\t{}\t{}", member.id, member.role.as_str(), member.name);
        }
        TokenCommand::Revoke {
            token_or_id,
            database,
        } => {
            let storage = database.open().await?;
            let id = admin::revoke_token(&storage, &token_or_id).await?;
            storage.close().await;
            println!("revoked {id}");
        }
        TokenCommand::List {
            workspace,
            database,
        } => {
            let storage = database.open().await?;
            let tokens = storage.tokens_of(&workspace).await?;
            let members = storage.members_of(&workspace).await?;
            storage.close().await;
            for token in tokens {
                let state = if token.revoked_at_ms.is_some() {
                    "revoked"
                } else {
                    "active"
                };
                let role = members
                    .iter()
                    .find(|member| member.id == token.member_id)
                    .map_or("?", |member| member.role.as_str());
                println!(
                    "{}\t{state}\t{}\t{role}\t{}",
                    token_id(&token.hash),
                    token.member,
                    token.member_id
                );
            }
        }
    }
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
