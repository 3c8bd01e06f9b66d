//! Scores the triage engine on a labelled inbox (a folder with `threads.mbox`, `orders.csv` and
//! `expected.json`, as `tests/fixtures/triage/README.md` describes): owner-lane recall and
//! precision, exact lanes, per kind and language, and a keyword list's figures beside them.
//!
//! Two ways of knowing who we are: `Ours::Known` tells the store the business's addresses (as an
//! account would); `Ours::Learned` imports as `kindly import --mbox` does with no account, so the
//! addresses are inferred from the mail.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use kindly_core::Store;
use kindly_core::api::{self, QueueResult};
use kindly_core::mail::import;
use serde_json::{Value, json};

pub enum Ours<'a> {
    Known(&'a [String]),
    Learned,
}

#[derive(Debug, Default, Clone, Copy)]
pub struct Counts {
    pub tp: u32,
    pub fp: u32,
    pub fn_: u32,
}

impl Counts {
    fn add(&mut self, want_owner: bool, got_owner: bool) {
        match (want_owner, got_owner) {
            (true, true) => self.tp += 1,
            (false, true) => self.fp += 1,
            (true, false) => self.fn_ += 1,
            _ => {}
        }
    }

    pub fn recall(&self) -> f64 {
        f64::from(self.tp) / f64::from((self.tp + self.fn_).max(1))
    }

    pub fn precision(&self) -> f64 {
        f64::from(self.tp) / f64::from((self.tp + self.fp).max(1))
    }
}

#[derive(Debug, Default)]
pub struct Report {
    pub threads: usize,
    pub cases: usize,
    pub engine: Counts,
    pub keywords: Counts,
    pub exact: usize,
    /// Owner-lane counts per language.
    pub by_language: BTreeMap<String, Counts>,
    /// (exact, total) per kind.
    pub by_kind: BTreeMap<String, (u32, u32)>,
    pub misses: Vec<String>,
    /// What the import learned about our addresses (Learned mode).
    pub learned: Vec<String>,
}

/// A plain keyword list, the reference any engine must beat: a thread goes to the owner when a
/// customer's message names one of these. Fixed, never tuned.
const KEYWORDS: &[&str] = &[
    "refund",
    "angry",
    "furious",
    "unacceptable",
    "chargeback",
    "dispute",
    "lawyer",
    "review",
    "scam",
    "terrible",
    "worst",
    "disappointed",
    "love",
    "amazing",
    "awesome",
    "licence",
    "license",
    "podcast",
    "partnership",
    "workshop",
];

fn keyword_owner(texts: &[String]) -> bool {
    texts.iter().any(|t| {
        let lower = t.to_lowercase();
        KEYWORDS.iter().any(|k| lower.contains(k))
    })
}

pub fn evaluate(dir: &Path, ours: Ours<'_>) -> anyhow::Result<Report> {
    let expected: Vec<Value> = serde_json::from_str(&std::fs::read_to_string(dir.join("expected.json"))?)?;
    let tmp = tempfile::tempdir()?;
    let mut store = Store::open(tmp.path().join("k.db"))?;
    let mut report = Report { threads: expected.len(), ..Report::default() };
    let mbox = dir.join("threads.mbox");
    match ours {
        Ours::Known(addresses) => import::set_ours(&mut store, addresses)?,
        Ours::Learned => {
            let learned = import::learn_ours(&mut store, import::mbox_envelopes(&mbox)?)?;
            report.learned = learned.map(|l| l.addresses).unwrap_or_default();
        }
    }
    kindly_core::commerce::import_orders_csv(&mut store, std::fs::File::open(dir.join("orders.csv"))?)?;
    import::import_mbox(&mut store, import::open_mbox(&mbox)?, &mut |_| {})?;

    let all: QueueResult = serde_json::from_value(
        api::dispatch(&mut store, "queue", json!({"queue": "all"})).map_err(|e| anyhow::anyhow!("{e:?}"))?,
    )?;
    report.cases = all.items.len();
    let by_root: HashMap<&str, &api::QueueItem> = all.items.iter().map(|c| (c.root_message_id.as_str(), c)).collect();
    for e in &expected {
        let root = e["root_message_id"].as_str().unwrap_or_default();
        let want = e["lane"].as_str().unwrap_or_default();
        let kind = e["kind"].as_str().unwrap_or("?").to_string();
        let language = e["language"].as_str().unwrap_or("?").to_string();
        let Some(case) = by_root.get(root) else {
            report.misses.push(format!("{want:>15} → no case of its own [{kind}] {root}"));
            report.engine.add(want.starts_with("owner"), false);
            continue;
        };
        let got = case.lane.as_str();
        let (want_owner, got_owner) = (want.starts_with("owner"), got.starts_with("owner"));
        report.engine.add(want_owner, got_owner);
        report.by_language.entry(language).or_default().add(want_owner, got_owner);
        let texts = customer_texts(&mut store, &case.case_id)?;
        report.keywords.add(want_owner, keyword_owner(&texts));
        let slot = report.by_kind.entry(kind.clone()).or_default();
        slot.1 += 1;
        if want == got {
            slot.0 += 1;
            report.exact += 1;
        } else {
            report.misses.push(format!("{want:>15} → {got:<15} [{kind}] {} — {:?}", e["note"], case.reasons));
        }
    }
    Ok(report)
}

/// The customer's messages of a case as Kindly stored them (what a keyword list would read).
fn customer_texts(store: &mut Store, case_id: &str) -> anyhow::Result<Vec<String>> {
    let messages = kindly_core::store::messages::for_case(store.conn(), case_id)?;
    Ok(messages
        .into_iter()
        .filter(|m| m.direction == kindly_core::store::messages::Direction::Inbound)
        .map(|m| format!("{}\n{}", m.subject, m.body_text))
        .collect())
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (e, k) = (&self.engine, &self.keywords);
        writeln!(
            f,
            "owner lane: recall {:.2}, precision {:.2} ({} caught, {} missed, {} wrongly raised); keyword list {:.2} / {:.2}",
            e.recall(),
            e.precision(),
            e.tp,
            e.fn_,
            e.fp,
            k.recall(),
            k.precision()
        )?;
        writeln!(f, "exact lane: {} of {} threads ({} cases)", self.exact, self.threads, self.cases)?;
        if !self.learned.is_empty() {
            writeln!(f, "our addresses, learned: {}", self.learned.join(", "))?;
        }
        for (language, c) in &self.by_language {
            writeln!(f, "  {language}: recall {:.2}, precision {:.2}", c.recall(), c.precision())?;
        }
        for (kind, (ok, n)) in &self.by_kind {
            writeln!(f, "  {kind:<32} {ok}/{n}")?;
        }
        for m in &self.misses {
            writeln!(f, "  miss: {m}")?;
        }
        Ok(())
    }
}
