//! `kindly`: the headless command line (DESIGN §7). Its names, flags and JSON fields are a contract
//! other tools rely on: add, never rename.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use kindly_core::api::{self, CaseDetail, QueueName, QueueResult, SearchResult};
use kindly_core::mail::import::{self, ImportSummary};
use kindly_core::{Error, Result, Store, commerce, demo, web};

#[derive(Parser)]
#[command(name = "kindly", version, about = "Kindly: the support inbox that shows you who needs you first")]
struct Cli {
    /// The case store (a SQLite file; created if missing).
    #[arg(long, global = true, env = "KINDLY_DB")]
    db: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Fill the store with the built-in demo inbox and orders.
    Demo,
    /// Import mail from an mbox file or a maildir.
    Import {
        #[arg(long, conflicts_with = "maildir", required_unless_present = "maildir")]
        mbox: Option<PathBuf>,
        #[arg(long)]
        maildir: Option<PathBuf>,
        /// One of the business's own addresses (repeatable): mail from it is our reply. Without
        /// it, and with no account, they are learned from the mail (the address that receives most
        /// of it, and whoever replies from the business into customers' threads).
        #[arg(long, value_name = "ADDR")]
        ours: Vec<String>,
    },
    /// Import orders (and refunds) from a CSV file, or from Stripe or Gumroad over their APIs.
    /// The first API import connects the account (--key-stdin keeps the key in the OS keychain,
    /// --key-env VAR reads it from the environment each time); later ones fetch only what is new.
    ImportOrders {
        #[arg(long, required_unless_present_any = ["stripe", "gumroad"], conflicts_with_all = ["stripe", "gumroad"])]
        csv: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = OrdersFormat::Generic)]
        format: OrdersFormat,
        /// Charges and refunds from Stripe's API (KINDLY_STRIPE_API overrides its address).
        #[arg(long, conflicts_with = "gumroad")]
        stripe: bool,
        /// Sales from Gumroad's API (KINDLY_GUMROAD_API overrides its address).
        #[arg(long)]
        gumroad: bool,
        /// Read the API key from this environment variable, now and at every later use.
        #[arg(long, conflicts_with = "key_stdin")]
        key_env: Option<String>,
        /// Read the API key from standard input and keep it in the OS keychain.
        #[arg(long)]
        key_stdin: bool,
        /// Fetch everything again, not only what is new since the last import.
        #[arg(long)]
        full: bool,
        /// Forget the provider on this machine (its key leaves the keychain); imported orders stay.
        #[arg(long, conflicts_with_all = ["key_env", "key_stdin", "full"])]
        disconnect: bool,
    },
    /// Show a queue as triaged now, most urgent first.
    Queue {
        #[arg(value_parser = parse_queue)]
        queue: QueueName,
        #[arg(long)]
        json: bool,
    },
    /// Show one case; with --lane, --status, --assign or --note, change it first (and share the
    /// change with the other replica at the next sync).
    Case {
        id: String,
        #[arg(long)]
        json: bool,
        /// owner-excellent, owner-angry or assistant; `auto` hands the case back to triage.
        #[arg(long)]
        lane: Option<String>,
        #[arg(long, value_parser = ["open", "waiting", "closed"])]
        status: Option<String>,
        /// owner or assistant; `auto` lets the lane decide again.
        #[arg(long, value_parser = ["owner", "assistant", "auto"])]
        assign: Option<String>,
        /// Add a note to the case.
        #[arg(long)]
        note: Option<String>,
        /// The note is the owner's alone: it never leaves this machine.
        #[arg(long, requires = "note")]
        private: bool,
        /// Put the case away for a while (e.g. 3h, 2d) or until a time (RFC 3339); `off` wakes it.
        #[arg(long)]
        snooze: Option<String>,
        /// Schedule a follow-up in (7d, 3h) or at (RFC 3339) a time.
        #[arg(long)]
        follow_up: Option<String>,
        /// Schedule a phone callback to this number (with --at, and --tz for the customer's zone).
        #[arg(long, requires = "at")]
        callback: Option<String>,
        #[arg(long, requires = "callback")]
        at: Option<String>,
        /// The customer's time zone for a callback (IANA, e.g. Europe/Berlin).
        #[arg(long, requires = "callback")]
        tz: Option<String>,
        /// What the follow-up or callback is about.
        #[arg(long)]
        task_note: Option<String>,
        /// Tick off a task by its id.
        #[arg(long)]
        task_done: Option<String>,
        /// Record a gift for the customer: bonus, discount or credit (with --gift-note).
        #[arg(long, value_parser = ["bonus", "discount", "credit"], requires = "gift_note")]
        gift: Option<String>,
        #[arg(long, requires = "gift")]
        gift_note: Option<String>,
        /// A credit's amount, e.g. 15.00 (in the customer's currency, or --currency).
        #[arg(long, requires = "gift")]
        gift_amount: Option<String>,
        #[arg(long, requires = "gift_amount")]
        currency: Option<String>,
        /// The owner's word that the messages so far need no answer (`off` takes it back).
        #[arg(long, value_parser = ["on", "off"], num_args = 0..=1, default_missing_value = "on")]
        no_reply_needed: Option<String>,
        /// The owner's call on a serial refunder; `auto` takes it back.
        #[arg(long, value_parser = ["refund", "refund-do-not-sell", "decline-kindly", "auto"])]
        refunder: Option<String>,
        /// Tag the case as a suggestion about TOPIC (`off`: not a suggestion).
        #[arg(long)]
        suggestion: Option<String>,
        /// Name what the complaint is about (`auto`: read it from the mail).
        #[arg(long)]
        complaint: Option<String>,
        /// Show this case inside another case of the same customer (one case per problem).
        #[arg(long, conflicts_with = "split")]
        merge_into: Option<String>,
        /// Take the case out of the case it shows in, and keep it apart.
        #[arg(long)]
        split: bool,
    },
    /// Suggestions by topic, or complaints by product and topic, with the cases behind them;
    /// mark one shipped or fixed, and thank everyone who asked.
    Feedback {
        #[arg(value_parser = ["suggestions", "complaints"])]
        kind: String,
        #[arg(long)]
        json: bool,
        /// Mark this topic shipped (a suggestion) or fixed (a complaint's cause).
        #[arg(long)]
        done: Option<String>,
        /// Thank everyone behind this topic who has not been thanked (a reply each).
        #[arg(long)]
        thank: Option<String>,
        /// The product of a complaint topic (as `feedback complaints` shows it).
        #[arg(long)]
        product: Option<String>,
        /// The thank-you, with {first_name}, {product}, {topic}; default: the built-in reply.
        #[arg(long, requires = "thank")]
        body_file: Option<PathBuf>,
    },
    /// The automatic acknowledgement of new cases (the only mail Kindly sends by itself):
    /// `--on --body-file F` switches it on with your words, `--off` switches it off; without
    /// flags, shows it. `{first_name}`, `{product}` and `{subject}` are filled in.
    Ack {
        #[arg(long, conflicts_with = "off", requires = "body_file")]
        on: bool,
        #[arg(long)]
        off: bool,
        #[arg(long)]
        body_file: Option<PathBuf>,
    },
    /// Refund an order in full (fees included) and start the refund clock; with --done, record
    /// that it was refunded at the payment provider.
    Refund {
        order_id: String,
        /// The case it is about (shown with the refund).
        #[arg(long)]
        case: Option<String>,
        #[arg(long, default_value = "generic")]
        source: String,
        #[arg(long)]
        done: bool,
    },
    /// Files for other tools.
    Export {
        #[command(subcommand)]
        what: ExportWhat,
    },
    /// Say who works on this machine: the owner or an assistant (without an argument: show it).
    Role {
        #[arg(value_parser = ["owner", "assistant"])]
        role: Option<String>,
        /// The name the other replica sees ("Dana is replying").
        #[arg(long)]
        name: Option<String>,
    },
    /// Full-text search over subjects, bodies and senders.
    Search {
        query: String,
        #[arg(long)]
        json: bool,
    },
    /// Connect the support mailbox.
    Account {
        #[command(subcommand)]
        action: AccountAction,
    },
    /// Fetch new mail, send the outbox and exchange case state with the other replica (with
    /// --once: one pass, then exit; otherwise keep going, woken by IDLE).
    Sync {
        #[arg(long)]
        once: bool,
    },
    /// Queue a reply to a case (sent by `sync`).
    Reply {
        case_id: String,
        #[arg(long, required_unless_present = "thank_you")]
        body_file: Option<PathBuf>,
        /// The canned reply the body started from (a must-edit one sent unchanged is refused).
        #[arg(long)]
        template: Option<String>,
        /// Send the "thank you back" canned reply, with their name and what they bought.
        #[arg(long, conflicts_with_all = ["body_file", "template"])]
        thank_you: bool,
    },
    /// Read the tone of texts: JSONL `{"id","text"}` on stdin, `{"id","anger","praise","labels"}` out.
    Tone {
        /// Accepted for symmetry with the other commands: the output is always JSON lines.
        #[arg(long)]
        json: bool,
    },
    /// Serve the web UI on 127.0.0.1.
    Serve {
        #[arg(long, default_value_t = 0)]
        port: u16,
        /// The built UI (defaults to ui/dist of this checkout, or KINDLY_UI_DIR).
        #[arg(long)]
        ui_dir: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum ExportWhat {
    /// Everyone refunded: a suppression list for the mailer (email,name,refunded_at).
    DoNotPromote {
        #[arg(long)]
        csv: PathBuf,
    },
    /// Customers the owner decided not to sell to again (email,decided_at).
    DoNotSell {
        #[arg(long)]
        csv: PathBuf,
    },
}

#[derive(Subcommand)]
enum AccountAction {
    /// Add (or update) the support mailbox. The password is never stored by Kindly.
    Add {
        #[arg(long)]
        email: String,
        /// IMAP server as HOST:PORT (found from the address when left out: Gmail, Microsoft 365,
        /// Fastmail, iCloud and Zoho are built in; other domains are asked for their autoconfig).
        #[arg(long, requires = "smtp")]
        imap: Option<String>,
        /// SMTP server as HOST:PORT (port 465: TLS; others: STARTTLS).
        #[arg(long, requires = "imap")]
        smtp: Option<String>,
        /// The login name (usually the address, the default).
        #[arg(long)]
        user: Option<String>,
        /// The IMAP connection: tls (993), starttls (143) or none.
        #[arg(long, value_parser = ["tls", "starttls", "none"])]
        security: Option<String>,
        /// Read the password from this environment variable at every connection.
        #[arg(long, conflicts_with = "password_stdin")]
        password_env: Option<String>,
        /// Read the password from standard input and keep it in the OS keychain.
        #[arg(long)]
        password_stdin: bool,
        /// Sign in with Google or Microsoft in the browser instead of a password (OAuth2): the
        /// tokens are kept in the OS keychain and refreshed before they expire.
        #[arg(long, value_parser = ["google", "microsoft"], conflicts_with_all = ["password_env", "password_stdin"])]
        oauth: Option<String>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum OrdersFormat {
    Generic,
    Stripe,
    Gumroad,
    /// PayPal's Activity download (CSV, balance affecting).
    Paypal,
}

/// Queue names as the contract spells them (`owner`, `owner-excellent`, …).
fn parse_queue(s: &str) -> std::result::Result<QueueName, String> {
    serde_json::from_value(serde_json::Value::String(s.into())).map_err(|_| {
        let names: Vec<String> = QueueName::ALL
            .iter()
            .filter_map(|q| serde_json::to_value(q).ok())
            .map(|v| v.as_str().unwrap_or_default().to_string())
            .collect();
        format!("unknown queue `{s}`; use one of: {}", names.join(", "))
    })
}

fn main() -> ExitCode {
    // Like any Unix tool, end quietly when the reader of our output goes away (`kindly … | head`).
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of SIGPIPE before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()))
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn open_store(db: Option<&Path>) -> Result<Store> {
    let db = db.ok_or_else(|| Error::BadArgs("no case store given: pass --db PATH (or set KINDLY_DB)".into()))?;
    Store::open(db)
}

/// Calls the same dispatcher the UI uses, so the CLI and the window can never disagree.
fn call<T: serde::de::DeserializeOwned>(store: &mut Store, name: &str, args: serde_json::Value) -> Result<T> {
    let value = api::dispatch(store, name, args).map_err(|e| Error::Invalid(e.message))?;
    serde_json::from_value(value).map_err(|e| Error::Invalid(e.to_string()))
}

fn print_json(value: &impl serde::Serialize) -> Result<()> {
    let text = serde_json::to_string_pretty(value).map_err(|e| Error::Invalid(e.to_string()))?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}").map_err(|e| Error::io("stdout", e))
}

fn run(cli: Cli) -> Result<()> {
    let db = cli.db.as_deref();
    if matches!(
        cli.command,
        Command::Demo | Command::Import { .. } | Command::Sync { .. } | Command::Tone { .. } | Command::Serve { .. }
    ) {
        kindly_core::triage::check_models()?;
    }
    match cli.command {
        Command::Demo => {
            let mut store = open_store(db)?;
            let bar = spinner("Loading the demo inbox");
            let summary = demo::load(&mut store, &mut |s| bar.set_position(s.seen))?;
            bar.finish_and_clear();
            if summary.already_loaded {
                println!("The demo inbox is already in {}.", store.path().display());
            } else {
                println!("Demo inbox loaded: {}; {}.", summary.mail, summary.orders);
            }
        }
        Command::Import { mbox, maildir, ours } => {
            let mut store = open_store(db)?;
            if !ours.is_empty() {
                import::set_ours(&mut store, &ours)?;
            }
            let envelopes = match (&mbox, &maildir) {
                _ if !ours.is_empty() => None,
                (Some(path), _) => Some(import::mbox_envelopes(path)?),
                (None, Some(dir)) => Some(import::maildir_envelopes(dir)?),
                (None, None) => None,
            };
            if let Some(envelopes) = envelopes {
                report_ours(import::learn_ours(&mut store, envelopes)?.as_ref());
            }
            let summary = match (mbox, maildir) {
                (Some(path), _) => {
                    let len = std::fs::metadata(&path).map_err(|e| Error::io(&path, e))?.len();
                    let bar = bar(len, "{bar:30} {bytes}/{total_bytes} · {msg}");
                    let reader = std::io::BufReader::with_capacity(1 << 16, bar.wrap_read(import::open_mbox(&path)?));
                    let s = import::import_mbox(&mut store, reader, &mut |s| {
                        bar.set_message(format!("{} messages", s.seen))
                    })?;
                    bar.finish_and_clear();
                    s
                }
                (None, Some(dir)) => {
                    let bar = bar(import::maildir_len(&dir)? as u64, "{bar:30} {pos}/{len} messages · {per_sec}");
                    let s = import::import_maildir(&mut store, &dir, &mut |s| bar.set_position(s.seen))?;
                    bar.finish_and_clear();
                    s
                }
                (None, None) => {
                    return Err(Error::BadArgs("pass --mbox FILE or --maildir DIR".into()));
                }
            };
            report_import(&summary);
        }
        Command::ImportOrders { csv, format, stripe, gumroad, key_env, key_stdin, full, disconnect } => {
            let provider = match (stripe, gumroad) {
                (true, _) => Some(commerce::Provider::Stripe),
                (_, true) => Some(commerce::Provider::Gumroad),
                _ => None,
            };
            let Some(provider) = provider else {
                if key_env.is_some() || key_stdin || full || disconnect {
                    return Err(Error::BadArgs(
                        "--key-env, --key-stdin, --full and --disconnect go with --stripe or --gumroad".into(),
                    ));
                }
                let csv = csv.ok_or_else(|| Error::BadArgs("give --csv FILE, --stripe or --gumroad".into()))?;
                return import_orders_csv(db, &csv, format);
            };
            let mut store = open_store(db)?;
            if disconnect {
                let args = serde_json::json!({ "provider": provider.source() });
                call::<api::CommerceStatus>(&mut store, "disconnect_commerce", args)?;
                println!("{} is disconnected on this machine; its orders stay.", provider.display());
                return Ok(());
            }
            connect_provider(&mut store, provider, key_env.as_deref(), key_stdin)?;
            let runtime = tokio::runtime::Runtime::new().map_err(|e| Error::Invalid(e.to_string()))?;
            let bar = spinner("");
            bar.enable_steady_tick(std::time::Duration::from_millis(200));
            let name = provider.display();
            let mut progress = |n: u64| bar.set_message(format!("Reading {name}: {n} records"));
            let summary = runtime.block_on(async {
                match provider {
                    commerce::Provider::Stripe => {
                        let api = commerce::stripe::Stripe::connected(&store)?
                            .ok_or_else(|| Error::BadArgs("Stripe is not connected".into()))?;
                        api.import(&mut store, full, &mut progress).await
                    }
                    commerce::Provider::Gumroad => {
                        let api = commerce::gumroad::Gumroad::connected(&store)?
                            .ok_or_else(|| Error::BadArgs("Gumroad is not connected".into()))?;
                        api.import(&mut store, full, &mut progress).await
                    }
                }
            });
            bar.finish_and_clear();
            let summary = summary?;
            for e in &summary.errors {
                eprintln!("{name} {}: skipped: {}", e.record, e.reason);
            }
            println!("{name}: {summary}.");
        }
        Command::Queue { queue, json } => {
            let mut store = open_store(db)?;
            let result: QueueResult = call(&mut store, "queue", serde_json::json!({ "queue": queue }))?;
            if json {
                return print_json(&result.items);
            }
            if result.items.is_empty() {
                println!("Nothing in this queue.");
            }
            for item in &result.items {
                let who = if item.customer_name.is_empty() { &item.customer_email } else { &item.customer_name };
                println!("{}  {:<16} {:<24} {}", item.case_id, item.lane.as_str(), truncate(who, 24), item.subject);
                if let Some(reason) = item.reasons.first() {
                    println!("{:18}{reason}", "");
                }
            }
        }
        Command::Case {
            id,
            json,
            lane,
            status,
            assign,
            note,
            private,
            snooze,
            follow_up,
            callback,
            at,
            tz,
            task_note,
            task_done,
            gift,
            gift_note,
            gift_amount,
            currency,
            no_reply_needed,
            refunder,
            suggestion,
            complaint,
            merge_into,
            split,
        } => {
            let mut store = open_store(db)?;
            let mut case: CaseDetail = match lane.as_deref() {
                None => call(&mut store, "case", serde_json::json!({ "case_id": id }))?,
                Some("auto") => call(&mut store, "set_lane", serde_json::json!({ "case_id": id, "lane": null }))?,
                Some(l) => call(&mut store, "set_lane", serde_json::json!({ "case_id": id, "lane": l }))?,
            };
            let snooze_until_ms = match snooze.as_deref() {
                Some("off") => Some(0),
                Some(s) => Some(when_from(s, store.now_ms(), "--snooze")?),
                None => None,
            };
            if status.is_some() || assign.is_some() || note.is_some() || snooze.is_some() {
                // "No reply needed" goes first, so a case can close without a reply in one step.
                let args = serde_json::json!({
                    "case_id": id, "status": status, "assign": assign, "note": note, "private_note": private,
                    "snooze_until_ms": snooze_until_ms, "no_reply_needed": no_reply_needed.as_deref() == Some("on"),
                });
                case = call(&mut store, "update_case", args)?;
            }
            let now = store.now_ms();
            let note = task_note.unwrap_or_default();
            if let Some(when) = follow_up {
                let due_ms = when_from(&when, now, "--follow-up")?;
                let args = serde_json::json!({ "case_id": id, "kind": "follow-up", "due_ms": due_ms, "note": note });
                case = call(&mut store, "add_task", args)?;
            }
            if let (Some(phone), Some(at)) = (callback, at) {
                let due_ms = when_from(&at, now, "--at")?;
                let args = serde_json::json!({
                    "case_id": id, "kind": "callback", "due_ms": due_ms, "note": note, "phone": phone, "time_zone": tz,
                });
                case = call(&mut store, "add_task", args)?;
            }
            if let Some(task) = task_done {
                case =
                    call(&mut store, "task_done", serde_json::json!({ "case_id": id, "task_id": task, "done": true }))?;
            }
            if let Some(kind) = gift {
                let currency = currency
                    .or_else(|| case.customer.as_ref().map(|c| c.currency.clone()).filter(|c| !c.is_empty()))
                    .unwrap_or_else(|| "USD".into());
                let amount_minor = gift_amount
                    .map(|a| kindly_core::commerce::money::parse_amount(&a, &currency))
                    .transpose()
                    .map_err(|e| Error::BadArgs(format!("--gift-amount: {e}")))?;
                let args = serde_json::json!({
                    "case_id": id, "kind": kind, "description": gift_note, "amount_minor": amount_minor,
                    "currency": amount_minor.map(|_| currency),
                });
                case = call(&mut store, "give_gift", args)?;
            }
            if let Some(on) = no_reply_needed.filter(|on| on == "off" || status.is_none()) {
                case = call(&mut store, "no_reply_needed", serde_json::json!({ "case_id": id, "on": on == "on" }))?;
            }
            if let Some(into) = merge_into {
                case = call(&mut store, "merge_cases", serde_json::json!({ "case_id": id, "into_case_id": into }))?;
            }
            if split {
                case = call(&mut store, "split_case", serde_json::json!({ "case_id": id }))?;
            }
            if let Some(topic) = suggestion {
                let topic = (topic != "off").then_some(topic);
                case = call(&mut store, "tag_suggestion", serde_json::json!({ "case_id": id, "topic": topic }))?;
            }
            if let Some(topic) = complaint {
                let topic = (topic != "auto").then_some(topic);
                case = call(&mut store, "set_complaint_topic", serde_json::json!({ "case_id": id, "topic": topic }))?;
            }
            if let Some(decision) = refunder {
                let decision = (decision != "auto").then_some(decision);
                case = call(&mut store, "decide_refunder", serde_json::json!({ "case_id": id, "decision": decision }))?;
            }
            if json {
                return print_json(&case);
            }
            print_case(&case);
        }
        Command::Ack { on, off, body_file } => {
            let mut store = open_store(db)?;
            let mut ack: kindly_core::api::AckSettings = call(&mut store, "ack_settings", serde_json::json!({}))?;
            if on || off {
                if let Some(path) = &body_file {
                    ack.body = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
                }
                ack.enabled = on;
                ack = call(&mut store, "set_ack_settings", serde_json::to_value(&ack).unwrap_or_default())?;
            }
            if ack.enabled {
                println!(
                    "Acknowledgements are on: new cases from now get this (once per person a day):\n\n{}",
                    ack.body.trim_end()
                );
            } else {
                println!("Acknowledgements are off. `kindly ack --on --body-file F` switches them on.");
            }
        }
        Command::Refund { order_id, case, source, done } => {
            let mut store = open_store(db)?;
            let now = store.now_ms();
            let already_done =
                kindly_core::commerce::refunds::get(store.conn(), &source, &order_id)?.and_then(|r| r.done_ms);
            store.write(|tx| {
                if done {
                    kindly_core::sync::edit::refund_done(tx, now, &source, &order_id)
                } else {
                    kindly_core::sync::edit::refund(tx, now, &source, &order_id, case.as_deref())
                }
            })?;
            let provider = commerce::provider_of(&source).filter(|_| !done);
            if let Some(provider) = provider {
                let name = provider.display();
                if let Some(at) = already_done {
                    println!(
                        "Order {order_id} was refunded already (done {}); nothing was sent to {name} again.",
                        kindly_core::time::to_rfc3339(at)
                    );
                    return Ok(());
                }
                if commerce::connected(&store, provider)? {
                    let runtime = tokio::runtime::Runtime::new().map_err(|e| Error::Invalid(e.to_string()))?;
                    let outcome = runtime
                        .block_on(commerce::refund_at_provider(&mut store, provider, &order_id))
                        .map_err(|e| {
                            Error::Provider(format!(
                                "the refund of order {order_id} is recorded in Kindly, but {name} did not make it: {e}. \
                                 Run the same command again to retry (it never refunds twice)"
                            ))
                        })?;
                    match outcome {
                        commerce::ProviderRefund::Refunded { refund_id } => println!(
                            "Order {order_id} refunded in full at {name}{}; recorded as done. The customer is on \
                             the do-not-promote list.",
                            refund_id.map(|id| format!(" (refund {id})")).unwrap_or_default()
                        ),
                        commerce::ProviderRefund::AlreadyRefunded => println!(
                            "{name} says order {order_id} was refunded already; nothing was refunded twice. \
                             Recorded as done."
                        ),
                    }
                    return Ok(());
                }
                println!(
                    "Order {order_id} refunded in full in Kindly; the customer is on the do-not-promote list. \
                     {name} is not connected here, so refund it in {name} yourself, then run \
                     `kindly refund {order_id} --source {source} --done` (or connect {name} with \
                     `kindly import-orders --{source} --key-stdin` and run this again)."
                );
                return Ok(());
            }
            if done {
                println!("Refund of order {order_id} recorded as done.");
            } else {
                println!(
                    "Order {order_id} refunded in full; the customer is on the do-not-promote list. \
                     Mark it done (`kindly refund {order_id} --done`) once the payment provider has paid it back."
                );
            }
        }
        Command::Export { what: ExportWhat::DoNotPromote { csv } } => {
            let store = open_store(db)?;
            let rows: Vec<Vec<String>> = kindly_core::commerce::refunds::do_not_promote(store.conn())?
                .into_iter()
                .map(|p| vec![p.email, p.name, kindly_core::time::to_rfc3339(p.refunded_ms)])
                .collect();
            write_csv(&csv, &["email", "name", "refunded_at"], &rows)?;
            println!("{} customers on the do-not-promote list written to {}.", rows.len(), csv.display());
        }
        Command::Export { what: ExportWhat::DoNotSell { csv } } => {
            let store = open_store(db)?;
            let rows: Vec<Vec<String>> = kindly_core::care::decisions::do_not_sell(store.conn())?
                .into_iter()
                .map(|(email, at)| vec![email, kindly_core::time::to_rfc3339(at)])
                .collect();
            write_csv(&csv, &["email", "decided_at"], &rows)?;
            println!("{} customers on the do-not-sell list written to {}.", rows.len(), csv.display());
        }
        Command::Feedback { kind, json, done, thank, product, body_file } => {
            let mut store = open_store(db)?;
            let kind = if kind == "suggestions" { "suggestion" } else { "complaint" };
            let product = product.unwrap_or_default();
            let mut view: kindly_core::api::FeedbackView =
                call(&mut store, "feedback", serde_json::json!({ "kind": kind }))?;
            if let Some(topic) = done {
                let args = serde_json::json!({ "kind": kind, "product": product, "topic": topic, "done": true });
                view = call(&mut store, "feedback_done", args)?;
            }
            if let Some(topic) = thank {
                let body = match body_file {
                    Some(path) => std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?,
                    None => {
                        use kindly_core::care::templates::{COMPLAINT_FIXED, SUGGESTION_SHIPPED};
                        let id = if kind == "suggestion" { SUGGESTION_SHIPPED } else { COMPLAINT_FIXED };
                        let care = kindly_core::care::CareSettings::load(store.conn())?;
                        care.template(id).map(|t| t.body.clone()).unwrap_or_default()
                    }
                };
                let args = serde_json::json!({ "kind": kind, "product": product, "topic": topic, "body": body });
                let result: kindly_core::api::ThankFeedbackResult = call(&mut store, "thank_feedback", args)?;
                if !json {
                    println!("{} thank-you replies queued; `kindly sync` sends them.", result.queued);
                }
                view = result.view;
            }
            if json {
                return print_json(&view.groups);
            }
            if view.groups.is_empty() {
                println!("Nothing here yet.");
            }
            for g in &view.groups {
                let product = if g.product.is_empty() { String::new() } else { format!("{}: ", g.product) };
                let done = if g.done_ms.is_some() { " [done]" } else { "" };
                println!("{:>3}  {product}{}{done}", g.cases.len(), g.topic);
                for c in &g.cases {
                    let thanked = if c.thanked_ms.is_some() { " (thanked)" } else { "" };
                    println!("       {}  {}  {}{thanked}", c.case_id, truncate(&c.customer_name, 24), c.subject);
                }
            }
        }
        Command::Role { role, name } => {
            let mut store = open_store(db)?;
            let info: kindly_core::api::AppInfo = match role {
                Some(role) => call(&mut store, "set_role", serde_json::json!({ "role": role, "name": name }))?,
                None => call(&mut store, "app_info", serde_json::json!({}))?,
            };
            let who = if info.replica_name.is_empty() { String::new() } else { format!(" ({})", info.replica_name) };
            match (info.role_chosen, info.role.as_str()) {
                (false, _) => {
                    println!("No role chosen yet: this machine acts as the owner's. Run `kindly role owner|assistant`.")
                }
                (true, "owner") => {
                    println!("This machine is the owner's{who}: it opens on the owner queue and sees everything.")
                }
                (true, _) => println!("This machine is an assistant's{who}: it opens on the assistant queue."),
            }
        }
        Command::Search { query, json } => {
            let mut store = open_store(db)?;
            let result: SearchResult = call(&mut store, "search", serde_json::json!({ "query": query }))?;
            if json {
                return print_json(&result.hits);
            }
            if result.hits.is_empty() {
                println!("No messages match “{query}”.");
            }
            for hit in &result.hits {
                let snippet = hit
                    .snippet
                    .replace(kindly_core::store::search::HIT_START, "[")
                    .replace(kindly_core::store::search::HIT_END, "]");
                println!("{}  {}  {}\n{:18}{}", hit.case_id, hit.from_email, hit.subject, "", snippet);
            }
        }
        Command::Account {
            action: AccountAction::Add { email, imap, smtp, user, security, password_env, password_stdin, oauth },
        } => {
            if password_env.is_none() && !password_stdin && oauth.is_none() {
                return Err(Error::BadArgs(
                    "say where the password comes from: --password-stdin (kept in the OS keychain) or --password-env VAR, \
                     or sign in with --oauth google|microsoft"
                        .into(),
                ));
            }
            let provider = oauth.as_deref().map(kindly_core::mail::oauth::Provider::parse).transpose()?;
            if let Some(provider) = provider {
                // Before any network: a build without a client id says so at once.
                kindly_core::mail::oauth::client(provider)?;
            }
            let found = match (&imap, &smtp) {
                (Some(_), Some(_)) => None,
                _ => {
                    let runtime = tokio::runtime::Runtime::new().map_err(|e| Error::Invalid(e.to_string()))?;
                    let found = runtime.block_on(kindly_core::mail::providers::discover(&email))?.ok_or_else(|| {
                        Error::BadArgs(format!(
                            "could not find the mail server settings for {email}: give --imap HOST:PORT and --smtp HOST:PORT \
                             (your provider's help pages list them)"
                        ))
                    })?;
                    println!(
                        "Using {}'s settings ({}): IMAP {}:{} ({}), SMTP {}:{}.",
                        found.provider,
                        found.source,
                        found.imap_host,
                        found.imap_port,
                        found.security,
                        found.smtp_host,
                        found.smtp_port
                    );
                    if let (Some(advice), None) = (&found.advice, provider) {
                        println!("{advice}");
                    }
                    Some(found)
                }
            };
            let (imap_host, imap_port, smtp_host, smtp_port) = match (&found, imap, smtp) {
                (Some(f), _, _) => (f.imap_host.clone(), f.imap_port, f.smtp_host.clone(), f.smtp_port),
                (None, Some(imap), Some(smtp)) => {
                    let (ih, ip) = host_port(&imap, "--imap")?;
                    let (sh, sp) = host_port(&smtp, "--smtp")?;
                    (ih, ip, sh, sp)
                }
                _ => return Err(Error::BadArgs("give both --imap HOST:PORT and --smtp HOST:PORT".into())),
            };
            let user = user.or_else(|| found.as_ref().map(|f| f.username.clone())).unwrap_or_else(|| email.clone());
            let security =
                security.or_else(|| found.as_ref().map(|f| f.security.clone())).unwrap_or_else(|| "tls".into());
            // The keychain first: if it refuses, nothing is half-saved.
            let keychain_entry = if password_stdin {
                let mut password = String::new();
                std::io::stdin().read_line(&mut password).map_err(|e| Error::io("stdin", e))?;
                let password = password.trim_end_matches(['\r', '\n']);
                if password.is_empty() {
                    return Err(Error::BadArgs("no password on standard input".into()));
                }
                let entry = format!("{user}@{imap_host}:{imap_port}");
                kindly_core::secrets::store(&entry, password)?;
                Some(entry)
            } else {
                None
            };
            let mut store = open_store(db)?;
            let mut account = kindly_core::store::accounts::Account {
                id: 0,
                email: email.trim().to_ascii_lowercase(),
                imap_host,
                imap_port,
                smtp_host,
                smtp_port,
                username: user,
                security,
                password_env,
                keychain_entry,
                oauth_provider: None,
            };
            if let Some(provider) = provider {
                let runtime = tokio::runtime::Runtime::new().map_err(|e| Error::Invalid(e.to_string()))?;
                let name = provider.display();
                runtime.block_on(kindly_core::mail::connect::sign_in(&mut account, provider, &mut |url| {
                    // Always printed: on a machine without a browser, open it elsewhere.
                    let opened = kindly_core::mail::oauth::open_browser(url);
                    let mut out = std::io::stdout().lock();
                    let _ = writeln!(
                        out,
                        "Sign in with {name} in your browser{}:\n{url}\nWaiting for you to sign in (at most 5 minutes)…",
                        if opened { " (it should open by itself; if not, open this address)" } else { " (open this address)" }
                    );
                    let _ = out.flush();
                }))?;
                println!("Signed in with {name}: the IMAP login works.");
            }
            let saved =
                store.write(|tx| kindly_core::store::accounts::upsert(tx, &account, kindly_core::time::now_ms()))?;
            println!("Mailbox {} connected. Run `kindly sync --once` to fetch its mail.", saved.email);
        }
        Command::Sync { once } => {
            let mut store = open_store(db)?;
            let runtime = tokio::runtime::Runtime::new().map_err(|e| Error::Invalid(e.to_string()))?;
            if once {
                return sync_pass(&runtime, &mut store);
            }
            let bar = bar(0, "{msg} {bar:30} {pos}/{len}");
            kindly_core::sync::background::run(
                &mut store,
                &runtime,
                &mut |folder, done, goal| {
                    bar.set_length(u64::from(goal));
                    bar.set_position(u64::from(done));
                    bar.set_message(format!("Fetching {folder}"));
                },
                &mut |store, outcome| {
                    bar.set_position(0);
                    bar.set_length(0);
                    match outcome {
                        Ok(report) => {
                            let _ = report_pass(store, report);
                        }
                        Err(e) => eprintln!("sync error: {e} (retrying with backoff)"),
                    }
                },
            );
        }
        Command::Reply { case_id, body_file, template, thank_you } => {
            let mut store = open_store(db)?;
            let case: CaseDetail = match body_file {
                Some(path) => {
                    let body = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
                    if body.trim().is_empty() {
                        return Err(Error::BadArgs(format!("{} is empty: write the reply first", path.display())));
                    }
                    let args = serde_json::json!({ "case_id": case_id, "body": body, "template_id": template });
                    call(&mut store, "send_reply", args)?
                }
                None if thank_you => call(&mut store, "thank_you_back", serde_json::json!({ "case_id": case_id }))?,
                None => return Err(Error::BadArgs("give --body-file F or --thank-you".into())),
            };
            let queued = case.outbox.iter().max_by_key(|o| o.created_ms);
            if let Some(o) = queued {
                println!("Reply to {} queued as {}; `kindly sync` sends it.", o.to_email, o.message_id);
            }
        }
        Command::Tone { json: _ } => tone(std::io::stdin().lock(), std::io::stdout().lock())?,
        Command::Serve { port, ui_dir } => {
            let store = open_store(db)?;
            // Like the window: mail, replies and case state sync in the background once a
            // mailbox is connected; the page shows how it goes.
            let mut background = Store::open(store.path())?;
            std::thread::Builder::new()
                .name("kindly-sync".into())
                .spawn(move || {
                    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build();
                    if let Ok(runtime) = runtime {
                        kindly_core::sync::background::run(&mut background, &runtime, &mut |_, _, _| {}, &mut |_, _| {})
                    }
                })
                .map_err(|e| Error::Invalid(format!("cannot start the sync thread: {e}")))?;
            let ui_dir = ui_dir.unwrap_or_else(web::default_ui_dir);
            let runtime = tokio::runtime::Runtime::new().map_err(|e| Error::Invalid(e.to_string()))?;
            runtime.block_on(web::serve(store, port, &ui_dir, |url| {
                // Whoever started us may read the first line and close the pipe: not an error.
                let mut out = std::io::stdout().lock();
                let _ = writeln!(out, "Kindly is running at {url}\nPress Ctrl-C to stop.");
                let _ = out.flush();
            }))?;
        }
    }
    Ok(())
}

fn import_orders_csv(db: Option<&Path>, csv: &Path, format: OrdersFormat) -> Result<()> {
    let mut store = open_store(db)?;
    let file = std::fs::File::open(csv).map_err(|e| Error::io(csv, e))?;
    let input = std::io::BufReader::new(file);
    match format {
        OrdersFormat::Generic => {
            let summary = commerce::import_orders_csv(&mut store, input)?;
            for e in &summary.errors {
                eprintln!("{}:{}: skipped: {}", csv.display(), e.line, e.reason);
            }
            println!("{summary}.");
        }
        OrdersFormat::Paypal => {
            let summary = commerce::paypal::import_paypal_csv(&mut store, input)?;
            for e in &summary.errors {
                eprintln!("{}, {}: skipped: {}", csv.display(), e.record, e.reason);
            }
            println!("PayPal: {summary}.");
        }
        OrdersFormat::Stripe | OrdersFormat::Gumroad => {
            let (name, flag) =
                if matches!(format, OrdersFormat::Stripe) { ("Stripe", "stripe") } else { ("Gumroad", "gumroad") };
            return Err(Error::BadArgs(format!(
                "{name}'s CSV exports are not read: import straight from {name} with \
                 `kindly import-orders --{flag} --key-stdin` (refunds included), or convert the export to the \
                 generic CSV (order_id,email,name,product,amount,currency,purchased_at,refunded_at)"
            )));
        }
    }
    Ok(())
}

/// Saves where the provider's key comes from when given; otherwise insists it was connected before.
fn connect_provider(
    store: &mut Store,
    provider: commerce::Provider,
    key_env: Option<&str>,
    key_stdin: bool,
) -> Result<()> {
    use kindly_core::commerce::ingest;
    let name = provider.display();
    if key_stdin {
        let mut key = String::new();
        std::io::stdin().read_line(&mut key).map_err(|e| Error::io("stdin", e))?;
        let key = key.trim();
        if key.is_empty() {
            return Err(Error::BadArgs(format!("no {name} key on standard input")));
        }
        store.write(|tx| ingest::connect_keychain(tx, provider, key))?;
        println!("{name} key kept in the OS keychain (entry `{}`).", provider.keychain_entry());
    } else if let Some(var) = key_env {
        store.write(|tx| ingest::connect_env(tx, provider, var))?;
    } else if ingest::key_source(store.conn(), provider)?.is_none() {
        return Err(Error::BadArgs(format!(
            "{name} is not connected yet: give the key once with --key-stdin (kept in the OS keychain) or \
             --key-env VAR"
        )));
    }
    Ok(())
}

/// `kindly tone`: every readable line is answered, in order; unreadable ones are reported on
/// stderr with their line number and make the exit status non-zero.
fn tone(input: impl std::io::BufRead, output: impl Write) -> Result<()> {
    #[derive(serde::Deserialize)]
    struct In {
        id: serde_json::Value,
        text: String,
    }
    let mut out = std::io::BufWriter::new(output);
    let mut failed = 0;
    for (i, line) in input.lines().enumerate() {
        let line = line.map_err(|e| Error::io("stdin", e))?;
        if line.trim().is_empty() {
            continue;
        }
        let item: In = match serde_json::from_str(&line) {
            Ok(item) => item,
            Err(e) => {
                eprintln!("line {}: skipped: expected {{\"id\": …, \"text\": \"…\"}}: {e}", i + 1);
                failed += 1;
                continue;
            }
        };
        let signals = kindly_core::triage::signals::analyze(&item.text);
        let answer = serde_json::json!({
            "id": item.id,
            "anger": (signals.anger * 1000.0).round() / 1000.0,
            "praise": (signals.praise * 1000.0).round() / 1000.0,
            "labels": signals.labels,
        });
        writeln!(out, "{answer}").map_err(|e| Error::io("stdout", e))?;
    }
    out.flush().map_err(|e| Error::io("stdout", e))?;
    if failed > 0 {
        return Err(Error::BadArgs(format!("{failed} input lines were not JSON objects with an id and a text")));
    }
    Ok(())
}

/// One sync pass with a progress bar, then its report.
fn sync_pass(runtime: &tokio::runtime::Runtime, store: &mut Store) -> Result<()> {
    let bar = bar(0, "{msg} {bar:30} {pos}/{len}");
    let report = runtime.block_on(kindly_core::mail::imap::sync_once(store, &mut |folder, done, goal| {
        bar.set_length(u64::from(goal));
        bar.set_position(u64::from(done));
        bar.set_message(format!("Fetching {folder}"));
    }))?;
    bar.finish_and_clear();
    report_pass(store, &report)
}

fn report_pass(store: &Store, report: &kindly_core::mail::imap::SyncReport) -> Result<()> {
    report_import(&report.mail);
    if !report.unchanged.is_empty() {
        println!("Unchanged since the last pass: {}.", report.unchanged.join(", "));
    }
    let o = &report.ops;
    if o.received + o.pushed > 0 || o.rebuilt || o.compacted || o.unreadable > 0 {
        println!("Case changes: {} received, {} sent to the other replicas.", o.received, o.pushed);
    }
    if o.rebuilt {
        println!("The sync folder was missing or recreated: it has been refilled from this machine.");
    }
    if o.unreadable > 0 {
        eprintln!("{} messages in the sync folder were not Kindly data and were skipped.", o.unreadable);
    }
    if report.acks_queued > 0 {
        println!("Acknowledged {} new cases.", report.acks_queued);
    }
    let s = &report.sent;
    if s.sent + s.retrying + s.parked > 0 {
        println!("Sent {} replies; {} will be retried; {} parked for review.", s.sent, s.retrying, s.parked);
    }
    for item in kindly_core::store::outbox::all(store.conn())?.iter().filter(|i| i.state == "parked") {
        let reason = item.last_error.as_deref().unwrap_or_default();
        eprintln!("parked reply to {} (case {}): {reason}", item.to_email, item.case_id);
    }
    let _ = std::io::stdout().flush();
    Ok(())
}

/// `--snooze 3h`, `2d`, `90m`, an RFC 3339 time, or `off` (0: wake now).
/// Writes an export: the header, then the rows, with errors that name the file.
fn write_csv(path: &Path, header: &[&str], rows: &[Vec<String>]) -> Result<()> {
    let io = |e: csv::Error| Error::Invalid(format!("{}: {e}", path.display()));
    let mut out = csv::Writer::from_path(path).map_err(io)?;
    out.write_record(header).map_err(io)?;
    for row in rows {
        out.write_record(row).map_err(io)?;
    }
    out.flush().map_err(|e| Error::io(path, e))
}

/// A time given as a span from now (90m, 3h, 2d) or an RFC 3339 time.
fn when_from(s: &str, now_ms: i64, flag: &str) -> Result<i64> {
    use kindly_core::time::{DAY_MS, HOUR_MS};
    if let Some(ms) = kindly_core::time::parse_rfc3339_ms(s) {
        return Ok(ms);
    }
    let (n, unit) = s.split_at(s.len().saturating_sub(1));
    let unit_ms = match unit {
        "m" => 60_000,
        "h" => HOUR_MS,
        "d" => DAY_MS,
        _ => 0,
    };
    match n.parse::<i64>() {
        Ok(n) if n > 0 && unit_ms > 0 => Ok(now_ms + n * unit_ms),
        _ => Err(Error::BadArgs(format!("{flag} `{s}`: use e.g. 90m, 3h, 2d or an RFC 3339 time"))),
    }
}

fn host_port(s: &str, flag: &str) -> Result<(String, u16)> {
    let (host, port) = s
        .rsplit_once(':')
        .ok_or_else(|| Error::BadArgs(format!("{flag} wants HOST:PORT, for example imap.example.com:993")))?;
    let port = port.parse().map_err(|_| Error::BadArgs(format!("{flag}: `{port}` is not a port number")))?;
    Ok((host.to_string(), port))
}

fn bar(len: u64, template: &str) -> ProgressBar {
    let bar = ProgressBar::new(len);
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    bar
}

fn spinner(message: &'static str) -> ProgressBar {
    let bar = ProgressBar::new_spinner();
    bar.set_message(message);
    bar
}

/// What the import learned about who we are, and how to correct it.
fn report_ours(learned: Option<&kindly_core::mail::ours::Inference>) {
    let Some(learned) = learned else { return };
    if learned.addresses.is_empty() {
        println!(
            "Could not tell which address is yours from this mail: every message counts as a customer's. \
             Pass --ours ADDR (repeatable) to say which addresses are the business's."
        );
        return;
    }
    let found: Vec<String> =
        learned.addresses.iter().zip(&learned.why).map(|(address, why)| format!("{address} ({why})")).collect();
    println!(
        "Your addresses, learned from this mail: {}. Mail from them counts as your replies; \
         pass --ours ADDR (repeatable) if that is wrong.",
        found.join(", ")
    );
}

fn report_import(s: &ImportSummary) {
    for e in &s.errors {
        eprintln!("skipped: {e}");
    }
    println!("Read {} messages: {s}.", s.seen);
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n { s.to_string() } else { format!("{}…", s.chars().take(n - 1).collect::<String>()) }
}

fn print_case(case: &CaseDetail) {
    let c = &case.summary;
    println!("{}  [{}] {}", c.case_id, c.lane.as_str(), c.subject);
    println!("Customer: {} <{}>", c.customer_name, c.customer_email);
    for reason in &c.reasons {
        println!("  · {reason}");
    }
    if let Some(customer) = &case.customer {
        println!(
            "Orders: {} ({} refunded), lifetime {} {}",
            customer.order_count,
            customer.refund_count,
            customer.lifetime_value_minor as f64 / 100.0,
            customer.currency
        );
    }
    println!("Status: {}; worked by the {}.", c.status.as_str(), c.assignee.as_str());
    if c.answering.unanswered > 0 {
        let late = if c.answering.overdue { " (past its target)" } else { "" };
        println!("Waiting for an answer: {} message(s){late}.", c.answering.unanswered);
    }
    if let Some(nudge) = &c.answering.nudge {
        println!("{nudge}.");
    }
    for t in &case.tasks {
        let done = if t.done_ms.is_some() { "done" } else { "open" };
        let phone = t.phone.as_deref().map(|p| format!(" call {p}")).unwrap_or_default();
        let when = kindly_core::time::to_rfc3339(t.due_ms);
        println!("  Task {} [{}, {done}] due {when}{phone}: {}", t.uid, t.kind.as_str(), t.note);
    }
    if let Some(customer) = &case.customer {
        for g in &customer.gifts {
            println!("  Gift ({}): {}", g.kind.as_str(), g.description);
        }
        if let Some(evidence) = &customer.serial_refunder {
            let decided = customer.refunder_decision.map_or("not decided yet", |d| d.as_str());
            println!("  Serial refunder: {evidence}; owner's call: {decided}.");
        }
    }
    for n in &case.notes {
        let who = if n.author_name.is_empty() {
            n.author_role.clone()
        } else {
            format!("{} ({})", n.author_name, n.author_role)
        };
        let private = if n.private { " [private]" } else { "" };
        println!("  Note by {who} · {}{private}: {}", n.created_at, n.text);
    }
    for m in &case.messages {
        let when = kindly_core::time::to_rfc3339(m.date_ms);
        println!("\n── {} <{}> · {when}", m.from_name, m.from_email);
        println!("{}", m.body_text.trim_end());
    }
}
