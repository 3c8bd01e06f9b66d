//! The SQLite case store: one file per replica, WAL, foreign keys, STRICT tables, numbered migrations.

pub mod accounts;
pub mod cases;
pub mod customers;
pub mod messages;
mod migrations;
pub mod orders;
pub mod outbox;
pub mod search;
pub mod settings;

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};

use crate::error::{Error, Result};

/// SQLite's default: a checkpoint once the WAL holds this many pages (4 MB).
const DEFAULT_WAL_PAGES: i64 = 1_000;
/// During a bulk load (64 MB).
const BULK_WAL_PAGES: i64 = 16_000;

pub struct Store {
    conn: Connection,
    path: PathBuf,
    clock_skew_ms: i64,
}

impl Store {
    /// Opens (creating if needed) the store at `path` and brings its schema up to date.
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref().to_path_buf();
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(&path, flags)
            .map_err(|source| Error::OpenStore { path: path.clone(), source })?;
        Self::configure(&conn).map_err(|source| Error::OpenStore { path: path.clone(), source })?;
        let mut store = Store { conn, path, clock_skew_ms: 0 };
        migrations::apply(&mut store.conn)?;
        Ok(store)
    }

    fn configure(conn: &Connection) -> rusqlite::Result<()> {
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        // Every hot-path statement is cached; the default of 16 is fewer than the import uses.
        conn.set_prepared_statement_cache_capacity(64);
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // 32 MB of page cache (negative = KiB): imports touch several indexes per message.
        conn.pragma_update(None, "cache_size", -32_000)?;
        Ok(())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// This replica's wall clock: when a person's change happened. Tests skew it to play a
    /// replica whose clock is wrong, or a week passing offline.
    pub fn now_ms(&self) -> i64 {
        crate::time::now_ms() + self.clock_skew_ms
    }

    pub fn set_clock_skew_ms(&mut self, skew_ms: i64) {
        self.clock_skew_ms = skew_ms;
    }

    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Runs `f` with checkpoints spaced out for a bulk load: each checkpoint waits for the disk
    /// twice (fsync), and a first sync or an import would otherwise stop for one every 4 MB. The
    /// WAL may grow to `BULK_WAL_PAGES` meanwhile; the first commit after `f` checkpoints it.
    pub fn bulk<T>(&mut self, f: impl FnOnce(&mut Store) -> Result<T>) -> Result<T> {
        self.conn.pragma_update(None, "wal_autocheckpoint", BULK_WAL_PAGES)?;
        let out = f(self);
        self.conn.pragma_update(None, "wal_autocheckpoint", DEFAULT_WAL_PAGES)?;
        out
    }

    /// Runs `f` in one transaction: everything it writes lands together or not at all.
    pub fn write<T>(&mut self, f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T>) -> Result<T> {
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }
}
