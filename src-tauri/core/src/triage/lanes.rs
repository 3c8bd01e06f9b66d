//! Every lane and queue decision lives here: which lane a case goes to, how sure we are (score),
//! the reasons shown to the owner, and how each queue is filtered and ordered.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::signals::{self, Evidence, Signal, total};
use super::{Assessment, Facts};
use crate::store::cases::CaseRow;
use crate::store::messages::Direction;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum Lane {
    OwnerExcellent,
    OwnerAngry,
    Assistant,
}

impl Lane {
    pub fn as_str(self) -> &'static str {
        match self {
            Lane::OwnerExcellent => "owner-excellent",
            Lane::OwnerAngry => "owner-angry",
            Lane::Assistant => "assistant",
        }
    }

    pub fn parse(s: &str) -> Option<Lane> {
        [Lane::OwnerExcellent, Lane::OwnerAngry, Lane::Assistant].into_iter().find(|l| l.as_str() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum QueueName {
    Owner,
    OwnerExcellent,
    OwnerAngry,
    Assistant,
    Waiting,
    Done,
    All,
    /// New cases the owner has not looked at yet (review mode).
    Review,
    /// Put away until a date, or until the customer writes again.
    Snoozed,
    /// Everyone gets an answer: cases with a message nobody has answered, by deadline.
    Unanswered,
    /// Follow-ups and callbacks due now.
    Due,
    /// Cases we work on that owe the customer a status update.
    Nudges,
}

impl QueueName {
    pub const ALL: [QueueName; 12] = [
        QueueName::Owner,
        QueueName::OwnerExcellent,
        QueueName::OwnerAngry,
        QueueName::Assistant,
        QueueName::Waiting,
        QueueName::Done,
        QueueName::All,
        QueueName::Review,
        QueueName::Snoozed,
        QueueName::Unanswered,
        QueueName::Due,
        QueueName::Nudges,
    ];

    /// Which cases belong to the queue, as a condition on `cases c`. Snoozed cases are in no
    /// open queue.
    pub fn condition(self) -> &'static str {
        macro_rules! awake {
            ($cond:literal) => {
                concat!($cond, " AND NOT coalesce((c.snoozed_until_ms > CAST(unixepoch('subsec') * 1000 AS INTEGER) AND coalesce(c.last_inbound_ms, 0) <= c.snooze_set_ms), 0)")
            };
        }
        match self {
            // A case claimed by or escalated to the owner is theirs whatever its lane; one handed
            // to the assistant is the assistant's.
            QueueName::Owner => awake!(
                "c.status = 'open' AND coalesce(c.assignee, CASE WHEN c.lane = 'assistant' THEN 'assistant' ELSE 'owner' END) = 'owner'"
            ),
            QueueName::OwnerExcellent => {
                awake!("c.status = 'open' AND c.lane = 'owner-excellent' AND coalesce(c.assignee, 'owner') = 'owner'")
            }
            QueueName::OwnerAngry => {
                awake!("c.status = 'open' AND c.lane = 'owner-angry' AND coalesce(c.assignee, 'owner') = 'owner'")
            }
            QueueName::Assistant => awake!(
                "c.status = 'open' AND coalesce(c.assignee, CASE WHEN c.lane = 'assistant' THEN 'assistant' ELSE 'owner' END) = 'assistant'"
            ),
            QueueName::Waiting => awake!("c.status = 'waiting'"),
            QueueName::Done => "c.status = 'closed'",
            QueueName::All => "1 = 1",
            QueueName::Review => "c.reviewed = 0",
            QueueName::Snoozed => concat!(
                "c.status != 'closed' AND c.snoozed_until_ms > CAST(unixepoch('subsec') * 1000 AS INTEGER)",
                " AND coalesce(c.last_inbound_ms, 0) <= c.snooze_set_ms"
            ),
            QueueName::Unanswered => crate::unanswered_sql!(),
            QueueName::Due => {
                "EXISTS (SELECT 1 FROM tasks t JOIN cases h ON h.id = t.case_id
                         WHERE coalesce(h.shown_in, h.id) = c.id AND t.done_ms IS NULL
                           AND t.due_ms <= CAST(unixepoch('subsec') * 1000 AS INTEGER))"
            }
            // Narrowed by `keeps` (the nudge depends on the care settings).
            QueueName::Nudges => awake!("c.status = 'open'"),
        }
    }

    /// The part of a queue's rule SQL does not hold: whether a case owes a status update.
    pub fn keeps(self, answering: Option<&crate::care::tracker::Answering>) -> bool {
        match self {
            QueueName::Nudges => answering.is_some_and(|a| a.nudge.is_some()),
            _ => true,
        }
    }

    /// Owner queues: most urgent first. Assistant: oldest unanswered first, automated mail last.
    /// Unanswered: nearest answer deadline first. Due: soonest task first. Nudges: longest silent
    /// first. Waiting and done: most recent first.
    pub fn sort(
        self,
        rows: &mut [CaseRow],
        answering: &std::collections::HashMap<String, crate::care::tracker::Answering>,
        due_ms: &std::collections::HashMap<String, i64>,
    ) {
        let deadline = |r: &CaseRow| answering.get(&r.id).and_then(|a| a.answer_by_ms).unwrap_or(i64::MAX);
        match self {
            // The nearest deadline first: owner-lane mail has the shorter target.
            QueueName::Unanswered => rows.sort_by(|a, b| deadline(a).cmp(&deadline(b)).then(a.id.cmp(&b.id))),
            QueueName::Due => rows.sort_by(|a, b| {
                due_ms.get(&a.id).unwrap_or(&i64::MAX).cmp(due_ms.get(&b.id).unwrap_or(&i64::MAX)).then(a.id.cmp(&b.id))
            }),
            QueueName::Nudges => rows.sort_by(|a, b| a.last_message_ms.cmp(&b.last_message_ms).then(a.id.cmp(&b.id))),
            QueueName::Owner | QueueName::OwnerExcellent | QueueName::OwnerAngry | QueueName::Review => {
                rows.sort_by(|a, b| {
                    b.score.total_cmp(&a.score).then(a.last_inbound_ms.cmp(&b.last_inbound_ms)).then(a.id.cmp(&b.id))
                })
            }
            QueueName::Assistant => rows.sort_by(|a, b| {
                (a.score < 0.0)
                    .cmp(&(b.score < 0.0))
                    .then(
                        a.last_inbound_ms
                            .unwrap_or(a.last_message_ms)
                            .cmp(&b.last_inbound_ms.unwrap_or(b.last_message_ms)),
                    )
                    .then(a.id.cmp(&b.id))
            }),
            QueueName::Snoozed => {
                rows.sort_by(|a, b| a.snoozed_until_ms.cmp(&b.snoozed_until_ms).then(a.id.cmp(&b.id)))
            }
            QueueName::Waiting | QueueName::Done | QueueName::All => {
                rows.sort_by(|a, b| b.last_message_ms.cmp(&a.last_message_ms).then(a.id.cmp(&b.id)))
            }
        }
    }
}

fn money(minor: i64, currency: &str) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let units = minor.abs() / 100;
    let cents = minor.abs() % 100;
    let grouped = units
        .to_string()
        .as_bytes()
        .rchunks(3)
        .rev()
        .map(|c| std::str::from_utf8(c).unwrap_or(""))
        .collect::<Vec<_>>()
        .join(",");
    let symbol = match currency {
        "USD" => "$",
        "EUR" => "€",
        "GBP" => "£",
        _ => "",
    };
    let amount = if cents == 0 { grouped } else { format!("{grouped}.{cents:02}") };
    if symbol.is_empty() { format!("{sign}{amount} {currency}") } else { format!("{sign}{symbol}{amount}") }
}

fn ordinal(n: usize) -> String {
    match n {
        2 => "Second".into(),
        3 => "Third".into(),
        4 => "Fourth".into(),
        5 => "Fifth".into(),
        n => format!("{n}th"),
    }
}

/// What the engine reads in a customer's message: the subject when it is their own (not "Re: …"
/// of an earlier one), then their own words without quotes and sign-off.
/// Remembered by the message itself, so re-triage finds a reading without picking the words out
/// again.
pub fn read_message(subject: &str, body_text: &str) -> std::sync::Arc<signals::TextSignals> {
    static MESSAGES: std::sync::LazyLock<std::sync::Mutex<signals::Readings>> =
        std::sync::LazyLock::new(Default::default);
    // The subject's length first: no other subject and body give the same key.
    let key = format!("{}:{subject}{body_text}", subject.len());
    signals::remembered(&MESSAGES, &key, || {
        let own = signals::own_words(body_text);
        let is_reply = crate::mail::thread::normalize_subject(subject) != subject.trim().to_lowercase();
        signals::reading(&if is_reply || subject.is_empty() { own } else { format!("{subject}\n\n{own}") })
    })
}

/// Everything before this index of the thread has had an answer from us: our last reply, or a
/// customer's message that answers one of ours we do not hold (an imported inbox has no Sent
/// mail, but the customer's reply to it proves it was sent). An automatic acknowledgement is not
/// an answer, and a customer replying to their own earlier message is nudging, not answered.
pub fn answered_before(messages: &[crate::store::messages::StoredMessage]) -> Option<usize> {
    let held: std::collections::HashMap<&str, &crate::store::messages::StoredMessage> =
        messages.iter().map(|m| (m.message_id.as_str(), m)).collect();
    messages.iter().enumerate().rev().find_map(|(i, m)| match m.direction {
        Direction::Outbound => (!m.automated).then_some(i + 1),
        Direction::Inbound => {
            let parent = m.in_reply_to.as_deref()?;
            let ours = held.get(parent).is_none_or(|p| p.direction == Direction::Outbound && !p.automated);
            (ours && i > 0).then_some(i)
        }
    })
}

/// Reasons in order of importance. One quoted sentence backs one reason only.
#[derive(Default)]
struct Reasons {
    lines: Vec<String>,
    quoted: HashSet<String>,
}

impl Reasons {
    fn quote(&mut self, label: &str, evidence: Option<&Evidence>) {
        if let Some(e) = evidence.filter(|e| self.quoted.insert(e.quote.clone())) {
            self.lines.push(format!("{label}: “{}”", e.quote));
        }
    }

    fn push(&mut self, line: String) {
        self.lines.push(line);
    }
}

/// "6 orders, $643 lifetime, last on 12 Nov 2026": value, frequency and recency in one line. The
/// date is absolute because reasons are stored and "3 days ago" would go stale.
fn value_reason(v: &crate::store::orders::Value) -> String {
    let plural = if v.orders == 1 { "" } else { "s" };
    let last = v
        .last_purchase_ms
        .and_then(chrono::DateTime::<chrono::Utc>::from_timestamp_millis)
        .map(|d| format!(", last on {}", d.format("%-d %b %Y")))
        .unwrap_or_default();
    format!("{} order{plural}, {} lifetime{last}", v.orders, money(v.lifetime_minor, &v.currency))
}

fn strongest(evidence: &[Evidence], signal: Signal) -> Option<&Evidence> {
    evidence.iter().filter(|e| e.signal == signal).max_by(|a, b| a.weight.total_cmp(&b.weight))
}

/// The rule: threats or strong anger → owner-angry; a valuable customer who praises or asks for
/// something special, or anyone with a strong special request and warm words → owner-excellent;
/// everyone else → assistant. Automated mail and pitches are tagged and sink. The owner's
/// corrections win over every signal.
pub fn assess(f: &Facts<'_>) -> Assessment {
    if f.unreadable {
        return Assessment {
            lane: Lane::Assistant,
            score: 0.0,
            reasons: vec!["This message could not be read; its raw source is kept with the case".into()],
            tags: vec![],
        };
    }
    let inbound: Vec<_> = f.messages.iter().filter(|m| m.direction == Direction::Inbound).collect();
    if !inbound.is_empty() && inbound.iter().all(|m| m.automated) {
        return Assessment {
            lane: Lane::Assistant,
            score: -1.0,
            reasons: vec!["Automated mail (auto-reply, bounce or bulk list): no person is waiting".into()],
            tags: vec!["auto-reply".into()],
        };
    }

    // Messages since our last answer are the ones still waiting for one.
    let answered_before = answered_before(f.messages);
    let unanswered =
        f.messages[answered_before.unwrap_or(0)..].iter().filter(|m| m.direction == Direction::Inbound).count();
    // What we already answered counts for less: if the customer's newest words are calm, the case
    // is calm; if they write back angrier, that anger is new evidence at full weight.
    let answered = |i: usize| answered_before.is_some_and(|r| i < r);
    let evidence: Vec<Evidence> = f
        .messages
        .iter()
        .enumerate()
        .filter(|(_, m)| m.direction == Direction::Inbound && !m.automated)
        .flat_map(|(i, m)| {
            let factor = if answered(i) { 0.3 } else { 1.0 };
            read_message(&m.subject, &m.body_text)
                .evidence
                .iter()
                .map(|e| Evidence { weight: e.weight * factor, ..e.clone() })
                .collect::<Vec<_>>()
        })
        .collect();

    let pitch = total(&evidence, Signal::Pitch);
    if pitch >= 0.8 && f.value.orders == 0 {
        let mut reasons = Reasons::default();
        reasons.quote("Looks like a sales pitch or spam", strongest(&evidence, Signal::Pitch));
        return Assessment { lane: Lane::Assistant, score: -1.0, reasons: reasons.lines, tags: vec!["spam".into()] };
    }

    let corrected = |c: &str| f.corrections.iter().any(|x| x == c);
    let anger = total(&evidence, Signal::Anger);
    let threat = total(&evidence, Signal::ThreatPublic);
    let dispute = total(&evidence, Signal::Chargeback);
    let praise = total(&evidence, Signal::Praise);
    let request = total(&evidence, Signal::SpecialRequest);
    let v = &f.value;
    let t = &f.thresholds;
    let valuable = v.lifetime_minor >= t.valuable_lifetime_minor || v.orders >= t.valuable_orders;
    let serial_refunder = t.is_serial_refunder(v);
    let waiting = unanswered + f.other_open_cases as usize;

    let mut reasons = Reasons::default();
    reasons.quote("Threatens a dispute or legal step", strongest(&evidence, Signal::Chargeback));
    reasons.quote("Threatens to go public", strongest(&evidence, Signal::ThreatPublic));
    if unanswered >= 2 {
        reasons.push(format!("{} message with no reply", ordinal(unanswered)));
    }
    if f.other_open_cases > 0 {
        let n = f.other_open_cases;
        reasons.push(format!("Also waiting on {n} other recent case{}", if n == 1 { "" } else { "s" }));
    }
    reasons.quote("Angry", strongest(&evidence, Signal::Anger));
    if serial_refunder {
        reasons.push(format!("Serial refunder: {} of {} orders refunded", v.refunds, v.orders));
    }

    let pitchy = pitch >= 0.3 && v.orders == 0;
    let angry = dispute >= 0.6
        || threat >= 0.5
        || anger >= 0.5
        || (anger >= 0.3 && (waiting >= 2 || serial_refunder))
        || (unanswered >= 3 && !pitchy);
    if angry && !corrected("not-angry") {
        // Threats and waiting decide; lifetime value only breaks ties.
        let score = 2.0 + dispute + threat + anger + 0.2 * waiting as f64 + (v.lifetime_minor as f64 / 1e7).min(0.09);
        if valuable {
            reasons.push(value_reason(v));
        }
        return Assessment { lane: Lane::OwnerAngry, score, reasons: reasons.lines, tags: vec![] };
    }

    let mut reasons = Reasons::default();
    if corrected("not-angry") && angry {
        reasons.push("You marked this case not angry".into());
    }
    reasons.quote("Special request", strongest(&evidence, Signal::SpecialRequest));
    reasons.quote("Praise", strongest(&evidence, Signal::Praise));
    if v.orders > 0 {
        reasons.push(value_reason(v));
    }
    if serial_refunder {
        reasons.push(format!("Serial refunder: {} of {} orders refunded", v.refunds, v.orders));
    }
    // A valuable customer who raves or asks for something; anyone with a request worth the owner's time.
    let excellent = !serial_refunder && !pitchy && ((valuable && (praise >= 0.4 || request >= 0.3)) || request >= 0.6);
    if excellent && !corrected("not-excellent") {
        // Praise and requests rank below every angry case (those score 2 and up).
        let score = 1.0 + (0.3 * request + 0.3 * praise + (v.lifetime_minor as f64 / 1e6).min(0.3)).min(0.99);
        return Assessment { lane: Lane::OwnerExcellent, score, reasons: reasons.lines, tags: vec![] };
    }
    let mut reasons = reasons.lines;
    if excellent {
        reasons.insert(0, "You marked this customer not a VIP".into());
    }
    if unanswered >= 2 {
        reasons.insert(0, format!("{} message with no reply", ordinal(unanswered)));
    }
    if reasons.is_empty() {
        reasons.push("Routine question".into());
    }
    Assessment { lane: Lane::Assistant, score: 0.1 * unanswered as f64, reasons, tags: vec![] }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::messages::StoredMessage;

    #[test]
    fn money_reads_like_money() {
        assert_eq!(money(124_000, "USD"), "$1,240");
        assert_eq!(money(1_999, "EUR"), "€19.99");
        assert_eq!(money(500, "SEK"), "5 SEK");
    }

    fn message(id: &str, direction: Direction, reply_to: Option<&str>, automated: bool) -> StoredMessage {
        StoredMessage {
            id: 0,
            message_id: format!("<{id}>"),
            hash: id.into(),
            direction,
            from_email: String::new(),
            from_name: String::new(),
            to: vec![],
            subject: String::new(),
            date_ms: 0,
            body_text: String::new(),
            body_html: None,
            attachments: vec![],
            automated,
            unreadable: false,
            home_case: String::new(),
            in_reply_to: reply_to.map(|r| format!("<{r}>")),
        }
    }

    #[test]
    fn an_answer_we_hold_or_one_the_customer_replies_to_counts() {
        use Direction::{Inbound, Outbound};
        // Nothing answered: three customer messages, the later ones nudging the first.
        let nudges = [message("1", Inbound, None, false), message("2", Inbound, Some("1"), false)];
        assert_eq!(answered_before(&nudges), None);
        // Our reply is held: everything up to it is answered.
        let held = [message("1", Inbound, None, false), message("2", Outbound, Some("1"), false)];
        assert_eq!(answered_before(&held), Some(2));
        // The customer replies to a message of ours the import never saw (no Sent folder).
        let unseen = [message("1", Inbound, None, false), message("3", Inbound, Some("ours-2"), false)];
        assert_eq!(answered_before(&unseen), Some(1));
        // An automatic acknowledgement, held or replied to, is no answer.
        let ack = [
            message("1", Inbound, None, false),
            message("ack", Outbound, Some("1"), true),
            message("3", Inbound, Some("ack"), false),
        ];
        assert_eq!(answered_before(&ack), None);
    }

    #[test]
    fn lanes_round_trip() {
        for lane in [Lane::OwnerExcellent, Lane::OwnerAngry, Lane::Assistant] {
            assert_eq!(Lane::parse(lane.as_str()), Some(lane));
            assert_eq!(serde_json::to_value(lane).unwrap(), lane.as_str());
        }
    }
}
