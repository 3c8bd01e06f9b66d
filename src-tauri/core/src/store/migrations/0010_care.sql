-- Schema 10: caring for customers. Every row here is replicated as ops (see sync/fields.rs).

-- Tasks on a case: follow-ups ("Did the new download work?") and phone callbacks. Added once
-- (an append-only set, like notes); `done_ms` is last-writer-wins.
CREATE TABLE tasks (
    uid         TEXT PRIMARY KEY,               -- the same on every replica
    case_id     TEXT NOT NULL REFERENCES cases(id),
    kind        TEXT NOT NULL CHECK (kind IN ('follow-up', 'callback')),
    due_ms      INTEGER NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    phone       TEXT,                           -- callbacks
    time_zone   TEXT,                           -- callbacks: the customer's IANA zone
    author_name TEXT NOT NULL DEFAULT '',
    created_ms  INTEGER NOT NULL,
    done_ms     INTEGER
) STRICT;
CREATE INDEX tasks_due ON tasks(due_ms) WHERE done_ms IS NULL;
CREATE INDEX tasks_case ON tasks(case_id);

-- Small gifts for customers we let down: a bonus product, a discount code, a credit.
CREATE TABLE gifts (
    uid            TEXT PRIMARY KEY,
    case_id        TEXT NOT NULL REFERENCES cases(id),
    customer_email TEXT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('bonus', 'discount', 'credit')),
    description    TEXT NOT NULL,
    amount_minor   INTEGER,
    currency       TEXT,
    author_name    TEXT NOT NULL DEFAULT '',
    created_ms     INTEGER NOT NULL
) STRICT;
CREATE INDEX gifts_customer ON gifts(customer_email);

-- The owner's decision about a serial refunder, per customer address.
CREATE TABLE refunder_decisions (
    email      TEXT PRIMARY KEY,
    decision   TEXT NOT NULL CHECK (decision IN ('refund', 'refund-do-not-sell', 'decline-kindly')),
    decided_ms INTEGER NOT NULL
) STRICT;

-- The owner's word that the case's messages up to this time need no answer ("no reply
-- needed"); a newer message needs one again.
ALTER TABLE cases ADD COLUMN no_reply_needed_ms INTEGER;
