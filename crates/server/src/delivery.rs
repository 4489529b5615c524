//! Sending the messages automation rules ask for: e-mail over SMTP and SMS through an HTTP
//! gateway, as the operator configures them ([`Delivery`]).
//!
//! The sweep queues each message of a run it fires in the `outbox` table (keyed by the run's
//! derived id and the action's position, so nothing is queued twice); [`deliver`] sends what
//! is due, within each workspace's quota for the last 24 hours, and never to a contact
//! marked do-not-contact (checked again at sending). A failure is tried again after a
//! back-off that doubles each time; after the last attempt the message is dead (a dead
//! letter an admin lists, `GET /api/v1/admin/dead-letters`, with those waiting after a
//! failure or for the quota and when they are tried again). Why is kept as a stable code
//! (`DeadLetterReason`) beside the words, so the app words it without reading English.
//! Each message's end, sent or not, is written into its run's outcome, so the rule's log
//! in the app says what became of it, in words.

use crate::automation::{load_record, AutomationError, Writer, SYSTEM_AUTHOR};
use crate::storage::{SqlStorage, Storage, StorageError};
use crate::webhook_targets::{WebhookError, WebhookTargets};
use lettre::{
    message::{header::ContentTransferEncoding, Body, Mailbox},
    transport::smtp::authentication::Credentials,
    AsyncSmtpTransport, AsyncTransport, Tokio1Executor,
};
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use rabet_domain::{
    automation::{fill_placeholders, Message},
    id::Id,
    kind::EntityKind,
    model::{RunOutcome, RunResult, SendVia},
    sync::{DeadLetter, DeadLetterReason, LetterState},
};
use serde_json::Value;
use sqlx::{Any, Executor, Row};
use std::time::Duration;

const DAY_MS: i64 = 24 * 60 * 60 * 1000;
/// Messages tried per delivery round.
const ROUND: i64 = 200;
/// How long one sending may take.
const SEND_TIMEOUT: Duration = Duration::from_secs(30);

/// How the server sends automated messages; a channel left `None` is not sent by the server
/// (its messages are prepared for a person to open, as on a device without a server).
#[derive(Clone, Debug)]
pub struct Delivery {
    pub email: Option<Smtp>,
    pub sms: Option<SmsGateway>,
    /// Messages a workspace may send in any 24 hours; more wait.
    pub daily_quota: u32,
    /// Tries before a message is dead.
    pub max_attempts: u32,
    /// The wait after the first failure; it doubles after each further one.
    pub first_retry: Duration,
    /// What webhooks may call besides public addresses.
    pub webhook_targets: WebhookTargets,
}

impl Default for Delivery {
    fn default() -> Self {
        Delivery {
            email: None,
            sms: None,
            daily_quota: 500,
            max_attempts: 5,
            first_retry: Duration::from_secs(60),
            webhook_targets: WebhookTargets::default(),
        }
    }
}

impl Delivery {
    /// Whether the server sends messages by `via`.
    pub fn sends(&self, via: SendVia) -> bool {
        match via {
            SendVia::Email => self.email.is_some(),
            SendVia::Sms => self.sms.is_some(),
        }
    }

    /// The wait after the `attempts`-th failure.
    fn back_off(&self, attempts: u32) -> i64 {
        let first = i64::try_from(self.first_retry.as_millis()).unwrap_or(i64::MAX);
        first.saturating_mul(1 << attempts.saturating_sub(1).min(20))
    }
}

/// How the connection to the SMTP server is secured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SmtpTls {
    /// Plain text: only for a relay on the same machine or network.
    None,
    /// Upgraded with STARTTLS (usually port 587).
    StartTls,
    /// TLS from the start (usually port 465).
    Tls,
}

/// An SMTP server to send e-mail through.
#[derive(Clone, Debug)]
pub struct Smtp {
    pub host: String,
    pub port: u16,
    pub tls: SmtpTls,
    /// User name and password, when the server asks for them.
    pub credentials: Option<(String, String)>,
    /// The sender, e.g. `Rabet <crm@example.com>`.
    pub from: String,
}

/// An SMS gateway reached over HTTP: enough for Iranian panels (Kavenegar, …) and
/// Twilio-style APIs. The URL, header values and body are templates: `{to}` and `{text}`
/// as they are, `{to_url}` and `{text_url}` percent-encoded (for query strings and form
/// bodies), `{to_json}` and `{text_json}` as JSON strings, quotes included.
#[derive(Clone, Debug)]
pub struct SmsGateway {
    pub url: String,
    pub method: reqwest::Method,
    /// `(name, value)`; e.g. an `Authorization` header holding the token.
    pub headers: Vec<(String, String)>,
    /// Empty for none (a gateway taking everything in the URL).
    pub body: String,
    /// Text the gateway's answer must contain for a success (besides a 2xx status); empty
    /// when the status alone tells.
    pub success: String,
}

/// What one delivery round did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Delivered {
    pub sent: usize,
    /// Failed and waiting to be tried again.
    pub retrying: usize,
    /// Given up: dead letters, and messages to contacts marked do-not-contact.
    pub dead: usize,
    /// Over their workspace's quota, waiting.
    pub postponed: usize,
}

/// Why one attempt at sending failed: its stable code and the words for the log.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Failure {
    reason: DeadLetterReason,
    words: String,
}

impl Failure {
    fn new(reason: DeadLetterReason, words: impl Into<String>) -> Failure {
        Failure {
            reason,
            words: words.into(),
        }
    }
}

impl From<WebhookError> for Failure {
    fn from(error: WebhookError) -> Failure {
        let reason = match error {
            WebhookError::Refused(_) => DeadLetterReason::WebhookRefused,
            WebhookError::Unreachable(_) | WebhookError::Answered(_) => {
                DeadLetterReason::WebhookFailed
            }
        };
        Failure::new(reason, error.to_string())
    }
}

/// What the `via` column holds for a webhook (a message holds its [`SendVia`]).
const WEBHOOK: &str = "webhook";

/// Something an action of a run asks the server to send.
#[derive(Clone, Debug, PartialEq)]
pub enum Outgoing {
    /// A message to a contact, by e-mail or SMS.
    Message(Message),
    /// A webhook: the JSON `payload` posted to `url`.
    Webhook { url: String, payload: Value },
}

/// Queues what an action of a run asks to send; one already queued stays as it is, so a run
/// seen twice (fired by the server and pushed by a device) sends once.
pub(crate) async fn enqueue<'c>(
    executor: impl Executor<'c, Database = Any>,
    workspace: &str,
    run: &Id,
    action: usize,
    outgoing: &Outgoing,
    now: i64,
) -> Result<(), StorageError> {
    let (via, recipient, contact, subject, body) = match outgoing {
        Outgoing::Message(message) => (
            message.via.as_str(),
            message.to.as_str(),
            message.contact_id.to_string(),
            message.subject.as_str(),
            message.body.clone(),
        ),
        Outgoing::Webhook { url, payload } => (
            WEBHOOK,
            url.as_str(),
            String::new(),
            "",
            payload.to_string(),
        ),
    };
    sqlx::query(
        "INSERT INTO outbox (workspace, run, action, via, recipient, contact, subject, body, \
         state, attempts, next_at, error, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'queued', 0, $9, '', $9) \
         ON CONFLICT (workspace, run, action) DO NOTHING",
    )
    .bind(workspace)
    .bind(run.to_string())
    .bind(i64::try_from(action).unwrap_or(i64::MAX))
    .bind(via)
    .bind(recipient)
    .bind(contact)
    .bind(subject)
    .bind(body)
    .bind(now)
    .execute(executor)
    .await?;
    Ok(())
}

/// How a queued row is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Channel {
    Message(SendVia),
    Webhook,
}

/// A queued row as read back: for a webhook, `message.to` is its URL and `message.body`
/// its JSON.
struct Queued {
    workspace: String,
    run: String,
    action: i64,
    channel: Channel,
    message: Message,
    attempts: i64,
}

/// Sends the messages due at `now` (ms), within quotas, and records each one's end.
pub async fn deliver(
    storage: &SqlStorage,
    delivery: &Delivery,
    now: i64,
) -> Result<Delivered, AutomationError> {
    let pool = storage.pool();
    let rows = sqlx::query(
        "SELECT workspace, run, action, via, recipient, contact, subject, body, attempts \
         FROM outbox WHERE state = 'queued' AND next_at <= $1 ORDER BY next_at LIMIT $2",
    )
    .bind(now)
    .bind(ROUND)
    .fetch_all(pool)
    .await
    .map_err(StorageError::from)?;
    let mut due = Vec::with_capacity(rows.len());
    for row in rows {
        let via: String = row.try_get("via").map_err(StorageError::from)?;
        let channel = match via.as_str() {
            WEBHOOK => Channel::Webhook,
            via => Channel::Message(SendVia::parse(via).unwrap_or_default()),
        };
        let via = match channel {
            Channel::Message(via) => via,
            Channel::Webhook => SendVia::default(),
        };
        let contact: String = row.try_get("contact").map_err(StorageError::from)?;
        due.push(Queued {
            workspace: row.try_get("workspace").map_err(StorageError::from)?,
            run: row.try_get("run").map_err(StorageError::from)?,
            action: row.try_get("action").map_err(StorageError::from)?,
            channel,
            message: Message {
                via,
                to: row.try_get("recipient").map_err(StorageError::from)?,
                contact_id: Id::from_string(contact),
                subject: row.try_get("subject").map_err(StorageError::from)?,
                body: row.try_get("body").map_err(StorageError::from)?,
            },
            attempts: row.try_get("attempts").map_err(StorageError::from)?,
        });
    }
    let mut delivered = Delivered::default();
    if due.is_empty() {
        return Ok(delivered);
    }
    let mailer = delivery.email.as_ref().map(mailer).transpose()?;
    let client = reqwest::Client::builder()
        .timeout(SEND_TIMEOUT)
        .build()
        .map_err(|error| AutomationError::Setup(error.to_string()))?;
    let hooks = &delivery.webhook_targets;
    let hook_client = hooks
        .client(SEND_TIMEOUT)
        .map_err(|error| AutomationError::Setup(error.to_string()))?;
    let mut writer = Writer::new(now)?;
    for queued in due {
        let Channel::Message(via) = queued.channel else {
            let sent = match send_webhook(hooks, &hook_client, &queued.message).await {
                // Refused for good: trying again would be refused again.
                Err(WebhookError::Refused(refused)) => {
                    let ending = Ending {
                        state: "dead",
                        detail: refused.to_string(),
                        reason: DeadLetterReason::WebhookRefused,
                        result: RunResult::Failed,
                        attempts: queued.attempts + 1,
                    };
                    end(storage, &mut writer, &queued, ending).await?;
                    delivered.dead += 1;
                    continue;
                }
                failed => failed.map_err(Failure::from),
            };
            delivered.count(try_end(storage, delivery, &mut writer, &queued, sent, now).await?);
            continue;
        };
        if let Some(free_at) = over_quota(storage, &queued.workspace, delivery, now).await? {
            sqlx::query(
                "UPDATE outbox SET next_at = $4, reason = $5, error = $6 \
                 WHERE workspace = $1 AND run = $2 AND action = $3",
            )
            .bind(&queued.workspace)
            .bind(&queued.run)
            .bind(queued.action)
            .bind(free_at)
            .bind(DeadLetterReason::QuotaReached.as_str())
            .bind(format!(
                "the workspace sent its {} messages of the last 24 hours",
                delivery.daily_quota
            ))
            .execute(pool)
            .await
            .map_err(StorageError::from)?;
            delivered.postponed += 1;
            continue;
        }
        if do_not_contact(storage, &queued).await? {
            let ending = Ending {
                state: "dead",
                detail: "the contact is marked do-not-contact".to_owned(),
                reason: DeadLetterReason::DoNotContact,
                result: RunResult::DoNotContact,
                attempts: queued.attempts,
            };
            end(storage, &mut writer, &queued, ending).await?;
            delivered.dead += 1;
            continue;
        }
        let sent = match via {
            SendVia::Email => match (&mailer, &delivery.email) {
                (Some(mailer), Some(smtp)) => send_email(mailer, smtp, &queued.message).await,
                _ => Err(Failure::new(
                    DeadLetterReason::NotConfigured,
                    "this server sends no e-mail (no SMTP server configured)",
                )),
            },
            SendVia::Sms => match &delivery.sms {
                Some(gateway) => send_sms(&client, gateway, &queued.message).await,
                None => Err(Failure::new(
                    DeadLetterReason::NotConfigured,
                    "this server sends no SMS (no gateway configured)",
                )),
            },
        };
        delivered.count(try_end(storage, delivery, &mut writer, &queued, sent, now).await?);
    }
    Ok(delivered)
}

/// What became of one try.
enum Tried {
    Sent,
    Retrying,
    Dead,
}

impl Delivered {
    fn count(&mut self, tried: Tried) {
        match tried {
            Tried::Sent => self.sent += 1,
            Tried::Retrying => self.retrying += 1,
            Tried::Dead => self.dead += 1,
        }
    }
}

/// Ends a row sent, or one that failed its last attempt; else queues it again after the
/// back-off.
async fn try_end(
    storage: &SqlStorage,
    delivery: &Delivery,
    writer: &mut Writer,
    queued: &Queued,
    sent: Result<(), Failure>,
    now: i64,
) -> Result<Tried, AutomationError> {
    let failure = match sent {
        Ok(()) => {
            let ending = Ending {
                state: "sent",
                detail: queued.message.to.clone(),
                reason: DeadLetterReason::Other,
                result: RunResult::Sent,
                attempts: queued.attempts + 1,
            };
            end(storage, writer, queued, ending).await?;
            return Ok(Tried::Sent);
        }
        Err(failure) => failure,
    };
    let attempts = u32::try_from(queued.attempts + 1).unwrap_or(u32::MAX);
    let Failure { reason, words } = failure;
    tracing::warn!(run = %queued.run, attempts, reason = reason.as_str(), %words, "sending failed");
    if attempts >= delivery.max_attempts {
        let ending = Ending {
            state: "dead",
            detail: format!("gave up after {attempts} attempts: {words}"),
            reason,
            result: RunResult::Failed,
            attempts: i64::from(attempts),
        };
        end(storage, writer, queued, ending).await?;
        return Ok(Tried::Dead);
    }
    sqlx::query(
        "UPDATE outbox SET attempts = $4, next_at = $5, error = $6, reason = $7 \
         WHERE workspace = $1 AND run = $2 AND action = $3",
    )
    .bind(&queued.workspace)
    .bind(&queued.run)
    .bind(queued.action)
    .bind(i64::from(attempts))
    .bind(now.saturating_add(delivery.back_off(attempts)))
    .bind(&words)
    .bind(reason.as_str())
    .execute(storage.pool())
    .await
    .map_err(StorageError::from)?;
    Ok(Tried::Retrying)
}

/// When the workspace may send again, if it has sent its quota in the last 24 hours.
async fn over_quota(
    storage: &SqlStorage,
    workspace: &str,
    delivery: &Delivery,
    now: i64,
) -> Result<Option<i64>, StorageError> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS sent, MIN(sent_at) AS oldest FROM outbox \
         WHERE workspace = $1 AND sent_at > $2 AND via <> 'webhook'",
    )
    .bind(workspace)
    .bind(now - DAY_MS)
    .fetch_one(storage.pool())
    .await?;
    let sent: i64 = row.try_get("sent")?;
    let oldest: Option<i64> = row.try_get("oldest")?;
    Ok((sent >= i64::from(delivery.daily_quota)).then(|| oldest.unwrap_or(now) + DAY_MS))
}

/// Whether the message's contact is marked do-not-contact now.
async fn do_not_contact(storage: &SqlStorage, queued: &Queued) -> Result<bool, AutomationError> {
    let contact = load_record(
        storage,
        &queued.workspace,
        EntityKind::Contact,
        &queued.message.contact_id.to_string(),
    )
    .await?;
    Ok(contact
        .fields()
        .get("do_not_contact")
        .is_some_and(|state| state.value == Value::Bool(true)))
}

/// How a message ends: `state` sent or dead, with `detail` (the address, or why not), why
/// as a code (any for one sent), the run's `result` for it, and the attempts made.
struct Ending {
    state: &'static str,
    detail: String,
    reason: DeadLetterReason,
    result: RunResult,
    attempts: i64,
}

/// Ends a message and writes what became of it into its run's outcome.
async fn end(
    storage: &SqlStorage,
    writer: &mut Writer,
    queued: &Queued,
    ending: Ending,
) -> Result<(), AutomationError> {
    let sent = ending.state == "sent";
    sqlx::query(
        "UPDATE outbox SET state = $4, error = $5, sent_at = $6, attempts = $7, reason = $8 \
         WHERE workspace = $1 AND run = $2 AND action = $3",
    )
    .bind(&queued.workspace)
    .bind(&queued.run)
    .bind(queued.action)
    .bind(ending.state)
    .bind(if sent { "" } else { ending.detail.as_str() })
    .bind(sent.then(|| writer.now()))
    .bind(ending.attempts)
    .bind(if sent { "" } else { ending.reason.as_str() })
    .execute(storage.pool())
    .await
    .map_err(StorageError::from)?;
    let run = load_record(
        storage,
        &queued.workspace,
        EntityKind::AutomationRun,
        &queued.run,
    )
    .await?;
    let Some(outcomes) = run.fields().get("outcomes") else {
        // The run's own push failed; the sweep writes it again, queued, and the message
        // stays sent: the outbox row is not queued again.
        return Ok(());
    };
    let mut outcomes: Vec<RunOutcome> =
        serde_json::from_value(outcomes.value.clone()).unwrap_or_default();
    let Some(outcome) = outcomes
        .iter_mut()
        .find(|outcome| i64::from(outcome.action) == queued.action)
    else {
        return Ok(());
    };
    outcome.result = ending.result;
    outcome.detail = ending.detail;
    let value = serde_json::to_value(&outcomes).expect("outcomes always serialize");
    let ops = writer.write_field(
        EntityKind::AutomationRun,
        &Id::from_string(&queued.run),
        &run,
        "outcomes",
        value,
    )?;
    storage
        .push(&queued.workspace, SYSTEM_AUTHOR, &ops, false)
        .await?;
    Ok(())
}

fn mailer(smtp: &Smtp) -> Result<AsyncSmtpTransport<Tokio1Executor>, AutomationError> {
    let setup = |error: lettre::transport::smtp::Error| AutomationError::Setup(error.to_string());
    let builder = match smtp.tls {
        SmtpTls::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&smtp.host),
        SmtpTls::StartTls => {
            AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&smtp.host).map_err(setup)?
        }
        SmtpTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&smtp.host).map_err(setup)?,
    };
    let builder = builder.port(smtp.port).timeout(Some(SEND_TIMEOUT));
    let builder = match &smtp.credentials {
        Some((user, password)) => {
            builder.credentials(Credentials::new(user.clone(), password.clone()))
        }
        None => builder,
    };
    Ok(builder.build())
}

async fn send_email(
    mailer: &AsyncSmtpTransport<Tokio1Executor>,
    smtp: &Smtp,
    message: &Message,
) -> Result<(), Failure> {
    let from: Mailbox = smtp.from.parse().map_err(|error| {
        Failure::new(
            DeadLetterReason::BadAddress,
            format!("the sender {:?} is not an address: {error}", smtp.from),
        )
    })?;
    let to: Mailbox = message.to.parse().map_err(|error| {
        Failure::new(
            DeadLetterReason::BadAddress,
            format!("{:?} is not an e-mail address: {error}", message.to),
        )
    })?;
    // Base64 keeps Persian text intact through every relay.
    let body = Body::new_with_encoding(message.body.clone(), ContentTransferEncoding::Base64)
        .map_err(|_| Failure::new(DeadLetterReason::Other, "the message cannot be encoded"))?;
    let mail = lettre::Message::builder()
        .from(from)
        .to(to)
        .subject(&message.subject)
        .header(lettre::message::header::ContentType::TEXT_PLAIN)
        .body(body)
        .map_err(|error| {
            Failure::new(
                DeadLetterReason::Other,
                format!("the e-mail cannot be built: {error}"),
            )
        })?;
    mailer.send(mail).await.map(drop).map_err(|error| {
        Failure::new(
            DeadLetterReason::SmtpRefused,
            format!("the SMTP server refused it: {error}"),
        )
    })
}

async fn send_sms(
    client: &reqwest::Client,
    gateway: &SmsGateway,
    message: &Message,
) -> Result<(), Failure> {
    let json = |text: &str| Value::String(text.to_owned()).to_string();
    let url = |text: &str| utf8_percent_encode(text, NON_ALPHANUMERIC).to_string();
    let values = [
        ("to", message.to.clone()),
        ("text", message.body.clone()),
        ("to_url", url(&message.to)),
        ("text_url", url(&message.body)),
        ("to_json", json(&message.to)),
        ("text_json", json(&message.body)),
    ]
    .map(|(name, value)| (name.to_owned(), value));
    let fill = |template: &str| fill_placeholders(template, &values);
    let mut request = client.request(gateway.method.clone(), fill(&gateway.url));
    for (name, value) in &gateway.headers {
        request = request.header(name.as_str(), fill(value));
    }
    if !gateway.body.is_empty() {
        request = request.body(fill(&gateway.body));
    }
    let response = request.send().await.map_err(|error| {
        Failure::new(
            DeadLetterReason::GatewayUnreachable,
            format!("the SMS gateway could not be reached: {error}"),
        )
    })?;
    let status = response.status();
    let answer = response.text().await.unwrap_or_default();
    let answer: String = answer.chars().take(200).collect();
    if !status.is_success() {
        return Err(Failure::new(
            DeadLetterReason::GatewayError,
            format!("the SMS gateway answered {status}: {answer}"),
        ));
    }
    if !gateway.success.is_empty() && !answer.contains(&gateway.success) {
        return Err(Failure::new(
            DeadLetterReason::GatewayError,
            format!(
                "the SMS gateway's answer lacks {:?}: {answer}",
                gateway.success
            ),
        ));
    }
    Ok(())
}

/// Posts a webhook's JSON (the message's body, to its URL); any 2xx answer is a success.
async fn send_webhook(
    targets: &WebhookTargets,
    client: &reqwest::Client,
    hook: &Message,
) -> Result<(), WebhookError> {
    let response = targets.post(client, &hook.to, &hook.body).await?;
    let status = response.status();
    if status.is_success() {
        return Ok(());
    }
    let answer: String = response
        .text()
        .await
        .unwrap_or_default()
        .chars()
        .take(200)
        .collect();
    Err(WebhookError::Answered(format!("{status}: {answer}")))
}

/// A workspace's messages not sent: those given up on, and those waiting after a failure or
/// for the quota (a queued row with a reason), newest first.
pub(crate) async fn dead_letters<'c>(
    executor: impl Executor<'c, Database = Any>,
    workspace: &str,
) -> Result<Vec<DeadLetter>, StorageError> {
    let rows = sqlx::query(
        "SELECT run, action, via, recipient, error, attempts, state, reason, next_at \
         FROM outbox WHERE workspace = $1 \
         AND (state = 'dead' OR (state = 'queued' AND reason <> '')) \
         ORDER BY created_at DESC, run, action",
    )
    .bind(workspace)
    .fetch_all(executor)
    .await?;
    rows.iter()
        .map(|row| {
            let action: i64 = row.try_get("action")?;
            let attempts: i64 = row.try_get("attempts")?;
            let state: String = row.try_get("state")?;
            let reason: String = row.try_get("reason")?;
            let waiting = state == "queued";
            let next_at: i64 = row.try_get("next_at")?;
            Ok(DeadLetter {
                run: row.try_get("run")?,
                action: u32::try_from(action).unwrap_or_default(),
                via: row.try_get("via")?,
                recipient: row.try_get("recipient")?,
                reason: DeadLetterReason::parse(&reason),
                state: match waiting {
                    true => LetterState::Postponed,
                    false => LetterState::Dead,
                },
                retry_at: waiting.then_some(next_at),
                error: row.try_get("error")?,
                attempts: u32::try_from(attempts).unwrap_or_default(),
            })
        })
        .collect()
}
