//! kindly-core: everything of Kindly that is not the window.
//!
//! Mail flows `mail::import` → `store` → `triage`; orders flow `commerce` → `store` → `triage`.
//! The UI, the CLI and the web mode all go through `api::dispatch`.

pub mod api;
pub mod care;
pub mod cases;
pub mod commerce;
pub mod demo;
pub mod error;
pub mod mail;
pub mod secrets;
pub mod store;
pub mod sync;
pub mod time;
pub mod triage;
pub mod web;

pub use error::{Error, Result};
pub use store::Store;
