//! The import pipeline: raw message → parse → dedupe → thread → case → triage, in batched
//! transactions. A batch commits whole or not at all, so a crash mid-import loses nothing that was
//! committed and a re-run skips it as duplicates.

use std::collections::BTreeSet;
use std::io::BufRead;
use std::path::Path;

use rusqlite::Transaction;
use serde::Serialize;

use super::parse::{self, Envelope, ParsedMessage, parse};
use super::{maildir, mbox::MboxReader, ours, thread};
use crate::error::{Error, Result};
use crate::store::messages::{self, Direction, Placement, RawCompressor};
use crate::store::{Store, cases, customers, settings};
use crate::time::{DAY_MS, now_ms};
use crate::triage::{self, Thresholds, signals};

/// Messages parsed before each commit: large enough to amortize the transaction, small enough that
/// a crash repeats little work.
const BATCH: usize = 500;
/// How far apart two same-subject messages of one customer may be and still share a case.
const SUBJECT_WINDOW_MS: i64 = 30 * DAY_MS;

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct ImportSummary {
    pub seen: u64,
    /// Readable messages stored.
    pub imported: u64,
    pub duplicates: u64,
    /// Messages that could not be parsed, stored raw in cases of their own.
    pub unreadable: u64,
    /// Inputs that could not even be read (a file that vanished, an I/O error), with the reason.
    pub errors: Vec<String>,
}

impl ImportSummary {
    /// Adds another run's counts to this one.
    pub fn absorb(&mut self, other: ImportSummary) {
        self.seen += other.seen;
        self.imported += other.imported;
        self.duplicates += other.duplicates;
        self.unreadable += other.unreadable;
        self.errors.extend(other.errors);
    }
}

impl std::fmt::Display for ImportSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} imported, {} duplicates skipped, {} unreadable (kept as raw source), {} read errors",
            self.imported,
            self.duplicates,
            self.unreadable,
            self.errors.len()
        )
    }
}

/// One input item: the raw bytes, or why they could not be read.
pub type RawItem = std::result::Result<Vec<u8>, String>;

pub fn import_mbox(
    store: &mut Store,
    input: impl BufRead + Send,
    progress: &mut dyn FnMut(&ImportSummary),
) -> Result<ImportSummary> {
    let items = MboxReader::new(input).map(|r| r.map_err(|e| format!("mbox read error: {e}")));
    import_items(store, items, progress)
}

pub fn import_maildir(
    store: &mut Store,
    dir: &Path,
    progress: &mut dyn FnMut(&ImportSummary),
) -> Result<ImportSummary> {
    let files = maildir::message_files(dir)?;
    let items = files.into_iter().map(|p| std::fs::read(&p).map_err(|e| format!("{}: {e}", p.display())));
    import_items(store, items, progress)
}

pub fn maildir_len(dir: &Path) -> Result<usize> {
    Ok(maildir::message_files(dir)?.len())
}

/// The envelope of every message of an mbox file, for learning our addresses before the import.
pub fn mbox_envelopes(path: &Path) -> Result<Vec<Envelope>> {
    let mut out = Vec::new();
    for raw in MboxReader::new(open_mbox(path)?) {
        // A read error ends the scan; the import itself reports it.
        let Ok(raw) = raw else { break };
        out.push(parse::envelope(&raw));
    }
    Ok(out)
}

/// The envelope of every message of a maildir: only the first 64 KB of each file are read.
pub fn maildir_envelopes(dir: &Path) -> Result<Vec<Envelope>> {
    use std::io::Read;
    let mut out = Vec::new();
    let mut head = Vec::with_capacity(64 * 1024);
    for path in maildir::message_files(dir)? {
        head.clear();
        if std::fs::File::open(&path).and_then(|f| f.take(64 * 1024).read_to_end(&mut head)).is_ok() {
            out.push(parse::envelope(&head));
        }
    }
    Ok(out)
}

/// Before an import with no address configured (no account, no `--ours`): learns our addresses
/// from the mail about to be imported and keeps them beside what earlier imports learned, so the
/// business's replies are read as ours. Returns what it learned, or `None` when addresses are
/// configured and nothing needed learning.
pub fn learn_ours(store: &mut Store, envelopes: Vec<Envelope>) -> Result<Option<ours::Inference>> {
    if !settings::configured_addresses(store.conn())?.is_empty() {
        return Ok(None);
    }
    let learned = ours::infer(envelopes);
    let mut kept = settings::inferred_addresses(store.conn())?;
    kept.extend(learned.addresses.iter().cloned());
    store.write(|tx| settings::set_address_list(tx, settings::INFERRED_ADDRESSES, &kept))?;
    Ok(Some(learned))
}

/// `import --ours`: the person says which addresses are ours. They join the account's and replace
/// whatever an import inferred.
pub fn set_ours(store: &mut Store, addresses: &[String]) -> Result<()> {
    let bad: Vec<&String> = addresses.iter().filter(|a| !a.contains('@') || a.trim().contains(' ')).collect();
    if !bad.is_empty() {
        return Err(Error::BadArgs(format!(
            "--ours takes an email address, such as --ours support@yourshop.com (got {})",
            bad.iter().map(|a| a.as_str()).collect::<Vec<_>>().join(", ")
        )));
    }
    let mut configured = settings::configured_addresses(store.conn())?;
    configured.extend(addresses.iter().cloned());
    store.write(|tx| {
        settings::set_address_list(tx, settings::SUPPORT_ADDRESSES, &configured)?;
        settings::set_address_list(tx, settings::INFERRED_ADDRESSES, &[])
    })
}

/// A message ready to store: parsed, hashed and compressed.
struct Prepared {
    msg: ParsedMessage,
    zstd: Vec<u8>,
    /// Addresses a customer's message names in their own words (see `link_mentioned_address`).
    mentioned: Vec<String>,
}

/// Parses, compresses and reads (for triage) a batch on every core; the store's single writer then
/// only inserts and looks the readings up.
fn prepare(raws: Vec<Vec<u8>>, ours: &[String]) -> Result<Vec<Prepared>> {
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get()).min(8);
    let chunk = raws.len().div_ceil(workers).max(1);
    std::thread::scope(|scope| {
        let handles = raws
            .chunks(chunk)
            .map(|part| {
                std::thread::Builder::new().name("kindly-parse".into()).spawn_scoped(
                    scope,
                    move || -> Result<Vec<Prepared>> {
                        let mut compressor = RawCompressor::new()?;
                        part.iter()
                            .map(|raw| {
                                let msg = parse(raw);
                                let zstd = compressor.compress(&msg.normalized)?;
                                // What triage will read: a customer's own, readable mail.
                                let customers = direction_of(&msg, ours) == Direction::Inbound;
                                if msg.unreadable.is_none() && !msg.automated && customers {
                                    triage::lanes::read_message(&msg.subject, &msg.body_text);
                                }
                                let mentioned = if customers && !msg.from_name.trim().is_empty() {
                                    mentioned_addresses(&signals::own_words(&msg.body_text))
                                } else {
                                    Vec::new()
                                };
                                Ok(Prepared { msg, zstd, mentioned })
                            })
                            .collect()
                    },
                )
            })
            .collect::<std::io::Result<Vec<_>>>()
            .map_err(|e| Error::Invalid(format!("cannot start a parser thread: {e}")))?;
        let mut out = Vec::with_capacity(raws.len());
        for handle in handles {
            out.extend(handle.join().map_err(|_| Error::Invalid("a parser thread crashed".into()))??);
        }
        Ok(out)
    })
}

pub fn import_items(
    store: &mut Store,
    items: impl Iterator<Item = RawItem> + Send,
    progress: &mut dyn FnMut(&ImportSummary),
) -> Result<ImportSummary> {
    import_tagged(store, items.map(|item| ((), item)), progress, &mut |_, _| Ok(()))
}

/// One batch on its way from the reader to the writer.
struct Batch<T> {
    tags: Vec<T>,
    seen: u64,
    errors: Vec<String>,
    prepared: Vec<Prepared>,
}

/// Imports `items`, each carrying a tag (an IMAP UID, say). After each batch is stored, and in
/// the same transaction, `committed` gets the tags of every item in it, so a caller can move a
/// cursor exactly as far as what is safely stored.
///
/// Reading runs one batch ahead of the writer: while one batch is placed, triaged and committed,
/// the next is read, parsed, compressed and read for triage on the other cores.
pub fn import_tagged<T: Send>(
    store: &mut Store,
    items: impl Iterator<Item = (T, RawItem)> + Send,
    progress: &mut dyn FnMut(&ImportSummary),
    committed: &mut dyn FnMut(&Transaction<'_>, &[T]) -> Result<()>,
) -> Result<ImportSummary> {
    store.bulk(|store| import_with(store, items, progress, committed))
}

fn import_with<T: Send>(
    store: &mut Store,
    items: impl Iterator<Item = (T, RawItem)> + Send,
    progress: &mut dyn FnMut(&ImportSummary),
    committed: &mut dyn FnMut(&Transaction<'_>, &[T]) -> Result<()>,
) -> Result<ImportSummary> {
    let ours = settings::support_addresses(store.conn())?;
    let thresholds = Thresholds::load(store.conn())?;
    let mut summary = ImportSummary::default();
    let (ready, batches) = std::sync::mpsc::sync_channel::<Result<Batch<T>>>(1);
    std::thread::scope(|scope| {
        let ours = &ours;
        let reader = std::thread::Builder::new().name("kindly-read".into()).spawn_scoped(scope, move || {
            let mut items = items.peekable();
            while items.peek().is_some() {
                let mut batch = Batch { tags: Vec::with_capacity(BATCH), seen: 0, errors: vec![], prepared: vec![] };
                let mut raws = Vec::with_capacity(BATCH);
                for (tag, item) in items.by_ref().take(BATCH) {
                    batch.seen += 1;
                    batch.tags.push(tag);
                    match item {
                        Ok(raw) => raws.push(raw),
                        Err(e) => batch.errors.push(e),
                    }
                }
                let prepared = prepare(raws, ours).map(|prepared| Batch { prepared, ..batch });
                // A closed channel means the writer stopped on an error, which it reports.
                if ready.send(prepared).is_err() {
                    break;
                }
            }
        });
        let reader = reader.map_err(|e| Error::Invalid(format!("cannot start the message reader: {e}")))?;
        let written = (|| -> Result<()> {
            for batch in batches {
                let Batch { tags, seen, errors, prepared } = batch?;
                summary.seen += seen;
                summary.errors.extend(errors);
                store.write(|tx| {
                    summary.absorb(write_batch(tx, &prepared, ours, thresholds)?);
                    committed(tx, &tags)
                })?;
                progress(&summary);
            }
            Ok(())
        })();
        // `batches` is gone now, so a reader still running stops at its next send.
        reader.join().map_err(|_| Error::Invalid("the message reader crashed".into()))?;
        written
    })?;
    Ok(summary)
}

/// Places a prepared batch in its cases and re-triages what it touched; counts what it stored
/// (`seen` and `errors` are the reader's).
fn write_batch(
    tx: &Transaction<'_>,
    batch: &[Prepared],
    ours: &[String],
    thresholds: Thresholds,
) -> Result<ImportSummary> {
    let now = now_ms();
    let mut counts = ImportSummary::default();
    let mut touched = BTreeSet::new();
    for prepared in batch {
        let msg = &prepared.msg;
        match place(tx, prepared, ours, now)? {
            Some(case_id) => {
                match msg.unreadable {
                    Some(_) => counts.unreadable += 1,
                    None => counts.imported += 1,
                }
                touched.insert(case_id);
            }
            None => counts.duplicates += 1,
        }
    }
    // Mails about orders bought in one session become one case.
    let customers: BTreeSet<i64> =
        touched.iter().filter_map(|id| cases::triage_inputs(tx, id).ok().and_then(|(c, _)| c)).collect();
    touched.extend(crate::cases::merge::after_change(tx, customers)?);
    for case_id in &touched {
        triage::retriage(tx, case_id, thresholds)?;
    }
    Ok(counts)
}

/// Ours when it is from one of our support addresses: the one place that says which way mail went.
fn direction_of(msg: &ParsedMessage, ours: &[String]) -> Direction {
    if ours.contains(&msg.from_email) { Direction::Outbound } else { Direction::Inbound }
}

/// Stores one parsed message in its case. `None` when the same message is already stored.
fn place(tx: &Transaction<'_>, prepared: &Prepared, ours: &[String], now: i64) -> Result<Option<String>> {
    let Prepared { msg, zstd, mentioned } = prepared;
    if messages::hash_exists(tx, &msg.hash)? {
        return Ok(None);
    }
    let date_ms = msg.date_ms.unwrap_or(now);
    let direction = direction_of(msg, ours);
    let customer_email = match direction {
        Direction::Inbound => msg.from_email.clone(),
        Direction::Outbound => msg.to.iter().find(|a| !ours.contains(a)).cloned().unwrap_or_default(),
    };
    let customer_name = if direction == Direction::Inbound { msg.from_name.as_str() } else { "" };
    let normalized_subject = thread::normalize_subject(&msg.subject);

    // Known or new, the customer exists from their first message on; a name fills in when known.
    let customer_id = match customer_email.as_str() {
        "" => None,
        email => Some(customers::ensure_or_alias(tx, email, customer_name, now, || {
            link_mentioned_address(tx, msg, mentioned)
        })?),
    };
    let case_id = if msg.unreadable.is_some() {
        None
    } else {
        find_case(tx, msg, &normalized_subject, &customer_email, date_ms)?
    };
    // Our automatic acknowledgement is not an answer: the case stays as it was.
    let counts = !(direction == Direction::Outbound && msg.automated);
    let (case_id, shown) = match case_id {
        Some(id) => {
            // A thread whose case was merged into another shows there.
            let shown = cases::shown_in(tx, &id)?;
            if counts {
                cases::record_message(tx, &shown, direction, date_ms)?;
                if shown != id {
                    // The thread's own case keeps its times too, for the day it is split out again.
                    cases::record_message(tx, &id, direction, date_ms)?;
                }
            }
            (id, shown)
        }
        None => {
            let root = thread_root(msg);
            let id = new_case_id(tx, root, &msg.hash)?;
            let subject = match (msg.unreadable.is_some(), msg.subject.is_empty()) {
                (true, _) => "(unreadable message)",
                (false, true) => "(no subject)",
                (false, false) => msg.subject.as_str(),
            };
            cases::create(
                tx,
                &cases::NewCase {
                    id: &id,
                    root_message_id: root,
                    subject,
                    customer_id,
                    customer_email: &customer_email,
                    customer_name,
                    unreadable: msg.unreadable.is_some(),
                    created_ms: date_ms,
                    first: counts.then_some(direction),
                },
            )?;
            // A new case shows as itself.
            (id.clone(), id)
        }
    };
    messages::insert(
        tx,
        msg,
        zstd,
        &Placement {
            case_id: &shown,
            home_case: &case_id,
            direction,
            date_ms,
            normalized_subject: &normalized_subject,
            imported_ms: now,
        },
    )?;
    Ok(Some(shown))
}

/// References first (newest parent first), then the thread root's case, then the subject fallback.
/// A case found through a shared Message-ID is joined only if it is this customer's: two different
/// messages can carry the same Message-ID.
fn find_case(
    tx: &Transaction<'_>,
    msg: &ParsedMessage,
    normalized_subject: &str,
    customer_email: &str,
    date_ms: i64,
) -> Result<Option<String>> {
    let mut parents: Vec<&str> = msg.in_reply_to.iter().map(String::as_str).collect();
    parents.extend(msg.references.iter().rev().map(String::as_str));
    if let Some(case) = messages::case_of_any(tx, &parents, customer_email)? {
        return Ok(Some(case));
    }
    let id = thread::case_id_for_root(thread_root(msg));
    if cases::customer_email(tx, &id)?.is_some_and(|owner| owner == customer_email) {
        return Ok(Some(id));
    }
    messages::case_by_subject(tx, normalized_subject, customer_email, date_ms, SUBJECT_WINDOW_MS)
}

/// A customer writing from a new address often names the one they bought with ("my orders are
/// under ann@home.example"). When that address belongs to a customer with the sender's own name,
/// the new address becomes their alias, so their history is in front of whoever replies. Returns
/// that customer. `mentioned` is what the reader found in the sender's own words.
fn link_mentioned_address(tx: &Transaction<'_>, msg: &ParsedMessage, mentioned: &[String]) -> Result<Option<i64>> {
    let name = msg.from_name.trim();
    for address in mentioned.iter().filter(|a| **a != msg.from_email) {
        if let Some(id) = customers::find(tx, address)?
            && customers::name(tx, id)?.is_some_and(|known| known.trim().eq_ignore_ascii_case(name))
        {
            customers::link_alias(tx, &msg.from_email, id)?;
            return Ok(Some(id));
        }
    }
    Ok(None)
}

/// Email addresses written in a text, lower-cased.
fn mentioned_addresses(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '(' | ')' | '[' | ']' | ',' | ';' | '"' | '\''))
        .map(|w| w.trim_matches(|c: char| matches!(c, '.' | ':' | '!' | '?')))
        .filter(|w| w.split_once('@').is_some_and(|(user, domain)| !user.is_empty() && domain.contains('.')))
        .map(str::to_ascii_lowercase)
        .collect()
}

fn thread_root(msg: &ParsedMessage) -> &str {
    if msg.unreadable.is_some() {
        &msg.message_id
    } else {
        thread::root_message_id(&msg.message_id, msg.in_reply_to.as_deref(), &msg.references)
    }
}

/// The case id for a new thread: from its root, or, when another customer's case already holds
/// that id (a reused Message-ID), from the root and this message's content, which is still the same
/// on every replica.
fn new_case_id(tx: &Transaction<'_>, root: &str, hash: &str) -> Result<String> {
    let id = thread::case_id_for_root(root);
    Ok(if cases::exists(tx, &id)? { thread::case_id_for_root(&format!("{root} {hash}")) } else { id })
}

/// Opens `path` for `import --mbox` with a clear error.
pub fn open_mbox(path: &Path) -> Result<std::io::BufReader<std::fs::File>> {
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    Ok(std::io::BufReader::with_capacity(1 << 16, file))
}
