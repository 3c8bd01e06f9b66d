//! The CLI contract (DESIGN §7) on the demo inbox: queues, cases, search, errors.

use std::collections::HashMap;

use kindly_tests::{demo_db, kindly, kindly_json, kindly_ok};
use serde_json::{Value, json};

fn expected_lanes() -> Vec<Value> {
    serde_json::from_str(kindly_core::demo::EXPECTED_LANES_JSON).unwrap()
}

#[test]
fn demo_loads_once_and_every_thread_becomes_one_case() {
    let (_dir, db) = demo_db();
    let all = kindly_json(&db, &["queue", "all", "--json"]);
    assert_eq!(all.as_array().unwrap().len(), expected_lanes().len(), "one case per demo thread");
    let again = kindly_ok(&db, &["demo"]);
    assert!(again.contains("already"), "{again}");
    assert_eq!(kindly_json(&db, &["queue", "all", "--json"]).as_array().unwrap().len(), expected_lanes().len());
}

#[test]
fn queue_json_carries_the_contract_fields() {
    let (_dir, db) = demo_db();
    let owner = kindly_json(&db, &["queue", "owner", "--json"]);
    let rows = owner.as_array().unwrap();
    assert!(!rows.is_empty());
    for row in rows {
        for field in
            ["case_id", "customer_email", "customer_name", "subject", "lane", "score", "reasons", "root_message_id"]
        {
            assert!(row.get(field).is_some(), "{field} missing in {row}");
        }
        assert!(row["lane"] == "owner-excellent" || row["lane"] == "owner-angry");
        assert!(row["root_message_id"].as_str().unwrap().starts_with('<'));
        assert!(!row["reasons"].as_array().unwrap().is_empty(), "every owner case says why: {row}");
    }
    // Value, frequency and recency in one reason: "6 orders, $643 lifetime, last on 12 Nov 2026".
    let value_reason = rows
        .iter()
        .flat_map(|r| r["reasons"].as_array().unwrap())
        .filter_map(Value::as_str)
        .find(|r| r.contains(" lifetime"))
        .expect("an owner case shows the customer's value");
    let year = value_reason.rsplit(' ').next().unwrap_or_default();
    assert!(value_reason.contains(", last on ") && year.len() == 4 && year.parse::<u32>().is_ok(), "{value_reason}");
    let scores: Vec<f64> = rows.iter().map(|r| r["score"].as_f64().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "most urgent first: {scores:?}");
    let lanes: Vec<&str> = rows.iter().map(|r| r["lane"].as_str().unwrap()).collect();
    let first_excellent = lanes.iter().position(|l| *l == "owner-excellent").unwrap_or(lanes.len());
    assert!(lanes[first_excellent..].iter().all(|l| *l == "owner-excellent"), "angry before excellent: {lanes:?}");
    for row in kindly_json(&db, &["queue", "assistant", "--json"]).as_array().unwrap() {
        assert_eq!(row["lane"], "assistant");
    }
}

/// The demo is written with an intended lane per thread; the placeholder rules must honour it for
/// the open threads (a thread we already answered sits in Waiting, whatever its lane).
#[test]
fn demo_threads_land_in_their_intended_lanes() {
    let (_dir, db) = demo_db();
    let all = kindly_json(&db, &["queue", "all", "--json"]);
    let by_root: HashMap<&str, &Value> =
        all.as_array().unwrap().iter().map(|r| (r["root_message_id"].as_str().unwrap(), r)).collect();
    let mut wrong = Vec::new();
    for e in expected_lanes() {
        let root = e["root_message_id"].as_str().unwrap();
        let row = by_root.get(root).unwrap_or_else(|| panic!("no case for demo thread {root}"));
        if row["lane"] != e["lane"] {
            wrong.push(format!(
                "{root} ({}): expected {}, got {} because {}",
                e["summary"], e["lane"], row["lane"], row["reasons"]
            ));
        }
    }
    assert!(wrong.is_empty(), "{} demo threads in the wrong lane:\n{}", wrong.len(), wrong.join("\n"));
}

#[test]
fn case_json_shows_thread_customer_and_reasons() {
    let (_dir, db) = demo_db();
    let owner = kindly_json(&db, &["queue", "owner", "--json"]);
    let first = &owner[0];
    let case = kindly_json(&db, &["case", first["case_id"].as_str().unwrap(), "--json"]);
    assert_eq!(case["case_id"], first["case_id"]);
    assert_eq!(case["lane"], first["lane"]);
    assert_eq!(case["status"], "open");
    assert!(!case["messages"].as_array().unwrap().is_empty());
    assert!(case["notes"].is_array());
    assert!(case["customer"]["orders"].is_array());
    let text = kindly_ok(&db, &["case", first["case_id"].as_str().unwrap()]);
    assert!(text.contains(first["subject"].as_str().unwrap()));
}

#[test]
fn search_finds_words_and_people() {
    let (_dir, db) = demo_db();
    let hits = kindly_json(&db, &["search", "Trustpilot", "--json"]);
    assert!(!hits.as_array().unwrap().is_empty());
    let snippet = hits[0]["snippet"].as_str().unwrap();
    assert!(snippet.contains('\u{2}') && snippet.contains('\u{3}'), "hits are marked: {snippet:?}");
    let by_sender = kindly_json(&db, &["search", "Priya", "--json"]);
    assert!(by_sender.as_array().unwrap().iter().any(|h| h["from_email"] == "priya.natarajan@example.com"));
    assert!(
        kindly_json(&db, &["search", "\"unbalanced OR (", "--json"]).is_array(),
        "syntax in the query is just text"
    );
}

#[test]
fn errors_go_to_stderr_with_a_non_zero_exit() {
    let (_dir, db) = demo_db();
    let out = kindly(&db, &["case", "doesnotexist", "--json"]);
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no case with id doesnotexist"));
    let out = kindly(&db, &["queue", "vip"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("owner, owner-excellent, owner-angry, assistant"));
    let out = std::process::Command::new(kindly_tests::kindly_bin())
        .args(["queue", "owner"])
        .env_remove("KINDLY_DB")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--db"));
}

#[test]
fn a_demo_customer_writing_from_work_has_her_history_in_view() {
    let (_dir, db) = demo_db();
    let all = kindly_json(&db, &["queue", "all", "--json"]);
    let row = all.as_array().unwrap().iter().find(|r| r["customer_email"] == "r.adeyemi@brightlane.example").unwrap();
    let case = kindly_json(&db, &["case", row["case_id"].as_str().unwrap(), "--json"]);
    assert_eq!(case["customer"]["email"], "rachel.adeyemi@example.com");
    assert!(case["customer"]["orders"].as_array().unwrap().len() >= 4, "{}", case["customer"]);
}

#[test]
fn tone_reads_jsonl_and_answers_every_readable_line() {
    use std::io::Write;
    let mut child = std::process::Command::new(kindly_tests::kindly_bin())
        .arg("tone")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let input = concat!(
        r#"{"id": 1, "text": "Refund me today or I file a chargeback and post about you on Trustpilot. Unacceptable."}"#,
        "\n",
        r#"{"id": "b", "text": "Thank you so much, your course changed how I work!"}"#,
        "\n",
        "this line is not json\n",
        r#"{"id": 3, "text": "Could you resend my invoice?"}"#,
        "\n",
        r#"{"id": 4, "text": ""}"#,
        "\n",
    );
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(!out.status.success(), "a bad line makes the exit non-zero");
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 3"));
    let rows: Vec<Value> =
        String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(
        rows.iter().map(|r| r["id"].clone()).collect::<Vec<_>>(),
        vec![json!(1), json!("b"), json!(3), json!(4)]
    );
    let labels = |i: usize| {
        rows[i]["labels"].as_array().unwrap().iter().map(|l| l.as_str().unwrap().to_string()).collect::<Vec<_>>()
    };
    for l in ["anger", "chargeback", "threat-public"] {
        assert!(labels(0).contains(&l.to_string()), "{:?}", labels(0));
    }
    assert_eq!(labels(1), vec!["praise"]);
    assert!(labels(2).is_empty() && labels(3).is_empty());
    for r in &rows {
        for k in ["anger", "praise"] {
            assert!((0.0..=1.0).contains(&r[k].as_f64().unwrap()), "{r}");
        }
    }
}

#[test]
fn a_closed_pipe_ends_the_cli_quietly() {
    let (_dir, db) = demo_db();
    let mut child = std::process::Command::new(kindly_tests::kindly_bin())
        .arg("--db")
        .arg(&db)
        .args(["queue", "all"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // the reader goes away, as with `| head -0`
    let out = child.wait_with_output().unwrap();
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn role_status_assign_and_notes_through_the_cli() {
    let (_dir, db) = demo_db();
    assert!(kindly_ok(&db, &["role"]).contains("No role chosen yet"));
    assert!(kindly_ok(&db, &["role", "assistant", "--name", "Dana"]).contains("an assistant's (Dana)"));
    // A case the customer is still waiting on an answer for.
    let assistant_case = kindly_json(&db, &["queue", "assistant", "--json"])
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["answering"]["unanswered"].as_u64() > Some(0))
        .map(|r| r["case_id"].as_str().unwrap().to_string())
        .unwrap();

    // The assistant escalates a case to the owner with a note, in one command.
    let case = kindly_json(
        &db,
        &["case", &assistant_case, "--assign", "owner", "--note", "Wants a team licence: yours?", "--json"],
    );
    assert_eq!(case["assignee"], "owner");
    assert_eq!(case["assignee_manual"], true);
    let note = &case["notes"][0];
    assert_eq!(note["text"], "Wants a team licence: yours?");
    assert_eq!(note["author_role"], "assistant");
    assert_eq!(note["author_name"], "Dana");
    assert!(note["created_ms"].as_i64().unwrap() > 0 && note["created_at"].as_str().unwrap().ends_with('Z'));
    let owner_queue = kindly_json(&db, &["queue", "owner", "--json"]);
    assert!(owner_queue.as_array().unwrap().iter().any(|r| r["case_id"] == assistant_case.as_str()));

    // Nothing closes silently: the customer has had no answer, so the assistant cannot close it,
    // and the owner can only with "no reply needed".
    let refused = kindly(&db, &["case", &assistant_case, "--status", "closed"]);
    assert!(!refused.status.success());
    let why = String::from_utf8_lossy(&refused.stderr);
    assert!(why.contains("no answer yet") && why.contains("No reply needed"), "{why}");
    assert!(!kindly(&db, &["case", &assistant_case, "--no-reply-needed"]).status.success(), "owner only");
    kindly_ok(&db, &["role", "owner"]);
    let closed = kindly_json(&db, &["case", &assistant_case, "--status", "closed", "--no-reply-needed", "--json"]);
    assert_eq!(closed["answering"]["unanswered"], 0);
    assert_eq!(closed["status"], "closed");
    assert!(
        !kindly_json(&db, &["queue", "owner", "--json"])
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["case_id"] == assistant_case.as_str())
    );

    // Hand back to the lane; an assistant may not write private notes.
    kindly_ok(&db, &["role", "assistant", "--name", "Dana"]);
    let auto = kindly_json(&db, &["case", &assistant_case, "--assign", "auto", "--json"]);
    assert_eq!((auto["assignee"].as_str(), auto["assignee_manual"].as_bool()), (Some("assistant"), Some(false)));
    let refused = kindly(&db, &["case", &assistant_case, "--note", "secret", "--private"]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("only the owner"));
    assert!(!kindly(&db, &["case", &assistant_case, "--status", "archived"]).status.success(), "clap refuses it");

    // Snooze: out of the open queue into Snoozed, and back.
    let reopened = kindly_json(&db, &["case", &assistant_case, "--status", "open", "--snooze", "2d", "--json"]);
    assert!(reopened["snoozed_until_ms"].as_i64().unwrap() > kindly_core::time::now_ms() + 47 * 3_600_000);
    let in_queue = |q: &str| {
        kindly_json(&db, &["queue", q, "--json"])
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["case_id"] == assistant_case.as_str())
    };
    assert!(in_queue("snoozed") && !in_queue("assistant"));
    let woken = kindly_json(&db, &["case", &assistant_case, "--snooze", "off", "--json"]);
    assert!(woken["snoozed_until_ms"].is_null());
    assert!(!in_queue("snoozed") && in_queue("assistant"));
    assert!(!kindly(&db, &["case", &assistant_case, "--snooze", "soon"]).status.success());
}

#[test]
fn refunds_follow_the_guarantee_and_grace_period_and_feed_the_do_not_promote_list() {
    let (dir, db) = demo_db();
    // A demo customer with an order not yet refunded.
    let all = kindly_json(&db, &["queue", "all", "--json"]);
    let (case_id, order) = all
        .as_array()
        .unwrap()
        .iter()
        .find_map(|row| {
            let id = row["case_id"].as_str().unwrap();
            let case = kindly_json(&db, &["case", id, "--json"]);
            let order = case["customer"]["orders"].as_array()?.iter().find(|o| o["refunded_ms"].is_null())?.clone();
            Some((id.to_string(), order))
        })
        .expect("a demo case whose customer has an unrefunded order");
    let note = order["eligibility_note"].as_str().unwrap();
    assert!(note.starts_with("day ") && note.contains(" of 90:"), "{note}");
    let order_id = order["order_id"].as_str().unwrap();

    let out = kindly_ok(&db, &["refund", order_id, "--case", &case_id]);
    assert!(out.contains("do-not-promote"), "{out}");
    let case = kindly_json(&db, &["case", &case_id, "--json"]);
    let refunded = case["customer"]["orders"].as_array().unwrap().iter().find(|o| o["order_id"] == order_id).unwrap();
    assert!(refunded["refund_decided_ms"].as_i64().is_some() && refunded["refunded_ms"].as_i64().is_some());
    assert_eq!(
        (refunded["eligibility"].as_str(), refunded["refund_overdue"].as_bool()),
        (Some("refunded"), Some(false))
    );
    assert!(refunded["refund_done_ms"].is_null());
    kindly_ok(&db, &["refund", order_id, "--done"]);
    let case = kindly_json(&db, &["case", &case_id, "--json"]);
    let done = case["customer"]["orders"].as_array().unwrap().iter().find(|o| o["order_id"] == order_id).unwrap();
    assert!(done["refund_done_ms"].as_i64().is_some());

    let csv = dir.path().join("suppress.csv");
    let out = kindly_ok(&db, &["export", "do-not-promote", "--csv", csv.to_str().unwrap()]);
    assert!(out.contains("customers on the do-not-promote list"), "{out}");
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.starts_with("email,name,refunded_at\n"), "{text}");
    assert!(text.contains(case["customer_email"].as_str().unwrap()), "{text}");
    assert!(!kindly(&db, &["refund", "no-such-order"]).status.success());
}
