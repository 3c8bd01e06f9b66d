//! IMAP ingest against a real Dovecot on loopback: first sync, incremental fetch, no \Seen, a
//! malformed message in the middle, a UIDVALIDITY reset, our Sent folder, and clear errors.

use std::path::Path;
use std::process::Command;

use kindly_tests::dovecot::{CuttingProxy, Dovecot, PASSWORD, PASSWORD_VAR as PW_VAR, USER, kindly_mail};
use kindly_tests::{kindly_bin, kindly_json, synth};

fn sync(db: &Path) -> String {
    let out = kindly_mail(db, &["sync", "--once"], &[]);
    assert!(out.status.success(), "sync failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn connect(dovecot: &Dovecot) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("k.db");
    dovecot.add_account(&db, 2525);
    // Nothing secret lands in the store.
    let bytes = std::fs::read(&db).unwrap();
    assert!(!bytes.windows(PASSWORD.len()).any(|w| w == PASSWORD.as_bytes()), "the password reached the store");
    (dir, db)
}

fn message_count(db: &Path) -> i64 {
    let store = kindly_core::Store::open(db).unwrap();
    kindly_core::store::messages::count(store.conn()).unwrap()
}

#[test]
fn first_sync_then_incremental_fetch_without_touching_seen() {
    let dovecot = Dovecot::start();
    let mut imap = dovecot.client();
    let msgs = synth::messages(2_005, 5);
    for m in &msgs[..2_000] {
        imap.append("INBOX", &m.bytes);
    }
    let (_dir, db) = connect(&dovecot);

    let first = sync(&db);
    assert!(first.contains("Read 2000 messages: 2000 imported, 0 duplicates"), "{first}");
    assert_eq!(message_count(&db), 2_000);

    for m in &msgs[2_000..] {
        imap.append("INBOX", &m.bytes);
    }
    let second = sync(&db);
    assert!(second.contains("Read 5 messages: 5 imported"), "only the new ones are fetched: {second}");
    assert!(!second.contains("Unchanged since the last pass: INBOX"), "{second}");
    let third = sync(&db);
    assert!(third.contains("Read 0 messages"), "{third}");
    // CONDSTORE: HIGHESTMODSEQ has not moved, so the folders are not even opened.
    assert!(third.contains("Unchanged since the last pass: INBOX, Sent."), "{third}");
    // A flag set elsewhere moves HIGHESTMODSEQ: INBOX is looked at again (and nothing is doubled).
    imap.command("SELECT \"INBOX\"");
    imap.command("UID STORE 1 +FLAGS (\\Flagged)");
    let fourth = sync(&db);
    assert!(fourth.contains("Read 0 messages") && fourth.contains("Unchanged since the last pass: Sent."), "{fourth}");
    assert_eq!(message_count(&db), 2_005);

    let flags = imap.flags("INBOX");
    assert_eq!(flags.len(), 2_005);
    assert!(flags.iter().all(|f| !f.contains("\\Seen")), "ingest must not mark mail read");
}

#[test]
fn a_malformed_message_in_the_middle_does_not_stop_the_rest() {
    let dovecot = Dovecot::start();
    let mut imap = dovecot.client();
    let msgs = synth::messages(20, 6);
    for (i, m) in msgs.iter().enumerate() {
        imap.append("INBOX", &m.bytes);
        if i == 9 {
            imap.append("INBOX", b"\x00\x01 not a mail message at all \xff\xfe\r\n");
        }
    }
    let (_dir, db) = connect(&dovecot);
    let out = sync(&db);
    assert!(out.contains("Read 21 messages: 20 imported, 0 duplicates skipped, 1 unreadable"), "{out}");
}

#[test]
fn a_uidvalidity_reset_reads_the_folder_again_without_duplicates() {
    let dovecot = Dovecot::start();
    let mut imap = dovecot.client();
    for m in &synth::messages(30, 7) {
        imap.append("INBOX", &m.bytes);
    }
    let (_dir, db) = connect(&dovecot);
    sync(&db);
    assert_eq!(message_count(&db), 30);
    dovecot.doveadm(&["mailbox", "update", "-u", USER, "--uid-validity", "12345", "INBOX"]);
    let again = sync(&db);
    assert!(again.contains("Read 30 messages: 0 imported, 30 duplicates skipped"), "{again}");
    assert_eq!(message_count(&db), 30);
}

#[test]
fn our_sent_replies_join_their_cases_as_outbound() {
    let dovecot = Dovecot::start();
    let mut imap = dovecot.client();
    imap.append(
        "INBOX",
        b"From: Ann Lee <ann@example.com>\r\nTo: support@kindly.test\r\nSubject: Where is my invoice?\r\n\
          Date: Mon, 16 Nov 2026 09:00:00 +0000\r\nMessage-ID: <q1@example.com>\r\n\r\nHi, where is my invoice?\r\n",
    );
    imap.create("Sent");
    imap.append(
        "Sent",
        b"From: Kindly Support <support@kindly.test>\r\nTo: Ann Lee <ann@example.com>\r\nSubject: Re: Where is my invoice?\r\n\
          Date: Mon, 16 Nov 2026 10:00:00 +0000\r\nMessage-ID: <r1@kindly.test>\r\nIn-Reply-To: <q1@example.com>\r\n\
          References: <q1@example.com>\r\n\r\nHi Ann, attached. Sam\r\n",
    );
    let (_dir, db) = connect(&dovecot);
    let out = sync(&db);
    assert!(out.contains("Read 2 messages: 2 imported"), "{out}");
    let waiting = kindly_json(&db, &["queue", "waiting", "--json"]);
    let case = &waiting.as_array().unwrap()[0];
    assert_eq!(case["customer_email"], "ann@example.com");
    let detail = kindly_json(&db, &["case", case["case_id"].as_str().unwrap(), "--json"]);
    let directions: Vec<&str> =
        detail["messages"].as_array().unwrap().iter().map(|m| m["direction"].as_str().unwrap()).collect();
    assert_eq!(directions, vec!["inbound", "outbound"]);
}

#[test]
fn a_wrong_password_or_missing_variable_is_a_clear_error() {
    let dovecot = Dovecot::start();
    let (_dir, db) = connect(&dovecot);
    let out =
        Command::new(kindly_bin()).arg("--db").arg(&db).args(["sync", "--once"]).env(PW_VAR, "wrong").output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("refused the login"), "{err}");
    assert!(!err.contains("wrong"), "the password is not echoed: {err}");
    let out =
        Command::new(kindly_bin()).arg("--db").arg(&db).args(["sync", "--once"]).env_remove(PW_VAR).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains(PW_VAR));
}

fn connect_with(port: u16, security: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("k.db");
    let imap = format!("127.0.0.1:{port}");
    let args = ["account", "add", "--email", USER, "--imap", &imap, "--smtp", "127.0.0.1:2525", "--user", USER];
    let out = kindly_mail(&db, &[&args[..], &["--security", security, "--password-env", PW_VAR]].concat(), &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    (dir, db)
}

#[test]
fn tls_and_starttls_connect_to_a_server_we_trust_and_refuse_one_we_do_not() {
    let dovecot = Dovecot::start();
    for m in &synth::messages(3, 8) {
        dovecot.client().append("INBOX", &m.bytes);
    }
    let ca = dovecot.ca_file();
    let trusted = [("KINDLY_EXTRA_CA_FILE", ca.to_str().unwrap())];
    for (port, security) in [(dovecot.tls_port, "tls"), (dovecot.port, "starttls")] {
        let (_dir, db) = connect_with(port, security);
        let out = kindly_mail(&db, &["sync", "--once"], &trusted);
        assert!(out.status.success(), "{security}: {}", String::from_utf8_lossy(&out.stderr));
        assert!(String::from_utf8_lossy(&out.stdout).contains("Read 3 messages: 3 imported"), "{security}");

        // Without the CA, the self-signed certificate is refused with advice, and nothing is read.
        let (_dir2, db2) = connect_with(port, security);
        let refused = kindly_mail(&db2, &["sync", "--once"], &[]);
        assert!(!refused.status.success(), "{security} must not accept an untrusted certificate");
        let err = String::from_utf8_lossy(&refused.stderr);
        assert!(err.contains("secure connection to 127.0.0.1 failed") && err.contains("KINDLY_EXTRA_CA_FILE"), "{err}");
    }
}

#[test]
fn a_running_sync_wakes_on_new_mail_through_idle() {
    let dovecot = Dovecot::start();
    dovecot.client().append("INBOX", &synth::messages(1, 9)[0].bytes);
    let (_dir, db) = connect(&dovecot);
    let mut child = Command::new(kindly_bin())
        .arg("--db")
        .arg(&db)
        .arg("sync")
        .env(PW_VAR, PASSWORD)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let wait_for = |n: i64, limit: std::time::Duration| {
        let start = std::time::Instant::now();
        while start.elapsed() < limit {
            if std::panic::catch_unwind(|| message_count(&db)).unwrap_or(0) >= n {
                return Some(start.elapsed());
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        None
    };
    assert!(wait_for(1, std::time::Duration::from_secs(30)).is_some(), "the first pass never finished");
    std::thread::sleep(std::time::Duration::from_millis(500)); // let it settle into IDLE
    dovecot.client().append("INBOX", &synth::messages(2, 10)[1].bytes);
    // Polling would take a minute; IDLE brings it in seconds. The bound is loose on purpose.
    let latency = wait_for(2, std::time::Duration::from_secs(15));
    let _ = child.kill();
    let _ = child.wait();
    let latency = latency.expect("new mail did not arrive: IDLE did not wake the sync");
    println!("IDLE wake-up to stored message: {} ms", latency.as_millis());
}

#[test]
fn dovecot_restarted_mid_fetch_loses_and_doubles_nothing() {
    let mut dovecot = Dovecot::start();
    let mut imap = dovecot.client();
    for m in &synth::messages(3_000, 11) {
        imap.append("INBOX", &m.bytes);
    }
    drop(imap);
    // Sync reads through a proxy that holds the FETCH halfway (after 1,500 messages), so the
    // restart lands mid-FETCH however fast the machine is.
    let proxy = CuttingProxy::start(dovecot.port, 0);
    let (_dir, db) = connect_with(proxy.port, "none");
    proxy.stall_at(1_501);
    let child = Command::new(kindly_bin())
        .arg("--db")
        .arg(&db)
        .args(["sync", "--once"])
        .env(PW_VAR, PASSWORD)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    while !proxy.reached() || std::panic::catch_unwind(|| message_count(&db)).unwrap_or(0) == 0 {
        assert!(start.elapsed() < std::time::Duration::from_secs(60), "no batch was committed mid-FETCH");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    dovecot.restart(); // the connection drops mid-FETCH
    let interrupted = child.wait_with_output().unwrap();
    let partial = message_count(&db);
    assert!(!interrupted.status.success() && partial < 3_000, "{partial} messages before the restart");
    assert!(String::from_utf8_lossy(&interrupted.stderr).contains("error"), "the break is reported");
    proxy.stop_cutting();
    let out = sync(&db);
    assert_eq!(message_count(&db), 3_000, "{out}");
    let store = kindly_core::Store::open(&db).unwrap();
    let distinct: i64 = store.conn().query_row("SELECT count(DISTINCT hash) FROM messages", [], |r| r.get(0)).unwrap();
    assert_eq!(distinct, 3_000);
}

#[test]
fn a_20_mb_attachment_arrives_whole() {
    let dovecot = Dovecot::start();
    let payload: Vec<u8> = (0..15_000_000u32).map(|i| (i % 251) as u8).collect();
    let mut b64 = String::new();
    for chunk in base64_lines(&payload) {
        b64.push_str(&chunk);
        b64.push_str("\r\n");
    }
    let message = format!(
        "From: Big Sender <big@example.com>\r\nTo: {USER}\r\nSubject: The recording\r\nDate: Mon, 16 Nov 2026 09:00:00 +0000\r\n\
         Message-ID: <big@example.com>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"B\"\r\n\r\n\
         --B\r\nContent-Type: text/plain\r\n\r\nHere is the file.\r\n--B\r\nContent-Type: video/mp4\r\n\
         Content-Disposition: attachment; filename=\"session.mp4\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{b64}--B--\r\n"
    );
    assert!(message.len() > 20_000_000);
    dovecot.client().append("INBOX", message.as_bytes());
    let (_dir, db) = connect(&dovecot);
    let out = sync(&db);
    assert!(out.contains("1 imported"), "{out}");
    let case = kindly_json(&db, &["queue", "all", "--json"])[0]["case_id"].as_str().unwrap().to_string();
    let detail = kindly_json(&db, &["case", &case, "--json"]);
    let attachment = &detail["messages"][0]["attachments"][0];
    assert_eq!(attachment["name"], "session.mp4");
    assert_eq!(attachment["size"], 15_000_000);
}

/// Standard base64 in 76-character lines (no crate needed for one test).
fn base64_lines(data: &[u8]) -> Vec<String> {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len() * 4 / 3 + 4);
    for c in data.chunks(3) {
        let n =
            (u32::from(c[0]) << 16) | (u32::from(*c.get(1).unwrap_or(&0)) << 8) | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..4 {
            out.push(if i <= c.len() { A[(n >> (18 - 6 * i) & 63) as usize] as char } else { '=' });
        }
    }
    out.as_bytes().chunks(76).map(|l| String::from_utf8_lossy(l).into_owned()).collect()
}

#[test]
fn the_cursor_moves_past_expunged_uids_at_the_end_of_the_folder() {
    let dovecot = Dovecot::start();
    let mut imap = dovecot.client();
    for m in &synth::messages(6, 31) {
        imap.append("INBOX", &m.bytes);
    }
    imap.command("SELECT \"INBOX\"");
    imap.command("UID STORE 5:6 +FLAGS (\\Deleted)");
    imap.command("EXPUNGE");
    let (_dir, db) = connect(&dovecot);

    let first = sync(&db);
    assert!(first.contains("Read 4 messages: 4 imported"), "{first}");
    let store = kindly_core::Store::open(&db).unwrap();
    let cursor = kindly_core::store::accounts::cursor(store.conn(), 1, "INBOX").unwrap().unwrap();
    assert_eq!(cursor.last_uid, 6, "UIDs 5 and 6 are gone for good: the next pass starts after them");
    drop(store);

    imap.append("INBOX", &synth::messages(1, 32)[0].bytes);
    let second = sync(&db);
    assert!(second.contains("Read 1 messages: 1 imported"), "{second}");
    assert_eq!(message_count(&db), 5);
}

#[test]
fn a_connection_cut_mid_fetch_loses_and_doubles_nothing() {
    // In the third FETCH batch of five (200 messages each), then in the last one, where no later
    // FETCH would fail to reveal the cut.
    for batches in [2.5, 4.5] {
        cut_mid_fetch(batches);
    }
}

fn cut_mid_fetch(batches: f64) {
    let dovecot = Dovecot::start();
    let mut imap = dovecot.client();
    let msgs = synth::messages(1_000, 17);
    for m in &msgs {
        imap.append("INBOX", &m.bytes);
    }
    let proxy = CuttingProxy::start(dovecot.port, (200.0 * batches) as u64);
    // The account check logs in through the proxy too: no FETCH, so far below the cut.
    let (_dir, db) = connect_with(proxy.port, "none");

    let cut = kindly_mail(&db, &["sync", "--once"], &[]);
    assert!(!cut.status.success(), "cut at {batches} batches is reported: {}", String::from_utf8_lossy(&cut.stdout));
    let partial = message_count(&db);
    assert!(partial < 1_000, "{partial} messages after a cut at {batches} batches");

    proxy.stop_cutting();
    let out = sync(&db);
    assert_eq!(message_count(&db), 1_000, "cut at {batches} batches: every message arrives, none twice: {out}");
    let store = kindly_core::Store::open(&db).unwrap();
    let distinct: i64 = store.conn().query_row("SELECT count(DISTINCT hash) FROM messages", [], |r| r.get(0)).unwrap();
    assert_eq!(distinct, 1_000);
}
