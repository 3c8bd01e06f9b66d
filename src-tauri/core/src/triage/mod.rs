//! Triage: signals from a case's messages and the customer's orders → a lane, a score, and reasons
//! a person can check. `lanes` holds every lane and ordering decision; `signals` finds evidence.
//!
//! This is the walking skeleton's rule set: phrase lists and order value. The triage issue replaces
//! the signals with a measured engine; the shapes here (Facts → Assessment) stay.

pub mod lanes;
pub mod signals;

use rusqlite::Connection;

use crate::error::Result;
use crate::store::{cases, customers, messages, orders, settings};

pub use lanes::{Lane, QueueName};

/// The owner's thresholds, from settings.
#[derive(Debug, Clone, Copy)]
pub struct Thresholds {
    pub valuable_lifetime_minor: i64,
    pub valuable_orders: u32,
}

impl Thresholds {
    pub const VALUABLE_LIFETIME_KEY: &str = "triage.valuable_lifetime_minor";
    pub const VALUABLE_ORDERS_KEY: &str = "triage.valuable_orders";

    pub fn load(conn: &Connection) -> Result<Self> {
        Ok(Thresholds {
            valuable_lifetime_minor: settings::get_i64(conn, Self::VALUABLE_LIFETIME_KEY, 30_000)?,
            valuable_orders: settings::get_i64(conn, Self::VALUABLE_ORDERS_KEY, 4)? as u32,
        })
    }
}

pub struct Facts<'a> {
    pub messages: &'a [messages::StoredMessage],
    pub value: orders::Value,
    pub unreadable: bool,
    pub thresholds: Thresholds,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    pub lane: Lane,
    pub score: f64,
    pub reasons: Vec<String>,
}

/// Recomputes and stores the lane, score and reasons of one case.
pub fn retriage(conn: &Connection, case_id: &str, thresholds: Thresholds) -> Result<Assessment> {
    let (customer_id, unreadable) = cases::triage_inputs(conn, case_id)?;
    let msgs = messages::for_case(conn, case_id)?;
    let value = match customer_id {
        Some(id) => orders::value(&orders::for_customer(conn, id)?),
        None => orders::Value::default(),
    };
    let assessment = lanes::assess(&Facts { messages: &msgs, value, unreadable, thresholds });
    cases::set_triage(conn, case_id, assessment.lane.as_str(), assessment.score, &assessment.reasons)?;
    Ok(assessment)
}

/// Re-triages every case of the customer who owns `email` (after their orders changed).
pub fn retriage_customer(conn: &Connection, customer_id: i64, thresholds: Thresholds) -> Result<()> {
    for id in cases::ids_for_customer(conn, customer_id)? {
        retriage(conn, &id, thresholds)?;
    }
    Ok(())
}

pub fn customer_id_for(conn: &Connection, email: &str) -> Result<Option<i64>> {
    customers::find(conn, email)
}
