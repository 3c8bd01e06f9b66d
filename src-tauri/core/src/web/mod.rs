//! `kindly serve`: the same UI and the same dispatcher as the desktop window, over HTTP on
//! 127.0.0.1 only. Every API call must carry the per-run random token (the printed URL hands it to
//! the page), and requests from other origins or other Host names are refused, so neither another
//! local user's page nor a DNS-rebinding site can drive it.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{Path as UrlPath, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::api::{self, ApiError};
use crate::error::{Error, Result};
use crate::store::Store;

pub const TOKEN_HEADER: &str = "x-kindly-token";

/// The page may load its own scripts and styles only; message HTML lives in sandboxed srcdoc frames.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; \
                   frame-src 'self' about:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'";

struct App {
    store: Mutex<Store>,
    token: String,
    /// `127.0.0.1:PORT` and `localhost:PORT`.
    hosts: [String; 2],
}

pub fn new_token() -> Result<String> {
    let mut bytes = [0u8; 24];
    getrandom::fill(&mut bytes).map_err(|e| Error::Invalid(format!("no randomness for the session token: {e}")))?;
    Ok(hex::encode(bytes))
}

/// Where the built UI is: `KINDLY_UI_DIR`, else `ui/dist` next to the binary's checkout, else the
/// source tree this binary was built from.
pub fn default_ui_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("KINDLY_UI_DIR") {
        return PathBuf::from(dir);
    }
    let from_exe = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|d| d.join("../../ui/dist")))
        .filter(|d| d.join("index.html").is_file());
    from_exe.unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../ui/dist")))
}

/// Binds 127.0.0.1:`port` (0 picks a free port), calls `ready` with the URL to open, and serves
/// until Ctrl-C.
pub async fn serve(store: Store, port: u16, ui_dir: &Path, ready: impl FnOnce(&str)) -> Result<()> {
    if !ui_dir.join("index.html").is_file() {
        return Err(Error::Invalid(format!(
            "the web UI is not built at {}. Run `npm ci && npm run build` in ui/, or set KINDLY_UI_DIR.",
            ui_dir.display()
        )));
    }
    let listener = tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port)))
        .await
        .map_err(|e| Error::Invalid(format!("cannot listen on 127.0.0.1:{port}: {e}. Pick another --port.")))?;
    let addr = listener.local_addr().map_err(|e| Error::Invalid(e.to_string()))?;
    let app = Arc::new(App {
        store: Mutex::new(store),
        token: new_token()?,
        hosts: [format!("127.0.0.1:{}", addr.port()), format!("localhost:{}", addr.port())],
    });
    let url = format!("http://127.0.0.1:{}/?token={}", addr.port(), app.token);
    let router = router(app, ui_dir);
    ready(&url);
    axum::serve(listener, router)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(|e| Error::Invalid(format!("web server stopped: {e}")))
}

fn router(app: Arc<App>, ui_dir: &Path) -> Router {
    let files = ServeDir::new(ui_dir).fallback(ServeFile::new(ui_dir.join("index.html")));
    Router::new()
        .route("/api/{command}", post(api_call))
        .with_state(app)
        .fallback_service(files)
        .layer(SetResponseHeaderLayer::overriding(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP)))
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::overriding(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")))
        .layer(SetResponseHeaderLayer::overriding(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
}

fn refuse(status: StatusCode, code: &str, message: &str) -> Response {
    (status, Json(ApiError { code: code.into(), message: message.into() })).into_response()
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Which requests may call the API: our Host, our Origin (or none, for scripts), and the token.
fn check_request(app: &App, headers: &HeaderMap) -> std::result::Result<(), Response> {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if !text(header::HOST.as_str()).is_some_and(|h| app.hosts.iter().any(|ok| ok == h)) {
        return Err(refuse(StatusCode::FORBIDDEN, "bad_host", "Open Kindly through the 127.0.0.1 address it printed."));
    }
    if let Some(origin) = text(header::ORIGIN.as_str()) {
        let ok = app.hosts.iter().any(|h| origin == format!("http://{h}"));
        if !ok {
            return Err(refuse(StatusCode::FORBIDDEN, "bad_origin", "Requests from other sites are not allowed."));
        }
    }
    if !text(TOKEN_HEADER).is_some_and(|t| constant_time_eq(t.as_bytes(), app.token.as_bytes())) {
        return Err(refuse(
            StatusCode::UNAUTHORIZED,
            "bad_token",
            "This page's session has expired. Open the address `kindly serve` printed (it carries a fresh token).",
        ));
    }
    Ok(())
}

fn status_for(code: &str) -> StatusCode {
    match code {
        "bad_args" | "invalid" => StatusCode::BAD_REQUEST,
        "unknown_command" | "case_not_found" => StatusCode::NOT_FOUND,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

async fn api_call(
    State(app): State<Arc<App>>,
    UrlPath(command): UrlPath<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(refused) = check_request(&app, &headers) {
        return refused;
    }
    let args = if body.iter().all(u8::is_ascii_whitespace) {
        serde_json::Value::Null
    } else {
        match serde_json::from_slice(&body) {
            Ok(v) => v,
            Err(e) => {
                return refuse(StatusCode::BAD_REQUEST, "bad_args", &format!("the request body is not JSON: {e}"));
            }
        }
    };
    let result = tokio::task::spawn_blocking(move || api::dispatch_shared(&app.store, &command, args)).await;
    match result {
        Ok(Ok(value)) => Json(value).into_response(),
        Ok(Err(e)) => (status_for(&e.code), Json(e)).into_response(),
        Err(e) => refuse(StatusCode::INTERNAL_SERVER_ERROR, "internal", &format!("the command failed: {e}")),
    }
}
