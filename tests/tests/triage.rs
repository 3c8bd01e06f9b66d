//! Triage behaviour on the demo inbox: manual lanes stick, corrections win, settings re-triage,
//! review mode, and automated mail or pitches sink with a tag.

use kindly_core::Store;
use kindly_core::api::{self, CaseDetail, QueueCounts, QueueItem, QueueResult};
use kindly_tests::{demo_db as demo, kindly_json, kindly_ok};
use serde_json::{Value, json};

fn call<T: serde::de::DeserializeOwned>(store: &mut Store, name: &str, args: Value) -> T {
    serde_json::from_value(api::dispatch(store, name, args).unwrap_or_else(|e| panic!("{name}: {e:?}"))).unwrap()
}

fn queue(store: &mut Store, q: &str) -> Vec<QueueItem> {
    call::<QueueResult>(store, "queue", json!({ "queue": q })).items
}

#[test]
fn a_lane_set_by_hand_sticks_through_new_mail_until_handed_back() {
    let (dir, db) = demo();
    let assistant = kindly_json(&db, &["queue", "assistant", "--json"]);
    let routine = assistant.as_array().unwrap().iter().find(|r| r["tags"].as_array().unwrap().is_empty()).unwrap();
    let id = routine["case_id"].as_str().unwrap();
    let moved = kindly_json(&db, &["case", id, "--lane", "owner-excellent", "--json"]);
    assert_eq!((moved["lane"].as_str(), moved["lane_manual"].as_bool()), (Some("owner-excellent"), Some(true)));
    assert_eq!(moved["suggested_lane"], "assistant");

    // The customer writes again in the same thread: triage runs, the owner's choice stays.
    let reply = dir.path().join("reply.mbox");
    let body = format!(
        "From: {} <{}>\nTo: support@quillmark.example\nSubject: Re: {}\nDate: Mon, 23 Nov 2026 09:00:00 +0000\n\
         Message-ID: <follow-up@example.com>\nIn-Reply-To: {}\nReferences: {}\n\nAny news?\n",
        routine["customer_name"].as_str().unwrap(),
        routine["customer_email"].as_str().unwrap(),
        routine["subject"].as_str().unwrap(),
        routine["root_message_id"].as_str().unwrap(),
        routine["root_message_id"].as_str().unwrap(),
    );
    kindly_tests::synth::write_mbox(&reply, &[kindly_tests::synth::Message { bytes: body.into_bytes() }]).unwrap();
    kindly_ok(&db, &["import", "--mbox", reply.to_str().unwrap()]);
    let after = kindly_json(&db, &["case", id, "--json"]);
    assert_eq!(after["messages"].as_array().unwrap().len(), routine["message_count"].as_u64().unwrap() as usize + 1);
    assert_eq!(after["lane"], "owner-excellent", "the manual lane survives re-triage");

    let back = kindly_json(&db, &["case", id, "--lane", "auto", "--json"]);
    assert_eq!((back["lane"].as_str(), back["lane_manual"].as_bool()), (Some("assistant"), Some(false)));
}

#[test]
fn the_owners_correction_wins_and_can_be_taken_back() {
    let (_dir, db) = demo();
    let mut store = Store::open(&db).unwrap();
    let angry = queue(&mut store, "owner-angry");
    let target = &angry[0];
    let corrected: CaseDetail =
        call(&mut store, "correct_triage", json!({"case_id": target.case_id, "correction": "not-angry", "on": true}));
    assert_ne!(corrected.summary.lane.as_str(), "owner-angry");
    assert!(corrected.summary.reasons.iter().any(|r| r.contains("not angry")), "{:?}", corrected.summary.reasons);
    assert!(queue(&mut store, "owner-angry").iter().all(|c| c.case_id != target.case_id));
    let undone: CaseDetail =
        call(&mut store, "correct_triage", json!({"case_id": target.case_id, "correction": "not-angry", "on": false}));
    assert_eq!(undone.summary.lane.as_str(), "owner-angry");
}

#[test]
fn changing_the_thresholds_re_triages_every_case() {
    let (_dir, db) = demo();
    let mut store = Store::open(&db).unwrap();
    let before = queue(&mut store, "owner-excellent").len();
    let mut settings: Value = call(&mut store, "triage_settings", json!({}));
    assert_eq!(settings["valuable_lifetime_minor"], 30_000);
    settings["valuable_lifetime_minor"] = json!(10_000_000);
    settings["valuable_orders"] = json!(1_000);
    let _: Value = call(&mut store, "set_triage_settings", settings.clone());
    let after = queue(&mut store, "owner-excellent").len();
    assert!(after < before, "fewer valuable customers: {before} → {after}");
    settings["serial_refund_ratio"] = json!(2.0);
    let err = api::dispatch(&mut store, "set_triage_settings", settings.clone()).unwrap_err();
    assert_eq!(err.code, "bad_args");
    assert!(err.message.contains("between 0 and 1"));
    settings["serial_refund_ratio"] = json!(0.5);
    settings["valuable_orders"] = json!(0);
    let err = api::dispatch(&mut store, "set_triage_settings", settings).unwrap_err();
    assert!(err.message.contains("at least 1 order"), "{}", err.message);
}

#[test]
fn review_confirms_or_moves_each_new_case_once() {
    let (_dir, db) = demo();
    let mut store = Store::open(&db).unwrap();
    let counts: QueueCounts = call(&mut store, "queue_counts", json!({}));
    assert_eq!(counts.review, counts.all, "everything is new at first");
    let review = queue(&mut store, "review");
    assert!(review[0].lane.as_str().starts_with("owner"), "most urgent first");
    let (first, second) = (&review[0], &review[1]);
    let counts: QueueCounts =
        call(&mut store, "review_confirm", json!({"case_id": first.case_id, "lane": first.suggested_lane}));
    assert_eq!(counts.review, review.len() as u32 - 1);
    let counts: QueueCounts =
        call(&mut store, "review_confirm", json!({"case_id": second.case_id, "lane": "assistant"}));
    assert_eq!(counts.review, review.len() as u32 - 2);
    let confirmed: CaseDetail = call(&mut store, "case", json!({"case_id": first.case_id}));
    assert!(confirmed.summary.reviewed && !confirmed.summary.lane_manual);
    let moved: CaseDetail = call(&mut store, "case", json!({"case_id": second.case_id}));
    assert!(moved.summary.reviewed && moved.summary.lane_manual);
    assert_eq!(moved.summary.lane.as_str(), "assistant");
    // Confirming the suggestion later hands a case moved by hand back to triage.
    let _: QueueCounts =
        call(&mut store, "review_confirm", json!({"case_id": second.case_id, "lane": second.suggested_lane}));
    let back: CaseDetail = call(&mut store, "case", json!({"case_id": second.case_id}));
    assert!(!back.summary.lane_manual && back.summary.lane == second.suggested_lane);
}

#[test]
fn automated_mail_and_pitches_are_tagged_and_sink() {
    let (_dir, db) = demo();
    let assistant = kindly_json(&db, &["queue", "assistant", "--json"]);
    let rows = assistant.as_array().unwrap();
    let tagged: Vec<&Value> = rows.iter().filter(|r| !r["tags"].as_array().unwrap().is_empty()).collect();
    let tags: Vec<&str> = tagged.iter().flat_map(|r| r["tags"].as_array().unwrap()).filter_map(Value::as_str).collect();
    assert!(tags.contains(&"auto-reply") && tags.contains(&"spam"), "{tags:?}");
    // Every tagged case sits below every untagged one.
    let first_tagged = rows.iter().position(|r| !r["tags"].as_array().unwrap().is_empty()).unwrap();
    assert!(rows[first_tagged..].iter().all(|r| !r["tags"].as_array().unwrap().is_empty()));
    let owner = kindly_json(&db, &["queue", "owner", "--json"]);
    assert!(owner.as_array().unwrap().iter().all(|r| r["tags"].as_array().unwrap().is_empty()));
}

/// Hostile and odd bodies: triage reads them all without panicking and every case lands in a queue.
pub fn odd_messages() -> Vec<(String, Vec<u8>)> {
    let head = |id: &str, ct: &str| {
        format!(
            "From: Odd Sender <odd-{id}@example.com>\nTo: support@quillmark.example\nSubject: odd {id}\n\
             Date: Mon, 16 Nov 2026 09:00:00 +0000\nMessage-ID: <odd-{id}@example.com>\nMIME-Version: 1.0\nContent-Type: {ct}\n\n"
        )
        .into_bytes()
    };
    let greetings = [
        "Hello",
        "Hola",
        "Bonjour",
        "Hallo",
        "Ciao",
        "Olá",
        "Hej",
        "Hei",
        "Tere",
        "Sveiki",
        "Labas",
        "Ahoj",
        "Cześć",
        "Привет",
        "Здраво",
        "Γειά σου",
        "שלום",
        "مرحبا",
        "سلام",
        "नमस्ते",
        "হ্যালো",
        "வணக்கம்",
        "สวัสดี",
        "Xin chào",
        "你好",
        "こんにちは",
        "안녕하세요",
        "Merhaba",
        "Sawubona",
        "Habari",
        "Kamusta",
    ];
    let mut multilingual =
        greetings.iter().map(|g| format!("{g}! This is unacceptable, I want a refund.")).collect::<Vec<_>>().join("\n");
    multilingual.push_str("\n\u{202E}reversed\u{202C} \u{0000}\u{FEFF}zero-width\u{200B}joiners");
    let big_sentence = "I have been waiting for weeks and nobody answers my emails about the course. ";
    let mut cases = vec![
        ("empty".to_string(), head("empty", "text/plain")),
        (
            "html-only".to_string(),
            [
                head("html", "text/html; charset=utf-8"),
                b"<html><body><p>This is <b>UNACCEPTABLE</b>!!!</p><script>x()</script></body></html>\n".to_vec(),
            ]
            .concat(),
        ),
        (
            "one-megabyte".to_string(),
            [
                head("big", "text/plain; charset=utf-8"),
                big_sentence.repeat(1_000_000 / big_sentence.len()).into_bytes(),
            ]
            .concat(),
        ),
        (
            "binary".to_string(),
            [head("bin", "application/octet-stream"), (0..=255u8).cycle().take(50_000).collect()].concat(),
        ),
        ("multilingual".to_string(), [head("multi", "text/plain; charset=utf-8"), multilingual.into_bytes()].concat()),
    ];
    cases.push(("no-headers".to_string(), (0..=255u8).rev().cycle().take(4_000).collect()));
    cases
}

#[test]
fn odd_bodies_triage_without_panic_and_land_in_a_queue() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("k.db");
    let mbox = dir.path().join("odd.mbox");
    let msgs: Vec<_> = odd_messages().into_iter().map(|(_, bytes)| kindly_tests::synth::Message { bytes }).collect();
    kindly_tests::synth::write_mbox(&mbox, &msgs).unwrap();
    let out = kindly_ok(&db, &["import", "--mbox", mbox.to_str().unwrap()]);
    assert!(out.contains("Read 6 messages"), "{out}");
    let all = kindly_json(&db, &["queue", "all", "--json"]);
    assert_eq!(all.as_array().unwrap().len(), 6);
    let mut store = Store::open(&db).unwrap();
    let counts: QueueCounts = call(&mut store, "queue_counts", json!({}));
    assert_eq!(counts.owner + counts.assistant + counts.waiting + counts.done, 6, "{counts:?}");
    let big = all.as_array().unwrap().iter().find(|r| r["subject"] == "odd big").unwrap();
    assert!(!big["reasons"].as_array().unwrap().is_empty());
}
