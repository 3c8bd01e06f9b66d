//! OAuth2 sign-in against real parts: a stand-in provider on loopback that speaks the documented
//! wire formats (the authorization endpoint of RFC 6749 §4.1.1 with PKCE, the token endpoint of
//! §4.1.3 / §6 / §5, and token introspection), a real Dovecot whose `oauth2` passdb asks that
//! provider about every XOAUTH2 token, a real SMTP server that does the same for AUTH XOAUTH2, and
//! a real keychain (gnome-keyring on a private D-Bus). The browser is this test: it reads the
//! address `kindly account add --oauth` prints, asks the provider, and follows the redirect.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};

use axum::extract::{RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine;
use kindly_tests::dovecot::{Dovecot, SmtpSink, USER};
use kindly_tests::keychain::Keychain;
use kindly_tests::web::request;
use kindly_tests::{kindly_bin, synth};
use sha2::Digest;

const CLIENT_ID: &str = "kindly-test.apps.example";

/// What the refresh grant answers next.
#[derive(Clone, Copy, PartialEq, Debug)]
enum RefreshAnswer {
    Ok,
    InvalidGrant,
    TooMany,
}

struct Idp {
    /// code → (code_challenge, redirect_uri)
    codes: HashMap<String, (String, String)>,
    /// access token → expiry (Unix ms)
    access: HashMap<String, i64>,
    refresh_tokens: Vec<String>,
    refresh_answer: RefreshAnswer,
    /// `expires_in` of the next tokens issued for a code.
    code_expires_in: i64,
    refreshes: u32,
    /// The scope of the last authorization request.
    scope: String,
    /// Every token the mail servers asked about, in order.
    introspected: Vec<String>,
    issued: u32,
}

#[derive(Clone)]
struct Provider {
    port: u16,
    idp: Arc<Mutex<Idp>>,
}

fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64
}

fn form(text: &str) -> HashMap<String, String> {
    url::form_urlencoded::parse(text.as_bytes()).into_owned().collect()
}

fn json(status: StatusCode, value: serde_json::Value) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json"), (header::CACHE_CONTROL, "no-store")], value.to_string())
        .into_response()
}

fn token_error(error: &str) -> Response {
    json(StatusCode::BAD_REQUEST, serde_json::json!({ "error": error, "error_description": format!("test: {error}") }))
}

/// The authorization endpoint: the user (USER) consents at once; the answer is the redirect.
async fn authorize(State(p): State<Provider>, RawQuery(query): RawQuery) -> Response {
    let q = form(&query.unwrap_or_default());
    let field = |k: &str| q.get(k).cloned().unwrap_or_default();
    if field("response_type") != "code"
        || field("client_id") != CLIENT_ID
        || field("code_challenge_method") != "S256"
        || field("code_challenge").len() != 43
        || !field("redirect_uri").starts_with("http://127.0.0.1:")
        || field("state").is_empty()
        || field("scope").is_empty()
    {
        return (StatusCode::BAD_REQUEST, format!("bad authorization request: {q:?}")).into_response();
    }
    let mut idp = p.idp.lock().unwrap();
    idp.issued += 1;
    idp.scope = field("scope");
    let code = format!("code-{}", idp.issued);
    idp.codes.insert(code.clone(), (field("code_challenge"), field("redirect_uri")));
    let mut location = url::Url::parse(&field("redirect_uri")).unwrap();
    location.query_pairs_mut().append_pair("code", &code).append_pair("state", &field("state"));
    (StatusCode::FOUND, [(header::LOCATION, location.to_string())]).into_response()
}

/// The token endpoint: the code grant checks PKCE (S256 of the verifier must be the challenge);
/// the refresh grant answers as the test says, without a new refresh token.
async fn token(State(p): State<Provider>, body: String) -> Response {
    let f = form(&body);
    let field = |k: &str| f.get(k).cloned().unwrap_or_default();
    if field("client_id") != CLIENT_ID {
        return json(StatusCode::UNAUTHORIZED, serde_json::json!({ "error": "invalid_client" }));
    }
    let mut idp = p.idp.lock().unwrap();
    idp.issued += 1;
    let n = idp.issued;
    match field("grant_type").as_str() {
        "authorization_code" => {
            let Some((challenge, redirect_uri)) = idp.codes.remove(&field("code")) else {
                return token_error("invalid_grant");
            };
            let computed =
                base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(field("code_verifier")));
            if computed != challenge || redirect_uri != field("redirect_uri") {
                return token_error("invalid_grant");
            }
            let (access, refresh, expires_in) = (format!("access-{n}"), format!("refresh-{n}"), idp.code_expires_in);
            idp.access.insert(access.clone(), now_ms() + expires_in * 1000);
            idp.refresh_tokens.push(refresh.clone());
            json(
                StatusCode::OK,
                serde_json::json!({ "access_token": access, "token_type": "Bearer", "expires_in": expires_in,
                                    "refresh_token": refresh, "scope": "https://mail.google.com/" }),
            )
        }
        "refresh_token" => match idp.refresh_answer {
            RefreshAnswer::TooMany => {
                (StatusCode::TOO_MANY_REQUESTS, [(header::RETRY_AFTER, "30")], "slow down").into_response()
            }
            RefreshAnswer::InvalidGrant => token_error("invalid_grant"),
            RefreshAnswer::Ok if !idp.refresh_tokens.contains(&field("refresh_token")) => token_error("invalid_grant"),
            RefreshAnswer::Ok => {
                idp.refreshes += 1;
                let access = format!("access-{n}");
                idp.access.insert(access.clone(), now_ms() + 3_600_000);
                json(
                    StatusCode::OK,
                    serde_json::json!({ "access_token": access, "token_type": "Bearer", "expires_in": 3600 }),
                )
            }
        },
        _ => token_error("unsupported_grant_type"),
    }
}

/// Token introspection for the mail servers (Dovecot's `introspection_mode = post`).
async fn introspect(State(p): State<Provider>, body: String) -> Response {
    let token = form(&body).remove("token").unwrap_or_default();
    let mut idp = p.idp.lock().unwrap();
    idp.introspected.push(token.clone());
    let active = idp.access.get(&token).is_some_and(|&expires| expires > now_ms());
    match active {
        true => json(StatusCode::OK, serde_json::json!({ "active": true, "email": USER })),
        false => json(StatusCode::OK, serde_json::json!({ "active": false })),
    }
}

impl Provider {
    fn start() -> Provider {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let idp = Idp {
            codes: HashMap::new(),
            access: HashMap::new(),
            refresh_tokens: Vec::new(),
            refresh_answer: RefreshAnswer::Ok,
            code_expires_in: 3600,
            refreshes: 0,
            scope: String::new(),
            introspected: Vec::new(),
            issued: 0,
        };
        let provider = Provider { port, idp: Arc::new(Mutex::new(idp)) };
        let app = axum::Router::new()
            .route("/authorize", get(authorize))
            .route("/token", post(token))
            .route("/introspect", post(introspect))
            .with_state(provider.clone());
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                axum::serve(listener, app).await.unwrap();
            });
        });
        provider
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn set<T>(&self, f: impl FnOnce(&mut Idp) -> T) -> T {
        f(&mut self.idp.lock().unwrap())
    }
}

/// Everything a test needs: the provider, Dovecot asking it, a keychain, a store.
struct Setup {
    provider: Provider,
    dovecot: Dovecot,
    keychain: Keychain,
    dir: tempfile::TempDir,
}

impl Setup {
    fn start() -> Setup {
        Self::start_with(Dovecot::start_oauth2)
    }

    fn start_with(dovecot: fn(&str) -> Dovecot) -> Setup {
        let provider = Provider::start();
        let dovecot = dovecot(&provider.url("/introspect"));
        let dir = tempfile::tempdir().unwrap();
        let keychain = Keychain::start(&dir.path().join("home"));
        Setup { provider, dovecot, keychain, dir }
    }

    fn db(&self) -> std::path::PathBuf {
        self.dir.path().join("k.db")
    }

    fn kindly(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(kindly_bin());
        cmd.arg("--db")
            .arg(self.db())
            .args(args)
            .envs(self.keychain.env())
            .env(
                "KINDLY_OAUTH_ENDPOINTS",
                format!("{},{}", self.provider.url("/authorize"), self.provider.url("/token")),
            )
            .env("KINDLY_OAUTH_CLIENT_ID_GOOGLE", CLIENT_ID)
            // The browser is the test itself: nothing is opened.
            .env("KINDLY_BROWSER", "true")
            .env("KINDLY_SEND_RETRY_SECS", "0");
        cmd
    }

    fn run(&self, args: &[&str]) -> Output {
        self.kindly(args).output().unwrap()
    }

    /// `kindly account add --oauth google` up to the moment it prints the address for the
    /// browser: the running child and that address.
    fn start_sign_in(&self, smtp_port: u16) -> (Child, String) {
        let imap = format!("127.0.0.1:{}", self.dovecot.port);
        let smtp = format!("127.0.0.1:{smtp_port}");
        let mut child = self
            .kindly(&["account", "add", "--email", USER, "--imap", &imap, "--smtp", &smtp, "--user", USER])
            .args(["--security", "none", "--oauth", "google"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        loop {
            line.clear();
            assert!(lines.read_line(&mut line).unwrap() > 0, "account add ended without printing the address");
            if line.starts_with("http://") {
                break;
            }
        }
        // Keep reading stdout so the child never blocks on a full pipe.
        std::thread::spawn(move || std::io::copy(&mut lines, &mut std::io::sink()));
        (child, line.trim().to_string())
    }

    /// The whole sign-in, the test acting as the browser. Returns the page the browser showed.
    fn sign_in(&self, smtp_port: u16) -> String {
        let (child, url) = self.start_sign_in(smtp_port);
        let page = follow(&url);
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "account add --oauth: {}", String::from_utf8_lossy(&out.stderr));
        page
    }
}

/// GET `url` (the provider's authorization endpoint) and follow its redirect to Kindly's
/// loopback listener, as a browser would; returns the listener's page.
fn follow(url: &str) -> String {
    redirect_from(&authorize_redirect(url))
}

/// GET the authorization address; returns the redirect's Location (as sent: the code and state
/// are case-sensitive).
fn authorize_redirect(url: &str) -> String {
    let auth = url::Url::parse(url).unwrap();
    raw_location(auth.port().unwrap(), &format!("{}?{}", auth.path(), auth.query().unwrap_or_default()))
}

fn raw_location(port: u16, target: &str) -> String {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(s, "GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n").unwrap();
    let mut text = String::new();
    s.read_to_string(&mut text).unwrap();
    assert!(text.starts_with("HTTP/1.1 302"), "the authorization endpoint refused: {text}");
    text.lines()
        .find_map(|l| l.strip_prefix("location: ").or_else(|| l.strip_prefix("Location: ")))
        .expect("a Location header")
        .trim()
        .to_string()
}

/// GET the redirect target on Kindly's loopback listener; returns its page.
fn redirect_from(location: &str) -> String {
    let to = url::Url::parse(location).unwrap();
    assert_eq!(to.host_str(), Some("127.0.0.1"), "the redirect goes to the loopback listener");
    let (status, _, page) =
        request(to.port().unwrap(), "GET", &format!("{}?{}", to.path(), to.query().unwrap_or_default()), &[], "");
    assert!(status == 200 || status == 400, "{status}: {page}");
    page
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn account(db: &Path) -> Option<kindly_core::store::accounts::Account> {
    let store = kindly_core::Store::open(db).unwrap();
    kindly_core::store::accounts::first(store.conn()).unwrap()
}

#[test]
fn sign_in_in_the_browser_then_sync_and_reply_over_xoauth2() {
    let s = Setup::start();
    let mut imap = s.dovecot.client();
    for m in synth::messages(4, 11) {
        imap.append("INBOX", &m.bytes);
    }
    let smtp = SmtpSink::start_oauth2(&s.dovecot, "Delivered", &s.provider.url("/introspect"));

    let page = s.sign_in(smtp.port);
    assert!(page.contains("You can close this tab and return to Kindly"), "{page}");
    let saved = account(&s.db()).expect("the account is saved");
    assert_eq!(saved.oauth_provider.as_deref(), Some("google"));
    assert_eq!(saved.password_env, None);
    assert!(saved.keychain_entry.as_deref().is_some_and(|e| e.ends_with(" oauth2")), "{saved:?}");
    // The sign-in's IMAP check went through Dovecot's oauth2 passdb.
    assert_eq!(s.provider.set(|i| i.introspected.clone()), vec!["access-2".to_string()]);

    let out = s.run(&["sync", "--once"]);
    assert!(out.status.success(), "{}\n{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains("Read 4 messages: 4 imported"), "{}", stdout(&out));
    assert_eq!(s.provider.set(|i| i.refreshes), 0, "an hour-long token is not refreshed");

    // A reply goes out over SMTP AUTH XOAUTH2 (the sink asks the provider about the token too).
    let queue: serde_json::Value = serde_json::from_slice(&s.run(&["queue", "all", "--json"]).stdout).unwrap();
    let case = queue[0]["case_id"].as_str().unwrap().to_string();
    let body = s.dir.path().join("reply.txt");
    std::fs::write(&body, "Thanks, it is on its way.\n\nSam").unwrap();
    assert!(s.run(&["reply", &case, "--body-file", body.to_str().unwrap()]).status.success());
    let asked = s.provider.set(|i| i.introspected.len());
    let out = s.run(&["sync", "--once"]);
    let outbox = || {
        let store = kindly_core::Store::open(s.db()).unwrap();
        kindly_core::store::outbox::all(store.conn()).unwrap().into_iter().map(|i| i.last_error).collect::<Vec<_>>()
    };
    assert!(stdout(&out).contains("Sent 1 replies"), "{}\n{}\n{:?}", stdout(&out), stderr(&out), outbox());
    assert_eq!(s.dovecot.client().count("Delivered"), 1);
    assert_eq!(s.provider.set(|i| i.introspected.len()), asked + 2, "IMAP and SMTP each checked the token");

    // No token reached the store.
    let bytes = std::fs::read(s.db()).unwrap();
    for secret in ["access-2", "refresh-2"] {
        assert!(!bytes.windows(secret.len()).any(|w| w == secret.as_bytes()), "{secret} reached the store");
    }
}

#[test]
fn an_expiring_token_is_refreshed_and_kept_and_a_revoked_one_asks_to_sign_in_again() {
    let s = Setup::start();
    s.dovecot.client().append("INBOX", &synth::messages(1, 3)[0].bytes);
    // A token with a minute left (less than the five-minute margin) is refreshed before connecting.
    s.provider.set(|i| i.code_expires_in = 60);
    s.sign_in(2525);
    let out = s.run(&["sync", "--once"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(s.provider.set(|i| i.refreshes), 1);
    let last = s.provider.set(|i| i.introspected.last().cloned()).unwrap();
    assert_ne!(last, "access-2", "Dovecot saw the refreshed token, not the old one");

    // The new token was stored: with refreshing now refused, the next pass still connects.
    s.provider.set(|i| i.refresh_answer = RefreshAnswer::InvalidGrant);
    let out = s.run(&["sync", "--once"]);
    assert!(out.status.success(), "the stored token is fresh: {}", stderr(&out));
    assert_eq!(s.provider.set(|i| i.refreshes), 1);

    // Sign in again with a short-lived token; the provider has revoked the refresh token.
    s.sign_in(2525);
    let before = account(&s.db());
    let out = s.run(&["sync", "--once"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("sign in with Google again"), "{}", stderr(&out));
    assert_eq!(account(&s.db()), before, "the account is unchanged");
    // A busy provider (429) is an error that says so, not a retry loop.
    s.provider.set(|i| i.refresh_answer = RefreshAnswer::TooMany);
    let out = s.run(&["sync", "--once"]);
    assert!(!out.status.success() && stderr(&out).contains("HTTP 429"), "{}", stderr(&out));
    // Nothing was lost: once the provider answers again, the kept refresh token works.
    s.provider.set(|i| i.refresh_answer = RefreshAnswer::Ok);
    let out = s.run(&["sync", "--once"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(s.provider.set(|i| i.refreshes), 2);
}

#[test]
fn a_redirect_with_the_wrong_state_is_refused_and_nothing_is_saved() {
    let s = Setup::start();
    let (child, url) = s.start_sign_in(2525);
    let location = authorize_redirect(&url);
    let mut forged = url::Url::parse(&location).unwrap();
    let code = forged.query_pairs().find(|(k, _)| k == "code").unwrap().1.into_owned();
    forged.query_pairs_mut().clear().append_pair("code", &code).append_pair("state", "forged");
    let page = redirect_from(forged.as_str());
    assert!(page.contains("did not work"), "{page}");
    let out = child.wait_with_output().unwrap();
    assert!(!out.status.success());
    assert!(stderr(&out).contains("does not belong to this sign-in"), "{}", stderr(&out));
    assert!(account(&s.db()).is_none(), "no account without a sign-in");
}

#[test]
fn without_a_client_id_the_cli_says_what_to_do() {
    let s = Setup::start();
    let out = s
        .kindly(&["account", "add", "--email", USER, "--imap", "127.0.0.1:1", "--smtp", "127.0.0.1:2"])
        .args(["--oauth", "microsoft"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("KINDLY_OAUTH_CLIENT_ID_MICROSOFT") && err.contains("app password"), "{err}");
}

#[test]
fn the_window_signs_in_with_microsoft_and_the_background_sync_uses_the_token() {
    let s = Setup::start();
    for m in synth::messages(3, 5) {
        s.dovecot.client().append("INBOX", &m.bytes);
    }
    // The "system browser" follows the address and the redirect, as a person's browser would,
    // once the person has finished reading (the file `go` appears).
    let browser = s.dir.path().join("browser.sh");
    let go = s.dir.path().join("go");
    std::fs::write(
        &browser,
        format!(
            "#!/bin/sh\nwhile [ ! -e '{}' ]; do sleep 0.1; done\nexec curl --noproxy '*' -sfL -o /dev/null \"$1\"\n",
            go.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&browser, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let ui = s.dir.path().join("ui");
    std::fs::create_dir_all(&ui).unwrap();
    std::fs::write(ui.join("index.html"), "<!doctype html><title>Kindly</title>").unwrap();
    let mut command = s.kindly(&["serve", "--port", "0", "--ui-dir", ui.to_str().unwrap()]);
    command.env("KINDLY_BROWSER", &browser).env("KINDLY_OAUTH_CLIENT_ID_MICROSOFT", CLIENT_ID);
    let server = kindly_tests::web::Server::start(command);

    let args = serde_json::json!({
        "email": USER, "provider": "microsoft", "imap_host": "127.0.0.1", "imap_port": s.dovecot.port,
        "smtp_host": "127.0.0.1", "smtp_port": 2525, "username": USER, "security": "none",
    });
    let (status, state) = std::thread::scope(|scope| {
        let signing_in = scope.spawn(|| server.api("connect_oauth", &args));
        // While the person signs in, the window's other calls are answered: the store is not held.
        let (answered, answer) = std::sync::mpsc::channel();
        let server = &server;
        scope.spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(500));
            let _ = answered.send(server.api("queue_counts", &serde_json::json!({})));
        });
        let during = answer.recv_timeout(std::time::Duration::from_secs(10));
        std::fs::write(&go, "").unwrap();
        assert_eq!(during.expect("queue_counts waited for the sign-in").0, 200);
        assert!(!signing_in.is_finished(), "the sign-in was still waiting for the browser");
        signing_in.join().unwrap()
    });
    assert_eq!(status, 200, "{state}");
    assert_eq!(state["mailbox"], USER);
    let scope = s.provider.set(|i| i.scope.clone());
    assert!(scope.contains("IMAP.AccessAsUser.All") && scope.contains("offline_access"), "{scope}");
    assert_eq!(account(&s.db()).unwrap().oauth_provider.as_deref(), Some("microsoft"));

    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let (_, state) = server.api("sync_status", &serde_json::json!({}));
        if state["phase"] == "synced" {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the background sync did not finish: {state}");
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    let (_, counts) = server.api("queue_counts", &serde_json::json!({}));
    assert!(counts["all"].as_u64().is_some_and(|n| n >= 1), "the mail was fetched: {counts}");
    assert!(s.provider.set(|i| i.introspected.len()) >= 2, "sign-in check and sync both used the token");
}

#[test]
fn a_server_offering_only_oauthbearer_gets_it_after_xoauth2_is_refused() {
    let s = Setup::start_with(Dovecot::start_oauthbearer_only);
    for m in synth::messages(2, 8) {
        s.dovecot.client().append("INBOX", &m.bytes);
    }
    s.sign_in(2525);
    let out = s.run(&["sync", "--once"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("Read 2 messages: 2 imported"), "{}", stdout(&out));
    let log = std::fs::read_to_string(s.dovecot.root().join("dovecot.log")).unwrap_or_default();
    assert!(log.contains("method=OAUTHBEARER") && !log.contains("method=XOAUTH2"), "{log}");
}
