-- Schema 8: a mailbox password may live in the OS keychain; the store keeps only the entry's name.

ALTER TABLE accounts ADD COLUMN keychain_entry TEXT;
