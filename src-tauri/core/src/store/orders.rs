//! Orders: upserted by (source, order_id), so re-imports change nothing and a later refund lands.

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use crate::error::Result;

#[derive(Debug, Clone, PartialEq, Serialize)]
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

pub fn upsert(conn: &Connection, customer_id: i64, o: &Order) -> Result<Upsert> {
    let existing = conn
        .prepare_cached(
            "SELECT customer_id, product, amount_minor, currency, purchased_ms, refunded_ms
             FROM orders WHERE source = ?1 AND order_id = ?2",
        )?
        .query_row(params![o.source, o.order_id], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, Option<i64>>(5)?,
            ))
        })
        .optional()?;
    let incoming = (customer_id, o.product.clone(), o.amount_minor, o.currency.clone(), o.purchased_ms, o.refunded_ms);
    let outcome = match existing {
        Some(row) if row == incoming => return Ok(Upsert::Unchanged),
        Some(_) => Upsert::Updated,
        None => Upsert::Inserted,
    };
    conn.prepare_cached(
        "INSERT INTO orders (source, order_id, customer_id, product, amount_minor, currency, purchased_ms, refunded_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT(source, order_id) DO UPDATE SET
           customer_id = excluded.customer_id, product = excluded.product, amount_minor = excluded.amount_minor,
           currency = excluded.currency, purchased_ms = excluded.purchased_ms, refunded_ms = excluded.refunded_ms",
    )?
    .execute(params![
        o.source,
        o.order_id,
        customer_id,
        o.product,
        o.amount_minor,
        o.currency,
        o.purchased_ms,
        o.refunded_ms
    ])?;
    Ok(outcome)
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
