//! Raw RFC 5322 bytes → `ParsedMessage`. Never panics and never fails: a message that cannot be read
//! comes back with `unreadable` set and its raw bytes kept, so an import never stops on it.

use mail_parser::{Address, HeaderValue, MessageParser, MimeHeaders};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attachment {
    pub name: String,
    pub mime: String,
    pub size: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ParsedMessage {
    /// With angle brackets. Synthesized from the hash when the message has none.
    pub message_id: String,
    pub message_id_synthesized: bool,
    /// SHA-256 (hex) of `normalized`.
    pub hash: String,
    #[serde(skip)]
    pub normalized: Vec<u8>,
    pub from_email: String,
    pub from_name: String,
    pub to: Vec<String>,
    pub subject: String,
    /// Milliseconds since the epoch, from the Date header.
    pub date_ms: Option<i64>,
    pub in_reply_to: Option<String>,
    /// Root first, as in the References header.
    pub references: Vec<String>,
    pub body_text: String,
    pub body_html: Option<String>,
    pub attachments: Vec<Attachment>,
    /// Auto-Submitted, Precedence: bulk/list/junk, List-Id, or a mailer-daemon sender.
    pub automated: bool,
    /// Why the message could not be read, when it could not.
    pub unreadable: Option<String>,
}

/// Who wrote to whom, from the headers alone: enough to learn which addresses are the business's
/// before an import places anything (see `mail::ours`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Envelope {
    pub message_id: Option<String>,
    pub from: String,
    /// To and Cc.
    pub recipients: Vec<String>,
    pub in_reply_to: Option<String>,
    pub automated: bool,
}

/// The envelope of a raw message: its header block only, so a whole mailbox is scanned cheaply.
pub fn envelope(raw: &[u8]) -> Envelope {
    let normalized = normalize(&raw[..raw.len().min(64 * 1024)]);
    let end = find(&normalized, b"\n\n").map_or(normalized.len(), |p| p + 1);
    let head = &normalized[..end];
    let readable = utf8_headers(head);
    let Some(msg) = MessageParser::default().parse_headers(readable.as_deref().unwrap_or(head)) else {
        return Envelope::default();
    };
    let from = addresses(msg.from()).into_iter().next().unwrap_or_default();
    let mut recipients = addresses(msg.to());
    recipients.extend(addresses(msg.cc()));
    Envelope {
        message_id: msg.message_id().map(str::trim).filter(|id| !id.is_empty()).map(bracket),
        automated: is_automated(&msg, &from),
        from,
        recipients,
        in_reply_to: id_list(msg.in_reply_to()).into_iter().next_back(),
    }
}

/// Headers added in transit or by mail stores: two copies of one message differ only here, so they
/// are left out of the content hash.
const TRANSPORT_HEADERS: &[&str] = &[
    "received",
    "return-path",
    "delivered-to",
    "x-original-to",
    "status",
    "x-status",
    "x-keywords",
    "x-uid",
    "content-length",
    "lines",
    "x-mozilla-status",
    "x-mozilla-status2",
];

/// CRLF → LF, transport headers dropped, trailing blank space trimmed.
pub fn normalize(raw: &[u8]) -> Vec<u8> {
    let mut unix = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'\r' && raw.get(i + 1) == Some(&b'\n') {
            i += 1;
            continue;
        }
        unix.push(raw[i]);
        i += 1;
    }
    let header_end = find(&unix, b"\n\n").map(|p| p + 1).unwrap_or(unix.len());
    let mut out = Vec::with_capacity(unix.len());
    let mut skipping = false;
    for line in unix[..header_end].split_inclusive(|&b| b == b'\n') {
        let continuation = matches!(line.first(), Some(b' ' | b'\t'));
        if !continuation {
            skipping = header_name(line).is_some_and(|n| TRANSPORT_HEADERS.contains(&n.as_str()));
        }
        if !skipping {
            out.extend_from_slice(line);
        }
    }
    out.extend_from_slice(&unix[header_end..]);
    while out.last().is_some_and(|b| b.is_ascii_whitespace()) {
        out.pop();
    }
    out.push(b'\n');
    out
}

fn header_name(line: &[u8]) -> Option<String> {
    let colon = line.iter().position(|&b| b == b':')?;
    let name = &line[..colon];
    (!name.is_empty() && name.iter().all(|b| b.is_ascii_graphic()))
        .then(|| String::from_utf8_lossy(name).to_ascii_lowercase())
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Parses one raw message. The result always carries the normalized bytes and their hash.
pub fn parse(raw: &[u8]) -> ParsedMessage {
    let normalized = normalize(raw);
    let hash = sha256_hex(&normalized);
    let synthesized_id = format!("<{}@kindly.invalid>", &hash[..32]);
    let mut out = ParsedMessage {
        message_id: synthesized_id.clone(),
        message_id_synthesized: true,
        hash,
        normalized: Vec::new(),
        from_email: String::new(),
        from_name: String::new(),
        to: Vec::new(),
        subject: String::new(),
        date_ms: None,
        in_reply_to: None,
        references: Vec::new(),
        body_text: String::new(),
        body_html: None,
        attachments: Vec::new(),
        automated: false,
        unreadable: None,
    };

    let readable = utf8_headers(&normalized);
    match MessageParser::default().parse(readable.as_deref().unwrap_or(&normalized)) {
        Some(msg) if looks_like_mail(&msg) => fill(&mut out, &msg),
        _ => {
            // The raw bytes are kept (and shown as the source); there is no body text to index.
            out.unreadable = Some("no readable mail headers (From, Date, Message-ID or Subject)".into());
        }
    }
    out.normalized = normalized;
    out
}

/// Raw 8-bit headers that are not UTF-8 come from legacy mailers writing their local charset,
/// almost always Latin-1 or its Windows superset: transcode that block so names read right.
/// Returns `None` when the headers are fine as they are.
fn utf8_headers(message: &[u8]) -> Option<Vec<u8>> {
    let end = find(message, b"\n\n").map(|p| p + 1).unwrap_or(message.len());
    if std::str::from_utf8(&message[..end]).is_ok() {
        return None;
    }
    let mut out = String::with_capacity(message.len() + 16);
    out.extend(message[..end].iter().map(|&b| windows_1252(b)));
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(&message[end..]);
    Some(bytes)
}

fn windows_1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž', '\u{8f}', '\u{90}', '‘',
        '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}', 'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9f => HIGH[(b - 0x80) as usize],
        _ => b as char,
    }
}

/// A message with none of the headers every mail carries is not mail we can read.
fn looks_like_mail(msg: &mail_parser::Message<'_>) -> bool {
    msg.from().is_some() || msg.date().is_some() || msg.message_id().is_some() || msg.subject().is_some()
}

fn fill(out: &mut ParsedMessage, msg: &mail_parser::Message<'_>) {
    if let Some(id) = msg.message_id().map(str::trim).filter(|id| !id.is_empty()) {
        out.message_id = bracket(id);
        out.message_id_synthesized = false;
    }
    if let Some(addr) = msg.from().and_then(Address::first) {
        out.from_email = addr.address.as_deref().unwrap_or_default().trim().to_ascii_lowercase();
        out.from_name = addr.name.as_deref().unwrap_or_default().trim().trim_matches('"').to_string();
    }
    out.to = addresses(msg.to());
    out.subject = msg.subject().unwrap_or_default().trim().to_string();
    out.date_ms = msg.date().map(|d| d.to_timestamp() * 1000);
    out.in_reply_to = id_list(msg.in_reply_to()).into_iter().next_back();
    out.references = id_list(msg.references());
    out.body_text = msg.body_text(0).map(|t| t.into_owned()).unwrap_or_default();
    out.body_html = (msg.html_body_count() > 0 && msg.html_part(0).is_some_and(|p| p.is_text_html()))
        .then(|| msg.body_html(0).map(|h| h.into_owned()))
        .flatten();
    out.attachments = msg
        .attachments()
        .map(|part| Attachment {
            name: part.attachment_name().unwrap_or("unnamed").to_string(),
            mime: part
                .content_type()
                .map(|ct| match &ct.c_subtype {
                    Some(sub) => format!("{}/{}", ct.c_type, sub),
                    None => ct.c_type.to_string(),
                })
                .unwrap_or_else(|| "application/octet-stream".into()),
            size: part.contents().len() as u64,
        })
        .collect();
    out.automated = is_automated(msg, &out.from_email);
}

/// The addresses of an address header, lower-cased.
fn addresses(header: Option<&Address<'_>>) -> Vec<String> {
    header
        .map(|a| a.iter().filter_map(|x| x.address.as_deref()).map(|s| s.trim().to_ascii_lowercase()).collect())
        .unwrap_or_default()
}

fn is_automated(msg: &mail_parser::Message<'_>, from: &str) -> bool {
    let header = |name: &str| msg.header_raw(name).map(|v| v.trim().to_ascii_lowercase());
    let auto_submitted = header("Auto-Submitted").is_some_and(|v| v != "no");
    let bulk = header("Precedence").is_some_and(|v| matches!(v.as_str(), "bulk" | "list" | "junk"));
    let list = header("List-Id").is_some();
    let daemon = from.starts_with("mailer-daemon@") || from.starts_with("postmaster@");
    auto_submitted || bulk || list || daemon
}

fn bracket(id: &str) -> String {
    let id = id.trim().trim_start_matches('<').trim_end_matches('>');
    format!("<{id}>")
}

fn id_list(value: &HeaderValue<'_>) -> Vec<String> {
    match value {
        HeaderValue::Text(t) => vec![bracket(t)],
        HeaderValue::TextList(list) => list.iter().map(|t| bracket(t)).collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transport_headers_do_not_change_the_hash() {
        let a = b"Received: from x by y\r\nFrom: a@b.example\r\nSubject: hi\r\nMessage-ID: <1@b>\r\n\r\nbody\r\n";
        let b = b"Return-Path: <a@b.example>\nDelivered-To: s@q.example\nFrom: a@b.example\nSubject: hi\nMessage-ID: <1@b>\n\nbody\n\n";
        assert_eq!(parse(a).hash, parse(b).hash);
        assert_ne!(parse(a).hash, parse(b"From: a@b.example\nSubject: hi\nMessage-ID: <1@b>\n\nother body\n").hash);
    }

    #[test]
    fn missing_message_id_is_derived_from_the_hash() {
        let p = parse(b"From: Ann <ann@x.example>\nSubject: hello\n\nhi\n");
        assert!(p.message_id_synthesized);
        assert_eq!(p.message_id, format!("<{}@kindly.invalid>", &p.hash[..32]));
        assert_eq!(p.from_name, "Ann");
        assert!(p.unreadable.is_none());
    }

    #[test]
    fn garbage_is_unreadable_but_kept() {
        let p = parse(b"\x00\x01\x02 \xff\xfe garbage without any header structure");
        assert!(p.unreadable.is_some());
        assert!(!p.normalized.is_empty());
    }

    #[test]
    fn references_keep_root_first() {
        let p = parse(
            b"From: a@x.example\nMessage-ID: <3@x>\nIn-Reply-To: <2@x>\nReferences: <1@x> <2@x>\nSubject: Re: q\n\nb\n",
        );
        assert_eq!(p.references, vec!["<1@x>", "<2@x>"]);
        assert_eq!(p.in_reply_to.as_deref(), Some("<2@x>"));
    }

    #[test]
    fn latin1_headers_are_read_as_latin1() {
        let p = parse(b"From: In\xeas Duarte <ines@x.example>\nSubject: Ol\xe1\n\nbody\n");
        assert_eq!(p.from_name, "Inês Duarte");
        assert_eq!(p.subject, "Olá");
    }

    #[test]
    fn bulk_mail_is_automated() {
        assert!(parse(b"From: news@x.example\nList-Id: <news.x.example>\nSubject: n\n\nb\n").automated);
        assert!(parse(b"From: a@x.example\nAuto-Submitted: auto-replied\nSubject: n\n\nb\n").automated);
        assert!(!parse(b"From: a@x.example\nAuto-Submitted: no\nSubject: n\n\nb\n").automated);
    }
}
