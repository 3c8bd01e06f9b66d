//! IMAP ingest: new messages of a folder, by UID, into the import pipeline.
//!
//! What is new is decided by UID against a per-folder cursor, never by \Seen. Messages are fetched
//! with BODY.PEEK[] (so nothing is marked read) in batches; each batch goes through the same
//! pipeline as an mbox import, and the cursor moves only after that batch is committed. A crash in
//! between fetches the batch again and dedupe drops it. A new UIDVALIDITY means the server
//! renumbered the folder: it is read again from the start, and dedupe keeps it free of duplicates.

use futures::StreamExt;
use tokio::net::TcpStream;

use super::import::{ImportSummary, import_tagged};
use crate::error::{Error, Result};
use crate::store::accounts::{self, Account, Cursor};
use crate::store::{Store, settings};
use crate::time::now_ms;

/// UIDs per FETCH: large enough to stream well, small enough that a dropped connection repeats
/// little.
const FETCH_BATCH: u32 = 200;

/// A plain or TLS connection, so one session type serves every security setting.
pub trait Stream: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + std::fmt::Debug {}
impl<T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + std::fmt::Debug> Stream for T {}

pub type Session = async_imap::Session<Box<dyn Stream>>;

fn imap_error(what: &str, e: impl std::fmt::Display) -> Error {
    Error::Invalid(format!("{what}: {e}"))
}

/// How the mailbox proves who it is: a password, or an OAuth2 access token (XOAUTH2).
#[derive(Clone)]
pub enum Credentials {
    Password(String),
    OAuth2 { access_token: String },
}

/// Never print a secret, even in a debug log.
impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Credentials::Password(_) => "Credentials::Password(…)",
            Credentials::OAuth2 { .. } => "Credentials::OAuth2(…)",
        })
    }
}

/// The one place that decides how `account` logs in (IMAP and SMTP alike): an OAuth2 mailbox's
/// tokens come from the keychain and are refreshed first when the access token has less than
/// five minutes left (the new ones are stored at once); a password comes from the environment
/// variable named at `account add`, or from the OS keychain.
pub async fn credentials(account: &Account) -> Result<Credentials> {
    if let Some(provider) = account.oauth_provider.as_deref() {
        let provider = super::oauth::Provider::parse(provider)?;
        let entry = account.keychain_entry.as_deref().ok_or_else(|| {
            Error::SignInAgain(format!("no saved sign-in for this mailbox: sign in with {} again", provider.display()))
        })?;
        let tokens = super::oauth::Tokens::from_json(&crate::secrets::load(entry)?)?;
        if !tokens.needs_refresh(now_ms()) {
            return Ok(Credentials::OAuth2 { access_token: tokens.access_token });
        }
        // A failed refresh leaves the saved tokens as they were: nothing is lost.
        let fresh = super::oauth::refresh(provider, &tokens).await?;
        crate::secrets::store(entry, &fresh.to_json())?;
        tracing::info!("refreshed the {} access token", provider.as_str());
        return Ok(Credentials::OAuth2 { access_token: fresh.access_token });
    }
    if let Some(var) = account.password_env.as_deref() {
        return std::env::var(var).map(Credentials::Password).map_err(|_| {
            Error::Invalid(format!("the environment variable {var} that holds the mailbox password is not set"))
        });
    }
    match account.keychain_entry.as_deref() {
        Some(entry) => crate::secrets::load(entry).map(Credentials::Password),
        None => Err(Error::Invalid(
            "no password source for this mailbox: run `kindly account add … --password-stdin` (keychain) or `--password-env VAR`"
                .into(),
        )),
    }
}

/// A SASL exchange with one initial response; later challenges (a failing XOAUTH2 server sends
/// its error as one) get the empty answer the mechanism asks for, so the server ends with NO.
struct Sasl(Option<String>);

impl async_imap::Authenticator for Sasl {
    type Response = Vec<u8>;
    fn process(&mut self, _challenge: &[u8]) -> Vec<u8> {
        self.0.take().map(String::into_bytes).unwrap_or_default()
    }
}

pub async fn connect(account: &Account, credentials: &Credentials) -> Result<Session> {
    let addr = (account.imap_host.as_str(), account.imap_port);
    let tcp = TcpStream::connect(addr).await.map_err(|e| {
        imap_error(&format!("cannot reach {}:{} (check the host, port and network)", addr.0, addr.1), e)
    })?;
    let stream: Box<dyn Stream> = match account.security.as_str() {
        "tls" => Box::new(super::tls::connect(tcp, &account.imap_host).await?),
        "starttls" => {
            let mut plain = async_imap::Client::new(tcp);
            greeting(&mut plain).await?;
            plain
                .run_command_and_check_ok("STARTTLS", None)
                .await
                .map_err(|e| imap_error("the IMAP server would not start TLS (try --security tls)", e))?;
            Box::new(super::tls::connect(plain.into_inner(), &account.imap_host).await?)
        }
        _ => Box::new(tcp),
    };
    let mut client = async_imap::Client::new(stream);
    if account.security != "starttls" {
        greeting(&mut client).await?;
    }
    match credentials {
        Credentials::Password(password) => client
            .login(&account.username, password)
            .await
            .map_err(|(e, _)| imap_error("the IMAP server refused the login (check the user name and password)", e)),
        Credentials::OAuth2 { access_token } => {
            let refused = |e| {
                imap_error(
                    "the IMAP server refused the sign-in token (sign in again; for Microsoft 365 your admin must allow IMAP)",
                    e,
                )
            };
            // XOAUTH2 is what Gmail and Microsoft speak; a server that knows only the standard
            // OAUTHBEARER (RFC 7628) says the mechanism is unsupported, and gets that instead.
            let first = Sasl(Some(super::oauth::xoauth2(&account.username, access_token)));
            match client.authenticate("XOAUTH2", first).await {
                Ok(session) => Ok(session),
                Err((e, client)) if e.to_string().to_ascii_lowercase().contains("mechanism") => {
                    let bearer = super::oauth::oauthbearer(
                        &account.username,
                        &account.imap_host,
                        account.imap_port,
                        access_token,
                    );
                    client.authenticate("OAUTHBEARER", Sasl(Some(bearer))).await.map_err(|(e, _)| refused(e))
                }
                Err((e, _)) => Err(refused(e)),
            }
        }
    }
}

async fn greeting<T: Stream>(client: &mut async_imap::Client<T>) -> Result<()> {
    client
        .read_response()
        .await
        .map_err(|e| imap_error("the IMAP server did not greet", e))?
        .ok_or_else(|| Error::Invalid("the IMAP server closed the connection before greeting".into()))?;
    Ok(())
}

/// Fetches what is new in `folder` and imports it. Returns the import summary, or `None` when a
/// CONDSTORE server says nothing changed since the last pass (then the folder is not even opened).
pub async fn ingest_folder(
    store: &mut Store,
    session: &mut Session,
    account: &Account,
    folder: &str,
    condstore: bool,
    progress: &mut dyn FnMut(u32, u32),
) -> Result<Option<ImportSummary>> {
    // STATUS before anything is read: a change after it raises HIGHESTMODSEQ past what we store.
    let status = match condstore {
        true => Some(
            session
                .status(folder, "(UIDNEXT UIDVALIDITY HIGHESTMODSEQ)")
                .await
                .map_err(|e| imap_error(&format!("cannot look at {folder}"), e))?,
        ),
        false => None,
    };
    if let Some(status) = &status
        && let (Some(known), Some(modseq)) =
            (accounts::cursor(store.conn(), account.id, folder)?, status.highest_modseq)
        && status.uid_validity == Some(known.uid_validity)
        && status.uid_next.is_some_and(|next| next.saturating_sub(1) <= known.last_uid)
        && accounts::modseq(store.conn(), account.id, folder)? == Some(modseq)
    {
        return Ok(None);
    }
    let summary = fetch_new(store, session, account, folder, progress).await?;
    store.write(|tx| accounts::set_modseq(tx, account.id, folder, status.and_then(|s| s.highest_modseq)))?;
    Ok(Some(summary))
}

async fn fetch_new(
    store: &mut Store,
    session: &mut Session,
    account: &Account,
    folder: &str,
    progress: &mut dyn FnMut(u32, u32),
) -> Result<ImportSummary> {
    let mailbox = session.select(folder).await.map_err(|e| imap_error(&format!("cannot open {folder}"), e))?;
    let uid_validity = mailbox.uid_validity.unwrap_or(0);
    let uid_next = mailbox.uid_next.unwrap_or(u32::MAX);
    let mut cursor = match accounts::cursor(store.conn(), account.id, folder)? {
        Some(c) if c.uid_validity == uid_validity => c,
        _ => Cursor { uid_validity, last_uid: 0 },
    };
    let goal = uid_next.saturating_sub(1);
    // For "Fetching 1,240 of 12,000": UIDs may have gaps, so the folder's count bounds the estimate.
    let expected = goal.saturating_sub(cursor.last_uid).min(mailbox.exists);
    // FETCH and import overlap: while batches are parsed, threaded, triaged and committed (on a
    // connection and threads of their own), the next streams in. Each message is tagged with its
    // UID and the cursor moves to the highest UID of each committed import batch, in the same
    // transaction, so a crash or a dropped connection anywhere repeats at most what was not yet
    // committed. (Never to a FETCH's end: a connection cut mid-FETCH can end the stream without an
    // error, and the UIDs it did not deliver would be skipped for good.)
    let (batches, inbox) = std::sync::mpsc::sync_channel::<Vec<(u32, Vec<u8>)>>(2);
    let importer = {
        let path = store.path().to_path_buf();
        let (account_id, folder) = (account.id, folder.to_string());
        std::thread::Builder::new()
            .name("kindly-import".into())
            .spawn(move || -> (Result<ImportSummary>, Cursor) {
                let mut store = match Store::open(&path) {
                    Ok(store) => store,
                    Err(e) => return (Err(e), cursor),
                };
                let items = inbox.into_iter().flatten().map(|(uid, raw)| (uid, Ok(raw)));
                let mut stored = 0u32;
                let summary = import_tagged(&mut store, items, &mut |_| {}, &mut |tx, uids| {
                    stored += uids.len() as u32;
                    cursor.last_uid = uids.iter().copied().max().unwrap_or(cursor.last_uid).max(cursor.last_uid);
                    accounts::set_cursor(tx, account_id, &folder, cursor, now_ms())?;
                    crate::sync::state::record_progress(tx, &folder, stored, expected.max(stored))
                });
                (summary, cursor)
            })
            .map_err(|e| Error::Invalid(format!("cannot start the import thread: {e}")))?
    };
    let mut from = cursor.last_uid + 1;
    let fetching = async {
        while from <= goal && mailbox.exists > 0 {
            let to = from.saturating_add(FETCH_BATCH - 1).min(goal);
            let mut raws: Vec<(u32, Vec<u8>)> = Vec::new();
            let mut fetches = session
                .uid_fetch(format!("{from}:{to}"), "(UID BODY.PEEK[])")
                .await
                .map_err(|e| imap_error(&format!("fetching {folder}"), e))?;
            while let Some(fetch) = fetches.next().await {
                let fetch = fetch.map_err(|e| imap_error(&format!("fetching {folder}"), e))?;
                // "n:m" may answer with a message below n when none is in range: keep only the range.
                if let Some(uid) = fetch.uid.filter(|u| (from..=to).contains(u)) {
                    raws.push((uid, fetch.body().unwrap_or_default().to_vec()));
                }
            }
            drop(fetches);
            // In UID order, so a committed prefix of the stream is every UID up to its last.
            raws.sort_by_key(|(uid, _)| *uid);
            // Waits while two batches are queued: memory stays bounded however large the folder.
            // A closed channel means the importer stopped on an error, which its join reports.
            if batches.send(raws).is_err() {
                break;
            }
            progress(to, goal);
            from = to + 1;
        }
        // The server still answers, so every FETCH got its completion: none was cut short.
        session.noop().await.map_err(|e| imap_error(&format!("fetching {folder}"), e))?;
        Ok::<_, Error>(())
    };
    let fetched = fetching.await;
    drop(batches);
    let (imported, mut cursor) = importer.join().map_err(|_| Error::Invalid("the import thread crashed".into()))?;
    // Whatever was committed stays committed; the first error is reported.
    let total = imported?;
    fetched?;
    // Every FETCH answered and every message is stored: the cursor moves to the goal, past UIDs
    // with no message (expunged). Also records a new UIDVALIDITY of a folder with nothing to fetch.
    if mailbox.uid_next.is_some() {
        cursor.last_uid = cursor.last_uid.max(goal);
    }
    store.write(|tx| accounts::set_cursor(tx, account.id, folder, cursor, now_ms()))?;
    Ok(total)
}

/// What one pass did.
#[derive(Debug, Default)]
pub struct SyncReport {
    pub mail: ImportSummary,
    pub sent: super::smtp::SendSummary,
    pub ops: crate::sync::transport::OpsReport,
    /// Acknowledgements queued for new cases in this pass.
    pub acks_queued: usize,
    /// Folders a CONDSTORE server said had not changed: not opened at all.
    pub unchanged: Vec<String>,
}

/// One pass over the support mailbox: fetch INBOX and our sent mail (so replies join their cases),
/// exchange case state with the other replicas (pull, then push), send the replies that are due,
/// and fetch Sent again so those join their cases too. The outcome is recorded for the window.
pub async fn sync_once(store: &mut Store, progress: &mut dyn FnMut(&str, u32, u32)) -> Result<SyncReport> {
    let outcome = sync_pass(store, progress).await;
    let now = now_ms();
    let _ = match &outcome {
        Ok(_) => store.write(|tx| crate::sync::state::record_ok(tx, now)),
        Err(e) => store.write(|tx| crate::sync::state::record_error(tx, now, &e.to_string())),
    };
    outcome
}

async fn sync_pass(store: &mut Store, progress: &mut dyn FnMut(&str, u32, u32)) -> Result<SyncReport> {
    let account = accounts::first(store.conn())?.ok_or(Error::NoMailbox)?;
    // Mail from the support address is ours: outbound.
    let mut ours = settings::support_addresses(store.conn())?;
    if !ours.contains(&account.email) {
        ours.push(account.email.clone());
        let json = serde_json::to_string(&ours).map_err(|e| Error::Invalid(e.to_string()))?;
        store.write(|tx| settings::set(tx, settings::SUPPORT_ADDRESSES, &json))?;
    }
    let credentials = credentials(&account).await?;
    let mut session = connect(&account, &credentials).await?;
    let sent = match sent_folder(&mut session).await? {
        Some(sent) => sent,
        None => {
            session.create("Sent").await.map_err(|e| imap_error("creating the Sent folder", e))?;
            "Sent".to_string()
        }
    };
    let condstore =
        session.capabilities().await.map_err(|e| imap_error("reading capabilities", e))?.has_str("CONDSTORE");
    let mut report = SyncReport::default();
    for folder in ["INBOX", sent.as_str()] {
        let s = ingest_folder(store, &mut session, &account, folder, condstore, &mut |done, goal| {
            progress(folder, done, goal)
        })
        .await?;
        match s {
            Some(s) => report.mail.absorb(s),
            None => report.unchanged.push(folder.to_string()),
        }
    }
    // Case state that waited for this mail can land now; then what the others did, then ours.
    store.write(|tx| crate::sync::ops::apply_pending(tx).map(drop))?;
    let now = store.now_ms();
    store.write(|tx| crate::sync::edit::share_unshared_orders(tx, now).map(drop))?;
    report.ops = crate::sync::transport::exchange(store, &mut session, &account).await?;
    report.acks_queued = store.write(|tx| super::ack::queue_due(tx, now_ms()))?;
    report.sent = super::smtp::send_due(store, &mut session, &account, &credentials, &sent).await?;
    if report.sent.sent > 0 {
        let s = ingest_folder(store, &mut session, &account, &sent, condstore, &mut |done, goal| {
            progress(&sent, done, goal)
        })
        .await?;
        report.mail.absorb(s.unwrap_or_default());
    }
    let _ = session.logout().await;
    Ok(report)
}

/// How long one IDLE lasts before it is renewed (servers drop it after 29 minutes).
pub const IDLE_MAX: std::time::Duration = std::time::Duration::from_secs(25 * 60);
/// How often a server without IDLE is asked for new mail.
pub const POLL_EVERY: std::time::Duration = std::time::Duration::from_secs(60);

/// Waits until something needs a sync pass: new mail in INBOX, a batch from another replica in
/// the sync folder (IDLE on both, at most `IDLE_MAX`; polling every `POLL_EVERY` where the server
/// has no IDLE), or a change made on this replica that is waiting to be pushed.
pub async fn wait_for_change(store: &Store) -> Result<()> {
    let account = accounts::first(store.conn())?.ok_or(Error::NoMailbox)?;
    let credentials = credentials(&account).await?;
    let local = async {
        loop {
            tokio::time::sleep(LOCAL_CHECK_EVERY).await;
            if crate::sync::ops::unpushed_count(store.conn()).unwrap_or(0) > 0 {
                return Ok(());
            }
        }
    };
    tokio::select! {
        r = wait_on(&account, &credentials, "INBOX") => r,
        r = wait_on(&account, &credentials, crate::sync::transport::FOLDER) => r,
        r = local => r,
    }
}

/// How often the loop looks for local changes to push while it waits on the server.
const LOCAL_CHECK_EVERY: std::time::Duration = std::time::Duration::from_millis(500);

async fn wait_on(account: &Account, credentials: &Credentials, folder: &str) -> Result<()> {
    let mut session = connect(account, credentials).await?;
    let idle_offered = session.capabilities().await.map_err(|e| imap_error("reading capabilities", e))?.has_str("IDLE");
    if !idle_offered {
        let _ = session.logout().await;
        tokio::time::sleep(POLL_EVERY).await;
        return Ok(());
    }
    if session.select(folder).await.is_err() {
        session.create(folder).await.map_err(|e| imap_error(&format!("creating {folder}"), e))?;
        session.select(folder).await.map_err(|e| imap_error(&format!("cannot open {folder}"), e))?;
    }
    let mut idle = session.idle();
    idle.init().await.map_err(|e| imap_error("starting IDLE", e))?;
    // The stop handle must outlive the wait: dropping it interrupts the IDLE at once.
    let (wait, stop) = idle.wait_with_timeout(IDLE_MAX);
    let outcome = wait.await;
    drop(stop);
    outcome.map_err(|e| imap_error("waiting for new mail", e))?;
    let mut session = idle.done().await.map_err(|e| imap_error("ending IDLE", e))?;
    let _ = session.logout().await;
    Ok(())
}

/// Delay before reconnect attempt `n` (1-based): doubling from 1 s up to 5 minutes, with up to
/// 25 % random jitter so many clients do not retry in step.
pub fn reconnect_delay(attempt: u32) -> std::time::Duration {
    let base_ms = 1_000u64.saturating_mul(1 << attempt.saturating_sub(1).min(9)).min(300_000);
    let mut noise = [0u8; 2];
    let jitter = if getrandom::fill(&mut noise).is_ok() {
        u64::from(u16::from_le_bytes(noise)) * base_ms / 4 / 65_535
    } else {
        0
    };
    std::time::Duration::from_millis(base_ms + jitter)
}

/// The folder holding our sent mail: the one marked \Sent, else one named like it.
async fn sent_folder(session: &mut Session) -> Result<Option<String>> {
    let names: Vec<async_imap::types::Name> = session
        .list(Some(""), Some("*"))
        .await
        .map_err(|e| imap_error("listing folders", e))?
        .filter_map(|n| async move { n.ok() })
        .collect()
        .await;
    let marked =
        names.iter().find(|n| n.attributes().iter().any(|a| matches!(a, async_imap::types::NameAttribute::Sent)));
    let named = names.iter().find(|n| {
        matches!(n.name().to_ascii_lowercase().as_str(), "sent" | "sent items" | "sent messages" | "inbox.sent")
    });
    Ok(marked.or(named).map(|n| n.name().to_string()))
}

#[cfg(test)]
mod tests {
    use super::reconnect_delay;
    use std::time::Duration;

    #[test]
    fn reconnect_delays_double_with_bounded_jitter_and_a_cap() {
        for (attempt, base) in [(1, 1_000u64), (2, 2_000), (3, 4_000), (9, 256_000), (10, 300_000), (40, 300_000)] {
            let d = reconnect_delay(attempt);
            assert!(d >= Duration::from_millis(base), "attempt {attempt}: {d:?}");
            assert!(d <= Duration::from_millis(base + base / 4), "attempt {attempt}: {d:?}");
        }
    }
}
