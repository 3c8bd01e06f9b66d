-- The search index reads its text from messages instead of keeping a copy of every subject, body
-- and sender of its own: a bulk import writes each body once less, and the store is smaller.
-- Messages are never edited or deleted one by one (the demo reset empties the index with
-- 'delete-all'), so the index cannot fall out of step with its content.
CREATE VIEW messages_search_text AS
    SELECT id, subject, body_text AS body, from_name || ' ' || from_email AS sender FROM messages;
DROP TABLE messages_fts;
CREATE VIRTUAL TABLE messages_fts USING fts5(
    subject, body, sender,
    content = 'messages_search_text', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');
