//! Who we are: the business's own addresses. Mail from them is outbound (our replies), never a
//! customer writing again. They come from the account, from `import --ours`, or, for an mbox or
//! maildir imported with no account, from the mail itself:
//! - the address that receives most of the mail (customers write to the support address), and
//! - any address that replies into a customer's thread, to a message that was sent to one of ours
//!   (the owner answering from a personal address on the same domain, an assistant's address).
//!
//! The inference reads envelopes only (`parse::envelope`), before the import places anything, so
//! every message lands with the right direction the first time.

use std::collections::{BTreeSet, HashMap, HashSet};

use super::parse::Envelope;

/// What an import learned about our addresses, for the summary and Settings.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Inference {
    /// Our addresses, in the order they were found.
    pub addresses: Vec<String>,
    /// Why each one is ours, in the same order (a sentence a person reads).
    pub why: Vec<String>,
}

/// A receiver of at least this share of the (person-written) mail is a support address.
const RECEIVER_SHARE: f64 = 0.2;
/// … and of at least this many messages, so two stray messages decide nothing.
const RECEIVER_MIN: usize = 3;

/// Learns our addresses from a mailbox's envelopes. Returns nothing when the mail gives no clear
/// answer (too little of it, or nobody who receives most of it).
pub fn infer(envelopes: impl IntoIterator<Item = Envelope>) -> Inference {
    let envelopes: Vec<Envelope> = envelopes.into_iter().filter(|e| !e.from.is_empty()).collect();
    let people: Vec<&Envelope> = envelopes.iter().filter(|e| !e.automated).collect();
    let mut out = Inference::default();

    // Customers write to the support address; our replies each go to a different customer.
    let mut received: HashMap<&str, usize> = HashMap::new();
    for e in &people {
        let unique: BTreeSet<&str> = e.recipients.iter().map(String::as_str).filter(|r| *r != e.from).collect();
        for r in unique {
            *received.entry(r).or_default() += 1;
        }
    }
    let floor = RECEIVER_MIN.max((people.len() as f64 * RECEIVER_SHARE).ceil() as usize);
    let mut receivers: Vec<(&str, usize)> = received.into_iter().filter(|&(_, n)| n >= floor).collect();
    receivers.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    for (address, n) in receivers {
        out.addresses.push(address.to_string());
        out.why.push(format!("receives {n} of {} messages", people.len()));
    }
    if out.addresses.is_empty() {
        return out;
    }

    // Replies into customers' threads: S answers a message that someone else sent to one of ours,
    // and S was not among its recipients (a customer's colleague in Cc is). Repeated until nothing
    // new is found, since a newly known address makes more replies recognizable.
    let by_id: HashMap<&str, &Envelope> =
        envelopes.iter().filter_map(|e| e.message_id.as_deref().map(|id| (id, e))).collect();
    loop {
        let ours: HashSet<&str> = out.addresses.iter().map(String::as_str).collect();
        let domains: HashSet<&str> = out.addresses.iter().filter_map(|a| domain(a)).collect();
        let mut answered: HashMap<&str, BTreeSet<&str>> = HashMap::new();
        for e in &people {
            let Some(parent) = e.in_reply_to.as_deref().and_then(|id| by_id.get(id)) else { continue };
            let to_us = parent.recipients.iter().any(|r| ours.contains(r.as_str()));
            let from_customer = !ours.contains(parent.from.as_str()) && !parent.automated;
            let bystander = parent.recipients.iter().any(|r| *r == e.from);
            if to_us && from_customer && !bystander && e.from != parent.from && !ours.contains(e.from.as_str()) {
                answered.entry(e.from.as_str()).or_default().insert(parent.from.as_str());
            }
        }
        // One answered customer is enough on our own domain; elsewhere it takes two.
        let mut found: Vec<(&str, usize)> = answered
            .into_iter()
            .map(|(s, customers)| (s, customers.len()))
            .filter(|&(s, n)| n >= 2 || domain(s).is_some_and(|d| domains.contains(d)))
            .collect();
        if found.is_empty() {
            return out;
        }
        found.sort();
        for (address, n) in found {
            out.addresses.push(address.to_string());
            out.why.push(format!("replies to {n} customer{} who wrote to us", if n == 1 { "" } else { "s" }));
        }
    }
}

fn domain(address: &str) -> Option<&str> {
    address.rsplit_once('@').map(|(_, d)| d).filter(|d| !d.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mail(id: &str, from: &str, to: &[&str], reply_to: Option<&str>) -> Envelope {
        Envelope {
            message_id: Some(format!("<{id}>")),
            from: from.into(),
            recipients: to.iter().map(|s| s.to_string()).collect(),
            in_reply_to: reply_to.map(|r| format!("<{r}>")),
            automated: false,
        }
    }

    #[test]
    fn the_support_address_and_everyone_who_answers_from_the_business_are_ours() {
        let envelopes = vec![
            mail("1", "ann@example.com", &["help@shop.example"], None),
            mail("2", "help@shop.example", &["ann@example.com"], Some("1")),
            mail("3", "bo@example.org", &["help@shop.example"], None),
            // The owner answers from a personal address on the business's domain.
            mail("4", "sam@shop.example", &["bo@example.org"], Some("3")),
            mail("5", "bo@example.org", &["sam@shop.example"], Some("4")),
            mail("6", "cy@example.net", &["help@shop.example", "dee@example.net"], None),
            // A colleague in Cc answering is a customer, not us.
            mail("7", "dee@example.net", &["help@shop.example"], Some("6")),
            mail("8", "eve@example.com", &["help@shop.example"], None),
        ];
        let found = infer(envelopes);
        assert_eq!(found.addresses, vec!["help@shop.example", "sam@shop.example"], "{found:?}");
        assert_eq!(found.why[0], "receives 5 of 8 messages");
    }

    #[test]
    fn an_outside_address_needs_two_answered_customers() {
        let mut envelopes = vec![
            mail("1", "ann@example.com", &["help@shop.example"], None),
            mail("2", "bo@example.org", &["help@shop.example"], None),
            mail("3", "cy@example.net", &["help@shop.example"], None),
            mail("4", "va@freelance.example", &["ann@example.com"], Some("1")),
        ];
        assert_eq!(infer(envelopes.clone()).addresses, vec!["help@shop.example"]);
        envelopes.push(mail("5", "va@freelance.example", &["bo@example.org"], Some("2")));
        assert_eq!(infer(envelopes).addresses, vec!["help@shop.example", "va@freelance.example"]);
    }

    #[test]
    fn too_little_or_scattered_mail_decides_nothing() {
        assert!(infer(vec![mail("1", "a@example.com", &["b@example.com"], None)]).addresses.is_empty());
        let scattered: Vec<Envelope> = (0..20)
            .map(|i| mail(&i.to_string(), &format!("p{i}@example.com"), &[&format!("q{i}@x.example")], None))
            .collect();
        assert!(infer(scattered).addresses.is_empty());
        assert!(infer(Vec::new()).addresses.is_empty());
    }
}
