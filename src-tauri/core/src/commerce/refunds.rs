//! Refunds, fast and generous: a money-back guarantee with a silent grace period after it. The
//! whole amount goes back, fees included; a refund not done at the payment provider within two
//! days is flagged; a refunded customer gets no promotions.

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::store::settings;
use crate::time::DAY_MS;

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
pub struct RefundPolicy {
    /// The advertised money-back guarantee.
    pub guarantee_days: u32,
    /// Quietly honoured after it (never advertised).
    pub grace_days: u32,
}

impl Default for RefundPolicy {
    fn default() -> Self {
        RefundPolicy { guarantee_days: 90, grace_days: 7 }
    }
}

impl RefundPolicy {
    pub const KEY: &str = "refund.policy";

    pub fn load(conn: &Connection) -> Result<Self> {
        Ok(settings::get(conn, Self::KEY)?.and_then(|v| serde_json::from_str(&v).ok()).unwrap_or_default())
    }

    pub fn validate(&self) -> Result<()> {
        if self.guarantee_days == 0 || self.guarantee_days > 3650 || self.grace_days > 365 {
            return Err(Error::BadArgs("the guarantee is 1 to 3,650 days and the grace period 0 to 365".into()));
        }
        Ok(())
    }
}

/// A refund not done at the payment provider this long after it was decided is flagged.
pub const DUE_WITHIN_MS: i64 = 2 * DAY_MS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum Eligibility {
    Guarantee,
    Grace,
    Outside,
    Refunded,
}

/// Whether an order bought at `purchased_ms` qualifies at `now_ms`, and the sentence that says so.
pub fn judge(policy: RefundPolicy, purchased_ms: i64, refunded: bool, now_ms: i64) -> (Eligibility, String) {
    let day = ((now_ms - purchased_ms).max(0) / DAY_MS) + 1;
    let of = policy.guarantee_days;
    if refunded {
        return (Eligibility::Refunded, "refunded".into());
    }
    if day <= i64::from(of) {
        (Eligibility::Guarantee, format!("day {day} of {of}: inside the money-back guarantee — refund"))
    } else if day <= i64::from(of + policy.grace_days) {
        (Eligibility::Grace, format!("day {day} of {of}: inside the grace period — refund"))
    } else {
        (Eligibility::Outside, format!("day {day} of {of}: past the guarantee and the grace period — your call"))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Refund {
    pub source: String,
    pub order_id: String,
    pub case_id: Option<String>,
    pub amount_minor: i64,
    pub currency: String,
    pub decided_ms: i64,
    pub done_ms: Option<i64>,
}

pub fn get(conn: &Connection, source: &str, order_id: &str) -> Result<Option<Refund>> {
    Ok(conn
        .prepare_cached(
            "SELECT source, order_id, case_id, amount_minor, currency, decided_ms, done_ms FROM refunds
             WHERE source = ?1 AND order_id = ?2",
        )?
        .query_row(params![source, order_id], |r| {
            Ok(Refund {
                source: r.get(0)?,
                order_id: r.get(1)?,
                case_id: r.get(2)?,
                amount_minor: r.get(3)?,
                currency: r.get(4)?,
                decided_ms: r.get(5)?,
                done_ms: r.get(6)?,
            })
        })
        .optional()?)
}

/// Records the decision to refund the whole order (once; a second decision keeps the first
/// clock; the earliest decision wins on every replica) and marks the order refunded, so triage and the do-not-promote list see it at once.
/// Returns false when this replica does not have the order yet.
pub fn decide(conn: &Connection, source: &str, order_id: &str, case_id: Option<&str>, at_ms: i64) -> Result<bool> {
    let order: Option<(i64, String)> = conn
        .prepare_cached("SELECT amount_minor, currency FROM orders WHERE source = ?1 AND order_id = ?2")?
        .query_row(params![source, order_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((amount, currency)) = order else { return Ok(false) };
    conn.prepare_cached(
        "INSERT INTO refunds (source, order_id, case_id, amount_minor, currency, decided_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT DO UPDATE SET decided_ms = min(decided_ms, excluded.decided_ms)",
    )?
    .execute(params![source, order_id, case_id, amount, currency, at_ms])?;
    conn.prepare_cached(
        "UPDATE orders SET refunded_ms = min(coalesce(refunded_ms, ?3), ?3) WHERE source = ?1 AND order_id = ?2",
    )?
    .execute(params![source, order_id, at_ms])?;
    Ok(true)
}

/// Someone has refunded it at the payment provider.
pub fn mark_done(conn: &Connection, source: &str, order_id: &str, at_ms: i64) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "UPDATE refunds SET done_ms = min(coalesce(done_ms, ?3), ?3) WHERE source = ?1 AND order_id = ?2",
        )?
        .execute(params![source, order_id, at_ms])?
        > 0)
}

/// Refunds decided more than two days ago and still not done.
pub fn overdue(conn: &Connection, now_ms: i64) -> Result<i64> {
    Ok(conn
        .prepare_cached("SELECT count(*) FROM refunds WHERE done_ms IS NULL AND decided_ms < ?1")?
        .query_row([now_ms - DUE_WITHIN_MS], |r| r.get(0))?)
}

/// Everyone who had a refund: the mailer must not promote to them.
pub struct DoNotPromote {
    pub email: String,
    pub name: String,
    pub refunded_ms: i64,
}

pub fn do_not_promote(conn: &Connection) -> Result<Vec<DoNotPromote>> {
    let mut stmt = conn.prepare(
        "SELECT c.email, c.name, min(o.refunded_ms) FROM orders o JOIN customers c ON c.id = o.customer_id
         WHERE o.refunded_ms IS NOT NULL GROUP BY c.id ORDER BY c.email",
    )?;
    let rows =
        stmt.query_map([], |r| Ok(DoNotPromote { email: r.get(0)?, name: r.get(1)?, refunded_ms: r.get(2)? }))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_guarantee_then_the_silent_grace_period_then_the_owners_call() {
        let p = RefundPolicy::default();
        let bought = 1_000 * DAY_MS;
        let at = |day: i64| bought + (day - 1) * DAY_MS + 3_600_000;
        assert_eq!(
            judge(p, bought, false, at(12)),
            (Eligibility::Guarantee, "day 12 of 90: inside the money-back guarantee — refund".into())
        );
        assert_eq!(judge(p, bought, false, at(90)).0, Eligibility::Guarantee);
        assert_eq!(
            judge(p, bought, false, at(92)),
            (Eligibility::Grace, "day 92 of 90: inside the grace period — refund".into())
        );
        assert_eq!(judge(p, bought, false, at(97)).0, Eligibility::Grace);
        assert_eq!(judge(p, bought, false, at(98)).0, Eligibility::Outside);
        assert_eq!(judge(p, bought, true, at(5)).0, Eligibility::Refunded);
    }
}
