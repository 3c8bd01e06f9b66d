//! Orders, keyed by (source, order_id): every import and every replica merges order records into
//! them the same way (`merge`), so re-imports change nothing and a later refund lands everywhere.

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::error::Result;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Order {
    pub source: String,
    pub order_id: String,
    pub product: String,
    pub amount_minor: i64,
    pub currency: String,
    pub purchased_ms: i64,
    pub refunded_ms: Option<i64>,
}

pub enum Upsert {
    Inserted,
    Updated,
    Unchanged,
}

/// The earlier of two refund times: a refund, once known, is never undone.
pub fn earliest(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// What an order row holds now, with the clock of its record (None: imported before orders
/// replicated, or not here at all).
pub fn get(conn: &Connection, source: &str, order_id: &str) -> Result<Option<(i64, Order, Option<String>)>> {
    Ok(conn
        .prepare_cached(
            "SELECT customer_id, product, amount_minor, currency, purchased_ms, refunded_ms, record_hlc
             FROM orders WHERE source = ?1 AND order_id = ?2",
        )?
        .query_row(params![source, order_id], |r| {
            let order = Order {
                source: source.to_string(),
                order_id: order_id.to_string(),
                product: r.get(1)?,
                amount_minor: r.get(2)?,
                currency: r.get(3)?,
                purchased_ms: r.get(4)?,
                refunded_ms: r.get(5)?,
            };
            Ok((r.get(0)?, order, r.get(6)?))
        })
        .optional()?)
}

/// Applies an order record stamped `hlc`: the newest record says who bought what, when, for how
/// much; a refund from any record stays, the earliest time winning. The outcome is the same
/// whatever order records arrive in, so replicas converge.
pub fn merge(conn: &Connection, customer_id: i64, o: &Order, hlc: &str) -> Result<Upsert> {
    let existing = get(conn, &o.source, &o.order_id)?;
    let refunded = earliest(existing.as_ref().and_then(|(_, e, _)| e.refunded_ms), o.refunded_ms);
    let newest = existing.as_ref().is_none_or(|(_, _, held)| held.as_deref().is_none_or(|h| h < hlc));
    if !newest {
        let (_, held, _) = existing.as_ref().expect("an older record means a row");
        if held.refunded_ms == refunded {
            return Ok(Upsert::Unchanged);
        }
        conn.prepare_cached("UPDATE orders SET refunded_ms = ?3 WHERE source = ?1 AND order_id = ?2")?
            .execute(params![o.source, o.order_id, refunded])?;
        return Ok(Upsert::Updated);
    }
    conn.prepare_cached(
        "INSERT INTO orders (source, order_id, customer_id, product, amount_minor, currency, purchased_ms, refunded_ms,
                             record_hlc)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT(source, order_id) DO UPDATE SET
           customer_id = excluded.customer_id, product = excluded.product, amount_minor = excluded.amount_minor,
           currency = excluded.currency, purchased_ms = excluded.purchased_ms, refunded_ms = excluded.refunded_ms,
           record_hlc = excluded.record_hlc",
    )?
    .execute(params![
        o.source,
        o.order_id,
        customer_id,
        o.product,
        o.amount_minor,
        o.currency,
        o.purchased_ms,
        refunded,
        hlc
    ])?;
    Ok(if existing.is_some() { Upsert::Updated } else { Upsert::Inserted })
}

pub fn for_customer(conn: &Connection, customer_id: i64) -> Result<Vec<Order>> {
    let mut stmt = conn.prepare_cached(
        "SELECT source, order_id, product, amount_minor, currency, purchased_ms, refunded_ms
         FROM orders WHERE customer_id = ?1 ORDER BY purchased_ms DESC",
    )?;
    let rows = stmt.query_map([customer_id], |r| {
        Ok(Order {
            source: r.get(0)?,
            order_id: r.get(1)?,
            product: r.get(2)?,
            amount_minor: r.get(3)?,
            currency: r.get(4)?,
            purchased_ms: r.get(5)?,
            refunded_ms: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Lifetime value in the customer's main currency: paid orders minus refunded ones.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Value {
    pub lifetime_minor: i64,
    pub currency: String,
    pub orders: u32,
    pub refunds: u32,
    pub last_purchase_ms: Option<i64>,
}

pub fn value(orders: &[Order]) -> Value {
    let mut by_currency: std::collections::BTreeMap<&str, i64> = Default::default();
    for o in orders.iter().filter(|o| o.refunded_ms.is_none()) {
        *by_currency.entry(o.currency.as_str()).or_default() += o.amount_minor;
    }
    let (currency, lifetime_minor) = by_currency
        .into_iter()
        .max_by_key(|(_, v)| *v)
        .map(|(c, v)| (c.to_string(), v))
        .unwrap_or_else(|| (orders.first().map(|o| o.currency.clone()).unwrap_or_else(|| "USD".into()), 0));
    Value {
        lifetime_minor,
        currency,
        orders: orders.len() as u32,
        refunds: orders.iter().filter(|o| o.refunded_ms.is_some()).count() as u32,
        last_purchase_ms: orders.iter().map(|o| o.purchased_ms).max(),
    }
}
