//! Orders and refunds from Gumroad's API, and refunds through it.
//!
//! Wire format (https://gumroad.com/api):
//! - Auth: an `access_token` parameter (query for GET, form body for PUT). It is part of the
//!   address, so no message or log here ever shows an address.
//! - `GET /v2/sales?access_token=…[&after=YYYY-MM-DD][&page_key=…]` answers
//!   `{"success":true,"sales":[…],"next_page_key":"…"}`; the last page has no `next_page_key`.
//! - A sale: `id`, `email`, `full_name` (when given), `product_name`, `price` (cents of the sale's
//!   currency), `currency` (lowercase ISO; older answers carry only `currency_symbol`),
//!   `created_at` (ISO 8601), `refunded`, `partially_refunded`, `chargedback`.
//! - `GET /v2/sales/:id` answers `{"success":true,"sale":{…}}`.
//! - `PUT /v2/sales/:id/refund` (form `access_token`) refunds in full: `{"success":true,"sale":{…}}`.
//! - Errors: HTTP 401/404/… with `{"success":false,"message":"…"}`; 429 when rate-limited.
//!
//! Incremental: the cursor is the day of the newest sale seen; the next run asks for
//! `after=` that day (the same day again, so nothing is missed; the upsert makes repeats no-ops).
//! Gumroad has no list of refunds, so a refund shows as `refunded` on the sale: refunds of sales
//! older than the cursor are found with `--full`. Gumroad does not say when a sale was refunded:
//! the first import that sees it refunded gives the time.
//!
//! Refunds: Gumroad takes no idempotency key, so Kindly asks for the sale first and refunds only
//! one that is not refunded, retries the PUT only after a 429 (nothing happened then), and after
//! a 5xx asks again whether the refund went through instead of sending it twice.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::http::{Http, MAX_TRIES, Repeat, Reply};
use super::ingest::{self, ImportSummary, Incoming, Provider, RecordError};
use super::money;
use crate::error::{Error, Result};
use crate::store::Store;
use crate::store::orders::Order;
use crate::time::parse_rfc3339_ms;

const PROVIDER: Provider = Provider::Gumroad;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Cursor {
    /// The day (YYYY-MM-DD) of the newest sale seen; empty: none yet.
    #[serde(default)]
    pub after: String,
}

pub struct Gumroad {
    http: Http,
    base: String,
    token: String,
}

pub fn explain(reply: &Reply) -> Error {
    let v: Value = serde_json::from_str(&reply.body).unwrap_or(Value::Null);
    let message = v["message"].as_str().unwrap_or_default();
    let said = if message.is_empty() { String::new() } else { format!(": “{message}”") };
    Error::Provider(match reply.status {
        401 | 403 => format!(
            "Gumroad refused the access token{said}. Check the access token (Gumroad → Settings → Advanced → \
             Applications) and connect again with `kindly import-orders --gumroad --key-stdin`"
        ),
        429 => format!("Gumroad is still rate-limiting after {MAX_TRIES} tries{said}: wait a minute and try again"),
        s @ 500..=599 => {
            format!("Gumroad had a problem (HTTP {s}) {} times in a row{said}: try again later", reply.tries)
        }
        s => format!("Gumroad refused the request (HTTP {s}){said}"),
    })
}

fn currency_of(v: &Value) -> std::result::Result<String, String> {
    if let Some(c) = v["currency"].as_str().filter(|c| !c.is_empty()) {
        let c = c.to_ascii_uppercase();
        return if money::valid_currency(&c) {
            Ok(c)
        } else {
            Err(format!("currency `{c}` is not a three-letter ISO code"))
        };
    }
    match v["currency_symbol"].as_str().unwrap_or("$") {
        "$" | "US$" => Ok("USD".into()),
        "€" => Ok("EUR".into()),
        "£" => Ok("GBP".into()),
        "¥" => Ok("JPY".into()),
        other => Err(format!("currency symbol `{other}` without a currency code")),
    }
}

/// A sale as an order. `now_ms` dates a refund Gumroad reports without a time. The second value
/// says the sale was refunded in part (the order stays paid).
pub fn parse_sale(v: &Value, now_ms: i64) -> std::result::Result<(Incoming, bool), String> {
    let id = v["id"].as_str().filter(|s| !s.is_empty()).ok_or("has no id")?;
    let email = ingest::email(v["email"].as_str().or(v["purchase_email"].as_str()).unwrap_or_default())?;
    let price = v["price"]
        .as_i64()
        .filter(|p| *p >= 0)
        .ok_or_else(|| format!("price `{}` is not a whole number of cents", v["price"]))?;
    let currency = currency_of(v)?;
    let created = v["created_at"].as_str().unwrap_or_default();
    let purchased_ms =
        parse_rfc3339_ms(created).ok_or_else(|| format!("created_at `{created}` is not an ISO 8601 time"))?;
    let refunded = v["refunded"].as_bool().unwrap_or(false) || v["chargedback"].as_bool().unwrap_or(false);
    let partial = !refunded && v["partially_refunded"].as_bool().unwrap_or(false);
    let name = v["full_name"].as_str().or(v["purchaser_name"].as_str()).unwrap_or_default().trim().to_string();
    Ok((
        Incoming {
            email,
            name,
            order: Order {
                source: PROVIDER.source().into(),
                order_id: id.into(),
                product: v["product_name"].as_str().unwrap_or("Gumroad sale").trim().to_string(),
                amount_minor: price,
                currency,
                purchased_ms,
                refunded_ms: refunded.then_some(now_ms),
            },
        },
        partial,
    ))
}

impl Gumroad {
    pub fn new(token: String) -> Result<Gumroad> {
        Ok(Gumroad { http: Http::new("Gumroad")?, base: PROVIDER.base_url(), token })
    }

    pub fn connected(store: &Store) -> Result<Option<Gumroad>> {
        ingest::key(store.conn(), PROVIDER)?.map(Gumroad::new).transpose()
    }

    async fn get(&self, path: &str, query: &[(&str, &str)]) -> Result<Value> {
        let url = format!("{}{path}", self.base);
        let reply = self
            .http
            .send(Repeat::Safe, |c| c.get(&url).query(&[("access_token", self.token.as_str())]).query(query))
            .await?;
        if !reply.ok() {
            return Err(explain(&reply));
        }
        let v: Value = serde_json::from_str(&reply.body)
            .map_err(|e| Error::Provider(format!("Gumroad's answer is not JSON ({e}); try again later")))?;
        if v["success"].as_bool() != Some(true) {
            return Err(explain(&Reply { status: 400, ..reply }));
        }
        Ok(v)
    }

    /// Imports sales since the cursor's day (everything with `full`).
    pub async fn import(&self, store: &mut Store, full: bool, progress: &mut dyn FnMut(u64)) -> Result<ImportSummary> {
        let mut cursor: Cursor = if full { Cursor::default() } else { ingest::cursor(store.conn(), PROVIDER)? };
        let mut summary = ImportSummary::default();
        let mut read = 0u64;
        let mut newest = cursor.after.clone();
        let mut page_key: Option<String> = None;
        let now = store.now_ms();
        for _ in 0..100_000 {
            let mut query = Vec::new();
            if !cursor.after.is_empty() {
                query.push(("after", cursor.after.as_str()));
            }
            if let Some(k) = &page_key {
                query.push(("page_key", k.as_str()));
            }
            let page = self.get("/v2/sales", &query).await?;
            let sales = page["sales"]
                .as_array()
                .ok_or_else(|| Error::Provider("Gumroad's answer has no `sales` list; try again later".into()))?;
            let mut batch = Vec::new();
            for sale in sales {
                read += 1;
                let id = sale["id"].as_str().unwrap_or("?");
                match parse_sale(sale, now) {
                    Ok((incoming, partial)) => {
                        let day =
                            crate::time::to_rfc3339(incoming.order.purchased_ms).chars().take(10).collect::<String>();
                        if day > newest {
                            newest = day;
                        }
                        summary.partial_refunds += u64::from(partial);
                        batch.push(incoming);
                    }
                    Err(reason) => summary.errors.push(RecordError { record: format!("sale {id}"), reason }),
                }
            }
            progress(read);
            store.write(|tx| ingest::apply(tx, PROVIDER.source(), &batch, &[], now, &mut summary))?;
            let next = page["next_page_key"].as_str().filter(|k| !k.is_empty()).map(str::to_string);
            if next.is_none() || next == page_key {
                break;
            }
            page_key = next;
        }
        cursor.after = newest;
        store.write(|tx| ingest::set_cursor(tx, PROVIDER, &cursor))?;
        Ok(summary)
    }

    async fn refunded(&self, sale: &str) -> Result<bool> {
        let v = self.get(&format!("/v2/sales/{sale}"), &[]).await?;
        Ok(v["sale"]["refunded"].as_bool().unwrap_or(false))
    }

    /// Refunds the sale in full; `Ok(false)` when it was refunded already.
    pub async fn refund(&self, sale: &str) -> Result<bool> {
        if sale.is_empty() || !sale.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '=')) {
            return Err(Error::BadArgs(format!("`{sale}` is not a Gumroad sale id")));
        }
        if self.refunded(sale).await? {
            return Ok(false);
        }
        let url = format!("{}/v2/sales/{sale}/refund", self.base);
        let reply = self
            .http
            .send(Repeat::OnlyWhenRateLimited, |c| c.put(&url).form(&[("access_token", self.token.as_str())]))
            .await?;
        if reply.status >= 500 {
            // Did it go through before the failure? Ask rather than refund twice.
            if self.refunded(sale).await? {
                return Ok(true);
            }
            return Err(Error::Provider(format!(
                "Gumroad had a problem (HTTP {}) and did not refund sale {sale}: run the same command again later",
                reply.status
            )));
        }
        if !reply.ok() {
            return Err(explain(&reply));
        }
        let v: Value = serde_json::from_str(&reply.body).unwrap_or(Value::Null);
        if v["success"].as_bool() != Some(true) {
            return Err(explain(&Reply { status: 400, ..reply }));
        }
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn sale() -> Value {
        json!({
            "id": "A-1==", "email": "Cy@Example.com", "full_name": "Cy Ng", "product_name": "Calm Inbox",
            "price": 1900, "currency": "usd", "created_at": "2026-08-20T14:03:00Z", "refunded": false,
            "partially_refunded": false, "chargedback": false
        })
    }

    #[test]
    fn a_sale_is_an_order() {
        let (got, partial) = parse_sale(&sale(), 9).unwrap();
        assert!(!partial);
        assert_eq!((got.email.as_str(), got.name.as_str()), ("cy@example.com", "Cy Ng"));
        assert_eq!((got.order.amount_minor, got.order.currency.as_str()), (1900, "USD"));
        assert_eq!(got.order.product, "Calm Inbox");
        assert_eq!(got.order.refunded_ms, None);
    }

    #[test]
    fn refunds_chargebacks_symbols_and_bad_sales() {
        let mut s = sale();
        s["refunded"] = json!(true);
        assert_eq!(parse_sale(&s, 9).unwrap().0.order.refunded_ms, Some(9));
        let mut s = sale();
        s["chargedback"] = json!(true);
        assert_eq!(parse_sale(&s, 9).unwrap().0.order.refunded_ms, Some(9));
        let mut s = sale();
        s["partially_refunded"] = json!(true);
        assert!(parse_sale(&s, 9).unwrap().1);
        let mut s = sale();
        s.as_object_mut().unwrap().remove("currency");
        s["currency_symbol"] = json!("€");
        assert_eq!(parse_sale(&s, 9).unwrap().0.order.currency, "EUR");
        let mut s = sale();
        s["created_at"] = json!("yesterday");
        assert!(parse_sale(&s, 9).unwrap_err().contains("created_at"));
        let mut s = sale();
        s["price"] = json!("$19");
        assert!(parse_sale(&s, 9).unwrap_err().contains("cents"));
    }

    #[test]
    fn errors_say_what_to_do() {
        let e = explain(&Reply {
            status: 401,
            body: r#"{"success":false,"message":"The access token is invalid"}"#.into(),
            tries: 1,
        });
        assert!(e.to_string().contains("Check the access token"), "{e}");
    }
}
