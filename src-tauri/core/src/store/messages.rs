//! Messages, their raw bytes, and their full-text index rows: written together, one transaction.

use std::io::Read;

use rusqlite::{Connection, OptionalExtension, params};

use crate::error::{Error, Result};
use crate::mail::{Attachment, ParsedMessage};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Inbound,
    Outbound,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Inbound => "inbound",
            Direction::Outbound => "outbound",
        }
    }
}

pub fn hash_exists(conn: &Connection, hash: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM messages WHERE hash = ?1")?
        .query_row([hash], |_| Ok(()))
        .optional()?
        .is_some())
}

pub struct Placement<'a> {
    /// Where it shows (the case its thread's case was merged into, or that case itself).
    pub case_id: &'a str,
    /// Its thread's own case.
    pub home_case: &'a str,
    pub direction: Direction,
    pub date_ms: i64,
    pub normalized_subject: &'a str,
    pub imported_ms: i64,
}

/// Stores `m` with its raw bytes already zstd-compressed (`compressed`, see `compress_raw`).
pub fn insert(conn: &Connection, m: &ParsedMessage, compressed: &[u8], at: &Placement<'_>) -> Result<i64> {
    conn.prepare_cached("INSERT OR IGNORE INTO raw_messages (hash, size, zstd) VALUES (?1, ?2, ?3)")?
        .execute(params![m.hash, m.normalized.len() as i64, compressed])?;
    conn.prepare_cached(
        "INSERT INTO messages (message_id, hash, case_id, direction, from_email, from_name, to_emails, subject,
            normalized_subject, date_ms, in_reply_to, refs, body_text, body_html, attachments, automated,
            unreadable, parse_error, imported_ms, home_case)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)",
    )?
    .execute(params![
        m.message_id,
        m.hash,
        at.case_id,
        at.direction.as_str(),
        m.from_email,
        m.from_name,
        serde_json::to_string(&m.to).unwrap_or_else(|_| "[]".into()),
        m.subject,
        at.normalized_subject,
        at.date_ms,
        m.in_reply_to,
        serde_json::to_string(&m.references).unwrap_or_else(|_| "[]".into()),
        m.body_text,
        m.body_html,
        serde_json::to_string(&m.attachments).unwrap_or_else(|_| "[]".into()),
        m.automated,
        m.unreadable.is_some(),
        m.unreadable,
        at.imported_ms,
        at.home_case,
    ])?;
    let id = conn.last_insert_rowid();
    let sender = format!("{} {}", m.from_name, m.from_email);
    conn.prepare_cached("INSERT INTO messages_fts (rowid, subject, body, sender) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![id, m.subject, m.body_text, sender])?;
    Ok(id)
}

/// A reusable compressor for raw messages: building a zstd context per message costs more than
/// compressing it.
pub struct RawCompressor(zstd::bulk::Compressor<'static>);

impl RawCompressor {
    pub fn new() -> Result<Self> {
        zstd::bulk::Compressor::new(3).map(RawCompressor).map_err(|e| Error::Invalid(format!("zstd: {e}")))
    }

    pub fn compress(&mut self, raw: &[u8]) -> Result<Vec<u8>> {
        self.0.compress(raw).map_err(|e| Error::Invalid(format!("zstd: {e}")))
    }
}

/// The case of the first message (in `ids` order) whose Message-ID is among `ids`; where several
/// messages share that id, the case of `customer_email` wins.
pub fn case_of_any(conn: &Connection, ids: &[&str], customer_email: &str) -> Result<Option<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT m.home_case FROM messages m JOIN cases c ON c.id = m.home_case
         WHERE m.message_id = ?1 ORDER BY c.customer_email = ?2 DESC, m.id LIMIT 1",
    )?;
    for id in ids {
        if let Some(case) = stmt.query_row(params![id, customer_email], |r| r.get(0)).optional()? {
            return Ok(Some(case));
        }
    }
    Ok(None)
}

/// Gmail-style fallback: the latest case of this customer with the same normalized subject within
/// `window_ms` of `date_ms`.
pub fn case_by_subject(
    conn: &Connection,
    normalized_subject: &str,
    customer_email: &str,
    date_ms: i64,
    window_ms: i64,
) -> Result<Option<String>> {
    if normalized_subject.is_empty() || customer_email.is_empty() {
        return Ok(None);
    }
    Ok(conn
        .prepare_cached(
            // CROSS JOIN keeps the customer's few cases as the outer loop: common subjects
            // ("Refund request") would otherwise make this scan grow with the whole mailbox.
            "SELECT m.home_case FROM cases c CROSS JOIN messages m ON m.home_case = c.id
             WHERE c.customer_email = ?2 AND c.unreadable = 0 AND m.normalized_subject = ?1
               AND m.date_ms BETWEEN ?3 AND ?4
             ORDER BY m.date_ms DESC LIMIT 1",
        )?
        .query_row(params![normalized_subject, customer_email, date_ms - window_ms, date_ms + window_ms], |r| r.get(0))
        .optional()?)
}

#[derive(Debug, Clone)]
pub struct StoredMessage {
    pub id: i64,
    pub message_id: String,
    pub hash: String,
    pub direction: Direction,
    pub from_email: String,
    pub from_name: String,
    pub to: Vec<String>,
    pub subject: String,
    pub date_ms: i64,
    pub body_text: String,
    pub body_html: Option<String>,
    pub attachments: Vec<Attachment>,
    pub automated: bool,
    pub unreadable: bool,
    /// Its thread's own case (another one when that case was merged into the one it shows in).
    pub home_case: String,
    /// The Message-ID this one answers, with angle brackets.
    pub in_reply_to: Option<String>,
}

pub fn for_case(conn: &Connection, case_id: &str) -> Result<Vec<StoredMessage>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, message_id, hash, direction, from_email, from_name, to_emails, subject, date_ms, body_text,
                body_html, attachments, automated, unreadable, coalesce(home_case, case_id), in_reply_to
         FROM messages WHERE case_id = ?1 ORDER BY date_ms, id",
    )?;
    let rows = stmt.query_map([case_id], |r| {
        let json = |i: usize| -> rusqlite::Result<String> { r.get(i) };
        Ok(StoredMessage {
            id: r.get(0)?,
            message_id: r.get(1)?,
            hash: r.get(2)?,
            direction: if r.get::<_, String>(3)? == "outbound" { Direction::Outbound } else { Direction::Inbound },
            from_email: r.get(4)?,
            from_name: r.get(5)?,
            to: serde_json::from_str(&json(6)?).unwrap_or_default(),
            subject: r.get(7)?,
            date_ms: r.get(8)?,
            body_text: r.get(9)?,
            body_html: r.get(10)?,
            attachments: serde_json::from_str(&json(11)?).unwrap_or_default(),
            automated: r.get(12)?,
            unreadable: r.get(13)?,
            home_case: r.get(14)?,
            in_reply_to: r.get(15)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The original bytes of a message (normalized line endings), decompressed.
pub fn raw(conn: &Connection, hash: &str) -> Result<Option<Vec<u8>>> {
    let Some((size, blob)) = conn
        .prepare_cached("SELECT size, zstd FROM raw_messages WHERE hash = ?1")?
        .query_row([hash], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?)))
        .optional()?
    else {
        return Ok(None);
    };
    let mut out = Vec::with_capacity(size.max(0) as usize);
    zstd::stream::read::Decoder::new(blob.as_slice())
        .and_then(|mut d| d.read_to_end(&mut out))
        .map_err(|e| Error::Invalid(format!("stored message {hash} is damaged: {e}")))?;
    Ok(Some(out))
}

pub fn count(conn: &Connection) -> Result<i64> {
    Ok(conn.prepare_cached("SELECT count(*) FROM messages")?.query_row([], |r| r.get(0))?)
}
