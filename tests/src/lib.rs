//! Shared helpers for Kindly's end-to-end tests and benchmarks: where the binaries are, how to run
//! the CLI, and a deterministic generator of realistic synthetic mail.

pub mod dovecot;
pub mod keychain;
pub mod synth;
pub mod triage_eval;
pub mod web;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ has a parent").to_path_buf()
}

/// The `kindly` CLI built for this profile (next to the test binary's `deps/` folder).
pub fn kindly_bin() -> PathBuf {
    if let Some(p) = std::env::var_os("KINDLY_BIN") {
        return PathBuf::from(p);
    }
    let exe = std::env::current_exe().expect("current exe");
    let profile_dir = exe.parent().and_then(Path::parent).expect("target/<profile>");
    let bin = profile_dir.join("kindly");
    assert!(bin.is_file(), "{} is missing: run `cargo build -p kindly-core --bins` first", bin.display());
    bin
}

pub fn fixtures() -> PathBuf {
    repo_root().join("tests/fixtures")
}

/// Runs `kindly --db DB ARGS…` and returns its output (whatever the exit status).
pub fn kindly(db: &Path, args: &[&str]) -> Output {
    Command::new(kindly_bin()).arg("--db").arg(db).args(args).output().expect("run kindly")
}

/// Runs `kindly` and insists it succeeded; returns stdout.
pub fn kindly_ok(db: &Path, args: &[&str]) -> String {
    let out = kindly(db, args);
    assert!(out.status.success(), "kindly {args:?} failed ({}):\n{}", out.status, String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("utf-8 stdout")
}

pub fn kindly_json(db: &Path, args: &[&str]) -> serde_json::Value {
    serde_json::from_str(&kindly_ok(db, args)).expect("kindly printed JSON")
}

/// A store in a fresh temporary folder (kept while the guard lives), filled with the demo inbox
/// by the CLI.
pub fn demo_db() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temporary folder");
    let db = dir.path().join("k.db");
    let out = kindly_ok(&db, &["demo"]);
    assert!(out.contains("Demo inbox loaded"), "{out}");
    (dir, db)
}

/// Golden-file check: compares `actual` with the file at `path`; `KINDLY_BLESS=1` rewrites it.
pub fn assert_golden(path: &Path, actual: &serde_json::Value) {
    let text = serde_json::to_string_pretty(actual).expect("json") + "\n";
    if std::env::var_os("KINDLY_BLESS").is_some() {
        std::fs::write(path, &text).expect("write golden file");
    }
    let expected = std::fs::read_to_string(path)
        .unwrap_or_else(|_| panic!("{} is missing: run with KINDLY_BLESS=1 once and review it", path.display()));
    assert_eq!(expected, text, "{} differs from the output (KINDLY_BLESS=1 regenerates it on purpose)", path.display());
}

/// Peak resident set size of this process in bytes (Linux).
pub fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}
