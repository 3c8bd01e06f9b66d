//! Two replicas, one mailbox (DESIGN §5). Every case-state change is an op: recorded with a hybrid
//! logical clock in the same transaction as the change (`ops::record`), applied with the same code
//! on every replica (`fields`), and carried through the mailbox's `Kindly.sync` folder
//! (`transport`). Last writer wins per field; notes are an append-only set.

pub mod background;
pub mod edit;
pub mod fields;
pub mod fingerprint;
pub mod hlc;
pub mod ops;
pub mod replica;
pub mod state;
pub mod transport;

pub use ops::Op;
pub use replica::{Replica, Role};

#[cfg(test)]
mod convergence;
