//! `kill -9` in the middle of an import leaves a store that opens; a re-run completes with nothing
//! missing and nothing duplicated.

use std::process::Command;
use std::time::{Duration, Instant};

use kindly_tests::{kindly_bin, kindly_ok};
use rusqlite_count::count_messages;

mod rusqlite_count {
    /// Counts through kindly-core's own store, so the test reads exactly what the app would.
    pub fn count_messages(db: &std::path::Path) -> i64 {
        let store = kindly_core::Store::open(db).unwrap();
        kindly_core::store::messages::count(store.conn()).unwrap()
    }
}

#[test]
fn kill_dash_nine_mid_import_loses_and_duplicates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mbox = dir.path().join("big.mbox");
    let total = 12_000;
    kindly_tests::synth::write_mbox(&mbox, &kindly_tests::synth::messages(total, 11)).unwrap();
    let db = dir.path().join("k.db");

    let mut child =
        Command::new(kindly_bin()).arg("--db").arg(&db).args(["import", "--mbox"]).arg(&mbox).spawn().unwrap();
    // Wait until at least one batch is committed, then kill without warning.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        std::thread::sleep(Duration::from_millis(20));
        if db.exists() && std::panic::catch_unwind(|| count_messages(&db)).unwrap_or(0) > 0 {
            break;
        }
        assert!(Instant::now() < deadline, "the import never committed a batch");
    }
    child.kill().unwrap(); // SIGKILL on Unix
    let status = child.wait().unwrap();
    let partial = count_messages(&db);
    assert!(
        !status.success() && partial < total as i64,
        "the import finished before it could be killed ({partial} messages); make the input larger"
    );

    let out = kindly_ok(&db, &["import", "--mbox", mbox.to_str().unwrap()]);
    assert!(out.contains(&format!("Read {total} messages")), "{out}");
    assert_eq!(count_messages(&db), total as i64, "every message exactly once");

    let store = kindly_core::Store::open(&db).unwrap();
    let integrity: String = store.conn().query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(integrity, "ok");
    let distinct: i64 = store.conn().query_row("SELECT count(DISTINCT hash) FROM messages", [], |r| r.get(0)).unwrap();
    assert_eq!(distinct, total as i64);
    let indexed: i64 = store.conn().query_row("SELECT count(*) FROM messages_fts_docsize", [], |r| r.get(0)).unwrap();
    assert_eq!(indexed, total as i64, "every message is in the search index once");
    // Fails with "database disk image is malformed" when the index and the messages disagree.
    store.conn().execute("INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)", []).unwrap();
}
