//! Sending the outbox over SMTP, exactly once as far as the mailbox can tell.
//!
//! For each due reply: the traffic cop first (new mail on the case since the reply was written
//! parks it for review); a reply left `sending` by a crash is looked up in Sent by Message-ID and
//! not sent again if it is there; then the attempt is counted and committed; then SMTP; then the
//! copy is APPENDed to Sent; then the reply is marked sent. What remains is a window of a few
//! milliseconds between the server's acceptance and the APPEND, in which a crash would send twice.

use lettre::AsyncTransport;
use lettre::address::Envelope;
use lettre::transport::smtp::authentication::Mechanism;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};

use super::imap::Session;
use crate::error::{Error, Result};
use crate::store::accounts::Account;
use crate::store::{Store, cases, outbox};
use crate::time::now_ms;

/// Tries before a reply is parked with the last error.
pub const MAX_ATTEMPTS: u32 = 5;

#[derive(Debug, Default, Clone, PartialEq)]
pub struct SendSummary {
    pub sent: u32,
    pub retrying: u32,
    pub parked: u32,
}

/// Seconds before retry `n` (1-based): doubling from the base, at most an hour.
fn backoff_ms(attempt: u32) -> i64 {
    let base: i64 = std::env::var("KINDLY_SEND_RETRY_SECS").ok().and_then(|v| v.parse().ok()).unwrap_or(60);
    (base * 1000).saturating_mul(1 << attempt.saturating_sub(1).min(6)).min(3_600_000)
}

/// SMTP security from the account: none when the account says none; otherwise implicit TLS on
/// port 465 and STARTTLS required elsewhere (587, 25), whatever the IMAP side uses (Microsoft
/// 365 and iCloud pair IMAP over TLS with SMTP over STARTTLS). Trust as for IMAP.
fn smtp_tls(account: &Account) -> Result<Tls> {
    if account.security == "none" {
        return Ok(Tls::None);
    }
    let mut params = TlsParameters::builder(account.smtp_host.clone());
    let pem = super::tls::extra_ca_pem()?;
    if !pem.is_empty() {
        let cert =
            Certificate::from_pem(&pem).map_err(|e| Error::Invalid(format!("{}: {e}", super::tls::EXTRA_CA_VAR)))?;
        params = params.add_root_certificate(cert);
    }
    let params = params.build_rustls().map_err(|e| Error::Invalid(format!("SMTP TLS setup: {e}")))?;
    Ok(if account.smtp_port == 465 { Tls::Wrapper(params) } else { Tls::Required(params) })
}

/// The SMTP secret and the mechanisms to offer it with: a password goes by PLAIN or LOGIN
/// (lettre's defaults), an OAuth2 access token by XOAUTH2 only (never as a password).
fn smtp_auth(credentials: &super::imap::Credentials) -> (String, Vec<Mechanism>) {
    match credentials {
        super::imap::Credentials::Password(p) => (p.clone(), vec![Mechanism::Plain, Mechanism::Login]),
        super::imap::Credentials::OAuth2 { access_token } => (access_token.clone(), vec![Mechanism::Xoauth2]),
    }
}

async fn in_sent(imap: &mut Session, sent: &str, message_id: &str) -> Result<bool> {
    imap.select(sent).await.map_err(|e| Error::Invalid(format!("cannot open {sent}: {e}")))?;
    let id = message_id.replace('"', "");
    let found = imap
        .uid_search(format!("HEADER Message-ID \"{id}\""))
        .await
        .map_err(|e| Error::Invalid(format!("searching {sent}: {e}")))?;
    Ok(!found.is_empty())
}

pub async fn send_due(
    store: &mut Store,
    imap: &mut Session,
    account: &Account,
    credentials: &super::imap::Credentials,
    sent: &str,
) -> Result<SendSummary> {
    let mut summary = SendSummary::default();
    let (secret, mechanisms) = smtp_auth(credentials);
    let transport = lettre::AsyncSmtpTransport::<lettre::Tokio1Executor>::builder_dangerous(account.smtp_host.clone())
        .port(account.smtp_port)
        .tls(smtp_tls(account)?)
        .credentials(lettre::transport::smtp::authentication::Credentials::new(account.username.clone(), secret))
        .authentication(mechanisms)
        .timeout(Some(std::time::Duration::from_secs(30)))
        .build();
    for item in outbox::due(store.conn(), now_ms())? {
        let case = cases::get(store.conn(), &item.case_id)?;
        // The traffic cop: someone wrote (the customer, or the other replica's reply came back
        // through Sent) or the case was closed after this reply was written.
        let answered = || -> Result<bool> {
            Ok(crate::store::messages::for_case(store.conn(), &item.case_id)?
                .iter()
                .any(|m| m.direction == crate::store::messages::Direction::Outbound && !m.automated))
        };
        let held = if item.state != "queued" {
            None
        } else if item.kind == "ack" {
            answered()?.then_some("not needed: the case was answered before the acknowledgement went out")
        } else if case.last_message_ms > item.case_seen_ms {
            Some("new mail arrived on this case after the reply was written: read it, then send again")
        } else if case.status == "closed" {
            Some("the case was closed after this reply was written: reopen it if the reply should still go")
        } else {
            None
        };
        if let Some(reason) = held {
            store.write(|tx| outbox::mark_failed(tx, item.id, reason, None))?;
            summary.parked += 1;
            continue;
        }
        // After a crash, or an acknowledgement the other replica may have sent: is it in Sent already?
        if (item.state == "sending" || item.kind == "ack") && in_sent(imap, sent, &item.message_id).await? {
            store.write(|tx| outbox::mark_sent(tx, item.id, now_ms()))?;
            summary.sent += 1;
            continue;
        }
        store.write(|tx| outbox::begin_attempt(tx, item.id))?;
        let attempt = item.attempts + 1;
        let envelope = Envelope::new(
            Some(account.email.parse().map_err(|e| Error::Invalid(format!("support address: {e}")))?),
            vec![item.to_email.parse().map_err(|e| Error::Invalid(format!("customer address: {e}")))?],
        )
        .map_err(|e| Error::Invalid(e.to_string()))?;
        match transport.send_raw(&envelope, &item.raw).await {
            Ok(_) => {
                imap.append(sent, Some("(\\Seen)"), None, &item.raw)
                    .await
                    .map_err(|e| Error::Invalid(format!("the reply was sent but not copied to {sent}: {e}")))?;
                if std::env::var_os("KINDLY_TEST_CRASH_AFTER_SENT_COPY").is_some() {
                    std::process::abort(); // the crash test: accepted and copied, not yet committed
                }
                store.write(|tx| outbox::mark_sent(tx, item.id, now_ms()))?;
                summary.sent += 1;
            }
            Err(e) => {
                let words = e.to_string();
                let park = e.is_permanent() || attempt >= MAX_ATTEMPTS;
                let retry_at = (!park).then(|| now_ms() + backoff_ms(attempt));
                let reason = if e.is_permanent() {
                    format!("the mail server refused this reply: {words}")
                } else {
                    format!("could not send (try {attempt} of {MAX_ATTEMPTS}): {words}")
                };
                store.write(|tx| outbox::mark_failed(tx, item.id, &reason, retry_at))?;
                if park {
                    summary.parked += 1;
                } else {
                    summary.retrying += 1;
                }
            }
        }
    }
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mail::imap::Credentials;

    #[test]
    fn a_token_goes_by_xoauth2_and_a_password_by_plain_or_login() {
        let (secret, mechanisms) = smtp_auth(&Credentials::OAuth2 { access_token: "ya29.token".into() });
        assert_eq!((secret.as_str(), mechanisms), ("ya29.token", vec![Mechanism::Xoauth2]));
        let creds = lettre::transport::smtp::authentication::Credentials::new("a@b.example".into(), secret);
        assert_eq!(
            Mechanism::Xoauth2.response(&creds, None).unwrap(),
            crate::mail::oauth::xoauth2("a@b.example", "ya29.token")
        );
        let (_, mechanisms) = smtp_auth(&Credentials::Password("pw".into()));
        assert_eq!(mechanisms, vec![Mechanism::Plain, Mechanism::Login]);
    }
}
