//! Kindly's own labelled support-mail set (tests/fixtures/triage, written for this project): the
//! owner lane must catch the customers the owner has to see (recall ≥ 0.9) without filling up
//! with the rest (precision ≥ 0.8). Run with `--nocapture` to see every miss.

use std::collections::{BTreeMap, HashMap};

use kindly_core::Store;
use kindly_core::api::{self, QueueResult};
use kindly_core::mail::import::import_mbox;
use kindly_tests::fixtures;
use serde_json::{Value, json};

#[test]
fn owner_lane_recall_and_precision_on_the_labelled_set() {
    let dir = fixtures().join("triage");
    let expected: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(dir.join("expected.json")).unwrap()).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let mut store = Store::open(tmp.path().join("k.db")).unwrap();
    kindly_core::store::settings::set(store.conn(), "support_addresses", r#"["support@lumenpress.example"]"#).unwrap();
    kindly_core::commerce::import_orders_csv(&mut store, std::fs::File::open(dir.join("orders.csv")).unwrap()).unwrap();
    let mbox = std::io::BufReader::new(std::fs::File::open(dir.join("threads.mbox")).unwrap());
    let summary = import_mbox(&mut store, mbox, &mut |_| {}).unwrap();
    assert_eq!(summary.unreadable, 0);

    let all: QueueResult =
        serde_json::from_value(api::dispatch(&mut store, "queue", json!({"queue": "all"})).unwrap()).unwrap();
    let by_root: HashMap<&str, &api::QueueItem> = all.items.iter().map(|c| (c.root_message_id.as_str(), c)).collect();
    assert_eq!(all.items.len(), expected.len(), "one case per labelled thread");

    let (mut tp, mut fp, mut fn_) = (0, 0, 0);
    let mut exact = 0;
    let mut by_kind: BTreeMap<String, (u32, u32)> = BTreeMap::new();
    let mut misses = Vec::new();
    for e in &expected {
        let root = e["root_message_id"].as_str().unwrap();
        let case = by_root.get(root).unwrap_or_else(|| panic!("no case for {root}"));
        let want = e["lane"].as_str().unwrap();
        let got = case.lane.as_str();
        let (want_owner, got_owner) = (want.starts_with("owner"), got.starts_with("owner"));
        match (want_owner, got_owner) {
            (true, true) => tp += 1,
            (false, true) => fp += 1,
            (true, false) => fn_ += 1,
            _ => {}
        }
        exact += usize::from(want == got);
        let slot = by_kind.entry(e["kind"].as_str().unwrap_or("?").to_string()).or_default();
        slot.1 += 1;
        if want == got {
            slot.0 += 1;
        } else {
            misses.push(format!("{want:>15} → {got:<15} [{}] {} — {:?}", e["kind"], e["note"], case.reasons));
        }
    }
    let recall = tp as f64 / (tp + fn_).max(1) as f64;
    let precision = tp as f64 / (tp + fp).max(1) as f64;
    println!(
        "owner lane on the labelled set: recall {recall:.3}, precision {precision:.3} ({tp} caught, {fn_} missed, {fp} wrongly raised)"
    );
    println!("exact lane: {exact} of {}", expected.len());
    for (kind, (ok, n)) in &by_kind {
        println!("  {kind:<28} {ok}/{n}");
    }
    for m in &misses {
        println!("  miss: {m}");
    }
    assert!(recall >= 0.9, "owner-lane recall {recall:.3} < 0.9");
    assert!(precision >= 0.8, "owner-lane precision {precision:.3} < 0.8");
}
