//! Deterministic synthetic mail for benchmarks and crash tests: customer threads of one to four
//! messages with replies, plain and multipart bodies, a few attachments, realistic sizes.

use std::fmt::Write as _;
use std::path::Path;

/// A small, seedable PRNG (xorshift64*): the same seed gives the same mailbox on every machine.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.max(1))
    }
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

const FIRST: &[&str] =
    &["Maria", "James", "Aiko", "Lena", "Tomás", "Priya", "Noah", "Fatima", "Oliver", "Sofia", "Chen", "Grace"];
const LAST: &[&str] =
    &["Garcia", "Smith", "Tanaka", "Müller", "Silva", "Patel", "Brown", "Khan", "Jones", "Rossi", "Wang", "Okafor"];
const SUBJECTS: &[&str] = &[
    "Can't find my download link",
    "Refund request",
    "Question about the masterclass",
    "Invoice with VAT number",
    "Licence key on a new laptop",
    "Thank you!",
    "Typo in chapter 3",
    "Coupon did not apply",
    "Team licence?",
    "Charged twice",
    "Password reset not arriving",
    "EPUB or PDF?",
];
const SENTENCES: &[&str] = &[
    "I bought the course last week and have been working through it every evening.",
    "The download link in the receipt seems to have expired.",
    "Could you send me an invoice with my company's VAT number on it?",
    "Honestly this is the best writing course I've taken.",
    "I was charged twice for the same order and would like one of them refunded.",
    "My new laptop needs the licence key moved over.",
    "Is there a discount for students or teachers?",
    "Thanks so much for the quick help last time.",
    "I've tried three times and the password reset email never arrives.",
    "Chapter 3 has a small typo in the second paragraph.",
];

pub struct Message {
    pub bytes: Vec<u8>,
}

/// `count` messages forming threads. Every fifth thread gets our reply; some are multipart.
pub fn messages(count: usize, seed: u64) -> Vec<Message> {
    let mut rng = Rng::new(seed);
    let mut out = Vec::with_capacity(count);
    let mut thread = 0u64;
    let base: i64 = 1_780_000_000; // 2026-05-28, seconds
    while out.len() < count {
        thread += 1;
        let first = rng.pick(FIRST).to_string();
        let last = rng.pick(LAST).to_string();
        let email = format!("{}.{}{}@example.com", first.to_lowercase(), last.to_lowercase(), thread % 997);
        let subject = rng.pick(SUBJECTS).to_string();
        let len = 1 + rng.below(4) as usize;
        let mut ids: Vec<String> = Vec::new();
        let mut t = base + (thread as i64) * 600;
        for i in 0..len.min(count - out.len()) {
            let id = format!("<t{thread}.m{i}.{seed}@synth.example>");
            let ours = i % 2 == 1;
            let (from, to) = if ours {
                ("Sam at Quillmark <support@quillmark.example>".to_string(), format!("{first} {last} <{email}>"))
            } else {
                (format!("{first} {last} <{email}>"), "support@quillmark.example".to_string())
            };
            let mut body = String::new();
            for _ in 0..(2 + rng.below(6)) {
                body.push_str(*rng.pick(SENTENCES));
                body.push(' ');
            }
            body.push_str(&format!("\n\n{}\n", if ours { "Sam" } else { &first }));
            let mut m = String::new();
            let _ = write!(m, "From: {from}\r\nTo: {to}\r\nSubject: {}{subject}\r\n", if i > 0 { "Re: " } else { "" });
            let date = chrono::DateTime::from_timestamp(t, 0).unwrap_or_default().to_rfc2822();
            let _ = write!(m, "Date: {date}\r\nMessage-ID: {id}\r\nMIME-Version: 1.0\r\n");
            if let Some(parent) = ids.last() {
                let _ = write!(m, "In-Reply-To: {parent}\r\nReferences: {}\r\n", ids.join(" "));
            }
            if rng.below(4) == 0 {
                let _ = write!(
                    m,
                    "Content-Type: multipart/alternative; boundary=\"b{thread}\"\r\n\r\n--b{thread}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n--b{thread}\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>{}</p>\r\n--b{thread}--\r\n",
                    body.replace('\n', "<br>")
                );
            } else {
                let _ = write!(m, "Content-Type: text/plain; charset=utf-8\r\n\r\n{body}");
            }
            ids.push(id);
            out.push(Message { bytes: m.into_bytes() });
            t += 3_600 * (1 + rng.below(48) as i64);
        }
    }
    out
}

/// Writes `messages` as a maildir under `dir` (cur/, new/, tmp/).
pub fn write_maildir(dir: &Path, messages: &[Message]) -> std::io::Result<()> {
    for sub in ["cur", "new", "tmp"] {
        std::fs::create_dir_all(dir.join(sub))?;
    }
    for (i, m) in messages.iter().enumerate() {
        std::fs::write(dir.join("cur").join(format!("{:08}.synth:2,S", i)), &m.bytes)?;
    }
    Ok(())
}

/// Writes `messages` as an mboxrd file.
pub fn write_mbox(path: &Path, messages: &[Message]) -> std::io::Result<()> {
    let mut out = Vec::new();
    for m in messages {
        out.extend_from_slice(b"From synth@example.com Mon Jun  1 00:00:00 2026\n");
        let text = String::from_utf8_lossy(&m.bytes).replace("\r\n", "\n");
        for line in text.lines() {
            let quotes = line.bytes().take_while(|&b| b == b'>').count();
            if line[quotes..].starts_with("From ") {
                out.push(b'>');
            }
            out.extend_from_slice(line.as_bytes());
            out.push(b'\n');
        }
        out.push(b'\n');
    }
    std::fs::write(path, out)
}
