//! Cases: one per customer problem. Rows are created by the import pipeline and annotated by triage.

use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::error::{Error, Result};
use crate::store::messages::Direction;

#[derive(Debug, Clone)]
pub struct CaseRow {
    pub id: String,
    pub root_message_id: String,
    pub subject: String,
    pub customer_id: Option<i64>,
    pub customer_email: String,
    pub customer_name: String,
    pub status: String,
    pub lane: String,
    pub lane_manual: bool,
    pub score: f64,
    pub reasons: Vec<String>,
    pub unreadable: bool,
    pub created_ms: i64,
    pub last_message_ms: i64,
    pub last_inbound_ms: Option<i64>,
    /// What triage suggests, even where a person chose another lane.
    pub suggested_lane: String,
    pub tags: Vec<String>,
    pub reviewed: bool,
    pub corrections: Vec<String>,
    /// Set by a person; `None` follows the lane.
    pub assignee: Option<String>,
    /// Snoozed until then (already expired or woken by new mail: see `QueueName::Snoozed`).
    pub snoozed_until_ms: Option<i64>,
    pub message_count: i64,
    /// The start of the latest inbound message, for list rows.
    pub snippet: String,
}

pub struct NewCase<'a> {
    pub id: &'a str,
    pub root_message_id: &'a str,
    pub subject: &'a str,
    pub customer_id: Option<i64>,
    pub customer_email: &'a str,
    pub customer_name: &'a str,
    pub unreadable: bool,
    pub created_ms: i64,
    /// Which way its first message went, when that message counts (see `record_message`): the
    /// case starts with that message recorded, in the same statement.
    pub first: Option<Direction>,
}

pub fn exists(conn: &Connection, id: &str) -> Result<bool> {
    Ok(conn.prepare_cached("SELECT 1 FROM cases WHERE id = ?1")?.query_row([id], |_| Ok(())).optional()?.is_some())
}

/// What triage needs of a case beyond its messages: its customer and whether it is readable.
pub fn triage_inputs(conn: &Connection, id: &str) -> Result<(Option<i64>, bool)> {
    conn.prepare_cached("SELECT customer_id, unreadable FROM cases WHERE id = ?1")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .ok_or_else(|| Error::CaseNotFound(id.to_string()))
}

/// The customer address of case `id`, if the case exists.
pub fn customer_email(conn: &Connection, id: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT customer_email FROM cases WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?)
}

pub fn create(conn: &Connection, c: &NewCase<'_>) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO cases (id, root_message_id, subject, customer_id, customer_email, customer_name, unreadable,
                            created_ms, last_message_ms, status, mail_status, last_inbound_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, coalesce(?9, 'open'), coalesce(?9, 'open'),
                 CASE WHEN ?10 THEN ?8 END)",
    )?
    .execute(params![
        c.id,
        c.root_message_id,
        c.subject,
        c.customer_id,
        c.customer_email,
        c.customer_name,
        c.unreadable,
        c.created_ms,
        c.first.map(status_after),
        c.first == Some(Direction::Inbound),
    ])?;
    Ok(())
}

/// The newest message decides the status: a customer's message reopens the case, our reply leaves
/// it waiting on the customer.
fn status_after(direction: Direction) -> &'static str {
    match direction {
        Direction::Inbound => "open",
        Direction::Outbound => "waiting",
    }
}

/// Records that a message joined the case (see `status_after`).
pub fn record_message(conn: &Connection, id: &str, direction: Direction, date_ms: i64) -> Result<()> {
    let status = status_after(direction);
    // SQLite evaluates every SET expression against the old row, hence the repeated conditions.
    conn.prepare_cached(
        "UPDATE cases SET
           mail_status = CASE WHEN ?3 >= last_message_ms THEN ?2 ELSE mail_status END,
           status = CASE
             WHEN status_set IS NOT NULL AND status_set_ms >= max(last_message_ms, ?3) THEN status_set
             WHEN ?3 >= last_message_ms THEN ?2
             ELSE mail_status END,
           last_message_ms = max(last_message_ms, ?3),
           created_ms = min(created_ms, ?3),
           last_inbound_ms = CASE WHEN ?4 THEN max(coalesce(last_inbound_ms, ?3), ?3) ELSE last_inbound_ms END
         WHERE id = ?1",
    )?
    .execute(params![id, status, date_ms, direction == Direction::Inbound])?;
    Ok(())
}

/// Stores triage's verdict. A lane set by a person is kept; the suggestion, score, reasons and
/// tags still refresh.
pub fn set_triage(
    conn: &Connection,
    id: &str,
    lane: &str,
    score: f64,
    reasons: &[String],
    tags: &[String],
) -> Result<()> {
    let json = |v: &[String]| serde_json::to_string(v).unwrap_or_else(|_| "[]".into());
    conn.prepare_cached(
        "UPDATE cases SET lane = CASE WHEN lane_manual THEN lane ELSE ?2 END, suggested_lane = ?2, score = ?3,
                          reasons = ?4, tags = ?5
         WHERE id = ?1",
    )?
    .execute(params![id, lane, score, json(reasons), json(tags)])?;
    Ok(())
}

/// A person puts the case in `lane` (it sticks), or with `None` hands it back to triage.
pub fn set_manual_lane(conn: &Connection, id: &str, lane: Option<&str>) -> Result<()> {
    let changed = conn
        .prepare_cached(
            "UPDATE cases SET lane = coalesce(?2, suggested_lane), lane_manual = (?2 IS NOT NULL) WHERE id = ?1",
        )?
        .execute(params![id, lane])?;
    if changed == 0 {
        return Err(Error::CaseNotFound(id.to_string()));
    }
    Ok(())
}

/// A person sets the status at `at_ms`. It holds until a newer message comes in (or goes out):
/// then the message decides again.
pub fn set_person_status(conn: &Connection, id: &str, status: &str, at_ms: i64) -> Result<()> {
    conn.prepare_cached(
        "UPDATE cases SET status_set = ?2, status_set_ms = ?3,
                          status = CASE WHEN ?3 >= last_message_ms THEN ?2 ELSE mail_status END
         WHERE id = ?1",
    )?
    .execute(params![id, status, at_ms])?;
    Ok(())
}

/// Who works the case; `None` hands it back to its lane.
pub fn set_assignee(conn: &Connection, id: &str, assignee: Option<&str>) -> Result<()> {
    conn.prepare_cached("UPDATE cases SET assignee = ?2 WHERE id = ?1")?.execute(params![id, assignee])?;
    Ok(())
}

/// Snoozes the case until `until_ms` (`None` wakes it), as decided at `at_ms`.
pub fn set_snooze(conn: &Connection, id: &str, until_ms: Option<i64>, at_ms: i64) -> Result<()> {
    conn.prepare_cached("UPDATE cases SET snoozed_until_ms = ?2, snooze_set_ms = ?3 WHERE id = ?1")?
        .execute(params![id, until_ms, at_ms])?;
    Ok(())
}

/// The owner's "no reply needed" for the messages up to `until_ms` (`None`: taken back).
pub fn set_no_reply_needed(conn: &Connection, id: &str, until_ms: Option<i64>) -> Result<()> {
    conn.prepare_cached("UPDATE cases SET no_reply_needed_ms = ?2 WHERE id = ?1")?.execute(params![id, until_ms])?;
    Ok(())
}

pub fn set_reviewed(conn: &Connection, id: &str, reviewed: bool) -> Result<()> {
    conn.prepare_cached("UPDATE cases SET reviewed = ?2 WHERE id = ?1")?.execute(params![id, reviewed])?;
    Ok(())
}

pub fn corrections(conn: &Connection, id: &str) -> Result<Vec<String>> {
    let mut stmt =
        conn.prepare_cached("SELECT correction FROM triage_corrections WHERE case_id = ?1 ORDER BY correction")?;
    let rows = stmt.query_map([id], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn set_correction(conn: &Connection, id: &str, correction: &str, on: bool, now_ms: i64) -> Result<()> {
    if on {
        conn.prepare_cached(
            "INSERT OR IGNORE INTO triage_corrections (case_id, correction, created_ms) VALUES (?1, ?2, ?3)",
        )?
        .execute(params![id, correction, now_ms])?;
    } else {
        conn.prepare_cached("DELETE FROM triage_corrections WHERE case_id = ?1 AND correction = ?2")?
            .execute(params![id, correction])?;
    }
    Ok(())
}

/// How many other open cases `customer_id` has with mail from them since `since_ms`.
pub fn other_recent_open(conn: &Connection, customer_id: i64, except: &str, since_ms: i64) -> Result<u32> {
    Ok(conn
        .prepare_cached(
            "SELECT count(*) FROM cases WHERE customer_id = ?1 AND id != ?2 AND status = 'open'
               AND unreadable = 0 AND last_inbound_ms >= ?3",
        )?
        .query_row(params![customer_id, except, since_ms], |r| r.get(0))?)
}

pub fn all_ids(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT id FROM cases")?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

const SELECT: &str = "SELECT c.id, c.root_message_id, c.subject, c.customer_id, c.customer_email, c.customer_name,
        c.status, c.lane, c.lane_manual, c.score, c.reasons, c.unreadable, c.created_ms, c.last_message_ms,
        c.last_inbound_ms, c.suggested_lane, c.tags, c.reviewed,
        (SELECT group_concat(t.correction) FROM triage_corrections t WHERE t.case_id = c.id),
        (SELECT count(*) FROM messages m WHERE m.case_id = c.id),
        coalesce((SELECT substr(m.body_text, 1, 300) FROM messages m
                  WHERE m.case_id = c.id AND m.direction = 'inbound' ORDER BY m.date_ms DESC LIMIT 1), ''),
        c.assignee,
        CASE WHEN c.snoozed_until_ms > CAST(unixepoch('subsec') * 1000 AS INTEGER)
                  AND coalesce(c.last_inbound_ms, 0) <= c.snooze_set_ms THEN c.snoozed_until_ms END
    FROM cases c";

fn from_row(r: &Row<'_>) -> rusqlite::Result<CaseRow> {
    Ok(CaseRow {
        id: r.get(0)?,
        root_message_id: r.get(1)?,
        subject: r.get(2)?,
        customer_id: r.get(3)?,
        customer_email: r.get(4)?,
        customer_name: r.get(5)?,
        status: r.get(6)?,
        lane: r.get(7)?,
        lane_manual: r.get(8)?,
        score: r.get(9)?,
        reasons: serde_json::from_str(&r.get::<_, String>(10)?).unwrap_or_default(),
        unreadable: r.get(11)?,
        created_ms: r.get(12)?,
        last_message_ms: r.get(13)?,
        last_inbound_ms: r.get(14)?,
        suggested_lane: r.get(15)?,
        tags: serde_json::from_str(&r.get::<_, String>(16)?).unwrap_or_default(),
        reviewed: r.get(17)?,
        corrections: r
            .get::<_, Option<String>>(18)?
            .map(|s| s.split(',').map(str::to_string).collect())
            .unwrap_or_default(),
        message_count: r.get(19)?,
        snippet: r.get(20)?,
        assignee: r.get(21)?,
        snoozed_until_ms: r.get(22)?,
    })
}

pub fn get(conn: &Connection, id: &str) -> Result<CaseRow> {
    conn.prepare_cached(&format!("{SELECT} WHERE c.id = ?1"))?
        .query_row([id], from_row)
        .optional()?
        .ok_or_else(|| Error::CaseNotFound(id.to_string()))
}

/// Cases matching a SQL condition on `c` (built only from constants in `triage::lanes`). A case
/// merged into another shows only there.
pub fn list_where(conn: &Connection, condition: &str) -> Result<Vec<CaseRow>> {
    let mut stmt = conn.prepare(&format!("{SELECT} WHERE c.shown_in IS NULL AND ({condition})"))?;
    let rows = stmt.query_map([], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn count_where(conn: &Connection, condition: &str) -> Result<i64> {
    Ok(conn
        .prepare_cached(&format!("SELECT count(*) FROM cases c WHERE c.shown_in IS NULL AND ({condition})"))?
        .query_row([], |r| r.get(0))?)
}

/// The case `id` shows in: itself, or the case it was merged into.
pub fn shown_in(conn: &Connection, id: &str) -> Result<String> {
    Ok(conn
        .prepare_cached("SELECT shown_in FROM cases WHERE id = ?1")?
        .query_row([id], |r| r.get::<_, Option<String>>(0))
        .optional()?
        .flatten()
        .unwrap_or_else(|| id.to_string()))
}

/// Recomputes the case's times and mail status from the messages it shows (after a merge or a
/// split moved some); a person's status still holds until a newer message.
pub fn refresh_from_messages(conn: &Connection, id: &str) -> Result<()> {
    // A case merged away shows no messages of its own: it keeps its own thread's times, so every
    // replica holds the same values whatever order the merges came in.
    conn.prepare_cached(
        "UPDATE cases SET
           last_message_ms = coalesce(
             (SELECT max(date_ms) FROM messages WHERE case_id = ?1 AND NOT (direction = 'outbound' AND automated = 1)),
             (SELECT max(date_ms) FROM messages WHERE home_case = ?1 AND NOT (direction = 'outbound' AND automated = 1)),
             last_message_ms),
           last_inbound_ms = coalesce(
             (SELECT max(date_ms) FROM messages WHERE case_id = ?1 AND direction = 'inbound'),
             (SELECT max(date_ms) FROM messages WHERE home_case = ?1 AND direction = 'inbound')),
           mail_status = coalesce(
             (SELECT CASE direction WHEN 'inbound' THEN 'open' ELSE 'waiting' END FROM messages
              WHERE case_id = ?1 AND NOT (direction = 'outbound' AND automated = 1) ORDER BY date_ms DESC, id DESC LIMIT 1),
             (SELECT CASE direction WHEN 'inbound' THEN 'open' ELSE 'waiting' END FROM messages
              WHERE home_case = ?1 AND NOT (direction = 'outbound' AND automated = 1) ORDER BY date_ms DESC, id DESC LIMIT 1),
             mail_status)
         WHERE id = ?1",
    )?
    .execute([id])?;
    conn.prepare_cached(
        "UPDATE cases SET status = CASE WHEN status_set IS NOT NULL AND status_set_ms >= last_message_ms
                                        THEN status_set ELSE mail_status END
         WHERE id = ?1",
    )?
    .execute([id])?;
    Ok(())
}

pub fn ids_for_customer(conn: &Connection, customer_id: i64) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached("SELECT id FROM cases WHERE customer_id = ?1")?;
    let rows = stmt.query_map([customer_id], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    /// The same on every replica.
    pub uid: String,
    pub case_id: String,
    pub author_role: String,
    pub author_name: String,
    pub body: String,
    pub private: bool,
    pub created_ms: i64,
}

/// Adds a note unless one with its uid is already there (notes are an append-only set).
pub fn add_note(conn: &Connection, n: &Note) -> Result<()> {
    conn.prepare_cached(
        "INSERT OR IGNORE INTO case_notes (uid, case_id, author_role, author_name, body, private, created_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![n.uid, n.case_id, n.author_role, n.author_name, n.body, n.private, n.created_ms])?;
    Ok(())
}

/// The case's notes, oldest first; the same order on every replica.
pub fn notes(conn: &Connection, case_id: &str) -> Result<Vec<Note>> {
    let mut stmt = conn.prepare_cached(
        "SELECT uid, case_id, author_role, author_name, body, private, created_ms FROM case_notes
         WHERE case_id = ?1 ORDER BY created_ms, uid",
    )?;
    let rows = stmt.query_map([case_id], |r| {
        Ok(Note {
            uid: r.get(0)?,
            case_id: r.get(1)?,
            author_role: r.get(2)?,
            author_name: r.get(3)?,
            body: r.get(4)?,
            private: r.get(5)?,
            created_ms: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn count(conn: &Connection) -> Result<i64> {
    Ok(conn.prepare_cached("SELECT count(*) FROM cases")?.query_row([], |r| r.get(0))?)
}
