//! Customers, keyed by lower-cased email, with aliases in `customer_emails`.

use rusqlite::{Connection, OptionalExtension, params};

use crate::error::Result;

/// The customer who owns `email` (by primary address or alias), created if unknown. A non-empty
/// `name` fills in a customer whose name is still unknown.
pub fn ensure(conn: &Connection, email: &str, name: &str, now_ms: i64) -> Result<i64> {
    ensure_or_alias(conn, email, name, now_ms, || Ok(None))
}

/// `ensure`, except that an unknown `email` first goes to `alias_of`, which may make it a known
/// customer's alias and says whose; only when it does not is a new customer created.
pub fn ensure_or_alias(
    conn: &Connection,
    email: &str,
    name: &str,
    now_ms: i64,
    alias_of: impl FnOnce() -> Result<Option<i64>>,
) -> Result<i64> {
    let email = email.trim().to_ascii_lowercase();
    match find_named(conn, &email)? {
        Some(known) => fill_name(conn, known, name),
        None => match alias_of()? {
            Some(id) => Ok(id),
            None => create(conn, &email, name, now_ms),
        },
    }
}

/// A known customer and whether their name is still unknown.
struct Known {
    id: i64,
    unnamed: bool,
}

/// The customer who owns `email` (lower case), with whether their name is still unknown, in one
/// lookup.
fn find_named(conn: &Connection, email: &str) -> Result<Option<Known>> {
    Ok(conn
        .prepare_cached(
            "SELECT e.customer_id, c.name = '' FROM customer_emails e JOIN customers c ON c.id = e.customer_id
             WHERE e.email = ?1",
        )?
        .query_row([email], |r| Ok(Known { id: r.get(0)?, unnamed: r.get(1)? }))
        .optional()?)
}

/// A non-empty `name` fills in a customer whose name is still unknown.
fn fill_name(conn: &Connection, known: Known, name: &str) -> Result<i64> {
    if known.unnamed && !name.is_empty() {
        conn.prepare_cached("UPDATE customers SET name = ?2 WHERE id = ?1 AND name = ''")?
            .execute(params![known.id, name])?;
    }
    Ok(known.id)
}

/// A new customer with `email` (lower case) as their primary address.
fn create(conn: &Connection, email: &str, name: &str, now_ms: i64) -> Result<i64> {
    conn.prepare_cached("INSERT INTO customers (email, name, created_ms) VALUES (?1, ?2, ?3)")?
        .execute(params![email, name, now_ms])?;
    let id = conn.last_insert_rowid();
    conn.prepare_cached("INSERT INTO customer_emails (email, customer_id) VALUES (?1, ?2)")?
        .execute(params![email, id])?;
    Ok(id)
}

pub fn find(conn: &Connection, email: &str) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached("SELECT customer_id FROM customer_emails WHERE email = ?1")?
        .query_row([email.trim().to_ascii_lowercase()], |r| r.get(0))
        .optional()?)
}

/// Records `alias` as another address of `customer_id` (no-op if already known).
pub fn link_alias(conn: &Connection, alias: &str, customer_id: i64) -> Result<()> {
    conn.prepare_cached("INSERT OR IGNORE INTO customer_emails (email, customer_id) VALUES (?1, ?2)")?
        .execute(params![alias.trim().to_ascii_lowercase(), customer_id])?;
    Ok(())
}

pub fn name(conn: &Connection, id: i64) -> Result<Option<String>> {
    Ok(conn.prepare_cached("SELECT name FROM customers WHERE id = ?1")?.query_row([id], |r| r.get(0)).optional()?)
}

pub struct Customer {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub aliases: Vec<String>,
}

pub fn get(conn: &Connection, id: i64) -> Result<Option<Customer>> {
    let Some((email, name)) = conn
        .prepare_cached("SELECT email, name FROM customers WHERE id = ?1")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
    else {
        return Ok(None);
    };
    let mut stmt =
        conn.prepare("SELECT email FROM customer_emails WHERE customer_id = ?1 AND email != ?2 ORDER BY email")?;
    let aliases = stmt.query_map(params![id, email], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    Ok(Some(Customer { id, email, name, aliases }))
}
