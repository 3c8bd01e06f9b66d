//! PayPal's "Activity download" CSV (Reports → Activity download → Balance affecting, CSV):
//! `"Date","Time","TimeZone","Name","Type","Status","Currency","Gross","Fee","Net",
//! "From Email Address","To Email Address","Transaction ID",…,"Item Title",…,"Reference Txn ID",…`
//! (column order varies between accounts; they are found by name).
//!
//! - A completed row of a payment type with a positive Gross is an order: `Transaction ID`,
//!   the buyer (`From Email Address`, `Name`), `Item Title` (else `Subject`), Gross (the whole
//!   amount paid, fees included).
//! - A completed refund, reversal or chargeback row has a negative Gross and names the payment in
//!   `Reference Txn ID`: it refunds that order (in full when the amounts match; a smaller one is a
//!   partial refund and leaves the order paid). Its payment may be in this file (PayPal lists
//!   newest first) or in an earlier import.
//! - Everything else (pending or denied payments, money sent, fees, withdrawals, currency
//!   conversions) is not an order and is counted as such.
//! - Dates are PayPal's `MM/DD/YYYY` (US accounts) or `YYYY-MM-DD`, times `HH:MM:SS`, the zone an
//!   abbreviation PayPal writes (PST, PDT, GMT, CET, …) or an offset like `GMT+01:00`.
//!
//! A bad row is reported with its line and skipped; re-importing the same file changes nothing.

use std::io::Read;

use chrono::{NaiveDate, NaiveTime};

use super::ingest::{self, ImportSummary, Incoming, RecordError, RefundSeen};
use super::money;
use crate::error::{Error, Result};
use crate::store::Store;
use crate::store::orders::Order;

pub const SOURCE: &str = "paypal";

const REQUIRED: [&str; 9] =
    ["Date", "Time", "TimeZone", "Name", "Type", "Status", "Currency", "Gross", "Transaction ID"];

/// Offset from UTC in minutes of the zone names PayPal writes.
fn zone_offset_minutes(zone: &str) -> Option<i32> {
    let zone = zone.trim();
    let named = match zone.to_ascii_uppercase().as_str() {
        "UTC" | "GMT" | "Z" | "WET" => Some(0),
        "BST" | "IST" | "CET" | "WEST" => Some(60),
        "CEST" | "EET" => Some(120),
        "EEST" | "MSK" => Some(180),
        "HST" => Some(-600),
        "AKST" => Some(-540),
        "AKDT" | "PST" => Some(-480),
        "PDT" | "MST" => Some(-420),
        "MDT" | "CST" => Some(-360),
        "CDT" | "EST" => Some(-300),
        "EDT" => Some(-240),
        "JST" | "KST" => Some(540),
        "AEST" => Some(600),
        "AEDT" => Some(660),
        "NZST" => Some(720),
        "NZDT" => Some(780),
        _ => None,
    };
    if named.is_some() {
        return named;
    }
    // GMT+01:00, UTC-07:00, +0100
    let rest = zone.trim_start_matches("GMT").trim_start_matches("UTC");
    let (sign, digits) = match rest.chars().next()? {
        '+' => (1, &rest[1..]),
        '-' => (-1, &rest[1..]),
        _ => return None,
    };
    let digits: String = digits.chars().filter(char::is_ascii_digit).collect();
    let (h, m) = match digits.len() {
        1 | 2 => (digits.parse::<i32>().ok()?, 0),
        4 => (digits[..2].parse::<i32>().ok()?, digits[2..].parse::<i32>().ok()?),
        _ => return None,
    };
    (h <= 14 && m < 60).then_some(sign * (h * 60 + m))
}

fn parse_time(date: &str, time: &str, zone: &str) -> std::result::Result<i64, String> {
    let date = NaiveDate::parse_from_str(date.trim(), "%m/%d/%Y")
        .or_else(|_| NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d"))
        .map_err(|_| format!("Date `{date}` is not a date like 08/20/2026"))?;
    let time = NaiveTime::parse_from_str(time.trim(), "%H:%M:%S")
        .map_err(|_| format!("Time `{time}` is not a time like 14:03:00"))?;
    let offset = zone_offset_minutes(zone)
        .ok_or_else(|| format!("TimeZone `{zone}` is not a zone PayPal writes (PDT, GMT+01:00, …)"))?;
    Ok(date.and_time(time).and_utc().timestamp_millis() - i64::from(offset) * 60_000)
}

/// "1,234.56" or "-19.00" → (negative, minor units).
fn parse_gross(text: &str, currency: &str) -> std::result::Result<(bool, i64), String> {
    let t = text.trim().replace(',', "");
    let (negative, digits) = match t.strip_prefix('-') {
        Some(d) => (true, d.to_string()),
        None => (false, t),
    };
    let amount = money::parse_amount(&digits, currency)
        .map_err(|_| format!("Gross `{}` is not an amount like 1,234.56 or -19.00 in {currency}", text.trim()))?;
    Ok((negative, amount))
}

enum Row {
    Order(Incoming),
    Refund(RefundSeen),
    NotAnOrder,
}

struct Columns {
    index: std::collections::HashMap<String, usize>,
}

impl Columns {
    fn get<'a>(&self, record: &'a csv::StringRecord, name: &str) -> &'a str {
        self.index.get(name).and_then(|i| record.get(*i)).map(str::trim).unwrap_or_default()
    }
}

fn parse_row(record: &csv::StringRecord, cols: &Columns, line: u64) -> std::result::Result<Row, String> {
    let f = |name: &str| cols.get(record, name);
    let kind = f("Type").to_ascii_lowercase();
    if !f("Status").eq_ignore_ascii_case("Completed") {
        return Ok(Row::NotAnOrder);
    }
    let id = f("Transaction ID");
    if id.is_empty() {
        return Err("Transaction ID is empty".into());
    }
    let currency = f("Currency").to_ascii_uppercase();
    if !money::valid_currency(&currency) {
        return Err(format!("Currency `{}` is not a three-letter ISO code like USD", f("Currency")));
    }
    let is_refund = ["refund", "reversal", "chargeback"].iter().any(|w| kind.contains(w));
    let is_payment = !is_refund && kind.contains("payment") && !kind.contains("sent");
    if !is_refund && !is_payment {
        return Ok(Row::NotAnOrder);
    }
    let (negative, amount) = parse_gross(f("Gross"), &currency)?;
    let at_ms = parse_time(f("Date"), f("Time"), f("TimeZone"))?;
    if is_refund {
        if !negative {
            return Ok(Row::NotAnOrder); // a refund we received, not one we gave
        }
        let original = f("Reference Txn ID");
        if original.is_empty() {
            return Err("a refund without a Reference Txn ID: Kindly cannot tell which order it refunds".into());
        }
        return Ok(Row::Refund(RefundSeen {
            order_id: original.to_string(),
            at_ms,
            amount_minor: Some(amount),
            record: format!("line {line}"),
        }));
    }
    if negative {
        return Ok(Row::NotAnOrder); // a payment we made
    }
    let email = ingest::email(f("From Email Address")).map_err(|e| format!("From Email Address {e}"))?;
    let product = [f("Item Title"), f("Subject")].into_iter().find(|p| !p.is_empty()).unwrap_or("PayPal payment");
    Ok(Row::Order(Incoming {
        email,
        name: f("Name").to_string(),
        order: Order {
            source: SOURCE.into(),
            order_id: id.to_string(),
            product: product.to_string(),
            amount_minor: amount,
            currency,
            purchased_ms: at_ms,
            refunded_ms: None,
        },
    }))
}

pub fn import_paypal_csv(store: &mut Store, input: impl Read) -> Result<ImportSummary> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(input);
    let headers = reader.headers().map_err(|e| Error::Invalid(format!("cannot read the CSV header: {e}")))?.clone();
    let index =
        headers.iter().enumerate().map(|(i, h)| (h.trim_start_matches('\u{feff}').trim().to_string(), i)).collect();
    let cols = Columns { index };
    if let Some(missing) = REQUIRED.iter().find(|c| !cols.index.contains_key(**c)) {
        return Err(Error::Invalid(format!(
            "this is not a PayPal activity download: it has no `{missing}` column. In PayPal, use Reports → \
             Activity download, transaction type “Balance affecting”, format CSV"
        )));
    }
    if !cols.index.contains_key("From Email Address") {
        return Err(Error::Invalid(
            "the PayPal CSV has no `From Email Address` column: include it in the download's fields".into(),
        ));
    }
    let mut summary = ImportSummary::default();
    let (mut orders, mut refunds) = (Vec::new(), Vec::new());
    for record in reader.records() {
        let (line, parsed) = match record {
            Ok(r) => {
                let line = r.position().map_or(0, |p| p.line());
                (line, parse_row(&r, &cols, line))
            }
            Err(e) => (e.position().map_or(0, |p| p.line()), Err(format!("unreadable CSV row: {e}"))),
        };
        match parsed {
            Ok(Row::Order(o)) => orders.push(o),
            Ok(Row::Refund(r)) => refunds.push(r),
            Ok(Row::NotAnOrder) => summary.ignored += 1,
            Err(reason) => summary.errors.push(RecordError { record: format!("line {line}"), reason }),
        }
    }
    let now = store.now_ms();
    store.write(|tx| ingest::apply(tx, SOURCE, &orders, &refunds, now, &mut summary))?;
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paypal_times_in_their_zones() {
        // 14:03 PDT is 21:03 UTC.
        assert_eq!(
            parse_time("08/20/2026", "14:03:00", "PDT"),
            Ok(crate::time::parse_rfc3339_ms("2026-08-20T21:03:00Z").unwrap())
        );
        assert_eq!(
            parse_time("2026-08-20", "14:03:00", "GMT+01:00"),
            Ok(crate::time::parse_rfc3339_ms("2026-08-20T13:03:00Z").unwrap())
        );
        assert!(parse_time("20.08.2026", "14:03:00", "PDT").unwrap_err().contains("Date"));
        assert!(parse_time("08/20/2026", "2pm", "PDT").unwrap_err().contains("Time"));
        assert!(parse_time("08/20/2026", "14:03:00", "Mars").unwrap_err().contains("TimeZone"));
    }

    #[test]
    fn gross_with_thousands_and_signs() {
        assert_eq!(parse_gross("1,234.56", "USD"), Ok((false, 123_456)));
        assert_eq!(parse_gross("-19.00", "USD"), Ok((true, 1_900)));
        assert!(parse_gross("19,OO", "USD").is_err());
    }
}
