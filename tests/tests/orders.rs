//! Orders CSV import: bad rows reported with their line and skipped, the rest imported, idempotent.

use kindly_core::Store;
use kindly_core::store::{customers, orders};
use kindly_tests::{fixtures, kindly, kindly_ok};

#[test]
fn bad_rows_are_reported_by_line_and_the_rest_is_imported() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("k.db");
    let csv = fixtures().join("orders/bad_rows.csv");
    let out = kindly(&db, &["import-orders", "--csv", csv.to_str().unwrap()]);
    assert!(out.status.success(), "bad rows do not fail the import");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stdout.contains("3 orders added, 0 updated, 0 unchanged, 6 rows skipped"), "{stdout}");
    for (line, words) in [
        (3, "not-an-email"),
        (5, "149.0O"),
        (6, "yesterday"),
        (8, "`US`"),
        (9, "order_id is empty"),
        (10, "not-a-time"),
    ] {
        let expected = format!("bad_rows.csv:{line}: skipped:");
        let row = stderr
            .lines()
            .find(|l| l.contains(&expected))
            .unwrap_or_else(|| panic!("no error for line {line}:\n{stderr}"));
        assert!(row.contains(words), "line {line} should mention {words}: {row}");
    }

    let store = Store::open(&db).unwrap();
    let ann = customers::find(store.conn(), "ANN@example.com").unwrap().expect("Ann, keyed by lower-cased email");
    let list = orders::for_customer(store.conn(), ann).unwrap();
    assert_eq!(list.len(), 2);
    let bundle = list.iter().find(|o| o.order_id == "QM-3").unwrap();
    assert_eq!(bundle.product, "Editing Toolkit Bundle, 2nd ed.");
    assert_eq!((bundle.amount_minor, bundle.currency.as_str()), (5_900, "USD"));
    assert!(bundle.refunded_ms.is_some());
    let value = orders::value(&list);
    assert_eq!((value.lifetime_minor, value.orders, value.refunds), (1_900, 2, 1), "refunds do not count as value");
    let dee = customers::find(store.conn(), "dee@example.com").unwrap().unwrap();
    assert_eq!(orders::for_customer(store.conn(), dee).unwrap()[0].currency, "EUR");
    drop(store);

    let again = kindly_ok(&db, &["import-orders", "--csv", csv.to_str().unwrap()]);
    assert!(again.contains("0 orders added, 0 updated, 3 unchanged, 6 rows skipped"), "{again}");
}

#[test]
fn a_refund_in_a_later_export_updates_the_order() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("k.db");
    let header = "order_id,email,name,product,amount,currency,purchased_at,refunded_at\n";
    let first = dir.path().join("a.csv");
    let later = dir.path().join("b.csv");
    std::fs::write(&first, format!("{header}QM-1,a@example.com,A,The Calm Inbox,19.00,USD,2026-08-20T14:03:00Z,\n"))
        .unwrap();
    std::fs::write(
        &later,
        format!("{header}QM-1,a@example.com,A,The Calm Inbox,19.00,USD,2026-08-20T14:03:00Z,2026-08-22T09:00:00Z\n"),
    )
    .unwrap();
    kindly_ok(&db, &["import-orders", "--csv", first.to_str().unwrap()]);
    let out = kindly_ok(&db, &["import-orders", "--csv", later.to_str().unwrap()]);
    assert!(out.contains("0 orders added, 1 updated"), "{out}");
}

#[test]
fn a_csv_without_the_expected_header_is_refused_with_the_header_to_use() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("x.csv");
    std::fs::write(&csv, "id,mail\n1,a@example.com\n").unwrap();
    let out = kindly(&dir.path().join("k.db"), &["import-orders", "--csv", csv.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("order_id,email,name,product,amount,currency,purchased_at,refunded_at"), "{err}");
}
