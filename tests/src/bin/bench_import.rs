//! Import benchmark (prints figures; not a timed test). Generates a synthetic maildir of N messages
//! (default 20,000), then imports it into a fresh store in a child process of its own, so the peak
//! RSS it prints is the import's alone. Run: `cargo run --release -p kindly-tests --bin bench-import [N]`.

use std::path::Path;
use std::time::Instant;

use kindly_core::Store;
use kindly_core::mail::import::import_maildir;

fn import(maildir: &Path, db: &Path) -> anyhow::Result<()> {
    let mut store = Store::open(db)?;
    let start = Instant::now();
    let summary = import_maildir(&mut store, maildir, &mut |_| {})?;
    let secs = start.elapsed().as_secs_f64();
    println!("  summary        {summary}");
    println!("  elapsed        {secs:.2} s");
    println!("  throughput     {:.0} messages/s", summary.seen as f64 / secs);
    println!("  peak RSS       {:.1} MB", kindly_tests::peak_rss_bytes().unwrap_or(0) as f64 / 1e6);
    println!("  store size     {:.1} MB", std::fs::metadata(db)?.len() as f64 / 1e6);
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--import") {
        return import(Path::new(&args[2]), Path::new(&args[3]));
    }
    let count: usize = args.get(1).map(|s| s.parse()).transpose()?.unwrap_or(20_000);
    let dir = tempfile::tempdir()?;
    let maildir = dir.path().join("Maildir");
    let messages = kindly_tests::synth::messages(count, 42);
    let bytes: usize = messages.iter().map(|m| m.bytes.len()).sum();
    kindly_tests::synth::write_maildir(&maildir, &messages)?;
    println!("import benchmark: {count} synthetic messages ({:.1} MB) from a maildir", bytes as f64 / 1e6);
    let status = std::process::Command::new(std::env::current_exe()?)
        .arg("--import")
        .arg(&maildir)
        .arg(dir.path().join("bench.db"))
        .status()?;
    anyhow::ensure!(status.success(), "the import run failed");
    Ok(())
}
