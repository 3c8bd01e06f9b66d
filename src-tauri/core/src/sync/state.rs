//! What the window shows about sync at all times: "Synced 2 min ago", "Offline — 14 changes
//! waiting", "Sync error: … (what to do)". Written by whoever runs the sync loop.

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::ops;
use crate::error::Result;
use crate::store::{accounts, outbox, settings};

const LAST_OK: &str = "sync.last_ok_ms";
const LAST_ERROR: &str = "sync.last_error";
const LAST_ERROR_MS: &str = "sync.last_error_ms";
const PROGRESS: &str = "sync.progress";

/// A pass that is fetching many messages: "Fetching 1,240 of 12,000".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SyncProgress {
    pub folder: String,
    pub done: u32,
    pub total: u32,
}

/// Recorded after each committed batch, so another process (the window) can show it.
pub fn record_progress(conn: &Connection, folder: &str, done: u32, total: u32) -> Result<()> {
    let p = SyncProgress { folder: folder.into(), done, total };
    settings::set(conn, PROGRESS, &serde_json::to_string(&p).unwrap_or_default())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum SyncPhase {
    /// No mailbox connected (the demo inbox, or a store filled from files).
    NotConnected,
    /// Never synced yet.
    Connecting,
    /// The last pass worked.
    Synced,
    /// The last pass failed: `error` says why and what to do.
    Error,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SyncState {
    pub phase: SyncPhase,
    pub mailbox: Option<String>,
    #[ts(type = "number | null")]
    pub last_ok_ms: Option<i64>,
    pub error: Option<String>,
    #[ts(type = "number | null")]
    pub error_ms: Option<i64>,
    /// Case changes made here that the other replica has not been sent yet.
    #[ts(type = "number")]
    pub changes_waiting: i64,
    /// Replies queued or retrying.
    #[ts(type = "number")]
    pub replies_waiting: i64,
    /// Set while a pass is fetching.
    pub progress: Option<SyncProgress>,
}

pub fn record_ok(conn: &Connection, now_ms: i64) -> Result<()> {
    settings::set(conn, LAST_OK, &now_ms.to_string())?;
    conn.execute("DELETE FROM settings WHERE key IN (?1, ?2, ?3)", [LAST_ERROR, LAST_ERROR_MS, PROGRESS])?;
    Ok(())
}

pub fn record_error(conn: &Connection, now_ms: i64, error: &str) -> Result<()> {
    settings::set(conn, LAST_ERROR, error)?;
    conn.execute("DELETE FROM settings WHERE key = ?1", [PROGRESS])?;
    settings::set(conn, LAST_ERROR_MS, &now_ms.to_string())
}

pub fn load(conn: &Connection) -> Result<SyncState> {
    let mailbox = accounts::first(conn)?.map(|a| a.email);
    let last_ok_ms = settings::get(conn, LAST_OK)?.and_then(|v| v.parse().ok());
    let error = settings::get(conn, LAST_ERROR)?;
    let error_ms = settings::get(conn, LAST_ERROR_MS)?.and_then(|v| v.parse().ok());
    let phase = match (&mailbox, &error, last_ok_ms) {
        (None, _, _) => SyncPhase::NotConnected,
        (Some(_), Some(_), _) => SyncPhase::Error,
        (Some(_), None, Some(_)) => SyncPhase::Synced,
        (Some(_), None, None) => SyncPhase::Connecting,
    };
    Ok(SyncState {
        phase,
        mailbox,
        last_ok_ms,
        error,
        error_ms,
        changes_waiting: ops::unpushed_count(conn)?,
        replies_waiting: outbox::waiting_count(conn)?,
        progress: settings::get(conn, PROGRESS)?.and_then(|v| serde_json::from_str(&v).ok()),
    })
}
