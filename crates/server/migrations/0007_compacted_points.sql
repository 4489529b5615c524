-- A compacted row keeps its op's JSON only once the trim has removed the op from the log:
-- while the op is in the log the row points at it by `seq` (`body` NULL), so each op's JSON
-- is stored once instead of twice. SQL both SQLite and PostgreSQL accept, as in 0001; SQLite
-- cannot drop a column's NOT NULL, so the table is built again.
CREATE TABLE compacted_pointing (
    workspace TEXT NOT NULL REFERENCES workspaces (id),
    entity TEXT NOT NULL,
    record TEXT NOT NULL,
    field TEXT NOT NULL,
    precedence TEXT NOT NULL,
    seq BIGINT NOT NULL,
    body TEXT,
    PRIMARY KEY (workspace, entity, record, field)
);

INSERT INTO compacted_pointing (workspace, entity, record, field, precedence, seq, body)
SELECT c.workspace, c.entity, c.record, c.field, c.precedence, c.seq,
       CASE WHEN EXISTS (SELECT 1 FROM ops o WHERE o.workspace = c.workspace AND o.seq = c.seq)
            THEN NULL ELSE c.body END
FROM compacted c;

DROP TABLE compacted;
ALTER TABLE compacted_pointing RENAME TO compacted;
