//! Workspaces and member tokens: what the CLI does, kept here so tests can do it too.
//!
//! A token is 32 random bytes, base64url, behind a `rbt_` prefix that makes it easy to spot
//! in a leaked file. Only its SHA-256 is stored; the first [`TOKEN_ID_LEN`] hex digits of
//! that hash are the token's public id, which `token list` shows and `token revoke` accepts.

use crate::storage::{MemberRecord, Storage, StorageError};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use rabet_domain::{id::WireId, sync::Role};
use sha2::{Digest, Sha256};
use std::time::{SystemTime, UNIX_EPOCH};

const TOKEN_PREFIX: &str = "rbt_";
/// Hex digits of a token's hash shown as its id.
pub const TOKEN_ID_LEN: usize = 12;
/// The shortest id prefix `token revoke` accepts, so a typo cannot match many tokens.
const MIN_ID_PREFIX: usize = 8;
/// Everything but RFC 3986's unreserved characters is escaped in invite link values.
const LINK_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The hex SHA-256 of a token: all the server keeps of it.
pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// The public id of a token, from its hash.
pub fn token_id(hash: &str) -> &str {
    &hash[..TOKEN_ID_LEN.min(hash.len())]
}

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0; N];
    getrandom::fill(&mut bytes).expect("the operating system provides randomness");
    bytes
}

/// Makes a workspace and returns its id (a UUIDv7).
pub async fn create_workspace(storage: &dyn Storage, name: &str) -> Result<String, StorageError> {
    let now_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_millis() as u64);
    let id = WireId::v7(now_ms, random_bytes()).to_string();
    storage.create_workspace(&id, name).await?;
    Ok(id)
}

/// A freshly issued token: the secret (shown once), its public id, and whose it is.
#[derive(Debug)]
pub struct IssuedToken {
    pub token: String,
    pub id: String,
    pub member: MemberRecord,
}

fn new_token() -> (String, String) {
    let token = format!(
        "{TOKEN_PREFIX}{}",
        URL_SAFE_NO_PAD.encode(random_bytes::<32>())
    );
    let hash = token_hash(&token);
    (token, hash)
}

/// Issues a token to the member named `member`, an admin if new (see `Storage::add_token`).
pub async fn issue_token(
    storage: &dyn Storage,
    workspace: &str,
    member: &str,
) -> Result<IssuedToken, StorageError> {
    issue_token_as(storage, workspace, member, None, false).await
}

/// Issues a token to the member named `member` (made when new; refused as `MemberExists`
/// when `new_member_only` and the name is taken), giving them `role` when one is given.
pub async fn issue_token_as(
    storage: &dyn Storage,
    workspace: &str,
    member: &str,
    role: Option<Role>,
    new_member_only: bool,
) -> Result<IssuedToken, StorageError> {
    let (token, hash) = new_token();
    let member = storage
        .add_token(workspace, member, role, &hash, new_member_only)
        .await?;
    Ok(IssuedToken {
        id: token_id(&hash).to_owned(),
        token,
        member,
    })
}

/// Issues another token (device) to an existing member, by id.
pub async fn issue_device(
    storage: &dyn Storage,
    workspace: &str,
    member_id: &str,
) -> Result<IssuedToken, StorageError> {
    let (token, hash) = new_token();
    let member = storage.add_device(workspace, member_id, &hash).await?;
    Ok(IssuedToken {
        id: token_id(&hash).to_owned(),
        token,
        member,
    })
}

/// Changes the role of the member holding the token given whole or by a prefix of its id (a
/// member's id is their first token's id); the command line may demote the last admin.
pub async fn change_role(
    storage: &dyn Storage,
    token_or_id: &str,
    role: Role,
) -> Result<MemberRecord, StorageError> {
    let token = find_token(storage, token_or_id).await?;
    storage
        .set_role(&token.workspace, &token.member_id, role, true)
        .await
}

async fn find_token(
    storage: &dyn Storage,
    token_or_id: &str,
) -> Result<crate::storage::TokenRecord, StorageError> {
    let prefix = if token_or_id.starts_with(TOKEN_PREFIX) {
        token_hash(token_or_id)
    } else if token_or_id.len() < MIN_ID_PREFIX {
        return Err(StorageError::NoSuchToken(token_or_id.to_owned()));
    } else {
        token_or_id.to_owned()
    };
    let mut matches = storage.tokens_by_prefix(&prefix).await?;
    match matches.len() {
        0 => Err(StorageError::NoSuchToken(token_or_id.to_owned())),
        1 => Ok(matches.remove(0)),
        _ => Err(StorageError::AmbiguousToken(token_or_id.to_owned())),
    }
}

/// Revokes the token given either whole or by a prefix of its id; returns its id.
pub async fn revoke_token(
    storage: &dyn Storage,
    token_or_id: &str,
) -> Result<String, StorageError> {
    let hash = if token_or_id.starts_with(TOKEN_PREFIX) {
        token_hash(token_or_id)
    } else {
        if token_or_id.len() < MIN_ID_PREFIX {
            return Err(StorageError::NoSuchToken(token_or_id.to_owned()));
        }
        let mut matches = storage.tokens_by_prefix(token_or_id).await?;
        match matches.len() {
            0 => return Err(StorageError::NoSuchToken(token_or_id.to_owned())),
            1 => matches.remove(0).hash,
            _ => return Err(StorageError::AmbiguousToken(token_or_id.to_owned())),
        }
    };
    storage.revoke_token(&hash).await?;
    Ok(token_id(&hash).to_owned())
}

/// The link that connects a member's app: `<app>/join#server=…&token=…`. The token rides in
/// the fragment, which browsers never send to any server.
pub fn invite_link(app_url: &str, server_url: &str, token: &str) -> String {
    let encode = |text| utf8_percent_encode(text, LINK_VALUE);
    format!(
        "{}/join#server={}&token={}",
        app_url.trim_end_matches('/'),
        encode(server_url),
        encode(token)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invite_links_encode_the_server_and_keep_the_token_in_the_fragment() {
        assert_eq!(
            invite_link(
                "https://crm.example/",
                "https://sync.example:8443/x",
                "rbt_a-b_c"
            ),
            "https://crm.example/join#server=https%3A%2F%2Fsync.example%3A8443%2Fx&token=rbt_a-b_c"
        );
    }

    #[test]
    fn hashes_are_hex_sha256_and_ids_their_start() {
        let hash = token_hash("abc");
        assert_eq!(
            hash,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(token_id(&hash), "ba7816bf8f01");
    }
}
