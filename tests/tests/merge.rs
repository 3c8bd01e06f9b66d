//! One case per customer problem: mails about orders bought in one purchase session become one
//! case; a person can merge and split, both reversible and recorded; new mail in a merged thread
//! shows in the case it was merged into.

use std::path::{Path, PathBuf};

use kindly_tests::{kindly, kindly_json, kindly_ok};
use serde_json::Value;

const ORDERS: &str = "order_id,email,name,product,amount,currency,purchased_at,refunded_at
S-1,sam.lee@example.com,Sam Lee,Focus Journal,12.00,USD,2026-11-20T10:00:00Z,
S-2,sam.lee@example.com,Sam Lee,Habit Course,49.00,USD,2026-11-20T10:12:00Z,
S-3,sam.lee@example.com,Sam Lee,Deep Work Planner,15.00,USD,2026-10-01T08:00:00Z,
";

fn mail(id: &str, subject: &str, body: &str, date: &str, in_reply_to: Option<&str>) -> String {
    let reply = in_reply_to.map(|r| format!("In-Reply-To: {r}\nReferences: {r}\n")).unwrap_or_default();
    format!(
        "From sam.lee@example.com Fri Nov 20 11:00:00 2026\nFrom: Sam Lee <sam.lee@example.com>\n\
         To: Quillmark Support <support@quillmark.example>\nSubject: {subject}\nDate: {date}\n\
         Message-ID: {id}\n{reply}MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n{body}\n\n"
    )
}

/// The demo inbox plus Sam, who bought two things in one session and wrote about each.
fn store_with_sam() -> (tempfile::TempDir, PathBuf) {
    let (dir, db) = kindly_tests::demo_db();
    kindly_ok(&db, &["role", "owner", "--name", "Olivia"]);
    let csv = dir.path().join("orders.csv");
    std::fs::write(&csv, ORDERS).unwrap();
    kindly_ok(&db, &["import-orders", "--csv", csv.to_str().unwrap()]);
    let mbox = dir.path().join("sam.mbox");
    let first = mail(
        "<sam-1@example.com>",
        "Where is my download?",
        "I bought the Focus Journal this morning but the download link never came.",
        "Fri, 20 Nov 2026 11:00:00 +0000",
        None,
    );
    let second = mail(
        "<sam-2@example.com>",
        "Cannot log in to the course",
        "Also, the Habit Course says my login is wrong.",
        "Fri, 20 Nov 2026 11:20:00 +0000",
        None,
    );
    let unrelated = mail(
        "<sam-3@example.com>",
        "Planner pages",
        "A question about the Deep Work Planner I bought in October.",
        "Fri, 20 Nov 2026 12:00:00 +0000",
        None,
    );
    std::fs::write(&mbox, [first, second, unrelated].concat()).unwrap();
    kindly_ok(&db, &["import", "--mbox", mbox.to_str().unwrap()]);
    (dir, db)
}

fn sams_cases(db: &Path) -> Vec<Value> {
    kindly_json(db, &["queue", "all", "--json"])
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["customer_email"] == "sam.lee@example.com")
        .cloned()
        .collect()
}

fn subject_of(rows: &[Value], subject: &str) -> String {
    rows.iter().find(|r| r["subject"] == subject).unwrap_or_else(|| panic!("no {subject}"))["case_id"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn mails_about_one_purchase_session_become_one_case_and_a_split_keeps_them_apart() {
    let (dir, db) = store_with_sam();
    let rows = sams_cases(&db);
    assert_eq!(rows.len(), 2, "the two session mails are one case, the planner question its own: {rows:#?}");
    let main = subject_of(&rows, "Where is my download?");
    let case = kindly_json(&db, &["case", &main, "--json"]);
    assert_eq!(case["messages"].as_array().unwrap().len(), 2);
    assert_eq!(case["merged"][0]["subject"], "Cannot log in to the course");
    assert_eq!(case["merged"][0]["note"], "Bought in one session: Focus Journal, Habit Course");
    assert_eq!(case["merged"][0]["manual"], false);
    assert_eq!(case["answering"]["unanswered"], 2, "both mails wait for one answer");
    let inner = case["merged"][0]["case_id"].as_str().unwrap().to_string();
    assert_eq!(kindly_json(&db, &["case", &inner, "--json"])["shown_in"], main.as_str());
    // Each message says which case it came from when that is the merged one.
    let from: Vec<(&str, &serde_json::Value)> = case["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["subject"].as_str().unwrap(), &m["from_case"]))
        .collect();
    for (subject, from_case) in &from {
        match *subject {
            "Cannot log in to the course" => {
                assert_eq!(from_case["subject"], "Cannot log in to the course");
                assert_eq!(from_case["case_id"], inner.as_str());
            }
            _ => assert!(from_case.is_null(), "{subject} is the case's own: {from_case}"),
        }
    }

    // A reply in the merged thread shows in the case it was merged into.
    let mbox = dir.path().join("more.mbox");
    std::fs::write(
        &mbox,
        mail(
            "<sam-4@example.com>",
            "Re: Cannot log in to the course",
            "Still cannot log in.",
            "Fri, 20 Nov 2026 13:00:00 +0000",
            Some("<sam-2@example.com>"),
        ),
    )
    .unwrap();
    kindly_ok(&db, &["import", "--mbox", mbox.to_str().unwrap()]);
    assert_eq!(kindly_json(&db, &["case", &main, "--json"])["messages"].as_array().unwrap().len(), 3);
    assert_eq!(sams_cases(&db).len(), 2);

    // Split: the course case stands on its own again, with its two messages, and stays apart
    // when the orders are imported again.
    let split = kindly_json(&db, &["case", &inner, "--split", "--json"]);
    assert_eq!(split["messages"].as_array().unwrap().len(), 2);
    assert!(split["shown_in"].is_null());
    let csv = dir.path().join("orders.csv");
    kindly_ok(&db, &["import-orders", "--csv", csv.to_str().unwrap()]);
    let rows = sams_cases(&db);
    assert_eq!(rows.len(), 3, "kept apart: a person's split beats the rule");
    assert_eq!(kindly_json(&db, &["case", &main, "--json"])["messages"].as_array().unwrap().len(), 1);

    // Merge by hand, reversibly: the planner question into the main case, then out again.
    let planner = subject_of(&rows, "Planner pages");
    let merged = kindly_json(&db, &["case", &planner, "--merge-into", &main, "--json"]);
    assert_eq!(merged["case_id"], main.as_str());
    let by_hand = merged["merged"].as_array().unwrap().iter().find(|m| m["case_id"] == planner.as_str()).unwrap();
    assert_eq!((by_hand["manual"].as_bool(), by_hand["note"].as_str()), (Some(true), Some("Merged by Olivia")));
    assert_eq!(sams_cases(&db).len(), 2);
    kindly_ok(&db, &["case", &planner, "--split"]);
    assert_eq!(sams_cases(&db).len(), 3);
}

#[test]
fn only_one_customers_cases_merge_and_never_into_themselves() {
    let (_dir, db) = store_with_sam();
    let sam = sams_cases(&db)[0]["case_id"].as_str().unwrap().to_string();
    let other = kindly_json(&db, &["queue", "all", "--json"])
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["customer_email"] != "sam.lee@example.com")
        .unwrap()["case_id"]
        .as_str()
        .unwrap()
        .to_string();
    let refused = kindly(&db, &["case", &sam, "--merge-into", &other]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("different customers"));
    let itself = kindly(&db, &["case", &sam, "--merge-into", &sam]);
    assert!(String::from_utf8_lossy(&itself.stderr).contains("into itself"));
}
