//! One case per customer problem. A case can show inside another one:
//! - merged or kept apart by a person (an op on the case, last writer wins, always stronger), or
//! - merged automatically when a customer writes several mails about orders bought in one
//!   purchase session (orders within `CareSettings::session_minutes` of each other). The rule is a
//!   pure function of the mail and the orders, so every replica computes the same merges.
//!
//! Messages keep their thread's own case (`home_case`); `case_id` is where they show. Where a case
//! shows is settled from the merge decisions alone (a loop two replicas made crosswise settles on
//! its smallest id), so replicas agree whatever order the decisions reached them in.

use std::collections::BTreeSet;

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::store::{cases, orders};

/// A person's merge decision: into another case, or (`into: None`) kept apart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    pub into: Option<String>,
    #[serde(default)]
    pub by: String,
}

/// Records a person's decision (`None`: back to the automatic rule) as it arrives from an op.
pub fn set_manual(conn: &Connection, id: &str, decision: Option<&Decision>) -> Result<()> {
    let json = decision.map(|d| serde_json::to_string(d).unwrap_or_default());
    let by = |d: &Decision| if d.by.is_empty() { String::new() } else { format!(" by {}", d.by) };
    let note = decision.map(|d| match &d.into {
        Some(_) => format!("Merged{}", by(d)),
        None => format!("Kept apart{}", by(d)),
    });
    conn.prepare_cached("UPDATE cases SET manual_merge = ?2, merge_note = coalesce(?3, merge_note) WHERE id = ?1")?
        .execute(params![id, json, note])?;
    Ok(())
}

fn manual(conn: &Connection, id: &str) -> Result<Option<Decision>> {
    let json: Option<String> = conn
        .prepare_cached("SELECT manual_merge FROM cases WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?
        .flatten();
    Ok(json.and_then(|j| serde_json::from_str(&j).ok()))
}

/// The case `id` shows in directly: a person's decision, else the automatic one.
fn parent(conn: &Connection, id: &str) -> Result<Option<String>> {
    if let Some(d) = manual(conn, id)? {
        return Ok(d.into.filter(|into| into != id));
    }
    Ok(conn
        .prepare_cached("SELECT auto_merge FROM cases WHERE id = ?1")?
        .query_row([id], |r| r.get::<_, Option<String>>(0))
        .optional()?
        .flatten()
        .filter(|into| into != id))
}

/// Where `id` shows: its parents followed to the end.
pub fn resolve(conn: &Connection, id: &str) -> Result<String> {
    let mut path = vec![id.to_string()];
    loop {
        let here = path.last().cloned().unwrap_or_default();
        match parent(conn, &here)? {
            Some(next) if !cases::exists(conn, &next)? => return Ok(here), // not here yet
            Some(next) => match path.iter().position(|p| *p == next) {
                // A loop: its smallest id, the same on every replica.
                Some(start) => return Ok(path[start..].iter().min().cloned().unwrap_or(next)),
                None => path.push(next),
            },
            None => return Ok(here),
        }
    }
}

/// Moves every message to where its case shows now; returns the cases whose messages changed
/// (to refresh and triage again).
pub fn settle(conn: &Connection) -> Result<BTreeSet<String>> {
    let involved: Vec<String> = conn
        .prepare_cached(
            "SELECT id FROM cases WHERE manual_merge IS NOT NULL OR auto_merge IS NOT NULL OR shown_in IS NOT NULL",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut changed = BTreeSet::new();
    for id in involved {
        let root = resolve(conn, &id)?;
        let shown = (root != id).then(|| root.clone());
        let before: Option<String> =
            conn.prepare_cached("SELECT shown_in FROM cases WHERE id = ?1")?.query_row([&id], |r| r.get(0))?;
        if before == shown {
            continue;
        }
        conn.prepare_cached("UPDATE cases SET shown_in = ?2 WHERE id = ?1")?.execute(params![id, shown])?;
        conn.prepare_cached("UPDATE messages SET case_id = ?2 WHERE home_case = ?1")?.execute(params![id, root])?;
        changed.insert(id);
        changed.insert(root);
        changed.extend(before);
    }
    for id in &changed {
        cases::refresh_from_messages(conn, id)?;
    }
    Ok(changed)
}

/// A case shown inside another, and why.
pub struct Merged {
    pub case_id: String,
    pub subject: String,
    pub note: Option<String>,
    /// A person's decision, not the purchase-session rule's.
    pub manual: bool,
}

/// The cases shown inside `id`.
pub fn merged_into(conn: &Connection, id: &str) -> Result<Vec<Merged>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, subject, merge_note, manual_merge IS NOT NULL FROM cases WHERE shown_in = ?1 ORDER BY created_ms, id",
    )?;
    let rows = stmt.query_map([id], |r| {
        Ok(Merged { case_id: r.get(0)?, subject: r.get(1)?, note: r.get(2)?, manual: r.get(3)? })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Checks a person's merge of `id` into `into` before it is recorded.
pub fn check(conn: &Connection, id: &str, into: &str) -> Result<()> {
    if id == into {
        return Err(Error::BadArgs("a case cannot be merged into itself".into()));
    }
    let (a, b) = (cases::get(conn, id)?, cases::get(conn, into)?);
    if a.customer_email != b.customer_email {
        return Err(Error::BadArgs(format!(
            "these cases are from different customers ({} and {}): only one customer's cases merge",
            a.customer_email, b.customer_email
        )));
    }
    if resolve(conn, into)? == id {
        return Err(Error::BadArgs("that case already shows inside this one: split it first".into()));
    }
    Ok(())
}

/// The purchase-session rule for one customer: their cases about orders bought within
/// `session_ms` of each other show in the earliest of them. Writes `auto_merge` and the note.
pub fn auto_merge_customer(conn: &Connection, customer_id: i64, session_ms: i64) -> Result<()> {
    let mut bought = orders::for_customer(conn, customer_id)?;
    bought.retain(|o| !o.product.is_empty());
    bought.sort_by(|a, b| a.purchased_ms.cmp(&b.purchased_ms).then(a.order_id.cmp(&b.order_id)));
    // Sessions: runs of orders each within `session_ms` of the one before.
    let mut sessions: Vec<Vec<&orders::Order>> = Vec::new();
    for o in &bought {
        match sessions.last_mut() {
            Some(s) if s.last().is_some_and(|p| o.purchased_ms - p.purchased_ms <= session_ms) => s.push(o),
            _ => sessions.push(vec![o]),
        }
    }
    sessions.retain(|s| s.len() >= 2 && session_ms > 0);
    if sessions.is_empty() {
        // Most customers: nothing bought in one session, nothing to read.
        conn.prepare_cached("UPDATE cases SET auto_merge = NULL WHERE customer_id = ?1 AND auto_merge IS NOT NULL")?
            .execute([customer_id])?;
        return Ok(());
    }
    let ids = cases::ids_for_customer(conn, customer_id)?;
    let mut targets: Vec<(String, Option<(String, String)>)> = Vec::new();
    let mut texts = Vec::new();
    for id in &ids {
        let (text, first_ms): (String, i64) = conn
            .prepare_cached(
                "SELECT coalesce(group_concat(lower(subject || ' ' || body_text), ' '), ''), coalesce(min(date_ms), 0)
                 FROM messages WHERE home_case = ?1 AND direction = 'inbound' AND unreadable = 0",
            )?
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        texts.push((id.clone(), text, first_ms));
    }
    for (id, _, _) in &texts {
        targets.push((id.clone(), None));
    }
    for session in &sessions {
        let about = |text: &str| {
            session
                .iter()
                .any(|o| text.contains(&o.product.to_lowercase()) || text.contains(&o.order_id.to_lowercase()))
        };
        let mut members: Vec<&(String, String, i64)> =
            texts.iter().filter(|(_, text, first)| *first > 0 && about(text)).collect();
        if members.len() < 2 {
            continue;
        }
        members.sort_by(|a, b| a.2.cmp(&b.2).then(a.0.cmp(&b.0)));
        let first = members[0].0.clone();
        let names: Vec<&str> = session.iter().map(|o| o.product.as_str()).collect();
        let note = format!("Bought in one session: {}", names.join(", "));
        for (id, _, _) in &members[1..] {
            if let Some(t) = targets.iter_mut().find(|(t, _)| t == id) {
                t.1 = Some((first.clone(), note.clone()));
            }
        }
    }
    for (id, target) in targets {
        let (into, note) = target.map_or((None, None), |(i, n)| (Some(i), Some(n)));
        conn.prepare_cached(
            "UPDATE cases SET auto_merge = ?2, merge_note = CASE WHEN manual_merge IS NULL THEN ?3 ELSE merge_note END
             WHERE id = ?1",
        )?
        .execute(params![id, into, note])?;
    }
    Ok(())
}

/// After mail or orders of `customers` changed: the purchase-session rule again, then every
/// message where it shows. Returns the cases that changed.
pub fn after_change(conn: &Connection, customers: impl IntoIterator<Item = i64>) -> Result<BTreeSet<String>> {
    let session_ms = crate::care::CareSettings::load(conn)?.session_minutes as i64 * 60_000;
    for customer in customers {
        auto_merge_customer(conn, customer, session_ms)?;
    }
    settle(conn)
}
