//! The generic orders CSV (DESIGN §7):
//! `order_id,email,name,product,amount,currency,purchased_at,refunded_at`.
//! A bad row is reported with its line number and skipped; the rest is imported. Re-importing the
//! same file changes nothing; a row whose refund appeared since updates its order.

use std::collections::BTreeSet;
use std::io::Read;

use serde::Serialize;

use super::money;
use crate::error::{Error, Result};
use crate::store::orders::{self, Order, Upsert};
use crate::store::{Store, customers};
use crate::time::{now_ms, parse_rfc3339_ms};
use crate::triage::{self, Thresholds};

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

struct Row {
    email: String,
    name: String,
    order: Order,
}

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
    let thresholds = Thresholds::load(store.conn())?;
    store.write(|tx| {
        let mut summary = OrdersSummary::default();
        let mut changed_customers = BTreeSet::new();
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
            let customer = customers::ensure(tx, &row.email, &row.name, now)?;
            match orders::upsert(tx, customer, &row.order)? {
                Upsert::Inserted => summary.inserted += 1,
                Upsert::Updated => summary.updated += 1,
                Upsert::Unchanged => {
                    summary.unchanged += 1;
                    continue;
                }
            }
            changed_customers.insert(customer);
        }
        // Orders bought in one session make their customer's mails about them one case.
        crate::cases::merge::after_change(tx, changed_customers.iter().copied())?;
        for customer in changed_customers {
            triage::retriage_customer(tx, customer, thresholds)?;
        }
        // Refunds decided on the other replica may have waited for these orders.
        crate::sync::ops::apply_pending(tx)?;
        Ok(summary)
    })
}
