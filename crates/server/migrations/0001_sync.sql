-- The sync server's tables. One file for SQLite and PostgreSQL alike: keep it to SQL both
-- accept (TEXT, BIGINT, ON CONFLICT), so the two backends can never drift apart.

-- A team's shared log of ops; `seq` is the sequence number of its latest op.
CREATE TABLE workspaces (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    seq BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);

-- Member tokens, kept only as the hex SHA-256 of the token.
CREATE TABLE tokens (
    hash TEXT PRIMARY KEY,
    workspace TEXT NOT NULL REFERENCES workspaces (id),
    member TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE INDEX tokens_by_workspace ON tokens (workspace);

-- Every op ever pushed, once per op id, numbered in commit order within its workspace.
-- `body` is the op's JSON as received; `stamp` is its HLC sort key, kept for inspection.
CREATE TABLE ops (
    workspace TEXT NOT NULL REFERENCES workspaces (id),
    seq BIGINT NOT NULL,
    op_id TEXT NOT NULL,
    body TEXT NOT NULL,
    stamp TEXT NOT NULL,
    PRIMARY KEY (workspace, seq),
    UNIQUE (workspace, op_id)
);
