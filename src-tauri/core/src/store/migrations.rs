//! Numbered migrations, each applied in one transaction together with its `user_version` bump.

use rusqlite::Connection;

use crate::error::{Error, Result};

/// Index + 1 is the `user_version` a database has after applying that step.
const STEPS: &[&str] = &[
    include_str!("migrations/0001_init.sql"),
    include_str!("migrations/0002_triage.sql"),
    include_str!("migrations/0003_accounts.sql"),
    include_str!("migrations/0004_outbox.sql"),
    include_str!("migrations/0005_sync.sql"),
    include_str!("migrations/0006_snooze.sql"),
    include_str!("migrations/0007_ack.sql"),
    include_str!("migrations/0008_keychain.sql"),
    include_str!("migrations/0009_refunds.sql"),
    include_str!("migrations/0010_care.sql"),
    include_str!("migrations/0011_oauth.sql"),
    include_str!("migrations/0012_feedback.sql"),
    include_str!("migrations/0013_merge.sql"),
    include_str!("migrations/0014_orders_sync.sql"),
];

pub fn latest() -> i64 {
    STEPS.len() as i64
}

/// Applies the missing steps. The version is read inside each exclusive transaction, so two
/// processes opening a new store at once cannot both apply the same step.
pub fn apply(conn: &mut Connection) -> Result<()> {
    loop {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Exclusive)?;
        let current: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if current > latest() {
            return Err(Error::SchemaTooNew { found: current, known: latest() });
        }
        let Some(sql) = STEPS.get(current as usize) else {
            return Ok(());
        };
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", current + 1)?;
        tx.commit()?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrates_from_empty_and_is_idempotent() {
        let mut conn = Connection::open_in_memory().unwrap();
        apply(&mut conn).unwrap();
        apply(&mut conn).unwrap();
        let v: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
        assert_eq!(v, latest());
        for table in [
            "messages",
            "raw_messages",
            "cases",
            "customers",
            "customer_emails",
            "orders",
            "case_notes",
            "settings",
            "messages_fts",
        ] {
            let n: i64 =
                conn.query_row("SELECT count(*) FROM sqlite_master WHERE name = ?1", [table], |r| r.get(0)).unwrap();
            assert_eq!(n, 1, "table {table} missing");
        }
        let strict: i64 = conn
            .query_row("SELECT count(*) FROM pragma_table_list WHERE name = 'cases' AND strict = 1", [], |r| r.get(0))
            .unwrap();
        assert_eq!(strict, 1, "cases must be STRICT");
    }

    #[test]
    fn refuses_a_newer_schema() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", latest() + 1).unwrap();
        assert!(matches!(apply(&mut conn), Err(Error::SchemaTooNew { .. })));
    }
}
