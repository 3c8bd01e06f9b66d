//! Case-state sync benchmark (prints figures; not a timed test): 10,000 ops made on one replica,
//! pushed through a loopback Dovecot's `Kindly.sync` folder and applied by two others; the size of
//! the folder before and after compaction; and, with all three running their sync loops, how long
//! one change takes to reach the others (IDLE on the sync folder).
//! Run: `cargo run --release -p kindly-tests --bin bench-ops [OPS]`.

use std::path::Path;
use std::time::{Duration, Instant};

use kindly_core::Store;
use kindly_core::store::accounts;
use kindly_core::sync::{Role, edit, replica};
use kindly_tests::dovecot::{Dovecot, PASSWORD, PASSWORD_VAR, USER};

fn open(dir: &Path, name: &str, dovecot: &Dovecot, role: Role) -> anyhow::Result<Store> {
    let mut store = Store::open(dir.join(format!("{name}.db")))?;
    let account = dovecot.account(2525);
    store.write(|tx| {
        accounts::upsert(tx, &account, 0)?;
        replica::set_role(tx, role, Some(name))
    })?;
    Ok(store)
}

fn sync(runtime: &tokio::runtime::Runtime, store: &mut Store) -> anyhow::Result<kindly_core::mail::imap::SyncReport> {
    Ok(runtime.block_on(kindly_core::mail::imap::sync_once(store, &mut |_, _, _| {}))?)
}

fn folder_size(dovecot: &Dovecot) -> String {
    let out = dovecot.doveadm(&["mailbox", "status", "-u", USER, "messages vsize", "Kindly.sync"]);
    out.trim().replace('\n', " ")
}

fn count(store: &Store, sql: &str) -> i64 {
    store.conn().query_row(sql, [], |r| r.get(0)).unwrap_or(-1)
}

fn main() -> anyhow::Result<()> {
    let n: usize = std::env::args().nth(1).map(|s| s.parse()).transpose()?.unwrap_or(10_000);
    // SAFETY: set before any other thread exists.
    unsafe { std::env::set_var(PASSWORD_VAR, PASSWORD) };
    let dovecot = Dovecot::start();
    let mut imap = dovecot.client();
    for m in kindly_tests::synth::messages(300, 5) {
        imap.append("INBOX", &m.bytes);
    }
    let dir = tempfile::tempdir()?;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let mut a = open(dir.path(), "alice", &dovecot, Role::Owner)?;
    let mut b = open(dir.path(), "bob", &dovecot, Role::Assistant)?;
    let mut c = open(dir.path(), "carol", &dovecot, Role::Assistant)?;
    for s in [&mut a, &mut b, &mut c] {
        sync(&runtime, s)?;
    }
    let ids = kindly_core::store::cases::all_ids(a.conn())?;
    println!("ops sync benchmark: {n} ops over {} cases, 3 replicas, loopback Dovecot", ids.len());

    let start = Instant::now();
    let now = a.now_ms();
    a.write(|tx| {
        for i in 0..n {
            let id = &ids[i % ids.len()];
            match i % 3 {
                0 => edit::add_note(tx, now, id, &format!("note {i}: called the customer back"), false).map(drop)?,
                1 => edit::set_status(tx, now, id, ["open", "waiting", "closed"][i % 3 + (i / 3) % 2])?,
                _ => edit::assign(tx, now, id, Some(if i % 2 == 0 { Role::Owner } else { Role::Assistant }))?,
            }
        }
        Ok(())
    })?;
    println!("  record         {n} ops in {:.2} s (one transaction)", start.elapsed().as_secs_f64());

    let start = Instant::now();
    let pushed = sync(&runtime, &mut a)?.ops.pushed;
    let secs = start.elapsed().as_secs_f64();
    println!("  push           {pushed} ops in {secs:.2} s = {:.0} ops/s", pushed as f64 / secs);
    println!("  folder         {}", folder_size(&dovecot));
    for (name, store) in [("bob", &mut b), ("carol", &mut c)] {
        let start = Instant::now();
        let got = sync(&runtime, store)?.ops.received;
        let secs = start.elapsed().as_secs_f64();
        println!("  pull ({name:5})   {got} ops applied in {secs:.2} s = {:.0} ops/s", got as f64 / secs);
    }
    let same = |x: &Store, y: &Store| {
        let q =
            "SELECT group_concat(id || status || coalesce(assignee, '-'), ',') FROM (SELECT * FROM cases ORDER BY id)";
        let notes = "SELECT count(*) FROM case_notes";
        x.conn().query_row(q, [], |r| r.get::<_, String>(0)).ok()
            == y.conn().query_row(q, [], |r| r.get::<_, String>(0)).ok()
            && count(x, notes) == count(y, notes)
    };
    println!("  converged      alice = bob: {}, alice = carol: {}", same(&a, &b), same(&a, &c));

    // Small pushes until the folder is compacted.
    let mut pushes = 0;
    let mut before = String::new();
    loop {
        let now = a.now_ms();
        a.write(|tx| edit::add_note(tx, now, &ids[0], "small change", false).map(drop))?;
        let size = folder_size(&dovecot);
        let report = sync(&runtime, &mut a)?;
        pushes += 1;
        if report.ops.compacted {
            println!("  compaction     after {pushes} small pushes: {before} → {}", folder_size(&dovecot));
            break;
        }
        before = size;
        anyhow::ensure!(pushes < 200, "no compaction after 200 pushes");
    }

    // Live: all three run their sync loops; a change on alice's machine, seen on bob's and carol's.
    let paths: Vec<_> = ["alice", "bob", "carol"].iter().map(|n| dir.path().join(format!("{n}.db"))).collect();
    drop((a, b, c));
    for path in &paths {
        let path = path.clone();
        std::thread::spawn(move || {
            let mut store = Store::open(&path).expect("store");
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
            kindly_core::sync::background::run(&mut store, &runtime, &mut |_, _, _| {}, &mut |_, _| {})
        });
    }
    std::thread::sleep(Duration::from_secs(3));
    let mut writer = Store::open(&paths[0])?;
    let readers = [Store::open(&paths[1])?, Store::open(&paths[2])?];
    let mut worst = Duration::ZERO;
    let mut all = Vec::new();
    for i in 0..5 {
        let text = format!("live change {i}");
        let now = writer.now_ms();
        writer.write(|tx| edit::add_note(tx, now, &ids[1], &text, false).map(drop))?;
        let start = Instant::now();
        let sql = format!("SELECT count(*) FROM case_notes WHERE body = '{text}'");
        while readers.iter().any(|r| count(r, &sql) == 0) {
            anyhow::ensure!(start.elapsed() < Duration::from_secs(60), "change {i} did not arrive in 60 s");
            std::thread::sleep(Duration::from_millis(20));
        }
        let took = start.elapsed();
        worst = worst.max(took);
        all.push(format!("{:.2}", took.as_secs_f64()));
        std::thread::sleep(Duration::from_millis(500));
    }
    println!(
        "  live change    reached both others in {} s (worst {:.2} s; target ≤ 5 s)",
        all.join(", "),
        worst.as_secs_f64()
    );
    std::process::exit(0);
}
