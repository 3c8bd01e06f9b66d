//! Mail import end to end: golden fixtures, dedupe, threading, corrupt input, idempotent re-import.

use std::path::Path;

use kindly_core::api::{self, CaseDetail, QueueResult};
use kindly_core::mail::import::import_mbox;
use kindly_core::{Store, mail};
use kindly_tests::{assert_golden, fixtures, kindly, kindly_ok};
use serde_json::{Value, json};

fn parsed_json(path: &Path) -> Value {
    let raw = std::fs::read(path).unwrap();
    let p = mail::parse(&raw);
    json!({
        "message_id": p.message_id,
        "message_id_synthesized": p.message_id_synthesized,
        "hash": p.hash,
        "from_email": p.from_email,
        "from_name": p.from_name,
        "to": p.to,
        "subject": p.subject,
        "date_ms": p.date_ms,
        "in_reply_to": p.in_reply_to,
        "references": p.references,
        "body_text": p.body_text,
        "body_html": p.body_html,
        "attachments": p.attachments,
        "automated": p.automated,
        "unreadable": p.unreadable,
    })
}

#[test]
fn eml_fixtures_parse_as_their_golden_files() {
    let dir = fixtures().join("mail");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "eml") {
            assert_golden(&path.with_extension("json"), &parsed_json(&path));
            checked += 1;
        }
    }
    assert!(checked >= 9, "expected the .eml fixtures, found {checked}");
}

#[test]
fn decoding_is_right_where_it_matters() {
    let get = |name: &str| parsed_json(&fixtures().join("mail").join(name));
    assert_eq!(get("quoted_printable.eml")["subject"], "Question sur le cours — débutant");
    assert!(
        get("quoted_printable.eml")["body_text"]
            .as_str()
            .unwrap()
            .contains("I’d like to know which course suits a beginner. This line is soft-wrapped")
    );
    assert_eq!(get("quoted_printable.eml")["from_name"], "Chloé Dubois");
    assert_eq!(get("rfc2047.eml")["subject"], "Lizenz für Quillmark Draft ✓");
    assert_eq!(get("rfc2047.eml")["from_name"], "Henrik Sørensen");
    assert!(get("latin1.eml")["body_text"].as_str().unwrap().contains("Olá, não recebi o recibo"));
    assert!(get("cp1252.eml")["body_text"].as_str().unwrap().contains("“teh” — it’s a typo. Price shown: €24"));
    assert!(get("base64.eml")["body_text"].as_str().unwrap().contains("本当にありがとう"));
    let att = get("attachment.eml");
    assert_eq!(att["attachments"][0]["name"], "invoice-2026.pdf");
    assert_eq!(att["attachments"][0]["mime"], "application/pdf");
    let alt = get("multipart_alternative.eml");
    assert!(alt["body_text"].as_str().unwrap().contains("The masterclass was wonderful."));
    assert!(alt["body_html"].as_str().unwrap().contains("<b>wonderful</b>"));
    let no_id = get("no_message_id.eml");
    assert_eq!(no_id["message_id_synthesized"], true);
    assert!(no_id["message_id"].as_str().unwrap().ends_with("@kindly.invalid>"));
    // Broken headers are survivable: the body is kept whatever the charset and encoding claim.
    assert!(get("broken_headers.eml")["body_text"].as_str().is_some());
}

/// Every case in the store, with its messages, as stable JSON.
fn dump(store: &mut Store) -> Value {
    let all: QueueResult =
        serde_json::from_value(api::dispatch(store, "queue", json!({"queue": "all"})).unwrap()).unwrap();
    let mut cases: Vec<Value> = all
        .items
        .iter()
        .map(|item| {
            let case: CaseDetail =
                serde_json::from_value(api::dispatch(store, "case", json!({"case_id": item.case_id})).unwrap()).unwrap();
            json!({
                "case_id": case.summary.case_id,
                "subject": case.summary.subject,
                "customer_email": case.summary.customer_email,
                "status": case.summary.status,
                "unreadable": case.summary.unreadable,
                "messages": case.messages.iter().map(|m| json!([m.message_id, m.direction, m.from_email])).collect::<Vec<_>>(),
            })
        })
        .collect();
    cases.sort_by(|a, b| a["case_id"].as_str().cmp(&b["case_id"].as_str()));
    Value::Array(cases)
}

fn import_file(store: &mut Store, path: &Path) -> kindly_core::mail::import::ImportSummary {
    let file = std::io::BufReader::new(std::fs::File::open(path).unwrap());
    import_mbox(store, file, &mut |_| {}).unwrap()
}

fn store_with_support_address(dir: &Path) -> Store {
    let store = Store::open(dir.join("k.db")).unwrap();
    kindly_core::store::settings::set(store.conn(), "support_addresses", r#"["support@quillmark.example"]"#).unwrap();
    store
}

#[test]
fn duplicates_and_threads_match_the_golden_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = store_with_support_address(dir.path());
    let summary = import_file(&mut store, &fixtures().join("mail/duplicates.mbox"));
    // Five messages: the same message twice is kept once; a different message reusing its
    // Message-ID is kept too, in its own customer's case.
    assert_eq!((summary.seen, summary.imported, summary.duplicates, summary.unreadable), (5, 4, 1, 0));
    let cases = dump(&mut store);
    assert_eq!(cases.as_array().unwrap().len(), 2, "Derek's thread and Grace's thread: {cases:#}");
    let derek = cases.as_array().unwrap().iter().find(|c| c["customer_email"] == "derek.malone@example.com").unwrap();
    assert_eq!(derek["messages"].as_array().unwrap().len(), 2, "message + our reply");
    assert_eq!(derek["status"], "waiting", "our reply is the newest message");
    let grace = cases.as_array().unwrap().iter().find(|c| c["customer_email"] == "grace.liu@example.net").unwrap();
    assert_eq!(grace["messages"].as_array().unwrap().len(), 2, "same subject without References joins by fallback");
    assert_golden(&fixtures().join("mail/duplicates.json"), &cases);

    let again = import_file(&mut store, &fixtures().join("mail/duplicates.mbox"));
    assert_eq!((again.imported, again.duplicates), (0, 5));
    assert_eq!(dump(&mut store), cases, "re-import changes nothing");
}

#[test]
fn corrupt_messages_in_the_middle_are_kept_and_the_import_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("k.db");
    let mbox = fixtures().join("mail/corrupt_middle.mbox");
    let out = kindly_ok(&db, &["import", "--mbox", mbox.to_str().unwrap()]);
    assert!(out.contains("Read 100 messages: 95 imported, 0 duplicates skipped, 5 unreadable"), "{out}");

    let mut store = Store::open(&db).unwrap();
    let cases = dump(&mut store);
    let unreadable: Vec<_> = cases.as_array().unwrap().iter().filter(|c| c["unreadable"] == true).collect();
    assert_eq!(unreadable.len(), 5);
    assert_eq!(cases.as_array().unwrap().len(), 100);
    // The raw source of an unreadable message is there to read.
    let case: CaseDetail = serde_json::from_value(
        api::dispatch(&mut store, "case", json!({"case_id": unreadable[0]["case_id"]})).unwrap(),
    )
    .unwrap();
    assert!(case.messages[0].raw_source.as_deref().unwrap().contains("garbage"));
    assert!(case.summary.reasons[0].contains("could not be read"));
    drop(store);

    let again = kindly_ok(&db, &["import", "--mbox", mbox.to_str().unwrap()]);
    assert!(again.contains("0 imported, 100 duplicates skipped, 0 unreadable"), "{again}");
}

#[test]
fn maildir_import_reads_cur_and_new() {
    let dir = tempfile::tempdir().unwrap();
    let maildir = dir.path().join("Maildir");
    let msgs = kindly_tests::synth::messages(60, 3);
    kindly_tests::synth::write_maildir(&maildir, &msgs[..50]).unwrap();
    std::fs::write(maildir.join("new/extra1"), &msgs[50].bytes).unwrap();
    let db = dir.path().join("k.db");
    let out = kindly_ok(&db, &["import", "--maildir", maildir.to_str().unwrap()]);
    assert!(out.contains("Read 51 messages: 51 imported"), "{out}");
}

#[test]
fn case_ids_do_not_depend_on_import_order() {
    // The demo threads all carry References, so both orders must give the same cases.
    let dir = tempfile::tempdir().unwrap();
    let forward = dir.path().join("forward.mbox");
    let backward = dir.path().join("backward.mbox");
    let raw: Vec<Vec<u8>> = kindly_core::mail::mbox::MboxReader::new(kindly_core::demo::INBOX_MBOX.as_bytes())
        .map(|m| m.unwrap())
        .collect();
    assert!(raw.len() > 50);
    let write = |path: &Path, items: &mut dyn Iterator<Item = &Vec<u8>>| {
        let msgs: Vec<_> = items.map(|b| kindly_tests::synth::Message { bytes: b.clone() }).collect();
        kindly_tests::synth::write_mbox(path, &msgs).unwrap();
    };
    write(&forward, &mut raw.iter());
    write(&backward, &mut raw.iter().rev());
    let ids = |name: &str, mbox: &Path| {
        let sub = dir.path().join(name);
        std::fs::create_dir_all(&sub).unwrap();
        let mut store = store_with_support_address(&sub);
        import_file(&mut store, mbox);
        let v = dump(&mut store);
        v.as_array()
            .unwrap()
            .iter()
            .map(|c| (c["case_id"].clone(), c["messages"].as_array().unwrap().len()))
            .collect::<Vec<_>>()
    };
    assert_eq!(ids("f", &forward), ids("b", &backward));
}

#[test]
fn a_missing_file_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = kindly(&dir.path().join("k.db"), &["import", "--mbox", "/nonexistent/inbox.mbox"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("/nonexistent/inbox.mbox"), "{err}");
}

#[test]
fn a_new_address_naming_the_customers_known_one_becomes_their_alias() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("k.db");
    let csv = dir.path().join("orders.csv");
    std::fs::write(
        &csv,
        "order_id,email,name,product,amount,currency,purchased_at,refunded_at\n\
         QM-1,ann.lee@home.example,Ann Lee,Story Structure Masterclass,149.00,USD,2026-08-20T14:03:00Z,\n",
    )
    .unwrap();
    kindly_ok(&db, &["import-orders", "--csv", csv.to_str().unwrap()]);
    let mbox = dir.path().join("in.mbox");
    let msg = |from: &str, id: &str| {
        format!(
            "From: {from}\nTo: support@quillmark.example\nSubject: Workshop for my team\nDate: Mon, 16 Nov 2026 09:00:00 +0000\n\
             Message-ID: <{id}@work.example>\n\nHi! I bought under my personal address (ann.lee@home.example).\n"
        )
    };
    let msgs = [
        kindly_tests::synth::Message { bytes: msg("Ann Lee <ann@work.example>", "a").into_bytes() },
        // Someone else naming Ann's address is not Ann.
        kindly_tests::synth::Message { bytes: msg("Mallory <mallory@evil.example>", "b").into_bytes() },
    ];
    kindly_tests::synth::write_mbox(&mbox, &msgs).unwrap();
    kindly_ok(&db, &["import", "--mbox", mbox.to_str().unwrap()]);

    let all = kindly_tests::kindly_json(&db, &["queue", "all", "--json"]);
    let case_of = |email: &str| {
        let row = all.as_array().unwrap().iter().find(|r| r["customer_email"] == email).unwrap();
        kindly_tests::kindly_json(&db, &["case", row["case_id"].as_str().unwrap(), "--json"])
    };
    let ann = case_of("ann@work.example");
    assert_eq!(ann["customer"]["email"], "ann.lee@home.example");
    assert_eq!(ann["customer"]["aliases"], json!(["ann@work.example"]));
    assert_eq!(ann["customer"]["orders"].as_array().unwrap().len(), 1);
    let mallory = case_of("mallory@evil.example");
    assert_eq!(mallory["customer"]["email"], "mallory@evil.example");
    assert!(mallory["customer"]["orders"].as_array().unwrap().is_empty());
}
