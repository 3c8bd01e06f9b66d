//! Connecting the support mailbox from the window: find the settings, check the login, keep the
//! password in the OS keychain, and (from the demo inbox) clear the demo so real mail starts clean.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::store::Store;
use crate::store::accounts::{self, Account};

/// Runs `fut` to completion from synchronous code: on the caller's runtime when there is one
/// (the window and the web mode call commands from blocking threads), else on a small one.
pub fn block_on<F: std::future::Future>(fut: F) -> Result<F::Output> {
    match tokio::runtime::Handle::try_current() {
        Ok(handle) => Ok(handle.block_on(fut)),
        Err(_) => Ok(tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| Error::Invalid(format!("cannot start the network runtime: {e}")))?
            .block_on(fut)),
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ConnectArgs {
    pub email: String,
    pub imap_host: String,
    pub imap_port: u16,
    pub smtp_host: String,
    pub smtp_port: u16,
    pub username: String,
    /// `tls`, `starttls` or `none` (IMAP; SMTP uses TLS on 465, STARTTLS elsewhere).
    pub security: String,
    /// Goes to the OS keychain; never stored or logged by Kindly.
    pub password: String,
}

/// Checks the login, stores the password in the keychain and saves the account. Returns it.
pub fn connect(store: &mut Store, args: &ConnectArgs) -> Result<Account> {
    let email = args.email.trim().to_ascii_lowercase();
    if !email.contains('@') {
        return Err(Error::BadArgs(format!("`{}` is not an email address", args.email)));
    }
    if !matches!(args.security.as_str(), "tls" | "starttls" | "none") {
        return Err(Error::BadArgs("security must be tls, starttls or none".into()));
    }
    if args.imap_host.trim().is_empty() || args.smtp_host.trim().is_empty() || args.password.is_empty() {
        return Err(Error::BadArgs("fill in the servers and the password".into()));
    }
    let entry = format!("{}@{}:{}", args.username.trim(), args.imap_host.trim(), args.imap_port);
    let account = Account {
        id: 0,
        email,
        imap_host: args.imap_host.trim().into(),
        imap_port: args.imap_port,
        smtp_host: args.smtp_host.trim().into(),
        smtp_port: args.smtp_port,
        username: args.username.trim().into(),
        security: args.security.clone(),
        password_env: None,
        keychain_entry: Some(entry.clone()),
    };
    // The login first: a typo is caught before anything is saved.
    block_on(async {
        let mut session = super::imap::connect(&account, &args.password).await?;
        let _ = session.logout().await;
        Ok::<_, Error>(())
    })??;
    crate::secrets::store(&entry, &args.password)?;
    if crate::demo::is_loaded(store)? && accounts::first(store.conn())?.is_none() {
        crate::demo::clear(store)?;
    }
    let now = store.now_ms();
    store.write(|tx| accounts::upsert(tx, &account, now))
}
