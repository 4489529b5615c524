//! Where workspaces, member tokens and ops are kept.
//!
//! The HTTP layer and the CLI see only the [`Storage`] trait. [`SqlStorage`] implements it
//! for an embedded SQLite file (the default) and for PostgreSQL (`DATABASE_URL`) with the same
//! SQL through sqlx's `Any` driver, so both backends behave alike by construction.
//!
//! Ops are opaque here: they are stored as JSON under their id and handed back in order,
//! as the very text stored.

use async_trait::async_trait;
use futures_util::TryStreamExt;
use rabet_domain::sync::{Cursor, PushResponse};
use serde::Serialize;
use serde_json::value::RawValue;
use sqlx::{
    any::{AnyPoolOptions, AnyRow},
    migrate::{MigrateError, Migrator},
    sqlite::SqliteConnectOptions,
    AnyPool, ConnectOptions, Row,
};
use std::{
    path::{Path, PathBuf},
    time::{Duration, SystemTime, UNIX_EPOCH},
};

static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// File name of the embedded database inside `--data-dir`.
pub const SQLITE_FILE: &str = "rabet.db";

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("database migration failed: {0}")]
    Migrate(#[from] MigrateError),
    #[error("no workspace with id {0:?}")]
    NoSuchWorkspace(String),
    #[error("no token matches {0:?}")]
    NoSuchToken(String),
    #[error("{0:?} matches several tokens; give more of the id")]
    AmbiguousToken(String),
    #[error("stored op at seq {seq} is unreadable: {reason}")]
    Corrupt { seq: i64, reason: String },
}

/// Where the data lives: a SQLite file in a folder, or any database URL sqlx knows
/// (`postgres://…`, `sqlite://…`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DatabaseLocation {
    DataDir(PathBuf),
    Url(String),
}

impl DatabaseLocation {
    /// `DATABASE_URL` when set, otherwise the SQLite file in `data_dir`.
    pub fn new(data_dir: &Path, database_url: Option<String>) -> Self {
        match database_url {
            Some(url) if !url.is_empty() => DatabaseLocation::Url(url),
            _ => DatabaseLocation::DataDir(data_dir.to_path_buf()),
        }
    }
}

/// The member a token belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    pub workspace: String,
    pub workspace_name: String,
    pub name: String,
    pub revoked: bool,
}

/// A token as listed: never the token itself, only its hash (whose start is its public id).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenRecord {
    pub hash: String,
    pub workspace: String,
    pub member: String,
    pub created_at_ms: i64,
    pub revoked_at_ms: Option<i64>,
}

/// A validated op, ready to store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredOp {
    /// The op's id, unique within a workspace.
    pub id: String,
    /// Its stamp's sort key, kept for inspection.
    pub sort_key: String,
    /// The op as JSON, relayed as is.
    pub json: String,
}

/// One page of a pull: `rabet_domain::sync::PullResponse` with its ops as stored JSON text.
#[derive(Debug, Serialize)]
pub struct PullPage {
    pub ops: Vec<Box<RawValue>>,
    pub next: Cursor,
    pub more: bool,
}

/// Everything the server persists. Every method is one transaction.
#[async_trait]
pub trait Storage: Send + Sync {
    /// Whether the database answers; health checks call it.
    async fn check(&self) -> Result<(), StorageError>;

    /// Makes an empty workspace.
    async fn create_workspace(&self, id: &str, name: &str) -> Result<(), StorageError>;

    /// Records a member's token by its hash.
    async fn add_token(
        &self,
        workspace: &str,
        member: &str,
        token_hash: &str,
    ) -> Result<(), StorageError>;

    /// The member holding the token with this hash, revoked or not.
    async fn member(&self, token_hash: &str) -> Result<Option<Member>, StorageError>;

    /// Tokens whose hash starts with `hash_prefix` (lowercase hex), in any workspace.
    async fn tokens_by_prefix(&self, hash_prefix: &str) -> Result<Vec<TokenRecord>, StorageError>;

    /// A workspace's tokens, oldest first.
    async fn tokens_of(&self, workspace: &str) -> Result<Vec<TokenRecord>, StorageError>;

    /// Marks a token revoked; a token already revoked keeps its first revocation time.
    async fn revoke_token(&self, token_hash: &str) -> Result<(), StorageError>;

    /// Stores the ops the workspace does not hold yet (by op id), numbering them after the
    /// workspace's latest sequence number in commit order. The ops must be validated.
    async fn push(&self, workspace: &str, ops: &[StoredOp]) -> Result<PushResponse, StorageError>;

    /// Up to `limit` ops numbered after `after`, oldest first, and no more of them than fit
    /// in `max_bytes` of JSON (but always one, when there is one).
    async fn pull(
        &self,
        workspace: &str,
        after: Cursor,
        limit: u32,
        max_bytes: usize,
    ) -> Result<PullPage, StorageError>;
}

/// [`Storage`] in SQLite or PostgreSQL.
pub struct SqlStorage {
    pool: AnyPool,
    /// SQLite has one writer at a time: queueing pushes here is fairer and faster than
    /// SQLite's sleeping busy handler. PostgreSQL orders writers with the row lock instead.
    sqlite_writer: Option<tokio::sync::Mutex<()>>,
}

impl SqlStorage {
    /// Connects (creating the SQLite file if needed) and brings the schema up to date.
    pub async fn open(location: &DatabaseLocation) -> Result<Self, StorageError> {
        sqlx::any::install_default_drivers();
        let url = match location {
            DatabaseLocation::DataDir(dir) => {
                std::fs::create_dir_all(dir).map_err(sqlx::Error::Io)?;
                SqliteConnectOptions::new()
                    .filename(dir.join(SQLITE_FILE))
                    .create_if_missing(true)
                    .to_url_lossy()
                    .to_string()
            }
            DatabaseLocation::Url(url) => url.clone(),
        };
        let is_sqlite = url.starts_with("sqlite:");
        let pool = AnyPoolOptions::new()
            .max_connections(if is_sqlite { 4 } else { 16 })
            .acquire_timeout(Duration::from_secs(5))
            .connect(&url)
            .await?;
        if is_sqlite {
            // Readers never wait for the writer in WAL mode; the setting stays with the file.
            sqlx::query("PRAGMA journal_mode = WAL")
                .execute(&pool)
                .await?;
        }
        MIGRATOR.run(&pool).await?;
        Ok(SqlStorage {
            pool,
            sqlite_writer: is_sqlite.then(|| tokio::sync::Mutex::new(())),
        })
    }

    /// Closes every connection, waiting for those in use to come back.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_millis() as i64)
}

fn token_record(row: &AnyRow) -> Result<TokenRecord, sqlx::Error> {
    Ok(TokenRecord {
        hash: row.try_get("hash")?,
        workspace: row.try_get("workspace")?,
        member: row.try_get("member")?,
        created_at_ms: row.try_get("created_at")?,
        revoked_at_ms: row.try_get("revoked_at")?,
    })
}

const TOKEN_COLUMNS: &str = "hash, workspace, member, created_at, revoked_at";

#[async_trait]
impl Storage for SqlStorage {
    async fn check(&self) -> Result<(), StorageError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn create_workspace(&self, id: &str, name: &str) -> Result<(), StorageError> {
        sqlx::query("INSERT INTO workspaces (id, name, seq, created_at) VALUES ($1, $2, 0, $3)")
            .bind(id)
            .bind(name)
            .bind(now_ms())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn add_token(
        &self,
        workspace: &str,
        member: &str,
        token_hash: &str,
    ) -> Result<(), StorageError> {
        let added = sqlx::query(
            "INSERT INTO tokens (hash, workspace, member, created_at) \
             SELECT $1, id, $3, $4 FROM workspaces WHERE id = $2",
        )
        .bind(token_hash)
        .bind(workspace)
        .bind(member)
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        if added.rows_affected() == 0 {
            return Err(StorageError::NoSuchWorkspace(workspace.to_owned()));
        }
        Ok(())
    }

    async fn member(&self, token_hash: &str) -> Result<Option<Member>, StorageError> {
        let row = sqlx::query(
            "SELECT t.workspace, w.name, t.member, t.revoked_at \
             FROM tokens t JOIN workspaces w ON w.id = t.workspace WHERE t.hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        Ok(Some(Member {
            workspace: row.try_get("workspace")?,
            workspace_name: row.try_get("name")?,
            name: row.try_get("member")?,
            revoked: row.try_get::<Option<i64>, _>("revoked_at")?.is_some(),
        }))
    }

    async fn tokens_by_prefix(&self, hash_prefix: &str) -> Result<Vec<TokenRecord>, StorageError> {
        // Hex digits only, so the prefix cannot smuggle LIKE wildcards in.
        if !hash_prefix.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Ok(Vec::new());
        }
        let sql = format!("SELECT {TOKEN_COLUMNS} FROM tokens WHERE hash LIKE $1");
        let rows = sqlx::query(&sql)
            .bind(format!("{}%", hash_prefix.to_ascii_lowercase()))
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.iter().map(token_record).collect::<Result<_, _>>()?)
    }

    async fn tokens_of(&self, workspace: &str) -> Result<Vec<TokenRecord>, StorageError> {
        let sql = format!(
            "SELECT {TOKEN_COLUMNS} FROM tokens WHERE workspace = $1 ORDER BY created_at, hash"
        );
        let rows = sqlx::query(&sql)
            .bind(workspace)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.iter().map(token_record).collect::<Result<_, _>>()?)
    }

    async fn revoke_token(&self, token_hash: &str) -> Result<(), StorageError> {
        let found =
            sqlx::query("UPDATE tokens SET revoked_at = COALESCE(revoked_at, $2) WHERE hash = $1")
                .bind(token_hash)
                .bind(now_ms())
                .execute(&self.pool)
                .await?;
        if found.rows_affected() == 0 {
            return Err(StorageError::NoSuchToken(token_hash.to_owned()));
        }
        Ok(())
    }

    async fn push(&self, workspace: &str, ops: &[StoredOp]) -> Result<PushResponse, StorageError> {
        let _writer = match &self.sqlite_writer {
            Some(writer) => Some(writer.lock().await),
            None => None,
        };
        let mut tx = self.pool.begin().await?;
        // Lock the workspace's counter first and hold it until commit: every other push to
        // this workspace, from any server process, waits here, so sequence numbers are given
        // out in commit order and a pull can never see a later number before an earlier one.
        let locked: Option<i64> =
            sqlx::query_scalar("UPDATE workspaces SET seq = seq WHERE id = $1 RETURNING seq")
                .bind(workspace)
                .fetch_optional(&mut *tx)
                .await?;
        let Some(latest) = locked else {
            return Err(StorageError::NoSuchWorkspace(workspace.to_owned()));
        };
        let mut stored: i64 = 0;
        for op in ops {
            let inserted = sqlx::query(
                "INSERT INTO ops (workspace, seq, op_id, body, stamp) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (workspace, op_id) DO NOTHING",
            )
            .bind(workspace)
            .bind(latest + stored + 1)
            .bind(&op.id)
            .bind(&op.json)
            .bind(&op.sort_key)
            .execute(&mut *tx)
            .await?;
            // Only new ops take a number; a retried push numbers nothing twice.
            stored += inserted.rows_affected() as i64;
        }
        let latest = if stored > 0 {
            sqlx::query_scalar("UPDATE workspaces SET seq = seq + $2 WHERE id = $1 RETURNING seq")
                .bind(workspace)
                .bind(stored)
                .fetch_one(&mut *tx)
                .await?
        } else {
            latest
        };
        tx.commit().await?;
        Ok(PushResponse {
            stored: stored as usize,
            latest: latest as Cursor,
        })
    }

    async fn pull(
        &self,
        workspace: &str,
        after: Cursor,
        limit: u32,
        max_bytes: usize,
    ) -> Result<PullPage, StorageError> {
        let after = i64::try_from(after).unwrap_or(i64::MAX);
        // Rows are read one by one and the page closed when full, so a page of large ops is
        // never held beyond its budget. One row more than fits tells that more follow.
        let mut rows = sqlx::query(
            "SELECT seq, body FROM ops WHERE workspace = $1 AND seq > $2 ORDER BY seq LIMIT $3",
        )
        .bind(workspace)
        .bind(after)
        .bind(i64::from(limit) + 1)
        .fetch(&self.pool);
        let (mut ops, mut bytes, mut next, mut more) = (Vec::new(), 0, after, false);
        while let Some(row) = rows.try_next().await? {
            let seq: i64 = row.try_get("seq")?;
            let body: String = row.try_get("body")?;
            if ops.len() == limit as usize || (!ops.is_empty() && bytes + body.len() > max_bytes) {
                more = true;
                break;
            }
            // The op's text and the comma after it.
            bytes += body.len() + 1;
            let op = RawValue::from_string(body).map_err(|error| StorageError::Corrupt {
                seq,
                reason: error.to_string(),
            })?;
            ops.push(op);
            next = seq;
        }
        Ok(PullPage {
            ops,
            next: next as Cursor,
            more,
        })
    }
}
