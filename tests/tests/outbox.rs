//! The outbox against real servers: an aiosmtpd SMTP server delivering into Dovecot. A reply is
//! delivered exactly once, threads, greets the customer, retries on 4xx, parks on 5xx with the
//! server's words, survives the server being down, is not sent twice after a crash, and is held
//! back when new mail arrived on the case after it was written.

use std::path::{Path, PathBuf};
use std::process::Output;

use kindly_tests::dovecot::{Dovecot, PASSWORD_VAR, SmtpSink, USER, kindly_mail};
use kindly_tests::{kindly_json, kindly_ok};

const DELIVERED: &str = "Delivered";

struct Setup {
    dovecot: Dovecot,
    _dir: tempfile::TempDir,
    db: PathBuf,
    body: PathBuf,
    smtp_port: u16,
}

fn run(db: &Path, args: &[&str], extra_env: &[(&str, &str)]) -> Output {
    kindly_mail(db, args, &[&[("KINDLY_SEND_RETRY_SECS", "0")], extra_env].concat())
}

fn sync(db: &Path) -> (String, String) {
    let out = run(db, &["sync", "--once"], &[]);
    assert!(out.status.success(), "sync failed: {}", String::from_utf8_lossy(&out.stderr));
    (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

fn customer_mail(id: &str, subject: &str, body: &str) -> Vec<u8> {
    format!(
        "From: Ann Lee <ann@example.com>\r\nTo: {USER}\r\nSubject: {subject}\r\nDate: Mon, 16 Nov 2026 09:00:00 +0000\r\n\
         Message-ID: <{id}@example.com>\r\n\r\n{body}\r\n"
    )
    .into_bytes()
}

/// Dovecot with one customer question in INBOX, Kindly connected and synced, a reply body ready.
fn setup(smtp_port: u16) -> Setup {
    let dovecot = Dovecot::start();
    dovecot.client().append("INBOX", &customer_mail("q1", "Where is my invoice?", "Hi, where is my invoice?"));
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("k.db");
    dovecot.add_account(&db, smtp_port);
    sync(&db);
    let body = dir.path().join("reply.txt");
    std::fs::write(&body, "Your invoice is attached to this mail. Sorry for the wait!\n\nSam").unwrap();
    Setup { dovecot, _dir: dir, db, body, smtp_port }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn the_case(s: &Setup) -> String {
    let all = kindly_json(&s.db, &["queue", "all", "--json"]);
    all[0]["case_id"].as_str().unwrap().to_string()
}

fn queue_reply(s: &Setup) -> String {
    let case = the_case(s);
    kindly_ok(&s.db, &["reply", &case, "--body-file", s.body.to_str().unwrap()]);
    case
}

fn outbox_states(db: &Path) -> Vec<(String, u32)> {
    let store = kindly_core::Store::open(db).unwrap();
    kindly_core::store::outbox::all(store.conn()).unwrap().into_iter().map(|i| (i.state, i.attempts)).collect()
}

#[test]
fn a_reply_is_delivered_once_threads_and_joins_its_case() {
    let s = setup(free_port());
    let _smtp = SmtpSink::start_on(&s.dovecot, DELIVERED, s.smtp_port);
    let case = queue_reply(&s);
    let (out, _) = sync(&s.db);
    assert!(out.contains("Sent 1 replies; 0 will be retried; 0 parked"), "{out}");
    let delivered = s.dovecot.client().messages(DELIVERED);
    assert_eq!(delivered.len(), 1);
    let mail = &delivered[0];
    assert!(mail.contains("In-Reply-To: <q1@example.com>"), "{mail}");
    assert!(mail.contains("Subject: Re: Where is my invoice?"), "{mail}");
    assert!(mail.contains("Hi Ann,"), "greets by first name: {mail}");
    // The copy in Sent came back in as our outbound message on the case.
    let detail = kindly_json(&s.db, &["case", &case, "--json"]);
    let directions: Vec<&str> =
        detail["messages"].as_array().unwrap().iter().map(|m| m["direction"].as_str().unwrap()).collect();
    assert_eq!(directions, vec!["inbound", "outbound"]);
    assert_eq!(detail["status"], "waiting");
    let (again, _) = sync(&s.db);
    assert!(!again.contains(" replies"), "nothing is sent twice: {again}");
    assert_eq!(s.dovecot.client().count(DELIVERED), 1);
    assert_eq!(outbox_states(&s.db), vec![("sent".to_string(), 1)]);
}

#[test]
fn a_4xx_is_retried_and_the_reply_delivered_once() {
    let s = setup(free_port());
    let smtp = SmtpSink::start_on(&s.dovecot, DELIVERED, s.smtp_port);
    smtp.set_mode("tempfail 1");
    queue_reply(&s);
    let (first, _) = sync(&s.db);
    assert!(first.contains("1 will be retried"), "{first}");
    assert_eq!(s.dovecot.client().count(DELIVERED), 0);
    let (second, _) = sync(&s.db);
    assert!(second.contains("Sent 1 replies"), "{second}");
    assert_eq!(s.dovecot.client().count(DELIVERED), 1);
    assert_eq!(outbox_states(&s.db), vec![("sent".to_string(), 2)], "attempts are counted");
}

#[test]
fn a_5xx_parks_the_reply_with_the_servers_words() {
    let s = setup(free_port());
    let smtp = SmtpSink::start_on(&s.dovecot, DELIVERED, s.smtp_port);
    smtp.set_mode("permfail");
    queue_reply(&s);
    let (out, err) = sync(&s.db);
    assert!(out.contains("1 parked"), "{out}");
    assert!(err.contains("mailbox unavailable"), "the server's own words are shown: {err}");
    assert_eq!(s.dovecot.client().count(DELIVERED), 0);
    assert_eq!(outbox_states(&s.db), vec![("parked".to_string(), 1)]);
    let (later, _) = sync(&s.db);
    assert!(!later.contains(" replies"), "a parked reply waits for a person: {later}");
}

#[test]
fn smtp_down_then_up_delivers_once() {
    let s = setup(free_port());
    queue_reply(&s);
    let (down, _) = sync(&s.db);
    assert!(down.contains("1 will be retried"), "{down}");
    let _smtp = SmtpSink::start_on(&s.dovecot, DELIVERED, s.smtp_port);
    let (up, _) = sync(&s.db);
    assert!(up.contains("Sent 1 replies"), "{up}");
    assert_eq!(s.dovecot.client().count(DELIVERED), 1);
}

#[test]
fn a_crash_after_acceptance_does_not_send_twice() {
    let s = setup(free_port());
    let _smtp = SmtpSink::start_on(&s.dovecot, DELIVERED, s.smtp_port);
    queue_reply(&s);
    let crashed = run(&s.db, &["sync", "--once"], &[("KINDLY_TEST_CRASH_AFTER_SENT_COPY", "1")]);
    assert!(!crashed.status.success(), "the process died mid-send");
    assert_eq!(outbox_states(&s.db), vec![("sending".to_string(), 1)], "the intent was recorded");
    assert_eq!(s.dovecot.client().count(DELIVERED), 1);
    let (after, _) = sync(&s.db);
    assert!(after.contains("Sent 1 replies"), "{after}");
    assert_eq!(s.dovecot.client().count(DELIVERED), 1, "found in Sent, so not sent again");
    assert_eq!(outbox_states(&s.db), vec![("sent".to_string(), 1)]);
}

#[test]
fn a_reply_is_held_when_new_mail_arrived_on_the_case() {
    let s = setup(free_port());
    let _smtp = SmtpSink::start_on(&s.dovecot, DELIVERED, s.smtp_port);
    queue_reply(&s);
    let mut follow_up =
        String::from_utf8(customer_mail("q2", "Re: Where is my invoice?", "Never mind, found it! Cancel please."))
            .unwrap();
    follow_up = follow_up
        .replace("Date: Mon, 16 Nov 2026 09:00:00", "In-Reply-To: <q1@example.com>\r\nDate: Mon, 16 Nov 2026 11:00:00");
    s.dovecot.client().append("INBOX", follow_up.as_bytes());
    let (out, err) = sync(&s.db);
    assert!(out.contains("1 parked"), "{out}");
    assert!(err.contains("new mail arrived"), "{err}");
    assert_eq!(s.dovecot.client().count(DELIVERED), 0);
}

#[test]
fn a_reply_goes_out_over_starttls_to_a_server_we_trust() {
    let dovecot = Dovecot::start();
    dovecot.client().append("INBOX", &customer_mail("q1", "Where is my invoice?", "Hi, where is my invoice?"));
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("k.db");
    let port = free_port();
    let (imap, smtp) = (format!("127.0.0.1:{}", dovecot.port), format!("127.0.0.1:{port}"));
    let args = ["account", "add", "--email", USER, "--imap", &imap, "--smtp", &smtp, "--user", USER];
    let add = kindly_mail(&db, &[&args[..], &["--security", "starttls", "--password-env", PASSWORD_VAR]].concat(), &[]);
    assert!(add.status.success());
    let ca = dovecot.ca_file();
    let trusted = [("KINDLY_EXTRA_CA_FILE", ca.to_str().unwrap()), ("KINDLY_SEND_RETRY_SECS", "0")];
    assert!(kindly_mail(&db, &["sync", "--once"], &trusted).status.success());
    let _smtp = SmtpSink::start_starttls_on(&dovecot, DELIVERED, port);
    let body = dir.path().join("reply.txt");
    std::fs::write(&body, "Attached.").unwrap();
    let case = kindly_json(&db, &["queue", "all", "--json"])[0]["case_id"].as_str().unwrap().to_string();
    kindly_ok(&db, &["reply", &case, "--body-file", body.to_str().unwrap()]);
    let out = kindly_mail(&db, &["sync", "--once"], &trusted);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("Sent 1 replies"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(dovecot.client().count(DELIVERED), 1);
}
