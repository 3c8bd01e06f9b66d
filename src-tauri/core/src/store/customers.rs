//! Customers, keyed by lower-cased email, with aliases in `customer_emails`.

use rusqlite::{Connection, OptionalExtension, params};

use crate::error::Result;

/// The customer who owns `email` (by primary address or alias), created if unknown. A non-empty
/// `name` fills in a customer whose name is still unknown.
pub fn ensure(conn: &Connection, email: &str, name: &str, now_ms: i64) -> Result<i64> {
    let email = email.trim().to_ascii_lowercase();
    if let Some(id) = find(conn, &email)? {
        if !name.is_empty() {
            conn.execute("UPDATE customers SET name = ?2 WHERE id = ?1 AND name = ''", params![id, name])?;
        }
        return Ok(id);
    }
    conn.execute(
        "INSERT INTO customers (email, name, created_ms) VALUES (?1, ?2, ?3)",
        params![email, name, now_ms],
    )?;
    let id = conn.last_insert_rowid();
    conn.execute("INSERT INTO customer_emails (email, customer_id) VALUES (?1, ?2)", params![email, id])?;
    Ok(id)
}

pub fn find(conn: &Connection, email: &str) -> Result<Option<i64>> {
    Ok(conn
        .query_row(
            "SELECT customer_id FROM customer_emails WHERE email = ?1",
            [email.trim().to_ascii_lowercase()],
            |r| r.get(0),
        )
        .optional()?)
}

pub struct Customer {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub aliases: Vec<String>,
}

pub fn get(conn: &Connection, id: i64) -> Result<Option<Customer>> {
    let Some((email, name)) = conn
        .query_row("SELECT email, name FROM customers WHERE id = ?1", [id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
    else {
        return Ok(None);
    };
    let mut stmt = conn.prepare("SELECT email FROM customer_emails WHERE customer_id = ?1 AND email != ?2 ORDER BY email")?;
    let aliases = stmt.query_map(params![id, email], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    Ok(Some(Customer { id, email, name, aliases }))
}
