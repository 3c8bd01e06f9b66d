//! Numbered migrations, each applied in one transaction together with its `user_version` bump.

use rusqlite::{Connection, Transaction};

use crate::error::{Error, Result};

/// One schema step: SQL, or code for what SQL alone cannot say.
enum Step {
    Sql(&'static str),
    Code(fn(&Transaction<'_>) -> Result<()>),
}

use Step::{Code, Sql};

/// Index + 1 is the `user_version` a database has after applying that step.
const STEPS: &[Step] = &[
    Sql(include_str!("migrations/0001_init.sql")),
    Sql(include_str!("migrations/0002_triage.sql")),
    Sql(include_str!("migrations/0003_accounts.sql")),
    Sql(include_str!("migrations/0004_outbox.sql")),
    Sql(include_str!("migrations/0005_sync.sql")),
    Sql(include_str!("migrations/0006_snooze.sql")),
    Sql(include_str!("migrations/0007_ack.sql")),
    Sql(include_str!("migrations/0008_keychain.sql")),
    Sql(include_str!("migrations/0009_refunds.sql")),
    Sql(include_str!("migrations/0010_care.sql")),
    Sql(include_str!("migrations/0011_oauth.sql")),
    Sql(include_str!("migrations/0012_feedback.sql")),
    Sql(include_str!("migrations/0013_merge.sql")),
    Sql(include_str!("migrations/0014_orders_sync.sql")),
    // Schema 15.
    Code(check_lists_as_comparisons),
    Sql(include_str!("migrations/0016_search_text.sql")),
];

pub fn latest() -> i64 {
    STEPS.len() as i64
}

/// Applies the missing steps. The version is read inside each exclusive transaction, so two
/// processes opening a new store at once cannot both apply the same step.
pub fn apply(conn: &mut Connection) -> Result<()> {
    apply_up_to(conn, latest())
}

/// `apply`, stopping at schema `target` (tests migrate a store written under an older schema).
fn apply_up_to(conn: &mut Connection, target: i64) -> Result<()> {
    loop {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Exclusive)?;
        let current: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if current > latest() {
            return Err(Error::SchemaTooNew { found: current, known: latest() });
        }
        let Some(step) = STEPS.get(current as usize).filter(|_| current < target) else {
            return Ok(());
        };
        match step {
            Sql(sql) => tx.execute_batch(sql)?,
            Code(run) => run(&tx)?,
        }
        tx.pragma_update(None, "user_version", current + 1)?;
        tx.commit()?;
    }
}

/// Schema 15: the `CHECK (status IN ('open', 'waiting', 'closed'))` constraints of `cases` become
/// `status = 'open' OR …`, the same rule. SQLite checks a constant list of three or more in a
/// temporary b-tree it builds and frees on every insert and update, which was a tenth of a bulk
/// import's writer time; plain comparisons cost nothing. SQLite cannot alter a constraint, so the
/// table's stored definition is rewritten (the procedure its ALTER TABLE page gives for changing
/// CHECK constraints: the rows are already valid under the equivalent rule).
fn check_lists_as_comparisons(tx: &Transaction<'_>) -> Result<()> {
    let sql: String =
        tx.query_row("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'cases'", [], |r| r.get(0))?;
    let rewritten = comparisons_for_lists(&sql);
    if rewritten == sql {
        return Ok(());
    }
    let version: i64 = tx.pragma_query_value(None, "schema_version", |r| r.get(0))?;
    tx.pragma_update(None, "writable_schema", true)?;
    tx.execute("UPDATE sqlite_schema SET sql = ?1 WHERE type = 'table' AND name = 'cases'", [&rewritten])?;
    tx.pragma_update(None, "schema_version", version + 1)?;
    tx.pragma_update(None, "writable_schema", false)?;
    let check: String = tx.query_row("PRAGMA quick_check(cases)", [], |r| r.get(0))?;
    if check != "ok" {
        return Err(Error::Invalid(format!("the store's cases table failed its check after schema 15: {check}")));
    }
    Ok(())
}

/// `CHECK (col IN ('a', 'b', 'c'))` → `CHECK (col = 'a' OR col = 'b' OR col = 'c')` wherever the
/// list holds plain quoted words (SQLite compares lists of two or fewer directly already).
fn comparisons_for_lists(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 256);
    let mut rest = sql;
    while let Some(at) = rest.find("CHECK (") {
        let (before, from) = rest.split_at(at + "CHECK (".len());
        out.push_str(before);
        rest = from;
        let Some((column, tail)) = rest.split_once(" IN (") else { continue };
        let Some((list, after)) = tail.split_once("))") else { continue };
        let words: Vec<&str> = list.split(',').map(str::trim).collect();
        let plain =
            |w: &&str| w.len() > 2 && w.starts_with('\'') && w.ends_with('\'') && !w[1..w.len() - 1].contains('\'');
        let is_column = !column.is_empty() && column.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !is_column || words.len() < 3 || !words.iter().all(plain) {
            continue;
        }
        let chain: Vec<String> = words.iter().map(|w| format!("{column} = {w}")).collect();
        out.push_str(&chain.join(" OR "));
        out.push(')');
        rest = after;
    }
    out.push_str(rest);
    out
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
    fn case_writes_need_no_temporary_tables_and_the_checks_still_hold() {
        let mut conn = Connection::open_in_memory().unwrap();
        apply(&mut conn).unwrap();
        let plan = |sql: &str| -> Vec<String> {
            let mut stmt = conn.prepare(&format!("EXPLAIN {sql}")).unwrap();
            stmt.query_map([], |r| r.get::<_, String>(1)).unwrap().map(Result::unwrap).collect()
        };
        let insert = "INSERT INTO cases (id, root_message_id, subject, customer_email, created_ms, last_message_ms)
                      VALUES ('c1', '<r@x>', 's', 'a@x', 1, 1)";
        let update = "UPDATE cases SET status = 'waiting', mail_status = 'waiting', lane = 'owner-angry',
                      suggested_lane = 'owner-angry', status_set = 'closed' WHERE id = 'c1'";
        for sql in [insert, update] {
            assert!(!plan(sql).iter().any(|op| op == "OpenEphemeral"), "{sql}");
        }
        conn.execute(insert, []).unwrap();
        conn.execute(update, []).unwrap();
        for bad in ["status = 'lost'", "lane = 'vip'", "suggested_lane = ''", "mail_status = 'x'", "status_set = 'x'"] {
            let err = conn.execute(&format!("UPDATE cases SET {bad} WHERE id = 'c1'"), []).unwrap_err();
            assert!(err.to_string().contains("CHECK"), "{bad}: {err}");
        }
        conn.execute("UPDATE cases SET status_set = NULL WHERE id = 'c1'", []).unwrap();
    }

    #[test]
    fn messages_indexed_before_schema_16_are_found_after_it_with_snippets() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("PRAGMA foreign_keys = OFF").unwrap();
        apply_up_to(&mut conn, 15).unwrap();
        assert_eq!(conn.pragma_query_value(None, "user_version", |r| r.get::<_, i64>(0)).unwrap(), 15);
        conn.execute_batch(
            "INSERT INTO messages (id, message_id, hash, case_id, direction, from_email, from_name, to_emails,
                                   subject, normalized_subject, date_ms, body_text, imported_ms)
             VALUES (7, '<m@x>', 'h', 'c1', 'inbound', 'ann@home.example', 'Ann Lee', '[]',
                     'Refund please', 'refund please', 1, 'The course video will not play.', 1);
             INSERT INTO messages_fts (rowid, subject, body, sender)
             VALUES (7, 'Refund please', 'The course video will not play.', 'Ann Lee ann@home.example');",
        )
        .unwrap();
        apply(&mut conn).unwrap();
        let copies: i64 = conn
            .query_row("SELECT count(*) FROM sqlite_master WHERE name = 'messages_fts_content'", [], |r| r.get(0))
            .unwrap();
        assert_eq!(copies, 0, "the index keeps no copy of the text");
        let found: Vec<(i64, String)> = conn
            .prepare("SELECT rowid, snippet(messages_fts, -1, '[', ']', '…', 8) FROM messages_fts WHERE messages_fts MATCH ?1")
            .unwrap()
            .query_map(["video"], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(found, vec![(7, "The course [video] will not play.".to_string())]);
        let by_sender: i64 = conn
            .query_row("SELECT rowid FROM messages_fts WHERE messages_fts MATCH 'sender:lee'", [], |r| r.get(0))
            .unwrap();
        assert_eq!(by_sender, 7);
        conn.execute("INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)", []).unwrap();
    }

    #[test]
    fn lists_become_comparisons_and_nothing_else_changes() {
        let sql = "status TEXT CHECK (status IN ('open', 'waiting', 'closed')), a TEXT CHECK (a IN ('x', 'y')),
                   b TEXT CHECK (length(b) > 2), c TEXT CHECK (c IN ('it''s', 'p', 'q'))";
        assert_eq!(
            comparisons_for_lists(sql),
            "status TEXT CHECK (status = 'open' OR status = 'waiting' OR status = 'closed'), a TEXT CHECK (a IN ('x', 'y')),
                   b TEXT CHECK (length(b) > 2), c TEXT CHECK (c IN ('it''s', 'p', 'q'))"
        );
    }

    #[test]
    fn refuses_a_newer_schema() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", latest() + 1).unwrap();
        assert!(matches!(apply(&mut conn), Err(Error::SchemaTooNew { .. })));
    }
}
