//! The owner's call on a serial refunder: refund anyway, refund and stop selling to them, or
//! decline kindly. Triage shows the evidence; the decision is per customer and sticks.

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::Result;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum RefunderDecision {
    Refund,
    RefundDoNotSell,
    DeclineKindly,
}

impl RefunderDecision {
    pub fn as_str(self) -> &'static str {
        match self {
            RefunderDecision::Refund => "refund",
            RefunderDecision::RefundDoNotSell => "refund-do-not-sell",
            RefunderDecision::DeclineKindly => "decline-kindly",
        }
    }

    pub fn parse(s: &str) -> Option<RefunderDecision> {
        match s {
            "refund" => Some(RefunderDecision::Refund),
            "refund-do-not-sell" => Some(RefunderDecision::RefundDoNotSell),
            "decline-kindly" => Some(RefunderDecision::DeclineKindly),
            _ => None,
        }
    }
}

/// Sets (or with `None` clears) the decision about `email`.
pub fn set(conn: &Connection, email: &str, decision: Option<RefunderDecision>, at_ms: i64) -> Result<()> {
    let email = email.to_ascii_lowercase();
    match decision {
        Some(d) => conn
            .prepare_cached(
                "INSERT INTO refunder_decisions (email, decision, decided_ms) VALUES (?1, ?2, ?3)
                 ON CONFLICT(email) DO UPDATE SET decision = excluded.decision, decided_ms = excluded.decided_ms",
            )?
            .execute(params![email, d.as_str(), at_ms])?,
        None => conn.prepare_cached("DELETE FROM refunder_decisions WHERE email = ?1")?.execute([email])?,
    };
    Ok(())
}

pub fn get(conn: &Connection, email: &str) -> Result<Option<(RefunderDecision, i64)>> {
    Ok(conn
        .prepare_cached("SELECT decision, decided_ms FROM refunder_decisions WHERE email = ?1")?
        .query_row([email.to_ascii_lowercase()], |r| Ok((r.get::<_, String>(0)?, r.get(1)?)))
        .optional()?
        .and_then(|(d, at)| RefunderDecision::parse(&d).map(|d| (d, at))))
}

/// Addresses we no longer sell to.
pub fn do_not_sell(conn: &Connection) -> Result<Vec<(String, i64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT email, decided_ms FROM refunder_decisions WHERE decision = 'refund-do-not-sell' ORDER BY email",
    )?;
    Ok(stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?)
}

/// Whether `email` shows as a serial refunder, and the evidence: "4 of 5 orders refunded".
pub fn evidence(value: &crate::store::orders::Value, t: &crate::triage::TriageSettings) -> Option<String> {
    t.is_serial_refunder(value).then(|| format!("{} of {} orders refunded", value.refunds, value.orders))
}
