//! Everyone gets an answer. A message is answered by a later reply of ours (sent, or queued and
//! not parked) or by the owner's "no reply needed"; automated mail needs none. Each unanswered
//! case has a target by lane (the owner's sooner), and a case we are working on that has not
//! heard from us for a while raises a status-update nudge.

use std::collections::HashMap;

use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::CareSettings;
use crate::error::Result;
use crate::time::{DAY_MS, HOUR_MS};

/// When case `c` was last answered, in ms (0: never), as SQL. The one definition of "answered".
#[macro_export]
#[doc(hidden)]
macro_rules! answered_ms_sql {
    () => {
        "max(coalesce(c.no_reply_needed_ms, 0),
             coalesce((SELECT max(o.date_ms) FROM messages o
                       WHERE o.case_id = c.id AND o.direction = 'outbound' AND o.automated = 0), 0),
             coalesce((SELECT max(x.created_ms) FROM outbox x
                       WHERE x.case_id = c.id AND x.kind = 'reply' AND x.state != 'parked'), 0))"
    };
}

/// Cases `c` with at least one message waiting for an answer, as SQL (spam waits for nobody).
#[macro_export]
#[doc(hidden)]
macro_rules! unanswered_sql {
    () => {
        concat!(
            "c.tags NOT LIKE '%\"spam\"%' AND EXISTS (SELECT 1 FROM messages m WHERE m.case_id = c.id
               AND m.direction = 'inbound' AND m.automated = 0 AND m.date_ms > ",
            $crate::answered_ms_sql!(),
            ")"
        )
    };
}

/// How a case stands on "everyone gets an answer".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct Answering {
    /// Messages from the customer with no reply after them.
    pub unanswered: u32,
    /// The oldest of them.
    #[ts(type = "number | null")]
    pub waiting_since_ms: Option<i64>,
    /// The target for an answer: sooner in the owner's lanes.
    #[ts(type = "number | null")]
    pub answer_by_ms: Option<i64>,
    pub overdue: bool,
    /// "Send Maria a status update: it's been 2 days".
    pub nudge: Option<String>,
}

/// The answering state of every case (or only `case_id`) at `now_ms`.
pub fn answering(
    conn: &Connection,
    case_id: Option<&str>,
    settings: &CareSettings,
    now_ms: i64,
) -> Result<HashMap<String, Answering>> {
    let sql = concat!(
        "WITH a AS (SELECT c.id, c.lane, c.status, c.customer_name, c.tags, ",
        answered_ms_sql!(),
        " AS answered_ms, (SELECT max(o.date_ms) FROM messages o
                           WHERE o.case_id = c.id AND o.direction = 'outbound' AND o.automated = 0) AS last_out
           FROM cases c WHERE ?1 IS NULL OR c.id = ?1)
         SELECT a.id, a.lane, a.status, a.customer_name, a.tags, max(a.last_out, a.answered_ms), a.last_out,
                count(m.id), min(m.date_ms)
         FROM a LEFT JOIN messages m ON m.case_id = a.id AND m.direction = 'inbound' AND m.automated = 0
                                      AND m.date_ms > a.answered_ms
         GROUP BY a.id"
    );
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map(params![case_id], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, Option<i64>>(5)?,
            r.get::<_, Option<i64>>(6)?,
            r.get::<_, i64>(7)?,
            r.get::<_, Option<i64>>(8)?,
        ))
    })?;
    let mut out = HashMap::new();
    for row in rows {
        let (id, lane, status, name, tags, last_word, last_out, count, oldest) = row?;
        let spam = tags.contains("\"spam\"");
        let hours = if lane == "assistant" { settings.answer_assistant_hours } else { settings.answer_owner_hours };
        let waiting_since_ms = oldest.filter(|_| !spam);
        let answer_by_ms = waiting_since_ms.map(|t| t + i64::from(hours) * HOUR_MS);
        // Working on it (open, answered before) and silent for too long.
        let silent_for = last_out.and(last_word).map(|t| now_ms - t);
        let nudge = silent_for
            .filter(|&d| status == "open" && d >= i64::from(settings.status_update_hours) * HOUR_MS)
            .map(|d| {
                let who = crate::mail::compose::first_name(&name).unwrap_or("the customer");
                format!("Send {who} a status update: it's been {}", span(d))
            });
        out.insert(
            id,
            Answering {
                unanswered: if spam { 0 } else { count as u32 },
                waiting_since_ms,
                answer_by_ms,
                overdue: answer_by_ms.is_some_and(|t| t < now_ms),
                nudge,
            },
        );
    }
    Ok(out)
}

pub fn for_case(conn: &Connection, case_id: &str, settings: &CareSettings, now_ms: i64) -> Result<Answering> {
    Ok(answering(conn, Some(case_id), settings, now_ms)?.remove(case_id).unwrap_or_default())
}

/// Nothing closes silently: a case whose customer waits for an answer closes once answered, or
/// once the owner has said no reply is needed.
pub fn check_can_close(conn: &Connection, case_id: &str, now_ms: i64) -> Result<()> {
    let a = for_case(conn, case_id, &CareSettings::load(conn)?, now_ms)?;
    if a.unanswered == 0 {
        return Ok(());
    }
    let case = crate::store::cases::get(conn, case_id)?;
    let who = crate::mail::compose::first_name(&case.customer_name).unwrap_or("The customer");
    let n = if a.unanswered == 1 { "a message".to_string() } else { format!("{} messages", a.unanswered) };
    Err(crate::Error::NeedsAnswer(format!(
        "{who} has {n} with no answer yet: reply first (a thank-you note deserves one too), or, as the owner, \
         mark it “No reply needed”"
    )))
}

/// A note of thanks, not a question: praise with no request, complaint or question in it.
pub fn is_thank_you(body: &str) -> bool {
    use crate::triage::signals;
    let own = signals::own_words(body);
    signals::reading(&own).labels == ["praise"] && !own.contains('?')
}

/// "2 days", "5 hours".
pub fn span(ms: i64) -> String {
    let plural = |n: i64, unit: &str| format!("{n} {unit}{}", if n == 1 { "" } else { "s" });
    if ms >= 2 * DAY_MS { plural(ms / DAY_MS, "day") } else { plural((ms / HOUR_MS).max(1), "hour") }
}

/// The tracker's totals for the sidebar.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    pub cases: u32,
    pub messages: u32,
    pub overdue: u32,
    pub nudges: u32,
}

pub fn totals(map: &HashMap<String, Answering>) -> Totals {
    map.values().fold(Totals::default(), |mut t, a| {
        t.cases += u32::from(a.unanswered > 0);
        t.messages += a.unanswered;
        t.overdue += u32::from(a.overdue);
        t.nudges += u32::from(a.nudge.is_some());
        t
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_thank_you_note_is_praise_without_a_question() {
        assert!(is_thank_you("Just wanted to say thank you, the course is amazing. Love it!"));
        assert!(!is_thank_you("The course is amazing! Could I get a team licence?"));
        assert!(!is_thank_you("Thanks. The download link is broken and this is unacceptable."));
    }

    #[test]
    fn spans_read_like_a_person_says_them() {
        assert_eq!(span(3 * DAY_MS + HOUR_MS), "3 days");
        assert_eq!(span(30 * HOUR_MS), "30 hours");
        assert_eq!(span(HOUR_MS), "1 hour");
        assert_eq!(span(60_000), "1 hour");
    }
}
