-- Automated messages the server sends (e-mail, SMS), as in 0001 SQL both SQLite and
-- PostgreSQL accept. One row per message action of a run the automation sweep fired, keyed
-- by the run's derived id and the action's position, so a run fired again queues nothing
-- twice. `state` is queued (to try at `next_at`), sent, or dead (tried `attempts` times, or
-- refused for good; `error` says why, in words, and the run's log shows it too).
CREATE TABLE outbox (
    workspace TEXT NOT NULL REFERENCES workspaces (id),
    run TEXT NOT NULL,
    action BIGINT NOT NULL,
    via TEXT NOT NULL,
    recipient TEXT NOT NULL,
    contact TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts BIGINT NOT NULL,
    next_at BIGINT NOT NULL,
    error TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    sent_at BIGINT,
    PRIMARY KEY (workspace, run, action)
);
-- What is due, and what each workspace sent lately (its daily quota).
CREATE INDEX outbox_due ON outbox (state, next_at);
CREATE INDEX outbox_sent ON outbox (workspace, sent_at);
