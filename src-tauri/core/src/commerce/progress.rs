//! How far a provider import running in this process has read, for the window to show while it
//! waits ("Reading Stripe: 1,240 records"). Process-wide and transient: the import runs on a
//! connection of its own (`api::dispatch_shared`), so the window's other calls, this one included,
//! are answered meanwhile.

use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::Provider;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ImportProgress {
    /// `stripe` or `gumroad`.
    pub provider: String,
    /// Records read so far.
    pub records: u32,
}

static IMPORTING: Mutex<Option<ImportProgress>> = Mutex::new(None);

fn slot() -> std::sync::MutexGuard<'static, Option<ImportProgress>> {
    IMPORTING.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The import running now, if any.
pub fn importing() -> Option<ImportProgress> {
    slot().clone()
}

/// An import being tracked: shown from `track` until dropped, however the import ends.
pub struct Tracking;

pub fn track(provider: Provider) -> Tracking {
    *slot() = Some(ImportProgress { provider: provider.source().into(), records: 0 });
    Tracking
}

impl Tracking {
    pub fn read(&self, records: u64) {
        if let Some(p) = slot().as_mut() {
            p.records = u32::try_from(records).unwrap_or(u32::MAX);
        }
    }
}

impl Drop for Tracking {
    fn drop(&mut self) {
        *slot() = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_import_shows_while_it_runs_and_not_after() {
        {
            let tracking = track(Provider::Stripe);
            tracking.read(1_240);
            assert_eq!(importing(), Some(ImportProgress { provider: "stripe".into(), records: 1_240 }));
        }
        assert_eq!(importing(), None);
    }
}
