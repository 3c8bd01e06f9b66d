-- Schema 2: what triage suggested (apart from the lane a person chose), tags, the owner's review,
-- and the owner's corrections of triage.

ALTER TABLE cases ADD COLUMN suggested_lane TEXT NOT NULL DEFAULT 'assistant'
    CHECK (suggested_lane IN ('owner-excellent', 'owner-angry', 'assistant'));
ALTER TABLE cases ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';         -- JSON array: spam, auto-reply, …
ALTER TABLE cases ADD COLUMN reviewed INTEGER NOT NULL DEFAULT 0;     -- the owner has seen it in review

UPDATE cases SET suggested_lane = lane;

-- "Not angry", "not a VIP": the owner says triage was wrong about a case; the correction wins.
CREATE TABLE triage_corrections (
    case_id    TEXT NOT NULL REFERENCES cases(id),
    correction TEXT NOT NULL CHECK (correction IN ('not-angry', 'not-excellent')),
    created_ms INTEGER NOT NULL,
    PRIMARY KEY (case_id, correction)
) STRICT;
