//! Tasks on a case: follow-ups ("Did the new download work?", 7 days after a fix) and phone
//! callbacks (a number, a time, the customer's time zone). Due tasks make a queue of their own.

use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::Result;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum TaskKind {
    FollowUp,
    Callback,
}

impl TaskKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TaskKind::FollowUp => "follow-up",
            TaskKind::Callback => "callback",
        }
    }

    fn parse(s: &str) -> TaskKind {
        if s == "callback" { TaskKind::Callback } else { TaskKind::FollowUp }
    }
}

/// A task as stored, and as its `add` op carries it (the op's entity id is `uid`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Task {
    #[serde(default)]
    pub uid: String,
    pub case_id: String,
    pub kind: TaskKind,
    #[ts(type = "number")]
    pub due_ms: i64,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub phone: Option<String>,
    /// IANA zone (`Europe/Berlin`) the customer asked to be called in.
    #[serde(default)]
    pub time_zone: Option<String>,
    #[serde(default)]
    pub author_name: String,
    #[ts(type = "number")]
    pub created_ms: i64,
    #[serde(default)]
    #[ts(type = "number | null")]
    pub done_ms: Option<i64>,
}

/// Adds the task; adding it again (a replayed op) changes nothing.
pub fn add(conn: &Connection, t: &Task) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO tasks (uid, case_id, kind, due_ms, note, phone, time_zone, author_name, created_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT(uid) DO NOTHING",
    )?
    .execute(params![
        t.uid,
        t.case_id,
        t.kind.as_str(),
        t.due_ms,
        t.note,
        t.phone,
        t.time_zone,
        t.author_name,
        t.created_ms
    ])?;
    Ok(())
}

/// Marks it done at `done_ms`, or not done (`None`). False when the task is not here yet.
pub fn set_done(conn: &Connection, uid: &str, done_ms: Option<i64>) -> Result<bool> {
    Ok(conn.prepare_cached("UPDATE tasks SET done_ms = ?2 WHERE uid = ?1")?.execute(params![uid, done_ms])? > 0)
}

const COLUMNS: &str =
    "SELECT uid, case_id, kind, due_ms, note, phone, time_zone, author_name, created_ms, done_ms FROM tasks";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Task> {
    Ok(Task {
        uid: r.get(0)?,
        case_id: r.get(1)?,
        kind: TaskKind::parse(&r.get::<_, String>(2)?),
        due_ms: r.get(3)?,
        note: r.get(4)?,
        phone: r.get(5)?,
        time_zone: r.get(6)?,
        author_name: r.get(7)?,
        created_ms: r.get(8)?,
        done_ms: r.get(9)?,
    })
}

pub fn get(conn: &Connection, uid: &str) -> Result<Option<Task>> {
    Ok(conn.prepare_cached(&format!("{COLUMNS} WHERE uid = ?1"))?.query_row([uid], from_row).optional()?)
}

/// The case's tasks: open ones first, soonest due first.
pub fn for_case(conn: &Connection, case_id: &str) -> Result<Vec<Task>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{COLUMNS} WHERE case_id = ?1 ORDER BY done_ms IS NOT NULL, due_ms, created_ms, uid"
    ))?;
    Ok(stmt.query_map([case_id], from_row)?.collect::<rusqlite::Result<_>>()?)
}

/// Open tasks due by `now_ms`, the most overdue first.
pub fn due(conn: &Connection, now_ms: i64) -> Result<Vec<Task>> {
    let mut stmt =
        conn.prepare_cached(&format!("{COLUMNS} WHERE done_ms IS NULL AND due_ms <= ?1 ORDER BY due_ms, uid"))?;
    Ok(stmt.query_map([now_ms], from_row)?.collect::<rusqlite::Result<_>>()?)
}

pub fn count_due(conn: &Connection, now_ms: i64) -> Result<i64> {
    Ok(conn
        .prepare_cached("SELECT count(*) FROM tasks WHERE done_ms IS NULL AND due_ms <= ?1")?
        .query_row([now_ms], |r| r.get(0))?)
}
