//! Automation on the server, on SQLite and PostgreSQL: the sweep fires a time-based rule
//! with no device open, once however often it runs, and its SMS reaches a gateway (a stub on
//! loopback) in Persian; e-mail goes to an SMTP server (a tiny one on loopback); a failing
//! gateway is tried again with back-off, then the message is a dead letter with its reason
//! in the run's log; quotas hold messages back; a contact marked do-not-contact gets none.
//! A rule a device fires offline and the server fires too ends as one run and one task
//! once both are synced; a device that fired first leaves the server nothing to do; a
//! contact's change re-checks the rules whose criteria read it on the records naming it;
//! what a rule cannot do is logged in its run.

mod common;

use common::{on_every_backend, Backend, TestDatabase};
use rabet_domain::{
    automation::{
        automation_op_id, effect_id, named_contact, notification_id, rechecked_on_contact_change,
        Change, Effect, Firing, PreparedRule,
    },
    calendar::GregorianDate,
    hlc::{Clock, NodeId},
    id::{Id, WireId},
    kind::EntityKind,
    model::{
        Action, Activity, AssigneeRule, AutomationRule, AutomationRun, Comparison, Condition,
        Contact, Email, EmailLabel, Entity, Notification, Phone, PhoneLabel, RunResult,
        SegmentFilter, SendVia, Settings, Task, TeamMember, Trigger,
    },
    op::{Op, OpBuilder},
    replica::Replica,
    sync::{AuthoredOp, DeadLetterReason, LetterState, Role},
    time::{Zone, MS_PER_DAY},
};
use rabet_server::{
    admin,
    automation::{Sweeper, Swept, SYSTEM_AUTHOR},
    delivery::{deliver, Delivered, Delivery, SmsGateway, Smtp, SmtpTls},
    webhook_targets::WebhookTargets,
    SqlStorage, Storage, StoredOp, TrimPolicy,
};
use serde_json::{json, Map, Value};
use std::{
    collections::BTreeMap,
    sync::{Arc, Mutex},
    time::Duration,
};
use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    net::TcpListener,
};

const HOUR: i64 = 3_600_000;
/// 2026-03-01 12:00 UTC.
const NOON: i64 = 1_772_366_400_000;

/// Tehran: UTC+3:30, the server's default.
fn tehran() -> Zone {
    Zone::fixed(7 * HOUR / 2)
}

/// A workspace on one database, its admin's member id, and the server's sweeper, which
/// holds the workspace in memory from one sweep to the next as `serve` does.
struct Workspace {
    storage: Arc<SqlStorage>,
    id: String,
    admin: String,
    sweeper: tokio::sync::Mutex<Sweeper>,
    _database: TestDatabase,
}

impl Workspace {
    async fn new(backend: Backend) -> Option<Workspace> {
        let database = TestDatabase::new(backend).await?;
        let storage = database.open().await;
        let id = admin::create_workspace(&*storage, "Acme").await.unwrap();
        let admin = admin::issue_token_as(&*storage, &id, "Sara", Some(Role::Admin), false)
            .await
            .unwrap()
            .member
            .id;
        Some(Workspace {
            storage,
            id,
            admin,
            sweeper: Default::default(),
            _database: database,
        })
    }

    /// Sweeps every workspace at `now`.
    async fn sweep(&self, delivery: &Delivery, now: i64) -> Vec<Swept> {
        let mut sweeper = self.sweeper.lock().await;
        sweeper
            .sweep(&self.storage, delivery, now, &tehran())
            .await
            .unwrap()
    }

    /// Sweeps this workspace at `now`.
    async fn sweep_workspace(&self, delivery: &Delivery, now: i64) -> Swept {
        let mut sweeper = self.sweeper.lock().await;
        sweeper
            .sweep_workspace(&self.storage, delivery, &self.id, now, &tehran())
            .await
            .unwrap()
    }

    /// Pushes a device's ops as the admin.
    async fn push(&self, ops: &[Op]) {
        let stored: Vec<StoredOp> = ops
            .iter()
            .map(|op| StoredOp::authored(op, &self.admin))
            .collect();
        self.storage
            .push(&self.id, &self.admin, &stored, false)
            .await
            .unwrap();
    }

    /// Every op in the log, with its author.
    async fn log(&self) -> Vec<(Op, Option<String>)> {
        let page = self
            .storage
            .pull(&self.id, 0, 100_000, 1 << 30)
            .await
            .unwrap();
        assert!(!page.more);
        page.ops
            .iter()
            .map(|raw| {
                serde_json::from_str::<AuthoredOp>(raw.get())
                    .unwrap()
                    .into_parts()
            })
            .collect()
    }

    /// The workspace as a device holds it after pulling everything.
    async fn pulled(&self) -> Replica {
        let mut replica = Replica::default();
        for (op, _) in self.log().await {
            replica.apply(&op);
        }
        replica
    }
}

/// A person's device: its clock and op ids.
struct Device {
    clock: Clock,
    number: u8,
    made: u64,
}

impl Device {
    fn new(number: u8) -> Device {
        Device {
            clock: Clock::new(NodeId::from_random([number; 8])),
            number,
            made: 0,
        }
    }

    /// Ops for `next` over `previous` at `wall_ms`; automation's op ids when `automation`.
    fn edit(
        &mut self,
        wall_ms: i64,
        kind: EntityKind,
        id: &Id,
        previous: Option<&Map<String, Value>>,
        next: &Map<String, Value>,
        automation: bool,
    ) -> Vec<Op> {
        let (number, made) = (self.number, &mut self.made);
        let mut new_id = || {
            *made += 1;
            let mut random = [number; 10];
            random[2..].copy_from_slice(&made.to_be_bytes());
            let fresh = WireId::v7(wall_ms as u64, random);
            match automation {
                true => automation_op_id(&fresh),
                false => fresh,
            }
        };
        OpBuilder::new(&mut self.clock, wall_ms as u64, &mut new_id)
            .edit_ops(kind, id, previous, next)
            .unwrap()
    }

    /// What a device writes for a firing at `wall_ms`: the tasks it creates, and its run
    /// with messages prepared for a person.
    fn writes(&mut self, wall_ms: i64, firing: &Firing) -> Vec<Op> {
        let mut ops = Vec::new();
        let mut run = firing.run.clone();
        for (outcome, effect) in run.outcomes.iter_mut().zip(&firing.effects) {
            match effect {
                Effect::CreateTask(task) => ops.extend(self.edit(
                    wall_ms,
                    EntityKind::Task,
                    &task.id,
                    None,
                    &task.to_fields(),
                    true,
                )),
                Effect::Message(_) => outcome.result = RunResult::Prepared,
                _ => {}
            }
        }
        ops.extend(self.edit(
            wall_ms,
            EntityKind::AutomationRun,
            &run.id,
            None,
            &run.to_fields(),
            true,
        ));
        ops
    }

    fn create<E: Entity>(&mut self, wall_ms: i64, record: &E) -> Vec<Op> {
        self.edit(
            wall_ms,
            E::KIND,
            record.id(),
            None,
            &record.to_fields(),
            false,
        )
    }

    /// Ops for `record` changed from `before` to `after` at `wall_ms`.
    fn change<E: Entity>(&mut self, wall_ms: i64, before: &E, after: &E) -> Vec<Op> {
        self.edit(
            wall_ms,
            E::KIND,
            before.id(),
            Some(&before.to_fields()),
            &after.to_fields(),
            false,
        )
    }
}

fn reza() -> Contact {
    Contact {
        id: Id::from_string("contact-1"),
        first_name: "رضا".into(),
        last_name: "کریمی".into(),
        owner_id: Some(Id::from_string("member-1")),
        phones: vec![Phone {
            label: PhoneLabel::Mobile,
            number: "+989121234567".into(),
        }],
        created_at: NOON - 40 * MS_PER_DAY,
        ..Contact::default()
    }
}

fn overdue_sms() -> AutomationRule {
    AutomationRule {
        id: Id::from_string("rule-overdue"),
        name: "Overdue".into(),
        enabled: true,
        enabled_at: NOON - 30 * MS_PER_DAY,
        trigger: Trigger::FieldTime {
            kind: EntityKind::Invoice,
            field: "due_date".into(),
            hours: 24,
        },
        conditions: vec![Condition {
            field: "status".into(),
            comparison: Comparison::IsNoneOf,
            values: vec![json!("paid"), json!("cancelled")],
        }],
        actions: vec![Action::SendMessage {
            via: SendVia::Sms,
            subject: String::new(),
            body: "{first_name} عزیز، فاکتور {number} سررسید گذشته است.".into(),
        }],
        ..AutomationRule::default()
    }
}

fn invoice(id: &str, status: &str) -> Map<String, Value> {
    let due = GregorianDate::new(2026, 2, 27).unwrap().to_day().0;
    Map::from_iter([
        ("number".to_owned(), json!("F-12")),
        ("status".to_owned(), json!(status)),
        ("contact_id".to_owned(), json!("contact-1")),
        ("due_date".to_owned(), json!(due)),
        ("created_at".to_owned(), json!(NOON - 10 * MS_PER_DAY)),
        ("id".to_owned(), json!(id)),
    ])
}

fn live<E: Entity>(replica: &Replica) -> Vec<E> {
    replica
        .live(E::KIND)
        .map(|(id, record)| {
            let mut fields = record.to_map();
            fields.insert("id".into(), json!(id.to_string()));
            E::from_fields(fields).unwrap()
        })
        .collect()
}

/// A request the SMS gateway stub received.
#[derive(Clone, Debug)]
struct Received {
    path_and_query: String,
    authorization: String,
    body: String,
}

/// An SMS gateway on loopback that records each request and answers with `status` and
/// `answer`.
struct Gateway {
    received: Arc<Mutex<Vec<Received>>>,
    base: String,
}

impl Gateway {
    async fn start(status: u16, answer: &'static str) -> Gateway {
        use axum::{extract::Request, http::StatusCode, routing::any, Router};
        let received = Arc::new(Mutex::new(Vec::new()));
        let log = received.clone();
        let router = Router::new().fallback(any(move |request: Request| {
            let log = log.clone();
            async move {
                let path_and_query = request.uri().to_string();
                let authorization = request
                    .headers()
                    .get("authorization")
                    .map(|value| value.to_str().unwrap().to_owned())
                    .unwrap_or_default();
                let bytes = axum::body::to_bytes(request.into_body(), 1 << 20)
                    .await
                    .unwrap();
                log.lock().unwrap().push(Received {
                    path_and_query,
                    authorization,
                    body: String::from_utf8(bytes.to_vec()).unwrap(),
                });
                (StatusCode::from_u16(status).unwrap(), answer)
            }
        }));
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, router).await });
        Gateway { received, base }
    }

    /// Sending SMS through this gateway, as a JSON API with a bearer token.
    fn delivery(&self) -> Delivery {
        Delivery {
            sms: Some(SmsGateway {
                url: format!("{}/sms?receptor={{to_url}}", self.base),
                method: reqwest::Method::POST,
                headers: vec![("Authorization".into(), "Bearer token-1".into())],
                body: r#"{"to": {to_json}, "text": {text_json}}"#.into(),
                success: r#""ok""#.into(),
            }),
            webhook_targets: loopback_allowed(),
            ..Delivery::default()
        }
    }

    fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

/// A workspace with the overdue rule, Reza, and invoices `invoices` (id, status) due
/// 2026-02-27; returns when they are a day overdue.
async fn overdue_invoices(workspace: &Workspace, invoices: &[(&str, &str)]) -> i64 {
    let mut device = Device::new(1);
    let mut ops = device.create(NOON - 40 * MS_PER_DAY, &overdue_sms());
    ops.extend(device.create(NOON - 40 * MS_PER_DAY, &reza()));
    for (id, status) in invoices {
        ops.extend(invoice_made(&mut device, id, status));
    }
    workspace.push(&ops).await;
    // Due 2026-02-27, so overdue a day from 2026-02-28 00:00 in Tehran: 2026-02-27 20:30 UTC.
    NOON - MS_PER_DAY - 15 * HOUR - HOUR / 2
}

/// Ops for invoice `id` (to Reza, due 2026-02-27) made with `status` ten days before noon.
fn invoice_made(device: &mut Device, id: &str, status: &str) -> Vec<Op> {
    device.edit(
        NOON - 10 * MS_PER_DAY,
        EntityKind::Invoice,
        &Id::from_string(id),
        None,
        &invoice(id, status),
        false,
    )
}

/// The sweep, then the delivery, at `now`.
async fn sweep_and_deliver(workspace: &Workspace, delivery: &Delivery, now: i64) -> Delivered {
    workspace.sweep(delivery, now).await;
    deliver(&workspace.storage, delivery, now).await.unwrap()
}

async fn an_overdue_invoice_texts_its_contact_once_with_no_device_open(backend: Backend) {
    let Some(workspace) = Workspace::new(backend).await else {
        return;
    };
    let gateway = Gateway::start(200, r#"{"status": "ok"}"#).await;
    let delivery = gateway.delivery();
    let due = overdue_invoices(
        &workspace,
        &[("invoice-1", "sent"), ("invoice-paid", "paid")],
    )
    .await;
    let early = workspace.sweep_workspace(&delivery, due - 1).await;
    assert_eq!(early.runs, 0, "not due yet");

    let swept = workspace.sweep(&delivery, NOON).await;
    assert_eq!(swept.len(), 1);
    assert_eq!((swept[0].runs, swept[0].failed), (1, 0));
    let queued = workspace.pulled().await;
    let [run] = live::<AutomationRun>(&queued).try_into().unwrap();
    assert_eq!(run.trigger, format!("at:{due}"));
    assert_eq!(run.rule_id, Id::from_string("rule-overdue"));
    assert_eq!(run.record.unwrap().id, Id::from_string("invoice-1"));
    assert_eq!(run.outcomes[0].result, RunResult::Queued);
    assert_eq!(
        run.outcomes[0].body,
        "رضا عزیز، فاکتور F-12 سررسید گذشته است."
    );
    let authors: Vec<Option<String>> = workspace
        .log()
        .await
        .into_iter()
        .filter(|(op, _)| op.entity == EntityKind::AutomationRun)
        .map(|(_, author)| author)
        .collect();
    assert!(!authors.is_empty());
    assert!(authors
        .iter()
        .all(|author| author.as_deref() == Some(SYSTEM_AUTHOR)));

    let delivered = deliver(&workspace.storage, &delivery, NOON).await.unwrap();
    assert_eq!(delivered.sent, 1);
    let [sms] = gateway.received().try_into().unwrap();
    assert_eq!(sms.path_and_query, "/sms?receptor=%2B989121234567");
    assert_eq!(sms.authorization, "Bearer token-1");
    let body: Value = serde_json::from_str(&sms.body).unwrap();
    assert_eq!(
        body,
        json!({"to": "+989121234567", "text": "رضا عزیز، فاکتور F-12 سررسید گذشته است."})
    );
    let [run] = live::<AutomationRun>(&workspace.pulled().await)
        .try_into()
        .unwrap();
    assert_eq!(run.outcomes[0].result, RunResult::Sent);
    assert_eq!(run.outcomes[0].detail, "+989121234567");

    // Once: later sweeps find the run held, and nothing is sent again.
    let logged = workspace.log().await.len();
    let again = sweep_and_deliver(&workspace, &delivery, NOON + HOUR).await;
    assert_eq!(again, Delivered::default());
    assert_eq!(workspace.log().await.len(), logged);
    assert_eq!(gateway.received().len(), 1);
}

/// A workspace that never had a rule is not held in memory; its first rule makes the next
/// sweep hold it and fire what is due at once.
async fn a_workspace_without_rules_is_not_held(backend: Backend) {
    let Some(workspace) = Workspace::new(backend).await else {
        return;
    };
    let mut device = Device::new(1);
    let mut ops = device.create(NOON - 40 * MS_PER_DAY, &reza());
    ops.extend(invoice_made(&mut device, "invoice-1", "sent"));
    workspace.push(&ops).await;
    let none = Delivery::default();
    assert_eq!(workspace.sweep_workspace(&none, NOON).await.runs, 0);
    assert!(!workspace.sweeper.lock().await.holds(&workspace.id));

    workspace.push(&device.create(NOON, &overdue_sms())).await;
    let swept = workspace.sweep_workspace(&none, NOON + HOUR).await;
    assert!(workspace.sweeper.lock().await.holds(&workspace.id));
    assert_eq!(swept.runs, 1, "the overdue invoice, once the rule exists");
}

/// Without a gateway, the server's run leaves the SMS prepared for a person to open.
async fn without_a_gateway_messages_are_prepared(backend: Backend) {
    let Some(workspace) = Workspace::new(backend).await else {
        return;
    };
    overdue_invoices(&workspace, &[("invoice-1", "sent")]).await;
    let delivered = sweep_and_deliver(&workspace, &Delivery::default(), NOON).await;
    assert_eq!(delivered, Delivered::default());
    let [run] = live::<AutomationRun>(&workspace.pulled().await)
        .try_into()
        .unwrap();
    assert_eq!(run.outcomes[0].result, RunResult::Prepared);
    assert_eq!(
        run.outcomes[0].body,
        "رضا عزیز، فاکتور F-12 سررسید گذشته است."
    );
}

async fn a_failing_gateway_is_retried_then_the_message_is_a_dead_letter(backend: Backend) {
    let Some(workspace) = Workspace::new(backend).await else {
        return;
    };
    let gateway = Gateway::start(503, "busy").await;
    let delivery = Delivery {
        max_attempts: 3,
        first_retry: Duration::from_secs(60),
        ..gateway.delivery()
    };
    overdue_invoices(&workspace, &[("invoice-1", "sent")]).await;
    let first = sweep_and_deliver(&workspace, &delivery, NOON).await;
    assert_eq!((first.retrying, first.dead), (1, 0));
    // Listed as waiting, with its reason as a code and when it is tried again.
    let [waiting] = workspace
        .storage
        .dead_letters(&workspace.id)
        .await
        .unwrap()
        .try_into()
        .unwrap();
    assert_eq!(
        (waiting.state, waiting.reason, waiting.retry_at),
        (
            LetterState::Postponed,
            DeadLetterReason::GatewayError,
            Some(NOON + 60_000)
        )
    );
    // Not before the back-off: a minute, then two.
    let waiting = deliver(&workspace.storage, &delivery, NOON + 59_000)
        .await
        .unwrap();
    assert_eq!(waiting, Delivered::default());
    let second = deliver(&workspace.storage, &delivery, NOON + 60_000)
        .await
        .unwrap();
    assert_eq!(second.retrying, 1);
    let early = deliver(&workspace.storage, &delivery, NOON + 179_000)
        .await
        .unwrap();
    assert_eq!(early, Delivered::default());
    let third = deliver(&workspace.storage, &delivery, NOON + 180_000)
        .await
        .unwrap();
    assert_eq!((third.retrying, third.dead), (0, 1));
    assert_eq!(gateway.received().len(), 3);

    let [letter] = workspace
        .storage
        .dead_letters(&workspace.id)
        .await
        .unwrap()
        .try_into()
        .unwrap();
    assert_eq!(
        (letter.via.as_str(), letter.recipient.as_str()),
        ("sms", "+989121234567")
    );
    assert_eq!(letter.attempts, 3);
    assert_eq!(
        (letter.state, letter.reason, letter.retry_at),
        (LetterState::Dead, DeadLetterReason::GatewayError, None)
    );
    assert!(letter.error.contains("503"), "{}", letter.error);
    let [run] = live::<AutomationRun>(&workspace.pulled().await)
        .try_into()
        .unwrap();
    assert_eq!(run.id.to_string(), letter.run);
    assert_eq!(run.outcomes[0].result, RunResult::Failed);
    assert!(
        run.outcomes[0]
            .detail
            .starts_with("gave up after 3 attempts"),
        "{}",
        run.outcomes[0].detail
    );
    let later = deliver(&workspace.storage, &delivery, NOON + 10 * MS_PER_DAY)
        .await
        .unwrap();
    assert_eq!(later, Delivered::default());
}

/// A workspace sends no more than its quota in 24 hours; a contact marked do-not-contact
/// after the message was queued gets none.
async fn quotas_and_do_not_contact_hold_messages_back(backend: Backend) {
    let Some(workspace) = Workspace::new(backend).await else {
        return;
    };
    let gateway = Gateway::start(200, r#"{"status": "ok"}"#).await;
    let delivery = Delivery {
        daily_quota: 1,
        ..gateway.delivery()
    };
    overdue_invoices(&workspace, &[("invoice-1", "sent"), ("invoice-2", "sent")]).await;
    let first = sweep_and_deliver(&workspace, &delivery, NOON).await;
    assert_eq!((first.sent, first.postponed), (1, 1));
    let still = deliver(&workspace.storage, &delivery, NOON + HOUR)
        .await
        .unwrap();
    assert_eq!(
        still,
        Delivered::default(),
        "waits for the quota, not retried"
    );
    // The admin's list says it waits for the quota, and until when: a day after the one sent.
    let [postponed] = workspace
        .storage
        .dead_letters(&workspace.id)
        .await
        .unwrap()
        .try_into()
        .unwrap();
    assert_eq!(
        (postponed.state, postponed.reason, postponed.retry_at),
        (
            LetterState::Postponed,
            DeadLetterReason::QuotaReached,
            Some(NOON + MS_PER_DAY)
        )
    );
    assert_eq!(postponed.attempts, 0);
    // Reza unsubscribes before the quota frees.
    let mut device = Device::new(3);
    let unsubscribed = Contact {
        do_not_contact: true,
        ..reza()
    };
    workspace
        .push(&device.change(NOON + 2 * HOUR, &reza(), &unsubscribed))
        .await;
    let next_day = deliver(&workspace.storage, &delivery, NOON + MS_PER_DAY)
        .await
        .unwrap();
    assert_eq!((next_day.sent, next_day.dead), (0, 1));
    assert_eq!(gateway.received().len(), 1);
    let [withheld] = workspace
        .storage
        .dead_letters(&workspace.id)
        .await
        .unwrap()
        .try_into()
        .unwrap();
    assert_eq!(
        (withheld.state, withheld.reason, withheld.retry_at),
        (LetterState::Dead, DeadLetterReason::DoNotContact, None)
    );
    let runs = live::<AutomationRun>(&workspace.pulled().await);
    let mut results: Vec<RunResult> = runs.iter().map(|run| run.outcomes[0].result).collect();
    results.sort_by_key(|result| result.as_str());
    assert_eq!(results, [RunResult::DoNotContact, RunResult::Sent]);
}

/// What the SMTP server on loopback received: each message's DATA.
struct MailServer {
    port: u16,
    mails: Arc<Mutex<Vec<String>>>,
}

impl MailServer {
    /// Speaks just enough SMTP (no TLS, no authentication) for one client at a time.
    async fn start() -> MailServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let mails = Arc::new(Mutex::new(Vec::new()));
        let kept = mails.clone();
        tokio::spawn(async move {
            loop {
                let (stream, _) = listener.accept().await.unwrap();
                let (read, mut write) = stream.into_split();
                let mut lines = BufReader::new(read).lines();
                write.write_all(b"220 localhost ESMTP\r\n").await.unwrap();
                while let Ok(Some(line)) = lines.next_line().await {
                    let command = line.to_ascii_uppercase();
                    let answer: &[u8] = if command.starts_with("EHLO") {
                        b"250-localhost\r\n250 8BITMIME\r\n"
                    } else if command.starts_with("DATA") {
                        write.write_all(b"354 go on\r\n").await.unwrap();
                        let mut data = String::new();
                        while let Ok(Some(line)) = lines.next_line().await {
                            if line == "." {
                                break;
                            }
                            data.push_str(&line);
                            data.push('\n');
                        }
                        kept.lock().unwrap().push(data);
                        b"250 queued\r\n"
                    } else if command.starts_with("QUIT") {
                        write.write_all(b"221 bye\r\n").await.unwrap();
                        break;
                    } else {
                        b"250 ok\r\n"
                    };
                    write.write_all(answer).await.unwrap();
                }
            }
        });
        MailServer { port, mails }
    }
}

async fn e_mail_goes_out_over_smtp_in_persian(backend: Backend) {
    use base64::Engine;
    let Some(workspace) = Workspace::new(backend).await else {
        return;
    };
    let server = MailServer::start().await;
    let delivery = Delivery {
        email: Some(Smtp {
            host: "127.0.0.1".into(),
            port: server.port,
            tls: SmtpTls::None,
            credentials: None,
            from: "Rabet <crm@example.com>".into(),
        }),
        ..Delivery::default()
    };
    let welcome = AutomationRule {
        id: Id::from_string("rule-welcome"),
        name: "Welcome".into(),
        enabled: true,
        enabled_at: NOON - MS_PER_DAY,
        trigger: Trigger::Created {
            kind: EntityKind::Contact,
        },
        actions: vec![Action::SendMessage {
            via: SendVia::Email,
            subject: "خوش آمدید".into(),
            body: "سلام {first_name}، به ربط خوش آمدید.".into(),
        }],
        ..AutomationRule::default()
    };
    let mut device = Device::new(1);
    let mut ops = device.create(NOON - MS_PER_DAY, &welcome);
    ops.extend(device.create(
        NOON,
        &Contact {
            created_at: NOON,
            emails: vec![Email {
                label: EmailLabel::Work,
                address: "reza@example.com".into(),
            }],
            ..reza()
        },
    ));
    workspace.push(&ops).await;
    let delivered = sweep_and_deliver(&workspace, &delivery, NOON + HOUR).await;
    assert_eq!(delivered.sent, 1, "{delivered:?}");
    let [mail] = server.mails.lock().unwrap().clone().try_into().unwrap();
    assert!(mail.contains("To: reza@example.com"), "{mail}");
    assert!(mail.contains("From: Rabet <crm@example.com>"), "{mail}");
    let (_, body) = mail.split_once("\n\n").unwrap();
    let body: String = body.split_whitespace().collect();
    let body = base64::engine::general_purpose::STANDARD
        .decode(body)
        .unwrap();
    assert_eq!(
        String::from_utf8(body).unwrap(),
        "سلام رضا، به ربط خوش آمدید."
    );
    let [run] = live::<AutomationRun>(&workspace.pulled().await)
        .try_into()
        .unwrap();
    assert_eq!(run.outcomes[0].result, RunResult::Sent);
    assert_eq!(run.outcomes[0].detail, "reza@example.com");
}

fn follow_up_on_won() -> AutomationRule {
    AutomationRule {
        id: Id::from_string("rule-won"),
        name: "Won → follow up".into(),
        enabled: true,
        enabled_at: NOON - MS_PER_DAY,
        trigger: Trigger::FieldChanged {
            kind: EntityKind::Deal,
            field: "status".into(),
            to: Some(json!("won")),
        },
        actions: vec![Action::CreateTask {
            title: "پیگیری {title} با {owner}".into(),
            assignee: AssigneeRule::RecordOwner,
            member_id: None,
            due_in_days: 3,
        }],
        ..AutomationRule::default()
    }
}

fn deal(status: &str) -> Map<String, Value> {
    Map::from_iter([
        ("id".to_owned(), json!("deal-1")),
        ("title".to_owned(), json!("Tiles")),
        ("status".to_owned(), json!(status)),
        ("contact_id".to_owned(), json!("contact-1")),
        ("owner_id".to_owned(), json!("member-1")),
        ("created_at".to_owned(), json!(NOON - 2 * MS_PER_DAY)),
    ])
}

/// A workspace with the won-deal rule, a member and an open deal; device A wins the deal
/// at noon and fires the rule as it does (the domain's `on_change`), its firing's ops
/// returned unpushed beside the win's.
async fn won_on_device(workspace: &Workspace) -> (Vec<Op>, Vec<Op>) {
    let (win, firing, fired) = won_on_device_with(workspace, follow_up_on_won()).await;
    let rabet_domain::automation::Effect::CreateTask(task) = &firing.effects[0] else {
        panic!("{:?}", firing.effects);
    };
    assert_eq!(task.title, "پیگیری Tiles با Sara");
    (win, fired)
}

/// [`won_on_device`] with `rule`: the win's ops, the device's firing and its ops (what
/// it creates, and its run as a device writes it: messages prepared for a person).
async fn won_on_device_with(
    workspace: &Workspace,
    rule: AutomationRule,
) -> (Vec<Op>, Firing, Vec<Op>) {
    let (win, pushed, mut device) = deal_won_on_device(workspace, &rule).await;
    let id = Id::from_string("deal-1");
    let state = admin_state(&[pushed.as_slice(), &win].concat());
    let records = DeviceLookup::of(&state);
    let firing = PreparedRule::new(&rule)
        .on_change(
            &Change {
                kind: EntityKind::Deal,
                id: &id,
                before: Some(&deal("open")),
                after: state.get(EntityKind::Deal, &id).unwrap(),
            },
            &records,
            &tehran(),
        )
        .expect("the device fires");
    let fired = device.writes(NOON + 1, &firing);
    (win, firing, fired)
}

/// The admin pushes `rule`, the contact, a member and an open deal; another device wins
/// the deal at noon, unpushed: the win's ops, what was pushed, and the winning device.
async fn deal_won_on_device(
    workspace: &Workspace,
    rule: &AutomationRule,
) -> (Vec<Op>, Vec<Op>, Device) {
    let mut admin = Device::new(1);
    let mut ops = admin.create(NOON - 2 * MS_PER_DAY, rule);
    ops.extend(admin.create(NOON - 2 * MS_PER_DAY, &reza()));
    ops.extend(admin.create(
        NOON - 2 * MS_PER_DAY,
        &TeamMember {
            id: Id::from_string("member-1"),
            name: "Sara".into(),
            ..TeamMember::default()
        },
    ));
    let id = Id::from_string("deal-1");
    let open = admin.edit(
        NOON - 2 * MS_PER_DAY,
        EntityKind::Deal,
        &id,
        None,
        &deal("open"),
        false,
    );
    ops.extend(open.clone());
    workspace.push(&ops).await;

    let mut device = Device::new(2);
    let win = device.edit(
        NOON,
        EntityKind::Deal,
        &id,
        Some(&deal("open")),
        &deal("won"),
        false,
    );
    (win, ops, device)
}

fn admin_state(ops: &[Op]) -> Replica {
    let mut state = Replica::default();
    state.apply_all(ops);
    state
}

/// What a device looks up, from its records.
struct DeviceLookup {
    contacts: BTreeMap<String, Contact>,
    members: BTreeMap<String, String>,
}

impl DeviceLookup {
    fn of(state: &Replica) -> DeviceLookup {
        DeviceLookup {
            contacts: live::<Contact>(state)
                .into_iter()
                .map(|contact| (contact.id.to_string(), contact))
                .collect(),
            members: live::<TeamMember>(state)
                .into_iter()
                .map(|member| (member.id.to_string(), member.display_name().to_owned()))
                .collect(),
        }
    }
}

impl rabet_domain::automation::Lookup for DeviceLookup {
    fn contact(&self, id: &str) -> Option<&Contact> {
        self.contacts.get(id)
    }
    fn buyer(&self, _: &Contact) -> Option<&rabet_domain::report::segment::BuyerFacts> {
        None
    }
    fn search_text(&self, contact: &Contact) -> String {
        contact.search_text()
    }
    fn last_activity(&self, _: &Id) -> Option<i64> {
        None
    }
    fn member_name(&self, id: &str) -> Option<String> {
        self.members.get(id).cloned()
    }
}

/// Exactly one task, the run's, and one run.
fn assert_one_follow_up(state: &Replica) {
    let [run] = live::<AutomationRun>(state).try_into().unwrap();
    let [task] = live::<Task>(state).try_into().unwrap();
    assert_eq!(task.id, effect_id(&run.id, 0));
    assert_eq!(task.title, "پیگیری Tiles با Sara");
    assert_eq!(task.assignee_id, Some(Id::from_string("member-1")));
    assert_eq!(task.due_at, Some(NOON + 3 * MS_PER_DAY));
    assert_eq!(run.outcomes[0].result, RunResult::Done);
}

async fn a_device_offline_and_the_server_firing_one_rule_make_one_task(backend: Backend) {
    let Some(workspace) = Workspace::new(backend).await else {
        return;
    };
    let (win, fired) = won_on_device(&workspace).await;
    // The win reaches the server; the device's firing is still in its outbox.
    workspace.push(&win).await;
    let swept = workspace
        .sweep_workspace(&Delivery::default(), NOON + HOUR)
        .await;
    assert_eq!(swept.runs, 1, "the server fires what no device pushed yet");
    assert_one_follow_up(&workspace.pulled().await);
    // The device comes back online: its task and run merge into the server's.
    workspace.push(&fired).await;
    assert_one_follow_up(&workspace.pulled().await);
    let again = workspace
        .sweep_workspace(&Delivery::default(), NOON + 2 * HOUR)
        .await;
    assert_eq!(again.runs, 0);
}

async fn a_device_that_fired_first_leaves_the_server_nothing(backend: Backend) {
    let Some(workspace) = Workspace::new(backend).await else {
        return;
    };
    let (win, fired) = won_on_device(&workspace).await;
    workspace.push(&[win, fired].concat()).await;
    let swept = workspace
        .sweep_workspace(&Delivery::default(), NOON + HOUR)
        .await;
    assert_eq!((swept.runs, swept.ops), (0, 0));
    assert_one_follow_up(&workspace.pulled().await);
}

/// A deal won and an invoice gone overdue while their contact was not "wholesale" fire
/// neither rule (both with criteria "tagged wholesale"); once a device tags the contact,
/// the next sweep re-checks the records naming it and fires both, with the run ids a
/// device re-checking derives: the device's own firing pushed after merges into one run
/// and one task, and no later sweep, held or built afresh, fires again.
async fn a_contacts_change_rechecks_rules_on_the_records_naming_it(backend: Backend) {
    let Some(workspace) = Workspace::new(backend).await else {
        return;
    };
    let wholesale = SegmentFilter {
        tags: vec!["wholesale".into()],
        ..SegmentFilter::default()
    };
    let won = AutomationRule {
        criteria: wholesale.clone(),
        ..follow_up_on_won()
    };
    let overdue = AutomationRule {
        criteria: wholesale,
        ..overdue_sms()
    };
    let (win, _, _) = deal_won_on_device(&workspace, &won).await;
    let mut device = Device::new(3);
    let mut ops = win;
    ops.extend(device.create(NOON - MS_PER_DAY, &overdue));
    ops.extend(invoice_made(&mut device, "invoice-1", "sent"));
    workspace.push(&ops).await;
    let none = Delivery::default();
    assert_eq!(
        workspace.sweep_workspace(&none, NOON + HOUR).await.runs,
        0,
        "the contact is not wholesale"
    );

    let tagged = Contact {
        tags: vec!["Wholesale".into()],
        ..reza()
    };
    workspace
        .push(&device.change(NOON + 2 * HOUR, &reza(), &tagged))
        .await;
    // What a device re-checking the records naming the contact fires.
    let state = workspace.pulled().await;
    let lookup = DeviceLookup::of(&state);
    let now = NOON + 3 * HOUR;
    let on_device: Vec<Firing> = [
        (&won, EntityKind::Deal, "deal-1"),
        (&overdue, EntityKind::Invoice, "invoice-1"),
    ]
    .into_iter()
    .map(|(rule, kind, id)| {
        assert!(rechecked_on_contact_change(rule));
        let id = Id::from_string(id);
        let record = state.get(kind, &id).unwrap();
        assert_eq!(named_contact(kind, record), Some("contact-1"));
        let prepared = PreparedRule::new(rule);
        let key = prepared
            .pending_key(kind, &id, record, now, &lookup, &tehran())
            .expect("pending once the contact is wholesale");
        prepared.fire(kind, &id, record, key, &lookup, &tehran())
    })
    .collect();

    let swept = workspace.sweep_workspace(&none, now).await;
    assert_eq!(
        swept.runs, 2,
        "both rules re-checked on the contact's records"
    );
    let mut runs: Vec<String> = live::<AutomationRun>(&workspace.pulled().await)
        .iter()
        .map(|run| run.id.to_string())
        .collect();
    runs.sort();
    let mut expected: Vec<String> = on_device.iter().map(|f| f.run.id.to_string()).collect();
    expected.sort();
    assert_eq!(runs, expected);

    // The device's own firing arrives later: one run each, one task.
    let mut late = Vec::new();
    for firing in &on_device {
        late.extend(device.writes(now + 1, firing));
    }
    workspace.push(&late).await;
    let state = workspace.pulled().await;
    assert_eq!(live::<AutomationRun>(&state).len(), 2);
    assert_eq!(live::<Task>(&state).len(), 1);
    assert_eq!(workspace.sweep_workspace(&none, now + HOUR).await.runs, 0);
    let mut afresh = Sweeper::default();
    let swept = afresh
        .sweep_workspace(
            &workspace.storage,
            &none,
            &workspace.id,
            now + HOUR,
            &tehran(),
        )
        .await
        .unwrap();
    assert_eq!(swept.runs, 0, "a sweep from scratch finds them held");
}

/// A rule setting a field sets it past the person's write; one whose value the field
/// cannot take logs the failure in its run, in words, and writes nothing else.
async fn set_field_actions_win_or_are_logged_as_failed(backend: Backend) {
    let Some(workspace) = Workspace::new(backend).await else {
        return;
    };
    let mut device = Device::new(1);
    let rule = |id: &str, value: Value| AutomationRule {
        id: Id::from_string(id),
        name: id.into(),
        enabled: true,
        enabled_at: NOON - MS_PER_DAY,
        trigger: Trigger::Created {
            kind: EntityKind::Contact,
        },
        actions: vec![Action::SetField {
            field: "lifecycle_stage".into(),
            value,
        }],
        ..AutomationRule::default()
    };
    let mut ops = device.create(NOON - MS_PER_DAY, &rule("rule-customer", json!("customer")));
    ops.extend(device.create(NOON - MS_PER_DAY, &rule("rule-bad", json!(42))));
    ops.extend(device.create(
        NOON,
        &Contact {
            created_at: NOON,
            ..reza()
        },
    ));
    workspace.push(&ops).await;
    let swept = workspace
        .sweep_workspace(&Delivery::default(), NOON + HOUR)
        .await;
    assert_eq!((swept.runs, swept.failed), (2, 1));
    let state = workspace.pulled().await;
    let [contact] = live::<Contact>(&state).try_into().unwrap();
    assert_eq!(contact.lifecycle_stage.as_str(), "customer");
    let runs = live::<AutomationRun>(&state);
    let bad = runs
        .iter()
        .find(|run| run.rule_id == Id::from_string("rule-bad"))
        .unwrap();
    assert_eq!(bad.outcomes[0].result, RunResult::Failed);
    assert!(
        bad.outcomes[0].detail.contains("lifecycle_stage"),
        "{}",
        bad.outcomes[0].detail
    );
}

/// "No activity for 2 days → a task to call", on contacts.
fn quiet_for_two_days() -> AutomationRule {
    AutomationRule {
        id: Id::from_string("rule-quiet"),
        name: "Quiet".into(),
        enabled: true,
        enabled_at: NOON - 30 * MS_PER_DAY,
        trigger: Trigger::NoActivity {
            kind: EntityKind::Contact,
            days: 2,
        },
        actions: vec![Action::CreateTask {
            title: "{first_name} را تماس بگیرید".into(),
            assignee: AssigneeRule::RecordOwner,
            member_id: None,
            due_in_days: 1,
        }],
        ..AutomationRule::default()
    }
}

fn contact_created(id: &str, at: i64) -> Contact {
    Contact {
        id: Id::from_string(id),
        created_at: at,
        ..reza()
    }
}

/// The sweeper holds the workspace from one sweep to the next: what is pushed between
/// (an activity that puts a contact's due moment later, a new contact, the rule switched
/// off) counts at the next sweep as it would for a sweep from scratch.
async fn a_held_workspace_follows_what_is_pushed_between_sweeps(backend: Backend) {
    let Some(workspace) = Workspace::new(backend).await else {
        return;
    };
    let mut device = Device::new(1);
    let rule = quiet_for_two_days();
    let mut ops = device.create(NOON - 3 * MS_PER_DAY, &rule);
    ops.extend(device.create(
        NOON - 3 * MS_PER_DAY,
        &contact_created("contact-early", NOON - 3 * MS_PER_DAY),
    ));
    ops.extend(device.create(
        NOON - MS_PER_DAY,
        &contact_created("contact-late", NOON - MS_PER_DAY),
    ));
    workspace.push(&ops).await;
    let none = Delivery::default();
    let first = workspace.sweep_workspace(&none, NOON).await;
    assert_eq!(first.runs, 1, "the early contact is due a day ago");

    // A call with the late contact: due two days after it, not a day after now.
    let call = Activity {
        id: Id::from_string("activity-1"),
        at: NOON,
        contact_id: Some(Id::from_string("contact-late")),
        ..Activity::default()
    };
    let mut ops = device.create(NOON, &call);
    ops.extend(device.create(NOON + HOUR, &contact_created("contact-new", NOON + HOUR)));
    workspace.push(&ops).await;
    let quiet = workspace
        .sweep_workspace(&none, NOON + MS_PER_DAY + HOUR)
        .await;
    assert_eq!(
        quiet.runs, 0,
        "the call put the late contact's due moment later"
    );
    let due = workspace
        .sweep_workspace(&none, NOON + 2 * MS_PER_DAY + 2 * HOUR)
        .await;
    assert_eq!(due.runs, 2, "the late contact and the one created since");
    let from_scratch = Sweeper::default()
        .sweep_workspace(
            &workspace.storage,
            &none,
            &workspace.id,
            NOON + 2 * MS_PER_DAY + 2 * HOUR,
            &tehran(),
        )
        .await
        .unwrap();
    assert_eq!(from_scratch.runs, 0, "what the held sweeper fired is held");

    // The rule switched off: a contact created now never comes due.
    let off = AutomationRule {
        enabled: false,
        ..rule.clone()
    };
    let at = NOON + 3 * MS_PER_DAY;
    let mut ops = device.change(at, &rule, &off);
    ops.extend(device.create(at, &contact_created("contact-after", at)));
    workspace.push(&ops).await;
    let off = workspace.sweep_workspace(&none, at + 10 * MS_PER_DAY).await;
    assert_eq!(off.runs, 0);
    let state = workspace.pulled().await;
    let mut linked: Vec<String> = live::<Task>(&state)
        .iter()
        .map(|task| task.link.as_ref().unwrap().id.to_string())
        .collect();
    linked.sort();
    assert_eq!(linked, ["contact-early", "contact-late", "contact-new"]);
}

/// Sweeps one workspace with a sweeper whose default zone is UTC.
async fn sweep_in_utc(sweeper: &mut Sweeper, workspace: &Workspace, now: i64) -> Swept {
    sweeper
        .sweep_workspace(
            &workspace.storage,
            &Delivery::default(),
            &workspace.id,
            now,
            &Zone::default(),
        )
        .await
        .unwrap()
}

/// Days are counted in the zone the workspace's settings name, whatever the server's
/// default: "a day overdue" starts at midnight in Tehran, not in UTC; a zone changed in
/// Settings counts from the next sweep.
async fn timed_rules_count_days_in_the_workspace_zone(backend: Backend) {
    let Some(workspace) = Workspace::new(backend).await else {
        return;
    };
    let in_tehran = overdue_invoices(&workspace, &[("invoice-1", "sent")]).await;
    let mut device = Device::new(2);
    let settings = Settings {
        time_zone: Some("Asia/Tehran".into()),
        ..Settings::default()
    };
    workspace
        .push(&device.create(NOON - 40 * MS_PER_DAY, &settings))
        .await;
    let mut sweeper = Sweeper::default();
    let early = sweep_in_utc(&mut sweeper, &workspace, in_tehran - 1).await;
    assert_eq!(early.runs, 0);
    // In UTC it would be overdue only from 2026-02-28 00:00 UTC, three and a half hours on.
    let on_time = sweep_in_utc(&mut sweeper, &workspace, in_tehran + HOUR).await;
    assert_eq!(on_time.runs, 1);
    let [run] = live::<AutomationRun>(&workspace.pulled().await)
        .try_into()
        .unwrap();
    assert_eq!(run.trigger, format!("at:{in_tehran}"));

    // The workspace moves to UTC; an invoice due the same day is overdue at UTC midnight.
    let in_utc = in_tehran + 7 * HOUR / 2;
    let moved = Settings {
        time_zone: Some("UTC".into()),
        ..settings.clone()
    };
    let mut ops = device.change(NOON, &settings, &moved);
    ops.extend(device.edit(
        NOON,
        EntityKind::Invoice,
        &Id::from_string("invoice-2"),
        None,
        &invoice("invoice-2", "sent"),
        false,
    ));
    workspace.push(&ops).await;
    let tehran_midnight = sweep_in_utc(&mut sweeper, &workspace, in_tehran + HOUR).await;
    assert_eq!(tehran_midnight.runs, 0);
    let utc_midnight = sweep_in_utc(&mut sweeper, &workspace, in_utc).await;
    assert_eq!(utc_midnight.runs, 1);
    let runs = live::<AutomationRun>(&workspace.pulled().await);
    assert!(runs.iter().any(|run| run.trigger == format!("at:{in_utc}")));
}

/// "When a deal is won, call a webhook and text the contact."
fn won_calls_a_webhook_and_texts(hook: &str) -> AutomationRule {
    AutomationRule {
        id: Id::from_string("rule-won-hook"),
        name: "Won → webhook".into(),
        actions: vec![
            Action::Webhook {
                url: hook.to_owned(),
            },
            Action::SendMessage {
                via: SendVia::Sms,
                subject: String::new(),
                body: "{first_name} عزیز، از خرید شما سپاسگزاریم.".into(),
            },
        ],
        ..follow_up_on_won()
    }
}

/// What the gateway received at `path`.
fn received_at(gateway: &Gateway, path: &str) -> Vec<Received> {
    gateway
        .received()
        .into_iter()
        .filter(|received| received.path_and_query.starts_with(path))
        .collect()
}

/// The server calls a rule's webhook with the firing as JSON, once however often it
/// sweeps; a webhook that keeps failing is tried with back-off, then a dead letter.
async fn the_server_calls_webhooks_once_and_gives_up_on_failing_ones(backend: Backend) {
    let Some(workspace) = Workspace::new(backend).await else {
        return;
    };
    let gateway = Gateway::start(200, r#"{"status": "ok"}"#).await;
    let delivery = gateway.delivery();
    let rule = won_calls_a_webhook_and_texts(&format!("{}/hook", gateway.base));
    let (win, _, _) = won_on_device_with(&workspace, rule).await;
    workspace.push(&win).await;
    let first = sweep_and_deliver(&workspace, &delivery, NOON + HOUR).await;
    assert_eq!((first.sent, first.dead), (2, 0));
    let again = sweep_and_deliver(&workspace, &delivery, NOON + 2 * HOUR).await;
    assert_eq!(again, Delivered::default());
    let [hook] = received_at(&gateway, "/hook").try_into().unwrap();
    let payload: Value = serde_json::from_str(&hook.body).unwrap();
    let [run] = live::<AutomationRun>(&workspace.pulled().await)
        .try_into()
        .unwrap();
    assert_eq!(
        payload,
        json!({
            "rule": "rule-won-hook",
            "run": run.id.to_string(),
            "kind": "deal",
            "record": "deal-1",
            "trigger": run.trigger,
        })
    );
    assert_eq!(run.outcomes[0].result, RunResult::Sent);
    let [sms] = received_at(&gateway, "/sms").try_into().unwrap();
    assert!(sms.body.contains("رضا عزیز"), "{}", sms.body);

    // A webhook that answers 500: tried three times, then given up, in words.
    let Some(failing) = Workspace::new(backend).await else {
        return;
    };
    let broken = Gateway::start(500, "down").await;
    let delivery = Delivery {
        max_attempts: 3,
        webhook_targets: loopback_allowed(),
        ..Delivery::default()
    };
    let rule = won_calls_a_webhook_and_texts(&format!("{}/hook", broken.base));
    let (win, _, _) = won_on_device_with(&failing, rule).await;
    failing.push(&win).await;
    let first = sweep_and_deliver(&failing, &delivery, NOON + HOUR).await;
    assert_eq!(first.retrying, 1);
    let minute = 60_000;
    let second = deliver(&failing.storage, &delivery, NOON + HOUR + minute)
        .await
        .unwrap();
    assert_eq!(second.retrying, 1);
    let third = deliver(&failing.storage, &delivery, NOON + HOUR + 3 * minute)
        .await
        .unwrap();
    assert_eq!(third.dead, 1);
    assert_eq!(received_at(&broken, "/hook").len(), 3);
    let [letter] = failing
        .storage
        .dead_letters(&failing.id)
        .await
        .unwrap()
        .try_into()
        .unwrap();
    assert_eq!(letter.via, "webhook");
    assert_eq!(letter.reason, DeadLetterReason::WebhookFailed);
    assert!(letter.error.contains("500"), "{}", letter.error);
    let [run] = live::<AutomationRun>(&failing.pulled().await)
        .try_into()
        .unwrap();
    assert_eq!(run.outcomes[0].result, RunResult::Failed);
    assert_eq!(
        run.outcomes[1].result,
        RunResult::Prepared,
        "no SMS gateway here"
    );
}

/// The test stubs listen on 127.0.0.1, which webhooks may call only when the operator says so.
fn loopback_allowed() -> WebhookTargets {
    WebhookTargets::allowing(vec!["127.0.0.1/32".parse().unwrap()])
}

/// A webhook's URL is typed by a workspace admin, but the server calls it: without the
/// operator's leave it refuses this machine and private networks, at once and for good, and
/// follows no redirect into them.
async fn webhooks_to_the_servers_own_network_are_refused(backend: Backend) {
    use axum::{http::header::LOCATION, http::StatusCode, routing::any, Router};
    let Some(workspace) = Workspace::new(backend).await else {
        return;
    };
    let hits = Arc::new(Mutex::new(Vec::<String>::new()));
    let log = hits.clone();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    // "/hook" redirects to the same stub by another loopback address, which is not allowed.
    let router = Router::new().fallback(any(move |request: axum::extract::Request| {
        let log = log.clone();
        async move {
            log.lock().unwrap().push(request.uri().path().to_owned());
            let inside = format!("http://127.0.0.2:{port}/inside");
            (StatusCode::TEMPORARY_REDIRECT, [(LOCATION, inside)])
        }
    }));
    tokio::spawn(async move { axum::serve(listener, router).await });

    // Not allowed at all: refused before any call, dead after one attempt, in words.
    let rule = won_calls_a_webhook_and_texts(&format!("http://localhost:{port}/hook"));
    let (win, _, _) = won_on_device_with(&workspace, rule).await;
    workspace.push(&win).await;
    let refused = sweep_and_deliver(&workspace, &Delivery::default(), NOON + HOUR).await;
    assert_eq!((refused.sent, refused.retrying, refused.dead), (0, 0, 1));
    assert!(hits.lock().unwrap().is_empty(), "the stub was called");
    let [letter] = workspace
        .storage
        .dead_letters(&workspace.id)
        .await
        .unwrap()
        .try_into()
        .unwrap();
    assert_eq!(
        letter.reason,
        DeadLetterReason::WebhookRefused,
        "{}",
        letter.error
    );
    assert_eq!(letter.attempts, 1);

    // 127.0.0.1 allowed: the call is made, but its redirect to 127.0.0.2 is not followed.
    let Some(redirected) = Workspace::new(backend).await else {
        return;
    };
    let rule = won_calls_a_webhook_and_texts(&format!("http://127.0.0.1:{port}/hook"));
    let (win, _, _) = won_on_device_with(&redirected, rule).await;
    redirected.push(&win).await;
    let delivery = Delivery {
        webhook_targets: loopback_allowed(),
        ..Delivery::default()
    };
    let tried = sweep_and_deliver(&redirected, &delivery, NOON + HOUR).await;
    assert_eq!((tried.sent, tried.dead), (0, 1));
    assert_eq!(*hits.lock().unwrap(), ["/hook"]);
    let [letter] = redirected
        .storage
        .dead_letters(&redirected.id)
        .await
        .unwrap()
        .try_into()
        .unwrap();
    assert!(letter.error.contains("127.0.0.2"), "{}", letter.error);
    assert_eq!(letter.reason, DeadLetterReason::WebhookRefused);
}

/// A device that fires a rule queues its webhook and prepares its SMS in the run it
/// pushes; the server sends both, once, whether it fired the same rule first or not.
async fn what_a_device_fired_is_sent_by_the_server_once(backend: Backend) {
    for server_first in [false, true] {
        let Some(workspace) = Workspace::new(backend).await else {
            return;
        };
        let gateway = Gateway::start(200, r#"{"status": "ok"}"#).await;
        let delivery = gateway.delivery();
        let rule = won_calls_a_webhook_and_texts(&format!("{}/hook", gateway.base));
        let (win, firing, fired) = won_on_device_with(&workspace, rule).await;
        assert!(matches!(firing.effects[0], Effect::Webhook { .. }));
        workspace.push(&win).await;
        if server_first {
            let swept = sweep_and_deliver(&workspace, &delivery, NOON + HOUR).await;
            assert_eq!(swept.sent, 2);
        }
        workspace.push(&fired).await;
        sweep_and_deliver(&workspace, &delivery, NOON + 2 * HOUR).await;
        sweep_and_deliver(&workspace, &delivery, NOON + 3 * HOUR).await;
        assert_eq!(received_at(&gateway, "/hook").len(), 1, "{server_first}");
        assert_eq!(received_at(&gateway, "/sms").len(), 1, "{server_first}");
        let [run] = live::<AutomationRun>(&workspace.pulled().await)
            .try_into()
            .unwrap();
        assert_eq!(run.id, firing.run.id);
        assert_eq!(
            (run.outcomes[0].result, run.outcomes[1].result),
            (RunResult::Sent, RunResult::Sent)
        );
    }
}

/// A log trimmed past what the sweeper merged makes it build the workspace again from the
/// compacted state: a contact whose ops went with the trim still comes due.
async fn a_log_trimmed_past_the_held_workspace_builds_it_again(backend: Backend) {
    let Some(workspace) = Workspace::new(backend).await else {
        return;
    };
    let mut device = Device::new(1);
    let mut ops = device.create(NOON - 3 * MS_PER_DAY, &quiet_for_two_days());
    ops.extend(device.create(
        NOON - 3 * MS_PER_DAY,
        &contact_created("contact-early", NOON - 3 * MS_PER_DAY),
    ));
    workspace.push(&ops).await;
    let none = Delivery::default();
    assert_eq!(workspace.sweep_workspace(&none, NOON).await.runs, 1);
    workspace
        .push(&device.create(
            NOON - MS_PER_DAY,
            &contact_created("contact-late", NOON - MS_PER_DAY),
        ))
        .await;
    let everything = TrimPolicy {
        inactive_after_ms: 0,
        keep_history_ms: 0,
    };
    let far_ahead = i64::MAX / 2;
    let trimmed = workspace.storage.trim(everything, far_ahead).await.unwrap();
    assert!(
        trimmed.iter().any(|trimmed| trimmed.removed > 0),
        "{trimmed:?}"
    );
    let later = workspace
        .sweep_workspace(&none, NOON + 2 * MS_PER_DAY)
        .await;
    assert_eq!(
        later.runs, 1,
        "the late contact, read from the compacted state"
    );
}

/// "Overdue a day → notify the contact's owner and member-2" fires on the server with no
/// device open: one unread notification each, with the ids a device derives, once however
/// often the sweep runs; a read mark pushed later is kept by the next sweeps.
async fn the_sweeps_time_rule_notifies_members_once(backend: Backend) {
    let Some(workspace) = Workspace::new(backend).await else {
        return;
    };
    let mut device = Device::new(1);
    let rule = AutomationRule {
        id: Id::from_string("rule-overdue-notify"),
        actions: vec![Action::Notify {
            member_ids: vec![Id::from_string("member-2")],
            record_owner: true,
            text: "فاکتور {number} سررسید گذشته است".into(),
        }],
        ..overdue_sms()
    };
    let mut ops = device.create(NOON - 40 * MS_PER_DAY, &rule);
    ops.extend(device.create(NOON - 40 * MS_PER_DAY, &reza()));
    let mut fields = invoice("invoice-1", "sent");
    fields.insert("number".into(), json!("INV-7"));
    ops.extend(device.edit(
        NOON - 10 * MS_PER_DAY,
        EntityKind::Invoice,
        &Id::from_string("invoice-1"),
        None,
        &fields,
        false,
    ));
    workspace.push(&ops).await;
    let none = Delivery::default();
    let swept = workspace.sweep_workspace(&none, NOON).await;
    assert_eq!((swept.runs, swept.failed), (1, 0));
    assert_eq!(workspace.sweep_workspace(&none, NOON + HOUR).await.runs, 0);

    let state = workspace.pulled().await;
    let [run] = &live::<AutomationRun>(&state)[..] else {
        panic!("one run");
    };
    let mut notifications = live::<Notification>(&state);
    notifications.sort_by(|a, b| a.member_id.cmp(&b.member_id));
    let summary: Vec<(String, &str, bool)> = notifications
        .iter()
        .map(|n| (n.member_id.to_string(), n.text.as_str(), n.is_unread()))
        .collect();
    assert_eq!(
        summary,
        [
            ("member-1".to_owned(), "فاکتور INV-7 سررسید گذشته است", true),
            ("member-2".to_owned(), "فاکتور INV-7 سررسید گذشته است", true),
        ],
        "the contact's owner and the member named, once each"
    );
    for notification in &notifications {
        assert_eq!(
            notification.id,
            notification_id(&run.id, &notification.member_id)
        );
        assert_eq!(
            notification.record.as_ref().map(|r| r.id.to_string()),
            Some("invoice-1".to_owned())
        );
    }
    assert_eq!(run.outcomes[0].result, RunResult::Done);

    // The owner reads theirs; later sweeps leave it read.
    let read = Notification {
        read_at: Some(NOON + 2 * HOUR),
        ..notifications[0].clone()
    };
    let ops = device.change(NOON + 2 * HOUR, &notifications[0], &read);
    workspace.push(&ops).await;
    assert_eq!(
        workspace.sweep_workspace(&none, NOON + 3 * HOUR).await.runs,
        0
    );
    let state = workspace.pulled().await;
    let unread: Vec<String> = live::<Notification>(&state)
        .iter()
        .filter(|n| n.is_unread())
        .map(|n| n.member_id.to_string())
        .collect();
    assert_eq!(unread, ["member-2"]);
}

on_every_backend!(
    the_sweeps_time_rule_notifies_members_once,
    an_overdue_invoice_texts_its_contact_once_with_no_device_open,
    a_workspace_without_rules_is_not_held,
    without_a_gateway_messages_are_prepared,
    a_failing_gateway_is_retried_then_the_message_is_a_dead_letter,
    quotas_and_do_not_contact_hold_messages_back,
    e_mail_goes_out_over_smtp_in_persian,
    a_device_offline_and_the_server_firing_one_rule_make_one_task,
    a_device_that_fired_first_leaves_the_server_nothing,
    a_contacts_change_rechecks_rules_on_the_records_naming_it,
    set_field_actions_win_or_are_logged_as_failed,
    a_held_workspace_follows_what_is_pushed_between_sweeps,
    timed_rules_count_days_in_the_workspace_zone,
    the_server_calls_webhooks_once_and_gives_up_on_failing_ones,
    webhooks_to_the_servers_own_network_are_refused,
    what_a_device_fired_is_sent_by_the_server_once,
    a_log_trimmed_past_the_held_workspace_builds_it_again,
);
