//! Ops travel through the support mailbox: each push is one message in the `Kindly.sync` folder
//! holding a zstd-compressed JSON batch; each replica reads the folder's new UIDs with its own
//! cursor and applies what it has not seen. No server of ours anywhere.
//!
//! Never lost, never doubled: a batch is named before it is appended (`begin_push`), so after a
//! crash it is looked for in the folder before being sent again; the pull cursor moves in the same
//! transaction as the ops it covers. A folder deleted or recreated (new UIDVALIDITY) is rebuilt
//! from local state with a snapshot; once the folder holds many batches, a replica that has read
//! them all replaces them with a snapshot.

use base64::Engine as _;
use futures::StreamExt;
use serde::{Deserialize, Serialize};

use super::ops::{self, Op};
use super::replica;
use crate::error::{Error, Result};
use crate::mail::imap::Session;
use crate::store::Store;
use crate::store::accounts::{self, Account, Cursor};
use crate::time::now_ms;

pub const FOLDER: &str = "Kindly.sync";
/// Ops per pushed message.
const BATCH_OPS: usize = 5_000;
/// Messages per FETCH while pulling.
const FETCH_BATCH: u32 = 50;
/// Compact once the folder holds more messages than this.
pub const COMPACT_AFTER: u32 = 40;
/// A batch larger than this once decompressed is refused (a hostile or broken message).
const MAX_BATCH_BYTES: u64 = 512 << 20;
const FORMAT: u32 = 1;

#[derive(Debug, Serialize, Deserialize)]
struct Batch {
    v: u32,
    /// "ops" or "snapshot".
    kind: String,
    replica: String,
    role: String,
    #[serde(default)]
    name: String,
    ops: Vec<Op>,
}

#[derive(Debug, Default, Clone, PartialEq)]
pub struct OpsReport {
    /// Ops read from the folder that were new here.
    pub received: usize,
    pub pushed: usize,
    /// Messages in the folder that were not Kindly batches we can read (reported, skipped).
    pub unreadable: usize,
    pub compacted: bool,
    /// The folder was missing or recreated and has been refilled from this replica.
    pub rebuilt: bool,
}

fn imap_error(what: &str, e: impl std::fmt::Display) -> Error {
    Error::Invalid(format!("{what}: {e}"))
}

/// Pull, then push, then compact if the folder has grown.
pub async fn exchange(store: &mut Store, session: &mut Session, account: &Account) -> Result<OpsReport> {
    let mut report = OpsReport::default();
    let (uid_validity, _) = open_folder(session).await?;
    let known = accounts::cursor(store.conn(), account.id, FOLDER)?;
    report.rebuilt = known.is_some_and(|c| c.uid_validity != uid_validity);
    let mut cursor = match known {
        Some(c) if c.uid_validity == uid_validity => c,
        _ => Cursor { uid_validity, last_uid: 0 },
    };
    pull(store, session, account, &mut cursor, &mut report).await?;
    if report.rebuilt {
        push_snapshot(store, session, account).await?;
    }
    report.pushed += push(store, session, account).await?;
    let (_, exists) = open_folder(session).await?;
    if exists > COMPACT_AFTER {
        // Read our own batches back first, so everything up to the cursor is in the snapshot.
        pull(store, session, account, &mut cursor, &mut report).await?;
        compact(store, session, account, cursor).await?;
        report.compacted = true;
    }
    Ok(report)
}

/// Selects the sync folder, creating it if missing. Returns its UIDVALIDITY and message count.
async fn open_folder(session: &mut Session) -> Result<(u32, u32)> {
    let mailbox = match session.select(FOLDER).await {
        Ok(m) => m,
        Err(_) => {
            session.create(FOLDER).await.map_err(|e| imap_error(&format!("creating the {FOLDER} folder"), e))?;
            session.select(FOLDER).await.map_err(|e| imap_error(&format!("opening {FOLDER}"), e))?
        }
    };
    Ok((mailbox.uid_validity.unwrap_or(0), mailbox.exists))
}

async fn pull(
    store: &mut Store,
    session: &mut Session,
    account: &Account,
    cursor: &mut Cursor,
    report: &mut OpsReport,
) -> Result<()> {
    let uid_next = session
        .select(FOLDER)
        .await
        .map_err(|e| imap_error(&format!("opening {FOLDER}"), e))?
        .uid_next
        .unwrap_or(u32::MAX);
    let goal = uid_next.saturating_sub(1);
    while cursor.last_uid < goal {
        let from = cursor.last_uid + 1;
        let to = from.saturating_add(FETCH_BATCH - 1).min(goal);
        let mut raws = Vec::new();
        {
            let mut fetches = session
                .uid_fetch(format!("{from}:{to}"), "(UID BODY.PEEK[])")
                .await
                .map_err(|e| imap_error(&format!("reading {FOLDER}"), e))?;
            while let Some(fetch) = fetches.next().await {
                let fetch = fetch.map_err(|e| imap_error(&format!("reading {FOLDER}"), e))?;
                if fetch.uid.is_some_and(|u| (from..=to).contains(&u)) {
                    raws.push(fetch.body().unwrap_or_default().to_vec());
                }
            }
        }
        // A connection cut between two messages ends the FETCH with no error: the server still
        // answering proves it completed, before the cursor moves past its whole range.
        session.noop().await.map_err(|e| imap_error(&format!("reading {FOLDER}"), e))?;
        let batches: Vec<Batch> = raws
            .iter()
            .filter_map(|raw| match decode(raw) {
                Ok(b) => Some(b),
                Err(e) => {
                    tracing::warn!("skipping a message in {FOLDER}: {e}");
                    report.unreadable += 1;
                    None
                }
            })
            .collect();
        cursor.last_uid = to;
        let next = *cursor;
        report.received += store.write(|tx| {
            let mut received = 0;
            for batch in &batches {
                replica::remember_peer(tx, &batch.replica, &batch.role, &batch.name, now_ms())?;
                received += ops::apply_remote(tx, &batch.ops)?;
            }
            // The cursor moves with the ops it covers: both or neither.
            accounts::set_cursor(tx, account.id, FOLDER, next, now_ms())?;
            Ok(received)
        })?;
    }
    store.write(|tx| accounts::set_cursor(tx, account.id, FOLDER, *cursor, now_ms()))?;
    Ok(())
}

/// Pushes every unpushed op; returns how many went out.
async fn push(store: &mut Store, session: &mut Session, account: &Account) -> Result<usize> {
    let mut pushed = 0;
    // Batches a crash interrupted: sent already if the folder has them, else sent now.
    for batch in ops::unfinished_batches(store.conn())? {
        let ops = ops::batch_ops(store.conn(), &batch)?;
        if !in_folder(session, &batch).await? {
            append(store, session, account, &batch, "ops", ops.clone()).await?;
        }
        store.write(|tx| ops::finish_push(tx, &batch))?;
        pushed += ops.len();
    }
    loop {
        let ops = ops::unpushed(store.conn(), BATCH_OPS)?;
        if ops.is_empty() {
            return Ok(pushed);
        }
        let batch = replica::random_hex(12)?;
        store.write(|tx| ops::begin_push(tx, &ops, &batch))?;
        let n = ops.len();
        append(store, session, account, &batch, "ops", ops).await?;
        if std::env::var_os("KINDLY_TEST_CRASH_AFTER_SYNC_APPEND").is_some() {
            std::process::abort(); // the crash test: in the folder, not yet marked pushed
        }
        store.write(|tx| ops::finish_push(tx, &batch))?;
        pushed += n;
    }
}

/// Writes everything this replica knows as one snapshot message, then counts it all as pushed.
async fn push_snapshot(store: &mut Store, session: &mut Session, account: &Account) -> Result<()> {
    let snapshot = ops::snapshot(store.conn())?;
    let batch = replica::random_hex(12)?;
    append(store, session, account, &batch, "snapshot", snapshot).await?;
    store.write(|tx| ops::mark_all_pushed(tx))
}

/// Replaces every message up to `cursor` (all read and applied here) with one snapshot.
async fn compact(store: &mut Store, session: &mut Session, account: &Account, cursor: Cursor) -> Result<()> {
    push_snapshot(store, session, account).await?;
    session.select(FOLDER).await.map_err(|e| imap_error(&format!("opening {FOLDER}"), e))?;
    let flagged = session
        .uid_store(format!("1:{}", cursor.last_uid), "+FLAGS.SILENT (\\Deleted)")
        .await
        .map_err(|e| imap_error(&format!("compacting {FOLDER}"), e))?;
    let _: Vec<_> = flagged.collect().await;
    let expunged = session.expunge().await.map_err(|e| imap_error(&format!("compacting {FOLDER}"), e))?;
    let _: Vec<_> = expunged.collect().await;
    Ok(())
}

async fn in_folder(session: &mut Session, batch: &str) -> Result<bool> {
    session.select(FOLDER).await.map_err(|e| imap_error(&format!("opening {FOLDER}"), e))?;
    let found = session
        .uid_search(format!("HEADER X-Kindly-Batch \"{batch}\""))
        .await
        .map_err(|e| imap_error(&format!("searching {FOLDER}"), e))?;
    Ok(!found.is_empty())
}

async fn append(
    store: &Store,
    session: &mut Session,
    account: &Account,
    batch: &str,
    kind: &str,
    ops: Vec<Op>,
) -> Result<()> {
    let me = replica::local(store.conn())?;
    let batch_body = Batch {
        v: FORMAT,
        kind: kind.into(),
        replica: me.id.clone(),
        role: me.acting_role().as_str().into(),
        name: me.name.clone(),
        ops,
    };
    let raw = encode(&batch_body, batch, &account.email)?;
    session
        .append(FOLDER, Some("(\\Seen)"), None, &raw)
        .await
        .map_err(|e| imap_error(&format!("writing to {FOLDER}"), e))
}

fn encode(batch: &Batch, id: &str, address: &str) -> Result<Vec<u8>> {
    let json = serde_json::to_vec(batch).map_err(|e| Error::Invalid(e.to_string()))?;
    let packed = zstd::bulk::compress(&json, 3).map_err(|e| Error::Invalid(format!("zstd: {e}")))?;
    let b64 = base64::engine::general_purpose::STANDARD.encode(packed);
    let date = chrono::Utc::now().to_rfc2822();
    let mut out = format!(
        "From: Kindly <{address}>\r\nTo: <{address}>\r\nSubject: Kindly sync data ({} {}, please leave this folder alone)\r\n\
         Date: {date}\r\nMessage-ID: <{id}@kindly.sync>\r\nX-Kindly-Sync: {FORMAT}\r\nX-Kindly-Batch: {id}\r\n\
         MIME-Version: 1.0\r\nContent-Type: application/x-kindly-ops; name=\"ops.json.zst\"\r\n\
         Content-Transfer-Encoding: base64\r\n\r\n",
        batch.ops.len(),
        batch.kind
    )
    .into_bytes();
    for line in b64.as_bytes().chunks(76) {
        out.extend_from_slice(line);
        out.extend_from_slice(b"\r\n");
    }
    Ok(out)
}

fn decode(raw: &[u8]) -> Result<Batch> {
    let bad = |why: &str| Error::Invalid(format!("not a Kindly sync batch: {why}"));
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|i| i + 4)
        .or_else(|| raw.windows(2).position(|w| w == b"\n\n").map(|i| i + 2))
        .ok_or_else(|| bad("no body"))?;
    let headers = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
    if !headers.contains("x-kindly-sync:") {
        return Err(bad("no X-Kindly-Sync header"));
    }
    let b64: Vec<u8> = raw[split..].iter().copied().filter(|b| !b.is_ascii_whitespace()).collect();
    let packed = base64::engine::general_purpose::STANDARD.decode(b64).map_err(|e| bad(&e.to_string()))?;
    let mut json = Vec::new();
    let decoder = zstd::stream::read::Decoder::new(packed.as_slice()).map_err(|e| bad(&e.to_string()))?;
    std::io::Read::read_to_end(&mut std::io::Read::take(decoder, MAX_BATCH_BYTES), &mut json)
        .map_err(|e| bad(&e.to_string()))?;
    let batch: Batch = serde_json::from_slice(&json).map_err(|e| bad(&e.to_string()))?;
    if batch.v > FORMAT {
        return Err(bad("written by a newer Kindly: update Kindly on this machine"));
    }
    Ok(batch)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_survives_the_round_trip_through_a_message() {
        let op = Op {
            op_id: "a1".into(),
            hlc: "0000000001000-000000-r1".into(),
            replica_id: "r1".into(),
            entity: "case".into(),
            entity_id: "c1".into(),
            field: "status".into(),
            value: serde_json::json!("closed"),
            private: false,
        };
        let batch = Batch {
            v: 1,
            kind: "ops".into(),
            replica: "r1".into(),
            role: "owner".into(),
            name: "Ann".into(),
            ops: vec![op.clone()],
        };
        let raw = encode(&batch, "b1", "support@example.com").unwrap();
        assert!(raw.split(|&b| b == b'\n').all(|l| l.len() <= 998), "lines fit in a mail message");
        let back = decode(&raw).unwrap();
        assert_eq!(back.ops, vec![op]);
        assert_eq!(back.name, "Ann");
    }

    #[test]
    fn ordinary_mail_and_broken_batches_are_refused_with_a_reason() {
        assert!(decode(b"From: a@b\r\nSubject: hi\r\n\r\nhello").is_err());
        assert!(decode(b"X-Kindly-Sync: 1\r\n\r\n!!!not base64").is_err());
        let not_zstd = base64::engine::general_purpose::STANDARD.encode(b"plain");
        assert!(decode(format!("X-Kindly-Sync: 1\r\n\r\n{not_zstd}").as_bytes()).is_err());
    }
}
