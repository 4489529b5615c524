//! The sync server's HTTP API, as typed calls over the browser's `fetch`.

use super::{SyncConfig, SyncError};
use crate::store::Phases;
use rabet_domain::{
    kind::EntityKind,
    op::Op,
    sync::{
        AuthoredPullResponse, Cursor, DeadLetter, DeviceInfo, ErrorBody, InviteRequest,
        InviteResponse, MemberInfo, PushRequest, PushResponse, RoleChange, SessionInfo,
        SnapshotResponse, MAX_PULL_LIMIT, PROTOCOL, SNAPSHOT_NEEDED,
    },
};
use serde::{de::DeserializeOwned, Serialize};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, Request, RequestInit, Response};

/// Who the configured token belongs to; also proves the server and token work.
pub async fn session(config: &SyncConfig) -> Result<SessionInfo, SyncError> {
    call::<(), _>(config, "GET", "session", None).await
}

/// The team: every member's name and role (authors in the field history are member ids).
pub async fn members(config: &SyncConfig) -> Result<Vec<MemberInfo>, SyncError> {
    call::<(), _>(config, "GET", "members", None).await
}

/// The automated messages the server gave up on, newest first (admins only).
pub async fn dead_letters(config: &SyncConfig) -> Result<Vec<DeadLetter>, SyncError> {
    call::<(), _>(config, "GET", "admin/dead-letters", None).await
}

/// The team with each member's devices (admins only).
pub async fn admin_members(config: &SyncConfig) -> Result<Vec<MemberInfo>, SyncError> {
    call::<(), _>(config, "GET", "admin/members", None).await
}

/// A new member and their first device's token, with an invite link (admins only).
pub async fn invite(
    config: &SyncConfig,
    request: &InviteRequest,
) -> Result<InviteResponse, SyncError> {
    call(config, "POST", "admin/members", Some(request)).await
}

/// Gives a member another role (admins only).
pub async fn change_role(
    config: &SyncConfig,
    member: &str,
    change: &RoleChange,
) -> Result<MemberInfo, SyncError> {
    let path = format!("admin/members/{}/role", encode(member));
    call(config, "PUT", &path, Some(change)).await
}

/// Revokes one device's token (admins only).
pub async fn revoke(config: &SyncConfig, device: &str) -> Result<DeviceInfo, SyncError> {
    let path = format!("admin/devices/{}", encode(device));
    call::<(), _>(config, "DELETE", &path, None).await
}

/// A path segment or query value as it may appear in a URL.
fn encode(text: &str) -> String {
    String::from(js_sys::encode_uri_component(text))
}

/// Sends ops; once this returns they are durably stored on the server.
pub async fn push(config: &SyncConfig, ops: Vec<Op>) -> Result<PushResponse, SyncError> {
    call(config, "POST", "ops", Some(&PushRequest { ops })).await
}

/// One page of the workspace's ops after `after`, with their authors.
pub async fn pull(config: &SyncConfig, after: u64) -> Result<AuthoredPullResponse, SyncError> {
    // The largest page the server gives: fewer round trips when catching up.
    let path = format!("ops?after={after}&limit={MAX_PULL_LIMIT}");
    call::<(), _>(config, "GET", &path, None).await
}

/// The path of a snapshot page: `kind`'s records after `after` up to `until`.
fn snapshot_path(
    kind: EntityKind,
    after: Option<&str>,
    until: Option<&str>,
    cursor: Option<Cursor>,
) -> String {
    let mut path = format!("snapshot?kind={}", kind.as_str());
    // Record ids are printable ASCII; encoded, any of them is safe in a query.
    for (name, id) in [("after", after), ("until", until)] {
        if let Some(id) = id {
            path.push_str(&format!("&{name}={}", encode(id)));
        }
    }
    if let Some(cursor) = cursor {
        path.push_str(&format!("&cursor={cursor}"));
    }
    path
}

/// One page of the workspace's records of `kind` after record `after` (up to `until`), for
/// a device joining by snapshot; `cursor` is the join's first page's (none on that page).
pub async fn snapshot(
    config: &SyncConfig,
    kind: EntityKind,
    after: Option<&str>,
    until: Option<&str>,
    cursor: Option<Cursor>,
) -> Result<SnapshotResponse, SyncError> {
    let path = snapshot_path(kind, after, until, cursor);
    call::<(), _>(config, "GET", &path, None).await
}

/// A snapshot page's answer as rows, for a device that holds no record of the kind: its
/// text as the browser holds it (the store parses the rows from it, so they never cross
/// into wasm and back) and as read into wasm (`rabet_domain::sync::rows::RowsPage`
/// borrows from it).
pub struct RowsAnswer {
    pub held: js_sys::JsString,
    pub text: String,
}

/// The same page as rows ready to store (see [`RowsAnswer`]), its phases marked.
pub async fn snapshot_rows(
    config: &SyncConfig,
    kind: EntityKind,
    after: Option<&str>,
    until: Option<&str>,
    cursor: Option<Cursor>,
    phases: &mut Phases,
) -> Result<RowsAnswer, SyncError> {
    let path = snapshot_path(kind, after, until, cursor) + "&rows=true";
    let held = call_text::<()>(config, "GET", &path, None).await?;
    phases.end("join: fetched");
    let text = String::from(&held);
    phases.end("join: copied into wasm");
    Ok(RowsAnswer { held, text })
}

async fn call<B: Serialize, T: DeserializeOwned>(
    config: &SyncConfig,
    method: &str,
    path: &str,
    body: Option<&B>,
) -> Result<T, SyncError> {
    let text = String::from(call_text(config, method, path, body).await?);
    serde_json::from_str(&text).map_err(|error| SyncError::BadAnswer(error.to_string()))
}

/// The text of a successful answer, as the browser holds it; a failed one as its
/// [`SyncError`].
async fn call_text<B: Serialize>(
    config: &SyncConfig,
    method: &str,
    path: &str,
    body: Option<&B>,
) -> Result<js_sys::JsString, SyncError> {
    let url = format!(
        "{}/api/v{PROTOCOL}/{path}",
        config.server.trim_end_matches('/')
    );
    let headers = Headers::new().map_err(js_error)?;
    headers
        .set("Authorization", &format!("Bearer {}", config.token))
        .map_err(js_error)?;
    let init = RequestInit::new();
    init.set_method(method);
    if let Some(body) = body {
        let text =
            serde_json::to_string(body).map_err(|error| SyncError::BadAnswer(error.to_string()))?;
        headers
            .set("Content-Type", "application/json")
            .map_err(js_error)?;
        init.set_body(&JsValue::from_str(&text));
    }
    init.set_headers(&headers);
    let request = Request::new_with_str_and_init(&url, &init).map_err(|_| SyncError::BadUrl)?;
    let window = web_sys::window().ok_or(SyncError::Unreachable)?;
    // `fetch` rejects only when no answer came: the network, DNS, CORS or a refused port.
    let response: Response = JsFuture::from(window.fetch_with_request(&request))
        .await
        .map_err(|_| SyncError::Unreachable)?
        .unchecked_into();
    let held: js_sys::JsString = JsFuture::from(response.text().map_err(js_error)?)
        .await
        .map_err(|_| SyncError::Unreachable)?
        .unchecked_into();
    let status = response.status();
    if (200..300).contains(&status) {
        return Ok(held);
    }
    let text = String::from(held);
    let body = serde_json::from_str::<ErrorBody>(&text).ok();
    if let Some(body) = &body {
        match (status, body.error.as_str(), &body.op) {
            (403, "forbidden", Some(op)) => {
                return Err(SyncError::Forbidden {
                    op: op.clone(),
                    reason: body.message.clone(),
                })
            }
            (401, "token_revoked", _) => return Err(SyncError::Revoked),
            (403, "forbidden", None) => return Err(SyncError::NotAdmin(body.message.clone())),
            (410, SNAPSHOT_NEEDED, _) => return Err(SyncError::SnapshotNeeded),
            _ => {}
        }
    }
    let reason = body.map(|body| body.message).unwrap_or(text);
    Err(match status {
        401 | 403 => SyncError::Unauthorized,
        429 => SyncError::RateLimited,
        400..=499 => SyncError::Refused { status, reason },
        _ => SyncError::Server { status, reason },
    })
}

fn js_error(value: JsValue) -> SyncError {
    SyncError::BadAnswer(format!("{value:?}"))
}
