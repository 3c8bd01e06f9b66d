//! The long-running sync: a pass (mail, case state, outbox), then wait until something changes
//! (IDLE on INBOX and the sync folder, or a local change to push), for as long as the process
//! lives. Failures back off with jitter; a store with no mailbox yet is looked at again every few
//! seconds, so connecting one from the window starts syncing without a restart.

use std::time::Duration;

use crate::error::Result;
use crate::mail::imap::{self, SyncReport};
use crate::store::{Store, accounts};

const NO_MAILBOX_CHECK_EVERY: Duration = Duration::from_secs(5);

/// Runs forever. `on_pass` hears how each pass went (the outcome is also in `sync::state`).
pub fn run(
    store: &mut Store,
    runtime: &tokio::runtime::Runtime,
    progress: &mut dyn FnMut(&str, u32, u32),
    on_pass: &mut dyn FnMut(&Store, &Result<SyncReport>),
) -> ! {
    let mut failures = 0u32;
    loop {
        if accounts::first(store.conn()).ok().flatten().is_none() {
            std::thread::sleep(NO_MAILBOX_CHECK_EVERY);
            continue;
        }
        let outcome = runtime.block_on(imap::sync_once(store, progress));
        on_pass(store, &outcome);
        if outcome.is_err() {
            failures += 1;
            std::thread::sleep(imap::reconnect_delay(failures));
            continue;
        }
        failures = 0;
        if let Err(e) = runtime.block_on(imap::wait_for_change(store)) {
            tracing::warn!("waiting for changes: {e}");
            std::thread::sleep(imap::reconnect_delay(1));
        }
    }
}
