//! Connecting the mailbox from the page, end to end: `kindly serve` on the demo inbox inside a
//! D-Bus session with a real gnome-keyring; `connect_mailbox` checks the login against Dovecot,
//! keeps the password in the keychain, clears the demo, and the background sync fills the store.

use std::process::Command;
use std::time::{Duration, Instant};

use kindly_tests::dovecot::{Dovecot, PASSWORD, USER};
use kindly_tests::web::Server;
use kindly_tests::{kindly_bin, kindly_ok, synth};
use serde_json::json;

fn connect_args(dovecot: &Dovecot, password: &str) -> serde_json::Value {
    json!({
        "email": USER, "imap_host": "127.0.0.1", "imap_port": dovecot.port, "smtp_host": "127.0.0.1",
        "smtp_port": 2525, "username": USER, "security": "none", "password": password,
    })
}

#[test]
fn the_page_connects_a_mailbox_into_the_keychain_and_sync_replaces_the_demo() {
    let dovecot = Dovecot::start();
    let mut imap = dovecot.client();
    for m in synth::messages(12, 9) {
        imap.append("INBOX", &m.bytes);
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("k.db");
    kindly_ok(&db, &["demo"]);
    let ui = dir.path().join("ui");
    std::fs::create_dir_all(&ui).unwrap();
    std::fs::write(ui.join("index.html"), "<!doctype html><title>Kindly</title>").unwrap();
    let keychain = kindly_tests::keychain::Keychain::start(&dir.path().join("home"));
    let mut command = Command::new(kindly_bin());
    command.arg("--db").arg(&db).args(["serve", "--port", "0", "--ui-dir"]).arg(&ui).envs(keychain.env());
    let server = Server::start(command);

    let (_, before) = server.api("sync_status", &json!({}));
    assert_eq!(before["phase"], "not-connected");

    // A wrong password is refused before anything is kept.
    let (status, refused) = server.api("connect_mailbox", &connect_args(&dovecot, "not it"));
    assert_eq!(status, 400, "{refused}");
    assert!(refused["message"].as_str().unwrap().contains("refused the login"), "{refused}");
    let (_, info) = server.api("app_info", &json!({}));
    assert_eq!(info["demo"], true, "the demo is still there");

    let (status, state) = server.api("connect_mailbox", &connect_args(&dovecot, PASSWORD));
    assert_eq!(status, 200, "{state}");
    assert_eq!(state["mailbox"], USER);
    let (_, info) = server.api("app_info", &json!({}));
    assert_eq!(info["demo"], false, "connecting cleared the demo inbox");

    // The background sync picks the mailbox up and fetches it.
    let deadline = Instant::now() + Duration::from_secs(60);
    let state = loop {
        let (_, state) = server.api("sync_status", &json!({}));
        if state["phase"] == "synced" || Instant::now() > deadline {
            break state;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    assert_eq!(state["phase"], "synced", "{state}");
    let (_, info) = server.api("app_info", &json!({}));
    assert_eq!(info["message_count"], 12, "only the mailbox's mail, none of the demo's: {info}");

    let bytes = std::fs::read(&db).unwrap();
    assert!(!bytes.windows(PASSWORD.len()).any(|w| w == PASSWORD.as_bytes()), "the password reached the store");
}
