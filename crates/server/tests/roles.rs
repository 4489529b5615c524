//! Roles, authors and the team over real HTTP against a real database: every test runs on
//! SQLite, and on PostgreSQL when `RABET_TEST_DATABASE_URL` names a server.

mod common;

use common::{on_every_backend, Backend, TestDatabase, TestServer};
use rabet_domain::{
    hlc::{Clock, NodeId},
    id::{Id, WireId},
    kind::EntityKind,
    model::FieldDefinition,
    op::{Op, OpBuilder},
    sync::{
        AuthoredPullResponse, DeviceInfo, ErrorBody, InviteResponse, MemberInfo, PushResponse,
        Role, SessionInfo,
    },
};
use rabet_server::{admin, RateLimit, SqlStorage, Storage};
use reqwest::{header, Method, StatusCode};
use serde_json::{json, Map, Value};
use std::sync::Arc;

on_every_backend!(
    every_role_kind_and_action_is_enforced,
    a_refused_push_stores_nothing_and_names_the_op,
    authors_are_stamped_by_the_server_and_cannot_be_forged,
    the_session_and_the_team_are_told,
    admins_manage_the_team,
    only_admins_reach_the_admin_routes,
    custom_fields_are_defined_by_admins_and_filled_by_members,
);

/// The kinds a member writes, spelled out here apart from the server's table.
const MEMBER_KINDS: [EntityKind; 10] = [
    EntityKind::Company,
    EntityKind::Contact,
    EntityKind::Deal,
    EntityKind::Activity,
    EntityKind::Task,
    EntityKind::Ticket,
    EntityKind::Invoice,
    // Every device logs the automation runs it fires.
    EntityKind::AutomationRun,
    // A list's saved views, personal or shared.
    EntityKind::SavedView,
    // Every device writes the notifications its rules give; members mark theirs read.
    EntityKind::Notification,
];

/// A device of one member: its token and a clock to make ops with.
struct Device {
    http: reqwest::Client,
    base: String,
    token: String,
    id: String,
    clock: Clock,
    node: u8,
    made: u64,
}

impl Device {
    fn new(server: &TestServer, issued: admin::IssuedToken, node: u8) -> Device {
        Device::with_token(&server.base, issued.token, issued.member.id, node)
    }

    /// A device holding `token` of member `id`.
    fn with_token(base: &str, token: String, id: String, node: u8) -> Device {
        Device {
            http: reqwest::Client::new(),
            base: base.to_owned(),
            token,
            id,
            clock: Clock::new(NodeId::from_random([node; 8])),
            node,
            made: 0,
        }
    }

    async fn join(
        server: &TestServer,
        workspace: &str,
        name: &str,
        role: Role,
        node: u8,
    ) -> Device {
        let issued = admin::issue_token_as(&*server.storage, workspace, name, Some(role), true)
            .await
            .unwrap();
        Device::new(server, issued, node)
    }

    fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token)
    }

    /// Ops made by `make` with this device's clock and fresh op ids.
    fn make(&mut self, make: impl FnOnce(&mut OpBuilder) -> Vec<Op>) -> Vec<Op> {
        let (node, made) = (self.node, &mut self.made);
        let mut new_id = || {
            *made += 1;
            let mut random = [node; 10];
            random[2..].copy_from_slice(&made.to_be_bytes());
            WireId::v7(1_700_000_000_000, random)
        };
        make(&mut OpBuilder::new(
            &mut self.clock,
            1_700_000_000_000,
            &mut new_id,
        ))
    }

    fn edit(&mut self, kind: EntityKind, record: &Id, value: &str) -> Op {
        let fields = Map::from_iter([("name".to_owned(), json!(value))]);
        self.make(|b| b.edit_ops(kind, record, None, &fields).unwrap())
            .remove(0)
    }

    fn delete(&mut self, kind: EntityKind, record: &Id) -> Op {
        self.make(|b| vec![b.delete_op(kind, record)]).remove(0)
    }

    fn restore(&mut self, kind: EntityKind, record: &Id) -> Op {
        self.make(|b| vec![b.restore_op(kind, record)]).remove(0)
    }

    async fn push_json(&self, body: Value) -> reqwest::Response {
        self.request(Method::POST, "/api/v1/ops")
            .header(header::CONTENT_TYPE, "application/json")
            .body(body.to_string())
            .send()
            .await
            .unwrap()
    }

    /// The push's answer: its response, or the refusal's status and body.
    async fn push(&self, ops: &[Op]) -> Result<PushResponse, (StatusCode, ErrorBody)> {
        let response = self.push_json(json!({ "ops": ops })).await;
        match response.status() {
            StatusCode::OK => Ok(response.json().await.unwrap()),
            status => Err((status, response.json().await.unwrap())),
        }
    }

    async fn pull_authored(&self, after: u64) -> AuthoredPullResponse {
        let response = self
            .request(
                Method::GET,
                &format!("/api/v1/ops?after={after}&limit=1000"),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        response.json().await.unwrap()
    }

    async fn get<T: serde::de::DeserializeOwned>(&self, path: &str) -> T {
        let response = self.request(Method::GET, path).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        response.json().await.unwrap()
    }

    async fn call(&self, method: Method, path: &str, body: Option<Value>) -> reqwest::Response {
        let mut request = self.request(method, path);
        if let Some(body) = body {
            request = request
                .header(header::CONTENT_TYPE, "application/json")
                .body(body.to_string());
        }
        request.send().await.unwrap()
    }
}

async fn error_of(response: reqwest::Response) -> (StatusCode, ErrorBody) {
    (response.status(), response.json().await.unwrap())
}

struct Setup {
    server: TestServer,
    workspace: String,
    _database: TestDatabase,
}

impl Setup {
    async fn new(backend: Backend) -> Option<Setup> {
        let database = TestDatabase::new(backend).await?;
        let server = TestServer::start(database.open().await, |state| {
            state.rate_limit = RateLimit {
                per_second: 1e6,
                burst: 1e6,
            }
        })
        .await;
        let workspace = admin::create_workspace(&*server.storage, "Acme")
            .await
            .unwrap();
        Some(Setup {
            server,
            workspace,
            _database: database,
        })
    }

    async fn join(&self, name: &str, role: Role, node: u8) -> Device {
        Device::join(&self.server, &self.workspace, name, role, node).await
    }

    /// The workspace's latest sequence number.
    async fn latest(&self, anyone: &Device) -> u64 {
        let mut after = 0;
        loop {
            let page = anyone.pull_authored(after).await;
            after = page.next;
            if !page.more {
                return after;
            }
        }
    }
}

fn record(node: u8, n: u8) -> Id {
    Id::v7(1, [node, n, 0, 0, 0, 0, 0, 0, 0, 1])
}

/// Pushes `op` as `device` and checks the answer against `allowed`; a refusal must name the
/// op and store nothing.
async fn expect(setup: &Setup, device: &Device, op: Op, allowed: bool, what: &str) {
    let before = setup.latest(device).await;
    match device.push(std::slice::from_ref(&op)).await {
        Ok(response) => {
            assert!(allowed, "{what}: accepted but should be refused");
            assert_eq!(response.stored, 1, "{what}");
        }
        Err((status, body)) => {
            assert!(!allowed, "{what}: refused but should be accepted: {body:?}");
            assert_eq!(status, StatusCode::FORBIDDEN, "{what}");
            assert_eq!(body.error, "forbidden", "{what}");
            let named = body.op.expect("the refusal names the op");
            assert_eq!(
                (
                    named.index,
                    named.id,
                    named.entity,
                    named.record,
                    named.field
                ),
                (
                    0,
                    op.id.to_string(),
                    op.entity,
                    op.record.to_string(),
                    op.field.clone()
                ),
                "{what}"
            );
            assert_eq!(
                setup.latest(device).await,
                before,
                "{what}: stored something"
            );
        }
    }
}

async fn every_role_kind_and_action_is_enforced(backend: Backend) {
    let Some(setup) = Setup::new(backend).await else {
        return;
    };
    // Records of every kind created by another admin: "theirs" to everyone below.
    let mut other = setup.join("Adel", Role::Admin, 9).await;
    let mut actors = [
        (Role::Admin, setup.join("Ava", Role::Admin, 1).await),
        (Role::Member, setup.join("Mani", Role::Member, 2).await),
        (Role::Viewer, setup.join("Vida", Role::Viewer, 3).await),
    ];
    for (n, kind) in EntityKind::ALL.into_iter().enumerate() {
        let theirs = record(9, n as u8);
        let op = other.edit(kind, &theirs, "created by Adel");
        other.push(&[op]).await.unwrap();
        for (role, actor) in &mut actors {
            let role = *role;
            let writes =
                role == Role::Admin || (role == Role::Member && MEMBER_KINDS.contains(&kind));
            let what = |action: &str| format!("{} {action} {}", role.as_str(), kind.as_str());
            let own = record(actor.node, n as u8);

            let op = actor.edit(kind, &own, "new");
            expect(&setup, actor, op, writes, &what("creates")).await;
            let op = actor.edit(kind, &theirs, "edited");
            expect(&setup, actor, op, writes, &what("edits another's")).await;
            // A record it created (or, when it could create none, one nobody created yet).
            let op = actor.delete(kind, &own);
            expect(&setup, actor, op, writes, &what("deletes its own")).await;
            let op = actor.delete(kind, &theirs);
            expect(
                &setup,
                actor,
                op,
                role == Role::Admin,
                &what("deletes another's"),
            )
            .await;
            let op = actor.restore(kind, &theirs);
            expect(&setup, actor, op, writes, &what("restores")).await;
        }
    }
}

async fn custom_fields_are_defined_by_admins_and_filled_by_members(backend: Backend) {
    let Some(setup) = Setup::new(backend).await else {
        return;
    };
    let mut boss = setup.join("Boss", Role::Admin, 1).await;
    let mut mani = setup.join("Mani", Role::Member, 2).await;
    let definition = record(1, 1);
    let defined = Map::from_iter([
        ("owner".to_owned(), json!("contact")),
        ("field_type".to_owned(), json!("date")),
        ("label_en".to_owned(), json!("Renewal")),
        ("label_fa".to_owned(), json!("تمدید")),
    ]);
    let ops = boss.make(|b| {
        b.edit_ops(EntityKind::FieldDefinition, &definition, None, &defined)
            .unwrap()
    });
    assert_eq!(boss.push(&ops).await.unwrap().stored, ops.len());

    // A member fills the field on a contact: a field of the contact like any other.
    let contact = record(2, 1);
    let field = FieldDefinition {
        id: definition.clone(),
        ..FieldDefinition::default()
    };
    let value = Map::from_iter([(field.field_name(), json!(20_000))]);
    let ops = mani.make(|b| {
        b.edit_ops(EntityKind::Contact, &contact, None, &value)
            .unwrap()
    });
    expect(
        &setup,
        &mani,
        ops[0].clone(),
        true,
        "member fills a custom field",
    )
    .await;

    // … but may not rename, retype or archive the field itself.
    let renamed = Map::from_iter([("label_en".to_owned(), json!("Mine"))]);
    let ops = mani.make(|b| {
        b.edit_ops(
            EntityKind::FieldDefinition,
            &definition,
            Some(&defined),
            &renamed,
        )
        .unwrap()
    });
    let op = ops.into_iter().find(|op| op.field == "label_en").unwrap();
    expect(&setup, &mani, op, false, "member renames a custom field").await;
}

async fn a_refused_push_stores_nothing_and_names_the_op(backend: Backend) {
    let Some(setup) = Setup::new(backend).await else {
        return;
    };
    let mut boss = setup.join("Boss", Role::Admin, 1).await;
    let mut mani = setup.join("Mani", Role::Member, 2).await;
    let mut vida = setup.join("Vida", Role::Viewer, 3).await;
    let pipeline = record(1, 1);
    let op = boss.edit(EntityKind::Pipeline, &pipeline, "Sales");
    boss.push(&[op]).await.unwrap();
    let latest = setup.latest(&boss).await;

    // A member's batch: two contacts, then a pipeline edit, then another contact.
    let mut batch = vec![
        mani.edit(EntityKind::Contact, &record(2, 1), "a"),
        mani.edit(EntityKind::Contact, &record(2, 2), "b"),
        mani.edit(EntityKind::Pipeline, &pipeline, "Mine"),
        mani.edit(EntityKind::Contact, &record(2, 3), "c"),
    ];
    let (status, body) = mani.push(&batch).await.unwrap_err();
    assert_eq!(status, StatusCode::FORBIDDEN);
    let named = body.op.unwrap();
    assert_eq!((named.index, named.id), (2, batch[2].id.to_string()));
    assert!(
        body.message.contains("only admins change pipeline"),
        "{}",
        body.message
    );
    assert_eq!(setup.latest(&boss).await, latest);
    // Without the refused op, the rest goes in.
    batch.remove(2);
    assert_eq!(mani.push(&batch).await.unwrap().stored, 3);

    // A member deleting the admin's contact, behind an allowed op: refused whole.
    let contact = record(1, 2);
    let op = boss.edit(EntityKind::Contact, &contact, "Boss's");
    boss.push(&[op]).await.unwrap();
    let latest = setup.latest(&boss).await;
    let batch = vec![
        mani.edit(EntityKind::Contact, &contact, "renamed"),
        mani.delete(EntityKind::Contact, &contact),
    ];
    let (status, body) = mani.push(&batch).await.unwrap_err();
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body.op.unwrap().index, 1);
    assert!(body.message.contains(&boss.id), "{}", body.message);
    assert_eq!(setup.latest(&boss).await, latest);

    // A viewer's push, even of kinds members write, stores nothing.
    let batch = vec![
        vida.edit(EntityKind::Contact, &record(3, 1), "x"),
        vida.edit(EntityKind::Task, &record(3, 2), "y"),
    ];
    let (status, body) = vida.push(&batch).await.unwrap_err();
    assert_eq!(
        (status, body.error.as_str()),
        (StatusCode::FORBIDDEN, "forbidden")
    );
    assert_eq!(body.op.unwrap().index, 0);
    assert!(body.message.contains("viewer"), "{}", body.message);
    assert_eq!(setup.latest(&boss).await, latest);
    // It still reads everything.
    assert_eq!(vida.pull_authored(0).await.ops.len() as u64, latest);
    // An empty push changes nothing, so even a viewer's is answered.
    assert_eq!(vida.push(&[]).await.unwrap().stored, 0);

    // Creators of a push of many records (recorded many rows per statement) are all known.
    let many: Vec<Id> = (0..600u16)
        .map(|n| Id::v7(2, [5, (n >> 8) as u8, n as u8, 0, 0, 0, 0, 0, 0, 1]))
        .collect();
    let ops: Vec<Op> = many
        .iter()
        .map(|id| mani.edit(EntityKind::Deal, id, "d"))
        .collect();
    assert_eq!(mani.push(&ops).await.unwrap().stored, 600);
    let mut omid = setup.join("Omid", Role::Member, 4).await;
    for id in [&many[0], &many[299], &many[599]] {
        let op = omid.delete(EntityKind::Deal, id);
        assert_eq!(omid.push(&[op]).await.unwrap_err().0, StatusCode::FORBIDDEN);
        let op = mani.delete(EntityKind::Deal, id);
        mani.push(&[op]).await.unwrap();
    }
}

async fn authors_are_stamped_by_the_server_and_cannot_be_forged(backend: Backend) {
    let Some(setup) = Setup::new(backend).await else {
        return;
    };
    let mut boss = setup.join("Boss", Role::Admin, 1).await;
    let mut ali = setup.join("Ali", Role::Member, 2).await;
    let mut bita = setup.join("Bita", Role::Member, 3).await;

    // Ali creates a contact, claiming in every op to be Bita, then the boss.
    let contact = record(2, 1);
    let mut forged = Vec::new();
    for claimed in [&bita.id, &boss.id] {
        let op = ali.edit(EntityKind::Contact, &contact, claimed);
        let mut json = serde_json::to_value(&op).unwrap();
        json["author"] = json!(claimed);
        forged.push(json);
    }
    let response = ali.push_json(json!({ "ops": forged })).await;
    assert_eq!(response.status(), StatusCode::OK);
    let op = boss.edit(EntityKind::Contact, &record(1, 1), "boss's");
    boss.push(&[op]).await.unwrap();

    let page = bita.pull_authored(0).await;
    let authors: Vec<Option<&str>> = page.ops.iter().map(|op| op.author.as_deref()).collect();
    assert_eq!(
        authors,
        [
            Some(ali.id.as_str()),
            Some(ali.id.as_str()),
            Some(boss.id.as_str())
        ]
    );
    // The claim made Bita no creator: she may not delete it, Ali may.
    let op = bita.delete(EntityKind::Contact, &contact);
    let (status, _) = bita.push(&[op]).await.unwrap_err();
    assert_eq!(status, StatusCode::FORBIDDEN);
    let op = ali.delete(EntityKind::Contact, &contact);
    ali.push(&[op]).await.unwrap();
    // Another device of Ali's is Ali: same author, same creator rights.
    let issued = admin::issue_device(&*setup.server.storage, &setup.workspace, &ali.id)
        .await
        .unwrap();
    let mut phone = Device::new(&setup.server, issued, 4);
    assert_eq!(phone.id, ali.id);
    let op = phone.restore(EntityKind::Contact, &contact);
    phone.push(&[op]).await.unwrap();
    let op = phone.delete(EntityKind::Contact, &contact);
    phone.push(&[op]).await.unwrap();
    let last = bita.pull_authored(0).await.ops.pop().unwrap();
    assert_eq!(last.author.as_deref(), Some(ali.id.as_str()));
    // Old clients read the same page as plain ops.
    let response = bita
        .request(Method::GET, "/api/v1/ops?after=0")
        .send()
        .await
        .unwrap();
    let plain: rabet_domain::sync::PullResponse = response.json().await.unwrap();
    assert_eq!(plain.ops.len(), 6);
}

async fn the_session_and_the_team_are_told(backend: Backend) {
    let Some(setup) = Setup::new(backend).await else {
        return;
    };
    // A member issued without a role is an admin; a narrower role is given on purpose.
    let first = admin::issue_token(&*setup.server.storage, &setup.workspace, "Sara")
        .await
        .unwrap();
    let second = admin::issue_token_as(
        &*setup.server.storage,
        &setup.workspace,
        "Omid",
        Some(Role::Member),
        false,
    )
    .await
    .unwrap();
    assert_eq!(
        (first.member.role, second.member.role),
        (Role::Admin, Role::Member)
    );
    let sara = Device::new(&setup.server, first, 1);
    let omid = Device::new(&setup.server, second, 2);
    let vida = setup.join("Vida", Role::Viewer, 3).await;

    for (device, name, role) in [
        (&sara, "Sara", Role::Admin),
        (&omid, "Omid", Role::Member),
        (&vida, "Vida", Role::Viewer),
    ] {
        let session: SessionInfo = device.get("/api/v1/session").await;
        assert_eq!(
            (
                session.member.as_str(),
                session.role,
                session.member_id.as_str()
            ),
            (name, Some(role), device.id.as_str())
        );
        let team: Vec<MemberInfo> = device.get("/api/v1/members").await;
        let mut listed: Vec<(&str, &str, Role, bool)> = team
            .iter()
            .map(|m| (m.name.as_str(), m.id.as_str(), m.role, m.active))
            .collect();
        listed.sort();
        assert_eq!(
            listed,
            [
                ("Omid", omid.id.as_str(), Role::Member, true),
                ("Sara", sara.id.as_str(), Role::Admin, true),
                ("Vida", vida.id.as_str(), Role::Viewer, true),
            ]
        );
        // Devices are for admins' eyes.
        assert!(team.iter().all(|m| m.devices.is_empty()));
    }
}

async fn admins_manage_the_team(backend: Backend) {
    let Some(setup) = Setup::new(backend).await else {
        return;
    };
    let boss = setup.join("Boss", Role::Admin, 1).await;

    // Invite: the token once, and a link that carries it.
    let response = boss
        .call(
            Method::POST,
            "/api/v1/admin/members",
            Some(json!({"name": " Nima ", "role": "viewer", "app_url": "https://crm.example/", "server_url": "https://sync.example"})),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let invited: InviteResponse = response.json().await.unwrap();
    assert_eq!(
        (invited.member.name.as_str(), invited.member.role),
        ("Nima", Role::Viewer)
    );
    assert!(invited.token.starts_with("rbt_"));
    assert_eq!(invited.device.id, invited.member.id);
    assert_eq!(
        invited.invite_link.as_deref(),
        Some(
            format!(
                "https://crm.example/join#server=https%3A%2F%2Fsync.example&token={}",
                invited.token
            )
            .as_str()
        )
    );
    let nima = Device::with_token(
        &setup.server.base,
        invited.token.clone(),
        invited.member.id.clone(),
        2,
    );
    let session: SessionInfo = nima.get("/api/v1/session").await;
    assert_eq!(session.role, Some(Role::Viewer));

    // A name already in the team is refused; so is an empty one.
    let (status, body) = error_of(
        boss.call(
            Method::POST,
            "/api/v1/admin/members",
            Some(json!({"name": "Nima", "role": "member"})),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, body.error.as_str()),
        (StatusCode::CONFLICT, "member_exists")
    );
    let (status, _) = error_of(
        boss.call(
            Method::POST,
            "/api/v1/admin/members",
            Some(json!({"name": "  ", "role": "member"})),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // Another device for Nima; the list shows both (and the one issued above).
    let response = boss
        .call(
            Method::POST,
            &format!("/api/v1/admin/members/{}/devices", nima.id),
            Some(json!({})),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let tablet: InviteResponse = response.json().await.unwrap();
    assert_eq!(tablet.member.id, nima.id);
    assert_eq!(tablet.invite_link, None);
    let team: Vec<MemberInfo> = boss.get("/api/v1/admin/members").await;
    let listed = team.iter().find(|m| m.id == nima.id).unwrap();
    assert_eq!(listed.devices.len(), 2);
    assert!(listed.devices.iter().any(|d| d.id == tablet.device.id));
    // Last seen: when a device last pulled, none before it ever did.
    assert!(listed.devices.iter().all(|d| d.last_seen_ms.is_none()));
    nima.pull_authored(0).await;
    let team: Vec<MemberInfo> = boss.get("/api/v1/admin/members").await;
    let seen = |id: &str| {
        team.iter()
            .flat_map(|m| &m.devices)
            .find(|d| d.id == id)
            .unwrap()
            .last_seen_ms
    };
    assert!(seen(&nima.id).is_some_and(|at| at >= invited.device.created_at_ms));
    assert_eq!(seen(&tablet.device.id), None);

    // A role change holds from the next request on.
    let mut nima = nima;
    let op = nima.edit(EntityKind::Contact, &record(2, 1), "x");
    assert_eq!(
        nima.push(std::slice::from_ref(&op)).await.unwrap_err().0,
        StatusCode::FORBIDDEN
    );
    let response = boss
        .call(
            Method::PUT,
            &format!("/api/v1/admin/members/{}/role", nima.id),
            Some(json!({"role": "member"})),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let changed: MemberInfo = response.json().await.unwrap();
    assert_eq!(changed.role, Role::Member);
    assert_eq!(nima.push(&[op]).await.unwrap().stored, 1);

    // The last admin cannot step down; with another admin they can.
    let path = format!("/api/v1/admin/members/{}/role", boss.id);
    let (status, body) = error_of(
        boss.call(Method::PUT, &path, Some(json!({"role": "member"})))
            .await,
    )
    .await;
    assert_eq!(
        (status, body.error.as_str()),
        (StatusCode::CONFLICT, "last_admin")
    );
    let (status, _) = error_of(
        boss.call(
            Method::PUT,
            "/api/v1/admin/members/000000000000/role",
            Some(json!({"role": "member"})),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Revoking a device: that token is told it was revoked, an unknown one is not known,
    // and the member's other devices still sync.
    let response = boss
        .call(
            Method::DELETE,
            &format!("/api/v1/admin/devices/{}", tablet.device.id),
            None,
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let revoked: DeviceInfo = response.json().await.unwrap();
    assert!(revoked.revoked_at_ms.is_some());
    let tablet = Device::with_token(&setup.server.base, tablet.token, nima.id.clone(), 3);
    let (status, body) = error_of(
        tablet
            .request(Method::GET, "/api/v1/ops")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, body.error.as_str()),
        (StatusCode::UNAUTHORIZED, "token_revoked")
    );
    let unknown = Device::with_token(&setup.server.base, "rbt_unknown".into(), String::new(), 4);
    let (status, body) = error_of(
        unknown
            .request(Method::GET, "/api/v1/ops")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, body.error.as_str()),
        (StatusCode::UNAUTHORIZED, "unauthorized")
    );
    let _: SessionInfo = nima.get("/api/v1/session").await;
    let team: Vec<MemberInfo> = boss.get("/api/v1/admin/members").await;
    let listed = team.iter().find(|m| m.id == nima.id).unwrap();
    assert!(listed.active);
    assert_eq!(
        listed
            .devices
            .iter()
            .filter(|d| d.revoked_at_ms.is_some())
            .count(),
        1
    );

    // Devices of another workspace are out of reach.
    let elsewhere = admin::create_workspace(&*setup.server.storage, "Other")
        .await
        .unwrap();
    let stranger = admin::issue_token(&*setup.server.storage, &elsewhere, "Stranger")
        .await
        .unwrap();
    let (status, _) = error_of(
        boss.call(
            Method::DELETE,
            &format!("/api/v1/admin/devices/{}", stranger.id),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = error_of(
        boss.call(
            Method::PUT,
            &format!("/api/v1/admin/members/{}/role", stranger.member.id),
            Some(json!({"role": "viewer"})),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let session_there = setup
        .server
        .storage
        .member(&admin::token_hash(&stranger.token))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(session_there.role, Role::Admin);
}

async fn only_admins_reach_the_admin_routes(backend: Backend) {
    let Some(setup) = Setup::new(backend).await else {
        return;
    };
    let boss = setup.join("Boss", Role::Admin, 1).await;
    let mani = setup.join("Mani", Role::Member, 2).await;
    let vida = setup.join("Vida", Role::Viewer, 3).await;
    let target = setup.join("Target", Role::Member, 4).await;
    let routes = |n: usize| {
        [
            (Method::GET, "/api/v1/admin/members".to_owned(), None),
            (
                Method::POST,
                "/api/v1/admin/members".to_owned(),
                Some(json!({"name": format!("New {n}"), "role": "member"})),
            ),
            (
                Method::POST,
                format!("/api/v1/admin/members/{}/devices", target.id),
                Some(json!({})),
            ),
            (
                Method::PUT,
                format!("/api/v1/admin/members/{}/role", target.id),
                Some(json!({"role": "viewer"})),
            ),
            (
                Method::DELETE,
                format!("/api/v1/admin/devices/{}", target.id),
                None,
            ),
        ]
    };
    for (n, (device, role)) in [(&mani, Role::Member), (&vida, Role::Viewer)]
        .into_iter()
        .enumerate()
    {
        for (method, path, body) in routes(n) {
            let (status, error) = error_of(device.call(method.clone(), &path, body).await).await;
            assert_eq!(
                (status, error.error.as_str()),
                (StatusCode::FORBIDDEN, "forbidden"),
                "{} {method} {path}",
                role.as_str()
            );
        }
    }
    // Nothing of it happened; the admin's requests all go through.
    let team: Vec<MemberInfo> = boss.get("/api/v1/admin/members").await;
    assert_eq!(team.len(), 4);
    for (method, path, body) in routes(9) {
        let response = boss.call(method.clone(), &path, body).await;
        assert_eq!(response.status(), StatusCode::OK, "admin {method} {path}");
    }
    // The routes for everyone are open to every role.
    for device in [&boss, &mani, &vida] {
        let _: SessionInfo = device.get("/api/v1/session").await;
        let _: Vec<MemberInfo> = device.get("/api/v1/members").await;
        let _: AuthoredPullResponse = device.get("/api/v1/ops").await;
    }
}

/// A database made before roles: its members become admins, its records' creators unknown
/// (only admins delete them), its ops carry no author.
#[tokio::test]
async fn a_database_from_before_roles_keeps_working() {
    let database = TestDatabase::new(Backend::Sqlite).await.unwrap();
    let rabet_server::DatabaseLocation::DataDir(dir) = &database.location else {
        unreachable!()
    };
    std::fs::create_dir_all(dir).unwrap();
    let migrations = tempfile::tempdir().unwrap();
    std::fs::copy(
        concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/0001_sync.sql"),
        migrations.path().join("0001_sync.sql"),
    )
    .unwrap();
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(dir.join(rabet_server::storage::SQLITE_FILE))
        .create_if_missing(true);
    let pool = sqlx::SqlitePool::connect_with(options).await.unwrap();
    sqlx::migrate::Migrator::new(migrations.path())
        .await
        .unwrap()
        .run(&pool)
        .await
        .unwrap();
    let old_token = "rbt_old";
    sqlx::query("INSERT INTO workspaces (id, name, seq, created_at) VALUES ('w', 'Old', 2, 1)")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO tokens (hash, workspace, member, created_at) VALUES ($1, 'w', 'Olga', 1)",
    )
    .bind(admin::token_hash(old_token))
    .execute(&pool)
    .await
    .unwrap();
    let mut maker = Device::with_token("", String::new(), String::new(), 7);
    let contact = record(7, 1);
    let old_ops = [
        maker.edit(EntityKind::Contact, &contact, "a"),
        maker.edit(EntityKind::Contact, &contact, "b"),
    ];
    for (seq, op) in old_ops.iter().enumerate() {
        sqlx::query(
            "INSERT INTO ops (workspace, seq, op_id, body, stamp) VALUES ('w', $1, $2, $3, $4)",
        )
        .bind(seq as i64 + 1)
        .bind(op.id.to_string())
        .bind(serde_json::to_string(op).unwrap())
        .bind(op.stamp.to_sort_key())
        .execute(&pool)
        .await
        .unwrap();
    }
    pool.close().await;

    let storage: Arc<SqlStorage> = database.open().await;
    let server = TestServer::start(storage.clone(), |_| {}).await;
    let olga_id = storage.members_of("w").await.unwrap().remove(0).id;
    assert_eq!(olga_id, admin::token_id(&admin::token_hash(old_token)));
    let olga = Device::with_token(&server.base, old_token.into(), olga_id, 1);
    let session: SessionInfo = olga.get("/api/v1/session").await;
    assert_eq!(session.role, Some(Role::Admin));
    let mut mani = Device::join(&server, "w", "Mani", Role::Member, 2).await;
    let op = mani.delete(EntityKind::Contact, &contact);
    let (status, body) = mani.push(&[op]).await.unwrap_err();
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(body.message.contains("before roles"), "{}", body.message);
    let mut olga = olga;
    let op = olga.delete(EntityKind::Contact, &contact);
    olga.push(&[op]).await.unwrap();
    let page = mani.pull_authored(0).await;
    let authors: Vec<Option<&str>> = page.ops.iter().map(|op| op.author.as_deref()).collect();
    assert_eq!(authors, [None, None, Some(olga.id.as_str())]);
    // Opening it again finds nothing more to record.
    drop(server);
    storage.close().await;
    let _again = database.open().await;
}
