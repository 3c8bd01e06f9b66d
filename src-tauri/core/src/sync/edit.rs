//! Changes a person makes on this replica. Each is one op (or two), recorded and applied in the
//! caller's transaction, so the change and its op land together.

use rusqlite::Connection;
use serde_json::{Value, json};

use super::fields::{self, NoteValue, Presence};
use super::ops::{self, Op};
use super::replica::{self, Role};
use crate::error::{Error, Result};
use crate::store::cases;
use crate::triage::{Lane, TriageSettings};

fn case_op(conn: &Connection, now_ms: i64, case_id: &str, field: &str, value: Value) -> Result<Op> {
    ops::record(conn, now_ms, fields::CASE, case_id, field, value, false)
}

/// Puts the case in `lane` by hand (it sticks), or with `None` hands it back to triage.
pub fn set_lane(conn: &Connection, now_ms: i64, case_id: &str, lane: Option<Lane>) -> Result<()> {
    case_op(conn, now_ms, case_id, fields::LANE, lane.map_or(Value::Null, |l| json!(l.as_str()))).map(drop)
}

pub fn set_status(conn: &Connection, now_ms: i64, case_id: &str, status: &str) -> Result<()> {
    if !matches!(status, "open" | "waiting" | "closed") {
        return Err(Error::BadArgs(format!("status `{status}`: use open, waiting or closed")));
    }
    case_op(conn, now_ms, case_id, fields::STATUS, json!(status)).map(drop)
}

/// Gives the case to the owner or the assistant; `None` lets its lane decide again.
pub fn assign(conn: &Connection, now_ms: i64, case_id: &str, to: Option<Role>) -> Result<()> {
    case_op(conn, now_ms, case_id, fields::ASSIGNEE, to.map_or(Value::Null, |r| json!(r.as_str()))).map(drop)
}

/// Puts the case away until `until_ms` (it comes back sooner if the customer writes); `None`
/// wakes it now.
pub fn snooze(conn: &Connection, now_ms: i64, case_id: &str, until_ms: Option<i64>) -> Result<()> {
    if until_ms.is_some_and(|t| t <= now_ms) {
        return Err(Error::BadArgs("snooze until a time in the future".into()));
    }
    case_op(conn, now_ms, case_id, fields::SNOOZE, until_ms.map_or(Value::Null, |t| json!(t))).map(drop)
}

/// Review mode: the owner confirms the lane triage suggested (the case follows triage again) or
/// moves it (a manual lane), and the case counts as reviewed.
pub fn review(conn: &Connection, now_ms: i64, case_id: &str, lane: Lane) -> Result<()> {
    let row = cases::get(conn, case_id)?;
    let manual = (lane.as_str() != row.suggested_lane).then_some(lane);
    set_lane(conn, now_ms, case_id, manual)?;
    case_op(conn, now_ms, case_id, fields::REVIEWED, json!(true)).map(drop)
}

pub fn correct(conn: &Connection, now_ms: i64, case_id: &str, correction: &str, on: bool) -> Result<()> {
    case_op(conn, now_ms, case_id, &format!("{}{correction}", fields::CORRECTION_PREFIX), json!(on)).map(drop)
}

/// Adds a note by this replica's person. Private notes are the owner's alone: they are never
/// pushed, so no other replica ever holds them.
pub fn add_note(conn: &Connection, now_ms: i64, case_id: &str, body: &str, private: bool) -> Result<cases::Note> {
    let body = body.trim();
    if body.is_empty() {
        return Err(Error::BadArgs("the note is empty: write something first".into()));
    }
    cases::get(conn, case_id)?;
    let me = replica::local(conn)?;
    if private && me.acting_role() != Role::Owner {
        return Err(Error::BadArgs("only the owner can write private notes".into()));
    }
    let uid = replica::random_hex(12)?;
    let value = NoteValue {
        case_id: case_id.to_string(),
        author_role: me.acting_role().as_str().into(),
        author_name: me.name,
        body: body.to_string(),
        created_ms: now_ms,
    };
    let value = serde_json::to_value(&value).map_err(|e| Error::Invalid(e.to_string()))?;
    ops::record(conn, now_ms, fields::NOTE, &uid, "add", value, private)?;
    cases::notes(conn, case_id)?
        .into_iter()
        .find(|n| n.uid == uid)
        .ok_or_else(|| Error::Invalid("the note was not stored".into()))
}

/// Saves the owner's triage settings (shared by both replicas) and re-triages every case.
pub fn set_triage_settings(conn: &Connection, now_ms: i64, settings: &TriageSettings) -> Result<()> {
    settings.validate()?;
    let value = serde_json::to_value(settings).map_err(|e| Error::Invalid(e.to_string()))?;
    ops::record(conn, now_ms, fields::SETTINGS, TriageSettings::KEY, "value", value, false).map(drop)
}

/// Saves the acknowledgement (shared by both replicas; only the owner's sends it). Switching it on
/// starts the clock: mail that came before is never acknowledged.
pub fn set_ack_settings(conn: &Connection, now_ms: i64, ack: &crate::mail::ack::AckSettings) -> Result<()> {
    use crate::mail::ack::AckSettings;
    if replica::local(conn)?.acting_role() != Role::Owner {
        return Err(Error::BadArgs("only the owner sets the acknowledgement: it goes out in their name".into()));
    }
    ack.validate()?;
    let before = AckSettings::load(conn)?;
    let mut ack = ack.clone();
    ack.enabled_since_ms = match (before.enabled, ack.enabled) {
        (true, true) => before.enabled_since_ms,
        (false, true) => now_ms,
        (_, false) => 0,
    };
    let value = serde_json::to_value(&ack).map_err(|e| Error::Invalid(e.to_string()))?;
    ops::record(conn, now_ms, fields::SETTINGS, AckSettings::KEY, "value", value, false).map(drop)
}

/// An order imported here (from a CSV or a payment provider), shared with the other replicas so
/// whoever replies sees the same purchase history and the same lanes. An order already held as it
/// is makes no op. The re-triage it causes is left in `fx`.
pub fn record_order(
    conn: &Connection,
    now_ms: i64,
    record: &fields::OrderRecord,
    fx: &mut ops::Effects,
) -> Result<crate::store::orders::Upsert> {
    use crate::store::orders::{self, Upsert};
    let o = &record.order;
    let held = orders::get(conn, &o.source, &o.order_id)?;
    let buyer = crate::store::customers::find(conn, &record.email)?;
    let outcome = match &held {
        None => Upsert::Inserted,
        Some((customer, order, clock)) => {
            let merged = orders::Order { refunded_ms: orders::earliest(order.refunded_ms, o.refunded_ms), ..o.clone() };
            if clock.is_some() && order == &merged && buyer == Some(*customer) {
                return Ok(Upsert::Unchanged);
            }
            Upsert::Updated
        }
    };
    let value = serde_json::to_value(record).map_err(|e| Error::Invalid(e.to_string()))?;
    let id = format!("{}:{}", o.source, o.order_id);
    ops::record_deferred(conn, now_ms, (fields::ORDER, &id, fields::ORDER_RECORD), value, false, fx)?;
    Ok(outcome)
}

/// Shares, once, the orders imported before orders replicated (they have no record clock yet), so
/// an upgraded owner's history reaches the assistant at the next sync. Returns how many.
pub fn share_unshared_orders(conn: &Connection, now_ms: i64) -> Result<usize> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.email, c.name, o.source, o.order_id, o.product, o.amount_minor, o.currency, o.purchased_ms,
                o.refunded_ms
         FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.record_hlc IS NULL",
    )?;
    let records = stmt
        .query_map([], |r| {
            Ok(fields::OrderRecord {
                email: r.get(0)?,
                name: r.get(1)?,
                order: crate::store::orders::Order {
                    source: r.get(2)?,
                    order_id: r.get(3)?,
                    product: r.get(4)?,
                    amount_minor: r.get(5)?,
                    currency: r.get(6)?,
                    purchased_ms: r.get(7)?,
                    refunded_ms: r.get(8)?,
                },
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut fx = ops::Effects::default();
    for record in &records {
        record_order(conn, now_ms, record, &mut fx)?;
    }
    fx.finish(conn)?;
    Ok(records.len())
}

/// Decides to refund an order in full; the refund clock starts now.
pub fn refund(conn: &Connection, now_ms: i64, source: &str, order_id: &str, case_id: Option<&str>) -> Result<()> {
    let value =
        fields::RefundValue { source: source.into(), order_id: order_id.into(), case_id: case_id.map(Into::into) };
    let value = serde_json::to_value(&value).map_err(|e| Error::Invalid(e.to_string()))?;
    ops::record(conn, now_ms, fields::ORDER, &format!("{source}:{order_id}"), "refund", value, false)
        .map_err(|_| Error::BadArgs(format!("no order {order_id} from {source} in this store")))
        .map(drop)
}

/// The refund has been made at the payment provider.
pub fn refund_done(conn: &Connection, now_ms: i64, source: &str, order_id: &str) -> Result<()> {
    if crate::commerce::refunds::get(conn, source, order_id)?.is_none() {
        return Err(Error::BadArgs(format!("order {order_id} has no refund to mark done: refund it first")));
    }
    let value = fields::RefundValue { source: source.into(), order_id: order_id.into(), case_id: None };
    let value = serde_json::to_value(&value).map_err(|e| Error::Invalid(e.to_string()))?;
    ops::record(conn, now_ms, fields::ORDER, &format!("{source}:{order_id}"), "refund_done", value, false).map(drop)
}

pub fn set_refund_policy(
    conn: &Connection,
    now_ms: i64,
    policy: &crate::commerce::refunds::RefundPolicy,
) -> Result<()> {
    policy.validate()?;
    let value = serde_json::to_value(policy).map_err(|e| Error::Invalid(e.to_string()))?;
    ops::record(conn, now_ms, fields::SETTINGS, crate::commerce::refunds::RefundPolicy::KEY, "value", value, false)
        .map(drop)
}

/// How long "Dana is replying" lasts without a renewal: the composer renews it while open.
pub const REPLYING_FOR_MS: i64 = 2 * 60_000;

/// Tells the other replicas who we are and which case we are writing a reply on (`None`: none).
pub fn presence(conn: &Connection, now_ms: i64, replying_case: Option<&str>) -> Result<()> {
    let me = replica::local(conn)?;
    if let Some(id) = replying_case {
        cases::get(conn, id)?;
    }
    let value = Presence {
        role: me.acting_role().as_str().into(),
        name: me.name.clone(),
        replying_case: replying_case.map(str::to_string),
        until_ms: if replying_case.is_some() { now_ms + REPLYING_FOR_MS } else { 0 },
    };
    let value = serde_json::to_value(&value).map_err(|e| Error::Invalid(e.to_string()))?;
    ops::record(conn, now_ms, fields::REPLICA, &me.id, "presence", value, false).map(drop)
}

fn owner_only(conn: &Connection, what: &str) -> Result<replica::Replica> {
    let me = replica::local(conn)?;
    if me.acting_role() != Role::Owner {
        return Err(Error::BadArgs(format!("only the owner can {what}")));
    }
    Ok(me)
}

fn to_value(v: &impl serde::Serialize) -> Result<Value> {
    serde_json::to_value(v).map_err(|e| Error::Invalid(e.to_string()))
}

/// Schedules a follow-up or a callback on the case. Returns the task's uid.
pub fn add_task(conn: &Connection, now_ms: i64, task: &crate::care::tasks::Task) -> Result<String> {
    use crate::care::tasks::TaskKind;
    cases::get(conn, &task.case_id)?;
    let phone = task.phone.as_deref().map(str::trim).filter(|p| !p.is_empty());
    if task.kind == TaskKind::Callback && phone.is_none_or(|p| p.chars().filter(char::is_ascii_digit).count() < 5) {
        return Err(Error::BadArgs("a callback needs the phone number to call".into()));
    }
    if task.due_ms <= 0 {
        return Err(Error::BadArgs("say when the task is due".into()));
    }
    let uid = replica::random_hex(12)?;
    let task = crate::care::tasks::Task {
        uid: uid.clone(),
        note: task.note.trim().to_string(),
        phone: phone.map(str::to_string),
        time_zone: task.time_zone.clone().filter(|z| !z.trim().is_empty()),
        author_name: replica::local(conn)?.name,
        created_ms: now_ms,
        done_ms: None,
        ..task.clone()
    };
    ops::record(conn, now_ms, fields::TASK, &uid, "add", to_value(&task)?, false)?;
    Ok(uid)
}

/// Ticks a task off (or, with `done` false, puts it back).
pub fn task_done(conn: &Connection, now_ms: i64, uid: &str, done: bool) -> Result<()> {
    if crate::care::tasks::get(conn, uid)?.is_none() {
        return Err(Error::BadArgs(format!("no task {uid} on this machine")));
    }
    ops::record(conn, now_ms, fields::TASK, uid, "done", if done { json!(now_ms) } else { Value::Null }, false)
        .map(drop)
}

/// Records a gift for the case's customer; it shows in their history on both machines.
pub fn give_gift(conn: &Connection, now_ms: i64, gift: &crate::care::gifts::Gift) -> Result<String> {
    gift.validate()?;
    let case = cases::get(conn, &gift.case_id)?;
    if case.customer_email.is_empty() {
        return Err(Error::BadArgs("this case has no customer to give a gift to".into()));
    }
    let uid = replica::random_hex(12)?;
    let gift = crate::care::gifts::Gift {
        uid: uid.clone(),
        customer_email: case.customer_email.to_ascii_lowercase(),
        description: gift.description.trim().to_string(),
        author_name: replica::local(conn)?.name,
        created_ms: now_ms,
        ..gift.clone()
    };
    ops::record(conn, now_ms, fields::GIFT, &uid, "add", to_value(&gift)?, false)?;
    Ok(uid)
}

/// The owner's call on a serial refunder (`None`: undecided again).
pub fn decide_refunder(
    conn: &Connection,
    now_ms: i64,
    email: &str,
    decision: Option<crate::care::decisions::RefunderDecision>,
) -> Result<()> {
    owner_only(conn, "decide about a serial refunder")?;
    let value = decision.map_or(Value::Null, |d| json!(d.as_str()));
    ops::record(conn, now_ms, fields::CUSTOMER, &email.to_ascii_lowercase(), "refund_decision", value, false).map(drop)
}

/// The owner's word that the case's messages so far need no answer; a newer one will.
pub fn no_reply_needed(conn: &Connection, now_ms: i64, case_id: &str, on: bool) -> Result<()> {
    owner_only(conn, "mark a case “no reply needed”: ask them, or answer it")?;
    let case = cases::get(conn, case_id)?;
    // Covers mail dated a little ahead of our clock too.
    let until = now_ms.max(case.last_inbound_ms.unwrap_or(0));
    case_op(conn, now_ms, case_id, fields::NO_REPLY_NEEDED, if on { json!(until) } else { Value::Null }).map(drop)
}

pub fn set_care_settings(conn: &Connection, now_ms: i64, care: &crate::care::CareSettings) -> Result<()> {
    care.validate()?;
    ops::record(conn, now_ms, fields::SETTINGS, crate::care::CareSettings::KEY, "value", to_value(care)?, false)
        .map(drop)
}

/// Tags the case as a suggestion about `topic` (`None`: not a suggestion).
pub fn tag_suggestion(conn: &Connection, now_ms: i64, case_id: &str, topic: Option<&str>) -> Result<()> {
    topic_op(conn, now_ms, case_id, "suggestion", topic)
}

/// Names what a complaint is about (`None`: read it from the mail again).
pub fn set_complaint_topic(conn: &Connection, now_ms: i64, case_id: &str, topic: Option<&str>) -> Result<()> {
    topic_op(conn, now_ms, case_id, "complaint", topic)
}

fn topic_op(conn: &Connection, now_ms: i64, case_id: &str, field: &str, topic: Option<&str>) -> Result<()> {
    cases::get(conn, case_id)?;
    let value = topic.map(crate::care::feedback::clean_topic).transpose()?.map_or(Value::Null, |t| json!(t));
    case_op(conn, now_ms, case_id, field, value).map(drop)
}

/// The customer on this case has been thanked for their suggestion or complaint.
pub fn feedback_thanked(conn: &Connection, now_ms: i64, case_id: &str) -> Result<()> {
    case_op(conn, now_ms, case_id, "feedback_thanked", json!(now_ms)).map(drop)
}

/// A suggestion shipped, or a complaint's cause fixed (`done` false takes it back).
pub fn feedback_done(conn: &Connection, now_ms: i64, key: &str, done: bool) -> Result<()> {
    let value = if done { json!(now_ms) } else { Value::Null };
    ops::record(conn, now_ms, fields::FEEDBACK, key, "done", value, false).map(drop)
}

/// Shows the case inside `into` (the same customer's), or with `None` keeps it apart (a split):
/// a person's decision, stronger than the purchase-session rule.
pub fn merge(conn: &Connection, now_ms: i64, case_id: &str, into: Option<&str>) -> Result<()> {
    if let Some(into) = into {
        crate::cases::merge::check(conn, case_id, into)?;
    } else {
        cases::get(conn, case_id)?;
    }
    let value = serde_json::to_value(crate::cases::merge::Decision {
        into: into.map(str::to_string),
        by: replica::local(conn)?.name,
    })
    .map_err(|e| Error::Invalid(e.to_string()))?;
    case_op(conn, now_ms, case_id, fields::MERGE, value).map(drop)
}
