//! The built-in demo inbox: Quillmark, a solo seller of e-books, courses and a writing app. Written
//! for Kindly and compiled into the binary. Its dates are shifted on load so that the demo's "now"
//! is the user's now: the newest mail is always a few hours old.

use chrono::{DateTime, Duration};
use serde::Serialize;

use crate::commerce::{OrdersSummary, import_orders_csv};
use crate::error::{Error, Result};
use crate::mail::import::{ImportSummary, import_mbox};
use crate::store::{Store, settings};
use crate::time::{now_ms, parse_rfc3339_ms, to_rfc3339};

pub const INBOX_MBOX: &str = include_str!("inbox.mbox");
pub const ORDERS_CSV: &str = include_str!("orders.csv");
/// The intended lane of every demo thread, for tests and for tuning triage on the demo.
pub const EXPECTED_LANES_JSON: &str = include_str!("expected_lanes.json");
pub const SUPPORT_ADDRESS: &str = "support@quillmark.example";
/// The moment the demo was written to be "now".
const AUTHORED_NOW: &str = "2026-11-20T18:00:00Z";

#[derive(Debug, Serialize)]
pub struct DemoSummary {
    pub already_loaded: bool,
    pub mail: ImportSummary,
    pub orders: OrdersSummary,
}

pub fn is_loaded(store: &Store) -> Result<bool> {
    Ok(settings::get(store.conn(), settings::DEMO)?.is_some())
}

/// Removes the demo inbox, its orders and everything done to it, so a mailbox connected next
/// starts clean. The role and this replica's identity stay.
pub fn clear(store: &mut Store) -> Result<()> {
    store.write(|tx| {
        tx.execute_batch(
            "INSERT INTO messages_fts (messages_fts) VALUES ('delete-all');
             DELETE FROM outbox; DELETE FROM case_notes; DELETE FROM triage_corrections;
             DELETE FROM tasks; DELETE FROM gifts; DELETE FROM refunds; DELETE FROM refunder_decisions;
             DELETE FROM feedback_done;
             DELETE FROM messages; DELETE FROM raw_messages; DELETE FROM cases; DELETE FROM orders;
             DELETE FROM customer_emails; DELETE FROM customers; DELETE FROM ops; DELETE FROM field_clocks;
             DELETE FROM settings WHERE key IN ('demo', 'support_addresses', 'support_addresses.inferred', 'sync.hlc');",
        )?;
        Ok(())
    })
}

/// A first launch with nothing in the store and no mailbox: show the demo rather than an empty window.
pub fn should_load_on_first_launch(store: &Store) -> Result<bool> {
    Ok(!is_loaded(store)? && crate::store::messages::count(store.conn())? == 0)
}

/// Loads the demo into `store` (once: a second call reports it is already there).
pub fn load(store: &mut Store, progress: &mut dyn FnMut(&ImportSummary)) -> Result<DemoSummary> {
    if is_loaded(store)? {
        return Ok(DemoSummary {
            already_loaded: true,
            mail: ImportSummary::default(),
            orders: OrdersSummary::default(),
        });
    }
    let shift = now_ms() - parse_rfc3339_ms(AUTHORED_NOW).unwrap_or_default();
    store.write(|tx| {
        settings::set(tx, settings::SUPPORT_ADDRESSES, &serde_json::json!([SUPPORT_ADDRESS]).to_string())?;
        settings::set(tx, settings::DEMO, &to_rfc3339(now_ms()))
    })?;
    // Orders first, so the mail's triage already sees each customer's value.
    let orders = import_orders_csv(store, shift_csv(ORDERS_CSV, shift)?.as_bytes())?;
    let mail = import_mbox(store, shift_mbox(INBOX_MBOX, shift).as_bytes(), progress)?;
    Ok(DemoSummary { already_loaded: false, mail, orders })
}

/// Moves every `Date:` header by `shift_ms`, keeping each sender's time zone.
fn shift_mbox(mbox: &str, shift_ms: i64) -> String {
    let mut out = String::with_capacity(mbox.len());
    for line in mbox.split_inclusive('\n') {
        let shifted = line
            .strip_prefix("Date: ")
            .and_then(|v| DateTime::parse_from_rfc2822(v.trim()).ok())
            .map(|d| format!("Date: {}\n", (d + Duration::milliseconds(shift_ms)).to_rfc2822()));
        out.push_str(shifted.as_deref().unwrap_or(line));
    }
    out
}

fn shift_csv(csv_text: &str, shift_ms: i64) -> Result<String> {
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let headers = reader.headers().map_err(|e| Error::Invalid(format!("demo orders: {e}")))?.clone();
    let time_columns: Vec<usize> =
        headers.iter().enumerate().filter(|(_, h)| h.ends_with("_at")).map(|(i, _)| i).collect();
    let mut writer = csv::Writer::from_writer(Vec::new());
    let bad = |e: csv::Error| Error::Invalid(format!("demo orders: {e}"));
    writer.write_record(&headers).map_err(bad)?;
    for record in reader.records() {
        let record = record.map_err(bad)?;
        let fields: Vec<String> = record
            .iter()
            .enumerate()
            .map(|(i, f)| match (time_columns.contains(&i), parse_rfc3339_ms(f)) {
                (true, Some(ms)) => to_rfc3339(ms + shift_ms),
                _ => f.to_string(),
            })
            .collect();
        writer.write_record(&fields).map_err(bad)?;
    }
    let bytes = writer.into_inner().map_err(|e| Error::Invalid(format!("demo orders: {e}")))?;
    String::from_utf8(bytes).map_err(|e| Error::Invalid(format!("demo orders: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clearing_the_demo_removes_what_was_done_to_it_too() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path().join("k.db")).unwrap();
        load(&mut store, &mut |_| {}).unwrap();
        let case = crate::store::cases::all_ids(store.conn()).unwrap().remove(0);
        let now = now_ms();
        store
            .write(|tx| {
                let task = crate::care::tasks::Task {
                    uid: String::new(),
                    case_id: case.clone(),
                    kind: crate::care::tasks::TaskKind::FollowUp,
                    due_ms: now + 1,
                    note: "Did it work?".into(),
                    phone: None,
                    time_zone: None,
                    author_name: String::new(),
                    created_ms: now,
                    done_ms: None,
                };
                crate::sync::edit::add_task(tx, now, &task)?;
                let gift = crate::care::gifts::Gift {
                    uid: String::new(),
                    case_id: case.clone(),
                    customer_email: String::new(),
                    kind: crate::care::gifts::GiftKind::Bonus,
                    description: "A bonus chapter".into(),
                    amount_minor: None,
                    currency: None,
                    author_name: String::new(),
                    created_ms: now,
                };
                crate::sync::edit::give_gift(tx, now, &gift).map(drop)
            })
            .unwrap();
        clear(&mut store).unwrap();
        for table in ["cases", "tasks", "gifts", "orders", "ops", "customers"] {
            let n: i64 = store.conn().query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).unwrap();
            assert_eq!(n, 0, "{table} is empty");
        }
    }

    #[test]
    fn dates_shift_and_keep_their_zone() {
        let day = 86_400_000;
        let m = shift_mbox("Subject: x\nDate: Fri, 20 Nov 2026 09:14:00 -0800\n\nDate: in body stays\n", day);
        assert!(m.contains("Date: Sat, 21 Nov 2026 09:14:00 -0800"), "{m}");
        assert!(m.contains("Date: in body stays"));
        let c = shift_csv("order_id,purchased_at,refunded_at\nQ1,2026-11-20T18:00:00Z,\n", day).unwrap();
        assert!(c.contains("Q1,2026-11-21T18:00:00Z,"), "{c}");
    }
}
