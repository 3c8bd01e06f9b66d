-- Schema 12: learning from what customers tell us. A person tags a case as a suggestion (with a
-- topic) or names the topic of a complaint (else it is read from the mail); once the thing is
-- shipped or fixed, everyone who asked is thanked, once.

ALTER TABLE cases ADD COLUMN suggestion TEXT;          -- the suggestion's topic
ALTER TABLE cases ADD COLUMN complaint TEXT;           -- a complaint topic a person chose
ALTER TABLE cases ADD COLUMN feedback_thanked_ms INTEGER;

-- A suggestion shipped, or a complaint's cause fixed (`key`: kind, product and topic).
CREATE TABLE feedback_done (
    key     TEXT PRIMARY KEY,
    done_ms INTEGER NOT NULL
) STRICT;
