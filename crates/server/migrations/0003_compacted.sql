-- Compacted state, the op log's trim, and records' history. SQL both SQLite and PostgreSQL
-- accept, as in 0001.

-- Per workspace, record and field, the op that wins: a new device downloads this instead of
-- replaying the whole log. `precedence` is the hex of the op's stamp sort key followed by the
-- hex of its op id: hex digits order the same in every collation, so the database compares
-- which op wins (`compacted.rs`). `body` is the op's JSON as stored in `ops`, which a trim
-- may remove; `seq` is its sequence number.
CREATE TABLE compacted (
    workspace TEXT NOT NULL REFERENCES workspaces (id),
    entity TEXT NOT NULL,
    record TEXT NOT NULL,
    field TEXT NOT NULL,
    precedence TEXT NOT NULL,
    seq BIGINT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (workspace, entity, record, field)
);

-- Each op's record (a record's history is read by it) and when the server received it (the
-- trim keeps recent history). Ops from before this migration get their record at start and
-- no time (they count as old).
ALTER TABLE ops ADD COLUMN entity TEXT;
ALTER TABLE ops ADD COLUMN record TEXT;
ALTER TABLE ops ADD COLUMN received_at BIGINT;
CREATE INDEX ops_by_record ON ops (workspace, entity, record, seq);
CREATE INDEX ops_without_record ON ops (workspace, seq) WHERE entity IS NULL;

-- The log holds no op numbered at or below `trimmed_through`.
ALTER TABLE workspaces ADD COLUMN trimmed_through BIGINT NOT NULL DEFAULT 0;

-- Where each device (token) last read the log from, and when: a trim keeps what active
-- devices still need.
ALTER TABLE tokens ADD COLUMN read_through BIGINT;
ALTER TABLE tokens ADD COLUMN read_at BIGINT;
