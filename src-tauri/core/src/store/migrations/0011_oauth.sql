-- Schema 11: a mailbox may sign in with OAuth2 (Google, Microsoft) instead of a password. The
-- column names the provider (`google` | `microsoft`); NULL means a password. The tokens live in
-- the OS keychain under `keychain_entry`, never here.
-- (Numbered 0011: 0010 belongs to other work; on merge it is applied before this one.)

ALTER TABLE accounts ADD COLUMN oauth_provider TEXT CHECK (oauth_provider IN ('google', 'microsoft'));
