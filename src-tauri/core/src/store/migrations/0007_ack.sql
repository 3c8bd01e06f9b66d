-- Schema 7: what an outbox item is. `ack` is the automatic acknowledgement (never an answer).

ALTER TABLE outbox ADD COLUMN kind TEXT NOT NULL DEFAULT 'reply' CHECK (kind IN ('reply', 'ack'));
CREATE INDEX outbox_ack_to ON outbox(to_email, created_ms) WHERE kind = 'ack';
