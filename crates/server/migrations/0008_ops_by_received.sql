-- The trim looks for the last op received before the history window: without an index on
-- when ops were received it read every op in the log (8.5 s at start on the 10,000-contact
-- sample). With this one it reads only the ops it finds old. SQL both SQLite and PostgreSQL
-- accept, as in 0001.
CREATE INDEX ops_by_received ON ops (workspace, received_at, seq);
