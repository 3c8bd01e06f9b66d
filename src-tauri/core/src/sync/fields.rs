//! What each op means for the case store: the one place that knows. Fields are last-writer-wins
//! by HLC (`field_clocks` holds the clock of the value each field has); notes are an append-only
//! set; an op about a case this replica has not seen yet waits.

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use super::ops::{Effects, Op};
use super::replica;
use crate::error::Result;
use crate::store::orders::Upsert;
use crate::store::{cases, settings};
use crate::triage::{Lane, TriageSettings};

pub const CASE: &str = "case";
pub const NOTE: &str = "note";
pub const SETTINGS: &str = "settings";
pub const REPLICA: &str = "replica";
/// An order (entity id `source:order_id`); fields `record` (the order itself, as imported),
/// `refund` and `refund_done`.
pub const ORDER: &str = "order";
pub const ORDER_RECORD: &str = "record";

/// An order as one replica imported it, with who bought it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderRecord {
    pub email: String,
    #[serde(default)]
    pub name: String,
    #[serde(flatten)]
    pub order: crate::store::orders::Order,
}

/// A follow-up or callback (entity id: its uid); fields `add` (the task) and `done` (ms or null).
pub const TASK: &str = "task";
/// A gift (entity id: its uid); field `add`.
pub const GIFT: &str = "gift";
/// A customer (entity id: their address); field `refund_decision`.
pub const CUSTOMER: &str = "customer";

/// A refund decision or its completion at the payment provider.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RefundValue {
    pub source: String,
    pub order_id: String,
    #[serde(default)]
    pub case_id: Option<String>,
}

/// Case fields.
pub const LANE: &str = "lane";
pub const STATUS: &str = "status";
pub const ASSIGNEE: &str = "assignee";
pub const REVIEWED: &str = "reviewed";
/// Until when (ms), or null: awake.
pub const SNOOZE: &str = "snooze";
/// The owner's "no reply needed" up to this time (ms), or null.
pub const NO_REPLY_NEEDED: &str = "no_reply_needed";
/// A suggestion's topic, a complaint's topic chosen by a person, and when we thanked them.
pub const FEEDBACK_FIELDS: [&str; 3] = ["suggestion", "complaint", "feedback_thanked"];
/// A person's merge decision: `{into: id}`, `{into: null}` (kept apart), or null (automatic).
pub const MERGE: &str = "merge";
/// A shipped suggestion or a fixed complaint (entity id: `care::feedback::key`); field `done`.
pub const FEEDBACK: &str = "feedback";
/// `correction.not-angry`, `correction.not-excellent`.
pub const CORRECTION_PREFIX: &str = "correction.";

/// A note op's value (the op's entity id is the note's uid).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NoteValue {
    pub case_id: String,
    pub author_role: String,
    #[serde(default)]
    pub author_name: String,
    pub body: String,
    pub created_ms: i64,
}

/// A replica saying who it is and what it has open.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Presence {
    pub role: String,
    #[serde(default)]
    pub name: String,
    /// The case it is writing a reply on, until `until_ms`.
    #[serde(default)]
    pub replying_case: Option<String>,
    #[serde(default)]
    pub until_ms: i64,
}

/// Settings both replicas share; anything else stays local.
const SHARED_SETTINGS: &[&str] = &[
    TriageSettings::KEY,
    crate::mail::ack::AckSettings::KEY,
    crate::commerce::refunds::RefundPolicy::KEY,
    crate::care::CareSettings::KEY,
];

/// Applies `op` at its clock's physical time `at_ms`. Returns false when it must wait for its case.
pub fn apply(conn: &Connection, op: &Op, at_ms: i64, fx: &mut Effects) -> Result<bool> {
    match op.entity.as_str() {
        CASE => {
            if !cases::exists(conn, &op.entity_id)? {
                return Ok(false);
            }
            // A merge into a case whose mail is not here yet waits for it too.
            if op.field == MERGE
                && let Some(into) = op.value.get("into").and_then(|v| v.as_str())
                && !cases::exists(conn, into)?
            {
                return Ok(false);
            }
            if wins(conn, op)? {
                set_case_field(conn, op, at_ms, fx)?;
            }
        }
        NOTE => {
            let Ok(note) = serde_json::from_value::<NoteValue>(op.value.clone()) else {
                return Ok(true); // unreadable: nothing to apply, and nothing to wait for
            };
            if !cases::exists(conn, &note.case_id)? {
                return Ok(false);
            }
            cases::add_note(
                conn,
                &cases::Note {
                    uid: op.entity_id.clone(),
                    case_id: note.case_id,
                    author_role: note.author_role,
                    author_name: note.author_name,
                    body: note.body,
                    private: op.private,
                    created_ms: note.created_ms,
                },
            )?;
        }
        SETTINGS if SHARED_SETTINGS.contains(&op.entity_id.as_str()) && wins(conn, op)? => {
            settings::set(conn, &op.entity_id, &op.value.to_string())?;
            fx.retriage_all |= op.entity_id == TriageSettings::KEY;
        }
        ORDER if op.field == ORDER_RECORD => {
            let Ok(record) = serde_json::from_value::<OrderRecord>(op.value.clone()) else { return Ok(true) };
            use crate::store::orders;
            let (o, buyer) =
                (&record.order, crate::store::customers::ensure(conn, &record.email, &record.name, at_ms)?);
            let before = orders::get(conn, &o.source, &o.order_id)?.map(|(customer, ..)| customer);
            if !matches!(orders::merge(conn, buyer, o, &op.hlc)?, Upsert::Unchanged) {
                // The order's buyer now, and the one it had before a newer record named another.
                let after = orders::get(conn, &o.source, &o.order_id)?.map(|(customer, ..)| customer);
                fx.orders_changed.extend(before.into_iter().chain(after));
            }
        }
        ORDER => {
            use crate::commerce::refunds;
            let Ok(r) = serde_json::from_value::<RefundValue>(op.value.clone()) else { return Ok(true) };
            let applied = match op.field.as_str() {
                "refund" => refunds::decide(conn, &r.source, &r.order_id, r.case_id.as_deref(), at_ms)?,
                "refund_done" => refunds::mark_done(conn, &r.source, &r.order_id, at_ms)?,
                _ => true,
            };
            if !applied {
                return Ok(false); // the order has not been imported here yet
            }
            // Value and refund ratio changed: the customer's cases are triaged again.
            let customer: Option<i64> = conn
                .prepare_cached("SELECT customer_id FROM orders WHERE source = ?1 AND order_id = ?2")?
                .query_row(params![r.source, r.order_id], |row| row.get(0))
                .optional()?;
            if let Some(customer) = customer {
                fx.retriage.extend(cases::ids_for_customer(conn, customer)?);
            }
        }
        TASK => {
            use crate::care::tasks;
            match op.field.as_str() {
                "add" => {
                    let Ok(mut task) = serde_json::from_value::<tasks::Task>(op.value.clone()) else { return Ok(true) };
                    if !cases::exists(conn, &task.case_id)? {
                        return Ok(false);
                    }
                    task.uid = op.entity_id.clone();
                    task.done_ms = None; // `done` is its own field
                    tasks::add(conn, &task)?;
                }
                "done" => {
                    if tasks::get(conn, &op.entity_id)?.is_none() {
                        return Ok(false);
                    }
                    if wins(conn, op)? {
                        tasks::set_done(conn, &op.entity_id, op.value.as_i64())?;
                    }
                }
                _ => {}
            }
        }
        GIFT => {
            use crate::care::gifts;
            let Ok(mut gift) = serde_json::from_value::<gifts::Gift>(op.value.clone()) else { return Ok(true) };
            if !cases::exists(conn, &gift.case_id)? {
                return Ok(false);
            }
            gift.uid = op.entity_id.clone();
            gifts::add(conn, &gift)?;
        }
        FEEDBACK if op.field == "done" && wins(conn, op)? => {
            crate::care::feedback::set_done(conn, &op.entity_id, op.value.as_i64())?;
        }
        CUSTOMER if op.field == "refund_decision" && wins(conn, op)? => {
            use crate::care::decisions::{self, RefunderDecision};
            decisions::set(conn, &op.entity_id, op.value.as_str().and_then(RefunderDecision::parse), at_ms)?;
        }
        REPLICA => {
            if wins(conn, op)?
                && let Ok(p) = serde_json::from_value::<Presence>(op.value.clone())
            {
                replica::remember_peer(conn, &op.entity_id, &p.role, &p.name, at_ms)?;
                replica::set_replying(conn, &op.entity_id, p.replying_case.as_deref(), p.until_ms)?;
            }
        }
        _ => {} // from a newer Kindly: kept in the log, passed on in snapshots, not understood here
    }
    Ok(true)
}

/// Last writer wins: true (and the field's clock moves) when `op` is newer than the value held.
fn wins(conn: &Connection, op: &Op) -> Result<bool> {
    let held: Option<String> = conn
        .prepare_cached("SELECT hlc FROM field_clocks WHERE entity = ?1 AND entity_id = ?2 AND field = ?3")?
        .query_row(params![op.entity, op.entity_id, op.field], |r| r.get(0))
        .optional()?;
    if held.is_some_and(|h| h >= op.hlc) {
        return Ok(false);
    }
    conn.prepare_cached(
        "INSERT INTO field_clocks (entity, entity_id, field, hlc) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT DO UPDATE SET hlc = excluded.hlc",
    )?
    .execute(params![op.entity, op.entity_id, op.field, op.hlc])?;
    Ok(true)
}

fn set_case_field(conn: &Connection, op: &Op, at_ms: i64, fx: &mut Effects) -> Result<()> {
    let id = op.entity_id.as_str();
    let text = op.value.as_str();
    match op.field.as_str() {
        LANE => cases::set_manual_lane(conn, id, text.and_then(Lane::parse).map(Lane::as_str))?,
        STATUS => {
            if let Some(status) = text.filter(|s| matches!(*s, "open" | "waiting" | "closed")) {
                cases::set_person_status(conn, id, status, at_ms)?;
                // "Also waiting on 2 other cases": the customer's other cases read this one.
                fx.retriage.extend(customer_cases(conn, id)?);
            }
        }
        ASSIGNEE => cases::set_assignee(conn, id, text.filter(|s| matches!(*s, "owner" | "assistant")))?,
        REVIEWED => cases::set_reviewed(conn, id, op.value.as_bool().unwrap_or(false))?,
        SNOOZE => cases::set_snooze(conn, id, op.value.as_i64(), at_ms)?,
        NO_REPLY_NEEDED => cases::set_no_reply_needed(conn, id, op.value.as_i64())?,
        MERGE => {
            use crate::cases::merge;
            let decision = serde_json::from_value::<merge::Decision>(op.value.clone()).ok();
            merge::set_manual(conn, id, decision.as_ref())?;
            merge::settle(conn)?;
            fx.retriage.extend(customer_cases(conn, id)?);
        }
        field if FEEDBACK_FIELDS.contains(&field) => crate::care::feedback::set_case_field(conn, id, field, &op.value)?,
        field => {
            if let Some(correction) = field.strip_prefix(CORRECTION_PREFIX)
                && matches!(correction, "not-angry" | "not-excellent")
            {
                cases::set_correction(conn, id, correction, op.value.as_bool().unwrap_or(false), at_ms)?;
                fx.retriage.insert(id.to_string());
            }
        }
    }
    Ok(())
}

/// The case and the other cases of its customer.
fn customer_cases(conn: &Connection, id: &str) -> Result<Vec<String>> {
    match cases::triage_inputs(conn, id)?.0 {
        Some(customer) => cases::ids_for_customer(conn, customer),
        None => Ok(vec![id.to_string()]),
    }
}
