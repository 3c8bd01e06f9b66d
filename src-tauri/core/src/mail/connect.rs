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

/// The mailbox's address and servers, as both ways of connecting send them.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct MailServers {
    pub email: String,
    pub imap_host: String,
    pub imap_port: u16,
    pub smtp_host: String,
    pub smtp_port: u16,
    pub username: String,
    /// `tls`, `starttls` or `none` (IMAP; SMTP uses TLS on 465, STARTTLS elsewhere).
    pub security: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ConnectArgs {
    #[serde(flatten)]
    #[ts(flatten)]
    pub servers: MailServers,
    /// Goes to the OS keychain; never stored or logged by Kindly.
    pub password: String,
}

/// Checks the login, stores the password in the keychain and saves the account. Returns it.
pub fn connect(store: &mut Store, args: &ConnectArgs) -> Result<Account> {
    let mut account = args.servers.account()?;
    if args.password.is_empty() {
        return Err(Error::BadArgs("fill in the servers and the password".into()));
    }
    let entry = format!("{}@{}:{}", account.username, account.imap_host, account.imap_port);
    account.keychain_entry = Some(entry.clone());
    // The login first: a typo is caught before anything is saved.
    block_on(async {
        let mut session =
            super::imap::connect(&account, &super::imap::Credentials::Password(args.password.clone())).await?;
        let _ = session.logout().await;
        Ok::<_, Error>(())
    })??;
    crate::secrets::store(&entry, &args.password)?;
    save(store, &account)
}

/// What the window sends to sign in with Google or Microsoft: the servers as for a password,
/// and the provider instead of the password.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ConnectOAuthArgs {
    #[serde(flatten)]
    #[ts(flatten)]
    pub servers: MailServers,
    /// `google` or `microsoft`.
    pub provider: String,
}

/// Signs in with the provider in the system browser (blocking until the browser comes back or
/// the sign-in times out), checks the IMAP login with the token and keeps the tokens in the
/// keychain. Needs no store: the caller saves the account it returns (`save`).
pub fn sign_in_oauth(args: &ConnectOAuthArgs) -> Result<Account> {
    let provider = super::oauth::Provider::parse(&args.provider)?;
    let mut account = args.servers.account()?;
    block_on(sign_in(&mut account, provider, &mut |url| {
        if !super::oauth::open_browser(url) {
            tracing::warn!("could not open the browser for the sign-in");
        }
    }))??;
    Ok(account)
}

/// The OAuth2 sign-in for `account` (CLI and window alike): the browser flow, then the IMAP login
/// with the new token (so a mailbox without IMAP access is caught now), then the tokens into
/// the keychain. Fills in how `account` logs in; does not save it.
pub async fn sign_in(
    account: &mut Account,
    provider: super::oauth::Provider,
    open: &mut (dyn FnMut(&str) + Send),
) -> Result<()> {
    let tokens = super::oauth::sign_in(provider, &account.email, open).await?;
    let credentials = super::imap::Credentials::OAuth2 { access_token: tokens.access_token.clone() };
    let mut session = super::imap::connect(account, &credentials).await?;
    let _ = session.logout().await;
    let entry = format!("{}@{}:{} oauth2", account.username, account.imap_host, account.imap_port);
    crate::secrets::store(&entry, &tokens.to_json())?;
    account.keychain_entry = Some(entry);
    account.password_env = None;
    account.oauth_provider = Some(provider.as_str().to_string());
    Ok(())
}

impl MailServers {
    /// The account these settings describe, checked; how it logs in is for the caller to fill in.
    fn account(&self) -> Result<Account> {
        let email = self.email.trim().to_ascii_lowercase();
        if !email.contains('@') {
            return Err(Error::BadArgs(format!("`{}` is not an email address", self.email)));
        }
        if !matches!(self.security.as_str(), "tls" | "starttls" | "none") {
            return Err(Error::BadArgs("security must be tls, starttls or none".into()));
        }
        if self.imap_host.trim().is_empty() || self.smtp_host.trim().is_empty() {
            return Err(Error::BadArgs("fill in the servers and the password".into()));
        }
        let username = match self.username.trim() {
            "" => email.clone(),
            u => u.to_string(),
        };
        Ok(Account {
            id: 0,
            email,
            imap_host: self.imap_host.trim().into(),
            imap_port: self.imap_port,
            smtp_host: self.smtp_host.trim().into(),
            smtp_port: self.smtp_port,
            username,
            security: self.security.clone(),
            password_env: None,
            keychain_entry: None,
            oauth_provider: None,
        })
    }
}

/// Saves the checked account; connecting from the demo inbox clears the demo first.
/// Saves a connected mailbox (clearing the demo inbox first, if that is what the store holds).
pub fn save(store: &mut Store, account: &Account) -> Result<Account> {
    if crate::demo::is_loaded(store)? && accounts::first(store.conn())?.is_none() {
        crate::demo::clear(store)?;
    }
    let now = store.now_ms();
    store.write(|tx| accounts::upsert(tx, account, now))
}
