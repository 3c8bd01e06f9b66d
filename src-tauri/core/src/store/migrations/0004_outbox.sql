-- Schema 4: the outbox. A reply is written here in the same transaction as the case change; a
-- worker sends it. `attempts` is counted before each try, so a crash mid-send is visible.

CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    case_id         TEXT NOT NULL REFERENCES cases(id),
    message_id      TEXT NOT NULL UNIQUE,          -- the reply's Message-ID: how Sent is searched
    to_email        TEXT NOT NULL,
    raw             BLOB NOT NULL,                 -- the message exactly as it will be sent
    state           TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'parked')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_ms INTEGER NOT NULL,
    last_error      TEXT,
    case_seen_ms    INTEGER NOT NULL,              -- the case's newest message when the reply was written
    created_ms      INTEGER NOT NULL,
    sent_ms         INTEGER
) STRICT;
CREATE INDEX outbox_due ON outbox(state, next_attempt_ms);
