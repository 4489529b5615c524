-- Roles and authors. SQL both SQLite and PostgreSQL accept, as in 0001.

-- A workspace's members. A member's id is the public id of the first token issued to them
-- (the first 12 hex digits of its hash); their tokens are their devices.
CREATE TABLE members (
    id TEXT PRIMARY KEY,
    workspace TEXT NOT NULL REFERENCES workspaces (id),
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (workspace, name)
);

-- Every member known before roles existed is an admin, so a deployment keeps working as it
-- did (everyone could write everything); a token's member was its name.
INSERT INTO members (id, workspace, name, role, created_at)
SELECT substr(MIN(hash), 1, 12), workspace, member, 'admin', MIN(created_at)
FROM tokens GROUP BY workspace, member;

ALTER TABLE tokens ADD COLUMN member_id TEXT REFERENCES members (id);
UPDATE tokens SET member_id = (
    SELECT m.id FROM members m WHERE m.workspace = tokens.workspace AND m.name = tokens.member
);

-- The member whose push stored the op. NULL until the server, at start, has recorded the
-- creators of records pushed before authors existed; '' (unknown) after.
ALTER TABLE ops ADD COLUMN author TEXT;
-- Finds them at start without reading the whole log (empty once they are recorded).
CREATE INDEX ops_without_author ON ops (workspace, seq) WHERE author IS NULL;

-- Who created each record: the author of its first accepted op ('' when unknown, for
-- records from before authors). Members may delete only what they created.
CREATE TABLE creators (
    workspace TEXT NOT NULL REFERENCES workspaces (id),
    entity TEXT NOT NULL,
    record TEXT NOT NULL,
    author TEXT NOT NULL,
    PRIMARY KEY (workspace, entity, record)
);
