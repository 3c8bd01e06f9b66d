//! The acknowledgement against real servers: once per new case, personalized, never to bulk or
//! automated mail, never twice to one person in a day, never for mail from before it was switched
//! on, only from the owner's replica, and never counted as an answer.

use std::path::Path;

use kindly_tests::dovecot::{Dovecot, SmtpSink, USER, kindly_mail};
use kindly_tests::{kindly_json, kindly_ok};

/// Where the SMTP server delivers: the customers' side, not our INBOX.
const CUSTOMERS: &str = "Customers";

fn mail(from: &str, id: &str, subject: &str, extra_headers: &str) -> Vec<u8> {
    let date = chrono::Utc::now().to_rfc2822();
    format!(
        "From: {from}\r\nTo: {USER}\r\nSubject: {subject}\r\nDate: {date}\r\nMessage-ID: <{id}@example.com>\r\n{extra_headers}\r\nHello, I have a question about my order.\r\n"
    )
    .into_bytes()
}

fn sync(db: &Path) -> String {
    let out = kindly_mail(db, &["sync", "--once"], &[]);
    assert!(out.status.success(), "sync failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn each_new_case_gets_one_personal_acknowledgement_and_stays_open() {
    let dovecot = Dovecot::start();
    let mut imap = dovecot.client();
    imap.create(CUSTOMERS);
    // Mail from before acknowledgements were switched on: never acknowledged.
    imap.append("INBOX", &mail("Old Timer <old@example.com>", "old", "Earlier question", ""));
    let smtp = SmtpSink::start(&dovecot, CUSTOMERS);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("owner.db");
    dovecot.add_account(&db, smtp.port);
    kindly_ok(&db, &["role", "owner"]);
    sync(&db);
    let template = dir.path().join("ack.txt");
    std::fs::write(
        &template,
        "Thank you for writing about {subject}, {first_name}. I will answer you myself by tomorrow.\n",
    )
    .unwrap();
    let on = kindly_ok(&db, &["ack", "--on", "--body-file", template.to_str().unwrap()]);
    assert!(on.contains("Acknowledgements are on"), "{on}");

    imap.append("INBOX", &mail("Maria Gonzalez <maria@example.com>", "m1", "Download link broken", ""));
    imap.append("INBOX", &mail("Maria Gonzalez <maria@example.com>", "m2", "And the invoice?", ""));
    imap.append(
        "INBOX",
        &mail(
            "News <news@list.example>",
            "n1",
            "Weekly digest",
            "List-Id: <digest.list.example>\r\nPrecedence: bulk\r\n",
        ),
    );
    imap.append("INBOX", &mail("Mail Delivery System <MAILER-DAEMON@mx.example>", "b1", "Undelivered Mail", ""));
    imap.append("INBOX", &mail("Away <away@example.com>", "a1", "Out of office", "Auto-Submitted: auto-replied\r\n"));
    let out = sync(&db);
    assert!(out.contains("Acknowledged 1 new cases"), "{out}");
    sync(&db);

    let delivered = imap.messages(CUSTOMERS);
    assert_eq!(delivered.len(), 1, "one acknowledgement: Maria's first case only");
    let ack = &delivered[0];
    assert!(
        ack.contains("To: \"Maria Gonzalez\" <maria@example.com>")
            || ack.contains("To: Maria Gonzalez <maria@example.com>"),
        "{ack}"
    );
    assert!(ack.contains("Hi Maria,"), "{ack}");
    assert!(ack.contains("Auto-Submitted: auto-replied"));
    assert!(ack.contains("In-Reply-To: <m1@example.com>"));

    // It came back through Sent into Maria's case, and the case still waits for a person.
    let queue = kindly_json(&db, &["queue", "all", "--json"]);
    let maria = queue.as_array().unwrap().iter().find(|c| c["subject"] == "Download link broken").unwrap();
    let case = kindly_json(&db, &["case", maria["case_id"].as_str().unwrap(), "--json"]);
    assert_eq!(case["status"], "open", "an acknowledgement is not an answer");
    assert_eq!(case["messages"].as_array().unwrap().len(), 2);
    let text = case["messages"][1]["body_text"].as_str().unwrap();
    assert!(text.contains("Thank you for writing about “Download link broken”, Maria."), "{text}");
    assert_eq!(case["outbox"][0]["kind"], "ack");
    assert_eq!(case["outbox"][0]["state"], "sent");

    // The assistant's replica never acknowledges, even with the setting shared.
    let assistant = dir.path().join("assistant.db");
    dovecot.add_account(&assistant, smtp.port);
    kindly_ok(&assistant, &["role", "assistant"]);
    sync(&assistant);
    imap.append("INBOX", &mail("Lee Chen <lee@example.com>", "l1", "Team licence", ""));
    let out = sync(&assistant);
    assert!(!out.contains("Acknowledged"), "{out}");
    sync(&db);
    assert_eq!(imap.messages(CUSTOMERS).len(), 2, "Lee is acknowledged once, by the owner's replica");
}
