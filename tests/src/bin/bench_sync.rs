//! First-sync benchmark (prints figures; not a timed test): a 20,000-message mailbox in a loopback
//! Dovecot; Dovecot's own raw FETCH of the whole folder, then Kindly's first sync of the same
//! folder end to end (fetch, parse, store, triage) in a child process of its own, with its peak RSS.
//! Run: `cargo run --release -p kindly-tests --bin bench-sync [N]`.

use std::path::Path;
use std::time::Instant;

use kindly_core::Store;
use kindly_core::store::accounts::{self, Account};
use kindly_tests::dovecot::{Dovecot, PASSWORD, PASSWORD_VAR, USER};

fn kindly_sync(db: &Path, port: u16) -> anyhow::Result<()> {
    let mut store = Store::open(db)?;
    let account = Account {
        id: 0,
        email: USER.into(),
        imap_host: "127.0.0.1".into(),
        imap_port: port,
        smtp_host: "127.0.0.1".into(),
        smtp_port: 2525,
        username: USER.into(),
        security: "none".into(),
        password_env: Some(PASSWORD_VAR.into()),
        keychain_entry: None,
        oauth_provider: None,
    };
    store.write(|tx| accounts::upsert(tx, &account, 0))?;
    let runtime = tokio::runtime::Runtime::new()?;
    let start = Instant::now();
    let report = runtime.block_on(kindly_core::mail::imap::sync_once(&mut store, &mut |_, _, _| {}))?;
    let secs = start.elapsed().as_secs_f64();
    println!("  kindly sync    {} in {secs:.2} s = {:.0} messages/s", report.mail, report.mail.seen as f64 / secs);
    println!("  peak RSS       {:.1} MB (the sync process)", kindly_tests::peak_rss_bytes().unwrap_or(0) as f64 / 1e6);
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--sync") {
        return kindly_sync(Path::new(&args[2]), args[3].parse()?);
    }
    let count: usize = args.get(1).map(|s| s.parse()).transpose()?.unwrap_or(20_000);
    let dovecot = Dovecot::start();
    let messages = kindly_tests::synth::messages(count, 77);
    let bytes: usize = messages.iter().map(|m| m.bytes.len()).sum();
    let maildir = dovecot.root().join("mail").join(USER);
    kindly_tests::synth::write_maildir(&maildir, &messages)?;
    drop(messages);
    let owned = std::process::Command::new("chown").args(["-R", "dovecot:dovecot"]).arg(&maildir).status()?;
    anyhow::ensure!(owned.success(), "chown failed");
    println!("sync benchmark: {count} messages ({:.1} MB) in a loopback Dovecot", bytes as f64 / 1e6);

    let mut imap = dovecot.client();
    let start = Instant::now();
    let n = imap.count("INBOX");
    println!("  dovecot index  {n} messages indexed in {:.2} s (first STATUS)", start.elapsed().as_secs_f64());
    let start = Instant::now();
    let fetched = imap.messages("INBOX").len();
    let raw_secs = start.elapsed().as_secs_f64();
    let raw_rate = fetched as f64 / raw_secs;
    println!(
        "  dovecot FETCH  {fetched} bodies in {raw_secs:.2} s = {raw_rate:.0} messages/s (raw UID FETCH 1:* BODY.PEEK[])"
    );
    drop(imap);

    let dir = tempfile::tempdir()?;
    let start = Instant::now();
    let status = std::process::Command::new(std::env::current_exe()?)
        .arg("--sync")
        .arg(dir.path().join("bench.db"))
        .arg(dovecot.port.to_string())
        .env(PASSWORD_VAR, PASSWORD)
        .status()?;
    anyhow::ensure!(status.success(), "the sync run failed");
    let end_to_end = count as f64 / start.elapsed().as_secs_f64();
    println!(
        "  ratio          Kindly end to end {end_to_end:.0} messages/s = {:.0}% of Dovecot's raw FETCH rate",
        100.0 * end_to_end / raw_rate
    );
    Ok(())
}
