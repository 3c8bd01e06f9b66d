//! Learning from what customers tell us. Suggestions are tagged by a person with a topic;
//! complaints are the cases where someone was unhappy, read for their topic (or named by a
//! person) and the product they are about. Both are tallied with the cases behind them, and once
//! a thing ships or is fixed, everyone who asked is thanked, once.

use std::collections::BTreeMap;

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::store::{cases, messages, orders};
use crate::triage::signals;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum FeedbackKind {
    Suggestion,
    Complaint,
}

impl FeedbackKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FeedbackKind::Suggestion => "suggestion",
            FeedbackKind::Complaint => "complaint",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct FeedbackCase {
    pub case_id: String,
    pub customer_name: String,
    pub customer_email: String,
    pub subject: String,
    #[ts(type = "number")]
    pub last_message_ms: i64,
    /// When we thanked them for it.
    #[ts(type = "number | null")]
    pub thanked_ms: Option<i64>,
}

/// One thing customers asked for or were unhappy about, with the cases behind it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct FeedbackGroup {
    pub kind: FeedbackKind,
    /// The product a complaint is about ("" when unknown, and for suggestions).
    pub product: String,
    pub topic: String,
    pub cases: Vec<FeedbackCase>,
    /// When it shipped (a suggestion) or was fixed (a complaint's cause).
    #[ts(type = "number | null")]
    pub done_ms: Option<i64>,
}

/// Complaint topics and the words that show each; the topic with the most cues wins.
const COMPLAINT_TOPICS: &[(&str, &[&str])] = &[
    // A few words in the other languages our customers write in (Spanish, German).
    (
        "Licence and activation",
        &["licence", "license", "key", "activation", "activate", "serial number", "lizenz", "licencia"],
    ),
    (
        "Download and access",
        &[
            "download",
            "link",
            "access",
            "log in",
            "login",
            "password",
            "can't open",
            "won't play",
            "won't open",
            "descargar",
        ],
    ),
    (
        "Billing and charges",
        &[
            "charged",
            "charging",
            "twice",
            "invoice",
            "refund",
            "payment",
            "coupon",
            "price",
            "billing",
            "chargeback",
            "bank",
        ],
    ),
    ("Bugs and lost work", &["crash", "bug", "lost", "data loss", "broken", "corrupt", "deleted", "sync"]),
    (
        "Slow or no answer",
        &["no reply", "no answer", "no response", "third time", "still waiting", "haven't heard", "ignored"],
    ),
    ("Content quality", &["typo", "outdated", "quality", "boring", "too basic", "misleading"]),
];
pub const OTHER: &str = "Other";

/// What a complaint is about, read from the customer's own words.
pub fn complaint_topic(text: &str) -> &'static str {
    let lower = text.to_lowercase();
    let mut best = (0, OTHER);
    for (topic, cues) in COMPLAINT_TOPICS {
        let hits = cues.iter().map(|c| lower.matches(c).count()).sum::<usize>();
        if hits > best.0 {
            best = (hits, topic);
        }
    }
    best.1
}

const SUGGESTION_CUES: &[&str] = &[
    "would be great",
    "would be helpful",
    "would be nice",
    "would love to see",
    "i'd love to see",
    "feature request",
    "could you add",
    "can you add",
    "please add",
    "suggestion",
    "i suggest",
    "i wish",
    "it would help if",
    "have you considered",
    "how about adding",
];

/// The sentence where a customer suggests something, if they do.
pub fn suggestion_hint(text: &str) -> Option<String> {
    // Sentences run across wrapped lines: join them first.
    let own = signals::own_words(text).split_whitespace().collect::<Vec<_>>().join(" ");
    own.split_inclusive(['.', '!', '?'])
        .map(str::trim)
        .find(|s| {
            let lower = s.to_lowercase();
            SUGGESTION_CUES.iter().any(|c| lower.contains(c))
        })
        .map(|s| s.chars().take(240).collect())
}

/// A topic as people type it: trimmed, spaces collapsed, at most 80 characters.
pub fn clean_topic(topic: &str) -> Result<String> {
    let topic: String = topic.split_whitespace().collect::<Vec<_>>().join(" ").chars().take(80).collect();
    if topic.is_empty() {
        return Err(Error::BadArgs("give the topic a few words (“Dark mode”, “PDF export”)".into()));
    }
    Ok(topic)
}

/// The key of a group: the same for "PDF export" and "pdf  Export".
pub fn key(kind: FeedbackKind, product: &str, topic: &str) -> String {
    format!("{}:{}:{}", kind.as_str(), product.trim().to_lowercase(), topic.trim().to_lowercase())
}

/// What the customer wrote (their own words, inbound and not automated), and the product it is
/// about: one of theirs named in it, else their latest.
fn words_and_product(conn: &Connection, case: &cases::CaseRow) -> Result<(String, String)> {
    let text = messages::for_case(conn, &case.id)?
        .iter()
        .filter(|m| m.direction == messages::Direction::Inbound && !m.automated)
        .map(|m| format!("{} {}", m.subject, signals::own_words(&m.body_text)))
        .collect::<Vec<_>>()
        .join("\n");
    let bought = match case.customer_id {
        Some(id) => orders::for_customer(conn, id)?,
        None => Vec::new(),
    };
    let lower = text.to_lowercase();
    let product = bought
        .iter()
        .find(|o| !o.product.is_empty() && lower.contains(&o.product.to_lowercase()))
        .or(bought.first())
        .map_or_else(String::new, |o| o.product.clone());
    Ok((text, product))
}

/// The complaint topic of an unhappy case: the one a person chose, else the one read from it.
pub fn topic_of(conn: &Connection, case: &cases::CaseRow) -> Result<Option<(String, String)>> {
    let chosen: Option<String> =
        conn.prepare_cached("SELECT complaint FROM cases WHERE id = ?1")?.query_row([&case.id], |r| r.get(0))?;
    if chosen.is_none() && !is_unhappy(conn, &case.id)? {
        return Ok(None);
    }
    let (text, product) = words_and_product(conn, case)?;
    Ok(Some((chosen.unwrap_or_else(|| complaint_topic(&text).to_string()), product)))
}

/// The case's suggestion topic, if a person tagged it as one.
pub fn suggestion_of(conn: &Connection, id: &str) -> Result<Option<String>> {
    Ok(conn.prepare_cached("SELECT suggestion FROM cases WHERE id = ?1")?.query_row([id], |r| r.get(0))?)
}

/// An unhappy customer: the angry lane, unless the owner said it was not anger.
const UNHAPPY: &str = "(c.lane = 'owner-angry' OR c.complaint IS NOT NULL)
     AND NOT EXISTS (SELECT 1 FROM triage_corrections t WHERE t.case_id = c.id AND t.correction = 'not-angry')";

fn is_unhappy(conn: &Connection, id: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached(&format!("SELECT 1 FROM cases c WHERE c.id = ?1 AND {UNHAPPY}"))?
        .query_row([id], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Every group of `kind`, the largest first.
pub fn groups(conn: &Connection, kind: FeedbackKind) -> Result<Vec<FeedbackGroup>> {
    let condition = match kind {
        FeedbackKind::Suggestion => "c.suggestion IS NOT NULL".to_string(),
        FeedbackKind::Complaint => UNHAPPY.to_string(),
    };
    let mut by_key: BTreeMap<String, FeedbackGroup> = BTreeMap::new();
    for case in cases::list_where(conn, &condition)? {
        let (product, topic) = match kind {
            FeedbackKind::Suggestion => (String::new(), suggestion_of(conn, &case.id)?.unwrap_or_default()),
            FeedbackKind::Complaint => match topic_of(conn, &case)? {
                Some((topic, product)) => (product, topic),
                None => continue,
            },
        };
        let thanked_ms: Option<i64> = conn
            .prepare_cached("SELECT feedback_thanked_ms FROM cases WHERE id = ?1")?
            .query_row([&case.id], |r| r.get(0))?;
        let group = by_key.entry(key(kind, &product, &topic)).or_insert_with(|| FeedbackGroup {
            kind,
            product: product.clone(),
            topic: topic.clone(),
            cases: Vec::new(),
            done_ms: None,
        });
        group.cases.push(FeedbackCase {
            case_id: case.id,
            customer_name: case.customer_name,
            customer_email: case.customer_email,
            subject: case.subject,
            last_message_ms: case.last_message_ms,
            thanked_ms,
        });
    }
    let mut out: Vec<FeedbackGroup> = Vec::new();
    for (key, mut group) in by_key {
        group.done_ms = done(conn, &key)?;
        group.cases.sort_by(|a, b| b.last_message_ms.cmp(&a.last_message_ms).then(a.case_id.cmp(&b.case_id)));
        out.push(group);
    }
    out.sort_by(|a, b| b.cases.len().cmp(&a.cases.len()).then(a.product.cmp(&b.product)).then(a.topic.cmp(&b.topic)));
    Ok(out)
}

pub fn done(conn: &Connection, key: &str) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached("SELECT done_ms FROM feedback_done WHERE key = ?1")?
        .query_row([key], |r| r.get(0))
        .optional()?)
}

pub fn set_done(conn: &Connection, key: &str, done_ms: Option<i64>) -> Result<()> {
    match done_ms {
        Some(ms) => conn
            .prepare_cached(
                "INSERT INTO feedback_done (key, done_ms) VALUES (?1, ?2)
                 ON CONFLICT(key) DO UPDATE SET done_ms = excluded.done_ms",
            )?
            .execute(params![key, ms])?,
        None => conn.prepare_cached("DELETE FROM feedback_done WHERE key = ?1")?.execute([key])?,
    };
    Ok(())
}

/// Store-level setters the ops apply.
pub fn set_case_field(conn: &Connection, id: &str, field: &str, value: &serde_json::Value) -> Result<()> {
    let sql = match field {
        "suggestion" => "UPDATE cases SET suggestion = ?2 WHERE id = ?1",
        "complaint" => "UPDATE cases SET complaint = ?2 WHERE id = ?1",
        _ => "UPDATE cases SET feedback_thanked_ms = ?2 WHERE id = ?1",
    };
    let value: rusqlite::types::Value = match value {
        serde_json::Value::String(s) => s.clone().into(),
        serde_json::Value::Number(n) => n.as_i64().map_or(rusqlite::types::Value::Null, Into::into),
        _ => rusqlite::types::Value::Null,
    };
    conn.prepare_cached(sql)?.execute(params![id, value])?;
    Ok(())
}

/// Thanks everyone in the group who has not been thanked yet: `body` (with `{first_name}`,
/// `{product}`, `{topic}`, …) filled in for each and queued as a reply. Returns how many.
pub fn thank(
    conn: &Connection,
    now_ms: i64,
    kind: FeedbackKind,
    product: &str,
    topic: &str,
    body: &str,
) -> Result<u32> {
    if body.trim().is_empty() {
        return Err(Error::BadArgs("write the thank-you first".into()));
    }
    let wanted = key(kind, product, topic);
    let group = groups(conn, kind)?
        .into_iter()
        .find(|g| key(g.kind, &g.product, &g.topic) == wanted)
        .ok_or_else(|| Error::BadArgs(format!("nobody has written about “{topic}”")))?;
    let settings = super::CareSettings::load(conn)?;
    let mut queued = 0;
    for case in group.cases.iter().filter(|c| c.thanked_ms.is_none() && !c.customer_email.is_empty()) {
        let mut vars = super::templates::Vars::for_case(conn, &case.case_id, &settings)?;
        vars.topic = group.topic.clone();
        if !group.product.is_empty() {
            vars.product = group.product.clone();
        }
        crate::mail::compose::queue_reply(conn, now_ms, &case.case_id, &vars.fill(body))?;
        crate::sync::edit::feedback_thanked(conn, now_ms, &case.case_id)?;
        queued += 1;
    }
    Ok(queued)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_a_complaint_is_about() {
        assert_eq!(
            complaint_topic("My licence key is rejected after the update. The key worked before."),
            "Licence and activation"
        );
        assert_eq!(complaint_topic("GREAT job charging me twice!!! Refund me now."), "Billing and charges");
        assert_eq!(complaint_topic("The videos won't play and the download link is dead."), "Download and access");
        assert_eq!(complaint_topic("I am just unhappy."), OTHER);
    }

    #[test]
    fn finds_the_sentence_that_suggests() {
        let text = "Love the book. It would be great if the PDF had a dark mode! Thanks.\n> I suggest quoted text";
        assert_eq!(suggestion_hint(text).as_deref(), Some("It would be great if the PDF had a dark mode!"));
        assert_eq!(suggestion_hint("Thanks, all good."), None);
    }

    #[test]
    fn topics_group_whatever_the_spelling() {
        assert_eq!(clean_topic("  PDF   export ").unwrap(), "PDF export");
        assert_eq!(key(FeedbackKind::Suggestion, "", "PDF export"), key(FeedbackKind::Suggestion, "", "pdf export"));
        assert!(clean_topic("   ").is_err());
    }
}
