//! The shared case state as text: two replicas that have exchanged every op print the same. Tests
//! compare it (the convergence property, the two-replica tests against Dovecot); private notes are
//! left out, as they never leave the owner's machine.

use rusqlite::Connection;

use crate::error::Result;

/// Every shared table a person sees, a line per row.
pub fn state(conn: &Connection) -> Result<String> {
    let mut out = String::new();
    for (sql, cols) in [
        (
            "SELECT id, lane, lane_manual, suggested_lane, status, assignee, reviewed, score, reasons, tags,
                    snoozed_until_ms, snooze_set_ms, no_reply_needed_ms, suggestion, complaint, feedback_thanked_ms,
                    manual_merge, shown_in, last_message_ms, last_inbound_ms
             FROM cases ORDER BY id",
            20,
        ),
        ("SELECT message_id, hash, case_id, home_case FROM messages ORDER BY hash", 4),
        ("SELECT key, done_ms FROM feedback_done ORDER BY key", 2),
        ("SELECT uid, case_id, kind, due_ms, note, author_name, created_ms, done_ms FROM tasks ORDER BY uid", 8),
        ("SELECT uid, case_id, customer_email, kind, description, author_name, created_ms FROM gifts ORDER BY uid", 7),
        ("SELECT email, decision, decided_ms FROM refunder_decisions ORDER BY email", 3),
        ("SELECT case_id, correction FROM triage_corrections ORDER BY 1, 2", 2),
        (
            "SELECT uid, case_id, author_role, author_name, body, created_ms FROM case_notes WHERE private = 0 ORDER BY uid",
            6,
        ),
        (
            "SELECT key, value FROM settings WHERE key IN ('triage.settings', 'care.settings', 'refund.policy', 'ack.settings') ORDER BY key",
            2,
        ),
        ("SELECT source, order_id, amount_minor, decided_ms, done_ms FROM refunds ORDER BY 1, 2", 5),
        (
            "SELECT o.source, o.order_id, c.email, o.product, o.amount_minor, o.currency, o.purchased_ms, o.refunded_ms
             FROM orders o JOIN customers c ON c.id = o.customer_id ORDER BY 1, 2",
            8,
        ),
    ] {
        let mut stmt = conn.prepare(sql)?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            for i in 0..cols {
                let v: rusqlite::types::Value = row.get(i)?;
                out.push_str(&format!("{v:?}|"));
            }
            out.push('\n');
        }
    }
    Ok(out)
}
