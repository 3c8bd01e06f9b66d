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

/// Our own addresses, as configured (the account's, `import --ours`): mail from these is outbound
/// (a reply from the business).
pub const SUPPORT_ADDRESSES: &str = "support_addresses";
/// Our addresses as an import with none configured inferred them (`mail::ours`).
pub const INFERRED_ADDRESSES: &str = "support_addresses.inferred";
/// Set when the store holds the built-in demo inbox.
pub const DEMO: &str = "demo";
pub const ROLE: &str = "role";

/// Every address that is ours: configured first, then inferred.
pub fn support_addresses(conn: &Connection) -> Result<Vec<String>> {
    let mut all = configured_addresses(conn)?;
    for a in inferred_addresses(conn)? {
        if !all.contains(&a) {
            all.push(a);
        }
    }
    Ok(all)
}

pub fn configured_addresses(conn: &Connection) -> Result<Vec<String>> {
    address_list(conn, SUPPORT_ADDRESSES)
}

pub fn inferred_addresses(conn: &Connection) -> Result<Vec<String>> {
    address_list(conn, INFERRED_ADDRESSES)
}

pub fn set_address_list(conn: &Connection, key: &str, addresses: &[String]) -> Result<()> {
    let mut list: Vec<String> = Vec::with_capacity(addresses.len());
    for a in addresses.iter().map(|a| a.trim().to_ascii_lowercase()).filter(|a| !a.is_empty()) {
        if !list.contains(&a) {
            list.push(a);
        }
    }
    set(conn, key, &serde_json::Value::from(list).to_string())
}

fn address_list(conn: &Connection, key: &str) -> Result<Vec<String>> {
    Ok(get(conn, key)?
        .and_then(|v| serde_json::from_str::<Vec<String>>(&v).ok())
        .unwrap_or_default()
        .into_iter()
        .map(|a| a.to_ascii_lowercase())
        .collect())
}
