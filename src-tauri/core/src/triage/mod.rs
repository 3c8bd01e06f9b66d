//! Triage: signals from a case's messages and the customer's orders → a lane, a score, and reasons
//! a person can check. `lanes` holds every lane and ordering decision; `signals` finds evidence.
//!
//! This is the walking skeleton's rule set: phrase lists and order value. The triage issue replaces
//! the signals with a measured engine; the shapes here (Facts → Assessment) stay.

pub mod embed;
pub mod lanes;
pub mod signals;
pub mod tone;

use rusqlite::Connection;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::store::{cases, messages, orders, settings};
use crate::time::DAY_MS;

pub use lanes::{Lane, QueueName};

/// Start-up check of the compiled-in models (the window, `kindly serve` and the triaging CLI
/// commands run it): a damaged model is an error that says so, never a quiet fall back to phrases.
pub fn check_models() -> Result<()> {
    tone::check().map_err(Error::Model)
}

/// The owner's triage settings. `Thresholds` is the name the engine uses for them.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
pub struct TriageSettings {
    /// A valuable customer has spent at least this much (minor units of their main currency).
    #[ts(type = "number")]
    pub valuable_lifetime_minor: i64,
    /// … or bought at least this many times.
    pub valuable_orders: u32,
    /// A serial refunder has at least this many refunds …
    pub serial_refunds: u32,
    /// … and at least this share of their orders refunded (0..1).
    pub serial_refund_ratio: f64,
}

pub type Thresholds = TriageSettings;

impl Default for TriageSettings {
    fn default() -> Self {
        TriageSettings {
            valuable_lifetime_minor: 30_000,
            valuable_orders: 4,
            serial_refunds: 3,
            serial_refund_ratio: 0.5,
        }
    }
}

impl TriageSettings {
    pub const KEY: &str = "triage.settings";

    pub fn load(conn: &Connection) -> Result<Self> {
        Ok(settings::get(conn, Self::KEY)?.and_then(|v| serde_json::from_str(&v).ok()).unwrap_or_default())
    }

    /// Many refunds, and a large share of the customer's orders refunded.
    pub fn is_serial_refunder(&self, v: &orders::Value) -> bool {
        v.refunds >= self.serial_refunds
            && v.orders > 0
            && f64::from(v.refunds) / f64::from(v.orders) >= self.serial_refund_ratio
    }

    pub fn validate(&self) -> Result<()> {
        let problem = if self.valuable_lifetime_minor < 0 {
            Some("the lifetime value must be zero or more")
        } else if self.valuable_orders == 0 {
            Some("a valuable customer needs at least 1 order (0 would make everyone valuable)")
        } else if self.serial_refunds == 0 {
            Some("a serial refunder needs at least 1 refund")
        } else if !(self.serial_refund_ratio > 0.0 && self.serial_refund_ratio <= 1.0) {
            Some("the refund ratio must be more than 0 and at most 1 (a share of orders, between 0 and 1)")
        } else {
            None
        };
        if let Some(problem) = problem {
            return Err(Error::BadArgs(problem.into()));
        }
        Ok(())
    }
}

pub struct Facts<'a> {
    pub messages: &'a [messages::StoredMessage],
    pub value: orders::Value,
    pub unreadable: bool,
    pub thresholds: Thresholds,
    /// The owner's corrections of this case ("not-angry", "not-excellent"): they win.
    pub corrections: &'a [String],
    /// The same customer's other open cases with mail in the last two weeks.
    pub other_open_cases: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    pub lane: Lane,
    pub score: f64,
    pub reasons: Vec<String>,
    /// `auto-reply`, `spam`: mail no person is waiting on.
    pub tags: Vec<String>,
}

/// Recomputes and stores the lane, score and reasons of one case.
pub fn retriage(conn: &Connection, case_id: &str, thresholds: Thresholds) -> Result<Assessment> {
    let (customer_id, unreadable) = cases::triage_inputs(conn, case_id)?;
    let msgs = messages::for_case(conn, case_id)?;
    let value = match customer_id {
        Some(id) => orders::value(&orders::for_customer(conn, id)?),
        None => orders::Value::default(),
    };
    let corrections = cases::corrections(conn, case_id)?;
    let other_open_cases = match customer_id {
        Some(id) => cases::other_recent_open(conn, id, case_id, msgs.last().map_or(0, |m| m.date_ms) - 14 * DAY_MS)?,
        None => 0,
    };
    let facts = Facts { messages: &msgs, value, unreadable, thresholds, corrections: &corrections, other_open_cases };
    let assessment = lanes::assess(&facts);
    cases::set_triage(
        conn,
        case_id,
        assessment.lane.as_str(),
        assessment.score,
        &assessment.reasons,
        &assessment.tags,
    )?;
    Ok(assessment)
}

/// Re-triages every case of the customer who owns `email` (after their orders changed).
pub fn retriage_customer(conn: &Connection, customer_id: i64, thresholds: Thresholds) -> Result<()> {
    for id in cases::ids_for_customer(conn, customer_id)? {
        retriage(conn, &id, thresholds)?;
    }
    Ok(())
}

pub fn retriage_all(conn: &Connection, thresholds: Thresholds) -> Result<()> {
    for id in cases::all_ids(conn)? {
        retriage(conn, &id, thresholds)?;
    }
    Ok(())
}
