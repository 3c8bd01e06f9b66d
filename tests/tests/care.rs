//! Caring for customers through the CLI (the contract other tools use) on the demo inbox:
//! everyone gets an answer, thank-you notes too; follow-ups and callbacks; gifts; the owner's
//! call on a serial refunder; must-edit templates; the composer's kindness checks.

use std::path::{Path, PathBuf};

use kindly_core::Store;
use kindly_tests::{kindly, kindly_json, kindly_ok};
use serde_json::{Value, json};

/// The demo inbox, worked by the owner, Olivia.
fn demo_db() -> (tempfile::TempDir, PathBuf) {
    let (dir, db) = kindly_tests::demo_db();
    kindly_ok(&db, &["role", "owner", "--name", "Olivia"]);
    (dir, db)
}

/// A mailbox nobody listens on: replies queue (and would be sent by `kindly sync`).
fn add_mailbox(db: &Path) {
    let out = std::process::Command::new(kindly_tests::kindly_bin())
        .arg("--db")
        .arg(db)
        .args(["account", "add", "--email", "support@quillmark.example", "--imap", "127.0.0.1:9"])
        .args(["--smtp", "127.0.0.1:9", "--user", "support", "--security", "none", "--password-env", "NOPE"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

fn case_of(db: &Path, queue: &str, subject: &str) -> Value {
    kindly_json(db, &["queue", queue, "--json"])
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["subject"].as_str().unwrap().contains(subject))
        .unwrap_or_else(|| panic!("no “{subject}” in {queue}"))
        .clone()
}

fn in_queue(db: &Path, queue: &str, id: &str) -> bool {
    kindly_json(db, &["queue", queue, "--json"]).as_array().unwrap().iter().any(|r| r["case_id"] == id)
}

fn call(db: &Path, name: &str, args: Value) -> Result<Value, kindly_core::api::ApiError> {
    let mut store = Store::open(db).unwrap();
    kindly_core::api::dispatch(&mut store, name, args)
}

/// The reply queued on the case, as text (quoted-printable soft breaks joined).
fn queued_text(db: &Path, case_id: &str) -> String {
    let raw: Vec<u8> = Store::open(db)
        .unwrap()
        .conn()
        .query_row("SELECT raw FROM outbox WHERE case_id = ?1", [case_id], |r| r.get(0))
        .unwrap();
    String::from_utf8_lossy(&raw).replace("=\r\n", "").replace("=\n", "")
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_thank_you_note_is_answered_with_one_click_and_only_then_leaves_the_tracker() {
    let (_dir, db) = demo_db();
    let unanswered = kindly_json(&db, &["queue", "unanswered", "--json"]);
    let note = case_of(&db, "unanswered", "Thank you for version history");
    let id = note["case_id"].as_str().unwrap();
    assert_eq!(note["answering"]["unanswered"], 1);
    let counts = call(&db, "queue_counts", json!({})).unwrap();
    assert_eq!(counts["unanswered"].as_u64().unwrap() as usize, unanswered.as_array().unwrap().len());
    // Deadlines come first, and an owner-lane case has the shorter target.
    let deadlines: Vec<i64> =
        unanswered.as_array().unwrap().iter().map(|r| r["answering"]["answer_by_ms"].as_i64().unwrap()).collect();
    assert!(deadlines.windows(2).all(|w| w[0] <= w[1]), "{deadlines:?}");
    let target = |r: &Value| {
        r["answering"]["answer_by_ms"].as_i64().unwrap() - r["answering"]["waiting_since_ms"].as_i64().unwrap()
    };
    let owner = unanswered.as_array().unwrap().iter().find(|r| r["lane"] != "assistant").unwrap();
    let assistant = unanswered.as_array().unwrap().iter().find(|r| r["lane"] == "assistant").unwrap();
    assert_eq!((target(owner), target(assistant)), (4 * 3_600_000, 24 * 3_600_000));

    let case = kindly_json(&db, &["case", id, "--json"]);
    assert_eq!(case["thank_you_note"], true);
    // Closing it unanswered is refused, even to the owner unless they say no reply is needed.
    let refused = kindly(&db, &["case", id, "--status", "closed"]);
    assert!(!refused.status.success() && stderr(&refused).contains("Kenji has a message with no answer yet"));

    add_mailbox(&db);
    let out = kindly_ok(&db, &["reply", id, "--thank-you"]);
    assert!(out.contains("queued"), "{out}");
    let case = kindly_json(&db, &["case", id, "--json"]);
    assert_eq!(case["outbox"].as_array().unwrap().len(), 1);
    assert_eq!(case["answering"]["unanswered"], 0, "a queued reply is an answer");
    assert!(!in_queue(&db, "unanswered", id));
    let raw = queued_text(&db, id);
    assert!(raw.contains("Hi Kenji,") && raw.contains("Thank you so much for your kind words"), "{raw}");
    assert!(raw.contains("Olivia"), "signed by the person on this machine");
    kindly_ok(&db, &["case", id, "--status", "closed"]);
}

#[test]
fn the_owner_may_say_no_reply_is_needed_and_the_next_message_needs_one_again() {
    let (_dir, db) = demo_db();
    let id = case_of(&db, "unanswered", "Inbox zero").get("case_id").unwrap().as_str().unwrap().to_string();
    kindly_ok(&db, &["role", "assistant", "--name", "Dana"]);
    let refused = kindly(&db, &["case", &id, "--no-reply-needed"]);
    assert!(!refused.status.success() && stderr(&refused).contains("only the owner"), "{}", stderr(&refused));
    kindly_ok(&db, &["role", "owner"]);
    let case = kindly_json(&db, &["case", &id, "--no-reply-needed", "--json"]);
    assert_eq!(case["answering"]["unanswered"], 0);
    assert!(!in_queue(&db, "unanswered", &id));
    // The customer writes again (a day later): the case needs an answer again.
    let store = Store::open(&db).unwrap();
    let later = case["last_message_ms"].as_i64().unwrap().max(kindly_core::time::now_ms()) + 86_400_000;
    store
        .conn()
        .execute(
            "UPDATE messages SET date_ms = ?2 WHERE id = (SELECT max(id) FROM messages WHERE case_id = ?1)",
            rusqlite::params![id, later],
        )
        .unwrap();
    assert!(in_queue(&db, "unanswered", &id));
}

#[test]
fn follow_ups_and_callbacks_come_due_and_are_ticked_off() {
    let (_dir, db) = demo_db();
    let linda = case_of(&db, "owner", "formal complaint");
    let id = linda["case_id"].as_str().unwrap();
    let case = kindly_json(&db, &["case", id, "--json"]);
    assert_eq!(case["phone_numbers"], json!(["+1 (503) 555-0142"]), "the number she wrote is offered");
    assert_eq!(kindly_ok(&db, &["queue", "due"]).trim(), "Nothing in this queue.");

    let past = kindly_core::time::to_rfc3339(kindly_core::time::now_ms() - 60_000);
    let case =
        kindly_json(&db, &["case", id, "--follow-up", &past, "--task-note", "Did the new licence key work?", "--json"]);
    let follow_up = case["tasks"][0].clone();
    assert_eq!(
        (follow_up["kind"].as_str(), follow_up["note"].as_str()),
        (Some("follow-up"), Some("Did the new licence key work?"))
    );
    assert_eq!(follow_up["author_name"], "Olivia");
    let due = kindly_json(&db, &["queue", "due", "--json"]);
    assert_eq!(due.as_array().unwrap().len(), 1);
    assert_eq!(due[0]["due_task"]["note"], "Did the new licence key work?");

    let refused = kindly(&db, &["case", id, "--callback", "soon", "--at", "2h"]);
    assert!(!refused.status.success() && stderr(&refused).contains("phone number"), "{}", stderr(&refused));
    let case = kindly_json(
        &db,
        &["case", id, "--callback", "+1 (503) 555-0142", "--at", "3h", "--tz", "America/Los_Angeles", "--json"],
    );
    let callback = case["tasks"].as_array().unwrap().iter().find(|t| t["kind"] == "callback").unwrap().clone();
    assert_eq!(
        (callback["phone"].as_str(), callback["time_zone"].as_str()),
        (Some("+1 (503) 555-0142"), Some("America/Los_Angeles"))
    );
    assert_eq!(
        kindly_json(&db, &["queue", "due", "--json"]).as_array().unwrap().len(),
        1,
        "the callback is not due yet"
    );

    let uid = follow_up["uid"].as_str().unwrap();
    let case = kindly_json(&db, &["case", id, "--task-done", uid, "--json"]);
    assert!(case["tasks"].as_array().unwrap().iter().any(|t| t["uid"] == uid && t["done_ms"].is_i64()));
    assert!(kindly_json(&db, &["queue", "due", "--json"]).as_array().unwrap().is_empty());
}

#[test]
fn gifts_stay_in_the_customers_history() {
    let (_dir, db) = demo_db();
    let id = case_of(&db, "owner", "formal complaint")["case_id"].as_str().unwrap().to_string();
    let refused = kindly(&db, &["case", &id, "--gift", "credit", "--gift-note", "Store credit"]);
    assert!(!refused.status.success() && stderr(&refused).contains("amount"), "{}", stderr(&refused));
    kindly_ok(&db, &["case", &id, "--gift", "bonus", "--gift-note", "Bonus: the Story Structure Masterclass"]);
    let case = kindly_json(
        &db,
        &["case", &id, "--gift", "credit", "--gift-note", "Store credit", "--gift-amount", "15.00", "--json"],
    );
    let gifts = case["customer"]["gifts"].as_array().unwrap();
    assert_eq!(gifts.len(), 2);
    assert_eq!((gifts[0]["kind"].as_str(), gifts[0]["amount_minor"].as_i64()), (Some("credit"), Some(1500)));
    assert_eq!(gifts[1]["description"], "Bonus: the Story Structure Masterclass");
    assert!(kindly_ok(&db, &["case", &id]).contains("Gift (bonus): Bonus: the Story Structure Masterclass"));
}

#[test]
fn the_owner_decides_about_a_serial_refunder_and_the_mailer_gets_a_do_not_sell_list() {
    let (dir, db) = demo_db();
    let bree = case_of(&db, "owner", "Refund for Editing Toolkit Bundle");
    let id = bree["case_id"].as_str().unwrap();
    let case = kindly_json(&db, &["case", id, "--json"]);
    assert_eq!(case["customer"]["serial_refunder"], "3 of 4 orders refunded");
    assert!(case["customer"]["refunder_decision"].is_null());
    // The evidence follows her orders: refunding the fourth makes it 4 of 4.
    let open = case["customer"]["orders"].as_array().unwrap().iter().find(|o| o["refunded_ms"].is_null()).unwrap();
    kindly_ok(&db, &["refund", open["order_id"].as_str().unwrap(), "--case", id]);
    let case = kindly_json(&db, &["case", id, "--json"]);
    assert_eq!(case["customer"]["serial_refunder"], "4 of 4 orders refunded");
    assert_eq!(case["customer"]["do_not_promote"], true);
    // Below the owner's thresholds the box goes away.
    let mut settings = call(&db, "triage_settings", json!({})).unwrap();
    settings["serial_refunds"] = json!(5);
    call(&db, "set_triage_settings", settings).unwrap();
    assert!(kindly_json(&db, &["case", id, "--json"])["customer"]["serial_refunder"].is_null());

    kindly_ok(&db, &["role", "assistant", "--name", "Dana"]);
    assert!(!kindly(&db, &["case", id, "--refunder", "refund-do-not-sell"]).status.success(), "the owner's call");
    kindly_ok(&db, &["role", "owner"]);
    let case = kindly_json(&db, &["case", id, "--refunder", "refund-do-not-sell", "--json"]);
    assert_eq!(case["customer"]["refunder_decision"], "refund-do-not-sell");
    let csv = dir.path().join("do-not-sell.csv");
    kindly_ok(&db, &["export", "do-not-sell", "--csv", csv.to_str().unwrap()]);
    let text = std::fs::read_to_string(&csv).unwrap();
    assert_eq!(text.lines().next(), Some("email,decided_at"));
    assert!(text.contains("bree.santos@example.org,"), "{text}");
    let case = kindly_json(&db, &["case", id, "--refunder", "auto", "--json"]);
    assert!(case["customer"]["refunder_decision"].is_null());
    kindly_ok(&db, &["export", "do-not-sell", "--csv", csv.to_str().unwrap()]);
    assert_eq!(std::fs::read_to_string(&csv).unwrap().lines().count(), 1);
}

#[test]
fn an_apology_template_sent_unchanged_is_stopped_gently() {
    let (dir, db) = demo_db();
    add_mailbox(&db);
    let id = case_of(&db, "owner", "formal complaint")["case_id"].as_str().unwrap().to_string();
    let rendered = call(&db, "render_template", json!({ "case_id": id, "template_id": "apology" })).unwrap();
    assert_eq!(rendered["must_edit"], true);
    let body = rendered["body"].as_str().unwrap().to_string();
    assert!(body.ends_with("Olivia"), "{body}");
    let file = dir.path().join("reply.txt");
    let reply = |text: &str| {
        std::fs::write(&file, text).unwrap();
        kindly(&db, &["reply", &id, "--body-file", file.to_str().unwrap(), "--template", "apology"])
    };
    let out = reply(&body);
    assert!(!out.status.success() && stderr(&out).contains("word for word"), "{}", stderr(&out));
    let half = body.replace("[say what went wrong, in your own words]", "our update broke your licence key");
    let out = reply(&half);
    assert!(!out.status.success() && stderr(&out).contains("[your gift]"), "{}", stderr(&out));
    let done = half
        .replace("[your gift]", "the Story Structure Masterclass is yours")
        .replace("[what we are doing, and by when]", "a fixed key reaches you today");
    assert!(reply(&done).status.success());
    // A canned reply that is not a frame goes as it is.
    let thanks = call(&db, "render_template", json!({ "case_id": id, "template_id": "thank-you" })).unwrap();
    std::fs::write(&file, thanks["body"].as_str().unwrap()).unwrap();
    kindly_ok(&db, &["reply", &id, "--body-file", file.to_str().unwrap(), "--template", "thank-you"]);
    let unknown = kindly(&db, &["reply", &id, "--body-file", file.to_str().unwrap(), "--template", "nope"]);
    assert!(stderr(&unknown).contains("no canned reply `nope`"));
}

#[test]
fn the_composer_warns_about_the_wrong_name_cold_words_open_questions_and_ticks_a_good_answer() {
    let (_dir, db) = demo_db();
    let id = case_of(&db, "owner-angry", "formal complaint")["case_id"].as_str().unwrap().to_string();
    let cold = call(
        &db,
        "check_draft",
        json!({ "case_id": id, "body": "Hi Lynda,\n\nAs stated in the FAQ, per our policy keys are final." }),
    )
    .unwrap();
    let kinds: Vec<&str> = cold["warnings"].as_array().unwrap().iter().map(|w| w["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds.iter().filter(|k| **k == "name").count(), 1, "{cold}");
    assert_eq!(kinds.iter().filter(|k| **k == "wording").count(), 2, "as stated + per our policy: {cold}");
    assert!(cold["warnings"][0]["message"].as_str().unwrap().contains("Linda Carver"));
    let parts = |v: &Value| -> Vec<(String, bool)> {
        v["good_answer"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (p["id"].as_str().unwrap().into(), p["covered"] == true))
            .collect()
    };
    assert_eq!(parts(&cold).len(), 5);
    assert!(parts(&cold).iter().all(|(_, covered)| !covered));

    let good = "Hi Linda,\n\nI'm so sorry: our update broke your licence key, and I understand how frustrating \
                that is with a deadline on Monday. You matter to us, and I appreciate your patience. A new key \
                is on its way today, and the Story Structure Masterclass is yours as a gift.";
    let warm = call(&db, "check_draft", json!({ "case_id": id, "body": good })).unwrap();
    assert!(
        warm["warnings"].as_array().unwrap().iter().all(|w| w["kind"] != "name" && w["kind"] != "wording"),
        "{warm}"
    );
    assert!(parts(&warm).iter().all(|(_, covered)| *covered), "{warm}");

    // Outside the angry lane there is no checklist; an unanswered question is named.
    let fatima = case_of(&db, "assistant", "Mac and Windows")["case_id"].as_str().unwrap().to_string();
    let check = call(&db, "check_draft", json!({ "case_id": fatima, "body": "Thanks for writing!" })).unwrap();
    assert!(check["good_answer"].as_array().unwrap().is_empty());
    assert!(check["warnings"].as_array().unwrap().iter().any(|w| w["kind"] == "question"), "{check}");
    let check = call(
        &db,
        "check_draft",
        json!({ "case_id": fatima, "body": "Yes: one Draft licence works on both Mac and Windows." }),
    )
    .unwrap();
    assert!(check["warnings"].as_array().unwrap().iter().all(|w| w["kind"] != "question"), "{check}");
}

#[test]
fn a_case_we_work_on_that_went_quiet_raises_a_status_update_nudge() {
    let (_dir, db) = demo_db();
    let nudges = kindly_json(&db, &["queue", "nudges", "--json"]);
    let daniel = nudges.as_array().unwrap().iter().find(|r| r["customer_name"] == "Daniel Kim").unwrap();
    assert!(daniel["answering"]["nudge"].as_str().unwrap().starts_with("Send Daniel a status update: it's been"));
    let counts = call(&db, "queue_counts", json!({})).unwrap();
    assert_eq!(counts["nudges"].as_u64().unwrap() as usize, nudges.as_array().unwrap().len());
    // A longer patience in the care settings quiets it.
    let mut care = call(&db, "care_settings", json!({})).unwrap();
    care["status_update_hours"] = json!(24 * 60);
    call(&db, "set_care_settings", care.clone()).unwrap();
    assert!(!in_queue(&db, "nudges", daniel["case_id"].as_str().unwrap()));
    care["status_update_hours"] = json!(0);
    let refused = call(&db, "set_care_settings", care.clone()).unwrap_err();
    assert_eq!(refused.code, "bad_args");
    // The replies Kindly's own buttons use can be edited but not removed.
    care["status_update_hours"] = json!(48);
    assert!(care["templates"].as_array().unwrap().iter().any(|t| t["id"] == "apology" && t["built_in"] == true));
    care["templates"].as_array_mut().unwrap().retain(|t| t["id"] != "apology");
    let refused = call(&db, "set_care_settings", care).unwrap_err();
    assert!(refused.message.contains("`apology` is used by Kindly's own buttons"), "{}", refused.message);
}

#[test]
fn suggestions_are_tagged_tallied_by_topic_and_everyone_is_thanked_once_it_ships() {
    let (_dir, db) = demo_db();
    let walter = case_of(&db, "all", "Small typo in The Calm Inbox");
    let id = walter["case_id"].as_str().unwrap().to_string();
    let case = kindly_json(&db, &["case", &id, "--json"]);
    assert_eq!(case["suggestion_hint"], "A one-page printable version would be great.");
    assert!(case["suggestion"].is_null());
    let other = case_of(&db, "all", "EPUB vs PDF")["case_id"].as_str().unwrap().to_string();
    kindly_ok(&db, &["case", &id, "--suggestion", "  Dark   mode "]);
    kindly_ok(&db, &["case", &other, "--suggestion", "dark mode"]);
    let groups = kindly_json(&db, &["feedback", "suggestions", "--json"]);
    assert_eq!(groups.as_array().unwrap().len(), 1, "one topic, whatever the spelling: {groups}");
    assert_eq!(groups[0]["topic"], "Dark mode");
    assert_eq!(groups[0]["cases"].as_array().unwrap().len(), 2);

    add_mailbox(&db);
    let shipped =
        kindly_json(&db, &["feedback", "suggestions", "--done", "dark mode", "--thank", "Dark mode", "--json"]);
    assert!(shipped[0]["done_ms"].is_i64());
    assert!(shipped[0]["cases"].as_array().unwrap().iter().all(|c| c["thanked_ms"].is_i64()));
    let case = kindly_json(&db, &["case", &id, "--json"]);
    assert_eq!(case["outbox"].as_array().unwrap().len(), 1);
    let raw = queued_text(&db, &id);
    assert!(raw.contains("Hi Walter,") && raw.contains("you suggested Dark mode"), "{raw}");
    let again = kindly_ok(&db, &["feedback", "suggestions", "--thank", "Dark mode"]);
    assert!(again.starts_with("0 thank-you replies queued"), "nobody is thanked twice: {again}");
    kindly_ok(&db, &["case", &id, "--suggestion", "off"]);
    assert_eq!(kindly_json(&db, &["feedback", "suggestions", "--json"])[0]["cases"].as_array().unwrap().len(), 1);
}

#[test]
fn complaints_are_tallied_by_product_and_topic_and_the_customers_thanked_once_it_is_fixed() {
    let (_dir, db) = demo_db();
    let groups = kindly_json(&db, &["feedback", "complaints", "--json"]);
    let find = |groups: &Value, product: &str, topic: &str| {
        groups.as_array().unwrap().iter().find(|g| g["product"] == product && g["topic"] == topic).cloned()
    };
    let derek = find(&groups, "Story Structure Masterclass", "Billing and charges").expect("Derek's double charge");
    assert_eq!(derek["cases"][0]["customer_name"], "Derek Malone");
    let linda = find(&groups, "Quillmark Draft", "Licence and activation").expect("Linda's licence");
    let linda_id = linda["cases"][0]["case_id"].as_str().unwrap().to_string();
    assert_eq!(kindly_json(&db, &["case", &linda_id, "--json"])["complaint_topic"], "Licence and activation");
    // A person can name the topic better; `auto` reads it from the mail again.
    let case = kindly_json(&db, &["case", &linda_id, "--complaint", "Update broke licence keys", "--json"]);
    assert_eq!(case["complaint_topic"], "Update broke licence keys");
    let groups = kindly_json(&db, &["feedback", "complaints", "--json"]);
    assert!(find(&groups, "Quillmark Draft", "Update broke licence keys").is_some());

    add_mailbox(&db);
    let out = kindly_ok(
        &db,
        &[
            "feedback",
            "complaints",
            "--product",
            "Quillmark Draft",
            "--done",
            "update broke licence keys",
            "--thank",
            "Update broke licence keys",
        ],
    );
    assert!(out.starts_with("1 thank-you replies queued"), "{out}");
    let raw = queued_text(&db, &linda_id);
    assert!(raw.contains("a problem with Quillmark Draft (Update broke licence keys)"), "{raw}");
    let groups = kindly_json(&db, &["feedback", "complaints", "--json"]);
    assert!(find(&groups, "Quillmark Draft", "Update broke licence keys").unwrap()["done_ms"].is_i64());
    let nobody = kindly(&db, &["feedback", "complaints", "--thank", "Nothing like this"]);
    assert!(!nobody.status.success() && stderr(&nobody).contains("nobody has written about"));
    kindly_ok(&db, &["case", &linda_id, "--complaint", "auto"]);
}
