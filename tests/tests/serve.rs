//! `kindly serve`: loopback only, token required, foreign origins and hosts refused, CSP on pages.

use std::process::Command;

use kindly_tests::web::{Server, request};
use kindly_tests::{kindly_bin, kindly_ok, repo_root};

fn start(db: &std::path::Path, ui_dir: &std::path::Path) -> Server {
    let mut command = Command::new(kindly_bin());
    command.arg("--db").arg(db).args(["serve", "--port", "0", "--ui-dir"]).arg(ui_dir);
    Server::start(command)
}

fn setup() -> (tempfile::TempDir, Server) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("k.db");
    kindly_ok(&db, &["demo"]);
    // A stand-in UI folder keeps this test independent of the npm build; the real UI is tested
    // in tests/e2e.
    let ui = dir.path().join("ui");
    std::fs::create_dir_all(&ui).unwrap();
    std::fs::write(ui.join("index.html"), "<!doctype html><title>Kindly</title>").unwrap();
    let server = start(&db, &ui);
    (dir, server)
}

#[test]
fn api_answers_with_the_token_and_refuses_without_it() {
    let (_dir, s) = setup();
    let ok = request(
        s.port,
        "POST",
        "/api/queue",
        &[("x-kindly-token", &s.token), ("content-type", "application/json")],
        r#"{"queue":"owner"}"#,
    );
    assert_eq!(ok.0, 200, "{}", ok.2);
    let v: serde_json::Value = serde_json::from_str(&ok.2).unwrap();
    assert!(!v["items"].as_array().unwrap().is_empty());

    let none = request(s.port, "POST", "/api/queue", &[], r#"{"queue":"owner"}"#);
    assert_eq!(none.0, 401);
    assert!(none.2.contains("\"code\":\"bad_token\""));
    let wrong = request(s.port, "POST", "/api/queue", &[("x-kindly-token", "0000")], r#"{"queue":"owner"}"#);
    assert_eq!(wrong.0, 401);
}

#[test]
fn foreign_origins_and_hosts_are_refused() {
    let (_dir, s) = setup();
    let t = s.token.as_str();
    let evil = request(
        s.port,
        "POST",
        "/api/queue",
        &[("x-kindly-token", t), ("origin", "http://evil.example")],
        r#"{"queue":"owner"}"#,
    );
    assert_eq!(evil.0, 403);
    assert!(evil.2.contains("bad_origin"));
    let own = format!("http://127.0.0.1:{}", s.port);
    let fine = request(s.port, "POST", "/api/queue_counts", &[("x-kindly-token", t), ("origin", &own)], "");
    assert_eq!(fine.0, 200, "{}", fine.2);
    let rebinding =
        request(s.port, "POST", "/api/queue_counts", &[("x-kindly-token", t), ("host", "attacker.example")], "");
    assert_eq!(rebinding.0, 403);
}

#[test]
fn errors_carry_code_and_message() {
    let (_dir, s) = setup();
    let t = s.token.as_str();
    let missing = request(s.port, "POST", "/api/case", &[("x-kindly-token", t)], r#"{"case_id":"nope"}"#);
    assert_eq!(missing.0, 404);
    let err: serde_json::Value = serde_json::from_str(&missing.2).unwrap();
    assert_eq!(err["code"], "case_not_found");
    assert!(err["message"].as_str().unwrap().contains("nope"));
    let unknown = request(s.port, "POST", "/api/drop_tables", &[("x-kindly-token", t)], "{}");
    assert_eq!(unknown.0, 404);
    let bad = request(s.port, "POST", "/api/queue", &[("x-kindly-token", t)], "{not json");
    assert_eq!(bad.0, 400);
}

#[test]
fn pages_carry_a_strict_content_security_policy() {
    let (_dir, s) = setup();
    let (status, head, body) = request(s.port, "GET", "/", &[], "");
    assert_eq!(status, 200);
    assert!(body.contains("<title>Kindly</title>"));
    assert!(head.contains("content-security-policy: default-src 'self'; script-src 'self'"), "{head}");
    assert!(head.contains("x-content-type-options: nosniff"));
}

#[test]
fn serve_explains_a_missing_ui_build() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(kindly_bin())
        .arg("--db")
        .arg(dir.path().join("k.db"))
        .args(["serve", "--ui-dir"])
        .arg(dir.path().join("nothing"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("npm run build"));
    let _ = repo_root();
}
