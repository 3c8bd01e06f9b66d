//! Connecting by address alone: the built-in table for the big providers, Mozilla-style autoconfig
//! (here served by a local HTTP server in the documented clientConfig format) for the rest, and a
//! clear error when neither knows.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;

use kindly_tests::dovecot::{PASSWORD, PASSWORD_VAR};
use kindly_tests::kindly_bin;

const CONFIG: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1">
  <emailProvider id="shop.example">
    <domain>shop.example</domain>
    <displayShortName>ShopMail</displayShortName>
    <incomingServer type="imap">
      <hostname>imap.shop.example</hostname><port>993</port><socketType>SSL</socketType>
      <authentication>password-cleartext</authentication><username>%EMAILADDRESS%</username>
    </incomingServer>
    <outgoingServer type="smtp">
      <hostname>smtp.shop.example</hostname><port>587</port><socketType>STARTTLS</socketType>
      <authentication>password-cleartext</authentication><username>%EMAILADDRESS%</username>
    </outgoingServer>
  </emailProvider>
</clientConfig>"#;

/// Serves CONFIG at /shop.example.xml and 404 elsewhere; returns the port and the paths asked for.
fn autoconfig_server() -> (u16, std::sync::mpsc::Receiver<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request = String::new();
            let _ = reader.read_line(&mut request);
            let path = request.split_whitespace().nth(1).unwrap_or("").to_string();
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            let _ = tx.send(path.clone());
            let mut stream = stream;
            let (status, body) =
                if path.starts_with("/shop.example.xml") { ("200 OK", CONFIG) } else { ("404 Not Found", "no") };
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Type: text/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    (port, rx)
}

fn add(db: &std::path::Path, email: &str, urls: &str) -> std::process::Output {
    std::process::Command::new(kindly_bin())
        .arg("--db")
        .arg(db)
        .args(["account", "add", "--email", email, "--password-env", PASSWORD_VAR])
        .env(PASSWORD_VAR, PASSWORD)
        .env("KINDLY_AUTOCONFIG_URLS", urls)
        .output()
        .unwrap()
}

fn stored(db: &std::path::Path) -> kindly_core::store::accounts::Account {
    let store = kindly_core::Store::open(db).unwrap();
    kindly_core::store::accounts::first(store.conn()).unwrap().unwrap()
}

#[test]
fn a_gmail_address_needs_nothing_more() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("k.db");
    let out = add(&db, "seller@gmail.com", "http://127.0.0.1:1/never");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("Using Gmail's settings (built-in)") && stdout.contains("app password"), "{stdout}");
    let a = stored(&db);
    assert_eq!(
        (a.imap_host.as_str(), a.imap_port, a.smtp_host.as_str(), a.smtp_port),
        ("imap.gmail.com", 993, "smtp.gmail.com", 465)
    );
    assert_eq!((a.username.as_str(), a.security.as_str()), ("seller@gmail.com", "tls"));
}

#[test]
fn another_domain_is_configured_from_its_autoconfig_file() {
    let (port, asked) = autoconfig_server();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("k.db");
    // The first place has nothing (404); the second has the file.
    let urls = format!(
        "http://127.0.0.1:{port}/missing/{{domain}},http://127.0.0.1:{port}/{{domain}}.xml?emailaddress={{email}}"
    );
    let out = add(&db, "ann@shop.example", &urls);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("Using ShopMail's settings"), "{stdout}");
    let a = stored(&db);
    assert_eq!((a.imap_host.as_str(), a.imap_port, a.security.as_str()), ("imap.shop.example", 993, "tls"));
    assert_eq!(
        (a.smtp_host.as_str(), a.smtp_port, a.username.as_str()),
        ("smtp.shop.example", 587, "ann@shop.example")
    );
    let paths: Vec<String> = asked.try_iter().collect();
    assert_eq!(
        paths,
        vec!["/missing/shop.example".to_string(), "/shop.example.xml?emailaddress=ann@shop.example".to_string()]
    );
}

#[test]
fn when_nobody_knows_the_settings_the_error_says_what_to_give() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("k.db");
    let out = add(&db, "ann@nowhere.example", "http://127.0.0.1:1/{domain}");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--imap HOST:PORT and --smtp HOST:PORT"), "{err}");
    let store = kindly_core::Store::open(&db).unwrap();
    assert!(kindly_core::store::accounts::first(store.conn()).unwrap().is_none());
}
