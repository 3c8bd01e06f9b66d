//! The ops log. A local change is recorded here and applied through `fields` in one transaction;
//! a remote op takes the same path. Applying an op twice changes nothing (op_id is the key), and
//! an op about a case this replica has no mail for yet waits (`applied = 0`) until the case arrives.

use std::collections::BTreeSet;

use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::{Deserialize, Serialize};

use super::{fields, hlc, replica};
use crate::error::{Error, Result};
use crate::triage::{self, TriageSettings};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Op {
    pub op_id: String,
    pub hlc: String,
    pub replica_id: String,
    pub entity: String,
    pub entity_id: String,
    pub field: String,
    pub value: serde_json::Value,
    /// Owner-only: never leaves the replica that wrote it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub private: bool,
}

impl Op {
    pub fn clock(&self) -> Result<hlc::Hlc> {
        self.hlc.parse()
    }
}

/// What applying a set of ops leaves to do once, at the end: triage depends on corrections and
/// settings, and re-running it per op would be wasteful.
#[derive(Debug, Default)]
pub struct Effects {
    pub retriage: BTreeSet<String>,
    pub retriage_all: bool,
    /// Customers whose orders changed: their value, and which of their mails are one purchase
    /// session.
    pub orders_changed: BTreeSet<i64>,
}

impl Effects {
    pub fn finish(mut self, conn: &Connection) -> Result<()> {
        let settings = TriageSettings::load(conn)?;
        if !self.orders_changed.is_empty() {
            self.retriage.extend(crate::cases::merge::after_change(conn, self.orders_changed.iter().copied())?);
            for customer in &self.orders_changed {
                self.retriage.extend(crate::store::cases::ids_for_customer(conn, *customer)?);
            }
        }
        if self.retriage_all {
            return triage::retriage_all(conn, settings);
        }
        for id in &self.retriage {
            triage::retriage(conn, id, settings)?;
        }
        Ok(())
    }
}

/// Records a change made on this replica at wall time `now_ms` and applies it.
pub fn record(
    conn: &Connection,
    now_ms: i64,
    entity: &str,
    entity_id: &str,
    field: &str,
    value: serde_json::Value,
    private: bool,
) -> Result<Op> {
    let mut fx = Effects::default();
    let op = record_deferred(conn, now_ms, (entity, entity_id, field), value, private, &mut fx)?;
    fx.finish(conn)?;
    Ok(op)
}

/// `record`, leaving the re-triage it causes in `fx` for the caller to finish once: a bulk change
/// (an orders import) re-triages each customer once, not once per op.
pub fn record_deferred(
    conn: &Connection,
    now_ms: i64,
    (entity, entity_id, field): (&str, &str, &str),
    value: serde_json::Value,
    private: bool,
    fx: &mut Effects,
) -> Result<Op> {
    let me = replica::local(conn)?;
    let op = Op {
        op_id: replica::random_hex(16)?,
        hlc: hlc::tick(conn, &me.id, now_ms)?.to_string(),
        replica_id: me.id,
        entity: entity.into(),
        entity_id: entity_id.into(),
        field: field.into(),
        value,
        private,
    };
    if !apply(conn, &op, Origin::Local, fx)? {
        return Err(match entity {
            fields::CASE => Error::CaseNotFound(entity_id.into()),
            _ => Error::Invalid(format!("nothing to change: {entity} {entity_id}")),
        });
    }
    Ok(op)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Made here: to be pushed.
    Local,
    /// Read from the sync folder: already there for everyone.
    Remote,
}

/// Stores `op` (if new) and applies it. Returns whether it took effect now; `false` means it was
/// already known, or it waits for its case.
pub fn apply(conn: &Connection, op: &Op, origin: Origin, fx: &mut Effects) -> Result<bool> {
    let clock = op.clock()?;
    let inserted = conn
        .prepare_cached(
            "INSERT OR IGNORE INTO ops (op_id, hlc, replica_id, entity, entity_id, field, value, private, pushed)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?
        .execute(params![
            op.op_id,
            op.hlc,
            op.replica_id,
            op.entity,
            op.entity_id,
            op.field,
            op.value.to_string(),
            op.private,
            origin == Origin::Remote
        ])?;
    if inserted == 0 {
        return Ok(false);
    }
    if origin == Origin::Remote {
        hlc::observe(conn, &clock)?;
    }
    let applied = fields::apply(conn, op, clock.ms, fx)?;
    if applied {
        conn.prepare_cached("UPDATE ops SET applied = 1 WHERE op_id = ?1")?.execute([&op.op_id])?;
    }
    Ok(applied)
}

/// Applies ops read from another replica, then whatever was waiting on them (a refund marked
/// done before the refund itself arrived). Returns how many were new here.
pub fn apply_remote(conn: &Connection, batch: &[Op]) -> Result<usize> {
    let mut fx = Effects::default();
    let mut new = 0;
    for op in batch {
        if get(conn, &op.op_id)?.is_none() {
            new += 1;
            apply(conn, op, Origin::Remote, &mut fx)?;
        }
    }
    fx.finish(conn)?;
    apply_pending(conn)?;
    Ok(new)
}

/// Applies the ops that were waiting for their case (or order, or another op), oldest clock
/// first. Call after mail, orders or other replicas' ops arrive.
pub fn apply_pending(conn: &Connection) -> Result<usize> {
    let waiting = select(conn, "WHERE applied = 0 ORDER BY hlc", [])?;
    let mut fx = Effects::default();
    let mut done = 0;
    for op in &waiting {
        if fields::apply(conn, op, op.clock()?.ms, &mut fx)? {
            conn.prepare_cached("UPDATE ops SET applied = 1 WHERE op_id = ?1")?.execute([&op.op_id])?;
            done += 1;
        }
    }
    if done > 0 {
        fx.finish(conn)?;
    }
    Ok(done)
}

const COLUMNS: &str = "SELECT op_id, hlc, replica_id, entity, entity_id, field, value, private FROM ops";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Op> {
    Ok(Op {
        op_id: r.get(0)?,
        hlc: r.get(1)?,
        replica_id: r.get(2)?,
        entity: r.get(3)?,
        entity_id: r.get(4)?,
        field: r.get(5)?,
        value: serde_json::from_str(&r.get::<_, String>(6)?).unwrap_or(serde_json::Value::Null),
        private: r.get(7)?,
    })
}

fn select(conn: &Connection, tail: &str, params: impl rusqlite::Params) -> Result<Vec<Op>> {
    let mut stmt = conn.prepare_cached(&format!("{COLUMNS} {tail}"))?;
    let rows = stmt.query_map(params, from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Ops that should be in the sync folder and are not yet, oldest first.
pub fn unpushed(conn: &Connection, limit: usize) -> Result<Vec<Op>> {
    select(conn, "WHERE pushed = 0 AND private = 0 ORDER BY hlc LIMIT ?1", [limit as i64])
}

pub fn unpushed_count(conn: &Connection) -> Result<i64> {
    Ok(conn.prepare_cached("SELECT count(*) FROM ops WHERE pushed = 0 AND private = 0")?.query_row([], |r| r.get(0))?)
}

/// Push intent: these ops are about to go out in `batch`. After a crash the batch is looked for
/// in the folder before anything is sent again.
pub fn begin_push(conn: &Connection, ops: &[Op], batch: &str) -> Result<()> {
    let mut stmt = conn.prepare_cached("UPDATE ops SET push_batch = ?2 WHERE op_id = ?1")?;
    for op in ops {
        stmt.execute(params![op.op_id, batch])?;
    }
    Ok(())
}

/// Batches that were being pushed when we last stopped.
pub fn unfinished_batches(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT push_batch FROM ops WHERE pushed = 0 AND private = 0 AND push_batch IS NOT NULL",
    )?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn batch_ops(conn: &Connection, batch: &str) -> Result<Vec<Op>> {
    select(conn, "WHERE push_batch = ?1 AND pushed = 0 ORDER BY hlc", [batch])
}

pub fn finish_push(conn: &Connection, batch: &str) -> Result<()> {
    conn.prepare_cached("UPDATE ops SET pushed = 1 WHERE push_batch = ?1")?.execute([batch])?;
    Ok(())
}

/// Everything another replica needs to reach our state: the winning op of every last-writer-wins
/// field, every op still waiting for its case, and every op of a field without a clock (notes,
/// tasks and gifts added, refunds: append-only sets, and ops from a newer Kindly). Losing ops
/// are left out: they would lose again anywhere.
pub fn snapshot(conn: &Connection) -> Result<Vec<Op>> {
    select(
        conn,
        "WHERE private = 0 AND (
             applied = 0
             OR coalesce((SELECT f.hlc FROM field_clocks f
                          WHERE f.entity = ops.entity AND f.entity_id = ops.entity_id AND f.field = ops.field),
                         ops.hlc) = ops.hlc)
         ORDER BY hlc",
        [],
    )
}

/// Marks every shareable op as in the folder (after a snapshot of them was written there).
pub fn mark_all_pushed(conn: &Connection) -> Result<()> {
    conn.prepare_cached("UPDATE ops SET pushed = 1 WHERE private = 0 AND pushed = 0")?.execute([])?;
    Ok(())
}

pub fn get(conn: &Connection, op_id: &str) -> Result<Option<Op>> {
    Ok(conn.prepare_cached(&format!("{COLUMNS} WHERE op_id = ?1"))?.query_row([op_id], from_row).optional()?)
}

pub fn count(conn: &Connection) -> Result<i64> {
    Ok(conn.prepare_cached("SELECT count(*) FROM ops")?.query_row([], |r| r.get(0))?)
}
