-- Why a message was not sent, as a stable code (`DeadLetterReason::as_str`: quota_reached,
-- gateway_unreachable, …) beside `error`'s words, so the app words it in the reader's
-- language without reading the server's English. Empty for rows written before it (read
-- as `other`), and for a queued row never tried.
ALTER TABLE outbox ADD COLUMN reason TEXT NOT NULL DEFAULT '';
