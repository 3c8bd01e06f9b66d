-- Schema 14: orders replicate. An imported order is an op (entity `order`, field `record`) like any
-- other shared change, so the assistant sees the same purchase history (and the same lanes) as the
-- owner. `record_hlc` is the clock of the record the row's purchase details come from: the newest
-- wins; a refund, once known from any record, stays.
ALTER TABLE orders ADD COLUMN record_hlc TEXT;
