//! First-sync benchmark (prints figures; not a timed test): a 20,000-message mailbox in a loopback
//! Dovecot; Dovecot's own raw FETCH of the whole folder, then Kindly's first sync of the same
//! folder end to end (fetch, parse, store, triage) in a child process of its own, with its peak RSS.
//! Both warm (the mail in the page cache) and cold (Dovecot restarted and the page cache emptied
//! before each run, which needs root). Run: `cargo run --release -p kindly-tests --bin bench-sync [N]`.

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

/// Empties the kernel's page cache, so the next read of the mailbox comes from the disk, as on a
/// server whose mail is not all in memory. False when not allowed (it needs root).
fn drop_page_cache() -> bool {
    let _ = std::process::Command::new("sync").status();
    std::fs::write("/proc/sys/vm/drop_caches", "3").is_ok()
}

/// Dovecot's own rate: every body of INBOX in one raw `UID FETCH 1:* BODY.PEEK[]`.
fn raw_fetch(dovecot: &Dovecot) -> f64 {
    let mut imap = dovecot.client();
    let start = Instant::now();
    let fetched = imap.messages("INBOX").len();
    let secs = start.elapsed().as_secs_f64();
    let rate = fetched as f64 / secs;
    println!("  dovecot FETCH  {fetched} bodies in {secs:.2} s = {rate:.0} messages/s (raw UID FETCH 1:* BODY.PEEK[])");
    rate
}

/// Kindly's first sync into a fresh store, end to end (process start to the last case triaged).
fn kindly_first_sync(dovecot: &Dovecot, count: usize) -> anyhow::Result<f64> {
    let dir = tempfile::tempdir()?;
    let start = Instant::now();
    let status = std::process::Command::new(std::env::current_exe()?)
        .arg("--sync")
        .arg(dir.path().join("bench.db"))
        .arg(dovecot.port.to_string())
        .env(PASSWORD_VAR, PASSWORD)
        .status()?;
    anyhow::ensure!(status.success(), "the sync run failed");
    Ok(count as f64 / start.elapsed().as_secs_f64())
}

fn ratio(kindly: f64, raw: f64) {
    println!(
        "  ratio          Kindly end to end {kindly:.0} messages/s = {:.0}% of Dovecot's raw FETCH rate",
        100.0 * kindly / raw
    );
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--sync") {
        return kindly_sync(Path::new(&args[2]), args[3].parse()?);
    }
    let count: usize = args.get(1).map(|s| s.parse()).transpose()?.unwrap_or(20_000);
    let mut dovecot = Dovecot::start();
    let messages = kindly_tests::synth::messages(count, 77);
    let bytes: usize = messages.iter().map(|m| m.bytes.len()).sum();
    let maildir = dovecot.root().join("mail").join(USER);
    kindly_tests::synth::write_maildir(&maildir, &messages)?;
    drop(messages);
    let owned = std::process::Command::new("chown").args(["-R", "dovecot:dovecot"]).arg(&maildir).status()?;
    anyhow::ensure!(owned.success(), "chown failed");
    println!("sync benchmark: {count} messages ({:.1} MB) in a loopback Dovecot", bytes as f64 / 1e6);

    let start = Instant::now();
    let n = dovecot.client().count("INBOX");
    println!("  dovecot index  {n} messages indexed in {:.2} s (first STATUS)", start.elapsed().as_secs_f64());

    // Warm: the mailbox is in the page cache (it was just written), so Dovecot's FETCH is a
    // memory copy and the ratio shows how much of Kindly's own work is left per message.
    println!("warm (mail in memory):");
    let raw = raw_fetch(&dovecot);
    ratio(kindly_first_sync(&dovecot, count)?, raw);

    // Cold: Dovecot restarted and the page cache emptied before each run, so both read the mail
    // from the disk, as a server does for a mailbox it has not served lately.
    println!("cold (Dovecot restarted, page cache emptied before each run):");
    dovecot.restart();
    if !drop_page_cache() {
        println!("  skipped: emptying the page cache needs root");
        return Ok(());
    }
    let raw = raw_fetch(&dovecot);
    dovecot.restart();
    drop_page_cache();
    ratio(kindly_first_sync(&dovecot, count)?, raw);
    Ok(())
}
