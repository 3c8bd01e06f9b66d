//! The one HTTP client of the payment-provider imports (Stripe, Gumroad), with their shared retry
//! policy:
//!
//! - 429 Too Many Requests: wait what `Retry-After` says (seconds, at most a minute), else an
//!   exponential backoff with jitter; retried.
//! - 5xx and connection failures: exponential backoff with jitter; retried, but only when the
//!   request is safe to repeat (a GET, or a POST carrying an idempotency key).
//! - At most `MAX_TRIES` tries in all, then the last answer is returned for the caller to explain:
//!   never a loop without end.
//!
//! Error texts never carry the request's address: Gumroad's access token travels in it.

use std::time::Duration;

use crate::error::{Error, Result};

/// Tries per request, the first included.
pub const MAX_TRIES: u32 = 5;
/// Longest single wait, whatever the server asks.
const MAX_WAIT: Duration = Duration::from_secs(60);
/// First backoff step; doubles per try.
const BASE_MS: u64 = 500;

/// A response read in full.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub body: String,
    /// How many tries it took (1: the first).
    pub tries: u32,
}

impl Reply {
    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// Whether failing requests may be sent again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Repeat {
    /// Reads, and writes with an idempotency key: retried on 429, 5xx and lost connections.
    Safe,
    /// Writes the server cannot deduplicate: retried only on 429 (nothing happened then).
    OnlyWhenRateLimited,
}

pub struct Http {
    client: reqwest::Client,
    /// "Stripe", "Gumroad": for messages.
    provider: &'static str,
}

/// Delay before try `n + 1` after `n` failed tries (1-based): 0.5 s doubling up to a minute, plus
/// up to 25 % random jitter so many clients do not retry in step.
pub fn backoff(n: u32) -> Duration {
    let base_ms = BASE_MS.saturating_mul(1 << n.saturating_sub(1).min(10)).min(MAX_WAIT.as_millis() as u64);
    let mut noise = [0u8; 2];
    let jitter = if getrandom::fill(&mut noise).is_ok() {
        u64::from(u16::from_le_bytes(noise)) * base_ms / 4 / 65_535
    } else {
        0
    };
    Duration::from_millis(base_ms + jitter)
}

/// `Retry-After` as seconds (the HTTP-date form is rare at APIs; it falls back to the backoff).
pub fn retry_after(value: Option<&str>) -> Option<Duration> {
    let secs: f64 = value?.trim().parse().ok()?;
    (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs).min(MAX_WAIT))
}

impl Http {
    pub fn new(provider: &'static str) -> Result<Http> {
        let mut tls = (*crate::mail::tls::client_config()?).clone();
        tls.alpn_protocols = vec![b"http/1.1".to_vec()];
        let client = reqwest::Client::builder()
            .use_preconfigured_tls(tls)
            .timeout(Duration::from_secs(60))
            .connect_timeout(Duration::from_secs(20))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("Kindly/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Error::Provider(format!("cannot set up HTTP for {provider}: {}", e.without_url())))?;
        Ok(Http { client, provider })
    }

    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }

    /// Sends the request `build` makes (once per try) under the retry policy above and returns the
    /// final answer, whatever its status. Fails only when the server could not be reached at all.
    pub async fn send(
        &self,
        repeat: Repeat,
        build: impl Fn(&reqwest::Client) -> reqwest::RequestBuilder,
    ) -> Result<Reply> {
        let mut tries = 0;
        loop {
            tries += 1;
            let last = tries >= MAX_TRIES;
            let wait = match build(&self.client).send().await {
                Ok(response) => {
                    let status = response.status().as_u16();
                    let after = retry_after(response.headers().get("retry-after").and_then(|v| v.to_str().ok()));
                    let retry = match status {
                        429 => true,
                        500..=599 => repeat == Repeat::Safe,
                        _ => false,
                    };
                    if !retry || last {
                        let body = response.text().await.map_err(|e| {
                            Error::Provider(format!(
                                "{}'s answer was cut off ({}): check the network and try again",
                                self.provider,
                                e.without_url()
                            ))
                        })?;
                        return Ok(Reply { status, body, tries });
                    }
                    tracing::info!(provider = self.provider, status, tries, "retrying");
                    if status == 429 { after.unwrap_or_else(|| backoff(tries)) } else { backoff(tries) }
                }
                Err(e) if repeat == Repeat::Safe && !last && (e.is_connect() || e.is_timeout() || e.is_request()) => {
                    tracing::info!(provider = self.provider, tries, "connection failed; retrying");
                    backoff(tries)
                }
                Err(e) => {
                    return Err(Error::Provider(format!(
                        "cannot reach {} ({}): check the network and try again",
                        self.provider,
                        e.without_url()
                    )));
                }
            };
            tokio::time::sleep(wait).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_bounded_jitter_and_a_cap() {
        for n in 1..=12 {
            let base = (500u64 << (n - 1).min(10)).min(60_000);
            let d = backoff(n).as_millis() as u64;
            assert!(d >= base && d <= base + base / 4, "try {n}: {d} ms");
        }
    }

    #[test]
    fn retry_after_is_seconds_and_capped() {
        assert_eq!(retry_after(Some("2")), Some(Duration::from_secs(2)));
        assert_eq!(retry_after(Some(" 0.5 ")), Some(Duration::from_millis(500)));
        assert_eq!(retry_after(Some("86400")), Some(MAX_WAIT));
        assert_eq!(retry_after(Some("Wed, 21 Oct 2015 07:28:00 GMT")), None);
        assert_eq!(retry_after(Some("-1")), None);
        assert_eq!(retry_after(None), None);
    }
}
