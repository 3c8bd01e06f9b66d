-- Schema 5: two replicas, one mailbox. Every case-state change is an op in `ops`, written in the same
-- transaction as the change and replicated through the mailbox's `Kindly.sync` folder.

-- Who works the case. NULL: whoever its lane says (owner lanes → owner, assistant lane → assistant).
ALTER TABLE cases ADD COLUMN assignee TEXT CHECK (assignee IN ('owner', 'assistant'));
-- The status has two sources: the newest message (ours → waiting, theirs → open) and a person's
-- decision. The newer of the two wins, so every replica derives the same status from the same facts.
ALTER TABLE cases ADD COLUMN mail_status TEXT NOT NULL DEFAULT 'open'
    CHECK (mail_status IN ('open', 'waiting', 'closed'));
ALTER TABLE cases ADD COLUMN status_set TEXT CHECK (status_set IN ('open', 'waiting', 'closed'));
ALTER TABLE cases ADD COLUMN status_set_ms INTEGER;
UPDATE cases SET mail_status = status;

-- Notes are an append-only set: `uid` is the same on every replica.
ALTER TABLE case_notes ADD COLUMN uid TEXT;
ALTER TABLE case_notes ADD COLUMN author_name TEXT NOT NULL DEFAULT '';
ALTER TABLE case_notes ADD COLUMN private INTEGER NOT NULL DEFAULT 0;  -- owner-only: never leaves the owner's replica
UPDATE case_notes SET uid = 'local-' || id;
CREATE UNIQUE INDEX case_notes_uid ON case_notes(uid);

CREATE TABLE ops (
    op_id      TEXT PRIMARY KEY,                -- random; applying an op twice changes nothing
    hlc        TEXT NOT NULL,                   -- hybrid logical clock: ms-counter-replica, sortable as text
    replica_id TEXT NOT NULL,
    entity     TEXT NOT NULL,                   -- 'case', 'note', 'settings', 'replica'
    entity_id  TEXT NOT NULL,
    field      TEXT NOT NULL,
    value      TEXT NOT NULL,                   -- JSON
    private    INTEGER NOT NULL DEFAULT 0,      -- never pushed
    pushed     INTEGER NOT NULL DEFAULT 0,      -- in the sync folder (or came from it)
    push_batch TEXT,                            -- the batch it is being pushed in: looked for after a crash
    applied    INTEGER NOT NULL DEFAULT 0       -- 0: waits for its case to arrive by mail
) STRICT;
CREATE INDEX ops_unpushed ON ops(hlc) WHERE pushed = 0 AND private = 0;
CREATE INDEX ops_pending ON ops(hlc) WHERE applied = 0;
CREATE INDEX ops_field ON ops(entity, entity_id, field, hlc);

-- Last writer wins per field: the HLC of the op whose value a field holds.
CREATE TABLE field_clocks (
    entity    TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    field     TEXT NOT NULL,
    hlc       TEXT NOT NULL,
    PRIMARY KEY (entity, entity_id, field)
) STRICT, WITHOUT ROWID;

-- The replicas we have heard from, for "Dana is replying".
CREATE TABLE replicas (
    id           TEXT PRIMARY KEY,
    role         TEXT NOT NULL,
    name         TEXT NOT NULL DEFAULT '',
    last_seen_ms INTEGER NOT NULL,
    replying_case     TEXT,                     -- the case they have a reply open on, until …
    replying_until_ms INTEGER
) STRICT;
