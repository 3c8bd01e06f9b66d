//! Orders from the payment providers, against a stand-in Stripe and a stand-in Gumroad on loopback
//! that speak their documented wire formats: list pages (`has_more`/`starting_after`,
//! `next_page_key`), `created[gte]` / `after` cursors, errors in each provider's shape, 429 with
//! `Retry-After`, 500s, and refunds (Stripe's `Idempotency-Key`, Gumroad's PUT). The server records
//! every request, so the tests assert what Kindly asked for, not only what it stored. Keys come from
//! the environment (`--key-env`) or a real keychain (gnome-keyring on a private D-Bus), never the
//! store. And PayPal's activity download CSV against a golden file.

use std::collections::{HashMap, VecDeque};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use kindly_core::Store;
use kindly_core::store::{customers, orders};
use kindly_tests::keychain::Keychain;
use kindly_tests::{assert_golden, fixtures, kindly_bin};
use serde_json::{Value, json};

const STRIPE_KEY: &str = "sk_test_kindly_4eC39HqLyjWDarjtT1zdp7dc";
const GUMROAD_TOKEN: &str = "gr_test_token_Zq81xK";
const T0: i64 = 1_787_000_000; // 2026-08-17T…Z

/// An answer the server gives instead of the real one, to the first request that matches.
struct Fault {
    path: &'static str,
    query_contains: &'static str,
    status: u16,
    retry_after: Option<&'static str>,
}

#[derive(Default)]
struct Shop {
    page_size: usize,
    charges: Vec<Value>,
    refunds: Vec<Value>,
    sales: Vec<Value>,
    /// Every request: "GET /v1/charges?limit=100&…".
    seen: Vec<String>,
    /// The Idempotency-Key of every POST /v1/refunds.
    idempotency_keys: Vec<Option<String>>,
    /// Answers already given per idempotency key (Stripe replays them).
    replies: HashMap<String, Value>,
    /// Refunds actually made (money sent back).
    refunds_made: u32,
    faults: VecDeque<Fault>,
    /// Make the next refund, then answer 500: the answer is lost, the money is gone.
    lose_next_refund_answer: bool,
}

type Shared = Arc<Mutex<Shop>>;

fn json_reply(status: u16, value: Value) -> Response {
    (StatusCode::from_u16(status).unwrap(), [(header::CONTENT_TYPE, "application/json")], value.to_string())
        .into_response()
}

fn stripe_error(status: u16, kind: &str, code: &str, message: &str) -> Response {
    json_reply(status, json!({ "error": { "type": kind, "code": code, "message": message } }))
}

fn params(text: &str) -> HashMap<String, String> {
    url::form_urlencoded::parse(text.as_bytes()).into_owned().collect()
}

/// A Stripe list page: newest first, `created[gte]`, `starting_after`, `has_more`.
fn stripe_list(items: &[Value], q: &HashMap<String, String>, page: usize, url: &str) -> Value {
    let gte: i64 = q.get("created[gte]").and_then(|v| v.parse().ok()).unwrap_or(0);
    let mut list: Vec<&Value> = items.iter().filter(|c| c["created"].as_i64().unwrap() >= gte).collect();
    list.sort_by_key(|c| std::cmp::Reverse((c["created"].as_i64().unwrap(), c["id"].as_str().unwrap().to_string())));
    let start = match q.get("starting_after") {
        Some(id) => list.iter().position(|c| c["id"] == id.as_str()).map_or(list.len(), |i| i + 1),
        None => 0,
    };
    let data: Vec<Value> = list.iter().skip(start).take(page).map(|v| (*v).clone()).collect();
    json!({ "object": "list", "url": url, "data": data, "has_more": start + page < list.len() })
}

async fn handle(State(shop): State<Shared>, method: Method, uri: Uri, headers: HeaderMap, body: String) -> Response {
    let mut s = shop.lock().unwrap();
    let path = uri.path().to_string();
    let query = uri.query().unwrap_or_default().to_string();
    s.seen.push(format!("{method} {path}?{query}"));
    if let Some(i) = s.faults.iter().position(|f| path.starts_with(f.path) && query.contains(f.query_contains)) {
        let f = s.faults.remove(i).unwrap();
        let mut r = if path.starts_with("/v1/") {
            stripe_error(f.status, "api_error", "", "Test fault")
        } else {
            json_reply(f.status, json!({ "success": false, "message": "Test fault" }))
        };
        if let Some(after) = f.retry_after {
            r.headers_mut().insert("retry-after", after.parse().unwrap());
        }
        return r;
    }
    let q = params(&query);
    let page = s.page_size;
    if let Some(rest) = path.strip_prefix("/v1/") {
        let auth = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).unwrap_or_default();
        if auth != format!("Bearer {STRIPE_KEY}") {
            return stripe_error(401, "invalid_request_error", "", "Invalid API Key provided: sk_test_****wxyz");
        }
        return match (method.as_str(), rest) {
            ("GET", "charges") => json_reply(200, stripe_list(&s.charges, &q, page, "/v1/charges")),
            ("GET", "refunds") => json_reply(200, stripe_list(&s.refunds, &q, page, "/v1/refunds")),
            ("POST", "refunds") => {
                let key = headers.get("idempotency-key").and_then(|v| v.to_str().ok()).map(str::to_string);
                s.idempotency_keys.push(key.clone());
                if let Some(answer) = key.as_ref().and_then(|k| s.replies.get(k)) {
                    return json_reply(200, answer.clone());
                }
                let form = params(&body);
                let charge_id = form.get("charge").cloned().unwrap_or_default();
                let Some(charge) = s.charges.iter_mut().find(|c| c["id"] == charge_id.as_str()) else {
                    return stripe_error(404, "invalid_request_error", "resource_missing", "No such charge");
                };
                if charge["refunded"] == true {
                    return stripe_error(
                        400,
                        "invalid_request_error",
                        "charge_already_refunded",
                        "Charge has already been refunded.",
                    );
                }
                charge["refunded"] = json!(true);
                charge["amount_refunded"] = charge["amount"].clone();
                let amount = charge["amount"].clone();
                s.refunds_made += 1;
                let refund = json!({
                    "id": format!("re_kindly{}", s.refunds_made), "object": "refund", "amount": amount,
                    "charge": charge_id, "created": T0 + 900_000, "status": "succeeded", "currency": "usd",
                });
                s.refunds.push(refund.clone());
                if let Some(k) = key {
                    s.replies.insert(k, refund.clone());
                }
                if std::mem::take(&mut s.lose_next_refund_answer) {
                    return stripe_error(500, "api_error", "", "An unknown error occurred");
                }
                json_reply(200, refund)
            }
            _ => stripe_error(404, "invalid_request_error", "", "Unrecognized request URL"),
        };
    }
    // Gumroad: the access token is a parameter (query, or the form body of a PUT).
    let token = q.get("access_token").cloned().or_else(|| params(&body).get("access_token").cloned());
    if token.as_deref() != Some(GUMROAD_TOKEN) {
        return json_reply(401, json!({ "success": false, "message": "The access token is invalid" }));
    }
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match (method.as_str(), segments.as_slice()) {
        ("GET", ["v2", "sales"]) => {
            let after = q.get("after").cloned().unwrap_or_default();
            let mut list: Vec<&Value> = s.sales.iter().filter(|v| day(v).as_str() >= after.as_str()).collect();
            list.sort_by_key(|v| std::cmp::Reverse(v["created_at"].as_str().unwrap_or_default().to_string()));
            let start: usize = q.get("page_key").and_then(|k| k.strip_prefix("p")?.parse().ok()).unwrap_or(0);
            let sales: Vec<Value> = list.iter().skip(start).take(page).map(|v| (*v).clone()).collect();
            let mut answer = json!({ "success": true, "sales": sales });
            if start + page < list.len() {
                answer["next_page_key"] = json!(format!("p{}", start + page));
            }
            json_reply(200, answer)
        }
        ("GET", ["v2", "sales", id]) => match s.sales.iter().find(|v| v["id"] == *id) {
            Some(sale) => json_reply(200, json!({ "success": true, "sale": sale })),
            None => json_reply(404, json!({ "success": false, "message": "The sale was not found." })),
        },
        ("PUT", ["v2", "sales", id, "refund"]) => {
            let id = id.to_string();
            let Some(sale) = s.sales.iter_mut().find(|v| v["id"] == id.as_str()) else {
                return json_reply(404, json!({ "success": false, "message": "The sale was not found." }));
            };
            if sale["refunded"] == true {
                return json_reply(404, json!({ "success": false, "message": "Purchase is already refunded." }));
            }
            sale["refunded"] = json!(true);
            let sale = sale.clone();
            s.refunds_made += 1;
            json_reply(200, json!({ "success": true, "sale": sale }))
        }
        _ => json_reply(404, json!({ "success": false, "message": "Not found" })),
    }
}

/// A sale's day as `after` compares it (the whole text when it is not a time).
fn day(sale: &Value) -> String {
    let at = sale["created_at"].as_str().unwrap_or_default();
    at.get(..10).unwrap_or(at).to_string()
}

struct Server {
    port: u16,
    shop: Shared,
}

impl Server {
    fn start(shop: Shop) -> Server {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let shop = Arc::new(Mutex::new(shop));
        let app = axum::Router::new().fallback(handle).with_state(shop.clone());
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                axum::serve(listener, app).await.unwrap();
            });
        });
        Server { port, shop }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn env(&self) -> Vec<(String, String)> {
        vec![
            ("KINDLY_STRIPE_API".into(), self.url()),
            ("KINDLY_GUMROAD_API".into(), self.url()),
            ("TEST_STRIPE_KEY".into(), STRIPE_KEY.into()),
            ("TEST_GUMROAD_TOKEN".into(), GUMROAD_TOKEN.into()),
        ]
    }

    fn shop(&self) -> std::sync::MutexGuard<'_, Shop> {
        self.shop.lock().unwrap()
    }

    /// Requests seen since the last call, for `path`.
    fn take_seen(&self, path: &str) -> Vec<String> {
        let mut s = self.shop();
        let (mine, rest): (Vec<String>, Vec<String>) = s.seen.drain(..).partition(|r| r.contains(path));
        s.seen = rest;
        mine
    }
}

fn run(db: &Path, env: &[(String, String)], args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(kindly_bin())
        .arg("--db")
        .arg(db)
        .args(args)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Some(text) = stdin {
        input.write_all(text.as_bytes()).unwrap();
    }
    drop(input);
    child.wait_with_output().unwrap()
}

fn ok(out: &Output) -> String {
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "failed:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    stdout
}

fn charge(id: &str, hours: i64, email: &str, amount: i64) -> Value {
    json!({
        "id": id, "object": "charge", "amount": amount, "amount_refunded": 0, "currency": "usd",
        "created": T0 + hours * 3600, "status": "succeeded", "paid": true, "refunded": false,
        "billing_details": { "email": email, "name": format!("Buyer {id}") }, "receipt_email": null,
        "description": "The Calm Inbox", "metadata": {}, "livemode": false,
    })
}

fn stripe_refund(id: &str, charge: &str, amount: i64, hours: i64) -> Value {
    json!({ "id": id, "object": "refund", "amount": amount, "charge": charge, "created": T0 + hours * 3600,
            "status": "succeeded", "currency": "usd" })
}

fn order(db: &Path, source: &str, id: &str) -> Option<(i64, Option<i64>, String)> {
    let store = Store::open(db).unwrap();
    store
        .conn()
        .query_row(
            "SELECT o.amount_minor, o.refunded_ms, c.email FROM orders o JOIN customers c ON c.id = o.customer_id
             WHERE o.source = ?1 AND o.order_id = ?2",
            [source, id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .ok()
}

fn stripe_shop() -> Shop {
    let mut bad = charge("ch_4", 4, "dee@example.com", 0);
    bad["amount"] = json!("49.00");
    let mut failed = charge("ch_5", 5, "eve@example.com", 4900);
    failed["status"] = json!("failed");
    failed["paid"] = json!(false);
    let mut refunded = charge("ch_2", 2, "bo@example.com", 2900);
    refunded["refunded"] = json!(true);
    refunded["amount_refunded"] = json!(2900);
    Shop {
        page_size: 2,
        charges: vec![
            charge("ch_1", 1, "Ann@Example.com", 4900),
            refunded,
            charge("ch_3", 3, "cy@example.com", 19900),
            bad,
            failed,
            charge("ch_6", 6, "ann@example.com", 1900),
        ],
        refunds: vec![stripe_refund("re_1", "ch_2", 2900, 7)],
        ..Shop::default()
    }
}

#[test]
fn stripe_pages_retries_a_bad_record_and_next_time_only_what_is_new() {
    let server = Server::start(stripe_shop());
    {
        let mut s = server.shop();
        // The first page is rate-limited once (with Retry-After), the second fails once.
        s.faults.push_back(Fault { path: "/v1/charges", query_contains: "", status: 429, retry_after: Some("1") });
        s.faults.push_back(Fault {
            path: "/v1/charges",
            query_contains: "starting_after",
            status: 500,
            retry_after: None,
        });
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("k.db");
    let env = server.env();
    let started = std::time::Instant::now();
    let out = run(&db, &env, &["import-orders", "--stripe", "--key-env", "TEST_STRIPE_KEY"], None);
    let stdout = ok(&out);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(started.elapsed() >= std::time::Duration::from_secs(1), "Retry-After: 1 was honoured");
    assert!(
        stdout
            .contains("Stripe: 4 new orders, 0 updated, 0 unchanged, 1 refunds, 1 skipped (1 records were not orders)"),
        "{stdout}"
    );
    assert!(stderr.contains("Stripe charge ch_4: skipped: amount `\"49.00\"` is not a whole number"), "{stderr}");

    let charges = server.take_seen("/v1/charges");
    let expect = [
        "GET /v1/charges?limit=100",                     // 429
        "GET /v1/charges?limit=100",                     // page 1
        "GET /v1/charges?limit=100&starting_after=ch_5", // 500
        "GET /v1/charges?limit=100&starting_after=ch_5", // page 2
        "GET /v1/charges?limit=100&starting_after=ch_3", // page 3
    ];
    assert_eq!(charges, expect);
    assert_eq!(server.take_seen("/v1/refunds"), ["GET /v1/refunds?limit=100"]);

    assert_eq!(order(&db, "stripe", "ch_1"), Some((4900, None, "ann@example.com".into())));
    assert_eq!(order(&db, "stripe", "ch_2").unwrap().1, Some((T0 + 7 * 3600) * 1000), "refunded when re_1 was made");
    assert_eq!(order(&db, "stripe", "ch_4"), None);
    assert_eq!(order(&db, "stripe", "ch_5"), None, "a failed charge is no order");
    let store = Store::open(&db).unwrap();
    let ann = customers::find(store.conn(), "ann@example.com").unwrap().unwrap();
    assert_eq!(orders::for_customer(store.conn(), ann).unwrap().len(), 2, "one customer, keyed by lower-cased email");
    drop(store);

    // Later: a new charge, and a refund made at Stripe of a charge imported before.
    {
        let mut s = server.shop();
        s.charges.push(charge("ch_7", 30, "fay@example.com", 990));
        s.refunds.push(stripe_refund("re_2", "ch_1", 4900, 31));
        s.refunds.push(stripe_refund("re_3", "ch_3", 500, 32)); // partial
    }
    let stdout = ok(&run(&db, &env, &["import-orders", "--stripe"], None));
    assert!(
        stdout.contains("Stripe: 1 new orders, 0 updated, 1 unchanged, 1 refunds, 0 skipped; 1 partial refunds left"),
        "{stdout}"
    );
    let newest_charge = T0 + 6 * 3600;
    let newest_refund = T0 + 7 * 3600;
    assert_eq!(
        server.take_seen("/v1/charges"),
        [format!("GET /v1/charges?limit=100&created%5Bgte%5D={newest_charge}")],
        "only charges since the newest one seen"
    );
    let refunds = format!("GET /v1/refunds?limit=100&created%5Bgte%5D={newest_refund}");
    assert_eq!(server.take_seen("/v1/refunds"), [refunds.clone(), format!("{refunds}&starting_after=re_2")]);
    assert_eq!(order(&db, "stripe", "ch_1").unwrap().1, Some((T0 + 31 * 3600) * 1000), "the refund at Stripe landed");
    assert_eq!(order(&db, "stripe", "ch_3").unwrap().1, None, "a partial refund leaves the order paid");
    assert!(order(&db, "stripe", "ch_7").is_some());

    // The store holds the variable's name, never the key.
    let bytes = std::fs::read(&db).unwrap();
    assert!(!bytes.windows(STRIPE_KEY.len()).any(|w| w == STRIPE_KEY.as_bytes()));
}

#[test]
fn a_refused_key_or_a_server_that_keeps_failing_says_what_to_do() {
    let server = Server::start(stripe_shop());
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("k.db");
    let mut env = server.env();
    env.push(("WRONG_KEY".into(), "sk_test_wrong".into()));
    let out = run(&db, &env, &["import-orders", "--stripe", "--key-env", "WRONG_KEY"], None);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("Stripe refused the API key") && err.contains("Check the API key"), "{err}");
    assert!(!err.contains("sk_test_wrong"), "the key is never printed: {err}");
    assert_eq!(server.take_seen("/v1/").len(), 1, "a 401 is not retried");

    // Five 503s in a row: Kindly gives up (bounded tries), says so, and keeps no cursor.
    for _ in 0..5 {
        server.shop().faults.push_back(Fault {
            path: "/v1/refunds",
            query_contains: "",
            status: 503,
            retry_after: None,
        });
    }
    let out = run(&db, &env, &["import-orders", "--stripe", "--key-env", "TEST_STRIPE_KEY"], None);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("Stripe had a problem (HTTP 503) 5 times in a row") && err.contains("try again later"),
        "{err}"
    );
    assert_eq!(server.take_seen("/v1/refunds").len(), 5);
    let ok_run = ok(&run(&db, &env, &["import-orders", "--stripe"], None));
    assert!(ok_run.contains("4 new orders"), "the next run starts from the beginning: {ok_run}");
}

#[test]
fn a_refund_through_stripe_is_sent_once_even_when_retried() {
    let server = Server::start(stripe_shop());
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("k.db");
    let env = server.env();
    ok(&run(&db, &env, &["import-orders", "--stripe", "--key-env", "TEST_STRIPE_KEY"], None));

    // Stripe makes the refund but the answer is lost (500): Kindly retries with the same key.
    server.shop().lose_next_refund_answer = true;
    let stdout = ok(&run(&db, &env, &["refund", "ch_3", "--source", "stripe"], None));
    assert!(stdout.contains("Order ch_3 refunded in full at Stripe (refund re_kindly1); recorded as done"), "{stdout}");
    {
        let s = server.shop();
        assert_eq!(s.refunds_made, 1, "one refund, however many tries");
        let key = Some("kindly-refund-stripe-ch_3".to_string());
        assert_eq!(s.idempotency_keys, [key.clone(), key]);
    }
    let store = Store::open(&db).unwrap();
    let refund = kindly_core::commerce::refunds::get(store.conn(), "stripe", "ch_3").unwrap().unwrap();
    assert!(refund.done_ms.is_some(), "done, and shared with the other replica as an op");
    let ops: i64 = store
        .conn()
        .query_row("SELECT count(*) FROM ops WHERE entity_id = 'stripe:ch_3' AND field = 'refund_done'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(ops, 1);
    drop(store);
    assert!(order(&db, "stripe", "ch_3").unwrap().1.is_some());

    // Again: nothing goes to Stripe.
    let stdout = ok(&run(&db, &env, &["refund", "ch_3", "--source", "stripe"], None));
    assert!(stdout.contains("was refunded already"), "{stdout}");
    assert_eq!(server.shop().idempotency_keys.len(), 2);

    // Decided elsewhere, refunded in the Stripe Dashboard: Stripe says so, Kindly records it done.
    let dir2 = tempfile::tempdir().unwrap();
    let db2 = dir2.path().join("k.db");
    ok(&run(&db2, &env, &["import-orders", "--stripe", "--key-env", "TEST_STRIPE_KEY"], None));
    server.shop().replies.clear(); // Stripe forgets idempotency keys after 24 hours

    let stdout = ok(&run(&db2, &env, &["refund", "ch_3", "--source", "stripe"], None));
    assert!(stdout.contains("Stripe says order ch_3 was refunded already; nothing was refunded twice"), "{stdout}");
    assert_eq!(server.shop().refunds_made, 1);

    // Without a key, the refund is recorded and the message says what to do.
    let dir3 = tempfile::tempdir().unwrap();
    let db3 = dir3.path().join("k.db");
    let csv = dir3.path().join("o.csv");
    std::fs::write(
        &csv,
        "order_id,email,name,product,amount,currency,purchased_at,refunded_at\nQM-1,a@example.com,A,X,19.00,USD,2026-08-20T14:03:00Z,\n",
    )
    .unwrap();
    ok(&run(&db3, &env, &["import-orders", "--csv", csv.to_str().unwrap()], None));
    let out = run(&db3, &env, &["refund", "QM-1"], None);
    assert!(ok(&out).contains("Mark it done"));
}

#[test]
fn a_stripe_key_in_a_real_keychain_serves_later_imports_and_never_reaches_the_store() {
    let server = Server::start(stripe_shop());
    let dir = tempfile::tempdir().unwrap();
    let keychain = Keychain::start(&dir.path().join("home"));
    let db = dir.path().join("k.db");
    let mut env: Vec<(String, String)> = server.env().into_iter().filter(|(k, _)| k != "TEST_STRIPE_KEY").collect();
    env.extend(keychain.env());
    let stdout = ok(&run(&db, &env, &["import-orders", "--stripe", "--key-stdin"], Some(&format!("{STRIPE_KEY}\n"))));
    assert!(stdout.contains("kept in the OS keychain (entry `stripe:account`)"), "{stdout}");
    assert!(stdout.contains("4 new orders"), "{stdout}");
    // No key anywhere but the keychain.
    let stdout = ok(&run(&db, &env, &["import-orders", "--stripe"], None));
    assert!(stdout.contains("0 new orders"), "{stdout}");
    let bytes = std::fs::read(&db).unwrap();
    assert!(!bytes.windows(STRIPE_KEY.len()).any(|w| w == STRIPE_KEY.as_bytes()), "the key reached the store");
    for entry in std::fs::read_dir(dir.path()).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("k.db") {
            let bytes = std::fs::read(entry.path()).unwrap();
            assert!(!bytes.windows(STRIPE_KEY.len()).any(|w| w == STRIPE_KEY.as_bytes()), "{name} holds the key");
        }
    }
    // Disconnecting forgets the key (the keychain entry goes too); the orders stay.
    let stdout = ok(&run(&db, &env, &["import-orders", "--stripe", "--disconnect"], None));
    assert!(stdout.contains("Stripe is disconnected on this machine"), "{stdout}");
    let out = run(&db, &env, &["import-orders", "--stripe"], None);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not connected"), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(order(&db, "stripe", "ch_1").is_some(), "imported orders stay");
    // Pointed at the old entry again by hand, the store finds no key there.
    let store = kindly_core::Store::open(&db).unwrap();
    store
        .conn()
        .execute(
            "INSERT INTO settings (key, value) VALUES ('commerce.stripe.key', '{\"keychain_entry\":\"stripe:account\"}')",
            [],
        )
        .unwrap();
    drop(store);
    let out = run(&db, &env, &["import-orders", "--stripe"], None);
    assert!(!out.status.success(), "the key is gone from the keychain: {}", String::from_utf8_lossy(&out.stdout));

    // And without a keychain, the error says what to do.
    let out = run(
        &dir.path().join("other.db"),
        &[("DBUS_SESSION_BUS_ADDRESS".into(), "unix:path=/nonexistent".into())],
        &["import-orders", "--stripe", "--key-stdin"],
        Some("sk_test_x\n"),
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("keychain") && err.contains("--key-env VAR"), "{err}");
}

fn sale(id: &str, day: u32, email: &str, price: i64) -> Value {
    json!({
        "id": id, "email": email, "full_name": format!("Buyer {id}"), "product_name": "Calm Inbox",
        "price": price, "currency": "usd", "created_at": format!("2026-08-{day:02}T10:00:00Z"),
        "refunded": false, "partially_refunded": false, "chargedback": false, "paid": true,
    })
}

#[test]
fn gumroad_pages_retries_a_bad_sale_incremental_days_and_refunds() {
    let mut refunded = sale("S2==", 11, "bo@example.com", 2900);
    refunded["refunded"] = json!(true);
    let mut bad = sale("S4==", 13, "dee@example.com", 1000);
    bad["created_at"] = json!("yesterday");
    let shop = Shop {
        page_size: 2,
        sales: vec![
            sale("S1==", 10, "Ann@Example.com", 4900),
            refunded,
            sale("S3==", 12, "cy@example.com", 19900),
            bad,
            sale("S5==", 14, "ann@example.com", 1900),
        ],
        ..Shop::default()
    };
    let server = Server::start(shop);
    {
        let mut s = server.shop();
        s.faults.push_back(Fault { path: "/v2/sales", query_contains: "", status: 429, retry_after: Some("1") });
        s.faults.push_back(Fault { path: "/v2/sales", query_contains: "page_key", status: 500, retry_after: None });
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("k.db");
    let env = server.env();
    let out = run(&db, &env, &["import-orders", "--gumroad", "--key-env", "TEST_GUMROAD_TOKEN"], None);
    let stdout = ok(&out);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stdout.contains("Gumroad: 4 new orders, 0 updated, 0 unchanged, 1 refunds, 1 skipped"), "{stdout}");
    assert!(stderr.contains("Gumroad sale S4==: skipped: created_at `yesterday`"), "{stderr}");
    assert!(!stderr.contains(GUMROAD_TOKEN) && !stdout.contains(GUMROAD_TOKEN));
    let t = format!("access_token={GUMROAD_TOKEN}");
    // "yesterday" sorts first (newest) in the stand-in, so the pages are S4,S5 | S3,S2 | S1.
    assert_eq!(
        server.take_seen("/v2/sales"),
        [
            format!("GET /v2/sales?{t}"),
            format!("GET /v2/sales?{t}"),
            format!("GET /v2/sales?{t}&page_key=p2"),
            format!("GET /v2/sales?{t}&page_key=p2"),
            format!("GET /v2/sales?{t}&page_key=p4"),
        ]
    );
    assert!(order(&db, "gumroad", "S2==").unwrap().1.is_some());
    assert_eq!(order(&db, "gumroad", "S1==").unwrap().2, "ann@example.com");

    // Next time: only sales from the newest day seen on.
    server.shop().sales.push(sale("S6==", 20, "fay@example.com", 990));
    let stdout = ok(&run(&db, &env, &["import-orders", "--gumroad"], None));
    assert!(stdout.contains("Gumroad: 1 new orders, 0 updated, 1 unchanged, 0 refunds, 1 skipped"), "{stdout}");
    let since = format!("GET /v2/sales?{t}&after=2026-08-14");
    assert_eq!(server.take_seen("/v2/sales"), [since.clone(), format!("{since}&page_key=p2")]);

    // A refund through Gumroad: asked first, refunded once, never twice.
    let stdout = ok(&run(&db, &env, &["refund", "S3==", "--source", "gumroad"], None));
    assert!(stdout.contains("Order S3== refunded in full at Gumroad; recorded as done"), "{stdout}");
    let stdout = ok(&run(&db, &env, &["refund", "S3==", "--source", "gumroad"], None));
    assert!(stdout.contains("was refunded already"), "{stdout}");
    assert_eq!(server.shop().refunds_made, 1);
    let puts = server.take_seen("/refund");
    assert_eq!(puts, ["PUT /v2/sales/S3==/refund?"], "the token goes in the form body, not the address");

    // A wrong token: a clear error.
    let mut env = server.env();
    env.push(("BAD".into(), "nope".into()));
    let out = run(&dir.path().join("x.db"), &env, &["import-orders", "--gumroad", "--key-env", "BAD"], None);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("Gumroad refused the access token") && err.contains("Check the access token"), "{err}");
}

#[test]
fn a_paypal_activity_download_becomes_orders_and_refunds() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("k.db");
    let csv = fixtures().join("orders/paypal_activity.csv");
    let out = run(&db, &[], &["import-orders", "--csv", csv.to_str().unwrap(), "--format", "paypal"], None);
    let stdout = ok(&out);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let store = Store::open(&db).unwrap();
    let mut stmt = store
        .conn()
        .prepare(
            "SELECT o.order_id, c.email, c.name, o.product, o.amount_minor, o.currency, o.purchased_ms, o.refunded_ms
             FROM orders o JOIN customers c ON c.id = o.customer_id ORDER BY o.purchased_ms",
        )
        .unwrap();
    let rows: Vec<Value> = stmt
        .query_map([], |r| {
            Ok(json!({
                "order_id": r.get::<_, String>(0)?, "email": r.get::<_, String>(1)?, "name": r.get::<_, String>(2)?,
                "product": r.get::<_, String>(3)?, "amount_minor": r.get::<_, i64>(4)?,
                "currency": r.get::<_, String>(5)?,
                "purchased_at": kindly_core::time::to_rfc3339(r.get(6)?),
                "refunded_at": r.get::<_, Option<i64>>(7)?.map(kindly_core::time::to_rfc3339),
            }))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let skipped: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("skipped"))
        .map(|l| l.split_once(", ").map_or(l, |(_, rest)| rest))
        .collect();
    let actual = json!({ "summary": stdout.trim(), "skipped": skipped, "orders": rows });
    assert_golden(&fixtures().join("orders/paypal_activity.json"), &actual);
    drop(stmt);
    drop(store);
    let again = ok(&run(&db, &[], &["import-orders", "--csv", csv.to_str().unwrap(), "--format", "paypal"], None));
    assert!(again.contains("0 new orders, 0 updated, 4 unchanged, 0 refunds"), "re-import changes nothing: {again}");
}

#[test]
fn the_window_imports_and_refunds_through_the_same_contract() {
    let server = Server::start(stripe_shop());
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("k.db");
    let env = server.env();
    ok(&run(&db, &env, &["demo"], None));
    let queue: Value = serde_json::from_str(&ok(&run(&db, &env, &["queue", "owner", "--json"], None))).unwrap();
    let case_id = queue[0]["case_id"].as_str().unwrap().to_string();
    let ui = dir.path().join("ui");
    std::fs::create_dir_all(&ui).unwrap();
    std::fs::write(ui.join("index.html"), "<!doctype html><title>Kindly</title>").unwrap();
    let mut command = Command::new(kindly_bin());
    command.arg("--db").arg(&db).args(["serve", "--port", "0", "--ui-dir"]).arg(&ui);
    command.envs(env.iter().map(|(k, v)| (k, v)));
    let web = kindly_tests::web::Server::start(command);

    let (status, body) = web.api("commerce_status", &json!({}));
    assert_eq!((status, body), (200, json!({ "stripe": false, "gumroad": false, "importing": null })));
    let (status, body) = web.api("import_orders_provider", &json!({ "provider": "stripe" }));
    assert_eq!(status, 400, "{body}");
    assert!(body["message"].as_str().unwrap().contains("not connected"), "{body}");
    let (_, body) = web.api("import_orders_provider", &json!({ "provider": "paypal" }));
    assert_eq!(body["code"], "bad_args");

    // Connected by the CLI (--key-env): the window imports and refunds with it.
    ok(&run(&db, &env, &["import-orders", "--stripe", "--key-env", "TEST_STRIPE_KEY"], None));
    server.shop().charges.push(charge("ch_8", 40, "gus@example.com", 1500));
    // Stripe asks us to slow down once: while the import waits, the window sees how far it has
    // read, and its other calls are answered.
    server.shop().faults.push_back(Fault {
        path: "/v1/charges",
        query_contains: "",
        status: 429,
        retry_after: Some("2"),
    });
    let (status, body) = std::thread::scope(|scope| {
        let importing = scope.spawn(|| web.api("import_orders_provider", &json!({ "provider": "stripe" })));
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            let (status, body) = web.api("commerce_status", &json!({}));
            assert_eq!(status, 200);
            if body["importing"]["provider"] == "stripe" {
                assert!(body["importing"]["records"].as_u64().is_some(), "{body}");
                break;
            }
            assert!(std::time::Instant::now() < deadline && !importing.is_finished(), "no progress shown: {body}");
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        let (status, _) = web.api("queue_counts", &json!({}));
        assert_eq!(status, 200);
        assert!(!importing.is_finished(), "answered while the import waited on Stripe");
        importing.join().unwrap()
    });
    assert_eq!(status, 200, "{body}");
    assert_eq!(web.api("commerce_status", &json!({})).1["importing"], Value::Null, "done: no progress shown");
    assert_eq!((body["added"].as_u64(), body["unchanged"].as_u64()), (Some(1), Some(1)), "{body}");

    let args = json!({ "case_id": case_id, "source": "stripe", "order_id": "ch_8" });
    let (status, body) = web.api("refund_at_provider", &args);
    assert_eq!(status, 200, "{body}");
    let (status, _) = web.api("refund_at_provider", &args);
    assert_eq!(status, 200);
    assert_eq!(server.shop().refunds_made, 1);
    assert_eq!(server.shop().idempotency_keys, [Some("kindly-refund-stripe-ch_8".to_string())]);
    let store = Store::open(&db).unwrap();
    let refund = kindly_core::commerce::refunds::get(store.conn(), "stripe", "ch_8").unwrap().unwrap();
    assert_eq!(refund.case_id.as_deref(), Some(case_id.as_str()));
    assert!(refund.done_ms.is_some());
}
