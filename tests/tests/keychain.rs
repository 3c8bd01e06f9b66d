//! Mailbox passwords in the OS keychain: a real Secret Service (gnome-keyring on a private D-Bus
//! session bus) holds the password, `sync` reads it from there, and the store never sees it. Where no
//! keychain exists, `account add --password-stdin` fails with advice and saves nothing.

use std::io::Write;
use std::process::{Command, Stdio};

use kindly_tests::dovecot::{Dovecot, PASSWORD, USER};
use kindly_tests::{kindly_bin, synth};

#[test]
fn without_a_keychain_the_error_says_what_to_do_and_nothing_is_saved() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("k.db");
    let mut child = Command::new(kindly_bin())
        .arg("--db")
        .arg(&db)
        .args(["account", "add", "--email", USER, "--imap", "127.0.0.1:1", "--smtp", "127.0.0.1:2", "--user", USER])
        .args(["--security", "none", "--password-stdin"])
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env_remove("DISPLAY")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(format!("{PASSWORD}\n").as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("keychain") && err.contains("--password-env"), "{err}");
    let store = kindly_core::Store::open(&db).unwrap();
    assert!(kindly_core::store::accounts::first(store.conn()).unwrap().is_none(), "no half-saved account");
}

#[test]
fn a_password_in_a_real_keychain_serves_sync_and_never_reaches_the_store() {
    let dovecot = Dovecot::start();
    let mut imap = dovecot.client();
    for m in synth::messages(5, 3) {
        imap.append("INBOX", &m.bytes);
    }
    let dir = tempfile::tempdir().unwrap();
    let keychain = kindly_tests::keychain::Keychain::start(&dir.path().join("home"));
    let db = dir.path().join("k.db");
    let mut add = Command::new(kindly_bin())
        .arg("--db")
        .arg(&db)
        .args(["account", "add", "--email", USER, "--imap", &format!("127.0.0.1:{}", dovecot.port)])
        .args(["--smtp", "127.0.0.1:2525", "--user", USER, "--security", "none", "--password-stdin"])
        .envs(keychain.env())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    add.stdin.take().unwrap().write_all(format!("{PASSWORD}\n").as_bytes()).unwrap();
    let added = add.wait_with_output().unwrap();
    assert!(added.status.success(), "{}", String::from_utf8_lossy(&added.stderr));
    // No environment variable anywhere: the password comes from the keychain alone.
    let out =
        Command::new(kindly_bin()).arg("--db").arg(&db).args(["sync", "--once"]).envs(keychain.env()).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("Read 5 messages: 5 imported"), "{stdout}");
    let bytes = std::fs::read(&db).unwrap();
    assert!(!bytes.windows(PASSWORD.len()).any(|w| w == PASSWORD.as_bytes()), "the password reached the store");
    let store = kindly_core::Store::open(&db).unwrap();
    let account = kindly_core::store::accounts::first(store.conn()).unwrap().unwrap();
    assert_eq!(account.password_env, None);
    assert_eq!(account.keychain_entry.as_deref(), Some(format!("{USER}@127.0.0.1:{}", dovecot.port).as_str()));
}
