//! Composing a reply: To the customer by name, "Re:" the case, In-Reply-To and References so it
//! threads everywhere, a greeting with the customer's first name, a Message-ID of our own domain.

use lettre::message::{Mailbox, header::ContentType};

use crate::error::{Error, Result};
use crate::store::accounts::Account;
use crate::store::{cases, messages};

pub struct Reply {
    pub message_id: String,
    pub to_email: String,
    pub raw: Vec<u8>,
    /// The case's newest message when the reply was written (for the traffic cop).
    pub case_seen_ms: i64,
}

/// The customer's first name, as a greeting would use it.
pub fn first_name(full: &str) -> Option<&str> {
    full.split_whitespace().next().filter(|w| w.chars().any(char::is_alphabetic) && !w.contains('@'))
}

/// Prepends "Hi Ann," unless the body already opens with a greeting.
pub fn with_greeting(body: &str, customer_name: &str) -> String {
    let opening = body.trim_start().to_lowercase();
    let greeted = ["hi", "hello", "dear", "hey", "good morning", "good afternoon", "hola", "hallo", "bonjour"]
        .iter()
        .any(|g| opening.starts_with(g));
    match first_name(customer_name) {
        Some(first) if !greeted => format!("Hi {first},\n\n{}", body.trim_start()),
        _ => body.to_string(),
    }
}

fn new_message_id(account_email: &str) -> Result<String> {
    let mut bytes = [0u8; 12];
    getrandom::fill(&mut bytes).map_err(|e| Error::Invalid(format!("no randomness for a Message-ID: {e}")))?;
    let domain = account_email.rsplit_once('@').map_or("kindly.invalid", |(_, d)| d);
    Ok(format!("<{}@{domain}>", hex::encode(bytes)))
}

pub fn reply(conn: &rusqlite::Connection, case_id: &str, body: &str, account: &Account) -> Result<Reply> {
    compose(conn, case_id, body, account, new_message_id(&account.email)?)
}

/// The reply on `case_id` with `body`, as it will be sent, under `message_id`.
pub fn compose(
    conn: &rusqlite::Connection,
    case_id: &str,
    body: &str,
    account: &Account,
    message_id: String,
) -> Result<Reply> {
    let case = cases::get(conn, case_id)?;
    if case.customer_email.is_empty() {
        return Err(Error::Invalid("this case has no customer address to reply to".into()));
    }
    let thread = messages::for_case(conn, case_id)?;
    let parent = thread.iter().rev().find(|m| m.direction == messages::Direction::Inbound).or(thread.last());
    // The last ten messages of the thread, oldest first.
    let references: Vec<&str> =
        thread[thread.len().saturating_sub(10)..].iter().map(|m| m.message_id.as_str()).collect();
    let subject = if case.subject.to_lowercase().starts_with("re:") {
        case.subject.clone()
    } else {
        format!("Re: {}", case.subject)
    };
    let bad = |what: &str, e: &dyn std::fmt::Display| Error::Invalid(format!("{what}: {e}"));
    let from: Mailbox = account.email.parse().map_err(|e| bad("the support address is not valid", &e))?;
    let to = Mailbox::new(
        (!case.customer_name.is_empty()).then(|| case.customer_name.clone()),
        case.customer_email.parse().map_err(|e| bad("the customer's address is not valid", &e))?,
    );
    let mut builder =
        lettre::Message::builder().from(from).to(to).subject(subject).message_id(Some(message_id.clone())).date_now();
    if let Some(parent) = parent {
        builder = builder.in_reply_to(parent.message_id.clone());
    }
    if !references.is_empty() {
        builder = builder.references(references.join(" "));
    }
    let message = builder
        .header(ContentType::TEXT_PLAIN)
        .body(with_greeting(body, &case.customer_name))
        .map_err(|e| bad("the reply could not be composed", &e))?;
    Ok(Reply {
        message_id,
        to_email: case.customer_email,
        raw: message.formatted(),
        case_seen_ms: case.last_message_ms,
    })
}

/// Queues a reply on case `case_id` from the connected mailbox, in one transaction with the case
/// change: the reply goes to the outbox and the case waits on the customer.
pub fn queue_reply(conn: &rusqlite::Connection, now_ms: i64, case_id: &str, body: &str) -> Result<Reply> {
    if body.trim().is_empty() {
        return Err(Error::BadArgs("the reply is empty: write it first".into()));
    }
    let account = crate::store::accounts::first(conn)?.ok_or(Error::NoMailbox)?;
    let reply = reply(conn, case_id, body, &account)?;
    crate::store::outbox::queue(
        conn,
        &crate::store::outbox::NewItem {
            case_id,
            message_id: &reply.message_id,
            to_email: &reply.to_email,
            raw: &reply.raw,
            case_seen_ms: reply.case_seen_ms,
        },
        now_ms,
    )?;
    crate::sync::edit::set_status(conn, now_ms, case_id, "waiting")?;
    crate::sync::edit::presence(conn, now_ms, None)?;
    Ok(reply)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn greets_by_first_name_once() {
        assert_eq!(
            with_greeting("Your refund is on its way.", "Maria Gonzalez"),
            "Hi Maria,\n\nYour refund is on its way."
        );
        assert_eq!(with_greeting("Hello Maria! Done.", "Maria Gonzalez"), "Hello Maria! Done.");
        assert_eq!(with_greeting("Done.", ""), "Done.");
        assert_eq!(first_name("ann@example.com"), None);
    }
}
