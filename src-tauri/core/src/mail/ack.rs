//! The acknowledgement: the only mail Kindly ever sends on its own. Written by the owner,
//! personalized (first name, what they bought), sent once per new case, never to automated or
//! bulk mail, never twice to one person within 24 hours, and never for mail that was already
//! there when it was switched on. It is not an answer: the case stays open for a person.
//!
//! Two replicas see the same new mail, so only the owner's replica sends acknowledgements, and
//! each has a Message-ID derived from its case, which the outbox looks for in Sent before sending.

use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::compose;
use crate::error::{Error, Result};
use crate::store::{accounts, cases, messages, orders, outbox, settings};
use crate::sync::{Role, replica};
use crate::time::DAY_MS;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AckSettings {
    pub enabled: bool,
    /// The owner's words. `{first_name}`, `{product}` and `{subject}` are filled in.
    pub body: String,
    /// Mail that reached Kindly before this moment is never acknowledged.
    #[ts(type = "number")]
    #[serde(default)]
    pub enabled_since_ms: i64,
}

impl Default for AckSettings {
    fn default() -> Self {
        AckSettings {
            enabled: false,
            body: "Thank you for writing about {subject}. This is a quick note to say your message arrived: \
                   I read every message myself and will answer you personally, usually within a day.\n"
                .into(),
            enabled_since_ms: 0,
        }
    }
}

impl AckSettings {
    pub const KEY: &str = "ack.settings";

    pub fn load(conn: &Connection) -> Result<Self> {
        Ok(settings::get(conn, Self::KEY)?.and_then(|v| serde_json::from_str(&v).ok()).unwrap_or_default())
    }

    pub fn validate(&self) -> Result<()> {
        if self.enabled && self.body.trim().chars().count() < 20 {
            return Err(Error::BadArgs("write the acknowledgement first (a sentence or two, in your words)".into()));
        }
        Ok(())
    }
}

/// Fills the owner's template for one customer.
pub fn personalize(template: &str, first_name: Option<&str>, product: Option<&str>, subject: &str) -> String {
    let subject = subject.trim().trim_start_matches("Re:").trim_start_matches("RE:").trim();
    let subject = if subject.is_empty() { "your message".to_string() } else { format!("“{subject}”") };
    template
        .replace("{first_name}", first_name.unwrap_or("there"))
        .replace("{product}", product.unwrap_or("your order"))
        .replace("{subject}", &subject)
}

/// How far back a new case may start (by its Date) and still be acknowledged: a first sync of
/// an old mailbox acknowledges nothing.
const FRESH_FOR_MS: i64 = DAY_MS;

/// Queues the acknowledgements that are due now; returns how many.
pub fn queue_due(conn: &Connection, now_ms: i64) -> Result<usize> {
    let ack = AckSettings::load(conn)?;
    if !ack.enabled || replica::local(conn)?.acting_role() != Role::Owner {
        return Ok(0);
    }
    let Some(account) = accounts::first(conn)? else { return Ok(0) };
    let ours = settings::support_addresses(conn)?;
    // New cases whose first message is the customer's, unanswered, and not already acknowledged.
    let mut stmt = conn.prepare_cached(
        "SELECT c.id FROM cases c
         WHERE c.created_ms >= ?2 AND c.unreadable = 0 AND c.customer_email != ''
           AND (SELECT min(m.imported_ms) FROM messages m WHERE m.case_id = c.id) >= ?1
           AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.case_id = c.id AND o.kind = 'ack')
           AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.case_id = c.id AND m.direction = 'outbound')
         ORDER BY c.created_ms",
    )?;
    let candidates: Vec<String> = stmt
        .query_map(params![ack.enabled_since_ms, now_ms - FRESH_FOR_MS], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut queued = 0;
    for id in candidates {
        let case = cases::get(conn, &id)?;
        let thread = messages::for_case(conn, &id)?;
        let first = thread.first();
        let automated = first.is_none_or(|m| m.automated || m.direction != messages::Direction::Inbound);
        let mailer_daemon = ["mailer-daemon@", "postmaster@", "noreply", "no-reply"]
            .iter()
            .any(|p| case.customer_email.to_ascii_lowercase().contains(p));
        if automated || mailer_daemon || ours.contains(&case.customer_email) || case.tags.iter().any(|t| t == "spam") {
            continue;
        }
        if acknowledged_recently(conn, &case.customer_email, now_ms)? {
            continue;
        }
        let product = match case.customer_id {
            Some(cid) => orders::for_customer(conn, cid)?.into_iter().next().map(|o| o.product),
            None => None,
        };
        let body = personalize(&ack.body, compose::first_name(&case.customer_name), product.as_deref(), &case.subject);
        let domain = account.email.rsplit_once('@').map_or("kindly.invalid", |(_, d)| d);
        let reply = compose::compose(conn, &id, &body, &account, format!("<ack-{id}@{domain}>"))?;
        // RFC 3834: an automatic answer says so, so other robots do not answer it.
        let mut raw = b"Auto-Submitted: auto-replied\r\n".to_vec();
        raw.extend_from_slice(&reply.raw);
        outbox::queue_kind(
            conn,
            &outbox::NewItem {
                case_id: &id,
                message_id: &reply.message_id,
                to_email: &reply.to_email,
                raw: &raw,
                case_seen_ms: reply.case_seen_ms,
            },
            "ack",
            now_ms,
        )?;
        queued += 1;
    }
    Ok(queued)
}

fn acknowledged_recently(conn: &Connection, email: &str, now_ms: i64) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT count(*) FROM outbox WHERE kind = 'ack' AND to_email = ?1 AND created_ms > ?2")?
        .query_row(params![email, now_ms - DAY_MS], |r| r.get::<_, i64>(0))?
        > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_in_the_name_product_and_subject_with_kind_fallbacks() {
        let t = "Hi {first_name}, thanks for buying {product}. About {subject}: I'll reply soon.";
        assert_eq!(
            personalize(t, Some("Maria"), Some("Watercolour Basics"), "Re: Download link"),
            "Hi Maria, thanks for buying Watercolour Basics. About “Download link”: I'll reply soon."
        );
        assert_eq!(
            personalize(t, None, None, ""),
            "Hi there, thanks for buying your order. About your message: I'll reply soon."
        );
    }

    #[test]
    fn an_empty_acknowledgement_cannot_be_switched_on() {
        let mut s = AckSettings { enabled: true, body: "  ".into(), enabled_since_ms: 0 };
        assert!(s.validate().is_err());
        s.body = AckSettings::default().body;
        assert!(s.validate().is_ok());
    }
}
