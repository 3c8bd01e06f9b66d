//! The outbox: replies waiting to be sent, being sent, sent, or parked with a visible reason.

use rusqlite::{Connection, params};

use crate::error::Result;

#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub id: i64,
    pub case_id: String,
    pub message_id: String,
    pub to_email: String,
    pub raw: Vec<u8>,
    pub state: String,
    pub attempts: u32,
    pub last_error: Option<String>,
    pub case_seen_ms: i64,
    pub created_ms: i64,
    pub kind: String,
}

pub struct NewItem<'a> {
    pub case_id: &'a str,
    pub message_id: &'a str,
    pub to_email: &'a str,
    pub raw: &'a [u8],
    pub case_seen_ms: i64,
}

pub fn queue(conn: &Connection, item: &NewItem<'_>, now_ms: i64) -> Result<i64> {
    queue_kind(conn, item, "reply", now_ms)
}

/// Queues a `reply` or an `ack` (the automatic acknowledgement).
pub fn queue_kind(conn: &Connection, item: &NewItem<'_>, kind: &str, now_ms: i64) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO outbox (case_id, message_id, to_email, raw, state, next_attempt_ms, case_seen_ms, created_ms, kind)
         VALUES (?1, ?2, ?3, ?4, 'queued', ?5, ?6, ?5, ?7)",
    )?
    .execute(params![item.case_id, item.message_id, item.to_email, item.raw, now_ms, item.case_seen_ms, kind])?;
    Ok(conn.last_insert_rowid())
}

const COLUMNS: &str =
    "id, case_id, message_id, to_email, raw, state, attempts, last_error, case_seen_ms, created_ms, kind";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Item> {
    Ok(Item {
        id: r.get(0)?,
        case_id: r.get(1)?,
        message_id: r.get(2)?,
        to_email: r.get(3)?,
        raw: r.get(4)?,
        state: r.get(5)?,
        attempts: r.get(6)?,
        last_error: r.get(7)?,
        case_seen_ms: r.get(8)?,
        created_ms: r.get(9)?,
        kind: r.get(10)?,
    })
}

/// Queued items whose time has come, and items left `sending` by a crash.
pub fn due(conn: &Connection, now_ms: i64) -> Result<Vec<Item>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM outbox WHERE (state = 'queued' AND next_attempt_ms <= ?1) OR state = 'sending' ORDER BY id"
    ))?;
    let rows = stmt.query_map([now_ms], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn for_case(conn: &Connection, case_id: &str) -> Result<Vec<Item>> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {COLUMNS} FROM outbox WHERE case_id = ?1 ORDER BY id"))?;
    let rows = stmt.query_map([case_id], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn all(conn: &Connection) -> Result<Vec<Item>> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {COLUMNS} FROM outbox ORDER BY id"))?;
    let rows = stmt.query_map([], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Records the intent to send, counting the attempt, before anything leaves the machine.
pub fn begin_attempt(conn: &Connection, id: i64) -> Result<()> {
    conn.prepare_cached("UPDATE outbox SET state = 'sending', attempts = attempts + 1 WHERE id = ?1")?.execute([id])?;
    Ok(())
}

pub fn mark_sent(conn: &Connection, id: i64, now_ms: i64) -> Result<()> {
    conn.prepare_cached("UPDATE outbox SET state = 'sent', sent_ms = ?2, last_error = NULL WHERE id = ?1")?
        .execute(params![id, now_ms])?;
    Ok(())
}

/// A failed try: back to the queue for `retry_at_ms`, or parked (`None`) with the reason.
pub fn mark_failed(conn: &Connection, id: i64, error: &str, retry_at_ms: Option<i64>) -> Result<()> {
    match retry_at_ms {
        Some(at) => conn
            .prepare_cached("UPDATE outbox SET state = 'queued', next_attempt_ms = ?2, last_error = ?3 WHERE id = ?1")?
            .execute(params![id, at, error])?,
        None => conn
            .prepare_cached("UPDATE outbox SET state = 'parked', last_error = ?2 WHERE id = ?1")?
            .execute(params![id, error])?,
    };
    Ok(())
}

/// Replies not yet sent and not parked.
pub fn waiting_count(conn: &Connection) -> Result<i64> {
    Ok(conn
        .prepare_cached("SELECT count(*) FROM outbox WHERE state IN ('queued', 'sending')")?
        .query_row([], |r| r.get(0))?)
}
