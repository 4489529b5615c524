//! Where workspaces, member tokens and ops are kept.
//!
//! The HTTP layer and the CLI see only the [`Storage`] trait. [`SqlStorage`] implements it
//! for an embedded SQLite file (the default) and for PostgreSQL (`DATABASE_URL`) with the same
//! SQL through sqlx's `Any` driver, so both backends behave alike by construction.
//!
//! Ops are opaque here: they are stored as JSON under their id and handed back in order,
//! as the very text stored. Of each op the storage knows only its author, its kind and
//! record (to remember who created each record) and whether it deletes (to let a member
//! delete only what they created).

use crate::admin::token_id;
use crate::compacted::{self, Candidate};
use async_trait::async_trait;
use futures_util::TryStreamExt;
use rabet_domain::op::Op;
use rabet_domain::sync::{AuthoredOp, Cursor, DeadLetter, PushResponse, Role};
use rabet_domain::{hlc::Stamp, id::WireId, kind::EntityKind};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use sqlx::{
    any::{AnyPoolOptions, AnyRow},
    migrate::{MigrateError, Migrator},
    sqlite::SqliteConnectOptions,
    AnyPool, ConnectOptions, Row,
};
use std::{
    collections::HashSet,
    path::{Path, PathBuf},
    time::{Duration, SystemTime, UNIX_EPOCH},
};

static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// Rows of one statement recording records' creators (two parameters each, within the
/// limits of both SQLite and PostgreSQL).
const CREATORS_PER_STATEMENT: usize = 250;

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
    #[error("no member {0:?} in this workspace")]
    NoSuchMember(String),
    #[error("the workspace already has a member named {0:?}")]
    MemberExists(String),
    #[error("the workspace would be left without an admin who can sync")]
    LastAdmin,
    #[error("stored role {0:?} is unknown")]
    BadRole(String),
    #[error("the log was trimmed through {through}: join again by snapshot")]
    Trimmed { through: Cursor },
    #[error("compressing a prepared snapshot page failed: {0}")]
    Compress(#[from] std::io::Error),
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
    /// The member's id: the public id of their first token.
    pub id: String,
    pub name: String,
    pub role: Role,
    /// Whether this token (device) is revoked.
    pub revoked: bool,
}

/// A member as listed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemberRecord {
    pub id: String,
    pub workspace: String,
    pub name: String,
    pub role: Role,
    pub created_at_ms: i64,
}

/// A token as listed: never the token itself, only its hash (whose start is its public id).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenRecord {
    pub hash: String,
    pub workspace: String,
    /// The member's name.
    pub member: String,
    pub member_id: String,
    pub created_at_ms: i64,
    pub revoked_at_ms: Option<i64>,
    /// When the device last pulled (`note_read`).
    pub read_at_ms: Option<i64>,
}

/// A validated op, ready to store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredOp {
    /// The op's id, unique within a workspace.
    pub id: String,
    /// Its stamp's sort key, kept for inspection.
    pub sort_key: String,
    /// The op as JSON (its author included), relayed as is.
    pub json: String,
    /// The stable name of the op's kind.
    pub entity: &'static str,
    pub record: String,
    pub field: String,
    /// Whether it sets `deleted` to `true`.
    pub deletes: bool,
}

impl StoredOp {
    /// An op the server itself writes (automation), authored by `author`.
    pub fn authored(op: &Op, author: &str) -> StoredOp {
        let authored = AuthoredOp {
            id: op.id.clone(),
            entity: op.entity,
            record: op.record.clone(),
            field: op.field.clone(),
            value: op.value.clone(),
            stamp: op.stamp.clone(),
            author: Some(author.to_owned()),
        };
        StoredOp {
            id: op.id.to_string(),
            sort_key: op.stamp.to_sort_key(),
            json: serde_json::to_string(&authored).expect("an op always serializes"),
            entity: op.entity.as_str(),
            record: op.record.to_string(),
            field: op.field.clone(),
            deletes: op.deletes(),
        }
    }
}

/// What a push did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PushOutcome {
    Stored(PushResponse),
    /// Nothing stored: the op at `index` deletes a record someone else created (its creator's
    /// member id, `""` when unknown), and the push allowed only the author's own deletions.
    NotCreator {
        index: usize,
        creator: String,
    },
}

/// One page of a pull: `rabet_domain::sync::PullResponse` with its ops as stored JSON text.
#[derive(Debug, Serialize)]
pub struct PullPage {
    pub ops: Vec<Box<RawValue>>,
    pub next: Cursor,
    pub more: bool,
}

/// A page of a kind's compacted state, and the cursor it is at least as new as.
#[derive(Debug)]
pub struct SnapshotPage {
    pub page: compacted::Page,
    pub cursor: Cursor,
    /// When asked for: each kind's records (see [`compacted::count_records`]).
    pub totals: Option<Vec<(String, u64)>>,
    /// When asked for: where each kind's parts end (see [`compacted::splits`]).
    pub splits: Option<Vec<(String, String)>>,
}

/// A record's ops as the server holds them, oldest first.
#[derive(Debug)]
pub struct History {
    pub ops: Vec<Box<RawValue>>,
    pub complete: bool,
}

/// When the op log may be trimmed: below the oldest cursor an active device still needs, and
/// only ops received before the history window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TrimPolicy {
    /// A device that has not read the log for this long no longer holds the log back (it
    /// joins again by snapshot when it returns).
    pub inactive_after_ms: i64,
    /// Ops received this recently stay, so records' field history stays whole for this long.
    pub keep_history_ms: i64,
}

/// What a trim did to one workspace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trimmed {
    pub workspace: String,
    /// No op at or below this is left in the log.
    pub through: Cursor,
    pub removed: u64,
}

/// Everything the server persists. Every method is one transaction.
#[async_trait]
pub trait Storage: Send + Sync {
    /// Whether the database answers; health checks call it.
    async fn check(&self) -> Result<(), StorageError>;

    /// Makes an empty workspace.
    async fn create_workspace(&self, id: &str, name: &str) -> Result<(), StorageError>;

    /// Every workspace's id, in id order.
    async fn workspace_ids(&self) -> Result<Vec<String>, StorageError>;

    /// Records a token (by its hash) for the workspace's member named `member`, made when
    /// new — unless `new_member_only`, when an existing name is refused (`MemberExists`). A
    /// new member's role is `role`, or without one: admin when the workspace has no member
    /// yet, member otherwise; an existing member takes `role` when one is given.
    async fn add_token(
        &self,
        workspace: &str,
        member: &str,
        role: Option<Role>,
        token_hash: &str,
        new_member_only: bool,
    ) -> Result<MemberRecord, StorageError>;

    /// Records another token (device) for an existing member of the workspace.
    async fn add_device(
        &self,
        workspace: &str,
        member_id: &str,
        token_hash: &str,
    ) -> Result<MemberRecord, StorageError>;

    /// A workspace's members, oldest first.
    async fn members_of(&self, workspace: &str) -> Result<Vec<MemberRecord>, StorageError>;

    /// Changes a member's role. Refused (`LastAdmin`) when it would leave no other admin with
    /// an unrevoked token, unless `force` (the command line, which needs no token).
    async fn set_role(
        &self,
        workspace: &str,
        member_id: &str,
        role: Role,
        force: bool,
    ) -> Result<MemberRecord, StorageError>;

    /// The member holding the token with this hash, revoked or not.
    async fn member(&self, token_hash: &str) -> Result<Option<Member>, StorageError>;

    /// Tokens whose hash starts with `hash_prefix` (lowercase hex), in any workspace.
    async fn tokens_by_prefix(&self, hash_prefix: &str) -> Result<Vec<TokenRecord>, StorageError>;

    /// A workspace's tokens, oldest first.
    async fn tokens_of(&self, workspace: &str) -> Result<Vec<TokenRecord>, StorageError>;

    /// Marks a token revoked; a token already revoked keeps its first revocation time.
    async fn revoke_token(&self, token_hash: &str) -> Result<(), StorageError>;

    /// Stores the ops the workspace does not hold yet (by op id), numbering them after the
    /// workspace's latest sequence number in commit order, as pushed by member `author`
    /// (whose id becomes the creator of each record they are first to write). The ops must
    /// be validated. With `own_deletions_only`, a push holding an op that deletes a record
    /// another member created stores nothing.
    async fn push(
        &self,
        workspace: &str,
        author: &str,
        ops: &[StoredOp],
        own_deletions_only: bool,
    ) -> Result<PushOutcome, StorageError>;

    /// Up to `limit` ops numbered after `after`, oldest first, and no more of them than fit
    /// in `max_bytes` of JSON (but always one, when there is one).
    async fn pull(
        &self,
        workspace: &str,
        after: Cursor,
        limit: u32,
        max_bytes: usize,
    ) -> Result<PullPage, StorageError>;

    /// The workspace's latest sequence number (its newest op's).
    async fn latest(&self, workspace: &str) -> Result<Cursor, StorageError>;

    /// The sequence number through which the workspace's log was trimmed (0 if never).
    async fn trimmed_through(&self, workspace: &str) -> Result<Cursor, StorageError>;

    /// Remembers that the device with this token has every op through `cursor`, now.
    async fn note_read(&self, token_hash: &str, cursor: Cursor) -> Result<(), StorageError>;

    /// A page of the compacted state of `entity` (see [`compacted::page`]), with the cursor
    /// read before it and, when `first` (a join's first page), every kind's number of records
    /// and its parts ([`compacted::splits`]).
    async fn snapshot(
        &self,
        workspace: &str,
        entity: EntityKind,
        range: compacted::Range<'_>,
        limit: u32,
        max_bytes: usize,
        first: bool,
    ) -> Result<SnapshotPage, StorageError>;

    /// A record's ops still in the log and the winning op of each of its fields, oldest
    /// first, the newest that fit in `max_bytes`.
    async fn history(
        &self,
        workspace: &str,
        entity: EntityKind,
        record: &str,
        max_bytes: usize,
    ) -> Result<History, StorageError>;

    /// A workspace's automated messages the server gave up on, newest first.
    async fn dead_letters(&self, workspace: &str) -> Result<Vec<DeadLetter>, StorageError>;

    /// Removes from every workspace's log the ops `policy` lets go (see [`TrimPolicy`]);
    /// their fields' winners stay in the compacted state, and records' creators stay.
    async fn trim(&self, policy: TrimPolicy, now_ms: i64) -> Result<Vec<Trimmed>, StorageError>;
}

/// [`Storage`] in SQLite or PostgreSQL.
pub struct SqlStorage {
    pool: AnyPool,
    /// SQLite has one writer at a time: queueing pushes here is fairer and faster than
    /// SQLite's sleeping busy handler. PostgreSQL orders writers with the row lock instead.
    sqlite_writer: Option<tokio::sync::Mutex<()>>,
}

impl SqlStorage {
    /// Which database this is, where their SQL differs.
    fn dialect(&self) -> compacted::Dialect {
        match self.sqlite_writer {
            Some(_) => compacted::Dialect::Sqlite,
            None => compacted::Dialect::Postgres,
        }
    }

    /// The connection pool, for the modules that keep tables of their own (`delivery`).
    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

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
            // Set only once: switching takes a lock no busy timeout waits for, which a
            // command run beside `serve` would fail to get.
            let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
                .fetch_one(&pool)
                .await?;
            if !mode.eq_ignore_ascii_case("wal") {
                sqlx::query("PRAGMA journal_mode = WAL")
                    .execute(&pool)
                    .await?;
            }
        }
        MIGRATOR.run(&pool).await?;
        let storage = SqlStorage {
            pool,
            sqlite_writer: is_sqlite.then(|| tokio::sync::Mutex::new(())),
        };
        storage.record_old_creators().await?;
        storage.record_old_ops().await?;
        Ok(storage)
    }

    /// Records the creators of records pushed before the server kept authors, as unknown
    /// (`''`: only admins may delete them), and marks those ops' author unknown. Runs once
    /// after the roles migration (and finds nothing to do afterwards), in pages, each page one
    /// transaction, in sequence order so a record's first op is seen first.
    async fn record_old_creators(&self) -> Result<(), StorageError> {
        #[derive(Deserialize)]
        struct Target {
            entity: String,
            record: String,
        }
        loop {
            let rows = sqlx::query(
                "SELECT workspace, seq, body FROM ops WHERE author IS NULL                  ORDER BY workspace, seq LIMIT 1000",
            )
            .fetch_all(&self.pool)
            .await?;
            if rows.is_empty() {
                return Ok(());
            }
            let mut tx = self.begin_write().await?;
            for row in &rows {
                let workspace: String = row.try_get("workspace")?;
                let seq: i64 = row.try_get("seq")?;
                let body: String = row.try_get("body")?;
                if let Ok(target) = serde_json::from_str::<Target>(&body) {
                    sqlx::query(
                        "INSERT INTO creators (workspace, entity, record, author)                          VALUES ($1, $2, $3, '') ON CONFLICT (workspace, entity, record) DO NOTHING",
                    )
                    .bind(&workspace)
                    .bind(&target.entity)
                    .bind(&target.record)
                    .execute(&mut *tx)
                    .await?;
                }
                sqlx::query("UPDATE ops SET author = '' WHERE workspace = $1 AND seq = $2")
                    .bind(&workspace)
                    .bind(seq)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            tracing::info!(
                ops = rows.len(),
                "recorded the creators of records from before roles"
            );
        }
    }

    /// Gives ops stored before the compacted state existed their record, and keeps the ones
    /// that win in the compacted state. Runs once after migration 0003 (then finds nothing),
    /// a page per transaction.
    async fn record_old_ops(&self) -> Result<(), StorageError> {
        #[derive(Deserialize)]
        struct Target {
            id: WireId,
            entity: EntityKind,
            record: String,
            field: String,
            stamp: Stamp,
        }
        loop {
            let rows = sqlx::query(
                "SELECT workspace, seq, body FROM ops WHERE entity IS NULL \
                 ORDER BY workspace, seq LIMIT 1000",
            )
            .fetch_all(&self.pool)
            .await?;
            if rows.is_empty() {
                return Ok(());
            }
            let _writer = self.writer().await;
            let mut tx = self.begin_write().await?;
            let mut read = Vec::with_capacity(rows.len());
            for row in &rows {
                let workspace: String = row.try_get("workspace")?;
                let seq: i64 = row.try_get("seq")?;
                let body: String = row.try_get("body")?;
                let target: Target =
                    serde_json::from_str(&body).map_err(|error| StorageError::Corrupt {
                        seq,
                        reason: error.to_string(),
                    })?;
                sqlx::query(
                    "UPDATE ops SET entity = $3, record = $4 WHERE workspace = $1 AND seq = $2",
                )
                .bind(&workspace)
                .bind(seq)
                .bind(target.entity.as_str())
                .bind(&target.record)
                .execute(&mut *tx)
                .await?;
                read.push((workspace, seq, target));
            }
            for (workspace, seq, target) in &read {
                let candidate = Candidate {
                    entity: target.entity.as_str(),
                    record: &target.record,
                    field: &target.field,
                    precedence: compacted::precedence(
                        &target.stamp.to_sort_key(),
                        target.id.as_str().as_ref(),
                    ),
                    seq: *seq,
                };
                compacted::keep_winners(&mut tx, workspace, vec![candidate]).await?;
            }
            tx.commit().await?;
            tracing::info!(
                ops = rows.len(),
                "kept the winners of ops from before compaction"
            );
        }
    }

    /// Begins a transaction that will write. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`), waiting on the busy timeout for another process's writer (the
    /// command line beside a running `serve`); a plain `BEGIN` that reads first would fail
    /// "database is locked" at its first write, as SQLite does not wait to upgrade a read.
    ///
    /// sqlx's `begin_with` is not cancellation-safe on SQLite: a caller dropped between its
    /// `BEGIN` and its check that a transaction began (a client that hangs up mid-request)
    /// leaves the pooled connection inside a transaction that holds the write lock, and every
    /// later writer fails "database is locked". So it runs to the end on a task of its own; a
    /// caller that went away drops the finished transaction, which rolls it back.
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        if self.sqlite_writer.is_some() {
            let pool = self.pool.clone();
            tokio::spawn(async move { pool.begin_with("BEGIN IMMEDIATE").await })
                .await
                .map_err(|error| sqlx::Error::Protocol(format!("beginning a write: {error}")))?
        } else {
            self.pool.begin().await
        }
    }

    async fn writer(&self) -> Option<tokio::sync::MutexGuard<'_, ()>> {
        match &self.sqlite_writer {
            Some(writer) => Some(writer.lock().await),
            None => None,
        }
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
        member_id: row.try_get("member_id")?,
        created_at_ms: row.try_get("created_at")?,
        revoked_at_ms: row.try_get("revoked_at")?,
        read_at_ms: row.try_get("read_at")?,
    })
}

const TOKEN_COLUMNS: &str =
    "hash, workspace, member, COALESCE(member_id, '') AS member_id, created_at, revoked_at, read_at";

fn role(text: String) -> Result<Role, StorageError> {
    Role::parse(&text).ok_or(StorageError::BadRole(text))
}

fn member_record(row: &AnyRow) -> Result<MemberRecord, StorageError> {
    Ok(MemberRecord {
        id: row.try_get("id")?,
        workspace: row.try_get("workspace")?,
        name: row.try_get("name")?,
        role: role(row.try_get("role")?)?,
        created_at_ms: row.try_get("created_at")?,
    })
}

const MEMBER_COLUMNS: &str = "id, workspace, name, role, created_at";

async fn find_member<'c, E: sqlx::Executor<'c, Database = sqlx::Any>>(
    executor: E,
    workspace: &str,
    column: &str,
    value: &str,
) -> Result<Option<MemberRecord>, StorageError> {
    let sql =
        format!("SELECT {MEMBER_COLUMNS} FROM members WHERE workspace = $1 AND {column} = $2");
    let row = sqlx::query(&sql)
        .bind(workspace)
        .bind(value)
        .fetch_optional(executor)
        .await?;
    row.as_ref().map(member_record).transpose()
}

async fn insert_token(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    member: &MemberRecord,
    token_hash: &str,
) -> Result<(), StorageError> {
    sqlx::query(
        "INSERT INTO tokens (hash, workspace, member, member_id, created_at)          VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(token_hash)
    .bind(&member.workspace)
    .bind(&member.name)
    .bind(&member.id)
    .bind(now_ms())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

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

    async fn workspace_ids(&self) -> Result<Vec<String>, StorageError> {
        Ok(sqlx::query_scalar("SELECT id FROM workspaces ORDER BY id")
            .fetch_all(&self.pool)
            .await?)
    }

    async fn add_token(
        &self,
        workspace: &str,
        member: &str,
        role: Option<Role>,
        token_hash: &str,
        new_member_only: bool,
    ) -> Result<MemberRecord, StorageError> {
        let _writer = self.writer().await;
        let mut tx = self.begin_write().await?;
        let found = find_member(&mut *tx, workspace, "name", member).await?;
        let record = match found {
            Some(_) if new_member_only => {
                return Err(StorageError::MemberExists(member.to_owned()))
            }
            Some(mut record) => {
                if let Some(role) = role.filter(|role| *role != record.role) {
                    sqlx::query("UPDATE members SET role = $2 WHERE id = $1")
                        .bind(&record.id)
                        .bind(role.as_str())
                        .execute(&mut *tx)
                        .await?;
                    record.role = role;
                }
                record
            }
            None => {
                let exists: Option<i64> =
                    sqlx::query_scalar("SELECT seq FROM workspaces WHERE id = $1")
                        .bind(workspace)
                        .fetch_optional(&mut *tx)
                        .await?;
                if exists.is_none() {
                    return Err(StorageError::NoSuchWorkspace(workspace.to_owned()));
                }
                // Admin unless told: the app does not yet hide what a member or viewer may not
                // do (its default pipeline alone would be refused), so a narrower role is
                // given only on purpose, with --role or from the team endpoints.
                let role = role.unwrap_or(Role::Admin);
                let record = MemberRecord {
                    id: token_id(token_hash).to_owned(),
                    workspace: workspace.to_owned(),
                    name: member.to_owned(),
                    role,
                    created_at_ms: now_ms(),
                };
                sqlx::query(
                    "INSERT INTO members (id, workspace, name, role, created_at)                      VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(&record.id)
                .bind(workspace)
                .bind(member)
                .bind(role.as_str())
                .bind(record.created_at_ms)
                .execute(&mut *tx)
                .await?;
                record
            }
        };
        insert_token(&mut tx, &record, token_hash).await?;
        tx.commit().await?;
        Ok(record)
    }

    async fn add_device(
        &self,
        workspace: &str,
        member_id: &str,
        token_hash: &str,
    ) -> Result<MemberRecord, StorageError> {
        let _writer = self.writer().await;
        let mut tx = self.begin_write().await?;
        let record = find_member(&mut *tx, workspace, "id", member_id)
            .await?
            .ok_or_else(|| StorageError::NoSuchMember(member_id.to_owned()))?;
        insert_token(&mut tx, &record, token_hash).await?;
        tx.commit().await?;
        Ok(record)
    }

    async fn members_of(&self, workspace: &str) -> Result<Vec<MemberRecord>, StorageError> {
        let sql = format!(
            "SELECT {MEMBER_COLUMNS} FROM members WHERE workspace = $1 ORDER BY created_at, id"
        );
        let rows = sqlx::query(&sql)
            .bind(workspace)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(member_record).collect()
    }

    async fn set_role(
        &self,
        workspace: &str,
        member_id: &str,
        role: Role,
        force: bool,
    ) -> Result<MemberRecord, StorageError> {
        let _writer = self.writer().await;
        let mut tx = self.begin_write().await?;
        // The workspace row is the lock that orders role changes, as it orders pushes.
        sqlx::query("UPDATE workspaces SET seq = seq WHERE id = $1")
            .bind(workspace)
            .execute(&mut *tx)
            .await?;
        let mut record = find_member(&mut *tx, workspace, "id", member_id)
            .await?
            .ok_or_else(|| StorageError::NoSuchMember(member_id.to_owned()))?;
        if record.role == Role::Admin && role != Role::Admin && !force {
            let others: i64 = sqlx::query_scalar(
                "SELECT COUNT(DISTINCT m.id) FROM members m JOIN tokens t ON t.member_id = m.id                  WHERE m.workspace = $1 AND m.role = 'admin' AND m.id <> $2                  AND t.revoked_at IS NULL",
            )
            .bind(workspace)
            .bind(member_id)
            .fetch_one(&mut *tx)
            .await?;
            if others == 0 {
                return Err(StorageError::LastAdmin);
            }
        }
        sqlx::query("UPDATE members SET role = $2 WHERE id = $1")
            .bind(member_id)
            .bind(role.as_str())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        record.role = role;
        Ok(record)
    }

    async fn member(&self, token_hash: &str) -> Result<Option<Member>, StorageError> {
        let row = sqlx::query(
            "SELECT t.workspace, w.name AS workspace_name, m.id, m.name, m.role, t.revoked_at \
             FROM tokens t JOIN workspaces w ON w.id = t.workspace \
             JOIN members m ON m.id = t.member_id WHERE t.hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        Ok(Some(Member {
            workspace: row.try_get("workspace")?,
            workspace_name: row.try_get("workspace_name")?,
            id: row.try_get("id")?,
            name: row.try_get("name")?,
            role: role(row.try_get("role")?)?,
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

    async fn push(
        &self,
        workspace: &str,
        author: &str,
        ops: &[StoredOp],
        own_deletions_only: bool,
    ) -> Result<PushOutcome, StorageError> {
        let _writer = self.writer().await;
        let mut tx = self.begin_write().await?;
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
        // Creators are read under the lock, so none can change before this push commits. A
        // record without one is created by this very push: its author's own.
        if own_deletions_only {
            for (index, op) in ops.iter().enumerate().filter(|(_, op)| op.deletes) {
                let creator: Option<String> = sqlx::query_scalar(
                    "SELECT author FROM creators \
                     WHERE workspace = $1 AND entity = $2 AND record = $3",
                )
                .bind(workspace)
                .bind(op.entity)
                .bind(&op.record)
                .fetch_optional(&mut *tx)
                .await?;
                if let Some(creator) = creator.filter(|creator| creator != author) {
                    return Ok(PushOutcome::NotCreator { index, creator });
                }
            }
        }
        let mut stored: i64 = 0;
        let mut seen = HashSet::new();
        let mut written = Vec::new();
        let mut candidates = Vec::new();
        let received_at = now_ms();
        for op in ops {
            let seq = latest + stored + 1;
            let inserted = sqlx::query(
                "INSERT INTO ops (workspace, seq, op_id, body, stamp, author, entity, record, \
                 received_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
                 ON CONFLICT (workspace, op_id) DO NOTHING",
            )
            .bind(workspace)
            .bind(seq)
            .bind(&op.id)
            .bind(&op.json)
            .bind(&op.sort_key)
            .bind(author)
            .bind(op.entity)
            .bind(&op.record)
            .bind(received_at)
            .execute(&mut *tx)
            .await?;
            // Only new ops take a number; a retried push numbers nothing twice.
            let new = inserted.rows_affected() as i64;
            stored += new;
            if new > 0 {
                candidates.push(Candidate {
                    entity: op.entity,
                    record: &op.record,
                    field: &op.field,
                    precedence: compacted::precedence(&op.sort_key, &op.id),
                    seq,
                });
            }
            // The first new op on a record names its creator; later ones leave it.
            if new > 0 && seen.insert((op.entity, op.record.as_str())) {
                written.push((op.entity, op.record.as_str()));
            }
        }
        // Records this push wrote, in statements of many rows (fewer round trips); a record
        // that has a creator keeps it.
        for chunk in written.chunks(CREATORS_PER_STATEMENT) {
            let mut sql =
                String::from("INSERT INTO creators (workspace, entity, record, author) VALUES ");
            for row in 0..chunk.len() {
                let at = 3 + row * 2;
                if row > 0 {
                    sql.push(',');
                }
                sql.push_str(&format!("($1, ${at}, ${}, $2)", at + 1));
            }
            sql.push_str(" ON CONFLICT (workspace, entity, record) DO NOTHING");
            let mut query = sqlx::query(&sql).bind(workspace).bind(author);
            for (entity, record) in chunk {
                query = query.bind(*entity).bind(*record);
            }
            query.execute(&mut *tx).await?;
        }
        compacted::keep_winners(&mut tx, workspace, candidates).await?;
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
        Ok(PushOutcome::Stored(PushResponse {
            stored: stored as usize,
            latest: latest as Cursor,
        }))
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
            ops.push(compacted::raw(seq, body)?);
            next = seq;
        }
        drop(rows);
        // Read after the ops: a trim removes ops and moves this mark in one transaction, so
        // if the ops read missed any, this read sees the mark that says so.
        let trimmed = trimmed_through(&self.pool, workspace).await?;
        if after < trimmed {
            return Err(StorageError::Trimmed {
                through: trimmed as Cursor,
            });
        }
        Ok(PullPage {
            ops,
            next: next as Cursor,
            more,
        })
    }

    async fn latest(&self, workspace: &str) -> Result<Cursor, StorageError> {
        let seq: Option<i64> = sqlx::query_scalar("SELECT seq FROM workspaces WHERE id = $1")
            .bind(workspace)
            .fetch_optional(&self.pool)
            .await?;
        let seq = seq.ok_or_else(|| StorageError::NoSuchWorkspace(workspace.to_owned()))?;
        Ok(seq as Cursor)
    }

    async fn trimmed_through(&self, workspace: &str) -> Result<Cursor, StorageError> {
        Ok(trimmed_through(&self.pool, workspace).await?.max(0) as Cursor)
    }

    async fn note_read(&self, token_hash: &str, cursor: Cursor) -> Result<(), StorageError> {
        let _writer = self.writer().await;
        sqlx::query("UPDATE tokens SET read_through = $2, read_at = $3 WHERE hash = $1")
            .bind(token_hash)
            .bind(i64::try_from(cursor).unwrap_or(i64::MAX))
            .bind(now_ms())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn snapshot(
        &self,
        workspace: &str,
        entity: EntityKind,
        range: compacted::Range<'_>,
        limit: u32,
        max_bytes: usize,
        first: bool,
    ) -> Result<SnapshotPage, StorageError> {
        // Read before the state: every op numbered up to it is already there.
        let cursor: Option<i64> = sqlx::query_scalar("SELECT seq FROM workspaces WHERE id = $1")
            .bind(workspace)
            .fetch_optional(&self.pool)
            .await?;
        let cursor = cursor.ok_or_else(|| StorageError::NoSuchWorkspace(workspace.to_owned()))?;
        let (totals, splits) = match first {
            true => (
                Some(compacted::count_records(&self.pool, workspace).await?),
                Some(compacted::splits(&self.pool, workspace, compacted::PART_RECORDS).await?),
            ),
            false => (None, None),
        };
        let started = std::time::Instant::now();
        let page = compacted::page(
            &self.pool,
            self.dialect(),
            workspace,
            entity.as_str(),
            range,
            limit,
            max_bytes,
        )
        .await?;
        tracing::debug!(
            kind = entity.as_str(),
            records = page.records,
            ops = page.ops().count(),
            read_ms = started.elapsed().as_secs_f64() * 1e3,
            "snapshot page read"
        );
        Ok(SnapshotPage {
            page,
            cursor: cursor as Cursor,
            totals,
            splits,
        })
    }

    async fn history(
        &self,
        workspace: &str,
        entity: EntityKind,
        record: &str,
        max_bytes: usize,
    ) -> Result<History, StorageError> {
        let mut by_seq: std::collections::BTreeMap<i64, String> =
            compacted::record_ops(&self.pool, workspace, entity.as_str(), record)
                .await?
                .into_iter()
                .collect();
        let mut bytes: usize = by_seq.values().map(|body| body.len() + 1).sum();
        let mut rows = sqlx::query(
            "SELECT seq, body FROM ops WHERE workspace = $1 AND entity = $2 AND record = $3 \
             ORDER BY seq DESC",
        )
        .bind(workspace)
        .bind(entity.as_str())
        .bind(record)
        .fetch(&self.pool);
        let mut cut = false;
        while let Some(row) = rows.try_next().await? {
            let seq: i64 = row.try_get("seq")?;
            if by_seq.contains_key(&seq) {
                continue;
            }
            let body: String = row.try_get("body")?;
            if bytes + body.len() > max_bytes {
                cut = true;
                break;
            }
            bytes += body.len() + 1;
            by_seq.insert(seq, body);
        }
        drop(rows);
        let trimmed = trimmed_through(&self.pool, workspace).await?;
        let ops = by_seq
            .into_iter()
            .map(|(seq, body)| compacted::raw(seq, body))
            .collect::<Result<_, _>>()?;
        Ok(History {
            ops,
            complete: !cut && trimmed == 0,
        })
    }

    async fn dead_letters(&self, workspace: &str) -> Result<Vec<DeadLetter>, StorageError> {
        crate::delivery::dead_letters(&self.pool, workspace).await
    }

    async fn trim(&self, policy: TrimPolicy, now_ms: i64) -> Result<Vec<Trimmed>, StorageError> {
        let mut done = Vec::new();
        for workspace in self.workspace_ids().await? {
            let _writer = self.writer().await;
            let mut tx = self.begin_write().await?;
            // The workspace's row orders the trim with pushes and other trims.
            let (latest, trimmed): (i64, i64) = {
                let row = sqlx::query(
                    "UPDATE workspaces SET seq = seq WHERE id = $1 RETURNING seq, trimmed_through",
                )
                .bind(&workspace)
                .fetch_one(&mut *tx)
                .await?;
                (row.try_get("seq")?, row.try_get("trimmed_through")?)
            };
            // The oldest cursor of a device that read the log lately and is not revoked; a
            // device that never read it joins by snapshot and needs none of it.
            let needed: Option<i64> = sqlx::query_scalar(
                "SELECT MIN(read_through) FROM tokens WHERE workspace = $1 \
                 AND revoked_at IS NULL AND read_at >= $2",
            )
            .bind(&workspace)
            .bind(now_ms - policy.inactive_after_ms)
            .fetch_one(&mut *tx)
            .await?;
            let needed = needed.unwrap_or(latest).min(latest);
            let through: Option<i64> = sqlx::query_scalar(LAST_OLD_OP)
                .bind(&workspace)
                .bind(trimmed)
                .bind(needed)
                .bind(now_ms - policy.keep_history_ms)
                .fetch_one(&mut *tx)
                .await?;
            let Some(through) = through else {
                continue;
            };
            compacted::keep_trimmed_bodies(&mut tx, &workspace, through).await?;
            let removed = sqlx::query("DELETE FROM ops WHERE workspace = $1 AND seq <= $2")
                .bind(&workspace)
                .bind(through)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            sqlx::query("UPDATE workspaces SET trimmed_through = $2 WHERE id = $1")
                .bind(&workspace)
                .bind(through)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            tracing::info!(%workspace, through, removed, "trimmed the op log");
            done.push(Trimmed {
                workspace,
                through: through as Cursor,
                removed,
            });
        }
        Ok(done)
    }
}

/// The last op in `($2, $3]` of workspace `$1` received before `$4`, the history window's
/// start (ops from before the server kept times count as old). Each half reads the index
/// `ops_by_received` for the old ops alone; one `OR` of the two would read the whole log.
/// The second half's unary `+` keeps SQLite from reading the log's primary key by `seq`
/// instead, every op between the bounds (both databases accept it).
const LAST_OLD_OP: &str = "SELECT MAX(seq) FROM (\
     SELECT MAX(seq) AS seq FROM ops WHERE workspace = $1 AND received_at IS NULL \
     AND seq > $2 AND seq <= $3 \
     UNION ALL \
     SELECT MAX(seq) AS seq FROM ops WHERE workspace = $1 AND received_at < $4 \
     AND +seq > $2 AND +seq <= $3) AS old";

/// The workspace's trim mark (0 for one never trimmed or unknown).
async fn trimmed_through<'c>(
    executor: impl sqlx::Executor<'c, Database = sqlx::Any>,
    workspace: &str,
) -> Result<i64, StorageError> {
    let trimmed: Option<i64> =
        sqlx::query_scalar("SELECT trimmed_through FROM workspaces WHERE id = $1")
            .bind(workspace)
            .fetch_optional(executor)
            .await?;
    Ok(trimmed.unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::{DatabaseLocation, SqlStorage, LAST_OLD_OP};
    use sqlx::Row;

    /// The trim's search for old ops reads the index on when ops were received, never the
    /// whole log (it once took 8.5 s at every start on the 10,000-contact sample).
    #[tokio::test]
    async fn trim_finds_old_ops_by_index() {
        let dir = tempfile::tempdir().unwrap();
        let storage = SqlStorage::open(&DatabaseLocation::DataDir(dir.path().to_owned()))
            .await
            .unwrap();
        let plan: Vec<String> = sqlx::query(&format!("EXPLAIN QUERY PLAN {LAST_OLD_OP}"))
            .bind("workspace")
            .bind(0_i64)
            .bind(10_i64)
            .bind(1_000_i64)
            .fetch_all(storage.pool())
            .await
            .unwrap()
            .iter()
            .map(|step| step.get::<String, _>("detail"))
            .collect();
        let by_index = plan
            .iter()
            .filter(|step| step.contains("INDEX ops_by_received"))
            .count();
        assert_eq!(by_index, 2, "each half searches the index: {plan:?}");
        assert!(
            !plan.iter().any(|step| step.starts_with("SCAN ops")),
            "{plan:?}"
        );
    }
}
