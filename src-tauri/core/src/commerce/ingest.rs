//! What every provider import shares: the summary, writing a batch of orders and refunds seen at
//! the provider, and where the API key lives.
//!
//! Each order is an op every replica applies (`sync::edit::record_order`), keyed by (source,
//! order_id), so importing the same records again changes nothing and records no op. A
//! provider record that says "not refunded" never clears a refund Kindly already knows (decided
//! here and not yet done there, or seen earlier). A refund seen at the provider marks the order
//! refunded and, when Kindly had decided that refund, records it as done (an op, so the other
//! replica's refund clock stops too).

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use super::refunds;
use crate::error::{Error, Result};
use crate::store::orders::{self, Order, Upsert};
use crate::store::{customers, settings};
use crate::sync::edit;
use crate::sync::ops::Effects;

/// A payment provider Kindly talks to over its API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    Stripe,
    Gumroad,
}

impl Provider {
    /// The orders' `source`.
    pub fn source(self) -> &'static str {
        match self {
            Provider::Stripe => "stripe",
            Provider::Gumroad => "gumroad",
        }
    }

    pub fn display(self) -> &'static str {
        match self {
            Provider::Stripe => "Stripe",
            Provider::Gumroad => "Gumroad",
        }
    }

    /// The keychain entry that holds the key.
    pub fn keychain_entry(self) -> String {
        format!("{}:account", self.source())
    }

    /// The API's base address; tests point it at a local server.
    pub fn base_url(self) -> String {
        let (var, default) = match self {
            Provider::Stripe => ("KINDLY_STRIPE_API", "https://api.stripe.com"),
            Provider::Gumroad => ("KINDLY_GUMROAD_API", "https://api.gumroad.com"),
        };
        std::env::var(var).ok().filter(|v| !v.is_empty()).unwrap_or_else(|| default.into()).trim_end_matches('/').into()
    }

    fn key_setting(self) -> String {
        format!("commerce.{}.key", self.source())
    }

    fn cursor_setting(self) -> String {
        format!("commerce.{}.cursor", self.source())
    }

    fn key_help(self) -> &'static str {
        match self {
            Provider::Stripe => {
                "a secret key (sk_live_…) or a restricted key (rk_live_…) with Charges and Refunds access"
            }
            Provider::Gumroad => "an access token from Gumroad → Settings → Advanced → Applications",
        }
    }
}

/// Where a provider's key is: the name of a keychain entry, or an environment variable read at
/// every use. The key itself is never in the store.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct KeySource {
    #[serde(default)]
    pub keychain_entry: Option<String>,
    #[serde(default)]
    pub key_env: Option<String>,
}

/// Keeps `key` in the OS keychain and remembers the entry's name.
pub fn connect_keychain(conn: &Connection, provider: Provider, key: &str) -> Result<()> {
    let key = key.trim();
    if key.is_empty() {
        return Err(Error::BadArgs(format!("the {} key is empty: paste {}", provider.display(), provider.key_help())));
    }
    let entry = provider.keychain_entry();
    crate::secrets::store(&entry, key).map_err(|e| keychain_advice(e, provider))?;
    save_source(conn, provider, &KeySource { keychain_entry: Some(entry), key_env: None })
}

/// Forgets the provider on this machine: its key leaves the keychain, and its cursor goes, so a
/// later connection (perhaps another account) reads everything again. Imported orders stay: they
/// are the customers' history.
pub fn disconnect(conn: &Connection, provider: Provider) -> Result<()> {
    if let Some(entry) = key_source(conn, provider)?.and_then(|s| s.keychain_entry) {
        crate::secrets::delete(&entry).map_err(|e| keychain_advice(e, provider))?;
    }
    conn.prepare_cached("DELETE FROM settings WHERE key IN (?1, ?2)")?
        .execute([provider.key_setting(), provider.cursor_setting()])?;
    Ok(())
}

/// Remembers that the key is in the environment variable `var` (for CI and scripts).
pub fn connect_env(conn: &Connection, provider: Provider, var: &str) -> Result<()> {
    if std::env::var(var).map_or(true, |v| v.trim().is_empty()) {
        return Err(Error::BadArgs(format!(
            "the environment variable {var} is not set: put the {} key in it",
            provider.display()
        )));
    }
    save_source(conn, provider, &KeySource { keychain_entry: None, key_env: Some(var.into()) })
}

fn save_source(conn: &Connection, provider: Provider, source: &KeySource) -> Result<()> {
    let value = serde_json::to_string(source).map_err(|e| Error::Invalid(e.to_string()))?;
    settings::set(conn, &provider.key_setting(), &value)
}

pub fn key_source(conn: &Connection, provider: Provider) -> Result<Option<KeySource>> {
    Ok(settings::get(conn, &provider.key_setting())?.and_then(|v| serde_json::from_str(&v).ok()))
}

/// The key, from wherever it was connected; `None` when the provider was never connected.
pub fn key(conn: &Connection, provider: Provider) -> Result<Option<String>> {
    let Some(source) = key_source(conn, provider)? else { return Ok(None) };
    if let Some(var) = &source.key_env {
        return match std::env::var(var) {
            Ok(v) if !v.trim().is_empty() => Ok(Some(v.trim().to_string())),
            _ => Err(Error::BadArgs(format!(
                "{} was connected with --key-env {var}, but {var} is not set here: set it, or connect with --key-stdin",
                provider.display()
            ))),
        };
    }
    match &source.keychain_entry {
        Some(entry) => crate::secrets::load(entry).map(Some).map_err(|e| keychain_advice(e, provider)),
        None => Ok(None),
    }
}

fn keychain_advice(e: Error, provider: Provider) -> Error {
    let flag = provider.source();
    match e {
        Error::Keychain(why) => Error::Provider(format!(
            "the OS keychain could not be used for the {} key ({why}). Start a Secret Service (GNOME Keyring or \
             KWallet) and connect again with `kindly import-orders --{flag} --key-stdin`, or pass the key in an \
             environment variable with `--{flag} --key-env VAR`",
            provider.display()
        )),
        other => other,
    }
}

/// One order as a provider (or its export) describes it: what every replica is told.
pub type Incoming = crate::sync::fields::OrderRecord;

/// A refund the provider made: the order it refunds (in full) and when.
#[derive(Debug, Clone, PartialEq)]
pub struct RefundSeen {
    pub order_id: String,
    pub at_ms: i64,
    /// How much went back, when the provider says; less than the order is a partial refund,
    /// which leaves the order paid (Kindly records full refunds only).
    pub amount_minor: Option<i64>,
    /// How the record is named in messages ("refund re_123", "line 7").
    pub record: String,
}

/// A record that could not be used: reported, skipped, and the rest imported.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecordError {
    /// "charge ch_123", "sale abc", "line 7".
    pub record: String,
    pub reason: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ImportSummary {
    pub added: u64,
    pub updated: u64,
    pub unchanged: u64,
    /// Orders that became refunded in this import.
    pub refunds: u64,
    /// Refunds decided in Kindly that the provider shows as made.
    pub refunds_done: u64,
    /// Refunds of part of an order: Kindly records full refunds only, the order stays paid.
    pub partial_refunds: u64,
    /// Records that are not orders (failed payments, fees, withdrawals…).
    pub ignored: u64,
    pub errors: Vec<RecordError>,
}

impl std::fmt::Display for ImportSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} new orders, {} updated, {} unchanged, {} refunds, {} skipped",
            self.added,
            self.updated,
            self.unchanged,
            self.refunds,
            self.errors.len()
        )?;
        if self.ignored > 0 {
            write!(f, " ({} records were not orders)", self.ignored)?;
        }
        if self.partial_refunds > 0 {
            write!(f, "; {} partial refunds left their orders paid", self.partial_refunds)?;
        }
        if self.refunds_done > 0 {
            write!(f, "; {} refunds decided in Kindly are now done", self.refunds_done)?;
        }
        Ok(())
    }
}

/// A decided refund not yet done here is done now: recorded as an op so every replica sees it.
fn close_decision(conn: &Connection, now_ms: i64, source: &str, order_id: &str) -> Result<bool> {
    match refunds::get(conn, source, order_id)? {
        Some(r) if r.done_ms.is_none() => {
            crate::sync::edit::refund_done(conn, now_ms, source, order_id)?;
            Ok(true)
        }
        _ => Ok(false),
    }
}

/// Writes orders, then refunds, in the caller's transaction, each order an op every replica
/// applies; re-triages the customers whose orders changed.
pub fn apply(
    conn: &Connection,
    source: &str,
    orders_in: &[Incoming],
    refunds_in: &[RefundSeen],
    now_ms: i64,
    summary: &mut ImportSummary,
) -> Result<()> {
    let mut fx = Effects::default();
    for incoming in orders_in {
        let order = &incoming.order;
        let was_refunded =
            matches!(orders::get(conn, source, &order.order_id)?, Some((_, o, _)) if o.refunded_ms.is_some());
        match edit::record_order(conn, now_ms, incoming, &mut fx)? {
            Upsert::Inserted => summary.added += 1,
            Upsert::Updated => summary.updated += 1,
            Upsert::Unchanged => summary.unchanged += 1,
        }
        if order.refunded_ms.is_some() && !was_refunded {
            summary.refunds += 1;
        }
        if order.refunded_ms.is_some() && close_decision(conn, now_ms, source, &order.order_id)? {
            summary.refunds_done += 1;
        }
    }
    for refund in refunds_in {
        let Some((customer, order, _)) = orders::get(conn, source, &refund.order_id)? else {
            summary.errors.push(RecordError {
                record: refund.record.clone(),
                reason: format!(
                    "refunds order {} which is not in Kindly (it may have been skipped above): import it, then run again",
                    refund.order_id
                ),
            });
            continue;
        };
        if refund.amount_minor.is_some_and(|back| back < order.amount_minor) {
            summary.partial_refunds += 1;
            continue;
        }
        if order.refunded_ms.is_none() {
            let email = customers::get(conn, customer)?.map(|c| c.email).unwrap_or_default();
            let refunded =
                Incoming { email, name: String::new(), order: Order { refunded_ms: Some(refund.at_ms), ..order } };
            edit::record_order(conn, now_ms, &refunded, &mut fx)?;
            summary.refunds += 1;
        }
        if close_decision(conn, now_ms, source, &refund.order_id)? {
            summary.refunds_done += 1;
        }
    }
    fx.finish(conn)?;
    // Refunds decided on the other replica may have waited for these orders.
    crate::sync::ops::apply_pending(conn)?;
    Ok(())
}

/// A provider's incremental cursor, kept in settings (this replica's own).
pub fn cursor<T: serde::de::DeserializeOwned + Default>(conn: &Connection, provider: Provider) -> Result<T> {
    Ok(settings::get(conn, &provider.cursor_setting())?.and_then(|v| serde_json::from_str(&v).ok()).unwrap_or_default())
}

pub fn set_cursor<T: Serialize>(conn: &Connection, provider: Provider, value: &T) -> Result<()> {
    let text = serde_json::to_string(value).map_err(|e| Error::Invalid(e.to_string()))?;
    settings::set(conn, &provider.cursor_setting(), &text)
}

/// An email address as the providers give it, checked like the CSV import checks it.
pub fn email(raw: &str) -> std::result::Result<String, String> {
    let email = raw.trim().to_ascii_lowercase();
    if email.is_empty() {
        return Err("has no customer email".into());
    }
    if !email.contains('@') || email.contains(char::is_whitespace) {
        return Err(format!("email `{raw}` is not an email address"));
    }
    Ok(email)
}
