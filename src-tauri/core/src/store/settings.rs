//! Key/value settings. Typed accessors live next to the feature that owns the setting.

use rusqlite::{Connection, OptionalExtension, params};

use crate::error::Result;

pub fn get(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn.prepare_cached("SELECT value FROM settings WHERE key = ?1")?.query_row([key], |r| r.get(0)).optional()?)
}

pub fn set(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    )?
    .execute(params![key, value])?;
    Ok(())
}

pub fn get_i64(conn: &Connection, key: &str, default: i64) -> Result<i64> {
    Ok(get(conn, key)?.and_then(|v| v.parse().ok()).unwrap_or(default))
}

/// Our own addresses: mail from these is outbound (a reply from the business).
pub const SUPPORT_ADDRESSES: &str = "support_addresses";
/// Set when the store holds the built-in demo inbox.
pub const DEMO: &str = "demo";
pub const ROLE: &str = "role";

pub fn support_addresses(conn: &Connection) -> Result<Vec<String>> {
    Ok(get(conn, SUPPORT_ADDRESSES)?
        .and_then(|v| serde_json::from_str::<Vec<String>>(&v).ok())
        .unwrap_or_default()
        .into_iter()
        .map(|a| a.to_ascii_lowercase())
        .collect())
}
