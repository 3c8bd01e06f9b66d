//! Orders from the shop: CSV import now, payment-provider imports later. Orders attach to customers
//! by lower-cased email and feed triage's customer value.

pub mod csv_orders;
pub mod money;
pub mod refunds;

pub use csv_orders::{OrdersSummary, RowError, import_orders_csv};
