//! OAuth2 sign-in for Gmail and Microsoft 365 / Outlook mailboxes, and the tokens it yields.
//!
//! The flow is the one for native apps (RFC 8252): the authorization code grant (RFC 6749 §4.1)
//! with PKCE (RFC 7636, S256) in the system browser, redirected to a one-shot listener on
//! 127.0.0.1 with a port the OS chose (RFC 8252 §7.3). The code is exchanged for an access token
//! (about an hour) and a refresh token (long-lived); both live in the OS keychain as one JSON entry,
//! never in the store. Before each connection the access token is refreshed when it has less than
//! five minutes left. IMAP and SMTP then authenticate with SASL XOAUTH2 (or OAUTHBEARER, RFC 7628).
//!
//! Client ids: an installed app's OAuth client is public (RFC 8252 §8.4): its id is not a secret
//! and PKCE replaces the secret. **Kindly has no registered client ids yet** (registering needs a
//! Google Cloud project through verification for the `https://mail.google.com/` scope, and an
//! Entra app registration): the table below is empty, and a person or a packager sets
//! `KINDLY_OAUTH_CLIENT_ID_GOOGLE` / `KINDLY_OAUTH_CLIENT_ID_MICROSOFT` to an id of their own.
//! Google's "Desktop app" clients also come with a client secret that Google expects in the token
//! request even though it cannot be kept secret; `KINDLY_OAUTH_CLIENT_SECRET_GOOGLE` (or
//! `_MICROSOFT`) supplies it. Tests point both endpoints at a local server with
//! `KINDLY_OAUTH_ENDPOINTS=auth_url,token_url`.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::error::{Error, Result};

/// How long the sign-in waits for the browser to come back.
pub const SIGN_IN_TIMEOUT: Duration = Duration::from_secs(5 * 60);
/// An access token with less than this left is refreshed before a connection.
pub const REFRESH_MARGIN_MS: i64 = 5 * 60 * 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provider {
    Google,
    Microsoft,
}

impl Provider {
    /// `google` or `microsoft`, as the CLI, the contract and the store spell it.
    pub fn parse(s: &str) -> Result<Provider> {
        match s.trim().to_ascii_lowercase().as_str() {
            "google" | "gmail" => Ok(Provider::Google),
            "microsoft" | "outlook" | "office365" => Ok(Provider::Microsoft),
            other => Err(Error::BadArgs(format!("unknown sign-in provider `{other}`: use google or microsoft"))),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Provider::Google => "google",
            Provider::Microsoft => "microsoft",
        }
    }

    /// For messages: "Sign in with Google".
    pub fn display(self) -> &'static str {
        match self {
            Provider::Google => "Google",
            Provider::Microsoft => "Microsoft",
        }
    }

    fn env_suffix(self) -> &'static str {
        match self {
            Provider::Google => "GOOGLE",
            Provider::Microsoft => "MICROSOFT",
        }
    }

    /// What the mail servers need: full IMAP/SMTP access (Google has one scope for both);
    /// `offline_access` is how Microsoft hands out a refresh token.
    fn scope(self) -> &'static str {
        match self {
            Provider::Google => "https://mail.google.com/",
            Provider::Microsoft => {
                "https://outlook.office.com/IMAP.AccessAsUser.All https://outlook.office.com/SMTP.Send offline_access"
            }
        }
    }

    fn default_endpoints(self) -> (&'static str, &'static str) {
        match self {
            Provider::Google => ("https://accounts.google.com/o/oauth2/v2/auth", "https://oauth2.googleapis.com/token"),
            Provider::Microsoft => (
                "https://login.microsoftonline.com/common/oauth2/v2.0/authorize",
                "https://login.microsoftonline.com/common/oauth2/v2.0/token",
            ),
        }
    }

    /// The provider behind a built-in provider name from `providers.rs` ("Gmail", "Microsoft 365 /
    /// Outlook"), for the window's "Sign in with …" button.
    pub fn for_settings(provider_name: &str) -> Option<Provider> {
        match provider_name {
            "Gmail" => Some(Provider::Google),
            n if n.starts_with("Microsoft") => Some(Provider::Microsoft),
            _ => None,
        }
    }
}

/// Client ids registered for Kindly, per provider. None yet (see the module comment): the
/// environment supplies one.
const BUILT_IN_CLIENT_IDS: &[(Provider, &str)] = &[];

/// The OAuth client Kindly signs in as.
#[derive(Debug, Clone)]
pub struct OAuthClient {
    pub id: String,
    /// Only for providers that insist on one for installed apps (Google's desktop clients).
    pub secret: Option<String>,
}

pub fn client(provider: Provider) -> Result<OAuthClient> {
    let var = |name: &str| std::env::var(format!("{name}_{}", provider.env_suffix())).ok().filter(|v| !v.is_empty());
    let id = var("KINDLY_OAUTH_CLIENT_ID")
        .or_else(|| BUILT_IN_CLIENT_IDS.iter().find(|(p, _)| *p == provider).map(|(_, id)| id.to_string()))
        .ok_or_else(|| {
            Error::OAuth(format!(
                "this build of Kindly has no OAuth client id for {name}. Set KINDLY_OAUTH_CLIENT_ID_{suffix} to the id \
                 of a desktop-app client you registered with {name} (see the README), or use an app password instead",
                name = provider.display(),
                suffix = provider.env_suffix()
            ))
        })?;
    Ok(OAuthClient { id, secret: var("KINDLY_OAUTH_CLIENT_SECRET") })
}

/// The authorization and token endpoints; `KINDLY_OAUTH_ENDPOINTS=auth_url,token_url` replaces
/// both (tests point them at a local server).
pub fn endpoints(provider: Provider) -> (String, String) {
    if let Ok(list) = std::env::var("KINDLY_OAUTH_ENDPOINTS")
        && let Some((auth, token)) = list.split_once(',')
    {
        return (auth.trim().to_string(), token.trim().to_string());
    }
    let (auth, token) = provider.default_endpoints();
    (auth.to_string(), token.to_string())
}

/// The tokens as they are kept in the keychain (one JSON entry per mailbox).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tokens {
    pub refresh_token: String,
    pub access_token: String,
    /// When the access token expires (Unix ms).
    pub expires_ms: i64,
}

impl Tokens {
    pub fn needs_refresh(&self, now_ms: i64) -> bool {
        self.expires_ms - now_ms < REFRESH_MARGIN_MS
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn from_json(text: &str) -> Result<Tokens> {
        serde_json::from_str(text).map_err(|_| {
            Error::SignInAgain("the saved sign-in in the keychain is unreadable: sign in to the mailbox again".into())
        })
    }
}

/// A PKCE pair (RFC 7636 §4.1–4.2): the verifier stays here, the challenge goes to the browser.
pub struct Pkce {
    pub verifier: String,
    pub challenge: String,
}

impl Pkce {
    pub fn new() -> Result<Pkce> {
        let verifier = random_token()?;
        Ok(Pkce { challenge: challenge_s256(&verifier), verifier })
    }
}

/// `BASE64URL(SHA256(ASCII(code_verifier)))` without padding (RFC 7636 §4.2, S256).
pub fn challenge_s256(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// 32 random bytes, base64url: 43 characters from the unreserved set (a valid verifier and state).
fn random_token() -> Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| Error::OAuth(format!("no randomness from the OS: {e}")))?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// The SASL XOAUTH2 initial response (Google's and Microsoft's IMAP/SMTP), before base64.
pub fn xoauth2(user: &str, access_token: &str) -> String {
    format!("user={user}\x01auth=Bearer {access_token}\x01\x01")
}

/// The SASL OAUTHBEARER initial response (RFC 7628 §3.1), before base64.
pub fn oauthbearer(user: &str, host: &str, port: u16, access_token: &str) -> String {
    let user = user.replace('=', "=3D").replace(',', "=2C");
    format!("n,a={user},\x01host={host}\x01port={port}\x01auth=Bearer {access_token}\x01\x01")
}

/// The address the browser is sent to (RFC 6749 §4.1.1 plus RFC 7636 §4.3).
pub fn authorization_url(
    provider: Provider,
    client: &OAuthClient,
    redirect_uri: &str,
    state: &str,
    challenge: &str,
    login_hint: &str,
) -> Result<String> {
    let (auth_url, _) = endpoints(provider);
    let mut url =
        url::Url::parse(&auth_url).map_err(|e| Error::OAuth(format!("bad authorization endpoint {auth_url}: {e}")))?;
    {
        let mut q = url.query_pairs_mut();
        q.append_pair("response_type", "code")
            .append_pair("client_id", &client.id)
            .append_pair("redirect_uri", redirect_uri)
            .append_pair("scope", provider.scope())
            .append_pair("state", state)
            .append_pair("code_challenge", challenge)
            .append_pair("code_challenge_method", "S256");
        if !login_hint.is_empty() {
            q.append_pair("login_hint", login_hint);
        }
        if provider == Provider::Google {
            // Google hands out a refresh token only with offline access, and again on re-consent.
            q.append_pair("access_type", "offline").append_pair("prompt", "consent");
        }
    }
    Ok(url.into())
}

/// Signs in with `provider` for `login_hint` (the address): calls `open` with the address for
/// the browser, waits (at most `SIGN_IN_TIMEOUT`) for the one redirect back, and exchanges the
/// code for tokens.
pub async fn sign_in(provider: Provider, login_hint: &str, open: &mut (dyn FnMut(&str) + Send)) -> Result<Tokens> {
    sign_in_within(provider, login_hint, open, SIGN_IN_TIMEOUT).await
}

pub async fn sign_in_within(
    provider: Provider,
    login_hint: &str,
    open: &mut (dyn FnMut(&str) + Send),
    timeout: Duration,
) -> Result<Tokens> {
    let client = client(provider)?;
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .map_err(|e| Error::OAuth(format!("cannot listen on 127.0.0.1 for the sign-in: {e}")))?;
    let port = listener.local_addr().map_err(|e| Error::OAuth(e.to_string()))?.port();
    let redirect_uri = format!("http://127.0.0.1:{port}/");
    let pkce = Pkce::new()?;
    let state = random_token()?;
    let url = authorization_url(provider, &client, &redirect_uri, &state, &pkce.challenge, login_hint)?;
    open(&url);
    let code =
        tokio::time::timeout(timeout, wait_for_redirect(&listener, &state, provider)).await.map_err(|_| {
            Error::OAuth(format!(
                "nobody signed in within {} minutes: start again, and finish signing in in the browser",
                timeout.as_secs().div_ceil(60)
            ))
        })??;
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", redirect_uri.as_str()),
        ("code_verifier", pkce.verifier.as_str()),
    ];
    token_request(provider, &client, &form, None).await
}

/// Accepts connections until the redirect (a request to `/` with `state`, `code` or `error`)
/// arrives: other requests (a favicon) get a 404. Connections are read side by side, so a
/// browser's idle pre-connection cannot hold up the real one. The redirect is answered with a
/// page saying what happened; a wrong or missing `state` (a forged or stale redirect) ends the
/// sign-in with an error.
async fn wait_for_redirect(listener: &tokio::net::TcpListener, state: &str, provider: Provider) -> Result<String> {
    let (tx, mut rx) = tokio::sync::mpsc::channel::<(tokio::net::TcpStream, String)>(8);
    loop {
        let (mut stream, target) = tokio::select! {
            accepted = listener.accept() => {
                let (mut stream, _) =
                    accepted.map_err(|e| Error::OAuth(format!("the sign-in listener failed: {e}")))?;
                let tx = tx.clone();
                tokio::spawn(async move {
                    let read = tokio::time::timeout(Duration::from_secs(10), read_request_target(&mut stream)).await;
                    if let Ok(Ok(target)) = read {
                        let _ = tx.send((stream, target)).await;
                    }
                });
                continue;
            }
            Some(request) = rx.recv() => request,
        };
        let Ok(url) = url::Url::parse(&format!("http://127.0.0.1{target}")) else { continue };
        let params: std::collections::HashMap<String, String> = url.query_pairs().into_owned().collect();
        if url.path() != "/" || !["state", "code", "error"].iter().any(|k| params.contains_key(*k)) {
            let _ = respond(&mut stream, "404 Not Found", "Not found.").await;
            continue;
        }
        let forged = || {
            Error::OAuth(
                "the browser came back with a sign-in answer that does not belong to this sign-in (its state did not \
                 match): start the sign-in again"
                    .into(),
            )
        };
        let outcome = match (params.get("state"), params.get("error")) {
            (Some(s), _) if s != state => Err(forged()),
            (_, Some(error)) => {
                let detail = params.get("error_description").map(|d| format!(" ({d})")).unwrap_or_default();
                Err(match error.as_str() {
                    "access_denied" => Error::OAuth(format!(
                        "{} sign-in was cancelled or access was not granted{detail}: start again and allow Kindly to read and send mail",
                        provider.display()
                    )),
                    other => Error::OAuth(format!("{} refused the sign-in: {other}{detail}", provider.display())),
                })
            }
            (None, None) => Err(forged()),
            (Some(_), None) => {
                params.get("code").filter(|c| !c.is_empty()).cloned().ok_or_else(|| {
                    Error::OAuth("the browser came back without an authorization code: start again".into())
                })
            }
        };
        let page = match &outcome {
            Ok(_) => "Signed in. You can close this tab and return to Kindly.".to_string(),
            Err(e) => format!("The sign-in did not work: {e}. You can close this tab and return to Kindly."),
        };
        let status = if outcome.is_ok() { "200 OK" } else { "400 Bad Request" };
        let _ = respond(&mut stream, status, &page).await;
        return outcome;
    }
}

/// Reads an HTTP request head (at most 16 KB) and returns its target (`/?code=…&state=…`).
async fn read_request_target(stream: &mut tokio::net::TcpStream) -> std::io::Result<String> {
    let mut head = Vec::new();
    let mut buf = [0u8; 2048];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 16 * 1024 {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            break;
        }
        head.extend_from_slice(&buf[..n]);
    }
    let text = String::from_utf8_lossy(&head);
    let mut words = text.lines().next().unwrap_or_default().split(' ');
    match (words.next(), words.next()) {
        (Some("GET"), Some(target)) if target.starts_with('/') => Ok(target.to_string()),
        _ => Err(std::io::Error::other("not a GET request")),
    }
}

async fn respond(stream: &mut tokio::net::TcpStream, status: &str, text: &str) -> std::io::Result<()> {
    let escaped = text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    let body = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>Kindly</title></head>\
         <body style=\"font-family: system-ui, sans-serif; margin: 4em auto; max-width: 34em\"><p>{escaped}</p></body></html>"
    );
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\
         Cache-Control: no-store\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(response.as_bytes()).await?;
    stream.shutdown().await
}

/// Gets a new access token with the refresh token (RFC 6749 §6). The refresh token is kept when
/// the answer has no new one.
pub async fn refresh(provider: Provider, tokens: &Tokens) -> Result<Tokens> {
    let client = client(provider)?;
    let form = [("grant_type", "refresh_token"), ("refresh_token", tokens.refresh_token.as_str())];
    token_request(provider, &client, &form, Some(&tokens.refresh_token)).await
}

/// One POST to the token endpoint (RFC 6749 §4.1.3 / §6): `application/x-www-form-urlencoded`
/// with the client id (and secret, when there is one) in the body. No retry: a busy or failing
/// service is reported, and the next sync pass tries again.
async fn token_request(
    provider: Provider,
    client: &OAuthClient,
    form: &[(&str, &str)],
    previous_refresh: Option<&str>,
) -> Result<Tokens> {
    let (_, token_url) = endpoints(provider);
    let mut body = url::form_urlencoded::Serializer::new(String::new());
    body.extend_pairs(form.iter().copied()).append_pair("client_id", &client.id);
    if let Some(secret) = &client.secret {
        body.append_pair("client_secret", secret);
    }
    let mut tls = (*super::tls::client_config()?).clone();
    tls.alpn_protocols = vec![b"http/1.1".to_vec()];
    let http = reqwest::Client::builder()
        .use_preconfigured_tls(tls)
        .timeout(Duration::from_secs(30))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| Error::OAuth(format!("HTTP setup: {e}")))?;
    let response = http
        .post(&token_url)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Accept", "application/json")
        .body(body.finish())
        .send()
        .await
        .map_err(|e| {
            Error::OAuth(format!(
                "cannot reach {}'s sign-in service ({e}): check the network and try again",
                provider.display()
            ))
        })?;
    let status = response.status().as_u16();
    let retry_after = response.headers().get("retry-after").and_then(|v| v.to_str().ok()).map(str::to_string);
    let text = response.text().await.unwrap_or_default();
    parse_token_response(provider, status, retry_after.as_deref(), &text, previous_refresh, crate::time::now_ms())
}

#[derive(Deserialize)]
struct TokenBody {
    access_token: String,
    token_type: String,
    expires_in: Option<i64>,
    refresh_token: Option<String>,
    #[allow(dead_code)]
    scope: Option<String>,
}

#[derive(Deserialize)]
struct ErrorBody {
    error: String,
    error_description: Option<String>,
}

/// Reads the token endpoint's answer (RFC 6749 §5.1 success, §5.2 error) into tokens or an error
/// that says what to do.
pub fn parse_token_response(
    provider: Provider,
    status: u16,
    retry_after: Option<&str>,
    body: &str,
    previous_refresh: Option<&str>,
    now_ms: i64,
) -> Result<Tokens> {
    let who = provider.display();
    if status == 429 {
        let wait = retry_after.map(|s| format!(" (it asks for {s} seconds)")).unwrap_or_default();
        return Err(Error::OAuth(format!(
            "{who}'s sign-in service is busy (HTTP 429){wait}: Kindly will try again at the next sync"
        )));
    }
    if status >= 500 {
        return Err(Error::OAuth(format!(
            "{who}'s sign-in service is having trouble (HTTP {status}): Kindly will try again at the next sync"
        )));
    }
    if !(200..300).contains(&status) {
        let Ok(e) = serde_json::from_str::<ErrorBody>(body) else {
            return Err(Error::OAuth(format!("{who}'s sign-in service answered HTTP {status}")));
        };
        let detail = e.error_description.map(|d| format!(" ({d})")).unwrap_or_default();
        return Err(match e.error.as_str() {
            // The refresh token was revoked or expired, the password changed, or the code was used.
            "invalid_grant" => Error::SignInAgain(format!(
                "{who} no longer accepts Kindly's sign-in for this mailbox{detail}: sign in with {who} again"
            )),
            "invalid_client" | "unauthorized_client" => Error::OAuth(format!(
                "{who} does not know Kindly's OAuth client{detail}: check KINDLY_OAUTH_CLIENT_ID_{} (and its secret)",
                provider.env_suffix()
            )),
            "invalid_scope" => Error::OAuth(format!(
                "{who} refused the mail access Kindly asks for{detail}: ask your admin to allow IMAP and SMTP"
            )),
            other => Error::OAuth(format!("{who} refused the sign-in: {other}{detail}")),
        });
    }
    let t: TokenBody = serde_json::from_str(body)
        .map_err(|e| Error::OAuth(format!("{who}'s sign-in service sent an answer Kindly cannot read: {e}")))?;
    if !t.token_type.eq_ignore_ascii_case("bearer") {
        return Err(Error::OAuth(format!("{who} sent a `{}` token; Kindly needs a Bearer token", t.token_type)));
    }
    let refresh_token =
        t.refresh_token.filter(|r| !r.is_empty()).or_else(|| previous_refresh.map(str::to_string)).ok_or_else(
            || {
                Error::OAuth(format!(
                    "{who} did not give Kindly offline access (no refresh token): sign in again and allow it"
                ))
            },
        )?;
    // Without expires_in, assume the usual hour (RFC 6749 leaves it optional).
    let expires_ms = now_ms + t.expires_in.unwrap_or(3600).max(0) * 1000;
    Ok(Tokens { refresh_token, access_token: t.access_token, expires_ms })
}

/// Opens `url` in the system browser: `KINDLY_BROWSER` (a program given the URL) when set, else
/// `xdg-open` / `open` / the Windows URL handler. Returns false when nothing could be started (the
/// caller shows the address instead).
pub fn open_browser(url: &str) -> bool {
    let mut cmd = if let Some(program) = std::env::var_os("KINDLY_BROWSER") {
        let mut c = std::process::Command::new(program);
        c.arg(url);
        c
    } else if cfg!(target_os = "macos") {
        let mut c = std::process::Command::new("open");
        c.arg(url);
        c
    } else if cfg!(windows) {
        let mut c = std::process::Command::new("rundll32");
        c.arg("url.dll,FileProtocolHandler").arg(url);
        c
    } else {
        let mut c = std::process::Command::new("xdg-open");
        c.arg(url);
        c
    };
    cmd.stdin(std::process::Stdio::null()).stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null());
    match cmd.spawn() {
        Ok(mut child) => {
            // Reap it in the background so it does not linger as a zombie.
            std::thread::spawn(move || child.wait());
            true
        }
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_s256_matches_rfc_7636_appendix_b() {
        assert_eq!(
            challenge_s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
        let p = Pkce::new().unwrap();
        assert_eq!(p.verifier.len(), 43);
        assert!(p.verifier.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
        assert_eq!(p.challenge, challenge_s256(&p.verifier));
        assert_ne!(p.verifier, Pkce::new().unwrap().verifier);
    }

    #[test]
    fn sasl_strings() {
        assert_eq!(
            xoauth2("someuser@example.com", "ya29.vF9dft4"),
            "user=someuser@example.com\x01auth=Bearer ya29.vF9dft4\x01\x01"
        );
        assert_eq!(
            oauthbearer("user@example.com", "server.example.com", 143, "vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg=="),
            "n,a=user@example.com,\x01host=server.example.com\x01port=143\x01auth=Bearer vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==\x01\x01"
        );
    }

    #[test]
    fn reads_token_answers_and_errors() {
        let ok = r#"{"access_token":"at1","token_type":"Bearer","expires_in":3599,"refresh_token":"rt1","scope":"https://mail.google.com/"}"#;
        let t = parse_token_response(Provider::Google, 200, None, ok, None, 1_000).unwrap();
        assert_eq!(
            t,
            Tokens { refresh_token: "rt1".into(), access_token: "at1".into(), expires_ms: 1_000 + 3_599_000 }
        );
        assert!(!t.needs_refresh(1_000) && t.needs_refresh(1_000 + 3_599_000 - REFRESH_MARGIN_MS + 1));
        assert_eq!(Tokens::from_json(&t.to_json()).unwrap(), t);

        // A refresh answer without a refresh token keeps the old one.
        let refreshed = r#"{"access_token":"at2","token_type":"bearer","expires_in":3600}"#;
        let t2 = parse_token_response(Provider::Microsoft, 200, None, refreshed, Some("rt1"), 0).unwrap();
        assert_eq!((t2.refresh_token.as_str(), t2.access_token.as_str()), ("rt1", "at2"));
        // A first sign-in without one cannot work offline.
        assert!(parse_token_response(Provider::Google, 200, None, refreshed, None, 0).is_err());

        let revoked = r#"{"error":"invalid_grant","error_description":"Token has been expired or revoked."}"#;
        let e = parse_token_response(Provider::Google, 400, None, revoked, Some("rt1"), 0).unwrap_err();
        assert_eq!(e.code(), "sign_in_again");
        assert!(e.to_string().contains("sign in with Google again"), "{e}");

        let busy = parse_token_response(Provider::Google, 429, Some("30"), "", None, 0).unwrap_err();
        assert!(busy.to_string().contains("429") && busy.to_string().contains("30 seconds"), "{busy}");
        let down = parse_token_response(Provider::Microsoft, 503, None, "<html>", None, 0).unwrap_err();
        assert!(down.to_string().contains("HTTP 503"), "{down}");
        let mac = r#"{"access_token":"a","token_type":"mac","expires_in":1,"refresh_token":"r"}"#;
        assert!(parse_token_response(Provider::Google, 200, None, mac, None, 0).is_err());
        assert!(parse_token_response(Provider::Google, 200, None, "not json", None, 0).is_err());
        assert_eq!(Tokens::from_json("garbage").unwrap_err().code(), "sign_in_again");
    }

    #[test]
    fn the_authorization_url_carries_pkce_state_and_scope() {
        let client = OAuthClient { id: "cid.apps.example".into(), secret: None };
        let url = authorization_url(Provider::Microsoft, &client, "http://127.0.0.1:5555/", "st", "ch", "a@b.example")
            .unwrap();
        let parsed = url::Url::parse(&url).unwrap();
        let q: std::collections::HashMap<_, _> = parsed.query_pairs().into_owned().collect();
        assert_eq!(q["code_challenge_method"], "S256");
        assert_eq!((q["code_challenge"].as_str(), q["state"].as_str()), ("ch", "st"));
        assert_eq!(q["redirect_uri"], "http://127.0.0.1:5555/");
        assert!(q["scope"].contains("IMAP.AccessAsUser.All") && q["scope"].contains("offline_access"));
        assert_eq!(q["login_hint"], "a@b.example");
        assert_eq!(Provider::for_settings("Gmail"), Some(Provider::Google));
        assert_eq!(Provider::for_settings("Microsoft 365 / Outlook"), Some(Provider::Microsoft));
        assert_eq!(Provider::for_settings("Fastmail"), None);
    }

    async fn get(port: u16, target: &str) -> String {
        let mut s = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.unwrap();
        s.write_all(format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").as_bytes()).await.unwrap();
        let mut answer = String::new();
        s.read_to_string(&mut answer).await.unwrap();
        answer
    }

    #[tokio::test]
    async fn the_loopback_listener_takes_one_redirect_and_checks_its_state() {
        for (target, expect) in [
            ("/?code=c0de&state=good", Ok("c0de")),
            ("/?code=c0de&state=forged", Err("does not belong to this sign-in")),
            ("/?code=c0de", Err("does not belong to this sign-in")),
            ("/?error=access_denied&state=good", Err("cancelled")),
        ] {
            let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await.unwrap();
            let port = listener.local_addr().unwrap().port();
            let waiting = tokio::spawn(async move { wait_for_redirect(&listener, "good", Provider::Google).await });
            // An idle pre-connection and a favicon request do not end or block the wait.
            let _idle = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.unwrap();
            assert!(get(port, "/favicon.ico").await.starts_with("HTTP/1.1 404"));
            let page = get(port, target).await;
            let outcome = waiting.await.unwrap();
            match expect {
                Ok(code) => {
                    assert_eq!(outcome.unwrap(), code);
                    assert!(page.starts_with("HTTP/1.1 200") && page.contains("return to Kindly"), "{page}");
                }
                Err(words) => {
                    let e = outcome.unwrap_err().to_string();
                    assert!(e.contains(words), "{target}: {e}");
                    assert!(page.starts_with("HTTP/1.1 400"), "{page}");
                }
            }
        }
    }
}
