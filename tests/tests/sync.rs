//! Two and three replicas of one support mailbox, in one process, against a real Dovecot: case
//! state travels through the `Kindly.sync` folder and every replica ends up with the same cases.

use std::path::Path;
use std::sync::Once;

use kindly_core::Store;
use kindly_core::api::{self, CaseDetail};
use kindly_core::store::accounts;
use kindly_core::sync::{Role, replica};
use kindly_tests::dovecot::{Dovecot, PASSWORD, PASSWORD_VAR, SmtpSink, kindly_mail};
use kindly_tests::synth;

/// The replicas read the mailbox password from PASSWORD_VAR, as `--password-env` would have them.
fn password_in_env() {
    static SET: Once = Once::new();
    // SAFETY: set once, before any replica of this test binary reads the environment.
    SET.call_once(|| unsafe { std::env::set_var(PASSWORD_VAR, PASSWORD) });
}

struct Replica {
    store: Store,
    runtime: tokio::runtime::Runtime,
}

impl Replica {
    fn new(dir: &Path, dovecot: &Dovecot, smtp_port: u16, name: &str, role: Role) -> Replica {
        Replica::with_account(dir, dovecot.account(smtp_port), name, role)
    }

    fn with_account(dir: &Path, account: accounts::Account, name: &str, role: Role) -> Replica {
        password_in_env();
        let mut store = Store::open(dir.join(format!("{name}.db"))).unwrap();
        store
            .write(|tx| {
                accounts::upsert(tx, &account, 0)?;
                replica::set_role(tx, role, Some(name))
            })
            .unwrap();
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        Replica { store, runtime }
    }

    fn sync(&mut self) -> kindly_core::mail::imap::SyncReport {
        self.runtime.block_on(kindly_core::mail::imap::sync_once(&mut self.store, &mut |_, _, _| {})).unwrap()
    }

    fn call<T: serde::de::DeserializeOwned>(&mut self, command: &str, args: serde_json::Value) -> T {
        let value = api::dispatch(&mut self.store, command, args).unwrap_or_else(|e| panic!("{command}: {e:?}"));
        serde_json::from_value(value).unwrap()
    }

    fn case(&mut self, id: &str) -> CaseDetail {
        self.call("case", serde_json::json!({ "case_id": id }))
    }

    fn update(&mut self, mut args: serde_json::Value) -> CaseDetail {
        // Closing without an answer is refused to people (tests/tests/care.rs); here only the
        // replication of the close matters, so it is recorded as the op it becomes.
        if args["status"] == "closed" {
            let id = args["case_id"].as_str().unwrap().to_string();
            args["status"] = serde_json::Value::Null;
            let now = self.store.now_ms();
            self.store.write(|tx| kindly_core::sync::edit::set_status(tx, now, &id, "closed")).unwrap();
        }
        self.call("update_case", args)
    }

    fn state(&self) -> String {
        kindly_core::sync::fingerprint::state(self.store.conn()).unwrap()
    }

    fn count(&self, sql: &str) -> i64 {
        self.store.conn().query_row(sql, [], |r| r.get(0)).unwrap()
    }

    fn case_ids(&self) -> Vec<String> {
        let mut ids = kindly_core::store::cases::all_ids(self.store.conn()).unwrap();
        ids.sort();
        ids
    }
}

/// An owner and an assistant on one mailbox (SMTP on `smtp_port`), each synced once.
fn owner_and_assistant(
    dir: &Path,
    dovecot: &Dovecot,
    smtp_port: u16,
    [owner, assistant]: [&str; 2],
) -> (Replica, Replica) {
    let mut o = Replica::new(dir, dovecot, smtp_port, owner, Role::Owner);
    let mut a = Replica::new(dir, dovecot, smtp_port, assistant, Role::Assistant);
    o.sync();
    a.sync();
    (o, a)
}

fn seeded_dovecot(messages: usize) -> Dovecot {
    let dovecot = Dovecot::start();
    let mut imap = dovecot.client();
    for m in synth::messages(messages, 11) {
        imap.append("INBOX", &m.bytes);
    }
    dovecot
}

#[test]
fn an_edit_on_one_replica_reaches_the_other_and_the_later_edit_wins() {
    let dovecot = seeded_dovecot(20);
    let dir = tempfile::tempdir().unwrap();
    let (mut alice, mut bob) = owner_and_assistant(dir.path(), &dovecot, 2525, ["Alice", "Bob"]);
    let ids = alice.case_ids();
    assert_eq!(ids, bob.case_ids(), "both replicas derive the same case ids from the same mail");
    let (one, two) = (&ids[0], &ids[1]);

    // Both edit the same field while apart; Bob's edit comes later.
    alice.update(serde_json::json!({ "case_id": one, "status": "closed", "note": "Refunded in full." }));
    // Later by the clock: within one millisecond the replica ids would decide.
    std::thread::sleep(std::time::Duration::from_millis(5));
    bob.update(serde_json::json!({ "case_id": one, "status": "waiting", "note": "Sent the download link too." }));
    bob.update(serde_json::json!({ "case_id": two, "assign": "owner", "note": "Asks for a team licence — yours?" }));
    alice.sync();
    bob.sync();
    alice.sync();

    assert_eq!(alice.state(), bob.state());
    let case = alice.case(one);
    assert_eq!(case.summary.status.as_str(), "waiting", "the later edit wins everywhere");
    let notes: Vec<(&str, &str)> = case.notes.iter().map(|n| (n.author_role.as_str(), n.text.as_str())).collect();
    assert_eq!(notes.len(), 2, "notes from both are kept: {notes:?}");
    assert!(
        notes.contains(&("owner", "Refunded in full."))
            && notes.contains(&("assistant", "Sent the download link too."))
    );
    let escalated = alice.case(two);
    assert_eq!(escalated.summary.assignee, Role::Owner);
    assert_eq!(escalated.notes[0].author_name, "Bob");
    let owner_queue: kindly_core::api::QueueResult = alice.call("queue", serde_json::json!({ "queue": "owner" }));
    assert!(owner_queue.items.iter().any(|i| &i.case_id == two), "an escalated case is in the owner's queue");
}

#[test]
fn private_notes_never_reach_the_assistant_or_the_mailbox() {
    let dovecot = seeded_dovecot(6);
    let dir = tempfile::tempdir().unwrap();
    let (mut owner, mut assistant) = owner_and_assistant(dir.path(), &dovecot, 2525, ["Olivia", "Dana"]);
    let id = owner.case_ids()[0].clone();
    owner.update(serde_json::json!({ "case_id": id, "note": "Serial refunder, decline kindly", "private_note": true }));
    owner.update(serde_json::json!({ "case_id": id, "note": "Shared note" }));
    owner.sync();
    assistant.sync();
    let seen: Vec<String> = assistant.case(&id).notes.into_iter().map(|n| n.text).collect();
    assert_eq!(seen, vec!["Shared note".to_string()]);
    assert_eq!(owner.count("SELECT count(*) FROM ops WHERE private = 1"), 1);
    assert_eq!(assistant.count("SELECT count(*) FROM ops WHERE private = 1"), 0, "no private op travelled");
    assert_eq!(assistant.count("SELECT count(*) FROM case_notes WHERE body LIKE 'Serial%'"), 0);
    // And an assistant cannot write one.
    let refused = api::dispatch(
        &mut assistant.store,
        "update_case",
        serde_json::json!({ "case_id": id, "note": "x", "private_note": true }),
    );
    assert_eq!(refused.unwrap_err().code, "bad_args");
}

#[test]
fn a_week_offline_with_skewed_clocks_merges_on_three_replicas() {
    let dovecot = seeded_dovecot(40);
    let dir = tempfile::tempdir().unwrap();
    let mut alice = Replica::new(dir.path(), &dovecot, 2525, "Alice", Role::Owner);
    let mut bob = Replica::new(dir.path(), &dovecot, 2525, "Bob", Role::Assistant);
    let mut carol = Replica::new(dir.path(), &dovecot, 2525, "Carol", Role::Assistant);
    for r in [&mut alice, &mut bob, &mut carol] {
        r.sync();
    }
    let ids = alice.case_ids();
    // Bob's clock runs an hour slow, Carol's an hour fast; both stay online.
    bob.store.set_clock_skew_ms(-3_600_000);
    carol.store.set_clock_skew_ms(3_600_000);
    let mut rng = synth::Rng::new(7);
    let statuses = ["open", "waiting", "closed"];
    let assignees = ["owner", "assistant", "auto"];
    // Alice is on a plane for a week: 7 days of triage, an edit every couple of hours.
    for step in 0..84i64 {
        alice.store.set_clock_skew_ms(step * 2 * 3_600_000);
        let id = rng.pick(&ids).clone();
        alice.update(serde_json::json!({
            "case_id": id, "status": rng.pick(&statuses), "assign": rng.pick(&assignees),
            "note": format!("plane note {step}"),
        }));
        if step % 12 == 0 {
            let (r, who) = if step % 24 == 0 { (&mut bob, "bob") } else { (&mut carol, "carol") };
            let id = rng.pick(&ids).clone();
            r.update(
                serde_json::json!({ "case_id": id, "status": rng.pick(&statuses), "note": format!("{who} {step}") }),
            );
            r.sync();
        }
    }
    carol.sync();
    bob.sync();
    // Alice lands: pull first, then push.
    alice.sync();
    bob.sync();
    carol.sync();
    assert_eq!(alice.state(), bob.state(), "alice and bob agree");
    assert_eq!(alice.state(), carol.state(), "alice and carol agree");
    let notes = alice.count("SELECT count(*) FROM case_notes");
    assert_eq!(notes, 84 + 7, "every note once, none lost or doubled");
    let ops = alice.count("SELECT count(*) FROM ops");
    assert_eq!(ops, bob.count("SELECT count(*) FROM ops WHERE private = 0"));
    assert_eq!(alice.count("SELECT count(*) FROM ops WHERE pushed = 0"), 0, "nothing left to push");
    // The replica an hour behind still wins when it edits after seeing the others.
    let id = &ids[0];
    bob.update(serde_json::json!({ "case_id": id, "status": "closed" }));
    bob.sync();
    alice.sync();
    assert_eq!(alice.case(id).summary.status.as_str(), "closed");
}

#[test]
fn a_deleted_sync_folder_is_rebuilt_and_a_new_replica_catches_up_after_compaction() {
    let dovecot = seeded_dovecot(12);
    let dir = tempfile::tempdir().unwrap();
    let (mut alice, mut bob) = owner_and_assistant(dir.path(), &dovecot, 2525, ["Alice", "Bob"]);
    let ids = alice.case_ids();
    alice.update(serde_json::json!({ "case_id": ids[0], "status": "closed", "note": "before the folder went" }));
    bob.update(serde_json::json!({ "case_id": ids[1], "assign": "owner", "note": "bob before" }));
    alice.sync();
    bob.sync();

    let mut imap = dovecot.client();
    imap.command("DELETE \"Kindly.sync\"");
    let report = alice.sync();
    assert!(report.ops.rebuilt, "alice notices and refills the folder");
    bob.sync();

    // Enough pushes to pass the compaction threshold.
    for i in 0..(kindly_core::sync::transport::COMPACT_AFTER + 5) {
        let id = &ids[i as usize % ids.len()];
        alice.update(serde_json::json!({ "case_id": id, "note": format!("note {i}") }));
        let report = alice.sync();
        if report.ops.compacted {
            break;
        }
    }
    assert!(imap.count("Kindly.sync") <= 3, "compacted to a snapshot: {}", imap.count("Kindly.sync"));
    bob.sync();

    // Carol starts from nothing and gets everything from the snapshot.
    let mut carol = Replica::new(dir.path(), &dovecot, 2525, "Carol", Role::Assistant);
    carol.sync();
    assert_eq!(alice.state(), bob.state());
    assert_eq!(alice.state(), carol.state());
    assert_eq!(carol.case(&ids[0]).summary.status.as_str(), "closed");
    assert!(carol.case(&ids[1]).notes.iter().any(|n| n.text == "bob before"));
}

#[test]
fn kill_9_during_push_loses_no_op_and_doubles_none() {
    let dovecot = seeded_dovecot(8);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("alice.db");
    dovecot.add_account(&db, 2525);
    let sync = |env: &[(&str, &str)]| kindly_mail(&db, &["sync", "--once"], env);
    assert!(sync(&[]).status.success());
    let ids = {
        let store = Store::open(&db).unwrap();
        let mut ids = kindly_core::store::cases::all_ids(store.conn()).unwrap();
        ids.sort();
        ids
    };
    for (i, id) in ids.iter().take(3).enumerate() {
        let out = kindly_mail(
            &db,
            &["case", id, "--status", "closed", "--no-reply-needed", "--note", &format!("note {i}")],
            &[],
        );
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let crashed = sync(&[("KINDLY_TEST_CRASH_AFTER_SYNC_APPEND", "1")]);
    assert!(!crashed.status.success(), "the process was killed after the batch reached the folder");
    let mut imap = dovecot.client();
    assert_eq!(imap.count("Kindly.sync"), 1, "the batch is in the folder");
    assert!(sync(&[]).status.success());
    assert_eq!(imap.count("Kindly.sync"), 1, "it was found there, not sent again");
    let store = Store::open(&db).unwrap();
    let unpushed: i64 = store.conn().query_row("SELECT count(*) FROM ops WHERE pushed = 0", [], |r| r.get(0)).unwrap();
    assert_eq!(unpushed, 0);

    let mut bob = Replica::new(dir.path(), &dovecot, 2525, "Bob", Role::Assistant);
    bob.sync();
    bob.sync();
    let alice_ops: i64 = store.conn().query_row("SELECT count(*) FROM ops", [], |r| r.get(0)).unwrap();
    let bob_has = bob.count(
        "SELECT count(*) FROM ops WHERE replica_id NOT IN (SELECT value FROM settings WHERE key = 'sync.replica_id')",
    );
    assert_eq!(bob_has, alice_ops, "every op of alice's, each once");
    assert_eq!(bob.count("SELECT count(*) FROM case_notes"), 3);
    for id in ids.iter().take(3) {
        assert_eq!(bob.case(id).summary.status.as_str(), "closed");
    }
}

#[test]
fn an_offline_reply_on_a_case_answered_or_closed_meanwhile_is_parked_and_both_replies_show() {
    let dovecot = seeded_dovecot(10);
    let smtp = SmtpSink::start(&dovecot, "INBOX");
    let dir = tempfile::tempdir().unwrap();
    let (mut alice, mut bob) = owner_and_assistant(dir.path(), &dovecot, smtp.port, ["Alice", "Bob"]);
    let ids = alice.case_ids();
    let (answered, closed) = (&ids[0], &ids[1]);
    // Alice, offline, writes replies on two cases.
    let body = "Thanks for writing — here is what happens next.";
    alice.call::<CaseDetail>("send_reply", serde_json::json!({ "case_id": answered, "body": body }));
    alice.call::<CaseDetail>("send_reply", serde_json::json!({ "case_id": closed, "body": body }));
    // Meanwhile Bob answers one and closes the other.
    std::thread::sleep(std::time::Duration::from_millis(5));
    bob.call::<CaseDetail>("send_reply", serde_json::json!({ "case_id": answered, "body": "Bob's answer." }));
    bob.update(serde_json::json!({ "case_id": closed, "status": "closed" }));
    let sent = bob.sync();
    assert_eq!(sent.sent.sent, 1);
    // Alice comes back online.
    let report = alice.sync();
    assert_eq!(report.sent.sent, 0, "nothing of alice's went out");
    assert_eq!(report.sent.parked, 2);
    let a = alice.case(answered);
    let parked = &a.outbox[0];
    assert_eq!(parked.state, "parked");
    assert!(parked.last_error.as_deref().unwrap_or_default().contains("new mail arrived"), "{parked:?}");
    assert!(a.messages.iter().any(|m| m.body_text.contains("Bob's answer.")), "Bob's reply is in Alice's thread");
    let c = alice.case(closed);
    assert!(c.outbox[0].last_error.as_deref().unwrap_or_default().contains("closed"), "{:?}", c.outbox);
}

#[test]
fn a_replica_sees_who_is_replying_on_the_other() {
    let dovecot = seeded_dovecot(4);
    let dir = tempfile::tempdir().unwrap();
    let mut dana = Replica::new(dir.path(), &dovecot, 2525, "Dana", Role::Assistant);
    let mut olivia = Replica::new(dir.path(), &dovecot, 2525, "Olivia", Role::Owner);
    dana.sync();
    olivia.sync();
    let id = dana.case_ids()[0].clone();
    let _: api::Empty = dana.call("replying", serde_json::json!({ "case_id": id }));
    assert!(dana.case(&id).replying.is_empty(), "not shown to oneself");
    dana.sync();
    olivia.sync();
    let replying = olivia.case(&id).replying;
    assert_eq!(replying.len(), 1);
    assert_eq!((replying[0].name.as_str(), replying[0].role.as_str()), ("Dana", "assistant"));
    let _: api::Empty = dana.call("replying", serde_json::json!({ "case_id": null }));
    dana.sync();
    olivia.sync();
    assert!(olivia.case(&id).replying.is_empty(), "closing the composer clears it");
}

#[test]
fn two_running_syncs_converge_without_a_manual_pass() {
    let dovecot = seeded_dovecot(4);
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.db"), dir.path().join("b.db"));
    for db in [&a, &b] {
        dovecot.add_account(db, 2525);
        assert!(kindly_mail(db, &["sync", "--once"], &[]).status.success());
    }
    let spawn = |db: &Path| {
        let mut cmd = std::process::Command::new(kindly_tests::kindly_bin());
        cmd.arg("--db").arg(db).arg("sync").env(PASSWORD_VAR, PASSWORD);
        cmd.stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null()).spawn().unwrap()
    };
    let (mut ra, mut rb) = (spawn(&a), spawn(&b));
    let id = {
        let store = Store::open(&a).unwrap();
        kindly_core::store::cases::all_ids(store.conn()).unwrap()[0].clone()
    };
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let out = kindly_mail(&a, &["case", &id, "--note", "live note"], &[]);
    assert!(out.status.success());
    // Generous: this checks that the loops wake each other, not how fast (bench-ops measures that).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let mut arrived = false;
    while std::time::Instant::now() < deadline && !arrived {
        std::thread::sleep(std::time::Duration::from_millis(200));
        let store = Store::open(&b).unwrap();
        arrived = kindly_core::store::cases::notes(store.conn(), &id).unwrap().iter().any(|n| n.body == "live note");
    }
    let _ = ra.kill();
    let _ = rb.kill();
    let _ = (ra.wait(), rb.wait());
    assert!(arrived, "the note reached the other running replica");
}

#[test]
fn follow_ups_gifts_and_the_owners_calls_reach_the_assistant_and_a_ticked_task_comes_back() {
    let dovecot = seeded_dovecot(6);
    let dir = tempfile::tempdir().unwrap();
    let (mut olivia, mut dana) = owner_and_assistant(dir.path(), &dovecot, 2525, ["Olivia", "Dana"]);
    let id = olivia.case_ids()[0].clone();
    let due_ms = kindly_core::time::now_ms() - 60_000;
    let case: CaseDetail = olivia.call(
        "add_task",
        serde_json::json!({ "case_id": id, "kind": "follow-up", "due_ms": due_ms, "note": "Did the fix work?" }),
    );
    let task = case.tasks[0].uid.clone();
    olivia.call::<CaseDetail>(
        "give_gift",
        serde_json::json!({ "case_id": id, "kind": "discount", "description": "Code THANKYOU30, 30% off" }),
    );
    olivia.call::<CaseDetail>("no_reply_needed", serde_json::json!({ "case_id": id, "on": true }));
    let mut care: kindly_core::care::CareSettings = olivia.call("care_settings", serde_json::json!({}));
    care.cold_words.push("kindly note".into());
    olivia.call::<kindly_core::care::CareSettings>("set_care_settings", serde_json::to_value(&care).unwrap());
    olivia.sync();
    dana.sync();

    let seen = dana.case(&id);
    assert_eq!(seen.tasks.len(), 1);
    assert_eq!((seen.tasks[0].note.as_str(), seen.tasks[0].author_name.as_str()), ("Did the fix work?", "Olivia"));
    assert_eq!(seen.customer.as_ref().unwrap().gifts[0].description, "Code THANKYOU30, 30% off");
    assert_eq!(seen.summary.answering.unanswered, 0, "the owner's no-reply-needed travels");
    let dana_care: kindly_core::care::CareSettings = dana.call("care_settings", serde_json::json!({}));
    assert!(dana_care.cold_words.contains(&"kindly note".to_string()));
    let due: api::QueueResult = dana.call("queue", serde_json::json!({ "queue": "due" }));
    assert_eq!(due.items.len(), 1);

    dana.call::<CaseDetail>("task_done", serde_json::json!({ "case_id": id, "task_id": task, "done": true }));
    dana.sync();
    olivia.sync();
    assert!(olivia.case(&id).tasks[0].done_ms.is_some());
    let due: api::QueueResult = olivia.call("queue", serde_json::json!({ "queue": "due" }));
    assert!(due.items.is_empty());
}

#[test]
fn orders_imported_by_the_owner_reach_the_assistant_with_the_same_lanes() {
    let dovecot = seeded_dovecot(6);
    let dir = tempfile::tempdir().unwrap();
    let (mut olivia, mut dana) = owner_and_assistant(dir.path(), &dovecot, 2525, ["Olivia", "Dana"]);
    let id = olivia.case_ids()[0].clone();
    let email = olivia.case(&id).customer.unwrap().email;
    assert_eq!(dana.case(&id).customer.unwrap().order_count, 0);

    // Five orders worth $1,245 (one refunded): a valuable customer, imported on the owner's machine.
    let mut csv = "order_id,email,name,product,amount,currency,purchased_at,refunded_at\n".to_string();
    for (n, (amount, refunded)) in
        [(299, ""), (299, ""), (199, "2026-10-02T09:00:00Z"), (249, ""), (199, "")].iter().enumerate()
    {
        csv.push_str(&format!("Q-{n},{email},,Course {n},{amount}.00,USD,2026-09-0{}T10:00:00Z,{refunded}\n", n + 1));
    }
    let summary = kindly_core::commerce::import_orders_csv(&mut olivia.store, csv.as_bytes()).unwrap();
    assert_eq!(summary.inserted, 5);
    let owner_view = olivia.case(&id);
    let value_line = "5 orders, $1,046 lifetime";
    assert!(owner_view.summary.reasons.iter().any(|r| r.contains(value_line)), "{:?}", owner_view.summary.reasons);
    assert!(!dana.case(&id).summary.reasons.iter().any(|r| r.contains(value_line)), "not synced yet");
    olivia.sync();
    dana.sync();

    let seen = dana.case(&id);
    let customer = seen.customer.as_ref().unwrap();
    assert_eq!((customer.order_count, customer.refund_count), (5, 1));
    assert_eq!(customer.lifetime_value_minor, 104_600);
    assert_eq!(seen.summary.lane, owner_view.summary.lane, "the assistant's replica sees the same lane");
    assert_eq!(seen.summary.reasons, owner_view.summary.reasons, "and the same reasons");
    assert_eq!(olivia.state(), dana.state());

    // The same file again changes nothing and records nothing to push.
    let pushed_before = olivia.count("SELECT count(*) FROM ops WHERE entity = 'order'");
    let again = kindly_core::commerce::import_orders_csv(&mut olivia.store, csv.as_bytes()).unwrap();
    assert_eq!((again.inserted, again.updated, again.unchanged), (0, 0, 5));
    assert_eq!(olivia.count("SELECT count(*) FROM ops WHERE entity = 'order'"), pushed_before);

    // An order imported before orders replicated (no record clock, no op) is shared at the next sync.
    olivia
        .store
        .write(|tx| {
            let buyer = kindly_core::store::customers::ensure(tx, "early@buyer.example", "Early Bird", 0)?;
            tx.execute(
                "INSERT INTO orders (source, order_id, customer_id, product, amount_minor, currency, purchased_ms)
                 VALUES ('generic', 'OLD-1', ?1, 'Old Course', 4900, 'USD', 1700000000000)",
                [buyer],
            )?;
            Ok(())
        })
        .unwrap();
    olivia.sync();
    dana.sync();
    assert_eq!(dana.count("SELECT count(*) FROM orders WHERE order_id = 'OLD-1' AND product = 'Old Course'"), 1);
    assert_eq!(olivia.count("SELECT count(*) FROM orders WHERE record_hlc IS NULL"), 0, "shared once");
    assert_eq!(olivia.state(), dana.state());
}

#[test]
fn a_connection_cut_while_reading_the_sync_folder_loses_no_change() {
    let dovecot = seeded_dovecot(6);
    let dir = tempfile::tempdir().unwrap();
    let mut alice = Replica::new(dir.path(), &dovecot, 2525, "Alice", Role::Owner);
    let proxy = kindly_tests::dovecot::CuttingProxy::start(dovecot.port, 0);
    let through_proxy = accounts::Account { imap_port: proxy.port, ..dovecot.account(2525) };
    let mut bob = Replica::with_account(dir.path(), through_proxy, "Bob", Role::Assistant);
    alice.sync();
    bob.sync();
    // Three batches in the sync folder: a note each, pushed in passes of their own.
    let id = alice.case_ids()[0].clone();
    for i in 0..3 {
        alice.update(serde_json::json!({ "case_id": id, "note": format!("Note {i}") }));
        alice.sync();
    }

    // Bob's next pass reads the folder's first batch; the connection drops before the second.
    proxy.cut_at(2);
    let cut = bob.runtime.block_on(kindly_core::mail::imap::sync_once(&mut bob.store, &mut |_, _, _| {}));
    assert!(cut.is_err(), "the cut is reported");
    proxy.stop_cutting();
    bob.sync();
    assert_eq!(bob.count("SELECT count(*) FROM case_notes"), 3, "every note arrives");
    assert_eq!(alice.state(), bob.state());
}
