//! The support mailbox account and its per-folder IMAP cursors.

use rusqlite::{Connection, OptionalExtension, params};

use crate::error::{Error, Result};

#[derive(Debug, Clone, PartialEq)]
pub struct Account {
    pub id: i64,
    pub email: String,
    pub imap_host: String,
    pub imap_port: u16,
    pub smtp_host: String,
    pub smtp_port: u16,
    pub username: String,
    pub security: String,
    /// The environment variable holding the password, read at each connection.
    pub password_env: Option<String>,
    /// Or the name of the password's entry in the OS keychain.
    pub keychain_entry: Option<String>,
    /// `google` or `microsoft` when the mailbox signs in with OAuth2; then `keychain_entry` names
    /// the keychain entry holding its tokens. `None`: a password.
    pub oauth_provider: Option<String>,
}

/// Adds the account (or updates the one with the same address) and returns it.
pub fn upsert(conn: &Connection, a: &Account, now_ms: i64) -> Result<Account> {
    conn.prepare_cached(
        "INSERT INTO accounts (email, imap_host, imap_port, smtp_host, smtp_port, username, security, password_env,
                               created_ms, keychain_entry, oauth_provider)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
         ON CONFLICT(email) DO UPDATE SET imap_host = excluded.imap_host, imap_port = excluded.imap_port,
           smtp_host = excluded.smtp_host, smtp_port = excluded.smtp_port, username = excluded.username,
           security = excluded.security, password_env = excluded.password_env,
           keychain_entry = excluded.keychain_entry, oauth_provider = excluded.oauth_provider",
    )?
    .execute(params![
        a.email,
        a.imap_host,
        a.imap_port,
        a.smtp_host,
        a.smtp_port,
        a.username,
        a.security,
        a.password_env,
        now_ms,
        a.keychain_entry,
        a.oauth_provider
    ])?;
    first(conn)?.ok_or_else(|| Error::Invalid("the account was not saved".into()))
}

/// The support mailbox (Kindly serves one per store).
pub fn first(conn: &Connection) -> Result<Option<Account>> {
    Ok(conn
        .prepare_cached(
            "SELECT id, email, imap_host, imap_port, smtp_host, smtp_port, username, security, password_env,
                    keychain_entry, oauth_provider
             FROM accounts ORDER BY id LIMIT 1",
        )?
        .query_row([], |r| {
            Ok(Account {
                id: r.get(0)?,
                email: r.get(1)?,
                imap_host: r.get(2)?,
                imap_port: r.get(3)?,
                smtp_host: r.get(4)?,
                smtp_port: r.get(5)?,
                username: r.get(6)?,
                security: r.get(7)?,
                password_env: r.get(8)?,
                keychain_entry: r.get(9)?,
                oauth_provider: r.get(10)?,
            })
        })
        .optional()?)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub uid_validity: u32,
    pub last_uid: u32,
}

pub fn cursor(conn: &Connection, account_id: i64, folder: &str) -> Result<Option<Cursor>> {
    Ok(conn
        .prepare_cached("SELECT uid_validity, last_uid FROM folders WHERE account_id = ?1 AND name = ?2")?
        .query_row(params![account_id, folder], |r| Ok(Cursor { uid_validity: r.get(0)?, last_uid: r.get(1)? }))
        .optional()?)
}

/// The folder's HIGHESTMODSEQ when it was last read in full (CONDSTORE servers).
pub fn modseq(conn: &Connection, account_id: i64, folder: &str) -> Result<Option<u64>> {
    Ok(conn
        .prepare_cached("SELECT highest_modseq FROM folders WHERE account_id = ?1 AND name = ?2")?
        .query_row(params![account_id, folder], |r| r.get::<_, Option<i64>>(0))
        .optional()?
        .flatten()
        .map(|m| m as u64))
}

pub fn set_modseq(conn: &Connection, account_id: i64, folder: &str, modseq: Option<u64>) -> Result<()> {
    conn.prepare_cached("UPDATE folders SET highest_modseq = ?3 WHERE account_id = ?1 AND name = ?2")?
        .execute(params![account_id, folder, modseq.map(|m| m as i64)])?;
    Ok(())
}

pub fn set_cursor(conn: &Connection, account_id: i64, folder: &str, c: Cursor, now_ms: i64) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO folders (account_id, name, uid_validity, last_uid, synced_ms) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT(account_id, name) DO UPDATE SET uid_validity = excluded.uid_validity,
           last_uid = excluded.last_uid, synced_ms = excluded.synced_ms",
    )?
    .execute(params![account_id, folder, c.uid_validity, c.last_uid, now_ms])?;
    Ok(())
}
