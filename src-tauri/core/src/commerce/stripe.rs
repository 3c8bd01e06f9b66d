//! Orders and refunds from Stripe's API, and refunds through it.
//!
//! Wire format (https://docs.stripe.com/api):
//! - Auth: `Authorization: Bearer <secret or restricted key>`.
//! - Lists: `GET /v1/charges?limit=100[&created[gte]=UNIX_S][&starting_after=ch_…]` and
//!   `GET /v1/refunds?limit=100[&created[gte]=UNIX_S][&starting_after=re_…]`, newest first, each
//!   answering `{"object":"list","data":[…],"has_more":bool}`; the next page starts after the last
//!   id of this one.
//! - A charge: `id`, `amount` (minor units), `amount_refunded`, `currency` (lowercase ISO),
//!   `created` (Unix seconds), `status` (`succeeded`|`pending`|`failed`), `paid`, `refunded` (in
//!   full), `billing_details.{email,name}`, `receipt_email`, `description`, `metadata` (a
//!   `product` entry names the product when there is one).
//! - A refund: `id`, `amount`, `charge`, `created`, `status` (`succeeded`|`pending`|`failed`|
//!   `canceled`).
//! - Errors: HTTP 4xx/5xx with `{"error":{"type","message","code"}}`; 429 when rate-limited.
//! - Refund: `POST /v1/refunds` with the form `charge=ch_…` (the whole amount) and an
//!   `Idempotency-Key` header: Stripe answers a repeated key with the first answer, so a retry
//!   never refunds twice. A charge refunded already answers `code: charge_already_refunded`.
//!
//! Incremental: the cursor is the newest `created` seen for charges and for refunds; the next run
//! asks for `created[gte]=` it (the same second again, so nothing created in it is missed; the
//! upsert makes the repeats no-ops). Refunds are read first, so a refunded charge gets its refund's
//! time; refunds of charges imported on an earlier run mark those orders refunded. Only full
//! refunds count: a partial one leaves the order paid and is reported. A bad record is reported
//! and skipped; `--full` reads everything again.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::http::{Http, MAX_TRIES, Repeat, Reply};
use super::ingest::{self, ImportSummary, Incoming, Provider, RecordError, RefundSeen};
use super::money;
use crate::error::{Error, Result};
use crate::store::Store;
use crate::store::orders::Order;

const PROVIDER: Provider = Provider::Stripe;
const PAGE: &str = "100";

#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Cursor {
    /// Newest charge `created` seen (Unix s); 0: none yet.
    #[serde(default)]
    pub charges: i64,
    #[serde(default)]
    pub refunds: i64,
}

pub struct Stripe {
    http: Http,
    base: String,
    key: String,
}

/// What Stripe's error body says, for the message.
fn error_text(body: &str) -> (String, String, String) {
    let v: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    let e = &v["error"];
    let s = |k: &str| e[k].as_str().unwrap_or_default().to_string();
    (s("type"), s("code"), s("message"))
}

/// A failed answer as a sentence that says what to do.
pub fn explain(reply: &Reply) -> Error {
    let (kind, code, message) = error_text(&reply.body);
    let said = if message.is_empty() { String::new() } else { format!(": “{message}”") };
    Error::Provider(match reply.status {
        401 => format!(
            "Stripe refused the API key{said}. Check the API key (Stripe Dashboard → Developers → API keys) and \
             connect again with `kindly import-orders --stripe --key-stdin`"
        ),
        403 => format!(
            "the Stripe key may not do this{said}. Use the secret key, or give the restricted key read access to \
             Charges and Refunds (and write access to Refunds to refund from Kindly)"
        ),
        429 => format!(
            "Stripe is still rate-limiting after {MAX_TRIES} tries{said}: wait a minute and run the import again"
        ),
        s @ 500..=599 => format!(
            "Stripe had a problem (HTTP {s}) {} times in a row{said}: try again later (status.stripe.com)",
            reply.tries
        ),
        s => {
            let what = [kind, code].into_iter().filter(|x| !x.is_empty()).collect::<Vec<_>>().join(", ");
            format!(
                "Stripe refused the request (HTTP {s}{}){said}",
                if what.is_empty() { what } else { format!(", {what}") }
            )
        }
    })
}

fn str_at<'a>(v: &'a Value, path: &[&str]) -> &'a str {
    path.iter().fold(v, |v, k| &v[*k]).as_str().unwrap_or_default().trim()
}

/// A charge as an order; `Ok(None)` for charges that are not payments (failed, pending).
pub fn parse_charge(v: &Value, refunded_at: Option<i64>, now_ms: i64) -> std::result::Result<Option<Incoming>, String> {
    let id = v["id"].as_str().filter(|s| !s.is_empty()).ok_or("has no id")?;
    if v["status"].as_str() != Some("succeeded") || v["paid"].as_bool() == Some(false) {
        return Ok(None);
    }
    let amount = v["amount"]
        .as_i64()
        .filter(|a| *a >= 0)
        .ok_or_else(|| format!("amount `{}` is not a whole number of minor units", v["amount"]))?;
    let currency = v["currency"].as_str().unwrap_or_default().to_ascii_uppercase();
    if !money::valid_currency(&currency) {
        return Err(format!(
            "currency `{}` is not a three-letter ISO code",
            v["currency"].as_str().unwrap_or_default()
        ));
    }
    let created = v["created"].as_i64().filter(|c| *c > 0).ok_or("has no `created` time")?;
    let raw_email = [str_at(v, &["billing_details", "email"]), str_at(v, &["receipt_email"])]
        .into_iter()
        .find(|e| !e.is_empty())
        .unwrap_or_default();
    let email = ingest::email(raw_email)?;
    let product = [str_at(v, &["metadata", "product"]), str_at(v, &["description"])]
        .into_iter()
        .find(|p| !p.is_empty())
        .unwrap_or("Stripe payment")
        .to_string();
    let refunded = v["refunded"].as_bool().unwrap_or(false);
    Ok(Some(Incoming {
        email,
        name: str_at(v, &["billing_details", "name"]).to_string(),
        order: Order {
            source: PROVIDER.source().into(),
            order_id: id.into(),
            product,
            amount_minor: amount,
            currency,
            purchased_ms: created * 1000,
            // A full refund whose record we did not read (older than the cursor): seen now.
            refunded_ms: refunded.then(|| refunded_at.unwrap_or(now_ms)),
        },
    }))
}

/// A refund: (charge id, amount, created ms); `Ok(None)` for failed or canceled ones.
pub fn parse_refund(v: &Value) -> std::result::Result<Option<(String, i64, i64)>, String> {
    v["id"].as_str().filter(|s| !s.is_empty()).ok_or("has no id")?;
    if !matches!(v["status"].as_str(), Some("succeeded" | "pending")) {
        return Ok(None);
    }
    // `charge` is an id, or the charge object when expanded.
    let charge = v["charge"].as_str().or_else(|| v["charge"]["id"].as_str()).filter(|c| !c.is_empty());
    let charge = charge.ok_or("names no charge (refunds of other payment methods are not orders here)")?;
    let amount = v["amount"].as_i64().filter(|a| *a >= 0).ok_or("has no amount")?;
    let created = v["created"].as_i64().filter(|c| *c > 0).ok_or("has no `created` time")?;
    Ok(Some((charge.to_string(), amount, created * 1000)))
}

/// Progress: records read so far.
pub type Progress<'a> = &'a mut dyn FnMut(u64);

impl Stripe {
    pub fn new(key: String) -> Result<Stripe> {
        Ok(Stripe { http: Http::new("Stripe")?, base: PROVIDER.base_url(), key })
    }

    /// The store's Stripe connection, or `None` when none was made.
    pub fn connected(store: &Store) -> Result<Option<Stripe>> {
        ingest::key(store.conn(), PROVIDER)?.map(Stripe::new).transpose()
    }

    /// Every page of a list, newest first; each record is handed to `each` as it arrives.
    async fn list(&self, path: &str, created_gte: i64, mut each: impl FnMut(&Value) -> Result<()>) -> Result<()> {
        let url = format!("{}{path}", self.base);
        let mut after: Option<String> = None;
        // Bounded: a server that always says has_more with the same last id cannot keep us here.
        for _ in 0..100_000 {
            let mut query = vec![("limit", PAGE.to_string())];
            if created_gte > 0 {
                query.push(("created[gte]", created_gte.to_string()));
            }
            if let Some(a) = &after {
                query.push(("starting_after", a.clone()));
            }
            let reply = self.http.send(Repeat::Safe, |c| c.get(&url).bearer_auth(&self.key).query(&query)).await?;
            if !reply.ok() {
                return Err(explain(&reply));
            }
            let page: Value = serde_json::from_str(&reply.body).map_err(|e| {
                Error::Provider(format!(
                    "Stripe's answer to {path} is not the list it documents ({e}); try again later"
                ))
            })?;
            let data = page["data"].as_array().ok_or_else(|| {
                Error::Provider(format!("Stripe's answer to {path} has no `data` list; try again later"))
            })?;
            for record in data {
                each(record)?;
            }
            let last = data.last().and_then(|r| r["id"].as_str()).map(str::to_string);
            if page["has_more"].as_bool() != Some(true) || last.is_none() || last == after {
                return Ok(());
            }
            after = last;
        }
        Ok(())
    }

    /// Imports charges and refunds newer than the cursor (everything with `full`).
    pub async fn import(&self, store: &mut Store, full: bool, progress: Progress<'_>) -> Result<ImportSummary> {
        let mut cursor: Cursor = if full { Cursor::default() } else { ingest::cursor(store.conn(), PROVIDER)? };
        let mut summary = ImportSummary::default();
        let mut read = 0u64;

        // Refunds first: charge id → (amount refunded, earliest time).
        let mut refunded: BTreeMap<String, (i64, i64, String)> = BTreeMap::new();
        let mut newest = cursor.refunds;
        self.list("/v1/refunds", cursor.refunds, |r| {
            read += 1;
            progress(read);
            newest = newest.max(r["created"].as_i64().unwrap_or(0));
            let id = r["id"].as_str().unwrap_or("?").to_string();
            match parse_refund(r) {
                Ok(Some((charge, amount, at))) => {
                    let entry = refunded.entry(charge).or_insert((0, at, id.clone()));
                    entry.0 += amount;
                    entry.1 = entry.1.min(at);
                }
                Ok(None) => summary.ignored += 1,
                Err(reason) => summary.errors.push(RecordError { record: format!("refund {id}"), reason }),
            }
            Ok(())
        })
        .await?;
        let refunds_cursor = newest;

        // Then charges, a page at a time.
        let mut newest = cursor.charges;
        let mut batch = Vec::new();
        let now = store.now_ms();
        self.list("/v1/charges", cursor.charges, |c| {
            read += 1;
            progress(read);
            newest = newest.max(c["created"].as_i64().unwrap_or(0));
            let id = c["id"].as_str().unwrap_or("?");
            let full_refund_at = |amount: i64| refunded.get(id).filter(|r| r.0 >= amount).map(|r| r.1);
            let at = c["amount"].as_i64().and_then(full_refund_at);
            match parse_charge(c, at, now) {
                Ok(Some(incoming)) => batch.push(incoming),
                Ok(None) => summary.ignored += 1,
                Err(reason) => summary.errors.push(RecordError { record: format!("charge {id}"), reason }),
            }
            if batch.len() >= 100 {
                let orders = std::mem::take(&mut batch);
                store.write(|tx| ingest::apply(tx, PROVIDER.source(), &orders, &[], now, &mut summary))?;
            }
            Ok(())
        })
        .await?;
        cursor.charges = newest;
        cursor.refunds = refunds_cursor;

        // Refunds of orders already here, the last page of charges and the cursor in one go.
        let seen: Vec<RefundSeen> = refunded
            .iter()
            .map(|(charge, (amount, at, refund_id))| RefundSeen {
                order_id: charge.clone(),
                at_ms: *at,
                amount_minor: Some(*amount),
                record: format!("refund {refund_id}"),
            })
            .collect();
        store.write(|tx| {
            ingest::apply(tx, PROVIDER.source(), &batch, &seen, now, &mut summary)?;
            ingest::set_cursor(tx, PROVIDER, &cursor)
        })?;
        Ok(summary)
    }

    /// Refunds the charge in full. The idempotency key is derived from the charge, so a retry
    /// (ours after a lost answer, or the user's running it again) never refunds twice. Returns the
    /// refund's id, or `None` when Stripe says the charge was refunded already.
    pub async fn refund(&self, charge: &str) -> Result<Option<String>> {
        let url = format!("{}/v1/refunds", self.base);
        let key = idempotency_key(charge);
        let reply = self
            .http
            .send(Repeat::Safe, |c| {
                c.post(&url).bearer_auth(&self.key).header("Idempotency-Key", &key).form(&[("charge", charge)])
            })
            .await?;
        if !reply.ok() {
            let (_, code, _) = error_text(&reply.body);
            if code == "charge_already_refunded" {
                return Ok(None);
            }
            return Err(explain(&reply));
        }
        let v: Value = serde_json::from_str(&reply.body).unwrap_or(Value::Null);
        match v["status"].as_str() {
            Some("failed" | "canceled") => Err(Error::Provider(format!(
                "Stripe could not refund charge {charge} (refund {} {}): refund it in the Stripe Dashboard",
                v["id"].as_str().unwrap_or("?"),
                v["failure_reason"].as_str().unwrap_or("failed")
            ))),
            _ => Ok(Some(v["id"].as_str().unwrap_or_default().to_string())),
        }
    }
}

/// The same for every try and every replica: one refund per charge, ever.
pub fn idempotency_key(charge: &str) -> String {
    format!("kindly-refund-stripe-{charge}")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn charge() -> Value {
        json!({
            "id": "ch_1", "object": "charge", "amount": 4900, "amount_refunded": 0, "currency": "usd",
            "created": 1_787_000_000, "status": "succeeded", "paid": true, "refunded": false,
            "billing_details": {"email": "Ann@Example.com", "name": "Ann Lee"}, "receipt_email": null,
            "description": "The Calm Inbox", "metadata": {}
        })
    }

    #[test]
    fn a_paid_charge_is_an_order() {
        let got = parse_charge(&charge(), None, 5).unwrap().unwrap();
        assert_eq!((got.email.as_str(), got.name.as_str()), ("ann@example.com", "Ann Lee"));
        assert_eq!(got.order.order_id, "ch_1");
        assert_eq!((got.order.amount_minor, got.order.currency.as_str()), (4900, "USD"));
        assert_eq!(got.order.purchased_ms, 1_787_000_000_000);
        assert_eq!(got.order.product, "The Calm Inbox");
        assert_eq!(got.order.refunded_ms, None);
    }

    #[test]
    fn receipt_email_metadata_product_and_full_refunds() {
        let mut c = charge();
        c["billing_details"]["email"] = Value::Null;
        c["receipt_email"] = json!("bo@example.com");
        c["metadata"] = json!({"product": "Bundle"});
        c["refunded"] = json!(true);
        let got = parse_charge(&c, Some(77), 5).unwrap().unwrap();
        assert_eq!(
            (got.email.as_str(), got.order.product.as_str(), got.order.refunded_ms),
            ("bo@example.com", "Bundle", Some(77))
        );
        assert_eq!(parse_charge(&c, None, 5).unwrap().unwrap().order.refunded_ms, Some(5));
    }

    #[test]
    fn failed_charges_are_not_orders_and_bad_ones_say_why() {
        let mut c = charge();
        c["status"] = json!("failed");
        assert_eq!(parse_charge(&c, None, 0), Ok(None));
        let mut c = charge();
        c["amount"] = json!("49.00");
        assert!(parse_charge(&c, None, 0).unwrap_err().contains("minor units"));
        let mut c = charge();
        c["billing_details"]["email"] = Value::Null;
        assert!(parse_charge(&c, None, 0).unwrap_err().contains("no customer email"));
        let mut c = charge();
        c["currency"] = json!("dollars");
        assert!(parse_charge(&c, None, 0).unwrap_err().contains("currency"));
    }

    #[test]
    fn refunds_name_their_charge() {
        let r =
            json!({"id": "re_1", "amount": 4900, "charge": "ch_1", "created": 1_787_000_100, "status": "succeeded"});
        assert_eq!(parse_refund(&r), Ok(Some(("ch_1".into(), 4900, 1_787_000_100_000))));
        let failed = json!({"id": "re_2", "amount": 4900, "charge": "ch_1", "created": 1, "status": "failed"});
        assert_eq!(parse_refund(&failed), Ok(None));
        let orphan = json!({"id": "re_3", "amount": 1, "charge": null, "created": 1, "status": "succeeded"});
        assert!(parse_refund(&orphan).is_err());
    }

    #[test]
    fn errors_say_what_to_do() {
        let reply = |status, body: &str| Reply { status, body: body.into(), tries: 1 };
        let e = explain(&reply(
            401,
            r#"{"error":{"type":"invalid_request_error","message":"Invalid API Key provided: sk_test_****abcd"}}"#,
        ));
        assert!(e.to_string().contains("check the API key") || e.to_string().contains("Check the API key"), "{e}");
        assert_eq!(e.code(), "provider");
        let e = explain(&reply(
            400,
            r#"{"error":{"type":"invalid_request_error","code":"resource_missing","message":"No such charge"}}"#,
        ));
        assert!(e.to_string().contains("resource_missing") && e.to_string().contains("No such charge"), "{e}");
        assert!(explain(&reply(503, "oops")).to_string().contains("try again later"));
    }
}
