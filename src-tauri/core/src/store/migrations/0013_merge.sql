-- Schema 13: one case per customer problem. A case can show inside another: merged by a person
-- (an op, last writer wins) or automatically, when a customer writes several mails about orders
-- bought in one session. Messages keep their own thread's case (`home_case`) so a merge can be
-- undone exactly; `case_id` is where they show.

ALTER TABLE messages ADD COLUMN home_case TEXT;
UPDATE messages SET home_case = case_id;
CREATE INDEX messages_home ON messages(home_case);

ALTER TABLE cases ADD COLUMN manual_merge TEXT;      -- a person's decision: {"into": id} or {"into": null} (keep apart)
ALTER TABLE cases ADD COLUMN auto_merge TEXT;        -- the purchase-session rule's target, computed from mail and orders
ALTER TABLE cases ADD COLUMN merge_note TEXT;        -- why, in words
ALTER TABLE cases ADD COLUMN shown_in TEXT;          -- the case it shows in (after following merges), NULL: itself
