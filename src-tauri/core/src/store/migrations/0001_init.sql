-- Kindly case store, schema 1. Never edit a shipped migration: add a new numbered file.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- Raw message bytes, content-addressed by the SHA-256 of the normalized message, zstd-compressed, so a
-- parser fix can re-parse everything.
CREATE TABLE raw_messages (
    hash TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    zstd BLOB NOT NULL
) STRICT;

CREATE TABLE customers (
    id         INTEGER PRIMARY KEY,
    email      TEXT NOT NULL UNIQUE,            -- primary address, lower case
    name       TEXT NOT NULL DEFAULT '',
    created_ms INTEGER NOT NULL
) STRICT;

CREATE TABLE customer_emails (
    email       TEXT PRIMARY KEY,               -- lower case; the primary address is listed too
    customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE
) STRICT;
CREATE INDEX customer_emails_customer ON customer_emails(customer_id);

CREATE TABLE cases (
    id              TEXT PRIMARY KEY,           -- hash of the thread root's Message-ID: same on every replica
    root_message_id TEXT NOT NULL,
    subject         TEXT NOT NULL,
    customer_id     INTEGER REFERENCES customers(id),
    customer_email  TEXT NOT NULL,
    customer_name   TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'waiting', 'closed')),
    lane            TEXT NOT NULL DEFAULT 'assistant'
                    CHECK (lane IN ('owner-excellent', 'owner-angry', 'assistant')),
    lane_manual     INTEGER NOT NULL DEFAULT 0, -- set by a person: re-triage never overwrites it
    score           REAL NOT NULL DEFAULT 0,
    reasons         TEXT NOT NULL DEFAULT '[]', -- JSON array of sentences
    unreadable      INTEGER NOT NULL DEFAULT 0,
    created_ms      INTEGER NOT NULL,
    last_message_ms INTEGER NOT NULL,
    last_inbound_ms INTEGER
) STRICT;
CREATE INDEX cases_lane ON cases(lane, status);
CREATE INDEX cases_customer ON cases(customer_id);
CREATE INDEX cases_customer_email ON cases(customer_email);

CREATE TABLE messages (
    id                 INTEGER PRIMARY KEY,
    message_id         TEXT NOT NULL,           -- with angle brackets; synthesized from the hash when missing
    hash               TEXT NOT NULL UNIQUE REFERENCES raw_messages(hash),
    case_id            TEXT NOT NULL REFERENCES cases(id),
    direction          TEXT NOT NULL CHECK (direction IN ('inbound', 'outbound')),
    from_email         TEXT NOT NULL,
    from_name          TEXT NOT NULL,
    to_emails          TEXT NOT NULL,           -- JSON array
    subject            TEXT NOT NULL,
    normalized_subject TEXT NOT NULL,
    date_ms            INTEGER NOT NULL,
    in_reply_to        TEXT,
    refs               TEXT NOT NULL DEFAULT '[]', -- JSON array of Message-IDs, root first
    body_text          TEXT NOT NULL,
    body_html          TEXT,                    -- as received; sanitized on the way out, never stored sanitized
    attachments        TEXT NOT NULL DEFAULT '[]', -- JSON array of {name, mime, size}
    automated          INTEGER NOT NULL DEFAULT 0, -- auto-reply, bulk or list mail, bounces
    unreadable         INTEGER NOT NULL DEFAULT 0,
    parse_error        TEXT,
    imported_ms        INTEGER NOT NULL
) STRICT;
CREATE INDEX messages_message_id ON messages(message_id);
CREATE INDEX messages_case ON messages(case_id, date_ms);

CREATE TABLE orders (
    source       TEXT NOT NULL,                 -- 'generic', 'stripe', 'gumroad'
    order_id     TEXT NOT NULL,
    customer_id  INTEGER NOT NULL REFERENCES customers(id),
    product      TEXT NOT NULL,
    amount_minor INTEGER NOT NULL,
    currency     TEXT NOT NULL,
    purchased_ms INTEGER NOT NULL,
    refunded_ms  INTEGER,
    PRIMARY KEY (source, order_id)
) STRICT;
CREATE INDEX orders_customer ON orders(customer_id);

CREATE TABLE case_notes (
    id          INTEGER PRIMARY KEY,
    case_id     TEXT NOT NULL REFERENCES cases(id),
    author_role TEXT NOT NULL,
    body        TEXT NOT NULL,
    created_ms  INTEGER NOT NULL
) STRICT;
CREATE INDEX case_notes_case ON case_notes(case_id);

-- Full-text search; rowid = messages.id, written in the same transaction as the message.
CREATE VIRTUAL TABLE messages_fts USING fts5(
    subject, body, sender,
    tokenize = 'unicode61 remove_diacritics 2'
);
