//! Secrets in the OS keychain: the Secret Service (GNOME Keyring, KWallet) on Linux, the Keychain
//! on macOS, the Credential Manager on Windows. Kindly's store keeps only an entry's name.

use crate::error::{Error, Result};

const SERVICE: &str = "Kindly";

fn entry(name: &str) -> Result<keyring::Entry> {
    keyring::Entry::new(SERVICE, name).map_err(unavailable)
}

/// Every keychain failure says what to do instead.
fn unavailable(e: keyring::Error) -> Error {
    Error::Keychain(e.to_string())
}

pub fn store(name: &str, secret: &str) -> Result<()> {
    entry(name)?.set_password(secret).map_err(unavailable)
}

pub fn load(name: &str) -> Result<String> {
    entry(name)?.get_password().map_err(|e| match e {
        keyring::Error::NoEntry => Error::Keychain(format!("there is no entry `{name}` in it: add the mailbox again")),
        other => unavailable(other),
    })
}

pub fn delete(name: &str) -> Result<()> {
    match entry(name)?.delete_credential() {
        Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
        Err(e) => Err(unavailable(e)),
    }
}
