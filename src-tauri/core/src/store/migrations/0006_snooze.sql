-- Schema 6: snooze. A snoozed case leaves the open queues until `snoozed_until_ms`, or until the
-- customer writes again after it was snoozed (`snooze_set_ms`), whichever comes first.

ALTER TABLE cases ADD COLUMN snoozed_until_ms INTEGER;
ALTER TABLE cases ADD COLUMN snooze_set_ms INTEGER;
