-- Schema 3: the support mailbox and per-folder IMAP cursors. Passwords are never stored here:
-- only the name of the environment variable that holds one (or, later, a keychain entry).

CREATE TABLE accounts (
    id           INTEGER PRIMARY KEY,
    email        TEXT NOT NULL UNIQUE,
    imap_host    TEXT NOT NULL,
    imap_port    INTEGER NOT NULL,
    smtp_host    TEXT NOT NULL,
    smtp_port    INTEGER NOT NULL,
    username     TEXT NOT NULL,
    security     TEXT NOT NULL CHECK (security IN ('tls', 'starttls', 'none')),
    password_env TEXT,
    created_ms   INTEGER NOT NULL
) STRICT;

-- Where ingest stands in each folder. The cursor moves only after the messages up to it are
-- committed; a new UIDVALIDITY starts the folder over (dedupe keeps it free of duplicates).
CREATE TABLE folders (
    account_id     INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    name           TEXT NOT NULL,
    uid_validity   INTEGER NOT NULL,
    last_uid       INTEGER NOT NULL,
    highest_modseq INTEGER,
    synced_ms      INTEGER NOT NULL,
    PRIMARY KEY (account_id, name)
) STRICT;
