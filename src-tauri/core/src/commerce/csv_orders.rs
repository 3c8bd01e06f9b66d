//! The generic orders CSV (DESIGN §7):
//! `order_id,email,name,product,amount,currency,purchased_at,refunded_at`.
//! A bad row is reported with its line number and skipped; the rest is imported. Re-importing the
//! same file changes nothing; a row whose refund appeared since updates its order.

use std::io::Read;

use serde::Serialize;

use super::money;
use crate::error::{Error, Result};
use crate::store::Store;
use crate::store::orders::{Order, Upsert};
use crate::sync::{edit, ops::Effects};
use crate::time::{now_ms, parse_rfc3339_ms};

const COLUMNS: [&str; 8] =
    ["order_id", "email", "name", "product", "amount", "currency", "purchased_at", "refunded_at"];

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RowError {
    pub line: u64,
    pub reason: String,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct OrdersSummary {
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub errors: Vec<RowError>,
}

impl std::fmt::Display for OrdersSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} orders added, {} updated, {} unchanged, {} rows skipped",
            self.inserted,
            self.updated,
            self.unchanged,
            self.errors.len()
        )
    }
}

/// A row is an order record as every replica is told it.
type Row = crate::sync::fields::OrderRecord;

fn parse_row(record: &csv::StringRecord, index: &[usize; 8]) -> std::result::Result<Row, String> {
    let field = |i: usize| record.get(index[i]).map(str::trim).unwrap_or_default();
    let order_id = field(0);
    if order_id.is_empty() {
        return Err("order_id is empty".into());
    }
    let email = field(1).to_ascii_lowercase();
    if !email.contains('@') || email.contains(char::is_whitespace) {
        return Err(format!("email `{}` is not an email address", field(1)));
    }
    let currency = field(5).to_ascii_uppercase();
    if !money::valid_currency(&currency) {
        return Err(format!("currency `{}` is not a three-letter ISO code like USD", field(5)));
    }
    let amount_minor = money::parse_amount(field(4), &currency)?;
    let purchased_ms = parse_rfc3339_ms(field(6))
        .ok_or_else(|| format!("purchased_at `{}` is not an RFC 3339 time like 2026-08-20T14:03:00Z", field(6)))?;
    let refunded_ms =
        match field(7) {
            "" => None,
            t => Some(parse_rfc3339_ms(t).ok_or_else(|| {
                format!("refunded_at `{t}` is not an RFC 3339 time (leave it empty when not refunded)")
            })?),
        };
    Ok(Row {
        email,
        name: field(2).to_string(),
        order: Order {
            source: "generic".into(),
            order_id: order_id.to_string(),
            product: field(3).to_string(),
            amount_minor,
            currency,
            purchased_ms,
            refunded_ms,
        },
    })
}

pub fn import_orders_csv(store: &mut Store, input: impl Read) -> Result<OrdersSummary> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).trim(csv::Trim::None).from_reader(input);
    let headers = reader.headers().map_err(|e| Error::Invalid(format!("cannot read the CSV header: {e}")))?.clone();
    let mut index = [0usize; 8];
    for (slot, name) in index.iter_mut().zip(COLUMNS) {
        *slot = headers.iter().position(|h| h.trim().eq_ignore_ascii_case(name)).ok_or_else(|| {
            Error::Invalid(format!("the CSV has no `{name}` column. Expected the header: {}", COLUMNS.join(",")))
        })?;
    }
    store.write(|tx| {
        let mut summary = OrdersSummary::default();
        let mut fx = Effects::default();
        let now = now_ms();
        for record in reader.records() {
            let (line, parsed) = match record {
                Ok(r) => (r.position().map_or(0, |p| p.line()), parse_row(&r, &index)),
                Err(e) => (e.position().map_or(0, |p| p.line()), Err(format!("unreadable CSV row: {e}"))),
            };
            let row = match parsed {
                Ok(row) => row,
                Err(reason) => {
                    summary.errors.push(RowError { line, reason });
                    continue;
                }
            };
            match edit::record_order(tx, now, &row, &mut fx)? {
                Upsert::Inserted => summary.inserted += 1,
                Upsert::Updated => summary.updated += 1,
                Upsert::Unchanged => summary.unchanged += 1,
            }
        }
        // Value and purchase sessions changed: the customers' cases are merged and triaged again.
        fx.finish(tx)?;
        // Refunds decided on the other replica may have waited for these orders.
        crate::sync::ops::apply_pending(tx)?;
        Ok(summary)
    })
}
