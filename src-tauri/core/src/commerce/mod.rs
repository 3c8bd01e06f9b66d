//! Orders from where the seller sells: the generic CSV, PayPal's activity download, and the
//! Stripe and Gumroad APIs (incremental, with retries). Orders attach to customers by lower-cased
//! email and feed triage's customer value. Refunds can go out through Stripe and Gumroad.

pub mod csv_orders;
pub mod gumroad;
pub mod http;
pub mod ingest;
pub mod money;
pub mod paypal;
pub mod progress;
pub mod refunds;
pub mod stripe;

pub use csv_orders::{OrdersSummary, RowError, import_orders_csv};
pub use ingest::{ImportSummary, Provider};

use crate::error::{Error, Result};
use crate::store::Store;

/// What happened when a refund went out through the payment provider.
#[derive(Debug, Clone, PartialEq)]
pub enum ProviderRefund {
    /// The provider refunded it now (Stripe gives the refund's id).
    Refunded { refund_id: Option<String> },
    /// The provider says it was refunded before: nothing was sent twice.
    AlreadyRefunded,
}

/// The provider behind an order source, if Kindly can refund through it.
pub fn provider_of(source: &str) -> Option<Provider> {
    match source {
        "stripe" => Some(Provider::Stripe),
        "gumroad" => Some(Provider::Gumroad),
        _ => None,
    }
}

/// Whether a key for `provider` is configured on this machine.
pub fn connected(store: &Store, provider: Provider) -> Result<bool> {
    Ok(ingest::key_source(store.conn(), provider)?.is_some())
}

/// Refunds the order in full at its payment provider, then records the refund as done (an op,
/// so it replicates). The decision must be recorded first (`sync::edit::refund`): if the provider
/// fails, the decision stands, its clock runs, and running this again is safe.
pub async fn refund_at_provider(store: &mut Store, provider: Provider, order_id: &str) -> Result<ProviderRefund> {
    let source = provider.source();
    if refunds::get(store.conn(), source, order_id)?.is_none() {
        return Err(Error::BadArgs(format!("order {order_id} from {source} has no refund decision: refund it first")));
    }
    let outcome = match provider {
        Provider::Stripe => {
            let api = stripe::Stripe::connected(store)?.ok_or_else(|| not_connected(provider))?;
            match api.refund(order_id).await? {
                Some(id) => ProviderRefund::Refunded { refund_id: Some(id).filter(|i| !i.is_empty()) },
                None => ProviderRefund::AlreadyRefunded,
            }
        }
        Provider::Gumroad => {
            let api = gumroad::Gumroad::connected(store)?.ok_or_else(|| not_connected(provider))?;
            if api.refund(order_id).await? {
                ProviderRefund::Refunded { refund_id: None }
            } else {
                ProviderRefund::AlreadyRefunded
            }
        }
    };
    let now = store.now_ms();
    store.write(|tx| {
        if refunds::get(tx, source, order_id)?.is_some_and(|r| r.done_ms.is_none()) {
            crate::sync::edit::refund_done(tx, now, source, order_id)?;
        }
        Ok(())
    })?;
    Ok(outcome)
}

fn not_connected(provider: Provider) -> Error {
    Error::BadArgs(format!(
        "{} is not connected on this machine: connect it with `kindly import-orders --{} --key-stdin`",
        provider.display(),
        provider.source()
    ))
}
